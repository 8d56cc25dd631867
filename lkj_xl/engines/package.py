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
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import zipfile
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from lxml import etree
from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601, to_excel
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from lkj_xl.workbook.book import Book, Values, cell_text
from lkj_xl.core.errors import DataError, UnusableFileError

__all__ = ["PackageBook", "package_differences"]

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

CONTENT_TYPES = "[Content_Types].xml"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"

REL_WORKSHEET = "/worksheet"
REL_CHARTSHEET = "/chartsheet"
REL_SHARED_STRINGS = "/sharedStrings"
REL_STYLES = "/styles"
REL_CALC_CHAIN = "/calcChain"
REL_TABLE = "/table"


def _q(name: str) -> str:
    return f"{{{NS_MAIN}}}{name}"


T_ROW, T_C, T_V, T_F, T_IS, T_T, T_R, T_SHEETDATA, T_DIMENSION = (
    _q(n) for n in ("row", "c", "v", "f", "is", "t", "r", "sheetData", "dimension"))
T_MERGECELLS, T_MERGECELL, T_COLS, T_COL, T_SI, T_AUTOFILTER = (
    _q(n) for n in ("mergeCells", "mergeCell", "cols", "col", "si", "autoFilter"))
T_TABLECOLUMNS, T_TABLECOLUMN = _q("tableColumns"), _q("tableColumn")

#: Characters XML 1.0 cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE plus surrogates and the two non-characters lxml
#: refuses).  Stripped from written text.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_COORD = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_COLUMN_CACHE: dict[str, int] = {}


def _column_index(letters: str) -> int:
    index = _COLUMN_CACHE.get(letters)
    if index is None:
        index = 0
        for ch in letters.upper():
            index = index * 26 + (ord(ch) - 64)
        _COLUMN_CACHE[letters] = index
    return index


