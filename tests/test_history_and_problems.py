"""Riwayat records the real time of an action beside the as-of it computed for; Masalah says when it was checked,
"Tidak ada masalah" when empty, with its Kode right of the Pesan (layout 3).  A layout-2 tracker keeps working as it
is (its own column order, the as-of in Rincian) with one upgrade warning, and `lkj upgrade` brings the new columns.
Real files, reopened with openpyxl."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from conftest import edit
from lkj_xl.cli import main
from lkj_xl.authoring.upgrade import upgrade_tracker
from lkj_xl.workbook import layout

AS_OF = "2026-02-23T10:00"
NOW = datetime(2026, 2, 24, 7, 31, 5)  # the real time the shell's clock gives


def lkj(capsys, *args, clock=lambda: NOW) -> tuple[int, str]:
    capsys.readouterr()
    code = main([str(a) for a in args], clock=clock)
    return code, capsys.readouterr().out


def rows(ws, width: int) -> list[list]:
    return [[c.value for c in r[:width]] for r in ws.iter_rows(min_row=2) if any(c.value for c in r[:width])]


def test_history_has_the_real_time_and_the_as_of(demo_tracker, capsys):
    assert lkj(capsys, "refresh", demo_tracker, "--as-of", AS_OF)[0] == 0
    assert lkj(capsys, "report", demo_tracker, "--as-of", "2026-02-23T15:00",
               clock=lambda: datetime(2026, 2, 24, 8, 0))[0] == 0
    assert lkj(capsys, "refresh", demo_tracker, clock=lambda: datetime(2026, 2, 24, 9, 15))[0] in (0, 1)  # as-of = now
    ws = openpyxl.load_workbook(demo_tracker)[layout.SHEET_HISTORY]
    assert [c.value for c in ws[1]][:5] == ["Waktu", "Pengguna", "Aksi", "Rincian", "Keadaan per"]
    got = [(r[0], r[2], r[4]) for r in rows(ws, 5)]
    assert got == [(NOW, "Hitung Batas Waktu", datetime(2026, 2, 23, 10, 0)),
                   (datetime(2026, 2, 24, 8, 0), "Buat Laporan", datetime(2026, 2, 23, 15, 0)),
                   (datetime(2026, 2, 24, 9, 15), "Hitung Batas Waktu", datetime(2026, 2, 24, 9, 15))]
    assert ws["E2"].number_format == layout.DATETIME_FORMAT


def test_problems_sheet_says_when_and_none(demo_tracker, capsys):
    assert lkj(capsys, "refresh", demo_tracker, "--as-of", AS_OF)[0] == 0
    ws = openpyxl.load_workbook(demo_tracker)[layout.SHEET_PROBLEMS]
    assert [c.value for c in ws[1]][:9] == ["Lembar", "Sel", "Tingkat", "Pesan", "Kode", "Buka", None,
                                            "Diperiksa pada", "Keadaan per"]
    assert [ws["H2"].value, ws["I2"].value] == ["24 Februari 2026 07.31 WIB", "23 Februari 2026 10.00 WIB"]
    assert rows(ws, 5) == [["Tidak ada masalah", None, None, None, None]]
    assert ws["F2"].value.startswith('=IF($B2="","",HYPERLINK(')  # no link on that row: B is empty
    assert ws.column_dimensions["E"].width < ws.column_dimensions["D"].width  # Kode: narrow, secondary
    assert ws["E2"].font.color.rgb.endswith("808080")

    # A problem: the message next to its level, the Kode after it, and the builder's link opening its cell.
    edit(demo_tracker, lambda wb: wb[layout.step_sheet(5)].__setitem__("C13", "31/02/2026 10.00"))
    assert lkj(capsys, "refresh", demo_tracker, "--as-of", AS_OF)[0] == 1
    ws = openpyxl.load_workbook(demo_tracker)[layout.SHEET_PROBLEMS]
    found = rows(ws, 5)
    assert len(found) == 1 and found[0][:3] == ["Langkah 5", "C13", "Kesalahan"]
    assert "31/02/2026" in found[0][3] and found[0][4] == "tanggal_tidak_terbaca"
    assert ws["F2"].value.startswith('=IF($B2="","",HYPERLINK("#"&"\'"&SUBSTITUTE($A2')
    cached = openpyxl.load_workbook(demo_tracker, data_only=True)[layout.SHEET_PROBLEMS]
    assert cached["F2"].value == "Buka" and cached["F3"].value in ("", None)


def as_layout_2(path: Path) -> Path:
    """``path`` as layout 2 made it: version 2, Riwayat without "Keadaan per", Masalah with the Kode before the
    Pesan and nothing in H:I."""
    def change(wb):
        settings = wb[layout.SHEET_SETTINGS]
        settings.cell(layout.settings_row(layout.P_VERSION), 2).value = 2
        history = wb[layout.SHEET_HISTORY]
        history["E1"] = None
        history.append([datetime(2026, 1, 5, 9, 0), "budi", "Hitung Batas Waktu", "baris lama"])
        problems = wb[layout.SHEET_PROBLEMS]
        problems["D1"], problems["E1"] = layout.M_CODE, layout.M_MESSAGE
        for cell in ("H1", "I1", "H2", "I2"):
            problems[cell] = None
    return edit(path, change)


def test_a_layout_2_tracker_still_works_and_upgrades(demo_tracker, capsys, tmp_path):
    old = as_layout_2(demo_tracker)
    edit(old, lambda wb: wb[layout.step_sheet(5)].__setitem__("C13", "31/02/2026 10.00"))
    code, out = lkj(capsys, "refresh", old, "--as-of", AS_OF)
    assert code == 1
    assert out.count("lkj upgrade") == 1 and "tata letak versi 2 (sekarang versi 3)" in out
    wb = openpyxl.load_workbook(old)
    problems = wb[layout.SHEET_PROBLEMS]
    found = rows(problems, 5)
    # its own order: Kode in D, Pesan in E
    assert [r[3] for r in found] == ["tata_letak_lama", "tanggal_tidak_terbaca"]
    assert "lkj upgrade" in found[0][4] and "31/02/2026" in found[1][4]
    assert openpyxl.load_workbook(old, data_only=True)[layout.SHEET_PROBLEMS]["F2"].value == "Buka"
    history = wb[layout.SHEET_HISTORY]
    assert rows(history, 5) == [
        [datetime(2026, 1, 5, 9, 0), "budi", "Hitung Batas Waktu", "baris lama", None],
        [NOW, history["B3"].value, "Hitung Batas Waktu",
         "Tahun 2025: 4 dari 8 langkah selesai, 1 kesalahan, 1 peringatan (keadaan per 23 Februari 2026 10.00)",
         None]]

    new = tmp_path / "baru.xlsx"
    upgrade_tracker(old, new)
    wb = openpyxl.load_workbook(new)
    assert wb[layout.SHEET_SETTINGS].cell(layout.settings_row(layout.P_VERSION), 2).value == 3
    history = wb[layout.SHEET_HISTORY]
    assert [c.value for c in history[1]][:5] == list(layout.HISTORY_HEADERS)
    assert [r[3] for r in rows(history, 5)] == [
        "baris lama",
        "Tahun 2025: 4 dari 8 langkah selesai, 1 kesalahan, 1 peringatan (keadaan per 23 Februari 2026 10.00)"]
    assert [c.value for c in wb[layout.SHEET_PROBLEMS][1]][:5] == list(layout.PROBLEM_HEADERS)
    code, out = lkj(capsys, "refresh", new, "--as-of", AS_OF)
    assert "lkj upgrade" not in out
    history = openpyxl.load_workbook(new)[layout.SHEET_HISTORY]
    assert rows(history, 5)[-1][4] == datetime(2026, 2, 23, 10, 0)
