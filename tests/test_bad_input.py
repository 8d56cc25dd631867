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
import textwrap
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
from lkj_xl.cli import main
from lkj_xl.core.errors import EXIT_DATA, EXIT_OK, EXIT_UNUSABLE

from conftest import edit, table_grown_as_excel_does, typed_cells

AS_OF = "2026-02-23T10:00"
TEMP_PREFIX = ".~lkj-tmp-"

# Where things are in a freshly built tracker (see lkj_xl.workbook.layout): the demo's 2025 row of every step table is row 13.
ROW = layout.STEP_TABLE_HEADER_ROW + 1  # 13
MONDAY_ROW = layout.WEEK_HEADER_ROW + 1  # 20


# --- the tracker every case starts from -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(templates, tmp_path_factory) -> Path:
    """The demo cycle typed into a blank tracker (copied from the session's template; cases copy it again)."""
    return templates.copy(templates.demo(), tmp_path_factory.mktemp("base"), "LKj_2025.xlsx")


@pytest.fixture(scope="module")
def base_xlsm(templates, tmp_path_factory) -> Path:
    return templates.copy(templates.xlsm(templates.demo()), tmp_path_factory.mktemp("xlsm"), "LKj_2025.xlsm")


# --- snapshots (typed_cells: conftest) -------------------------------------------------------------------------------


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


def insert_column(wb):
    ws = wb[layout.step_sheet(3)]
    ws.insert_cols(3)  # between Diterima and Selesai
    ws.cell(row=layout.STEP_TABLE_HEADER_ROW, column=3, value="Kolom Sendiri")
    ws.cell(row=ROW, column=3, value="catatan pribadi")
    table_grown_as_excel_does(ws, layout.step_table(3), columns=1)


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
    table_grown_as_excel_does(ws, layout.step_table(3), rows=2)  # now to row 15


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


def strict_file(base: Path, folder: Path) -> Path:
    transitional = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strict = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
    return _repack(base, folder / "LKj_2025.xlsx",
                   lambda name, data: data.replace(transitional, strict) if name.endswith(".xml") else data)


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
    Case("strict-open-xml", 2, ("format Strict Open XML tidak didukung", "simpan ulang sebagai Buku Kerja Excel"), None,
         make=strict_file, commands=ALL),
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
        edit(path, case.edit)
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
            cells[case.id] = typed_cells(cache[case.id])
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
        assert typed_cells(path) == before_cells
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
    edit(path, merge(layout.step_sheet(3), f"H{ROW}:M{ROW + 1}"))
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
    edit(path, step(3, "G", note))  # openpyxl itself keeps only Excel's 32,767 characters of it
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
    edit(path, insert_column)
    assert _run(path, "refresh", capsys)[0] == EXIT_OK
    ws = openpyxl.load_workbook(path)[layout.step_sheet(3)]
    header = {c.value: c.column for c in ws[layout.STEP_TABLE_HEADER_ROW] if c.value}
    assert header["Kolom Sendiri"] == 3 and ws.cell(ROW, 3).value == "catatan pribadi"
    assert ws.cell(ROW, header[layout.C_STATUS]).value.startswith("Selesai")
    assert ws.cell(ROW, header[layout.C_DUE]).value is not None

    shutil.copy(base, path)
    edit(path, blank_rows)
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


# --- issue 11: every other write path safe, every message clear ---------------------------------------------------
#
# Each test reproduces one hole found by a hostile run; the README's "Bekerja di folder bersama" states the rules.

BACKUPS = "Cadangan LKj"


def _copy_base(base: Path, folder: Path, name: str | None = None) -> Path:
    path = folder / (name or base.name)
    shutil.copy(base, path)
    return path


def _backups_of(folder: Path) -> list[Path]:
    return sorted((folder / BACKUPS).glob("*.xls*")) if (folder / BACKUPS).is_dir() else []


def _clean(output: str) -> None:
    assert "Traceback" not in output and "tak terduga" not in output and "Exception ignored" not in output, output


def _lkj(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "lkj_xl", *args], capture_output=True, env=full_env, timeout=180,
                          **kwargs)


