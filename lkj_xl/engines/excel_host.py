"""Excel itself, as the ribbon needs it beyond reading and writing cells: the calling workbook, message boxes, the
status bar, the json engine's action queue, and the xlwings versions on both sides.  Every call into xlwings that is
not the :class:`~lkj_xl.engines.xlwings_book.LiveBook` lives here, so the ribbon shell never imports xlwings.
"""

from __future__ import annotations

import os
import re
from typing import Any


def caller_book() -> Any:
    """The workbook whose button ran this Python (``xw.Book.caller()``); raises when there is none."""
    import xlwings as xw

    return xw.Book.caller()


def xlwings_version() -> str | None:
    """The installed xlwings' version (None when it cannot be imported)."""
    try:
        import xlwings

        return str(xlwings.__version__)
    except Exception:  # noqa: BLE001
        return None


def alert(xl_book: Any, text: str, *, title: str, critical: bool) -> bool:
    """A message box; False when even that failed (the caller then writes the text where xlwings' VBA shows it)."""
    try:
        xl_book.app.alert(text, title=title, mode="critical" if critical else "info")
        return True
    except Exception:  # noqa: BLE001
        return False


def set_status(xl_book: Any, text: str | None) -> None:
    """Excel's status bar (None restores Excel's own); silently skipped where the engine has none (json engine)."""
    try:
        xl_book.app.status_bar = text if text is not None else False
    except Exception:  # noqa: BLE001 - NotImplementedError on the json engine, COM errors on desktop
        pass


def json_mark(xl_book: Any) -> int | None:
    """json engine: how many actions are queued before the action runs (to drop its partial writes on failure)."""
    try:
        return len(xl_book.json()["actions"])
    except Exception:  # noqa: BLE001 - desktop engines have no action queue
        return None


def json_rollback(xl_book: Any, mark: int | None) -> None:
    """json engine: forget the actions a failed action queued, so the workbook is left as it was.  (Desktop Excel
    applies every write at once; there the message says to run the action again.)"""
    if mark is None:
        return
    try:
        del xl_book.json()["actions"][mark:]
    except Exception:  # noqa: BLE001
        pass


def vba_xlwings_version(xl_book: Any) -> str | None:
    """The ``'Version:`` line of the workbook's VBA module ``xlwings``, where it can be read.

    json engine: the client states its xlwings version in the payload.  Desktop Excel: through the VBA project
    (needs "Trust access to the VBA project object model"), else from the saved file's ``vbaProject.bin``.
    """
    pattern = re.compile(r"^'Version:\s*(\S+)", re.MULTILINE)
    try:
        api = xl_book.impl.api
        if isinstance(api, dict) and api.get("version"):
            return str(api["version"])
    except Exception:  # noqa: BLE001
        pass
    try:
        module = xl_book.api.VBProject.VBComponents("xlwings").CodeModule
        found = pattern.search(module.Lines(1, min(20, module.CountOfLines)))
        if found:
            return found.group(1)
    except Exception:  # noqa: BLE001 - no COM, or access to the VBA project not trusted
        pass
    try:
        return _vba_version_from_file(xl_book.fullname, pattern)
    except Exception:  # noqa: BLE001
        return None


def _vba_version_from_file(path: str, pattern: Any) -> str | None:
    import zipfile

    if not path or not os.path.isfile(path):
        return None
    with zipfile.ZipFile(path) as package:
        data = package.read("xl/vbaProject.bin")
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import parse_vba_project

    project = parse_vba_project(CFB.from_bytes(data))
    for module in project.modules:
        if module.name.casefold() == "xlwings":
            found = pattern.search(module.source)
            return found.group(1) if found else None
    return None
