"""``lkj rekap``: every tracker in a shared folder at a glance (issue 15).

* :mod:`.scan` finds the workbooks under the folder and skips backups, Excel owner files, ``lkj`` temporary files and
  the recap itself;
* :mod:`.read` reads one tracker in a worker process (check, bytes once, :func:`~lkj_xl.workbook.actions.analyse` for
  every cycle: the same core as ``lkj status``), read-only;
* :mod:`.write` writes ``Rekap_LKj.xlsx`` (sheets Rekap, Matriks, Ringkasan, Tidak terbaca) with the same safe save as
  trackers.

Reading is the cost, so files are read by :data:`DEFAULT_WORKERS` processes; results are small plain values.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from datetime import datetime
from pathlib import Path
from typing import Any

from lkj_xl.authoring.rekap.read import (
    KIND_SKIPPED, KIND_TRACKER, KIND_UNREADABLE, CycleRow, FileResult, read_tracker,
)
from lkj_xl.authoring.rekap.scan import SKIP_NOT_TRACKER, Scan, scan_folder
from lkj_xl.core.errors import UnusableFileError

from lkj_xl.authoring.rekap.model import Recap  # noqa: E402 - re-exported

DEFAULT_OUT = "Rekap_LKj.xlsx"
DEFAULT_WORKERS = 2


def _rel(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()


def collect(folder: str | os.PathLike[str], *, as_of: datetime, year: int | None = None,
            recap_path: Path | None = None, workers: int = DEFAULT_WORKERS,
            progress: Callable[[int], Any] | None = None,
            on_total: Callable[[int], Any] | None = None) -> Recap:
    """Scan ``folder`` and read every tracker in it (read-only).  ``progress(1)`` is called after each file;
    ``on_total(n)`` once with the number of files to read.  A folder without any workbook to read raises
    :class:`UnusableFileError` (exit 2)."""
    scan: Scan = scan_folder(folder, recap=recap_path)
    root = scan.folder
    from lkj_xl.core.zones import to_local

    # the recap's own "Keadaan per" is on WIB; each tracker reads the same instant on its own clock (Zona waktu)
    recap = Recap(root, to_local(as_of))
    recap.skipped = {reason: [_rel(p, root) for p in files] for reason, files in scan.skipped.items()}
    if not scan.candidates:
        extra = f" ({recap.skipped_summary()})" if recap.skipped else ""
        raise UnusableFileError(f"Folder '{root}' tidak berisi buku kerja pelacak LKj (.xlsx/.xlsm){extra}. "
                                f"Periksa foldernya, lalu ulangi.")
    if on_total is not None:
        on_total(len(scan.candidates))
    jobs = [(str(p), _rel(p, root)) for p in scan.candidates]
    results = _read_all(jobs, as_of, year, workers, progress)
    for result in sorted(results, key=lambda r: r.file.casefold()):
        if result.kind == KIND_TRACKER:
            recap.rows.extend(result.rows)
        elif result.kind == KIND_UNREADABLE:
            recap.unreadable.append((result.file, result.reason))
        elif result.kind == KIND_SKIPPED:
            recap.skipped.setdefault(SKIP_NOT_TRACKER, []).append(result.file)
    if not recap.rows and not recap.unreadable:
        raise UnusableFileError(f"Folder '{root}' tidak berisi buku kerja pelacak LKj ({recap.skipped_summary()}) "
                                f"Periksa foldernya, lalu ulangi.")
    return recap


def _read_all(jobs: list[tuple[str, str]], as_of: datetime, year: int | None, workers: int,
              progress: Callable[[int], Any] | None) -> list[FileResult]:
    results: list[FileResult] = []
    if workers <= 1 or len(jobs) <= 2:
        for path, rel in jobs:
            results.append(read_tracker(path, rel, as_of, year))
            if progress is not None:
                progress(1)
        return results
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # Whatever the worker needs is imported here first: forked workers inherit it instead of importing it again.
    import lkj_xl.engines.calamine_book  # noqa: F401
    import lkj_xl.files.locks  # noqa: F401
    import lkj_xl.workbook.writers  # noqa: F401
    import lkj_xl.files.guard  # noqa: F401
    import lkj_xl.workbook.actions  # noqa: F401
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        pass

    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        futures = {pool.submit(read_tracker, path, rel, as_of, year): rel for path, rel in jobs}
        for future in as_completed(futures):
            try:
                results.append(future.result())
            except Exception as exc:  # noqa: BLE001 - a worker that died (out of memory, killed)
                name = Path(futures[future]).name
                results.append(FileResult(futures[future], KIND_UNREADABLE, reason=(
                    f"Berkas '{name}' tidak dapat dibaca: proses pembaca berhenti ({exc.__class__.__name__}).")))
            if progress is not None:
                progress(1)
    return results


def write_recap(recap: Recap, out: str | os.PathLike[str]) -> Path:
    from lkj_xl.authoring.rekap.write import write_recap as _write

    return _write(recap, Path(out))


__all__ = ["DEFAULT_OUT", "DEFAULT_WORKERS", "Recap", "collect", "write_recap", "CycleRow"]
