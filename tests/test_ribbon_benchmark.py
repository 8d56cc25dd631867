"""``benchmarks/ribbon_import.py`` runs end to end where neither pytest nor ``tests/`` can be imported, and prints
every figure it promises.  Not a speed test: the values are not judged (a loaded machine would fail a limit), only
that each figure is there, well formed, and that the write counts do not grow with history."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Imported first at start-up (it is on PYTHONPATH): makes "import pytest", "import _pytest" and "import tests..."
# fail exactly as when pytest is not installed and the script runs from an install without tests/.
BLOCKER = '''
import sys

class _NotInstalled:
    blocked = ("pytest", "_pytest", "tests")

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.blocked:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NotInstalled())
'''

RATIO = r"-?\d+\.\d\dx \[IQR +-?\d+\.\d\d - +-?\d+\.\d\d\]"
MS = r"\d+\.\d ms \[IQR +\d+\.\d - +\d+\.\d\]"


def test_ribbon_benchmark_runs_without_pytest_and_prints_its_figures(tmp_path):
    blocker = tmp_path / "no-pytest"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(blocker)}
    cwd = tmp_path / "elsewhere"  # not the repository: nothing of tests/ on the path through the current folder
    cwd.mkdir()

    for module in ("pytest", "tests.xlwings_payload"):  # the blocker really blocks
        probe = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); import {module}"],
                               env=env, cwd=cwd, capture_output=True, text=True)
        assert probe.returncode == 1 and "ModuleNotFoundError" in probe.stderr, probe.stderr

    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "ribbon_import.py"), "--runs", "2", "--years", "3"],
                          env=env, cwd=cwd, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout

    assert 'python -B -c "import xlwings.utils;xlwings.utils.prepare_sys_path(' in out
    assert "r.dispatch('refresh')" in out
    assert "CPU time (user+sys) of each process, median [IQR] of 2 rounds" in out
    assert "wall time, for information only" in out
    assert re.search(r"load average of the machine \(1 min\) before / after the rounds: [\d.?]+ / [\d.?]+", out)
    for label in ('python -B -c "import xlwings.utils"', "+ the 3-year payload (mock for Excel)",
                  "refresh click, warm (.pyc present)", "refresh click, first run (no .pyc)"):
        # once for CPU, once for wall time
        assert len(re.findall(rf"{re.escape(label)} *: +{MS}  ratio +{RATIO}", out)) == 2, label
    for kind in ("warm", "first run"):
        assert len(re.findall(rf"our share, whole process, {kind} *: +{RATIO}  target <= 0\.3x (OK|OVER)", out)) == 2
        assert re.search(rf"our share, in process, +{kind} *: +{RATIO}  target <= 0\.3x (OK|OVER)", out), kind
    assert len(re.findall(rf"to xlwings' part of the same process: +{RATIO} \(stricter", out)) == 2
    assert len(re.findall(rf"= import lkj_xl\.ribbon +{RATIO} \+ dispatch\('refresh'\) +{RATIO}; xlwings' part in "
                          rf"process +{MS}", out)) == 2
    assert re.search(r"loaded by a refresh click: \[.*\]", out)
    for action in ("validate", "refresh", "report"):
        assert re.search(rf"^  {action} +(\d+) / +\1  same$", out, re.MULTILINE), action
