"""Closing a cycle (``lkj tutup``, the ribbon's "Tutup Siklus"): the action and the row it records on ``Siklus
Tertutup``.  What a closed cycle means afterwards, and reading the rows back, is :mod:`lkj_xl.workbook.closing`.

Its own module because only this action needs it: every ribbon click is a fresh Python that compiles, in a copy of
lkj-xl without bytecode, every module it loads (a refresh loads :mod:`lkj_xl.workbook.actions` and ``closing``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Mapping, Sequence

from lkj_xl.core.errors import DataError
from lkj_xl.core.periods import PER_KEGIATAN, TAHUNAN, Period, key_label, key_years
from lkj_xl.core.report import build_report
from lkj_xl.core.schedule import cycle_span
from lkj_xl.core.values import as_text, naive
from lkj_xl.workbook import cycles, layout, writers
from lkj_xl.workbook.actions import (
    ACTION_CLOSE, ACTION_LABELS, Analysis, _key_of, _recorded, _write_refresh, analyse,
)
from lkj_xl.workbook.book import Book
from lkj_xl.workbook.closing import ENTRY_FIELDS, ClosedCycle, plain, year_entries
from lkj_xl.workbook.owned import GuardedBook, Ownership
from lkj_xl.workbook.printing import fit_report
from lkj_xl.workbook.reader import Tracker
from lkj_xl.workbook.report_inputs import report_inputs
from lkj_xl.workbook.report_sheet import write_report


@dataclass(frozen=True)
class Closing:
    """What :func:`close_cycle` did: the analysis, the Laporan it wrote (values, for the file kept beside the
    tracker) and the row of ``Siklus Tertutup`` that records the cycle."""

    analysis: Analysis
    report_values: list[list[Any]]
    row: int

    @property
    def owned(self) -> Ownership:
        return self.analysis.owned

    @property
    def tracker(self) -> Tracker:
        return self.analysis.tracker

    @property
    def year(self) -> Any:
        """The closed cycle's key: the year (int) of a yearly SOP, else a Period."""
        return self.analysis.year


def _period_to_close(book: Book, as_of: datetime) -> Any:
    """The period ``lkj tutup`` / "Tutup Siklus" closes when none is named, on a non-yearly SOP: the latest one whose
    last step is done and that is not closed yet (the default period of other actions, the latest with an entry, is
    usually the next one already running).  None (the usual default) when there is no such period."""
    first = analyse(book, as_of=as_of)
    if first.tracker.settings.period_kind == TAHUNAN:
        return None
    done = [key for key, sched in first.schedules.items()
            if key not in first.closed and sched.steps and sched.steps[-1].done]
    if isinstance(first.year, Period) and first.year in done:
        return first.year
    if not done:
        return None
    if first.tracker.settings.period_kind != PER_KEGIATAN:
        return max(done)
    kind = first.tracker.settings.period_kind  # activities have no calendar order: the one typed last
    typed = [cycles.entry_key(e, kind) for e in sorted(first.tracker.entries, key=lambda e: (e.row, -e.step))]
    return max(done, key=lambda key: max((i for i, k in enumerate(typed) if k == key), default=-1))


def close_cycle(book: Book, *, as_of: datetime, closed_at: datetime, year: int | None = None,
                user: str | None = None, files: str | Callable[[Any], str] = "", period: Any = None) -> Closing:
    """Close the cycle of ``year`` (a yearly SOP) or ``period`` (the others) (``lkj tutup``, the ribbon's "Tutup
    Siklus"): refresh, write its Laporan, and record on ``Siklus Tertutup`` the time (``closed_at``, the real time of
    the action), the SOP and settings that applied, the report ``files`` kept beside the tracker, and its entries and
    computed cells as they are now (:mod:`lkj_xl.workbook.closing` reads them back).  Without ``period``, a non-yearly SOP closes its
    latest delivered period that is not closed yet.  Refused (:class:`DataError`, nothing written) when the workbook
    has no ``Siklus Tertutup`` sheet (layout 2: `lkj upgrade`), the cycle is already closed, its last step is not
    done, or validation finds errors."""
    if period is None and year is None:
        period = _period_to_close(book, as_of)
    analysis = analyse(book, as_of=as_of, year=year, period=period)
    year = analysis.year
    if not book.has_sheet(layout.SHEET_CLOSED):
        raise DataError(f"Buku kerja ini belum punya lembar \"{layout.SHEET_CLOSED}\" (tata letak lama). Jalankan "
                        f"`lkj upgrade` dulu, lalu tutup siklus {year}.")
    if year in analysis.closed:
        record = analysis.closed[year]
        raise DataError(f"Siklus {year} sudah ditutup (lembar \"{layout.SHEET_CLOSED}\" baris {record.row}). "
                        f"Laporannya: {record.files or '-'}.")
    steps = analysis.schedule.steps
    if not steps or not steps[-1].done:
        last = steps[-1] if steps else None
        what = f"langkah {last.step} ({last.actor})" if last is not None else "langkah terakhir"
        raise DataError(f"Siklus {year} belum dapat ditutup: {what} belum selesai. Siklus ditutup setelah LKj "
                        f"terkirim dan laporannya ditandatangani (kolom Selesai langkah terakhir terisi).")
    if analysis.errors:
        raise DataError(f"Siklus {year} belum dapat ditutup: masih ada {len(analysis.errors)} kesalahan data "
                        f"(lihat `lkj validate` atau lembar Masalah). Perbaiki dulu, lalu tutup siklusnya.")
    if callable(files):
        files = files(year)
    guarded = GuardedBook(book, analysis.owned)
    closed_at = _recorded(closed_at, analysis)
    _write_refresh(guarded, analysis, closed_at)
    inputs, _ = report_inputs(analysis.tracker, year, analysis.cycle, entry_key=_key_of(analysis))
    write_report(guarded, build_report(analysis.tracker.sop, analysis.tracker.settings, analysis.schedule,
                                       calendar=analysis.calendar, **inputs))
    fit_report(guarded, len(analysis.tracker.sop.steps))
    report_values = guarded.read(layout.SHEET_REPORT)
    tracker = analysis.tracker
    who = user if user is not None else book.user_name()
    if isinstance(year, Period):  # a period's calendar years; an activity's: those of its dates
        years = key_years(year)[:-1] or tuple(sorted({m.year for r in analysis.cycle.records
                                                      for m in (r.received, r.completed) if m is not None}))
        years = years or (analysis.as_of.year,)
    else:
        years = cycle_span(year)
    row = record_row(
        year=year, closed_at=closed_at, user=who, sop_text=describe_sop(tracker.sop),
        deadline=analysis.schedule.deadline,
        settings_text=describe_settings(tracker.settings, analysis.calendar, years), files=files,
        entries=entry_snapshot(tracker, year),
        computed={s.step: writers.computed_values(s) for s in steps})
    number = write_record(guarded, row)
    # Beranda says the cycle is closed from now on (the refresh above ran before the row existed)
    record = ClosedCycle(year, number, naive(closed_at), who, files, {}, {})
    writers.write_beranda(guarded, tracker, analysis.schedule, analysis.calendar,
                          (len(analysis.errors), len(analysis.warnings)), record)
    writers.append_history(guarded, closed_at, who, ACTION_LABELS[ACTION_CLOSE],
                           f"Siklus {year} ditutup; laporan disimpan: {files or '-'}", as_of=analysis.as_of)
    return Closing(analysis, report_values, number)



