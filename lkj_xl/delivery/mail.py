"""Send each holder their reminders by e-mail over SMTP (``smtplib``), with a send log against doubles.

Settings: the Pengaturan rows ``Server SMTP``, ``Port SMTP``, ``Keamanan SMTP`` (Tanpa / STARTTLS / SSL),
``Pengguna SMTP`` and ``Pengirim email``, each overridden by an environment variable (``LKJ_SMTP_HOST``,
``LKJ_SMTP_PORT``, ``LKJ_SMTP_SECURITY``, ``LKJ_SMTP_USER``, ``LKJ_SMTP_FROM``).  The password is never in the
workbook: ``LKJ_SMTP_PASSWORD``, else the OS keyring (service ``lkj-xl``, user = the SMTP user;
:func:`store_password` puts it there).

Sending (:func:`send_reminders`): one message per recipient holding all their steps; each recipient gets a
:class:`SendResult` with an Indonesian message (refused login, unreachable server, refused address...), and a failure
for one address does not stop the others.  Every message sent is logged, one JSON line per step, in the send log
(``Cadangan LKj/<tracker stem>.pengingat.jsonl``): a step already sent to a recipient today is not sent again unless
``force``.  On a day that is not a working day by the tracker's calendar nothing is sent.  The tracker itself is
neither written nor locked.

The send log itself is :mod:`lkj_xl.delivery.sendlog` (a ribbon click reads it without importing this module);
``smtplib``, ``ssl`` and ``email.message`` are imported by the functions that send.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING

from lkj_xl.core.dates import DAY_NAMES_ID, format_date_id
from lkj_xl.core.errors import DataError, ParseError
from lkj_xl.core.reminders import (
    Reminder,
    group_by_recipient,
    message_text,
    normalize_email,
    subject,
)
from lkj_xl.core.sop import Sop
from lkj_xl.core.worktime import WorkingCalendar
from lkj_xl.core.zones import WIB, zone_named  # noqa: F401 - WIB: the default clock
from lkj_xl.delivery.sendlog import (  # noqa: F401 - the send log, part of this module's API
    CHANNEL_EMAIL, SEND_LOG_SUFFIX, Sending, append_log as _append_log, history_lines, read_send_log, send_log_path,
    sendings_on,
)

if TYPE_CHECKING:
    import smtplib
    from email.message import EmailMessage

# --- settings --------------------------------------------------------------------------------------------------------

#: Pengaturan labels.
SETTING_HOST = "Server SMTP"
SETTING_PORT = "Port SMTP"
SETTING_SECURITY = "Keamanan SMTP"
SETTING_USER = "Pengguna SMTP"
SETTING_FROM = "Pengirim email"
SETTING_LABELS = (SETTING_HOST, SETTING_PORT, SETTING_SECURITY, SETTING_USER, SETTING_FROM)

ENV_HOST = "LKJ_SMTP_HOST"
ENV_PORT = "LKJ_SMTP_PORT"
ENV_SECURITY = "LKJ_SMTP_SECURITY"
ENV_USER = "LKJ_SMTP_USER"
ENV_FROM = "LKJ_SMTP_FROM"
ENV_PASSWORD = "LKJ_SMTP_PASSWORD"
_ENV_FOR = {SETTING_HOST: ENV_HOST, SETTING_PORT: ENV_PORT, SETTING_SECURITY: ENV_SECURITY, SETTING_USER: ENV_USER,
            SETTING_FROM: ENV_FROM}

KEYRING_SERVICE = "lkj-xl"

SECURITY_NONE = "none"
SECURITY_STARTTLS = "starttls"
SECURITY_SSL = "ssl"
SECURITY_LABELS = {SECURITY_NONE: "Tanpa", SECURITY_STARTTLS: "STARTTLS", SECURITY_SSL: "SSL"}
_SECURITY_WORDS = {
    "none": SECURITY_NONE, "tanpa": SECURITY_NONE, "tidak ada": SECURITY_NONE, "tidak": SECURITY_NONE, "-": SECURITY_NONE,
    "starttls": SECURITY_STARTTLS, "start tls": SECURITY_STARTTLS,
    "ssl": SECURITY_SSL, "ssl/tls": SECURITY_SSL, "tls": SECURITY_SSL, "smtps": SECURITY_SSL,
}
DEFAULT_PORTS = {SECURITY_NONE: 25, SECURITY_STARTTLS: 587, SECURITY_SSL: 465}
#: Seconds to wait for the server.
DEFAULT_TIMEOUT = 30


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # SECURITY_*
    user: str | None
    sender: str  # the From header ("LKj Inspektorat <lkj@...>" or a bare address)

    def describe(self) -> str:
        who = f", pengguna {self.user}" if self.user else ""
        return f"{self.host}:{self.port} ({SECURITY_LABELS[self.security]}{who})"


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def smtp_settings(rows: Mapping[str, object] | None = None, env: Mapping[str, str] | None = None) -> SmtpSettings:
    """Settings from the Pengaturan ``rows`` (label -> value) with the environment overriding each one.

    Raises :class:`DataError` (Indonesian) when the server or the sender is missing, or a value is unreadable."""
    rows = rows or {}
    env = os.environ if env is None else env
    wanted = {label.casefold(): label for label in SETTING_LABELS}
    values = {label: "" for label in SETTING_LABELS}
    for label, value in rows.items():
        key = wanted.get(_clean(label).casefold())
        if key:
            values[key] = _clean(value)
    for label, name in _ENV_FOR.items():
        if _clean(env.get(name)):
            values[label] = _clean(env.get(name))

    def where(label: str) -> str:
        return f"baris \"{label}\" lembar Pengaturan atau variabel lingkungan {_ENV_FOR[label]}"

    missing = [label for label in (SETTING_HOST, SETTING_FROM) if not values[label]]
    if missing:
        raise DataError("Pengiriman email belum diatur: isi " + " dan ".join(where(m) for m in missing) + ".")
    security_text = values[SETTING_SECURITY].casefold()
    security = _SECURITY_WORDS.get(security_text) if security_text else SECURITY_STARTTLS
    if security is None:
        raise DataError(f"Keamanan SMTP \"{values[SETTING_SECURITY]}\" tidak dikenali; isi Tanpa, STARTTLS atau SSL "
                        f"({where(SETTING_SECURITY)}).")
    port_text = values[SETTING_PORT]
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise DataError(f"Port SMTP \"{port_text}\" bukan nomor port (1-65535), mis. 587 ({where(SETTING_PORT)}).")
        port = int(port_text)
    else:
        port = DEFAULT_PORTS[security]
    try:
        normalize_email(values[SETTING_FROM])
    except ParseError as exc:
        raise DataError(f"Pengirim email: {exc.message} ({where(SETTING_FROM)}).") from None
    return SmtpSettings(host=values[SETTING_HOST], port=port, security=security, user=values[SETTING_USER] or None,
                        sender=values[SETTING_FROM])


def smtp_password(settings: SmtpSettings, env: Mapping[str, str] | None = None) -> str | None:
    """The SMTP password: ``LKJ_SMTP_PASSWORD``, else the OS keyring entry of the SMTP user, else None."""
    env = os.environ if env is None else env
    if env.get(ENV_PASSWORD):
        return env[ENV_PASSWORD]
    if not settings.user:
        return None
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(KEYRING_SERVICE, settings.user)
        except KeyringError:
            return None
    except ImportError:  # pragma: no cover - keyring is a dependency
        return None


def store_password(user: str, password: str) -> str:
    """Keep ``password`` in the OS keyring for ``user``; returns the keyring's name.  DataError when no keyring is
    usable (then set LKJ_SMTP_PASSWORD instead)."""
    import keyring
    from keyring.errors import KeyringError

    if not user:
        raise DataError("Pengguna SMTP belum diisi (lembar Pengaturan atau LKJ_SMTP_USER); sandi disimpan per pengguna.")
    if not password:
        raise DataError("Sandi kosong; tidak ada yang disimpan.")
    backend = keyring.get_keyring()
    try:
        keyring.set_password(KEYRING_SERVICE, user, password)
    except (KeyringError, RuntimeError) as exc:
        raise DataError(f"Sandi tidak dapat disimpan di penyimpanan kredensial sistem ({exc}); gunakan variabel "
                        f"lingkungan {ENV_PASSWORD}.") from None
    return getattr(backend, "name", type(backend).__name__)


# --- sending ---------------------------------------------------------------------------------------------------------

RESULT_SENT = "terkirim"
RESULT_FAILED = "gagal"
RESULT_ALREADY_SENT = "sudah_dikirim"
RESULT_DRY_RUN = "uji_coba"


@dataclass(frozen=True)
class SendResult:
    recipient: str
    holder: str | None
    steps: tuple[int, ...]
    status: str  # RESULT_*
    message: str  # Indonesian

    @property
    def failed(self) -> bool:
        return self.status == RESULT_FAILED

    def describe(self) -> str:
        who = formataddr((self.holder or "", self.recipient))
        return f"{who}: {self.message}"


@dataclass(frozen=True)
class SendOutcome:
    results: tuple[SendResult, ...] = ()
    sent: tuple[Sending, ...] = ()
    #: reminders nobody can be e-mailed about (no holder, or no usable address)
    without_email: tuple[Reminder, ...] = ()
    working_day: bool = True
    note: str | None = None  # e.g. why nothing was sent

    @property
    def failed(self) -> tuple[SendResult, ...]:
        return tuple(r for r in self.results if r.failed)


def build_message(recipient: str, reminders: Sequence[Reminder], settings: SmtpSettings, *, sop: Sop, year: int,
                  as_of: datetime, zone: str = "WIB") -> EmailMessage:
    """The e-mail for one recipient: Indonesian subject and plain-text body (UTF-8)."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = subject(reminders, sop, year)
    message["From"] = settings.sender
    message["To"] = formataddr((reminders[0].holder or "", recipient))
    message["Date"] = format_datetime(as_of.replace(tzinfo=zone_named(zone)) if as_of.tzinfo is None else as_of)
    domain = settings.sender.rsplit("@", 1)[-1].strip(" >") or "lkj-xl"
    message["Message-ID"] = make_msgid("lkj-pengingat", domain=domain)
    message.set_content(message_text(reminders, sop, year, as_of))
    return message


