"""One worksheet part as the file engine reads and edits it: the index of its tree (rows and cells by coordinate,
with openpyxl's counting for those without an address; merged ranges; styled columns) and the edits that keep that
index true (a row or cell made in its place in document order, the row's spans widened, the dimension grown, a
shared formula handed on when its master is overwritten, a merged cell refused).

Functions of a :class:`~lkj_xl.engines.package_parts._Sheet` and its lxml tree, apart from
:class:`~lkj_xl.engines.package.PackageBook`: they know one sheetData, nothing of the package around it (parts,
shared strings, the calculation chain, saving), so what a cell edit does to the tree can be read in one place.
"""

from __future__ import annotations

from bisect import bisect_right

from lxml import etree
from openpyxl.formula.translate import Translator

from lkj_xl.core.errors import DataError
from lkj_xl.engines.package_parts import (
    T_C, T_COL, T_COLS, T_DIMENSION, T_F, T_MERGECELL, T_MERGECELLS, T_ROW, T_SHEETDATA, _Sheet, _broken, _coord,
    _is_true, _range, _range_ref, _ref,
)


def index_sheet(sh: _Sheet, root: etree._Element, file_name: str) -> None:
    """Index the worksheet ``sh`` from its part's tree ``root``: rows and cells by coordinate (openpyxl's counting
    for rows and cells without an address), merged ranges, styled columns; marks it loaded."""
    data = root.find(T_SHEETDATA)
    if data is None:
        raise _broken(file_name, sh.part, "elemen sheetData tidak ada")
    rows: dict[int, etree._Element] = {}
    cells: dict[tuple[int, int], etree._Element] = {}
    addressed = True
    row_counter = 0
    known_columns: dict[str, int] = {}
    try:
        for row in data.iterchildren(T_ROW):
            r = row.get("r")
            if r is None:
                addressed = False
                row_counter += 1
            else:
                row_counter = int(r) if r.isdigit() else int(float(r))
            rows.setdefault(row_counter, row)
            col_counter = 0
            # the common "B12" in row 12: its letters looked up, not parsed (a sheet has a few dozen columns)
            digits = str(row_counter)
            cut = -len(digits)
            for c in row.iterchildren(T_C):
                ref = c.get("r")
                if ref is None:
                    addressed = False
                    col_counter += 1
                    key = (row_counter, col_counter)
                elif ref.endswith(digits) and (col := known_columns.get(ref[:cut])) is not None:
                    key = (row_counter, col)
                    col_counter = col
                else:
                    key = _coord(ref)
                    col_counter = key[1]
                    if key[0] == row_counter and ref[:cut].isalpha() and ref[:cut].isupper() and ref.isascii():
                        known_columns[ref[:cut]] = key[1]
                cells[key] = c
        merges = []
        merge_el = root.find(T_MERGECELLS)
        for m in (merge_el if merge_el is not None else ()):
            if m.tag == T_MERGECELL and m.get("ref"):
                merges.append(_range(m.get("ref")))
        col_styles = []
        cols_el = root.find(T_COLS)
        for col in (cols_el if cols_el is not None else ()):
            if col.tag == T_COL and col.get("style") not in (None, "0"):
                col_styles.append((int(col.get("min")), int(col.get("max")), col.get("style")))
    except (TypeError, ValueError) as exc:
        raise _broken(file_name, sh.part, exc) from exc
    sh.data, sh.rows, sh.cells, sh.merges, sh.col_styles = data, rows, cells, merges, col_styles
    sh.row_numbers = sorted(rows)
    sh.addressed = addressed
    sh.loaded = True


def check_merge(sh: _Sheet, sheet: str, r: int, c: int, merges=None) -> None:
    """Refuse to write the cell (r, c) of ``sheet`` when it lies inside a merged range (of ``merges``, else all of the
    sheet's) other than as its top-left cell."""
    for r1, c1, r2, c2 in (sh.merges if merges is None else merges):
        if r1 <= r <= r2 and c1 <= c <= c2 and (r, c) != (r1, c1):
            where = _ref(r, c)
            raise DataError(f"Sel {where} pada lembar \"{sheet}\" digabung (merge) dengan sel lain, "
                            f"sehingga hasil perhitungan tidak dapat ditulis ke sana. Pisahkan gabungan sel "
                            f"itu (Pisahkan Sel / Unmerge Cells), lalu ulangi. Buku kerja tidak diubah.",
                            sheet=sheet, cell=where)


def row_element(sh: _Sheet, r: int) -> etree._Element:
    """Row ``r``'s element, created in row order when the sheet has none."""
    row = sh.rows.get(r)
    if row is not None:
        return row
    row = etree.Element(T_ROW)
    row.set("r", str(r))
    pos = bisect_right(sh.row_numbers, r)
    if pos < len(sh.row_numbers):
        sh.rows[sh.row_numbers[pos]].addprevious(row)
    else:
        sh.data.append(row)
    sh.row_numbers.insert(pos, r)
    sh.rows[r] = row
    sh.new_rows.add(r)
    return row


