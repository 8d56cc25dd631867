"""Benchmark: ``read_sop_document`` on every signed SOP PDF of shared/sop-samples, against pdfplumber's bare
``extract_text`` of the same pages measured in the same run (best of N each).

The importer does much more than extract text (the table's ruling, every cell's words, each shape's outline
rasterised and classified, pasted flowchart pictures rendered, arrows followed); the ratio says what that costs.

    PYTHONPATH=. python benchmarks/sop_import.py [--runs 3] [DIR]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pdfplumber

from lkj_xl.authoring.sop_import import read_sop_document

DEFAULT_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "sop-samples"


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bare_text(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    files = sorted(args.dir.glob("*.pdf"))
    if not files:
        raise SystemExit(f"no PDF in {args.dir}")
    total_import = total_text = 0.0
    print(f"{'file':<60} {'import':>9} {'text':>9} {'ratio':>7} steps")
    for path in files:
        steps = len(read_sop_document(path).sop_json["steps"])  # warm-up, and the count
        t_import = best(lambda p=path: read_sop_document(p), args.runs)
        t_text = best(lambda p=path: bare_text(p), args.runs)
        total_import += t_import
        total_text += t_text
        print(f"{path.name[:60]:<60} {t_import * 1000:>7.0f}ms {t_text * 1000:>7.0f}ms {t_import / t_text:>6.1f}x {steps}")
    print(f"{'total':<60} {total_import * 1000:>7.0f}ms {total_text * 1000:>7.0f}ms "
          f"{total_import / total_text:>6.1f}x")


if __name__ == "__main__":
    main()
