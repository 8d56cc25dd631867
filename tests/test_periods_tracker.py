"""Trackers whose SOP is not yearly, and time zones, end to end on real files: built with the builder's period
kind, typed in with openpyxl as a person would, run through the `lkj` command, reopened and checked cell by cell."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from lkj_xl.cli import main
from lkj_xl.workbook import layout

from conftest import ROW, cycle as yearly_cycle, edit, fill_steps, header_columns

dt = datetime


def cycle(*values, year=None) -> dict:
    """One step's entry row of a non-yearly tracker: the key column is "Periode"."""
    row = yearly_cycle(*values)
    if year is not None:
        row[layout.F_PERIOD] = year
    return row


def lkj(capsys, *args: object) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _staff():
    from lkj_xl.authoring.demo import DEMO_STAFF

    return DEMO_STAFF


@pytest.fixture
def semester(templates, tmp_path) -> Path:
    """A half-yearly tracker, due "31 Juli" after each half, in WITA: 2025-S1's first steps typed in."""
    def make(folder: Path) -> Path:
        path = folder / "Semester.xlsx"
        from lkj_xl.authoring.builder import build_tracker

        build_tracker(path, year=2025, agency="Dinas X Kota Balikpapan", staff=_staff(), period_kind="semesteran",
                      deadline_rule="31 Juli", timezone="WITA")
        fill_steps(path, {
            1: cycle(dt(2025, 7, 1, 8, 0), dt(2025, 7, 1, 8, 4)),
            2: cycle(dt(2025, 7, 1, 9, 0), dt(2025, 7, 1, 10, 30), year="2025-S1"),
            3: cycle(dt(2025, 7, 2, 8, 0), year="2025-S1"),
        })
        return path
    return templates.copy(templates.made("semester", make), tmp_path)


def test_builder_writes_the_period_rows_and_the_periode_key_column(semester):
    wb = openpyxl.load_workbook(semester)
    ws = wb[layout.SHEET_SETTINGS]
    rows = {ws.cell(r, 1).value: r for r in range(1, 40) if ws.cell(r, 1).value}
    assert ws.cell(rows["Periode siklus"], 2).value == "semesteran"
    assert ws.cell(rows["Aturan batas akhir"], 2).value == "31 Juli berikutnya"
    assert ws.cell(rows["Zona waktu"], 2).value == "WITA"
    assert "Keputusan Presiden No. 41 Tahun 1987" in ws.cell(rows["Zona waktu"], 3).value
    assert ws.cell(rows["Versi tata letak"], 2).value == 3
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert lists[f"B{rows['Periode siklus']}"] == '"tahunan,semesteran,triwulanan,bulanan,per kegiatan"'
    assert lists[f"B{rows['Zona waktu']}"] == '"WIB,WITA,WIT"'
    step = wb[layout.step_sheet(1)]
    columns = header_columns(step)
    assert list(columns)[:3] == ["Periode", "Diterima", "Selesai"]
    key = step.cell(ROW, columns["Periode"])
    assert (key.value, key.number_format) == ("2025-S1", "@")  # text: "2025-03" must not become a date


def test_status_json_of_a_half_yearly_tracker(semester, capsys):
    code, out, err = lkj(capsys, "status", semester, "--json", "--as-of", "2025-07-02T10:00")
    assert code == 0, out + err
    state = json.loads(out)
    assert (state["year"], state["period"], state["period_kind"], state["timezone"]) == \
        (None, "2025-S1", "semesteran", "WITA")
    assert state["deadline"] == "2025-07-31T16:00"  # 31 July 2025 is a Thursday
    assert [s["status"] for s in state["steps"][:4]] == ["selesai_tepat_waktu", "selesai_tepat_waktu", "berjalan",
                                                         "belum_mulai"]
    assert state["steps"][2]["due"] == "2025-07-16T08:00"  # step 3: 2 minggu = 10 working days
    # --periode picks the same cycle; a period without rows is scheduled empty with its own deadline
    code, out, _ = lkj(capsys, "status", semester, "--json", "--as-of", "2026-01-05T10:00", "--periode", "2025-s2")
    state = json.loads(out)
    assert state["period"] == "2025-S2" and state["deadline"] == "2026-07-31T16:30"  # a Friday
    assert {s["status"] for s in state["steps"]} == {"belum_mulai"}


