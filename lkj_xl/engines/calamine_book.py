"""A read-only :class:`~lkj_xl.engines.package.PackageBook` for the recap (``lkj rekap``), which reads hundreds of
trackers and must never write one.

Its values come from python-calamine (Rust) where the package engine can use it, as they do for every
:class:`PackageBook` (see :mod:`lkj_xl.engines.package_fastread`): the same values as a read of the sheet's XML tree
(openpyxl's, ``data_only=False``), each sheet read once and kept.  Writing is refused.
"""

from __future__ import annotations

from lkj_xl.engines.package import PackageBook


def available() -> bool:
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    return True


class CalamineBook(PackageBook):
    """See the module doc.  ``CalamineBook(data, path)`` like :class:`PackageBook`."""

    def write(self, sheet, row, column, values):  # pragma: no cover - a reader only
        raise TypeError("CalamineBook is read-only")
