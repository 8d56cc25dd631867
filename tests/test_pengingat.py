"""`lkj pengingat` end to end: a real tracker (built and filled like the demo), a real SMTP server (aiosmtpd on
127.0.0.1), the .ics parsed back with icalendar, the HTML page, the send log.

The demo cycle at Monday 23 February 2026 10.00: step 6 (Sekretaris, "180 menit") received 08.00, due 11.00, 60
working minutes left; step 7 (Kepala Dinas) is next.  At 14.00 step 6 is 120 working minutes late.

The contacts are typed into the Pegawai sheet's "No. WhatsApp" and "Email" columns (`contacts` fixture); everything
is the real path: the file opened read-only, analysed, reminders selected, written and sent.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import icalendar
import keyring
import keyring.backend
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from lkj_xl.cli import main
from lkj_xl.core.entries import StaffEntry
from lkj_xl.delivery import mail
from lkj_xl.delivery.ics import event_uid
from lkj_xl.engines.openpyxl_book import FileBook
from lkj_xl.files.names import BACKUP_DIR_NAME
from lkj_xl.workbook import layout

AS_OF = "2026-02-23T10:00"
LATE = "2026-02-23T14:00"
SATURDAY = "2026-02-28T10:00"
NYEPI = "2026-03-19T10:00"  # a Thursday, Hari Suci Nyepi: not a working day

SEKRETARIS, KEPALA, PLT = "Sri Wahyuni, S.E., M.M.", "Drs. Bambang Sutrisno, M.Si.", "Agus Prasetyo, S.T."
#: Nama -> (No. WhatsApp, Email), as typed.
CONTACTS = {
    KEPALA: ("0812-1111-2222", "bambang@madiunkota.go.id"),
    SEKRETARIS: ("+62 813 3333 4444", "sri@madiunkota.go.id"),
}


#: A Pegawai row with the two contact columns.
Person = StaffEntry

#: A Kasubag row with a landline and no usable address: two warnings (exit code 1).
BAD = Person(0, "Dewi Lestari, S.Sos.", None, "Kasubag", None, "0351-462123", "dewi(at)madiunkota")


@pytest.fixture
def tracker(demo_tracker) -> Path:
    """The demo cycle typed into a blank tracker: a fresh copy of the session's template."""
    return demo_tracker


class _Contacts:
    """The Pegawai sheet of ``path``: ``append(person)`` types one more row into the file's staff table."""

    def __init__(self, path: Path):
        self.path = path

    def append(self, person: StaffEntry) -> None:
        book = FileBook.open(self.path)
        values = book.read(layout.SHEET_STAFF)
        row = next(r0 + 1 for r0 in range(layout.LIST_HEADER_ROW, len(values) + 1)
                   if r0 >= len(values) or all(v is None for v in values[r0]))
        book.write(layout.SHEET_STAFF, row, 1, [[getattr(person, layout.STAFF_ATTRIBUTES[label])
                                                 for label in layout.STAFF_HEADERS]])
        book.save()


@pytest.fixture
def contacts(tracker) -> _Contacts:
    """The tracker's Pegawai sheet with "No. WhatsApp" and "Email" typed for the people in ``CONTACTS``; ``append``
    adds rows after the sheet's (e.g. an acting Sekretaris)."""
    book = FileBook.open(tracker)
    values = book.read(layout.SHEET_STAFF)
    header = values[layout.LIST_HEADER_ROW - 1]
    name = header.index(layout.E_NAME)
    whatsapp = header.index(layout.E_WHATSAPP)
    assert header[whatsapp + 1] == layout.E_EMAIL
    for r0, row in enumerate(values[layout.LIST_HEADER_ROW:], start=layout.LIST_HEADER_ROW):
        if row[name] in CONTACTS:
            book.write(layout.SHEET_STAFF, r0 + 1, whatsapp + 1, [list(CONTACTS[row[name]])])
    book.save()
    return _Contacts(tracker)


