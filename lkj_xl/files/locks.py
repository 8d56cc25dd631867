"""Who else is using the workbook: Excel (its ``~$`` owner file) and other ``lkj`` processes (our lock file).

Excel owner file
    When Excel opens ``X.xlsx`` it creates a small hidden file ``~$X.xlsx`` beside it and deletes it on close (a crash
    leaves it behind).  Excel itself uses the full name; Word shortens long names (drops the first two characters when
    the stem has 8+ characters, one when it has 7), and some Office builds are reported to do the same for Excel, so
    both forms are checked.  Layout (165 bytes for Excel, 162 for Word): byte 0 = length of the user name, then the
    name in the Windows ANSI code page padded with spaces (Excel) or NULs (Word); then a 2-byte little-endian length
    and the name again in UTF-16LE, at offset 55 (Excel) or 54 (Word).  :func:`excel_owner` accepts both.

Process lock
    :func:`workbook_lock` takes an exclusive OS lock on ``.~lkj-<workbook name>.lock`` in the workbook's folder
    (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows -- SMB servers enforce the latter across machines).  The
    OS drops the lock when the process dies, so a crash never leaves a stale lock; the lock FILE stays (deleting it
    would race with a waiting process) and only its content -- host, user, pid, time -- is rewritten by each holder,
    for the "who holds it" message.  The lock is re-entrant within one thread; other threads and processes wait.
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import os
import stat
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lkj_xl.files.names import LOCK_PREFIX, LOCK_SUFFIX
from lkj_xl.core.errors import FileLockedError, UnusableFileError

__all__ = [
    "HeldLock",
    "LockHolder",
    "ensure_not_open_in_excel",
    "excel_owner",
    "excel_owner_file",
    "lock_path_for",
    "owner_file_candidates",
    "parse_owner_file",
    "read_lock_holder",
    "real_path",
    "refuse_read_only",
    "workbook_lock",
]

DEFAULT_LOCK_TIMEOUT = 30.0
_OWNER_MAX_BYTES = 1024
_MSO_MAX_NAME = 54  # Office refuses longer user names (52); allow a little slack
_HOLDER_BYTES = 512  # the lock file's content is written padded to this size (never truncated: see _write_holder)
_WIN_LOCK_OFFSET = 1 << 30  # Windows byte-range lock far past the content, so others can still read who holds it


# ------------------------------------------------------------------------------------------------ the real file
def real_path(path: str | os.PathLike[str]) -> Path:
    """The file a path names, symlinks followed: the lock, Excel's owner file and the backups all belong beside the
    real file, so two writers reaching it through a symlink and through its real path meet at the same lock."""
    p = Path(path)
    return Path(os.path.realpath(p)) if p.is_symlink() else p


def refuse_read_only(path: str | os.PathLike[str]) -> None:
    """Refuse a workbook whose mode bits say nobody may write it (``chmod 444``; on Windows the read-only attribute,
    which ``os.stat`` reports as a missing ``S_IWRITE``).  Decided from the bits, not by trying: an administrator
    (root) could write it anyway, and the person who marked it read-only meant it."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # a missing file is not read-only; other errors surface where the file is read
    if stat.S_ISREG(mode) and not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        name = Path(path).name
        raise UnusableFileError(
            f"Buku kerja '{name}' bersifat hanya-baca (read-only), sehingga tidak diubah. Bila memang boleh diubah, "
            f"hilangkan tanda hanya-baca (klik kanan berkas > Properti > hapus centang 'Hanya-baca', atau minta "
            f"pengelola folder memberi izin menulis), lalu ulangi."
        )


# ------------------------------------------------------------------------------------------------ Excel owner file
def owner_file_candidates(path: str | os.PathLike[str]) -> list[Path]:
    """Possible owner-file paths for ``path``: ``~$`` + full name, and the shortened forms Word-style naming uses."""
    p = Path(path)
    name = p.name
    stem_len = len(p.stem)
    names = ["~$" + name]
    if stem_len >= 8:
        names.append("~$" + name[2:])
    elif stem_len == 7:
        names.append("~$" + name[1:])
    return [p.with_name(n) for n in names]


def excel_owner_file(path: str | os.PathLike[str]) -> Path | None:
    """The existing owner file for ``path``, if any (exact name first, then a case-insensitive folder scan)."""
    candidates = owner_file_candidates(path)
    for cand in candidates:
        if cand.is_file():
            return cand
    wanted = {c.name.casefold(): c for c in candidates}
    try:
        with os.scandir(Path(path).parent) as it:
            for entry in it:
                if entry.name.startswith("~$") and entry.name.casefold() in wanted and entry.is_file():
                    return Path(entry.path)
    except OSError:
        pass
    return None


