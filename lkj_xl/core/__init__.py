"""The pure core: the SOP model, the working-time calendar, the schedule and plan, validation, the report model,
dates, NIP, time zones and cell values.

Pure values in, pure values out: no files, no clock (every computation takes an ``as_of`` instant), no openpyxl,
xlwings, pandas or lxml.  Imports only the standard library, ``dateutil`` and ``holidays``; nothing else of
``lkj_xl``.  The import-linter contract in ``pyproject.toml`` checks this (``tests/test_layers.py``).
"""
