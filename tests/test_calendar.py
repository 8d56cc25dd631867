"""The working-time calendar: each rule of lkj_xl.core.worktime pinned with real dates of 2026."""

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lkj_xl.core.worktime import DEFAULT_WEEK, DayHours, WorkingCalendar, build_calendar, national_holidays
from lkj_xl.core.sop import parse_waktu


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return build_calendar([2025, 2026, 2027])


def dt(*args) -> datetime:
    return datetime(*args)


# --- defaults (Perpres 21/2023) ---

def test_default_week_is_37_and_a_half_hours_excluding_breaks():
    assert sum(d.minutes for d in DEFAULT_WEEK if d) == 37 * 60 + 30
    assert [d is not None for d in DEFAULT_WEEK] == [True] * 5 + [False] * 2
    assert all(d.start == time(7, 30) for d in DEFAULT_WEEK if d)
    assert DEFAULT_WEEK[0].segments() == ((450, 720), (780, 960))  # 07:30-12:00, 13:00-16:00
    assert DEFAULT_WEEK[4].segments() == ((450, 690), (780, 990))  # Fri 07:30-11:30, 13:00-16:30


def test_dayhours_rejects_break_outside_window():
    with pytest.raises(ValueError, match="Istirahat"):
        DayHours(time(8), time(12), ((time(11), time(13)),))
    with pytest.raises(ValueError, match="Jam mulai"):
        DayHours(time(16), time(8))


# --- holidays ---

def test_holidays_include_cuti_bersama_and_national_days():
    found = national_holidays([2026])
    assert found[date(2026, 1, 16)].startswith("Isra Mikraj")
    for day in (18, 20, 23, 24):
        assert "Cuti Bersama" in found[date(2026, 3, day)]
    assert date(2026, 3, 19) in found  # Nyepi


def test_march_2026_has_17_working_days(cal):
    days = [date(2026, 3, 1) + timedelta(days=i) for i in range(31)]
    assert sum(cal.is_working_day(d) for d in days) == 17


def test_extra_and_removed_dates():
    base = build_calendar([2026])
    assert base.is_working_day(date(2026, 6, 10))
    local = build_calendar([2026], extra=[date(2026, 6, 10)], removed=[date(2026, 3, 18)])
    assert not local.is_working_day(date(2026, 6, 10))
    assert local.is_working_day(date(2026, 3, 18))  # the cuti bersama cancelled by a revised decree


# --- moving an instant into working time ---

@pytest.mark.parametrize("instant, expected", [
    (dt(2026, 1, 8, 6, 0), dt(2026, 1, 8, 7, 30)),  # before work
    (dt(2026, 1, 8, 12, 15), dt(2026, 1, 8, 13, 0)),  # in the break
    (dt(2026, 1, 8, 16, 0), dt(2026, 1, 9, 7, 30)),  # end of day counts as outside
    (dt(2026, 1, 10, 9, 0), dt(2026, 1, 12, 7, 30)),  # Saturday
    (dt(2026, 1, 15, 17, 0), dt(2026, 1, 19, 7, 30)),  # Thursday evening, Friday 16 Jan is Isra Mikraj
    (dt(2026, 1, 8, 9, 0), dt(2026, 1, 8, 9, 0)),  # inside: unchanged
])
def test_next_working_instant(cal, instant, expected):
    assert cal.next_working_instant(instant) == expected


@pytest.mark.parametrize("instant, expected", [
    (dt(2026, 1, 8, 6, 0), dt(2026, 1, 7, 16, 0)),
    (dt(2026, 1, 8, 12, 15), dt(2026, 1, 8, 12, 0)),
    (dt(2026, 1, 12, 7, 30), dt(2026, 1, 9, 16, 30)),  # Monday opening -> Friday close
    (dt(2026, 1, 19, 7, 0), dt(2026, 1, 15, 16, 0)),  # over Isra Mikraj
])
def test_previous_working_instant(cal, instant, expected):
    assert cal.previous_working_instant(instant) == expected


# --- minutes ---

def test_thursday_1500_plus_180_minutes_is_friday_0930(cal):
    assert cal.add(dt(2026, 1, 8, 15, 0), parse_waktu("180 menit")) == dt(2026, 1, 9, 9, 30)


def test_minutes_end_exactly_at_closing_time_stay_on_that_day(cal):
    assert cal.add_minutes(dt(2026, 1, 8, 15, 0), 60) == dt(2026, 1, 8, 16, 0)


