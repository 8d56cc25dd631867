"""The "LKj" ribbon tab's Python side: what runs when staff click a button in ``LKj_Tracker.xlsm``.

The VBA callback (``macros/LKjRibbon.bas``) runs, for a whitelisted button tag only::

    RunPython "import lkj_xl.ribbon as r; r.dispatch('<action>')"

:func:`dispatch` accepts only the names in :data:`lkj_xl.workbook.commands.RIBBON_ACTIONS`; anything else gets an Indonesian
message box and nothing runs.  ``validate`` / ``refresh`` / ``report`` run the *same* core functions as the ``lkj``
CLI (:mod:`lkj_xl.workbook.actions`), over the calling workbook (``xw.Book.caller()``) through
:class:`lkj_xl.engines.xlwings_book.LiveBook`, at ``as_of = runtime.now_instant()`` (read on the workbook's clock).  Results and errors reach the user only as
Excel message boxes in Indonesian; a Python exception never shows as a traceback: :func:`dispatch` logs it to
:func:`log_path` and says where.  Saving stays Excel's (the user's) job.

What each action does in the workbook:

* ``validate``: reads everything, writes the problem list on ``Masalah`` (the same writer refresh uses)
  so the user can click through to each cell, and nothing else (no entry cell, no computed column, no history);
* ``refresh``: :func:`lkj_xl.workbook.actions.refresh` (computed columns, Beranda, Masalah, one Riwayat line);
* ``report``: :func:`lkj_xl.workbook.actions.report` (refresh, then the Laporan sheet), then shows Laporan;
* ``check_system``: Python / lkj-xl / xlwings versions (and the VBA module's xlwings version where readable) and
  the workbook layout (the tracker reader's problems), in one message;
* ``guide``: shows Beranda and a short guide (works offline);
* ``problems``: shows the ``Masalah`` sheet.

Every click starts a fresh Python, so import time is waiting time: this module imports only the standard library
at module level; xlwings, the core and the live book are imported inside the functions that need them (the live
path never loads openpyxl; xlwings itself loads pandas/numpy, which we cannot avoid).  The occasional buttons
(Tutup Siklus, Pengingat, Cek Sistem) live in :mod:`lkj_xl.ribbon.occasional`, loaded only when clicked.  A click
that is its process's whole life (xlwings' RunPython, not its UDF server) leaves the cyclic collector off at the
end (:func:`lkj_xl.files.collector.process_ends`) and writes lkj-xl's bytecode when the install has none
(:mod:`lkj_xl.files.bytecode`).

Tests and tools call the entry points with ``book=`` (an xlwings Book, e.g. one made by the json engine) and
``as_of=`` instead of the caller and the clock.
"""

from __future__ import annotations

import sys
from typing import Any, Callable

from lkj_xl.engines import excel_host
from lkj_xl.ribbon.common import TITLE, alert, counts, cycle, listing, live, overall, problem_part, when
from lkj_xl.runtime import LOG_DIR_ENV, LOG_NAME, log_failure, log_path  # noqa: F401 - public here too



GUIDE_TEXT = (
    "Panduan singkat Pelacak LKj (SOP 3.1.2.6 Penyusunan LKj)\n"
    "\n"
    "1. Sekali di awal: periksa lembar Pengaturan (tahun pelaporan, instansi, jam kerja), Hari Libur dan "
    "Pegawai (nama, NIP, jabatan sesuai SOP).\n"
    "2. Setiap langkah SOP punya lembar \"Langkah N\". Saat berkas diterima, isi satu baris: Tahun, Diterima "
    "(tanggal dan jam), Pelaksana. Saat selesai, isi Selesai, Nomor Output dan Catatan bila ada.\n"
    "3. Klik Validasi untuk memeriksa isian. Setiap masalah dicatat di lembar Masalah; klik \"Buka\" pada "
    "barisnya untuk menuju sel yang perlu diperbaiki (tombol Daftar Masalah membuka lembar itu).\n"
    "4. Klik Hitung Batas Waktu untuk memperbarui batas waktu, status, keterlambatan dan Beranda.\n"
    "5. Klik Buat Laporan untuk mengisi lembar Laporan, lalu periksa dan cetak.\n"
    "6. Bila tombol tidak bekerja, klik Cek Sistem.\n"
    "\n"
    "Kolom di bawah tulisan \"dihitung otomatis\" diisi oleh tombol; jangan diketik. Setelah menekan tombol, "
    "simpan buku kerja seperti biasa (Ctrl+S)."
)


