"""Step numbers typed in tblAlurSOP (each row's step, a decision's branches, the steps sharing one Waktu) and in
tblEvaluasi (the No of each "Langkah" row) follow a renumbering of the steps in tblSOP when `lkj sop terapkan`
moves the step sheets: exactly the cells naming a moved step change, each listed by its place in the summary, and a
step taken away is a warning at the cell naming it, never a guess."""

from __future__ import annotations

import openpyxl

from conftest import typed_cells
from lkj_xl.workbook import layout
from test_any_sop import add_sop_row
from test_cli import lkj
from test_sop_reorder import AS_OF, _renumber, _sheet_cells, _sop_row

FLOW = {label: layout.FLOW_COLUMN + i for i, label in enumerate(layout.FLOW_HEADERS)}
EVAL = {label: i for i, label in enumerate(layout.EVALUATION_HEADERS, start=1)}
NEW_STEP = "Memeriksa kelengkapan bahan penyusunan LKj sebelum dikirim"


def _flow(ws, number: int, label: str):
    return ws.cell(layout.SOP_TABLE_HEADER_ROW + number, FLOW[label])


def _eval_row(ws, part: str, number: int) -> int:
    return next(r for r in range(layout.EVALUATION_HEADER_ROW + 1, ws.max_row + 1)
                if ws.cell(r, EVAL[layout.V_PART]).value == part and ws.cell(r, EVAL[layout.V_NO]).value in
                (number, str(number)))


def _typed_flow_and_evaluation(wb) -> None:
    """What the admin and the evaluator typed under the old numbering."""
    sop = wb[layout.SHEET_SOP]
    _flow(sop, 5, layout.A_SYMBOL).value = "keputusan"
    _flow(sop, 5, layout.A_BRANCHES).value = "Ya: 6; Tidak: 3"
    _flow(sop, 6, layout.A_GROUP).value = "6-7"
    _flow(sop, 7, layout.A_GROUP).value = "6-7"
    _flow(sop, 2, layout.A_BRANCHES).value = "Ya: 3; Tidak: ?"  # a branch to a step that keeps its number
    ev = wb[layout.SHEET_EVALUATION]
    row = _eval_row(ev, "Langkah", 5)
    ev.cell(row, EVAL[layout.V_NO]).value = "5"  # typed as text
    ev.cell(row, EVAL[layout.V_VERDICT]).value = "Tidak berjalan dengan baik"
    ev.cell(row, EVAL[layout.V_NOTE]).value = "bahan terlambat, lihat langkah 5"
    ev.cell(_eval_row(ev, "Langkah", 6), EVAL[layout.V_VERDICT]).value = "Berjalan dengan baik"
    ev.cell(_eval_row(ev, "Kriteria", 5), EVAL[layout.V_VERDICT]).value = "Ya"


def _insert_step_4(wb) -> None:
    """The admin inserts a new step 4: the rows of steps 4-8 move down one number, step 9 is the old step 8."""
    add_sop_row(wb, 9, "sementara", "JFU", "30 menit")
    _renumber(wb, {n: n + 1 for n in range(4, 9)})
    wb[layout.SHEET_SOP].cell(_sop_row(4), 2).value = NEW_STEP


