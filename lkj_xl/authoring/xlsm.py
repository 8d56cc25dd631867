"""Package the tracker as a macro-enabled workbook (.xlsm) with the "LKj" ribbon tab.

``build_xlsm(xlsx, out)`` turns the ordinary .xlsx the workbook builder writes (with openpyxl) into the .xlsm staff
open.  It works on the package's XML parts directly and never loads the workbook into openpyxl, so nothing the builder
wrote (tables, data validation, defined names, images...) is lost.  The result holds:

* a VBA project built by pyOpenVBA (``ExcelFile.add_vba_project``), which starts from the Excel-made empty project
  pyOpenVBA carries (references ``stdole`` and ``Office``; the latter declares ``IRibbonControl``) and gets one
  document module per code name below, xlwings' standalone module (``xlwings.bas`` of the *installed* xlwings, so
  the VBA and Python sides have the same version), xlwings' ``Dictionary`` class (``xlwings/addin/Dictionary.cls``)
  and every ``macros/*.bas`` / ``macros/*.cls``.  Every module stream is written as source only and the
  ``_VBA_PROJECT`` performance cache is zeroed, so Excel compiles from source on first open (no stale p-code);
* code names: the workbook is ``ThisWorkbook``; each sheet keeps a code name it has, else gets one from
  ``SHEET_CODE_NAMES`` or derived from its title (``"Daftar Masalah"`` -> ``shDaftarMasalah``);
* a hidden sheet ``xlwings.conf`` (keys in column A from A1 down, values in column B, no header row: that is what
  ``GetConfigFromSheet`` in xlwings.bas reads) holding ``XLWINGS_CONF``;
* ``customUI/customUI14.xml`` (from ``macros/``) related from ``_rels/.rels``;
* the macro-enabled content type for ``xl/workbook.xml``.

The build is deterministic: fixed zip timestamps and attributes, a fixed order of parts, and fixed
``docProps/core.xml`` created/modified dates (``SOURCE_DATE_EPOCH`` if set, else ``BUILD_TIMESTAMP``).

openpyxl (``keep_vba=True``) keeps ``vbaProject.bin`` and the customUI part but drops the customUI relationship on
save; call ``restore_ribbon_relationship`` (or ``ensure_ribbon``) after every such save, and ``verify_xlsm`` to
check a file before putting it in place.

This module imports only the standard library at import time; pyOpenVBA is imported inside ``build_xlsm`` and in
``verify_xlsm(deep=True)``.
"""

from __future__ import annotations

import datetime as _dt
import importlib.util
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

from lkj_xl.authoring import ooxml
from lkj_xl.core.errors import UnusableFileError

__all__ = [
    "RIBBON_ACTIONS",
    "SHEET_CODE_NAMES",
    "XLWINGS_CONF",
    "build_xlsm",
    "derive_code_name",
    "ensure_ribbon",
    "macro_modules",
    "restore_ribbon_relationship",
    "verify_xlsm",
    "xlwings_vba_sources",
]

#: Action names the ribbon may run, in ribbon order.  Must equal LKJ_ACTIONS in macros/LKjRibbon.bas and cover every
#: button tag in macros/customUI14.xml (tests/test_xlsm.py checks both).  lkj_xl.ribbon.dispatch receives these.
RIBBON_ACTIONS: tuple[str, ...] = ("validate", "refresh", "report", "check_system", "guide", "problems")

#: Sheet title -> VBA code name.  A sheet not listed keeps the code name it has, or gets one derived from its title.
SHEET_CODE_NAMES: dict[str, str] = {
    "xlwings.conf": "shXlwingsConf",
}

#: Rows of the hidden ``xlwings.conf`` sheet.  A key present on the sheet wins over the xlwings.conf files (beside
#: the workbook, then ~/.xlwings), even with an empty value, so only keys the workbook must decide are listed:
#: pythonw (no console window), no UDF server (plain RunPython needs no COM registration), and the workbook's folder
#: NOT put in front of sys.path (lkj_xl is an installed package; a stray lkj_xl folder or .py beside a shared
#: workbook must not shadow it).
XLWINGS_CONF: tuple[tuple[str, str | bool], ...] = (
    ("INTERPRETER_WIN", "pythonw"),
    ("UDF Modules", ""),
    ("Debug UDFs", False),
    ("Use UDF Server", False),
    ("Show Console", False),
    ("ADD_WORKBOOK_TO_PYTHONPATH", False),
)

