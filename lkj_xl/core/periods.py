"""Reporting periods: how often an SOP's cycle runs, how a period is written, and when it is due.

An SOP runs once per reporting period (one row per period in every step table):

* ``tahunan`` (yearly): the key column ``Tahun`` holds the year, ``2025``.  SOP 3.1.2.6 is yearly, and its cycles are
  keyed by the plain ``int`` year everywhere (unchanged from the first layouts);
* ``semesteran`` (half-yearly) ``2025-S1``, ``triwulanan`` (quarterly) ``2025-TW3``, ``bulanan`` (monthly)
  ``2025-03``: the key column ``Periode``, one :class:`Period` per row;
* ``per kegiatan`` (per activity): ``Periode`` holds free text naming the activity ("Audit Dinas Pendidikan").

A cycle key is therefore an ``int`` (a yearly SOP) or a :class:`Period`; within one tracker they are all of one kind,
so they sort and compare with each other.

The deadline of a period follows the rule on Pengaturan ("Aturan batas akhir"), a small grammar
(:func:`parse_rule`):

* ``31 Maret berikutnya``, ``31 Maret``, ``31/03``: the first such calendar date after the period's end, moved back
  to the last working day on or before it, at that day's end of work (SOP 3.1.2.6: "selambat-lambatnya disampaikan
  bulan Maret" = ``31 Maret berikutnya`` for a year);
* ``10 hari kerja`` (optionally ``... setelah akhir periode``): the end of the 10th working day after the period's
  end; for ``per kegiatan``, which has no end date, counted from the activity's first Diterima;
* ``tidak ada`` / ``-``: no final deadline (steps keep their own standards);
* blank: the kind's default, ``31 Maret berikutnya`` for a yearly SOP, none for the others.

Pure: no clock, no files; the working calendar is passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import total_ordering
from typing import Union

from lkj_xl.core.dates import MONTH_NAMES_ID
from lkj_xl.core.errors import ParseError
from lkj_xl.core.values import is_blank, normalize_label
from lkj_xl.core.worktime import WorkingCalendar

TAHUNAN = "tahunan"
SEMESTERAN = "semesteran"
TRIWULANAN = "triwulanan"
BULANAN = "bulanan"
PER_KEGIATAN = "per kegiatan"
#: The choices of Pengaturan's "Periode siklus" (its dropdown), in this order.
PERIOD_KINDS: tuple[str, ...] = (TAHUNAN, SEMESTERAN, TRIWULANAN, BULANAN, PER_KEGIATAN)
#: Periods per year of each calendar kind, and the months one period spans.
_PER_YEAR = {SEMESTERAN: 2, TRIWULANAN: 4, BULANAN: 12}
_KIND_WORDS = {SEMESTERAN: "semester", TRIWULANAN: "triwulan", BULANAN: "bulan"}

#: The yearly rule of SOP 3.1.2.6 ("Pencatatan dan pendataan": "selambat-lambatnya disampaikan bulan Maret").
SOP_RULE_TEXT = "31 Maret berikutnya"
#: Text of the "no deadline" rule as the builder writes it.
NO_RULE_TEXT = "tidak ada"
#: Longest free-text label of a "per kegiatan" period.
LABEL_MAX = 100

RULE_DATE = "tanggal"
RULE_WORKDAYS = "hari_kerja"
RULE_NONE = "tidak_ada"


def parse_kind(value: object) -> str:
    """Pengaturan's "Periode siklus": one of :data:`PERIOD_KINDS` (case and spaces ignored; blank = tahunan)."""
    text = normalize_label(value).replace("-", " ")
    if not text:
        return TAHUNAN
    aliases = {"tahun": TAHUNAN, "semester": SEMESTERAN, "triwulan": TRIWULANAN, "bulan": BULANAN,
               "perkegiatan": PER_KEGIATAN, "kegiatan": PER_KEGIATAN}
    for kind in PERIOD_KINDS:
        if text == kind:
            return kind
    if text in aliases:
        return aliases[text]
    raise ParseError(f"Periode siklus \"{str(value).strip()}\" tidak dikenali; pilih salah satu: "
                     f"{', '.join(PERIOD_KINDS)}.", value)


