"""The committed workbook/LKj_Tracker.xlsm is exactly what `lkj build-workbook` makes from this checkout."""

import zipfile
from pathlib import Path

from lkj_xl import __version__
from lkj_xl.authoring.macro_workbook import DEFAULT_OUT as BUILD_OUT, TEMPLATE_YEAR, build_workbook
from lkj_xl.engines.package import PackageBook
from lkj_xl.workbook.reader import load_tracker
from lkj_xl.files.macro_check import verify_xlsm
from lkj_xl.workbook.commands import RIBBON_ACTIONS

#: The committed workbook: `lkj build-workbook` run at the repository's top writes it there.
DEFAULT_OUT = Path(__file__).resolve().parents[1] / BUILD_OUT


def test_committed_workbook_equals_a_fresh_build(tmp_path):
    fresh = build_workbook(tmp_path / "LKj_Tracker.xlsm")
    assert DEFAULT_OUT.is_file(), "workbook/LKj_Tracker.xlsm is missing: run `lkj build-workbook`"
    assert fresh.read_bytes() == DEFAULT_OUT.read_bytes(), (
        "workbook/LKj_Tracker.xlsm differs from a fresh build: run `lkj build-workbook` and commit the result "
        f"(lkj-xl {__version__})")


def test_committed_workbook_is_a_working_tracker():
    assert verify_xlsm(DEFAULT_OUT, deep=True) == []
    with zipfile.ZipFile(DEFAULT_OUT) as package:
        ribbon = package.read("customUI/customUI14.xml").decode("utf-8")
    assert all(f'tag="{action}"' in ribbon for action in RIBBON_ACTIONS)
    tracker = load_tracker(PackageBook.open(DEFAULT_OUT))
    assert tracker.problems == []
    assert tracker.settings.year == TEMPLATE_YEAR
    assert [s.number for s in tracker.sop.steps] == list(range(1, 9))


def test_two_builds_are_byte_identical(tmp_path: Path):
    first = build_workbook(tmp_path / "a.xlsm").read_bytes()
    second = build_workbook(tmp_path / "b.xlsm").read_bytes()
    assert first == second


# --- Excel's repair prompt, and the damage the check catches ----------------------------------------------------------

import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402

from excel_repair import excel_repair_problems, require_shared  # noqa: E402


def test_committed_workbook_opens_without_repair():
    require_shared()
    assert excel_repair_problems(DEFAULT_OUT) == []


def _with_part(source: Path, target: Path, name: str, change) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info.filename, change(data) if info.filename == name else data)
    return target


def test_the_repair_check_catches_damage(tmp_path):
    require_shared()
    from pyopenvba.cfb import CFB

    def vba_cache(data: bytes) -> bytes:
        cfb = CFB.from_bytes(data)
        cfb.write_stream_in_storage("VBA", "_VBA_PROJECT", b"\xcc\x61\xb5\x00\x00\x01\x00" + bytes(20))
        return cfb.to_bytes()

    with zipfile.ZipFile(DEFAULT_OUT) as package:
        table = next(n for n in package.namelist() if n.startswith("xl/tables/"))
        sheet = next(n for n in package.namelist() if n.startswith("xl/worksheets/sheet")
                     and b"<dataValidation " in package.read(n))
    cases = {
        "header": (table, lambda d: re.sub(rb'(<tableColumn id="1" name=")[^"]*"', rb'\1Salah"', d, count=1)),
        "missing target": ("xl/_rels/workbook.xml.rels", lambda d: d.replace(b'Target="styles.xml"', b'Target="x.xml"')),
        "prompt": (sheet, lambda d: re.sub(rb'prompt="[^"]*"', b'prompt="' + b"x" * 300 + b'"', d, count=1)),
        "code name": ("xl/workbook.xml", lambda d: d.replace(b'codeName="ThisWorkbook"', b'codeName="BukuIni"')),
        "cache": ("xl/vbaProject.bin", vba_cache),
    }
    for label, (part, change) in cases.items():
        damaged = _with_part(DEFAULT_OUT, tmp_path / f"{label}.xlsm", part, change)
        assert excel_repair_problems(damaged), label


