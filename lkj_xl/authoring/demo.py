"""The main job on a built-in example: a tracker with a realistic sample cycle, validated, refreshed and reported.

The sample is the LKj for reporting year 2025, prepared in early 2026 by a fictional staff of Inspektorat Kota
Madiun.  Entries are typed the way people type them: text dates in several formats, one step late, one running.
The example is dated, so by default it is looked at as of Monday 23 February 2026 10.00 WIB (``DEMO_AS_OF``);
``lkj demo --as-of`` shows the same cycle at another moment.

The steps the SOP gives no Waktu (4 and 5) are planned the two ways a tracker can: step 4 by a Waktu Rencana the admin
typed on the SOP sheet (``DEMO_PLANS``), step 5 by the median of the two earlier cycles the example holds (2023 and
2024, ``DEMO_HISTORY``, in the rows above 2025).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lkj_xl.core.settings import DEFAULT_AGENCY

DEMO_YEAR = 2025
DEMO_AS_OF = datetime(2026, 2, 23, 10, 0)
DEMO_FILE = "Contoh_LKj_2025.xlsx"
DEMO_AGENCY = DEFAULT_AGENCY

#: (Nama, NIP, Jabatan, Keterangan, No. WhatsApp, Email, Pangkat/Golongan) - fictional people, NIPs well-formed.
DEMO_STAFF: tuple[tuple[str | None, ...], ...] = (
    ("Drs. Bambang Sutrisno, M.Si.", "19700315 199503 1 002", "Kepala Dinas", "", None, None,
     "Pembina Utama Muda (IV/c)"),
    ("Sri Wahyuni, S.E., M.M.", "19780812 200312 2 004", "Sekretaris", "", None, None, "Pembina (IV/a)"),
    ("Agus Prasetyo, S.T.", "19800101 200501 1 001", "Kabid", "Inspektur Pembantu I", None, None,
     "Pembina (IV/a)"),
    ("Dewi Lestari, S.Sos.", "19850520 201001 2 015", "Kasubag", "Perencanaan dan Kepegawaian", None, None,
     "Penata Tingkat I (III/d)"),
    ("Rina Marlina, A.Md.", "19920214 201503 2 007", "JFU", "Pelaksana", None, None, "Pengatur (II/c)"),
)
#: Pengaturan's signature rows of the example: the place and who prepares the report (the Kasubag).
DEMO_PLACE = "Madiun"
DEMO_PREPARER = "Dewi Lestari, S.Sos."
#: What the example's evaluator typed on Evaluasi for 2025 (Bagian, No, Penilaian, Catatan, Tindakan): some steps
#: and criteria are judged, the others are left to the report's suggestion.
DEMO_EVALUATION: tuple[tuple[str, int, str, str, str], ...] = (
    ("Langkah", 1, "Berjalan dengan baik", "Disposisi pada hari yang sama", "Pertahankan"),
    ("Langkah", 3, "Tidak berjalan dengan baik", "Data capaian Irban II terlambat 4 hari kerja",
     "Tetapkan batas penyerahan data capaian dari tiap Irban"),
    ("Kriteria", 1, "Ya", "", ""),
    ("Kriteria", 2, "Ya", "", ""),
    ("Kriteria", 3, "Tidak", "Langkah 4 dan 5 belum punya standar waktu", ""),
)

#: Waktu Rencana typed on the SOP sheet for a step without a standard (the planning duration, not a standard).
DEMO_PLANS: dict[int, str] = {4: "10 hari kerja"}

_HEAD, _SEC, _KASUBAG, _JFU = (DEMO_STAFF[i][0] for i in (0, 1, 3, 4))
#: The two earlier cycles (reporting years 2023 and 2024), every step done: their step 5 took 45 h and 43 h 30 min
#: of working time, so the 2025 plan gives step 5 the median, 44 h 15 min.
DEMO_HISTORY: dict[int, dict[int, tuple[object, ...]]] = {
    2023: {
        1: ("08/01/2024 08:00", "08/01/2024 08:05", _HEAD, "Ya", "", ""),
        2: ("08/01/2024 09:00", "08/01/2024 10:30", _SEC, "Ya", "", ""),
        3: ("09/01/2024 08:00", "22/01/2024 14:00", _KASUBAG, "Ya", "", ""),
        4: ("22/01/2024 14:00", "05/02/2024 15:00", _JFU, "Ya", "", ""),
        5: ("06/02/2024 08:00", "19/02/2024 08:00", _KASUBAG, "Ya", "", ""),
        6: ("20/02/2024 08:00", "20/02/2024 10:30", _SEC, "Ya", "", ""),
        7: ("20/02/2024 13:00", "20/02/2024 13:40", _HEAD, "Ya", "", ""),
        8: ("21/02/2024 08:00", "21/02/2024 08:15", _JFU, "Ya", "", ""),
    },
    2024: {
        1: ("06/01/2025 08:00", "06/01/2025 08:05", _HEAD, "Ya", "", ""),
        2: ("06/01/2025 09:00", "06/01/2025 11:00", _SEC, "Ya", "", ""),
        3: ("07/01/2025 08:00", "20/01/2025 15:00", _KASUBAG, "Ya", "", ""),
        4: ("21/01/2025 08:00", "07/02/2025 15:00", _JFU, "Ya", "", ""),
        5: ("10/02/2025 08:00", "17/02/2025 15:00", _KASUBAG, "Ya", "", ""),
        6: ("18/02/2025 08:00", "18/02/2025 10:00", _SEC, "Ya", "", ""),
        7: ("18/02/2025 13:00", "18/02/2025 13:30", _HEAD, "Ya", "", ""),
        8: ("19/02/2025 08:00", "19/02/2025 08:10", _JFU, "Ya", "", ""),
    },
}

#: Step -> (Diterima, Selesai, Pelaksana, Kelengkapan, Nomor Output, Catatan), typed as staff type them.
DEMO_ENTRIES: dict[int, tuple[object, ...]] = {
    1: ("05/01/2026 08:00", "05/01/2026 08:04", "Drs. Bambang Sutrisno, M.Si.", "Ya", "050/012/401.105/2026",
        "Surat Bagian Organisasi diterima"),
    2: ("5 Januari 2026 09.00", "5 Januari 2026 10.45", "Sri Wahyuni, S.E., M.M.", "Ya", "", "Rapat internal dengan Irban"),
    3: ("6 Jan 2026 08:00", "27 Jan 2026 14:00", "Dewi Lestari, S.Sos.", "Ya", "",
        "Menunggu data capaian dari Irban II"),
    4: ("27/01/2026 14:00", "10/02/2026 15:00", "Rina Marlina, A.Md.", "Ya", "", ""),
    5: ("11/02/2026 08:00", "20/02/2026 11:00", "Dewi Lestari, S.Sos.", "Ya", "", "Konsultasi dengan Bagian Organisasi"),
    6: ("23/02/2026 08:00", None, "Sri Wahyuni, S.E., M.M.", "Ya", "", ""),
}


@dataclass(frozen=True)
class DemoResult:
    path: Path
    analysis: object  # lkj_xl.workbook.actions.Analysis
    backup: Path | None = None  # where the example it replaced went

    def summary(self) -> str:
        from lkj_xl.core.schedule import STATUS_LABELS
        from lkj_xl.core.dates import format_datetime_id as when
        from lkj_xl.core.durations import day_minutes, format_working
        from lkj_xl.workbook.summary import summary_lines

        sched = self.analysis.schedule
        # the same labels and texts as Beranda (Status terhadap batas akhir, Langkah terlambat saat ini, ...)
        summary = summary_lines(self.analysis, problems_hint="lihat lembar Masalah")
        lines = [f"Buku kerja contoh: {self.path.resolve()}"]
        if self.backup is not None:
            lines.append(f"Contoh sebelumnya (mungkin sudah diubah) disimpan di folder Cadangan LKj: {self.backup}")
        lines += [
            f"Tahun pelaporan {sched.year}, keadaan per {when(sched.as_of)} WIB, "
            f"batas akhir {when(sched.deadline)}.",
            f"{summary[0]}.",
        ]
        plan_words = {"rencana": "Waktu Rencana", "riwayat": "median siklus sebelumnya"}
        for step in sched.steps:
            due = f", batas {when(step.due)}" if step.due else ""
            per_day = day_minutes(self.analysis.tracker.settings)
            late = f", terlambat {format_working(step.late_minutes, per_day)}" if step.late_minutes else ""
            plan = (f", rencana {format_working(step.planned_minutes, per_day)} ({plan_words[step.plan_source]})"
                    if step.plan_source in plan_words else "")
            lines.append(f"  Langkah {step.step} ({step.actor}): {STATUS_LABELS[step.status]}{due}{late}{plan}")
        lines += [f"{line}." for line in summary[1:]]
        lines.append(f"Buka berkas itu di Excel atau LibreOffice: lembar Beranda, Langkah 1-{len(sched.steps)}, "
                     f"Masalah dan Laporan.")
        return "\n".join(lines)


def fill_demo_entries(book, entries: dict[int, tuple[object, ...]] = DEMO_ENTRIES, year: int = DEMO_YEAR) -> None:
    """Type the sample entries into the year's row of each step table, as a person would."""
    from lkj_xl.workbook import layout

    for step, values in entries.items():
        sheet = layout.step_sheet(step)
        rows = book.read(sheet)
        header = rows[layout.STEP_TABLE_HEADER_ROW - 1]
        columns = {layout.normalize_label(label): index + 1 for index, label in enumerate(header)}
        target = None
        for offset, row in enumerate(rows[layout.STEP_TABLE_HEADER_ROW:], start=layout.STEP_TABLE_HEADER_ROW + 1):
            if row and row[columns[layout.normalize_label(layout.F_YEAR)] - 1] in (year, str(year)):
                target = offset
                break
        if target is None:
            target = len(rows) + 1
            book.write(sheet, target, columns[layout.normalize_label(layout.F_YEAR)], [[year]])
        for label, value in zip(layout.STEP_ENTRY_HEADERS[1:], values):
            if value not in (None, ""):
                book.write(sheet, target, columns[layout.normalize_label(label)], [[value]])


