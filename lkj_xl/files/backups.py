"""Atomic save of the workbook, with rotating backups and restore.

Saving (:func:`atomic_write`), under the workbook's ``lkj`` lock (:func:`lkj_xl.files.locks.workbook_lock`):

1. remove stale temporary files of THIS workbook left by a killed process (older than our lock, see below);
2. ``write_fn(tmp)`` writes the new version to ``.~lkj-tmp-<12 hex>-<workbook name>`` in the SAME folder (same
   extension, so openpyxl accepts it; same folder, so the final rename is atomic and never crosses drives);
3. ``verify_fn(tmp)`` checks it -- any exception removes the temp and leaves the workbook untouched;
4. the temp is flushed to disk (``fsync``);
5. the current workbook is copied into the backup folder (via a temp name + rename, so a backup is never half
   written) as ``<stem>_YYYYmmdd-HHMMSS-ffffff<ext>``, time from the injectable ``clock``;
6. ``os.replace(tmp, path)`` -- the single commit point: before it the workbook is the old version, after it the new;
7. old backups beyond the newest ``backups`` are deleted.

A process killed at any point leaves the workbook either old or new, never mixed.  What it may leave behind is a temp
file (step 2-6) or a partial backup copy (step 5), both named ``.~lkj-tmp-...``; the next :func:`atomic_write` of the
same workbook deletes those whose modification time is not newer than its own lock file's (the lock file is
rewritten when taken, so both times come from the same file-server clock).  Temps of other workbooks, and any temp
newer than the lock, are never touched.

Backup folder: ``Cadangan LKj`` beside the workbook (visible on purpose: staff can open a backup in Excel).  It is
shared by all workbooks of the folder; names start with the workbook's stem.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import stat
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from lkj_xl.core.errors import FileLockedError, LkjError, UnusableFileError
from lkj_xl.core.settings import DEFAULT_BACKUPS
from lkj_xl.files.names import BACKUP_DIR_NAME, TEMP_PREFIX
from lkj_xl.files.locks import (
    DEFAULT_LOCK_TIMEOUT,
    ensure_not_open_in_excel,
    name_too_long,
    real_path,
    refuse_read_only,
    workbook_lock,
)

__all__ = [
    "BACKUP_DIR_NAME",
    "BackupInfo",
    "FAULT_ENV",
    "atomic_write",
    "backup_dir_for",
    "check_name_length",
    "completed_saves",
    "list_backups",
    "restore_backup",
]

_STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
_STAMP_RE = r"(\d{8}-\d{6}-\d{6})"
_TOKEN_RE = r"[0-9a-f]{12}"

#: Test hook: when this environment variable names a stage, the process kills itself there (fault-injection tests).
FAULT_ENV = "LKJ_XL_FAULT_STAGE"
FAULT_STAGES = ("after-temp-write", "after-verify", "after-fsync", "after-backup", "before-replace", "after-replace")

Clock = Callable[[], datetime]

#: Every workbook this process replaced, in order (the command line reports a save as done when Ctrl+C comes after
#: it).
completed_saves: list[Path] = []


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime  # from the backup's name (the clock at the time it was made)
    size: int

    @property
    def name(self) -> str:
        return self.path.name


def _fault_point(stage: str) -> None:
    if os.environ.get(FAULT_ENV) == stage:  # pragma: no cover - runs in the killed child process
        if sys.platform != "win32":
            import signal

            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(97)


def backup_dir_for(path: str | os.PathLike[str], backup_dir: str | os.PathLike[str] | None = None) -> Path:
    """``Cadangan LKj`` beside the real file (a symlink's backups are its target's)."""
    return Path(backup_dir) if backup_dir is not None else real_path(path).parent / BACKUP_DIR_NAME


def _name_max(folder: Path) -> int:
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (AttributeError, OSError, ValueError):  # Windows has no pathconf: NTFS and SMB allow 255
        return 255


def check_name_length(path: Path) -> None:
    """Refuse, before anything is written, a workbook whose lock, temporary or partial-backup names beside it would
    exceed the file system's name limit (the OS would answer "File name too long" half way through)."""
    longest = max(len(TEMP_PREFIX) + 13 + len(path.name),  # temp: .~lkj-tmp-<12 hex>-<name>
                  len(TEMP_PREFIX) + 13 + len(path.stem) + 23 + len(path.suffix))  # partial backup in Cadangan LKj
    limit = _name_max(path.parent if str(path.parent) else Path("."))
    if longest > limit:
        raise name_too_long(path, limit)


