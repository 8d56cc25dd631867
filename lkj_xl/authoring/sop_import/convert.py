"""The import JSON -> :class:`lkj_xl.core.sop.Sop` (only the fields the model has; the JSON keeps the rest)."""

from __future__ import annotations

from lkj_xl.core.errors import ParseError
from lkj_xl.core.sop import IDENTITY_FIELDS, Sop, Step, parse_waktu

_LISTS = ("dasar_hukum", "kualifikasi_pelaksana", "keterkaitan", "peralatan")


def to_sop(sop_json: dict) -> Sop:
    """A :class:`Sop` from the import JSON.  A step whose Waktu text the parser does not know keeps the text and has
    no standard (as the tracker reader does); ``symbol``, ``branches`` and ``waktu_group`` are kept (steps of a
    group other than the first carry no Waktu of their own: they share the first one's)."""
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
                    raw.get("output", ""), raw.get("keterangan", ""), standard, symbol=raw.get("symbol") or "",
                    branches=tuple((str(b.get("label", "")), b.get("to")) for b in raw.get("branches") or ()),
                    waktu_group=tuple(int(n) for n in raw.get("waktu_group") or ()))
        if bad:
            object.__setattr__(step, "waktu", waktu)
        steps.append(step)
    return Sop(**identity, roles=tuple(sop_json.get("roles", ())), steps=tuple(steps))


def sop_to_json(sop: Sop, *, source: str = "") -> dict:
    """The import JSON of a :class:`Sop` (a tracker's SOP sheet): symbol (null when not known), branches and
    waktu_group as the SOP sheet's flow table holds them."""
    out: dict = {}
    for _, attr in IDENTITY_FIELDS:
        value = getattr(sop, attr)
        out[attr] = list(value) if isinstance(value, tuple) else value
    out["roles"] = list(sop.roles)
    out["steps"] = [{
        "number": s.number, "uraian": s.uraian, "actor": s.actor, "participants": list(s.participants),
        "kelengkapan": s.kelengkapan, "waktu": s.waktu, "output": s.output, "keterangan": s.keterangan,
        "symbol": s.symbol or None,
        **({"branches": [{"label": label, "to": to} for label, to in s.branches]} if s.branches else {}),
        **({"waktu_group": list(s.waktu_group)} if s.waktu_group else {}),
    } for s in sop.steps]
    if source:
        out["source"] = source
    return out


def sop_for_tracker(sop_json: dict, *, source: str, roles_max: int) -> tuple[Sop, list[str]]:
    """The :class:`Sop` a new tracker is built for (``lkj new --sop``), and what the admin should check.

    Unusable input raises :class:`UnusableFileError` naming ``source`` (nothing is built): no steps, a step number
    below 1 or used twice, more roles than the SOP sheet holds.  A step's actor or participant missing from
    ``roles`` is added to them (the Pelaksana dropdowns list it), with a note."""
    from lkj_xl.core.errors import UnusableFileError

    sop = to_sop(sop_json)
    if not sop.steps:
        raise UnusableFileError(f"SOP \"{source}\" tidak berisi langkah; pelacak tidak dibuat.")
    seen: set[int] = set()
    for step in sop.steps:
        if step.number < 1 or step.number in seen:
            what = "dipakai dua kali" if step.number in seen else "kurang dari 1"
            raise UnusableFileError(f"SOP \"{source}\": nomor langkah {step.number} {what}; perbaiki nomor langkah "
                                    f"(1, 2, 3, ...) lalu ulangi. Pelacak tidak dibuat.")
        seen.add(step.number)
    notes: list[str] = []
    roles = list(sop.roles)
    known = {" ".join(r.split()).casefold() for r in roles}
    for step in sop.steps:
        for role in (step.actor, *step.participants):
            key = " ".join(role.split()).casefold()
            if role and key not in known:
                roles.append(role)
                known.add(key)
                notes.append(f"Langkah {step.number}: pelaksana \"{role}\" tidak ada di daftar jabatan (roles); "
                             f"ditambahkan.")
    if len(roles) > roles_max:
        raise UnusableFileError(f"SOP \"{source}\" memiliki {len(roles)} jabatan pelaksana; lembar SOP menampung "
                                f"paling banyak {roles_max}. Gabungkan jabatan yang sama lalu ulangi. Pelacak tidak "
                                f"dibuat.")
    steps = tuple(sorted(sop.steps, key=lambda s: s.number))
    from dataclasses import replace

    return replace(sop, roles=tuple(roles), steps=steps), notes
