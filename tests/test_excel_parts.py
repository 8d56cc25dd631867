"""The fixtures of :mod:`excel_parts` (what people add to the tracker in Excel) make sound packages, as Excel writes
them: every relationship target exists, every part has a content type, every XML part parses, worksheet children stay
in CT_Worksheet's order, openpyxl still loads the file, LibreOffice converts it to PDF and shows the added text.

And nothing is lost: after ``lkj refresh`` (through the CLI) each added part, extension and cell is checked byte for
byte (``tests/test_file_engine.py`` does the same for every command, on .xlsx and .xlsm).

LibreOffice is run twice for the whole module (every file in one call); skipped when ``soffice`` is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import warnings
import zlib
from pathlib import Path

import excel_parts as xp
import openpyxl
import pytest
from lxml import etree

from lkj_xl.workbook import layout

ROOT = Path(__file__).resolve().parents[1]
SOFFICE = shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

STEP = "Langkah 3"
NOTE_SHEET = "Langkah 2"
HEADER = layout.STEP_TABLE_HEADER_ROW  # 12; the built table is A12:N13
ENTRY = HEADER + 1
AS_OF = "2026-02-23T10:00"


def _q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


# Each fixture function alone, on a fresh tracker.  Values: (function, what it returns).
FIXTURES = {
    "drawing": lambda p: xp.add_drawing(p, STEP),
    "note": lambda p: xp.add_note(p, NOTE_SHEET, f"G{ENTRY}"),
    "threaded_comment": lambda p: xp.add_threaded_comment(p, STEP, f"G{ENTRY}"),
    "sparklines": lambda p: xp.add_sparklines(p, STEP, "O3", f"K{ENTRY}:K{ENTRY + 11}"),
    "x14_validation": lambda p: xp.add_x14_validation(p, STEP, f"O{ENTRY}:O{ENTRY + 49}", "Pegawai!$A$4:$A$23",
                                                      prompt="Pilih nama dari lembar Pegawai."),
    "rich_text_cell": lambda p: xp.add_rich_text_cell(p, STEP, "H16"),
    "user_sheet": lambda p: xp.add_user_sheet(p),
    "type_cells": lambda p: xp.type_cells(p, STEP, {"J16": "Mengetahui,", "M16": "Paraf", "D11": "Keterangan",
                                                    "O12": "Status", "O13": "Sudah diperiksa", "P13": 3}),
    "everything": xp.add_everything,
}


def _load(path: Path, **kwargs) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "... extension is not supported and will be removed"
        return openpyxl.load_workbook(path, **kwargs)


@pytest.fixture(scope="module")
def tracker(templates, tmp_path_factory) -> Path:
    return templates.copy(templates.blank(), tmp_path_factory.mktemp("tracker"), "LKj_2025.xlsx")


@pytest.fixture(scope="module")
def made(tracker, tmp_path_factory) -> dict[str, tuple[Path, object]]:
    """name -> (file, what the fixture function returned), each on its own copy of the tracker."""
    folder = tmp_path_factory.mktemp("made")
    out = {}
    for name, apply in FIXTURES.items():
        path = folder / f"{name}.xlsx"
        shutil.copyfile(tracker, path)
        out[name] = (path, apply(path))
    return out


@pytest.fixture
def fresh(tracker, tmp_path) -> Path:
    path = tmp_path / "LKj_2025.xlsx"
    shutil.copyfile(tracker, path)
    return path


def _convert(files: list[Path], fmt: str, out: Path, profile: Path) -> dict[str, Path]:
    """Every file in one LibreOffice call; a file it did not convert is reported by the test that reads it."""
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt,
                    "--outdir", str(out), *map(str, files)], check=False, capture_output=True, text=True,
                   timeout=600)  # a hang guard only
    return {f.stem: out / f"{f.stem}.{fmt}" for f in files}


@pytest.fixture(scope="module")
def pdfs(made, soffice_profile, tmp_path_factory) -> dict[str, Path]:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("pdf")
    return _convert([path for path, _ in made.values()], "pdf", folder, soffice_profile)


@pytest.fixture(scope="module")
def fods(made, soffice_profile, tmp_path_factory) -> str:
    """The "everything" workbook as LibreOffice's flat ODS: every sheet, shape, note and rich run as it read them."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("fods")
    converted = _convert([made["everything"][0]], "fods", folder, soffice_profile)["everything"]
    assert converted.exists(), "LibreOffice did not convert the workbook to fods"
    return converted.read_text(encoding="utf-8")


