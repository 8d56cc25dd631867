"""Reading the ``Pengaturan`` sheet: the settings rows, the working week (``tblJamKerja``) and the periods with other
hours (``tblJamKhusus``, e.g. Ramadan), into :class:`~lkj_xl.core.settings.Settings`.

Every value that cannot be read becomes a located problem and its default is used, so the rest still computes.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any, Mapping, Sequence

from lkj_xl.core.dates import DAY_NAMES_ID, parse_datetime
from lkj_xl.core.entries import AREA_BOOK, AREA_SETTINGS, ERROR, WARNING, Location
from lkj_xl.core.errors import ParseError
from lkj_xl.core.periods import TAHUNAN, DeadlineRule, default_rule, parse_kind, parse_rule
from lkj_xl.core.settings import DEFAULT_BACKUPS, DEFAULT_DUE_SOON_HOURS, Settings
from lkj_xl.core.zones import parse_zone_name
from lkj_xl.core.validation import YEAR_MAX, YEAR_MIN
from lkj_xl.core.values import as_int, as_text, is_blank, naive, read_yes
from lkj_xl.core.worktime import DEFAULT_WEEK, DayHours, SpecialHours
from lkj_xl.workbook import layout
from lkj_xl.workbook.tables import TablePos, cell_at, find_header, label_rows, table_values


def _to_time(value: Any) -> time | None:
    """A clock time from a cell: time, datetime, a day fraction (live Excel) or text "07.30"/"07:30".
    Blank -> None; unreadable -> ValueError."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return time(minutes // 60, minutes % 60)
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{1,2})[.:](\d{2})\s*", value)
        if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
            return time(int(match.group(1)), int(match.group(2)))
    raise ValueError(value)


def read_settings(reader: Any, positions: dict[str, Any], fallback_year: int) -> Settings:
    sheet = layout.SHEET_SETTINGS
    values = reader.sheet(sheet)
    if values is None:
        return Settings(year=fallback_year)
    rows = label_rows(values, layout.SETTINGS_LABELS)
    positions["settings_rows"] = {label: r0 + 1 for label, r0 in rows.items()}

    def value(label: str) -> Any:
        return cell_at(values, rows[label], 1) if label in rows else None

    def bad(label: str, message: str, severity: str = ERROR, code: str = "pengaturan_tidak_terbaca") -> None:
        reader.problem(Location(AREA_SETTINGS, label), severity, code, message)

    for label in layout.SETTINGS_LABELS:
        if label not in rows and label in layout.SETTINGS_OPTIONAL:
            reader.outdated.append(f"baris \"{label}\" lembar \"{sheet}\"")
        elif label not in rows:
            bad(label, f"Baris pengaturan \"{label}\" tidak ditemukan di kolom A lembar \"{sheet}\".",
                WARNING if label in (layout.P_VERSION, layout.P_BACKUPS) else ERROR, "pengaturan_tidak_ada")

    year = as_int(value(layout.P_YEAR))
    if year is None or not YEAR_MIN <= year <= YEAR_MAX:
        if layout.P_YEAR in rows:
            shown = as_text(value(layout.P_YEAR))
            problem = "tidak terbaca" if year is None else f"di luar rentang {YEAR_MIN}-{YEAR_MAX}"
            bad(layout.P_YEAR, f"Tahun pelaporan \"{shown}\" {problem}; isi dengan tahun empat angka, mis. 2025.")
        year = fallback_year

    agency = as_text(value(layout.P_AGENCY)) or Settings.agency
    government = as_text(value(layout.P_GOVERNMENT)) or Settings.government

    deadline = None
    from lkj_xl.workbook.read_steps import date_in_epoch

    raw = date_in_epoch(value(layout.P_DEADLINE), bool(getattr(reader.book, "date1904", False)))
    if not is_blank(raw):
        try:
            deadline = parse_datetime(raw)
        except ParseError:
            deadline = None
        if deadline is None:
            bad(layout.P_DEADLINE, f"Batas akhir \"{as_text(raw)}\" tidak terbaca sebagai tanggal; isi tanggal "
                              f"(mis. 31/03/2026) atau kosongkan untuk memakai aturan SOP.")
        elif deadline.time() == time(0, 0):
            # A date without a time means "by the end of that day".
            deadline = deadline.replace(hour=23, minute=59)
        if deadline is not None:
            deadline = naive(deadline)

    def count(label: str, default: int) -> int:
        raw_value = value(label)
        if is_blank(raw_value):
            return default
        number = as_int(raw_value)
        if number is None or number < 0:
            bad(label, f"Nilai \"{as_text(raw_value)}\" untuk \"{label}\" harus bilangan bulat 0 atau lebih; "
                       f"dipakai {default}.")
            return default
        return number

    due_soon = count(layout.P_DUE_SOON, DEFAULT_DUE_SOON_HOURS)
    backups = count(layout.P_BACKUPS, DEFAULT_BACKUPS)

    version = value(layout.P_VERSION)
    if layout.P_VERSION in rows:
        number = as_int(version)
        reader.version = number
        if number is None:
            bad(layout.P_VERSION, f"Versi tata letak \"{as_text(version)}\" tidak terbaca; seharusnya "
                             f"{layout.LAYOUT_VERSION}.", WARNING, "versi_tata_letak")
        elif number > layout.LAYOUT_VERSION:
            bad(layout.P_VERSION, f"Buku kerja ini memakai tata letak versi {number}, lebih baru dari yang dikenal "
                             f"program ini (versi {layout.LAYOUT_VERSION}). Perbarui lkj-xl.", ERROR, "versi_tata_letak")

    week = _read_week(reader, positions, values)
    special = _read_special(reader, positions, values)
    # SMTP rows: text as typed (lkj_xl.delivery.mail.smtp_settings reads and checks them); blank rows left out.
    smtp = {label: as_text(value(label)) for label in layout.SMTP_LABELS if as_text(value(label))}
    kind, rule, zone = _read_cycle_rows(value, bad)
    return Settings(year=year, agency=agency, government=government, deadline_override=deadline, week=week,
                    special=special,
                    due_soon_hours=due_soon, backups=backups, smtp=smtp, period_kind=kind, deadline_rule=rule,
                    timezone=zone, place=" ".join(as_text(value(layout.P_PLACE)).split()),
                    preparer=" ".join(as_text(value(layout.P_PREPARER)).split()))


