"""Where a problem is: a :class:`~lkj_xl.core.entries.Location` (what the core knows: a step row, a staff row, a
setting...) to the sheet and cell the reader found it in.

The reader records where everything is (:class:`~lkj_xl.workbook.reader.ReadLayout`); :class:`CellIndex` turns that
record into one dictionary from location to cell, so locating a problem is a lookup.  The keys per area are those
:mod:`lkj_xl.core.entries` documents; a field may be given by its column label or by its attribute name ("nip").
"""

from __future__ import annotations

from typing import Any, Mapping

from lkj_xl.core.entries import (
    AREA_BOOK, AREA_CELL, AREA_EVALUATION, AREA_HOLIDAYS, AREA_SETTINGS, AREA_SOP, AREA_STAFF, AREA_STEP, Location,
)
from lkj_xl.core.sop import IDENTITY_FIELDS
from lkj_xl.core.values import normalize_label
from lkj_xl.workbook import layout
from lkj_xl.workbook.book import cell_address
from lkj_xl.workbook.tables import TablePos

Cell = tuple[str, "str | None"]

#: attribute name -> column label, per area (a core module may name a field either way)
_ATTRIBUTE_LABELS: dict[str, dict[str, str]] = {
    AREA_STEP: {normalize_label(attr): label for label, attr in layout.STEP_ATTRIBUTES.items()},
    AREA_STAFF: {normalize_label(attr): label for label, attr in layout.STAFF_ATTRIBUTES.items()},
    AREA_SOP: {normalize_label(attr): label for label, attr in layout.SOP_ATTRIBUTES.items()},
    AREA_EVALUATION: {normalize_label(attr): label for label, attr in layout.EVALUATION_ATTRIBUTES.items()},
}
#: the sheet an area's problems are on when no cell is known
_AREA_SHEETS = {AREA_STAFF: layout.SHEET_STAFF, AREA_HOLIDAYS: layout.SHEET_HOLIDAYS, AREA_SOP: layout.SHEET_SOP,
                AREA_SETTINGS: layout.SHEET_SETTINGS, AREA_EVALUATION: layout.SHEET_EVALUATION}


def _field(area: str, field: str | None) -> str:
    if field is None:
        return ""
    wanted = normalize_label(field)
    return normalize_label(_ATTRIBUTE_LABELS.get(area, {}).get(wanted, field))


def _key(key: Any) -> Any:
    if isinstance(key, str):
        return normalize_label(key)
    if isinstance(key, list):
        return tuple(_key(k) for k in key)
    if isinstance(key, tuple):
        return tuple(_key(k) for k in key)
    if isinstance(key, float) and key.is_integer():
        return int(key)
    return key


class _Table:
    """A table the reader found: cell = (the row its key maps to, the column its field names)."""

    def __init__(self, area: str, table: TablePos, rows: Mapping[Any, int], default: str):
        self.table, self.rows = table, rows
        self.columns = {_field(area, label): column for label, column in table.columns.items()}
        self.columns[""] = table.columns.get(default)

    def cell(self, key: Any, field: str) -> Cell | None:
        row = self.rows.get(key)
        column = self.columns.get(field) if field in self.columns else self.columns[""]
        if row is None or column is None:
            return None
        return self.table.sheet, cell_address(row, column)


