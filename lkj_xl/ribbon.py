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
path never loads openpyxl; xlwings itself loads pandas/numpy, which we cannot avoid).

Tests and tools call the entry points with ``book=`` (an xlwings Book, e.g. one made by the json engine) and
``as_of=`` instead of the caller and the clock.
"""

from __future__ import annotations

import sys
from typing import Any, Callable

from lkj_xl.engines import excel_host
from lkj_xl.runtime import LOG_DIR_ENV, LOG_NAME, log_failure, log_path  # noqa: F401 - public here too

TITLE = "Pelacak LKj"
#: Problems listed in a message box; the rest are on the Masalah sheet.
MAX_LISTED = 5
#: A listed problem's text is cut to this many characters.
MAX_PROBLEM_CHARS = 220


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

    xl_book = book
    if xl_book is None:
        try:
            xl_book = excel_host.caller_book()
        except BaseException as exc:  # noqa: BLE001 - report, never a traceback
            _fail_without_book(action, exc)
            return None

    if not isinstance(action, str) or action not in RIBBON_ACTIONS:
        shown = str(action)[:60]
        _alert(xl_book,
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


# --- the actions -----------------------------------------------------------------------------------------------------


def _live(xl_book: Any):
    from lkj_xl.engines.xlwings_book import LiveBook

    return LiveBook(xl_book)


def _do_validate(xl_book: Any, as_of: Any) -> Any:
    from lkj_xl.workbook import actions
    from lkj_xl.workbook import writers

    book = _live(xl_book)
    excel_host.set_status(xl_book, "LKj: memeriksa isian...")
    analysis = actions.validate(book, as_of=as_of)
    excel_host.set_status(xl_book, "LKj: menulis daftar masalah...")
    # The same writer refresh uses; validate writes the problem list and nothing else.
    writers.write_problems(book, analysis.tracker, analysis.problems, checked_at=as_of, as_of=as_of)
    if analysis.problems:
        text = f"Validasi {_cycle(analysis)}: {_counts(analysis)}.\n\n{_listing(analysis.problems)}"
    else:
        text = f"Validasi {_cycle(analysis)}: tidak ada kesalahan dan tidak ada peringatan."
    _alert(xl_book, text, critical=bool(analysis.errors))
    return analysis


def _do_refresh(xl_book: Any, as_of: Any) -> Any:
    from lkj_xl.workbook import actions

    book = _live(xl_book)
    excel_host.set_status(xl_book, "LKj: menghitung batas waktu...")
    analysis = actions.refresh(book, as_of=as_of, extra_history=lambda local: _sent_today(xl_book, local))
    text = (f"Batas waktu {_cycle(analysis)} dihitung ulang per {_when(analysis.as_of)}.\n"
            f"Kolom terhitung, Beranda dan lembar Masalah sudah diperbarui. "
            f"{_overall(analysis)}.\n\n{_problem_part(analysis)}\n\n"
            "Simpan buku kerja untuk menyimpan hasilnya.")
    _alert(xl_book, text, critical=bool(analysis.errors))
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

    book = _live(xl_book)
    excel_host.set_status(xl_book, "LKj: menyusun laporan...")
    analysis = actions.report(book, as_of=as_of)
    book.activate(layout.SHEET_REPORT)
    text = (f"Lembar Laporan {_cycle(analysis)} ditulis per {_when(analysis.as_of)} "
            f"(batas waktu, Beranda dan lembar Masalah ikut diperbarui). "
            f"{_overall(analysis)}.\n\n{_problem_part(analysis)}\n\n"
            "Periksa lembar Laporan, simpan buku kerja, lalu cetak.")
    if analysis.errors:
        from lkj_xl.core.report import draft_line

        text = f"{draft_line(len(analysis.errors))}.\n\n{text}"
    _alert(xl_book, text, critical=bool(analysis.errors))
    return analysis


def _do_close_cycle(xl_book: Any, as_of: Any) -> Any:
    """Close the reporting year on Pengaturan (the VBA asked "are you sure?" first): the same as `lkj tutup`, on the
    open workbook; the report files go beside the workbook's file (none for a workbook never saved)."""
    from pathlib import Path

    from lkj_xl.authoring import archive
    from lkj_xl.core.zones import to_local
    from lkj_xl.runtime import now_instant
    from lkj_xl.workbook import layout
    from lkj_xl.workbook.close_cycle import close_cycle

    book = _live(xl_book)
    try:
        path: Path | None = Path(str(xl_book.fullname))
        if not path.is_absolute():
            path = None
    except Exception:  # noqa: BLE001 - a workbook without a file
        path = None
    excel_host.set_status(xl_book, "LKj: menutup siklus...")
    closed_at = now_instant()  # an instant: recorded on the workbook's clock (Zona waktu)
    closing = close_cycle(
        book, as_of=as_of, closed_at=closed_at,
        files=(lambda year: archive.files_text(path, year)) if path is not None else "")
    lines = [f"Siklus {closing.year} ditutup (lembar {layout.SHEET_CLOSED} baris {closing.row}): kolom terhitungnya "
             f"tidak dihitung ulang lagi; perubahan isiannya dilaporkan sebagai peringatan."]
    if path is not None:
        tracker = closing.tracker
        files = archive.keep_report(path, closing.year, closing.report_values, tracker.sop, tracker.settings,
                                    to_local(closed_at, tracker.settings.zone))
        lines.append(f"Laporan disimpan: {files.xlsx}")
        lines.append(f"PDF: {files.pdf}" if files.pdf is not None else f"PDF tidak dibuat: {files.pdf_missing}.")
    else:
        lines.append("Buku kerja ini belum pernah disimpan, jadi berkas laporannya belum dibuat.")
    lines.append("Simpan buku kerja sekarang (Ctrl+S) agar penutupan ini tercatat.")
    book.activate(layout.SHEET_CLOSED)
    _alert(xl_book, "\n\n".join(lines), critical=False)
    return closing


