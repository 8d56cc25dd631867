from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lkj_xl.core.dates import (
    DateReading,
    excel_serial_to_datetime,
    format_date_id,
    format_datetime_id,
    has_time,
    parse_datetime,
    read_datetime,
)
from lkj_xl.core.errors import ParseError

JAN6_0800 = datetime(2026, 1, 6, 8, 0)
JAN6 = datetime(2026, 1, 6)


def error_of(value) -> str:
    with pytest.raises(ParseError) as info:
        parse_datetime(value)
    return info.value.message


# --- accepted text -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected, timed", [
    ("06/01/2026 08:00", JAN6_0800, True),
    ("06/01/2026 08.00", JAN6_0800, True),
    ("6/1/2026", JAN6, False),
    ("06-01-2026 08.00", JAN6_0800, True),
    ("06.01.2026 08.00", JAN6_0800, True),
    ("6 Januari 2026 08.00", JAN6_0800, True),
    ("6 Jan 2026", JAN6, False),
    ("Selasa, 6 Januari 2026 pukul 08.00", JAN6_0800, True),
    ("selasa 6 januari 2026 jam 08.00 WIB", JAN6_0800, True),
    ("6 Januari 2026 pkl. 08.00 wib", JAN6_0800, True),
    ("tgl. 6 Januari 2026", JAN6, False),
    ("2026-01-06T08:00", JAN6_0800, True),
    ("2026-01-06 08:00:00", JAN6_0800, True),
    ("2026-01-06", JAN6, False),
    ("2026/01/06 08.00", JAN6_0800, True),
    ("6 January 2026 08:00", JAN6_0800, True),
    ("Tuesday, January 6, 2026 08:00", JAN6_0800, True),
    ("6-Jan-2026", JAN6, False),
    ("6/1/26 08.00", JAN6_0800, True),  # a two-digit year is 20yy
    ("  6 Januari   2026\u00a008.00 ", JAN6_0800, True),
    ("6 Mei 2026 13.45", datetime(2026, 5, 6, 13, 45), True),
    ("6 Mei 2026 08:00:30", datetime(2026, 5, 6, 8, 0, 30), True),
    ("17 Agustus 2026", datetime(2026, 8, 17), False),
    ("17 Agu 2026", datetime(2026, 8, 17), False),
    ("17 Agt 2026", datetime(2026, 8, 17), False),
    ("17 Ags 2026", datetime(2026, 8, 17), False),
    ("1 Okt 2026", datetime(2026, 10, 1), False),
    ("1 Des 2026", datetime(2026, 12, 1), False),
    ("1 Nopember 2026", datetime(2026, 11, 1), False),
    ("9 Februari 2026", datetime(2026, 2, 9), False),
    ("Jumat, 9 Januari 2026", datetime(2026, 1, 9), False),
    ("Jum'at, 9 Januari 2026", datetime(2026, 1, 9), False),
    ("Minggu, 11 Januari 2026", datetime(2026, 1, 11), False),
    ("29/02/2028", datetime(2028, 2, 29), False),
])
def test_text_accepted(text, expected, timed):
    reading = read_datetime(text)
    assert reading.value == expected
    assert reading.has_time is timed
    assert has_time(text) is timed


def test_day_first_ambiguity():
    # DOMAIN.md 4: staff write day first; "01/06/2026" is 1 June, never 6 January.
    assert parse_datetime("01/06/2026") == datetime(2026, 6, 1)
    assert parse_datetime("06/01/2026") == datetime(2026, 1, 6)
    assert parse_datetime("1-6-2026") == datetime(2026, 6, 1)


def test_iso_is_year_month_day():
    # dateutil with dayfirst=True alone would read this as 1 June.
    assert parse_datetime("2026-06-01T10:00") == datetime(2026, 6, 1, 10, 0)


def test_other_zones_converted_to_wib():
    assert parse_datetime("6 Januari 2026 09.00 WITA") == JAN6_0800
    assert parse_datetime("6 Januari 2026 10.00 WIT") == JAN6_0800
    assert parse_datetime("2026-01-06T01:00:00+00:00") == JAN6_0800
    assert parse_datetime("6 Januari 2026 01.00 UTC") == JAN6_0800


