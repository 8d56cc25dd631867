"""Deadlines, statuses and the backward plan of one cycle (one reporting year).

Given the SOP, the working-time calendar, a :class:`~lkj_xl.core.entries.Cycle` and an explicit ``as_of`` instant, compute
for each step its start, due time, status, lateness and latest finish, and for the cycle its projected finish.

* start: Diterima if recorded, else the previous step's Selesai (hand-over), else not started;
* due: start + the step's time standard (none for a step without a standard).  A Waktu merged over several steps
  in the SOP (``Step.waktu_group``, the first step carries the text) is one standard for the group: the group's
  first step is due at its start + the standard, and every later step of the group is due at that same instant
  (they share the time, they do not each get it); in the backward plan the group takes the standard once;
* status: one of the ``STATUS_*`` constants below;
* late_minutes: working minutes past due (to Selesai, or to ``as_of`` while running), 0 when not late;
* latest_finish: the backward plan from the final deadline: the last step must finish by the deadline, each earlier
  step by the latest start of the next one, each step taking its planned duration (:mod:`lkj_xl.core.plan`: the SOP
  standard, else Waktu Rencana, else the median of earlier cycles; a step with none of them takes no time);
* projected finish: done steps at their Selesai; a running step at its start + planned duration, or ``as_of`` when
  that has passed (a step past its plan pushes everything after it forward from now); later steps chained on with
  their planned durations.  The cycle is at risk when the projection passes the final deadline.
* overall: the cycle against the final deadline only (Terkirim / Terlambat once the deadline passed undelivered /
  Berisiko terlambat / Sesuai jadwal); a step overdue now is a separate fact (``overdue_steps``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Mapping

from lkj_xl.core.worktime import WorkingCalendar
from lkj_xl.core.entries import Cycle
from lkj_xl.core.plan import StepPlan, step_plans
from lkj_xl.core.sop import DAYS, Sop, TimeStandard

STATUS_NOT_STARTED = "belum_mulai"
STATUS_RUNNING = "berjalan"
STATUS_OVERDUE = "terlambat"
STATUS_DONE_ON_TIME = "selesai_tepat_waktu"
STATUS_DONE_LATE = "selesai_terlambat"
STATUS_DONE = "selesai"  # done, the step has no time standard

STATUSES = (STATUS_NOT_STARTED, STATUS_RUNNING, STATUS_OVERDUE, STATUS_DONE_ON_TIME, STATUS_DONE_LATE, STATUS_DONE)
DONE_STATUSES = (STATUS_DONE_ON_TIME, STATUS_DONE_LATE, STATUS_DONE)

#: Indonesian labels shown in the workbook.
STATUS_LABELS = {
    STATUS_NOT_STARTED: "Belum mulai",
    STATUS_RUNNING: "Berjalan",
    STATUS_OVERDUE: "Terlambat",
    STATUS_DONE_ON_TIME: "Selesai tepat waktu",
    STATUS_DONE_LATE: "Selesai terlambat",
    STATUS_DONE: "Selesai",
}

# Overall state of a cycle (Beranda).
CYCLE_DELIVERED = "terkirim"  # the last step is done: the LKj reached Bagian Organisasi
CYCLE_LATE = "terlambat"  # the final deadline passed before delivery
CYCLE_AT_RISK = "berisiko"  # the projection passes the final deadline
CYCLE_ON_TRACK = "sesuai_jadwal"
CYCLE_LABELS = {
    CYCLE_DELIVERED: "Terkirim",
    CYCLE_LATE: "Terlambat",
    CYCLE_AT_RISK: "Berisiko terlambat",
    CYCLE_ON_TRACK: "Sesuai jadwal",
}

#: SOP 3.1.2.6, "Pencatatan dan pendataan": the LKj of the previous year is delivered "selambat-lambatnya ... bulan
#: Maret".  So the default final deadline is the end of the last working day on or before 31 March of year + 1.
DEADLINE_MONTH, DEADLINE_DAY = 3, 31


def cycle_span(year: int) -> tuple[int, int, int]:
    """The calendar years one cycle touches: the reporting year, the next (the LKj is prepared and, by SOP 3.1.2.6,
    delivered by March), and one more for a cycle that finishes late or a deadline moved past the year's end.
    Holidays are prefilled and loaded for these years."""
    return year, year + 1, year + 2


def default_deadline(year: int, calendar: WorkingCalendar) -> datetime:
    """End of the last working day on or before 31 March of ``year + 1`` (SOP 3.1.2.6)."""
    day = calendar.last_working_day_on_or_before(date(year + 1, DEADLINE_MONTH, DEADLINE_DAY))
    return calendar.day_end(day)


@dataclass(frozen=True)
class StepSchedule:
    """One step of a cycle as scheduled at ``as_of``: its start, due time, status and lateness."""

    step: int
    actor: str
    received: datetime | None
    completed: datetime | None
    start: datetime | None
    due: datetime | None
    status: str
    late_minutes: int
    latest_finish: datetime | None  # None when the cycle has no final deadline
    actual_minutes: int | None  # working minutes from start to Selesai (or to as_of while running)
    #: where the plan's duration for this step comes from: "sop", "rencana", "riwayat" or None (no duration)
    plan_source: str | None = None
    #: the working minutes the plan used (a duration in days: the working minutes of those days from the step's
    #: planned start on this calendar); None without a duration
    planned_minutes: int | None = None

    @property
    def done(self) -> bool:
        return self.status in DONE_STATUSES

    @property
    def started(self) -> bool:
        return self.status != STATUS_NOT_STARTED


@dataclass(frozen=True)
class CycleSchedule:
    """A cycle's schedule at ``as_of``: every step, the final deadline and the projected finish."""

    year: Any  # the cycle's key: the reporting year, or a Period (lkj_xl.core.periods)
    as_of: datetime
    deadline: datetime | None  # None: no final deadline ("Aturan batas akhir" = tidak ada)
    steps: tuple[StepSchedule, ...]
    projected_finish: datetime

    @property
    def at_risk(self) -> bool:
        return self.deadline is not None and self.projected_finish > self.deadline

    @property
    def delivered(self) -> bool:
        return bool(self.steps) and self.steps[-1].done

    @property
    def delivered_at(self) -> datetime | None:
        return self.steps[-1].completed if self.delivered else None

    @property
    def current(self) -> StepSchedule | None:
        """The step that holds the cycle now: the first one not done (None when delivered)."""
        for step in self.steps:
            if not step.done:
                return step
        return None

    @property
    def overdue_steps(self) -> tuple[int, ...]:
        """Steps running past their SOP standard now (a fact of its own, not the cycle's status)."""
        return tuple(s.step for s in self.steps if s.status == STATUS_OVERDUE)

    @property
    def unplanned_steps(self) -> tuple[int, ...]:
        """Steps not done that the plan cannot time: no standard, no Waktu Rencana, no earlier cycle."""
        return tuple(s.step for s in self.steps if s.plan_source is None and not s.done)

    @property
    def overall(self) -> str:
        """The cycle against the final deadline; a step overdue now does not make the cycle late."""
        if self.delivered:
            return CYCLE_DELIVERED
        if self.deadline is not None and self.as_of > self.deadline:
            return CYCLE_LATE
        if self.at_risk:
            return CYCLE_AT_RISK
        return CYCLE_ON_TRACK

    @property
    def on_time_count(self) -> int:
        """Steps done within their standard (a done step without a standard counts as on time)."""
        return sum(1 for s in self.steps if s.status in (STATUS_DONE_ON_TIME, STATUS_DONE))