#: core.xml created/modified and the zip entries' date when SOURCE_DATE_EPOCH is not set.
BUILD_TIMESTAMP = _dt.datetime(2026, 1, 1, 0, 0, 0, tzinfo=_dt.timezone.utc)

MACROS_DIR = Path(__file__).resolve().parent.parent / "macros"
RIBBON_SOURCE = "customUI14.xml"

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

_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_CORE = "docProps/core.xml"
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORKSHEET_REL = _NS_R + "/worksheet"
_CHARTSHEET_REL = _NS_R + "/chartsheet"
_CORE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CORE_CT = "application/vnd.openxmlformats-package.core-properties+xml"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Module names the project gets besides the document modules; code names must not take them.
_MODULE_NAMES_TAKEN = ("xlwings", "Dictionary")
_VB_NAME = re.compile(r'^Attribute VB_Name = "([^"]+)"', re.MULTILINE)
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,30}$")


# ---------------------------------------------------------------------------------------------------------------------
# Sources: macros/ and the installed xlwings
# ---------------------------------------------------------------------------------------------------------------------


def _macros_dir(macros_dir: str | Path | None) -> Path:
    folder = Path(macros_dir) if macros_dir is not None else MACROS_DIR
    if not (folder / RIBBON_SOURCE).is_file():
        raise UnusableFileError(
            f"Folder makro tidak lengkap: {folder} (berkas {RIBBON_SOURCE} tidak ada). "
            "Jalankan pembuatan buku kerja dari salinan repositori lkj-xl."
        )
    return folder


def _xlwings_dir() -> Path:
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise UnusableFileError("Paket xlwings tidak terpasang; pasang dengan: pip install xlwings")
    return Path(next(iter(spec.submodule_search_locations)))


def xlwings_vba_sources() -> tuple[str, str, str]:
    """The installed xlwings' version, its standalone ``xlwings.bas`` text and its ``addin/Dictionary.cls`` text."""
    import importlib.metadata

    folder = _xlwings_dir()
    version = importlib.metadata.version("xlwings")
    bas = _read_text(folder / "xlwings.bas")
    cls = _read_text(folder / "addin" / "Dictionary.cls")
    found = re.search(r"^'Version: (\S+)", bas, re.MULTILINE)
    if found is None or found.group(1) != version:
        raise UnusableFileError(
            f"xlwings.bas ({found.group(1) if found else 'tanpa versi'}) tidak cocok dengan paket xlwings {version}."
        )
    return version, bas, cls


def _read_text(path: Path) -> str:
    # VBA source is ANSI (code page 1252); the files we ship are ASCII, so cp1252 reads them all.
    return path.read_bytes().decode("cp1252")


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def macro_modules(macros_dir: str | Path | None = None) -> list[tuple[str, str, bool]]:
    """``(name, source, is_class)`` of every ``*.bas`` / ``*.cls`` in the macros folder, by file name."""
    folder = _macros_dir(macros_dir)
    modules = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        suffix = path.suffix.lower()
        if suffix not in (".bas", ".cls") or not path.is_file():
            continue
        source = _crlf(_read_text(path))
        found = _VB_NAME.search(source)
        if found is None or found.group(1) != path.stem:
            raise UnusableFileError(f'{path.name}: baris pertama harus Attribute VB_Name = "{path.stem}".')
        modules.append((path.stem, source, suffix == ".cls"))
    return modules


# ---------------------------------------------------------------------------------------------------------------------
# Workbook edits
# ---------------------------------------------------------------------------------------------------------------------


def _sheets(parts: Mapping[str, bytes]) -> list[tuple[str, str, str]]:
    """``(title, part, relationship type)`` of each sheet in workbook order."""
    workbook = parts[WORKBOOK_PART].decode("utf-8")
    rels = parts.get(_WORKBOOK_RELS, b"").decode("utf-8")
    by_id = {rel.get("Id", ""): rel for rel in ooxml.relationships(rels)}
    prefix = ooxml.prefix_for(ooxml.root_tag(workbook).group(), _NS_R) or "r"
    sheets = []
    for tag in re.findall(r"<sheet\b[^>]*>", workbook):
        attrs = ooxml.tag_attrs(tag)
        rel = by_id.get(attrs.get(f"{prefix}:id", ""), {})
        part = ooxml.resolve("xl", rel.get("Target", ""))
        title = _unescape(attrs.get("name", ""))
        if rel.get("Type") not in (_WORKSHEET_REL, _CHARTSHEET_REL) or part not in parts:
            raise UnusableFileError(f"Lembar '{title}' tidak dapat dipakai dalam buku kerja bermakro.")
        sheets.append((title, part, rel["Type"]))
    return sheets


