"""Bad input, case by case: every case gets a clear Indonesian message (naming the sheet and cell where there is one),
the right exit code (1 data problem, 2 unusable file), never a traceback, and leaves what people typed untouched.

Each case starts from a realistically filled tracker (the demo cycle of 2025), damages it the way a person or a
broken copy would, and runs ``lkj validate``/``refresh``/``report`` in-process through ``lkj_xl.cli.main`` (a few
also through ``python -m lkj_xl`` in a subprocess).  After the run:

* ``validate``: the file's bytes are identical;
* ``refresh``/``report``: every cell a person typed is identical (value, number format, data type);
* any run that ends with exit 2 (or a refusal before saving): the file's bytes are identical and no temporary file
  of the atomic save is left beside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Callable

import openpyxl
import pytest

from lkj_xl.workbook import layout
from lkj_xl.engines.openpyxl_book import FileBook
from lkj_xl.authoring.builder import build_tracker
from lkj_xl.cli import main
from lkj_xl.authoring.demo import DEMO_STAFF, fill_demo_entries
from lkj_xl.core.errors import EXIT_DATA, EXIT_OK, EXIT_UNUSABLE

AS_OF = "2026-02-23T10:00"
TEMP_PREFIX = ".~lkj-tmp-"

# Where things are in a freshly built tracker (see lkj_xl.workbook.layout): the demo's 2025 row of every step table is row 13.
ROW = layout.STEP_TABLE_HEADER_ROW + 1  # 13
MONDAY_ROW = layout.WEEK_HEADER_ROW + 1  # 20


# --- the tracker every case starts from -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("base") / "LKj_2025.xlsx"
    build_tracker(path, year=2025, agency="Inspektorat Kota Madiun", staff=DEMO_STAFF)
    book = FileBook.open(path)
    fill_demo_entries(book)
    book.save()
    return path


@pytest.fixture(scope="module")
def base_xlsm(base, tmp_path_factory) -> Path:
    from lkj_xl.authoring.xlsm import build_xlsm

    return build_xlsm(base, tmp_path_factory.mktemp("xlsm") / "LKj_2025.xlsm")


# --- snapshots --------------------------------------------------------------------------------------------------------


def user_cells(path: Path) -> dict[tuple[str, str], tuple]:
    """Every non-empty cell a person types, with (value, number format, data type): the SOP, Pengaturan, Hari Libur
    and Pegawai sheets whole; on every step sheet all cells except the computed columns below the table header and
    the top block's value cells (both written by refresh).  Found by labels, independently of lkj_xl.workbook.reader."""
    wb = openpyxl.load_workbook(path)
    cells: dict[tuple[str, str], tuple] = {}
    computed = {layout.normalize_label(h) for h in layout.STEP_COMPUTED_HEADERS}
    top = {layout.normalize_label(h) for h in layout.STEP_HEADER_LABELS}
    for ws in wb.worksheets:
        is_step = layout.step_of_sheet(ws.title) is not None
        if not is_step and ws.title not in (layout.SHEET_SOP, layout.SHEET_SETTINGS, layout.SHEET_HOLIDAYS, layout.SHEET_STAFF):
            continue
        header_row, skip_cols, top_rows = None, set(), set()
        if is_step:
            for row in ws.iter_rows(max_row=60):
                labels = {layout.normalize_label(c.value): c.column for c in row if isinstance(c.value, str)}
                if layout.normalize_label(layout.F_YEAR) in labels and layout.normalize_label(layout.F_RECEIVED) in labels:
                    header_row = row[0].row
                    skip_cols = {col for label, col in labels.items() if label in computed}
                    break
            for row in ws.iter_rows(max_row=(header_row or 60), max_col=1):
                if isinstance(row[0].value, str) and layout.normalize_label(row[0].value) in top:
                    top_rows.add(row[0].row)
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                if header_row and cell.row > header_row and cell.column in skip_cols:
                    continue
                if cell.row in top_rows and cell.column == 2:
                    continue
                cells[(ws.title, cell.coordinate)] = (cell.value, cell.number_format, cell.data_type)
    return cells


