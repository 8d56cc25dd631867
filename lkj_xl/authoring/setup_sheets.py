"""The sheets the admin fills, as the builder makes them: SOP (with the flowchart table), Pengaturan (with the cycle
rows), Jam Khusus, Hari Libur and Pegawai."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment

from lkj_xl.authoring import sheet_style as st
from lkj_xl.core.entries import StaffEntry
from lkj_xl.core.periods import NO_RULE_TEXT, SOP_RULE_TEXT
from lkj_xl.core.report import place_of
from lkj_xl.core.schedule import cycle_span
from lkj_xl.core.settings import Settings
from lkj_xl.core.sop import IDENTITY_FIELDS, SYMBOLS, Sop, format_branches, format_group
from lkj_xl.core.validation import YEAR_MAX, YEAR_MIN
from lkj_xl.core.worktime import DEFAULT_WEEK, WEEKDAY_NAMES_ID
from lkj_xl.workbook import layout
from lkj_xl.workbook.holiday_table import national_holidays


def build_sop(wb: Workbook, ws, sop: Sop) -> None:
    ws["A1"] = "Standar Operasional Prosedur (SOP)"
    ws["A1"].font = st.TITLE
    ws["A2"] = ("Lembar ini adalah acuan semua perhitungan (format Permenpan RB 35/2012). Bila Waktu atau Pelaksana "
                "suatu langkah diubah di sini, batas waktu dan laporan mengikuti pada perhitungan berikutnya.")
    ws["A2"].font = st.NOTE
    st.header(ws, layout.SOP_IDENTITY_FIRST_ROW - 1, 1, layout.SOP_IDENTITY_HEADER)
    for offset, (label, attr) in enumerate(IDENTITY_FIELDS):
        row = layout.SOP_IDENTITY_FIRST_ROW + offset
        value = getattr(sop, attr)
        ws.cell(row=row, column=1, value=label).font = st.LABEL
        cell = ws.cell(row=row, column=2, value="\n".join(value) if isinstance(value, tuple) else value)
        cell.number_format = layout.TEXT_FORMAT
        cell.alignment = st.WRAP
        cell.border = st.BOX
        if isinstance(value, tuple) and len(value) > 1:
            ws.row_dimensions[row].height = 15 * min(len(value) * 2, 8)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=8)

    # Roles (the Pelaksana columns of the SOP): the dropdown of Pegawai's Jabatan and of the step table's Pelaksana.
    st.header(ws, layout.ROLES_HEADER_ROW, layout.ROLES_COLUMN, (layout.ROLES_HEADER,))
    for offset, role in enumerate(sop.roles, start=1):
        ws.cell(row=layout.ROLES_HEADER_ROW + offset, column=layout.ROLES_COLUMN, value=role).border = st.BOX
    roles_last = layout.ROLES_HEADER_ROW + layout.ROLES_MAX
    st.add_name(wb, layout.ROLES_NAME, layout.SHEET_SOP, st.abs(layout.ROLES_COLUMN, layout.ROLES_HEADER_ROW + 1, roles_last))
    note = ws.cell(row=roles_last + 1, column=layout.ROLES_COLUMN, value="Satu jabatan per baris, tanpa baris kosong.")
    note.font = st.NOTE

    ws.cell(row=layout.SOP_TABLE_TITLE_ROW, column=1, value="Langkah-langkah Prosedur").font = st.SUBTITLE
    header = layout.SOP_TABLE_HEADER_ROW
    st.header(ws, header, 1, layout.SOP_HEADERS)
    for offset, step in enumerate(sop.steps, start=1):
        row = header + offset
        by_label = {layout.S_NO: step.number, layout.S_URAIAN: step.uraian, layout.S_PELAKSANA: step.actor,
                    layout.S_PELAKSANA_LAIN: ", ".join(step.participants) or None,
                    layout.S_KELENGKAPAN: step.kelengkapan or None, layout.S_WAKTU: step.waktu or None,
                    layout.S_WAKTU_RENCANA: step.waktu_rencana or None, layout.S_OUTPUT: step.output or None,
                    layout.S_KETERANGAN: step.keterangan or None}
        values = [by_label[label] for label in layout.SOP_HEADERS]
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=column, value=value)
            cell.alignment = st.WRAP
            if column > 1:
                cell.number_format = layout.TEXT_FORMAT
    last = header + max(len(sop.steps), 1)
    st.table(ws, layout.SOP_TABLE_NAME, header, 1, last, len(layout.SOP_HEADERS))
    columns = {label: i for i, label in enumerate(layout.SOP_HEADERS, start=1)}
    below = header + layout.ENTRY_ROWS
    st.validation(ws, st.col_range(columns[layout.S_PELAKSANA], header + 1, below), "list", formula1=layout.ROLES_NAME,
                title="Pelaksana", error=f"Pilih jabatan dari daftar \"{layout.ROLES_HEADER}\" (kolom J lembar ini).",
                prompt="Jabatan yang memegang langkah ini.")
    st.validation(ws, st.col_range(columns[layout.S_WAKTU], header + 1, below), "textLength", operator="lessThanOrEqual",
                formula1="100", title="Standar waktu",
                error="Standar waktu terlalu panjang.",
                prompt="Contoh: 5 menit, 3 jam, 1 hari kerja, 2 minggu, 1 - 20 hari kerja, atau kosong/- bila tanpa "
                       "standar.")
    st.validation(ws, st.col_range(columns[layout.S_WAKTU_RENCANA], header + 1, below), "textLength",
                operator="lessThanOrEqual", formula1="100", title="Waktu rencana",
                error="Waktu rencana terlalu panjang.",
                prompt="Lama yang direncanakan untuk langkah tanpa standar Waktu, mis. 20 hari kerja. Dipakai untuk "
                       "rencana dan perkiraan selesai, bukan untuk menilai terlambat. Kosong: median siklus "
                       "sebelumnya.")
    build_flow(ws, sop)
    st.widths(ws, {"A": 24, "B": 60, "C": 16, "D": 16, "E": 26, "F": 14, "G": 16, "H": 30, "I": 28, "J": 3, "K": 22,
                 "L": 3, "M": 10, "N": 14, "O": 30, "P": 16})
    ws.freeze_panes = "A4"


def build_flow(ws, sop: Sop) -> None:
    """The flow table beside tblSOP: each step's flowchart symbol, a decision's branches and the steps sharing one
    Waktu (as ``lkj sop import`` read them; the admin may correct them here)."""
    first = layout.FLOW_COLUMN
    ws.cell(row=layout.SOP_TABLE_TITLE_ROW, column=first, value="Bagan alir").font = st.SUBTITLE
    header = layout.SOP_TABLE_HEADER_ROW
    st.header(ws, header, first, layout.FLOW_HEADERS)
    for offset, step in enumerate(sop.steps, start=1):
        values = [step.number, step.symbol or None, format_branches(step.branches) or None,
                  format_group(step.waktu_group) or None]
        for column, value in enumerate(values, start=first):
            cell = ws.cell(row=header + offset, column=column, value=value)
            cell.alignment = st.WRAP
            if column > first:
                cell.number_format = layout.TEXT_FORMAT
    last = header + max(len(sop.steps), 1)
    st.table(ws, layout.FLOW_TABLE_NAME, header, first, last, first + len(layout.FLOW_HEADERS) - 1)
    below = header + layout.ENTRY_ROWS
    st.validation(ws, st.col_range(first + 1, header + 1, below), "list", formula1='"' + ",".join(SYMBOLS) + '"',
                title="Simbol", error="Pilih simbol bagan alir: " + ", ".join(SYMBOLS) + ".",
                prompt="Simbol langkah ini pada bagan alir SOP.")
    st.validation(ws, st.col_range(first + 2, header + 1, below), "textLength", operator="lessThanOrEqual",
                formula1="255", title="Cabang", error="Teks cabang terlalu panjang.",
                prompt="Cabang keputusan: label dan langkah tujuan, mis. Ya: 5; Tidak: 3 (? bila belum diketahui).")
    st.validation(ws, st.col_range(first + 3, header + 1, below), "textLength", operator="lessThanOrEqual",
                formula1="60", title="Waktu Bersama", error="Teks terlalu panjang.",
                prompt="Bila satu Waktu berlaku untuk beberapa langkah (sel digabung di dokumen SOP), tulis "
                       "langkahnya, mis. 4-6, di setiap langkah itu; Waktu ditulis di langkah pertama saja.")


def build_settings(wb: Workbook, ws, settings: Settings) -> None:
    ws["A1"] = "Pengaturan"
    ws["A1"].font = st.TITLE
    ws["A2"] = "Ubah nilai di kolom Nilai. Kolom Keterangan / Sumber menjelaskan asal nilai bawaan."
    ws["A2"].font = st.NOTE
    st.header(ws, layout.SETTINGS_HEADER_ROW, 1, layout.SETTINGS_HEADER)
    rows = {
        layout.P_YEAR: (settings.year, "0",
                   f"Tahun yang dilaporkan; LKj-nya disusun pada tahun berikutnya ({st.SOURCE_SOP})."),
        layout.P_AGENCY: (settings.agency, layout.TEXT_FORMAT, "Nama perangkat daerah penyusun LKj."),
        layout.P_GOVERNMENT: (settings.government, layout.TEXT_FORMAT, ""),
        layout.P_DEADLINE: (settings.deadline_override, layout.DATETIME_FORMAT,
                       f"Kosongkan = aturan {st.SOURCE_SOP}: hari kerja terakhir s.d. 31 Maret tahun berikutnya, pada "
                       "jam pulang. Isi tanggal (dan jam) bila ada ketentuan lain; tanggal tanpa jam berarti "
                       "sampai akhir hari itu."),
        layout.P_DUE_SOON: (settings.due_soon_hours, "0",
                       "Langkah yang berjalan ditandai 'segera jatuh tempo' sekian jam kerja sebelum batas waktunya "
                       "(warna kuning di Excel memakai jam biasa sebagai perkiraan)."),
        layout.P_BACKUPS: (settings.backups, "0", "Banyaknya salinan cadangan yang disimpan di folder 'Cadangan LKj'."),
        layout.P_VERSION: (layout.LAYOUT_VERSION, "0", "Versi tata letak buku kerja ini. Jangan diubah."),
        layout.P_SMTP_HOST: (settings.smtp.get(layout.P_SMTP_HOST), layout.TEXT_FORMAT,
                             "Server surat keluar untuk pengingat email (`lkj pengingat --email`), mis. "
                             "mail.madiunkota.go.id; kosongkan bila tidak dipakai. Variabel LKJ_SMTP_HOST menimpanya."),
        layout.P_SMTP_PORT: (settings.smtp.get(layout.P_SMTP_PORT), layout.TEXT_FORMAT,
                             "Kosong = 587 untuk STARTTLS, 465 untuk SSL, 25 tanpa keamanan (LKJ_SMTP_PORT)."),
        layout.P_SMTP_SECURITY: (settings.smtp.get(layout.P_SMTP_SECURITY) or "STARTTLS", layout.TEXT_FORMAT,
                                 "Tanpa, STARTTLS atau SSL, sesuai petunjuk pengelola server email "
                                 "(LKJ_SMTP_SECURITY)."),
        layout.P_SMTP_USER: (settings.smtp.get(layout.P_SMTP_USER), layout.TEXT_FORMAT,
                             "Nama pengguna untuk masuk ke server (LKJ_SMTP_USER). Kata sandi TIDAK PERNAH disimpan "
                             "di buku kerja ini: isi variabel LKJ_SMTP_PASSWORD atau simpan di Windows dengan "
                             "`lkj pengingat --simpan-sandi`."),
        layout.P_SMTP_FROM: (settings.smtp.get(layout.P_SMTP_FROM), layout.TEXT_FORMAT,
                             "Alamat pengirim, mis. LKj Inspektorat <lkj@madiunkota.go.id> (LKJ_SMTP_FROM)."),
        **cycle_rows(settings),
        layout.P_PLACE: (settings.place or place_of(settings.government) or None, layout.TEXT_FORMAT,
                         "Tempat pada tanda tangan laporan (\"Madiun, 6 Maret 2026\"); diisi awal dari nama "
                         "pemerintah, ubah bila perlu."),
        layout.P_PREPARER: (settings.preparer or None, layout.TEXT_FORMAT,
                            f"Nama pegawai (dari lembar {layout.SHEET_STAFF}) yang menyusun laporan dan "
                            "menandatanganinya; \"Mengetahui\" ditandatangani kepala (Jabatan pertama SOP)."),
    }
    for label in layout.SETTINGS_LABELS:
        row = layout.settings_row(label)
        value, number_format, note = rows[label]
        ws.cell(row=row, column=1, value=label).font = st.LABEL
        cell = ws.cell(row=row, column=2, value=value)
        cell.number_format = number_format
        cell.fill = st.VALUE_FILL
        cell.border = st.BOX
        cell.alignment = Alignment(horizontal="left", vertical="top")
        ws.cell(row=row, column=3, value=note or None).alignment = st.WRAP
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=len(layout.WEEK_HEADERS))
        if len(note) > 90:
            ws.row_dimensions[row].height = 30
    value_col = 2
    st.add_name(wb, layout.VERSION_NAME, layout.SHEET_SETTINGS, st.abs(value_col, layout.settings_row(layout.P_VERSION)))
    st.add_name(wb, layout.DUE_SOON_NAME, layout.SHEET_SETTINGS, st.abs(value_col, layout.settings_row(layout.P_DUE_SOON)))
    st.validation(ws, f"B{layout.settings_row(layout.P_YEAR)}", "whole", operator="between", formula1=str(YEAR_MIN),
                formula2=str(YEAR_MAX), title="Tahun pelaporan",
                error=f"Isi tahun empat angka antara {YEAR_MIN} dan {YEAR_MAX}, mis. 2025.")
    st.date_validation(ws, f"B{layout.settings_row(layout.P_DEADLINE)}", "Batas akhir")
    for label in (layout.P_DUE_SOON, layout.P_BACKUPS):
        st.validation(ws, f"B{layout.settings_row(label)}", "whole", operator="between", formula1="0", formula2="1000",
                    title=label, error="Isi bilangan bulat 0 atau lebih.")
    st.validation(ws, f"B{layout.settings_row(layout.P_SMTP_SECURITY)}", "list",
                formula1='"' + ",".join(layout.SMTP_SECURITY_CHOICES) + '"', title=layout.P_SMTP_SECURITY,
                error="Pilih Tanpa, STARTTLS atau SSL.")
    st.validation(ws, f"B{layout.settings_row(layout.P_PREPARER)}", "list", formula1=layout.STAFF_NAMES_NAME,
                title=layout.P_PREPARER, style="warning",
                error=f"Pilih nama dari lembar {layout.SHEET_STAFF}.")
    st.validation(ws, f"B{layout.settings_row(layout.P_SMTP_PORT)}", "textLength", operator="lessThanOrEqual",
                formula1="5", title=layout.P_SMTP_PORT, error="Isi nomor port, mis. 587, atau kosongkan.")
    cycle_validations(ws, {label: layout.settings_row(label) for label in layout.CYCLE_LABELS})

    ws.cell(row=layout.WEEK_TITLE_ROW, column=1, value=f"Jam kerja ({st.SOURCE_PERPRES})").font = st.SUBTITLE
    header = layout.WEEK_HEADER_ROW
    st.header(ws, header, 1, layout.WEEK_HEADERS)
    week = settings.week if len(settings.week) == 7 else DEFAULT_WEEK
    for i, (name, hours) in enumerate(zip(WEEKDAY_NAMES_ID, week)):
        row = header + 1 + i
        breaks = hours.breaks[0] if hours is not None and hours.breaks else (None, None)
        if hours is None:
            source = f"{st.SOURCE_PERPRES} Pasal 2: 5 hari kerja, Senin s.d. Jumat."
        elif i == 4:
            source = (f"{st.SOURCE_PERPRES} Pasal 3-4: 37 jam 30 menit seminggu di luar istirahat, masuk 07.30, "
                      "istirahat 90 menit hari Jumat. Jam setempat dapat berbeda.")
        else:
            source = (f"{st.SOURCE_PERPRES} Pasal 3-4: 37 jam 30 menit seminggu di luar istirahat, masuk 07.30, "
                      "istirahat 60 menit Senin-Kamis. Jam setempat dapat berbeda.")
        values = [name, layout.YES if hours is not None else layout.NO,
                  hours.start if hours else None, breaks[0], breaks[1], hours.end if hours else None, source]
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=column, value=value)
            if 3 <= column <= 6:
                cell.number_format = layout.TIME_FORMAT
        ws.cell(row=row, column=7).alignment = st.WRAP
    last = header + 7
    st.table(ws, layout.WEEK_TABLE_NAME, header, 1, last, len(layout.WEEK_HEADERS))
    st.validation(ws, f"B{header + 1}:B{last}", "list", formula1=f'"{layout.YES},{layout.NO}"', title="Hari kerja?",
                error="Pilih Ya atau Tidak.")
    st.validation(ws, f"C{header + 1}:F{last}", "time", operator="between", formula1="0", formula2="0.999305555555556",
                title="Jam", error="Isi jam seperti 07:30.")
    build_special_hours(ws)
    st.widths(ws, {"A": 28, "B": 24, "C": 12, "D": 16, "E": 17, "F": 12, "G": 70, "H": 12, "I": 40})


def cycle_rows(settings: Settings) -> dict[str, tuple[Any, str, str]]:
    """The Pengaturan rows of layout version 3, label -> (value, number format, source note): the period kind, the
    deadline rule and the time zone (also what `lkj upgrade` adds to an older tracker)."""
    rule = settings.deadline_rule
    rule_text = rule.describe() if rule is not None else (SOP_RULE_TEXT if settings.yearly else NO_RULE_TEXT)
    return {
        layout.P_PERIOD_KIND: (settings.period_kind, layout.TEXT_FORMAT,
                               f"Seberapa sering SOP ini dijalankan: {', '.join(layout.PERIOD_KIND_CHOICES)}. "
                               f"Tahunan ({st.SOURCE_SOP}): satu baris per tahun, kolom Tahun. Lainnya: kolom "
                               f"Periode, mis. 2025-S1, 2025-TW3, 2025-03, atau nama kegiatan."),
        layout.P_DEADLINE_RULE: (rule_text, layout.TEXT_FORMAT,
                                 f"Batas akhir tiap periode: tanggal setelah akhir periode (\"{SOP_RULE_TEXT}\" = "
                                 f"{st.SOURCE_SOP}; \"15/01\"), jumlah hari kerja setelah akhir periode (\"10 hari "
                                 f"kerja\"; per kegiatan: sejak Diterima langkah pertama) atau \"{NO_RULE_TEXT}\". "
                                 f"Hari libur dan akhir pekan dilewati; berakhir pada jam pulang. Kosong = "
                                 f"{SOP_RULE_TEXT} untuk tahunan, tidak ada untuk lainnya."),
        layout.P_TIMEZONE: (settings.timezone, layout.TEXT_FORMAT,
                            "WIB (UTC+7), WITA (UTC+8) atau WIT (UTC+9), Keputusan Presiden No. 41 Tahun 1987. "
                            "Waktu sekarang, batas waktu dan semua jam yang ditampilkan memakai zona ini."),
    }


def cycle_validations(ws, rows: dict[str, int]) -> None:
    """The dropdowns of "Periode siklus" and "Zona waktu" and the length check of "Aturan batas akhir", at the
    given sheet rows (column B)."""
    st.validation(ws, f"B{rows[layout.P_PERIOD_KIND]}", "list",
                formula1='"' + ",".join(layout.PERIOD_KIND_CHOICES) + '"', title=layout.P_PERIOD_KIND,
                error="Pilih " + ", ".join(layout.PERIOD_KIND_CHOICES) + ".")
    st.validation(ws, f"B{rows[layout.P_DEADLINE_RULE]}", "textLength", operator="lessThanOrEqual", formula1="60",
                title=layout.P_DEADLINE_RULE,
                prompt=f"Mis. {SOP_RULE_TEXT}, 15/01, 10 hari kerja, atau {NO_RULE_TEXT}.",
                error="Aturan terlalu panjang.")
    st.validation(ws, f"B{rows[layout.P_TIMEZONE]}", "list", formula1='"' + ",".join(layout.TIMEZONE_CHOICES) + '"',
                title=layout.P_TIMEZONE, error="Pilih WIB, WITA atau WIT.")


def build_special_hours(ws) -> None:
    """An empty table for periods with other hours (Ramadan: the MenPANRB circular of each year sets them)."""
    ws.cell(row=layout.SPECIAL_TITLE_ROW, column=1,
            value="Jam kerja khusus, mis. bulan Ramadan (diatur tiap tahun oleh Surat Edaran Menteri PANRB). "
                  "Satu baris per periode dan hari, mis. Senin-Kamis dan Jumat. Hari yang tidak disebut memakai jam "
                  "kerja biasa.").font = st.SUBTITLE
    header = layout.SPECIAL_HEADER_ROW
    st.header(ws, header, 1, layout.SPECIAL_HEADERS)
    first, last = header + 1, header + layout.SPECIAL_FREE_ROWS
    for row in range(first, last + 1):
        for column in (1, 2):
            ws.cell(row=row, column=column).number_format = layout.DATE_FORMAT
        for column in range(5, 9):
            ws.cell(row=row, column=column).number_format = layout.TIME_FORMAT
    st.table(ws, layout.SPECIAL_TABLE_NAME, header, 1, last, len(layout.SPECIAL_HEADERS))
    st.date_validation(ws, f"A{first}:B{last}", "Tanggal periode")
    st.validation(ws, f"D{first}:D{last}", "list", formula1=f'"{layout.YES},{layout.NO}"', title="Hari kerja?",
                error="Pilih Ya atau Tidak.")
    st.validation(ws, f"E{first}:H{last}", "time", operator="between", formula1="0", formula2="0.999305555555556",
                title="Jam", error="Isi jam seperti 08:00.")


def build_holidays(ws, year: int) -> None:
    # The reporting year itself (a letter may arrive in December), the year the LKj is made, and one more for
    # safety.  Covering exactly the years the engine asks for also spares a ribbon click the holidays package.
    years = cycle_span(year)
    ws["A1"] = "Hari Libur Nasional, Cuti Bersama dan Libur Lokal"
    ws["A1"].font = st.TITLE
    ws["A2"] = (f"Diisi otomatis untuk tahun {years[0]} s.d. {years[-1]} (Keppres hari libur nasional dan SKB cuti "
                "bersama, dari paket holidays). Tambahkan libur lokal di baris kosong (Jenis: Lokal). Bila SKB "
                "direvisi, isi 'Ya' pada kolom 'Bukan libur?' untuk membatalkan suatu tanggal.")
    ws["A2"].font = st.NOTE
    header = layout.LIST_HEADER_ROW
    st.header(ws, header, 1, layout.HOLIDAY_HEADERS)
    holidays = national_holidays(years)
    row = header
    for row, (day, name) in enumerate(holidays.items(), start=header + 1):
        note = "Tanggal perkiraan; periksa SKB terbaru." if "perkiraan" in name.casefold() else None
        values = [datetime(day.year, day.month, day.day), name, layout.holiday_kind(name), None, note]
        for column, value in enumerate(values, start=1):
            ws.cell(row=row, column=column, value=value)
    last = row + layout.HOLIDAY_FREE_ROWS
    below = header + max(layout.ENTRY_ROWS, last - header + 100)
    for r in range(header + 1, below + 1):
        ws.cell(row=r, column=1).number_format = layout.DATE_FORMAT
    st.table(ws, layout.HOLIDAY_TABLE_NAME, header, 1, last, len(layout.HOLIDAY_HEADERS))
    st.date_validation(ws, st.col_range(1, header + 1, below), "Tanggal libur")
    st.validation(ws, st.col_range(3, header + 1, below), "list", formula1='"' + ",".join(layout.HOLIDAY_KINDS) + '"',
                title="Jenis", error="Pilih Nasional, Cuti Bersama atau Lokal.")
    st.validation(ws, st.col_range(4, header + 1, below), "list", formula1=f'"{layout.YES}"', title="Bukan libur?",
                error="Isi 'Ya' untuk membatalkan tanggal ini, atau kosongkan.")
    st.widths(ws, {"A": 22, "B": 48, "C": 16, "D": 14, "E": 40})
    ws.freeze_panes = f"A{header + 1}"


def _staff_values(person: StaffEntry | Sequence[Any]) -> list[Any]:
    width = len(layout.STAFF_HEADERS)
    if isinstance(person, StaffEntry):
        values = [person.nama, person.nip, person.jabatan, person.keterangan, person.whatsapp, person.email,
                  person.pangkat]
    else:
        values = list(person)[:width] + [None] * (width - len(list(person)[:width]))
    if isinstance(values[1], int):
        values[1] = str(values[1])
    return values


def build_staff(wb: Workbook, ws, staff: Iterable[StaffEntry | Sequence[Any]]) -> None:
    ws["A1"] = "Daftar Pegawai"
    ws["A1"].font = st.TITLE
    ws["A2"] = ("Isi nama, NIP (18 angka, boleh dengan spasi) dan jabatan sesuai SOP. Pejabat Plt./Plh. ditulis di "
                "kolom Keterangan. Nama di sini muncul sebagai pilihan Pelaksana di lembar Langkah. No. WhatsApp "
                "dan Email (boleh kosong) dipakai untuk pengingat. Pangkat/Golongan tercetak di tanda tangan "
                "laporan.")
    ws["A2"].font = st.NOTE
    header = layout.LIST_HEADER_ROW
    st.header(ws, header, 1, layout.STAFF_HEADERS)
    people = [_staff_values(p) for p in staff]
    for offset, values in enumerate(people, start=1):
        for column, value in enumerate(values, start=1):
            ws.cell(row=header + offset, column=column, value=value)
    last = header + len(people) + layout.STAFF_FREE_ROWS
    below = header + layout.STAFF_NAME_ROWS
    whatsapp = layout.STAFF_HEADERS.index(layout.E_WHATSAPP) + 1
    email = layout.STAFF_HEADERS.index(layout.E_EMAIL) + 1
    for r in range(header + 1, below + 1):
        for column in (2, whatsapp, email):
            ws.cell(row=r, column=column).number_format = layout.TEXT_FORMAT
    st.table(ws, layout.STAFF_TABLE_NAME, header, 1, last, len(layout.STAFF_HEADERS))
    st.add_name(wb, layout.STAFF_NAMES_NAME, layout.SHEET_STAFF, st.abs(1, header + 1, below))
    st.validation(ws, st.col_range(3, header + 1, below), "list", formula1=layout.ROLES_NAME, title="Jabatan",
                error=f"Pilih jabatan dari daftar; daftar jabatan ada di lembar {layout.SHEET_SOP} "
                      f"(kolom \"{layout.ROLES_HEADER}\").")
    st.validation(ws, st.col_range(2, header + 1, below), "textLength", operator="lessThanOrEqual", formula1="30",
                title="NIP", error="NIP terdiri dari 18 angka (boleh dengan spasi).",
                prompt="18 angka, mis. 19800101 200501 1 001.")
    st.validation(ws, st.col_range(whatsapp, header + 1, below), "textLength", operator="lessThanOrEqual",
                formula1="30", title=layout.E_WHATSAPP, style="warning",
                error="Nomor HP terlalu panjang; tulis mis. 0812-3456-7890.",
                prompt="Nomor HP yang memakai WhatsApp, mis. 0812-3456-7890 atau +62 812 3456 7890. Dipakai untuk "
                       "tautan pengingat di Beranda.")
    st.validation(ws, st.col_range(email, header + 1, below), "textLength", operator="lessThanOrEqual",
                formula1="254", title=layout.E_EMAIL, style="warning", error="Alamat email terlalu panjang.",
                prompt="Alamat email untuk pengingat dan undangan kalender, mis. nama@madiunkota.go.id.")
    st.widths(ws, {"A": 34, "B": 26, "C": 20, "D": 30, "E": 20, "F": 30, "G": 28})
    ws.freeze_panes = f"A{header + 1}"


