"""Saving a changed worksheet as its original bytes with only the changed rows and cells replaced (the splice), so
every byte the engine did not change stays as it was."""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from lkj_xl.engines.package_parts import T_C, T_DIMENSION, _Sheet, _coord, _declaration



_ATTRS = rb"""(?:[^>"']|"[^"]*"|'[^']*')*?"""
_SD_OPEN = re.compile(rb"<sheetData\b" + _ATTRS + rb"(/?)>")
_SD_TOKEN = re.compile(rb"<row\b(" + _ATTRS + rb")(/?)>|</row\s*>|<c\b(" + _ATTRS + rb")(/?)>|</sheetData\s*>")
_R_ATTR = re.compile(rb"""\sr\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_DIM_REF = re.compile(rb"""(<dimension\b[^>]*?\sref\s*=\s*)(?:"[^"]*"|'[^']*')""")


_ROW_TOKEN = re.compile(rb"<row\b(" + _ATTRS + rb")(/?)>|</row\s*>|</sheetData\s*>")
_CELL_OPEN = re.compile(rb"<c\b(" + _ATTRS + rb")(/?)>")


def _tag_end(data: bytes, start: int, pattern: re.Pattern) -> tuple[int, bytes, bool] | None:
    """End, attribute bytes and self-closing flag of the start tag at ``start`` (``pattern`` matches it in full
    when a quote makes the quick look at the first ">" unsafe)."""
    k = data.find(b">", start)
    if k == -1:
        return None
    tag = data[start:k]
    if b"'" in tag or tag.count(b'"') % 2:
        m = pattern.match(data, start)
        if m is None:
            return None
        return m.end(), m.group(1), bool(m.group(2))
    if tag.endswith(b"/"):
        return k + 1, tag[4:-1], True
    return k + 1, tag[4:], False


_ROW_OPEN = re.compile(rb"<row\b(" + _ATTRS + rb")(/?)>")
_ROW_CLOSE = re.compile(rb"</row\s*>")
_SD_CLOSE = re.compile(rb"</sheetData\s*>")


_ROW_PLAIN = re.compile(rb"""<row r="(\d+)"(?:\s+[^\s=>/"']+\s*=\s*"[^"<>]*")*\s*(/?)>""")
_ROW_END_PLAIN = re.compile(rb"</row>")


def _scan_plain_rows(data: bytes, pos: int, close_sd: int) -> dict[int, tuple[int, int, int | None, int]] | bool | None:
    """:func:`_scan_rows` for the usual layout (r first, double quotes, ``</row>``): the rows, False when they are
    laid out wrongly (the caller gives up), None when some tag is not in the usual form (the caller looks closer)."""
    opens = list(_ROW_PLAIN.finditer(data, pos, close_sd))
    if len(opens) != data.count(b"<row", pos, close_sd):
        return None
    closes = [m.start() for m in _ROW_END_PLAIN.finditer(data, pos, close_sd)]
    if len(closes) != data.count(b"</row", pos, close_sd):
        return None
    rows: dict[int, tuple[int, int, int | None, int]] = {}
    ci, n, last = 0, len(closes), len(opens) - 1
    for k, m in enumerate(opens):
        r = int(m.group(1))
        if r in rows:
            return False
        tag_end = m.end()
        if m.group(2):
            rows[r] = (m.start(), tag_end, None, tag_end)
            continue
        if ci >= n:
            return False
        close = closes[ci]
        if close < tag_end or (k < last and close > opens[k + 1].start()):
            return False
        ci += 1
        rows[r] = (m.start(), tag_end, close, close + 6)
    if ci != n:
        return False
    return rows


