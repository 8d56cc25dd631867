"""The actions a person can run on a tracker, and their Indonesian names: one list for the ``lkj`` command, the
ribbon (its button labels and whitelist; ``tests/test_xlsm.py`` checks ``macros/`` against it) and Riwayat.

Kept apart from :mod:`lkj_xl.workbook.actions` so the ribbon can check a button's name before importing the engine.
"""

from __future__ import annotations

ACTION_VALIDATE = "validate"
ACTION_REFRESH = "refresh"
ACTION_REPORT = "report"
ACTION_CLOSE = "close_cycle"
ACTION_REMINDERS = "reminders"
ACTION_CHECK_SYSTEM = "check_system"
ACTION_GUIDE = "guide"
ACTION_PROBLEMS = "problems"

#: Action -> its Indonesian name (the ribbon button's label, the Riwayat "Aksi" column), in ribbon order.
ACTION_LABELS: dict[str, str] = {
    ACTION_VALIDATE: "Validasi",
    ACTION_REFRESH: "Hitung Batas Waktu",
    ACTION_REPORT: "Buat Laporan",
    ACTION_CLOSE: "Tutup Siklus",
    ACTION_REMINDERS: "Pengingat",
    ACTION_CHECK_SYSTEM: "Cek Sistem",
    ACTION_GUIDE: "Panduan",
    ACTION_PROBLEMS: "Daftar Masalah",
}

#: The actions the ribbon may run.  Must equal LKJ_ACTIONS in macros/LKjRibbon.bas and the button tags in
#: macros/customUI14.xml; :func:`lkj_xl.ribbon.dispatch` refuses anything else.
RIBBON_ACTIONS: tuple[str, ...] = tuple(ACTION_LABELS)

__all__ = ["ACTION_LABELS", "RIBBON_ACTIONS"]
