"""End to end: the `lkj` command on a workbook made by `lkj new` and filled the way a person fills it.

Every expected value below is worked out by hand from the SOP's rules (shared/DOMAIN.md), not by the engine:

* working hours (Perpres 21/2023 default): Mon-Thu 07.30-16.00 with a 12.00-13.00 break (450 min), Fri 07.30-16.30
  with an 11.30-13.00 break (450 min);
* "5 menit"/"120 menit"/"180 menit" count working minutes; "2 minggu" is 10 working days, landing on the same clock
  time; holidays in January-March 2026: 16 Jan (Isra Mikraj), 16-17 Feb (Imlek), 18-24 Mar (Nyepi, Idul Fitri and
  cuti bersama; 23 and 24 March are cuti bersama);
* the deadline of reporting year N is the end of the last working day on or before 31 March N+1.

The filled tracker (reporting year 2025, looked at on Monday 23 February 2026 10.00):

====  ========================  ========================  =====================================================
step  Diterima (as typed)       Selesai (as typed)        Pelaksana
====  ========================  ========================  =====================================================
1     "05/01/2026 08:00"        "05/01/2026 08:04"        Kepala Dinas
2     "5 Januari 2026 09.00"    "5 Januari 2026 10.45"    a Kabid who is "Plt. Sekretaris" (acting: no warning)
3     datetime cell 6 Jan 08:00 serial 46048.41667 (26 Jan  Kasubag                           (late)
                                2026 10.00)
4     (empty: hand-over)        "6 Feb 2026"              JFU                               (warning: no Diterima)
5     "09/02/2026 08:00"        "20/02/2026 11:00"        the JFU                           (warning: wrong role)
6     "23/02/2026 08:00"        (running)                 Sekretaris
7, 8  (not started)
====  ========================  ========================  =====================================================
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from lkj_xl.workbook import layout
from lkj_xl.cli import build_parser, main
from lkj_xl.workbook.report_sheet import DEFAULT_LAYOUT

from conftest import cycle, edit, fill_steps, header_columns, sheet_values, typed_cells

dt = datetime
AS_OF = "2026-02-23T10:00"
YEAR = 2025
AGENCY = "Inspektorat Kota Madiun"
TITLE = "Laporan Pelaksanaan SOP Penyusunan Laporan Kinerja (LKj) Tahun 2025"
ROW = layout.STEP_TABLE_HEADER_ROW + 1  # 13: the first data row of every step table (`lkj new` puts the year there)

HEAD_NAME, HEAD_NIP = "Dr. Hendra Wijaya, M.Si.", "19690412 199403 1 005"
SEKRETARIS = "Ratna Sari, S.E."
PLT = "Yusuf Hidayat, S.T."  # a Kabid, acting Sekretaris
KASUBAG = "Maya Anggraini, S.Sos."
JFU = "Fajar Nugroho, A.Md."
STAFF = (
    (HEAD_NAME, HEAD_NIP, "Kepala Dinas", None),
    (SEKRETARIS, "19760923 200212 2 003", "Sekretaris", None),
    (PLT, "19810707 200604 1 012", "Kabid", "Plt. Sekretaris"),
    (KASUBAG, "19870130 201101 2 009", "Kasubag", None),
    (JFU, "19930605 201803 1 004", "JFU", None),
)

#: 26 January 2026 10.00 as an Excel serial number (1900 date system: day 0 is 30 December 1899).
SERIAL_26_JAN_10H = 46048 + 10 / 24
assert dt(1899, 12, 30) + timedelta(days=SERIAL_26_JAN_10H) == dt(2026, 1, 26, 10, 0)

ENTRIES: dict[int, tuple[Any, Any, str]] = {
    1: ("05/01/2026 08:00", "05/01/2026 08:04", HEAD_NAME),
    2: ("5 Januari 2026 09.00", "5 Januari 2026 10.45", PLT),
    3: (dt(2026, 1, 6, 8, 0), SERIAL_26_JAN_10H, KASUBAG),
    4: (None, "6 Feb 2026", JFU),
    5: ("09/02/2026 08:00", "20/02/2026 11:00", JFU),
    6: ("23/02/2026 08:00", None, SEKRETARIS),
}

# --- the expected computed columns, by hand ----------------------------------------------------------------------
# Backward plan from the deadline, Tuesday 31 March 2026 16.00:
#   step 8 (15 min) latest finish 31/3 16.00; step 7 (60 min) 15.45; step 6 (180 min) 14.45; steps 5, 4 (no
#   standard) and 3 finish by step 6's latest start: 14.45 - 180 working min = 13.00 - 105 min, then 12.00 - 75 min
#   = 10.45; step 2 by step 3's latest start: 31/3 10.45 - 10 working days (30, 27, 26, 25, [24-18 holidays], 17, 16,
#   13, 12, 11, 10) = 10/3 10.45; step 1 by 10/3 10.45 - 120 min = 08.45.
LATEST = {1: dt(2026, 3, 10, 8, 45), 2: dt(2026, 3, 10, 10, 45), 3: dt(2026, 3, 31, 10, 45),
          4: dt(2026, 3, 31, 10, 45), 5: dt(2026, 3, 31, 10, 45), 6: dt(2026, 3, 31, 14, 45),
          7: dt(2026, 3, 31, 15, 45), 8: dt(2026, 3, 31, 16, 0)}

#: Step -> (Mulai, Batas Waktu, Status, Terlambat (jam kerja), Waktu Aktual (jam kerja)) at 23/2/2026 10.00.
EXPECTED: dict[int, tuple[Any, ...]] = {
    # 08.00 + 5 min = 08.05; done 08.04: 4 min = 0.07 h.
    1: (dt(2026, 1, 5, 8, 0), dt(2026, 1, 5, 8, 5), "Selesai tepat waktu", 0, 0.07),
    # 09.00 + 120 min = 11.00 (no break in between); done 10.45: 105 min = 1.75 h.
    2: (dt(2026, 1, 5, 9, 0), dt(2026, 1, 5, 11, 0), "Selesai tepat waktu", 0, 1.75),
    # Tue 6 Jan 08.00 + 10 working days (7, 8, 9, 12, 13, 14, 15, [16 Isra Mikraj], 19, 20, 21) = Wed 21 Jan 08.00.
    # Late to Mon 26 Jan 10.00: 21 Jan 420 + 22, 23 Jan 900 + 26 Jan 07.30-10.00 150 = 1470 min = 24.5 h.
    # Actual 6 Jan 08.00 - 26 Jan 10.00: 420 + 12 full days x 450 + 150 = 5970 min = 99.5 h.
    3: (dt(2026, 1, 6, 8, 0), dt(2026, 1, 21, 8, 0), "Selesai terlambat", 24.5, 99.5),
    # No Diterima: starts at step 3's Selesai (26 Jan 10.00); no standard.  Selesai "6 Feb 2026" (no time) is the end
    # of that day: 26 Jan 10.00-16.00 = 300 + 9 full days (27 Jan - 6 Feb) x 450 = 4350 min = 72.5 h.
    4: (dt(2026, 1, 26, 10, 0), None, "Selesai", 0, 72.5),
    # 9 Feb 08.00 - 20 Feb 11.00: 420 + 10-13 Feb 4 x 450 + [16, 17 Imlek] + 18, 19 Feb 900 + Fri 07.30-11.00 210
    # = 3330 min = 55.5 h.
    5: (dt(2026, 2, 9, 8, 0), None, "Selesai", 0, 55.5),
    # 08.00 + 180 min = 11.00; running at 10.00 for 120 min = 2 h.
    6: (dt(2026, 2, 23, 8, 0), dt(2026, 2, 23, 11, 0), "Berjalan", 0, 2),
    7: (None, None, "Belum mulai", None, None),
    8: (None, None, "Belum mulai", None, None),
}


# --- helpers -------------------------------------------------------------------------------------------------------


def lkj(capsys, *args: str, clock=None) -> tuple[int, str, str]:
    """Run `lkj ARGS` in-process (``clock``: the real time the shell sees); (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main([str(a) for a in args], clock=clock)
    out, err = capsys.readouterr()
    return code, out, err


def fill(path: Path) -> None:
    """Type the staff list and the 2025 cycle (plus one 2024 row on Langkah 1) as a person would, then save."""
    def type_all(wb):
        ws = wb[layout.SHEET_STAFF]
        first = layout.LIST_HEADER_ROW + 1
        for i, person in enumerate(STAFF):
            for j, value in enumerate(person):
                ws.cell(first + i, j + 1, value)
            ws.cell(first + i, layout.STAFF_HEADERS.index(layout.E_RANK) + 1, "Penata (III/c)")
        # who prepares the report (the signature block), a name from Pegawai
        wb[layout.SHEET_SETTINGS].cell(layout.settings_row(layout.P_PREPARER), 2, KASUBAG)
        for step in ENTRIES:  # `lkj new` prepared the year's row
            ws = wb[layout.step_sheet(step)]
            assert ws.cell(ROW, header_columns(ws)[layout.F_YEAR]).value == YEAR
        fill_steps(wb, {step: cycle(received, completed, who, "Ya")
                        for step, (received, completed, who) in ENTRIES.items()})
        # Last year's cycle stopped after step 1, which was done 25 working minutes late.
        fill_steps(wb, {1: cycle("06/01/2025 08:00", "06/01/2025 08:30", HEAD_NAME, year=2024)}, row=ROW + 1)
    edit(path, type_all)


def entry_cells(path: Path) -> dict[tuple[str, str], Any]:
    """Every non-empty cell a person types (conftest's typed_cells), values only."""
    return typed_cells(path, formats=False)


def made_by_lkj_new(folder: Path) -> Path:
    """`lkj new` then filled by hand (conftest's templates build it once per session)."""
    import contextlib
    import io

    path = folder / "LKj_2025.xlsx"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["new", str(path), "--year", str(YEAR), "--agency", AGENCY])
    assert code == 0
    assert str(path) in out.getvalue() and "2025" in out.getvalue()
    fill(path)
    return path


