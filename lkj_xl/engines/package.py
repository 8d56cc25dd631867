"""A workbook file edited as its zip package: only the parts holding cells the engine writes change.

openpyxl rewrites the whole package on save and drops what it does not model (drawings, threaded comments,
sparklines and x14 validations in a sheet's ``extLst``, rich text, cached formula values...).  :class:`PackageBook`
never does that: it parses the parts it must understand with lxml (which keeps unknown elements, namespaces and
extension lists), edits only the worksheet parts holding cells it writes (plus, for its own structural edits, table
parts and ``calcChain.xml``), and copies every other zip member unchanged: same decompressed bytes, same order, same
name, date, compression and attributes.  Inside a changed worksheet only the written cells change; every other
element is serialised back as lxml parsed it.

``read`` gives exactly the values :class:`lkj_xl.engines.openpyxl_book.FileBook` (openpyxl, ``data_only=False``) gives for the
same file: shared/inline strings, numbers (``int`` unless the text holds ``.``/``e``), booleans, error text, dates
by cell style (openpyxl's own date-format test and serial conversion, 1900 or 1904 epoch), formulas as their text
(shared formulas translated to the dependent cell), values of merged cells other than the top-left dropped.

:func:`package_differences` is the byte-level proof of a save: it compares two packages part by part and names every
difference the engine is not allowed to make.

One idea over 500 lines: :class:`PackageBook` itself, the package seen as a Book (reading values, writing cells and
its few allowed structural edits, saving).  The package format, the splice and the proof are its sibling modules
``package_parts``, ``package_splice`` and ``package_proof``.
"""

from __future__ import annotations

import io
import zipfile
from bisect import bisect_right
from datetime import date, datetime, time
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Sequence

from lxml import etree

from lkj_xl.engines.package_proof import package_differences  # noqa: F401 - part of this module's API

from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601, to_excel
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from lkj_xl.workbook.book import Book, Values
from lkj_xl.core.errors import DataError, UnusableFileError
from lkj_xl.engines.package_parts import (
    CONTENT_TYPES, NS_CT, REL_CALC_CHAIN, REL_CHARTSHEET, REL_SHARED_STRINGS, REL_STYLES, REL_TABLE, REL_WORKSHEET,
    T_AUTOFILTER, T_C, T_COL, T_COLS, T_DIMENSION, T_F, T_IS, T_MERGECELL, T_MERGECELLS, T_ROW, T_SHEETDATA, T_SI,
    T_T, T_TABLECOLUMN, T_TABLECOLUMNS, T_V, WORKBOOK, WORKBOOK_RELS, XML_SPACE, _Part, _Sheet, _Table, _broken,
    _coord, _declaration, _index, _is_true, _number_text, _parse_xml, _q, _range, _range_ref, _read_zip, _ref,
    _relationships, _rels_part, _resolve, _serial_text, _serialise, _text_content, _text_content_of,
)
from lkj_xl.engines.package_fastread import FastReader
from lkj_xl.engines.package_splice import (
    _splice_sheet,
)


_HELD = object()  # in a block to write: this cell already holds its value
_NUMBERS = (int, float)  # exact types: a bool is not a number here


