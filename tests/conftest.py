"""What the test modules share: trackers built once per session, and three helpers every module uses the same way.

* **Templates.**  :func:`templates` builds each distinct tracker once per session (with pytest-xdist: once per
  worker, in that worker's ``tmp_path_factory``) and hands out copies: a test gets its own file in its ``tmp_path``
  (``shutil.copy``), so no test depends on another test's files.  The ready-made fixtures are ``blank_tracker``
  (``build_tracker``), ``blank_xlsm`` (``build_xlsm`` of it), ``demo_tracker`` (the demo cycle typed into it,
  ``fill_demo_entries``), ``demo_xlsm`` and ``demo_reported`` (``run_demo``: validated and reported).
* **Typing.**  :func:`type_in` / :func:`fill_steps` / :func:`edit` change a file with openpyxl as a person does in
  Excel: values go into cells found by their header labels, typed text stays text even when it starts with "=".
* **Reading back.**  :func:`typed_cells` is every cell a person typed (value, number format, data type), found by
  labels, independently of ``lkj_xl.workbook.reader``; :func:`sheet_values` one sheet's non-empty cells.
* **Excel's tables.**  :func:`table_grown_as_excel_does`: what Excel does to a table when rows or columns are inserted
  inside it (openpyxl's ``insert_rows``/``insert_cols`` leave its ref and column names as they were).
* **LibreOffice.**  :func:`soffice_convert` converts several files in one ``soffice`` call with one profile per
  session (worker), made once: starting LibreOffice on a fresh profile is its most expensive part.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import openpyxl
import pytest

from lkj_xl.workbook import layout

YEAR = 2025
AGENCY = "Inspektorat Kota Madiun"
GOVERNMENT = "Pemerintah Kota Madiun"
#: The first data row of every step table of a freshly built tracker (``build_tracker`` puts the year there).
ROW = layout.STEP_TABLE_HEADER_ROW + 1  # 13
SOFFICE = shutil.which("soffice")


# --- templates: built once per session, copied per test ---------------------------------------------------------------


def _key(value: Any) -> Any:
    """A hashable form of build arguments (staff rows are tuples, lists or dataclasses)."""
    if isinstance(value, (list, tuple)):
        return tuple(_key(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _key(v)) for k, v in value.items()))
    return value if getattr(type(value), "__hash__", None) else repr(value)


class Templates:
    """Trackers built once per session and copied on demand.  Never hand out a template itself: use ``copy``."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory
        self._built: dict[tuple, Path] = {}

    def _once(self, key: tuple, make: Callable[[Path], Path]) -> Path:
        if key not in self._built:
            self._built[key] = make(self._factory.mktemp("template"))
        return self._built[key]

    def blank(self, *, year: int = YEAR, agency: str = AGENCY, government: str = GOVERNMENT,
              staff: Iterable = (), **options: Any) -> Path:
        """``build_tracker`` with these arguments (``options``: ``sop``, ``settings``)."""
        from lkj_xl.authoring.builder import build_tracker

        staff = tuple(staff)
        key = ("blank", year, agency, government, _key(staff), _key(options))
        return self._once(key, lambda folder: build_tracker(folder / f"LKj_{year}.xlsx", year=year, agency=agency,
                                                            government=government, staff=staff, **options))

    def demo(self, **blank: Any) -> Path:
        """The blank tracker (default: the demo's staff and signature rows) with the demo cycle typed in
        (``fill_demo_entries``)."""
        from lkj_xl.authoring.demo import DEMO_PLACE, DEMO_PREPARER, DEMO_STAFF, fill_demo_entries
        from lkj_xl.core.settings import Settings
        from lkj_xl.engines.openpyxl_book import FileBook

        blank.setdefault("staff", DEMO_STAFF)
        # the demo's signature rows (Tempat, Penyusun laporan): a report of it has a complete signature block
        blank.setdefault("settings", Settings(blank.get("year", YEAR), place=DEMO_PLACE, preparer=DEMO_PREPARER))
        source = self.blank(**blank)

        def make(folder: Path) -> Path:
            path = Path(shutil.copy(source, folder / source.name))
            book = FileBook.open(path)
            fill_demo_entries(book)
            book.save()
            return path
        return self._once(("demo", _key(blank)), make)

    def xlsm(self, source: Path) -> Path:
        """``build_xlsm`` of a template (``source`` must be one this object made)."""
        from lkj_xl.authoring.xlsm import build_xlsm

        return self._once(("xlsm", str(source)), lambda folder: build_xlsm(source, folder / (source.stem + ".xlsm")))

    def reported(self) -> Path:
        """``run_demo``: the demo tracker validated and reported as of ``DEMO_AS_OF``."""
        from lkj_xl.authoring.demo import run_demo

        return self._once(("run_demo",), lambda folder: run_demo(folder).path)

    def made(self, name: str, make: Callable[[Path], Path]) -> Path:
        """Any other template: ``make(folder)`` runs once per session and returns the file it made there."""
        return self._once(("made", name), make)

    @staticmethod
    def copy(template: Path, folder: Path, name: str | None = None) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy(template, folder / (name or template.name)))


