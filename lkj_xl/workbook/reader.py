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
from datetime import date, datetime
from typing import Any, Iterable, Mapping, Sequence

from lkj_xl.workbook import holiday_table, layout
from lkj_xl.workbook.book import Book
from lkj_xl.workbook.locate import build_index
from lkj_xl.workbook.read_settings import read_settings
from lkj_xl.workbook.read_steps import StepSheetPos, read_steps
from lkj_xl.workbook.tables import TablePos, cell_at, find_header, label_rows, table_values
from lkj_xl.core.worktime import (
    WorkingCalendar, build_calendar,
)
from lkj_xl.core.entries import (
    AREA_BOOK, AREA_HOLIDAYS, AREA_SETTINGS, AREA_SOP, ERROR, WARNING, Location, Problem,
    StaffEntry, StepEntry,
)
from lkj_xl.core.values import as_int, as_text, is_blank, read_yes
from lkj_xl.core.dates import format_date_id, parse_datetime
from lkj_xl.core.errors import ParseError
from lkj_xl.core.periods import TAHUNAN
from lkj_xl.core.evaluation import EvaluationEntry
from lkj_xl.workbook.read_evaluation import read_evaluation_table
from lkj_xl.workbook.read_flow import read_flow
from lkj_xl.core.settings import Settings
from lkj_xl.core.sop import (DEFAULT_SOP, IDENTITY_FIELDS, Sop, Step, parse_waktu,
                             split_participants)
from lkj_xl.core.validation import parse_key


# --- where things were found -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadLayout:
    """Where the reader found each table and labelled row (the writers write back there)."""

    sheets: tuple[str, ...] = ()
    sop_table: TablePos | None = None
    sop_rows: Mapping[int, int] = field(default_factory=dict)  # step number -> sheet row on SOP
    flow_table: TablePos | None = None  # the flow table beside tblSOP (layout version 3)
    flow_rows: Mapping[tuple, int] = field(default_factory=dict)  # ("alur", step number) -> sheet row on SOP
    identity_rows: Mapping[str, int] = field(default_factory=dict)  # identity label -> sheet row on SOP
    roles_cell: tuple[int, int] | None = None  # (row, column) of the roles header on SOP
    settings_rows: Mapping[str, int] = field(default_factory=dict)  # setting label -> sheet row on Pengaturan
    week_table: TablePos | None = None
    week_rows: Mapping[str, int] = field(default_factory=dict)  # weekday name -> sheet row on Pengaturan
    special_table: TablePos | None = None  # special hours (Ramadan) on Pengaturan
    holiday_table: TablePos | None = None
    staff_table: TablePos | None = None
    staff_rows: int = 0  # table rows read below the staff header (blank ones included)
    holiday_rows: int = 0  # likewise for Hari Libur
    special_rows: tuple[int, ...] = ()  # sheet rows of the special-hours table read
    steps: Mapping[int, StepSheetPos] = field(default_factory=dict)
    unlisted_steps: Mapping[int, str | None] = field(default_factory=dict)  # sheets of numbers not in tblSOP: top Uraian
    evaluation_table: TablePos | None = None  # tblEvaluasi (layout version 3), and the rows read below it
    evaluation_rows: int = 0


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
    evaluations: tuple[EvaluationEntry, ...] = ()  # tblEvaluasi rows as typed (layout 3; none in an older one)
    holiday_names: Mapping[date, str] = field(default_factory=dict, compare=False)
    layout: ReadLayout = field(default_factory=ReadLayout, compare=False, repr=False)

    def key_of(self, raw: Any) -> Any:
        """The cycle key a key cell (Tahun or Periode) reads as: the year for a yearly SOP, else a
        :class:`~lkj_xl.core.periods.Period`; None when blank or unreadable."""
        if self.settings.period_kind == TAHUNAN:
            return as_int(raw)
        try:
            return parse_key(raw, self.settings.period_kind)
        except ParseError:
            return None

    def entries_for(self, year: Any) -> list[StepEntry]:
        """Rows of every step table whose Tahun (or Periode) reads as ``year``."""
        return [e for e in self.entries if self.key_of(e.year) == year]

    def years(self) -> list[Any]:
        """Reporting years (or periods) found in the step tables, ascending."""
        return sorted({y for y in (self.key_of(e.year) for e in self.entries) if y is not None})

    def cell_of(self, location: Location) -> tuple[str, str | None]:
        """The sheet and cell address ("B7") a location points at; the address is None when there is no cell
        (the workbook as a whole, a missing sheet or column)."""
        index = self.__dict__.get("_index")
        if index is None:
            index = build_index(self.layout)
            object.__setattr__(self, "_index", index)
        return index.cell_of(location)


# --- value helpers -------------------------------------------------------------------------------------------------


def _lines(value: Any) -> tuple[str, ...]:
    """A list field: one item per line."""
    return tuple(line.strip() for line in as_text(value).splitlines() if line.strip())


def _split_roles(value: Any) -> tuple[str, ...]:
    return tuple(part.strip() for part in re.split(r"[,;\n]", as_text(value)) if part.strip())


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