def test_the_wrong_cycle_option_is_a_clear_message(semester, blank_tracker, capsys):
    code, out, err = lkj(capsys, "status", semester, "--year", "2025")
    assert code == 2
    assert "berperiode semesteran" in err and "--periode" in err and "2025-S1" in err
    code, out, err = lkj(capsys, "validate", blank_tracker, "--periode", "2025-S1")
    assert code == 2
    assert "tahunan" in err and "--year 2025" in err and "bukan --periode" in err
    code, out, err = lkj(capsys, "status", semester, "--periode", "2025-S3")
    assert code == 2 and "Periode \"2025-S3\" tidak terbaca untuk siklus semesteran" in err


def test_as_of_with_an_offset_is_read_on_the_trackers_clock(semester, capsys):
    # 10.00 WIB is 11.00 WITA
    code, out, _ = lkj(capsys, "status", semester, "--json", "--as-of", "2025-07-02T10:00+07:00")
    assert json.loads(out)["as_of"] == "2025-07-02T11:00"
    code, out, _ = lkj(capsys, "status", semester, "--as-of", "2025-07-02T10:00")
    assert "Periode 2025-S1 (semesteran)" in out and "2 Juli 2025 10.00 WITA" in out


def test_refresh_writes_the_period_rows_and_beranda(semester, capsys):
    code, out, err = lkj(capsys, "refresh", semester, "--as-of", "2025-07-02T10:00")
    assert code == 0, out + err
    wb = openpyxl.load_workbook(semester)
    step3 = wb[layout.step_sheet(3)]
    columns = header_columns(step3)
    assert step3.cell(ROW, columns["Periode"]).value == "2025-S1"  # typed, untouched
    assert step3.cell(ROW, columns[layout.C_DUE]).value == dt(2025, 7, 16, 8, 0)
    assert step3.cell(ROW, columns[layout.C_STATUS]).value == "Berjalan"
    assert step3.cell(ROW, columns[layout.C_LATEST]).value is not None  # backward plan from 31 July
    home = wb[layout.SHEET_HOME]
    assert home.cell(layout.beranda_row(layout.B_YEAR), 2).value == "2025-S1"
    assert home.cell(layout.beranda_row(layout.B_DEADLINE), 2).value == dt(2025, 7, 31, 16, 0)
    assert home.cell(layout.beranda_row(layout.B_UPDATED), 2).value == dt(2025, 7, 2, 10, 0)


def test_a_second_period_typed_below_the_table_is_its_own_cycle(semester, capsys):
    fill_steps(semester, {1: cycle(dt(2026, 1, 5, 8, 0), year="2025-S2")}, row=ROW + 1)
    code, out, err = lkj(capsys, "refresh", semester, "--as-of", "2026-01-05T10:00")
    assert code == 0, out + err
    wb = openpyxl.load_workbook(semester)
    step1 = wb[layout.step_sheet(1)]
    columns = header_columns(step1)
    assert step1.cell(ROW, columns[layout.C_STATUS]).value == "Selesai tepat waktu"
    assert step1.cell(ROW + 1, columns[layout.C_STATUS]).value == "Terlambat"  # 5 menit from 08.00
    # the default cycle is the latest period with an entry
    assert wb[layout.SHEET_HOME].cell(layout.beranda_row(layout.B_YEAR), 2).value == "2025-S2"


def test_no_deadline_rule(semester, capsys):
    def change(wb):
        ws = wb[layout.SHEET_SETTINGS]
        row = next(r for r in range(1, 40) if ws.cell(r, 1).value == layout.P_DEADLINE_RULE)
        ws.cell(row, 2).value = "tidak ada"
    edit(semester, change)
    code, out, err = lkj(capsys, "report", semester, "--as-of", "2025-07-02T10:00")
    assert code == 0, out + err
    wb = openpyxl.load_workbook(semester)
    assert wb[layout.SHEET_HOME].cell(layout.beranda_row(layout.B_DEADLINE), 2).value == "Tidak ada batas akhir"
    step3 = wb[layout.step_sheet(3)]
    assert step3.cell(ROW, header_columns(step3)[layout.C_LATEST]).value is None
    # the report runs too, and says the cycle has no final deadline instead of measuring against one
    report_text = " ".join(str(c.value) for row in wb[layout.SHEET_REPORT].iter_rows() for c in row if c.value)
    assert "tidak punya batas akhir penyampaian" in report_text
    assert "sebelum batas akhir" not in report_text and "setelah batas akhir" not in report_text
    report = [c.value for row in wb[layout.SHEET_REPORT].iter_rows(max_row=8) for c in row if c.value]
    assert "Batas akhir penyampaian: tidak ditetapkan" in report
    assert any("Periode 2025-S1" in str(v) for v in report)
    code, out, _ = lkj(capsys, "status", semester, "--json", "--as-of", "2025-07-02T10:00")
    state = json.loads(out)
    assert state["deadline"] is None and state["at_risk"] is False and state["overall"] == "sesuai_jadwal"


