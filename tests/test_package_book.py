"""The package engine (lkj_xl.engines.package): reads what FileBook reads, writes only the cells it is given, keeps
every other zip member and every other cell byte for byte; package_differences proves it.  Real files on disk,
reopened with openpyxl, FileBook and LibreOffice; no mocks."""

from __future__ import annotations

import gc
import re
import shutil
import warnings
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.table import Table

from lkj_xl.workbook.book import EXCEL_MAX_CELL_CHARS
from lkj_xl.engines.openpyxl_book import FileBook
from lkj_xl.engines.package import PackageBook, package_differences
from lkj_xl.engines.package_fastread import FastReader
from lkj_xl.core.errors import DataError, UnusableFileError

from conftest import soffice_convert

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
CALC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
CELL_RE = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*?(?:/>|>.*?</c>)', re.S)


# ------------------------------------------------------------------------------------------------------ helpers


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def infos(path: Path) -> list[zipfile.ZipInfo]:
    with zipfile.ZipFile(path) as zf:
        return zf.infolist()


def rezip(source: Path, target: Path, edits: dict) -> Path:
    """Copy a package, replacing (bytes), transforming (callable) or dropping (None) members; new names are
    appended."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in edits:
                edit = edits[info.filename]
                if edit is None:
                    continue
                data = edit(data) if callable(edit) else edit
            zout.writestr(info, data)
        for name, data in edits.items():
            if name not in zin.namelist() and data is not None:
                zout.writestr(name, data)
    return target


def sheet_part(path: Path, sheet: str) -> str:
    return PackageBook.open(path)._sheets[sheet].part


def cells_raw(data: bytes) -> dict[str, bytes]:
    return {m.group(1).decode(): m.group(0) for m in CELL_RE.finditer(data)}


def norm(values):
    """Rows with openpyxl's formula objects turned into comparable tuples."""
    def one(v):
        if isinstance(v, ArrayFormula):
            return ("array", v.ref, v.text)
        if isinstance(v, DataTableFormula):
            return ("dataTable", dict(v))
        return (type(v).__name__, v)
    return [[one(v) for v in row] for row in values]


def assert_reads_like_filebook(path: Path) -> None:
    fb, pb = FileBook.open(path), PackageBook.open(path)
    assert pb.sheet_names() == fb.sheet_names()
    for sheet in fb.sheet_names():
        assert norm(pb.read(sheet)) == norm(fb.read(sheet)), sheet


def owned_by(book: PackageBook):
    written = book.written_cells()
    return lambda sheet, ref: ref in written.get(sheet, ())


# ------------------------------------------------------------------------------------------------------ inputs


@pytest.fixture(scope="module")
def tracker(templates, tmp_path_factory) -> Path:
    source = templates.blank(staff=[("Drs. Budi Santoso", "19800101 200501 1 001", "Kepala Dinas", None)])
    return templates.copy(source, tmp_path_factory.mktemp("tracker"), "LKj_Tracker.xlsx")


@pytest.fixture(scope="module")
def demo(templates, tmp_path_factory) -> Path:
    """What `lkj demo` makes (run_demo), copied from the session's template."""
    return templates.copy(templates.reported(), tmp_path_factory.mktemp("demo"))


SHEET_DATA = """<sheetData>
<row r="1" spans="1:7"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><r><t>ab</t></r><r><rPr><b/></rPr><t>cd</t></r></is></c><c r="D1" t="str"><v>hasil</v></c><c r="E1" t="e"><v>#N/A</v></c><c r="F1" t="b"><v>1</v></c><c r="G1" t="d"><v>2024-01-02T03:04:05</v></c><c r="H1" t="s"><v>2</v></c></row>
<row r="2"><c r="A2"><v>5</v></c><c r="B2"><v>5.0</v></c><c r="C2"><v>1E3</v></c><c r="D2"><v>-0.25</v></c><c r="E2"><v></v></c><c r="F2" s="{d}"><v>45000</v></c><c r="G2" s="{d}"><v>0.5</v></c><c r="H2" s="{t}"><v>0.75</v></c><c r="I2" s="{dt}"><v>45000.5</v></c><c r="J2" s="{d}"><v>0</v></c><c r="K2" s="{td}"><v>1.5</v></c><c r="L2" s="{d}"><v>30</v></c><c r="M2" s="{d}"><v>61</v></c></row>
<row r="3"><c r="A3"><f>SUM(A2:C2)</f><v>1010</v></c><c r="B3" t="str"><f>A1&amp;"x"</f><v>polosx</v></c><c r="C3"><f t="shared" ref="C3:C5" si="0">A3*2</f><v>2020</v></c><c r="D3"><f t="array" ref="D3">SUM(A2:B2)</f><v>10</v></c><c r="E3" s="{num}"><v>7</v></c></row>
<row r="4"><c r="C4"><f t="shared" si="0"/><v>0</v></c><c r="E4" s="{num}"/></row>
<row r="5" ht="20" customHeight="1"><c r="C5"><f t="shared" si="0"/><v>0</v></c></row>
<row r="6"><c r="A6" t="inlineStr"><is><t>gabung</t></is></c><c r="B6" t="inlineStr"><is><t>tersembunyi</t></is></c></row>
<row r="7"><c r="A7"><v>9</v></c><c r="B7" s="{d}"/></row>
<row r="10"><c r="A10"><v>1</v></c><c r="C10"><v>3</v></c><c r="X10" t="inlineStr"><is><t xml:space="preserve"> jauh </t></is></c></row>
</sheetData>"""

SHARED_STRINGS = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">'
                  '<si><t>polos</t></si>'
                  '<si><r><rPr><b/></rPr><t>te</t></r><r><t xml:space="preserve">bal </t></r>'
                  '<rPh sb="0" eb="1"><t>ふ</t></rPh></si>'
                  '<si><t>x005F_y</t></si></sst>')

