"""``lkj sop terapkan`` as an edit of the workbook's zip package: the step sheets a change of ``tblSOP`` asks for are
grafted from a fresh build for the tracker's SOP and settings, step sheets renamed and taken away, and the engine's
report sheet (whose rows and chart follow the number of steps) given the fresh build's version; every other part
keeps its bytes (:mod:`lkj_xl.engines.package_graft`, proved by :mod:`lkj_xl.engines.package_structure_proof`)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from lkj_xl.core.errors import UnusableFileError
from lkj_xl.workbook import layout


def donor_bytes(tracker) -> bytes:
    """A fresh build for the tracker's SOP and settings (the sheets to graft are taken from it)."""
    from lkj_xl.authoring.builder import build_tracker

    settings = tracker.settings
    with tempfile.TemporaryDirectory(prefix="lkj-terapkan-") as folder:
        path = build_tracker(Path(folder) / "donor.xlsx", year=settings.year, agency=settings.agency,
                             government=settings.government, sop=tracker.sop, settings=settings)
        return path.read_bytes()


def _position(names: list[str], number: int) -> int:
    """Where ``Langkah number`` goes: after the last step sheet of a lower number, else before the first of a higher
    one, else before Evaluasi (or at the end)."""
    steps = [(layout.step_of_sheet(name), i) for i, name in enumerate(names) if layout.step_of_sheet(name)]
    lower = [i for n, i in steps if n < number]
    if lower:
        return max(lower) + 1
    higher = [i for n, i in steps if n > number]
    if higher:
        return min(higher)
    return names.index(layout.SHEET_EVALUATION) if layout.SHEET_EVALUATION in names else len(names)


def _engine_parts(edit) -> set[str]:
    """The parts of the engine's own sheets (refresh rewrites what they hold)."""
    from lkj_xl.workbook.owned import ENGINE_SHEETS

    found: set[str] = set()
    for name, _id, part in edit.sheets():
        if name in ENGINE_SHEETS:
            found |= set(edit.closure(part))
    return found


def _candidate(part: str, skip: set[str]) -> bool:
    """A part that may hold formulas naming a sheet: worksheets, charts and other XML, not tables, comments, shared
    strings (typed text), document properties, the workbook (its names are looked at by name)."""
    from lkj_xl.engines.package_parts import WORKBOOK

    return not (part in skip or part == WORKBOOK or not part.endswith(".xml") or "/tables/" in part
                or "comment" in part.rsplit("/", 1)[-1].lower() or "sharedStrings" in part
                or part.startswith("docProps/"))


def _without_formulas(edit, part: str) -> bytes:
    """The part with every formula text and hyperlink location blanked (what is left: text a rewrite cannot follow)."""
    import copy

    from lxml import etree

    from lkj_xl.engines.package_parts import _serialise
    from lkj_xl.engines.package_references import FORMULA_TAGS

    root = copy.deepcopy(edit.xml(part))
    for el in root.iter():
        if isinstance(el.tag, str) and etree.QName(el).localname in FORMULA_TAGS:
            el.text = None
        if isinstance(el.tag, str) and etree.QName(el).localname == "hyperlink" and el.get("location"):
            el.set("location", "")
    return _serialise(etree.ElementTree(root), b"")


def references(edit, sheets: set[str], tables: set[str], skip_parts: set[str], *,
               outside_formulas: bool = False) -> list[str]:
    """Where a formula, defined name, data validation, conditional format, chart or hyperlink of the workbook refers
    to one of ``sheets`` or ``tables`` by name (outside the engine's sheets and ``skip_parts``), in Indonesian.
    ``outside_formulas``: only what is not in a formula or hyperlink location (and no defined names), which a
    rewrite of the references cannot follow."""
    import re
    from html import unescape

    from lkj_xl.engines.package_graft import reference_pattern

    patterns = [reference_pattern(sheet) for sheet in sorted(sheets)]
    patterns += [re.compile(rf"(?<![\w.]){re.escape(t)}(?![\w])", re.IGNORECASE) for t in sorted(tables)]
    where_sheet = {part: name for name, _id, part in edit.sheets()}
    skip = _engine_parts(edit) | set(skip_parts)
    found: list[str] = []
    for el in ([] if outside_formulas else edit.defined_names()):
        name = el.get("name", "")
        if name.startswith("LKJ_LANGKAH_") or (name.startswith("_xlnm.") and el.get("localSheetId") is not None
                                               and any(el.text and el.text.startswith(q) for q in
                                                       (f"'{s}'!" for s in sheets))):
            continue  # the engine's top-block names and the sheets' own print titles move with them
        if any(p.search(el.text or "") for p in patterns):
            found.append(f"nama \"{name}\" ({el.text})")
    for part in list(edit.raw):
        if not _candidate(part, skip):
            continue
        data = edit.part_bytes(part)
        if not any(p.search(unescape(data.decode("utf-8", "replace"))) for p in patterns):
            continue
        if outside_formulas:
            data = _without_formulas(edit, part)
        text = unescape(data.decode("utf-8", "replace"))
        for pattern in patterns:
            for match in pattern.finditer(text):
                sheet = where_sheet.get(part)
                cell = None
                start = text.rfind("<c ", 0, match.start())
                if sheet and start != -1 and text.find("</c>", start, match.start()) == -1 \
                        and text.find("</sheetData>", start, match.start()) == -1:
                    cell = re.search(r'\br="([A-Z]+[0-9]+)"', text[start:start + 200])
                if sheet and cell:
                    found.append(f"rumus sel '{sheet}'!{cell.group(1)}")
                elif sheet and text.rfind("<extLst", 0, match.start()) != -1:
                    found.append(f"lembar \"{sheet}\" (sparkline atau fitur Excel lain di extLst)")
                elif sheet:
                    found.append(f"lembar \"{sheet}\" (validasi data, format bersyarat atau tautan)")
                else:
                    found.append(f"bagian {part} (mis. grafik)")
                break
    return list(dict.fromkeys(found))


