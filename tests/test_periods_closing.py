"""Closing and evaluating a cycle of a non-yearly SOP (issue 13): `lkj tutup --periode`, the ribbon's "Tutup Siklus",
and an Evaluasi block per period, on real files for each period kind.

Each tracker is built with the builder's period kind, a whole cycle typed in as a person would (openpyxl, cells found
by their header labels), the evaluator's block for the period added the way the sheet says (copy the prefilled block
into the empty rows below it and change Periode), then closed through the `lkj` command, reopened and checked cell by
cell: Siklus Tertutup records the period under "Periode", the report kept beside the tracker is named after the period
and holds what the evaluator typed, a later refresh writes the recorded computed cells back, an edit is a warning."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from lkj_xl.cli import main
from lkj_xl.workbook import layout

from conftest import ROW, edit, header_columns, type_in

dt = datetime
AS_OF = "2025-11-10T10:00"
#: One whole cycle, every step done (Diterima, Selesai, Pelaksana), typed the same for each period kind.
ENTRIES = {
    1: (dt(2025, 10, 6, 8, 0), dt(2025, 10, 6, 8, 4), "Drs. Bambang Sutrisno, M.Si."),
    2: (dt(2025, 10, 6, 9, 0), dt(2025, 10, 6, 10, 30), "Sri Wahyuni, S.E., M.M."),
    3: (dt(2025, 10, 7, 8, 0), dt(2025, 10, 17, 15, 0), "Dewi Lestari, S.Sos."),
    4: (dt(2025, 10, 20, 8, 0), dt(2025, 10, 24, 15, 0), "Rina Marlina, A.Md."),
    5: (dt(2025, 10, 27, 8, 0), dt(2025, 10, 31, 11, 0), "Dewi Lestari, S.Sos."),
    6: (dt(2025, 11, 3, 8, 0), dt(2025, 11, 3, 10, 0), "Sri Wahyuni, S.E., M.M."),
    7: (dt(2025, 11, 3, 13, 0), dt(2025, 11, 3, 13, 30), "Drs. Bambang Sutrisno, M.Si."),
    8: (dt(2025, 11, 4, 8, 0), dt(2025, 11, 4, 8, 10), "Rina Marlina, A.Md."),
}
#: (period kind, the period closed, the first block's key the builder prefills, the kept report's file name part)
KINDS = [
    ("semesteran", "2025-S2", "2025-S1", "2025-S2"),
    ("triwulanan", "2025-TW3", "2025-TW1", "2025-TW3"),
    ("bulanan", "2025-03", "2025-01", "2025-03"),
    ("per kegiatan", "Audit Dinas/Pendidikan: Tahap 1", None, "Audit Dinas-Pendidikan- Tahap 1"),
]
EVAL_NOTE = "Disposisi terlambat sehari karena Kepala Dinas dinas luar"


def lkj(capsys, *args: object) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _blank(templates, kind: str) -> Path:
    from lkj_xl.authoring.demo import DEMO_PLACE, DEMO_PREPARER, DEMO_STAFF
    from lkj_xl.core.settings import Settings

    return templates.blank(staff=DEMO_STAFF, settings=Settings(2025, place=DEMO_PLACE, preparer=DEMO_PREPARER),
                           period_kind=kind)


def _type_cycle(wb, label: str, row: int = ROW, steps=range(1, 9)) -> None:
    for step in steps:
        received, completed, who = ENTRIES[step]
        type_in(wb[layout.step_sheet(step)], row, {layout.F_PERIOD: label, layout.F_RECEIVED: received,
                                                   layout.F_COMPLETED: completed, layout.F_PELAKSANA: who,
                                                   layout.F_KELENGKAPAN: "Ya"})


def _add_evaluation_block(wb, label: str) -> int:
    """What the Evaluasi sheet tells the evaluator: copy the prefilled block into the empty rows below it, change
    Periode, then judge.  Returns the first row of the new block."""
    ws = wb[layout.SHEET_EVALUATION]
    header = layout.EVALUATION_HEADER_ROW
    prefilled = [r for r in range(header + 1, header + 40) if ws.cell(r, 2).value]  # Bagian filled
    first = prefilled[-1] + 1
    for k, r in enumerate(prefilled):
        for c in range(1, len(layout.EVALUATION_HEADERS) + 1):
            ws.cell(first + k, c).value = ws.cell(r, c).value
        ws.cell(first + k, 1).value = label
        ws.cell(first + k, 1).data_type = "s"
    # step 1 judged "Tidak berjalan dengan baik" with a note, criterion 2 "Ya"
    ws.cell(first, 5).value = "Tidak berjalan dengan baik"
    ws.cell(first, 6).value = EVAL_NOTE
    criterion2 = first + len(ENTRIES) + 1
    assert ws.cell(criterion2, 2).value == "Kriteria" and ws.cell(criterion2, 3).value == 2
    ws.cell(criterion2, 5).value = "Ya"
    return first


def _report_text(ws) -> str:
    return " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


@pytest.mark.parametrize("kind,label,prefilled,file_part", KINDS, ids=[k[0] for k in KINDS])
def test_a_period_is_evaluated_closed_and_kept(templates, tmp_path, capsys, kind, label, prefilled, file_part):
    path = templates.copy(_blank(templates, kind), tmp_path, "Monitoring.xlsx")

    # the builder's Evaluasi: keyed by Periode (text), prefilled with the year's first period (an activity: blank)
    wb = openpyxl.load_workbook(path)
    ev = wb[layout.SHEET_EVALUATION]
    header = layout.EVALUATION_HEADER_ROW
    assert [ev.cell(header, c).value for c in range(1, 8)] == list(layout.evaluation_headers(kind))
    assert ev.cell(header, 1).value == "Periode"
    assert ev.cell(header + 1, 1).value == prefilled
    assert ev.cell(header + 1, 1).number_format == "@" and ev.cell(header + 30, 1).number_format == "@"
    key_rule = next(dv for dv in ev.data_validations.dataValidation if str(dv.sqref).startswith(f"A{header + 1}:"))
    assert key_rule.type == "textLength"  # a period's label, not a whole-number year
    assert "Periode" in ev["A3"].value
    closed = wb[layout.SHEET_CLOSED]
    assert [c.value for c in closed[1]] == list(layout.closed_headers(kind))
    assert closed["A1"].value == "Periode" and closed["A2"].number_format == "@"

    def type_all(wb):
        _type_cycle(wb, label)
        _add_evaluation_block(wb, label)
    edit(path, type_all)

    code, out, err = lkj(capsys, "tutup", path, "--periode", label, "--as-of", AS_OF)
    assert code == 0, out + err
    assert f"Siklus {label} ditutup" in out

    wb = openpyxl.load_workbook(path)
    ws = wb[layout.SHEET_CLOSED]
    record = {ws.cell(1, c).value: ws.cell(2, c).value for c in range(1, len(layout.CLOSED_HEADERS) + 1)}
    assert record["Periode"] == label and ws.cell(2, 1).data_type == "s"
    assert record[layout.K_DEADLINE] is None  # a non-yearly SOP's default rule: no final deadline
    assert "2025" in record[layout.K_SETTINGS]  # the holidays of the period's years
    data = json.loads(record[layout.K_DATA])
    assert data["entries"]["8"]["Selesai"] == "2025-11-04T08:10" and data["entries"]["1"]["Tahun"] == label
    xlsx = path.with_name(f"Monitoring - Laporan {file_part}.xlsx")
    assert xlsx.exists() and record[layout.K_FILES].startswith(xlsx.name)
    # the report of that period, reading the evaluator's block: the typed judgement and note, not a suggestion
    report = _report_text(wb[layout.SHEET_REPORT])
    assert f"Periode {label}" in report
    assert EVAL_NOTE in report
    assert _report_text(openpyxl.load_workbook(xlsx)[layout.SHEET_REPORT]) == report
    assert wb[layout.SHEET_HISTORY].cell(
        max(r for r in range(1, 60) if wb[layout.SHEET_HISTORY].cell(r, 3).value), 3).value == "Tutup Siklus"

    # closed: a computed cell cleared comes back as recorded; an entry changed is a located warning
    step3 = wb[layout.step_sheet(3)]
    columns = header_columns(step3)
    status = step3.cell(ROW, columns[layout.C_STATUS]).value
    assert status == "Selesai tepat waktu"

    def later(wb):
        ws3 = wb[layout.step_sheet(3)]
        ws3.cell(ROW, columns[layout.C_STATUS]).value = None
        ws3.cell(ROW, columns[layout.F_COMPLETED]).value = dt(2025, 10, 17, 15, 30)  # an edit after closing
    edit(path, later)
    code, out, err = lkj(capsys, "refresh", path, "--periode", label, "--as-of", "2025-12-01T10:00")
    assert code == 0, out + err
    wb = openpyxl.load_workbook(path)
    assert wb[layout.step_sheet(3)].cell(ROW, columns[layout.C_STATUS]).value == status
    problems = [(wb[layout.SHEET_PROBLEMS].cell(r, 2).value, wb[layout.SHEET_PROBLEMS].cell(r, 4).value)
                for r in range(2, 20) if wb[layout.SHEET_PROBLEMS].cell(r, 1).value]
    changed = [p for p in problems if "diubah sesudahnya" in (p[1] or "")]
    assert changed and changed[0][0] == f"C{ROW}" and f"Siklus {label} sudah ditutup" in changed[0][1]

    # the same period again: refused, nothing written
    before = path.read_bytes()
    code, out, err = lkj(capsys, "tutup", path, "--periode", label, "--as-of", AS_OF)
    assert code == 1 and "sudah ditutup" in err + out
    assert path.read_bytes() == before


def test_without_periode_the_latest_delivered_open_period_is_closed(templates, tmp_path, capsys):
    """2025-TW3 is delivered and 2025-TW4 has started: the default of other commands is the running 2025-TW4, but
    `lkj tutup` without --periode closes 2025-TW3; a yearly option on this tracker is refused."""
    path = templates.copy(_blank(templates, "triwulanan"), tmp_path, "Triwulan.xlsx")

    def type_two(wb):
        _type_cycle(wb, "2025-TW3")
        _type_cycle(wb, "2025-TW4", row=ROW + 1, steps=[1])
    edit(path, type_two)
    code, out, err = lkj(capsys, "status", path, "--json", "--as-of", AS_OF)
    assert json.loads(out)["period"] == "2025-TW4"
    # `lkj report --periode` writes the named period's report (it used to take the default period whatever was named)
    code, out, err = lkj(capsys, "report", path, "--periode", "2025-TW3", "--as-of", AS_OF)
    assert code == 0, out + err
    assert _report_text(openpyxl.load_workbook(path)[layout.SHEET_REPORT]).count("Periode 2025-TW3") >= 1
    assert "2025-TW4" not in _report_text(openpyxl.load_workbook(path)[layout.SHEET_REPORT])
    code, out, err = lkj(capsys, "tutup", path, "--year", "2025", "--as-of", AS_OF)
    assert code == 2 and "--periode" in err
    code, out, err = lkj(capsys, "tutup", path, "--as-of", AS_OF)
    assert code == 0, out + err
    assert "Siklus 2025-TW3 ditutup" in out
    assert openpyxl.load_workbook(path)[layout.SHEET_CLOSED]["A2"].value == "2025-TW3"
    # nothing else delivered: the default is the running period, refused with its reason
    code, out, err = lkj(capsys, "tutup", path, "--as-of", AS_OF)
    assert code == 1 and "2025-TW4" in err + out and "belum selesai" in err + out


def test_a_bare_year_in_a_periods_evaluasi_is_one_warning(templates, tmp_path, capsys):
    """A block keyed by a year in a quarterly tracker (made before Periode siklus was changed): one warning at its
    first row, not one per row; the rows are not read as any period's."""
    path = templates.copy(_blank(templates, "triwulanan"), tmp_path, "Triwulan.xlsx")

    def typed(wb):
        _type_cycle(wb, "2025-TW3")
        ws = wb[layout.SHEET_EVALUATION]
        for r in range(layout.EVALUATION_HEADER_ROW + 1, layout.EVALUATION_HEADER_ROW + 16):
            ws.cell(r, 1).value = 2025
    edit(path, typed)
    code, out, err = lkj(capsys, "validate", path, "--periode", "2025-TW3", "--as-of", AS_OF)
    lines = [line for line in out.splitlines() if "Evaluasi" in line and "berisi tahun" in line]
    assert len(lines) == 1, out
    assert f"Evaluasi!A{layout.EVALUATION_HEADER_ROW + 1}" in lines[0] and "15 baris" in lines[0]
    assert "2025-TW3" in lines[0]


