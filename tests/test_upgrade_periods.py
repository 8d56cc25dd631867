"""``lkj upgrade`` of a non-yearly tracker built before its Evaluasi table was keyed by Periode (issue 13).

Until that change (commit b4f8644) the builder made the Evaluasi sheet of every tracker as for a yearly SOP: key
column "Tahun" with a whole-number rule (2000-2100), the block prefilled with the bare year, the guide note saying
"ganti Tahun", and Siklus Tertutup keyed by "Tahun".  The layout version stayed 3.  The fixture is a tracker built
today, changed with openpyxl into exactly what that builder wrote (checked against a build of b4f8644^: these are
the only differences besides the computed columns' number format).  Then, on real files: what the current code says
about it, what the upgrade makes of it, and that the upgraded file is clean."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.datavalidation import DataValidation

from lkj_xl.authoring.evaluation_sheet import guide_notes
from lkj_xl.cli import main
from lkj_xl.core.periods import TAHUNAN
from lkj_xl.core.validation import YEAR_MAX, YEAR_MIN
from lkj_xl.workbook import layout

from conftest import edit
from test_periods_closing import AS_OF, EVAL_NOTE, _blank, _type_cycle

HEADER = layout.EVALUATION_HEADER_ROW


def lkj(capsys, *args: object) -> tuple[int, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out + err


def _as_built_before_periode(wb) -> None:
    """The Evaluasi and Siklus Tertutup sheets as the builder made them for a quarterly tracker before b4f8644."""
    ws = wb[layout.SHEET_EVALUATION]
    for coordinate, text in guide_notes(TAHUNAN).items():
        ws[coordinate] = text
    ws.cell(HEADER, 1).value = layout.V_YEAR
    table = ws.tables[layout.EVALUATION_TABLE_NAME]
    table.tableColumns[0].name = layout.V_YEAR
    key_rule = next(dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith(f"A{HEADER + 1}:A"))
    below = int(str(key_rule.sqref).split(":A")[1])
    for r in range(HEADER + 1, below + 1):
        cell = ws.cell(r, 1)
        if cell.value is not None:
            cell.value = 2025
        cell.number_format = "General"
    ws.data_validations.dataValidation.remove(key_rule)
    year_rule = DataValidation(type="whole", operator="between", formula1=str(YEAR_MIN), formula2=str(YEAR_MAX),
                               allow_blank=True, showErrorMessage=True, errorTitle="Tahun",
                               error=f"Isi tahun empat angka antara {YEAR_MIN} dan {YEAR_MAX}.")
    year_rule.add(f"A{HEADER + 1}:A{below}")
    ws.add_data_validation(year_rule)
    closed = wb[layout.SHEET_CLOSED]
    closed.cell(1, 1).value = layout.V_YEAR
    for r in range(2, closed.max_row + 1):
        closed.cell(r, 1).number_format = "General"


@pytest.fixture
def old_quarterly(templates, tmp_path) -> Path:
    path = templates.copy(_blank(templates, "triwulanan"), tmp_path, "Triwulan Lama.xlsx")
    edit(path, lambda wb: (_as_built_before_periode(wb), _type_cycle(wb, "2025-TW3")))
    return path


def _evaluation_rows(path: Path) -> list[list]:
    ws = openpyxl.load_workbook(path)[layout.SHEET_EVALUATION]
    return [[c.value for c in row] for row in ws.iter_rows(min_row=HEADER + 1, max_col=7) if row[1].value]


def test_the_fixture_is_the_older_sheet(old_quarterly):
    ws = openpyxl.load_workbook(old_quarterly)[layout.SHEET_EVALUATION]
    assert ws.cell(HEADER, 1).value == "Tahun" and ws.cell(HEADER + 1, 1).value == 2025
    rules = {str(dv.sqref): dv.type for dv in ws.data_validations.dataValidation}
    assert rules[f"A{HEADER + 1}:A204"] == "whole"
    assert "ganti Tahun" in ws["A3"].value


def test_the_older_sheet_gets_the_one_upgrade_warning(old_quarterly, capsys):
    code, out = lkj(capsys, "validate", old_quarterly, "--periode", "2025-TW3", "--as-of", AS_OF)
    upgrade = [line for line in out.splitlines() if "lkj upgrade" in line]
    assert len(upgrade) == 1, out
    assert "kolom \"Periode\" lembar \"Evaluasi\"" in upgrade[0] and "Pengaturan" in upgrade[0]


def test_upgrade_makes_the_evaluasi_of_a_quarterly_tracker(old_quarterly, tmp_path, capsys):
    """The builder's untouched year block gives way to the new prefill; the key column takes periods; the guide note
    is the current one; the entries come across; the new file has no upgrade or bare-year warning."""
    new = tmp_path / "Triwulan Baru.xlsx"
    code, out = lkj(capsys, "upgrade", old_quarterly, new)
    assert code == 0, out
    assert "periode 2025-TW3" in out and "tahun 2025-TW3" not in out
    wb = openpyxl.load_workbook(new)
    ws = wb[layout.SHEET_EVALUATION]
    assert ws.cell(HEADER, 1).value == layout.V_PERIOD
    assert ws["A3"].value == guide_notes("triwulanan")["A3"]
    rows = _evaluation_rows(new)
    assert rows and all(row[0] == "2025-TW1" for row in rows), rows
    assert all(row[4] is None and row[5] is None for row in rows)
    rules = {str(dv.sqref): dv.type for dv in ws.data_validations.dataValidation}
    assert rules[f"A{HEADER + 1}:A204"] == "textLength"
    assert ws.cell(HEADER + 1, 1).number_format == layout.TEXT_FORMAT
    assert wb[layout.SHEET_CLOSED].cell(1, 1).value == layout.V_PERIOD
    step3 = wb[layout.step_sheet(3)]
    assert [c.value for c in step3[layout.STEP_TABLE_HEADER_ROW + 1]][:1] == ["2025-TW3"]

    code, out = lkj(capsys, "validate", new, "--periode", "2025-TW3", "--as-of", AS_OF)
    assert "lkj upgrade" not in out and "berisi tahun" not in out, out


def test_a_judged_year_block_is_carried_as_typed(old_quarterly, tmp_path, capsys):
    """An evaluator who judged in the older sheet typed under the year (the rule allowed nothing else): every row
    comes across as typed, and the new file says once to put the period there, without sending back to upgrade."""
    def judged(wb):
        ws = wb[layout.SHEET_EVALUATION]
        ws.cell(HEADER + 1, 5).value = "Tidak berjalan dengan baik"
        ws.cell(HEADER + 1, 6).value = EVAL_NOTE
    edit(old_quarterly, judged)
    before = _evaluation_rows(old_quarterly)
    new = tmp_path / "Triwulan Baru.xlsx"
    code, out = lkj(capsys, "upgrade", old_quarterly, new)
    assert code == 0, out
    assert _evaluation_rows(new) == before
    code, out = lkj(capsys, "validate", new, "--periode", "2025-TW3", "--as-of", AS_OF)
    bare = [line for line in out.splitlines() if "berisi tahun" in line]
    assert len(bare) == 1 and f"Evaluasi!A{HEADER + 1}" in bare[0], out
    assert "lkj upgrade" not in out, out


def test_closing_a_period_on_the_older_tracker(old_quarterly, capsys):
    """`lkj tutup` on the older tracker, before any upgrade: its own sheet Siklus Tertutup (still headed Tahun)
    records the period under the key the tracker uses."""
    code, out = lkj(capsys, "tutup", old_quarterly, "--periode", "2025-TW3", "--as-of", AS_OF)
    assert code in (0, 1), out
    ws = openpyxl.load_workbook(old_quarterly)[layout.SHEET_CLOSED]
    assert ws.cell(2, 1).value == "2025-TW3"
    code, out = lkj(capsys, "tutup", old_quarterly, "--periode", "2025-TW3", "--as-of", AS_OF)
    assert code == 1 and "sudah ditutup" in out
