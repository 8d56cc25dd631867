"""The Book contract (lkj_xl/workbook/book.py), one set of tests run against every engine: the package file engine,
the openpyxl book (the builder's and upgrade's) and the live book over xlwings' json engine (the ribbon).

Each test opens the same real file through the engine, does what the contract describes, and reads the result back
from disk (file engines: saved and reopened; live: the json engine's actions applied to a copy, as Excel would)."""

from __future__ import annotations

import shutil
import sys
from datetime import datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lkj_xl.authoring.builder import build_tracker  # noqa: E402
from lkj_xl.authoring.demo import DEMO_STAFF, fill_demo_entries  # noqa: E402
from lkj_xl.engines.openpyxl_book import FileBook  # noqa: E402
from lkj_xl.engines.package import PackageBook  # noqa: E402
from lkj_xl.engines.xlwings_book import LiveBook  # noqa: E402
from lkj_xl.workbook import layout  # noqa: E402
from lkj_xl.workbook.book import EXCEL_MAX_CELL_CHARS, Book, parse_reference  # noqa: E402
from xlwings_payload import apply_actions, json_engine_xlwings, payload_from_file  # noqa: E402

ENGINES = ("package", "openpyxl", "live")


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("contract") / "LKj_2025.xlsx"
    build_tracker(path, year=2025, agency="Inspektorat Kota Madiun", staff=DEMO_STAFF)
    book = FileBook.open(path)
    fill_demo_entries(book)
    book.save()
    return path


class Opened:
    """A Book over a copy of the file, and how to see what it wrote."""

    def __init__(self, engine: str, path: Path, monkeypatch):
        self.engine, self.path = engine, path
        if engine == "package":
            self.book: Book = PackageBook.open(path)
        elif engine == "openpyxl":
            self.book = FileBook.open(path)
        else:
            monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
            xw = json_engine_xlwings()
            self.xl_book = xw.Book(json=payload_from_file(path))
            self.book = LiveBook(self.xl_book)

    def saved(self) -> PackageBook:
        """The file as the engine leaves it, read back from disk."""
        if self.engine == "live":
            apply_actions(self.path, self.xl_book.json()["actions"])
        else:
            self.book.save(self.path)
        return PackageBook.open(self.path)


@pytest.fixture(params=ENGINES)
def opened(request, filled, tmp_path, monkeypatch) -> Opened:
    path = Path(shutil.copyfile(filled, tmp_path / filled.name))
    return Opened(request.param, path, monkeypatch)


def _without_formulas(values):
    """Formula cells come back as their text in file mode and as their value in live mode (book.py)."""
    return [[None if isinstance(v, str) and v.startswith("=") else v for v in row] for row in values]


def test_sheet_names_tables_and_names_are_the_same_everywhere(opened, filled):
    reference = PackageBook.open(filled)
    assert opened.book.sheet_names() == reference.sheet_names()
    for sheet in reference.sheet_names():
        assert opened.book.tables(sheet) == reference.tables(sheet), sheet
    for name in (layout.step_top_name(3), layout.DUE_SOON_NAME, layout.STAFF_NAMES_NAME):
        # the same reference, however quoted ("'Pengaturan'!$B$9" or "Pengaturan!$B$9")
        assert parse_reference(opened.book.defined_name(name)) == parse_reference(reference.defined_name(name))
    assert opened.book.defined_name("TIDAK_ADA") is None
    with pytest.raises(KeyError):
        opened.book.read("Tidak Ada")


def test_read_gives_the_same_values_everywhere(opened, filled):
    reference = PackageBook.open(filled)
    for sheet in (layout.SHEET_SOP, layout.SHEET_SETTINGS, layout.SHEET_HOLIDAYS, layout.SHEET_STAFF,
                  layout.step_sheet(1), layout.step_sheet(3), layout.SHEET_HOME):
        ours, theirs = _without_formulas(opened.book.read(sheet)), _without_formulas(reference.read(sheet))
        width = max(len(ours[0]), len(theirs[0]))
        pad = lambda rows: [list(r) + [None] * (width - len(r)) for r in rows]  # noqa: E731
        # a rectangle from A1 to the last cell with a value (the live engine's used range may reach further down)
        last = max((i for i, r in enumerate(theirs) if any(v is not None for v in r)), default=0)
        assert pad(ours)[:last + 1] == pad(theirs)[:last + 1], sheet
        assert all(v is None for row in pad(ours)[last + 1:] for v in row), sheet


