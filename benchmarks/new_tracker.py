"""Benchmark: ``lkj new --sop`` for a 14-step SOP (``.xlsx`` and ``.xlsm``), against ``lkj new`` for the default
8-step SOP 3.1.2.6 measured in the same run (best of N each): what the steps beyond eight, and reading the SOP from
its JSON, cost.

The 14-step SOP is the shipped example (Pengiriman Dokumen, 8 steps) with its steps 1-6 repeated as steps 9-14.

    PYTHONPATH=. python benchmarks/new_tracker.py [--runs 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import tempfile
import time
from pathlib import Path

from lkj_xl.authoring.examples import SOP_JSON
from lkj_xl.cli import main as lkj


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def sop_14(folder: Path) -> Path:
    data = json.loads(SOP_JSON.read_text(encoding="utf-8"))
    extra = [dict(step, number=8 + step["number"]) for step in data["steps"][:6]]
    data["steps"] = data["steps"] + extra
    path = folder / "sop14.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def new(folder: Path, name: str, *extra: str) -> None:
    target = folder / name
    target.unlink(missing_ok=True)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = lkj(["new", str(target), "--year", "2025", *extra])
    assert code == 0, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lkj-bench-new-") as tmp:
        folder = Path(tmp)
        source = sop_14(folder)
        print(f"{'tracker':<40} {'14 steps':>9} {'8 steps':>9} {'ratio':>7}")
        for suffix in (".xlsx", ".xlsm"):
            new(folder, "warm" + suffix)  # imports, the holidays package, xlwings' VBA
            t_default = best(lambda s=suffix: new(folder, "lkj" + s), args.runs)
            t_14 = best(lambda s=suffix: new(folder, "sop14" + s, "--sop", str(source)), args.runs)
            print(f"{'lkj new' + suffix:<40} {t_14 * 1000:>7.0f}ms {t_default * 1000:>7.0f}ms "
                  f"{t_14 / t_default:>6.2f}x")


if __name__ == "__main__":
    main()
