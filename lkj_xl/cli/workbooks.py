"""The ``lkj`` commands that make a workbook or ready what runs it: ``new`` (a tracker, for an SOP document too),
``demo`` (an example, filled and reported), ``build-workbook`` (the macro workbook), ``upgrade`` (an old tracker
moved to the current layout) and ``pasang`` (this computer's xlwings set-up, or the packages for one offline).
"""

from __future__ import annotations

from pathlib import Path

from lkj_xl.cli.shared import _now
from lkj_xl.console import _err, _out
from lkj_xl.core.errors import EXIT_DATA, EXIT_OK, UnusableFileError


def cmd_new(args) -> int:
    from lkj_xl.authoring.macro_workbook import create_tracker

    sop, notes = _sop_for_new(args.sop) if args.sop else (None, [])
    from lkj_xl.core.errors import ParseError
    from lkj_xl.core.periods import parse_rule

    cycle = {key: value for key, value in (("period_kind", args.siklus), ("deadline_rule", args.aturan_batas),
                                           ("timezone", args.zona_waktu)) if value is not None}
    try:  # a rule the period kind cannot use ("31 Maret" for per kegiatan): nothing is written
        parse_rule(args.aturan_batas, args.siklus or "tahunan")
    except ParseError as exc:
        raise UnusableFileError(f"--aturan-batas: {exc.message}") from None
    path, backup = create_tracker(Path(args.path), year=args.year, agency=args.agency, government=args.government,
                                  overwrite=args.force, sop=sop, cycle=cycle)
    kind = ("buku kerja bermakro dengan tab LKj" if path.suffix.lower() == ".xlsm"
            else "buku kerja biasa, tanpa tab LKj")
    what = f"SOP {sop.nomor} {sop.nama} ({len(sop.steps)} langkah)" if sop is not None else "LKj"
    _out(f"Buku kerja pelacak {what} tahun {args.year} untuk {args.agency} dibuat ({kind}): {path}")
    if backup is not None:
        _out(f"Berkas yang ditimpa disimpan sebagai cadangan: {backup.path} (lihat `lkj backups`).")
    for note in notes:
        _err(f"Peringatan: {note}")
    if notes:
        _out(f"{len(notes)} peringatan dari impor SOP: periksa lembar SOP (Pelaksana, Waktu) lalu jalankan "
             f"`lkj validate {path}`.")
        return EXIT_DATA
    return EXIT_OK


def _sop_for_new(document: str):
    """The SOP ``lkj new --sop`` builds for, and the import's warnings; unusable input raises (exit 2)."""
    from lkj_xl.authoring.sop_import import read_sop_document
    from lkj_xl.authoring.sop_import.convert import sop_for_tracker
    from lkj_xl.workbook.layout import ROLES_MAX

    result = read_sop_document(Path(document))
    sop, notes = sop_for_tracker(result.sop_json, source=Path(document).name, roles_max=ROLES_MAX)
    return sop, list(result.warnings) + notes


def cmd_demo(args) -> int:
    from lkj_xl.authoring.demo import run_demo

    result = run_demo(Path(args.dir), as_of=args.as_of, example=args.contoh, recorded_at=_now(args))
    _out(result.summary())
    return EXIT_OK


def cmd_build_workbook(args) -> int:
    from lkj_xl.authoring.macro_workbook import build_workbook

    path = build_workbook(Path(args.out))
    _out(f"Buku kerja makro dibuat: {path}")
    return EXIT_OK


def cmd_upgrade(args) -> int:
    from lkj_xl.authoring.upgrade import upgrade_tracker

    report = upgrade_tracker(Path(args.old), Path(args.new))
    _out(report)
    return EXIT_DATA if getattr(report, "not_carried", None) else EXIT_OK


def cmd_pasang(args) -> int:
    from lkj_xl.authoring import pasang

    if args.unduh:
        commands = pasang.download_wheelhouse(Path(args.unduh))
        _out("Paket untuk Windows (Python " + pasang.WHEELHOUSE_PYTHON + ", 64-bit) diunduh ke " + args.unduh + ":")
        for command in commands:
            _out("  " + " ".join(command))
        _out("Di komputer staf (tanpa internet), pasang dari folder itu:")
        _out(f"  py -m pip install --no-index --find-links {args.unduh} lkj-xl")
        _out("lalu jalankan sekali: lkj pasang")
        return EXIT_OK
    result = pasang.setup_pc(server=args.server)
    _out(result.summary())
    return EXIT_OK
