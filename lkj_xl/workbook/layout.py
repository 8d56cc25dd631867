"""The tracker workbook's layout, as data: the single source the builder, the reader and the writers share.

Nothing here imports openpyxl (the live ribbon path reads the layout too).

Where things are (1-based rows; "A", "B" are columns):

* ``Beranda``: labels in A4:A12, the values refresh writes in B4:B12 (``BERANDA_VALUE_COLUMN`` /
  ``BERANDA_FIRST_ROW``, order ``BERANDA_FIELDS``), short instructions from row 14, the "Pengingat" block (title
  row ``REMINDERS_TITLE_ROW``, header ``REMINDER_HEADERS`` below it, one row per reminder with its WhatsApp link).
* ``SOP``: identity fields as label (A) / value (B) rows from A4 (order ``sop.IDENTITY_FIELDS``; list fields hold one
  item per line in one cell); the roles list ("Jabatan Pelaksana") in column J from J3 (header) / J4 (items); the
  step table ``tblSOP`` with its header on row ``SOP_TABLE_HEADER_ROW``.
* ``Pengaturan``: setting label (A) / value (B) / source note (C) rows from row 5 (order ``SETTINGS_LABELS``); the
  layout version is the value of the row "Versi tata letak" (B11), also reachable through the defined name
  ``LKJ_VERSI_TATA_LETAK``; the week table ``tblJamKerja`` with its header on row ``WEEK_HEADER_ROW``.
* ``Hari Libur`` / ``Pegawai``: title in A1, a note in A2, table header on row 3, data from row 4.
* ``Langkah N``: title in A1, the step's top block as label (A) / value (B) rows 3-9 (order ``STEP_HEADER_LABELS``;
  values written from the SOP sheet by refresh, never formulas), a note on row 10, the "dihitung otomatis" note on
  row 11 above the computed columns, the table ``tblLangkahN`` with its header on row 12, data from row 13.
* ``Masalah``: header on row 1 (``PROBLEM_HEADERS``), data from row 2; column F holds a HYPERLINK formula the builder
  writes once per row (it links to the sheet/cell named in A/B), so the writer only ever writes plain text in A:E;
  when the list was made in H1:I2 (``PROBLEM_CHECKED_HEADERS``).
* ``Riwayat``: header on row 1 (``HISTORY_HEADERS``), data from row 2, oldest first.

The reader never relies on those row numbers for tables and label/value blocks: it finds a table by its header row
(by label) and a setting by its label, so a moved or extra column or row still works.  Fixed addresses are used only
for cells the engine alone writes (Beranda values, Masalah, Riwayat).
"""

from __future__ import annotations

import re

from lkj_xl.core.values import normalize_label  # noqa: F401 - layout labels compare this way
from lkj_xl.core.entries import (
    F_CATATAN, F_COMPLETED, F_KELENGKAPAN, F_NOMOR, F_PELAKSANA, F_PERIOD, F_RECEIVED, F_ULANG, F_YEAR,
)
from lkj_xl.core.periods import PERIOD_KINDS
from lkj_xl.core.zones import ZONE_NAMES

#: Bumped whenever a change here would make an older reader misread a workbook.
LAYOUT_VERSION = 3
#: Defined name pointing at the version cell on Pengaturan.
VERSION_NAME = "LKJ_VERSI_TATA_LETAK"

# --- sheets --------------------------------------------------------------------------------------------------------

SHEET_HOME = "Beranda"
SHEET_SOP = "SOP"
SHEET_SETTINGS = "Pengaturan"
SHEET_HOLIDAYS = "Hari Libur"
SHEET_STAFF = "Pegawai"
SHEET_REPORT = "Laporan"
SHEET_EVALUATION = "Evaluasi"  # layout version 3: what the SOP's evaluator decides, typed by a person
SHEET_PROBLEMS = "Masalah"
SHEET_HISTORY = "Riwayat"
#: Layout version 3: the closed cycles (``lkj tutup``), one row each, written by the engine only.
SHEET_CLOSED = "Siklus Tertutup"

