"""The recap as values: one row per tracker and cycle, the files that could not be read and those skipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from lkj_xl.authoring.rekap.read import CycleRow
from lkj_xl.authoring.rekap.scan import SKIP_LABELS


@dataclass
class Recap:
    folder: Path
    as_of: datetime
    rows: list[CycleRow] = field(default_factory=list)
    #: (file, reason) of every workbook that could not be read
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    #: reason -> relative files skipped for it
    skipped: dict[str, list[str]] = field(default_factory=dict)

    @property
    def tracker_files(self) -> int:
        return len({row.file for row in self.rows})

    def skipped_summary(self) -> str:
        """"3 dilewati: 2 cadangan di folder 'Cadangan LKj', 1 berkas sementara ..." (empty when none)."""
        parts = [f"{len(files)} {SKIP_LABELS[reason]}" for reason, files in self.skipped.items() if files]
        total = sum(len(files) for files in self.skipped.values())
        return f"{total} berkas dilewati: " + "; ".join(parts) + "." if parts else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(timespec="minutes"),
            "folder": str(self.folder),
            "trackers": [row.json(self.as_of) for row in self.rows],
            "unreadable": [{"file": f, "reason": r} for f, r in self.unreadable],
            "skipped": {reason: files for reason, files in self.skipped.items()},
        }
