"""The tracker workbook, engine-neutral: its layout (where things are), the :class:`~lkj_xl.workbook.book.Book`
interface, the reader (cells to core values, each remembered with its sheet and cell), the writers (core values to
the cells the engine owns) and the actions (validate, refresh, report, status) that the ``lkj`` command and the
ribbon both run.

Works through a Book only, so it imports no spreadsheet library: the same code runs on a file and on the workbook
open in Excel.  May import :mod:`lkj_xl.core`.
"""