def _excel_owner_bytes(user: str) -> bytes:
    ansi = user.encode("cp1252")
    data = bytes([len(ansi)]) + ansi.ljust(54, b" ")
    return data + len(user).to_bytes(2, "little") + user.encode("utf-16-le") + b"\x00" * 20


def test_new_force_over_a_filled_tracker_is_a_safe_save(base, tmp_path, capsys):
    """`lkj new --force` over a filled tracker: refused while Excel has it open; otherwise the filled version goes to
    Cadangan LKj first, through the lock, and the new one replaces it in one step."""
    import threading

    from lkj_xl.files.locks import workbook_lock

    path = _copy_base(base, tmp_path)
    filled = path.read_bytes()
    owner = tmp_path / f"~${path.name}"
    owner.write_bytes(_excel_owner_bytes("Dewi"))
    capsys.readouterr()
    code = main(["new", str(path), "--year", "2026", "--force"])
    output = "".join(capsys.readouterr())
    assert code == EXIT_UNUSABLE and "sedang dibuka di Excel oleh Dewi" in output, output
    assert path.read_bytes() == filled and _backups_of(tmp_path) == [] and temp_files(tmp_path) == []
    owner.unlink()

    held, release = threading.Event(), threading.Event()

    def hold():
        with workbook_lock(path):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    timer = threading.Timer(1.0, release.set)
    timer.start()
    import time as _time
    started = _time.monotonic()
    code = main(["new", str(path), "--year", "2026", "--force"])
    waited = _time.monotonic() - started
    holder.join()
    output = "".join(capsys.readouterr())
    assert code == EXIT_OK, output
    assert waited >= 0.9, "lkj new did not wait for the lkj lock"
    backups = _backups_of(tmp_path)
    assert len(backups) == 1 and backups[0].read_bytes() == filled
    assert "Cadangan" in output and temp_files(tmp_path) == []
    assert openpyxl.load_workbook(path)[layout.SHEET_SETTINGS]["B5"].value == 2026


def test_new_refuses_other_extensions(tmp_path, capsys):
    code = main(["new", str(tmp_path / "x.txt"), "--year", "2026"])
    output = "".join(capsys.readouterr())
    assert code == EXIT_UNUSABLE and ".xlsx" in output and ".xlsm" in output
    _clean(output)
    assert not (tmp_path / "x.txt").exists()


