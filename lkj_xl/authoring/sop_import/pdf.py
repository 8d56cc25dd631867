"""Signed SOP-AP PDFs, read with pdfplumber: the identity block (page 1), then page by page the step table's text
and cells, its header (column kinds and the Pelaksana roles), the rows, and on each row the flowchart shapes and the
decision branches.

The parts: ``pdf_grid`` (the table's ruling), ``pdf_shapes`` (the flowchart shapes in the Pelaksana columns),
``pdf_arrows`` (where each decision branch leads).
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

from lkj_xl.authoring.sop_import.pdf_arrows import read_branches
from lkj_xl.authoring.sop_import.pdf_grid import (
    TOL,
    Grid,
    col_of,
    covered,
    page_grid,
    row_of,
)
from lkj_xl.authoring.sop_import.pdf_shapes import page_shapes
from lkj_xl.authoring.sop_import.table import (
    KETERANGAN,
    MUTU,
    NO,
    OTHER,
    ROLE,
    URAIAN,
    Mark,
    Row,
    classify_header,
    identity_from_grid,
    join_lines,
)
from lkj_xl.core.errors import UnusableFileError


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
            grid = page_grid(page)
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
            flow = page_shapes(page, grid, role_cols, body_top)
            shapes = flow.shapes
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
                        row.waktu_merged_up = not covered(grid, grid.ys[r], grid.xs[c], grid.xs[c + 1])
                        row.waktu_border_seen = not row.waktu_merged_up
                if row.number is None and not row.cells and not any(
                        grid.ys[r] <= (s[0][1] + s[0][3]) / 2 < grid.ys[r + 1] for s in shapes):
                    continue
                row_index[r] = len(rows) + len(page_rows)
                page_rows.append(row)
            for box, kind in shapes:
                r = row_of(grid, (box[1] + box[3]) / 2)
                if r not in row_index:
                    continue
                roles = tuple(columns[c][1] for c in role_cols
                              if min(box[2], grid.xs[c + 1]) - max(box[0], grid.xs[c]) >=
                              min(0.25 * (grid.xs[c + 1] - grid.xs[c]), 0.5 * (box[2] - box[0])))
                if roles:
                    page_rows[row_index[r] - len(rows)].marks.append(Mark(roles, kind, box[1], box[0]))
            read_branches(page, grid, words, flow, role_cols, body_top, row_index, page_rows, len(rows))
            rows.extend(page_rows)
        if columns is None or not rows:
            raise UnusableFileError(f"Berkas \"{path.name}\" tidak memuat tabel langkah SOP (kolom No, Uraian, "
                                    f"Pelaksana, Mutu Baku) yang dapat dibaca.")
        return identity or {}, all_roles, rows, warnings
    finally:
        pdf.close()


def _cells(grid: Grid, words: list[dict]):
    cells: dict[tuple[int, int], list[dict]] = {}
    for w in words:
        c, r = col_of(grid, (w["x0"] + w["x1"]) / 2), row_of(grid, (w["top"] + w["bottom"]) / 2)
        if c is not None and r is not None:
            cells.setdefault((r, c), []).append(w)
    return cells, {key: _cell_text(ws) for key, ws in cells.items()}


def _split_by_numbering(grid: Grid, cells, first_body: int) -> bool:
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


def _columns(grid: Grid, cells, first_body: int, ncols: int) -> list[tuple[str, str]]:
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
