"""Opening and saving a tracker file safely: the file-mode session around the package engine
(:class:`~lkj_xl.engines.package.PackageBook`).

Reading: the file is checked before anything parses it (:func:`lkj_xl.files.guard.check_workbook_file`).

Writing (:func:`modify`): refuse when Excel has the file open, hold the ``lkj`` lock for read + change + save, read
the file's bytes once, run the action on the package engine (it writes only the cells it is given and copies every
other part), write the new version to a temporary file beside the workbook, and prove it: it opens, for .xlsm the VBA
project and ribbon are there, and compared part by part with the bytes that were read nothing differs outside the
cells the engine owns (:mod:`lkj_xl.workbook.owned`).  Just before replacing, the file on disk must still be the
version that was read (someone saving it meanwhile: the action is done again once on the new version); the previous
version goes to ``Cadangan LKj``; only then is the file replaced.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, TypeVar

from lkj_xl.core.errors import UnusableFileError
from lkj_xl.files.collector import long_lived

T = TypeVar("T")

#: How often an action is redone when another program saved the workbook while it ran.
REDO_ON_CHANGE = 1


def open_book(path: str | Path):
    """Check and load a tracker for reading."""
    from lkj_xl.engines.package import PackageBook
    from lkj_xl.files.guard import check_workbook_file

    check_workbook_file(path)
    return PackageBook.open(path)


def _is_macro(path: Path) -> bool:
    from lkj_xl.engines.openpyxl_book import is_macro_path

    return is_macro_path(path)


class _ChangedOnDisk(Exception):
    """The workbook on disk is no longer the version the action read."""


def _identity(path: Path, data: bytes | None = None) -> tuple[int, int, str]:
    """(size, mtime in ns, SHA-256) of the file at ``path`` (``data``: its bytes when already read)."""
    stat = path.stat()
    if data is None:
        data = path.read_bytes()
    return stat.st_size, stat.st_mtime_ns, hashlib.sha256(data).hexdigest()


def _verify(tmp: Path, target: Path, old: bytes, owned: Any, read_as: tuple[int, int, str],
            old_checked: bool = False, old_parts: Any = None) -> None:
    """The new version opens, keeps its VBA project and ribbon (.xlsm), differs from what was read only in cells the
    engine owns, and the workbook on disk is still the version that was read.

    With ``old_checked`` (the bytes read are the version that passed :func:`~lkj_xl.files.guard.check_workbook_file`:
    same size and modification time) the temp file is not put through it again: package_differences reads every
    part of the temp file (each CRC checked) and proves it the same as that version outside the engine's cells.  What
    stays here is the cheap part: the temp file is a zip whose directory opens.  The replaced workbook is the temp
    file renamed, so it is not checked again either.

    ``old_parts``: the parts of ``old`` as the book decompressed them when it was opened (never changed since), so
    the proof does not decompress ``old`` again; they are ``old``'s content, and ``old`` is the file on disk (its
    size, modification time and SHA-256 are compared with the file's below)."""
    from lkj_xl.engines.package import package_differences

    if not old_checked:
        from lkj_xl.files.guard import check_workbook_file

        check_workbook_file(tmp)
    new = _readable_zip(tmp)
    if _is_macro(tmp):
        from lkj_xl.files.macro_check import verify_xlsm

        problems = verify_xlsm(tmp)
        if problems:
            raise UnusableFileError("Versi baru tidak lolos pemeriksaan makro: " + "; ".join(problems))
    differences = package_differences(old if old_parts is None else old_parts, new, owned.owns,
                                      structural=owned.structural())
    if differences:
        shown = " ".join(differences[:5]) + (f" (dan {len(differences) - 5} lagi)" if len(differences) > 5 else "")
        raise UnusableFileError(f"Versi baru akan mengubah isi buku kerja di luar sel yang dihitung program: {shown} "
                                f"Penyimpanan dibatalkan.")
    try:
        now = _identity(target)
    except OSError:
        raise _ChangedOnDisk() from None
    if now != read_as:
        raise _ChangedOnDisk()


def _stat_key(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def _readable_zip(tmp: Path) -> bytes:
    """The temp file's bytes, refused unless they start like a zip and its directory opens."""
    import io
    import zipfile

    data = tmp.read_bytes()
    try:
        if not data.startswith(b"PK\x03\x04"):
            raise zipfile.BadZipFile("no local header")
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise UnusableFileError(f"Berkas '{tmp.name}' rusak: isinya tidak utuh ({exc}).") from None
    return data


def modify(path: str | Path, change: Callable[[Any], T], *, clock: Callable[[], datetime] = datetime.now,
           backups: int | None = None) -> T:
    """Read ``path``, run ``change(book)``, and save the result atomically with a backup.  Returns what ``change``
    returned, which must carry the cells it may write as ``.owned`` (an :class:`~lkj_xl.workbook.actions.Analysis`
    does).  Nothing is written when ``change`` raises or the new version fails its checks."""
    from lkj_xl.core.settings import DEFAULT_BACKUPS
    from lkj_xl.engines.package import PackageBook
    from lkj_xl.files.backups import atomic_write, check_name_length
    from lkj_xl.files.guard import check_workbook_file
    from lkj_xl.files.locks import ensure_not_open_in_excel, real_path, refuse_read_only, workbook_lock

    target = real_path(path)  # a symlink: lock, owner file and backups beside the real file
    check_workbook_file(target)
    checked = _stat_key(target)
    refuse_read_only(target)
    check_name_length(target)
    if _is_macro(target):
        _refuse_damaged_macro_file(target)
    ensure_not_open_in_excel(target)
    with workbook_lock(target):
        for attempt in range(REDO_ON_CHANGE + 1):
            data = target.read_bytes()
            read_as = _identity(target, data)
            book = PackageBook(data, target)
            with long_lived():
                result = change(book)
                owned = getattr(result, "owned", None)
                if owned is None:
                    raise TypeError("modify(): the change must return what it may write (.owned)")
                new = book.to_bytes()
                keep = backups if backups is not None else _backups_setting(result, DEFAULT_BACKUPS)
                try:
                    atomic_write(target, lambda tmp: tmp.write_bytes(new),
                                 lambda tmp: _verify(tmp, target, data, owned, read_as,
                                                     old_checked=read_as[:2] == checked,
                                                     old_parts=book.original_parts()), backups=keep, clock=clock)
                    break
                except _ChangedOnDisk:
                    if attempt == REDO_ON_CHANGE:
                        raise UnusableFileError(
                            f"Buku kerja '{target.name}' disimpan oleh orang atau program lain selama lkj bekerja "
                            f"(dua kali berturut-turut). Perubahan mereka tetap ada; hasil lkj tidak disimpan. "
                            f"Ulangi perintahnya sebentar lagi.") from None
    return result


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
        choice = int(text) - 1 if text.isascii() and text.isdigit() else text  # "²" is a digit to str.isdigit
        if isinstance(choice, int) and choice < 0:
            raise UnusableFileError("Nomor cadangan dimulai dari 1 (lihat `lkj backups`).")
    return restore_backup(path, choice).path
