"""The cells a renumbering of steps changes in the tables people type step numbers into.

When the admin renumbers steps in ``tblSOP`` (a step inserted, taken out or moved), ``lkj sop terapkan`` moves each
step sheet with its entries to the step's new number (``targets``: old step number -> new step number, the
:attr:`lkj_xl.authoring.sop_apply.Structure.targets` of the change).  Two tables beside the step sheets name steps
by number too, typed under the old numbering, and must follow:

* the flow table ``tblAlurSOP`` on the SOP sheet: each row's own step number (column "Langkah"), a decision's branch
  targets (column "Cabang", ``"Ya: 5; Tidak: 3"``) and the steps sharing one Waktu (column "Waktu Bersama",
  ``"4-6"``);
* the ``tblEvaluasi`` table on Evaluasi: column "No" of each row of Bagian "Langkah" (a "Kriteria" row's No is a
  criterion's number, never a step's).

:func:`renumber_cells` returns exactly the cell changes that implies, as (sheet, row, column, old value, new value),
and located warnings for what it does not guess about.  It is pure and engine-neutral: it reads the tracker as read
(:class:`lkj_xl.workbook.reader.Tracker`) and the SOP sheet's values through the :class:`~lkj_xl.workbook.book.Book`
it was read from, and writes nothing.  Whoever saves the new structure writes each change's ``new`` into its cell
(values only; the cell keeps its format) and proves the rest unchanged.

What is a step number, and what changes:

* only a cell whose value *is* a step number: an ``int``, a whole ``float`` or a text of digits (``"3"``, kept as
  text: ``"4"``); the new value keeps the old one's type and, in text, its spacing.  A blank cell, a text such as
  "lihat langkah 3", a formula, a Tahun (2025) or a number that names no step sheet of the change is left alone;
* a branch text is changed in its targets only (labels, separators and ``?`` stay as typed); a Waktu Bersama
  written as a range ("4-6", "4 s.d. 6") stays a range when the steps still follow each other, else it is written
  as a list ("4, 6, 7");
* a step whose sheet the change takes away (``removed``): its own flow row's number is emptied (its symbol and
  branch stay, read by no step; the number is going to another step), and a branch, a Waktu Bersama or an
  Evaluasi row naming it is a :class:`RenumberWarning` at its cell, never renumbered to a guess;
* an Evaluasi "Langkah" row whose Prosedur text is the Uraian tblSOP now gives its number (and not the one the
  step sheet of that number was built for) was already renumbered by a person: left alone, with a warning;
* an Evaluasi row with a moved step's number but no readable Bagian: a warning, left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from lkj_xl.core.values import as_int, as_text, is_blank, normalize_label
from lkj_xl.workbook import layout
from lkj_xl.workbook.book import Book, cell_address
from lkj_xl.workbook.tables import table_values


@dataclass(frozen=True)
class CellChange:
    """One cell to write: ``old`` is what it holds as read, ``new`` what it must hold (``None``: empty it)."""

    sheet: str
    row: int
    column: int
    old: Any
    new: Any
    #: which table and column, in Indonesian ("tblAlurSOP, Cabang")
    what: str = ""

    @property
    def address(self) -> str:
        return cell_address(self.row, self.column)

    @property
    def place(self) -> str:
        """``"SOP!O22"``."""
        return f"{self.sheet}!{self.address}"

    def describe(self) -> str:
        """Indonesian, for a summary: ``SOP!O22 (tblAlurSOP, Cabang): "Ya: 5; Tidak: 3" -> "Ya: 6; Tidak: 4"``."""
        return f"{self.place} ({self.what}): {_shown(self.old)} -> {_shown(self.new)}"


@dataclass(frozen=True)
class RenumberWarning:
    """A cell naming a step the renumbering cannot carry (a step taken away, an unclear row), left as it is."""

    sheet: str
    row: int
    column: int
    message: str  # Indonesian, names the cell

    @property
    def place(self) -> str:
        return f"{self.sheet}!{cell_address(self.row, self.column)}"


@dataclass(frozen=True)
class Renumbering:
    changes: tuple[CellChange, ...] = ()
    warnings: tuple[RenumberWarning, ...] = ()

    def expected(self) -> dict[tuple[str, str], Any]:
        """(sheet, address) -> the value the cell must hold after the change."""
        return {(c.sheet, c.address): c.new for c in self.changes}

    def on(self, sheet: str) -> list[CellChange]:
        return [c for c in self.changes if c.sheet == sheet]


def _shown(value: Any) -> str:
    return "(kosong)" if is_blank(value) else f"\"{value}\"" if isinstance(value, str) else str(as_int(value) or value)


def _number(value: Any) -> int | None:
    """A step number as typed (7, 7.0, "7"), None for anything else (blank, a formula, text, a fraction)."""
    return as_int(value)


def _retyped(old: Any, new: int) -> Any:
    """``new`` in the old value's type: an int, a float, or the text with its digits replaced."""
    if isinstance(old, str):
        return re.sub(r"\d+", str(new), old, count=1)
    if isinstance(old, float):
        return float(new)
    return new


