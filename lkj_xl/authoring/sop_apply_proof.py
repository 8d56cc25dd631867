"""The proof of ``lkj sop terapkan``'s save: the original package and the rebuilt one compared part by part, and
every sheet a person uses cell by cell; each difference the structure change does not explain is named in
Indonesian, and nothing is saved.

The rebuild is an openpyxl round trip (the build for the new SOP, everything carried into it), so no part keeps its
bytes; what is proved is what the parts hold:

* **Parts.**  Every relationship of the original package, of its workbook and of each sheet must be of a kind the
  rebuild carries and this proof checks: sheets, styles, shared strings, theme, calculation chain, document
  properties, the ribbon, tables, cell comments (and their VML), cell links, printer settings.  Anything else on a
  sheet a person uses (pictures, shapes, text boxes and charts in a drawing, form controls, embedded objects, pivot
  tables, slicers, threaded comments) or in the workbook (external links, pivot caches, connections, custom XML, a
  digital signature) stops the save, named with its sheet and part.  The engine's own sheets (Beranda, Laporan,
  Masalah, Riwayat, Siklus Tertutup) are the build's, their drawings (the report's chart and logo) included.
* **Macros** (.xlsm): every VBA module of the original is in the new project with the same code (a step sheet's
  module compared with the module of the sheet its content went to, its name aside); a module of a step sheet taken
  away must hold no code of a person's.
* **Sheets** (every sheet but the engine's; a step sheet against the sheet its content went to): every cell's value,
  text-or-formula, number format, font, fill, border, alignment, protection, comment and link; cells the new sheet
  has and the old one did not; merged ranges, column widths, row heights and hidden rows and columns, freeze panes,
  visibility, data validation, conditional formats, print area and titles, page set-up, sheet protection; each table
  (same name, same columns, a range that may only grow).  Not compared, because the build and the next refresh
  write them: a step sheet's title (A1), its top block's values and the computed columns of its table, the layout
  version, the flow table beside tblSOP (the SOP as read is compared instead, in
  :mod:`lkj_xl.authoring.sop_apply`).
* **Names**: every workbook name of the original has the same reference, except the top-block names of step sheets
  taken away.
"""

from __future__ import annotations

import io
from typing import Any, Iterable

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


def _part_problems(old: bytes, renamed: dict[str, str], removed: set[str]) -> list[str]:
    raw, top, by_sheet = _parts(old)
    sheet_parts = _sheet_parts(raw)
    problems = []
    for kind, target in top:
        if kind not in _PACKAGE_RELS | _WORKBOOK_RELS:
            problems.append(f"{_WHAT.get(kind, 'bagian ' + kind)} ({target}) pada buku kerja")
    for sheet, rels in by_sheet.items():
        if sheet in _ENGINE:
            continue
        for kind, part in rels:
            if kind not in _SHEET_RELS:
                problems.append(f"{_WHAT.get(kind, 'bagian ' + kind)} pada lembar \"{sheet}\" ({part})")
        part = sheet_parts.get(sheet)
        if part is not None and sheet not in removed:
            problems += [f"{what} pada lembar \"{sheet}\"" for what in dict.fromkeys(_extensions(raw[part]))]
    return problems


#: What a printerSettings part holds, said where a rebuild drops it (openpyxl does not keep it).
PRINTER_NOTE = ("pengaturan khusus printer (pilihan driver printer, mis. baki kertas atau cetak bolak-balik; ukuran "
                "kertas, orientasi dan margin tetap terbawa)")


def printer_settings(data: bytes) -> list[str]:
    """The sheets (the engine's aside) whose printer-driver settings (a printerSettings part, which Excel writes once
    a sheet has been printed or set up) a rebuild drops: openpyxl does not keep them."""
    return _printed(_parts(data)[2])


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