STEP_SHEET_PREFIX = "Langkah "


def step_sheet(number: int) -> str:
    """``3`` -> ``"Langkah 3"``."""
    return f"{STEP_SHEET_PREFIX}{number}"


def step_table(number: int) -> str:
    """``3`` -> ``"tblLangkah3"``."""
    return f"tblLangkah{number}"


def step_top_name(number: int) -> str:
    """The defined name of a step sheet's top-block value cells (B3:B9), made by the builder."""
    return f"LKJ_LANGKAH_{number}_ATAS"


def step_of_sheet(name: str) -> int | None:
    """``"Langkah 3"`` -> 3; anything else -> None."""
    match = re.fullmatch(r"Langkah (\d+)", name)
    return int(match.group(1)) if match else None


def sheet_order(step_numbers) -> list[str]:
    """Every sheet of a tracker, in workbook order."""
    return ([SHEET_HOME, SHEET_SOP, SHEET_SETTINGS, SHEET_HOLIDAYS, SHEET_STAFF]
            + [step_sheet(n) for n in step_numbers]
            + [SHEET_EVALUATION, SHEET_REPORT, SHEET_PROBLEMS, SHEET_HISTORY, SHEET_CLOSED])


def quote_sheet(name: str) -> str:
    """A sheet name as formulas and defined names need it: ``'Hari Libur'``."""
    return "'" + name.replace("'", "''") + "'"


# --- display formats -----------------------------------------------------------------------------------------------

#: Indonesian (LCID 0421) date-time display, the one style people read: "6 Januari 2026 08.00" (PUEBI: time with a
#: dot), the same text lkj_xl.core.dates gives in prose.  A date without a time: DATE_FORMAT, "6 Januari 2026".
DATETIME_FORMAT = '[$-421]d mmmm yyyy hh"."mm'
DATE_FORMAT = "[$-421]d mmmm yyyy"
TIME_FORMAT = "hh:mm"
#: The step tables' "(jam kerja)" columns hold hours as numbers (rounded to 0.01 h, so they sort and add up): shown
#: as a person writes them, "35" for whole hours and "1,25" / "1.25" (the PC's decimal mark) otherwise, never "35.00".
#: Excel's "0.##" would show "35." for a whole number; General shows the rounded value as it is.
HOURS_FORMAT = "General"
TEXT_FORMAT = "@"

#: Data validation, conditional formatting and formats reach this many rows below a table's header.
ENTRY_ROWS = 200

YES = "Ya"
NO = "Tidak"

# --- Beranda -------------------------------------------------------------------------------------------------------

B_YEAR = "Tahun pelaporan"
B_DEADLINE = "Batas akhir"
B_DAYS_LEFT = "Sisa hari kerja"
B_CURRENT = "Langkah saat ini"
B_HOLDER = "Dipegang oleh"
B_STEP_DUE = "Batas waktu langkah ini"
#: The cycle against the final deadline only (Sesuai jadwal / Berisiko terlambat / Terlambat / Terkirim); layout 2
#: called it "Status keseluruhan" (``BERANDA_OLD_LABELS``).
B_OVERALL = "Status terhadap batas akhir"
B_PROJECTED = "Perkiraan selesai"
#: The label of the B_PROJECTED row once the last step is done: the delivery time replaces the projection.
B_DELIVERED = "Terkirim pada"
# Layout version 3: facts of their own, apart from the cycle's status.
B_PLAN_NOTE = "Catatan perkiraan"  # steps the plan cannot time (no standard, no Waktu Rencana, no earlier cycle)
B_OVERDUE = "Langkah terlambat saat ini"
B_PROBLEMS = "Masalah data"  # the count of errors and warnings; column C links to Masalah
B_UPDATED = "Diperbarui pada"
BERANDA_FIELDS: tuple[str, ...] = (B_YEAR, B_DEADLINE, B_DAYS_LEFT, B_CURRENT, B_HOLDER, B_STEP_DUE, B_OVERALL,
                                   B_PROJECTED, B_PLAN_NOTE, B_OVERDUE, B_PROBLEMS, B_UPDATED)
