"""Steps reordered or renumbered in tblSOP.  A step is known by its number, and each ``Langkah N`` sheet's top block
holds the Uraian it was built (or last refreshed) for: when tblSOP's row N now holds the Uraian another sheet was
built for, or the numbers in tblSOP go down, refresh reports a located structure problem naming `lkj sop terapkan`
and leaves the evidence (the top block) alone; `lkj sop terapkan` moves every sheet's entries, notes and comments to
the step's new number, or refuses saying what to do.  Entries never shift silently."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.comments import Comment

from conftest import typed_cells
from lkj_xl.workbook import layout
from test_cli import lkj

AS_OF = "2026-02-23T10:00"
HEADER = layout.SOP_TABLE_HEADER_ROW
TOP = f"B{layout.STEP_HEADER_FIRST_ROW}"  # the top block's Uraian


def _sop_row(number: int) -> int:
    return HEADER + number


def _renumber(wb, pairs: dict[int, int]) -> None:
    """What the admin does to reorder steps: move the rows' texts, keep the numbers running (old -> new number)."""
    ws = wb[layout.SHEET_SOP]
    rows = {old: [ws.cell(_sop_row(old), c).value for c in range(2, 10)] for old in pairs}
    for old, new in pairs.items():
        for offset, value in enumerate(rows[old], start=2):
            ws.cell(_sop_row(new), offset).value = value


def _sheet_cells(cells: dict, sheet: str) -> dict:
    return {k[1]: v for k, v in cells.items() if k[0] == sheet and k[1] != "A1"}


def _noted(templates, tmp_path) -> Path:
    path = templates.copy(templates.demo(), tmp_path)
    wb = openpyxl.load_workbook(path)
    wb[layout.step_sheet(3)]["J20"] = "catatan milik langkah 3 lama"
    wb[layout.step_sheet(4)]["B13"].comment = Comment("diterima lewat e-mail", "Admin")
    wb.save(path)
    return path


def test_two_steps_swapped_are_reported_then_moved_with_their_entries(templates, tmp_path, capsys):
    path = _noted(templates, tmp_path)
    wb = openpyxl.load_workbook(path)
    old3, old4 = (wb[layout.SHEET_SOP].cell(_sop_row(n), 2).value for n in (3, 4))
    _renumber(wb, {3: 4, 4: 3})
    wb.save(path)
    before = typed_cells(path)

    code, out, _ = lkj(capsys, "refresh", path, "--as-of", AS_OF)
    assert code == 1
    lines = [line for line in out.splitlines() if "dibuat untuk langkah yang" in line]
    assert len(lines) == 2, out
    assert lines[0].startswith(f"[Kesalahan] SOP!A{_sop_row(3)}:") and "\"Langkah 3\"" in lines[0] \
        and "kini bernomor 4" in lines[0] and "`lkj sop terapkan" in lines[0], lines
    wb = openpyxl.load_workbook(path)
    assert wb[layout.step_sheet(3)][TOP].value == old3 and wb[layout.step_sheet(4)][TOP].value == old4  # kept
    problems = wb[layout.SHEET_PROBLEMS]
    message = layout.PROBLEM_HEADERS.index(layout.M_MESSAGE) + 1
    assert sum("kini bernomor" in str(problems.cell(r, message).value) for r in range(2, 40)) == 2

    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 0, out + err
    assert "lembar \"Langkah 4\" -> \"Langkah 3\"" in out and "lembar \"Langkah 3\" -> \"Langkah 4\"" in out, out
    after = typed_cells(path)
    wb = openpyxl.load_workbook(path)
    assert wb[layout.step_sheet(3)][TOP].value == old4 and wb[layout.step_sheet(4)][TOP].value == old3
    # every cell typed on the old Langkah 4 is on the new Langkah 3 and the other way round, with its format
    assert _sheet_cells(after, layout.step_sheet(3)) == _sheet_cells(before, layout.step_sheet(4))
    assert _sheet_cells(after, layout.step_sheet(4)) == _sheet_cells(before, layout.step_sheet(3))
    assert wb[layout.step_sheet(4)]["J20"].value == "catatan milik langkah 3 lama"
    assert wb[layout.step_sheet(3)]["B13"].comment.text == "diterima lewat e-mail"
    others = [layout.step_sheet(n) for n in (1, 2, 5, 6, 7, 8)] + [layout.SHEET_SOP, layout.SHEET_SETTINGS,
                                                                   layout.SHEET_STAFF, layout.SHEET_HOLIDAYS]
    # the flow rows stay where they are and take their step's new number (workbook.renumber)
    flow = {f"M{_sop_row(3)}": f"M{_sop_row(4)}", f"M{_sop_row(4)}": f"M{_sop_row(3)}"}
    for sheet in others:
        now, then = _sheet_cells(after, sheet), _sheet_cells(before, sheet)
        if sheet == layout.SHEET_SOP:
            assert {cell: now[cell] for cell in flow} == {cell: then[other] for cell, other in flow.items()}
            now, then = ({k: v for k, v in cells.items() if k not in flow} for cells in (now, then))
        assert now == then, sheet
    code, out, _ = lkj(capsys, "refresh", path, "--as-of", AS_OF)
    assert "dibuat untuk langkah yang" not in out and "terapkan" not in out, out