def temp_files(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.startswith(TEMP_PREFIX))


# --- the cases --------------------------------------------------------------------------------------------------------

Edit = Callable[[openpyxl.Workbook], None]


@dataclass(frozen=True)
class Case:
    id: str
    code: int  # expected exit code
    phrases: tuple[str, ...]  # key phrases of the message (all in one line when ``where`` is given)
    where: str | None = None  # "Sheet!A1" or a sheet name the message names
    edit: Edit | None = None  # change made with openpyxl to the filled tracker
    make: Callable[[Path, Path], Path] | None = None  # (base, folder) -> the file to run on, for non-workbooks
    commands: tuple[str, ...] = ("validate",)
    as_of: str = AS_OF
    needs: str | None = None  # module that must import (else skip)


def put(sheet: str, cell: str, value) -> Edit:
    def edit(wb):
        wb[sheet][cell] = value
    return edit


def step(n: int, column: str, value) -> Edit:
    return put(layout.step_sheet(n), f"{column}{ROW}", value)


def chain(*edits: Edit) -> Edit:
    def edit(wb):
        for e in edits:
            e(wb)
    return edit


def second_row(year, received="07/01/2026 08.00") -> Edit:
    def edit(wb):
        ws = wb[layout.step_sheet(3)]
        ws[f"A{ROW + 1}"] = year
        ws[f"B{ROW + 1}"] = received
    return edit


def merge(sheet: str, ref: str) -> Edit:
    return lambda wb: wb[sheet].merge_cells(ref)


def _table_as_excel_leaves_it(ws, last_row=None, extra_columns=0):
    """What Excel does to a table when a person inserts columns or rows inside it: the table grows (openpyxl's
    insert_cols/insert_rows leave its ref and column names as they were)."""
    from openpyxl.utils import get_column_letter, range_boundaries
    from openpyxl.worksheet.table import TableColumn

    table = ws.tables[layout.step_table(3)]
    c1, r1, c2, r2 = range_boundaries(table.ref)
    c2 += extra_columns
    r2 = last_row or r2
    table.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
    table.autoFilter.ref = table.ref
    table.tableColumns = [TableColumn(id=i + 1, name=str(ws.cell(r1, c).value)) for i, c in enumerate(range(c1, c2 + 1))]


def insert_column(wb):
    ws = wb[layout.step_sheet(3)]
    ws.insert_cols(3)  # between Diterima and Selesai
    ws.cell(row=layout.STEP_TABLE_HEADER_ROW, column=3, value="Kolom Sendiri")
    ws.cell(row=ROW, column=3, value="catatan pribadi")
    _table_as_excel_leaves_it(ws, extra_columns=1)


def delete_selesai(wb):
    wb[layout.step_sheet(3)].delete_cols(3)


def delete_table(wb):
    del wb[layout.step_sheet(3)].tables[layout.step_table(3)]


def blank_rows(wb):
    ws = wb[layout.step_sheet(3)]
    ws.insert_rows(ROW, 2)  # the 2025 row moves to 15; rows 13-14 are blank inside the table
    ws[f"A{ROW + 3}"] = 2024  # typed right below the table: the table grows over it
    ws[f"B{ROW + 3}"] = "08/01/2025 08.00"
    ws[f"C{ROW + 3}"] = "20/01/2025 10.00"
    _table_as_excel_leaves_it(ws, last_row=ROW + 2)


def row_after_a_gap(wb):
    ws = wb[layout.step_sheet(3)]
    ws[f"A{ROW + 3}"] = 2024  # two blank rows under the table's last row: not part of it
    ws[f"B{ROW + 3}"] = "08/01/2025 08.00"


def emoji_person(wb):
    wb[layout.SHEET_STAFF]["A8"] = "Rina 🌸 Marlina"
    wb[layout.step_sheet(4)][f"D{ROW}"] = "Rina 🌸 Marlina"