def lkj(capsys, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


# --- a real SMTP server ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """aiosmtpd handler keeping every message; addresses at refused.example are refused at RCPT (550)."""

    def __init__(self):
        self.messages: list[tuple[str, list[str], email.message.EmailMessage]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def by_recipient(self) -> dict[str, email.message.EmailMessage]:
        return {rcpt: msg for _, rcpts, msg in self.messages for rcpt in rcpts}


def _serve(monkeypatch, **smtp_kwargs):
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port, **smtp_kwargs)
    controller.start()
    for name, value in ((mail.ENV_HOST, "127.0.0.1"), (mail.ENV_PORT, str(port)), (mail.ENV_SECURITY, "Tanpa"),
                        (mail.ENV_FROM, "Pelacak LKj <lkj@madiunkota.go.id>")):
        monkeypatch.setenv(name, value)
    for name in (mail.ENV_USER, mail.ENV_PASSWORD):
        monkeypatch.delenv(name, raising=False)
    return box, controller


@pytest.fixture
def smtp(monkeypatch):
    box, controller = _serve(monkeypatch)
    yield box
    controller.stop()


@pytest.fixture
def smtp_refusing_login(monkeypatch):
    def refuse(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False)

    box, controller = _serve(monkeypatch, authenticator=refuse, auth_require_tls=False)
    monkeypatch.setenv(mail.ENV_USER, "lkj@madiunkota.go.id")
    monkeypatch.setenv(mail.ENV_PASSWORD, "salah")
    yield box
    controller.stop()


@pytest.fixture
def smtp_down(monkeypatch):
    """Settings pointing at a port nothing listens on."""
    port = free_port()
    for name, value in ((mail.ENV_HOST, "127.0.0.1"), (mail.ENV_PORT, str(port)), (mail.ENV_SECURITY, "none"),
                        (mail.ENV_FROM, "lkj@madiunkota.go.id")):
        monkeypatch.setenv(name, value)
    return port


def log_of(tracker: Path) -> Path:
    return tracker.parent / BACKUP_DIR_NAME / "LKj_2025.pengingat.jsonl"


# --- listing -----------------------------------------------------------------------------------------------------


def test_text_lists_steps_holders_and_whatsapp_links(tracker, contacts, capsys):
    contacts.append(BAD)
    code, out, err = lkj(capsys, "pengingat", tracker, "--as-of", AS_OF)
    assert code == 1, err  # Dewi's landline and broken address are warnings: bad data
    assert "Pengingat LKj tahun 2025, keadaan per 23 Februari 2026 10.00 WIB (segera jatuh tempo: 4 jam kerja)." in out
    assert (f"Langkah 6 (Sekretaris) - {SEKRETARIS}: Segera jatuh tempo, batas waktu 23 Februari 2026 11.00, sisa 1 "
            f"jam kerja") in out
    assert f"Langkah 7 (Kepala Dinas) - {KEPALA}: Langkah berikutnya, belum dimulai" in out
    link = next(line.split(": ", 1)[1] for line in out.splitlines() if "WhatsApp +62 813-3333-4444" in line)
    parts = urlsplit(link)
    assert parts.netloc == "wa.me" and parts.path == "/6281333334444"
    text = parse_qs(parts.query)["text"][0]
    assert text.startswith(f"Yth. {SEKRETARIS} (Sekretaris),") and "Langkah 6" in text
    # Located on the Pegawai sheet (the cell once the layout has the column).
    assert "[Peringatan] Pegawai" in out and "0351-462123" in out


def test_json_shape_utf8_and_window(tracker, contacts, capsysbinary):
    contacts.append(BAD)
    code = main(["pengingat", str(tracker), "--as-of", LATE, "--json", "--within", "2 hari"])
    raw = capsysbinary.readouterr().out
    state = json.loads(raw.decode("utf-8"))
    assert code == 1
    assert state["as_of"] == "2026-02-23T14:00" and state["timezone"] == "Asia/Jakarta"
    assert state["within_minutes"] == 900  # Mon 14.00 -> Wed 14.00: 120 + 450 + 330 working minutes
    assert state["reminders"] == [
        {"step": 6, "actor": "Sekretaris", "holder": SEKRETARIS, "due": "2026-02-23T11:00", "status": "terlambat",
         "late_minutes": 120, "whatsapp": "6281333334444", "email": "sri@madiunkota.go.id"},
        {"step": 7, "actor": "Kepala Dinas", "holder": KEPALA, "due": None, "status": "belum_mulai",
         "late_minutes": 0, "whatsapp": "6281211112222", "email": "bambang@madiunkota.go.id"},
    ]
    assert {p["code"] for p in state["problems"]} == {"whatsapp_tidak_sah", "email_tidak_sah"}


def test_reader_without_contact_columns(tracker, capsys):
    """Today's reader (no contact fields): the list works, nobody can be e-mailed, nothing is a problem."""
    code, out, _ = lkj(capsys, "pengingat", tracker, "--as-of", AS_OF, "--dry-run")
    assert code == 0
    assert f"Tanpa email: Langkah 6 (Sekretaris) - {SEKRETARIS}" in out and "WhatsApp" not in out


def test_bad_window_and_unusable_file(tmp_path, tracker, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["pengingat", str(tracker), "--within", "sebentar"])
    assert exited.value.code == 2 and "Rentang waktu \"sebentar\" tidak dikenali" in capsys.readouterr().err
    junk = tmp_path / "bukan.xlsx"
    junk.write_text("bukan buku kerja")
    code, _, err = lkj(capsys, "pengingat", junk)
    assert code == 2 and err.startswith("Gagal")


# --- the calendar file -------------------------------------------------------------------------------------------


def test_ics_events_attendees_alarms_jakarta_and_stable_uids(tmp_path, tracker, contacts, capsys):
    contacts.append(Person(0, PLT, None, "Kabid", "Plt. Sekretaris", "0857 1234 5678", "agus@madiunkota.go.id"))
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    for target in (first, second):
        _, out, err = lkj(capsys, "pengingat", tracker, "--as-of", LATE, "--ics", target)
        assert f"Kalender (.ics) ditulis: {target}" in out, err
    assert first.read_bytes() == second.read_bytes()  # same state, same file: DTSTAMP is as_of, not the clock

    cal = icalendar.Calendar.from_ical(first.read_bytes())
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Jakarta"]
    events = cal.walk("VEVENT")
    assert len(events) == 1  # step 6; the next step has no due time yet
    event = events[0]
    start = event.decoded("DTSTART")
    assert start == datetime(2026, 2, 23, 11, 0, tzinfo=timezone(timedelta(hours=7)))
    assert start.utcoffset() == timedelta(hours=7) and event["DTSTART"].params["TZID"] == "Asia/Jakarta"
    assert event.decoded("DTSTAMP") == datetime(2026, 2, 23, 7, 0, tzinfo=timezone.utc)
    assert str(event["SUMMARY"]) == "TERLAMBAT: LKj 2025 Langkah 6 (Sekretaris): batas waktu"
    assert "Yang diserahkan: Draft Lkj dan Draft surat pengantar." in str(event["DESCRIPTION"])
    attendees = event["ATTENDEE"]
    assert sorted(str(a) for a in attendees) == ["mailto:agus@madiunkota.go.id", "mailto:sri@madiunkota.go.id"]
    assert {a.params["CN"] for a in attendees} == {SEKRETARIS, PLT}
    alarms = event.walk("VALARM")
    assert len(alarms) == 1 and alarms[0].decoded("TRIGGER") == timedelta(minutes=-60)
    assert str(alarms[0]["ACTION"]) == "DISPLAY"

    uid = str(event["UID"])
    assert uid == event_uid(tracker, 2025, 6) and uid.endswith("@lkj-xl") and len(uid.split("@")[0]) == 40
    assert event_uid(tracker, 2025, 6) == event_uid(Path(tracker.parent, ".", tracker.name), 2025, 6)
    assert len({uid, event_uid(tracker, 2025, 7), event_uid(tracker, 2026, 6),
                event_uid(tmp_path / "lain.xlsx", 2025, 6)}) == 4


# --- the HTML page -----------------------------------------------------------------------------------------------


def test_html_page_with_wa_me_links(tmp_path, tracker, contacts, capsys):
    page = tmp_path / "pengingat.html"
    lkj(capsys, "pengingat", tracker, "--as-of", AS_OF, "--html", page)
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="id">' in html and '<meta charset="utf-8">' in html
    assert "<title>Pengingat LKj 2025</title>" in html and "keadaan per 23 Februari 2026 10.00 WIB" in html
    assert "https://wa.me/6281333334444?text=Yth.%20Sri%20Wahyuni%2C%20S.E.%2C%20M.M.%20%28Sekretaris%29%2C" in html
    assert "https://wa.me/6281211112222?text=" in html
    assert "mailto:sri@madiunkota.go.id?subject=Pengingat%20LKj%202025" in html
    assert "<script" not in html and "http://" not in html  # self-contained


# --- e-mail ------------------------------------------------------------------------------------------------------


def test_email_each_holder_gets_their_steps_once_a_day(tracker, contacts, smtp, capsys):
    code, out, err = lkj(capsys, "pengingat", tracker, "--as-of", AS_OF, "--email")
    assert code == 0, err
    got = smtp.by_recipient()
    assert set(got) == {"sri@madiunkota.go.id", "bambang@madiunkota.go.id"}
    to_sri = got["sri@madiunkota.go.id"]
    assert to_sri["Subject"] == "Pengingat LKj 2025: Langkah 6 batas waktu 23 Februari 2026 11.00, sisa 1 jam kerja"
    assert to_sri["To"] == f'"{SEKRETARIS}" <sri@madiunkota.go.id>'
    assert to_sri["From"] == "Pelacak LKj <lkj@madiunkota.go.id>"
    body = to_sri.get_content()
    assert body.startswith(f"Yth. {SEKRETARIS} (Sekretaris),")
    assert "Langkah 6 (Sekretaris): Menerima, meneliti, memaraf draft" in body
    assert "Yang diserahkan: Draft Lkj dan Draft surat pengantar." in body
    assert "Langkah 7" not in body
    to_head = got["bambang@madiunkota.go.id"]
    assert to_head["Subject"] == "Pengingat LKj 2025: Langkah 7 belum dimulai"
    assert "Status: Langkah berikutnya - belum dimulai." in to_head.get_content()
    assert f'Email "{SEKRETARIS}" <sri@madiunkota.go.id>: terkirim' in out

    log = [json.loads(line) for line in log_of(tracker).read_text(encoding="utf-8").splitlines()]
    assert [(e["date"], e["step"], e["recipient"], e["channel"]) for e in log] == [
        ("2026-02-23", 6, "sri@madiunkota.go.id", "email"), ("2026-02-23", 7, "bambang@madiunkota.go.id", "email")]
    today = mail.sendings_on(log_of(tracker), datetime(2026, 2, 23).date())
    assert today[0].describe() == (
        f'Pengingat email Langkah 6 (tahun 2025) dikirim ke "{SEKRETARIS}" <sri@madiunkota.go.id>')
    assert mail.sendings_on(log_of(tracker), datetime(2026, 2, 24).date()) == []

    # Later the same day: nothing again, unless forced.
    code, out, _ = lkj(capsys, "pengingat", tracker, "--as-of", "2026-02-23T10:30", "--email")
    assert code == 0 and len(smtp.messages) == 2 and out.count("sudah dikirim hari ini") == 2
    lkj(capsys, "pengingat", tracker, "--as-of", "2026-02-23T10:30", "--email", "--force")
    assert len(smtp.messages) == 4
    # The next working day the overdue step is reminded again.
    lkj(capsys, "pengingat", tracker, "--as-of", "2026-02-24T08:00", "--email")
    assert len(smtp.messages) == 6


def test_refused_address_fails_alone(tracker, contacts, smtp, capsys):
    contacts.append(Person(0, PLT, None, "Kabid", "Plt. Sekretaris", None, "agus@refused.example"))
    code, out, _ = lkj(capsys, "pengingat", tracker, "--as-of", AS_OF, "--email", "--json")
    state = json.loads(out)
    assert code == 1
    results = {r["recipient"]: (r["status"], r["message"]) for r in state["email"]}
    assert results["agus@refused.example"][0] == "gagal"
    assert "alamat agus@refused.example ditolak server (550 5.1.1 Mailbox unavailable)" in \
        results["agus@refused.example"][1]
    assert results["sri@madiunkota.go.id"][0] == results["bambang@madiunkota.go.id"][0] == "terkirim"
    assert set(smtp.by_recipient()) == {"sri@madiunkota.go.id", "bambang@madiunkota.go.id"}
    assert "refused.example" not in log_of(tracker).read_text(encoding="utf-8")


def test_refused_login(tracker, contacts, smtp_refusing_login, capsys):
    code, out, _ = lkj(capsys, "pengingat", tracker, "--as-of", AS_OF, "--email")
    assert code == 1 and smtp_refusing_login.messages == []
    assert out.count("menolak login pengguna lkj@madiunkota.go.id") == 2  # both recipients told why
    assert "periksa Pengguna SMTP dan sandinya" in out
    assert not log_of(tracker).exists()


def test_server_down(tracker, contacts, smtp_down, capsys):
    code, out, _ = lkj(capsys, "pengingat", tracker, "--as-of", AS_OF, "--email")
    assert code == 1
    assert out.count(f"Server SMTP 127.0.0.1:{smtp_down} tidak dapat dihubungi (koneksi ditolak)") == 2
    assert not log_of(tracker).exists()


def test_dry_run_sends_nothing(tracker, contacts, smtp, capsys):
    code, out, _ = lkj(capsys, "pengingat", tracker, "--as-of", AS_OF, "--email", "--dry-run")
    assert code == 0 and smtp.messages == [] and not log_of(tracker).exists()
    assert 'akan dikirim: "Pengingat LKj 2025: Langkah 6 batas waktu 23 Februari 2026 11.00' in out
    assert "(uji coba, tidak dikirim)" in out


@pytest.mark.parametrize(("as_of", "day"), [(SATURDAY, "Sabtu, 28 Februari 2026"), (NYEPI, "Kamis, 19 Maret 2026")])
def test_non_working_day_sends_nothing(tracker, contacts, smtp, capsys, as_of, day):
    code, out, _ = lkj(capsys, "pengingat", tracker, "--as-of", as_of, "--email")
    assert code == 0 and smtp.messages == [] and not log_of(tracker).exists()
    assert f"{day} bukan hari kerja menurut kalender pelacak" in out and "tidak dikirim hari ini" in out


def test_email_without_settings(tracker, contacts, monkeypatch, capsys):
    for name in (mail.ENV_HOST, mail.ENV_PORT, mail.ENV_SECURITY, mail.ENV_USER, mail.ENV_FROM):
        monkeypatch.delenv(name, raising=False)
    code, _, err = lkj(capsys, "pengingat", tracker, "--as-of", AS_OF, "--email")
    assert code == 1
    assert "Pengiriman email belum diatur: isi baris \"Server SMTP\" lembar Pengaturan atau variabel lingkungan " \
           "LKJ_SMTP_HOST" in err


# --- settings and the password -----------------------------------------------------------------------------------


def test_settings_from_rows_overridden_by_environment():
    rows = {"Server SMTP": "mail.madiunkota.go.id", "Port SMTP": 587.0, "Keamanan SMTP": "STARTTLS",
            "Pengguna SMTP": "lkj@madiunkota.go.id", "Pengirim email": "LKj <lkj@madiunkota.go.id>"}
    assert mail.smtp_settings(rows, env={}) == mail.SmtpSettings(
        "mail.madiunkota.go.id", 587, "starttls", "lkj@madiunkota.go.id", "LKj <lkj@madiunkota.go.id>")
    over = mail.smtp_settings(rows, env={"LKJ_SMTP_HOST": "smtp.gmail.com", "LKJ_SMTP_SECURITY": "ssl"})
    assert (over.host, over.port, over.security) == ("smtp.gmail.com", 587, "ssl")  # the row's port stays
    assert mail.smtp_settings({"Server SMTP": "h", "Keamanan SMTP": "SSL", "Pengirim email": "a@b.id"}, env={}).port \
        == 465
    with pytest.raises(mail.DataError, match="Keamanan SMTP \"TLS1.3\" tidak dikenali"):
        mail.smtp_settings({**rows, "Keamanan SMTP": "TLS1.3"}, env={})
    with pytest.raises(mail.DataError, match="Port SMTP \"lima\" bukan nomor port"):
        mail.smtp_settings(rows, env={"LKJ_SMTP_PORT": "lima"})
    with pytest.raises(mail.DataError, match="Pengirim email: Alamat email \"lkj\" tidak sah"):
        mail.smtp_settings({**rows, "Pengirim email": "lkj"}, env={})


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring backend in memory (the machine running the tests has no OS keyring)."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def test_password_from_environment_else_keyring(memory_keyring, tracker, monkeypatch, capsys):
    settings = mail.SmtpSettings("h", 587, "starttls", "lkj@madiunkota.go.id", "lkj@madiunkota.go.id")
    assert mail.smtp_password(settings, env={}) is None
    monkeypatch.setenv(mail.ENV_HOST, "h")
    monkeypatch.setenv(mail.ENV_FROM, "lkj@madiunkota.go.id")
    monkeypatch.setenv(mail.ENV_USER, "lkj@madiunkota.go.id")
    answers = iter(["rahasia", "rahasia"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, out, _ = lkj(capsys, "pengingat", tracker, "--simpan-sandi")
    assert code == 0 and "Sandi SMTP untuk lkj@madiunkota.go.id disimpan" in out
    assert memory_keyring.store == {("lkj-xl", "lkj@madiunkota.go.id"): "rahasia"}
    assert mail.smtp_password(settings, env={}) == "rahasia"
    assert mail.smtp_password(settings, env={"LKJ_SMTP_PASSWORD": "dari-env"}) == "dari-env"
    # The workbook never holds it.
    assert b"rahasia" not in tracker.read_bytes()

    answers = iter(["satu", "dua"])
    code, _, err = lkj(capsys, "pengingat", tracker, "--simpan-sandi")
    assert code == 1 and "Kedua sandi tidak sama" in err


def test_no_keyring_says_use_the_environment():
    from keyring.backends.fail import Keyring as NoKeyring

    before = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        with pytest.raises(mail.DataError, match="gunakan variabel lingkungan LKJ_SMTP_PASSWORD"):
            mail.store_password("lkj@madiunkota.go.id", "rahasia")
        settings = mail.SmtpSettings("h", 587, "starttls", "lkj@madiunkota.go.id", "lkj@madiunkota.go.id")
        assert mail.smtp_password(settings, env={}) is None
    finally:
        keyring.set_keyring(before)
