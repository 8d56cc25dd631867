"""Nothing a person typed is ever lost or changed: 100 real runs of validate/refresh/report on one realistically
filled tracker, through the CLI (so through ``trackerfile.modify``: lock, atomic save, verification, backups), then
a cell-by-cell comparison of everything typed (value, number format, data type) and of the workbook's structure.
Also: Riwayat is append-only and capped, backups rotate, the .xlsm keeps its VBA project and ribbon byte for byte,
and text copied from a user's cell into a generated sheet stays text even when it starts like a formula."""

from __future__ import annotations

import zipfile
from datetime import datetime, time
from pathlib import Path

import openpyxl
import pytest

from lkj_xl.workbook import actions
from lkj_xl.workbook import layout
from lkj_xl.files.backups import list_backups
from lkj_xl.engines.openpyxl_book import FileBook
from lkj_xl.cli import main
from lkj_xl.authoring.demo import DEMO_STAFF
from lkj_xl.core.errors import EXIT_DATA, EXIT_OK
from lkj_xl.workbook.writers import append_history
from lkj_xl.files.session import modify

from conftest import cycle, edit, fill_steps, typed_cells

HEADER = layout.STEP_TABLE_HEADER_ROW
BACKUPS = 3
#: Notes that start like a formula, typed as text (step -> Catatan of 2025).
FORMULA_LIKE = {1: "=SUM(1,1) rapat", 2: "+62 812 555 0101", 3: "-- menunggu data Irban II", 5: "@Irban II"}
RUNNING_PELAKSANA = "=Sri Wahyuni"  # step 6 (running) -> Beranda's "Dipegang oleh"
HISTORY = {  # year -> step -> (Diterima, Selesai, Pelaksana, Kelengkapan, Nomor Output, Catatan)
    2023: {n: (f"0{n}/01/2024 08.00", f"0{n}/01/2024 15.00", "Sri Wahyuni, S.E., M.M.", "Ya", f"050/{n}/2024", "")
           for n in range(1, 9)},
    2024: {1: (datetime(2025, 1, 6, 8, 0), datetime(2025, 1, 6, 8, 30), "Drs. Bambang Sutrisno, M.Si.", "Ya",
               "050/001/401.105/2025", "arsip 2024"),
           2: ("6 Januari 2025 09.00", "6 Januari 2025 11.00", "Sri Wahyuni, S.E., M.M.", "Tidak", None, None)},
}


@pytest.fixture(scope="module")
def filled(templates, tmp_path_factory) -> Path:
    """The demo cycle (with two more staff) copied from the session's template, then two earlier cycles, notes that
    start like a formula, a changed SOP time, backups, working hours and a local holiday typed in."""
    staff = DEMO_STAFF + (("Joko Santoso, S.H.", "19750505 200003 1 003", "Kabid", "Plt. Sekretaris"),
                          ("Ani Rahmawati 🌸", "", "JFU", "honorer"))
    path = templates.copy(templates.demo(staff=staff), tmp_path_factory.mktemp("filled"), "LKj_2025.xlsx")

    def type_rest(wb):
        for offset, (year, steps) in enumerate(sorted(HISTORY.items()), start=2):
            fill_steps(wb, {number: cycle(*values, year=year) for number, values in steps.items()}, row=HEADER + offset)
        fill_steps(wb, {number: {layout.F_CATATAN: note} for number, note in FORMULA_LIKE.items()}, row=HEADER + 1)
        fill_steps(wb, {6: {layout.F_PELAKSANA: RUNNING_PELAKSANA}}, row=HEADER + 1)
        wb[layout.SHEET_SOP]["F22"] = "3 minggu"
        settings = wb[layout.SHEET_SETTINGS]
        settings.cell(row=layout.settings_row(layout.P_BACKUPS), column=2).value = BACKUPS
        settings.cell(row=layout.WEEK_HEADER_ROW + 5, column=6).value = time(16, 0)
        holidays = wb[layout.SHEET_HOLIDAYS]
        holidays["D5"] = "Ya"
        row = next(r for r in range(layout.LIST_HEADER_ROW + 1, holidays.max_row + 2) if holidays.cell(r, 1).value is None)
        for column, value in enumerate((datetime(2026, 2, 20), "Hari Jadi Kota Madiun", layout.KIND_LOCAL, None, "Perwal"), 1):
            holidays.cell(row=row, column=column, value=value)
    return edit(path, type_rest)


def structure(path: Path) -> dict:
    """Defined names, data validations, conditional formatting and tables (names and refs) of every sheet."""
    wb = openpyxl.load_workbook(path)
    found: dict = {"names": sorted((n, d.attr_text) for n, d in wb.defined_names.items())}
    for ws in wb.worksheets:
        found[ws.title] = {
            "validations": sorted((str(dv.sqref), dv.type or "", dv.formula1 or "", dv.formula2 or "")
                                  for dv in ws.data_validations.dataValidation),
            "formatting": sorted((str(rng.sqref), tuple(r.formula or ()))
                                 for rng in ws.conditional_formatting for r in rng.rules),
            # a step table may grow over rows typed right below it (what Excel does as people type); it keeps its
            # name, header row and columns
            "tables": sorted((name, ref.split(":")[0], "".join(c for c in ref.split(":")[-1] if c.isalpha()))
                             for name, ref in ws.tables.items()),
        }
    return found


def history_rows(path: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)  # one sheet's values: the read-only reader is enough
    try:
        return [row for row in wb[layout.SHEET_HISTORY].iter_rows(min_row=2, max_col=len(layout.HISTORY_HEADERS),
                                                                  values_only=True)
                if any(v is not None for v in row)]
    finally:
        wb.close()


