"""Writing what the engine computes back into the tracker: the step sheets' computed columns and top blocks,
``Beranda``, ``Masalah`` and ``Riwayat``.

Each writer writes whole blocks through a :class:`~lkj_xl.workbook.book.Book` (one call per block, the same for a tracker
with one year or twenty), values only, and never an entry cell: positions come from the
:class:`~lkj_xl.workbook.reader.Tracker` the reader built.  No openpyxl, no xlwings: the ribbon's live path uses it too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping, Sequence

from lkj_xl.workbook import layout, printing
from lkj_xl.workbook.book import Book, column_letter
from lkj_xl.core.worktime import WorkingCalendar
from lkj_xl.core.values import as_int, as_text, is_blank, naive
from lkj_xl.core.entries import ERROR
from lkj_xl.core.schedule import CYCLE_LABELS, STATUS_LABELS, STATUS_NOT_STARTED, CycleSchedule, StepSchedule
from lkj_xl.core.sop import Step
from lkj_xl.workbook.reader import Tracker
from lkj_xl.core.periods import Period, key_label

#: Beranda's "Batas akhir" of a cycle without one (Pengaturan's "Aturan batas akhir" = tidak ada).
NO_DEADLINE_TEXT = "Tidak ada batas akhir"

#: Beranda's column widths as the builder sets them (row heights of its value and reminder rows follow from them).
BERANDA_WIDTHS: dict[str, float] = {"A": 28, "B": 70, "C": 22, "D": 34, "E": 20, "F": 30}


def _write_columns(book: Book, sheet: str, first_row: int, columns: Sequence[int | None],
                   rows: Sequence[Sequence[Any]]) -> None:
    """Write ``rows`` (one value per entry of ``columns``) from ``first_row`` down: one block when the present
    columns are contiguous, else one block per column.  A None column is skipped."""
    if not rows:
        return
    present = [(c, i) for i, c in enumerate(columns) if c is not None]
    if not present:
        return
    present.sort()
    cols = [c for c, _ in present]
    if cols[-1] - cols[0] + 1 == len(cols):
        book.write(sheet, first_row, cols[0], [[row[i] for _, i in present] for row in rows])
        return
    for c, i in present:
        book.write(sheet, first_row, c, [[row[i]] for row in rows])


def _hours(minutes: int | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 2)


def computed_values(step: StepSchedule) -> list[Any]:
    """The computed cells of one step-table row, in ``layout.STEP_COMPUTED_HEADERS`` order."""
    return [
        naive(step.start),
        naive(step.due),
        STATUS_LABELS.get(step.status, step.status),
        None if step.status == STATUS_NOT_STARTED else _hours(step.late_minutes),
        _hours(step.actual_minutes),
        naive(step.latest_finish),
    ]


def write_computed(book: Book, tracker: Tracker, schedules: Mapping[int, CycleSchedule],
                   frozen: Mapping[int, Mapping[int, Sequence[Any]]] | None = None) -> int:
    """Write the computed columns of every step sheet for the rows whose Tahun has a schedule; rows of other years
    keep their values, rows with all entry cells blank are cleared.  One block per sheet.  Returns the number of
    rows written with a schedule.  A year without a row on a step sheet gets none (entry cells are never written).
    ``frozen``: year -> step -> values of a closed cycle (:mod:`lkj_xl.workbook.closing`), written instead of the
    schedule's into that year's first row of the step."""
    frozen = frozen or {}
    written = 0
    blanks = [None] * len(layout.STEP_COMPUTED_HEADERS)
    for step in tracker.sop.steps:
        info = tracker.layout.steps.get(step.number)
        if info is None or not info.rows:
            continue
        block: list[list[Any]] = []
        last = -1
        seen_frozen: set[int] = set()
        for i, ((sheet_row, year, blank), old) in enumerate(zip(info.rows, info.computed)):
            if blank:
                new = list(blanks)
            elif year in frozen and step.number in frozen[year] and year not in seen_frozen:
                seen_frozen.add(year)
                new = (list(frozen[year][step.number]) + list(blanks))[:len(blanks)]
            elif year is not None and year in schedules:
                found = next((s for s in schedules[year].steps if s.step == step.number), None)
                new = computed_values(found) if found is not None else list(blanks)
                written += 1
            else:
                new = list(old)
            block.append(new)
            if not (blank and all(v is None for v in old)) or new != list(old):
                last = i
        block = block[: last + 1]
        if info.table_name is None or not block:
            continue  # no table object: its rows are read, never written
        grown = info.grown_ref()
        if grown is not None and len(block) > len(info.rows) - len(info.absorbed):
            # rows typed right below the table: the table grows over them before they get computed values
            book.resize_table(info.sheet, info.table_name, grown)
        columns = [info.table.column(label) for label in layout.STEP_COMPUTED_HEADERS]
        _write_columns(book, info.sheet, info.table.header_row + 1, columns, block)
    return written


def standard_text(step: Step) -> str:
    """The "Standar Waktu" shown on a step sheet: "2 minggu (10 hari kerja)", "Tanpa standar waktu"."""
    if step.standard is None:
        return f"{step.waktu} (tanpa standar waktu)" if step.waktu and step.waktu.strip("-\u2013 ") else \
            "Tanpa standar waktu"
    described = step.standard.describe()
    if layout.normalize_label(described) == layout.normalize_label(step.waktu):
        return step.waktu
    return f"{step.waktu} ({described})"


def step_header_values(step: Step) -> list[Any]:
    """Values of a step sheet's top block, in ``layout.STEP_HEADER_LABELS`` order."""
    return [step.uraian, step.actor, ", ".join(step.participants) or "-", step.kelengkapan or "-",
            standard_text(step), step.output or "-", step.keterangan or "-"]