def _read_cycle_rows(value, bad) -> tuple[str, DeadlineRule | None, str]:
    """"Periode siklus", "Aturan batas akhir" and "Zona waktu" (layout version 3); absent or blank rows give the
    defaults (tahunan, the kind's rule, WIB), an unreadable one its default and a located error."""
    try:
        kind = parse_kind(value(layout.P_PERIOD_KIND))
    except ParseError as exc:
        bad(layout.P_PERIOD_KIND, exc.message + " Dipakai tahunan.")
        kind = TAHUNAN
    rule = None
    raw_rule = value(layout.P_DEADLINE_RULE)
    if not is_blank(raw_rule):
        try:
            rule = parse_rule(raw_rule, kind)
            if rule == default_rule(kind):
                rule = None  # the kind's default, as the builder writes it
        except ParseError as exc:
            bad(layout.P_DEADLINE_RULE, exc.message + f" Dipakai aturan bawaan ({default_rule(kind).describe()}).")
    raw_zone = value(layout.P_TIMEZONE)
    zone = parse_zone_name(raw_zone)
    if zone is None:
        bad(layout.P_TIMEZONE, f"Zona waktu \"{as_text(raw_zone)}\" tidak dikenali; pilih WIB, WITA atau WIT "
                               f"(Keppres No. 41 Tahun 1987). Dipakai WIB.")
        zone = "WIB"
    return kind, rule, zone