@lru_cache(maxsize=1 << 14)
def _letters(column: int) -> str:
    letters = ""
    while column > 0:
        column, rem = divmod(column - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _ref(row: int, column: int) -> str:
    return f"{_letters(column)}{row}"


@lru_cache(maxsize=1 << 16)
def _coord(ref: str) -> tuple[int, int]:
    """"B12" -> (12, 2); ValueError for anything else."""
    m = _COORD.match(ref)
    if not m:
        raise ValueError(f"alamat sel tidak sah: {ref!r}")
    return int(m.group(2)), _column_index(m.group(1))


def _range(ref: str) -> tuple[int, int, int, int]:
    """"A1:C5" -> (1, 1, 5, 3) as (first row, first column, last row, last column)."""
    first, _, last = ref.partition(":")
    r1, c1 = _coord(first)
    r2, c2 = _coord(last) if last else (r1, c1)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _range_ref(r1: int, c1: int, r2: int, c2: int) -> str:
    a, b = _ref(r1, c1), _ref(r2, c2)
    return a if a == b else f"{a}:{b}"


# --------------------------------------------------------------------------------------------------------------- XML


def _parser() -> etree.XMLParser:
    """A parser for files from users: no entity expansion, no network, no huge trees, whitespace kept."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           remove_blank_text=False, remove_comments=False, remove_pis=False)


def _declaration(data: bytes) -> bytes:
    """The bytes before the first element (BOM, ``<?xml ...?>`` and the whitespace after it), or b""."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if data.startswith(b"<?xml", start):
        end = data.find(b"?>", start)
        if end != -1:
            end += 2
            while end < len(data) and data[end:end + 1] in b" \t\r\n":
                end += 1
            return data[:end]
    return data[:start]


def _parse_xml(data: bytes, file_name: str, part: str) -> etree._ElementTree:
    try:
        tree = etree.parse(io.BytesIO(data), _parser())
    except etree.XMLSyntaxError as exc:
        raise _broken(file_name, part, exc) from exc
    if tree.docinfo.doctype:
        raise _broken(file_name, part, "deklarasi DOCTYPE tidak diizinkan")
    return tree


def _broken(file_name: str, part: str, detail: object) -> UnusableFileError:
    return UnusableFileError(f"Berkas \"{file_name}\" rusak: bagian {part} tidak dapat dibaca ({detail}).")


def _serialise(tree: etree._ElementTree, declaration: bytes) -> bytes:
    """The tree as bytes behind the source's own XML declaration (kept byte for byte when it says UTF-8)."""
    decl = declaration.lstrip(b"\xef\xbb\xbf").lower()
    if decl and b"encoding" in decl and b"utf-8" not in decl and b"utf8" not in decl:
        encoding = tree.docinfo.encoding or "UTF-8"
        return etree.tostring(tree, encoding=encoding, xml_declaration=True,
                              standalone=tree.docinfo.standalone)
    return declaration + etree.tostring(tree, encoding="UTF-8", xml_declaration=False)


def _resolve(source_part: str, target: str) -> str:
    """A relationship target as a part name ("xl/worksheets/sheet1.xml")."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def _rels_part(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _relationships(tree: etree._ElementTree) -> list[etree._Element]:
    return [el for el in tree.getroot() if el.tag == f"{{{NS_PKG_REL}}}Relationship"]


# ------------------------------------------------------------------------------------------------------ the package


@dataclass
class _Part:
    """A parsed XML part that may change."""

    name: str
    tree: etree._ElementTree
    declaration: bytes


@dataclass
class _Table:
    name: str
    display_name: str
    part: str
    ref: str
    columns: list[str]


@dataclass
class _Sheet:
    name: str
    sheet_id: str
    part: str | None  # None: a sheet whose part is missing or not a worksheet (chartsheet)
    kind: str  # "worksheet" | "chartsheet" | "other"
    tables: dict[str, _Table] = field(default_factory=dict)
    # filled on load
    loaded: bool = False
    data: etree._Element | None = None
    rows: dict[int, etree._Element] = field(default_factory=dict)
    row_numbers: list[int] = field(default_factory=list)  # sorted
    cells: dict[tuple[int, int], etree._Element] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    col_styles: list[tuple[int, int, str]] = field(default_factory=list)
    addressed: bool = True  # every row and cell has its r attribute
    extent: tuple[int, int] = (0, 0)  # last row, last column of cells this engine added or wrote
    # what changed since loading, for the byte-splicing save
    dirty_cells: set[tuple[int, int]] = field(default_factory=set)  # existing cells whose XML changed
    new_cells: set[tuple[int, int]] = field(default_factory=set)
    dirty_rows: set[int] = field(default_factory=set)  # existing rows whose attributes changed
    new_rows: set[int] = field(default_factory=set)
    # row -> (columns, cells) of its <c> children in document order, built when a cell is first added to the row
    # (only for rows whose columns ascend; others are searched)
    row_cells: dict[int, tuple[list[int], list[etree._Element]] | None] = field(default_factory=dict)


def _index(raw: dict[str, bytes], file_name: str) -> tuple[dict, list[tuple[str, str, str]], dict[str, tuple[str, str]]]:
    """Content types, the sheets (name, sheetId, r:id) and workbook relationships (id -> (type, part)) of a
    package."""
    parts: dict[str, _Part] = {}
    for name in (CONTENT_TYPES, WORKBOOK):
        if name not in raw:
            raise UnusableFileError(f"Berkas \"{file_name}\" bukan buku kerja Excel: bagian {name} tidak ada.")
    for name in (CONTENT_TYPES, WORKBOOK, WORKBOOK_RELS):
        if name in raw:
            parts[name] = _Part(name, _parse_xml(raw[name], file_name, name), _declaration(raw[name]))
    sheets = []
    root = parts[WORKBOOK].tree.getroot()
    sheets_el = root.find(_q("sheets"))
    for el in (sheets_el if sheets_el is not None else ()):
        if el.tag == _q("sheet"):
            sheets.append((el.get("name", ""), el.get("sheetId", ""), el.get(f"{{{NS_REL}}}id", "")))
    rels: dict[str, tuple[str, str]] = {}
    if WORKBOOK_RELS in parts:
        for rel in _relationships(parts[WORKBOOK_RELS].tree):
            if rel.get("TargetMode") == "External":
                continue
            rels[rel.get("Id", "")] = (rel.get("Type", ""), _resolve(WORKBOOK, rel.get("Target", "")))
    return parts, sheets, rels


def _read_zip(data: bytes, file_name: str) -> tuple[list[zipfile.ZipInfo], dict[str, bytes], bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            raw: dict[str, bytes] = {}
            for info in infos:
                if info.filename in raw:
                    raise UnusableFileError(f"Berkas \"{file_name}\" rusak: bagian {info.filename} ada dua kali.")
                raw[info.filename] = zf.read(info)
            return infos, raw, zf.comment
    except UnusableFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, ValueError,
            EOFError) as exc:
        raise UnusableFileError(f"Berkas \"{file_name}\" tidak dapat dibuka sebagai buku kerja Excel "
                                f"({type(exc).__name__}: {exc}).") from exc


def _is_true(value: str | None) -> bool:
    """openpyxl's Bool descriptor on an attribute string."""
    return value is not None and value not in ("false", "f", "0", "")


class PackageBook(Book):
    """A workbook file edited in place as a zip package (see module doc)."""

    def __init__(self, data: bytes, path: str | Path | None = None):
        self.path = Path(path) if path is not None else None
        self.name = self.path.name if self.path is not None else ""
        file_name = self.name or "buku kerja"
        self._file_name = file_name
        self._infos, self._raw, self._comment = _read_zip(data, file_name)
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
                for c in row.iterchildren(T_C):
                    ref = c.get("r")
                    if ref is None:
                        addressed = False
                        col_counter += 1
                        key = (row_counter, col_counter)
                    else:
                        key = _coord(ref)
                        col_counter = key[1]
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
        self._load(sh)
        present: dict[tuple[int, int], Any] = {}
        shared: dict[str, Any] = {}
        try:
            for (row, col), c in self._ordered_cells(sh):
                value = self._value(c, row, col, shared) if len(c) else None
                if value is not None:
                    present[row, col] = value
                else:
                    present.pop((row, col), None)
        except (TypeError, ValueError, IndexError, OverflowError) as exc:
            raise _broken(self._file_name, sh.part, exc) from exc
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
                c = column + c_offset
                if merges:
                    self._check_merge(sh, sheet, r, c, merges)
                block.append((r, c, content(value)))
        written = self._written.setdefault(sheet, set())
        set_cell = self._set_cell
        for r, c, cell_content in block:
            set_cell(sh, r, c, cell_content)
            written.add(_ref(r, c))
        if block:
            self._changed.add(sh.part)

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
        sh = self._writable(sheet)
        table = sh.tables[name]
        root = self._xml(table.part).tree.getroot()
        r1, c1, r2, c2 = _range(table.ref)
        if isinstance(ref, str):
            n1, m1, last_row, m2 = _range(ref)
            if (n1, m1, m2) != (r1, c1, c2):
                raise ValueError(f"table {name}: {ref} does not keep its header row and columns ({table.ref})")
        else:
            last_row = ref
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

    def set_row_height(self, sheet: str, row: int, height: float) -> None:
        sh = self._writable(sheet)
        el = self._row(sh, row)
        el.set("ht", _number_text(float(height)))
        el.set("customHeight", "1")
        sh.dirty_rows.add(row)
        self._changed.add(sh.part)

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


_ATTRS = rb"""(?:[^>"']|"[^"]*"|'[^']*')*?"""
_SD_OPEN = re.compile(rb"<sheetData\b" + _ATTRS + rb"(/?)>")
_SD_TOKEN = re.compile(rb"<row\b(" + _ATTRS + rb")(/?)>|</row\s*>|<c\b(" + _ATTRS + rb")(/?)>|</sheetData\s*>")
_R_ATTR = re.compile(rb"""\sr\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_DIM_REF = re.compile(rb"""(<dimension\b[^>]*?\sref\s*=\s*)(?:"[^"]*"|'[^']*')""")


_ROW_TOKEN = re.compile(rb"<row\b(" + _ATTRS + rb")(/?)>|</row\s*>|</sheetData\s*>")
_CELL_OPEN = re.compile(rb"<c\b(" + _ATTRS + rb")(/?)>")


def _tag_end(data: bytes, start: int, pattern: re.Pattern) -> tuple[int, bytes, bool] | None:
    """End, attribute bytes and self-closing flag of the start tag at ``start`` (``pattern`` matches it in full
    when a quote makes the quick look at the first ">" unsafe)."""
    k = data.find(b">", start)
    if k == -1:
        return None
    tag = data[start:k]
    if b"'" in tag or tag.count(b'"') % 2:
        m = pattern.match(data, start)
        if m is None:
            return None
        return m.end(), m.group(1), bool(m.group(2))
    if tag.endswith(b"/"):
        return k + 1, tag[4:-1], True
    return k + 1, tag[4:], False


_ROW_OPEN = re.compile(rb"<row\b(" + _ATTRS + rb")(/?)>")
_ROW_CLOSE = re.compile(rb"</row\s*>")
_SD_CLOSE = re.compile(rb"</sheetData\s*>")


_ROW_PLAIN = re.compile(rb"""<row r="(\d+)"(?:\s+[^\s=>/"']+\s*=\s*"[^"<>]*")*\s*(/?)>""")
_ROW_END_PLAIN = re.compile(rb"</row>")


def _scan_plain_rows(data: bytes, pos: int, close_sd: int) -> dict[int, tuple[int, int, int | None, int]] | bool | None:
    """:func:`_scan_rows` for the usual layout (r first, double quotes, ``</row>``): the rows, False when they are
    laid out wrongly (the caller gives up), None when some tag is not in the usual form (the caller looks closer)."""
    opens = list(_ROW_PLAIN.finditer(data, pos, close_sd))
    if len(opens) != data.count(b"<row", pos, close_sd):
        return None
    closes = [m.start() for m in _ROW_END_PLAIN.finditer(data, pos, close_sd)]
    if len(closes) != data.count(b"</row", pos, close_sd):
        return None
    rows: dict[int, tuple[int, int, int | None, int]] = {}
    ci, n, last = 0, len(closes), len(opens) - 1
    for k, m in enumerate(opens):
        r = int(m.group(1))
        if r in rows:
            return False
        tag_end = m.end()
        if m.group(2):
            rows[r] = (m.start(), tag_end, None, tag_end)
            continue
        if ci >= n:
            return False
        close = closes[ci]
        if close < tag_end or (k < last and close > opens[k + 1].start()):
            return False
        ci += 1
        rows[r] = (m.start(), tag_end, close, close + 6)
    if ci != n:
        return False
    return rows


def _scan_rows(data: bytes, pos: int) -> tuple[dict[int, tuple[int, int, int | None, int]], int] | None:
    """The rows of a sheetData whose content starts at ``pos``: r -> (start, start tag end, close tag start or None
    for ``<row/>``, end), and where ``</sheetData>`` starts.  None when a row has no plain numeric r, repeats one,
    or the tags do not nest as expected.  Plain byte searches: only the row tags are looked at."""
    close_sd = data.find(b"</sheetData", pos)
    if close_sd == -1 or _SD_CLOSE.match(data, close_sd) is None:
        return None
    fast = _scan_plain_rows(data, pos, close_sd)
    if fast is not None:
        return (fast, close_sd) if fast else None
    rows: dict[int, tuple[int, int, int | None, int]] = {}
    closed, origin = 0, pos
    find = data.find
    while True:
        start = find(b"<row", pos, close_sd)
        if start == -1:
            break
        if data[start + 4:start + 5] not in (b" ", b"\t", b"\r", b"\n", b">", b"/"):
            return None
        tag = _tag_end(data, start, _ROW_OPEN)
        if tag is None:
            return None
        tag_end, attrs, empty = tag
        if attrs.startswith(b' r="'):
            q = attrs.find(b'"', 4)
            r = attrs[4:q].decode() if q != -1 else None
        else:
            r = _attr_r(attrs)
        if r is None or not r.isdigit() or int(r) in rows:
            return None
        if empty:
            rows[int(r)] = (start, tag_end, None, tag_end)
            pos = tag_end
            continue
        close = find(b"</row", tag_end, close_sd)
        if close == -1 or find(b"<row", tag_end, close) != -1:
            return None
        if data.startswith(b"</row>", close):
            end = close + 6
        else:
            m = _ROW_CLOSE.match(data, close)
            if m is None:
                return None
            end = m.end()
        rows[int(r)] = (start, tag_end, close, end)
        closed += 1
        pos = end
    if data.count(b"</row", origin, close_sd) != closed:  # a stray </row>
        return None
    return rows, close_sd


def _scan_cells(data: bytes, pos: int, stop: int) -> dict[tuple[int, int], tuple[int, int]] | None:
    """The cells between ``pos`` and ``stop`` (one row's content): (row, column) -> (start, end)."""
    cells: dict[tuple[int, int], tuple[int, int]] = {}
    while True:
        m = _CELL_OPEN.search(data, pos, stop)
        if m is None:
            return cells
        ref = _attr_r(m.group(1))
        if ref is None:
            return None
        try:
            key = _coord(ref)
        except ValueError:
            return None
        if m.group(2):
            cell_end = m.end()
        else:
            cell_end = data.find(b"</c>", m.end(), stop)
            if cell_end == -1:
                return None
            cell_end += 4
        if key in cells:
            return None
        cells[key] = (m.start(), cell_end)
        pos = cell_end


def _attr_r(attrs: bytes) -> str | None:
    m = _R_ATTR.search(attrs)
    return None if m is None else (m.group(1) if m.group(1) is not None else m.group(2)).decode()


_NS_DECL = re.compile(rb'\sxmlns(?::([A-Za-z_][\w.-]*))?="([^"]*)"')


def _fragment(el: etree._Element, declared: dict) -> bytes:
    """An element's XML without the namespace declarations lxml repeats on a fragment that the worksheet root
    already makes (lxml escapes ">" in attribute values, so the first ">" ends the start tag)."""
    xml = etree.tostring(el, encoding="UTF-8")
    end = xml.index(b">")

    def keep(m: re.Match) -> bytes:
        prefix = m.group(1).decode() if m.group(1) else None
        return b"" if declared.get(prefix) == m.group(2).decode() else m.group(0)

    return _NS_DECL.sub(keep, xml[:end]) + xml[end:]


def _start_tag(row: etree._Element, declared: dict) -> bytes:
    shallow = etree.Element(row.tag, dict(row.attrib), nsmap=row.nsmap)
    return _fragment(shallow, declared)[:-2] + b">"


def _splice_sheet(data: bytes, sh: _Sheet) -> bytes | None:
    """The changed worksheet as the original bytes with only the changed rows' start tags, the changed cells, the
    new cells and rows and the dimension replaced: every other byte stays.  None when the part is not laid out as
    this scanner expects (prefixed tags, comments or CDATA in sheetData, a non-UTF-8 encoding...): the caller then
    serialises the whole tree with lxml."""
    decl = _declaration(data).lower()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"encoding" in decl and b"utf-8" not in decl):
        return None
    opening = _SD_OPEN.search(data)
    if opening is None:
        return None
    end = data.find(b"</sheetData>", opening.end())
    region = data[opening.end():end] if end != -1 else b""
    if b"<!--" in region or b"<![CDATA[" in region or b"<?" in region or re.search(rb"</?[A-Za-z_][\w.-]*:", region):
        return None
    if opening.group(1):  # <sheetData/>
        rows, close_sd = {}, opening.start()
    else:
        scanned = _scan_rows(data, opening.end())
        if scanned is None:
            return None
        rows, close_sd = scanned
    if set(rows) != set(sh.rows) - sh.new_rows:
        return None
    # cells are located only in the rows that gain or change cells; their layout is checked against the tree there
    touched = {r for r, _c in sh.dirty_cells} | {r for r, _c in sh.new_cells}
    cells: dict[tuple[int, int], tuple[int, int]] = {}
    row_keys: dict[int, list[tuple[etree._Element, tuple[int, int]]]] = {}  # touched row -> its cells and keys
    for r in touched:
        if r in sh.new_rows or r not in rows:
            continue
        _start, tag_end, close, _end = rows[r]
        if close is None:
            continue
        found = _scan_cells(data, tag_end, close)
        if found is None:
            return None
        expected = set()
        keyed = row_keys[r] = []
        for c in sh.rows[r].iterchildren(T_C):
            ref = c.get("r")
            if ref is None:
                return None
            try:
                key = _coord(ref)
            except ValueError:
                return None
            keyed.append((c, key))
            if key not in sh.new_cells:
                expected.add(key)
        if set(found) != expected or any(sh.cells.get(key) is None for key in found):
            return None
        cells.update(found)

    declared = sh.data.getparent().nsmap

    def _fragment_(el):
        return _fragment(el, declared)

    edits: list[tuple[int, int, bytes]] = []
    pending_rows: list[bytes] = []
    for r in sh.row_numbers:
        row = sh.rows[r]
        if r in sh.new_rows:
            pending_rows.append(_fragment_(row))
            continue
        start, tag_end, close, row_end = rows[r]
        if pending_rows:
            edits.append((start, start, b"".join(pending_rows)))
            pending_rows = []
        if r in touched and close is None and any((r, _coord(c.get("r"))[1]) in sh.new_cells
                                                  for c in row.iterchildren(T_C)):
            edits.append((start, row_end, _fragment_(row)))  # <row .../> that gained cells
            continue
        if r in sh.dirty_rows:
            tag = _start_tag(row, declared)
            edits.append((start, tag_end, tag if close is not None else tag[:-1] + b"/>"))
        if r not in touched:
            continue
        if r not in row_keys:
            return None
        pending_cells: list[bytes] = []
        for c, key in row_keys[r]:
            if key in sh.new_cells:
                pending_cells.append(_fragment_(c))
                continue
            cell_start, cell_end = cells[key]
            if pending_cells:
                edits.append((cell_start, cell_start, b"".join(pending_cells)))
                pending_cells = []
            if key in sh.dirty_cells:
                edits.append((cell_start, cell_end, _fragment_(c)))
        if pending_cells:
            edits.append((close, close, b"".join(pending_cells)))
    if pending_rows:
        if opening.group(1):
            edits.append((opening.start(), opening.end(), _fragment_(sh.data)))
        else:
            edits.append((close_sd, close_sd, b"".join(pending_rows)))
    dimension = sh.data.getparent().find(T_DIMENSION)
    if dimension is not None and dimension.get("ref"):
        m = _DIM_REF.search(data, 0, opening.start())
        if m is not None:
            new = m.group(1) + b'"' + dimension.get("ref").encode() + b'"'
            if new != m.group(0):
                edits.append((m.start(), m.end(), new))
    out, last = [], 0
    for start, stop, replacement in sorted(edits, key=lambda e: (e[0], e[1])):
        out.append(data[last:start])
        out.append(replacement)
        last = stop
    out.append(data[last:])
    return b"".join(out)


