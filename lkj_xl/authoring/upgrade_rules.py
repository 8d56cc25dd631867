"""The rules a person added to the layout's sheets, carried by ``lkj upgrade``: dropdowns and other data
validations, conditional formats (colour rules) and names scoped to one sheet.

The build makes the layout's own rules; a rule of the old sheet is a person's unless it is one of those: the same
rule (kind, operator, formulas) the build made on that sheet, on cells of the layout's tables (a table's columns
from its header row down).  A person's rule goes where its cells went: a column of their own beside a table moved
right of the new table (``moved``: old column -> new column, per old sheet), the formulas of a colour rule moved
with it; anywhere else the same address.  Where it cannot go it is listed in ``not_carried`` (``lkj upgrade`` exits
1):

* a data validation on cells the new layout gives a rule of its own (Excel keeps one per cell);
* in an older layout version, a rule on a layout table's cells that the build does not make is that layout's own
  (its colours, its lists) and gives way silently; so does the one rule every key column "Tahun" had (a whole year
  2000-2100), on the Evaluasi table of a tracker of periods built before that column became "Periode".
"""

from __future__ import annotations

from copy import copy
from typing import Iterable

from lkj_xl.workbook import layout

Rect = tuple[int, int, int, int]  # min column, min row, max column, max row (openpyxl's range_boundaries order)


def _zones(ws) -> list[Rect]:
    """The layout's tables on a sheet as the zones their rules cover: each table's columns, header row down."""
    from openpyxl.utils import range_boundaries

    from lkj_xl.authoring.upgrade_outside import _layout_table

    zones = []
    for table in ws.tables.values():
        if _layout_table(table.name):
            c1, r1, c2, _ = range_boundaries(table.ref)
            zones.append((c1, r1, c2, 1_048_576))
    return zones


def _meets(rect: Rect, zones: Iterable[Rect]) -> bool:
    c1, r1, c2, r2 = rect
    return any(not (c2 < a1 or a2 < c1 or r2 < b1 or b2 < r1) for a1, b1, a2, b2 in zones)


def _ranges(sqref) -> list[Rect]:
    from openpyxl.utils import range_boundaries

    return [range_boundaries(str(r)) for r in sqref.ranges]


def _ref(rect: Rect) -> str:
    from openpyxl.utils import get_column_letter

    c1, r1, c2, r2 = rect
    first, last = f"{get_column_letter(c1)}{r1}", f"{get_column_letter(c2)}{r2}"
    return first if first == last else f"{first}:{last}"


def _moved_rect(rect: Rect, moved: dict[int, int]) -> Rect | None:
    """The range in its new place when every column of it moved (a person's own column beside a table)."""
    c1, r1, c2, r2 = rect
    if not moved or any(c not in moved for c in range(c1, c2 + 1)):
        return None
    targets = [moved[c] for c in range(c1, c2 + 1)]
    if targets != list(range(targets[0], targets[0] + len(targets))):
        return None
    return targets[0], r1, targets[-1], r2


def _validation_key(dv) -> tuple:
    return (dv.type, dv.operator, dv.formula1, dv.formula2)


def _year_rule(dv) -> bool:
    from lkj_xl.core.validation import YEAR_MAX, YEAR_MIN

    return (dv.type, dv.operator, dv.formula1, dv.formula2) == ("whole", "between", str(YEAR_MIN), str(YEAR_MAX))


def _carry_validations(old, new, title: str, moved: dict[int, int], zones: list[Rect], version: int) -> list[str]:
    built = {_validation_key(dv) for dv in new.data_validations.dataValidation}
    built_at = {(_validation_key(dv), rect) for dv in new.data_validations.dataValidation for rect in _ranges(dv.sqref)}
    taken = [rect for dv in new.data_validations.dataValidation for rect in _ranges(dv.sqref)]
    older = version < layout.LAYOUT_VERSION
    lost: list[str] = []
    for dv in old.data_validations.dataValidation:
        key = _validation_key(dv)
        places: list[Rect] = []
        for rect in _ranges(dv.sqref):
            there = _moved_rect(rect, moved)
            if there is None:
                in_layout = _meets(rect, zones)
                if (key, rect) in built_at or (in_layout and (key in built or older or _year_rule(dv))) \
                        or (older and key in built):
                    continue  # the layout's own rule (this build's, or an older layout's)
                there = rect
            if _meets(there, taken):
                if not older:
                    lost.append(f"aturan validasi {title}!{_ref(rect)} ({dv.type}): sel itu punya aturan tata letak "
                                f"baru")
                continue  # an older layout's rule where the new layout has its own
            places.append(there)
        if places:
            carried = copy(dv)
            carried.sqref = " ".join(_ref(rect) for rect in places)
            new.add_data_validation(carried)
            taken += places
    return lost


