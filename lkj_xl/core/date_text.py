"""Reading a date typed as text into the tracker (:func:`lkj_xl.core.dates.read_datetime` for a cell holding text).

Pure functions: no clock, no files.  Text is typed in Indonesian or English, always day first
(as staff in Madiun write them): "06/01/2026 08.00", "6 Januari 2026", "Selasa, 6 Januari 2026 pukul 08.00",
"2026-01-06T08:00" (ISO, year first).

Nothing is guessed silently.  Text is parsed with python-dateutil (``dayfirst=True``, no fuzzy parsing) and an
Indonesian :class:`IndonesianParserInfo`, with these guards around it:

* the text must have one of the shapes people write (``_SHAPE``): optional day name, a date (numeric day first,
  ISO year first, or with a month name), optional time ("08.00", "08:00:30", "pukul 08.00", "8:00 PM") with
  optional zone.  dateutil alone accepts much more and reads it wrongly: "6 6 Januari 2026" is 6 January 2006 at
  20.26 to it, "20260106" is 1 June;
* an all-numeric date is read strictly day/month/year (or year-month-day when it starts with a 4-digit year):
  dateutil on its own would turn "01/13/2026" into 13 January and read ISO "2026-01-06" as 1 June with
  ``dayfirst=True``;
* the day, month and year must all be written; a time, when written, needs hours and minutes;
* a day name must agree with the date ("Senin, 6 Januari 2026" is rejected: that day is a Tuesday);
* a two-digit year means 20yy (dateutil would use a window around the current year, i.e. read the clock);
* leftover words, impossible dates, Excel error values ("#REF!"), formulas and TRUE/FALSE are errors.

All results are naive datetimes in local time (WIB, UTC+7).  A value carrying another zone ("08.00 WITA",
"+08:00", an aware ``datetime``) is converted to WIB.  Results are rounded to the second.

ISO text of the exact form a program writes for a cell value, "2026-01-06T08:00:00[.000][Z]" (xlwings' JSON
payloads), is read the way xlwings reads it: the "Z" is ignored (Excel has no time zones, the value is local time)
and 00:00:00 means a date without a time, as for a ``datetime`` cell value.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from dateutil.parser import ParserError, parser, parserinfo

from lkj_xl.core.date_basics import DAY_NAMES_ID, MONTH_NAMES_ID, DateReading, format_date_id
from lkj_xl.core.date_basics import round_to_second as _round_to_second
from lkj_xl.core.errors import ParseError
from lkj_xl.core.zones import WIB, ZONES, to_local

#: Error values Excel shows in a cell; every engine gives them back as this text (openpyxl in file mode, xlwings'
#: json engine; desktop Excel gives numbers, which the live book turns into this text).
EXCEL_ERRORS: frozenset[str] = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!",
    "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#EXTERNAL!", "#PYTHON!", "#DATA!",
})
_EXCEL_ERROR_RE = re.compile(r"^#[A-Z0-9/_]+[!?]$")

class IndonesianParserInfo(parserinfo):
    """dateutil vocabulary: English plus Indonesian month and day names and skippable words.

    Two-digit years are read as 20yy.  (The base class records the current year when constructed, for its own
    century window; :meth:`convertyear` is overridden, so that value is never used.)
    """

    JUMP = parserinfo.JUMP + ["pukul", "pkl", "jam", "wib", "tanggal", "tgl"]
    MONTHS = [
        english + indonesian
        for english, indonesian in zip(parserinfo.MONTHS, [
            ("Januari",),
            ("Februari", "Pebruari", "Peb"),
            ("Maret",),
            ("April",),
            ("Mei",),
            ("Juni",),
            ("Juli",),
            ("Agustus", "Agu", "Agt", "Ags", "Agus"),
            (),  # Sep, Sept, September
            ("Oktober", "Okt"),
            ("Nopember", "Nop"),
            ("Desember", "Des"),
        ])
    ]
    WEEKDAYS = [
        english + indonesian
        for english, indonesian in zip(parserinfo.WEEKDAYS, [
            ("Senin",), ("Selasa",), ("Rabu",), ("Kamis",), ("Jumat",), ("Sabtu",), ("Minggu", "Ahad"),
        ])
    ]

    def convertyear(self, year: int, century_specified: bool = False) -> int:
        if year < 100 and not century_specified:
            return 2000 + year
        return year


_INFO = IndonesianParserInfo()
_PARSER = parser(_INFO)

#: Years before this are refused in text (Excel itself cannot hold a date before 1900).
MIN_YEAR = 1900
#: Longer text is not a date ("Selasa, 30 September 2026 pukul 08.00.00 WITA" has 45 characters).
MAX_TEXT = 80


def _alternatives(names: list) -> str:
    """A regex alternation of every name in a parserinfo table (a list of names or tuples of names)."""
    flat = [name for entry in names for name in (entry if isinstance(entry, tuple) else (entry,))]
    return "|".join(sorted((re.escape(name) for name in flat), key=len, reverse=True))


# The shapes people write (matched after "08.00" became "08:00"); dateutil does the reading, this says what may be
# read.  Optional day name, optional "tgl."; a date; optional time with optional "pukul"/"jam", am/pm and zone.
# Kept as text, compiled by re's own cache on first use (:func:`_shape_match`): compiling it takes about 4 ms, which
# every ribbon click (a fresh Python) would pay at import although most clicks read no date typed as text.
_SHAPE = (
    rf"""^
    (?:(?:{_alternatives(IndonesianParserInfo.WEEKDAYS)})\.?\s*,?\s*)?
    (?:(?:tanggal|tgl)\.?\s*)?
    (?:
        \d{{1,2}}\s*([/.\-])\s*\d{{1,2}}\s*\1\s*(?:\d{{4}}|\d{{2}})               # 06/01/2026, 6-1-26
      | \d{{1,2}}\s\d{{1,2}}\s\d{{4}}                                          # 6 1 2026
      | \d{{4}}\s*([/.\-])\s*\d{{1,2}}\s*\2\s*\d{{1,2}}                        # 2026-01-06
      | \d{{1,2}}(?:\s*[/.\-]\s*|\s)(?:{_alternatives(IndonesianParserInfo.MONTHS)})\.?
            (?:\s*[/.\-]\s*|\s*,?\s)(?:\d{{4}}|\d{{2}})                          # 6 Januari 2026, 6-Jan-26
      | (?:{_alternatives(IndonesianParserInfo.MONTHS)})\.?\s\d{{1,2}}(?:st|nd|rd|th)?,?\s\d{{4}}  # January 6, 2026
    )
    (?:
        (?:(?:\s*,\s*|\s+)(?:(?:pukul|pkl|jam|at)\.?\s*)?|\s*T\s*)
        \d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?
        (?:\s?(?:am|pm|a\.m\.|p\.m\.))?
        (?:\s?(?:wib|wita|wit|utc|gmt|z|[+\-]\d{{2}}:?\d{{2}}))?
    )?
    $"""
)
_SHAPE_FLAGS = re.IGNORECASE | re.VERBOSE


def _shape_match(text: str) -> re.Match[str] | None:
    return re.match(_SHAPE, text, _SHAPE_FLAGS)

# Two defaults that differ in every field: a field left unwritten shows up as a difference between the two parses.
# Their days are two weeks apart, so they still differ after dateutil moves a missing day to a named weekday.
_DEFAULT_A = datetime(2000, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(2001, 2, 15, 1, 1, 0)


# --- reading ---------------------------------------------------------------------------------------------------------

_JUMAT_RE = re.compile(r"\bjum\s*['\u2019`]\s*at\b", re.IGNORECASE)
# "08.00" / "08.00.30" (Indonesian time) -> "08:00" / "08:00:30"; only after a space and before a space or the end,
# so "06.01.2026" stays a date.
_DOT_TIME_RE = re.compile(r"(?<=\s)(\d{1,2})\.(\d{2})(?:\.(\d{2}))?(?=\s|$)")
# An all-numeric date anywhere in the text: 06/01/2026, 6-1-26, 6.1.2026, 6 1 2026, 2026-01-06 (same separator).
_NUMERIC_DATE_RE = re.compile(r"(?<![\d:.])(\d{1,4})\s*([/.\-]|\s)\s*(\d{1,2})\s*\2\s*(\d{1,4})(?![\d:])")
# The ISO text a program writes for a cell value (xlwings' JSON payloads: "2026-01-06T08:00:00.000Z").
_MACHINE_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?[Zz]?$")
_TZ_SIGN_RE = re.compile(r"\b(?:GMT|UTC)\s*[+\-]", re.IGNORECASE)
_WORD_RE = re.compile(r"[^\W\d_]+")
_TIME_RE = re.compile(r"(?<![\d/.\-])(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?")
_TRAILING_HOUR_RE = re.compile(r"\s*,?\s(?:(?:pukul|pkl|jam|at)\.?\s*)?(\d{1,2})(?:\s?(?:am|pm))?$", re.IGNORECASE)
_NAMED_DATE_RE = re.compile(r"(?<!\d)(\d{1,2})\s*[\s/.\-]\s*([^\W\d_]+)\.?\s*[\s/.\-]?\s*(\d{4}|\d{2})(?!\d)")

_EXAMPLES = "Tulis hari/bulan/tahun, mis. \"6 Jan 2026 08.00\" atau \"6 Januari 2026 08.00\"."


class _UnknownZone(Exception):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def _tzinfos(name: str | None, offset: int | None) -> tzinfo | None:
    if name is not None:
        zone = ZONES.get(name.upper())
        if zone is not None:
            return zone
        if offset is None:
            raise _UnknownZone(name)
    if offset is None:
        return None
    return timezone(timedelta(seconds=offset))


# The form people type most ("06/01/2026 08.00", "6/1/2026", "06/01/2026 08:00:30", after "08.00" became "08:00"):
# read directly when it is a real date and time, giving what dateutil gives for it; anything else goes to dateutil.
_PLAIN_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?", re.ASCII)


def _plain(text: str) -> DateReading | None:
    """``text`` in the plain day/month/year form with a valid date (and time), else None."""
    m = _PLAIN_RE.fullmatch(text)
    if m is None:
        return None
    day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if year < MIN_YEAR or not 1 <= month <= 12 or not 1 <= day <= _days_in_month(year, month):
        return None  # dateutil and the checks say what is wrong
    if m.group(4) is None:
        return DateReading(datetime(year, month, day), False)
    hour, minute, second = int(m.group(4)), int(m.group(5)), int(m.group(6) or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return DateReading(datetime(year, month, day, hour, minute, second), True)


def read_text(raw: str, fast: bool = True, zone: tzinfo = WIB) -> DateReading | None:
    """Text as a date (``fast``: the plain form is read without dateutil; the result is the same)."""
    text = " ".join(raw.split())
    if text == "":
        return None
    shown = raw.strip()
    if text.startswith("="):
        raise ParseError(f"Sel berisi rumus \"{shown}\", bukan tanggal. Ketik tanggalnya langsung, "
                         "mis. \"6 Jan 2026 08.00\".", raw)
    if text.upper() in EXCEL_ERRORS or _EXCEL_ERROR_RE.match(text):
        raise ParseError(f"Sel berisi galat Excel \"{shown}\", bukan tanggal. Perbaiki rumus atau ketik ulang "
                         "tanggalnya.", raw)
    if len(text) > MAX_TEXT:
        raise ParseError(f"Teks \"{shown[:40]}...\" terlalu panjang untuk sebuah tanggal. {_EXAMPLES}", raw)
    if _TZ_SIGN_RE.search(text):
        raise ParseError(f"Zona waktu pada \"{shown}\" tidak jelas; tulis \"WIB\" atau selisih seperti \"+07:00\".",
                         raw)
    machine_iso = _MACHINE_ISO_RE.match(text)
    if machine_iso:
        # xlwings' own convention: Excel has no time zones, the "Z" of its ISO strings is dropped (local time).
        text = text.rstrip("Zz")
    text = _JUMAT_RE.sub("Jumat", text)
    text = _DOT_TIME_RE.sub(lambda m: ":".join(g for g in m.groups() if g is not None), text)
    if fast:
        plain = _plain(text)
        if plain is not None:
            return plain

    numeric = _NUMERIC_DATE_RE.search(text)
    ymd = _check_numeric_date(numeric, shown, raw) if numeric else None
    year_first = ymd is not None and len(numeric.group(1)) == 4

    results = []
    for default in (_DEFAULT_A, _DEFAULT_B):
        try:
            results.append(_PARSER.parse(text, default=default, dayfirst=not year_first, yearfirst=year_first,
                                         tzinfos=_tzinfos))
        except _UnknownZone as exc:
            raise ParseError(f"Zona waktu \"{exc.name}\" pada \"{shown}\" tidak dikenal; gunakan WIB, WITA atau "
                             "WIT.", raw) from None
        except (ParserError, ValueError, ArithmeticError):  # ArithmeticError: decimal errors on huge numbers
            raise ParseError(_diagnose(text, shown), raw) from None
    first, second = results

    missing = [name for name, attr in (("tanggal", "day"), ("bulan", "month"), ("tahun", "year"))
               if getattr(first, attr) != getattr(second, attr)]
    if missing:
        raise ParseError(f"Tanggal \"{shown}\" tidak lengkap: {_join_id(missing)} tidak ditulis. {_EXAMPLES}", raw)
    hour_written = first.hour == second.hour
    minute_written = first.minute == second.minute
    if hour_written != minute_written:
        raise ParseError(f"Jam pada \"{shown}\" tidak lengkap: tulis jam dan menit, mis. \"08.00\".", raw)
    if ymd is not None and (first.year, first.month, first.day) != ymd:  # defensive: dateutil must agree
        raise ParseError(f"Tanggal \"{shown}\" tidak dapat dibaca dengan pasti. {_EXAMPLES}", raw)
    if not _shape_match(text):
        # dateutil accepts far more than people write ("6 6 Januari 2026" is 6 January 2006 at 20.26 to it).
        raise ParseError(_diagnose(text, shown, strict=True), raw)
    if first.year < MIN_YEAR:
        raise ParseError(f"Tahun {first.year} pada \"{shown}\" tidak masuk akal. {_EXAMPLES}", raw)

    for word in _WORD_RE.findall(text):
        named = _INFO.weekday(word)
        if named is not None and named != first.weekday():
            raise ParseError(
                f"Tanggal \"{shown}\" tidak cocok: {format_date_id(first)} jatuh pada hari "
                f"{DAY_NAMES_ID[first.weekday()]}, bukan {DAY_NAMES_ID[named]}.", raw)

    value = _round_to_second(to_local(first, zone))
    if machine_iso:  # a cell's value written out by a program: midnight means a date without a time, as in Excel
        return DateReading(value, value.time() != time(0, 0))
    return DateReading(value, hour_written)


def _check_numeric_date(match: re.Match, shown: str, raw: str) -> tuple[int, int, int]:
    """Validate an all-numeric date strictly (day/month/year, or year-month-day), with a precise message."""
    a, _sep, b, c = match.groups()
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    elif len(a) <= 2 and len(c) in (2, 4):
        day, month, year = int(a), int(b), int(c)
        if len(c) == 2:
            year += 2000
    elif len(a) <= 2:
        raise ParseError(f"Tahun \"{c}\" pada \"{shown}\" harus ditulis 4 angka, mis. \"06/01/2026\".", raw)
    else:
        raise ParseError(f"Tanggal \"{shown}\" tidak dapat dibaca. {_EXAMPLES}", raw)
    _check_day(day, month, year, shown, raw)
    return year, month, day


def _check_day(day: int, month: int, year: int, shown: str, raw: object) -> None:
    if not 1 <= year <= 9999:
        raise ParseError(f"Tanggal \"{shown}\" tidak ada (tahun {year} tidak dapat dipakai).", raw)
    if not 1 <= month <= 12:
        raise ParseError(f"Tanggal \"{shown}\" tidak ada (bulan {month} tidak ada; urutan penulisan adalah "
                         "hari/bulan/tahun).", raw)
    if day < 1:
        raise ParseError(f"Tanggal \"{shown}\" tidak ada (tanggal {day} tidak ada).", raw)
    last = _days_in_month(year, month)
    if day > last:
        if month == 2 and day == 29:
            raise ParseError(f"Tanggal \"{shown}\" tidak ada ({year} bukan tahun kabisat: Februari {year} hanya "
                             "28 hari).", raw)
        raise ParseError(f"Tanggal \"{shown}\" tidak ada (tanggal {day} {MONTH_NAMES_ID[month - 1]} tidak ada).",
                         raw)


def _diagnose(text: str, shown: str, strict: bool = False) -> str:
    """The most specific message for text that dateutil refused (or, ``strict``, that has none of the shapes)."""
    named = _NAMED_DATE_RE.search(text)
    if named and _INFO.month(named.group(2)) is not None:
        day, month, year = int(named.group(1)), _INFO.month(named.group(2)), int(named.group(3))
        if len(named.group(3)) == 2:
            year += 2000
        try:
            _check_day(day, month, year, shown, text)
        except ParseError as exc:
            return exc.message
    hour_only = _TRAILING_HOUR_RE.search(text)
    if hour_only and _shape_match(text[:hour_only.start()]):
        return f"Jam pada \"{shown}\" tidak lengkap: tulis jam dan menit, mis. \"08.00\"."
    for match in _TIME_RE.finditer(text):
        hour, minute = int(match.group(1)), int(match.group(2))
        second = int(match.group(3) or 0)
        if hour > 23 or minute > 59 or second > 59:
            return (f"Jam \"{match.group(0).replace(':', '.')}\" pada \"{shown}\" tidak ada (jam 00–23, "
                    "menit 00–59).")
    for word in _WORD_RE.findall(text):
        if not _known_word(word):
            return f"Tanggal \"{shown}\" tidak dapat dibaca: kata \"{word}\" tidak dikenali. {_EXAMPLES}"
    if strict:
        return f"Tanggal \"{shown}\" tidak dapat dibaca dengan pasti. {_EXAMPLES}"
    return f"Tanggal \"{shown}\" tidak dapat dibaca. {_EXAMPLES}"


def _join_id(parts: list[str]) -> str:
    """["a", "b", "c"] -> "a, b dan c"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " dan " + parts[-1]


def _known_word(word: str) -> bool:
    return (_INFO.jump(word) or _INFO.weekday(word) is not None or _INFO.month(word) is not None
            or _INFO.ampm(word) is not None or _INFO.hms(word) is not None or word.upper() in ZONES)


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days



__all__ = ["EXCEL_ERRORS", "IndonesianParserInfo", "MAX_TEXT", "MIN_YEAR", "read_text"]
