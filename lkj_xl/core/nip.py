"""NIP (Nomor Induk Pegawai), the 18-digit civil-servant number (Peraturan Kepala BKN Nomor 22 Tahun 2007).

Layout: birth date YYYYMMDD, TMT CPNS (appointment) YYYYMM, gender digit (1 laki-laki, 2 perempuan), 3-digit serial;
usually written with spaces: "19800101 200501 1 001".

Excel keeps only 15 significant digits of a number, so an NIP typed without a leading apostrophe loses its last
three digits (it comes back as the float 1.98001012005011e17, or as an int ending in 000).  Such a value can never be
trusted: the message tells the user to type the NIP as text with a leading apostrophe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from lkj_xl.core.errors import ParseError

NIP_LENGTH = 18
TMT_YEAR_MIN = 1960
TMT_YEAR_MAX = 2100
BIRTH_YEAR_MIN = 1900
BIRTH_YEAR_MAX = 2100
GENDERS = {"1": "L", "2": "P"}  # laki-laki, perempuan

_APOSTROPHE_HINT = "ketik NIP sebagai teks dengan tanda petik di depan, mis. '198001012005011001"
_PREFIX_RE = re.compile(r"^NIP\s*[.:]?\s*", re.IGNORECASE)
_SEPARATORS_RE = re.compile(r"[\s\u00a0]+")


@dataclass(frozen=True)
class Nip:
    """A NIP (Nomor Induk Pegawai) taken apart into its fields."""

    digits: str  # the 18 digits, no spaces
    birth_date: date
    tmt: tuple[int, int]  # (year, month) of TMT CPNS
    gender: str  # "L" (laki-laki) or "P" (perempuan)
    serial: str  # 3 digits, e.g. "001"

    def __str__(self) -> str:
        return format_nip(self)


def format_nip(nip: Nip) -> str:
    """The usual spaced form: "19800101 200501 1 001"."""
    d = nip.digits
    return f"{d[:8]} {d[8:14]} {d[14]} {d[15:]}"


def parse_nip(value: object) -> Nip:
    """Read an NIP cell; raises :class:`ParseError` with a precise Indonesian message.

    Accepts text with spaces ("19800101 200501 1 001"), an optional "NIP." prefix, and whole numbers (int, or a float
    holding a whole number) as long as no digits were lost.
    """
    digits, shown = _digits_of(value)
    if len(digits) != NIP_LENGTH:
        raise ParseError(f"NIP \"{shown}\" berisi {len(digits)} angka; NIP harus {NIP_LENGTH} angka.", value)

    birth_text, tmt_text, gender_digit, serial = digits[:8], digits[8:14], digits[14], digits[15:]
    birth_year, birth_month, birth_day = int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:])
    if not BIRTH_YEAR_MIN <= birth_year <= BIRTH_YEAR_MAX:
        raise ParseError(f"Tanggal lahir dalam NIP \"{shown}\" tidak sah: tahun {birth_year} tidak masuk akal "
                         f"(8 angka pertama NIP adalah tanggal lahir TTTTBBHH).", value)
    try:
        birth_date = date(birth_year, birth_month, birth_day)
    except ValueError:
        raise ParseError(f"Tanggal lahir dalam NIP \"{shown}\" tidak sah: {birth_text} bukan tanggal yang ada "
                         f"(8 angka pertama NIP adalah tanggal lahir TTTTBBHH).", value) from None

    tmt_year, tmt_month = int(tmt_text[:4]), int(tmt_text[4:])
    if not TMT_YEAR_MIN <= tmt_year <= TMT_YEAR_MAX:
        raise ParseError(f"TMT CPNS dalam NIP \"{shown}\" tidak sah: tahun {tmt_year} tidak masuk akal "
                         f"(angka ke-9 s.d. 14 adalah tahun dan bulan TMT, TTTTBB).", value)
    if not 1 <= tmt_month <= 12:
        raise ParseError(f"TMT CPNS dalam NIP \"{shown}\" tidak sah: bulan {tmt_text[4:]} tidak ada "
                         f"(angka ke-9 s.d. 14 adalah tahun dan bulan TMT, TTTTBB).", value)
    if tmt_year < birth_year:
        raise ParseError(f"TMT CPNS dalam NIP \"{shown}\" tidak sah: tahun TMT {tmt_year} lebih awal dari tahun "
                         f"lahir {birth_year}.", value)

    if gender_digit not in GENDERS:
        raise ParseError(f"Angka jenis kelamin dalam NIP \"{shown}\" adalah {gender_digit}; harus 1 (laki-laki) "
                         f"atau 2 (perempuan) (angka ke-15 NIP).", value)
    if serial == "000":
        raise ParseError(f"Nomor urut dalam NIP \"{shown}\" adalah 000, yang tidak pernah diberikan. Bila NIP "
                         f"diketik sebagai angka, Excel membulatkan 3 angka terakhirnya: {_APOSTROPHE_HINT}.", value)
    return Nip(digits, birth_date, (tmt_year, tmt_month), GENDERS[gender_digit], serial)


def _digits_of(value: object) -> tuple[str, str]:
    """The digits of a cell and the text to show in messages."""
    if value is None or isinstance(value, bool):
        raise ParseError(f"NIP \"{'' if value is None else value}\" bukan NIP; NIP berisi {NIP_LENGTH} angka.", value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ParseError(f"NIP \"{value}\" bukan angka NIP; {_APOSTROPHE_HINT}.", value)
        if not value.is_integer() or value < 0:
            raise ParseError(f"NIP \"{value}\" bukan bilangan bulat; {_APOSTROPHE_HINT}.", value)
        if value >= 1e15:
            # More than 15 significant digits: Excel (and a float) have already lost the last ones.
            raise ParseError(f"NIP diketik sebagai angka ({int(value)}), sehingga Excel membulatkan angka-angka "
                             f"terakhirnya dan NIP yang benar tidak dapat diketahui; {_APOSTROPHE_HINT}.", value)
        value = int(value)
    if isinstance(value, int):
        if value < 0:
            raise ParseError(f"NIP \"{value}\" bukan NIP; NIP berisi {NIP_LENGTH} angka.", value)
        text = str(value)
        return text, text
    if not isinstance(value, str):
        raise ParseError(f"NIP \"{value}\" tidak dapat dibaca; NIP berisi {NIP_LENGTH} angka.", value)

    shown = " ".join(value.split())
    if shown == "":
        raise ParseError(f"NIP kosong; NIP berisi {NIP_LENGTH} angka.", value)
    text = _PREFIX_RE.sub("", shown.lstrip("'\u2019"))
    compact = _SEPARATORS_RE.sub("", text)
    for char in compact:
        if not ("0" <= char <= "9"):
            raise ParseError(f"NIP \"{shown}\" berisi karakter \"{char}\" yang bukan angka; NIP hanya boleh berisi "
                             f"angka dan spasi.", value)
    return compact, shown