def duplicate_sop_number(wb):
    wb[layout.SHEET_SOP]["A21"] = 1  # step 2's row now says 1 as well


# Files that are not (usable) workbooks.


def text_file(base: Path, folder: Path) -> Path:
    path = folder / "LKj_2025.xlsx"
    path.write_text("Ini catatan, bukan buku kerja.\nTahun;Diterima\n", encoding="utf-8")
    return path


def csv_as_xlsm(base: Path, folder: Path) -> Path:
    path = folder / "LKj_2025.xlsm"
    path.write_text("Tahun;Diterima;Selesai\n2025;06/01/2026 08.00;07/01/2026 10.00\n", encoding="utf-8")
    return path


def empty_file(base: Path, folder: Path) -> Path:
    path = folder / "LKj_2025.xlsx"
    path.write_bytes(b"")
    return path


def truncated_file(base: Path, folder: Path) -> Path:
    path = folder / "LKj_2025.xlsx"
    data = base.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def encrypted_file(base: Path, folder: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    path = folder / "LKj_2025.xlsx"
    with base.open("rb") as plain, path.open("wb") as out:
        OOXMLFile(plain).encrypt("rahasia", out)
    return path


def oversized_file(base: Path, folder: Path) -> Path:
    path = folder / "LKj_2025.xlsx"
    with path.open("wb") as fh:  # sparse: 60 MB on paper, a few bytes on disk; refused before it is read
        fh.write(b"PK\x03\x04")
        fh.truncate(60 * 1024 * 1024)
    return path


def _repack(base: Path, path: Path, change: Callable[[str, bytes], bytes | None], extra=()) -> Path:
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = change(info.filename, src.read(info.filename))
            if data is not None:
                out.writestr(info.filename, data)
        for name, data in extra:
            out.writestr(name, data)
    return path


def zip_bomb(base: Path, folder: Path) -> Path:
    # 64 MB of zeros deflate to ~60 KB: refused from the zip directory, before anything is decompressed.
    return _repack(base, folder / "LKj_2025.xlsx", lambda name, data: data,
                   extra=[("xl/media/image1.bin", bytes(64 * 1024 * 1024))])


BILLION_LAUGHS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b"]>\n")


def billion_laughs(base: Path, folder: Path) -> Path:
    def change(name, data):
        if name == "xl/worksheets/sheet1.xml":
            body = data.split(b"?>", 1)[-1].lstrip()
            return BILLION_LAUGHS + body.replace(b"<sheetData>", b"<sheetData>&lol9;", 1)
        return data
    return _repack(base, folder / "LKj_2025.xlsx", change)


def directory(base: Path, folder: Path) -> Path:
    path = folder / "LKj_2025.xlsx"
    path.mkdir()
    return path


def missing(base: Path, folder: Path) -> Path:
    return folder / "LKj_2025.xlsx"


ALL = ("validate", "refresh", "report")
WRITE = ("refresh", "report")

