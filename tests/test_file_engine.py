"""Nothing lost: the file engine writes only the cells it owns and keeps every other byte (issue 9).

A tracker filled as a person would, then given what people add in Excel (``excel_parts.add_everything``: a drawing
with a text box and a picture, a rich-text note, a threaded comment with a reply, sparklines, an x14 dropdown, a rich
text cell, a sign-off block typed below a step table, a label above it, a column of the user's own beside it, a
user sheet with formulas and cached values), as .xlsx and as .xlsm.  After ``lkj validate``, ``refresh`` and
``report`` every added thing is byte-identical, the only parts that changed are the sheets holding the engine's cells
(and a step table that grew over a row typed below it), each of those differs only in cells the engine owns, and the
result opens in openpyxl and in LibreOffice.  The same holds for a ribbon click through xlwings' json engine (every
cell it writes is owned).  And a save never overwrites a version someone else saved meanwhile.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import excel_parts as xp  # noqa: E402
from lkj_xl.authoring.builder import build_tracker  # noqa: E402
from lkj_xl.authoring.demo import DEMO_STAFF, fill_demo_entries  # noqa: E402
from lkj_xl.authoring.xlsm import build_xlsm  # noqa: E402
from lkj_xl.cli import main  # noqa: E402
from lkj_xl.core.errors import UnusableFileError  # noqa: E402
from lkj_xl.engines.openpyxl_book import FileBook  # noqa: E402
from lkj_xl.engines.package import PackageBook, package_differences  # noqa: E402
from lkj_xl.files.session import modify  # noqa: E402
from lkj_xl.workbook import actions, layout  # noqa: E402
from lkj_xl.workbook.owned import ENGINE_SHEETS, ownership  # noqa: E402
from lkj_xl.workbook.reader import load_tracker  # noqa: E402

AS_OF = "2026-02-23T10:00"
COMMANDS = ("validate", "refresh", "report")


def _person_workbook(path: Path) -> dict[str, xp.Item]:
    """A tracker as a person leaves it: entries typed (one of them in the row right below a step table, as in
    LibreOffice, where the table does not grow), then everything Excel lets people add."""
    book = FileBook.open(path)
    fill_demo_entries(book)
    book.write(layout.step_sheet(2), layout.STEP_TABLE_HEADER_ROW + 2, 1, [[2024, "06/01/2025 08.00"]])
    book.save()
    return xp.add_everything(path)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict[str, tuple[Path, dict[str, xp.Item]]]:
    folder = tmp_path_factory.mktemp("people")
    xlsx = folder / "LKj_2025.xlsx"
    build_tracker(xlsx, year=2025, agency="Inspektorat Kota Madiun", staff=DEMO_STAFF)
    xlsm = build_xlsm(xlsx, folder / "LKj_2025.xlsm")
    return {"xlsx": (xlsx, _person_workbook(xlsx)), "xlsm": (xlsm, _person_workbook(xlsm))}


def _cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue() + err.getvalue()


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> its worksheet part, and table name -> its table part."""
    book = PackageBook.open(path)
    found = {}
    for name in book.sheet_names():
        found[name] = book._sheets[name].part  # noqa: SLF001 - the test reads where the engine keeps each sheet
        for table in book._sheets[name].tables.values():  # noqa: SLF001
            found[table.name] = table.part
    return found


@pytest.fixture(scope="module")
def ran(workbooks, tmp_path_factory) -> dict[tuple[str, str], tuple[Path, Path, int, str]]:
    """(kind, command) -> (the person's workbook, the copy the command ran on, exit code, output)."""
    results = {}
    for kind, (source, _) in workbooks.items():
        for command in COMMANDS:
            path = tmp_path_factory.mktemp(f"{kind}-{command}") / source.name
            shutil.copyfile(source, path)
            code, output = _cli(command, str(path), "--as-of", AS_OF)
            results[(kind, command)] = (source, path, code, output)
    return results


@pytest.mark.parametrize("kind", ["xlsx", "xlsm"])
@pytest.mark.parametrize("command", COMMANDS)
def test_everything_people_added_keeps_its_bytes(workbooks, ran, kind, command):
    source, path, code, output = ran[(kind, command)]
    assert code in (0, 1), output
    assert "Traceback" not in output
    items = workbooks[kind][1]
    for key in xp.EVERYTHING:
        assert xp.fingerprint(path, items[key]) == xp.fingerprint(source, items[key]), key