def _person_on_removed(edit, fresh, sheet: str) -> list[str]:
    """What a person added on a step sheet that is taken away: cells where a fresh step sheet has none, parts the
    builder does not relate, sheet extensions; in Indonesian."""
    from lkj_xl.engines.package import PackageBook

    part = edit.sheet_part(sheet)
    found = []
    for _rid, kind, target in edit.related(part):
        name = kind.rsplit("/", 1)[-1]
        if name not in ("table", "comments", "vmlDrawing", "printerSettings"):
            found.append(f"bagian {name} ({target})")
        elif name == "comments" and len(edit.xml(target).findall(".//{*}comment")) > 1:
            found.append("catatan sel")
    if edit.xml(part).find("{*}extLst") is not None:
        found.append("fitur Excel tambahan (mis. sparkline)")
    book = PackageBook(edit.to_bytes(), None)
    model_sheet = next(name for name, _id, _part in fresh.sheets() if layout.step_of_sheet(name))
    model = PackageBook(fresh.to_bytes(), None).read(model_sheet)  # a fresh step sheet's cells
    for r, row in enumerate(book.read(sheet), start=1):
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            fresh_value = model[r - 1][c - 1] if r <= len(model) and c <= len(model[r - 1]) else None
            if fresh_value is None or fresh_value == "":
                from lkj_xl.workbook.book import cell_address

                found.append(f"sel {cell_address(r, c)}")
    return found


def _follow_references(edit, renamed: dict[str, str], tables: dict[str, str], skip_parts: set[str]) -> None:
    """Every formula and hyperlink location naming a renamed sheet or table follows it (the engine's sheets aside:
    refresh rewrites them; the engine's top-block names aside: they name a step by its number)."""
    import re
    from html import unescape

    from lkj_xl.engines.package_graft import reference_pattern
    from lkj_xl.engines.package_references import rewrite, rewrite_tree

    patterns = [reference_pattern(sheet) for sheet in renamed]
    patterns += [re.compile(rf"(?<![\w.]){re.escape(t)}(?![\w])", re.IGNORECASE) for t in tables]
    skip = _engine_parts(edit) | set(skip_parts)
    for part in list(edit.raw):
        if not _candidate(part, skip):
            continue
        if not any(p.search(unescape(edit.part_bytes(part).decode("utf-8", "replace"))) for p in patterns):
            continue
        if rewrite_tree(edit.xml(part), renamed, tables):
            edit.touch(part)
            edit.plan.rewritten.add(part)
    names = [name for name, _id, _part in edit.sheets()]
    for el in edit.defined_names():
        local = el.get("localSheetId")
        if el.get("name", "").startswith("LKJ_LANGKAH_") or (
                local is not None and local.isdigit() and int(local) < len(names) and names[int(local)] in renamed
                and el.get("name", "").startswith("_xlnm.")):
            continue  # by number / carried by the rename itself
        new = rewrite(el.text or "", renamed, tables)
        if new != (el.text or ""):
            el.text = new
            edit.touch("xl/workbook.xml")
            edit.plan.renamed_names.add(el.get("name", ""))


