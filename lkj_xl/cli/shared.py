"""What every ``lkj`` command shares: the real time (the clock :func:`lkj_xl.cli.main` was given) and the instant
``--as-of`` names, the cycle ``--year``/``--periode`` choose, and a validation's problems printed with the exit code
they give.  A module of its own because the command modules (tracker, workbooks, pengingat, rekap) all use it and
none of it is a command.
"""

from __future__ import annotations

import sys
from datetime import datetime

from lkj_xl.core.errors import EXIT_DATA, EXIT_OK


def _print_problems(analysis, stream=None) -> None:
    stream = stream or sys.stdout
    has_rows = analysis.year in analysis.years_with_rows
    if not has_rows:
        from lkj_xl.core.periods import TAHUNAN

        word = "tahun" if analysis.tracker.settings.period_kind == TAHUNAN else "periode"
        others = ", ".join(str(y) for y in analysis.years_with_rows) or "tidak ada"
        print(f"Tidak ada baris {word} {analysis.year} di tabel langkah mana pun ({word} yang ada: {others}); "
              f"isian {word} itu belum dapat diperiksa.", file=stream)
    if not analysis.problems:
        if has_rows:
            print("Tidak ada masalah ditemukan.", file=stream)
        return
    for problem in analysis.problems:
        print(problem.describe(), file=stream)
    print(f"Jumlah: {len(analysis.errors)} kesalahan, {len(analysis.warnings)} peringatan.", file=stream)


def _now(args) -> datetime:
    """The real time, from the clock :func:`main` was given (tests inject one), else now as an instant with its
    zone (the action reads it on the tracker's own clock)."""
    clock = getattr(args, "clock", None)
    if clock is None:
        from lkj_xl.runtime import now_instant

        clock = now_instant
    return clock()


def _as_of(args) -> datetime:
    """``--as-of``, else now as an instant with its zone: the action reads it on the tracker's own clock
    (Pengaturan, "Zona waktu")."""
    return args.as_of if args.as_of is not None else _now(args)


def _cycle(args) -> dict:
    """The cycle options of a command: ``--year`` (yearly SOPs) and ``--periode`` (the others)."""
    return {"year": getattr(args, "year", None), "period": getattr(args, "period", None)}


def _exit_for(analysis) -> int:
    return EXIT_DATA if analysis.errors else EXIT_OK
