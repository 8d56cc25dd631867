"""``lkj pasang``: make this PC's Excel run the LKj ribbon with this Python (one command per staff PC, after pip).

xlwings' VBA finds its settings in the workbook's ``xlwings.conf`` sheet, then an ``xlwings.conf`` beside the
workbook, then the user's own file (``%USERPROFILE%\\.xlwings\\xlwings.conf`` on Windows,
``~/Library/Containers/com.microsoft.Excel/Data/xlwings.conf`` on macOS: ``xlwings.USER_CONFIG_FILE``).  The tracker's
sheet deliberately names no interpreter, so the user's file decides which Python a click starts; this module writes
``INTERPRETER_WIN`` (and ``INTERPRETER_MAC`` on macOS) there, keeping every other key, in the format both sides read:
one ``"KEY","VALUE"`` line per key (xlwings' ``cli.update_user_config`` writes it, VBA's ``Input #`` in
``GetConfigFromFile`` and Python's ``utils.read_user_config`` read it; keys compare case-insensitively).  Lines end in
CRLF, as VBA's ``Write #`` and Python on Windows write them.

xlwings' VBA starts Python with ``-B`` at every click, so a click never writes bytecode: a copy of lkj_xl installed
without it (``pip install --no-compile``, a folder copied by hand) is compiled from source at every click (70-100 ms
of CPU, about a third of what a click costs beyond xlwings: ``benchmarks/ribbon_import.py``, "first run").
``setup_pc`` therefore compiles the installed package once (:func:`compile_package`, the standard ``compileall``).

``wheelhouse_commands`` gives the command lines that fill a folder with Windows wheels for an offline install
(``py -m pip install --no-index --find-links FOLDER lkj-xl``).

Only the standard library; xlwings is not imported (its paths are restated here).
"""

from __future__ import annotations

import compileall
import io
import os
import subprocess
import sys
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

from lkj_xl.core.errors import UnusableFileError

#: The Windows Python the wheelhouse is for (the Python staff PCs get).
WHEELHOUSE_PLATFORM = "win_amd64"
WHEELHOUSE_PYTHON = "3.11"
#: The Defender attack-surface-reduction rule that blocks every RunPython.
DEFENDER_RULE = "Block Office applications from creating child processes"
DEFENDER_RULE_ID = "D4F940AB-401B-4EFC-AADC-AD5F3C50688A"


def user_config_file(platform: str | None = None, home: str | Path | None = None) -> Path:
    """xlwings' ``USER_CONFIG_FILE`` for ``platform`` (default: this one); ``home`` defaults to ``~``."""
    platform = platform or sys.platform
    base = Path(home) if home is not None else Path(os.path.expanduser("~"))
    if platform.startswith("darwin"):
        return base / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    return base / ".xlwings" / "xlwings.conf"


def find_interpreter(platform: str | None = None, executable: str | None = None) -> tuple[Path, str]:
    """The Python Excel should start, and an Indonesian note on how it was chosen.

    On Windows ``pythonw.exe`` beside ``sys.executable`` (no console window flashing at each click); elsewhere
    ``sys.executable`` itself."""
    platform = platform or sys.platform
    current = Path(executable or sys.executable)
    if platform.startswith("win"):
        windowless = current.with_name("pythonw.exe")
        if windowless.is_file():
            return windowless, f"pythonw.exe di folder Python ini ({current.parent})"
        return current, (f"pythonw.exe tidak ada di {current.parent}; dipakai {current.name} (jendela hitam akan "
                         "tampil sebentar setiap kali tombol diklik)")
    return current, f"bukan Windows ({platform}): dipakai sys.executable apa adanya"


def read_config(path: Path) -> list[tuple[str, str]]:
    """``(key, value)`` of every ``"KEY","VALUE"`` line of an xlwings config file, in order ([] if absent)."""
    if not path.is_file():
        return []
    import re

    pairs = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        values = re.findall(r'"([^"]*)"', line)
        if len(values) >= 2:
            pairs.append((values[0], values[1]))
    return pairs


def write_config(path: Path, settings: dict[str, str]) -> list[tuple[str, str]]:
    """Set ``settings`` in the xlwings config ``path`` (keys compared case-insensitively), keep every other key;
    return the file's pairs.  Refuses a value with a double quote (the format has no escape for it)."""
    for key, value in settings.items():
        if '"' in key or '"' in value:
            raise UnusableFileError(f'Nilai untuk {key} memuat tanda petik ("): tidak dapat ditulis ke xlwings.conf.')
    wanted = {key.casefold() for key in settings}
    pairs = [(key, value) for key, value in read_config(path) if key.casefold() not in wanted]
    pairs += list(settings.items())
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f'"{key}","{value}"\r\n' for key, value in pairs)
    tmp = path.with_name(path.name + ".lkj-tmp")
    tmp.write_bytes(text.encode("utf-8"))
    os.replace(tmp, path)
    return pairs


