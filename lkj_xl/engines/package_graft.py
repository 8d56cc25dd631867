"""Sheets added to, replaced in, removed from and renamed in a workbook package, every other part kept byte for byte
(``lkj sop terapkan``).  One idea: the package's sheet list edited as zip parts; the part-by-part bookkeeping under
it (parts, relationships, content types, writing the zip) is :class:`lkj_xl.engines.package_opc.OpcPackage`.

* :meth:`PackageEdit.add_sheet` grafts a worksheet from a donor package (a fresh build) with everything it relates
  (tables, comments and their VML, drawings and charts): fresh part names, a fresh sheet id, relationship id and
  table ids, the sheet's defined names (print titles, print area, names that point into it), content types; its
  cell formats become indexes of the target's styles (:class:`lkj_xl.engines.package_styles.StyleMap`: identical
  ones reused, missing ones appended), its shared strings inline strings.
* :meth:`PackageEdit.replace_sheet` gives a sheet the donor's version of it (an engine sheet whose layout depends on
  the number of steps), its related parts exchanged.
* :meth:`PackageEdit.remove_sheet` takes a sheet away with the parts only it relates, its names and calcChain
  entries.
* :meth:`PackageEdit.rename_sheets` renames sheets (and tables), puts them in a given order and carries the
  sheet-scoped names along.

What changed is recorded in :class:`Plan`, which :mod:`lkj_xl.engines.package_structure_proof` checks against the
original bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from lkj_xl.core.errors import UnusableFileError
from lkj_xl.engines.package_opc import OpcPackage, PartChanges, rel_target
from lkj_xl.engines.package_parts import (
    NS_REL, REL_CALC_CHAIN, REL_SHARED_STRINGS, REL_STYLES, REL_TABLE, T_C, T_IS, T_ROW, T_SI, T_V, WORKBOOK,
    WORKBOOK_RELS, _declaration, _q, _relationships, _rels_part, _resolve,
)
from lkj_xl.engines.package_styles import StyleMap

R_ID = f"{{{NS_REL}}}id"


def quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


@dataclass
class Plan(PartChanges):
    """What an edit did, for the proof: sheet name -> part of the sheets added, replaced and removed; renamed sheets
    (old name -> new name) and tables (part -> (old name, new name)); parts added and parts taken away
    (:class:`~lkj_xl.engines.package_opc.PartChanges`)."""

    added: dict[str, str] = field(default_factory=dict)
    replaced: dict[str, str] = field(default_factory=dict)
    removed: dict[str, str] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)
    tables: dict[str, tuple[str, str]] = field(default_factory=dict)
    names_added: set[str] = field(default_factory=set)  # workbook-wide names a grafted sheet brought
    names_dropped: set[str] = field(default_factory=set)  # workbook-wide names of a sheet that is gone
    rewritten: set[str] = field(default_factory=set)  # parts whose formulas follow renamed sheets and tables
    renamed_names: set[str] = field(default_factory=set)  # names whose formula follows renamed sheets and tables


class PackageEdit(OpcPackage):
    """A package whose sheet list is edited (see module doc), on :class:`~lkj_xl.engines.package_opc.OpcPackage`'s
    parts, relationships and content types."""

    plan: Plan

    def __init__(self, data: bytes, file_name: str = "buku kerja"):
        super().__init__(data, file_name, Plan())

    def part_of(self, rel_type: str) -> str | None:
        return next((t for _i, kind, t in self.related(WORKBOOK) if kind.endswith(rel_type)), None)

    # --------------------------------------------------------------------------------------------- sheets
    def sheets_element(self) -> etree._Element:
        return self.xml(WORKBOOK).find(_q("sheets"))

    def sheets(self) -> list[tuple[str, str, str]]:
        """(name, sheetId, part) in workbook order."""
        targets = {rid: target for rid, _t, target in self.related(WORKBOOK)}
        return [(el.get("name", ""), el.get("sheetId", ""), targets.get(el.get(R_ID), ""))
                for el in self.sheets_element() if el.tag == _q("sheet")]

    def sheet_part(self, sheet: str) -> str:
        for name, _id, part in self.sheets():
            if name == sheet:
                return part
        raise KeyError(sheet)

    def defined_names(self) -> list[etree._Element]:
        names = self.xml(WORKBOOK).find(_q("definedNames"))
        return [] if names is None else [el for el in names if el.tag == _q("definedName")]

    def _names_element(self) -> etree._Element:
        from lkj_xl.engines.package_parts import defined_names_element

        return defined_names_element(self.xml(WORKBOOK))

    def _reindex(self, mapping: dict[int, int | None]) -> None:
        """Sheet indexes (0-based) moved: localSheetId of names (None: the name goes) and the book views."""
        for el in self.defined_names():
            local = el.get("localSheetId")
            if local is not None and local.isdigit() and int(local) in mapping:
                if mapping[int(local)] is None:
                    el.getparent().remove(el)
                else:
                    el.set("localSheetId", str(mapping[int(local)]))
        views = self.xml(WORKBOOK).find(_q("bookViews"))
        for view in (views if views is not None else ()):
            for attr in ("activeTab", "firstSheet"):
                value = view.get(attr)
                if value is not None and value.isdigit() and int(value) in mapping:
                    moved = mapping[int(value)]
                    view.set(attr, str(moved if moved is not None else max(int(value) - 1, 0)))
        self.touch(WORKBOOK)

    # --------------------------------------------------------------------------------------------- graft
    def _graft_parts(self, donor: "PackageEdit", donor_part: str, styles: StyleMap, into: str | None = None,
                     ) -> str:
        """Copy ``donor_part`` and everything it relates; the worksheet goes to ``into`` (or a fresh name).  Returns
        the worksheet's part name."""
        parts = [p for p in donor.closure(donor_part) if not p.endswith(".rels")]
        names: dict[str, str] = {}
        taken: set[str] = set()
        for part in parts:
            names[part] = into if part == donor_part and into else self._free_name(part, taken)
            taken.add(names[part])
        strings = donor._strings()
        for part in parts:
            new = names[part]
            data = donor.raw[part]
            kind = donor.content_type(part)
            if part == donor_part:
                root = _graft_worksheet(etree.fromstring(etree.tostring(donor.xml(part))), styles, strings)
                self.put(new, root, _declaration(data))
            elif kind and kind.endswith("table+xml"):
                root = etree.fromstring(etree.tostring(donor.xml(part)))
                name = root.get("name") or root.get("displayName", "")
                if name.casefold() in {n.casefold() for n in self.table_names()}:
                    raise UnusableFileError(f"Tabel \"{name}\" sudah ada di buku kerja \"{self.file_name}\"; ubah nama "
                                            f"tabel itu lalu ulangi. Buku kerja tidak diubah.")
                root.set("id", str(self._free_table_id()))
                self.put(new, root, _declaration(data))
            else:
                if new not in self.original:
                    self.plan.new_parts.add(new)
                self.raw[new] = data
                self._trees.pop(new, None)
                self._dirty.discard(new)
            if _rels_part(part) in donor.raw:
                rels = etree.fromstring(etree.tostring(donor.xml(_rels_part(part))))
                for rel in _relationships(etree.ElementTree(rels)):
                    if rel.get("TargetMode") == "External":
                        continue
                    rel.set("Target", rel_target(new, names[_resolve(part, rel.get("Target", ""))]))
                self.put(_rels_part(new), rels, _declaration(donor.raw[_rels_part(part)]))
            self._set_content_type(new, kind)
        return names[donor_part]

    def _strings(self) -> list[etree._Element]:
        part = self.part_of(REL_SHARED_STRINGS)
        if part is None or part not in self.raw:
            return []
        return [si for si in self.xml(part) if si.tag == T_SI]

    def table_names(self) -> list[str]:
        found = []
        for _name, _id, part in self.sheets():
            for _rid, kind, target in self.related(part):
                if kind.endswith(REL_TABLE) and target in self.raw:
                    root = self.xml(target)
                    found.append(root.get("name") or root.get("displayName", ""))
        return found

    def _free_table_id(self) -> int:
        ids = [0]
        for name in self.raw:
            if name.startswith("xl/tables/") and name.endswith(".xml"):
                value = self.xml(name).get("id", "0")
                ids.append(int(value) if value.isdigit() else 0)
        return max(ids) + 1

    def _donor_names(self, donor: "PackageEdit", sheet: str) -> list[etree._Element]:
        index = [name for name, _i, _p in donor.sheets()].index(sheet)
        found = []
        for el in donor.defined_names():
            local = el.get("localSheetId")
            if (local == str(index)) or (local is None and (el.text or "").startswith(quote(sheet) + "!")):
                found.append(el)
        return found

    def add_sheet(self, donor: "PackageEdit", sheet: str, index: int, styles: StyleMap) -> str:
        """Graft the donor's worksheet ``sheet`` at position ``index`` (0-based) of the workbook."""
        if sheet in [name for name, _i, _p in self.sheets()]:
            raise UnusableFileError(f"Lembar \"{sheet}\" sudah ada di buku kerja \"{self.file_name}\".")
        part = self._graft_parts(donor, donor.sheet_part(sheet), styles)
        rid = self._add_rel(WORKBOOK, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet",
                            part)
        count = len(self.sheets())
        self._reindex({i: i + 1 for i in range(index, count)})
        ids = [int(sid) for _n, sid, _p in self.sheets() if sid.isdigit()]
        el = etree.Element(_q("sheet"), {"name": sheet, "sheetId": str(max(ids + [0]) + 1)})
        el.set(R_ID, rid)
        sheets = self.sheets_element()
        items = [s for s in sheets if s.tag == _q("sheet")]
        if index < len(items):
            items[index].addprevious(el)
        else:
            sheets.append(el)
        self._add_names(donor, sheet, index)
        self.plan.added[sheet] = part
        return part

    def _add_names(self, donor: "PackageEdit", sheet: str, index: int) -> None:
        names = self._names_element()
        existing = {(el.get("name"), el.get("localSheetId")): el for el in self.defined_names()}
        for el in self._donor_names(donor, sheet):
            local = None if el.get("localSheetId") is None else str(index)
            same = existing.get((el.get("name"), local))
            if same is not None:
                if same.text == el.text:
                    continue
                raise UnusableFileError(
                    f"Nama \"{el.get('name')}\" di buku kerja \"{self.file_name}\" sudah menunjuk ke {same.text}; "
                    f"lembar \"{sheet}\" memerlukannya. Hapus atau ubah nama itu (Rumus > Pengelola Nama), lalu "
                    f"ulangi. Buku kerja tidak diubah.")
            new = etree.SubElement(names, _q("definedName"), {k: v for k, v in el.attrib.items()
                                                              if k != "localSheetId"})
            if local is not None:
                new.set("localSheetId", local)
            else:
                self.plan.names_added.add(el.get("name", ""))
            new.text = el.text
        self.touch(WORKBOOK)

    def replace_sheet(self, donor: "PackageEdit", sheet: str, styles: StyleMap) -> None:
        """Give ``sheet`` the donor's version: its part's content, related parts and sheet-scoped names."""
        part = self.sheet_part(sheet)
        index = [name for name, _i, _p in self.sheets()].index(sheet)
        properties = self.xml(part).find(_q("sheetPr"))
        code_name = properties.get("codeName") if properties is not None else None
        for name in self.exclusive(part):
            if name != part:
                self.drop(name)
                if name != _rels_part(part):  # given anew, with the type it had
                    self._drop_content_type(name)
        self._graft_parts(donor, donor.sheet_part(sheet), styles, into=part)
        self.plan.new_parts.discard(part)
        if code_name is not None:  # the sheet's VBA module (.xlsm) stays its module
            root = self.xml(part)
            properties = root.find(_q("sheetPr"))
            if properties is None:
                properties = etree.Element(_q("sheetPr"))
                root.insert(0, properties)
            properties.set("codeName", code_name)
        for el in self.defined_names():
            if el.get("localSheetId") == str(index):
                el.getparent().remove(el)
        self._add_names(donor, sheet, index)
        self._drop_calc_entries({self._sheet_id(sheet)})
        self.plan.replaced[sheet] = part

    def _sheet_id(self, sheet: str) -> str:
        return next(sid for name, sid, _p in self.sheets() if name == sheet)

    def remove_sheet(self, sheet: str) -> None:
        """Take ``sheet`` away with the parts only it relates, its sheet-scoped names and its calcChain entries."""
        part = self.sheet_part(sheet)
        names = [name for name, _i, _p in self.sheets()]
        index = names.index(sheet)
        sheet_id = self._sheet_id(sheet)
        for name in self.exclusive(part):
            self.drop(name)
            self._drop_content_type(name)
        for el in list(self.sheets_element()):
            if el.tag == _q("sheet") and el.get("name") == sheet:
                rid = el.get(R_ID)
                self.sheets_element().remove(el)
                rels = self.xml(WORKBOOK_RELS)
                for rel in list(rels):
                    if rel.get("Id") == rid:
                        rels.remove(rel)
                self.touch(WORKBOOK_RELS)
        mapping: dict[int, int | None] = {index: None}
        mapping.update({i: i - 1 for i in range(index + 1, len(names))})
        self._reindex(mapping)
        self._drop_calc_entries({sheet_id})
        self.plan.removed[sheet] = part

    def add_name(self, name: str, text: str) -> None:
        """A workbook-wide name (the top-block name of a step sheet renamed to a number that had none)."""
        etree.SubElement(self._names_element(), _q("definedName"), {"name": name}).text = text
        self.plan.names_added.add(name)
        self.touch(WORKBOOK)

    def drop_name(self, el: etree._Element) -> None:
        """Take a workbook-wide name away (the top-block name of a step sheet that is gone)."""
        self.plan.names_dropped.add(el.get("name", ""))
        el.getparent().remove(el)
        self.touch(WORKBOOK)

    def _drop_calc_entries(self, sheet_ids: set[str]) -> None:
        part = self.part_of(REL_CALC_CHAIN)
        if part is None or part not in self.raw:
            return
        root = self.xml(part)
        current = None
        kept = 0
        for el in list(root):
            if el.tag != T_C:
                continue
            if el.get("i") is not None:
                current = el.get("i")
            if current in sheet_ids:
                following = el.getnext()
                if el.get("i") is not None and following is not None and following.tag == T_C \
                        and following.get("i") is None:
                    following.set("i", el.get("i"))
                root.remove(el)
                self.touch(part)
            else:
                kept += 1
        if not kept:
            self.drop(part)
            self._drop_content_type(part)
            rels = self.xml(WORKBOOK_RELS)
            for rel in list(rels):
                if rel.get("Type", "").endswith(REL_CALC_CHAIN):
                    rels.remove(rel)
            self.touch(WORKBOOK_RELS)

    def rename_sheets(self, renamed: dict[str, str], order: list[str]) -> None:
        """Rename sheets (old -> new name, all at once), rename tables by ``tables`` of the plan's caller, and put
        the sheets in ``order`` (every sheet name after renaming); sheet-scoped names move with their sheets and
        their text follows the new name."""
        sheets = self.sheets_element()
        items = [el for el in sheets if el.tag == _q("sheet")]
        before = [el.get("name") for el in items]
        for el in items:
            if el.get("name") in renamed:
                el.set("name", renamed[el.get("name")])
        by_name = {el.get("name"): el for el in items}
        if sorted(by_name) != sorted(order):
            raise ValueError("order must hold every sheet")
        for el in items:
            sheets.remove(el)
        for el in [by_name[name] for name in order]:
            sheets.append(el)
        after = [renamed.get(name, name) for name in before]
        mapping = {i: order.index(after[i]) for i in range(len(before))}
        for el in self.defined_names():
            local = el.get("localSheetId")
            if local is not None and local.isdigit() and int(local) < len(before):
                old = before[int(local)]
                if old in renamed and (el.text or "").startswith(quote(old) + "!"):
                    el.text = quote(renamed[old]) + el.text[len(quote(old)):]
        self._reindex(mapping)
        self.plan.renamed.update(renamed)

    def rename_table(self, part: str, old: str, new: str) -> None:
        root = self.xml(part)
        if root.get("name") == old:
            root.set("name", new)
        if root.get("displayName") == old:
            root.set("displayName", new)
        self.touch(part)
        self.plan.tables[part] = (old, new)

    def styles(self, donor: "PackageEdit") -> StyleMap:
        part = self.part_of(REL_STYLES)
        if part is None or part not in self.raw:
            raise UnusableFileError(f"Buku kerja \"{self.file_name}\" tidak punya bagian gaya (styles).")
        self.touch(part)
        return StyleMap(self.xml(part), donor.xml(donor.part_of(REL_STYLES)))


