"""The committed workbook/LKj_Tracker.xlsm is exactly what `lkj build-workbook` makes from this checkout."""

import zipfile
from pathlib import Path

from lkj_xl import __version__
from lkj_xl.authoring.macro_workbook import DEFAULT_OUT as BUILD_OUT, TEMPLATE_YEAR, build_workbook
from lkj_xl.engines.package import PackageBook
from lkj_xl.workbook.reader import load_tracker
from lkj_xl.files.macro_check import verify_xlsm
from lkj_xl.workbook.commands import RIBBON_ACTIONS

#: The committed workbook: `lkj build-workbook` run at the repository's top writes it there.
DEFAULT_OUT = Path(__file__).resolve().parents[1] / BUILD_OUT


def test_committed_workbook_equals_a_fresh_build(tmp_path):
    fresh = build_workbook(tmp_path / "LKj_Tracker.xlsm")
    assert DEFAULT_OUT.is_file(), "workbook/LKj_Tracker.xlsm is missing: run `lkj build-workbook`"
    assert fresh.read_bytes() == DEFAULT_OUT.read_bytes(), (
        "workbook/LKj_Tracker.xlsm differs from a fresh build: run `lkj build-workbook` and commit the result "
        f"(lkj-xl {__version__})")


def test_committed_workbook_is_a_working_tracker():
    assert verify_xlsm(DEFAULT_OUT, deep=True) == []
    with zipfile.ZipFile(DEFAULT_OUT) as package:
        ribbon = package.read("customUI/customUI14.xml").decode("utf-8")
    assert all(f'tag="{action}"' in ribbon for action in RIBBON_ACTIONS)
    tracker = load_tracker(PackageBook.open(DEFAULT_OUT))
    assert tracker.problems == []
    assert tracker.settings.year == TEMPLATE_YEAR
    assert [s.number for s in tracker.sop.steps] == list(range(1, 9))


def test_two_builds_are_byte_identical(tmp_path: Path):
    first = build_workbook(tmp_path / "a.xlsm").read_bytes()
    second = build_workbook(tmp_path / "b.xlsm").read_bytes()
    assert first == second