def test_demo_over_an_edited_demo_keeps_a_backup(tmp_path, capsys):
    from lkj_xl.authoring.demo import DEMO_FILE

    assert main(["demo", str(tmp_path)]) == EXIT_OK
    path = tmp_path / DEMO_FILE
    wb = openpyxl.load_workbook(path)
    wb[layout.step_sheet(7)][f"G{ROW}"] = "isian saya sendiri"
    wb.save(path)
    edited = path.read_bytes()
    capsys.readouterr()
    assert main(["demo", str(tmp_path)]) == EXIT_OK
    output = "".join(capsys.readouterr())
    backups = _backups_of(tmp_path)
    assert len(backups) == 1 and backups[0].read_bytes() == edited, backups
    assert "Cadangan LKj" in output and str(backups[0].name) in output, output
    assert openpyxl.load_workbook(path)[layout.step_sheet(7)][f"G{ROW}"].value is None
    # open in Excel: refused, nothing replaced
    (tmp_path / f"~${DEMO_FILE}").write_bytes(_excel_owner_bytes("Rina"))
    before = path.read_bytes()
    code = main(["demo", str(tmp_path)])
    output = "".join(capsys.readouterr())
    assert code == EXIT_UNUSABLE and "sedang dibuka di Excel oleh Rina" in output
    assert path.read_bytes() == before and len(_backups_of(tmp_path)) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_symlink_and_real_path_share_lock_owner_file_and_backups(base, tmp_path, capsys):
    from lkj_xl.files.locks import lock_path_for, workbook_lock

    real_dir, link_dir = tmp_path / "server", tmp_path / "pintasan"
    real_dir.mkdir()
    link_dir.mkdir()
    real = _copy_base(base, real_dir)
    link = link_dir / "Tracker_saya.xlsx"
    link.symlink_to(real)
    # the lock: taken through the link, the real path waits (and the other way round)
    import threading
    import time as _time

    order: list[str] = []

    def writer(path: Path, label: str, pause: float):
        with workbook_lock(path, timeout=10):
            order.append(label + "+")
            _time.sleep(pause)
            order.append(label + "-")

    first = threading.Thread(target=writer, args=(link, "link", 0.5))
    first.start()
    _time.sleep(0.1)
    writer(real, "real", 0)
    first.join()
    assert order == ["link+", "link-", "real+", "real-"]
    # Excel's owner file beside the real file refuses a write through the link
    owner = real_dir / f"~${real.name}"
    owner.write_bytes(_excel_owner_bytes("Agus"))
    before = real.read_bytes()
    code, output = _run(link, "refresh", capsys)
    assert code == EXIT_UNUSABLE and "oleh Agus" in output
    assert real.read_bytes() == before and link.is_symlink()
    owner.unlink()
    # a save through the link: the link stays a link, the backup lies beside the real file, and lkj backups/restore
    # through the link find it
    code, output = _run(link, "report", capsys)
    assert code == EXIT_OK, output
    assert link.is_symlink() and not (link_dir / BACKUPS).exists()
    assert len(_backups_of(real_dir)) == 1
    capsys.readouterr()
    assert main(["backups", str(link)]) == EXIT_OK
    listed = capsys.readouterr().out
    assert _backups_of(real_dir)[0].name in listed, listed
    assert main(["restore", str(link), "--backup", "1"]) == EXIT_OK
    assert real.read_bytes() == before and link.is_symlink()
    assert lock_path_for(link) != lock_path_for(real)  # the raw names differ; the lock resolves them


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_writers_through_symlink_and_real_path_interleave_correctly(base, tmp_path):
    """Four `lkj report` processes at once, two through a symlink, two through the real path: all finish and the
    Riwayat sheet has a line from each (none lost to an interleaved save)."""
    real = _copy_base(base, tmp_path)
    link = tmp_path / "pintasan.xlsx"
    link.symlink_to(real)
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    procs = [subprocess.Popen([sys.executable, "-m", "lkj_xl", "report", str(p), "--as-of", AS_OF],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
             for p in (link, real, link, real)]
    results = [(proc.wait(timeout=300), proc.stderr.read().decode("utf-8")) for proc in procs]
    for proc in procs:
        proc.stdout.close()
        proc.stderr.close()
    assert all(code == EXIT_OK for code, _ in results), results
    ws = openpyxl.load_workbook(real)[layout.SHEET_HISTORY]
    lines = [row for row in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in row)]
    assert len(lines) == 4, lines
    assert link.is_symlink()


def _read_only(path: Path) -> None:
    import stat

    os.chmod(path, stat.S_IREAD | stat.S_IRGRP | stat.S_IROTH)  # chmod 444; on Windows: the read-only attribute


@pytest.mark.parametrize("command", ["refresh", "report", "restore", "new"])
def test_read_only_tracker_is_refused(base, tmp_path, capsys, command):
    """Decided from the mode bits (root, which CI runs as, could write it anyway)."""
    path = _copy_base(base, tmp_path)
    if command == "restore":
        assert main(["refresh", str(path), "--as-of", AS_OF]) == EXIT_OK
    _read_only(path)
    before = path.read_bytes()
    backups = _backups_of(tmp_path)
    capsys.readouterr()
    args = {"new": ["new", str(path), "--year", "2026", "--force"], "restore": ["restore", str(path)]}.get(
        command, [command, str(path), "--as-of", AS_OF])
    code = main(args)
    output = "".join(capsys.readouterr())
    try:
        assert code == EXIT_UNUSABLE, output
        assert "hanya-baca" in output and path.name in output, output
        _clean(output)
        assert path.read_bytes() == before and _backups_of(tmp_path) == backups and temp_files(tmp_path) == []
    finally:
        os.chmod(path, 0o644)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX mode bits and groups")
