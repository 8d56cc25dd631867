"""The SOP table as every reader sees it, and the one place that turns it into the import JSON.

A reader (PDF, Word, Excel, tracker) produces columns (with a kind: no, uraian, a Pelaksana role, kelengkapan,
waktu, output, keterangan) and rows (cell texts, the flowchart marks in the Pelaksana columns, whether the Waktu
cell is merged with the row above, decision branches).  :func:`build_sop_json` makes steps of them, with every
doubt as an Indonesian warning naming the step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lkj_xl.core.errors import ParseError
from lkj_xl.core.sop import IDENTITY_FIELDS, parse_waktu

NO, URAIAN, ROLE, KELENGKAPAN, WAKTU, OUTPUT, KETERANGAN, OTHER = (
    "no", "uraian", "role", "kelengkapan", "waktu", "output", "keterangan", "other")
MUTU = (KELENGKAPAN, WAKTU, OUTPUT)

# Raw shape kinds (what a reader sees) and step symbols (what the JSON says).
RECT, DIAMOND, TERMINAL, CONNECTOR = "rect", "diamond", "terminal", "connector"
SYMBOLS = ("mulai", "proses", "keputusan", "selesai", "penghubung")

LIST_FIELDS = tuple(attr for _, attr in IDENTITY_FIELDS
                    if attr in ("dasar_hukum", "kualifikasi_pelaksana", "keterkaitan", "peralatan"))


def classify_header(text: str) -> str:
    """The kind of a table column from its header text (the variants real SOP-AP documents use)."""
    t = re.sub(r"\s+", " ", text.lower()).strip()
    if re.fullmatch(r"no\.?|nomor|no urut", t):
        return NO
    if re.search(r"uraian|kegiatan|aktivitas|aktifitas|prosedur", t):
        return URAIAN
    if re.search(r"kelengkapan|sumber data|persyaratan|perlengkapan|input", t):
        return KELENGKAPAN
    if re.search(r"\bwaktu\b", t):
        return WAKTU
    if re.search(r"output|keluaran|hasil", t):
        return OUTPUT
    if re.match(r"ket\b|ket\.|keterangan", t):
        return KETERANGAN
    return ROLE


@dataclass
class Mark:
    """One flowchart shape (or typed mark) in a row: the Pelaksana columns it sits in and what it is."""

    roles: tuple[str, ...]
    kind: str  # RECT, DIAMOND, TERMINAL, CONNECTOR
    y: float = 0.0
    x: float = 0.0


@dataclass
class Row:
    number: int | None
    cells: dict[str, str] = field(default_factory=dict)  # kind -> text (uraian, kelengkapan, waktu, output, keterangan)
    marks: list[Mark] = field(default_factory=list)
    waktu_merged_up: bool = False  # the Waktu cell is one merged cell with the row above
    waktu_border_seen: bool = False  # a border between this Waktu cell and the one above is certain (drawn/unmerged)
    branches: list[tuple[str, int | None]] = field(default_factory=list)  # (label, target row index in the table)


def clean(text: str | None) -> str:
    if text is None:
        return ""
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in str(text).replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


_LIST_ITEM = re.compile(r"^\s*(?:\d+|[a-zA-Z]|[IVX]+)[.)]\s+|^\s*[•\-–·]\s*")


def split_items(text: str) -> list[str]:
    """A list cell ("1. ATK\\n2. Printer", continuation lines joined) as items without their numbers."""
    items: list[str] = []
    numbered = any(_LIST_ITEM.match(line) for line in text.split("\n"))
    for line in clean(text).split("\n"):
        if numbered and not _LIST_ITEM.match(line) and items:
            items[-1] = f"{items[-1]} {line}"
        else:
            items.append(_LIST_ITEM.sub("", line).strip())
    return [item for item in items if item]


def join_lines(lines: list[str]) -> str:
    """Lines of one cell: a new list item keeps its line, a wrapped line joins the one before."""
    out: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and not _LIST_ITEM.match(line):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def empty_identity() -> dict:
    return {attr: ([] if attr in LIST_FIELDS else "") for _, attr in IDENTITY_FIELDS}


# Identity labels as documents write them -> attribute.
_IDENTITY_LABELS: tuple[tuple[str, str], ...] = (
    (r"nomor\s*sop|no\.?\s*sop", "nomor"),
    (r"tanggal\s*pembuatan|tgl\.?\s*pembuatan", "tanggal_pembuatan"),
    (r"tanggal\s*revisi|tgl\.?\s*revisi", "tanggal_revisi"),
    (r"tanggal\s*(?:efektif|pengesahan)|tgl\.?\s*(?:efektif|pengesahan)", "tanggal_pengesahan"),
    (r"disahkan\s*oleh", "disahkan_oleh"),
    (r"(?:nama|judul)\s*sop", "nama"),
    (r"dasar\s*hukum", "dasar_hukum"),
    (r"kualifikasi\s*pelaksana(?:an)?", "kualifikasi_pelaksana"),
    (r"keterkaitan", "keterkaitan"),
    (r"peralatan\s*/?\s*perlengkapan|peralatan", "peralatan"),
    (r"peringatan", "peringatan"),
    (r"pencatatan\s*(?:dan|&)\s*pendataan", "pencatatan_pendataan"),
    (r"instansi", "instansi"),
)


def identity_label(text: str | None) -> str | None:
    """The attribute an identity label cell names ("Tanggal Efektif :" -> tanggal_pengesahan), else None."""
    if not text:
        return None
    t = re.sub(r"\s+", " ", str(text)).strip().rstrip(":").strip().lower()
    for pattern, attr in _IDENTITY_LABELS:
        if re.fullmatch(pattern, t):
            return attr
    return None


def identity_from_grid(grid: list[list[str | None]]) -> dict:
    """Identity fields from a table laid out as SOP-AP page 1: a label cell with its value to the right, or (for
    the two-column lower block) below it.  The top-left cell (the agency's name) is ``instansi``."""
    identity = empty_identity()
    found: dict[str, str] = {}
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            attr = identity_label(cell)
            if attr is None or attr in found:
                continue
            value = None
            for right in row[c + 1:]:
                if right and clean(right) and identity_label(right) is None:
                    value = right
                    break
            if value is None and r + 1 < len(grid):
                below = grid[r + 1][c] if c < len(grid[r + 1]) else None
                if below and identity_label(below) is None:
                    value = below
            if value is not None:
                found[attr] = clean(value)
    if grid and grid[0] and grid[0][0] and identity_label(grid[0][0]) is None:
        found.setdefault("instansi", " ".join(clean(grid[0][0]).split("\n")))
    for attr, value in found.items():
        identity[attr] = split_items(value) if attr in LIST_FIELDS else value
    return identity


# --- rows -> steps ---------------------------------------------------------------------------------------------------

def _symbol(marks: list[Mark], first: bool, last: bool) -> tuple[str | None, Mark | None]:
    ordered = sorted(marks, key=lambda m: (round(m.y), m.x))
    by_kind = {kind: [m for m in ordered if m.kind == kind] for kind in (RECT, DIAMOND, TERMINAL, CONNECTOR)}
    if by_kind[DIAMOND]:
        return "keputusan", by_kind[DIAMOND][0]
    if by_kind[TERMINAL] and first:
        return "mulai", by_kind[TERMINAL][0]
    if by_kind[TERMINAL] and last:
        return "selesai", by_kind[TERMINAL][0]
    if by_kind[RECT]:
        return "proses", by_kind[RECT][0]
    if by_kind[TERMINAL]:
        return "selesai", by_kind[TERMINAL][0]
    if by_kind[CONNECTOR]:
        return "penghubung", by_kind[CONNECTOR][0]
    return None, None


def build_sop_json(identity: dict, roles: list[str], rows: list[Row], warnings: list[str],
                   source: str = "") -> dict:
    """Steps from table rows.  A row without a number continues the step above (warned when it has its own Mutu
    Baku); a merged Waktu cell makes a ``waktu_group``; unknown Waktu text is a warning, kept as written."""
    steps: list[dict] = []
    step_of_row: dict[int, int] = {}
    merged_rows: list[tuple[Row, dict]] = []
    for index, row in enumerate(rows):
        if row.number is None:
            if not steps:
                continue
            step = steps[-1]
            extra = clean(row.cells.get(URAIAN, ""))
            if not extra and not row.marks and not any(clean(row.cells.get(k, "")) for k in MUTU):
                continue
            step_of_row[index] = len(steps) - 1
            own_waktu = clean(row.cells.get(WAKTU, "")) if not row.waktu_merged_up else ""
            note = f"Langkah {step['number']}: baris tanpa nomor sesudahnya"
            if extra:
                note += f" (\"{_short(extra)}\")"
            note += f" digabung ke langkah {step['number']}"
            added = [_KIND_LABEL[k] for k in (KELENGKAPAN, OUTPUT, KETERANGAN) if clean(row.cells.get(k, ""))]
            if added:
                note += f"; {'/'.join(added)} baris itu ditambahkan"
            if own_waktu:
                note += (f"; Waktu baris itu \"{own_waktu}\" tidak dipakai (langkah {step['number']} tetap "
                         f"\"{step['waktu'] or '-'}\")")
            warnings.append(note + "; periksa apakah baris itu langkah tersendiri.")
            if extra:
                step["uraian"] = f"{step['uraian']}\n{extra}".strip()
            for kind in (KELENGKAPAN, OUTPUT, KETERANGAN):
                text = clean(row.cells.get(kind, ""))
                if text and text not in step[kind]:
                    step[kind] = f"{step[kind]}\n{text}".strip()
            merged_rows.append((row, step))
            continue
        step_of_row[index] = len(steps)
        steps.append({
            "number": row.number,
            "uraian": clean(row.cells.get(URAIAN, "")),
            "actor": "",
            "participants": [],
            "kelengkapan": clean(row.cells.get(KELENGKAPAN, "")),
            "waktu": clean(row.cells.get(WAKTU, "")).replace("\n", " "),
            "output": clean(row.cells.get(OUTPUT, "")),
            "keterangan": clean(row.cells.get(KETERANGAN, "")),
            "symbol": None,
            "_row": row,
            "_marks": list(row.marks),
        })
    for row, step in merged_rows:
        step["_marks_extra"] = step.get("_marks_extra", []) + list(row.marks)

    # Waktu groups: a row whose Waktu is merged with the row above shares the first step's text.
    group_of: dict[int, list[int]] = {}
    for i, step in enumerate(steps):
        row = step["_row"]
        if row.waktu_merged_up and i > 0:
            head = steps[i - 1].get("_group_head", i - 1)
            step["_group_head"] = head
            group_of.setdefault(head, [steps[head]["number"]]).append(step["number"])
            if step["waktu"]:
                # the merged cell's text came out in this row: it belongs to the group's first step
                if not steps[head]["waktu"]:
                    steps[head]["waktu"] = step["waktu"]
                step["waktu"] = ""
    for head, numbers in group_of.items():
        for number in numbers:
            steps[[s["number"] for s in steps].index(number)]["waktu_group"] = list(numbers)

    numbers = [s["number"] for s in steps]
    for i, step in enumerate(steps):
        marks = step.pop("_marks") + step.pop("_marks_extra", [])
        symbol, main = _symbol(step["_row"].marks or marks, i == 0, i == len(steps) - 1)
        if main is None:
            symbol, main = _symbol(marks, i == 0, i == len(steps) - 1)
        step["symbol"] = symbol
        ordered_roles: list[str] = []
        for role in roles:
            if any(role in m.roles for m in marks):
                ordered_roles.append(role)
        if main is not None:
            step["actor"] = main.roles[0]
            step["participants"] = [r for r in ordered_roles if r != step["actor"]]
        else:
            warnings.append(f"Langkah {step['number']}: tidak ada bentuk bagan alir atau tanda di kolom Pelaksana; "
                            f"Pelaksana tidak diketahui, isi sendiri.")
        if symbol == "keputusan":
            branches = []
            for label, target_row in step["_row"].branches:
                to = steps[step_of_row[target_row]]["number"] if target_row in step_of_row else None
                if to is None:
                    warnings.append(f"Langkah {step['number']}: tujuan cabang \"{label}\" tidak terbaca dari panah "
                                    f"bagan alir; isi sendiri.")
                branches.append({"label": label, "to": to})
            if not branches:
                warnings.append(f"Langkah {step['number']}: keputusan tanpa label cabang (Ya/Tidak) yang terbaca.")
            step["branches"] = branches
        # Waktu as written; a text the standard parser does not know is named, never guessed.
        if step["waktu"] and "_group_head" not in step:
            try:
                parse_waktu(step["waktu"])
            except ParseError:
                warnings.append(f"Langkah {step['number']}: Waktu \"{step['waktu']}\" tidak dikenali sebagai "
                                f"standar waktu; teks disimpan apa adanya, langkah ini tanpa standar waktu.")
        elif not step["waktu"] and "waktu_group" not in step:
            # a blank Waktu right after a filled one may be one value merged over both (a border we could not see)
            prev = steps[i - 1] if i > 0 else None
            if prev is not None and prev["waktu"] and "waktu_group" not in prev and not step["_row"].waktu_border_seen:
                warnings.append(f"Langkah {step['number']}: Waktu kosong; sel Waktu langkah {prev['number']} "
                                f"digabung sampai langkah {step['number']}?")
        step.pop("_row")
        step.pop("_group_head", None)
    if len(set(numbers)) != len(numbers):
        warnings.append("Nomor langkah ganda pada tabel SOP: " + ", ".join(
            str(n) for n in sorted({n for n in numbers if numbers.count(n) > 1})) + ".")
    out = dict(identity)
    out["roles"] = list(roles)
    out["steps"] = steps
    if source:
        out["source"] = source
    return out


_KIND_LABEL = {KELENGKAPAN: "Kelengkapan", WAKTU: "Waktu", OUTPUT: "Output", KETERANGAN: "Keterangan"}


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- grids of cells (Word and Excel tables) ---------------------------------------------------------------------------

@dataclass
class Cell:
    """One grid position of a Word/Excel table: its text, whether it is the same merged cell as the position above
    (or to the left), and the shapes anchored in it."""

    text: str = ""
    merged_up: bool = False
    merged_left: bool = False
    shapes: list[str] = field(default_factory=list)  # RECT, DIAMOND, TERMINAL, CONNECTOR


_TYPED_MARKS = {"mulai": TERMINAL, "selesai": TERMINAL, "start": TERMINAL, "end": TERMINAL, "keputusan": DIAMOND,
                "?": DIAMOND, "◇": DIAMOND, "◆": DIAMOND, "penghubung": CONNECTOR}
_CHECK_MARKS = {"x", "v", "✓", "✔", "√", "●", "■", "□", "▭", "proses"}


def typed_mark(text: str) -> str | None:
    """A mark typed in a Pelaksana cell instead of a shape: "mulai", "selesai", "X", "✓" ..."""
    t = " ".join(text.lower().split())
    if not t:
        return None
    if t in _TYPED_MARKS:
        return _TYPED_MARKS[t]
    if t in _CHECK_MARKS:
        return RECT
    return None


def is_step_row(no: str, uraian: str) -> bool:
    return bool(re.fullmatch(r"\s*\d{1,3}\.?\s*", no or "")) and bool(re.search(r"[A-Za-z]{2}", uraian or ""))


def header_start(grid: list[list[Cell]]) -> int | None:
    """The row where a step table's header starts: a row naming Pelaksana next to an Uraian/Kegiatan column."""
    for r, row in enumerate(grid):
        texts = [c.text.lower() for c in row]
        joined = " ".join(texts)
        if "pelaksana" in joined and any(classify_header(t) == URAIAN for t in texts if t):
            return r
    return None


def rows_from_grid(grid: list[list[Cell]], start: int, warnings: list[str]) -> tuple[list[str], list[Row]]:
    """Roles and rows from a table grid whose header starts at row ``start``."""
    body = start
    while body < len(grid) and not is_step_row(grid[body][0].text,
                                                " ".join(c.text for c in grid[body][1:3])):
        body += 1
    ncols = max(len(row) for row in grid)
    names: list[str] = []
    for c in range(ncols):
        name = ""
        for r in range(body - 1, start - 1, -1):
            cell = grid[r][c] if c < len(grid[r]) else Cell()
            text = " ".join(cell.text.split())
            if text and not re.fullmatch(r"\(?\d{1,2}\)?", text):
                name = text
                break
        names.append(name)
    kinds = [classify_header(n) if n else OTHER for n in names]
    # a group header ("Pelaksana", "Mutu Baku") repeated over merged columns is not the column's own name
    if URAIAN in kinds:
        first = kinds.index(URAIAN)
        mutu = [c for c in range(first + 1, ncols) if kinds[c] in MUTU + (KETERANGAN,)]
        end = mutu[0] if mutu else ncols
        for c in range(ncols):
            if kinds[c] == URAIAN and c != first and names[c] == names[first]:
                kinds[c] = OTHER
            elif first < c < end:
                kinds[c] = ROLE if names[c] and names[c].lower() != "pelaksana" else OTHER
            elif kinds[c] == ROLE:
                kinds[c] = OTHER
        for c in range(first + 1, ncols):  # a merged cell repeats its text in every column it covers
            if kinds[c] in MUTU + (KETERANGAN,) and kinds[c] == kinds[c - 1] and names[c] == names[c - 1]:
                kinds[c] = OTHER
    if kinds and kinds[0] == OTHER and URAIAN in kinds[1:3]:
        kinds[0] = NO
    roles = [names[c] for c in range(ncols) if kinds[c] == ROLE]
    rows: list[Row] = []
    for r in range(body, len(grid)):
        line = grid[r] + [Cell()] * (ncols - len(grid[r]))
        no = line[0].text if kinds[0] == NO else ""
        m = re.fullmatch(r"\s*(\d{1,3})\.?\s*", no)
        row = Row(int(m.group(1)) if m else None)
        continuation = row.number is None and line[0].merged_up and bool(rows)
        if continuation:
            # the No cell is merged over several table rows: one step written on several lines
            row = rows.pop()
        for c, kind in enumerate(kinds):
            cell = line[c]
            if kind in (URAIAN, KETERANGAN) + MUTU and cell.text and not cell.merged_left and not cell.merged_up:
                row.cells[kind] = (row.cells.get(kind, "") + "\n" + cell.text).strip()
            if kind == WAKTU and cell.merged_up and r > body and not continuation:
                row.waktu_merged_up = True
            if kind == WAKTU:
                row.waktu_border_seen = not cell.merged_up  # merged cells are exact in Word and Excel
            if kind == ROLE:
                marks = list(cell.shapes) if not cell.merged_left else []
                if not marks and not cell.merged_left:
                    mark = typed_mark(cell.text)
                    if mark:
                        marks = [mark]
                    elif cell.text.strip():
                        warnings.append(f"Baris {r + 1}: teks \"{cell.text.strip()}\" di kolom Pelaksana "
                                        f"\"{names[c]}\" bukan tanda yang dikenal (mulai, selesai, X, ✓); diabaikan.")
                for i, kind_ in enumerate(marks):
                    row.marks.append(Mark((names[c],), kind_, y=float(r) + i * 0.01, x=float(c)))
        if row.number is None and not row.cells and not row.marks:
            continue
        rows.append(row)
    return roles, rows
