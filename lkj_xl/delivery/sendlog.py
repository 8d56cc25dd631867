"""The reminder send log: one JSON line per step sent (``Cadangan LKj/<tracker stem>.pengingat.jsonl``), read for
the Riwayat lines of a refresh and against sending a step twice on one day.  Standard library only, so a ribbon
click that only reads it stays light; :mod:`lkj_xl.delivery.mail` sends and appends to it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import formataddr
from pathlib import Path

SEND_LOG_SUFFIX = ".pengingat.jsonl"
CHANNEL_EMAIL = "email"


def send_log_path(tracker_path: str | os.PathLike[str], folder_name: str) -> Path:
    """``<tracker folder>/<folder_name>/<tracker stem>.pengingat.jsonl``; the shell passes the backup folder's name
    (:data:`lkj_xl.files.names.BACKUP_DIR_NAME`), shared by the trackers of a folder, hence the stem."""
    tracker = Path(tracker_path)
    return tracker.parent / folder_name / f"{tracker.stem}{SEND_LOG_SUFFIX}"


@dataclass(frozen=True)
class Sending:
    """One step's reminder sent to one recipient (a line of the send log)."""

    day: date
    at: datetime
    year: int | str  # the reporting year; a non-yearly SOP's period label ("2025-S1")
    step: int
    recipient: str
    holder: str | None
    channel: str

    def key(self) -> tuple[date, int, int, str, str]:
        return (self.day, self.year, self.step, self.recipient.lower(), self.channel)

    def as_dict(self) -> dict[str, object]:
        return {"date": self.day.isoformat(), "at": self.at.isoformat(timespec="minutes"), "year": self.year,
                "step": self.step, "recipient": self.recipient, "holder": self.holder, "channel": self.channel}

    def describe(self) -> str:
        """Indonesian, for Riwayat: "Pengingat email Langkah 6 dikirim ke Ratna Sari <ratna@...>"."""
        who = formataddr((self.holder or "", self.recipient))
        return f"Pengingat {self.channel} Langkah {self.step} (tahun {self.year}) dikirim ke {who}"


def read_send_log(log_path: str | os.PathLike[str]) -> list[Sending]:
    """Every readable line of the send log (a damaged line is skipped; a missing log is empty)."""
    try:
        text = Path(log_path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    found = []
    for line in text.splitlines():
        try:
            data = json.loads(line)
            found.append(Sending(day=date.fromisoformat(data["date"]), at=datetime.fromisoformat(data["at"]),
                                 year=_cycle(data["year"]), step=int(data["step"]), recipient=str(data["recipient"]),
                                 holder=data.get("holder"), channel=str(data["channel"])))
        except (ValueError, KeyError, TypeError):
            continue
    return found


def sendings_on(log_path: str | os.PathLike[str], day: date) -> list[Sending]:
    """The sendings of ``day`` (for the Riwayat sheet at the next refresh)."""
    return [s for s in read_send_log(log_path) if s.day == day]


def history_lines(tracker_path: str | os.PathLike[str], folder_name: str, day: date) -> list[str]:
    """The Riwayat lines of ``day``'s sendings for the tracker at ``tracker_path`` (its send log in ``folder_name``),
    for ``actions.refresh(extra_history=...)``: "Pengingat email Langkah 6 (tahun 2025) dikirim ke ... pada
    23 Februari 2026 07.30"."""
    from lkj_xl.core.dates import format_datetime_id

    try:
        sent = sendings_on(send_log_path(tracker_path, folder_name), day)
    except OSError:  # the log is a note for Riwayat: a folder that cannot be read is the save's to report, not this
        return []
    return [f"{s.describe()} pada {format_datetime_id(s.at.replace(tzinfo=None))}" for s in sent]


def append_log(log_path: Path, sendings: Iterable[Sending]) -> None:
    lines = "".join(json.dumps(s.as_dict(), ensure_ascii=False) + "\n" for s in sendings)
    if not lines:
        return
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "a", encoding="utf-8", newline="\n") as handle:
        handle.write(lines)
        handle.flush()
        os.fsync(handle.fileno())


def _cycle(value: object) -> int | str:
    """A logged cycle: the year as a number, a period's label as text."""
    text = str(value)
    return int(text) if text.isdigit() else text
