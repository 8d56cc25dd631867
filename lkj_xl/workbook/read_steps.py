"""Reading the step sheets ("Langkah N"): the entries people typed, and exactly which cells the engine may write.

A step sheet's entries live in its table object (``tblLangkahN``): the rows inside the table's ``ref`` are the
entry rows, and the computed columns are the table columns with the computed headers, *inside* that ref.  Nothing is
found by searching for a label where the engine writes: a column a person added beside the table with the header
"Status", or a sign-off block typed below it, is never a computed cell.

Rows typed right below the table (Excel grows a table as people type; LibreOffice and scripts do not) are taken
into it when their Tahun is filled: the table grows over them (an allowed edit) and they are computed.  A Tahun
typed further down, after a gap, is a located problem: never silently skipped and never written.

The top block (the step's uraian, pelaksana, standard...) is written through the defined name the builder made
(``layout.step_top_name``); in a tracker made before those names, only where column A holds exactly the labels
the builder wrote there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Sequence

from lkj_xl.core.entries import AREA_BOOK, AREA_CELL, AREA_SOP, ERROR, WARNING, Location, StepEntry
from lkj_xl.core.errors import ParseError
from lkj_xl.core.periods import TAHUNAN
from lkj_xl.core.sop import Sop
from lkj_xl.core.validation import YEAR_MAX, YEAR_MIN
from lkj_xl.core.values import as_int, is_blank, normalize_label
from lkj_xl.workbook import layout
from lkj_xl.workbook.book import cell_address, parse_range, parse_reference
from lkj_xl.workbook.tables import TablePos


@dataclass(frozen=True)
class StepSheetPos:
    """A step sheet as read: where its entries are and which of its cells the engine owns."""

    table: TablePos  # header row, and the sheet column of each layout label inside the table
    #: the table object holding the entries; None when none was found (entries read by their headers, nothing
    #: written on this sheet's table)
    table_name: str | None
    #: (sheet row, year or None, entry cells all blank) per table row, then per row typed right below the table
    rows: tuple[tuple[int, int | None, bool], ...]
    #: rows typed right below the table with a Tahun: the table grows over them when the engine writes
    absorbed: tuple[int, ...]
    #: computed cells as read, per row of ``rows``, in ``STEP_COMPUTED_HEADERS`` order
    computed: tuple[tuple[Any, ...], ...]
    #: (first row, column) of the top block's value cells (``STEP_HEADER_LABELS`` order), None when not known
    top_block: tuple[int, int] | None = None
    #: the table's first and last column (of its ref)
    span: tuple[int, int] = (1, 1)
    #: the Uraian the top block holds (what the sheet was built or last refreshed for), None when blank or not found
    built_for: str | None = None
    #: A1's title line when it holds the builder's form (the engine refreshes it); None: a person's text, or none
    title: str | None = None

    @property
    def sheet(self) -> str:
        return self.table.sheet

    @property
    def last_row(self) -> int:
        """The table's last row once it has grown over the absorbed rows."""
        return self.rows[-1][0] if self.rows else self.table.header_row

    def grown_ref(self) -> str | None:
        """The table's ref after growing over the absorbed rows (None when nothing is absorbed)."""
        if not self.absorbed:
            return None
        return f"{cell_address(self.table.header_row, self.span[0])}:{cell_address(self.last_row, self.span[1])}"


_STEP_LABELS = {normalize_label(label): label for label in layout.STEP_HEADERS}
# "Periode" (a non-yearly SOP's key column, layout version 3) reads into the same field as "Tahun".
_STEP_LABELS[normalize_label(layout.F_PERIOD)] = layout.F_YEAR
_REQUIRED = (layout.F_YEAR, layout.F_RECEIVED, layout.F_COMPLETED)


def _kind(reader: Any) -> str:
    """The tracker's period kind (Pengaturan is read before the step sheets)."""
    return getattr(reader, "period_kind", TAHUNAN)


def _shown(reader: Any, label: str) -> str:
    """A column's header as the tracker should have it: the key column is "Periode" for a non-yearly SOP."""
    return layout.key_header(_kind(reader)) if label == layout.F_YEAR else label