CASES: list[Case] = [
    # --- dates typed as text, in the wrong order, impossible ----------------------------------------------------
    Case("teks-di-diterima", 1, ("tidak dapat dibaca", "kemarin"), "Langkah 3!B13", step(3, "B", "kemarin sore"),
         commands=ALL),
    Case("teks-di-selesai", 1, ("tidak dapat dibaca", "besok"), "Langkah 5!C13", step(5, "C", "besok pagi")),
    Case("hari-dulu-masa-depan", 1, ("1 Juni 2026", "di masa depan"), "Langkah 3!C13", step(3, "C", "01/06/2026"),
         commands=("validate", "refresh")),
    Case("hari-dulu-urutan", 1, ("lebih awal dari Selesai langkah 3 (1 Juni 2026)",), "Langkah 4!B13",
         step(3, "C", "01/06/2026"), as_of="2026-07-01T10:00"),
    Case("bulan-dulu", 1, ("bulan 13 tidak ada", "hari/bulan/tahun"), "Langkah 3!C13", step(3, "C", "01/13/2026")),
    Case("tanggal-mustahil", 1, ("tidak ada", "31 Februari"), "Langkah 3!C13", step(3, "C", "31/02/2026"),
         commands=("validate", "report")),
    Case("bukan-kabisat", 1, ("bukan tahun kabisat",), "Langkah 5!C13", step(5, "C", "29/02/2026")),
    Case("hari-tidak-cocok", 1, ("jatuh pada hari Selasa", "bukan Senin"), "Langkah 3!B13",
         step(3, "B", "Senin, 6 Januari 2026 08.00")),
    Case("zona-tidak-dikenal", 1, ("Zona waktu",), "Langkah 3!B13", step(3, "B", "06/01/2026 08.00 PST")),
    Case("jam-saja", 1, ("hanya berisi jam",), "Langkah 3!B13", step(3, "B", time(8, 0))),
    Case("nilai-logika", 1, ("Nilai logika TRUE",), "Langkah 3!B13", step(3, "B", True)),
    Case("selesai-sebelum-diterima", 1, ("lebih awal dari Diterima",), "Langkah 3!C13",
         step(3, "C", "05/01/2026 12.00")),
    # --- Excel error values and formulas in entry cells ------------------------------------------------------------
    Case("galat-ref", 1, ("galat Excel", "#REF!"), "Langkah 3!B13", step(3, "B", "#REF!"),
         commands=("validate", "refresh")),
    Case("galat-div0", 1, ("galat Excel", "#DIV/0!"), "Langkah 3!B13", step(3, "B", "#DIV/0!")),
    Case("galat-na", 1, ("galat Excel", "#N/A"), "Langkah 3!C13", step(3, "C", "#N/A"), commands=WRITE),
    Case("rumus-today", 1, ("rumus", "=TODAY()"), "Langkah 3!B13", step(3, "B", "=TODAY()"), commands=ALL),
    Case("rumus-now", 1, ("rumus", "=NOW()+1"), "Langkah 6!B13", step(6, "B", "=NOW()+1")),
    # --- years far away --------------------------------------------------------------------------------------------
    Case("tahun-1900-pengaturan", 1, ("1900", "di luar rentang 2000-2100"), "Pengaturan!B5",
         put(layout.SHEET_SETTINGS, "B5", 1900), commands=("validate", "report")),
    Case("tahun-2999-pengaturan", 1, ("2999", "di luar rentang 2000-2100"), "Pengaturan!B5",
         put(layout.SHEET_SETTINGS, "B5", 2999)),
    Case("tahun-1900-langkah", 1, ("Tahun 1900 di luar rentang",), "Langkah 3!A14", second_row(1900),
         commands=("validate", "refresh")),
    Case("tahun-2999-langkah", 1, ("Tahun 2999 di luar rentang",), "Langkah 3!A14", second_row("2999")),
    Case("tahun-teks", 1, ("Tahun \"dua ribu\" tidak terbaca",), "Langkah 3!A14", second_row("dua ribu")),
    Case("tanggal-1999", 1, ("1999", "terlalu awal"), "Langkah 3!B13", step(3, "B", "06/01/1999 08.00")),
    Case("tanggal-2090", 1, ("2090", "terlalu jauh"), "Langkah 3!C13", step(3, "C", "27/01/2090 14.00"),
         commands=("validate", "report")),
    # --- long text, emoji ----------------------------------------------------------------------------------------
    Case("catatan-50000", 0, ("Tidak ada masalah",), None, step(3, "G", "Catatan panjang. " * 3000), commands=ALL),
    Case("pelaksana-10000", 0, ("(10.000 karakter)", "tidak ada di daftar pegawai"), "Langkah 3!D13",
         step(3, "D", "y" * 10_000), commands=("validate", "refresh")),
    Case("emoji-catatan", 0, ("Tidak ada masalah",), None, step(3, "G", "Beres 👍🏽🎉 terima kasih 🙏"),
         commands=("validate", "report")),
    Case("emoji-nama", 0, ("Tidak ada masalah",), None, emoji_person, commands=ALL),
    # --- the layout changed by hand --------------------------------------------------------------------------------
    Case("gabung-kolom-terhitung", 1, ("digabung (merge)", "Pisahkan"), "Langkah 3!I13",
         merge(layout.step_sheet(3), f"H{ROW}:M{ROW + 1}"), commands=WRITE),
    Case("gabung-beranda", 1, ("digabung (merge)",), "Beranda!B5", merge(layout.SHEET_HOME, "B4:B6"),
         commands=WRITE),
    Case("gabung-baris-isian", 0, ("langkah 3 (sebelumnya) belum berisi tanggal Selesai",), "Langkah 4!C13",
         merge(layout.step_sheet(3), f"A{ROW}:G{ROW + 1}"), commands=("validate", "refresh")),
    Case("kolom-tambahan", 0, ("Tidak ada masalah",), None, insert_column, commands=("validate", "refresh")),
    Case("kolom-hilang", 1, ("Kolom \"Selesai\" tidak ditemukan",), "Langkah 3", delete_selesai,
         commands=("validate", "refresh")),
    Case("lembar-dihapus", 1, ("Lembar \"Langkah 5\" tidak ditemukan",), "Langkah 5",
         lambda wb: wb.remove(wb[layout.step_sheet(5)]), commands=ALL),
    Case("lembar-diganti-nama", 1, ("Lembar \"Langkah 5\" tidak ditemukan", "\"Langkah Lima\""), "Langkah 5",
         lambda wb: setattr(wb[layout.step_sheet(5)], "title", "Langkah Lima")),
    Case("lembar-pengaturan-dihapus", 1, ("Lembar \"Pengaturan\" tidak ditemukan",), "Pengaturan",
         lambda wb: wb.remove(wb[layout.SHEET_SETTINGS])),
    Case("tabel-dihapus", 1, ("Tabel tblLangkah3 (tabel Excel) tidak ditemukan", "tidak diisi"), "Langkah 3",
         delete_table, commands=("validate", "refresh")),
    Case("baris-setelah-celah", 0, ("Tahun 2024 di Langkah 3!A16 berada di luar tabel tblLangkah3",), "Langkah 3!A16",
         row_after_a_gap, commands=("validate", "refresh")),
    Case("baris-kosong-di-tabel", 0, ("Tidak ada masalah",), None, blank_rows),
    Case("dua-baris-tahun-sama", 1, ("Dua siklus untuk tahun yang sama",), "Langkah 3!A14",
         second_row(2025), commands=("validate", "refresh")),
    Case("kelengkapan-asing", 0, ("Kelengkapan \"mungkin\" tidak dikenali",), "Langkah 3!E13",
         step(3, "E", "mungkin")),
    # --- Pegawai, SOP, Pengaturan, Hari Libur ---------------------------------------------------------------------
    Case("nip-salah", 1, ("NIP", "18 angka"), "Pegawai!B4", put(layout.SHEET_STAFF, "B4", "1970 0315"),
         commands=("validate", "report")),
    Case("nip-ganda", 1, ("sudah dipakai",), "Pegawai!B5", put(layout.SHEET_STAFF, "B5", "19700315 199503 1 002")),
    Case("jabatan-asing", 1, ("Jabatan \"Bupati\" tidak dikenal",), "Pegawai!C4", put(layout.SHEET_STAFF, "C4", "Bupati"),
         commands=("validate", "refresh")),
    Case("waktu-segera", 1, ("Standar waktu \"segera\" tidak dikenali",), "SOP!F22", put(layout.SHEET_SOP, "F22", "segera"),
         commands=ALL),
    Case("nomor-sop-ganda", 1, ("tertulis dua kali",), "SOP", duplicate_sop_number),
    Case("jam-pulang-sebelum-masuk", 1, ("harus lebih awal dari jam selesai",), f"Pengaturan!C{MONDAY_ROW}",
         put(layout.SHEET_SETTINGS, f"F{MONDAY_ROW}", time(7, 0)), commands=("validate", "refresh")),
    Case("jam-masuk-pagi", 1, ("Jam masuk hari Senin \"pagi\" tidak terbaca",), f"Pengaturan!C{MONDAY_ROW}",
         put(layout.SHEET_SETTINGS, f"C{MONDAY_ROW}", "pagi"), commands=("validate", "report")),
    Case("hari-kerja-mungkin", 1, ("harus Ya atau Tidak",), f"Pengaturan!B{MONDAY_ROW}",
         put(layout.SHEET_SETTINGS, f"B{MONDAY_ROW}", "mungkin")),
    Case("batas-akhir-teks", 1, ("Batas akhir \"akhir Maret\" tidak terbaca",), "Pengaturan!B8",
         put(layout.SHEET_SETTINGS, "B8", "akhir Maret")),
    Case("cadangan-negatif", 1, ("harus bilangan bulat 0 atau lebih",), "Pengaturan!B10",
         put(layout.SHEET_SETTINGS, "B10", -3)),
    Case("versi-lebih-baru", 1, ("lebih baru", "Perbarui lkj-xl"), "Pengaturan!B11",
         put(layout.SHEET_SETTINGS, "B11", layout.LAYOUT_VERSION + 1)),
    Case("libur-tak-terbaca", 1, ("Tanggal libur \"32/13/2025\"", "tidak terbaca"), "Hari Libur!A4",
         put(layout.SHEET_HOLIDAYS, "A4", "32/13/2025"), commands=("validate", "refresh")),
    Case("bukan-libur-asing", 0, ("harus Ya atau kosong",), "Hari Libur!D4", put(layout.SHEET_HOLIDAYS, "D4", "entah")),
    # --- files that cannot be used ---------------------------------------------------------------------------------
    Case("bukan-buku-kerja", 2, ("bukan buku kerja Excel", "CSV"), None, make=text_file, commands=ALL),
    Case("csv-bernama-xlsm", 2, ("bukan buku kerja Excel", "CSV"), None, make=csv_as_xlsm, commands=ALL),
    Case("berkas-kosong", 2, ("kosong (0 byte)", "Cadangan LKj"), None, make=empty_file, commands=ALL),
    Case("berkas-terpotong", 2, ("rusak",), None, make=truncated_file, commands=ALL),
    Case("terenkripsi", 2, ("dilindungi kata sandi", "terenkripsi"), None, make=encrypted_file, commands=ALL,
         needs="msoffcrypto"),
    Case("terlalu-besar", 2, ("terlalu besar",), None, make=oversized_file, commands=ALL),
    Case("bom-zip", 2, ("rasio kompresi",), None, make=zip_bomb, commands=ALL),
    Case("billion-laughs", 2, ("DTD/ENTITY", "xl/worksheets/sheet1.xml"), None, make=billion_laughs, commands=ALL),
    Case("folder", 2, ("adalah folder",), None, make=directory, commands=ALL),
    Case("tidak-ada", 2, ("tidak ditemukan",), None, make=missing, commands=ALL),
]


