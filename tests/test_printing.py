"""Printing (issue 12, section 6): the builder's page set-up of every sheet people print, the print area of the
engine's sheets following their used rows, row heights that fit wrapped text on the engine's sheets only, `lkj
upgrade` bringing the page set-up to an older tracker, and LibreOffice rendering the whole workbook with the
expected number of pages per sheet (no blank pages: Masalah printed 24 mostly blank pages before)."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from lkj_xl.cli import main
from lkj_xl.workbook import layout
from lkj_xl.workbook.printing import LINE_POINTS, row_height, text_lines

from conftest import ROW, cycle, edit, fill_steps, soffice_convert

AS_OF = "2026-02-23T10:00"
PRINTED = [layout.SHEET_SOP, layout.SHEET_SETTINGS, layout.SHEET_HOLIDAYS, layout.SHEET_STAFF,
           *(layout.step_sheet(n) for n in range(1, 9)), layout.SHEET_EVALUATION, layout.SHEET_PROBLEMS, layout.SHEET_HISTORY,
           layout.SHEET_CLOSED]


def _area(ws) -> str:
    area = ws.print_area
    return area[0] if isinstance(area, list) else area


def test_the_builder_sets_up_every_printed_sheet(blank_tracker):
    wb = openpyxl.load_workbook(blank_tracker)
    for name in PRINTED:
        ws = wb[name]
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4), name
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert ws.page_setup.orientation == ("portrait" if name == layout.SHEET_HOLIDAYS else "landscape"), name
        assert ws.oddFooter.right.text == "Halaman &P dari &N", name
    assert wb[layout.SHEET_HOLIDAYS].print_title_rows == "$3:$3"
    assert wb[layout.SHEET_STAFF].print_title_rows == "$3:$3"
    assert wb[layout.SHEET_SOP].print_title_rows == f"${layout.SOP_TABLE_HEADER_ROW}:${layout.SOP_TABLE_HEADER_ROW}"
    for n in range(1, 9):
        header = layout.STEP_TABLE_HEADER_ROW
        assert wb[layout.step_sheet(n)].print_title_rows == f"${header}:${header}"
    assert wb[layout.SHEET_PROBLEMS].print_title_rows == "$1:$1"
    # the people's sheets get no print area (rows they add must print too); the SOP table's wrapped rows are tall
    # enough for the text the builder put there (LibreOffice shows a row without a height at one line)
    for name in (layout.SHEET_SOP, layout.SHEET_HOLIDAYS, layout.SHEET_STAFF, layout.step_sheet(1)):
        assert not wb[name].print_area, name
    sop = wb[layout.SHEET_SOP]
    step2 = sop.row_dimensions[layout.SOP_TABLE_HEADER_ROW + 2].height
    assert step2 is not None and step2 >= 3 * LINE_POINTS


def test_height_estimate():
    assert text_lines(None, 10) == 1 and text_lines("abc", 10) == 1
    assert text_lines("x" * 24, 10) == 3  # 11 characters a line at width 10
    assert text_lines("a\nb\nc", 50) == 3
    assert row_height(["kort"], 1, {"A": 10}) == LINE_POINTS
    assert row_height(["x" * 60, None, None], 1, {"A": 10, "B": 10, "C": 10}, span=True) == 2 * LINE_POINTS + 3


def test_refresh_fits_masalah_to_its_problems(demo_tracker, capsys):
    """Masalah: the print area ends at the last problem and a long message's row is as tall as its text; when the
    problems are fixed, the area shrinks back to the header row and the rows go back to one line."""
    bad = "bukan tanggal " * 30
    fill_steps(demo_tracker, {6: cycle(received=bad), 7: cycle(received="31/02/2026 08.00")}, row=ROW)
    assert main(["refresh", str(demo_tracker), "--as-of", AS_OF]) == 1
    wb = openpyxl.load_workbook(demo_tracker)
    ws = wb[layout.SHEET_PROBLEMS]
    last = max(r for r in range(2, 60) if ws.cell(row=r, column=1).value)
    assert last >= 3
    assert _area(ws) == f"'{layout.SHEET_PROBLEMS}'!$A$1:$I${last}"
    message = layout.PROBLEM_HEADERS.index(layout.M_MESSAGE) + 1
    long_row = next(r for r in range(2, last + 1) if bad.strip()[:20] in str(ws.cell(row=r, column=message).value))
    assert ws.row_dimensions[long_row].height >= 2 * LINE_POINTS
    assert ws.cell(row=long_row, column=message).alignment.wrap_text
    # people's rows keep the heights they had (the step sheet was not given any)
    assert wb[layout.step_sheet(6)].row_dimensions[ROW].height is None
    assert _area(wb[layout.SHEET_HISTORY]).endswith(f"${chr(64 + len(layout.HISTORY_HEADERS))}$2")

    def fix(wb):
        for step in (6, 7):
            ws = wb[layout.step_sheet(step)]
            ws.cell(row=ROW, column=layout.STEP_HEADERS.index(layout.F_RECEIVED) + 1).value = None
    edit(demo_tracker, fix)
    main(["refresh", str(demo_tracker), "--as-of", AS_OF])
    ws = openpyxl.load_workbook(demo_tracker)[layout.SHEET_PROBLEMS]
    remaining = [r for r in range(2, 60) if ws.cell(row=r, column=1).value]
    assert len(remaining) < last - 1
    assert _area(ws) == f"'{layout.SHEET_PROBLEMS}'!$A$1:$I${max(remaining + [2])}"
    assert ws.row_dimensions[long_row].height in (None, LINE_POINTS) or long_row in remaining


def test_upgrade_adds_the_page_setup(demo_tracker, tmp_path, capsys):
    """A tracker made before the page set-up (none on its sheets) gets it from `lkj upgrade`."""
    def strip(wb):
        for ws in wb.worksheets:
            ws.page_setup.orientation = None
            ws.page_setup.fitToWidth = None
            ws.page_setup.fitToHeight = None
            ws.sheet_properties.pageSetUpPr.fitToPage = False
            ws._print_rows = None  # openpyxl's setter ignores None
            ws.oddFooter.right.text = None
    edit(demo_tracker, strip)
    old = openpyxl.load_workbook(demo_tracker)
    assert old[layout.SHEET_STAFF].print_title_rows is None
    new = tmp_path / "baru.xlsx"
    assert main(["upgrade", str(demo_tracker), str(new)]) in (0, 1)
    wb = openpyxl.load_workbook(new)
    for name in PRINTED:
        ws = wb[name]
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage, name
    assert wb[layout.SHEET_STAFF].print_title_rows == "$3:$3"


def _pages_by_sheet(pdf: Path) -> list[str]:
    """The first line of every page: the sheet's name (the header the page set-up puts there; Beranda's "LKj
    Tracker", Laporan's the agency)."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed (apt-get install -y poppler-utils)")
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    firsts = []
    for page in pages:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        firsts.append(lines[0] if lines else "")
        # no blank page: something besides the header and the footer
        assert len(lines) > 2, f"blank page after {firsts[:-1]}"
    return firsts


