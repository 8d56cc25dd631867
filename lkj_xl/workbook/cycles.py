"""Which cycle an action is about, and what the working calendar must cover for the cycles of a tracker.

A yearly SOP's cycles are keyed by the year (``--year``, default: Pengaturan's Tahun pelaporan); the others by a
:class:`~lkj_xl.core.periods.Period` (``--periode``, default: the latest period with an entry).  The wrong option of
the two is refused with an Indonesian message saying which to use.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Sequence

from lkj_xl.core.entries import Cycle
from lkj_xl.core.errors import LkjError, ParseError
from lkj_xl.core.periods import EXAMPLES, PER_KEGIATAN, TAHUNAN, Period, current_period, key_years
from lkj_xl.core.schedule import cycle_span
from lkj_xl.core.validation import parse_key
from lkj_xl.workbook import layout
from lkj_xl.workbook.reader import Tracker


def entry_key(entry: Any, kind: str = TAHUNAN) -> Any:
    try:
        return parse_key(entry.year, kind)
    except ParseError:
        return None


def choose_key(tracker: Tracker, keys: Sequence[Any], as_of: datetime, year: int | None = None,
               period: Any = None) -> Any:
    """The cycle an action is about: ``year`` for a yearly SOP (default: Pengaturan's Tahun pelaporan); ``period``
    (text such as "2025-S1", or a Period) for the others (default: the latest period with an entry, else the one
    before ``as_of``'s; an activity: the one typed last).  The wrong one of the two raises :class:`LkjError` with an
    Indonesian message saying which to use."""
    settings = tracker.settings
    kind = settings.period_kind
    if kind == TAHUNAN:
        if period is not None:
            raise LkjError(f"SOP pada buku kerja ini tahunan (Pengaturan, \"{layout.P_PERIOD_KIND}\" = {TAHUNAN}): "
                           f"pilih siklusnya dengan --year, mis. --year {settings.year}, bukan --periode.")
        return settings.year if year is None else year
    if year is not None:
        example = next((str(k) for k in reversed(keys)), EXAMPLES[kind])
        raise LkjError(f"SOP pada buku kerja ini berperiode {kind} (Pengaturan, \"{layout.P_PERIOD_KIND}\"): pilih "
                       f"siklusnya dengan --periode, mis. --periode \"{example}\", bukan --year.")
    if period is not None:
        if isinstance(period, Period):
            return period
        try:
            chosen = parse_key(period, kind)
        except ParseError as exc:
            raise LkjError(f"--periode: {exc.message}") from None
        if chosen is None:
            raise LkjError(f"--periode kosong; tulis periodenya, mis. --periode \"{EXAMPLES[kind]}\".")
        return chosen
    if kind == PER_KEGIATAN:
        last = None
        for entry in sorted(tracker.entries, key=lambda e: (e.row, -e.step)):
            found = entry_key(entry, kind)
            if found is not None:
                last = found
        return last if last is not None else Period(PER_KEGIATAN, text="-")
    if keys:
        return keys[-1]
    current = current_period(kind, as_of.date())
    previous = current_period(kind, current.start - timedelta(days=1)) if current and current.start else None
    return previous


def years_needed(keys: Sequence[Any], cycles: dict[Any, Cycle], as_of: datetime, settings: Any) -> list[int]:
    """Calendar years the working calendar must know: each cycle's span, the dates typed (an activity has no
    span), the as-of year and the next."""
    if settings.yearly:  # exactly the years the builder prefilled: no holidays package on a ribbon click
        return sorted({y for key in keys for y in cycle_span(key)})
    years = {as_of.year, as_of.year + 1}
    for key in keys:
        years.update(key_years(key))
    for cycle in cycles.values():
        for record in cycle.records:
            for moment in (record.received, record.completed):
                if moment is not None:
                    years.update((moment.year, moment.year + 1))
    return sorted(y for y in years if 1900 < y < 9000)


def first_start(cycle: Cycle) -> datetime | None:
    """An activity's start: the earliest Diterima (or Selesai) typed."""
    moments = [m for r in cycle.records for m in (r.received, r.completed) if m is not None]
    return min(moments) if moments else None


__all__ = ["choose_key", "entry_key", "first_start", "years_needed"]