# --- entry points ----------------------------------------------------------------------------------------------------


def validate(book: Any = None, *, as_of: Any = None) -> Any:
    """Button "Validasi"."""
    return dispatch("validate", book=book, as_of=as_of)


def refresh(book: Any = None, *, as_of: Any = None) -> Any:
    """Button "Hitung Batas Waktu"."""
    return dispatch("refresh", book=book, as_of=as_of)


def report(book: Any = None, *, as_of: Any = None) -> Any:
    """Button "Buat Laporan"."""
    return dispatch("report", book=book, as_of=as_of)


def close_cycle(book: Any = None, *, as_of: Any = None) -> Any:
    """Button "Tutup Siklus"."""
    return dispatch("close_cycle", book=book, as_of=as_of)


def reminders(book: Any = None, *, as_of: Any = None) -> Any:
    """Button "Pengingat"."""
    return dispatch("reminders", book=book, as_of=as_of)


def check_system(book: Any = None, *, as_of: Any = None) -> Any:
    """Button "Cek Sistem"."""
    return dispatch("check_system", book=book, as_of=as_of)


def guide(book: Any = None, *, as_of: Any = None) -> Any:
    """Button "Panduan"."""
    return dispatch("guide", book=book, as_of=as_of)


def problems(book: Any = None, *, as_of: Any = None) -> Any:
    """Button "Daftar Masalah"."""
    return dispatch("problems", book=book, as_of=as_of)


def dispatch(action: str, *, book: Any = None, as_of: Any = None) -> Any:
    """Run ribbon ``action`` on ``book`` (default: the calling workbook) at ``as_of`` (default: now, on the workbook's clock: Pengaturan, "Zona waktu").

    Only names in ``RIBBON_ACTIONS`` run.  Returns the action's :class:`lkj_xl.workbook.actions.Analysis` for validate /
    refresh / report, else None (also after any failure, which the user has been told about in a message box).
    Never raises, except ``SystemExit(1)`` when run from Excel without a workbook to show a message in (then the
    short Indonesian message on stderr is what xlwings' VBA shows).
    """
    from lkj_xl.workbook.commands import ACTION_LABELS, RIBBON_ACTIONS

    last = book is None and _click_ends_process()
    if last:
        from lkj_xl.files.collector import process_ends

        process_ends()
    xl_book = book
    if xl_book is None:
        try:
            xl_book = excel_host.caller_book()
        except BaseException as exc:  # noqa: BLE001 - report, never a traceback
            _fail_without_book(action, exc)
            return None

    if not isinstance(action, str) or action not in RIBBON_ACTIONS:
        shown = str(action)[:60]
        alert(xl_book,
               f"Perintah \"{shown}\" tidak dikenal oleh Pelacak LKj, sehingga tidak ada yang dijalankan.\n"
               f"Perintah yang dikenal: {', '.join(ACTION_LABELS.get(a, a) for a in RIBBON_ACTIONS)}.\n"
               "Hubungi pengelola buku kerja ini.", critical=True)
        return None

    handler = _HANDLERS[action]
    label = ACTION_LABELS.get(action, action)
    mark = excel_host.json_mark(xl_book)
    try:
        if as_of is None:
            from lkj_xl.runtime import now_instant

            as_of = now_instant()  # the action reads it on the workbook's clock (Pengaturan, "Zona waktu")
        if last:  # the collector is off for good (process_ends, above)
            from lkj_xl.files.bytecode import written

            # a copy of lkj-xl without bytecode compiles its modules on this click only, not on every click
            with written():
                return handler(xl_book, as_of)
        from lkj_xl.files.collector import long_lived, paused

        # the workbook's values and the modules just imported stay out of the collector's walks, and the click
        # runs without collections (the collector is back on when it returns)
        with long_lived(), paused():
            return handler(xl_book, as_of)
    except BaseException as exc:  # noqa: BLE001 - every failure becomes a message box
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        excel_host.json_rollback(xl_book, mark)
        _report_failure(xl_book, action, label, exc)
        return None
    finally:
        excel_host.set_status(xl_book, None)


