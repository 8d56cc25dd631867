"""Finding things in a sheet's values: a table's header row by its labels, a label's row, a table's rows.

Used to *read* the sheets people own (SOP, Pengaturan, Hari Libur, Pegawai): forgiving about the layout (an extra or
moved column still reads).  Where the engine *writes* it never searches: it uses table objects and defined names
(:mod:`lkj_xl.workbook.owned`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from lkj_xl.core.values import is_blank, normalize_label

@dataclass(frozen=True)
class TablePos:
    """Where a table was found: its header row (1-based) and the 1-based column of each layout label found."""

    sheet: str
    header_row: int
    columns: Mapping[str, int]

    def column(self, label: str | None) -> int | None:
        return self.columns.get(label) if label is not None else None

    def sheet_row(self, index: int) -> int:
        """Sheet row of the table row with 0-based ``index`` (blank rows count)."""
        return self.header_row + 1 + index



def cell_at(values: Sequence[Sequence[Any]], row0: int, col0: int) -> Any:
    if 0 <= row0 < len(values):
        row = values[row0]
        if 0 <= col0 < len(row):
            return row[col0]
    return None



def find_header(values: Sequence[Sequence[Any]], labels: Sequence[str], min_matches: int) -> tuple[int, dict[str, int]] | None:
    """The row (0-based) holding most of ``labels`` (at least ``min_matches``), with the 0-based
    column of each label found there (first occurrence)."""
    wanted = {normalize_label(label): label for label in labels}
    best: tuple[int, dict[str, int]] | None = None
    for r0, row in enumerate(values):
        found: dict[str, int] = {}
        for c0, value in enumerate(row):
            if isinstance(value, str):
                label = wanted.get(normalize_label(value))
                if label is not None and label not in found:
                    found[label] = c0
        if len(found) >= min_matches and (best is None or len(found) > len(best[1])):
            best = (r0, found)
    return best


def label_rows(values: Sequence[Sequence[Any]], labels: Iterable[str], column0: int = 0,
                stop_row0: int | None = None) -> dict[str, int]:
    """Label -> 0-based row where column ``column0`` holds it (first occurrence, above ``stop_row0``)."""
    wanted = {normalize_label(label): label for label in labels}
    found: dict[str, int] = {}
    for r0, row in enumerate(values[:stop_row0]):
        if column0 < len(row) and isinstance(row[column0], str):
            label = wanted.get(normalize_label(row[column0]))
            if label is not None and label not in found:
                found[label] = r0
    return found


def table_values(values: Sequence[Sequence[Any]], pos: TablePos, labels: Sequence[str], end_row0: int | None = None):
    """Yield (0-based table index, {label: value}, blank) for every row below the header to the sheet's end (or up
    to the 0-based row ``end_row0``, exclusive)."""
    cols = [(label, pos.columns[label] - 1) for label in labels if label in pos.columns]
    stop = len(values) if end_row0 is None else min(end_row0, len(values))
    for r0 in range(pos.header_row, stop):
        row = values[r0]
        data = {label: (row[c0] if c0 < len(row) else None) for label, c0 in cols}
        yield r0 - pos.header_row, data, all(is_blank(v) for v in data.values())
