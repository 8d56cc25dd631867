"""Reading the tracker workbook into core values, and writing computed values back.

Works through any :class:`~lkj_xl.workbook.book.Book` (a file through openpyxl, or the workbook open in Excel through
xlwings), so this module imports neither openpyxl nor xlwings.  Each sheet is read once (one ``book.read``).

Reading is forgiving about the layout and strict about reporting: tables are found by their header labels (an extra
or moved column still works), settings by their labels; a missing sheet, table or column, an unreadable setting, a
bad "Waktu" or bad working hours becomes a :class:`~lkj_xl.core.entries.Problem` in ``Tracker.problems`` (with a
fallback value so the rest can still be read).  What people typed in the step tables and the staff list is kept raw
for :mod:`lkj_xl.core.validation`.

Writers write values only, one block per sheet where the layout allows, never into entry cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Iterable, Mapping, Sequence

from lkj_xl.workbook import layout
from lkj_xl.workbook.book import Book, cell_address
from lkj_xl.core.worktime import (
    DEFAULT_WEEK, WEEKDAY_NAMES_ID, DayHours, SpecialHours, WorkingCalendar, national_holidays,
)
from lkj_xl.core.entries import (
    AREA_BOOK, AREA_HOLIDAYS, AREA_SETTINGS, AREA_SOP, AREA_STAFF, AREA_STEP, ERROR, WARNING, Location, Problem,
    StaffEntry, StepEntry,
)
from lkj_xl.core.values import as_int, as_text, is_blank, naive, read_yes
from lkj_xl.core.dates import format_date_id, parse_datetime
from lkj_xl.core.errors import ParseError
from lkj_xl.core.settings import DEFAULT_BACKUPS, DEFAULT_DUE_SOON_HOURS, Settings
from lkj_xl.core.sop import DEFAULT_SOP, IDENTITY_FIELDS, Sop, Step, parse_waktu
from lkj_xl.core.validation import YEAR_MAX, YEAR_MIN


_HEADER_SEARCH_ROWS = 60  # a table's header row is looked for in this many top rows


# --- where things were found -----------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class StepSheetPos:
    """A step sheet as read: its table, the rows of its top block, and per table row what the writer needs."""

    table: TablePos
    header_rows: Mapping[str, int]  # top-block label -> sheet row of its value (column B)
    rows: tuple[tuple[int, int | None, bool], ...]  # (sheet row, year or None, entry cells all blank)
    computed: tuple[tuple[Any, ...], ...]  # computed cells as read, per row of ``rows``, in STEP_COMPUTED_HEADERS order


@dataclass(frozen=True)
class ReadLayout:
    sheets: tuple[str, ...] = ()
    sop_table: TablePos | None = None
    sop_rows: Mapping[int, int] = field(default_factory=dict)  # step number -> sheet row on SOP
    identity_rows: Mapping[str, int] = field(default_factory=dict)  # identity label -> sheet row on SOP
    roles_cell: tuple[int, int] | None = None  # (row, column) of the roles header on SOP
    settings_rows: Mapping[str, int] = field(default_factory=dict)  # setting label -> sheet row on Pengaturan
    week_table: TablePos | None = None
    week_rows: Mapping[str, int] = field(default_factory=dict)  # weekday name -> sheet row on Pengaturan
    special_table: TablePos | None = None  # special hours (Ramadan) on Pengaturan
    holiday_table: TablePos | None = None
    staff_table: TablePos | None = None
    steps: Mapping[int, StepSheetPos] = field(default_factory=dict)


# --- the tracker ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tracker:
    """Everything the engine needs from the workbook, as core values."""

    settings: Settings
    sop: Sop
    holidays: frozenset[date]  # dates on the Hari Libur sheet in force (not marked "Bukan libur")
    holiday_years: frozenset[int]  # years the sheet covers (has a Nasional/Cuti Bersama row for)
    staff: list[StaffEntry]
    entries: list[StepEntry]
    problems: list[Problem]
    removed_holidays: frozenset[date] = frozenset()  # dates marked "Bukan libur": never holidays
    holiday_names: Mapping[date, str] = field(default_factory=dict, compare=False)
    layout: ReadLayout = field(default_factory=ReadLayout, compare=False, repr=False)

    def entries_for(self, year: int) -> list[StepEntry]:
        """Rows of every step table whose Tahun reads as ``year``."""
        return [e for e in self.entries if as_int(e.year) == year]

    def years(self) -> list[int]:
        """Reporting years found in the step tables, ascending."""
        return sorted({y for y in (as_int(e.year) for e in self.entries) if y is not None})

    def cell_of(self, location: Location) -> tuple[str, str | None]:
        """The sheet and cell address ("B7") a location points at; the address is None when there is no cell
        (the workbook as a whole, a missing sheet or column)."""
        return _cell_of(self, location)


# --- value helpers -------------------------------------------------------------------------------------------------


def _lines(value: Any) -> tuple[str, ...]:
    """A list field: one item per line."""
    return tuple(line.strip() for line in as_text(value).splitlines() if line.strip())


def _split_roles(value: Any) -> tuple[str, ...]:
    return tuple(part.strip() for part in re.split(r"[,;\n]", as_text(value)) if part.strip())


def _to_time(value: Any) -> time | None:
    """A clock time from a cell: time, datetime, a day fraction (live Excel) or text "07.30"/"07:30".
    Blank -> None; unreadable -> ValueError."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return time(minutes // 60, minutes % 60)
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{1,2})[.:](\d{2})\s*", value)
        if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
            return time(int(match.group(1)), int(match.group(2)))
    raise ValueError(value)