def _rule_key(rule) -> tuple:
    return (rule.type, rule.operator, tuple(rule.formula or ()), rule.text)


def _moved_rule(rule, source: Rect, target: Rect):
    """A colour rule whose range moved: its formulas move with it (relative references, as Excel moves them)."""
    from openpyxl.formula.translate import Translator

    carried = copy(rule)
    if source[:2] != target[:2] and rule.formula:
        origin, destination = _ref(source[:2] * 2), _ref(target[:2] * 2)
        carried.formula = [Translator(f"={f}", origin=origin).translate_formula(destination)[1:] for f in rule.formula]
    return carried


def _carry_formats(old, new, moved: dict[int, int], zones: list[Rect], version: int) -> None:
    built = {_rule_key(rule) for cf in new.conditional_formatting for rule in cf.rules}
    built_at = {(str(cf.sqref), _rule_key(rule)) for cf in new.conditional_formatting for rule in cf.rules}
    for cf in old.conditional_formatting:
        rects = _ranges(cf.sqref)
        in_layout = all(_meets(rect, zones) for rect in rects)
        rules = [rule for rule in cf.rules if (str(cf.sqref), _rule_key(rule)) not in built_at
                 and not (in_layout and (version < layout.LAYOUT_VERSION or _rule_key(rule) in built))]
        if not rules:
            continue  # the layout's own colours
        targets = [_moved_rect(rect, moved) or rect for rect in rects]
        sqref = " ".join(_ref(rect) for rect in targets)
        for rule in rules:
            carried = _moved_rule(rule, rects[0], targets[0])
            carried.priority = rule.priority
            new.conditional_formatting.add(sqref, carried)


def moved_reference(text: str, sheet: str, moved: dict[int, int]) -> str:
    """``text`` (a defined name's reference) with the cells of ``sheet`` in ``moved`` columns in their new
    columns (absolute or not); references to other sheets and other columns unchanged."""
    import re

    from openpyxl.formula.tokenizer import Tokenizer
    from openpyxl.utils import column_index_from_string, get_column_letter

    if not moved:
        return text
    prefixes = (f"'{sheet}'!", f"{sheet}!")  # the layout's sheet names hold no apostrophe

    def cell(match: re.Match[str]) -> str:
        dollar, letters, rest = match.group(1), match.group(2), match.group(3)
        column = column_index_from_string(letters.upper())
        return f"{dollar}{get_column_letter(moved.get(column, column))}{rest}"

    tokens = Tokenizer(text if text.startswith("=") else f"={text}").items
    out = []
    for token in tokens:
        value = token.value
        if token.type == "OPERAND" and token.subtype == "RANGE":
            for prefix in prefixes:
                if value.startswith(prefix):
                    body = re.sub(r"(\$?)([A-Za-z]{1,3})(\$?\d+)", cell, value[len(prefix):])
                    value = prefix + body
                    break
        out.append(value)
    return "".join(out)


def _carry_sheet_names(old, new, title: str, moved: dict[int, int]) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    for name, defined in old.defined_names.items():
        if name in new.defined_names or name.startswith("_xlnm"):
            continue
        text = moved_reference(defined.attr_text or "", title, moved)
        text = text.replace(f"'{title}'!", f"'{new.title}'!") if new.title != title else text
        new.defined_names[name] = DefinedName(name, attr_text=text, comment=defined.comment, hidden=defined.hidden)


def carry_rules(src, wb, *, version: int, moved: dict[str, dict[int, int]], skip: frozenset[str]) -> list[str]:
    """Carry the data validations, conditional formats and sheet-scoped names a person added to ``src``'s layout
    sheets into ``wb`` (built by the build, cells already carried); return what could not be carried.  The sheets:
    :func:`~lkj_xl.authoring.upgrade_outside.carried_sheets`."""
    from lkj_xl.authoring.upgrade_outside import carried_sheets

    lost: list[str] = []
    for old, new in carried_sheets(src, wb, skip):
        title = old.title
        zones = _zones(old)
        columns = moved.get(title, {})
        lost += _carry_validations(old, new, title, columns, zones, version)
        _carry_formats(old, new, columns, zones, version)
        _carry_sheet_names(old, new, title, columns)
    for name, defined in src.defined_names.items():  # workbook names (carried as written): to the moved columns
        if name in wb.defined_names and wb.defined_names[name].attr_text == defined.attr_text:
            text = defined.attr_text or ""
            for title, columns in moved.items():
                text = moved_reference(text, title, columns)
            wb.defined_names[name].attr_text = text
    return lost


__all__ = ["carry_rules", "moved_reference"]
