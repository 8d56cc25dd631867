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


# Every decision of the eight PDFs, (label, step the arrow enters), read by eye from the page rendered at 90-250 dpi
# (pdftoppm -r 250 -f P -l P -x .. -y .. FILE out, a crop around the diamond).  Order: the labels' reading order.
BRANCHES = {
    # page 3, the flowchart is a pasted picture: Tidak goes left then down into step 9's box, Ya straight down past
    # step 9 into step 10's; the same at 12 (Tidak -> 13, Ya -> 14)
    "005. SOP Pelaporan Barang Persediaan signed.pdf": {
        8: [("Tidak", 9), ("Ya", 10)], 12: [("Tidak", 13), ("Ya", 14)]},
    # page 2: each Tidak runs up the page into step 1's rounded box (three arrowheads side by side there); the
    # label sits on the line with a white box under it, the line stops a few points short of the diamond
    "011. SOP REVISI ANGGARAN 2025 signed.pdf": {
        4: [("Tidak", 1), ("Ya", 5)], 6: [("Tidak", 1), ("Ya", 7)], 8: [("Tidak", 1), ("Ya", 9)]},
    # page 2: the Tidak line leaves the diamond's lower-left side, runs down left of step 5 into step 6's box (its
    # arrowhead stops short of the box); "Ya, butuh / perbaikan" is written on two lines
    "014. SOP MONITORING RENCANA STRATEGIS signed.pdf": {
        4: [("Tidak butuh perbaikan", 6), ("Ya, butuh perbaikan", 5)]},
    # page 2: step 2's Tidak goes back up into step 1's rounded box, Ya right into step 3's diamond; step 3's Tidak
    # goes back up into step 2's diamond, Ya down into step 4's box
    "022. SOP Pembuatan Naskah Dinas signed.pdf": {2: [("Tidak", 1), ("Ya", 3)], 3: [("Tidak", 2), ("Ya", 4)]},
    # page 2: the diamond has no label at all (its arrows go right-up to step 4's Sekretaris box and down to step 6)
    "026. SOP Pengiriman Dokumen signed.pdf": {5: []},
    # page 2: the labels are written on the lines
    "041. SOP Unit Kerja Pimpinan (UKP) 2025 signed.pdf": {
        5: [("Tidak", 4), ("Ya", 6)], 8: [("Tidak", 7), ("Ya", 9)]},
    # page 2: no label at all (arrows down to step 3, and to off-page connectors 1 and 2)
    "043. SOP Pemeliharaan Perangkat Peladen (Server) signed.pdf": {2: []},
    # page 2: Ya runs right then down into the unnumbered Sarana Pelayanan row (merged into step 5), tidak down into
    # the Resepsionis box of step 3; step 4's Kotak Pengaduan joins that same line down, Tatap muka enters step 5's box
    "343. SOP PENGADUAN 2025 signed.pdf": {
        2: [("Ya", 5), ("tidak", 3)], 4: [("Kotak Pengaduan", 5), ("Tatap muka", 5)]},
}


@needs_samples
@pytest.mark.parametrize("name", sorted(BRANCHES))
def test_pdf_decisions_and_branches(imported, name):
    result = imported[name]
    steps = result.sop_json["steps"]
    decisions = {s["number"]: [(b["label"], b["to"]) for b in s["branches"]] for s in steps
                 if s["symbol"] == "keputusan"}
    assert decisions == BRANCHES[name]
    assert all("branches" not in s for s in steps if s["symbol"] != "keputusan")
    # every target is read from the arrows, so no branch is left to fill in by hand
    assert not any("tujuan cabang" in w for w in result.warnings)
    for number, branches in BRANCHES[name].items():
        unlabelled = f"Langkah {number}: keputusan tanpa label cabang"
        assert any(w.startswith(unlabelled) for w in result.warnings) == (not branches)


def _edited_page(src: Path, out: Path, page: int, *, lines=(), heads=(), white=(), texts=(), alone=False) -> Path:
    """A copy of a sample PDF with more drawn on page ``page`` (1-based), as a producer could have drawn it, in
    pdfplumber's coordinates (points from the top left): black ``lines`` (polylines), filled arrowhead triangles
    ``heads``, white filled rectangles ``white`` painted over, and ``texts`` (left, baseline, words) in Helvetica 7.
    ``alone``: keep only page 1 (the identity block) and that page."""
    import ctypes

    import pypdfium2
    from pypdfium2 import raw

    pdf = pypdfium2.PdfDocument(str(src))
    pg = pdf[page - 1]
    height = pg.get_height()

    def path(points, *, fill: bool, rgb=(0, 0, 0)):
        obj = raw.FPDFPageObj_CreateNewPath(points[0][0], height - points[0][1])
        for x, y in points[1:]:
            raw.FPDFPath_LineTo(obj, x, height - y)
        if fill:
            raw.FPDFPath_Close(obj)
            raw.FPDFPageObj_SetFillColor(obj, *rgb, 255)
        raw.FPDFPageObj_SetStrokeColor(obj, 0, 0, 0, 255)
        raw.FPDFPageObj_SetStrokeWidth(obj, 0.75)
        raw.FPDFPath_SetDrawMode(obj, raw.FPDF_FILLMODE_WINDING if fill else raw.FPDF_FILLMODE_NONE, not fill)
        raw.FPDFPage_InsertObject(pg.raw, obj)

    for points in lines:
        path(points, fill=False)
    for points in heads:
        path(points, fill=True)
    for x0, y0, x1, y1 in white:
        path([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], fill=True, rgb=(255, 255, 255))
    font = raw.FPDFText_LoadStandardFont(pdf.raw, b"Helvetica")
    for x, baseline, words in texts:
        obj = raw.FPDFPageObj_CreateTextObj(pdf.raw, font, 7.0)
        codes = [ord(ch) for ch in words] + [0]
        raw.FPDFText_SetText(obj, (ctypes.c_ushort * len(codes))(*codes))
        raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, height - baseline)
        raw.FPDFPage_InsertObject(pg.raw, obj)
    pg.gen_content()
    if alone:
        kept = pypdfium2.PdfDocument.new()
        kept.import_pages(pdf, [0, page - 1])
        pdf = kept
    pdf.save(str(out))
    return out


