"""How long the plan gives each step: the SOP standard, else the admin's Waktu Rencana, else what earlier cycles took.

The backward plan (Batas Akhir Rencana), the projection and the at-risk flag need a duration for every step, but real
SOPs leave the long steps without a Waktu (SOP 3.1.2.6 steps 4 and 5: gathering the material, drafting the LKj).
For those the plan uses, in this order:

1. ``sop``: the step's standard (SOP sheet, column Waktu);
2. ``rencana``: the planning duration the admin typed in column Waktu Rencana of the SOP sheet (same grammar);
3. ``riwayat``: the median of the step's actual working time over the earlier cycles the tracker holds (rows of
   earlier years in the step tables), in working minutes;
4. none: the step takes no time in the plan, and Beranda and the report say so (:func:`unplanned_message`).

Only the SOP standard makes a step late (Batas Waktu, Status); a plan never does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from lkj_xl.core.durations import format_working
from lkj_xl.core.sop import MINUTES, Sop, TimeStandard

PLAN_SOP = "sop"
PLAN_RENCANA = "rencana"
PLAN_HISTORY = "riwayat"
PLAN_SOURCES = (PLAN_SOP, PLAN_RENCANA, PLAN_HISTORY)


@dataclass(frozen=True)
class StepPlan:
    """The duration the plan gives one step and where it comes from (``source`` None: no duration at all)."""

    source: str | None = None
    duration: TimeStandard | None = None
    #: for ``riwayat``: the earlier years whose actual working time the median took
    years: tuple[int, ...] = ()

    def describe(self) -> str:
        """Indonesian: "2 minggu (standar SOP)", "20 hari kerja (Waktu Rencana)", "75 jam (median 2023-2024)"."""
        if self.duration is None:
            return "tanpa standar maupun rencana waktu"
        if self.source == PLAN_HISTORY:
            span = f"{self.years[0]}" if len(self.years) == 1 else f"{self.years[0]}-{self.years[-1]}"
            return f"{format_working(self.duration.amount)} (median waktu aktual {span})"
        text = self.duration.text or self.duration.describe()
        return f"{text} ({'standar SOP' if self.source == PLAN_SOP else 'Waktu Rencana'})"


def actual_history(actuals: Iterable[tuple[int, int, int | None]], before: int) -> dict[int, dict[int, int]]:
    """``(year, step, actual working minutes)`` of done steps -> step -> {year: minutes}, for years before
    ``before`` only (a cycle is planned from the cycles that came before it)."""
    found: dict[int, dict[int, int]] = {}
    for year, step, minutes in actuals:
        if year < before and minutes is not None:
            found.setdefault(step, {})[year] = minutes
    return found


def step_plans(sop: Sop, history: Mapping[int, Mapping[int, int]] | None = None) -> dict[int, StepPlan]:
    """The plan of every SOP step: standard, else Waktu Rencana, else the median of ``history`` (step -> {year:
    actual working minutes}), else none."""
    plans: dict[int, StepPlan] = {}
    for step in sop.steps:
        if step.standard is not None:
            plans[step.number] = StepPlan(PLAN_SOP, step.standard)
        elif step.plan is not None:
            plans[step.number] = StepPlan(PLAN_RENCANA, step.plan)
        elif history and history.get(step.number):
            from statistics import median  # only with history: a ribbon click without it does not pay the import

            by_year = history[step.number]
            minutes = int(round(median(by_year.values())))
            plans[step.number] = StepPlan(PLAN_HISTORY, TimeStandard(MINUTES, minutes, None, ""),
                                          tuple(sorted(by_year)))
        else:
            plans[step.number] = StepPlan()
    return plans


def plans_from_earlier(sop: Sop, schedules: Mapping[Any, Any], before: Any) -> dict[int, StepPlan]:
    """:func:`step_plans` with the history of ``schedules`` (key -> :class:`~lkj_xl.core.schedule.CycleSchedule`):
    the actual working time of the steps done in the cycles before ``before``."""
    return step_plans(sop, actual_history(((key, s.step, s.actual_minutes) for key, done in schedules.items()
                                           for s in done.steps if s.done), before))


def join_steps(numbers: Iterable[int]) -> str:
    """[4] -> "Langkah 4", [4, 5] -> "Langkah 4 dan 5", [3, 4, 5] -> "Langkah 3, 4 dan 5"."""
    items = [str(n) for n in numbers]
    if len(items) <= 1:
        return f"Langkah {''.join(items)}"
    return f"Langkah {', '.join(items[:-1])} dan {items[-1]}"


def unplanned_message(numbers: Iterable[int]) -> str:
    """The warning for steps the plan cannot time ("" when there are none)."""
    numbers = list(numbers)
    if not numbers:
        return ""
    return (f"{join_steps(numbers)} tidak punya standar maupun rencana waktu: perkiraan selesai belum "
            f"memperhitungkannya")


__all__ = ["PLAN_HISTORY", "PLAN_RENCANA", "PLAN_SOP", "PLAN_SOURCES", "StepPlan", "actual_history", "join_steps",
           "plans_from_earlier", "step_plans", "unplanned_message"]
