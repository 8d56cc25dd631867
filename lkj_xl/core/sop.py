"""The SOP as data, in the format of Permenpan RB No. 35 Tahun 2012 (SOP Administrasi Pemerintahan).

An SOP is a set of identity fields plus an ordered table of steps; each step has one actor (the Pelaksana column that
holds its process symbol), possibly other participants, and a "Mutu Baku": Kelengkapan, Waktu and Output.  The
Waktu column is free text in real SOPs ("5 menit", "2 minggu", "1 – 20 Hari Kerja", "-"), parsed here into a
:class:`TimeStandard`.

``SOP_3_1_2_6`` is the default: SOP 3.1.2.6 "Penyusunan Laporan Kinerja (LKj)", Inspektorat Kota Madiun,
15 Desember 2022, every field verbatim from the signed document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from lkj_xl.core.errors import ParseError

# --- time standards ------------------------------------------------------------------------------------------------

MINUTES = "minutes"  #: working minutes (menit, jam)
DAYS = "days"  #: working days (hari, hari kerja, minggu)

#: Working days in a week ("minggu").  Perpres 21/2023 Pasal 2: 5 hari kerja, Senin sampai dengan Jumat.
WORKING_DAYS_PER_WEEK = 5

# unit word -> (kind, multiplier)
_UNITS: dict[str, tuple[str, int]] = {
    "menit": (MINUTES, 1),
    "mnt": (MINUTES, 1),
    "jam": (MINUTES, 60),
    "hari": (DAYS, 1),
    "hari kerja": (DAYS, 1),
    "hk": (DAYS, 1),
    "minggu": (DAYS, WORKING_DAYS_PER_WEEK),
    "minggu kerja": (DAYS, WORKING_DAYS_PER_WEEK),
    "pekan": (DAYS, WORKING_DAYS_PER_WEEK),
}

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_DASHES = "-\u2013\u2014\u2212"  # hyphen, en dash, em dash, minus sign
_WAKTU_RE = re.compile(
    rf"^\s*{_NUMBER}\s*(?:(?:[{_DASHES}]|s\.?\s*d\.?|sampai(?:\s+dengan)?)\s*{_NUMBER})?\s*([a-z ]+?)\s*$"
)


@dataclass(frozen=True)
class TimeStandard:
    """A parsed "Waktu" value.  ``amount`` is the standard (the upper bound of a range), in ``kind`` units."""

    kind: str  # MINUTES or DAYS
    amount: int
    lower: int | None = None  # the lower bound of a range, in the same units, else None
    text: str = ""

    @property
    def minutes(self) -> int | None:
        return self.amount if self.kind == MINUTES else None

    @property
    def days(self) -> int | None:
        return self.amount if self.kind == DAYS else None

    def describe(self) -> str:
        """Indonesian, human readable: "180 menit kerja", "10 hari kerja"."""
        if self.kind == MINUTES:
            return format_minutes(self.amount)
        return f"{self.amount} hari kerja"


def format_minutes(minutes: int) -> str:
    """Working minutes in Indonesian: 45 -> "45 menit", 150 -> "2 jam 30 menit"."""
    hours, mins = divmod(int(minutes), 60)
    if hours and mins:
        return f"{hours} jam {mins} menit"
    if hours:
        return f"{hours} jam"
    return f"{mins} menit"


def _to_int(number: str, text: str) -> int:
    value = float(number.replace(",", "."))
    if value != int(value):
        raise ParseError(f"Standar waktu \"{text}\" memakai pecahan; tulis dalam satuan yang lebih kecil "
                         f"(mis. \"90 menit\", bukan \"1,5 jam\").", text)
    return int(value)


def parse_waktu(text: object) -> TimeStandard | None:
    """Parse an SOP "Waktu" cell.  Blank or "-" means no standard (None).

    >>> parse_waktu("2 minggu")
    TimeStandard(kind='days', amount=10, lower=None, text='2 minggu')
    >>> parse_waktu("1 – 20 Hari Kerja").lower
    1

    Unknown text raises :class:`ParseError` naming the text: never a silent guess.
    """
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        raise ParseError(f"Standar waktu \"{text}\" tidak bersatuan; tulis mis. \"{text:g} menit\" atau "
                         f"\"{text:g} hari kerja\".", text)
    raw = str(text).strip()
    if raw == "" or all(ch in _DASHES for ch in raw):
        return None
    normal = re.sub(r"\s+", " ", raw.lower())
    match = _WAKTU_RE.match(normal)
    if not match:
        raise ParseError(f"Standar waktu \"{raw}\" tidak dikenali. Contoh yang benar: \"5 menit\", \"3 jam\", "
                         f"\"1 hari kerja\", \"2 minggu\", \"1 - 20 hari kerja\", atau \"-\" bila tanpa standar.", raw)
    first, second, unit = match.groups()
    unit = unit.strip()
    if unit not in _UNITS:
        raise ParseError(f"Satuan waktu \"{unit}\" pada standar \"{raw}\" tidak dikenali; gunakan menit, jam, hari, "
                         f"hari kerja atau minggu.", raw)
    kind, factor = _UNITS[unit]
    low = _to_int(first, raw) * factor
    if second is None:
        return TimeStandard(kind, low, None, raw)
    high = _to_int(second, raw) * factor
    if high < low:
        raise ParseError(f"Rentang waktu \"{raw}\" terbalik: batas atas lebih kecil dari batas bawah.", raw)
    return TimeStandard(kind, high, low, raw)


# --- the SOP model -------------------------------------------------------------------------------------------------

#: The Pelaksana columns of SOP 3.1.2.6, in the order of the signed table.
ROLES: tuple[str, ...] = ("Kepala Dinas", "Sekretaris", "Kabid", "Kasubag", "JFU")

#: Acting officials may sign in someone's place (Plt. = pelaksana tugas, Plh. = pelaksana harian).
ACTING_PREFIXES: tuple[str, ...] = ("Plt.", "Plh.")
_ACTING_RE = re.compile(
    r"^(" + "|".join(re.escape(p.rstrip(".")) for p in ACTING_PREFIXES) + r")(?:\.|\b)\s*", re.IGNORECASE)


def split_acting(text: str) -> tuple[str | None, str]:
    """The one reading of an acting appointment: "Plt. Sekretaris" -> ("Plt.", "Sekretaris"), "plh Budi" ->
    ("Plh.", "Budi"), "Sekretaris" -> (None, "Sekretaris")."""
    text = " ".join(str(text).split())
    match = _ACTING_RE.match(text)
    if not match:
        return None, text
    prefix = next(p for p in ACTING_PREFIXES if p.rstrip(".").casefold() == match.group(1).casefold())
    return prefix, text[match.end():].strip()


def split_participants(text: str, roles: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The "Pelaksana Lain" cell as roles: one per line or separated by ";" or ",", where a role whose own name holds
    a comma ("Tim Perencanaan, Penganggaran dan Evaluasi") is kept whole when it is one of ``roles``.

    >>> split_participants("Kabid, Tim Perencanaan, Penganggaran dan Evaluasi",
    ...                    ("Kabid", "Tim Perencanaan, Penganggaran dan Evaluasi"))
    ('Kabid', 'Tim Perencanaan, Penganggaran dan Evaluasi')
    """
    known = {" ".join(r.split()).casefold() for r in roles}
    out: list[str] = []
    for part in re.split(r"[;\n]", str(text or "")):
        pieces = [p.strip() for p in part.split(",")]
        i = 0
        while i < len(pieces):
            take = 1
            for j in range(len(pieces), i + 1, -1):  # the longest run of pieces that is a known role
                if " ".join(", ".join(pieces[i:j]).split()).casefold() in known:
                    take = j - i
                    break
            name = ", ".join(pieces[i:i + take]).strip()
            if name:
                out.append(name)
            i += take
    return tuple(out)


