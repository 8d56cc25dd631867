"""What a person typed or added OUTSIDE the layout's tables on the layout's sheets, carried by ``lkj upgrade`` into
the same cell of the freshly built workbook.

The copiers of :mod:`lkj_xl.authoring.upgrade` carry the tables and the settings by label; everything else a person
put on a layout sheet (a note below a step table, a formula beside the top block, a remark under tblSOP, a cell
coloured by hand, a comment on an empty cell, a link, a merged block) is carried here, cell by cell, to the same
address: value, text-or-formula, number format, font, fill, border, alignment, protection, comment and link.  So
are the merged ranges a person made there and the workbook's defined names a person made (the builder's own names
start with ``LKJ_`` or are made again by the build).

A text of the layout a person changed (a setting's explanation on Pengaturan) is theirs in a tracker of the current
layout version: it replaces the build's.  Not carried, on purpose: the layout's own cells (inside the layout's
tables, a step sheet's title and top block, the layout version), which the build or the next refresh writes; in an
older layout, a cell where the current build writes its own text (that layout's labels).  What cannot be carried
because the new layout uses that very cell (a table it added, a merged block) is listed by sheet and cell in
``not_carried``: ``lkj upgrade`` exits 1.
"""

from __future__ import annotations

from copy import copy
from typing import Any, Callable, Iterable

from lkj_xl.workbook import layout

Rect = tuple[int, int, int, int]  # min column, min row, max column, max row (openpyxl's range_boundaries order)

#: The layout's tables: their cells are carried by the copiers (or made by the build from the SOP as read).
_LAYOUT_TABLES = (layout.SOP_TABLE_NAME, layout.HOLIDAY_TABLE_NAME, layout.STAFF_TABLE_NAME,
                  layout.EVALUATION_TABLE_NAME)


def _layout_table(name: str) -> bool:
    return (name in _LAYOUT_TABLES or name.startswith("tblLangkah") or name in ("tblAlurSOP", "tblJamKerja",
                                                                               "tblJamKhusus"))


def _rects(ws, *, only_layout: bool) -> list[Rect]:
    from openpyxl.utils import range_boundaries

    return [range_boundaries(table.ref) for table in ws.tables.values()
            if not only_layout or _layout_table(table.name)]


def _inside(rects: Iterable[Rect], row: int, column: int) -> bool:
    return any(c1 <= column <= c2 and r1 <= row <= r2 for c1, r1, c2, r2 in rects)


def _engine_cells(lay, title: str) -> Callable[[int, int], bool]:
    """The old sheet's cells the build or the refresh writes whatever they held: a step sheet's title (A1) and top
    block values, Pengaturan's layout version."""
    number = layout.step_of_sheet(title)
    if number is not None:
        info = lay.steps.get(number)
        top = info.top_block if info is not None else None
        first = top[0] if top is not None else layout.STEP_HEADER_FIRST_ROW
        rows = range(first, first + len(layout.STEP_HEADER_LABELS))
        return lambda row, column: (row, column) == (1, 1) or (row in rows and column == 2)
    if title == layout.SHEET_SETTINGS:
        version_row = lay.settings_rows.get(layout.P_VERSION)
        return lambda row, column: (row, column) == (version_row, 2)
    return lambda row, column: False


def carried_sheets(src, wb, skip: frozenset[str]):
    """(old sheet, the same sheet in ``wb``) for every layout sheet of ``src`` whose content is carried: in ``wb``,
    not an engine sheet (the build makes those), not in ``skip`` (sheets a person added, carried whole)."""
    for old in src.worksheets:
        title = old.title
        if title in wb.sheetnames and title not in skip and title not in ENGINE_SHEETS:
            yield old, wb[title]


def _layout_text(title: str, coordinate: str, value: Any) -> bool:
    """A text the builder writes at this cell for one of the period kinds (the notes above tblEvaluasi; before the
    table was keyed by Periode every tracker got the yearly note): the layout's own, never a person's."""
    if title != layout.SHEET_EVALUATION:
        return False
    from lkj_xl.authoring.evaluation_sheet import guide_notes
    from lkj_xl.core.periods import PERIOD_KINDS

    return any(guide_notes(kind).get(coordinate) == value for kind in PERIOD_KINDS)


def _shown(value: Any) -> str:
    text = str(value)
    return f"\"{text[:40]}{'...' if len(text) > 40 else ''}\""


