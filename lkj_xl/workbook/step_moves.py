"""Which step each ``Langkah N`` sheet was built for, after the admin changed ``tblSOP``: the one reading that
refresh reports (:func:`lkj_xl.workbook.read_steps.read_steps`) and ``lkj sop terapkan`` applies
(:func:`lkj_xl.authoring.sop_apply.structure_of`).

Steps are known by their number, and each step sheet's top block holds the Uraian it was built (or last refreshed)
for.  Given that Uraian per sheet and the steps of tblSOP:

* **exact**: the Uraian belongs to exactly one other step of tblSOP (same text, spaces and case aside): the step was
  renumbered, the sheet goes with it;
* **followed** (a renumbering and a rewording in one change): the Uraian belongs to no step, the sheet's own step
  has another text, and the numbering changed in the same change (a sheet moved exactly, or the step numbers of
  tblSOP are not the sheets' numbers: a step added or taken away).  Its text is compared with every step no sheet
  is built for (difflib's ratio of the two texts, spaces and case aside); one clear best match, at least
  :data:`MATCH_MIN` alike and :data:`MATCH_MARGIN` ahead of the next one, is followed, and both refresh and the
  summary of ``terapkan`` say so ("uraian 86% sama").  When it is the sheet's own step, that is an edit of its
  Uraian: nothing moves;
* **unclear**: the same case with no clear best match (two steps alike, or two sheets following one step) while
  some step is at least :data:`MATCH_MIN` alike: refresh reports it and ``terapkan`` refuses, naming the sheet, the
  candidates and what to do (apply the renumbering first, then the rewording, or the reverse).  When no step is that
  alike, the sheet keeps its number, as an edit would (its step, if taken away, is refused when it holds entries).

An edit of an Uraian with no renumbering in the same change stays an edit: no text is compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Mapping

from lkj_xl.core.sop import Sop
from lkj_xl.core.values import normalize_label

#: How alike a sheet's Uraian and a step's must be for the sheet to follow that step (difflib ratio, 0-1): a
#: rewording keeps most of the text; below this it is another step.  A design choice of this tool, not a rule.
MATCH_MIN = 0.6
#: How far the best match must be ahead of the next one to be clear.
MATCH_MARGIN = 0.15


@dataclass(frozen=True)
class Followed:
    """A sheet read as built for ``step`` by the likeness of the texts (``ratio``, 0-1)."""

    step: int
    ratio: float
    built_for: str
    uraian: str

    @property
    def percent(self) -> int:
        return int(self.ratio * 100)


@dataclass(frozen=True)
class Unclear:
    """A sheet whose Uraian matches no step, with the steps it is most alike (step, ratio, Uraian), best first."""

    built_for: str
    candidates: tuple[tuple[int, float, str], ...]


@dataclass(frozen=True)
class Moves:
    #: sheet number -> the step whose Uraian its top block holds exactly (another number)
    exact: dict[int, int] = field(default_factory=dict)
    #: sheet number -> the step it follows by likeness (the sheet's own number included: an edit, nothing moves)
    followed: dict[int, Followed] = field(default_factory=dict)
    #: sheet number -> why it is not clear
    unclear: dict[int, Unclear] = field(default_factory=dict)

    def moved(self) -> dict[int, int]:
        """Sheet number -> the step number its content goes to, for every sheet that changes number."""
        return self.exact | {sheet: f.step for sheet, f in self.followed.items() if f.step != sheet}


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def read_moves(sop: Sop, built: Mapping[int, str | None], compare: bool = True) -> Moves:
    """The reading of every step sheet (``built``: sheet number -> the Uraian its top block holds, None when blank)
    against the steps of ``sop``.  ``compare``: whether texts may be compared at all (False when tblSOP itself was
    not read)."""
    by_text: dict[str, list[int]] = {}
    for step in sop.steps:
        by_text.setdefault(normalize_label(step.uraian), []).append(step.number)
    own = {step.number: normalize_label(step.uraian) for step in sop.steps}
    uraian = {step.number: step.uraian for step in sop.steps}
    exact: dict[int, int] = {}
    unmatched: dict[int, str] = {}
    owned: set[int] = set()
    for number, text in built.items():
        if text is None:
            continue
        key = normalize_label(text)
        matches = by_text.get(key, [])
        if own.get(number) == key:
            owned.add(number)
        elif len(matches) == 1:
            exact[number] = matches[0]
            owned.add(matches[0])
        elif not matches:
            unmatched[number] = text
    renumbered = bool(exact) or set(built) != set(own)
    if not (compare and renumbered and unmatched):
        return Moves(exact)
    free = [n for n in own if n not in owned]
    followed: dict[int, Followed] = {}
    unclear: dict[int, Unclear] = {}
    for sheet, text in sorted(unmatched.items()):
        key = normalize_label(text)
        ranked = sorted(((n, _ratio(key, own[n])) for n in free), key=lambda item: (-item[1], item[0]))
        if not ranked or ranked[0][1] < MATCH_MIN:
            continue  # alike to no step: it keeps its number, as an edit would
        best, ratio = ranked[0]
        if len(ranked) > 1 and ranked[1][1] > ratio - MATCH_MARGIN:
            unclear[sheet] = Unclear(text, tuple((n, r, uraian[n]) for n, r in ranked[:3]))
        else:
            followed[sheet] = Followed(best, ratio, text, uraian[best])
    claimed: dict[int, list[int]] = {}
    for sheet, found in followed.items():
        claimed.setdefault(found.step, []).append(sheet)
    for step, sheets in claimed.items():
        if len(sheets) > 1:  # two sheets follow one step: neither is clear
            for sheet in sheets:
                found = followed.pop(sheet)
                unclear[sheet] = Unclear(found.built_for, ((step, found.ratio, found.uraian),))
    return Moves(exact, followed, dict(sorted(unclear.items())))


def _short(text: object, size: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= size else text[:size - 3] + "..."


def followed_text(sheet_name: str, found: Followed) -> str:
    """Indonesian: ``lembar "Langkah 3" dibuat untuk "...", dianggap langkah 4 "..." (uraian 86% sama)``."""
    return (f"lembar \"{sheet_name}\" dibuat untuk \"{_short(found.built_for)}\", dianggap langkah {found.step} "
            f"\"{_short(found.uraian)}\" (uraian {found.percent}% sama)")


def unclear_text(sheet_name: str, found: Unclear) -> str:
    """Indonesian: the sheet, the candidates and what to do."""
    candidates = "; ".join(f"langkah {n} \"{_short(text)}\" ({int(r * 100)}% sama)" for n, r, text in found.candidates)
    return (f"Lembar \"{sheet_name}\" dibuat untuk \"{_short(found.built_for)}\", yang tidak ada lagi di tabel langkah "
            f"SOP, sementara nomor langkah juga berubah; tidak jelas langkah mana yang dimaksud (calon: {candidates}). "
            f"Isian lembar itu tidak dipindahkan dengan menebak: terapkan dulu perubahan nomor dengan uraian lama "
            f"(kembalikan uraiannya, jalankan `lkj sop terapkan`), lalu ubah uraiannya; atau sebaliknya (kembalikan "
            f"nomornya, ubah uraiannya dan jalankan `lkj refresh`, lalu ubah nomornya dan jalankan `lkj sop "
            f"terapkan`).")


__all__ = ["MATCH_MARGIN", "MATCH_MIN", "Followed", "Moves", "Unclear", "followed_text", "read_moves",
           "unclear_text"]
