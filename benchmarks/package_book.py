"""Benchmark: the package engine's save path against openpyxl's, on a built tracker.

Measured in the same run, best of N, each run on a fresh copy of the file:

(a) baseline: ``openpyxl.load_workbook`` + ``save`` of the file (what FileBook pays for any change);
(b) ``PackageBook.open`` + ``read`` of every sheet + ``write`` of the computed columns (H:M of every step sheet's
    first data row block, 200 rows) + ``save``.

Prints both times and the ratio (b)/(a).

    python benchmarks/package_book.py [--runs 5] [--rows 200]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl

from lkj_xl.workbook import layout
from lkj_xl.authoring.builder import build_tracker
from lkj_xl.engines.package import PackageBook

STAFF = (("Ir. Suharto Widodo, M.M.", "19680210 199303 1 004", "Kepala Dinas", ""),
         ("Endang Purwanti, S.E.", "19750618 200003 2 006", "Sekretaris", ""))
FIRST_COMPUTED_COLUMN = 8  # H: Mulai .. M: Batas Akhir Rencana


def computed_block(rows: int) -> list[list[object]]:
    start = datetime(2026, 1, 5, 8, 0)
    return [[start + timedelta(days=i), start + timedelta(days=i + 3), "Selesai", 1.25 * i, 7.5, start]
            for i in range(rows)]


def openpyxl_round_trip(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    wb.save(path)


def package_round_trip(path: Path, block: list[list[object]]) -> None:
    book = PackageBook.open(path)
    for sheet in book.sheet_names():
        book.read(sheet)
    for sheet in book.sheet_names():
        if sheet.startswith("Langkah "):
            book.write(sheet, layout.STEP_TABLE_HEADER_ROW + 1, FIRST_COMPUTED_COLUMN, block)
    book.save(path)


def best_of(runs: int, source: Path, folder: Path, action) -> float:
    times = []
    for n in range(runs):
        copy = Path(shutil.copy(source, folder / f"run{n}{source.suffix}"))
        started = time.perf_counter()
        action(copy)
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=200)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = build_tracker(folder / "LKj_Tracker.xlsx", year=2025, agency="Dinas Contoh", staff=STAFF)
        block = computed_block(args.rows)
        baseline = best_of(args.runs, source, folder, openpyxl_round_trip)
        ours = best_of(args.runs, source, folder, lambda p: package_round_trip(p, block))
    print(f"openpyxl load_workbook + save:                      {baseline * 1000:8.1f} ms")
    print(f"PackageBook open + read all + write {args.rows} rows x 6 + save:{ours * 1000:8.1f} ms")
    print(f"ratio (package / openpyxl): {ours / baseline:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
