"""``lkj build-workbook``: the macro-enabled tracker ``workbook/LKj_Tracker.xlsm`` from the repository's sources.

The layout comes from :func:`lkj_xl.authoring.builder.build_tracker`, the ribbon and VBA from ``macros/``, xlwings' standalone
VBA from the installed xlwings package (:func:`lkj_xl.authoring.xlsm.build_xlsm`).  Nothing here reads the clock: the
template's reporting year is fixed (an admin sets the real one on ``Pengaturan``), and the package's dates are fixed,
so two builds are byte-identical and a test can compare the committed workbook with a fresh build.

The ribbon and VBA sources come with the installed package (``lkj_xl/macros``), or from the checkout's ``macros/``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from lkj_xl.core.errors import UnusableFileError
from lkj_xl.core.settings import DEFAULT_AGENCY, DEFAULT_GOVERNMENT

#: The reporting year the distributed template starts with: LKj 2026, prepared and due (March) in 2027.
TEMPLATE_YEAR = 2026
TEMPLATE_AGENCY = DEFAULT_AGENCY
TEMPLATE_GOVERNMENT = DEFAULT_GOVERNMENT

#: Where ``lkj build-workbook`` writes by default, relative to the folder it runs in: in a checkout of the
#: repository, the committed workbook.
DEFAULT_OUT = Path("workbook", "LKj_Tracker.xlsm")


def build_workbook(out: str | Path = DEFAULT_OUT, *, macros_dir: str | Path | None = None) -> Path:
    """Build the macro-enabled tracker at ``out`` (replacing it) and return its path."""
    from lkj_xl.authoring.builder import build_tracker
    from lkj_xl.authoring.xlsm import MACROS_DIR, build_xlsm

    folder = Path(macros_dir) if macros_dir is not None else MACROS_DIR
    if not (folder / "customUI14.xml").is_file():
        raise UnusableFileError(
            f"Folder makro \"{folder}\" tidak ditemukan. Jalankan `lkj build-workbook` dari salinan repositori lkj-xl "
            "(folder macros/ berisi customUI14.xml dan modul VBA).")
    target = Path(out)
    if target.suffix.lower() != ".xlsm":
        raise UnusableFileError(
            f"Buku kerja makro harus berakhiran .xlsm, bukan '{target.name}'. Untuk buku kerja biasa tanpa tab LKj "
            "pakai: lkj new BERKAS.xlsx --year TAHUN")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lkj-build-") as tmp:
        xlsx = Path(tmp) / "LKj_Tracker.xlsx"
        build_tracker(xlsx, year=TEMPLATE_YEAR, agency=TEMPLATE_AGENCY, government=TEMPLATE_GOVERNMENT)
        built = Path(tmp) / target.name
        build_xlsm(xlsx, built, macros_dir=folder)
        from lkj_xl.files.macro_check import check_package_kind

        problems = check_package_kind(built, deep=True)
        if problems:
            raise UnusableFileError(f"{target.name} tidak dibuat: " + " ".join(problems))
        target.write_bytes(built.read_bytes())
    return target


def new_tracker(path: str | Path, *, year: int, agency: str, government: str, overwrite: bool = False,
                sop: Any = None) -> Path:
    """``lkj new``: the tracker for ``agency`` and ``year`` at ``path`` (see :func:`create_tracker`)."""
    return create_tracker(path, year=year, agency=agency, government=government, overwrite=overwrite, sop=sop)[0]


def create_tracker(path: str | Path, *, year: int, agency: str, government: str,
                   overwrite: bool = False, sop: Any = None, cycle: dict[str, Any] | None = None) -> tuple[Path, Any]:
    """The tracker for ``agency`` and ``year`` at ``path``, and the backup made of the file it replaced (or None).

    ``.xlsx`` gives the plain workbook (no macros, no ribbon); ``.xlsm`` the full macro-enabled tracker (VBA project,
    LKj ribbon, hidden ``xlwings.conf`` sheet), exactly what ``lkj build-workbook`` makes but for this agency and
    year.  Any other name is refused.  The file is checked (:func:`check_package_kind`) before it is put in place,
    and an existing file is replaced only with ``overwrite``, through the same safe save as every other write
    (:func:`lkj_xl.files.backups.atomic_write`: not while Excel has it open, under the lkj lock, the previous version
    to ``Cadangan LKj``, one atomic replace; a read-only file is refused)."""
    from lkj_xl.authoring.builder import build_tracker
    from lkj_xl.files.backups import atomic_write
    from lkj_xl.files.guard import check_workbook_file
    from lkj_xl.files.locks import ensure_not_open_in_excel, real_path, refuse_read_only
    from lkj_xl.files.macro_check import check_package_kind, require_workbook_suffix

    target = Path(path)
    suffix = require_workbook_suffix(target)
    if target.exists() and not overwrite:
        raise UnusableFileError(f"Berkas {target} sudah ada; pilih nama lain atau tambahkan --force untuk menimpanya.")
    if target.exists():  # refuse before minutes of building
        refuse_read_only(real_path(target))
        ensure_not_open_in_excel(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="lkj-new-") as tmp:
            xlsx = Path(tmp) / "tracker.xlsx"
            extra = {"sop": sop} if sop is not None else {}  # None: SOP 3.1.2.6
            extra.update(cycle or {})  # period_kind, deadline_rule, timezone (lkj new --siklus ...)
            build_tracker(xlsx, year=year, agency=agency, government=government, **extra)
            built = xlsx
            if suffix == ".xlsm":
                from lkj_xl.authoring.xlsm import build_xlsm

                built = build_xlsm(xlsx, Path(tmp) / "tracker.xlsm")
            problems = check_package_kind(built)
            if problems:
                raise UnusableFileError(f"{target.name} tidak dibuat: " + " ".join(problems))
            data = built.read_bytes()
    except OSError as exc:
        raise UnusableFileError(
            f"Buku kerja {target.name} tidak dapat dibuat ({exc.strerror or exc}). Periksa ruang kosong di disk dan "
            f"folder sementara, lalu ulangi. Tidak ada berkas yang diubah.") from None
    backup = atomic_write(target, lambda tmp: tmp.write_bytes(data), check_workbook_file)
    return target, backup
