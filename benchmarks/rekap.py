"""Benchmark: `lkj rekap` over a shared folder of 300 trackers, against a baseline measured in the same run.

The folder holds 300 varied trackers in agency subfolders: copies of a few built templates given different agencies,
reporting years (2023-2026) and entries (empty, filled like the demo, late, with a data error, two cycles), plus a
few broken files (truncated, encrypted-looking).  Measured:

(a) baseline: the same files opened one by one with ``openpyxl.load_workbook(read_only=True)``, every sheet's values
    read (what a script that "just reads them all" pays);
(b) ``lkj rekap FOLDER --out ...`` through the real CLI, in a child process (2 reader processes), recap written;
(c) the same on the first 30 trackers, to see how time grows with the folder.

Peak memory: the ``lkj rekap`` process and its readers (``resource.getrusage``: the process's own peak plus the
largest reader's, counted once per reader: an upper bound of what was resident at once).

Target: (b)/(a) <= 0.25 on 2 cores, peak memory under 300 MB.

    python benchmarks/rekap.py [--count 300] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from lkj_xl.authoring.builder import build_tracker
from lkj_xl.authoring.demo import DEMO_ENTRIES, DEMO_STAFF, fill_demo_entries
from lkj_xl.engines.package import PackageBook
from lkj_xl.workbook import layout

AS_OF = "2026-02-23T10:00"
TARGET_RATIO = 0.25
TARGET_MB = 300
WORKERS = 2

AGENCIES = ("Dinas Kesehatan", "Dinas Pendidikan", "Bappeda", "Inspektorat", "Dinas Sosial", "Dinas Perhubungan",
            "Dinas Lingkungan Hidup", "Badan Kepegawaian Daerah", "Dinas Pekerjaan Umum dan Penataan Ruang",
            "Satpol PP", "Kecamatan Taman", "Kecamatan Kartoharjo", "Kecamatan Manguharjo", "Dinas Koperasi dan UKM",
            "Dinas Pariwisata", "Dinas Kependudukan dan Pencatatan Sipil", "Badan Pendapatan Daerah",
            "Dinas Perdagangan", "Dinas Komunikasi dan Informatika", "Sekretariat DPRD")
LATE = {1: ("05/01/2026 08:00", "05/01/2026 09:00", "", "Ya", "", ""),
        2: ("05/01/2026 09:00", "05/01/2026 10:00", "", "Ya", "", ""),
        3: ("06/01/2026 08:00", None, "", "", "", "")}
WRONG = dict(DEMO_ENTRIES)
WRONG[4] = ("27/01/2026 14:00", "31/02/2026 15:00", "Rina Marlina, A.Md.", "Ya", "", "")


def _set_setting(book: PackageBook, label: str, value) -> None:
    for r, row in enumerate(book.read(layout.SHEET_SETTINGS), start=1):
        if row and row[0] == label:
            book.write(layout.SHEET_SETTINGS, r, 2, [[value]])
            return


def _variant(template: Path, target: Path, *, agency: str, year: int, entries) -> None:
    shutil.copyfile(template, target)
    book = PackageBook.open(target)
    _set_setting(book, layout.P_AGENCY, f"{agency} Kota Madiun")
    if year != 2025:
        _set_setting(book, layout.P_YEAR, year)
        for number in range(1, 9):
            sheet = layout.step_sheet(number)
            for r, row in enumerate(book.read(sheet)[layout.STEP_TABLE_HEADER_ROW:],
                                    start=layout.STEP_TABLE_HEADER_ROW + 1):
                if row and row[0] in (2025, "2025"):
                    book.write(sheet, r, 1, [[year]])
    if entries == "two-cycles":
        fill_demo_entries(book, {1: ("04/01/2025 08:00", "04/01/2025 09:00", "", "Ya", "", "")}, year=year - 1)
        fill_demo_entries(book, year=year)
    elif entries is not None:
        fill_demo_entries(book, entries, year=year)
    book.save()


def generate(folder: Path, count: int) -> list[Path]:
    """``count`` trackers (a few of them broken) in agency subfolders of ``folder``; returns every workbook."""
    work = folder.parent / "templates"
    work.mkdir(exist_ok=True)
    template = work / "template.xlsx"
    build_tracker(template, year=2025, agency="Inspektorat Kota Madiun", staff=DEMO_STAFF)
    kinds = (None, "demo", LATE, WRONG, "two-cycles", DEMO_ENTRIES)
    variants = []
    for index in range(24):
        agency = AGENCIES[index % len(AGENCIES)]
        year = (2023, 2024, 2025, 2026)[index % 4]
        entries = kinds[index % len(kinds)]
        path = work / f"v{index:02d}.xlsx"
        _variant(template, path, agency=agency, year=year, entries=None if entries == "demo" else entries)
        if entries == "demo":
            fill = PackageBook.open(path)
            fill_demo_entries(fill, year=year)
            fill.save()
        variants.append(path)
    files = []
    for index in range(count):
        agency = AGENCIES[index % len(AGENCIES)]
        target = folder / agency / f"LKj_{index:03d}.xlsx"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(variants[index % len(variants)], target)
        files.append(target)
    # a few broken ones among them
    for index in range(7, count, max(count // 5, 1)):
        data = files[index].read_bytes()
        files[index].write_bytes(data[: len(data) // 3])
    cfb = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00\x00"
    (folder / "Terkunci.xlsx").write_bytes(cfb + b"\x00" * 4096)
    files.append(folder / "Terkunci.xlsx")
    return files


def baseline(files: list[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        try:
            wb = openpyxl.load_workbook(path, read_only=True)
        except Exception:  # noqa: BLE001 - the broken ones cost what they cost
            continue
        try:
            for ws in wb.worksheets:
                for _row in ws.iter_rows(values_only=True):
                    pass
        finally:
            wb.close()
    return time.perf_counter() - start


_CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from lkj_xl.cli import main
code = main(sys.argv[1:])
elapsed = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": code, "seconds": elapsed, "self_kb": own, "child_kb": children}), file=sys.stderr)
"""