def test_rows_of_tblsop_out_of_order_are_reported_and_terapkan_refuses(templates, tmp_path, capsys):
    path = templates.copy(templates.demo(), tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.SHEET_SOP]
    three, four = ([ws.cell(_sop_row(n), c).value for c in range(1, 10)] for n in (3, 4))
    for column in range(1, 10):  # the admin moved the row of step 4 above step 3, numbers and all
        ws.cell(_sop_row(3), column).value, ws.cell(_sop_row(4), column).value = four[column - 1], three[column - 1]
    wb.save(path)
    code, out, _ = lkj(capsys, "validate", path, "--as-of", AS_OF)
    line = next(line for line in out.splitlines() if "tidak berurutan" in line)
    assert line.startswith("[Kesalahan] SOP!A") and "langkah 4 (baris 22) berada di atas langkah 3 (baris 23)" in line
    assert "`lkj sop terapkan" in line
    data = path.read_bytes()
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 2 and "tidak berurutan" in err and "beri nomor baru" in err and "tidak diubah" in err, err
    assert path.read_bytes() == data


def test_a_step_taken_out_with_the_rest_renumbered_moves_every_sheet_down(templates, tmp_path, capsys):
    path = templates.copy(templates.demo(), tmp_path)
    wb = openpyxl.load_workbook(path)
    for row in wb[layout.step_sheet(3)].iter_rows(min_row=layout.STEP_TABLE_HEADER_ROW + 1, max_col=7):
        for cell in row:
            cell.value = None  # step 3 was never worked on
    _renumber(wb, {n: n - 1 for n in range(4, 9)})
    for column in range(1, 10):
        wb[layout.SHEET_SOP].cell(_sop_row(8), column).value = None
    wb.save(path)
    before = typed_cells(path)
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 0, out + err
    assert "Dihapus (kosong" in out and "lembar \"Langkah 3\"" in out
    wb = openpyxl.load_workbook(path)
    assert [n for n in wb.sheetnames if layout.step_of_sheet(n)] == [layout.step_sheet(n) for n in range(1, 8)]
    after = typed_cells(path)
    for new in range(3, 8):
        assert _sheet_cells(after, layout.step_sheet(new)) == _sheet_cells(before, layout.step_sheet(new + 1)), new


def test_a_renumbered_step_whose_displaced_sheet_holds_entries_is_refused(templates, tmp_path, capsys):
    path = templates.copy(templates.demo(), tmp_path)
    wb = openpyxl.load_workbook(path)
    _renumber(wb, {n: n - 1 for n in range(4, 9)})  # step 3 deleted, but Langkah 3 holds its entry
    for column in range(1, 10):
        wb[layout.SHEET_SOP].cell(_sop_row(8), column).value = None
    wb.save(path)
    data = path.read_bytes()
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 2 and "\"Langkah 3\"" in err and "berisi isian" in err and "tidak diubah" in err, err
    assert path.read_bytes() == data


def test_the_ribbon_reports_swapped_steps_and_keeps_the_top_blocks(templates, tmp_path, monkeypatch):
    import test_ribbon
    from lkj_xl import ribbon
    from test_ribbon import live_result
    from xlwings_payload import json_engine_xlwings

    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")  # as test_ribbon's _engine fixture does
    monkeypatch.setenv(ribbon.LOG_DIR_ENV, str(tmp_path / "log"))
    monkeypatch.setattr(test_ribbon, "xw", json_engine_xlwings())
    path = templates.copy(templates.demo(), tmp_path)
    wb = openpyxl.load_workbook(path)
    old3 = wb[layout.SHEET_SOP].cell(_sop_row(3), 2).value
    _renumber(wb, {3: 4, 4: 3})
    wb.save(path)
    live, applied, _ = live_result(path, "refresh", monkeypatch, tmp_path)
    wb = openpyxl.load_workbook(live)
    problems = wb[layout.SHEET_PROBLEMS]
    rows = [dict(zip(layout.PROBLEM_HEADERS, (problems.cell(r, c).value for c in range(1, 6)))) for r in range(2, 40)]
    found = [row for row in rows if row[layout.M_CODE] == "struktur_sop_berubah"]
    assert [(row[layout.M_SHEET], row[layout.M_CELL]) for row in found] == \
        [(layout.SHEET_SOP, f"A{_sop_row(3)}"), (layout.SHEET_SOP, f"A{_sop_row(4)}")], rows
    assert all("`lkj sop terapkan" in row[layout.M_MESSAGE] for row in found)
    assert wb[layout.step_sheet(3)][TOP].value == old3  # the evidence stays for terapkan
    if hasattr(test_ribbon.xw.Book, "_mock_caller"):
        del test_ribbon.xw.Book._mock_caller


