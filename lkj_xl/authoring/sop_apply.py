"""``lkj sop terapkan PATH``: bring the tracker's structure in line with its SOP table after the admin added, removed or
renumbered steps in ``tblSOP`` (a change of structure, which refresh and the ribbon only report).

What it does, through the safe replace (:func:`lkj_xl.files.backups.atomic_write`: under the ``lkj`` lock, not while
Excel has the file open, the previous version to ``Cadangan LKj``, one atomic rename, the file on disk still the
version read), as an edit of the zip package (:mod:`lkj_xl.authoring.sop_splice`):

* a step in ``tblSOP`` without its ``Langkah N`` sheet gets the sheet and its table ``tblLangkahN`` with the year's
  row, grafted from a fresh build; the engine's ``Laporan`` (rows and chart per step) becomes the fresh build's,
  refused when a person put something on it;
* the sheet of a step no longer in ``tblSOP`` is taken away only when it holds nothing a person typed or added;
  a sheet that holds entries is never deleted, renamed or shifted: the command refuses, naming the sheet and what
  to do;
* a sheet whose step got another number is renamed with its table (every byte of it goes along); formulas, names,
  chart series, hyperlinks and sparklines naming it follow it (:mod:`lkj_xl.engines.package_references`), and one
  naming a sheet that is taken away stops the command, located;
* the step numbers typed in the flow table (``tblAlurSOP``) and in ``tblEvaluasi`` follow a renumbering: exactly
  the cells :func:`lkj_xl.workbook.renumber.renumber_cells` names are written (values only) into the spliced package,
  proved by :func:`lkj_xl.engines.package.package_differences` to be the only cells that differ, and listed in the
  summary with the warnings (a branch to a step taken away...);
* every other part keeps its bytes: :func:`lkj_xl.engines.package_structure_proof.structure_differences` proves it
  part by part (styles append-only), and the new file, read back, has the same settings, SOP, holidays, staff and
  every entry of every step as the old one.  Otherwise nothing is written.

Steps are known by their number (``Langkah N`` is step N), and each step sheet's top block holds the Uraian it was
built (or last refreshed) for.  When the admin renumbers steps in ``tblSOP`` (a step inserted, taken out or moved),
a sheet whose Uraian now belongs to exactly one other number is moved there with every entry, note and comment
(:func:`lkj_xl.workbook.step_moves.read_moves`, which also follows a renumbered step whose Uraian was reworded in the
same change when one step is clearly alike, and refuses when none is clear; refresh reports the same reading and
leaves that top block alone).  What it does
not guess about is refused with what to do: ``tblSOP`` rows whose numbers go down, two sheets built for one Uraian.
"""

from __future__ import annotations

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
    #: sheets moved by the likeness of their Uraian to a reworded step (sheet -> :class:`~lkj_xl.workbook.step_moves.
    #: Followed`), and sheets whose Uraian matches no step clearly while the numbering changed (refused)
    followed: dict = field(default_factory=dict)
    unclear: dict = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.moved or self.ambiguous or self.out_of_order or self.unclear)


def structure_of(tracker) -> Structure:
    """What ``lkj sop terapkan`` would change in a tracker as read (:class:`lkj_xl.workbook.reader.Tracker`)."""
    from lkj_xl.workbook.step_moves import read_moves

    numbers = {step.number for step in tracker.sop.steps}
    sheets = {n for n in (layout.step_of_sheet(name) for name in tracker.layout.sheets) if n is not None}
    read_from_table = set(tracker.layout.sop_rows)
    texts = {n: pos.built_for for n, pos in tracker.layout.steps.items()} | dict(tracker.layout.unlisted_steps)
    moves = read_moves(tracker.sop, texts, compare=bool(read_from_table))
    built_for = moves.moved()  # sheet -> the step it was built for
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
    followed = {sheet: found for sheet, found in moves.followed.items() if found.step != sheet}
    return Structure(added, removed, moved, ambiguous, out_of_order, targets, followed, moves.unclear)


def _entry_rows(book, number: int) -> int:
    """Non-blank rows below the header of the step table on ``Langkah number`` (any column of the table; rows typed
    below the table count too)."""
    from lkj_xl.workbook.book import column_number

    sheet = layout.step_sheet(number)
    values = book.read(sheet)
    ref = book.tables(sheet).get(layout.step_table(number))
    if ref is not None:
        first, last = ref.split(":")
        letters = first.rstrip("0123456789")
        c1, r1 = column_number(letters), int(first[len(letters):])
        c2 = column_number(last.rstrip("0123456789"))
    else:
        c1, r1, c2 = 1, layout.STEP_TABLE_HEADER_ROW, len(layout.STEP_HEADERS)
    return sum(1 for row in values[r1:] if any(not is_blank(v) for v in row[c1 - 1:c2]))


