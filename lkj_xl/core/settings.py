"""Settings an admin changes on the "Pengaturan" sheet, with the rule each default comes from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lkj_xl.core.worktime import DEFAULT_WEEK, DayHours, SpecialHours

#: Backups kept beside the workbook (rotating).
DEFAULT_BACKUPS = 10
#: A running step is flagged "segera jatuh tempo" (due soon) this many working hours before its due time.
DEFAULT_DUE_SOON_HOURS = 4


@dataclass(frozen=True)
class Settings:
    year: int  # the reporting year (tahun pelaporan); the LKj is prepared in year + 1
    agency: str = "Inspektorat Kota Madiun"
    government: str = "Pemerintah Kota Madiun"
    #: None = SOP 3.1.2.6's rule: end of the last working day on or before 31 March of year + 1.
    deadline_override: datetime | None = None
    #: Perpres 21/2023 (see lkj_xl.core.worktime.DEFAULT_WEEK); Monday..Sunday, None = not a working day.
    week: tuple[DayHours | None, ...] = DEFAULT_WEEK
    #: periods with other hours (Ramadan: set yearly by a MenPANRB circular; none by default)
    special: tuple[SpecialHours, ...] = ()
    due_soon_hours: int = DEFAULT_DUE_SOON_HOURS
    backups: int = DEFAULT_BACKUPS