def demo_sop():
    """SOP 3.1.2.6 with the example's Waktu Rencana (``DEMO_PLANS``)."""
    from dataclasses import replace

    from lkj_xl.core.sop import DEFAULT_SOP

    return DEFAULT_SOP.with_steps(tuple(replace(step, waktu_rencana=DEMO_PLANS.get(step.number, step.waktu_rencana))
                                        for step in DEFAULT_SOP.steps))


def _years_in_order(book, years) -> None:
    """The rows of each step table, oldest year first, from the first data row (the table grows over them)."""
    from lkj_xl.workbook import layout

    from lkj_xl.workbook.book import column_letter

    first = layout.STEP_TABLE_HEADER_ROW + 1
    last_column = column_letter(len(layout.STEP_HEADERS))
    for step in demo_sop().steps:
        sheet = layout.step_sheet(step.number)
        book.write(sheet, first, 1, [[year] for year in years])
        book.resize_table(sheet, layout.step_table(step.number),
                          f"A{layout.STEP_TABLE_HEADER_ROW}:{last_column}{first + len(years) - 1}")


def fill_demo_evaluation(book, rows=DEMO_EVALUATION, year: int = DEMO_YEAR) -> None:
    """Type the evaluator's judgements into the year's block of the Evaluasi table, as a person would."""
    from lkj_xl.workbook import layout

    values = book.read(layout.SHEET_EVALUATION)
    header = values[layout.EVALUATION_HEADER_ROW - 1]
    columns = {layout.normalize_label(label): index + 1 for index, label in enumerate(header) if label}
    col = {label: columns[layout.normalize_label(label)] for label in layout.EVALUATION_HEADERS}
    for part, number, verdict, note, action in rows:
        for offset, row in enumerate(values[layout.EVALUATION_HEADER_ROW:], start=layout.EVALUATION_HEADER_ROW + 1):
            if (row[col[layout.V_YEAR] - 1] == year and row[col[layout.V_PART] - 1] == part
                    and row[col[layout.V_NO] - 1] == number):
                for label, value in ((layout.V_VERDICT, verdict), (layout.V_NOTE, note), (layout.V_ACTION, action)):
                    if value:
                        book.write(layout.SHEET_EVALUATION, offset, col[label], [[value]])
                break


