"""Things people add to the tracker in Excel, written into an existing .xlsx/.xlsm the way Excel writes them.

Test fixtures for "nothing a person typed or added is ever lost or changed": each function edits the zip package of a
workbook on disk (lxml for the XML; parts, relationships and ``[Content_Types].xml`` entries added as Excel adds
them) and leaves every part it does not touch byte for byte.  Plain functions, no pytest.

* :func:`add_drawing` - a drawing part with a text box and a picture (``xl/drawings/drawingN.xml``, its rels,
  ``xl/media/imageN.png``) and the sheet's ``<drawing r:id>``.
* :func:`add_note` - a legacy note with rich text (comments part + VML shape, ``<legacyDrawing r:id>``).
* :func:`add_threaded_comment` - an Excel 365 threaded comment with a reply (``xl/threadedComments/...``,
  ``xl/persons/person.xml``) and the placeholder note Excel writes beside it.
* :func:`add_sparklines` - an ``x14:sparklineGroups`` extension of the sheet.
* :func:`add_x14_validation` - a list validation stored as ``x14:dataValidations`` (a list on another sheet).
* :func:`add_rich_text_cell` - a cell holding a rich-text shared string.
* :func:`add_user_sheet` - a worksheet a person added, with formulas and their cached values.
* :func:`type_cells` - plain typed cells (shared strings or numbers).
* :func:`add_everything` - all of it on a tracker, returning :class:`Item` descriptions that
  :func:`fingerprint` turns into the bytes that must survive.

Parts a function creates are named as Excel names them (``xl/comments1.xml``, ``xl/drawings/vmlDrawing1.vml``,
``xl/threadedComments/threadedComment1.xml``...).  Parts that already exist (openpyxl's comments and VML on the
step sheets) are extended, as Excel would keep one comments part per sheet.
"""

from __future__ import annotations

import os
import posixpath
import re
import struct
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

# --- namespaces, relationship types, content types -----------------------------------------------------------------

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_A16 = "http://schemas.microsoft.com/office/drawing/2014/main"
NS_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NS_X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
NS_X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
NS_XM = "http://schemas.microsoft.com/office/excel/2006/main"
NS_XR = "http://schemas.microsoft.com/office/spreadsheetml/2014/revision"
NS_XR2 = "http://schemas.microsoft.com/office/spreadsheetml/2015/revision2"
NS_XR3 = "http://schemas.microsoft.com/office/spreadsheetml/2016/revision3"
NS_TC = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
NS_V = "urn:schemas-microsoft-com:vml"
NS_O = "urn:schemas-microsoft-com:office:office"
NS_XL = "urn:schemas-microsoft-com:office:excel"
NS_XML = "http://www.w3.org/XML/1998/namespace"

_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
REL_WORKSHEET = _OFFICE_REL + "worksheet"
REL_SHARED_STRINGS = _OFFICE_REL + "sharedStrings"
REL_DRAWING = _OFFICE_REL + "drawing"
REL_IMAGE = _OFFICE_REL + "image"
REL_COMMENTS = _OFFICE_REL + "comments"
REL_VML = _OFFICE_REL + "vmlDrawing"
REL_TABLE = _OFFICE_REL + "table"
REL_THREADED_COMMENT = "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"
REL_PERSON = "http://schemas.microsoft.com/office/2017/10/relationships/person"

_SSML = "application/vnd.openxmlformats-officedocument.spreadsheetml."
CT_WORKSHEET = _SSML + "worksheet+xml"
CT_SHARED_STRINGS = _SSML + "sharedStrings+xml"
CT_COMMENTS = _SSML + "comments+xml"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_PNG = "image/png"
CT_THREADED_COMMENTS = "application/vnd.ms-excel.threadedcomments+xml"
CT_PERSON = "application/vnd.ms-excel.person+xml"

#: Extension URIs of a worksheet's ``<extLst>``, in the order Excel writes them ([MS-XLSX] 2.2.4.x).
EXT_CONDITIONAL_FORMATTINGS = "{78C0D931-6437-407d-A8EE-F0AAD7539E65}"
EXT_DATA_VALIDATIONS = "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"
EXT_SPARKLINES = "{05C60535-1F16-4fd2-B633-F4F36F0B64E0}"
EXT_ORDER = (EXT_CONDITIONAL_FORMATTINGS, EXT_DATA_VALIDATIONS, EXT_SPARKLINES,
             "{A8765BA9-456A-4dab-B4F3-ACF838C121DE}",  # slicerList
             "{FC87AEE6-9EDD-4A0A-B7FB-166176984837}",  # protectedRanges
             "{01252117-D84E-4E92-8308-4BE1C098FCBB}",  # ignoredErrors
             "{F7C9EE02-42E1-4005-9D12-6889AFFD525C}",  # webExtensions
             "{7E03D99C-DC04-49d9-9315-930204A7B6E9}")  # timelineRefs

#: The children of ``<worksheet>`` in CT_Worksheet's sequence (ECMA-376 Part 1, 18.3.1.99).
WORKSHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr", "sheetProtection",
    "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate", "customSheetViews", "mergeCells",
    "phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions", "pageMargins",
    "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors",
    "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
    "webPublishItems", "tableParts", "extLst",
)

#: What Excel writes at the head of the note it keeps beside a threaded comment (for Excel 2016 and older).
THREADED_PLACEHOLDER = (
    "[Threaded comment]\n\nYour version of Excel allows you to read this threaded comment; however, any edits to it "
    "will get removed if the file is opened in a newer version of Excel. Learn more: "
    "https://go.microsoft.com/fwlink/?linkid=870924\n\nComment:\n    "
)

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'

#: A rich run: its text and its formatting (keys: b, i, u, sz, color (ARGB, or "indexed:81"), font, family, scheme).
Run = tuple[str, Mapping[str, Any]]

RED = "FFFF0000"
#: The note :func:`add_everything` adds: "PENTING:" red and bold, then plain text.
NOTE_RUNS: tuple[Run, ...] = (
    ("PENTING:", {"b": True, "color": RED}),
    (" berkas disposisi dari Sekretaris belum lengkap, mohon dicek ulang sebelum diteruskan.", {}),
)
#: The rich cell :func:`add_everything` adds.
RICH_RUNS: tuple[Run, ...] = (
    ("Catatan: ", {"b": True}),
    ("revisi ke-2 ", {"color": RED, "i": True}),
    ("diserahkan ke Irban II", {}),
)
TEXT_BOX_TEXT = "Catatan pimpinan"
THREAD_TEXT = "Mohon batas waktu langkah ini dicek lagi, Senin libur cuti bersama."
THREAD_REPLY = "Sudah dicek, batas waktu bergeser ke Rabu."


def _q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


# --- the package ---------------------------------------------------------------------------------------------------