def _hours_of_row(data: Mapping[str, Any], what: str, bad) -> tuple[bool, DayHours | None]:
    """The hours one row of a week table gives: (True, DayHours) for a working day, (True, None) for a day off,
    (False, None) after reporting through ``bad(column, message)`` what cannot be read."""
    working = read_yes(data.get(layout.W_WORKDAY))
    if working is None:
        bad(layout.W_WORKDAY, f"Isian \"Hari kerja?\" untuk {what} harus Ya atau Tidak, bukan "
                         f"\"{as_text(data.get(layout.W_WORKDAY))}\".")
        return False, None
    if not working:
        return True, None
    times: dict[str, time | None] = {}
    ok = True
    for column in (layout.W_START, layout.W_BREAK_START, layout.W_BREAK_END, layout.W_END):
        try:
            times[column] = _to_time(data.get(column))
        except ValueError:
            bad(column, f"{column} {what} \"{as_text(data.get(column))}\" tidak terbaca; tulis jam seperti 07.30.")
            ok = False
    if not ok:
        return False, None
    if times[layout.W_START] is None or times[layout.W_END] is None:
        bad(layout.W_START if times[layout.W_START] is None else layout.W_END,
            f"{what[:1].upper()}{what[1:]} ditandai hari kerja tetapi jam masuk atau jam pulangnya kosong.")
        return False, None
    breaks: tuple[tuple[time, time], ...] = ()
    if (times[layout.W_BREAK_START] is None) != (times[layout.W_BREAK_END] is None):
        bad(layout.W_BREAK_START, f"Istirahat {what} harus diisi lengkap (mulai dan selesai) atau dikosongkan keduanya.")
        return False, None
    if times[layout.W_BREAK_START] is not None:
        breaks = ((times[layout.W_BREAK_START], times[layout.W_BREAK_END]),)
    try:
        return True, DayHours(times[layout.W_START], times[layout.W_END], breaks)
    except ValueError as exc:
        bad(layout.W_START, f"Jam kerja {what}: {exc}")
        return False, None


def _find_special_table(values: Sequence[Sequence[Any]], week: TablePos | None) -> TablePos | None:
    """The special-hours table (below the week table), None when absent."""
    start0 = week.header_row if week is not None else 0
    found = find_header(values[start0:], layout.SPECIAL_HEADERS, 3)
    if found is None or layout.X_FROM not in found[1]:
        return None
    return TablePos(layout.SHEET_SETTINGS, start0 + found[0] + 1, {label: c0 + 1 for label, c0 in found[1].items()})


_DAY_INDEX = {layout.normalize_label(name): i for i, name in enumerate(DAY_NAMES_ID)}
_DAY_INDEX["jum'at"] = 4


def _weekdays(text: Any) -> tuple[int, ...] | None:
    """"Senin" -> (0,), "Senin-Kamis" / "Senin s.d. Kamis" -> (0, 1, 2, 3), "Semua" -> all; None if unreadable."""
    raw = layout.normalize_label(text)
    if raw in ("semua", "semua hari", "setiap hari"):
        return tuple(range(7))
    parts = [p.strip() for p in re.split(r"\s*(?:-|–|s\.?\s*d\.?|sampai(?:\s+dengan)?)\s*", raw) if p.strip()]
    if len(parts) == 1 and parts[0] in _DAY_INDEX:
        return (_DAY_INDEX[parts[0]],)
    if len(parts) == 2 and all(p in _DAY_INDEX for p in parts):
        first, last = _DAY_INDEX[parts[0]], _DAY_INDEX[parts[1]]
        if first <= last:
            return tuple(range(first, last + 1))
    return None