def test_inserted_step_renumbers_flow_and_evaluation_cells_and_nothing_else(templates, tmp_path, capsys):
    path = templates.copy(templates.demo(), tmp_path)
    wb = openpyxl.load_workbook(path)
    _typed_flow_and_evaluation(wb)
    _insert_step_4(wb)
    wb.save(path)
    before = typed_cells(path)
    old = openpyxl.load_workbook(path)
    old_eval = {c.coordinate: c.value for row in old[layout.SHEET_EVALUATION].iter_rows() for c in row
                if c.value is not None}
    eval5, eval6 = (_eval_row(old[layout.SHEET_EVALUATION], "Langkah", n) for n in (5, 6))
    crit5 = _eval_row(old[layout.SHEET_EVALUATION], "Kriteria", 5)

    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 0, out + err
    after = typed_cells(path)
    wb = openpyxl.load_workbook(path)
    # the entries of each moved step are on its new sheet
    for new in range(5, 10):
        assert _sheet_cells(after, layout.step_sheet(new)) == _sheet_cells(before, layout.step_sheet(new - 1)), new
    # the flow table follows: old step 5 (the decision) is step 6 now, its branches renumbered; the group too
    sop = wb[layout.SHEET_SOP]
    flow = {sop.cell(r, FLOW[layout.A_STEP]).value: r for r in range(layout.SOP_TABLE_HEADER_ROW + 1, 40)
            if sop.cell(r, FLOW[layout.A_STEP]).value is not None}
    assert sorted(flow) == [1, 2, 3, 5, 6, 7, 8, 9]  # rows keep their place; the new step 4 has none typed yet
    # every step sheet has its top-block name (Langkah 9, the old Langkah 8, got one)
    assert {n: wb.defined_names[layout.step_top_name(n)].attr_text for n in range(1, 10)} == \
        {n: f"'{layout.step_sheet(n)}'!$B$3:$B$9" for n in range(1, 10)}
    assert sop.cell(flow[6], FLOW[layout.A_SYMBOL]).value == "keputusan"
    assert sop.cell(flow[6], FLOW[layout.A_BRANCHES]).value == "Ya: 7; Tidak: 3"
    assert sop.cell(flow[5], FLOW[layout.A_SYMBOL]).value is None
    assert [sop.cell(flow[n], FLOW[layout.A_GROUP]).value for n in (6, 7, 8, 9)] == [None, "7-8", "7-8", None]
    assert sop.cell(flow[2], FLOW[layout.A_BRANCHES]).value == "Ya: 3; Tidak: ?"
    # Evaluasi: the No of the rows of moved steps, typed as text stays text; nothing else typed changes
    ev = wb[layout.SHEET_EVALUATION]
    now = {c.coordinate: c.value for row in ev.iter_rows() for c in row if c.value is not None}
    no = EVAL[layout.V_NO]
    langkah_rows = [r for r in range(layout.EVALUATION_HEADER_ROW + 1, ev.max_row + 1)
                    if ev.cell(r, EVAL[layout.V_PART]).value == "Langkah"]
    changed = {f"{openpyxl.utils.get_column_letter(no)}{r}" for r in langkah_rows
               if old[layout.SHEET_EVALUATION].cell(r, no).value in (4, 5, 6, 7, 8, "5")}
    assert len(changed) == 5
    assert {k: v for k, v in now.items() if k not in changed} == {k: v for k, v in old_eval.items() if k not in changed}
    assert ev.cell(eval5, no).value == "6" and ev.cell(eval6, no).value == 7
    assert ev.cell(eval5, EVAL[layout.V_NOTE]).value == "bahan terlambat, lihat langkah 5"  # free text: as typed
    assert ev.cell(crit5, no).value == 5 and ev.cell(crit5, EVAL[layout.V_VERDICT]).value == "Ya"
    # the summary lists each renumbered cell's place
    assert f"SOP!O{_sop_row(5)} (tblAlurSOP, Cabang): \"Ya: 6; Tidak: 3\" -> \"Ya: 7; Tidak: 3\"" in out, out
    assert f"SOP!M{_sop_row(8)} (tblAlurSOP, Langkah): 8 -> 9" in out, out
    assert f"Evaluasi!C{eval5} (tblEvaluasi, No): \"5\" -> \"6\"" in out, out
    assert f"Evaluasi!C{eval6} (tblEvaluasi, No): 6 -> 7" in out, out
    assert f"Evaluasi!C{crit5}" not in out
    # and refresh reads the evaluation of old step 5 as step 6's
    code, out, _ = lkj(capsys, "refresh", path, "--as-of", AS_OF)
    assert "terapkan" not in out and "Cabang" not in out, out