class Package:
    """A zip package in memory: parts by name (in their zip order), edited, then written back in place."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        with zipfile.ZipFile(self.path) as archive:
            self.infos = {info.filename: info for info in archive.infolist()}
            self.parts: dict[str, bytes] = {name: archive.read(name) for name in self.infos}

    # parts
    def __contains__(self, name: str) -> bool:
        return name in self.parts

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.parts[name], etree.XMLParser(remove_blank_text=False))

    def set_xml(self, name: str, root: etree._Element) -> None:
        self.parts[name] = XML_DECLARATION + etree.tostring(root, encoding="UTF-8")

    def free_name(self, pattern: str) -> str:
        """The first ``pattern.format(n)`` (n = 1, 2, ...) that is no part yet (compared case-insensitively)."""
        taken = {name.lower() for name in self.parts}
        n = 1
        while pattern.format(n).lower() in taken:
            n += 1
        return pattern.format(n)

    def save(self) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".parts-", suffix=self.path.suffix, dir=self.path.parent)
        os.close(fd)
        try:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
                # [Content_Types].xml first, as Excel writes it.
                names = sorted(self.parts, key=lambda n: n != "[Content_Types].xml")
                for name in names:
                    info = self.infos.get(name)
                    kind = info.compress_type if info else zipfile.ZIP_DEFLATED
                    archive.writestr(name, self.parts[name], compress_type=kind)
            os.replace(tmp, self.path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    # content types
    def content_type(self, part: str) -> str | None:
        types = self.xml("[Content_Types].xml")
        for override in types.iter(_q(NS_CT, "Override")):
            if override.get("PartName", "").lstrip("/").lower() == part.lower():
                return override.get("ContentType")
        extension = part.rsplit(".", 1)[-1].lower()
        for default in types.iter(_q(NS_CT, "Default")):
            if default.get("Extension", "").lower() == extension:
                return default.get("ContentType")
        return None

    def add_override(self, part: str, content_type: str) -> None:
        types = self.xml("[Content_Types].xml")
        for override in types.iter(_q(NS_CT, "Override")):
            if override.get("PartName", "").lstrip("/").lower() == part.lower():
                override.set("ContentType", content_type)
                break
        else:
            etree.SubElement(types, _q(NS_CT, "Override"), PartName="/" + part, ContentType=content_type)
        self.set_xml("[Content_Types].xml", types)

    def add_default(self, extension: str, content_type: str) -> None:
        types = self.xml("[Content_Types].xml")
        defaults = list(types.iter(_q(NS_CT, "Default")))
        if any(d.get("Extension", "").lower() == extension.lower() for d in defaults):
            return
        element = etree.Element(_q(NS_CT, "Default"), Extension=extension, ContentType=content_type)
        # Excel keeps the Defaults together, before the Overrides.
        if defaults:
            defaults[-1].addnext(element)
        else:
            types.insert(0, element)
        self.set_xml("[Content_Types].xml", types)

    # relationships
    @staticmethod
    def rels_name(part: str) -> str:
        folder, name = posixpath.split(part)
        return posixpath.join(folder, "_rels", name + ".rels")

    @staticmethod
    def resolve(source: str, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))

    def relationships(self, part: str) -> list[dict[str, str]]:
        name = self.rels_name(part)
        if name not in self.parts:
            return []
        return [dict(rel.attrib) for rel in self.xml(name).iter(_q(NS_PKG_RELS, "Relationship"))]

    def related(self, part: str, rel_type: str) -> list[tuple[str, str]]:
        """(rId, target part) of ``part``'s relationships of ``rel_type``."""
        return [(rel["Id"], self.resolve(part, rel["Target"])) for rel in self.relationships(part)
                if rel["Type"] == rel_type and rel.get("TargetMode") != "External"]

    def add_relationship(self, part: str, rel_type: str, target_part: str) -> str:
        """Relate ``part`` to ``target_part`` with a relative target as Excel writes it; the new ``rIdN``."""
        name = self.rels_name(part)
        if name in self.parts:
            rels = self.xml(name)
        else:
            rels = etree.Element(_q(NS_PKG_RELS, "Relationships"), nsmap={None: NS_PKG_RELS})
        taken = {rel.get("Id") for rel in rels}
        numbers = [int(m.group(1)) for i in taken if (m := re.fullmatch(r"rId(\d+)", i or ""))]
        n = max(numbers, default=0) + 1
        while f"rId{n}" in taken:
            n += 1
        target = posixpath.relpath(target_part, posixpath.dirname(part) or ".")
        etree.SubElement(rels, _q(NS_PKG_RELS, "Relationship"), Id=f"rId{n}", Type=rel_type, Target=target)
        self.set_xml(name, rels)
        return f"rId{n}"

    # the workbook
    @property
    def workbook_part(self) -> str:
        for rel in self.relationships(""):
            if rel["Type"].endswith("/officeDocument"):
                return self.resolve("", rel["Target"])
        raise KeyError("no officeDocument relationship")

    def sheet_part(self, sheet: str) -> str:
        workbook = self.workbook_part
        targets = {rel["Id"]: self.resolve(workbook, rel["Target"]) for rel in self.relationships(workbook)}
        for element in self.xml(workbook).iter(_q(NS_MAIN, "sheet")):
            if element.get("name") == sheet:
                return targets[element.get(_q(NS_R, "id"))]
        raise KeyError(f"no sheet {sheet!r}")

    def sheet_names(self) -> list[str]:
        return [e.get("name") for e in self.xml(self.workbook_part).iter(_q(NS_MAIN, "sheet"))]


@contextmanager
def package(path: str | Path) -> Iterator[Package]:
    """Open the package at ``path``; written back (atomically) when the block ends without an error."""
    pkg = Package(path)
    yield pkg
    pkg.save()


# --- small helpers -------------------------------------------------------------------------------------------------


def new_guid() -> str:
    return "{" + str(uuid.uuid4()).upper() + "}"


def split_ref(ref: str) -> tuple[int, int]:
    """'J26' -> (26, 10), 1-based row and column."""
    match = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", ref)
    if not match:
        raise ValueError(f"not a cell reference: {ref!r}")
    column = 0
    for char in match.group(1).upper():
        column = column * 26 + ord(char) - 64
    return int(match.group(2)), column


def column_letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def quote_sheet(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name) else "'" + name.replace("'", "''") + "'"


def png_bytes(width: int = 16, height: int = 16, rgb: tuple[int, int, int] = (0x1F, 0x4E, 0x78)) -> bytes:
    """A valid RGB PNG of one colour with a white diagonal, made with zlib and struct."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(
        b"\x00" + b"".join(bytes((255, 255, 255) if x == y else rgb) for x in range(width)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def _with_namespaces(root: etree._Element, nsmap: Mapping[str, str], ignorable: Sequence[str] = ()) -> etree._Element:
    """``root`` re-made with extra namespace declarations (and ``mc:Ignorable`` prefixes), children moved over."""
    merged = dict(root.nsmap)
    for prefix, uri in nsmap.items():
        if merged.get(prefix) not in (None, uri):
            raise ValueError(f"prefix {prefix} is bound to {merged[prefix]}")
        merged[prefix] = uri
    if ignorable:
        merged.setdefault("mc", NS_MC)
    new = etree.Element(root.tag, nsmap=merged)
    for key, value in root.attrib.items():
        new.set(key, value)
    if ignorable:
        present = (new.get(_q(NS_MC, "Ignorable")) or "").split()
        new.set(_q(NS_MC, "Ignorable"), " ".join(present + [p for p in ignorable if p not in present]))
    new.text = root.text
    for child in list(root):
        new.append(child)
    return new


def _insert_worksheet_child(ws: etree._Element, element: etree._Element) -> etree._Element:
    """Put ``element`` into ``<worksheet>`` where CT_Worksheet's sequence wants it."""
    rank = WORKSHEET_ORDER.index(etree.QName(element).localname)
    for index, child in enumerate(ws):
        if not isinstance(child.tag, str):
            continue
        local = etree.QName(child).localname
        if local in WORKSHEET_ORDER and WORKSHEET_ORDER.index(local) > rank:
            ws.insert(index, element)
            return element
    ws.append(element)
    return element


def _worksheet_child(ws: etree._Element, local: str) -> etree._Element | None:
    return ws.find(_q(NS_MAIN, local))


def _add_ext(ws: etree._Element, ext: etree._Element) -> None:
    """Add an ``<ext>`` to the worksheet's ``<extLst>`` (made if missing), in Excel's order of extension URIs."""
    ext_list = _worksheet_child(ws, "extLst")
    if ext_list is None:
        ext_list = _insert_worksheet_child(ws, etree.Element(_q(NS_MAIN, "extLst")))
    uri = ext.get("uri").upper()
    order = [u.upper() for u in EXT_ORDER]
    rank = order.index(uri) if uri in order else len(order)
    for index, existing in enumerate(ext_list):
        other = (existing.get("uri") or "").upper()
        if (order.index(other) if other in order else len(order)) > rank:
            ext_list.insert(index, ext)
            return
    ext_list.append(ext)


def _find_ext(ws: etree._Element, uri: str) -> etree._Element | None:
    ext_list = _worksheet_child(ws, "extLst")
    if ext_list is None:
        return None
    for ext in ext_list.findall(_q(NS_MAIN, "ext")):
        if (ext.get("uri") or "").upper() == uri.upper():
            return ext
    return None


def _set_text(parent: etree._Element, tag: str, text: str) -> etree._Element:
    t = etree.SubElement(parent, tag)
    t.text = text
    if text != text.strip() or "\n" in text:
        t.set(_q(NS_XML, "space"), "preserve")
    return t


