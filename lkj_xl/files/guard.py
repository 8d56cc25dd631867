"""Pre-load checks: is this file a workbook openpyxl may safely open?

Everything here works on the bytes of the file only (zip directory, part names, XML prologs); nothing knows the
workbook's sheets.  :func:`check_workbook_file` runs BEFORE ``openpyxl.load_workbook`` so a bad file gets a clear
Indonesian message instead of a traceback, and so a hostile file (zip bomb, XML entity expansion) never reaches the
XML parser.

Defence against XML entity expansion ("billion laughs") is layered:

1. openpyxl parses through ``defusedxml`` when it is installed (``openpyxl.DEFUSEDXML``; it is a dependency of this
   package) -- see :func:`openpyxl_xml_is_defused`.  The environment variable ``OPENPYXL_DEFUSEDXML=False`` would
   switch that off, hence:
2. :func:`check_workbook_file` reads the prolog of every XML part and refuses any ``<!DOCTYPE``/``<!ENTITY`` (or any
   other ``<!`` declaration that is not a comment).  OOXML never uses a DTD, so no real workbook is refused.
"""

from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lkj_xl.files.names import BACKUP_DIR_NAME
from lkj_xl.core.errors import UnusableFileError
from lkj_xl.engines.xmlsafety import PrologVerdict, scan_xml_prolog

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_RATIO",
    "DEFAULT_MAX_UNCOMPRESSED",
    "PrologVerdict",
    "WorkbookFileInfo",
    "check_workbook_file",
    "openpyxl_xml_is_defused",
    "scan_xml_prolog",
]

MIB = 1024 * 1024

#: Default limits.  A real tracker is well under 5 MB; a 10,000-row openpyxl workbook is ~0.5 MB zipped.
DEFAULT_MAX_BYTES = 50 * MIB
DEFAULT_MAX_UNCOMPRESSED = 500 * MIB
DEFAULT_MAX_RATIO = 200
#: Entries below this uncompressed size are never judged by their compression ratio (tiny parts compress wildly).
RATIO_MIN_SIZE = 1 * MIB
#: More parts than this is not a workbook anyone typed (and keeps the zip directory itself small).
MAX_ENTRIES = 20_000
#: An XML prolog (declaration, comments, processing instructions before the root element) longer than this is refused.

CFB_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_LOCAL_SIGNATURE = b"PK\x03\x04"
CONTENT_TYPES_PART = "[Content_Types].xml"
WORKBOOK_PART = "xl/workbook.xml"

_CHUNK = 64 * 1024
_SAVE_AS = "Buka berkas itu di Excel lalu simpan sebagai 'Buku Kerja Excel (.xlsx)' atau 'Buku Kerja Excel Berkemampuan Makro (.xlsm)', kemudian ulangi."
_RESTORE_HINT = f"Pulihkan versi sebelumnya dari folder cadangan '{BACKUP_DIR_NAME}' di samping buku kerja, lalu ulangi."


@dataclass(frozen=True)
class WorkbookFileInfo:
    """What :func:`check_workbook_file` learnt about an accepted file."""

    path: Path
    size: int  # bytes on disk
    uncompressed: int  # sum of the parts' decompressed sizes
    parts: int  # number of zip entries




def _size(n: float) -> str:
    """Human size, Indonesian decimal comma: '12,3 MB' or '640 KB'."""
    if n >= MIB:
        return f"{n / MIB:.1f}".replace(".", ",") + " MB"
    return f"{max(n / 1024, 1):.0f} KB"


def _num(x: float) -> str:
    """Whole number with Indonesian thousands separators (1.234)."""
    return f"{x:,.0f}".replace(",", ".")


def _fail(path: Path, template: str, **values: object) -> UnusableFileError:
    """Fill ``{name}``, ``{folder}`` and ``values`` in ONE ``str.format`` pass: part names from a hostile zip or OS
    messages may contain braces, so they are only ever passed as values, never pasted into the template."""
    return UnusableFileError(template.format(name=path.name, folder=str(path.parent), **values))


