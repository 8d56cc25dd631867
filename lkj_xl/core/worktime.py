"""Working-time calendar: working days, working hours with breaks, national holidays and cuti bersama.

All instants are naive local datetimes in WIB (Asia/Jakarta, UTC+7): the office clock.

Rules (each pinned by a test in ``tests/test_calendar.py``):

* An instant outside working time is first moved forward to the next working instant (when subtracting: backward to
  the previous one).
* Minutes and hours count working minutes: the result of ``add`` is the earliest instant at which that many working
  minutes have passed.  Breaks, evenings, weekends and holidays do not count.
  Example: Thursday 15:00 + 180 menit = Friday 09:30.
* Days (hari, hari kerja) land on the same clock time N working days later, clamped into that day's working window
  (first start to last end; breaks do not matter).  Example: Friday 16:15 + 1 hari = Monday 16:00.
* A week (minggu) is 5 working days (see :mod:`lkj_xl.core.sop`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Callable, Iterable, Mapping

from lkj_xl.core.dates import DAY_NAMES_ID
from lkj_xl.core.sop import DAYS, MINUTES, TimeStandard

# --- working hours ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayHours:
    """The working window of one weekday: ``start``-``end`` minus ``breaks``."""

    start: time
    end: time
    breaks: tuple[tuple[time, time], ...] = ()

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(f"Jam mulai {self.start:%H.%M} harus lebih awal dari jam selesai {self.end:%H.%M}.")
        for b_start, b_end in self.breaks:
            if not (self.start <= b_start < b_end <= self.end):
                raise ValueError(f"Istirahat {b_start:%H.%M}-{b_end:%H.%M} harus di dalam jam kerja "
                                 f"{self.start:%H.%M}-{self.end:%H.%M}.")

    def segments(self) -> tuple[tuple[int, int], ...]:
        """Working segments as (start, end) minutes after midnight, breaks removed."""
        segs: list[tuple[int, int]] = []
        pos = _minute_of(self.start)
        for b_start, b_end in sorted(self.breaks):
            if _minute_of(b_start) > pos:
                segs.append((pos, _minute_of(b_start)))
            pos = max(pos, _minute_of(b_end))
        if _minute_of(self.end) > pos:
            segs.append((pos, _minute_of(self.end)))
        return tuple(segs)

    @property
    def minutes(self) -> int:
        return sum(end - start for start, end in self.segments())


def _minute_of(t: time) -> int:
    return t.hour * 60 + t.minute


WEEKDAY_NAMES_ID = DAY_NAMES_ID

# Perpres 21/2023 tentang Hari Kerja dan Jam Kerja Instansi Pemerintah dan Pegawai Aparatur Sipil Negara, Pasal 2-4:
# 5 hari kerja (Senin-Jumat), 37 jam 30 menit seminggu di luar istirahat, jam kerja dimulai pukul 07.30, istirahat
# 60 menit Senin-Kamis dan 90 menit Jumat.  Exact hours are set by each region; Kota Madiun's own schedule was not
# found, so this is a schedule that meets the Perpres, and the admin changes it on the "Pengaturan" sheet.
_MON_THU = DayHours(time(7, 30), time(16, 0), ((time(12, 0), time(13, 0)),))  # 7 h 30 min
_FRIDAY = DayHours(time(7, 30), time(16, 30), ((time(11, 30), time(13, 0)),))  # 7 h 30 min

#: Monday..Sunday; None = not a working day.
DEFAULT_WEEK: tuple[DayHours | None, ...] = (_MON_THU, _MON_THU, _MON_THU, _MON_THU, _FRIDAY, None, None)


@dataclass(frozen=True)
class SpecialHours:
    """Other working hours for a stretch of dates, e.g. the shorter hours of Ramadan, which the government sets each
    year by a circular of the Minister of PANRB.  ``hours`` gives the hours of some weekdays in the period,
    ``closed`` the weekdays that are not working days in it; the other weekdays keep the normal week."""

    first: date
    last: date
    hours: tuple[tuple[int, DayHours], ...] = ()  # (weekday 0=Monday, hours)
    closed: tuple[int, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"Periode {self.first:%d-%m-%Y} s.d. {self.last:%d-%m-%Y} terbalik.")

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last


# --- holidays --------------------------------------------------------------------------------------------------------

#: What :func:`national_holidays` asks the ``holidays`` package for (the shipped table names the same).
COUNTRY = "ID"
CATEGORIES = ("public", "government")
LANGUAGE = "id"


def national_holidays(years: Iterable[int]) -> dict[date, str]:
    """Hari libur nasional and cuti bersama for ``years``, names in Indonesian.

    Source: the ``holidays`` package, country "ID": category "public" (Keppres/SKB on hari libur nasional) and
    "government" (the SKB 3 Menteri on cuti bersama; without it the joint leave days are missed).
    """
    years = sorted(set(years))
    if not years:
        return {}
    found = _indonesia()(years=years, categories=CATEGORIES, language=LANGUAGE)
    return {day: name for day, name in sorted(found.items())}


def _indonesia():
    """The ``holidays`` package's Indonesia class, without importing ``holidays.countries``.

    ``holidays.country_holidays("ID")`` imports the package ``holidays.countries``, whose ``__init__`` imports all
    ~250 countries: about 0.25 s on every ribbon click that needs a year the Hari Libur sheet does not list (a click
    is a fresh Python).  ``countries/indonesia.py`` itself imports only the package's shared modules (calendars,
    groups, helpers, observed_holiday_base), so it is loaded from its file under a private name; translations are
    found by country code, not module path.  tests check the result equals ``country_holidays``."""
    import importlib.util
    import sys

    name = "_lkj_holidays_indonesia"
    module = sys.modules.get(name)
    if module is None:
        import holidays  # imported here: only the calendar build needs it

        countries = sys.modules.get("holidays.countries")
        if countries is not None:  # already paid for: the ordinary class
            return countries.Indonesia
        path = f"{next(iter(holidays.__path__))}/countries/indonesia.py"
        file_spec = importlib.util.spec_from_file_location(name, path)
        if file_spec is None or file_spec.loader is None:
            return _registry_indonesia()
        module = importlib.util.module_from_spec(file_spec)
        sys.modules[name] = module
        try:
            file_spec.loader.exec_module(module)
        except Exception:  # a holidays release laid out differently: the ordinary way
            del sys.modules[name]
            return _registry_indonesia()
    return module.Indonesia


def _registry_indonesia():
    import holidays

    return lambda **options: holidays.country_holidays(COUNTRY, **options)


# --- the calendar ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days and hours: the week, the holidays, and the periods with other hours."""

    week: tuple[DayHours | None, ...] = DEFAULT_WEEK
    holidays: frozenset[date] = frozenset()
    #: periods with other hours (Ramadan); the first period covering a day decides its hours
    special: tuple[SpecialHours, ...] = ()
    _segments: tuple[tuple[tuple[int, int], ...], ...] = field(init=False, repr=False, compare=False)
    _special: tuple[tuple[SpecialHours, dict[int, tuple[tuple[int, int], ...]]], ...] = field(
        init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError("week must have 7 entries, Monday..Sunday")
        if not any(self.week):
            raise ValueError("Tidak ada hari kerja dalam seminggu.")
        object.__setattr__(self, "_segments", tuple(d.segments() if d else () for d in self.week))
        object.__setattr__(self, "_special", tuple(
            (period, {**{wd: () for wd in period.closed}, **{wd: hours.segments() for wd, hours in period.hours}})
            for period in self.special))

    # -- days --
    def is_working_day(self, day: date) -> bool:
        if not self._special:
            return self.week[day.weekday()] is not None and day not in self.holidays
        return bool(self._day_segments(day))

    def _day_segments(self, day: date) -> tuple[tuple[int, int], ...]:
        if day in self.holidays:
            return ()
        weekday = day.weekday()
        if self._special:
            for period, segments in self._special:
                if period.first <= day <= period.last and weekday in segments:
                    return segments[weekday]
        return self._segments[weekday]

    def next_working_day(self, day: date, step: int = 1) -> date:
        """The nearest working day strictly after ``day`` (``step=-1``: strictly before)."""
        for _ in range(3660):
            day += timedelta(days=step)
            if self.is_working_day(day):
                return day
        raise ValueError("Tidak ada hari kerja dalam 10 tahun; periksa daftar hari libur dan hari kerja.")

    def window(self, day: date) -> tuple[datetime, datetime]:
        """First start and last end of a working day."""
        segs = self._day_segments(day)
        if not segs:
            raise ValueError(f"{day.isoformat()} bukan hari kerja")
        return _at(day, segs[0][0]), _at(day, segs[-1][1])

    def day_end(self, day: date) -> datetime:
        return self.window(day)[1]

    # -- instants --
    def next_working_instant(self, instant: datetime) -> datetime:
        """``instant`` if it lies in working time, else the start of the next working segment.

        The end of a segment counts as outside (work resumes at the next segment's start)."""
        day = instant.date()
        minute = _minutes_into(instant)
        for start, end in self._day_segments(day):
            if minute < start:
                return _at(day, start)
            if minute < end:
                return instant
        nxt = self.next_working_day(day)
        return _at(nxt, self._day_segments(nxt)[0][0])

    def previous_working_instant(self, instant: datetime) -> datetime:
        """``instant`` if it lies in working time, else the end of the previous working segment.

        The start of a segment counts as outside (the previous segment's end is the same moment of work)."""
        day = instant.date()
        minute = _minutes_into(instant)
        for start, end in reversed(self._day_segments(day)):
            if minute > end:
                return _at(day, end)
            if minute > start:
                return instant
        prv = self.next_working_day(day, -1)
        return _at(prv, self._day_segments(prv)[-1][1])

    def add_minutes(self, instant: datetime, minutes: int) -> datetime:
        """The earliest instant at which ``minutes`` working minutes have passed since ``instant``."""
        if minutes < 0:
            return self.subtract_minutes(instant, -minutes)
        pos = self.next_working_instant(instant)
        remaining = timedelta(minutes=minutes)
        day = pos.date()
        while True:
            for start, end in self._day_segments(day):
                seg_start, seg_end = _at(day, start), _at(day, end)
                if seg_end <= pos:
                    continue
                begin = max(seg_start, pos)
                available = seg_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day = self.next_working_day(day)

    def subtract_minutes(self, instant: datetime, minutes: int) -> datetime:
        """The latest instant from which ``minutes`` working minutes pass until ``instant``."""
        if minutes < 0:
            return self.add_minutes(instant, -minutes)
        pos = self.previous_working_instant(instant)
        remaining = timedelta(minutes=minutes)
        day = pos.date()
        while True:
            for start, end in reversed(self._day_segments(day)):
                seg_start, seg_end = _at(day, start), _at(day, end)
                if seg_start >= pos:
                    continue
                finish = min(seg_end, pos)
                available = finish - seg_start
                if remaining <= available:
                    return finish - remaining
                remaining -= available
            day = self.next_working_day(day, -1)

    def add_days(self, instant: datetime, days: int) -> datetime:
        """Same clock time ``days`` working days later, clamped into that day's working window."""
        if days < 0:
            return self.subtract_days(instant, -days)
        pos = self.next_working_instant(instant)
        day = pos.date()
        for _ in range(days):
            day = self.next_working_day(day)
        return self._clamp(day, pos.time())

    def subtract_days(self, instant: datetime, days: int) -> datetime:
        if days < 0:
            return self.add_days(instant, -days)
        pos = self.previous_working_instant(instant)
        day = pos.date()
        for _ in range(days):
            day = self.next_working_day(day, -1)
        return self._clamp(day, pos.time())

    def _clamp(self, day: date, clock: time) -> datetime:
        first, last = self.window(day)
        return min(max(datetime.combine(day, clock), first), last)

    def add(self, instant: datetime, standard: TimeStandard | None) -> datetime:
        """``instant`` + a time standard (None: no time, the instant itself)."""
        if standard is None:
            return instant
        if standard.kind == MINUTES:
            return self.add_minutes(instant, standard.amount)
        if standard.kind == DAYS:
            return self.add_days(instant, standard.amount)
        raise ValueError(standard.kind)

    def subtract(self, instant: datetime, standard: TimeStandard | None) -> datetime:
        if standard is None:
            return instant
        if standard.kind == MINUTES:
            return self.subtract_minutes(instant, standard.amount)
        if standard.kind == DAYS:
            return self.subtract_days(instant, standard.amount)
        raise ValueError(standard.kind)

    def working_minutes(self, start: datetime, end: datetime) -> int:
        """Working minutes between two instants (negative when ``end`` is before ``start``), rounded down."""
        if end < start:
            return -self.working_minutes(end, start)
        total = timedelta()
        day = start.date()
        last = end.date()
        while day <= last:
            for seg_start_m, seg_end_m in self._day_segments(day):
                seg_start, seg_end = _at(day, seg_start_m), _at(day, seg_end_m)
                lo, hi = max(seg_start, start), min(seg_end, end)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return int(total.total_seconds() // 60)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end (the days left from ``start`` up to ``end``)."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def last_working_day_on_or_before(self, day: date) -> date:
        return day if self.is_working_day(day) else self.next_working_day(day, -1)


def _at(day: date, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, minute // 60, minute % 60)


def _minutes_into(instant: datetime) -> float:
    return instant.hour * 60 + instant.minute + (instant.second + instant.microsecond / 1e6) / 60


def build_calendar(
    years: Iterable[int],
    *,
    week: tuple[DayHours | None, ...] = DEFAULT_WEEK,
    extra: Iterable[date] = (),
    removed: Iterable[date] = (),
    covered_years: Iterable[int] = (),
    national: Mapping[date, str] | None = None,
    special: Iterable[SpecialHours] = (),
    source: Callable[[list[int]], Mapping[date, str]] = national_holidays,
) -> WorkingCalendar:
    """The one holiday merge: national holidays and cuti bersama of ``years`` (those not in ``covered_years``, the
    years the workbook's own holiday list already covers), plus the admin's ``extra`` dates (the list's dates in
    force), minus ``removed`` (dates marked "Bukan libur": never holidays); ``special`` periods (Ramadan) with their
    own hours.

    ``source``: the national holidays of the missing years; the library, or the same from the shipped table
    (:func:`lkj_xl.workbook.holiday_table.national_holidays`; the core reads no files)."""
    if national is None:
        missing = sorted({int(y) for y in years} - {int(y) for y in covered_years})
        national = source(missing) if missing else {}
    days = (set(national) | set(extra)) - set(removed)
    return WorkingCalendar(week=tuple(week), holidays=frozenset(days), special=tuple(special))


__all__ = [
    "CATEGORIES",
    "COUNTRY",
    "DEFAULT_WEEK",
    "DayHours",
    "LANGUAGE",
    "SpecialHours",
    "WEEKDAY_NAMES_ID",
    "WorkingCalendar",
    "build_calendar",
    "national_holidays",
]