def _modules(data: bytes) -> dict[str, str] | None:
    import tempfile
    from pathlib import Path

    from pyopenvba import ExcelFile

    with tempfile.TemporaryDirectory(prefix="lkj-vba-") as folder:
        path = Path(folder) / "book.xlsm"
        path.write_bytes(data)
        book = ExcelFile(path)
        try:
            if not book.has_vba_project():
                return None
            return dict(book.vba_modules())
        finally:
            book.close()


def _code(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")
                     if line.strip() and not line.startswith("Attribute VB_Name")).strip()


def _module_problems(old: bytes, new: bytes, renamed: dict[str, str], removed: set[str]) -> list[str]:
    before, after = _modules(old), _modules(new)
    if before is None:
        return []
    if after is None:
        return ["proyek makro (VBA) tidak ada lagi"]
    from lkj_xl.authoring.xlsm import SHEET_CODE_NAMES

    code_name = {sheet: name for sheet, name in SHEET_CODE_NAMES.items()}

    def module_of(sheet: str) -> str:
        number = layout.step_of_sheet(sheet)
        return code_name.get(sheet) or (f"shLangkah{number}" if number is not None else sheet)

    boilerplate = _code(after.get(module_of(layout.step_sheet(1)), "")).replace("shLangkah1", "")
    module_map = {module_of(old_sheet): module_of(new_sheet) for old_sheet, new_sheet in renamed.items()}
    gone = {module_of(sheet) for sheet in removed}
    problems = []
    for name, text in before.items():
        if name in gone:
            if _code(text).replace(name, "") != boilerplate:
                problems.append(f"kode makro pada modul {name} lembar yang dihapus")
            continue
        into = module_map.get(name, name)
        if into not in after:
            problems.append(f"modul makro {name} tidak ada lagi")
        elif _code(text).replace(name, "@") != _code(after[into]).replace(into, "@"):
            problems.append(f"kode modul makro {name} berbeda")
    return problems


def _engine_cells(tracker, title: str):
    """The old sheet's cells the build and the refresh write."""
    number = layout.step_of_sheet(title)
    if number is not None:
        info = tracker.layout.steps.get(number)
        if info is None:
            return lambda row, column: (row, column) == (1, 1)
        first = info.top_block[0] if info.top_block else layout.STEP_HEADER_FIRST_ROW
        top = range(first, first + len(layout.STEP_HEADER_LABELS))
        computed = {info.table.columns[c] for c in layout.STEP_COMPUTED_HEADERS if c in info.table.columns}
        header, last = info.table.header_row, info.last_row
        return lambda row, column: (row, column) == (1, 1) or (row in top and column == 2) or (
            header < row <= last and column in computed)
    if title == layout.SHEET_SETTINGS:
        row = tracker.layout.settings_rows.get(layout.P_VERSION)
        return lambda r, c: (r, c) == (row, 2)
    if title == layout.SHEET_SOP and tracker.layout.flow_table is not None:
        flow = tracker.layout.flow_table
        first = min(flow.columns.values())
        last = max(flow.columns.values())
        return lambda r, c: r >= flow.header_row - 1 and first <= c <= last
    return lambda r, c: False


def _look(cell) -> tuple:
    from copy import copy

    return (cell.value, cell.data_type, cell.number_format, copy(cell.font), copy(cell.fill), copy(cell.border),
            copy(cell.alignment), copy(cell.protection), cell.comment.text if cell.comment else None, cell.comment.author if cell.comment else None,
            (cell.hyperlink.target, cell.hyperlink.location) if cell.hyperlink else None)


_FIELDS = ("value", "jenis isi", "format angka", "huruf", "warna isi", "garis", "perataan", "proteksi", "komentar",
           "penulis komentar", "tautan")


def _rules(ws) -> set:
    rules = set()
    for ranges, items in ws.conditional_formatting._cf_rules.items():
        for rule in items:
            rules.add((str(ranges.sqref), rule.type, rule.operator, tuple(rule.formula or ()), rule.text,
                       repr(rule.dxf)))
    return rules


