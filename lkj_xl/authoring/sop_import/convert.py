"""The import JSON -> :class:`lkj_xl.core.sop.Sop` (only the fields the model has; the JSON keeps the rest)."""

from __future__ import annotations

from lkj_xl.core.errors import ParseError
from lkj_xl.core.sop import IDENTITY_FIELDS, Sop, Step, parse_waktu

_LISTS = ("dasar_hukum", "kualifikasi_pelaksana", "keterkaitan", "peralatan")


def to_sop(sop_json: dict) -> Sop:
    """A :class:`Sop` from the import JSON.  A step whose Waktu text the parser does not know keeps the text and has
    no standard (as the tracker reader does); steps of a ``waktu_group`` other than the first carry no Waktu of
    their own (the model has no group yet)."""
    identity = {}
    for _, attr in IDENTITY_FIELDS:
        value = sop_json.get(attr, [] if attr in _LISTS else "")
        identity[attr] = tuple(value) if attr in _LISTS else str(value or "")
    steps = []
    for raw in sop_json.get("steps", []):
        waktu = raw.get("waktu", "") or ""
        try:
            standard = parse_waktu(waktu)
            bad = False
        except ParseError:
            standard, bad = None, True
        step = Step(int(raw["number"]), raw.get("uraian", ""), raw.get("actor", ""),
                    tuple(raw.get("participants", ())), raw.get("kelengkapan", ""), "" if bad else waktu,
                    raw.get("output", ""), raw.get("keterangan", ""), standard)
        if bad:
            object.__setattr__(step, "waktu", waktu)
        steps.append(step)
    return Sop(**identity, roles=tuple(sop_json.get("roles", ())), steps=tuple(steps))


def sop_to_json(sop: Sop, *, source: str = "") -> dict:
    """The import JSON of a :class:`Sop` (a tracker's SOP sheet): symbols are not known there (null)."""
    out: dict = {}
    for _, attr in IDENTITY_FIELDS:
        value = getattr(sop, attr)
        out[attr] = list(value) if isinstance(value, tuple) else value
    out["roles"] = list(sop.roles)
    out["steps"] = [{
        "number": s.number, "uraian": s.uraian, "actor": s.actor, "participants": list(s.participants),
        "kelengkapan": s.kelengkapan, "waktu": s.waktu, "output": s.output, "keterangan": s.keterangan,
        "symbol": None,
    } for s in sop.steps]
    if source:
        out["source"] = source
    return out