def computed_row(ws, row: int = ROW) -> tuple[Any, ...]:
    col = header_columns(ws)
    return tuple(ws.cell(row, col[label]).value for label in layout.STEP_COMPUTED_HEADERS)


@pytest.fixture
def tracker(templates, tmp_path) -> Path:
    """`lkj new` then filled by hand: a fresh copy of the session's one."""
    return templates.copy(templates.made("lkj-new-filled", made_by_lkj_new), tmp_path)


# --- lkj new / validate ----------------------------------------------------------------------------------------------


def test_new_refuses_to_overwrite_without_force(tracker, capsys):
    before = tracker.read_bytes()
    code, _, err = lkj(capsys, "new", tracker, "--year", YEAR)
    assert code == 2
    assert "sudah ada" in err and "--force" in err
    assert tracker.read_bytes() == before
    code, _, _ = lkj(capsys, "new", tracker, "--year", 2026, "--force")
    assert code == 0
    assert openpyxl.load_workbook(tracker)[layout.SHEET_SETTINGS]["B5"].value == 2026


def test_validate_exit_codes(tracker, tmp_path, capsys):
    # Only warnings: exit 0, each with its sheet and cell; the acting Sekretaris (Plt.) on step 2 is not one.
    code, out, _ = lkj(capsys, "validate", tracker, "--as-of", AS_OF)
    assert code == 0, out
    assert "Langkah 4" not in out  # its empty Diterima is the hand-over from step 3
    assert f"[Peringatan] Langkah 5!D13: Pelaksana \"{JFU}\" berjabatan JFU, sedangkan langkah 5 dilaksanakan " \
           f"oleh Kasubag" in out
    assert "Langkah 2" not in out
    assert "Jumlah: 0 kesalahan, 1 peringatan." in out

    # An impossible date: exit 1, the cell named.
    wb = openpyxl.load_workbook(tracker)
    wb[layout.step_sheet(5)]["C13"] = "31/02/2026 10:00"
    wb.save(tracker)
    code, out, _ = lkj(capsys, "validate", tracker, "--as-of", AS_OF)
    assert code == 1
    assert re.search(r"\[Kesalahan\] Langkah 5!C13: .*31/02/2026 10:00", out), out
    assert "Jumlah: 1 kesalahan, 1 peringatan." in out

    # No file: exit 2, an Indonesian message, no traceback.
    code, out, err = lkj(capsys, "validate", tmp_path / "tidak-ada.xlsx")
    assert code == 2
    assert "tidak ditemukan" in err and "Traceback" not in err + out