@dataclass(frozen=True)
class Step:
    """One step of the SOP's table: who does it, what it needs and produces, its time standard."""

    number: int
    uraian: str
    actor: str  # the Pelaksana role that holds the step
    participants: tuple[str, ...] = ()  # other roles taking part (e.g. Kabid in the internal meeting)
    kelengkapan: str = ""
    waktu: str = ""  # as written in the SOP
    output: str = ""
    keterangan: str = ""
    standard: TimeStandard | None = field(default=None, compare=False)
    #: "Waktu Rencana" (layout version 3): the admin's planning duration, same grammar as Waktu, for a step the SOP
    #: gives no standard; it plans and projects the cycle, it never makes a step late.
    waktu_rencana: str = ""
    plan: TimeStandard | None = field(default=None, compare=False)
    #: the flowchart symbol of the step (``SYMBOLS``), "" when not known
    symbol: str = ""
    #: a decision's branches: (label as written, the step it leads to or None when not known)
    branches: tuple[tuple[str, int | None], ...] = ()
    #: the steps sharing one Waktu merged over them (the first carries the text), () when the Waktu is its own
    waktu_group: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.standard is None and self.waktu:
            object.__setattr__(self, "standard", parse_waktu(self.waktu))
        if self.plan is None and self.waktu_rencana:
            object.__setattr__(self, "plan", parse_waktu(self.waktu_rencana))

    @property
    def group_first(self) -> int | None:
        """The step whose Waktu this step shares (the first of its ``waktu_group``); None when it has its own."""
        return self.waktu_group[0] if self.waktu_group and self.waktu_group[0] != self.number else None