def _expand():
    for case in CASES:
        for command in case.commands:
            yield pytest.param(case, command, id=f"{case.id}-{command}")


def _prepare(case: Case, base: Path, folder: Path) -> Path:
    if case.needs:
        pytest.importorskip(case.needs)
    if case.make is not None:
        return case.make(base, folder)
    path = folder / base.name
    shutil.copy(base, path)
    if case.edit is not None:
        wb = openpyxl.load_workbook(path)
        case.edit(wb)
        wb.save(path)
    return path


@pytest.fixture(scope="module")
def prepared(base, tmp_path_factory):
    """Edited workbooks and their user cells, made once per case (the commands of a case each get a fresh copy)."""
    cache: dict[str, Path] = {}
    cells: dict[str, dict] = {}

    def get(case: Case, with_cells: bool) -> tuple[Path, dict | None]:
        if case.id not in cache:
            cache[case.id] = _prepare(case, base, tmp_path_factory.mktemp(case.id))
        if with_cells and case.id not in cells:
            cells[case.id] = user_cells(cache[case.id])
        return cache[case.id], cells.get(case.id)
    return get


def _check_message(case: Case, output: str) -> None:
    assert "Traceback" not in output and "tak terduga" not in output, output
    lines = [line for line in output.splitlines() if all(p in line for p in case.phrases)]
    assert lines, f"no line with {case.phrases} in:\n{output[:3000]}"
    if case.where is not None:
        if "!" in case.where:
            assert any(case.where in line for line in lines), f"{case.where} not named:\n{output[:3000]}"
        else:
            assert any(case.where in line for line in lines), output[:3000]


