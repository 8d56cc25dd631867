"""A ribbon click of a copy of lkj-xl without bytecode compiles once, not on every click (``lkj_xl.files.bytecode``).

The click is the exact command line xlwings' VBA runs (``python -B -c ...``, built by ``benchmarks/ribbon_import.py``)
over the json engine's payload of a ten-year tracker, in a fresh Python, against a copy of the package with no
``__pycache__``.  An audit hook counts the sources Python compiles (the ``compile`` audit event, raised by the
import system's ``source_to_code``): the first click compiles the package's modules, the second none of them; the
workbook's folder (Excel's current folder here) gets no ``__pycache__``.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lkj_xl.runtime import LOG_DIR_ENV  # noqa: E402
from test_ribbon_click_path import bench, _ten_years  # noqa: E402
from xlwings_payload import payload_from_file  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

#: Printed after the click: the lkj_xl sources compiled during it, and what the click loaded.
AUDIT = ("import sys as _s; _c = []; "
         "_s.addaudithook(lambda e, a: _c.append(str(a[1])) if e == 'compile' and len(a) > 1 else None); ")
REPORT = ("; import json as _j, gc as _g, xlwings as _x; print(_j.dumps({EXTRA 'compiled': [f for f in _c if 'lkj_xl' in f], "
          "'gc': [_g.isenabled(), _g.get_freeze_count() > 0, _s.dont_write_bytecode], "
          "'loaded': {m: [x.__file__, x.__cached__] for m, x in list(_s.modules.items()) "
          "if m.split('.')[0] == 'lkj_xl' and getattr(x, '__file__', None)}}, default=str))")


@pytest.fixture(scope="module")
def click_setup(templates, tmp_path_factory):
    folder = tmp_path_factory.mktemp("bytecode")
    tracker = _ten_years(templates, folder)
    payload = folder / "payload.json"
    payload.write_text(json.dumps(payload_from_file(tracker)), encoding="utf-8")
    return folder, payload


def _click(folder: Path, payload: Path, package_parent: Path, workbook_dir: Path, *, server: bool = False,
           extra: str = "", environ: dict | None = None, first: str = "") -> dict:
    """The click in a fresh ``python -B``; with ``server``, our command runs as xlwings' UDF server runs it, through
    ``exec`` inside a method of a process that goes on (``com_server.Exec``)."""
    command = bench.ribbon_command("refresh")
    if server:
        command = f"exec({command!r}, {{}})"
    click = (AUDIT + bench.xlwings_preamble(str(workbook_dir / "LKj_Tracker.xlsm")) + bench.mock_excel(payload)
             + first + command + REPORT.replace("EXTRA ", extra))
    env = {**os.environ, "XLWINGS_LICENSE_KEY": os.environ.get("XLWINGS_LICENSE_KEY", "noncommercial"),
           "PYTHONPATH": str(package_parent), LOG_DIR_ENV: str(folder / "log")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(environ or {})
    done = subprocess.run([sys.executable, "-B", "-c", click], cwd=workbook_dir, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _fresh_copy(dest: Path) -> Path:
    shutil.copytree(ROOT / "lkj_xl", dest / "lkj_xl", ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def test_the_first_click_writes_the_bytecode_the_next_click_uses(click_setup, tmp_path):
    folder, payload = click_setup
    package = _fresh_copy(tmp_path / "site")
    workbook_dir = tmp_path / "excel-cwd"
    workbook_dir.mkdir()

    first = _click(folder, payload, package, workbook_dir)
    loaded = first["loaded"]
    assert "lkj_xl.workbook.actions" in loaded and "lkj_xl.ribbon" in loaded
    assert all(Path(source).is_relative_to(package) for source, _ in loaded.values())
    # the first click compiled the package's modules (there was no bytecode) ...
    assert len(first["compiled"]) >= len(loaded) - 1
    # ... and left the cache file of every module it loaded, the ribbon module (loaded before the click) included
    assert sorted(m for m, (_, cached) in loaded.items() if not Path(cached).is_file()) == []
    stamps = {cached: Path(cached).stat().st_mtime_ns for _, cached in loaded.values()}

    second = _click(folder, payload, package, workbook_dir)
    assert second["compiled"] == []  # every module came from its cache file
    assert set(second["loaded"]) == set(loaded)
    assert {cached: Path(cached).stat().st_mtime_ns for _, cached in loaded.values()} == stamps
    # -B still holds where xlwings wants it: nothing is written in the workbook's (Excel's current) folder
    assert list(workbook_dir.iterdir()) == []
    # the process ends with the click: the collector stays off and the heap frozen (nothing left to collect for)
    assert first["gc"] == [False, True, True]


def test_a_click_in_a_process_that_goes_on_gives_the_collector_and_the_flag_back(click_setup, tmp_path):
    """xlwings' UDF server runs the same command inside its ``Exec``: everything is as it was after the click, and
    no bytecode is written for it (``pip install`` or ``lkj pasang`` compiled the package; the server pays a compile
    once per Excel session at most)."""
    folder, payload = click_setup
    package = _fresh_copy(tmp_path / "site")
    workbook_dir = tmp_path / "excel-cwd"
    workbook_dir.mkdir()
    done = _click(folder, payload, package, workbook_dir, server=True)
    assert "lkj_xl.workbook.actions" in done["loaded"]
    assert done["gc"] == [True, False, True]
    assert not any((package / "lkj_xl").rglob("*.pyc"))


def test_a_package_folder_the_click_cannot_write_to_still_clicks(click_setup, tmp_path):
    folder, payload = click_setup
    package = _fresh_copy(tmp_path / "site")
    # a cache folder that cannot be made (a file holds its name): every write fails, as on a read-only install
    blocked = sorted(p.parent for p in (package / "lkj_xl").rglob("*.py"))
    for directory in set(blocked):
        (directory / "__pycache__").write_bytes(b"")
    workbook_dir = tmp_path / "excel-cwd"
    workbook_dir.mkdir()

    for _ in range(2):  # no cache could be written: both clicks compile, and both work
        done = _click(folder, payload, package, workbook_dir)
        assert len(done["compiled"]) >= len(done["loaded"]) - 1
    assert not any(p.is_dir() for p in (package / "lkj_xl").rglob("__pycache__"))


def test_a_click_from_a_test_or_the_udf_server_leaves_the_flag_alone(blank_tracker, monkeypatch):
    """``dispatch(book=...)`` (tests, tools) and a process that outlives the click keep ``-B`` as it is."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    from xlwings_payload import json_engine_xlwings

    from lkj_xl import ribbon
    from lkj_xl.files.bytecode import written

    before = sys.dont_write_bytecode
    xw = json_engine_xlwings()
    book = xw.Book(json=payload_from_file(blank_tracker))
    book.set_mock_caller()
    try:  # as the VBA calls it (no book given), but from inside a function of a process that goes on
        ribbon.dispatch("refresh", as_of=datetime(2026, 1, 20, 10, 0))
    finally:
        del xw.Book._mock_caller
    assert sys.dont_write_bytecode == before
    assert gc.isenabled() and gc.get_freeze_count() == 0
    # written() turns the flag off only inside, and back on afterwards (PYTHONDONTWRITEBYTECODE unset: see below)
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    sys.dont_write_bytecode = True
    try:
        with written("no_such_package_here"):
            assert sys.dont_write_bytecode is False
        assert sys.dont_write_bytecode is True
    finally:
        sys.dont_write_bytecode = before


