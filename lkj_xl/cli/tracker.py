"""The ``lkj`` commands on one tracker file: ``validate``, ``refresh``, ``report``, ``tutup`` and ``status`` (its
cycle: checked, computed, reported, closed, shown) and ``backups``/``restore`` (its safe save's earlier versions).
Each is a call into :mod:`lkj_xl.workbook.actions` (or :mod:`lkj_xl.files`) inside the file engine's safe save.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from lkj_xl.cli.shared import _as_of, _cycle, _exit_for, _now, _print_problems
from lkj_xl.console import _out, _out_json
from lkj_xl.core.errors import EXIT_OK


def cmd_validate(args) -> int:
    from lkj_xl.files.session import open_book
    from lkj_xl.workbook import actions

    analysis = actions.validate(open_book(args.path), as_of=_as_of(args), **_cycle(args))
    _print_problems(analysis)
    return _exit_for(analysis)


def _run_writing_action(args, action: Callable) -> int:
    from lkj_xl.files.session import modify

    now = _now(args)
    as_of = args.as_of if args.as_of is not None else now

    def sent(local_as_of: datetime) -> list[str]:  # the day of the sendings, on the tracker's clock
        return _sent_today(args.path, local_as_of)

    analysis = modify(args.path, lambda book: action(book, as_of=as_of, extra_history=sent, recorded_at=now,
                                                     **_cycle(args)))
    _print_problems(analysis)
    return _exit_for(analysis)


def _sent_today(path, as_of: datetime) -> list[str]:
    """The reminders sent on ``as_of``'s day (the send log beside the tracker), as Riwayat lines."""
    from lkj_xl.delivery import sendlog
    from lkj_xl.files.names import BACKUP_DIR_NAME

    return sendlog.history_lines(path, BACKUP_DIR_NAME, as_of.date())


def cmd_refresh(args) -> int:
    from lkj_xl.workbook import actions

    code = _run_writing_action(args, actions.refresh)
    _out(f"Kolom terhitung, Beranda dan lembar Masalah diperbarui: {args.path}")
    return code


def cmd_report(args) -> int:
    from lkj_xl.core.report import draft_line
    from lkj_xl.files.session import modify
    from lkj_xl.workbook import actions

    now = _now(args)
    as_of = args.as_of if args.as_of is not None else now
    sent = _sent_today(args.path, as_of)
    analysis = modify(args.path, lambda book: actions.report(book, as_of=as_of, extra_history=sent,
                                                             recorded_at=now, **_cycle(args)))
    _print_problems(analysis)
    closed = analysis.closed.get(analysis.year)
    if closed is not None:
        _out(f"Siklus {analysis.year} sudah ditutup; lembar Laporan tidak ditulis ulang. Laporan yang "
             f"ditandatangani: {closed.files or '-'} (di samping pelacak). Kolom terhitung, Beranda dan lembar "
             f"Masalah diperbarui: {args.path}")
        return _exit_for(analysis)
    if any(p.code == "laporan_tata_letak_lama" for p in analysis.problems):
        _out(f"Lembar Laporan tidak ditulis (tata letak lama; jalankan `lkj upgrade`): {args.path}")
        return _exit_for(analysis)
    _out(f"Lembar Laporan ditulis: {args.path}")
    if analysis.errors:  # the same line as the report's title rows
        _out(draft_line(len(analysis.errors)))
    return _exit_for(analysis)


def cmd_tutup(args) -> int:
    from lkj_xl.authoring import archive
    from lkj_xl.files.locks import real_path
    from lkj_xl.files.session import modify
    from lkj_xl.workbook.close_cycle import close_cycle

    from lkj_xl.core.zones import to_local

    closed_at = _now(args)  # the real time of the action, read on the tracker's clock; --as-of: the state seen
    as_of = args.as_of if args.as_of is not None else closed_at
    target = real_path(args.path)
    closing = modify(args.path, lambda book: close_cycle(
        book, as_of=as_of, closed_at=closed_at, files=lambda year: archive.files_text(target, year), **_cycle(args)))
    tracker = closing.tracker
    files = archive.keep_report(target, closing.year, closing.report_values, tracker.sop, tracker.settings,
                                to_local(closed_at, tracker.settings.zone))
    _out(f"Siklus {closing.year} ditutup (lembar Siklus Tertutup baris {closing.row}): kolom terhitungnya tidak "
         f"dihitung ulang lagi; perubahan isiannya dilaporkan sebagai peringatan.")
    _out(f"Laporan disimpan: {files.xlsx}")
    if files.pdf is not None:
        _out(f"PDF laporan: {files.pdf}")
    else:
        _out(f"PDF laporan tidak dibuat: {files.pdf_missing}. Cetak berkas .xlsx di atas ke PDF bila perlu.")
    _print_problems(closing.analysis)
    return EXIT_OK


