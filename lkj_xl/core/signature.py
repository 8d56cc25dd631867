"""Who signs the report: the two parties of its signature block, found on Pengaturan and Pegawai (pure).

* The one who prepared it (Pengaturan row "Penyusun laporan": a name from Pegawai), with jabatan, pangkat/golongan
  and NIP from that person's Pegawai row.
* "Mengetahui": the head of the agency, the SOP's first role (Kepala Dinas; in an Inspektorat the Inspektur, the SOP's
  "Disahkan oleh"), the first Pegawai row with that Jabatan; an acting head (Keterangan "Plt."/"Plh.") signs with
  that prefix.

The place of "Madiun, 6 Maret 2026" is Pengaturan's "Tempat".  Whatever is missing is a located warning
(:func:`signers` returns them), and the printed block leaves a line to write on by hand, so nobody signs a block that
silently turned into dots.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from lkj_xl.core.entries import AREA_SETTINGS, AREA_STAFF, WARNING, Location, Problem, StaffEntry
from lkj_xl.core.errors import ParseError
from lkj_xl.core.nip import format_nip, parse_nip
from lkj_xl.core.sop import split_acting
from lkj_xl.core.values import as_text, normalize_label

#: What a signer's missing line prints as: room to write it by hand (a warning names what is missing).
BLANK_LINE = "......................................."

TANDA_TANGAN_TIDAK_LENGKAP = "tanda_tangan_tidak_lengkap"


@dataclass(frozen=True)
class Signer:
    """One party of the signature block; "" for what is not known."""

    jabatan: str  # "Plt. Inspektur", "Kasubag"
    name: str
    rank: str  # pangkat/golongan, "Pembina (IV/a)"
    nip: str  # formatted, "19800101 200501 1 001"

    @property
    def known(self) -> bool:
        return bool(self.name)


def _clean(value: Any) -> str:
    return " ".join(as_text(value).split())


def _nip(value: Any) -> str:
    try:
        return format_nip(parse_nip(value))
    except ParseError:
        return _clean(value)


def _signer(person: StaffEntry, jabatan: str) -> Signer:
    return Signer(jabatan, _clean(person.nama), _clean(person.pangkat), _nip(person.nip))


def signers(sop: Any, settings: Any, staff: Sequence[StaffEntry], *, rank_column: bool = True,
            labels: tuple[str, str, str] = ("Tempat", "Penyusun laporan", "Pangkat/Golongan"),
            ) -> tuple[Signer, Signer, list[Problem]]:
    """(preparer, head, warnings).  ``rank_column``: the Pegawai sheet has the Pangkat/Golongan column (an older
    layout does not: no warning per person then, the upgrade warning covers it).  ``labels``: the Pengaturan rows of
    the place and the preparer, and the Pegawai column of the rank, for messages and locations."""
    place_label, preparer_label, rank_label = labels
    problems: list[Problem] = []

    def warn(location: Location, message: str) -> None:
        problems.append(Problem(location, WARNING, TANDA_TANGAN_TIDAK_LENGKAP, message))

    if not _clean(getattr(settings, "place", "")):
        warn(Location(AREA_SETTINGS, place_label),
             f"\"{place_label}\" kosong: tanda tangan laporan tidak menyebut tempat. Isi nama kota, mis. Madiun.")

    def check(person: StaffEntry, who: str) -> None:
        if rank_column and not _clean(person.pangkat):
            warn(Location(AREA_STAFF, person.row, rank_label),
                 f"Pangkat/Golongan {_clean(person.nama)} ({who} pada tanda tangan laporan) kosong; isi mis. "
                 f"\"Pembina (IV/a)\".")

    # "Mengetahui": the head.
    head_role = sop.roles[0] if sop.roles else ""
    title = sop.disahkan_oleh or head_role
    head = Signer(title, "", "", "")
    for person in staff:
        if normalize_label(person.jabatan) == normalize_label(head_role) and _clean(person.nama):
            acting, _ = split_acting(_clean(person.keterangan))
            head = _signer(person, f"{acting} {title}" if acting else title)
            check(person, "Mengetahui")
            break
    else:
        warn(Location(AREA_STAFF, None),
             f"Tidak ada pegawai dengan Jabatan \"{head_role}\" di lembar Pegawai: nama dan NIP yang "
             f"menandatangani \"Mengetahui\" pada laporan kosong.")

    # The preparer.
    wanted = _clean(getattr(settings, "preparer", ""))
    preparer = Signer("", "", "", "")
    if not wanted:
        warn(Location(AREA_SETTINGS, preparer_label),
             f"\"{preparer_label}\" kosong: laporan tidak menyebut siapa yang menyusunnya. Pilih nama dari lembar "
             f"Pegawai.")
    else:
        found = next((p for p in staff if normalize_label(p.nama) == normalize_label(wanted)), None)
        if found is None:
            preparer = Signer("", wanted, "", "")
            warn(Location(AREA_SETTINGS, preparer_label),
                 f"{preparer_label} \"{wanted}\" tidak ada di lembar Pegawai: jabatan, pangkat dan NIP-nya tidak "
                 f"dapat dicetak. Pilih nama dari daftar.")
        else:
            preparer = _signer(found, _clean(found.jabatan))
            check(found, "penyusun")
    return preparer, head, problems


__all__ = ["BLANK_LINE", "Signer", "signers"]