def test_a_branch_to_a_step_taken_away_is_a_warning_at_its_cell(templates, tmp_path, capsys):
    path = templates.copy(templates.demo(), tmp_path)
    wb = openpyxl.load_workbook(path)
    for row in wb[layout.step_sheet(3)].iter_rows(min_row=layout.STEP_TABLE_HEADER_ROW + 1, max_col=7):
        for cell in row:
            cell.value = None  # step 3 was never worked on
    sop = wb[layout.SHEET_SOP]
    _flow(sop, 5, layout.A_SYMBOL).value = "keputusan"
    _flow(sop, 5, layout.A_BRANCHES).value = "Ya: 6; Tidak: 3"
    _flow(sop, 3, layout.A_SYMBOL).value = "proses"
    ev = wb[layout.SHEET_EVALUATION]
    row3 = _eval_row(ev, "Langkah", 3)
    ev.cell(row3, EVAL[layout.V_VERDICT]).value = "Berjalan dengan baik"
    _renumber(wb, {n: n - 1 for n in range(4, 9)})
    for column in range(1, 10):
        sop.cell(_sop_row(8), column).value = None
    wb.save(path)

    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 0, out + err
    assert (f"SOP!O{_sop_row(5)} (tblAlurSOP, Cabang langkah 5): cabang menuju langkah 3, yang dihapus" in out), out
    assert f"SOP!O{_sop_row(5)} (tblAlurSOP, Cabang): \"Ya: 6; Tidak: 3\" -> \"Ya: 5; Tidak: 3\"" in out, out
    assert f"Evaluasi!C{row3} (tblEvaluasi, No): menilai langkah 3, yang dihapus" in out, out
    wb = openpyxl.load_workbook(path)
    sop = wb[layout.SHEET_SOP]
    flow = {sop.cell(r, FLOW[layout.A_STEP]).value: r for r in range(layout.SOP_TABLE_HEADER_ROW + 1, 40)
            if sop.cell(r, FLOW[layout.A_STEP]).value is not None}
    assert sorted(flow) == list(range(1, 8))
    assert sop.cell(flow[4], FLOW[layout.A_BRANCHES]).value == "Ya: 5; Tidak: 3"  # the 3 left as it was
    assert sop.cell(flow[3], FLOW[layout.A_SYMBOL]).value is None  # old step 3's row does not go to step 3
    ev = wb[layout.SHEET_EVALUATION]
    assert ev.cell(row3, EVAL[layout.V_NO]).value == 3
    assert ev.cell(row3, EVAL[layout.V_VERDICT]).value == "Berjalan dengan baik"


def test_validation_reports_a_branch_to_a_step_that_does_not_exist(templates, tmp_path, capsys):
    path = templates.copy(templates.demo(), tmp_path)
    wb = openpyxl.load_workbook(path)
    sop = wb[layout.SHEET_SOP]
    _flow(sop, 5, layout.A_SYMBOL).value = "keputusan"
    _flow(sop, 5, layout.A_BRANCHES).value = "Ya: 6; Tidak: 11"
    _flow(sop, 6, layout.A_GROUP).value = "6-9"
    wb.save(path)
    code, out, _ = lkj(capsys, "validate", path, "--as-of", AS_OF)
    lines = out.splitlines()
    branch = next(line for line in lines if "langkah 11" in line)
    assert branch.startswith(f"[Peringatan] SOP!O{_sop_row(5)}:") and "Tidak: 11" in branch, branch
    group = next(line for line in lines if "Waktu Bersama" in line and "langkah 9" in line)
    assert group.startswith(f"[Peringatan] SOP!P{_sop_row(6)}:"), group


def test_evaluasi_rows_already_renumbered_by_the_evaluator_are_left_with_a_warning(templates, tmp_path, capsys):
    path = templates.copy(templates.demo(), tmp_path)
    wb = openpyxl.load_workbook(path)
    ev = wb[layout.SHEET_EVALUATION]
    row3, row4 = _eval_row(ev, "Langkah", 3), _eval_row(ev, "Langkah", 4)
    ev.cell(row3, EVAL[layout.V_NO]).value, ev.cell(row4, EVAL[layout.V_NO]).value = 4, 3  # follows the swap already
    ev.cell(row3, EVAL[layout.V_VERDICT]).value = "Berjalan dengan baik"
    _renumber(wb, {3: 4, 4: 3})
    wb.save(path)
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 0, out + err
    assert f"Evaluasi!C{row3} (tblEvaluasi, No): No 4 sudah sesuai uraian langkah 4 yang baru" in out, out
    assert "(tblEvaluasi, No): 3 -> 4" not in out and "(tblEvaluasi, No): 4 -> 3" not in out, out
    ev = openpyxl.load_workbook(path)[layout.SHEET_EVALUATION]
    assert (ev.cell(row3, EVAL[layout.V_NO]).value, ev.cell(row4, EVAL[layout.V_NO]).value) == (4, 3)
    assert ev.cell(row3, EVAL[layout.V_VERDICT]).value == "Berjalan dengan baik"
