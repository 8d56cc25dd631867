"""Issue 12 §1-2 on real files: the plan sees the steps without a standard (Waktu Rencana on tblSOP, else the median
of earlier cycles), and Beranda shows the cycle against the final deadline apart from the steps overdue now and the
data problems.

The observed case: steps 1-3 done, step 4 (JFU gathers the material) running since 19 January 2026, no draft, seen on
30 March 2026 10.00 (the deadline is 31 March 16.00).  Before: "Sesuai jadwal; perkiraan selesai 30 Maret 2026 15.15"
with steps 3, 4 and 5 sharing one Batas Akhir Rencana."""

from __future__ import annotations

import json
from datetime import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from lkj_xl.cli import main
from lkj_xl.workbook import layout

from conftest import cycle, edit, fill_steps

AS_OF = "2026-03-30T10:00"
STAFF = (("Drs. Bambang Sutrisno, M.Si.", "19700315 199503 1 002", "Kepala Dinas", ""),
         ("Sri Wahyuni, S.E., M.M.", "19780812 200312 2 004", "Sekretaris", ""),
         ("Dewi Lestari, S.Sos.", "19850520 201001 2 015", "Kasubag", ""),
         ("Rina Marlina, A.Md.", "19920214 201503 2 007", "JFU", ""))
OBSERVED = {
    1: cycle("05/01/2026 08:00", "05/01/2026 08:04", "Drs. Bambang Sutrisno, M.Si.", "Ya"),
    2: cycle("05/01/2026 09:00", "05/01/2026 10:45", "Sri Wahyuni, S.E., M.M.", "Ya"),
    3: cycle("06/01/2026 08:00", "19/01/2026 10:00", "Dewi Lestari, S.Sos.", "Ya"),
    4: cycle("19/01/2026 10:00", None, "Rina Marlina, A.Md."),
}
SOP_ROW = {n: layout.SOP_TABLE_HEADER_ROW + n for n in range(1, 9)}
PLAN_COLUMN = "G"  # tblSOP's Waktu Rencana
WORKING_DAY = 450  # minutes, Perpres 21/2023 (7 h 30 min a day)