def _do_reminders(xl_book: Any, as_of: Any) -> Any:
    """Rewrite Beranda's "Pengingat" block (with its WhatsApp links) and list the reminders in a message box; the
    box shows each number's short wa.me link (a message box holds about 1000 characters), the links with the
    prefilled message are the Beranda cells."""
    from lkj_xl.core.reminders import REASON_LABELS, format_phone, status_phrase
    from lkj_xl.workbook import actions, layout

    book = _live(xl_book)
    excel_host.set_status(xl_book, "LKj: menyusun pengingat...")
    analysis, found = actions.update_reminders(book, as_of=as_of)
    book.activate(layout.SHEET_HOME)
    lines = [f"Pengingat {_cycle(analysis)} per {_when(analysis.as_of)}:"]
    for r in found[:MAX_LISTED]:
        who = r.holder or "belum ada pegawai dengan jabatan ini"
        lines.append(f"• Langkah {r.step} ({r.actor}) — {who}: {REASON_LABELS[r.reason]}, {status_phrase(r)}")
        if r.phone:
            lines.append(f"   WhatsApp {format_phone(r.phone)}: https://wa.me/{r.phone}")
    if len(found) > MAX_LISTED:
        lines.append(f"... dan {len(found) - MAX_LISTED} lainnya.")
    if not found:
        lines.append("Tidak ada langkah yang perlu diingatkan.")
    else:
        lines.append(f"\nKlik nomor WhatsApp di lembar {layout.SHEET_HOME} (bagian \"{layout.REMINDERS_TITLE}\") untuk "
                     "membuka pesan yang sudah terisi. Simpan buku kerja untuk menyimpan daftar ini.")
    _alert(xl_book, "\n".join(lines), critical=False)
    return analysis


def _do_check_system(xl_book: Any, as_of: Any) -> None:
    import platform

    from lkj_xl import __version__
    from lkj_xl.workbook import reader
    from lkj_xl.workbook.actions import LocatedProblem
    from lkj_xl.core.entries import ERROR, WARNING
    from lkj_xl.engines.ooxml import XLWINGS_CONF_SHEET

    lines = [f"Python {platform.python_version()} ({sys.executable})", f"lkj-xl {__version__}"]
    trouble = False

    xlwings_version = excel_host.xlwings_version()
    vba_version = excel_host.vba_xlwings_version(xl_book)
    if xlwings_version is None:
        lines.append("xlwings: tidak terpasang di Python ini. Pasang dengan: pip install xlwings")
        trouble = True
    elif vba_version is None:
        lines.append(f"xlwings {xlwings_version} (versi modul VBA xlwings di buku kerja tidak dapat dibaca; "
                     "itu bukan masalah selama tombol lain bekerja)")
    elif vba_version == xlwings_version:
        lines.append(f"xlwings {xlwings_version}, sama dengan modul VBA di buku kerja")
    else:
        lines.append(f"xlwings {xlwings_version} di Python, tetapi modul VBA di buku kerja versi {vba_version}. "
                     f"Samakan: pasang xlwings {vba_version} (pip install xlwings=={vba_version}) atau minta "
                     "pengelola membangun ulang LKj_Tracker.xlsm.")
        trouble = True

    book = _live(xl_book)
    excel_host.set_status(xl_book, "LKj: memeriksa susunan buku kerja...")
    found = []
    try:
        tracker = reader.load_tracker(book)
    except Exception as exc:  # noqa: BLE001 - a workbook the reader cannot read at all is a finding, not a crash
        path = log_failure("check_system", exc)
        found.append(LocatedProblem(book.name or "buku kerja", None, ERROR, "buku_tidak_terbaca",
                                    f"Buku kerja tidak dapat dibaca ({type(exc).__name__}: {exc})."
                                    + (f" Rincian dicatat di {path}." if path else "")))
    else:
        for problem in tracker.problems:
            sheet, cell = tracker.cell_of(problem.location)
            found.append(LocatedProblem(sheet, cell, problem.severity, problem.code, problem.message))
    if not book.has_sheet(XLWINGS_CONF_SHEET):
        found.append(LocatedProblem(XLWINGS_CONF_SHEET, None, WARNING, "lembar_tidak_ada",
                                    f"Lembar pengaturan \"{XLWINGS_CONF_SHEET}\" (tersembunyi) tidak ada; tombol "
                                    "memakai pengaturan xlwings bawaan komputer ini."))
    if found:
        errors = sum(1 for p in found if p.severity == ERROR)
        trouble = trouble or errors > 0
        lines.append("")
        lines.append(f"Susunan buku kerja: {errors} kesalahan, {len(found) - errors} peringatan. Perbaiki:")
        lines.append(_listing(found))
    else:
        lines.append("")
        lines.append(f"Susunan buku kerja: baik ({len(book.sheet_names())} lembar, semua lembar wajib ada).")
    lines.append("")
    lines.append("Hasil: " + ("ada yang perlu diperbaiki (lihat di atas)." if trouble else "sistem siap dipakai."))
    _alert(xl_book, "\n".join(lines), critical=trouble)
    return None