def test_bad_arguments_exit_2_in_indonesian(tracker, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["validate", str(tracker), "--as-of", "kemarin"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "pemakaian:" in err and "tidak terbaca" in err and "ISO 8601" in err
    with pytest.raises(SystemExit) as exc:
        main(["hitung", str(tracker)])
    assert exc.value.code == 2
    assert "pilihan tidak sah" in capsys.readouterr().err


# --- lkj refresh -----------------------------------------------------------------------------------------------------


def test_refresh_writes_computed_columns_beranda_and_problems(tracker, capsys):
    before = entry_cells(tracker)
    code, out, _ = lkj(capsys, "refresh", tracker, "--as-of", AS_OF, clock=lambda: dt(2026, 2, 24, 7, 31, 5))
    assert code == 0
    assert "Kolom terhitung, Beranda dan lembar Masalah diperbarui" in out
    assert entry_cells(tracker) == before

    wb = openpyxl.load_workbook(tracker)
    for step, (start, due, status, late, actual) in EXPECTED.items():
        ws = wb[layout.step_sheet(step)]
        col = header_columns(ws)
        got = {label: ws.cell(ROW, col[label]).value for label in layout.STEP_COMPUTED_HEADERS}
        assert got == {layout.C_START: start, layout.C_DUE: due, layout.C_STATUS: status, layout.C_LATE: late, layout.C_ACTUAL: actual,
                       layout.C_LATEST: LATEST[step]}, f"Langkah {step}"
    # The 2024 row got its own year's schedule: deadline Thu 27 March 2025 16.00 (28 March is cuti bersama, 29 Nyepi,
    # 31 Idul Fitri); step 1 due 08.05, done 08.30 = 25 min late (0.42 h), 30 min actual.
    assert computed_row(wb[layout.step_sheet(1)], ROW + 1)[:5] == (
        dt(2025, 1, 6, 8, 0), dt(2025, 1, 6, 8, 5), "Selesai terlambat", 0.42, 0.5)
    # The top block of a step sheet comes from the SOP sheet.
    assert wb[layout.step_sheet(3)]["B7"].value == "2 minggu (10 hari kerja)"

    home = wb[layout.SHEET_HOME]
    value = {label: home.cell(layout.beranda_row(label), layout.BERANDA_VALUE_COLUMN).value for label in layout.BERANDA_FIELDS}
    assert value[layout.B_YEAR] == 2025
    assert value[layout.B_DEADLINE] == dt(2026, 3, 31, 16, 0)
    assert value[layout.B_CURRENT].startswith("Langkah 6 (berjalan): ")
    assert value[layout.B_HOLDER] == SEKRETARIS
    assert value[layout.B_STEP_DUE] == dt(2026, 2, 23, 11, 0)
    assert value[layout.B_OVERALL] == "Sesuai jadwal"
    # Projection: step 6 at its due 11.00; step 7 + 60 min = 12.00; step 8 from the end of the break, 13.00 + 15.
    assert value[layout.B_PROJECTED] == dt(2026, 2, 23, 13, 15)
    assert value[layout.B_UPDATED] == dt(2026, 2, 23, 10, 0)

    problems = wb[layout.SHEET_PROBLEMS]
    rows = [tuple(problems.cell(r, c).value for c in range(1, 6)) for r in range(2, 4)]
    # Langkah 4's empty Diterima is the hand-over from step 3 (README): no problem.  Kode right of the Pesan.
    assert rows[0][:3] + rows[0][4:] == ("Langkah 5", "D13", "Peringatan", "jabatan_tidak_sesuai")
    assert JFU in rows[0][3] and "Kasubag" in rows[0][3]
    assert rows[1] == (None,) * 5
    assert [[c.value for c in row] for row in problems["H1:I2"]] == [
        ["Diperiksa pada", "Keadaan per"], ["24 Februari 2026 07.31 WIB", "23 Februari 2026 10.00 WIB"]]

    # Riwayat: the real time of the action, and the as-of it computed for in its own column
    history = wb[layout.SHEET_HISTORY]
    assert [c.value for c in history[1]] == ["Waktu", "Pengguna", "Aksi", "Rincian", "Keadaan per"]
    assert history["A2"].value == dt(2026, 2, 24, 7, 31, 5)
    assert history["C2"].value == "Hitung Batas Waktu"
    assert history["E2"].value == dt(2026, 2, 23, 10, 0)


def test_refresh_with_an_error_lists_it_and_exits_1(tracker, capsys):
    wb = openpyxl.load_workbook(tracker)
    wb[layout.step_sheet(5)]["C13"] = "31/02/2026 10:00"
    wb.save(tracker)
    before = entry_cells(tracker)
    code, _, _ = lkj(capsys, "refresh", tracker, "--as-of", AS_OF)
    assert code == 1
    assert entry_cells(tracker) == before  # the wrong date stays as typed, for the person to fix
    problems = openpyxl.load_workbook(tracker)[layout.SHEET_PROBLEMS]
    found = {(problems.cell(r, 1).value, problems.cell(r, 2).value, problems.cell(r, 3).value)
             for r in range(2, 6)}
    assert ("Langkah 5", "C13", "Kesalahan") in found


def test_as_of_changes_statuses(tracker, capsys):
    # At 10.00 step 6 (due 11.00) is running; at 14.00 it is 11.00-12.00 + 13.00-14.00 = 120 working min late.
    _, out, _ = lkj(capsys, "status", tracker, "--json", "--as-of", AS_OF)
    state = json.loads(out)
    assert (state["steps"][5]["status"], state["steps"][5]["late_minutes"]) == ("berjalan", 0)
    assert state["overall"] == "sesuai_jadwal"

    _, out, _ = lkj(capsys, "status", tracker, "--json", "--as-of", "2026-02-23T14:00")
    state = json.loads(out)
    assert (state["steps"][5]["status"], state["steps"][5]["late_minutes"]) == ("terlambat", 120)
    # one step overdue is not the cycle late: the final deadline (31 March) is five weeks away
    assert state["overall"] == "sesuai_jadwal"
    # the text form says it in Beranda's words: the cycle's status, then the step overdue now, then the data
    _, out, _ = lkj(capsys, "status", tracker, "--as-of", "2026-02-23T14:00")
    lines = out.splitlines()
    assert lines[1].startswith("Status terhadap batas akhir: Sesuai jadwal; perkiraan selesai ")
    assert lines[-2:] == ["Langkah terlambat saat ini: Langkah 6 (Sekretaris), lewat 2 jam kerja dari batas "
                          "waktunya", "Masalah data: 0 kesalahan, 1 peringatan (lihat `lkj validate`)"]
    assert "Status keseluruhan" not in out

    code, _, _ = lkj(capsys, "refresh", tracker, "--as-of", "2026-02-23T14:00")
    assert code == 0
    wb = openpyxl.load_workbook(tracker)
    # Actual: 08.00-12.00 + 13.00-14.00 = 300 working min = 5 h.
    assert computed_row(wb[layout.step_sheet(6)])[2:5] == ("Terlambat", 2, 5)
    home = wb[layout.SHEET_HOME]
    assert home.cell(layout.beranda_row(layout.B_OVERALL), 2).value == "Sesuai jadwal"
    assert home.cell(layout.beranda_row(layout.B_OVERDUE), 2).value == \
        "Langkah 6 (Sekretaris), lewat 2 jam kerja dari batas waktunya"
    assert home.cell(layout.beranda_row(layout.B_CURRENT), 2).value.startswith("Langkah 6 (terlambat): ")


# --- lkj report ------------------------------------------------------------------------------------------------------


def test_report_writes_laporan_and_twice_gives_the_same_sheet(tracker, capsys):
    before = entry_cells(tracker)
    code, out, _ = lkj(capsys, "report", tracker, "--as-of", AS_OF)
    assert code == 0
    assert "Lembar Laporan ditulis" in out
    assert entry_cells(tracker) == before
    first = sheet_values(tracker, layout.SHEET_REPORT)

    lay = DEFAULT_LAYOUT
    assert first["A3"] == TITLE
    assert first["A6"] == "Batas akhir penyampaian LKj: 31 Maret 2026 16.00"
    # One row per step: No, ..., Status.
    statuses = [first.get(f"I{lay.steps_last_row - 7 + i}") for i in range(8)]
    assert [first.get(f"A{11 + i}") for i in range(8)] == list(range(1, 9))
    assert statuses == [EXPECTED[n][2] for n in range(1, 9)]
    assert first["C13"] == f"Kasubag \u2014 {KASUBAG}"
    # instants as people read them; the date-only Selesai of step 4 ("6 Feb 2026") shows as a date
    assert first["D13"] == "6 Januari 2026 08.00" and first["E13"] == "26 Januari 2026 10.00"
    assert first["H13"] == "21 Januari 2026 08.00"
    assert first["E14"] == "6 Februari 2026"
    # 1470 late minutes in working days of 450 min: 3 days and 120 min.
    assert first["J13"] == "3 hari kerja 2 jam"
    # On time: steps 1 and 2, and 4 and 5 (done; no standard to miss) = 4 of 8.
    assert first[f"C{lay.summary_row}"].startswith("4 dari 8 langkah tepat waktu")
    assert "Langkah 3" in first[f"C{lay.summary_row}"]
    evaluation = lay.eval_first_row + 2  # step 3: nothing typed on Evaluasi, so the data's suggestion
    assert first[f"D{evaluation}"] == "Tidak berjalan dengan baik (saran)"
    assert "3 hari kerja 2 jam" in first[f"E{evaluation}"]
    # Signature: the head of the agency from Pegawai (jabatan as the SOP's "Disahkan oleh"), NIP formatted; the
    # preparer from Pengaturan.
    sig = lay.signature_row
    assert first[f"G{sig}"] == "Madiun, 23 Februari 2026"
    assert first[f"B{sig + 2}"] == "Inspektur"
    assert first[f"B{sig + 6}"] == HEAD_NAME
    assert first[f"B{sig + 8}"] == f"NIP. {HEAD_NIP}"
    assert first[f"G{sig + 6}"] == KASUBAG and first[f"G{sig + 7}"] == "Penata (III/c)"

    code, _, _ = lkj(capsys, "report", tracker, "--as-of", AS_OF)
    assert code == 0
    assert sheet_values(tracker, layout.SHEET_REPORT) == first
    # What the package engine (the safe save) reads is what openpyxl's full load reads, sheet by sheet.
    from lkj_xl.engines.openpyxl_book import FileBook
    from lkj_xl.engines.package import PackageBook

    full, fast = FileBook.open(tracker), PackageBook.open(tracker)
    for sheet in full.sheet_names():
        assert fast.read(sheet) == full.read(sheet), sheet
    assert entry_cells(tracker) == before
    history = openpyxl.load_workbook(tracker)[layout.SHEET_HISTORY]
    assert [history.cell(r, 3).value for r in (2, 3, 4)] == ["Buat Laporan", "Buat Laporan", None]


# --- lkj status --json ---------------------------------------------------------------------------------------------

ISO_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")
STEP_KEYS = {"step", "actor", "received", "completed", "due", "status", "late_minutes", "latest_finish",
             "planned_minutes", "plan_source", "sent_back"}
PROBLEM_KEYS = {"sheet", "cell", "severity", "code", "message"}


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="minutes")


def assert_iso(value: Any, nullable: bool = False) -> None:
    if nullable and value is None:
        return
    assert isinstance(value, str) and ISO_LOCAL.match(value), value
    assert datetime.fromisoformat(value).tzinfo is None


def test_status_json_matches_the_documented_schema(tracker, capsys):
    code, out, _ = lkj(capsys, "status", tracker, "--json", "--as-of", AS_OF)
    assert code == 0
    state = json.loads(out)
    assert {"year", "deadline", "as_of", "at_risk", "projected_finish", "steps", "problems"} <= set(state)
    assert set(state) - {"year", "deadline", "as_of", "at_risk", "projected_finish", "steps", "problems"} \
        <= {"overall", "problem_counts", "period", "period_kind", "timezone", "closed"}
    assert state["problem_counts"] == {"errors": 0, "warnings": 1}
    assert state["closed"] is None  # not closed (`lkj tutup`): see tests/test_tutup.py
    assert isinstance(state["year"], int) and state["year"] == 2025
    assert (state["period"], state["period_kind"], state["timezone"]) == ("2025", "tahunan", "WIB")
    for key in ("deadline", "as_of", "projected_finish"):
        assert_iso(state[key])
    assert isinstance(state["at_risk"], bool) and state["at_risk"] is False
    assert state["deadline"] == "2026-03-31T16:00"
    assert state["as_of"] == "2026-02-23T10:00"
    assert state["projected_finish"] == "2026-02-23T13:15"

    assert isinstance(state["steps"], list) and len(state["steps"]) == 8
    statuses = {1: "selesai_tepat_waktu", 2: "selesai_tepat_waktu", 3: "selesai_terlambat", 4: "selesai",
                5: "selesai", 6: "berjalan", 7: "belum_mulai", 8: "belum_mulai"}
    received = {1: dt(2026, 1, 5, 8, 0), 2: dt(2026, 1, 5, 9, 0), 3: dt(2026, 1, 6, 8, 0), 4: None,
                5: dt(2026, 2, 9, 8, 0), 6: dt(2026, 2, 23, 8, 0)}
    completed = {1: dt(2026, 1, 5, 8, 4), 2: dt(2026, 1, 5, 10, 45), 3: dt(2026, 1, 26, 10, 0),
                 4: dt(2026, 2, 6, 23, 59), 5: dt(2026, 2, 20, 11, 0)}
    for number, step in enumerate(state["steps"], start=1):
        assert set(step) == STEP_KEYS
        assert isinstance(step["step"], int) and step["step"] == number
        assert isinstance(step["actor"], str) and step["actor"]
        for key in ("received", "completed", "due"):
            assert_iso(step[key], nullable=True)
        assert_iso(step["latest_finish"])
        assert isinstance(step["late_minutes"], int) and not isinstance(step["late_minutes"], bool)
        assert step["status"] == statuses[number]
        assert step["received"] == iso(received.get(number))
        assert step["completed"] == iso(completed.get(number))
        assert step["due"] == iso(EXPECTED[number][1])
        assert step["latest_finish"] == iso(LATEST[number])
        assert step["late_minutes"] == {3: 1470}.get(number, 0)
        # steps 4 and 5 have no standard, no Waktu Rencana and no earlier cycle: the plan gives them no time
        assert step["plan_source"] == (None if number in (4, 5) else "sop")
        assert step["planned_minutes"] == {1: 5, 2: 120, 3: 10 * 450, 6: 180, 7: 60, 8: 15}.get(number)
    assert [s["actor"] for s in state["steps"]] == ["Kepala Dinas", "Sekretaris", "Kasubag", "JFU", "Kasubag",
                                                   "Sekretaris", "Kepala Dinas", "JFU"]

    assert isinstance(state["problems"], list) and len(state["problems"]) == 1
    for problem in state["problems"]:
        assert set(problem) == PROBLEM_KEYS
        assert all(isinstance(problem[key], str) for key in PROBLEM_KEYS)
    assert [(p["sheet"], p["cell"], p["severity"], p["code"]) for p in state["problems"]] == [
        ("Langkah 5", "D13", "warning", "jabatan_tidak_sesuai")]


def test_year_selects_another_years_row(tracker, capsys):
    code, out, _ = lkj(capsys, "status", tracker, "--json", "--year", 2024, "--as-of", AS_OF)
    assert code == 0
    state = json.loads(out)
    assert state["year"] == 2024
    # The last working day on or before 31 March 2025 is Thursday 27 March.
    assert state["deadline"] == "2025-03-27T16:00"
    first = state["steps"][0]
    assert (first["received"], first["completed"], first["due"]) == ("2025-01-06T08:00", "2025-01-06T08:30",
                                                                       "2025-01-06T08:05")
    assert (first["status"], first["late_minutes"]) == ("selesai_terlambat", 25)
    # Step 2 was handed over at 08.30 and never done: 08.30 + 120 min = 10.30, long past.
    assert state["steps"][1]["due"] == "2025-01-06T10:30"
    assert state["steps"][1]["status"] == "terlambat"
    assert state["overall"] == "terlambat"
    assert state["problems"] == []

    # The plain text form names the year and speaks Indonesian.
    code, out, _ = lkj(capsys, "status", tracker, "--year", 2024, "--as-of", AS_OF)
    assert code == 0
    assert "Tahun pelaporan 2024, batas akhir 27 Maret 2025 16.00, keadaan per 23 Februari 2026 10.00" in out
    assert "Langkah 1 (Kepala Dinas): Selesai terlambat, batas 6 Januari 2025 08.05" in out
    assert "Langkah 3 (Kasubag): Belum mulai, batas -" in out

    code, out, _ = lkj(capsys, "report", tracker, "--year", 2024, "--as-of", AS_OF)
    assert code == 0
    laporan = openpyxl.load_workbook(tracker)[layout.SHEET_REPORT]
    assert laporan["A3"].value.endswith("Tahun 2024")


# --- lkj demo, --help ------------------------------------------------------------------------------------------------


def test_demo_creates_the_example_and_it_validates(tmp_path, capsys):
    folder = tmp_path / "contoh"
    code, out, _ = lkj(capsys, "demo", folder)
    assert code == 0
    files = list(folder.glob("*.xlsx"))
    assert len(files) == 1
    assert str(files[0].resolve()) in out
    assert "Tahun pelaporan 2025" in out
    assert "Status keseluruhan" not in out  # the labels of Beranda, the one definition (layout.B_*)
    lines = out.splitlines()
    assert "Status terhadap batas akhir: Sesuai jadwal; perkiraan selesai " in out
    assert "Langkah terlambat saat ini: Langkah 3 (Kasubag), lewat" not in out  # step 3 is done, late: not "now"
    assert "Langkah terlambat saat ini: Tidak ada." in lines
    assert "Masalah data: Tidak ada masalah." in lines
    assert out.count("  Langkah ") == 8
    code, out, _ = lkj(capsys, "validate", files[0], "--as-of", "2026-02-23T10:00")
    assert code == 0, out
    code, out, _ = lkj(capsys, "validate", files[0])  # at the real clock: every date is in the past
    assert code == 0, out
    assert openpyxl.load_workbook(files[0])[layout.SHEET_REPORT]["A3"].value == TITLE


def test_demo_takes_as_of_but_no_year(tmp_path, capsys):
    code, out, _ = lkj(capsys, "demo", tmp_path, "--as-of", "2026-03-02T10:00")
    assert code == 0
    assert "keadaan per 2 Maret 2026 10.00" in out
    with pytest.raises(SystemExit) as exc:  # the example is the 2025 cycle; --year would be silently ignored
        main(["demo", str(tmp_path), "--year", "2024"])
    assert exc.value.code == 2
    assert "argumen tidak dikenal" in capsys.readouterr().err


COMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)