def check_workbook_file(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
    max_ratio: float = DEFAULT_MAX_RATIO,
) -> WorkbookFileInfo:
    """Refuse, with an Indonesian :class:`UnusableFileError` naming the file, anything openpyxl should not load.

    Checks, in order: exists, is a regular file, not empty, not an OLE/CFB file (encrypted workbook or old ``.xls``),
    not too large, is a zip starting with a local header, no zip-level encryption, part count, declared uncompressed
    total and per-part compression ratio (from the zip directory, before decompressing anything), required parts
    present, then one streaming pass over every part that verifies the real decompressed size never exceeds the
    declared one, the CRC, and that no XML part declares a DTD.
    """
    p = Path(path)
    try:
        st = os.stat(p)
    except (FileNotFoundError, NotADirectoryError):
        raise _fail(p, "Berkas '{name}' tidak ditemukan di folder '{folder}'. Periksa nama dan lokasi berkas, lalu ulangi.") from None
    except PermissionError:
        raise _fail(p, "Berkas '{name}' tidak dapat dibaca: akses ditolak. Periksa izin folder '{folder}', lalu ulangi.") from None
    except OSError as exc:
        raise _fail(p, f"Berkas '{{name}}' tidak dapat dibaca ({{detail}}). Periksa koneksi ke folder '{{folder}}', lalu ulangi.", detail=exc.strerror or exc) from None
    if stat.S_ISDIR(st.st_mode):
        raise _fail(p, "'{name}' adalah folder, bukan berkas buku kerja Excel. Pilih berkas .xlsx atau .xlsm.")
    if not stat.S_ISREG(st.st_mode):
        raise _fail(p, "'{name}' bukan berkas biasa, sehingga tidak dapat dibuka sebagai buku kerja Excel.")
    size = st.st_size
    if size == 0:
        raise _fail(p, "Berkas '{name}' kosong (0 byte); kemungkinan penyimpanan sebelumnya terputus. " + _RESTORE_HINT)

    try:
        with open(p, "rb") as fh:
            head = fh.read(8)
            if head == CFB_SIGNATURE:
                raise _cfb_error(p, fh, min(size, max_bytes))
    except PermissionError:
        raise _fail(p, "Berkas '{name}' tidak dapat dibaca: akses ditolak (mungkin dikunci program lain). Tutup program itu atau periksa izin folder, lalu ulangi.") from None
    except OSError as exc:
        raise _fail(p, f"Berkas '{{name}}' tidak dapat dibaca ({{detail}}). Periksa koneksi ke folder '{{folder}}', lalu ulangi.", detail=exc.strerror or exc) from None

    if size > max_bytes:
        raise _fail(p, f"Berkas '{{name}}' terlalu besar ({_size(size)}; batasnya {_size(max_bytes)}). Buku kerja pelacak LKj biasanya jauh lebih kecil; periksa apakah berkasnya benar.")
    if head[:4] != ZIP_LOCAL_SIGNATURE:
        raise _fail(p, "Berkas '{name}' bukan buku kerja Excel (.xlsx/.xlsm); mungkin berkas teks atau CSV yang namanya diganti. " + _SAVE_AS)

    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError):
        raise _fail(p, "Berkas '{name}' rusak: isinya tidak utuh (mungkin penyalinan atau penyimpanan terputus). " + _RESTORE_HINT) from None
    except OSError as exc:
        raise _fail(p, f"Berkas '{{name}}' tidak dapat dibaca ({{detail}}). Periksa koneksi ke folder '{{folder}}', lalu ulangi.", detail=exc.strerror or exc) from None
    with zf:
        infos = zf.infolist()
        _check_directory(p, infos, size, max_uncompressed, max_ratio)
        _check_required_parts(p, {i.filename for i in infos})
        total = _stream_parts(p, zf, infos, max_uncompressed)
        _check_not_strict(p, zf)
    return WorkbookFileInfo(path=p, size=size, uncompressed=total, parts=len(infos))


# --------------------------------------------------------------------------------------------- OLE compound files
def _cfb_error(path: Path, fh, limit: int) -> UnusableFileError:
    """An OLE compound file: an encrypted OOXML package, an old ``.xls``, or something else entirely."""
    names = _cfb_name_hits(fh, limit, ("EncryptionInfo", "EncryptedPackage", "Workbook", "Book"))
    if names & {"EncryptionInfo", "EncryptedPackage"}:
        return _fail(
            path,
            "Berkas '{name}' dilindungi kata sandi (terenkripsi), sehingga tidak dapat dibaca oleh lkj. Buka di Excel, "
            "hapus kata sandinya (File > Info > Proteksi Buku Kerja > Enkripsi dengan Kata Sandi, kosongkan), simpan, lalu ulangi.",
        )
    if names & {"Workbook", "Book"}:
        return _fail(path, "Berkas '{name}' berformat Excel lama (.xls) yang tidak didukung. " + _SAVE_AS)
    return _fail(path, "Berkas '{name}' bukan buku kerja Excel (.xlsx/.xlsm) (berkas Office lama jenis lain). " + _SAVE_AS)