#: Flowchart symbols of an SOP-AP (Permenpan RB 35/2012, Lampiran: simbol diagram alir).
SYMBOLS: tuple[str, ...] = ("mulai", "proses", "keputusan", "selesai", "penghubung")


def format_branches(branches) -> str:
    """``(("Ya", 5), ("Tidak", None))`` -> "Ya: 5; Tidak: ?" (the SOP sheet's "Cabang" cell)."""
    return "; ".join(f"{label}: {'?' if to is None else to}" for label, to in branches)


def parse_branches(text: object) -> tuple[tuple[str, int | None], ...]:
    """The "Cabang" cell back: "Ya: 5; Tidak: ?" (or one branch per line).  A target that is not a step number
    raises :class:`ParseError` naming it."""
    out = []
    for part in re.split(r"[;\n]", str(text or "")):
        if not part.strip():
            continue
        label, sep, target = part.rpartition(":")
        if not sep:
            label, target = part, ""
        label, target = label.strip(), target.strip()
        if target in ("", "?", "-"):
            out.append((label, None))
        elif target.isdigit() and int(target) >= 1:
            out.append((label, int(target)))
        else:
            raise ParseError(f"Cabang \"{part.strip()}\" tidak terbaca; tulis mis. \"Ya: 5; Tidak: 3\" (label, titik "
                             f"dua, nomor langkah tujuan; \"?\" bila belum diketahui).", part)
    return tuple(out)


def format_group(group) -> str:
    """``(4, 5, 6)`` -> "4-6"; steps that do not follow each other -> "4, 6"."""
    group = tuple(group)
    if not group:
        return ""
    if len(group) > 1 and list(group) == list(range(group[0], group[-1] + 1)):
        return f"{group[0]}-{group[-1]}"
    return ", ".join(str(n) for n in group)


def parse_group(text: object) -> tuple[int, ...]:
    """The "Waktu Bersama" cell back: "4-6", "4 s.d. 6", "4, 5, 6"; blank -> ().  Anything else raises
    :class:`ParseError` naming the text."""
    raw = " ".join(str(text if text is not None else "").split())
    if not raw or raw in ("-",):
        return ()
    match = re.fullmatch(rf"(\d+)\s*(?:[{_DASHES}]|s\.?\s*d\.?|sampai)\s*(\d+)", raw.lower())
    if match:
        first, last = int(match.group(1)), int(match.group(2))
        if first < last:
            return tuple(range(first, last + 1))
    parts = [p.strip() for p in re.split(r"[,;]", raw)]
    if len(parts) > 1 and all(p.isdigit() for p in parts):
        return tuple(int(p) for p in parts)
    raise ParseError(f"Waktu bersama \"{raw}\" tidak terbaca; tulis langkah-langkah yang berbagi satu Waktu, mis. "
                     f"\"4-6\" atau \"4, 5\", atau kosongkan.", raw)


@dataclass(frozen=True)
class Sop:
    """Identity fields (Permenpan RB 35/2012, Lampiran: "Identitas SOP") and the ordered steps."""

    instansi: str
    nomor: str
    tanggal_pembuatan: str
    tanggal_revisi: str
    tanggal_pengesahan: str
    disahkan_oleh: str
    nama: str
    dasar_hukum: tuple[str, ...]
    kualifikasi_pelaksana: tuple[str, ...]
    keterkaitan: tuple[str, ...]
    peralatan: tuple[str, ...]
    peringatan: str
    pencatatan_pendataan: str
    roles: tuple[str, ...]
    steps: tuple[Step, ...]

    def step(self, number: int) -> Step:
        for step in self.steps:
            if step.number == number:
                return step
        raise KeyError(number)

    def with_steps(self, steps: tuple[Step, ...]) -> "Sop":
        return replace(self, steps=tuple(steps))


# Identity-field labels as the SOP document writes them, with the attribute holding each.  The workbook's SOP sheet
# uses these labels, so an admin can edit the fields there.
IDENTITY_FIELDS: tuple[tuple[str, str], ...] = (
    ("Instansi", "instansi"),
    ("Nomor SOP", "nomor"),
    ("Tanggal Pembuatan", "tanggal_pembuatan"),
    ("Tanggal Revisi", "tanggal_revisi"),
    ("Tanggal Pengesahan", "tanggal_pengesahan"),
    ("Disahkan oleh", "disahkan_oleh"),
    ("Nama SOP", "nama"),
    ("Dasar Hukum", "dasar_hukum"),
    ("Kualifikasi Pelaksana", "kualifikasi_pelaksana"),
    ("Keterkaitan", "keterkaitan"),
    ("Peralatan/Perlengkapan", "peralatan"),
    ("Peringatan", "peringatan"),
    ("Pencatatan dan Pendataan", "pencatatan_pendataan"),
)