def test_ribbon_closes_the_delivered_period_on_the_open_workbook(templates, tmp_path, monkeypatch):
    """The live path (xlwings' json engine): "Tutup Siklus" on a half-yearly tracker closes the delivered 2025-S2
    and keeps the report beside the workbook, named after the period."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from xlwings_payload import apply_actions, json_engine_xlwings, payload_from_file

    from lkj_xl import ribbon
    from lkj_xl.authoring import archive

    path = templates.copy(_blank(templates, "semesteran"), tmp_path, "Semester.xlsx")
    edit(path, lambda wb: _type_cycle(wb, "2025-S2"))
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.setenv("LKJ_LOG_DIR", str(tmp_path / "log"))
    xw = json_engine_xlwings()
    payload = payload_from_file(path)
    payload["book"]["name"] = str(path)
    book = xw.Book(json=payload)
    monkeypatch.setattr(archive, "soffice", lambda: None)  # the PDF is tested on the CLI path
    closing = ribbon.dispatch("close_cycle", book=book, as_of=datetime(2025, 11, 10, 10, 0))
    assert closing is not None and str(closing.year) == "2025-S2"
    applied = apply_actions(path, book.json()["actions"])
    assert any("Siklus 2025-S2 ditutup" in a["prompt"] for a in applied.alerts)
    ws = openpyxl.load_workbook(path)[layout.SHEET_CLOSED]
    assert ws.cell(row=1, column=1).value == "Periode" and ws.cell(row=2, column=1).value == "2025-S2"
    assert path.with_name("Semester - Laporan 2025-S2.xlsx").exists()


def test_upgrade_keeps_a_closed_period_and_its_evaluation_block(templates, tmp_path, capsys):
    """`lkj upgrade` (the same carrying as `lkj sop terapkan`) of a quarterly tracker with a closed period: the
    Siklus Tertutup row under Periode and the evaluator's block keyed by Periode come across; the period stays
    closed."""
    path = templates.copy(_blank(templates, "triwulanan"), tmp_path, "Triwulan.xlsx")

    def typed(wb):
        _type_cycle(wb, "2025-TW3")
        _add_evaluation_block(wb, "2025-TW3")
    edit(path, typed)
    assert lkj(capsys, "tutup", path, "--periode", "2025-TW3", "--as-of", AS_OF)[0] == 0
    new = tmp_path / "Baru.xlsx"
    code, out, err = lkj(capsys, "upgrade", path, new)
    assert code in (0, 1), out + err
    old_wb, new_wb = openpyxl.load_workbook(path), openpyxl.load_workbook(new)
    for sheet in (layout.SHEET_CLOSED, layout.SHEET_EVALUATION):
        old_rows = [[c.value for c in row] for row in old_wb[sheet].iter_rows(max_col=7) if row[1].value]
        new_rows = [[c.value for c in row] for row in new_wb[sheet].iter_rows(max_col=7) if row[1].value]
        assert new_rows == old_rows, sheet
    code, out, err = lkj(capsys, "tutup", new, "--periode", "2025-TW3", "--as-of", AS_OF)
    assert code == 1 and "sudah ditutup" in out + err


def test_without_periode_an_activity_closes_the_delivered_one_typed_last(templates, tmp_path, capsys):
    """Activities have no calendar order: of two delivered ones ("Zeta" typed first, "Alfa" below it) and a running
    one typed last, `lkj tutup` without --periode closes "Alfa", the delivered activity typed last."""
    path = templates.copy(_blank(templates, "per kegiatan"), tmp_path, "Kegiatan.xlsx")

    def typed(wb):
        _type_cycle(wb, "Zeta", row=ROW)
        _type_cycle(wb, "Alfa", row=ROW + 1)
        _type_cycle(wb, "Beta", row=ROW + 2, steps=[1])
    edit(path, typed)
    code, out, err = lkj(capsys, "tutup", path, "--as-of", AS_OF)
    assert code == 0, out + err
    assert "Siklus Alfa ditutup" in out
    assert openpyxl.load_workbook(path)[layout.SHEET_CLOSED]["A2"].value == "Alfa"