def run_rekap(folder: Path, out: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD, "rekap", str(folder), "--out", str(out), "--as-of", AS_OF],
                          capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    result = json.loads(proc.stderr.strip().splitlines()[-1])
    result["wall"] = wall
    result["stdout"] = proc.stdout
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--keep", default=None, help="generate into this folder and keep it")
    args = parser.parse_args()

    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="lkj-rekap-bench-"))
    try:
        big = root / "bersama"
        big.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        files = generate(big, args.count)
        print(f"generated {len(files)} workbooks in {time.perf_counter() - t:.1f} s "
              f"({sum(p.stat().st_size for p in files) / 1e6:.1f} MB)")
        small = root / "kecil"
        small.mkdir(exist_ok=True)
        for path in files[:30]:
            target = small / path.relative_to(big)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)

        base = baseline(files)
        print(f"(a) baseline, openpyxl read_only, {len(files)} files one by one: {base:.2f} s "
              f"({base / len(files) * 1000:.0f} ms per file)")
        results = {}
        for name, folder in (("30", small), (str(args.count), big)):
            results[name] = run_rekap(folder, root / f"Rekap_{name}.xlsx")
            r = results[name]
            peak = (r["self_kb"] + WORKERS * r["child_kb"]) / 1024
            print(f"lkj rekap, {name} trackers: {r['seconds']:.2f} s in the command ({r['wall']:.2f} s with Python "
                  f"start), exit {r['code']}; peak memory: main {r['self_kb'] / 1024:.0f} MB, largest reader "
                  f"{r['child_kb'] / 1024:.0f} MB, at most {peak:.0f} MB together")
        print(results[str(args.count)]["stdout"].strip())
        ratio = results[str(args.count)]["wall"] / base
        growth = results[str(args.count)]["seconds"] / results["30"]["seconds"]
        per_file = [results[k]["seconds"] / n for k, n in (("30", 30), (str(args.count), len(files)))]
        print(f"time grows {growth:.1f}x from 30 to {args.count} trackers "
              f"({per_file[0] * 1000:.0f} -> {per_file[1] * 1000:.0f} ms per file)")
        peak = (results[str(args.count)]["self_kb"] + WORKERS * results[str(args.count)]["child_kb"]) / 1024
        print(f"ratio (b)/(a): {ratio:.3f}x (target <= {TARGET_RATIO}x on {os.cpu_count()} cores); "
              f"peak memory {peak:.0f} MB (target < {TARGET_MB} MB)")
        return 0 if ratio <= TARGET_RATIO and peak < TARGET_MB else 1
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