def _table_ref(reader: Any, sheet: str, values: Sequence[Sequence[Any]], number: int
               ) -> tuple[str, tuple[int, int, int, int]] | None:
    """The step table object: ``tblLangkahN`` by name, else the table whose header row holds Tahun, Diterima and
    Selesai (a person renamed it)."""
    tables = reader.book.tables(sheet)
    own = layout.step_table(number)
    for name, ref in ([(own, tables[own])] if own in tables else []) + sorted(tables.items()):
        try:
            bounds = parse_range(ref)
        except ValueError:
            continue
        if name == own:
            return name, bounds  # its missing columns are reported by name
        header = values[bounds[0] - 1] if bounds[0] - 1 < len(values) else []
        labels = {_STEP_LABELS.get(normalize_label(v)) for v in header[bounds[1] - 1:bounds[3]]}
        if all(label in labels for label in _REQUIRED):
            return name, bounds
    return None


def _columns(values: Sequence[Sequence[Any]], header_row: int, first: int, last: int) -> dict[str, int]:
    header = values[header_row - 1] if header_row - 1 < len(values) else []
    columns: dict[str, int] = {}
    for column in range(first, last + 1):
        value = header[column - 1] if column - 1 < len(header) else None
        label = _STEP_LABELS.get(normalize_label(value)) if isinstance(value, str) else None
        if label is not None and label not in columns:
            columns[label] = column
    return columns


def _top_block(reader: Any, sheet: str, values: Sequence[Sequence[Any]], number: int) -> tuple[int, int] | None:
    count = len(layout.STEP_HEADER_LABELS)
    reference = reader.book.defined_name(layout.step_top_name(number))
    if reference is not None:
        found = parse_reference(reference)
        if found is not None:
            target, (r1, c1, r2, c2) = found
            if target == sheet and c1 == c2 and r2 - r1 + 1 == count:
                return r1, c1
    # A tracker made before the names: the builder's own rows, recognised by their labels in column A.
    first = layout.STEP_HEADER_FIRST_ROW
    labels = [values[r - 1][0] if r - 1 < len(values) and values[r - 1] else None for r in range(first, first + count)]
    if [normalize_label(v) for v in labels] == [normalize_label(v) for v in layout.STEP_HEADER_LABELS]:
        return first, 2
    return None


#: Serial 0 of Excel's 1904 date system (Mac Excel's old default, still a workbook option).
_EPOCH_1904 = datetime(1904, 1, 1)
_DATE_LABELS = (layout.F_RECEIVED, layout.F_COMPLETED)


def date_in_epoch(value: Any, date1904: bool) -> Any:
    """A bare number in a date cell (a date whose cell lost its date format) as the date it means in the workbook's
    own date system.  Cells with a date format come from the engine as datetimes already; in the 1900 system the
    core reads the number itself (:func:`lkj_xl.core.dates.excel_serial_to_datetime`).  A number no date can be is
    left as it is, for the core's message."""
    if not date1904 or isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 2_950_000:
        return value
    days = int(value)
    return _EPOCH_1904 + timedelta(days=days, seconds=round((value - days) * 86400))


def _key_of(reader: Any, value: Any) -> Any:
    """The cycle key of a key cell (a year, or a Period), None when blank or unreadable."""
    kind = _kind(reader)
    if kind == TAHUNAN:
        return as_int(value)
    from lkj_xl.core.period_text import parse_period  # a non-yearly SOP only

    try:
        return parse_period(kind, value, (YEAR_MIN, YEAR_MAX))
    except ParseError:
        return None


def _is_key(reader: Any, value: Any) -> bool:
    """A key cell worth reporting when typed below a table after a gap."""
    if _kind(reader) != TAHUNAN:
        return _key_of(reader, value) is not None
    year = as_int(value)
    return year is not None and YEAR_MIN <= year <= YEAR_MAX


