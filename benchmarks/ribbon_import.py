"""Benchmark: what a ribbon click costs beyond what xlwings itself costs.  Needs no pytest (nothing from tests/).

A click on "Hitung Batas Waktu" makes xlwings' VBA (``ExecuteWindows`` in xlwings.bas) start, for every click::

    python -B -c "import xlwings.utils;xlwings.utils.prepare_sys_path(\\"false;<book>;<book>;;;;\\"); <command>"

where ``<command>`` is the one RunPython gets from ``macros/LKjRibbon.bas`` for the action (read from that file
here), ``false`` is the tracker's ``ADD_WORKBOOK_TO_PYTHONPATH`` and the four empty fields are the OneDrive /
SharePoint / PYTHONPATH settings.  Without Excel, the workbook is xlwings' json engine over a payload of a 10-year
tracker (every sheet's values, as the VBA/JS clients send them); the one statement standing in for Excel's COM
(load that payload, ``Book(json=...).set_mock_caller()``) is put between the preamble and our command.

Printed, each the best of N fresh interpreters, in the same run:

* ``python -B -c "import xlwings.utils"``: what every click pays for xlwings alone (with pandas/numpy if installed);
* the whole refresh click, warm (``.pyc`` files of lkj_xl present, as after ``pip install``) and first-run (no
  ``__pycache__`` for lkj_xl: ``-B`` never writes one, so a copy installed without bytecode pays this on EVERY
  click), each as a ratio to the xlwings import, and "our share" = (click - xlwings import) / xlwings import,
  target <= 0.3x;
* the same for ``import lkj_xl.ribbon`` alone after the preamble (the import part of our share);
* which heavy packages a click loaded, and the json engine's write actions per click for 1 and 20 years of history
  (they must not grow with history).

    python benchmarks/ribbon_import.py [--runs 5] [--years 10]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BAS = ROOT / "macros" / "LKjRibbon.bas"
YEAR = 2025
AGENCY = "Inspektorat Kota Madiun"
STAFF = [
    ("Drs. Budi Santoso", "19800101 200501 1 001", "Kepala Dinas", None),
    ("Rina Wulandari", "198203152006042003", "Sekretaris", None),
    ("Siti Aminah", "198505052010012002", "Kasubag", None),
    ("Andi Prasetyo", "199001012015031004", "JFU", None),
]
TARGET_SHARE = 0.3
HEAVY = ("openpyxl", "pandas", "numpy", "holidays", "pyopenvba", "lxml", "defusedxml")


# --- the command line xlwings' VBA builds ------------------------------------------------------------------------------


def ribbon_command(action: str) -> str:
    """RunPython's argument in LKj_OnAction for ``action`` (the VBA string expression, evaluated)."""
    source = BAS.read_text(encoding="cp1252")
    found = re.search(r'^\s*RunPython "(.*)" & action & "(.*)"\s*$', source, re.MULTILINE)
    if found is None:
        raise SystemExit(f"RunPython line not found in {BAS}")
    return (found.group(1) + action + found.group(2)).replace('""', '"')


def xlwings_preamble(workbook: str) -> str:
    """ExecuteWindows' text before the command: AddExcelDir;ActiveFullName;ThisFullName;ONEDRIVE_CONSUMER_WIN;
    ONEDRIVE_COMMERCIAL_WIN;SHAREPOINT_WIN;PYTHONPATH (backslashes doubled, as the VBA does)."""
    path = f"false;{workbook};{workbook};;;;".replace("\\", "\\\\")
    return f'import xlwings.utils;xlwings.utils.prepare_sys_path("{path}"); '


def mock_excel(payload_file: Path) -> str:
    return (f"import json, xlwings as _xw; _xw.Book(json=json.load(open({str(payload_file)!r}, encoding='utf-8')))"
            ".set_mock_caller(); ")


# --- a 10-year tracker and its json payload (no tests/ helpers) --------------------------------------------------------


