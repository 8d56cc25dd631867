"""Indonesia's time zones, and how an instant becomes the tracker's local clock.

Indonesia keeps three zones, none with daylight saving (Keputusan Presiden No. 41 Tahun 1987 tentang Pembagian
Wilayah Republik Indonesia Menjadi 3 (Tiga) Wilayah Waktu): WIB (UTC+7), WITA (UTC+8) and WIT (UTC+9).  Kota Madiun is
in WIB.  The tracker works in naive local datetimes (Excel has no time zones); a value carrying a zone is converted.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo

#: Waktu Indonesia Barat (Madiun): UTC+7 all year.
WIB = timezone(timedelta(hours=7), "WIB")
#: Waktu Indonesia Tengah: UTC+8.
WITA = timezone(timedelta(hours=8), "WITA")
#: Waktu Indonesia Timur: UTC+9.
WIT = timezone(timedelta(hours=9), "WIT")

#: Zone names understood when written after a time ("08.00 WITA").
ZONES: dict[str, tzinfo] = {"WIB": WIB, "WITA": WITA, "WIT": WIT, "UTC": timezone.utc, "GMT": timezone.utc,
                            "Z": timezone.utc}


def to_local(moment: datetime, zone: tzinfo = WIB) -> datetime:
    """``moment`` on the local clock of ``zone`` as a naive datetime; a naive ``moment`` is already local."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment
    return moment.astimezone(zone).replace(tzinfo=None)
