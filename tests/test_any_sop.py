"""Track any SOP (issue 13): `lkj new --sop DOC` builds the tracker for an imported SOP (a signed PDF of
shared/sop-samples, the import JSON), and the tracker works for any number of steps: Beranda, Masalah, Laporan
(printed by LibreOffice on A4 without splitting columns) and `lkj status --json`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import soffice_convert, type_in
from lkj_xl.workbook import layout
from test_cli import lkj

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "sop-samples"
PDF_026 = SAMPLES / "026. SOP Pengiriman Dokumen signed.pdf"
PDF_014 = SAMPLES / "014. SOP MONITORING RENCANA STRATEGIS signed.pdf"
needs_samples = pytest.mark.skipif(not PDF_026.is_file(), reason="../shared/sop-samples is not there")

ROLES_14 = ("Kepala Dinas", "Sekretaris", "Tim Perencanaan, Penganggaran dan Evaluasi", "Kasubag Umum", "JFU")
WAKTU_14 = ("5 menit", "1 jam", "2 hari kerja", "-", "30 menit", "1 - 3 hari kerja", "1 minggu", "45 menit",
            "2 jam", "1 hari", "", "15 menit", "3 hari kerja", "10 menit")


def sop_json_14() -> dict:
    """A 14-step SOP in the import JSON format, with long texts (they wrap) and a role holding a comma."""
    steps = []
    for n in range(1, 15):
        actor = ROLES_14[(n - 1) % len(ROLES_14)]
        steps.append({
            "number": n,
            "uraian": f"Langkah uji nomor {n}: menerima berkas, memeriksa kelengkapan dokumen pendukung, mencatat "
                      f"dalam buku agenda dan meneruskan kepada pejabat berikutnya sesuai disposisi",
            "actor": actor, "participants": [ROLES_14[2]] if n == 1 else [],
            "kelengkapan": "berkas usulan", "waktu": WAKTU_14[n - 1], "output": f"Keluaran langkah {n}",
            "keterangan": "", "symbol": "mulai" if n == 1 else ("selesai" if n == 14 else "proses"),
        })
    return {"instansi": "Dinas Uji Kota Madiun", "nomor": "9.9.9", "tanggal_pembuatan": "2 Januari 2025",
            "tanggal_revisi": "-", "tanggal_pengesahan": "3 Januari 2025", "disahkan_oleh": "Kepala Dinas",
            "nama": "Prosedur Uji Empat Belas Langkah", "dasar_hukum": ["Peraturan uji"],
            "kualifikasi_pelaksana": ["S1"], "keterkaitan": [], "peralatan": ["Komputer"], "peringatan": "-",
            "pencatatan_pendataan": "-", "roles": list(ROLES_14), "steps": steps}


@pytest.fixture(scope="module")
def json_14(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sop14") / "sop14.json"
    path.write_text(json.dumps(sop_json_14(), ensure_ascii=False), encoding="utf-8")
    return path


def built_14(folder: Path) -> Path:
    """`lkj new --sop sop14.json`, the first ten steps typed in (step 10 running), as a session template."""
    import contextlib
    import io

    source = folder / "sop14.json"
    source.write_text(json.dumps(sop_json_14(), ensure_ascii=False), encoding="utf-8")
    path = folder / "Uji_14.xlsx"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main_new(path, source) == 0
    wb = openpyxl.load_workbook(path)
    for n in range(1, 11):
        day = 5 + n
        values = {layout.F_RECEIVED: f"{day:02d}/01/2026 08:00", layout.F_KELENGKAPAN: "Ya"}
        if n < 10:
            values[layout.F_COMPLETED] = f"{day:02d}/01/2026 15:00"
        type_in(wb[layout.step_sheet(n)], layout.STEP_TABLE_HEADER_ROW + 1, values)
    wb.save(path)
    return path


def main_new(path: Path, sop: Path, *extra: str) -> int:
    from lkj_xl.cli import main

    return main(["new", str(path), "--year", "2025", "--sop", str(sop), *extra])


@pytest.fixture
def tracker_14(templates, tmp_path) -> Path:
    return templates.copy(templates.made("any-sop-14", built_14), tmp_path)


# --- lkj new --sop ----------------------------------------------------------------------------------------------------


@needs_samples
def test_new_from_a_signed_pdf_builds_one_sheet_and_table_per_step(tmp_path, capsys):
    path = tmp_path / "Pengiriman.xlsx"
    code, out, err = lkj(capsys, "new", path, "--year", 2025, "--sop", PDF_026, "--agency", "BPS Provinsi Bengkulu")
    # the importer's doubt about step 5's branches is printed, and the tracker is written (exit 1: check it)
    assert code == 1, err
    assert "Langkah 5: keputusan tanpa label cabang" in err and "Pengiriman Dokumen (8 langkah)" in out
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == layout.sheet_order(range(1, 9))
    for n in range(1, 9):
        assert list(wb[layout.step_sheet(n)].tables) == [layout.step_table(n)]
    sop = wb[layout.SHEET_SOP]
    identity = {sop.cell(r, 1).value: sop.cell(r, 2).value for r in range(layout.SOP_IDENTITY_FIRST_ROW, 17)}
    assert identity["Nomor SOP"] == "SOP-026/17000/2025" and identity["Nama SOP"] == "Pengiriman Dokumen"
    roles = [sop.cell(layout.ROLES_HEADER_ROW + i, layout.ROLES_COLUMN).value for i in range(1, 7)]
    assert roles == ["TIM", "Kepala Bagian Umum", "Sekretaris", "Layanan Umum", "Jasa pengiriman", None]
    # the dropdowns of Pegawai's Jabatan and tblSOP's Pelaksana list exactly those roles
    roles_column = openpyxl.utils.get_column_letter(layout.ROLES_COLUMN)
    assert wb.defined_names[layout.ROLES_NAME].attr_text == f"'SOP'!${roles_column}$4:${roles_column}$33"
    header = layout.SOP_TABLE_HEADER_ROW
    table = [[sop.cell(header + i, c).value for c in (1, 3, 4, 6)] for i in range(1, 9)]
    assert table[3] == [4, "Kepala Bagian Umum", "Sekretaris", "20 Menit"]
    assert sop.tables[layout.SOP_TABLE_NAME].ref.startswith(f"A{header}:")
    assert sop.tables[layout.SOP_TABLE_NAME].ref.endswith(str(header + 8))
    home = wb[layout.SHEET_HOME]
    assert "Pengiriman Dokumen (SOP SOP-026/17000/2025)" in home["A2"].value
    # it reads and validates clean
    code, out, _ = lkj(capsys, "validate", path, "--as-of", "2025-06-02T10:00")
    assert code == 0 and ("0 kesalahan" in out or "Tidak ada masalah" in out), out


@needs_samples
def test_a_role_holding_a_comma_stays_one_role(tmp_path, capsys):
    from lkj_xl.engines.package import PackageBook
    from lkj_xl.workbook.reader import load_tracker

    path = tmp_path / "Renstra.xlsx"
    # exit 0: the PDF leaves no doubt (its one decision's targets are read from the arrows)
    assert lkj(capsys, "new", path, "--year", 2025, "--sop", PDF_014)[0] == 0
    sop = load_tracker(PackageBook.open(path)).sop
    assert sop.step(1).participants == ("Kepala Bagian Umum", "Tim perencanaan, Penganggaran dan Evaluasi")
    assert len(sop.steps) == 8 and sop.step(2).actor == "Tim perencanaan, Penganggaran dan Evaluasi"


def test_new_xlsm_from_json_is_the_macro_tracker_for_that_sop(tmp_path, json_14, capsys):
    from lkj_xl.files.macro_check import verify_xlsm

    path = tmp_path / "Uji.xlsm"
    code, out, err = lkj(capsys, "new", path, "--year", 2025, "--sop", json_14)
    assert code == 0, err
    assert "bermakro" in out and "(14 langkah)" in out
    assert verify_xlsm(path, deep=True) == []
    wb = openpyxl.load_workbook(path, keep_vba=True)
    assert [n for n in wb.sheetnames if layout.step_of_sheet(n)] == [layout.step_sheet(n) for n in range(1, 15)]
    assert wb[layout.step_sheet(14)]["A1"].value.startswith("Langkah 14 dari 14 - SOP 9.9.9")


@pytest.mark.parametrize("name, content", [
    ("kosong.json", {"roles": ["A"], "steps": []}),
    ("ganda.json", {"roles": ["A"], "steps": [
        {"number": 1, "uraian": "a", "actor": "A", "waktu": ""}, {"number": 1, "uraian": "b", "actor": "A", "waktu": ""}]}),
    ("jabatan.json", {"roles": [f"Jabatan {i}" for i in range(31)], "steps": [
        {"number": 1, "uraian": "a", "actor": "Jabatan 1", "waktu": ""}]}),
    ("rusak.json", None),
    ("lama.doc", b"\xd0\xcf\x11\xe0 not a docx"),
])
def test_an_unusable_sop_writes_nothing_and_exits_2(tmp_path, capsys, name, content):
    source = tmp_path / name
    if isinstance(content, bytes):
        source.write_bytes(content)
    else:
        source.write_text("{ bukan json" if content is None else json.dumps(content), encoding="utf-8")
    target = tmp_path / "X.xlsx"
    code, out, err = lkj(capsys, "new", target, "--year", 2025, "--sop", source)
    assert code == 2, (out, err)
    assert name in err and "Traceback" not in err
    assert not target.exists() and sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_a_missing_sop_document_exits_2(tmp_path, capsys):
    code, _, err = lkj(capsys, "new", tmp_path / "X.xlsx", "--year", 2025, "--sop", tmp_path / "tidak-ada.pdf")
    assert code == 2 and "tidak-ada.pdf" in err and not (tmp_path / "X.xlsx").exists()


# --- any number of steps ------------------------------------------------------------------------------------------------


def test_refresh_status_and_report_for_fourteen_steps(tracker_14, capsys):
    code, out, err = lkj(capsys, "report", tracker_14, "--as-of", "2026-01-15T10:00")
    assert code == 0, out + err
    code, out, _ = lkj(capsys, "status", tracker_14, "--json", "--as-of", "2026-01-15T10:00")
    state = json.loads(out)
    assert [s["step"] for s in state["steps"]] == list(range(1, 15))
    assert [s["status"] for s in state["steps"]][8:11] == ["selesai_terlambat", "berjalan", "belum_mulai"]  # 9: 2 jam, took 6
    assert state["steps"][2]["actor"] == "Tim Perencanaan, Penganggaran dan Evaluasi"
    wb = openpyxl.load_workbook(tracker_14)
    home = wb[layout.SHEET_HOME]
    assert "Langkah 10" in str(home.cell(layout.beranda_row(layout.B_CURRENT), 2).value)
    from lkj_xl.workbook.report_sheet import ReportLayout, SIGNATURE_LEFT, STEPS_FIRST_ROW

    report = wb[layout.SHEET_REPORT]
    lay = ReportLayout(14)
    assert [report.cell(STEPS_FIRST_ROW + i, 1).value for i in range(14)] == list(range(1, 15))
    assert report.cell(STEPS_FIRST_ROW + 13, 9).value == "Belum mulai"
    assert [report.cell(lay.eval_first_row + i, 1).value for i in range(14)] == list(range(1, 15))
    assert report.cell(lay.signature_row + 1, SIGNATURE_LEFT[0]).value == "Mengetahui,"
    # the chart reads all 14 rows of its data
    with zipfile.ZipFile(tracker_14) as package:
        chart = next(package.read(n).decode() for n in package.namelist() if n.startswith("xl/charts/chart"))
    assert f"$L${STEPS_FIRST_ROW}:$L${STEPS_FIRST_ROW + 13}" in chart


def test_fourteen_steps_print_on_a4_without_splitting_columns(tracker_14, tmp_path, soffice_profile, capsys):
    pdftotext, pdfinfo = shutil.which("pdftotext"), shutil.which("pdfinfo")
    if pdftotext is None or pdfinfo is None:
        pytest.skip("pdftotext/pdfinfo are not installed (apt-get install -y poppler-utils)")
    assert lkj(capsys, "report", tracker_14, "--as-of", "2026-01-15T10:00")[0] == 0
    wb = openpyxl.load_workbook(tracker_14)  # print the report alone (openpyxl drops the chart: not what is checked)
    for name in wb.sheetnames:
        if name != layout.SHEET_REPORT:
            del wb[name]
    only = tmp_path / "laporan.xlsx"
    wb.save(only)
    pdf = soffice_convert(soffice_profile, [only], "pdf", tmp_path / "pdf")["laporan"]
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, timeout=60).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    texts = []
    for page in range(1, pages + 1):
        size = subprocess.run([pdfinfo, "-f", str(page), "-l", str(page), str(pdf)], capture_output=True, text=True,
                              timeout=60).stdout
        assert re.search(r"size:\s+841\.\d+ x 595\.\d+ pts \(A4\)", size), size  # A4 landscape
        texts.append(" ".join(subprocess.run([pdftotext, "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                                             capture_output=True, text=True, timeout=60).stdout.split()))
    # the step table is whole on one page: its first and last columns, its first and last rows
    table_pages = [t for t in texts if "A. Pelaksanaan Langkah SOP" in t]
    assert len(table_pages) == 1
    page = table_pages[0]
    assert "Uraian Kegiatan" in page and "Keterlambatan" in page
    # full descriptions make tall rows, so the table's rows may continue on the next page, but never its columns:
    # the page holding step 14's description also holds its status, the table's last-but-one column
    assert "Langkah uji nomor 1:" in page
    everything = " ".join(texts)
    assert all(f"Langkah uji nomor {n}:" in everything for n in range(1, 15))
    last = next(t for t in texts if "Langkah uji nomor 14:" in t)
    assert "Belum mulai" in last
    # no page holds only the right-hand columns of the table (a split would put them on a page of their own)
    for text in texts:
        if "Keterlambatan" in text or "Tindakan yang harus diambil" in text:
            assert "Uraian Kegiatan" in text


# --- the flowchart in the SOP model and the SOP sheet; the Waktu shared by a group; Ulang ------------------------------


PDF_041 = SAMPLES / "041. SOP Unit Kerja Pimpinan (UKP) 2025 signed.pdf"


def grouped_json() -> dict:
    """Four steps; the Waktu "2 hari kerja" merged over steps 2 and 3 (the first carries it); step 4 a decision."""
    data = sop_json_14()
    data["steps"] = data["steps"][:4]
    data["steps"][1].update(waktu="2 hari kerja", waktu_group=[2, 3])
    data["steps"][2].update(waktu="", waktu_group=[2, 3])
    data["steps"][3].update(waktu="1 jam", symbol="keputusan",
                            branches=[{"label": "Ya, lengkap", "to": None}, {"label": "Tidak", "to": 2}])
    return data


@needs_samples
def test_symbols_and_branches_from_the_pdf_live_on_the_sop_sheet(tmp_path, capsys):
    from lkj_xl.authoring.sop_import import read_sop_document

    path = tmp_path / "UKP.xlsx"
    assert lkj(capsys, "new", path, "--year", 2025, "--sop", PDF_041)[0] == 1
    ws = openpyxl.load_workbook(path)[layout.SHEET_SOP]
    header = layout.SOP_TABLE_HEADER_ROW
    flow = {ws.cell(header + i, layout.FLOW_COLUMN).value: tuple(ws.cell(header + i, layout.FLOW_COLUMN + c).value
                                                                 for c in (1, 2, 3)) for i in range(1, 10)}
    assert flow[1] == ("mulai", None, None) and flow[9] == ("selesai", None, None)
    assert flow[5] == ("keputusan", "Tidak: 4; Ya: 6", None) and flow[8] == ("keputusan", "Tidak: 7; Ya: 9", None)
    # the tracker's SOP sheet imports back to the same flowchart reading as the PDF
    from_pdf = read_sop_document(PDF_041).sop_json
    from_sheet = read_sop_document(path).sop_json
    for key in ("symbol", "branches", "waktu_group", "actor", "waktu"):
        assert [s.get(key) for s in from_sheet["steps"]] == [s.get(key) for s in from_pdf["steps"]], key


def test_a_waktu_group_round_trips_and_is_one_standard_for_the_group(tmp_path, capsys):
    from datetime import datetime

    from lkj_xl.authoring.sop_import import read_sop_document, to_sop
    from lkj_xl.core.entries import Cycle, StepRecord
    from lkj_xl.core.schedule import schedule_cycle
    from lkj_xl.core.worktime import build_calendar

    source = tmp_path / "grup.json"
    source.write_text(json.dumps(grouped_json()), encoding="utf-8")
    path = tmp_path / "Grup.xlsx"
    assert lkj(capsys, "new", path, "--year", 2025, "--sop", source)[0] == 0
    ws = openpyxl.load_workbook(path)[layout.SHEET_SOP]
    header = layout.SOP_TABLE_HEADER_ROW
    assert [ws.cell(header + n, layout.FLOW_COLUMN + 3).value for n in (1, 2, 3, 4)] == [None, "2-3", "2-3", None]
    assert ws.cell(header + 4, layout.FLOW_COLUMN + 2).value == "Ya, lengkap: ?; Tidak: 2"
    sop = to_sop(read_sop_document(path).sop_json)
    assert sop == to_sop(grouped_json())  # JSON -> tracker -> import: the same SOP
    assert sop.step(3).waktu_group == (2, 3) and sop.step(4).branches == (("Ya, lengkap", None), ("Tidak", 2))

    # Step 2 starts Monday 6 Jan 2025 08.00: the group's 2 working days end Wednesday 8 Jan 08.00, for step 2 and
    # for step 3 alike; step 3 finishing 8 Jan 10.00 is late by 120 working minutes.  In the backward plan the
    # group takes its 2 days once.
    cal = build_calendar(range(2025, 2028))
    records = (StepRecord(1, datetime(2025, 1, 6, 7, 30), datetime(2025, 1, 6, 8, 0)),
               StepRecord(2, None, datetime(2025, 1, 7, 9, 0)), StepRecord(3, None, datetime(2025, 1, 8, 10, 0)))
    sched = schedule_cycle(sop, cal, Cycle(2025, records), datetime(2025, 1, 9, 9, 0))
    two, three, four = sched.steps[1], sched.steps[2], sched.steps[3]
    assert two.due == three.due == datetime(2025, 1, 8, 8, 0)
    assert (two.status, three.status, three.late_minutes) == ("selesai_tepat_waktu", "selesai_terlambat", 120)
    assert three.latest_finish == two.latest_finish  # step 3 takes no time of its own in the plan
    assert four.due == datetime(2025, 1, 8, 11, 0)  # its own 1 jam from step 3's Selesai


@pytest.mark.parametrize("typed, ok", [(2, True), ("3", True), (0, True), (None, True), ("dua", False), (-1, False),
                                       (1.5, False)])
def test_ulang_takes_a_whole_number_zero_or_more(templates, tmp_path, capsys, typed, ok):
    from conftest import fill_steps, cycle
    from lkj_xl.authoring.demo import DEMO_STAFF

    path = templates.copy(templates.blank(staff=DEMO_STAFF), tmp_path)
    values = cycle("06/01/2026 08:00", "06/01/2026 08:04", DEMO_STAFF[0][0], "Ya")
    values[layout.F_ULANG] = typed
    fill_steps(path, {1: values})
    code, out, _ = lkj(capsys, "validate", path, "--as-of", "2026-01-07T10:00")
    if ok:
        assert "bilangan bulat 0 atau lebih" not in out, out
    else:
        column = openpyxl.utils.get_column_letter(layout.STEP_HEADERS.index(layout.F_ULANG) + 1)
        assert code == 1 and f"Langkah 1!{column}13" in out and "bilangan bulat 0 atau lebih" in out, out
    ws = openpyxl.load_workbook(path)[layout.step_sheet(1)]
    validations = [dv for dv in ws.data_validations.dataValidation if dv.type == "whole" and dv.formula1 == "0"]
    assert len(validations) == 1 and str(validations[0].sqref).startswith("N13")


def as_layout_2(path: Path) -> Path:
    """A tracker of layout version 2: no Ulang column, no flow table beside tblSOP, version 2 on Pengaturan."""
    from openpyxl.worksheet.table import TableColumn

    wb = openpyxl.load_workbook(path)
    column = layout.STEP_HEADERS.index(layout.F_ULANG) + 1
    for n in range(1, 9):
        ws = wb[layout.step_sheet(n)]
        for row in range(layout.STEP_TABLE_HEADER_ROW, layout.STEP_TABLE_HEADER_ROW + 3):
            ws.cell(row, column).value = None
        table = ws.tables[layout.step_table(n)]
        table.ref = table.autoFilter.ref = f"A{layout.STEP_TABLE_HEADER_ROW}:M{table.ref.split(':')[1][1:]}"
        table.tableColumns = [TableColumn(id=i + 1, name=c.name) for i, c in enumerate(table.tableColumns[:13])]
    sop = wb[layout.SHEET_SOP]
    del sop.tables[layout.FLOW_TABLE_NAME]
    for row in sop.iter_rows(min_row=layout.SOP_TABLE_TITLE_ROW, min_col=layout.FLOW_COLUMN,
                             max_col=layout.FLOW_COLUMN + 3):
        for cell in row:
            cell.value = None
    wb[layout.SHEET_SETTINGS].cell(layout.settings_row(layout.P_VERSION), 2).value = 2
    wb.save(path)
    return path


def test_a_layout_2_tracker_reads_with_one_warning_and_upgrade_adds_ulang_and_the_flow_table(templates, tmp_path,
                                                                                              capsys):
    old = as_layout_2(templates.copy(templates.demo(), tmp_path, "lama.xlsx"))
    code, out, _ = lkj(capsys, "validate", old, "--as-of", "2026-02-23T10:00")
    outdated = [line for line in out.splitlines() if "lkj upgrade" in line]
    assert len(outdated) == 1 and "versi 2" in outdated[0] and "\"Ulang\"" in outdated[0] \
        and layout.FLOW_TABLE_NAME in outdated[0], out
    new = tmp_path / "baru.xlsx"
    code, out, err = lkj(capsys, "upgrade", old, new)
    assert code == 0, out + err
    wb = openpyxl.load_workbook(new)
    ws = wb[layout.step_sheet(1)]
    assert ws.cell(layout.STEP_TABLE_HEADER_ROW, layout.STEP_HEADERS.index(layout.F_ULANG) + 1).value == "Ulang"
    assert layout.FLOW_TABLE_NAME in wb[layout.SHEET_SOP].tables
    code, out, _ = lkj(capsys, "validate", new, "--as-of", "2026-02-23T10:00")
    assert "lkj upgrade" not in out


# --- lkj demo --contoh pengiriman: the second example, shipped as package data -------------------------------------------


def test_the_second_example_is_another_sop_imported_once(tmp_path, capsys):
    from lkj_xl.authoring.examples import SOP_JSON

    folder = tmp_path / "contoh"
    code, out, err = lkj(capsys, "demo", folder, "--contoh", "pengiriman")
    assert code == 0, err
    path = folder / "Contoh_Pengiriman_Dokumen_2025.xlsx"
    assert str(path.resolve()) in out and out.count("  Langkah ") == 8
    assert "Langkah 7 (Jasa pengiriman): Terlambat" in out and "Masalah data: Tidak ada masalah." in out
    code, status, _ = lkj(capsys, "status", folder / "Contoh_Pengiriman_Dokumen_2025.xlsx", "--json",
                          "--as-of", "2026-01-14T10:00")
    assert [s["sent_back"] for s in json.loads(status)["steps"]] == [0, 0, 0, 1, 0, 0, 0, 0]
    wb = openpyxl.load_workbook(path)
    assert [n for n in wb.sheetnames if layout.step_of_sheet(n)] == [layout.step_sheet(n) for n in range(1, 9)]
    sop = wb[layout.SHEET_SOP]
    assert sop.cell(layout.SOP_IDENTITY_FIRST_ROW + 1, 2).value == "SOP-026/17000/2025"
    step4 = wb[layout.step_sheet(4)]
    assert step4.cell(layout.STEP_TABLE_HEADER_ROW + 1, layout.STEP_HEADERS.index(layout.F_ULANG) + 1).value == 1
    assert wb[layout.SHEET_REPORT]["A3"].value.startswith("Laporan Pelaksanaan SOP Pengiriman Dokumen")
    code, out, _ = lkj(capsys, "validate", path, "--as-of", "2026-01-14T10:00")
    assert code == 0 and ("0 kesalahan" in out or "Tidak ada masalah" in out), out
    # package data: inside the package, listed in pyproject (an install has no ../shared)
    import tomllib

    assert SOP_JSON.parent.name == "examples" and SOP_JSON.parent.parent.name == "authoring"
    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert "lkj_xl.authoring.examples" in project["tool"]["setuptools"]["packages"]
    assert project["tool"]["setuptools"]["package-data"]["lkj_xl.authoring.examples"] == ["*.json"]


@needs_samples
def test_the_shipped_sop_is_the_import_of_the_signed_pdf(tmp_path):
    from lkj_xl.authoring.examples import SOP_JSON
    from lkj_xl.authoring.sop_import import read_sop_document

    shipped = json.loads(SOP_JSON.read_text(encoding="utf-8"))
    fresh = read_sop_document(PDF_026).sop_json
    assert shipped["steps"] == fresh["steps"] and shipped["roles"] == fresh["roles"]
    corrected = {"instansi", "disahkan_oleh", "peralatan", "source"}  # by hand, against the document
    assert {k: v for k, v in shipped.items() if k not in corrected | {"steps"}} == \
        {k: v for k, v in fresh.items() if k not in corrected | {"steps"}}


# --- a change of structure in tblSOP: reported by refresh, applied by `lkj sop terapkan` ---------------------------------


def add_sop_row(wb, number: int, uraian: str, actor: str, waktu: str) -> None:
    """What the admin does in Excel: type a new step in the row under tblSOP (the table grows over it)."""
    from conftest import table_grown_as_excel_does

    ws = wb[layout.SHEET_SOP]
    table = ws.tables[layout.SOP_TABLE_NAME]
    row = int(table.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) + 1
    columns = {ws.cell(layout.SOP_TABLE_HEADER_ROW, c).value: c for c in range(1, 12)}
    for label, value in ((layout.S_NO, number), (layout.S_URAIAN, uraian), (layout.S_PELAKSANA, actor),
                         (layout.S_WAKTU, waktu)):
        ws.cell(row, columns[label]).value = value
    table_grown_as_excel_does(ws, layout.SOP_TABLE_NAME, rows=1)


def test_a_step_added_in_tblsop_is_reported_then_applied_with_every_entry_kept(templates, tmp_path, capsys):
    from conftest import typed_cells

    path = templates.copy(templates.demo(), tmp_path)
    wb = openpyxl.load_workbook(path)
    add_sop_row(wb, 9, "Mengarsipkan tanda terima pengiriman LKj", "JFU", "30 menit")
    wb.save(path)
    before = typed_cells(path)

    code, out, _ = lkj(capsys, "refresh", path, "--as-of", "2026-02-23T10:00")
    assert code == 1
    line = next(line for line in out.splitlines() if "struktur" in line.lower() or "terapkan" in line)
    assert line.startswith("[Kesalahan] SOP!A28:") and "`lkj sop terapkan" in line and "Langkah 9" in line, out
    problems = openpyxl.load_workbook(path)[layout.SHEET_PROBLEMS]
    message = layout.PROBLEM_HEADERS.index(layout.M_MESSAGE) + 1
    assert any("lkj sop terapkan" in str(problems.cell(r, message).value) for r in range(2, 30))

    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 0, out + err
    assert "lembar \"Langkah 9\" dengan tabel tblLangkah9" in out and "Cadangan LKj" in out
    wb = openpyxl.load_workbook(path)
    assert [n for n in wb.sheetnames if layout.step_of_sheet(n)] == [layout.step_sheet(n) for n in range(1, 10)]
    assert wb.sheetnames == layout.sheet_order(range(1, 10))  # the new sheet right after Langkah 8
    assert list(wb[layout.step_sheet(9)].tables) == [layout.step_table(9)]
    after = typed_cells(path)
    new_sheet = {k: v for k, v in after.items() if k[0] == layout.step_sheet(9)}
    assert new_sheet[(layout.step_sheet(9), "A1")][0].startswith("Langkah 9 dari 9")

    def kept(cells):  # every typed value; the formats of the step sheets; the titles say "dari 9" now
        return {k: (v if layout.step_of_sheet(k[0]) else v[0]) for k, v in cells.items()
                if k[0] != layout.step_sheet(9) and not (layout.step_of_sheet(k[0]) and k[1] == "A1")
                and k != (layout.SHEET_SOP, f"M{layout.SOP_TABLE_HEADER_ROW + 9}")}  # step 9's flow row, new
    assert kept(after) == kept(before)
    code, out, _ = lkj(capsys, "report", path, "--as-of", "2026-02-23T10:00")
    assert code == 0 and "terapkan" not in out, out
    from lkj_xl.workbook.report_sheet import STEPS_FIRST_ROW

    report = openpyxl.load_workbook(path)[layout.SHEET_REPORT]
    assert [report.cell(STEPS_FIRST_ROW + i, 1).value for i in range(9)] == list(range(1, 10))
    # nothing left to apply: the file is not touched
    data = path.read_bytes()
    code, out, _ = lkj(capsys, "sop", "terapkan", path)
    assert code == 0 and "sudah sesuai" in out and path.read_bytes() == data


def test_a_removed_step_whose_sheet_holds_entries_is_refused_naming_the_sheet(templates, tmp_path, capsys):
    path = templates.copy(templates.demo(), tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.SHEET_SOP]
    row = layout.SOP_TABLE_HEADER_ROW + 6  # step 6: the demo has its entry
    for column in range(1, 10):
        ws.cell(row, column).value = None
    wb.save(path)
    code, out, _ = lkj(capsys, "validate", path, "--as-of", "2026-02-23T10:00")
    assert "[Peringatan] Langkah 6:" in out and "lkj sop terapkan" in out, out
    data = path.read_bytes()
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 2 and "\"Langkah 6\"" in err and "berisi isian" in err and "tidak diubah" in err, err
    assert path.read_bytes() == data and not (tmp_path / "Cadangan LKj").exists()


def test_a_removed_empty_step_sheet_goes(templates, tmp_path, capsys):
    from conftest import typed_cells

    path = templates.copy(templates.demo(), tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.SHEET_SOP]
    for column in range(1, 10):
        ws.cell(layout.SOP_TABLE_HEADER_ROW + 8, column).value = None  # step 8, the last
    step8 = wb[layout.step_sheet(8)]
    for row in step8.iter_rows(min_row=layout.STEP_TABLE_HEADER_ROW + 1, max_col=len(layout.STEP_ENTRY_HEADERS)):
        for cell in row:
            cell.value = None
    wb.save(path)
    before = {k: v for k, v in typed_cells(path).items() if k[0] != layout.step_sheet(8)}
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 0, out + err
    assert "Dihapus (kosong, tidak ada lagi di tblSOP): lembar \"Langkah 8\"" in out
    wb = openpyxl.load_workbook(path)
    assert layout.step_sheet(8) not in wb.sheetnames
    flow_row_8 = (layout.SHEET_SOP, f"M{layout.SOP_TABLE_HEADER_ROW + 8}")  # the flow row of the step taken out
    assert f"{flow_row_8[0]}!{flow_row_8[1]} (tblAlurSOP, Langkah; langkah 8 dihapus): 8 -> (kosong)" in out, out
    assert {k: v[0] for k, v in typed_cells(path).items() if k[1] != "A1"} == \
        {k: v[0] for k, v in before.items() if k[1] != "A1" and k != flow_row_8}


def test_a_cell_typed_far_below_a_step_table_stays_where_it_was(templates, tmp_path, capsys):
    path = templates.copy(templates.demo(), tmp_path)
    wb = openpyxl.load_workbook(path)
    add_sop_row(wb, 9, "Mengarsipkan", "JFU", "30 menit")
    wb[layout.step_sheet(2)]["B30"] = "Paraf Sekretaris"  # a sign-off typed far below the table
    wb.save(path)
    code, out, err = lkj(capsys, "sop", "terapkan", path)
    assert code == 0, out + err
    ws = openpyxl.load_workbook(path)[layout.step_sheet(2)]
    assert ws["B30"].value == "Paraf Sekretaris" and ws.tables[layout.step_table(2)].ref == "A12:N13"


def test_the_ribbon_reports_a_change_of_structure_naming_the_command(templates, tmp_path, monkeypatch):
    import test_ribbon
    from lkj_xl import ribbon
    from test_ribbon import live_result
    from xlwings_payload import json_engine_xlwings

    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")  # as test_ribbon's _engine fixture does
    monkeypatch.setenv(ribbon.LOG_DIR_ENV, str(tmp_path / "log"))
    monkeypatch.setattr(test_ribbon, "xw", json_engine_xlwings())

    path = templates.copy(templates.demo(), tmp_path)
    wb = openpyxl.load_workbook(path)
    add_sop_row(wb, 9, "Mengarsipkan tanda terima", "JFU", "30 menit")
    wb.save(path)
    live, applied, _ = live_result(path, "refresh", monkeypatch, tmp_path)
    problems = openpyxl.load_workbook(live)[layout.SHEET_PROBLEMS]
    rows = [dict(zip(layout.PROBLEM_HEADERS, (problems.cell(r, c).value for c in range(1, 6)))) for r in range(2, 40)]
    found = [row for row in rows if row[layout.M_CODE] == "struktur_sop_berubah"]
    assert len(found) == 1, rows
    assert [found[0][k] for k in (layout.M_SHEET, layout.M_CELL, layout.M_LEVEL)] == [layout.SHEET_SOP, "A28", "Kesalahan"]
    assert "`lkj sop terapkan" in found[0][layout.M_MESSAGE]
    assert "lkj sop terapkan" in applied.alerts[0]["prompt"]
    if hasattr(test_ribbon.xw.Book, "_mock_caller"):
        del test_ribbon.xw.Book._mock_caller


def test_an_actor_missing_from_the_roles_is_added_with_a_warning(tmp_path, capsys):
    data = grouped_json()
    data["roles"] = [r for r in data["roles"] if r != "Sekretaris"]  # step 2's actor
    source = tmp_path / "kurang.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    path = tmp_path / "X.xlsx"
    code, out, err = lkj(capsys, "new", path, "--year", 2025, "--sop", source)
    assert code == 1 and "Langkah 2: pelaksana \"Sekretaris\" tidak ada di daftar jabatan" in err, err
    ws = openpyxl.load_workbook(path)[layout.SHEET_SOP]
    roles = [ws.cell(layout.ROLES_HEADER_ROW + i, layout.ROLES_COLUMN).value for i in range(1, 7)]
    assert roles[:5] == [r for r in ROLES_14 if r != "Sekretaris"] + ["Sekretaris"] and roles[5] is None