@pytest.mark.parametrize("kind", ["xlsx", "xlsm"])
@pytest.mark.parametrize("command", COMMANDS)
def test_only_the_engines_parts_and_cells_change(ran, kind, command):
    source, path, _, _ = ran[(kind, command)]
    before, after = _parts(source), _parts(path)
    if command == "validate":
        assert path.read_bytes() == source.read_bytes()
        return
    assert set(before) == set(after)
    where = _sheet_parts(source)
    allowed = {where[s] for s in ENGINE_SHEETS} | {where[layout.step_sheet(n)] for n in range(1, 9)}
    allowed.add(where[layout.step_table(2)])  # grew over the 2024 row typed right below it
    allowed.add("xl/workbook.xml")  # the print areas of Masalah, Riwayat, Laporan (the proof below: nothing else)
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= allowed, sorted(changed - allowed)
    assert where[layout.step_table(2)] in changed
    if kind == "xlsm":
        assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
        assert after["customUI/customUI14.xml"] == before["customUI/customUI14.xml"]

    # An independent re-check of the save's proof, with the ownership read from the person's workbook.
    owned = ownership(load_tracker(PackageBook.open(source)), PackageBook.open(source).sheet_names())
    assert package_differences(source, path, owned.owns, structural=owned.structural()) == []
    # ... and the proof does see a change outside the engine's cells (the sign-off block)
    damaged = PackageBook.open(path)
    damaged.write(layout.step_sheet(3), 16, 10, [["Mengetahui, (diubah)"]])
    assert package_differences(source, damaged.to_bytes(), owned.owns, structural=owned.structural()) != []


@pytest.mark.parametrize("kind", ["xlsx", "xlsm"])
def test_the_row_typed_below_a_table_is_computed(ran, kind):
    _, path, _, _ = ran[(kind, "refresh")]
    ws = openpyxl.load_workbook(path)[layout.step_sheet(2)]
    row = layout.STEP_TABLE_HEADER_ROW + 2
    assert ws.tables[layout.step_table(2)].ref == f"A{layout.STEP_TABLE_HEADER_ROW}:N{row}"
    status = layout.STEP_HEADERS.index(layout.C_STATUS) + 1
    assert ws.cell(row, 1).value == 2024 and ws.cell(row, status).value


def test_a_second_refresh_changes_only_what_changed(workbooks, tmp_path):
    """A tracker refreshed before, then saved by a program that rewrote every part (openpyxl here; Excel does the
    same: inline strings become shared strings), refreshed again at the same moment: every computed cell already
    holds its value, so no step sheet, Beranda, Masalah (its check time is the same moment) or Laporan changes by a
    byte; only Riwayat gains its line (and the workbook part, where its print area lives).  (.xlsx only: openpyxl
    drops an .xlsm's ribbon, which lkj then refuses to save.)"""
    source, _ = workbooks["xlsx"]
    refreshed = shutil.copyfile(source, tmp_path / "first.xlsx")
    clock = lambda: datetime(2026, 2, 23, 10, 5)  # noqa: E731 - the real time both refreshes record
    with redirect_stdout(io.StringIO()):
        code = main(["refresh", str(refreshed), "--as-of", AS_OF], clock=clock)
    path = tmp_path / source.name
    openpyxl.load_workbook(refreshed).save(path)
    before = _parts(path)
    step1 = _sheet_parts(path)[layout.step_sheet(1)]
    assert before[step1] != _parts(refreshed)[step1]  # every part rewritten by another program
    with redirect_stdout(io.StringIO()):
        assert main(["refresh", str(path), "--as-of", AS_OF], clock=clock) == code
    after = _parts(path)
    sheets = _sheet_parts(path)
    changed = {name for name in before if before[name] != after.get(name)}
    assert changed == {sheets[layout.SHEET_HISTORY], "xl/workbook.xml"}
    assert PackageBook.open(path).read(layout.SHEET_HOME) == PackageBook(_zip(before)).read(layout.SHEET_HOME)


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_results_open_in_openpyxl_and_libreoffice(ran, tmp_path):
    outputs = [path for (_, command), (_, path, _, _) in ran.items() if command != "validate"]
    for path in outputs:
        openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    copies = []
    for i, path in enumerate(outputs):
        copies.append(Path(shutil.copyfile(path, tmp_path / f"{i}-{path.name}")))
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path / "pdf"), *map(str, copies)],
                   check=True, capture_output=True, timeout=300)
    for copy in copies:
        pdf = tmp_path / "pdf" / (copy.stem + ".pdf")
        assert pdf.is_file() and pdf.stat().st_size > 1000, copy.name


def test_a_ribbon_click_writes_only_owned_cells(workbooks, monkeypatch):
    """The same through xlwings' json engine: every setValues block lies in cells the engine owns."""
    from lkj_xl import ribbon
    from xlwings_payload import json_engine_xlwings, payload_from_file

    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    xw = json_engine_xlwings()
    source, _ = workbooks["xlsx"]
    owned = ownership(load_tracker(PackageBook.open(source)), PackageBook.open(source).sheet_names())
    for action in ("refresh", "report"):
        book = xw.Book(json=payload_from_file(source))
        assert ribbon.dispatch(action, book=book, as_of=datetime.fromisoformat(AS_OF)) is not None
        names = [s.name for s in book.sheets]
        writes = [a for a in book.json()["actions"] if a["func"] == "setValues"]
        assert writes
        for write in writes:
            sheet = names[write["sheet_position"]]
            rows, cols = len(write["values"]), max(len(r) for r in write["values"])
            assert owned.owns_block(sheet, write["start_row"] + 1, write["start_column"] + 1, rows, cols), write


