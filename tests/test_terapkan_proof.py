"""`lkj sop terapkan` proves its save: the rebuilt workbook against the original, part by part (every relationship
of the package, the workbook and each sheet must be of a kind it carries and checks; sheet extensions; the VBA
modules) and every sheet a person uses cell by cell (value, formula-or-text, format, comment, link) and by its
properties (merged cells, sizes, validation, conditional formats, print set-up, tables, names).  Whatever Excel
added that the rebuild cannot carry stops it, named with its sheet, and the file keeps its bytes."""

from __future__ import annotations

import openpyxl
import pytest

import excel_parts as xp
from lkj_xl.workbook import layout
from test_any_sop import add_sop_row
from test_cli import lkj


def _with_new_step(templates, tmp_path, kind: str = "xlsx"):
    demo = templates.demo()
    source = templates.xlsm(demo) if kind == "xlsm" else demo
    path = templates.copy(source, tmp_path)
    wb = openpyxl.load_workbook(path, keep_vba=kind == "xlsm")
    add_sop_row(wb, 9, "Mengarsipkan tanda terima pengiriman LKj", "JFU", "30 menit")
    wb.save(path)
    return path


@pytest.mark.parametrize("added, named", [
    (lambda p: xp.add_drawing(p, layout.step_sheet(3)), "\"Langkah 3\""),
    (lambda p: xp.add_threaded_comment(p, layout.step_sheet(2), "G13"), "komentar berutas pada lembar \"Langkah 2\""),
    (lambda p: xp.add_sparklines(p, layout.SHEET_SOP, "L20", "SOP!A20:A27"), "sparkline pada lembar \"SOP\""),
    (lambda p: xp.add_x14_validation(p, layout.SHEET_STAFF, "I4:I10", "'SOP'!$K$4:$K$8"),
     "validasi data (daftar dari lembar lain) pada lembar \"Pegawai\""),
], ids=["drawing", "threaded-comment", "sparklines", "x14-validation"])
def test_what_the_rebuild_cannot_carry_stops_terapkan_and_is_named(templates, tmp_path, capsys, added, named):
    path = _with_new_step(templates, tmp_path)
    added(path)
    data = path.read_bytes()
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 2 and named in err and ("belum diubah" in err or "tidak diubah" in err), err
    assert path.read_bytes() == data and not (tmp_path / "Cadangan LKj").exists()


def test_a_text_box_alone_is_named_by_the_proof(templates, tmp_path, capsys):
    """openpyxl does not see a text box (only pictures and charts): the part check does."""
    import zipfile

    path = _with_new_step(templates, tmp_path)
    drawing = xp.add_drawing(path, layout.step_sheet(3))["drawing"]
    from lxml import etree

    with xp.package(path) as pkg:  # the picture taken out of the drawing: a text box alone
        root = etree.fromstring(pkg.parts[drawing])
        for anchor in list(root):
            if any(etree.QName(child).localname == "pic" for child in anchor):
                root.remove(anchor)
        pkg.parts[drawing] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    assert b"pic>" not in zipfile.ZipFile(path).read(drawing) and b"txBox" in zipfile.ZipFile(path).read(drawing)
    data = path.read_bytes()
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 2 and "gambar, bentuk, kotak teks atau grafik pada lembar \"Langkah 3\"" in err, err
    assert path.read_bytes() == data


def test_rich_text_typed_in_a_cell_keeps_its_runs(templates, tmp_path, capsys):
    path = _with_new_step(templates, tmp_path)
    xp.add_rich_text_cell(path, layout.step_sheet(4), "J20")
    before = openpyxl.load_workbook(path, rich_text=True)[layout.step_sheet(4)]["J20"].value
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 0, out + err
    after = openpyxl.load_workbook(path, rich_text=True)[layout.step_sheet(4)]["J20"].value
    assert [(b.text, b.font.b, b.font.i) for b in after] == [(b.text, b.font.b, b.font.i) for b in before]
    assert len(before) == 3


def test_macro_code_a_person_wrote_stops_terapkan(templates, tmp_path, capsys):
    from pyopenvba import ExcelFile

    path = _with_new_step(templates, tmp_path, "xlsm")
    book = ExcelFile(path)
    book.set_module("shLangkah2", "Private Sub Worksheet_Change(ByVal Target As Range)\n    Beep\nEnd Sub\n")
    book.save()
    book.close()
    data = path.read_bytes()
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 2 and "kode modul makro shLangkah2 berbeda" in err, err
    assert path.read_bytes() == data


def test_a_macro_workbook_gets_its_new_step_with_every_module_proved(templates, tmp_path, capsys):
    from pyopenvba import ExcelFile

    path = _with_new_step(templates, tmp_path, "xlsm")
    before = ExcelFile(path)
    modules = before.vba_modules()
    before.close()
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 0, out + err
    after = ExcelFile(path)
    now = after.vba_modules()
    after.close()
    assert set(modules) < set(now) and all(now[name] == text for name, text in modules.items())
    assert layout.step_sheet(9) in openpyxl.load_workbook(path, keep_vba=True).sheetnames


def test_printer_settings_the_rebuild_drops_are_said(templates, tmp_path, capsys):
    """A step sheet printed once in Excel holds the printer driver's settings; the rebuild cannot keep them (openpyxl
    drops the part): terapkan goes on, since paper size, orientation and margins are carried, and says so."""
    path = _with_new_step(templates, tmp_path)
    xp.add_printer_settings(path, layout.step_sheet(2))
    assert xp.package_problems(path) == []
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 0, err
    assert "Tidak terbawa: pengaturan khusus printer" in out and "\"Langkah 2\"" in out.split("Tidak terbawa")[1]
