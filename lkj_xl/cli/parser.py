"""The ``lkj`` command line's grammar: argparse in Indonesian (section titles, help, error messages), every
subcommand with its options, help text and examples (``tests/test_docs.py`` checks each has one), and the option
types that refuse a bad ``--as-of`` or ``--year`` before anything runs.  The commands themselves are the
``cmd_*`` functions of the sibling modules; this module only wires them to their names.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from datetime import datetime

from lkj_xl import __version__
from lkj_xl.cli.pengingat import _within_type, cmd_pengingat
from lkj_xl.cli.rekap import cmd_rekap
from lkj_xl.cli.sop import cmd_sop_import, cmd_sop_terapkan
from lkj_xl.cli.tracker import (
    cmd_backups, cmd_refresh, cmd_report, cmd_restore, cmd_status, cmd_tutup, cmd_validate,
)
from lkj_xl.cli.workbooks import cmd_build_workbook, cmd_demo, cmd_new, cmd_pasang, cmd_upgrade
from lkj_xl.core.errors import EXIT_OK, EXIT_UNUSABLE

PROG = "lkj"


#: ``--as-of`` years accepted: those of the reporting years (``--year``) and a little after (an LKj is due the year
#: after its reporting year).  Far outside them the calendar arithmetic overflows (year 9999) or every entry is "in
#: the future" (year 1).
AS_OF_YEARS = (2000, 2101)


def _as_of_type(text: str) -> datetime:
    from lkj_xl.runtime import parse_as_of

    try:
        value = parse_as_of(text)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(
            f"waktu \"{text}\" tidak terbaca; gunakan format ISO 8601, mis. 2026-03-02T10:00") from None
    if not AS_OF_YEARS[0] <= value.year <= AS_OF_YEARS[1]:
        raise argparse.ArgumentTypeError(
            f"waktu \"{text}\" di luar rentang tahun {AS_OF_YEARS[0]}-{AS_OF_YEARS[1]}; gunakan waktu pemeriksaan "
            f"yang sebenarnya, mis. 2026-03-02T10:00")
    return value


def _year_type(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"tahun \"{text}\" bukan bilangan bulat, mis. 2025") from None
    from lkj_xl.core.validation import YEAR_MAX, YEAR_MIN

    if not YEAR_MIN <= year <= YEAR_MAX:
        raise argparse.ArgumentTypeError(f"tahun {year} di luar rentang {YEAR_MIN}-{YEAR_MAX}")
    return year


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix="pemakaian: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with Indonesian section titles, help text and error messages."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumen"
        self._optionals.title = "pilihan"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="tampilkan bantuan ini lalu keluar")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNUSABLE, f"{self.prog}: galat: {_translate(message)}\n")


_ARGPARSE_PHRASES = (
    ("the following arguments are required", "argumen berikut wajib diisi"),
    ("unrecognized arguments", "argumen tidak dikenal"),
    ("invalid choice", "pilihan tidak sah"),
    ("expected one argument", "memerlukan satu nilai"),
    ("argument ", "argumen "),
)


def _translate(message: str) -> str:
    for english, indonesian in _ARGPARSE_PHRASES:
        message = message.replace(english, indonesian)
    return message


def _example(text: str) -> str:
    return "contoh:\n" + textwrap.indent(textwrap.dedent(text).strip(), "  ")


def build_parser() -> argparse.ArgumentParser:
    from lkj_xl.authoring.demo import (
        DEMO_AS_OF,  # a small module (no openpyxl): keeps `lkj --help` fast
    )

    parser = _Parser(
        prog=PROG,
        description="Pelacak SOP 3.1.2.6 Penyusunan Laporan Kinerja (LKj): validasi, batas waktu kerja, laporan.",
        epilog=_example("""
            lkj demo contoh/
            lkj new LKj_2025.xlsx --year 2025 --agency "Inspektorat Kota Madiun"
            lkj validate LKj_2025.xlsx --as-of 2026-03-02T10:00
            lkj report LKj_2025.xlsx
            """) + "\n\nKode keluar: 0 baik, 1 ada kesalahan data, 2 berkas tidak dapat dipakai.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help="tampilkan versi lalu keluar")
    sub = parser.add_subparsers(dest="command", metavar="PERINTAH", title="perintah", parser_class=_Parser)

    def add(name: str, help_text: str, example: str, func, *, path: bool = True, timed: bool = True,
            yearly: bool = True,
            as_of_help: str = "keadaan per waktu ini, ISO 8601 (bawaan: sekarang, menurut Zona waktu pada lembar "
                              "Pengaturan)"):
        cmd = sub.add_parser(name, help=help_text, description=help_text, epilog=_example(example))
        if path:
            cmd.add_argument("path", metavar="BERKAS", help="buku kerja pelacak (.xlsx/.xlsm)")
        if timed and yearly:
            cmd.add_argument("--year", type=_year_type, default=None, metavar="TAHUN",
                             help="tahun pelaporan, untuk SOP tahunan (bawaan: tahun pada lembar Pengaturan)")
            cmd.add_argument("--periode", dest="period", default=None, metavar="PERIODE",
                             help="periode, untuk SOP yang tidak tahunan (Pengaturan, Periode siklus): mis. 2025-S1, "
                                  "2025-TW3, 2025-03 atau nama kegiatan (bawaan: periode terakhir yang diisi)")
        if timed:
            cmd.add_argument("--as-of", dest="as_of", type=_as_of_type, default=None, metavar="WAKTU",
                             help=as_of_help)
        cmd.set_defaults(func=func)
        return cmd

    new = add("new", "Buat buku kerja pelacak baru: .xlsm dengan tab LKj (makro), atau .xlsx biasa.",
              'lkj new LKj_2026.xlsm --year 2026 --agency "Dinas Kesehatan Kota Madiun"\n'
              'lkj new LKj_2026.xlsx --year 2026 --agency "Dinas Kesehatan Kota Madiun"\n'
              'lkj new Naskah_2026.xlsm --year 2026 --sop "SOP Pembuatan Naskah Dinas.pdf"\n'
              'lkj new Monitoring_2026.xlsx --year 2026 --siklus triwulanan --aturan-batas "10 hari kerja" '
              '--zona-waktu WITA', cmd_new, timed=False)
    new.add_argument("--year", type=_year_type, required=True, metavar="TAHUN", help="tahun pelaporan (LKj tahun ini, disusun tahun depan)")
    from lkj_xl.core.settings import DEFAULT_AGENCY, DEFAULT_GOVERNMENT

    new.add_argument("--agency", metavar="NAMA", default=DEFAULT_AGENCY, help="nama perangkat daerah")
    new.add_argument("--government", metavar="NAMA", default=DEFAULT_GOVERNMENT, help="nama pemerintah daerah")
    new.add_argument("--force", action="store_true", help="timpa berkas yang sudah ada")
    new.add_argument("--sop", metavar="DOKUMEN", default=None,
                     help="bangun pelacak untuk SOP ini (.pdf, .docx, .xlsx/.xlsm, JSON dari `lkj sop import`); "
                          "bawaan: SOP 3.1.2.6 Penyusunan LKj. Peringatan impor dicetak (kode keluar 1); SOP yang "
                          "tidak dapat dipakai: kode keluar 2, tidak ada berkas yang ditulis")
    from lkj_xl.core.periods import PERIOD_KINDS
    from lkj_xl.core.zones import ZONE_NAMES

    new.add_argument("--siklus", choices=PERIOD_KINDS, default=None, metavar="SIKLUS",
                     help="periode siklus SOP: " + ", ".join(PERIOD_KINDS) + " (bawaan: tahunan, kolom Tahun; "
                          "lainnya memakai kolom Periode, mis. 2025-S1)")
    new.add_argument("--aturan-batas", dest="aturan_batas", default=None, metavar="ATURAN",
                     help="aturan batas akhir tiap periode, mis. \"31 Maret berikutnya\", \"15/01\", "
                          "\"10 hari kerja\" atau \"tidak ada\" (bawaan: 31 Maret berikutnya untuk tahunan)")
    new.add_argument("--zona-waktu", dest="zona_waktu", choices=ZONE_NAMES, default=None, metavar="ZONA",
                     help="WIB, WITA atau WIT (Keppres 41/1987; bawaan: WIB)")

    add("validate", "Periksa semua isian; tidak mengubah apa pun.",
        "lkj validate LKj_2025.xlsx --as-of 2026-03-02T10:00", cmd_validate)
    add("refresh", "Hitung batas waktu, status dan keterlambatan; perbarui Beranda. Isian tidak disentuh.",
        "lkj refresh LKj_2025.xlsx", cmd_refresh)
    add("report", "Hitung ulang lalu tulis lembar Laporan untuk tahun yang dipilih.",
        "lkj report LKj_2025.xlsx --year 2025", cmd_report)
    add("tutup", "Tutup siklus yang sudah selesai dan laporannya ditandatangani: kolom terhitungnya tidak dihitung "
        "ulang lagi, SOP dan pengaturan yang berlaku dicatat di lembar Siklus Tertutup, dan laporannya disimpan "
        "sebagai berkas .xlsx (dan PDF bila LibreOffice terpasang) di samping pelacak. SOP yang tidak tahunan: "
        "--periode (bawaan: periode terakhir yang langkah terakhirnya selesai dan belum ditutup).",
        "lkj tutup LKj_2025.xlsx --year 2025\n"
        "lkj tutup Monitoring_2025.xlsx --periode 2025-TW3", cmd_tutup)
    status = add("status", "Tampilkan keadaan siklus (dengan --json untuk mesin).",
                 "lkj status LKj_2025.xlsx --json --as-of 2026-03-02T10:00\n"
                 "lkj status Monitoring_2025.xlsx --periode 2025-TW3", cmd_status)
    status.add_argument("--json", action="store_true", help="cetak JSON")
    demo = add("demo", "Buat pelacak contoh dengan siklus 2025, validasi, hitung dan buat laporannya.",
               "lkj demo contoh/\nlkj demo contoh/ --contoh pengiriman", cmd_demo, path=False, yearly=False,  # the example is always 2025
               as_of_help=f"keadaan per waktu ini, ISO 8601 (bawaan: {DEMO_AS_OF:%Y-%m-%dT%H:%M}, saat contoh itu "
                          f"diisi)")
    demo.add_argument("dir", metavar="FOLDER", help="folder tujuan")
    demo.add_argument("--contoh", choices=("lkj", "pengiriman"), default="lkj",
                      help="contoh yang dibuat: lkj (SOP 3.1.2.6 Penyusunan LKj, bawaan) atau pengiriman (SOP "
                           "Pengiriman Dokumen BPS Provinsi Bengkulu, diimpor dari PDF bertanda tangan; keadaan per "
                           "14-01-2026 10.00)")
    build = add("build-workbook", "Bangun buku kerja makro LKj_Tracker.xlsm (pita LKj, VBA, xlwings).",
                "lkj build-workbook --out workbook/LKj_Tracker.xlsm", cmd_build_workbook, path=False, timed=False)
    from lkj_xl.authoring.macro_workbook import DEFAULT_OUT

    build.add_argument("--out", metavar="BERKAS", default=str(DEFAULT_OUT), help="berkas keluaran")
    add("backups", "Daftar cadangan buku kerja (terbaru dahulu), dengan waktu menurut Zona waktu pelacak (Pengaturan) "
        "dan ukurannya.", "lkj backups LKj_2025.xlsx", cmd_backups,
        timed=False)
    restore = add("restore", "Pulihkan buku kerja dari cadangan.", "lkj restore LKj_2025.xlsx --backup 1",
                  cmd_restore, timed=False)
    restore.add_argument("--backup", default=None, metavar="CADANGAN",
                         help="nomor urut dari `lkj backups` atau nama berkas cadangan (bawaan: terbaru)")
    setup = add("pasang", "Siapkan komputer ini (sekali per komputer, setelah pip install): tulis Python ini ke "
                "pengaturan xlwings pengguna agar tombol LKj di Excel memakainya.",
                """
                lkj pasang
                lkj pasang --server
                lkj pasang --unduh D:\\paket-lkj""", cmd_pasang, path=False, timed=False)
    setup.add_argument("--server", action="store_true",
                       help="nyalakan server UDF xlwings (Python tetap berjalan; klik berikutnya lebih cepat)")
    setup.add_argument("--unduh", metavar="FOLDER", default=None,
                       help="jangan memasang; unduh semua paket untuk Windows 64-bit (Python 3.11) ke FOLDER untuk "
                            "pemasangan tanpa internet")
    upgrade = add("upgrade", "Pindahkan pelacak versi lama ke tata letak terbaru: semua isian, kolom dan lembar tambahan, komentar "
                  "dan format sel ikut; yang tidak dapat ikut (gambar, grafik) didaftar dan kode keluarnya 1.",
                  "lkj upgrade LKj_lama.xlsx LKj_baru.xlsm", cmd_upgrade, path=False, timed=False)
    upgrade.add_argument("old", metavar="LAMA", help="pelacak lama (.xlsx/.xlsm); tidak diubah")
    upgrade.add_argument("new", metavar="BARU",
                         help="berkas baru: .xlsm untuk buku kerja dengan tab LKj, .xlsx untuk buku kerja biasa")
    pengingat = add("pengingat", "Pengingat: langkah yang terlambat, segera jatuh tempo atau berikutnya, dan siapa "
                    "pemegangnya; tulis kalender/HTML atau kirim email. Buku kerja hanya dibaca.",
                    "lkj pengingat LKj_2025.xlsx --within 8j --ics pengingat.ics --html pengingat.html\n"
                    "lkj pengingat LKj_2025.xlsx --email", cmd_pengingat)
    pengingat.add_argument("--within", type=_within_type, default=None, metavar="WAKTU",
                           help="jendela \"segera jatuh tempo\": mis. 8j, \"8 jam\", \"2 hari\" (hari kerja); bawaan: "
                                "pengaturan Segera jatuh tempo")
    pengingat.add_argument("--json", action="store_true", help="cetak JSON")
    pengingat.add_argument("--ics", metavar="BERKAS", default=None, help="tulis kalender iCalendar (.ics)")
    pengingat.add_argument("--html", metavar="BERKAS", default=None, help="tulis halaman HTML dengan tautan WhatsApp")
    pengingat.add_argument("--email", action="store_true", help="kirim email ke pemegang langkah (SMTP)")
    pengingat.add_argument("--dry-run", dest="dry_run", action="store_true",
                           help="tampilkan email yang akan dikirim tanpa mengirim")
    pengingat.add_argument("--force", action="store_true", help="kirim lagi walau sudah dikirim hari ini")
    pengingat.add_argument("--simpan-sandi", dest="simpan_sandi", action="store_true",
                           help="simpan sandi SMTP di penyimpanan kredensial sistem, lalu keluar")
    rekap = add("rekap", "Rekap semua pelacak di satu folder (termasuk subfolder) ke Rekap_LKj.xlsx: status, "
                "pemegang, batas akhir. Pelacak hanya dibaca, boleh sedang dibuka di Excel.",
                """
                lkj rekap "Z:\\LKj 2025"
                lkj rekap "Z:\\LKj 2025" --out "Z:\\Rekap\\Rekap_LKj.xlsx" --as-of 2026-03-02T10:00
                lkj rekap "Z:\\LKj 2025" --json > rekap.json""", cmd_rekap, path=False, yearly=False)
    rekap.add_argument("--year", type=_year_type, default=None, metavar="TAHUN",
                       help="hanya siklus tahun pelaporan ini (bawaan: setiap tahun yang ada di tiap pelacak)")
    rekap.description += ("\n\nYang dilewati: folder 'Cadangan LKj', berkas ~$ milik Excel, berkas sementara lkj, "
                          "dan buku kerja yang bukan pelacak. Berkas yang tidak dapat dibaca (rusak, terenkripsi) "
                          "dicantumkan di lembar 'Tidak terbaca'.\n\nKode keluar: 0 bila rekap dibuat (juga bila ada "
                          "berkas tidak terbaca atau kesalahan data; keduanya tercantum di rekap), 2 bila folder tidak "
                          "ada, tidak berisi pelacak, atau rekap tidak dapat disimpan.")
    rekap.add_argument("folder", metavar="FOLDER", help="folder berisi pelacak (.xlsx/.xlsm), dibaca beserta subfolder")
    rekap.add_argument("--out", metavar="BERKAS", default=None,
                       help="berkas rekap (bawaan: Rekap_LKj.xlsx di FOLDER); versi sebelumnya disimpan di "
                            "'Cadangan LKj'")
    rekap.add_argument("--json", action="store_true",
                       help="cetak JSON (UTF-8); tanpa --out, berkas rekap tidak ditulis")
    rekap.add_argument("--workers", type=int, default=2, metavar="N", help=argparse.SUPPRESS)
    sop = sub.add_parser("sop", help="Dokumen SOP: impor dari PDF, Word, Excel atau JSON.",
                         description="Dokumen SOP: impor dari PDF, Word, Excel atau JSON.",
                         epilog=_example("lkj sop import \"SOP Penyusunan LKj.pdf\" --out sop.json\n"
                                         "lkj sop terapkan LKj_2025.xlsx"))
    sop_sub = sop.add_subparsers(dest="sop_command", metavar="PERINTAH", title="perintah", parser_class=_Parser)
    sop.set_defaults(func=lambda args: (sop.print_help(), EXIT_OK)[1])
    sop_import = sop_sub.add_parser(
        "import", help="Baca dokumen SOP-AP (PDF bertanda tangan, .docx, .xlsx, pelacak, JSON) menjadi data.",
        description="Baca tabel langkah SOP-AP (Permenpan RB 35/2012): Pelaksana dari bentuk bagan alir, Waktu, "
                    "Output. Kode keluar: 0 tanpa peringatan, 1 ada peringatan, 2 berkas tidak dapat dipakai.",
        epilog=_example("""
            lkj sop import "SOP Penyusunan LKj.pdf"
            lkj sop import SOP.docx --json
            lkj sop import SOP.pdf --out sop.json
            """))
    sop_import.add_argument("document", metavar="DOKUMEN", help="dokumen SOP (.pdf, .docx, .xlsx/.xlsm, .json)")
    sop_import.add_argument("--json", action="store_true", help="cetak JSON (format sop.schema.json)")
    sop_import.add_argument("--out", metavar="SOP.json", default=None, help="tulis JSON ke berkas ini")
    sop_import.set_defaults(func=cmd_sop_import)
    terapkan = sop_sub.add_parser(
        "terapkan", help="Terapkan langkah yang ditambah/dihapus di tabel langkah SOP (tblSOP) ke susunan pelacak.",
        description="Setelah pengelola menambah atau menghapus langkah di tabel langkah SOP (lembar SOP): tambahkan "
                    "lembar Langkah N, tabel tblLangkahN dan baris Laporan untuk langkah baru; lembar langkah yang "
                    "dihapus dari tblSOP ikut dihapus hanya bila kosong. Semua isian lain dibawa dan dibandingkan; "
                    "versi sebelumnya disimpan di Cadangan LKj. Kode keluar: 0 berhasil (atau tidak ada yang perlu "
                    "diubah), 2 tidak diubah (mis. lembar yang akan dihapus masih berisi isian).",
        epilog=_example("lkj sop terapkan LKj_2025.xlsx"))
    terapkan.add_argument("path", metavar="BERKAS", help="buku kerja pelacak (.xlsx/.xlsm)")
    terapkan.set_defaults(func=cmd_sop_terapkan)
    return parser
