"""What the shells (the ``lkj`` command and the ribbon) share at run time: the clock and the crash log.

The core never reads the clock: every computation takes an ``as_of`` instant, and only the shells ask for "now".
A failure nobody foresaw is written, with its traceback, to one log file through :mod:`logging` with a rotating
handler, whichever shell met it; the person sees a short Indonesian message naming that file.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from datetime import datetime

from lkj_xl.core.zones import WIB

#: Environment variable naming the folder of the log file (default: %LOCALAPPDATA%\lkj-xl, else <tmp>/lkj-xl).
LOG_DIR_ENV = "LKJ_XL_LOG_DIR"
LOG_NAME = "lkj-xl.log"
#: The log rolls over to lkj-xl.log.1 when it grows past this size (one old file is kept).
LOG_MAX_BYTES = 1_000_000

_LOGGER = "lkj_xl.crash"


def now_wib() -> datetime:
    """The office clock: the current instant in WIB as a naive datetime (to the second)."""
    return datetime.now(WIB).replace(tzinfo=None, microsecond=0)


def now_instant() -> datetime:
    """Now, as an instant with its zone (to the second): an action reads it on the tracker's own clock
    (Pengaturan, "Zona waktu": WIB, WITA or WIT)."""
    return datetime.now(WIB).replace(microsecond=0)


def parse_as_of(text: str) -> datetime:
    """An ``--as-of`` value: ISO 8601 ("2026-03-02T10:00", "2026-03-02") on the tracker's clock; with an offset
    ("2026-03-02T10:00+08:00") it is an instant, which the action reads on the tracker's clock."""
    return datetime.fromisoformat(text.strip())


def log_dir() -> str:
    """Folder of the log file: ``$LKJ_XL_LOG_DIR``, else ``%LOCALAPPDATA%\\lkj-xl``, else ``<tmp>/lkj-xl``."""
    chosen = os.environ.get(LOG_DIR_ENV, "").strip()
    if chosen:
        return chosen
    local = os.environ.get("LOCALAPPDATA", "").strip()
    if local:
        return os.path.join(local, "lkj-xl")
    return os.path.join(tempfile.gettempdir(), "lkj-xl")


def log_path() -> str:
    return os.path.join(log_dir(), LOG_NAME)


def _handler_for(folder: str) -> logging.Handler | None:
    try:
        os.makedirs(folder, exist_ok=True)
        import logging.handlers  # only when something failed: it pulls in socket, which a click never needs

        return logging.handlers.RotatingFileHandler(os.path.join(folder, LOG_NAME), maxBytes=LOG_MAX_BYTES,
                                                    backupCount=1, encoding="utf-8", delay=False)
    except OSError:
        return None


def log_failure(what: str, exc: BaseException, note: str | None = None) -> str | None:
    """Append ``exc`` with its traceback to the log; return the log's path (None if nothing could be written).

    The folder of :func:`log_dir` first, ``<tmp>/lkj-xl`` when that one cannot be written."""
    from lkj_xl import __version__

    folders = [log_dir()]
    fallback = os.path.join(tempfile.gettempdir(), "lkj-xl")
    if fallback not in folders:
        folders.append(fallback)
    logger = logging.getLogger(_LOGGER)
    logger.propagate = False
    logger.setLevel(logging.ERROR)
    for folder in folders:
        handler = _handler_for(folder)
        if handler is None:
            continue
        handler.setFormatter(logging.Formatter("=== %(asctime)s %(message)s"))
        logger.addHandler(handler)
        try:
            logger.error("lkj-xl %s action=%r python=%s argv=%r%s", __version__, what, sys.version.split()[0], sys.argv,
                         f"\nmessage: {note}" if note else "", exc_info=(type(exc), exc, exc.__traceback__))
            handler.flush()
            ok = os.path.isfile(handler.baseFilename)
        except Exception:  # noqa: BLE001 - a log that cannot be written is not a second failure to report
            ok = False
        finally:
            logger.removeHandler(handler)
            handler.close()
        if ok:
            return os.path.join(folder, LOG_NAME)
    return None