#: The examples ``lkj demo --contoh`` makes: SOP 3.1.2.6 (the default) and another SOP imported from its signed PDF
#: (:mod:`lkj_xl.authoring.examples`).
EXAMPLES = ("lkj", "pengiriman")


def run_demo(folder: Path, *, as_of: datetime | None = None, example: str = "lkj",
             recorded_at: datetime | None = None) -> DemoResult:
    """Create the example tracker in ``folder``, then validate, refresh and report it through the same functions the
    CLI and the ribbon use.  The example is made in a temporary folder and put in place by the safe save: an earlier
    example there (perhaps edited since) goes to ``Cadangan LKj`` first, and one open in Excel or read-only is not
    replaced.  ``example`` is one of ``EXAMPLES``; ``as_of`` defaults to the moment the example was typed;
    ``recorded_at``: the real time, for Riwayat (default ``as_of``)."""
    if example != "lkj":
        from lkj_xl.authoring import examples

        return _run_example(folder, examples.EXAMPLE_FILE, lambda draft: examples.make_example(draft, fill_demo_entries),
                            as_of if as_of is not None else examples.EXAMPLE_AS_OF, recorded_at)
    return _run_example(folder, DEMO_FILE, _make_lkj_example, as_of if as_of is not None else DEMO_AS_OF,
                        recorded_at)


