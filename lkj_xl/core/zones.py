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

#: The choices of Pengaturan's "Zona waktu" (its dropdown), WIB first: the default (Kota Madiun).
ZONE_NAMES: tuple[str, ...] = ("WIB", "WITA", "WIT")
#: The IANA name of each zone (calendar files carry it).
IANA_NAMES: dict[str, str] = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


def zone_named(name: str) -> tzinfo:
    """``"WITA"`` -> the zone (unknown names -> WIB; Pengaturan's reader reports them)."""
    return ZONES.get(name, WIB) if name in ZONE_NAMES else WIB


def parse_zone_name(value: object) -> str | None:
    """Pengaturan's "Zona waktu": WIB, WITA or WIT (case and spaces ignored; "UTC+8" and "Asia/Makassar" too);
    blank -> "WIB"; None when unreadable (the caller reports it)."""
    text = "" if value is None else " ".join(str(value).split()).upper()
    if not text:
        return "WIB"
    if text in ZONE_NAMES:
        return text
    for name, iana in IANA_NAMES.items():
        if text == iana.upper():
            return name
    offsets = {"UTC+7": "WIB", "UTC+07:00": "WIB", "GMT+7": "WIB", "UTC+8": "WITA", "UTC+08:00": "WITA",
               "GMT+8": "WITA", "UTC+9": "WIT", "UTC+09:00": "WIT", "GMT+9": "WIT"}
    return offsets.get(text.replace(" ", ""))
