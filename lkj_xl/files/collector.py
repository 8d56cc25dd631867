"""The cyclic garbage collector around one action: :func:`long_lived`, and :func:`paused` for a ribbon click.

Its own module so that a ribbon click, which runs every action inside it, does not load the file-mode session
(:mod:`lkj_xl.files.session`) for it: every click is a fresh Python, and a copy of lkj-xl without bytecode compiles
each module it loads on every click.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def long_lived() -> Iterator[None]:
    """Keep what is alive now (above all the workbook just loaded, which lives until the save is done) out of the
    cyclic garbage collector's generations for the block.  The change and the verification's re-read allocate
    enough to trigger full collections, and each would walk the loaded workbook's hundreds of thousands of objects
    again: about a tenth of a refresh (benchmarks/refresh.py).  Nothing is collected less: ``gc.unfreeze`` on the
    way out hands everything back to the collector.  Skipped when the host process disabled the collector or froze
    objects itself (its freeze is not ours to undo).  The ribbon runs each click inside it too: there the json
    payload (or what Excel sent) and every imported module are what the collector would walk again and again."""
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No automatic cyclic collection during the block; the collector is on again after it, and its next run collects
    the block's cyclic garbage as usual.  Skipped when the host process disabled the collector (not ours to turn on).

    For one ribbon click (a fresh Python per click): importing the action's modules and running it allocate enough
    for about ninety young-generation and several middle-generation collections, about a tenth of what the click
    costs in CPU beyond xlwings (benchmarks/ribbon_import.py), while what the click leaves as cyclic garbage is small
    and lives only until the click ends."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def process_ends() -> None:
    """The ribbon click about to run is its Python's last work: freeze what is alive now (modules, xlwings, pandas;
    called before the click asks Excel for its workbook, so no COM object of Excel's is frozen and the interpreter's
    exit collection still releases any in a cycle) and leave the collector off.  Re-enabling it after the click
    collected the generations the click filled (about 10 ms), and the exit collection would walk the whole heap."""
    if gc.isenabled() and not gc.get_freeze_count():
        gc.freeze()
    gc.disable()


__all__ = ["long_lived", "paused", "process_ends"]
