"""A step sheet's title line (A1, "Langkah 4 dari 9 - SOP 3.1.2.6 ...") follows the SOP: after `lkj sop terapkan`
inserted a step and renumbered the rest, every step sheet's title names its number and the new count once refreshed
(before, "Langkah 5" still said "Langkah 4 dari 8").  The title is the engine's only while it holds the builder's
form: a title a person rewrote stays theirs; a sheet waiting for terapkan (its top block kept as evidence) keeps its
title too.  Real files, reopened and read cell by cell."""

from __future__ import annotations

import openpyxl

from lkj_xl.cli import main
from lkj_xl.workbook import layout

from test_any_sop import add_sop_row

AS_OF = "2026-02-23T10:00"
H = layout.SOP_TABLE_HEADER_ROW
NEW_STEP = "Memeriksa kelengkapan data capaian kinerja dari setiap bidang"


def lkj(capsys, *args) -> tuple[int, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out + err


def _insert_step_4(wb) -> None:
    """What the admin does: a row added under tblSOP, the texts of steps 4-8 moved down one row, the new step
    typed as step 4 (the numbers keep running 1-9)."""
    ws = wb[layout.SHEET_SOP]
    add_sop_row(wb, 9, "x", "JFU", "1 jam")
    rows = {n: [ws.cell(H + n, c).value for c in range(2, 10)] for n in range(4, 9)}
    for n in range(8, 3, -1):
        for offset, value in enumerate(rows[n], start=2):
            ws.cell(H + n + 1, offset).value = value
    for c in range(2, 10):
        ws.cell(H + 4, c).value = None
    columns = {ws.cell(H, c).value: c for c in range(1, 12)}
    ws.cell(H + 4, columns[layout.S_URAIAN]).value = NEW_STEP
    ws.cell(H + 4, columns[layout.S_PELAKSANA]).value = "Sekretaris"
    ws.cell(H + 4, columns[layout.S_WAKTU]).value = "2 hari kerja"


def _titles(path) -> dict[str, str]:
    wb = openpyxl.load_workbook(path)
    return {name: wb[name]["A1"].value for name in wb.sheetnames if layout.step_of_sheet(name) is not None}


def test_titles_follow_an_inserted_step(templates, tmp_path, capsys):
    path = templates.copy(templates.demo(), tmp_path, "LKj_judul.xlsx")
    wb = openpyxl.load_workbook(path)
    _insert_step_4(wb)
    wb[layout.step_sheet(2)]["A1"] = "Langkah 2: disposisi (judul ketikan sendiri)"
    wb.save(path)

    code, out = lkj(capsys, "refresh", path, "--as-of", AS_OF)
    assert code == 1 and "`lkj sop terapkan LKj_judul.xlsx`" in out, out  # the command names this workbook
    waiting = _titles(path)
    assert waiting[layout.step_sheet(5)].startswith("Langkah 5 dari 8 - SOP"), waiting  # evidence: left alone

    code, out = lkj(capsys, "sop", "terapkan", path)
    assert code == 0, out
    lkj(capsys, "refresh", path, "--as-of", AS_OF)
    titles = _titles(path)
    assert len(titles) == 9
    for number in (1, 3, 4, 5, 6, 7, 8, 9):
        assert titles[layout.step_sheet(number)].startswith(f"Langkah {number} dari 9 - SOP 3.1.2.6 "), titles
    assert titles[layout.step_sheet(2)] == "Langkah 2: disposisi (judul ketikan sendiri)"
