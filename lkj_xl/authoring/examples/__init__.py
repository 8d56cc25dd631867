"""The second built-in example (``lkj demo DIR --contoh pengiriman``): a tracker for another SOP than LKj, made the
way an admin makes one (``lkj new --sop``) from an SOP imported once from a signed document.

The SOP is "Pengiriman Dokumen" (SOP-026/17000/2025, BPS Provinsi Bengkulu, one of the eight signed PDFs in
``shared/sop-samples``), read by ``lkj sop import`` and shipped as package data (``sop_pengiriman_dokumen.json``; an
install has no ``shared`` folder).  The cycle: one letter sent in January 2026 by a fictional staff, step 4 sent
back once (``Ulang`` 1), step 7 (the courier) running late when looked at on Wednesday 14 January 2026 10.00 WIB.
The tracker keeps the default cycle (a row per Tahun, its work in the year after), so the letter is the 2025 row;
an office could set Periode siklus "per kegiatan" on Pengaturan instead.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

SOP_JSON = Path(__file__).with_name("sop_pengiriman_dokumen.json")

EXAMPLE_KEY = "pengiriman"
EXAMPLE_YEAR = 2025
EXAMPLE_AS_OF = datetime(2026, 1, 14, 10, 0)
EXAMPLE_FILE = "Contoh_Pengiriman_Dokumen_2025.xlsx"
EXAMPLE_AGENCY = "BPS Provinsi Bengkulu"
EXAMPLE_GOVERNMENT = "Badan Pusat Statistik"

#: (Nama, NIP, Jabatan, Keterangan, No. WhatsApp, Email, Pangkat/Golongan) - fictional people, NIPs well-formed.
EXAMPLE_STAFF: tuple[tuple[str | None, ...], ...] = (
    ("Andi Saputra, S.ST.", "19900311 201212 1 001", "TIM", "Tim Statistik Sosial", None, None, "Penata (III/c)"),
    ("Hendra Gunawan, S.E.", "19760605 199903 1 002", "Kepala Bagian Umum", "", None, None, "Pembina (IV/a)"),
    ("Maya Sari, A.Md.", "19880917 201101 2 003", "Sekretaris", "", None, None, "Penata Muda Tingkat I (III/b)"),
    ("Yudi Pratama", "19950122 201801 1 004", "Layanan Umum", "", None, None, "Pengatur (II/c)"),
)
#: Pengaturan's signature rows of the example: the place and who prepares the report.
EXAMPLE_PLACE = "Bengkulu"

_TIM, _KABAG, _SEKRE, _LAYANAN = (person[0] for person in EXAMPLE_STAFF)
EXAMPLE_PREPARER = _SEKRE
#: Step -> (Diterima, Selesai, Pelaksana, Kelengkapan, Nomor Output, Catatan, Ulang), typed as staff type them.
EXAMPLE_ENTRIES: dict[int, tuple[object, ...]] = {
    1: ("12/01/2026 08:00", "12/01/2026 08:10", _TIM, "Ya", "ND-123/17000/2025", "", None),
    2: ("12/01/2026 08:30", "12 Januari 2026 09.00", _KABAG, "Ya", "", "Disposisi ke Layanan Umum", None),
    3: ("12/01/2026 09:15", "12/01/2026 10:00", _LAYANAN, "Ya", "", "", None),
    4: ("12/01/2026 10:30", "13/01/2026 09:00", _KABAG, "Ya", "", "Draf dikembalikan sekali: alamat tujuan kurang", 1),
    5: ("13/01/2026 09:30", "13/01/2026 09:45", _KABAG, "Ya", "B-456/17000/KU.100/10/2025", "", None),
    6: ("13/01/2026 13:00", "13/01/2026 13:15", _SEKRE, "Ya", "", "", None),
    7: ("14/01/2026 08:00", None, None, "Ya", "", "Diserahkan ke kurir PT Pos Indonesia", None),
}


def example_sop():
    """The SOP of the example, from the package data (:func:`lkj_xl.authoring.sop_import.to_sop`)."""
    from lkj_xl.authoring.sop_import import to_sop

    return to_sop(json.loads(SOP_JSON.read_text(encoding="utf-8")))


def make_example(draft: Path, fill_demo_entries) -> None:
    """Build the example tracker at ``draft`` and type its cycle in, as people would (``fill_demo_entries`` is
    :func:`lkj_xl.authoring.demo.fill_demo_entries`, passed in: the demo module runs this one)."""
    from lkj_xl.authoring.builder import build_tracker
    from lkj_xl.core.settings import Settings
    from lkj_xl.engines.openpyxl_book import FileBook
    from lkj_xl.workbook import layout

    build_tracker(draft, year=EXAMPLE_YEAR, agency=EXAMPLE_AGENCY, government=EXAMPLE_GOVERNMENT,
                  staff=EXAMPLE_STAFF, sop=example_sop(),
                  settings=Settings(EXAMPLE_YEAR, place=EXAMPLE_PLACE, preparer=EXAMPLE_PREPARER))
    book = FileBook.open(draft)
    fill_demo_entries(book, {step: values[:6] for step, values in EXAMPLE_ENTRIES.items()}, EXAMPLE_YEAR)
    columns = {layout.normalize_label(v): i + 1 for i, v in
               enumerate(book.read(layout.step_sheet(1))[layout.STEP_TABLE_HEADER_ROW - 1])}
    for step, values in EXAMPLE_ENTRIES.items():
        if values[6] is not None:
            book.write(layout.step_sheet(step), layout.STEP_TABLE_HEADER_ROW + 1,
                       columns[layout.normalize_label(layout.F_ULANG)], [[values[6]]])
    book.save()


__all__ = ["EXAMPLE_AS_OF", "EXAMPLE_FILE", "EXAMPLE_KEY", "example_sop", "make_example"]
