"""``lkj sop``: an SOP document read into data (``import``) and a tracker's step sheets brought in line with the
steps added to or removed from its SOP table (``terapkan``).  The one command group with subcommands of its own.
"""

from __future__ import annotations

import json
from pathlib import Path

from lkj_xl.console import _err, _out
from lkj_xl.core.errors import EXIT_DATA, EXIT_OK


def cmd_sop_import(args) -> int:
    from lkj_xl.authoring.sop_import import read_sop_document

    result = read_sop_document(Path(args.document))
    text = json.dumps(result.sop_json, ensure_ascii=False, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    if args.json:
        _out(text)
    else:
        sop = result.sop_json
        title = " ".join(x for x in (sop.get("nomor", ""), sop.get("nama", "")) if x)
        _out(f"SOP {title} ({len(sop['steps'])} langkah, Pelaksana: {', '.join(sop['roles'])})")
        rows = [("No", "Pelaksana", "Waktu", "Output")]
        for step in sop["steps"]:
            actor = step["actor"] or "?"
            if step["participants"]:
                actor += " (+ " + ", ".join(step["participants"]) + ")"
            waktu = step["waktu"] or ("(digabung)" if step.get("waktu_group") else "-")
            rows.append((str(step["number"]), actor, waktu, " ".join(step["output"].split())))
        widths = [min(max(len(r[i]) for r in rows), limit) for i, limit in enumerate((3, 45, 20, 50))]
        for row in rows:
            _out("  ".join(cell[:w].ljust(w) for cell, w in zip(row, widths)).rstrip())
        if args.out:
            _out(f"JSON ditulis: {args.out}")
    for warning in result.warnings:
        _err(f"Peringatan: {warning}")
    if not args.json:
        _out(f"{len(result.warnings)} peringatan." if result.warnings else "Tidak ada peringatan.")
    return EXIT_DATA if result.warnings else EXIT_OK


def cmd_sop_terapkan(args) -> int:
    from lkj_xl.authoring.sop_apply import apply_structure

    _out(apply_structure(Path(args.path)))
    return EXIT_OK