def _cfb_name_hits(fh, limit: int, names: tuple[str, ...]) -> set[str]:
    """Which stream names (as UTF-16LE directory entries, NUL-terminated) occur in the first ``limit`` bytes."""
    needles = {n: n.encode("utf-16-le") + b"\x00\x00" for n in names}
    overlap = max(len(v) for v in needles.values())
    found: set[str] = set()
    fh.seek(0)
    tail = b""
    read = 0
    while read < limit:
        chunk = fh.read(min(_CHUNK * 4, limit - read))
        if not chunk:
            break
        read += len(chunk)
        window = tail + chunk
        for name, needle in needles.items():
            # case-sensitive: "Book" does not match the lower-case "book" inside "Workbook"
            if needle in window:
                found.add(name)
        tail = window[-overlap:]
    return found


# ------------------------------------------------------------------------------------------------ zip directory
def _check_directory(path: Path, infos: list[zipfile.ZipInfo], size: int, max_uncompressed: int, max_ratio: float) -> None:
    if len(infos) > MAX_ENTRIES:
        raise _fail(path, f"Berkas '{{name}}' ditolak: berisi {_num(len(infos))} bagian (batas {_num(MAX_ENTRIES)}); ini bukan buku kerja yang wajar.")
    declared = 0
    compressed = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _fail(path, "Berkas '{name}' dilindungi kata sandi (arsip terenkripsi), sehingga tidak dapat dibaca. Simpan ulang tanpa kata sandi di Excel, lalu ulangi.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _fail(path, f"Berkas '{{name}}' bukan buku kerja Excel yang sah: bagian '{{part}}' memakai metode kompresi yang tidak dikenal. " + _SAVE_AS, part=info.filename)
        declared += info.file_size
        compressed += info.compress_size
        if info.file_size > RATIO_MIN_SIZE and info.file_size > max_ratio * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise _fail(
                path,
                f"Berkas '{{name}}' ditolak karena isinya tidak wajar: bagian '{{part}}' memiliki rasio kompresi "
                f"{_num(ratio)}:1 (batas {_num(max_ratio)}:1). Berkas mungkin rusak atau sengaja dibuat berbahaya.",
                part=info.filename,
            )
    if compressed > size:  # entries overlapping each other (a known zip-bomb construction) or a lying directory
        raise _fail(path, "Berkas '{name}' rusak atau sengaja dibuat berbahaya: daftar isi arsipnya tidak sesuai dengan ukuran berkas. " + _RESTORE_HINT)
    if declared > max_uncompressed:
        raise _fail(
            path,
            f"Berkas '{{name}}' ditolak karena isinya tidak wajar: ukuran setelah diekstrak {_size(declared)} "
            f"(batas {_size(max_uncompressed)}). Berkas mungkin rusak atau sengaja dibuat berbahaya.",
        )
    if declared > RATIO_MIN_SIZE and declared > max_ratio * max(compressed, 1):
        raise _fail(
            path,
            f"Berkas '{{name}}' ditolak karena isinya tidak wajar: rasio kompresi keseluruhan "
            f"{_num(declared / max(compressed, 1))}:1 (batas {_num(max_ratio)}:1). Berkas mungkin rusak atau sengaja dibuat berbahaya.",
        )


def _check_required_parts(path: Path, names: set[str]) -> None:
    if CONTENT_TYPES_PART not in names:
        if "mimetype" in names and "content.xml" in names:
            raise _fail(path, "Berkas '{name}' berformat OpenDocument (.ods), bukan buku kerja Excel. " + _SAVE_AS)
        raise _fail(path, f"Berkas '{{name}}' bukan buku kerja Excel yang lengkap: bagian '{CONTENT_TYPES_PART}' tidak ada. " + _SAVE_AS)
    if WORKBOOK_PART not in names:
        if "xl/workbook.bin" in names:
            raise _fail(path, "Berkas '{name}' berformat Buku Kerja Biner Excel (.xlsb) yang tidak didukung. " + _SAVE_AS)
        raise _fail(path, f"Berkas '{{name}}' bukan buku kerja Excel yang lengkap: bagian '{WORKBOOK_PART}' tidak ada. " + _SAVE_AS)


#: The main namespace of Strict Open XML spreadsheets (ISO/IEC 29500 Strict), which Excel can save but openpyxl and
#: the package engine do not read.
STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"


def _check_not_strict(path: Path, zf: zipfile.ZipFile) -> None:
    with zf.open(WORKBOOK_PART) as stream:  # already streamed and checked once: sizes and prolog are sound
        head = stream.read(_CHUNK)
    root = head.find(b"<workbook")
    if root < 0:
        root = head.find(b":workbook")
    if STRICT_NAMESPACE in head[max(root, 0):]:
        raise _fail(path, "Berkas '{name}' memakai format Strict Open XML tidak didukung; simpan ulang sebagai Buku "
                          "Kerja Excel: buka di Excel, File > Simpan Sebagai, pilih 'Buku Kerja Excel (.xlsx)' atau "
                          "'Buku Kerja Excel Berkemampuan Makro (.xlsm)', lalu ulangi.")


def _stream_parts(path: Path, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], max_uncompressed: int) -> int:
    """Decompress every part once, in chunks: real sizes, CRCs and XML prologs.  Returns the total decompressed size."""
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        actual = 0
        prolog = bytearray()
        verdict: PrologVerdict = "more"
        try:
            with zf.open(info) as stream:
                while True:
                    chunk = stream.read(_CHUNK)
                    if not chunk:
                        break
                    actual += len(chunk)
                    total += len(chunk)
                    if actual > info.file_size or total > max_uncompressed:
                        raise _fail(
                            path,
                            f"Berkas '{{name}}' ditolak karena isinya tidak wajar: bagian '{{part}}' lebih besar "
                            "daripada yang tercatat di arsip. Berkas mungkin rusak atau sengaja dibuat berbahaya.",
                            part=info.filename,
                        )
                    if verdict == "more":
                        prolog += chunk
                        verdict = scan_xml_prolog(bytes(prolog), eof=False)
            if verdict == "more":
                verdict = scan_xml_prolog(bytes(prolog), eof=True)
        except UnusableFileError:
            raise
        except OSError as exc:
            if exc.errno is None:  # not an I/O error from the OS
                raise _fail(path, f"Berkas '{{name}}' rusak: bagian '{{part}}' tidak utuh. " + _RESTORE_HINT, part=info.filename) from None
            raise _fail(path, f"Berkas '{{name}}' tidak dapat dibaca ({{detail}}). Periksa koneksi ke folder '{{folder}}', lalu ulangi.", detail=exc.strerror or exc) from None
        except Exception:  # BadZipFile (bad CRC), zlib.error, EOFError...: corrupt data
            raise _fail(path, f"Berkas '{{name}}' rusak: bagian '{{part}}' tidak utuh. " + _RESTORE_HINT, part=info.filename) from None
        if actual != info.file_size:
            raise _fail(path, f"Berkas '{{name}}' rusak: bagian '{{part}}' tidak utuh. " + _RESTORE_HINT, part=info.filename)
        if verdict in ("dtd", "too-long"):
            raise _fail(
                path,
                "Berkas '{name}' ditolak: bagian '{part}' memuat deklarasi DTD/ENTITY (<!DOCTYPE ...>) yang tidak "
                "pernah dipakai buku kerja Excel asli dan dapat berbahaya. Gunakan berkas asli dari Excel.",
                part=info.filename,
            )
    return total


# --------------------------------------------------------------------------------------------------- XML prologs
def openpyxl_xml_is_defused() -> bool:
    """True when openpyxl never expands entities: its streaming parser (worksheets) is defusedxml's, which raises on
    entity declarations, and its tree parser is defusedxml's too, or lxml's with entity resolution off (openpyxl's
    choice when lxml is installed)."""
    import openpyxl
    from openpyxl.xml import functions

    if not (getattr(openpyxl, "DEFUSEDXML", False) and functions.iterparse.__module__.startswith("defusedxml")):
        return False
    try:  # asked of the parser itself: an internal entity must stay unexpanded (or be refused)
        element = functions.fromstring(b'<!DOCTYPE x [<!ENTITY e "EXPANDED">]><x>&e;</x>')
    except Exception:  # noqa: BLE001 - defusedxml refuses the declaration
        return True
    return "EXPANDED" not in "".join(element.itertext())
