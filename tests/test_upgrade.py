"""``lkj upgrade OLD NEW`` on an honest "version 0" tracker: built as today, then changed with openpyxl the way the
old layout differed (no "Nomor Output" column, entry columns in another order, a column the user added, no Riwayat
or Masalah sheet, no "Versi tata letak" row).  Every entry must land in the right column of the new file, and the
new file must validate the same."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

import openpyxl
import pytest

from lkj_xl.workbook import actions
from lkj_xl.workbook import layout
from lkj_xl.engines.openpyxl_book import FileBook
from lkj_xl.cli import main
from lkj_xl.core.errors import EXIT_OK, EXIT_UNUSABLE, UnusableFileError
from lkj_xl.files.session import open_book
from lkj_xl.authoring.upgrade import upgrade_tracker

from conftest import type_in

AS_OF = datetime(2026, 2, 23, 10, 0)
HEADER = layout.STEP_TABLE_HEADER_ROW
EXTRA = "Paraf Atasan"
# The old layout's entry columns, in its order (no Nomor Output; Catatan before Pelaksana).
OLD_ORDER = (layout.F_YEAR, layout.F_RECEIVED, layout.F_COMPLETED, layout.F_CATATAN, layout.F_PELAKSANA, layout.F_KELENGKAPAN)
HISTORY_2024 = {  # step -> (Diterima, Selesai, Pelaksana, Kelengkapan, Catatan), the cycle of 2024 (done in 2025)
    1: (datetime(2025, 1, 6, 8, 0), "06/01/2025 08.10", "Drs. Bambang Sutrisno, M.Si.", "Ya", "=awal siklus"),
    2: ("6 Januari 2025 09.00", "6 Januari 2025 11.00", "Sri Wahyuni, S.E., M.M.", "Ya", ""),
    3: ("07/01/2025 08.00", "20/01/2025 15.00", "Dewi Lestari, S.Sos.", "Tidak", "data Irban II terlambat 🙏"),
}


def _entries_of(ws) -> dict[tuple[object, int], dict[str, object]]:
    """(Tahun, k-th row of that year) -> {label: value} of a step table, read by header label."""
    header = None
    for row in ws.iter_rows(max_row=40):
        labels = {c.value: c.column for c in row if isinstance(c.value, str)}
        if layout.F_YEAR in labels and layout.F_RECEIVED in labels:
            header = (row[0].row, labels)
            break
    assert header is not None
    row0, labels = header
    wanted = [label for label in (*layout.STEP_ENTRY_HEADERS, EXTRA) if label in labels]
    found: dict[tuple[object, int], dict[str, object]] = {}
    for r in range(row0 + 1, ws.max_row + 1):
        values = {label: ws.cell(row=r, column=labels[label]).value for label in wanted}
        if all(v in (None, "") for v in values.values()):
            continue
        year = values.get(layout.F_YEAR)
        k = sum(1 for key in found if key[0] == year)
        found[(year, k)] = values
    return found


def _table_rows(ws, first_row: int, width: int) -> list[tuple]:
    rows = []
    for row in ws.iter_rows(min_row=first_row, max_col=width, values_only=True):
        if any(v not in (None, "") for v in row):
            rows.append(tuple(row))
    return rows


@pytest.fixture(scope="module")
def old_tracker(templates, tmp_path_factory) -> Path:
    """The demo tracker (copied from the session's template) with a 2024 cycle, turned into the old layout."""
    path = templates.copy(templates.demo(), tmp_path_factory.mktemp("old"), "LKj_lama.xlsx")

    wb = openpyxl.load_workbook(path)
    for number in range(1, 9):
        ws = wb[layout.step_sheet(number)]
        if number in HISTORY_2024:
            labels = (layout.F_RECEIVED, layout.F_COMPLETED, layout.F_PELAKSANA, layout.F_KELENGKAPAN, layout.F_CATATAN)
            type_in(ws, HEADER + 2, {layout.F_YEAR: 2024, **{label: value for label, value
                                                             in zip(labels, HISTORY_2024[number]) if value != ""}})
        # Reorder to the old layout: read each entry column, rewrite in OLD_ORDER, drop Nomor Output.
        columns = {label: [ws.cell(row=r, column=layout.STEP_HEADERS.index(label) + 1).value
                           for r in range(HEADER, HEADER + 4)] for label in layout.STEP_ENTRY_HEADERS}
        for i, label in enumerate(OLD_ORDER, start=1):
            for offset, value in enumerate(columns[label]):
                ws.cell(row=HEADER + offset, column=i).value = value
        for offset in range(4):
            ws.cell(row=HEADER + offset, column=layout.STEP_HEADERS.index(layout.F_CATATAN) + 1).value = None  # Catatan's old place
        ws.cell(row=HEADER, column=len(layout.STEP_HEADERS) + 1, value=EXTRA)
        ws.cell(row=HEADER + 1, column=len(layout.STEP_HEADERS) + 1, value=f"sudah diparaf {number}")
    wb[layout.step_sheet(2)].cell(row=HEADER + 1, column=OLD_ORDER.index(layout.F_CATATAN) + 1).value = "=SUM(1,2)"  # text?
    wb[layout.step_sheet(2)].cell(row=HEADER + 1, column=OLD_ORDER.index(layout.F_CATATAN) + 1).data_type = "s"
    wb.remove(wb[layout.SHEET_HISTORY])
    wb.remove(wb[layout.SHEET_PROBLEMS])
    settings = wb[layout.SHEET_SETTINGS]
    version_row = layout.settings_row(layout.P_VERSION)
    settings.cell(row=version_row, column=1).value = None
    settings.cell(row=version_row, column=2).value = None
    del wb.defined_names[layout.VERSION_NAME]
    settings.cell(row=layout.settings_row(layout.P_DUE_SOON), column=2).value = 8
    settings.cell(row=layout.settings_row(layout.P_BACKUPS), column=2).value = 5
    settings.cell(row=layout.WEEK_HEADER_ROW + 5, column=6).value = time(16, 0)  # Friday: home at 16.00
    wb[layout.SHEET_SOP]["F22"] = "3 minggu"  # step 3's Waktu, edited
    holidays = wb[layout.SHEET_HOLIDAYS]
    holidays["D4"] = "Ya"  # the first national holiday cancelled
    last = holidays.max_row + 1
    for column, value in enumerate((datetime(2026, 6, 20), "Hari Jadi Kota Madiun", layout.KIND_LOCAL, None, "Perwal"), 1):
        holidays.cell(row=last, column=column, value=value)
    staff = wb[layout.SHEET_STAFF]
    staff.append(["Plt. Joko Santoso, S.H.", "19750505 200003 1 003", "Kabid", "Plt. Sekretaris"])
    wb.save(path)
    return path


def test_fixture_really_is_an_old_layout(old_tracker):
    wb = openpyxl.load_workbook(old_tracker)
    assert layout.SHEET_HISTORY not in wb.sheetnames and layout.SHEET_PROBLEMS not in wb.sheetnames
    assert layout.VERSION_NAME not in wb.defined_names
    header = [c.value for c in wb[layout.step_sheet(1)][HEADER]]
    assert layout.F_NOMOR not in header and header.index(layout.F_CATATAN) < header.index(layout.F_PELAKSANA)


def test_upgrade_carries_every_entry(old_tracker, tmp_path):
    new = tmp_path / "LKj_baru.xlsx"
    summary = upgrade_tracker(old_tracker, new)
    assert "tata letak versi 0" in summary and f"versi {layout.LAYOUT_VERSION}" in summary
    assert "Isian langkah: 11 baris (tahun 2024, 2025)" in summary
    assert "Pegawai: 6 baris" in summary and "1 libur lokal, 1 bertanda \"Bukan libur\"" in summary
    assert "Kolom tambahan buatan pengguna: 8" in summary

    old_wb, new_wb = openpyxl.load_workbook(old_tracker), openpyxl.load_workbook(new)
    assert new_wb[layout.SHEET_SETTINGS].cell(row=layout.settings_row(layout.P_VERSION), column=2).value == layout.LAYOUT_VERSION
    assert layout.VERSION_NAME in new_wb.defined_names
    assert layout.SHEET_HISTORY in new_wb.sheetnames and layout.SHEET_PROBLEMS in new_wb.sheetnames
    for number in range(1, 9):
        old_ws, new_ws = old_wb[layout.step_sheet(number)], new_wb[layout.step_sheet(number)]
        new_header = [c.value for c in new_ws[HEADER]]
        assert new_header[:len(layout.STEP_HEADERS)] == list(layout.STEP_HEADERS)  # the current layout, in its order
        assert new_header[len(layout.STEP_HEADERS)] == EXTRA
        old_entries, new_entries = _entries_of(old_ws), _entries_of(new_ws)
        assert set(old_entries) == set(new_entries)
        for key, values in old_entries.items():
            moved = new_entries[key]
            assert {k: v for k, v in moved.items()  # Ulang (layout 3) is new and empty
                    if k != layout.F_NOMOR and (k in values or v is not None)} == values, (number, key)
            assert moved.get(layout.F_NOMOR) is None
        # the table covers the rows and the extra column
        ref = new_ws.tables[layout.step_table(number)].ref
        assert ref.startswith("A12:") and ref.split(":")[1][0] == "O"
    cell = new_wb[layout.step_sheet(2)].cell(row=HEADER + 1, column=layout.STEP_HEADERS.index(layout.F_CATATAN) + 1)
    assert cell.value == "=SUM(1,2)" and cell.data_type == "s"  # text that looks like a formula stays text
    cell = new_wb[layout.step_sheet(1)].cell(row=HEADER + 2, column=layout.STEP_HEADERS.index(layout.F_CATATAN) + 1)
    assert cell.value == "=awal siklus"

    for sheet, width in ((layout.SHEET_STAFF, 4), (layout.SHEET_HOLIDAYS, 5)):
        assert _table_rows(new_wb[sheet], layout.LIST_HEADER_ROW + 1, width) == \
            _table_rows(old_wb[sheet], layout.LIST_HEADER_ROW + 1, width), sheet
    assert new_wb[layout.SHEET_SOP]["F22"].value == "3 minggu"
    for label in (layout.P_YEAR, layout.P_AGENCY, layout.P_DUE_SOON, layout.P_BACKUPS):
        row = layout.settings_row(label)
        assert new_wb[layout.SHEET_SETTINGS].cell(row=row, column=2).value == \
            old_wb[layout.SHEET_SETTINGS].cell(row=row, column=2).value
    assert _table_rows(new_wb[layout.SHEET_SETTINGS], layout.WEEK_HEADER_ROW, 6) == \
        _table_rows(old_wb[layout.SHEET_SETTINGS], layout.WEEK_HEADER_ROW, 6)
    assert _table_rows(new_wb[layout.SHEET_SOP], 1, 10) == _table_rows(old_wb[layout.SHEET_SOP], 1, 10)


def _findings(path: Path, year: int) -> list[tuple[str, str, str]]:
    analysis = actions.validate(open_book(path), as_of=AS_OF, year=year)
    return sorted((p.sheet, p.code, p.message) for p in analysis.problems)


@pytest.mark.parametrize("year", [2024, 2025])
def test_new_file_validates_the_same(old_tracker, tmp_path, year):
    new = tmp_path / "LKj_baru.xlsx"
    upgrade_tracker(old_tracker, new)
    ignore = {"lembar_tidak_ada", "pengaturan_tidak_ada", "kolom_tidak_ada"}  # what the old layout lacked
    old = [f for f in _findings(old_tracker, year) if f[1] not in ignore]
    assert _findings(new, year) == old
    tracker_old = actions.validate(open_book(old_tracker), as_of=AS_OF, year=year)
    tracker_new = actions.validate(open_book(new), as_of=AS_OF, year=year)
    assert tracker_new.schedule == tracker_old.schedule  # same deadlines, same statuses, same lateness
    assert tracker_new.tracker.settings == tracker_old.tracker.settings
    assert tracker_new.tracker.sop == tracker_old.tracker.sop
    assert tracker_new.tracker.holidays == tracker_old.tracker.holidays
    assert tracker_new.tracker.removed_holidays == tracker_old.tracker.removed_holidays


def test_refuses_existing_target_and_newer_layout(old_tracker, templates, tmp_path):
    target = tmp_path / "ada.xlsx"
    target.write_bytes(b"milik orang lain")
    with pytest.raises(UnusableFileError, match="sudah ada"):
        upgrade_tracker(old_tracker, target)
    assert target.read_bytes() == b"milik orang lain"

    newer = templates.copy(templates.blank(), tmp_path, "baru_sekali.xlsx")
    wb = openpyxl.load_workbook(newer)
    wb[layout.SHEET_SETTINGS].cell(row=layout.settings_row(layout.P_VERSION), column=2).value = layout.LAYOUT_VERSION + 1
    wb.save(newer)
    with pytest.raises(UnusableFileError, match="lebih baru"):
        upgrade_tracker(newer, tmp_path / "hasil.xlsx")
    assert not (tmp_path / "hasil.xlsx").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~lkj-upgrade-")]


def test_cli_upgrade(old_tracker, tmp_path, capsys):
    before = old_tracker.read_bytes()
    new = tmp_path / "LKj_baru.xlsx"
    assert main(["upgrade", str(old_tracker), str(new)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "dipindahkan" in out and "Isian langkah" in out
    assert old_tracker.read_bytes() == before
    assert main(["upgrade", str(old_tracker), str(new)]) == EXIT_UNUSABLE
    assert "sudah ada" in capsys.readouterr().err
    assert main(["upgrade", str(tmp_path / "tidak_ada.xlsx"), str(tmp_path / "x.xlsx")]) == EXIT_UNUSABLE
    assert "tidak ditemukan" in capsys.readouterr().err


def test_upgrade_to_xlsm(old_tracker, tmp_path):
    from lkj_xl.files.macro_check import verify_xlsm

    new = tmp_path / "LKj_baru.xlsm"
    upgrade_tracker(old_tracker, new)
    assert verify_xlsm(new) == []
    entries = _entries_of(openpyxl.load_workbook(new, keep_vba=True)[layout.step_sheet(3)])
    assert entries[(2024, 0)][layout.F_KELENGKAPAN] == "Tidak"


def test_special_hours_are_carried(templates, tmp_path):
    """A current-layout tracker's Ramadan hours (Pengaturan, tblJamKhusus) arrive in the upgraded file."""
    from lkj_xl.workbook.reader import load_tracker

    old = templates.copy(templates.blank(), tmp_path, "old.xlsx")
    wb = openpyxl.load_workbook(old)
    row = [datetime(2026, 2, 18), datetime(2026, 3, 17), "Senin-Kamis", "Ya", time(8), time(12), time(12, 30),
           time(15), "Ramadan 1447 H"]
    for column, value in enumerate(row, start=1):
        wb[layout.SHEET_SETTINGS].cell(row=layout.SPECIAL_HEADER_ROW + 1, column=column, value=value)
    wb.save(old)

    summary = upgrade_tracker(old, tmp_path / "new.xlsx")
    assert "jam kerja khusus 1 baris" in summary
    before = load_tracker(FileBook.open(old)).settings.special
    after = load_tracker(FileBook.open(tmp_path / "new.xlsx")).settings.special
    assert after == before and len(after) == 1 and after[0].name == "Ramadan 1447 H"
