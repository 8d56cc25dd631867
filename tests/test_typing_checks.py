"""What people type and what they are told about it, on real files (issue 12, "Colours and typing" and the small
things): an empty staff list, a Pelaksana nobody can check, dates in the unambiguous style, a year without rows."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from conftest import ROW, fill_steps
from lkj_xl.cli import main
from lkj_xl.workbook import layout

AS_OF = "2026-02-23T10:00"


def lkj(capsys, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_an_empty_staff_list_and_an_unchecked_pelaksana_are_warnings(templates, tmp_path, capsys):
    tracker = templates.copy(templates.blank(), tmp_path)  # built without staff: Pegawai is empty
    fill_steps(tracker, {1: {layout.F_RECEIVED: "5 Jan 2026 08.00", layout.F_COMPLETED: "5 Jan 2026 08.04",
                             layout.F_PELAKSANA: "Drs. Budi Santoso"}})
    code, out, _ = lkj(capsys, "validate", tracker, "--as-of", AS_OF)
    assert code == 0, out  # warnings only
    assert "[Peringatan] Pegawai: Daftar pegawai (lembar Pegawai) kosong" in out
    assert ('[Peringatan] Langkah 1!D13: Pelaksana "Drs. Budi Santoso" tidak dapat diperiksa: daftar pegawai '
            '(lembar Pegawai) masih kosong.') in out

    assert lkj(capsys, "refresh", tracker, "--as-of", AS_OF)[0] == 0
    ws = openpyxl.load_workbook(tracker)[layout.SHEET_PROBLEMS]
    rows = {(r[0], r[1], r[2], r[4]) for r in ws.iter_rows(min_row=2, max_col=5, values_only=True) if r[0]}
    assert ("Pegawai", None, "Peringatan", "pegawai_kosong") in rows
    assert ("Langkah 1", "D13", "Peringatan", "pelaksana_tanpa_daftar") in rows


def test_a_listed_staff_gives_no_such_warning(blank_tracker, capsys):
    fill_steps(blank_tracker, {1: {layout.F_RECEIVED: "5 Jan 2026 08.00"}})
    code, out, _ = lkj(capsys, "validate", blank_tracker, "--as-of", AS_OF)
    assert code == 0 and "Pegawai" not in out, out


def test_validate_a_year_without_rows_says_so(demo_tracker, capsys):
    code, out, _ = lkj(capsys, "validate", demo_tracker, "--year", 2024, "--as-of", AS_OF)
    assert code == 0
    assert out.startswith("Tidak ada baris tahun 2024 di tabel langkah mana pun (tahun yang ada: 2025); isian tahun "
                          "itu belum dapat diperiksa."), out
    assert "Tidak ada masalah" not in out
    # the year that has rows still says its own result
    code, out, _ = lkj(capsys, "validate", demo_tracker, "--year", 2025, "--as-of", AS_OF)
    assert "Tidak ada baris" not in out


def test_backups_are_listed_with_readable_sizes_and_wib_times(blank_tracker, capsys, monkeypatch):
    import time

    # This computer's clock runs in UTC; the backups' names carry its time.
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        folder = blank_tracker.parent / "Cadangan LKj"
        folder.mkdir()
        stem, suffix = blank_tracker.stem, blank_tracker.suffix
        (folder / f"{stem}_20260223-030005-000000{suffix}").write_bytes(b"x" * 123_904)  # 121 KB
        (folder / f"{stem}_20260224-171500-000000{suffix}").write_bytes(b"x" * 1_468_006)  # 1,4 MB
        (folder / f"{stem}_20260101-000000-000000{suffix}").write_bytes(b"x" * 812)
        code, out, _ = lkj(capsys, "backups", blank_tracker)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert code == 0
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert lines == [
        f"1. 25 Februari 2026 00.15.00 WIB 1,4 MB {folder / (stem + '_20260224-171500-000000' + suffix)}",
        f"2. 23 Februari 2026 10.00.05 WIB 121 KB {folder / (stem + '_20260223-030005-000000' + suffix)}",
        f"3. 1 Januari 2026 07.00.00 WIB 812 bita {folder / (stem + '_20260101-000000-000000' + suffix)}"]


def test_a_real_date_with_day_and_month_swapped_is_named(blank_tracker, capsys):
    from datetime import datetime

    # An English-locale Excel stored "06/01/2026 08:00" as 1 June and "01/02/2026 10:00" as 2 January: real dates.
    fill_steps(blank_tracker, {
        1: {layout.F_RECEIVED: datetime(2026, 6, 1, 8, 0)},
        2: {layout.F_RECEIVED: "20 Jan 2026 08.00", layout.F_COMPLETED: datetime(2026, 1, 2, 10, 0)},
        3: {layout.F_RECEIVED: datetime(2026, 1, 13, 8, 0)},  # 13 cannot be a month: no hint
    })
    code, out, _ = lkj(capsys, "validate", blank_tracker, "--as-of", AS_OF)
    assert code == 1
    assert ('Langkah 1!B13: Diterima (1 Juni 2026 08.00) di masa depan: saat pemeriksaan adalah 23 Februari 2026 '
            '10.00. Mungkin hari dan bulannya tertukar: Excel berbahasa Inggris membaca "06/01/2026" sebagai 1 Juni '
            '2026; bila maksudnya 6 Januari 2026 08.00, ketik "6 Jan 2026 08.00".') in out
    assert ('Langkah 2!C13: Selesai (2 Januari 2026 10.00) lebih awal dari Diterima (20 Januari 2026 08.00). '
            'Mungkin hari dan bulannya tertukar: Excel berbahasa Inggris membaca "01/02/2026" sebagai 2 Januari 2026; '
            'bila maksudnya 1 Februari 2026 10.00, ketik "1 Feb 2026 10.00".') in out
    assert out.count("tertukar") == 2, out
    # the same dates typed as text are read day-first: nothing to say
    fill_steps(blank_tracker, {1: {layout.F_RECEIVED: "06/01/2026 08.00"}, 2: {layout.F_COMPLETED: "01/02/2026 10.00"},
                               3: {layout.F_RECEIVED: None}})
    code, out, _ = lkj(capsys, "validate", blank_tracker, "--as-of", AS_OF)
    assert "tertukar" not in out, out


def test_the_workbook_gives_the_unambiguous_example(blank_tracker):
    wb = openpyxl.load_workbook(blank_tracker)
    ws = wb[layout.step_sheet(2)]
    assert "mis. 6 Jan 2026 08.00" in ws.cell(layout.STEP_NOTE_ROW, 1).value
    dates = [dv for dv in ws.data_validations.dataValidation if dv.type == "date"]
    assert len(dates) == 2
    for dv in dates:
        assert "mis. 6 Jan 2026 08.00." in dv.error
        assert dv.showInputMessage and dv.prompt.startswith("Ketik tanggal dan jam, mis. 6 Jan 2026 08.00")
        assert len(dv.prompt) <= 255 and len(dv.error) <= 225
    holidays = [dv for dv in wb[layout.SHEET_HOLIDAYS].data_validations.dataValidation if dv.type == "date"]
    assert "mis. 6 Jan 2026." in holidays[0].error
    home = [c.value for c in wb[layout.SHEET_HOME]["A"] if isinstance(c.value, str)]
    assert any("mis. 6 Jan 2026 08.00" in line for line in home)
    every_text = [c.value for s in wb.worksheets for row in s.iter_rows() for c in row if isinstance(c.value, str)]
    every_text += [t for s in wb.worksheets for dv in s.data_validations.dataValidation for t in (dv.error, dv.prompt)
                   if t]
    assert not [t for t in every_text if "06/01/2026" in t]