def write_step_headers(book: Book, tracker: Tracker) -> None:
    """The top block of each Langkah sheet, from the SOP as read from the SOP sheet (values, one block per sheet,
    into the cells the builder named; see :mod:`lkj_xl.workbook.read_steps`), and its title line while it holds the
    builder's form."""
    from lkj_xl.workbook.read_steps import step_title

    sop = tracker.sop
    for step in sop.steps:
        info = tracker.layout.steps.get(step.number)
        if info is None or info.top_block is None:
            continue
        first, column = info.top_block
        book.write(info.sheet, first, column, [[v] for v in step_header_values(step)])
        title = step_title(step.number, len(sop.steps), sop.nomor, sop.nama)
        if info.title is not None and info.title != title:  # after steps were added or renumbered, the SOP renamed
            book.write(info.sheet, 1, 1, [[title]])


def _holder(tracker: Tracker, schedule: CycleSchedule, current: StepSchedule) -> str:
    for entry in tracker.entries:
        if entry.step == current.step and tracker.key_of(entry.year) == schedule.year and not is_blank(entry.pelaksana):
            return as_text(entry.pelaksana)
    role = layout.normalize_label(current.actor)
    names = [as_text(s.nama) for s in tracker.staff
             if layout.normalize_label(s.jabatan) == role and not is_blank(s.nama)]
    return f"{current.actor} ({', '.join(names)})" if names else current.actor


def _plan_note(tracker: Tracker, schedule: CycleSchedule) -> str:
    """What the projection could not count, else where the durations of steps without a standard came from."""
    from lkj_xl.core.durations import day_minutes, format_working
    from lkj_xl.core.plan import PLAN_HISTORY, PLAN_RENCANA, unplanned_message

    per_day = day_minutes(tracker.settings)
    if schedule.delivered:
        return "-"
    if schedule.unplanned_steps:
        return unplanned_message(schedule.unplanned_steps) + "."
    parts = []
    for s in schedule.steps:
        if s.done or s.planned_minutes is None:
            continue
        if s.plan_source == PLAN_RENCANA:
            try:
                text = tracker.sop.step(s.step).waktu_rencana
            except KeyError:
                text = ""
            parts.append(f"Langkah {s.step}: Waktu Rencana {text or format_working(s.planned_minutes, per_day)}")
        elif s.plan_source == PLAN_HISTORY:
            parts.append(f"Langkah {s.step}: {format_working(s.planned_minutes, per_day)} (median siklus sebelumnya)")
    if not parts:
        return "Semua langkah yang belum selesai punya standar waktu SOP."
    return "Tanpa standar SOP, dihitung dengan " + "; ".join(parts) + "."