#: Labels a row had in an older layout (the writer finds the rows of a tracker not yet upgraded by them).
BERANDA_OLD_LABELS: dict[str, tuple[str, ...]] = {B_OVERALL: ("Status keseluruhan",), B_PROJECTED: (B_DELIVERED,)}
BERANDA_LABEL_COLUMN = 1
BERANDA_VALUE_COLUMN = 2
BERANDA_LINK_COLUMN = 3  # the "Masalah data" row's link to Masalah (a cell hyperlink the builder makes once)
BERANDA_PROBLEMS_LINK = "Buka lembar Masalah"
BERANDA_FIRST_ROW = 4
BERANDA_INSTRUCTIONS_ROW = BERANDA_FIRST_ROW + len(BERANDA_FIELDS) + 1


def beranda_row(label: str) -> int:
    return BERANDA_FIRST_ROW + BERANDA_FIELDS.index(label)


def beranda_rows(values) -> dict[str, int]:
    """Where each Beranda field is in a sheet's values (label in column A, above "Cara memakai"): field -> 1-based
    row.  A tracker of an older layout has fewer fields, at other rows; the writers and readers go by label."""
    wanted: dict[str, str] = {}
    for label in BERANDA_FIELDS:
        for text in (label, *BERANDA_OLD_LABELS.get(label, ())):
            wanted[normalize_label(text)] = label
    found: dict[str, int] = {}
    for r0, row in enumerate(values[:BERANDA_INSTRUCTIONS_ROW + 5]):
        cell = row[BERANDA_LABEL_COLUMN - 1] if len(row) >= BERANDA_LABEL_COLUMN else None
        label = wanted.get(normalize_label(cell)) if isinstance(cell, str) else None
        if label is not None and label not in found:
            found[label] = r0 + 1
    return found


def reminders_title_row(values) -> int:
    """The row of Beranda's "Pengingat" title (found by its text below the fields, else the layout's row)."""
    target = normalize_label(REMINDERS_TITLE)
    for r0 in range(BERANDA_FIRST_ROW, len(values)):
        row = values[r0]
        if row and isinstance(row[0], str) and normalize_label(row[0]) == target:
            return r0 + 1
    return REMINDERS_TITLE_ROW


#: Lines of the "Cara memakai" instructions the builder writes below the title row (at most this many).
BERANDA_INSTRUCTION_LINES = 8
#: The "Pengingat" block (layout version 2), rewritten whole by each refresh: a title, a header row, one row per
#: reminder; the WhatsApp cell carries the wa.me link as a cell hyperlink.
REMINDERS_TITLE = "Pengingat"
REMINDERS_TITLE_ROW = BERANDA_INSTRUCTIONS_ROW + BERANDA_INSTRUCTION_LINES + 2
REMINDERS_HEADER_ROW = REMINDERS_TITLE_ROW + 1
RM_STEP = "Langkah"
RM_HOLDER = "Pemegang"
RM_DUE = "Batas waktu"
RM_STATUS = "Status"
RM_WHATSAPP = "WhatsApp"
RM_EMAIL = "Email"
REMINDER_HEADERS: tuple[str, ...] = (RM_STEP, RM_HOLDER, RM_DUE, RM_STATUS, RM_WHATSAPP, RM_EMAIL)
REMINDER_LINK_COLUMN = REMINDER_HEADERS.index(RM_WHATSAPP) + 1


# --- SOP -----------------------------------------------------------------------------------------------------------

SOP_IDENTITY_FIRST_ROW = 4
SOP_IDENTITY_HEADER = ("Identitas SOP", "Isi")
ROLES_HEADER = "Jabatan Pelaksana"
ROLES_COLUMN = 11  # K (layout 3; J before: tblSOP grew to column I, and a list right beside a table is taken into it)
ROLES_HEADER_ROW = 3
ROLES_MAX = 30  # rows reserved for roles (DaftarJabatan)