def make_tracker(path: Path, years: int) -> Path:
    """The tracker with ``years`` cycles: the current one half done, the earlier ones complete."""
    import openpyxl

    from lkj_xl.authoring.builder import build_tracker
    from lkj_xl.workbook import layout

    build_tracker(path, year=YEAR, agency=AGENCY, staff=STAFF)
    wb = openpyxl.load_workbook(path)
    column = {label: i for i, label in enumerate(layout.STEP_HEADERS, start=1)}
    first = layout.STEP_TABLE_HEADER_ROW + 1
    for i in range(years):
        year = YEAR - i
        moment = datetime(year + 1, 1, 5, 8, 0)
        for step in range(1, 9):
            if i == 0 and step > 4:
                break
            done = datetime(year + 1, 1, 5 + step, 15, 0)
            ws = wb[layout.step_sheet(step)]
            cells = {"Tahun": year, "Diterima": moment, "Selesai": done if (i or step < 4) else None,
                     "Pelaksana": STAFF[0][0] if step in (1, 7) else STAFF[step % 4][0], "Kelengkapan": "Ya"}
            for label, value in cells.items():
                ws.cell(row=first + i, column=column[label], value=value)
            moment = done
    wb.save(path)
    return path


def _payload_value(cell: Any) -> Any:
    if cell.data_type == "f" or cell.value is None:
        return ""  # the tracker's only formulas (Masalah links) are "" while their row is blank
    value = cell.value
    if isinstance(value, (datetime, date)):
        if not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value if isinstance(value, (bool, int, float, str)) else str(value)


def payload_from_file(path: Path) -> dict:
    """xlwings' json-engine payload of the workbook (what the VBA client sends: values, tables, names)."""
    import openpyxl
    import xlwings
    from openpyxl.utils import get_column_letter, range_boundaries

    def absolute(ref: str) -> str:
        c1, r1, c2, r2 = range_boundaries(ref)
        first, last = f"${get_column_letter(c1)}${r1}", f"${get_column_letter(c2)}${r2}"
        return first if first == last else f"{first}:{last}"

    def table(t: Any) -> dict:
        c1, r1, c2, r2 = range_boundaries(t.ref)
        a, b = get_column_letter(c1), get_column_letter(c2)
        return {"name": t.displayName, "range_address": absolute(t.ref),
                "header_row_range_address": absolute(f"{a}{r1}:{b}{r1}"),
                "data_body_range_address": absolute(f"{a}{r1 + 1}:{b}{r2}"), "total_row_range_address": None,
                "show_headers": True, "show_totals": False,
                "table_style": t.tableStyleInfo.name if t.tableStyleInfo is not None else None,
                "show_autofilter": True}

    wb = openpyxl.load_workbook(path)
    names = []
    for name, defined in wb.defined_names.items():
        for title, ref in defined.destinations:
            if title in wb.sheetnames:
                names.append({"name": name, "sheet_index": wb.sheetnames.index(title), "address": ref.replace("$", ""),
                              "scope_sheet_name": None, "scope_sheet_index": None, "book_scope": True})
                break
    sheets = [{"name": ws.title, "pictures": [], "tables": [table(t) for t in ws.tables.values()],
               "values": [[_payload_value(c) for c in row] for row in ws.iter_rows()] or [[]]}
              for ws in wb.worksheets]
    return {"client": "VBA", "version": xlwings.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"}, "names": names, "sheets": sheets}


# --- timing ----------------------------------------------------------------------------------------------------------


def _env(pythonpath: Path | None) -> dict[str, str]:
    env = {**os.environ, "XLWINGS_LICENSE_KEY": os.environ.get("XLWINGS_LICENSE_KEY", "noncommercial")}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return env


def best_time(code: str, runs: int, *, pythonpath: Path | None = None, cwd: Path | None = None) -> float:
    """Best wall time (s) of ``python -B -c code`` in a fresh interpreter over ``runs`` runs, after one warm-up."""
    best = float("inf")
    for i in range(runs + 1):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-B", "-c", code], env=_env(pythonpath), cwd=cwd, capture_output=True,
                              text=True)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"failed: {code[:200]}...\n{done.stderr[-2000:]}")
        if i:
            best = min(best, elapsed)
    return best


