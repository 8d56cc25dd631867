"""The byte-level proof of a save: two packages compared part by part, and inside each changed worksheet row by row
and cell by cell; every difference the engine may not make is named in Indonesian."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Callable

from lxml import etree

from lkj_xl.engines.package_parts import (
    CONTENT_TYPES, REL_CALC_CHAIN, REL_TABLE, REL_WORKSHEET, T_AUTOFILTER, T_C, T_DIMENSION, T_ROW, T_SHEETDATA,
    WORKBOOK, WORKBOOK_RELS, _coord, _declaration, _index, _parse_xml, _q, _range, _read_zip, _ref, _relationships,
    _rels_part, _resolve,
)

from lkj_xl.core.errors import UnusableFileError
from lkj_xl.engines.package_splice import (
    _ATTRS, _DIM_REF, _SD_OPEN, _plain_region, _scan_rows,
)



CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _bytes_of(source: bytes | Path | str) -> bytes:
    return source if isinstance(source, (bytes, bytearray)) else Path(source).read_bytes()


def _canon(el: etree._Element) -> bytes:
    return etree.tostring(el, method="c14n")


def _same(a: etree._Element, b: etree._Element) -> bool:
    return etree.tostring(a) == etree.tostring(b) or _canon(a) == _canon(b)


def package_differences(old: bytes | Path | Mapping[str, bytes], new: bytes | Path,
                        owned: Callable[[str, str], bool], *, structural: dict | None = None) -> list[str]:
    """Indonesian descriptions of every difference between two packages that the engine may not make.

    ``old`` may be given as its parts already read (part name -> decompressed bytes, as
    :meth:`lkj_xl.engines.package.PackageBook.original_parts` keeps them from the bytes it was opened with): the same
    comparison without decompressing the old package twice.  ``new`` is always read from its bytes.

    Allowed: changed cells for which ``owned(sheet, "B12")`` is True; removal of ``xl/calcChain.xml`` (with its
    relationship and content-type override) or of its entries for owned cells; ``<dimension>`` and row ``spans``;
    row ``ht``/``customHeight`` on rows in ``structural["row_heights"][sheet]``; table and autoFilter refs of tables in
    ``structural["tables"][sheet]`` and value-less styled cells those tables gain in their new rows; on the sheets in
    ``structural["hyperlinks"]``, their ``<hyperlinks>`` and the external hyperlink relationships of their rels part
    (which may be new); in xl/workbook.xml the print areas (``_xlnm.Print_Area``) of the sheets in
    ``structural["print_areas"]``."""
    structural = structural or {}
    old_raw = dict(old) if isinstance(old, Mapping) else _read_zip(_bytes_of(old), "lama")[1]
    new_infos, new_raw, _ = _read_zip(_bytes_of(new), "baru")
    problems: list[str] = []

    parts, sheets, rels = _index(old_raw, "lama")
    sheet_of_part = {}
    sheet_of_id = {}
    for name, sheet_id, rid in sheets:
        rel_type, part = rels.get(rid, ("", None))
        if rel_type.endswith(REL_WORKSHEET):
            sheet_of_part[part] = name
        sheet_of_id[sheet_id] = name
    calc_part = next((p for t, p in rels.values() if t.endswith(REL_CALC_CHAIN)), None)
    table_of_part: dict[str, tuple[str, str]] = {}
    for part, sheet in sheet_of_part.items():
        rels_name = _rels_part(part)
        if rels_name in old_raw:
            for rel in _relationships(_parse_xml(old_raw[rels_name], "lama", rels_name)):
                if rel.get("Type", "").endswith(REL_TABLE):
                    table_part = _resolve(part, rel.get("Target", ""))
                    if table_part in old_raw:
                        root = _parse_xml(old_raw[table_part], "lama", table_part).getroot()
                        table_of_part[table_part] = (sheet, root.get("name") or root.get("displayName", ""))
    allowed_tables = structural.get("tables", {})
    grown: dict[str, list[tuple[int, int, int, int]]] = {}  # sheet -> new-row rectangles of allowed tables

    calc_removed = calc_part is not None and calc_part in old_raw and calc_part not in new_raw
    for name in old_raw:
        if name not in new_raw and not (name == calc_part and calc_removed):
            problems.append(f"Bagian {name} hilang.")
    # cell hyperlinks on the sheets the engine owns whole: their <hyperlinks> and the rels part's external links
    linked_sheets = structural.get("hyperlinks", set())
    link_rels = {_rels_part(part): sheet for part, sheet in sheet_of_part.items() if sheet in linked_sheets}
    if link_rels:
        from lkj_xl.engines.package_links import hyperlink_rels_only
    for name in new_raw:
        if name not in old_raw:
            if name in link_rels and hyperlink_rels_only(None, new_raw[name]):
                continue
            problems.append(f"Bagian {name} ditambahkan.")

    # tables first: they tell which new cells are allowed
    for part, (sheet, table) in table_of_part.items():
        if part not in new_raw or old_raw[part] == new_raw[part]:
            continue
        a = _parse_xml(old_raw[part], "lama", part).getroot()
        b = _parse_xml(new_raw[part], "baru", part).getroot()
        refs = (a.get("ref"), b.get("ref"))
        for root in (a, b):
            root.attrib.pop("ref", None)
            auto = root.find(T_AUTOFILTER)
            if auto is not None:
                auto.attrib.pop("ref", None)
        if _canon(a) != _canon(b):
            problems.append(f"Tabel \"{table}\" pada lembar \"{sheet}\" (bagian {part}) berubah.")
        elif table not in allowed_tables.get(sheet, ()):
            problems.append(f"Rentang tabel \"{table}\" pada lembar \"{sheet}\" berubah ({refs[0]} -> {refs[1]}).")
        else:
            try:
                _r1, c1, r2, c2 = _range(refs[0])
                _n1, _nc1, n2, _nc2 = _range(refs[1])
            except ValueError:
                continue
            if n2 > r2:
                grown.setdefault(sheet, []).append((r2 + 1, c1, n2, c2))

    for name in old_raw:
        if name not in new_raw or old_raw[name] == new_raw[name] or name in table_of_part:
            continue
        if name in sheet_of_part:
            problems.extend(_sheet_differences(sheet_of_part[name], name, old_raw[name], new_raw[name], owned,
                                               structural.get("row_heights", {}).get(sheet_of_part[name], ()),
                                               grown.get(sheet_of_part[name], []),
                                               links=sheet_of_part[name] in linked_sheets))
        elif name in link_rels and hyperlink_rels_only(old_raw[name], new_raw[name]):
            continue
        elif name == WORKBOOK and _only_print_areas(old_raw[name], new_raw[name], sheets,
                                                   structural.get("print_areas", set())):
            continue
        elif name == calc_part:
            problems.extend(_calc_differences(name, old_raw[name], new_raw[name], owned, sheet_of_id))
        elif name == CONTENT_TYPES and calc_removed:
            if not _same_without(old_raw[name], new_raw[name], name,
                                 lambda el: el.get("PartName", "").lstrip("/") == calc_part):
                problems.append(f"Bagian {name} berubah.")
        elif name == WORKBOOK_RELS and calc_removed:
            if not _same_without(old_raw[name], new_raw[name], name,
                                 lambda el: el.get("Type", "").endswith(REL_CALC_CHAIN)):
                problems.append(f"Bagian {name} berubah.")
        else:
            problems.append(f"Bagian {name} berubah.")
    if calc_removed:
        problems.extend(_calc_differences(calc_part, old_raw[calc_part], None, owned, sheet_of_id))
    return problems


def _only_print_areas(old: bytes, new: bytes, sheets: list, allowed: set) -> bool:
    """The two versions of xl/workbook.xml differ at most in the print areas of the ``allowed`` sheets."""
    from lkj_xl.engines.package_parts import without_print_areas

    indexes = {i for i, (name, _id, _rid) in enumerate(sheets) if name in allowed}
    if not indexes:
        return False
    a = without_print_areas(_parse_xml(old, "lama", WORKBOOK).getroot(), indexes)
    b = without_print_areas(_parse_xml(new, "baru", WORKBOOK).getroot(), indexes)
    return _canon(a) == _canon(b)


def _same_without(old: bytes, new: bytes, part: str, dropped: Callable[[etree._Element], bool]) -> bool:
    a = _parse_xml(old, "lama", part).getroot()
    b = _parse_xml(new, "baru", part).getroot()
    for el in list(a):
        if dropped(el):
            a.remove(el)
    return _canon(a) == _canon(b)


def _calc_entries(data: bytes, part: str) -> list[tuple[str | None, str]]:
    root = _parse_xml(data, "", part).getroot()
    current = None
    entries = []
    for el in root:
        if el.tag == T_C:
            current = el.get("i", current)
            entries.append((current, el.get("r", "")))
    return entries


def _calc_differences(part: str, old: bytes, new: bytes | None, owned, sheet_of_id: dict[str, str]) -> list[str]:
    before = _calc_entries(old, part)
    after = _calc_entries(new, part) if new is not None else []
    remaining = set(after)
    problems = [f"Bagian {part}: entri {ref} ditambahkan." for i, ref in after if (i, ref) not in set(before)]
    for i, ref in before:
        if (i, ref) not in remaining:
            sheet = sheet_of_id.get(i or "", "")
            if not owned(sheet, ref):
                problems.append(f"Bagian {part}: entri sel {ref} lembar \"{sheet}\" dihapus.")
    return problems


def _row_map(data_el: etree._Element) -> dict[int, etree._Element]:
    rows = {}
    counter = 0
    for row in data_el.iterchildren(T_ROW):
        r = row.get("r")
        counter = counter + 1 if r is None else int(float(r))
        rows[counter] = row
    return rows


def _cell_map(row: etree._Element, r: int) -> dict[str, etree._Element]:
    cells = {}
    counter = 0
    for c in row.iterchildren(T_C):
        ref = c.get("r")
        if ref is None:
            counter += 1
            ref = _ref(r, counter)
        else:
            counter = _coord(ref)[1]
        cells[ref] = c
    return cells


def _sheet_layout(data: bytes) -> tuple[re.Match, dict, int] | None:
    """The sheetData opening tag, row index and ``</sheetData>`` position of a worksheet laid out as the byte scanner
    expects (as for :func:`_splice_sheet`), else None."""
    decl = _declaration(data).lower()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"encoding" in decl and b"utf-8" not in decl):
        return None
    opening = _SD_OPEN.search(data)
    if opening is None or opening.group(1):
        return None
    scanned = _scan_rows(data, opening.end())
    if scanned is None:
        return None
    rows, close_sd = scanned
    if not _plain_region(data, opening.end(), close_sd):
        return None
    return opening, rows, close_sd


_ROOT_OPEN = re.compile(rb"<worksheet\b" + _ATTRS + rb">")


def _reduced_sheets(old: bytes, new: bytes) -> tuple[bytes, bytes, bool] | None:
    """Both worksheets without the rows whose bytes are the same in each (and the whitespace between rows), for a
    comparison that parses only what differs.  None (compare the whole parts) unless both are laid out as the byte
    scanner expects, everything before the rows is the same apart from the dimension's ref, and only whitespace
    lies between rows: then a row with the same bytes means the same in both.

    The flag says everything outside the rows is the same (the parts after ``</sheetData>`` are equal too): then
    the two documents are only the root's start tag, the sheetData tag and the differing rows, since nothing else
    can differ."""
    layouts = _sheet_layout(old), _sheet_layout(new)
    if layouts[0] is None or layouts[1] is None:
        return None
    (o_open, o_rows, o_close), (n_open, n_rows, n_close) = layouts
    blank = b'\\1""'
    if _DIM_REF.sub(blank, old[:o_open.end()], 1) != _DIM_REF.sub(blank, new[:n_open.end()], 1):
        return None
    root = _ROOT_OPEN.search(old, 0, o_open.start())
    # the root first (after the XML declaration only) and nothing after the rows differs
    rows_only = root is not None and old[:root.start()] == _declaration(old) and old[o_close:] == new[n_close:]
    out = []
    for data, rows, opening, close_sd, other, other_rows in ((old, o_rows, o_open, o_close, new, n_rows),
                                                             (new, n_rows, n_open, n_close, old, o_rows)):
        kept = [old[root.start():root.end()] + data[opening.start():opening.end()]] if rows_only \
            else [data[:opening.end()]]
        pos = opening.end()
        for r, (start, _t, _c, end) in sorted(rows.items(), key=lambda item: item[1][0]):
            if data[pos:start].strip():
                return None
            segment = data[start:end]
            theirs = other_rows.get(r)
            if theirs is None or other[theirs[0]:theirs[3]] != segment:
                kept.append(segment)
            pos = end
        if data[pos:close_sd].strip():
            return None
        kept.append(b"</sheetData></worksheet>" if rows_only else data[close_sd:])
        out.append(b"".join(kept))
    return out[0], out[1], rows_only


def _sheet_differences(sheet: str, part: str, old: bytes, new: bytes, owned, height_rows,
                       grown: list[tuple[int, int, int, int]], links: bool = False) -> list[str]:
    problems = []
    a = b = None
    rows_only = False
    reduced = _reduced_sheets(old, new)
    if reduced is not None:
        try:
            a = _parse_xml(reduced[0], "lama", part).getroot()
            b = _parse_xml(reduced[1], "baru", part).getroot()
            rows_only = reduced[2]
        except UnusableFileError:
            a = b = None
    if a is None or b is None:
        rows_only = False
        a = _parse_xml(old, "lama", part).getroot()
        b = _parse_xml(new, "baru", part).getroot()
    if a.tag != b.tag or dict(a.attrib) != dict(b.attrib) or a.nsmap != b.nsmap:
        problems.append(f"Lembar \"{sheet}\" (bagian {part}): elemen akar berubah.")

    skipped = (T_SHEETDATA, T_DIMENSION, _q("hyperlinks")) if links else (T_SHEETDATA, T_DIMENSION)

    def others(root):
        return [(el.tag, _canon(el)) for el in root if el.tag not in skipped]

    # rows_only: the bytes outside the rows are equal (but for the dimension's ref), so are the elements there
    old_others, new_others = ([], []) if rows_only else (others(a), others(b))
    if old_others != new_others:
        old_set, new_set = set(old_others), set(new_others)
        names = sorted({etree.QName(tag).localname if isinstance(tag, str) else "?"
                        for tag, canon in (set(old_others) ^ set(new_others))} or {"urutan"})
        if old_set == new_set:
            names = ["urutan elemen"]
        problems.append(f"Lembar \"{sheet}\" (bagian {part}): {', '.join('<' + n + '>' for n in names)} berubah.")

    data_a, data_b = a.find(T_SHEETDATA), b.find(T_SHEETDATA)
    if data_a is None or data_b is None:
        problems.append(f"Lembar \"{sheet}\" (bagian {part}): sheetData hilang.")
        return problems
    rows_a, rows_b = _row_map(data_a), _row_map(data_b)
    if not isinstance(height_rows, frozenset):  # owned.py's "every row" is a frozenset that holds every int
        height_rows = set(height_rows)

    def in_grown(r: int, c: int) -> bool:
        return any(r1 <= r <= r2 and c1 <= c <= c2 for r1, c1, r2, c2 in grown)

    def row_attrs(row, r):
        attrs = {k: v for k, v in row.attrib.items() if k not in ("r", "spans")}
        if r in height_rows:
            attrs.pop("ht", None)
            attrs.pop("customHeight", None)
        return attrs

    empty = etree.Element(T_ROW)
    for r in sorted(set(rows_a) | set(rows_b)):
        row_a, row_b = rows_a.get(r), rows_b.get(r)
        if row_a is not None and row_b is not None and etree.tostring(row_a) == etree.tostring(row_b):
            continue
        if row_attrs(row_a if row_a is not None else empty, r) != row_attrs(row_b if row_b is not None else empty, r):
            problems.append(f"Lembar \"{sheet}\": atribut baris {r} berubah.")
        cells_a = _cell_map(row_a, r) if row_a is not None else {}
        cells_b = _cell_map(row_b, r) if row_b is not None else {}
        for ref in sorted(set(cells_a) | set(cells_b), key=lambda x: _coord(x)[1]):
            ca, cb = cells_a.get(ref), cells_b.get(ref)
            if ca is not None and cb is not None and _same(ca, cb):
                continue
            if owned(sheet, ref):
                continue
            if ca is None and len(cb) == 0 and set(cb.attrib) <= {"r", "s"} and in_grown(*_coord(ref)):
                continue
            what = "hilang" if cb is None else "ditambahkan" if ca is None else "berubah"
            problems.append(f"Sel {sheet}!{ref} {what}.")
    return problems
