"""Checks on what people typed: the step tables ("Langkah N") and the staff list ("Pegawai").

Pure functions: no clock (every check takes an explicit ``as_of``), no files.  Every problem is an
:class:`entries.Problem` with a stable code (constants below, :data:`SEVERITIES` gives each one's severity), an
Indonesian message naming the value, and a location: ``Location(AREA_STEP, (step, row), field)`` or
``Location(AREA_STAFF, row, field)``.

One idea over 500 lines: the checks on people's entries, each rule next to its code and message.

Reading one cycle (:func:`read_cycle`):

* The rows of a cycle are those whose Tahun is the reporting ``year`` (int, float 2025.0 or text "2025").  The LKj
  for year N is prepared in year N+1, so every date must fall between 1 January N+1 and 31 December N+2.
* The year checks are folded into :func:`read_cycle` (there is no separate ``validate_cycle_years``): a row whose
  Tahun is empty (while the row holds data) or unreadable belongs to no cycle, so it is reported whichever year is
  read; a second row for ``year`` in one step's table is reported on that second row and ignored.  Apart from those,
  only the rows of ``year`` are checked.
* A date typed without a time counts as 00:00 of that day for Diterima and 23:59 for Selesai (a step received "on
  6 January" started that day; one completed "on 6 January" finished by the end of it).  Comparisons involving such
  a date are made by calendar day, so a step received on the same day the previous one completed is never
  reported, and a Selesai typed as today's date is not "in the future".
* An empty Diterima means the step started when the previous one was handed over (its Selesai); it is reported
  (``diterima_kosong``) only when the step has a Selesai and no such hand-over exists: the first step, or a previous
  step without a readable Selesai.
* Records hold every readable value, including those with errors (a future date, a date out of range); the problem
  list says what is wrong.  ``Cycle.records`` has one :class:`StepRecord` per SOP step, in SOP order.
* Staff checks (Pelaksana on the list, Pelaksana's Jabatan) run only when a staff list with at least one name is
  given; without one, a typed Pelaksana is a warning that it cannot be checked (and :func:`validate_staff` warns
  once that the list is empty).  Names match ignoring case and spacing; a Plt./Plh. prefix on the typed name is ignored for matching.
  An acting official is accepted for another role: when the typed name has the prefix, or when the staff row's
  Keterangan starts with Plt./Plh.  If that Keterangan names one of the SOP's roles ("Plt. Kepala Dinas"), the
  official is accepted for that role (and their own Jabatan) only; otherwise for any role.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from lkj_xl.core.values import is_blank
from lkj_xl.core.zones import WIB, to_local
from lkj_xl.core.dates import DateReading, format_date_id, format_datetime_id, read_datetime
from lkj_xl.core.dates import MONTH_ABBREVIATIONS_ID
from lkj_xl.core.entries import (
    AREA_STAFF,
    AREA_STEP,
    ERROR,
    F_COMPLETED,
    F_KELENGKAPAN,
    F_PELAKSANA,
    F_RECEIVED,
    F_ULANG,
    F_YEAR,
    WARNING,
    Cycle,
    Location,
    Problem,
    StaffEntry,
    StepEntry,
    StepRecord,
)
from lkj_xl.core.errors import ParseError
from lkj_xl.core.nip import format_nip, parse_nip
from lkj_xl.core.periods import TAHUNAN, Period, key_title
from lkj_xl.core.schedule import cycle_span
from lkj_xl.core.sop import Sop, split_acting

# Field names of a staff row; the "Pegawai" table headers use the same words.  (These belong beside the step
# fields in entries.py; kept here until that module is changed.)
F_NAMA = "Nama"
F_NIP = "NIP"
F_JABATAN = "Jabatan"
F_KETERANGAN = "Keterangan"

# --- problem codes -------------------------------------------------------------------------------------------------
# step tables
TAHUN_KOSONG = "tahun_kosong"
TAHUN_TIDAK_TERBACA = "tahun_tidak_terbaca"
LANGKAH_TIDAK_DIKENAL = "langkah_tidak_dikenal"
SIKLUS_GANDA = "siklus_ganda"
TANGGAL_TIDAK_TERBACA = "tanggal_tidak_terbaca"
TANGGAL_TERLALU_AWAL = "tanggal_terlalu_awal"
TANGGAL_TERLALU_AKHIR = "tanggal_terlalu_akhir"
TANGGAL_DI_MASA_DEPAN = "tanggal_di_masa_depan"
SELESAI_SEBELUM_DITERIMA = "selesai_sebelum_diterima"
DITERIMA_KOSONG = "diterima_kosong"
MENDAHULUI_LANGKAH_SEBELUMNYA = "mendahului_langkah_sebelumnya"
LANGKAH_SEBELUMNYA_BELUM_SELESAI = "langkah_sebelumnya_belum_selesai"
PELAKSANA_KOSONG = "pelaksana_kosong"
PELAKSANA_TIDAK_TERDAFTAR = "pelaksana_tidak_terdaftar"
JABATAN_TIDAK_SESUAI = "jabatan_tidak_sesuai"
KELENGKAPAN_TIDAK_LENGKAP = "kelengkapan_tidak_lengkap"
KELENGKAPAN_TIDAK_DIKENAL = "kelengkapan_tidak_dikenal"
PELAKSANA_TANPA_DAFTAR = "pelaksana_tanpa_daftar"
ULANG_TIDAK_SAH = "ulang_tidak_sah"
# staff list
PEGAWAI_KOSONG = "pegawai_kosong"
NAMA_KOSONG = "nama_kosong"
NIP_TIDAK_SAH = "nip_tidak_sah"
NIP_GANDA = "nip_ganda"
JABATAN_KOSONG = "jabatan_kosong"
JABATAN_TIDAK_DIKENAL = "jabatan_tidak_dikenal"

SEVERITIES: dict[str, str] = {
    TAHUN_KOSONG: ERROR,
    TAHUN_TIDAK_TERBACA: ERROR,
    LANGKAH_TIDAK_DIKENAL: ERROR,
    SIKLUS_GANDA: ERROR,
    TANGGAL_TIDAK_TERBACA: ERROR,
    TANGGAL_TERLALU_AWAL: ERROR,
    TANGGAL_TERLALU_AKHIR: ERROR,
    TANGGAL_DI_MASA_DEPAN: ERROR,
    SELESAI_SEBELUM_DITERIMA: ERROR,
    DITERIMA_KOSONG: WARNING,
    MENDAHULUI_LANGKAH_SEBELUMNYA: ERROR,
    LANGKAH_SEBELUMNYA_BELUM_SELESAI: WARNING,
    PELAKSANA_KOSONG: WARNING,
    PELAKSANA_TIDAK_TERDAFTAR: WARNING,
    JABATAN_TIDAK_SESUAI: WARNING,
    KELENGKAPAN_TIDAK_LENGKAP: WARNING,
    KELENGKAPAN_TIDAK_DIKENAL: WARNING,
    PELAKSANA_TANPA_DAFTAR: WARNING,
    PEGAWAI_KOSONG: WARNING,
    ULANG_TIDAK_SAH: ERROR,
    NAMA_KOSONG: ERROR,
    NIP_TIDAK_SAH: ERROR,
    NIP_GANDA: ERROR,
    JABATAN_KOSONG: ERROR,
    JABATAN_TIDAK_DIKENAL: ERROR,
}

#: A date typed without a time, in Selesai, means the end of that day.
END_OF_DAY = time(23, 59)

KELENGKAPAN_YES = frozenset({"ya", "y", "yes", "lengkap", "sudah lengkap"})
KELENGKAPAN_NO = frozenset({"tidak", "t", "n", "no", "tidak lengkap", "belum lengkap", "belum"})

#: Reporting years the tracker accepts (Tahun cells, Pengaturan, ``lkj --year``).
YEAR_MIN = 2000
YEAR_MAX = 2100

_YEAR_TEXT_RE = re.compile(r"^\d{4}$")


# --- small readers -------------------------------------------------------------------------------------------------


def parse_year(value: object) -> int | None:
    """A Tahun cell: 2025, 2025.0 or "2025" -> 2025; empty -> None; anything else raises :class:`ParseError`."""
    if is_blank(value):
        return None
    hint = "tulis tahun laporan dengan 4 angka, mis. 2025."
    if isinstance(value, bool):
        raise ParseError(f"Tahun berisi nilai logika {'TRUE' if value else 'FALSE'}; {hint}", value)
    if isinstance(value, (datetime, date)):
        raise ParseError(f"Tahun berisi tanggal ({format_date_id(value)}); {hint}", value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ParseError(f"Tahun \"{str(value).replace('.', ',')}\" bukan bilangan bulat; {hint}", value)
        value = int(value)
    if isinstance(value, int):
        if 1000 <= value <= 9999:
            return _year_in_range(value)
        raise ParseError(f"Tahun \"{value}\" tidak terbaca; {hint}", value)
    text = str(value).strip()
    if _YEAR_TEXT_RE.match(text):
        return _year_in_range(int(text))
    raise ParseError(f"Tahun \"{text}\" tidak terbaca; {hint}", value)


def _year_in_range(year: int) -> int:
    """The reporting years the workbook accepts (its data validation, ``lkj --year``): 2000-2100.  A year outside
    is a typo (1900, 2999), not a cycle to compute; it is reported instead of scheduled."""
    if YEAR_MIN <= year <= YEAR_MAX:
        return year
    raise ParseError(f"Tahun {year} di luar rentang {YEAR_MIN}-{YEAR_MAX}; periksa tahun laporannya, mis. 2025.",
                     year)


def parse_key(value: object, kind: str = TAHUNAN) -> int | Period | None:
    """A step table's key cell: the year (``Tahun``) of a yearly SOP, else the :class:`Period` (``Periode``) of
    ``kind``.  Blank -> None; unreadable -> :class:`ParseError`."""
    if kind == TAHUNAN:
        return parse_year(value)
    from lkj_xl.core.period_text import parse_period  # a non-yearly SOP only

    return parse_period(kind, value, (YEAR_MIN, YEAR_MAX))


def cycle_years(entries: Iterable[StepEntry], kind: str = TAHUNAN) -> list:
    """The cycle keys (reporting years, or periods) that have at least one readable row, ascending."""
    years = set()
    for entry in entries:
        try:
            year = parse_key(entry.year, kind)
        except ParseError:
            continue
        if year is not None:
            years.add(year)
    return sorted(years)


# --- one cycle -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stamp:
    """A readable date of a step: the instant used (23:59 for a date-only Selesai) and whether a time was typed."""

    value: datetime
    has_time: bool
    raw: object

    def show(self) -> str:
        return format_datetime_id(self.value) if self.has_time else format_date_id(self.value)


@dataclass
class _StepState:
    """What a cycle's reading knows of one step so far: its row and its stamps."""

    step: int
    entry: StepEntry | None = None
    received: _Stamp | None = None
    completed: _Stamp | None = None

    @property
    def completed_filled(self) -> bool:
        return self.entry is not None and not is_blank(self.entry.completed)


