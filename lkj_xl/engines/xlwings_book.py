"""The workbook open in Excel as a :class:`~lkj_xl.workbook.book.Book`, through xlwings (the ribbon).

Works over any xlwings ``Book``: desktop Excel (COM on Windows, AppleScript on macOS) or xlwings' json ("remote")
engine, where the workbook arrives as a JSON snapshot and writes leave as a list of actions (``book.json()``).
This module does not import xlwings itself: it only calls methods of the book it is given.

Engine calls
    ``read(sheet)`` costs one value fetch per sheet per action: the first read fetches the sheet's values from A1 to
    the last used cell in one range read (plus the used-range lookup that finds that cell); later reads of the same
    sheet are served from a cache that ``write`` keeps up to date, so a writer that reads a sheet after writing it
    sees its own writes on every engine (the json engine's snapshot never changes during a call).  That is safe
    because Excel waits while RunPython runs: nobody can type in the workbook meanwhile.  ``write`` is one range
    assignment per block, and none for a block of a sheet already read whose cells hold exactly those values (the
    same value of the same type as a read after the write would give): every refresh writes the step sheets' top
    blocks and every year's computed columns, which seldom change between clicks, and each assignment is a call into
    Excel (one more action in the json engine's answer).  A formula someone typed into an engine-owned cell that
    shows exactly the value refresh computes therefore stays until the value differs.  ``reads`` and ``writes`` count
    those engine calls (``calls`` lists them) for tests and benchmarks.
    On the json engine a block's ``setValues`` action is made without xlwings' value pipeline, whose every write
    copies the whole sheet's values there (``Range.api``) several times: a range of the block's size gets the cells
    as xlwings' own per-cell cleaning leaves them, the same action (tests/test_live_write_actions.py).  Desktop
    Excel keeps the pipeline.

Values read (normalised to the Book contract)
    * empty cell -> ``None``; a number -> ``int`` when it is integral (Excel stores every number as a double; file
      mode gives ``int`` for the same cell), else ``float``; ``bool`` stays ``bool``; an error value (``#N/A``...)
      -> its text, as openpyxl gives it in file mode;
    * desktop Excel: xlwings converts date cells to ``datetime`` (naive) and leaves text alone;
    * a time-of-day cell (serial below 1, which both engines give as a datetime on 1899-12-30) -> ``time``, as
      openpyxl gives it in file mode;
    * json engine: the payload has no types: a client sends a date or time cell (number format category Date/Time)
      as the ISO text of JavaScript's ``toISOString()`` / VBA's ``Format(d, "yyyy-mm-ddTHH:mm:ss.000Z")``, i.e.
      exactly ``YYYY-MM-DDTHH:MM:SS.fffZ``, and text as it is.  Only that exact shape becomes a ``datetime``; a
      person's text such as ``06/01/2026 08.00`` or ``2026-01-06`` stays text, for validation to read (and report)
      the same way as in file mode.  Text in exactly the client's shape (with milliseconds and a ``Z``) cannot be
      told apart from a date cell; nobody types that.  We read the payload with ``raw_value`` rather than
      xlwings' ``value`` because xlwings' converter turns *any* text matching its looser ISO pattern into a date
      and raises ``ValueError`` on text like ``2026-01-06T08:00:00`` (it cuts the last character as if it were
      a ``Z``): one odd cell would break the whole action.

Values written
    * every non-empty ``str`` is written with a leading apostrophe (``'``).  Excel treats a value assigned to a cell
      like typed input: ``=``, ``+``, ``-``, ``@`` start a formula, ``0123`` becomes 123, ``06 Januari 2026`` or
      ``1/2`` a date, ``BENAR`` a boolean, an 18-digit NIP a rounded number.  The apostrophe is Excel's "this is
      text" prefix: it is not part of the cell's value (``Range.Value`` reads the text without it) and it is the one
      marker that both desktop Excel (``Range.Value = "'..."``) and the json engine's clients (xlwings' VBA client
      assigns the text to ``Range.Value``; Office.js sets ``values``, which follows the same typing rules) honour.
      So a live write ends in the same cell value as file mode's literal text cell (:class:`FileBook` writes
      ``data_type "s"``).  The json engine passes strings through unchanged, so its ``setValues`` action carries the
      apostrophe; a client applying it (or the tests' ``apply_actions``) must treat it as that prefix.
    * ``""`` and ``None`` empty the cell; ``datetime`` -> a date cell (timezone dropped); ``time`` -> the fraction
      of a day Excel stores for a time; numbers and booleans as they are; anything else as its text.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any, Sequence

from lkj_xl.workbook.book import Book, Values, cell_text

#: A date or time cell as the json engine's clients serialise it (JS ``toISOString()``; VBA ``ConvertToIso``).
CLIENT_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z")


#: Prefix that makes Excel keep a value as literal text.
TEXT_PREFIX = "'"

_MAX_EXACT_INT = 2 ** 53
#: Day 0 of Excel's serial dates as the engines give it: a datetime on this day is a time of day (a serial < 1).
_EXCEL_DAY_ZERO = date(1899, 12, 30)


def is_json_engine(xl_book: Any) -> bool:
    """True for xlwings' json ("remote") engine, False for desktop Excel."""
    try:
        return xl_book.app.engine.name == "remote"
    except Exception:  # noqa: BLE001 - any other engine or a mock: treat as desktop
        return False