def test_save_keeps_mode_and_group_and_replaces_the_file(base, tmp_path, capsys):
    path = _copy_base(base, tmp_path)
    os.chmod(path, 0o664)
    groups = [g for g in ({os.getegid(), *os.getgroups()} if os.geteuid() else range(1, 100)) if g != os.getegid()]
    group = None
    for candidate in groups:
        try:
            os.chown(path, -1, candidate)
            group = candidate
            break
        except (OSError, OverflowError):
            continue
    hard = tmp_path / "tautan-keras.xlsx"
    os.link(path, hard)
    before = os.stat(path)
    assert _run(path, "refresh", capsys)[0] == EXIT_OK
    after = os.stat(path)
    assert oct(after.st_mode & 0o7777) == oct(0o664)
    if group is not None:
        assert after.st_gid == group
    assert after.st_ino != before.st_ino  # the save replaces the file: a hard link keeps the old version
    assert hard.read_bytes() != path.read_bytes()


def test_upgrade_carries_added_sheets_comments_formats_and_pegawai_columns(base, tmp_path, capsys):
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    old = _copy_base(base, tmp_path, "lama.xlsx")
    wb = openpyxl.load_workbook(old)
    mine = wb.create_sheet("Catatan Saya")
    mine["A1"] = "Rapat koordinasi"
    mine["A1"].font = Font(bold=True)
    mine["B2"] = 12.5
    mine["B2"].number_format = "0.00"
    mine.merge_cells("C3:D3")
    mine.column_dimensions["A"].width = 33
    mine["A1"].comment = Comment("komentar di lembar sendiri", "Dewi")
    entry = wb[layout.step_sheet(3)][f"G{ROW}"]
    entry.comment = Comment("tanya Irban II", "Dewi")
    entry.fill = PatternFill("solid", fgColor="FFFF00")
    entry.font = Font(bold=True, color="FF0000")
    staff = wb[layout.SHEET_STAFF]
    header = layout.LIST_HEADER_ROW
    extra_col = len(layout.STAFF_HEADERS) + 1
    staff.cell(row=header, column=extra_col, value="Golongan")
    staff.cell(row=header + 1, column=extra_col, value="IV/b")
    staff.cell(row=header + 2, column=extra_col, value="IV/a")
    wb.save(old)
    new = tmp_path / "baru.xlsx"
    capsys.readouterr()
    code = main(["upgrade", str(old), str(new)])
    output = "".join(capsys.readouterr())
    assert code == EXIT_OK, output
    _clean(output)
    got = openpyxl.load_workbook(new)
    assert "Catatan Saya" in got.sheetnames
    sheet = got["Catatan Saya"]
    assert sheet["A1"].value == "Rapat koordinasi" and sheet["A1"].font.b
    assert sheet["B2"].value == 12.5 and sheet["B2"].number_format == "0.00"
    assert "C3:D3" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.column_dimensions["A"].width == 33
    assert sheet["A1"].comment is not None and "lembar sendiri" in sheet["A1"].comment.text
    cell = got[layout.step_sheet(3)][f"G{ROW}"]
    assert cell.comment is not None and "Irban II" in cell.comment.text
    assert cell.font.b and cell.fill.fgColor.rgb.endswith("FFFF00")
    staff = got[layout.SHEET_STAFF]
    columns = {c.value: c.column for c in staff[layout.LIST_HEADER_ROW] if c.value}
    assert "Golongan" in columns, columns
    assert [staff.cell(row=layout.LIST_HEADER_ROW + k, column=columns["Golongan"]).value for k in (1, 2)] == \
        ["IV/b", "IV/a"]
    assert "Catatan Saya" in output and "Golongan" in output
    sys.path.insert(0, str(Path(__file__).parent))
    from excel_repair import excel_repair_problems, require_shared

    require_shared()
    assert excel_repair_problems(new) == []  # Excel opens it without a repair (table columns match the range)