S_NO = "No"
S_URAIAN = "Uraian Prosedur"
S_PELAKSANA = "Pelaksana"
S_PELAKSANA_LAIN = "Pelaksana Lain"
S_KELENGKAPAN = "Kelengkapan"
S_WAKTU = "Waktu"
#: The admin's planning duration for a step the SOP gives no Waktu (same grammar; layout version 3).
S_WAKTU_RENCANA = "Waktu Rencana"
S_OUTPUT = "Output"
S_KETERANGAN = "Keterangan"
SOP_HEADERS: tuple[str, ...] = (S_NO, S_URAIAN, S_PELAKSANA, S_PELAKSANA_LAIN, S_KELENGKAPAN, S_WAKTU,
                                S_WAKTU_RENCANA, S_OUTPUT, S_KETERANGAN)
#: Columns an older layout lacks: absent, they read as blank, with the one "jalankan `lkj upgrade`" warning.
SOP_OPTIONAL: tuple[str, ...] = (S_WAKTU_RENCANA,)
#: SOP table column label -> attribute of :class:`lkj_xl.core.sop.Step`.
SOP_ATTRIBUTES = {S_NO: "number", S_URAIAN: "uraian", S_PELAKSANA: "actor", S_PELAKSANA_LAIN: "participants",
                  S_KELENGKAPAN: "kelengkapan", S_WAKTU: "waktu", S_WAKTU_RENCANA: "waktu_rencana",
                  S_OUTPUT: "output", S_KETERANGAN: "keterangan"}
SOP_TABLE_NAME = "tblSOP"
SOP_TABLE_TITLE_ROW = 18
SOP_TABLE_HEADER_ROW = 19

# The flowchart's reading of each step (layout version 3), a table beside tblSOP (right of the roles list), one row
# per step found by its number: the symbol, a decision's branches ("Ya: 5; Tidak: ?"), the steps sharing one Waktu
# merged over them ("4-6").  An older tracker lacks it: no symbols, branches or groups, one upgrade warning.
A_STEP = "Langkah"
A_SYMBOL = "Simbol"
A_BRANCHES = "Cabang"
A_GROUP = "Waktu Bersama"
FLOW_HEADERS: tuple[str, ...] = (A_STEP, A_SYMBOL, A_BRANCHES, A_GROUP)
FLOW_TABLE_NAME = "tblAlurSOP"
FLOW_COLUMN = 13  # M (one empty column after the roles list)

# --- Pengaturan ----------------------------------------------------------------------------------------------------

P_YEAR = "Tahun pelaporan"
P_AGENCY = "Nama instansi"
P_GOVERNMENT = "Pemerintah"
P_DEADLINE = "Batas akhir"
P_DUE_SOON = "Peringatan dini (jam kerja)"
P_BACKUPS = "Jumlah cadangan"
P_VERSION = "Versi tata letak"
# E-mail reminders (lkj pengingat --email); the password is never in the workbook.  Layout version 2.
P_SMTP_HOST = "Server SMTP"
P_SMTP_PORT = "Port SMTP"
P_SMTP_SECURITY = "Keamanan SMTP"
P_SMTP_USER = "Pengguna SMTP"
P_SMTP_FROM = "Pengirim email"
SMTP_LABELS: tuple[str, ...] = (P_SMTP_HOST, P_SMTP_PORT, P_SMTP_SECURITY, P_SMTP_USER, P_SMTP_FROM)
#: The choices of "Keamanan SMTP" (dropdown).
SMTP_SECURITY_CHOICES: tuple[str, ...] = ("Tanpa", "STARTTLS", "SSL")
# The report's signature block (layout version 3): the place of "Madiun, 6 Maret 2026" and who prepared the report
# (a name from Pegawai); the other signer, "Mengetahui", is the head of the agency found on Pegawai by Jabatan.
P_PLACE = "Tempat"
P_PREPARER = "Penyusun laporan"
REPORT_SETTING_LABELS: tuple[str, ...] = (P_PLACE, P_PREPARER)
# The cycle and the clock (layout version 3): how often the SOP runs, when a period is due, the time zone.
P_PERIOD_KIND = "Periode siklus"
P_DEADLINE_RULE = "Aturan batas akhir"
P_TIMEZONE = "Zona waktu"
CYCLE_LABELS: tuple[str, ...] = (P_PERIOD_KIND, P_DEADLINE_RULE, P_TIMEZONE)
#: The choices of "Periode siklus" and "Zona waktu" (dropdowns).
PERIOD_KIND_CHOICES: tuple[str, ...] = PERIOD_KINDS
TIMEZONE_CHOICES: tuple[str, ...] = ZONE_NAMES
SETTINGS_LABELS: tuple[str, ...] = (P_YEAR, P_AGENCY, P_GOVERNMENT, P_DEADLINE, P_DUE_SOON, P_BACKUPS, P_VERSION,
                                    *SMTP_LABELS, *CYCLE_LABELS, *REPORT_SETTING_LABELS)