# SOP 3.1.2.6, Inspektorat Kota Madiun, disahkan 15 Desember 2022.  Text verbatim from the signed table; the actor of
# each step is the Pelaksana column holding its process symbol.
SOP_3_1_2_6 = Sop(
    instansi="Inspektorat Kota Madiun",
    nomor="3.1.2.6",
    tanggal_pembuatan="15 Desember 2022",
    tanggal_revisi="-",
    tanggal_pengesahan="15 Desember 2022",
    disahkan_oleh="Inspektur",
    nama="Penyusunan Laporan Kinerja (LKj)",
    dasar_hukum=(
        "Peraturan Menteri Negara Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 53 Tahun 2014 tentang "
        "Petunjuk Teknis Perjanjian Kinerja, Pelaporan Kinerja dan Tata Cara Reviu atas Laporan kinerja Instansi "
        "Pemerintah",
        "Peraturan Daerah Kota Madiun Nomor 3 Tahun 2016 tentang Pembentukan dan Susunan Perangkat Daerah sebagaimana "
        "diubah dengan Peraturan Daerah Nomor 8 Tahun 2020",
        "Peraturan Walikota Madiun Nomor 63 Tahun 2020 tentang Kedudukan, Susunan Organisasi, Rincian Tugas dan Tata "
        "Kerja Inspektorat",
    ),
    kualifikasi_pelaksana=("S1",),
    keterkaitan=("SOP Administrasi Surat Masuk", "SOP Penyimpanan Arsip Aktif"),
    peralatan=("ATK", "Komputer/ Laptop", "Printer"),
    peringatan="Penyusunan Laporan Kinerja (LKj) memperhatikan Renja/Renja Perubahan, PK/PK Perubahan, DPA/DPPA",
    pencatatan_pendataan="Laporan Kinerja (LKj) Perangkat Daerah tahun sebelumnya disusun setiap setahun sekali "
    "selambat-lambatnya disampaikan bulan Maret",
    roles=ROLES,
    steps=(
        Step(1, "Menerima surat permintaan dari Bagian Organisasi Sekretariat Daerah tentang penyusunan Laporan Kinerja "
             "(LKj) dan memberikan disposisi kepada Sekretaris",
             "Kepala Dinas", (), "surat masuk", "5 menit", "surat masuk dan disposisi", "SOP Administrasi Surat Masuk"),
        Step(2, "Menerima disposisi Kepala Dinas, melakukan rapat internal/koordinasi dengan Kabid, memberikan disposisi "
             "kepada Kasubag Perencanaan dan Kepegawaian untuk menyusun Laporan Kinerja (LKj)",
             "Sekretaris", ("Kabid",), "surat masuk dan disposisi", "120 menit", "surat masuk dan disposisi"),
        Step(3, "Menerima disposisi dan arahan Sekretaris dan memerintahkan JFU untuk menyiapkan bahan penyusunan "
             "Laporan Kinerja",
             "Kasubag", (), "surat masuk dan disposisi", "2 minggu", "surat masuk dan disposisi"),
        Step(4, "Menyiapkan bahan penyusunan Laporan Kinerja (LKj) dan menyerahkan kepada Kasubag Perencanaan dan "
             "Kepegawaian",
             "JFU", (), "surat masuk dan disposisi", "", "bahan penyusunan LKj"),
        Step(5, "Menerima bahan penyusunan Laporan Kinerja (LKj), berkoordinasi dengan Bagian Organisasi Setda, menyusun "
             "draft Laporan Kinerja (LKj) dan surat pengantarnya, memaraf serta menyampaikan kepada Sekretaris",
             "Kasubag", (), "bahan penyusunan LKj", "", "Draft Lkj dan Draft surat pengantar"),
        Step(6, "Menerima, meneliti, memaraf draft Laporan Kinerja (LKj) beserta draft surat pengantarnya dan "
             "menyampaikan kepada Kepala Dinas",
             "Sekretaris", (), "Draft Lkj dan Draft surat pengantar", "180 menit", "Draft Lkj dan Draft surat pengantar"),
        Step(7, "Menerima, meneliti dan menandatangani Laporan Kinerja (LKj) dan menyerahkan kepada JFU",
             "Kepala Dinas", (), "Draft Lkj dan Draft surat pengantar", "60 menit", "LKj dan surat pengantar"),
        Step(8, "Menerima, mengagenda dan mengirim Laporan Kinerja (LKj) ke Bagian Organisasi Sekretariat Daerah serta "
             "mengarsipkannya",
             "JFU", (), "LKj dan surat pengantar", "15 menit",
             "LKj telah disampaikan ke Bagian Organisasi Sekretariat Daerah", "SOP Penyimpanan Arsip Aktif"),
    ),
)

DEFAULT_SOP = SOP_3_1_2_6
