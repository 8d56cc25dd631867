"""A workbook package read as a :class:`~lkj_xl.workbook.book.Book`: the read side of the file engine.

The parts it must understand are parsed with lxml (the workbook, its relationships, sheets, tables, shared strings,
styles, and a worksheet only when it is read); nothing is changed.  ``read`` gives exactly the values
:class:`lkj_xl.engines.openpyxl_book.FileBook` (openpyxl, ``data_only=False``) gives for the same file:
shared/inline strings, numbers (``int`` unless the text holds ``.``/``e``), booleans, error text, dates by cell style
(openpyxl's own date-format test and serial conversion, 1900 or 1904 epoch), formulas as their text (shared formulas
translated to the dependent cell), values of merged cells other than the top-left dropped; through calamine where
that gives the same values (:mod:`lkj_xl.engines.package_fastread`).  Each sheet's values as read are kept: what a
write compares to.

Separate from :class:`lkj_xl.engines.package.PackageBook`, which adds the writes, their bookkeeping and the save on
this base: reading needs none of that, and the rules by which a cell's XML becomes a value are read here alone.
"""

from __future__ import annotations

import io
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from lxml import etree
from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from lkj_xl.workbook.book import Book, Values
from lkj_xl.core.errors import UnusableFileError
from lkj_xl.engines.package_fastread import FastReader
from lkj_xl.engines.package_parts import (
    REL_CHARTSHEET, REL_SHARED_STRINGS, REL_STYLES, REL_TABLE, REL_WORKSHEET, T_F, T_IS, T_SI, T_TABLECOLUMN,
    T_TABLECOLUMNS, T_V, WORKBOOK, _Part, _Sheet, _Table, _broken, _declaration, _index, _is_true, _parse_xml, _q,
    _range, _read_zip, _ref, _relationships, _rels_part, _resolve, _text_content,
)
from lkj_xl.engines.package_sheet import index_sheet


