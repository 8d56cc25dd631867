"""The file-safety layer, in one import: pure file handling, no knowledge of the workbook's sheets.

* :mod:`lkj_xl.fileguard` -- :func:`check_workbook_file` before loading (missing/empty/not a workbook/encrypted/
  old ``.xls``/oversized/zip bomb/missing parts/DTD in XML).
* :mod:`lkj_xl.locks` -- :func:`excel_owner`, :func:`ensure_not_open_in_excel` (Excel's ``~$`` owner file) and
  :func:`workbook_lock` (one ``lkj`` writer per workbook, across processes and machines).
* :mod:`lkj_xl.backups` -- :func:`atomic_write` (temp in the same folder, verify, fsync, backup, ``os.replace``),
  :func:`list_backups`, :func:`restore_backup`; backups live in ``Cadangan LKj`` beside the workbook.

Typical command flow::

    check_workbook_file(path)
    ensure_not_open_in_excel(path)
    with workbook_lock(path):
        wb = openpyxl.load_workbook(path, keep_vba=True)
        ...  # change wb
        atomic_write(path, wb.save, verify_fn=check_workbook_file)

All errors are :class:`lkj_xl.errors.UnusableFileError` / :class:`lkj_xl.errors.FileLockedError` (exit code 2) with
an Indonesian ``message`` naming the file.
"""

from __future__ import annotations

from lkj_xl.backups import (
    BACKUP_DIR_NAME,
    BackupInfo,
    atomic_write,
    backup_dir_for,
    list_backups,
    restore_backup,
)
from lkj_xl.fileguard import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_RATIO,
    DEFAULT_MAX_UNCOMPRESSED,
    WorkbookFileInfo,
    check_workbook_file,
    openpyxl_xml_is_defused,
    scan_xml_prolog,
)
from lkj_xl.locks import (
    HeldLock,
    LockHolder,
    ensure_not_open_in_excel,
    excel_owner,
    excel_owner_file,
    lock_path_for,
    parse_owner_file,
    read_lock_holder,
    workbook_lock,
)

__all__ = [
    "BACKUP_DIR_NAME",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_RATIO",
    "DEFAULT_MAX_UNCOMPRESSED",
    "BackupInfo",
    "HeldLock",
    "LockHolder",
    "WorkbookFileInfo",
    "atomic_write",
    "backup_dir_for",
    "check_workbook_file",
    "ensure_not_open_in_excel",
    "excel_owner",
    "excel_owner_file",
    "list_backups",
    "lock_path_for",
    "openpyxl_xml_is_defused",
    "parse_owner_file",
    "read_lock_holder",
    "restore_backup",
    "scan_xml_prolog",
    "workbook_lock",
]
