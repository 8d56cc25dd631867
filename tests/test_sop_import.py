"""`lkj sop import` (issue 13): the eight signed SOP-AP PDFs of shared/sop-samples, checked against the rendered
pages by eye (pdftoppm -r 70), generated Word and Excel documents, the tracker's own SOP sheet, the JSON round
trip, the schema, and unusable files."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from lkj_xl.authoring.sop_import import (
    SCHEMA_PATH,
    load_schema,
    read_sop_document,
    to_sop,
)
from lkj_xl.core.errors import UnusableFileError
from lkj_xl.core.sop import DEFAULT_SOP, Sop

jsonschema = pytest.importorskip("jsonschema")

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "sop-samples"


def validate(sop_json: dict) -> None:
    jsonschema.validate(sop_json, load_schema())


# --- the eight signed PDFs ------------------------------------------------------------------------------------------
# (number, actor, participants, waktu as written), read by eye from pages 2.. of each file rendered at 70 dpi.
OPR, APR = "Tim Laporan Persediaan (Operator)", "Tim Laporan Persediaan (Approver)"
GDG = "Tim Layanan Gudang/Bagian Umum/Subbagian Umum"
TPPE = "Tim Perencanaan, Penganggaran dan Evaluasi"
TPPE014 = "Tim perencanaan, Penganggaran dan Evaluasi"

EXPECTED = {
    # flowchart of pages 2-3 is a pasted picture, page 4 vectors; column 3|4 border only in the numbered row
    "005. SOP Pelaporan Barang Persediaan signed.pdf": [
        (1, OPR, (), "1 jam"), (2, OPR, (), "5 menit"), (3, GDG, (OPR,), "1 minggu"), (4, GDG, (OPR,), "1 minggu"),
        (5, GDG, (), "1 hari"), (6, GDG, (), "1 minggu"), (7, OPR, (), "1 jam"), (8, APR, (), "1 jam"),
        (9, OPR, (), "1 jam"), (10, APR, (), "5 menit"), (11, OPR, (), "1 hari"), (12, APR, (), "1 hari"),
        (13, OPR, (), "1 jam"), (14, APR, (), "5 menit"), (15, APR, (), "10 menit"), (16, OPR, (), "1 hari"),
        (17, OPR, (), "10 menit")],
    "011. SOP REVISI ANGGARAN 2025 signed.pdf": [
        (1, "Ketua Tim Kerja", (), "Sebelum periode revisi bulan berjalan"), (2, TPPE, (), "1 Hari"),
        (3, TPPE, (), "1 Hari"), (4, "PPK", (), "1 Hari"), (5, "Admin Anggaran", (), "1 Hari"),
        (6, "Admin Anggaran", (), "1 Hari"), (7, "Admin Anggaran", (), "1 Hari"), (8, "KPA", (), "1 Hari"),
        (9, "Admin Anggaran", (), "2 Hari"), (10, "Admin Anggaran", (), "1 Hari"), (11, "KPA", ("PPK",), "1 Hari"),
        (12, "Ketua Tim Kerja", (TPPE, "Admin Anggaran"), "1 Hari")],
    "014. SOP MONITORING RENCANA STRATEGIS signed.pdf": [
        (1, "Kepala BPS Provinsi", ("Kepala Bagian Umum", TPPE014), "1 Hari"), (2, TPPE014, (), "1 Hari"),
        (3, TPPE014, (), "1 Hari"), (4, TPPE014, (), "1 Hari"), (5, TPPE014, (), "1 Hari"), (6, TPPE014, (), "1 Hari"),
        (7, TPPE014, (), "1 Hari"), (8, "Kepala BPS Provinsi", ("Kepala Bagian Umum",), "1 Hari")],
    "022. SOP Pembuatan Naskah Dinas signed.pdf": [
        (1, "Tim", (), "20 Menit"), (2, "Sekretaris", (), "20 Menit"), (3, "Kepala BPS Prov", (), "20 Menit"),
        (4, "Sekretaris", (), "15 Menit"), (5, "Bagian Umum", (), "1 - 2 hari")],
    "026. SOP Pengiriman Dokumen signed.pdf": [
        (1, "TIM", (), "10 menit"), (2, "Kepala Bagian Umum", (), "30 Menit"), (3, "Layanan Umum", (), "30 Menit"),
        (4, "Kepala Bagian Umum", ("Sekretaris",), "20 Menit"), (5, "Kepala Bagian Umum", (), "20 Menit"),
        (6, "Sekretaris", ("Layanan Umum",), "20 Menit"), (7, "Jasa pengiriman", (), "30 Menit"),
        (8, "Layanan Umum", (), "20 Menit")],
    # the table is drawn as one closed path per cell
    "041. SOP Unit Kerja Pimpinan (UKP) 2025 signed.pdf": [
        (1, "Ketua Tim", (), "Segera"), (2, "Ketua Tim", (), "Segera"), (3, "Ketua Proyek", (), "Segera"),
        (4, "Supplier Data", (), "Segera"), (5, "Ketua Tim", (), "Segera"), (6, "Ketua Proyek", (), "Segera"),
        (7, "Layouter", (), "Segera"), (8, "Ketua Tim", (), "Segera"), (9, "Ketua Tim", (), "Segera")],
    # Output before Waktu; page 3 continues the table without a header; a wide process box spans PJK TIP and PJK TI
    "043. SOP Pemeliharaan Perangkat Peladen (Server) signed.pdf": [
        (1, "PJK TIP", ("PJK TI",), "1-2 hari"), (2, "Anggota Team TIP", (), "1 jam"),
        (3, "Anggota Team TIP", (), "-"), (4, "Anggota Team TIP", ("PJK TIP", "PJK TI"), "-"),
        (5, "Anggota Team TIP", ("PJK TIP", "PJK TI"), "-")],
    # no "No" header (Uraian Prosedur spans it); an unnumbered row after step 5 (Sarana Pelayanan, 30 menit)
    "343. SOP PENGADUAN 2025 signed.pdf": [
        (1, "Pengguna Layanan", (), ""), (2, "Pengguna Layanan", (), ""), (3, "Resepsionis", (), "10 menit"),
        (4, "Pengguna Layanan", (), ""), (5, "Petugas Layanan", ("Sarana Pelayanan",), "1 jam"),
        (6, "Petugas Layanan", (), "10 hari kerja"), (7, "Pengguna Layanan", (), ""),
        (8, "Pengguna Layanan", (), "10 menit")],
}

needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared/sop-samples not present")


@pytest.fixture(scope="module")
def imported():
    return {name: read_sop_document(SAMPLES / name) for name in EXPECTED}


@needs_samples
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_pdf_steps_actors_and_waktu(imported, name):
    result = imported[name]
    validate(result.sop_json)
    got = [(s["number"], s["actor"], tuple(s["participants"]), s["waktu"]) for s in result.sop_json["steps"]]
    assert got == EXPECTED[name]
    roles = result.sop_json["roles"]
    assert all(s["actor"] in roles and set(s["participants"]) <= set(roles) for s in result.sop_json["steps"])
    assert result.sop_json["steps"][0]["symbol"] == "mulai"
    assert result.sop_json["steps"][-1]["symbol"] == "selesai"


@needs_samples
def test_pdf_identity_block(imported):
    sop = imported["011. SOP REVISI ANGGARAN 2025 signed.pdf"].sop_json
    assert sop["nomor"] == "SOP-011/17000/2025"
    assert sop["nama"] == "REVISI ANGGARAN"
    assert sop["tanggal_pengesahan"] == "02 Juni 2025"  # written "Tanggal Efektif"
    assert sop["disahkan_oleh"].startswith("Kepala BPS Provinsi Bengkulu")
    assert sop["peralatan"][:2] == ["Komputer/Laptop", "Microsoft Excel"]
    assert len(sop["dasar_hukum"]) == 3
    assert sop["instansi"].startswith("BADAN PUSAT STATISTIK")


@needs_samples
def test_pdf_decisions_and_branches(imported):
    steps = {s["number"]: s for s in imported["041. SOP Unit Kerja Pimpinan (UKP) 2025 signed.pdf"].sop_json["steps"]}
    assert steps[5]["symbol"] == steps[8]["symbol"] == "keputusan"
    # read by eye: Sesuai? Tidak goes back up to the step before, Ya goes on
    assert steps[5]["branches"] == [{"label": "Tidak", "to": 4}, {"label": "Ya", "to": 6}]
    assert steps[8]["branches"] == [{"label": "Tidak", "to": 7}, {"label": "Ya", "to": 9}]
    steps = {s["number"]: s for s in imported["011. SOP REVISI ANGGARAN 2025 signed.pdf"].sop_json["steps"]}
    assert [s["symbol"] for s in steps.values()].count("keputusan") == 3
    assert {"label": "Ya", "to": 5} in steps[4]["branches"]
    assert {"label": "Ya", "to": 9} in steps[8]["branches"]
    steps = {s["number"]: s for s in imported["022. SOP Pembuatan Naskah Dinas signed.pdf"].sop_json["steps"]}
    assert {"label": "Tidak", "to": 1} in steps[2]["branches"]
    assert {"label": "Ya", "to": 4} in steps[3]["branches"]
    steps = {s["number"]: s for s in imported["343. SOP PENGADUAN 2025 signed.pdf"].sop_json["steps"]}
    # Ya leads to the unnumbered row merged into step 5 (Sarana Pelayanan), tidak to the Resepsionis (step 3)
    assert steps[2]["branches"] == [{"label": "Ya", "to": 5}, {"label": "tidak", "to": 3}]
    # a target the arrows do not show for sure is left empty and warned, never guessed
    result = imported["011. SOP REVISI ANGGARAN 2025 signed.pdf"]
    steps = {s["number"]: s for s in result.sop_json["steps"]}
    for number in (4, 6, 8):
        assert all(b["to"] in (None, number + 1) for b in steps[number]["branches"])
    assert any(w.startswith("Langkah 4: tujuan cabang \"Tidak\" tidak terbaca") for w in result.warnings)


@needs_samples
def test_pdf_warnings_name_the_step(imported):
    warnings = imported["011. SOP REVISI ANGGARAN 2025 signed.pdf"].warnings
    assert any(w.startswith("Langkah 1: Waktu \"Sebelum periode revisi bulan berjalan\" tidak dikenali") for w in warnings)
    warnings = imported["343. SOP PENGADUAN 2025 signed.pdf"].warnings
    assert any(w.startswith("Langkah 5: baris tanpa nomor") and "30 menit" in w for w in warnings)
    sop = to_sop(imported["041. SOP Unit Kerja Pimpinan (UKP) 2025 signed.pdf"].sop_json)
    assert sop.step(1).waktu == "Segera" and sop.step(1).standard is None  # kept, never guessed


@needs_samples
def test_pdf_to_sop_and_json_round_trip(imported, tmp_path):
    for name, result in imported.items():
        sop = to_sop(result.sop_json)
        assert isinstance(sop, Sop) and len(sop.steps) == len(EXPECTED[name])
        path = tmp_path / "sop.json"
        path.write_text(json.dumps(result.sop_json, ensure_ascii=False), encoding="utf-8")
        again = read_sop_document(path)
        assert again.sop_json == result.sop_json
        assert to_sop(again.sop_json) == sop


# --- Word -------------------------------------------------------------------------------------------------------------

def _drawing(prst: str) -> str:
    return (
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<w:drawing><wp:anchor><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:spPr>'
        f'<a:prstGeom prst="{prst}"/></wps:spPr><wps:txbx><w:txbxContent/></wps:txbx></wps:wsp></a:graphicData>'
        '</a:graphic></wp:anchor></w:drawing></w:r>')


def _vml(shape_type: str) -> str:
    return ('<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict>'
            f'<v:shape type="#_x0000_t{shape_type}"/></w:pict></w:r>')


def _alternate(prst: str, shape_type: str) -> str:
    """A shape as Word writes it: DrawingML with a VML fallback (one shape, named twice)."""
    drawing = _drawing(prst).split(">", 1)[1].rsplit("</w:r>", 1)[0]
    vml = _vml(shape_type).split(">", 1)[1].rsplit("</w:r>", 1)[0]
    return ('<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
            'xmlns:v="urn:schemas-microsoft-com:vml">'
            f'<mc:AlternateContent><mc:Choice Requires="wps">{drawing}</mc:Choice>'
            f'<mc:Fallback>{vml}</mc:Fallback></mc:AlternateContent></w:r>')


ROLES = ["Kepala Dinas", "Sekretaris", "Kasubag"]


def make_docx(path: Path, *, variant: str = "Kelengkapan") -> Path:
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("STANDAR OPERASIONAL PROSEDUR")
    ident = document.add_table(rows=4, cols=2)
    for r, (label, value) in enumerate([("Nomor SOP", "3.1.2.6"), ("Tanggal Efektif", "15 Desember 2022"),
                                        ("Nama SOP", "Penyusunan Laporan Kinerja (LKj)"),
                                        ("Peralatan/Perlengkapan", "1. ATK\n2. Printer")]):
        ident.cell(r, 0).text, ident.cell(r, 1).text = label, value
    headers = ["No", "Uraian Prosedur", *ROLES, variant, "Waktu", "Output", "Ket"]
    table = document.add_table(rows=3 + 4, cols=len(headers))
    for c, h in enumerate(headers):
        table.cell(0, c).text = h
    table.cell(0, 2).merge(table.cell(0, 4)).text = "Pelaksana"
    table.cell(0, 5).merge(table.cell(0, 7)).text = "Mutu Baku"
    for c in range(len(headers)):
        if 2 <= c <= 7:
            table.cell(1, c).text = headers[c]
        else:
            table.cell(0, c).merge(table.cell(1, c))
        table.cell(2, c).text = f"({c + 1})"
    steps = [
        (1, "Menerima surat dan memberi disposisi", {0: "drawing:flowChartTerminator"}, "surat", "5 menit", "disposisi"),
        (2, "Rapat internal dan memeriksa", {1: "vml:110", 2: "text:X"}, "disposisi", "2 jam", "notulen"),
        (3, "Menyusun draft", {2: "alt:flowChartProcess"}, "notulen", "", "draft"),
        (4, "Menandatangani dan selesai", {0: "text:selesai"}, "draft", "1 hari", "LKj"),
    ]
    for i, (number, uraian, marks, kel, waktu, output) in enumerate(steps):
        row = 3 + i
        table.cell(row, 0).text = str(number)
        table.cell(row, 1).text = uraian
        for col, mark in marks.items():
            kind, value = mark.split(":", 1)
            cell = table.cell(row, 2 + col)
            if kind == "text":
                cell.text = value
            else:
                xml = {"drawing": _drawing, "vml": _vml}.get(kind, lambda v: _alternate(v, "109"))(value)
                cell.paragraphs[0]._p.append(parse_xml(xml))
        table.cell(row, 5).text = kel
        table.cell(row, 6).text = waktu
        table.cell(row, 7).text = output
    # Waktu of steps 2 and 3 is one merged cell
    table.cell(4, 6).merge(table.cell(5, 6)).text = "2 jam"
    document.save(str(path))
    return path


def test_docx(tmp_path):
    result = read_sop_document(make_docx(tmp_path / "sop.docx", variant="Sumber Data"))
    sop = result.sop_json
    validate(sop)
    assert sop["roles"] == ROLES
    assert sop["nomor"] == "3.1.2.6" and sop["tanggal_pengesahan"] == "15 Desember 2022"
    assert sop["peralatan"] == ["ATK", "Printer"]
    got = [(s["number"], s["actor"], s["participants"], s["symbol"], s["kelengkapan"], s["waktu"])
           for s in sop["steps"]]
    assert got == [
        (1, "Kepala Dinas", [], "mulai", "surat", "5 menit"),
        (2, "Sekretaris", ["Kasubag"], "keputusan", "disposisi", "2 jam"),
        (3, "Kasubag", [], "proses", "notulen", ""),
        (4, "Kepala Dinas", [], "selesai", "draft", "1 hari"),
    ]
    assert sop["steps"][1]["waktu_group"] == sop["steps"][2]["waktu_group"] == [2, 3]
    assert any(w.startswith("Langkah 2: keputusan tanpa label cabang") for w in result.warnings)
    assert to_sop(sop).step(2).standard.minutes == 120


# --- Excel ------------------------------------------------------------------------------------------------------------

def make_xlsx(path: Path, *, shapes: bool) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "SOP"
    ws.append(["Nomor SOP", "3.1.2.6"])
    ws.append(["Nama SOP", "Penyusunan LKj"])
    ws.append([])
    ws.append(["No", "Kegiatan", "Pelaksana", None, None, "Mutu Baku", None, None, "Keterangan"])
    ws.append([None, None, *ROLES, "Kelengkapan", "Output", "Waktu", None])  # Output before Waktu
    ws.merge_cells("A4:A5")
    ws.merge_cells("B4:B5")
    ws.merge_cells("C4:E4")
    ws.merge_cells("F4:H4")
    ws.merge_cells("I4:I5")
    marks = [("mulai", None, None), (None, "✓", "x"), (None, None, "X"), ("selesai", None, None)]
    rows = [(1, "Menerima surat", "surat", "disposisi", "5 menit"), (2, "Rapat", "disposisi", "notulen", "2 minggu"),
            (3, "Menyusun", "notulen", "draft", "tiga hari"), (4, "Menandatangani", "draft", "LKj", "1 hari")]
    for (number, uraian, kel, out, waktu), mark in zip(rows, marks):
        ws.append([number, uraian, *(None if shapes else m for m in mark), kel, out, waktu, None])
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    if shapes:
        data = _with_drawing(data, [(5, 2, "flowChartTerminator"), (6, 3, "flowChartProcess"), (6, 4, "rect"),
                                    (7, 4, "flowChartDecision"), (8, 2, "roundRect")])
    path.write_bytes(data)
    return path


def _with_drawing(data: bytes, shapes: list[tuple[int, int, str]]) -> bytes:
    """The package with a drawing part holding preset shapes anchored at (row, col), 0-based, on sheet 1."""
    anchors = "".join(
        f'<xdr:twoCellAnchor><xdr:from><xdr:col>{c}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{r}</xdr:row>'
        f'<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>{c}</xdr:col><xdr:colOff>600000</xdr:colOff>'
        f'<xdr:row>{r}</xdr:row><xdr:rowOff>150000</xdr:rowOff></xdr:to><xdr:sp><xdr:nvSpPr><xdr:cNvPr id="{i + 2}" '
        f'name="s{i}"/><xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr><a:prstGeom prst="{prst}"><a:avLst/></a:prstGeom>'
        f'</xdr:spPr></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>' for i, (r, c, prst) in enumerate(shapes))
    drawing = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><xdr:wsDr '
               'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
               f'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">{anchors}</xdr:wsDr>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdD1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing" '
            'Target="../drawings/drawing1.xml"/></Relationships>')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</worksheet>", b'<drawing xmlns:r="http://schemas.openxmlformats.org/'
                                          b'officeDocument/2006/relationships" r:id="rIdD1"/></worksheet>')
            if item.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", b'<Override PartName="/xl/drawings/drawing1.xml" '
                                          b'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>'
                                          b"</Types>")
            dst.writestr(item, content)
        dst.writestr("xl/drawings/drawing1.xml", drawing)
        dst.writestr("xl/worksheets/_rels/sheet1.xml.rels", rels)
    return out.getvalue()


@pytest.mark.parametrize("shapes", [False, True], ids=["typed-marks", "drawing-shapes"])
def test_xlsx(tmp_path, shapes):
    result = read_sop_document(make_xlsx(tmp_path / "sop.xlsx", shapes=shapes))
    sop = result.sop_json
    validate(sop)
    assert sop["roles"] == ROLES and sop["nomor"] == "3.1.2.6"
    got = [(s["number"], s["actor"], s["participants"], s["output"], s["waktu"]) for s in sop["steps"]]
    assert got == [(1, "Kepala Dinas", [], "disposisi", "5 menit"), (2, "Sekretaris", ["Kasubag"], "notulen", "2 minggu"),
                   (3, "Kasubag", [], "draft", "tiga hari"), (4, "Kepala Dinas", [], "LKj", "1 hari")]
    assert sop["steps"][0]["symbol"] == "mulai" and sop["steps"][3]["symbol"] == "selesai"
    if shapes:
        assert sop["steps"][2]["symbol"] == "keputusan"
    assert any(w.startswith("Langkah 3: Waktu \"tiga hari\" tidak dikenali") for w in result.warnings)
    assert to_sop(sop).step(3).standard is None


def test_tracker_sop_sheet(templates, tmp_path):
    path = templates.copy(templates.blank(), tmp_path, "LKj_2025.xlsx")
    result = read_sop_document(path)
    validate(result.sop_json)
    sop = to_sop(result.sop_json)
    assert sop.steps == DEFAULT_SOP.steps
    assert sop.roles == DEFAULT_SOP.roles and sop.nomor == DEFAULT_SOP.nomor


# --- schema, bad input, CLI -----------------------------------------------------------------------------------------

def test_schema_is_package_data_and_valid():
    assert SCHEMA_PATH.name == "sop.schema.json" and SCHEMA_PATH.is_file()
    jsonschema.Draft202012Validator.check_schema(load_schema())


def _bad_pdfs(tmp_path: Path) -> dict[str, Path]:
    import pypdfium2

    paths = {}
    blank = pypdfium2.PdfDocument.new()
    blank.new_page(595, 842)
    blank.save(str(tmp_path / "scan.pdf"))  # a page without a text layer, as a scan has
    paths["scan"] = tmp_path / "scan.pdf"
    paths["broken"] = tmp_path / "broken.pdf"
    paths["broken"].write_bytes(b"%PDF-1.4\n1 0 obj <<>> garbage")
    return paths


def test_unusable_files(tmp_path):
    for path in _bad_pdfs(tmp_path).values():
        with pytest.raises(UnusableFileError, match=path.name):
            read_sop_document(path)
    doc = tmp_path / "lama.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(UnusableFileError, match=r"lama\.doc.*\.docx"):
        read_sop_document(doc)
    notdocx = tmp_path / "rusak.docx"
    notdocx.write_bytes(b"bukan zip")
    with pytest.raises(UnusableFileError, match="rusak.docx"):
        read_sop_document(notdocx)
    bad_json = tmp_path / "sop.json"
    bad_json.write_text('{"steps": []}', encoding="utf-8")
    with pytest.raises(UnusableFileError, match="sop.json"):
        read_sop_document(bad_json)


@needs_samples
def test_pdf_without_step_table(tmp_path):
    import pypdfium2

    # page 1 of a sample alone: the identity block, no step table
    src = pypdfium2.PdfDocument(str(SAMPLES / "022. SOP Pembuatan Naskah Dinas signed.pdf"))
    out = pypdfium2.PdfDocument.new()
    out.import_pages(src, [0])
    out.save(str(tmp_path / "identitas.pdf"))
    with pytest.raises(UnusableFileError, match="identitas.pdf.*tabel langkah"):
        read_sop_document(tmp_path / "identitas.pdf")


def _encrypted_pdf() -> bytes:
    """A one-page PDF under the standard security handler whose user password is not empty (the /U entry does not
    match the empty password): what a reader without the password sees of an encrypted SOP."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /P -4 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<" % (len(objects) + 1) + b"ab" * 16 + b"> <"
            + b"ab" * 16 + b">] >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return bytes(out)


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "kunci.pdf"
    path.write_bytes(_encrypted_pdf())
    with pytest.raises(UnusableFileError, match="kunci.pdf.*terenkripsi"):
        read_sop_document(path)


def test_cli(tmp_path, capsys):
    from lkj_xl.cli import main

    docx_path = make_docx(tmp_path / "sop.docx")
    out = tmp_path / "sop.json"
    assert main(["sop", "import", str(docx_path), "--out", str(out)]) == 1  # warnings -> 1
    captured = capsys.readouterr()
    assert "No" in captured.out and "Pelaksana" in captured.out and "Sekretaris (+ Kasubag)" in captured.out
    assert "Peringatan: Langkah 2" in captured.err
    validate(json.loads(out.read_text(encoding="utf-8")))
    assert main(["sop", "import", str(out), "--json"]) == 0  # the JSON itself, no warnings -> 0
    assert json.loads(capsys.readouterr().out) == json.loads(out.read_text(encoding="utf-8"))
    missing = tmp_path / "tidak-ada.pdf"
    assert main(["sop", "import", str(missing)]) == 2
    assert "tidak-ada.pdf" in capsys.readouterr().err