def _graft_worksheet(root: etree._Element, styles: StyleMap, strings: list[etree._Element]) -> etree._Element:
    """The donor's worksheet with the target's style indexes and inline strings."""
    for el in root.iter(T_C, T_ROW, _q("col")):
        attr = "style" if el.tag == _q("col") else "s"
        if el.get(attr) is not None:
            el.set(attr, str(styles.xf(int(el.get(attr)))))
        if el.tag == T_C and el.get("t") == "s":
            v = el.find(T_V)
            si = strings[int(v.text)]
            el.remove(v)
            inline = etree.SubElement(el, T_IS)
            for child in si:
                inline.append(etree.fromstring(etree.tostring(child)))
            el.set("t", "inlineStr")
    for rule in root.iter(_q("cfRule")):
        if rule.get("dxfId") is not None:
            rule.set("dxfId", str(styles.dxf(int(rule.get("dxfId")))))
    return root


#: A sheet-qualified reference to a sheet name in formula text (quoted or not), as the proof and refusals look for.
def reference_pattern(sheet: str) -> re.Pattern:
    quoted = re.escape(quote(sheet))
    bare = re.escape(sheet) if re.fullmatch(r"[A-Za-z_][\w.]*", sheet) else None
    alternatives = quoted + (r"|(?<![\w.])" + bare if bare else "")
    return re.compile(f"(?:{alternatives})!", re.IGNORECASE)


__all__ = ["PackageEdit", "Plan", "quote", "reference_pattern"]
