"""The look of a note's box (a legacy comment), carried by ``lkj upgrade`` into the file openpyxl wrote.

A note's text and author live in ``xl/commentsN.xml``, which openpyxl reads and writes; the box lives in the sheet's
VML drawing, which openpyxl does not read: it writes every box anew, hidden, in its default size and colour.  So a
note a person set to "Show Comment" (always visible), filled with another colour, or resized and moved would come
out plain and hidden.  :func:`carry_note_boxes` puts each old box's look (the shape's style, fill colour, fill,
line, shadow and its anchor and visibility) on the new box of the same sheet and cell; a formatted box whose note
is not at the same cell of the new file (a column moved, the note not carried) is listed, by sheet and cell.
"""

from __future__ import annotations

import io
import zipfile
from copy import deepcopy

from lxml import etree

NS_V = "urn:schemas-microsoft-com:vml"
NS_XL = "urn:schemas-microsoft-com:office:excel"
REL_VML = "/vmlDrawing"
#: Excel's (and openpyxl's) plain note: pale yellow, hidden
PLAIN_FILLS = ("#ffffe1", "infobackground [80]")
_LOOK = ("fill", "stroke", "shadow")  # child elements of the shape that draw the box


def _parse_vml(data: bytes) -> etree._Element | None:
    """Excel's VML is not always well-formed XML (an unclosed ``<br>``): read it leniently."""
    try:
        return etree.fromstring(data, etree.XMLParser(recover=True, resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None


def _notes(root: etree._Element) -> dict[tuple[int, int], etree._Element]:
    """(row, column), 1-based -> the note's shape."""
    found = {}
    for shape in root.iter(f"{{{NS_V}}}shape"):
        data = shape.find(f"{{{NS_XL}}}ClientData")
        if data is None or data.get("ObjectType") != "Note":
            continue
        row, column = data.find(f"{{{NS_XL}}}Row"), data.find(f"{{{NS_XL}}}Column")
        try:
            found[(int(row.text) + 1, int(column.text) + 1)] = shape
        except (AttributeError, TypeError, ValueError):
            continue
    return found


def _formatted(shape: etree._Element) -> list[str]:
    """What a person changed on a note's box, in Indonesian (empty: a plain box)."""
    changes = []
    data = shape.find(f"{{{NS_XL}}}ClientData")
    if data is not None and data.find(f"{{{NS_XL}}}Visible") is not None:
        changes.append("selalu tampil")
    fill = (shape.get("fillcolor") or "#ffffe1").strip().lower()
    if fill not in PLAIN_FILLS:
        changes.append(f"warna isi {fill}")
    return changes


def _vml_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> the part of its VML drawing (notes' boxes)."""
    from lkj_xl.engines.package_parts import _index, _parse_xml, _relationships, _rels_part, _resolve

    _, sheets, rels = _index(parts, "buku kerja")
    found = {}
    for name, _id, rid in sheets:
        part = rels.get(rid, ("", ""))[1]
        rels_part = _rels_part(part)
        if rels_part not in parts:
            continue
        for rel in _relationships(_parse_xml(parts[rels_part], "buku kerja", rels_part)):
            target = _resolve(part, rel.get("Target", ""))
            if rel.get("Type", "").endswith(REL_VML) and target in parts:
                found[name] = target
    return found


def _read(data: bytes) -> tuple[list[zipfile.ZipInfo], dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        return infos, {info.filename: zf.read(info) for info in infos}


def carry_note_boxes(old: bytes, new_path, *, skip=(), moved: dict[str, dict[int, int]] | None = None) -> list[str]:
    """Give each note of the file at ``new_path`` (written by openpyxl) the box its note had in ``old`` (same sheet,
    same cell); rewrite the file only when a box changed.  Returns, in Indonesian, the formatted boxes that found no
    note to go to.  ``skip``: old sheets not carried;
    ``moved``: old sheet -> {old column -> new column} (a person's column moved beside a table: its notes keep
    their look and size, the box placed by the new cell)."""
    from pathlib import Path

    _, old_parts = _read(old)
    new_path = Path(new_path)
    infos, new_parts = _read(new_path.read_bytes())
    old_vml, new_vml = _vml_parts(old_parts), _vml_parts(new_parts)
    lost: list[str] = []
    changed: dict[str, etree._Element] = {}
    for sheet, part in old_vml.items():
        if sheet in skip:
            continue
        root = _parse_vml(old_parts[part])
        if root is None:
            continue
        target_part = new_vml.get(sheet)
        target_root = _parse_vml(new_parts[target_part]) if target_part is not None else None
        targets = _notes(target_root) if target_root is not None else {}
        columns = (moved or {}).get(sheet, {})
        for (row, column), shape in _notes(root).items():
            look = _formatted(shape)
            target = targets.get((row, columns.get(column, column)))
            if target is None:
                if look:
                    from openpyxl.utils import get_column_letter

                    lost.append(f"kotak komentar {sheet}!{get_column_letter(column)}{row} ({', '.join(look)}): "
                                f"komentarnya tidak berada di sel yang sama pada berkas baru")
                continue
            _copy_box(shape, target, placed=columns.get(column, column) == column)
            changed[target_part] = target_root
    if changed:
        for part, root in changed.items():
            new_parts[part] = etree.tostring(root, xml_declaration=False)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            for info in infos:
                zf.writestr(info, new_parts[info.filename], compress_type=info.compress_type)
        new_path.write_bytes(buffer.getvalue())
    return lost


def _style(text: str | None) -> dict[str, str]:
    pairs = (item.split(":", 1) for item in (text or "").split(";") if ":" in item)
    return {key.strip(): value.strip() for key, value in pairs}


def _copy_box(source: etree._Element, target: etree._Element, *, placed: bool = True) -> None:
    """The box's look and place from ``source`` onto ``target`` (same note): style (size, position, visibility),
    fill colour, stroke and the drawing children, the anchor and the "show" flag; the text stays the new file's.
    Not ``placed`` (the note's cell moved): size and visibility only, the box stays where the new file put it."""
    if placed:
        style = _style(source.get("style"))
    else:
        style = _style(target.get("style"))
        style.update({k: v for k, v in _style(source.get("style")).items() if k in ("width", "height", "visibility")})
    target.set("style", ";".join(f"{key}:{value}" for key, value in style.items()))
    for attribute in ("fillcolor", "strokecolor", "strokeweight", "filled", "stroked"):
        if source.get(attribute) is not None:
            target.set(attribute, source.get(attribute))
        else:
            target.attrib.pop(attribute, None)
    for local in _LOOK:
        for old in target.findall(f"{{{NS_V}}}{local}"):
            target.remove(old)
    anchor_at = 0
    for child in source:
        if isinstance(child.tag, str) and etree.QName(child).namespace == NS_V and etree.QName(child).localname in _LOOK:
            target.insert(anchor_at, deepcopy(child))
            anchor_at += 1
    source_data, target_data = source.find(f"{{{NS_XL}}}ClientData"), target.find(f"{{{NS_XL}}}ClientData")
    if source_data is None or target_data is None:
        return
    old_anchor, new_anchor = source_data.find(f"{{{NS_XL}}}Anchor"), target_data.find(f"{{{NS_XL}}}Anchor")
    if not placed:
        old_anchor = None
    if old_anchor is not None and new_anchor is not None:
        new_anchor.text = old_anchor.text
    elif old_anchor is not None:  # openpyxl writes none: Excel's place for it, before AutoFill and Row
        after = next((target_data.find(f"{{{NS_XL}}}{local}") for local in ("AutoFill", "Row")
                      if target_data.find(f"{{{NS_XL}}}{local}") is not None), None)
        if after is not None:
            after.addprevious(deepcopy(old_anchor))
        else:
            target_data.append(deepcopy(old_anchor))
    for visible in target_data.findall(f"{{{NS_XL}}}Visible"):
        target_data.remove(visible)
    if source_data.find(f"{{{NS_XL}}}Visible") is not None:  # after Row and Column, where Excel writes it
        etree.SubElement(target_data, f"{{{NS_XL}}}Visible")


__all__ = ["carry_note_boxes"]