def read_cycle(sop: Sop, entries: Iterable[StepEntry], year: int | Period, as_of: datetime,
               staff: Sequence[StaffEntry] = (), kind: str = TAHUNAN) -> tuple[Cycle, list[Problem]]:
    """The cycle of reporting ``year`` (a Period for a non-yearly SOP of ``kind``) and every problem found (see the
    module docstring for the rules)."""
    return read_cycles(sop, entries, [year], as_of, staff, kind)[year]


def _key_word(kind: str) -> str:
    return "Tahun" if kind == TAHUNAN else "Periode"


def read_cycles(sop: Sop, entries: Iterable[StepEntry], years: Iterable, as_of: datetime,
                staff: Sequence[StaffEntry] = (), kind: str = TAHUNAN, zone: tzinfo = WIB) -> dict:
    """:func:`read_cycle` for each of ``years`` (same cycles, same problems in the same order), with the rows sorted
    and their Tahun read once for all years instead of once per year: a tracker with thousands of rows and many
    years is read in one pass."""
    as_of = to_local(as_of)
    # rows with an empty or unreadable Tahun: reported whichever year is read
    common: list[Problem] = []
    by_year: dict[int, list[StepEntry]] = {}
    for entry in sorted(entries, key=lambda e: (e.step, e.row)):
        if _blank_step_row(entry):
            continue
        try:
            entry_year = parse_key(entry.year, kind)
        except ParseError as exc:
            common.append(_problem(_step_loc(entry, F_YEAR), TAHUN_TIDAK_TERBACA, exc.message))
            continue
        if entry_year is None:
            hint = "tahun laporan, mis. 2025" if kind == TAHUNAN else f"periodenya, mis. {_period_example(kind)}"
            common.append(_problem(_step_loc(entry, F_YEAR), TAHUN_KOSONG, f"{_key_word(kind)} kosong, padahal baris "
                                                                         f"ini berisi data; isi {hint}."))
            continue
        by_year.setdefault(entry_year, []).append(entry)
    staff_index = _StaffIndex(staff, sop.roles)
    return {year: _read_one_cycle(sop, by_year.get(year, ()), year, as_of, staff_index, common, kind, zone)
            for year in years}