def test_every_command_is_covered():
    assert {"new", "validate", "refresh", "report", "status", "demo", "backups", "restore"} <= set(COMMANDS)


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_shows_an_example(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"] if command is None else [command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "contoh:" in out
    assert f"lkj {command or ''}".strip() in out.split("contoh:", 1)[1]
    assert "pemakaian:" in out


# --- backups and restore ---------------------------------------------------------------------------------------------


def test_backups_after_refresh_and_restore(tracker, capsys):
    typed = entry_cells(tracker)
    original = sheet_values(tracker, layout.step_sheet(3))
    code, out, _ = lkj(capsys, "backups", tracker)
    assert code == 0 and "Belum ada cadangan" in out

    assert lkj(capsys, "refresh", tracker, "--as-of", AS_OF)[0] == 0
    code, out, _ = lkj(capsys, "backups", tracker)
    assert code == 0
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].lstrip().startswith("1.")
    assert "Cadangan LKj" in lines[0] and tracker.stem in lines[0]

    # Someone then overwrites entries by mistake; the backup brings the pre-refresh file back.
    wb = openpyxl.load_workbook(tracker)
    wb[layout.step_sheet(3)]["B13"] = None
    wb[layout.SHEET_STAFF]["A4"] = "salah"
    wb.save(tracker)
    code, out, _ = lkj(capsys, "restore", tracker, "--backup", 1)
    assert code == 0
    assert "dipulihkan" in out
    assert entry_cells(tracker) == typed
    assert sheet_values(tracker, layout.step_sheet(3)) == original  # computed cells empty again, as before the refresh
    code, out, _ = lkj(capsys, "backups", tracker)
    assert len([line for line in out.splitlines() if line.strip()]) == 2  # the damaged version was kept too

    code, _, err = lkj(capsys, "restore", tracker, "--backup", 9)
    assert code == 2 and err