CALC_CHAIN = ('<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<c r="A3" i="1"/><c r="B3"/><c r="C3"/><c r="C4"/><c r="C5"/><c r="D3"/><c r="B3" i="2"/></calcChain>')

X14_EXT = (f'<extLst><ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" xmlns:x14="{X14}">'
           '<x14:dataValidations xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main" count="1">'
           '<x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>Data!$A$1:$A$3</xm:f>'
           '</x14:formula1><xm:sqref>A2:A9</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>')


def make_small(folder: Path, *, epoch1904: bool) -> Path:
    """A small workbook with every kind of cell: shared/rich/inline strings, numbers as "5"/"5.0"/"1E3", dates
    in both epochs, times, timedeltas, errors, booleans, formulas (plain, string, shared, array) with cached values,
    merged cells, a calcChain, a styled column, a table and an x14 validation in a sheet's extLst."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    if epoch1904:
        wb.epoch = CALENDAR_MAC_1904
    ws.column_dimensions["H"].number_format = "0.00"
    for i, fmt in enumerate(["yyyy-mm-dd", "h:mm:ss", "yyyy-mm-dd h:mm", "[h]:mm", "0.000"]):
        ws.cell(row=1, column=26 + i).number_format = fmt
    ws.merge_cells("A6:B7")
    other = wb.create_sheet("Lain")
    other.append(["Nama", "Nilai"])
    other.append(["satu", 1])
    other.append(["dua", "=B2+1"])
    for col in "AB":
        other[f"{col}3"].number_format = "0.0" if col == "B" else "@"
    other.add_table(Table(displayName="tblLain", ref="A1:B3"))
    base = folder / ("base1904.xlsx" if epoch1904 else "base1900.xlsx")
    wb.save(base)

    parts = members(base)
    styles = {m.group(1).decode(): m.group(2).decode()
              for m in re.finditer(rb'<c r="(Z1|AA1|AB1|AC1|AD1)" s="(\d+)"', parts["xl/worksheets/sheet1.xml"])}
    data = SHEET_DATA.format(d=styles["Z1"], t=styles["AA1"], dt=styles["AB1"], td=styles["AC1"],
                             num=styles["AD1"]).encode()

    def sheet1(xml: bytes) -> bytes:
        xml = re.sub(rb"<sheetData>.*</sheetData>", lambda m: data, xml, flags=re.S)
        return DECL + xml.replace(b"</worksheet>", X14_EXT.encode() + b"</worksheet>")

    def rels(xml: bytes) -> bytes:
        extra = (f'<Relationship Id="rId90" Type="{CALC_REL}" Target="calcChain.xml"/>'
                 f'<Relationship Id="rId91" Type="{SST_REL}" Target="/xl/sharedStrings.xml"/>')
        return xml.replace(b"</Relationships>", extra.encode() + b"</Relationships>")

    def types(xml: bytes) -> bytes:
        extra = ('<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                 'spreadsheetml.calcChain+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                 'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
        return xml.replace(b"</Types>", extra.encode() + b"</Types>")

    path = folder / ("small1904.xlsx" if epoch1904 else "small1900.xlsx")
    return rezip(base, path, {"xl/worksheets/sheet1.xml": sheet1, "xl/_rels/workbook.xml.rels": rels,
                              "[Content_Types].xml": types, "xl/calcChain.xml": DECL + CALC_CHAIN.encode(),
                              "xl/sharedStrings.xml": DECL + SHARED_STRINGS.encode()})


@pytest.fixture(scope="module", params=[False, True], ids=["1900", "1904"])
def small(request, tmp_path_factory) -> Path:
    return make_small(tmp_path_factory.mktemp("small"), epoch1904=request.param)


@pytest.fixture(scope="module")
def small1900(tmp_path_factory) -> Path:
    return make_small(tmp_path_factory.mktemp("small1900"), epoch1904=False)


@pytest.fixture
def small_copy(small, tmp_path) -> Path:
    return Path(shutil.copy(small, tmp_path / small.name))


# ------------------------------------------------------------------------------------------------------ reading


def test_read_equals_filebook_on_built_tracker(tracker):
    assert_reads_like_filebook(tracker)


def test_read_equals_filebook_on_filled_demo(demo):
    assert_reads_like_filebook(demo)


def test_read_equals_filebook_on_small_workbooks(small):
    assert_reads_like_filebook(small)


def test_small_workbook_values(small):
    book = PackageBook.open(small)
    rows = book.read("Data")
    epoch1904 = "1904" in small.name
    assert book.read("Lain") == [["Nama", "Nilai"], ["satu", 1], ["dua", "=B2+1"]]
    assert rows[0][:8] == ["polos", "tebal ", "abcd", "hasil", "#N/A", True, datetime(2024, 1, 2, 3, 4, 5), "y"]
    a2 = rows[1]
    assert a2[:5] == [5, 5.0, 1000.0, -0.25, None]
    assert [type(v) for v in a2[:4]] == [int, float, float, float]
    assert a2[6] == time(12, 0) and a2[7] == time(18, 0)
    assert a2[10] == timedelta(days=1.5) and a2[9] == time(0, 0)  # 0 with a date style: a time, as openpyxl has it
    if epoch1904:
        assert a2[5] == datetime(2027, 3, 16) and a2[11] == datetime(1904, 1, 31)
    else:
        assert a2[5] == datetime(2023, 3, 15) and a2[11] == datetime(1900, 1, 30) and a2[12] == datetime(1900, 3, 1)
    assert rows[2][:3] == ["=SUM(A2:C2)", '=A1&"x"', "=A3*2"]
    assert [rows[3][2], rows[4][2]] == ["=A4*2", "=A5*2"]  # shared formula translated as openpyxl does
    assert isinstance(rows[2][3], ArrayFormula) and rows[2][3].text == "=SUM(A2:B2)"
    assert rows[5][:2] == ["gabung", None] and rows[6][0] is None  # merged: only the top-left value
    assert len(rows) == 10 and len(rows[0]) == 24 and rows[9][23] == " jauh "


def test_tables_columns_and_names_like_filebook(demo, small):
    for path in (demo, small):
        fb, pb = FileBook.open(path), PackageBook.open(path)
        for sheet in fb.sheet_names():
            assert pb.tables(sheet) == fb.tables(sheet)
    pb = PackageBook.open(demo)
    assert pb.table_columns("Langkah 3", "tblLangkah3")[:3] == ["Tahun", "Diterima", "Selesai"]
    fb = FileBook.open(demo)
    for name in ("LKJ_VERSI_TATA_LETAK", "DaftarPegawai", "LKJ_PERINGATAN_DINI", "TidakAda"):
        assert pb.defined_name(name) == fb.defined_name(name)
    assert pb.defined_name("LKJ_VERSI_TATA_LETAK") == "'Pengaturan'!$B$11"


def test_missing_sheet_and_unusable_files(demo, tmp_path):
    book = PackageBook.open(demo)
    with pytest.raises(KeyError):
        book.read("Tidak Ada")
    assert book.has_sheet("Beranda") and not book.has_sheet("Tidak Ada")
    with pytest.raises(UnusableFileError, match="tidak ditemukan"):
        PackageBook.open(tmp_path / "hilang.xlsx")
    (tmp_path / "bukan.xlsx").write_bytes(b"bukan zip")
    with pytest.raises(UnusableFileError, match="bukan.xlsx"):
        PackageBook.open(tmp_path / "bukan.xlsx")
    part = sheet_part(demo, "Langkah 3")
    broken = rezip(demo, tmp_path / "X.xlsx", {part: b"<worksheet><sheetData><row>"})
    book = PackageBook.open(broken)  # sheets are parsed lazily
    with pytest.raises(UnusableFileError) as info:
        book.read("Langkah 3")
    assert info.value.message.startswith(f'Berkas "X.xlsx" rusak: bagian {part} tidak dapat dibaca (')
    bomb = rezip(demo, tmp_path / "Y.xlsx", {"xl/styles.xml": b'<!DOCTYPE x [<!ENTITY a "aaaa">]><styleSheet>&a;'
                                                               b'</styleSheet>'})
    with pytest.raises(UnusableFileError, match="xl/styles.xml"):
        PackageBook.open(bomb)


# ------------------------------------------------------------------------------------------------------ writing

COMPUTED = [[datetime(2026, 1, 5, 8, 0), datetime(2026, 1, 6, 8, 0), "Selesai", 1.5, 2.0, None]]


def test_write_round_trips_through_openpyxl(demo, tmp_path):
    book = PackageBook.open(demo)
    before = FileBook.open(demo).read("Langkah 1")
    book.write("Langkah 1", 13, 8, COMPUTED)
    book.write("Langkah 1", 14, 1, [[2024, "=SUM(A1)", "+62 812", "@Irban", "#N/A", True, False, date(2025, 2, 3),
                                     time(7, 30), 0.1 + 0.2, 12345678901234567, -3]])
    out = book.save(tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(out)["Langkah 1"]
    assert [ws.cell(13, c).value for c in range(8, 14)] == [datetime(2026, 1, 5, 8, 0), datetime(2026, 1, 6, 8, 0),
                                                            "Selesai", 1.5, 2, None]
    row = [ws.cell(14, c) for c in range(1, 13)]
    assert [c.value for c in row[:7]] == [2024, "=SUM(A1)", "+62 812", "@Irban", "#N/A", True, False]
    assert [c.data_type for c in row[1:5]] == ["s"] * 4
    assert row[7].value == datetime(2025, 2, 3)  # B14 is a date column: a date comes back as openpyxl gives it
    assert row[8].value == time(7, 30) or row[8].value == pytest.approx(0.3125)
    assert row[9].value == 0.1 + 0.2 and row[10].value == 12345678901234567 and row[11].value == -3
    after = FileBook.open(out).read("Langkah 1")
    assert after[:12] == before[:12]
    assert after[12][:7] == before[12][:7]


def test_untouched_members_and_cells_are_byte_identical(demo, tmp_path):
    book = PackageBook.open(demo)
    book.write("Langkah 1", 13, 8, COMPUTED)
    assert book.read("Beranda")[3][1] == 2025
    book.write("Beranda", 4, 2, [[2025]])  # already there: nothing changes
    book.write("Beranda", 4, 2, [[2026]])
    out = book.save(tmp_path / "out.xlsx")
    part1, part0 = sheet_part(demo, "Langkah 1"), sheet_part(demo, "Beranda")
    assert book.changed_parts() == {part1, part0}
    assert book.written_cells() == {"Langkah 1": {"H13", "I13", "J13", "K13", "L13", "M13"}, "Beranda": {"B4"}}
    assert book.read("Beranda")[3][1] == 2026
    old_infos, new_infos = infos(demo), infos(out)
    assert [i.filename for i in new_infos] == [i.filename for i in old_infos]
    old, new = members(demo), members(out)
    for a, b in zip(old_infos, new_infos):
        assert (b.date_time, b.external_attr) == (a.date_time, a.external_attr), a.filename
        if a.filename not in book.changed_parts():
            assert new[a.filename] == old[a.filename], a.filename
            assert b.compress_type == a.compress_type
    # inside the changed sheet: every other cell and every element outside sheetData keeps its exact bytes
    old_cells, new_cells = cells_raw(old[part1]), cells_raw(new[part1])
    assert set(old_cells) == set(new_cells)
    for ref, raw in old_cells.items():
        if ref not in book.written_cells()["Langkah 1"]:
            assert new_cells[ref] == raw, ref
    head_old, head_new = (x.split(b"<sheetData>")[0] for x in (old[part1], new[part1]))
    assert head_old == head_new
    assert old[part1].split(b"</sheetData>")[1] == new[part1].split(b"</sheetData>")[1]
    assert package_differences(demo, out, owned_by(book)) == []


def test_writing_what_a_sheet_holds_changes_no_byte(demo, tmp_path):
    """A refresh on a tracker refreshed before writes mostly what is already there: those cells, and their parts,
    keep their bytes; a value of another type ("2025" for 2025) is written, and so is any value over a formula."""
    book = PackageBook.open(demo)
    for sheet in ("Langkah 1", "Beranda", "Riwayat"):
        values = book.read(sheet)
        book.write(sheet, 1, 1, values)
    assert book.changed_parts() == set() and book.written_cells() == {}
    assert book.to_bytes() and members(demo) == {n: d for n, d in members(demo).items()}
    out = book.save(tmp_path / "same.xlsx")
    assert members(out) == members(demo)
    year = book.read("Langkah 1")[12][0]
    book.write("Langkah 1", 13, 1, [[str(year)]])  # text where a number was: written
    assert book.written_cells() == {"Langkah 1": {"A13"}}
    assert book.read("Langkah 1")[12][0] == str(year)
    book.write("Langkah 1", 13, 1, [[year]])
    assert book.read("Langkah 1")[12][0] == year
    links = book.read("Masalah")
    formula = next((r, c) for r, row in enumerate(links, 1) for c, v in enumerate(row, 1)
                   if isinstance(v, str) and v.startswith("="))
    book.write("Masalah", *formula, [[links[formula[0] - 1][formula[1] - 1]]])  # the formula's text as a value
    assert "Masalah" in book.written_cells()


def test_fast_read_equals_the_tree_read_on_every_kind_of_value(small1900, tmp_path):
    """The small workbook without what only the tree reads (formulas, error and ISO-date cells): shared, rich and
    inline strings, "x005F_" escapes, numbers written "5", "5.0", "1E3", dates, times and durations by style, empty
    values, merged cells.  calamine's read equals the tree's, type and all."""
    def plain(xml: bytes) -> bytes:
        xml = xml.replace(b"<v>5.0</v>", b"<v>5.5</v>").replace(b"<v>1E3</v>", b"<v>1000</v>")  # see the next test
        xml = re.sub(rb'<row r="[345]".*?</row>', b"", xml, flags=re.S)
        xml = re.sub(rb"<extLst>.*</extLst>", b"", xml, flags=re.S)  # its x14 list holds an <xm:f>
        return re.sub(rb'<c r="[EG]1" t="[ed]"><v>[^<]*</v></c>', b"", xml)

    def strings(xml: bytes) -> bytes:
        return xml.replace(b"x005F_y", b"y")  # an escape: the tree reads it (the next assertion)

    escaped = rezip(small1900, tmp_path / "escaped.xlsx", {"xl/worksheets/sheet1.xml": plain})
    assert FastReader(escaped.read_bytes(), members(escaped)["xl/sharedStrings.xml"]).values(
        "Data", members(escaped)["xl/worksheets/sheet1.xml"]) is None
    path = rezip(small1900, tmp_path / "plain.xlsx", {"xl/worksheets/sheet1.xml": plain,
                                                      "xl/sharedStrings.xml": strings})
    book = PackageBook.open(path)
    raw = members(path)["xl/worksheets/sheet1.xml"]
    assert FastReader(path.read_bytes()).values("Data", raw) is not None  # calamine reads it
    assert b"<f" not in raw.split(b"<sheetData>")[1] and b'<v>5.0</v>' not in raw
    fast, tree = book.read("Data"), PackageBook.open(path).read_tree("Data")
    assert fast == tree and [[type(v) for v in r] for r in fast] == [[type(v) for v in r] for r in tree]


#: Number formats people and programs put on cells: built-in and custom, dates, times, durations, text in quotes,
#: locales, conditions, colours.  Whether a number under each is a date, a time, a duration or a number is decided
#: by openpyxl for the tree and by calamine for the fast read: they must agree.
FORMATS = ("General", "0", "0.00", "#,##0", "0%", "d/m/yyyy", "dd/mm/yyyy hh:mm", '[$-421]d mmmm yyyy hh"."mm',
           "[$-421]d mmmm yyyy", "h:mm", "[h]:mm", "mm:ss", "yyyy-mm-dd;@", '0" hari"', '"Tahun "0', "@",
           '#,##0.00 "jam"', "[Red]0.00", "0.00;[Red]-0.00", "d-mmm", "mmm-yy", "[$-F800]dddd, mmmm dd, yyyy",
           "[$-409]h:mm AM/PM", "0.0E+00", "# ?/?", '"d"0', "\\d0", "[mm]:ss", "yyyy", "m", "[$Rp-421]#,##0",
           '_-* #,##0_-;-* #,##0_-;_-* "-"_-;_-@_-', "[<=9999999]###-####;(###) ###-####", "[DBNum1]0",
           'General" jam"')


def test_fast_read_agrees_on_what_a_number_format_makes_a_date(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row, code in enumerate(FORMATS, start=1):
        for column, value in enumerate((45299.5, 0.75, 35, 45299.123456789), start=1):
            ws.cell(row, column, value).number_format = code
    path = tmp_path / "formats.xlsx"
    wb.save(path)
    book = PackageBook.open(path)
    fast, tree = book.read("Sheet"), PackageBook.open(path).read_tree("Sheet")
    assert FastReader(path.read_bytes()).values("Sheet", members(path)["xl/worksheets/sheet1.xml"]) is not None
    for code, got, expected in zip(FORMATS, fast, tree):
        assert got == expected and [type(v) for v in got] == [type(v) for v in expected], code


@pytest.mark.parametrize("text", [b"5.0", b"-7.", b"1E3", b"2.5e-1", b" 6.00 "])
def test_numbers_calamine_reads_otherwise_go_to_the_tree(small1900, tmp_path, text):
    """A whole number written with a point or an exponent is a float for openpyxl and an int for calamine: such a
    sheet is read by the tree."""
    def plain(xml: bytes) -> bytes:
        xml = re.sub(rb'<row r="[345]".*?</row>', b"", xml, flags=re.S)
        xml = re.sub(rb"<extLst>.*</extLst>", b"", xml, flags=re.S)
        xml = re.sub(rb'<c r="[EG]1" t="[ed]"><v>[^<]*</v></c>', b"", xml)
        return re.sub(rb'<c r="A2"><v>5</v>', b'<c r="A2"><v>' + text + b"</v>", xml)

    path = rezip(small1900, tmp_path / "n.xlsx", {"xl/worksheets/sheet1.xml": plain,
                                                  "xl/sharedStrings.xml": lambda xml: xml.replace(b"x005F_y", b"y")})
    book = PackageBook.open(path)
    value = book.read("Data")[1][0]
    assert value == float(text) and type(value) is float
    assert book.read("Data") == PackageBook.open(path).read_tree("Data")


def test_fast_read_equals_the_tree_read(demo, tracker, tmp_path):
    """Values come from calamine where it can give them; they equal the tree's, type and all, including after
    writes, and on a 1904 workbook (read by the tree)."""
    for path in (demo, tracker):
        data = path.read_bytes()
        book = PackageBook(data, path)
        for sheet in book.sheet_names():
            fast, tree = book.read(sheet), PackageBook(data, path).read_tree(sheet)
            assert fast == tree and [[type(v) for v in r] for r in fast] == [[type(v) for v in r] for r in tree]
    book = PackageBook.open(demo)
    book.write("Langkah 2", 40, 20, [["baru"]])
    book.write("Langkah 2", 13, 8, [[None] * 6])
    after = book.read("Langkah 2")
    assert after == book.read_tree("Langkah 2")


def test_text_is_cleaned_and_cut(demo, tmp_path):
    book = PackageBook.open(demo)
    book.write("Langkah 2", 13, 7, [["a\x00b\x07c\x1fd\ufffee\ud800f", "x" * 40_000, "  spasi\n"]])
    out = book.save(tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(out)["Langkah 2"]
    assert ws["G13"].value == "abcdef"
    cut = ws["H13"].value
    assert len(cut) == EXCEL_MAX_CELL_CHARS and cut.endswith("\u2026")
    assert ws["I13"].value == "  spasi\n"
    xml = members(out)[sheet_part(demo, "Langkah 2")]
    assert b'<t xml:space="preserve">  spasi\n</t>' in xml


def test_none_empties_but_keeps_style(demo, tmp_path):
    book = PackageBook.open(demo)
    cell = cells_raw(members(demo)[sheet_part(demo, "Langkah 1")])["B13"]
    style = re.search(rb' s="(\d+)"', cell).group(1)
    assert b"<is>" in cell  # the demo typed a date as text there
    book.write("Langkah 1", 13, 2, [[None, ""]])
    out = book.save(tmp_path / "out.xlsx")
    new = cells_raw(members(out)[sheet_part(demo, "Langkah 1")])
    assert new["B13"] == b'<c r="B13" s="' + style + b'"/>'
    ws = openpyxl.load_workbook(out)["Langkah 1"]
    src = openpyxl.load_workbook(demo)["Langkah 1"]
    assert ws["B13"].value is None and ws["C13"].value is None
    assert ws["B13"].number_format == src["B13"].number_format


def test_merged_cell_is_refused_like_filebook(small_copy):
    book = PackageBook.open(small_copy)
    with pytest.raises(DataError) as ours:
        book.write("Data", 6, 1, [["ok", "tidak"]])
    fb = FileBook.open(small_copy)
    with pytest.raises(DataError) as theirs:
        fb.write("Data", 6, 1, [["ok", "tidak"]])
    assert ours.value.message == theirs.value.message and ours.value.cell == "B6"
    assert book.changed_parts() == set() and book.written_cells() == {}


def test_formula_overwrite_drops_its_calc_chain_entry(small_copy, tmp_path):
    book = PackageBook.open(small_copy)
    book.write("Data", 3, 1, [[1]])
    out = book.save(tmp_path / "a.xlsx")
    chain = members(out)["xl/calcChain.xml"]
    assert b'r="A3"' not in chain and b'<c r="B3" i="1"/>' in chain and b'<c r="B3" i="2"/>' in chain
    assert book.changed_parts() == {"xl/worksheets/sheet1.xml", "xl/calcChain.xml"}
    assert package_differences(small_copy, out, owned_by(book)) == []
    assert package_differences(small_copy, out, lambda s, r: False) == ['Sel Data!A3 berubah.',
                                                                        'Bagian xl/calcChain.xml: entri sel A3 '
                                                                        'lembar "Data" dihapus.']
    dropped = rezip(out, tmp_path / "dropped.xlsx", {"xl/calcChain.xml": lambda x: x.replace(b'<c r="D3"/>', b"")})
    assert package_differences(small_copy, dropped, owned_by(book)) == [
        'Bagian xl/calcChain.xml: entri sel D3 lembar "Data" dihapus.']
    # the master of a shared formula: the next cell becomes the master, the others keep their formulas
    book.write("Data", 3, 3, [["teks"]])
    out = book.save(tmp_path / "b.xlsx")
    rows = FileBook.open(out).read("Data")
    assert rows[2][2] == "teks" and [rows[3][2], rows[4][2]] == ["=A4*2", "=A5*2"]
    assert cells_raw(members(out)["xl/worksheets/sheet1.xml"])["C4"].startswith(
        b'<c r="C4"><f t="shared" si="0" ref="C4:C5">A4*2</f>')
    # every formula gone: the chain, its relationship and its content type go too
    book.write("Data", 3, 2, [[None, None, 5]])
    book.write("Data", 4, 3, [[6]])
    book.write("Data", 5, 3, [[7]])
    book.write("Lain", 3, 2, [[2]])
    out = book.save(tmp_path / "c.xlsx")
    parts = members(out)
    assert "xl/calcChain.xml" not in parts
    assert b"calcChain" not in parts["[Content_Types].xml"] and b"calcChain" not in parts["xl/_rels/workbook.xml.rels"]
    assert "xl/calcChain.xml" in book.changed_parts()
    assert package_differences(small_copy, out, owned_by(book)) == []
    wb = openpyxl.load_workbook(out)
    assert wb["Data"]["C5"].value == 7 and wb["Lain"]["B3"].value == 2


def test_new_rows_and_cells_in_order(small_copy, tmp_path):
    book = PackageBook.open(small_copy)
    book.write("Data", 9, 8, [[1.25]])  # new row between 7 and 10; column H has a style
    book.write("Data", 10, 2, [["b"], ["c"]])  # between A10 and C10; then new row 11
    book.write("Data", 1, 30, [["AD"]])
    book.write("Data", 30, 1, [[None]])  # nothing there, nothing written: no empty row 30 appears
    book.write("Data", 31, 2, [[0]])
    out = book.save(tmp_path / "out.xlsx")
    root = etree.fromstring(members(out)["xl/worksheets/sheet1.xml"])
    rows = root.find(f"{{{MAIN}}}sheetData")
    numbers = [int(r.get("r")) for r in rows]
    assert numbers == sorted(numbers) and {9, 11, 31} <= set(numbers) and 30 not in numbers
    for row in rows:
        columns = [openpyxl.utils.cell.coordinate_to_tuple(c.get("r"))[1] for c in row]
        assert columns == sorted(columns)
    refs = {c.get("r"): c for c in root.iter(f"{{{MAIN}}}c")}
    assert [c.get("r") for c in rows[list(numbers).index(10)]] == ["A10", "B10", "C10", "X10"]
    col_style = re.search(rb'<col [^>]*style="(\d+)"', members(small_copy)["xl/worksheets/sheet1.xml"]).group(1)
    assert refs["H9"].get("s") == col_style.decode() and refs["B10"].get("s") is None
    assert root.find(f"{{{MAIN}}}dimension").get("ref") == "A1:AD31"
    assert root.find(f"{{{MAIN}}}extLst") is not None  # the x14 validation stays
    wb = openpyxl.load_workbook(out)
    assert wb["Data"]["H9"].value == 1.25 and wb["Data"]["H9"].number_format == "0.00"
    assert wb["Data"]["B10"].value == "b" and wb["Data"]["B11"].value == "c" and wb["Data"]["AD1"].value == "AD"
    assert wb["Data"]["B31"].value == 0
    assert package_differences(small_copy, out, owned_by(book)) == []


def test_resize_table_grows_ref_and_copies_styles(demo, tmp_path):
    book = PackageBook.open(demo)
    for n in range(1, 9):
        book.write(f"Langkah {n}", 250, 1, [[2030]])  # beyond the formatted rows
    book.resize_table("Langkah 1", "tblLangkah1", 15)
    book.resize_table("Langkah 2", "tblLangkah2", 250)
    book.set_row_height("Langkah 3", 13, 31.5)
    assert book.tables("Langkah 2") == {"tblLangkah2": "A12:N250"}
    out = book.save(tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb["Langkah 1"].tables["tblLangkah1"].ref == "A12:N15"
    assert wb["Langkah 1"].tables["tblLangkah1"].autoFilter.ref == "A12:N15"
    ws = wb["Langkah 2"]
    assert ws.tables["tblLangkah2"].ref == "A12:N250"
    for col in "ABHM":  # rows 213-249 had no cells: styled as the row above, up to the formatted row 212
        assert ws[f"{col}249"].number_format == ws[f"{col}212"].number_format
        assert ws[f"{col}249"].style_id == ws[f"{col}212"].style_id and ws[f"{col}249"].value is None
    assert ws["B249"].style_id != 0 and ws["H249"].style_id != 0
    assert ws["A250"].value == 2030
    assert wb["Langkah 3"].row_dimensions[13].height == 31.5
    assert package_differences(demo, out, owned_by(book)) != []
    structural = {"tables": {"Langkah 1": {"tblLangkah1"}, "Langkah 2": {"tblLangkah2"}},
                  "row_heights": {"Langkah 3": {13}}}
    assert package_differences(demo, out, owned_by(book), structural=structural) == []
    book.resize_table("Langkah 1", "tblLangkah1", 13)  # shrink back
    assert book.tables("Langkah 1") == {"tblLangkah1": "A12:N13"}


def test_package_differences_names_forbidden_changes(demo, tmp_path):
    book = PackageBook.open(demo)
    book.write("Langkah 1", 13, 8, COMPUTED)
    out = book.save(tmp_path / "out.xlsx")
    owned = owned_by(book)
    assert package_differences(out.read_bytes(), demo.read_bytes(), owned) == []
    part = sheet_part(demo, "Langkah 1")

    def touch_b13(xml: bytes) -> bytes:
        return re.sub(rb'(<c r="D13"[^>]*><is><t>)', rb"\1X", xml, count=1)

    changed_cell = rezip(out, tmp_path / "cell.xlsx", {part: touch_b13})
    assert package_differences(demo, changed_cell, owned) == ['Sel Langkah 1!D13 berubah.']
    no_drawing = rezip(out, tmp_path / "drawing.xlsx", {"xl/drawings/drawing1.xml": None})
    assert package_differences(demo, no_drawing, owned) == ["Bagian xl/drawings/drawing1.xml hilang."]
    styles = rezip(out, tmp_path / "styles.xlsx", {"xl/styles.xml": lambda x: x.replace(b"<fonts", b"<fonts ", 1)
                   .replace(b'count="', b'count="1', 1)})
    assert package_differences(demo, styles, owned) == ["Bagian xl/styles.xml berubah."]
    frozen = rezip(out, tmp_path / "pane.xlsx", {part: lambda x: x.replace(b'state="frozen"', b'state="split"')})
    assert package_differences(demo, frozen, owned) == ['Lembar "Langkah 1" (bagian ' + part + "): <sheetViews> berubah."]
    extra = rezip(out, tmp_path / "extra.xlsx", {"xl/media/image9.png": b"\x89PNG"})
    assert package_differences(demo, extra, owned) == ["Bagian xl/media/image9.png ditambahkan."]
    height = rezip(out, tmp_path / "height.xlsx", {part: lambda x: x.replace(b'<row r="13"', b'<row r="13" ht="40"', 1)})
    assert package_differences(demo, height, owned) == ['Lembar "Langkah 1": atribut baris 13 berubah.']
    assert package_differences(demo, height, owned, structural={"row_heights": {"Langkah 1": {13}}}) == []


def test_proof_from_the_parts_as_read_equals_the_proof_from_the_bytes(demo, tmp_path):
    """The save check compares with the parts the book decompressed when it was opened (no second decompression):
    they stay the file's parts whatever the book writes or adds (a new rels part for a link), and the check finds
    exactly what it finds from the file's bytes."""
    book = PackageBook.open(demo)
    parts = book.original_parts()
    assert dict(parts) == members(demo)
    book.write("Langkah 1", 13, 8, COMPUTED)
    book.set_hyperlink("Masalah", 2, 6, "https://example.org/a")
    book.write("Langkah 2", 13, 1, [[1999]])  # a person's Tahun cell: not owned
    out = book.save(tmp_path / "out.xlsx")
    assert dict(parts) == members(demo)
    with pytest.raises(TypeError):
        parts["xl/styles.xml"] = b""  # read-only
    written = owned_by(book)

    def owned(sheet, ref):
        return written(sheet, ref) and (sheet, ref) != ("Langkah 2", "A13")

    structural = {"hyperlinks": {"Masalah"}}
    from_bytes = package_differences(demo, out, owned, structural=structural)
    assert from_bytes == ["Sel Langkah 2!A13 berubah."]
    assert package_differences(parts, out, owned, structural=structural) == from_bytes
    assert package_differences(parts, demo, owned) == []


