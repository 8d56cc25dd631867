"""The actions staff run, each one core function over a :class:`~lkj_xl.workbook.book.Book`.

The ``lkj`` CLI (files on disk) and the ribbon (the workbook open in Excel) both call these; neither holds a rule of
its own.  An action reads each sheet once, computes with the pure core, and writes whole blocks.  Saving is the
shell's job (a file is saved atomically with a backup; a live workbook is Excel's).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Mapping, Sequence

from lkj_xl.core.reminders import Reminder, contact_problems, select_reminders, window_minutes
from lkj_xl.workbook import layout, reader
from lkj_xl.workbook.owned import GuardedBook, Ownership, ownership
from lkj_xl.workbook.reader import Tracker
from lkj_xl.workbook import writers
from lkj_xl.workbook.report_inputs import report_inputs
from lkj_xl.workbook.book import Book
from lkj_xl.core.worktime import WorkingCalendar
from lkj_xl.core.entries import ERROR, WARNING, Cycle, Problem
from lkj_xl.core.plan import plans_from_earlier
from lkj_xl.core.schedule import CycleSchedule, schedule_cycle
from lkj_xl.core.periods import TAHUNAN, Period, current_period, deadline_for, key_label, key_title
from lkj_xl.core.validation import cycle_years, read_cycles, validate_staff
from lkj_xl.core.zones import to_local
from lkj_xl.workbook import cycles

from lkj_xl.workbook.commands import (  # noqa: F401
    ACTION_CLOSE, ACTION_LABELS, ACTION_REFRESH, ACTION_REMINDERS, ACTION_REPORT, RIBBON_ACTIONS,
)

SEVERITY_LABELS = {ERROR: "Kesalahan", WARNING: "Peringatan"}


@dataclass(frozen=True)
class LocatedProblem:
    """A problem with the sheet and cell it is about (cell None when it is about a whole sheet)."""

    sheet: str
    cell: str | None
    severity: str
    code: str
    message: str

    def describe(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        return f"[{SEVERITY_LABELS.get(self.severity, self.severity)}] {where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "cell": self.cell, "severity": self.severity, "code": self.code,
                "message": self.message}


@dataclass(frozen=True)
class Analysis:
    """Everything an action knows about the tracker at ``as_of`` for one reporting year."""

    tracker: Tracker
    #: the cycle's key: the reporting year (int) of a yearly SOP, else a Period (lkj_xl.core.periods)
    year: Any
    #: naive, on the tracker's clock (Pengaturan, "Zona waktu")
    as_of: datetime
    calendar: WorkingCalendar
    cycle: Cycle
    schedule: CycleSchedule
    problems: tuple[LocatedProblem, ...]
    #: schedules of every year present in the step tables (the computed columns are written for all of them)
    schedules: dict[int, CycleSchedule]
    #: the cells the engine may write in this workbook (what the save check proves nothing else changed against)
    owned: Ownership
    #: the closed cycles (``lkj tutup``) by cycle key (year or period): their computed cells are not recomputed
    closed: Mapping[Any, Any] = field(default_factory=dict)

    @property
    def errors(self) -> tuple[LocatedProblem, ...]:
        return tuple(p for p in self.problems if p.severity == ERROR)

    @property
    def warnings(self) -> tuple[LocatedProblem, ...]:
        return tuple(p for p in self.problems if p.severity == WARNING)

    @property
    def years_with_rows(self) -> list:
        """The cycle keys (years or periods) with a readable row in a step table; without :attr:`year` among them
        nothing of that cycle was checked."""
        return cycle_years(self.tracker.entries, self.tracker.settings.period_kind)


def _locate(tracker: Any, problems: list[Problem]) -> tuple[LocatedProblem, ...]:
    located = []
    for problem in problems:
        sheet, cell = tracker.cell_of(problem.location)
        located.append(LocatedProblem(sheet, cell, problem.severity, problem.code, problem.message))
    return tuple(located)


def analyse(book: Book, *, as_of: datetime, year: int | None = None, period: Any = None) -> Analysis:
    """Read the tracker once, validate the chosen cycle (``year`` for a yearly SOP, ``period`` for the others;
    default: see :func:`lkj_xl.workbook.cycles.choose_key`) and schedule every cycle present.

    ``as_of`` may carry a time zone (the shells' "now"): it is read on the tracker's clock (Pengaturan, "Zona
    waktu"); a naive ``as_of`` already is that clock."""
    # Without a readable Tahun pelaporan (reported as a problem), the year prepared at as_of: the previous one.
    tracker = reader.load_tracker(book, default_year=as_of.year - 1)
    settings = tracker.settings
    kind = settings.period_kind
    as_of = to_local(as_of, settings.zone)
    keys = cycle_years(tracker.entries, kind)
    year = cycles.choose_key(tracker, keys, as_of, year, period)
    if year is None:  # pragma: no cover - choose_key always finds one for a calendar kind
        year = current_period(kind, as_of.date())
    all_keys = sorted(set(keys) | {year})

    problems: list[Problem] = list(tracker.problems)
    problems += validate_staff(tracker.staff, tracker.sop.roles)
    problems += contact_problems(tracker.staff)  # "No. WhatsApp" / "Email" that no reminder can use

    read = read_cycles(tracker.sop, tracker.entries, all_keys, as_of, tracker.staff, kind, settings.zone)
    found: dict[Any, Cycle] = {key: cycle for key, (cycle, _) in read.items()}
    problems += read[year][1]
    calendar = reader.calendar_for(tracker, cycles.years_needed(all_keys, found, as_of, settings))

    schedules: dict[Any, CycleSchedule] = {}
    for key in all_keys:
        if kind == TAHUNAN and key == settings.year and settings.deadline_override:
            deadline = settings.deadline_override
        else:
            deadline = deadline_for(key, settings.rule, calendar, cycles.first_start(found[key]))
        schedules[key] = schedule_cycle(tracker.sop, calendar, found[key], as_of, deadline,  # plans: with history
                                        plans_from_earlier(tracker.sop, schedules, key), has_deadline=bool(deadline))
    problems += report_inputs(tracker, year, found[year], signature=False,
                              entry_key=lambda e: cycles.entry_key(e, kind))[1]  # what the evaluator typed
    # Problems about rows of other years are not this year's business, except unreadable years themselves, which
    # read_cycles reports for every row (no year can be given to them); and an edit to a closed cycle's entries.
    from lkj_xl.workbook.closing import edit_warnings, read_closed

    closed = read_closed(book, kind)
    problems += edit_warnings(tracker, closed)
    return Analysis(
        tracker=tracker, year=year, as_of=as_of, calendar=calendar, cycle=found[year], schedule=schedules[year],
        problems=_dedupe(_locate(tracker, problems)), schedules=schedules,
        owned=ownership(tracker, book.sheet_names()), closed=closed,
    )


def _dedupe(problems: tuple[LocatedProblem, ...]) -> tuple[LocatedProblem, ...]:
    seen, out = set(), []
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            out.append(problem)
    return tuple(out)


# --- the actions ---------------------------------------------------------------------------------------------------


def validate(book: Book, *, as_of: datetime, year: int | None = None, period: Any = None) -> Analysis:
    """Read every sheet and report problems.  Changes nothing."""
    return analyse(book, as_of=as_of, year=year, period=period)


def _lines(extra_history: Any, as_of: datetime) -> Sequence[str]:
    """``extra_history`` as lines: a callable gets the as-of instant on the tracker's clock (the day of its
    sendings depends on the tracker's time zone)."""
    return extra_history(as_of) if callable(extra_history) else extra_history


def refresh(book: Book, *, as_of: datetime, year: int | None = None, user: str | None = None,
            extra_history: Any = (), period: Any = None, recorded_at: datetime | None = None) -> Analysis:
    """Write the computed columns of every step table, the Beranda sheet and the problem list.  No entry cell.

    ``extra_history``: lines for Riwayat the shell knows of and the workbook does not (the reminders sent today, from
    the send log beside the file; or a callable of the as-of instant giving them); each is added once, under the
    action "Pengingat".  ``recorded_at``: the real time of the action, from the shell's clock (Riwayat's Waktu,
    Masalah's "Diperiksa pada"), read on the tracker's clock like ``as_of``; default ``as_of``."""
    analysis = analyse(book, as_of=as_of, year=year, period=period)
    as_of = analysis.as_of
    book = GuardedBook(book, analysis.owned)
    at = _recorded(recorded_at, analysis)
    _write_refresh(book, analysis, at)
    who = user if user is not None else book.user_name()
    _add_extra_history(book, at, as_of, who, _lines(extra_history, as_of))
    writers.append_history(book, at, who, ACTION_LABELS[ACTION_REFRESH], _summary(analysis), as_of=as_of)
    return analysis


def _recorded(recorded_at: datetime | None, analysis: Analysis) -> datetime:
    """The real time of an action on the tracker's clock (an instant is converted); ``as_of`` without one."""
    if recorded_at is None:
        return analysis.as_of
    return to_local(recorded_at, analysis.tracker.settings.zone)


def _add_extra_history(book: Book, at: datetime, as_of: datetime, user: str, lines: Sequence[str]) -> None:
    writers.append_history_lines(book, [[at, user, ACTION_LABELS[ACTION_REMINDERS], line, as_of] for line in lines],
                                 once=True)


def _write_refresh(book: Book, analysis: Analysis, recorded_at: datetime | None = None) -> None:
    tracker = analysis.tracker
    writers.write_step_headers(book, tracker)
    from lkj_xl.workbook.closing import frozen_values

    writers.write_computed(book, tracker, analysis.schedules, frozen_values(analysis.closed))
    writers.write_beranda(book, tracker, analysis.schedule, analysis.calendar,
                          (len(analysis.errors), len(analysis.warnings)), analysis.closed.get(analysis.year))
    writers.write_reminders(book, tracker, reminders(analysis), analysis.year, analysis.as_of)
    writers.write_problems(book, tracker, analysis.problems,
                           checked_at=recorded_at if recorded_at is not None else analysis.as_of,
                           as_of=analysis.as_of)


def reminders(analysis: Analysis, within_minutes: int | None = None) -> list[Reminder]:
    """The reminders at ``analysis.as_of`` (overdue, due within ``within_minutes`` working minutes, next to start);
    the window defaults to Pengaturan's "Peringatan dini (jam kerja)"."""
    if within_minutes is None:
        within_minutes = window_minutes(int(analysis.tracker.settings.due_soon_hours) * 60, analysis.calendar,
                                        analysis.as_of)
    return select_reminders(analysis.schedule, analysis.tracker.staff, analysis.as_of, within_minutes,
                            analysis.calendar)


def update_reminders(book: Book, *, as_of: datetime, year: int | None = None,
                     period: Any = None) -> tuple[Analysis, list[Reminder]]:
    """Rewrite Beranda's "Pengingat" block only (the ribbon's Pengingat button); returns the reminders."""
    analysis = analyse(book, as_of=as_of, year=year, period=period)
    found = reminders(analysis)
    writers.write_reminders(GuardedBook(book, analysis.owned), analysis.tracker, found, analysis.year,
                            analysis.as_of)
    return analysis, found


def report(book: Book, *, as_of: datetime, year: int | None = None, user: str | None = None,
           extra_history: Any = (), period: Any = None, recorded_at: datetime | None = None) -> Analysis:
    """Refresh, then write the ``Laporan`` sheet for ``year``.  Running it twice gives the same sheet.
    ``recorded_at`` as for :func:`refresh`."""
    from lkj_xl.core.report import build_report
    from lkj_xl.workbook.printing import fit_report
    from lkj_xl.workbook.report_sheet import write_report

    analysis = analyse(book, as_of=as_of, year=year, period=period)
    as_of = analysis.as_of
    # the signature block's warnings belong to making the report: listed on Masalah and printed by the shell
    inputs, found = report_inputs(analysis.tracker, analysis.year, analysis.cycle, entry_key=_key_of(analysis))
    analysis = replace(analysis, problems=_dedupe(analysis.problems + _locate(analysis.tracker, found)))
    book = GuardedBook(book, analysis.owned)
    at = _recorded(recorded_at, analysis)
    _write_refresh(book, analysis, at)
    from lkj_xl.workbook.report_sheet import template_matches

    if analysis.year in analysis.closed:
        pass  # a closed cycle's signed report is the file kept beside the tracker: Laporan stays as it is
    elif template_matches(book, len(analysis.tracker.sop.steps)):
        write_report(book, build_report(analysis.tracker.sop, analysis.tracker.settings, analysis.schedule,
                                        calendar=analysis.calendar, errors=len(analysis.errors), **inputs))
        fit_report(book, len(analysis.tracker.sop.steps))
    else:  # a Laporan of an older layout: its rows are elsewhere; `lkj upgrade` makes the current one
        analysis = replace(analysis, problems=analysis.problems + (LocatedProblem(
            layout.SHEET_REPORT, None, ERROR, "laporan_tata_letak_lama",
            "Lembar Laporan dibuat dengan tata letak lama, jadi laporan baru tidak ditulis di situ (kolom terhitung, "
            "Beranda dan Masalah tetap diperbarui). Jalankan `lkj upgrade`, lalu buat laporan lagi."),))
    who = user if user is not None else book.user_name()
    _add_extra_history(book, at, as_of, who, _lines(extra_history, as_of))
    writers.append_history(book, at, who, ACTION_LABELS[ACTION_REPORT], _summary(analysis), as_of=as_of)
    return analysis


def _key_of(analysis: Analysis) -> Any:
    """The cycle key of a step entry (a year, or a period of a non-yearly SOP)."""
    kind = analysis.tracker.settings.period_kind
    return lambda entry: cycles.entry_key(entry, kind)


def _summary(analysis: Analysis) -> str:
    done = sum(1 for s in analysis.schedule.steps if s.done)
    title = key_title(analysis.year)
    return (f"{title[:1].upper()}{title[1:]}: {done} dari {len(analysis.schedule.steps)} langkah selesai, "
            f"{len(analysis.errors)} kesalahan, {len(analysis.warnings)} peringatan")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="minutes") if value is not None else None


def status_dict(analysis: Analysis) -> dict[str, Any]:
    """The machine-readable state printed by ``lkj status --json``."""
    from lkj_xl.core.validation import read_ulang
    from lkj_xl.workbook.closing import closed_dict

    sched = analysis.schedule
    period = analysis.year
    # "Ulang" of the cycle's row of each step (how many times it was sent back; None when unreadable)
    sent_back = {e.step: read_ulang(e.ulang) for e in analysis.tracker.entries_for(analysis.year)}
    return {
        # a yearly SOP: the year (int); the others: null, and ``period`` names the cycle ("2025-S1")
        "year": None if isinstance(period, Period) else period,
        "period": key_label(period),
        "period_kind": analysis.tracker.settings.period_kind,
        "timezone": analysis.tracker.settings.timezone,
        "deadline": _iso(sched.deadline),
        "as_of": _iso(analysis.as_of),
        "at_risk": sched.at_risk,
        "projected_finish": _iso(sched.projected_finish),
        "overall": sched.overall,
        "steps": [
            {
                "step": s.step,
                "actor": s.actor,
                "received": _iso(s.received),
                "completed": _iso(s.completed),
                "due": _iso(s.due),
                "status": s.status,
                "late_minutes": s.late_minutes,
                "latest_finish": _iso(s.latest_finish),
                "planned_minutes": s.planned_minutes, "plan_source": s.plan_source,
                "sent_back": sent_back.get(s.step),
            }
            for s in sched.steps
        ],
        "problem_counts": {"errors": len(analysis.errors), "warnings": len(analysis.warnings)},
        "problems": [p.as_dict() for p in analysis.problems],
        # the cycle's row of Siklus Tertutup (`lkj tutup`): {closed_at, by, files, row}; null when not closed
        "closed": closed_dict(analysis.closed.get(analysis.year)),
    }


__all__ = ["ACTION_LABELS", "Analysis", "LocatedProblem", "analyse", "refresh", "reminders", "report", "status_dict",
           "update_reminders", "validate"]
