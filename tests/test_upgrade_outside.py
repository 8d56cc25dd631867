"""``lkj upgrade`` keeps what a person typed OUTSIDE the tables of the layout's sheets: a note below a step table, a
formula beside the top block, a remark under tblSOP or beside Pengaturan's table, a cell coloured by hand, a comment
on an empty cell, a link, a merged block, a name a person defined.  Each lands in the same cell of the new file with
its value, formula-or-text, number format, look and comment; rows of a step table stay on their rows (a note beside
a row still sits beside it).  For .xlsx and .xlsm, reopened and checked cell by cell."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName

from lkj_xl.authoring.upgrade import upgrade_tracker
from lkj_xl.workbook import layout

from conftest import ROW, table_grown_as_excel_does, type_in, typed_cells

YELLOW = "FFFFFF00"
#: sheet -> cell -> (value, data type); a note typed outside every table the layout has on that sheet
NOTES: dict[str, dict[str, tuple[object, str]]] = {
    "Langkah 3": {"J26": ("Rapat evaluasi 5 Februari: data Irban II menyusul", "s"),  # the brief's example
                  "P5": ("=B13+1", "f"),  # a formula beside the top block
                  "C2": (12.5, "n")},
    "Langkah 1": {"A30": ("Paraf Sekretaris", "s"),  # under the Tahun column, a gap below the table
                  "O20": ("=COUNTA(B13:B14)", "f")},
    "Langkah 8": {"R1": ("=awal", "s")},  # text that looks like a formula stays text
    layout.SHEET_SOP: {"B32": ("Catatan revisi SOP: langkah 3 dipersingkat tahun depan", "s"),  # below tblSOP
                       "Q20": ("cek bagan", "s"), "L2": ("revisi ke-2", "s")},
    layout.SHEET_SETTINGS: {"I5": ("ditetapkan rapat 3 Jan", "s"),  # beside Pengaturan's table
                            "K25": ("jam kerja dari BKD", "s"), "A50": ("catatan admin", "s")},
    layout.SHEET_STAFF: {"I5": ("mutasi Maret", "s"), "J1": (2026, "n")},
    layout.SHEET_HOLIDAYS: {"H4": ("cek SKB terbaru", "s")},
    layout.SHEET_EVALUATION: {"I6": ("ditanyakan ke penilai", "s")},
}
#: a cell coloured by hand (no value), a comment on an empty cell, a link, a merged block
FILLED = ("Langkah 3", "Q20")
COMMENTED = (layout.SHEET_SOP, "L10")
LINKED = (layout.SHEET_STAFF, "I5")
MERGED = ("Langkah 3", "J26:L26")
NAME = "CatatanRapat"


def _type_notes(path: Path) -> Path:
    wb = openpyxl.load_workbook(path)
    for sheet, cells in NOTES.items():
        ws = wb[sheet]
        for address, (value, kind) in cells.items():
            ws[address] = value
            ws[address].data_type = kind
    ws = wb["Langkah 3"]
    ws["J26"].font = Font(bold=True, color="FFC00000")
    ws["J26"].fill = PatternFill("solid", fgColor="FFDDEBF7")
    ws.merge_cells(MERGED[1])
    ws["C2"].number_format = "0.00"
    ws[FILLED[1]].fill = PatternFill("solid", fgColor=YELLOW)
    wb[COMMENTED[0]][COMMENTED[1]].comment = Comment("Jabatan baru mulai 2026", "Admin")
    wb[LINKED[0]][LINKED[1]].hyperlink = "https://bkd.madiunkota.go.id/mutasi"
    wb.defined_names[NAME] = DefinedName(NAME, attr_text="'Langkah 3'!$J$26")
    # Langkah 4: two cycles with an empty row between them, and a note beside the second one
    ws = wb["Langkah 4"]
    table_grown_as_excel_does(ws, layout.step_table(4), rows=2)
    type_in(ws, ROW + 2, {layout.F_YEAR: 2024, layout.F_CATATAN: "siklus lalu"})
    ws.cell(ROW + 2, len(layout.STEP_HEADERS) + 3).value = "<- diisi ulang dari arsip"
    wb.save(path)
    return path


@pytest.fixture(params=["xlsx", "xlsm"])
def noted(request, templates, tmp_path) -> Path:
    """The demo tracker with the notes typed in; its macro build for .xlsm (openpyxl's keep_vba writes a comment's
    drawing twice, so the notes are typed into the .xlsx and the workbook made macro-enabled as the build does)."""
    from lkj_xl.authoring.xlsm import build_xlsm

    xlsx = templates.made("noted-xlsx", lambda folder: _type_notes(templates.copy(templates.demo(), folder,
                                                                                     "LKj_catatan.xlsx")))
    if request.param == "xlsm":
        xlsm = templates.made("noted-xlsm", lambda folder: build_xlsm(xlsx, folder / "LKj_catatan.xlsm"))
        return templates.copy(xlsm, tmp_path)
    return templates.copy(xlsx, tmp_path)


def _look(cell) -> tuple:
    return (cell.value, cell.data_type, cell.number_format, cell.font.b, cell.font.color.rgb if cell.font.color else None,
            cell.fill.fill_type, cell.fill.fgColor.rgb, cell.comment.text if cell.comment else None,
            cell.hyperlink.target if cell.hyperlink else None)


def test_every_cell_typed_outside_the_tables_is_carried(noted, tmp_path):
    new = tmp_path / f"LKj_baru{noted.suffix}"
    report = upgrade_tracker(noted, new)
    assert report.not_carried == (), report
    if noted.suffix == ".xlsm":
        from lkj_xl.files.macro_check import verify_xlsm

        assert verify_xlsm(new) == []
    keep_vba = noted.suffix == ".xlsm"
    old_wb, new_wb = openpyxl.load_workbook(noted, keep_vba=keep_vba), openpyxl.load_workbook(new, keep_vba=keep_vba)
    for sheet, cells in NOTES.items():
        for address, (value, kind) in cells.items():
            cell = new_wb[sheet][address]
            assert (cell.value, cell.data_type) == (value, kind), (sheet, address)
            assert _look(cell) == _look(old_wb[sheet][address]), (sheet, address)
    for sheet, address in (FILLED, COMMENTED, LINKED):
        assert _look(new_wb[sheet][address]) == _look(old_wb[sheet][address]), (sheet, address)
    assert new_wb[FILLED[0]][FILLED[1]].fill.fgColor.rgb == YELLOW
    assert new_wb[COMMENTED[0]][COMMENTED[1]].comment.text == "Jabatan baru mulai 2026"
    assert MERGED[1] in {str(r) for r in new_wb[MERGED[0]].merged_cells.ranges}
    assert new_wb.defined_names[NAME].attr_text == "'Langkah 3'!$J$26"
    # every cell a person types on the layout's sheets, where it was, with its format (typed_cells: step sheets
    # without the computed columns and top block values, SOP, Pengaturan, Hari Libur, Pegawai)
    assert typed_cells(new) == typed_cells(noted)
    # the second cycle of Langkah 4 stays on its row, beside its note, inside the table
    ws = new_wb["Langkah 4"]
    assert ws.cell(ROW + 2, 1).value == 2024 and ws.cell(ROW + 1, 1).value is None
    assert ws.cell(ROW + 2, len(layout.STEP_HEADERS) + 3).value == "<- diisi ulang dari arsip"
    assert ws.tables[layout.step_table(4)].ref == f"A{layout.STEP_TABLE_HEADER_ROW}:N{ROW + 2}"


def test_a_note_where_the_newer_layout_puts_a_table_is_listed_and_exits_1(templates, tmp_path, capsys):
    """A layout-2 tracker had no flow table beside tblSOP: a note typed at SOP!N22 sits where layout 3 puts
    tblAlurSOP.  It cannot go to that cell: the upgrade names it and exits 1; every other note still arrives."""
    from lkj_xl.cli import main
    from lkj_xl.core.errors import EXIT_DATA

    old = templates.copy(templates.demo(), tmp_path, "LKj_v2.xlsx")
    wb = openpyxl.load_workbook(old)
    ws = wb[layout.SHEET_SOP]
    del ws.tables["tblAlurSOP"]
    for row in ws.iter_rows(min_row=layout.SOP_TABLE_TITLE_ROW, max_row=40, min_col=layout.FLOW_COLUMN,
                            max_col=layout.FLOW_COLUMN + 3):
        for cell in row:
            cell.value = None
    ws["N22"] = "tanya Sekretaris soal langkah 3"
    ws["B32"] = "catatan di bawah tabel"
    wb[layout.SHEET_SETTINGS].cell(layout.settings_row(layout.P_VERSION), 2).value = 2
    wb.save(old)
    new = tmp_path / "LKj_v3.xlsx"
    assert main(["upgrade", str(old), str(new)]) == EXIT_DATA
    out = capsys.readouterr().out
    assert "TIDAK IKUT (1)" in out and "sel SOP!N22 (\"tanya Sekretaris soal langkah 3\")" in out, out
    ws = openpyxl.load_workbook(new)[layout.SHEET_SOP]
    assert ws["N22"].value != "tanya Sekretaris soal langkah 3" and ws["B32"].value == "catatan di bawah tabel"


def test_a_layout_text_a_person_changed_stays_theirs(templates, tmp_path):
    """Pengaturan's "Keterangan / Sumber" beside a setting: the admin wrote their own source there."""
    old = templates.copy(templates.demo(), tmp_path, "LKj.xlsx")
    row = layout.settings_row(layout.P_DUE_SOON)
    wb = openpyxl.load_workbook(old)
    wb[layout.SHEET_SETTINGS].cell(row, 3).value = "Diputuskan rapat pimpinan 3 Januari 2026"
    wb.save(old)
    report = upgrade_tracker(old, tmp_path / "baru.xlsx")
    assert report.not_carried == ()
    ws = openpyxl.load_workbook(tmp_path / "baru.xlsx")[layout.SHEET_SETTINGS]
    assert ws.cell(row, 3).value == "Diputuskan rapat pimpinan 3 Januari 2026"
    assert typed_cells(tmp_path / "baru.xlsx") == typed_cells(old)


