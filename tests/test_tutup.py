"""`lkj tutup` and the ribbon's "Tutup Siklus" (issue 12, section 5): a signed cycle stays as signed.

On a real file: the demo cycle finished (steps 6-8 done), closed, then the SOP, the deadline and an entry edited, a
computed cell cleared, and refreshed: the closed year's computed cells come back as they were when it closed, the
edited entry is a located warning, `lkj report` leaves Laporan alone; the report is kept beside the tracker as an
.xlsx (and a PDF LibreOffice made, with its pages counted).  Refusals write nothing.  The live path (xlwings' json
engine) does the same."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from lkj_xl.cli import main
from lkj_xl.workbook import layout

from conftest import ROW, cycle, edit, fill_steps

AS_OF = "2026-03-02T10:00"
LATER = "2026-03-09T10:00"
STATUS = layout.STEP_HEADERS.index(layout.C_STATUS) + 1
LATE = layout.STEP_HEADERS.index(layout.C_LATE) + 1
LATEST = layout.STEP_HEADERS.index(layout.C_LATEST) + 1
COMPLETED = layout.STEP_HEADERS.index(layout.F_COMPLETED) + 1


def _finish(path: Path) -> Path:
    fill_steps(path, {
        6: cycle(completed=datetime(2026, 2, 23, 10, 30)),
        7: cycle(received=datetime(2026, 2, 24, 8, 0), completed=datetime(2026, 2, 24, 9, 0),
                 pelaksana="Drs. Bambang Sutrisno, M.Si.", kelengkapan="Ya"),
        8: cycle(received=datetime(2026, 2, 24, 9, 30), completed=datetime(2026, 2, 24, 9, 40),
                 pelaksana="Rina Marlina, A.Md.", kelengkapan="Ya"),
    }, row=ROW)
    return path


@pytest.fixture(scope="module")
def finished(templates) -> Path:
    return templates.made("finished", lambda folder: _finish(templates.copy(templates.demo(), folder)))


@pytest.fixture
def tracker(finished, tmp_path) -> Path:
    return Path(shutil.copy(finished, tmp_path / "LKj_2025.xlsx"))


def _row(path: Path, step: int) -> list:
    ws = openpyxl.load_workbook(path)[layout.step_sheet(step)]
    return [c.value for c in ws[ROW]]


def test_tutup_records_the_cycle_and_keeps_the_report(tracker, capsys):
    before = {n: _row(tracker, n) for n in range(1, 9)}
    assert main(["tutup", str(tracker), "--year", "2025", "--as-of", AS_OF]) == 0
    out = capsys.readouterr().out
    assert "Siklus 2025 ditutup" in out

    wb = openpyxl.load_workbook(tracker)
    ws = wb[layout.SHEET_CLOSED]
    assert [c.value for c in ws[1]] == list(layout.CLOSED_HEADERS)
    record = {label: ws.cell(row=2, column=i + 1).value for i, label in enumerate(layout.CLOSED_HEADERS)}
    assert record[layout.K_YEAR] == 2025 and isinstance(record[layout.K_CLOSED_AT], datetime)
    assert ws.cell(row=2, column=2).number_format == layout.DATETIME_FORMAT
    assert "SOP 3.1.2.6" in record[layout.K_SOP] and "3. Kasubag, 2 minggu" in record[layout.K_SOP]
    assert record[layout.K_DEADLINE] == datetime(2026, 3, 31, 16, 0)
    assert "Senin 07.30-16.00 (istirahat 12.00-13.00)" in record[layout.K_SETTINGS]
    assert "2026-03-20" in record[layout.K_SETTINGS]  # a cuti bersama of the cycle's years
    data = json.loads(record[layout.K_DATA])
    assert data["entries"]["8"]["Selesai"] == "2026-02-24T09:40"
    assert data["computed"]["3"][2] == "Selesai terlambat"
    assert ws.print_area in ("'Siklus Tertutup'!$A$1:$G$2", ["'Siklus Tertutup'!$A$1:$G$2"])
    riwayat = [c.value for c in wb[layout.SHEET_HISTORY]["C"] if c.value]
    assert riwayat[-1] == "Tutup Siklus"
    # the entries are as typed; Laporan is the 2025 report
    for n in range(1, 9):
        assert _row(tracker, n)[:7] == before[n][:7]
    assert "Tahun 2025" in wb[layout.SHEET_REPORT]["A3"].value

    # the report kept beside the tracker: the Laporan sheet alone, same values
    xlsx = tracker.with_name("LKj_2025 - Laporan 2025.xlsx")
    assert record[layout.K_FILES].startswith(xlsx.name)
    kept = openpyxl.load_workbook(xlsx)
    assert kept.sheetnames == [layout.SHEET_REPORT]
    source = wb[layout.SHEET_REPORT]
    for row in range(1, 70):
        for col in range(1, 15):
            assert kept[layout.SHEET_REPORT].cell(row=row, column=col).value == source.cell(row=row, column=col).value
    assert kept[layout.SHEET_REPORT].page_setup.orientation == "landscape"
    with __import__("zipfile").ZipFile(xlsx) as package:  # the chart is in it (openpyxl does not read charts back)
        assert any(name.startswith("xl/charts/chart") for name in package.namelist())
    pdf = tracker.with_name("LKj_2025 - Laporan 2025.pdf")
    if shutil.which("soffice") is None:
        assert "PDF laporan tidak dibuat" in out and not pdf.exists()
        return
    assert pdf.exists()
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo is not installed")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    import re

    assert re.search(r"^Pages:\s+3$", info, re.M), info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Tahun 2025" in text and "Mengetahui" in text


def test_a_closed_cycle_is_not_recomputed_and_edits_are_warnings(tracker, capsys):
    assert main(["tutup", str(tracker), "--year", "2025", "--as-of", AS_OF]) == 0
    closed = {n: _row(tracker, n) for n in range(1, 9)}
    report_before = [[c.value for c in row] for row in openpyxl.load_workbook(tracker)[layout.SHEET_REPORT]]

    def later_edits(wb):
        wb[layout.SHEET_SOP]["F22"] = "3 minggu"  # step 3's Waktu: a new SOP revision
        wb[layout.SHEET_SETTINGS].cell(row=layout.settings_row(layout.P_DEADLINE), column=2).value = \
            datetime(2026, 2, 27, 16, 0)
        wb[layout.step_sheet(3)].cell(row=ROW, column=COMPLETED).value = datetime(2026, 1, 20, 14, 0)
        wb[layout.step_sheet(5)].cell(row=ROW, column=STATUS).value = None  # a computed cell cleared
    edit(tracker, later_edits)
    capsys.readouterr()
    assert main(["refresh", str(tracker), "--as-of", LATER]) == 0
    out = capsys.readouterr().out
    # the edited entry: a warning on its cell, naming what it was
    assert "[Peringatan] Langkah 3!C13: Siklus 2025 sudah ditutup" in out and "27 Jan 2026 14:00" in out
    for n in range(1, 9):
        now = _row(tracker, n)
        assert now[7:] == closed[n][7:], n  # every computed cell as it was signed
    assert _row(tracker, 3)[STATUS - 1] == "Selesai terlambat"
    assert _row(tracker, 5)[STATUS - 1] == closed[5][STATUS - 1]
    assert _row(tracker, 1)[LATEST - 1] == datetime(2026, 3, 31, 10, 45) or _row(tracker, 1)[LATEST - 1] == \
        closed[1][LATEST - 1]
    masalah = openpyxl.load_workbook(tracker)[layout.SHEET_PROBLEMS]
    code = layout.PROBLEM_HEADERS.index(layout.M_CODE) + 1  # the Kode column, right of the Pesan (layout 3)
    assert any(c.value == "siklus_tertutup_diubah" for c in masalah[chr(64 + code)])

    # validation reads it too; lkj report leaves the signed Laporan alone
    assert main(["validate", str(tracker), "--year", "2025", "--as-of", LATER]) == 0
    assert "siklus 2025 sudah ditutup" in capsys.readouterr().out.lower()
    assert main(["report", str(tracker), "--year", "2025", "--as-of", LATER]) == 0
    assert "lembar Laporan tidak ditulis ulang" in capsys.readouterr().out
    assert [[c.value for c in row] for row in openpyxl.load_workbook(tracker)[layout.SHEET_REPORT]] == report_before


def test_tutup_refuses_and_writes_nothing(templates, tracker, tmp_path, capsys):
    # not finished: the demo as typed (step 6 running)
    running = templates.copy(templates.demo(), tmp_path / "berjalan")
    data = running.read_bytes()
    assert main(["tutup", str(running), "--year", "2025", "--as-of", AS_OF]) == 1
    assert "langkah 8 (JFU) belum selesai" in capsys.readouterr().err
    assert running.read_bytes() == data
    assert not running.with_name(f"{running.stem} - Laporan 2025.xlsx").exists()
    # data errors
    broken = Path(shutil.copy(tracker, tmp_path / "salah.xlsx"))
    fill_steps(broken, {4: cycle(received="31/02/2026 08.00")}, row=ROW)
    data = broken.read_bytes()
    assert main(["tutup", str(broken), "--year", "2025", "--as-of", AS_OF]) == 1
    assert "kesalahan data" in capsys.readouterr().err
    assert broken.read_bytes() == data
    # twice
    assert main(["tutup", str(tracker), "--year", "2025", "--as-of", AS_OF]) == 0
    data = tracker.read_bytes()
    assert main(["tutup", str(tracker), "--year", "2025", "--as-of", AS_OF]) == 1
    assert "sudah ditutup" in capsys.readouterr().err
    assert tracker.read_bytes() == data
    # an older layout without the sheet
    old = Path(shutil.copy(tracker, tmp_path / "lama.xlsx"))
    edit(old, lambda wb: wb.remove(wb[layout.SHEET_CLOSED]))
    assert main(["tutup", str(old), "--year", "2025", "--as-of", AS_OF]) == 1
    assert "lkj upgrade" in capsys.readouterr().err


def test_without_libreoffice_the_xlsx_is_still_written(tracker, monkeypatch, capsys):
    from lkj_xl.authoring import archive

    monkeypatch.setattr(archive, "soffice", lambda: None)
    assert main(["tutup", str(tracker), "--year", "2025", "--as-of", AS_OF]) == 0
    out = capsys.readouterr().out
    assert "PDF laporan tidak dibuat: LibreOffice (soffice) tidak terpasang" in out
    assert tracker.with_name("LKj_2025 - Laporan 2025.xlsx").exists()
    assert not tracker.with_name("LKj_2025 - Laporan 2025.pdf").exists()
    ws = openpyxl.load_workbook(tracker)[layout.SHEET_CLOSED]
    assert "PDF tidak dibuat" in ws.cell(row=2, column=layout.CLOSED_HEADERS.index(layout.K_FILES) + 1).value


def test_upgrade_keeps_a_closed_cycle(tracker, tmp_path, capsys):
    assert main(["tutup", str(tracker), "--year", "2025", "--as-of", AS_OF]) == 0
    new = tmp_path / "baru.xlsx"
    assert main(["upgrade", str(tracker), str(new)]) in (0, 1)
    old_ws = openpyxl.load_workbook(tracker)[layout.SHEET_CLOSED]
    new_ws = openpyxl.load_workbook(new)[layout.SHEET_CLOSED]
    assert [c.value for c in new_ws[2]] == [c.value for c in old_ws[2]]


def test_ribbon_closes_the_cycle_on_the_open_workbook(tracker, monkeypatch):
    """The button on the live path (xlwings' json engine): the same record, the report files beside the file."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from xlwings_payload import apply_actions, json_engine_xlwings, payload_from_file

    from lkj_xl import ribbon

    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.setenv("LKJ_LOG_DIR", str(tracker.parent / "log"))
    xw = json_engine_xlwings()
    payload = payload_from_file(tracker)
    payload["book"]["name"] = str(tracker)  # the json engine's fullname is the name the client sends
    book = xw.Book(json=payload)
    from lkj_xl.authoring import archive

    monkeypatch.setattr(archive, "soffice", lambda: None)  # the PDF is tested on the CLI path
    closing = ribbon.dispatch("close_cycle", book=book, as_of=datetime(2026, 3, 2, 10, 0))
    assert closing is not None and closing.year == 2025
    applied = apply_actions(tracker, book.json()["actions"])
    assert any("Siklus 2025 ditutup" in a["prompt"] for a in applied.alerts)
    ws = openpyxl.load_workbook(tracker)[layout.SHEET_CLOSED]
    assert ws.cell(row=2, column=1).value == 2025
    assert json.loads(ws.cell(row=2, column=len(layout.CLOSED_HEADERS)).value)["computed"]["8"]
    assert tracker.with_name("LKj_2025 - Laporan 2025.xlsx").exists()


def test_a_layout_2_tracker_reads_with_one_warning_and_upgrade_adds_the_sheet(tracker, tmp_path, capsys):
    """A tracker of layout 2 (no Siklus Tertutup): validate and refresh work, with exactly one "lkj upgrade"
    warning; `lkj tutup` asks for the upgrade; `lkj upgrade` adds the sheet, after which it closes."""
    def to_layout_2(wb):
        wb.remove(wb[layout.SHEET_CLOSED])
        wb[layout.SHEET_SETTINGS].cell(row=layout.settings_row(layout.P_VERSION), column=2).value = 2
    edit(tracker, to_layout_2)
    from lkj_xl.files.session import open_book
    from lkj_xl.workbook import actions

    analysis = actions.validate(open_book(tracker), as_of=datetime(2026, 3, 2, 10, 0), year=2025)
    assert [p.code for p in analysis.problems] == ["tata_letak_lama"]
    assert main(["refresh", str(tracker), "--as-of", AS_OF]) == 0
    new = tmp_path / "baru.xlsx"
    assert main(["upgrade", str(tracker), str(new)]) in (0, 1)
    assert layout.SHEET_CLOSED in openpyxl.load_workbook(new).sheetnames
    capsys.readouterr()
    assert main(["tutup", str(new), "--year", "2025", "--as-of", AS_OF]) == 0


def test_a_closed_cycle_shows_in_status_json_and_on_beranda(tracker, capsys, monkeypatch):
    """Before closing `closed` is null; after, `lkj status --json` gives when (the tracker's clock), by whom, the
    kept files and the row, and Beranda's "Langkah saat ini" says so, after `lkj tutup` and after every refresh."""
    from lkj_xl.core.zones import WIB

    monkeypatch.setenv("USERNAME", "dewi")
    monkeypatch.setenv("USER", "dewi")
    assert main(["status", str(tracker), "--json", "--as-of", AS_OF]) in (0, 1)
    assert json.loads(capsys.readouterr().out)["closed"] is None
    clock = lambda: datetime(2026, 3, 6, 10, 0, tzinfo=WIB)  # noqa: E731 - the real time, injected
    assert main(["tutup", str(tracker), "--year", "2025", "--as-of", AS_OF], clock=clock) == 0
    capsys.readouterr()
    home = openpyxl.load_workbook(tracker)[layout.SHEET_HOME]
    current = home.cell(layout.beranda_row(layout.B_CURRENT), 2).value
    who = openpyxl.load_workbook(tracker)[layout.SHEET_CLOSED]["C2"].value
    assert current == (f"Semua langkah selesai (LKj terkirim). Siklus ditutup pada 6 Maret 2026 10.00 WIB oleh {who} "
                       f"(lembar Siklus Tertutup baris 2); kolom terhitungnya tidak dihitung ulang.")
    assert main(["status", str(tracker), "--json", "--as-of", LATER]) in (0, 1)
    closed = json.loads(capsys.readouterr().out)["closed"]
    assert closed == {"closed_at": "2026-03-06T10:00", "by": who, "row": 2,
                      "files": openpyxl.load_workbook(tracker)[layout.SHEET_CLOSED]["G2"].value}
    assert main(["status", str(tracker), "--as-of", LATER]) in (0, 1)
    assert "Siklus ditutup pada 6 Maret 2026 10.00 WIB" in capsys.readouterr().out
    # a later refresh keeps saying it
    assert main(["refresh", str(tracker), "--as-of", LATER]) in (0, 1)
    home = openpyxl.load_workbook(tracker)[layout.SHEET_HOME]
    assert home.cell(layout.beranda_row(layout.B_CURRENT), 2).value == current
