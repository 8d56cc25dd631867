from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lkj_xl.core.errors import ParseError
from lkj_xl.core.nip import Nip, format_nip, parse_nip

GOOD = "198001012005011001"


def error_of(value) -> str:
    with pytest.raises(ParseError) as info:
        parse_nip(value)
    return info.value.message


@pytest.mark.parametrize("value", [
    GOOD,
    "19800101 200501 1 001",
    "  19800101  200501 1 001 ",
    "19800101\u00a0200501\u00a01\u00a0001",
    "NIP. 19800101 200501 1 001",
    "NIP 19800101 200501 1 001",
    "nip: 198001012005011001",
    "'198001012005011001",
    198001012005011001,  # a Python int is exact
])
def test_accepted_forms(value):
    nip = parse_nip(value)
    assert nip == Nip(GOOD, date(1980, 1, 1), (2005, 1), "L", "001")


def test_fields():
    nip = parse_nip("19850417 201012 2 003")
    assert nip.birth_date == date(1985, 4, 17)
    assert nip.tmt == (2010, 12)
    assert nip.gender == "P"
    assert nip.serial == "003"
    assert nip.digits == "198504172010122003"


def test_format():
    assert format_nip(parse_nip(GOOD)) == "19800101 200501 1 001"
    assert str(parse_nip(GOOD)) == "19800101 200501 1 001"


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2005, 12, 31)),
       st.integers(min_value=0, max_value=40), st.integers(min_value=1, max_value=12),
       st.sampled_from("12"), st.integers(min_value=1, max_value=999))
def test_round_trip(birth, years_later, month, gender, serial):
    digits = f"{birth:%Y%m%d}{birth.year + 18 + years_later:04d}{month:02d}{gender}{serial:03d}"
    nip = parse_nip(digits)
    assert parse_nip(format_nip(nip)) == nip
    assert format_nip(nip).replace(" ", "") == digits


@pytest.mark.parametrize("value, count", [
    ("19800101 200501 1 01", 17),
    ("1980010120050110011", 19),
    ("1980", 4),
    (1234.0, 4),
])
def test_wrong_length_says_how_many(value, count):
    assert f"berisi {count} angka; NIP harus 18 angka." in error_of(value)


def test_wrong_length_message_exact():
    assert error_of("19800101 200501 1 01") == 'NIP "19800101 200501 1 01" berisi 17 angka; NIP harus 18 angka.'


@pytest.mark.parametrize("value, char", [("19800101-200501-1-001", "-"), ("1980010120050110O1", "O"),
                                         ("19800101.200501.1.001", ".")])
def test_non_digit(value, char):
    assert f'karakter "{char}" yang bukan angka' in error_of(value)


@pytest.mark.parametrize("value, words", [
    ("19801301 200501 1 001", "19801301 bukan tanggal yang ada"),
    ("19800230 200501 1 001", "19800230 bukan tanggal yang ada"),
    ("18800101 200501 1 001", "tahun 1880 tidak masuk akal"),
])
def test_bad_birth_date(value, words):
    message = error_of(value)
    assert message.startswith(f'Tanggal lahir dalam NIP "{value}" tidak sah')
    assert words in message


def test_leap_day_birth_is_fine():
    assert parse_nip("19840229 200501 1 001").birth_date == date(1984, 2, 29)


@pytest.mark.parametrize("value, words", [
    ("19800101 200513 1 001", "bulan 13 tidak ada"),
    ("19800101 200500 1 001", "bulan 00 tidak ada"),
    ("19800101 195901 1 001", "tahun 1959 tidak masuk akal"),
    ("19800101 210101 1 001", "tahun 2101 tidak masuk akal"),
    ("19800101 197901 1 001", "tahun TMT 1979 lebih awal dari tahun lahir 1980"),
])
def test_bad_tmt(value, words):
    message = error_of(value)
    assert message.startswith(f'TMT CPNS dalam NIP "{value}" tidak sah')
    assert words in message


def test_tmt_in_birth_year_is_plausible_enough():
    assert parse_nip("19800101 198012 1 001").tmt == (1980, 12)


@pytest.mark.parametrize("digit", "03456789")
def test_bad_gender_digit(digit):
    value = f"19800101 200501 {digit} 001"
    assert error_of(value) == (f'Angka jenis kelamin dalam NIP "{value}" adalah {digit}; harus 1 (laki-laki) '
                               f'atau 2 (perempuan) (angka ke-15 NIP).')


def test_float_from_excel_lost_digits():
    message = error_of(1.980010120050110e17)
    assert "diketik sebagai angka" in message
    assert "tanda petik" in message


def test_int_rounded_by_excel():
    # Excel keeps 15 significant digits: the serial becomes 000, which is never issued.
    message = error_of(198001012005011000)
    assert "000" in message and "tanda petik" in message


@pytest.mark.parametrize("value", [None, "", "   ", True, 19.5, -5, float("nan"), [1]])
def test_not_a_nip(value):
    error_of(value)


def test_parse_error_keeps_value():
    with pytest.raises(ParseError) as info:
        parse_nip("123")
    assert info.value.text == "123"
