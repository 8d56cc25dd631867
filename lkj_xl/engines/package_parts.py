"""The package format as the file engine needs it: namespaces and part names, cell addresses, safe XML parsing,
the zip directory, and how values are written as cell text.
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime

from lxml import etree
from openpyxl.utils.datetime import to_excel

from lkj_xl.workbook.book import column_letter, cell_text
from lkj_xl.core.errors import UnusableFileError


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


#: The workbook layer's column letters, cached (the engine asks for the same few columns many thousand times).
_letters = lru_cache(maxsize=1 << 14)(column_letter)


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


# --- print areas (the _xlnm.Print_Area defined name of a sheet) ---------------------------------------------------

PRINT_AREA = "_xlnm.Print_Area"
#: CT_Workbook children that come after definedNames (a new definedNames element goes before the first of them).
_AFTER_DEFINED_NAMES = ("calcPr", "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
                        "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")


def print_area_text(sheet: str, ref: str) -> str:
    """"Masalah", "A1:F24" -> "'Masalah'!$A$1:$F$24" (the defined name's formula)."""
    def absolute(cell: str) -> str:
        found = _COORD.match(cell.strip())
        if found is None:
            raise ValueError(ref)
        return f"${found.group(1).upper()}${found.group(2)}"

    cells = ":".join(absolute(part) for part in ref.split(":"))
    return "'" + sheet.replace("'", "''") + "'!" + cells


def defined_names_element(workbook_root: etree._Element) -> etree._Element:
    """The ``<definedNames>`` of a parsed xl/workbook.xml, made in its place in the schema's order when absent."""
    names = workbook_root.find(_q("definedNames"))
    if names is None:
        names = etree.Element(_q("definedNames"))
        later = next((el for el in workbook_root if el.tag in {_q(t) for t in _AFTER_DEFINED_NAMES}), None)
        if later is not None:
            later.addprevious(names)
        else:
            workbook_root.append(names)
    return names


def set_print_area_name(workbook_root: etree._Element, sheet_index: int, text: str) -> bool:
    """Set (or add) the print area name of the sheet at ``sheet_index`` (0-based, workbook order) to ``text`` in a
    parsed xl/workbook.xml.  Returns whether anything changed."""
    names = defined_names_element(workbook_root)
    for el in names:
        if el.tag == _q("definedName") and el.get("name") == PRINT_AREA and el.get("localSheetId") == str(sheet_index):
            if el.text == text:
                return False
            el.text = text
            return True
    el = etree.SubElement(names, _q("definedName"))
    el.set("name", PRINT_AREA)
    el.set("localSheetId", str(sheet_index))
    el.text = text
    return True


def without_print_areas(workbook_root: etree._Element, sheet_indexes: set[int]) -> etree._Element:
    """A copy of a parsed xl/workbook.xml root without the print area names of those sheets (and without an
    emptied definedNames element), for comparing two versions."""
    import copy

    root = copy.deepcopy(workbook_root)
    names = root.find(_q("definedNames"))
    if names is not None:
        for el in list(names):
            if el.tag == _q("definedName") and el.get("name") == PRINT_AREA and \
                    el.get("localSheetId", "").isdigit() and int(el.get("localSheetId")) in sheet_indexes:
                names.remove(el)
        if len(names) == 0:
            root.remove(names)
    return root