class CellIndex:
    """Location -> (sheet, cell address) for everything the reader found: single cells in a dictionary, table rows
    as (key -> row, field -> column) dictionaries per table."""

    def __init__(self) -> None:
        self._cells: dict[tuple[str, Any, str], Cell] = {}
        self._tables: dict[str, list[_Table]] = {}

    def add(self, area: str, key: Any, field: str | None, sheet: str, row: int, column: int) -> None:
        self._cells.setdefault((area, _key(key), _field(area, field)), (sheet, cell_address(row, column)))

    def add_table(self, area: str, table: TablePos, rows: Mapping[Any, int], default: str) -> None:
        """A table whose row for ``key`` is ``rows[key]``; a key without a field points at ``default``'s cell."""
        self._tables.setdefault(area, []).append(_Table(area, table, rows, default))

    def cell_of(self, location: Location) -> Cell:
        area = location.area
        if area == AREA_CELL:
            sheet, address = location.key  # type: ignore[misc]
            return str(sheet), str(address)
        if area == AREA_BOOK:
            return (location.key if isinstance(location.key, str) else ""), None
        key, field = _key(location.key), _field(area, location.field)
        found = self._cells.get((area, key, field))
        if found is None and field:
            found = self._cells.get((area, key, ""))
        for table in self._tables.get(area, ()):
            if found is not None:
                break
            found = table.cell(key, field)
        if found is not None:
            return found
        if area == AREA_STEP:
            step = key[0] if isinstance(key, tuple) else key
            return (layout.step_sheet(step) if isinstance(step, int) else ""), None
        return _AREA_SHEETS.get(area, ""), None


def build_index(read: Any) -> CellIndex:
    """The index of a :class:`~lkj_xl.workbook.reader.ReadLayout`."""
    index = CellIndex()
    for number, pos in read.steps.items():
        index.add_table(AREA_STEP, pos.table, {(number, i): row for i, (row, _, _) in enumerate(pos.rows)},
                        layout.F_YEAR)
        if pos.top_block is not None:
            first, column = pos.top_block
            for offset, label in enumerate(layout.STEP_HEADER_LABELS):
                index.add(AREA_STEP, number, label, pos.sheet, first + offset, column)
                index.add(AREA_STEP, (number, None), label, pos.sheet, first + offset, column)
    if read.staff_table is not None:
        index.add_table(AREA_STAFF, read.staff_table, _table_rows(read.staff_table, read.staff_rows), layout.E_NAME)
    if read.holiday_table is not None:
        index.add_table(AREA_HOLIDAYS, read.holiday_table, _table_rows(read.holiday_table, read.holiday_rows),
                        layout.H_DATE)
    if read.evaluation_table is not None:
        index.add_table(AREA_EVALUATION, read.evaluation_table,
                        _table_rows(read.evaluation_table, read.evaluation_rows), layout.V_YEAR)
    if read.sop_table is not None:
        index.add_table(AREA_SOP, read.sop_table, dict(read.sop_rows), layout.S_NO)
        for label, column in read.sop_table.columns.items():  # a column as a whole: its header cell
            index.add(AREA_SOP, None, label, layout.SHEET_SOP, read.sop_table.header_row, column)
    if read.flow_table is not None:
        index.add_table(AREA_SOP, read.flow_table, dict(read.flow_rows), layout.A_STEP)
    for label, attr in IDENTITY_FIELDS:
        if label in read.identity_rows:
            for key in (label, attr):
                index.add(AREA_SOP, key, None, layout.SHEET_SOP, read.identity_rows[label], 2)
    if read.roles_cell is not None:
        index.add(AREA_SOP, layout.ROLES_HEADER, None, layout.SHEET_SOP, *read.roles_cell)
    for label, row in read.settings_rows.items():
        index.add(AREA_SETTINGS, label, None, layout.SHEET_SETTINGS, row, 2)
    if read.week_table is not None:
        index.add_table(AREA_SETTINGS, read.week_table, {_key(day): row for day, row in read.week_rows.items()},
                        layout.W_DAY)
    if read.special_table is not None:
        index.add_table(AREA_SETTINGS, read.special_table, {("khusus", row): row for row in read.special_rows},
                        layout.X_FROM)
    return index


def _table_rows(table: TablePos, count: int) -> dict[int, int]:
    """0-based table index -> sheet row, for the first ``count`` rows of a table."""
    return {i: table.sheet_row(i) for i in range(count)}


__all__ = ["CellIndex", "build_index"]