def test_machine_iso_text_is_local_like_xlwings():
    # xlwings' JSON payloads write cell values as "...T08:00:00.000Z" and drop the Z: Excel has no time zones.
    assert read_datetime("2026-01-06T08:00:00.000Z").value == JAN6_0800
    assert read_datetime("2026-01-06T08:00:00").has_time is True
    # A date cell comes as midnight: a date without a time, as for a datetime value.
    assert read_datetime("2026-01-06T00:00:00.000Z") == read_datetime(JAN6)
    assert read_datetime("2026-01-06T00:00:00").has_time is False
    assert read_datetime("2026-01-06 00:00").has_time is True  # typed by a person
    assert parse_datetime("2026-01-06T09:00:00+08:00") == JAN6_0800


@pytest.mark.parametrize("value", [None, "", "   ", "\u00a0"])
def test_empty_is_none(value):
    assert parse_datetime(value) is None
    assert read_datetime(value) is None
    assert has_time(value) is False


# --- rejected text -------------------------------------------------------------------------------------------------


def test_impossible_date_message():
    assert error_of("31/02/2026") == 'Tanggal "31/02/2026" tidak ada (tanggal 31 Februari tidak ada).'
    assert error_of("31 Februari 2026") == 'Tanggal "31 Februari 2026" tidak ada (tanggal 31 Februari tidak ada).'
    assert error_of("2026-02-31") == 'Tanggal "2026-02-31" tidak ada (tanggal 31 Februari tidak ada).'
    assert error_of("31/04/2026 08.00") == 'Tanggal "31/04/2026 08.00" tidak ada (tanggal 31 April tidak ada).'
    assert error_of("32 Januari 2026") == 'Tanggal "32 Januari 2026" tidak ada (tanggal 32 Januari tidak ada).'
    assert "0 tidak ada" in error_of("0/1/2026")


def test_not_a_leap_year():
    message = error_of("29/02/2025")
    assert message.startswith('Tanggal "29/02/2025" tidak ada')
    assert "2025 bukan tahun kabisat" in message


@pytest.mark.parametrize("text", ["01/13/2026", "1 13 2026", "2026/13/06", "6/0/2026"])
def test_month_out_of_range_is_not_swapped(text):
    # dateutil alone would quietly swap day and month when the month is impossible.
    message = error_of(text)
    assert f'"{text}" tidak ada' in message
    assert "bulan" in message and "hari/bulan/tahun" in message


@pytest.mark.parametrize("text, missing", [
    ("6 Januari", "tahun tidak ditulis"),
    ("Januari 2026", "tanggal tidak ditulis"),
    ("2026", "tanggal dan bulan tidak ditulis"),
    ("Selasa", "tanggal, bulan dan tahun tidak ditulis"),
])
def test_incomplete_date(text, missing):
    message = error_of(text)
    assert message.startswith(f'Tanggal "{text}" tidak lengkap: {missing}.')


@pytest.mark.parametrize("text", ["6/1/2026 08", "6/1/2026 8", "6 Januari 2026 pukul 8", "6 Januari 2026 8 am"])
def test_hour_without_minutes(text):
    assert error_of(text) == f'Jam pada "{text}" tidak lengkap: tulis jam dan menit, mis. "08.00".'


@pytest.mark.parametrize("text, shown", [("6 Januari 2026 25.00", "25.00"), ("6/1/2026 08:60", "08.60")])
def test_impossible_time(text, shown):
    assert error_of(text).startswith(f'Jam "{shown}" pada "{text}" tidak ada')


def test_weekday_must_match():
    assert error_of("Senin, 6 Januari 2026") == (
        'Tanggal "Senin, 6 Januari 2026" tidak cocok: 6 Januari 2026 jatuh pada hari Selasa, bukan Senin.')


@pytest.mark.parametrize("text, word", [
    ("6 Janury 2026", "Janury"),
    ("6 Januari 2026 kira-kira", "kira"),
    ("sekitar 6 Januari 2026", "sekitar"),
    ("6 Januari 2026 08.00 pagi", "pagi"),
])
def test_leftover_words_rejected(text, word):
    message = error_of(text)
    assert f'"{text}" tidak dapat dibaca' in message
    assert f'kata "{word}" tidak dikenali' in message


@pytest.mark.parametrize("text", [
    "6 6 Januari 2026",  # dateutil: 6 January 2006 at 20.26
    "20260106",  # dateutil: 1 June 2026
    "Januari08:00at.08.00",
    "6Jan08.00",
    "6 Januari 2026 08.00 08.00",
    "2026 Januari 6",
    "6 Jan 2026 08h00",
])
def test_shapes_people_do_not_write_are_refused(text):
    assert f'"{text}"' in error_of(text)


def test_weekday_does_not_stand_in_for_the_day():
    # dateutil would move to the next Tuesday from its default date.
    assert "tanggal tidak ditulis" in error_of("Selasa Juni 2026")


