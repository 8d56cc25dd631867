"""Does a macro-enabled workbook still work as the tracker's .xlsm?  The check every save of an .xlsm passes.

The macro-enabled content type, the VBA project part and its relationship, the ribbon part, its XML and its
relationship, the workbook code name and the ``xlwings.conf`` sheet.  Reads the package's parts only (no spreadsheet
library); ``deep=True`` also parses the VBA project with pyOpenVBA.
"""

from __future__ import annotations

import re
from pathlib import Path

from lkj_xl.core.errors import UnusableFileError
from lkj_xl.engines import ooxml


def check_ribbon_xml(data: bytes) -> list[str]:
    from defusedxml import ElementTree as SafeET  # noqa: N814 - small, only when checking

    try:
        root = SafeET.fromstring(data)
    except Exception as exc:  # defusedxml raises several types; any of them means "not usable"
        return [f"Isi {ooxml.RIBBON_PART} bukan XML yang sah ({exc})."]
    if root.tag != f"{{{ooxml.RIBBON_NS}}}customUI":
        return [f"{ooxml.RIBBON_PART} tidak memakai namespace {ooxml.RIBBON_NS}."]
    return []


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
    for required in (ooxml.CONTENT_TYPES, ooxml.PACKAGE_RELS, ooxml.WORKBOOK_PART, ooxml.WORKBOOK_RELS):
        if required not in parts:
            problems.append(f"Bagian {required} tidak ada.")
    if problems:
        return problems
    types = parts[ooxml.CONTENT_TYPES].decode("utf-8", "replace")
    if ooxml.content_type_of(types, ooxml.WORKBOOK_PART) != ooxml.XLSM_MAIN_CONTENT_TYPE:
        problems.append("Jenis konten xl/workbook.xml bukan buku kerja bermakro (.xlsm).")

    vba = parts.get(ooxml.VBA_PART)
    if vba is None:
        problems.append("Proyek makro (xl/vbaProject.bin) tidak ada.")
    else:
        if not vba.startswith(ooxml.OLE_MAGIC):
            problems.append("xl/vbaProject.bin bukan proyek VBA yang sah.")
        rels = parts[ooxml.WORKBOOK_RELS].decode("utf-8", "replace")
        if not any(rel.get("Type") == ooxml.VBA_REL_TYPE and ooxml.resolve("xl", rel.get("Target", "")) == ooxml.VBA_PART
                   for rel in ooxml.relationships(rels)):
            problems.append("Relasi ke proyek makro (xl/vbaProject.bin) tidak ada.")
        if ooxml.content_type_of(types, ooxml.VBA_PART) != ooxml.VBA_CONTENT_TYPE:
            problems.append("Jenis konten xl/vbaProject.bin salah atau tidak ada.")
        if deep and vba.startswith(ooxml.OLE_MAGIC):
            problems += _deep_vba_problems(vba)

    ribbon = parts.get(ooxml.RIBBON_PART)
    if ribbon is None:
        problems.append(f"Bagian pita (ribbon) {ooxml.RIBBON_PART} tidak ada.")
    else:
        problems += check_ribbon_xml(ribbon)
        if ooxml.content_type_of(types, ooxml.RIBBON_PART) is None:
            problems.append(f"Jenis konten {ooxml.RIBBON_PART} tidak ada.")
    if not ooxml.has_ribbon_relationship(parts[ooxml.PACKAGE_RELS].decode("utf-8", "replace")):
        problems.append("Relasi pita (ribbon) di _rels/.rels tidak ada, sehingga tab LKj tidak akan tampil.")

    workbook = parts[ooxml.WORKBOOK_PART].decode("utf-8", "replace")
    found = ooxml.start_tag(workbook, "workbookPr")
    if found is None or ooxml.tag_attrs(found.group()).get("codeName") != ooxml.WORKBOOK_CODE_NAME:
        problems.append(f"Nama kode buku kerja ({ooxml.WORKBOOK_CODE_NAME}) tidak ada.")
    titles = [ooxml.unescape(ooxml.tag_attrs(tag).get("name", "")) for tag in re.findall(r"<sheet\b[^>]*>", workbook)]
    if ooxml.XLWINGS_CONF_SHEET not in titles:
        problems.append(f"Lembar pengaturan {ooxml.XLWINGS_CONF_SHEET} tidak ada.")
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


#: The workbook kinds the engine writes, by file name ending.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def require_workbook_suffix(path: str | Path) -> str:
    """``path``'s suffix (lower case) if it is .xlsx or .xlsm; else an Indonesian :class:`UnusableFileError`."""
    suffix = Path(path).suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES:
        raise UnusableFileError(
            f"Berkas tujuan '{Path(path).name}' harus berakhiran .xlsx (buku kerja biasa) atau .xlsm (buku kerja "
            "bermakro dengan tab LKj); ganti nama berkasnya lalu ulangi.")
    return suffix


def check_package_kind(path: str | Path, *, deep: bool = False) -> list[str]:
    """Problems (Indonesian) when the package at ``path`` is not what its name says: an .xlsm must carry its VBA
    project and ribbon (:func:`verify_xlsm`); an .xlsx must carry neither (Excel refuses an .xlsx with the
    macro-enabled content type and drops its macros).  [] if it matches."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".xlsm":
        return verify_xlsm(target, deep=deep)
    if suffix != ".xlsx":
        return [f"Berkas '{target.name}' harus berakhiran .xlsx atau .xlsm."]
    try:
        parts = ooxml.read_package(target)
    except UnusableFileError as exc:
        return [exc.message]
    problems = []
    types = parts.get(ooxml.CONTENT_TYPES, b"").decode("utf-8", "replace")
    if ooxml.content_type_of(types, ooxml.WORKBOOK_PART) == ooxml.XLSM_MAIN_CONTENT_TYPE:
        problems.append("Berkas .xlsx memakai jenis konten buku kerja bermakro; Excel akan menolaknya. Simpan "
                        "sebagai .xlsm.")
    if ooxml.VBA_PART in parts:
        problems.append("Berkas .xlsx berisi proyek makro (VBA) yang akan dibuang Excel. Simpan sebagai .xlsm.")
    if ooxml.RIBBON_PART in parts:
        problems.append("Berkas .xlsx berisi pita (tab LKj) yang tanpa makro tidak dapat bekerja. Simpan sebagai "
                        ".xlsm.")
    return problems
