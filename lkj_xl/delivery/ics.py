"""The reminders as an iCalendar file (RFC 5545), written with the ``icalendar`` library.

One VEVENT per step with a pending deadline (overdue or running with a due time), whatever the number of holders:
its holders with a known e-mail are ATTENDEEs (``mailto:``), a VALARM rings before the due time.  Times are in
the tracker's zone (Pengaturan, "Zona waktu": Asia/Jakarta for WIB, Asia/Makassar for WITA, Asia/Jayapura for
WIT, with its VTIMEZONE).  The UID is stable for a tracker, a cycle and a step (SHA-1 of the tracker's
absolute path, the year and the step, ``@lkj-xl``): importing the file again, or a newer one, updates the event
instead of adding a copy.  DTSTAMP is the given ``as_of``, never the clock, so the same state gives the same file.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from lkj_xl.core.reminders import (
    REASON_NEXT,
    REASON_OVERDUE,
    Reminder,
    procedure_title,
    sentence,
    status_phrase,
    step_block,
)
from lkj_xl.core.sop import Sop
from lkj_xl.core.periods import key_phrase
from lkj_xl.core.zones import IANA_NAMES

TIMEZONE = "Asia/Jakarta"
PRODID = "-//lkj-xl//Pengingat LKj//ID"
UID_DOMAIN = "lkj-xl"
#: The alarm rings this many minutes before the due time.
DEFAULT_ALARM_MINUTES = 60
#: A deadline is shown as a short event starting at the due time.
EVENT_MINUTES = 15


def jakarta(zone: str = "WIB") -> ZoneInfo:
    """The IANA zone of a tracker's Zona waktu (WIB: Asia/Jakarta) from the system's time-zone database, or the
    ``tzdata`` package (Windows)."""
    return ZoneInfo(IANA_NAMES.get(zone, TIMEZONE))


def local(moment: datetime, zone: str = "WIB") -> datetime:
    """A tracker datetime (naive, on the tracker's clock) as an aware datetime in its IANA zone."""
    if moment.tzinfo is not None:
        return moment.astimezone(jakarta(zone))
    return moment.replace(tzinfo=jakarta(zone))


def event_uid(tracker_path: str | os.PathLike[str], year: int, step: int) -> str:
    """``<sha1 hex>@lkj-xl``, stable for one tracker file, reporting year and step."""
    where = os.path.normcase(os.path.abspath(os.fspath(tracker_path)))
    digest = hashlib.sha1(f"{where}\n{year}\n{step}".encode()).hexdigest()
    return f"{digest}@{UID_DOMAIN}"


def pending(reminders: Sequence[Reminder]) -> dict[int, list[Reminder]]:
    """Reminders with a due time (overdue or running), grouped by step in step order."""
    steps: dict[int, list[Reminder]] = {}
    for reminder in sorted(reminders, key=lambda r: r.step):
        if reminder.due is not None and reminder.reason != REASON_NEXT:
            steps.setdefault(reminder.step, []).append(reminder)
    return steps


def build_calendar(reminders: Sequence[Reminder], *, sop: Sop, year: int, as_of: datetime,
                   tracker_path: str | os.PathLike[str], alarm_minutes: int = DEFAULT_ALARM_MINUTES,
                   zone: str = "WIB") -> icalendar.Calendar:
    """The calendar of the pending step deadlines among ``reminders``."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Pengingat LKj {year}")
    cal.add("x-wr-timezone", IANA_NAMES.get(zone, TIMEZONE))
    stamp = local(as_of, zone).astimezone(timezone.utc)
    for step, group in pending(reminders).items():
        first = group[0]
        due = local(first.due, zone)
        event = icalendar.Event()
        event.add("uid", event_uid(tracker_path, year, step))
        event.add("dtstamp", stamp)
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(minutes=EVENT_MINUTES))
        late = "TERLAMBAT: " if first.reason == REASON_OVERDUE else ""
        event.add("summary", f"{late}LKj {year} Langkah {step} ({first.actor}): batas waktu")
        names = ", ".join(r.holder for r in group if r.holder) or "belum ada pegawai dengan jabatan ini"
        event.add("description", f"{procedure_title(sop)}, {key_phrase(year)}.\n\n{step_block(first, sop)}\n\n"
                                 + sentence(f"Pemegang langkah: {names}"))
        event.add("categories", ["LKj"])
        event.add("transp", "TRANSPARENT")
        event.add("status", "CONFIRMED")
        for reminder in group:
            if reminder.email:
                attendee = icalendar.vCalAddress(f"mailto:{reminder.email}")
                if reminder.holder:
                    attendee.params["cn"] = icalendar.vText(reminder.holder)
                attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
                attendee.params["partstat"] = icalendar.vText("NEEDS-ACTION")
                event.add("attendee", attendee, encode=0)
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"LKj {year} Langkah {step}: {status_phrase(first)}")
        alarm.add("trigger", timedelta(minutes=-alarm_minutes))
        event.add_component(alarm)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal


def write_ics(path: str | os.PathLike[str], reminders: Sequence[Reminder], *, sop: Sop, year: int, as_of: datetime,
              tracker_path: str | os.PathLike[str], alarm_minutes: int = DEFAULT_ALARM_MINUTES,
              zone: str = "WIB") -> Path:
    """Write :func:`build_calendar` to ``path`` (CRLF lines, UTF-8) and return the path."""
    target = Path(path)
    data = build_calendar(reminders, sop=sop, year=year, as_of=as_of, tracker_path=tracker_path,
                          alarm_minutes=alarm_minutes, zone=zone).to_ical()
    target.write_bytes(data)
    return target


__all__ = ["DEFAULT_ALARM_MINUTES", "TIMEZONE", "build_calendar", "event_uid", "jakarta", "pending", "write_ics"]
