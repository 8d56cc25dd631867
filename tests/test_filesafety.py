"""Tests of the file-safety layer: pre-load checks, Excel owner files, the process lock, atomic save and backups."""

from __future__ import annotations

from conftest import excel_owner_bytes  # noqa: E402

import io
import os
import socket
import struct
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lkj_xl.core.errors import EXIT_UNUSABLE, FileLockedError, UnusableFileError
from lkj_xl.files.backups import BACKUP_DIR_NAME, BackupInfo, atomic_write, list_backups, restore_backup
from lkj_xl.files.guard import check_workbook_file, openpyxl_xml_is_defused, scan_xml_prolog
from lkj_xl.files.locks import ensure_not_open_in_excel, excel_owner, lock_path_for, parse_owner_file, workbook_lock

REPO = Path(__file__).resolve().parents[1]
CHILD_ENV = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}


# ----------------------------------------------------------------------------------------------------- helpers
def make_workbook(path: Path, rows: int = 5, label: str = "A") -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["No", "Kegiatan", "Unit", "Nilai"])
    for i in range(rows):
        ws.append([i + 1, f"{label}-{i + 1:05d}", "Biro Perencanaan", i * 1.5])
    wb.save(path)
    return path


def read_entries(path: Path) -> list[str]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [row[1] for row in wb["Data"].iter_rows(min_row=2, values_only=True)]
    finally:
        wb.close()


