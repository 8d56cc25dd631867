"""The sheets people record on, as the builder makes them: one ``Langkah N`` sheet per step (top block, entry and
computed columns, dropdowns, status colours) and Evaluasi."""

from __future__ import annotations

from datetime import date
from typing import Any

from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from lkj_xl.authoring import sheet_style as st
from lkj_xl.authoring.report_template import fit_a4
from lkj_xl.core.periods import (
    EXAMPLES as PERIOD_EXAMPLES,
    LABEL_MAX as PERIOD_LABEL_MAX,
    PER_KEGIATAN,
    TAHUNAN,
    current_period,
)
from lkj_xl.core.schedule import (
    STATUS_DONE,
    STATUS_DONE_LATE,
    STATUS_DONE_ON_TIME,
    STATUS_LABELS,
    STATUS_OVERDUE,
    STATUS_RUNNING,
)
from lkj_xl.core.sop import Sop
from lkj_xl.core.validation import YEAR_MAX, YEAR_MIN
from lkj_xl.workbook import layout
from lkj_xl.workbook.writers import step_header_values


def _first_key(kind: str, year: int) -> Any:
    """The key the first row of a new step table holds: the year, the year's first period, nothing for an
    activity (its name is typed when it starts)."""
    if kind == PER_KEGIATAN:
        return None
    if kind == TAHUNAN:
        return year
    return str(current_period(kind, date(year, 1, 1)))