class _Fatal(Exception):
    """The server cannot be used at all this run (unreachable, refused login...): every remaining recipient fails."""


def _connect(settings: SmtpSettings, password: str | None, timeout: float) -> smtplib.SMTP:
    import smtplib
    import ssl
    server = f"{settings.host}:{settings.port}"
    try:
        if settings.security == SECURITY_SSL:
            conn: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout,
                                                   context=ssl.create_default_context())
        else:
            conn = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    except ssl.SSLError as exc:
        raise _Fatal(f"Koneksi aman (SSL) ke server SMTP {server} gagal ({exc.reason or exc}); periksa Port SMTP dan "
                     f"Keamanan SMTP (SSL biasanya port 465, STARTTLS port 587).") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise _Fatal(f"Server SMTP {server} tidak dapat dihubungi ({_reason(exc)}); periksa Server SMTP, Port SMTP "
                     f"dan jaringan.") from None
    try:
        conn.ehlo()
        if settings.security == SECURITY_STARTTLS:
            try:
                conn.starttls(context=ssl.create_default_context())
            except smtplib.SMTPNotSupportedError:
                raise _Fatal(f"Server SMTP {server} tidak mendukung STARTTLS; ubah Keamanan SMTP (SSL atau Tanpa) "
                             f"sesuai petunjuk pengelola server email.") from None
            except ssl.SSLError as exc:
                raise _Fatal(f"STARTTLS ke server SMTP {server} gagal ({exc.reason or exc}); sertifikat server tidak "
                             f"dipercaya atau pengaturan keamanan salah.") from None
            conn.ehlo()
        if settings.user:
            if not password:
                raise _Fatal(f"Sandi SMTP untuk pengguna {settings.user} belum ada: isi variabel lingkungan "
                             f"{ENV_PASSWORD} atau simpan dengan `lkj pengingat BERKAS --simpan-sandi`.")
            try:
                conn.login(settings.user, password)
            except smtplib.SMTPAuthenticationError as exc:
                raise _Fatal(f"Server SMTP {server} menolak login pengguna {settings.user} ({_reason(exc)}); periksa "
                             f"Pengguna SMTP dan sandinya.") from None
            except smtplib.SMTPNotSupportedError:
                raise _Fatal(f"Server SMTP {server} tidak menerima login (AUTH) pada koneksi ini; coba Keamanan SMTP "
                             f"STARTTLS atau SSL, atau kosongkan Pengguna SMTP.") from None
    except _Fatal:
        _close(conn)
        raise
    except (OSError, smtplib.SMTPException) as exc:
        _close(conn)
        raise _Fatal(f"Percakapan dengan server SMTP {server} terputus ({_reason(exc)}).") from None
    return conn