def _facts(tracker, new_steps: tuple[int, ...] = (), targets: dict[int, int] | None = None) -> dict:
    """What must be the same before and after: everything a person typed, as read (the new steps' sheets aside:
    the builder gives each the year's row; ``targets``: old step -> the step its sheet's entries go to)."""
    def entries(items):
        return sorted(tuple((k, repr(targets.get(v, v) if k == "step" and targets else v))
                            for k, v in vars(item).items() if k != "row") for item in items)

    return {"settings": tracker.settings, "sop": tracker.sop, "holidays": (tracker.holidays, tracker.removed_holidays),
            "staff": entries(tracker.staff),
            "entries": entries(e for e in tracker.entries if e.step not in new_steps)}


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
    if structure.unclear:
        from lkj_xl.workbook.step_moves import unclear_text

        raise UnusableFileError(" ".join(unclear_text(layout.step_sheet(n), found)
                                         for n, found in structure.unclear.items()) + " Buku kerja tidak diubah.")
    if structure.ambiguous:
        sheets = ", ".join(f"\"{layout.step_sheet(n)}\"" for n in structure.ambiguous)
        raise UnusableFileError(
            f"Lembar {sheets} dibuat untuk uraian langkah yang sama, jadi tidak jelas lembar mana milik langkah itu "
            f"sekarang. Bedakan uraiannya di tabel langkah SOP atau pindahkan isiannya sendiri, lalu jalankan lagi "
            f"`lkj sop terapkan {name}`. Buku kerja tidak diubah.")


def _guide_lines(book, fresh) -> list[tuple[str, int, int, object]]:
    """Beranda's guide lines that name the number of steps ("Langkah 1 s.d. Langkah 8"), as a fresh build writes
    them: (sheet, row, column, value) of each line that differs from the build's but starts as it does (Beranda is
    the engine's sheet)."""
    if not book.has_sheet(layout.SHEET_HOME) or not fresh.has_sheet(layout.SHEET_HOME):
        return []
    mine, built = book.read(layout.SHEET_HOME), fresh.read(layout.SHEET_HOME)
    found = []
    first = layout.BERANDA_INSTRUCTIONS_ROW + 1
    for row in range(first, first + layout.BERANDA_INSTRUCTION_LINES):
        now = mine[row - 1][0] if row <= len(mine) and mine[row - 1] else None
        want = built[row - 1][0] if row <= len(built) and built[row - 1] else None
        if isinstance(now, str) and isinstance(want, str) and now != want and now[:30] == want[:30]:
            found.append((layout.SHEET_HOME, row, 1, want))
    return found