@dataclass
class SetupResult:
    config: Path
    interpreter: Path
    how: str
    settings: dict[str, str]
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"Python untuk tombol LKj di Excel: {self.interpreter}", f"  ({self.how})",
                 f"Pengaturan xlwings pengguna ditulis: {self.config}"]
        lines += [f"  {key} = {value}" for key, value in self.settings.items()]
        lines += self.notes
        lines += [
            "",
            "Periksa selanjutnya:",
            "1. Buka buku kerja LKj (.xlsm) dari folder jaringan, klik tab LKj lalu Cek Sistem.",
            "2. Bila Excel menahan makro (\"Microsoft has blocked macros\" / \"Makro dinonaktifkan\"): tambahkan folder "
            "jaringan itu sebagai Lokasi Tepercaya (File > Opsi > Pusat Kepercayaan > Pengaturan Pusat Kepercayaan > "
            "Lokasi Tepercaya, centang \"Izinkan lokasi tepercaya di jaringan saya\"), atau minta TI mengaturnya.",
            f"3. Bila tombol LKj tidak berbuat apa-apa atau muncul galat saat menjalankan Python: aturan Windows "
            f"Defender \"{DEFENDER_RULE}\" ({DEFENDER_RULE_ID}) memblokirnya. Itu satu-satunya hal yang harus "
            "diizinkan TI untuk Excel di komputer ini.",
        ]
        return "\n".join(lines)


def compile_package(root: str | Path | None = None) -> str:
    """Write the bytecode of every module of the installed lkj_xl (``root``: another copy) beside it, for this
    Python; an Indonesian line saying what was done (a folder this user may not write to is said, not an error)."""
    folder = Path(root) if root is not None else Path(__file__).resolve().parents[1]
    with redirect_stdout(io.StringIO()):  # compileall names each failing file on stdout
        done = compileall.compile_dir(str(folder), quiet=2, workers=1)
    if done:
        return f"Kode lkj-xl dikompilasi sekali (bytecode) di {folder}: klik tombol tidak mengompilasinya lagi."
    return (f"Catatan: bytecode lkj-xl tidak dapat ditulis di {folder} (folder itu tidak boleh ditulis pengguna "
            f"ini?); setiap klik akan sedikit lebih lambat. Jalankan `lkj pasang` sekali sebagai administrator.")


def setup_pc(*, server: bool = False, platform: str | None = None, executable: str | None = None,
             home: str | Path | None = None, package: str | Path | None = None) -> SetupResult:
    """Write this Python into the user's xlwings config (``--server``: also ``USE UDF SERVER``), and compile the
    installed lkj_xl (``package``: another copy of it) so that no click compiles it."""
    platform = platform or sys.platform
    interpreter, how = find_interpreter(platform, executable)
    settings = {"INTERPRETER_MAC" if platform.startswith("darwin") else "INTERPRETER_WIN": str(interpreter)}
    notes = []
    if server:
        settings["USE UDF SERVER"] = "True"
        notes.append("Server UDF xlwings dinyalakan: Python tetap berjalan di antara klik (klik berikutnya lebih "
                     "cepat). Matikan dengan menjalankan lagi `lkj pasang` tanpa --server.")
    else:
        settings["USE UDF SERVER"] = "False"
    config = user_config_file(platform, home)
    write_config(config, settings)
    notes.append(compile_package(package))
    if not platform.startswith("win"):
        notes.append("Catatan: komputer ini bukan Windows; tombol LKj di Excel untuk Windows memerlukan `lkj pasang` "
                     "dijalankan di komputer Windows itu sendiri.")
    return SetupResult(config, interpreter, how, settings, notes)


def distribution_requirements() -> list[str]:
    """The installed lkj-xl's run-time requirements (no extras), e.g. ``["xlwings==0.37.8", ...]``."""
    from importlib import metadata

    try:
        requires = metadata.requires("lkj-xl") or []
    except metadata.PackageNotFoundError:
        requires = []
    return [req for req in requires if "extra ==" not in req.replace('"', "").replace("'", "")]


def source_root() -> Path | None:
    """The checkout holding this package (a folder with pyproject.toml naming lkj-xl), or None for an install."""
    root = Path(__file__).resolve().parents[2]
    project = root / "pyproject.toml"
    if project.is_file() and 'name = "lkj-xl"' in project.read_text(encoding="utf-8", errors="replace"):
        return root
    return None


def wheelhouse_commands(folder: str | Path, *, python_version: str = WHEELHOUSE_PYTHON,
                        platform: str = WHEELHOUSE_PLATFORM, executable: str | None = None) -> list[list[str]]:
    """Command lines that fill ``folder`` with every wheel a Windows PC needs for ``lkj-xl`` (no network there).

    From a checkout, first ``pip wheel --no-deps`` of lkj-xl itself (pure Python, fits any platform); then
    ``pip download --only-binary=:all: --platform win_amd64 --python-version 3.11`` of its requirements."""
    python = executable or sys.executable
    target = str(Path(folder))
    commands = []
    root = source_root()
    if root is not None:
        commands.append([python, "-m", "pip", "wheel", "--no-deps", str(root), "-w", target])
    requirements = distribution_requirements()
    if not requirements:
        raise UnusableFileError("Daftar kebutuhan paket lkj-xl tidak terbaca; pasang lkj-xl dengan pip lalu ulangi.")
    commands.append([python, "-m", "pip", "download", "--only-binary=:all:", "--platform", platform,
                     "--python-version", python_version, "-d", target, *requirements])
    return commands


def download_wheelhouse(folder: str | Path, **options) -> list[list[str]]:
    """Run :func:`wheelhouse_commands`; return them.  Raises an Indonesian error if one fails."""
    commands = wheelhouse_commands(folder, **options)
    Path(folder).mkdir(parents=True, exist_ok=True)
    for command in commands:
        if subprocess.run(command).returncode != 0:
            raise UnusableFileError("Pengunduhan paket gagal: " + " ".join(command) + ". Periksa koneksi internet.")
    return commands


__all__ = ["find_interpreter", "setup_pc", "user_config_file", "wheelhouse_commands", "write_config"]
