"""What every ribbon button's handler shares: the live book, the message box and the wording of its messages.

A module of its own so that :mod:`lkj_xl.ribbon` (dispatch and the everyday buttons) and
:mod:`lkj_xl.ribbon.occasional` (the buttons clicked now and then, loaded only then) both use it without
importing each other.
"""

from __future__ import annotations

import sys
from typing import Any

from lkj_xl.engines import excel_host
from lkj_xl.runtime import log_failure

TITLE = "Pelacak LKj"
#: Problems listed in a message box; the rest are on the Masalah sheet.
MAX_LISTED = 5
#: A listed problem's text is cut to this many characters.
MAX_PROBLEM_CHARS = 220


def live(xl_book: Any):
    """The workbook open in Excel (or the json engine's book) as a :class:`lkj_xl.workbook.book.Book`."""
    from lkj_xl.engines.xlwings_book import LiveBook

    return LiveBook(xl_book)


def counts(analysis: Any) -> str:
    from lkj_xl.workbook import layout

    return (f"{len(analysis.errors)} kesalahan, {len(analysis.warnings)} peringatan \u2014 lihat lembar "
            f"{layout.SHEET_PROBLEMS}")


def problem_part(analysis: Any) -> str:
    if not analysis.problems:
        return "Tidak ada kesalahan dan tidak ada peringatan."
    return f"{counts(analysis)}.\n{listing(analysis.problems)}"


def listing(problems: Any) -> str:
    """The first few problems, errors first, one line each."""
    from lkj_xl.core.entries import ERROR

    ordered = sorted(problems, key=lambda p: 0 if p.severity == ERROR else 1)
    lines = []
    for problem in ordered[:MAX_LISTED]:
        text = problem.describe()
        if len(text) > MAX_PROBLEM_CHARS:
            text = text[: MAX_PROBLEM_CHARS - 3].rstrip() + "..."
        lines.append(f"\u2022 {text}")
    rest = len(ordered) - MAX_LISTED
    if rest > 0:
        lines.append(f"... dan {rest} lainnya.")
    return "\n".join(lines)


def overall(analysis: Any) -> str:
    """The cycle against the final deadline, then (a fact of its own) the steps overdue now, in Beranda's words
    (:mod:`lkj_xl.workbook.summary`); a closed cycle says so."""
    from lkj_xl.workbook.summary import summary_lines

    lines = summary_lines(analysis)
    return ".\n".join([lines[0], lines[1]] + lines[3:])


def cycle(analysis: Any) -> str:
    """"tahun 2025" / "periode 2025-S1"."""
    from lkj_xl.core.periods import key_title

    return key_title(analysis.year)


def when(moment: Any) -> str:
    from lkj_xl.core.dates import format_datetime_id

    try:
        return format_datetime_id(moment)
    except Exception:  # noqa: BLE001
        return str(moment)


def alert(xl_book: Any, text: str, *, critical: bool) -> None:
    """A message box; if even that fails, the message goes to stderr (xlwings' VBA shows it on a failed run)."""
    if not excel_host.alert(xl_book, text, title=TITLE, critical=critical):
        log_failure("alert", RuntimeError("message box failed"), note=text)
        sys.stderr.write(text + "\n")


__all__ = ["MAX_LISTED", "MAX_PROBLEM_CHARS", "TITLE", "alert", "counts", "cycle", "listing", "live", "overall",
           "problem_part", "when"]