def test_upgrade_lists_what_it_cannot_carry_and_exits_1(base, tmp_path, capsys):
    from openpyxl.drawing.image import Image

    pytest.importorskip("PIL")
    from PIL import Image as PILImage

    old = _copy_base(base, tmp_path, "lama.xlsx")
    png = tmp_path / "logo.png"
    PILImage.new("RGB", (4, 4), "red").save(png)
    wb = openpyxl.load_workbook(old)
    wb.create_sheet("Dokumentasi").add_image(Image(str(png)), "B2")
    wb.save(old)
    new = tmp_path / "baru.xlsx"
    capsys.readouterr()
    code = main(["upgrade", str(old), str(new)])
    output = "".join(capsys.readouterr())
    assert code == EXIT_DATA, output
    _clean(output)
    assert "tidak ikut" in output and "Dokumentasi" in output and "gambar" in output, output
    assert new.exists()


def _epoch_1904(path: Path, serial_cell: str | None = None, serial=None) -> None:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.load_workbook(path)
    wb.epoch = CALENDAR_MAC_1904
    if serial_cell:
        wb[layout.step_sheet(3)][f"B{ROW}"] = datetime_(2026, 1, 6, 8, 0)  # a real date cell (date format)
        wb[layout.step_sheet(3)][f"B{ROW}"].number_format = "dd/mm/yyyy hh:mm"
        wb[layout.step_sheet(3)][serial_cell] = serial
        wb[layout.step_sheet(3)][serial_cell].number_format = "General"
    wb.save(path)


def test_1904_date_system_and_a_plain_number_in_a_date_cell(base, tmp_path, capsys):
    """Dates in a 1904-system workbook, and a serial typed as a plain number: read with the workbook's epoch."""
    import json as _json

    from openpyxl.utils.datetime import CALENDAR_MAC_1904, to_excel

    path = _copy_base(base, tmp_path)
    serial = to_excel(datetime_(2026, 1, 27, 14, 0), CALENDAR_MAC_1904)  # step 3's Selesai, as a bare number
    _epoch_1904(path, f"C{ROW}", serial)
    assert openpyxl.load_workbook(path).epoch == CALENDAR_MAC_1904
    capsys.readouterr()
    code = main(["status", str(path), "--json", "--as-of", AS_OF])
    out = capsys.readouterr().out
    assert code == EXIT_OK, out
    reference = _copy_base(base, tmp_path, "acuan.xlsx")
    main(["status", str(reference), "--json", "--as-of", AS_OF])
    expected = capsys.readouterr().out
    assert _json.loads(out)["steps"] == _json.loads(expected)["steps"]
    code, output = _run(path, "validate", capsys)
    assert code == EXIT_OK and "Tidak ada masalah" in output, output


def datetime_(*args):
    from datetime import datetime

    return datetime(*args)


# Messages and exit codes: never "kesalahan tak terduga" for a foreseeable case, never English, never a traceback.


def _emoji_note(base: Path, folder: Path) -> Path:
    path = _copy_base(base, folder)
    wb = openpyxl.load_workbook(path)
    wb[layout.step_sheet(3)][f"G{ROW}"] = "Beres ✓ 🎉"
    wb[layout.step_sheet(4)][f"D{ROW}"] = "Rina 🌸 Marlina"  # not on Pegawai: the message quotes the emoji
    wb.save(path)
    return path


def test_console_encoding_cp1252_never_crashes_after_the_write(base, tmp_path):
    path = _emoji_note(base, tmp_path)
    env = {"PYTHONIOENCODING": "cp1252"}
    result = _lkj("refresh", str(path), "--as-of", AS_OF, env=env)
    stdout, stderr = result.stdout.decode("cp1252", "replace"), result.stderr.decode("cp1252", "replace")
    _clean(stdout + stderr)
    assert result.returncode == EXIT_OK, stderr
    assert "diperbarui" in stdout and "Rina ? Marlina" in stdout
    assert "Rina 🌸 Marlina" in [c.value for c in openpyxl.load_workbook(path)[layout.step_sheet(4)]["D"]]
    for command in ("status", "pengingat"):
        result = _lkj(command, str(path), "--json", "--as-of", AS_OF, env=env)
        assert result.returncode in (EXIT_OK, EXIT_DATA), result.stderr
        import json as _json

        state = _json.loads(result.stdout.decode("utf-8"))  # --json is always UTF-8
        assert state
    result = _lkj("validate", str(path), "--as-of", AS_OF, env=env)
    assert "Rina ? Marlina" in result.stdout.decode("cp1252") and result.returncode == EXIT_OK
    _clean(result.stderr.decode("cp1252", "replace"))