@lru_cache(maxsize=16)
def _scan_rows(data: bytes, pos: int) -> tuple[dict[int, tuple[int, int, int | None, int]], int] | None:
    """The rows of a sheetData whose content starts at ``pos``: r -> (start, start tag end, close tag start or None
    for ``<row/>``, end), and where ``</sheetData>`` starts.  None when a row has no plain numeric r, repeats one,
    or the tags do not nest as expected.  Plain byte searches: only the row tags are looked at.

    A pure function of the bytes, kept for the last few parts: the splice scans a changed sheet's old bytes and the
    save check scans the same bytes again.  Callers read the result and never change it."""
    close_sd = data.find(b"</sheetData", pos)
    if close_sd == -1 or _SD_CLOSE.match(data, close_sd) is None:
        return None
    fast = _scan_plain_rows(data, pos, close_sd)
    if fast is not None:
        return (fast, close_sd) if fast else None
    rows: dict[int, tuple[int, int, int | None, int]] = {}
    closed, origin = 0, pos
    find = data.find
    while True:
        start = find(b"<row", pos, close_sd)
        if start == -1:
            break
        if data[start + 4:start + 5] not in (b" ", b"\t", b"\r", b"\n", b">", b"/"):
            return None
        tag = _tag_end(data, start, _ROW_OPEN)
        if tag is None:
            return None
        tag_end, attrs, empty = tag
        if attrs.startswith(b' r="'):
            q = attrs.find(b'"', 4)
            r = attrs[4:q].decode() if q != -1 else None
        else:
            r = _attr_r(attrs)
        if r is None or not r.isdigit() or int(r) in rows:
            return None
        if empty:
            rows[int(r)] = (start, tag_end, None, tag_end)
            pos = tag_end
            continue
        close = find(b"</row", tag_end, close_sd)
        if close == -1 or find(b"<row", tag_end, close) != -1:
            return None
        if data.startswith(b"</row>", close):
            end = close + 6
        else:
            m = _ROW_CLOSE.match(data, close)
            if m is None:
                return None
            end = m.end()
        rows[int(r)] = (start, tag_end, close, end)
        closed += 1
        pos = end
    if data.count(b"</row", origin, close_sd) != closed:  # a stray </row>
        return None
    return rows, close_sd


def _scan_cells(data: bytes, pos: int, stop: int) -> dict[tuple[int, int], tuple[int, int]] | None:
    """The cells between ``pos`` and ``stop`` (one row's content): (row, column) -> (start, end)."""
    cells: dict[tuple[int, int], tuple[int, int]] = {}
    while True:
        m = _CELL_OPEN.search(data, pos, stop)
        if m is None:
            return cells
        ref = _attr_r(m.group(1))
        if ref is None:
            return None
        try:
            key = _coord(ref)
        except ValueError:
            return None
        if m.group(2):
            cell_end = m.end()
        else:
            cell_end = data.find(b"</c>", m.end(), stop)
            if cell_end == -1:
                return None
            cell_end += 4
        if key in cells:
            return None
        cells[key] = (m.start(), cell_end)
        pos = cell_end


def _attr_r(attrs: bytes) -> str | None:
    m = _R_ATTR.search(attrs)
    return None if m is None else (m.group(1) if m.group(1) is not None else m.group(2)).decode()


_NS_DECL = re.compile(rb'\sxmlns(?::([A-Za-z_][\w.-]*))?="([^"]*)"')


def _fragment(el: etree._Element, declared: dict) -> bytes:
    """An element's XML without the namespace declarations lxml repeats on a fragment that the worksheet root
    already makes (lxml escapes ">" in attribute values, so the first ">" ends the start tag)."""
    xml = etree.tostring(el, encoding="UTF-8")
    end = xml.index(b">")

    def keep(m: re.Match) -> bytes:
        prefix = m.group(1).decode() if m.group(1) else None
        return b"" if declared.get(prefix) == m.group(2).decode() else m.group(0)

    return _NS_DECL.sub(keep, xml[:end]) + xml[end:]


def _start_tag(row: etree._Element, declared: dict) -> bytes:
    shallow = etree.Element(row.tag, dict(row.attrib), nsmap=row.nsmap)
    return _fragment(shallow, declared)[:-2] + b">"


_PREFIXED_TAG = re.compile(rb"</?[A-Za-z_][\w.-]*:")


@lru_cache(maxsize=16)
def _plain_region(data: bytes, start: int, end: int) -> bool:
    """Whether ``data[start:end]`` (a sheetData's content) holds no comment, CDATA, processing instruction or
    prefixed tag, which the byte scanner does not read.  Kept for the last few parts, as :func:`_scan_rows`: the
    splice and the save check ask it of the same old bytes."""
    region = data[start:end]
    return not (b"<!--" in region or b"<![CDATA[" in region or b"<?" in region or _PREFIXED_TAG.search(region))