# --- the same through a real process -------------------------------------------------------------------------------


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_python_dash_m_lkj_xl(tracker):
    proc = run([sys.executable, "-m", "lkj_xl", "validate", tracker.name, "--as-of", AS_OF], tracker.parent)
    assert proc.returncode == 0, proc.stderr
    assert "Jumlah: 0 kesalahan, 1 peringatan." in proc.stdout
    proc = run([sys.executable, "-m", "lkj_xl", "refresh", tracker.name, "--as-of", AS_OF], tracker.parent)
    assert proc.returncode == 0, proc.stderr
    assert computed_row(openpyxl.load_workbook(tracker)[layout.step_sheet(3)])[:3] == EXPECTED[3][:3]
    proc = run([sys.executable, "-m", "lkj_xl", "validate", "tidak-ada.xlsx"], tracker.parent)
    assert proc.returncode == 2
    assert "tidak ditemukan" in proc.stderr and "Traceback" not in proc.stderr


def test_lkj_console_script(tracker):
    script = Path(sys.executable).with_name("lkj.exe" if os.name == "nt" else "lkj")
    if not script.exists():
        found = shutil.which("lkj")
        if found is None:
            pytest.skip("the lkj console script is not installed")
        script = Path(found)
    proc = run([str(script), "status", tracker.name, "--json", "--as-of", AS_OF], tracker.parent)
    assert proc.returncode == 0, proc.stderr
    state = json.loads(proc.stdout)
    assert state["year"] == 2025 and state["steps"][2]["status"] == "selesai_terlambat"
    proc = run([str(script), "--version"], tracker.parent)
    assert proc.returncode == 0 and proc.stdout.startswith("lkj ")