def _backup_name_re(path: Path) -> re.Pattern[str]:
    return re.compile(re.escape(path.stem) + "_" + _STAMP_RE + re.escape(path.suffix) + r"\Z")


def _temp_name_re(name: str) -> re.Pattern[str]:
    return re.compile(re.escape(TEMP_PREFIX) + _TOKEN_RE + "-" + re.escape(name) + r"\Z")


def _partial_backup_re(path: Path) -> re.Pattern[str]:
    return re.compile(re.escape(TEMP_PREFIX) + _TOKEN_RE + "-" + _backup_name_re(path).pattern)


def _temp_sibling(target: Path) -> Path:
    return target.with_name(f"{TEMP_PREFIX}{secrets.token_hex(6)}-{target.name}")


def list_backups(path: str | os.PathLike[str], *, backup_dir: str | os.PathLike[str] | None = None) -> list[BackupInfo]:
    """Backups of workbook ``path``, newest first.  Unrelated files in the folder are ignored."""
    p = real_path(path)
    folder = backup_dir_for(p, backup_dir)
    pattern = _backup_name_re(p)
    found: list[BackupInfo] = []
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    for entry in entries:
        m = pattern.match(entry.name)
        if not m:
            continue
        try:
            created = datetime.strptime(m.group(1), _STAMP_FORMAT)
            size = entry.stat().st_size
        except (ValueError, OSError):
            continue
        found.append(BackupInfo(path=Path(entry.path), created=created, size=size))
    found.sort(key=lambda b: (b.created, b.name), reverse=True)
    return found