AS_OF = ["2026-01-05T09:00", "2026-01-27T15:00", "2026-02-11T08:30", "2026-02-23T10:00", "2026-03-02T13:00",
         "2026-03-31T16:00", "2026-04-15T10:00", "2026-12-31T23:59"]


def plan(n: int = 100) -> list[tuple[str, str, str | None]]:
    """A fixed mix of actions: (command, --as-of, --year or None); about 40% validate."""
    commands = ["validate", "refresh", "validate", "report", "refresh"]
    years = [None, None, "2024", None, "2023"]
    return [(commands[i % 5], AS_OF[(i * 3) % len(AS_OF)], years[(i // 5) % 5]) for i in range(n)]


def test_hundred_runs_change_nothing_typed(filled, tmp_path, capsys):
    path = tmp_path / filled.name
    path.write_bytes(filled.read_bytes())
    cells_before, structure_before = typed_cells(path), structure(path)
    history_before = history_rows(path)
    assert len(cells_before) > 700  # a realistically filled tracker

    runs = plan()
    writes = 0
    history_seen = history_before
    for i, (command, as_of, year) in enumerate(runs):
        argv = [command, str(path), "--as-of", as_of] + (["--year", year] if year else [])
        before = path.read_bytes() if command == "validate" else None
        code = main(argv)
        output = capsys.readouterr()
        assert code in (EXIT_OK, EXIT_DATA), (argv, output.err)
        assert "Traceback" not in output.err and "Gagal" not in output.err, output.err
        if command == "validate":
            assert path.read_bytes() == before
        else:
            writes += 1
            if i % 17 == 0:  # Riwayat is append-only: every older line unchanged, one new line
                now = history_rows(path)
                assert now[:len(history_seen)] == history_seen and len(now) == writes + len(history_before)
                history_seen = now
    assert len(runs) == 100 and writes == 60

    assert typed_cells(path) == cells_before
    assert structure(path) == structure_before
    history = history_rows(path)
    assert len(history) == len(history_before) + writes
    assert history[:len(history_seen)] == history_seen
    labels = {actions.ACTION_LABELS[actions.ACTION_REFRESH], actions.ACTION_LABELS[actions.ACTION_REPORT]}
    assert {row[2] for row in history} <= labels
    assert len(list_backups(path)) == BACKUPS  # the workbook's own "Jumlah cadangan"
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".~lkj-tmp-")] == []


def test_history_is_capped_and_keeps_the_newest(filled, tmp_path):
    path = tmp_path / filled.name
    path.write_bytes(filled.read_bytes())
    book = FileBook.open(path)
    for i in range(8):
        append_history(book, datetime(2026, 3, 1, 8, i), "uji", "Hitung Batas Waktu", f"baris {i}", cap=5)
    book.save()
    rows = history_rows(path)
    assert [row[3] for row in rows] == [f"baris {i}" for i in range(3, 8)]
    assert [row[0] for row in rows] == [datetime(2026, 3, 1, 8, i) for i in range(3, 8)]


def test_generated_sheets_hold_copied_text_as_text(filled, tmp_path, capsys):
    path = tmp_path / filled.name
    path.write_bytes(filled.read_bytes())
    assert main(["report", str(path), "--as-of", "2026-02-23T10:00"]) in (EXIT_OK, EXIT_DATA)
    capsys.readouterr()
    wb = openpyxl.load_workbook(path)
    found = {}
    for sheet in (layout.SHEET_REPORT, layout.SHEET_HOME, layout.SHEET_PROBLEMS):
        for row in wb[sheet].iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and any(cell.value.startswith(t) for t in
                                                       (*FORMULA_LIKE.values(), RUNNING_PELAKSANA)):
                    found[(sheet, cell.coordinate)] = (cell.value, cell.data_type)
    copied = {value for value, _ in found.values()}
    # the notes reached Laporan, as typed at the start of their cell (a suggestion may follow them)
    assert all(any(value.startswith(note) for value in copied) for note in FORMULA_LIKE.values())
    assert any(sheet == layout.SHEET_HOME and value.startswith(RUNNING_PELAKSANA)
               for (sheet, _), (value, _) in found.items())  # the holder reached Beranda
    assert all(data_type == "s" for _, data_type in found.values()), found
    with zipfile.ZipFile(path) as z:  # and no <f> formula element carries them
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>SUM(1,1) rapat" not in z.read(name) and b"<f>Sri Wahyuni" not in z.read(name)


def test_xlsm_keeps_vba_and_ribbon(filled, tmp_path):
    from lkj_xl.authoring.xlsm import build_xlsm  # of this module's tracker (it is not a session template)
    from lkj_xl.engines.ooxml import RIBBON_PART
    from lkj_xl.files.macro_check import verify_xlsm

    path = build_xlsm(filled, tmp_path / "LKj_2025.xlsm")
    with zipfile.ZipFile(path) as z:
        vba, ribbon = z.read("xl/vbaProject.bin"), z.read(RIBBON_PART)
    cells = typed_cells(path)
    for i, (action, as_of) in enumerate([(actions.refresh, datetime(2026, 2, 23, 10)),
                                         (actions.report, datetime(2026, 3, 2, 9)),
                                         (actions.refresh, datetime(2026, 1, 27, 15)),
                                         (actions.report, datetime(2026, 4, 1, 8))]):
        modify(path, lambda book, action=action, as_of=as_of: action(book, as_of=as_of))
        with zipfile.ZipFile(path) as z:
            assert z.read("xl/vbaProject.bin") == vba
            assert z.read(RIBBON_PART) == ribbon
            assert b"ui/extensibility" in z.read("_rels/.rels")
        assert verify_xlsm(path) == []
    assert typed_cells(path) == cells
