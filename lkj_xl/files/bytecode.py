"""A ribbon click leaves lkj-xl's bytecode behind, so that only the first click of a copy without it compiles.

xlwings' VBA runs every click as ``python -B -c "..."``; ``-B`` (no ``__pycache__`` beside the user's scripts in the
workbook's folder) also keeps a copy of lkj-xl without ``.pyc`` files (editable or ``--no-compile`` install, a
copied folder, a new Python) compiling every module it loads on every click: ~120 ms of CPU for a refresh, half as
much again as the click's own work (``benchmarks/ribbon_import.py``, "first run").

:func:`written` lets one click's imports write their bytecode, as a plain ``python`` would.  The click puts nothing
of the workbook's folder on ``sys.path`` (the command drops ``''`` and ``'.'``; ``ADD_WORKBOOK_TO_PYTHONPATH`` is
false), so the files go beside the installed packages; a folder that cannot be written to is skipped silently, as
Python's loader does.  ``PYTHONDONTWRITEBYTECODE`` set on the PC is a choice of its own, and is kept.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Iterator


@contextlib.contextmanager
def written(package: str = "lkj_xl") -> Iterator[None]:
    """Within the block, imports write their bytecode even under ``-B``; after it, the flag is back and the modules
    of ``package`` loaded before the block (the ribbon module itself) get their cache files too."""
    if not sys.dont_write_bytecode or os.environ.get("PYTHONDONTWRITEBYTECODE"):
        yield
        return
    before = [name for name in sys.modules if name == package or name.startswith(package + ".")]
    sys.dont_write_bytecode = False
    try:
        yield
    finally:
        sys.dont_write_bytecode = True
        _cache_missing(before)


def _cache_missing(names: list[str]) -> None:
    """Write the cache file of each module named (loaded before the block; those imported in it were cached by the
    import system) that has none, or a stale one (a copy updated in place: under ``-B`` the import system compiles
    the new source but keeps the old file, on every click)."""
    for name in names:
        module = sys.modules.get(name)
        source, cached = getattr(module, "__file__", None), getattr(module, "__cached__", None)
        if not source or not cached or not source.endswith(".py") or _current(source, cached):
            continue
        import py_compile

        try:
            py_compile.compile(source, cfile=cached, doraise=True)
        except (OSError, py_compile.PyCompileError):
            continue


def _current(source: str, cached: str) -> bool:
    """Whether the import system would take ``cached`` for ``source`` now (its checks: magic number, then the
    source's mtime and size, or for a hash-based file that asks for it, the source's hash)."""
    from importlib.util import MAGIC_NUMBER, source_hash

    try:
        with open(cached, "rb") as file:
            head = file.read(16)
        flags = int.from_bytes(head[4:8], "little")
        if len(head) < 16 or head[:4] != MAGIC_NUMBER:
            return False
        if flags & 1:
            return not flags & 2 or head[8:] == source_hash(open(source, "rb").read())
        stat = os.stat(source)
        return head[8:] == b"".join((n & 0xFFFFFFFF).to_bytes(4, "little") for n in (int(stat.st_mtime), stat.st_size))
    except OSError:
        return False


__all__ = ["written"]