def test_minutes_skip_the_break(cal):
    assert cal.add_minutes(dt(2026, 1, 8, 11, 30), 60) == dt(2026, 1, 8, 13, 30)
    assert cal.add_minutes(dt(2026, 1, 9, 11, 0), 60) == dt(2026, 1, 9, 13, 30)  # Friday break is 90 min


def test_minutes_skip_isra_mikraj(cal):
    assert cal.add(dt(2026, 1, 15, 15, 0), parse_waktu("3 jam")) == dt(2026, 1, 19, 9, 30)


def test_minutes_from_outside_working_time_start_at_next_opening(cal):
    assert cal.add_minutes(dt(2026, 1, 10, 10, 0), 5) == dt(2026, 1, 12, 7, 35)


def test_minutes_over_idul_fitri_2026(cal):
    # Tuesday 17 March 15:00 + 120 menit: 60 min on the 17th, then 18-24 March are holidays, weekend and cuti bersama
    assert cal.add_minutes(dt(2026, 3, 17, 15, 0), 120) == dt(2026, 3, 25, 8, 30)


def test_subtract_minutes_is_backward_planning(cal):
    assert cal.subtract_minutes(dt(2026, 1, 9, 9, 30), 180) == dt(2026, 1, 8, 15, 0)
    assert cal.subtract_minutes(dt(2026, 1, 8, 13, 30), 60) == dt(2026, 1, 8, 11, 30)
    assert cal.subtract_minutes(dt(2026, 3, 25, 8, 30), 120) == dt(2026, 3, 17, 15, 0)


# --- days and weeks ---

def test_friday_1615_plus_1_day_is_monday_1600(cal):
    assert cal.add(dt(2026, 1, 9, 16, 15), parse_waktu("1 hari")) == dt(2026, 1, 12, 16, 0)


def test_days_keep_the_clock_time_and_ignore_breaks(cal):
    assert cal.add_days(dt(2026, 1, 7, 10, 0), 1) == dt(2026, 1, 8, 10, 0)
    assert cal.add(dt(2026, 1, 8, 13, 0), parse_waktu("1 Hari Kerja")) == dt(2026, 1, 9, 13, 0)


def test_days_from_a_break_or_evening_move_forward_first(cal):
    assert cal.add_days(dt(2026, 1, 8, 12, 30), 1) == dt(2026, 1, 9, 13, 0)
    assert cal.add_days(dt(2026, 1, 8, 18, 0), 1) == dt(2026, 1, 12, 7, 30)


def test_two_weeks_is_ten_working_days_over_idul_fitri(cal):
    # Monday 16 March 2026 + 2 minggu: 18-24 March are Nyepi, Idul Fitri and cuti bersama; 3 April is Good Friday
    assert cal.add(dt(2026, 3, 16, 8, 0), parse_waktu("2 minggu")) == dt(2026, 4, 7, 8, 0)


def test_range_standard_uses_upper_bound(cal):
    assert cal.add(dt(2026, 1, 5, 9, 0), parse_waktu("1-10 Hari")) == cal.add_days(dt(2026, 1, 5, 9, 0), 10)


def test_subtract_days_clamps_into_window(cal):
    # Monday 07:00 -> previous working instant Friday 16:30 -> 1 day back: Thursday, clamped to 16:00
    assert cal.subtract_days(dt(2026, 1, 12, 7, 0), 1) == dt(2026, 1, 8, 16, 0)


def test_no_standard_takes_no_time(cal):
    instant = dt(2026, 1, 8, 9, 0)
    assert cal.add(instant, None) == instant == cal.subtract(instant, None)


# --- measuring ---

def test_working_minutes_between(cal):
    assert cal.working_minutes(dt(2026, 1, 8, 15, 0), dt(2026, 1, 9, 9, 30)) == 180
    assert cal.working_minutes(dt(2026, 1, 9, 9, 30), dt(2026, 1, 8, 15, 0)) == -180
    assert cal.working_minutes(dt(2026, 1, 10, 0, 0), dt(2026, 1, 11, 23, 0)) == 0  # weekend
    assert cal.working_minutes(dt(2026, 1, 5, 0, 0), dt(2026, 1, 10, 0, 0)) == 37 * 60 + 30  # a full week


def test_working_days_between(cal):
    assert cal.working_days_between(date(2026, 3, 1), date(2026, 3, 31)) == 17
    assert cal.working_days_between(date(2026, 3, 31), date(2026, 3, 31)) == 0


def test_custom_week_configurable():
    # A six-day office with short Saturdays and no breaks
    sat = DayHours(time(8), time(12))
    week = DEFAULT_WEEK[:5] + (sat, None)
    cal = WorkingCalendar(week=week, holidays=frozenset())
    assert cal.add_minutes(dt(2026, 1, 9, 16, 0), 60) == dt(2026, 1, 10, 8, 30)