def cmd_status(args) -> int:
    from lkj_xl.files.session import open_book
    from lkj_xl.workbook import actions

    analysis = actions.validate(open_book(args.path), as_of=_as_of(args), **_cycle(args))
    state = actions.status_dict(analysis)
    if args.json:
        _out_json(state)
    else:
        from lkj_xl.core.dates import format_datetime_id
        from lkj_xl.core.schedule import STATUS_LABELS
        from lkj_xl.workbook.summary import summary_lines

        # People read this: dates in Indonesian ("31 Maret 2026 16.00"), as on the sheets; ISO is for --json.
        def when(iso: str | None) -> str:
            return format_datetime_id(datetime.fromisoformat(iso)) if iso else "-"

        cycle = (f"Tahun pelaporan {state['year']}" if state["year"] is not None
                 else f"Periode {state['period']} ({state['period_kind']})")
        _out(f"{cycle}, batas akhir {when(state['deadline']) if state['deadline'] else 'tidak ada'}, keadaan per "
             f"{when(state['as_of'])} {state['timezone']}")
        # the same labels and texts as Beranda (Status terhadap batas akhir, Langkah terlambat saat ini, ...)
        summary = summary_lines(analysis)
        _out(summary[0])
        for step in state["steps"]:
            _out(f"  Langkah {step['step']} ({step['actor']}): {STATUS_LABELS[step['status']]}, batas "
                 f"{when(step['due'])}")
        for line in summary[1:]:
            _out(line)
    return _exit_for(analysis)


def cmd_backups(args) -> int:
    from lkj_xl.files.backups import list_backups

    found = list_backups(args.path)
    if not found:
        _out(f"Belum ada cadangan untuk {args.path}.")
        return EXIT_OK
    from lkj_xl.console import size_text
    from lkj_xl.core.dates import format_datetime_id
    from lkj_xl.core.zones import zone_named

    name, note = _backup_zone(args.path, [info.path for info in found])
    if note:
        _out(note)
    zone = zone_named(name)
    for index, info in enumerate(found, start=1):
        # the backup's name holds this computer's clock (naive, its local time): shown on the tracker's clock
        created = info.created.astimezone(zone)
        when = f"{format_datetime_id(created)}.{created.second:02d} {name}"
        _out(f"{index:>3}. {when:<30} {size_text(info.size):>8}  {info.path}")
    return EXIT_OK


def _tracker_zone(path) -> str:
    """Pengaturan's "Zona waktu" of the tracker at ``path`` (WIB, WITA or WIT)."""
    from lkj_xl.files.session import open_book
    from lkj_xl.workbook.reader import load_tracker

    return load_tracker(open_book(path)).settings.timezone


def _backup_zone(path, backups: Sequence[Path]) -> tuple[str, str | None]:
    """The zone ``lkj backups`` shows times in: the tracker's (Pengaturan, "Zona waktu"); when the tracker cannot be
    read (often why its backups are listed), the newest readable backup's; else WIB.  Returns (zone, a line saying
    where it came from when not from the tracker)."""
    try:
        return _tracker_zone(path), None
    except Exception:  # noqa: BLE001 - a damaged or missing tracker still lists its backups
        pass
    for backup in backups[:3]:
        try:
            zone = _tracker_zone(backup)
        except Exception:  # noqa: BLE001 - a damaged backup: try the next
            continue
        return zone, f"Pelacak tidak terbaca; waktu ditampilkan menurut Zona waktu cadangan terbaru ({zone})."
    return "WIB", "Pelacak tidak terbaca; waktu ditampilkan dalam WIB."


def cmd_restore(args) -> int:
    from lkj_xl.files.session import restore

    restored = restore(args.path, args.backup)
    _out(f"{args.path} dipulihkan dari cadangan {restored}. Versi sebelumnya disimpan sebagai cadangan baru.")
    return EXIT_OK
