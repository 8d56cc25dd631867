"""Closed cycles (``lkj tutup``, the ribbon's "Tutup Siklus"): once the LKj of a reporting year is delivered and its
report signed, later edits (a new SOP revision, another plan or holiday list) must not rewrite that cycle.

Where it is recorded: the engine's own sheet ``Siklus Tertutup`` (layout version 3), one row per closed cycle:
Tahun (a non-yearly SOP: Periode, "2025-TW3" or an activity's name), Ditutup pada (the real time of the action), Oleh, the SOP that applied (number, revision date, each step's
Waktu and Pelaksana), the deadline, the settings that applied (working week, special hours, holidays in the
cycle's years, early warning), the report files kept beside the tracker, and a ``Data`` cell: JSON holding each
step's entries as they were when the cycle closed and its computed cells (Mulai, Batas Waktu, Status, ...).

What closing changes afterwards:

* refresh writes the archived computed values into that year's rows instead of recomputing them (so a cleared or
  changed computed cell comes back as it was signed); the other years are computed as before;
* validation still reads the closed cycle, and an entry that differs from the archived one is a located warning
  (``siklus_tertutup_diubah``) on the cell, naming the value it had;
* ``lkj report`` for a closed year leaves Laporan alone: the signed report is the file kept beside the tracker.

Rules an office expects (decided here): a cycle is closed only when its last step is done (the LKj delivered) and
validation finds no error in it; a closed year is not closed again.  To reopen a cycle, an admin deletes its row on
``Siklus Tertutup`` (the sheet is the engine's, but deleting a row there is the documented way back).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Mapping, Sequence

from lkj_xl.core.entries import AREA_BOOK, AREA_STEP, WARNING, Location, Problem
from lkj_xl.core.periods import TAHUNAN, key_title
from lkj_xl.core.values import as_text, is_blank, naive
from lkj_xl.core.validation import parse_key
from lkj_xl.core.errors import ParseError
from lkj_xl.workbook import layout
from lkj_xl.workbook.book import Book

#: Entry columns kept in the archive, with the StepEntry attribute each comes from.
ENTRY_FIELDS: tuple[tuple[str, str], ...] = tuple(layout.STEP_ATTRIBUTES.items())
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?")


@dataclass(frozen=True)
class ClosedCycle:
    """One row of ``Siklus Tertutup``."""

    year: Any  # the cycle's key: the year (int) of a yearly SOP, else a Period (lkj_xl.core.periods)
    row: int  # 1-based sheet row
    closed_at: Any
    user: str
    files: str
    entries: Mapping[int, Mapping[str, Any]]  # step -> entry label -> plain value
    computed: Mapping[int, list[Any]]  # step -> computed values (layout.STEP_COMPUTED_HEADERS order)


def plain(value: Any) -> Any:
    """A cell value in a form JSON keeps and two engines agree on: dates as ISO text, integral floats as int."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return naive(value).isoformat(timespec="minutes")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (bool, int, float)):
        return value
    return str(value)


def _restored(value: Any) -> Any:
    """A computed value back from JSON: ISO text -> datetime."""
    if isinstance(value, str) and _ISO.fullmatch(value):
        return datetime.fromisoformat(value)
    return value


def _key_of(value: Any, kind: str = TAHUNAN) -> Any:
    try:
        return parse_key(value, kind)
    except ParseError:
        return None


def read_closed(book: Book, kind: str = TAHUNAN) -> dict[Any, ClosedCycle]:
    """The closed cycles recorded in the workbook, by cycle key ({} for a tracker without the sheet: layout 2).
    The key column is "Tahun" or "Periode" (either header), read by the tracker's period ``kind``."""
    sheet = layout.SHEET_CLOSED
    if not book.has_sheet(sheet):
        return {}
    values = book.read(sheet)
    if not values:
        return {}
    header = {layout.normalize_label(as_text(v)): i for i, v in enumerate(values[0]) if not is_blank(v)}
    column = {label: header.get(layout.normalize_label(label)) for label in layout.CLOSED_HEADERS}
    if column[layout.K_YEAR] is None:
        column[layout.K_YEAR] = header.get(layout.normalize_label(layout.K_PERIOD))
    if column[layout.K_YEAR] is None:
        return {}
    found: dict[Any, ClosedCycle] = {}

    def cell(row: Sequence[Any], label: str) -> Any:
        i = column[label]
        return row[i] if i is not None and i < len(row) else None

    for r0, row in enumerate(values[1:], start=2):
        year = _key_of(cell(row, layout.K_YEAR), kind)
        if year is None or year in found:
            continue
        try:
            data = json.loads(as_text(cell(row, layout.K_DATA)) or "{}")
        except ValueError:
            data = {}
        entries = {int(k): dict(v) for k, v in (data.get("entries") or {}).items() if str(k).isdigit()}
        computed = {int(k): [_restored(x) for x in v] for k, v in (data.get("computed") or {}).items()
                    if str(k).isdigit() and isinstance(v, list)}
        found[year] = ClosedCycle(year, r0, cell(row, layout.K_CLOSED_AT), as_text(cell(row, layout.K_USER)),
                                  as_text(cell(row, layout.K_FILES)), entries, computed)
    return found


