"""Reading one tracker for the recap, in a worker process: check the file, read its bytes once, analyse every cycle
with the same core as ``lkj status`` (:func:`lkj_xl.workbook.actions.analyse`), and hand back small plain values.

Nothing is written, locked or renamed: the file is opened for reading only, as a copy in memory.  A file Excel has
open is read as last saved (its ``~$`` owner file is only noted).  A file that changes while it is read (size,
modification time or identity differ before and after) is read again once, then reported as unreadable."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from lkj_xl.core.errors import LkjError
from lkj_xl.core.schedule import STATUS_DONE_LATE, STATUS_OVERDUE

#: How often a file that changed while being read is read again.
REREAD_ON_CHANGE = 1

KIND_TRACKER = "tracker"
KIND_UNREADABLE = "unreadable"
KIND_SKIPPED = "skipped"


@dataclass
class CycleRow:
    """One tracker and reporting year, as the recap shows it (plain values: crosses process boundaries)."""

    file: str  # relative to the scanned folder, with /
    instansi: str
    sop_nomor: str
    sop_nama: str
    year: int | str  # the reporting year; a non-yearly SOP's period label ("2025-S1")
    overall: str
    at_risk: bool
    current_step: int | None
    current_text: str
    holder: str | None
    deadline: datetime | None  # None: the SOP's rule sets no final deadline
    projected_finish: datetime
    #: working days left to the deadline (from delivery when delivered); negative: working days past it
    days: int
    late_steps: list[int]
    errors: int
    warnings: int
    updated: Any  # Beranda's "Diperbarui pada" as read (a datetime, or None when never refreshed)
    #: (step, actor, status, late_minutes) for each step of the SOP
    steps: list[tuple[int, str, str, int]] = field(default_factory=list)
    open_by: str | None = None  # Excel has the file open: who ("" when the owner file is unreadable)
    timezone: str = "WIB"  # the tracker's Zona waktu: its deadlines are on that clock

    def json(self, as_of: datetime) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat(timespec="minutes") if value is not None else None

        return {
            "file": self.file, "instansi": self.instansi, "sop": {"nomor": self.sop_nomor, "nama": self.sop_nama},
            "period": self.year, "overall": self.overall, "at_risk": self.at_risk,
            "current_step": self.current_step, "holder": self.holder, "deadline": iso(self.deadline),
            "projected_finish": iso(self.projected_finish), "working_days": self.days,
            "late_steps": self.late_steps, "problem_counts": {"errors": self.errors, "warnings": self.warnings},
            "updated": iso(self.updated) if isinstance(self.updated, datetime) else None,
            "open_in_excel": self.open_by is not None,
            "timezone": self.timezone,
        }


@dataclass
class FileResult:
    file: str
    kind: str
    rows: list[CycleRow] = field(default_factory=list)
    reason: str = ""


class _Changed(Exception):
    pass


def _stamp(path: Path) -> tuple[int, int, int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev


def read_tracker(path: str, rel: str, as_of: datetime, year: int | None = None) -> FileResult:
    """The recap's view of the workbook at ``path`` (``rel``: its name in the recap).  Never raises for a bad file:
    it comes back as :data:`KIND_UNREADABLE` with the reason in Indonesian."""
    import gc

    # A workbook's values are freed by reference counting when it is done; the cyclic collector would only walk
    # them again and again while they are alive (a tenth of the time).  One collection per file instead.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _read_with_retry(Path(path), rel, as_of, year)
    finally:
        if enabled:
            gc.enable()
        gc.collect(0)


def _read_with_retry(target: Path, rel: str, as_of: datetime, year: int | None) -> FileResult:
    for _attempt in range(REREAD_ON_CHANGE + 1):
        try:
            return _read_once(target, rel, as_of, year)
        except _Changed:
            continue
        except LkjError as exc:
            return FileResult(rel, KIND_UNREADABLE, reason=exc.message)
        except MemoryError:
            return FileResult(rel, KIND_UNREADABLE, reason=f"Berkas '{target.name}' terlalu besar untuk dibaca.")
        except Exception as exc:  # noqa: BLE001 - one bad file never stops the recap
            return FileResult(rel, KIND_UNREADABLE,
                              reason=f"Berkas '{target.name}' tidak dapat dibaca ({exc.__class__.__name__}: {exc}).")
    return FileResult(rel, KIND_UNREADABLE, reason=(
        f"Berkas '{target.name}' berubah (disimpan orang atau program lain) selama dibaca, dua kali berturut-turut. "
        f"Jalankan rekap lagi sebentar lagi."))


def is_tracker(book: Any) -> bool:
    from lkj_xl.workbook import layout

    names = book.sheet_names()
    has_steps = any(n.startswith(layout.STEP_SHEET_PREFIX) for n in names)
    return (has_steps and (layout.SHEET_SETTINGS in names or layout.SHEET_SOP in names)) \
        or book.defined_name(layout.VERSION_NAME) is not None


def _read_once(path: Path, rel: str, as_of: datetime, year: int | None) -> FileResult:
    from lkj_xl.engines.calamine_book import CalamineBook
    from lkj_xl.files.guard import check_workbook_file
    from lkj_xl.workbook import actions

    try:
        before = _stamp(path)
    except OSError:
        before = None
    check_workbook_file(path)
    try:
        data = path.read_bytes()
        after = _stamp(path)
    except FileNotFoundError:
        raise _Changed() from None  # replaced between the check and the read (an atomic save elsewhere)
    if before != after:
        raise _Changed()
    # The package engine's structure with calamine's values (the same values, read several times faster; each sheet
    # read once for all cycles).  Without python-calamine it is the package engine itself.
    book = CalamineBook(data, path)
    del data
    if not is_tracker(book):
        return FileResult(rel, KIND_SKIPPED)
    first = actions.analyse(book, as_of=as_of)
    yearly = first.tracker.settings.yearly
    if year is not None and yearly and first.year != year:
        first = actions.analyse(book, as_of=as_of, year=year)
    if year is not None and yearly:
        years = [first.year]
    else:  # a non-yearly SOP: every period present (with --year, the periods of that year)
        years = [k for k in sorted(first.schedules) if year is None or getattr(k, "year", k) == year]
    open_by = _excel_owner(path)
    updated = _updated(book)
    rows = []
    for cycle_year in years:
        option = {"year": cycle_year} if yearly else {"period": cycle_year}
        analysis = first if cycle_year == first.year else actions.analyse(book, as_of=as_of, **option)
        rows.append(cycle_row(analysis, rel, updated=updated, open_by=open_by))
    return FileResult(rel, KIND_TRACKER, rows=rows)


def _excel_owner(path: Path) -> str | None:
    from lkj_xl.files.locks import excel_owner

    try:
        return excel_owner(path)
    except OSError:
        return None


def _updated(book: Any) -> Any:
    """Beranda's "Diperbarui pada" (the last refresh), as the workbook holds it."""
    from lkj_xl.workbook import layout

    if not book.has_sheet(layout.SHEET_HOME):
        return None
    values = book.read(layout.SHEET_HOME)
    r = layout.beranda_rows(values).get(layout.B_UPDATED, layout.beranda_row(layout.B_UPDATED)) - 1  # by label
    c = layout.BERANDA_VALUE_COLUMN - 1
    value = values[r][c] if r < len(values) and c < len(values[r]) else None
    return value if value not in ("", None) else None