def loaded(code: str, pythonpath: Path, cwd: Path) -> list[str]:
    probe = code + f"; import sys as _s; print(','.join(m for m in {HEAVY!r} if m in _s.modules))"
    out = subprocess.run([sys.executable, "-B", "-c", probe], env=_env(pythonpath), cwd=cwd, check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()
    return [m for m in (out[-1].split(",") if out else []) if m]


def package_copy(folder: Path, compiled: bool) -> Path:
    """lkj_xl copied to ``folder`` (as an install would hold it), with or without its .pyc files."""
    shutil.copytree(ROOT / "lkj_xl", folder / "lkj_xl", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "macros", folder / "lkj_xl" / "macros", dirs_exist_ok=True)
    if compiled:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder / "lkj_xl")], check=True)
    return folder


def write_counts(payload: dict) -> dict[str, int]:
    """action -> setValues actions the json engine returns for one click."""
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings as xw

    from lkj_xl import ribbon

    counts = {}
    for action in ("validate", "refresh", "report"):
        book = xw.Book(json=payload)
        ribbon.dispatch(action, book=book, as_of=datetime(2026, 1, 20, 10, 0))
        counts[action] = sum(1 for a in book.json()["actions"] if a["func"] == "setValues")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args(argv)
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    sys.path.insert(0, str(ROOT))

    work = Path(tempfile.mkdtemp(prefix="lkj-ribbon-bench-"))
    try:
        tracker = make_tracker(work / "LKj_Tracker.xlsx", args.years)
        payload_file = work / "payload.json"
        payload_file.write_text(json.dumps(payload_from_file(tracker)), encoding="utf-8")
        warm = package_copy(work / "warm", compiled=True)
        cold = package_copy(work / "cold", compiled=False)
        excel_dir = work / "excel-cwd"  # Excel's current folder: nothing of ours in it
        excel_dir.mkdir()

        preamble = xlwings_preamble(str(work / "LKj_Tracker.xlsm"))
        command = ribbon_command("refresh")
        click = preamble + mock_excel(payload_file) + command
        imports = preamble + ribbon_command("refresh").split("r.dispatch(")[0].rstrip("; ")
        mock_only = preamble + mock_excel(payload_file).rstrip("; ")

        print(f"command (as xlwings' VBA runs it, the mock in the middle standing in for Excel):\n  python -B -c \"{click}\"")
        base = best_time("import xlwings.utils", args.runs, pythonpath=warm, cwd=excel_dir)
        mock = best_time(mock_only, args.runs, pythonpath=warm, cwd=excel_dir)
        print(f"python -B -c \"import xlwings.utils\"      : {base * 1000:7.1f} ms  (1.00x, every click pays this)")
        print(f"  + loading the {args.years}-year payload (mock) : {mock * 1000:7.1f} ms  ({mock / base:.2f}x; Excel "
              "does this part over COM)")
        for label, folder in (("warm (.pyc present)", warm), ("first run (no .pyc)", cold)):
            whole = best_time(click, args.runs, pythonpath=folder, cwd=excel_dir)
            imported = best_time(imports, args.runs, pythonpath=folder, cwd=excel_dir)
            share = (whole - mock) / base
            print(f"refresh click, {label:20s}: {whole * 1000:7.1f} ms  ratio {whole / base:.2f}x; our share "
                  f"{share:.2f}x (target <= {TARGET_SHARE}x) {'OK' if share <= TARGET_SHARE else 'OVER'}")
            print(f"  of which import lkj_xl.ribbon        : {(imported - base) * 1000:7.1f} ms  "
                  f"({(imported - base) / base:.2f}x)")
        print(f"loaded by a refresh click: {loaded(click, warm, excel_dir)}")

        one = payload_from_file(make_tracker(work / "one.xlsx", 1))
        twenty = payload_from_file(make_tracker(work / "twenty.xlsx", 20))
        counts_one, counts_twenty = write_counts(one), write_counts(twenty)
        print("setValues actions per click (1 year / 20 years):")
        for action in counts_one:
            same = "same" if counts_one[action] == counts_twenty[action] else "DIFFERENT"
            print(f"  {action:9s} {counts_one[action]:3d} / {counts_twenty[action]:3d}  {same}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