# --- finding things in a sheet's values ----------------------------------------------------------------------------


class _Reader:
    """Collects problems while reading."""

    def __init__(self, book: Book):
        self.book = book
        self.sheets = book.sheet_names()
        self.problems: list[Problem] = []
        #: what an older layout lacks (optional columns and rows, an older version number): one warning in all
        self.outdated: list[str] = []
        #: Pengaturan's "Periode siklus" (the step sheets' key column follows it)
        self.period_kind = TAHUNAN
        self.version: int | None = None

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
                                                  layout.SHEET_STAFF, layout.SHEET_EVALUATION, layout.SHEET_REPORT,
                                                  layout.SHEET_PROBLEMS, layout.SHEET_HISTORY, layout.SHEET_CLOSED, "xlwings.conf")}
        unknown = [n for n in self.sheets if layout.normalize_label(n) not in known and layout.step_of_sheet(n) is None]
        if not unknown:
            return ""
        return (" Lembar lain yang ada: " + ", ".join(f"\"{n}\"" for n in unknown[:5])
                + " (mungkin salah satunya lembar ini dengan nama yang diganti).")

    def table(self, sheet: str, values: list[list[Any]] | None, labels: Sequence[str], required: Sequence[str],
              min_matches: int, what: str, optional: Sequence[str] = ()) -> TablePos | None:
        """The table whose header holds ``labels``; a missing column is a problem, except an ``optional`` one (a
        column a newer layout added), which is noted in ``outdated`` for the one upgrade warning."""
        if values is None:
            return None
        found = find_header(values, labels, min_matches)
        if found is None:
            self.problem(Location(AREA_BOOK, sheet), ERROR, "tabel_tidak_ditemukan",
                         f"Tabel {what} pada lembar \"{sheet}\" tidak ditemukan: baris judul kolom "
                         f"({', '.join(labels[:4])}, ...) tidak ada.")
            return None
        r0, cols = found
        for label in labels:
            if label not in cols and label in optional:
                self.outdated.append(f"kolom \"{label}\" lembar \"{sheet}\"")
            elif label not in cols:
                severity = ERROR if label in required else WARNING
                self.problem(Location(AREA_BOOK, sheet, label), severity, "kolom_tidak_ada",
                             f"Kolom \"{label}\" tidak ditemukan pada tabel {what} di lembar \"{sheet}\" (baris "
                             f"judul {r0 + 1}). Kembalikan judul kolom itu persis \"{label}\".")
        return TablePos(sheet, r0 + 1, {label: c0 + 1 for label, c0 in cols.items()})


# --- load ------------------------------------------------------------------------------------------------------------


#: The reporting year assumed when Pengaturan's Tahun pelaporan cannot be read and the caller gives none (the
#: problem is reported; ``lkj --year`` or the cell itself fixes it).  The reader never reads the clock.
FALLBACK_YEAR = 2000


def load_tracker(book: Book, *, default_year: int | None = None) -> Tracker:
    """Read the whole tracker (each sheet once) into core values and layout problems."""
    reader = _Reader(book)
    positions: dict[str, Any] = {"sheets": tuple(reader.sheets)}

    settings = read_settings(reader, positions, FALLBACK_YEAR if default_year is None else default_year)
    reader.period_kind = settings.period_kind
    sop = _read_sop(reader, positions)
    holidays, years, removed, names = _read_holidays(reader, positions)
    staff = _read_staff(reader, positions)
    entries = read_steps(reader, positions, sop)
    evaluations = read_evaluation_table(reader, positions)
    for name in (layout.SHEET_HOME, layout.SHEET_REPORT, layout.SHEET_PROBLEMS, layout.SHEET_HISTORY):
        if name not in reader.sheets:
            reader.sheet(name, WARNING)
    _outdated_warning(reader)

    return Tracker(settings=settings, sop=sop, holidays=holidays, holiday_years=years, staff=staff, entries=entries,
                   problems=reader.problems, removed_holidays=removed, holiday_names=names, evaluations=evaluations,
                   layout=ReadLayout(**positions))


def _outdated_warning(reader: _Reader) -> None:
    """One warning for a tracker of an older layout (DESIGN.md "Layout versions"), never one per column or row."""
    older = reader.version is not None and reader.version < layout.LAYOUT_VERSION
    if not reader.outdated and not older:
        return
    version = f"versi {reader.version}" if older else "versi lama"
    missing = (" Belum ada: " + ", ".join(reader.outdated) + "; dipakai nilai kosong.") if reader.outdated else ""
    reader.problem(Location(AREA_SETTINGS, layout.P_VERSION), WARNING, "tata_letak_lama",
                   f"Buku kerja ini memakai tata letak {version} (sekarang versi {layout.LAYOUT_VERSION}).{missing} "
                   f"Jalankan `lkj upgrade` untuk memindahkan isinya ke tata letak terbaru.")