@pytest.mark.skipif(sys.platform == "win32", reason="/dev/full and closed descriptors are POSIX")
@pytest.mark.parametrize("stdout", ["closed", "dev-full"])
def test_output_that_cannot_be_written_after_a_successful_save(base, tmp_path, stdout):
    path = _copy_base(base, tmp_path)
    if stdout == "closed":
        result = subprocess.run(f'"{sys.executable}" -m lkj_xl refresh "{path}" --as-of {AS_OF} >&-', shell=True,
                                capture_output=False, stderr=subprocess.PIPE, timeout=180)
    else:
        with open("/dev/full", "w") as full:
            result = subprocess.run([sys.executable, "-m", "lkj_xl", "refresh", str(path), "--as-of", AS_OF],
                                    stdout=full, stderr=subprocess.PIPE, timeout=180)
    stderr = result.stderr.decode("utf-8", "replace")
    _clean(stderr)
    assert result.returncode == EXIT_OK, stderr
    assert "keluaran" in stderr and "selesai" in stderr, stderr
    assert len(_backups_of(tmp_path)) == 1  # the work was done


def test_disk_full_while_writing_the_lock_file(base, tmp_path, capsys, monkeypatch):
    import errno

    from lkj_xl.files import locks

    path = _copy_base(base, tmp_path)
    before = path.read_bytes()
    real_write = os.write

    def full(fd, data):
        if fd > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(locks.os, "write", full)
    code, output = _run(path, "refresh", capsys)
    monkeypatch.undo()
    assert code == EXIT_UNUSABLE, output
    _clean(output)
    assert "kunci" in output and "ruang" in output, output
    assert path.read_bytes() == before


@pytest.mark.parametrize("as_of", ["9999-12-31T23:59", "0001-01-01", "1999-12-31T23:59", "2102-01-01"])
def test_as_of_out_of_range_is_refused(base, tmp_path, capsys, as_of):
    path = _copy_base(base, tmp_path)
    before = path.read_bytes()
    for command in ("refresh", "validate", "status"):
        with pytest.raises(SystemExit) as info:
            main([command, str(path), "--as-of", as_of])
        output = "".join(capsys.readouterr())
        assert info.value.code == EXIT_UNUSABLE, output
        assert "di luar rentang" in output and as_of in output, output
        _clean(output)
    assert path.read_bytes() == before


def test_restore_backup_superscript_two(base, tmp_path, capsys):
    path = _copy_base(base, tmp_path)
    assert main(["refresh", str(path), "--as-of", AS_OF]) == EXIT_OK
    before = path.read_bytes()
    capsys.readouterr()
    code = main(["restore", str(path), "--backup", "²"])
    output = "".join(capsys.readouterr())
    assert code == EXIT_UNUSABLE and "tidak ditemukan" in output, output
    _clean(output)
    assert path.read_bytes() == before


def test_backup_folder_name_taken_by_a_file(base, tmp_path, capsys):
    path = _copy_base(base, tmp_path)
    (tmp_path / BACKUPS).write_text("bukan folder")
    before = path.read_bytes()
    code, output = _run(path, "refresh", capsys)
    assert code == EXIT_UNUSABLE, output
    assert "adalah berkas, bukan folder" in output and "periksa izin" not in output.lower(), output
    _clean(output)
    assert path.read_bytes() == before and temp_files(tmp_path) == []


def test_file_name_too_long_for_the_temporary_names(base, tmp_path, capsys):
    import errno

    try:
        limit = os.pathconf(tmp_path, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):
        limit = 255
    name = "L" * (limit - 5) + ".xlsx"  # fits the file system; the lock and temp names beside it do not
    path = tmp_path / name
    try:
        shutil.copy(base, path)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            pytest.skip("path limit reached before the name limit")
        raise
    before = path.read_bytes()
    for command in ("refresh", "report"):
        code, output = _run(path, command, capsys)
        assert code == EXIT_UNUSABLE, output
        assert "terlalu panjang" in output and "izin menulis" not in output, output
        _clean(output)
    assert path.read_bytes() == before


