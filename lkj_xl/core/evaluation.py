"""What the SOP's evaluator decides, as typed on the ``Evaluasi`` sheet (pure; no I/O).

Permenpan RB No. 35 Tahun 2012 (Lampiran) asks for two forms on how an SOP is applied:

* the *monitoring* form, per step: Penilaian terhadap Penerapan ("Berjalan dengan baik" / "Tidak berjalan dengan
  baik"), Catatan Hasil Penilaian, Tindakan yang Harus Diambil, Paraf Penilai;
* the *evaluation* of the SOP's application: Ya/Tidak and Catatan for each of the seven usual criteria
  (:data:`CRITERIA`).

Those judgements are a person's, so they are typed in the table ``tblEvaluasi`` (one block of rows per reporting
year, or per period of a non-yearly SOP, key column "Periode": a row per step, Bagian "Langkah", and per criterion,
Bagian "Kriteria") and the report copies them.  :func:`read_evaluation` turns the rows of one cycle into :class:`EvaluationInput`, with a located problem for each
row it cannot use.  The engine never writes that sheet; the report's own suggestion (from the data) only fills what
nobody typed, and says it is a suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from lkj_xl.core.entries import AREA_EVALUATION, WARNING, Location, Problem
from lkj_xl.core.errors import ParseError
from lkj_xl.core.periods import TAHUNAN, key_title
from lkj_xl.core.validation import parse_key, parse_year
from lkj_xl.core.values import as_text, is_blank, normalize_label

#: The seven criteria of the SOP application evaluation, in the order the Permenpan RB 35/2012 Lampiran form and
#: the SOP monitoring applications built on it list them.
CRITERIA: tuple[str, ...] = (
    "Mampu mendorong peningkatan kinerja",
    "Mudah dipahami",
    "Mudah dilaksanakan",
    "Semua orang dapat menjalankan perannya masing-masing",
    "Mampu mengatasi permasalahan yang berkaitan dengan proses",
    "Mampu menjawab kebutuhan peningkatan kinerja organisasi",
    "Sinergi satu dengan lainnya",
)

PART_STEP = "Langkah"
PART_CRITERION = "Kriteria"
PARTS: tuple[str, ...] = (PART_STEP, PART_CRITERION)

# The monitoring verdicts (Permenpan RB 35/2012, Lampiran) and the criterion answers.
GOOD = "Berjalan dengan baik"
BAD = "Tidak berjalan dengan baik"
YES = "Ya"
NO = "Tidak"
#: Every choice of the Penilaian dropdown: the verdicts for a step row, Ya/Tidak for a criterion row.
VERDICT_CHOICES: tuple[str, ...] = (GOOD, BAD, YES, NO)

_STEP_ANSWERS = {normalize_label(GOOD): True, normalize_label(BAD): False, "ya": True, "tidak": False,
                 "baik": True, "tidak baik": False}
_CRITERION_ANSWERS = {"ya": True, "y": True, "tidak": False, "t": False}

# Problem codes
EVALUASI_TIDAK_TERBACA = "evaluasi_tidak_terbaca"
EVALUASI_GANDA = "evaluasi_ganda"
EVALUASI_TANPA_CATATAN = "evaluasi_tanpa_catatan"


@dataclass(frozen=True)
class EvaluationEntry:
    """One row of ``tblEvaluasi``, as typed (raw cell values)."""

    row: int  # 0-based index within the table
    year: object = None
    part: object = None
    number: object = None
    text: object = None
    verdict: object = None
    note: object = None
    action: object = None


@dataclass(frozen=True)
class Judgement:
    """What the evaluator typed for one step or criterion.  ``good`` is None when Penilaian was left blank."""

    good: bool | None
    note: str = ""
    action: str = ""
    row: int = -1  # the table row it came from (for messages)


@dataclass(frozen=True)
class EvaluationInput:
    """The judgements of one reporting year: step number -> judgement, criterion number (1..7) -> judgement."""

    steps: Mapping[int, Judgement] = field(default_factory=dict)
    criteria: Mapping[int, Judgement] = field(default_factory=dict)


def _loc(entry: EvaluationEntry, column: str) -> Location:
    return Location(AREA_EVALUATION, entry.row, column)


def _number(value: object) -> int | None:
    if isinstance(value, bool) or is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    text = as_text(value)
    return int(text) if text.isdigit() else None


def _clean(value: object) -> str:
    return " ".join(as_text(value).split()) if not is_blank(value) else ""


def _bare_year(value: object) -> int | None:
    try:
        return parse_year(value)
    except ParseError:
        return None


def read_evaluation(entries: Iterable[EvaluationEntry], year: object, step_numbers: Iterable[int],
                    labels: Mapping[str, str], kind: str = TAHUNAN) -> tuple[EvaluationInput, list[Problem]]:
    """The judgements typed for the cycle ``year`` (the reporting year; a non-yearly SOP of period ``kind``: the
    Period, its rows keyed by the period's label) and a warning per row that cannot be used (never an error: a report
    without an evaluation is still a report).  A non-yearly SOP's rows holding a bare year (a block made before the
    period kind was set) are one warning, at the first of them.  ``labels``: attribute -> the column label."""
    steps: dict[int, Judgement] = {}
    criteria: dict[int, Judgement] = {}
    problems: list[Problem] = []
    known_steps = set(step_numbers)
    bare_years: list[EvaluationEntry] = []

    def warn(entry: EvaluationEntry, attr: str, code: str, message: str) -> None:
        problems.append(Problem(_loc(entry, labels.get(attr, attr)), WARNING, code, message))

    for entry in sorted(entries, key=lambda e: e.row):
        try:
            entry_year = parse_key(entry.year, kind)
        except ParseError as exc:
            if kind != TAHUNAN and _bare_year(entry.year) is not None:
                bare_years.append(entry)
            else:
                warn(entry, "year", EVALUASI_TIDAK_TERBACA, exc.message)
            continue
        if entry_year != year:
            continue
        part = {normalize_label(p): p for p in PARTS}.get(normalize_label(as_text(entry.part)))
        if part is None:
            warn(entry, "part", EVALUASI_TIDAK_TERBACA,
                 f"Bagian \"{_clean(entry.part)}\" tidak dikenali; isi \"{PART_STEP}\" (penilaian per langkah) atau "
                 f"\"{PART_CRITERION}\" (evaluasi penerapan SOP).")
            continue
        number = _number(entry.number)
        valid = known_steps if part == PART_STEP else set(range(1, len(CRITERIA) + 1))
        if number not in valid:
            what = "langkah SOP" if part == PART_STEP else f"kriteria 1-{len(CRITERIA)}"
            warn(entry, "number", EVALUASI_TIDAK_TERBACA,
                 f"No \"{_clean(entry.number)}\" bukan nomor {what}; baris ini diabaikan.")
            continue
        answers = _STEP_ANSWERS if part == PART_STEP else _CRITERION_ANSWERS
        good: bool | None = None
        if not is_blank(entry.verdict):
            good = answers.get(normalize_label(as_text(entry.verdict)))
            if good is None:
                choices = f"\"{GOOD}\" atau \"{BAD}\"" if part == PART_STEP else f"\"{YES}\" atau \"{NO}\""
                warn(entry, "verdict", EVALUASI_TIDAK_TERBACA,
                     f"Penilaian \"{_clean(entry.verdict)}\" untuk {part} {number} tidak dikenali; pilih {choices}.")
                continue
        target = steps if part == PART_STEP else criteria
        if number in target:
            warn(entry, "number", EVALUASI_GANDA,
                 f"{part} {number} {key_title(year)} sudah dinilai pada baris data ke-{target[number].row + 1} tabel "
                 f"Evaluasi; baris ini diabaikan.")
            continue
        target[number] = Judgement(good, _clean(entry.note), _clean(entry.action), entry.row)
    if bare_years:
        from lkj_xl.core.periods import EXAMPLES

        first = bare_years[0]
        warn(first, "year", EVALUASI_TIDAK_TERBACA,
             f"{len(bare_years)} baris tabel Evaluasi berisi tahun ({_clean(first.year)}), padahal SOP ini berperiode "
             f"{kind}: ganti dengan periode yang dinilai, ditulis seperti pada lembar Langkah (mis. "
             f"{EXAMPLES.get(kind, '2025-S1')}). Baris itu diabaikan.")
    return EvaluationInput(steps, criteria), problems


def judgement_problems(judgements: EvaluationInput, incomplete_steps: Iterable[int],
                       labels: Mapping[str, str]) -> list[Problem]:
    """A step done with Kelengkapan "Tidak" is not "berjalan dengan baik" without a note: a warning on the
    evaluator's row that says so (``incomplete_steps``: the steps done with Kelengkapan "Tidak")."""
    problems = []
    for number in sorted(set(incomplete_steps)):
        judgement = judgements.steps.get(number)
        if judgement is not None and judgement.good and not judgement.note:
            problems.append(Problem(Location(AREA_EVALUATION, judgement.row, labels.get("note", "note")), WARNING,
                                    EVALUASI_TANPA_CATATAN,
                                    f"Langkah {number} selesai dengan Kelengkapan \"Tidak\", tetapi dinilai "
                                    f"\"{GOOD}\" tanpa catatan; tulis di Catatan Hasil Penilaian mengapa langkah itu "
                                    f"tetap berjalan dengan baik, atau ubah penilaiannya."))
    return problems


__all__ = [
    "BAD", "CRITERIA", "EvaluationEntry", "EvaluationInput", "GOOD", "Judgement", "NO", "PARTS", "PART_CRITERION",
    "PART_STEP", "VERDICT_CHOICES", "YES", "judgement_problems", "read_evaluation",
]
