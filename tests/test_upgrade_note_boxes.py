"""``lkj upgrade`` keeps the look of a note's box: a note a person set to "Show Comment" (always visible), filled with
another colour and resized stays so in the new file; a plain note stays plain.  The notes are written as Excel writes
them (tests/excel_parts.py: comments part plus VML box), the box formatted in the VML as Excel saves it; the new
file's VML is read back shape by shape, for .xlsx and .xlsm."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from lkj_xl.authoring.note_boxes import NS_V, NS_XL, _notes, _parse_vml
from lkj_xl.authoring.upgrade import upgrade_tracker

from excel_parts import add_note, package

SHEET = "Langkah 2"
SHOWN, PLAIN = (25, 10), (30, 10)  # (row, column): J25, J30
ANCHOR = "9, 15, 22, 10, 13, 15, 28, 4"


def _show_and_colour(path: Path, vml_part: str) -> None:
    """What Excel saves after Show Comment, Format Comment > Colors (light green) and a drag of the box's corner."""
    with package(path) as pkg:
        root = etree.fromstring(pkg.parts[vml_part])
        shape = _notes(root)[SHOWN]
        shape.set("style", "position:absolute;margin-left:500pt;margin-top:330pt;width:200pt;height:90pt;z-index:2;"
                           "visibility:visible")
        shape.set("fillcolor", "#ccffcc")
        shape.find(f"{{{NS_V}}}fill").set("color2", "#ccffcc")
        data = shape.find(f"{{{NS_XL}}}ClientData")
        data.find(f"{{{NS_XL}}}Anchor").text = ANCHOR
        etree.SubElement(data, f"{{{NS_XL}}}Visible")
        pkg.parts[vml_part] = etree.tostring(root)


@pytest.fixture(scope="module")
def noted(templates, tmp_path_factory) -> Path:
    path = templates.copy(templates.demo(), tmp_path_factory.mktemp("notes"), "LKj_kotak.xlsx")
    parts = add_note(path, SHEET, "J25")
    add_note(path, SHEET, "J30")
    _show_and_colour(path, parts["vml"])
    return path


def _boxes(path: Path) -> dict[tuple[int, int], etree._Element]:
    from lkj_xl.authoring.note_boxes import _vml_parts

    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    return _notes(_parse_vml(parts[_vml_parts(parts)[SHEET]]))


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
def test_a_shown_coloured_resized_note_stays_so(noted, tmp_path, suffix):
    assert _boxes(noted)[SHOWN].get("fillcolor") == "#ccffcc"  # the fixture as Excel saves it
    new = tmp_path / f"LKj_baru{suffix}"
    report = upgrade_tracker(noted, new)
    assert not [item for item in report.not_carried if "komentar" in item], report.not_carried
    boxes = _boxes(new)
    shown, plain = boxes[SHOWN], boxes[PLAIN]
    assert shown.get("fillcolor") == "#ccffcc"
    assert "visibility:visible" in shown.get("style") and "width:200pt" in shown.get("style")
    data = shown.find(f"{{{NS_XL}}}ClientData")
    assert data.find(f"{{{NS_XL}}}Visible") is not None
    assert data.find(f"{{{NS_XL}}}Anchor").text == ANCHOR
    assert shown.find(f"{{{NS_V}}}fill").get("color2") == "#ccffcc"
    assert plain.get("fillcolor") == "#ffffe1" and "visibility:hidden" in plain.get("style")
    assert plain.find(f"{{{NS_XL}}}ClientData").find(f"{{{NS_XL}}}Visible") is None
