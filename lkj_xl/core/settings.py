"""Settings an admin changes on the "Pengaturan" sheet, with the rule each default comes from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping

from lkj_xl.core.periods import TAHUNAN, DeadlineRule, default_rule
from lkj_xl.core.worktime import DEFAULT_WEEK, DayHours, SpecialHours
from lkj_xl.core.zones import zone_named

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
    """The Pengaturan sheet as read: reporting year, agency, deadline rule, working hours and the rest."""

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
    #: The report's signature block: the place ("Madiun") and the name (from Pegawai) of who prepared the report;
    #: "" when blank (a located warning says so; the place is never guessed from the government's name).
    place: str = ""
    preparer: str = ""
    #: "Periode siklus": tahunan (SOP 3.1.2.6), semesteran, triwulanan, bulanan or per kegiatan
    #: (lkj_xl.core.periods.PERIOD_KINDS).
    period_kind: str = TAHUNAN
    #: "Aturan batas akhir" as read; None = the kind's default (SOP 3.1.2.6's 31 March for tahunan, none otherwise).
    deadline_rule: DeadlineRule | None = None
    #: "Zona waktu": WIB (Kota Madiun, the default), WITA or WIT (Keppres 41/1987).
    timezone: str = "WIB"

    @property
    def rule(self) -> DeadlineRule:
        """The deadline rule in force (the kind's default when the row is blank)."""
        return self.deadline_rule if self.deadline_rule is not None else default_rule(self.period_kind)

    @property
    def zone(self):
        """The tzinfo of :attr:`timezone`."""
        return zone_named(self.timezone)

    @property
    def yearly(self) -> bool:
        return self.period_kind == TAHUNAN