def test_corpus_is_large_enough():
    assert len(CASES) >= 60
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize(("case", "command"), list(_expand()))
def test_bad_input(case: Case, command: str, base: Path, prepared, tmp_path: Path, capsys):
    if case.make is not None:
        path, before_cells = _prepare(case, base, tmp_path), None
    else:
        source, before_cells = prepared(case, with_cells=command != "validate")
        path = tmp_path / source.name
        shutil.copy(source, path)
    exists = path.is_file()
    before_bytes = path.read_bytes() if exists else None
    capsys.readouterr()

    code = main([command, str(path), "--as-of", case.as_of])

    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert code == case.code, output[:3000]
    _check_message(case, output)
    if code == EXIT_UNUSABLE or command == "validate":
        assert (path.read_bytes() if exists else None) == before_bytes
    if code == EXIT_UNUSABLE:
        assert "Gagal" in captured.err
    if before_cells is not None and command != "validate":
        assert user_cells(path) == before_cells
    if exists or code == EXIT_UNUSABLE:
        assert temp_files(tmp_path) == []


# --- cases that need more than a message ----------------------------------------------------------------------------


def _run(path: Path, command: str, capsys, as_of: str = AS_OF) -> tuple[int, str]:
    capsys.readouterr()
    code = main([command, str(path), "--as-of", as_of])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_refused_merge_leaves_the_file_byte_identical(base, tmp_path, capsys):
    """A refresh that cannot write (merged cells) stops before saving: same bytes, no backup, no temp file."""
    path = tmp_path / base.name
    shutil.copy(base, path)
    wb = openpyxl.load_workbook(path)
    wb[layout.step_sheet(3)].merge_cells(f"H{ROW}:M{ROW + 1}")
    wb.save(path)
    before = path.read_bytes()
    code, output = _run(path, "refresh", capsys)
    assert code == EXIT_DATA and "Langkah 3!I13" in output
    assert path.read_bytes() == before
    assert temp_files(tmp_path) == []
    assert not (tmp_path / "Cadangan LKj").exists() or not any((tmp_path / "Cadangan LKj").iterdir())


