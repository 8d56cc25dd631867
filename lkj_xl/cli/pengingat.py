"""``lkj pengingat``: the reminders of one tracker (read-only), listed, as JSON, as a calendar or an HTML page, or
sent by e-mail; ``--simpan-sandi`` stores the SMTP password.  Its own module: the one command with delivery
channels, each with its options (``--within``'s type lives here too).
"""

from __future__ import annotations

import argparse

from lkj_xl.cli.shared import _as_of, _cycle
from lkj_xl.console import _out, _out_json
from lkj_xl.core.errors import EXIT_DATA, EXIT_OK, DataError, UnusableFileError


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
