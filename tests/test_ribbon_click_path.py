"""What a refresh click loads: the exact command line xlwings' VBA runs (``benchmarks/ribbon_import.py`` builds it),
in a fresh Python, over the json engine's payload of a tracker with ten years of history.

Every click is a fresh Python, and a copy of lkj-xl installed without bytecode compiles every module it loads on
every click (``python -B`` never writes ``__pycache__``): about 0.2 ms of CPU per KB of source here, the largest part
of the difference between the benchmark's "first run" and "warm" shares.  So the refresh path loads only what it runs:
the rare branches (closing a cycle, the report, non-annual periods, dates typed as text, the reminder texts and
contacts' normalisation, Cek Sistem, the file-mode session) live in modules of their own, imported where they are
used.  This test fails when one of them is back on the path, or when the path's source grows well past its size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lkj_xl.runtime import LOG_DIR_ENV  # noqa: E402
from lkj_xl.workbook import layout  # noqa: E402
from conftest import header_columns, type_in  # noqa: E402
from xlwings_payload import apply_actions, payload_from_file  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import ribbon_import as bench  # noqa: E402

YEAR = 2025
STAFF = [
    ("Drs. Budi Santoso", "19800101 200501 1 001", "Kepala Dinas", None),
    ("Rina Wulandari", "198203152006042003", "Sekretaris", None),
    ("Siti Aminah", "198505052010012002", "Kasubag", None),
    ("Andi Prasetyo", "199001012015031004", "JFU", None),
]

#: Modules a refresh click must not load (each holds only what other actions, or rare input, need).
OFF_THE_REFRESH_PATH = (
    "lkj_xl.files.session",  # file mode's safe save; the click only needs files.collector.long_lived
    "lkj_xl.core.date_text",  # dates typed as text; the tracker's dates are date cells
    "lkj_xl.workbook.close_cycle",  # closing a cycle (Tutup Siklus) and its record row
    "lkj_xl.core.period_text",  # Periode cells of a non-yearly SOP; SOP 3.1.2.6 is yearly
    "lkj_xl.ribbon.occasional",  # the buttons clicked now and then: Tutup Siklus, Pengingat, Cek Sistem
    "lkj_xl.workbook.holiday_table_build",  # regenerating the shipped national holidays table
)

#: The refresh path's lkj_xl source, in bytes: 441 KB in 47 modules before the path was trimmed to what it runs,
#: 409 KB after (the modules above off it); 425 KB in 53 modules once the live book wrote the json engine's actions
#: itself, the national holidays came from a shipped table instead of the ``holidays`` package, a click wrote its
#: bytecode and the occasional buttons left the ribbon module.  The bound leaves about 2 % for the path to grow, not
#: room for a rare branch's module to come back onto it.
MAX_SOURCE_BYTES = 434_000


def _ten_years(templates, folder: Path) -> Path:
    """The benchmark's tracker: ten cycles, the current one half done, the earlier ones complete."""
    path = templates.copy(templates.blank(staff=STAFF), folder, "LKj_Tracker.xlsx")
    wb = openpyxl.load_workbook(path)
    first = layout.STEP_TABLE_HEADER_ROW + 1
    for i in range(10):
        year = YEAR - i
        moment = datetime(year + 1, 1, 5, 8, 0)
        for step in range(1, 9):
            if i == 0 and step > 4:
                break
            done = datetime(year + 1, 1, 5 + step, 15, 0)
            type_in(wb[layout.step_sheet(step)], first + i, {
                "Tahun": year, "Diterima": moment, "Selesai": done if (i or step < 4) else None,
                "Pelaksana": STAFF[0][0] if step in (1, 7) else STAFF[step % 4][0], "Kelengkapan": "Ya"})
            moment = done
    wb.save(path)
    return path


def _click(tracker: Path, tmp_path: Path) -> tuple[dict[str, str], bool, list]:
    """Run the refresh click on ``tracker`` as xlwings' VBA does (a fresh ``python -B -c``, the json engine standing in
    for Excel): the lkj_xl modules it loaded (name -> file), whether it imported ``holidays``, and its actions."""
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps(payload_from_file(tracker)), encoding="utf-8")
    click = (bench.xlwings_preamble(str(tmp_path / "LKj_Tracker.xlsm")) + bench.mock_excel(payload)
             + bench.ribbon_command("refresh"))
    report = ("; import sys as _s, json as _j, xlwings as _x; print(_j.dumps({'lkj': {m: x.__file__ for m, x in "
              "list(_s.modules.items()) if m.split('.')[0] == 'lkj_xl' and getattr(x, '__file__', None)}, "
              "'holidays': 'holidays' in _s.modules, 'actions': _x.Book.caller().json()['actions']}, default=str))")
    excel_dir = tmp_path / "excel-cwd"
    excel_dir.mkdir()
    env = {**os.environ, "XLWINGS_LICENSE_KEY": os.environ.get("XLWINGS_LICENSE_KEY", "noncommercial"),
           "PYTHONPATH": str(ROOT), LOG_DIR_ENV: str(tmp_path / "log")}
    done = subprocess.run([sys.executable, "-B", "-c", click + report], cwd=excel_dir, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return found["lkj"], found["holidays"], found["actions"]


def test_a_refresh_click_loads_only_the_refresh_path(templates, tmp_path):
    tracker = _ten_years(templates, tmp_path)
    files, holidays_loaded, _ = _click(tracker, tmp_path)
    # the click did run this tree's refresh (not an installed copy's)
    assert "lkj_xl.workbook.actions" in files and "lkj_xl.engines.xlwings_book" in files
    assert all(Path(f).is_relative_to(ROOT / "lkj_xl") for f in files.values())
    loaded = {module: Path(f).stat().st_size for module, f in files.items()}
    assert sorted(set(OFF_THE_REFRESH_PATH) & set(loaded)) == []
    assert sum(loaded.values()) <= MAX_SOURCE_BYTES, sorted(loaded.items(), key=lambda kv: -kv[1])[:10]
    # 2016-2027, seven years of them not on Hari Libur (built for 2025-2027): all in the shipped holiday table
    assert "lkj_xl.workbook.holiday_table" in files and not holidays_loaded


def test_a_click_needing_a_year_past_the_holiday_table_gets_it_from_the_library(templates, tmp_path):
    """A cycle of 2050 needs 2050-2052; the table ends at 2050, so 2051 and 2052 come from the ``holidays`` package,
    and the click's due dates know them: step 1 (5 menit) received Thursday 30 March 2051 15.58 is due after Good
    Friday (31 March 2051, Wafat Yesus Kristus), on Monday 07.33."""
    from lkj_xl.workbook.holiday_table import LAST_YEAR

    assert LAST_YEAR == 2050
    tracker = _ten_years(templates, tmp_path)
    wb = openpyxl.load_workbook(tracker)
    row = layout.STEP_TABLE_HEADER_ROW + 11
    type_in(wb[layout.step_sheet(1)], row, {"Tahun": 2050, "Diterima": datetime(2051, 3, 30, 15, 58),
                                            "Pelaksana": STAFF[0][0], "Kelengkapan": "Ya"})
    wb.save(tracker)
    _, holidays_loaded, actions = _click(tracker, tmp_path)
    assert holidays_loaded
    apply_actions(tracker, actions)
    ws = openpyxl.load_workbook(tracker)[layout.step_sheet(1)]
    due = ws.cell(row, header_columns(ws)[layout.C_DUE]).value
    assert due == datetime(2051, 4, 3, 7, 33)
