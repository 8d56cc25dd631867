"""Editing Office Open XML packages (xlsx/xlsm zips) as text, byte-for-byte where untouched.

The parts are edited as text, as Office writes them, so namespaces, prefixes and everything we do not touch stay
byte for byte (re-serializing with ElementTree would rename prefixes and break ``mc:Ignorable``).  Used by
:mod:`lkj_xl.authoring.xlsm` to build the macro-enabled workbook and to put back what openpyxl drops on save.
Standard library only.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from lkj_xl.core.errors import UnusableFileError

CONTENT_TYPES = "[Content_Types].xml"
PACKAGE_RELS = "_rels/.rels"
NS_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
ATTR = re.compile(r'([\w:.-]+)\s*=\s*"([^"]*)"')

# ---------------------------------------------------------------------------------------------------------------------
# Small XML helpers.  The parts are edited as text, as Office writes them, so namespaces, prefixes and everything we do
# not touch stay byte for byte (re-serializing with ElementTree would rename prefixes and break mc:Ignorable).
# ---------------------------------------------------------------------------------------------------------------------


def unescape(value: str) -> str:
    """Attribute text back from its XML escapes (the five entities Office writes)."""
    return (value.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


def escape(text: str, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


def tag_attrs(tag: str) -> dict[str, str]:
    return dict(ATTR.findall(tag))


def set_attr(tag: str, name: str, value: str) -> str:
    """Start tag ``tag`` (``<x ...>`` or ``<x .../>``) with attribute ``name`` set to ``value``."""
    quoted = escape(value, quote=True)
    found = re.search(rf'\s{re.escape(name)}\s*=\s*"[^"]*"', tag)
    if found:
        return f'{tag[:found.start()]} {name}="{quoted}"{tag[found.end():]}'
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    head = tag[:end].rstrip()
    return f'{head} {name}="{quoted}"{tag[end:]}'


def start_tag(text: str, local: str) -> re.Match[str] | None:
    """The first start tag of element ``local`` in the default namespace (no prefix)."""
    return re.search(rf"<{local}(?=[\s/>])[^>]*>", text)


def root_tag(text: str) -> re.Match[str]:
    found = re.search(r"<(?![?!])[^>]+>", text)
    if found is None:
        raise UnusableFileError("Bagian XML di dalam file kosong atau rusak.")
    return found


def prefix_for(root: str, namespace: str) -> str | None:
    for name, value in tag_attrs(root).items():
        if value == namespace and name.startswith("xmlns:"):
            return name.split(":", 1)[1]
    return None


def relationships(rels: str) -> list[dict[str, str]]:
    return [tag_attrs(tag) for tag in re.findall(r"<Relationship\b[^>]*>", rels)]


def next_rel_id(rels: str) -> str:
    numbers = [int(n) for n in re.findall(r'\bId="rId(\d+)"', rels)]
    return f"rId{max(numbers, default=0) + 1}"


def add_relationship(rels: str, rel_type: str, target: str) -> str:
    element = f'<Relationship Id="{next_rel_id(rels)}" Type="{rel_type}" Target="{target}"/>'
    if "</Relationships>" in rels:
        return rels.replace("</Relationships>", element + "</Relationships>", 1)
    if re.search(r"<Relationships\b[^>]*/>", rels):
        return re.sub(r"<Relationships\b([^>]*)/>", rf"<Relationships\1>{element}</Relationships>", rels, count=1)
    return f'{XML_DECL}<Relationships xmlns="{NS_RELS}">{element}</Relationships>'


def resolve(folder: str, target: str) -> str:
    """Part name a relationship target points to, relative to the folder of its source part."""
    if target.startswith("/"):
        return target[1:]
    parts: list[str] = [p for p in folder.split("/") if p]
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def content_type_of(types: str, part: str) -> str | None:
    for tag in re.findall(r"<Override\b[^>]*>", types):
        attrs = tag_attrs(tag)
        if attrs.get("PartName", "").lstrip("/").casefold() == part.casefold():
            return attrs.get("ContentType")
    extension = part.rsplit(".", 1)[-1].casefold()
    for tag in re.findall(r"<Default\b[^>]*>", types):
        attrs = tag_attrs(tag)
        if attrs.get("Extension", "").casefold() == extension:
            return attrs.get("ContentType")
    return None


def set_override(types: str, part: str, content_type: str) -> str:
    """``types`` with an Override giving ``part`` the ``content_type`` (replaced if one exists)."""
    for found in re.finditer(r"<Override\b[^>]*>", types):
        if tag_attrs(found.group()).get("PartName", "").lstrip("/").casefold() == part.casefold():
            tag = set_attr(found.group(), "ContentType", content_type)
            return types[: found.start()] + tag + types[found.end():]
    element = f'<Override PartName="/{part}" ContentType="{content_type}"/>'
    return types.replace("</Types>", element + "</Types>", 1)


def ensure_content_type(types: str, part: str, content_type: str) -> str:
    if content_type_of(types, part) == content_type:
        return types
    return set_override(types, part, content_type)


# ---------------------------------------------------------------------------------------------------------------------
# Zip I/O
# ---------------------------------------------------------------------------------------------------------------------


def read_package(path: Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as archive:
            return {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
    except FileNotFoundError:
        raise UnusableFileError(f"File tidak ditemukan: {path}") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnusableFileError(f"File bukan buku kerja Excel yang dapat dibaca: {path.name} ({exc}).") from None


def zip_date(moment: _dt.datetime) -> tuple[int, int, int, int, int, int]:
    utc = moment.astimezone(_dt.timezone.utc)
    if utc.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second - utc.second % 2)


def ordered(names: Iterable[str]) -> list[str]:
    """Content types first, then the package relationships, then every other part by name."""
    first = [CONTENT_TYPES, PACKAGE_RELS]
    return [n for n in first if n in names] + sorted(n for n in names if n not in first)


def package_bytes(parts: Mapping[str, bytes], moment: _dt.datetime) -> bytes:
    """``parts`` as a zip whose bytes depend only on ``parts`` and ``moment``."""
    date = zip_date(moment)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ordered(parts):
            info = zipfile.ZipInfo(name, date_time=date)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # the same on every OS
            info.external_attr = 0
            archive.writestr(info, parts[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buffer.getvalue()


def rewritten_bytes(path: Path, edits: Mapping[str, bytes]) -> bytes:
    """The zip at ``path`` with ``edits`` applied: every other entry keeps its bytes, order, date and method."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w") as target:
        seen = set()
        for info in source.infolist():
            seen.add(info.filename)
            data = edits.get(info.filename)
            if data is None:
                data = source.read(info)
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type = info.compress_type
            copy.create_system = info.create_system
            copy.external_attr = info.external_attr
            target.writestr(copy, data)
        date = max((info.date_time for info in source.infolist()), default=(1980, 1, 1, 0, 0, 0))
        for name in sorted(set(edits) - seen):
            info = zipfile.ZipInfo(name, date_time=date)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, edits[name])
    return buffer.getvalue()


