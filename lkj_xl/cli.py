"""The ``lkj`` command: a thin shell over :mod:`lkj_xl.workbook.actions` for workbook files (no Excel needed).

Every error the library raises becomes a one-paragraph Indonesian message and an exit code; never a traceback.
Exit codes: 0 fine, 1 problems in the data, 2 the file cannot be used.  An unexpected failure is logged to a file
whose path the message gives.

One idea over 500 lines: the command line itself, one small ``cmd_*`` function and one parser block per
subcommand (each a call into the layers below); splitting it would scatter the parser from its commands.  How it
writes to the console is :mod:`lkj_xl.console`.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from lkj_xl import __version__
from lkj_xl.core.errors import EXIT_DATA, EXIT_OK, EXIT_UNUSABLE, DataError, LkjError, UnusableFileError

from lkj_xl.console import (  # noqa: F401 - the console helpers every command uses
    _Bar, _NoBar, _Output, _err, _out, _out_json, _progress_bar, _safe_stderr, _silence_stdout,
)

PROG = "lkj"


def _print_problems(analysis, stream=None) -> None:
    stream = stream or sys.stdout
    has_rows = analysis.year in analysis.years_with_rows
    if not has_rows:
        from lkj_xl.core.periods import TAHUNAN

        word = "tahun" if analysis.tracker.settings.period_kind == TAHUNAN else "periode"
        others = ", ".join(str(y) for y in analysis.years_with_rows) or "tidak ada"
        print(f"Tidak ada baris {word} {analysis.year} di tabel langkah mana pun ({word} yang ada: {others}); "
              f"isian {word} itu belum dapat diperiksa.", file=stream)
    if not analysis.problems:
        if has_rows:
            print("Tidak ada masalah ditemukan.", file=stream)
        return
    for problem in analysis.problems:
        print(problem.describe(), file=stream)
    print(f"Jumlah: {len(analysis.errors)} kesalahan, {len(analysis.warnings)} peringatan.", file=stream)


def _now(args) -> datetime:
    """The real time, from the clock :func:`main` was given (tests inject one), else now as an instant with its
    zone (the action reads it on the tracker's own clock)."""
    clock = getattr(args, "clock", None)
    if clock is None:
        from lkj_xl.runtime import now_instant

        clock = now_instant
    return clock()


def _as_of(args) -> datetime:
    """``--as-of``, else now as an instant with its zone: the action reads it on the tracker's own clock
    (Pengaturan, "Zona waktu")."""
    return args.as_of if args.as_of is not None else _now(args)


def _cycle(args) -> dict:
    """The cycle options of a command: ``--year`` (yearly SOPs) and ``--periode`` (the others)."""
    return {"year": getattr(args, "year", None), "period": getattr(args, "period", None)}


#: ``--as-of`` years accepted: those of the reporting years (``--year``) and a little after (an LKj is due the year
#: after its reporting year).  Far outside them the calendar arithmetic overflows (year 9999) or every entry is "in
#: the future" (year 1).
AS_OF_YEARS = (2000, 2101)


def _as_of_type(text: str) -> datetime:
    from lkj_xl.runtime import parse_as_of

    try:
        value = parse_as_of(text)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(
            f"waktu \"{text}\" tidak terbaca; gunakan format ISO 8601, mis. 2026-03-02T10:00") from None
    if not AS_OF_YEARS[0] <= value.year <= AS_OF_YEARS[1]:
        raise argparse.ArgumentTypeError(
            f"waktu \"{text}\" di luar rentang tahun {AS_OF_YEARS[0]}-{AS_OF_YEARS[1]}; gunakan waktu pemeriksaan "
            f"yang sebenarnya, mis. 2026-03-02T10:00")
    return value


def _year_type(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"tahun \"{text}\" bukan bilangan bulat, mis. 2025") from None
    from lkj_xl.core.validation import YEAR_MAX, YEAR_MIN

    if not YEAR_MIN <= year <= YEAR_MAX:
        raise argparse.ArgumentTypeError(f"tahun {year} di luar rentang {YEAR_MIN}-{YEAR_MAX}")
    return year


def _exit_for(analysis) -> int:
    return EXIT_DATA if analysis.errors else EXIT_OK


# --- commands --------------------------------------------------------------------------------------------------------

def cmd_new(args) -> int:
    from lkj_xl.authoring.macro_workbook import create_tracker

    sop, notes = _sop_for_new(args.sop) if args.sop else (None, [])
    from lkj_xl.core.errors import ParseError
    from lkj_xl.core.periods import parse_rule

    cycle = {key: value for key, value in (("period_kind", args.siklus), ("deadline_rule", args.aturan_batas),
                                           ("timezone", args.zona_waktu)) if value is not None}
    try:  # a rule the period kind cannot use ("31 Maret" for per kegiatan): nothing is written
        parse_rule(args.aturan_batas, args.siklus or "tahunan")
    except ParseError as exc:
        raise UnusableFileError(f"--aturan-batas: {exc.message}") from None
    path, backup = create_tracker(Path(args.path), year=args.year, agency=args.agency, government=args.government,
                                  overwrite=args.force, sop=sop, cycle=cycle)
    kind = ("buku kerja bermakro dengan tab LKj" if path.suffix.lower() == ".xlsm"
            else "buku kerja biasa, tanpa tab LKj")
    what = f"SOP {sop.nomor} {sop.nama} ({len(sop.steps)} langkah)" if sop is not None else "LKj"
    _out(f"Buku kerja pelacak {what} tahun {args.year} untuk {args.agency} dibuat ({kind}): {path}")
    if backup is not None:
        _out(f"Berkas yang ditimpa disimpan sebagai cadangan: {backup.path} (lihat `lkj backups`).")
    for note in notes:
        _err(f"Peringatan: {note}")
    if notes:
        _out(f"{len(notes)} peringatan dari impor SOP: periksa lembar SOP (Pelaksana, Waktu) lalu jalankan "
             f"`lkj validate {path}`.")
        return EXIT_DATA
    return EXIT_OK


def _sop_for_new(document: str):
    """The SOP ``lkj new --sop`` builds for, and the import's warnings; unusable input raises (exit 2)."""
    from lkj_xl.authoring.sop_import import read_sop_document
    from lkj_xl.authoring.sop_import.convert import sop_for_tracker
    from lkj_xl.workbook.layout import ROLES_MAX

    result = read_sop_document(Path(document))
    sop, notes = sop_for_tracker(result.sop_json, source=Path(document).name, roles_max=ROLES_MAX)
    return sop, list(result.warnings) + notes


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


def cmd_demo(args) -> int:
    from lkj_xl.authoring.demo import run_demo

    result = run_demo(Path(args.dir), as_of=args.as_of, example=args.contoh, recorded_at=_now(args))
    _out(result.summary())
    return EXIT_OK


def cmd_build_workbook(args) -> int:
    from lkj_xl.authoring.macro_workbook import build_workbook

    path = build_workbook(Path(args.out))
    _out(f"Buku kerja makro dibuat: {path}")
    return EXIT_OK


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


def cmd_upgrade(args) -> int:
    from lkj_xl.authoring.upgrade import upgrade_tracker

    report = upgrade_tracker(Path(args.old), Path(args.new))
    _out(report)
    return EXIT_DATA if getattr(report, "not_carried", None) else EXIT_OK


def cmd_pasang(args) -> int:
    from lkj_xl.authoring import pasang

    if args.unduh:
        commands = pasang.download_wheelhouse(Path(args.unduh))
        _out("Paket untuk Windows (Python " + pasang.WHEELHOUSE_PYTHON + ", 64-bit) diunduh ke " + args.unduh + ":")
        for command in commands:
            _out("  " + " ".join(command))
        _out("Di komputer staf (tanpa internet), pasang dari folder itu:")
        _out(f"  py -m pip install --no-index --find-links {args.unduh} lkj-xl")
        _out("lalu jalankan sekali: lkj pasang")
        return EXIT_OK
    result = pasang.setup_pc(server=args.server)
    _out(result.summary())
    return EXIT_OK


# --- pengingat (reminders) -------------------------------------------------------------------------------------------

def _within_type(text: str):
    from lkj_xl.core.errors import ParseError
    from lkj_xl.core.reminders import parse_within

    try:
        return parse_within(text)
    except ParseError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def cmd_pengingat(args) -> int:
    """Reminders of the tracker (read-only): list, --json, --ics, --html, --email; --simpan-sandi stores the SMTP
    password in the OS keyring."""
    from lkj_xl.core.dates import format_datetime_id
    from lkj_xl.core.periods import key_title
    from lkj_xl.core.reminders import REASON_LABELS, format_phone, message_text, status_phrase, whatsapp_link
    from lkj_xl.delivery import mail
    from lkj_xl.delivery.pengingat import collect, reminders_dict, smtp_rows
    from lkj_xl.files.names import BACKUP_DIR_NAME
    from lkj_xl.files.session import open_book
    from lkj_xl.workbook import actions

    analysis = actions.analyse(open_book(args.path), as_of=_as_of(args), **_cycle(args))
    as_of = analysis.as_of  # on the tracker's clock
    zone = analysis.tracker.settings.timezone
    if args.simpan_sandi:
        import getpass

        settings = mail.smtp_settings(smtp_rows(analysis.tracker))
        first = getpass.getpass(f"Sandi SMTP untuk {settings.user}: ")
        if getpass.getpass("Ulangi sandi: ") != first:
            raise DataError("Kedua sandi tidak sama; tidak ada yang disimpan.")
        where = mail.store_password(settings.user or "", first)
        _out(f"Sandi SMTP untuk {settings.user} disimpan di penyimpanan kredensial sistem ({where}).")
        return EXIT_OK
    run = collect(analysis, within=args.within)
    sop, year = analysis.tracker.sop, analysis.year
    state = reminders_dict(run)
    lines = [f"Pengingat LKj {key_title(year)}, keadaan per {format_datetime_id(as_of)} {zone} "
             f"(segera jatuh tempo: {run.within_minutes // 60} jam kerja {run.within_minutes % 60} menit)."
             .replace(" jam kerja 0 menit)", " jam kerja)")]
    for r in run.reminders:
        who = r.holder or "belum ada pegawai dengan jabatan ini"
        lines.append(f"  Langkah {r.step} ({r.actor}) - {who}: {REASON_LABELS[r.reason]}, {status_phrase(r)}")
        if r.phone:
            lines.append(f"      WhatsApp {format_phone(r.phone)}: "
                         f"{whatsapp_link(r.phone, message_text([r], sop, year, as_of))}")
        if r.email:
            lines.append(f"      Email: {r.email}")
    if not run.reminders:
        lines.append("  Tidak ada langkah yang perlu diingatkan.")
    lines += [p.describe() for p in run.problems]
    if analysis.errors:
        lines.append(f"{len(analysis.errors)} kesalahan pada buku kerja (lihat `lkj validate`).")
    failed = bool(run.problems or analysis.errors)
    for option, writer, what in ((args.ics, "ics", "Kalender (.ics)"), (args.html, "html", "Halaman HTML")):
        if option:
            from importlib import import_module

            module = import_module(f"lkj_xl.delivery.{writer}")
            extra = {"tracker_path": args.path} if writer == "ics" else {}
            extra["zone"] = zone
            try:
                getattr(module, f"write_{writer}")(option, run.reminders, sop=sop, year=year, as_of=as_of, **extra)
            except OSError as exc:
                raise UnusableFileError(f"{what} tidak dapat ditulis ke {option}: {exc.strerror or exc}.") from None
            lines.append(f"{what} ditulis: {option}")
    if args.email or args.dry_run:
        settings = None if args.dry_run else mail.smtp_settings(smtp_rows(analysis.tracker))
        outcome = mail.send_reminders(run.reminders, settings, sop=sop, year=year, as_of=as_of, zone=zone,
                                      calendar=analysis.calendar, force=args.force, dry_run=args.dry_run,
                                      log_path=mail.send_log_path(args.path, BACKUP_DIR_NAME))
        state["email"] = [{"recipient": x.recipient, "holder": x.holder, "steps": list(x.steps), "status": x.status,
                           "message": x.message} for x in outcome.results]
        if outcome.note:
            state["email_note"] = outcome.note
            lines.append(outcome.note)
        lines += [f"Email {x.describe()}" for x in outcome.results]
        lines += [f"Tanpa email: Langkah {r.step} ({r.actor}){' - ' + r.holder if r.holder else ''}"
                  for r in outcome.without_email]
        failed = failed or bool(outcome.failed)
    if args.json:
        _out_json(state)
    else:
        _out("\n".join(lines))
    return EXIT_DATA if failed else EXIT_OK


def cmd_sop_import(args) -> int:
    from lkj_xl.authoring.sop_import import read_sop_document

    result = read_sop_document(Path(args.document))
    text = json.dumps(result.sop_json, ensure_ascii=False, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    if args.json:
        _out(text)
    else:
        sop = result.sop_json
        title = " ".join(x for x in (sop.get("nomor", ""), sop.get("nama", "")) if x)
        _out(f"SOP {title} ({len(sop['steps'])} langkah, Pelaksana: {', '.join(sop['roles'])})")
        rows = [("No", "Pelaksana", "Waktu", "Output")]
        for step in sop["steps"]:
            actor = step["actor"] or "?"
            if step["participants"]:
                actor += " (+ " + ", ".join(step["participants"]) + ")"
            waktu = step["waktu"] or ("(digabung)" if step.get("waktu_group") else "-")
            rows.append((str(step["number"]), actor, waktu, " ".join(step["output"].split())))
        widths = [min(max(len(r[i]) for r in rows), limit) for i, limit in enumerate((3, 45, 20, 50))]
        for row in rows:
            _out("  ".join(cell[:w].ljust(w) for cell, w in zip(row, widths)).rstrip())
        if args.out:
            _out(f"JSON ditulis: {args.out}")
    for warning in result.warnings:
        _err(f"Peringatan: {warning}")
    if not args.json:
        _out(f"{len(result.warnings)} peringatan." if result.warnings else "Tidak ada peringatan.")
    return EXIT_DATA if result.warnings else EXIT_OK


def cmd_sop_terapkan(args) -> int:
    from lkj_xl.authoring.sop_apply import apply_structure

    _out(apply_structure(Path(args.path)))
    return EXIT_OK


# --- rekap (recap of a folder of trackers) ---------------------------------------------------------------------------

def cmd_rekap(args) -> int:
    """Every tracker under a folder, read-only, into Rekap_LKj.xlsx (and/or JSON).  Exit 0 when the recap was made,
    even with unreadable files or data errors listed in it; 2 when the folder is missing or holds no tracker, or the
    recap cannot be saved."""
    from lkj_xl.authoring import rekap
    from lkj_xl.core.schedule import CYCLE_LABELS

    folder = Path(args.folder)
    out = Path(args.out) if args.out else folder / rekap.DEFAULT_OUT
    bar = _progress_bar()
    try:
        recap = rekap.collect(folder, as_of=_as_of(args), year=args.year, recap_path=out, workers=args.workers,
                              progress=bar.update, on_total=bar.set_total)
    finally:
        bar.close()
    written = None
    if not args.json or args.out:
        written = rekap.write_recap(recap, out)
    if args.json:
        _out_json(recap.to_json())
        return EXIT_OK
    from lkj_xl.authoring.rekap.write import STATUS_ORDER

    counts = {key: 0 for key in STATUS_ORDER}
    for row in recap.rows:
        counts[row.overall] = counts.get(row.overall, 0) + 1
    _out(f"{recap.tracker_files} pelacak, {len(recap.rows)} siklus: "
         + ", ".join(f"{n} {CYCLE_LABELS[k].lower()}" for k, n in counts.items()) + ".")
    with_errors = sum(1 for row in recap.rows if row.errors)
    if with_errors:
        _out(f"{with_errors} siklus dengan kesalahan data (kolom Kesalahan data).")
    if recap.unreadable:
        _out(f"{len(recap.unreadable)} berkas tidak terbaca (lembar Tidak terbaca):")
        for file, reason in recap.unreadable:
            _out(f"  {file}: {reason}")
    if recap.skipped:
        _out(recap.skipped_summary())
    if written is not None:
        _out(f"Rekap ditulis: {written}")
    return EXIT_OK


# --- parser ----------------------------------------------------------------------------------------------------------

class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix="pemakaian: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with Indonesian section titles, help text and error messages."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumen"
        self._optionals.title = "pilihan"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="tampilkan bantuan ini lalu keluar")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNUSABLE, f"{self.prog}: galat: {_translate(message)}\n")