def apply_structure(path: str | Path) -> str:
    """Apply the SOP table's steps to the tracker at ``path``; return an Indonesian summary of what changed."""
    from lkj_xl.authoring.sop_splice import donor_bytes, splice
    from lkj_xl.engines.package import PackageBook
    from lkj_xl.engines.package_structure_proof import structure_differences
    from lkj_xl.files.backups import atomic_write
    from lkj_xl.files.guard import check_workbook_file
    from lkj_xl.files.locks import ensure_not_open_in_excel, real_path
    from lkj_xl.files.session import _identity
    from lkj_xl.workbook.book import cell_address
    from lkj_xl.workbook.reader import load_tracker

    target = real_path(Path(path))
    check_workbook_file(target)
    ensure_not_open_in_excel(target)
    original = target.read_bytes()
    read_as = _identity(target, original)
    book = PackageBook(original, target)
    tracker = load_tracker(book)
    structure = structure_of(tracker)
    if not structure.changed:
        return (f"Struktur '{target.name}' sudah sesuai tabel langkah SOP ({len(tracker.sop.steps)} langkah); tidak ada "
                f"yang diubah.")
    _refuse_unclear(structure, target.name)
    holding = [(n, _entry_rows(book, n)) for n in structure.removed]
    holding = [(n, rows) for n, rows in holding if rows]
    if holding:
        sheets = ", ".join(f"\"{layout.step_sheet(n)}\" ({rows} baris isian)" for n, rows in holding)
        raise UnusableFileError(
            f"Langkah {', '.join(str(n) for n, _ in holding)} tidak ada lagi di tabel langkah SOP (tblSOP), tetapi "
            f"lembar {sheets} berisi isian, jadi lembar itu tidak dihapus. Kembalikan baris langkahnya di tblSOP "
            f"lembar SOP, atau salin isiannya ke tempat lain lalu kosongkan tabelnya, kemudian jalankan lagi "
            f"`lkj sop terapkan {target.name}`. Buku kerja tidak diubah.")
    targets = structure.targets
    # step numbers typed in tblAlurSOP and tblEvaluasi follow the renumbering (exactly these cells, values only);
    # ``expected``: the tracker as it must read afterwards
    from lkj_xl.workbook.renumber import RenumberedBook, renumber_cells

    renumbering = renumber_cells(book, tracker, targets, structure.removed)
    expected = load_tracker(RenumberedBook(book, renumbering.changes)) if renumbering.changes else tracker
    donor = donor_bytes(expected)
    spliced, plan = splice(original, target.name, expected, structure, donor)
    new = spliced
    writes = [(change.sheet, change.row, change.column, change.new) for change in renumbering.changes]
    writes += _guide_lines(book, PackageBook(donor, None))
    renumbered = {(sheet, cell_address(row, column)) for sheet, row, column, _value in writes}
    if writes:
        edited = PackageBook(spliced, target)
        for sheet, row, column, value in writes:
            edited.write(sheet, row, column, [[value]])
        new = edited.to_bytes()

    def write(tmp: Path) -> None:
        if _identity(target) != read_as:
            raise UnusableFileError(f"Buku kerja '{target.name}' disimpan orang lain selama perintah ini berjalan; "
                                    f"jalankan lagi `lkj sop terapkan {target.name}`. Buku kerja tidak diubah.")
        tmp.write_bytes(new)

    def prove(tmp: Path) -> None:
        from lkj_xl.files.macro_check import check_package_kind

        data = tmp.read_bytes()
        differences = structure_differences(book.original_parts(), spliced if writes else data, plan)
        if differences:
            raise UnusableFileError(
                "susunan baru tidak dapat dibuktikan sama dengan yang lama: " + " ".join(differences[:8])
                + (f" (dan {len(differences) - 8} lagi)" if len(differences) > 8 else "") + " Tidak ada yang disimpan.")
        if writes:  # the spliced package against the saved one: only the renumbered cells (and guide lines) differ
            from lkj_xl.engines.package import package_differences

            differences = package_differences(spliced, data, lambda sheet, ref: (sheet, ref) in renumbered)
            if differences:
                raise UnusableFileError("nomor langkah yang diubah tidak dapat dibuktikan: " + " ".join(differences[:8])
                                        + " Tidak ada yang disimpan.")
        problems = check_package_kind(tmp, deep=target.suffix.lower() == ".xlsm")
        if problems:
            raise UnusableFileError("Buku kerja baru tidak lolos pemeriksaan: " + " ".join(problems))
        after = load_tracker(PackageBook(data, tmp))
        # a sheet tblSOP had no number for was not read: its entries are not compared (its bytes are)
        unread = tuple(new for old, new in targets.items() if old in tracker.layout.unlisted_steps)
        before, now = _facts(expected, targets=targets), _facts(after, structure.added + unread)
        differing = [key for key in before if before[key] != now[key]]
        if differing:
            raise UnusableFileError("isi yang dibaca berbeda setelah susunan baru dibuat (" + ", ".join(differing)
                                    + "); tidak ada yang disimpan.")
        sheets = set(after.layout.sheets)
        missing = [layout.step_sheet(n) for n in (s.number for s in after.sop.steps) if layout.step_sheet(n) not in sheets]
        if missing:
            raise UnusableFileError("lembar langkah tidak terbentuk: " + ", ".join(missing))

    backup = atomic_write(target, write, prove, backups=tracker.settings.backups or 0)
    lines = [f"Struktur '{target.name}' disesuaikan dengan tabel langkah SOP ({len(tracker.sop.steps)} langkah)."]
    if structure.added:
        lines.append("  Ditambahkan: " + ", ".join(f"lembar \"{layout.step_sheet(n)}\" dengan tabel "
                                                   f"{layout.step_table(n)}" for n in structure.added)
                     + "; lembar Laporan dibuat untuk jumlah langkah yang baru.")
    if structure.moved:
        lines.append("  Dipindahkan beserta isiannya: " + ", ".join(
            f"lembar \"{layout.step_sheet(old)}\" -> \"{layout.step_sheet(new)}\"" for new, old in sorted(structure.moved.items()))
            + " (nomor langkah di tabel langkah SOP berubah).")
    if structure.followed:
        from lkj_xl.workbook.step_moves import followed_text

        lines += [f"  Uraian juga diubah: {followed_text(layout.step_sheet(n), found)}."
                  for n, found in sorted(structure.followed.items())]
    if renumbering.changes:
        lines.append("  Nomor langkah yang diketik ikut diubah (alamat sel sebelum diterapkan):")
        lines += [f"    {change.describe()}" for change in renumbering.changes]
    if renumbering.warnings:
        lines.append("  Perlu diperiksa (tidak diubah):")
        lines += [f"    {warning.message}" for warning in renumbering.warnings]
    if structure.removed:
        lines.append("  Dihapus (kosong, tidak ada lagi di tblSOP): "
                     + ", ".join(f"lembar \"{layout.step_sheet(n)}\"" for n in structure.removed) + ".")
    if any(sheet == layout.SHEET_HOME for sheet, _r, _c, _v in writes):
        lines.append("  Beranda: baris petunjuk menyebut jumlah langkah yang baru.")
    lines.append("  Semua lembar lain tetap sama sampai ke byte-nya, dengan semua isian, gambar, kotak teks, komentar "
                 "dan pengaturan cetak (dibuktikan bagian demi bagian), dan isian, pegawai, pengaturan serta hari libur "
                 "dibaca ulang dan dibandingkan.")
    if backup is not None:
        lines.append(f"  Versi sebelumnya: {backup.path}.")
    lines.append(f"Jalankan `lkj refresh {target.name}` untuk menghitung langkah baru.")
    return "\n".join(lines)


__all__ = ["Structure", "apply_structure", "structure_of"]
