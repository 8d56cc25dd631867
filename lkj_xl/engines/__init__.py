"""Engines: the ways a workbook is reached behind the :class:`~lkj_xl.workbook.book.Book` interface.

The file engine (:mod:`~lkj_xl.engines.package`) edits an .xlsx/.xlsm package in place, writing only the cells it is
given and copying every other part unchanged; :mod:`~lkj_xl.engines.openpyxl_book` is the openpyxl book the builder
and upgrade use; :mod:`~lkj_xl.engines.xlwings_book` and :mod:`~lkj_xl.engines.excel_host` are the workbook open in
Excel through xlwings (every call into xlwings lives here); :mod:`~lkj_xl.engines.ooxml` and
:mod:`~lkj_xl.engines.xmlsafety` know the package format.  May import :mod:`lkj_xl.workbook`, :mod:`lkj_xl.core`,
spreadsheet libraries and lxml; never the files, authoring or shell layers.
"""