def test_year_before_1900():
    assert error_of("6 Januari 0631").startswith('Tahun 631 pada "6 Januari 0631" tidak masuk akal.')


@pytest.mark.parametrize("text", ["#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!"])
def test_excel_errors(text):
    assert error_of(text).startswith(f'Sel berisi galat Excel "{text}", bukan tanggal.')


def test_formula():
    assert error_of("=TODAY()").startswith('Sel berisi rumus "=TODAY()", bukan tanggal.')


@pytest.mark.parametrize("value", [True, False])
def test_bool(value):
    assert "bukan tanggal" in error_of(value)


def test_unknown_or_ambiguous_zone():
    assert 'Zona waktu "EST"' in error_of("6 Januari 2026 08:00 EST")
    assert "Zona waktu" in error_of("6 Januari 2026 08.00 GMT+7")


def test_three_digit_year():
    assert error_of("6/1/226") == 'Tahun "226" pada "6/1/226" harus ditulis 4 angka, mis. "06/01/2026".'


def test_number_as_text_is_not_a_serial():
    assert '"45658" tidak dapat dibaca' in error_of("45658")


def test_time_only_values():
    assert "tanpa tanggal" in error_of(time(8, 0))
    assert "tanpa tanggal" in error_of(0.5)


def test_other_types():
    assert "tidak dapat dibaca sebagai tanggal" in error_of([2026, 1, 6])


def test_parse_error_keeps_text():
    with pytest.raises(ParseError) as info:
        parse_datetime("31/02/2026")
    assert info.value.text == "31/02/2026"


# --- cell values from Excel ----------------------------------------------------------------------------------------


def test_datetime_and_date_values():
    assert read_datetime(JAN6_0800).value == JAN6_0800
    assert read_datetime(JAN6_0800).has_time is True
    assert read_datetime(date(2026, 1, 6)).value == JAN6
    assert read_datetime(date(2026, 1, 6)).has_time is False
    # Excel stores a date typed without a time as midnight: it counts as date-only.
    assert read_datetime(JAN6).has_time is False


def test_datetime_rounded_to_second():
    assert parse_datetime(datetime(2026, 1, 6, 8, 29, 59, 999_000)) == datetime(2026, 1, 6, 8, 30)
    assert parse_datetime(datetime(2026, 1, 6, 8, 30, 0, 400_000)) == datetime(2026, 1, 6, 8, 30)


def test_aware_datetime_to_wib():
    utc = datetime(2026, 1, 6, 1, 0, tzinfo=timezone.utc)
    assert parse_datetime(utc) == JAN6_0800


@pytest.mark.parametrize("serial, expected", [
    (45658, datetime(2025, 1, 1)),
    (45658.0, datetime(2025, 1, 1)),
    (45658.5, datetime(2025, 1, 1, 12, 0)),
    (45658.3541666, datetime(2025, 1, 1, 8, 30)),  # rounded to the second
    (46028.3333333333, datetime(2026, 1, 6, 8, 0)),
    (1, datetime(1900, 1, 1)),
    (59, datetime(1900, 2, 28)),
    (61, datetime(1900, 3, 1)),  # Excel's phantom 29 Feb 1900 is serial 60
    (2958465, datetime(9999, 12, 31)),
])
def test_excel_serials(serial, expected):
    assert parse_datetime(serial) == expected
    assert excel_serial_to_datetime(serial) == expected


def test_serial_has_time():
    assert has_time(45658) is False
    assert has_time(45658.3541666) is True


@pytest.mark.parametrize("serial, words", [
    (60, "29 Februari 1900"),
    (0, "tanpa tanggal"),
    (-1, "bukan tanggal Excel"),
    (2958466, "bukan tanggal Excel"),
    (2958465.999999999, "bukan tanggal Excel"),
    (float("nan"), "bukan tanggal"),
    (float("inf"), "bukan tanggal"),
])
def test_bad_serials(serial, words):
    assert words in error_of(serial)


def test_serial_message_uses_decimal_comma():
    assert error_of(0.25).startswith("Angka 0,25 ")


# --- formatting ----------------------------------------------------------------------------------------------------


def test_format():
    assert format_datetime_id(JAN6_0800) == "6 Januari 2026 08.00"
    assert format_datetime_id(datetime(2026, 12, 25, 16, 5)) == "25 Desember 2026 16.05"
    assert format_datetime_id(JAN6_0800, with_time=False) == "6 Januari 2026"
    assert format_datetime_id(date(2026, 3, 1)) == "1 Maret 2026"
    assert format_date_id(JAN6_0800) == "6 Januari 2026"


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 12, 31, 23, 59, 59)))
def test_format_round_trip(dt):
    parsed = parse_datetime(format_datetime_id(dt))
    assert parsed == dt.replace(second=0, microsecond=0)
    assert has_time(format_datetime_id(dt)) is True