def parse_owner_file(data: bytes) -> str:
    """The user name in an Office owner file's bytes; ``""`` when it cannot be read.  Pure, never raises."""
    for offset in (55, 54):  # Excel/PowerPoint position, Word position
        if len(data) < offset + 2:
            continue
        count = int.from_bytes(data[offset : offset + 2], "little")
        end = offset + 2 + 2 * count
        if not 0 < count <= _MSO_MAX_NAME or end > len(data):
            continue
        name = data[offset + 2 : end].decode("utf-16-le", errors="replace")
        name = _clean_name(name)
        if name and "\ufffd" not in name:
            return name
    if data:
        count = data[0]
        raw = data[1 : 1 + count] if 0 < count <= _MSO_MAX_NAME else data[1 : 1 + _MSO_MAX_NAME]
        for codec in ("cp1252", "latin-1"):
            try:
                name = _clean_name(raw.decode(codec))
            except UnicodeDecodeError:
                continue
            if name:
                return name
    return ""


def _clean_name(name: str) -> str:
    name = name.split("\x00", 1)[0].strip()
    if any(ord(ch) < 32 for ch in name):
        return ""
    return name


def excel_owner(path: str | os.PathLike[str]) -> str | None:
    """Who has ``path`` open in Excel: ``None`` when no owner file exists, ``""`` when it exists but is unreadable."""
    owner = excel_owner_file(path)
    return None if owner is None else _read_owner(owner)


def _read_owner(owner: Path) -> str | None:
    try:
        with open(owner, "rb") as fh:
            data = fh.read(_OWNER_MAX_BYTES)
    except FileNotFoundError:  # Excel closed it just now
        return None
    except OSError:
        return ""
    return parse_owner_file(data)


def ensure_not_open_in_excel(path: str | os.PathLike[str]) -> None:
    """Raise :class:`FileLockedError` when an Excel owner file says someone has the workbook open (beside the real
    file when ``path`` is a symlink)."""
    p = real_path(path)
    owner_file = excel_owner_file(p)
    who = None if owner_file is None else _read_owner(owner_file)
    if owner_file is None or who is None:
        return
    by = f" oleh {who}" if who else ""
    raise FileLockedError(
        f"Buku kerja '{p.name}' sedang dibuka di Excel{by}. Tutup dulu buku kerja itu di Excel (simpan perubahannya), "
        f"lalu ulangi. Jika Excel sudah benar-benar tertutup, hapus berkas tersembunyi '{owner_file.name}' di folder "
        f"'{p.parent}', lalu ulangi."
    )


# --------------------------------------------------------------------------------------------------- process lock
@dataclass(frozen=True)
class LockHolder:
    """What the current holder wrote into the lock file (fields may be empty if it could not be read)."""

    host: str = ""
    user: str = ""
    pid: int | None = None
    since: str = ""

    def describe(self) -> str:
        parts = []
        if self.user:
            parts.append(f"pengguna '{self.user}'")
        if self.host:
            parts.append(f"di komputer '{self.host}'")
        if self.pid is not None:
            parts.append(f"PID {self.pid}")
        if self.since:
            parts.append(f"sejak {self.since}")
        return ", ".join(parts)


@dataclass(frozen=True)
class HeldLock:
    """Handed out by :func:`workbook_lock`.  ``mtime`` is the lock file's modification time right after we took it,
    in the file system's own clock: anything in the folder older than that predates our hold."""

    lock_path: Path
    mtime: float