def _to_date(value: Any) -> date | None:
    """A date from a cell; blank -> None; unreadable -> ValueError."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    parsed = parse_datetime(value)  # raises ParseError (a ValueError) when unreadable
    return parsed.date() if parsed is not None else None


def _cell(values: Sequence[Sequence[Any]], row0: int, col0: int) -> Any:
    if 0 <= row0 < len(values):
        row = values[row0]
        if 0 <= col0 < len(row):
            return row[col0]
    return None


# --- finding things in a sheet's values ----------------------------------------------------------------------------


def _find_header(values: Sequence[Sequence[Any]], labels: Sequence[str], min_matches: int) -> tuple[int, dict[str, int]] | None:
    """The row (0-based) among the top rows holding most of ``labels`` (at least ``min_matches``), with the 0-based
    column of each label found there (first occurrence)."""
    wanted = {layout.normalize_label(label): label for label in labels}
    best: tuple[int, dict[str, int]] | None = None
    for r0, row in enumerate(values[:_HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for c0, value in enumerate(row):
            if isinstance(value, str):
                label = wanted.get(layout.normalize_label(value))
                if label is not None and label not in found:
                    found[label] = c0
        if len(found) >= min_matches and (best is None or len(found) > len(best[1])):
            best = (r0, found)
    return best


def _label_rows(values: Sequence[Sequence[Any]], labels: Iterable[str], column0: int = 0,
                stop_row0: int | None = None) -> dict[str, int]:
    """Label -> 0-based row where column ``column0`` holds it (first occurrence, above ``stop_row0``)."""
    wanted = {layout.normalize_label(label): label for label in labels}
    found: dict[str, int] = {}
    for r0, row in enumerate(values[:stop_row0]):
        if column0 < len(row) and isinstance(row[column0], str):
            label = wanted.get(layout.normalize_label(row[column0]))
            if label is not None and label not in found:
                found[label] = r0
    return found


class _Reader:
    """Collects problems while reading."""

    def __init__(self, book: Book):
        self.book = book
        self.sheets = book.sheet_names()
        self.problems: list[Problem] = []

    def problem(self, location: Location, severity: str, code: str, message: str) -> None:
        self.problems.append(Problem(location, severity, code, message))

    def sheet(self, name: str, severity: str = ERROR) -> list[list[Any]] | None:
        if name not in self.sheets:
            self.problem(Location(AREA_BOOK, name), severity, "lembar_tidak_ada",
                         f"Lembar \"{name}\" tidak ditemukan di buku kerja. Jangan mengganti nama atau menghapus "
                         f"lembar ini; bila terlanjur, kembalikan namanya menjadi \"{name}\"."
                         + self._unknown_sheets_hint())
            return None
        return self.book.read(name)

    def _unknown_sheets_hint(self) -> str:
        """Sheets the layout does not know (a renamed sheet shows up here), for the missing-sheet message."""
        known = {layout.normalize_label(n) for n in (layout.SHEET_HOME, layout.SHEET_SOP, layout.SHEET_SETTINGS, layout.SHEET_HOLIDAYS,
                                                  layout.SHEET_STAFF, layout.SHEET_REPORT, layout.SHEET_PROBLEMS, layout.SHEET_HISTORY,
                                                  "xlwings.conf")}
        unknown = [n for n in self.sheets if layout.normalize_label(n) not in known and layout.step_of_sheet(n) is None]
        if not unknown:
            return ""
        return (" Lembar lain yang ada: " + ", ".join(f"\"{n}\"" for n in unknown[:5])
                + " (mungkin salah satunya lembar ini dengan nama yang diganti).")

    def table(self, sheet: str, values: list[list[Any]] | None, labels: Sequence[str], required: Sequence[str],
              min_matches: int, what: str) -> TablePos | None:
        if values is None:
            return None
        found = _find_header(values, labels, min_matches)
        if found is None:
            self.problem(Location(AREA_BOOK, sheet), ERROR, "tabel_tidak_ditemukan",
                         f"Tabel {what} pada lembar \"{sheet}\" tidak ditemukan: baris judul kolom "
                         f"({', '.join(labels[:4])}, ...) tidak ada.")
            return None
        r0, cols = found
        for label in labels:
            if label not in cols:
                severity = ERROR if label in required else WARNING
                self.problem(Location(AREA_BOOK, sheet, label), severity, "kolom_tidak_ada",
                             f"Kolom \"{label}\" tidak ditemukan pada tabel {what} di lembar \"{sheet}\" (baris "
                             f"judul {r0 + 1}). Kembalikan judul kolom itu persis \"{label}\".")
        return TablePos(sheet, r0 + 1, {label: c0 + 1 for label, c0 in cols.items()})


def _table_values(values: Sequence[Sequence[Any]], pos: TablePos, labels: Sequence[str], end_row0: int | None = None):
    """Yield (0-based table index, {label: value}, blank) for every row below the header to the sheet's end (or up
    to the 0-based row ``end_row0``, exclusive)."""
    cols = [(label, pos.columns[label] - 1) for label in labels if label in pos.columns]
    stop = len(values) if end_row0 is None else min(end_row0, len(values))
    for r0 in range(pos.header_row, stop):
        row = values[r0]
        data = {label: (row[c0] if c0 < len(row) else None) for label, c0 in cols}
        yield r0 - pos.header_row, data, all(is_blank(v) for v in data.values())


# --- load ------------------------------------------------------------------------------------------------------------


#: The reporting year assumed when Pengaturan's Tahun pelaporan cannot be read and the caller gives none (the
#: problem is reported; ``lkj --year`` or the cell itself fixes it).  The reader never reads the clock.
FALLBACK_YEAR = 2000


def load_tracker(book: Book, *, default_year: int | None = None) -> Tracker:
    """Read the whole tracker (each sheet once) into core values and layout problems."""
    reader = _Reader(book)
    positions: dict[str, Any] = {"sheets": tuple(reader.sheets)}

    settings = _read_settings(reader, positions, FALLBACK_YEAR if default_year is None else default_year)
    sop = _read_sop(reader, positions)
    holidays, years, removed, names = _read_holidays(reader, positions)
    staff = _read_staff(reader, positions)
    entries = _read_steps(reader, positions, sop)
    for name in (layout.SHEET_HOME, layout.SHEET_REPORT, layout.SHEET_PROBLEMS, layout.SHEET_HISTORY):
        if name not in reader.sheets:
            reader.sheet(name, WARNING)

    return Tracker(settings=settings, sop=sop, holidays=holidays, holiday_years=years, staff=staff, entries=entries,
                   problems=reader.problems, removed_holidays=removed, holiday_names=names,
                   layout=ReadLayout(**positions))


def _read_settings(reader: _Reader, positions: dict[str, Any], fallback_year: int) -> Settings:
    sheet = layout.SHEET_SETTINGS
    values = reader.sheet(sheet)
    if values is None:
        return Settings(year=fallback_year)
    rows = _label_rows(values, layout.SETTINGS_LABELS)
    positions["settings_rows"] = {label: r0 + 1 for label, r0 in rows.items()}

    def value(label: str) -> Any:
        return _cell(values, rows[label], 1) if label in rows else None

    def bad(label: str, message: str, severity: str = ERROR, code: str = "pengaturan_tidak_terbaca") -> None:
        reader.problem(Location(AREA_SETTINGS, label), severity, code, message)

    for label in layout.SETTINGS_LABELS:
        if label not in rows:
            bad(label, f"Baris pengaturan \"{label}\" tidak ditemukan di kolom A lembar \"{sheet}\".",
                WARNING if label in (layout.P_VERSION, layout.P_BACKUPS) else ERROR, "pengaturan_tidak_ada")

    year = as_int(value(layout.P_YEAR))
    if year is None or not YEAR_MIN <= year <= YEAR_MAX:
        if layout.P_YEAR in rows:
            shown = as_text(value(layout.P_YEAR))
            problem = "tidak terbaca" if year is None else f"di luar rentang {YEAR_MIN}-{YEAR_MAX}"
            bad(layout.P_YEAR, f"Tahun pelaporan \"{shown}\" {problem}; isi dengan tahun empat angka, mis. 2025.")
        year = fallback_year

    agency = as_text(value(layout.P_AGENCY)) or Settings.agency
    government = as_text(value(layout.P_GOVERNMENT)) or Settings.government

    deadline = None
    raw = value(layout.P_DEADLINE)
    if not is_blank(raw):
        try:
            deadline = parse_datetime(raw)
        except ParseError:
            deadline = None
        if deadline is None:
            bad(layout.P_DEADLINE, f"Batas akhir \"{as_text(raw)}\" tidak terbaca sebagai tanggal; isi tanggal "
                              f"(mis. 31/03/2026) atau kosongkan untuk memakai aturan SOP.")
        elif deadline.time() == time(0, 0):
            # A date without a time means "by the end of that day".
            deadline = deadline.replace(hour=23, minute=59)
        if deadline is not None:
            deadline = naive(deadline)

    def count(label: str, default: int) -> int:
        raw_value = value(label)
        if is_blank(raw_value):
            return default
        number = as_int(raw_value)
        if number is None or number < 0:
            bad(label, f"Nilai \"{as_text(raw_value)}\" untuk \"{label}\" harus bilangan bulat 0 atau lebih; "
                       f"dipakai {default}.")
            return default
        return number

    due_soon = count(layout.P_DUE_SOON, DEFAULT_DUE_SOON_HOURS)
    backups = count(layout.P_BACKUPS, DEFAULT_BACKUPS)

    version = value(layout.P_VERSION)
    if layout.P_VERSION in rows:
        number = as_int(version)
        if number is None:
            bad(layout.P_VERSION, f"Versi tata letak \"{as_text(version)}\" tidak terbaca; seharusnya "
                             f"{layout.LAYOUT_VERSION}.", WARNING, "versi_tata_letak")
        elif number > layout.LAYOUT_VERSION:
            bad(layout.P_VERSION, f"Buku kerja ini memakai tata letak versi {number}, lebih baru dari yang dikenal "
                             f"program ini (versi {layout.LAYOUT_VERSION}). Perbarui lkj-xl.", ERROR, "versi_tata_letak")

    week = _read_week(reader, positions, values)
    special = _read_special(reader, positions, values)
    return Settings(year=year, agency=agency, government=government, deadline_override=deadline, week=week,
                    special=special,
                    due_soon_hours=due_soon, backups=backups)


def _hours_of_row(data: Mapping[str, Any], what: str, bad) -> tuple[bool, DayHours | None]:
    """The hours one row of a week table gives: (True, DayHours) for a working day, (True, None) for a day off,
    (False, None) after reporting through ``bad(column, message)`` what cannot be read."""
    working = read_yes(data.get(layout.W_WORKDAY))
    if working is None:
        bad(layout.W_WORKDAY, f"Isian \"Hari kerja?\" untuk {what} harus Ya atau Tidak, bukan "
                         f"\"{as_text(data.get(layout.W_WORKDAY))}\".")
        return False, None
    if not working:
        return True, None
    times: dict[str, time | None] = {}
    ok = True
    for column in (layout.W_START, layout.W_BREAK_START, layout.W_BREAK_END, layout.W_END):
        try:
            times[column] = _to_time(data.get(column))
        except ValueError:
            bad(column, f"{column} {what} \"{as_text(data.get(column))}\" tidak terbaca; tulis jam seperti 07.30.")
            ok = False
    if not ok:
        return False, None
    if times[layout.W_START] is None or times[layout.W_END] is None:
        bad(layout.W_START if times[layout.W_START] is None else layout.W_END,
            f"{what[:1].upper()}{what[1:]} ditandai hari kerja tetapi jam masuk atau jam pulangnya kosong.")
        return False, None
    breaks: tuple[tuple[time, time], ...] = ()
    if (times[layout.W_BREAK_START] is None) != (times[layout.W_BREAK_END] is None):
        bad(layout.W_BREAK_START, f"Istirahat {what} harus diisi lengkap (mulai dan selesai) atau dikosongkan keduanya.")
        return False, None
    if times[layout.W_BREAK_START] is not None:
        breaks = ((times[layout.W_BREAK_START], times[layout.W_BREAK_END]),)
    try:
        return True, DayHours(times[layout.W_START], times[layout.W_END], breaks)
    except ValueError as exc:
        bad(layout.W_START, f"Jam kerja {what}: {exc}")
        return False, None


def _find_special_table(values: Sequence[Sequence[Any]], week: TablePos | None) -> TablePos | None:
    """The special-hours table (below the week table), None when absent."""
    start0 = week.header_row if week is not None else 0
    found = _find_header(values[start0:], layout.SPECIAL_HEADERS, 3)
    if found is None or layout.X_FROM not in found[1]:
        return None
    return TablePos(layout.SHEET_SETTINGS, start0 + found[0] + 1, {label: c0 + 1 for label, c0 in found[1].items()})


_DAY_INDEX = {layout.normalize_label(name): i for i, name in enumerate(WEEKDAY_NAMES_ID)}
_DAY_INDEX["jum'at"] = 4


def _weekdays(text: Any) -> tuple[int, ...] | None:
    """"Senin" -> (0,), "Senin-Kamis" / "Senin s.d. Kamis" -> (0, 1, 2, 3), "Semua" -> all; None if unreadable."""
    raw = layout.normalize_label(text)
    if raw in ("semua", "semua hari", "setiap hari"):
        return tuple(range(7))
    parts = [p.strip() for p in re.split(r"\s*(?:-|–|s\.?\s*d\.?|sampai(?:\s+dengan)?)\s*", raw) if p.strip()]
    if len(parts) == 1 and parts[0] in _DAY_INDEX:
        return (_DAY_INDEX[parts[0]],)
    if len(parts) == 2 and all(p in _DAY_INDEX for p in parts):
        first, last = _DAY_INDEX[parts[0]], _DAY_INDEX[parts[1]]
        if first <= last:
            return tuple(range(first, last + 1))
    return None


def _read_special(reader: _Reader, positions: dict[str, Any], values: list[list[Any]]) -> tuple[SpecialHours, ...]:
    """Periods with other hours (Ramadan) from the table below the week table; an absent table means none."""
    sheet = layout.SHEET_SETTINGS
    pos = _find_special_table(values, positions.get("week_table"))
    if pos is None:
        return ()
    for label in layout.SPECIAL_REQUIRED:
        if label not in pos.columns:
            reader.problem(Location(AREA_BOOK, sheet, label), ERROR, "kolom_tidak_ada",
                           f"Kolom \"{label}\" tidak ditemukan pada tabel jam kerja khusus di lembar \"{sheet}\" "
                           f"(baris judul {pos.header_row}). Kembalikan judul kolom itu persis \"{label}\".")
            return ()
    positions["special_table"] = pos
    periods: list[SpecialHours] = []
    for index, data, blank in _table_values(values, pos, layout.SPECIAL_HEADERS):
        if blank:
            continue
        row = pos.sheet_row(index)

        def bad(column: str, message: str, row: int = row) -> None:
            reader.problem(Location(AREA_SETTINGS, ("khusus", row), column), ERROR, "jam_khusus_tidak_terbaca",
                           message)

        try:
            first, last = parse_datetime(data.get(layout.X_FROM)), parse_datetime(data.get(layout.X_TO))
        except ParseError as exc:
            bad(layout.X_FROM, f"Jam kerja khusus baris {row}: {exc.message}")
            continue
        if first is None or last is None:
            bad(layout.X_FROM if first is None else layout.X_TO,
                f"Jam kerja khusus baris {row}: isi tanggal awal dan akhir periode (mis. 18/02/2026 dan 19/03/2026).")
            continue
        days = _weekdays(data.get(layout.W_DAY))
        if days is None:
            bad(layout.W_DAY, f"Hari \"{as_text(data.get(layout.W_DAY))}\" pada jam kerja khusus baris {row} tidak dikenali; "
                         f"tulis mis. Senin, Senin-Kamis atau Jumat.")
            continue
        ok, hours = _hours_of_row(data, f"periode khusus baris {row}", bad)
        if not ok:
            continue
        try:
            periods.append(SpecialHours(
                first.date(), last.date(), tuple((d, hours) for d in days) if hours else (),
                () if hours else days, as_text(data.get(layout.X_NOTE))))
        except ValueError as exc:
            bad(layout.X_TO, f"Jam kerja khusus baris {row}: {exc}")
    return tuple(periods)


def _read_week(reader: _Reader, positions: dict[str, Any], values: list[list[Any]]) -> tuple[DayHours | None, ...]:
    sheet = layout.SHEET_SETTINGS
    pos = reader.table(sheet, values, layout.WEEK_HEADERS, layout.WEEK_REQUIRED, 3, "jam kerja")
    if pos is None:
        return DEFAULT_WEEK
    positions["week_table"] = pos
    week: list[DayHours | None] = list(DEFAULT_WEEK)
    seen: set[int] = set()
    week_rows: dict[str, int] = {}
    special = _find_special_table(values, pos)
    # the week table ends above the special table's title row
    for index, data, blank in _table_values(values, pos, layout.WEEK_HEADERS,
                                            None if special is None else special.header_row - 2):
        if blank:
            continue
        name = data.get(layout.W_DAY)
        i = _DAY_INDEX.get(layout.normalize_label(name))
        if i is None:
            if not is_blank(name) or any(not is_blank(v) for k, v in data.items() if k != layout.W_SOURCE):
                reader.problem(Location(AREA_SETTINGS, as_text(name) or None, layout.W_DAY), ERROR, "hari_tidak_dikenal",
                               f"Hari \"{as_text(name)}\" pada tabel jam kerja (lembar \"{sheet}\", baris "
                               f"{pos.sheet_row(index)}) tidak dikenali; tulis Senin, Selasa, ..., Minggu.")
            continue
        day = WEEKDAY_NAMES_ID[i]
        week_rows[day] = pos.sheet_row(index)
        seen.add(i)

        def bad(column: str, message: str, day: str = day) -> None:
            reader.problem(Location(AREA_SETTINGS, day, column), ERROR, "jam_kerja_tidak_terbaca", message)

        ok, hours = _hours_of_row(data, f"hari {day}", bad)
        if ok:
            week[i] = hours
    positions["week_rows"] = week_rows
    for i in sorted(set(range(7)) - seen):
        reader.problem(Location(AREA_SETTINGS, WEEKDAY_NAMES_ID[i], layout.W_DAY), WARNING, "hari_tidak_ada",
                       f"Hari {WEEKDAY_NAMES_ID[i]} tidak ada di tabel jam kerja lembar \"{sheet}\"; dipakai jam "
                       f"kerja bawaan.")
    if not any(week):
        reader.problem(Location(AREA_SETTINGS, None, layout.W_WORKDAY), ERROR, "tidak_ada_hari_kerja",
                       f"Tabel jam kerja lembar \"{sheet}\" tidak memuat satu pun hari kerja; dipakai jam kerja "
                       f"bawaan (Senin-Jumat).")
        return DEFAULT_WEEK
    return tuple(week)


def _read_sop(reader: _Reader, positions: dict[str, Any]) -> Sop:
    sheet = layout.SHEET_SOP
    values = reader.sheet(sheet)
    if values is None:
        return DEFAULT_SOP
    pos = reader.table(sheet, values, layout.SOP_HEADERS, (layout.S_NO, layout.S_URAIAN, layout.S_PELAKSANA, layout.S_WAKTU), 3,
                       "langkah SOP")
    stop = pos.header_row - 1 if pos is not None else None
    labels = [label for label, _ in IDENTITY_FIELDS]
    rows = _label_rows(values, labels, 0, stop)
    positions["identity_rows"] = {label: r0 + 1 for label, r0 in rows.items()}

    identity: dict[str, Any] = {}
    for label, attr in IDENTITY_FIELDS:
        is_list = isinstance(getattr(DEFAULT_SOP, attr), tuple)
        if label not in rows:
            reader.problem(Location(AREA_SOP, label), WARNING, "identitas_sop_tidak_ada",
                           f"Baris identitas SOP \"{label}\" tidak ditemukan di kolom A lembar \"{sheet}\".")
            identity[attr] = () if is_list else ""
            continue
        raw = _cell(values, rows[label], 1)
        identity[attr] = _lines(raw) if is_list else as_text(raw)

    steps: list[Step] = []
    if pos is not None:
        positions["sop_table"] = pos
        sop_rows: dict[int, int] = {}
        for index, data, blank in _table_values(values, pos, layout.SOP_HEADERS):
            if blank:
                continue
            sheet_row = pos.sheet_row(index)
            number = as_int(data.get(layout.S_NO))
            if number is None or number < 1:
                reader.problem(Location(AREA_SOP, None, layout.S_NO), ERROR, "nomor_langkah_tidak_terbaca",
                               f"Nomor langkah \"{as_text(data.get(layout.S_NO))}\" pada lembar \"{sheet}\" baris "
                               f"{sheet_row} tidak terbaca; isi dengan angka 1, 2, 3, ...")
                continue
            if number in sop_rows:
                reader.problem(Location(AREA_SOP, number, layout.S_NO), ERROR, "nomor_langkah_ganda",
                               f"Langkah {number} tertulis dua kali pada lembar \"{sheet}\" (baris "
                               f"{sop_rows[number]} dan {sheet_row}); baris kedua diabaikan.")
                continue
            sop_rows[number] = sheet_row
            steps.append(_read_step(reader, number, data))
        positions["sop_rows"] = sop_rows
        steps.sort(key=lambda s: s.number)
    if not steps:
        if pos is not None:
            reader.problem(Location(AREA_BOOK, sheet), ERROR, "langkah_sop_kosong",
                           f"Tabel langkah SOP pada lembar \"{sheet}\" kosong; dipakai langkah SOP 3.1.2.6 bawaan.")
        steps = list(DEFAULT_SOP.steps)

    roles = _read_roles(reader, positions, values, steps)
    return Sop(**identity, roles=roles, steps=tuple(steps))


def _read_step(reader: _Reader, number: int, data: Mapping[str, Any]) -> Step:
    actor = as_text(data.get(layout.S_PELAKSANA))
    if not actor:
        reader.problem(Location(AREA_SOP, number, layout.S_PELAKSANA), ERROR, "pelaksana_sop_kosong",
                       f"Pelaksana langkah {number} pada lembar \"{layout.SHEET_SOP}\" kosong.")
    raw_waktu = data.get(layout.S_WAKTU)
    waktu_text = as_text(raw_waktu)
    standard = None
    bad_waktu = False
    try:
        standard = parse_waktu(raw_waktu.strip() if isinstance(raw_waktu, str) else raw_waktu)
    except ParseError as exc:
        bad_waktu = True
        reader.problem(Location(AREA_SOP, number, layout.S_WAKTU), ERROR, "waktu_tidak_dikenali",
                       f"Langkah {number}: {exc.message}")
    step = Step(number, as_text(data.get(layout.S_URAIAN)), actor, _split_roles(data.get(layout.S_PELAKSANA_LAIN)),
                as_text(data.get(layout.S_KELENGKAPAN)), "" if bad_waktu else waktu_text, as_text(data.get(layout.S_OUTPUT)),
                as_text(data.get(layout.S_KETERANGAN)), standard)
    if bad_waktu:
        # Keep the text as typed (for display and messages); the step has no standard until it is fixed.
        object.__setattr__(step, "waktu", waktu_text)
    return step


def _read_roles(reader: _Reader, positions: dict[str, Any], values: list[list[Any]],
                steps: Sequence[Step]) -> tuple[str, ...]:
    target = layout.normalize_label(layout.ROLES_HEADER)
    for r0, row in enumerate(values):
        for c0, value in enumerate(row):
            if isinstance(value, str) and layout.normalize_label(value) == target:
                positions["roles_cell"] = (r0 + 1, c0 + 1)
                roles: list[str] = []
                for below in values[r0 + 1:]:
                    item = as_text(below[c0] if c0 < len(below) else None)
                    if not item:
                        break
                    roles.append(item)
                if roles:
                    return tuple(roles)
    reader.problem(Location(AREA_SOP, layout.ROLES_HEADER), WARNING, "daftar_jabatan_tidak_ada",
                   f"Daftar \"{layout.ROLES_HEADER}\" tidak ditemukan atau kosong pada lembar \"{layout.SHEET_SOP}\"; dipakai "
                   f"jabatan dari tabel langkah.")
    derived: list[str] = []
    for step in steps:
        for role in (step.actor, *step.participants):
            if role and role not in derived:
                derived.append(role)
    return tuple(derived)


def _read_holidays(reader: _Reader, positions: dict[str, Any]):
    sheet = layout.SHEET_HOLIDAYS
    values = reader.sheet(sheet)
    pos = reader.table(sheet, values, layout.HOLIDAY_HEADERS, layout.HOLIDAY_REQUIRED, 2, "hari libur")
    in_force: set[date] = set()
    removed: set[date] = set()
    years: set[int] = set()
    names: dict[date, str] = {}
    if pos is None or values is None:
        return frozenset(), frozenset(), frozenset(), names
    positions["holiday_table"] = pos
    for index, data, blank in _table_values(values, pos, layout.HOLIDAY_HEADERS):
        if blank:
            continue
        raw = data.get(layout.H_DATE)
        try:
            day = _to_date(raw)
        except ValueError:
            day = None
            reader.problem(Location(AREA_HOLIDAYS, index, layout.H_DATE), ERROR, "tanggal_libur_tidak_terbaca",
                           f"Tanggal libur \"{as_text(raw)}\" (lembar \"{sheet}\", baris {pos.sheet_row(index)}) "
                           f"tidak terbaca; tulis seperti 20/03/2026.")
            continue
        if day is None:
            reader.problem(Location(AREA_HOLIDAYS, index, layout.H_DATE), ERROR, "tanggal_libur_kosong",
                           f"Baris {pos.sheet_row(index)} lembar \"{sheet}\" berisi hari libur tanpa tanggal.")
            continue
        cancelled = read_yes(data.get(layout.H_CANCELLED))
        if cancelled is None:
            reader.problem(Location(AREA_HOLIDAYS, index, layout.H_CANCELLED), WARNING, "bukan_libur_tidak_terbaca",
                           f"Isian \"{layout.H_CANCELLED}\" \"{as_text(data.get(layout.H_CANCELLED))}\" (baris "
                           f"{pos.sheet_row(index)}) harus Ya atau kosong; tanggal {format_date_id(day)} tetap "
                           f"dianggap libur.")
            cancelled = False
        kind = layout.normalize_label(data.get(layout.H_KIND))
        if kind and kind != layout.normalize_label(layout.KIND_LOCAL):
            years.add(day.year)
        if cancelled:
            removed.add(day)
        else:
            in_force.add(day)
            name = as_text(data.get(layout.H_NAME))
            names[day] = f"{names[day]}; {name}" if day in names and name else (name or names.get(day, ""))
    return frozenset(in_force - removed), frozenset(years), frozenset(removed), names


def _read_staff(reader: _Reader, positions: dict[str, Any]) -> list[StaffEntry]:
    sheet = layout.SHEET_STAFF
    values = reader.sheet(sheet)
    pos = reader.table(sheet, values, layout.STAFF_HEADERS, (layout.E_NAME, layout.E_NIP, layout.E_ROLE), 2, "pegawai")
    if pos is None or values is None:
        return []
    positions["staff_table"] = pos
    staff = []
    for index, data, blank in _table_values(values, pos, layout.STAFF_HEADERS):
        if not blank:
            staff.append(StaffEntry(index, **{layout.STAFF_ATTRIBUTES[k]: v for k, v in data.items()}))
    return staff


def _read_steps(reader: _Reader, positions: dict[str, Any], sop: Sop) -> list[StepEntry]:
    entries: list[StepEntry] = []
    steps: dict[int, StepSheetPos] = {}
    required = (layout.F_YEAR, layout.F_RECEIVED, layout.F_COMPLETED)
    for step in sop.steps:
        sheet = layout.step_sheet(step.number)
        values = reader.sheet(sheet)
        pos = reader.table(sheet, values, layout.STEP_HEADERS, required, 3, f"langkah {step.number}")
        if pos is None or values is None:
            continue
        header_rows = {label: r0 + 1
                       for label, r0 in _label_rows(values, layout.STEP_HEADER_LABELS, 0, pos.header_row - 1).items()}
        computed_cols = [pos.columns.get(label) for label in layout.STEP_COMPUTED_HEADERS]
        rows: list[tuple[int, int | None, bool]] = []
        computed: list[tuple[Any, ...]] = []
        for index, data, blank in _table_values(values, pos, layout.STEP_ENTRY_HEADERS):
            sheet_row = pos.sheet_row(index)
            rows.append((sheet_row, as_int(data.get(layout.F_YEAR)), blank))
            row = values[sheet_row - 1]
            computed.append(tuple(row[c - 1] if c is not None and c - 1 < len(row) else None
                                  for c in computed_cols))
            if not blank:
                entries.append(StepEntry(step.number, index,
                                         **{layout.STEP_ATTRIBUTES[k]: v for k, v in data.items()}))
        steps[step.number] = StepSheetPos(pos, header_rows, tuple(rows), tuple(computed))
    positions["steps"] = steps
    return entries


# --- locations -> cells ----------------------------------------------------------------------------------------------


def _column_for(pos: TablePos, fieldname: str | None, attributes: Mapping[str, str], default: str) -> int | None:
    if fieldname is None:
        return pos.column(default)
    wanted = layout.normalize_label(fieldname)
    for label, column in pos.columns.items():
        if layout.normalize_label(label) == wanted:
            return column
    for label, attr in attributes.items():
        if layout.normalize_label(attr) == wanted:
            return pos.column(label)
    return None


def _address(sheet: str, row: int | None, column: int | None) -> tuple[str, str | None]:
    if row is None or column is None:
        return sheet, None
    return sheet, cell_address(row, column)


def _cell_of(tracker: Tracker, loc: Location) -> tuple[str, str | None]:
    lay = tracker.layout
    key = loc.key
    if loc.area == AREA_STEP:
        if isinstance(key, (tuple, list)) and len(key) == 2:
            step, index = key
        else:
            step, index = key, None
        sheet = layout.step_sheet(int(step)) if as_int(step) is not None else ""
        info = lay.steps.get(as_int(step)) if as_int(step) is not None else None
        if info is None:
            return sheet, None
        wanted = layout.normalize_label(loc.field) if loc.field else None
        table_labels = {layout.normalize_label(h) for h in layout.STEP_HEADERS}
        if wanted and wanted not in table_labels:
            # A top-block field (e.g. "Uraian Prosedur"): its value cell in column B.
            for label, row in info.header_rows.items():
                if layout.normalize_label(label) == wanted:
                    return _address(sheet, row, 2)
        if as_int(index) is None:
            return sheet, None
        column = _column_for(info.table, loc.field, layout.STEP_ATTRIBUTES, layout.F_YEAR)
        return _address(sheet, info.table.sheet_row(int(index)), column)
    if loc.area == AREA_STAFF:
        pos = lay.staff_table
        if pos is None or as_int(key) is None:
            return layout.SHEET_STAFF, None
        return _address(layout.SHEET_STAFF, pos.sheet_row(int(key)),
                        _column_for(pos, loc.field, layout.STAFF_ATTRIBUTES, layout.E_NAME))
    if loc.area == AREA_HOLIDAYS:
        pos = lay.holiday_table
        if pos is None or as_int(key) is None:
            return layout.SHEET_HOLIDAYS, None
        return _address(layout.SHEET_HOLIDAYS, pos.sheet_row(int(key)), _column_for(pos, loc.field, {}, layout.H_DATE))
    if loc.area == AREA_SOP:
        sheet = layout.SHEET_SOP
        number = as_int(key) if not isinstance(key, str) else None
        if number is not None:
            pos = lay.sop_table
            if pos is None or number not in lay.sop_rows:
                return sheet, None
            return _address(sheet, lay.sop_rows[number], _column_for(pos, loc.field, layout.SOP_ATTRIBUTES, layout.S_NO))
        if key is None and loc.field and lay.sop_table is not None:
            return _address(sheet, lay.sop_table.header_row, _column_for(lay.sop_table, loc.field, {}, layout.S_NO))
        if isinstance(key, str):
            wanted = layout.normalize_label(key)
            if wanted == layout.normalize_label(layout.ROLES_HEADER) and lay.roles_cell is not None:
                return _address(sheet, *lay.roles_cell)
            for label, attr in IDENTITY_FIELDS:
                if wanted in (layout.normalize_label(label), layout.normalize_label(attr)) and label in lay.identity_rows:
                    return _address(sheet, lay.identity_rows[label], 2)
        return sheet, None
    if loc.area == AREA_SETTINGS:
        sheet = layout.SHEET_SETTINGS
        if isinstance(key, str):
            wanted = layout.normalize_label(key)
            for label, row in lay.settings_rows.items():
                if layout.normalize_label(label) == wanted:
                    return _address(sheet, row, 2)
            for day, row in lay.week_rows.items():
                if layout.normalize_label(day) == wanted and lay.week_table is not None:
                    return _address(sheet, row, _column_for(lay.week_table, loc.field, {}, layout.W_DAY))
        if isinstance(key, tuple) and key[:1] == ("khusus",) and lay.special_table is not None:
            return _address(sheet, key[1], _column_for(lay.special_table, loc.field, {}, layout.X_FROM))
        return sheet, None
    if loc.area == AREA_BOOK:
        return (key if isinstance(key, str) else ""), None
    return "", None


# --- calendar ------------------------------------------------------------------------------------------------------


def calendar_for(tracker: Tracker, years: Iterable[int]) -> WorkingCalendar:
    """The working calendar: the week from Pengaturan, the Hari Libur sheet's holidays in force, plus the national
    holidays (``holidays`` package) for years the sheet does not cover; dates marked "Bukan libur" never count."""
    missing = sorted({int(y) for y in years} - set(tracker.holiday_years))
    national = national_holidays(missing) if missing else {}
    days = (set(tracker.holidays) | set(national)) - set(tracker.removed_holidays)
    return WorkingCalendar(week=tuple(tracker.settings.week), holidays=frozenset(days),
                           special=tuple(tracker.settings.special))


def entry_cells(book: Book) -> dict[tuple[str, str], Any]:
    """Every non-empty cell people type or edit, with its value, keyed by (sheet, "B7"): the SOP, Pengaturan,
    Hari Libur and Pegawai sheets whole, and every step sheet except what the engine writes there (the computed
    columns below the table header and the top block's value cells).  A step sheet whose table is not found counts
    whole.  Used to prove a save changed no entry: compare before and after."""
    cells: dict[tuple[str, str], Any] = {}
    names = book.sheet_names()

    def collect(sheet: str, values: Sequence[Sequence[Any]], skip) -> None:
        for r0, row in enumerate(values):
            for c0, value in enumerate(row):
                if value is not None and not skip(r0 + 1, c0 + 1):
                    cells[(sheet, cell_address(r0 + 1, c0 + 1))] = value

    for sheet in (layout.SHEET_SOP, layout.SHEET_SETTINGS, layout.SHEET_HOLIDAYS, layout.SHEET_STAFF):
        if sheet in names:
            collect(sheet, book.read(sheet), lambda r, c: False)
    for sheet in names:
        if layout.step_of_sheet(sheet) is None:
            continue
        values = book.read(sheet)
        found = _find_header(values, layout.STEP_HEADERS, 3)
        if found is None:
            collect(sheet, values, lambda r, c: False)
            continue
        header0, cols = found
        computed = {cols[label] + 1 for label in layout.STEP_COMPUTED_HEADERS if label in cols}
        top = {r0 + 1 for r0 in _label_rows(values, layout.STEP_HEADER_LABELS, 0, header0).values()}
        header_row = header0 + 1
        collect(sheet, values, lambda r, c: (r > header_row and c in computed) or (r in top and c == 2))
    return cells


__all__ = [
    "ReadLayout",
    "StepSheetPos",
    "TablePos",
    "Tracker",
    "calendar_for",
    "entry_cells",
    "load_tracker",
]