def _splice_sheet(data: bytes, sh: _Sheet) -> bytes | None:
    """The changed worksheet as the original bytes with only the changed rows' start tags, the changed cells, the
    new cells and rows and the dimension replaced: every other byte stays.  None when the part is not laid out as
    this scanner expects (prefixed tags, comments or CDATA in sheetData, a non-UTF-8 encoding...): the caller then
    serialises the whole tree with lxml."""
    decl = _declaration(data).lower()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"encoding" in decl and b"utf-8" not in decl):
        return None
    opening = _SD_OPEN.search(data)
    if opening is None:
        return None
    end = data.find(b"</sheetData>", opening.end())
    if not _plain_region(data, opening.end(), end if end != -1 else opening.end()):
        return None
    if opening.group(1):  # <sheetData/>
        rows, close_sd = {}, opening.start()
    else:
        scanned = _scan_rows(data, opening.end())
        if scanned is None:
            return None
        rows, close_sd = scanned
    if set(rows) != set(sh.rows) - sh.new_rows:
        return None
    # cells are located only in the rows that gain or change cells; their layout is checked against the tree there
    touched = {r for r, _c in sh.dirty_cells} | {r for r, _c in sh.new_cells}
    cells: dict[tuple[int, int], tuple[int, int]] = {}
    row_keys: dict[int, list[tuple[etree._Element, tuple[int, int]]]] = {}  # touched row -> its cells and keys
    for r in touched:
        if r in sh.new_rows or r not in rows:
            continue
        _start, tag_end, close, _end = rows[r]
        if close is None:
            continue
        found = _scan_cells(data, tag_end, close)
        if found is None:
            return None
        expected = set()
        keyed = row_keys[r] = []
        for c in sh.rows[r].iterchildren(T_C):
            ref = c.get("r")
            if ref is None:
                return None
            try:
                key = _coord(ref)
            except ValueError:
                return None
            keyed.append((c, key))
            if key not in sh.new_cells:
                expected.add(key)
        if set(found) != expected or any(sh.cells.get(key) is None for key in found):
            return None
        cells.update(found)

    declared = sh.data.getparent().nsmap

    def _fragment_(el):
        return _fragment(el, declared)

    edits: list[tuple[int, int, bytes]] = []
    pending_rows: list[bytes] = []
    for r in sh.row_numbers:
        row = sh.rows[r]
        if r in sh.new_rows:
            pending_rows.append(_fragment_(row))
            continue
        start, tag_end, close, row_end = rows[r]
        if pending_rows:
            edits.append((start, start, b"".join(pending_rows)))
            pending_rows = []
        if r in touched and close is None and any((r, _coord(c.get("r"))[1]) in sh.new_cells
                                                  for c in row.iterchildren(T_C)):
            edits.append((start, row_end, _fragment_(row)))  # <row .../> that gained cells
            continue
        if r in sh.dirty_rows:
            tag = _start_tag(row, declared)
            edits.append((start, tag_end, tag if close is not None else tag[:-1] + b"/>"))
        if r not in touched:
            continue
        if r not in row_keys:
            return None
        pending_cells: list[bytes] = []
        for c, key in row_keys[r]:
            if key in sh.new_cells:
                pending_cells.append(_fragment_(c))
                continue
            cell_start, cell_end = cells[key]
            if pending_cells:
                edits.append((cell_start, cell_start, b"".join(pending_cells)))
                pending_cells = []
            if key in sh.dirty_cells:
                edits.append((cell_start, cell_end, _fragment_(c)))
        if pending_cells:
            edits.append((close, close, b"".join(pending_cells)))
    if pending_rows:
        if opening.group(1):
            edits.append((opening.start(), opening.end(), _fragment_(sh.data)))
        else:
            edits.append((close_sd, close_sd, b"".join(pending_rows)))
    dimension = sh.data.getparent().find(T_DIMENSION)
    if dimension is not None and dimension.get("ref"):
        m = _DIM_REF.search(data, 0, opening.start())
        if m is not None:
            new = m.group(1) + b'"' + dimension.get("ref").encode() + b'"'
            if new != m.group(0):
                edits.append((m.start(), m.end(), new))
    out, last = [], 0
    for start, stop, replacement in sorted(edits, key=lambda e: (e[0], e[1])):
        out.append(data[last:start])
        out.append(replacement)
        last = stop
    out.append(data[last:])
    return b"".join(out)