def _run_properties(parent: etree._Element, props: Mapping[str, Any], *, font: str, size: float, family: int = 2,
                    color: str | None = None, scheme: str | None = None) -> etree._Element:
    """``<rPr>`` as Excel writes it: b, i, u, sz, color, rFont, family, scheme."""
    rpr = etree.SubElement(parent, _q(NS_MAIN, "rPr"))
    for flag in ("b", "i"):
        if props.get(flag):
            etree.SubElement(rpr, _q(NS_MAIN, flag))
    if props.get("u"):
        etree.SubElement(rpr, _q(NS_MAIN, "u"))
    etree.SubElement(rpr, _q(NS_MAIN, "sz"), val=_number(props.get("sz", size)))
    colour = props.get("color", color)
    if colour is None:
        etree.SubElement(rpr, _q(NS_MAIN, "color"), theme="1")
    elif str(colour).startswith("indexed:"):
        etree.SubElement(rpr, _q(NS_MAIN, "color"), indexed=str(colour).split(":", 1)[1])
    else:
        etree.SubElement(rpr, _q(NS_MAIN, "color"), rgb=str(colour))
    etree.SubElement(rpr, _q(NS_MAIN, "rFont"), val=props.get("font", font))
    etree.SubElement(rpr, _q(NS_MAIN, "family"), val=str(props.get("family", family)))
    if props.get("scheme", scheme):
        etree.SubElement(rpr, _q(NS_MAIN, "scheme"), val=props.get("scheme", scheme))
    return rpr


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _rich_runs(parent: etree._Element, runs: Sequence[Run], **defaults: Any) -> None:
    for text, props in runs:
        run = etree.SubElement(parent, _q(NS_MAIN, "r"))
        _run_properties(run, props, **defaults)
        _set_text(run, _q(NS_MAIN, "t"), text)


# --- cells and shared strings --------------------------------------------------------------------------------------


def _shared_strings(pkg: Package) -> tuple[str, etree._Element]:
    """The workbook's shared strings part and its root, made (with relationship and content type) if missing."""
    workbook = pkg.workbook_part
    found = pkg.related(workbook, REL_SHARED_STRINGS)
    if found:
        name = found[0][1]
        return name, pkg.xml(name)
    name = posixpath.join(posixpath.dirname(workbook), "sharedStrings.xml")
    root = etree.Element(_q(NS_MAIN, "sst"), nsmap={None: NS_MAIN}, count="0", uniqueCount="0")
    pkg.set_xml(name, root)
    pkg.add_relationship(workbook, REL_SHARED_STRINGS, name)
    pkg.add_override(name, CT_SHARED_STRINGS)
    return name, root


def _add_shared_string(pkg: Package, si: etree._Element) -> int:
    """Index of ``si`` in the shared strings (a plain string already there is reused, as Excel does)."""
    name, sst = _shared_strings(pkg)
    items = sst.findall(_q(NS_MAIN, "si"))
    index = None
    if si.find(_q(NS_MAIN, "r")) is None:
        for i, existing in enumerate(items):
            if existing.find(_q(NS_MAIN, "r")) is None and "".join(existing.itertext()) == "".join(si.itertext()):
                index = i
                break
    if index is None:
        sst.append(si)
        index = len(items)
    sst.set("count", str(int(sst.get("count", "0")) + 1))
    sst.set("uniqueCount", str(len(sst.findall(_q(NS_MAIN, "si")))))
    pkg.set_xml(name, sst)
    return index


def _plain_si(text: str) -> etree._Element:
    si = etree.Element(_q(NS_MAIN, "si"))
    _set_text(si, _q(NS_MAIN, "t"), text)
    return si


def _place_cell(ws: etree._Element, cell: etree._Element) -> None:
    """Put ``<c>`` into ``<sheetData>`` in row and column order (replacing a cell at that reference, keeping its
    style ``s``)."""
    row_number, column = split_ref(cell.get("r"))
    sheet_data = _worksheet_child(ws, "sheetData")
    row = None
    for existing in sheet_data.findall(_q(NS_MAIN, "row")):
        number = int(existing.get("r"))
        if number == row_number:
            row = existing
            break
        if number > row_number:
            row = etree.Element(_q(NS_MAIN, "row"), r=str(row_number))
            existing.addprevious(row)
            break
    if row is None:
        row = etree.SubElement(sheet_data, _q(NS_MAIN, "row"), r=str(row_number))
    for existing in row.findall(_q(NS_MAIN, "c")):
        other = split_ref(existing.get("r"))[1]
        if other == column:  # typing into a formatted cell keeps its format, as in Excel
            if existing.get("s") and cell.get("s") is None:
                cell.attrib.pop("r")
                attrs = {"r": existing.get("r"), "s": existing.get("s"), **cell.attrib}
                cell.attrib.clear()
                cell.attrib.update(attrs)
            existing.addprevious(cell)
            row.remove(existing)
            break
        if other > column:
            existing.addprevious(cell)
            break
    else:
        row.append(cell)
    _widen_dimension(ws, row_number, column)


def _widen_dimension(ws: etree._Element, row: int, column: int) -> None:
    dimension = _worksheet_child(ws, "dimension")
    if dimension is None:
        return
    corners = [split_ref(part) for part in dimension.get("ref", "A1").split(":")]
    top, left = corners[0]
    bottom, right = corners[-1]
    top, left, bottom, right = min(top, row), min(left, column), max(bottom, row), max(right, column)
    ref = f"{column_letter(left)}{top}"
    if (top, left) != (bottom, right):
        ref += f":{column_letter(right)}{bottom}"
    dimension.set("ref", ref)


def _value_cell(pkg: Package, ref: str, value: Any, *, inline: bool = False) -> etree._Element:
    cell = etree.Element(_q(NS_MAIN, "c"), r=ref)
    if isinstance(value, bool):
        cell.set("t", "b")
        etree.SubElement(cell, _q(NS_MAIN, "v")).text = "1" if value else "0"
    elif isinstance(value, (int, float)):
        etree.SubElement(cell, _q(NS_MAIN, "v")).text = _number(value)
    elif inline:
        cell.set("t", "inlineStr")
        _set_text(etree.SubElement(cell, _q(NS_MAIN, "is")), _q(NS_MAIN, "t"), str(value))
    else:
        cell.set("t", "s")
        etree.SubElement(cell, _q(NS_MAIN, "v")).text = str(_add_shared_string(pkg, _plain_si(str(value))))
    return cell


# --- 1. drawing: text box and picture ------------------------------------------------------------------------------


def _anchor_marker(parent: etree._Element, tag: str, column: int, row: int, col_off: int = 0, row_off: int = 0) -> None:
    marker = etree.SubElement(parent, _q(NS_XDR, tag))
    for name, value in (("col", column), ("colOff", col_off), ("row", row), ("rowOff", row_off)):
        etree.SubElement(marker, _q(NS_XDR, name)).text = str(value)


def _creation_id(c_nv_pr: etree._Element) -> None:
    ext_list = etree.SubElement(c_nv_pr, _q(NS_A, "extLst"))
    ext = etree.SubElement(ext_list, _q(NS_A, "ext"), uri="{FF2B5EF4-FFF2-40B4-BE49-F238E27FC236}")
    etree.SubElement(ext, _q(NS_A16, "creationId"), nsmap={"a16": NS_A16}, id=new_guid())


def _xfrm(parent: etree._Element, x: int, y: int, cx: int, cy: int) -> None:
    xfrm = etree.SubElement(parent, _q(NS_A, "xfrm"))
    etree.SubElement(xfrm, _q(NS_A, "off"), x=str(x), y=str(y))
    etree.SubElement(xfrm, _q(NS_A, "ext"), cx=str(cx), cy=str(cy))
    geometry = etree.SubElement(parent, _q(NS_A, "prstGeom"), prst="rect")
    etree.SubElement(geometry, _q(NS_A, "avLst"))