def _do_guide(xl_book: Any, as_of: Any) -> None:
    from lkj_xl.workbook import layout

    _live(xl_book).activate(layout.SHEET_HOME)
    _alert(xl_book, GUIDE_TEXT, critical=False)
    return None


def _do_problems(xl_book: Any, as_of: Any) -> None:
    from lkj_xl.workbook import layout

    if not _live(xl_book).activate(layout.SHEET_PROBLEMS):
        _alert(xl_book, f"Lembar \"{layout.SHEET_PROBLEMS}\" tidak ada di buku kerja ini. Klik Cek Sistem untuk "
                        "melihat apa yang perlu diperbaiki.", critical=True)
    return None


_HANDLERS: dict[str, Callable[[Any, Any], Any]] = {
    "validate": _do_validate,
    "close_cycle": _do_close_cycle,
    "refresh": _do_refresh,
    "report": _do_report,
    "reminders": _do_reminders,
    "check_system": _do_check_system,
    "guide": _do_guide,
    "problems": _do_problems,
}


# --- messages --------------------------------------------------------------------------------------------------------


def _counts(analysis: Any) -> str:
    from lkj_xl.workbook import layout

    return (f"{len(analysis.errors)} kesalahan, {len(analysis.warnings)} peringatan \u2014 lihat lembar "
            f"{layout.SHEET_PROBLEMS}")


def _problem_part(analysis: Any) -> str:
    if not analysis.problems:
        return "Tidak ada kesalahan dan tidak ada peringatan."
    return f"{_counts(analysis)}.\n{_listing(analysis.problems)}"


def _listing(problems: Any) -> str:
    """The first few problems, errors first, one line each."""
    from lkj_xl.core.entries import ERROR

    ordered = sorted(problems, key=lambda p: 0 if p.severity == ERROR else 1)
    lines = []
    for problem in ordered[:MAX_LISTED]:
        text = problem.describe()
        if len(text) > MAX_PROBLEM_CHARS:
            text = text[: MAX_PROBLEM_CHARS - 3].rstrip() + "..."
        lines.append(f"\u2022 {text}")
    rest = len(ordered) - MAX_LISTED
    if rest > 0:
        lines.append(f"... dan {rest} lainnya.")
    return "\n".join(lines)


def _overall(analysis: Any) -> str:
    """The cycle against the final deadline, then (a fact of its own) the steps overdue now, in Beranda's words
    (:mod:`lkj_xl.workbook.summary`); a closed cycle says so."""
    from lkj_xl.workbook.summary import summary_lines

    lines = summary_lines(analysis)
    return ".\n".join([lines[0], lines[1]] + lines[3:])


def _cycle(analysis: Any) -> str:
    """"tahun 2025" / "periode 2025-S1"."""
    from lkj_xl.core.periods import key_title

    return key_title(analysis.year)


def _when(moment: Any) -> str:
    from lkj_xl.core.dates import format_datetime_id

    try:
        return format_datetime_id(moment)
    except Exception:  # noqa: BLE001
        return str(moment)


def _alert(xl_book: Any, text: str, *, critical: bool) -> None:
    """A message box; if even that fails, the message goes to stderr (xlwings' VBA shows it on a failed run)."""
    if not excel_host.alert(xl_book, text, title=TITLE, critical=critical):
        log_failure("alert", RuntimeError("message box failed"), note=text)
        sys.stderr.write(text + "\n")


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
    _alert(xl_book, text, critical=True)


def _fail_without_book(action: Any, exc: BaseException) -> None:
    path = log_failure(str(action), exc)
    text = ("Pelacak LKj tidak dapat terhubung ke buku kerja Excel yang memanggilnya. "
            + (f"Rincian dicatat di {path}." if path else ""))
    sys.stderr.write(text + "\n")
    if any(arg.startswith("--from_xl") for arg in sys.argv):
        raise SystemExit(1)


__all__ = ["GUIDE_TEXT", "LOG_DIR_ENV", "TITLE", "check_system", "close_cycle", "dispatch", "guide",
           "log_path", "problems", "refresh", "report", "validate"]
