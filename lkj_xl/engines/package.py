"""A workbook file edited as its zip package: only the parts holding cells the engine writes change.

openpyxl rewrites the whole package on save and drops what it does not model (drawings, threaded comments,
sparklines and x14 validations in a sheet's ``extLst``, rich text, cached formula values...).  :class:`PackageBook`
never does that: it parses the parts it must understand with lxml (which keeps unknown elements, namespaces and
extension lists), edits only the worksheet parts holding cells it writes (plus, for its own structural edits, table
parts and ``calcChain.xml``), and copies every other zip member unchanged: same decompressed bytes, same order, same
name, date, compression and attributes.  Inside a changed worksheet only the written cells change; every other
element is serialised back as lxml parsed it.

Reading is :class:`lkj_xl.engines.package_read.PackageReader`'s, which this class extends (``read`` gives exactly
the values openpyxl gives, ``data_only=False``); a write of the value a cell already holds changes nothing.

:func:`package_differences` is the byte-level proof of a save: it compares two packages part by part and names every
difference the engine is not allowed to make.

This module holds the write side: cells written (values as cell XML, formulas they replace, the calculation chain),
the few allowed structural edits (table size, cached formula results, links, row heights, print area) and the save.
Its siblings: ``package_read`` (the package read as a Book), ``package_sheet`` (one worksheet's tree and its cell
edits), ``package_parts`` (the package format), ``package_splice`` (a changed sheet saved as its original bytes with
the changed rows replaced) and ``package_proof``.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Sequence

from lxml import etree
from openpyxl.utils.datetime import to_excel

from lkj_xl.core.errors import DataError, UnusableFileError
from lkj_xl.engines.package_parts import (
    CONTENT_TYPES, NS_CT, REL_CALC_CHAIN, T_AUTOFILTER, T_C, T_F, T_IS, T_T, T_V, WORKBOOK, WORKBOOK_RELS, XML_SPACE,
    _Sheet, _number_text, _range, _range_ref, _ref, _relationships, _rels_part, _serial_text, _serialise,
    _text_content_of,
)
from lkj_xl.engines.package_proof import package_differences  # noqa: F401 - part of this module's API
from lkj_xl.engines.package_read import PackageReader
from lkj_xl.engines.package_sheet import (
    cell_element, check_merge, finish_dimension, hand_over_shared_formula, row_element,
)
from lkj_xl.engines.package_splice import _splice_sheet

_HELD = object()  # in a block to write: this cell already holds its value
_NUMBERS = (int, float)  # exact types: a bool is not a number here


class PackageBook(PackageReader):
    """A workbook file edited in place as a zip package (see module doc)."""

    def __init__(self, data: bytes, path: str | Path | None = None):
        super().__init__(data, path)
        self._changed: set[str] = set()
        self._removed: set[str] = set()
        self._written: dict[str, set[str]] = {}

    # ----------------------------------------------------------------------------------------------- writing
    def _writable(self, sheet: str) -> _Sheet:
        sh = self._sheet(sheet)
        if sh.kind != "worksheet":
            raise DataError(f"Lembar \"{sheet}\" bukan lembar kerja biasa, sehingga tidak dapat ditulis.",
                            sheet=sheet)
        self._load(sh)
        if not sh.addressed:
            raise UnusableFileError(f"Lembar \"{sheet}\" pada berkas \"{self._file_name}\" menyimpan baris atau sel "
                                    f"tanpa alamat, sehingga tidak dapat diubah dengan aman. Buka dan simpan ulang "
                                    f"berkas itu di Excel, lalu ulangi.")
        return sh

    def write(self, sheet: str, row: int, column: int, values: Sequence[Sequence[Any]]) -> None:
        values = self._unheld(sheet, row, column, values)
        if values is None:
            return  # every cell already holds its value: the sheet's bytes stay as they are
        sh = self._writable(sheet)
        width = max((len(r) for r in values), default=0)
        # only the merged ranges overlapping the block can refuse one of its cells
        merges = [m for m in sh.merges
                  if m[0] <= row + len(values) - 1 and row <= m[2] and m[1] <= column + width - 1 and column <= m[3]]
        content = self._cell_content
        block = []
        for r_offset, row_values in enumerate(values):
            r = row + r_offset
            for c_offset, value in enumerate(row_values):
                if value is _HELD:
                    continue
                c = column + c_offset
                if merges:
                    check_merge(sh, sheet, r, c, merges)
                block.append((r, c, content(value)))
        written = self._written.setdefault(sheet, set())
        set_cell = self._set_cell
        changed = []
        for r, c, cell_content in block:
            set_cell(sh, r, c, cell_content)
            written.add(_ref(r, c))
            changed.append((r, c))
        if changed:
            self._changed.add(sh.part)
            self._note_written(sheet, sh, changed)

    def _unheld(self, sheet: str, row: int, column: int, values: Sequence[Sequence[Any]]):
        """``values`` with :data:`_HELD` for each cell that already holds its value as read (same type and value,
        not a formula or error cell), or None when every cell does."""
        if self._sheet(sheet).kind != "worksheet":
            return values  # refused by _writable
        if sheet not in self._as_read:
            self.read(sheet)
        grid, exact = self._as_read[sheet], self._exact[sheet]
        out = []
        any_new = False
        for r_offset, row_values in enumerate(values):
            r = row + r_offset
            line = grid[r - 1] if r <= len(grid) else ()
            new_row = list(row_values)
            for c_offset, value in enumerate(row_values):
                c = column + c_offset
                old = line[c - 1] if c <= len(line) else None
                if (type(old) is type(value) or (type(old) in _NUMBERS and type(value) in _NUMBERS)) \
                        and old == value and (r, c) not in exact:
                    new_row[c_offset] = _HELD  # 35.0 is written "35", which reads back 35: held too
                else:
                    any_new = True
            out.append(new_row)
        return out if any_new else None

    def _note_written(self, sheet: str, sh: _Sheet, cells: list[tuple[int, int]]) -> None:
        """Keep the grid as read true after a write: each written cell's value as a read of its tree gives it."""
        grid, exact = self._as_read[sheet], self._exact[sheet]
        shared: dict[str, Any] = {}
        emptied = False
        for r, c in cells:
            el = sh.cells[r, c]
            value = self._value(el, r, c, shared) if len(el) else None
            exact.discard((r, c))
            if value is None:
                if r <= len(grid) and c <= len(grid[0]):
                    grid[r - 1][c - 1] = None
                    emptied = True
                continue
            if c > len(grid[0]):
                for line in grid:
                    line.extend([None] * (c - len(line)))
            while len(grid) < r:
                grid.append([None] * len(grid[0]))
            grid[r - 1][c - 1] = value
        if emptied:  # as a read of the tree: up to the last row and column holding a value
            while len(grid) > 1 and all(v is None for v in grid[-1]):
                grid.pop()
            width = max(max((i for i, v in enumerate(line, 1) if v is not None), default=0) for line in grid)
            if width < len(grid[0]):
                for i, line in enumerate(grid):
                    grid[i] = line[:max(width, 1)]

    def _cell_content(self, value: Any) -> tuple[str | None, str | None]:
        """(t attribute, text) for a value: ("inlineStr", text), ("b", "1"), (None, "12.5"), or (None, None)."""
        if value is None:
            return None, None
        if isinstance(value, bool):
            return "b", "1" if value else "0"
        if isinstance(value, int):
            return None, str(value)
        if isinstance(value, float):
            return None, _number_text(value)
        if type(value) is str:  # noqa: E721 - exact type: the cache below keys on equal values
            return _text_content_of(value)
        if isinstance(value, (datetime, date, time)):
            if getattr(value, "tzinfo", None) is not None:
                raise ValueError("Excel does not support timezones in datetimes")
            if type(value) is datetime:  # noqa: E721
                return None, _serial_text(value, self._epoch)
            return None, _number_text(to_excel(value, self._epoch))
        return _text_content_of(value if isinstance(value, str) else str(value))

    def _set_cell(self, sh: _Sheet, r: int, c: int, content: tuple[str | None, str | None]) -> None:
        el = cell_element(sh, r, c)
        sh.dirty_cells.add((r, c))
        if len(el):
            formula = el.find(T_F)
            if formula is not None:
                self._drop_formula(sh, el, formula)
            for child in list(el):
                if child.tag in (T_F, T_V, T_IS):
                    el.remove(child)
        for attr in ("t", "cm", "vm"):
            if el.get(attr) is not None:
                del el.attrib[attr]
        kind, text = content
        if text is None:
            return
        if kind == "inlineStr":
            el.set("t", "inlineStr")
            is_el = etree.Element(T_IS)
            t_el = etree.SubElement(is_el, T_T)
            t_el.text = text
            if text != text.strip() or "\n" in text:
                t_el.set(XML_SPACE, "preserve")
            el.insert(0, is_el)
        else:
            if kind:
                el.set("t", kind)
            v_el = etree.Element(T_V)
            v_el.text = text
            el.insert(0, v_el)
        extent = sh.extent
        if r > extent[0] or c > extent[1]:
            sh.extent = (max(extent[0], r), max(extent[1], c))

    def _drop_formula(self, sh: _Sheet, el: etree._Element, formula: etree._Element) -> None:
        """Before a written value replaces a formula: keep other cells of a shared formula working (the next cell
        becomes the master) and drop the cell from the calculation chain."""
        hand_over_shared_formula(sh, el, formula)
        self._drop_calc_entry(sh, el.get("r"))

    def _drop_calc_entry(self, sh: _Sheet, ref: str) -> None:
        part = self._part_by_rel(REL_CALC_CHAIN)
        if part is None or part not in self._raw or part in self._removed:
            return
        root = self._xml(part).tree.getroot()
        current = None
        entries = [el for el in root if el.tag == T_C]
        for index, entry in enumerate(entries):
            if entry.get("i") is not None:
                current = entry.get("i")
            if entry.get("r") == ref and current == sh.sheet_id:
                following = entries[index + 1] if index + 1 < len(entries) else None
                if following is not None:
                    for attr in ("i", "l"):
                        if entry.get(attr) is not None and following.get(attr) is None:
                            following.set(attr, entry.get(attr))
                root.remove(entry)
                self._changed.add(part)
                break
        if not any(el.tag == T_C for el in root):
            self._remove_calc_chain(part)

    def _remove_calc_chain(self, part: str) -> None:
        self._removed.add(part)
        self._changed.add(part)  # reported as changed (removed)
        rels = self._xml(WORKBOOK_RELS)
        for rel in _relationships(rels.tree):
            if rel.get("Type", "").endswith(REL_CALC_CHAIN):
                rel.getparent().remove(rel)
        self._changed.add(WORKBOOK_RELS)
        self._rels = {k: v for k, v in self._rels.items() if not v[0].endswith(REL_CALC_CHAIN)}
        types = self._xml(CONTENT_TYPES)
        for el in list(types.tree.getroot()):
            if el.tag == f"{{{NS_CT}}}Override" and el.get("PartName", "").lstrip("/") == part:
                el.getparent().remove(el)
                self._changed.add(CONTENT_TYPES)

    # -------------------------------------------------------------------------------------- structural edits
    def resize_table(self, sheet: str, name: str, ref: str | int) -> None:
        """Let table ``name`` cover ``ref`` (same columns; or give its new last row) with its autoFilter.  Rows the
        table gains get, in the table's columns, the style of the cell above where they hold no cell yet."""
        table = self._sheet(sheet).tables[name]
        r1, c1, r2, c2 = _range(table.ref)
        if isinstance(ref, str):
            n1, m1, last_row, m2 = _range(ref)
            if (n1, m1, m2) != (r1, c1, c2):
                raise ValueError(f"table {name}: {ref} does not keep its header row and columns ({table.ref})")
        else:
            last_row = ref
        if last_row == r2:
            return  # already so: the sheet is not even parsed
        sh = self._writable(sheet)
        root = self._xml(table.part).tree.getroot()
        header = int(root.get("headerRowCount", "1"))
        if int(root.get("totalsRowCount", "0") or 0):
            raise ValueError(f"table {name} has a totals row")
        if last_row < r1 + header:
            raise ValueError(f"table {name} needs at least one data row (last_row {last_row})")
        new_ref = _range_ref(r1, c1, last_row, c2)
        if new_ref == table.ref:
            return
        root.set("ref", new_ref)
        auto = root.find(T_AUTOFILTER)
        if auto is not None and auto.get("ref"):
            a1, ac1, _a2, ac2 = _range(auto.get("ref"))
            auto.set("ref", _range_ref(a1, ac1, last_row, ac2))
        table.ref = new_ref
        self._changed.add(table.part)
        created = False
        for r in range(r2 + 1, last_row + 1):
            for c in range(c1, c2 + 1):
                if (r, c) in sh.cells:
                    continue
                above = sh.cells.get((r - 1, c))
                style = above.get("s") if above is not None else None
                if style in (None, "0"):
                    continue
                el = cell_element(sh, r, c)
                el.set("s", style)
                created = True
        if created:
            self._changed.add(sh.part)

    def set_formula_result(self, sheet: str, row: int, column: int, value: Any) -> None:
        """Store ``value`` as the cached result of the formula in a cell, keeping the formula: what Excel shows until
        it recalculates (a file written here is not recalculated on open).  A cell without a formula is left alone."""
        sh = self._writable(sheet)
        el = sh.cells.get((row, column))
        if el is None or el.find(T_F) is None:
            return
        kind, text = (None, None) if value is None else ("str", str(value)) if isinstance(value, str) \
            else self._cell_content(value)
        old = el.find(T_V)
        shown = None if old is None else (old.text or "")
        if (text in (None, "") and shown in (None, "")) or (el.get("t") == kind and shown == text):
            return  # already so: the part stays as it is
        if old is not None:
            el.remove(old)
        if kind is None:
            el.attrib.pop("t", None)
        else:
            el.set("t", kind)
        if text is not None:
            v_el = etree.SubElement(el, T_V)
            v_el.text = text
        sh.dirty_cells.add((row, column))
        self._written.setdefault(sheet, set()).add(_ref(row, column))
        self._changed.add(sh.part)

    def set_hyperlink(self, sheet: str, row: int, column: int, url: str | None) -> None:
        """A cell hyperlink to the external ``url`` (None: none), see :mod:`lkj_xl.engines.package_links`.  The
        worksheet is then serialised whole (the splice only knows sheetData); its rels part is created if absent."""
        from lkj_xl.engines.package_links import EMPTY_RELS, set_link

        sh = self._writable(sheet)
        rels = _rels_part(sh.part)
        if rels not in self._raw:
            if url is None:
                return
            info = next(i for i in self._infos if i.filename == sh.part)
            self._raw[rels] = EMPTY_RELS
            self._infos.append(zipfile.ZipInfo(rels, info.date_time))
            self._changed.add(rels)
        sheet_changed, rels_changed = set_link(self._xml(sh.part).tree.getroot(), self._xml(rels).tree.getroot(),
                                               _ref(row, column), url)
        if sheet_changed:
            self._changed.add(sh.part)
            self.__dict__.setdefault("_unspliced", set()).add(sh.part)
        if rels_changed:
            self._changed.add(rels)

    def set_row_height(self, sheet: str, row: int, height: float, rows: int = 1) -> None:
        sh = self._writable(sheet)
        text = _number_text(float(height))
        for r in range(row, row + rows):
            el = row_element(sh, r)
            if el.get("ht") == text and el.get("customHeight") in ("1", "true"):
                continue
            el.set("ht", text)
            el.set("customHeight", "1")
            sh.dirty_rows.add(r)
            self._changed.add(sh.part)

    def set_print_area(self, sheet: str, ref: str) -> None:
        """The sheet's print area (its ``_xlnm.Print_Area`` defined name in xl/workbook.xml, created when absent)."""
        from lkj_xl.engines.package_parts import print_area_text, set_print_area_name

        self._writable(sheet)
        index = list(self._sheets).index(sheet)
        if set_print_area_name(self._parts[WORKBOOK].tree.getroot(), index, print_area_text(sheet, ref)):
            self._changed.add(WORKBOOK)

    # ------------------------------------------------------------------------------------------------- save
    def changed_parts(self) -> set[str]:
        """Parts whose bytes a save changes (removed parts included)."""
        return set(self._changed)

    def written_cells(self) -> dict[str, set[str]]:
        """Sheet name -> A1 refs written (emptied ones included)."""
        return {sheet: set(refs) for sheet, refs in self._written.items()}

    def _part_bytes(self, name: str) -> bytes:
        part = self._parts[name]
        sheet = next((sh for sh in self._sheets.values() if sh.part == name and sh.loaded), None)
        if sheet is not None and name not in self.__dict__.get("_unspliced", ()):
            spliced = _splice_sheet(self._raw[name], sheet)
            if spliced is not None:
                return spliced
        return _serialise(part.tree, part.declaration)

    def to_bytes(self) -> bytes:
        """The package as it is now: every member in its original order, unchanged ones byte for byte."""
        for sh in self._sheets.values():
            if sh.loaded and sh.part in self._changed:
                finish_dimension(sh)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", allowZip64=True) as out:
            for info in self._infos:
                name = info.filename
                if name in self._removed:
                    continue
                zi = zipfile.ZipInfo(name, info.date_time)
                zi.external_attr = info.external_attr
                zi.create_system = info.create_system
                zi.comment = info.comment
                if name in self._changed:
                    data = self._part_bytes(name)
                    zi.compress_type = zipfile.ZIP_DEFLATED
                else:
                    data = self._raw[name]
                    zi.compress_type = info.compress_type
                out.writestr(zi, data)
            out.comment = self._comment
        return buffer.getvalue()

    def save(self, path: str | Path | None = None) -> Path:
        """Write the package to ``path`` (default: where it was opened)."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("PackageBook.save needs a path for a workbook that was not opened from a file")
        data = self.to_bytes()
        with open(target, "wb") as fh:
            fh.write(data)
        return target


__all__ = ["PackageBook", "package_differences"]
