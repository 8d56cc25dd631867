"""Benchmark: what a ribbon click costs before and besides the work itself.

RunPython starts a fresh ``python -c "import lkj_xl.ribbon as r; r.dispatch('<action>')"`` for every click, so
import time is the user's waiting time.  Printed, each the best of N fresh interpreters, measured in the same run:

* ``import lkj_xl.ribbon`` (what the VBA's command line imports) as a ratio to ``import xlwings`` (target <= 1.5x);
* the imports of a whole validate/refresh/report click (``lkj_xl.ribbon`` + xlwings + the core + the live book +
  the report sheet writer), as a ratio to ``import xlwings`` as well (xlwings itself loads pandas and numpy);
* a whole refresh click in a fresh interpreter (imports, the json engine reading the tracker's payload, the core,
  the writes) as a ratio to ``import xlwings``, and which heavy packages that click loaded;
* whether openpyxl or pandas are loaded by ``import lkj_xl.ribbon``, and whether openpyxl is loaded by a click;
* the engine's write actions (``setValues``) and LiveBook's reads/writes per click through xlwings' json engine, for
  a tracker with 1 year and with 20 years of history (they must not grow with history).

    python benchmarks/ribbon_import.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLICK_IMPORTS = ("import lkj_xl.ribbon, xlwings, lkj_xl.workbook.actions, lkj_xl.engines.xlwings_book, lkj_xl.core.report, "
                 "lkj_xl.workbook.report_sheet, lkj_xl.authoring.xlsm, lkj_xl.runtime")


def best_time(code: str, runs: int) -> float:
    """Best wall time (seconds) of ``python -c code`` in a fresh interpreter, over ``runs`` runs (after a warm-up)."""
    env = {**os.environ, "XLWINGS_LICENSE_KEY": os.environ.get("XLWINGS_LICENSE_KEY", "noncommercial")}
    best = float("inf")
    for i in range(runs + 1):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        elapsed = time.perf_counter() - start
        if i:  # the first run warms the file cache and the .pyc files
            best = min(best, elapsed)
    return best


def loaded(code: str, modules: tuple[str, ...]) -> dict[str, bool]:
    probe = f"{code}; import sys; print(','.join(m for m in {modules!r} if m in sys.modules))"
    env = {**os.environ, "XLWINGS_LICENSE_KEY": os.environ.get("XLWINGS_LICENSE_KEY", "noncommercial")}
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True,
                         env=env).stdout.strip()
    found = set(out.split(",")) if out else set()
    return {m: m in found for m in modules}


FULL_CLICK = (
    "import json, sys, datetime; import xlwings as xw; import lkj_xl.ribbon as r; "
    "b = xw.Book(json=json.load(open(sys.argv[1], encoding='utf-8'))); "
    "r.dispatch('refresh', book=b, as_of=datetime.datetime(2026, 1, 20, 10, 0)); "
    "assert b.json()['actions'][-1]['func'] == 'alert'"
)


def scenario_payload(history_years: int, workdir: Path) -> dict:
    """The json engine's payload of the tests' person-typed tracker with ``history_years`` earlier cycles."""
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    if str(ROOT / "tests") not in sys.path:
        sys.path.insert(0, str(ROOT / "tests"))
    from lkj_xl.authoring.builder import build_tracker
    from test_ribbon import AGENCY, STAFF, YEAR, _type_entries
    from xlwings_payload import payload_from_file

    path = workdir / f"tracker_{history_years + 1}y.xlsx"
    build_tracker(path, year=YEAR, agency=AGENCY, staff=STAFF)
    _type_entries(path, history_years=history_years)
    return payload_from_file(path)


def full_click(payload: dict, workdir: Path, runs: int) -> tuple[float, dict[str, bool]]:
    import json

    target = workdir / "payload.json"
    target.write_text(json.dumps(payload), encoding="utf-8")
    code = FULL_CLICK.replace("sys.argv[1]", repr(str(target)))
    heavy = ("openpyxl", "holidays", "pyopenvba", "defusedxml")
    return best_time(code, runs), loaded(code, heavy)


def click_counts(payload: dict) -> dict[str, tuple[int, int, int]]:
    """action -> (setValues actions, LiveBook reads, LiveBook writes) for one click."""
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings as xw

    import lkj_xl.engines.xlwings_book as book_live
    from lkj_xl import ribbon

    made: list = []

    class Counting(book_live.LiveBook):
        def __init__(self, xl_book):
            super().__init__(xl_book)
            made.append(self)

    original = book_live.LiveBook
    book_live.LiveBook = Counting
    try:
        counts = {}
        for action in ("validate", "refresh", "report"):
            made.clear()
            book = xw.Book(json=payload)
            ribbon.dispatch(action, book=book, as_of=datetime(2026, 1, 20, 10, 0))
            actions = book.json()["actions"]
            counts[action] = (sum(1 for a in actions if a["func"] == "setValues"),
                              sum(b.reads for b in made), sum(b.writes for b in made))
    finally:
        book_live.LiveBook = original
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)

    baseline = best_time("import xlwings", args.runs)
    ribbon = best_time("import lkj_xl.ribbon", args.runs)
    click = best_time(CLICK_IMPORTS, args.runs)
    empty = best_time("pass", args.runs)
    print(f"python -c pass                : {empty * 1000:7.1f} ms")
    print(f"import xlwings                : {baseline * 1000:7.1f} ms")
    print(f"import lkj_xl.ribbon          : {ribbon * 1000:7.1f} ms  ratio {ribbon / baseline:.2f}x (target <= 1.5x)")
    print(f"imports of a whole click      : {click * 1000:7.1f} ms  ratio {click / baseline:.2f}x")
    print(f"  (click minus xlwings: {(click - baseline) * 1000:.1f} ms)")
    heavy = ("openpyxl", "pandas", "numpy", "xlwings")
    print(f"loaded by import lkj_xl.ribbon: {loaded('import lkj_xl.ribbon', heavy)}")
    print(f"loaded by a click's imports   : {loaded(CLICK_IMPORTS, heavy)}")

    workdir = Path(tempfile.mkdtemp(prefix="lkj-ribbon-bench-"))
    try:
        payload_one, payload_twenty = scenario_payload(0, workdir), scenario_payload(19, workdir)
        whole, heavy_loaded = full_click(payload_one, workdir, args.runs)
        one, twenty = click_counts(payload_one), click_counts(payload_twenty)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"whole refresh click (fresh)   : {whole * 1000:7.1f} ms  ratio {whole / baseline:.2f}x; "
          f"loaded: {heavy_loaded}")
    print("per click (setValues actions / LiveBook reads / LiveBook writes):")
    for action in one:
        same = "same" if one[action] == twenty[action] else "DIFFERENT"
        print(f"  {action:9s} 1 year: {one[action]}   20 years: {twenty[action]}   {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
