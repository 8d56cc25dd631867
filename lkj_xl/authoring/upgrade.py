"""``lkj upgrade OLD NEW``: move a tracker made with an older layout to the current one, every entry carried over.

The old workbook is read with :func:`lkj_xl.workbook.reader.load_tracker` (tables found by header label, settings by label),
a fresh workbook is built with :func:`lkj_xl.authoring.builder.build_tracker` for the old SOP and settings, and then every cell
a person typed is copied into it by label, as it was (value, text-or-formula, number format): the step tables of
every year (and columns the user added, placed right of the computed columns), Pegawai, the SOP sheet (identity,
steps, roles), Pengaturan (settings and working hours), Hari Libur (every row as written, "Bukan libur" marks and
local holidays included) and the Riwayat lines; with them the comments and formats a person gave those cells,
columns a person added to the lists (Pegawai, Hari Libur), and whole sheets a person added (openpyxl copy: values,
formats, comments, merged cells, sizes).  Table rows keep their row.  Every other cell a person typed on a layout
sheet, outside its tables, goes to the same cell (:mod:`lkj_xl.authoring.upgrade_outside`).  What cannot be carried (pictures and charts, shapes and text boxes,
threaded comments, sparklines and other sheet extensions, controls, embedded objects, comments on cells that are
not carried; :func:`lkj_xl.authoring.upgrade_uncarried.uncarried_parts`) is listed exactly in the report (:attr:`UpgradeReport.not_carried`; ``lkj upgrade`` exits 1).  OLD is
never changed; NEW is written atomically and must not exist.  The Evaluasi table (layout 3) is carried row by row
(:func:`lkj_xl.authoring.evaluation_sheet.carry_evaluation`); an older tracker gets the builder's prefilled block.

This module is the upgrade's course: the checks, the build, the temporary file and the .xlsm, the leftovers and
the summary.  The carrying itself, a ``copy_*`` function per sheet, is :mod:`lkj_xl.authoring.upgrade_sheets`
(``lkj sop terapkan`` edits the package instead: :mod:`lkj_xl.authoring.sop_splice`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from lkj_xl.authoring.upgrade_sheets import (
    Counts, carried, copy_added_sheets, copy_cell, copy_closed, copy_history, copy_list, copy_settings, copy_sop,
    copy_steps, moved,
)
from lkj_xl.workbook import layout
from lkj_xl.core.errors import UnusableFileError


def _layout_version(tracker, workbook) -> int:
    """The old workbook's layout version: Pengaturan "Versi tata letak", 0 when absent (the first layouts)."""
    row = tracker.layout.settings_rows.get(layout.P_VERSION)
    if row is None or layout.SHEET_SETTINGS not in workbook.sheetnames:
        return 0
    value = workbook[layout.SHEET_SETTINGS].cell(row=row, column=2).value
    if isinstance(value, bool) or value is None:
        return 0
    try:
        return int(str(value).strip())
    except ValueError:
        return 0


class UpgradeReport(str):
    """The summary ``lkj upgrade`` prints; ``not_carried`` lists what the new file lacks (exit code 1 when any)."""

    not_carried: tuple[str, ...] = ()


