"""A zip package edited part by part, as the Open Packaging Conventions see it: parts read as lxml trees, given new
content, added and dropped; relationships followed (a part's closure, the parts that point at one, what only one
part relates); content types; free part names and relationship ids.  ``to_bytes`` writes every member not
touched with its original bytes, name, date, compression and attributes, in its original order; new parts at the
end.

Nothing here knows a worksheet: :class:`lkj_xl.engines.package_graft.PackageEdit` builds the sheet-list edits of
``lkj sop terapkan`` on it.  Kept apart so that those edits read as edits of a workbook, and this bookkeeping can be
read (and checked) as the package format's rules alone.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from types import MappingProxyType

from lxml import etree

from lkj_xl.engines.package_parts import (
    CONTENT_TYPES, NS_CT, NS_PKG_REL, _Part, _declaration, _parse_xml, _read_zip, _relationships, _rels_part,
    _resolve, _serialise,
)


@dataclass
class PartChanges:
    """Parts an edit added (absent from the original package) and parts of the original it took away."""

    new_parts: set[str] = field(default_factory=set)
    gone_parts: set[str] = field(default_factory=set)


class OpcPackage:
    """A package edited part by part (see module doc); ``plan`` records the parts added and taken away (a subclass
    passes its own record of what it did, a :class:`PartChanges`)."""

    def __init__(self, data: bytes, file_name: str = "buku kerja", plan: PartChanges | None = None):
        self.file_name = file_name
        self.infos, self.raw, self.comment = _read_zip(data, file_name)
        self.original = MappingProxyType(dict(self.raw))
        self._trees: dict[str, _Part] = {}
        self._dirty: set[str] = set()
        self.plan = plan if plan is not None else PartChanges()

    # --------------------------------------------------------------------------------------------- parts
    def xml(self, name: str) -> etree._Element:
        part = self._trees.get(name)
        if part is None:
            data = self.raw[name]
            part = self._trees[name] = _Part(name, _parse_xml(data, self.file_name, name), _declaration(data))
        return part.tree.getroot()

    def touch(self, name: str) -> None:
        self._dirty.add(name)

    def put(self, name: str, root: etree._Element, declaration: bytes = b"") -> None:
        """A new part (or a part given new content) as the tree ``root``."""
        if name not in self.original:
            self.plan.new_parts.add(name)
        self.plan.gone_parts.discard(name)
        self.raw[name] = b""
        self._trees[name] = _Part(name, etree.ElementTree(root), declaration or
                                  b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n')
        self._dirty.add(name)

    def drop(self, name: str) -> None:
        if name in self.raw:
            del self.raw[name]
            self._trees.pop(name, None)
            self._dirty.discard(name)
            if name in self.original:
                self.plan.gone_parts.add(name)
            else:
                self.plan.new_parts.discard(name)

    def part_bytes(self, name: str) -> bytes:
        if name in self._dirty:
            part = self._trees[name]
            return _serialise(part.tree, part.declaration)
        return self.raw[name]

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", allowZip64=True) as out:
            for info in self.infos:
                name = info.filename
                if name not in self.raw:
                    continue
                zi = zipfile.ZipInfo(name, info.date_time)
                zi.external_attr, zi.create_system, zi.comment = info.external_attr, info.create_system, info.comment
                if name in self._dirty:
                    zi.compress_type = zipfile.ZIP_DEFLATED
                    out.writestr(zi, self.part_bytes(name))
                else:
                    zi.compress_type = info.compress_type
                    out.writestr(zi, self.raw[name])
            known = {info.filename for info in self.infos}
            for name in self.raw:
                if name not in known:
                    zi = zipfile.ZipInfo(name, self.infos[0].date_time if self.infos else (1980, 1, 1, 0, 0, 0))
                    zi.compress_type = zipfile.ZIP_DEFLATED
                    out.writestr(zi, self.part_bytes(name))
            out.comment = self.comment
        return buffer.getvalue()

    # ---------------------------------------------------------------------------------------- relationships
    def rels(self, part: str) -> list[etree._Element]:
        name = _rels_part(part) if part else "_rels/.rels"
        return _relationships(etree.ElementTree(self.xml(name))) if name in self.raw else []

    def related(self, part: str) -> list[tuple[str, str, str]]:
        """(Id, type, target part) of ``part``'s internal relationships."""
        return [(rel.get("Id", ""), rel.get("Type", ""), _resolve(part, rel.get("Target", "")))
                for rel in self.rels(part) if rel.get("TargetMode") != "External"]

    def closure(self, part: str) -> list[str]:
        """``part``, its rels part, and every part it relates, directly or not (internal relationships)."""
        seen: list[str] = []
        todo = [part]
        while todo:
            name = todo.pop(0)
            if name in seen or name not in self.raw:
                continue
            seen.append(name)
            if _rels_part(name) in self.raw:
                seen.append(_rels_part(name))
                todo += [target for _id, _type, target in self.related(name)]
        return seen

    def referrers(self, target: str) -> set[str]:
        """The parts whose relationships point at ``target``."""
        found = set()
        for name in self.raw:
            if name.endswith(".rels"):
                owner = name.replace("_rels/", "")[:-len(".rels")]
                if any(t == target for _i, _t, t in self.related(owner)):
                    found.add(owner)
        return found

    def exclusive(self, part: str) -> list[str]:
        """``part``'s closure without the parts something outside it relates too (a picture two sheets show)."""
        inside = self.closure(part)
        shared = {name for name in inside if not name.endswith(".rels") and name != part
                  and self.referrers(name) - set(inside)}
        kept = set()
        for name in shared:  # what a shared part relates stays with it
            kept |= set(self.closure(name))
        return [name for name in inside if name not in kept]

    # ------------------------------------------------------------------------------------- content types, names
    def _content_types(self) -> etree._Element:
        self.touch(CONTENT_TYPES)
        return self.xml(CONTENT_TYPES)

    def content_type(self, part: str) -> str | None:
        root = self.xml(CONTENT_TYPES)
        for el in root:
            if el.tag == f"{{{NS_CT}}}Override" and el.get("PartName", "").lstrip("/") == part:
                return el.get("ContentType")
        extension = part.rsplit(".", 1)[-1].lower()
        for el in root:
            if el.tag == f"{{{NS_CT}}}Default" and el.get("Extension", "").lower() == extension:
                return el.get("ContentType")
        return None

    def _set_content_type(self, part: str, content_type: str | None) -> None:
        if content_type is None or self.content_type(part) == content_type:
            return
        etree.SubElement(self._content_types(), f"{{{NS_CT}}}Override",
                         {"PartName": "/" + part, "ContentType": content_type})

    def _drop_content_type(self, part: str) -> None:
        root = self.xml(CONTENT_TYPES)
        for el in list(root):
            if el.tag == f"{{{NS_CT}}}Override" and el.get("PartName", "").lstrip("/") == part:
                root.remove(el)
                self.touch(CONTENT_TYPES)

    def _free_name(self, like: str, taken: set[str]) -> str:
        folder, base = posixpath.split(like)
        stem, dot, extension = base.rpartition(".")
        stem = stem.rstrip("0123456789") or "part"
        k = 1
        while True:
            name = posixpath.join(folder, f"{stem}{k}{dot}{extension}")
            if name not in self.raw and name not in self.original and name not in taken:
                return name
            k += 1

    def _free_rel_id(self, part: str) -> str:
        ids = {rel.get("Id") for rel in self.rels(part)}
        k = 1
        while f"rId{k}" in ids:
            k += 1
        return f"rId{k}"

    def _add_rel(self, part: str, rel_type: str, target: str) -> str:
        name = _rels_part(part)
        if name not in self.raw:
            self.put(name, etree.Element(f"{{{NS_PKG_REL}}}Relationships", nsmap={None: NS_PKG_REL}))
        rid = self._free_rel_id(part)
        etree.SubElement(self.xml(name), f"{{{NS_PKG_REL}}}Relationship",
                         {"Id": rid, "Type": rel_type, "Target": rel_target(part, target)})
        self.touch(name)
        return rid


def rel_target(source: str, target: str) -> str:
    """The ``Target`` of a relationship from part ``source`` to part ``target``: the absolute part name, which is the
    same from any source."""
    return "/" + target


__all__ = ["OpcPackage", "PartChanges", "rel_target"]
