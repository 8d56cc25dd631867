"""Reminders ("Pengingat"): who must act on which step now, how to reach them, and what to tell them.

Pure: no clock (every function takes ``as_of``), no files, no network.  The delivery layer (:mod:`lkj_xl.delivery`)
turns the :class:`Reminder` list into an iCalendar file, an HTML page and e-mails; the shells print it.

* A step is reminded when it is overdue, running and due within the window (in working minutes), or next to start
  (the first step not started after the last started one; step 1 from 1 January of the preparation year, when the
  cycle can begin).  A running step without a time standard has no due time and is not reminded.
* Its holders are the Pegawai rows whose Jabatan is the step's actor (case and spacing ignored), and acting
  officials whose Keterangan names that role ("Plt. Sekretaris").  Several holders: one reminder each.  No holder:
  one reminder without a name or contact (the shells show it; nobody is messaged).
* Contacts come from the Pegawai columns "No. WhatsApp" and "Email", read as ``whatsapp`` and ``email`` attributes
  of a staff row (``getattr`` with None: a staff row without those fields simply has no contact).  A value that is
  not an Indonesian mobile number or an e-mail address is a located :class:`~lkj_xl.core.entries.Problem`
  (:func:`contact_problems`) and the reminder goes without it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import getaddresses, parseaddr
from urllib.parse import quote

from lkj_xl.core.dates import format_datetime_id
from lkj_xl.core.durations import format_working
from lkj_xl.core.entries import AREA_STAFF, WARNING, Location, Problem
from lkj_xl.core.errors import ParseError
from lkj_xl.core.periods import key_bounds, key_phrase
from lkj_xl.core.schedule import (
    STATUS_LABELS,
    STATUS_NOT_STARTED,
    STATUS_OVERDUE,
    STATUS_RUNNING,
    CycleSchedule,
    StepSchedule,
)
from lkj_xl.core.sop import DAYS, Sop, TimeStandard, parse_waktu, split_acting
from lkj_xl.core.values import as_text, is_blank
from lkj_xl.core.worktime import WorkingCalendar

#: Pegawai column headers (the workbook layout adds these columns; same words as the headers).
F_WHATSAPP = "No. WhatsApp"
F_EMAIL = "Email"

#: Problem codes (warnings: a wrong contact stops no computation, only that person's reminder channel).
WHATSAPP_TIDAK_SAH = "whatsapp_tidak_sah"
EMAIL_TIDAK_SAH = "email_tidak_sah"

# Why a step is reminded.
REASON_OVERDUE = "terlambat"
REASON_DUE_SOON = "segera_jatuh_tempo"
REASON_NEXT = "berikutnya"
REASON_LABELS = {
    REASON_OVERDUE: "Terlambat",
    REASON_DUE_SOON: "Segera jatuh tempo",
    REASON_NEXT: "Langkah berikutnya",
}

#: Indonesia's country calling code; WhatsApp links take the number in international form without "+".
COUNTRY_CODE = "62"


# --- WhatsApp numbers ----------------------------------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s\-.()/\u00a0\u2010-\u2015]+")
#: National significant number of an Indonesian mobile line: 8, then 8 to 11 digits (0812-3456-78 up to
#: 0812-3456-78901).  "080x" numbers are toll-free/premium services, not mobiles.
_MOBILE_NSN = re.compile(r"8[1-9]\d{7,10}")


def normalize_phone(value: object) -> str:
    """An Indonesian mobile number as WhatsApp wants it: ``62`` then the number without its leading 0.

    >>> normalize_phone("0812-3456-7890")
    '6281234567890'
    >>> normalize_phone("+62 812 3456 7890")
    '6281234567890'

    Accepted: "08...", "+62 8...", "62 8...", "0062 8...", "8..." (a number cell that lost its 0), with spaces,
    hyphens, dots or parentheses.  A landline (area code, "0351 ...") or anything else raises :class:`ParseError`
    with an Indonesian message naming the value.
    """
    if isinstance(value, bool) or is_blank(value):
        raise ParseError("Nomor WhatsApp kosong.", value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ParseError(f"Nomor WhatsApp {value!r} bukan nomor telepon.", value)
        value = int(value)
    raw = str(value).strip()
    shown = " ".join(raw.split())
    digits = _PHONE_SEPARATORS.sub("", raw)
    international = False
    if digits.startswith("+"):
        digits, international = digits[1:], True
    elif digits.startswith("00"):
        digits, international = digits[2:], True
    if not digits.isdigit():
        raise ParseError(f"Nomor WhatsApp \"{shown}\" tidak terbaca: hanya angka, spasi, tanda hubung dan \"+\" di "
                         f"depan yang boleh; contoh 0812-3456-7890 atau +62 812 3456 7890.", value)
    if digits.startswith(COUNTRY_CODE):
        national = digits[len(COUNTRY_CODE):]
        national = national.removeprefix("0")
    elif international:
        raise ParseError(f"Nomor WhatsApp \"{shown}\" bukan nomor Indonesia (kode negara +62); pengingat hanya "
                         f"dikirim ke nomor seluler Indonesia.", value)
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = digits
    if _MOBILE_NSN.fullmatch(national):
        return COUNTRY_CODE + national
    if national[:1] in "234567" and 7 <= len(national) <= 11:
        raise ParseError(f"Nomor \"{shown}\" tampaknya nomor telepon kantor/rumah (berkode wilayah), bukan nomor "
                         f"seluler; WhatsApp memerlukan nomor seluler, mis. 0812-3456-7890.", value)
    if national.startswith("8") and not national.startswith("80"):
        raise ParseError(f"Nomor WhatsApp \"{shown}\" memiliki {len(national) + 1} angka (dengan 0 di depan); nomor "
                         f"seluler Indonesia terdiri atas 10 sampai 13 angka, mis. 0812-3456-7890.", value)
    raise ParseError(f"\"{shown}\" bukan nomor seluler Indonesia; tulis mis. 0812-3456-7890 atau +62 812 3456 7890.",
                     value)


def format_phone(normalized: str) -> str:
    """A normalised number for people: ``6281234567890`` -> ``+62 812-3456-7890``."""
    national = normalized[len(COUNTRY_CODE):]
    groups = [national[:3], national[3:7], national[7:]]
    return f"+{COUNTRY_CODE} " + "-".join(g for g in groups if g)


def whatsapp_link(phone: object, text: str) -> str:
    """``https://wa.me/62...?text=...``: opens a chat with ``phone`` holding ``text`` (URL-encoded, UTF-8)."""
    number = normalize_phone(phone)
    return f"https://wa.me/{number}?text={quote(text, safe='')}"


