"""References to renamed sheets and tables, followed as Excel follows them when a sheet is renamed: each formula
(cell formulas, data validation and conditional format formulas, sparkline and other extension formulas, defined
names, chart series) and each hyperlink location is tokenized with openpyxl's formula :class:`Tokenizer`, and only
its range operands that name a renamed sheet (``'Langkah 5'!K13:K24``) or table (``tblLangkah5[Tahun]``) change;
text in quotes, other operands, spacing stay as typed.  :func:`formula_differences` proves two versions of a part
differ in nothing else."""

from __future__ import annotations

from typing import Mapping

from lxml import etree
from openpyxl.formula.tokenizer import Tokenizer, TokenizerError

#: Elements whose text is a formula (local names, any namespace): cell ``<f>``, ``<formula>`` of conditional formats,
#: ``<formula1>``/``<formula2>`` of data validations, ``<xm:f>`` of extensions (sparklines, x14 validations), chart
#: ``<c:f>``.
FORMULA_TAGS = {"f", "formula", "formula1", "formula2"}


def _unquote(sheet: str) -> str:
    if sheet.startswith("'") and sheet.endswith("'"):
        return sheet[1:-1].replace("''", "'")
    return sheet


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _operand(value: str, sheets: Mapping[str, str], tables: Mapping[str, str]) -> str:
    if "!" in value:
        prefix, _, rest = value.rpartition("!")
        if _unquote(prefix) in sheets:
            return _quote(sheets[_unquote(prefix)]) + "!" + rest
        return value
    name, bracket, rest = value.partition("[")
    if bracket and name.casefold() in {t.casefold() for t in tables}:
        new = next(v for k, v in tables.items() if k.casefold() == name.casefold())
        return new + bracket + rest
    return value


def _tokens(text: str) -> list | None:
    formula = text if text.startswith("=") else "=" + text
    try:
        return Tokenizer(formula).items
    except (TokenizerError, Exception):  # an unreadable formula is left alone (and then refused by the caller)
        return None


def rewrite(text: str, sheets: Mapping[str, str], tables: Mapping[str, str]) -> str:
    """``text`` (a formula, with or without its "=") with the renamed sheets and tables; ``text`` itself when
    nothing changes."""
    items = _tokens(text)
    if items is None:
        return text
    changed = False
    out = []
    for token in items:
        value = token.value
        if token.type == "OPERAND" and token.subtype == "RANGE":
            new = _operand(value, sheets, tables)
            changed |= new != value
            value = new
        out.append(value)
    if not changed:
        return text
    return ("=" if text.startswith("=") else "") + "".join(out)


def rewrite_tree(root: etree._Element, sheets: Mapping[str, str], tables: Mapping[str, str]) -> int:
    """Rewrite every formula and hyperlink location in a parsed part; returns how many changed."""
    count = 0
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname
        if local in FORMULA_TAGS and el.text:
            new = rewrite(el.text, sheets, tables)
            if new != el.text:
                el.text = new
                count += 1
        if local == "hyperlink" and el.get("location"):
            new = rewrite(el.get("location"), sheets, tables)
            if new != el.get("location"):
                el.set("location", new)
                count += 1
    return count


def _same_formula(old: str, new: str, sheets: Mapping[str, str], tables: Mapping[str, str]) -> bool:
    """``new`` is ``old`` with range operands naming renamed sheets or tables renamed, nothing else."""
    if old == new:
        return True
    a, b = _tokens(old), _tokens(new)
    if a is None or b is None or len(a) != len(b) or old.startswith("=") != new.startswith("="):
        return False
    for x, y in zip(a, b):
        if (x.type, x.subtype) != (y.type, y.subtype):
            return False
        if x.value != y.value and not (x.type == "OPERAND" and x.subtype == "RANGE"
                                       and _operand(x.value, sheets, tables) == y.value):
            return False
    return True


def formula_differences(old: etree._Element, new: etree._Element, sheets: Mapping[str, str],
                        tables: Mapping[str, str]) -> list[str]:
    """Where two parsed versions of a part differ other than by renamed references in formulas and hyperlink
    locations (element by element, in document order: tags, attributes, texts, tails)."""
    a = [el for el in old.iter()]
    b = [el for el in new.iter()]
    if len(a) != len(b):
        return ["jumlah elemen berbeda"]
    problems = []
    for x, y in zip(a, b):
        if x.tag != y.tag or (x.tail or "").strip() != (y.tail or "").strip():
            problems.append(f"elemen {x.tag} berubah")
            continue
        if not isinstance(x.tag, str):
            continue
        local = etree.QName(x).localname
        xa, ya = dict(x.attrib), dict(y.attrib)
        if local == "hyperlink" and xa.get("location") != ya.get("location"):
            if not _same_formula(xa.pop("location", ""), ya.pop("location", ""), sheets, tables):
                problems.append("lokasi tautan berubah")
        if xa != ya:
            problems.append(f"atribut <{local}> berubah")
        if (x.text or "") != (y.text or ""):
            if local not in FORMULA_TAGS or not _same_formula(x.text or "", y.text or "", sheets, tables):
                problems.append(f"isi <{local}> berubah")
    return problems


__all__ = ["FORMULA_TAGS", "formula_differences", "rewrite", "rewrite_tree"]
