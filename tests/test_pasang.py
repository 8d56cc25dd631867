"""`lkj pasang`: this Python into the user's xlwings config, as xlwings itself reads it; the offline wheelhouse."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lkj_xl.authoring import pasang
from lkj_xl.cli import main


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("USERPROFILE", str(folder))
    return folder


def _xlwings_reads(path: Path, monkeypatch) -> dict[str, str]:
    """The config as xlwings' own reader (utils.read_user_config) sees it."""
    import xlwings
    import xlwings.utils

    monkeypatch.setattr(xlwings, "USER_CONFIG_FILE", str(path))
    return xlwings.utils.read_user_config()


def _vba_input(path: Path) -> dict[str, str]:
    """What VBA's ``Input #f, sVarName, sVarValue`` (GetConfigFromFile) reads: two quoted fields a CRLF line."""
    pairs = {}
    for line in path.read_bytes().decode("utf-8").split("\r\n"):
        if line:
            assert line.count('"') == 4 and line.startswith('"') and line.endswith('"'), line
            key, value = line[1:-1].split('","')
            pairs[key.lower()] = value
    return pairs


def test_pasang_writes_this_python_keeping_other_keys(home, monkeypatch, capsys):
    config = home / ".xlwings" / "xlwings.conf"
    config.parent.mkdir()
    config.write_text('"LICENSE_KEY","noncommercial"\n"interpreter_win","C:\\\\lama\\\\python.exe"\n"CONDA ENV","x"\n')
    assert main(["pasang"]) == 0
    out = capsys.readouterr().out
    read = _xlwings_reads(config, monkeypatch)
    assert read == {"license_key": "noncommercial", "conda env": "x", "interpreter_win": sys.executable,
                    "use udf server": "False"}
    assert _vba_input(config) == read
    # Said in Indonesian what was done and what to check next; not Windows here, and it says so.
    assert sys.executable in out and str(config) in out
    assert "bukan Windows" in out and "Lokasi Tepercaya" in out
    assert pasang.DEFENDER_RULE in out and "TI" in out
    assert main(["pasang", "--server"]) == 0
    assert _xlwings_reads(config, monkeypatch)["use udf server"] == "True"
    assert "Server UDF xlwings dinyalakan" in capsys.readouterr().out


def test_on_windows_pythonw_beside_python_is_chosen(tmp_path):
    python = tmp_path / "Python311" / "python.exe"
    python.parent.mkdir()
    python.write_bytes(b"")
    (python.parent / "pythonw.exe").write_bytes(b"")
    result = pasang.setup_pc(platform="win32", executable=str(python), home=tmp_path / "user")
    assert result.interpreter == python.parent / "pythonw.exe"
    assert result.config == tmp_path / "user" / ".xlwings" / "xlwings.conf"
    assert pasang.read_config(result.config) == [("INTERPRETER_WIN", str(python.parent / "pythonw.exe")),
                                                  ("USE UDF SERVER", "False")]
    (python.parent / "pythonw.exe").unlink()
    interpreter, how = pasang.find_interpreter("win32", str(python))
    assert interpreter == python and "pythonw.exe tidak ada" in how


def test_on_macos_interpreter_mac_in_the_sandbox_config(tmp_path):
    result = pasang.setup_pc(platform="darwin", executable="/usr/local/bin/python3", home=tmp_path)
    assert result.config == tmp_path / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    assert dict(pasang.read_config(result.config))["INTERPRETER_MAC"] == "/usr/local/bin/python3"


def test_the_config_path_is_xlwings_own(home):
    import os
    import subprocess

    # xlwings computes USER_CONFIG_FILE at import, from ~.
    found = subprocess.run([sys.executable, "-c", "import xlwings; print(xlwings.USER_CONFIG_FILE)"],
                           env={**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}, capture_output=True,
                           text=True, check=True).stdout.strip()
    assert Path(found) == pasang.user_config_file() == home / ".xlwings" / "xlwings.conf"


def test_unduh_builds_the_windows_wheelhouse_command(tmp_path):
    folder = tmp_path / "paket"
    commands = pasang.wheelhouse_commands(folder, executable="py")
    download = commands[-1]
    assert download[:11] == ["py", "-m", "pip", "download", "--only-binary=:all:", "--platform", "win_amd64",
                             "--python-version", "3.11", "-d", str(folder)]
    requirements = download[11:]
    assert any(req.startswith("xlwings==") for req in requirements)
    assert any(req.lower().startswith("pyopenvba") for req in requirements)
    assert not any("extra" in req or req.startswith("pytest") for req in requirements)
    if pasang.source_root() is not None:  # from a checkout: lkj-xl itself as a wheel, first
        assert commands[0][:5] == ["py", "-m", "pip", "wheel", "--no-deps"] and commands[0][-2:] == ["-w", str(folder)]


def test_unduh_runs_those_commands(tmp_path, monkeypatch, capsys):
    ran = []

    class Done:
        returncode = 0

    monkeypatch.setattr(pasang.subprocess, "run", lambda command: ran.append(command) or Done())
    assert main(["pasang", "--unduh", str(tmp_path / "paket")]) == 0
    out = capsys.readouterr().out
    assert ran == pasang.wheelhouse_commands(tmp_path / "paket")
    assert f"py -m pip install --no-index --find-links {tmp_path / 'paket'} lkj-xl" in out


def _package_copy(tmp_path: Path) -> Path:
    import shutil

    import lkj_xl

    source = Path(lkj_xl.__file__).parent
    target = tmp_path / "site" / "lkj_xl"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_pasang_compiles_the_package_once(home, tmp_path):
    """Clicks run Python with -B and never write bytecode: `lkj pasang` writes it for every module, for this
    Python, so that no click compiles lkj_xl from source."""
    import importlib.util

    package = _package_copy(tmp_path)
    modules = sorted(package.rglob("*.py"))
    assert modules and not list(package.rglob("*.pyc"))
    result = pasang.setup_pc(platform="win32", home=home, package=package)
    for module in modules:
        compiled = Path(importlib.util.cache_from_source(str(module)))
        assert compiled.is_file(), module
    assert any("dikompilasi" in note for note in result.notes)


def test_pasang_says_when_it_cannot_write_the_bytecode(home, tmp_path):
    """A place the bytecode cannot go (here a file named __pycache__ where its folder would be; on a PC, a folder
    the user may not write to) is said in a note; the rest of the set-up is done."""
    package = _package_copy(tmp_path)
    (package / "__pycache__").write_text("bukan folder")
    result = pasang.setup_pc(platform="win32", home=home, package=package)
    note = next(n for n in result.notes if "bytecode" in n)
    assert "tidak dapat ditulis" in note and "administrator" in note
    assert pasang.user_config_file("win32", home).is_file()