def _number(value: float) -> int | float:
    if value.is_integer() and abs(value) < _MAX_EXACT_INT:
        return int(value)
    return value


def normalise_cell(value: Any, *, json_engine: bool) -> Any:
    """One cell value as an engine gave it -> the Book contract (see the module doc)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value == "":
            return None
        if json_engine:
            found = CLIENT_DATETIME.fullmatch(value)
            if found:
                y, mo, d, h, mi, s, ms = (int(part) for part in found.groups())
                try:
                    value = datetime(y, mo, d, h, mi, s, ms * 1000)
                except ValueError:
                    return value
                return _time_of_day(value)
        return value
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        return _time_of_day(value.replace(tzinfo=None) if value.tzinfo is not None else value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return value


def _time_of_day(value: datetime) -> datetime | time:
    """A time cell (serial below 1) comes as a datetime on 1899-12-30 from both engines; openpyxl (file mode) gives
    a ``time`` for it, so do we."""
    return value.time() if value.date() == _EXCEL_DAY_ZERO else value


def literal_cell(value: Any) -> Any:
    """One value to write -> what the engine must be given so the cell ends as that value (see the module doc)."""
    if value is None:
        return None
    if isinstance(value, str):
        return TEXT_PREFIX + cell_text(value) if value else None
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is not None else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    return TEXT_PREFIX + cell_text(str(value))


def _cached_cell(value: Any) -> Any:
    """What a read after the write gives for a written value (the cache's copy of the cell)."""
    if isinstance(value, str):
        return cell_text(value) if value else None
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is not None else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if value is None or isinstance(value, (bool, int, time)):
        return value
    return str(value)


class LiveBook(Book):
    """An xlwings ``Book`` (desktop Excel or the json engine) as a :class:`~lkj_xl.workbook.book.Book`."""

    def __init__(self, xl_book: Any):
        self.xl_book = xl_book
        self.json_engine = is_json_engine(xl_book)
        try:
            self.name = str(xl_book.name)
        except Exception:  # noqa: BLE001
            self.name = ""
        #: engine calls: value fetches of whole sheets, and block writes
        self.reads = 0
        self.writes = 0
        #: blocks not written because the cells already held exactly those values
        self.unchanged = 0
        #: tables grown over rows typed right below them (once per table, not per click)
        self.resizes = 0
        #: ("read", sheet) / ("write", sheet, row, column, rows, columns), in order
        self.calls: list[tuple[Any, ...]] = []
        self._names: list[str] | None = None
        self._cache: dict[str, Values] = {}
        #: the json engine's per-cell cleaning for a write, found where xlwings' CleanDataForWriteStage finds it
        self._prepare = xl_book.app.engine.impl.prepare_xl_data_element if self.json_engine else None

    # -- Book --
    def sheet_names(self) -> list[str]:
        if self._names is None:
            self._names = [sheet.name for sheet in self.xl_book.sheets]
        return list(self._names)

    def has_sheet(self, sheet: str) -> bool:
        return sheet in self.sheet_names()

    def _sheet(self, sheet: str) -> Any:
        if sheet not in self.sheet_names():
            raise KeyError(sheet)
        return self.xl_book.sheets[sheet]

    def read(self, sheet: str) -> Values:
        cached = self._cache.get(sheet)
        if cached is None:
            cached = self._cache[sheet] = self._fetch(sheet)
        return [list(row) for row in cached]

    def _fetch(self, sheet: str) -> Values:
        xl_sheet = self._sheet(sheet)
        last = xl_sheet.used_range.last_cell
        rows, columns = last.row, last.column
        rng = xl_sheet.range((1, 1), (rows, columns))
        if self.json_engine:
            raw = rng.raw_value  # the payload as sent, see the module doc
        else:
            raw = rng.options(ndim=2, empty=None, err_to_str=True).value
        self.reads += 1
        self.calls.append(("read", sheet))
        # rectangular, A1 to the last used cell, like FileBook
        # empty cells (most of a sheet: None from Excel, "" from the json engine) skip the call, empty rows (most
        # rows of the lists: formatted for typing, or Masalah's linked rows) the cell-by-cell pass
        norm, json_engine = normalise_cell, self.json_engine
        values = [[None] * columns if row.count("") + row.count(None) == len(row) else
                  [None if v is None or v == "" else norm(v, json_engine=json_engine) for v in row[:columns]]
                  for row in raw[:rows]]
        for row in values:
            if len(row) < columns:
                row.extend([None] * (columns - len(row)))
        while len(values) < rows:
            values.append([None] * columns)
        return values

    def write(self, sheet: str, row: int, column: int, values: Sequence[Sequence[Any]]) -> None:
        if row < 1 or column < 1:
            raise ValueError(f"write at row {row}, column {column}: both are 1-based")
        block = [list(r) for r in values]
        if not block:
            return
        width = max(len(r) for r in block)
        if width == 0:
            return
        for r in block:
            r.extend([None] * (width - len(r)))
        xl_sheet = self._sheet(sheet)
        cached = self._cache.get(sheet)
        if cached is not None and self._holds(cached, row, column, block):
            self.unchanged += 1  # the cells already hold exactly these values: no engine call
            return
        cells = [[literal_cell(v) for v in r] for r in block]
        if self._prepare is None or not self._set_values_json(xl_sheet, row, column, cells):
            xl_sheet.range((row, column)).value = cells
        self.writes += 1
        self.calls.append(("write", sheet, row, column, len(block), width))
        if cached is not None:
            self._update_cache(cached, row, column, block)

    def _set_values_json(self, xl_sheet: Any, row: int, column: int, cells: list[list[Any]]) -> bool:
        """The json engine: the ``setValues`` action ``range((row, column)).value = cells`` appends, made without
        xlwings' value pipeline, which there costs a copy of the whole sheet's values several times per write
        (``Range.api`` rebuilds them; the pipeline's ``resize`` and its write stage call it).  A range of the
        block's exact size gets the cells as xlwings' own cleaning leaves them (``prepare_xl_data_element``, what
        its CleanDataForWriteStage calls) through ``raw_value``, the setter the pipeline ends in: the same action.
        False (nothing done) for a block above the engine's cell budget per write, which the pipeline splits into
        several actions."""
        rows, columns = len(cells), len(cells[0])
        rng = xl_sheet.range((row, column), (row + rows - 1, column + columns - 1))
        budget = rng.impl.max_cells_per_write
        if budget is not None and rows * columns > budget:
            return False
        prepare, options = self._prepare, {}  # the options of a range made without any, as the pipeline passes
        rng.raw_value = [[prepare(value, options) for value in r] for r in cells]
        return True

    @staticmethod
    def _holds(cached: Values, row: int, column: int, block: list[list[Any]]) -> bool:
        """Whether the sheet as read (and written since) already holds ``block`` at ``row``, ``column``: every cell
        the same value of the same type as a read after the write would give (beyond the used range: empty)."""
        for r_off, values in enumerate(block):
            r0 = row - 1 + r_off
            target = cached[r0] if r0 < len(cached) else ()
            for c_off, value in enumerate(values):
                c0 = column - 1 + c_off
                now = target[c0] if c0 < len(target) else None
                new = _cached_cell(value)
                if type(now) is not type(new) or now != new:
                    return False
        return True

    @staticmethod
    def _update_cache(cached: Values, row: int, column: int, block: list[list[Any]]) -> None:
        last_row, last_col = row + len(block) - 1, column + len(block[0]) - 1
        width = len(cached[0]) if cached else 0  # the cache is rectangular (as read), and stays so
        if last_col > width:
            grown = [None] * (last_col - width)
            for r in cached:
                r.extend(grown)
            width = last_col
        while len(cached) < last_row:
            cached.append([None] * width)
        for r_off, values in enumerate(block):
            target = cached[row - 1 + r_off]
            for c_off, value in enumerate(values):
                target[column - 1 + c_off] = _cached_cell(value)

    def tables(self, sheet: str) -> dict[str, str]:
        """Table name -> ref of the sheet's tables (ListObjects), as Excel has them now (Excel grows a table while
        people type right below it)."""
        found: dict[str, str] = {}
        for table in self._sheet(sheet).tables:
            rng = table.range
            if rng is not None:
                found[str(table.name)] = str(rng.address).replace("$", "")
        return found

    def defined_name(self, name: str) -> str | None:
        try:
            defined = self.xl_book.names[name]
        except Exception:  # noqa: BLE001 - KeyError on the json engine, COM errors on desktop: no such name
            return None
        refers_to = defined.refers_to
        return str(refers_to).lstrip("=") if refers_to else None

    def resize_table(self, sheet: str, name: str, ref: str) -> None:
        xl_sheet = self._sheet(sheet)
        xl_sheet.tables[name].resize(xl_sheet.range(ref))
        self.resizes += 1
        self.calls.append(("resize_table", sheet, name, ref))

    def set_hyperlink(self, sheet: str, row: int, column: int, url: str | None) -> None:
        """A cell hyperlink showing the cell's current value.  Desktop Excel: ``Hyperlinks.Add`` / ``Delete``; the
        json engine: its ``addHyperlink`` action (its clients cannot delete a link: a removed link stays on the
        cell, whose value the writer has emptied or replaced)."""
        rng = self._sheet(sheet).range((row, column))
        if url is None:
            if not self.json_engine:
                try:
                    rng.api.Hyperlinks.Delete()  # Windows (COM)
                except Exception:  # noqa: BLE001 - no link there, or macOS: nothing to delete
                    pass
            self.calls.append(("set_hyperlink", sheet, row, column, None))
            return
        cached = self._cache.get(sheet)
        if cached is not None and row <= len(cached) and column <= len(cached[row - 1]):
            text = cached[row - 1][column - 1]
        else:
            text = None if self.json_engine else rng.value
        # xlwings shows the address when no text is given: always give the cell's value
        rng.add_hyperlink(url, "" if text is None else str(text))
        self.calls.append(("set_hyperlink", sheet, row, column, url))

    def set_row_height(self, sheet: str, row: int, height: float, rows: int = 1) -> None:
        """``Range.row_height`` over the rows, one call (desktop: ``RowHeight``; the json engine: ``setRowHeight``)."""
        self._sheet(sheet).range((row, 1), (row + rows - 1, 1)).row_height = height
        self.calls.append(("set_row_height", sheet, row, height, rows))

    def set_print_area(self, sheet: str, ref: str) -> None:
        """``PageSetup.print_area`` (desktop: ``PageSetup.PrintArea``; the json engine: ``setPrintArea``)."""
        self._sheet(sheet).page_setup.print_area = ref
        self.calls.append(("set_print_area", sheet, ref))

    def user_name(self) -> str:
        """Excel's user name (File > Options > General) where the engine exposes it, else the OS user."""
        if not self.json_engine:
            try:
                name = self.xl_book.app.api.UserName  # Windows (COM)
                if isinstance(name, str) and name.strip():
                    return name.strip()
            except Exception:  # noqa: BLE001 - macOS / no COM: fall back to the OS user
                pass
        return super().user_name()

    # -- extras for the ribbon --
    def activate(self, sheet: str) -> bool:
        """Bring ``sheet`` to the front; False when the workbook has no such sheet."""
        if not self.has_sheet(sheet):
            return False
        self.xl_book.sheets[sheet].activate()
        return True


__all__ = ["CLIENT_DATETIME", "LiveBook", "TEXT_PREFIX", "is_json_engine", "literal_cell", "normalise_cell"]
