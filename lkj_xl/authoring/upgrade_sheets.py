"""The copiers of ``lkj upgrade``: every layout sheet's tables and settings carried by label from the old workbook
into the freshly built one, one ``copy_*`` function per sheet (SOP, Pengaturan, the lists Pegawai and Hari Libur,
the step tables, Riwayat, Siklus Tertutup, sheets a person added), the cell copy they share (:func:`copy_cell`:
value, text-or-formula, number format, look, comment) and what they carried (:data:`carried`, :data:`moved`,
:class:`Counts`).

Separate from :mod:`lkj_xl.authoring.upgrade`, which decides what happens to the files (checks, the build, the
temporary file, the .xlsm, the report): this module only knows openpyxl cells of two workbooks and the layout's
labels.  Cells outside the tables are :mod:`lkj_xl.authoring.upgrade_outside`'s, validation and conditional formats
:mod:`lkj_xl.authoring.upgrade_rules`'.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass, field
from typing import Any

from lkj_xl.workbook import layout
from lkj_xl.core.values import is_blank, read_yes

_GENERAL = "General"


@dataclass
class Counts:
    """What the copiers carried, for the upgrade's summary; ``not_carried`` what the new file lacks."""

    step_rows: int = 0
    years: set[int | str] = field(default_factory=set)
    staff: int = 0
    holidays: int = 0
    cancelled: int = 0
    local: int = 0
    sop_steps: int = 0
    settings: int = 0
    week_days: int = 0
    special_rows: int = 0
    extra_columns: int = 0
    history: int = 0
    extra_column_names: list[str] = field(default_factory=list)
    added_sheets: list[str] = field(default_factory=list)
    comments: int = 0
    not_carried: list[str] = field(default_factory=list)


#: Source cells a copier carried (``id(cell)``), with their comment: every other cell of a layout sheet goes through
#: :func:`lkj_xl.authoring.upgrade_outside.carry_outside`, and every comment not carried is reported.
carried: set[int] = set()
#: old sheet -> {old column -> new column} of the columns a person added beside a layout table (moved right of it)
moved: dict[str, dict[int, int]] = {}


def copy_cell(src, dst) -> None:
    """One cell as typed: the value, whether text that looks like a formula stays text, a non-default number format,
    the look a person gave it (font, fill, border, alignment; protection stays the new layout's) and its comment."""
    dst.value = src.value
    if src.data_type in ("s", "f", "b", "n", "d"):
        dst.data_type = src.data_type
    if src.number_format and src.number_format != _GENERAL:
        dst.number_format = src.number_format
    if src.has_style:
        for attribute in ("font", "fill", "border", "alignment"):
            setattr(dst, attribute, copy(getattr(src, attribute)))
    if src.comment is not None:
        dst.comment = _copied_comment(src.comment)
    carried.add(id(src))


def _copied_comment(comment):
    from openpyxl.comments import Comment

    made = Comment(comment.text, comment.author)
    made.width, made.height = comment.width, comment.height
    return made


def _rows_of(ws, pos, labels) -> list[tuple[int, dict[str, Any]]]:
    """Non-blank table rows below ``pos``'s header: (offset below the header, label -> source cell).  A row keeps
    its offset in the new file: rows do not close up, so what a person typed beside a row stays beside it."""
    rows = []
    for r in range(pos.header_row + 1, ws.max_row + 1):
        cells = {label: ws.cell(row=r, column=col) for label, col in pos.columns.items() if label in labels}
        if any(not is_blank(c.value) for c in cells.values()):
            rows.append((r - pos.header_row, cells))
    return rows


def _old_table_end(ws, name: str, header_row: int) -> int:
    """How many rows below its header the old sheet's table ``name`` reaches (0 without that table)."""
    from openpyxl.utils import range_boundaries

    table = ws.tables.get(name)
    if table is None:
        return 0
    return max(range_boundaries(table.ref)[3] - header_row, 0)


def _extend_table(ws, name: str, last_row: int, last_col: int | None = None) -> None:
    from openpyxl.utils import get_column_letter, range_boundaries

    table = ws.tables.get(name)
    if table is None:
        return
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    max_col = max(max_col, last_col or max_col)
    max_row = max(max_row, last_row)
    table.ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
    if table.autoFilter is not None:
        table.autoFilter.ref = table.ref


def _name_table_columns(ws, name: str) -> None:
    """After a table grew to the right: one table column per header cell (Excel repairs a table whose column list
    does not match its range)."""
    from openpyxl.utils import range_boundaries
    from openpyxl.worksheet.table import TableColumn

    table = ws.tables.get(name)
    if table is None:
        return
    min_col, min_row, max_col, _ = range_boundaries(table.ref)
    columns = list(table.tableColumns)[: max_col - min_col + 1]
    for offset in range(len(columns), max_col - min_col + 1):
        columns.append(TableColumn(id=offset + 1, name=str(ws.cell(row=min_row, column=min_col + offset).value)))
    table.tableColumns = columns