def test_proof_of_a_sheet_whose_only_change_is_in_its_rows_still_sees_every_change(demo, tmp_path):
    """When nothing outside a sheet's rows changed, the check parses only the changed rows; a changed person's cell
    among them is still named, and a change after the rows (or before the root) takes the whole-sheet comparison."""
    from lkj_xl.engines import package_proof

    book = PackageBook.open(demo)
    book.write("Langkah 1", 13, 8, COMPUTED)
    out = book.save(tmp_path / "out.xlsx")
    owned = owned_by(book)
    part = sheet_part(demo, "Langkah 1")
    old_xml, new_xml = members(demo)[part], members(out)[part]
    assert package_proof._reduced_sheets(old_xml, new_xml)[2] is True  # the rows-only comparison is taken
    assert package_differences(demo, out, owned) == []

    def touch_d13(xml: bytes) -> bytes:
        return re.sub(rb'(<c r="D13"[^>]*><is><t>)', rb"\1X", xml, count=1)

    changed = rezip(out, tmp_path / "cell.xlsx", {part: touch_d13})
    assert package_differences(demo, changed, owned) == ["Sel Langkah 1!D13 berubah."]
    margins = rezip(out, tmp_path / "margins.xlsx", {part: lambda x: x.replace(b'<pageMargins left="0.75"',
                                                                              b'<pageMargins left="0.5"', 1)})
    assert package_proof._reduced_sheets(old_xml, members(margins)[part])[2] is False
    assert package_differences(demo, margins, owned) == [
        'Lembar "Langkah 1" (bagian ' + part + "): <pageMargins> berubah."]
    both = rezip(out, tmp_path / "both.xlsx", {part: lambda x: touch_d13(x).replace(
        b"<sheetData>", b"<sheetData>", 1).replace(b'<pageMargins left="0.75"', b'<pageMargins left="0.5"', 1)})
    assert sorted(package_differences(demo, both, owned)) == sorted(
        ["Sel Langkah 1!D13 berubah.", 'Lembar "Langkah 1" (bagian ' + part + "): <pageMargins> berubah."])
    commented = rezip(out, tmp_path / "comment.xlsx", {part: lambda x: b"<!-- x -->" + touch_d13(x)})
    assert package_differences(demo, commented, owned) == ["Sel Langkah 1!D13 berubah."]