def _read_one_cycle(sop: Sop, entries: Sequence[StepEntry], year: int | Period, as_of: datetime,
                    staff_index: "_StaffIndex", common: Sequence[Problem],
                    kind: str = TAHUNAN, zone: tzinfo = WIB) -> tuple[Cycle, list[Problem]]:
    """One cycle from the rows whose Tahun is ``year`` (sorted by step and row); ``common``: the problems of rows
    that belong to no year.  A row's problems all come from one of the two, so the stable sort at the end puts
    them in the order one pass over every row gives."""
    problems: list[Problem] = list(common)
    step_numbers = {step.number for step in sop.steps}

    chosen: dict[int, StepEntry] = {}
    for entry in entries:
        loc = _step_loc(entry, F_YEAR)
        if entry.step not in step_numbers:
            problems.append(_problem(loc, LANGKAH_TIDAK_DIKENAL,
                                     f"Langkah {entry.step} tidak ada dalam SOP {sop.nomor}."))
            continue
        if entry.step in chosen:
            first = chosen[entry.step]
            problems.append(_problem(loc, SIKLUS_GANDA,
                                     f"Dua siklus untuk {_key_word(kind).lower()} yang sama: tabel langkah {entry.step} "
                                     f"sudah berisi {key_title(year)} pada baris data ke-{first.row + 1}. Hapus "
                                     f"salah satu baris; baris ini diabaikan."))
            continue
        chosen[entry.step] = entry

    states = [_StepState(step.number, chosen.get(step.number)) for step in sop.steps]
    for state in states:
        if state.entry is not None:
            _read_dates(state, year, as_of, problems, zone)

    previous: _StepState | None = None
    for step, state in zip(sop.steps, states):
        if state.entry is not None:
            _check_order(state, previous, problems)
            _check_pelaksana(step.actor, step.number, state, staff_index, problems)
            _check_kelengkapan(step.kelengkapan, state, problems)
            _check_ulang(state.entry, problems)
        previous = state

    records = tuple(
        StepRecord(
            state.step,
            state.received.value if state.received else None,
            state.completed.value if state.completed else None,
            _clean_text(state.entry.pelaksana) if state.entry is not None else None,
            received_has_time=state.received.has_time if state.received else True,
            completed_has_time=state.completed.has_time if state.completed else True,
            complete=_kelengkapan(state.entry.kelengkapan) if state.entry is not None else None,
        )
        for state in states
    )
    problems.sort(key=lambda problem: problem.location.key)  # by step, then row; stable within a row
    return Cycle(year, records), problems


