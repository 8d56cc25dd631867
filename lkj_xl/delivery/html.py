"""The reminders as one small self-contained HTML page (Indonesian): a table with a WhatsApp link (``wa.me``, the
message ready to send) and an e-mail link per holder.  No script, no external file: it opens from a shared folder or
an e-mail attachment as it is.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from html import escape
from pathlib import Path
from urllib.parse import quote

from lkj_xl.core.dates import format_datetime_id
from lkj_xl.core.durations import format_working
from lkj_xl.core.reminders import (
    REASON_LABELS,
    REASON_OVERDUE,
    Reminder,
    format_phone,
    message_text,
    procedure_title,
    subject,
    whatsapp_link,
)
from lkj_xl.core.sop import Sop

_STYLE = """
body{font-family:Segoe UI,Arial,sans-serif;margin:1.5em;color:#1f2933}
h1{font-size:1.3em;margin-bottom:.2em}
p.sub{color:#52606d;margin-top:0}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #cbd2d9;padding:.4em .6em;text-align:left;vertical-align:top}
th{background:#e4e7eb}
tr.terlambat td{background:#fde8e8}
a.wa{color:#128c4b;font-weight:600}
"""


def render_html(reminders: Sequence[Reminder], *, sop: Sop, year: int, as_of: datetime, zone: str = "WIB") -> str:
    """The page as text."""
    title = f"Pengingat LKj {year}"
    rows = []
    for r in reminders:
        text = message_text([r], sop, year, as_of)
        links = []
        if r.phone:
            links.append(f'<a class="wa" href="{escape(whatsapp_link(r.phone, text))}">WhatsApp '
                         f'{escape(format_phone(r.phone))}</a>')
        if r.email:
            mailto = f"mailto:{r.email}?subject={quote(subject([r], sop, year), safe='')}&body={quote(text, safe='')}"
            links.append(f'<a href="{escape(mailto)}">{escape(r.email)}</a>')
        contact = "<br>".join(links) if links else "tanpa kontak"
        late = format_working(r.late_minutes) if r.late_minutes else "-"
        rows.append(
            f'<tr class="{"terlambat" if r.reason == REASON_OVERDUE else ""}">'
            f"<td>{r.step}</td><td>{escape(r.actor)}</td>"
            f"<td>{escape(r.holder) if r.holder else 'belum ada pegawai dengan jabatan ini'}</td>"
            f"<td>{escape(REASON_LABELS[r.reason])} ({escape(r.status_label)})</td>"
            f"<td>{escape(format_datetime_id(r.due)) if r.due else '-'}</td>"
            f"<td>{escape(late)}</td><td>{contact}</td></tr>")
    if rows:
        body = ("<table><thead><tr><th>Langkah</th><th>Pelaksana</th><th>Pegawai</th><th>Status</th>"
                "<th>Batas waktu</th><th>Keterlambatan</th><th>Kirim pengingat</th></tr></thead><tbody>"
                + "".join(rows) + "</tbody></table>")
    else:
        body = "<p>Tidak ada langkah yang perlu diingatkan.</p>"
    return (f'<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            f"<h1>{escape(title)}</h1>\n"
            f'<p class="sub">{escape(procedure_title(sop))}, keadaan per {escape(format_datetime_id(as_of))} {escape(zone)}</p>\n'
            f"{body}\n</body>\n</html>\n")


def write_html(path: str | os.PathLike[str], reminders: Sequence[Reminder], *, sop: Sop, year: int,
               as_of: datetime, zone: str = "WIB") -> Path:
    """Write :func:`render_html` to ``path`` (UTF-8) and return the path."""
    target = Path(path)
    target.write_text(render_html(reminders, sop=sop, year=year, as_of=as_of, zone=zone), encoding="utf-8")
    return target


__all__ = ["render_html", "write_html"]
