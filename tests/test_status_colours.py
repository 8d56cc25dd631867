"""The step sheets' colours follow the Status the engine computed (issue 12, "Colours and typing").

The rules are read back from the built file, then LibreOffice renders refreshed trackers to PDF and the colour
behind each Status word is measured on the page image: a step done late is red (it was green), a step done on time
green, a running step red only once the clock passed a due that lay after the last refresh, never while the Status
the refresh wrote says it is running within its working time.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from conftest import ROW, fill_steps, soffice_convert
from lkj_xl.cli import main
from lkj_xl.workbook import layout

RED = (255, 199, 206)  # FFC7CE
GREEN = (198, 239, 206)  # C6EFCE
AMBER = (255, 235, 156)  # FFEB9C
GREY = (231, 230, 230)  # E7E6E6: the computed columns' own fill, no rule applied


def test_rules_are_keyed_on_the_status_text(blank_tracker):
    wb = openpyxl.load_workbook(blank_tracker)
    ws = wb[layout.step_sheet(3)]
    rules = [(str(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules]
    assert {sqref for sqref, _ in rules} == {"I13:J212"}
    ordered = sorted((rule.priority, rule.formula[0], rule.dxf.fill.bgColor.rgb[-6:], rule.stopIfTrue)
                     for _, rule in rules)
    assert [(formula, colour, stop) for _, formula, colour, stop in ordered] == [
        ('$J13="Selesai terlambat"', "FFC7CE", True),
        ('OR($J13="Selesai tepat waktu",$J13="Selesai")', "C6EFCE", True),
        ('$J13="Terlambat"', "FFC7CE", True),
        ('AND($J13="Berjalan",$C13="",ISNUMBER($I13),$I13<NOW(),ISNUMBER(LKJ_DIPERBARUI),$I13>LKJ_DIPERBARUI)',
         "FFC7CE", True),
        ('AND($J13="Berjalan",$C13="",ISNUMBER($I13),$I13>=NOW(),($I13-NOW())*24<=LKJ_PERINGATAN_DINI)',
         "FFEB9C", True),
    ]
    # the refresh time the live rule compares with is Beranda's "Diperbarui pada"
    updated = layout.beranda_row(layout.B_UPDATED)
    assert wb.defined_names[layout.UPDATED_NAME].attr_text == f"'Beranda'!$B${updated}"
    assert wb[layout.SHEET_HOME].cell(updated, 1).value == layout.B_UPDATED


def _status_colours(pdf: Path, folder: Path) -> dict[int, tuple[str, tuple[int, int, int]]]:
    """Step number -> (the Status text on its printed page, the colour most present behind it)."""
    from PIL import Image

    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftoppm, pdftotext) is not installed")
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = {}
    statuses = {"Selesai terlambat", "Selesai tepat waktu", "Berjalan", "Terlambat", "Belum mulai", "Selesai"}
    for number, page in enumerate(bbox.split("<page ")[1:], start=1):
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                           page)
        title = re.search(r"Langkah (\d+) dari", " ".join(w[4] for w in words))
        if not title:
            continue
        header = next(float(w[3]) for w in words if w[4] == "Status")  # the table header's Status
        below = [w for w in words if float(w[1]) > header]
        # the Status cell: the words right of "Batas Waktu"'s column, on the first data line, that make a status
        line = sorted({round(float(w[1]), 1) for w in below})[0]
        row = sorted((w for w in below if round(float(w[1]), 1) == line), key=lambda w: float(w[0]))
        for start in range(len(row)):
            for end in (start + 3, start + 2, start + 1):
                text = " ".join(w[4] for w in row[start:end])
                if text in statuses and all(w[4] not in ("Januari", "Februari") for w in row[start:end]):
                    x0, y0 = float(row[start][0]), float(row[start][1])
                    x1, y1 = float(row[end - 1][2]), float(row[end - 1][3])
                    break
            else:
                continue
            break
        else:
            raise AssertionError(f"no status on page {number}: {[w[4] for w in row]}")
        image = folder / f"page{number}"
        subprocess.run(["pdftoppm", "-r", "144", "-f", str(number), "-l", str(number), "-singlefile", "-png",
                        str(pdf), str(image)], check=True)
        with Image.open(f"{image}.png") as picture:
            rgb = picture.convert("RGB")
            counts = Counter(rgb.getpixel((x, y)) for x in range(int(x0 * 2), int(x1 * 2))
                             for y in range(int(y0 * 2), int(y1 * 2)))
        found[int(title.group(1))] = (text, counts.most_common(1)[0][0])
    return found


def _refresh(path: Path, as_of: str) -> None:
    assert main(["refresh", str(path), "--as-of", as_of]) in (0, 1)


def test_libreoffice_shows_the_colour_of_the_computed_status(demo_tracker, soffice_profile, tmp_path):
    # The demo at 23 February 2026 10.00: step 3 finished late, step 6 running, due 11.00 that day.  Rendered now
    # (years later), Excel's clock is long past that due, which lay after the refresh: the live rule shows red.
    demo = Path(shutil.copy(demo_tracker, tmp_path / "demo.xlsx"))
    _refresh(demo, "2026-02-23T10:00")
    # Step 6 received at 13.00, 180 working minutes: due 16.00.  Refreshed at 16.30 its Status is "Berjalan" (past
    # hours is no working minute late): its colour must not say otherwise, however late the clock is now.
    after_hours = Path(shutil.copy(demo_tracker, tmp_path / "after_hours.xlsx"))
    fill_steps(after_hours, {6: {layout.F_RECEIVED: "23/02/2026 13.00"}})
    _refresh(after_hours, "2026-02-23T16:30")
    # The next working morning the engine calls it late: red from the Status itself.
    late = Path(shutil.copy(after_hours, tmp_path / "late.xlsx"))
    _refresh(late, "2026-02-24T10:00")

    ws = openpyxl.load_workbook(after_hours)[layout.step_sheet(6)]
    assert ws.cell(ROW, 9).value.hour == 16 and ws.cell(ROW, 10).value == "Berjalan"
    assert openpyxl.load_workbook(late)[layout.step_sheet(6)].cell(ROW, 10).value == "Terlambat"

    pdfs = soffice_convert(soffice_profile, [demo, after_hours, late], "pdf", tmp_path / "pdf")
    colours = {name: _status_colours(pdf, tmp_path) for name, pdf in pdfs.items()}
    assert colours["demo"] == {
        1: ("Selesai tepat waktu", GREEN), 2: ("Selesai tepat waktu", GREEN),
        3: ("Selesai terlambat", RED),  # was green before issue 12
        4: ("Selesai", GREEN), 5: ("Selesai", GREEN),
        6: ("Berjalan", RED),  # the clock passed 11.00 after the 10.00 refresh
        7: ("Belum mulai", GREY), 8: ("Belum mulai", GREY)}
    assert colours["after_hours"][6] == ("Berjalan", GREY)
    assert colours["late"][6] == ("Terlambat", RED)
