"""The cycle's final report: a pure model of the "Laporan" sheet (no I/O).

:func:`build_report` turns a :class:`~lkj_xl.core.schedule.CycleSchedule` into a :class:`Report`: the title block, one row
per step, a summary, the SOP monitoring evaluation that Permenpan RB No. 35 Tahun 2012 asks for (per step: whether it
ran well, notes, the action to take), chart data (standard vs actual working hours) and the signature block.
Every text is Indonesian and final; the sheet layer (:mod:`lkj_xl.workbook.report_sheet`) only places values.

Durations are working time (the calendar's working minutes).  A step whose standard is in days, and a step without a
standard that took a working day or more, is described in working days plus hours, a working day being the usual
working minutes of a day in the settings' week (Perpres 21/2023 default: 450 = 7 jam 30 menit).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from lkj_xl.core.worktime import WorkingCalendar
from lkj_xl.core.periods import key_title
from lkj_xl.core.dates import format_date_id, format_datetime_id
from lkj_xl.core.plan import unplanned_message
from lkj_xl.core.schedule import (
    CYCLE_AT_RISK,
    CYCLE_DELIVERED,
    CYCLE_LATE,
    STATUS_DONE,
    STATUS_DONE_LATE,
    STATUS_DONE_ON_TIME,
    STATUS_LABELS,
    STATUS_OVERDUE,
    STATUS_RUNNING,
    CycleSchedule,
    StepSchedule,
)
from lkj_xl.core.settings import Settings
from lkj_xl.core.sop import DAYS, MINUTES, Sop, Step, TimeStandard, format_minutes


#: Shortened Uraian: at most this many characters (the ellipsis included).
URAIAN_MAX = 80
#: A first clause shorter than this ("Menerima") is joined with the next ones before shortening.
URAIAN_MIN_CLAUSE = 25

# Evaluation verdicts (Permenpan RB 35/2012, monitoring and evaluation of SOP application).
EVAL_GOOD = "Berjalan dengan baik"
EVAL_BAD = "Tidak berjalan dengan baik"
EVAL_NOT_DONE = "Belum dilaksanakan"
EVAL_UNKNOWN = "Tidak dapat dinilai"  # done, but its start was never recorded: timeliness cannot be judged

DASH = "-"
ELLIPSIS = "\u2026"
EM_DASH = "\u2014"

#: Signature block placeholders when no head of agency is given (signed by hand on the print).
NAME_PLACEHOLDER = "(.......................................)"
NIP_PLACEHOLDER = "NIP. ......................................."


# --- the model ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    """One step of the step table."""

    number: int
    uraian: str  # shortened
    pelaksana: str  # "Sekretaris — Budi Santoso"
    received: datetime | None
    completed: datetime | None
    standard: str  # "2 minggu (10 hari kerja)", "-" when none
    actual: str  # "2 jam 56 menit", "-" when not started
    due: datetime | None
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


@dataclass(frozen=True)
class Evaluation:
    """Permenpan RB 35/2012 SOP monitoring, one step."""

    number: int
    uraian: str  # shortened
    verdict: str  # EVAL_*
    catatan: str  # the note typed for the step, "" when none
    tindakan: str  # the action to take


@dataclass(frozen=True)
class ChartPoint:
    label: str  # "Langkah 1"
    standard_hours: float | None  # None: the step has no time standard
    actual_hours: float | None  # None: not started (or start unknown)


@dataclass(frozen=True)
class Signature:
    place_date: str  # "Madiun, 31 Maret 2026"
    acknowledged: str  # "Mengetahui,"
    jabatan: str  # "Inspektur", "Plt. Inspektur"
    name: str
    nip: str  # "NIP. 19800101 200501 1 001"


@dataclass(frozen=True)
class Report:
    year: int
    as_of: datetime
    deadline: datetime | None
    government: str  # "PEMERINTAH KOTA MADIUN"
    agency: str  # "INSPEKTORAT KOTA MADIUN"
    title: str  # "Laporan Pelaksanaan SOP Penyusunan Laporan Kinerja (LKj) Tahun 2025"
    sop_line: str  # "SOP Nomor 3.1.2.6, disahkan 15 Desember 2022"
    deadline_line: str  # "Batas akhir penyampaian: 31 Maret 2026 16.00"
    as_of_line: str  # "Keadaan per 20 Maret 2026 10.00"
    rows: tuple[ReportRow, ...]
    summary: Summary
    evaluations: tuple[Evaluation, ...]
    chart: tuple[ChartPoint, ...]
    signature: Signature

    @property
    def title_lines(self) -> tuple[str, ...]:
        return (self.government, self.agency, self.title, self.sop_line, self.deadline_line, self.as_of_line)


# --- Indonesian text helpers -------------------------------------------------------------------------------------


def day_minutes(settings: Settings) -> int:
    """Working minutes of a usual working day in the settings' week (the most common value; 450 by default)."""
    values = [d.minutes for d in settings.week if d is not None and d.minutes > 0]
    if not values:
        return 450
    counts = Counter(values)
    best = max(counts.values())
    return max(v for v, c in counts.items() if c == best)


