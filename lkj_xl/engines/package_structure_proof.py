"""The byte-level proof of a change of the sheet list (``lkj sop terapkan``, :mod:`lkj_xl.engines.package_graft`):
the original package and the new one compared part by part, every difference the :class:`Plan` does not explain
named in Indonesian.

* Every part of the original is in the new package with the same bytes, except: the parts the plan took away (a
  removed sheet's, a replaced sheet's related parts) and those allowed to change below.  Every new part is one the
  plan added (a grafted sheet and what it relates).
* ``xl/workbook.xml``: the same sheets (same sheet id, same relationship id) but for those added and removed, the
  renamed ones under their new names; the same defined names (a sheet-scoped name found by the name of its sheet,
  so a shift of ``localSheetId`` is no difference), except the sheet-scoped names of added, replaced and removed
  sheets and the workbook-wide names the plan added or dropped; everything else equal, the book view's active and
  first sheet by name.
* ``xl/_rels/workbook.xml.rels`` and ``[Content_Types].xml``: the same entries but for those of parts added and
  taken away.
* ``xl/styles.xml``: append-only (:func:`lkj_xl.engines.package_styles.append_only_problems`).
* ``xl/calcChain.xml``: the same entries but for those of removed and replaced sheets.
* A renamed table's part differs only in its name.  A replaced sheet (an engine sheet) is the donor's; what it
  related before may only have been the engine's (checked by the caller before the edit, and by
  :func:`engine_sheet_extras` here again).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from lxml import etree

from lkj_xl.engines.package_graft import Plan, PackageEdit, quote
from lkj_xl.engines.package_parts import (
    CONTENT_TYPES, NS_CT, REL_CALC_CHAIN, REL_STYLES, T_C, WORKBOOK, WORKBOOK_RELS, _q, _read_zip, _relationships,
    _rels_part, _resolve, _parse_xml,
)
from lkj_xl.engines.package_styles import append_only_problems, canon

_CHART_URI = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def engine_sheet_extras(package: PackageEdit, sheet: str) -> list[str]:
    """What on an engine sheet the builder does not make and a replacement would drop: anything related but a
    drawing holding charts only (with the charts' own parts), in Indonesian."""
    part = package.sheet_part(sheet)
    found = []
    for _rid, kind, target in package.related(part):
        name = kind.rsplit("/", 1)[-1]
        if name != "drawing":
            found.append({"comments": "catatan sel", "vmlDrawing": "catatan sel atau kontrol",
                          "printerSettings": "pengaturan printer", "threadedComment": "komentar berutas",
                          }.get(name, f"bagian {name}") + f" ({target})")
            continue
        if target not in package.raw:
            continue
        for anchor in package.xml(target):
            if not isinstance(anchor.tag, str):
                continue
            kinds = {etree.QName(child).localname for child in anchor if isinstance(child.tag, str)} - {
                "from", "to", "ext", "pos", "clientData"}
            uris = {el.get("uri") for el in anchor.iter("{*}graphicData")}
            if kinds != {"graphicFrame"} or uris != {_CHART_URI}:
                found.append(f"gambar, bentuk atau kotak teks ({target})")
                break
        for _r, chart_kind, chart in package.related(target):
            if not chart_kind.endswith("/chart"):
                found.append(f"bagian {chart_kind.rsplit('/', 1)[-1]} pada gambar ({chart})")
    return found


def _sheet_list(root: etree._Element) -> list[tuple[str, tuple]]:
    out = []
    sheets = root.find(_q("sheets"))
    for el in (sheets if sheets is not None else ()):
        if el.tag == _q("sheet"):
            out.append((el.get("name", ""), tuple(sorted((k, v) for k, v in el.attrib.items() if k != "name"))))
    return out


def _names(root: etree._Element, sheet_names: list[str], renamed: dict[str, str], skip_sheets: set[str],
           skip_global: set[str], followed: set[str] = frozenset(), tables: dict[str, str] | None = None) -> Counter:
    found: Counter = Counter()
    names = root.find(_q("definedNames"))
    for el in (names if names is not None else ()):
        if el.tag != _q("definedName"):
            continue
        local = el.get("localSheetId")
        text = el.text or ""
        attrs = tuple(sorted((k, v) for k, v in el.attrib.items() if k not in ("localSheetId",)))
        if el.get("name", "") in followed:  # its formula follows the renamed sheets and tables
            from lkj_xl.engines.package_references import rewrite

            text = rewrite(text, renamed, tables or {})
        if local is not None:
            sheet = sheet_names[int(local)] if local.isdigit() and int(local) < len(sheet_names) else f"#{local}"
            if sheet in skip_sheets:
                continue
            if sheet in renamed and text.startswith(quote(sheet) + "!"):
                text = quote(renamed[sheet]) + text[len(quote(sheet)):]
            sheet = renamed.get(sheet, sheet)
        else:
            if el.get("name", "") in skip_global:
                continue
            sheet = None
        found[(attrs, sheet, text)] += 1
    return found


def _rest(root: etree._Element, sheet_names: list[str], renamed: dict[str, str]) -> tuple:
    import copy

    root = copy.deepcopy(root)
    for tag in ("sheets", "definedNames"):
        el = root.find(_q(tag))
        if el is not None:
            root.remove(el)
    views = root.find(_q("bookViews"))
    for view in (views if views is not None else ()):
        for attr in ("activeTab", "firstSheet"):
            value = view.get(attr)
            if value is not None and value.isdigit():
                index = int(value)
                name = sheet_names[index] if index < len(sheet_names) else value
                view.set(attr, renamed.get(name, name))
            view.attrib.pop(attr, None)  # the sheet shown first is the person's view, not content
    return canon(root)


def _workbook_problems(old: bytes, new: bytes, plan: Plan) -> list[str]:
    a, b = _parse_xml(old, "lama", WORKBOOK).getroot(), _parse_xml(new, "baru", WORKBOOK).getroot()
    problems = []
    old_sheets, new_sheets = _sheet_list(a), _sheet_list(b)
    gone = set(plan.removed)
    mapped = [(plan.renamed.get(n, n), attrs) for n, attrs in old_sheets if n not in gone]
    kept = [(n, attrs) for n, attrs in new_sheets if n not in plan.added]
    if sorted(mapped) != sorted(kept):
        problems.append("daftar lembar di xl/workbook.xml berubah di luar lembar yang ditambah, dihapus atau diganti "
                        "namanya.")
    elif not plan.renamed and mapped != kept:
        problems.append("urutan lembar di xl/workbook.xml berubah.")
    elif plan.renamed:
        still = [n for n, _ in mapped if n not in plan.renamed.values()]
        if still != [n for n, _ in kept if n not in plan.renamed.values()]:
            problems.append("urutan lembar yang tidak diganti namanya berubah.")
    old_names = [n for n, _ in old_sheets]
    new_names = [n for n, _ in new_sheets]
    before = _names(a, old_names, plan.renamed, set(plan.removed) | set(plan.replaced), plan.names_dropped,
                    plan.renamed_names, dict(plan.tables.values()))
    after = _names(b, new_names, {}, set(plan.added) | set(plan.replaced), plan.names_added)
    if before != after:
        lost = sorted(str(k[2]) for k in (before - after))
        extra = sorted(str(k[2]) for k in (after - before))
        problems.append("nama di xl/workbook.xml berubah: " + ", ".join(
            [f"hilang {t}" for t in lost[:4]] + [f"baru {t}" for t in extra[:4]]) + ".")
    if _rest(a, old_names, plan.renamed) != _rest(b, new_names, {}):
        problems.append("bagian lain xl/workbook.xml berubah.")
    return problems


def _rels(data: bytes, part: str, source: str) -> set[tuple]:
    tree = _parse_xml(data, "", part)
    return {(rel.get("Id"), rel.get("Type"), rel.get("TargetMode"),
             rel.get("Target") if rel.get("TargetMode") == "External" else _resolve(source, rel.get("Target", "")))
            for rel in _relationships(tree)}


def _types(data: bytes) -> tuple[set, set]:
    root = _parse_xml(data, "", CONTENT_TYPES).getroot()
    defaults = {(el.get("Extension", "").lower(), el.get("ContentType")) for el in root
                if el.tag == f"{{{NS_CT}}}Default"}
    overrides = {(el.get("PartName", "").lstrip("/"), el.get("ContentType")) for el in root
                 if el.tag == f"{{{NS_CT}}}Override"}
    return defaults, overrides


def _calc(data: bytes | None, part: str) -> list[tuple]:
    if data is None:
        return []
    current, out = None, []
    for el in _parse_xml(data, "", part).getroot():
        if el.tag == T_C:
            current = el.get("i", current)
            out.append((current, el.get("r"), tuple(sorted((k, v) for k, v in el.attrib.items() if k != "i"))))
    return out


def _code_name(data: bytes, part: str) -> str | None:
    properties = _parse_xml(data, "", part).getroot().find(_q("sheetPr"))
    return None if properties is None else properties.get("codeName")


def structure_differences(old: Mapping[str, bytes] | bytes, new: bytes, plan: Plan) -> list[str]:
    """Every difference between the packages ``old`` and ``new`` that ``plan`` does not explain; [] when proved."""
    old_raw = dict(old) if isinstance(old, Mapping) else _read_zip(old, "lama")[1]
    new_raw = _read_zip(new, "baru")[1]
    before = PackageEdit.__new__(PackageEdit)
    before.raw, before.original, before.file_name, before._trees, before._dirty = old_raw, old_raw, "lama", {}, set()
    problems: list[str] = []
    rel_of = {rid: (kind, target) for rid, kind, target in before.related(WORKBOOK)}
    styles = next((t for k, t in rel_of.values() if k.endswith(REL_STYLES)), None)
    calc = next((t for k, t in rel_of.values() if k.endswith(REL_CALC_CHAIN)), None)
    sheet_ids = {name: sid for name, sid, _p in before.sheets()}
    for sheet, part in plan.replaced.items():
        problems += [f"Lembar \"{sheet}\" memuat {what}." for what in engine_sheet_extras(before, sheet)]
        if part in new_raw and _code_name(old_raw[part], part) != _code_name(new_raw[part], part):
            problems.append(f"Nama kode VBA lembar \"{sheet}\" berubah.")

    replaced = set(plan.replaced.values()) | {_rels_part(p) for p in plan.replaced.values()}
    may_change = {WORKBOOK, WORKBOOK_RELS, CONTENT_TYPES, styles, calc} | replaced | set(plan.tables) | plan.rewritten
    for name, data in old_raw.items():
        if name in plan.gone_parts:
            if name in new_raw and name not in replaced:
                problems.append(f"Bagian {name} seharusnya dihapus.")
            continue
        if name not in new_raw:
            if not (name == calc and calc is not None):
                problems.append(f"Bagian {name} hilang.")
            continue
        if new_raw[name] != data and name not in may_change:
            problems.append(f"Bagian {name} berubah.")
    for name in new_raw:
        if name not in old_raw and name not in plan.new_parts:
            problems.append(f"Bagian {name} ditambahkan.")

    problems += _workbook_problems(old_raw[WORKBOOK], new_raw[WORKBOOK], plan)
    added_parts = plan.new_parts
    gone_parts = plan.gone_parts | ({calc} if calc and calc not in new_raw else set())
    old_rels = {r for r in _rels(old_raw[WORKBOOK_RELS], WORKBOOK_RELS, WORKBOOK) if r[3] not in gone_parts}
    old_rels -= {r for r in old_rels if r[3] in set(plan.removed.values())}
    new_rels = {r for r in _rels(new_raw[WORKBOOK_RELS], WORKBOOK_RELS, WORKBOOK) if r[3] not in added_parts}
    if old_rels != new_rels:
        problems.append("Bagian xl/_rels/workbook.xml.rels berubah di luar lembar yang ditambah atau dihapus.")
    (old_defaults, old_over), (new_defaults, new_over) = _types(old_raw[CONTENT_TYPES]), _types(new_raw[CONTENT_TYPES])
    if old_defaults != new_defaults or {o for o in old_over if o[0] not in gone_parts} != \
            {o for o in new_over if o[0] not in added_parts}:
        problems.append("Bagian [Content_Types].xml berubah di luar bagian yang ditambah atau dihapus.")
    if styles in new_raw and old_raw.get(styles) != new_raw[styles]:
        problems += [f"Bagian {styles}: {p}." for p in append_only_problems(
            _parse_xml(old_raw[styles], "lama", styles).getroot(), _parse_xml(new_raw[styles], "baru", styles).getroot())]
    if calc is not None and old_raw.get(calc) != new_raw.get(calc):
        dropped = {sheet_ids[s] for s in set(plan.removed) | set(plan.replaced) if s in sheet_ids}
        if [e for e in _calc(old_raw[calc], calc) if e[0] not in dropped] != _calc(new_raw.get(calc), calc):
            problems.append(f"Bagian {calc}: entri di luar lembar yang dihapus atau diganti berubah.")
    if plan.rewritten:
        from lkj_xl.engines.package_references import formula_differences

        tables = dict(plan.tables.values())
        for part in sorted(plan.rewritten):
            if part not in new_raw or part not in old_raw:
                continue
            found = formula_differences(_parse_xml(old_raw[part], "lama", part).getroot(),
                                        _parse_xml(new_raw[part], "baru", part).getroot(), plan.renamed, tables)
            problems += [f"Bagian {part}: {what} (selain rujukan ke lembar yang diganti namanya)." for what in
                         dict.fromkeys(found)]
    for part, (old_name, new_name) in plan.tables.items():
        a, b = _parse_xml(old_raw[part], "lama", part).getroot(), _parse_xml(new_raw[part], "baru", part).getroot()
        for root, name in ((a, old_name), (b, new_name)):
            for attr in ("name", "displayName"):
                if root.get(attr) == name:
                    root.attrib.pop(attr)
        if canon(a) != canon(b):
            problems.append(f"Tabel {old_name} ({part}) berubah selain namanya.")
    return problems


__all__ = ["engine_sheet_extras", "structure_differences"]
