"""The cells the engine owns: one definition, used by the writers, both engines and the save check.

Everything else in the workbook belongs to people and is never written, cleared or restyled.  The engine owns:

* on each step sheet, the computed columns (``STEP_COMPUTED_HEADERS``) inside the step table object's own range
  (found by its ``ref`` and its column names, never by a header search), from the first data row to the table's last
  row, including rows typed right below it that the table grows over; and the top block's value cells (the defined
  name ``layout.step_top_name(n)``, or the builder's own rows in an older tracker);
* every cell of its own sheets: Beranda, Masalah, Laporan, Riwayat, Siklus Tertutup.

Besides values, the engine may make only these edits, each with its live-engine equivalent: grow a step table over
the rows typed right below it (``Book.resize_table``; Excel does it by itself as people type), and on its own sheets
row heights (``Book.set_row_height``), the print area (``Book.set_print_area``) and cell hyperlinks
(``Book.set_hyperlink``) (DESIGN.md, "Structure changes are authoring, not refresh").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Sequence

from lkj_xl.workbook import layout
from lkj_xl.workbook.book import Book, cell_address, column_number

#: The engine's own sheets: every cell on them is the engine's.
ENGINE_SHEETS: tuple[str, ...] = (layout.SHEET_HOME, layout.SHEET_PROBLEMS, layout.SHEET_REPORT,
                                  layout.SHEET_HISTORY, layout.SHEET_CLOSED)

Rect = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based, inclusive)


def _split_address(address: str) -> tuple[int, int]:
    letters = address.rstrip("0123456789")
    return int(address[len(letters):]), column_number(letters.lstrip("$"))


@dataclass(frozen=True)
class Ownership:
    """Which cells of which sheets the engine may write, and which tables it may grow."""

    sheets: frozenset[str] = frozenset()  # sheets owned whole
    regions: Mapping[str, tuple[Rect, ...]] = field(default_factory=dict)  # sheet -> owned rectangles
    tables: Mapping[str, frozenset[str]] = field(default_factory=dict)  # sheet -> tables it may grow

    def owns(self, sheet: str, address: str) -> bool:
        if sheet in self.sheets:
            return True
        rects = self.regions.get(sheet)
        if not rects:
            return False
        row, column = _split_address(address)
        return any(r1 <= row <= r2 and c1 <= column <= c2 for r1, c1, r2, c2 in rects)

    def owns_block(self, sheet: str, row: int, column: int, rows: int, columns: int) -> bool:
        """Every cell of the block is owned: each of its columns lies, over the block's rows, in one rectangle."""
        if sheet in self.sheets:
            return True
        rects = self.regions.get(sheet, ())
        last = row + rows - 1
        return all(any(r1 <= row and last <= r2 and c1 <= c <= c2 for r1, c1, r2, c2 in rects)
                   for c in range(column, column + columns))

    def structural(self) -> dict[str, Any]:
        """The non-value edits allowed, in the form :func:`lkj_xl.engines.package.package_differences` takes."""
        return {"tables": {sheet: set(names) for sheet, names in self.tables.items()},
                "row_heights": {sheet: _ALL_ROWS for sheet in self.sheets},
                "hyperlinks": set(self.sheets),
                "print_areas": set(self.sheets)}


class _AllRows(frozenset):
    """Every row number (the engine's own sheets may get any row height)."""

    def __contains__(self, item: object) -> bool:
        return isinstance(item, int)


_ALL_ROWS = _AllRows()