def format_duration(minutes: int, per_day: int, *, in_days: bool) -> str:
    """Working time, human readable.  ``in_days``: "12 hari kerja 3 jam"; else "2 jam 56 menit"."""
    minutes = max(0, int(minutes))
    if not in_days or minutes < per_day:
        return format_minutes(minutes)
    days, rest = divmod(minutes, per_day)
    text = f"{days} hari kerja"
    return f"{text} {format_minutes(rest)}" if rest else text


def format_lateness(minutes: int, per_day: int, *, in_days: bool) -> str:
    """Working time past due: "56 menit kerja", "2 hari kerja 3 jam"; "-" when not late."""
    if minutes <= 0:
        return DASH
    text = format_duration(minutes, per_day, in_days=in_days)
    return text if "hari kerja" in text else f"{text} kerja"


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
    head: tuple[str, str, str] | None = None,
    notes: Mapping[int, str] | None = None,
    calendar: WorkingCalendar,
) -> Report:
    """The report of one cycle at ``schedule.as_of``.

    ``staff_names``: step number -> the Pelaksana's name recorded; ``head``: (jabatan as shown, name, NIP formatted) of
    the signature block; ``notes``: step number -> the Catatan typed.  ``calendar`` (the workbook's working calendar,
    the same the schedule used) counts working days before/after the deadline.
    """
    staff_names = staff_names or {}
    notes = notes or {}
    per_day = day_minutes(settings)
    by_number = {s.step: s for s in schedule.steps}

    rows: list[ReportRow] = []
    evaluations: list[Evaluation] = []
    chart: list[ChartPoint] = []
    for step in sop.steps:
        sched = by_number.get(step.number)
        if sched is None:
            raise ValueError(f"Jadwal tidak memuat Langkah {step.number}.")
        short = shorten_uraian(step.uraian)
        in_days = _in_days(step, sched, per_day)
        rows.append(_row(step, sched, short, staff_names.get(step.number), per_day, in_days))
        evaluations.append(_evaluate(step, sched, short, notes.get(step.number), per_day, in_days, schedule.as_of))
        std = standard_minutes(step.standard, per_day)
        chart.append(ChartPoint(
            label=f"Langkah {step.number}",
            standard_hours=None if std is None else round(std / 60, 2),
            actual_hours=None if sched.actual_minutes is None else round(sched.actual_minutes / 60, 2),
        ))

    return Report(
        year=schedule.year,
        as_of=schedule.as_of,
        deadline=schedule.deadline,
        government=" ".join(settings.government.split()).upper(),
        agency=" ".join(settings.agency.split()).upper(),
        title=f"Laporan Pelaksanaan SOP {sop.nama} {_upper_first(key_title(schedule.year))}",
        sop_line=f"SOP Nomor {sop.nomor}, disahkan {sop.tanggal_pengesahan}",
        deadline_line=(f"Batas akhir penyampaian LKj: {format_datetime_id(schedule.deadline)}"
                       if schedule.deadline is not None else "Batas akhir penyampaian: tidak ditetapkan"),
        as_of_line=f"Keadaan per {format_datetime_id(schedule.as_of)}",
        rows=tuple(rows),
        summary=_summary(schedule, calendar),
        evaluations=tuple(evaluations),
        chart=tuple(chart),
        signature=_signature(sop, settings, schedule, head),
    )


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _in_days(step: Step, sched: StepSchedule, per_day: int) -> bool:
    """Describe this step's durations in working days?"""
    if step.standard is not None:
        return step.standard.kind == DAYS
    return (sched.actual_minutes or 0) >= per_day


def _row(step: Step, sched: StepSchedule, short: str, name: str | None, per_day: int, in_days: bool) -> ReportRow:
    name = " ".join(str(name).split()) if name else ""
    pelaksana = f"{step.actor} {EM_DASH} {name}" if name else step.actor
    actual = DASH if sched.actual_minutes is None else format_duration(sched.actual_minutes, per_day, in_days=in_days)
    return ReportRow(
        number=step.number,
        uraian=short,
        pelaksana=pelaksana,
        received=sched.received,
        completed=sched.completed,
        standard=describe_standard(step.standard),
        actual=actual,
        due=sched.due,
        has_standard=step.standard is not None,
        status=sched.status,
        status_label=STATUS_LABELS[sched.status],
        lateness=format_lateness(sched.late_minutes, per_day, in_days=in_days),
    )


