"""The cycle's state as a few labelled lines for people reading a console or a message (``lkj status``, the summary
of ``lkj demo``, the ribbon's alerts): the same labels and texts Beranda shows, taken from
:func:`lkj_xl.workbook.writers.beranda_fields` and :mod:`lkj_xl.workbook.layout`, so none of them says it otherwise.

* ``Status terhadap batas akhir: Terlambat; perkiraan selesai 30 Maret 2026 15.15`` (once delivered: ``...; terkirim
  pada ...``): the cycle against the final deadline only (Sesuai jadwal / Berisiko terlambat / Terlambat / Terkirim);
* ``Langkah terlambat saat ini: Langkah 6 (Sekretaris), lewat 2 jam kerja dari batas waktunya`` (or ``Tidak ada``): a
  step overdue now is a fact of its own, not the cycle's status;
* ``Masalah data: 1 kesalahan, 0 peringatan (lihat ...)`` (or ``Tidak ada masalah``);
* a closed cycle (``lkj tutup``): ``Siklus ditutup pada ... oleh ...``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lkj_xl.core.dates import format_datetime_id
from lkj_xl.workbook import layout
from lkj_xl.workbook.writers import beranda_fields, problems_text


def summary_lines(analysis: Any, *, problems_hint: str = "lihat `lkj validate`") -> list[str]:
    """The labelled lines of :mod:`this module <lkj_xl.workbook.summary>` for an
    :class:`~lkj_xl.workbook.actions.Analysis`; ``problems_hint``: where the problems are listed."""
    from lkj_xl.workbook.closing import closed_text

    sched = analysis.schedule
    counts = (len(analysis.errors), len(analysis.warnings))
    closed = analysis.closed.get(analysis.year)
    fields = beranda_fields(analysis.tracker, sched, analysis.calendar, counts)
    label = layout.B_DELIVERED if sched.delivered else layout.B_PROJECTED
    moment = fields[layout.B_PROJECTED]
    when = format_datetime_id(moment) if isinstance(moment, datetime) else "-"
    lines = [f"{layout.B_OVERALL}: {fields[layout.B_OVERALL]}; {label.lower()} {when}",
             f"{layout.B_OVERDUE}: {fields[layout.B_OVERDUE]}",
             f"{layout.B_PROBLEMS}: {problems_text(*counts, hint=problems_hint)}"]
    if closed is not None:
        lines.append(closed_text(closed, analysis.tracker.settings.timezone))
    return lines


__all__ = ["summary_lines"]