def renumber_cells(book: Book, tracker: Any, targets: Mapping[int, int], removed: Iterable[int] = ()) -> Renumbering:
    """The cell changes renumbering ``targets`` (old step number -> new; a step not in it keeps its number unless
    it is in ``removed``, the steps whose sheets the change takes away) implies in tblAlurSOP and tblEvaluasi of the
    tracker read from ``book``, and the warnings for what it leaves alone.  Empty when no step changes its number
    and none is taken away."""
    moved = {old: new for old, new in targets.items() if old != new}
    gone = set(removed) - set(targets)
    if not moved and not gone:
        return Renumbering()
    changes: list[CellChange] = []
    warnings: list[RenumberWarning] = []
    _flow(book, tracker, moved, gone, changes, warnings)
    _evaluation(tracker, moved, gone, changes, warnings)
    return Renumbering(tuple(changes), tuple(warnings))


def _flow(book: Book, tracker: Any, moved: dict[int, int], gone: set[int], changes: list[CellChange],
          warnings: list[RenumberWarning]) -> None:
    pos = tracker.layout.flow_table
    if pos is None or not book.has_sheet(layout.SHEET_SOP):
        return
    sheet = layout.SHEET_SOP
    values = book.read(sheet)
    table = layout.FLOW_TABLE_NAME
    for index, data, blank in table_values(values, pos, layout.FLOW_HEADERS):
        if blank:
            continue
        row = pos.sheet_row(index)
        raw = data.get(layout.A_STEP)
        own = _number(raw)
        column = pos.columns[layout.A_STEP]
        if own in moved:
            changes.append(CellChange(sheet, row, column, raw, _retyped(raw, moved[own]), f"{table}, {layout.A_STEP}"))
        elif own in gone:
            changes.append(CellChange(sheet, row, column, raw, None,
                                      f"{table}, {layout.A_STEP}; langkah {own} dihapus"))
        name = f"langkah {own}" if own is not None else f"baris {row}"
        column = pos.columns.get(layout.A_BRANCHES)
        if column is not None and not is_blank(data.get(layout.A_BRANCHES)):
            text = data[layout.A_BRANCHES]
            new, missing = _branches(str(text), moved, gone)
            where = f"{sheet}!{cell_address(row, column)}"
            for number in missing:
                warnings.append(RenumberWarning(sheet, row, column, (
                    f"{where} ({table}, {layout.A_BRANCHES} {name}): cabang menuju langkah {number}, yang dihapus "
                    f"dari tabel langkah SOP; tidak diubah. Tulis langkah tujuan yang benar (atau \"?\") di sel "
                    f"itu.")))
            if new != str(text) and isinstance(text, str):
                changes.append(CellChange(sheet, row, column, text, new, f"{table}, {layout.A_BRANCHES}"))
        column = pos.columns.get(layout.A_GROUP)
        if column is not None and not is_blank(data.get(layout.A_GROUP)):
            text = data[layout.A_GROUP]
            new, missing = _group(text, moved, gone)
            where = f"{sheet}!{cell_address(row, column)}"
            for number in missing:
                warnings.append(RenumberWarning(sheet, row, column, (
                    f"{where} ({table}, {layout.A_GROUP} {name}): langkah {number} yang dihapus ikut di dalamnya; "
                    f"tidak diubah. Tulis ulang langkah-langkah yang berbagi Waktu itu.")))
            if new is not None and new != text:
                changes.append(CellChange(sheet, row, column, text, new, f"{table}, {layout.A_GROUP}"))


_BRANCH_SPLIT = re.compile(r"([;\n])")


def _branches(text: str, moved: Mapping[int, int], gone: set[int]) -> tuple[str, list[int]]:
    """The branch text with each target of a moved step renumbered (everything else as typed), and the targets that
    name a step taken away.  A part that does not read as "label: number" is left as typed (the reader reports
    it)."""
    missing: list[int] = []
    parts = _BRANCH_SPLIT.split(text)
    for i in range(0, len(parts), 2):
        part = parts[i]
        label, sep, target = part.rpartition(":")
        if not sep or not target.strip().isdigit():
            continue
        number = int(target.strip())
        if number in gone:
            missing.append(number)
        elif number in moved:
            parts[i] = label + sep + re.sub(r"\d+", str(moved[number]), target, count=1)
    return "".join(parts), missing


_RANGE = re.compile(r"^(\s*)(\d+)(\s*(?:[-\u2013\u2014]|s\.?\s*d\.?|sampai)\s*)(\d+)(\s*)$", re.IGNORECASE)