def _evaluate(step: Step, sched: StepSchedule, short: str, note: str | None, per_day: int,
              in_days: bool, as_of: datetime) -> Evaluation:
    late = format_lateness(sched.late_minutes, per_day, in_days=in_days)
    latest = format_datetime_id(sched.latest_finish) if sched.latest_finish is not None else ""
    # Without a final deadline there is no backward plan: nothing is "past its latest finish".
    past_latest = sched.latest_finish is not None and as_of > sched.latest_finish
    status = sched.status
    if status == STATUS_DONE_ON_TIME:
        verdict, action = EVAL_GOOD, "Pertahankan"
    elif status == STATUS_DONE_LATE:
        verdict = EVAL_BAD
        action = (f"Langkah melebihi standar waktu {late}; tinjau beban kerja pelaksana atau usulkan revisi "
                  f"standar waktu SOP")
    elif status == STATUS_DONE and step.standard is not None:
        # Done with a standard but no start known (no Diterima, previous step not done): cannot be judged.
        verdict = EVAL_UNKNOWN
        action = "Waktu diterima tidak tercatat sehingga ketepatan waktu tidak dapat dinilai; lengkapi kolom Diterima"
    elif status == STATUS_DONE:
        verdict = EVAL_GOOD
        if sched.actual_minutes is not None and sched.actual_minutes >= per_day:
            took = format_duration(sched.actual_minutes, per_day, in_days=True)
            action = (f"Langkah tanpa standar waktu ini memakan {took}; tetapkan standar waktu untuk langkah ini "
                      f"pada revisi SOP")
        else:
            action = "Pertahankan"
    elif status == STATUS_OVERDUE:
        verdict = EVAL_BAD
        action = f"Segera selesaikan; sudah terlambat {late} dari batas waktu {format_datetime_id(sched.due)}"
    elif status == STATUS_RUNNING:
        verdict = EVAL_GOOD
        if past_latest:
            action = f"Segera selesaikan; menurut jadwal mundur langkah ini seharusnya selesai paling lambat {latest}"
        elif sched.due is not None:
            action = f"Selesaikan sebelum batas waktu {format_datetime_id(sched.due)}"
            if sched.latest_finish is not None and sched.latest_finish < sched.due:
                action += f"; agar batas akhir terpenuhi, selesaikan paling lambat {latest}"
        elif latest:
            action = f"Selesaikan paling lambat {latest} agar batas akhir terpenuhi"
        else:
            action = "Selesaikan sesuai SOP"
    else:  # STATUS_NOT_STARTED
        verdict = EVAL_NOT_DONE
        if past_latest:
            action = (f"Segera laksanakan; menurut jadwal mundur langkah ini seharusnya selesai paling lambat "
                      f"{latest}")
        elif latest:
            action = f"Laksanakan sesuai SOP; selesaikan paling lambat {latest} agar batas akhir terpenuhi"
        else:
            action = "Laksanakan sesuai SOP"
    return Evaluation(step.number, short, verdict, " ".join(str(note).split()) if note else "", action)


def _relative_to_deadline(instant: datetime, deadline: datetime | None, calendar: WorkingCalendar) -> str:
    if deadline is None:
        return "tanpa batas akhir"
    if instant <= deadline:
        days = calendar.working_days_between(instant.date(), deadline.date())
        return "pada hari batas akhir" if days == 0 else f"{days} hari kerja sebelum batas akhir"
    days = calendar.working_days_between(deadline.date(), instant.date())
    return "melewati batas akhir" if days == 0 else f"{days} hari kerja setelah batas akhir"


def _summary(schedule: CycleSchedule, calendar: WorkingCalendar) -> Summary:
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
        delivery = f"Disampaikan {format_datetime_id(delivered_at)}, {when}"
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
        delivery = f"Belum disampaikan; perkiraan selesai {format_datetime_id(projected)}, {when}"
        current = schedule.current
        holder = f" (saat ini di Langkah {current.step}, {current.actor})" if current is not None else ""
        overall = schedule.overall
        if overall == CYCLE_LATE:
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
    return Summary(count, n, on_time, delivery, verdict, delivered_at,
                   CYCLE_DELIVERED if delivered_at is not None else schedule.overall)


def _signature(sop: Sop, settings: Settings, schedule: CycleSchedule, head: tuple[str, str, str] | None) -> Signature:
    place = place_of(settings.government)
    place_date = f"{place}, {format_date_id(schedule.as_of.date())}" if place else format_date_id(schedule.as_of)
    if head is None:
        jabatan, name, nip = sop.disahkan_oleh, "", ""
    else:
        jabatan, name, nip = (" ".join(str(v or "").split()) for v in head)
    return Signature(
        place_date=place_date,
        acknowledged="Mengetahui,",
        jabatan=jabatan or sop.disahkan_oleh,
        name=name or NAME_PLACEHOLDER,
        nip=f"NIP. {nip}" if nip else NIP_PLACEHOLDER,
    )


__all__ = [
    "ChartPoint",
    "EVAL_BAD",
    "EVAL_GOOD",
    "EVAL_NOT_DONE",
    "EVAL_UNKNOWN",
    "Evaluation",
    "Report",
    "ReportRow",
    "Signature",
    "Summary",
    "build_report",
    "day_minutes",
    "describe_standard",
    "format_date_id",
    "format_datetime_id",
    "format_duration",
    "format_lateness",
    "shorten_uraian",
]