def _overdue_text(schedule: CycleSchedule) -> str:
    from lkj_xl.core.durations import format_working  # the one duration style (a 450-minute working day)

    items = [f"Langkah {s.step} ({s.actor}), lewat {format_working(s.late_minutes)} dari batas waktunya"
             for s in schedule.steps if s.step in schedule.overdue_steps]
    return "; ".join(items) if items else "Tidak ada"


def problems_text(errors: int, warnings: int, hint: str = "lihat lembar Masalah") -> str:
    """Beranda's "Masalah data": the counts of the last validation (``hint``: where they are listed)."""
    if not errors and not warnings:
        return "Tidak ada masalah"
    return f"{errors} kesalahan, {warnings} peringatan ({hint})"


def beranda_fields(tracker: Tracker, schedule: CycleSchedule, calendar: WorkingCalendar,
                   problem_counts: tuple[int, int] = (0, 0), closed: Any = None) -> dict[str, Any]:
    """Beranda's value cells by field label (``layout.BERANDA_FIELDS``).  ``problem_counts``: (errors, warnings).
    ``closed``: the cycle's row of Siklus Tertutup (:class:`lkj_xl.workbook.closing.ClosedCycle`), said in the
    "Langkah saat ini" row (no row of its own: the layout stays as it is)."""
    as_of = naive(schedule.as_of)
    deadline = naive(schedule.deadline)
    if deadline is None:
        days_left: Any = "-"
        deadline = NO_DEADLINE_TEXT
    else:
        days_left = calendar.working_days_between(as_of.date(), deadline.date()) if as_of <= deadline else 0
    current = schedule.current
    if current is None:
        step_text, holder, due = "Semua langkah selesai (LKj terkirim)", "-", "-"
        projected = naive(schedule.delivered_at) or naive(schedule.projected_finish)
    else:
        try:
            uraian = tracker.sop.step(current.step).uraian
        except KeyError:
            uraian = ""
        status = STATUS_LABELS.get(current.status, current.status)
        step_text = f"Langkah {current.step} ({status.lower()}): {uraian}" if uraian else \
            f"Langkah {current.step} ({status.lower()})"
        holder = _holder(tracker, schedule, current)
        if current.due is not None:
            due = naive(current.due)
        elif current.status == STATUS_NOT_STARTED:
            due = "Belum mulai"
        else:
            due = "Tanpa standar waktu"
        projected = naive(schedule.projected_finish)
    if closed is not None:
        from lkj_xl.workbook.closing import closed_text

        step_text = f"{step_text}. {closed_text(closed, tracker.settings.timezone)}."
    return {
        layout.B_YEAR: key_label(schedule.year) if isinstance(schedule.year, Period) else schedule.year,
        layout.B_DEADLINE: deadline, layout.B_DAYS_LEFT: days_left,
        layout.B_CURRENT: step_text, layout.B_HOLDER: holder, layout.B_STEP_DUE: due,
        layout.B_OVERALL: CYCLE_LABELS.get(schedule.overall, schedule.overall), layout.B_PROJECTED: projected,
        layout.B_PLAN_NOTE: _plan_note(tracker, schedule), layout.B_OVERDUE: _overdue_text(schedule),
        layout.B_PROBLEMS: problems_text(*problem_counts), layout.B_UPDATED: as_of,
    }


def beranda_values(tracker: Tracker, schedule: CycleSchedule, calendar: WorkingCalendar,
                   problem_counts: tuple[int, int] = (0, 0)) -> list[Any]:
    """Beranda's value cells, in ``layout.BERANDA_FIELDS`` order."""
    fields = beranda_fields(tracker, schedule, calendar, problem_counts)
    return [fields[label] for label in layout.BERANDA_FIELDS]


