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
    rows = {(r[0], r[1], r[2], r[3]) for r in ws.iter_rows(min_row=2, max_col=5, values_only=True) if r[0]}
    assert ("Pegawai", None, "Peringatan", "pegawai_kosong") in rows
    assert ("Langkah 1", "D13", "Peringatan", "pelaksana_tanpa_daftar") in rows


def test_a_listed_staff_gives_no_such_warning(blank_tracker, capsys):
    fill_steps(blank_tracker, {1: {layout.F_RECEIVED: "5 Jan 2026 08.00"}})
    code, out, _ = lkj(capsys, "validate", blank_tracker, "--as-of", AS_OF)
    assert code == 0 and "Pegawai" not in out, out