_ARGPARSE_PHRASES = (
    ("the following arguments are required", "argumen berikut wajib diisi"),
    ("unrecognized arguments", "argumen tidak dikenal"),
    ("invalid choice", "pilihan tidak sah"),
    ("expected one argument", "memerlukan satu nilai"),
    ("argument ", "argumen "),
)


def _translate(message: str) -> str:
    for english, indonesian in _ARGPARSE_PHRASES:
        message = message.replace(english, indonesian)
    return message


def _example(text: str) -> str:
    return "contoh:\n" + textwrap.indent(textwrap.dedent(text).strip(), "  ")


def build_parser() -> argparse.ArgumentParser:
    from lkj_xl.authoring.demo import (
        DEMO_AS_OF,  # a small module (no openpyxl): keeps `lkj --help` fast
    )

    parser = _Parser(
        prog=PROG,
        description="Pelacak SOP 3.1.2.6 Penyusunan Laporan Kinerja (LKj): validasi, batas waktu kerja, laporan.",
        epilog=_example("""
            lkj demo contoh/
            lkj new LKj_2025.xlsx --year 2025 --agency "Inspektorat Kota Madiun"
            lkj validate LKj_2025.xlsx --as-of 2026-03-02T10:00
            lkj report LKj_2025.xlsx
            """) + "\n\nKode keluar: 0 baik, 1 ada kesalahan data, 2 berkas tidak dapat dipakai.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help="tampilkan versi lalu keluar")
    sub = parser.add_subparsers(dest="command", metavar="PERINTAH", title="perintah", parser_class=_Parser)

    def add(name: str, help_text: str, example: str, func, *, path: bool = True, timed: bool = True,
            yearly: bool = True,
            as_of_help: str = "keadaan per waktu ini, ISO 8601 (bawaan: sekarang, menurut Zona waktu pada lembar "
                              "Pengaturan)"):
        cmd = sub.add_parser(name, help=help_text, description=help_text, epilog=_example(example))
        if path:
            cmd.add_argument("path", metavar="BERKAS", help="buku kerja pelacak (.xlsx/.xlsm)")
        if timed and yearly:
            cmd.add_argument("--year", type=_year_type, default=None, metavar="TAHUN",
                             help="tahun pelaporan, untuk SOP tahunan (bawaan: tahun pada lembar Pengaturan)")
            cmd.add_argument("--periode", dest="period", default=None, metavar="PERIODE",
                             help="periode, untuk SOP yang tidak tahunan (Pengaturan, Periode siklus): mis. 2025-S1, "
                                  "2025-TW3, 2025-03 atau nama kegiatan (bawaan: periode terakhir yang diisi)")
        if timed:
            cmd.add_argument("--as-of", dest="as_of", type=_as_of_type, default=None, metavar="WAKTU",
                             help=as_of_help)
        cmd.set_defaults(func=func)
        return cmd

    new = add("new", "Buat buku kerja pelacak baru: .xlsm dengan tab LKj (makro), atau .xlsx biasa.",
              'lkj new LKj_2026.xlsm --year 2026 --agency "Dinas Kesehatan Kota Madiun"\n'
              'lkj new LKj_2026.xlsx --year 2026 --agency "Dinas Kesehatan Kota Madiun"\n'
              'lkj new Naskah_2026.xlsm --year 2026 --sop "SOP Pembuatan Naskah Dinas.pdf"\n'
              'lkj new Monitoring_2026.xlsx --year 2026 --siklus triwulanan --aturan-batas "10 hari kerja" '
              '--zona-waktu WITA', cmd_new, timed=False)
    new.add_argument("--year", type=_year_type, required=True, metavar="TAHUN", help="tahun pelaporan (LKj tahun ini, disusun tahun depan)")
    from lkj_xl.core.settings import DEFAULT_AGENCY, DEFAULT_GOVERNMENT

    new.add_argument("--agency", metavar="NAMA", default=DEFAULT_AGENCY, help="nama perangkat daerah")
    new.add_argument("--government", metavar="NAMA", default=DEFAULT_GOVERNMENT, help="nama pemerintah daerah")
    new.add_argument("--force", action="store_true", help="timpa berkas yang sudah ada")
    new.add_argument("--sop", metavar="DOKUMEN", default=None,
                     help="bangun pelacak untuk SOP ini (.pdf, .docx, .xlsx/.xlsm, JSON dari `lkj sop import`); "
                          "bawaan: SOP 3.1.2.6 Penyusunan LKj. Peringatan impor dicetak (kode keluar 1); SOP yang "
                          "tidak dapat dipakai: kode keluar 2, tidak ada berkas yang ditulis")
    from lkj_xl.core.periods import PERIOD_KINDS
    from lkj_xl.core.zones import ZONE_NAMES

    new.add_argument("--siklus", choices=PERIOD_KINDS, default=None, metavar="SIKLUS",
                     help="periode siklus SOP: " + ", ".join(PERIOD_KINDS) + " (bawaan: tahunan, kolom Tahun; "
                          "lainnya memakai kolom Periode, mis. 2025-S1)")
    new.add_argument("--aturan-batas", dest="aturan_batas", default=None, metavar="ATURAN",
                     help="aturan batas akhir tiap periode, mis. \"31 Maret berikutnya\", \"15/01\", "
                          "\"10 hari kerja\" atau \"tidak ada\" (bawaan: 31 Maret berikutnya untuk tahunan)")
    new.add_argument("--zona-waktu", dest="zona_waktu", choices=ZONE_NAMES, default=None, metavar="ZONA",
                     help="WIB, WITA atau WIT (Keppres 41/1987; bawaan: WIB)")

    add("validate", "Periksa semua isian; tidak mengubah apa pun.",
        "lkj validate LKj_2025.xlsx --as-of 2026-03-02T10:00", cmd_validate)
    add("refresh", "Hitung batas waktu, status dan keterlambatan; perbarui Beranda. Isian tidak disentuh.",
        "lkj refresh LKj_2025.xlsx", cmd_refresh)
    add("report", "Hitung ulang lalu tulis lembar Laporan untuk tahun yang dipilih.",
        "lkj report LKj_2025.xlsx --year 2025", cmd_report)
    add("tutup", "Tutup siklus yang sudah selesai dan laporannya ditandatangani: kolom terhitungnya tidak dihitung "
        "ulang lagi, SOP dan pengaturan yang berlaku dicatat di lembar Siklus Tertutup, dan laporannya disimpan "
        "sebagai berkas .xlsx (dan PDF bila LibreOffice terpasang) di samping pelacak. SOP yang tidak tahunan: "
        "--periode (bawaan: periode terakhir yang langkah terakhirnya selesai dan belum ditutup).",
        "lkj tutup LKj_2025.xlsx --year 2025\n"
        "lkj tutup Monitoring_2025.xlsx --periode 2025-TW3", cmd_tutup)
    status = add("status", "Tampilkan keadaan siklus (dengan --json untuk mesin).",
                 "lkj status LKj_2025.xlsx --json --as-of 2026-03-02T10:00\n"
                 "lkj status Monitoring_2025.xlsx --periode 2025-TW3", cmd_status)
    status.add_argument("--json", action="store_true", help="cetak JSON")
    demo = add("demo", "Buat pelacak contoh dengan siklus 2025, validasi, hitung dan buat laporannya.",
               "lkj demo contoh/\nlkj demo contoh/ --contoh pengiriman", cmd_demo, path=False, yearly=False,  # the example is always 2025
               as_of_help=f"keadaan per waktu ini, ISO 8601 (bawaan: {DEMO_AS_OF:%Y-%m-%dT%H:%M}, saat contoh itu "
                          f"diisi)")
    demo.add_argument("dir", metavar="FOLDER", help="folder tujuan")
    demo.add_argument("--contoh", choices=("lkj", "pengiriman"), default="lkj",
                      help="contoh yang dibuat: lkj (SOP 3.1.2.6 Penyusunan LKj, bawaan) atau pengiriman (SOP "
                           "Pengiriman Dokumen BPS Provinsi Bengkulu, diimpor dari PDF bertanda tangan; keadaan per "
                           "14-01-2026 10.00)")
    build = add("build-workbook", "Bangun buku kerja makro LKj_Tracker.xlsm (pita LKj, VBA, xlwings).",
                "lkj build-workbook --out workbook/LKj_Tracker.xlsm", cmd_build_workbook, path=False, timed=False)
    from lkj_xl.authoring.macro_workbook import DEFAULT_OUT

    build.add_argument("--out", metavar="BERKAS", default=str(DEFAULT_OUT), help="berkas keluaran")
    add("backups", "Daftar cadangan buku kerja (terbaru dahulu), dengan waktu menurut Zona waktu pelacak (Pengaturan) "
        "dan ukurannya.", "lkj backups LKj_2025.xlsx", cmd_backups,
        timed=False)
    restore = add("restore", "Pulihkan buku kerja dari cadangan.", "lkj restore LKj_2025.xlsx --backup 1",
                  cmd_restore, timed=False)
    restore.add_argument("--backup", default=None, metavar="CADANGAN",
                         help="nomor urut dari `lkj backups` atau nama berkas cadangan (bawaan: terbaru)")
    setup = add("pasang", "Siapkan komputer ini (sekali per komputer, setelah pip install): tulis Python ini ke "
                "pengaturan xlwings pengguna agar tombol LKj di Excel memakainya.",
                """
                lkj pasang
                lkj pasang --server
                lkj pasang --unduh D:\\paket-lkj""", cmd_pasang, path=False, timed=False)
    setup.add_argument("--server", action="store_true",
                       help="nyalakan server UDF xlwings (Python tetap berjalan; klik berikutnya lebih cepat)")
    setup.add_argument("--unduh", metavar="FOLDER", default=None,
                       help="jangan memasang; unduh semua paket untuk Windows 64-bit (Python 3.11) ke FOLDER untuk "
                            "pemasangan tanpa internet")
    upgrade = add("upgrade", "Pindahkan pelacak versi lama ke tata letak terbaru: semua isian, kolom dan lembar tambahan, komentar "
                  "dan format sel ikut; yang tidak dapat ikut (gambar, grafik) didaftar dan kode keluarnya 1.",
                  "lkj upgrade LKj_lama.xlsx LKj_baru.xlsm", cmd_upgrade, path=False, timed=False)
    upgrade.add_argument("old", metavar="LAMA", help="pelacak lama (.xlsx/.xlsm); tidak diubah")
    upgrade.add_argument("new", metavar="BARU",
                         help="berkas baru: .xlsm untuk buku kerja dengan tab LKj, .xlsx untuk buku kerja biasa")
    pengingat = add("pengingat", "Pengingat: langkah yang terlambat, segera jatuh tempo atau berikutnya, dan siapa "
                    "pemegangnya; tulis kalender/HTML atau kirim email. Buku kerja hanya dibaca.",
                    "lkj pengingat LKj_2025.xlsx --within 8j --ics pengingat.ics --html pengingat.html\n"
                    "lkj pengingat LKj_2025.xlsx --email", cmd_pengingat)
    pengingat.add_argument("--within", type=_within_type, default=None, metavar="WAKTU",
                           help="jendela \"segera jatuh tempo\": mis. 8j, \"8 jam\", \"2 hari\" (hari kerja); bawaan: "
                                "pengaturan Segera jatuh tempo")
    pengingat.add_argument("--json", action="store_true", help="cetak JSON")
    pengingat.add_argument("--ics", metavar="BERKAS", default=None, help="tulis kalender iCalendar (.ics)")
    pengingat.add_argument("--html", metavar="BERKAS", default=None, help="tulis halaman HTML dengan tautan WhatsApp")
    pengingat.add_argument("--email", action="store_true", help="kirim email ke pemegang langkah (SMTP)")
    pengingat.add_argument("--dry-run", dest="dry_run", action="store_true",
                           help="tampilkan email yang akan dikirim tanpa mengirim")
    pengingat.add_argument("--force", action="store_true", help="kirim lagi walau sudah dikirim hari ini")
    pengingat.add_argument("--simpan-sandi", dest="simpan_sandi", action="store_true",
                           help="simpan sandi SMTP di penyimpanan kredensial sistem, lalu keluar")
    rekap = add("rekap", "Rekap semua pelacak di satu folder (termasuk subfolder) ke Rekap_LKj.xlsx: status, "
                "pemegang, batas akhir. Pelacak hanya dibaca, boleh sedang dibuka di Excel.",
                """
                lkj rekap "Z:\\LKj 2025"
                lkj rekap "Z:\\LKj 2025" --out "Z:\\Rekap\\Rekap_LKj.xlsx" --as-of 2026-03-02T10:00
                lkj rekap "Z:\\LKj 2025" --json > rekap.json""", cmd_rekap, path=False, yearly=False)
    rekap.add_argument("--year", type=_year_type, default=None, metavar="TAHUN",
                       help="hanya siklus tahun pelaporan ini (bawaan: setiap tahun yang ada di tiap pelacak)")
    rekap.description += ("\n\nYang dilewati: folder 'Cadangan LKj', berkas ~$ milik Excel, berkas sementara lkj, "
                          "dan buku kerja yang bukan pelacak. Berkas yang tidak dapat dibaca (rusak, terenkripsi) "
                          "dicantumkan di lembar 'Tidak terbaca'.\n\nKode keluar: 0 bila rekap dibuat (juga bila ada "
                          "berkas tidak terbaca atau kesalahan data; keduanya tercantum di rekap), 2 bila folder tidak "
                          "ada, tidak berisi pelacak, atau rekap tidak dapat disimpan.")
    rekap.add_argument("folder", metavar="FOLDER", help="folder berisi pelacak (.xlsx/.xlsm), dibaca beserta subfolder")
    rekap.add_argument("--out", metavar="BERKAS", default=None,
                       help="berkas rekap (bawaan: Rekap_LKj.xlsx di FOLDER); versi sebelumnya disimpan di "
                            "'Cadangan LKj'")
    rekap.add_argument("--json", action="store_true",
                       help="cetak JSON (UTF-8); tanpa --out, berkas rekap tidak ditulis")
    rekap.add_argument("--workers", type=int, default=2, metavar="N", help=argparse.SUPPRESS)
    sop = sub.add_parser("sop", help="Dokumen SOP: impor dari PDF, Word, Excel atau JSON.",
                         description="Dokumen SOP: impor dari PDF, Word, Excel atau JSON.",
                         epilog=_example("lkj sop import \"SOP Penyusunan LKj.pdf\" --out sop.json\n"
                                         "lkj sop terapkan LKj_2025.xlsx"))
    sop_sub = sop.add_subparsers(dest="sop_command", metavar="PERINTAH", title="perintah", parser_class=_Parser)
    sop.set_defaults(func=lambda args: (sop.print_help(), EXIT_OK)[1])
    sop_import = sop_sub.add_parser(
        "import", help="Baca dokumen SOP-AP (PDF bertanda tangan, .docx, .xlsx, pelacak, JSON) menjadi data.",
        description="Baca tabel langkah SOP-AP (Permenpan RB 35/2012): Pelaksana dari bentuk bagan alir, Waktu, "
                    "Output. Kode keluar: 0 tanpa peringatan, 1 ada peringatan, 2 berkas tidak dapat dipakai.",
        epilog=_example("""
            lkj sop import "SOP Penyusunan LKj.pdf"
            lkj sop import SOP.docx --json
            lkj sop import SOP.pdf --out sop.json
            """))
    sop_import.add_argument("document", metavar="DOKUMEN", help="dokumen SOP (.pdf, .docx, .xlsx/.xlsm, .json)")
    sop_import.add_argument("--json", action="store_true", help="cetak JSON (format sop.schema.json)")
    sop_import.add_argument("--out", metavar="SOP.json", default=None, help="tulis JSON ke berkas ini")
    sop_import.set_defaults(func=cmd_sop_import)
    terapkan = sop_sub.add_parser(
        "terapkan", help="Terapkan langkah yang ditambah/dihapus di tabel langkah SOP (tblSOP) ke susunan pelacak.",
        description="Setelah pengelola menambah atau menghapus langkah di tabel langkah SOP (lembar SOP): tambahkan "
                    "lembar Langkah N, tabel tblLangkahN dan baris Laporan untuk langkah baru; lembar langkah yang "
                    "dihapus dari tblSOP ikut dihapus hanya bila kosong. Semua isian lain dibawa dan dibandingkan; "
                    "versi sebelumnya disimpan di Cadangan LKj. Kode keluar: 0 berhasil (atau tidak ada yang perlu "
                    "diubah), 2 tidak diubah (mis. lembar yang akan dihapus masih berisi isian).",
        epilog=_example("lkj sop terapkan LKj_2025.xlsx"))
    terapkan.add_argument("path", metavar="BERKAS", help="buku kerja pelacak (.xlsx/.xlsm)")
    terapkan.set_defaults(func=cmd_sop_terapkan)
    return parser


#: Exit code when the output pipe closed early (128 + SIGPIPE).
EXIT_BROKEN_PIPE = 141


def _saves_so_far() -> int:
    backups = sys.modules.get("lkj_xl.files.backups")  # loaded by the first save; not imported just to count
    return len(backups.completed_saves) if backups is not None else 0


def main(argv: Sequence[str] | None = None, *, clock: Callable[[], datetime] | None = None) -> int:
    """Run ``lkj ARGV``; ``clock`` gives the real time (WIB, naive) for Riwayat and the default ``--as-of``."""
    original = sys.stdout
    output = _Output(original)
    sys.stdout = output
    _safe_stderr()
    try:
        code = _main(argv, clock)
        if output.failure is not None and code != EXIT_BROKEN_PIPE:
            _err(f"Catatan: keluaran perintah tidak dapat ditampilkan ({output.failure}); perintahnya sendiri sudah "
                 f"selesai.")
        return code
    finally:
        sys.stdout = original
        if output.failure is not None and original is not None:
            _silence_stdout()  # what stayed in its buffer must not fail again at interpreter exit
        if original is None:  # started with stdout closed: nothing for the interpreter to flush at exit
            import os

            try:
                sys.stdout = open(os.devnull, "w")
            except OSError:
                pass


def _main(argv: Sequence[str] | None, clock: Callable[[], datetime] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.clock = clock
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_OK
    saves_before = _saves_so_far()
    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed output pipe shows here, in the handlers below, not at interpreter exit
        return code
    except LkjError as exc:
        where = f" ({exc.sheet}{'!' + exc.cell if exc.cell else ''})" if exc.sheet else ""
        _err(f"Gagal{where}: {exc.message}")
        return exc.exit_code
    except KeyboardInterrupt:
        saved = sys.modules["lkj_xl.files.backups"].completed_saves[saves_before:] if _saves_so_far() > saves_before \
            else []
        if saved:
            # Ctrl+C after the workbook was replaced: the work is done; say so rather than "Dibatalkan".
            names = ", ".join(f"'{p}'" for p in dict.fromkeys(saved))
            _err(f"Dihentikan (Ctrl+C) setelah penyimpanan selesai: buku kerja {names} sudah disimpan dengan versi "
                 f"baru (versi sebelumnya ada di folder Cadangan LKj).")
            return EXIT_OK
        _err("Dibatalkan.")
        return EXIT_UNUSABLE
    except BrokenPipeError:
        # Whoever read our output stopped reading (`lkj status BERKAS | head -3`): not a failure to report or log.
        # Point stdout at devnull so the final flush at exit does not raise again; exit as a process ended by
        # SIGPIPE would (128 + 13), the way other command-line tools end in a pipeline.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as exc:  # a file system answer nobody turned into a message: still a clear one, not "tak terduga"
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        _err(f"Gagal: berkas tidak dapat dibaca atau ditulis{where}: {exc.strerror or exc}. Periksa ruang kosong, "
             f"izin dan koneksi ke folder itu, lalu ulangi.")
        return EXIT_UNUSABLE
    except Exception as exc:  # noqa: BLE001 - never a traceback to the user
        from lkj_xl.runtime import log_failure

        log = log_failure("lkj " + " ".join(sys.argv[1:2]), exc)
        _err(f"Terjadi kesalahan tak terduga: {exc.__class__.__name__}: {exc}. "
             + (f"Rincian teknis dicatat di {log}." if log else ""))
        return EXIT_UNUSABLE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