def _read_dates(state: _StepState, year: int, as_of: datetime, problems: list[Problem],
                zone: tzinfo = WIB) -> None:
    entry = state.entry
    assert entry is not None
    for field, raw in ((F_RECEIVED, entry.received), (F_COMPLETED, entry.completed)):
        loc = _step_loc(entry, field)
        try:
            reading = read_datetime(raw, zone)  # "08.00 WITA" is read on the tracker's clock
        except ParseError as exc:
            problems.append(_problem(loc, TANGGAL_TIDAK_TERBACA, exc.message))
            continue
        if reading is None:
            continue
        stamp = _stamp(reading, raw, end_of_day=field == F_COMPLETED)
        _check_range(field, stamp, year, as_of, loc, problems)
        if field == F_RECEIVED:
            state.received = stamp
        else:
            state.completed = stamp


def _stamp(reading: DateReading, raw: object, end_of_day: bool) -> _Stamp:
    value = reading.value
    if end_of_day and not reading.has_time:
        value = datetime.combine(value.date(), END_OF_DAY)
    return _Stamp(value, reading.has_time, raw)


def _period_example(kind: str) -> str:
    from lkj_xl.core.periods import EXAMPLES

    return EXAMPLES.get(kind, "2025")


def _check_period_range(field: str, stamp: _Stamp, period: Period, as_of: datetime, loc: Location,
                        problems: list[Problem]) -> None:
    """A period's dates lie from its first day to the end of the year after the one it ends in (work on a
    period's report may start within it); an activity's dates only not in the future."""
    day = stamp.value.date()
    if period.start is not None and period.end is not None:
        last_day = date(period.end.year + 1, 12, 31)
        if day < period.start:
            problems.append(_problem(loc, TANGGAL_TERLALU_AWAL,
                                     f"{field} ({stamp.show()}) terlalu awal: periode {period} dimulai "
                                     f"{format_date_id(period.start)}."))
            return
        if day > last_day:
            problems.append(_problem(loc, TANGGAL_TERLALU_AKHIR,
                                     f"{field} ({stamp.show()}) terlalu jauh: periode {period} berakhir "
                                     f"{format_date_id(period.end)}; tanggal setelah {format_date_id(last_day)} "
                                     f"tidak masuk akal. Periksa tahunnya."))
            return
    if _after(stamp, as_of):
        now = format_datetime_id(as_of) if stamp.has_time else format_date_id(as_of)
        problems.append(_problem(loc, TANGGAL_DI_MASA_DEPAN,
                                 f"{field} ({stamp.show()}) di masa depan: saat pemeriksaan adalah {now}."))