# --- e-mail addresses -----------------------------------------------------------------------------------------------

_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+")


def normalize_email(value: object) -> str:
    """A sanity-checked e-mail address (``Nama <alamat>`` gives the address); :class:`ParseError` otherwise.

    The standard library's :func:`email.utils.parseaddr` splits the value; the check then asks for one ``@``, a plain
    local part without leading/trailing/double dots, and a domain with a dot whose labels the IDNA codec accepts.
    """
    if isinstance(value, bool) or is_blank(value):
        raise ParseError("Alamat email kosong.", value)
    raw = " ".join(str(value).split())
    example = "contoh: nama@madiunkota.go.id"
    _name, address = parseaddr(raw, strict=True) if _PARSEADDR_STRICT else parseaddr(raw)
    # parseaddr drops spaces and comments it meets: the address must appear in the value as typed.
    if not address or address.count("@") != 1 or address not in raw or len(getaddresses([raw])) != 1:
        raise ParseError(f"Alamat email \"{raw}\" tidak sah; {example}.", value)
    local, domain = address.rsplit("@", 1)
    domain = domain.rstrip(".")
    if (not local or not _LOCAL_PART.fullmatch(local) or local.startswith(".") or local.endswith(".")
            or ".." in local or len(local) > 64):
        raise ParseError(f"Alamat email \"{raw}\": bagian sebelum \"@\" tidak sah; {example}.", value)
    labels = domain.split(".")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_domain = ""
    if (len(labels) < 2 or not ascii_domain or any(not label or label.startswith("-") or label.endswith("-")
                                                   for label in ascii_domain.split("."))
            or not re.fullmatch(r"[A-Za-z0-9.-]+", ascii_domain) or ascii_domain.split(".")[-1].isdigit()):
        raise ParseError(f"Alamat email \"{raw}\": nama domain \"{domain}\" tidak sah; {example}.", value)
    return f"{local}@{domain.lower()}"


