"""Opening and saving a tracker file safely: the file-mode shell around :class:`~lkj_xl.engines.openpyxl_book.FileBook`.

Reading: the file is checked before openpyxl sees it (:func:`lkj_xl.files.guard.check_workbook_file`).
Writing (:func:`modify`): refuse when Excel has the file open, hold the ``lkj`` lock for load + change + save, write
the new version to a temporary file beside it, read it back and check it (it opens, every cell a person typed is
identical, and for .xlsm the VBA project and ribbon are there), keep the previous version in ``Cadangan LKj``, and
only then replace the file.
"""

from __future__ import annotations

import contextlib
import gc
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

from lkj_xl.core.errors import UnusableFileError

T = TypeVar("T")

def open_book(path: str | Path):
    """Check and load a tracker for reading."""
    from lkj_xl.engines.openpyxl_book import FileBook
    from lkj_xl.files.guard import check_workbook_file

    check_workbook_file(path)
    return FileBook.open(path)


def _is_macro(path: Path) -> bool:
    from lkj_xl.engines.openpyxl_book import is_macro_path

    return is_macro_path(path)


def entry_snapshot(book) -> dict[tuple[str, str], Any]:
    """Every cell a person types (step entries, Pegawai, SOP, Pengaturan, Hari Libur) with its value."""
    from lkj_xl.workbook import reader

    return reader.entry_cells(book)


def _verify(tmp: Path, expected: dict[tuple[str, str], Any]) -> None:
    """The new version opens, has every entry cell unchanged, and (for .xlsm) keeps its VBA project and ribbon."""
    from lkj_xl.engines.openpyxl_book import FileBook
    from lkj_xl.files.guard import check_workbook_file

    check_workbook_file(tmp)
    if _is_macro(tmp):
        from lkj_xl.files.macro_check import verify_xlsm

        problems = verify_xlsm(tmp)
        if problems:
            raise UnusableFileError("Versi baru tidak lolos pemeriksaan makro: " + "; ".join(problems))
    reread = entry_snapshot(FileBook.open(tmp, read_only=True))
    if reread != expected:
        changed = sorted(set(expected) ^ set(reread) | {k for k in expected if reread.get(k) != expected[k]})
        where = ", ".join(f"{sheet}!{cell}" for sheet, cell in changed[:5])
        raise UnusableFileError(f"Versi baru akan mengubah isian pengguna ({where}); penyimpanan dibatalkan.")


def modify(path: str | Path, change: Callable[[Any], T], *, clock: Callable[[], datetime] = datetime.now,
           backups: int | None = None) -> T:
    """Load ``path``, run ``change(book)``, and save the result atomically with a backup.  Returns what ``change``
    returned.  Nothing is written when ``change`` raises or the new version fails its checks."""
    from lkj_xl.core.settings import DEFAULT_BACKUPS
    from lkj_xl.files.backups import atomic_write
    from lkj_xl.engines.openpyxl_book import FileBook
    from lkj_xl.files.guard import check_workbook_file
    from lkj_xl.files.locks import ensure_not_open_in_excel, workbook_lock

    target = Path(path)
    check_workbook_file(target)
    if _is_macro(target):
        _refuse_damaged_macro_file(target)
    ensure_not_open_in_excel(target)
    with workbook_lock(target):
        book = FileBook.open(target)
        with _long_lived():
            before = entry_snapshot(book)
            result = change(book)
            keep = backups if backups is not None else _backups_setting(result, DEFAULT_BACKUPS)

            atomic_write(target, book.save, lambda tmp: _verify(tmp, before), backups=keep, clock=clock)
        check_workbook_file(target)
    return result


@contextlib.contextmanager
def _long_lived() -> Iterator[None]:
    """Keep what is alive now (above all the workbook just loaded, which lives until the save is done) out of the
    cyclic garbage collector's generations for the block.  The change and the verification's re-read allocate
    enough to trigger full collections, and each would walk the loaded workbook's hundreds of thousands of objects
    again: about a tenth of a refresh (benchmarks/refresh.py).  Nothing is collected less: ``gc.unfreeze`` on the
    way out hands everything back to the collector.  Skipped when the host process disabled the collector or froze
    objects itself (its freeze is not ours to undo)."""
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _refuse_damaged_macro_file(target: Path) -> None:
    """A macro workbook that already fails its checks (VBA project or ribbon missing) is not saved over: every save
    would push an older, intact backup out of the rotation, and the new version would fail the same check anyway."""
    from lkj_xl.files.macro_check import verify_xlsm

    problems = verify_xlsm(target)
    if problems:
        raise UnusableFileError(
            f"Buku kerja makro '{target.name}' sudah tidak utuh sebelum diubah: {' '.join(problems)} Buku kerja "
            f"tidak diubah. Pulihkan versi yang utuh dengan `lkj backups` lalu `lkj restore`, atau pakai buku kerja "
            f"baru dari `lkj build-workbook` (isian dapat dipindahkan dengan `lkj upgrade`). Pemeriksaan (`lkj "
            f"validate`) tetap dapat dijalankan.")


def _backups_setting(result: Any, default: int) -> int:
    """The workbook's own "Jumlah cadangan" setting when the change read it (an actions.Analysis)."""
    tracker = getattr(result, "tracker", None)
    settings = getattr(tracker, "settings", None)
    return getattr(settings, "backups", default) if settings is not None else default


def restore(path: str | Path, backup: str | None = None) -> Path:
    """Put a backup back (``backup``: the number shown by ``lkj backups``, 1 = newest, or a file name)."""
    from lkj_xl.files.backups import restore_backup

    choice: Any = None
    if backup is not None:
        text = str(backup).strip()
        choice = int(text) - 1 if text.isdigit() else text
        if isinstance(choice, int) and choice < 0:
            raise UnusableFileError("Nomor cadangan dimulai dari 1 (lihat `lkj backups`).")
    return restore_backup(path, choice).path