def _text_box_anchor(shape_id: int, text: str, first: tuple[int, int], last: tuple[int, int]) -> etree._Element:
    anchor = etree.Element(_q(NS_XDR, "twoCellAnchor"))
    _anchor_marker(anchor, "from", first[0], first[1], 0, 0)
    _anchor_marker(anchor, "to", last[0], last[1], 0, 0)
    sp = etree.SubElement(anchor, _q(NS_XDR, "sp"), macro="", textlink="")
    nv = etree.SubElement(sp, _q(NS_XDR, "nvSpPr"))
    c_nv_pr = etree.SubElement(nv, _q(NS_XDR, "cNvPr"), id=str(shape_id), name=f"TextBox {shape_id - 1}")
    _creation_id(c_nv_pr)
    etree.SubElement(nv, _q(NS_XDR, "cNvSpPr"), txBox="1")
    sp_pr = etree.SubElement(sp, _q(NS_XDR, "spPr"))
    _xfrm(sp_pr, 12_000_000, 400_000, 2_800_000, 900_000)
    fill = etree.SubElement(sp_pr, _q(NS_A, "solidFill"))
    etree.SubElement(fill, _q(NS_A, "schemeClr"), val="lt1")
    line = etree.SubElement(sp_pr, _q(NS_A, "ln"), w="9525", cmpd="sng")
    line_fill = etree.SubElement(line, _q(NS_A, "solidFill"))
    shade = etree.SubElement(line_fill, _q(NS_A, "schemeClr"), val="lt1")
    etree.SubElement(shade, _q(NS_A, "shade"), val="50000")
    style = etree.SubElement(sp, _q(NS_XDR, "style"))
    for ref in ("lnRef", "fillRef", "effectRef"):
        element = etree.SubElement(style, _q(NS_A, ref), idx="0")
        etree.SubElement(element, _q(NS_A, "scrgbClr"), r="0", g="0", b="0")
    font_ref = etree.SubElement(style, _q(NS_A, "fontRef"), idx="minor")
    etree.SubElement(font_ref, _q(NS_A, "schemeClr"), val="dk1")
    body = etree.SubElement(sp, _q(NS_XDR, "txBody"))
    etree.SubElement(body, _q(NS_A, "bodyPr"), vertOverflow="clip", horzOverflow="clip", wrap="square", rtlCol="0",
                     anchor="t")
    etree.SubElement(body, _q(NS_A, "lstStyle"))
    paragraph = etree.SubElement(body, _q(NS_A, "p"))
    run = etree.SubElement(paragraph, _q(NS_A, "r"))
    etree.SubElement(run, _q(NS_A, "rPr"), lang="id-ID", sz="1100", b="1")
    etree.SubElement(run, _q(NS_A, "t")).text = text
    etree.SubElement(anchor, _q(NS_XDR, "clientData"))
    return anchor


def _picture_anchor(shape_id: int, embed: str, name: str, first: tuple[int, int],
                    last: tuple[int, int]) -> etree._Element:
    anchor = etree.Element(_q(NS_XDR, "twoCellAnchor"), editAs="oneCell")
    _anchor_marker(anchor, "from", first[0], first[1], 0, 0)
    _anchor_marker(anchor, "to", last[0], last[1], 152_400, 95_250)
    pic = etree.SubElement(anchor, _q(NS_XDR, "pic"))
    nv = etree.SubElement(pic, _q(NS_XDR, "nvPicPr"))
    c_nv_pr = etree.SubElement(nv, _q(NS_XDR, "cNvPr"), id=str(shape_id), name=f"Picture {shape_id - 1}",
                               descr=name)
    _creation_id(c_nv_pr)
    c_nv_pic_pr = etree.SubElement(nv, _q(NS_XDR, "cNvPicPr"))
    etree.SubElement(c_nv_pic_pr, _q(NS_A, "picLocks"), noChangeAspect="1")
    blip_fill = etree.SubElement(pic, _q(NS_XDR, "blipFill"))
    etree.SubElement(blip_fill, _q(NS_A, "blip"), {_q(NS_R, "embed"): embed}, nsmap={"r": NS_R})
    stretch = etree.SubElement(blip_fill, _q(NS_A, "stretch"))
    etree.SubElement(stretch, _q(NS_A, "fillRect"))
    sp_pr = etree.SubElement(pic, _q(NS_XDR, "spPr"))
    _xfrm(sp_pr, 12_000_000, 1_500_000, 609_600, 609_600)
    etree.SubElement(anchor, _q(NS_XDR, "clientData"))
    return anchor


def add_drawing(path: str | Path, sheet: str, *, text: str = TEXT_BOX_TEXT, column: int = 16,
                row: int = 1) -> dict[str, str]:
    """A text box saying ``text`` and a small PNG picture on ``sheet``, anchored from zero-based (column, row).

    Adds ``xl/drawings/drawingN.xml`` (``xdr:sp txBox="1"`` + ``xdr:pic``), its rels, ``xl/media/imageN.png``, the
    sheet's relationship and ``<drawing r:id>`` (before ``<legacyDrawing>``/``<tableParts>``), the drawing
    override and the png default.  If the sheet already has a drawing, the two anchors are appended to it.
    Returns {"drawing": part, "image": part, "rels": drawing rels part, "sheet_part": sheet part}.
    """
    with package(path) as pkg:
        sheet_part = pkg.sheet_part(sheet)
        existing = pkg.related(sheet_part, REL_DRAWING)
        if existing:
            drawing = existing[0][1]
            root = pkg.xml(drawing)
        else:
            drawing = pkg.free_name("xl/drawings/drawing{}.xml")
            root = etree.Element(_q(NS_XDR, "wsDr"), nsmap={"xdr": NS_XDR, "a": NS_A})
            rid = pkg.add_relationship(sheet_part, REL_DRAWING, drawing)
            ws = pkg.xml(sheet_part)
            ws = _with_namespaces(ws, {"r": NS_R})
            _insert_worksheet_child(ws, etree.Element(_q(NS_MAIN, "drawing"), {_q(NS_R, "id"): rid}))
            pkg.set_xml(sheet_part, ws)
            pkg.add_override(drawing, CT_DRAWING)
        image = pkg.free_name("xl/media/image{}.png")
        pkg.parts[image] = png_bytes()
        pkg.add_default("png", CT_PNG)
        embed = pkg.add_relationship(drawing, REL_IMAGE, image)
        ids = [int(e.get("id")) for e in root.iter(_q(NS_XDR, "cNvPr")) if (e.get("id") or "").isdigit()]
        first_id = max(ids, default=1) + 1
        root.append(_text_box_anchor(first_id, text, (column, row), (column + 4, row + 4)))
        root.append(_picture_anchor(first_id + 1, embed, "logo.png", (column, row + 5), (column + 1, row + 7)))
        pkg.set_xml(drawing, root)
        return {"drawing": drawing, "image": image, "rels": pkg.rels_name(drawing), "sheet_part": sheet_part}


# --- 2. and 3. notes and threaded comments -------------------------------------------------------------------------


def _legacy_parts(pkg: Package, sheet_part: str) -> tuple[str, str]:
    """The sheet's comments part and VML drawing, made as Excel names them if missing."""
    comments = pkg.related(sheet_part, REL_COMMENTS)
    vml = pkg.related(sheet_part, REL_VML)
    if comments:
        comments_part = comments[0][1]
    else:
        comments_part = pkg.free_name("xl/comments{}.xml")
        root = etree.Element(_q(NS_MAIN, "comments"), nsmap={None: NS_MAIN})
        etree.SubElement(root, _q(NS_MAIN, "authors"))
        etree.SubElement(root, _q(NS_MAIN, "commentList"))
        pkg.set_xml(comments_part, root)
        pkg.add_relationship(sheet_part, REL_COMMENTS, comments_part)
        pkg.add_override(comments_part, CT_COMMENTS)
    if vml:
        vml_part = vml[0][1]
    else:
        vml_part = pkg.free_name("xl/drawings/vmlDrawing{}.vml")
        root = etree.Element("xml", nsmap={"v": NS_V, "o": NS_O, "x": NS_XL})
        layout = etree.SubElement(root, _q(NS_O, "shapelayout"), {_q(NS_V, "ext"): "edit"})
        etree.SubElement(layout, _q(NS_O, "idmap"), {_q(NS_V, "ext"): "edit"}, data="1")
        shape_type = etree.SubElement(root, _q(NS_V, "shapetype"), {_q(NS_O, "spt"): "202"}, id="_x0000_t202",
                                      coordsize="21600,21600", path="m,l,21600r21600,l21600,xe")
        etree.SubElement(shape_type, _q(NS_V, "stroke"), joinstyle="miter")
        etree.SubElement(shape_type, _q(NS_V, "path"), {_q(NS_O, "connecttype"): "rect"}, gradientshapeok="t")
        pkg.parts[vml_part] = etree.tostring(root)
        rid = pkg.add_relationship(sheet_part, REL_VML, vml_part)
        ws = _with_namespaces(pkg.xml(sheet_part), {"r": NS_R})
        _insert_worksheet_child(ws, etree.Element(_q(NS_MAIN, "legacyDrawing"), {_q(NS_R, "id"): rid}))
        pkg.set_xml(sheet_part, ws)
        pkg.add_default("vml", CT_VML)
    return comments_part, vml_part