@total_ordering
@dataclass(frozen=True)
class Period:
    """One reporting period of a non-yearly SOP: ``Period(SEMESTERAN, 2025, 1)`` is ``2025-S1``;
    ``Period(PER_KEGIATAN, text="Audit Dinas Pendidikan")`` has no year and no dates."""

    kind: str
    year: int | None = None
    index: int = 0  # semester 1-2, quarter 1-4, month 1-12; 0 for a year or an activity
    text: str = ""  # the activity's name (per kegiatan)

    @property
    def label(self) -> str:
        if self.kind == PER_KEGIATAN:
            return self.text
        if self.kind == SEMESTERAN:
            return f"{self.year}-S{self.index}"
        if self.kind == TRIWULANAN:
            return f"{self.year}-TW{self.index}"
        if self.kind == BULANAN:
            return f"{self.year}-{self.index:02d}"
        return str(self.year)

    def __str__(self) -> str:
        return self.label

    @property
    def start(self) -> date | None:
        """First day of the period (None for an activity)."""
        if self.year is None:
            return None
        if self.kind in _PER_YEAR:
            months = 12 // _PER_YEAR[self.kind]
            return date(self.year, (self.index - 1) * months + 1, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date | None:
        """Last day of the period (None for an activity)."""
        if self.year is None:
            return None
        if self.kind in _PER_YEAR:
            months = 12 // _PER_YEAR[self.kind]
            last_month = self.index * months
            following = date(self.year + 1, 1, 1) if last_month == 12 else date(self.year, last_month + 1, 1)
            return following - timedelta(days=1)
        return date(self.year, 12, 31)

    def _order(self) -> tuple:
        return (self.kind, self.year if self.year is not None else 0, self.index, self.text.casefold())

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._order() < other._order()


#: A cycle's key: the year (int) of a yearly SOP, else a Period.
CycleKey = Union[int, Period]


def key_label(key: object) -> str:
    """How a cycle key is written in the workbook and in messages: ``2025``, ``2025-S1``, the activity's name."""
    return str(key)


def key_title(key: object) -> str:
    """``tahun 2025`` / ``periode 2025-S1`` (lower case, for the middle of a sentence)."""
    return f"periode {key}" if isinstance(key, Period) else f"tahun {key}"


def key_phrase(key: object) -> str:
    """``tahun pelaporan 2025`` / ``periode 2025-S1`` (reminder texts)."""
    return f"periode {key}" if isinstance(key, Period) else f"tahun pelaporan {key}"


def key_bounds(key: object) -> tuple[date, date] | None:
    """First and last day of a cycle key's period (None for an activity)."""
    if isinstance(key, Period):
        if key.start is None or key.end is None:
            return None
        return key.start, key.end
    return date(int(key), 1, 1), date(int(key), 12, 31)  # type: ignore[call-overload]


def key_years(key: object) -> tuple[int, ...]:
    """The calendar years a cycle touches (holidays are loaded for them): from the period's start to the year after
    the one it ends in, plus one more for a late finish.  An activity: none (its dates decide)."""
    bounds = key_bounds(key)
    if bounds is None:
        return ()
    return tuple(range(bounds[0].year, bounds[1].year + 3))


_MONTHS = {name.casefold(): i for i, name in enumerate(MONTH_NAMES_ID, start=1)}
_MONTHS.update({name.casefold()[:3]: i for i, name in enumerate(MONTH_NAMES_ID, start=1)})
_MONTHS.update({"agt": 8, "agus": 8, "nop": 11, "nopember": 11, "peb": 2, "pebruari": 2})

EXAMPLES = {SEMESTERAN: "2025-S1", TRIWULANAN: "2025-TW3", BULANAN: "2025-03", PER_KEGIATAN: "Audit Dinas Kesehatan"}


def current_period(kind: str, day: date) -> Period | None:
    """The period a day lies in (None for per kegiatan, which has no calendar)."""
    if kind == PER_KEGIATAN:
        return None
    if kind == TAHUNAN:
        return Period(TAHUNAN, day.year)
    months = 12 // _PER_YEAR[kind]
    return Period(kind, day.year, (day.month - 1) // months + 1)


# --- deadline rules ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRule:
    """Pengaturan's "Aturan batas akhir", read: a date after the period's end (``day``/``month``), a number of
    working days after it (``days``), or none."""

    kind: str  # RULE_DATE, RULE_WORKDAYS or RULE_NONE
    day: int = 0
    month: int = 0
    days: int = 0

    def describe(self) -> str:
        if self.kind == RULE_DATE:
            return f"{self.day} {MONTH_NAMES_ID[self.month - 1]} berikutnya"
        if self.kind == RULE_WORKDAYS:
            return f"{self.days} hari kerja setelah akhir periode"
        return NO_RULE_TEXT


SOP_RULE = DeadlineRule(RULE_DATE, 31, 3)
NO_RULE = DeadlineRule(RULE_NONE)

_RULE_HINT = (f"tulis mis. \"{SOP_RULE_TEXT}\", \"15/01\" (tanggal setelah akhir periode), \"10 hari kerja\" "
              f"(setelah akhir periode) atau \"{NO_RULE_TEXT}\"")
_NONE_WORDS = {"tidak ada", "tanpa", "tanpa batas", "tanpa batas akhir", "-", "–", "tidak"}
_DAY_MONTH = re.compile(r"(\d{1,2})\s*(?:[/.\-]\s*(\d{1,2})|\s+([a-z]+)\.?)(?:\s+(?:berikutnya|setelah akhir periode|"
                        r"tahun berikutnya|sesudahnya))?")
_WORKDAYS = re.compile(r"(\d{1,3})\s*(?:hari kerja|hk)(?:\s+(?:setelah|sesudah)(?: akhir)? (?:periode|kegiatan))?")


def default_rule(kind: str) -> DeadlineRule:
    """The rule of a blank "Aturan batas akhir": SOP 3.1.2.6's for a yearly SOP, none for the others."""
    return SOP_RULE if kind == TAHUNAN else NO_RULE


def parse_rule(value: object, kind: str = TAHUNAN) -> DeadlineRule:
    """Pengaturan's "Aturan batas akhir" (see the module docstring); raises :class:`ParseError` with an Indonesian
    message naming the text.  ``kind`` decides the default of a blank cell and refuses a date rule for an activity."""
    if is_blank(value):
        return default_rule(kind)
    shown = str(value).strip()
    text = normalize_label(value).rstrip(".")
    if text in _NONE_WORDS:
        return NO_RULE
    match = _WORKDAYS.fullmatch(text)
    if match:
        days = int(match.group(1))
        if days < 1:
            raise ParseError(f"Aturan batas akhir \"{shown}\": jumlah hari kerja harus 1 atau lebih.", value)
        return DeadlineRule(RULE_WORKDAYS, days=days)
    match = _DAY_MONTH.fullmatch(text)
    if match:
        day = int(match.group(1))
        if match.group(2):
            month = int(match.group(2))
        else:
            month = _MONTHS.get(match.group(3) or "", 0)
            if not month:
                raise ParseError(f"Aturan batas akhir \"{shown}\": nama bulan \"{match.group(3)}\" tidak dikenal; "
                                 f"{_RULE_HINT}.", value)
        if not 1 <= month <= 12 or not 1 <= day <= _days_in(month):
            raise ParseError(f"Aturan batas akhir \"{shown}\": tanggal {day} bulan {month} tidak ada; {_RULE_HINT}.",
                             value)
        if kind == PER_KEGIATAN:
            raise ParseError(f"Aturan batas akhir \"{shown}\" memakai tanggal, padahal periode per kegiatan tidak "
                             f"punya akhir periode; tulis jumlah hari kerja (mis. \"10 hari kerja\", dihitung dari "
                             f"Diterima langkah pertama) atau \"{NO_RULE_TEXT}\".", value)
        return DeadlineRule(RULE_DATE, day, month)
    raise ParseError(f"Aturan batas akhir \"{shown}\" tidak dikenali; {_RULE_HINT}.", value)


def _days_in(month: int) -> int:
    return (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]


def _date_after(end: date, day: int, month: int) -> date:
    """The first ``day``/``month`` strictly after ``end`` (29 February falls back to the 28th in other years)."""
    for year in (end.year, end.year + 1, end.year + 2):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = date(year, month, day - 1)
        if candidate > end:
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def deadline_for(key: object, rule: DeadlineRule, calendar: WorkingCalendar,
                 first_start: datetime | None = None) -> datetime | None:
    """The final deadline of the cycle ``key`` under ``rule`` on the working calendar; None when the rule is none
    (or, for an activity, before its first Diterima).

    * a date rule: the end of the last working day on or before the first such date after the period's end;
    * working days: the end of the n-th working day after the period's end (an activity: after ``first_start``'s
      day)."""
    if rule.kind == RULE_NONE:
        return None
    bounds = key_bounds(key)
    if rule.kind == RULE_DATE:
        if bounds is None:
            return None
        target = _date_after(bounds[1], rule.day, rule.month)
        return calendar.day_end(calendar.last_working_day_on_or_before(target))
    anchor = bounds[1] if bounds is not None else (first_start.date() if first_start is not None else None)
    if anchor is None:
        return None
    day = anchor
    for _ in range(rule.days):
        day = calendar.next_working_day(day)
    return calendar.day_end(day)


__all__ = [
    "BULANAN", "DeadlineRule", "NO_RULE", "PERIOD_KINDS", "PER_KEGIATAN", "Period", "SEMESTERAN", "SOP_RULE",
    "TAHUNAN", "TRIWULANAN", "current_period", "deadline_for", "default_rule", "key_bounds", "key_label",
    "key_title", "key_years", "parse_kind", "parse_rule",
]
