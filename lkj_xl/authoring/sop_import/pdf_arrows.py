"""Decision branches in the flowchart of a signed SOP PDF: the label words near a diamond, followed along the
arrow's segments to the shape its arrowhead reaches."""

from __future__ import annotations

import re

from lkj_xl.authoring.sop_import.pdf_grid import Grid, dark, row_of
from lkj_xl.authoring.sop_import.pdf_shapes import contains
from lkj_xl.authoring.sop_import.table import DIAMOND


def _segments(page, grid: Grid, shapes) -> list[tuple[float, float, float, float]]:
    segs = []
    for e in page.edges:  # arrows may be drawn in any way, even as thin filled polygons
        x0, t, x1, b = e["x0"], e["top"], e["x1"], e["bottom"]
        if e["orientation"] == "v" and any(abs(x0 - x) <= 1 for x in grid.xs) and b - t > 20:
            continue
        if e["orientation"] == "h" and any(abs(t - y) <= 1 for y in grid.ys) and x1 - x0 > 20:
            continue
        if any(contains((s[0][0] - 0.5, s[0][1] - 0.5, s[0][2] + 0.5, s[0][3] + 0.5), (x0, t, x1, b), 0.5)
               and not contains((x0, t, x1, b), s[0]) for s in shapes):
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


def read_branches(page, grid, words, shapes, role_cols, body_top, row_index, page_rows, offset) -> None:
    bx0, bx1 = grid.xs[role_cols[0]], grid.xs[role_cols[-1] + 1]
    labels = [w for w in words if bx0 <= w["x0"] and w["x1"] <= bx1 and w["top"] >= body_top
              and not any(contains((s[0][0] - 1, s[0][1] - 1, s[0][2] + 1, s[0][3] + 1),
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
             and dark(o.get("non_stroking_color"))]
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
        r = row_of(grid, (box[1] + box[3]) / 2)
        if r not in row_index:
            continue
        row = page_rows[row_index[r] - offset]
        for text, target in found:
            tr = row_of(grid, (target[1] + target[3]) / 2) if target else None
            row.branches.append((text, row_index.get(tr) if tr is not None else None))


def _seg_dist(seg, p) -> float:
    dx = max(seg[0] - p[0], 0, p[0] - seg[2])
    dy = max(seg[1] - p[1], 0, p[1] - seg[3])
    return (dx * dx + dy * dy) ** 0.5
