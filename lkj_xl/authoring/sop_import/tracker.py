"""A tracker's own SOP sheet, read by the tracker reader (the same one every command uses)."""

from __future__ import annotations

from pathlib import Path

from lkj_xl.authoring.sop_import.convert import sop_to_json
from lkj_xl.core.entries import AREA_SOP


def read_tracker(path: Path):
    from lkj_xl.authoring.sop_import.result import ImportResult
    from lkj_xl.engines.package import PackageBook
    from lkj_xl.workbook import layout
    from lkj_xl.workbook.reader import load_tracker

    tracker = load_tracker(PackageBook.open(path))
    warnings = [p.message for p in tracker.problems if p.location.area == AREA_SOP]
    sop_json = sop_to_json(tracker.sop, source=f"{path.name}!{layout.SHEET_SOP}")
    return ImportResult(sop_json, warnings)