@pytest.mark.parametrize("label, typed, message", [
    (layout.P_DEADLINE_RULE, "akhir bulan", "Aturan batas akhir \"akhir bulan\" tidak dikenali"),
    (layout.P_PERIOD_KIND, "mingguan", "Periode siklus \"mingguan\" tidak dikenali"),
    (layout.P_TIMEZONE, "WITB", "Zona waktu \"WITB\" tidak dikenali; pilih WIB, WITA atau WIT"),
])
def test_unreadable_cycle_settings_are_located_errors(blank_tracker, capsys, label, typed, message):
    rows = {}

    def change(wb):
        ws = wb[layout.SHEET_SETTINGS]
        rows["row"] = next(r for r in range(1, 40) if ws.cell(r, 1).value == label)
        ws.cell(rows["row"], 2).value = typed
    edit(blank_tracker, change)
    code, out, _ = lkj(capsys, "validate", blank_tracker, "--as-of", "2026-01-05T10:00")
    assert code == 1
    line = next(line for line in out.splitlines() if message in line)
    assert line.startswith(f"[Kesalahan] Pengaturan!B{rows['row']}: ")


def test_a_layout_2_tracker_reads_as_yearly_wib_with_one_upgrade_warning(blank_tracker, capsys):
    def older(wb):
        ws = wb[layout.SHEET_SETTINGS]
        for r in range(1, 40):
            if ws.cell(r, 1).value in layout.CYCLE_LABELS:
                for c in (1, 2, 3):
                    ws.cell(r, c).value = None
            if ws.cell(r, 1).value == layout.P_VERSION:
                ws.cell(r, 2).value = 2
    edit(blank_tracker, older)
    code, out, _ = lkj(capsys, "status", blank_tracker, "--json", "--as-of", "2026-01-05T10:00")
    state = json.loads(out)
    assert (state["year"], state["period"], state["timezone"]) == (2025, "2025", "WIB")
    assert state["deadline"] == "2026-03-31T16:00"
    warnings = [p for p in state["problems"] if p["code"] == "tata_letak_lama"]
    assert len(warnings) == 1
    assert "Periode siklus" in warnings[0]["message"] and "lkj upgrade" in warnings[0]["message"]


def test_per_kegiatan_counts_working_days_from_the_first_diterima(templates, tmp_path, capsys):
    from lkj_xl.authoring.builder import build_tracker

    path = build_tracker(tmp_path / "Audit.xlsx", year=2026, agency="Inspektorat", staff=_staff(),
                         period_kind="per kegiatan", deadline_rule="20 hari kerja")
    wb = openpyxl.load_workbook(path)
    assert wb[layout.step_sheet(1)].cell(ROW, 1).value is None  # the activity is named when it starts
    fill_steps(path, {1: cycle(dt(2026, 1, 5, 8, 0), dt(2026, 1, 5, 8, 3), year="Audit Dinas Pendidikan"),
                      2: cycle(dt(2026, 1, 5, 9, 0), year="Audit Dinas Pendidikan")})
    code, out, err = lkj(capsys, "status", path, "--json", "--as-of", "2026-01-05T10:00")
    assert code == 0, out + err
    state = json.loads(out)
    assert state["period"] == "Audit Dinas Pendidikan" and state["period_kind"] == "per kegiatan"
    # 20 working days after Monday 5 January 2026 (16 January: Isra Mikraj): Tuesday 3 February
    assert state["deadline"] == "2026-02-03T16:00"


def _as_layout_2(wb) -> None:
    """What a tracker of layout 2 has on Pengaturan: no cycle rows, version 2."""
    ws = wb[layout.SHEET_SETTINGS]
    for r in range(1, 40):
        if ws.cell(r, 1).value in layout.CYCLE_LABELS:
            for c in (1, 2, 3):
                ws.cell(r, c).value = None
        if ws.cell(r, 1).value == layout.P_VERSION:
            ws.cell(r, 2).value = 2


def test_upgrade_adds_the_cycle_rows_to_a_layout_2_tracker(demo_tracker, tmp_path, capsys):
    edit(demo_tracker, _as_layout_2)
    new = tmp_path / "baru.xlsx"
    code, out, err = lkj(capsys, "upgrade", demo_tracker, new)
    assert code == 0, out + err
    ws = openpyxl.load_workbook(new)[layout.SHEET_SETTINGS]
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, 40)}
    assert (values["Periode siklus"], values["Aturan batas akhir"], values["Zona waktu"]) == \
        ("tahunan", "31 Maret berikutnya", "WIB")
    assert values["Versi tata letak"] == 3
    code, out, _ = lkj(capsys, "status", new, "--json", "--as-of", "2026-02-23T10:00")
    state = json.loads(out)
    assert not [p for p in state["problems"] if p["code"] == "tata_letak_lama"]
    assert state["deadline"] == "2026-03-31T16:00" and state["year"] == 2025