def write_beranda(book: Book, tracker: Tracker, schedule: CycleSchedule, calendar: WorkingCalendar,
                  problem_counts: tuple[int, int] = (0, 0), closed: Any = None) -> None:
    """The cycle at a glance, in Beranda's value cells, found by their labels (a tracker of an older layout has
    fewer rows: only those are written); the projection's label turns into "Terkirim pada" once delivered."""
    if not book.has_sheet(layout.SHEET_HOME):
        return
    fields = beranda_fields(tracker, schedule, calendar, problem_counts, closed)
    rows = layout.beranda_rows(book.read(layout.SHEET_HOME))
    if not rows:  # labels gone: the current layout's rows
        rows = {label: layout.beranda_row(label) for label in layout.BERANDA_FIELDS}
    by_row = {row: fields[label] for label, row in rows.items()}
    first, last = min(by_row), max(by_row)
    runs = [(first, [by_row[r] for r in range(first, last + 1)])] if last - first + 1 == len(by_row) else \
        [(row, [value]) for row, value in sorted(by_row.items())]
    for row, values in runs:
        book.write(layout.SHEET_HOME, row, layout.BERANDA_VALUE_COLUMN, [[v] for v in values])
        printing.fit_rows(book, layout.SHEET_HOME, row, [[None, v] for v in values], BERANDA_WIDTHS)
    if layout.B_PROJECTED in rows:
        book.write(layout.SHEET_HOME, rows[layout.B_PROJECTED], layout.BERANDA_LABEL_COLUMN,
                   [[layout.B_DELIVERED if schedule.delivered else layout.B_PROJECTED]])


def _last_filled_row(values: Sequence[Sequence[Any]], first_row0: int, width: int) -> int:
    """0-based index of the last row at or after ``first_row0`` with a value in its first ``width`` cells, or
    ``first_row0 - 1``."""
    for r0 in range(len(values) - 1, first_row0 - 1, -1):
        if any(not is_blank(v) for v in values[r0][:width]):
            return r0
    return first_row0 - 1


def problem_rows(tracker: Tracker, problems: Iterable[Any]) -> list[list[Any]]:
    """Masalah rows (``layout.PROBLEM_HEADERS`` order) for :class:`~lkj_xl.core.entries.Problem` items (located
    through ``tracker.cell_of``) or items that already carry ``sheet`` and ``cell`` (``actions.LocatedProblem``)."""
    rows = []
    for problem in problems:
        location = getattr(problem, "location", None)
        if location is not None:
            sheet, address = tracker.cell_of(location)
        else:
            sheet, address = problem.sheet, problem.cell
        level = layout.LEVEL_ERROR if problem.severity == ERROR else layout.LEVEL_WARNING
        values = {layout.M_SHEET: sheet, layout.M_CELL: address, layout.M_LEVEL: level, layout.M_CODE: problem.code,
                  layout.M_MESSAGE: problem.message}
        rows.append([values[label] for label in layout.PROBLEM_HEADERS])
    return rows


def _header_columns(values: Sequence[Sequence[Any]], labels: Sequence[str], fallback: Sequence[str]) -> list[int]:
    """1-based columns of ``labels`` in the sheet's first row; a sheet whose header does not hold them all is taken
    to be laid out as ``fallback`` (an older layout)."""
    header = [layout.normalize_label(v) if isinstance(v, str) else None for v in (values[0] if values else [])]
    found = [header.index(layout.normalize_label(label)) + 1 if layout.normalize_label(label) in header else None
             for label in labels]
    if all(c is not None for c in found):
        return [c for c in found if c is not None]
    return [fallback.index(label) + 1 for label in labels]