def _add_legacy_comment(pkg: Package, sheet_part: str, cell: str, author: str, text: etree._Element,
                        uid: str | None = None) -> tuple[str, str]:
    """Append a ``<comment>`` (row-major order) and its hidden VML note shape; (comments part, vml part)."""
    comments_part, vml_part = _legacy_parts(pkg, sheet_part)
    root = pkg.xml(comments_part)
    if uid is not None:
        root = _with_namespaces(root, {"mc": NS_MC, "xr": NS_XR}, ignorable=("xr",))
    authors = root.find(_q(NS_MAIN, "authors"))
    names = [a.text for a in authors]
    if author not in names:
        etree.SubElement(authors, _q(NS_MAIN, "author")).text = author
        names.append(author)
    comment = etree.Element(_q(NS_MAIN, "comment"), ref=cell, authorId=str(names.index(author)), shapeId="0")
    if uid is not None:
        comment.set(_q(NS_XR, "uid"), uid)
    comment.append(text)
    comment_list = root.find(_q(NS_MAIN, "commentList"))
    key = split_ref(cell)
    for existing in comment_list:
        if split_ref(existing.get("ref")) > key:
            existing.addprevious(comment)
            break
    else:
        comment_list.append(comment)
    pkg.set_xml(comments_part, root)

    vml = etree.fromstring(pkg.parts[vml_part])
    numbers = [int(m.group(1)) for e in vml.iter() if isinstance(e.tag, str)
               for m in [re.fullmatch(r"_x0000_s(\d+)", e.get("id") or "")] if m]
    row, column = key
    shape = etree.SubElement(
        vml, _q(NS_V, "shape"), {_q(NS_O, "insetmode"): "auto"}, nsmap={"v": NS_V, "o": NS_O, "x": NS_XL},
        id=f"_x0000_s{max(numbers, default=1024) + 1}", type="#_x0000_t202",
        style=(f"position:absolute;margin-left:{59.25 + 48 * (column - 1):g}pt;margin-top:{1.5 + 15 * (row - 2):g}pt;"
               "width:108pt;height:59.25pt;z-index:2;visibility:hidden"),
        fillcolor="#ffffe1")
    etree.SubElement(shape, _q(NS_V, "fill"), color2="#ffffe1")
    etree.SubElement(shape, _q(NS_V, "shadow"), on="t", color="black", obscured="t")
    etree.SubElement(shape, _q(NS_V, "path"), {_q(NS_O, "connecttype"): "none"})
    textbox = etree.SubElement(shape, _q(NS_V, "textbox"), style="mso-direction-alt:auto")
    etree.SubElement(textbox, "div", style="text-align:left")
    data = etree.SubElement(shape, _q(NS_XL, "ClientData"), ObjectType="Note")
    etree.SubElement(data, _q(NS_XL, "MoveWithCells"))
    etree.SubElement(data, _q(NS_XL, "SizeWithCells"))
    anchor = f"{column}, 15, {max(row - 2, 0)}, 10, {column + 2}, 15, {row + 2}, 4"  # Excel's default note box
    etree.SubElement(data, _q(NS_XL, "Anchor")).text = anchor
    etree.SubElement(data, _q(NS_XL, "AutoFill")).text = "False"
    etree.SubElement(data, _q(NS_XL, "Row")).text = str(row - 1)
    etree.SubElement(data, _q(NS_XL, "Column")).text = str(column - 1)
    pkg.parts[vml_part] = etree.tostring(vml)
    return comments_part, vml_part


def add_note(path: str | Path, sheet: str, cell: str, runs: Sequence[Run] = NOTE_RUNS, *,
             author: str = "Sri Wahyuni") -> dict[str, str]:
    """A legacy note on ``sheet``!``cell`` whose text is ``runs`` (Tahoma 9 like Excel's notes; "PENTING:" red bold).

    Excel starts a note with the author's name in bold; here the runs are the whole text.  Uses the sheet's
    comments part and VML drawing if there are (openpyxl's, on a step sheet), else makes ``xl/commentsN.xml`` and
    ``xl/drawings/vmlDrawingN.vml`` with relationships, content types and ``<legacyDrawing r:id>``.
    Returns {"comments": part, "vml": part, "sheet_part": part}.
    """
    with package(path) as pkg:
        sheet_part = pkg.sheet_part(sheet)
        text = etree.Element(_q(NS_MAIN, "text"))
        _rich_runs(text, runs, font="Tahoma", size=9, color="indexed:81")
        comments, vml = _add_legacy_comment(pkg, sheet_part, cell, author, text)
        return {"comments": comments, "vml": vml, "sheet_part": sheet_part}


def _persons(pkg: Package) -> tuple[str, etree._Element]:
    workbook = pkg.workbook_part
    found = pkg.related(workbook, REL_PERSON)
    if found:
        return found[0][1], pkg.xml(found[0][1])
    name = posixpath.join(posixpath.dirname(workbook), "persons", "person.xml")
    root = etree.Element(_q(NS_TC, "personList"), nsmap={None: NS_TC, "x": NS_MAIN})
    pkg.set_xml(name, root)
    pkg.add_relationship(workbook, REL_PERSON, name)
    pkg.add_override(name, CT_PERSON)
    return name, root


def _person_id(pkg: Package, display_name: str) -> str:
    name, root = _persons(pkg)
    for person in root.findall(_q(NS_TC, "person")):
        if person.get("displayName") == display_name:
            return person.get("id")
    person_id = new_guid()
    element = etree.Element(_q(NS_TC, "person"), displayName=display_name, id=person_id, userId=display_name,
                            providerId="None")
    ext_list = root.find(_q(NS_TC, "extLst"))
    if ext_list is not None:
        ext_list.addprevious(element)
    else:
        root.append(element)
    pkg.set_xml(name, root)
    return person_id


def add_threaded_comment(path: str | Path, sheet: str, cell: str, text: str = THREAD_TEXT,
                         reply: str = THREAD_REPLY, *, author: str = "Drs. Bambang Sutrisno, M.Si.",
                         replier: str = "Sri Wahyuni", when: str = "2026-02-20T09:15:42.37",
                         reply_when: str = "2026-02-20T10:02:08.51") -> dict[str, str]:
    """An Excel 365 threaded comment on ``sheet``!``cell`` with one reply.

    Adds ``xl/threadedComments/threadedCommentN.xml`` (sheet relationship ``.../2017/10/relationships/
    threadedComment``), ``xl/persons/person.xml`` (workbook relationship ``.../person``), their content types, and
    the placeholder note Excel writes beside it for older versions (author ``tc={root id}``, ``xr:uid`` = root id,
    text :data:`THREADED_PLACEHOLDER` + the comment + "Reply:" + the reply) in the sheet's comments part and VML.
    Returns {"threaded": part, "persons": part, "comments": part, "vml": part, "id": root id, "reply_id": id}.
    """
    with package(path) as pkg:
        sheet_part = pkg.sheet_part(sheet)
        person_author = _person_id(pkg, author)
        person_replier = _person_id(pkg, replier)
        found = pkg.related(sheet_part, REL_THREADED_COMMENT)
        if found:
            part = found[0][1]
            root = pkg.xml(part)
        else:
            part = pkg.free_name("xl/threadedComments/threadedComment{}.xml")
            root = etree.Element(_q(NS_TC, "ThreadedComments"), nsmap={None: NS_TC, "x": NS_MAIN})
            pkg.add_relationship(sheet_part, REL_THREADED_COMMENT, part)
            pkg.add_override(part, CT_THREADED_COMMENTS)
        root_id, reply_id = new_guid(), new_guid()
        first = etree.SubElement(root, _q(NS_TC, "threadedComment"), ref=cell, dT=when, personId=person_author,
                                 id=root_id)
        etree.SubElement(first, _q(NS_TC, "text")).text = text
        second = etree.SubElement(root, _q(NS_TC, "threadedComment"), ref=cell, dT=reply_when,
                                  personId=person_replier, id=reply_id, parentId=root_id)
        etree.SubElement(second, _q(NS_TC, "text")).text = reply
        pkg.set_xml(part, root)

        placeholder = etree.Element(_q(NS_MAIN, "text"))
        etree.SubElement(placeholder, _q(NS_MAIN, "t")).text = (
            THREADED_PLACEHOLDER + text + "\nReply:\n    " + reply)
        comments, vml = _add_legacy_comment(pkg, sheet_part, cell, f"tc={root_id}", placeholder, uid=root_id)
        persons = pkg.related(pkg.workbook_part, REL_PERSON)[0][1]
        return {"threaded": part, "persons": persons, "comments": comments, "vml": vml, "sheet_part": sheet_part,
                "id": root_id, "reply_id": reply_id}


