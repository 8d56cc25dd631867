"""The pure part of the reminders (lkj_xl.core.reminders): numbers, addresses, which steps, whose, and the words.

The cycle below is the demo's (lkj_xl.authoring.demo), scheduled by hand from the SOP's rules:

* step 6 (Sekretaris, "180 menit") received Monday 23 February 2026 08.00: due 11.00 the same morning;
* at 10.00 it runs with 60 working minutes left; at 14.00 it is late 11.00-12.00 + 13.00-14.00 = 120 minutes;
* step 7 (Kepala Dinas) is the next to start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from lkj_xl.core.entries import (
    AREA_STAFF,
    WARNING,
    Cycle,
    Location,
    StaffEntry,
    StepRecord,
)
from lkj_xl.core.errors import ParseError
from lkj_xl.core.reminders import (
    EMAIL_TIDAK_SAH,
    F_EMAIL,
    F_WHATSAPP,
    REASON_DUE_SOON,
    REASON_NEXT,
    REASON_OVERDUE,
    WHATSAPP_TIDAK_SAH,
    contact_problems,
    format_hours,
    message_text,
    normalize_email,
    normalize_phone,
    parse_within,
    select_reminders,
    subject,
    whatsapp_link,
    window_minutes,
)
from lkj_xl.core.schedule import STATUS_OVERDUE, STATUS_RUNNING, schedule_cycle
from lkj_xl.core.sop import DEFAULT_SOP
from lkj_xl.core.worktime import WorkingCalendar, national_holidays

dt = datetime
CALENDAR = WorkingCalendar(holidays=frozenset(national_holidays([2025, 2026, 2027])))
YEAR = 2025


@dataclass(frozen=True)
class Person(StaffEntry):
    """A Pegawai row with the two contact columns the layout adds (``whatsapp``, ``email``)."""

    whatsapp: object = None
    email: object = None


STAFF = [
    Person(0, "Drs. Bambang Sutrisno, M.Si.", None, "Kepala Dinas", None, "0812-1111-2222", "bambang@madiunkota.go.id"),
    Person(1, "Sri Wahyuni, S.E., M.M.", None, "Sekretaris", None, "+62 813 3333 4444", "sri@madiunkota.go.id"),
    Person(2, "Agus Prasetyo, S.T.", None, "Kabid", "Plt. Sekretaris", "0351-462123", "agus(at)madiunkota"),
    Person(3, "Dewi Lestari, S.Sos.", None, "Kasubag", None, None, None),
    StaffEntry(4, "Rina Marlina, A.Md.", None, "JFU", None),  # today's StaffEntry: no contact fields at all
]


def demo_cycle(*, step6_done: bool = False, through: int = 8) -> Cycle:
    records = [
        StepRecord(1, dt(2026, 1, 5, 8, 0), dt(2026, 1, 5, 8, 4)),
        StepRecord(2, dt(2026, 1, 5, 9, 0), dt(2026, 1, 5, 10, 45)),
        StepRecord(3, dt(2026, 1, 6, 8, 0), dt(2026, 1, 27, 14, 0)),
        StepRecord(4, dt(2026, 1, 27, 14, 0), dt(2026, 2, 10, 15, 0)),
        StepRecord(5, dt(2026, 2, 11, 8, 0), dt(2026, 2, 20, 11, 0)),
        StepRecord(6, dt(2026, 2, 23, 8, 0), dt(2026, 2, 23, 10, 30) if step6_done else None),
    ]
    return Cycle(YEAR, tuple(r for r in records if r.step <= through))


def reminders_at(as_of: datetime, within: int = 240, cycle: Cycle | None = None, staff=STAFF):
    schedule = schedule_cycle(DEFAULT_SOP, CALENDAR, cycle or demo_cycle(), as_of)
    return select_reminders(schedule, staff, as_of, within, CALENDAR)


# --- WhatsApp numbers --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", [
    "0812-3456-7890", "0812 3456 7890", "(0812) 3456-7890", "0812.3456.7890", "+62 812 3456 7890", "+62-812-3456-7890",
    "62812-3456-7890", "6281234567890", "0062 812 3456 7890", "+62 0812 3456 7890", "812-3456-7890", "81234567890",
    81234567890, 6281234567890, 6281234567890.0, " 0812\u00a03456 7890 ",
])
def test_mobile_numbers_become_62(typed):
    assert normalize_phone(typed) == "6281234567890"


@pytest.mark.parametrize(("typed", "expected"), [
    ("0811-234-567", "62811234567"),  # 10 digits with the 0: the shortest mobile
    ("0899 1234 56789", "62899123456789"),  # 13 digits: the longest
])
def test_mobile_number_lengths(typed, expected):
    assert normalize_phone(typed) == expected


@pytest.mark.parametrize(("typed", "words"), [
    ("0351-462123", "telepon kantor/rumah"),  # Madiun landline
    ("(021) 5551234", "telepon kantor/rumah"),
    ("+62 351 462123", "telepon kantor/rumah"),
    ("0812", "10 sampai 13 angka"),
    ("0812-3456-7890-12", "10 sampai 13 angka"),
    ("+1 202 555 0100", "bukan nomor Indonesia"),
    ("0800-1-234567", "bukan nomor seluler"),  # toll-free
    ("nomor Bu Sri", "tidak terbaca"),
    ("0812-3456-789O", "tidak terbaca"),  # a letter O
    ("", "kosong"),
    (None, "kosong"),
    (0.5, "bukan nomor telepon"),
])
def test_what_is_not_a_mobile_number_says_why(typed, words):
    with pytest.raises(ParseError) as caught:
        normalize_phone(typed)
    assert words in caught.value.message


def test_whatsapp_link_is_wa_me_with_the_text_url_encoded():
    text = "Yth. Sri,\nLangkah 6: batas 23 Februari 2026 11.00 & sisa 1 jam?"
    link = whatsapp_link("0813-3333-4444", text)
    assert link == ("https://wa.me/6281333334444?text=Yth.%20Sri%2C%0ALangkah%206%3A%20batas%2023%20Februari%202026"
                    "%2011.00%20%26%20sisa%201%20jam%3F")
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/6281333334444")
    assert parse_qs(parts.query) == {"text": [text]}
    # Non-ASCII text is UTF-8 percent-encoded.
    assert whatsapp_link("081234567890", "Tepat waktu \u2713").endswith("Tepat%20waktu%20%E2%9C%93")
    with pytest.raises(ParseError):
        whatsapp_link("0351-462123", "x")


# --- e-mail addresses --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "expected"), [
    ("sri@madiunkota.go.id", "sri@madiunkota.go.id"),
    ("  Sri.Wahyuni+lkj@MadiunKota.go.id ", "Sri.Wahyuni+lkj@madiunkota.go.id"),
    ("Sri Wahyuni <sri@madiunkota.go.id>", "sri@madiunkota.go.id"),
    ("sri@madiunkota.go.id.", "sri@madiunkota.go.id"),
])
def test_email_addresses(typed, expected):
    assert normalize_email(typed) == expected


@pytest.mark.parametrize("typed", [
    "sri", "sri@", "@madiunkota.go.id", "sri@madiunkota", "sri@@madiunkota.go.id", "sri wahyuni@madiunkota.go.id",
    "sri@madiun kota.go.id", "sri..w@madiunkota.go.id", ".sri@madiunkota.go.id", "sri@-madiun.go.id",
    "sri@madiun..go.id", "sri@10.0.0.1", "agus(at)madiunkota", "sri@madiunkota.go.id, dewi@madiunkota.go.id",
])
def test_not_email_addresses(typed):
    with pytest.raises(ParseError) as caught:
        normalize_email(typed)
    assert "email" in caught.value.message.lower() and "contoh" in caught.value.message


def test_contact_problems_are_located_warnings_on_the_staff_list():
    problems = contact_problems(STAFF)
    assert [(p.location, p.severity, p.code) for p in problems] == [
        (Location(AREA_STAFF, 2, F_WHATSAPP), WARNING, WHATSAPP_TIDAK_SAH),
        (Location(AREA_STAFF, 2, F_EMAIL), WARNING, EMAIL_TIDAK_SAH),
    ]
    assert "0351-462123" in problems[0].message and "Agus Prasetyo" in problems[0].message
    assert "WhatsApp" in problems[0].message and "email" in problems[1].message


# --- which steps, whose --------------------------------------------------------------------------------------------


def test_running_step_within_the_window_and_the_next_step():
    got = reminders_at(dt(2026, 2, 23, 10, 0), within=240)
    assert [(r.step, r.holder, r.reason, r.status, r.due, r.remaining_minutes, r.phone, r.email) for r in got] == [
        # The Sekretaris and the Kabid acting as Sekretaris (his number is a landline, his address unusable).
        (6, "Sri Wahyuni, S.E., M.M.", REASON_DUE_SOON, STATUS_RUNNING, dt(2026, 2, 23, 11, 0), 60,
         "6281333334444", "sri@madiunkota.go.id"),
        (6, "Agus Prasetyo, S.T.", REASON_DUE_SOON, STATUS_RUNNING, dt(2026, 2, 23, 11, 0), 60, None, None),
        (7, "Drs. Bambang Sutrisno, M.Si.", REASON_NEXT, "belum_mulai", None, None, "6281211112222",
         "bambang@madiunkota.go.id"),
    ]


def test_window_is_in_working_minutes():
    # 60 working minutes left: a 59-minute window leaves step 6 out, only the next step remains.
    assert [r.step for r in reminders_at(dt(2026, 2, 23, 10, 0), within=59)] == [7]
    assert [r.step for r in reminders_at(dt(2026, 2, 23, 10, 0), within=60)] == [6, 6, 7]
    assert reminders_at(dt(2026, 2, 23, 10, 30), within=30)[0].remaining_minutes == 30
    assert reminders_at(dt(2026, 2, 23, 8, 30), within=150)[0].remaining_minutes == 150
    assert [r.step for r in reminders_at(dt(2026, 2, 23, 8, 30), within=149)] == [7]
    # Received at 08.00 and looked at before that: not started yet, so step 6 is the next step, no window.
    assert [(r.step, r.reason) for r in reminders_at(dt(2026, 2, 23, 7, 0), within=0)][:1] == [(6, REASON_NEXT)]


def test_overdue_step_with_lateness_in_working_minutes():
    got = reminders_at(dt(2026, 2, 23, 14, 0), within=0)
    assert [(r.step, r.reason, r.status, r.late_minutes) for r in got][:2] == [
        (6, REASON_OVERDUE, STATUS_OVERDUE, 120), (6, REASON_OVERDUE, STATUS_OVERDUE, 120)]


def test_no_holder_gives_one_reminder_without_contact():
    got = reminders_at(dt(2026, 2, 23, 10, 0), staff=[STAFF[0]])
    assert [(r.step, r.holder, r.phone, r.email) for r in got] == [
        (6, None, None, None), (7, "Drs. Bambang Sutrisno, M.Si.", "6281211112222", "bambang@madiunkota.go.id")]


def test_current_staff_entry_without_contact_fields_works():
    cycle = demo_cycle(through=3)  # step 3 done: step 4 (JFU, no standard) runs, step 5 is next
    got = reminders_at(dt(2026, 2, 2, 10, 0), cycle=cycle)
    assert [(r.step, r.holder, r.reason) for r in got] == [(5, "Dewi Lestari, S.Sos.", REASON_NEXT)]
    assert (got[0].phone, got[0].email) == (None, None)


def test_step_one_is_next_only_from_the_preparation_year():
    assert reminders_at(dt(2025, 11, 3, 10, 0), cycle=Cycle(YEAR)) == []
    got = reminders_at(dt(2026, 1, 2, 10, 0), cycle=Cycle(YEAR))
    assert [(r.step, r.actor, r.reason) for r in got] == [(1, "Kepala Dinas", REASON_NEXT)]


def test_delivered_cycle_reminds_nothing():
    records = tuple(StepRecord(n, dt(2026, 3, 2, 8, 0), dt(2026, 3, 2, 8, 0)) for n in range(1, 9))
    assert reminders_at(dt(2026, 3, 3, 10, 0), cycle=Cycle(YEAR, records)) == []


# --- the words -----------------------------------------------------------------------------------------------------


def test_message_names_step_sop_due_output_and_lateness():
    late = reminders_at(dt(2026, 2, 23, 14, 0), within=0)[0]
    text = message_text([late], DEFAULT_SOP, YEAR, dt(2026, 2, 23, 14, 0))
    assert text.startswith("Yth. Sri Wahyuni, S.E., M.M. (Sekretaris),\n\n")
    assert "SOP 3.1.2.6 Penyusunan Laporan Kinerja (LKj), tahun pelaporan 2025" in text
    assert "Langkah 6 (Sekretaris): Menerima, meneliti, memaraf draft Laporan Kinerja (LKj)" in text
    assert "Status: Terlambat - terlambat 2 jam kerja (batas waktu 23 Februari 2026 11.00)." in text
    assert "Yang diserahkan: Draft Lkj dan Draft surat pengantar." in text
    assert "Keadaan per 23 Februari 2026 14.00." in text
    assert subject([late], DEFAULT_SOP, YEAR) == (
        "Pengingat LKj 2025: Langkah 6 terlambat 2 jam kerja (batas waktu 23 Februari 2026 11.00)")

    soon, _, nxt = reminders_at(dt(2026, 2, 23, 10, 0))
    text = message_text([soon, nxt], DEFAULT_SOP, YEAR, dt(2026, 2, 23, 10, 0))
    assert "Status: Segera jatuh tempo - batas waktu 23 Februari 2026 11.00, sisa 1 jam kerja." in text
    assert "Langkah 7 (Kepala Dinas)" in text and "Status: Langkah berikutnya - belum dimulai." in text
    assert "Yang diterima: Draft Lkj dan Draft surat pengantar." in text and "Standar waktu: 1 jam." in text
    assert subject([soon, nxt], DEFAULT_SOP, YEAR) == "Pengingat LKj 2025: 2 langkah perlu tindakan"


@pytest.mark.parametrize(("minutes", "text"), [(0, "0"), (4, "0,07"), (60, "1"), (90, "1,5"), (1470, "24,5")])
def test_hours_in_indonesian_decimals(minutes, text):
    assert format_hours(minutes) == text


@pytest.mark.parametrize(("typed", "kind", "amount"), [
    ("8j", "minutes", 480), ("8 jam", "minutes", 480), ("8 Jam", "minutes", 480), ("90 menit", "minutes", 90),
    ("2 hari", "days", 2), ("2 hari kerja", "days", 2), ("1 minggu", "days", 5),
])
def test_window_words(typed, kind, amount):
    standard = parse_within(typed)
    assert (standard.kind, standard.amount) == (kind, amount)


@pytest.mark.parametrize("typed", ["8h", "delapan jam", "1,5 jam", "1-2 hari", "", "-"])
def test_window_words_refused(typed):
    with pytest.raises(ParseError) as caught:
        parse_within(typed)
    assert "tidak dikenali" in caught.value.message


def test_window_in_working_days_counts_working_minutes():
    # Friday 20 Feb 2026 10.00 + 2 working days = Tuesday 24 Feb 10.00 (Saturday, Sunday out):
    # Fri 10.00-16.30 less 11.30-13.00 = 300, Mon 450, Tue 07.30-10.00 = 150.
    assert window_minutes(parse_within("2 hari"), CALENDAR, dt(2026, 2, 20, 10, 0)) == 900
    assert window_minutes(parse_within("8j"), CALENDAR, dt(2026, 2, 20, 10, 0)) == 480
