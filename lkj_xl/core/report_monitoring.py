"""The two forms of Permenpan RB 35/2012 (Lampiran) in the report: SOP monitoring per step and the evaluation of the
SOP's application per criterion (pure).

What the evaluator typed on ``Evaluasi`` (:class:`~lkj_xl.core.evaluation.EvaluationInput`) is copied as typed.
Where a step was not judged, the report suggests a Penilaian from the data and marks it "(saran)"; a suggested
Catatan or Tindakan starts with "Saran: ".  The rules of the suggestion:

* done within its standard (or done, no standard) -> Berjalan dengan baik;
* done late, or overdue now -> Tidak berjalan dengan baik;
* done with Kelengkapan "Tidak" and no note explaining it -> Tidak berjalan dengan baik (a step done without its
  required input did not run well, however fast);
* done but its start unknown -> Tidak dapat dinilai; running within its time -> Berjalan dengan baik (sementara);
  not started -> Belum dilaksanakan.

The criteria are a judgement only a person makes: nothing is suggested for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from lkj_xl.core.dates import format_datetime_id
from lkj_xl.core.durations import format_working
from lkj_xl.core.evaluation import BAD, CRITERIA, GOOD, EvaluationInput, Judgement
from lkj_xl.core.schedule import (
    STATUS_DONE, STATUS_DONE_LATE, STATUS_DONE_ON_TIME, STATUS_OVERDUE, STATUS_RUNNING, StepSchedule,
)

EVAL_GOOD = GOOD
EVAL_BAD = BAD
EVAL_NOT_DONE = "Belum dilaksanakan"
EVAL_UNKNOWN = "Tidak dapat dinilai"  # done, but its start was never recorded: timeliness cannot be judged
EVAL_RUNNING = "Berjalan dengan baik (sementara)"

SUGGESTED = " (saran)"
SUGGESTION = "Saran: "
CHECK = "\u2713"


@dataclass(frozen=True)
class MonitoringRow:
    number: int
    prosedur: str  # the step's full Uraian
    verdict: str  # as typed, or the suggestion + " (saran)"
    catatan: str
    tindakan: str
    judged: bool  # the evaluator typed a Penilaian


@dataclass(frozen=True)
class CriterionRow:
    number: int
    text: str
    yes: str  # CHECK or ""
    no: str
    catatan: str


def _suggest(step, sched: StepSchedule, complete: bool | None, noted: bool, per_day: int,
             as_of: datetime) -> tuple[str, str, str]:
    """(verdict, the reason in a few words or "", tindakan) the data decides, unmarked.  ``noted``: someone wrote a
    note for the step (the pelaksana's Catatan)."""
    late = format_working(sched.late_minutes, per_day)
    latest = format_datetime_id(sched.latest_finish) if sched.latest_finish is not None else ""
    # Without a final deadline (a cycle of a period without one) there is no backward plan to be late against.
    past_latest = sched.latest_finish is not None and as_of > sched.latest_finish
    status = sched.status
    if status in (STATUS_DONE_ON_TIME, STATUS_DONE, STATUS_DONE_LATE) and complete is False and not noted:
        needed = f" ({step.kelengkapan})" if step.kelengkapan else ""
        return (EVAL_BAD, f"selesai dengan Kelengkapan \"Tidak\"{needed} tanpa catatan",
                "Pastikan kelengkapan tersedia sebelum langkah dinyatakan selesai")
    if status == STATUS_DONE_ON_TIME:
        return EVAL_GOOD, "", "Pertahankan"
    if status == STATUS_DONE_LATE:
        return (EVAL_BAD, f"melebihi standar waktu {late}",
                "Tinjau beban kerja pelaksana atau usulkan revisi standar waktu SOP")
    if status == STATUS_DONE and step.standard is not None:
        return (EVAL_UNKNOWN, "waktu diterima tidak tercatat",
                "Lengkapi kolom Diterima agar ketepatan waktu dapat dinilai")
    if status == STATUS_DONE:
        if sched.actual_minutes is not None and sched.actual_minutes >= per_day:
            took = format_working(sched.actual_minutes, per_day)
            return (EVAL_GOOD, f"tanpa standar waktu; memakan {took}",
                    "Tetapkan standar waktu untuk langkah ini pada revisi SOP")
        return EVAL_GOOD, "", "Pertahankan"
    if status == STATUS_OVERDUE:
        return (EVAL_BAD, f"terlambat {late} dari batas waktu {format_datetime_id(sched.due)}",
                "Segera selesaikan")
    if status == STATUS_RUNNING:
        if past_latest:
            action = f"Segera selesaikan; menurut jadwal mundur seharusnya selesai paling lambat {latest}"
        elif sched.due is not None:
            action = f"Selesaikan sebelum batas waktu {format_datetime_id(sched.due)}"
            if sched.latest_finish is not None and sched.latest_finish < sched.due:
                action += f"; agar batas akhir terpenuhi, paling lambat {latest}"
        elif latest:
            action = f"Selesaikan paling lambat {latest} agar batas akhir terpenuhi"
        else:
            action = "Selesaikan sesuai SOP"
        return EVAL_RUNNING, "", action
    if past_latest:
        return EVAL_NOT_DONE, "", f"Segera laksanakan; menurut jadwal mundur seharusnya selesai paling lambat {latest}"
    if latest:
        return EVAL_NOT_DONE, "", f"Laksanakan sesuai SOP; selesaikan paling lambat {latest}"
    return EVAL_NOT_DONE, "", "Laksanakan sesuai SOP"


def monitoring_rows(sop, schedule_steps: Mapping[int, StepSchedule], complete: Mapping[int, bool | None],
                    notes: Mapping[int, str], evaluation: EvaluationInput, per_day: int,
                    as_of: datetime) -> tuple[MonitoringRow, ...]:
    """One row per step: the evaluator's judgement as typed, the data's suggestion where nothing was typed."""
    rows = []
    for step in sop.steps:
        sched = schedule_steps[step.number]
        note = notes.get(step.number, "")
        verdict, reason, tindakan = _suggest(step, sched, complete.get(step.number), bool(note), per_day, as_of)
        typed = evaluation.steps.get(step.number, Judgement(None))
        judged = typed.good is not None
        if typed.note:
            catatan = typed.note
        else:
            parts = [note] if note else []  # the pelaksana's Catatan, as typed (first: its leading symbols stay)
            if reason and not judged:
                parts.append(f"{SUGGESTION}{reason[0].upper()}{reason[1:]}")
            catatan = "; ".join(parts)
        rows.append(MonitoringRow(
            number=step.number,
            prosedur=" ".join(step.uraian.split()),
            verdict=(GOOD if typed.good else BAD) if judged else verdict + SUGGESTED,
            catatan=catatan,
            tindakan=typed.action or (f"{SUGGESTION}{tindakan}" if tindakan and not judged else ""),
            judged=judged,
        ))
    return tuple(rows)


def criterion_rows(evaluation: EvaluationInput) -> tuple[CriterionRow, ...]:
    rows = []
    for number, text in enumerate(CRITERIA, start=1):
        typed = evaluation.criteria.get(number, Judgement(None))
        catatan = typed.note or ("" if typed.good is not None else "Belum dinilai (lembar Evaluasi)")
        rows.append(CriterionRow(number, text, CHECK if typed.good is True else "",
                                 CHECK if typed.good is False else "", catatan))
    return tuple(rows)


__all__ = ["CHECK", "CriterionRow", "EVAL_BAD", "EVAL_GOOD", "EVAL_NOT_DONE", "EVAL_RUNNING", "EVAL_UNKNOWN",
           "MonitoringRow", "SUGGESTED", "SUGGESTION", "criterion_rows", "monitoring_rows"]
