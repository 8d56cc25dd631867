"""Tests of the macro-enabled packaging (lkj_xl.authoring.xlsm): real files in tmp_path, no mocks."""

from __future__ import annotations

import datetime as dt
import re
import stat
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from defusedxml import ElementTree as SafeET
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table

from lkj_xl.authoring import xlsm
from lkj_xl.authoring.xlsm import build_xlsm, ensure_ribbon
from lkj_xl.engines.ooxml import RIBBON_PART, RIBBON_REL_TYPE, restore_ribbon_relationship
from lkj_xl.files.macro_check import verify_xlsm
from lkj_xl.workbook.commands import RIBBON_ACTIONS

# oletools' olevba uses old pyparsing names and warns about them on import.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:oletools")

MACROS = Path(__file__).resolve().parent.parent / "macros"
CUI = "{http://schemas.microsoft.com/office/2009/07/customui}"
SUB_WITH_CONTROL = re.compile(
    r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\(\s*(?:ByRef\s+)?control\s+As\s+IRibbonControl\s*\)", re.IGNORECASE | re.MULTILINE
)


def _norm(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _make_xlsx(path: Path, created: dt.datetime | None = None) -> Path:
    book = openpyxl.Workbook()
    home = book.active
    home.title = "Beranda"
    home["A1"] = "Tahun laporan"
    home["B1"] = 2025
    steps = book.create_sheet("Langkah Kerja")
    steps.append(["No", "Uraian", "Status"])
    steps.append([1, "Disposisi surat masuk", "Selesai"])
    steps.append([2, "Rapat internal", "Belum"])
    steps.add_table(Table(displayName="tblLangkah", ref="A1:C3"))
    choice = DataValidation(type="list", formula1='"Selesai,Belum"', allow_blank=True)
    steps.add_data_validation(choice)
    choice.add("C2:C3")
    book.create_sheet("Ringkasan & Catatan")["A1"] = "Catatan"
    book.defined_names["TahunLaporan"] = DefinedName("TahunLaporan", attr_text="Beranda!$B$1")
    if created is not None:
        book.properties.created = created
    book.save(path)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("xlsm")
    return build_xlsm(_make_xlsx(folder / "input.xlsx"), folder / "LKj_Tracker.xlsm")


def _modules(path: Path) -> dict[str, str]:
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        assert parser.detect_vba_macros()
        return {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def _names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def _vba_constant(source: str) -> str:
    found = re.search(r'^\s*(?:Private\s+|Public\s+)?Const\s+LKJ_ACTIONS\s+As\s+String\s*=\s*"([^"]*)"', source,
                      re.MULTILINE | re.IGNORECASE)
    assert found, "LKJ_ACTIONS constant not found"
    return found.group(1)


def _ribbon_buttons() -> list[dict[str, str]]:
    root = SafeET.fromstring((MACROS / "customUI14.xml").read_bytes())
    return [button.attrib for button in root.iter(f"{CUI}button")]


# --- determinism ------------------------------------------------------------------------------------------------------


def test_two_builds_are_byte_identical(tmp_path):
    # Inputs made at different times (openpyxl stamps core.xml) still give the same .xlsm.
    first = _make_xlsx(tmp_path / "a.xlsx", created=dt.datetime(2025, 3, 1, 8, 0))
    second = _make_xlsx(tmp_path / "b.xlsx", created=dt.datetime(2026, 2, 2, 9, 30))
    out_a = build_xlsm(first, tmp_path / "a.xlsm")
    out_b = build_xlsm(second, tmp_path / "b.xlsm")
    assert out_a.read_bytes() == out_b.read_bytes()
    with zipfile.ZipFile(out_a) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(2026, 1, 1, 0, 0, 0)}
    core = _part(out_a, "docProps/core.xml").decode()
    assert "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-01-01T00:00:00Z</dcterms:created>" in core
    assert "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">2026-01-01T00:00:00Z</dcterms:modified>" in core


def test_timestamp_parameter_is_used(tmp_path):
    source = _make_xlsx(tmp_path / "in.xlsx")
    out = build_xlsm(source, tmp_path / "out.xlsm", timestamp=dt.datetime(2027, 5, 6, 7, 8, 10))
    assert "2027-05-06T07:08:10Z" in _part(out, "docProps/core.xml").decode()


def test_source_date_epoch_is_honoured(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    out = build_xlsm(_make_xlsx(tmp_path / "in.xlsx"), tmp_path / "out.xlsm")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1770000000")  # 2026-02-02T02:40:00Z
    later = build_xlsm(_make_xlsx(tmp_path / "in.xlsx"), tmp_path / "later.xlsm")
    assert "2026-02-02T02:40:00Z" in _part(later, "docProps/core.xml").decode()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_xlsm(tmp_path / "in.xlsx", tmp_path / "default.xlsm").read_bytes() == out.read_bytes()


# --- VBA project --------------------------------------------------------------------------------------------------------


def test_macro_modules_read_back_identical(built):
    modules = _modules(built)
    for path in sorted(MACROS.glob("*.bas")) + sorted(MACROS.glob("*.cls")):
        key = path.stem + path.suffix.lower()
        assert key in modules, f"{key} missing from the VBA project"
        assert _norm(modules[key]) == _norm(path.read_text(encoding="cp1252"))


def test_xlwings_module_is_the_installed_one(built):
    version, bas, cls = xlsm.xlwings_vba_sources()
    import xlwings

    assert version == xlwings.__version__
    modules = _modules(built)
    assert _norm(modules["xlwings.bas"]) == _norm(bas)
    assert f'XLWINGS_VERSION As String = "{version}"' in modules["xlwings.bas"]
    # Dictionary.cls is stored as a class module: the export preamble (VERSION/BEGIN/END) is dropped, the code kept.
    stored = _norm(modules["Dictionary.cls"])
    assert stored.startswith('Attribute VB_Name = "Dictionary"\nAttribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"')
    body = _norm(cls).split("Attribute VB_Description", 1)[1]
    assert stored.endswith(body.split("\n", 1)[1])


def test_project_structure_and_no_compiled_code(built):
    from pyopenvba import ExcelFile, VBAModuleKind, check_file
    from pyopenvba.cfb import CFB

    report = check_file(built)
    assert report.ok, report.issues
    with ExcelFile(built) as book:
        assert book.validate() == []
        project = book.vba_project()
        kinds = {module.name: module.kind for module in project.modules}
        # Every stream is source only: Excel compiles from source on first open.
        assert all(module.text_offset == 0 for module in project.modules)
        references = {reference.name for reference in book.references()}
        cfb = CFB.from_bytes(book.vba_project_bytes())
    assert kinds["xlwings"] == VBAModuleKind.standard
    assert kinds["LKjRibbon"] == VBAModuleKind.standard
    assert kinds["Dictionary"] == VBAModuleKind.other
    assert {"ThisWorkbook", "shBeranda", "shLangkahKerja", "shRingkasanCatatan", "shXlwingsConf"} <= set(kinds)
    assert "Office" in references  # declares IRibbonControl
    streams = cfb.list_streams_in_storage("VBA")
    assert not [name for name in streams if name.startswith("__SRP_")]
    # MS-OVBA 2.3.4.1: exactly Reserved1 0x61CC, Version 0xFFFF, Reserved2 0x00, Reserved3 0x0001; no cache.
    assert cfb.get_stream_in_storage("VBA", "_VBA_PROJECT") == bytes.fromhex("CC61FFFF000100")
    project_stream = cfb.get_stream("PROJECT").decode("cp1252")
    assert "Class=Dictionary" in project_stream and "Module=LKjRibbon" in project_stream
    assert "Document=ThisWorkbook/&H00000000" in project_stream


def test_code_names_and_content_type(built):
    book = openpyxl.load_workbook(built, keep_vba=True)
    assert book.code_name == "ThisWorkbook"
    assert {ws.title: ws.sheet_properties.codeName for ws in book} == {
        "Beranda": "shBeranda",
        "Langkah Kerja": "shLangkahKerja",
        "Ringkasan & Catatan": "shRingkasanCatatan",
        "xlwings.conf": "shXlwingsConf",
    }
    types = _part(built, "[Content_Types].xml").decode()
    assert re.search(r'PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main\+xml"',
                     types)


def test_code_names_mapping_overrides(tmp_path):
    out = build_xlsm(_make_xlsx(tmp_path / "in.xlsx"), tmp_path / "out.xlsm", code_names={"Beranda": "shHome"})
    book = openpyxl.load_workbook(out, keep_vba=True)
    assert book["Beranda"].sheet_properties.codeName == "shHome"
    assert "shHome.cls" in _modules(out)


def test_code_name_clashing_with_a_module_is_refused(tmp_path):
    from lkj_xl.core.errors import UnusableFileError

    with pytest.raises(UnusableFileError):
        build_xlsm(_make_xlsx(tmp_path / "in.xlsx"), tmp_path / "out.xlsm", code_names={"Beranda": "LKjRibbon"})


def test_derive_code_name():
    assert xlsm.derive_code_name("Daftar Masalah") == "shDaftarMasalah"
    assert xlsm.derive_code_name("Hari Libur 2026") == "shHariLibur2026"
    assert xlsm.derive_code_name("Daftar Masalah", ["SHDAFTARMASALAH"]) == "shDaftarMasalah2"
    assert len(xlsm.derive_code_name("x" * 80)) <= 31


def test_workbook_content_survives(built):
    book = openpyxl.load_workbook(built, keep_vba=True)
    assert book.sheetnames == ["Beranda", "Langkah Kerja", "Ringkasan & Catatan", "xlwings.conf"]
    assert "TahunLaporan" in book.defined_names
    steps = book["Langkah Kerja"]
    assert "tblLangkah" in steps.tables
    assert [str(dv.sqref) for dv in steps.data_validations.dataValidation] == ["C2:C3"]
    assert steps["B2"].value == "Disposisi surat masuk"


def test_xlwings_conf_sheet(built):
    book = openpyxl.load_workbook(built, keep_vba=True)
    conf = book["xlwings.conf"]
    assert conf.sheet_state == "hidden"
    rows = [(row[0].value, row[1].value) for row in conf.iter_rows(min_row=1, max_col=2)]
    expected = [(key, None if value == "" else value) for key, value in xlsm.XLWINGS_CONF]
    assert rows == expected
    # xlwings.bas reads from A1 down to the first empty cell: no header row, no gap.
    assert conf["A1"].value == "UDF Modules"
    # No per-PC key at all: a sheet row (even blank) would override what `lkj pasang` wrote for this PC.
    assert not {str(key).upper() for key, _ in rows} & set(xlsm.PER_PC_KEYS)
    # Every key is one xlwings.bas asks for (GetConfig upper-cases the sheet's keys).
    bas = xlsm.xlwings_vba_sources()[1]
    asked = {key.upper() for key in re.findall(r'GetConfig\("([^"]+)"', bas)}
    assert {key.upper() for key, _ in xlsm.XLWINGS_CONF} <= asked


def test_existing_xlwings_conf_sheet_is_kept(tmp_path):
    source = _make_xlsx(tmp_path / "in.xlsx")
    book = openpyxl.load_workbook(source)
    conf = book.create_sheet("xlwings.conf")
    conf["A1"], conf["B1"] = "INTERPRETER_WIN", r"C:\Python311\pythonw.exe"
    conf.sheet_state = "hidden"
    book.save(source)
    out = build_xlsm(source, tmp_path / "out.xlsm")
    result = openpyxl.load_workbook(out, keep_vba=True)
    assert result.sheetnames.count("xlwings.conf") == 1
    assert result["xlwings.conf"]["B1"].value == r"C:\Python311\pythonw.exe"
    assert result["xlwings.conf"].sheet_properties.codeName == "shXlwingsConf"
    assert verify_xlsm(out, deep=True) == []


# --- ribbon -----------------------------------------------------------------------------------------------------------


def test_ribbon_part_and_relationship(built):
    assert _part(built, RIBBON_PART) == (MACROS / "customUI14.xml").read_bytes()
    rels = SafeET.fromstring(_part(built, "_rels/.rels"))
    targets = [rel.get("Target") for rel in rels if rel.get("Type") == RIBBON_REL_TYPE]
    assert targets == [RIBBON_PART]
    assert verify_xlsm(built, deep=True) == []


def test_ribbon_xml_is_complete_and_wired(built):
    root = SafeET.fromstring(_part(built, RIBBON_PART))
    assert root.tag == f"{CUI}customUI"
    tabs = list(root.iter(f"{CUI}tab"))
    # Not L: that is the Developer tab's keytip.
    assert [(tab.get("label"), tab.get("keytip")) for tab in tabs] == [("LKj", "K")]
    buttons = _ribbon_buttons()
    subs = set()
    for code in _modules(built).values():
        subs.update(SUB_WITH_CONTROL.findall(code))
    ids, keytips = [], []
    for button in buttons:
        assert button["onAction"] in subs, f"{button['onAction']} is not a Sub(control As IRibbonControl)"
        assert button["tag"] in RIBBON_ACTIONS
        assert button["size"] == "large"
        for attribute in ("label", "imageMso", "screentip", "supertip", "keytip"):
            assert button.get(attribute), f"{button['id']} lacks {attribute}"
        ids.append(button["id"])
        keytips.append(button["keytip"])
    assert len(set(ids)) == len(ids) and len(set(keytips)) == len(keytips)
    assert {button["tag"] for button in buttons} == set(RIBBON_ACTIONS)
    labels = {button["tag"]: button["label"] for button in buttons}
    assert labels == {
        "validate": "Validasi",
        "refresh": "Hitung Batas Waktu",
        "report": "Buat Laporan",
        "close_cycle": "Tutup Siklus",
        "reminders": "Pengingat",
        "check_system": "Cek Sistem",
        "guide": "Panduan",
        "problems": "Daftar Masalah",
    }


def test_whitelist_agrees_everywhere(built):
    expected = "|" + "|".join(RIBBON_ACTIONS) + "|"
    assert isinstance(RIBBON_ACTIONS, tuple)
    assert all(re.fullmatch(r"[a-z_]+", action) for action in RIBBON_ACTIONS)
    assert _vba_constant((MACROS / "LKjRibbon.bas").read_text(encoding="cp1252")) == expected
    assert _vba_constant(_modules(built)["LKjRibbon.bas"]) == expected
    assert {button["tag"] for button in _ribbon_buttons()} <= set(RIBBON_ACTIONS)


def test_vba_command_is_built_from_the_whitelisted_tag_only():
    source = _norm((MACROS / "LKjRibbon.bas").read_text(encoding="cp1252"))
    assert "Option Explicit" in source
    body = source.split("Public Sub LKj_OnAction(control As IRibbonControl)", 1)[1].split("End Sub", 1)[0]
    calls = [line.strip() for line in body.splitlines() if "RunPython" in line]
    assert calls == ["RunPython \"import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "
                     "import lkj_xl.ribbon as r; r.dispatch('\" & action & \"')\""]
    assignments = [line.strip() for line in body.splitlines() if re.match(r"\s*action\s*=", line)]
    assert assignments == ["action = control.Tag"]
    assert body.index("LKj_IsKnownAction(action)") < body.index("RunPython")
    assert not re.search(r"\b(Range|Cells|Value|ActiveCell|Selection)\b", body)


# --- openpyxl round trip and repair -------------------------------------------------------------------------------------


def test_openpyxl_save_then_restore(built, tmp_path):
    original_vba = _part(built, "xl/vbaProject.bin")
    saved = tmp_path / "saved.xlsm"
    book = openpyxl.load_workbook(built, keep_vba=True)
    book["Beranda"]["A2"] = "diubah"
    book.save(saved)
    mode_before = stat.S_IMODE(saved.stat().st_mode)
    assert RIBBON_PART in _names(saved)
    problems = verify_xlsm(saved)
    if problems:  # openpyxl 3.1 drops the customUI relationship (DOMAIN.md 6)
        assert all("_rels/.rels" in problem for problem in problems), problems
    assert restore_ribbon_relationship(saved) is bool(problems)
    before = saved.read_bytes()
    assert restore_ribbon_relationship(saved) is False  # idempotent, file untouched
    assert ensure_ribbon(saved) is False
    assert saved.read_bytes() == before
    rels = SafeET.fromstring(_part(saved, "_rels/.rels"))
    assert [rel.get("Target") for rel in rels if rel.get("Type") == RIBBON_REL_TYPE] == [RIBBON_PART]
    assert _part(saved, "xl/vbaProject.bin") == original_vba
    assert verify_xlsm(saved, deep=True) == []
    assert stat.S_IMODE(saved.stat().st_mode) == mode_before
    assert openpyxl.load_workbook(saved, keep_vba=True)["Beranda"]["A2"].value == "diubah"


def test_ensure_ribbon_puts_back_a_missing_part(built, tmp_path):
    stripped = tmp_path / "stripped.xlsm"
    with zipfile.ZipFile(built) as source, zipfile.ZipFile(stripped, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == RIBBON_PART:
                continue
            data = source.read(info)
            if info.filename == "_rels/.rels":
                data = re.sub(rb'<Relationship [^>]*ui/extensibility[^>]*/>', b"", data)
            target.writestr(info, data)
    problems = verify_xlsm(stripped)
    assert any(RIBBON_PART in problem for problem in problems)
    assert ensure_ribbon(stripped) is True
    assert ensure_ribbon(stripped) is False
    assert _part(stripped, RIBBON_PART) == (MACROS / "customUI14.xml").read_bytes()
    assert _part(stripped, "xl/vbaProject.bin") == _part(built, "xl/vbaProject.bin")
    assert verify_xlsm(stripped, deep=True) == []


def test_verify_reports_a_plain_workbook(tmp_path):
    plain = _make_xlsx(tmp_path / "plain.xlsx")
    problems = verify_xlsm(plain)
    assert any("vbaProject.bin" in problem for problem in problems)
    assert any("customUI" in problem for problem in problems)
    assert any("bermakro" in problem for problem in problems)
    assert verify_xlsm(tmp_path / "missing.xlsm")
    (tmp_path / "junk.xlsm").write_bytes(b"not a zip")
    assert verify_xlsm(tmp_path / "junk.xlsm")


def test_build_refuses_a_workbook_with_macros(built, tmp_path):
    from lkj_xl.core.errors import UnusableFileError

    with pytest.raises(UnusableFileError):
        build_xlsm(built, tmp_path / "again.xlsm")


# --- LibreOffice --------------------------------------------------------------------------------------------------------


def test_libreoffice_converts_to_pdf(built, tmp_path, soffice_profile):
    from conftest import soffice_convert

    pdf = soffice_convert(soffice_profile, [built], "pdf", tmp_path / "pdf")[built.stem]
    assert pdf.is_file()
    assert pdf.read_bytes().startswith(b"%PDF")


# --- routing: what runs in VBA alone, what goes to Python ---------------------------------------------------------------

#: Actions the ribbon must run without Python, and the VBA Sub each goes to.
VBA_ONLY = {"guide": "LKj_ShowGuide", "problems": "LKj_ShowProblems"}


def _vba_source() -> str:
    return _norm((MACROS / "LKjRibbon.bas").read_text(encoding="cp1252"))


def _procedure(source: str, name: str) -> str:
    found = re.search(rf"^(?:Public |Private )?(Sub|Function) {name}\b.*?^End \1", source, re.MULTILINE | re.DOTALL)
    assert found, f"{name} not found"
    return found.group(0)


def _routes(source: str) -> dict[str, list[str]]:
    """``Case "x"`` -> the statements under it, in LKj_OnAction's Select Case."""
    body = _procedure(source, "LKj_OnAction")
    select = body.split("Select Case action", 1)[1].split("End Select", 1)[0]
    routes: dict[str, list[str]] = {}
    current = None
    for line in select.splitlines():
        line = line.strip()
        case = re.fullmatch(r'Case "([a-z_]+)"', line)
        if case:
            current = routes.setdefault(case.group(1), [])
        elif line and current is not None:
            current.append(line)
    return routes


def test_routing_table():
    source = _vba_source()
    routes = _routes(source)
    found = re.search(r'Const LKJ_VBA_ACTIONS As String = "([^"]*)"', source)
    assert found and found.group(1) == "|" + "|".join(VBA_ONLY) + "|"
    assert set(routes) == {*VBA_ONLY, "check_system", "close_cycle"}
    for action, sub in VBA_ONLY.items():
        # Straight to VBA and out: never reaches RunPython.
        assert routes[action] == [sub, "Exit Sub"]
        assert "RunPython" not in _procedure(source, sub)
    assert routes["check_system"] == ["If Not LKj_PythonReady() Then Exit Sub"]
    # "Tutup Siklus" asks first (Tidak by default) and goes on to Python only on Ya
    close = "\n".join(routes["close_cycle"])
    assert "vbYesNo" in close and "vbDefaultButton2" in close and "<> vbYes Then" in close and "Exit Sub" in close
    body = _procedure(source, "LKj_OnAction")
    assert body.index("LKj_IsKnownAction(action)") < body.index("Select Case") < body.index("RunPython")
    # Every ribbon button still calls LKj_OnAction: the routing lives in one place.
    assert {button["onAction"] for button in _ribbon_buttons()} == {"LKj_OnAction"}


def test_vba_guide_text_equals_python_guide():
    from lkj_xl.ribbon import GUIDE_TEXT

    body = _procedure(_vba_source(), "LKj_GuideText")
    text = ""
    for line in body.splitlines():
        match = re.fullmatch(r'\s*t = t & "((?:[^"]|"")*)"( & vbLf)?', line)
        if match:
            text += match.group(1).replace('""', '"') + ("\n" if match.group(2) else "")
    assert text == GUIDE_TEXT
    assert len(text) < 1024  # MsgBox's prompt limit


def test_python_check_uses_xlwings_config_and_says_lkj_pasang():
    source = _vba_source()
    ready = _procedure(source, "LKj_PythonReady")
    # The same lookup RunPython does (sheet, file beside the workbook, user's file), from xlwings.bas.
    assert 'GetConfig("INTERPRETER_WIN", "")' in ready and 'GetConfig("INTERPRETER", "python")' in ready
    assert "FileExists(interpreter)" in ready and "import lkj_xl.ribbon, xlwings" in ready
    bas = xlsm.xlwings_vba_sources()[1]
    assert re.search(r"^Function GetConfig\(", bas, re.MULTILINE) and re.search(r"^Function FileExists\(", bas, re.MULTILINE)
    assert "lkj pasang" in _procedure(source, "LKj_SetupHint")


INDONESIAN = re.compile(r"\b(tidak|lembar|jalankan|buku kerja|tombol|perintah|klik|Python|ditemukan)\b", re.IGNORECASE)
ENGLISH = re.compile(r"\b(the|not|found|please|error|could|sheet|click)\b", re.IGNORECASE)


def test_every_vba_message_is_indonesian():
    source = _vba_source()
    messages = []
    for statement in re.split(r"\n(?!\s*(?:&|_|\"))", re.sub(r" _\n\s*", " ", source)):
        if re.match(r"\s*MsgBox\b", statement) or "LKj_SetupHint =" in statement:
            strings = " ".join(s for s in re.findall(r'"((?:[^"]|"")*)"', statement)
                               if s not in ("Pelacak LKj",))
            if strings:  # MsgBox LKj_GuideText(): the guide, checked against GUIDE_TEXT above
                messages.append(strings)
    assert len(messages) >= 6
    for text in messages:
        # The Defender rule is quoted by its English name (that is what IT searches for).
        plain = text.replace("Block Office applications from creating child processes", "")
        assert INDONESIAN.search(plain), text
        assert not ENGLISH.search(plain), text


def test_runpython_imports_the_installed_package_not_a_stray_folder(tmp_path):
    """The exact command xlwings' VBA runs (ExecuteWindows: ``python -B -c "import xlwings.utils;
    xlwings.utils.prepare_sys_path(...); <command>"``, here with ADD_WORKBOOK_TO_PYTHONPATH false and no
    PYTHONPATH) started in a folder holding a stray lkj_xl: our command must still import the real one."""
    import os
    import sys

    stray = tmp_path / "lkj_xl"
    stray.mkdir()
    (stray / "__init__.py").write_text("raise ImportError('stray lkj_xl')\n")
    (stray / "ribbon.py").write_text("")
    command = _norm(_procedure(_vba_source(), "LKj_OnAction"))
    found = re.search(r'RunPython "(.*)" & action & "(.*)"', command)
    ours = found.group(1) + "validate" + found.group(2)
    ours = ours.replace("r.dispatch('validate')", "print(r.__file__)")
    workbook = str(tmp_path / "LKj_Tracker.xlsm")
    preamble = f"import xlwings.utils;xlwings.utils.prepare_sys_path({'false;' + workbook + ';' + workbook + ';;;;'!r}); "
    repo = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": repo}
    done = subprocess.run([sys.executable, "-B", "-c", preamble + ours], cwd=tmp_path, env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).resolve() == Path(repo, "lkj_xl", "ribbon", "__init__.py").resolve()
    # Without the sys.path clean-up the stray folder wins: the test would catch a regression.
    bare = subprocess.run([sys.executable, "-B", "-c", preamble + "import lkj_xl.ribbon"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert "stray lkj_xl" in bare.stderr


def test_ribbon_validates_against_customui14_xsd_with_excel_icons(built):
    from excel_repair import excel_icons, require_shared, ribbon_problems

    require_shared()
    assert ribbon_problems(_part(built, RIBBON_PART)) == []
    icons = {button["imageMso"] for button in _ribbon_buttons()}
    assert icons <= excel_icons()
    assert not icons & {"CreateReport", "ServerProperties"}  # Access's
    broken = _part(built, RIBBON_PART).replace(b'imageMso="Help"', b'imageMso="CreateReport"')
    assert any("CreateReport" in problem for problem in ribbon_problems(broken))
    assert ribbon_problems(broken.replace(b'size="large"', b'size="huge"', 1))[0].startswith("ribbon XML")


def test_built_package_opens_without_repair(built):
    from excel_repair import excel_repair_problems, require_shared

    require_shared()
    assert excel_repair_problems(built) == []
