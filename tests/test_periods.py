"""Reporting periods and deadline rules (lkj_xl.core.periods): one test per kind and per rule, on the real working
calendar (national holidays and cuti bersama from the holidays package)."""

from datetime import date, datetime

import pytest

from lkj_xl.core.errors import ParseError
from lkj_xl.core.periods import (
    BULANAN, NO_RULE, PER_KEGIATAN, SEMESTERAN, SOP_RULE, TAHUNAN, TRIWULANAN, Period, current_period, deadline_for,
    key_title, key_years, parse_kind, parse_rule,
)
from lkj_xl.core.period_text import parse_period
from lkj_xl.core.schedule import default_deadline
from lkj_xl.core.worktime import build_calendar

dt = datetime


@pytest.fixture(scope="module")
def cal():
    return build_calendar(range(2025, 2030))


# --- kinds and labels ----------------------------------------------------------------------------------------------


def test_kinds_read_case_and_space_insensitive_blank_is_yearly():
    assert parse_kind(None) == TAHUNAN
    assert parse_kind(" Semesteran ") == SEMESTERAN
    assert parse_kind("Per Kegiatan") == PER_KEGIATAN
    assert parse_kind("per-kegiatan") == PER_KEGIATAN
    with pytest.raises(ParseError, match="Periode siklus \"mingguan\" tidak dikenali; pilih salah satu: tahunan"):
        parse_kind("mingguan")


@pytest.mark.parametrize("kind, typed, label, start, end", [
    (SEMESTERAN, "2025-S1", "2025-S1", date(2025, 1, 1), date(2025, 6, 30)),
    (SEMESTERAN, "s2 2025", "2025-S2", date(2025, 7, 1), date(2025, 12, 31)),
    (TRIWULANAN, "2025-TW3", "2025-TW3", date(2025, 7, 1), date(2025, 9, 30)),
    (TRIWULANAN, "Triwulan 1 2026", "2026-TW1", date(2026, 1, 1), date(2026, 3, 31)),
    (BULANAN, "2025-03", "2025-03", date(2025, 3, 1), date(2025, 3, 31)),
    (BULANAN, "02/2028", "2028-02", date(2028, 2, 1), date(2028, 2, 29)),
    (BULANAN, "Desember 2025", "2025-12", date(2025, 12, 1), date(2025, 12, 31)),
    # "2025-03" typed into a cell without the text format: Excel made it a date
    (BULANAN, datetime(2025, 3, 1), "2025-03", date(2025, 3, 1), date(2025, 3, 31)),
])
def test_period_labels_and_bounds(kind, typed, label, start, end):
    period = parse_period(kind, typed)
    assert (period.label, period.start, period.end) == (label, start, end)


def test_per_kegiatan_is_free_text_without_dates():
    period = parse_period(PER_KEGIATAN, "  Audit   Dinas Pendidikan ")
    assert period.label == "Audit Dinas Pendidikan" and period.start is None and period.end is None
    assert key_years(period) == ()
    with pytest.raises(ParseError, match="terlalu panjang"):
        parse_period(PER_KEGIATAN, "x" * 101)


@pytest.mark.parametrize("kind, typed, message", [
    (SEMESTERAN, "2025-S3", "Periode \"2025-S3\" tidak terbaca untuk siklus semesteran; tulis seperti 2025-S1."),
    (TRIWULANAN, "2025", "Periode \"2025\" tidak terbaca untuk siklus triwulanan; tulis seperti 2025-TW3."),
    (BULANAN, "2025-13", "Periode \"2025-13\": bulan ke-13 tidak ada (1 s.d. 12); tulis seperti 2025-03."),
    (BULANAN, "1999-05", "Periode 1999-05: tahun 1999 di luar rentang 2000-2100"),
])
def test_unreadable_periods_name_the_text_and_an_example(kind, typed, message):
    with pytest.raises(ParseError) as caught:
        parse_period(kind, typed)
    assert caught.value.message.startswith(message)


def test_periods_sort_in_time_and_titles_say_which():
    labels = ["2025-TW4", "2025-TW1", "2024-TW3"]
    assert [str(p) for p in sorted(parse_period(TRIWULANAN, v) for v in labels)] == ["2024-TW3", "2025-TW1", "2025-TW4"]
    assert key_title(2025) == "tahun 2025" and key_title(Period(BULANAN, 2025, 3)) == "periode 2025-03"
    assert current_period(TRIWULANAN, date(2025, 8, 17)) == Period(TRIWULANAN, 2025, 3)
    assert current_period(PER_KEGIATAN, date(2025, 8, 17)) is None