#: Rows an older layout lacks: absent, they read as blank, with the one "jalankan `lkj upgrade`" warning.
SETTINGS_OPTIONAL: tuple[str, ...] = (*SMTP_LABELS, *CYCLE_LABELS, *REPORT_SETTING_LABELS)
SETTINGS_HEADER = ("Pengaturan", "Nilai", "Keterangan / Sumber")
SETTINGS_HEADER_ROW = 4
SETTINGS_FIRST_ROW = 5


def settings_row(label: str) -> int:
    return SETTINGS_FIRST_ROW + SETTINGS_LABELS.index(label)


#: Defined name of the "Peringatan dini" value (used by the step sheets' conditional formatting).
DUE_SOON_NAME = "LKJ_PERINGATAN_DINI"
#: Defined name of Beranda's "Diperbarui pada" value, the last refresh's as-of (the step sheets' live colour rule).
UPDATED_NAME = "LKJ_DIPERBARUI"

W_DAY = "Hari"
W_WORKDAY = "Hari kerja?"
W_START = "Jam masuk"
W_BREAK_START = "Mulai istirahat"
W_BREAK_END = "Selesai istirahat"
W_END = "Jam pulang"
W_SOURCE = "Sumber"
WEEK_HEADERS: tuple[str, ...] = (W_DAY, W_WORKDAY, W_START, W_BREAK_START, W_BREAK_END, W_END, W_SOURCE)
WEEK_REQUIRED: tuple[str, ...] = WEEK_HEADERS[:-1]
WEEK_TABLE_NAME = "tblJamKerja"
WEEK_TITLE_ROW = SETTINGS_FIRST_ROW + len(SETTINGS_LABELS) + 1
WEEK_HEADER_ROW = WEEK_TITLE_ROW + 1

# Special hours for a stretch of dates (Ramadan), below the week table: one row per period and day(s).
X_FROM = "Dari tanggal"
X_TO = "Sampai tanggal"
X_NOTE = "Keterangan"
SPECIAL_HEADERS: tuple[str, ...] = (X_FROM, X_TO, W_DAY, W_WORKDAY, W_START, W_BREAK_START, W_BREAK_END, W_END,
                                    X_NOTE)
SPECIAL_REQUIRED: tuple[str, ...] = SPECIAL_HEADERS[:-1]
SPECIAL_TABLE_NAME = "tblJamKhusus"
SPECIAL_TITLE_ROW = WEEK_HEADER_ROW + 7 + 2
SPECIAL_HEADER_ROW = SPECIAL_TITLE_ROW + 1
SPECIAL_FREE_ROWS = 12

# --- Hari Libur ----------------------------------------------------------------------------------------------------

