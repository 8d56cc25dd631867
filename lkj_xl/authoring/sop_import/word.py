"""SOP-AP tables in Word (.docx), read with python-docx: the identity table, the step table (merged cells as python-docx
resolves them), and the flowchart shapes anchored in the Pelaksana cells (DrawingML, VML, text boxes) or marks typed
there ("mulai", "X", "✓")."""

from __future__ import annotations

from pathlib import Path

from lkj_xl.authoring.sop_import.table import (
    CONNECTOR,
    DIAMOND,
    RECT,
    TERMINAL,
    Cell,
    Row,
    clean,
    header_start,
    identity_from_grid,
    rows_from_grid,
)
from lkj_xl.core.errors import UnusableFileError

# DrawingML preset geometries and VML shape types -> shape kind
PRESETS = {
    "rect": RECT, "flowChartProcess": RECT, "flowChartPredefinedProcess": RECT, "flowChartDocument": RECT,
    "diamond": DIAMOND, "flowChartDecision": DIAMOND,
    "flowChartTerminator": TERMINAL, "roundRect": TERMINAL, "ellipse": TERMINAL, "flowChartAlternateProcess": TERMINAL,
    "flowChartOffpageConnector": CONNECTOR, "homePlate": CONNECTOR, "pentagon": CONNECTOR,
    "flowChartConnector": CONNECTOR,
}
VML_TYPES = {"109": RECT, "110": DIAMOND, "4": DIAMOND, "116": TERMINAL, "176": TERMINAL, "177": CONNECTOR,
             "120": CONNECTOR, "1": RECT, "2": TERMINAL, "3": TERMINAL}
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_V = "urn:schemas-microsoft-com:vml"


def shapes_in(element) -> list[str]:
    """Shape kinds anchored anywhere inside an XML element (a Word table cell), in document order."""
    found: list[str] = []
    for node in element.iter():
        tag = node.tag if isinstance(node.tag, str) else ""
        if any(isinstance(a.tag, str) and a.tag.endswith("}Fallback") for a in node.iterancestors()):
            continue  # mc:AlternateContent names its shape twice (DrawingML, then a VML fallback)
        if tag == f"{{{_A}}}prstGeom":
            kind = PRESETS.get(node.get("prst", ""))
            if kind:
                found.append(kind)
        elif tag in (f"{{{_V}}}rect",):
            found.append(RECT)
        elif tag in (f"{{{_V}}}roundrect", f"{{{_V}}}oval"):
            found.append(TERMINAL)
        elif tag == f"{{{_V}}}shape":
            kind = VML_TYPES.get((node.get("type") or "").rsplit("_t", 1)[-1])
            if kind:
                found.append(kind)
    return found


def _grid(table) -> list[list[Cell]]:
    grid: list[list[Cell]] = []
    previous: list = []
    for row in table.rows:
        cells = row.cells
        line = []
        for c, cell in enumerate(cells):
            up = c < len(previous) and previous[c]._tc is cell._tc
            left = c > 0 and cells[c - 1]._tc is cell._tc
            text = clean(cell.text)
            line.append(Cell(text, up, left, [] if (up or left) else shapes_in(cell._tc)))
        grid.append(line)
        previous = cells
    return grid


def read_docx(path: Path) -> tuple[dict, list[str], list[Row], list[str]]:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise UnusableFileError(f"Berkas \"{path.name}\" tidak dapat dibuka sebagai dokumen Word .docx "
                                f"(rusak atau terenkripsi: {type(exc).__name__}).") from exc
    warnings: list[str] = []
    identity = None
    grids = [_grid(t) for t in document.tables]
    step_tables = [(g, header_start(g)) for g in grids]
    for g, start in step_tables:
        if start is None and identity is None:
            identity = identity_from_grid([[c.text for c in row] for row in g])
    roles: list[str] = []
    rows: list[Row] = []
    for g, start in step_tables:
        if start is None:
            continue
        if identity is None or not any(identity.values()):
            above = identity_from_grid([[c.text for c in row] for row in g[:start]])
            if any(above.values()):
                identity = above
        table_roles, table_rows = rows_from_grid(g, start, warnings)
        roles.extend(r for r in table_roles if r not in roles)
        rows.extend(table_rows)
    if not rows:
        raise UnusableFileError(f"Berkas \"{path.name}\" tidak memuat tabel langkah SOP (kolom No, Uraian, "
                                f"Pelaksana, Mutu Baku).")
    return identity or {}, roles, rows, warnings