@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> Templates:
    return Templates(tmp_path_factory)


@pytest.fixture
def blank_tracker(templates, tmp_path) -> Path:
    """A fresh copy of ``build_tracker(year=2025, agency="Inspektorat Kota Madiun", staff=DEMO_STAFF)``."""
    from lkj_xl.authoring.demo import DEMO_STAFF

    return templates.copy(templates.blank(staff=DEMO_STAFF), tmp_path)


@pytest.fixture
def blank_xlsm(templates, tmp_path) -> Path:
    """A fresh copy of the macro-enabled build of ``blank_tracker``."""
    from lkj_xl.authoring.demo import DEMO_STAFF

    return templates.copy(templates.xlsm(templates.blank(staff=DEMO_STAFF)), tmp_path)


@pytest.fixture
def demo_tracker(templates, tmp_path) -> Path:
    """A fresh copy of the blank tracker with the demo's 2025 cycle typed in (not yet validated or refreshed)."""
    return templates.copy(templates.demo(), tmp_path)


@pytest.fixture
def demo_xlsm(templates, tmp_path) -> Path:
    """A fresh copy of the macro-enabled build of ``demo_tracker``."""
    return templates.copy(templates.xlsm(templates.demo()), tmp_path)


@pytest.fixture
def demo_reported(templates, tmp_path) -> Path:
    """A fresh copy of what ``lkj demo`` makes (validated and reported)."""
    return templates.copy(templates.reported(), tmp_path)


# --- typing, as a person does in Excel --------------------------------------------------------------------------------


def edit(path: Path, change: Callable[[openpyxl.Workbook], Any]) -> Path:
    """Change the file with openpyxl, as a person would in Excel, and save it."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def header_columns(ws, header_row: int = layout.STEP_TABLE_HEADER_ROW) -> dict[str, int]:
    """Header label -> column number of the table whose header is ``header_row``."""
    return {ws.cell(header_row, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(header_row, c).value}


def type_in(ws, row: int, values: Mapping[str, Any], header_row: int = layout.STEP_TABLE_HEADER_ROW) -> None:
    """Type ``values`` (header label -> value) into ``row`` of the table on ``ws``: the cells are found by their
    header labels; typed text stays text even when it starts with "=", "+" or "-" (Excel keeps "'=...").  ``None``
    empties a cell."""
    columns = header_columns(ws, header_row)
    for label, value in values.items():
        cell = ws.cell(row=row, column=columns[label])
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"


def fill_steps(target: Path | openpyxl.Workbook, rows: Mapping[int, Mapping[str, Any]], row: int = ROW) -> None:
    """Type each step's ``{label: value}`` into ``row`` of its step sheet (see :func:`type_in`); a path is opened and
    saved, a workbook is only changed."""
    if isinstance(target, openpyxl.Workbook):
        for step, values in rows.items():
            type_in(target[layout.step_sheet(step)], row, values)
        return
    edit(Path(target), lambda wb: fill_steps(wb, rows, row))


def cycle(received: Any = None, completed: Any = None, pelaksana: Any = None, kelengkapan: Any = None,
          output: Any = None, note: Any = None, *, year: Any = None) -> dict[str, Any]:
    """One step's entry row as ``{label: value}``, leaving out what is not given."""
    labels = (layout.F_YEAR, layout.F_RECEIVED, layout.F_COMPLETED, layout.F_PELAKSANA, layout.F_KELENGKAPAN,
              layout.F_NOMOR, layout.F_CATATAN)
    values = (year, received, completed, pelaksana, kelengkapan, output, note)
    return {label: value for label, value in zip(labels, values) if value is not None}


