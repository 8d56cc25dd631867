"""`lkj sop terapkan` edits the zip package: a step added (its sheet grafted from a fresh build, Laporan rebuilt for the
new number of steps), an empty step sheet removed, steps renumbered (sheets and tables renamed, every byte going
along), and every other part keeps its bytes, proved part by part before the save.

The tracker carries everything Excel lets people add (``excel_parts.add_everything``: a drawing with a text box and a
picture, a rich note, a threaded comment, sparklines, an x14 validation, a sign-off block below a table, a user
sheet), as .xlsx and .xlsm.  Hostile cases: a person's formula pointing at a sheet to rename or remove, a picture on
Laporan, a file saved by LibreOffice, a styles part whose entries Excel put in another order."""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

import excel_parts as xp
from conftest import soffice_convert
from lkj_xl.engines.openpyxl_book import FileBook
from lkj_xl.workbook import layout
from test_any_sop import add_sop_row
from test_cli import lkj
from test_file_engine import _cli
from test_sop_reorder import _renumber

AS_OF = "2026-02-23T10:00"
SCENARIOS = ("add", "remove", "renumber")
#: renumber: the sheets of steps 5 and 6 trade places, Langkah 5 with a drawing (text box and picture) and Langkah 6
#: with a rich note (Langkah 3's sparklines name their own sheet: see the refusal test below)
RENAMED = {layout.step_sheet(5): layout.step_sheet(6), layout.step_sheet(6): layout.step_sheet(5)}


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _change_sop(path: Path, scenario: str) -> None:
    """What the admin does in tblSOP (and, to remove step 8, on its sheet), saved as the engine's tests do."""
    book = FileBook.open(path)
    wb = book.workbook
    if scenario == "add":
        add_sop_row(wb, 9, "Mengarsipkan tanda terima pengiriman LKj", "JFU", "30 menit")
    elif scenario == "remove":
        for column in range(1, 10):
            wb[layout.SHEET_SOP].cell(layout.SOP_TABLE_HEADER_ROW + 8, column).value = None
        for row in wb[layout.step_sheet(8)].iter_rows(min_row=layout.STEP_TABLE_HEADER_ROW + 1,
                                                       max_col=len(layout.STEP_ENTRY_HEADERS)):
            for cell in row:
                cell.value = None
    else:
        _renumber(wb, {5: 6, 6: 5})
    book.save()


@pytest.fixture(scope="module")
def people(templates, tmp_path_factory) -> dict:
    """(kind, scenario) -> (the person's workbook, its items, the copy terapkan ran on, exit code, output)."""
    from lkj_xl.authoring.xlsm import build_xlsm

    found = {}
    for scenario in SCENARIOS:
        folder = tmp_path_factory.mktemp(f"people-{scenario}")
        xlsx = templates.copy(templates.demo(), folder)
        _change_sop(xlsx, scenario)
        xlsm = build_xlsm(xlsx, folder / (xlsx.stem + ".xlsm"))
        for kind, source in (("xlsx", xlsx), ("xlsm", xlsm)):
            items = xp.add_everything(source)
            if scenario == "renumber":
                drawing = xp.add_drawing(source, layout.step_sheet(5))
                items["moved-drawing"] = xp.Item("moved-drawing", "part", part=drawing["drawing"],
                                                 source=layout.step_sheet(5), rel_type=xp.REL_DRAWING)
                note = xp.add_note(source, layout.step_sheet(6), "J20")
                items["moved-note"] = xp.Item("moved-note", "part", part=note["comments"],
                                              source=layout.step_sheet(6), rel_type=xp.REL_COMMENTS)
            ran = tmp_path_factory.mktemp(f"{kind}-{scenario}") / source.name
            shutil.copyfile(source, ran)
            code, output = _cli("sop", "terapkan", str(ran))
            found[(kind, scenario)] = (source, items, ran, code, output)
    return found


def _moved(item: xp.Item, scenario: str) -> xp.Item:
    if scenario != "renumber":
        return item
    return replace(item, sheet=RENAMED.get(item.sheet, item.sheet), source=RENAMED.get(item.source, item.source))