def _unescape(value: str) -> str:
    return (value.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


def derive_code_name(title: str, taken: Iterable[str] = ()) -> str:
    """A VBA code name for sheet ``title``: ``sh`` + its ASCII words in CamelCase, made unique against ``taken``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[A-Za-z0-9]+", ascii_title)
    base = ("sh" + "".join(word[:1].upper() + word[1:] for word in words))[:28]
    used = {name.casefold() for name in taken}
    candidate, number = base, 1
    while candidate.casefold() in used:
        number += 1
        candidate = f"{base}{number}"
    return candidate


def _code_name_of(sheet_xml: str) -> str:
    found = ooxml.start_tag(sheet_xml, "sheetPr")
    return ooxml.tag_attrs(found.group()).get("codeName", "") if found else ""


def _with_code_name(sheet_xml: str, code: str) -> str:
    found = ooxml.start_tag(sheet_xml, "sheetPr")
    if found is not None:
        return sheet_xml[: found.start()] + ooxml.set_attr(found.group(), "codeName", code) + sheet_xml[found.end():]
    root = ooxml.root_tag(sheet_xml)
    return f'{sheet_xml[: root.end()]}<sheetPr codeName="{code}"/>{sheet_xml[root.end():]}'


def _set_code_names(parts: dict[str, bytes], mapping: Mapping[str, str], reserved: Iterable[str] = ()) -> dict[str, str]:
    """Give the workbook and every sheet a code name, none equal to a ``reserved`` module name; return title -> code."""
    workbook = parts[WORKBOOK_PART].decode("utf-8")
    found = ooxml.start_tag(workbook, "workbookPr")
    if found is None:
        # workbookPr follows fileVersion and fileSharing (CT_Workbook order).
        end = ooxml.root_tag(workbook).end()
        for local in ("fileSharing", "fileVersion"):
            anchor = ooxml.start_tag(workbook, local)
            if anchor is not None:
                closing = f"</{local}>"
                end = anchor.end() if anchor.group().endswith("/>") else workbook.index(closing, anchor.end()) + len(closing)
                break
        workbook = f'{workbook[:end]}<workbookPr codeName="{WORKBOOK_CODE_NAME}"/>{workbook[end:]}'
    else:
        existing = ooxml.tag_attrs(found.group()).get("codeName")
        if existing and existing != WORKBOOK_CODE_NAME:
            raise UnusableFileError(f"Nama kode buku kerja harus {WORKBOOK_CODE_NAME}, bukan {existing}.")
        tag = ooxml.set_attr(found.group(), "codeName", WORKBOOK_CODE_NAME)
        workbook = workbook[: found.start()] + tag + workbook[found.end():]
    parts[WORKBOOK_PART] = workbook.encode("utf-8")

    sheets = _sheets(parts)
    reserved = [WORKBOOK_CODE_NAME, *_MODULE_NAMES_TAKEN, *reserved]
    taken = list(reserved)
    wanted: dict[str, str] = {}
    # Explicit and existing names first, so a derived name never takes one of them.
    for title, part, _ in sheets:
        code = mapping.get(title) or _code_name_of(parts[part].decode("utf-8"))
        if code:
            wanted[title] = code
            taken.append(code)
    for title, _, _ in sheets:
        if title not in wanted:
            wanted[title] = derive_code_name(title, taken)
            taken.append(wanted[title])
    seen = {name.casefold() for name in reserved}
    for title, part, _ in sheets:
        code = wanted[title]
        if not _IDENTIFIER.match(code) or code.casefold() in seen:
            raise UnusableFileError(f"Nama kode lembar '{title}' tidak sah atau ganda: {code!r}.")
        seen.add(code.casefold())
        text = parts[part].decode("utf-8")
        if _code_name_of(text) != code:
            parts[part] = _with_code_name(text, code).encode("utf-8")
    return wanted


def _conf_cell(ref: str, value: str | bool) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if value == "":
        return ""
    return f'<c r="{ref}" t="inlineStr"><is><t>{ooxml.escape(value)}</t></is></c>'


def _conf_sheet_xml(rows: Iterable[tuple[str, str | bool]], code_name: str) -> bytes:
    cells = []
    count = 0
    for count, (key, value) in enumerate(rows, start=1):
        cells.append(f'<row r="{count}">{_conf_cell(f"A{count}", key)}{_conf_cell(f"B{count}", value)}</row>')
    dimension = f"A1:B{max(count, 1)}"
    xml = (
        f'{ooxml.XML_DECL}<worksheet xmlns="{_NS_MAIN}" xmlns:r="{_NS_R}">'
        f'<sheetPr codeName="{code_name}"/><dimension ref="{dimension}"/>'
        '<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        '<cols><col min="1" max="1" width="30" customWidth="1"/><col min="2" max="2" width="40" customWidth="1"/></cols>'
        f'<sheetData>{"".join(cells)}</sheetData>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
    )
    return xml.encode("utf-8")


def _add_conf_sheet(parts: dict[str, bytes], rows: Iterable[tuple[str, str | bool]]) -> None:
    """Append the hidden ``xlwings.conf`` sheet, unless the workbook has one (then it is left as the builder made it)."""
    if any(title == XLWINGS_CONF_SHEET for title, _, _ in _sheets(parts)):
        return
    number = 1
    while f"xl/worksheets/sheet{number}.xml" in parts:
        number += 1
    part = f"xl/worksheets/sheet{number}.xml"
    code = SHEET_CODE_NAMES.get(XLWINGS_CONF_SHEET, "shXlwingsConf")
    parts[part] = _conf_sheet_xml(rows, code)

    rels = parts[_WORKBOOK_RELS].decode("utf-8")
    rel_id = ooxml.next_rel_id(rels)
    parts[_WORKBOOK_RELS] = ooxml.add_relationship(rels, _WORKSHEET_REL, f"worksheets/sheet{number}.xml").encode("utf-8")

    workbook = parts[WORKBOOK_PART].decode("utf-8")
    prefix = ooxml.prefix_for(ooxml.root_tag(workbook).group(), _NS_R)
    if prefix is None:
        raise UnusableFileError("xl/workbook.xml tidak mendeklarasikan namespace relationships.")
    sheet_id = max((int(n) for n in re.findall(r'<sheet\b[^>]*\bsheetId="(\d+)"', workbook)), default=0) + 1
    element = f'<sheet name="{XLWINGS_CONF_SHEET}" sheetId="{sheet_id}" state="hidden" {prefix}:id="{rel_id}"/>'
    if "</sheets>" not in workbook:
        raise UnusableFileError("xl/workbook.xml tidak memiliki daftar lembar.")
    parts[WORKBOOK_PART] = workbook.replace("</sheets>", element + "</sheets>", 1).encode("utf-8")

    types = parts[ooxml.CONTENT_TYPES].decode("utf-8")
    parts[ooxml.CONTENT_TYPES] = ooxml.ensure_content_type(types, part, _WORKSHEET_CT).encode("utf-8")


def _w3cdtf(moment: _dt.datetime) -> str:
    return moment.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _fixed_core(parts: dict[str, bytes], moment: _dt.datetime) -> None:
    stamp = _w3cdtf(moment)
    core = parts.get(_CORE)
    if core is None:
        text = (
            f'{ooxml.XML_DECL}<cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"></cp:coreProperties>'
        )
        rels = parts[ooxml.PACKAGE_RELS].decode("utf-8")
        parts[ooxml.PACKAGE_RELS] = ooxml.add_relationship(rels, _CORE_REL, _CORE).encode("utf-8")
        parts[ooxml.CONTENT_TYPES] = ooxml.ensure_content_type(parts[ooxml.CONTENT_TYPES].decode("utf-8"), _CORE, _CORE_CT).encode("utf-8")
    else:
        text = core.decode("utf-8")
    for element in ("dcterms:created", "dcterms:modified"):
        value = f'<{element} xsi:type="dcterms:W3CDTF">{stamp}</{element}>'
        pattern = re.compile(rf"<{element}\b[^>]*?(?:/>|>.*?</{element}>)", re.DOTALL)
        if pattern.search(text):
            text = pattern.sub(value, text, count=1)
        else:
            text = text.replace("</cp:coreProperties>", value + "</cp:coreProperties>", 1)
    if "xmlns:xsi=" not in ooxml.root_tag(text).group():
        root = ooxml.root_tag(text)
        text = text[: root.start()] + ooxml.set_attr(root.group(), "xmlns:xsi",
                                                "http://www.w3.org/2001/XMLSchema-instance") + text[root.end():]
    parts[_CORE] = text.encode("utf-8")


def _add_ribbon(parts: dict[str, bytes], ribbon_xml: bytes) -> None:
    parts[RIBBON_PART] = ribbon_xml
    _restore_ribbon_parts(parts)


def _restore_ribbon_parts(parts: dict[str, bytes]) -> bool:
    """Relate ``customUI/customUI14.xml`` from ``_rels/.rels`` and give it a content type; True if anything changed."""
    changed = False
    rels = parts.get(ooxml.PACKAGE_RELS, b"").decode("utf-8")
    if not _has_ribbon_relationship(rels):
        parts[ooxml.PACKAGE_RELS] = ooxml.add_relationship(rels, RIBBON_REL_TYPE, RIBBON_PART).encode("utf-8")
        changed = True
    types = parts[ooxml.CONTENT_TYPES].decode("utf-8")
    if ooxml.content_type_of(types, RIBBON_PART) is None:
        parts[ooxml.CONTENT_TYPES] = ooxml.set_override(types, RIBBON_PART, "application/xml").encode("utf-8")
        changed = True
    return changed


def _has_ribbon_relationship(rels: str) -> bool:
    return any(rel.get("Type") == RIBBON_REL_TYPE and ooxml.resolve("", rel.get("Target", "")) == RIBBON_PART
               and rel.get("TargetMode", "Internal") == "Internal" for rel in ooxml.relationships(rels))


def _check_ribbon_xml(data: bytes) -> list[str]:
    from defusedxml import ElementTree as SafeET  # noqa: N814 - small, only when checking

    try:
        root = SafeET.fromstring(data)
    except Exception as exc:  # defusedxml raises several types; any of them means "not usable"
        return [f"Isi {RIBBON_PART} bukan XML yang sah ({exc})."]
    if root.tag != f"{{{RIBBON_NS}}}customUI":
        return [f"{RIBBON_PART} tidak memakai namespace {RIBBON_NS}."]
    return []


def _build_timestamp(timestamp: _dt.datetime | None) -> _dt.datetime:
    if timestamp is not None:
        return timestamp if timestamp.tzinfo else timestamp.replace(tzinfo=_dt.timezone.utc)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc)
    return BUILD_TIMESTAMP


# ---------------------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------------------


def build_xlsm(
    xlsx_path: str | Path,
    out_path: str | Path,
    *,
    macros_dir: str | Path | None = None,
    code_names: Mapping[str, str] | None = None,
    xlwings_conf: Iterable[tuple[str, str | bool]] = XLWINGS_CONF,
    timestamp: _dt.datetime | None = None,
) -> Path:
    """Make the macro-enabled workbook ``out_path`` from the ordinary workbook ``xlsx_path``; return ``out_path``.

    ``macros_dir`` holds ``customUI14.xml`` and the ``*.bas`` / ``*.cls`` modules (default: ``macros/`` of the
    repository).  ``code_names`` adds to / overrides ``SHEET_CODE_NAMES``.  ``xlwings_conf`` are the rows of the hidden
    ``xlwings.conf`` sheet.  ``timestamp`` fixes the dates written (default: ``SOURCE_DATE_EPOCH`` or
    ``BUILD_TIMESTAMP``), so two builds of the same input are byte-identical.
    """
    from pyopenvba import ExcelFile, VBAModuleKind

    source, target = Path(xlsx_path), Path(out_path)
    moment = _build_timestamp(timestamp)
    folder = _macros_dir(macros_dir)
    ribbon_xml = (folder / RIBBON_SOURCE).read_bytes()
    problems = _check_ribbon_xml(ribbon_xml)
    if problems:
        raise UnusableFileError(problems[0])
    _, xlwings_bas, dictionary_cls = xlwings_vba_sources()
    modules = macro_modules(folder)

    parts = ooxml.read_package(source)
    for required in (ooxml.CONTENT_TYPES, ooxml.PACKAGE_RELS, WORKBOOK_PART, _WORKBOOK_RELS):
        if required not in parts:
            raise UnusableFileError(f"{source.name} bukan buku kerja Excel: bagian {required} tidak ada.")
    if VBA_PART in parts:
        raise UnusableFileError(f"{source.name} sudah berisi proyek VBA; berikan file .xlsx biasa.")

    mapping = {**SHEET_CODE_NAMES, **(code_names or {})}
    _add_conf_sheet(parts, xlwings_conf)
    _set_code_names(parts, mapping, reserved=[name for name, _, _ in modules])
    types = parts[ooxml.CONTENT_TYPES].decode("utf-8")
    parts[ooxml.CONTENT_TYPES] = ooxml.set_override(types, WORKBOOK_PART, XLSM_MAIN_CONTENT_TYPE).encode("utf-8")
    _add_ribbon(parts, ribbon_xml)
    _fixed_core(parts, moment)

    with tempfile.TemporaryDirectory(prefix="lkj-xlsm-") as temp:
        staged, with_vba = Path(temp) / "staged.xlsm", Path(temp) / "with_vba.xlsm"
        ooxml.write_package(staged, parts, moment)
        with ExcelFile(staged) as book:
            project = book.add_vba_project()
            project.add_module("xlwings", _crlf(xlwings_bas))
            project.add_module("Dictionary", _crlf(dictionary_cls), kind=VBAModuleKind.other)
            for name, text, is_class in modules:
                kind = VBAModuleKind.other if is_class else VBAModuleKind.standard
                project.add_module(name, text, kind=kind)
            # Rewrite every stream, the document modules from the template too, as source only (no compiled code).
            for module in project.modules:
                module.source = module.source
                module.dirty = True
            book.save(with_vba)
        with ExcelFile(with_vba) as book:
            problems = book.validate()
        if problems:
            raise UnusableFileError("Proyek VBA tidak konsisten: " + "; ".join(problems))
        final = ooxml.read_package(with_vba)

    ooxml.write_package(target, final, moment)
    return target


def restore_ribbon_relationship(path: str | Path) -> bool:
    """Put back the ``_rels/.rels`` relationship to ``customUI/customUI14.xml`` that an openpyxl save drops.

    Idempotent: returns False and leaves the file untouched when nothing is missing (or the file has no ribbon part).
    Only ``_rels/.rels`` and, if needed, ``[Content_Types].xml`` change; ``vbaProject.bin`` and every other part keep
    their bytes.
    """
    target = Path(path)
    parts = ooxml.read_package(target)
    if RIBBON_PART not in parts or ooxml.CONTENT_TYPES not in parts:
        return False
    before = {name: parts.get(name) for name in (ooxml.PACKAGE_RELS, ooxml.CONTENT_TYPES)}
    if not _restore_ribbon_parts(parts):
        return False
    ooxml.rewrite_in_place(target, {name: parts[name] for name in before if parts.get(name) != before[name]})
    return True


def ensure_ribbon(path: str | Path, ribbon_xml: bytes | None = None) -> bool:
    """Make sure the file at ``path`` carries the ribbon: the part (added from ``ribbon_xml`` or ``macros/`` when
    missing) and its relationship.  Idempotent; returns True if the file was changed."""
    target = Path(path)
    parts = ooxml.read_package(target)
    if ooxml.CONTENT_TYPES not in parts:
        raise UnusableFileError(f"{target.name} bukan buku kerja Excel: bagian {ooxml.CONTENT_TYPES} tidak ada.")
    edits: dict[str, bytes] = {}
    if RIBBON_PART not in parts:
        data = ribbon_xml if ribbon_xml is not None else (_macros_dir(None) / RIBBON_SOURCE).read_bytes()
        problems = _check_ribbon_xml(data)
        if problems:
            raise UnusableFileError(problems[0])
        parts[RIBBON_PART] = edits[RIBBON_PART] = data
    before = {name: parts.get(name) for name in (ooxml.PACKAGE_RELS, ooxml.CONTENT_TYPES)}
    _restore_ribbon_parts(parts)
    edits.update({name: parts[name] for name in before if parts.get(name) != before[name]})
    if not edits:
        return False
    ooxml.rewrite_in_place(target, edits)
    return True


def verify_xlsm(path: str | Path, *, deep: bool = False) -> list[str]:
    """Problems (Indonesian, one sentence each) that keep ``path`` from working as the tracker's .xlsm; [] if none.

    Checks the macro-enabled content type, the VBA project part and its relationship, the ribbon part, its XML and
    its relationship, the workbook code name and the ``xlwings.conf`` sheet.  ``deep=True`` also parses the VBA
    project with pyOpenVBA (slower: imports pyOpenVBA).
    """
    target = Path(path)
    try:
        parts = ooxml.read_package(target)
    except UnusableFileError as exc:
        return [exc.message]
    problems: list[str] = []
    for required in (ooxml.CONTENT_TYPES, ooxml.PACKAGE_RELS, WORKBOOK_PART, _WORKBOOK_RELS):
        if required not in parts:
            problems.append(f"Bagian {required} tidak ada.")
    if problems:
        return problems
    types = parts[ooxml.CONTENT_TYPES].decode("utf-8", "replace")
    if ooxml.content_type_of(types, WORKBOOK_PART) != XLSM_MAIN_CONTENT_TYPE:
        problems.append("Jenis konten xl/workbook.xml bukan buku kerja bermakro (.xlsm).")

    vba = parts.get(VBA_PART)
    if vba is None:
        problems.append("Proyek makro (xl/vbaProject.bin) tidak ada.")
    else:
        if not vba.startswith(_OLE_MAGIC):
            problems.append("xl/vbaProject.bin bukan proyek VBA yang sah.")
        rels = parts[_WORKBOOK_RELS].decode("utf-8", "replace")
        if not any(rel.get("Type") == VBA_REL_TYPE and ooxml.resolve("xl", rel.get("Target", "")) == VBA_PART
                   for rel in ooxml.relationships(rels)):
            problems.append("Relasi ke proyek makro (xl/vbaProject.bin) tidak ada.")
        if ooxml.content_type_of(types, VBA_PART) != VBA_CONTENT_TYPE:
            problems.append("Jenis konten xl/vbaProject.bin salah atau tidak ada.")
        if deep and vba.startswith(_OLE_MAGIC):
            problems += _deep_vba_problems(vba)

    ribbon = parts.get(RIBBON_PART)
    if ribbon is None:
        problems.append(f"Bagian pita (ribbon) {RIBBON_PART} tidak ada.")
    else:
        problems += _check_ribbon_xml(ribbon)
        if ooxml.content_type_of(types, RIBBON_PART) is None:
            problems.append(f"Jenis konten {RIBBON_PART} tidak ada.")
    if not _has_ribbon_relationship(parts[ooxml.PACKAGE_RELS].decode("utf-8", "replace")):
        problems.append("Relasi pita (ribbon) di _rels/.rels tidak ada, sehingga tab LKj tidak akan tampil.")

    workbook = parts[WORKBOOK_PART].decode("utf-8", "replace")
    found = ooxml.start_tag(workbook, "workbookPr")
    if found is None or ooxml.tag_attrs(found.group()).get("codeName") != WORKBOOK_CODE_NAME:
        problems.append(f"Nama kode buku kerja ({WORKBOOK_CODE_NAME}) tidak ada.")
    titles = [_unescape(ooxml.tag_attrs(tag).get("name", "")) for tag in re.findall(r"<sheet\b[^>]*>", workbook)]
    if XLWINGS_CONF_SHEET not in titles:
        problems.append(f"Lembar pengaturan {XLWINGS_CONF_SHEET} tidak ada.")
    return problems


def _deep_vba_problems(vba: bytes) -> list[str]:
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import parse_vba_project

    try:
        cfb = CFB.from_bytes(vba)
        project = parse_vba_project(cfb)
        names = {module.name.casefold() for module in project.modules}
        for module in project.modules:
            _ = module.source  # decompress every module
        problems = [f"Proyek VBA: {message}" for message in project.validate(cfb)]
    except Exception as exc:  # any parse failure means the project is damaged
        return [f"Proyek VBA rusak ({exc})."]
    for needed in ("xlwings", "LKjRibbon"):
        if needed.casefold() not in names:
            problems.append(f"Modul VBA {needed} tidak ada.")
    return problems