def _check_range(field: str, stamp: _Stamp, year: int | Period, as_of: datetime, loc: Location,
                 problems: list[Problem]) -> None:
    """One problem at most per date: too early, else too late, else in the future."""
    if isinstance(year, Period):
        _check_period_range(field, stamp, year, as_of, loc, problems)
        return
    day = stamp.value.date()
    first_day = date(year + 1, 1, 1)
    last_day = date(cycle_span(year)[-1], 12, 31)

    def fits(other: _Stamp) -> bool:
        return first_day <= other.value.date() <= last_day and not _after(other, as_of)

    if day < first_day:
        message = (f"{field} ({stamp.show()}) terlalu awal: LKj tahun {year} disusun pada tahun {year + 1}, "
                   f"jadi tanggalnya paling awal {format_date_id(first_day)}.")
        if isinstance(stamp.raw, (int, float)) and not isinstance(stamp.raw, bool):
            message += (f" Sel berisi angka {stamp.raw}; ketik tanggal lengkap, "
                        f"mis. \"6 Jan {year + 1} 08.00\".")
        problems.append(_problem(loc, TANGGAL_TERLALU_AWAL, message + _swap_hint(stamp, fits)))
    elif day > last_day:
        problems.append(_problem(loc, TANGGAL_TERLALU_AKHIR,
                                 f"{field} ({stamp.show()}) terlalu jauh: LKj tahun {year} disusun pada tahun "
                                 f"{year + 1}; tanggal setelah {format_date_id(last_day)} tidak masuk akal. "
                                 f"Periksa tahunnya." + _swap_hint(stamp, fits)))
    elif _after(stamp, as_of):
        now = format_datetime_id(as_of) if stamp.has_time else format_date_id(as_of)
        problems.append(_problem(loc, TANGGAL_DI_MASA_DEPAN,
                                 f"{field} ({stamp.show()}) di masa depan: saat pemeriksaan adalah {now}."
                                 + _swap_hint(stamp, fits)))


def _swapped(stamp: _Stamp) -> _Stamp | None:
    """The same date with day and month swapped, for a real date (a date Excel stored, not text the engine read
    day-first) whose day could be a month: what an English-locale Excel makes of "06/01/2026" (1 June)."""
    if isinstance(stamp.raw, str) or is_blank(stamp.raw):
        return None
    value = stamp.value
    if value.day > 12 or value.day == value.month:
        return None
    return _Stamp(value.replace(day=value.month, month=value.day), stamp.has_time, stamp.raw)


def _swap_hint(stamp: _Stamp, fits) -> str:
    """A sentence for an out-of-sequence real date that would be in sequence with day and month swapped."""
    other = _swapped(stamp)
    if other is None or not fits(other):
        return ""
    typed = f"{stamp.value.month:02d}/{stamp.value.day:02d}/{stamp.value.year}"
    return (f" Mungkin hari dan bulannya tertukar: Excel berbahasa Inggris membaca \"{typed}\" sebagai "
            f"{format_date_id(stamp.value)}; bila maksudnya {other.show()}, ketik \"{_short(other)}\".")


