"""What an import gives: the SOP as JSON (``sop.schema.json``) and the doubts found, each an Indonesian sentence
naming the step."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ImportResult:
    sop_json: dict
    warnings: list[str] = field(default_factory=list)