def read_step_sheet(reader: Any, number: int, values: list[list[Any]]) -> tuple[StepSheetPos | None, list[StepEntry]]:
    """One step sheet: its position record and its non-blank entry rows."""
    sheet = layout.step_sheet(number)
    found = _table_ref(reader, sheet, values, number)
    if found is not None:
        name, (header_row, first_col, last_row, last_col) = found
        columns = _columns(values, header_row, first_col, last_col)
        for label in layout.STEP_HEADERS:
            if label not in columns and label in layout.STEP_OPTIONAL:
                note = f"kolom \"{label}\" lembar Langkah"
                if note not in reader.outdated:
                    reader.outdated.append(note)
            elif label not in columns:
                severity = ERROR if label in _REQUIRED else WARNING
                shown = _shown(reader, label)
                reader.problem(Location(AREA_BOOK, sheet, label), severity, "kolom_tidak_ada",
                               f"Kolom \"{shown}\" tidak ditemukan pada tabel {name} di lembar \"{sheet}\" (baris "
                               f"judul {header_row}). Kembalikan judul kolom itu persis \"{shown}\".")
    else:
        # No table object: read the entries by their headers so validation still works, but write nothing here.
        name, first_col = None, 1
        key = layout.key_header(_kind(reader))
        pos = reader.table(sheet, values, layout.step_headers(_kind(reader)), (key,) + _REQUIRED[1:], 3,
                           f"langkah {number}", layout.STEP_OPTIONAL)
        if pos is None:
            return None, []
        header_row, columns = pos.header_row, dict(pos.columns)
        if key != layout.F_YEAR and key in columns:
            columns[layout.F_YEAR] = columns.pop(key)
        last_row = header_row + 1
        last_col = max(columns.values())
        reader.problem(Location(AREA_BOOK, sheet), ERROR, "tabel_langkah_tidak_ada",
                       f"Tabel {layout.step_table(number)} (tabel Excel) tidak ditemukan pada lembar \"{sheet}\": "
                       f"isian dibaca dari judul kolom di baris {header_row}, tetapi kolom yang dihitung otomatis "
                       f"tidak diisi. Jadikan kembali tabel (Sisipkan > Tabel, mulai dari baris judul) atau jalankan "
                       f"`lkj upgrade`.")
    table = TablePos(sheet, header_row, columns)
    year_col = columns.get(layout.F_YEAR)
    entry_cols = [(label, columns.get(label)) for label in layout.STEP_ENTRY_HEADERS]
    computed_cols = [columns.get(label) for label in layout.STEP_COMPUTED_HEADERS]

    def cell(row: int, column: int | None) -> Any:
        if column is None or row - 1 >= len(values):
            return None
        line = values[row - 1]
        return line[column - 1] if column - 1 < len(line) else None

    data_rows = list(range(header_row + 1, last_row + 1))
    absorbed: list[int] = []
    if name is not None:
        row = last_row + 1
        while year_col is not None and not is_blank(cell(row, year_col)):
            absorbed.append(row)
            row += 1
        for stray in range(row, len(values) + 1):
            if _is_key(reader, cell(stray, year_col)):
                address = cell_address(stray, year_col)
                what = _key_of(reader, cell(stray, year_col))
                reader.problem(Location(AREA_CELL, (sheet, address)), WARNING, "baris_di_luar_tabel",
                               f"{_shown(reader, layout.F_YEAR)} {what} di {sheet}!{address} berada di luar tabel "
                               f"{name} (ada baris kosong di antaranya), sehingga baris itu tidak dibaca dan tidak "
                               f"dihitung. Pindahkan isiannya ke baris tepat di bawah tabel.")
    elif year_col is not None:
        # Without a table object every row below the header with a value counts, as before the table objects.
        data_rows = list(range(header_row + 1, max(len(values), header_row) + 1))

    rows: list[tuple[int, int | None, bool]] = []
    computed: list[tuple[Any, ...]] = []
    entries: list[StepEntry] = []
    date1904 = bool(getattr(reader.book, "date1904", False))
    for index, sheet_row in enumerate(data_rows + absorbed):
        data = {label: cell(sheet_row, column) for label, column in entry_cols if column is not None}
        for label in _DATE_LABELS:
            if label in data:
                data[label] = date_in_epoch(data[label], date1904)
        blank = all(is_blank(v) for v in data.values())
        rows.append((sheet_row, _key_of(reader, data.get(layout.F_YEAR)), blank))
        computed.append(tuple(cell(sheet_row, c) for c in computed_cols))
        if not blank:
            entries.append(StepEntry(number, index, **{layout.STEP_ATTRIBUTES[k]: v for k, v in data.items()}))
    top = _top_block(reader, sheet, values, number)
    pos = StepSheetPos(table, name, tuple(rows), tuple(absorbed), tuple(computed), top, (first_col, last_col),
                       _built_for(values, top), _title(values))
    return pos, entries