def write_problems(book: Book, tracker: Tracker, problems: Iterable[Any], *, checked_at: datetime | None = None,
                   as_of: datetime | None = None) -> int:
    """Replace the Masalah list with ``problems`` (plain text in A:E, by header label; the builder's link column F
    follows), or one "Tidak ada masalah" row; with ``checked_at`` (the real time of the check) and ``as_of``, when it
    was made in H1:I2.  Returns the number of problems written."""
    sheet = layout.SHEET_PROBLEMS
    if not book.has_sheet(sheet):
        return 0
    width = len(layout.PROBLEM_HEADERS)
    values = book.read(sheet)
    columns = _header_columns(values, layout.PROBLEM_HEADERS, layout.PROBLEM_HEADERS_V2)
    rows = problem_rows(tracker, problems)
    shown = rows or [[layout.NO_PROBLEMS] + [None] * (width - 1)]
    old_last = _last_filled_row(values, 1, width)  # 0-based; data starts at row0 1
    count = max(len(shown), old_last)
    block = shown + [[None] * width for _ in range(count - len(shown))]
    _write_columns(book, sheet, 2, columns, block)
    printing.fit_problems(book, shown, count - len(shown))
    # The builder's "Buka" link formulas (column F): what they show for these rows, for a file Excel has not
    # recalculated (IF($B="","",HYPERLINK(...,"Buka"))).
    cell = layout.PROBLEM_HEADERS.index(layout.M_CELL)
    for offset, row in enumerate(block):
        book.set_formula_result(sheet, 2 + offset, layout.PROBLEM_LINK_COLUMN, "Buka" if row[cell] else "")
    if checked_at is not None:
        stamp = [_when(checked_at) + " WIB", _when(as_of) + " WIB" if as_of is not None else None]
        book.write(sheet, 1, layout.PROBLEM_CHECKED_COLUMN, [list(layout.PROBLEM_CHECKED_HEADERS), stamp])
    return len(rows)


def append_history(book: Book, when: datetime, user: str, action: str, detail: str,
                   cap: int = layout.HISTORY_CAP, *, as_of: datetime | None = None) -> None:
    """Add one line to Riwayat, keeping at most ``cap`` newest lines (oldest first).  ``when`` is the real time of
    the action; ``as_of`` the instant it computed for (its own column; in Rincian on a layout-2 sheet)."""
    append_history_lines(book, [[naive(when), user or "", action or "", detail or "",
                                 naive(as_of) if as_of is not None else None]], cap)


def append_history_lines(book: Book, lines: Sequence[Sequence[Any]], cap: int = layout.HISTORY_CAP,
                         *, once: bool = False) -> int:
    """Add ``lines`` ([Waktu, Pengguna, Aksi, Rincian, Keadaan per]; the last may be left out) to Riwayat in one
    block, keeping at most ``cap`` newest lines.  ``once``: a line whose Aksi and Rincian are already on the sheet is
    not added again.  A sheet without the "Keadaan per" column (layout 2) gets it in Rincian: "... (keadaan per
    6 Januari 2026 08.00)".  Returns the lines added."""
    sheet = layout.SHEET_HISTORY
    if not book.has_sheet(sheet) or not lines:
        return 0
    values = book.read(sheet)
    header = {layout.normalize_label(v) for v in (values[0] if values else []) if isinstance(v, str)}
    width = len(layout.HISTORY_HEADERS)
    if layout.normalize_label(layout.R_AS_OF) not in header:
        width -= 1
        lines = [_as_of_in_detail(line) for line in lines]
    old_last = _last_filled_row(values, 1, width)
    kept = [list(row[:width]) + [None] * (width - len(row[:width])) for row in values[1:old_last + 1]]
    kept = [row for row in kept if any(not is_blank(v) for v in row)]
    seen = {(as_text(row[2]), as_text(row[3])) for row in kept}
    added = 0
    for line in lines:
        row = (list(line[:width]) + [None] * width)[:width]
        if isinstance(row[0], datetime):
            row[0] = naive(row[0])
        if once and (as_text(row[2]), as_text(row[3])) in seen:
            continue
        seen.add((as_text(row[2]), as_text(row[3])))
        kept.append(row)
        added += 1
    if not added:
        return 0
    if cap > 0:
        kept = kept[-cap:]
    count = max(len(kept), old_last)
    block = kept + [[None] * width for _ in range(count - len(kept))]
    book.write(sheet, 2, 1, block)
    book.set_print_area(sheet, f"A1:{column_letter(width)}{len(kept) + 1}")
    return added