def _click_ends_process() -> bool:
    """Whether this Python ends when the click returns.  xlwings' RunPython starts ``python -B -c "...; import
    lkj_xl.ribbon as r; r.dispatch('<action>')"`` per click, so the code calling into this module is the top level of
    ``-c``.  In xlwings' UDF server (one process for a whole Excel session) the same command runs inside the server's
    ``Exec``, and in tests and tools inside their own functions: then the frame has a caller."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back
    return (frame is not None and frame.f_back is None and frame.f_code.co_name == "<module>"
            and frame.f_globals.get("__name__") == "__main__" and sys.argv[:1] == ["-c"])


# --- the actions -----------------------------------------------------------------------------------------------------


def _do_validate(xl_book: Any, as_of: Any) -> Any:
    from lkj_xl.workbook import actions
    from lkj_xl.workbook import writers

    book = live(xl_book)
    excel_host.set_status(xl_book, "LKj: memeriksa isian...")
    analysis = actions.validate(book, as_of=as_of)
    excel_host.set_status(xl_book, "LKj: menulis daftar masalah...")
    # The same writer refresh uses; validate writes the problem list and nothing else.
    writers.write_problems(book, analysis.tracker, analysis.problems, checked_at=as_of, as_of=as_of)
    if analysis.problems:
        text = f"Validasi {cycle(analysis)}: {counts(analysis)}.\n\n{listing(analysis.problems)}"
    else:
        text = f"Validasi {cycle(analysis)}: tidak ada kesalahan dan tidak ada peringatan."
    alert(xl_book, text, critical=bool(analysis.errors))
    return analysis


def _do_refresh(xl_book: Any, as_of: Any) -> Any:
    from lkj_xl.workbook import actions

    book = live(xl_book)
    excel_host.set_status(xl_book, "LKj: menghitung batas waktu...")
    analysis = actions.refresh(book, as_of=as_of, extra_history=lambda local: _sent_today(xl_book, local))
    text = (f"Batas waktu {cycle(analysis)} dihitung ulang per {when(analysis.as_of)}.\n"
            f"Kolom terhitung, Beranda dan lembar Masalah sudah diperbarui. "
            f"{overall(analysis)}.\n\n{problem_part(analysis)}\n\n"
            "Simpan buku kerja untuk menyimpan hasilnya.")
    alert(xl_book, text, critical=bool(analysis.errors))
    return analysis


def _sent_today(xl_book: Any, as_of: Any) -> list[str]:
    """The day's e-mailed reminders (the send log beside the workbook file) as Riwayat lines; none when the workbook
    has no file yet or the log cannot be read."""
    from pathlib import Path

    from lkj_xl.delivery import sendlog
    from lkj_xl.files.names import BACKUP_DIR_NAME

    try:
        path = Path(str(xl_book.fullname))
        if not path.is_absolute():
            return []
        return sendlog.history_lines(path, BACKUP_DIR_NAME, as_of.date())
    except Exception:  # noqa: BLE001 - the history line is a nicety; the refresh goes on without it
        return []


def _do_report(xl_book: Any, as_of: Any) -> Any:
    from lkj_xl.workbook import actions
    from lkj_xl.workbook import layout

    book = live(xl_book)
    excel_host.set_status(xl_book, "LKj: menyusun laporan...")
    analysis = actions.report(book, as_of=as_of)
    book.activate(layout.SHEET_REPORT)
    text = (f"Lembar Laporan {cycle(analysis)} ditulis per {when(analysis.as_of)} "
            f"(batas waktu, Beranda dan lembar Masalah ikut diperbarui). "
            f"{overall(analysis)}.\n\n{problem_part(analysis)}\n\n"
            "Periksa lembar Laporan, simpan buku kerja, lalu cetak.")
    if analysis.errors:
        from lkj_xl.core.report import draft_line

        text = f"{draft_line(len(analysis.errors))}.\n\n{text}"
    alert(xl_book, text, critical=bool(analysis.errors))
    return analysis


def _do_guide(xl_book: Any, as_of: Any) -> None:
    from lkj_xl.workbook import layout

    live(xl_book).activate(layout.SHEET_HOME)
    alert(xl_book, GUIDE_TEXT, critical=False)
    return None


def _do_problems(xl_book: Any, as_of: Any) -> None:
    from lkj_xl.workbook import layout

    if not live(xl_book).activate(layout.SHEET_PROBLEMS):
        alert(xl_book, f"Lembar \"{layout.SHEET_PROBLEMS}\" tidak ada di buku kerja ini. Klik Cek Sistem untuk "
                        "melihat apa yang perlu diperbaiki.", critical=True)
    return None


def _occasional(name: str) -> Callable[[Any, Any], Any]:
    """The handler ``name`` of :mod:`lkj_xl.ribbon.occasional`, imported when its button is clicked."""

    def handler(xl_book: Any, as_of: Any) -> Any:
        from lkj_xl.ribbon import occasional

        return getattr(occasional, name)(xl_book, as_of)

    handler.__name__ = name
    return handler


_HANDLERS: dict[str, Callable[[Any, Any], Any]] = {
    "validate": _do_validate,
    "close_cycle": _occasional("do_close_cycle"),
    "refresh": _do_refresh,
    "report": _do_report,
    "reminders": _occasional("do_reminders"),
    "check_system": _occasional("do_check_system"),
    "guide": _do_guide,
    "problems": _do_problems,
}


# --- Excel plumbing --------------------------------------------------------------------------------------------------


def _report_failure(xl_book: Any, action: str, label: str, exc: BaseException) -> None:
    from lkj_xl.core.errors import LkjError

    path = log_failure(action, exc)
    where = f"Rincian dicatat di {path}" if path else "Rincian tidak dapat dicatat ke berkas log"
    if isinstance(exc, LkjError):
        text = f"{label} tidak dapat dijalankan.\n\n{exc.message}\n\n({where}.)"
    else:
        text = (f"Terjadi kesalahan saat menjalankan {label}, sehingga perintah ini tidak selesai.\n"
                f"{where}.\n\n"
                f"Perbaiki isian bila ada yang janggal, lalu coba lagi; bila tetap gagal, klik Cek Sistem dan "
                f"kirim berkas log itu kepada pengelola buku kerja.")
    alert(xl_book, text, critical=True)


def _fail_without_book(action: Any, exc: BaseException) -> None:
    path = log_failure(str(action), exc)
    text = ("Pelacak LKj tidak dapat terhubung ke buku kerja Excel yang memanggilnya. "
            + (f"Rincian dicatat di {path}." if path else ""))
    sys.stderr.write(text + "\n")
    if any(arg.startswith("--from_xl") for arg in sys.argv):
        raise SystemExit(1)


__all__ = ["GUIDE_TEXT", "LOG_DIR_ENV", "TITLE", "check_system", "close_cycle", "dispatch", "guide",
           "log_path", "problems", "refresh", "report", "validate"]