def _make_lkj_example(draft: Path) -> None:
    from lkj_xl.authoring.builder import build_tracker
    from lkj_xl.core.settings import Settings
    from lkj_xl.engines.openpyxl_book import FileBook

    build_tracker(draft, year=DEMO_YEAR, agency=DEMO_AGENCY, staff=DEMO_STAFF, sop=demo_sop(),
                  settings=Settings(DEMO_YEAR, place=DEMO_PLACE, preparer=DEMO_PREPARER))
    book = FileBook.open(draft)
    _years_in_order(book, (*sorted(DEMO_HISTORY), DEMO_YEAR))
    for year, entries in DEMO_HISTORY.items():
        fill_demo_entries(book, entries, year)
    fill_demo_entries(book)
    fill_demo_evaluation(book)
    book.save()


def _run_example(folder: Path, file_name: str, make, as_of: datetime,
                 recorded_at: datetime | None = None) -> DemoResult:
    import tempfile

    from lkj_xl.workbook import actions
    from lkj_xl.core.errors import UnusableFileError
    from lkj_xl.files.backups import atomic_write
    from lkj_xl.files.guard import check_workbook_file
    from lkj_xl.files.locks import ensure_not_open_in_excel, real_path, refuse_read_only
    from lkj_xl.files.session import modify, open_book

    path = folder / file_name
    if path.exists():  # say so before the work, not after
        refuse_read_only(real_path(path))
        ensure_not_open_in_excel(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="lkj-demo-") as tmp:
            draft = Path(tmp) / file_name
            make(draft)
            actions.validate(open_book(draft), as_of=as_of)
            analysis = modify(draft, lambda b: actions.report(b, as_of=as_of, recorded_at=recorded_at),
                              backups=0)
            data = draft.read_bytes()
    except OSError as exc:
        raise UnusableFileError(f"Buku kerja contoh tidak dapat dibuat ({exc.strerror or exc}). Periksa ruang kosong "
                                f"di disk dan folder sementara, lalu ulangi. Tidak ada berkas yang diubah.") from None
    backup = atomic_write(path, lambda target: target.write_bytes(data), check_workbook_file)
    return DemoResult(path, analysis, backup.path if backup is not None else None)