def _validations(ws) -> set:
    return {(str(v.sqref), v.type, v.operator, v.formula1, v.formula2, v.allow_blank, v.showErrorMessage, v.error,
             v.prompt) for v in ws.data_validations.dataValidation}


def _sheet_facts(ws, skip_rows: Iterable[int] = ()) -> dict[str, Any]:
    skip = set(skip_rows)
    return {
        "sel gabungan": sorted(str(r) for r in ws.merged_cells.ranges if r.min_row not in skip),
        "lebar kolom": {k: (d.width, d.hidden) for k, d in ws.column_dimensions.items() if d.width or d.hidden},
        "tinggi baris": {k: (d.height, d.hidden) for k, d in ws.row_dimensions.items() if (d.height or d.hidden)
                         and k not in skip},
        "panel beku": ws.freeze_panes, "tampil": ws.sheet_state,
        "validasi data": _validations(ws), "format bersyarat": _rules(ws),
        "area cetak": ws.print_area, "judul cetak": (ws.print_title_rows, ws.print_title_cols),
        "tata halaman": (ws.page_setup.orientation, ws.page_setup.paperSize, ws.page_setup.fitToWidth,
                         ws.page_setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage
                         if ws.sheet_properties.pageSetUpPr else None),
        "proteksi lembar": (ws.protection.sheet, ws.protection.password),
    }


def _table_problems(old_ws, new_ws, table_names: dict[str, str]) -> list[str]:
    from openpyxl.utils import range_boundaries

    problems = []
    for table in old_ws.tables.values():
        if table.name == "tblAlurSOP":
            continue  # made from the SOP as read, which is compared instead
        name = table_names.get(table.name, table.name)
        new = new_ws.tables.get(name)
        if new is None:
            problems.append(f"tabel {table.name} lembar \"{old_ws.title}\" tidak ada lagi")
            continue
        if [c.name for c in table.tableColumns] != [c.name for c in new.tableColumns][:len(table.tableColumns)]:
            problems.append(f"kolom tabel {table.name} lembar \"{old_ws.title}\" berubah")
        a, b = range_boundaries(table.ref), range_boundaries(new.ref)
        if b[0] != a[0] or b[1] != a[1] or b[2] < a[2] or b[3] < a[3]:
            problems.append(f"rentang tabel {table.name} lembar \"{old_ws.title}\" berubah ({table.ref} -> {new.ref})")
    return problems


def _built_rows(old_ws, tracker, added: set[int]) -> set[int]:
    """Rows of tblSOP the build formats afresh: an added step's, an emptied one's (its look is the build's), and a
    row typed below the built ones with no format of its own (a renumbering that grew the table by a row)."""
    pos = tracker.layout.sop_table
    if old_ws.title != layout.SHEET_SOP or pos is None:
        return set()
    column = pos.columns.get(layout.S_NO, 1)
    rows = set()
    for r in range(pos.header_row + 1, old_ws.max_row + 2):
        number = old_ws.cell(r, column).value
        if number is None or number in added or not old_ws.cell(r, column).has_style:
            rows.add(r)
    return rows


