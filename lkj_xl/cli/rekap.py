"""``lkj rekap``: every tracker under a folder, read-only, recapped into Rekap_LKj.xlsx (and/or JSON), with a
progress bar.  Its own module: the one command over many files rather than one tracker.
"""

from __future__ import annotations

from pathlib import Path

from lkj_xl.cli.shared import _as_of
from lkj_xl.console import _out, _out_json, _progress_bar
from lkj_xl.core.errors import EXIT_OK


def cmd_rekap(args) -> int:
    """Every tracker under a folder, read-only, into Rekap_LKj.xlsx (and/or JSON).  Exit 0 when the recap was made,
    even with unreadable files or data errors listed in it; 2 when the folder is missing or holds no tracker, or the
    recap cannot be saved."""
    from lkj_xl.authoring import rekap
    from lkj_xl.core.schedule import CYCLE_LABELS

    folder = Path(args.folder)
    out = Path(args.out) if args.out else folder / rekap.DEFAULT_OUT
    bar = _progress_bar()
    try:
        recap = rekap.collect(folder, as_of=_as_of(args), year=args.year, recap_path=out, workers=args.workers,
                              progress=bar.update, on_total=bar.set_total)
    finally:
        bar.close()
    written = None
    if not args.json or args.out:
        written = rekap.write_recap(recap, out)
    if args.json:
        _out_json(recap.to_json())
        return EXIT_OK
    from lkj_xl.authoring.rekap.write import STATUS_ORDER

    counts = {key: 0 for key in STATUS_ORDER}
    for row in recap.rows:
        counts[row.overall] = counts.get(row.overall, 0) + 1
    _out(f"{recap.tracker_files} pelacak, {len(recap.rows)} siklus: "
         + ", ".join(f"{n} {CYCLE_LABELS[k].lower()}" for k, n in counts.items()) + ".")
    with_errors = sum(1 for row in recap.rows if row.errors)
    if with_errors:
        _out(f"{with_errors} siklus dengan kesalahan data (kolom Kesalahan data).")
    if recap.unreadable:
        _out(f"{len(recap.unreadable)} berkas tidak terbaca (lembar Tidak terbaca):")
        for file, reason in recap.unreadable:
            _out(f"  {file}: {reason}")
    if recap.skipped:
        _out(recap.skipped_summary())
    if written is not None:
        _out(f"Rekap ditulis: {written}")
    return EXIT_OK