class PackageReader(Book):
    """A workbook file read as its zip package (see module doc); abstract: :class:`~lkj_xl.engines.package.PackageBook`
    is the engine."""

    def __init__(self, data: bytes, path: str | Path | None = None):
        self.path = Path(path) if path is not None else None
        self.name = self.path.name if self.path is not None else ""
        file_name = self.name or "buku kerja"
        self._file_name = file_name
        self._infos, self._raw, self._comment = _read_zip(data, file_name)
        # the parts as read, never changed (self._raw may gain parts): what the save check compares the new version to
        self._original = MappingProxyType(dict(self._raw))
        self._parts, sheet_list, self._rels = _index(self._raw, file_name)

        wb_root = self._parts[WORKBOOK].tree.getroot()
        pr = wb_root.find(_q("workbookPr"))
        self.date1904 = pr is not None and _is_true(pr.get("date1904"))
        self._epoch = CALENDAR_MAC_1904 if self.date1904 else WINDOWS_EPOCH
        self._defined: dict[str, str | None] = {}
        names_el = wb_root.find(_q("definedNames"))
        for el in (names_el if names_el is not None else ()):
            if el.tag != _q("definedName") or el.get("localSheetId") is not None:
                continue
            name = el.get("name", "")
            if name in ("_xlnm.Print_Titles", "_xlnm.Print_Area", "_xlnm._FilterDatabase"):
                continue
            self._defined[name] = el.text

        self._sheets: dict[str, _Sheet] = {}
        for name, sheet_id, rid in sheet_list:
            rel_type, part = self._rels.get(rid, ("", None))
            if rel_type.endswith(REL_WORKSHEET) and part in self._raw:
                kind = "worksheet"
            elif rel_type.endswith(REL_CHARTSHEET):
                kind = "chartsheet"
            else:
                kind, part = "other", None
            sheet = _Sheet(name, sheet_id, part, kind)
            if kind == "worksheet":
                sheet.tables = self._load_tables(part)
            self._sheets[name] = sheet

        self._shared_strings = self._load_shared_strings()
        self._date_styles, self._timedelta_styles = self._load_styles()
        # values as read, per sheet: what a write compares to, so that writing a value a cell already holds
        # changes nothing (most of a refresh on a tracker refreshed before); ``_exact`` names the cells (formulas,
        # errors) whose read value is not their content, which are always written
        strings_part = self._part_by_rel(REL_SHARED_STRINGS)
        self._fast = FastReader(data, self._raw.get(strings_part, b"") if strings_part else b"")
        self._as_read: dict[str, Values] = {}
        self._exact: dict[str, set[tuple[int, int]]] = {}

    @classmethod
    def open(cls, path: str | Path) -> "PackageReader":
        """Read ``path`` (its bytes, once; no handle stays open).  A missing or unreadable file raises
        :class:`UnusableFileError` (Indonesian message naming the file and the part)."""
        path = Path(path)
        if not path.is_file():
            raise UnusableFileError(f"Berkas \"{path}\" tidak ditemukan.")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnusableFileError(f"Berkas \"{path.name}\" tidak dapat dibaca ({exc.strerror or exc}).") from exc
        return cls(data, path)

    def original_parts(self) -> Mapping[str, bytes]:
        """Every part of the package as it was read (name -> decompressed bytes, each CRC checked), whatever was
        written since: for :func:`package_differences`, which then need not decompress the same bytes again."""
        return self._original

    # ------------------------------------------------------------------------------------------------ loading
    def _part_by_rel(self, suffix: str) -> str | None:
        for rel_type, part in self._rels.values():
            if rel_type.endswith(suffix):
                return part
        return None

    def _xml(self, name: str) -> _Part:
        part = self._parts.get(name)
        if part is None:
            data = self._raw[name]
            part = _Part(name, _parse_xml(data, self._file_name, name), _declaration(data))
            self._parts[name] = part
        return part

    def _load_tables(self, sheet_part: str) -> dict[str, _Table]:
        rels_name = _rels_part(sheet_part)
        tables: dict[str, _Table] = {}
        if rels_name not in self._raw:
            return tables
        for rel in _relationships(self._xml(rels_name).tree):
            if not rel.get("Type", "").endswith(REL_TABLE) or rel.get("TargetMode") == "External":
                continue
            part = _resolve(sheet_part, rel.get("Target", ""))
            if part not in self._raw:
                raise _broken(self._file_name, part, "bagian tabel tidak ada")
            root = self._xml(part).tree.getroot()
            columns_el = root.find(T_TABLECOLUMNS)
            columns = [col.get("name", "") for col in (columns_el if columns_el is not None else ())
                       if col.tag == T_TABLECOLUMN]
            display = root.get("displayName", "")
            name = root.get("name") or display
            ref = root.get("ref", "")
            try:
                _range(ref)
            except ValueError as exc:
                raise _broken(self._file_name, part, exc) from exc
            tables[name] = _Table(name, display, part, ref, columns)
        return tables

    def _load_shared_strings(self) -> list[str]:
        part = self._part_by_rel(REL_SHARED_STRINGS)
        if part is None or part not in self._raw:
            return []
        strings = []
        try:
            for _event, el in etree.iterparse(io.BytesIO(self._raw[part]), events=("end",), tag=T_SI,
                                              resolve_entities=False, no_network=True, huge_tree=False,
                                              load_dtd=False):
                strings.append(_text_content(el).replace("x005F_", ""))
                el.clear()
        except etree.XMLSyntaxError as exc:
            raise _broken(self._file_name, part, exc) from exc
        return strings

    def _load_styles(self) -> tuple[frozenset[int], frozenset[int]]:
        """Indices of cellXfs whose number format is a date (and a timedelta), decided as openpyxl decides."""
        part = self._part_by_rel(REL_STYLES)
        if part is None or part not in self._raw:
            return frozenset(), frozenset()
        root = self._xml(part).tree.getroot()
        custom: dict[int, str] = {}
        numfmts = root.find(_q("numFmts"))
        try:
            for el in (numfmts if numfmts is not None else ()):
                if el.tag == _q("numFmt"):
                    custom[int(el.get("numFmtId"))] = el.get("formatCode", "")
            dates, deltas = set(), set()
            xfs = root.find(_q("cellXfs"))
            for idx, xf in enumerate(el for el in (xfs if xfs is not None else ()) if el.tag == _q("xf")):
                fmt_id = int(xf.get("numFmtId", "0"))
                fmt = custom[fmt_id] if fmt_id in custom else BUILTIN_FORMATS.get(fmt_id)
                if is_date_format(fmt):
                    dates.add(idx)
                if is_timedelta_format(fmt):
                    deltas.add(idx)
        except (TypeError, ValueError) as exc:
            raise _broken(self._file_name, part, exc) from exc
        return frozenset(dates), frozenset(deltas)

    def _sheet(self, sheet: str) -> _Sheet:
        try:
            return self._sheets[sheet]
        except KeyError:
            raise KeyError(sheet) from None

    def _load(self, sh: _Sheet) -> _Sheet:
        if sh.loaded or sh.kind != "worksheet":
            return sh
        index_sheet(sh, self._xml(sh.part).tree.getroot(), self._file_name)
        return sh

    # --------------------------------------------------------------------------------------------------- Book
    def sheet_names(self) -> list[str]:
        return list(self._sheets)

    def has_sheet(self, sheet: str) -> bool:
        return sheet in self._sheets

    def read(self, sheet: str) -> Values:
        sh = self._sheet(sheet)
        if sh.kind != "worksheet":
            return [[None]]
        values = self._as_read.get(sheet)
        if values is None:
            values = None if sh.loaded or self.date1904 else self._fast.values(sheet, self._raw[sh.part])
            if values is None:
                values = self._read_tree(sheet, sh)
            else:
                self._exact[sheet] = set()
            self._as_read[sheet] = values
        return [list(row) for row in values]  # the caller's own copy: the grid as read stays what writes compare to

    def read_tree(self, sheet: str) -> Values:
        """The values from the sheet's parsed XML tree, never from calamine: what :meth:`read` gives, the reference the
        fast read is tested against."""
        sh = self._sheet(sheet)
        return [[None]] if sh.kind != "worksheet" else self._read_tree(sheet, sh)

    def _read_tree(self, sheet: str, sh: _Sheet) -> Values:
        """The values from the sheet's parsed tree (with what was written since); notes its formula and error
        cells in ``_exact``."""
        self._load(sh)
        present: dict[tuple[int, int], Any] = {}
        shared: dict[str, Any] = {}
        exact: set[tuple[int, int]] = set()
        try:
            # sh.cells holds every cell in document order, keyed as openpyxl counts rows and cells without an
            # address (a repeated address keeps the later cell, as openpyxl does)
            for (row, col), c in sh.cells.items():
                value = self._value(c, row, col, shared) if len(c) else None
                if value is not None:
                    present[row, col] = value
                    if c.get("t") == "e" or c.find(T_F) is not None:
                        exact.add((row, col))
                else:
                    present.pop((row, col), None)
        except (TypeError, ValueError, IndexError, OverflowError) as exc:
            raise _broken(self._file_name, sh.part, exc) from exc
        self._exact[sheet] = exact
        for r1, c1, r2, c2 in sh.merges:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        present.pop((r, c), None)
        if not present:
            return [[None]]
        last_row = max(r for r, _ in present)
        last_col = max(c for _, c in present)
        values: Values = [[None] * last_col for _ in range(last_row)]
        for (r, c), value in present.items():
            values[r - 1][c - 1] = value
        return values

    def _value(self, c: etree._Element, row: int, col: int, shared: dict) -> Any:
        """One cell's value exactly as openpyxl's WorkSheetParser.parse_cell gives it (data_only=False)."""
        data_type = c.get("t", "n")
        style = c.get("s", 0)
        if style:
            style = int(style)
        if data_type == "inlineStr":
            value = None
        else:
            value = c.findtext(T_V, None) or None
        formula = c.find(T_F)
        if formula is not None:
            return self._formula(formula, c.get("r") or _ref(row, col), shared)
        if value is not None:
            if data_type == "n":
                value = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
                if style in self._date_styles:
                    try:
                        value = from_excel(value, self._epoch, timedelta=style in self._timedelta_styles)
                    except (OverflowError, ValueError):
                        value = "#VALUE!"
            elif data_type == "s":
                value = self._shared_strings[int(value)]
            elif data_type == "b":
                value = bool(int(value))
            elif data_type == "d":
                value = from_ISO8601(value)
        elif data_type == "inlineStr":
            child = c.find(T_IS)
            if child is not None:
                value = _text_content(child)
        return value

    @staticmethod
    def _formula(formula: etree._Element, coordinate: str, shared: dict) -> Any:
        """openpyxl's WorkSheetParser.parse_formula."""
        kind = formula.get("t")
        value = "=" + (formula.text or "")
        if kind == "array":
            return ArrayFormula(ref=formula.get("ref"), text=value)
        if kind == "shared":
            idx = formula.get("si")
            if idx in shared:
                return shared[idx].translate_formula(coordinate)
            if value != "=":
                shared[idx] = Translator(value, coordinate)
            return value
        if kind == "dataTable":
            return DataTableFormula(**dict(formula.attrib))
        return value

    # ------------------------------------------------------------------------------------------ tables, names
    def tables(self, sheet: str) -> dict[str, str]:
        """Table name -> ref of a sheet's tables."""
        return {name: table.ref for name, table in self._sheet(sheet).tables.items()}

    def table_columns(self, sheet: str, name: str) -> list[str]:
        return list(self._sheet(sheet).tables[name].columns)

    def defined_name(self, name: str) -> str | None:
        """The formula text of a workbook-level defined name (``"Pengaturan!$B$11"``), None when absent."""
        return self._defined.get(name)


__all__ = ["PackageReader"]
