"""The ribbon's occasional buttons: Tutup Siklus (once a year), Pengingat and Cek Sistem.

Every click is a fresh Python that compiles what it loads when the installed copy has no bytecode (see
:mod:`lkj_xl.files.bytecode`), so the everyday clicks (Validasi, Hitung Batas Waktu, Buat Laporan, in
:mod:`lkj_xl.ribbon`) do not load these handlers; :data:`lkj_xl.ribbon._HANDLERS` imports this module when one of
these buttons is clicked.  Messages and the live book come from the package's shared helpers.
"""

from __future__ import annotations

import sys
from typing import Any

from lkj_xl.engines import excel_host
from lkj_xl.ribbon.common import MAX_LISTED, alert, cycle, listing, live, when
from lkj_xl.runtime import log_failure


def do_close_cycle(xl_book: Any, as_of: Any) -> Any:
    """Close the reporting year on Pengaturan (the VBA asked "are you sure?" first): the same as `lkj tutup`, on the
    open workbook; the report files go beside the workbook's file (none for a workbook never saved)."""
    from pathlib import Path

    from lkj_xl.authoring import archive
    from lkj_xl.core.zones import to_local
    from lkj_xl.runtime import now_instant
    from lkj_xl.workbook import layout
    from lkj_xl.workbook.close_cycle import close_cycle

    book = live(xl_book)
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
    alert(xl_book, "\n\n".join(lines), critical=False)
    return closing


def do_reminders(xl_book: Any, as_of: Any) -> Any:
    """Rewrite Beranda's "Pengingat" block (with its WhatsApp links) and list the reminders in a message box; the
    box shows each number's short wa.me link (a message box holds about 1000 characters), the links with the
    prefilled message are the Beranda cells."""
    from lkj_xl.core.reminders import REASON_LABELS, format_phone, status_phrase
    from lkj_xl.workbook import actions, layout

    book = live(xl_book)
    excel_host.set_status(xl_book, "LKj: menyusun pengingat...")
    analysis, found = actions.update_reminders(book, as_of=as_of)
    book.activate(layout.SHEET_HOME)
    lines = [f"Pengingat {cycle(analysis)} per {when(analysis.as_of)}:"]
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
    alert(xl_book, "\n".join(lines), critical=False)
    return analysis


def do_check_system(xl_book: Any, as_of: Any) -> None:
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

    book = live(xl_book)
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
        lines.append(listing(found))
    else:
        lines.append("")
        lines.append(f"Susunan buku kerja: baik ({len(book.sheet_names())} lembar, semua lembar wajib ada).")
    lines.append("")
    lines.append("Hasil: " + ("ada yang perlu diperbaiki (lihat di atas)." if trouble else "sistem siap dipakai."))
    alert(xl_book, "\n".join(lines), critical=trouble)
    return None


__all__ = ["do_check_system", "do_close_cycle", "do_reminders"]