def test_long_note_is_cut_to_excels_limit_in_the_report_only(base, tmp_path, capsys):
    """A 50,000-character Catatan: the entry cell keeps what it holds; the copy on Laporan fits Excel's limit."""
    path = tmp_path / base.name
    shutil.copy(base, path)
    note = "Catatan panjang. " * 3000
    wb = openpyxl.load_workbook(path)
    wb[layout.step_sheet(3)][f"G{ROW}"] = note  # openpyxl itself keeps only Excel's 32,767 characters of it
    wb.save(path)
    typed = openpyxl.load_workbook(path)[layout.step_sheet(3)][f"G{ROW}"].value
    code, _ = _run(path, "report", capsys)
    assert code == EXIT_OK
    wb = openpyxl.load_workbook(path)
    assert wb[layout.step_sheet(3)][f"G{ROW}"].value == typed
    copies = [c.value for row in wb[layout.SHEET_REPORT].iter_rows() for c in row
              if isinstance(c.value, str) and c.value.startswith("Catatan panjang.")]
    assert copies and all(len(text) <= 32_767 for text in copies)
    # Longer text (from a longer note read by another tool) is cut by the writer, visibly.
    book = FileBook.open(path)
    book.write(layout.SHEET_REPORT, 1, 20, [["x" * 40_000]])
    assert book.workbook[layout.SHEET_REPORT].cell(1, 20).value == "x" * 32_766 + "\u2026"