# --- 4. and 5. worksheet extensions --------------------------------------------------------------------------------


def _qualified(sheet: str, ref: str) -> str:
    return ref if "!" in ref else f"{quote_sheet(sheet)}!{ref}"


def add_sparklines(path: str | Path, sheet: str, location: str, data_range: str) -> dict[str, str]:
    """A line-sparkline group (markers on) at ``location`` showing ``data_range`` (sheet-qualified if not already).

    Stored in the sheet's ``<extLst>`` as ``<ext uri="{05C60535-...}" xmlns:x14>`` / ``x14:sparklineGroups``
    (``xmlns:xm``), with Excel's default "Style 1" colours and an ``xr2:uid`` (declared on the worksheet,
    ``mc:Ignorable="xr2"``) as Excel 365 writes it.  Returns {"sheet_part": part, "uri": ext uri}.
    """
    with package(path) as pkg:
        sheet_part = pkg.sheet_part(sheet)
        ws = _with_namespaces(pkg.xml(sheet_part), {"mc": NS_MC, "xr2": NS_XR2}, ignorable=("xr2",))
        ext = _find_ext(ws, EXT_SPARKLINES)
        if ext is None:
            ext = etree.Element(_q(NS_MAIN, "ext"), nsmap={"x14": NS_X14}, uri=EXT_SPARKLINES)
            etree.SubElement(ext, _q(NS_X14, "sparklineGroups"), nsmap={"xm": NS_XM})
            _add_ext(ws, ext)
        groups = ext.find(_q(NS_X14, "sparklineGroups"))
        group = etree.SubElement(groups, _q(NS_X14, "sparklineGroup"), displayEmptyCellsAs="gap", markers="1")
        group.set(_q(NS_XR2, "uid"), new_guid())
        for tag, attrs in (("colorSeries", {"theme": "4", "tint": "-0.499984740745262"}),
                           ("colorNegative", {"theme": "5"}), ("colorAxis", {"rgb": "FF000000"}),
                           ("colorMarkers", {"theme": "4", "tint": "-0.499984740745262"}),
                           ("colorFirst", {"theme": "4", "tint": "0.39997558519241921"}),
                           ("colorLast", {"theme": "4", "tint": "0.39997558519241921"}),
                           ("colorHigh", {"theme": "4"}), ("colorLow", {"theme": "4"})):
            etree.SubElement(group, _q(NS_X14, tag), attrs)
        sparklines = etree.SubElement(group, _q(NS_X14, "sparklines"))
        sparkline = etree.SubElement(sparklines, _q(NS_X14, "sparkline"))
        etree.SubElement(sparkline, _q(NS_XM, "f")).text = _qualified(sheet, data_range)
        etree.SubElement(sparkline, _q(NS_XM, "sqref")).text = location
        pkg.set_xml(sheet_part, ws)
        return {"sheet_part": sheet_part, "uri": EXT_SPARKLINES}


def add_x14_validation(path: str | Path, sheet: str, sqref: str, list_formula: str, *,
                       prompt: str | None = "Pilih dari daftar di lembar Catatan Saya.") -> dict[str, str]:
    """A list validation on ``sqref`` whose list is ``list_formula`` (e.g. ``'Catatan Saya'!$E$2:$E$4``).

    Excel 2010+ stores a list that points at another sheet in the sheet's extLst: ``<ext uri="{CCE6A557-...}">``
    / ``x14:dataValidations`` / ``x14:dataValidation`` with ``x14:formula1/xm:f`` and ``xm:sqref``, ``xr:uid``
    declared on the worksheet (``mc:Ignorable="xr"``).  Returns {"sheet_part": part, "uri": ext uri}.
    """
    with package(path) as pkg:
        sheet_part = pkg.sheet_part(sheet)
        ws = _with_namespaces(pkg.xml(sheet_part), {"mc": NS_MC, "xr": NS_XR}, ignorable=("xr",))
        ext = _find_ext(ws, EXT_DATA_VALIDATIONS)
        if ext is None:
            ext = etree.Element(_q(NS_MAIN, "ext"), nsmap={"x14": NS_X14}, uri=EXT_DATA_VALIDATIONS)
            etree.SubElement(ext, _q(NS_X14, "dataValidations"), nsmap={"xm": NS_XM}, count="0")
            _add_ext(ws, ext)
        validations = ext.find(_q(NS_X14, "dataValidations"))
        validation = etree.SubElement(validations, _q(NS_X14, "dataValidation"), type="list", allowBlank="1",
                                      showInputMessage="1" if prompt else "0", showErrorMessage="1")
        if prompt:
            validation.set("promptTitle", "Status")
            validation.set("prompt", prompt)
        validation.set(_q(NS_XR, "uid"), new_guid())
        formula = etree.SubElement(validation, _q(NS_X14, "formula1"))
        etree.SubElement(formula, _q(NS_XM, "f")).text = list_formula.lstrip("=")
        etree.SubElement(validation, _q(NS_XM, "sqref")).text = sqref
        validations.set("count", str(len(validations.findall(_q(NS_X14, "dataValidation")))))
        pkg.set_xml(sheet_part, ws)
        return {"sheet_part": sheet_part, "uri": EXT_DATA_VALIDATIONS}


# --- 6. and 8. cells -----------------------------------------------------------------------------------------------


def add_rich_text_cell(path: str | Path, sheet: str, cell: str, runs: Sequence[Run] = RICH_RUNS) -> dict[str, Any]:
    """``sheet``!``cell`` holds a rich-text shared string: ``<si>`` with ``<r><rPr>...`` runs (Calibri 11, minor
    scheme, as Excel writes them) appended to ``xl/sharedStrings.xml`` (made, with relationship and content type, if
    the workbook has none - openpyxl writes inline strings).  Returns {"sheet_part", "shared_strings", "index"}."""
    with package(path) as pkg:
        sheet_part = pkg.sheet_part(sheet)
        si = etree.Element(_q(NS_MAIN, "si"))
        _rich_runs(si, runs, font="Calibri", size=11, scheme="minor")
        index = _add_shared_string(pkg, si)
        ws = pkg.xml(sheet_part)
        c = etree.Element(_q(NS_MAIN, "c"), r=cell, t="s")
        etree.SubElement(c, _q(NS_MAIN, "v")).text = str(index)
        _place_cell(ws, c)
        pkg.set_xml(sheet_part, ws)
        return {"sheet_part": sheet_part, "shared_strings": _shared_strings(pkg)[0], "index": index}


def type_cells(path: str | Path, sheet: str, cells: Mapping[str, Any], *, inline: bool = False) -> dict[str, Any]:
    """Type values into cells as Excel stores them: text as shared strings (or ``t="inlineStr"`` with ``inline``),
    numbers as ``<v>``, booleans ``t="b"``.  Returns {"sheet_part": part, "cells": list of refs}."""
    with package(path) as pkg:
        sheet_part = pkg.sheet_part(sheet)
        ws = pkg.xml(sheet_part)
        for ref, value in cells.items():
            _place_cell(ws, _value_cell(pkg, ref, value, inline=inline))
        pkg.set_xml(sheet_part, ws)
        return {"sheet_part": sheet_part, "cells": list(cells)}


# --- 7. a sheet of the user's own ----------------------------------------------------------------------------------

#: What :func:`add_user_sheet` writes: ref -> value, or (formula, cached value) for a formula.
USER_SHEET_CELLS: dict[str, Any] = {
    "A1": "Angka 1", "B1": "Angka 2", "C1": "Jumlah", "D1": "Keterangan", "E1": "Pilihan Status",
    "A2": 17, "B2": 25, "C2": ("SUM(A2:B2)", 42), "D2": ('IF(C2>40,"di atas target","di bawah target")',
                                                         "di atas target"), "E2": "Sudah diperiksa",
    "A3": 8, "B3": 4.5, "C3": ("SUM(A3:B3)", 12.5), "D3": ('IF(C3>40,"di atas target","di bawah target")',
                                                           "di bawah target"), "E3": "Perlu revisi",
    "E4": "Menunggu data",
    "A5": "Rapat evaluasi internal Inspektorat", "C5": ("SUM(C2:C3)", 54.5), "D5": ('"Total: "&C5', "Total: 54.5"),
}