class PackageBook(Book):
    """A workbook file edited in place as a zip package (see module doc)."""

    def __init__(self, data: bytes, path: str | Path | None = None):
        self.path = Path(path) if path is not None else None
        self.name = self.path.name if self.path is not None else ""
        file_name = self.name or "buku kerja"
        self._file_name = file_name
        self._infos, self._raw, self._comment = _read_zip(data, file_name)
        # the parts as read, never changed (self._raw may gain parts): what the save check compares the new version to
        self._original = MappingProxyType(dict(self._raw))
        self._parts, sheet_list, self._rels = _index(self._raw, file_name)
        self._changed: set[str] = set()
        self._removed: set[str] = set()
        self._written: dict[str, set[str]] = {}

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
    def open(cls, path: str | Path) -> "PackageBook":
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
        part = self._xml(sh.part)
        root = part.tree.getroot()
        data = root.find(T_SHEETDATA)
        if data is None:
            raise _broken(self._file_name, sh.part, "elemen sheetData tidak ada")
        rows: dict[int, etree._Element] = {}
        cells: dict[tuple[int, int], etree._Element] = {}
        addressed = True
        row_counter = 0
        known_columns: dict[str, int] = {}
        try:
            for row in data.iterchildren(T_ROW):
                r = row.get("r")
                if r is None:
                    addressed = False
                    row_counter += 1
                else:
                    row_counter = int(r) if r.isdigit() else int(float(r))
                rows.setdefault(row_counter, row)
                col_counter = 0
                # the common "B12" in row 12: its letters looked up, not parsed (a sheet has a few dozen columns)
                digits = str(row_counter)
                cut = -len(digits)
                for c in row.iterchildren(T_C):
                    ref = c.get("r")
                    if ref is None:
                        addressed = False
                        col_counter += 1
                        key = (row_counter, col_counter)
                    elif ref.endswith(digits) and (col := known_columns.get(ref[:cut])) is not None:
                        key = (row_counter, col)
                        col_counter = col
                    else:
                        key = _coord(ref)
                        col_counter = key[1]
                        if key[0] == row_counter and ref[:cut].isalpha() and ref[:cut].isupper() and ref.isascii():
                            known_columns[ref[:cut]] = key[1]
                    cells[key] = c
            merges = []
            merge_el = root.find(T_MERGECELLS)
            for m in (merge_el if merge_el is not None else ()):
                if m.tag == T_MERGECELL and m.get("ref"):
                    merges.append(_range(m.get("ref")))
            col_styles = []
            cols_el = root.find(T_COLS)
            for col in (cols_el if cols_el is not None else ()):
                if col.tag == T_COL and col.get("style") not in (None, "0"):
                    col_styles.append((int(col.get("min")), int(col.get("max")), col.get("style")))
        except (TypeError, ValueError) as exc:
            raise _broken(self._file_name, sh.part, exc) from exc
        sh.data, sh.rows, sh.cells, sh.merges, sh.col_styles = data, rows, cells, merges, col_styles
        sh.row_numbers = sorted(rows)
        sh.addressed = addressed
        sh.loaded = True
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
            # sh.cells holds every cell in document order (the same keys _ordered_cells yields; a repeated address
            # keeps the later cell, as openpyxl does)
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

    @staticmethod
    def _ordered_cells(sh: _Sheet) -> Iterable[tuple[tuple[int, int], etree._Element]]:
        """Cells in document order with openpyxl's counting for rows and cells without an address."""
        row_counter = 0
        for row in sh.data.iterchildren(T_ROW):
            r = row.get("r")
            row_counter = row_counter + 1 if r is None else (int(r) if r.isdigit() else int(float(r)))
            col_counter = 0
            for c in row.iterchildren(T_C):
                ref = c.get("r")
                if ref is None:
                    col_counter += 1
                    yield (row_counter, col_counter), c
                else:
                    key = _coord(ref)
                    col_counter = key[1]
                    yield key, c

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

    # ----------------------------------------------------------------------------------------------- writing
    def _writable(self, sheet: str) -> _Sheet:
        sh = self._sheet(sheet)
        if sh.kind != "worksheet":
            raise DataError(f"Lembar \"{sheet}\" bukan lembar kerja biasa, sehingga tidak dapat ditulis.",
                            sheet=sheet)
        self._load(sh)
        if not sh.addressed:
            raise UnusableFileError(f"Lembar \"{sheet}\" pada berkas \"{self._file_name}\" menyimpan baris atau sel "
                                    f"tanpa alamat, sehingga tidak dapat diubah dengan aman. Buka dan simpan ulang "
                                    f"berkas itu di Excel, lalu ulangi.")
        return sh

    def write(self, sheet: str, row: int, column: int, values: Sequence[Sequence[Any]]) -> None:
        values = self._unheld(sheet, row, column, values)
        if values is None:
            return  # every cell already holds its value: the sheet's bytes stay as they are
        sh = self._writable(sheet)
        width = max((len(r) for r in values), default=0)
        # only the merged ranges overlapping the block can refuse one of its cells
        merges = [m for m in sh.merges
                  if m[0] <= row + len(values) - 1 and row <= m[2] and m[1] <= column + width - 1 and column <= m[3]]
        content = self._cell_content
        block = []
        for r_offset, row_values in enumerate(values):
            r = row + r_offset
            for c_offset, value in enumerate(row_values):
                if value is _HELD:
                    continue
                c = column + c_offset
                if merges:
                    self._check_merge(sh, sheet, r, c, merges)
                block.append((r, c, content(value)))
        written = self._written.setdefault(sheet, set())
        set_cell = self._set_cell
        changed = []
        for r, c, cell_content in block:
            set_cell(sh, r, c, cell_content)
            written.add(_ref(r, c))
            changed.append((r, c))
        if changed:
            self._changed.add(sh.part)
            self._note_written(sheet, sh, changed)

    def _unheld(self, sheet: str, row: int, column: int, values: Sequence[Sequence[Any]]):
        """``values`` with :data:`_HELD` for each cell that already holds its value as read (same type and value,
        not a formula or error cell), or None when every cell does."""
        if self._sheet(sheet).kind != "worksheet":
            return values  # refused by _writable
        if sheet not in self._as_read:
            self.read(sheet)
        grid, exact = self._as_read[sheet], self._exact[sheet]
        out = []
        any_new = False
        for r_offset, row_values in enumerate(values):
            r = row + r_offset
            line = grid[r - 1] if r <= len(grid) else ()
            new_row = list(row_values)
            for c_offset, value in enumerate(row_values):
                c = column + c_offset
                old = line[c - 1] if c <= len(line) else None
                if (type(old) is type(value) or (type(old) in _NUMBERS and type(value) in _NUMBERS)) \
                        and old == value and (r, c) not in exact:
                    new_row[c_offset] = _HELD  # 35.0 is written "35", which reads back 35: held too
                else:
                    any_new = True
            out.append(new_row)
        return out if any_new else None

    def _note_written(self, sheet: str, sh: _Sheet, cells: list[tuple[int, int]]) -> None:
        """Keep the grid as read true after a write: each written cell's value as a read of its tree gives it."""
        grid, exact = self._as_read[sheet], self._exact[sheet]
        shared: dict[str, Any] = {}
        emptied = False
        for r, c in cells:
            el = sh.cells[r, c]
            value = self._value(el, r, c, shared) if len(el) else None
            exact.discard((r, c))
            if value is None:
                if r <= len(grid) and c <= len(grid[0]):
                    grid[r - 1][c - 1] = None
                    emptied = True
                continue
            if c > len(grid[0]):
                for line in grid:
                    line.extend([None] * (c - len(line)))
            while len(grid) < r:
                grid.append([None] * len(grid[0]))
            grid[r - 1][c - 1] = value
        if emptied:  # as a read of the tree: up to the last row and column holding a value
            while len(grid) > 1 and all(v is None for v in grid[-1]):
                grid.pop()
            width = max(max((i for i, v in enumerate(line, 1) if v is not None), default=0) for line in grid)
            if width < len(grid[0]):
                for i, line in enumerate(grid):
                    grid[i] = line[:max(width, 1)]

    @staticmethod
    def _check_merge(sh: _Sheet, sheet: str, r: int, c: int, merges=None) -> None:
        for r1, c1, r2, c2 in (sh.merges if merges is None else merges):
            if r1 <= r <= r2 and c1 <= c <= c2 and (r, c) != (r1, c1):
                where = _ref(r, c)
                raise DataError(f"Sel {where} pada lembar \"{sheet}\" digabung (merge) dengan sel lain, "
                                f"sehingga hasil perhitungan tidak dapat ditulis ke sana. Pisahkan gabungan sel "
                                f"itu (Pisahkan Sel / Unmerge Cells), lalu ulangi. Buku kerja tidak diubah.",
                                sheet=sheet, cell=where)

    def _cell_content(self, value: Any) -> tuple[str | None, str | None]:
        """(t attribute, text) for a value: ("inlineStr", text), ("b", "1"), (None, "12.5"), or (None, None)."""
        if value is None:
            return None, None
        if isinstance(value, bool):
            return "b", "1" if value else "0"
        if isinstance(value, int):
            return None, str(value)
        if isinstance(value, float):
            return None, _number_text(value)
        if type(value) is str:  # noqa: E721 - exact type: the cache below keys on equal values
            return _text_content_of(value)
        if isinstance(value, (datetime, date, time)):
            if getattr(value, "tzinfo", None) is not None:
                raise ValueError("Excel does not support timezones in datetimes")
            if type(value) is datetime:  # noqa: E721
                return None, _serial_text(value, self._epoch)
            return None, _number_text(to_excel(value, self._epoch))
        return _text_content_of(value if isinstance(value, str) else str(value))

    def _set_cell(self, sh: _Sheet, r: int, c: int, content: tuple[str | None, str | None]) -> None:
        el = self._cell(sh, r, c)
        sh.dirty_cells.add((r, c))
        if len(el):
            formula = el.find(T_F)
            if formula is not None:
                self._drop_formula(sh, el, formula)
            for child in list(el):
                if child.tag in (T_F, T_V, T_IS):
                    el.remove(child)
        for attr in ("t", "cm", "vm"):
            if el.get(attr) is not None:
                del el.attrib[attr]
        kind, text = content
        if text is None:
            return
        if kind == "inlineStr":
            el.set("t", "inlineStr")
            is_el = etree.Element(T_IS)
            t_el = etree.SubElement(is_el, T_T)
            t_el.text = text
            if text != text.strip() or "\n" in text:
                t_el.set(XML_SPACE, "preserve")
            el.insert(0, is_el)
        else:
            if kind:
                el.set("t", kind)
            v_el = etree.Element(T_V)
            v_el.text = text
            el.insert(0, v_el)
        extent = sh.extent
        if r > extent[0] or c > extent[1]:
            sh.extent = (max(extent[0], r), max(extent[1], c))

    def _row(self, sh: _Sheet, r: int) -> etree._Element:
        row = sh.rows.get(r)
        if row is not None:
            return row
        row = etree.Element(T_ROW)
        row.set("r", str(r))
        pos = bisect_right(sh.row_numbers, r)
        if pos < len(sh.row_numbers):
            sh.rows[sh.row_numbers[pos]].addprevious(row)
        else:
            sh.data.append(row)
        sh.row_numbers.insert(pos, r)
        sh.rows[r] = row
        sh.new_rows.add(r)
        return row

    def _cell(self, sh: _Sheet, r: int, c: int) -> etree._Element:
        """The cell at (r, c), created (value-less, styled by its row or column) when it does not exist."""
        el = sh.cells.get((r, c))
        if el is not None:
            return el
        row = self._row(sh, r)
        el = etree.Element(T_C)
        el.set("r", _ref(r, c))
        style = None
        if _is_true(row.get("customFormat")) and row.get("s") not in (None, "0"):
            style = row.get("s")
        else:
            for first, last, col_style in sh.col_styles:
                if first <= c <= last:
                    style = col_style
                    break
        if style is not None:
            el.set("s", style)
        self._insert_cell(sh, r, row, c, el)
        if self._widen_spans(row, c):
            sh.dirty_rows.add(r)
        sh.cells[r, c] = el
        sh.new_cells.add((r, c))
        extent = sh.extent
        if r > extent[0] or c > extent[1]:
            sh.extent = (max(extent[0], r), max(extent[1], c))
        return el

    @staticmethod
    def _insert_cell(sh: _Sheet, r: int, row: etree._Element, c: int, el: etree._Element) -> None:
        """Put the new cell ``el`` (column ``c``) into ``row``: before the first cell, in document order, whose column
        is greater, else after the last cell (before a row extLst, if any), else first."""
        order = sh.row_cells.get(r, False)
        if order is False:
            existing = list(row.iterchildren(T_C))
            columns = [_coord(cell.get("r"))[1] for cell in existing]
            ascending = all(a <= b for a, b in zip(columns, columns[1:]))
            order = sh.row_cells[r] = (columns, existing) if ascending else None
        if order is None:  # cells out of order: the first greater one in document order
            following = None
            for existing_cell in row.iterchildren(T_C):
                if _coord(existing_cell.get("r"))[1] > c:
                    following = existing_cell
                    break
            if following is not None:
                following.addprevious(el)
            else:
                last = None
                for existing_cell in row.iterchildren(T_C):
                    last = existing_cell
                if last is not None:
                    last.addnext(el)
                else:
                    row.insert(0, el)
            return
        columns, cells = order
        pos = bisect_right(columns, c)
        if pos < len(columns):
            cells[pos].addprevious(el)
        elif cells:
            cells[-1].addnext(el)
        else:
            row.insert(0, el)
        columns.insert(pos, c)
        cells.insert(pos, el)

    @staticmethod
    def _widen_spans(row: etree._Element, c: int) -> bool:
        spans = row.get("spans")
        if not spans or " " in spans:
            return False
        first, _, last = spans.partition(":")
        if first.isdigit() and last.isdigit() and not int(first) <= c <= int(last):
            row.set("spans", f"{min(int(first), c)}:{max(int(last), c)}")
            return True
        return False

    def _drop_formula(self, sh: _Sheet, el: etree._Element, formula: etree._Element) -> None:
        """Before a written value replaces a formula: keep other cells of a shared formula working (the next cell
        becomes the master) and drop the cell from the calculation chain."""
        if formula.get("t") == "shared" and formula.text:
            si = formula.get("si")
            dependents = [c for c in sh.cells.values()
                          if c is not el and (f := c.find(T_F)) is not None and f.get("t") == "shared"
                          and f.get("si") == si and not f.text]
            if dependents:
                dependents.sort(key=lambda c: _coord(c.get("r")))
                master = dependents[0]
                text = Translator("=" + formula.text, el.get("r")).translate_formula(master.get("r"))
                spots = [_coord(c.get("r")) for c in dependents]
                new_f = master.find(T_F)
                new_f.text = text[1:]
                new_f.set("ref", _range_ref(min(r for r, _ in spots), min(c for _, c in spots),
                                            max(r for r, _ in spots), max(c for _, c in spots)))
                sh.dirty_cells.add(spots[0])
        self._drop_calc_entry(sh, el.get("r"))

    def _drop_calc_entry(self, sh: _Sheet, ref: str) -> None:
        part = self._part_by_rel(REL_CALC_CHAIN)
        if part is None or part not in self._raw or part in self._removed:
            return
        root = self._xml(part).tree.getroot()
        current = None
        entries = [el for el in root if el.tag == T_C]
        for index, entry in enumerate(entries):
            if entry.get("i") is not None:
                current = entry.get("i")
            if entry.get("r") == ref and current == sh.sheet_id:
                following = entries[index + 1] if index + 1 < len(entries) else None
                if following is not None:
                    for attr in ("i", "l"):
                        if entry.get(attr) is not None and following.get(attr) is None:
                            following.set(attr, entry.get(attr))
                root.remove(entry)
                self._changed.add(part)
                break
        if not any(el.tag == T_C for el in root):
            self._remove_calc_chain(part)

    def _remove_calc_chain(self, part: str) -> None:
        self._removed.add(part)
        self._changed.add(part)  # reported as changed (removed)
        rels = self._xml(WORKBOOK_RELS)
        for rel in _relationships(rels.tree):
            if rel.get("Type", "").endswith(REL_CALC_CHAIN):
                rel.getparent().remove(rel)
        self._changed.add(WORKBOOK_RELS)
        self._rels = {k: v for k, v in self._rels.items() if not v[0].endswith(REL_CALC_CHAIN)}
        types = self._xml(CONTENT_TYPES)
        for el in list(types.tree.getroot()):
            if el.tag == f"{{{NS_CT}}}Override" and el.get("PartName", "").lstrip("/") == part:
                el.getparent().remove(el)
                self._changed.add(CONTENT_TYPES)

    # -------------------------------------------------------------------------------------- structural edits
    def tables(self, sheet: str) -> dict[str, str]:
        """Table name -> ref of a sheet's tables."""
        return {name: table.ref for name, table in self._sheet(sheet).tables.items()}

    def table_columns(self, sheet: str, name: str) -> list[str]:
        return list(self._sheet(sheet).tables[name].columns)

    def defined_name(self, name: str) -> str | None:
        """The formula text of a workbook-level defined name (``"Pengaturan!$B$11"``), None when absent."""
        return self._defined.get(name)

    def resize_table(self, sheet: str, name: str, ref: str | int) -> None:
        """Let table ``name`` cover ``ref`` (same columns; or give its new last row) with its autoFilter.  Rows the
        table gains get, in the table's columns, the style of the cell above where they hold no cell yet."""
        table = self._sheet(sheet).tables[name]
        r1, c1, r2, c2 = _range(table.ref)
        if isinstance(ref, str):
            n1, m1, last_row, m2 = _range(ref)
            if (n1, m1, m2) != (r1, c1, c2):
                raise ValueError(f"table {name}: {ref} does not keep its header row and columns ({table.ref})")
        else:
            last_row = ref
        if last_row == r2:
            return  # already so: the sheet is not even parsed
        sh = self._writable(sheet)
        root = self._xml(table.part).tree.getroot()
        header = int(root.get("headerRowCount", "1"))
        if int(root.get("totalsRowCount", "0") or 0):
            raise ValueError(f"table {name} has a totals row")
        if last_row < r1 + header:
            raise ValueError(f"table {name} needs at least one data row (last_row {last_row})")
        new_ref = _range_ref(r1, c1, last_row, c2)
        if new_ref == table.ref:
            return
        root.set("ref", new_ref)
        auto = root.find(T_AUTOFILTER)
        if auto is not None and auto.get("ref"):
            a1, ac1, _a2, ac2 = _range(auto.get("ref"))
            auto.set("ref", _range_ref(a1, ac1, last_row, ac2))
        table.ref = new_ref
        self._changed.add(table.part)
        created = False
        for r in range(r2 + 1, last_row + 1):
            for c in range(c1, c2 + 1):
                if (r, c) in sh.cells:
                    continue
                above = sh.cells.get((r - 1, c))
                style = above.get("s") if above is not None else None
                if style in (None, "0"):
                    continue
                el = self._cell(sh, r, c)
                el.set("s", style)
                created = True
        if created:
            self._changed.add(sh.part)

    def set_formula_result(self, sheet: str, row: int, column: int, value: Any) -> None:
        """Store ``value`` as the cached result of the formula in a cell, keeping the formula: what Excel shows until
        it recalculates (a file written here is not recalculated on open).  A cell without a formula is left alone."""
        sh = self._writable(sheet)
        el = sh.cells.get((row, column))
        if el is None or el.find(T_F) is None:
            return
        kind, text = (None, None) if value is None else ("str", str(value)) if isinstance(value, str) \
            else self._cell_content(value)
        old = el.find(T_V)
        shown = None if old is None else (old.text or "")
        if (text in (None, "") and shown in (None, "")) or (el.get("t") == kind and shown == text):
            return  # already so: the part stays as it is
        if old is not None:
            el.remove(old)
        if kind is None:
            el.attrib.pop("t", None)
        else:
            el.set("t", kind)
        if text is not None:
            v_el = etree.SubElement(el, T_V)
            v_el.text = text
        sh.dirty_cells.add((row, column))
        self._written.setdefault(sheet, set()).add(_ref(row, column))
        self._changed.add(sh.part)

    def set_hyperlink(self, sheet: str, row: int, column: int, url: str | None) -> None:
        """A cell hyperlink to the external ``url`` (None: none), see :mod:`lkj_xl.engines.package_links`.  The
        worksheet is then serialised whole (the splice only knows sheetData); its rels part is created if absent."""
        from lkj_xl.engines.package_links import EMPTY_RELS, set_link

        sh = self._writable(sheet)
        rels = _rels_part(sh.part)
        if rels not in self._raw:
            if url is None:
                return
            info = next(i for i in self._infos if i.filename == sh.part)
            self._raw[rels] = EMPTY_RELS
            self._infos.append(zipfile.ZipInfo(rels, info.date_time))
            self._changed.add(rels)
        sheet_changed, rels_changed = set_link(self._xml(sh.part).tree.getroot(), self._xml(rels).tree.getroot(),
                                               _ref(row, column), url)
        if sheet_changed:
            self._changed.add(sh.part)
            self.__dict__.setdefault("_unspliced", set()).add(sh.part)
        if rels_changed:
            self._changed.add(rels)

    def set_row_height(self, sheet: str, row: int, height: float, rows: int = 1) -> None:
        sh = self._writable(sheet)
        text = _number_text(float(height))
        for r in range(row, row + rows):
            el = self._row(sh, r)
            if el.get("ht") == text and el.get("customHeight") in ("1", "true"):
                continue
            el.set("ht", text)
            el.set("customHeight", "1")
            sh.dirty_rows.add(r)
            self._changed.add(sh.part)

    def set_print_area(self, sheet: str, ref: str) -> None:
        """The sheet's print area (its ``_xlnm.Print_Area`` defined name in xl/workbook.xml, created when absent)."""
        from lkj_xl.engines.package_parts import print_area_text, set_print_area_name

        self._writable(sheet)
        index = list(self._sheets).index(sheet)
        if set_print_area_name(self._parts[WORKBOOK].tree.getroot(), index, print_area_text(sheet, ref)):
            self._changed.add(WORKBOOK)

    # ------------------------------------------------------------------------------------------------- save
    def changed_parts(self) -> set[str]:
        """Parts whose bytes a save changes (removed parts included)."""
        return set(self._changed)

    def written_cells(self) -> dict[str, set[str]]:
        """Sheet name -> A1 refs written (emptied ones included)."""
        return {sheet: set(refs) for sheet, refs in self._written.items()}

    def _finish_dimension(self, sh: _Sheet) -> None:
        dim = sh.data.getparent().find(T_DIMENSION)
        if dim is None or not dim.get("ref") or sh.extent == (0, 0):
            return
        try:
            r1, c1, r2, c2 = _range(dim.get("ref"))
        except ValueError:
            return
        last_row, last_col = max(r2, sh.extent[0]), max(c2, sh.extent[1])
        if (last_row, last_col) != (r2, c2):
            dim.set("ref", _range_ref(r1, c1, last_row, last_col))

    def _part_bytes(self, name: str) -> bytes:
        part = self._parts[name]
        sheet = next((sh for sh in self._sheets.values() if sh.part == name and sh.loaded), None)
        if sheet is not None and name not in self.__dict__.get("_unspliced", ()):
            spliced = _splice_sheet(self._raw[name], sheet)
            if spliced is not None:
                return spliced
        return _serialise(part.tree, part.declaration)

    def to_bytes(self) -> bytes:
        """The package as it is now: every member in its original order, unchanged ones byte for byte."""
        for sh in self._sheets.values():
            if sh.loaded and sh.part in self._changed:
                self._finish_dimension(sh)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", allowZip64=True) as out:
            for info in self._infos:
                name = info.filename
                if name in self._removed:
                    continue
                zi = zipfile.ZipInfo(name, info.date_time)
                zi.external_attr = info.external_attr
                zi.create_system = info.create_system
                zi.comment = info.comment
                if name in self._changed:
                    data = self._part_bytes(name)
                    zi.compress_type = zipfile.ZIP_DEFLATED
                else:
                    data = self._raw[name]
                    zi.compress_type = info.compress_type
                out.writestr(zi, data)
            out.comment = self._comment
        return buffer.getvalue()

    def save(self, path: str | Path | None = None) -> Path:
        """Write the package to ``path`` (default: where it was opened)."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("PackageBook.save needs a path for a workbook that was not opened from a file")
        data = self.to_bytes()
        with open(target, "wb") as fh:
            fh.write(data)
        return target


__all__ = ["PackageBook", "package_differences"]