def _fsync_path(path: Path) -> None:
    flags = os.O_RDWR | getattr(os, "O_BINARY", 0)  # Windows needs write access for FlushFileBuffers
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):  # "fsync not supported here" is fine
            raise
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - directories cannot be opened for fsync there
        return
    with contextlib.suppress(OSError):  # e.g. CIFS/SMB mounts answer EINVAL
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _unlink_quiet(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _clean_stale(folder: Path, pattern: re.Pattern[str], not_after: float) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not pattern.match(entry.name):
            continue
        with contextlib.suppress(OSError):
            if entry.stat(follow_symlinks=False).st_mtime <= not_after:
                os.unlink(entry.path)


def _refuse_backup_folder_taken(path: Path, folder: Path) -> None:
    if os.path.lexists(folder) and not folder.is_dir():
        raise UnusableFileError(
            f"'{folder.name}' di folder '{folder.parent}' adalah berkas, bukan folder; lkj menyimpan cadangan buku "
            f"kerja '{path.name}' di folder bernama itu. Ganti nama atau pindahkan berkas itu, lalu ulangi. Buku kerja "
            f"belum diubah."
        )


def _make_backup(path: Path, folder: Path, clock: Clock) -> BackupInfo:
    _refuse_backup_folder_taken(path, folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UnusableFileError(
            f"Folder cadangan '{folder}' tidak dapat dibuat ({exc.strerror or exc}). Periksa izin menulis di folder "
            f"buku kerja '{path.name}', lalu ulangi. Buku kerja belum diubah."
        ) from None
    stamp = clock()
    while True:  # same instant twice (fast clock, fake clock): step one microsecond, keeps names sortable
        final = folder / f"{path.stem}_{stamp.strftime(_STAMP_FORMAT)}{path.suffix}"
        if not os.path.lexists(final):
            break
        stamp += timedelta(microseconds=1)
    partial = _temp_sibling(final)
    try:
        shutil.copyfile(path, partial)  # not copy2: chmod/utime may be refused on SMB mounts
        with contextlib.suppress(OSError):
            st = os.stat(path)
            os.utime(partial, ns=(st.st_atime_ns, st.st_mtime_ns))
        _fsync_path(partial)
        os.replace(partial, final)
    except OSError as exc:
        _unlink_quiet(partial)
        raise UnusableFileError(
            f"Cadangan buku kerja '{path.name}' tidak dapat dibuat di folder '{folder}' ({exc.strerror or exc}). "
            "Buku kerja belum diubah; periksa ruang dan izin folder, lalu ulangi."
        ) from None
    _fsync_dir(folder)
    return BackupInfo(path=final, created=stamp.replace(tzinfo=None), size=final.stat().st_size)


def _rotate(path: Path, folder: Path, keep: int) -> None:
    for old in list_backups(path, backup_dir=folder)[keep:]:
        _unlink_quiet(old.path)  # a backup someone has open in Excel (Windows) simply stays until next time


def _replace(tmp: Path, path: Path) -> None:
    # Windows: antivirus/indexer/sync clients hold files for a moment -> retry briefly before giving up.
    attempts = 20 if sys.platform == "win32" else 1
    for attempt in range(attempts):
        try:
            os.replace(tmp, path)
            return
        except PermissionError:
            if attempt + 1 < attempts:
                time.sleep(0.1)
                continue
            if sys.platform == "win32":  # pragma: no cover
                raise FileLockedError(
                    f"Buku kerja '{path.name}' tidak dapat diganti karena sedang dipakai program lain (mungkin Excel). "
                    "Tutup dulu buku kerja itu, lalu ulangi. Buku kerja belum diubah."
                ) from None
            raise UnusableFileError(
                f"Buku kerja '{path.name}' tidak dapat disimpan: tidak ada izin menulis di folder '{path.parent}'. "
                "Buku kerja belum diubah."
            ) from None
        except OSError as exc:
            raise UnusableFileError(
                f"Buku kerja '{path.name}' tidak dapat disimpan ({exc.strerror or exc}). Buku kerja belum diubah."
            ) from None


def _keep_mode_and_group(old: Path, new: Path) -> None:
    """Give the new version the old file's mode and, where the OS allows it (the owner may give a file to any group
    they belong to), its group: a shared folder's group write access survives a save by another member."""
    if sys.platform == "win32":  # pragma: no cover - no POSIX modes; the read-only attribute is refused earlier
        return
    with contextlib.suppress(OSError):
        st = os.stat(old)
        os.chmod(new, stat.S_IMODE(st.st_mode))
        if os.stat(new).st_gid != st.st_gid:
            os.chown(new, -1, st.st_gid)


def replace_with_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Make ``path`` hold ``data`` in one step: a temporary file beside it (with the mode of the file it replaces),
    flushed to disk, then :func:`_replace` (the one atomic replace, with its Windows retry).  For files that need no
    backup or verification of their own (a workbook just built)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_sibling(target)
    try:
        with open(tmp, "xb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            _keep_mode_and_group(target, tmp)
        _replace(tmp, target)
    except BaseException:
        _unlink_quiet(tmp)
        raise


def atomic_write(
    path: str | os.PathLike[str],
    write_fn: Callable[[Path], object],
    verify_fn: Callable[[Path], object] | None = None,
    *,
    backups: int = DEFAULT_BACKUPS,
    backup_dir: str | os.PathLike[str] | None = None,
    clock: Clock = datetime.now,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    check_excel: bool = True,
) -> BackupInfo | None:
    """Replace ``path`` with what ``write_fn(tmp_path)`` writes, atomically, keeping the newest ``backups`` copies.

    ``verify_fn(tmp_path)`` may raise to refuse the new version (the workbook stays untouched).  ``backups=0`` keeps
    none.  With ``check_excel`` an Excel owner file for ``path`` raises :class:`FileLockedError` before anything is
    written.  Returns the backup made of the previous version (``None`` if there was no previous file or
    ``backups=0``).  Exceptions from ``write_fn``/``verify_fn`` propagate unchanged, except an ``OSError`` from
    ``write_fn`` (becomes :class:`UnusableFileError`) and an :class:`UnusableFileError` from ``verify_fn`` (re-raised
    with a message about the new version instead of the temp file's name).
    """
    if backups < 0:
        raise ValueError("backups must be >= 0")
    p = real_path(path)
    folder = p.parent
    if not folder.is_dir():
        raise UnusableFileError(f"Folder '{folder}' tidak ditemukan. Periksa lokasi buku kerja '{p.name}', lalu ulangi.")
    bdir = backup_dir_for(p, backup_dir)
    refuse_read_only(p)
    check_name_length(p)
    if backups > 0 and p.exists():
        _refuse_backup_folder_taken(p, bdir)

    with workbook_lock(p, timeout=lock_timeout) as held:
        if check_excel:
            ensure_not_open_in_excel(p)
        _clean_stale(folder, _temp_name_re(p.name), held.mtime)
        _clean_stale(bdir, _partial_backup_re(p), held.mtime)

        tmp = _temp_sibling(p)
        backup: BackupInfo | None = None
        try:
            try:
                write_fn(tmp)
            except LkjError:
                raise
            except OSError as exc:  # disk full, network drive gone...
                raise UnusableFileError(
                    f"Buku kerja '{p.name}' gagal disimpan ({exc.strerror or exc}). Buku kerja belum diubah; periksa "
                    f"ruang kosong dan koneksi ke folder '{folder}', lalu ulangi."
                ) from exc
            if not tmp.is_file():
                raise UnusableFileError(f"Penyimpanan buku kerja '{p.name}' gagal: berkas sementara tidak terbentuk. Buku kerja belum diubah.")
            _fault_point("after-temp-write")
            if verify_fn is not None:
                try:
                    verify_fn(tmp)
                except UnusableFileError as exc:  # its message names the temp file: say what it means
                    raise type(exc)(
                        f"Versi baru buku kerja '{p.name}' tidak disimpan karena gagal diperiksa; buku kerja belum "
                        f"diubah. Rincian: {exc.message}"
                    ) from exc
            _fault_point("after-verify")
            try:
                _fsync_path(tmp)
            except OSError as exc:
                raise UnusableFileError(
                    f"Buku kerja '{p.name}' gagal disimpan ({exc.strerror or exc}). Buku kerja belum diubah; periksa "
                    f"koneksi ke folder '{folder}', lalu ulangi."
                ) from exc
            _fault_point("after-fsync")
            if backups > 0 and p.exists():
                backup = _make_backup(p, bdir, clock)
            _fault_point("after-backup")
            if p.exists():
                _keep_mode_and_group(p, tmp)
            _fault_point("before-replace")
            _replace(tmp, p)
        except BaseException:
            _unlink_quiet(tmp)
            raise
        completed_saves.append(p)
        _fault_point("after-replace")
        _fsync_dir(folder)
        if backups > 0:
            _rotate(p, bdir, backups)
        return backup


def restore_backup(
    path: str | os.PathLike[str],
    backup: BackupInfo | int | str | os.PathLike[str] | None = None,
    *,
    backups: int = DEFAULT_BACKUPS,
    backup_dir: str | os.PathLike[str] | None = None,
    clock: Clock = datetime.now,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    check_excel: bool = True,
) -> BackupInfo:
    """Put a backup back in place of ``path`` through :func:`atomic_write` (so the current version is backed up too).

    ``backup``: ``None`` = newest; an ``int`` = index in :func:`list_backups` (0 = newest); a ``str``/path = a backup's
    file name or path; or a :class:`BackupInfo`.  The chosen file must pass :func:`check_workbook_file`.  Returns the
    backup that was restored (its file may since have been rotated away if it was the oldest).
    """
    from lkj_xl.files.guard import check_workbook_file

    p = real_path(path)
    available = list_backups(p, backup_dir=backup_dir)
    chosen = _choose_backup(p, available, backup, backup_dir_for(p, backup_dir))
    check_workbook_file(chosen.path)

    def write(tmp: Path) -> None:
        shutil.copyfile(chosen.path, tmp)

    atomic_write(
        p,
        write,
        check_workbook_file,
        backups=backups,
        backup_dir=backup_dir,
        clock=clock,
        lock_timeout=lock_timeout,
        check_excel=check_excel,
    )
    return chosen


def _choose_backup(path: Path, available: list[BackupInfo], backup: object, folder: Path) -> BackupInfo:
    if not available:
        raise UnusableFileError(f"Belum ada cadangan untuk buku kerja '{path.name}' di folder '{folder}'.")
    if backup is None:
        return available[0]
    if isinstance(backup, bool):
        raise TypeError("backup must be None, an int index, a name/path or a BackupInfo")
    if isinstance(backup, int):
        if 0 <= backup < len(available):
            return available[backup]
        # no index in the message: the API is 0-based, the list users see (``lkj backups``) starts at 1
        raise UnusableFileError(
            f"Cadangan yang diminta tidak ada: buku kerja '{path.name}' hanya punya {len(available)} cadangan. "
            "Lihat daftarnya dengan perintah 'lkj backups', lalu ulangi."
        )
    if isinstance(backup, BackupInfo):
        wanted = backup.path.name
    elif isinstance(backup, (str, os.PathLike)):
        wanted = Path(backup).name
    else:
        raise TypeError("backup must be None, an int index, a name/path or a BackupInfo")
    for info in available:
        if info.path.name == wanted:
            return info
    raise UnusableFileError(f"Cadangan '{wanted}' untuk buku kerja '{path.name}' tidak ditemukan di folder '{folder}'.")