def _short(stamp: _Stamp) -> str:
    """The unambiguous form people are asked to type: "6 Jan 2026 08.00"."""
    text = f"{stamp.value.day} {MONTH_ABBREVIATIONS_ID[stamp.value.month - 1]} {stamp.value.year}"
    return text + f" {stamp.value.hour:02d}.{stamp.value.minute:02d}" if stamp.has_time else text


def _check_order(state: _StepState, previous: _StepState | None, problems: list[Problem]) -> None:
    entry = state.entry
    assert entry is not None
    received, completed = state.received, state.completed
    if received and completed and _before(completed, received):
        hint = (_swap_hint(completed, lambda other: not _before(other, received))
                or _swap_hint(received, lambda other: not _before(completed, other)))
        problems.append(_problem(_step_loc(entry, F_COMPLETED), SELESAI_SEBELUM_DITERIMA,
                                 f"Selesai ({completed.show()}) lebih awal dari Diterima ({received.show()})." + hint))
    # An empty Diterima means the step started at the hand-over, the previous step's Selesai (README, step 2 of the
    # guide): only when there is no such Selesai is the start unknown.
    if state.completed_filled and is_blank(entry.received) and (previous is None or previous.completed is None):
        where = ("langkah pertama tidak punya serah terima dari langkah sebelumnya" if previous is None else
                 f"langkah {previous.step} (sebelumnya) belum berisi tanggal Selesai, jadi mulainya tidak diketahui")
        problems.append(_problem(_step_loc(entry, F_RECEIVED), DITERIMA_KOSONG,
                                 f"Selesai sudah diisi, tetapi Diterima kosong dan {where}; isi kapan langkah ini "
                                 f"diterima agar lamanya dapat dihitung."))
    if previous is None:
        return
    prev_done = previous.completed
    if prev_done is not None:
        # Compare this step's start (its Selesai when Diterima is empty) with the previous step's end.
        own, field = received, F_RECEIVED
        if received is None and is_blank(entry.received):
            own, field = completed, F_COMPLETED
        if own is not None and _before(own, prev_done):
            problems.append(_problem(
                _step_loc(entry, field), MENDAHULUI_LANGKAH_SEBELUMNYA,
                f"{field} ({own.show()}) lebih awal dari Selesai langkah {previous.step} ({prev_done.show()}); "
                f"langkah {state.step} baru dapat dimulai setelah langkah {previous.step} selesai."
                + _swap_hint(own, lambda other: not _before(other, prev_done))))
    elif state.completed_filled and not previous.completed_filled:
        problems.append(_problem(_step_loc(entry, F_COMPLETED), LANGKAH_SEBELUMNYA_BELUM_SELESAI,
                                 f"Selesai sudah diisi, tetapi langkah {previous.step} (sebelumnya) belum berisi "
                                 f"tanggal Selesai untuk tahun ini."))


def _check_pelaksana(actor: str, step_number: int, state: _StepState, staff: "_StaffIndex",
                     problems: list[Problem]) -> None:
    entry = state.entry
    assert entry is not None
    loc = _step_loc(entry, F_PELAKSANA)
    typed = _clean_text(entry.pelaksana)
    if typed is None:
        if state.completed_filled:
            problems.append(_problem(loc, PELAKSANA_KOSONG,
                                     "Langkah sudah Selesai, tetapi Pelaksana kosong; isi nama pegawai yang "
                                     "melaksanakannya."))
        return
    if staff.empty:
        problems.append(_problem(loc, PELAKSANA_TANPA_DAFTAR,
                                 f"Pelaksana \"{_shown(typed)}\" tidak dapat diperiksa: daftar pegawai (lembar Pegawai) "
                                 f"masih kosong. Isi Nama, NIP dan Jabatan setiap pegawai di sana."))
        return
    typed_acting, name = _split_acting(typed)
    matches = staff.find(name)
    if not matches:
        problems.append(_problem(loc, PELAKSANA_TIDAK_TERDAFTAR,
                                 f"Pelaksana \"{_shown(typed)}\" tidak ada di daftar pegawai. Periksa ejaannya atau "
                                 f"tambahkan "
                                 f"ke daftar pegawai."))
        return
    if typed_acting or any(person.can_act_as(actor) for person in matches):
        return
    jabatan = " / ".join(sorted({person.jabatan_text for person in matches}))
    problems.append(_problem(loc, JABATAN_TIDAK_SESUAI,
                             f"Pelaksana \"{_shown(typed)}\" berjabatan {_shown(jabatan)}, "
                             f"sedangkan langkah {step_number} "
                             f"dilaksanakan oleh {actor}. Bila ia pejabat pelaksana tugas/harian, tulis \"Plt.\" atau "
                             f"\"Plh.\" di depan namanya atau di Keterangan daftar pegawai."))


