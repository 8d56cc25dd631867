"""Reading a ``Periode`` cell of a non-yearly SOP ("2025-S1", "2025-TW3", "2025-03", an activity's name) as a
:class:`~lkj_xl.core.periods.Period`.

Its own module because a yearly SOP (SOP 3.1.2.6, and every tracker keyed by ``Tahun``) never reads one: a ribbon
click is a fresh Python and compiles, in a copy of lkj-xl without bytecode, every module it loads.  Pure: no clock,
no files.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from lkj_xl.core.dates import format_date_id
from lkj_xl.core.errors import ParseError
from lkj_xl.core.periods import (
    _KIND_WORDS, _MONTHS, _PER_YEAR, BULANAN, EXAMPLES, LABEL_MAX, PER_KEGIATAN, SEMESTERAN, TRIWULANAN, Period,
)
from lkj_xl.core.values import is_blank, normalize_label

_LABEL_PATTERNS = {
    SEMESTERAN: (re.compile(r"(\d{4})\s*[-/ ]?\s*(?:s|sem|semester)\s*[-. ]?\s*([12])"),
                 re.compile(r"(?:s|sem|semester)\s*[-. ]?\s*([12])\s*[-/ ]?\s*(\d{4})")),
    TRIWULANAN: (re.compile(r"(\d{4})\s*[-/ ]?\s*(?:tw|triwulan|q)\s*[-. ]?\s*([1-4])"),
                 re.compile(r"(?:tw|triwulan|q)\s*[-. ]?\s*([1-4])\s*[-/ ]?\s*(\d{4})")),
    BULANAN: (re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})"),
              re.compile(r"(\d{1,2})\s*[-/.]\s*(\d{4})")),
}


def parse_period(kind: str, value: object, year_range: tuple[int, int] = (2000, 2100)) -> Period | None:
    """A ``Periode`` cell of a tracker whose periods are ``kind`` (not tahunan).  Blank -> None; unreadable ->
    :class:`ParseError` naming the text and an example."""
    if is_blank(value):
        return None
    if kind == PER_KEGIATAN:
        text = format_date_id(value) if isinstance(value, (datetime, date)) else re.sub(r"\s+", " ", str(value)).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if len(text) > LABEL_MAX:
            raise ParseError(f"Periode \"{text[:40]}...\" terlalu panjang ({len(text)} karakter); nama kegiatan paling "
                             f"banyak {LABEL_MAX} karakter.", value)
        return Period(PER_KEGIATAN, text=text)
    example = EXAMPLES[kind]
    if isinstance(value, (datetime, date)) and kind == BULANAN:
        # "2025-03" typed into a cell without the text format: Excel made it 1 March 2025.
        if value.day == 1:
            return _checked(Period(BULANAN, value.year, value.month), year_range, value)
    text = normalize_label(value)
    pattern_first, pattern_second = _LABEL_PATTERNS[kind]
    match = pattern_first.fullmatch(text)
    if match:
        year, index = int(match.group(1)), int(match.group(2))
    else:
        match = pattern_second.fullmatch(text)
        if match:
            index, year = int(match.group(1)), int(match.group(2))
        elif kind == BULANAN and (named := re.fullmatch(r"([a-z]+)\.?\s+(\d{4})", text)) \
                and named.group(1) in _MONTHS:
            year, index = int(named.group(2)), _MONTHS[named.group(1)]
        else:
            shown = format_date_id(value) if isinstance(value, (datetime, date)) else str(value).strip()
            raise ParseError(f"Periode \"{shown}\" tidak terbaca untuk siklus {kind}; tulis seperti {example}.", value)
    if not 1 <= index <= _PER_YEAR[kind]:
        raise ParseError(f"Periode \"{str(value).strip()}\": {_KIND_WORDS[kind]} ke-{index} tidak ada (1 s.d. "
                         f"{_PER_YEAR[kind]}); tulis seperti {example}.", value)
    return _checked(Period(kind, year, index), year_range, value)


def _checked(period: Period, year_range: tuple[int, int], value: object) -> Period:
    if period.year is not None and not year_range[0] <= period.year <= year_range[1]:
        raise ParseError(f"Periode {period.label}: tahun {period.year} di luar rentang {year_range[0]}-"
                         f"{year_range[1]}; periksa tahunnya.", value)
    return period


__all__ = ["parse_period"]