def test_save_over_the_original_and_closes_files(demo, tmp_path):
    path = Path(shutil.copy(demo, tmp_path / "sama.xlsx"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        book = PackageBook.open(path)
        book.write("Masalah", 2, 1, [["Langkah 1", "B13"]])
        assert book.save() == path
        del book
        gc.collect()
    assert FileBook.open(path).read("Masalah")[1][:2] == ["Langkah 1", "B13"]
    untouched = PackageBook.open(path)
    assert untouched.to_bytes() and members(Path(shutil.copy(path, tmp_path / "b.xlsx"))) == members(path)


def test_macro_workbook_keeps_its_vba_project(demo, tmp_path):
    xlsm = rezip(demo, tmp_path / "LKj.xlsm", {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(range(256)) * 8})
    book = PackageBook.open(xlsm)
    book.write("Langkah 1", 13, 8, COMPUTED)
    out = book.save(tmp_path / "out.xlsm")
    assert members(out)["xl/vbaProject.bin"] == members(xlsm)["xl/vbaProject.bin"]
    assert package_differences(xlsm, out, owned_by(book)) == []


def test_dates_in_the_1904_epoch(small_copy, tmp_path):
    book = PackageBook.open(small_copy)
    book.write("Data", 2, 6, [[datetime(2026, 2, 23, 10, 0)]])
    out = book.save(tmp_path / "out.xlsx")
    assert openpyxl.load_workbook(out)["Data"]["F2"].value == datetime(2026, 2, 23, 10, 0)
    assert PackageBook.open(out).read("Data")[1][5] == datetime(2026, 2, 23, 10, 0)
    serial = re.search(rb'<c r="F2"[^>]*><v>([^<]+)</v>', members(out)["xl/worksheets/sheet1.xml"]).group(1)
    expected = 46076.41666666666 if "1900" in small_copy.name else 44614.41666666666
    assert float(serial) == pytest.approx(expected)


# ------------------------------------------------------------------------------------------------- LibreOffice


def soffice_csv(path: Path, folder: Path, profile: Path) -> list[str]:
    csv = soffice_convert(profile, [path], "csv", folder)[path.stem]
    return csv.read_text(encoding="utf-8", errors="replace").splitlines()


def test_written_values_open_in_libreoffice(small1900, soffice_profile, tmp_path):
    book = PackageBook.open(small1900)
    book.write("Data", 12, 1, [["=SUM(A1)", 12.5, True, "  teks  ", 7]])
    book.write("Data", 3, 1, [[1]])  # over a formula (its calcChain entry goes)
    out = book.save(tmp_path / "lo.xlsx")
    lines = soffice_csv(out, tmp_path / "csv", soffice_profile)
    assert lines[11].split(",")[:5] == ["=SUM(A1)", "12.5", "TRUE", "  teks  ", "7"]
    assert lines[2].split(",")[0] == "1"
    assert lines[0].split(",")[0] == "polos"


# ------------------------------------------------------------------------------------- sheets laid out otherwise

EXCEL_SHEET = (DECL.decode() +
               f'<worksheet xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
               ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac"'
               ' xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">\r\n'
               '  <dimension ref="A1:B2"/>\r\n  <sheetData>\r\n'
               '    <row r="1" spans="1:2" x14ac:dyDescent="0.25">\r\n'
               '      <c r="A1" t="inlineStr"><is><t>satu</t></is></c>\r\n      <c r="B1"><v>1</v></c>\r\n'
               '    </row>\r\n'
               '    <row r="2" spans="1:2" x14ac:dyDescent="0.25"><c r="A2"></c><c r="B2" s="0"><v>2</v></c></row>\r\n'
               '  </sheetData>\r\n  <pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3"'
               ' footer="0.3"/>\r\n</worksheet>')


@pytest.mark.parametrize("layout", ["excel", "comment", "empty"])
def test_other_sheet_layouts(small1900, tmp_path, layout):
    small = small1900
    part = sheet_part(small, "Lain")
    xml = EXCEL_SHEET
    if layout == "comment":  # the byte splicer steps aside; lxml serialises the whole part
        xml = xml.replace("<c r=\"B1\">", "<!-- catatan --><c r=\"B1\">")
    if layout == "empty":
        xml = re.sub(r"<sheetData>.*</sheetData>", "<sheetData/>", xml, flags=re.S)
    source = rezip(small, tmp_path / "src.xlsx", {part: xml.encode(), "xl/worksheets/_rels/sheet2.xml.rels": None})
    book = PackageBook.open(source)
    before = norm(book.read("Lain"))
    book.write("Lain", 1, 3, [["baru"]])
    book.write("Lain", 2, 1, [[3.5]])
    book.write("Lain", 4, 2, [["empat"]])
    out = book.save(tmp_path / "out.xlsx")
    new = members(out)[part]
    assert new.startswith(DECL)
    rows = FileBook.open(out).read("Lain")
    if layout == "empty":
        assert before == [[("NoneType", None)]]
        assert rows == [[None, None, "baru"], [3.5, None, None], [None, None, None], [None, "empat", None]]
    else:
        assert rows == [["satu", 1, "baru"], [3.5, 2, None], [None, None, None], [None, "empat", None]]
        old_cells, new_cells = cells_raw(xml.encode()), cells_raw(new)
        assert new_cells["B1"] == old_cells["B1"] and new_cells["B2"] == old_cells["B2"]
        assert b'x14ac:dyDescent="0.25"' in new
        if layout == "excel":
            assert b"\r\n    <row" in new  # the spliced part keeps even its CR LF whitespace
            assert new_cells["A1"] == old_cells["A1"] and b'<c r="A2"></c>' not in new
            assert new.split(b"<sheetData>")[0] == xml.encode().split(b"<sheetData>")[0].replace(b"A1:B2", b"A1:C4")
            assert b'<row r="1" spans="1:3"' in new
        else:
            assert b"<!-- catatan -->" in new
    assert package_differences(source, out, owned_by(book)) == []
    assert norm(FileBook.open(out).read("Data")) == norm(FileBook.open(source).read("Data"))