def _parseaddr_has_strict() -> bool:
    import inspect

    return "strict" in inspect.signature(parseaddr).parameters


#: parseaddr(strict=True) (CVE-2023-27043 fix) exists from Python 3.11.10 / 3.12.6 / 3.13.
_PARSEADDR_STRICT = _parseaddr_has_strict()


# --- contacts of the staff list ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    """A staff row's name, normalised phone and e-mail (None when blank or not valid)."""

    row: int
    name: str | None
    phone: str | None
    email: str | None


def contact_of(person: object) -> Contact:
    """The usable contact of a staff row (``whatsapp``/``email`` attributes read with a default of None)."""
    phone = email = None
    raw_phone, raw_email = getattr(person, "whatsapp", None), getattr(person, "email", None)
    if not is_blank(raw_phone):
        try:
            phone = normalize_phone(raw_phone)
        except ParseError:
            phone = None
    if not is_blank(raw_email):
        try:
            email = normalize_email(raw_email)
        except ParseError:
            email = None
    return Contact(int(getattr(person, "row", 0)), as_text(getattr(person, "nama", None)) or None, phone, email)


def contact_problems(staff: Iterable[object]) -> list[Problem]:
    """Warnings for WhatsApp numbers and e-mail addresses on the staff list that cannot be used, located like
    :func:`~lkj_xl.core.validation.validate_staff`'s: ``Location(AREA_STAFF, row, "No. WhatsApp" | "Email")``."""
    problems: list[Problem] = []
    for person in sorted(staff, key=lambda p: getattr(p, "row", 0)):
        row = getattr(person, "row", 0)
        name = as_text(getattr(person, "nama", None))
        whose = f" ({name})" if name else ""
        for attr, fieldname, code, normalize in (("whatsapp", F_WHATSAPP, WHATSAPP_TIDAK_SAH, normalize_phone),
                                                 ("email", F_EMAIL, EMAIL_TIDAK_SAH, normalize_email)):
            value = getattr(person, attr, None)
            if is_blank(value):
                continue
            try:
                normalize(value)
            except ParseError as exc:
                problems.append(Problem(Location(AREA_STAFF, row, fieldname), WARNING, code,
                                        f"{exc.message} Pengingat untuk pegawai ini{whose} tidak dapat dikirim "
                                        f"lewat {'WhatsApp' if attr == 'whatsapp' else 'email'}."))
    return problems


# --- which steps, whose ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """One step to act on, for one holder (``holder`` None when no Pegawai row holds the step's role)."""

    step: int
    actor: str
    holder: str | None
    due: datetime | None
    status: str  # a lkj_xl.core.schedule STATUS_* constant
    late_minutes: int
    phone: str | None  # normalised "62..." or None
    email: str | None
    reason: str  # REASON_OVERDUE, REASON_DUE_SOON or REASON_NEXT
    #: working minutes from as_of to due (running steps), else None
    remaining_minutes: int | None = None
    staff_row: int | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def as_dict(self) -> dict[str, object]:
        """The ``lkj pengingat --json`` item."""
        return {"step": self.step, "actor": self.actor, "holder": self.holder,
                "due": self.due.isoformat(timespec="minutes") if self.due else None, "status": self.status,
                "late_minutes": self.late_minutes, "whatsapp": self.phone, "email": self.email}


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _acting_role(keterangan: str) -> str | None:
    """"Plt. Sekretaris" -> "sekretaris" (normalised); None when the Keterangan is not an acting appointment."""
    prefix, role = split_acting(keterangan)
    return _norm(role) if prefix is not None and role else None


def holders(staff: Iterable[object], role: str) -> list[object]:
    """The staff rows holding ``role``: its Jabatan, or an acting appointment to it in Keterangan."""
    wanted = _norm(role)
    found = []
    for person in staff:
        if not as_text(getattr(person, "nama", None)):
            continue
        if _norm(as_text(getattr(person, "jabatan", None))) == wanted \
                or _acting_role(as_text(getattr(person, "keterangan", None))) == wanted:
            found.append(person)
    return found