def rewrite_zip(src: Path, dst: Path, *, replace: dict[str, bytes] | None = None, drop: set[str] = frozenset(), add: dict[str, bytes] | None = None) -> Path:
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def patch_zip_entry(path: Path, name: str, *, file_size: int | None = None, compress_size: int | None = None, set_flags: int = 0) -> None:
    """Edit the local and central headers of entry ``name`` in place (declared sizes, general-purpose flags)."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for sig, flag_off, size_off, name_len_off, name_off in ((b"PK\x03\x04", 6, 22, 26, 30), (b"PK\x01\x02", 8, 24, 28, 46)):
        pos = 0
        while (pos := data.find(sig, pos)) != -1:
            (n_len,) = struct.unpack_from("<H", data, pos + name_len_off)
            if bytes(data[pos + name_off : pos + name_off + n_len]) == encoded:
                flags = struct.unpack_from("<H", data, pos + flag_off)[0] | set_flags
                struct.pack_into("<H", data, pos + flag_off, flags)
                if file_size is not None:
                    struct.pack_into("<I", data, pos + size_off, file_size)
                if compress_size is not None and sig == b"PK\x01\x02":
                    struct.pack_into("<I", data, pos + size_off - 4, compress_size)
            pos += 4
    path.write_bytes(bytes(data))


def make_cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal valid OLE compound file (version 3, 512-byte sectors, regular streams only)."""
    sector = 512
    endchain, freesect, fatsect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    bodies = [data.ljust(max(4096, -(-len(data) // sector) * sector), b"\x00") for data in streams.values()]
    fat = [fatsect, endchain]  # sector 0: FAT, sector 1: directory
    starts = []
    for body in bodies:
        start = len(fat)
        count = len(body) // sector
        starts.append(start)
        fat.extend(range(start + 1, start + count))
        fat.append(endchain)
    assert len(fat) <= sector // 4
    fat += [freesect] * (sector // 4 - len(fat))
    header = bytearray(sector)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 40, 0, 1, 1, 0, 4096, endchain, 0, endchain)
    header[76 : 76 + 4 * 109] = struct.pack("<I", 0) + struct.pack("<I", freesect) * 108

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = bytearray(128)
        enc = name.encode("utf-16-le") + b"\x00\x00"
        raw[0 : len(enc)] = enc
        struct.pack_into("<HBBIII", raw, 64, len(enc), kind, 1, freesect, right, child)
        struct.pack_into("<IQ", raw, 116, start, size)
        return bytes(raw)

    names = list(streams)
    directory = entry("Root Entry", 5, 1 if names else freesect, freesect, endchain, 0)
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else freesect
        directory += entry(name, 2, freesect, right, starts[i], len(streams[name]))
    assert len(directory) <= sector
    directory = directory.ljust(sector, b"\x00")
    return bytes(header) + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(bodies)


class FakeClock:
    """Injectable clock: each call returns the next instant."""

    def __init__(self, start: datetime = datetime(2024, 5, 1, 9, 30, 0), step: timedelta = timedelta(minutes=1)):
        self.now = start
        self.step = step

    def __call__(self) -> datetime:
        value = self.now
        self.now += self.step
        return value


def word_owner_bytes(name: str, pad: bytes = b"\x00") -> bytes:
    """Owner file in the Word layout (and the brief's description): padding to offset 54, length + UTF-16LE at 54."""
    ansi = name.encode("cp1252", errors="replace")[:52]
    data = bytearray([len(ansi)]) + ansi
    data += pad * (54 - len(data))
    data += struct.pack("<H", len(name)) + name.encode("utf-16-le")
    data += b"\x00" * (162 - len(data))
    return bytes(data)


# ------------------------------------------------------------------------------------------ check_workbook_file
@pytest.fixture(scope="module")
def good_xlsx(tmp_path_factory) -> Path:
    return make_workbook(tmp_path_factory.mktemp("good") / "LKj_Tracker.xlsx", rows=20)


def refused(path: Path, **limits) -> str:
    with pytest.raises(UnusableFileError) as info:
        check_workbook_file(path, **limits)
    assert info.value.exit_code == EXIT_UNUSABLE
    assert path.name in info.value.message, info.value.message
    return info.value.message


def test_real_10000_row_workbook_passes_with_default_limits(tmp_path):
    path = make_workbook(tmp_path / "Besar.xlsx", rows=10_000)
    info = check_workbook_file(path)  # how fast: benchmarks/, not here (a loaded machine would fail a time limit)
    assert info.parts >= 8 and info.uncompressed > info.size


def test_xlsm_with_vba_part_passes(tmp_path, good_xlsx):
    path = rewrite_zip(good_xlsx, tmp_path / "Makro.xlsm", add={"xl/vbaProject.bin": make_cfb({"VBA": b"\x01" * 100})})
    check_workbook_file(path)


def test_missing_file(tmp_path):
    message = refused(tmp_path / "Tidak_Ada.xlsx")
    assert "tidak ditemukan" in message and str(tmp_path) in message


def test_directory(tmp_path):
    (tmp_path / "Folder.xlsx").mkdir()
    assert "folder" in refused(tmp_path / "Folder.xlsx")


def test_empty_file(tmp_path):
    (tmp_path / "Kosong.xlsx").write_bytes(b"")
    assert "kosong" in refused(tmp_path / "Kosong.xlsx")


@pytest.mark.parametrize(
    "content",
    [b"Ini hanya catatan biasa.\n", b"No;Kegiatan;Unit\n1;Rapat;Biro\n", b"\x00" * 100, b"PK"],
    ids=["text", "csv", "zeros", "short"],
)
def test_not_a_workbook(tmp_path, content):
    path = tmp_path / "Laporan.xlsx"
    path.write_bytes(content)
    assert "bukan buku kerja Excel" in refused(path)


def test_truncated_zip_is_corrupt(tmp_path, good_xlsx):
    path = tmp_path / "Terpotong.xlsx"
    path.write_bytes(good_xlsx.read_bytes()[:-200])
    assert "rusak" in refused(path)


def test_encrypted_workbook_real_msoffcrypto(tmp_path, good_xlsx):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with open(good_xlsx, "rb") as fh:
        OOXMLFile(fh).encrypt("rahasia", out)
    path = tmp_path / "Terkunci.xlsx"
    path.write_bytes(out.getvalue())
    assert msoffcrypto.OfficeFile(io.BytesIO(out.getvalue())).is_encrypted()
    assert "kata sandi" in refused(path)


def test_encrypted_package_minimal_cfb(tmp_path):
    path = tmp_path / "Terkunci2.xlsm"
    path.write_bytes(make_cfb({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\x00" * 60, "EncryptedPackage": b"\x00" * 5000}))
    assert "kata sandi" in refused(path)


def test_old_xls(tmp_path):
    path = tmp_path / "Lama.xls"
    path.write_bytes(make_cfb({"Workbook": b"\x09\x08" + b"\x00" * 200}))
    olefile = pytest.importorskip("olefile")
    assert olefile.isOleFile(str(path)) and olefile.OleFileIO(str(path)).exists("Workbook")
    message = refused(path)
    assert ".xls" in message and "simpan sebagai" in message


def test_other_ole_file(tmp_path):
    path = tmp_path / "Dokumen.xlsx"
    path.write_bytes(make_cfb({"WordDocument": b"\x00" * 10}))
    assert "bukan buku kerja Excel" in refused(path)


def test_oversized(tmp_path, good_xlsx):
    message = refused(good_xlsx, max_bytes=1000)
    assert "terlalu besar" in message


def test_zip_bomb_declared_total(tmp_path, good_xlsx):
    path = rewrite_zip(good_xlsx, tmp_path / "Bom.xlsx", add={"xl/media/a.bin": os.urandom(300_000)})
    assert "diekstrak" in refused(path, max_uncompressed=200_000)


def test_zip_bomb_ratio(tmp_path, good_xlsx):
    path = rewrite_zip(good_xlsx, tmp_path / "Bom.xlsx", replace={"xl/sharedStrings.xml": b"<sst/>"}, add={"xl/media/z.bin": b"\x00" * (20 * 1024 * 1024)})
    assert "rasio kompresi" in refused(path)


def test_entry_larger_than_declared(tmp_path, good_xlsx):
    path = rewrite_zip(good_xlsx, tmp_path / "Bohong.xlsx")
    real = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size
    patch_zip_entry(path, "xl/worksheets/sheet1.xml", file_size=real // 4)
    assert zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size == real // 4
    message = refused(path)
    assert "xl/worksheets/sheet1.xml" in message


def test_directory_claiming_more_than_the_file_holds(tmp_path, good_xlsx):
    path = rewrite_zip(good_xlsx, tmp_path / "Tumpang.xlsx")
    patch_zip_entry(path, "xl/styles.xml", compress_size=path.stat().st_size * 2)
    assert "daftar isi" in refused(path)


def test_zip_level_encryption_flag(tmp_path, good_xlsx):
    path = rewrite_zip(good_xlsx, tmp_path / "Sandi.xlsx")
    patch_zip_entry(path, "xl/workbook.xml", set_flags=0x1)
    assert "kata sandi" in refused(path)


def test_missing_content_types(tmp_path, good_xlsx):
    path = rewrite_zip(good_xlsx, tmp_path / "Tanpa.xlsx", drop={"[Content_Types].xml"})
    assert "[Content_Types].xml" in refused(path)


def test_missing_workbook_part(tmp_path, good_xlsx):
    path = rewrite_zip(good_xlsx, tmp_path / "Tanpa.xlsx", drop={"xl/workbook.xml"})
    assert "xl/workbook.xml" in refused(path)


def test_xlsb_and_ods_named(tmp_path, good_xlsx):
    xlsb = rewrite_zip(good_xlsx, tmp_path / "Biner.xlsx", drop={"xl/workbook.xml"}, add={"xl/workbook.bin": b"\x83\x01"})
    assert ".xlsb" in refused(xlsb)
    ods = tmp_path / "Calc.xlsx"
    with zipfile.ZipFile(ods, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    assert ".ods" in refused(ods)


LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    b' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    b' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n'
)


@pytest.mark.parametrize(
    "part,encoding,prefix",
    [
        ("xl/workbook.xml", "utf-8", b""),
        ("xl/sharedStrings.xml", "utf-8", b"\xef\xbb\xbf"),
        ("xl/styles.xml", "utf-16-le", b"\xff\xfe"),
        ("docProps/core.xml", "utf-8", b"<!-- komentar -->\n"),
    ],
)
def test_billion_laughs_refused_by_own_scan(tmp_path, good_xlsx, part, encoding, prefix):
    with zipfile.ZipFile(good_xlsx) as zf:
        names = zf.namelist()
        body = zf.read(part) if part in names else b"<sst/>"
    body = body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body
    text = (LAUGHS + body).decode("utf-8")
    payload = prefix + text.encode(encoding) if encoding != "utf-8" else prefix + text.encode()
    kwargs = {"replace": {part: payload}} if part in names else {"add": {part: payload}}
    path = rewrite_zip(good_xlsx, tmp_path / "Tawa.xlsx", **kwargs)
    message = refused(path)
    assert part in message and "DOCTYPE" in message


def test_hostile_part_name_with_braces(tmp_path, good_xlsx):
    path = rewrite_zip(good_xlsx, tmp_path / "Kurung.xlsx", add={"xl/{0}{name}.xml": LAUGHS + b"<x/>"})
    assert "'xl/{0}{name}.xml'" in refused(path)


def good_xlsx_first_sheet_part(path):
    with zipfile.ZipFile(path) as zf:
        return sorted(n for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))[0]


def test_openpyxl_itself_uses_defusedxml_and_refuses_entities(tmp_path, good_xlsx):
    import openpyxl

    assert openpyxl_xml_is_defused()
    with zipfile.ZipFile(good_xlsx) as zf:
        body = zf.read("xl/workbook.xml")
    body = body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body
    sheet = good_xlsx_first_sheet_part(good_xlsx)
    with zipfile.ZipFile(good_xlsx) as zf:
        sheet_body = zf.read(sheet)
    sheet_body = sheet_body.split(b"?>", 1)[1] if sheet_body.startswith(b"<?xml") else sheet_body
    for part, payload in (("xl/workbook.xml", LAUGHS + body), (sheet, LAUGHS + sheet_body)):
        path = rewrite_zip(good_xlsx, tmp_path / f"Tawa-{part.replace('/', '_')}.xlsx", replace={part: payload})
        try:
            loaded = openpyxl.load_workbook(path)
        except Exception as raised:  # noqa: BLE001 - refusing is one of the two safe outcomes
            chain, exc = [], raised
            while exc is not None:  # openpyxl wraps the parser's error in a ValueError
                chain.append(type(exc))
                exc = exc.__cause__ or exc.__context__
            assert any(t.__module__.startswith(("defusedxml", "lxml")) for t in chain), chain
        else:  # lxml with resolve_entities=False: loaded, nothing expanded
            assert not any("lol" in name for name in loaded.sheetnames)


# --------------------------------------------------------------------------------------------- scan_xml_prolog
def test_scan_xml_prolog_cases():
    assert scan_xml_prolog(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook/>', eof=True) == "ok"
    assert scan_xml_prolog(b"<!DOCTYPE x><x/>", eof=True) == "dtd"
    assert scan_xml_prolog(b"<!ENTITY a 'b'><x/>", eof=True) == "dtd"
    assert scan_xml_prolog(b"<!-- <!DOCTYPE x> --><x/>", eof=True) == "ok"
    assert scan_xml_prolog(b"<?xml version='1.0'?><!-- c --><!DOCTYPE x>", eof=True) == "dtd"
    assert scan_xml_prolog(b"\x89PNG\r\n\x1a\n", eof=True) == "not-xml"
    assert scan_xml_prolog(b"", eof=True) == "not-xml"
    assert scan_xml_prolog(b"<?xml ver", eof=False) == "more"
    assert scan_xml_prolog(b"<!-", eof=False) == "more"
    assert scan_xml_prolog("<?xml version='1.0'?><!DOCTYPE x>".encode("utf-16"), eof=True) == "dtd"
    assert scan_xml_prolog("<!DOCTYPE x>".encode("utf-16-be"), eof=True) == "dtd"
    assert scan_xml_prolog(b" " * (1024 * 1024 + 10) + b"<!DOCTYPE x>", eof=True) == "too-long"
    assert scan_xml_prolog(b"<!--" + b"x" * (1024 * 1024 + 10), eof=False) == "too-long"


_comment = st.text(alphabet="abc <!>DOCTYPE?x", max_size=20).map(lambda s: f"<!--{s}-->")
_pi = st.text(alphabet="abc <!>DOCTYPE-x", max_size=20).map(lambda s: f"<?xml {s}?>")
_space = st.sampled_from([" ", "\n", "\r\n", "\t"])


@settings(max_examples=300, deadline=None)
@given(
    items=st.lists(st.one_of(_comment, _pi, _space), max_size=6),
    dtd=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le"]),
    data=st.data(),
)
def test_scan_xml_prolog_properties(items, dtd, encoding, data):
    text = "".join(items) + ("<!DOCTYPE r [<!ENTITY e 'x'>]>" if dtd else "") + "<r>&amp;</r>"
    raw = text.encode(encoding)
    final = scan_xml_prolog(raw, eof=True)
    assert final == ("dtd" if dtd else "ok")
    cut = data.draw(st.integers(min_value=0, max_value=len(raw)))
    assert scan_xml_prolog(raw[:cut], eof=False) in ("more", final)


# -------------------------------------------------------------------------------------------- Excel owner files
@pytest.mark.parametrize(
    "name",
    ["Budi Santoso", "Ni Made Dédé Ñoman", "Ṡri Ŵahyuningsih", "A", "x" * 52],
)
@pytest.mark.parametrize("layout", ["excel", "word", "brief"])
def test_excel_owner_both_layouts(tmp_path, name, layout):
    book = make_workbook(tmp_path / "Tracker.xlsx")
    data = {"excel": excel_owner_bytes, "word": word_owner_bytes, "brief": lambda n: word_owner_bytes(n, b" ")}[layout](name)
    (tmp_path / "~$Tracker.xlsx").write_bytes(data)
    assert excel_owner(book) == name


def test_owner_ansi_only_and_garbage(tmp_path):
    book = tmp_path / "Tracker.xlsx"
    owner = tmp_path / "~$Tracker.xlsx"
    assert excel_owner(book) is None
    owner.write_bytes(bytes([4]) + b"Budi" + b" " * 20)  # truncated: no UTF-16 copy
    assert excel_owner(book) == "Budi"
    owner.write_bytes(b"")
    assert excel_owner(book) == ""
    owner.write_bytes(b"\x00\x01\x02\x03" * 40)
    assert excel_owner(book) == ""


def test_owner_file_short_name_form(tmp_path):
    book = make_workbook(tmp_path / "LKj_Tracker.xlsx")
    (tmp_path / "~$j_Tracker.xlsx").write_bytes(excel_owner_bytes("Siti Rahma"))  # "~$" replaces the first 2 chars
    assert excel_owner(book) == "Siti Rahma"
    other = tmp_path / "Rekap.xlsx"  # 5-char stem: only the full form applies
    (tmp_path / "~$kap.xlsx").write_bytes(excel_owner_bytes("Orang Lain"))
    assert excel_owner(other) is None


def test_owner_file_case_insensitive_match(tmp_path):
    book = tmp_path / "Tracker.xlsx"
    (tmp_path / "~$TRACKER.XLSX").write_bytes(excel_owner_bytes("Agus"))
    assert excel_owner(book) == "Agus"


def test_ensure_not_open_in_excel(tmp_path):
    book = make_workbook(tmp_path / "LKj_Tracker.xlsx")
    ensure_not_open_in_excel(book)
    (tmp_path / "~$LKj_Tracker.xlsx").write_bytes(excel_owner_bytes("Budi Santoso"))
    with pytest.raises(FileLockedError) as info:
        ensure_not_open_in_excel(book)
    message = info.value.message
    assert message.startswith("Buku kerja 'LKj_Tracker.xlsx' sedang dibuka di Excel oleh Budi Santoso. Tutup dulu")
    assert "lalu ulangi" in message and "~$LKj_Tracker.xlsx" in message
    assert info.value.exit_code == EXIT_UNUSABLE


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_parse_owner_file_never_raises(data):
    result = parse_owner_file(data)
    assert isinstance(result, str) and result == result.strip() and "\x00" not in result


# ------------------------------------------------------------------------------------------------- process lock
#: Waits that should end at once, or as soon as another holder lets go: the limit only guards against a hang, so a
#: loaded machine never fails them by chance.
HANG_GUARD = 120
HOLDER = textwrap.dedent(
    """
    import sys
    from lkj_xl.files.locks import workbook_lock
    with workbook_lock(sys.argv[1], timeout=10):
        print("LOCKED", flush=True)
        sys.stdin.readline()
    print("RELEASED", flush=True)
    """
)


def start_holder(book: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(book)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=CHILD_ENV
    )
    assert proc.stdout.readline().strip() == "LOCKED"
    return proc


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            try:
                pipe.close()
            except BrokenPipeError:  # the child is gone; nothing left to flush
                pass


def test_lock_blocks_other_process_and_names_holder(tmp_path):
    book = tmp_path / "LKj_Tracker.xlsx"
    proc = start_holder(book)
    try:
        started = time.monotonic()
        with pytest.raises(FileLockedError) as info:
            with workbook_lock(book, timeout=0.5):
                pytest.fail("lock taken while another process holds it")
        assert time.monotonic() - started >= 0.4  # it waited (no upper limit: a loaded machine may be slow)
        message = info.value.message
        assert message.startswith("Buku kerja 'LKj_Tracker.xlsx' sedang ditulis oleh proses lkj lain (")
        assert f"PID {proc.pid}" in message and socket.gethostname() in message
        proc.stdin.write("\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "RELEASED"
        with workbook_lock(book, timeout=HANG_GUARD) as held:
            assert held.lock_path == lock_path_for(book) == tmp_path / ".~lkj-LKj_Tracker.xlsx.lock"
    finally:
        stop(proc)


def test_lock_released_when_holder_is_killed(tmp_path):
    book = tmp_path / "Tracker.xlsx"
    proc = start_holder(book)
    stop(proc)  # SIGKILL while holding the lock
    with workbook_lock(book, timeout=HANG_GUARD):
        pass


WORKER = textwrap.dedent(
    """
    import os, sys, time
    from lkj_xl.files.locks import workbook_lock
    book, log = sys.argv[1], sys.argv[2]
    for i in range(5):
        with workbook_lock(book, timeout=300):
            with open(log, "a") as fh:
                fh.write(f"B {os.getpid()}\\n")
            time.sleep(0.01)
            with open(log, "a") as fh:
                fh.write(f"E {os.getpid()}\\n")
    """
)


def test_lock_no_interleaving_between_processes(tmp_path):
    book, log = tmp_path / "Tracker.xlsx", tmp_path / "log.txt"
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(book), str(log)], env=CHILD_ENV) for _ in range(4)]
    assert all(p.wait(timeout=HANG_GUARD * 2) == 0 for p in procs)
    lines = log.read_text().splitlines()
    assert len(lines) == 4 * 5 * 2
    for begin, end in zip(lines[::2], lines[1::2]):
        assert begin.startswith("B ") and end == "E " + begin[2:]


def test_lock_reentrant_in_thread_exclusive_between_threads(tmp_path):
    book = tmp_path / "Tracker.xlsx"
    with workbook_lock(book, timeout=1) as outer:
        with workbook_lock(book, timeout=1) as inner:
            assert inner == outer
        errors: list[BaseException] = []

        def other() -> None:
            try:
                with workbook_lock(book, timeout=0.3):
                    pass
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)

        t = threading.Thread(target=other)
        t.start()
        t.join()
        assert len(errors) == 1 and isinstance(errors[0], FileLockedError)
    # after release, threads take turns: never two inside at once
    inside: list[int] = []
    active = 0
    guard = threading.Lock()

    def worker() -> None:
        nonlocal active
        for _ in range(5):
            with workbook_lock(book, timeout=HANG_GUARD):
                with guard:
                    active += 1
                    inside.append(active)
                time.sleep(0.005)
                with guard:
                    active -= 1

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert inside and max(inside) == 1


def test_lock_missing_folder(tmp_path):
    with pytest.raises(UnusableFileError) as info:
        with workbook_lock(tmp_path / "tidak-ada" / "Tracker.xlsx", timeout=0.1):
            pass
    assert "tidak ditemukan" in info.value.message


# ---------------------------------------------------------------------------------------- atomic write, backups
def save_rows(label: str, rows: int = 5):
    def write(tmp: Path) -> None:
        make_workbook(tmp, rows=rows, label=label)

    return write


def test_atomic_write_creates_new_file_without_backup(tmp_path):
    book = tmp_path / "Tracker.xlsx"
    clock = FakeClock()
    assert atomic_write(book, save_rows("A"), check_workbook_file, clock=clock) is None
    assert read_entries(book)[0] == "A-00001"
    assert list_backups(book) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [".~lkj-Tracker.xlsx.lock", "Tracker.xlsx"]


def test_atomic_write_replaces_and_backs_up_old_version(tmp_path):
    book = make_workbook(tmp_path / "Tracker.xlsx", label="A")
    old_bytes = book.read_bytes()
    clock = FakeClock(start=datetime(2024, 5, 1, 9, 30, 15, 123456))
    made = atomic_write(book, save_rows("B"), check_workbook_file, clock=clock)
    assert read_entries(book)[0] == "B-00001"
    assert isinstance(made, BackupInfo)
    assert made.path == tmp_path / BACKUP_DIR_NAME / "Tracker_20240501-093015-123456.xlsx"
    assert made.created == datetime(2024, 5, 1, 9, 30, 15, 123456)
    assert made.path.read_bytes() == old_bytes and made.size == len(old_bytes)
    assert list_backups(book) == [made]
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".~lkj-tmp-")]
    assert leftovers == []


@pytest.mark.parametrize("failing", ["write", "verify"])
def test_failure_leaves_original_untouched(tmp_path, failing):
    book = make_workbook(tmp_path / "Tracker.xlsx", label="A")
    old_bytes = book.read_bytes()
    seen: list[Path] = []

    def write(tmp: Path) -> None:
        seen.append(tmp)
        assert tmp.parent == tmp_path and tmp.suffix == ".xlsx"
        tmp.write_bytes(b"setengah jadi")
        if failing == "write":
            raise RuntimeError("gagal menulis")

    def verify(tmp: Path) -> None:
        check_workbook_file(tmp)

    with pytest.raises((RuntimeError, UnusableFileError)) as info:
        atomic_write(book, write, verify, clock=FakeClock())
    if failing == "verify":
        assert info.value.message.startswith("Versi baru buku kerja 'Tracker.xlsx' tidak disimpan karena gagal diperiksa")
    else:
        assert str(info.value) == "gagal menulis"  # the caller's own exception, unchanged
    assert book.read_bytes() == old_bytes
    assert not seen[0].exists()
    assert list_backups(book) == []


def test_os_error_while_writing_becomes_indonesian(tmp_path):
    book = make_workbook(tmp_path / "Tracker.xlsx", label="A")
    old_bytes = book.read_bytes()

    def write(tmp: Path) -> None:
        tmp.write_bytes(b"sebagian")
        raise OSError(28, "No space left on device")

    with pytest.raises(UnusableFileError) as info:
        atomic_write(book, write, clock=FakeClock())
    assert "gagal disimpan (No space left on device)" in info.value.message and "belum diubah" in info.value.message
    assert book.read_bytes() == old_bytes
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~lkj-tmp-")]


def test_backup_rotation_keeps_newest(tmp_path):
    book = make_workbook(tmp_path / "Tracker.xlsx", label="V0")
    clock = FakeClock()
    for i in range(1, 8):
        atomic_write(book, save_rows(f"V{i}"), clock=clock, backups=3)
    infos = list_backups(book)
    assert len(infos) == 3
    assert [read_entries(b.path)[0] for b in infos] == ["V6-00001", "V5-00001", "V4-00001"]
    assert infos[0].created > infos[1].created > infos[2].created
    assert read_entries(book)[0] == "V7-00001"


def test_backups_zero_keeps_none_and_custom_folder(tmp_path):
    book = make_workbook(tmp_path / "Tracker.xlsx", label="A")
    atomic_write(book, save_rows("B"), clock=FakeClock(), backups=0)
    assert not (tmp_path / BACKUP_DIR_NAME).exists()
    custom = tmp_path / "arsip"
    made = atomic_write(book, save_rows("C"), clock=FakeClock(), backup_dir=custom)
    assert made.path.parent == custom and list_backups(book, backup_dir=custom) == [made]


def test_same_timestamp_twice_gives_distinct_sorted_names(tmp_path):
    book = make_workbook(tmp_path / "Tracker.xlsx", label="V0")
    frozen = FakeClock(step=timedelta(0))
    for i in range(1, 4):
        atomic_write(book, save_rows(f"V{i}"), clock=frozen)
    infos = list_backups(book)
    assert len({b.name for b in infos}) == 3
    assert [read_entries(b.path)[0] for b in infos] == ["V2-00001", "V1-00001", "V0-00001"]


def test_list_backups_ignores_unrelated_files(tmp_path):
    book = make_workbook(tmp_path / "Tracker.xlsx")
    folder = tmp_path / BACKUP_DIR_NAME
    folder.mkdir()
    for name in ["Tracker_2024.xlsx", "Lain_20240501-093000-000000.xlsx", "Tracker_20240501-093000-000000.xlsm", "catatan.txt", "Tracker_20241399-093000-000000.xlsx"]:
        (folder / name).write_bytes(b"x")
    good = folder / "Tracker_20240501-093000-000000.xlsx"
    good.write_bytes(b"xyz")
    assert list_backups(book) == [BackupInfo(path=good, created=datetime(2024, 5, 1, 9, 30), size=3)]


def test_restore_backup_by_default_index_and_name(tmp_path):
    book = make_workbook(tmp_path / "Tracker.xlsx", label="V0")
    clock = FakeClock()
    for i in range(1, 4):
        atomic_write(book, save_rows(f"V{i}"), clock=clock)
    # backups now: V2 (newest), V1, V0; current V3
    restored = restore_backup(book, clock=clock)
    assert read_entries(restored.path)[0] == "V2-00001"
    assert read_entries(book)[0] == "V2-00001"
    assert read_entries(list_backups(book)[0].path)[0] == "V3-00001"  # current version became a backup
    oldest = list_backups(book)[-1]
    restore_backup(book, len(list_backups(book)) - 1, clock=clock)
    assert read_entries(book)[0] == "V0-00001"
    restore_backup(book, oldest.name, clock=clock)
    assert read_entries(book)[0] == "V0-00001"
    with pytest.raises(UnusableFileError) as info:
        restore_backup(book, 99, clock=clock)
    assert f"hanya punya {len(list_backups(book))} cadangan" in info.value.message
    with pytest.raises(UnusableFileError):
        restore_backup(book, "Tracker_19990101-000000-000000.xlsx", clock=clock)


def test_restore_when_workbook_was_deleted_and_when_no_backups(tmp_path):
    book = make_workbook(tmp_path / "Tracker.xlsx", label="V0")
    atomic_write(book, save_rows("V1"), clock=FakeClock())
    book.unlink()
    restore_backup(book, clock=FakeClock(start=datetime(2025, 1, 1)))
    assert read_entries(book)[0] == "V0-00001"
    lonely = make_workbook(tmp_path / "Sendiri.xlsx")
    with pytest.raises(UnusableFileError) as info:
        restore_backup(lonely)
    assert "Belum ada cadangan" in info.value.message and "Sendiri.xlsx" in info.value.message


def test_restore_refuses_broken_backup(tmp_path):
    book = make_workbook(tmp_path / "Tracker.xlsx", label="V0")
    made = atomic_write(book, save_rows("V1"), clock=FakeClock())
    made.path.write_bytes(b"rusak")
    current = book.read_bytes()
    with pytest.raises(UnusableFileError):
        restore_backup(book, clock=FakeClock())
    assert book.read_bytes() == current


def test_atomic_write_refuses_when_open_in_excel(tmp_path):
    book = make_workbook(tmp_path / "Tracker.xlsx", label="A")
    old = book.read_bytes()
    (tmp_path / "~$Tracker.xlsx").write_bytes(excel_owner_bytes("Dewi"))
    with pytest.raises(FileLockedError) as info:
        atomic_write(book, save_rows("B"), clock=FakeClock())
    assert "oleh Dewi" in info.value.message
    assert book.read_bytes() == old and list_backups(book) == []
    atomic_write(book, save_rows("B"), clock=FakeClock(), check_excel=False)
    assert read_entries(book)[0] == "B-00001"


def test_stale_temps_older_than_lock_are_cleaned(tmp_path):
    book = make_workbook(tmp_path / "Tracker.xlsx", label="A")
    backup_folder = tmp_path / BACKUP_DIR_NAME
    backup_folder.mkdir()
    past, future = time.time() - 3600, time.time() + 3600
    stale = tmp_path / ".~lkj-tmp-0123456789ab-Tracker.xlsx"
    stale_partial = backup_folder / ".~lkj-tmp-0123456789ab-Tracker_20240101-000000-000000.xlsx"
    fresh = tmp_path / ".~lkj-tmp-aaaaaaaaaaaa-Tracker.xlsx"  # newer than the lock: not ours to judge
    other = tmp_path / ".~lkj-tmp-0123456789ab-Lain.xlsx"  # another workbook's temp
    for p, t in [(stale, past), (stale_partial, past), (fresh, future), (other, past)]:
        p.write_bytes(b"sisa")
        os.utime(p, (t, t))
    atomic_write(book, save_rows("B"), clock=FakeClock())
    assert not stale.exists() and not stale_partial.exists()
    assert fresh.exists() and other.exists()
