"""Fault injection: kill a real process at random points of ``atomic_write`` and check the workbook is never mixed.

Each trial copies the old workbook (entries ``A-*``) into its own folder; a real process then saves the new workbook
(entries ``B-*``, built with openpyxl) through :func:`lkj_xl.files.backups.atomic_write` (verify = pre-load check +
reading the entries back) and is killed with SIGKILL.  The processes are forked, one per trial, from one "zygote"
Python that imported openpyxl and lkj_xl and built the new workbook once (so a trial costs a fork, not an interpreter
start).  The trial's process kills itself (SIGKILL) either

* at a named stage, through the ``LKJ_XL_FAULT_STAGE`` hook (the child kills itself there),
* in the middle of writing the temporary file (half the bytes written), or
* at a random point of ``atomic_write``: the child counts the interpreter's profile events (every Python and C call
  and return, ``sys.setprofile``) from just before ``atomic_write`` starts and kills itself at event N.  A calibration
  run counts the events of a whole ``atomic_write``; the points are drawn, stratified, over 1.3 times that count, so
  the early strata are always kills and the last ones completions.  Where a trial is killed depends on the seed only,
  never on how fast the machine is (a delay measured in seconds would on a loaded machine).

Afterwards the workbook must be byte-for-byte the old file, or byte-for-byte the file the child wrote (its SHA-256 is
recorded outside the workbook folder before the commit point), must pass the pre-load check, open in openpyxl and
hold every entry of its version.  Every visible backup must be a complete copy of the old version.  Then a normal
``atomic_write`` in this process must succeed and leave no ``.~lkj-tmp-*`` files behind.

The random seed is printed; set ``LKJ_FAULT_SEED`` to replay a run.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from lkj_xl.files.backups import FAULT_ENV, FAULT_STAGES, atomic_write, list_backups
from lkj_xl.files.guard import check_workbook_file

REPO = Path(__file__).resolve().parents[1]
ROWS = 400
TRIALS_PER_STAGE = 4
MID_WRITE_TRIALS = 4
RANDOM_TRIALS = 32
HANG_GUARD = 300  # seconds; only a hung trial ever waits this long

ZYGOTE = textwrap.dedent(
    """
    import hashlib, os, signal, sys, traceback
    from datetime import datetime
    from pathlib import Path

    import openpyxl

    from lkj_xl.files.backups import FAULT_ENV, atomic_write
    from lkj_xl.files.guard import check_workbook_file

    rows = int(sys.argv[1])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["No", "Kegiatan"])
    for i in range(rows):
        ws.append([i + 1, f"B-{i + 1:05d}"])
    expected = [f"B-{i + 1:05d}" for i in range(rows)]
    events = 0


    def trial(book, meta, mode, stage, kill_at):
        global events

        def write(tmp):
            wb.save(tmp)
            data = tmp.read_bytes()
            if mode == "mid-write":
                tmp.write_bytes(data[: len(data) // 2])
                os.kill(os.getpid(), signal.SIGKILL)
            with open(meta / "new.sha256", "w") as fh:
                fh.write(hashlib.sha256(data).hexdigest())
                fh.flush()
                os.fsync(fh.fileno())

        def verify(tmp):
            check_workbook_file(tmp)
            got = openpyxl.load_workbook(tmp, read_only=True)
            try:
                entries = [r[1] for r in got["Data"].iter_rows(min_row=2, values_only=True)]
            finally:
                got.close()
            if entries != expected:
                raise AssertionError("verify: entries differ")

        def count(frame, event, arg):
            global events
            events += 1
            if events == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

        if stage:
            os.environ[FAULT_ENV] = stage
        if mode == "count":
            sys.setprofile(count)
        atomic_write(book, write, verify, clock=lambda: datetime(2024, 5, 1, 10, 0, 0), lock_timeout=20)
        sys.setprofile(None)
        (meta / "events").write_text(str(events))


    print("READY", flush=True)
    for line in sys.stdin:
        book, meta, mode, stage, kill_at = line.rstrip("\\n").split("\\t")
        pid = os.fork()
        if pid == 0:  # the trial's own process
            code = 0
            try:
                trial(Path(book), Path(meta), mode, stage, int(kill_at))
            except BaseException:
                traceback.print_exc()
                code = 1
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        print(f"EXIT {os.waitstatus_to_exitcode(status)}", flush=True)
    """
)


def entries_of(path: Path) -> list[str]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [row[1] for row in wb["Data"].iter_rows(min_row=2, values_only=True)]
    finally:
        wb.close()


def make_old(path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["No", "Kegiatan"])
    for i in range(ROWS):
        ws.append([i + 1, f"A-{i + 1:05d}"])
    wb.save(path)


def child_env(stage: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != FAULT_ENV}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")
    if stage:
        env[FAULT_ENV] = stage
    return env


class Zygote:
    """The Python every trial's process is forked from (see the module docstring)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", ZYGOTE, str(ROWS)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
        ready = self.proc.stdout.readline().strip()
        assert ready == "READY", (ready, self.proc.stderr.read())

    def run(self, folder: Path, mode: str, stage: str | None, kill_at: int | None) -> tuple[str, int]:
        """Run one trial; how it ended and, when it completed, the profile events it counted (mode "count")."""
        share, meta = folder / "share", folder / "meta"
        self.proc.stdin.write("\t".join([str(share / "LKj_Tracker.xlsx"), str(meta), mode, stage or "",
                                          str(kill_at or 0)]) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().strip()  # waits for the trial's process to end
        assert line.startswith("EXIT "), (line, self.proc.stderr.read() if self.proc.poll() is not None else "")
        code = int(line.split()[1])
        if code == 0:
            return "completed", int((meta / "events").read_text())
        if code not in (-9, 97):
            raise AssertionError(f"trial {folder.name} failed unexpectedly ({code})")
        return "killed", 0

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=HANG_GUARD)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.proc.stdout.close()
            self.proc.stderr.close()


def check_trial(folder: Path, old_bytes: bytes, old_entries: list[str], new_entries: list[str], next_bytes: bytes) -> str:
    share, meta = folder / "share", folder / "meta"
    book = share / "LKj_Tracker.xlsx"
    data = book.read_bytes()
    if data == old_bytes:
        version, expected = "old", old_entries
    else:
        recorded = (meta / "new.sha256").read_text()
        assert hashlib.sha256(data).hexdigest() == recorded, "workbook is neither the old nor the new version"
        version, expected = "new", new_entries
    check_workbook_file(book)
    assert entries_of(book) == expected
    for backup in list_backups(book):  # a visible backup is always complete
        assert backup.path.read_bytes() == old_bytes

    # the next run works and cleans what the killed one left behind
    clock_start = datetime(2030, 1, 1)
    atomic_write(book, lambda tmp: tmp.write_bytes(next_bytes), check_workbook_file, clock=lambda: clock_start)
    assert book.read_bytes() == next_bytes
    leftovers = [p.name for p in share.rglob(".~lkj-tmp-*")]
    assert leftovers == [], leftovers
    return version


def test_atomic_write_survives_sigkill_anywhere(tmp_path, request):
    if sys.platform == "win32":
        pytest.skip("SIGKILL semantics are POSIX; the stage hook uses os._exit on Windows")
    seed = int(os.environ.get("LKJ_FAULT_SEED", random.SystemRandom().randrange(1 << 30)))
    print(f"fault-injection seed: {seed}")
    rng = random.Random(seed)

    template = tmp_path / "old.xlsx"
    make_old(template)
    old_bytes = template.read_bytes()
    old_entries = [f"A-{i + 1:05d}" for i in range(ROWS)]
    new_entries = [f"B-{i + 1:05d}" for i in range(ROWS)]
    next_file = tmp_path / "next.xlsx"
    make_old(next_file)
    next_bytes = next_file.read_bytes()  # any valid workbook will do for the follow-up run

    def prepare(name: str) -> Path:
        folder = tmp_path / name
        (folder / "share").mkdir(parents=True)
        (folder / "meta").mkdir()
        shutil.copyfile(template, folder / "share" / "LKj_Tracker.xlsx")
        return folder

    zygote = Zygote()
    request.addfinalizer(zygote.close)
    # calibrate: how many profile events does a whole atomic_write make in a trial's process?
    outcome, total = zygote.run(prepare("calibrate"), "count", None, None)
    assert outcome == "completed" and total > 1000, total
    check_trial(tmp_path / "calibrate", old_bytes, old_entries, new_entries, next_bytes)

    plans: list[tuple[str, str, str | None, int | None]] = []
    for stage in FAULT_STAGES:
        plans += [(f"stage-{stage}-{i}", "none", stage, None) for i in range(TRIALS_PER_STAGE)]
    plans += [(f"mid-write-{i}", "mid-write", None, None) for i in range(MID_WRITE_TRIALS)]
    stratum = total * 1.3 / RANDOM_TRIALS
    points = [1 + int((i + rng.random()) * stratum) for i in range(RANDOM_TRIALS)]
    plans += [(f"random-{i}", "count", None, point) for i, point in enumerate(points)]
    assert len(plans) >= 50

    def trial(plan: tuple[str, str, str | None, int | None]) -> tuple[str, str, str]:
        name, mode, stage, kill_at = plan
        folder = prepare(name)
        outcome, _ = zygote.run(folder, mode, stage, kill_at)
        version = check_trial(folder, old_bytes, old_entries, new_entries, next_bytes)
        return name, outcome, version

    results = [trial(plan) for plan in plans]  # one at a time: a trial is a fork, not an interpreter start

    by_stage = {name: version for name, _, version in results}
    for stage in FAULT_STAGES:
        expected = "new" if stage == "after-replace" else "old"
        assert {by_stage[f"stage-{stage}-{i}"] for i in range(TRIALS_PER_STAGE)} == {expected}, stage
    assert all(by_stage[f"mid-write-{i}"] == "old" for i in range(MID_WRITE_TRIALS))
    random_outcomes = Counter((outcome, version) for name, outcome, version in results if name.startswith("random-"))
    print(f"trials={len(results)} events={total} random={dict(random_outcomes)}")
    # a point well inside the count is a kill (the count of one run may differ from another's by a few events:
    # garbage collection, dict order)
    surely_killed = [f"random-{i}" for i, point in enumerate(points) if point < total * 0.9]
    assert len(surely_killed) >= RANDOM_TRIALS // 2
    outcomes = {name: outcome for name, outcome, _ in results}
    assert all(outcomes[name] == "killed" for name in surely_killed), outcomes
    assert random_outcomes[("killed", "old")] > 0


NEW_FORCE_STAGES = ("after-temp-write", "before-replace", "after-replace")
NEW_FORCE_RANDOM_TRIALS = 3


def test_new_force_survives_sigkill(tmp_path):
    """`lkj new --force` over a filled tracker goes through the same safe save: killed at a stage of it or at a
    random moment, the file is the filled tracker or the complete new one, never a truncated zip, and every visible
    backup is the filled tracker."""
    if sys.platform == "win32":
        pytest.skip("SIGKILL semantics are POSIX")
    seed = int(os.environ.get("LKJ_FAULT_SEED", random.SystemRandom().randrange(1 << 30)))
    print(f"fault-injection seed: {seed}")
    rng = random.Random(seed)
    template = tmp_path / "filled.xlsx"
    make_old(template)
    old_bytes = template.read_bytes()

    def run(name: str, stage: str | None, delay: float | None) -> tuple[Path, int | None, float]:
        folder = tmp_path / name
        folder.mkdir()
        book = folder / "LKj_Tracker.xlsx"
        shutil.copyfile(template, book)
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "lkj_xl", "new", str(book), "--year", "2026", "--force"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=child_env(stage))
        try:
            code = proc.wait(timeout=delay) if delay is not None else proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait(timeout=30)
        return book, code, time.monotonic() - started

    book, code, duration = run("calibrate", None, None)
    assert code == 0
    plans = [(f"stage-{stage}", stage, None) for stage in NEW_FORCE_STAGES]
    plans += [(f"random-{i}", None, rng.uniform(duration * 0.3, duration * 1.1)) for i in range(NEW_FORCE_RANDOM_TRIALS)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda plan: (plan[0], *run(*plan)), plans))
    versions = {}
    for name, book, code, _ in results:
        data = book.read_bytes()
        if data == old_bytes:
            versions[name] = "old"
        else:
            check_workbook_file(book)
            import openpyxl

            wb = openpyxl.load_workbook(book, read_only=True)
            try:
                assert "Pengaturan" in wb.sheetnames
            finally:
                wb.close()
            versions[name] = "new"
        for backup in list_backups(book):
            assert backup.path.read_bytes() == old_bytes
        if versions[name] == "new" and code != 0:  # killed after the replace: the backup was made before it
            assert list_backups(book) or name != "stage-after-replace"
    assert versions["stage-after-temp-write"] == "old" and versions["stage-before-replace"] == "old"
    assert versions["stage-after-replace"] == "new"
    print(f"lkj new --force trials={len(results)} versions={versions}")
