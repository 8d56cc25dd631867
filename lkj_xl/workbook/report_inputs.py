"""What the report needs from the tracker besides the schedule, read once: the evaluator's judgements (Evaluasi),
the two signers (Pengaturan, Pegawai), the names and notes typed on the step sheets, and the warnings about them.

The Evaluasi warnings are part of every validation; the signature block's (a blank "Tempat", a head missing from
Pegawai) are part of making the report (``lkj report`` prints them and ``Masalah`` lists them then); in a tracker of an older layout, what the layout lacks (the Evaluasi sheet, the
rows and the column) is covered by the one "jalankan `lkj upgrade`" warning, not one per item.
"""

from __future__ import annotations

from typing import Any, Callable

from lkj_xl.core.entries import Cycle, Problem
from lkj_xl.core.errors import ParseError
from lkj_xl.core.evaluation import EvaluationInput, judgement_problems, read_evaluation
from lkj_xl.core.signature import signers
from lkj_xl.core.validation import parse_year
from lkj_xl.core.values import as_text
from lkj_xl.workbook import layout

_LABELS = {attr: label for label, attr in layout.EVALUATION_ATTRIBUTES.items()}


def _year_of(entry: Any) -> int | None:
    try:
        return parse_year(entry.year)
    except ParseError:
        return None


def report_inputs(tracker: Any, year: Any, cycle: Cycle, *, signature: bool = True,
                  entry_key: Callable[[Any], Any] | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """(keyword arguments of :func:`lkj_xl.core.report.build_report` besides the schedule, the warnings).  The
    Evaluasi warnings are part of every validation (a person typed something unusable there); the signature block's
    (``signature``) only of making the report, where a blank place or signer would print.  ``entry_key``: the cycle
    key of a step entry (default: its Tahun read as a year)."""
    key_of = entry_key or _year_of
    sop, settings = tracker.sop, tracker.settings
    evaluation, problems = read_evaluation(tracker.evaluations, year, [s.number for s in sop.steps], _LABELS,
                                           settings.period_kind)
    incomplete = [r.step for r in cycle.records if r.complete is False and r.completed is not None]
    problems += judgement_problems(evaluation, incomplete, _LABELS)

    staff_table = tracker.layout.staff_table
    rank_column = staff_table is not None and layout.E_RANK in staff_table.columns
    preparer, head, signer_problems = signers(sop, settings, tracker.staff, rank_column=rank_column,
                                              labels=(layout.P_PLACE, layout.P_PREPARER, layout.E_RANK))
    rows = tracker.layout.settings_rows
    if signature:
        problems += [p for p in signer_problems
                     if p.location.key not in layout.REPORT_SETTING_LABELS or p.location.key in rows]

    names: dict[int, str] = {}
    notes: dict[int, str] = {}
    for entry in tracker.entries:
        if key_of(entry) != year:
            continue
        if as_text(entry.pelaksana):
            names[entry.step] = as_text(entry.pelaksana)
        if as_text(entry.catatan):
            notes[entry.step] = as_text(entry.catatan)
    return {"staff_names": names, "notes": notes, "cycle": cycle, "evaluation": evaluation,
            "signers": (preparer, head)}, problems


__all__ = ["EvaluationInput", "report_inputs"]