def carry_outside(src, wb, lay, *, version: int, carried: set[int], copy_cell: Callable[[Any, Any], None],
                  fresh: dict[str, set[str]], added: Iterable[str]) -> list[str]:
    """Carry every cell of ``src``'s layout sheets that no copier carried (``carried``: ``id`` of the source cells
    copied) into the same cell of ``wb``; return what could not be carried, by sheet and cell.  ``fresh``: the
    addresses the build wrote a value to, per sheet (before anything was copied); ``version``: the old layout's;
    ``added``: the sheets a person added (carried whole elsewhere)."""
    from openpyxl.cell.cell import MergedCell

    not_carried: list[str] = []
    for old, new in carried_sheets(src, wb, frozenset(added)):
        title = old.title
        handled = _rects(old, only_layout=True)
        taken = _rects(new, only_layout=False)
        engine = _engine_cells(lay, title)
        built = fresh.get(new.title, set())
        for row in old.iter_rows():
            for cell in row:
                if isinstance(cell, MergedCell) or id(cell) in carried:
                    continue
                has_value = cell.value is not None and cell.value != ""
                if not (has_value or cell.comment is not None or cell.hyperlink is not None or cell.has_style):
                    continue
                r, c = cell.row, cell.column
                if _inside(handled, r, c) or engine(r, c):
                    continue
                target = new.cell(row=r, column=c)
                if not has_value and cell.comment is None and cell.hyperlink is None:
                    # a cell coloured by hand: carried where the new layout leaves the cell plain and empty
                    if not isinstance(target, MergedCell) and target.value is None and not target.has_style \
                            and not _inside(taken, r, c):
                        _copy_look(cell, target)
                    continue
                if has_value and target.value == cell.value:
                    continue  # the same text where the layout has it (a label), or carried already
                if has_value and _layout_text(title, cell.coordinate, cell.value):
                    continue  # the builder's note for another period kind: the build wrote this kind's
                if cell.coordinate in built and version < layout.LAYOUT_VERSION:
                    continue  # the older layout's own text where the current layout writes its own
                # the same layout: a text of the layout a person changed (a setting's explanation) stays theirs
                replaced = cell.coordinate in built and not _inside(taken, r, c)
                if isinstance(target, MergedCell) or (target.value is not None and not replaced) \
                        or _inside(taken, r, c) or (target.comment is not None and cell.comment is not None):
                    what = _shown(cell.value) if has_value else "komentar/tautan"
                    not_carried.append(f"sel {title}!{cell.coordinate} ({what}): tempat itu dipakai tata letak baru")
                    continue
                copy_cell(cell, target)
                target.protection = copy(cell.protection)
                if cell.hyperlink is not None:
                    target.hyperlink = copy(cell.hyperlink)
        not_carried += _carry_merged(old, new, handled, taken, version)
        if version == layout.LAYOUT_VERSION:  # the same layout: the sizes a person gave rows and columns
            _carry_sizes(old, new)
    _carry_names(src, wb)
    return not_carried


ENGINE_SHEETS = (layout.SHEET_HOME, layout.SHEET_PROBLEMS, layout.SHEET_REPORT, layout.SHEET_HISTORY,
                  layout.SHEET_CLOSED)


def _copy_look(src, dst) -> None:
    for attribute in ("font", "fill", "border", "alignment", "protection"):
        setattr(dst, attribute, copy(getattr(src, attribute)))
    if src.number_format:
        dst.number_format = src.number_format


def _carry_sizes(old, new) -> None:
    """Row heights and column widths (and hidden ones) of a sheet of the same layout: a person's, or the build's
    own (the same)."""
    for key, dim in list(new.row_dimensions.items()):
        if key not in old.row_dimensions and (dim.height is not None or dim.hidden):
            dim.height, dim.hidden = None, False  # a row the build sized that the old sheet left as it was
    for key, dim in old.row_dimensions.items():
        if dim.height is not None or dim.hidden:
            new.row_dimensions[key].height = dim.height
            new.row_dimensions[key].hidden = dim.hidden
    for key, dim in old.column_dimensions.items():
        if dim.width is not None or dim.hidden:
            new.column_dimensions[key].width = dim.width
            new.column_dimensions[key].hidden = dim.hidden


def _carry_merged(old, new, handled: list[Rect], taken: list[Rect], version: int) -> list[str]:
    """Merged ranges a person made outside the layout's tables (the layout's own are made by the build)."""
    present = {str(r) for r in new.merged_cells.ranges}
    merged_now = [r.bounds for r in new.merged_cells.ranges]
    lost = []
    for merged in old.merged_cells.ranges:
        if str(merged) in present:
            continue
        c1, r1, c2, r2 = merged.bounds
        if any(_inside(handled, r, c) for r in (r1, r2) for c in (c1, c2)):
            continue
        overlaps = any(not (c2 < a1 or a2 < c1 or r2 < b1 or b2 < r1) for a1, b1, a2, b2 in merged_now + taken)
        cells_free = all(new.cell(row=r, column=c).value is None for r in range(r1, r2 + 1)
                         for c in range(c1, c2 + 1) if (r, c) != (r1, c1))
        if overlaps or not cells_free:
            if version == layout.LAYOUT_VERSION:
                lost.append(f"sel gabungan {old.title}!{merged}: tempat itu dipakai tata letak baru")
            continue
        new.merge_cells(str(merged))
    return lost


def _carry_names(src, wb) -> None:
    """Workbook names a person defined (not the builder's ``LKJ_`` names nor those the build makes again)."""
    from openpyxl.workbook.defined_name import DefinedName

    for name, defined in src.defined_names.items():
        if name in wb.defined_names or name.upper().startswith("LKJ_") or name.startswith("_xlnm"):
            continue
        wb.defined_names[name] = DefinedName(name, attr_text=defined.attr_text or "", comment=defined.comment,
                                             hidden=defined.hidden)


__all__ = ["ENGINE_SHEETS", "carried_sheets", "carry_outside"]