# --- the macros ship with the package ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    # Built from a private copy of the source tree: setuptools writes build/ and *.egg-info/ beside the sources, and
    # two builds at once (two xdist workers) in one tree collide there ("File exists: build/bdist...").
    root = Path(__file__).resolve().parents[1]
    source = folder / "source"
    shutil.copytree(root, source, ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__", ".*cache"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", str(source), "-w", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0 and re.search(r"No matching distribution|Could not find a version", done.stdout + done.stderr):
        pytest.skip("no package index here for the build backend (setuptools)")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return next(folder.glob("lkj_xl-*.whl"))


def _package_data() -> list[str]:
    """The data files inside lkj_xl (the SOP schema and example, the national holiday table, py.typed)."""
    root = Path(__file__).resolve().parents[1] / "lkj_xl"
    found = [f.relative_to(root.parent).as_posix() for f in [*root.rglob("*.json"), root / "py.typed"]]
    assert "lkj_xl/workbook/national_holidays.json" in found
    return found


def test_wheel_holds_the_macros_and_every_subpackage(wheel):
    with zipfile.ZipFile(wheel) as package:
        names = set(package.namelist())
    assert {"lkj_xl/macros/customUI14.xml", "lkj_xl/macros/LKjRibbon.bas"} <= names
    root = Path(__file__).resolve().parents[1] / "lkj_xl"
    for module in root.rglob("*.py"):
        assert module.relative_to(root.parent).as_posix() in names, module
    assert sorted(set(_package_data()) - names) == []


def test_sdist_holds_the_package_data_and_the_macros(tmp_path):
    """A source distribution (what an index serves besides the wheel, and what pip builds a wheel from when there is
    none for the platform) carries the same data files, so a wheel built from it has them too."""
    import tarfile

    pytest.importorskip("build", reason="the `build` frontend is not installed (pip install -e .[test])")
    root = Path(__file__).resolve().parents[1]
    source = tmp_path / "source"
    shutil.copytree(root, source, ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__", ".*cache"))
    done = subprocess.run([sys.executable, "-m", "build", "--sdist", "--outdir", str(tmp_path / "dist"), str(source)],
                          capture_output=True, text=True)
    if done.returncode != 0 and re.search(r"No matching distribution|Could not find a version", done.stdout + done.stderr):
        pytest.skip("no package index here for the build backend (setuptools)")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    with tarfile.open(next((tmp_path / "dist").glob("lkj_xl-*.tar.gz"))) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"macros/customUI14.xml", "macros/LKjRibbon.bas"} <= names
    assert sorted(set(_package_data()) - names) == []


def test_an_install_finds_its_macros_and_builds_the_workbook(wheel, tmp_path):
    """The wheel unpacked as site-packages would hold it: MACROS_DIR is lkj_xl/macros there, and
    `lkj build-workbook` works from any folder (no checkout)."""
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as package:
        package.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    found = subprocess.run([sys.executable, "-c", "import lkj_xl.authoring.xlsm as x; print(x.MACROS_DIR)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(found) == site / "lkj_xl" / "macros"
    table = subprocess.run([sys.executable, "-c", "import sys; from lkj_xl.workbook import holiday_table as h; "
                            "assert h.national_holidays([2025]); assert 'holidays' not in sys.modules; print(h.TABLE_PATH)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True)
    assert table.returncode == 0, table.stderr
    assert Path(table.stdout.strip()) == site / "lkj_xl" / "workbook" / "national_holidays.json"
    done = subprocess.run([sys.executable, "-m", "lkj_xl", "build-workbook", "--out", "LKj.xlsm"], cwd=elsewhere,
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (elsewhere / "LKj.xlsm").read_bytes() == DEFAULT_OUT.read_bytes()