# --- deadline rules: one test per rule -----------------------------------------------------------------------------


def test_sop_rule_is_the_default_of_a_yearly_sop_and_matches_sop_3_1_2_6(cal):
    assert parse_rule(None, TAHUNAN) == SOP_RULE == parse_rule("31 Maret berikutnya")
    assert deadline_for(2025, SOP_RULE, cal) == default_deadline(2025, cal) == dt(2026, 3, 31, 16, 0)
    # 31 March 2029 is a Saturday, 30 March Good Friday: the last working day is Thursday 29 March
    assert deadline_for(2028, SOP_RULE, cal) == dt(2029, 3, 29, 16, 0)


def test_date_rule_is_the_first_such_date_after_the_period_end(cal):
    # 2025-S1 ends 30 June 2025: 31 July 2025 (Thursday), end of work 16.00
    assert deadline_for(Period(SEMESTERAN, 2025, 1), parse_rule("31 Juli", SEMESTERAN), cal) == dt(2025, 7, 31, 16)
    # 2025-12 ends 31 December: "15/01" is 15 January 2026
    assert deadline_for(Period(BULANAN, 2025, 12), parse_rule("15/01", BULANAN), cal) == dt(2026, 1, 15, 16)


def test_date_rule_on_a_weekend_moves_back_to_the_last_working_day(cal):
    # 31 January 2026 is a Saturday: Friday 30 January, end of work 16.30 (Friday hours)
    assert deadline_for(Period(SEMESTERAN, 2025, 2), parse_rule("31 Januari berikutnya"), cal) == dt(2026, 1, 30, 16, 30)


def test_date_rule_of_29_february_in_a_common_year_is_the_28th(cal):
    # 28 February 2026 is a Saturday: Friday 27 February
    assert deadline_for(Period(BULANAN, 2025, 12), parse_rule("29 Februari"), cal) == dt(2026, 2, 27, 16, 30)


def test_working_days_rule_counts_working_days_after_the_period_end(cal):
    rule = parse_rule("10 hari kerja", TRIWULANAN)
    assert rule.days == 10
    # 2025-TW3 ends Tuesday 30 September 2025: the 10th working day after is Tuesday 14 October
    assert deadline_for(Period(TRIWULANAN, 2025, 3), rule, cal) == dt(2025, 10, 14, 16)


def test_working_days_rule_skips_holidays_and_cuti_bersama(cal):
    # 2026-02 ends Saturday 28 February; March 2026 has Nyepi (19) and Idul Fitri with cuti bersama (18, 20, 23,
    # 24): working days 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 16, 17, 25 -> the 13th is Wednesday 25 March
    rule = parse_rule("13 hari kerja setelah akhir periode", BULANAN)
    assert deadline_for(Period(BULANAN, 2026, 2), rule, cal) == dt(2026, 3, 25, 16)


def test_working_days_rule_of_an_activity_counts_from_its_first_diterima(cal):
    rule = parse_rule("5 hari kerja", PER_KEGIATAN)
    activity = Period(PER_KEGIATAN, text="Audit Dinas Kesehatan")
    assert deadline_for(activity, rule, cal, first_start=dt(2026, 1, 5, 9)) == dt(2026, 1, 12, 16)
    assert deadline_for(activity, rule, cal) is None  # not started: no deadline yet


def test_no_rule_means_no_deadline_and_is_the_default_of_other_kinds(cal):
    assert parse_rule(None, BULANAN) == NO_RULE == parse_rule("tidak ada") == parse_rule("-")
    assert deadline_for(Period(BULANAN, 2025, 3), NO_RULE, cal) is None


@pytest.mark.parametrize("typed, kind, message", [
    ("31 Maretan", TAHUNAN, "Aturan batas akhir \"31 Maretan\": nama bulan \"maretan\" tidak dikenal"),
    ("31/02", TAHUNAN, "Aturan batas akhir \"31/02\": tanggal 31 bulan 2 tidak ada"),
    ("0 hari kerja", BULANAN, "Aturan batas akhir \"0 hari kerja\": jumlah hari kerja harus 1 atau lebih."),
    ("akhir bulan", BULANAN, "Aturan batas akhir \"akhir bulan\" tidak dikenali; tulis mis. \"31 Maret berikutnya\""),
    ("31 Maret", PER_KEGIATAN, "Aturan batas akhir \"31 Maret\" memakai tanggal, padahal periode per kegiatan"),
])
def test_unreadable_rules_name_the_text(typed, kind, message):
    with pytest.raises(ParseError) as caught:
        parse_rule(typed, kind)
    assert caught.value.message.startswith(message)