def test_no_zipfile_del_noise_on_disk_full(base, tmp_path):
    """Disk full while openpyxl writes a package (`lkj new`, `lkj upgrade`): a clear message, and no "Exception
    ignored in ZipFile.__del__" from a zip file left open."""
    script = textwrap.dedent('''
        import errno, io, sys
        real_open = io.open

        class Full(io.FileIO):
            def write(self, data):
                raise OSError(errno.ENOSPC, "No space left on device")

        def fake_open(file, mode="r", *args, **kwargs):
            name = str(getattr(file, "name", file))
            if isinstance(file, (str, bytes)) or hasattr(file, "__fspath__"):
                if any(ch in mode for ch in "wax+") and name.lower().endswith((".xlsx", ".xlsm")):
                    raw = Full(file, mode.replace("b", "").replace("t", ""))
                    return raw if "b" in mode else io.TextIOWrapper(raw)
            return real_open(file, mode, *args, **kwargs)

        io.open = fake_open
        import builtins
        builtins.open = fake_open
        from lkj_xl.cli import main
        code = main(sys.argv[1:])
        import gc
        gc.collect()
        sys.exit(code)
        ''')
    old = _copy_base(base, tmp_path, "lama.xlsx")
    for args in (["new", str(tmp_path / "baru.xlsx"), "--year", "2026"],
                 ["upgrade", str(old), str(tmp_path / "naik.xlsx")],
                 ["demo", str(tmp_path / "contoh")]):
        result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, timeout=180,
                                env=dict(os.environ, PYTHONIOENCODING="utf-8"))
        stderr = result.stderr.decode("utf-8", "replace")
        assert result.returncode == EXIT_UNUSABLE, (args, stderr)
        _clean(stderr)
        assert "No space left on device" in stderr or "ruang" in stderr, stderr
        assert not (tmp_path / "baru.xlsx").exists() and not (tmp_path / "naik.xlsx").exists()


def test_interrupt_right_after_a_completed_save_reports_it_done(base, tmp_path, capsys, monkeypatch):
    from lkj_xl.files import backups

    path = _copy_base(base, tmp_path)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(backups, "_rotate", interrupted)  # runs right after the replace
    code, output = _run(path, "refresh", capsys)
    assert code == EXIT_OK, output
    assert "sudah disimpan" in output and path.name in output, output
    assert len(_backups_of(tmp_path)) == 1
    # an interrupt before anything was saved stays "Dibatalkan", the file untouched
    monkeypatch.undo()
    before = path.read_bytes()
    monkeypatch.setattr(backups, "_make_backup", interrupted)
    code, output = _run(path, "refresh", capsys)
    assert code == EXIT_UNUSABLE and "Dibatalkan" in output and "sudah disimpan" not in output, output
    assert path.read_bytes() == before


def test_a_header_pushed_far_down_is_still_found(base, tmp_path, capsys):
    """Someone inserts 70 rows of their own notes above the Pegawai table (openpyxl leaves the table object where
    it was, as a script would): the reader searches the whole sheet for the header, not only its top rows."""
    path = tmp_path / base.name
    shutil.copy(base, path)
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.SHEET_STAFF]
    ws.insert_rows(1, 70)
    ws["A1"] = "Catatan kepegawaian (diketik pengelola)"
    wb.save(path)
    code, output = _run(path, "validate", capsys)
    assert code == EXIT_OK, output
    assert "tidak ditemukan" not in output
    from lkj_xl.engines.package import PackageBook
    from lkj_xl.workbook.reader import load_tracker

    tracker = load_tracker(PackageBook.open(path))
    from lkj_xl.authoring.demo import DEMO_STAFF

    assert [s.nama for s in tracker.staff] == [person[0] for person in DEMO_STAFF]
    assert tracker.layout.staff_table.header_row == layout.LIST_HEADER_ROW + 70
