"""Reading the flow table beside tblSOP on the SOP sheet (``tblAlurSOP``, layout version 3): each step's flowchart
symbol, a decision's branches and the steps sharing one Waktu, found by the step's number.  Used by
:func:`lkj_xl.workbook.reader.load_tracker`; a branch or a Waktu Bersama naming a step tblSOP does not have (after a
renumbering, say) is a located warning at its cell."""

from __future__ import annotations

from typing import Any, Sequence

from lkj_xl.core.entries import AREA_SOP, WARNING, Location
from lkj_xl.core.errors import ParseError
from lkj_xl.core.sop import SYMBOLS, Step, parse_branches, parse_group
from lkj_xl.core.values import as_int, as_text
from lkj_xl.workbook import layout
from lkj_xl.workbook.tables import TablePos, find_header, table_values


def read_flow(reader: Any, positions: dict[str, Any], values: list[list[Any]], steps: Sequence[Step]) -> None:
    """The flow table beside tblSOP (layout version 3): each step's symbol, branches and Waktu group, found by the
    step's number; set on the steps read from tblSOP.  Absent (an older tracker): one upgrade warning."""
    found = find_header(values, layout.FLOW_HEADERS, 3)
    if found is None or layout.A_STEP not in found[1]:
        reader.outdated.append(f"tabel \"{layout.FLOW_TABLE_NAME}\" lembar \"{layout.SHEET_SOP}\"")
        return
    pos = TablePos(layout.SHEET_SOP, found[0] + 1, {label: c0 + 1 for label, c0 in found[1].items()})
    positions["flow_table"] = pos
    by_number = {step.number: step for step in steps}
    rows: dict[int, int] = {}
    for index, data, blank in table_values(values, pos, layout.FLOW_HEADERS):
        number = None if blank else as_int(data.get(layout.A_STEP))
        step = by_number.get(number) if number is not None else None
        if step is None or number in rows:  # a blank row, or a step tblSOP does not have
            continue
        rows[number] = pos.sheet_row(index)
        symbol = layout.normalize_label(data.get(layout.A_SYMBOL))
        if symbol and symbol not in SYMBOLS:
            reader.problem(Location(AREA_SOP, ("alur", number), layout.A_SYMBOL), WARNING, "simbol_tidak_dikenal",
                           f"Simbol \"{as_text(data.get(layout.A_SYMBOL))}\" langkah {number} tidak dikenal; pilih "
                           f"{', '.join(SYMBOLS)}.")
            symbol = ""
        branches: tuple = ()
        group: tuple = ()
        for label, parse in ((layout.A_BRANCHES, parse_branches), (layout.A_GROUP, parse_group)):
            try:
                parsed = parse(data.get(label))
            except ParseError as exc:
                reader.problem(Location(AREA_SOP, ("alur", number), label), WARNING, "alur_tidak_terbaca",
                               f"Langkah {number}: {exc.message}")
                parsed = ()
            if label == layout.A_BRANCHES:
                branches = parsed
            else:
                group = parsed
        if group and number not in group:
            reader.problem(Location(AREA_SOP, ("alur", number), layout.A_GROUP), WARNING, "alur_tidak_terbaca",
                           f"Langkah {number}: Waktu Bersama \"{as_text(data.get(layout.A_GROUP))}\" tidak memuat "
                           f"langkah {number} sendiri; diabaikan.")
            group = ()
        for to in sorted({to for _label, to in branches if to is not None and to not in by_number}):
            reader.problem(Location(AREA_SOP, ("alur", number), layout.A_BRANCHES), WARNING, "alur_tidak_terbaca",
                           f"Langkah {number}: cabang \"{as_text(data.get(layout.A_BRANCHES))}\" menuju langkah {to}, "
                           f"yang tidak ada di tabel langkah SOP. Bila nomor langkah berubah, tulis nomor tujuan yang "
                           f"baru (\"?\" bila belum diketahui).")
        for member in sorted(n for n in group if n not in by_number):
            reader.problem(Location(AREA_SOP, ("alur", number), layout.A_GROUP), WARNING, "alur_tidak_terbaca",
                           f"Langkah {number}: Waktu Bersama \"{as_text(data.get(layout.A_GROUP))}\" memuat langkah "
                           f"{member}, yang tidak ada di tabel langkah SOP; tulis ulang langkah-langkah yang berbagi "
                           f"Waktu itu.")
        object.__setattr__(step, "symbol", symbol)
        object.__setattr__(step, "branches", branches)
        object.__setattr__(step, "waktu_group", group)
    positions["flow_rows"] = {("alur", n): r for n, r in rows.items()}


__all__ = ["read_flow"]