def test_write_is_values_only_and_text_stays_text(opened):
    sheet = layout.SHEET_HISTORY
    long = "x" * (EXCEL_MAX_CELL_CHARS + 10)
    block = [["=SUM(A1:A2)", "+62 812", "-tidak", "@nama"], ["#N/A", datetime(2026, 1, 6, 8, 0), 3, 2.5],
             [long, None, True, "06/01/2026 08.00"]]
    opened.book.write(sheet, 5, 1, block)
    back = opened.saved().read(sheet)
    assert back[4][:4] == ["=SUM(A1:A2)", "+62 812", "-tidak", "@nama"]  # literal text, never a formula
    assert back[5][0] == "#N/A" and back[5][2:4] == [3, 2.5]
    assert back[6][0] == long[:EXCEL_MAX_CELL_CHARS - 1] + "\u2026"
    assert back[6][1] is None and back[6][2] is True and back[6][3] == "06/01/2026 08.00"


def test_none_empties_a_cell(opened):
    sheet, row = layout.step_sheet(1), layout.STEP_TABLE_HEADER_ROW + 1
    opened.book.write(sheet, row, 7, [["catatan"]])
    opened.book.write(sheet, row, 7, [[None]])
    assert opened.saved().read(sheet)[row - 1][6] is None


def test_resize_table_grows_a_table_over_the_rows_below(opened):
    sheet, name = layout.step_sheet(2), layout.step_table(2)
    first = layout.STEP_TABLE_HEADER_ROW
    opened.book.resize_table(sheet, name, f"A{first}:N{first + 3}")
    assert opened.saved().tables(sheet)[name] == f"A{first}:N{first + 3}"


def test_set_print_area_and_row_height_reach_the_file(opened):
    """The two non-value edits on the engine's own sheets that printing needs: the print area follows the used rows
    (a defined name), and a wrapped row gets a height that fits its text."""
    import openpyxl

    sheet = layout.SHEET_PROBLEMS
    opened.book.write(sheet, 2, 1, [["Langkah 1", "B13", "Peringatan", "x", "pesan panjang " * 20]])
    opened.book.set_print_area(sheet, "A1:F2")
    opened.book.set_row_height(sheet, 2, 45.0)
    opened.saved()
    wb = openpyxl.load_workbook(opened.path)
    ws = wb[sheet]
    assert ws.print_area in ("'Masalah'!$A$1:$F$2", ["'Masalah'!$A$1:$F$2"])
    assert ws.row_dimensions[2].height == 45.0
    assert ws["E2"].value.startswith("pesan panjang")
    # the other sheets' print areas are as the builder made them
    assert wb[layout.SHEET_REPORT].print_area is not None
    # twice is the same
    if opened.engine != "live":
        again = PackageBook.open(opened.path)
        again.set_print_area(sheet, "A1:F2")
        assert WORKBOOK_PART not in again.changed_parts()


WORKBOOK_PART = "xl/workbook.xml"


def test_the_save_proof_allows_a_print_area_on_engine_sheets_only(filled, tmp_path):
    from lkj_xl.engines.package import package_differences
    from lkj_xl.workbook.owned import ENGINE_SHEETS, Ownership

    old = filled.read_bytes()
    owned = Ownership(frozenset(ENGINE_SHEETS))
    book = PackageBook(old, filled)
    book.set_print_area(layout.SHEET_PROBLEMS, "A1:F9")
    assert package_differences(old, book.to_bytes(), owned.owns, structural=owned.structural()) == []
    book = PackageBook(old, filled)
    book.set_print_area(layout.SHEET_STAFF, "A1:F9")
    found = package_differences(old, book.to_bytes(), owned.owns, structural=owned.structural())
    assert found == ["Bagian xl/workbook.xml berubah."]