def step_title(number: int, total: int, nomor: str, nama: str) -> str:
    """A step sheet's title line (A1), as the builder writes it and refresh keeps it: "Langkah 4 dari 9 - SOP ..."."""
    return f"Langkah {number} dari {total} - SOP {nomor} {nama}"


def is_step_title(value: object) -> bool:
    """Whether a cell holds a title in the builder's form (any number, count or SOP): the engine's to refresh; any
    other text there is a person's."""
    if not isinstance(value, str) or not value.startswith("Langkah "):
        return False
    number, _, rest = value[len("Langkah "):].partition(" dari ")
    total, _, sop = rest.partition(" - SOP ")
    return number.isdigit() and total.isdigit() and bool(sop)


def _terapkan(reader: Any) -> str:
    """The command that applies a change of structure, naming the workbook when its name is known."""
    name = getattr(reader.book, "name", "") or "<nama berkas>"
    return f"`lkj sop terapkan {chr(34) + name + chr(34) if ' ' in name else name}`"


def _title(values: Sequence[Sequence[Any]]) -> str | None:
    first = values[0][0] if values and values[0] else None
    return first if is_step_title(first) else None


def _built_for(values: Sequence[Sequence[Any]], top: tuple[int, int] | None) -> str | None:
    if top is None or top[0] - 1 >= len(values) or top[1] - 1 >= len(values[top[0] - 1]):
        return None
    text = values[top[0] - 1][top[1] - 1]
    return None if is_blank(text) else str(text)


def moved_sheets(sop: Sop, built: dict[int, str | None]) -> dict[int, int]:
    """Step sheets built for a step that tblSOP now numbers differently: sheet number -> the step number whose
    Uraian its top block holds (``built``: sheet number -> that Uraian; only where it belongs to exactly one step of
    tblSOP and is not its own step's).  Steps are known by their number, so such a sheet's entries would silently
    count for another step.  The whole reading (a renumbering with a rewording too) is
    :func:`lkj_xl.workbook.step_moves.read_moves`."""
    from lkj_xl.workbook.step_moves import read_moves

    return read_moves(sop, built, compare=False).exact


