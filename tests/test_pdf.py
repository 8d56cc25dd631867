"""A second spreadsheet engine reads our file: LibreOffice (headless) prints the reported tracker to PDF, and a file
re-saved by LibreOffice still works with lkj (same entries, same schedule, and `lkj report` saves it safely).

Skipped when ``soffice`` (libreoffice-calc-nogui) or ``pdftotext`` (poppler-utils) is missing; CI installs both.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from lkj_xl.workbook import actions
from lkj_xl.workbook import layout
from lkj_xl.engines.openpyxl_book import FileBook
from lkj_xl.workbook.reader import load_tracker
from lkj_xl.cli import main
from conftest import soffice_convert
from test_cli import AS_OF, EXPECTED, HEAD_NAME, HEAD_NIP, TITLE, computed_row, lkj, made_by_lkj_new

SOFFICE = shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def reported_once(templates, tmp_path_factory) -> Path:
    """A tracker made by `lkj new`, filled by hand (the session's copy of test_cli's) and reported with `lkj report`."""
    path = templates.copy(templates.made("lkj-new-filled", made_by_lkj_new), tmp_path_factory.mktemp("reported"))
    assert main(["report", str(path), "--as-of", AS_OF]) == 0
    return path


@pytest.fixture
def reported(reported_once, tmp_path) -> Path:
    return Path(shutil.copy(reported_once, tmp_path / reported_once.name))


@pytest.fixture(scope="module")
def converted(reported_once, soffice_profile, tmp_path_factory) -> dict[str, Path]:
    """The reported tracker as LibreOffice prints it (PDF) and re-saves it (xlsx): format -> file.  One profile for
    the session, so only its first LibreOffice start pays for making one."""
    folder = tmp_path_factory.mktemp("libreoffice")
    return {fmt: soffice_convert(soffice_profile, [reported_once], fmt, folder / fmt)[reported_once.stem]
            for fmt in ("pdf", "xlsx")}


@needs_soffice
def test_the_report_prints_to_pdf(converted):
    if PDFTOTEXT is None:
        pytest.skip("pdftotext is not installed (apt-get install -y poppler-utils)")
    pdf = converted["pdf"]
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True,
                          timeout=120).stdout
    flat = " ".join(text.split())
    assert TITLE in flat
    assert "Selesai terlambat" in flat and "Berjalan" in flat and "Belum mulai" in flat
    assert HEAD_NAME in flat and f"NIP. {HEAD_NIP}" in flat
    assert "4 dari 8 langkah tepat waktu" in flat
    assert "31 Maret 2026" in flat  # dates print with Indonesian month names


@needs_soffice
def test_a_file_resaved_by_libreoffice_reads_the_same(reported, converted, tmp_path, capsys):
    copy = Path(shutil.copy(converted["xlsx"], tmp_path / "libreoffice.xlsx"))
    ours = load_tracker(FileBook.open(reported))
    theirs = load_tracker(FileBook.open(copy))
    assert theirs.entries == ours.entries  # text dates, a date cell and a serial number alike
    assert theirs.staff == ours.staff
    assert theirs.settings == ours.settings  # including the working hours (time cells)
    assert theirs.sop == ours.sop
    assert (theirs.holidays, theirs.removed_holidays, theirs.holiday_years) == \
        (ours.holidays, ours.removed_holidays, ours.holiday_years)
    assert theirs.problems == ours.problems == []

    # The package engine (what refresh and the safe save read with) sees LibreOffice's XML as openpyxl does.
    from lkj_xl.engines.package import PackageBook

    full, fast = FileBook.open(copy), PackageBook.open(copy)
    for sheet in full.sheet_names():
        assert fast.read(sheet) == full.read(sheet), sheet

    as_of = datetime.fromisoformat(AS_OF)
    assert actions.status_dict(actions.validate(FileBook.open(copy), as_of=as_of)) == \
        actions.status_dict(actions.validate(FileBook.open(reported), as_of=as_of))

    # And lkj can keep working on it: report through the safe save (verified re-read, backup).
    code, out, _ = lkj(capsys, "report", copy, "--as-of", AS_OF)
    assert code == 0, out
    wb = openpyxl.load_workbook(copy)
    for step, expected in EXPECTED.items():
        assert computed_row(wb[layout.step_sheet(step)])[:5] == expected, f"Langkah {step}"
    assert wb[layout.SHEET_REPORT]["A3"].value == TITLE
