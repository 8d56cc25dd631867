"""What an openpyxl rebuild of a tracker (``lkj upgrade``) cannot carry, found in the package: shapes and text boxes
in a drawing, threaded comments, sheet extensions (sparklines, x14 validation...), controls, embedded objects, workbook
parts such as external links, and the printer driver's settings of a sheet; the engine's own sheets aside.

A module of its own because it reads the old file's zip package (relationships, drawings, ``extLst``), which the
upgrade's copiers never see: they work on openpyxl's model.  (``lkj sop terapkan`` does not rebuild: it edits the
package, :mod:`lkj_xl.authoring.sop_splice`.)
"""

from __future__ import annotations


from lkj_xl.workbook import layout

#: Relationship types (their last path segment) the rebuild carries and this proof checks.
_PACKAGE_RELS = {"officeDocument", "core-properties", "extended-properties", "custom-properties", "thumbnail",
                 "ui/extensibility", "ui/2007/extensibility", "extensibility"}
_WORKBOOK_RELS = {"worksheet", "styles", "sharedStrings", "theme", "calcChain", "vbaProject"}
_SHEET_RELS = {"table", "comments", "vmlDrawing", "hyperlink", "printerSettings"}
_ENGINE = (layout.SHEET_HOME, layout.SHEET_PROBLEMS, layout.SHEET_REPORT, layout.SHEET_HISTORY, layout.SHEET_CLOSED,
           "xlwings.conf")
_WHAT = {"drawing": "gambar, bentuk, kotak teks atau grafik", "control": "kontrol formulir", "oleObject": "objek sisipan",
         "pivotTable": "PivotTable", "slicer": "slicer", "threadedComment": "komentar berutas",
         "externalLink": "tautan ke buku kerja lain", "pivotCacheDefinition": "data PivotTable",
         "connections": "koneksi data", "customXml": "data XML kustom", "digital-signature/origin": "tanda tangan digital"}


def _kind(rel_type: str) -> str:
    for known in sorted(_PACKAGE_RELS | _WORKBOOK_RELS | _SHEET_RELS | set(_WHAT), key=len, reverse=True):
        if rel_type.endswith("/" + known):
            return known
    return rel_type.rsplit("/", 1)[-1]


def _parts(data: bytes) -> tuple[dict[str, bytes], list[tuple[str, str]], dict[str, list[tuple[str, str]]]]:
    """Parts, the package's and the workbook's relationships as (kind, part), and each sheet's by sheet name."""
    from lkj_xl.engines.package_parts import (
        WORKBOOK, _index, _parse_xml, _read_zip, _relationships, _rels_part, _resolve,
    )

    raw = _read_zip(data, "buku kerja")[1]
    top: list[tuple[str, str]] = []
    for source in ("", WORKBOOK):
        rels = _rels_part(source) if source else "_rels/.rels"
        if rels in raw:
            for rel in _relationships(_parse_xml(raw[rels], "buku kerja", rels)):
                top.append((_kind(rel.get("Type", "")), rel.get("Target", "")))
    _, sheets, workbook_rels = _index(raw, "buku kerja")
    by_sheet: dict[str, list[tuple[str, str]]] = {}
    for name, _id, rid in sheets:
        part = workbook_rels.get(rid, ("", ""))[1]
        rels = _rels_part(part)
        found = []
        if rels in raw:
            for rel in _relationships(_parse_xml(raw[rels], "buku kerja", rels)):
                target = rel.get("Target", "")
                found.append((_kind(rel.get("Type", "")),
                              target if rel.get("TargetMode") == "External" else _resolve(part, target)))
        by_sheet[name] = found
    return raw, top, by_sheet


#: Excel features stored as extensions of a sheet (``<extLst><ext uri=...>``), which the rebuild does not carry.
_EXTENSIONS = {"{05C60535-1F16-4fd2-B633-F4F36F0B64E0}": "sparkline",
               "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}": "validasi data (daftar dari lembar lain)",
               "{78C0D931-6437-407d-A8EE-F0AAD7539E65}": "format bersyarat Excel 2010",
               "{3A4CF648-6AED-40f4-86FF-DC5316D8AED3}": "slicer", "{A8765BA9-456A-4dab-B4F3-ACF838C121DE}": "slicer",
               "{7E03D99C-DC04-49d9-9315-930204A7B6E9}": "timeline"}


def _extensions(part: bytes) -> list[str]:
    import re

    found = []
    for match in re.finditer(rb"<(?:\w+:)?ext\b[^>]*\suri\s*=\s*[\"']([^\"']+)[\"']", part):
        uri = match.group(1).decode("ascii", "replace")
        found.append(_EXTENSIONS.get(uri.upper(), _EXTENSIONS.get(uri, f"fitur Excel {uri}")))
    return found


#: What a printerSettings part holds, said where a rebuild drops it (openpyxl does not keep it).
PRINTER_NOTE = ("pengaturan khusus printer (pilihan driver printer, mis. baki kertas atau cetak bolak-balik; ukuran "
                "kertas, orientasi dan margin tetap terbawa)")


def _printed(by_sheet: dict[str, list[tuple[str, str]]]) -> list[str]:
    return [sheet for sheet, rels in by_sheet.items()
            if sheet not in _ENGINE and any(kind == "printerSettings" for kind, _part in rels)]


def uncarried_parts(data: bytes) -> list[str]:
    """``lkj upgrade``: what a rebuild drops that openpyxl does not even see, in Indonesian, by sheet: shapes and
    text boxes in a drawing (pictures and charts are counted by the upgrade itself), threaded comments, controls,
    embedded objects, pivot tables, sheet extensions (sparklines, x14 validation...), workbook parts such as
    external links; the engine's own sheets aside."""
    from lxml import etree

    raw, top, by_sheet = _parts(data)
    sheet_parts = _sheet_parts(raw)
    found = [f"{_WHAT.get(kind, 'bagian ' + kind)} ({target})" for kind, target in top
             if kind not in _PACKAGE_RELS | _WORKBOOK_RELS]
    found += [f"lembar \"{sheet}\": {PRINTER_NOTE}" for sheet in _printed(by_sheet)]
    for sheet, rels in by_sheet.items():
        if sheet in _ENGINE:
            continue
        for kind, part in rels:
            if kind == "drawing" and part in raw:
                shapes = sum(1 for anchor in etree.fromstring(raw[part]) for child in anchor
                             if etree.QName(child).localname in ("sp", "grpSp", "cxnSp"))
                if shapes:
                    found.append(f"lembar \"{sheet}\": {shapes} bentuk/kotak teks")
            elif kind not in _SHEET_RELS and kind != "drawing":
                found.append(f"lembar \"{sheet}\": {_WHAT.get(kind, 'bagian ' + kind)} ({part})")
        if sheet in sheet_parts:
            found += [f"lembar \"{sheet}\": {what}" for what in dict.fromkeys(_extensions(raw[sheet_parts[sheet]]))]
    return found


def _sheet_parts(raw: dict[str, bytes]) -> dict[str, str]:
    from lkj_xl.engines.package_parts import _index

    _, sheets, rels = _index(raw, "buku kerja")
    return {name: rels[rid][1] for name, _id, rid in sheets if rid in rels and rels[rid][1] in raw}


__all__ = ["PRINTER_NOTE", "uncarried_parts"]