def _short(text: Any, size: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= size else text[:size - 3] + "..."


def read_steps(reader: Any, positions: dict[str, Any], sop: Sop) -> list[StepEntry]:
    entries: list[StepEntry] = []
    steps: dict[int, StepSheetPos] = {}
    in_table = positions.get("sop_rows") or {}
    for step in sop.steps:
        sheet = layout.step_sheet(step.number)
        if sheet not in reader.sheets and step.number in in_table:
            # a step the admin added to tblSOP: a change of structure, which refresh does not make
            reader.problem(Location(AREA_SOP, step.number, layout.S_NO), ERROR, "struktur_sop_berubah",
                           f"Lembar \"{sheet}\" tidak ditemukan, padahal langkah {step.number} ada di tabel langkah "
                           f"SOP. Bila langkah itu baru ditambahkan, terapkan perubahan susunan langkah dengan perintah "
                           f"{_terapkan(reader)} (menambah lembar, tabel dan baris Laporan; isian lain "
                           f"tidak berubah). Bila lembar itu terhapus atau namanya diganti, kembalikan namanya atau "
                           f"pulihkan cadangan (`lkj restore`)." + reader._unknown_sheets_hint())
            continue
        values = reader.sheet(sheet)
        if values is None:
            continue
        pos, found = read_step_sheet(reader, step.number, values)
        if pos is not None:
            steps[step.number] = pos
            entries += found
    numbers = {step.number for step in sop.steps}
    unlisted: dict[int, str | None] = {}
    for name in reader.sheets:
        number = layout.step_of_sheet(name)
        if number is not None and number not in numbers and in_table:
            values = reader.sheet(name)
            unlisted[number] = _built_for(values, _top_block(reader, name, values, number)) if values else None
    positions["unlisted_steps"] = unlisted
    from lkj_xl.workbook.step_moves import followed_text, read_moves, unclear_text

    # the same reading `lkj sop terapkan` applies (structure_of): exact, followed by likeness, unclear
    moves = read_moves(sop, {n: p.built_for for n, p in steps.items()} | unlisted, compare=bool(in_table))
    moved = {n: now for n, now in moves.exact.items() if n in steps}
    for number, found in sorted(moves.followed.items()):
        if found.step == number:
            continue  # an edit of its own step's Uraian
        sheet = layout.step_sheet(number)
        where = Location(AREA_SOP, number, layout.S_NO) if number in steps else Location(AREA_BOOK, sheet)
        reader.problem(where, ERROR, "struktur_sop_berubah",
                       f"Nomor dan uraian langkah berubah: {followed_text(sheet, found)}. Jalankan {_terapkan(reader)} "
                       f"untuk memindahkan lembar itu beserta isiannya ke langkah {found.step}; bila "
                       f"bukan itu maksudnya, kembalikan nomor atau uraiannya di tabel langkah SOP. Kotak atas lembar "
                       f"itu tidak diperbarui sampai saat itu.")
        if number in steps:
            steps[number] = replace(steps[number], top_block=None, title=None)
    for number, found in moves.unclear.items():
        sheet = layout.step_sheet(number)
        where = Location(AREA_SOP, number, layout.S_NO) if number in steps else Location(AREA_BOOK, sheet)
        reader.problem(where, ERROR, "struktur_sop_berubah", unclear_text(sheet, found)
                       + " Kotak atas lembar itu tidak diperbarui sampai saat itu.")
        if number in steps:
            steps[number] = replace(steps[number], top_block=None, title=None)
    for number, now in sorted(moved.items()):
        sheet = layout.step_sheet(number)
        reader.problem(Location(AREA_SOP, number, layout.S_NO), ERROR, "struktur_sop_berubah",
                       f"Lembar \"{sheet}\" dibuat untuk langkah yang di tabel langkah SOP kini bernomor {now} "
                       f"(\"{_short(steps[number].built_for)}\"), padahal langkah dikenali dari nomornya: urutan atau "
                       f"nomor langkah berubah, dan isian lembar itu akan terhitung untuk langkah {number} yang lain. "
                       f"Jalankan {_terapkan(reader)} untuk memindahkan setiap lembar beserta isiannya ke "
                       f"nomor langkahnya yang baru, atau kembalikan nomor langkah di tabel langkah SOP. Kotak atas "
                       f"lembar itu tidak diperbarui sampai saat itu.")
        # the top block is the evidence of what the sheet was built for: refresh must not overwrite it
        steps[number] = replace(steps[number], top_block=None, title=None)
    rows = sorted((row, number) for number, row in in_table.items())
    for (row_a, a), (row_b, b) in zip(rows, rows[1:]):
        if b < a:
            reader.problem(Location(AREA_SOP, b, layout.S_NO), ERROR, "struktur_sop_berubah",
                           f"Nomor langkah di tabel langkah SOP tidak berurutan: langkah {a} (baris {row_a}) berada "
                           f"di atas langkah {b} (baris {row_b}). Langkah dikenali dari nomornya, jadi memindahkan "
                           f"baris tidak mengubah urutan langkah. Bila urutan langkah memang berubah, beri nomor baru "
                           f"sesuai urutan lalu jalankan {_terapkan(reader)} (setiap lembar dipindahkan "
                           f"beserta isiannya); bila tidak, urutkan kembali barisnya menurut nomor.")
            break
    positions["steps"] = steps
    if in_table:
        for name in reader.sheets:
            number = layout.step_of_sheet(name)
            if number is not None and number not in numbers:
                reader.problem(Location(AREA_BOOK, name), WARNING, "struktur_sop_berubah",
                               f"Lembar \"{name}\" tidak ada lagi di tabel langkah SOP, jadi isiannya tidak dibaca. "
                               f"Bila langkah {number} memang dihapus, jalankan {_terapkan(reader)} "
                               f"(lembar yang masih berisi isian tidak dihapus); bila tidak, kembalikan barisnya di "
                               f"tabel langkah SOP.")
    return entries


__all__ = ["StepSheetPos", "moved_sheets", "read_step_sheet", "read_steps"]