def test_upgrade_keeps_a_half_yearly_trackers_periods_and_settings(semester, tmp_path, capsys):
    new = tmp_path / "baru.xlsx"
    code, out, err = lkj(capsys, "upgrade", semester, new)
    assert code == 0, out + err
    assert "2025-S1" in out
    wb = openpyxl.load_workbook(new)
    step2 = wb[layout.step_sheet(2)]
    columns = header_columns(step2)
    assert list(columns)[:2] == ["Periode", "Diterima"] and "Tahun" not in columns
    assert step2.cell(ROW, columns["Periode"]).value == "2025-S1"
    assert step2.cell(ROW, columns["Diterima"]).value == dt(2025, 7, 1, 9, 0)
    code, out, _ = lkj(capsys, "status", new, "--json", "--as-of", "2025-07-02T10:00")
    state = json.loads(out)
    assert (state["period"], state["timezone"], state["deadline"]) == ("2025-S1", "WITA", "2025-07-31T16:00")


def test_rekap_lists_yearly_and_half_yearly_trackers_side_by_side(semester, demo_tracker, tmp_path, capsys):
    import shutil

    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(semester, folder / "Semester.xlsx")
    shutil.copy(demo_tracker, folder / "Tahunan.xlsx")
    fill_steps(folder / "Semester.xlsx", {1: cycle(dt(2026, 1, 5, 8, 0), year="2025-S2")}, row=ROW + 1)
    code, out, err = lkj(capsys, "rekap", folder, "--json", "--out", tmp_path / "Rekap.xlsx",
                         "--as-of", "2026-01-05T10:00+07:00")
    assert code == 0, out + err
    state = json.loads(out)
    rows = {(r["file"], r["period"]): r for r in state["trackers"]}
    assert set(rows) == {("Semester.xlsx", "2025-S1"), ("Semester.xlsx", "2025-S2"), ("Tahunan.xlsx", 2025)}
    assert rows[("Semester.xlsx", "2025-S2")]["deadline"] == "2026-07-31T16:30"
    assert rows[("Semester.xlsx", "2025-S2")]["timezone"] == "WITA"
    assert rows[("Tahunan.xlsx", 2025)]["timezone"] == "WIB"
    assert state["as_of"] == "2026-01-05T10:00"  # the recap's own clock: WIB
    sheet = openpyxl.load_workbook(tmp_path / "Rekap.xlsx")["Rekap"]
    periods = {c.value for row in sheet.iter_rows() for c in row if c.value in ("2025-S1", "2025-S2", 2025)}
    assert periods == {"2025-S1", "2025-S2", 2025}
    # --year keeps that year's periods of a non-yearly SOP
    code, out, _ = lkj(capsys, "rekap", folder, "--json", "--year", "2025", "--as-of", "2026-01-05T10:00")
    assert {(r["file"], r["period"]) for r in json.loads(out)["trackers"]} == set(rows)


def test_reminders_calendar_and_page_follow_the_trackers_zone(semester, tmp_path, capsys):
    ics, html = tmp_path / "p.ics", tmp_path / "p.html"
    code, out, err = lkj(capsys, "pengingat", semester, "--json", "--ics", ics, "--html", html,
                         "--as-of", "2025-07-15T14:00")
    state = json.loads(out)
    assert state["timezone"] == "Asia/Makassar" and state["as_of"] == "2025-07-15T14:00"
    assert (state["year"], state["period"]) == (None, "2025-S1")
    [running] = [r for r in state["reminders"] if r["step"] == 3]
    assert running["due"] == "2025-07-16T08:00"
    calendar = ics.read_text(encoding="utf-8")
    assert "X-WR-TIMEZONE:Asia/Makassar" in calendar and "TZID:Asia/Makassar" in calendar
    assert "DTSTART;TZID=Asia/Makassar:20250716T080000" in calendar
    assert "Asia/Jakarta" not in calendar
    assert "keadaan per 15 Juli 2025 14.00 WITA" in html.read_text(encoding="utf-8")
    lkj(capsys, "refresh", semester, "--as-of", "2025-07-15T14:00")
    home = openpyxl.load_workbook(semester)[layout.SHEET_HOME]
    texts = [c.value for row in home.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("Keadaan per 15 Juli 2025 14.00 WITA.") for t in texts)