def test_extra_column_and_blank_rows_get_computed_values_in_the_right_cells(base, tmp_path, capsys):
    path = tmp_path / base.name
    shutil.copy(base, path)
    wb = openpyxl.load_workbook(path)
    insert_column(wb)
    wb.save(path)
    assert _run(path, "refresh", capsys)[0] == EXIT_OK
    ws = openpyxl.load_workbook(path)[layout.step_sheet(3)]
    header = {c.value: c.column for c in ws[layout.STEP_TABLE_HEADER_ROW] if c.value}
    assert header["Kolom Sendiri"] == 3 and ws.cell(ROW, 3).value == "catatan pribadi"
    assert ws.cell(ROW, header[layout.C_STATUS]).value.startswith("Selesai")
    assert ws.cell(ROW, header[layout.C_DUE]).value is not None

    shutil.copy(base, path)
    wb = openpyxl.load_workbook(path)
    blank_rows(wb)
    wb.save(path)
    assert _run(path, "refresh", capsys)[0] == EXIT_OK
    ws = openpyxl.load_workbook(path)[layout.step_sheet(3)]
    status = layout.STEP_HEADERS.index(layout.C_STATUS) + 1
    assert [ws.cell(r, status).value for r in (ROW, ROW + 1)] == [None, None]
    assert ws.cell(ROW + 2, status).value.startswith("Selesai")  # the 2025 row, moved down
    assert ws.cell(ROW + 3, 1).value == 2024 and ws.cell(ROW + 3, status).value is not None


def test_xlsm_without_vba_project_is_not_saved_over(base_xlsm, tmp_path, capsys):
    """An .xlsm whose vbaProject.bin is gone: validate still reads it; refresh/report refuse before touching it, so
    no backup of the intact version is rotated away and no version failing verify_xlsm is ever written."""
    from lkj_xl.files.macro_check import verify_xlsm

    path = tmp_path / base_xlsm.name
    _repack(base_xlsm, path, lambda name, data: None if name == "xl/vbaProject.bin" else data)
    assert "Proyek makro (xl/vbaProject.bin) tidak ada." in verify_xlsm(path)
    before = path.read_bytes()
    code, output = _run(path, "validate", capsys)
    assert code == EXIT_OK and "Tidak ada masalah" in output
    for command in WRITE:
        code, output = _run(path, command, capsys)
        assert code == EXIT_UNUSABLE, output
        assert "sudah tidak utuh" in output and "vbaProject.bin" in output and "lkj restore" in output
        assert "Traceback" not in output
        assert path.read_bytes() == before
        assert temp_files(tmp_path) == []
        assert not (tmp_path / "Cadangan LKj").exists()


def test_intact_xlsm_refreshes(base_xlsm, tmp_path, capsys):
    path = tmp_path / base_xlsm.name
    shutil.copy(base_xlsm, path)
    assert _run(path, "refresh", capsys)[0] == EXIT_OK


# --- through a real process: never a traceback on stderr ------------------------------------------------------------

SUBPROCESS_CASES = ["bukan-buku-kerja", "terenkripsi", "tidak-ada", "rumus-today", "gabung-kolom-terhitung",
                    "billion-laughs"]


@pytest.mark.parametrize("case_id", SUBPROCESS_CASES)
def test_subprocess_never_shows_a_traceback(case_id, base, tmp_path):
    case = next(c for c in CASES if c.id == case_id)
    path = _prepare(case, base, tmp_path)
    before = path.read_bytes() if path.is_file() else None
    command = case.commands[-1]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    result = subprocess.run([sys.executable, "-m", "lkj_xl", command, str(path), "--as-of", case.as_of],
                            capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert result.returncode == case.code, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    _check_message(case, result.stdout + result.stderr)
    if result.returncode == EXIT_UNUSABLE or command == "validate":
        assert (path.read_bytes() if path.is_file() else None) == before
