"""The flowchart shapes in the Pelaksana columns of a signed SOP PDF.  Shapes are the visible vector rectangles and
closed curves, each rasterised from its own path and classified by its silhouette (rectangle, diamond, rounded
rectangle/ellipse, pentagon), so it does not matter whether a producer drew it as a rectangle, a polygon, Bezier
curves or a filled ring; where a document pasted its flowchart as a picture, the page is rendered and the closed
outlines in the picture are classified the same way."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from lkj_xl.authoring.sop_import.pdf_grid import TOL, Grid, col_of, dark, row_of
from lkj_xl.authoring.sop_import.table import CONNECTOR, DIAMOND, RECT, TERMINAL

SCALE = 2.0  # render pixels per PDF point for shape classification


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
    return flood(out, free)


def flood(seed: np.ndarray, free: np.ndarray) -> np.ndarray:
    """The pixels of ``free`` 4-connected to ``seed``: whole runs spread along rows and columns alternately until
    nothing changes (a few passes, one per turn of the longest path)."""
    out = seed & free
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
        comp = flood(comp, remaining)
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


def contains(a, b, tol: float = 1.0) -> bool:
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
    return bool((obj.get("stroke") and dark(obj.get("stroking_color")))
                or (obj.get("fill") and dark(obj.get("non_stroking_color"))))


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


@dataclass
class Flowchart:
    """The flowchart of one page: its shapes (box, kind), the pasted pictures it sits in, and where there are
    pictures the rendered page (ink, ``SCALE`` pixels per point) with the table's rules erased."""
    shapes: list[tuple[tuple, str]]
    pictures: list[tuple[float, float, float, float]] = field(default_factory=list)
    ink: np.ndarray | None = None


def page_shapes(page, grid: Grid, role_cols: list[int], body_top: float) -> Flowchart:
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
        c, r = col_of(grid, (box[0] + box[2]) / 2), row_of(grid, (box[1] + box[3]) / 2)
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
    ink = None
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
    shapes = [s for s in shapes if not any(o is not s and contains(s[0], o[0]) for o in shapes)]
    return Flowchart(shapes, pictures, ink)