def window_minutes(within: TimeStandard | int, calendar: WorkingCalendar, as_of: datetime) -> int:
    """A window as working minutes from ``as_of``: minutes as they are; working days through the calendar (the
    working minutes from ``as_of`` to the same clock time that many working days later)."""
    if isinstance(within, int):
        return within
    if within.kind == DAYS:
        return max(0, calendar.working_minutes(as_of, calendar.add_days(as_of, within.amount)))
    return within.amount


def parse_within(text: str) -> TimeStandard:
    """A window typed as "8j", "8 jam", "90 menit", "2 hari" (hari = working days); ParseError otherwise."""
    raw = " ".join(str(text).split()).lower()
    match = re.fullmatch(r"(\d+)\s*j", raw)  # "8j": jam
    if match:
        raw = f"{match.group(1)} jam"
    try:
        standard = parse_waktu(raw)
    except ParseError:
        standard = None
    if standard is None or standard.lower is not None:
        raise ParseError(f"Rentang waktu \"{text}\" tidak dikenali; tulis mis. \"8j\", \"8 jam\", \"90 menit\" atau "
                         f"\"2 hari\" (hari kerja).", text)
    return standard


def _next_to_start(schedule: CycleSchedule) -> StepSchedule | None:
    steps = schedule.steps
    if not steps or schedule.delivered:
        return None
    started = [i for i, s in enumerate(steps) if s.status != STATUS_NOT_STARTED]
    if not started:
        # The LKj of year N is prepared in N+1 (a period's report after the period): before that there is
        # nothing to start.  An activity has no end date: its first step is always next.
        bounds = key_bounds(schedule.year)
        return steps[0] if bounds is None or schedule.as_of.date() > bounds[1] else None
    after = started[-1] + 1
    if after < len(steps) and steps[after].status == STATUS_NOT_STARTED:
        return steps[after]
    return None


def select_reminders(schedule: CycleSchedule, staff: Sequence[object], as_of: datetime, within_minutes: int,
                     calendar: WorkingCalendar) -> list[Reminder]:
    """Every step of the cycle to remind at ``as_of``, once per holder, in step order then staff order.

    Overdue steps; running steps whose due time is at most ``within_minutes`` working minutes away; the next step to
    start.  Done steps and a delivered cycle give nothing."""
    chosen: list[tuple[StepSchedule, str, int | None]] = []
    next_step = _next_to_start(schedule)
    for step in schedule.steps:
        if step.status == STATUS_OVERDUE:
            chosen.append((step, REASON_OVERDUE, None))
        elif step.status == STATUS_RUNNING and step.due is not None:
            remaining = calendar.working_minutes(as_of, step.due)
            if remaining <= within_minutes:
                chosen.append((step, REASON_DUE_SOON, max(0, remaining)))
        elif next_step is not None and step.step == next_step.step:
            chosen.append((step, REASON_NEXT, None))

    reminders: list[Reminder] = []
    for step, reason, remaining in chosen:
        people = holders(staff, step.actor)
        base = {"step": step.step, "actor": step.actor, "due": step.due, "status": step.status,
                    "late_minutes": step.late_minutes, "reason": reason, "remaining_minutes": remaining}
        if not people:
            reminders.append(Reminder(holder=None, phone=None, email=None, **base))
            continue
        for person in people:
            contact = contact_of(person)
            reminders.append(Reminder(holder=contact.name, phone=contact.phone, email=contact.email,
                                      staff_row=contact.row, **base))
    return reminders


# --- the words -------------------------------------------------------------------------------------------------------