def _sheet_problems(old_ws, new_ws, tracker, table_names: dict[str, str], added: set[int],
                    expected: dict[tuple[str, str], Any] | None = None) -> list[str]:
    engine = _engine_cells(tracker, old_ws.title)
    built = _built_rows(old_ws, tracker, added)
    problems = []
    seen = set()
    for row in old_ws.iter_rows():
        for cell in row:
            if cell.__class__.__name__ == "MergedCell" or engine(cell.row, cell.column):
                continue
            seen.add(cell.coordinate)
            if cell.value is None and cell.comment is None and cell.hyperlink is None and not cell.has_style:
                continue
            before, after = _look(cell), _look(new_ws[cell.coordinate])
            if expected and (old_ws.title, cell.coordinate) in expected:  # a step number the renumbering changes
                before = (expected[(old_ws.title, cell.coordinate)],) + before[1:]
            if cell.row in built and cell.comment is None and cell.hyperlink is None:
                before, after, fields = before[:2], after[:2], _FIELDS[:2]  # the value; the look is the build's
            elif cell.value is None and cell.comment is None and cell.hyperlink is None:
                before, after = before[2:8], after[2:8]  # a cell with a look only: its look
                fields = _FIELDS[2:8]
                if cell.row in built or new_ws[cell.coordinate].has_style:
                    continue  # the build formats that cell itself (formats belong to the builder)
            else:
                fields = _FIELDS
            if before != after:
                what = ", ".join(f for f, a, b in zip(fields, before, after) if a != b)
                problems.append(f"{old_ws.title}!{cell.coordinate} ({what})")
    for row in new_ws.iter_rows():
        for cell in row:
            if cell.value is not None and cell.coordinate not in seen and not engine(cell.row, cell.column) \
                    and cell.__class__.__name__ != "MergedCell" and old_ws[cell.coordinate].value is None \
                    and cell.row not in built:
                problems.append(f"{new_ws.title}!{cell.coordinate} (isi baru)")
    top = tracker.layout.steps.get(layout.step_of_sheet(old_ws.title) or 0)
    first = top.top_block[0] if top is not None and top.top_block else layout.STEP_HEADER_FIRST_ROW
    skip = range(first, first + len(layout.STEP_HEADER_LABELS)) if layout.step_of_sheet(old_ws.title) else ()
    a, b = _sheet_facts(old_ws, skip), _sheet_facts(new_ws, skip)
    problems += [f"{what} lembar \"{old_ws.title}\"" for what in a if a[what] != b[what]]
    return problems + _table_problems(old_ws, new_ws, table_names)


def rebuild_differences(old: bytes, new: bytes, tracker, targets: dict[int, int], removed: Iterable[int],
                        added: Iterable[int] = (), expected: dict[tuple[str, str], Any] | None = None) -> list[str]:
    """Every difference between the original package ``old`` and the rebuilt ``new`` that the structure change
    (step sheets moved by ``targets``, old number -> new; ``removed`` ones taken away; new ones added; ``expected``:
    (sheet, cell) -> the step number the renumbering writes there, :func:`lkj_xl.workbook.renumber.renumber_cells`)
    does not explain, in Indonesian; empty when the rebuild is proved."""
    import openpyxl

    renamed = {layout.step_sheet(o): layout.step_sheet(n) for o, n in targets.items()}
    added = set(added)
    gone = {layout.step_sheet(n) for n in removed}
    problems = _part_problems(old, renamed, gone)
    problems += _module_problems(old, new, renamed, gone)
    before = openpyxl.load_workbook(io.BytesIO(old), rich_text=True)
    after = openpyxl.load_workbook(io.BytesIO(new), rich_text=True)
    tables = {layout.step_table(o): layout.step_table(n) for o, n in targets.items()}
    for ws in before.worksheets:
        if ws.title in _ENGINE or ws.title in gone:
            continue
        into = renamed.get(ws.title, ws.title) if layout.step_of_sheet(ws.title) else ws.title
        if into not in after.sheetnames:
            problems.append(f"lembar \"{ws.title}\" tidak ada lagi")
            continue
        problems += _sheet_problems(ws, after[into], tracker, tables, added, expected)
    top_names = {layout.step_top_name(n) for n in removed} | {layout.step_top_name(o) for o in targets}
    for name, defined in before.defined_names.items():
        if name in top_names:
            continue
        now = after.defined_names.get(name)
        if now is None or now.attr_text != defined.attr_text:
            problems.append(f"nama \"{name}\" ({defined.attr_text})")
    return problems


__all__ = ["PRINTER_NOTE", "printer_settings", "rebuild_differences", "uncarried_parts"]