def _columns_of(ws, header_row: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for cell in ws[header_row]:
        if isinstance(cell.value, str) and cell.value.strip():
            found.setdefault(layout.normalize_label(cell.value), cell.column)
    return found


def copy_sop(src, wb, lay, counts: Counts) -> None:
    if layout.SHEET_SOP not in src.sheetnames:
        return
    old, new = src[layout.SHEET_SOP], wb[layout.SHEET_SOP]
    # identity rows (label in A, value in B)
    new_rows = {layout.normalize_label(new.cell(row=r, column=1).value): r for r in range(1, layout.SOP_TABLE_HEADER_ROW)
                if isinstance(new.cell(row=r, column=1).value, str)}
    for label, row in lay.identity_rows.items():
        target = new_rows.get(layout.normalize_label(label))
        if target is not None:
            copy_cell(old.cell(row=row, column=2), new.cell(row=target, column=2))
    # roles list
    if lay.roles_cell is not None:
        r0, c0 = lay.roles_cell
        for offset in range(1, layout.ROLES_MAX + 1):
            new.cell(row=layout.ROLES_HEADER_ROW + offset, column=layout.ROLES_COLUMN).value = None
        offset = 1
        while offset <= layout.ROLES_MAX and not is_blank(old.cell(row=r0 + offset, column=c0).value):
            copy_cell(old.cell(row=r0 + offset, column=c0),
                  new.cell(row=layout.ROLES_HEADER_ROW + offset, column=layout.ROLES_COLUMN))
            offset += 1
    # step table, every non-blank row in order
    if lay.sop_table is not None:
        columns = {label: i for i, label in enumerate(layout.SOP_HEADERS, start=1)}
        rows = _rows_of(old, lay.sop_table, layout.SOP_HEADERS)
        last = max([k for k, _ in rows] + [len(rows)])
        for r in range(layout.SOP_TABLE_HEADER_ROW + 1, layout.SOP_TABLE_HEADER_ROW + 1 + last + 50):
            for c in columns.values():
                new.cell(row=r, column=c).value = None
        for k, cells in rows:
            for label, cell in cells.items():
                copy_cell(cell, new.cell(row=layout.SOP_TABLE_HEADER_ROW + k, column=columns[label]))
        counts.sop_steps = len(rows)
        end = _old_table_end(old, layout.SOP_TABLE_NAME, lay.sop_table.header_row) or last
        _extend_table(new, layout.SOP_TABLE_NAME, layout.SOP_TABLE_HEADER_ROW + max(end, 1))


def copy_settings(src, wb, lay, counts: Counts) -> None:
    if layout.SHEET_SETTINGS not in src.sheetnames:
        return
    old, new = src[layout.SHEET_SETTINGS], wb[layout.SHEET_SETTINGS]
    for label, row in lay.settings_rows.items():
        if label == layout.P_VERSION:
            continue  # the new file has the current version
        copy_cell(old.cell(row=row, column=2), new.cell(row=layout.settings_row(label), column=2))
        counts.settings += 1
    if lay.week_table is not None:
        new_cols = {label: i for i, label in enumerate(layout.WEEK_HEADERS, start=1)}
        new_rows = {layout.normalize_label(new.cell(row=r, column=1).value): r
                    for r in range(layout.WEEK_HEADER_ROW + 1, layout.WEEK_HEADER_ROW + 8)}
        for day, row in lay.week_rows.items():
            target = new_rows.get(layout.normalize_label(day))
            if target is None:
                continue
            for label, col in lay.week_table.columns.items():
                if label != layout.W_DAY:
                    copy_cell(old.cell(row=row, column=col), new.cell(row=target, column=new_cols[label]))
            counts.week_days += 1
    if lay.special_table is not None:
        columns = {label: i for i, label in enumerate(layout.SPECIAL_HEADERS, start=1)}
        rows = _rows_of(old, lay.special_table, layout.SPECIAL_HEADERS)
        for k, cells in rows:
            for label, cell in cells.items():
                copy_cell(cell, new.cell(row=layout.SPECIAL_HEADER_ROW + k, column=columns[label]))
        end = _old_table_end(old, layout.SPECIAL_TABLE_NAME, lay.special_table.header_row) or max(
            [k for k, _ in rows], default=0)
        _extend_table(new, layout.SPECIAL_TABLE_NAME, layout.SPECIAL_HEADER_ROW + max(end, layout.SPECIAL_FREE_ROWS))
        counts.special_rows = len(rows)


def copy_list(src, wb, pos, sheet: str, headers, table: str, counts: Counts, what: str, free: int) -> None:
    if pos is None or sheet not in src.sheetnames:
        return
    old, new = src[sheet], wb[sheet]
    columns = {label: i for i, label in enumerate(headers, start=1)}
    known = {layout.normalize_label(label) for label in headers}
    # columns a person added to the table (e.g. "Golongan" on Pegawai): carried, right of the layout's own
    extras = [cell.column for cell in old[pos.header_row]
              if isinstance(cell.value, str) and cell.value.strip() and layout.normalize_label(cell.value) not in known]
    extra_target = {col: len(headers) + 1 + i for i, col in enumerate(extras)}
    moved[sheet] = dict(extra_target)
    for col, target in extra_target.items():
        copy_cell(old.cell(row=pos.header_row, column=col), new.cell(row=layout.LIST_HEADER_ROW, column=target))
        counts.extra_column_names.append(f"{sheet}: {old.cell(row=pos.header_row, column=col).value}")
    counts.extra_columns += len(extras)
    rows = _rows_of(old, pos, headers)
    for r in range(layout.LIST_HEADER_ROW + 1, new.max_row + 1):  # the builder's rows give way to the old ones
        for c in columns.values():
            new.cell(row=r, column=c).value = None
    for k, cells in rows:
        for label, cell in cells.items():
            copy_cell(cell, new.cell(row=layout.LIST_HEADER_ROW + k, column=columns[label]))
        for col, target in extra_target.items():
            copy_cell(old.cell(row=pos.header_row + k, column=col), new.cell(row=layout.LIST_HEADER_ROW + k, column=target))
    last = max([k for k, _ in rows], default=0)
    end = max(_old_table_end(old, table, pos.header_row), last + free if not old.tables.get(table) else last)
    _extend_table(new, table, layout.LIST_HEADER_ROW + end, (len(headers) + len(extras)) if extras else None)
    if extras:
        _name_table_columns(new, table)
    if what == "staff":
        counts.staff = len(rows)
    else:

        counts.holidays = len(rows)
        counts.cancelled = sum(1 for _, cells in rows if layout.H_CANCELLED in cells and read_yes(cells[layout.H_CANCELLED].value))
        counts.local = sum(1 for _, cells in rows if layout.H_KIND in cells
                           and layout.normalize_label(cells[layout.H_KIND].value) == layout.normalize_label(layout.KIND_LOCAL))


def copy_steps(src, wb, lay, counts: Counts) -> None:
    from lkj_xl.core.validation import YEAR_MAX, YEAR_MIN

    known = {layout.normalize_label(label) for label in layout.STEP_HEADERS + layout.KEY_HEADERS}
    for number, info in lay.steps.items():
        sheet = layout.step_sheet(number)
        if sheet not in src.sheetnames or sheet not in wb.sheetnames:
            continue
        old, new = src[sheet], wb[sheet]
        pos = info.table
        header = layout.STEP_TABLE_HEADER_ROW
        new_cols = {label: i for i, label in enumerate(layout.STEP_HEADERS, start=1)}
        extras = {col: cell.value for col, cell in ((c.column, c) for c in old[pos.header_row])
                  if isinstance(cell.value, str) and cell.value.strip() and layout.normalize_label(cell.value) not in known}
        next_col = len(layout.STEP_HEADERS) + 1
        extra_target: dict[int, int] = {}
        for col in sorted(extras):
            extra_target[col] = next_col
            src_head = old.cell(row=pos.header_row, column=col)
            new.cell(row=header, column=next_col).value = src_head.value
            carried.add(id(src_head))
            new.cell(row=header, column=next_col).font = copy(new.cell(row=header, column=1).font)
            new.cell(row=header, column=next_col).fill = copy(new.cell(row=header, column=1).fill)
            if src_head.comment is not None:
                new.cell(row=header, column=next_col).comment = _copied_comment(src_head.comment)
            next_col += 1
        moved[sheet] = dict(extra_target)
        counts.extra_columns += len(extras)
        for label in layout.STEP_ENTRY_HEADERS:
            new.cell(row=header + 1, column=new_cols[label]).value = None  # the builder's empty row for its year
        last = _old_table_end(old, info.table_name, pos.header_row) if info.table_name else 0
        for sheet_row, _year, blank in info.rows:
            extra_cells = [old.cell(row=sheet_row, column=col) for col in extras]
            if blank and all(is_blank(c.value) for c in extra_cells):
                continue
            k = sheet_row - pos.header_row  # each row keeps its place below the header
            last = max(last, k)
            for label in layout.STEP_ENTRY_HEADERS:
                col = pos.columns.get(label)
                if col is not None:
                    copy_cell(old.cell(row=sheet_row, column=col), new.cell(row=header + k, column=new_cols[label]))
            for col, cell in zip(extras, extra_cells):
                copy_cell(cell, new.cell(row=header + k, column=extra_target[col]))
            counts.step_rows += 1
            # the key the reader parsed: a year (in the accepted range), or a non-yearly SOP's period
            if _year is not None and (not isinstance(_year, int) or YEAR_MIN <= _year <= YEAR_MAX):
                counts.years.add(_year)
        _extend_table(new, layout.step_table(number), header + max(last, 1), next_col - 1)


def copy_history(src, wb, counts: Counts) -> None:
    if layout.SHEET_HISTORY not in src.sheetnames:
        return
    counts.history = _copy_engine_rows(src[layout.SHEET_HISTORY], wb[layout.SHEET_HISTORY], layout.HISTORY_HEADERS)


def _copy_engine_rows(old, new, headers) -> int:
    """An engine list sheet (header on row 1): every non-blank row, column by header label, into ``headers``' order
    from row 2 of ``new``; returns how many rows were copied."""
    columns = _columns_of(old, 1)
    wanted = [columns.get(layout.normalize_label(label)) for label in headers]
    k = 0
    for r in range(2, old.max_row + 1):
        cells = [old.cell(row=r, column=c) if c else None for c in wanted]
        if all(c is None or is_blank(c.value) for c in cells):
            continue
        k += 1
        for i, cell in enumerate(cells, start=1):
            if cell is not None:
                copy_cell(cell, new.cell(row=1 + k, column=i))
    return k


def copy_closed(src, wb) -> None:
    """The closed cycles (layout 3 on): every row, by header label, so a signed cycle stays closed."""
    if layout.SHEET_CLOSED not in src.sheetnames or layout.SHEET_CLOSED not in wb.sheetnames:
        return
    new, old = wb[layout.SHEET_CLOSED], src[layout.SHEET_CLOSED]
    # the key column is "Tahun" or "Periode" (a non-yearly SOP): the old sheet's, whichever it has, goes first
    headers = layout.CLOSED_HEADERS
    if layout.normalize_label(layout.K_YEAR) not in _columns_of(old, 1):
        headers = (layout.K_PERIOD,) + headers[1:]
    k = _copy_engine_rows(old, new, headers)
    if k:
        new.print_area = f"A1:G{k + 1}"


def copy_added_sheets(src, wb, counts: Counts) -> None:
    """Sheets a person added (any sheet the layout does not have): values, formats, comments, merged cells, column
    widths and row heights, freeze panes, data validation and conditional formatting, copied with openpyxl."""
    for old in src.worksheets:
        if old.title in wb.sheetnames:
            continue
        new = wb.create_sheet(old.title)
        for row in old.iter_rows():
            for cell in row:
                if cell.value is None and not cell.has_style and cell.comment is None:
                    continue
                target = new.cell(row=cell.row, column=cell.column)
                copy_cell(cell, target)
                if cell.has_style:
                    target.protection = copy(cell.protection)
                if cell.hyperlink is not None:
                    target.hyperlink = copy(cell.hyperlink)
        for merged in old.merged_cells.ranges:
            new.merge_cells(str(merged))
        for key, dim in old.column_dimensions.items():
            if dim.width is not None:
                new.column_dimensions[key].width = dim.width
            new.column_dimensions[key].hidden = dim.hidden
        for key, dim in old.row_dimensions.items():
            if dim.height is not None:
                new.row_dimensions[key].height = dim.height
            new.row_dimensions[key].hidden = dim.hidden
        new.freeze_panes = old.freeze_panes
        new.sheet_state = old.sheet_state
        for validation in old.data_validations.dataValidation:
            new.add_data_validation(copy(validation))
        for ranges, rules in old.conditional_formatting._cf_rules.items():
            for rule in rules:
                new.conditional_formatting.add(str(ranges.sqref), copy(rule))
        counts.added_sheets.append(old.title)
    if counts.added_sheets:
        for title in counts.added_sheets:  # keep the person's order among the layout's sheets as far as possible
            position = src.sheetnames.index(title)
            wb.move_sheet(title, offset=min(position, len(wb.sheetnames) - 1) - wb.sheetnames.index(title))


__all__ = ["Counts", "carried", "copy_added_sheets", "copy_cell", "copy_closed", "copy_history", "copy_list",
           "copy_settings", "copy_sop", "copy_steps", "moved"]
