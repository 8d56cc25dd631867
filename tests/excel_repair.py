"""What makes desktop Excel say "We found a problem with some content ... Do you want us to try to recover?", checked
on a package without Excel.  ``excel_repair_problems(path)`` returns a list of English findings ([] = clean):

* VBA (an .xlsm): module names agree across ``PROJECT`` (Module=/Class=/Document=/BaseClass=), ``dir``
  (MODULENAME / MODULESTREAMNAME), ``PROJECTwm`` and the streams of storage ``VBA``; the ``Document=`` lines are
  exactly the workbook's and the sheets' code names; ``_VBA_PROJECT`` is the MS-OVBA 2.3.4.1 7-byte stream;
* every table's header cells equal its ``tableColumn`` names (else Excel "repairs" the table);
* data validations within Excel's limits: an explicit list (``formula1`` in quotes) <= 255 characters, prompt
  title and error title <= 32, prompt <= 255, error message <= 225;
* every internal relationship target exists; every part has a content type (Default or Override);
* formula cells whose cached value is present are right for the formulas we write (the Masalah link column:
  "" exactly when column B is empty);
* the ribbon: valid against Microsoft's customUI14.xsd (``xmlschema``; libxml2 rejects that XSD), and every
  ``imageMso`` is one of Excel's (``excel-imagemso.txt``).

The reference files are in ``../shared/excel`` beside the repository; ``require_shared()`` skips a test without them.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from functools import lru_cache
from pathlib import Path

import pytest
from lxml import etree

SHARED_EXCEL = Path(__file__).resolve().parents[1].parent / "shared" / "excel"
XSD = SHARED_EXCEL / "customUI14.xsd"
IMAGEMSO = SHARED_EXCEL / "excel-imagemso.txt"

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CUI = "http://schemas.microsoft.com/office/2009/07/customui"
VBA_PROJECT_STREAM = bytes.fromhex("CC61FFFF000100")

LIST_MAX = 255
TITLE_MAX = 32
PROMPT_MAX = 255
ERROR_MAX = 225


def require_shared() -> None:
    if not (XSD.is_file() and IMAGEMSO.is_file()):
        pytest.skip(f"{SHARED_EXCEL} (customUI14.xsd, excel-imagemso.txt) is not here")


@lru_cache(maxsize=1)
def _schema():
    xmlschema = pytest.importorskip("xmlschema")
    return xmlschema.XMLSchema(str(XSD))


@lru_cache(maxsize=1)
def excel_icons() -> frozenset[str]:
    return frozenset(line.strip() for line in IMAGEMSO.read_text(encoding="utf-8").splitlines() if line.strip())


def _xml(parts: dict[str, bytes], name: str):
    return etree.fromstring(parts[name])


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _resolve(part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))


def _targets(parts: dict[str, bytes], part: str) -> dict[str, tuple[str, str]]:
    """rId -> (type, resolved target) of ``part``'s internal relationships."""
    name = _rels_name(part)
    if name not in parts:
        return {}
    found = {}
    for rel in _xml(parts, name).iter(f"{{{RELS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        found[rel.get("Id")] = (rel.get("Type"), _resolve(part, rel.get("Target")))
    return found


# --- package ----------------------------------------------------------------------------------------------------------


def package_problems(parts: dict[str, bytes]) -> list[str]:
    problems = []
    types = _xml(parts, "[Content_Types].xml")
    defaults = {d.get("Extension").lower() for d in types.iter(f"{{{CT}}}Default")}
    overrides = {o.get("PartName").lstrip("/") for o in types.iter(f"{{{CT}}}Override")}
    for name in parts:
        if name == "[Content_Types].xml" or name.endswith("/"):
            continue
        if name not in overrides and name.rsplit(".", 1)[-1].lower() not in defaults:
            problems.append(f"{name}: no content type")
    for name in overrides - set(parts):
        problems.append(f"content type override for missing part {name}")
    for rels in [name for name in parts if name.endswith(".rels")]:
        folder = posixpath.dirname(posixpath.dirname(rels))
        source = posixpath.join(folder, posixpath.basename(rels)[: -len(".rels")])
        for rel in _xml(parts, rels).iter(f"{{{RELS}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = _resolve(source if source else "x", rel.get("Target")) if source else rel.get("Target").lstrip("/")
            if target not in parts:
                problems.append(f"{rels}: {rel.get('Id')} points at missing {target}")
    return problems


# --- sheets: tables, validations, cached formula values ---------------------------------------------------------------


def _shared_strings(parts: dict[str, bytes]) -> list[str]:
    if "xl/sharedStrings.xml" not in parts:
        return []
    return ["".join(si.itertext()) for si in _xml(parts, "xl/sharedStrings.xml").iter(f"{{{MAIN}}}si")]


def _cell_text(cell, strings: list[str]) -> str | None:
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(cell.find(f"{{{MAIN}}}is").itertext())
    value = cell.find(f"{{{MAIN}}}v")
    if value is None:
        return None
    if kind == "s":
        return strings[int(value.text)]
    return value.text or ""


def _ref_cells(ref: str) -> tuple[int, int, int, int]:
    def one(a1: str) -> tuple[int, int]:
        letters, digits = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", a1).groups()
        col = 0
        for ch in letters:
            col = col * 26 + ord(ch) - 64
        return col, int(digits)

    first, _, last = ref.partition(":")
    c1, r1 = one(first)
    c2, r2 = one(last or first)
    return c1, r1, c2, r2


def _letters(col: int) -> str:
    text = ""
    while col:
        col, rest = divmod(col - 1, 26)
        text = chr(65 + rest) + text
    return text


def sheets(parts: dict[str, bytes]) -> list[tuple[str, str]]:
    """(title, part) of every worksheet."""
    workbook = _xml(parts, "xl/workbook.xml")
    targets = _targets(parts, "xl/workbook.xml")
    found = []
    for sheet in workbook.iter(f"{{{MAIN}}}sheet"):
        rel_type, target = targets[sheet.get(f"{{{R}}}id")]
        if rel_type.endswith("/worksheet"):
            found.append((sheet.get("name"), target))
    return found


def sheet_problems(parts: dict[str, bytes]) -> list[str]:
    problems = []
    strings = _shared_strings(parts)
    for title, part in sheets(parts):
        root = _xml(parts, part)
        cells = {cell.get("r"): cell for cell in root.iter(f"{{{MAIN}}}c")}
        # Tables: header cells equal the tableColumn names.
        for rel_type, target in _targets(parts, part).values():
            if not rel_type.endswith("/table"):
                continue
            table = _xml(parts, target)
            if table.get("headerRowCount", "1") == "0":
                continue
            c1, r1, _, _ = _ref_cells(table.get("ref"))
            for offset, column in enumerate(table.iter(f"{{{MAIN}}}tableColumn")):
                ref = f"{_letters(c1 + offset)}{r1}"
                cell = cells.get(ref)
                text = _cell_text(cell, strings) if cell is not None else None
                if text != column.get("name"):
                    problems.append(f"{title}!{ref}: header {text!r} != table {table.get('name')} column "
                                    f"{column.get('name')!r}")
        # Data validations within Excel's limits.
        for validation in root.iter(f"{{{MAIN}}}dataValidation"):
            where = f"{title}!{validation.get('sqref')}"
            formula = validation.find(f"{{{MAIN}}}formula1")
            if validation.get("type") == "list" and formula is not None and (formula.text or "").startswith('"'):
                if len(formula.text) - 2 > LIST_MAX:
                    problems.append(f"{where}: list of {len(formula.text) - 2} characters > {LIST_MAX}")
            for attribute, limit in (("promptTitle", TITLE_MAX), ("errorTitle", TITLE_MAX), ("prompt", PROMPT_MAX),
                                     ("error", ERROR_MAX)):
                value = validation.get(attribute) or ""
                if len(value) > limit:
                    problems.append(f"{where}: {attribute} of {len(value)} characters > {limit}")
        # Cached formula results: right or absent (the link column: "" exactly when column B is empty).
        for ref, cell in cells.items():
            formula = cell.find(f"{{{MAIN}}}f")
            value = cell.find(f"{{{MAIN}}}v")
            if formula is None or value is None or not (formula.text or "").startswith("IF($B"):
                continue
            if cell.get("t") != "str" and not (value.text or ""):
                continue  # openpyxl's empty numeric <v>: no cached result
            row = re.sub(r"^[A-Z]+", "", ref)
            b = cells.get(f"B{row}")
            blank = b is None or not (_cell_text(b, strings) or "")
            if blank != ((value.text or "") == ""):
                problems.append(f"{title}!{ref}: cached {value.text!r} is wrong for B{row}")
    return problems


# --- VBA ------------------------------------------------------------------------------------------------------------------


def _projectwm_names(data: bytes) -> list[str]:
    names, position = [], 0
    while position < len(data) - 1:
        end = data.index(b"\x00", position)
        if end == position:  # the 0x0000 terminator
            break
        name = data[position:end].decode("cp1252")
        unicode_end = position = end + 1
        while data[unicode_end:unicode_end + 2] != b"\x00\x00":
            unicode_end += 2
        if data[position:unicode_end].decode("utf-16-le") != name:
            names.append(f"!{name}")
        names.append(name)
        position = unicode_end + 2
    return names


def vba_problems(parts: dict[str, bytes]) -> list[str]:
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import parse_vba_project

    problems = []
    cfb = CFB.from_bytes(parts["xl/vbaProject.bin"])
    project_text = cfb.get_stream("PROJECT").decode("cp1252")
    listed = {}
    for key, value in re.findall(r"^(Module|Class|Document|BaseClass)=([^\r\n]*)", project_text, re.MULTILINE):
        listed[value.split("/", 1)[0]] = key
    modules = parse_vba_project(cfb).modules
    in_dir = {module.name for module in modules}
    stream_names = {module.stream_name for module in modules}
    streams = {name for name in cfb.list_streams_in_storage("VBA") if name not in ("dir", "_VBA_PROJECT")
               and not name.startswith("__SRP_")}
    wm = _projectwm_names(cfb.get_stream("PROJECTwm"))
    for label, names in (("dir", in_dir), ("dir stream names", stream_names), ("VBA streams", streams),
                         ("PROJECTwm", set(wm))):
        if set(listed) != names:
            problems.append(f"VBA module names differ: PROJECT {sorted(listed)} vs {label} {sorted(names)}")
    if len(wm) != len(set(wm)):
        problems.append(f"PROJECTwm repeats or mismatches names: {wm}")
    if cfb.get_stream_in_storage("VBA", "_VBA_PROJECT") != VBA_PROJECT_STREAM:
        problems.append("VBA/_VBA_PROJECT is not the 7 bytes of MS-OVBA 2.3.4.1")
    documents = {name for name, key in listed.items() if key == "Document"}
    workbook = _xml(parts, "xl/workbook.xml")
    pr = workbook.find(f"{{{MAIN}}}workbookPr")
    code_names = {pr.get("codeName") if pr is not None else None}
    for title, part in sheets(parts):
        sheet_pr = _xml(parts, part).find(f"{{{MAIN}}}sheetPr")
        code_names.add(sheet_pr.get("codeName") if sheet_pr is not None else f"<{title} has no code name>")
    if documents != code_names:
        problems.append(f"Document= lines {sorted(documents)} != code names {sorted(map(str, code_names))}")
    return problems


# --- ribbon -----------------------------------------------------------------------------------------------------------


def ribbon_problems(data: bytes) -> list[str]:
    problems = [f"ribbon XML: {error.reason}" for error in _schema().iter_errors(data.decode("utf-8"))]
    root = etree.fromstring(data)
    for element in root.iter():
        icon = element.get("imageMso")
        if icon is not None and icon not in excel_icons():
            problems.append(f"ribbon: imageMso {icon!r} ({element.get('id')}) is not an Excel icon")
    return problems


# --- all -------------------------------------------------------------------------------------------------------------


def excel_repair_problems(path: str | Path) -> list[str]:
    """Everything above for the package at ``path``; [] when Excel would open it without a repair prompt."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    problems = package_problems(parts) + sheet_problems(parts)
    if "xl/vbaProject.bin" in parts:
        problems += vba_problems(parts)
    if "customUI/customUI14.xml" in parts:
        problems += ribbon_problems(parts["customUI/customUI14.xml"])
    return problems
