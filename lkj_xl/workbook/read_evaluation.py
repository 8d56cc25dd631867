"""Reading the ``Evaluasi`` sheet (layout version 3): the rows of ``tblEvaluasi`` as typed, for
:func:`lkj_xl.core.evaluation.read_evaluation`.  Used by :func:`lkj_xl.workbook.reader.load_tracker`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Sequence

from lkj_xl.core.evaluation import EvaluationEntry
from lkj_xl.core.periods import TAHUNAN
from lkj_xl.workbook import layout
from lkj_xl.workbook.tables import find_header
from lkj_xl.workbook.tables import table_values


def read_evaluation_table(reader: Any, positions: dict[str, Any]) -> tuple[EvaluationEntry, ...]:
    """The Evaluasi sheet's table (layout version 3): absent in an older tracker, which the one upgrade warning
    names."""
    sheet = layout.SHEET_EVALUATION
    if sheet not in reader.sheets:
        reader.outdated.append(f"lembar \"{sheet}\"")
        return ()
    values = reader.sheet(sheet)
    # The key column is "Tahun" (a yearly SOP) or "Periode" (the others); either header reads into the same field.
    kind = getattr(reader, "period_kind", TAHUNAN)
    labels = _labels(values, kind)
    if kind != TAHUNAN and labels[0] == layout.V_YEAR:
        # keyed by Tahun (whole numbers only) in a tracker of periods: made before the key became Periode, or before
        # Periode siklus was changed; `lkj upgrade` makes the table of the tracker's kind
        reader.outdated.append(f"kolom \"{layout.V_PERIOD}\" lembar \"{sheet}\"")
    required = (labels[0],) + layout.EVALUATION_REQUIRED[1:]
    pos = reader.table(sheet, values, labels, required, 3, "evaluasi")
    if pos is None or values is None:
        return ()
    if labels[0] != layout.V_YEAR:
        pos = replace(pos, columns={(layout.V_YEAR if k == labels[0] else k): c for k, c in pos.columns.items()})
    positions["evaluation_table"] = pos
    positions["evaluation_rows"] = max(len(values) - pos.header_row, 0)
    return tuple(EvaluationEntry(index, **{layout.EVALUATION_ATTRIBUTES[k]: v for k, v in data.items()})
                 for index, data, blank in table_values(values, pos, layout.EVALUATION_HEADERS) if not blank)


def _labels(values: Sequence[Sequence[Any]] | None, kind: str) -> tuple[str, ...]:
    """The table's headers as this tracker has them: the kind's key header, or the other one when only that one is
    in the sheet (a table made before the tracker's period kind was changed)."""
    own = layout.evaluation_headers(kind)
    if values is None:
        return own
    other = (layout.V_PERIOD if own[0] == layout.V_YEAR else layout.V_YEAR,) + own[1:]
    found = find_header(values, own + other[:1], 3)
    if found is not None and own[0] not in found[1] and other[0] in found[1]:
        return other
    return own


__all__ = ["read_evaluation_table"]