def _reason(exc: BaseException) -> str:
    import smtplib
    import socket
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {' '.join(text.split())}"
    if isinstance(exc, socket.timeout):
        return "waktu tunggu habis"
    if isinstance(exc, ConnectionRefusedError):
        return "koneksi ditolak"
    if isinstance(exc, socket.gaierror):
        return "nama server tidak ditemukan"
    return str(exc) or exc.__class__.__name__


def _close(conn: smtplib.SMTP | None) -> None:
    import smtplib
    if conn is None:
        return
    try:
        conn.quit()
    except (OSError, smtplib.SMTPException):
        try:
            conn.close()
        except OSError:
            pass


def non_working_day_note(day: date, calendar: WorkingCalendar | None = None) -> str:
    """"Sabtu, 7 Maret 2026 bukan hari kerja ...": why nothing is sent today."""
    text = (f"{DAY_NAMES_ID[day.weekday()]}, {format_date_id(day)} bukan hari kerja menurut kalender pelacak (lembar "
            f"Pengaturan dan Hari Libur); pengingat email tidak dikirim hari ini.")
    if calendar is not None:
        text += f" Hari kerja berikutnya: {format_date_id(calendar.next_working_day(day))}."
    return text


def send_reminders(reminders: Sequence[Reminder], settings: SmtpSettings | None, *, sop: Sop, year: int,
                   as_of: datetime, calendar: WorkingCalendar, log_path: str | os.PathLike[str],
                   password: str | None = None, force: bool = False, dry_run: bool = False,
                   timeout: float = DEFAULT_TIMEOUT, zone: str = "WIB",
                   connect: Callable[[SmtpSettings, str | None, float], smtplib.SMTP] | None = None) -> SendOutcome:
    """E-mail each recipient their reminders (see the module docstring).  ``settings`` may be None for a dry run."""
    import smtplib
    log = Path(log_path)
    day = as_of.date()
    year = year if isinstance(year, int) else str(year)  # a period ("2025-S1") is logged by its label
    if not calendar.is_working_day(day):
        return SendOutcome(working_day=False, note=non_working_day_note(day, calendar))
    without = tuple(r for r in reminders if not r.email)
    groups = group_by_recipient(reminders, "email")
    already = {s.key() for s in sendings_on(log, day)}
    connect = connect or _connect
    results: list[SendResult] = []
    sent: list[Sending] = []
    conn: smtplib.SMTP | None = None
    fatal: str | None = None
    if not dry_run and groups and settings is None:
        raise DataError("Pengiriman email belum diatur (Server SMTP dan Pengirim email).")
    if not dry_run and settings is not None and password is None:
        password = smtp_password(settings)
    try:
        for recipient, group in groups.items():
            holder = group[0].holder
            todo = [r for r in group if force or (day, year, r.step, recipient.lower(), CHANNEL_EMAIL) not in already]
            steps = tuple(r.step for r in todo)
            if not todo:
                results.append(SendResult(recipient, holder, tuple(r.step for r in group), RESULT_ALREADY_SENT,
                                          "sudah dikirim hari ini, tidak dikirim lagi (pakai --force untuk mengirim "
                                          "ulang)."))
                continue
            if dry_run:
                results.append(SendResult(recipient, holder, steps, RESULT_DRY_RUN,
                                          f"akan dikirim: \"{subject(todo, sop, year)}\" (uji coba, tidak dikirim)."))
                continue
            if fatal is not None:
                results.append(SendResult(recipient, holder, steps, RESULT_FAILED, fatal))
                continue
            message = build_message(recipient, todo, settings, sop=sop, year=year, as_of=as_of, zone=zone)
            outcome = None
            for attempt in (1, 2):  # a connection the server dropped is opened again, once
                try:
                    if conn is None:
                        conn = connect(settings, password, timeout)
                    conn.send_message(message, from_addr=normalize_email(settings.sender), to_addrs=[recipient])
                    outcome = SendResult(recipient, holder, steps, RESULT_SENT,
                                         f"terkirim: \"{message['Subject']}\".")
                    break
                except _Fatal as exc:
                    fatal = str(exc)
                    outcome = SendResult(recipient, holder, steps, RESULT_FAILED, fatal)
                    break
                except smtplib.SMTPRecipientsRefused as exc:
                    reason = "; ".join(_reason(smtplib.SMTPResponseException(code, text))
                                       for code, text in exc.recipients.values())
                    outcome = SendResult(recipient, holder, steps, RESULT_FAILED,
                                         f"alamat {recipient} ditolak server ({reason}); periksa kolom Email pegawai "
                                         f"ini di lembar Pegawai.")
                    break
                except smtplib.SMTPSenderRefused as exc:
                    fatal = (f"Server SMTP menolak alamat pengirim {settings.sender} ({_reason(exc)}); periksa "
                             f"Pengirim email di lembar Pengaturan.")
                    outcome = SendResult(recipient, holder, steps, RESULT_FAILED, fatal)
                    break
                except smtplib.SMTPServerDisconnected as exc:
                    _close(conn)
                    conn = None
                    outcome = SendResult(recipient, holder, steps, RESULT_FAILED,
                                         f"server SMTP memutus koneksi ({_reason(exc)}).")
                    if attempt == 2:
                        break
                except (OSError, smtplib.SMTPException) as exc:
                    _close(conn)
                    conn = None
                    outcome = SendResult(recipient, holder, steps, RESULT_FAILED,
                                         f"gagal dikirim ({_reason(exc)}).")
                    break
            results.append(outcome)
            if outcome.status == RESULT_SENT:
                now = [Sending(day, as_of, year, r.step, recipient, r.holder, CHANNEL_EMAIL) for r in todo]
                _append_log(log, now)
                sent += now
    finally:
        _close(conn)
    return SendOutcome(results=tuple(results), sent=tuple(sent), without_email=without)


__all__ = [
    "CHANNEL_EMAIL", "DEFAULT_PORTS", "ENV_FROM", "ENV_HOST", "ENV_PASSWORD", "ENV_PORT", "ENV_SECURITY", "ENV_USER",
    "KEYRING_SERVICE", "RESULT_ALREADY_SENT", "RESULT_DRY_RUN", "RESULT_FAILED", "RESULT_SENT", "SECURITY_NONE",
    "SECURITY_SSL", "SECURITY_STARTTLS", "SETTING_FROM", "SETTING_HOST", "SETTING_LABELS", "SETTING_PORT",
    "SETTING_SECURITY", "SETTING_USER", "SendOutcome", "SendResult", "Sending", "SmtpSettings", "build_message",
    "history_lines", "read_send_log", "send_log_path", "send_reminders", "sendings_on", "smtp_password", "smtp_settings",
    "store_password",
]
