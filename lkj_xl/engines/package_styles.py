"""Cell formats of a sheet grafted from another package (a fresh build) into a workbook: each format the grafted
sheet uses becomes an index of the target's ``xl/styles.xml``, an identical one reused (compared by its whole
definition: number format code, font, fill, border, alignment, protection, flags), a missing one appended.  Existing
entries never change; :func:`append_only_problems` proves that of two versions of a styles part."""

from __future__ import annotations

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS

from lkj_xl.engines.package_parts import _q

#: CT_Stylesheet's children in schema order.
_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles",
          "colors", "extLst")
#: The lists a graft may append to (the others must stay as they are).
APPENDABLE = ("numFmts", "fonts", "fills", "borders", "cellXfs", "dxfs")
_INDEXED = {"fontId": "fonts", "fillId": "fills", "borderId": "borders"}


def canon(el: etree._Element) -> tuple:
    """An element's content independent of namespace prefixes, attribute order and child order."""
    if not isinstance(el.tag, str):
        return ()
    return (etree.QName(el).localname, tuple(sorted((etree.QName(k).localname, v) for k, v in el.attrib.items())),
            tuple(sorted(canon(child) for child in el if isinstance(child.tag, str))), (el.text or "").strip())


def _list(root: etree._Element, name: str, create: bool = False) -> etree._Element | None:
    found = root.find(_q(name))
    if found is None and create:
        found = etree.Element(_q(name))
        later = [_q(n) for n in _ORDER[_ORDER.index(name) + 1:]]
        after = next((child for child in root if child.tag in later), None)
        if after is not None:
            after.addprevious(found)
        else:
            root.append(found)
    return found


def _items(root: etree._Element, name: str) -> list[etree._Element]:
    found = _list(root, name)
    return [] if found is None else [el for el in found if isinstance(el.tag, str)]


def _formats(root: etree._Element) -> dict[int, str]:
    codes = {i: code for i, code in BUILTIN_FORMATS.items()}
    for el in _items(root, "numFmts"):
        try:
            codes[int(el.get("numFmtId", ""))] = el.get("formatCode", "")
        except ValueError:
            continue
    return codes


class StyleMap:
    """Donor style indexes -> target style indexes, appending to the target's parsed styles root what it lacks."""

    def __init__(self, target: etree._Element, donor: etree._Element):
        self.target, self.donor = target, donor
        self._xfs: dict[int, int] = {}
        self._dxfs: dict[int, int] = {}
        self.changed = False
        self._donor_formats = _formats(donor)

    def _definition(self, root: etree._Element, xf: etree._Element, formats: dict[int, str]) -> tuple:
        parts = []
        for attr, name in _INDEXED.items():
            items = _items(root, name)
            index = int(xf.get(attr, "0") or 0)
            parts.append(canon(items[index]) if index < len(items) else None)
        number = int(xf.get("numFmtId", "0") or 0)
        others = tuple(sorted((k, v) for k, v in xf.attrib.items()
                              if k not in ("numFmtId", "fontId", "fillId", "borderId")))
        return (formats.get(number, f"#{number}"), *parts, others,
                tuple(sorted(canon(child) for child in xf if isinstance(child.tag, str))))

    def xf(self, index: int) -> int:
        """The target's cellXfs index for the donor's ``index``."""
        if index in self._xfs:
            return self._xfs[index]
        donor_xf = _items(self.donor, "cellXfs")[index]
        wanted = self._definition(self.donor, donor_xf, self._donor_formats)
        target_formats = _formats(self.target)
        for i, xf in enumerate(_items(self.target, "cellXfs")):
            if self._definition(self.target, xf, target_formats) == wanted:
                self._xfs[index] = i
                return i
        new = etree.Element(_q("xf"), dict(donor_xf.attrib))
        for child in donor_xf:
            if isinstance(child.tag, str):
                new.append(etree.fromstring(etree.tostring(child)))
        for attr, name in _INDEXED.items():
            items = _items(self.donor, name)
            new.set(attr, str(self._entry(name, items[int(donor_xf.get(attr, "0") or 0)])))
        new.set("numFmtId", str(self._format(int(donor_xf.get("numFmtId", "0") or 0))))
        new.set("xfId", "0")
        self._xfs[index] = self._append("cellXfs", new)
        return self._xfs[index]

    def dxf(self, index: int) -> int:
        """The target's dxfs index for the donor's ``index`` (a conditional format's look)."""
        if index not in self._dxfs:
            self._dxfs[index] = self._entry("dxfs", _items(self.donor, "dxfs")[index])
        return self._dxfs[index]

    def _entry(self, name: str, el: etree._Element) -> int:
        wanted = canon(el)
        for i, item in enumerate(_items(self.target, name)):
            if canon(item) == wanted:
                return i
        return self._append(name, etree.fromstring(etree.tostring(el)))

    def _format(self, number: int) -> int:
        code = self._donor_formats.get(number)
        target = _formats(self.target)
        if code is None or target.get(number) == code:
            return number
        for i, found in target.items():
            if found == code:
                return i
        new_id = max([163] + [int(el.get("numFmtId", "0")) for el in _items(self.target, "numFmts")
                              if el.get("numFmtId", "").isdigit()]) + 1
        self._append("numFmts", etree.Element(_q("numFmt"), {"numFmtId": str(new_id), "formatCode": code}))
        return new_id

    def _append(self, name: str, el: etree._Element) -> int:
        container = _list(self.target, name, create=True)
        items = [child for child in container if isinstance(child.tag, str)]
        if items and items[-1].tail is not None:
            el.tail = items[-1].tail
        container.append(el)
        container.set("count", str(len(items) + 1))
        self.changed = True
        return len(items)


def append_only_problems(old: etree._Element, new: etree._Element) -> list[str]:
    """How ``new`` (a styles root) is more than ``old`` with entries appended to the lists of :data:`APPENDABLE`:
    [] when every old entry is still there, at its index, unchanged, and nothing else differs."""
    problems = []
    if canon(etree.Element(old.tag, dict(old.attrib))) != canon(etree.Element(new.tag, dict(new.attrib))):
        problems.append("elemen akar berubah")
    old_children = {etree.QName(c).localname: c for c in old if isinstance(c.tag, str)}
    new_children = {etree.QName(c).localname: c for c in new if isinstance(c.tag, str)}
    for name in sorted(set(old_children) | set(new_children)):
        a, b = old_children.get(name), new_children.get(name)
        if name not in APPENDABLE:
            if a is None or b is None or canon(a) != canon(b):
                problems.append(f"<{name}> berubah")
            continue
        before = [] if a is None else [c for c in a if isinstance(c.tag, str)]
        after = [] if b is None else [c for c in b if isinstance(c.tag, str)]
        if [canon(c) for c in after[:len(before)]] != [canon(c) for c in before]:
            problems.append(f"entri <{name}> yang ada berubah")
        if b is not None:
            others = {k: v for k, v in b.attrib.items() if k != "count"}
            if others != ({k: v for k, v in a.attrib.items() if k != "count"} if a is not None else {}):
                problems.append(f"atribut <{name}> berubah")
            if b.get("count") not in (None, str(len(after))):
                problems.append(f"jumlah <{name}> tidak sesuai")
    names = [etree.QName(c).localname for c in new if isinstance(c.tag, str)]
    if [n for n in names if n in old_children] != [etree.QName(c).localname for c in old if isinstance(c.tag, str)]:
        problems.append("urutan elemen berubah")
    return problems


__all__ = ["APPENDABLE", "StyleMap", "append_only_problems", "canon"]