def _check_kelengkapan(required: str, state: _StepState, problems: list[Problem]) -> None:
    entry = state.entry
    assert entry is not None
    raw = entry.kelengkapan
    if is_blank(raw):
        return
    loc = _step_loc(entry, F_KELENGKAPAN)
    answer = _kelengkapan(raw)
    if answer is None:
        problems.append(_problem(loc, KELENGKAPAN_TIDAK_DIKENAL,
                                 f"Kelengkapan \"{_shown(_clean_text(raw))}\" tidak dikenali; "
                                 f"isi \"Ya\" atau \"Tidak\"."))
    elif answer is False and state.completed_filled:
        what = f" ({required})" if required else ""
        problems.append(_problem(loc, KELENGKAPAN_TIDAK_LENGKAP,
                                 f"Langkah sudah Selesai, tetapi Kelengkapan{what} ditandai "
                                 f"\"{_shown(_clean_text(raw))}\" "
                                 f"(tidak lengkap)."))


def read_ulang(raw: object) -> int | None:
    """"Ulang" (how many times a step was sent back): a whole number 0 or more; blank -> 0; else None."""
    if is_blank(raw):
        return 0
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return int(raw) if raw >= 0 and float(raw).is_integer() else None
    text = str(raw).strip()
    return int(text) if text.isdigit() else None


def _check_ulang(entry, problems: list[Problem]) -> None:
    if read_ulang(entry.ulang) is None:
        problems.append(_problem(_step_loc(entry, F_ULANG), ULANG_TIDAK_SAH,
                                 f"Ulang \"{_shown(_clean_text(entry.ulang))}\" bukan bilangan bulat 0 atau lebih; "
                                 f"isi berapa kali langkah ini dikembalikan, mis. 0, 1 atau 2."))


def _kelengkapan(raw: object) -> bool | None:
    """True for Ya, False for Tidak, None for anything else."""
    if isinstance(raw, bool):
        return raw
    text = " ".join(str(raw).split()).casefold().rstrip(".")
    if text in KELENGKAPAN_YES:
        return True
    if text in KELENGKAPAN_NO:
        return False
    return None


# --- staff ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    """A staff member as the actor check needs them: the Jabatan as typed and the roles it allows."""

    jabatan_text: str
    roles: frozenset[str] | None  # normalized roles this person may act in; None = any (acting, role unnamed)

    def can_act_as(self, actor: str) -> bool:
        return self.roles is None or _norm(actor) in self.roles


class _StaffIndex:
    """Staff rows by normalized name (an acting prefix on the Nama is ignored)."""

    def __init__(self, staff: Sequence[StaffEntry], roles: Sequence[str]):
        known_roles = {_norm(role) for role in roles}
        self._by_name: dict[str, list[_Person]] = {}
        for row in staff:
            nama = _clean_text(row.nama)
            if nama is None:
                continue
            jabatan = _clean_text(row.jabatan) or "-"
            allowed: frozenset[str] | None = frozenset({_norm(jabatan)})
            keterangan = _clean_text(row.keterangan)
            if keterangan is not None:
                acting, acting_role = _split_acting(keterangan)
                if acting:
                    if _norm(acting_role) in known_roles:
                        allowed = allowed | {_norm(acting_role)}
                    else:
                        allowed = None
            name_key = _norm(_split_acting(nama)[1])
            self._by_name.setdefault(name_key, []).append(_Person(jabatan, allowed))

    @property
    def empty(self) -> bool:
        return not self._by_name

    def find(self, name: str) -> list[_Person]:
        return self._by_name.get(_norm(name), [])