def test_libreoffice_prints_every_sheet_on_its_pages(demo_reported, tmp_path, soffice_profile):
    """The demo after `lkj report`, rendered by LibreOffice: one page per sheet (fit to width, nothing blank), the
    report on its three pages (steps + summary, evaluation, chart + signature)."""
    pdf = soffice_convert(soffice_profile, [demo_reported], "pdf", tmp_path / "pdf")[demo_reported.stem]
    counts = Counter(_pages_by_sheet(pdf))
    expected = {"Pelacak LKj": 1, **{name: 1 for name in PRINTED}, "Inspektorat Kota Madiun": 3}
    assert dict(counts) == expected


def test_working_hours_columns_read_as_people_write_them(demo_reported, tmp_path, soffice_profile):
    """The step tables' "(jam kerja)" columns as LibreOffice shows them (its CSV export writes cells as shown): a
    whole number of hours is "35", not "35.00"; a fraction keeps its decimals ("72.5").  The format is the builder's
    (General), refresh only writes the numbers."""
    from conftest import SOFFICE

    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    sheet = layout.step_sheet(3)
    index = openpyxl.load_workbook(demo_reported, read_only=True).sheetnames.index(sheet) + 1
    out = tmp_path / "csv"
    # the CSV filter's last option picks one sheet (LibreOffice 7.2+); "as shown" is the 9th option
    options = f"44,34,76,1,,0,false,true,true,false,false,{index}"
    subprocess.run([SOFFICE, f"-env:UserInstallation={soffice_profile.as_uri()}", "--headless", "--convert-to",
                    f"csv:Text - txt - csv (StarCalc):{options}", "--outdir", str(out), str(demo_reported)],
                   capture_output=True, text=True, timeout=600)
    shown = next(out.glob("*.csv"), None)
    assert shown is not None, list(out.iterdir()) if out.exists() else "no output"
    import csv

    rows = {row[0]: row for row in csv.reader(shown.read_text(encoding="utf-8").splitlines()) if row}
    late = layout.STEP_HEADERS.index(layout.C_LATE)
    actual = layout.STEP_HEADERS.index(layout.C_ACTUAL)
    assert (rows["2025"][late], rows["2025"][actual]) == ("35", "110")  # 35 and 110 working hours
    assert (rows["2023"][late], rows["2023"][actual]) in {("0", "72.5"), ("0", "72,5")}