def _as_of_in_detail(line: Sequence[Any]) -> list[Any]:
    """A Riwayat line for a sheet without "Keadaan per": the as-of, when there is one, at the end of Rincian."""
    line = list(line)
    as_of = line[4] if len(line) > 4 else None
    if isinstance(as_of, datetime):
        detail = as_text(line[3]) if len(line) > 3 else ""
        line[3] = f"{detail} (keadaan per {_when(as_of)})".strip()
    return line[:4]


#: The longest hyperlink address Excel 2016+ follows; a longer prefilled message is replaced by a short one.
MAX_LINK_CHARS = 2079


def reminder_rows(tracker: Tracker, reminders: Sequence[Any], year: int,
                  as_of: datetime) -> list[tuple[list[Any], str | None]]:
    """Beranda's "Pengingat" rows (``layout.REMINDER_HEADERS`` order) with each row's WhatsApp link (None without a
    number): :class:`~lkj_xl.core.reminders.Reminder` items, the message prefilled in Indonesian."""
    from lkj_xl.core.dates import format_datetime_id
    from lkj_xl.core.reminders import format_phone, message_text, status_phrase, whatsapp_link

    rows = []
    for r in reminders:
        try:
            uraian = tracker.sop.step(r.step).uraian
        except KeyError:
            uraian = ""
        holder = f"{r.holder} ({r.actor})" if r.holder else f"{r.actor} (belum ada pegawai dengan jabatan ini)"
        link = whatsapp_link(r.phone, message_text([r], tracker.sop, year, as_of)) if r.phone else None
        if link is not None and len(link) > MAX_LINK_CHARS:
            link = whatsapp_link(r.phone, f"Pengingat LKj {year}: Langkah {r.step} ({r.actor}), {status_phrase(r)}.")
        rows.append(([f"Langkah {r.step}: {uraian}" if uraian else f"Langkah {r.step}", holder,
                      format_datetime_id(naive(r.due)) if r.due is not None else "-", status_phrase(r),
                      format_phone(r.phone) if r.phone else "-", r.email or "-"], link))
    return rows


def write_reminders(book: Book, tracker: Tracker, reminders: Sequence[Any], year: int, as_of: datetime) -> int:
    """The "Pengingat" block of Beranda: title, header, one row per reminder with the WhatsApp number as a cell
    hyperlink to its wa.me link; rows and links of an earlier, longer list are cleared.  Returns the rows written."""
    sheet = layout.SHEET_HOME
    if not book.has_sheet(sheet):
        return 0
    width = len(layout.REMINDER_HEADERS)
    values = book.read(sheet)
    title_row = layout.reminders_title_row(values)  # an older layout has the block higher up
    first = title_row + 2
    old_last = _last_filled_row(values, first - 1, width) + 1  # 1-based; first - 1 when none
    rows = reminder_rows(tracker, reminders, year, as_of)
    block: list[list[Any]] = [
        [layout.REMINDERS_TITLE, f"Keadaan per {_when(as_of)} {tracker.settings.timezone}. Klik nomor WhatsApp untuk membuka pesan yang "
                                 f"sudah terisi di WhatsApp Desktop/Web."] + [None] * (width - 2),
        list(layout.REMINDER_HEADERS)]
    if rows:
        block += [values for values, _ in rows]
    else:
        block.append(["Tidak ada langkah yang perlu diingatkan."] + [None] * (width - 1))
    written_last = title_row + len(block) - 1
    block += [[None] * width for _ in range(max(0, old_last - written_last))]
    book.write(sheet, title_row, 1, block)
    printing.fit_rows(book, sheet, title_row + 1, block[1:], BERANDA_WIDTHS)
    links = {first + i: link for i, (_, link) in enumerate(rows)}
    for row in range(first, max(old_last, first + len(rows) - 1) + 1):
        book.set_hyperlink(sheet, row, layout.REMINDER_LINK_COLUMN, links.get(row))
    return len(rows)


def _when(value: datetime) -> str:
    from lkj_xl.core.dates import format_datetime_id

    return format_datetime_id(naive(value))