def test_a_time_typed_with_another_zone_is_read_on_the_trackers_clock(semester, capsys):
    fill_steps(semester, {3: {layout.F_RECEIVED: "02/07/2025 08.00 WIB"}})  # 09.00 WITA
    code, out, _ = lkj(capsys, "status", semester, "--json", "--as-of", "2025-07-02T10:00")
    step3 = json.loads(out)["steps"][2]
    assert step3["received"] == "2025-07-02T09:00" and step3["due"] == "2025-07-16T09:00"


def test_lkj_new_builds_a_quarterly_tracker_in_wita(tmp_path, capsys):
    path = tmp_path / "Monitoring.xlsx"
    code, out, err = lkj(capsys, "new", path, "--year", "2026", "--siklus", "triwulanan", "--aturan-batas",
                         "10 hari kerja", "--zona-waktu", "WITA")
    assert code == 0, out + err
    code, out, _ = lkj(capsys, "status", path, "--json", "--as-of", "2026-04-02T10:00")
    state = json.loads(out)
    # 2026-TW1 ends 31 March; 10 working days after it (3 April: Good Friday) is Wednesday 15 April
    assert (state["period"], state["timezone"], state["deadline"]) == ("2026-TW1", "WITA", "2026-04-15T16:00")
    code, out, err = lkj(capsys, "new", tmp_path / "Audit.xlsx", "--year", "2026", "--siklus", "per kegiatan",
                         "--aturan-batas", "31 Maret")
    assert code == 2 and "periode per kegiatan tidak punya akhir periode" in err
    assert not (tmp_path / "Audit.xlsx").exists()


def _machine_zone(monkeypatch, tz: str) -> None:
    """This computer's clock runs in ``tz``: a backup's name carries its (naive) time."""
    import time

    monkeypatch.setenv("TZ", tz)
    time.tzset()


def _backup_names(tracker: Path, stamps: list[str]) -> list[Path]:
    folder = tracker.parent / "Cadangan LKj"
    folder.mkdir(exist_ok=True)
    made = []
    for stamp in stamps:
        path = folder / f"{tracker.stem}_{stamp}{tracker.suffix}"
        path.write_bytes(b"x" * 2048)
        made.append(path)
    return made


def test_backups_are_listed_on_the_trackers_clock(semester, capsys, monkeypatch):
    """A WITA tracker on a computer whose clock runs in UTC, then a WIT tracker on a computer in WIB: each backup's
    time is shown on the tracker's clock, with the zone's name."""
    import time

    try:
        _machine_zone(monkeypatch, "UTC")
        first, second = _backup_names(semester, ["20260223-030005-000000", "20260224-171500-000000"])
        code, out, _ = lkj(capsys, "backups", semester)
        lines = [" ".join(line.split()) for line in out.splitlines()]
        assert code == 0
        assert lines == [f"1. 25 Februari 2026 01.15.00 WITA 2 KB {second}",
                         f"2. 23 Februari 2026 11.00.05 WITA 2 KB {first}"]

        def to_wit(wb):
            ws = wb[layout.SHEET_SETTINGS]
            row = next(r for r in range(1, 40) if ws.cell(r, 1).value == layout.P_TIMEZONE)
            ws.cell(row, 2).value = "WIT"
        edit(semester, to_wit)
        _machine_zone(monkeypatch, "Asia/Jakarta")  # a file server in WIB keeping a Papua office's tracker
        code, out, _ = lkj(capsys, "backups", semester)
        lines = [" ".join(line.split()) for line in out.splitlines()]
        assert lines[0] == f"1. 24 Februari 2026 19.15.00 WIT 2 KB {second}"  # 17.15 WIB
        assert lines[1] == f"2. 23 Februari 2026 05.00.05 WIT 2 KB {first}"

        # the tracker damaged (why its backups are listed): the zone comes from the newest readable backup
        newest = _backup_names(semester, ["20260301-080000-000000"])[0]
        newest.write_bytes(semester.read_bytes())
        semester.write_bytes(b"rusak")
        code, out, _ = lkj(capsys, "backups", semester)
        lines = [" ".join(line.split()) for line in out.splitlines()]
        assert code == 0
        assert lines[0] == "Pelacak tidak terbaca; waktu ditampilkan menurut Zona waktu cadangan terbaru (WIT)."
        assert lines[1].startswith("1. 1 Maret 2026 10.00.00 WIT ")
    finally:
        monkeypatch.undo()
        time.tzset()
