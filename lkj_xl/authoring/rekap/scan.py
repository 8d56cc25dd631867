"""Finding the trackers under a folder: every .xlsx/.xlsm, recursively, less what ``lkj`` and Excel keep beside a
workbook (backups in ``Cadangan LKj``, Excel's ``~$`` owner files, ``lkj``'s temporary and lock files) and the recap
itself.  Only names are looked at here; whether a workbook is a tracker is decided when it is read."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from lkj_xl.core.errors import UnusableFileError
from lkj_xl.files.names import BACKUP_DIR_NAME, EXCEL_OWNER_PREFIX, LOCK_PREFIX, TEMP_PREFIX

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")

# Why a file was skipped (keys of Scan.skipped), with the Indonesian text shown to people.
SKIP_BACKUP = "cadangan"
SKIP_OWNER = "pemilik_excel"
SKIP_TEMP = "sementara"
SKIP_RECAP = "rekap"
SKIP_NOT_TRACKER = "bukan_pelacak"
SKIP_LABELS = {
    SKIP_BACKUP: f"cadangan di folder '{BACKUP_DIR_NAME}'",
    SKIP_OWNER: "berkas penanda Excel (~$...) milik buku kerja yang sedang dibuka",
    SKIP_TEMP: "berkas sementara atau kunci lkj (.~lkj-...)",
    SKIP_RECAP: "berkas rekap ini sendiri",
    SKIP_NOT_TRACKER: "buku kerja yang bukan pelacak LKj (tidak ada lembar Pengaturan/SOP dan Langkah)",
}


@dataclass
class Scan:
    folder: Path
    #: workbooks to read, in path order
    candidates: list[Path] = field(default_factory=list)
    #: reason -> files skipped for it (paths)
    skipped: dict[str, list[Path]] = field(default_factory=dict)

    def skip(self, reason: str, path: Path) -> None:
        self.skipped.setdefault(reason, []).append(path)


def _same(a: Path, b: Path | None) -> bool:
    if b is None:
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def scan_folder(folder: str | os.PathLike[str], *, recap: Path | None = None) -> Scan:
    """Every workbook under ``folder`` to read, and what was skipped.  A missing folder raises
    :class:`UnusableFileError`."""
    root = Path(folder)
    if not root.exists():
        raise UnusableFileError(f"Folder '{root}' tidak ditemukan. Periksa nama dan lokasi folder, lalu ulangi.")
    if not root.is_dir():
        raise UnusableFileError(f"'{root}' bukan folder. Berikan folder yang berisi buku kerja pelacak LKj.")
    scan = Scan(root)
    backup_name = BACKUP_DIR_NAME.casefold()

    def on_error(exc: OSError) -> None:
        if Path(exc.filename or "") == root:
            raise UnusableFileError(f"Folder '{root}' tidak dapat dibaca ({exc.strerror or exc}).") from None

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        here = Path(dirpath)
        dirnames.sort()
        for name in [d for d in dirnames if d.casefold() == backup_name]:
            dirnames.remove(name)
            for inner, _dirs, files in os.walk(here / name):
                for f in sorted(files):
                    if f.lower().endswith(WORKBOOK_SUFFIXES):
                        scan.skip(SKIP_BACKUP, Path(inner) / f)
        for name in sorted(filenames):
            if not name.lower().endswith(WORKBOOK_SUFFIXES):
                continue
            path = here / name
            if name.startswith(EXCEL_OWNER_PREFIX):
                scan.skip(SKIP_OWNER, path)
            elif name.startswith((TEMP_PREFIX, LOCK_PREFIX)):
                scan.skip(SKIP_TEMP, path)
            elif _same(path, recap):
                scan.skip(SKIP_RECAP, path)
            else:
                scan.candidates.append(path)
    scan.candidates.sort(key=lambda p: p.relative_to(root).as_posix().casefold())
    return scan
