"""Authoring: making and changing a workbook's structure.  The builder (a new tracker, every sheet, table, format and
print set-up), the report template, the macro-enabled packaging (VBA project and ribbon), ``lkj build-workbook``,
``lkj upgrade`` and the built-in demo.

Structure changes go through the same safe save as every other write.  May import every layer below (files,
engines, workbook, core); never the shells.
"""