def _text_content(el: etree._Element) -> str:
    """openpyxl's Text.content: the (last) direct ``<t>`` then each run's ``<t>``; phonetic runs ignored."""
    plain = None
    runs = []
    for child in el:
        if child.tag == T_T:
            plain = child.text
        elif child.tag == T_R:
            t = None
            for sub in child:
                if sub.tag == T_T:
                    t = sub.text
            if t is not None:
                runs.append(t)
    return "".join(([plain] if plain is not None else []) + runs)


@lru_cache(maxsize=1 << 12)
def _text_content_of(value: str) -> tuple[str | None, str | None]:
    """(t attribute, text) of a text value (the same text comes back for many cells: status labels)."""
    text = cell_text(_ILLEGAL_XML.sub("", value))
    if text == "":
        return None, None  # openpyxl writes "" as an empty cell: read back as None
    return "inlineStr", text


@lru_cache(maxsize=1 << 14)
def _serial_text(value: datetime, epoch: datetime) -> str:
    """A naive datetime's cell text (the same instants come back for many cells: computed dates)."""
    return _number_text(to_excel(value, epoch))


def _number_text(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(f"{value!r} cannot be written to a cell")
    if value.is_integer() and abs(value) < 1e16:
        return "%d" % value
    return repr(value)


# ------------------------------------------------------------------------------------------- package_differences

CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _bytes_of(source: bytes | Path | str) -> bytes:
    return source if isinstance(source, (bytes, bytearray)) else Path(source).read_bytes()


def _canon(el: etree._Element) -> bytes:
    return etree.tostring(el, method="c14n")


def _same(a: etree._Element, b: etree._Element) -> bool:
    return etree.tostring(a) == etree.tostring(b) or _canon(a) == _canon(b)


def package_differences(old: bytes | Path, new: bytes | Path, owned: Callable[[str, str], bool], *,
                        structural: dict | None = None) -> list[str]:
    """Indonesian descriptions of every difference between two packages that the engine may not make.

    Allowed: changed cells for which ``owned(sheet, "B12")`` is True; removal of ``xl/calcChain.xml`` (with its
    relationship and content-type override) or of its entries for owned cells; ``<dimension>`` and row ``spans``;
    row ``ht``/``customHeight`` on rows in ``structural["row_heights"][sheet]``; table and autoFilter refs of tables in
    ``structural["tables"][sheet]`` and value-less styled cells those tables gain in their new rows; on the sheets in
    ``structural["hyperlinks"]``, their ``<hyperlinks>`` and the external hyperlink relationships of their rels part
    (which may be new)."""
    structural = structural or {}
    old_infos, old_raw, _ = _read_zip(_bytes_of(old), "lama")
    new_infos, new_raw, _ = _read_zip(_bytes_of(new), "baru")
    problems: list[str] = []

    parts, sheets, rels = _index(old_raw, "lama")
    sheet_of_part = {}
    sheet_of_id = {}
    for name, sheet_id, rid in sheets:
        rel_type, part = rels.get(rid, ("", None))
        if rel_type.endswith(REL_WORKSHEET):
            sheet_of_part[part] = name
        sheet_of_id[sheet_id] = name
    calc_part = next((p for t, p in rels.values() if t.endswith(REL_CALC_CHAIN)), None)
    table_of_part: dict[str, tuple[str, str]] = {}
    for part, sheet in sheet_of_part.items():
        rels_name = _rels_part(part)
        if rels_name in old_raw:
            for rel in _relationships(_parse_xml(old_raw[rels_name], "lama", rels_name)):
                if rel.get("Type", "").endswith(REL_TABLE):
                    table_part = _resolve(part, rel.get("Target", ""))
                    if table_part in old_raw:
                        root = _parse_xml(old_raw[table_part], "lama", table_part).getroot()
                        table_of_part[table_part] = (sheet, root.get("name") or root.get("displayName", ""))
    allowed_tables = structural.get("tables", {})
    grown: dict[str, list[tuple[int, int, int, int]]] = {}  # sheet -> new-row rectangles of allowed tables

    calc_removed = calc_part is not None and calc_part in old_raw and calc_part not in new_raw
    for name in old_raw:
        if name not in new_raw and not (name == calc_part and calc_removed):
            problems.append(f"Bagian {name} hilang.")
    # cell hyperlinks on the sheets the engine owns whole: their <hyperlinks> and the rels part's external links
    linked_sheets = structural.get("hyperlinks", set())
    link_rels = {_rels_part(part): sheet for part, sheet in sheet_of_part.items() if sheet in linked_sheets}
    if link_rels:
        from lkj_xl.engines.package_links import hyperlink_rels_only
    for name in new_raw:
        if name not in old_raw:
            if name in link_rels and hyperlink_rels_only(None, new_raw[name]):
                continue
            problems.append(f"Bagian {name} ditambahkan.")

    # tables first: they tell which new cells are allowed
    for part, (sheet, table) in table_of_part.items():
        if part not in new_raw or old_raw[part] == new_raw[part]:
            continue
        a = _parse_xml(old_raw[part], "lama", part).getroot()
        b = _parse_xml(new_raw[part], "baru", part).getroot()
        refs = (a.get("ref"), b.get("ref"))
        for root in (a, b):
            root.attrib.pop("ref", None)
            auto = root.find(T_AUTOFILTER)
            if auto is not None:
                auto.attrib.pop("ref", None)
        if _canon(a) != _canon(b):
            problems.append(f"Tabel \"{table}\" pada lembar \"{sheet}\" (bagian {part}) berubah.")
        elif table not in allowed_tables.get(sheet, ()):
            problems.append(f"Rentang tabel \"{table}\" pada lembar \"{sheet}\" berubah ({refs[0]} -> {refs[1]}).")
        else:
            try:
                _r1, c1, r2, c2 = _range(refs[0])
                _n1, _nc1, n2, _nc2 = _range(refs[1])
            except ValueError:
                continue
            if n2 > r2:
                grown.setdefault(sheet, []).append((r2 + 1, c1, n2, c2))

    for name in old_raw:
        if name not in new_raw or old_raw[name] == new_raw[name] or name in table_of_part:
            continue
        if name in sheet_of_part:
            problems.extend(_sheet_differences(sheet_of_part[name], name, old_raw[name], new_raw[name], owned,
                                               structural.get("row_heights", {}).get(sheet_of_part[name], ()),
                                               grown.get(sheet_of_part[name], []),
                                               links=sheet_of_part[name] in linked_sheets))
        elif name in link_rels and hyperlink_rels_only(old_raw[name], new_raw[name]):
            continue
        elif name == calc_part:
            problems.extend(_calc_differences(name, old_raw[name], new_raw[name], owned, sheet_of_id))
        elif name == CONTENT_TYPES and calc_removed:
            if not _same_without(old_raw[name], new_raw[name], name,
                                 lambda el: el.get("PartName", "").lstrip("/") == calc_part):
                problems.append(f"Bagian {name} berubah.")
        elif name == WORKBOOK_RELS and calc_removed:
            if not _same_without(old_raw[name], new_raw[name], name,
                                 lambda el: el.get("Type", "").endswith(REL_CALC_CHAIN)):
                problems.append(f"Bagian {name} berubah.")
        else:
            problems.append(f"Bagian {name} berubah.")
    if calc_removed:
        problems.extend(_calc_differences(calc_part, old_raw[calc_part], None, owned, sheet_of_id))
    return problems


def _same_without(old: bytes, new: bytes, part: str, dropped: Callable[[etree._Element], bool]) -> bool:
    a = _parse_xml(old, "lama", part).getroot()
    b = _parse_xml(new, "baru", part).getroot()
    for el in list(a):
        if dropped(el):
            a.remove(el)
    return _canon(a) == _canon(b)


def _calc_entries(data: bytes, part: str) -> list[tuple[str | None, str]]:
    root = _parse_xml(data, "", part).getroot()
    current = None
    entries = []
    for el in root:
        if el.tag == T_C:
            current = el.get("i", current)
            entries.append((current, el.get("r", "")))
    return entries


def _calc_differences(part: str, old: bytes, new: bytes | None, owned, sheet_of_id: dict[str, str]) -> list[str]:
    before = _calc_entries(old, part)
    after = _calc_entries(new, part) if new is not None else []
    remaining = set(after)
    problems = [f"Bagian {part}: entri {ref} ditambahkan." for i, ref in after if (i, ref) not in set(before)]
    for i, ref in before:
        if (i, ref) not in remaining:
            sheet = sheet_of_id.get(i or "", "")
            if not owned(sheet, ref):
                problems.append(f"Bagian {part}: entri sel {ref} lembar \"{sheet}\" dihapus.")
    return problems


def _row_map(data_el: etree._Element) -> dict[int, etree._Element]:
    rows = {}
    counter = 0
    for row in data_el.iterchildren(T_ROW):
        r = row.get("r")
        counter = counter + 1 if r is None else int(float(r))
        rows[counter] = row
    return rows


def _cell_map(row: etree._Element, r: int) -> dict[str, etree._Element]:
    cells = {}
    counter = 0
    for c in row.iterchildren(T_C):
        ref = c.get("r")
        if ref is None:
            counter += 1
            ref = _ref(r, counter)
        else:
            counter = _coord(ref)[1]
        cells[ref] = c
    return cells


def _sheet_layout(data: bytes) -> tuple[re.Match, dict, int] | None:
    """The sheetData opening tag, row index and ``</sheetData>`` position of a worksheet laid out as the byte scanner
    expects (as for :func:`_splice_sheet`), else None."""
    decl = _declaration(data).lower()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"encoding" in decl and b"utf-8" not in decl):
        return None
    opening = _SD_OPEN.search(data)
    if opening is None or opening.group(1):
        return None
    scanned = _scan_rows(data, opening.end())
    if scanned is None:
        return None
    rows, close_sd = scanned
    region = data[opening.end():close_sd]
    if b"<!--" in region or b"<![CDATA[" in region or b"<?" in region or re.search(rb"</?[A-Za-z_][\w.-]*:", region):
        return None
    return opening, rows, close_sd