# --- reading back -----------------------------------------------------------------------------------------------------


def typed_cells(path: Path, *, formats: bool = True) -> dict[tuple[str, str], Any]:
    """Every non-empty cell a person types, as ``(sheet, cell) -> (value, number format, data type)`` (or the value
    alone with ``formats=False``): the SOP, Pengaturan, Hari Libur and Pegawai sheets whole; on every step sheet all
    cells except the computed columns below the table header and the top block's value cells (both written by
    refresh).  Found by labels, independently of lkj_xl.workbook.reader."""
    wb = openpyxl.load_workbook(path)
    cells: dict[tuple[str, str], Any] = {}
    computed = {layout.normalize_label(h) for h in layout.STEP_COMPUTED_HEADERS}
    top = {layout.normalize_label(h) for h in layout.STEP_HEADER_LABELS}
    for ws in wb.worksheets:
        is_step = layout.step_of_sheet(ws.title) is not None
        if not is_step and ws.title not in (layout.SHEET_SOP, layout.SHEET_SETTINGS, layout.SHEET_HOLIDAYS,
                                            layout.SHEET_STAFF):
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
                cells[(ws.title, cell.coordinate)] = ((cell.value, cell.number_format, cell.data_type) if formats
                                                      else cell.value)
    return cells


def sheet_values(path: Path, sheet: str) -> dict[str, Any]:
    """The non-empty cells of one sheet: coordinate -> value."""
    ws = openpyxl.load_workbook(path)[sheet]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


# --- what Excel does to tables ----------------------------------------------------------------------------------------


def table_grown_as_excel_does(ws, name: str, *, columns: int = 0, rows: int = 0) -> None:
    """What Excel does to table ``name`` when a person inserts ``columns`` columns or ``rows`` rows inside it: the
    table grows, and its columns take the header cells' names (openpyxl's insert_cols/insert_rows leave its ref and
    column names as they were)."""
    from openpyxl.utils import get_column_letter, range_boundaries
    from openpyxl.worksheet.table import TableColumn

    table = ws.tables[name]
    c1, r1, c2, r2 = range_boundaries(table.ref)
    table.ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2 + columns)}{r2 + rows}"
    table.autoFilter.ref = table.ref
    table.tableColumns = [TableColumn(id=i + 1, name=str(ws.cell(r1, c).value))
                          for i, c in enumerate(range(c1, c2 + columns + 1))]


# --- LibreOffice ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def soffice_profile(tmp_path_factory) -> Path:
    """One LibreOffice user profile per session (per xdist worker: two workers never share one)."""
    return tmp_path_factory.mktemp("lo-profile")


def soffice_convert(profile: Path, files: Iterable[Path], fmt: str, out: Path, *, timeout: float = 600) -> dict[str, Path]:
    """Convert every file in ONE ``soffice --headless --convert-to FMT`` call (with ``profile``); stem -> converted
    file.  A file LibreOffice did not convert fails the calling test with LibreOffice's output.  ``timeout`` only
    guards against a hung LibreOffice."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    files = list(files)
    out.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt,
                             "--outdir", str(out), *map(str, files)], capture_output=True, text=True, timeout=timeout)
    converted = {f.stem: out / f"{f.stem}.{fmt.split(':')[0]}" for f in files}
    missing = [name for name, path in converted.items() if not path.exists()]
    assert not missing, f"LibreOffice did not convert {missing}: {result.stdout}{result.stderr}"
    return converted


def excel_owner_bytes(name: str) -> bytes:
    """Excel's ``~$`` owner file for a user ``name``, as Excel writes it: the ANSI name padded with spaces to offset
    55, then its length and the UTF-16LE name there."""
    import struct

    ansi = name.encode("cp1252", errors="replace")[:52]
    data = bytearray([len(ansi)]) + ansi
    data += b" " * (55 - len(data))
    data += struct.pack("<H", len(name)) + name.encode("utf-16-le")
    while len(data) < 165:
        data += b" \x00"
    return bytes(data[:165])