def add_user_sheet(path: str | Path, name: str = "Catatan Saya",
                   cells: Mapping[str, Any] = USER_SHEET_CELLS) -> dict[str, str]:
    """A worksheet a person added, last in the tab order: numbers, shared-string text, formulas with cached values
    (``<c r="C2"><f>SUM(A2:B2)</f><v>42</v></c>``) and string formulas (``t="str"``).

    Adds ``xl/worksheets/sheetN.xml`` in Excel 365's dress (``mc:Ignorable="x14ac xr xr2 xr3"``, ``xr:uid``,
    ``x14ac:dyDescent``), ``<sheet>`` in workbook.xml, the workbook relationship and the content-type override.
    Returns {"sheet_part": part, "name": name}.
    """
    with package(path) as pkg:
        workbook = pkg.workbook_part
        part = pkg.free_name(posixpath.join(posixpath.dirname(workbook), "worksheets", "sheet{}.xml"))
        ws = etree.Element(_q(NS_MAIN, "worksheet"), nsmap={
            None: NS_MAIN, "r": NS_R, "mc": NS_MC, "x14ac": NS_X14AC, "xr": NS_XR, "xr2": NS_XR2, "xr3": NS_XR3})
        ws.set(_q(NS_MC, "Ignorable"), "x14ac xr xr2 xr3")
        ws.set(_q(NS_XR, "uid"), new_guid())
        etree.SubElement(ws, _q(NS_MAIN, "dimension"), ref="A1")
        views = etree.SubElement(ws, _q(NS_MAIN, "sheetViews"))
        etree.SubElement(views, _q(NS_MAIN, "sheetView"), workbookViewId="0")
        etree.SubElement(ws, _q(NS_MAIN, "sheetFormatPr"), {_q(NS_X14AC, "dyDescent"): "0.25"}, defaultRowHeight="15")
        cols = etree.SubElement(ws, _q(NS_MAIN, "cols"))
        etree.SubElement(cols, _q(NS_MAIN, "col"), min="1", max="5", width="18.7109375", customWidth="1")
        etree.SubElement(ws, _q(NS_MAIN, "sheetData"))
        etree.SubElement(ws, _q(NS_MAIN, "pageMargins"), left="0.7", right="0.7", top="0.75", bottom="0.75",
                         header="0.3", footer="0.3")
        for ref, value in cells.items():
            if isinstance(value, tuple):
                formula, cached = value
                c = etree.Element(_q(NS_MAIN, "c"), r=ref)
                if isinstance(cached, str):
                    c.set("t", "str")
                etree.SubElement(c, _q(NS_MAIN, "f")).text = formula
                etree.SubElement(c, _q(NS_MAIN, "v")).text = cached if isinstance(cached, str) else _number(cached)
            else:
                c = _value_cell(pkg, ref, value)
            _place_cell(ws, c)
        rows = ws.find(_q(NS_MAIN, "sheetData")).findall(_q(NS_MAIN, "row"))
        for row in rows:
            columns = [split_ref(c.get("r"))[1] for c in row]
            row.set("spans", f"{min(columns)}:{max(columns)}")
            row.set(_q(NS_X14AC, "dyDescent"), "0.25")
        pkg.set_xml(part, ws)
        rid = pkg.add_relationship(workbook, REL_WORKSHEET, part)
        pkg.add_override(part, CT_WORKSHEET)
        book = pkg.xml(workbook)
        sheets = book.find(_q(NS_MAIN, "sheets"))
        sheet_id = max((int(s.get("sheetId")) for s in sheets), default=0) + 1
        book = _with_namespaces(book, {"r": NS_R})
        sheets = book.find(_q(NS_MAIN, "sheets"))
        etree.SubElement(sheets, _q(NS_MAIN, "sheet"), {_q(NS_R, "id"): rid}, name=name, sheetId=str(sheet_id))
        pkg.set_xml(workbook, book)
        return {"sheet_part": part, "name": name}


# --- everything on a tracker, and what must survive ----------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One thing :func:`add_everything` added.  ``kind``:

    * ``part`` - ``part`` must keep its bytes and stay related from ``source`` (a sheet name, or ``None`` for the
      workbook) by ``rel_type``;
    * ``ext`` - the ``<ext uri>`` element of ``sheet`` must keep its bytes;
    * ``cell`` - the ``<c>`` of ``sheet``!``cell`` must keep its bytes, and so must its ``<si>`` if it is a shared
      string.
    ``text`` is what a reader (LibreOffice) should show for it, if anything.
    """
    key: str
    kind: str
    part: str | None = None
    source: str | None = None
    rel_type: str | None = None
    sheet: str | None = None
    cell: str | None = None
    uri: str | None = None
    text: str | None = None


#: The keys :func:`add_everything` returns, in a fixed order (tests parametrize over them).
EVERYTHING = (
    "drawing", "drawing-rels", "drawing-image", "note-comments", "note-vml", "threaded-comment", "persons",
    "threaded-placeholder", "threaded-vml", "sparklines", "x14-validation", "rich-cell", "sign-off-1", "sign-off-2",
    "sign-off-3", "sign-off-paraf", "label-above-table", "user-column-header", "user-column-1", "user-column-2",
    "user-sheet",
)

USER_SHEET = "Catatan Saya"


def _table_bounds(pkg: Package, sheet: str) -> tuple[int, int, int, int]:
    """(first row, first column, last row, last column) of the sheet's first table."""
    sheet_part = pkg.sheet_part(sheet)
    _, table = pkg.related(sheet_part, REL_TABLE)[0]
    first, last = pkg.xml(table).get("ref").split(":")
    return (*split_ref(first), *split_ref(last))


def add_everything(path: str | Path, *, step: int = 3, note_step: int = 2) -> dict[str, Item]:
    """Everything above on a tracker built by :func:`lkj_xl.authoring.builder.build_tracker`.

    On "Langkah {step}": a drawing (text box + picture), a threaded comment with a reply on the first entry row's
    Catatan, sparklines of "Terlambat" beside the top block, a rich-text cell and a sign-off block ("Mengetahui,",
    office, name, "Paraf") in columns H, J and M two rows below the table (computed columns: refresh clears them
    today), a label "Keterangan" above the table (equal to a top-block label), a user column "Status" (equal to a
    computed column's header) one empty column right of the table, so Excel does not grow the table into it, with a
    cross-sheet list validation (x14) to the user sheet.  On "Langkah {note_step}": a rich note on G13.  A user sheet
    "Catatan Saya".  Returns :class:`Item` by key (:data:`EVERYTHING`).
    """
    sheet = f"Langkah {step}"
    note_sheet = f"Langkah {note_step}"
    with package(path) as pkg:
        header, first_col, last_row, last_col = _table_bounds(pkg, sheet)
    items: dict[str, Item] = {}

    user = add_user_sheet(path, USER_SHEET)
    items["user-sheet"] = Item("user-sheet", "part", part=user["sheet_part"], source=None, rel_type=REL_WORKSHEET,
                               text="Rapat evaluasi internal Inspektorat")

    drawing = add_drawing(path, sheet, column=last_col + 3, row=1)
    items["drawing"] = Item("drawing", "part", part=drawing["drawing"], source=sheet, rel_type=REL_DRAWING,
                            text=TEXT_BOX_TEXT)
    items["drawing-rels"] = Item("drawing-rels", "part", part=drawing["rels"])
    items["drawing-image"] = Item("drawing-image", "part", part=drawing["image"])

    catatan = column_letter(first_col + 6)  # G: Catatan
    note_cell = f"{catatan}{header + 1}"
    note = add_note(path, note_sheet, note_cell, NOTE_RUNS)
    items["note-comments"] = Item("note-comments", "part", part=note["comments"], source=note_sheet,
                                  rel_type=REL_COMMENTS, sheet=note_sheet, cell=note_cell, text="PENTING:")
    items["note-vml"] = Item("note-vml", "part", part=note["vml"], source=note_sheet, rel_type=REL_VML)

    thread = add_threaded_comment(path, sheet, f"{catatan}{header + 1}")
    items["threaded-comment"] = Item("threaded-comment", "part", part=thread["threaded"], source=sheet,
                                     rel_type=REL_THREADED_COMMENT, sheet=sheet, cell=f"{catatan}{header + 1}",
                                     text=THREAD_TEXT)
    items["persons"] = Item("persons", "part", part=thread["persons"], source=None, rel_type=REL_PERSON)
    items["threaded-placeholder"] = Item("threaded-placeholder", "part", part=thread["comments"], source=sheet,
                                         rel_type=REL_COMMENTS, text="[Threaded comment]")
    items["threaded-vml"] = Item("threaded-vml", "part", part=thread["vml"], source=sheet, rel_type=REL_VML)

    late = column_letter(first_col + 10)  # K: Terlambat (jam kerja)
    spark_cell = f"{column_letter(last_col + 2)}3"
    add_sparklines(path, sheet, spark_cell, f"{late}{header + 1}:{late}{header + 12}")
    items["sparklines"] = Item("sparklines", "ext", sheet=sheet, uri=EXT_SPARKLINES)

    user_col = column_letter(last_col + 2)  # one empty column right of the table
    add_x14_validation(path, sheet, f"{user_col}{header + 1}:{user_col}{header + 50}",
                       f"{quote_sheet(USER_SHEET)}!$E$2:$E$4")
    items["x14-validation"] = Item("x14-validation", "ext", sheet=sheet, uri=EXT_DATA_VALIDATIONS)

    # Below the table: a rich note left of a sign-off block.  The columns of the table run on below it, so these
    # cells sit in computed columns (H, J, M), where the entry rows the engine reads and rewrites also are.
    below = last_row + 3
    rich_cell = f"{column_letter(first_col + 7)}{below}"  # H
    add_rich_text_cell(path, sheet, rich_cell, RICH_RUNS)
    items["rich-cell"] = Item("rich-cell", "cell", sheet=sheet, cell=rich_cell,
                             text="".join(text for text, _ in RICH_RUNS))

    sign_col = column_letter(last_col - 3)  # J
    paraf_col = column_letter(last_col)  # M
    typed = {
        f"{sign_col}{below}": "Mengetahui,",
        f"{sign_col}{below + 1}": "Inspektur Kota Madiun",
        f"{sign_col}{below + 5}": "Drs. Bambang Sutrisno, M.Si.",
        f"{paraf_col}{below}": "Paraf",
        f"D{header - 1}": "Keterangan",  # a label above the table, equal to a top-block label
        f"{user_col}{header}": "Status",  # a user column whose header equals a computed column's header
        f"{user_col}{header + 1}": "Sudah diperiksa",
        f"{user_col}{header + 2}": "Perlu revisi",
    }
    type_cells(path, sheet, typed)
    keys = ("sign-off-1", "sign-off-2", "sign-off-3", "sign-off-paraf", "label-above-table", "user-column-header",
            "user-column-1", "user-column-2")
    for key, (ref, value) in zip(keys, typed.items()):
        items[key] = Item(key, "cell", sheet=sheet, cell=ref, text=value)
    assert set(items) == set(EVERYTHING), set(items) ^ set(EVERYTHING)
    return {key: items[key] for key in EVERYTHING}