def _read_special(reader: Any, positions: dict[str, Any], values: list[list[Any]]) -> tuple[SpecialHours, ...]:
    """Periods with other hours (Ramadan) from the table below the week table; an absent table means none."""
    sheet = layout.SHEET_SETTINGS
    pos = _find_special_table(values, positions.get("week_table"))
    if pos is None:
        return ()
    for label in layout.SPECIAL_REQUIRED:
        if label not in pos.columns:
            reader.problem(Location(AREA_BOOK, sheet, label), ERROR, "kolom_tidak_ada",
                           f"Kolom \"{label}\" tidak ditemukan pada tabel jam kerja khusus di lembar \"{sheet}\" "
                           f"(baris judul {pos.header_row}). Kembalikan judul kolom itu persis \"{label}\".")
            return ()
    positions["special_table"] = pos
    positions["special_rows"] = tuple(pos.sheet_row(i) for i in range(max(len(values) - pos.header_row, 0)))
    periods: list[SpecialHours] = []
    for index, data, blank in table_values(values, pos, layout.SPECIAL_HEADERS):
        if blank:
            continue
        row = pos.sheet_row(index)

        def bad(column: str, message: str, row: int = row) -> None:
            reader.problem(Location(AREA_SETTINGS, ("khusus", row), column), ERROR, "jam_khusus_tidak_terbaca",
                           message)

        try:
            first, last = parse_datetime(data.get(layout.X_FROM)), parse_datetime(data.get(layout.X_TO))
        except ParseError as exc:
            bad(layout.X_FROM, f"Jam kerja khusus baris {row}: {exc.message}")
            continue
        if first is None or last is None:
            bad(layout.X_FROM if first is None else layout.X_TO,
                f"Jam kerja khusus baris {row}: isi tanggal awal dan akhir periode (mis. 18/02/2026 dan 19/03/2026).")
            continue
        days = _weekdays(data.get(layout.W_DAY))
        if days is None:
            bad(layout.W_DAY, f"Hari \"{as_text(data.get(layout.W_DAY))}\" pada jam kerja khusus baris {row} tidak dikenali; "
                         f"tulis mis. Senin, Senin-Kamis atau Jumat.")
            continue
        ok, hours = _hours_of_row(data, f"periode khusus baris {row}", bad)
        if not ok:
            continue
        try:
            periods.append(SpecialHours(
                first.date(), last.date(), tuple((d, hours) for d in days) if hours else (),
                () if hours else days, as_text(data.get(layout.X_NOTE))))
        except ValueError as exc:
            bad(layout.X_TO, f"Jam kerja khusus baris {row}: {exc}")
    return tuple(periods)


def _read_week(reader: Any, positions: dict[str, Any], values: list[list[Any]]) -> tuple[DayHours | None, ...]:
    sheet = layout.SHEET_SETTINGS
    pos = reader.table(sheet, values, layout.WEEK_HEADERS, layout.WEEK_REQUIRED, 3, "jam kerja")
    if pos is None:
        return DEFAULT_WEEK
    positions["week_table"] = pos
    week: list[DayHours | None] = list(DEFAULT_WEEK)
    seen: set[int] = set()
    week_rows: dict[str, int] = {}
    special = _find_special_table(values, pos)
    # the week table ends above the special table's title row
    for index, data, blank in table_values(values, pos, layout.WEEK_HEADERS,
                                            None if special is None else special.header_row - 2):
        if blank:
            continue
        name = data.get(layout.W_DAY)
        i = _DAY_INDEX.get(layout.normalize_label(name))
        if i is None:
            if not is_blank(name) or any(not is_blank(v) for k, v in data.items() if k != layout.W_SOURCE):
                reader.problem(Location(AREA_SETTINGS, as_text(name) or None, layout.W_DAY), ERROR, "hari_tidak_dikenal",
                               f"Hari \"{as_text(name)}\" pada tabel jam kerja (lembar \"{sheet}\", baris "
                               f"{pos.sheet_row(index)}) tidak dikenali; tulis Senin, Selasa, ..., Minggu.")
            continue
        day = DAY_NAMES_ID[i]
        week_rows[day] = pos.sheet_row(index)
        seen.add(i)

        def bad(column: str, message: str, day: str = day) -> None:
            reader.problem(Location(AREA_SETTINGS, day, column), ERROR, "jam_kerja_tidak_terbaca", message)

        ok, hours = _hours_of_row(data, f"hari {day}", bad)
        if ok:
            week[i] = hours
    positions["week_rows"] = week_rows
    for i in sorted(set(range(7)) - seen):
        reader.problem(Location(AREA_SETTINGS, DAY_NAMES_ID[i], layout.W_DAY), WARNING, "hari_tidak_ada",
                       f"Hari {DAY_NAMES_ID[i]} tidak ada di tabel jam kerja lembar \"{sheet}\"; dipakai jam "
                       f"kerja bawaan.")
    if not any(week):
        reader.problem(Location(AREA_SETTINGS, None, layout.W_WORKDAY), ERROR, "tidak_ada_hari_kerja",
                       f"Tabel jam kerja lembar \"{sheet}\" tidak memuat satu pun hari kerja; dipakai jam kerja "
                       f"bawaan (Senin-Jumat).")
        return DEFAULT_WEEK
    return tuple(week)