def test_what_openpyxl_cannot_see_is_listed_and_rich_text_keeps_its_runs(templates, tmp_path, capsys):
    """A text box, a threaded comment, sparklines, an Excel 2010 validation list and the printer driver's settings
    are dropped by any openpyxl rebuild: upgrade names each with its sheet (exit 1).  Rich text in a cell arrives with its runs."""
    import excel_parts as xp
    from lkj_xl.cli import main
    from lkj_xl.core.errors import EXIT_DATA

    old = templates.copy(templates.demo(), tmp_path, "LKj.xlsx")
    xp.add_drawing(old, layout.step_sheet(3))
    xp.add_threaded_comment(old, layout.step_sheet(2), "G13")
    xp.add_sparklines(old, layout.SHEET_SOP, "L20", "SOP!A20:A27")
    xp.add_x14_validation(old, layout.SHEET_STAFF, "I4:I10", "'SOP'!$K$4:$K$8")
    xp.add_rich_text_cell(old, layout.step_sheet(4), "J20")
    xp.add_printer_settings(old, layout.step_sheet(5))
    new = tmp_path / "baru.xlsx"
    assert main(["upgrade", str(old), str(new)]) == EXIT_DATA
    out = capsys.readouterr().out
    for item in ("lembar \"Langkah 3\": 1 bentuk/kotak teks", "lembar \"Langkah 3\": 1 gambar/grafik",
                 "lembar \"Langkah 5\": pengaturan khusus printer",
                 "lembar \"Langkah 2\": komentar berutas", "lembar \"SOP\": sparkline",
                 "lembar \"Pegawai\": validasi data (daftar dari lembar lain)"):
        assert item in out, (item, out)
    before = openpyxl.load_workbook(old, rich_text=True)[layout.step_sheet(4)]["J20"].value
    after = openpyxl.load_workbook(new, rich_text=True)[layout.step_sheet(4)]["J20"].value
    assert [(b.text, b.font.b) for b in after] == [(b.text, b.font.b) for b in before] and len(before) == 3
