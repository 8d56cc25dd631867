"""``lkj sop terapkan PATH``: bring the tracker's structure in line with its SOP table after the admin added or
removed steps in ``tblSOP`` (a change of structure, which refresh and the ribbon only report).

What it does, under the ``lkj`` lock and through the safe replace (:func:`lkj_xl.files.backups.atomic_write`: not
while Excel has the file open, the previous version to ``Cadangan LKj``, one atomic rename):

* a step in ``tblSOP`` without its ``Langkah N`` sheet gets the sheet, its table ``tblLangkahN`` with the year's row,
  and its rows on Laporan (the report template is made for the new number of steps);
* the sheet of a step no longer in ``tblSOP`` is taken away only when its table holds no entry; a sheet that holds
  entries is never deleted, renamed or shifted: the command refuses, naming the sheet and what to do;
* everything else is carried as ``lkj upgrade`` carries it (the same code: every entry with its comment and format,
  cells typed outside the tables, rich text, Pegawai, SOP, Pengaturan, Hari Libur, Riwayat, sheets and columns a
  person added), and then proved: the new file, read back, has the same settings, SOP, holidays, staff and every
  entry of every step as the old one, and :func:`lkj_xl.authoring.sop_apply_proof.rebuild_differences` compares the
  two packages part by part and every sheet a person uses cell by cell (what it covers is in that module; the
  rebuild is an openpyxl round trip, so it proves what the parts hold, not their bytes).  Otherwise nothing is
  written.

Steps are known by their number (``Langkah N`` is step N), and each step sheet's top block holds the Uraian it was
built (or last refreshed) for.  When the admin renumbers steps in ``tblSOP`` (a step inserted, taken out or moved),
a sheet whose Uraian now belongs to exactly one other number is moved there with every entry, note and comment
(:func:`lkj_xl.workbook.read_steps.moved_sheets`; refresh reports it and leaves that top block alone).  What it does
not guess about is refused with what to do: ``tblSOP`` rows whose numbers go down, two sheets built for one Uraian.
The step numbers typed in the flow table (``tblAlurSOP``) and in ``tblEvaluasi`` follow the renumbering: exactly the
cells :func:`lkj_xl.workbook.renumber.renumber_cells` names are written, the proof expects them, the summary lists
them with the warnings (a branch to a step taken away...).
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lkj_xl.core.errors import UnusableFileError
from lkj_xl.core.values import is_blank
from lkj_xl.workbook import layout


@dataclass(frozen=True)
class Structure:
    """Steps of ``tblSOP`` without a sheet (``added``), step sheets that no step of ``tblSOP`` takes (``removed``),
    step sheets built for a step ``tblSOP`` now numbers differently (``moved``: new number -> the sheet's number, its
    entries go along), sheets two steps claim (``ambiguous``), and the first two rows of ``tblSOP`` whose numbers go
    down (``out_of_order``: (number, sheet row) twice)."""

    added: tuple[int, ...]
    removed: tuple[int, ...]
    moved: dict[int, int] = field(default_factory=dict)
    ambiguous: tuple[int, ...] = ()
    out_of_order: tuple[tuple[int, int], tuple[int, int]] | None = None
    #: old step sheet number -> the step whose sheet its content goes to (every sheet not removed)
    targets: dict[int, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.moved or self.ambiguous or self.out_of_order)


def structure_of(tracker) -> Structure:
    """What ``lkj sop terapkan`` would change in a tracker as read (:class:`lkj_xl.workbook.reader.Tracker`)."""
    from lkj_xl.workbook.read_steps import moved_sheets

    numbers = {step.number for step in tracker.sop.steps}
    sheets = {n for n in (layout.step_of_sheet(name) for name in tracker.layout.sheets) if n is not None}
    read_from_table = set(tracker.layout.sop_rows)
    texts = {n: pos.built_for for n, pos in tracker.layout.steps.items()} | dict(tracker.layout.unlisted_steps)
    built_for = moved_sheets(tracker.sop, texts)  # sheet -> the step it was built for
    claimed: dict[int, list[int]] = {}
    for sheet, now in built_for.items():
        claimed.setdefault(now, []).append(sheet)
    ambiguous = tuple(sorted(s for sheets_ in claimed.values() if len(sheets_) > 1 for s in sheets_))
    moved = {now: found[0] for now, found in claimed.items() if len(found) == 1}
    targets = {old: new for new, old in moved.items()}
    targets.update({n: n for n in numbers if n in sheets and n not in built_for and n not in moved})
    added = tuple(sorted(n for n in numbers & read_from_table if n not in targets.values()))
    removed = tuple(sorted(n for n in sheets if n not in targets and n not in ambiguous)) if read_from_table else ()
    if not read_from_table:
        targets.update({n: n for n in sheets if n not in targets})
    rows = sorted((row, number) for number, row in tracker.layout.sop_rows.items())
    out_of_order = next((((a, ra), (b, rb)) for (ra, a), (rb, b) in zip(rows, rows[1:]) if b < a), None)
    return Structure(added, removed, moved, ambiguous, out_of_order, targets)


def _entry_rows(workbook, number: int) -> int:
    """Non-blank rows below the header of the step table on ``Langkah number`` (any column of the table)."""
    from openpyxl.utils import range_boundaries

    ws = workbook[layout.step_sheet(number)]
    table = ws.tables.get(layout.step_table(number))
    if table is not None:
        c1, r1, c2, r2 = range_boundaries(table.ref)
    else:
        c1, r1, c2, r2 = 1, layout.STEP_TABLE_HEADER_ROW, len(layout.STEP_HEADERS), ws.max_row
    r2 = max(r2, ws.max_row)  # rows typed below the table count too
    return sum(1 for row in ws.iter_rows(min_row=r1 + 1, max_row=r2, min_col=c1, max_col=c2, values_only=True)
               if any(not is_blank(v) for v in row))


def _facts(tracker, new_steps: tuple[int, ...] = (), targets: dict[int, int] | None = None) -> dict:
    """What must be the same before and after: everything a person typed, as read (the new steps' sheets aside:
    the builder gives each the year's row; ``targets``: old step -> the step its sheet's entries go to)."""
    def entries(items):
        return sorted(tuple((k, repr(targets.get(v, v) if k == "step" and targets else v))
                            for k, v in vars(item).items() if k != "row") for item in items)

    return {"settings": tracker.settings, "sop": tracker.sop, "holidays": (tracker.holidays, tracker.removed_holidays),
            "staff": entries(tracker.staff),
            "entries": entries(e for e in tracker.entries if e.step not in new_steps)}


#: Sheets whose cells the engine writes (rebuilt or refilled by the next refresh): not compared.
_ENGINE_SHEETS = (layout.SHEET_HOME, layout.SHEET_REPORT, layout.SHEET_PROBLEMS, layout.SHEET_HISTORY)


def lost_cells(old_wb, new_wb, tracker, removed: tuple[int, ...], renamed: dict[str, str] | None = None,
               expected: dict[tuple[str, str], object] | None = None) -> list[str]:
    """Cells holding a value in the old workbook whose value the new one no longer holds on the same sheet (each
    sheet's values compared as a multiset: rows of a list may close up, nothing may vanish).  Not compared: the
    engine's sheets, a step sheet's title (A1: "Langkah 3 dari 9"), its top block and computed columns (refresh
    rewrites them), the sheets of ``removed`` steps and their rows in the flow table.  ``expected``: (sheet, cell)
    -> the value the renumbering writes there (:func:`lkj_xl.workbook.renumber.renumber_cells`), looked for
    instead of the old one (None: nothing)."""
    from collections import Counter

    expected = expected or {}

    skipped_rows: dict[str, set[int]] = {layout.SHEET_SOP: set()}
    skipped_cols: dict[str, set[int]] = {}
    for number, pos in tracker.layout.steps.items():
        computed = {pos.table.columns[c] for c in layout.STEP_COMPUTED_HEADERS if c in pos.table.columns}
        skipped_cols[pos.sheet] = computed
        if pos.top_block is not None:
            first, _ = pos.top_block
            skipped_rows.setdefault(pos.sheet, set()).update(range(first, first + len(layout.STEP_HEADER_LABELS)))
    flow = tracker.layout.flow_table
    numbers = {step.number for step in tracker.sop.steps}  # a flow row of a number tblSOP no longer has goes
    if flow is not None and layout.SHEET_SOP in old_wb.sheetnames:
        sop_ws = old_wb[layout.SHEET_SOP]
        column = flow.columns[layout.A_STEP]
        def number(r: int):
            cell = sop_ws.cell(r, column)
            return expected.get((layout.SHEET_SOP, cell.coordinate), cell.value)

        skipped_rows[layout.SHEET_SOP] |= {r for r in range(flow.header_row + 1, sop_ws.max_row + 1)
                                           if number(r) in removed or number(r) not in numbers}
    lost: list[str] = []
    for ws in old_wb.worksheets:
        name = ws.title
        into = (renamed or {}).get(name, name)
        if name in _ENGINE_SHEETS or into not in new_wb.sheetnames or (renamed and layout.step_of_sheet(name)
                                                                        and name not in renamed):
            continue
        is_step = layout.step_of_sheet(name) is not None
        header = tracker.layout.steps[layout.step_of_sheet(name)].table.header_row \
            if is_step and layout.step_of_sheet(name) in tracker.layout.steps else 0
        cells = []
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or (is_step and cell.coordinate == "A1"):
                    continue
                if cell.row in skipped_rows.get(name, ()) and (name != layout.SHEET_SOP
                                                               or cell.column >= layout.FLOW_COLUMN):
                    continue
                if is_step and cell.row > header and cell.column in skipped_cols.get(name, ()):
                    continue
                cells.append(cell)
        now = Counter(c.value for row in new_wb[into].iter_rows() for c in row if c.value is not None)
        for cell in cells:
            value = expected.get((name, cell.coordinate), cell.value)
            if value is None:
                continue
            if now[value] > 0:
                now[value] -= 1
            else:
                lost.append(f"{name}!{cell.coordinate}")
    return lost


def _refuse_unclear(structure: Structure, name: str) -> None:
    """A change this command does not guess about: rows of tblSOP out of order, two sheets built for one step."""
    if structure.out_of_order is not None:
        (a, row_a), (b, row_b) = structure.out_of_order
        raise UnusableFileError(
            f"Nomor langkah di tabel langkah SOP (tblSOP) tidak berurutan: langkah {a} (baris {row_a}) berada di atas "
            f"langkah {b} (baris {row_b}). Langkah dikenali dari nomornya, jadi perintah ini tidak menebak urutan "
            f"yang dimaksud. Bila urutan langkah memang berubah, beri nomor baru sesuai urutan (lembar langkah "
            f"beserta isiannya akan dipindahkan ke nomor barunya); bila tidak, urutkan kembali barisnya menurut "
            f"nomor. Lalu jalankan lagi `lkj sop terapkan {name}`. Buku kerja tidak diubah.")
    if structure.ambiguous:
        sheets = ", ".join(f"\"{layout.step_sheet(n)}\"" for n in structure.ambiguous)
        raise UnusableFileError(
            f"Lembar {sheets} dibuat untuk uraian langkah yang sama, jadi tidak jelas lembar mana milik langkah itu "
            f"sekarang. Bedakan uraiannya di tabel langkah SOP atau pindahkan isiannya sendiri, lalu jalankan lagi "
            f"`lkj sop terapkan {name}`. Buku kerja tidak diubah.")


def apply_structure(path: str | Path) -> str:
    """Apply the SOP table's steps to the tracker at ``path``; return an Indonesian summary of what changed."""
    from lkj_xl.authoring.upgrade import _write_new
    from lkj_xl.engines.openpyxl_book import FileBook
    from lkj_xl.files.backups import atomic_write
    from lkj_xl.files.guard import check_workbook_file
    from lkj_xl.files.locks import ensure_not_open_in_excel, real_path
    from lkj_xl.files.session import _identity
    from lkj_xl.workbook.reader import load_tracker

    target = real_path(Path(path))
    check_workbook_file(target)
    ensure_not_open_in_excel(target)
    original = target.read_bytes()
    read_as = _identity(target, original)
    book = FileBook.open(target)
    tracker = load_tracker(book)
    structure = structure_of(tracker)
    if not structure.changed:
        return (f"Struktur '{target.name}' sudah sesuai tabel langkah SOP ({len(tracker.sop.steps)} langkah); tidak ada "
                f"yang diubah.")
    _refuse_unclear(structure, target.name)
    holding = [(n, _entry_rows(book.workbook, n)) for n in structure.removed]
    holding = [(n, rows) for n, rows in holding if rows]
    if holding:
        sheets = ", ".join(f"\"{layout.step_sheet(n)}\" ({rows} baris isian)" for n, rows in holding)
        raise UnusableFileError(
            f"Langkah {', '.join(str(n) for n, _ in holding)} tidak ada lagi di tabel langkah SOP (tblSOP), tetapi "
            f"lembar {sheets} berisi isian, jadi lembar itu tidak dihapus. Kembalikan baris langkahnya di tblSOP "
            f"lembar SOP, atau salin isiannya ke tempat lain lalu kosongkan tabelnya, kemudian jalankan lagi "
            f"`lkj sop terapkan {target.name}`. Buku kerja tidak diubah.")
    skip = frozenset(layout.step_sheet(n) for n in structure.removed)
    targets = structure.targets
    # step numbers typed in tblAlurSOP and tblEvaluasi follow the renumbering; ``expected``: the tracker as it must
    # read afterwards (its SOP's flow renumbered), which the build is made for and the proof compares with
    from lkj_xl.workbook.renumber import RenumberedBook, renumber_cells

    renumbering = renumber_cells(book, tracker, targets, structure.removed)
    expected = load_tracker(RenumberedBook(book, renumbering.changes)) if renumbering.changes else tracker
    renamed = {layout.step_sheet(old): layout.step_sheet(new) for old, new in targets.items()}

    def write(tmp: Path) -> None:
        if _identity(target) != read_as:
            raise UnusableFileError(f"Buku kerja '{target.name}' disimpan orang lain selama perintah ini berjalan; "
                                    f"jalankan lagi `lkj sop terapkan {target.name}`. Buku kerja tidak diubah.")
        with tempfile.TemporaryDirectory(prefix="lkj-terapkan-") as folder:
            xlsx = Path(folder) / "tracker.xlsx"
            import openpyxl

            # the cells as typed, rich text (runs of several fonts) included
            source = openpyxl.load_workbook(io.BytesIO(original), rich_text=True, keep_links=True)
            for change in renumbering.changes:  # carried into the new workbook with their cells
                source[change.sheet].cell(change.row, change.column).value = change.new
            counts = _write_new(expected, source, xlsx, skip, targets)
            if counts.not_carried:
                raise UnusableFileError(
                    f"Buku kerja '{target.name}' tidak diubah: yang berikut tidak dapat dibawa ke susunan baru: "
                    + "; ".join(counts.not_carried) + ". Pindahkan dulu ke lembar lain atau berkas lain, lalu ulangi.")
            built = xlsx
            if target.suffix.lower() == ".xlsm":
                from lkj_xl.authoring.xlsm import build_xlsm

                built = build_xlsm(xlsx, Path(folder) / "tracker.xlsm")
            tmp.write_bytes(built.read_bytes())

    def prove(tmp: Path) -> None:
        from lkj_xl.files.macro_check import check_package_kind

        problems = check_package_kind(tmp, deep=target.suffix.lower() == ".xlsm")
        if problems:
            raise UnusableFileError("Buku kerja baru tidak lolos pemeriksaan: " + " ".join(problems))
        after = load_tracker(FileBook.open(tmp))  # not read-only: openpyxl reads no tables there
        # a sheet tblSOP had no number for was not read: its cells are compared below (lost_cells), not its entries
        unread = tuple(new for old, new in targets.items() if old in tracker.layout.unlisted_steps)
        before, now = _facts(expected, targets=targets), _facts(after, structure.added + unread)
        differing = [key for key in before if before[key] != now[key]]
        if differing:
            raise UnusableFileError("isi yang dibaca berbeda setelah susunan baru dibuat (" + ", ".join(differing)
                                    + "); tidak ada yang disimpan.")
        import openpyxl

        lost = lost_cells(book.workbook, openpyxl.load_workbook(tmp), tracker, structure.removed, renamed,
                          renumbering.expected())
        if lost:
            raise UnusableFileError(
                f"isi sel berikut tidak terbawa ke susunan baru: {', '.join(lost[:8])}"
                + (f" dan {len(lost) - 8} sel lain" if len(lost) > 8 else "")
                + ". Pindahkan isian di luar tabel ke lembar tambahan milik Anda (lembar seperti itu dibawa utuh), "
                  "lalu ulangi.")
        from lkj_xl.authoring.sop_apply_proof import rebuild_differences

        differences = rebuild_differences(original, tmp.read_bytes(), tracker, targets, structure.removed,
                                          structure.added, renumbering.expected())
        if differences:
            raise UnusableFileError(
                "susunan baru tidak dapat dibuktikan sama dengan yang lama untuk: " + "; ".join(differences[:8])
                + (f"; dan {len(differences) - 8} lainnya" if len(differences) > 8 else "")
                + ". Yang seperti itu tidak dapat dibawa oleh perintah ini: pindahkan dulu ke berkas lain (atau "
                  "jalankan `lkj upgrade` ke berkas baru lebih dulu), lalu ulangi.")
        sheets = set(after.layout.sheets)
        missing = [layout.step_sheet(n) for n in (s.number for s in after.sop.steps) if layout.step_sheet(n) not in sheets]
        if missing:
            raise UnusableFileError("lembar langkah tidak terbentuk: " + ", ".join(missing))

    backup = atomic_write(target, write, prove, backups=tracker.settings.backups or 0)
    lines = [f"Struktur '{target.name}' disesuaikan dengan tabel langkah SOP ({len(tracker.sop.steps)} langkah)."]
    if structure.added:
        lines.append("  Ditambahkan: " + ", ".join(f"lembar \"{layout.step_sheet(n)}\" dengan tabel "
                                                   f"{layout.step_table(n)}" for n in structure.added)
                     + "; baris Laporan untuk langkah itu.")
    if structure.moved:
        lines.append("  Dipindahkan beserta isiannya: " + ", ".join(
            f"lembar \"{layout.step_sheet(old)}\" -> \"{layout.step_sheet(new)}\"" for new, old in sorted(structure.moved.items()))
            + " (nomor langkah di tabel langkah SOP berubah).")
    if renumbering.changes:
        lines.append("  Nomor langkah yang diketik ikut diubah (alamat sel sebelum diterapkan):")
        lines += [f"    {change.describe()}" for change in renumbering.changes]
    if renumbering.warnings:
        lines.append("  Perlu diperiksa (tidak diubah):")
        lines += [f"    {warning.message}" for warning in renumbering.warnings]
    if structure.removed:
        lines.append("  Dihapus (kosong, tidak ada lagi di tblSOP): "
                     + ", ".join(f"lembar \"{layout.step_sheet(n)}\"" for n in structure.removed) + ".")
    lines.append("  Semua isian, pegawai, pengaturan, hari libur dan lembar tambahan tetap sama (dibaca ulang dan "
                 "dibandingkan).")
    from lkj_xl.authoring.sop_apply_proof import PRINTER_NOTE, printer_settings

    printed = printer_settings(original)
    if printed:
        lines.append("  Tidak terbawa: " + PRINTER_NOTE + " pada lembar " + ", ".join(f'"{s}"' for s in printed)
                     + "; atur ulang lewat Cetak > Properti Printer di Excel bila perlu.")
    if backup is not None:
        lines.append(f"  Versi sebelumnya: {backup.path}.")
    lines.append(f"Jalankan `lkj refresh {target.name}` untuk menghitung langkah baru.")
    return "\n".join(lines)


__all__ = ["Structure", "apply_structure", "structure_of"]
