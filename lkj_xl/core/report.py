"""The cycle's final report: a pure model of the "Laporan" sheet (no I/O).

:func:`build_report` turns a :class:`~lkj_xl.core.schedule.CycleSchedule` into a :class:`Report`: the title block
(with the "DRAF" line while validation finds errors), one row per step with its whole Uraian, a summary, the two
forms of Permenpan RB No. 35 Tahun 2012 (monitoring per step and the evaluation of the SOP's application, as the
evaluator typed them on ``Evaluasi``, with the data's suggestion where nothing was typed:
:mod:`lkj_xl.core.report_monitoring`), a Gantt-style timeline (:mod:`lkj_xl.core.report_timeline`) and the signature
block of two parties (:mod:`lkj_xl.core.signature`).  Every text is Indonesian and final; the sheet layer
(:mod:`lkj_xl.workbook.report_sheet`) only places values.

Instants are written as people read them ("6 Januari 2026 08.00"; a date typed without a time as the date alone).
Durations are working time in the one style of :mod:`lkj_xl.core.durations` ("4 hari kerja 5 jam", "56 menit
kerja").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from lkj_xl.core.worktime import WorkingCalendar
from lkj_xl.core.periods import key_title
from lkj_xl.core.dates import format_date_id, format_datetime_id
from lkj_xl.core.plan import unplanned_message
from lkj_xl.core.durations import day_minutes, format_working
from lkj_xl.core.entries import Cycle, StepRecord
from lkj_xl.core.evaluation import EvaluationInput
from lkj_xl.core.report_monitoring import (  # noqa: F401 - the verdicts are part of this module's interface
    EVAL_BAD, EVAL_GOOD, EVAL_NOT_DONE, EVAL_RUNNING, EVAL_UNKNOWN, CriterionRow, MonitoringRow, criterion_rows,
    monitoring_rows,
)
from lkj_xl.core.report_timeline import StepSpan, TimelineBar, timeline
from lkj_xl.core.schedule import (
    CYCLE_AT_RISK,
    CYCLE_DELIVERED,
    CYCLE_LATE,
    STATUS_DONE_LATE,
    STATUS_LABELS,
    STATUS_OVERDUE,
    STATUS_RUNNING,
    CycleSchedule,
    StepSchedule,
)
from lkj_xl.core.settings import Settings
from lkj_xl.core.signature import BLANK_LINE, Signer
from lkj_xl.core.sop import DAYS, MINUTES, Sop, Step, TimeStandard


#: Shortened Uraian (no longer used by the report, which prints the whole text): at most this many characters.
URAIAN_MAX = 80
#: A first clause shorter than this ("Menerima") is joined with the next ones before shortening.
URAIAN_MIN_CLAUSE = 25

DASH = "-"
ELLIPSIS = "\u2026"
EM_DASH = "\u2014"

#: Signature block placeholders when no head of agency is given (signed by hand on the print).
NAME_PLACEHOLDER = "(.......................................)"
NIP_PLACEHOLDER = "NIP. ......................................."


# --- the model ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    """One step of the step table.  Instants are text as people read them ("5 Januari 2026 08.04"; a date typed
    without a time shows as the date alone, never "23.59")."""

    number: int
    uraian: str  # the whole Uraian, never shortened
    pelaksana: str  # "Sekretaris — Budi Santoso"
    received: str  # "" when not recorded
    completed: str
    standard: str  # "2 minggu (10 hari kerja)", "-" when none
    actual: str  # "9 hari kerja 2 jam", "-" when not started
    due: str  # "" when not known yet, "-" when the step has no standard
    has_standard: bool
    status: str  # STATUS_* code
    status_label: str  # Indonesian
    lateness: str  # "56 menit kerja", "-"


@dataclass(frozen=True)
class Summary:
    on_time_count: int
    step_count: int
    on_time: str  # "6 dari 8 langkah tepat waktu ..."
    delivery: str  # "Disampaikan 20 Maret 2026 10.00, 7 hari kerja sebelum batas akhir" / "Belum disampaikan; ..."
    verdict: str  # one sentence on the whole cycle
    delivered_at: datetime | None
    overall: str  # CYCLE_* code
    judged: str = ""  # "Penilaian penilai: 3 dari 8 langkah; selebihnya saran dari data (lembar Evaluasi)"


@dataclass(frozen=True)
class Signature:
    place_date: str  # "Madiun, 31 Maret 2026" (", 31 Maret 2026" when Tempat is blank: written by hand)
    preparer: Signer  # Pengaturan "Penyusun laporan"
    head: Signer  # "Mengetahui": the head of the agency


@dataclass(frozen=True)
class Report:
    year: int
    as_of: datetime
    deadline: datetime | None
    government: str  # "PEMERINTAH KOTA MADIUN"
    agency: str  # "INSPEKTORAT KOTA MADIUN"
    title: str  # "Laporan Pelaksanaan SOP Penyusunan Laporan Kinerja (LKj) Tahun 2025"
    draft: str  # "DRAF - masih ada 2 kesalahan data, lihat lembar Masalah"; "" when validation found no error
    sop_line: str  # "SOP Nomor 3.1.2.6, disahkan 15 Desember 2022"
    deadline_line: str  # "Batas akhir penyampaian: 31 Maret 2026 16.00"
    as_of_line: str  # "Keadaan per 20 Maret 2026 10.00"
    rows: tuple[ReportRow, ...]
    summary: Summary
    monitoring: tuple[MonitoringRow, ...]
    criteria: tuple[CriterionRow, ...]
    timeline_origin: str  # the note above the chart: what day 0 is and how to read the bars
    timeline: tuple[TimelineBar, ...]
    signature: Signature

    @property
    def title_lines(self) -> tuple[str, ...]:
        """The rows that repeat on every printed page, then the rest of the title block."""
        return (self.government, self.agency, self.title, self.draft, self.sop_line, self.deadline_line,
                self.as_of_line)


def draft_line(errors: int) -> str:
    """What the report says while validation finds errors (in its repeated title rows, and ``lkj report``)."""
    return f"DRAF - masih ada {errors} kesalahan data, lihat lembar Masalah" if errors else ""


# --- Indonesian text helpers -------------------------------------------------------------------------------------


def format_duration(minutes: int, per_day: int, *, in_days: bool = True) -> str:
    """Working time in the one style (:func:`lkj_xl.core.durations.format_working`); ``in_days`` is kept for older
    callers and no longer changes the text."""
    return format_working(minutes, per_day)


def format_lateness(minutes: int, per_day: int, *, in_days: bool = True) -> str:
    """Working time past due: "56 menit kerja", "2 hari kerja 3 jam"; "-" when not late."""
    return DASH if minutes <= 0 else format_working(minutes, per_day)


def shorten_uraian(text: str, limit: int = URAIAN_MAX) -> str:
    """The first clause of an Uraian (joined with the next while too short), cut at a word boundary with "…"."""
    text = " ".join(str(text).split())
    clauses = text.split(", ")
    short = clauses[0]
    for clause in clauses[1:]:
        if len(short) >= URAIAN_MIN_CLAUSE:
            break
        short = f"{short}, {clause}"
    short = short.rstrip(" ,;.")
    if len(short) <= limit:
        return short
    cut = short[: limit - 1]
    if " " in cut and short[limit - 1] != " ":
        cut = cut.rsplit(" ", 1)[0]
    cut = cut.rstrip(" ,;.(")
    if cut.count("(") > cut.count(")"):  # don't leave "(LK" dangling
        cut = cut[: cut.rfind("(")].rstrip(" ,;.")
    return cut + ELLIPSIS


def describe_standard(standard: TimeStandard | None) -> str:
    """The SOP text plus the normalised value: "2 minggu (10 hari kerja)", "120 menit (2 jam)", "-"."""
    if standard is None:
        return DASH
    text = " ".join(standard.text.split())
    normal = standard.describe()
    if standard.lower is not None:
        normal = f"maks. {normal}"
    if not text:
        return normal
    if text.lower() == normal.lower():
        return text
    return f"{text} ({normal})"


def standard_minutes(standard: TimeStandard | None, per_day: int) -> int | None:
    if standard is None:
        return None
    if standard.kind == MINUTES:
        return standard.amount
    if standard.kind == DAYS:
        return standard.amount * per_day
    return None


def place_of(government: str) -> str:
    """ "Pemerintah Kota Madiun" -> "Madiun" (the place of the signature line)."""
    words = " ".join(government.split())
    lowered = words.lower()
    for prefix in ("pemerintah ",):
        if lowered.startswith(prefix):
            words, lowered = words[len(prefix):], lowered[len(prefix):]
    for prefix in ("kota administrasi ", "kota ", "kabupaten ", "kab. ", "provinsi "):
        if lowered.startswith(prefix):
            words = words[len(prefix):]
            break
    return words.strip().title() if words.isupper() else words.strip()


def _join_numbers(numbers: list[int]) -> str:
    """[3] -> "Langkah 3"; [3, 6] -> "Langkah 3 dan 6"; [1, 3, 6] -> "Langkah 1, 3 dan 6"."""
    parts = [str(n) for n in numbers]
    if len(parts) == 1:
        return f"Langkah {parts[0]}"
    return f"Langkah {', '.join(parts[:-1])} dan {parts[-1]}"


# --- building the report -----------------------------------------------------------------------------------------


def build_report(
    sop: Sop,
    settings: Settings,
    schedule: CycleSchedule,
    *,
    staff_names: Mapping[int, str] | None = None,
    notes: Mapping[int, str] | None = None,
    calendar: WorkingCalendar,
    cycle: Cycle | None = None,
    evaluation: EvaluationInput | None = None,
    signers: tuple[Signer, Signer] | None = None,
    errors: int = 0,
) -> Report:
    """The report of one cycle at ``schedule.as_of``.

    ``staff_names``: step number -> the Pelaksana's name recorded; ``notes``: step number -> the Catatan typed on the
    step sheet; ``cycle``: the records read (whether a date had a time, Kelengkapan); ``evaluation``: what the
    evaluator typed on Evaluasi for this year; ``signers``: (preparer, head) from :func:`lkj_xl.core.signature.signers`;
    ``errors``: the validation errors (a report with errors is a draft and says so).  ``calendar`` (the workbook's
    working calendar, the same the schedule used) counts working days before/after the deadline.
    """
    staff_names = staff_names or {}
    notes = {n: " ".join(str(t).split()) for n, t in (notes or {}).items() if t}
    evaluation = evaluation or EvaluationInput()
    per_day = day_minutes(settings)
    by_number = {s.step: s for s in schedule.steps}
    records = {r.step: r for r in cycle.records} if cycle is not None else {}
    for step in sop.steps:
        if step.number not in by_number:
            raise ValueError(f"Jadwal tidak memuat Langkah {step.number}.")

    rows: list[ReportRow] = []
    spans: list[StepSpan] = []
    for step in sop.steps:
        sched = by_number[step.number]
        record = records.get(step.number, StepRecord(step.number))
        rows.append(_row(step, sched, record, staff_names.get(step.number), per_day))
        end = sched.completed if sched.completed is not None else (
            schedule.as_of if sched.status in (STATUS_RUNNING, STATUS_OVERDUE) else None)
        actual = "belum mulai" if sched.actual_minutes is None else format_working(sched.actual_minutes, per_day)
        std = standard_minutes(step.standard, per_day)
        standard = "tanpa standar" if std is None else f"standar {format_working(std, per_day)}"
        spans.append(StepSpan(f"Langkah {step.number}: {actual} ({standard})", sched.start, end, sched.due))
    origin, bars = timeline(spans)
    complete = {n: r.complete for n, r in records.items()}
    monitoring = monitoring_rows(sop, by_number, complete, notes, evaluation, per_day, schedule.as_of)
    preparer, head = signers if signers is not None else (Signer("", "", "", ""), Signer(sop.disahkan_oleh, "", "", ""))

    return Report(
        year=schedule.year,
        as_of=schedule.as_of,
        deadline=schedule.deadline,
        government=" ".join(settings.government.split()).upper(),
        agency=" ".join(settings.agency.split()).upper(),
        title=f"Laporan Pelaksanaan SOP {sop.nama} {_upper_first(key_title(schedule.year))}",
        draft=draft_line(errors),
        sop_line=f"SOP Nomor {sop.nomor}, disahkan {sop.tanggal_pengesahan}",
        deadline_line=(f"Batas akhir penyampaian LKj: {format_datetime_id(schedule.deadline)}"
                       if schedule.deadline is not None else "Batas akhir penyampaian: tidak ditetapkan"),
        as_of_line=f"Keadaan per {format_datetime_id(schedule.as_of)}",
        rows=tuple(rows),
        summary=_summary(schedule, calendar, monitoring),
        monitoring=monitoring,
        criteria=criterion_rows(evaluation),
        timeline_origin=_timeline_note(origin, schedule.as_of),
        timeline=bars,
        signature=Signature(_place_date(settings, schedule.as_of), preparer, head),
    )


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _timeline_note(origin: datetime | None, as_of: datetime) -> str:
    if origin is None:
        return "Belum ada langkah yang dimulai."
    return (f"Sumbu mendatar: hari kalender sejak {format_datetime_id(origin)} (hari ke-0). Biru: waktu aktual "
            f"dalam standar; abu-abu: sisa waktu standar; merah: melebihi standar; hijau: langkah tanpa standar "
            f"waktu. Langkah yang masih berjalan dihitung sampai {format_datetime_id(as_of)}. Batang yang sangat "
            f"pendek dipanjangkan agar terlihat; lamanya tertulis pada label.")


def _place_date(settings: Settings, as_of: datetime) -> str:
    place = " ".join(str(getattr(settings, "place", "") or "").split())
    return f"{place or BLANK_LINE[:20]}, {format_date_id(as_of.date())}"


def _shown(instant: datetime | None, has_time: bool) -> str:
    if instant is None:
        return ""
    return format_datetime_id(instant) if has_time else format_date_id(instant.date())


def _row(step: Step, sched: StepSchedule, record: StepRecord, name: str | None, per_day: int) -> ReportRow:
    name = " ".join(str(name).split()) if name else ""
    pelaksana = f"{step.actor} {EM_DASH} {name}" if name else step.actor
    actual = DASH if sched.actual_minutes is None else format_working(sched.actual_minutes, per_day)
    due = _shown(sched.due, True) if sched.due is not None else ("" if step.standard is not None else DASH)
    return ReportRow(
        number=step.number,
        uraian=" ".join(step.uraian.split()),
        pelaksana=pelaksana,
        received=_shown(sched.received, record.received_has_time),
        completed=_shown(sched.completed, record.completed_has_time),
        standard=describe_standard(step.standard),
        actual=actual,
        due=due,
        has_standard=step.standard is not None,
        status=sched.status,
        status_label=STATUS_LABELS[sched.status],
        lateness=format_lateness(sched.late_minutes, per_day),
    )


def _relative_to_deadline(instant: datetime, deadline: datetime | None, calendar: WorkingCalendar) -> str:
    """", 3 hari kerja sebelum batas akhir" (with its leading comma), or "" for a cycle without a final deadline."""
    if deadline is None:
        return ""
    if instant <= deadline:
        days = calendar.working_days_between(instant.date(), deadline.date())
        return ", pada hari batas akhir" if days == 0 else f", {days} hari kerja sebelum batas akhir"
    days = calendar.working_days_between(deadline.date(), instant.date())
    return ", melewati batas akhir" if days == 0 else f", {days} hari kerja setelah batas akhir"


def _summary(schedule: CycleSchedule, calendar: WorkingCalendar, monitoring: tuple[MonitoringRow, ...]) -> Summary:
    n = len(schedule.steps)
    count = schedule.on_time_count
    late = [s.step for s in schedule.steps if s.status in (STATUS_DONE_LATE, STATUS_OVERDUE)]
    pending = [s.step for s in schedule.steps if not s.done]
    on_time = f"{count} dari {n} langkah tepat waktu"
    details = []
    if late:
        details.append(f"melebihi standar waktu: {_join_numbers(late)}")
    if pending:
        details.append(f"belum selesai: {len(pending)} langkah")
    if details:
        on_time += " (" + "; ".join(details) + ")"

    deadline = schedule.deadline
    delivered_at = schedule.delivered_at
    if delivered_at is not None:
        when = _relative_to_deadline(delivered_at, deadline, calendar)
        delivery = f"Disampaikan {format_datetime_id(delivered_at)}{when}"
        if deadline is None or delivered_at <= deadline:
            verdict = ("Prosedur berjalan dengan baik: LKj disampaikan tepat waktu dan semua langkah memenuhi standar "
                       "waktu SOP." if not late else
                       f"LKj disampaikan tepat waktu, namun {_join_numbers(late)} melebihi standar waktu SOP; "
                       f"lihat evaluasi untuk tindak lanjut.")
        else:
            verdict = ("LKj terlambat disampaikan ke Bagian Organisasi Sekretariat Daerah; lihat evaluasi untuk "
                       "tindak lanjut.")
    else:
        projected = schedule.projected_finish
        when = _relative_to_deadline(projected, deadline, calendar)
        delivery = f"Belum disampaikan; perkiraan selesai {format_datetime_id(projected)}{when}"
        current = schedule.current
        holder = f" (saat ini di Langkah {current.step}, {current.actor})" if current is not None else ""
        overall = schedule.overall
        if deadline is None:
            verdict = f"Siklus ini tidak punya batas akhir penyampaian; belum disampaikan{holder}."
        elif overall == CYCLE_LATE:
            verdict = f"Terlambat: batas akhir penyampaian sudah lewat dan LKj belum disampaikan{holder}."
        elif overall == CYCLE_AT_RISK:
            verdict = f"Berisiko terlambat: perkiraan penyelesaian melewati batas akhir penyampaian{holder}."
        else:
            verdict = f"Sesuai jadwal: perkiraan penyelesaian masih sebelum batas akhir penyampaian{holder}."
        # A step overdue now is a fact of its own, beside the cycle's status against the final deadline.
        overdue = [s.step for s in schedule.steps if s.status == STATUS_OVERDUE]
        if overdue:
            verdict += (f" Terlambat saat ini: {_join_numbers(overdue)} sudah melewati standar waktu SOP dan belum "
                        f"selesai; segera tindak lanjuti.")
        if schedule.unplanned_steps:
            verdict += f" {unplanned_message(schedule.unplanned_steps)}."
    judged = sum(1 for row in monitoring if row.judged)
    judged_line = (f"Penilaian penilai (lembar Evaluasi): {judged} dari {n} langkah"
                   + ("." if judged == n else "; selebihnya saran dari data, ditandai \"(saran)\"."))
    return Summary(count, n, on_time, delivery, verdict, delivered_at,
                   CYCLE_DELIVERED if delivered_at is not None else schedule.overall, judged_line)


__all__ = [
    "EVAL_BAD",
    "EVAL_GOOD",
    "EVAL_NOT_DONE",
    "EVAL_RUNNING",
    "EVAL_UNKNOWN",
    "Report",
    "ReportRow",
    "Signature",
    "Summary",
    "build_report",
    "day_minutes",
    "describe_standard",
    "draft_line",
    "format_date_id",
    "format_datetime_id",
    "format_duration",
    "format_lateness",
    "shorten_uraian",
]
