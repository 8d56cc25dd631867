"""Decision branches in the flowchart of a signed SOP PDF: where each labelled arrow leaving a diamond leads.

Each connector leaving a diamond is traced from where it touches the diamond to the shape its arrowhead enters:
- drawn as vectors (lines, thin filled bars or polygons, the straight pieces of curves), along the horizontal and
  vertical pieces that join end to end or end to side (a gap of a point or two is still a join; a line crossing
  another is not).  A line ending on the connector's side is followed too: a line merging in leaves its own shape
  without an arrowhead, a fork enters a second shape.  A connector that stops a few points short of the diamond
  counts where its label is written on it;
- in a pasted picture, along the ink of the rendered page (the table's rules erased and bridged where a line crosses
  them, the label words and the shapes as drawn cut out), each connector being the ink touching the diamond.
An end whose arrowhead (a small filled mark, or in a picture a widening just outside the shape) points into the
diamond is an arrow coming in, not a branch.  A branch's target is the one shape its arrowheads enter; none, or
more than one (a fork, lines the picture cannot tell apart), leaves the target unknown and the importer warns; it
never guesses.  Each label (the words near the diamond; a label over two lines is one) names the connector nearest
to it, and names none when two are about as near.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from lkj_xl.authoring.sop_import.pdf_grid import TOL, Grid, curve_edges, dark, row_of
from lkj_xl.authoring.sop_import.pdf_shapes import SCALE, Flowchart, contains, flood
from lkj_xl.authoring.sop_import.table import DIAMOND

GAP = 2.0  # pieces of one connector drawn this far apart still join
TOUCH = 3.0  # a connector's end this close to a shape's box touches it
LABELLED_GAP = 8.0  # a connector with its label written on it may stop this short of the diamond
REACH = 10.0  # an arrowhead's tip may stop this short of the shape it points into
LABEL_REACH = 80.0  # a label belongs to the nearest diamond this close
LABEL_TO_PATH = 25.0  # and names the connector of that diamond nearest to it, this close
DIAMOND_OUTLINE = 2.0  # in a picture, a diamond's drawn vertices reach this far past the paper it encloses
HEAD_WIDTH = 3.5  # in a picture, ink this wide across a line just outside a shape is an arrowhead


@dataclass
class _Path:
    """One connector leaving a diamond: where it runs near the diamond (boxes, for the labels) and its target."""
    near: list[tuple[float, float, float, float]]
    target: tuple | None


def _box_dist(a, b) -> float:
    dx = max(a[0] - b[2], 0.0, b[0] - a[2])
    dy = max(a[1] - b[3], 0.0, b[1] - a[3])
    return (dx * dx + dy * dy) ** 0.5


def _point_dist(p, box) -> float:
    return _box_dist((p[0], p[1], p[0], p[1]), box)


def _grow(box, d: float):
    return (box[0] - d, box[1] - d, box[2] + d, box[3] + d)


# --- labels ----------------------------------------------------------------------------------------------------------

def _labels(words, flow: Flowchart, area) -> list[tuple[str, tuple]]:
    """The words in the flowchart area outside every shape, as labels (text, box): the words of one line next to each
    other are one label, and a line right under a label starting where it starts continues it."""
    x0, top, x1, bottom = area
    loose = [w for w in words if x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= w["top"] and w["bottom"] <= bottom
             and not any(contains(_grow(s[0], 1), (w["x0"], w["top"], w["x1"], w["bottom"])) for s in flow.shapes)]
    lines: list[list[dict]] = []
    for w in sorted(loose, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][-1]["top"] - w["top"]) <= 2 and w["x0"] - lines[-1][-1]["x1"] <= 5:
            lines[-1].append(w)
        else:
            lines.append([w])
    labels: list[list[list[dict]]] = []
    for line in lines:
        for label in labels:
            last = label[-1]
            height = last[0]["bottom"] - last[0]["top"]
            if 0 <= line[0]["top"] - last[0]["bottom"] <= 0.5 * height and abs(line[0]["x0"] - last[0]["x0"]) <= 3:
                label.append(line)
                break
        else:
            labels.append([line])
    out = []
    for label in labels:
        ws = [w for line in label for w in line]
        text = " ".join(" ".join(w["text"] for w in line) for line in label)
        text = re.sub(r"\s*-+\s*$|^\s*-+\s*", "", text).strip("-– ")
        box = (min(w["x0"] for w in ws), min(w["top"] for w in ws), max(w["x1"] for w in ws),
               max(w["bottom"] for w in ws))
        if text:
            out.append((text, box))
    return out


# --- vector connectors -----------------------------------------------------------------------------------------------

def _heads(page) -> list[tuple[float, float, float, float]]:
    """Arrowheads: small filled marks, small stroked marks (an open "V" drawn as one path), and two short slanted
    lines meeting at a point (a "V" drawn as two lines)."""
    def small(o) -> bool:
        return 1.5 <= o["x1"] - o["x0"] <= 9 and 1.5 <= o["bottom"] - o["top"] <= 9

    heads = [(o["x0"], o["top"], o["x1"], o["bottom"]) for o in list(page.curves) + list(page.rects)
             if small(o) and (o.get("fill") and dark(o.get("non_stroking_color"))
                              or o["object_type"] == "curve" and o.get("stroke") and dark(o.get("stroking_color")))]
    slanted = [o for o in page.lines if o["x1"] - o["x0"] >= 1 and o["bottom"] - o["top"] >= 1
               and max(o["x1"] - o["x0"], o["bottom"] - o["top"]) <= 9 and dark(o.get("stroking_color"))]
    for i, a in enumerate(slanted):
        for b in slanted[i + 1:]:
            if any(abs(p[0] - q[0]) <= 0.5 and abs(p[1] - q[1]) <= 0.5 for p in a["pts"] for q in b["pts"]):
                heads.append((min(a["x0"], b["x0"]), min(a["top"], b["top"]), max(a["x1"], b["x1"]),
                              max(a["bottom"], b["bottom"])))
    return heads


def _segments(page, grid: Grid, flow: Flowchart, heads, area) -> np.ndarray:
    """The visible horizontal and vertical pieces (x0, top, x1, bottom) that may belong to a connector: not the
    table's rules, not a shape's own outline, not an arrowhead."""
    from pdfplumber.utils import line_to_edge, rect_to_edges

    head_set = {tuple(round(v, 2) for v in h) for h in heads}
    edges = []
    for obj in list(page.lines) + list(page.rects) + list(page.curves):
        kind = obj["object_type"]
        if tuple(round(obj[k], 2) for k in ("x0", "top", "x1", "bottom")) in head_set:
            continue
        if not ((kind == "line" or obj.get("stroke")) and dark(obj.get("stroking_color"))
                or kind != "line" and obj.get("fill") and dark(obj.get("non_stroking_color"))):
            continue
        if _box_dist((obj["x0"], obj["top"], obj["x1"], obj["bottom"]), area) > 0:
            continue
        edges.extend([line_to_edge(obj)] if kind == "line" else rect_to_edges(obj) if kind == "rect" else
                     curve_edges(obj))
    cells = [(y, a, b) for y, a, b in grid.h_lines if any(abs(a - x) <= TOL for x in grid.xs)
             and any(abs(b - x) <= TOL for x in grid.xs)]
    out = []
    for e in edges:
        box = (e["x0"], e["top"], e["x1"], e["bottom"])
        if e["orientation"] == "v":
            if box[3] - box[1] < 1 or any(abs(box[0] - x) <= TOL for x in grid.xs):
                continue
        elif e["orientation"] == "h":
            if box[2] - box[0] < 1 or any(abs(box[1] - y) <= TOL for y in grid.ys) or any(
                    abs(box[1] - y) <= TOL and a - 1 <= box[0] and box[2] <= b + 1 for y, a, b in cells):
                continue
        else:
            continue
        if any(contains(_grow(s[0], 1), box, 0) for s in flow.shapes):
            continue
        out.append(box)
    return np.array(out, dtype=float).reshape(-1, 4)


def _dists(segs: np.ndarray, p) -> np.ndarray:
    dx = np.maximum(np.maximum(segs[:, 0] - p[0], p[0] - segs[:, 2]), 0)
    dy = np.maximum(np.maximum(segs[:, 1] - p[1], p[1] - segs[:, 3]), 0)
    return np.hypot(dx, dy)


def _dists_to(points: np.ndarray, seg) -> np.ndarray:
    dx = np.maximum(np.maximum(seg[0] - points[:, 0], points[:, 0] - seg[2]), 0)
    dy = np.maximum(np.maximum(seg[1] - points[:, 1], points[:, 1] - seg[3]), 0)
    return np.hypot(dx, dy)


def _ends(seg):
    """Both ends of a segment, each with the direction the line runs out through it."""
    x0, t, x1, b = seg
    if x1 - x0 >= b - t:
        return [((x0, t), (-1, 0)), ((x1, b), (1, 0))]
    return [((x0, t), (0, -1)), ((x1, b), (0, 1))]


def _head_at(end, direction, heads):
    """The tip of an arrowhead at ``end`` pointing along ``direction`` (None where the line just ends)."""
    (x, y), (dx, dy) = end, direction
    for h in heads:
        if _point_dist((x, y), h) > GAP:
            continue
        # a filled head's tip lies beyond the line's end; an open "V" has its tip at the end
        if dx:
            tip = h[2] if dx > 0 else h[0]
            if h[1] - 1 <= y <= h[3] + 1 and (tip - x) * dx >= -1:
                return tip, y
        else:
            tip = h[3] if dy > 0 else h[1]
            if h[0] - 1 <= x <= h[2] + 1 and (tip - y) * dy >= -1:
                return x, tip
    return None


def _entered(end, direction, tip, shapes, source):
    """The shape an arrow ending at ``end`` (tip at ``tip``) enters: the nearest one ahead of it, in line."""
    (x, y), (dx, dy) = end, direction
    best = None
    for box, _kind in shapes:
        if box == source:
            continue
        if contains(_grow(box, TOUCH), (x, y, x, y), 0):
            return box
        if dx:
            ahead = ((box[0] - tip[0]) if dx > 0 else (tip[0] - box[2]))
            inline = box[1] - 3 <= y <= box[3] + 3
        else:
            ahead = ((box[1] - tip[1]) if dy > 0 else (tip[1] - box[3]))
            inline = box[0] - 3 <= x <= box[2] + 3
        if inline and -TOUCH <= ahead <= REACH and (best is None or ahead < best[0]):
            best = (ahead, box)
    return best[1] if best else None


def _trace(segs, start: int, source, shapes, heads) -> _Path:
    """Everything joined to segment ``start`` away from the diamond ``source``, and the shapes its arrowheads enter.
    A join is an end touching another piece (its end or its side); a line crossing another is no join, and a line
    stops where it touches a shape."""
    seen = {start}
    queue = [start]
    targets = set()
    while queue and len(seen) < 400:
        i = queue.pop()
        # a line ending on this one's side: a line merging in (its far end leaves a shape) or a fork (its far end
        # enters one, a second target); which, its own ends tell
        starts, stops = segs[:, :2], segs[:, 2:]
        for j in np.nonzero(np.minimum(_dists_to(starts, segs[i]), _dists_to(stops, segs[i])) <= GAP)[0]:
            if int(j) not in seen:
                seen.add(int(j))
                queue.append(int(j))
        for end, direction in _ends(segs[i]):
            if _point_dist(end, _grow(source, TOUCH)) == 0:
                continue
            if heads:
                tip = _head_at(end, direction, heads)
                if tip is not None:
                    targets.add(_entered(end, direction, tip, shapes, source))
                    continue
            elif any(box != source and contains(_grow(box, TOUCH), (*end, *end), 0) for box, _ in shapes):
                targets.add(_entered(end, direction, end, shapes, source))
                continue
            if any(contains(_grow(box, 1), (*end, *end), 0) for box, _ in shapes):
                continue  # a line touching a shape without an arrowhead leaves it: not this connector's way on
            for j in np.nonzero(_dists(segs, end) <= GAP)[0]:
                if int(j) not in seen:
                    seen.add(int(j))
                    queue.append(int(j))
    targets.discard(None)
    near = [tuple(segs[i]) for i in seen if _box_dist(segs[i], source) <= LABEL_REACH]
    return _Path(near, targets.pop() if len(targets) == 1 else None)


def _vector_paths(segs, diamond, shapes, heads, labels) -> list[_Path]:
    """The connectors leaving ``diamond``: pieces with an end at the diamond (or a few points short of it, where a
    label of this diamond is written on the piece) whose end there has no arrowhead pointing in."""
    paths: list[tuple[tuple[float, float], _Path]] = []
    for i in np.nonzero(_dists(segs, ((diamond[0] + diamond[2]) / 2, (diamond[1] + diamond[3]) / 2))
                        <= max(diamond[2] - diamond[0], diamond[3] - diamond[1]) / 2 + LABELLED_GAP)[0]:
        seg = segs[i]
        if contains(_grow(diamond, 1), seg, 0):
            continue
        end, direction = min(_ends(seg), key=lambda e: _point_dist(e[0], diamond))
        gap = _point_dist(end, diamond)
        if gap > TOUCH and not (gap <= LABELLED_GAP and any(_box_dist(seg, box) <= 1 for _, box in labels)):
            continue
        if heads and _head_at(end, direction, heads) is not None:
            continue  # an arrow coming in
        if any(abs(end[0] - e[0]) <= TOUCH and abs(end[1] - e[1]) <= TOUCH for e, _ in paths):
            continue  # the other side of a connector drawn as a thin polygon
        paths.append((end, _trace(segs, int(i), diamond, shapes, heads)))
    return [p for _, p in paths]


# --- connectors in a pasted picture ----------------------------------------------------------------------------------

def _px(box):
    return (max(0, int(box[0] * SCALE)), max(0, int(box[1] * SCALE)), int(box[2] * SCALE) + 1,
            int(box[3] * SCALE) + 1)


class _Picture:
    """The connectors' ink of one pasted picture (``SCALE`` pixels per point): the table's rules bridged where a line
    crosses them, the words cut out, thickened by a pixel so a thin diagonal stroke stays connected, and every
    shape cut out as drawn (its box grown over its own outline)."""

    def __init__(self, flow: Flowchart, grid: Grid, words, picture):
        self.x0, self.t, x1, b = _px(_grow(picture, 2))
        ink = flow.ink[self.t:b, self.x0:x1].copy()
        h, w = ink.shape
        for x in grid.xs:  # the erased rule band: a line crossing it has ink on both sides, in the same row
            a, z = max(0, int((x - 1.2) * SCALE)) - self.x0, int((x + 1.2) * SCALE) + 1 - self.x0
            if 1 <= a and z < w - 1:
                ink[:, a:z] |= (ink[:, a - 1] & ink[:, z])[:, None]
        for y in grid.ys:
            a, z = max(0, int((y - 1.2) * SCALE)) - self.t, int((y + 1.2) * SCALE) + 1 - self.t
            if 1 <= a and z < h - 1:
                ink[a:z, :] |= (ink[a - 1, :] & ink[z, :])[None, :]
        for wd in words:
            self._view(ink, (wd["x0"] - 0.5, wd["top"] - 0.5, wd["x1"] + 0.5, wd["bottom"] + 0.5))[:] = False
        thick = ink.copy()
        thick[1:, :] |= ink[:-1, :]
        thick[:-1, :] |= ink[1:, :]
        thick[:, 1:] |= ink[:, :-1]
        thick[:, :-1] |= ink[:, 1:]
        self.drawn = {}
        for box, kind in flow.shapes:
            if kind == DIAMOND:  # its vertices' outline reaches past the paper it encloses: cut the grown rhombus
                grown = _grow(box, DIAMOND_OUTLINE)
                view = self._view(thick, grown)
                c0, r0 = max(0, _px(grown)[0]), max(0, _px(grown)[1])
                ys, xs = np.mgrid[r0: r0 + view.shape[0], c0: c0 + view.shape[1]] / SCALE
                half_w, half_h = (grown[2] - grown[0]) / 2, (grown[3] - grown[1]) / 2
                view[abs(xs - (grown[0] + half_w)) / half_w + abs(ys - (grown[1] + half_h)) / half_h <= 1] = False
                self.drawn[box] = grown
            else:
                self.drawn[box] = self._outline(ink, box)
                self._view(thick, _grow(self.drawn[box], 1 / SCALE))[:] = False
        self.ink = thick

    def _view(self, ink, box):
        c0, r0, c1, r1 = _px(box)
        return ink[max(0, r0 - self.t): max(0, r1 - self.t), max(0, c0 - self.x0): max(0, c1 - self.x0)]

    def _outline(self, ink, box):
        """``box`` grown side by side while the row or column just outside it is mostly ink: the shape's own
        outline (a connector crosses that row in a point or two)."""
        box = list(box)
        step = 1 / SCALE
        for side, (dx0, dt, dx1, db) in enumerate(((-step, 0, 0, 0), (0, -step, 0, 0), (0, 0, step, 0),
                                                   (0, 0, 0, step))):
            for _ in range(int(3 * SCALE)):
                edge = list(box)
                if side in (0, 2):
                    edge[0] = edge[2] = box[side] + (dx0 or dx1)
                else:
                    edge[1] = edge[3] = box[side] + (dt or db)
                line = self._view(ink, edge)
                if line.size == 0 or line.mean() < 0.5:
                    break
                box[side] = edge[side]
        return tuple(box)

    def widens(self, comp: np.ndarray, box) -> bool | None:
        """Whether the ink ``comp`` touching the shape ``box`` widens into an arrowhead just outside it (None: it
        does not touch it)."""
        inner = _grow(self.drawn[box], 1 / SCALE)
        outer = _grow(inner, TOUCH)
        # the ink just outside each side of the shape, and the axis across which an arrow coming in there widens
        sides = [(self._view(comp, (inner[0], outer[1], inner[2], inner[1])), 0),
                 (self._view(comp, (inner[0], inner[3], inner[2], outer[3])), 0),
                 (self._view(comp, (outer[0], inner[1], inner[0], inner[3])), 1),
                 (self._view(comp, (inner[2], inner[1], outer[2], inner[3])), 1)]
        touched = None
        for ink, axis in sides:
            if ink.size == 0 or not ink.any():
                continue
            across = np.nonzero(ink.any(axis=axis))[0]
            touched = bool(touched) or across.max() - across.min() + 1 >= HEAD_WIDTH * SCALE
        return touched

    def paths(self, diamond, shapes) -> list[_Path]:
        """The connectors leaving ``diamond``: the ink touching it, each with the shapes it widens into an arrowhead
        at; a connector widening at the diamond comes in.  A speck (a corner of the outline) is no connector."""
        ring = np.zeros_like(self.ink)
        inner = _grow(self.drawn[diamond], 1 / SCALE)
        self._view(ring, _grow(inner, TOUCH))[:] = True
        self._view(ring, inner)[:] = False
        remaining = self.ink & ring
        paths = []
        while remaining.any():
            seed = np.zeros_like(self.ink)
            r, c = np.argwhere(remaining)[0]
            seed[r, c] = True
            comp = flood(seed, self.ink)
            remaining &= ~comp
            ys, xs = np.nonzero(comp)
            if max(xs.max() - xs.min(), ys.max() - ys.min()) < 3 * SCALE or self.widens(comp, diamond):
                continue
            targets = {box for box, _kind in shapes if box != diamond and self.widens(comp, box)}
            pts = np.stack([(xs + self.x0) / SCALE, (ys + self.t) / SCALE], axis=1)
            pts = pts[[_point_dist(p, diamond) <= LABEL_REACH for p in pts]]
            near = [(px, py, px, py) for px, py in pts[:: max(1, len(pts) // 400)]]
            paths.append(_Path(near, targets.pop() if len(targets) == 1 else None))
        return paths


# --- branches --------------------------------------------------------------------------------------------------------

def read_branches(page, grid: Grid, words, flow: Flowchart, role_cols, body_top, row_index, page_rows,
                  offset) -> None:
    """Add to each decision row of the page its branches (label, target row index or None)."""
    shapes = flow.shapes
    diamonds = [s[0] for s in shapes if s[1] == DIAMOND]
    if not diamonds:
        return
    area = (grid.xs[role_cols[0]], body_top, grid.xs[role_cols[-1] + 1], grid.bottom)
    labels = _labels(words, flow, area)
    by_diamond: dict[tuple, list] = {d: [] for d in diamonds}
    for text, box in labels:
        diamond = min(diamonds, key=lambda d: _box_dist(d, box))
        if _box_dist(diamond, box) <= LABEL_REACH:
            by_diamond[diamond].append((text, box))
    if not any(by_diamond.values()):
        return
    heads = _heads(page)
    segs = _segments(page, grid, flow, heads, _grow(area, 2))
    pictures = {}
    for diamond, found in by_diamond.items():
        if not found:
            continue
        picture = next((p for p in flow.pictures if contains(_grow(p, 1), diamond, 0)), None)
        if picture is not None and flow.ink is not None:
            if picture not in pictures:
                pictures[picture] = _Picture(flow, grid, words, picture)
            paths = pictures[picture].paths(diamond, shapes)
        else:
            paths = _vector_paths(segs, diamond, shapes, heads, found)
        named = _name(found, paths)
        r = row_of(grid, (diamond[1] + diamond[3]) / 2)
        if r not in row_index:
            continue
        row = page_rows[row_index[r] - offset]
        for text, box in found:
            target = named.get(box)
            tr = row_of(grid, (target[1] + target[3]) / 2) if target else None
            row.branches.append((text, row_index.get(tr) if tr is not None else None))


def _name(labels, paths: list[_Path]) -> dict[tuple, tuple | None]:
    """Each label's connector's target (label box -> target box): the nearest pairs first, each label and each
    connector used once; a label as near to two connectors names neither."""
    pairs = sorted((min((_box_dist(box, n) for n in p.near), default=float("inf")), li, pi)
                   for li, (_text, box) in enumerate(labels) for pi, p in enumerate(paths))
    named: dict[tuple, tuple | None] = {}
    used_l, used_p = set(), set()
    for dist, li, pi in pairs:
        if dist > LABEL_TO_PATH or li in used_l or pi in used_p:
            continue
        rival = min((d for d, lj, pj in pairs if lj == li and pj != pi and pj not in used_p), default=float("inf"))
        used_l.add(li)
        used_p.add(pi)
        if rival - dist >= 2:
            named[labels[li][1]] = paths[pi].target
    return named