H_DATE = "Tanggal"
H_NAME = "Nama"
H_KIND = "Jenis"
H_CANCELLED = "Bukan libur?"
H_NOTE = "Keterangan"
HOLIDAY_HEADERS: tuple[str, ...] = (H_DATE, H_NAME, H_KIND, H_CANCELLED, H_NOTE)
HOLIDAY_REQUIRED: tuple[str, ...] = (H_DATE, H_NAME, H_KIND, H_CANCELLED)
HOLIDAY_TABLE_NAME = "tblHariLibur"
KIND_NATIONAL = "Nasional"
KIND_JOINT_LEAVE = "Cuti Bersama"
KIND_LOCAL = "Lokal"
HOLIDAY_KINDS: tuple[str, ...] = (KIND_NATIONAL, KIND_JOINT_LEAVE, KIND_LOCAL)
LIST_HEADER_ROW = 3  # Hari Libur and Pegawai
HOLIDAY_FREE_ROWS = 15  # empty table rows left for local holidays


def holiday_kind(name: str) -> str:
    """"Cuti Bersama ..." -> Cuti Bersama, else Nasional (names as :func:`lkj_xl.core.worktime.national_holidays` gives)."""
    return KIND_JOINT_LEAVE if "cuti bersama" in name.casefold() else KIND_NATIONAL


# --- Pegawai -------------------------------------------------------------------------------------------------------

E_NAME = "Nama"
E_NIP = "NIP"
E_ROLE = "Jabatan"
E_NOTE = "Keterangan"
E_WHATSAPP = "No. WhatsApp"  # = lkj_xl.core.reminders.F_WHATSAPP (layout version 2)
E_EMAIL = "Email"  # = lkj_xl.core.reminders.F_EMAIL (layout version 2)
E_RANK = "Pangkat/Golongan"  # the signature block's second line, e.g. "Pembina Utama Muda (IV/c)" (layout version 3)
STAFF_HEADERS: tuple[str, ...] = (E_NAME, E_NIP, E_ROLE, E_NOTE, E_WHATSAPP, E_EMAIL, E_RANK)
#: Columns an older layout lacks: absent, they read as blank, with the one "jalankan `lkj upgrade`" warning.
STAFF_OPTIONAL: tuple[str, ...] = (E_WHATSAPP, E_EMAIL, E_RANK)
STAFF_ATTRIBUTES = {E_NAME: "nama", E_NIP: "nip", E_ROLE: "jabatan", E_NOTE: "keterangan", E_WHATSAPP: "whatsapp",
                    E_EMAIL: "email", E_RANK: "pangkat"}
STAFF_TABLE_NAME = "tblPegawai"
STAFF_FREE_ROWS = 20
STAFF_NAME_ROWS = 500  # DaftarPegawai reaches this many rows below the header

# --- Langkah N -----------------------------------------------------------------------------------------------------

T_STANDARD = "Standar Waktu"
#: The top block of a step sheet, label in A, value in B, in this order from ``STEP_HEADER_FIRST_ROW``.
STEP_HEADER_LABELS: tuple[str, ...] = (S_URAIAN, S_PELAKSANA, S_PELAKSANA_LAIN, S_KELENGKAPAN, T_STANDARD, S_OUTPUT,
                                       S_KETERANGAN)
STEP_HEADER_FIRST_ROW = 3
STEP_NOTE_ROW = STEP_HEADER_FIRST_ROW + len(STEP_HEADER_LABELS)  # 10
STEP_COMPUTED_NOTE_ROW = STEP_NOTE_ROW + 1  # 11
STEP_TABLE_HEADER_ROW = STEP_COMPUTED_NOTE_ROW + 1  # 12

C_START = "Mulai"
C_DUE = "Batas Waktu"
C_STATUS = "Status"
C_LATE = "Terlambat (jam kerja)"
C_ACTUAL = "Waktu Aktual (jam kerja)"
C_LATEST = "Batas Akhir Rencana"

#: What people type, in table order (the field names of :class:`lkj_xl.core.entries.StepEntry`'s columns).
STEP_ENTRY_HEADERS: tuple[str, ...] = (F_YEAR, F_RECEIVED, F_COMPLETED, F_PELAKSANA, F_KELENGKAPAN, F_NOMOR, F_CATATAN,
                                       F_ULANG)