def lock_path_for(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    return p.with_name(f"{LOCK_PREFIX}{p.name}{LOCK_SUFFIX}")


def _key(lock_path: Path) -> str:
    return os.path.normcase(os.path.abspath(lock_path))


_registry_guard = threading.Lock()
_held: dict[str, tuple[int, int, HeldLock]] = {}  # key -> (thread ident, depth, held)


def _current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no USER/LOGNAME and no pwd entry
        return ""


def _holder_text() -> bytes:
    lines = [
        f"host={socket.gethostname()}",
        f"user={_current_user()}",
        f"pid={os.getpid()}",
        f"since={datetime.now().strftime('%Y-%m-%d %H:%M:%S')}",
    ]
    data = ("\n".join(lines) + "\n").encode("utf-8", errors="replace")[: _HOLDER_BYTES - 1]
    return data + b" " * (_HOLDER_BYTES - len(data))


def read_lock_holder(lock_path: str | os.PathLike[str]) -> LockHolder:
    """Parse the lock file's content; empty :class:`LockHolder` if unreadable.  Never raises."""
    try:
        with open(lock_path, "rb") as fh:
            text = fh.read(_HOLDER_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return LockHolder()
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            fields[key.strip()] = value.strip()
    pid_text = fields.get("pid", "")
    return LockHolder(
        host=fields.get("host", ""),
        user=fields.get("user", ""),
        pid=int(pid_text) if pid_text.isdigit() else None,
        since=fields.get("since", ""),
    )


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _hide_file(path: Path) -> None:  # pragma: no cover - Windows only
    with contextlib.suppress(Exception):
        import ctypes

        file_attribute_hidden = 0x2
        attrs = ctypes.windll.kernel32.GetFileAttributesW(str(path))
        if attrs != -1 and not attrs & file_attribute_hidden:
            ctypes.windll.kernel32.SetFileAttributesW(str(path), attrs | file_attribute_hidden)


def _no_space(lock_path: Path, exc: OSError) -> UnusableFileError:
    return UnusableFileError(
        f"Berkas kunci '{lock_path.name}' tidak dapat ditulis di folder '{lock_path.parent}' ({exc.strerror or exc}). "
        "Periksa ruang kosong di disk atau kuota folder itu, lalu ulangi. Buku kerja belum diubah."
    )


def name_too_long(path: Path, limit: int | None = None) -> UnusableFileError:
    """The workbook's name leaves no room for the lock and temporary files lkj keeps beside it."""
    within = f" (batas sistem berkas {limit} karakter)" if limit else ""
    return UnusableFileError(
        f"Nama berkas buku kerja '{path.name}' terlalu panjang ({len(path.name)} karakter): lkj menyimpan berkas "
        f"kunci dan berkas sementara bernama lebih panjang di sampingnya{within}. Persingkat nama berkasnya (mis. "
        f"di bawah 200 karakter), lalu ulangi. Buku kerja belum diubah."
    )


def _write_holder(fd: int) -> None:
    # Written in place at a fixed size: no truncation, which Windows may refuse on a file with a byte-range lock.
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, _holder_text())
    with contextlib.suppress(OSError):
        os.fsync(fd)


@contextlib.contextmanager
def workbook_lock(
    path: str | os.PathLike[str],
    timeout: float = DEFAULT_LOCK_TIMEOUT,
    *,
    poll_interval: float = 0.1,
) -> Iterator[HeldLock]:
    """Hold the exclusive ``lkj`` lock of workbook ``path`` for the ``with`` block.

    Waits at most ``timeout`` seconds, then raises :class:`FileLockedError` naming the holder.  Re-entrant in the same
    thread (a nested ``with`` returns at once).  A symlink's lock is its real file's.
    """
    path = real_path(path)
    lock_path = lock_path_for(path)
    key = _key(lock_path)
    me = threading.get_ident()
    with _registry_guard:
        entry = _held.get(key)
        if entry is not None and entry[0] == me:
            _held[key] = (me, entry[1] + 1, entry[2])
            reentrant = entry[2]
        else:
            reentrant = None
    if reentrant is not None:
        try:
            yield reentrant
        finally:
            with _registry_guard:
                owner, depth, held = _held[key]
                _held[key] = (owner, depth - 1, held)
        return

    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOINHERIT", 0)
    try:
        fd = os.open(lock_path, flags, 0o666)
    except FileNotFoundError:
        raise UnusableFileError(f"Folder '{lock_path.parent}' tidak ditemukan. Periksa lokasi buku kerja, lalu ulangi.") from None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise name_too_long(Path(path)) from None
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            raise _no_space(lock_path, exc) from None
        raise UnusableFileError(
            f"Tidak dapat membuat berkas kunci '{lock_path.name}' di folder '{lock_path.parent}' ({exc.strerror or exc}). "
            "Periksa izin menulis di folder itu, lalu ulangi."
        ) from None
    if sys.platform == "win32":  # pragma: no cover - keep the permanent lock file out of staff's way
        _hide_file(lock_path)
    try:
        deadline = time.monotonic() + max(timeout, 0.0)
        while not _try_lock(fd):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                holder = read_lock_holder(lock_path).describe()
                by = f" ({holder})" if holder else ""
                raise FileLockedError(
                    f"Buku kerja '{Path(path).name}' sedang ditulis oleh proses lkj lain{by}. Tunggu sampai proses itu "
                    f"selesai, lalu ulangi. (Sudah menunggu {f'{timeout:g}'.replace('.', ',')} detik.)"
                )
            time.sleep(min(poll_interval, remaining))
    except BaseException:
        os.close(fd)
        raise
    try:
        try:
            _write_holder(fd)
        except OSError as exc:  # disk full, quota: nothing of the workbook has been touched yet
            raise _no_space(lock_path, exc) from None
        held = HeldLock(lock_path=lock_path, mtime=os.fstat(fd).st_mtime)
        with _registry_guard:
            _held[key] = (me, 1, held)
        try:
            yield held
        finally:
            with _registry_guard:
                _held.pop(key, None)
    finally:
        try:
            _unlock(fd)
        finally:
            os.close(fd)