def validate_staff(staff: Sequence[StaffEntry], roles: Sequence[str]) -> list[Problem]:
    """Problems in the staff list.  Rows left entirely empty are skipped; an empty NIP is allowed (honorer staff)."""
    problems: list[Problem] = []
    if all(is_blank(row.nama) for row in staff):
        problems.append(_problem(Location(AREA_STAFF, None, F_NAMA), PEGAWAI_KOSONG,
                                 "Daftar pegawai (lembar Pegawai) kosong: Pelaksana tidak dapat dipilih atau "
                                 "diperiksa, pengingat tidak tahu pemegang langkah, dan laporan tidak punya nama "
                                 "penanda tangan. Isi Nama, NIP dan Jabatan setiap pegawai."))
    role_by_norm = {_norm(role): role for role in roles}
    role_list = ", ".join(roles)
    seen_nip: dict[str, StaffEntry] = {}
    for row in sorted(staff, key=lambda s: s.row):
        if all(is_blank(v) for v in (row.nama, row.nip, row.jabatan, row.keterangan)):
            continue
        if is_blank(row.nama):
            problems.append(_problem(Location(AREA_STAFF, row.row, F_NAMA), NAMA_KOSONG,
                                     "Nama kosong, padahal baris ini berisi data pegawai; isi namanya atau kosongkan "
                                     "seluruh baris."))
        if not is_blank(row.nip):
            loc = Location(AREA_STAFF, row.row, F_NIP)
            try:
                nip = parse_nip(row.nip)
            except ParseError as exc:
                problems.append(_problem(loc, NIP_TIDAK_SAH, exc.message))
            else:
                first = seen_nip.get(nip.digits)
                if first is not None:
                    problems.append(_problem(loc, NIP_GANDA,
                                             f"NIP {format_nip(nip)} sudah dipakai pada baris pegawai ke-"
                                             f"{first.row + 1} ({_clean_text(first.nama) or 'tanpa nama'}); satu NIP "
                                             f"hanya untuk satu pegawai."))
                else:
                    seen_nip[nip.digits] = row
        jabatan = _clean_text(row.jabatan)
        loc = Location(AREA_STAFF, row.row, F_JABATAN)
        if jabatan is None:
            problems.append(_problem(loc, JABATAN_KOSONG, f"Jabatan kosong; pilih salah satu: {role_list}."))
        elif _norm(jabatan) not in role_by_norm:
            acting, rest = _split_acting(jabatan)
            if acting:
                message = (f"Jabatan \"{_shown(jabatan)}\" tidak dikenal: tulis jabatan definitifnya ({role_list}) dan "
                           f"tulis \"{_shown(jabatan)}\" di kolom Keterangan.")
            else:
                message = f"Jabatan \"{_shown(jabatan)}\" tidak dikenal; pilih salah satu: {role_list}."
            problems.append(_problem(loc, JABATAN_TIDAK_DIKENAL, message))
    return problems


# --- helpers -------------------------------------------------------------------------------------------------------


def _problem(location: Location, code: str, message: str) -> Problem:
    return Problem(location, SEVERITIES[code], code, message)


def _step_loc(entry: StepEntry, field: str) -> Location:
    return Location(AREA_STEP, (entry.step, entry.row), field)


def _blank_step_row(entry: StepEntry) -> bool:
    return all(is_blank(v) for v in (entry.year, entry.received, entry.completed, entry.pelaksana, entry.kelengkapan,
                                   entry.nomor_output, entry.catatan, entry.ulang))


def _clean_text(value: object) -> str | None:
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


#: A typed value quoted in a message is cut to this many characters (a pasted page would flood the Masalah sheet).
SHOWN_MAX = 80


def _shown(text: str | None) -> str:
    """Typed text as a message quotes it: whole when short, else its start and the number of characters."""
    text = text or ""
    if len(text) <= SHOWN_MAX:
        return text
    return f"{text[:SHOWN_MAX]}\u2026 ({len(text):,} karakter)".replace(",", ".")


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _split_acting(text: str) -> tuple[bool, str]:
    """("Plt. Budi") -> (True, "Budi"); ("Budi") -> (False, "Budi")."""
    prefix, rest = split_acting(text)
    return prefix is not None, rest if prefix is not None else text


def _before(a: _Stamp, b: _Stamp) -> bool:
    """a earlier than b; by calendar day when either was typed without a time."""
    if a.has_time and b.has_time:
        return a.value < b.value
    return a.value.date() < b.value.date()


def _after(stamp: _Stamp, as_of: datetime) -> bool:
    if stamp.has_time:
        return stamp.value > as_of
    return stamp.value.date() > as_of.date()
