"""Signed SOP-AP PDFs, read with pdfplumber: the identity block (page 1), the step table's text and cells, and the
flowchart shapes in the Pelaksana columns.  One idea over 500 lines: reading one kind of document.

The table grid comes from the page's visible ruling (lines, rectangle and curve edges): column borders are the long
vertical rules (or, hidden under a pasted picture, the gaps of the numbered row "(1) (2) ..."), row borders the
horizontal rules across the No column.  Shapes are the visible vector rectangles and closed curves in the Pelaksana
columns, each rasterised from its own path and classified by its silhouette (rectangle, diamond, rounded
rectangle/ellipse, pentagon), so it does not matter whether a producer drew it as a rectangle, a polygon, Bezier
curves or a filled ring; where a document pasted its flowchart as a picture, the page is rendered and the closed
outlines in the picture are classified the same way.  Decision branches: the label words near a diamond, followed
along the arrow's segments to the shape its arrowhead reaches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from lkj_xl.authoring.sop_import.table import (
    CONNECTOR,
    DIAMOND,
    KETERANGAN,
    MUTU,
    NO,
    OTHER,
    RECT,
    ROLE,
    TERMINAL,
    URAIAN,
    Mark,
    Row,
    classify_header,
    identity_from_grid,
    join_lines,
)
from lkj_xl.core.errors import UnusableFileError

SCALE = 2.0  # render pixels per PDF point for shape classification
TOL = 2.5


@dataclass
class _Grid:
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


def _dark(color) -> bool:
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
        if _dark(line.get("stroking_color")):
            edges.append(line_to_edge(line))
    for rect in page.rects:
        thin = rect["width"] < 2 or rect["height"] < 2
        if rect.get("stroke") and _dark(rect.get("stroking_color")) or thin and rect.get("fill") and _dark(rect.get("non_stroking_color")):
            edges.extend(rect_to_edges(rect))
    for curve in page.curves:
        if (curve.get("stroke") and _dark(curve.get("stroking_color"))) or (
                curve.get("fill") and _dark(curve.get("non_stroking_color")) and
                (curve["width"] < 2 or curve["height"] < 2)):
            edges.extend(_curve_edges(curve))
    return [e for e in edges if e["orientation"] in ("h", "v")]


def _curve_edges(curve) -> list[dict]:
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


def _grid(page) -> _Grid | None:
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
    return _Grid(cols, rows, hs, left, right, top, bottom)


def _covered(grid: _Grid, y: float, x0: float, x1: float) -> bool:
    """Whether a rule runs across the whole column at ``y`` (a text box's edge inside a cell does not)."""
    return any(abs(hy - y) <= TOL and a <= x0 + TOL and b >= x1 - TOL for hy, a, b in grid.h_lines)


def _col_of(grid: _Grid, x: float) -> int | None:
    for c in range(len(grid.xs) - 1):
        if grid.xs[c] - 0.5 <= x < grid.xs[c + 1] + 0.5:
            return c
    return None


def _row_of(grid: _Grid, y: float) -> int | None:
    for r in range(len(grid.ys) - 1):
        if grid.ys[r] <= y < grid.ys[r + 1]:
            return r
    return None


def _cell_text(words: list[dict]) -> str:
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= 2.5:
            lines[-1].append(w)
        else:
            lines.append([w])
    return join_lines([" ".join(w["text"] for w in sorted(line, key=lambda w: w["x0"])) for line in lines])


_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")


def _is_step_row(no: str, uraian: str) -> bool:
    return bool(re.fullmatch(r"\d{1,3}\.?", no.strip())) and bool(re.search(r"[A-Za-z]{2}", uraian))


# --- shapes ----------------------------------------------------------------------------------------------------------

def _spread_runs(out: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Along each row, every run of free pixels touching ``out`` becomes ``out`` (one vectorised pass)."""
    h, w = free.shape
    breaks = np.cumsum(~free, axis=1) + (np.arange(h) * (w + 1))[:, None]  # one id per run of free pixels
    hit = np.zeros(h * (w + 1) + 1, dtype=bool)
    hit[breaks[out]] = True
    return free & hit[breaks]


def _outside(ink: np.ndarray) -> np.ndarray:
    """Paper reachable from the crop's border without crossing ink (4-connected): whole runs spread along rows and
    columns alternately until nothing changes (a few passes, one per turn of the longest path).  The ink is
    thickened by one pixel first, so a thin outline rendered with gaps still closes."""
    thick = ink.copy()
    thick[1:, :] |= ink[:-1, :]
    thick[:-1, :] |= ink[1:, :]
    thick[:, 1:] |= ink[:, :-1]
    thick[:, :-1] |= ink[:, 1:]
    free = ~thick
    out = np.zeros_like(ink)
    out[0, :], out[-1, :], out[:, 0], out[:, -1] = free[0, :], free[-1, :], free[:, 0], free[:, -1]
    count = -1
    while count != int(out.sum()):
        count = int(out.sum())
        out = _spread_runs(out, free)
        out = _spread_runs(out.T, free.T).T
    return out


def _classify(mask: np.ndarray) -> str | None:
    """A filled shape mask (its bounding box, ~all of it for a rectangle) -> RECT, DIAMOND, TERMINAL, CONNECTOR."""
    h, w = mask.shape
    if h < 6 or w < 6:
        return None
    fill = mask.mean()
    if fill < 0.4:
        return None
    k = max(2, int(min(h, w) * 0.12))
    corners = [mask[:k, :k].mean(), mask[:k, -k:].mean(), mask[-k:, -k:].mean(), mask[-k:, :k].mean()]  # tl tr br bl
    full = [c >= 0.75 for c in corners]
    mid_row = mask[h // 2, :].mean()
    if sum(full) == 4 and fill >= 0.88:
        return RECT
    if sum(full) == 0:
        if fill <= 0.68 and mid_row >= 0.8:
            return DIAMOND
        if fill >= 0.68:
            return TERMINAL
        return None
    if sum(full) == 2 and (full[0] and full[1] or full[1] and full[2] or full[2] and full[3] or full[3] and full[0]):
        return CONNECTOR
    if sum(full) >= 3 and fill >= 0.85:
        return RECT
    return None


def _render(page) -> np.ndarray:
    image = page.to_image(resolution=72 * SCALE, antialias=False).original.convert("L")
    return np.asarray(image) < 200


def _ink_box(ink: np.ndarray, box: tuple[float, float, float, float], pad: float = 2.0):
    x0, t, x1, b = box
    px0, pt = max(0, int((x0 - pad) * SCALE)), max(0, int((t - pad) * SCALE))
    px1, pb = min(ink.shape[1], int((x1 + pad) * SCALE) + 1), min(ink.shape[0], int((b + pad) * SCALE) + 1)
    return ink[pt:pb, px0:px1], px0, pt


def _eroded(mask, times: int):
    """``mask`` with ``times`` pixels peeled off every edge (4-neighbourhood erosion)."""
    core = mask.copy()
    for _ in range(times):
        shrunk = core.copy()
        shrunk[1:, :] &= core[:-1, :]
        shrunk[:-1, :] &= core[1:, :]
        shrunk[:, 1:] &= core[:, :-1]
        shrunk[:, :-1] &= core[:, 1:]
        core = shrunk
    return core


def _label(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (row0, col0, row1, col1) of the 4-connected components of ``mask``."""
    boxes = []
    remaining = mask.copy()
    while remaining.any():
        r, c = np.argwhere(remaining)[0]
        comp = np.zeros_like(remaining)
        comp[r, c] = True
        count = -1
        while count != int(comp.sum()):
            count = int(comp.sum())
            comp = _spread_runs(comp, remaining)
            comp = _spread_runs(comp.T, remaining.T).T
        remaining &= ~comp
        ys, xs = np.nonzero(comp)
        boxes.append((ys.min(), xs.min(), ys.max(), xs.max()))
    return boxes


def _picture_shapes(ink: np.ndarray, box) -> list[tuple[tuple[float, float, float, float], str]]:
    """Closed outlines inside a pasted flowchart picture: the paper they enclose, classified."""
    crop, px0, pt = _ink_box(ink, box, pad=0)
    if crop.size == 0:
        return []
    enclosed = ~_outside(crop) & ~crop
    # letters' holes ("o", "e") are enclosed paper too: erode them away before labelling, grow the boxes back after
    erode = 3
    core = _eroded(enclosed, erode)
    found = []
    for r0, c0, r1, c1 in _label(core):
        r0, c0, r1, c1 = max(0, r0 - erode), max(0, c0 - erode), r1 + erode, c1 + erode
        if (r1 - r0) / SCALE < 6 or (c1 - c0) / SCALE < 8:
            continue
        pad = 2
        sub = ~_outside(crop[max(0, r0 - pad): r1 + pad + 1, max(0, c0 - pad): c1 + pad + 1])
        ys, xs = np.nonzero(sub)
        kind = _classify(sub[ys.min(): ys.max() + 1, xs.min(): xs.max() + 1])
        if kind:
            found.append((((c0 + px0) / SCALE, (r0 + pt) / SCALE, (c1 + px0) / SCALE, (r1 + pt) / SCALE), kind))
    return found


def _iou(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / area if area else 0.0


def _contains(a, b, tol: float = 1.0) -> bool:
    return a[0] - tol <= b[0] and a[1] - tol <= b[1] and a[2] + tol >= b[2] and a[3] + tol >= b[3]


def _polygon(obj) -> list[tuple[float, float]]:
    """A rect or curve as a polygon in page points (top-based), Bezier segments flattened."""
    if obj["object_type"] == "rect":
        return [(obj["x0"], obj["top"]), (obj["x1"], obj["top"]), (obj["x1"], obj["bottom"]), (obj["x0"], obj["bottom"])]
    points: list[tuple[float, float]] = []
    for op in obj.get("path") or []:
        if op[0] in ("m", "l"):
            points.append(tuple(op[1]))
        elif op[0] == "c" and points:
            (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points[-1], op[1], op[2], op[3]
            for i in range(1, 9):
                t = i / 8
                a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3
                points.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return points or [tuple(p) for p in obj.get("pts") or []]


def _visible(obj) -> bool:
    return bool((obj.get("stroke") and _dark(obj.get("stroking_color")))
                or (obj.get("fill") and _dark(obj.get("non_stroking_color"))))


def _vector_kind(obj) -> str | None:
    """The shape a visible closed rect/curve draws: its own outline rasterised (so neighbouring arrows and the
    table's rules cannot change it), then classified like a picture's shape."""
    from PIL import Image, ImageDraw

    if obj["object_type"] == "rect":
        return RECT
    poly = _polygon(obj)
    if len(poly) < 3:
        return None
    x0, t = obj["x0"] - 1, obj["top"] - 1
    w, h = int((obj["x1"] - x0 + 1) * 3) + 1, int((obj["bottom"] - t + 1) * 3) + 1
    image = Image.new("1", (w, h), 0)
    ImageDraw.Draw(image).polygon([((x - x0) * 3, (y - t) * 3) for x, y in poly], fill=1, outline=1)
    # an outline drawn as a filled ring (outer and inner path) encloses its shape: fill the hole
    solid = ~_outside(np.asarray(image, dtype=bool))
    # one path may hold a box and the arrow leaving it: thin parts eroded away, the largest body is the shape
    erode = 4
    core = _eroded(solid, erode)
    bodies = _label(core)
    if not bodies:
        return None
    r0, c0, r1, c1 = max(bodies, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    solid = solid[max(0, r0 - erode): r1 + erode + 1, max(0, c0 - erode): c1 + erode + 1]
    ys, xs = np.nonzero(solid)
    if len(ys) == 0:
        return None
    return _classify(solid[ys.min(): ys.max() + 1, xs.min(): xs.max() + 1])


def _page_shapes(page, grid: _Grid, role_cols: list[int], body_top: float) -> list[tuple[tuple, str]]:
    bx0, bx1 = grid.xs[role_cols[0]], grid.xs[role_cols[-1] + 1]
    cell_h = max((b - a for a, b in pairwise(grid.ys)), default=0)

    def on_rule(v: float, rules: list[float]) -> bool:
        return any(abs(v - r) <= TOL for r in rules)

    candidates = []
    for obj in list(page.rects) + list(page.curves):
        box = (obj["x0"], obj["top"], obj["x1"], obj["bottom"])
        w, h = box[2] - box[0], box[3] - box[1]
        if w < 7 or h < 6 or box[0] < bx0 - 1 or box[2] > bx1 + 1 or box[1] < body_top - 1 or box[3] > grid.bottom + 1:
            continue
        if w >= (bx1 - bx0) * 0.95 or h >= cell_h or not _visible(obj):
            continue
        if on_rule(box[0], grid.xs) and on_rule(box[2], grid.xs) and on_rule(box[1], grid.ys) and on_rule(box[3], grid.ys):
            continue  # a cell's own background
        c, r = _col_of(grid, (box[0] + box[2]) / 2), _row_of(grid, (box[1] + box[3]) / 2)
        if c is not None and r is not None and w >= 0.9 * (grid.xs[c + 1] - grid.xs[c]) \
                and h >= 0.8 * (grid.ys[r + 1] - grid.ys[r]):
            continue  # a cell drawn as its own closed path
        candidates.append((box, obj))
    shapes: list[tuple[tuple, str]] = []
    for box, obj in sorted(candidates, key=lambda c: -(c[0][2] - c[0][0]) * (c[0][3] - c[0][1])):
        if any(_iou(box, s[0]) > 0.6 for s in shapes):
            continue
        kind = _vector_kind(obj)
        if kind == CONNECTOR and (max(box[2] - box[0], box[3] - box[1]) > 30):
            kind = None  # an off-page connector is a small mark; this is an arrow's closed path
        if kind:
            shapes.append((box, kind))
    pictures = [(im["x0"], im["top"], im["x1"], im["bottom"]) for im in page.images]
    pictures = [b for b in pictures if b[2] - b[0] >= 20 and b[3] - b[1] >= 20 and b[0] >= bx0 - 1
                and b[2] <= bx1 + 1 and b[3] > body_top]
    if pictures:
        ink = _render(page)
        for x in grid.xs:  # in a picture, the table's own rules are not part of any shape
            ink[:, max(0, int((x - 1.2) * SCALE)): int((x + 1.2) * SCALE) + 1] = False
        for y in grid.ys:
            ink[max(0, int((y - 1.2) * SCALE)): int((y + 1.2) * SCALE) + 1, :] = False
        narrowest = min(grid.xs[c + 1] - grid.xs[c] for c in role_cols)
        for box in pictures:
            shapes.extend(s for s in _picture_shapes(ink, box) if s[0][2] - s[0][0] < 0.8 * narrowest
                          and not any(_iou(s[0], o[0]) > 0.6 for o in shapes))
    # a frame drawn around other shapes (a dotted group) is not a shape of its own
    return [s for s in shapes if not any(o is not s and _contains(s[0], o[0]) for o in shapes)]


# --- decision branches -----------------------------------------------------------------------------------------------

def _segments(page, grid: _Grid, shapes) -> list[tuple[float, float, float, float]]:
    segs = []
    for e in page.edges:  # arrows may be drawn in any way, even as thin filled polygons
        x0, t, x1, b = e["x0"], e["top"], e["x1"], e["bottom"]
        if e["orientation"] == "v" and any(abs(x0 - x) <= 1 for x in grid.xs) and b - t > 20:
            continue
        if e["orientation"] == "h" and any(abs(t - y) <= 1 for y in grid.ys) and x1 - x0 > 20:
            continue
        if any(_contains((s[0][0] - 0.5, s[0][1] - 0.5, s[0][2] + 0.5, s[0][3] + 0.5), (x0, t, x1, b), 0.5)
               and not _contains((x0, t, x1, b), s[0]) for s in shapes):
            continue
        segs.append((x0, t, x1, b))
    return segs


def _near(seg, point, tol) -> bool:
    x0, t, x1, b = seg
    return x0 - tol <= point[0] <= x1 + tol and t - tol <= point[1] <= b + tol


def _ends(seg):
    x0, t, x1, b = seg
    return ((x0, t), (x1, b))


def _follow(segs, start: int, source_box, shapes, heads) -> tuple | None:
    """Breadth-first along touching segments from ``start``: the first shape (not the decision) an end reaches with
    an arrowhead there (where the page draws arrowheads), so a line merely leaving another shape is no target."""
    seen = {start}
    queue = [start]
    while queue:
        nxt = []
        for i in queue:
            for end in _ends(segs[i]):
                for box, _kind in shapes:
                    if box == source_box:
                        continue
                    if box[0] - 4 <= end[0] <= box[2] + 4 and box[1] - 4 <= end[1] <= box[3] + 4 and (
                            not heads or any(abs(hx - end[0]) <= 7 and abs(hy - end[1]) <= 7 for hx, hy in heads)):
                        return box
                if source_box[0] - 3 <= end[0] <= source_box[2] + 3 and source_box[1] - 3 <= end[1] <= source_box[3] + 3:
                    continue
                for j, other in enumerate(segs):
                    if j not in seen and _near(other, end, 2.5):
                        seen.add(j)
                        nxt.append(j)
        queue = nxt
    return None


# --- reading ---------------------------------------------------------------------------------------------------------

def _open(path: Path):
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(path)
        _ = pdf.pages  # parses the page tree
    except PDFPasswordIncorrect as exc:
        raise UnusableFileError(f"Berkas \"{path.name}\" terenkripsi (berkata sandi); buka kuncinya dahulu lalu "
                                f"impor lagi.") from exc
    except Exception as exc:
        name = type(exc).__name__
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc  # pdfplumber wraps pdfminer
        if isinstance(cause, PDFPasswordIncorrect) or "encrypt" in type(cause).__name__.lower():
            raise UnusableFileError(f"Berkas \"{path.name}\" terenkripsi; buka kuncinya dahulu lalu impor lagi.") \
                from exc
        raise UnusableFileError(f"Berkas \"{path.name}\" tidak dapat dibaca sebagai PDF ({name}).") from exc
    return pdf


def read_pdf(path: Path) -> tuple[dict, list[str], list[Row], list[str]]:
    warnings: list[str] = []
    pdf = _open(path)
    try:
        try:
            pages = list(pdf.pages)
            has_text = any(page.chars for page in pages)
        except Exception as exc:
            raise UnusableFileError(f"Berkas \"{path.name}\" rusak dan tidak dapat dibaca sebagai PDF "
                                    f"({type(exc).__name__}).") from exc
        if not has_text:
            raise UnusableFileError(f"Berkas \"{path.name}\" tidak memiliki lapisan teks (hasil pindai?); "
                                    f"impor memerlukan PDF dengan teks, atau Word/Excel aslinya.")
        identity = None
        columns: list[tuple[str, str]] | None = None  # (kind, header text) per grid column
        col_xs: list[float] | None = None
        rows: list[Row] = []
        all_roles: list[str] = []
        for page in pages:
            words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
            texts = {w["text"].lower().strip(":") for w in words}
            header_word = "pelaksana" in texts and bool(texts & {"mutu", "waktu"})
            if not header_word and columns is None:
                if identity is None:
                    identity = identity_from_grid(page.extract_table() or [])
                continue
            grid = _grid(page)
            if grid is None:
                continue
            cells, text = _cells(grid, words)
            ncols = len(grid.xs) - 1
            first_body = 0
            if header_word:
                while first_body < len(grid.ys) - 1 and not _is_step_row(
                        text.get((first_body, 0), ""), " ".join(text.get((first_body, c), "") for c in (0, 1, 2))):
                    first_body += 1
                if _split_by_numbering(grid, cells, first_body):
                    cells, text = _cells(grid, words)
                    ncols = len(grid.xs) - 1
                columns = _columns(grid, cells, first_body, ncols)
                all_roles.extend(name for kind, name in columns if kind == ROLE and name not in all_roles)
                col_xs = grid.xs
            elif col_xs is None or len(grid.xs) != len(col_xs):
                warnings.append(f"Halaman {page.page_number}: tabel tidak sejajar dengan tabel langkah sebelumnya; "
                                f"halaman ini dilewati.")
                continue
            if identity is None:
                identity = identity_from_grid(pages[0].extract_table() or []) if page is not pages[0] else {}
            kinds = [k for k, _ in columns]
            role_cols = [c for c, k in enumerate(kinds) if k == ROLE]
            if not role_cols:
                continue
            body_top = grid.ys[first_body]
            shapes = _page_shapes(page, grid, role_cols, body_top)
            page_rows: list[Row] = []
            row_index: dict[int, int] = {}
            for r in range(first_body, len(grid.ys) - 1):
                no = text.get((r, 0), "") if kinds[0] == NO else ""
                m = re.fullmatch(r"(\d{1,3})\.?", no.strip())
                row = Row(int(m.group(1)) if m else None)
                for c, kind in enumerate(kinds):
                    if kind in (URAIAN, KETERANGAN) + MUTU and text.get((r, c)):
                        row.cells[kind] = (row.cells.get(kind, "") + "\n" + text[(r, c)]).strip()
                    if kind == "waktu" and r > first_body:
                        row.waktu_merged_up = not _covered(grid, grid.ys[r], grid.xs[c], grid.xs[c + 1])
                        row.waktu_border_seen = not row.waktu_merged_up
                if row.number is None and not row.cells and not any(
                        grid.ys[r] <= (s[0][1] + s[0][3]) / 2 < grid.ys[r + 1] for s in shapes):
                    continue
                row_index[r] = len(rows) + len(page_rows)
                page_rows.append(row)
            for box, kind in shapes:
                r = _row_of(grid, (box[1] + box[3]) / 2)
                if r not in row_index:
                    continue
                roles = tuple(columns[c][1] for c in role_cols
                              if min(box[2], grid.xs[c + 1]) - max(box[0], grid.xs[c]) >=
                              min(0.25 * (grid.xs[c + 1] - grid.xs[c]), 0.5 * (box[2] - box[0])))
                if roles:
                    page_rows[row_index[r] - len(rows)].marks.append(Mark(roles, kind, box[1], box[0]))
            _branches(page, grid, words, shapes, role_cols, body_top, row_index, page_rows, len(rows))
            rows.extend(page_rows)
        if columns is None or not rows:
            raise UnusableFileError(f"Berkas \"{path.name}\" tidak memuat tabel langkah SOP (kolom No, Uraian, "
                                    f"Pelaksana, Mutu Baku) yang dapat dibaca.")
        return identity or {}, all_roles, rows, warnings
    finally:
        pdf.close()


def _cells(grid: _Grid, words: list[dict]):
    cells: dict[tuple[int, int], list[dict]] = {}
    for w in words:
        c, r = _col_of(grid, (w["x0"] + w["x1"]) / 2), _row_of(grid, (w["top"] + w["bottom"]) / 2)
        if c is not None and r is not None:
            cells.setdefault((r, c), []).append(w)
    return cells, {key: _cell_text(ws) for key, ws in cells.items()}


def _split_by_numbering(grid: _Grid, cells, first_body: int) -> bool:
    """The numbered row "(1) (2) ..." under the header numbers every column: a column holding two numbers hides a
    border (drawn inside a pasted picture, say); add it midway between the numbers."""
    if first_body == 0:
        return False
    r = first_body - 1
    row = {c: ws for (rr, c), ws in cells.items() if rr == r}
    if not row or not all(_NUMBERING.match(w["text"]) for ws in row.values() for w in ws):
        return False
    added = []
    for ws in row.values():
        ws = sorted(ws, key=lambda w: w["x0"])
        for a, b in pairwise(ws):
            added.append((a["x1"] + b["x0"]) / 2)
    if not added:
        return False
    grid.xs = sorted(grid.xs + added)
    return True


def _columns(grid: _Grid, cells, first_body: int, ncols: int) -> list[tuple[str, str]]:
    """Column kinds and names from the header: each column's lowest non-empty header cell (a sub-header under
    "Pelaksana"/"Mutu Baku" where there is one), the numbering row "(1) (2) ..." left out."""
    top, bottom = grid.top, grid.ys[first_body]
    names = []
    for c in range(ncols):
        x0, x1 = grid.xs[c], grid.xs[c + 1]
        bounds = sorted({round(y, 1) for y, a, b in grid.h_lines
                         if a <= x0 + TOL and b >= x1 - TOL and top - TOL <= y <= bottom + TOL})
        words = [w for (r, cc), ws in cells.items() if cc == c and r < first_body for w in ws]
        words = [w for w in words if not _NUMBERING.match(w["text"])]
        name = ""
        for lo, hi in reversed(list(pairwise(bounds))):
            inside = [w for w in words if lo <= (w["top"] + w["bottom"]) / 2 < hi]
            if inside:
                name = re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", " ".join(_cell_text(inside).split())))
                break
        names.append(name)
    kinds = [classify_header(n) if n else OTHER for n in names]
    if kinds[0] == OTHER and URAIAN in kinds[1:3]:
        kinds[0] = NO
    if URAIAN not in kinds:
        return list(zip(kinds, names))
    start = kinds.index(URAIAN)
    mutu = [c for c in range(start + 1, ncols) if kinds[c] in MUTU + (KETERANGAN,)]
    end = mutu[0] if mutu else ncols
    for c in range(ncols):
        if kinds[c] == ROLE and not start < c < end:
            kinds[c] = OTHER
        if start < c < end and kinds[c] != ROLE:
            kinds[c] = ROLE if names[c] else OTHER
    return list(zip(kinds, names))


def _branches(page, grid, words, shapes, role_cols, body_top, row_index, page_rows, offset) -> None:
    bx0, bx1 = grid.xs[role_cols[0]], grid.xs[role_cols[-1] + 1]
    labels = [w for w in words if bx0 <= w["x0"] and w["x1"] <= bx1 and w["top"] >= body_top
              and not any(_contains((s[0][0] - 1, s[0][1] - 1, s[0][2] + 1, s[0][3] + 1),
                                    (w["x0"], w["top"], w["x1"], w["bottom"])) for s in shapes)]
    # words of one label ("Tidak butuh perbaikan") are one label
    groups: list[list[dict]] = []
    for w in sorted(labels, key=lambda w: (round(w["top"]), w["x0"])):
        if groups and abs(groups[-1][-1]["top"] - w["top"]) <= 2 and w["x0"] - groups[-1][-1]["x1"] <= 5:
            groups[-1].append(w)
        else:
            groups.append([w])
    diamonds = [s for s in shapes if s[1] == DIAMOND]
    if not diamonds or not groups:
        return
    segs = _segments(page, grid, shapes)
    heads = [((o["x0"] + o["x1"]) / 2, (o["top"] + o["bottom"]) / 2) for o in list(page.curves) + list(page.rects)
             if 1.5 <= o["x1"] - o["x0"] <= 9 and 1.5 <= o["bottom"] - o["top"] <= 9 and o.get("fill")
             and _dark(o.get("non_stroking_color"))]
    by_diamond: dict[tuple, list] = {}
    for group in groups:
        lb = (group[0]["x0"], min(w["top"] for w in group), group[-1]["x1"], max(w["bottom"] for w in group))
        centre = ((lb[0] + lb[2]) / 2, (lb[1] + lb[3]) / 2)

        def dist(box, centre=centre):
            dx = max(box[0] - centre[0], 0, centre[0] - box[2])
            dy = max(box[1] - centre[1], 0, centre[1] - box[3])
            return (dx * dx + dy * dy) ** 0.5

        diamond = min(diamonds, key=lambda s: dist(s[0]))
        if dist(diamond[0]) > 80:
            continue
        text = re.sub(r"\s*-+\s*$|^\s*-+\s*", "", " ".join(w["text"] for w in group)).strip("-– ")
        near = [i for i, s in enumerate(segs) if s[0] - 6 <= lb[2] and s[2] + 6 >= lb[0] and s[1] - 6 <= lb[3]
                and s[3] + 6 >= lb[1]]
        target = None
        for i in sorted(near, key=lambda i: _seg_dist(segs[i], centre)):
            target = _follow(segs, i, diamond[0], shapes, heads)
            if target is not None:
                break
        by_diamond.setdefault(diamond[0], []).append((text, target))
    for box, found in by_diamond.items():
        r = _row_of(grid, (box[1] + box[3]) / 2)
        if r not in row_index:
            continue
        row = page_rows[row_index[r] - offset]
        for text, target in found:
            tr = _row_of(grid, (target[1] + target[3]) / 2) if target else None
            row.branches.append((text, row_index.get(tr) if tr is not None else None))


def _seg_dist(seg, p) -> float:
    dx = max(seg[0] - p[0], 0, p[0] - seg[2])
    dy = max(seg[1] - p[1], 0, p[1] - seg[3])
    return (dx * dx + dy * dy) ** 0.5