def format_hours(minutes: int) -> str:
    """Working minutes as hours, Indonesian decimals: 90 -> "1,5", 1470 -> "24,5", 4 -> "0,07"."""
    text = f"{minutes / 60:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def sentence(text: str) -> str:
    """``text`` ending with one full stop ("M.M." stays "M.M.")."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def procedure_title(sop: Sop) -> str:
    """"SOP 3.1.2.6 Penyusunan Laporan Kinerja (LKj)"."""
    return f"SOP {sop.nomor} {sop.nama}".strip()


def status_phrase(reminder: Reminder) -> str:
    """What the reminder is about, in one clause: "terlambat 1 jam 30 menit kerja (batas waktu ...)" (durations in
    the one style of :mod:`lkj_xl.core.durations`)."""
    if reminder.reason == REASON_OVERDUE:
        due = f" (batas waktu {format_datetime_id(reminder.due)})" if reminder.due else ""
        return f"terlambat {format_working(reminder.late_minutes)}{due}"
    if reminder.reason == REASON_DUE_SOON:
        left = (f", sisa {format_working(reminder.remaining_minutes)}"
                if reminder.remaining_minutes is not None else "")
        return f"batas waktu {format_datetime_id(reminder.due)}{left}"
    return "belum dimulai"


def subject(reminders: Sequence[Reminder], sop: Sop, year: int) -> str:
    """The e-mail subject for one holder's reminders."""
    if len(reminders) == 1:
        r = reminders[0]
        return f"Pengingat LKj {year}: Langkah {r.step} {status_phrase(r)}"
    late = sum(1 for r in reminders if r.reason == REASON_OVERDUE)
    extra = f", {late} terlambat" if late else ""
    return f"Pengingat LKj {year}: {len(reminders)} langkah perlu tindakan{extra}"


def step_block(reminder: Reminder, sop: Sop) -> str:
    """The lines about one step: what it is, its state, what to hand over."""
    try:
        step = sop.step(reminder.step)
    except KeyError:
        step = None
    lines = [f"Langkah {reminder.step} ({reminder.actor})" + (f": {step.uraian}" if step and step.uraian else "")]
    lines.append(sentence(f"Status: {REASON_LABELS[reminder.reason]} - {status_phrase(reminder)}"))
    if step is not None and reminder.reason == REASON_NEXT and step.kelengkapan:
        lines.append(sentence(f"Yang diterima: {step.kelengkapan}"))
    if step is not None and step.output:
        lines.append(sentence(f"Yang diserahkan: {step.output}"))
    if step is not None and step.standard is not None and reminder.reason == REASON_NEXT:
        lines.append(f"Standar waktu: {step.standard.describe()}.")
    return "\n".join(lines)


def message_text(reminders: Sequence[Reminder], sop: Sop, year: int, as_of: datetime) -> str:
    """The message for one holder (WhatsApp text and e-mail body): a greeting, one block per step, the footer."""
    first = reminders[0]
    greeting = f"Yth. {first.holder} ({first.actor})," if first.holder else f"Yth. {first.actor},"
    parts = [greeting, f"Pengingat dari pelacak {procedure_title(sop)}, {key_phrase(year)}:"]
    parts += [step_block(r, sop) for r in reminders]
    parts.append(f"Keadaan per {format_datetime_id(as_of)}. Pesan ini dibuat otomatis oleh pelacak LKj; bila langkah "
                 f"sudah dikerjakan, mohon catat tanggal Diterima/Selesai di buku kerja.")
    return "\n\n".join(parts)


def group_by_recipient(reminders: Iterable[Reminder], key: str = "email") -> dict[str, list[Reminder]]:
    """Reminders grouped by e-mail (``key="email"``) or phone (``key="phone"``), in order; those without are left
    out."""
    groups: dict[str, list[Reminder]] = {}
    for reminder in reminders:
        address = getattr(reminder, key)
        if address:
            groups.setdefault(address.lower() if key == "email" else address, []).append(reminder)
    return groups


__all__ = [
    "EMAIL_TIDAK_SAH",
    "F_EMAIL",
    "F_WHATSAPP",
    "REASON_DUE_SOON",
    "REASON_LABELS",
    "REASON_NEXT",
    "REASON_OVERDUE",
    "WHATSAPP_TIDAK_SAH",
    "Contact",
    "Reminder",
    "contact_of",
    "contact_problems",
    "format_hours",
    "format_phone",
    "group_by_recipient",
    "holders",
    "message_text",
    "normalize_email",
    "normalize_phone",
    "parse_within",
    "procedure_title",
    "select_reminders",
    "status_phrase",
    "step_block",
    "subject",
    "whatsapp_link",
    "window_minutes",
]
