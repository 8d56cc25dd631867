"""Benchmark: what a ribbon click costs beyond what xlwings itself costs.  Needs no pytest (nothing from tests/).

A click on "Hitung Batas Waktu" makes xlwings' VBA (``ExecuteWindows`` in xlwings.bas) start, for every click::

    python -B -c "import xlwings.utils;xlwings.utils.prepare_sys_path(\\"false;<book>;<book>;;;;\\"); <command>"

where ``<command>`` is the one RunPython gets from ``macros/LKjRibbon.bas`` for the action (read from that file
here), ``false`` is the tracker's ``ADD_WORKBOOK_TO_PYTHONPATH`` and the four empty fields are the OneDrive /
SharePoint / PYTHONPATH settings.  Without Excel, the workbook is xlwings' json engine over a payload of a 10-year
tracker (every sheet's values, as the VBA/JS clients send them); the one statement standing in for Excel's COM
(load that payload, ``Book(json=...).set_mock_caller()``) is put between the preamble and our command.

How it is timed (the machine may be busy with other work, so wall time is mostly noise): every command runs as a
fresh ``python -B -c ...`` process, many rounds, each round running every command once in a rotated order (a change in
the machine's state falls on all of them alike); each process's own CPU time (user + system, from
``RUSAGE_CHILDREN``; numpy's BLAS limited to one thread) is what counts; the figures are medians with their interquartile range.  Wall time is printed
too, for information.  Commands, in the same run:

* ``python -B -c "import xlwings.utils"``: what every click pays for xlwings alone (with pandas/numpy if installed);
  every ratio is to this process of the same round;
* the preamble plus the mock (xlwings' floor and the stand-in for Excel);
* the whole refresh click, warm (``.pyc`` files of lkj_xl present, as after ``pip install``) and first-run (no
  ``__pycache__`` for lkj_xl, removed before every such run: a copy installed without bytecode, e.g. an editable
  install, on its first click); and the clicks after that first one: ``-B`` keeps Python from writing bytecode,
  but a click writes lkj_xl's own (``lkj_xl/files/bytecode.py``), so only the first click of such a copy compiles;
* the same click with the process's CPU clock read after xlwings' preamble, before our command, between its import
  and its dispatch, and after it (the "probe": the real command unchanged between the reads).

"Our share" (target <= 0.3x) is given two ways, each as median [IQR] over the rounds, warm and first-run:

* whole process: (click - preamble+mock) / xlwings import, the three from one round (a round whose click came out
  below its reference gives a negative share, and the count of such rounds is printed);
* in process: the CPU our command used inside the probe (no subtraction) / xlwings import of the same round; it
  leaves out our share of the interpreter's exit.  Also to the CPU the same probe used up to the end of xlwings'
  preamble (both from one process a second apart, so a busy moment of the machine weighs on both: the steadiest
  figure, and a stricter one, since xlwings' own exit, about 0.2 s of CPU with pandas loaded, is not in it), and
  split into import and dispatch.

Also printed: which heavy packages a click loaded, and the json engine's write actions per click for 1 and 20 years
of history (they must not grow with history).

    python benchmarks/ribbon_import.py [--runs 12] [--years 10]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # Windows: wall time only
    resource = None  # type: ignore[assignment]

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
    # numpy's OpenBLAS starts one thread per core at import (xlwings imports numpy): one thread for all commands
    # alike, so that their start-up does not add its own noise to the CPU times (this makes the xlwings import
    # cheaper, so the ratios come out a little higher, not lower)
    env = {**os.environ, "XLWINGS_LICENSE_KEY": os.environ.get("XLWINGS_LICENSE_KEY", "noncommercial"),
           "OPENBLAS_NUM_THREADS": "1"}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    # a PC's own PYTHONDONTWRITEBYTECODE keeps a click from writing lkj_xl's bytecode (lkj_xl/files/bytecode.py);
    # every command runs with -B anyway, so without it only "the clicks after a first run" differ: as on a PC
    # that does not set it
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


PROBE_MARK = "LKJ-BENCH-CPU"


@dataclass(frozen=True)
class Variant:
    """One command line timed in every round."""

    label: str
    code: str
    pythonpath: Path
    cwd: Path
    #: remove the package's bytecode before every run (a click writes it: see lkj_xl/files/bytecode.py)
    fresh: bool = False


@dataclass(frozen=True)
class Run:
    cpu: float
    wall: float
    stdout: str


def run_once(variant: Variant) -> Run:
    """One fresh ``python -B -c code``: its CPU seconds, wall seconds and output.

    CPU is the child's own user + system time (the growth of ``RUSAGE_CHILDREN`` across the one run: the child
    is the only process this script waits for meanwhile), so other work on the machine barely moves it; wall time
    grows with the machine's load.  Without ``resource`` (Windows) the CPU figure is the wall time."""
    if variant.fresh:
        for cache in list((variant.pythonpath / "lkj_xl").rglob("__pycache__")):
            shutil.rmtree(cache)
    before = resource.getrusage(resource.RUSAGE_CHILDREN) if resource is not None else None
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-B", "-c", variant.code], env=_env(variant.pythonpath), cwd=variant.cwd,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed ({variant.label}): {variant.code[:200]}...\n{done.stderr[-2000:]}")
    if before is None:
        return Run(wall, wall, done.stdout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Run((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall, done.stdout)


def measure(variants: list[Variant], rounds: int) -> dict[str, list[Run]]:
    """label -> its runs over ``rounds`` rounds, after one uncounted warm-up round.

    Every round runs every variant once, the order rotated each round, so a change in the machine's state (load,
    caches, clock speed) falls on all of them alike and no variant always runs first or last."""
    runs: dict[str, list[Run]] = {v.label: [] for v in variants}
    for r in range(rounds + 1):
        shift = r % len(variants)
        for variant in variants[shift:] + variants[:shift]:
            result = run_once(variant)
            if r:
                runs[variant.label].append(result)
    return runs


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except (AttributeError, OSError):  # Windows
        return "?"


def probe_split(run: Run) -> tuple[float, float, float]:
    """(xlwings, import, work) CPU seconds the probe printed: up to the end of xlwings' preamble (interpreter
    start-up included), our command's import, our command's dispatch."""
    for line in reversed(run.stdout.splitlines()):
        if line.startswith(PROBE_MARK):
            xlwings, imported, worked = line.split()[1:4]
            return float(xlwings), float(imported), float(worked)
    raise SystemExit(f"the probe printed no {PROBE_MARK} line:\n{run.stdout[-2000:]}")


def spread(values: list[float]) -> tuple[float, float, float]:
    """(median, lower quartile, upper quartile)."""
    if len(values) < 2:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q2, q1, q3


def _ms(values: list[float]) -> str:
    mid, low, high = spread(values)
    return f"{mid * 1000:7.1f} ms [IQR {low * 1000:7.1f} - {high * 1000:7.1f}]"


def _ratio(values: list[float]) -> str:
    mid, low, high = spread(values)
    return f"{mid:5.2f}x [IQR {low:5.2f} - {high:5.2f}]"


def _verdict(shares: list[float]) -> str:
    return f"  target <= {TARGET_SHARE}x {'OK' if spread(shares)[0] <= TARGET_SHARE else 'OVER'}"


def report_times(runs: dict[str, list[Run]], years: int, *, wall: bool) -> dict[str, float]:
    """Print the processes' times and the whole-process shares (CPU, or wall when ``wall``); return the median
    shares by name ("warm", "first run").

    Each share is computed within one round, (click - preamble+mock) / xlwings import, never as a difference of
    two medians; a round where the click came out below its reference (noise larger than the difference) gives a
    negative share, and the count of such rounds is printed."""
    col = {label: [r.wall if wall else r.cpu for r in rs] for label, rs in runs.items()}
    base = col["base"]
    for label, text in (("base", 'python -B -c "import xlwings.utils"'),
                        ("mock", f"  + the {years}-year payload (mock for Excel)"),
                        ("click_warm", "refresh click, warm (.pyc present)"),
                        ("click_cold", "refresh click, first run (no .pyc)"),
                        ("click_healed", "  the clicks after a first run")):
        ratio = [x / b for x, b in zip(col[label], base)]
        print(f"  {text:40s}: {_ms(col[label])}  ratio {_ratio(ratio)}")
    medians = {}
    for name, label in (("warm", "click_warm"), ("first run", "click_cold"), ("after first", "click_healed")):
        shares = [(c - m) / b for c, m, b in zip(col[label], col["mock"], base)]
        negative = sum(1 for x in shares if x < 0)
        note = f"  ({negative} of {len(shares)} rounds negative: noise)" if negative else ""
        print(f"  our share, whole process, {name:13s}: {_ratio(shares)}{_verdict(shares)}{note}")
        medians[name] = spread(shares)[0]
    return medians


def report_probe(runs: dict[str, list[Run]]) -> dict[str, float]:
    """Print the in-process shares, the CPU our command used (read inside the probe, no subtraction) divided by

    * the whole ``python -B -c "import xlwings.utils"`` process of the same round (start-up and exit included, as
      in the whole-process share: the ratio the target is about);
    * the CPU the probe itself used up to the end of xlwings' preamble (the one process's clock, a second apart, so
      a busy moment of the machine weighs on both: the steadiest figure, and a stricter one, since xlwings' exit
      is not in it);

    and the split into import and dispatch; return the medians of the first by name ("warm", "first run")."""
    base = [r.cpu for r in runs["base"]]
    medians = {}
    for name, label in (("warm", "probe_warm"), ("first run", "probe_cold")):
        split = [probe_split(r) for r in runs[label]]
        whole = [(i + w) / b for (_, i, w), b in zip(split, base)]
        same = [(i + w) / x for x, i, w in split]
        print(f"  our share, in process,    {name:13s}: {_ratio(whole)}{_verdict(whole)}")
        print(f"    to xlwings' part of the same process: {_ratio(same)} (stricter: xlwings' exit not counted)")
        print(f"    = import lkj_xl.ribbon {_ratio([i / x for x, i, _ in split])} + dispatch('refresh') "
              f"{_ratio([w / x for x, _, w in split])}; xlwings' part in process {_ms([x for x, _, _ in split])}")
        medians[name] = spread(whole)[0]
    return medians


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
    parser.add_argument("--runs", type=int, default=12, help="rounds (each runs every command once)")
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
        # installed without bytecode too; its first click (the uncounted warm-up round) writes the bytecode the
        # counted clicks use
        healed = package_copy(work / "healed", compiled=False)
        excel_dir = work / "excel-cwd"  # Excel's current folder: nothing of ours in it
        excel_dir.mkdir()

        preamble = xlwings_preamble(str(work / "LKj_Tracker.xlsm"))
        command = ribbon_command("refresh")
        click = preamble + mock_excel(payload_file) + command
        mock_only = preamble + mock_excel(payload_file).rstrip("; ")
        # the probe: the same command line with the process's CPU clock read after xlwings' preamble, before our
        # command, between its import and its dispatch, and after it
        head, tail = command.split("r.dispatch(")
        probe = (preamble + "import time as _bt; _ba = _bt.process_time(); " + mock_excel(payload_file)
                 + "_b0 = _bt.process_time(); " + head + "_b1 = _bt.process_time(); " + "r.dispatch(" + tail
                 + f"; _b2 = _bt.process_time(); print('{PROBE_MARK}', _ba, _b1 - _b0, _b2 - _b1)")

        print(f"command (as xlwings' VBA runs it, the mock in the middle standing in for Excel):\n  python -B -c \"{click}\"")
        variants = [Variant("base", "import xlwings.utils", warm, excel_dir),
                    Variant("mock", mock_only, warm, excel_dir),
                    Variant("click_warm", click, warm, excel_dir),
                    Variant("click_cold", click, cold, excel_dir, fresh=True),
                    Variant("click_healed", click, healed, excel_dir),
                    Variant("probe_warm", probe, warm, excel_dir),
                    Variant("probe_cold", probe, cold, excel_dir, fresh=True)]
        load_before = _load()
        runs = measure(variants, args.runs)
        print(f"load average of the machine (1 min) before / after the rounds: {load_before} / {_load()} "
              "(CPU times grow with it too, ours a little more than xlwings' import: compare runs at similar load)")
        cpu = "CPU time (user+sys)" if resource is not None else "wall time (no per-process CPU time here)"
        print(f"{cpu} of each process, median [IQR] of {args.runs} rounds, the commands interleaved; ratios to the "
              "xlwings import of the same round:")
        report_times(runs, args.years, wall=False)
        report_probe(runs)
        print("wall time, for information only (other processes on the machine inflate it), same runs:")
        report_times(runs, args.years, wall=True)
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