def ownership(tracker: Any, sheet_names: Sequence[str]) -> Ownership:
    """The cells the engine owns in a tracker as the reader found it (:class:`~lkj_xl.workbook.reader.Tracker`)."""
    regions: dict[str, list[Rect]] = {}
    tables: dict[str, frozenset[str]] = {}
    for pos in tracker.layout.steps.values():
        rects = regions.setdefault(pos.sheet, [])
        if pos.table_name is not None:
            first, last = pos.table.header_row + 1, max(pos.last_row, pos.table.header_row + 1)
            for label in layout.STEP_COMPUTED_HEADERS:
                column = pos.table.column(label)
                if column is not None:
                    rects.append((first, column, last, column))
            if pos.absorbed:
                tables[pos.sheet] = frozenset({pos.table_name})
        if pos.top_block is not None:
            row, column = pos.top_block
            rects.append((row, column, row + len(layout.STEP_HEADER_LABELS) - 1, column))
        if pos.title is not None:  # the title line, while it holds the builder's form
            rects.append((1, 1, 1, 1))
    return Ownership(frozenset(s for s in ENGINE_SHEETS if s in sheet_names),
                     {sheet: tuple(rects) for sheet, rects in regions.items()}, tables)


class OwnershipError(AssertionError):
    """A writer tried to write a cell the engine does not own: a bug, never a person's doing."""


class GuardedBook(Book):
    """A Book that refuses any write outside the owned cells, so no writer can touch a person's cell by mistake,
    whichever engine is underneath."""

    def __init__(self, book: Book, owned: Ownership):
        self.inner = book
        self.owned = owned
        self.name = book.name

    def sheet_names(self) -> list[str]:
        return self.inner.sheet_names()

    def has_sheet(self, sheet: str) -> bool:
        return self.inner.has_sheet(sheet)

    def read(self, sheet: str):
        return self.inner.read(sheet)

    def tables(self, sheet: str) -> dict[str, str]:
        return self.inner.tables(sheet)

    def defined_name(self, name: str) -> str | None:
        return self.inner.defined_name(name)

    def user_name(self) -> str:
        return self.inner.user_name()

    def write(self, sheet: str, row: int, column: int, values: Sequence[Sequence[Any]]) -> None:
        width = max((len(r) for r in values), default=0)
        if values and width and not self.owned.owns_block(sheet, row, column, len(values), width):
            raise OwnershipError(f"write outside the engine's cells: {sheet}!{cell_address(row, column)} "
                                 f"({len(values)}x{width})")
        self.inner.write(sheet, row, column, values)

    def set_formula_result(self, sheet: str, row: int, column: int, value: Any) -> None:
        if sheet not in self.owned.sheets:
            raise OwnershipError(f"formula results are stored on the engine's own sheets only, not {sheet}")
        self.inner.set_formula_result(sheet, row, column, value)

    def set_hyperlink(self, sheet: str, row: int, column: int, url: str | None) -> None:
        # a link is structure: only on the engine's own sheets, where every cell is the engine's
        if sheet not in self.owned.sheets:
            raise OwnershipError(f"hyperlink outside the engine's sheets: {sheet}!{cell_address(row, column)}")
        self.inner.set_hyperlink(sheet, row, column, url)

    def set_row_height(self, sheet: str, row: int, height: float, rows: int = 1) -> None:
        if sheet not in self.owned.sheets:
            raise OwnershipError(f"row height outside the engine's sheets: {sheet} row {row}")
        self.inner.set_row_height(sheet, row, height, rows)

    def set_print_area(self, sheet: str, ref: str) -> None:
        if sheet not in self.owned.sheets:
            raise OwnershipError(f"print area outside the engine's sheets: {sheet}")
        self.inner.set_print_area(sheet, ref)

    def resize_table(self, sheet: str, name: str, ref: str) -> None:
        if name not in self.owned.tables.get(sheet, ()):
            raise OwnershipError(f"table {name} on {sheet} may not be resized")
        self.inner.resize_table(sheet, name, ref)


def people_cells(book: Book, owned: Ownership) -> Iterator[tuple[str, str, Any]]:
    """Every non-empty cell a person owns, with its value: (sheet, "B7", value).  For checks and tests."""
    for sheet in book.sheet_names():
        if sheet in owned.sheets:
            continue
        for r0, row in enumerate(book.read(sheet)):
            for c0, value in enumerate(row):
                if value is not None:
                    address = cell_address(r0 + 1, c0 + 1)
                    if not owned.owns(sheet, address):
                        yield sheet, address, value


__all__ = ["ENGINE_SHEETS", "GuardedBook", "Ownership", "OwnershipError", "ownership", "people_cells"]