def cell_element(sh: _Sheet, r: int, c: int) -> etree._Element:
    """The cell at (r, c), created (value-less, styled by its row or column) when it does not exist."""
    el = sh.cells.get((r, c))
    if el is not None:
        return el
    row = row_element(sh, r)
    el = etree.Element(T_C)
    el.set("r", _ref(r, c))
    style = None
    if _is_true(row.get("customFormat")) and row.get("s") not in (None, "0"):
        style = row.get("s")
    else:
        for first, last, col_style in sh.col_styles:
            if first <= c <= last:
                style = col_style
                break
    if style is not None:
        el.set("s", style)
    _insert_cell(sh, r, row, c, el)
    if _widen_spans(row, c):
        sh.dirty_rows.add(r)
    sh.cells[r, c] = el
    sh.new_cells.add((r, c))
    extent = sh.extent
    if r > extent[0] or c > extent[1]:
        sh.extent = (max(extent[0], r), max(extent[1], c))
    return el


def _insert_cell(sh: _Sheet, r: int, row: etree._Element, c: int, el: etree._Element) -> None:
    """Put the new cell ``el`` (column ``c``) into ``row``: before the first cell, in document order, whose column
    is greater, else after the last cell (before a row extLst, if any), else first."""
    order = sh.row_cells.get(r, False)
    if order is False:
        existing = list(row.iterchildren(T_C))
        columns = [_coord(cell.get("r"))[1] for cell in existing]
        ascending = all(a <= b for a, b in zip(columns, columns[1:]))
        order = sh.row_cells[r] = (columns, existing) if ascending else None
    if order is None:  # cells out of order: the first greater one in document order
        following = None
        for existing_cell in row.iterchildren(T_C):
            if _coord(existing_cell.get("r"))[1] > c:
                following = existing_cell
                break
        if following is not None:
            following.addprevious(el)
        else:
            last = None
            for existing_cell in row.iterchildren(T_C):
                last = existing_cell
            if last is not None:
                last.addnext(el)
            else:
                row.insert(0, el)
        return
    columns, cells = order
    pos = bisect_right(columns, c)
    if pos < len(columns):
        cells[pos].addprevious(el)
    elif cells:
        cells[-1].addnext(el)
    else:
        row.insert(0, el)
    columns.insert(pos, c)
    cells.insert(pos, el)


def _widen_spans(row: etree._Element, c: int) -> bool:
    """Widen the row's ``spans`` hint to column ``c``; True when it changed."""
    spans = row.get("spans")
    if not spans or " " in spans:
        return False
    first, _, last = spans.partition(":")
    if first.isdigit() and last.isdigit() and not int(first) <= c <= int(last):
        row.set("spans", f"{min(int(first), c)}:{max(int(last), c)}")
        return True
    return False


def finish_dimension(sh: _Sheet) -> None:
    """Before a save: let the sheet's ``<dimension>`` cover the cells written beyond it."""
    dim = sh.data.getparent().find(T_DIMENSION)
    if dim is None or not dim.get("ref") or sh.extent == (0, 0):
        return
    try:
        r1, c1, r2, c2 = _range(dim.get("ref"))
    except ValueError:
        return
    last_row, last_col = max(r2, sh.extent[0]), max(c2, sh.extent[1])
    if (last_row, last_col) != (r2, c2):
        dim.set("ref", _range_ref(r1, c1, last_row, last_col))


def hand_over_shared_formula(sh: _Sheet, el: etree._Element, formula: etree._Element) -> None:
    """Before a written value replaces the formula of ``el``: when it is the master of a shared formula, the next
    cell sharing it becomes the master (its text translated to that cell, its ref the remaining cells), so they
    keep working."""
    if formula.get("t") == "shared" and formula.text:
        si = formula.get("si")
        dependents = [c for c in sh.cells.values()
                      if c is not el and (f := c.find(T_F)) is not None and f.get("t") == "shared"
                      and f.get("si") == si and not f.text]
        if dependents:
            dependents.sort(key=lambda c: _coord(c.get("r")))
            master = dependents[0]
            text = Translator("=" + formula.text, el.get("r")).translate_formula(master.get("r"))
            spots = [_coord(c.get("r")) for c in dependents]
            new_f = master.find(T_F)
            new_f.text = text[1:]
            new_f.set("ref", _range_ref(min(r for r, _ in spots), min(c for _, c in spots),
                                        max(r for r, _ in spots), max(c for _, c in spots)))
            sh.dirty_cells.add(spots[0])


__all__ = ["cell_element", "check_merge", "finish_dimension", "hand_over_shared_formula", "index_sheet",
           "row_element"]