def schedule_cycle(
    sop: Sop,
    calendar: WorkingCalendar,
    cycle: Cycle,
    as_of: datetime,
    deadline: datetime | None = None,
    plans: Mapping[int, StepPlan] | None = None,
    *,
    has_deadline: bool = True,
) -> CycleSchedule:
    """Compute every step's schedule and the cycle's projection at ``as_of``.  ``plans`` (step -> duration, see
    :func:`lkj_xl.core.plan.step_plans`) default to the SOP's standards and Waktu Rencana, without history.

    ``deadline`` None: SOP 3.1.2.6's rule for the year ``cycle.year``; ``has_deadline=False``: the cycle has no
    final deadline (Pengaturan's "Aturan batas akhir" = tidak ada): no backward plan, never at risk."""
    if not has_deadline:
        deadline = None
    elif deadline is None:
        deadline = default_deadline(cycle.year, calendar)
    if plans is None:
        plans = step_plans(sop)

    def planned(number: int) -> TimeStandard | None:
        plan = plans.get(number)
        return plan.duration if plan is not None else None

    # Backward plan: latest finish of each step, from the last one to the first.
    latest: dict[int, datetime | None] = {}
    latest_start: dict[int, datetime | None] = {}
    finish = deadline
    for step in reversed(sop.steps):
        latest[step.number] = finish
        finish = calendar.subtract(finish, planned(step.number)) if finish is not None else None
        latest_start[step.number] = finish

    # Steps not started that lie before a step already started were skipped in the records (validation reports the
    # gap); they are behind the cycle and take no time in the projection.
    records = [cycle.record(step.number) for step in sop.steps]
    last_started = max((i for i, r in enumerate(records) if r.received is not None or r.completed is not None),
                       default=-1)

    results: list[StepSchedule] = []
    group_due: dict[int, datetime | None] = {}  # first step of a waktu_group -> the group's due
    previous_completed: datetime | None = None
    projection: datetime | None = None
    for index, (step, record) in enumerate(zip(sop.steps, records)):
        received, completed = record.received, record.completed
        start = received if received is not None else previous_completed
        duration = planned(step.number)
        plan_start: datetime | None = start  # where the plan's duration is counted from, for planned_minutes
        due = calendar.add(start, step.standard) if (start is not None and step.standard is not None) else None
        if step.group_first is not None and step.standard is None:
            due = group_due.get(step.group_first)  # a Waktu merged over several steps: one due for the group
        elif step.waktu_group:
            group_due[step.number] = due

        late = 0
        actual: int | None = None
        if completed is not None:
            # Lateness is measured in working time: finishing after hours, past a due time at the end of the
            # working day, is not late by a single working minute.
            late = calendar.working_minutes(due, completed) if due is not None else 0
            if due is None:
                status = STATUS_DONE
            elif late <= 0:
                status = STATUS_DONE_ON_TIME
            else:
                status = STATUS_DONE_LATE
            if start is not None:
                actual = max(0, calendar.working_minutes(start, completed))
            step_finish = completed
        elif start is None or start > as_of:
            status = STATUS_NOT_STARTED
            if index < last_started:
                step_finish = projection
            else:
                chain_from = max(projection, as_of) if projection is not None else as_of
                if start is not None:
                    chain_from = max(chain_from, start)
                plan_start = calendar.next_working_instant(chain_from)
                step_finish = calendar.add(plan_start, duration)
        else:
            actual = max(0, calendar.working_minutes(start, as_of))
            late = calendar.working_minutes(due, as_of) if due is not None else 0
            status = STATUS_OVERDUE if late > 0 else STATUS_RUNNING
            # at its planned finish, or now once that has passed: the rest of the cycle moves on from now
            step_finish = max(calendar.add(start, duration), as_of)
        # A step can't finish, in the projection, before the one it follows.
        if step_finish is not None:
            projection = step_finish if projection is None else max(projection, step_finish)

        plan = plans.get(step.number)
        results.append(StepSchedule(
            step=step.number, actor=step.actor, received=received, completed=completed, start=start, due=due,
            status=status, late_minutes=max(0, late), latest_finish=latest[step.number], actual_minutes=actual,
            plan_source=plan.source if plan is not None and duration is not None else None,
            planned_minutes=_planned_minutes(calendar, duration, plan_start or latest_start[step.number] or as_of),
        ))
        previous_completed = completed

    return CycleSchedule(
        year=cycle.year, as_of=as_of, deadline=deadline, steps=tuple(results),
        projected_finish=projection if projection is not None else as_of,
    )


def _planned_minutes(calendar: WorkingCalendar, duration: TimeStandard | None, start: datetime) -> int | None:
    """The working minutes a duration stands for: its minutes, or for days the working minutes of those days counted
    from ``start`` on this calendar (a Ramadan day is shorter)."""
    if duration is None:
        return None
    if duration.kind != DAYS:
        return duration.amount
    begin = calendar.next_working_instant(start)
    return calendar.working_minutes(begin, calendar.add(begin, duration))
