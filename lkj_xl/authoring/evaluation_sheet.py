"""The ``Evaluasi`` sheet (layout version 3): the entry table ``tblEvaluasi`` where the SOP's evaluator types the
monitoring and evaluation of Permenpan RB 35/2012, made once by the builder with openpyxl.

One block of rows per reporting cycle, prefilled for the tracker's year: a row per step (Bagian "Langkah", the step's
Uraian as a guide) and a row per criterion (Bagian "Kriteria", the seven criteria).  The evaluator picks Penilaian
from a dropdown and types Catatan and Tindakan; for another year the block is copied below and Tahun changed.  A
non-yearly SOP's table is keyed by "Periode" (text: "2025-TW1", "2025-03", an activity's name), prefilled with the
year's first period (an activity: blank, its name typed when it is evaluated); another period is added the same way,
by copying the block and changing Periode.  The
engine only reads this sheet (:func:`lkj_xl.core.evaluation.read_evaluation`); the report copies it.
"""

from __future__ import annotations

from typing import Any

from lkj_xl.core.evaluation import CRITERIA, PART_CRITERION, PART_STEP, VERDICT_CHOICES
from lkj_xl.core.periods import EXAMPLES, LABEL_MAX, PER_KEGIATAN, TAHUNAN
from lkj_xl.core.validation import YEAR_MAX, YEAR_MIN
from lkj_xl.workbook import layout

SOURCE = "Permenpan RB 35/2012, Lampiran"


def evaluation_rows(sop: Any, year: Any) -> list[list[Any]]:
    """The prefilled block of the cycle ``year`` (a year, a period's label, None for an activity): Tahun, Bagian, No, the step's Uraian / the criterion, blank judgements."""
    rows = [[year, PART_STEP, step.number, " ".join(step.uraian.split()), None, None, None] for step in sop.steps]
    rows += [[year, PART_CRITERION, i, text, None, None, None] for i, text in enumerate(CRITERIA, start=1)]
    return rows


def guide_notes(kind: str) -> dict[str, str]:
    """The sheet's notes above the table for a period kind (coordinate -> text): what the builder writes there, so
    that ``lkj upgrade`` knows them as the layout's own text, whichever kind they were written for."""
    if kind == TAHUNAN:
        other = "tahun lain, salin blok ini ke baris kosong di bawahnya dan ganti Tahun."
    elif kind == PER_KEGIATAN:
        other = ("setiap kegiatan, isi Periode dengan nama kegiatan seperti pada lembar Langkah; untuk kegiatan lain, "
                 "salin blok ini ke baris kosong di bawahnya dan ganti Periode.")
    else:
        other = f"periode lain, salin blok ini ke baris kosong di bawahnya dan ganti Periode (mis. {EXAMPLES[kind]})."
    return {"A2": (f"Diisi oleh penilai ({SOURCE}). Bagian \"{PART_STEP}\": Penilaian terhadap penerapan tiap langkah "
                   f"(Berjalan dengan baik / Tidak berjalan dengan baik), catatan hasil penilaian dan tindakan yang "
                   f"harus diambil. Bagian \"{PART_CRITERION}\": Ya/Tidak untuk tiap kriteria evaluasi penerapan SOP."),
            "A3": ("Lembar Laporan menyalin isian ini; yang kosong diisi saran dari data dan ditandai \"(saran)\". Untuk "
                   + other)}