def _reduced_sheets(old: bytes, new: bytes) -> tuple[bytes, bytes] | None:
    """Both worksheets without the rows whose bytes are the same in each (and the whitespace between rows), for a
    comparison that parses only what differs.  None (compare the whole parts) unless both are laid out as the byte
    scanner expects, everything before the rows is the same apart from the dimension's ref, and only whitespace
    lies between rows: then a row with the same bytes means the same in both."""
    layouts = _sheet_layout(old), _sheet_layout(new)
    if layouts[0] is None or layouts[1] is None:
        return None
    (o_open, o_rows, o_close), (n_open, n_rows, n_close) = layouts
    blank = b'\\1""'
    if _DIM_REF.sub(blank, old[:o_open.end()], 1) != _DIM_REF.sub(blank, new[:n_open.end()], 1):
        return None
    out = []
    for data, rows, opening, close_sd, other, other_rows in ((old, o_rows, o_open, o_close, new, n_rows),
                                                             (new, n_rows, n_open, n_close, old, o_rows)):
        kept = [data[:opening.end()]]
        pos = opening.end()
        for r, (start, _t, _c, end) in sorted(rows.items(), key=lambda item: item[1][0]):
            if data[pos:start].strip():
                return None
            segment = data[start:end]
            theirs = other_rows.get(r)
            if theirs is None or other[theirs[0]:theirs[3]] != segment:
                kept.append(segment)
            pos = end
        if data[pos:close_sd].strip():
            return None
        kept.append(data[close_sd:])
        out.append(b"".join(kept))
    return out[0], out[1]