# --- the safe save proves every entry cell intact --------------------------------------------------------------------


@pytest.mark.parametrize("sheet, cell, change", [
    (layout.step_sheet(1), "B13", lambda v: "05/01/2026 08:01"),  # text date
    (layout.step_sheet(3), "B13", lambda v: v + timedelta(minutes=1)),  # a date cell
    (layout.step_sheet(3), "C13", lambda v: v + timedelta(minutes=1)),  # the serial number (a date once saved)
    (layout.step_sheet(1), "A14", lambda v: None),  # an entry emptied
    (layout.SHEET_STAFF, "B4", lambda v: v[:-1] + "6"),  # a NIP
    (layout.SHEET_SETTINGS, f"C{layout.WEEK_HEADER_ROW + 1}", lambda v: v.replace(minute=31)),  # working hours
    (layout.SHEET_HOLIDAYS, "A5", lambda v: v + timedelta(days=1)),  # a holiday
    (layout.SHEET_SOP, "F21", lambda v: "6 menit"),  # a time standard
])
def test_a_save_that_would_change_an_entry_is_refused(tracker, capsys, monkeypatch, sheet, cell, change):
    """The new version is read back from disk before it replaces the file: a value that differs there (whatever
    changed it) stops the save, names the cell and leaves the workbook and its backups as they were."""
    from lkj_xl.engines.package import PackageBook
    from lkj_xl.workbook.book import parse_range

    original = PackageBook.to_bytes

    def bytes_then_damage(self):
        damaged = PackageBook(original(self))
        row, column, _, _ = parse_range(cell)
        damaged.write(sheet, row, column, [[change(damaged.read(sheet)[row - 1][column - 1])]])
        return original(damaged)

    before = tracker.read_bytes()
    monkeypatch.setattr(PackageBook, "to_bytes", bytes_then_damage)
    code, _, err = lkj(capsys, "refresh", tracker, "--as-of", AS_OF)
    assert code == 2
    assert f"{sheet}!{cell}" in err and "penyimpanan dibatalkan" in err.lower()
    assert tracker.read_bytes() == before
    assert not (tracker.parent / "Cadangan LKj").exists() or not any((tracker.parent / "Cadangan LKj").iterdir())
    assert not list(tracker.parent.glob(".~lkj-tmp-*"))


