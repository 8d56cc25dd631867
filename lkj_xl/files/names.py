"""The names of the files ``lkj`` keeps beside a workbook, in one place (the pre-load checks, the locks, the safe
save and the folder scan all need to recognise them)."""

from __future__ import annotations

#: Backups of a workbook go to this folder beside it.
BACKUP_DIR_NAME = "Cadangan LKj"
#: A temporary copy being written and checked before it replaces the workbook.
TEMP_PREFIX = ".~lkj-tmp-"
#: The ``lkj`` process lock beside a workbook: ``.~lkj-<name>.lock``.
LOCK_PREFIX = ".~lkj-"
LOCK_SUFFIX = ".lock"
#: Excel's owner file beside a workbook it has open: ``~$<name>``.
EXCEL_OWNER_PREFIX = "~$"
