"""The report of a closed cycle kept as files of its own beside the tracker (``lkj tutup``): an .xlsx holding the
Laporan sheet alone, and a PDF of it made by LibreOffice where it is installed.

The .xlsx is the report template the builder makes (same layout, formats, chart and print set-up) filled with the
values the tracker's Laporan held when the cycle closed, so it opens and prints the same without the tracker.  A
file of the same name from an earlier closing (a cycle reopened and closed again) is moved to ``Cadangan LKj``
first, never overwritten.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

from lkj_xl.core.errors import UnusableFileError
from lkj_xl.workbook import layout

#: Seconds LibreOffice may take to convert one report (it takes about a second; a first start a few more).
SOFFICE_TIMEOUT = 180


@dataclass(frozen=True)
class ReportFiles:
    xlsx: Path
    pdf: Path | None
    #: why there is no PDF (Indonesian), None when there is one
    pdf_missing: str | None = None


def report_paths(tracker: Path, year: Any) -> tuple[Path, Path]:
    """Where the closed cycle's report files go: beside the tracker, "<tracker> - Laporan 2025.xlsx" / ".pdf" (a
    period: "... - Laporan 2025-TW3.xlsx"; an activity's name made a valid file name on Windows too)."""
    from pathvalidate import sanitize_filename

    label = sanitize_filename(str(year), platform="windows", replacement_text="-", max_len=80).strip() or "siklus"
    base = f"{tracker.stem} - Laporan {label}"
    return tracker.with_name(base + ".xlsx"), tracker.with_name(base + ".pdf")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def files_text(tracker: Path, year: Any) -> str:
    """What ``Siklus Tertutup`` records under "Berkas laporan" (names, beside the tracker)."""
    xlsx, pdf = report_paths(tracker, year)
    if soffice() is None:
        return f"{xlsx.name} (PDF tidak dibuat: LibreOffice tidak terpasang)"
    return f"{xlsx.name}; {pdf.name}"


def _keep_earlier(path: Path, now: datetime) -> None:
    if not path.exists():
        return
    from lkj_xl.files.names import BACKUP_DIR_NAME

    folder = path.parent / BACKUP_DIR_NAME
    folder.mkdir(exist_ok=True)
    shutil.move(str(path), folder / f"{path.stem}_{now:%Y%m%d-%H%M%S}{path.suffix}")


def write_report_xlsx(values: Sequence[Sequence[Any]], sop: Any, settings: Any, out: Path) -> Path:
    """The Laporan ``values`` (as read from the tracker) in the report template, alone in a new workbook."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import MergedCell

    from lkj_xl.authoring.report_template import build_report_template
    from lkj_xl.engines.openpyxl_book import FileBook, save_openpyxl
    from lkj_xl.workbook.printing import fit_report

    wb = Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet(layout.SHEET_REPORT)
    build_report_template(ws, sop, settings)
    book = FileBook(wb)
    for r0, row in enumerate(values):
        for c0, value in enumerate(row):
            if value is not None and not isinstance(ws.cell(row=r0 + 1, column=c0 + 1), MergedCell):
                book.write(layout.SHEET_REPORT, r0 + 1, c0 + 1, [[value]])
    fit_report(book, len(sop.steps))
    wb.properties.creator = "lkj-xl"
    wb.properties.title = f"Laporan LKj - {settings.agency}"
    tmp = out.with_name(f".{out.stem}.tmp.xlsx")
    try:
        save_openpyxl(wb, tmp)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UnusableFileError(f"Berkas laporan '{out.name}' tidak dapat ditulis ({exc.strerror or exc}).") from exc
    return out


def convert_to_pdf(xlsx: Path, pdf: Path) -> str | None:
    """``xlsx`` -> ``pdf`` with LibreOffice (a throw-away profile, so a LibreOffice open on the desktop does not
    interfere).  Returns None on success, else why not (Indonesian)."""
    program = soffice()
    if program is None:
        return "LibreOffice (soffice) tidak terpasang di komputer ini"
    with tempfile.TemporaryDirectory(prefix="lkj-pdf-") as work:
        profile = Path(work) / "profil"
        out = Path(work) / "keluaran"
        try:
            result = subprocess.run([program, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                                     "--convert-to", "pdf", "--outdir", str(out), str(xlsx)],
                                    capture_output=True, text=True, timeout=SOFFICE_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"LibreOffice gagal dijalankan ({exc})"
        made = out / (xlsx.stem + ".pdf")
        if not made.exists():
            return f"LibreOffice tidak menghasilkan PDF ({(result.stderr or result.stdout).strip()[:200]})"
        shutil.move(str(made), pdf)
    return None


def keep_report(tracker: Path, year: Any, values: Sequence[Sequence[Any]], sop: Any, settings: Any,
                now: datetime) -> ReportFiles:
    """Write the closed cycle's report files beside ``tracker`` (earlier ones of the same name to Cadangan LKj)."""
    xlsx, pdf = report_paths(tracker, year)
    for path in (xlsx, pdf):
        _keep_earlier(path, now)
    write_report_xlsx(values, sop, settings, xlsx)
    missing = convert_to_pdf(xlsx, pdf)
    return ReportFiles(xlsx, None if missing else pdf, missing)


__all__ = ["ReportFiles", "convert_to_pdf", "files_text", "keep_report", "report_paths", "write_report_xlsx"]
