"""SOP tables in Excel workbooks, read with openpyxl: an SOP-AP table on any sheet (shapes from the sheet's drawing
part, or marks typed in the Pelaksana cells), or a tracker's own SOP sheet (read by the tracker reader)."""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from lkj_xl.authoring.sop_import.table import (
    Cell,
    clean,
    header_start,
    identity_from_grid,
    rows_from_grid,
)
from lkj_xl.authoring.sop_import.word import PRESETS
from lkj_xl.core.errors import UnusableFileError

_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value))


def _sheet_grid(ws) -> list[list[Cell]]:
    merged: dict[tuple[int, int], tuple[int, int]] = {}  # (row, col) -> top-left of its merged range (1-based)
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged[(r, c)] = (rng.min_row, rng.min_col)
    grid = []
    for r, row in enumerate(ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column), start=1):
        line = []
        for c, cell in enumerate(row, start=1):
            origin = merged.get((r, c), (r, c))
            text = _text(ws.cell(*origin).value)
            line.append(Cell(text, merged_up=origin[0] < r, merged_left=origin[1] < c))
        grid.append(line)
    return grid


def _drawing_shapes(path: Path, sheet_index: int) -> list[tuple[int, int, int, str]]:
    """Shapes of a sheet's drawing part: (row0, col0, col1, kind), 0-based anchors.  openpyxl does not load
    shapes, so the drawing part is read from the package with lxml."""
    from lxml import etree

    found = []
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        wb_rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        workbook = etree.fromstring(z.read("xl/workbook.xml"))
        sheets = workbook.findall(f"{{{workbook.nsmap.get(None)}}}sheets/*")
        if sheet_index >= len(sheets):
            return found
        rid = sheets[sheet_index].get(f"{{{_R}}}id")
        target = next((rel.get("Target") for rel in wb_rels if rel.get("Id") == rid), None)
        if target is None:
            return found
        sheet_path = posixpath.normpath(posixpath.join("xl", target)) if not target.startswith("/") else target[1:]
        rels_path = posixpath.join(posixpath.dirname(sheet_path), "_rels", posixpath.basename(sheet_path) + ".rels")
        if rels_path not in names:
            return found
        for rel in etree.fromstring(z.read(rels_path)):
            if not rel.get("Type", "").endswith("/drawing"):
                continue
            drawing = posixpath.normpath(posixpath.join(posixpath.dirname(sheet_path), rel.get("Target")))
            if drawing not in names:
                continue
            root = etree.fromstring(z.read(drawing))
            for anchor in root:
                start = anchor.find(f"{{{_XDR}}}from")
                end = anchor.find(f"{{{_XDR}}}to")
                if start is None:
                    continue
                r0 = int(start.findtext(f"{{{_XDR}}}row"))
                c0 = int(start.findtext(f"{{{_XDR}}}col"))
                c1 = int(end.findtext(f"{{{_XDR}}}col")) if end is not None else c0
                r1 = int(end.findtext(f"{{{_XDR}}}row")) if end is not None else r0
                for geom in anchor.iter(f"{{{_A}}}prstGeom"):
                    kind = PRESETS.get(geom.get("prst", ""))
                    if kind:
                        found.append(((r0 + r1) // 2, c0, c1, kind))
    return found


def read_workbook(path: Path):
    """An ImportResult for a tracker (its SOP sheet), else (identity, roles, rows, warnings) of the first sheet
    holding an SOP-AP step table."""
    import openpyxl

    from lkj_xl.workbook import layout

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:
        raise UnusableFileError(f"Berkas \"{path.name}\" tidak dapat dibuka sebagai buku kerja Excel "
                                f"(rusak atau terenkripsi: {type(exc).__name__}).") from exc
    if layout.SHEET_SETTINGS in wb.sheetnames and layout.SHEET_SOP in wb.sheetnames:
        from lkj_xl.authoring.sop_import.tracker import read_tracker

        return read_tracker(path)
    warnings: list[str] = []
    for index, ws in enumerate(wb.worksheets):
        grid = _sheet_grid(ws)
        start = header_start(grid)
        if start is None:
            continue
        for r0, c0, c1, kind in _drawing_shapes(path, index):
            if r0 < len(grid):
                cols = range(c0, min(c1, len(grid[r0]) - 1) + 1)
                for c in cols[:1] if len(cols) else ():
                    grid[r0][c].shapes.append(kind)
        identity = identity_from_grid([[c.text for c in row] for row in grid[:start]])
        roles, rows = rows_from_grid(grid, start, warnings)
        if rows:
            return identity, roles, rows, warnings
    raise UnusableFileError(f"Berkas \"{path.name}\" tidak memuat tabel langkah SOP (kolom No, Uraian, Pelaksana, "
                            f"Mutu Baku) pada lembar mana pun.")