def _pdf_text(pdf: Path) -> str:
    if PDFTOTEXT is None:
        pytest.skip("pdftotext is not installed (apt-get install -y poppler-utils)")
    return subprocess.run([PDFTOTEXT, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


# --- sound packages ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FIXTURES)
def test_package_is_sound(made, tracker, name):
    path, _ = made[name]
    assert xp.package_problems(path) == []
    assert xp.worksheet_order_problems(path) == []
    wb = _load(path)
    names = _load(tracker, read_only=True).sheetnames
    assert wb.sheetnames[:len(names)] == names


@pytest.mark.parametrize("name", FIXTURES)
def test_untouched_parts_keep_their_bytes(made, tracker, name):
    """Only the parts the feature lives in (and the package's indexes) change; everything else stays byte for byte."""
    before = xp.Package(tracker).parts
    after = xp.Package(made[name][0]).parts
    assert set(before) <= set(after)
    changed = {n for n in before if before[n] != after[n]}
    sheet = {f"xl/worksheets/sheet{n}.xml" for n in (7, 8)} | {f"xl/worksheets/_rels/sheet{n}.xml.rels"
                                                             for n in (7, 8)}
    index = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"}
    legacy = {f"xl/comments/comment{n}.xml" for n in (2, 3)} | {f"xl/drawings/commentsDrawing{n}.vml"
                                                                for n in (2, 3)}
    assert changed <= sheet | index | legacy, changed
    assert "xl/styles.xml" not in changed and not any(n.startswith("xl/tables/") for n in changed)


@needs_soffice
@pytest.mark.parametrize("name", FIXTURES)
def test_libreoffice_prints_it(pdfs, name):
    pdf = pdfs[name]
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), f"LibreOffice did not convert {name}"
    assert "Langkah 3 dari 8" in _pdf_text(pdf)


# --- each feature as Excel writes it -------------------------------------------------------------------------------


def test_drawing(made):
    path, added = made["drawing"]
    pkg = xp.Package(path)
    assert added["drawing"] == "xl/drawings/drawing2.xml"  # drawing1 is the report's chart
    assert pkg.content_type(added["drawing"]) == xp.CT_DRAWING
    assert pkg.content_type(added["image"]) == "image/png"
    sheet = pkg.xml(added["sheet_part"])
    children = [etree.QName(c).localname for c in sheet]
    assert children.index("pageSetup") < children.index("drawing") < children.index("legacyDrawing") \
        < children.index("tableParts")
    (rid, target), = pkg.related(added["sheet_part"], xp.REL_DRAWING)
    assert target == added["drawing"] and sheet.find(_q(xp.NS_MAIN, "drawing")).get(_q(xp.NS_R, "id")) == rid
    drawing = pkg.xml(added["drawing"])
    anchors = drawing.findall(_q(xp.NS_XDR, "twoCellAnchor"))
    assert len(anchors) == 2
    box = anchors[0].find(_q(xp.NS_XDR, "sp"))
    assert box.find(f"{_q(xp.NS_XDR, 'nvSpPr')}/{_q(xp.NS_XDR, 'cNvSpPr')}").get("txBox") == "1"
    assert "".join(box.find(_q(xp.NS_XDR, "txBody")).itertext()) == "Catatan pimpinan"
    blip = anchors[1].find(f"{_q(xp.NS_XDR, 'pic')}/{_q(xp.NS_XDR, 'blipFill')}/{_q(xp.NS_A, 'blip')}")
    (embed, image), = pkg.related(added["drawing"], xp.REL_IMAGE)
    assert blip.get(_q(xp.NS_R, "embed")) == embed and image == added["image"]
    png = pkg.parts[image]
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png[12:16] == b"IHDR"
    length = int.from_bytes(png[33:37], "big")
    assert png[37:41] == b"IDAT" and len(zlib.decompress(png[41:41 + length])) == 16 * (1 + 16 * 3)


def test_rich_note(made):
    path, added = made["note"]
    pkg = xp.Package(path)
    comments = pkg.xml(added["comments"])
    note = next(c for c in comments.iter(_q(xp.NS_MAIN, "comment")) if c.get("ref") == f"G{ENTRY}")
    first, second = note.findall(f"{_q(xp.NS_MAIN, 'text')}/{_q(xp.NS_MAIN, 'r')}")
    rpr = first.find(_q(xp.NS_MAIN, "rPr"))
    assert first.findtext(_q(xp.NS_MAIN, "t")) == "PENTING:"
    assert rpr.find(_q(xp.NS_MAIN, "b")) is not None
    assert rpr.find(_q(xp.NS_MAIN, "color")).get("rgb") == xp.RED
    assert second.find(f"{_q(xp.NS_MAIN, 'rPr')}/{_q(xp.NS_MAIN, 'b')}") is None
    assert len(comments.findall(f"{_q(xp.NS_MAIN, 'commentList')}/{_q(xp.NS_MAIN, 'comment')}")) == 2  # + H12's
    vml = etree.fromstring(pkg.parts[added["vml"]])
    rows = [(d.findtext(_q(xp.NS_XL, "Row")), d.findtext(_q(xp.NS_XL, "Column")))
            for d in vml.iter(_q(xp.NS_XL, "ClientData"))]
    assert (str(ENTRY - 1), "6") in rows and len(rows) == 2
    ids = [s.get("id") for s in vml.iter(_q(xp.NS_V, "shape"))]
    assert len(set(ids)) == len(ids)
    cell = _load(path)[NOTE_SHEET][f"G{ENTRY}"]
    assert cell.comment.text.startswith("PENTING: berkas") and cell.comment.author == "Sri Wahyuni"


def test_note_on_a_sheet_without_comments(fresh):
    """A sheet with no comments yet gets Excel's parts: xl/commentsN.xml, vmlDrawingN.vml, <legacyDrawing>."""
    added = xp.add_note(fresh, "Pegawai", "D4")
    assert (added["comments"], added["vml"]) == ("xl/comments1.xml", "xl/drawings/vmlDrawing1.vml")
    pkg = xp.Package(fresh)
    assert pkg.content_type(added["comments"]) == xp.CT_COMMENTS and pkg.content_type(added["vml"]) == xp.CT_VML
    assert xp.package_problems(fresh) == [] and xp.worksheet_order_problems(fresh) == []
    assert _load(fresh)["Pegawai"]["D4"].comment.text.startswith("PENTING:")


def test_threaded_comment(made):
    path, added = made["threaded_comment"]
    pkg = xp.Package(path)
    assert pkg.content_type(added["threaded"]) == "application/vnd.ms-excel.threadedcomments+xml"
    assert pkg.content_type(added["persons"]) == "application/vnd.ms-excel.person+xml"
    assert pkg.related(added["sheet_part"], xp.REL_THREADED_COMMENT)[0][1] == added["threaded"]
    assert pkg.related(pkg.workbook_part, xp.REL_PERSON)[0][1] == "xl/persons/person.xml" == added["persons"]
    people = {p.get("id"): p.get("displayName") for p in pkg.xml(added["persons"])}
    root, reply = pkg.xml(added["threaded"])
    assert (root.get("ref"), reply.get("ref")) == (f"G{ENTRY}", f"G{ENTRY}")
    assert root.get("id") == added["id"] and reply.get("parentId") == added["id"] and root.get("parentId") is None
    assert people[root.get("personId")] == "Drs. Bambang Sutrisno, M.Si." and people[reply.get("personId")]
    placeholder = next(c for c in pkg.xml(added["comments"]).iter(_q(xp.NS_MAIN, "comment"))
                       if c.get("ref") == f"G{ENTRY}")
    assert placeholder.get(_q(xp.NS_XR, "uid")) == added["id"]
    text = "".join(placeholder.itertext())
    assert text == xp.THREADED_PLACEHOLDER + xp.THREAD_TEXT + "\nReply:\n    " + xp.THREAD_REPLY
    cell = _load(path)[STEP][f"G{ENTRY}"]
    assert cell.comment.author == f"tc={added['id']}" and cell.comment.text.startswith("[Threaded comment]")


def _ext(path: Path, uri: str) -> etree._Element:
    pkg = xp.Package(path)
    sheet = pkg.xml(pkg.sheet_part(STEP))
    exts = sheet.find(_q(xp.NS_MAIN, "extLst")).findall(_q(xp.NS_MAIN, "ext"))
    return next(e for e in exts if e.get("uri") == uri)


def test_sparklines(made):
    ext = _ext(made["sparklines"][0], "{05C60535-1F16-4fd2-B633-F4F36F0B64E0}")
    sparkline = ext.find(f".//{_q(xp.NS_X14, 'sparkline')}")
    assert sparkline.findtext(_q(xp.NS_XM, "f")) == f"'Langkah 3'!K{ENTRY}:K{ENTRY + 11}"
    assert sparkline.findtext(_q(xp.NS_XM, "sqref")) == "O3"
    assert ext.nsmap["x14"] == xp.NS_X14


def test_x14_validation(made):
    ext = _ext(made["x14_validation"][0], "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}")
    group = ext.find(_q(xp.NS_X14, "dataValidations"))
    validation, = group
    assert group.get("count") == "1" and validation.get("type") == "list"
    assert validation.findtext(f"{_q(xp.NS_X14, 'formula1')}/{_q(xp.NS_XM, 'f')}") == "Pegawai!$A$4:$A$23"
    assert validation.findtext(_q(xp.NS_XM, "sqref")) == f"O{ENTRY}:O{ENTRY + 49}"


def test_everything_orders_the_extensions_as_excel(made):
    pkg = xp.Package(made["everything"][0])
    ext_list = pkg.xml(pkg.sheet_part(STEP)).find(_q(xp.NS_MAIN, "extLst"))
    assert [e.get("uri") for e in ext_list] == [xp.EXT_DATA_VALIDATIONS, xp.EXT_SPARKLINES]


def test_rich_text_cell(made):
    path, added = made["rich_text_cell"]
    pkg = xp.Package(path)
    assert added["shared_strings"] == "xl/sharedStrings.xml"  # openpyxl wrote none: made, related, typed
    assert pkg.content_type("xl/sharedStrings.xml") == xp.CT_SHARED_STRINGS
    rich = _load(path, rich_text=True)[STEP]["H16"].value
    assert str(rich) == "Catatan: revisi ke-2 diserahkan ke Irban II"
    bold, red, plain = rich
    assert bold.font.b and red.font.color.rgb == xp.RED and red.font.i and not plain.font.b


def test_user_sheet(made):
    path, added = made["user_sheet"]
    pkg = xp.Package(path)
    assert pkg.sheet_names()[-1] == "Catatan Saya" and pkg.sheet_part("Catatan Saya") == added["sheet_part"]
    assert pkg.content_type(added["sheet_part"]) == xp.CT_WORKSHEET
    values = _load(path, data_only=True)["Catatan Saya"]
    formulas = _load(path)["Catatan Saya"]
    assert [values[r].value for r in ("C2", "D2", "C3", "D3", "C5", "D5")] == [
        42, "di atas target", 12.5, "di bawah target", 54.5, "Total: 54.5"]
    assert formulas["C2"].value == "=SUM(A2:B2)" and formulas["D5"].value == '="Total: "&C5'
    assert formulas["A5"].value == "Rapat evaluasi internal Inspektorat" and formulas["B3"].value == 4.5


def test_typed_cells(made):
    ws = _load(made["type_cells"][0])[STEP]
    assert [ws[r].value for r in ("J16", "M16", "D11", "O12", "O13", "P13")] == [
        "Mengetahui,", "Paraf", "Keterangan", "Status", "Sudah diperiksa", 3]
    assert ws["A9"].value == "Keterangan" and ws["J12"].value == "Status"  # the labels the typed ones repeat


def test_type_cells_inline(fresh):
    cell = xp.Item("c", "cell", sheet=STEP, cell="J16")
    style = re.search(r'\ss="(\d+)"', xp.fingerprint(fresh, cell)).group(1)  # the builder's format of J16
    xp.type_cells(fresh, STEP, {"J16": "Mengetahui,"}, inline=True)
    assert f'<c r="J16" s="{style}" t="inlineStr"><is><t>Mengetahui,</t></is></c>' in xp.fingerprint(  # format kept
        fresh, cell)
    assert "xl/sharedStrings.xml" not in xp.Package(fresh)


def test_everything_describes_what_it_added(made):
    path, items = made["everything"]
    assert tuple(items) == xp.EVERYTHING
    for key, item in items.items():
        found = xp.fingerprint(path, item)
        assert found is not None and (not isinstance(found, tuple) or found[0] != "unrelated"), key


# --- a reader shows what was added ---------------------------------------------------------------------------------

#: item key -> text LibreOffice should show; "pdf" when it also prints (notes and off-sheet comments do not).
SHOWN = {
    "drawing": (xp.TEXT_BOX_TEXT, "pdf"),
    "note-comments": ("PENTING:", None),
    "threaded-placeholder": ("[Threaded comment]", None),
    "rich-cell": ("Catatan: revisi ke-2 diserahkan ke Irban II", "pdf"),
    "sign-off-1": ("Mengetahui,", "pdf"),
    "user-column-header": ("Sudah diperiksa", "pdf"),
    "user-sheet": ("Rapat evaluasi internal Inspektorat", "pdf"),
    "user-sheet-cached": ("Total: 54.5", "pdf"),
}


@needs_soffice
@pytest.mark.parametrize("key", SHOWN)
def test_libreoffice_shows_it(fods, pdfs, key):
    text, printed = SHOWN[key]
    assert text in re.sub(r"<[^>]+>", "", fods)  # the text, across the rich runs' spans
    if printed:
        assert text in _pdf_text(pdfs["everything"])


@needs_soffice
def test_libreoffice_reads_the_rich_runs(fods):
    """The note's text after "PENTING:" and the cell's "revisi ke-2 " come in spans of their own (runs were read)."""
    assert re.search(r'>PENTING:<text:span text:style-name="\w+"> berkas disposisi', fods)
    assert re.search(r'<text:span text:style-name="\w+">revisi ke-2 </text:span>', fods)


# --- today's loss: lkj refresh through the CLI ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def refreshed(made, tmp_path_factory) -> tuple[dict, Path, dict]:
    """(fingerprints before, the refreshed copy of "everything", its items)."""
    source, items = made["everything"]
    path = tmp_path_factory.mktemp("refresh") / "LKj_2025.xlsx"
    shutil.copyfile(source, path)
    before = {key: xp.fingerprint(path, item) for key, item in items.items()}
    result = subprocess.run([sys.executable, "-m", "lkj_xl", "refresh", str(path), "--as-of", AS_OF],
                            cwd=ROOT, check=False, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return before, path, items


@pytest.mark.parametrize("key", xp.EVERYTHING)
def test_refresh_keeps_it_byte_for_byte(refreshed, key):
    before, path, items = refreshed
    assert xp.fingerprint(path, items[key]) == before[key]


def test_a_package_level_rewrite_keeps_everything(made, tmp_path):
    """The check above can pass: re-zipping the package part by part (what a package-editing engine does with the
    parts it does not touch) keeps every fingerprint."""
    source, items = made["everything"]
    path = tmp_path / "LKj_2025.xlsx"
    shutil.copyfile(source, path)
    xp.Package(path).save()
    assert {k: xp.fingerprint(path, i) for k, i in items.items()} == {
        k: xp.fingerprint(source, i) for k, i in items.items()}


CELL_ITEMS = ("rich-cell", "sign-off-1", "sign-off-2", "sign-off-3", "sign-off-paraf", "label-above-table",
              "user-column-header", "user-column-1", "user-column-2")


@pytest.mark.parametrize("key", CELL_ITEMS)
def test_refresh_keeps_the_typed_text(refreshed, key):
    """Weaker than byte for byte: the cell still shows what was typed, also in the computed columns (H..M) below
    the table, which are outside the table's range and so a person's."""
    _, path, items = refreshed
    item = items[key]
    value = _load(path)[item.sheet][item.cell].value
    assert str(value) == item.text