# --- property: adding then measuring a duration gives it back ---

instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 6, 30)).map(
    lambda d: d.replace(second=0, microsecond=0))


@settings(max_examples=300, deadline=None)
@given(start=instants, minutes=st.integers(min_value=0, max_value=20_000))
def test_add_then_measure_gives_the_duration_back(cal, start, minutes):
    end = cal.add_minutes(start, minutes)
    assert end >= start
    assert cal.working_minutes(start, end) == minutes


@settings(max_examples=300, deadline=None)
@given(end=instants, minutes=st.integers(min_value=0, max_value=20_000))
def test_subtract_then_measure_gives_the_duration_back(cal, end, minutes):
    start = cal.subtract_minutes(end, minutes)
    assert start <= end
    assert cal.working_minutes(start, end) == minutes


@settings(max_examples=200, deadline=None)
@given(start=instants, days=st.integers(min_value=0, max_value=60))
def test_days_land_on_a_working_day_n_days_later(cal, start, days):
    end = cal.add_days(start, days)
    first = cal.next_working_instant(start)
    assert cal.is_working_day(end.date())
    assert cal.working_days_between(first.date(), end.date()) == days
    low, high = cal.window(end.date())
    assert low <= end <= high


# --- special hours (Ramadan) ---

def test_special_hours_apply_only_inside_their_period_and_weekdays():
    from lkj_xl.core.worktime import SpecialHours

    ramadan_mon_thu = DayHours(time(8, 0), time(15, 0), ((time(12, 0), time(12, 30)),))  # 6 h 30 min
    ramadan_fri = DayHours(time(8, 0), time(15, 30), ((time(11, 30), time(12, 30)),))
    period = SpecialHours(date(2026, 2, 18), date(2026, 3, 17),
                          tuple((d, ramadan_mon_thu) for d in range(4)) + ((4, ramadan_fri),), name="Ramadan")
    cal = build_calendar([2026], special=[period])
    plain = build_calendar([2026])
    # Thursday 26 Feb 2026 14:00 + 180 menit: 14-15 (60), Friday 08-11:30 (210 > 120) -> Friday 10:00
    assert cal.add_minutes(dt(2026, 2, 26, 14, 0), 180) == dt(2026, 2, 27, 10, 0)
    assert plain.add_minutes(dt(2026, 2, 26, 14, 0), 180) == dt(2026, 2, 27, 8, 30)
    # outside the period the normal week holds
    assert cal.add_minutes(dt(2026, 2, 12, 15, 0), 180) == plain.add_minutes(dt(2026, 2, 12, 15, 0), 180)
    assert cal.working_minutes(dt(2026, 2, 23), dt(2026, 2, 28)) == 4 * 390 + 390
    # days keep the clock time, clamped into the period's window; after Ramadan closing time is outside work
    assert cal.add_days(dt(2026, 2, 26, 14, 30), 1) == dt(2026, 2, 27, 14, 30)
    assert cal.add_days(dt(2026, 2, 27, 15, 15), 1) == dt(2026, 3, 2, 15, 0)
    assert cal.add_days(dt(2026, 2, 26, 16, 15), 1) == dt(2026, 3, 2, 8, 0)


def test_special_period_can_close_a_weekday_and_rejects_reversed_dates():
    from lkj_xl.core.worktime import SpecialHours

    closed_friday = SpecialHours(date(2026, 5, 1), date(2026, 5, 31), closed=(4,))
    cal = build_calendar([2026], special=[closed_friday])
    assert not cal.is_working_day(date(2026, 5, 8)) and cal.is_working_day(date(2026, 5, 7))
    assert cal.is_working_day(date(2026, 6, 5))
    with pytest.raises(ValueError, match="terbalik"):
        SpecialHours(date(2026, 3, 1), date(2026, 2, 1))


def test_national_holidays_fast_path_equals_the_holidays_registry():
    """national_holidays loads holidays' Indonesia module alone (a ribbon click must not import ~250 countries);
    it must give exactly what holidays.country_holidays("ID") gives, and leave holidays.countries unimported."""
    import subprocess
    import sys

    code = ("import sys; from lkj_xl.core.worktime import national_holidays as n; import holidays; "
            "a = n(range(2015, 2035)); assert 'holidays.countries' not in sys.modules; "
            "b = dict(sorted(holidays.country_holidays('ID', years=range(2015, 2035), "
            "categories=('public', 'government'), language='id').items())); assert a == b, 'differ'; print(len(a))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 300