@pytest.mark.parametrize("unbuffered", [True, False])
def test_a_reader_that_stops_reading_is_not_an_error(tracker, unbuffered):
    """`lkj status BERKAS | head -1`: the pipe closes before lkj has written; no message, no log, exit 141."""
    env = dict(os.environ)
    env.pop("PYTHONUNBUFFERED", None)
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    proc = subprocess.Popen([sys.executable, "-m", "lkj_xl", "status", tracker.name, "--as-of", AS_OF],
                            cwd=tracker.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 141
    assert err == b""


# --- macro-enabled trackers and the Excel repair check ------------------------------------------------------------------

from excel_repair import excel_repair_problems, require_shared  # noqa: E402


def test_new_xlsm_is_the_full_macro_tracker_for_that_agency(tmp_path, capsys):
    from lkj_xl.engines.openpyxl_book import FileBook
    from lkj_xl.files.macro_check import check_package_kind, verify_xlsm
    from lkj_xl.workbook.reader import load_tracker

    path = tmp_path / "X.xlsm"
    code, out, err = lkj(capsys, "new", path, "--year", 2026, "--agency", "Dinas Kesehatan Kota Madiun")
    assert code == 0, err
    assert "bermakro" in out and str(path) in out
    assert verify_xlsm(path, deep=True) == [] and check_package_kind(path) == []
    book = openpyxl.load_workbook(path, keep_vba=True)
    assert book["xlwings.conf"].sheet_state == "hidden"
    tracker = load_tracker(FileBook.open(path, read_only=True))
    assert (tracker.settings.year, tracker.settings.agency) == (2026, "Dinas Kesehatan Kota Madiun")
    require_shared()
    assert excel_repair_problems(path) == []


@pytest.mark.parametrize("name", ["x.txt", "x.xls", "x.xltm", "x"])
def test_new_refuses_other_extensions(tmp_path, capsys, name):
    code, _, err = lkj(capsys, "new", tmp_path / name, "--year", 2026)
    assert code == 2
    assert ".xlsx" in err and ".xlsm" in err and "berakhiran" in err
    assert not (tmp_path / name).exists()


def test_plain_xlsx_has_no_macro_parts_and_build_workbook_refuses_xlsx(tmp_path, capsys):
    from lkj_xl.files.macro_check import check_package_kind

    plain = tmp_path / "biasa.xlsx"
    assert lkj(capsys, "new", plain, "--year", 2026)[0] == 0
    assert check_package_kind(plain) == []
    with zipfile.ZipFile(plain) as package:
        names = package.namelist()
        types = package.read("[Content_Types].xml").decode()
    assert "xl/vbaProject.bin" not in names and "customUI/customUI14.xml" not in names
    assert "macroEnabled" not in types
    code, _, err = lkj(capsys, "build-workbook", "--out", tmp_path / "x.xlsx")
    assert code == 2 and ".xlsm" in err
    assert not (tmp_path / "x.xlsx").exists()


def test_an_xlsx_with_macros_is_reported(tmp_path, capsys):
    from lkj_xl.files.macro_check import check_package_kind

    made = tmp_path / "m.xlsm"
    assert lkj(capsys, "new", made, "--year", 2026)[0] == 0
    renamed = tmp_path / "m.xlsx"
    shutil.copy(made, renamed)
    problems = check_package_kind(renamed)
    assert len(problems) == 3 and all(".xlsm" in problem for problem in problems)


def test_no_fullcalconload_and_right_cached_links(tmp_path, capsys):
    path = tmp_path / "t.xlsx"
    assert lkj(capsys, "new", path, "--year", 2026)[0] == 0
    with zipfile.ZipFile(path) as package:
        workbook = package.read("xl/workbook.xml").decode()
    assert "fullCalcOnLoad" not in workbook
    assert re.search(r'<calcPr calcId="191029"\s*/>', workbook)


def test_refresh_and_report_leave_a_file_excel_opens_without_repair(tracker, capsys):
    require_shared()
    assert excel_repair_problems(tracker) == []
    assert lkj(capsys, "refresh", tracker, "--as-of", AS_OF)[0] in (0, 1)
    assert excel_repair_problems(tracker) == []
    assert lkj(capsys, "report", tracker, "--as-of", AS_OF)[0] in (0, 1)
    assert excel_repair_problems(tracker) == []


def test_refresh_and_report_on_an_xlsm_keep_it_whole(tmp_path, capsys):
    from lkj_xl.files.macro_check import verify_xlsm

    require_shared()
    path = tmp_path / "LKj_2026.xlsm"
    assert lkj(capsys, "new", path, "--year", 2026)[0] == 0
    for command in ("refresh", "report"):
        code, out, err = lkj(capsys, command, path, "--as-of", AS_OF)
        assert code in (0, 1), err
        assert verify_xlsm(path, deep=True) == []
        assert excel_repair_problems(path) == []


def test_demo_opens_without_repair(tmp_path, capsys):
    require_shared()
    assert lkj(capsys, "demo", tmp_path / "contoh")[0] == 0
    files = [p for p in (tmp_path / "contoh").glob("*.xls*") if not p.name.startswith((".", "~"))]
    assert files
    for path in files:
        assert excel_repair_problems(path) == [], path


def test_upgrade_old_xlsx_to_xlsm_opens_without_repair(tracker, tmp_path, capsys):
    from lkj_xl.files.macro_check import verify_xlsm

    require_shared()
    new = tmp_path / "LKj_baru.xlsm"
    code, out, err = lkj(capsys, "upgrade", tracker, new)
    assert code == 0, err
    assert verify_xlsm(new, deep=True) == []
    assert excel_repair_problems(new) == []
    before, after = entry_cells(tracker), entry_cells(new)
    assert {key: value for key, value in before.items() if key[0].startswith("Langkah")} == \
        {key: value for key, value in after.items() if key[0].startswith("Langkah")}