NASKAH = "022. SOP Pembuatan Naskah Dinas signed.pdf"


@needs_samples
@pytest.mark.parametrize("head", [None, "V", "two lines"])
def test_pdf_labels_added_to_an_unlabelled_decision(tmp_path, head):
    # 026 page 2, step 5's diamond has no label; written beside its connectors: "Ya" over the one going right and up
    # into step 4's Sekretaris box, "Tidak" beside the one going down into step 6's box, "Kembali" beside the arrow
    # coming in (no branch: no target, warned), and "Batal" beside a line drawn up from the top vertex to step 4's
    # other box: without arrowhead where it goes is not shown (warned); with an open "V" arrowhead at its top end
    # (stroked as one path, or as two lines), it enters that box
    line = [(245.8, 264.0), (245.8, 241.5)]
    v = {None: [], "V": [[(242.8, 244.5), (245.8, 241.5), (248.8, 244.5)]],
         "two lines": [[(242.8, 244.5), (245.8, 241.5)], [(245.8, 241.5), (248.8, 244.5)]]}[head]
    edited = _edited_page(SAMPLES / "026. SOP Pengiriman Dokumen signed.pdf", tmp_path / "berlabel.pdf", 2,
                          lines=[line, *v],
                          texts=[(266, 273, "Ya"), (249, 305, "Tidak"), (180, 252, "Kembali"), (249, 255, "Batal")])
    result = read_sop_document(edited)
    steps = {s["number"]: s for s in result.sop_json["steps"]}
    assert steps[5]["branches"] == [{"label": "Kembali", "to": None}, {"label": "Batal", "to": 4 if head else None},
                                    {"label": "Ya", "to": 4}, {"label": "Tidak", "to": 6}]
    batal = "Langkah 5: tujuan cabang \"Batal\" tidak terbaca dari panah bagan alir; isi sendiri."
    assert (batal in result.warnings) == (head is None)
    assert "Langkah 5: tujuan cabang \"Kembali\" tidak terbaca dari panah bagan alir; isi sendiri." in result.warnings


@needs_samples
def test_pdf_branch_that_forks_is_not_guessed_and_crossings_are_no_joins(tmp_path):
    # 022 page 2: a line leaves step 2's Ya line at x=300, runs down across step 3's Tidak and Ya lines (crossings,
    # no joins) and enters step 4's box from the right: Ya now leads to two shapes, which one is not known
    edited = _edited_page(SAMPLES / NASKAH, tmp_path / "cabang.pdf", 2,
                          lines=[[(300, 183.6), (300, 349), (286, 349)]], heads=[[(286, 346.5), (281.5, 349), (286, 351.5)]])
    result = read_sop_document(edited)
    steps = {s["number"]: s for s in result.sop_json["steps"]}
    assert steps[2]["branches"] == [{"label": "Tidak", "to": 1}, {"label": "Ya", "to": None}]
    assert steps[3]["branches"] == [{"label": "Tidak", "to": 2}, {"label": "Ya", "to": 4}]
    assert any(w.startswith("Langkah 2: tujuan cabang \"Ya\"") for w in result.warnings)


@needs_samples
def test_pdf_broken_or_crossed_connector_in_a_picture_is_not_guessed(tmp_path):
    # 005 page 3 (a pasted picture; kept alone with page 1): white paint over step 8's Ya line halfway down to step
    # 10 (broken: it enters nothing), and a line drawn from the right across step 12's Ya line into step 13's box
    # (in a picture a crossing cannot be told from a join: Ya would enter both 13 and 14)
    edited = _edited_page(SAMPLES / "005. SOP Pelaporan Barang Persediaan signed.pdf", tmp_path / "putus.pdf", 3,
                          white=[(446, 230, 458, 240)], lines=[[(472, 412.5), (402, 412.5)]],
                          heads=[[(402, 410), (397.5, 412.5), (402, 415)]], alone=True)
    result = read_sop_document(edited)
    steps = {s["number"]: s for s in result.sop_json["steps"]}
    assert steps[8]["branches"] == [{"label": "Tidak", "to": 9}, {"label": "Ya", "to": None}]
    assert steps[12]["branches"] == [{"label": "Tidak", "to": 13}, {"label": "Ya", "to": None}]


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
