"""Cell hyperlinks in a worksheet package part, for :class:`lkj_xl.engines.package.PackageBook` and the save proof.

A cell hyperlink is a ``<hyperlink ref="E26" r:id="rId3"/>`` in the worksheet's ``<hyperlinks>`` element (placed in
CT_Worksheet order) and an external relationship (``TargetMode="External"``) in the sheet's rels part, which is
created when the sheet has none.  The engine sets them only on its own sheets (Beranda's reminder links); the save
proof (:func:`hyperlink_rels_only`, :data:`T_HYPERLINKS`) accepts exactly these changes there.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_HYPERLINK = NS_REL + "/hyperlink"

T_HYPERLINKS = f"{{{NS_MAIN}}}hyperlinks"
T_HYPERLINK = f"{{{NS_MAIN}}}hyperlink"
T_RELATIONSHIP = f"{{{NS_PKG_REL}}}Relationship"
A_RID = f"{{{NS_REL}}}id"

#: CT_Worksheet children that come after ``<hyperlinks>`` (ECMA-376 Part 1, 18.3.1.99).
_AFTER_HYPERLINKS = frozenset(f"{{{NS_MAIN}}}{name}" for name in (
    "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties",
    "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF",
    "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst"))

EMPTY_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>')


def _hyperlinks_element(root: etree._Element, create: bool) -> etree._Element | None:
    found = root.find(T_HYPERLINKS)
    if found is not None or not create:
        return found
    element = etree.SubElement(root, T_HYPERLINKS)  # the root's namespace declarations, then moved into place
    root.remove(element)
    for index, child in enumerate(root):
        if child.tag in _AFTER_HYPERLINKS:
            root.insert(index, element)
            break
    else:
        root.append(element)
    return element


def _next_id(rels_root: etree._Element) -> str:
    numbers = [int(m.group(1)) for el in rels_root
               if (m := re.fullmatch(r"rId(\d+)", el.get("Id", "")))]
    return f"rId{max(numbers, default=0) + 1}"


def set_link(sheet_root: etree._Element, rels_root: etree._Element, ref: str, url: str | None) -> tuple[bool, bool]:
    """Give cell ``ref`` the external link ``url`` (None: no link), replacing its old one.  Edits both trees in
    place; returns (sheet changed, rels changed)."""
    sheet_changed = rels_changed = False
    links = _hyperlinks_element(sheet_root, create=False)
    if links is not None:
        for old in [el for el in links if el.tag == T_HYPERLINK and el.get("ref") == ref]:
            rid = old.get(A_RID)
            if url is not None and rid and old.get("location") is None and len(old.attrib) == 2:
                for rel in rels_root:
                    if rel.get("Id") == rid and rel.get("Target") == url:
                        return False, False  # the same link already
            links.remove(old)
            sheet_changed = True
            if rid and not any(el.get(A_RID) == rid for el in links):
                for rel in [r for r in rels_root if r.get("Id") == rid and r.get("Type") == REL_HYPERLINK]:
                    rels_root.remove(rel)
                    rels_changed = True
        if len(links) == 0:
            sheet_root.remove(links)
    if url is None:
        return sheet_changed, rels_changed
    rid = _next_id(rels_root)
    etree.SubElement(rels_root, T_RELATIONSHIP, {"Id": rid, "Type": REL_HYPERLINK, "Target": url,
                                                  "TargetMode": "External"})
    links = _hyperlinks_element(sheet_root, create=True)
    etree.SubElement(links, T_HYPERLINK, {"ref": ref, A_RID: rid})
    return True, True


def _canon_without_links(data: bytes | None) -> bytes:
    if data is None:
        return b""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    for rel in [r for r in root if r.tag == T_RELATIONSHIP and r.get("Type") == REL_HYPERLINK
                and r.get("TargetMode") == "External"]:
        root.remove(rel)
    if len(root) == 0:
        return b""
    return etree.tostring(root, method="c14n")


def hyperlink_rels_only(old: bytes | None, new: bytes | None) -> bool:
    """True when two versions of a sheet's rels part (None: absent) differ only in external hyperlink
    relationships."""
    try:
        return _canon_without_links(old) == _canon_without_links(new)
    except etree.XMLSyntaxError:
        return False


def links_of(sheet_root: Any, rels_root: Any) -> dict[str, str]:
    """Cell ref -> external target of a worksheet's hyperlinks (for tests and checks)."""
    targets = {rel.get("Id"): rel.get("Target") for rel in rels_root if rel.get("Type") == REL_HYPERLINK}
    links = sheet_root.find(T_HYPERLINKS)
    return {el.get("ref"): targets.get(el.get(A_RID)) for el in (links if links is not None else ())
            if el.tag == T_HYPERLINK}


__all__ = ["EMPTY_RELS", "REL_HYPERLINK", "T_HYPERLINKS", "hyperlink_rels_only", "links_of", "set_link"]