# --- checking a package --------------------------------------------------------------------------------------------


def add_printer_settings(path: str | Path, sheet: str) -> str:
    """What Excel writes once a sheet has been printed or set up: the printer driver's own settings (a DEVMODE
    blob) in ``xl/printerSettings/printerSettingsN.bin``, related from the sheet and named by its ``pageSetup``'s
    ``r:id``.  Returns the part."""
    with package(path) as pkg:
        sheet_part = pkg.sheet_part(sheet)
        n = 1 + sum(1 for name in pkg.parts if name.startswith("xl/printerSettings/"))
        part = f"xl/printerSettings/printerSettings{n}.bin"
        pkg.parts[part] = b"\x00" * 156 + "Printer Kantor".encode("utf-16-le")  # a DEVMODE's device name, roughly
        pkg.add_default("bin", "application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings")
        rid = pkg.add_relationship(sheet_part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                                               "printerSettings", part)
        root = pkg.xml(sheet_part)
        setup = root.find(_q(NS_MAIN, "pageSetup"))
        if setup is None:
            setup = etree.Element(_q(NS_MAIN, "pageSetup"))
            root.find(_q(NS_MAIN, "pageMargins")).addnext(setup)
        setup.set(_q(NS_R, "id"), rid)
        pkg.set_xml(sheet_part, root)
    return part


def package_problems(path: str | Path) -> list[str]:
    """What is wrong with the package: relationship targets that do not exist, parts without a content type,
    XML parts that do not parse, ``r:id`` references without a relationship.  Empty when it is sound."""
    pkg = Package(path)
    problems = []
    for name, data in pkg.parts.items():
        if name.endswith("/"):
            continue
        if name != "[Content_Types].xml" and pkg.content_type(name) is None:
            problems.append(f"{name}: no content type")
        if name.endswith((".xml", ".rels", ".vml")):
            try:
                root = etree.fromstring(data)
            except etree.XMLSyntaxError as error:
                problems.append(f"{name}: does not parse: {error}")
                continue
            if name.endswith(".rels"):
                source = name.replace("_rels/", "").removesuffix(".rels")
                if source and source not in pkg.parts:
                    problems.append(f"{name}: rels of a missing part")
                for rel in root:
                    if rel.get("TargetMode") == "External":
                        continue
                    target = pkg.resolve(source, rel.get("Target"))
                    if target not in pkg.parts:
                        problems.append(f"{name}: {rel.get('Id')} -> missing {target}")
            else:
                ids = {rel["Id"] for rel in pkg.relationships(name)}
                for element in root.iter():
                    if not isinstance(element.tag, str):
                        continue
                    for attr, value in element.attrib.items():
                        if attr in (_q(NS_R, "id"), _q(NS_R, "embed"), _q(NS_R, "link")) and value not in ids:
                            problems.append(f"{name}: {etree.QName(element).localname} {attr} {value} unrelated")
    for override in pkg.xml("[Content_Types].xml").iter(_q(NS_CT, "Override")):
        if override.get("PartName").lstrip("/") not in pkg.parts:
            problems.append(f"[Content_Types].xml: override for missing {override.get('PartName')}")
    return problems


def worksheet_order_problems(path: str | Path) -> list[str]:
    """Worksheets whose children are out of CT_Worksheet's sequence."""
    pkg = Package(path)
    problems = []
    for sheet in pkg.sheet_names():
        part = pkg.sheet_part(sheet)
        locals_ = [etree.QName(c).localname for c in pkg.xml(part) if isinstance(c.tag, str)]
        ranks = [WORKSHEET_ORDER.index(name) for name in locals_ if name in WORKSHEET_ORDER]
        if ranks != sorted(ranks):
            problems.append(f"{sheet} ({part}): {locals_}")
    return problems


def _raw_cell(text: str, ref: str) -> str | None:
    match = re.search(rf'<(?:\w+:)?c\b[^>]*\br="{ref}"(?:[^>]*/>|[^>]*>.*?</(?:\w+:)?c>)', text, re.DOTALL)
    return match.group(0) if match else None


def fingerprint(path: str | Path, item: Item) -> Any:
    """The bytes of ``item`` in the workbook at ``path`` that must not change; ``None`` if it is gone."""
    pkg = Package(path)
    if item.kind == "part":
        if item.part not in pkg.parts:
            return None
        if item.rel_type is not None:
            source = pkg.workbook_part if item.source is None else _sheet_part_or_none(pkg, item.source)
            if source is None or item.part not in [t for _, t in pkg.related(source, item.rel_type)]:
                return ("unrelated", pkg.parts[item.part])
        return pkg.parts[item.part]
    sheet_part = _sheet_part_or_none(pkg, item.sheet)
    if sheet_part is None:
        return None
    text = pkg.parts[sheet_part].decode("utf-8")
    if item.kind == "ext":
        pattern = rf'<(?:\w+:)?ext\b[^>]*uri="{re.escape(item.uri)}".*?</(?:\w+:)?ext>'
        match = re.search(pattern, text, re.DOTALL | re.IGNORECASE)
        return match.group(0) if match else None
    raw = _raw_cell(text, item.cell)
    if raw is None:
        return None
    if re.search(r'\bt="s"', raw.split(">", 1)[0]):
        index = int(re.search(r"<(?:\w+:)?v>(\d+)</", raw).group(1))
        found = pkg.related(pkg.workbook_part, REL_SHARED_STRINGS)
        sst = pkg.parts[found[0][1]].decode("utf-8") if found else ""
        items = re.findall(r"<(?:\w+:)?si\b.*?</(?:\w+:)?si>|<(?:\w+:)?si/>", sst, re.DOTALL)
        return raw, items[index] if index < len(items) else None
    return raw


def _sheet_part_or_none(pkg: Package, sheet: str) -> str | None:
    try:
        return pkg.sheet_part(sheet)
    except KeyError:
        return None