def cycle_row(analysis: Any, rel: str, *, updated: Any = None, open_by: str | None = None) -> CycleRow:
    """The recap row of one analysed cycle (the same numbers ``lkj status`` prints, and Beranda's texts)."""
    from lkj_xl.core.values import as_text
    from lkj_xl.workbook import actions
    from lkj_xl.workbook import layout
    from lkj_xl.workbook.writers import beranda_fields

    state = actions.status_dict(analysis)
    sched, tracker, calendar = analysis.schedule, analysis.tracker, analysis.calendar
    fields = beranda_fields(tracker, sched, calendar)
    step_text, holder = fields[layout.B_CURRENT], fields[layout.B_HOLDER]
    current = sched.current
    reference = sched.delivered_at if sched.delivered else sched.as_of
    if sched.deadline is None:
        days = 0  # no final deadline: nothing left or past
    elif reference <= sched.deadline:
        days = calendar.working_days_between(reference.date(), sched.deadline.date())
    else:
        days = -calendar.working_days_between(sched.deadline.date(), reference.date())
    return CycleRow(
        file=rel,
        instansi=as_text(tracker.settings.agency) or as_text(tracker.sop.instansi),
        sop_nomor=as_text(tracker.sop.nomor), sop_nama=as_text(tracker.sop.nama),
        year=state["year"] if state["year"] is not None else state["period"], overall=state["overall"], at_risk=state["at_risk"],
        current_step=current.step if current is not None else None, current_text=step_text,
        holder=holder if current is not None else None,
        deadline=sched.deadline, projected_finish=sched.projected_finish, days=days,
        late_steps=[s.step for s in sched.steps if s.status in (STATUS_OVERDUE, STATUS_DONE_LATE)],
        errors=len(analysis.errors), warnings=len(analysis.warnings), updated=updated,
        steps=[(s["step"], s["actor"], s["status"], s["late_minutes"]) for s in state["steps"]],
        open_by=open_by, timezone=state["timezone"],
    )
