"""The reminders of an analysed tracker, for the shells (``lkj pengingat``, later the ribbon and Beranda).

:func:`collect` takes a :class:`~lkj_xl.workbook.actions.Analysis` (the tracker read once, read-only) and gives the
reminders of its cycle at its ``as_of`` with the staff list's contact problems located on the Pegawai sheet;
:func:`reminders_dict` is the ``--json`` form.  Sending and files are the other modules of this package.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lkj_xl.core.reminders import (
    EMAIL_TIDAK_SAH,
    WHATSAPP_TIDAK_SAH,
    Reminder,
    select_reminders,
    window_minutes,
)
from lkj_xl.core.sop import TimeStandard
from lkj_xl.core.zones import IANA_NAMES
from lkj_xl.delivery.ics import TIMEZONE
from lkj_xl.workbook.actions import Analysis, LocatedProblem


@dataclass(frozen=True)
class ReminderRun:
    analysis: Analysis
    within_minutes: int
    reminders: tuple[Reminder, ...]
    #: unusable WhatsApp numbers / e-mail addresses on the Pegawai sheet (warnings)
    problems: tuple[LocatedProblem, ...]

    @property
    def as_of(self) -> datetime:
        return self.analysis.as_of

    @property
    def year(self) -> int:
        return self.analysis.year


def collect(analysis: Analysis, *, within: TimeStandard | int | None = None) -> ReminderRun:
    """The reminders at ``analysis.as_of``; ``within`` defaults to the Pengaturan's due-soon hours."""
    tracker = analysis.tracker
    if within is None:
        within = int(tracker.settings.due_soon_hours) * 60
    minutes = window_minutes(within, analysis.calendar, analysis.as_of)
    reminders = select_reminders(analysis.schedule, tracker.staff, analysis.as_of, minutes, analysis.calendar)
    # analyse() located them with the other problems; the run repeats the ones about contacts
    located = tuple(p for p in analysis.problems if p.code in (WHATSAPP_TIDAK_SAH, EMAIL_TIDAK_SAH))
    return ReminderRun(analysis, minutes, tuple(reminders), located)


def smtp_rows(tracker: Any) -> Mapping[str, object]:
    """The Pengaturan rows of the SMTP settings (label -> value) the reader found: ``tracker.smtp`` or
    ``tracker.settings.smtp`` when the workbook layer provides them, else none (the environment must then)."""
    for owner in (tracker, getattr(tracker, "settings", None)):
        rows = getattr(owner, "smtp", None)
        if isinstance(rows, Mapping):
            return rows
    return {}


def reminders_dict(run: ReminderRun) -> dict[str, Any]:
    """``{"as_of", "timezone", "year", "within_minutes", "reminders": [...], "problems": [...]}``."""
    return {
        "as_of": run.as_of.isoformat(timespec="minutes"),
        "timezone": IANA_NAMES.get(run.analysis.tracker.settings.timezone, TIMEZONE),
        "year": run.year if isinstance(run.year, int) else None,
        "period": str(run.year),  # a non-yearly SOP's period ("2025-S1"); the year for a yearly one
        "within_minutes": run.within_minutes,
        "reminders": [r.as_dict() for r in run.reminders],
        "problems": [p.as_dict() for p in run.problems],
    }


__all__ = ["ReminderRun", "collect", "reminders_dict", "smtp_rows"]
