"""lkj-xl: an Excel tracker with a Python engine for SOP 3.1.2.6 "Penyusunan Laporan Kinerja (LKj)".

The package is a pure core (``sop``, ``calendar``, ``schedule``, ``validation``, ``report``) and thin shells over it
(the ``lkj`` CLI, the workbook builder, the xlwings ribbon actions).  Keep this module free of heavy imports: the
ribbon starts a fresh Python for every click.
"""

__version__ = "0.1.0"