def splice(original: bytes, file_name: str, tracker, structure, donor: bytes):
    """The new package's bytes and the :class:`~lkj_xl.engines.package_graft.Plan` its proof checks."""
    from lkj_xl.engines.package_graft import PackageEdit, quote
    from lkj_xl.engines.package_structure_proof import engine_sheet_extras

    edit = PackageEdit(original, file_name)
    fresh = PackageEdit(donor, "build")
    styles = edit.styles(fresh)
    names = [name for name, _id, _part in edit.sheets()]
    report = layout.SHEET_REPORT in names and bool(structure.added or structure.removed)
    if report:
        extras = engine_sheet_extras(edit, layout.SHEET_REPORT)
        if extras:
            raise UnusableFileError(
                f"Lembar \"{layout.SHEET_REPORT}\" dibuat ulang untuk jumlah langkah yang baru, tetapi memuat "
                f"{'; '.join(extras)} yang bukan buatan program. Pindahkan ke lembar lain (atau salin ke berkas "
                f"lain), lalu jalankan lagi `lkj sop terapkan {file_name}`. Buku kerja tidak diubah.")
    renamed = {layout.step_sheet(old): layout.step_sheet(new) for old, new in structure.targets.items() if old != new}
    removed = [layout.step_sheet(n) for n in structure.removed]
    renamed_tables = {layout.step_table(old): layout.step_table(new) for old, new in structure.targets.items()
                      if old != new}
    gone_tables = {layout.step_table(n) for n in structure.removed}
    own = {p for sheet in removed for p in edit.closure(edit.sheet_part(sheet))}
    found = references(edit, set(removed), gone_tables, own) if removed else []
    if renamed:  # followed below, as Excel follows a renamed sheet; what is not in a formula cannot be
        found += references(edit, set(renamed), set(renamed_tables), own, outside_formulas=True)
    if found:
        raise UnusableFileError(
            f"Lembar {', '.join(quote(s) for s in sorted(set(renamed) | set(removed)))} akan diganti nama atau "
            f"dihapus, tetapi dirujuk oleh: {'; '.join(found[:8])}. Rujukan itu akan menunjuk ke lembar yang "
            f"salah. Ubah rujukannya (mis. salin nilainya) atau hapus, lalu jalankan lagi `lkj sop terapkan "
            f"{file_name}`. Buku kerja tidak diubah.")
    for sheet in removed:
        extras = _person_on_removed(edit, fresh, sheet)
        if extras:
            raise UnusableFileError(
                f"Lembar \"{sheet}\" tidak ada lagi di tabel langkah SOP, tetapi memuat yang ditambahkan orang: "
                f"{', '.join(extras[:8])}. Pindahkan ke lembar lain, lalu jalankan lagi `lkj sop terapkan "
                f"{file_name}`. Buku kerja tidak diubah.")
        edit.remove_sheet(sheet)
    if renamed:
        _follow_references(edit, renamed, renamed_tables, own)
        current = [name for name, _id, _part in edit.sheets()]
        after = [renamed.get(name, name) for name in current]
        slots = [i for i, name in enumerate(after) if layout.step_of_sheet(name)]
        ordered = sorted((after[i] for i in slots), key=layout.step_of_sheet)
        for i, name in zip(slots, ordered):
            after[i] = name
        old_tables = {old: edit.sheet_part(layout.step_sheet(old)) for old, new in structure.targets.items()
                      if old != new}
        edit.rename_sheets(renamed, after)
        for old, sheet_part in old_tables.items():
            for _rid, kind, target in edit.related(sheet_part):
                if kind.endswith("/table") and edit.xml(target).get("name") == layout.step_table(old):
                    edit.rename_table(target, layout.step_table(old), layout.step_table(structure.targets[old]))
    present = {name for name, _id, _part in edit.sheets()}
    tops = {el.get("name"): el.text or "" for el in edit.defined_names() if el.get("localSheetId") is None}
    for old, new in sorted(structure.targets.items()):  # a sheet renamed to a number without a top-block name
        before = tops.get(layout.step_top_name(old), "")
        if old != new and layout.step_top_name(new) not in tops and before.startswith(quote(layout.step_sheet(old))):
            edit.add_name(layout.step_top_name(new),
                          quote(layout.step_sheet(new)) + before[len(quote(layout.step_sheet(old))):])
    for el in list(edit.defined_names()):
        text = el.text or ""
        if el.get("localSheetId") is None and el.get("name", "").startswith("LKJ_LANGKAH_") and \
                layout.step_of_sheet(text.split("!")[0].strip("'")) and text.split("!")[0].strip("'") not in present:
            edit.drop_name(el)
    for number in structure.added:
        names = [name for name, _id, _part in edit.sheets()]
        edit.add_sheet(fresh, layout.step_sheet(number), _position(names, number), styles)
    if report:
        edit.replace_sheet(fresh, layout.SHEET_REPORT, styles)
    return edit.to_bytes(), edit.plan


__all__ = ["donor_bytes", "references", "splice"]
