"""Settings an admin changes on the "Pengaturan" sheet, with the rule each default comes from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping

from lkj_xl.core.worktime import DEFAULT_WEEK, DayHours, SpecialHours

#: The agency and government of the default SOP (SOP 3.1.2.6 of Inspektorat Kota Madiun), for a tracker made
#: without naming its own (``lkj new --agency``, the template workbook, the demo).
DEFAULT_AGENCY = "Inspektorat Kota Madiun"
DEFAULT_GOVERNMENT = "Pemerintah Kota Madiun"
#: Backups kept beside the workbook (rotating); no rule sets it: ten is about two weeks of daily refreshes.
DEFAULT_BACKUPS = 10
#: A running step is flagged "segera jatuh tempo" (due soon) this many working hours before its due time.
DEFAULT_DUE_SOON_HOURS = 4


@dataclass(frozen=True)
class Settings:
    year: int  # the reporting year (tahun pelaporan); the LKj is prepared in year + 1
    agency: str = DEFAULT_AGENCY
    government: str = DEFAULT_GOVERNMENT
    #: None = SOP 3.1.2.6's rule: end of the last working day on or before 31 March of year + 1.
    deadline_override: datetime | None = None
    #: Perpres 21/2023 (see lkj_xl.core.worktime.DEFAULT_WEEK); Monday..Sunday, None = not a working day.
    week: tuple[DayHours | None, ...] = DEFAULT_WEEK
    #: periods with other hours (Ramadan: set yearly by a MenPANRB circular; none by default)
    special: tuple[SpecialHours, ...] = ()
    due_soon_hours: int = DEFAULT_DUE_SOON_HOURS
    backups: int = DEFAULT_BACKUPS
    #: The SMTP rows of Pengaturan as typed, label -> text ("Server SMTP", "Port SMTP", "Keamanan SMTP",
    #: "Pengguna SMTP", "Pengirim email"); blank rows absent.  Never a password.
    smtp: Mapping[str, str] = field(default_factory=dict, compare=False)