def upgrade_tracker(old: Path, new: Path) -> str:
    """Write NEW in the current layout with every entry of OLD; return an Indonesian summary of what moved."""
    from lkj_xl.engines.openpyxl_book import FileBook
    from lkj_xl.files.guard import check_workbook_file
    from lkj_xl.files.macro_check import check_package_kind, require_workbook_suffix
    from lkj_xl.workbook.reader import load_tracker

    old, new = Path(old), Path(new)
    if new.exists():
        raise UnusableFileError(f"Berkas tujuan '{new.name}' sudah ada; pilih nama lain agar tidak ada yang tertimpa.")
    require_workbook_suffix(new)
    if old.resolve() == new.resolve():
        raise UnusableFileError("Berkas lama dan berkas baru harus berbeda.")
    check_workbook_file(old)
    book = FileBook.open(old)
    tracker = load_tracker(book)
    import openpyxl

    src = openpyxl.load_workbook(old, rich_text=True)  # the cells as typed, rich text (runs of several fonts) too
    version = _layout_version(tracker, src)
    if version > layout.LAYOUT_VERSION:
        raise UnusableFileError(
            f"Buku kerja '{old.name}' memakai tata letak versi {version}, lebih baru dari yang dikenal program ini "
            f"(versi {layout.LAYOUT_VERSION}). Perbarui lkj-xl; berkas tidak diubah.")

    folder = new.parent if str(new.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".~lkj-upgrade-", suffix=".xlsx", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        counts = _write_new(tracker, src, tmp)
        from lkj_xl.authoring.upgrade_uncarried import uncarried_parts

        old_bytes = old.read_bytes()
        counts.not_carried += uncarried_parts(old_bytes)
        from lkj_xl.authoring.note_boxes import carry_note_boxes

        # a note's box (shown, coloured, resized) is not read by openpyxl: put each on the new note of its cell
        from lkj_xl.authoring.upgrade_outside import ENGINE_SHEETS

        counts.not_carried += carry_note_boxes(old_bytes, tmp, skip=ENGINE_SHEETS, moved=moved)
        check_workbook_file(tmp)
        if new.suffix.lower() == ".xlsm":
            from lkj_xl.authoring.xlsm import build_xlsm

            tmp_xlsm = tmp.with_suffix(".xlsm")
            try:
                build_xlsm(tmp, tmp_xlsm)
                problems = check_package_kind(tmp_xlsm, deep=True)
                if problems:
                    raise UnusableFileError("Buku kerja makro baru tidak lolos pemeriksaan: " + " ".join(problems))
                os.replace(tmp_xlsm, new)
            finally:
                tmp_xlsm.unlink(missing_ok=True)
        else:
            problems = check_package_kind(tmp)
            if problems:
                raise UnusableFileError("Buku kerja baru tidak lolos pemeriksaan: " + " ".join(problems))
            os.replace(tmp, new)
    finally:
        tmp.unlink(missing_ok=True)
    report = UpgradeReport(_summary(old, new, version, counts))
    report.not_carried = tuple(counts.not_carried)
    return report


def _write_new(tracker, src, target: Path) -> Counts:
    """Build ``target`` for ``tracker``'s SOP and carry ``src`` into it, every step sheet to the sheet of its
    number."""
    import openpyxl

    from lkj_xl.authoring.builder import build_tracker

    settings = tracker.settings
    build_tracker(target, year=settings.year, agency=settings.agency, government=settings.government,
                  sop=tracker.sop, settings=settings)
    wb = openpyxl.load_workbook(target)
    counts = Counts()
    carried.clear()
    moved.clear()
    lay = tracker.layout
    fresh = {ws.title: {cell.coordinate for row in ws.iter_rows() for cell in row if cell.value is not None}
             for ws in wb.worksheets}
    copy_sop(src, wb, lay, counts)
    copy_settings(src, wb, lay, counts)
    copy_list(src, wb, lay.holiday_table, layout.SHEET_HOLIDAYS, layout.HOLIDAY_HEADERS, layout.HOLIDAY_TABLE_NAME, counts,
               "holidays", layout.HOLIDAY_FREE_ROWS)
    copy_list(src, wb, lay.staff_table, layout.SHEET_STAFF, layout.STAFF_HEADERS, layout.STAFF_TABLE_NAME, counts, "staff",
               layout.STAFF_FREE_ROWS)
    copy_steps(src, wb, lay, counts)
    if lay.evaluation_table is not None and layout.SHEET_EVALUATION in src.sheetnames:
        from lkj_xl.authoring.evaluation_sheet import carry_evaluation, evaluation_rows

        # a tracker of periods built before its Evaluasi was keyed by Periode: the builder prefilled the bare year
        stale = () if settings.yearly else evaluation_rows(tracker.sop, settings.year)
        carry_evaluation(src[layout.SHEET_EVALUATION], lay.evaluation_table, wb[layout.SHEET_EVALUATION], copy_cell,
                         stale_prefill=stale)
    copy_history(src, wb, counts)
    copy_closed(src, wb)
    copy_added_sheets(src, wb, counts)
    from lkj_xl.authoring.upgrade_outside import carry_outside

    counts.not_carried += carry_outside(src, wb, lay, version=_layout_version(tracker, src), carried=carried,
                                        copy_cell=copy_cell, fresh=fresh, added=counts.added_sheets)
    from lkj_xl.authoring.upgrade_rules import carry_rules

    counts.not_carried += carry_rules(src, wb, version=_layout_version(tracker, src), moved=moved,
                                      skip=frozenset(counts.added_sheets))
    _report_leftovers(src, wb, counts)
    from lkj_xl.engines.openpyxl_book import save_openpyxl

    save_openpyxl(wb, target)
    return counts


def _report_leftovers(src, wb, counts: Counts) -> None:
    """What the new file lacks, listed exactly: pictures and charts (openpyxl cannot carry them), comments on cells
    that were not carried (computed columns, labels) unless the new layout has the same note on that sheet."""
    layout_notes = {(ws.title, cell.comment.text.strip()) for ws in wb.worksheets for row in ws.iter_rows()
                    for cell in row if cell.comment is not None}
    layout_notes |= {(ws.title, text) for ws in src.worksheets if layout.step_of_sheet(ws.title)  # a skipped step's
                     for title, text in list(layout_notes) if layout.step_of_sheet(title)}
    for ws in src.worksheets:
        def count(sheet) -> int:
            return len(getattr(sheet, "_images", ())) + len(getattr(sheet, "_charts", ()))

        # the layout's own (the Laporan logo) are in the new file already
        pictures = count(ws) - (count(wb[ws.title]) if ws.title in wb.sheetnames and ws.title not in
                                counts.added_sheets else 0)
        if pictures > 0:
            counts.not_carried.append(f"lembar \"{ws.title}\": {pictures} gambar/grafik")
        for row in ws.iter_rows():
            for cell in row:
                if cell.comment is not None and id(cell) not in carried \
                        and (ws.title, cell.comment.text.strip()) not in layout_notes:
                    counts.not_carried.append(f"komentar di {ws.title}!{cell.coordinate}")
        counts.comments += sum(1 for row in ws.iter_rows() for cell in row
                               if cell.comment is not None and id(cell) in carried)


def _summary(old: Path, new: Path, version: int, counts: Counts) -> str:
    years = ", ".join(str(y) for y in sorted(counts.years, key=lambda y: (isinstance(y, str), str(y)))) or "-"
    key = "tahun" if all(isinstance(y, int) for y in counts.years) else "periode"
    lines = [
        f"Pelacak '{old.name}' (tata letak versi {version}) dipindahkan ke '{new}' (tata letak versi "
        f"{layout.LAYOUT_VERSION}). Berkas lama tidak diubah.",
        f"  Isian langkah: {counts.step_rows} baris ({key} {years}).",
        f"  Pegawai: {counts.staff} baris.",
        f"  Hari libur: {counts.holidays} baris ({counts.local} libur lokal, {counts.cancelled} bertanda "
        f"\"Bukan libur\").",
        f"  SOP: {counts.sop_steps} langkah beserta identitas dan daftar jabatan.",
        f"  Pengaturan: {counts.settings} nilai, jam kerja {counts.week_days} hari, jam kerja khusus "
        f"{counts.special_rows} baris.",
    ]
    if counts.extra_columns:
        lines.append(f"  Kolom tambahan buatan pengguna: {counts.extra_columns} (diletakkan di kanan kolom terhitung).")
    if counts.extra_column_names:
        lines.append("  Kolom tambahan daftar: " + ", ".join(counts.extra_column_names) + ".")
    if counts.history:
        lines.append(f"  Riwayat: {counts.history} baris.")
    if counts.added_sheets:
        lines.append("  Lembar tambahan buatan pengguna: " + ", ".join(f"\"{t}\"" for t in counts.added_sheets)
                     + " (nilai, format, komentar, sel gabungan, lebar kolom).")
    if counts.comments:
        lines.append(f"  Komentar sel: {counts.comments}.")
    lines.append("  Format sel (huruf, warna isi, garis, perataan) ikut bersama isiannya.")
    if counts.not_carried:
        lines.append(f"TIDAK IKUT ({len(counts.not_carried)}); salin sendiri dari berkas lama:")
        lines += [f"  - {item} tidak ikut" for item in counts.not_carried]
    lines.append("Jalankan `lkj validate` pada berkas baru untuk memeriksanya.")
    return "\n".join(lines)


__all__ = ["upgrade_tracker"]
