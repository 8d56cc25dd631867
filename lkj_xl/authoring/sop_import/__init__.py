"""``lkj sop import``: read an SOP-AP document (signed PDF, Word .docx, Excel .xlsx, a tracker's SOP sheet, or the
import JSON itself) into the import JSON (``sop.schema.json``) plus Indonesian warnings naming each doubtful step.

:func:`read_sop_document` reads; :func:`to_sop` turns the JSON into :class:`lkj_xl.core.sop.Sop`.
"""

from __future__ import annotations

import json

from pathlib import Path

from lkj_xl.authoring.sop_import.convert import to_sop
from lkj_xl.core.errors import UnusableFileError

SCHEMA_PATH = Path(__file__).with_name("sop.schema.json")

__all__ = ["SCHEMA_PATH", "ImportResult", "load_schema", "read_sop_document", "to_sop"]


from lkj_xl.authoring.sop_import.result import ImportResult  # noqa: E402 - re-exported


def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def read_sop_document(path: str | Path) -> ImportResult:
    """Read an SOP document by its extension: .pdf, .docx, .xlsx/.xlsm (an SOP table, or a tracker's SOP sheet),
    .json.  A file that cannot be used raises :class:`UnusableFileError` naming it."""
    from lkj_xl.authoring.sop_import.table import build_sop_json

    path = Path(path)
    if not path.is_file():
        raise UnusableFileError(f"Berkas \"{path}\" tidak ditemukan.")
    ext = path.suffix.lower()
    if ext == ".json":
        from lkj_xl.authoring.sop_import.jsonfile import read_json

        return ImportResult(*read_json(path))
    if ext == ".pdf":
        from lkj_xl.authoring.sop_import.pdf import read_pdf as reader
    elif ext == ".docx":
        from lkj_xl.authoring.sop_import.word import read_docx as reader
    elif ext in (".xlsx", ".xlsm"):
        from lkj_xl.authoring.sop_import.sheet import read_workbook

        found = read_workbook(path)
        if isinstance(found, ImportResult):
            return found
        reader = lambda _path: found
    elif ext in (".doc", ".xls"):
        raise UnusableFileError(f"Berkas \"{path.name}\" berformat lama ({ext}); simpan ulang sebagai "
                                f"{'.docx' if ext == '.doc' else '.xlsx'} (Word/Excel: Simpan Sebagai) lalu impor lagi.")
    else:
        raise UnusableFileError(f"Berkas \"{path.name}\" bukan dokumen SOP yang dikenal; gunakan PDF, .docx, .xlsx "
                                f"atau JSON impor.")
    identity, roles, rows, warnings = reader(path)
    sop_json = build_sop_json(identity, roles, rows, warnings)
    return ImportResult(sop_json, warnings)