#: Entry columns an older layout lacks (layout version 3: Ulang): absent, they read as blank, with the one
#: "jalankan `lkj upgrade`" warning.
STEP_OPTIONAL: tuple[str, ...] = (F_ULANG,)
#: What the engine writes, contiguous, right of the entry columns.
STEP_COMPUTED_HEADERS: tuple[str, ...] = (C_START, C_DUE, C_STATUS, C_LATE, C_ACTUAL, C_LATEST)
#: The table's columns in order: entry columns, the computed block, then entry columns a later layout added (right of
#: the computed block, so the columns of older layouts keep their places).
STEP_HEADERS: tuple[str, ...] = (tuple(h for h in STEP_ENTRY_HEADERS if h not in STEP_OPTIONAL) + STEP_COMPUTED_HEADERS
                                 + STEP_OPTIONAL)
#: Entry column label -> attribute of :class:`lkj_xl.core.entries.StepEntry`.
STEP_ATTRIBUTES = {F_YEAR: "year", F_RECEIVED: "received", F_COMPLETED: "completed", F_PELAKSANA: "pelaksana",
                   F_KELENGKAPAN: "kelengkapan", F_NOMOR: "nomor_output", F_CATATAN: "catatan", F_ULANG: "ulang"}
STEP_DATE_HEADERS = (F_RECEIVED, F_COMPLETED)
#: The key column of a step table: "Tahun" for a yearly SOP, "Periode" for the others (layout version 3).  Both
#: read into the same field (``StepEntry.year`` holds the raw key, whichever its header).
KEY_HEADERS: tuple[str, ...] = (F_YEAR, F_PERIOD)


def key_header(kind: str) -> str:
    """The key column's header for a period kind: ``Tahun`` for tahunan, else ``Periode``."""
    return F_YEAR if kind == PERIOD_KINDS[0] else F_PERIOD


def step_headers(kind: str) -> tuple[str, ...]:
    """A step table's headers for a period kind (the key column first)."""
    return (key_header(kind),) + STEP_HEADERS[1:]
COMPUTED_NOTE = "dihitung otomatis"

# --- Evaluasi (layout version 3) -----------------------------------------------------------------------------------
# The SOP monitoring and evaluation of Permenpan RB 35/2012 as the evaluator decides it: one block of rows per
# reporting year, a row per step ("Langkah", No = the step) and per criterion ("Kriteria", No = 1..7).  Typed by a
# person; the report copies it and suggests a Penilaian only where nothing was typed.

V_YEAR = "Tahun"
V_PART = "Bagian"
V_NO = "No"
V_TEXT = "Prosedur / Kriteria"
V_VERDICT = "Penilaian"
V_NOTE = "Catatan Hasil Penilaian"
V_ACTION = "Tindakan yang Harus Diambil"
EVALUATION_HEADERS: tuple[str, ...] = (V_YEAR, V_PART, V_NO, V_TEXT, V_VERDICT, V_NOTE, V_ACTION)
EVALUATION_REQUIRED: tuple[str, ...] = (V_YEAR, V_PART, V_NO, V_VERDICT)
#: Column label -> attribute of :class:`lkj_xl.core.evaluation.EvaluationEntry`.
EVALUATION_ATTRIBUTES = {V_YEAR: "year", V_PART: "part", V_NO: "number", V_TEXT: "text", V_VERDICT: "verdict",
                         V_NOTE: "note", V_ACTION: "action"}
#: The key column of tblEvaluasi: "Tahun" for a yearly SOP, "Periode" for the others (as in the step tables); both
#: read into the same field (``EvaluationEntry.year`` holds the raw key, whichever its header).
V_PERIOD = F_PERIOD


def evaluation_headers(kind: str) -> tuple[str, ...]:
    """tblEvaluasi's headers for a period kind (the key column first)."""
    return (V_YEAR if kind == PERIOD_KINDS[0] else V_PERIOD,) + EVALUATION_HEADERS[1:]


EVALUATION_TABLE_NAME = "tblEvaluasi"
EVALUATION_HEADER_ROW = 4
EVALUATION_FREE_ROWS = 15  # empty table rows left below the prefilled block

# --- Masalah, Riwayat ----------------------------------------------------------------------------------------------