def _someone_saves(path: Path, value: str) -> None:
    """Another program saves the workbook: a person's cell changes on disk."""
    other = PackageBook.open(path)
    other.write(layout.SHEET_STAFF, 20, 4, [[value]])
    path.write_bytes(other.to_bytes())


def test_a_version_saved_meanwhile_is_kept_and_the_action_redone(workbooks, tmp_path):
    source, _ = workbooks["xlsx"]
    path = Path(shutil.copyfile(source, tmp_path / source.name))
    calls = []

    def refresh_while_someone_saves(book):
        calls.append(1)
        if len(calls) == 1:
            _someone_saves(path, "disimpan orang lain")
        return actions.refresh(book, as_of=datetime.fromisoformat(AS_OF), user="uji")

    modify(path, refresh_while_someone_saves)
    assert len(calls) == 2  # done again on the version on disk
    done = PackageBook.open(path)
    assert done.read(layout.SHEET_STAFF)[19][3] == "disimpan orang lain"
    step1 = done.read(layout.step_sheet(1))[layout.STEP_TABLE_HEADER_ROW]
    assert step1[layout.STEP_HEADERS.index(layout.C_STATUS)]  # and the engine's values are there too
    history = [row for row in done.read(layout.SHEET_HISTORY)[1:] if any(v is not None for v in row)]
    assert len(history) == 1  # one action, one Riwayat line


def test_a_file_saved_by_someone_else_every_time_is_left_to_them(workbooks, tmp_path):
    source, _ = workbooks["xlsx"]
    path = Path(shutil.copyfile(source, tmp_path / source.name))

    def refresh_while_someone_keeps_saving(book):
        _someone_saves(path, f"versi {datetime.now().timestamp()}")
        return actions.refresh(book, as_of=datetime.fromisoformat(AS_OF), user="uji")

    with pytest.raises(UnusableFileError, match="disimpan oleh orang atau program lain"):
        modify(path, refresh_while_someone_keeps_saving)
    theirs = PackageBook.open(path).read(layout.SHEET_STAFF)[19][3]
    assert theirs.startswith("versi ")  # their version stays
    assert not list(tmp_path.glob(".~lkj-tmp-*"))


def test_problem_links_show_without_a_recalculation(workbooks, tmp_path):
    """Excel does not recalculate a file on open (no fullCalcOnLoad, so no "save changes?" on every close): the
    Masalah sheet's "Buka" link formulas carry their result for the rows a file-mode refresh wrote."""
    source, _ = workbooks["xlsx"]
    path = Path(shutil.copyfile(source, tmp_path / source.name))
    book = FileBook.open(path)
    book.write(layout.step_sheet(3), layout.STEP_TABLE_HEADER_ROW + 1, 2, [["tanggal salah"]])
    book.save()
    code, output = _cli("refresh", str(path), "--as-of", AS_OF)
    assert code == 1, output
    cached = openpyxl.load_workbook(path, data_only=True)[layout.SHEET_PROBLEMS]
    formulas = openpyxl.load_workbook(path)[layout.SHEET_PROBLEMS]
    link = layout.PROBLEM_LINK_COLUMN
    assert cached.cell(2, 2).value == "B13" and cached.cell(2, link).value == "Buka"
    assert formulas.cell(2, link).value.startswith("=IF($B2")  # the formula stays
    assert cached.cell(3, 2).value is None and cached.cell(3, link).value in (None, "")


@pytest.mark.parametrize("kind", ["xlsx", "xlsm"])
def test_closing_a_cycle_keeps_everything_people_added(workbooks, tmp_path, kind):
    """`lkj tutup` writes Siklus Tertutup, Laporan and the computed cells through the same safe save: every picture,
    text box, rich-text note and block a person added keeps its bytes, and the report files go beside the tracker."""
    source, items = workbooks[kind]
    path = tmp_path / source.name
    shutil.copyfile(source, path)
    book = PackageBook.open(path)  # the rest of the cycle typed in, cell by cell (the engine that keeps everything)
    row = layout.STEP_TABLE_HEADER_ROW + 1
    book.write(layout.step_sheet(6), row, 3, [["23/02/2026 11:00"]])
    book.write(layout.step_sheet(7), row, 2, [["24/02/2026 08:00", "24/02/2026 08:30", DEMO_STAFF[0][0], "Ya"]])
    book.write(layout.step_sheet(8), row, 2, [["24/02/2026 09:00", "24/02/2026 09:10", DEMO_STAFF[4][0], "Ya"]])
    book.save()
    before = {key: xp.fingerprint(path, items[key]) for key in xp.EVERYTHING}
    code, output = _cli("tutup", str(path), "--year", "2025", "--as-of", "2026-02-25T10:00")
    assert code == 0, output
    assert "Traceback" not in output
    for key in xp.EVERYTHING:
        assert xp.fingerprint(path, items[key]) == before[key], key
    assert PackageBook.open(path).read(layout.SHEET_CLOSED)[1][0] == 2025  # the record of the closed cycle
    assert list(tmp_path.glob("* - Laporan 2025.xlsx"))