def lkj(capsys, *args) -> tuple[int, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    return code, capsys.readouterr().out


def home(path: Path) -> dict[str, object]:
    ws = openpyxl.load_workbook(path)[layout.SHEET_HOME]
    return {label: ws.cell(layout.beranda_row(label), layout.BERANDA_VALUE_COLUMN).value
            for label in layout.BERANDA_FIELDS}


def latest_finish(path: Path, step: int, row: int = layout.STEP_TABLE_HEADER_ROW + 1):
    ws = openpyxl.load_workbook(path)[layout.step_sheet(step)]
    return ws.cell(row, layout.STEP_HEADERS.index(layout.C_LATEST) + 1).value


@pytest.fixture
def observed(templates, tmp_path) -> Path:
    path = templates.copy(templates.blank(staff=STAFF), tmp_path)
    fill_steps(path, OBSERVED)
    return path


def test_observed_case_without_any_plan_says_what_the_projection_leaves_out(observed, capsys):
    assert lkj(capsys, "refresh", observed, "--as-of", AS_OF)[0] == 0
    values = home(observed)
    # nothing to plan steps 4 and 5 with: the projection still gives them no time, and Beranda says so
    assert values[layout.B_OVERALL] == "Sesuai jadwal"
    assert values[layout.B_PROJECTED] == dt(2026, 3, 30, 15, 15)
    assert values[layout.B_PLAN_NOTE] == ("Langkah 4 dan 5 tidak punya standar maupun rencana waktu: perkiraan "
                                          "selesai belum memperhitungkannya.")
    code, out = lkj(capsys, "status", observed, "--json", "--as-of", AS_OF)
    state = json.loads(out)
    assert [(s["plan_source"], s["planned_minutes"]) for s in state["steps"]][2:6] == [
        ("sop", 10 * WORKING_DAY), (None, None), (None, None), ("sop", 180)]
    # and the report says the same in its verdict
    assert lkj(capsys, "report", observed, "--as-of", AS_OF)[0] == 0
    laporan = openpyxl.load_workbook(observed)[layout.SHEET_REPORT]
    texts = [c.value for row in laporan.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("Langkah 4 dan 5 tidak punya standar maupun rencana waktu: perkiraan selesai belum "
               "memperhitungkannya" in t for t in texts)


def test_observed_case_with_waktu_rencana_is_at_risk(observed, capsys):
    edit(observed, lambda wb: (wb[layout.SHEET_SOP].__setitem__(f"{PLAN_COLUMN}{SOP_ROW[4]}", "20 hari kerja"),
                               wb[layout.SHEET_SOP].__setitem__(f"{PLAN_COLUMN}{SOP_ROW[5]}", "3 minggu")))
    assert lkj(capsys, "refresh", observed, "--as-of", AS_OF)[0] == 0
    values = home(observed)
    # step 4 is far past its 20 planned days: it ends now at the earliest, step 5 then takes 15 working days
    # (31 March, 1-2 April, 6-10, 13-17, 20-21 April: Good Friday 3 April is a holiday), then 180 + 60 + 15 minutes
    assert values[layout.B_OVERALL] == "Berisiko terlambat"
    assert values[layout.B_PROJECTED] == dt(2026, 4, 21, 15, 15)
    assert values[layout.B_PLAN_NOTE] == ("Tanpa standar SOP, dihitung dengan Langkah 4: Waktu Rencana 20 hari kerja; "
                                          "Langkah 5: Waktu Rencana 3 minggu.")
    assert values[layout.B_OVERDUE] == "Tidak ada"  # a plan never makes a step late: only the SOP standard does
    # the backward plan gives steps 3, 4 and 5 their own latest finish, 15 and 20 working days apart
    finish = {n: latest_finish(observed, n) for n in (3, 4, 5, 6)}
    assert finish[6] == dt(2026, 3, 31, 14, 45) and finish[5] == dt(2026, 3, 31, 10, 45)  # 180 min, break 12-13
    # 15 working days before: 30, 27-25, 17-16, 13-9, 6-3 March (Nyepi 19, Idul Fitri with cuti bersama 18-24 March)
    assert finish[4] == dt(2026, 3, 3, 10, 45)
    assert len({finish[3], finish[4], finish[5]}) == 3 and finish[3] < finish[4] < finish[5]

    code, out = lkj(capsys, "status", observed, "--json", "--as-of", AS_OF)
    state = json.loads(out)
    assert state["at_risk"] is True and state["overall"] == "berisiko"
    assert state["projected_finish"] == "2026-04-21T15:15"
    by_step = {s["step"]: s for s in state["steps"]}
    assert (by_step[4]["plan_source"], by_step[4]["planned_minutes"]) == ("rencana", 20 * WORKING_DAY)
    assert (by_step[5]["plan_source"], by_step[5]["planned_minutes"]) == ("rencana", 15 * WORKING_DAY)
    assert by_step[4]["status"] == "berjalan" and by_step[4]["due"] is None
    assert state["problem_counts"] == {"errors": 0, "warnings": 0}


def test_a_running_step_within_its_plan_is_projected_at_its_planned_finish(observed, capsys):
    edit(observed, lambda wb: wb[layout.SHEET_SOP].__setitem__(f"{PLAN_COLUMN}{SOP_ROW[4]}", "20 hari kerja"))
    code, out = lkj(capsys, "status", observed, "--json", "--as-of", "2026-01-26T10:00")
    state = json.loads(out)
    # 19 January 10.00 + 20 working days = 18 February 10.00 (Imlek 17 February and its cuti bersama 16 February
    # are holidays); step 5 unplanned; then 6, 7, 8: 180 + 60 + 15 minutes
    assert state["projected_finish"] == "2026-02-18T15:15"
    assert state["overall"] == "sesuai_jadwal"


def test_bad_waktu_rencana_is_a_located_error(observed, capsys):
    edit(observed, lambda wb: wb[layout.SHEET_SOP].__setitem__(f"{PLAN_COLUMN}{SOP_ROW[4]}", "segera"))
    code, out = lkj(capsys, "status", observed, "--json", "--as-of", AS_OF)
    assert code == 1
    state = json.loads(out)
    problem = next(p for p in state["problems"] if p["code"] == "waktu_rencana_tidak_dikenali")
    assert (problem["sheet"], problem["cell"], problem["severity"]) == ("SOP", f"G{SOP_ROW[4]}", "error")
    assert "Waktu Rencana" in problem["message"] and "\"segera\"" in problem["message"]
    assert state["problem_counts"]["errors"] == 1
    assert state["steps"][3]["plan_source"] is None


# --- history: the median of earlier cycles -------------------------------------------------------------------------

#: step 4 and 5 of three earlier cycles: (Diterima, Selesai); working days 4: 10, 11, 9; 5: 4, 6 (holidays counted
#: out: Isra Mikraj, Imlek with its cuti bersama and the election day in February 2024)
HISTORY = {
    2022: {4: ("02/02/2023 08:00", "16/02/2023 08:00"), 5: ("16/02/2023 08:00", "22/02/2023 08:00")},
    2023: {4: ("01/02/2024 08:00", "21/02/2024 08:00"), 5: ("21/02/2024 08:00", "29/02/2024 08:00")},
    2024: {4: ("03/02/2025 08:00", "14/02/2025 08:00")},
}


@pytest.fixture
def with_history(observed) -> Path:
    def add(wb):
        for offset, (year, steps) in enumerate(sorted(HISTORY.items()), start=1):
            row = layout.STEP_TABLE_HEADER_ROW + 1 + offset  # right below the table: it grows over them
            for step, (received, completed) in steps.items():
                fill_steps(wb, {step: cycle(received, completed, year=year)}, row)
    edit(observed, add)
    return observed


def test_blank_plan_uses_the_median_of_earlier_cycles(with_history, capsys):
    code, out = lkj(capsys, "status", with_history, "--json", "--as-of", AS_OF)
    state = json.loads(out)
    by_step = {s["step"]: s for s in state["steps"]}
    # step 4: 10, 11 and 9 working days -> median 10 days; step 5: 4 and 6 days -> 5 days
    assert (by_step[4]["plan_source"], by_step[5]["plan_source"]) == ("riwayat", "riwayat")
    assert by_step[4]["planned_minutes"] == 10 * WORKING_DAY
    assert by_step[5]["planned_minutes"] == 5 * WORKING_DAY
    assert state["overall"] == "berisiko"  # step 5's five days from now pass 31 March
    assert lkj(capsys, "refresh", with_history, "--as-of", AS_OF)[0] == 0
    note = home(with_history)[layout.B_PLAN_NOTE]
    assert note == ("Tanpa standar SOP, dihitung dengan Langkah 4: 10 hari kerja (median siklus sebelumnya); "
                    "Langkah 5: 5 hari kerja (median siklus sebelumnya).")  # one duration style (75 h, 37 h 30)
    # an earlier cycle is planned from the cycles before it only: 2023 from 2022 (10 days), 2022 from nothing
    state = json.loads(lkj(capsys, "status", with_history, "--json", "--year", 2023, "--as-of", AS_OF)[1])
    assert (state["steps"][3]["plan_source"], state["steps"][3]["planned_minutes"]) == ("riwayat", 10 * WORKING_DAY)
    assert (state["steps"][4]["plan_source"], state["steps"][4]["planned_minutes"]) == ("riwayat", 4 * WORKING_DAY)
    state = json.loads(lkj(capsys, "status", with_history, "--json", "--year", 2022, "--as-of", AS_OF)[1])
    assert state["steps"][3]["plan_source"] is None


def test_waktu_rencana_wins_over_history_and_the_sop_standard_over_both(with_history, capsys):
    edit(with_history, lambda wb: (wb[layout.SHEET_SOP].__setitem__(f"{PLAN_COLUMN}{SOP_ROW[4]}", "2 hari"),
                                   wb[layout.SHEET_SOP].__setitem__(f"{PLAN_COLUMN}{SOP_ROW[3]}", "1 hari")))
    code, out = lkj(capsys, "status", with_history, "--json", "--as-of", AS_OF)
    state = json.loads(out)
    by_step = {s["step"]: s for s in state["steps"]}
    assert (by_step[3]["plan_source"], by_step[3]["planned_minutes"]) == ("sop", 10 * WORKING_DAY)
    # a Waktu Rencana beside a standard is not used, and the admin is told so at the cell
    assert [(p["sheet"], p["cell"], p["severity"], p["code"]) for p in state["problems"]] == [
        ("SOP", f"G{SOP_ROW[3]}", "warning", "waktu_rencana_diabaikan")]
    assert "\"2 minggu\"" in state["problems"][0]["message"] and "\"1 hari\"" in state["problems"][0]["message"]
    assert (by_step[4]["plan_source"], by_step[4]["planned_minutes"]) == ("rencana", 2 * WORKING_DAY)
    assert by_step[5]["plan_source"] == "riwayat"


# --- Beranda: the cycle, the overdue steps and the problems apart ----------------------------------------------------


def test_an_overdue_step_is_not_the_cycle_late(observed, capsys):
    # steps 4 and 5 done, step 6 (180 menit) received 9 March 08.00, due 11.00: at 10 March 10.00 it is
    # 11.00-12.00 + 13.00-16.00 + 07.30-10.00 = 6 h 30 min late, with the final deadline three weeks away
    fill_steps(observed, {4: cycle("19/01/2026 10:00", "20/02/2026 15:00", "Rina Marlina, A.Md.", "Ya"),
                          5: cycle("23/02/2026 08:00", "06/03/2026 15:00", "Dewi Lestari, S.Sos.", "Ya"),
                          6: cycle("09/03/2026 08:00", None, "Sri Wahyuni, S.E., M.M.")})
    assert lkj(capsys, "refresh", observed, "--as-of", "2026-03-10T10:00")[0] == 0
    values = home(observed)
    assert values[layout.B_OVERALL] == "Sesuai jadwal"
    assert values[layout.B_OVERDUE] == "Langkah 6 (Sekretaris), lewat 6 jam 30 menit kerja dari batas waktunya"
    assert values[layout.B_PROBLEMS] == "Tidak ada masalah"
    assert values[layout.B_PLAN_NOTE] == "Semua langkah yang belum selesai punya standar waktu SOP."
    # the deadline passed undelivered: Terlambat
    assert lkj(capsys, "refresh", observed, "--as-of", "2026-04-01T08:00")[0] == 0
    assert home(observed)[layout.B_OVERALL] == "Terlambat"


def test_problem_count_row_links_to_masalah(observed, capsys):
    fill_steps(observed, {5: cycle("kemarin sore")})  # an unreadable date: one error
    assert lkj(capsys, "refresh", observed, "--as-of", AS_OF)[0] == 1
    wb = openpyxl.load_workbook(observed)
    ws = wb[layout.SHEET_HOME]
    row = layout.beranda_row(layout.B_PROBLEMS)
    assert ws.cell(row, 2).value == "1 kesalahan, 0 peringatan (lihat lembar Masalah)"
    link = ws.cell(row, layout.BERANDA_LINK_COLUMN)
    assert link.value == "Buka lembar Masalah" and link.hyperlink.location == "'Masalah'!A1"
    assert wb[layout.SHEET_PROBLEMS]["A2"].value == "Langkah 5"


def test_after_delivery_the_projection_gives_way_to_the_delivery_time(observed, capsys):
    fill_steps(observed, {4: cycle("19/01/2026 10:00", "20/02/2026 15:00", "Rina Marlina, A.Md.", "Ya"),
                          5: cycle("23/02/2026 08:00", "06/03/2026 15:00", "Dewi Lestari, S.Sos.", "Ya"),
                          6: cycle("09/03/2026 08:00", "09/03/2026 10:00", "Sri Wahyuni, S.E., M.M.", "Ya"),
                          7: cycle("09/03/2026 13:00", "09/03/2026 13:30", "Drs. Bambang Sutrisno, M.Si.", "Ya"),
                          8: cycle("10/03/2026 08:00", "10/03/2026 08:10", "Rina Marlina, A.Md.", "Ya")})
    assert lkj(capsys, "refresh", observed, "--as-of", "2026-03-12T09:00")[0] == 0
    ws = openpyxl.load_workbook(observed)[layout.SHEET_HOME]
    row = layout.beranda_row(layout.B_PROJECTED)
    assert (ws.cell(row, 1).value, ws.cell(row, 2).value) == ("Terkirim pada", dt(2026, 3, 10, 8, 10))
    assert ws.cell(row, 2).number_format == layout.DATETIME_FORMAT
    assert home(observed)[layout.B_OVERALL] == "Terkirim"
    # a later edit that reopens the cycle brings the projection's label back
    fill_steps(observed, {8: cycle("10/03/2026 08:00", None, "Rina Marlina, A.Md.", "Ya")})
    edit(observed, lambda wb: wb[layout.step_sheet(8)].__setitem__("C13", None))
    assert lkj(capsys, "refresh", observed, "--as-of", "2026-03-12T09:00")[0] == 0
    ws = openpyxl.load_workbook(observed)[layout.SHEET_HOME]
    assert ws.cell(row, 1).value == "Perkiraan selesai"


# --- a tracker of layout 2: read with one warning, refreshed by label, upgraded ----------------------------------------


def _as_layout_2(wb) -> None:
    """What layout 2 lacked: tblSOP without Waktu Rencana (roles in J), Beranda's nine rows (no plan note, overdue
    steps or problem count; "Status keseluruhan"), version 2 on Pengaturan."""
    sop = wb[layout.SHEET_SOP]
    sop.delete_cols(7)
    table = sop.tables[layout.SOP_TABLE_NAME]
    table.ref = "A19:H27"
    table.tableColumns = [c for c in table.tableColumns if c.name != layout.S_WAKTU_RENCANA]
    for i, column in enumerate(table.tableColumns, start=1):
        column.id = i
    sop.data_validations.dataValidation = [dv for dv in sop.data_validations.dataValidation
                                           if "G" not in str(dv.sqref)]
    wb.defined_names[layout.ROLES_NAME].attr_text = "'SOP'!$J$4:$J$33"
    home_ws = wb[layout.SHEET_HOME]
    home_ws["C14"].hyperlink = None
    home_ws["C14"] = None
    merged = [str(r) for r in home_ws.merged_cells.ranges]
    for ref in merged:
        home_ws.unmerge_cells(ref)
    home_ws.delete_rows(12, 3)
    for row in range(15, 23):
        home_ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    home_ws["A10"] = "Status keseluruhan"
    wb[layout.SHEET_SETTINGS].cell(layout.settings_row(layout.P_VERSION), 2).value = 2
    wb[layout.SHEET_SOP]["F22"] = "3 minggu"  # typed by the admin: must survive the upgrade


@pytest.fixture
def layout_2(observed) -> Path:
    edit(observed, _as_layout_2)
    ws = openpyxl.load_workbook(observed)[layout.SHEET_HOME]
    assert (ws["A12"].value, ws["A14"].value, ws["A24"].value) == ("Diperbarui pada", "Cara memakai", "Pengingat")
    return observed


def test_layout_2_reads_with_one_warning_and_refreshes_by_label(layout_2, capsys):
    code, out = lkj(capsys, "status", layout_2, "--json", "--as-of", AS_OF)
    state = json.loads(out)
    outdated = [p for p in state["problems"] if p["code"] == "tata_letak_lama"]
    assert len(outdated) == 1 and len(state["problems"]) == 1
    assert "Waktu Rencana" in outdated[0]["message"] and "lkj upgrade" in outdated[0]["message"]
    assert state["steps"][3]["plan_source"] is None and state["steps"][2]["planned_minutes"] == 15 * WORKING_DAY

    assert lkj(capsys, "refresh", layout_2, "--as-of", AS_OF)[0] == 0
    ws = openpyxl.load_workbook(layout_2)[layout.SHEET_HOME]
    # the old rows, found by their labels: status (old label), projection, last update; nothing below them
    assert (ws["A10"].value, ws["B10"].value) == ("Status keseluruhan", "Sesuai jadwal")
    assert (ws["A11"].value, ws["B11"].value) == ("Perkiraan selesai", dt(2026, 3, 30, 15, 15))
    assert ws["B12"].value == dt(2026, 3, 30, 10, 0)
    assert ws["B13"].value is None and ws["A14"].value == "Cara memakai" and ws["B14"].value is None
    # the reminders block stays where layout 2 has it
    assert ws["A24"].value == "Pengingat" and ws["A25"].value == layout.REMINDER_HEADERS[0]
    assert ws["A26"].value.startswith("Langkah 5")  # next to start
    assert ws.cell(layout.REMINDERS_TITLE_ROW, 1).value != "Pengingat"


def test_upgrade_adds_waktu_rencana_and_the_beranda_rows(layout_2, tmp_path, capsys):
    new = tmp_path / "baru.xlsx"
    assert lkj(capsys, "upgrade", layout_2, new)[0] == 0
    wb = openpyxl.load_workbook(new)
    sop = wb[layout.SHEET_SOP]
    assert [sop.cell(19, c).value for c in range(1, 10)] == list(layout.SOP_HEADERS)
    assert sop.tables[layout.SOP_TABLE_NAME].ref == "A19:I27"
    assert sop["F22"].value == "3 minggu" and sop["G23"].value is None
    assert [sop.cell(r, 11).value for r in (3, 4)] == ["Jabatan Pelaksana", "Kepala Dinas"]
    home_ws = wb[layout.SHEET_HOME]
    assert [home_ws.cell(r, 1).value for r in range(10, 16)] == list(layout.BERANDA_FIELDS[6:])
    code, out = lkj(capsys, "status", new, "--json", "--as-of", AS_OF)
    assert code == 0 and json.loads(out)["problem_counts"] == {"errors": 0, "warnings": 0}
    # the upgraded tracker takes a Waktu Rencana
    edit(new, lambda wb: wb[layout.SHEET_SOP].__setitem__(f"{PLAN_COLUMN}{SOP_ROW[4]}", "20 hari kerja"))
    state = json.loads(lkj(capsys, "status", new, "--json", "--as-of", AS_OF)[1])
    assert state["steps"][3]["plan_source"] == "rencana"


# --- the demo shows both ways ---------------------------------------------------------------------------------------


def test_demo_plans_step_4_by_waktu_rencana_and_step_5_by_history(demo_reported, capsys):
    wb = openpyxl.load_workbook(demo_reported)
    assert wb[layout.SHEET_SOP][f"{PLAN_COLUMN}{SOP_ROW[4]}"].value == "10 hari kerja"
    assert wb[layout.SHEET_SOP][f"{PLAN_COLUMN}{SOP_ROW[5]}"].value is None
    for step in range(1, 9):
        ws = wb[layout.step_sheet(step)]
        assert [ws.cell(r, 1).value for r in range(13, 16)] == [2023, 2024, 2025]
        last = openpyxl.utils.get_column_letter(len(layout.STEP_HEADERS))
        assert ws.tables[layout.step_table(step)].ref == f"A12:{last}15"
    # step 5 took 45 h (2023) and 43 h 30 min (2024): Waktu Aktual shows them, the plan takes the median
    ws = wb[layout.step_sheet(5)]
    assert [ws.cell(r, layout.STEP_HEADERS.index(layout.C_ACTUAL) + 1).value for r in (13, 14)] == [45, 43.5]
    state = json.loads(lkj(capsys, "status", demo_reported, "--json", "--as-of", "2026-02-23T10:00")[1])
    by_step = {s["step"]: s for s in state["steps"]}
    assert (by_step[4]["plan_source"], by_step[4]["planned_minutes"]) == ("rencana", 10 * WORKING_DAY)
    assert (by_step[5]["plan_source"], by_step[5]["planned_minutes"]) == ("riwayat", 44 * 60 + 15)
    assert state["problem_counts"] == {"errors": 0, "warnings": 0}


def test_demo_summary_names_the_plans(tmp_path, capsys):
    code, out = lkj(capsys, "demo", tmp_path)
    assert code == 0
    # durations in the one style: a working day or more in days and hours (75 h, 44 h 15 min)
    assert "Langkah 4 (JFU): Selesai, rencana 10 hari kerja (Waktu Rencana)" in out
    assert "Langkah 5 (Kasubag): Selesai, rencana 5 hari kerja 6 jam 45 menit (median siklus sebelumnya)" in out
