"""What people type, as plain values, and the problems found in it.

These are the hand-over types between the shells (which read a workbook) and the pure core (which reads nothing).
A value here is *raw*: whatever the cell held (None, str, int, float, datetime).  Locations are sheet-independent:
the workbook layer maps a :class:`Location` to a sheet name and a cell address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

ERROR = "error"
WARNING = "warning"

# Location areas
AREA_STEP = "langkah"  # key = (step number, row index within the step's table, 0-based)
AREA_STAFF = "pegawai"  # key = row index in the staff list, 0-based
AREA_SOP = "sop"  # key = step number (field = column label) or identity label (field = None)
AREA_SETTINGS = "pengaturan"  # key = setting label
AREA_HOLIDAYS = "hari_libur"  # key = row index, 0-based
AREA_BOOK = "buku"  # key = sheet name (a missing sheet, table or column: field = the column label)
AREA_CELL = "sel"  # key = (sheet name, "B7"): a cell the reader found outside every table
AREA_EVALUATION = "evaluasi"  # key = row index in the Evaluasi table, 0-based

# Field names of a step entry; the workbook's table headers use the same words.
F_YEAR = "Tahun"
#: The key column of a non-yearly SOP's step table (2025-S1, 2025-TW3, 2025-03, an activity's name).
F_PERIOD = "Periode"
F_RECEIVED = "Diterima"
F_COMPLETED = "Selesai"
F_PELAKSANA = "Pelaksana"
F_KELENGKAPAN = "Kelengkapan"
F_NOMOR = "Nomor Output"
F_CATATAN = "Catatan"
#: How many times the step was sent back and done again (layout version 3): Diterima stays the first time the step
#: was received, Selesai the last time it was done.
F_ULANG = "Ulang"


@dataclass(frozen=True)
class Location:
    """Where a problem is: an area (sheet or table), the row's key and the field."""

    area: str
    key: object = None
    field: str | None = None


@dataclass(frozen=True)
class Problem:
    """A data problem found while reading or checking, with its Indonesian message."""

    location: Location
    severity: str  # ERROR or WARNING
    code: str  # stable, machine readable, e.g. "tanggal_tidak_terbaca"
    message: str  # Indonesian, names the value


@dataclass(frozen=True)
class StepEntry:
    """One row of a step's table ("Langkah N"), as typed."""

    step: int
    row: int  # 0-based index within the table
    year: object = None
    received: object = None
    completed: object = None
    pelaksana: object = None
    kelengkapan: object = None
    nomor_output: object = None
    catatan: object = None
    ulang: object = None  # "Ulang" (layout version 3)


@dataclass(frozen=True)
class StaffEntry:
    """One row of the staff list ("Pegawai"), as typed."""

    row: int
    nama: object = None
    nip: object = None
    jabatan: object = None
    keterangan: object = None
    whatsapp: object = None  # "No. WhatsApp" (layout version 2)
    email: object = None  # "Email" (layout version 2)
    pangkat: object = None  # "Pangkat/Golongan" (layout version 3), e.g. "Pembina Utama Muda (IV/c)"


@dataclass(frozen=True)
class StepRecord:
    """The parsed instants of one step in one cycle (naive local WIB datetimes)."""

    step: int
    received: datetime | None = None
    completed: datetime | None = None
    pelaksana: str | None = None
    #: whether a time was typed (a date alone is read as 00.00 for Diterima, 23.59 for Selesai; people read it as
    #: the date alone)
    received_has_time: bool = field(default=True, compare=False)
    completed_has_time: bool = field(default=True, compare=False)
    #: Kelengkapan as typed, read: True "Ya", False "Tidak", None blank or unknown
    complete: bool | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Cycle:
    """One reporting year of the procedure: the LKj for ``year`` prepared in ``year + 1``."""

    year: int
    records: tuple[StepRecord, ...] = ()

    def record(self, step: int) -> StepRecord:
        for rec in self.records:
            if rec.step == step:
                return rec
        return StepRecord(step)