@pytest.mark.parametrize("kind", ["xlsx", "xlsm"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_everything_people_added_keeps_its_bytes(people, kind, scenario):
    source, items, path, code, output = people[(kind, scenario)]
    assert code == 0, output
    for key in items:
        assert xp.fingerprint(path, _moved(items[key], scenario)) == xp.fingerprint(source, items[key]), key
    assert xp.package_problems(path) == [] and xp.worksheet_order_problems(path) == []


def _renumbered_cells(output: str) -> set[tuple[str, str]]:
    """The cells the summary lists as renumbered ("SOP!M27 (tblAlurSOP, Langkah): 8 -> (kosong)")."""
    import re

    block = output.split("ikut diubah", 1)[1].split("Perlu diperiksa", 1)[0] if "ikut diubah" in output else ""
    return set(re.findall(r"^\s+([A-Za-z]+)!([A-Z]+[0-9]+) \(tbl", block, re.MULTILINE))


@pytest.mark.parametrize("kind", ["xlsx", "xlsm"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_only_the_parts_concerned_change(people, kind, scenario):
    from lkj_xl.engines.package_graft import PackageEdit

    source, _, path, _, _ = people[(kind, scenario)]
    before, after = _parts(source), _parts(path)
    edit = PackageEdit(source.read_bytes())
    concerned = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml",
                 "xl/calcChain.xml"}
    if scenario != "renumber":
        concerned |= set(edit.closure(edit.sheet_part(layout.SHEET_REPORT)))
        concerned.add(edit.sheet_part(layout.SHEET_HOME))  # its guide line names the number of steps
        old_home, new_home = (openpyxl.load_workbook(p)[layout.SHEET_HOME] for p in (source, path))
        assert {c.coordinate for row in old_home.iter_rows() for c in row
                if c.value != new_home[c.coordinate].value} == {f"A{layout.BERANDA_INSTRUCTIONS_ROW + 2}"}
    if scenario == "remove":
        gone = set(edit.closure(edit.sheet_part(layout.step_sheet(8))))
        assert not gone & set(after), gone & set(after)
        concerned |= gone
    if scenario == "renumber":
        concerned |= {t for n in (5, 6) for _i, kind_, t in edit.related(edit.sheet_part(layout.step_sheet(n)))
                      if kind_.endswith("/table")}
    renumbered = _renumbered_cells(people[(kind, scenario)][4])
    if renumbered:  # the step numbers typed in tblAlurSOP / tblEvaluasi: exactly the cells the summary lists
        concerned |= {edit.sheet_part(sheet) for sheet, _cell in renumbered}
        old_wb, new_wb = openpyxl.load_workbook(source), openpyxl.load_workbook(path)
        for sheet in {sheet for sheet, _cell in renumbered}:
            differ = {c.coordinate for row in old_wb[sheet].iter_rows() for c in row
                      if c.value != new_wb[sheet][c.coordinate].value}
            assert differ == {cell for s, cell in renumbered if s == sheet}, (sheet, differ)
    changed = {name for name in before if name not in concerned and before[name] != after.get(name)}
    assert changed == set(), changed
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"] if kind == "xlsm" else True
    if scenario == "renumber":  # each sheet part went along with its new name
        new = PackageEdit(path.read_bytes())
        assert new.sheet_part(layout.step_sheet(6)) == edit.sheet_part(layout.step_sheet(5))
        assert new.sheet_part(layout.step_sheet(5)) == edit.sheet_part(layout.step_sheet(6))
        wb = openpyxl.load_workbook(path)
        assert list(wb[layout.step_sheet(6)].tables) == [layout.step_table(6)]
        assert list(wb[layout.step_sheet(5)].tables) == [layout.step_table(5)]


def test_the_sheets_are_in_order_and_refresh_writes_the_new_step(people, tmp_path):
    numbers = {"add": range(1, 10), "remove": range(1, 8), "renumber": range(1, 9)}
    for (kind, scenario), (_, _, path, _, _) in people.items():
        wb = openpyxl.load_workbook(path, keep_vba=kind == "xlsm")
        assert wb.sheetnames[:len(layout.sheet_order(numbers[scenario]))] == layout.sheet_order(numbers[scenario])
        copy = Path(shutil.copy(path, tmp_path / f"{scenario}-{path.name}"))
        code, output = _cli("refresh", str(copy), "--as-of", AS_OF)
        assert code in (0, 1) and "terapkan" not in output and "Traceback" not in output, output
        guide = openpyxl.load_workbook(path)[layout.SHEET_HOME].cell(layout.BERANDA_INSTRUCTIONS_ROW + 2, 1).value
        assert f"(Langkah 1 s.d. Langkah {max(numbers[scenario])})" in guide, guide
        if scenario == "add":
            ws = openpyxl.load_workbook(copy)[layout.step_sheet(9)]
            assert ws[f"B{layout.STEP_HEADER_FIRST_ROW}"].value == "Mengarsipkan tanda terima pengiriman LKj"
            code, output = _cli("report", str(copy), "--as-of", AS_OF)
            assert code in (0, 1), output
            from lkj_xl.workbook.report_sheet import STEPS_FIRST_ROW

            report = openpyxl.load_workbook(copy)[layout.SHEET_REPORT]
            assert [report.cell(STEPS_FIRST_ROW + i, 1).value for i in range(9)] == list(range(1, 10))


def _looks(ws) -> dict:
    return {cell.coordinate: (cell.number_format, repr(cell.font), repr(cell.fill), repr(cell.border),
                              repr(cell.alignment)) for row in ws.iter_rows() for cell in row if cell.has_style}


def _fresh_step(path: Path, folder: Path, number: int):
    from lkj_xl.authoring.builder import build_tracker
    from lkj_xl.engines.package import PackageBook
    from lkj_xl.workbook.reader import load_tracker

    tracker = load_tracker(PackageBook.open(path))
    settings = tracker.settings
    fresh = build_tracker(folder / "fresh.xlsx", year=settings.year, agency=settings.agency,
                          government=settings.government, sop=tracker.sop, settings=settings)
    return openpyxl.load_workbook(fresh)[layout.step_sheet(number)]


@pytest.mark.parametrize("kind", ["xlsx", "xlsm"])
def test_the_new_sheet_looks_as_a_fresh_build(people, kind, tmp_path):
    path = people[(kind, "add")][2]
    ws = openpyxl.load_workbook(path)[layout.step_sheet(9)]
    assert _looks(ws) == _looks(_fresh_step(path, tmp_path, 9))


def test_the_results_open_in_libreoffice(people, tmp_path):
    files = []
    for (kind, scenario), (_, _, path, _, _) in people.items():
        files.append(Path(shutil.copy(path, tmp_path / f"{kind}-{scenario}{path.suffix}")))
    converted = soffice_convert(tmp_path / "profile", files, "xlsx", tmp_path / "out")
    for stem, out in converted.items():
        wb = openpyxl.load_workbook(out)
        if stem.endswith("-add"):
            assert wb[layout.step_sheet(9)]["A1"].value.startswith("Langkah 9 dari 9"), stem
            assert list(wb[layout.step_sheet(9)].tables) == [layout.step_table(9)]
        assert wb[xp.USER_SHEET]["A1"].value is not None, stem


# --- hostile cases --------------------------------------------------------------------------------------------------


def test_a_formula_pointing_at_a_sheet_to_remove_stops_it(templates, tmp_path, capsys):
    path = templates.copy(templates.demo(), tmp_path)
    _change_sop(path, "remove")
    book = FileBook.open(path)
    book.workbook[layout.SHEET_STAFF]["H2"] = f"='{layout.step_sheet(8)}'!A13"  # a person's formula
    book.save()
    data = path.read_bytes()
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 2 and "rumus sel 'Pegawai'!H2" in err and "tidak diubah" in err, err
    assert path.read_bytes() == data and not (tmp_path / "Cadangan LKj").exists()


def test_formulas_and_sparklines_naming_a_renamed_sheet_follow_it(templates, tmp_path, capsys):
    """As Excel does when a sheet is renamed: a person's formula elsewhere, a sparkline on the sheet itself (its data
    range names its own sheet) and a person's name follow the sheet to its new name; nothing else in those parts
    changes (the proof compares them token by token)."""
    from lkj_xl.engines.package_graft import PackageEdit

    path = templates.copy(templates.demo(), tmp_path)
    _change_sop(path, "renumber")
    book = FileBook.open(path)
    wb = book.workbook
    wb[layout.SHEET_STAFF]["H2"] = "=COUNTA('Langkah 5'!A13:A20)+COUNTA(tblLangkah6[Tahun]) & \"'Langkah 5'!\""
    from openpyxl.workbook.defined_name import DefinedName

    wb.defined_names["Catatan5"] = DefinedName("Catatan5", attr_text="'Langkah 5'!$J$20")
    book.save()
    xp.add_sparklines(path, layout.step_sheet(5), "P3", "K13:K24")
    old_part = PackageEdit(path.read_bytes()).sheet_part(layout.step_sheet(5))
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 0, out + err
    wb = openpyxl.load_workbook(path)
    assert wb[layout.SHEET_STAFF]["H2"].value == \
        "=COUNTA('Langkah 6'!A13:A20)+COUNTA(tblLangkah5[Tahun]) & \"'Langkah 5'!\""  # text in quotes as typed
    assert wb.defined_names["Catatan5"].attr_text == "'Langkah 6'!$J$20"
    edit = PackageEdit(path.read_bytes())
    assert edit.sheet_part(layout.step_sheet(6)) == old_part
    assert b"'Langkah 6'!K13:K24" in edit.raw[old_part] and b"Langkah 5" not in edit.raw[old_part].split(b"<extLst")[1]


def test_a_picture_on_laporan_stops_it_naming_the_sheet(templates, tmp_path, capsys):
    path = templates.copy(templates.demo(), tmp_path)
    _change_sop(path, "add")
    xp.add_drawing(path, layout.SHEET_REPORT)
    data = path.read_bytes()
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 2 and f"Lembar \"{layout.SHEET_REPORT}\"" in err and "gambar" in err, err
    assert path.read_bytes() == data


def test_a_file_saved_by_libreoffice_gets_its_step(templates, tmp_path, capsys):
    path = templates.copy(templates.demo(), tmp_path / "src")
    _change_sop(path, "add")
    saved = soffice_convert(tmp_path / "profile", [path], "xlsx", tmp_path / "lo")[path.stem]
    before = _parts(saved)
    code, out, err = lkj(capsys, "sop", "terapkan", saved)
    assert code == 0, out + err
    wb = openpyxl.load_workbook(saved)
    assert layout.step_sheet(9) in wb.sheetnames and list(wb[layout.step_sheet(9)].tables) == [layout.step_table(9)]
    after = _parts(saved)
    kept = [n for n in before if n.startswith("xl/worksheets/sheet") and before[n] == after.get(n)]
    assert len(kept) >= 13  # every sheet but Laporan
    assert xp.package_problems(saved) == []
    code, out, err = lkj(capsys, "refresh", saved, "--as-of", AS_OF)
    assert code in (0, 1) and "Traceback" not in out + err, out + err


def _reorder_fonts(path: Path) -> None:
    """What Excel may do when it saves: the same fonts in another order (every cell format pointing at its font)."""
    from lxml import etree

    with xp.package(path) as pkg:
        root = pkg.xml("xl/styles.xml")
        ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
        fonts = root.find(f"{ns}fonts")
        items = list(fonts)
        order = [0] + list(range(len(items) - 1, 0, -1))  # the default font stays first
        for el in items:
            fonts.remove(el)
        for i in order:
            fonts.append(items[i])
        new_index = {old: new for new, old in enumerate(order)}
        for xf in root.iter(f"{ns}xf"):
            xf.set("fontId", str(new_index[int(xf.get("fontId", "0"))]))
        pkg.set_xml("xl/styles.xml", etree.fromstring(etree.tostring(root)))


def test_a_styles_part_in_another_order_gives_the_new_sheet_the_built_look(templates, tmp_path, capsys):
    path = templates.copy(templates.demo(), tmp_path)
    _change_sop(path, "add")
    _reorder_fonts(path)
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 0, out + err
    ws = openpyxl.load_workbook(path)[layout.step_sheet(9)]
    assert _looks(ws) == _looks(_fresh_step(path, tmp_path / "fresh", 9))


def test_macro_code_a_person_wrote_stays(templates, tmp_path, capsys):
    from pyopenvba import ExcelFile

    path = templates.copy(templates.demo(), tmp_path)
    _change_sop(path, "add")
    from lkj_xl.authoring.xlsm import build_xlsm

    xlsm = build_xlsm(path, tmp_path / "m.xlsm")
    book = ExcelFile(xlsm)
    book.set_module("shLangkah2", "Private Sub Worksheet_Change(ByVal Target As Range)\n    Beep\nEnd Sub\n")
    book.save()
    book.close()
    project = _parts(xlsm)["xl/vbaProject.bin"]
    code, out, err = lkj(capsys, "sop", "terapkan", xlsm)
    assert code == 0, out + err
    assert _parts(xlsm)["xl/vbaProject.bin"] == project
    assert layout.step_sheet(9) in openpyxl.load_workbook(xlsm, keep_vba=True).sheetnames


def test_the_calculation_chain_loses_only_the_entries_of_removed_and_replaced_sheets(templates, tmp_path, capsys):
    """Excel lists every formula cell in xl/calcChain.xml by sheet id: the entries of Laporan (replaced) and of a
    removed sheet go, a person's formula on Pegawai keeps its entry."""
    from lkj_xl.engines.package_graft import PackageEdit

    path = templates.copy(templates.demo(), tmp_path)
    _change_sop(path, "remove")
    book = FileBook.open(path)
    book.workbook[layout.SHEET_STAFF]["H2"] = "=1+1"
    book.save()
    ids = {name: sid for name, sid, _part in PackageEdit(path.read_bytes()).sheets()}
    chain = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain xmlns="{xp.NS_MAIN}">'
             f'<c r="H2" i="{ids[layout.SHEET_STAFF]}"/><c r="A1" i="{ids[layout.SHEET_REPORT]}"/><c r="B1"/>'
             f'<c r="A2" i="{ids[layout.step_sheet(8)]}"/></calcChain>').encode()
    with xp.package(path) as pkg:
        pkg.parts["xl/calcChain.xml"] = chain
        pkg.add_relationship(pkg.workbook_part, "http://schemas.openxmlformats.org/officeDocument/2006/"
                             "relationships/calcChain", "xl/calcChain.xml")
        pkg.add_override("xl/calcChain.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml."
                         "calcChain+xml")
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 0, out + err
    with zipfile.ZipFile(path) as archive:
        text = archive.read("xl/calcChain.xml").decode()
    assert f'<c r="H2" i="{ids[layout.SHEET_STAFF]}"/>' in text and text.count("<c ") == 1, text
    assert xp.package_problems(path) == []


@pytest.mark.parametrize("added, named", [
    (lambda p: xp.add_drawing(p, layout.step_sheet(8)), "bagian drawing"),
    (lambda p: xp.type_cells(p, layout.step_sheet(8), {"P3": "Catatan rapat"}), "sel P3"),
], ids=["drawing", "typed-beside"])
def test_a_removed_step_sheet_with_something_a_person_added_stays(templates, tmp_path, capsys, added, named):
    path = templates.copy(templates.demo(), tmp_path)
    _change_sop(path, "remove")
    added(path)
    data = path.read_bytes()
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 2 and "\"Langkah 8\"" in err and named in err and "tidak diubah" in err, err
    assert path.read_bytes() == data