SHAPES = [
    lambda d: f"{d.day:02d}/{d.month:02d}/{d.year} {d.hour:02d}.{d.minute:02d}",
    lambda d: f"{d.day}/{d.month}/{d.year} {d.hour}:{d.minute:02d}",
    lambda d: f"{d.day:02d}-{d.month:02d}-{d.year} {d.hour:02d}.{d.minute:02d}",
    lambda d: f"{d.day}.{d.month}.{d.year} pukul {d.hour:02d}.{d.minute:02d}",
    lambda d: f"{d.day} {MONTHS_ID[d.month - 1]} {d.year} {d.hour:02d}.{d.minute:02d} WIB",
    lambda d: f"{DAYS_ID[d.weekday()]}, {d.day} {MONTHS_ID[d.month - 1]} {d.year} pukul {d.hour:02d}.{d.minute:02d}",
    lambda d: f"{d.day} {MONTHS_ID[d.month - 1][:3]} {d.year} jam {d.hour:02d}:{d.minute:02d}",
    lambda d: f"{d.day} {d:%B} {d.year} {d.hour:02d}:{d.minute:02d}",
    lambda d: f"{d:%A}, {d:%B} {d.day}, {d.year} {d.hour:02d}:{d.minute:02d}",
    lambda d: f"{d.year}-{d.month:02d}-{d.day:02d}T{d.hour:02d}:{d.minute:02d}",
    lambda d: f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d} {d.hour:02d}.{d.minute:02d}",
]
MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember"]
DAYS_ID = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31, 23, 59)),
       st.sampled_from(range(len(SHAPES))))
def test_every_documented_shape_reads_back(dt, shape):
    dt = dt.replace(second=0, microsecond=0)
    text = SHAPES[shape](dt)
    reading = read_datetime(text)
    assert reading.value == dt, text
    assert reading.has_time


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_numeric_day_first_round_trip(day):
    text = f"{day.day:02d}/{day.month:02d}/{day.year}"
    assert parse_datetime(text) == datetime(day.year, day.month, day.day)


@given(st.integers(min_value=61, max_value=2958465), st.integers(min_value=0, max_value=86399))
def test_serial_matches_day_count(days, seconds):
    serial = days + seconds / 86400
    expected = datetime(1899, 12, 30) + timedelta(days=days, seconds=seconds)
    assert parse_datetime(serial) == expected


# --- the plain form read without dateutil gives what dateutil gives ---------------------------------------------------


def _outcome(text: str, fast: bool):
    from lkj_xl.core import date_text

    try:
        return date_text.read_text(text, fast=fast)
    except ParseError as exc:
        return ("error", exc.message)


_PLAIN_EDGES = [f"{d}/{m}/{y}{t}" for d in ("0", "1", "06", "29", "30", "31", "32") for m in ("0", "2", "02", "12", "13")
                for y in ("1899", "1900", "2024", "2025", "9999")
                for t in ("", " 00:00", " 08.00", " 8.05", " 23:59", " 24:00", " 12:60", " 08:00:30", " 08.00.60")]


def test_plain_dates_read_fast_as_dateutil_reads_them():
    texts = _PLAIN_EDGES + ["  06/01/2026   08.00 ", "06/01/2026 8:0", "٠٦/٠١/٢٠٢٦", "06/01/2026 08:00 WIB", "6/1/26",
                            "06-01-2026 08.00"]
    differ = [t for t in texts if _outcome(t, fast=True) != _outcome(t, fast=False)]
    assert differ == []
    assert _outcome("06/01/2026 08.00", fast=True) == DateReading(datetime(2026, 1, 6, 8, 0), True)


@given(st.integers(0, 35), st.integers(0, 14), st.integers(1890, 2110), st.integers(0, 25), st.integers(0, 61),
       st.sampled_from(["", ":", "."]), st.booleans())
def test_plain_dates_and_times_read_fast_as_dateutil_reads_them(day, month, year, hour, minute, sep, pad):
    text = f"{day:02d}/{month:02d}/{year}" if pad else f"{day}/{month}/{year}"
    if sep:
        text += f" {hour:02d}{sep}{minute:02d}"
    assert _outcome(text, fast=True) == _outcome(text, fast=False)