def build_evaluation_sheet(ws: Any, sop: Any, year: Any, *, header_font: Any, header_fill: Any, note_font: Any,
                           title_font: Any, border: Any, table_style: Any, kind: str = TAHUNAN) -> None:
    """Lay out the sheet on an empty openpyxl worksheet (the builder's styles passed in); ``year`` is the first
    block's key (the year; a non-yearly ``kind``: the first period's label, None for an activity)."""
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.table import Table

    ws["A1"] = "Evaluasi Penerapan SOP"
    ws["A1"].font = title_font
    for coordinate, text in guide_notes(kind).items():
        ws[coordinate] = text
    yearly = kind == TAHUNAN
    headers = layout.evaluation_headers(kind)
    key = headers[0]
    for cell in (ws["A2"], ws["A3"]):
        cell.font = note_font
    header = layout.EVALUATION_HEADER_ROW
    for offset, label in enumerate(headers):
        cell = ws.cell(row=header, column=1 + offset, value=label)
        cell.font, cell.fill, cell.border = header_font, header_fill, border
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    rows = evaluation_rows(sop, year)
    guide = PatternFill("solid", fgColor="F2F2F2")
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, values in enumerate(rows, start=header + 1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.alignment = wrap
            if c == 4:
                cell.fill = guide
            if c == 1 and not yearly:
                cell.number_format = layout.TEXT_FORMAT
        ws.row_dimensions[r].height = 15 * max(1, -(-len(str(values[3])) // 60))
    last = header + len(rows) + layout.EVALUATION_FREE_ROWS
    width = len(layout.EVALUATION_HEADERS)
    table = Table(displayName=layout.EVALUATION_TABLE_NAME,
                  ref=f"A{header}:{get_column_letter(width)}{last}")
    table.tableStyleInfo = table_style
    ws.add_table(table)

    below = header + layout.ENTRY_ROWS

    def column(label: str) -> str:
        letter = get_column_letter(layout.EVALUATION_HEADERS.index(label) + 1)
        return f"{letter}{header + 1}:{letter}{below}"

    if not yearly:  # "2025-03" typed in a copied block stays text (Excel would make it a date)
        for r in range(header + len(rows) + 1, below + 1):
            ws.cell(row=r, column=1).number_format = layout.TEXT_FORMAT

    def validation(sqref: str, kind: str, title: str, error: str, prompt: str, **kw: Any) -> None:
        dv = DataValidation(type=kind, allow_blank=True, showErrorMessage=True, errorTitle=title, error=error,
                            showInputMessage=True, promptTitle=title, prompt=prompt, **kw)
        dv.add(sqref)
        ws.add_data_validation(dv)

    if yearly:
        validation(column(layout.V_YEAR), "whole", "Tahun", f"Isi tahun empat angka antara {YEAR_MIN} dan "
                   f"{YEAR_MAX}.", "Tahun pelaporan yang dinilai, mis. 2025.", operator="between",
                   formula1=str(YEAR_MIN), formula2=str(YEAR_MAX))
    else:
        validation(column(layout.V_YEAR), "textLength", key, f"Isi periode seperti {EXAMPLES[kind]} (paling banyak "
                   f"{LABEL_MAX} karakter).", f"Periode yang dinilai ({kind}), ditulis seperti pada lembar Langkah, "
                   f"mis. {EXAMPLES[kind]}.", operator="lessThanOrEqual", formula1=str(LABEL_MAX))
    validation(column(layout.V_PART), "list", "Bagian", f"Pilih {PART_STEP} atau {PART_CRITERION}.",
               f"{PART_STEP}: penilaian per langkah SOP. {PART_CRITERION}: evaluasi penerapan SOP.",
               formula1=f'"{PART_STEP},{PART_CRITERION}"')
    validation(column(layout.V_NO), "whole", "No", "Isi nomor langkah atau nomor kriteria.",
               f"Nomor langkah SOP, atau nomor kriteria 1-{len(CRITERIA)}.", operator="between", formula1="1",
               formula2="99")
    validation(column(layout.V_VERDICT), "list", "Penilaian",
               "Pilih dari daftar: untuk Langkah, Berjalan dengan baik / Tidak berjalan dengan baik; untuk Kriteria, "
               "Ya / Tidak.",
               "Langkah: Berjalan dengan baik / Tidak berjalan dengan baik. Kriteria: Ya / Tidak. Kosong = belum "
               "dinilai (laporan memberi saran).", formula1='"' + ",".join(VERDICT_CHOICES) + '"')

    for letter, width_ in {"A": 8, "B": 11, "C": 5, "D": 60, "E": 24, "F": 40, "G": 40}.items():
        ws.column_dimensions[letter].width = width_
    ws.row_dimensions[header].height = 30
    ws.freeze_panes = f"A{header + 1}"  # page set-up: lkj_xl.authoring.page_setup, as every printable sheet


def carry_evaluation(old_ws: Any, pos: Any, new_ws: Any, copy_cell: Any, *, stale_prefill: Any = ()) -> int:
    """``lkj upgrade``: every non-blank row of the old Evaluasi table (found at ``pos``, a
    :class:`~lkj_xl.workbook.tables.TablePos`) into the new sheet's table, as typed (``copy_cell(src, dst)``: value,
    text-or-formula, format, comment); the builder's prefilled block gives way.  Returns the rows carried.

    ``stale_prefill``: rows (values of the seven columns) an older builder prefilled that the tracker's kind no longer
    uses (a bare year in a tracker of periods); a block of such rows with the same key, every row unchanged and
    nothing judged, holds nothing a person typed and is not carried: the new build's prefilled block takes its
    place."""
    from lkj_xl.core.values import is_blank

    header = layout.EVALUATION_HEADER_ROW
    columns = {label: i for i, label in enumerate(layout.EVALUATION_HEADERS, start=1)}
    rows = []
    for r in range(pos.header_row + 1, old_ws.max_row + 1):
        cells = {label: old_ws.cell(row=r, column=col) for label, col in pos.columns.items() if label in columns}
        if any(not is_blank(c.value) for c in cells.values()):
            rows.append(cells)
    stale = {tuple(row) for row in stale_prefill}
    if stale:
        blocks: dict[Any, list[bool]] = {}
        for cells in rows:
            values = tuple(cells[label].value if label in cells else None for label in layout.EVALUATION_HEADERS)
            blocks.setdefault(values[0], []).append(values in stale)
        untouched = {key for key, same in blocks.items() if all(same)}
        if untouched:
            rows = [cells for cells in rows if cells[layout.V_YEAR].value not in untouched]
            if not rows:  # nothing a person typed: the new build's prefilled block stays
                return 0
    for r in range(header + 1, new_ws.max_row + 1):
        for c in columns.values():
            new_ws.cell(row=r, column=c).value = None
    for k, cells in enumerate(rows, start=1):
        for label, cell in cells.items():
            copy_cell(cell, new_ws.cell(row=header + k, column=columns[label]))
    table = new_ws.tables[layout.EVALUATION_TABLE_NAME]
    last = header + max(len(rows) + layout.EVALUATION_FREE_ROWS, 1)
    first_ref, last_ref = table.ref.split(":")
    letters = last_ref.rstrip("0123456789")
    if last > int(last_ref[len(letters):]):
        table.ref = f"{first_ref}:{letters}{last}"
        if table.autoFilter is not None:
            table.autoFilter.ref = table.ref
    return len(rows)


__all__ = ["build_evaluation_sheet", "carry_evaluation", "evaluation_rows", "guide_notes"]