# --- the record ---------------------------------------------------------------------------------------------------


def entry_snapshot(tracker: Any, year: Any) -> dict[int, dict[str, Any]]:
    return {step: {label: plain(getattr(entry, attr)) for label, attr in ENTRY_FIELDS}
            for step, entry in year_entries(tracker, year).items()}


def describe_sop(sop: Any) -> str:
    steps = "; ".join(f"{s.number}. {s.actor}, {s.waktu or '-'}" for s in sop.steps)
    return (f"SOP {sop.nomor} {sop.nama}, revisi {as_text(getattr(sop, 'tanggal_revisi', '')) or '-'}, "
            f"disahkan {as_text(getattr(sop, 'tanggal_pengesahan', '')) or '-'}. Langkah (pelaksana, waktu): {steps}")


def describe_settings(settings: Any, calendar: Any, years: Sequence[int]) -> str:
    from lkj_xl.core.worktime import WEEKDAY_NAMES_ID

    days = []
    for name, hours in zip(WEEKDAY_NAMES_ID, settings.week):
        if hours is None:
            continue
        breaks = ", ".join(f"{a:%H.%M}-{b:%H.%M}" for a, b in hours.breaks)
        days.append(f"{name} {hours.start:%H.%M}-{hours.end:%H.%M}" + (f" (istirahat {breaks})" if breaks else ""))
    holidays = sorted(d for d in calendar.holidays if d.year in years)
    listed = ", ".join(d.isoformat() for d in holidays)
    return (f"Jam kerja: {'; '.join(days)}. Jam kerja khusus: {len(settings.special)} periode. "
            f"Hari libur {years[0]}-{years[-1]}: {len(holidays)} tanggal ({listed}). "
            f"Peringatan dini: {settings.due_soon_hours} jam kerja.")


def record_row(*, year: Any, closed_at: datetime, user: str, sop_text: str, deadline: datetime | None,
               settings_text: str, files: str, entries: Mapping[int, Mapping[str, Any]],
               computed: Mapping[int, Sequence[Any]]) -> list[Any]:
    data = {"entries": {str(k): dict(v) for k, v in sorted(entries.items())},
            "computed": {str(k): [plain(x) for x in v] for k, v in sorted(computed.items())}}
    key = year if isinstance(year, int) else key_label(year)  # a period is recorded by its label
    return [key, naive(closed_at), user, sop_text, naive(deadline) if deadline else None, settings_text, files,
            json.dumps(data, ensure_ascii=False, separators=(",", ":"))]


def write_record(book: Book, row_values: list[Any]) -> int:
    """Add the row after the last used one of ``Siklus Tertutup``; returns its row number.  The print area follows
    (without the Data column)."""
    from lkj_xl.workbook.book import column_letter
    from lkj_xl.workbook.printing import fit_rows, last_used_row

    sheet = layout.SHEET_CLOSED
    row = last_used_row(book.read(sheet), len(layout.CLOSED_HEADERS)) + 1
    book.write(sheet, row, 1, [row_values])
    fit_rows(book, sheet, row, [row_values[:-1]], layout.CLOSED_WIDTHS)
    book.set_print_area(sheet, f"A1:{column_letter(len(layout.CLOSED_HEADERS) - 1)}{row}")
    return row


__all__ = ["Closing", "close_cycle", "describe_settings", "describe_sop", "entry_snapshot", "record_row", "write_record"]