def frozen_values(closed: Mapping[Any, ClosedCycle]) -> dict[Any, dict[int, list[Any]]]:
    """cycle key -> step -> the computed values refresh writes for that year's row (``writers.write_computed``)."""
    return {year: dict(c.computed) for year, c in closed.items() if c.computed}


def _kind(tracker: Any) -> str:
    return getattr(getattr(tracker, "settings", None), "period_kind", TAHUNAN)


def year_entries(tracker: Any, year: Any) -> dict[int, Any]:
    """step -> the first entry row of the cycle ``year`` (a year, or a period) on its step sheet (StepEntry)."""
    found: dict[int, Any] = {}
    kind = _kind(tracker)
    for entry in sorted(tracker.entries, key=lambda e: (e.step, e.row)):
        if entry.step not in found and _key_of(entry.year, kind) == year:
            found[entry.step] = entry
    return found


def _shown(value: Any) -> str:
    if value is None:
        return "kosong"
    if isinstance(value, str) and _ISO.fullmatch(value):
        from lkj_xl.core.dates import format_datetime_id

        return format_datetime_id(datetime.fromisoformat(value))
    return f"\"{value}\""


def _when(value: Any) -> str:
    from lkj_xl.core.dates import format_datetime_id

    return format_datetime_id(naive(value)) if isinstance(value, datetime) else as_text(value)


def closed_text(record: ClosedCycle, zone: str = "") -> str:
    """One line for people (Beranda, ``lkj status``): "Siklus ditutup pada 6 Maret 2026 10.00 WIB oleh Dewi (lembar
    Siklus Tertutup baris 2); kolom terhitungnya tidak dihitung ulang"."""
    when = _when(record.closed_at)
    if zone and isinstance(record.closed_at, datetime):
        when = f"{when} {zone}"
    who = f" oleh {record.user}" if record.user else ""
    return (f"Siklus ditutup pada {when or '-'}{who} (lembar {layout.SHEET_CLOSED} baris {record.row}); kolom "
            f"terhitungnya tidak dihitung ulang")


def closed_dict(record: ClosedCycle | None) -> dict[str, Any] | None:
    """``lkj status --json``'s ``closed``: when (ISO, the tracker's clock), by whom, the kept report files and the
    row of Siklus Tertutup; None for a cycle that is not closed."""
    if record is None:
        return None
    when = record.closed_at
    return {"closed_at": naive(when).isoformat(timespec="minutes") if isinstance(when, datetime) else plain(when),
            "by": record.user or None, "files": record.files or None, "row": record.row}


def edit_warnings(tracker: Any, closed: Mapping[Any, ClosedCycle]) -> list[Problem]:
    """A located warning for every entry of a closed cycle that differs from what was archived when it closed."""
    problems: list[Problem] = []
    for year, record in sorted(closed.items()):
        now = year_entries(tracker, year)
        when = _when(record.closed_at)
        for step, archived in sorted(record.entries.items()):
            entry = now.get(step)
            if entry is None:
                problems.append(Problem(
                    Location(AREA_BOOK, layout.step_sheet(step)), WARNING, "siklus_tertutup_diubah",
                    f"Siklus {year} sudah ditutup pada {when}, tetapi baris {key_title(year)} di lembar "
                    f"{layout.step_sheet(step)} sudah tidak ada. Laporan yang ditandatangani tidak berubah; "
                    f"kembalikan barisnya."))
                continue
            for label, attr in ENTRY_FIELDS:
                was, is_now = archived.get(label), plain(getattr(entry, attr))
                if was == is_now:
                    continue
                problems.append(Problem(
                    Location(AREA_STEP, (step, entry.row), label), WARNING, "siklus_tertutup_diubah",
                    f"Siklus {year} sudah ditutup pada {when}; isian {label} diubah sesudahnya (semula "
                    f"{_shown(was)}, sekarang {_shown(is_now)}). Kolom terhitung dan laporan siklus ini tetap "
                    f"seperti saat ditutup; kembalikan isiannya bila perubahan ini tidak disengaja."))
    return problems


__all__ = ["ClosedCycle", "closed_dict", "closed_text", "edit_warnings", "frozen_values", "plain", "read_closed",
           "year_entries"]