def _read_sop(reader: _Reader, positions: dict[str, Any]) -> Sop:
    sheet = layout.SHEET_SOP
    values = reader.sheet(sheet)
    if values is None:
        return DEFAULT_SOP
    pos = reader.table(sheet, values, layout.SOP_HEADERS, (layout.S_NO, layout.S_URAIAN, layout.S_PELAKSANA, layout.S_WAKTU), 3,
                       "langkah SOP", layout.SOP_OPTIONAL)
    stop = pos.header_row - 1 if pos is not None else None
    labels = [label for label, _ in IDENTITY_FIELDS]
    rows = label_rows(values, labels, 0, stop)
    positions["identity_rows"] = {label: r0 + 1 for label, r0 in rows.items()}

    identity: dict[str, Any] = {}
    for label, attr in IDENTITY_FIELDS:
        is_list = isinstance(getattr(DEFAULT_SOP, attr), tuple)
        if label not in rows:
            reader.problem(Location(AREA_SOP, label), WARNING, "identitas_sop_tidak_ada",
                           f"Baris identitas SOP \"{label}\" tidak ditemukan di kolom A lembar \"{sheet}\".")
            identity[attr] = () if is_list else ""
            continue
        raw = cell_at(values, rows[label], 1)
        identity[attr] = _lines(raw) if is_list else as_text(raw)

    steps: list[Step] = []
    if pos is not None:
        positions["sop_table"] = pos
        sop_rows: dict[int, int] = {}
        for index, data, blank in table_values(values, pos, layout.SOP_HEADERS):
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
    read_flow(reader, positions, values, steps)
    for step in steps:  # not dataclasses.replace: a step whose Waktu is unreadable keeps the text, no standard
        object.__setattr__(step, "participants", split_participants(", ".join(step.participants), roles))
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
    raw_plan = data.get(layout.S_WAKTU_RENCANA)
    plan_text = as_text(raw_plan)
    plan = None
    try:
        plan = parse_waktu(raw_plan.strip() if isinstance(raw_plan, str) else raw_plan)
    except ParseError as exc:
        reader.problem(Location(AREA_SOP, number, layout.S_WAKTU_RENCANA), ERROR, "waktu_rencana_tidak_dikenali",
                       f"Langkah {number}, {layout.S_WAKTU_RENCANA}: {exc.message}")
    if plan is not None and standard is not None:
        reader.problem(Location(AREA_SOP, number, layout.S_WAKTU_RENCANA), WARNING, "waktu_rencana_diabaikan",
                       f"Langkah {number} punya standar Waktu \"{waktu_text}\" di SOP; {layout.S_WAKTU_RENCANA} "
                       f"\"{plan_text}\" tidak dipakai (hanya untuk langkah tanpa standar). Kosongkan selnya, atau "
                       f"kosongkan Waktu bila SOP memang tidak menetapkan standar.")
    step = Step(number, as_text(data.get(layout.S_URAIAN)), actor, _split_roles(data.get(layout.S_PELAKSANA_LAIN)),
                as_text(data.get(layout.S_KELENGKAPAN)), "" if bad_waktu else waktu_text, as_text(data.get(layout.S_OUTPUT)),
                as_text(data.get(layout.S_KETERANGAN)), standard, waktu_rencana="", plan=plan)
    # Keep the texts as typed (for display and messages); a step has no standard or plan until its text is fixed.
    object.__setattr__(step, "waktu", waktu_text)
    object.__setattr__(step, "waktu_rencana", plan_text)
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
    positions["holiday_rows"] = max(len(values) - pos.header_row, 0)
    for index, data, blank in table_values(values, pos, layout.HOLIDAY_HEADERS):
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
    pos = reader.table(sheet, values, layout.STAFF_HEADERS, (layout.E_NAME, layout.E_NIP, layout.E_ROLE), 2, "pegawai",
                       layout.STAFF_OPTIONAL)
    if pos is None or values is None:
        return []
    positions["staff_table"] = pos
    positions["staff_rows"] = max(len(values) - pos.header_row, 0)
    staff = []
    for index, data, blank in table_values(values, pos, layout.STAFF_HEADERS):
        if not blank:
            staff.append(StaffEntry(index, **{layout.STAFF_ATTRIBUTES[k]: v for k, v in data.items()}))
    return staff


# --- calendar ------------------------------------------------------------------------------------------------------


def calendar_for(tracker: Tracker, years: Iterable[int]) -> WorkingCalendar:
    """The working calendar of ``years``: the week and special hours from Pengaturan, the Hari Libur sheet
    (:func:`lkj_xl.core.worktime.build_calendar` merges them with the national holidays of the years the sheet does
    not cover, from the shipped table, :mod:`lkj_xl.workbook.holiday_table`)."""
    return build_calendar(years, week=tracker.settings.week, extra=tracker.holidays,
                          removed=tracker.removed_holidays, covered_years=tracker.holiday_years,
                          special=tracker.settings.special, source=holiday_table.national_holidays)


__all__ = ["ReadLayout", "StepSheetPos", "TablePos", "Tracker", "calendar_for", "load_tracker"]