# --- the macro-enabled package's vocabulary ----------------------------------------------------------------------

RIBBON_PART = "customUI/customUI14.xml"
RIBBON_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
RIBBON_NS = "http://schemas.microsoft.com/office/2009/07/customui"
VBA_PART = "xl/vbaProject.bin"
VBA_REL_TYPE = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
WORKBOOK_PART = "xl/workbook.xml"
XLSM_MAIN_CONTENT_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
WORKBOOK_CODE_NAME = "ThisWorkbook"
XLWINGS_CONF_SHEET = "xlwings.conf"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def has_ribbon_relationship(rels: str) -> bool:
    return any(rel.get("Type") == RIBBON_REL_TYPE and resolve("", rel.get("Target", "")) == RIBBON_PART
               and rel.get("TargetMode", "Internal") == "Internal" for rel in relationships(rels))


def restore_ribbon_parts(parts: dict[str, bytes]) -> bool:
    """Relate ``customUI/customUI14.xml`` from ``_rels/.rels`` and give it a content type; True if anything changed."""
    changed = False
    rels = parts.get(PACKAGE_RELS, b"").decode("utf-8")
    if not has_ribbon_relationship(rels):
        parts[PACKAGE_RELS] = add_relationship(rels, RIBBON_REL_TYPE, RIBBON_PART).encode("utf-8")
        changed = True
    types = parts[CONTENT_TYPES].decode("utf-8")
    if content_type_of(types, RIBBON_PART) is None:
        parts[CONTENT_TYPES] = set_override(types, RIBBON_PART, "application/xml").encode("utf-8")
        changed = True
    return changed




def restore_ribbon_relationship(path: Path) -> bool:
    """Put back, in the file at ``path``, the ``_rels/.rels`` relationship to ``customUI/customUI14.xml`` that an
    openpyxl save drops (and the part's content type).  Idempotent: False, file untouched, when nothing is missing or
    there is no ribbon part.  Only those two parts change; ``vbaProject.bin`` and every other part keep their bytes.
    Meant for a file just written (a temporary copy), so it is rewritten directly."""
    parts = read_package(path)
    if RIBBON_PART not in parts or CONTENT_TYPES not in parts:
        return False
    before = {name: parts.get(name) for name in (PACKAGE_RELS, CONTENT_TYPES)}
    if not restore_ribbon_parts(parts):
        return False
    path.write_bytes(rewritten_bytes(path, {name: parts[name] for name in before if parts.get(name) != before[name]}))
    return True