def build_step(ws, sop: Sop, step, year: int, kind: str = TAHUNAN) -> None:
    from lkj_xl.workbook.read_steps import step_title

    ws["A1"] = step_title(step.number, len(sop.steps), sop.nomor, sop.nama)
    ws["A1"].font = st.SUBTITLE
    last_col = len(layout.STEP_HEADERS)
    for label, value in zip(layout.STEP_HEADER_LABELS, step_header_values(step)):
        row = layout.STEP_HEADER_FIRST_ROW + layout.STEP_HEADER_LABELS.index(label)
        ws.cell(row=row, column=1, value=label).font = st.LABEL
        cell = ws.cell(row=row, column=2, value=value)
        cell.alignment = st.WRAP
        cell.fill = st.VALUE_FILL
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=last_col)
    ws.row_dimensions[layout.STEP_HEADER_FIRST_ROW].height = 32
    # The engine rewrites these value cells from the SOP sheet: it finds them by this name, never by their labels.
    last_top = layout.STEP_HEADER_FIRST_ROW + len(layout.STEP_HEADER_LABELS) - 1
    st.add_name(ws.parent, layout.step_top_name(step.number), ws.title, st.abs(2, layout.STEP_HEADER_FIRST_ROW, last_top))
    per = "tahun pelaporan" if kind == TAHUNAN else f"periode ({kind}, kolom {layout.F_PERIOD})"
    note = ws.cell(row=layout.STEP_NOTE_ROW, column=1,
                   value=f"Isi satu baris per {per}. Tanggal dan jam, mis. {st.DATETIME_EXAMPLE}. Kolom abu-abu "
                         "dihitung otomatis oleh Hitung Batas Waktu (atau lkj refresh); jangan diisi. Langkah yang "
                         "dikembalikan lalu diulang: Diterima tetap saat pertama diterima, Selesai saat terakhir "
                         "selesai, Ulang = berapa kali dikembalikan.")
    note.font = st.NOTE

    header = layout.STEP_TABLE_HEADER_ROW
    columns = {label: i for i, label in enumerate(layout.STEP_HEADERS, start=1)}
    first_computed = columns[layout.STEP_COMPUTED_HEADERS[0]]
    last_computed = columns[layout.STEP_COMPUTED_HEADERS[-1]]
    computed_note = ws.cell(row=layout.STEP_COMPUTED_NOTE_ROW, column=first_computed, value=layout.COMPUTED_NOTE)
    computed_note.font = st.NOTE
    computed_note.alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=layout.STEP_COMPUTED_NOTE_ROW, start_column=first_computed,
                   end_row=layout.STEP_COMPUTED_NOTE_ROW, end_column=last_computed)
    for label in layout.STEP_ENTRY_HEADERS:
        st.header(ws, header, columns[label], (layout.key_header(kind) if label == layout.F_YEAR else label,))
    st.header(ws, header, first_computed, layout.STEP_COMPUTED_HEADERS, st.COMPUTED_HEADER_FILL)
    for label in layout.STEP_COMPUTED_HEADERS:
        ws.cell(row=header, column=columns[label]).font = Font(bold=True, italic=True, color="FFFFFF")
    ws.cell(row=header, column=first_computed).comment = Comment(
        "Kolom abu-abu dihitung otomatis (Hitung Batas Waktu / lkj refresh). Jangan diisi.", "lkj-xl")

    ws.cell(row=header + 1, column=columns[layout.F_YEAR], value=_first_key(kind, year))
    first, below = header + 1, header + layout.ENTRY_ROWS
    if kind != TAHUNAN:
        for r in range(first, below + 1):  # "2025-03" stays text (Excel would make it a date)
            ws.cell(row=r, column=columns[layout.F_YEAR]).number_format = layout.TEXT_FORMAT
    datetime_cols = [columns[layout.F_RECEIVED], columns[layout.F_COMPLETED], columns[layout.C_START], columns[layout.C_DUE],
                     columns[layout.C_LATEST]]
    hours_cols = [columns[layout.C_LATE], columns[layout.C_ACTUAL]]
    computed_cols = [columns[label] for label in layout.STEP_COMPUTED_HEADERS]
    for r in range(first, below + 1):
        for c in datetime_cols:
            ws.cell(row=r, column=c).number_format = layout.DATETIME_FORMAT
        for c in hours_cols:
            ws.cell(row=r, column=c).number_format = layout.HOURS_FORMAT
        for c in computed_cols:
            ws.cell(row=r, column=c).fill = st.COMPUTED_FILL
    st.table(ws, layout.step_table(step.number), header, 1, header + 1, last_col)

    if kind == TAHUNAN:
        st.validation(ws, st.col_range(columns[layout.F_YEAR], first, below), "whole", operator="between",
                    formula1=str(YEAR_MIN), formula2=str(YEAR_MAX), title="Tahun",
                    error=f"Isi tahun pelaporan empat angka antara {YEAR_MIN} dan {YEAR_MAX}.")
    else:
        example = PERIOD_EXAMPLES[kind]
        st.validation(ws, st.col_range(columns[layout.F_YEAR], first, below), "textLength", operator="lessThanOrEqual",
                    formula1=str(PERIOD_LABEL_MAX), title=layout.F_PERIOD,
                    error=f"Isi periode seperti {example} (paling banyak {PERIOD_LABEL_MAX} karakter).",
                    prompt=f"Satu baris per periode ({kind}), mis. {example}.")
    for label in layout.STEP_DATE_HEADERS:
        st.date_validation(ws, st.col_range(columns[label], first, below), f"Tanggal {label.lower()}", with_time=True)
    st.validation(ws, st.col_range(columns[layout.F_PELAKSANA], first, below), "list", formula1=layout.STAFF_NAMES_NAME,
                title="Pelaksana", style="warning",
                error="Nama ini tidak ada di daftar pegawai (lembar Pegawai). Tambahkan dulu di lembar Pegawai, atau "
                      "pilih 'Ya' untuk tetap menyimpannya.")
    st.validation(ws, st.col_range(columns[layout.F_KELENGKAPAN], first, below), "list", formula1=f'"{layout.YES},{layout.NO}"',
                title="Kelengkapan", error="Pilih Ya atau Tidak.",
                prompt=f"Apakah kelengkapan ({step.kelengkapan or '-'}) diterima lengkap?")
    st.validation(ws, st.col_range(columns[layout.F_ULANG], first, below), "whole", operator="greaterThanOrEqual",
                formula1="0", title="Ulang", error="Isi bilangan bulat 0 atau lebih (berapa kali dikembalikan).",
                prompt="Berapa kali langkah ini dikembalikan dan diulang (kosong = 0). Diterima tetap saat pertama "
                       "diterima, Selesai saat terakhir selesai.")
    for r in range(first, below + 1):
        ws.cell(row=r, column=columns[layout.F_ULANG]).number_format = "0"
    computed_ref = f"{get_column_letter(first_computed)}{first}:{get_column_letter(last_computed)}{below}"
    st.validation(ws, computed_ref, "custom", formula1=f"ISBLANK({get_column_letter(first_computed)}{first})",
                title="Dihitung otomatis",
                error="Kolom ini dihitung otomatis oleh Hitung Batas Waktu (lkj refresh) dan tidak diisi tangan.")

    _status_colours(ws, columns, first, below)

    widths = {layout.F_YEAR: 18, layout.F_RECEIVED: 24, layout.F_COMPLETED: 24, layout.F_PELAKSANA: 28,
              layout.F_KELENGKAPAN: 13, layout.F_NOMOR: 20, layout.F_CATATAN: 32, layout.F_ULANG: 8,
              layout.C_START: 24, layout.C_DUE: 24, layout.C_STATUS: 20, layout.C_LATE: 13, layout.C_ACTUAL: 14,
              layout.C_LATEST: 24}
    st.widths(ws, {get_column_letter(columns[label]): widths.get(label, 16) for label in layout.STEP_HEADERS})
    ws.row_dimensions[header].height = 32
    ws.freeze_panes = f"B{header + 1}"
    fit_a4(ws, "landscape")