M_SHEET = "Lembar"
M_CELL = "Sel"
M_LEVEL = "Tingkat"
M_CODE = "Kode"
M_MESSAGE = "Pesan"
M_LINK = "Buka"
#: Columns the writer fills (plain text), then the builder's link column.  Layout 3 moved the Kode, which people
#: rarely need, right of the Pesan; the writer finds the columns by their header labels, so a layout-2 sheet (Kode
#: before Pesan, ``PROBLEM_HEADERS_V2``) is written in its own order.
PROBLEM_HEADERS: tuple[str, ...] = (M_SHEET, M_CELL, M_LEVEL, M_MESSAGE, M_CODE)
PROBLEM_HEADERS_V2: tuple[str, ...] = (M_SHEET, M_CELL, M_LEVEL, M_CODE, M_MESSAGE)
PROBLEM_LINK_COLUMN = len(PROBLEM_HEADERS) + 1  # F
#: When the list was last made (layout 3): labels in row 1, values (text) in row 2, from this column (H, I).
M_CHECKED = "Diperiksa pada"
M_AS_OF = "Keadaan per"
PROBLEM_CHECKED_HEADERS: tuple[str, ...] = (M_CHECKED, M_AS_OF)
PROBLEM_CHECKED_COLUMN = PROBLEM_LINK_COLUMN + 2  # H
#: Masalah prints from A to the end of the "Diperiksa pada" stamp (I), so a printed list says when it was made.
PROBLEM_PRINT_LAST_COLUMN = PROBLEM_CHECKED_COLUMN + len(PROBLEM_CHECKED_HEADERS) - 1
#: Written in the first row when the check found nothing.
NO_PROBLEMS = "Tidak ada masalah"
PROBLEM_LINK_ROWS = 1000  # rows prefilled with the HYPERLINK formula
LEVEL_ERROR = "Kesalahan"
LEVEL_WARNING = "Peringatan"

R_WHEN = "Waktu"
R_USER = "Pengguna"
R_ACTION = "Aksi"
R_DETAIL = "Rincian"
#: Layout 3: "Waktu" is the real time of the action (the shell's clock); the as-of instant it computed for has its
#: own column.  A layout-2 sheet lacks it: the as-of goes into Rincian there.
R_AS_OF = "Keadaan per"
HISTORY_HEADERS: tuple[str, ...] = (R_WHEN, R_USER, R_ACTION, R_DETAIL, R_AS_OF)
HISTORY_CAP = 1000

# The closed cycles (layout version 3; lkj_xl.workbook.closing): header on row 1, one row per closed reporting year.
K_YEAR = "Tahun"
K_CLOSED_AT = "Ditutup pada"
K_USER = "Oleh"
K_SOP = "SOP yang berlaku"
K_DEADLINE = "Batas akhir"
K_SETTINGS = "Pengaturan yang berlaku"
K_FILES = "Berkas laporan"
K_DATA = "Data (jangan diubah)"
CLOSED_HEADERS: tuple[str, ...] = (K_YEAR, K_CLOSED_AT, K_USER, K_SOP, K_DEADLINE, K_SETTINGS, K_FILES, K_DATA)
#: A non-yearly SOP's closed cycles are keyed by the period ("2025-TW3", an activity's name) under "Periode"; a
#: reader takes either header and reads the key by the tracker's period kind.
K_PERIOD = F_PERIOD


def closed_headers(kind: str) -> tuple[str, ...]:
    """Siklus Tertutup's headers for a period kind (the key column first)."""
    return (K_YEAR if kind == PERIOD_KINDS[0] else K_PERIOD,) + CLOSED_HEADERS[1:]


CLOSED_WIDTHS: dict[str, float] = {"A": 8, "B": 22, "C": 16, "D": 48, "E": 22, "F": 60, "G": 40, "H": 12}

# --- defined names -------------------------------------------------------------------------------------------------

STAFF_NAMES_NAME = "DaftarPegawai"
ROLES_NAME = "DaftarJabatan"
