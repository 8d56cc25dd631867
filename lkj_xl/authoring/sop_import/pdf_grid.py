"""The step table's ruling on a page of a signed SOP PDF: what is drawn in a visible colour (stroked lines,
rectangle and curve edges, thin filled bars), merged into rules; column borders are the long vertical rules (or, for a
border hidden under a pasted picture, a rule that still shows in the header band), row borders the horizontal rules
across the No column."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

TOL = 2.5


@dataclass
class Grid:
    xs: list[float]  # column borders, left to right
    ys: list[float]  # row borders (through the No column), top to bottom
    h_lines: list[tuple[float, float, float]]  # merged horizontal rules (y, x0, x1)
    left: float
    right: float
    top: float
    bottom: float


def _merge(segments: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Collinear segments (pos, a, b) that touch or overlap, merged."""
    out: list[list[float]] = []
    for pos, a, b in sorted(segments, key=lambda s: (round(s[0]), s[1])):
        for seg in out[-8:]:
            if abs(seg[0] - pos) <= 2.5 and a <= seg[2] + 3 and b >= seg[1] - 3:
                seg[1], seg[2] = min(seg[1], a), max(seg[2], b)
                break
        else:
            out.append([pos, a, b])
    return [tuple(s) for s in out]


def dark(color) -> bool:
    if color is None:
        return True  # the default colour is black
    if isinstance(color, (int, float)):
        color = (color,)
    try:
        values = [float(v) for v in color]
    except (TypeError, ValueError):
        return True  # a pattern: treat as visible
    if len(values) == 4:  # CMYK: white is no ink
        return any(v > 0.1 for v in values)
    return any(v < 0.9 for v in values)


def _visible_edges(page) -> list[dict]:
    """Edges of what is drawn: stroked lines, rectangles and curves in a visible colour, and thin filled bars (a
    rule drawn as a filled rectangle).  A white-filled text box has no visible edges."""
    from pdfplumber.utils import line_to_edge, rect_to_edges

    edges = []
    for line in page.lines:
        if dark(line.get("stroking_color")):
            edges.append(line_to_edge(line))
    for rect in page.rects:
        thin = rect["width"] < 2 or rect["height"] < 2
        if rect.get("stroke") and dark(rect.get("stroking_color")) or thin and rect.get("fill") and dark(rect.get("non_stroking_color")):
            edges.extend(rect_to_edges(rect))
    for curve in page.curves:
        if (curve.get("stroke") and dark(curve.get("stroking_color"))) or (
                curve.get("fill") and dark(curve.get("non_stroking_color")) and
                (curve["width"] < 2 or curve["height"] < 2)):
            edges.extend(curve_edges(curve))
    return [e for e in edges if e["orientation"] in ("h", "v")]


def curve_edges(curve) -> list[dict]:
    """Straight horizontal/vertical pieces of a curve's path (a table drawn as one closed path per cell; its
    corners may be off by a hair, which pdfplumber's own curve edges then miss)."""
    edges = []
    points = [tuple(op[1]) if op[0] in ("m", "l") else tuple(op[-1]) for op in curve.get("path") or []
              if op[0] in ("m", "l", "c")]
    closed = any(op[0] == "h" for op in curve.get("path") or [])
    if closed and points:
        points.append(points[0])
    for (x0, y0), (x1, y1) in pairwise(points):
        if abs(y1 - y0) < 0.5 and abs(x1 - x0) >= 0.5:
            edges.append({"orientation": "h", "x0": min(x0, x1), "x1": max(x0, x1), "top": y0, "bottom": y0})
        elif abs(x1 - x0) < 0.5 and abs(y1 - y0) >= 0.5:
            edges.append({"orientation": "v", "x0": x0, "x1": x0, "top": min(y0, y1), "bottom": max(y0, y1)})
    return edges


def page_grid(page) -> Grid | None:
    hs, vs = [], []
    for e in _visible_edges(page):
        if e["orientation"] == "h":
            hs.append((e["top"], e["x0"], e["x1"]))
        elif e["orientation"] == "v":
            vs.append((e["x0"], e["top"], e["bottom"]))
    hs, vs = _merge(hs), _merge(vs)
    if not hs:
        return None
    width = max(b - a for _, a, b in hs)
    if width < page.width * 0.4:
        return None
    long_h = [h for h in hs if h[2] - h[1] >= width * 0.9]
    left, right = min(h[1] for h in long_h), max(h[2] for h in long_h)
    # the table ends at the lowest full-width rule where column borders end (not a footer rule)
    ends = [h[0] for h in long_h if sum(1 for v in vs if abs(v[2] - h[0]) <= 3 and v[2] - v[1] > 5) >= 3]
    top, bottom = min(h[0] for h in long_h), max(ends or [h[0] for h in long_h])
    height = bottom - top
    if height < 20:
        return None
    band = top + min(0.25 * height, 80)

    def header_rule(x: float) -> bool:
        # a border hidden further down (under a pasted flowchart picture) still shows in the header band
        near = [v for v in vs if abs(v[0] - x) <= 1.2 and v[1] <= band]
        covered = sum(min(v[2], band) - max(v[1], top) for v in near if v[2] > top)
        return bool(near) and min(v[1] for v in near) <= top + 25 and covered >= 0.3 * (band - top)

    xs = sorted(v[0] for v in vs if left - TOL <= v[0] <= right + TOL and (
        (v[2] >= bottom - TOL and v[1] <= top + height * 0.5 + TOL) or header_rule(v[0])))
    cols: list[float] = []
    for x in xs:
        if not cols or x - cols[-1] > 3:
            cols.append(x)
    if len(cols) < 4:
        return None
    ys = sorted({round(y, 1) for y, a, b in hs if a <= cols[0] + TOL and b >= cols[1] - TOL
                 and top - TOL <= y <= bottom + TOL})
    rows: list[float] = []
    for y in ys:
        if not rows or y - rows[-1] > 3:
            rows.append(y)
    return Grid(cols, rows, hs, left, right, top, bottom)


def covered(grid: Grid, y: float, x0: float, x1: float) -> bool:
    """Whether a rule runs across the whole column at ``y`` (a text box's edge inside a cell does not)."""
    return any(abs(hy - y) <= TOL and a <= x0 + TOL and b >= x1 - TOL for hy, a, b in grid.h_lines)


def col_of(grid: Grid, x: float) -> int | None:
    for c in range(len(grid.xs) - 1):
        if grid.xs[c] - 0.5 <= x < grid.xs[c + 1] + 0.5:
            return c
    return None


def row_of(grid: Grid, y: float) -> int | None:
    for r in range(len(grid.ys) - 1):
        if grid.ys[r] <= y < grid.ys[r + 1]:
            return r
    return None