# --- a renumbering and a rewording in one change -------------------------------------------------------------------

REWORDED_3 = ("Menerima disposisi dan arahan Sekretaris, lalu memerintahkan JFU menyiapkan bahan penyusunan Laporan "
              "Kinerja (LKj)")


def test_swapped_steps_one_also_reworded_follow_the_clear_match_and_say_so(templates, tmp_path, capsys):
    path = _noted(templates, tmp_path)
    wb = openpyxl.load_workbook(path)
    old3 = wb[layout.SHEET_SOP].cell(_sop_row(3), 2).value
    _renumber(wb, {3: 4, 4: 3})
    wb[layout.SHEET_SOP].cell(_sop_row(4), 2).value = REWORDED_3  # the old step 3, now 4, reworded too
    wb.save(path)
    before = typed_cells(path)

    code, out, _ = lkj(capsys, "refresh", path, "--as-of", AS_OF)
    assert code == 1
    line = next(line for line in out.splitlines() if "dianggap langkah 4" in line)
    assert line.startswith(f"[Kesalahan] SOP!A{_sop_row(3)}:") and "\"Langkah 3\"" in line and "% sama" in line \
        and "`lkj sop terapkan" in line, line
    assert any("\"Langkah 4\"" in l and "kini bernomor 3" in l for l in out.splitlines()), out
    wb = openpyxl.load_workbook(path)
    assert wb[layout.step_sheet(3)][TOP].value == old3  # the evidence is kept

    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 0, out + err
    line = next(line for line in out.splitlines() if "Uraian juga diubah" in line)
    assert "lembar \"Langkah 3\" dibuat untuk \"Menerima disposisi dan arahan Sekretaris dan memerintahka" in line \
        and "dianggap langkah 4 \"Menerima disposisi dan arahan Sekretaris, lalu" in line \
        and "(uraian 92% sama)" in line, line
    after = typed_cells(path)
    assert _sheet_cells(after, layout.step_sheet(4)) == _sheet_cells(before, layout.step_sheet(3))
    assert _sheet_cells(after, layout.step_sheet(3)) == _sheet_cells(before, layout.step_sheet(4))
    assert openpyxl.load_workbook(path)[layout.step_sheet(4)]["J20"].value == "catatan milik langkah 3 lama"
    code, out, _ = lkj(capsys, "refresh", path, "--as-of", AS_OF)
    assert "terapkan" not in out, out
    assert openpyxl.load_workbook(path)[layout.step_sheet(4)][TOP].value == REWORDED_3


def test_a_rewording_alike_two_steps_in_a_renumbering_is_refused_naming_the_candidates(templates, tmp_path, capsys):
    from test_any_sop import add_sop_row

    path = templates.copy(templates.demo(), tmp_path)
    wb = openpyxl.load_workbook(path)
    old6 = wb[layout.SHEET_SOP].cell(_sop_row(6), 2).value
    add_sop_row(wb, 9, "sementara", "JFU", "30 menit")
    _renumber(wb, {n: n + 1 for n in range(4, 9)})  # a step inserted at 4 ...
    ws = wb[layout.SHEET_SOP]
    ws.cell(_sop_row(4), 2).value = old6.replace("beserta draft", "beserta")  # ... alike the old step 6
    ws.cell(_sop_row(7), 2).value = old6.replace("memaraf draft", "memaraf")  # which is reworded too
    wb.save(path)
    data = path.read_bytes()

    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 2 and path.read_bytes() == data, out + err
    assert "Lembar \"Langkah 6\" dibuat untuk \"Menerima, meneliti, memaraf draft" in err, err
    assert "calon: langkah 4 " in err and "; langkah 7 " in err and "% sama" in err, err
    assert "terapkan dulu perubahan nomor dengan uraian lama" in err and "tidak diubah" in err, err
    code, out, _ = lkj(capsys, "validate", path, "--as-of", AS_OF)
    line = next(line for line in out.splitlines() if "tidak jelas langkah mana" in line)
    assert line.startswith(f"[Kesalahan] SOP!A{_sop_row(6)}:") and "calon: langkah 4" in line, line


def test_an_edit_of_an_uraian_alone_stays_an_edit(templates, tmp_path, capsys):
    path = templates.copy(templates.demo(), tmp_path)
    wb = openpyxl.load_workbook(path)
    wb[layout.SHEET_SOP].cell(_sop_row(3), 2).value = REWORDED_3
    wb.save(path)
    code, out, _ = lkj(capsys, "refresh", path, "--as-of", AS_OF)
    assert "terapkan" not in out and "dianggap" not in out, out
    assert openpyxl.load_workbook(path)[layout.step_sheet(3)][TOP].value == REWORDED_3
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 0 and "sudah sesuai" in out, out + err