def _sheet_differences(sheet: str, part: str, old: bytes, new: bytes, owned, height_rows,
                       grown: list[tuple[int, int, int, int]], links: bool = False) -> list[str]:
    problems = []
    a = b = None
    reduced = _reduced_sheets(old, new)
    if reduced is not None:
        try:
            a = _parse_xml(reduced[0], "lama", part).getroot()
            b = _parse_xml(reduced[1], "baru", part).getroot()
        except UnusableFileError:
            a = b = None
    if a is None or b is None:
        a = _parse_xml(old, "lama", part).getroot()
        b = _parse_xml(new, "baru", part).getroot()
    if a.tag != b.tag or dict(a.attrib) != dict(b.attrib) or a.nsmap != b.nsmap:
        problems.append(f"Lembar \"{sheet}\" (bagian {part}): elemen akar berubah.")

    skipped = (T_SHEETDATA, T_DIMENSION, _q("hyperlinks")) if links else (T_SHEETDATA, T_DIMENSION)

    def others(root):
        return [(el.tag, _canon(el)) for el in root if el.tag not in skipped]

    old_others, new_others = others(a), others(b)
    if old_others != new_others:
        old_set, new_set = set(old_others), set(new_others)
        names = sorted({etree.QName(tag).localname if isinstance(tag, str) else "?"
                        for tag, canon in (set(old_others) ^ set(new_others))} or {"urutan"})
        if old_set == new_set:
            names = ["urutan elemen"]
        problems.append(f"Lembar \"{sheet}\" (bagian {part}): {', '.join('<' + n + '>' for n in names)} berubah.")

    data_a, data_b = a.find(T_SHEETDATA), b.find(T_SHEETDATA)
    if data_a is None or data_b is None:
        problems.append(f"Lembar \"{sheet}\" (bagian {part}): sheetData hilang.")
        return problems
    rows_a, rows_b = _row_map(data_a), _row_map(data_b)
    height_rows = set(height_rows)

    def in_grown(r: int, c: int) -> bool:
        return any(r1 <= r <= r2 and c1 <= c <= c2 for r1, c1, r2, c2 in grown)

    def row_attrs(row, r):
        attrs = {k: v for k, v in row.attrib.items() if k not in ("r", "spans")}
        if r in height_rows:
            attrs.pop("ht", None)
            attrs.pop("customHeight", None)
        return attrs

    empty = etree.Element(T_ROW)
    for r in sorted(set(rows_a) | set(rows_b)):
        row_a, row_b = rows_a.get(r), rows_b.get(r)
        if row_a is not None and row_b is not None and etree.tostring(row_a) == etree.tostring(row_b):
            continue
        if row_attrs(row_a if row_a is not None else empty, r) != row_attrs(row_b if row_b is not None else empty, r):
            problems.append(f"Lembar \"{sheet}\": atribut baris {r} berubah.")
        cells_a = _cell_map(row_a, r) if row_a is not None else {}
        cells_b = _cell_map(row_b, r) if row_b is not None else {}
        for ref in sorted(set(cells_a) | set(cells_b), key=lambda x: _coord(x)[1]):
            ca, cb = cells_a.get(ref), cells_b.get(ref)
            if ca is not None and cb is not None and _same(ca, cb):
                continue
            if owned(sheet, ref):
                continue
            if ca is None and len(cb) == 0 and set(cb.attrib) <= {"r", "s"} and in_grown(*_coord(ref)):
                continue
            what = "hilang" if cb is None else "ditambahkan" if ca is None else "berubah"
            problems.append(f"Sel {sheet}!{ref} {what}.")
    return problems
