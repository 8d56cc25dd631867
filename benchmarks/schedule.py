"""Benchmark: schedule 10,000 cycles and print cycles per second.

The cost of building the calendar for a year (holidays from the ``holidays`` package) is measured apart.
Baseline, measured in the same run: pandas' ``CustomBusinessHour`` offset (the field's standard business-time
arithmetic) adding the same eight step standards per cycle.  It knows one set of hours for every weekday, so it
cannot express Perpres 21/2023's longer Friday break and does no status, lateness, backward plan or projection: the
ratio says what our complete schedule costs relative to bare business-time additions.

    python benchmarks/schedule.py [--cycles 10000]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import datetime, timedelta

from lkj_xl.core.worktime import build_calendar, national_holidays
from lkj_xl.core.entries import Cycle, StepRecord
from lkj_xl.core.schedule import schedule_cycle
from lkj_xl.core.sop import DEFAULT_SOP


def make_cycles(count: int, seed: int = 7) -> list[tuple[Cycle, datetime]]:
    rng = random.Random(seed)
    cycles = []
    for _ in range(count):
        year = rng.randint(2024, 2026)
        instant = datetime(year + 1, 1, 5, 8, 0) + timedelta(days=rng.randint(0, 20), minutes=rng.randint(0, 400))
        records = []
        done = rng.randint(0, 8)
        for number in range(1, done + 1):
            received = instant
            instant = instant + timedelta(hours=rng.randint(1, 200))
            records.append(StepRecord(number, received if rng.random() < 0.7 else None, instant))
        as_of = instant + timedelta(hours=rng.randint(1, 100))
        cycles.append((Cycle(year, tuple(records)), as_of))
    return cycles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=10_000)
    args = parser.parse_args()

    years = [2024, 2025, 2026, 2027, 2028]
    t0 = time.perf_counter()
    for year in years:
        national_holidays([year])
    holidays_s = (time.perf_counter() - t0) / len(years)
    t0 = time.perf_counter()
    national = national_holidays(years)
    calendar = build_calendar(years, national=national)
    build_s = time.perf_counter() - t0

    cycles = make_cycles(args.cycles)
    t0 = time.perf_counter()
    for cycle, as_of in cycles:
        schedule_cycle(DEFAULT_SOP, calendar, cycle, as_of)
    ours = time.perf_counter() - t0

    import pandas as pd

    # CustomBusinessHour counts whole business hours; each standard is rounded up to hours for the baseline.
    cbh = pd.offsets.CustomBusinessHour(start=["07:30", "13:00"], end=["12:00", "16:00"], holidays=sorted(national))
    hours = [-(-s.standard.amount // 60) if s.standard and s.standard.kind == "minutes" else
             (s.standard.amount * 450 // 60 if s.standard else 0) for s in DEFAULT_SOP.steps]
    baseline_cycles = cycles[: max(200, args.cycles // 20)]
    t0 = time.perf_counter()
    for _cycle, as_of in baseline_cycles:
        instant = pd.Timestamp(as_of)
        for n in hours:
            if n:
                instant = instant + cbh * n
    baseline = (time.perf_counter() - t0) / len(baseline_cycles) * len(cycles)

    print(f"cycles scheduled:              {len(cycles):,}")
    print(f"our schedule:                  {ours:.3f} s  ({len(cycles) / ours:,.0f} cycles/s)")
    print(f"pandas CustomBusinessHour:     {baseline:.3f} s  ({len(cycles) / baseline:,.0f} cycles/s, "
          f"extrapolated from {len(baseline_cycles)} cycles)")
    print(f"ratio ours / baseline:         {ours / baseline:.2f}x")
    print(f"holidays for one year:         {holidays_s * 1000:.1f} ms")
    print(f"calendar for {len(years)} years:         {build_s * 1000:.1f} ms (holidays + calendar)")


if __name__ == "__main__":
    main()
