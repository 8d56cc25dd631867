"""A ribbon click leaves lkj-xl's bytecode behind, so that only the first click of a copy without it compiles.

xlwings' VBA starts every click as ``python -B -c "..."``: ``-B`` keeps Python from writing ``__pycache__`` next to
the user's own scripts in the workbook's folder.  It also keeps lkj-xl's modules from being cached, so a copy of
the package without ``.pyc`` files (an editable or ``--no-compile`` install, a folder copied to the PC, a new Python
version beside an old install) compiles every module it loads on every click: about 120 ms of CPU for a refresh
here, half as much again as the click's own work (``benchmarks/ribbon_import.py``, "first run").

:func:`written` lets the imports of one click write their bytecode, as a plain ``python`` would.  The click's
process puts nothing of the workbook's folder on ``sys.path`` (the command removes ``''`` and ``'.'`` and the
tracker's ``ADD_WORKBOOK_TO_PYTHONPATH`` is false), so what it imports comes from the installed packages and the
standard library, and the cache files go beside those.  A folder it may not write to (an all-users install) is
skipped by Python's own loader without a word, as always.  ``pip install`` and ``lkj pasang`` compile the package
already; this covers every other way a copy got onto the PC.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Iterator


@contextlib.contextmanager
def written(package: str = "lkj_xl") -> Iterator[None]:
    """Within the block, imports write their bytecode even under ``-B``; after it, the flag is back as it was and
    the modules of ``package`` that were loaded before the block (the ribbon module itself, compiled before it
    could say so) get their cache files too, when they have none."""
    if not sys.dont_write_bytecode:
        yield
        return
    sys.dont_write_bytecode = False
    try:
        yield
    finally:
        sys.dont_write_bytecode = True
        _cache_missing(package)


def _cache_missing(package: str) -> None:
    """Write the cache file of every loaded module of ``package`` whose source has none, or one that no longer
    matches the source (a copy updated in place: the import system compiled the new source but, under ``-B``, kept
    the old file, so every later click would compile it again); a file that cannot be written is skipped, as the
    import system does."""
    prefix = package + "."
    for name, module in list(sys.modules.items()):
        if name != package and not name.startswith(prefix):
            continue
        source, cached = getattr(module, "__file__", None), getattr(module, "__cached__", None)
        if not source or not cached or not source.endswith(".py") or _current(source, cached):
            continue
        import py_compile

        try:
            py_compile.compile(source, cfile=cached, doraise=True)
        except (OSError, py_compile.PyCompileError):
            continue


def _current(source: str, cached: str) -> bool:
    """Whether ``cached`` holds bytecode the import system would take for ``source`` as it is now: this Python's
    magic number, then the source's modification time and size (a timestamp ``.pyc``, the default), or its hash (a
    checked hash-based one); an unchecked hash-based file is taken as it is, as the import system takes it."""
    import os
    from importlib.util import MAGIC_NUMBER, source_hash

    try:
        with open(cached, "rb") as file:
            head = file.read(16)
        if len(head) < 16 or head[:4] != MAGIC_NUMBER:
            return False
        flags = int.from_bytes(head[4:8], "little")
        if not flags & 0b1:
            stat = os.stat(source)
            return (int.from_bytes(head[8:12], "little") == int(stat.st_mtime) & 0xFFFFFFFF
                    and int.from_bytes(head[12:16], "little") == stat.st_size & 0xFFFFFFFF)
        if not flags & 0b10:
            return True
        with open(source, "rb") as file:
            return head[8:16] == source_hash(file.read())
    except OSError:
        return False


__all__ = ["written"]