def status_colour_rules(columns: dict[str, int], first: int) -> list[tuple[str, str]]:
    """The step sheets' colour rules, in order (the first that holds wins): (formula for row ``first``, colour
    "red" / "green" / "amber").

    Colours follow the Status the engine wrote, so after a refresh they never say anything else: "Selesai
    terlambat" and "Terlambat" red, the other done statuses green.  Between refreshes one live rule turns a running
    step red once Excel's clock passes its Batas Waktu, but only when that due lies after the last refresh
    (``LKJ_DIPERBARUI``, Beranda's "Diperbarui pada"): a due already passed at the refresh was judged by the engine in
    working time (a due at 16.00 is not late at 17.00), and the Status says so.  Amber: running and due within the
    early-warning hours of clock time (Excel cannot count working hours)."""
    status = f"${get_column_letter(columns[layout.C_STATUS])}{first}"
    due = f"${get_column_letter(columns[layout.C_DUE])}{first}"
    done = f"${get_column_letter(columns[layout.F_COMPLETED])}{first}"
    labels = STATUS_LABELS
    running = f'{status}="{labels[STATUS_RUNNING]}",{done}="",ISNUMBER({due})'
    return [
        (f'{status}="{labels[STATUS_DONE_LATE]}"', "red"),
        (f'OR({status}="{labels[STATUS_DONE_ON_TIME]}",{status}="{labels[STATUS_DONE]}")', "green"),
        (f'{status}="{labels[STATUS_OVERDUE]}"', "red"),
        (f'AND({running},{due}<NOW(),ISNUMBER({layout.UPDATED_NAME}),{due}>{layout.UPDATED_NAME})', "red"),
        (f'AND({running},{due}>=NOW(),({due}-NOW())*24<={layout.DUE_SOON_NAME})', "amber"),
    ]


def _status_colours(ws, columns: dict[str, int], first: int, below: int) -> None:
    """Batas Waktu and Status coloured by :func:`status_colour_rules`."""
    flagged = (f"{get_column_letter(columns[layout.C_DUE])}{first}:"
               f"{get_column_letter(columns[layout.C_STATUS])}{below}")
    styles = {"red": st.RED, "green": st.GREEN, "amber": st.AMBER}
    for formula, colour in status_colour_rules(columns, first):
        fill, font = styles[colour]
        ws.conditional_formatting.add(flagged, FormulaRule(formula=[formula], fill=fill, font=font, stopIfTrue=True))


def build_evaluation(ws, sop: Sop, year: int, kind: str = TAHUNAN) -> None:
    from lkj_xl.authoring.evaluation_sheet import build_evaluation_sheet

    build_evaluation_sheet(ws, sop, _first_key(kind, year), kind=kind, header_font=st.HEADER_FONT, header_fill=st.HEADER_FILL, note_font=st.NOTE,
                           title_font=st.TITLE, border=st.BOX, table_style=st.TABLE_STYLE)


