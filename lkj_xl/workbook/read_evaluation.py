"""Reading the ``Evaluasi`` sheet (layout version 3): the rows of ``tblEvaluasi`` as typed, for
:func:`lkj_xl.core.evaluation.read_evaluation`.  Used by :func:`lkj_xl.workbook.reader.load_tracker`."""

from __future__ import annotations

from typing import Any

from lkj_xl.core.evaluation import EvaluationEntry
from lkj_xl.workbook import layout
from lkj_xl.workbook.tables import table_values


def read_evaluation_table(reader: Any, positions: dict[str, Any]) -> tuple[EvaluationEntry, ...]:
    """The Evaluasi sheet's table (layout version 3): absent in an older tracker, which the one upgrade warning
    names."""
    sheet = layout.SHEET_EVALUATION
    if sheet not in reader.sheets:
        reader.outdated.append(f"lembar \"{sheet}\"")
        return ()
    values = reader.sheet(sheet)
    pos = reader.table(sheet, values, layout.EVALUATION_HEADERS, layout.EVALUATION_REQUIRED, 3, "evaluasi")
    if pos is None or values is None:
        return ()
    positions["evaluation_table"] = pos
    positions["evaluation_rows"] = max(len(values) - pos.header_row, 0)
    return tuple(EvaluationEntry(index, **{layout.EVALUATION_ATTRIBUTES[k]: v for k, v in data.items()})
                 for index, data, blank in table_values(values, pos, layout.EVALUATION_HEADERS) if not blank)


__all__ = ["read_evaluation_table"]
