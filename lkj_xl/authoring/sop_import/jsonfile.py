"""The import JSON itself: validated against ``sop.schema.json``, then read back as it is (a round trip)."""

from __future__ import annotations

import json
from pathlib import Path

from lkj_xl.core.errors import UnusableFileError


def read_json(path: Path) -> tuple[dict, list[str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnusableFileError(f"Berkas \"{path.name}\" bukan JSON yang sah ({exc}).") from exc
    problems = schema_problems(data)
    if problems:
        raise UnusableFileError(f"Berkas \"{path.name}\" tidak sesuai format JSON impor SOP: " + "; ".join(problems[:5]))
    return data, []


def schema_problems(data) -> list[str]:
    """Where ``data`` breaks the schema (structural checks without the jsonschema package, which only the tests
    need): the required keys and their types."""
    if not isinstance(data, dict):
        return ["isi berkas bukan objek JSON"]
    problems = []
    if not isinstance(data.get("roles"), list):
        problems.append("\"roles\" harus berupa daftar")
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        return problems + ["\"steps\" harus berupa daftar langkah yang tidak kosong"]
    for i, step in enumerate(steps, start=1):
        if not isinstance(step, dict) or not isinstance(step.get("number"), int):
            problems.append(f"langkah ke-{i} tidak memiliki \"number\" berupa bilangan bulat")
            continue
        for key in ("uraian", "actor", "waktu"):
            if not isinstance(step.get(key, ""), str):
                problems.append(f"langkah {step['number']}: \"{key}\" harus berupa teks")
    return problems