def _group(text: Any, moved: Mapping[int, int], gone: set[int]) -> tuple[Any, list[int]]:
    """The Waktu Bersama cell renumbered (None when it does not read as step numbers: the reader reports it), and
    the steps in it taken away."""
    from lkj_xl.core.errors import ParseError
    from lkj_xl.core.sop import format_group, parse_group

    try:
        group = parse_group(text)
    except ParseError:
        return None, []
    missing = [n for n in group if n in gone]
    if missing or not any(n in moved for n in group):
        return text, missing
    mapped = tuple(moved.get(n, n) for n in group)
    match = _RANGE.match(str(text))
    if match and list(mapped) == list(range(mapped[0], mapped[0] + len(mapped))):
        lead, _first, between, _last, trail = match.groups()
        return f"{lead}{mapped[0]}{between}{mapped[-1]}{trail}", []
    if isinstance(text, (int, float)):
        return text, []
    return format_group(mapped), []


def _evaluation(tracker: Any, moved: dict[int, int], gone: set[int], changes: list[CellChange],
                warnings: list[RenumberWarning]) -> None:
    from lkj_xl.core.evaluation import PART_STEP

    pos = tracker.layout.evaluation_table
    if pos is None or layout.V_NO not in pos.columns:
        return
    sheet, table, column = pos.sheet, layout.EVALUATION_TABLE_NAME, pos.columns[layout.V_NO]
    now = {step.number: normalize_label(step.uraian) for step in tracker.sop.steps}
    built = {n: normalize_label(p.built_for) for n, p in tracker.layout.steps.items() if p.built_for}
    built.update({n: normalize_label(t) for n, t in tracker.layout.unlisted_steps.items() if t})
    step_part = normalize_label(PART_STEP)
    for entry in tracker.evaluations:
        number = _number(entry.number)
        if number not in moved and number not in gone:
            continue
        row = pos.sheet_row(entry.row)
        where = f"{sheet}!{cell_address(row, column)} ({table}, {layout.V_NO})"
        part = normalize_label(as_text(entry.part))
        if part != step_part:
            if part not in ("langkah", "kriteria"):
                warnings.append(RenumberWarning(sheet, row, column, (
                    f"{where}: No {number} pada baris dengan Bagian \"{as_text(entry.part)}\" (bukan \"Langkah\" atau "
                    f"\"Kriteria\"); tidak diubah. Bila baris itu menilai langkah {number} lama, tulis Bagian "
                    f"\"Langkah\" dan nomor barunya.")))
            continue
        if number in gone:
            warnings.append(RenumberWarning(sheet, row, column, (
                f"{where}: menilai langkah {number}, yang dihapus dari tabel langkah SOP; tidak diubah. Hapus baris "
                f"itu atau ubah No-nya; bila nomor {number} kini dipakai langkah lain, penilaian itu terbaca untuk "
                f"langkah tersebut.")))
            continue
        text = normalize_label(as_text(entry.text))
        if text and text == now.get(number) and text != built.get(number):
            warnings.append(RenumberWarning(sheet, row, column, (
                f"{where}: No {number} sudah sesuai uraian langkah {number} yang baru (\"{_short(entry.text)}\"), "
                f"jadi tidak diubah lagi. Periksa baris itu.")))
            continue
        changes.append(CellChange(sheet, row, column, entry.number, _retyped(entry.number, moved[number]),
                                  f"{table}, {layout.V_NO}"))


class RenumberedBook(Book):
    """``book`` as it reads once ``changes`` are written (values only; nothing is written to ``book``): reading the
    tracker through it gives what the tracker must read as after the renumbering, for a proof to compare with."""

    def __init__(self, book: Book, changes: Iterable[CellChange]) -> None:
        self._book = book
        self._changes = tuple(changes)
        self.name = book.name

    def __getattr__(self, name: str) -> Any:  # date1904, workbook...: the book's own
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._book, name)

    def sheet_names(self) -> list[str]:
        return self._book.sheet_names()

    def read(self, sheet: str) -> list[list[Any]]:
        values = [list(row) for row in self._book.read(sheet)]
        width = max((len(row) for row in values), default=0)
        for change in self._changes:
            if change.sheet != sheet:
                continue
            while len(values) < change.row:
                values.append([None] * width)
            row = values[change.row - 1]
            row.extend([None] * (change.column - len(row)))
            row[change.column - 1] = change.new
        return values

    def write(self, sheet: str, row: int, column: int, values: Any) -> None:
        raise TypeError("RenumberedBook is read-only")

    def tables(self, sheet: str) -> dict[str, str]:
        return self._book.tables(sheet)

    def defined_name(self, name: str) -> str | None:
        return self._book.defined_name(name)


def _short(text: Any, size: int = 50) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= size else text[:size - 3] + "..."


__all__ = ["CellChange", "RenumberWarning", "RenumberedBook", "Renumbering", "renumber_cells"]
