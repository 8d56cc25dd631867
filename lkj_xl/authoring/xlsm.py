"""Package the tracker as a macro-enabled workbook (.xlsm) with the "LKj" ribbon tab.

``build_xlsm(xlsx, out)`` turns the ordinary .xlsx the workbook builder writes (with openpyxl) into the .xlsm staff
open.  It works on the package's XML parts directly and never loads the workbook into openpyxl, so nothing the builder
wrote (tables, data validation, defined names, images...) is lost.  The result holds:

* a VBA project built by pyOpenVBA (``ExcelFile.add_vba_project``), which starts from the Excel-made empty project
  pyOpenVBA carries (references ``stdole`` and ``Office``; the latter declares ``IRibbonControl``) and gets one
  document module per code name below, xlwings' standalone module (``xlwings.bas`` of the *installed* xlwings, so
  the VBA and Python sides have the same version), xlwings' ``Dictionary`` class (``xlwings/addin/Dictionary.cls``)
  and every ``macros/*.bas`` / ``macros/*.cls``.  Every module stream is written as source only and the
  ``_VBA_PROJECT`` stream is the 7 bytes MS-OVBA 2.3.4.1 asks of such a writer (no performance cache), so Excel compiles from source on first open (no stale p-code);
* code names: the workbook is ``ThisWorkbook``; each sheet keeps a code name it has, else gets one from
  ``SHEET_CODE_NAMES`` or derived from its title (``"Daftar Masalah"`` -> ``shDaftarMasalah``);
* a hidden sheet ``xlwings.conf`` (keys in column A from A1 down, values in column B, no header row: that is what
  ``GetConfigFromSheet`` in xlwings.bas reads) holding ``XLWINGS_CONF`` (no interpreter: ``lkj pasang`` writes it
  into each PC's own xlwings config);
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

from lkj_xl.engines import ooxml
from lkj_xl.files.backups import replace_with_bytes
from lkj_xl.files.macro_check import check_ribbon_xml
from lkj_xl.core.errors import UnusableFileError

__all__ = [
    "SHEET_CODE_NAMES",
    "XLWINGS_CONF",
    "build_xlsm",
    "derive_code_name",
    "ensure_ribbon",
    "macro_modules",
    "xlwings_vba_sources",
]

#: Sheet title -> VBA code name.  A sheet not listed keeps the code name it has, or gets one derived from its title.
SHEET_CODE_NAMES: dict[str, str] = {
    "xlwings.conf": "shXlwingsConf",
}

#: Rows of the hidden ``xlwings.conf`` sheet.  A key present on the sheet wins over the xlwings.conf files (beside
#: the workbook, then ~/.xlwings), even with an empty value, so only keys the workbook must decide are listed: no
#: console window, and the workbook's folder NOT put in front of sys.path (lkj_xl is an installed package; a stray
#: lkj_xl folder or .py beside a shared workbook must not shadow it).  Deliberately absent: ``INTERPRETER_WIN`` /
#: ``INTERPRETER_MAC`` (each PC's Python, written to the user's config by ``lkj pasang``) and ``USE UDF SERVER``
#: (``lkj pasang --server`` turns it on per PC); a sheet row, even blank, would override the user's config.
XLWINGS_CONF: tuple[tuple[str, str | bool], ...] = (
    ("UDF Modules", ""),
    ("Debug UDFs", False),
    ("Show Console", False),
    ("ADD_WORKBOOK_TO_PYTHONPATH", False),
)

#: Keys the workbook's ``xlwings.conf`` sheet must never hold (see XLWINGS_CONF).
PER_PC_KEYS = ("INTERPRETER_WIN", "INTERPRETER_MAC", "INTERPRETER", "USE UDF SERVER")

#: core.xml created/modified and the zip entries' date when SOURCE_DATE_EPOCH is not set.
BUILD_TIMESTAMP = _dt.datetime(2026, 1, 1, 0, 0, 0, tzinfo=_dt.timezone.utc)

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: The ribbon XML and VBA sources: ``lkj_xl/macros`` in an installed package (pyproject maps the repository's
#: ``macros/`` there), the repository's ``macros/`` in a checkout.
MACROS_DIR = next((folder for folder in (_PACKAGE_DIR / "macros", _PACKAGE_DIR.parent / "macros")
                   if (folder / "customUI14.xml").is_file()), _PACKAGE_DIR / "macros")
RIBBON_SOURCE = "customUI14.xml"

_CORE = "docProps/core.xml"
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORKSHEET_REL = _NS_R + "/worksheet"
_CHARTSHEET_REL = _NS_R + "/chartsheet"
_CORE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CORE_CT = "application/vnd.openxmlformats-package.core-properties+xml"
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
    workbook = parts[ooxml.WORKBOOK_PART].decode("utf-8")
    rels = parts.get(ooxml.WORKBOOK_RELS, b"").decode("utf-8")
    by_id = {rel.get("Id", ""): rel for rel in ooxml.relationships(rels)}
    prefix = ooxml.prefix_for(ooxml.root_tag(workbook).group(), _NS_R) or "r"
    sheets = []
    for tag in re.findall(r"<sheet\b[^>]*>", workbook):
        attrs = ooxml.tag_attrs(tag)
        rel = by_id.get(attrs.get(f"{prefix}:id", ""), {})
        part = ooxml.resolve("xl", rel.get("Target", ""))
        title = ooxml.unescape(attrs.get("name", ""))
        if rel.get("Type") not in (_WORKSHEET_REL, _CHARTSHEET_REL) or part not in parts:
            raise UnusableFileError(f"Lembar '{title}' tidak dapat dipakai dalam buku kerja bermakro.")
        sheets.append((title, part, rel["Type"]))
    return sheets


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
    workbook = parts[ooxml.WORKBOOK_PART].decode("utf-8")
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
        workbook = f'{workbook[:end]}<workbookPr codeName="{ooxml.WORKBOOK_CODE_NAME}"/>{workbook[end:]}'
    else:
        existing = ooxml.tag_attrs(found.group()).get("codeName")
        if existing and existing != ooxml.WORKBOOK_CODE_NAME:
            raise UnusableFileError(f"Nama kode buku kerja harus {ooxml.WORKBOOK_CODE_NAME}, bukan {existing}.")
        tag = ooxml.set_attr(found.group(), "codeName", ooxml.WORKBOOK_CODE_NAME)
        workbook = workbook[: found.start()] + tag + workbook[found.end():]
    parts[ooxml.WORKBOOK_PART] = workbook.encode("utf-8")

    sheets = _sheets(parts)
    reserved = [ooxml.WORKBOOK_CODE_NAME, *_MODULE_NAMES_TAKEN, *reserved]
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


def _relationships_declared_on_root(workbook: str) -> str:
    """``xl/workbook.xml`` with the relationships namespace declared once, on the root, as ``r`` (Excel's way).

    openpyxl serialises through lxml when lxml is installed, and then declares ``xmlns:r`` on every ``<sheet>``
    instead of on the root; the same workbook must come out of the build either way."""
    root = ooxml.root_tag(workbook)
    if ooxml.prefix_for(root.group(), _NS_R) is not None:
        return workbook
    declaration = f' xmlns:r="{_NS_R}"'
    body = workbook[root.end():].replace(declaration, "")
    if re.search(r"xmlns:r=", body) or re.search(r"<(?!/)[^>]*\br:", workbook[:root.start()]):
        raise UnusableFileError("xl/workbook.xml memakai awalan namespace r untuk hal lain.")
    return workbook[: root.start()] + ooxml.set_attr(root.group(), "xmlns:r", _NS_R) + body


def _add_conf_sheet(parts: dict[str, bytes], rows: Iterable[tuple[str, str | bool]]) -> None:
    """Append the hidden ``xlwings.conf`` sheet, unless the workbook has one (then it is left as the builder made it)."""
    if any(title == ooxml.XLWINGS_CONF_SHEET for title, _, _ in _sheets(parts)):
        return
    number = 1
    while f"xl/worksheets/sheet{number}.xml" in parts:
        number += 1
    part = f"xl/worksheets/sheet{number}.xml"
    code = SHEET_CODE_NAMES.get(ooxml.XLWINGS_CONF_SHEET, "shXlwingsConf")
    parts[part] = _conf_sheet_xml(rows, code)

    rels = parts[ooxml.WORKBOOK_RELS].decode("utf-8")
    rel_id = ooxml.next_rel_id(rels)
    parts[ooxml.WORKBOOK_RELS] = ooxml.add_relationship(rels, _WORKSHEET_REL, f"worksheets/sheet{number}.xml").encode("utf-8")

    workbook = _relationships_declared_on_root(parts[ooxml.WORKBOOK_PART].decode("utf-8"))
    prefix = ooxml.prefix_for(ooxml.root_tag(workbook).group(), _NS_R)
    sheet_id = max((int(n) for n in re.findall(r'<sheet\b[^>]*\bsheetId="(\d+)"', workbook)), default=0) + 1
    element = f'<sheet name="{ooxml.XLWINGS_CONF_SHEET}" sheetId="{sheet_id}" state="hidden" {prefix}:id="{rel_id}"/>'
    if "</sheets>" not in workbook:
        raise UnusableFileError("xl/workbook.xml tidak memiliki daftar lembar.")
    parts[ooxml.WORKBOOK_PART] = workbook.replace("</sheets>", element + "</sheets>", 1).encode("utf-8")

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
    # The stamps just written use these prefixes; declare them on the root (openpyxl through lxml declares them on
    # the elements replaced above).
    for prefix, namespace in (("dcterms", "http://purl.org/dc/terms/"),
                              ("xsi", "http://www.w3.org/2001/XMLSchema-instance")):
        root = ooxml.root_tag(text)
        if f"xmlns:{prefix}=" not in root.group():
            text = text[: root.start()] + ooxml.set_attr(root.group(), f"xmlns:{prefix}", namespace) + text[root.end():]
    parts[_CORE] = text.encode("utf-8")


def _add_ribbon(parts: dict[str, bytes], ribbon_xml: bytes) -> None:
    parts[ooxml.RIBBON_PART] = ribbon_xml
    ooxml.restore_ribbon_parts(parts)


#: MS-OVBA 2.3.4.1: the ``_VBA_PROJECT`` stream a writer without compiled code MUST write: Reserved1 0x61CC,
#: Version 0xFFFF, Reserved2 0x00, Reserved3 0x0001 and no PerformanceCache.  Excel then compiles from source.
VBA_PROJECT_STREAM = bytes((0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x01, 0x00))


def _without_performance_cache(vba_project: bytes) -> bytes:
    """``vbaProject.bin`` with its ``VBA/_VBA_PROJECT`` stream replaced by :data:`VBA_PROJECT_STREAM`.

    pyOpenVBA (pinned) zeroes the cache but keeps the template's version and length (2,544 bytes); the
    specification asks for exactly these 7 bytes."""
    from pyopenvba.cfb import CFB

    cfb = CFB.from_bytes(vba_project)
    cfb.write_stream_in_storage("VBA", "_VBA_PROJECT", VBA_PROJECT_STREAM)
    return cfb.to_bytes()


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
    if target.suffix.lower() != ".xlsm":
        raise UnusableFileError(f"Buku kerja bermakro harus berakhiran .xlsm, bukan '{target.name}'.")
    moment = _build_timestamp(timestamp)
    folder = _macros_dir(macros_dir)
    ribbon_xml = (folder / RIBBON_SOURCE).read_bytes()
    problems = check_ribbon_xml(ribbon_xml)
    if problems:
        raise UnusableFileError(problems[0])
    _, xlwings_bas, dictionary_cls = xlwings_vba_sources()
    modules = macro_modules(folder)

    parts = ooxml.read_package(source)
    for required in (ooxml.CONTENT_TYPES, ooxml.PACKAGE_RELS, ooxml.WORKBOOK_PART, ooxml.WORKBOOK_RELS):
        if required not in parts:
            raise UnusableFileError(f"{source.name} bukan buku kerja Excel: bagian {required} tidak ada.")
    if ooxml.VBA_PART in parts:
        raise UnusableFileError(f"{source.name} sudah berisi proyek VBA; berikan file .xlsx biasa.")

    mapping = {**SHEET_CODE_NAMES, **(code_names or {})}
    _add_conf_sheet(parts, xlwings_conf)
    _set_code_names(parts, mapping, reserved=[name for name, _, _ in modules])
    types = parts[ooxml.CONTENT_TYPES].decode("utf-8")
    parts[ooxml.CONTENT_TYPES] = ooxml.set_override(types, ooxml.WORKBOOK_PART, ooxml.XLSM_MAIN_CONTENT_TYPE).encode("utf-8")
    _add_ribbon(parts, ribbon_xml)
    _fixed_core(parts, moment)

    with tempfile.TemporaryDirectory(prefix="lkj-xlsm-") as temp:
        staged, with_vba = Path(temp) / "staged.xlsm", Path(temp) / "with_vba.xlsm"
        staged.write_bytes(ooxml.package_bytes(parts, moment))
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
        final = ooxml.read_package(with_vba)
        final[ooxml.VBA_PART] = _without_performance_cache(final[ooxml.VBA_PART])
        staged.write_bytes(ooxml.package_bytes(final, moment))
        with ExcelFile(staged) as book:
            problems = book.validate()
        if problems:
            raise UnusableFileError("Proyek VBA tidak konsisten: " + "; ".join(problems))

    replace_with_bytes(target, ooxml.package_bytes(final, moment))
    return target


def ensure_ribbon(path: str | Path, ribbon_xml: bytes | None = None) -> bool:
    """Make sure the file at ``path`` carries the ribbon: the part (added from ``ribbon_xml`` or ``macros/`` when
    missing) and its relationship.  Idempotent; returns True if the file was changed."""
    target = Path(path)
    parts = ooxml.read_package(target)
    if ooxml.CONTENT_TYPES not in parts:
        raise UnusableFileError(f"{target.name} bukan buku kerja Excel: bagian {ooxml.CONTENT_TYPES} tidak ada.")
    edits: dict[str, bytes] = {}
    if ooxml.RIBBON_PART not in parts:
        data = ribbon_xml if ribbon_xml is not None else (_macros_dir(None) / RIBBON_SOURCE).read_bytes()
        problems = check_ribbon_xml(data)
        if problems:
            raise UnusableFileError(problems[0])
        parts[ooxml.RIBBON_PART] = edits[ooxml.RIBBON_PART] = data
    before = {name: parts.get(name) for name in (ooxml.PACKAGE_RELS, ooxml.CONTENT_TYPES)}
    ooxml.restore_ribbon_parts(parts)
    edits.update({name: parts[name] for name in before if parts.get(name) != before[name]})
    if not edits:
        return False
    replace_with_bytes(target, ooxml.rewritten_bytes(target, edits))
    return True