def test_a_source_edited_after_its_bytecode_was_written_runs_new_and_compiles_once(click_setup, tmp_path):
    """A copy updated in place (a newer lkj-xl copied over the folder, a fix typed into a file): the next click runs
    the new source, and leaves bytecode for it, so the click after compiles nothing again.  Edited here: a module the
    ribbon loads before the click (``ribbon/common.py``, its message box title) and one loaded inside it
    (``workbook/summary.py``)."""
    folder, payload = click_setup
    package = _fresh_copy(tmp_path / "site")
    workbook_dir = tmp_path / "excel-cwd"
    workbook_dir.mkdir()
    first = _click(folder, payload, package, workbook_dir)
    edited = [package / "lkj_xl" / "ribbon" / "common.py", package / "lkj_xl" / "workbook" / "summary.py"]
    for source in edited:
        text = source.read_text(encoding="utf-8")
        if source.name == "common.py":
            text = text.replace('TITLE = "Pelacak LKj"', 'TITLE = "Pelacak LKj versi baru"')
        source.write_text(text + "\n# edited after the first click\n", encoding="utf-8")
        stat = source.stat()
        os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10 * 10**9))  # a later second than the .pyc's
    assert {str(p) for p in edited} <= {source for source, _ in first["loaded"].values()}

    second = _click(folder, payload, package, workbook_dir, extra="'title': [a['args'] for a in _x.Book.caller()"
                                                                  ".json()['actions'] if a['func'] == 'alert'],")
    assert set(second["compiled"]) == {str(p) for p in edited}  # the new source, compiled ...
    assert any("Pelacak LKj versi baru" in json.dumps(args) for args in second["title"])  # ... is what ran
    third = _click(folder, payload, package, workbook_dir)
    assert third["compiled"] == []  # ... and cached: not compiled on every click from now on


def test_pythondontwritebytecode_set_on_the_pc_is_kept(click_setup, tmp_path):
    """``-B`` is xlwings' (its VBA adds it to every command); ``PYTHONDONTWRITEBYTECODE`` in the environment is what
    the PC's administrator chose for every Python there (a read-only or shared install): the click writes nothing."""
    folder, payload = click_setup
    package = _fresh_copy(tmp_path / "site")
    workbook_dir = tmp_path / "excel-cwd"
    workbook_dir.mkdir()
    done = _click(folder, payload, package, workbook_dir, environ={"PYTHONDONTWRITEBYTECODE": "1"})
    assert "lkj_xl.workbook.actions" in done["loaded"]
    assert not any((package / "lkj_xl").rglob("*.pyc"))
    assert done["gc"] == [False, True, True]


def test_excel_objects_are_made_after_the_freeze(click_setup, tmp_path):
    """A click that ends its process freezes the heap before it asks Excel for the calling workbook, so no COM object
    of Excel's is frozen: the interpreter's exit collection still releases any caught in a reference cycle (a frozen
    one would be left to Excel, which then may stay in memory after the user closes it)."""
    folder, payload = click_setup
    workbook_dir = tmp_path / "excel-cwd"
    workbook_dir.mkdir()
    # the collector's state when the ribbon asks for the calling workbook (xw.Book.caller() on Windows)
    spy = ("import lkj_xl.engines.excel_host as _eh, gc as _gc; _was = []; _orig = _eh.caller_book; "
           "_eh.caller_book = lambda: (_was.append([_gc.isenabled(), _gc.get_freeze_count() > 0]), _orig())[1]; ")
    done = _click(folder, payload, _fresh_copy(tmp_path / "site"), workbook_dir, first=spy,
                  extra="'asked': _was, ")
    assert done["asked"] == [[False, True]]
    assert done["gc"][:2] == [False, True]
