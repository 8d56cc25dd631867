"""Drive xlwings' json ("remote") engine from a real workbook file, without Excel.

* :func:`payload_from_file` reads every sheet of an .xlsx/.xlsm with openpyxl and produces the JSON that xlwings'
  clients (the VBA module ``xlwings/addin/Remote.bas``, the Office.js/Office Scripts module ``xlwings/js``) send:
  ``client``, ``version`` (the installed xlwings, which the engine insists on), ``book`` {name, active_sheet_index,
  selection}, ``names`` (defined names that are ranges), and per sheet ``name``, ``values`` (A1 to the last used
  cell, ``""`` for empty, a date/time cell as ``YYYY-MM-DDTHH:MM:SS.000Z`` exactly as the clients format it, a pure
  time on 1899-12-30), ``pictures`` and ``tables``.  A formula cell is sent as its value in Excel; openpyxl knows no
  value for the formulas a builder wrote (Excel never calculated them), so they are sent as ``""``, the value of the
  only formulas the tracker has (the Masalah link column, blank while its row is).  The used range, like Excel's,
  includes formatted empty cells (openpyxl's ``max_row`` / ``max_column``).
* :func:`apply_actions` applies what the engine returns (``book.json()["actions"]``) to a copy of the file with
  openpyxl, the way the VBA client applies them in Excel: ``setValues`` writes each value as Excel treats an
  assigned value -- a text with a leading apostrophe is that text (the apostrophe is Excel's "literal text"
  prefix, not part of the value), the ISO text xlwings makes of a datetime becomes a date, and any *other* text is
  read as typed input (``=`` a formula, a number, TRUE/FALSE) and listed in ``interpreted`` so a test can insist
  that none occurs.  ``alert``, ``activateSheet``, ``setRowHeight`` and ``setPrintArea`` are recorded (and applied); any other action fails the test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries

CLIENT = "VBA"
_ISO_WRITTEN = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def client_datetime(value: datetime | date | time) -> str:
    """A date/time cell as the clients put it in the payload (JS ``toISOString()``, VBA ``ConvertToIso``)."""
    if isinstance(value, time):
        value = datetime(1899, 12, 30, value.hour, value.minute, value.second, value.microsecond)
    elif not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def payload_value(cell: Any) -> Any:
    if cell.data_type == "f":
        return ""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, (datetime, date, time)):
        return client_datetime(value)
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _absolute(ref: str) -> str:
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    first = f"${get_column_letter(min_col)}${min_row}"
    last = f"${get_column_letter(max_col)}${max_row}"
    return first if first == last else f"{first}:{last}"


def _table(table: Any) -> dict[str, Any]:
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    headers = (table.headerRowCount is None) or table.headerRowCount > 0
    totals = bool(table.totalsRowCount)
    body_first = min_row + (1 if headers else 0)
    body_last = max_row - (1 if totals else 0)
    letter_first, letter_last = get_column_letter(min_col), get_column_letter(max_col)
    return {
        "name": table.displayName or table.name,
        "range_address": _absolute(table.ref),
        "header_row_range_address": _absolute(f"{letter_first}{min_row}:{letter_last}{min_row}") if headers else None,
        "data_body_range_address": _absolute(f"{letter_first}{body_first}:{letter_last}{body_last}"),
        "total_row_range_address": _absolute(f"{letter_first}{max_row}:{letter_last}{max_row}") if totals else None,
        "show_headers": headers,
        "show_totals": totals,
        "table_style": table.tableStyleInfo.name if table.tableStyleInfo is not None else None,
        "show_autofilter": table.autoFilter is not None or headers,
    }


def _names(wb: Any) -> list[dict[str, Any]]:
    titles = wb.sheetnames
    names = []
    for name, defined in wb.defined_names.items():
        for title, ref in defined.destinations:
            if title not in titles:
                continue
            names.append({"name": name, "sheet_index": titles.index(title), "address": ref.replace("$", ""),
                          "scope_sheet_name": None, "scope_sheet_index": None, "book_scope": True})
            break
    return names


_PAYLOADS: dict[tuple[str, str, int | None, str], dict] = {}


def payload_from_file(path: str | Path, *, active_sheet: int | None = None, selection: str = "A1") -> dict:
    """The json engine's payload for the workbook at ``path`` (see the module doc).  Made once per file content
    (several tests click on the same module-scoped file); each call gets its own deep copy."""
    import copy
    import hashlib

    path = Path(path)
    key = (path.name, hashlib.sha256(path.read_bytes()).hexdigest(), active_sheet, selection)
    if key not in _PAYLOADS:
        _PAYLOADS[key] = _payload_from_file(path, active_sheet=active_sheet, selection=selection)
    return copy.deepcopy(_PAYLOADS[key])


def _payload_from_file(path: Path, *, active_sheet: int | None, selection: str) -> dict:
    import xlwings

    wb = openpyxl.load_workbook(path, data_only=False, keep_vba=path.suffix.lower() == ".xlsm")
    sheets = []
    for ws in wb.worksheets:
        if ws.max_row == 1 and ws.max_column == 1 and ws.cell(1, 1).value is None:
            values: list[list[Any]] = [[]]
        else:
            values = [[payload_value(c) for c in row]
                      for row in ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column)]
        sheets.append({"name": ws.title, "values": values, "pictures": [],
                       "tables": [_table(t) for t in ws.tables.values()]})
    index = wb.worksheets.index(wb.active) if active_sheet is None else active_sheet
    return {
        "client": CLIENT,
        "version": xlwings.__version__,
        "book": {"name": path.name, "active_sheet_index": index, "selection": selection},
        "names": _names(wb),
        "sheets": sheets,
    }


# --- applying the engine's actions -----------------------------------------------------------------------------------


@dataclass
class Applied:
    set_values: int = 0
    alerts: list[dict[str, str]] = field(default_factory=list)
    activated: list[str] = field(default_factory=list)
    resized: list[tuple[Any, ...]] = field(default_factory=list)
    hyperlinks: list[tuple[str, str]] = field(default_factory=list)  # (address, url) of addHyperlink actions
    row_heights: list[tuple[str, int, float]] = field(default_factory=list)  # (sheet, row, height) of setRowHeight
    print_areas: list[tuple[str, str]] = field(default_factory=list)  # (sheet, ref) of setPrintArea
    #: cells where a text without the apostrophe prefix was reinterpreted (address, text, what it became)
    interpreted: list[tuple[str, str, Any]] = field(default_factory=list)


def _as_excel_assigns(text: str) -> tuple[Any, bool]:
    """What Excel stores when ``text`` is assigned to a cell (the VBA client: ParseIso first, then Range.Value).
    Returns (value, reinterpreted)."""
    if text == "":
        return None, False
    if text.startswith("'"):
        return text[1:], False
    found = _ISO_WRITTEN.fullmatch(text)
    if found:
        parts = [int(p) if p else 0 for p in found.groups()]
        return datetime(*parts), False  # xlwings' own datetime serialisation: meant as a date
    if text.startswith(("=", "+", "-", "@")):
        return "=" + text.lstrip("=+@"), True
    if _NUMBER.fullmatch(text.strip()):
        number = float(text)
        return (int(number) if number.is_integer() else number), True
    if text.strip().upper() in ("TRUE", "FALSE", "BENAR", "SALAH"):
        return text.strip().upper() in ("TRUE", "BENAR"), True
    return text, False


def apply_actions(path: str | Path, actions: list[dict[str, Any]], out: str | Path | None = None) -> Applied:
    """Apply ``actions`` to the workbook at ``path`` and save it to ``out`` (default: in place)."""
    path = Path(path)
    wb = openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
    applied = Applied()
    for action in actions:
        func = action["func"]
        if func == "setValues":
            applied.set_values += 1
            ws = wb.worksheets[action["sheet_position"]]
            top, left = action["start_row"] + 1, action["start_column"] + 1
            for r_off, row in enumerate(action["values"]):
                for c_off, value in enumerate(row):
                    cell = ws.cell(row=top + r_off, column=left + c_off)
                    if isinstance(value, str):
                        stored, reinterpreted = _as_excel_assigns(value)
                        if reinterpreted:
                            applied.interpreted.append((f"{ws.title}!{cell.coordinate}", value, stored))
                        cell.value = stored
                        if isinstance(stored, str) and not reinterpreted:
                            cell.data_type = "s"
                    else:
                        cell.value = value
        elif func == "alert":
            prompt, title, buttons, mode, callback = (list(action["args"]) + [""] * 5)[:5]
            applied.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        elif func == "resizeTable":  # Table.resize: args [table index, new address]
            applied.resized.append(tuple(action["args"]))
            ws = wb.worksheets[action["sheet_position"]]
            table = list(ws.tables.values())[action["args"][0]]
            table.ref = action["args"][1].replace("$", "")
            if table.autoFilter is not None:
                table.autoFilter.ref = table.ref
        elif func == "addHyperlink":  # Range.add_hyperlink: args [address, text to display, screen tip]
            ws = wb.worksheets[action["sheet_position"]]
            cell = ws.cell(row=action["start_row"] + 1, column=action["start_column"] + 1)
            address, text = action["args"][0], action["args"][1]
            cell.hyperlink = address
            cell.value = text
            applied.hyperlinks.append((f"{ws.title}!{cell.coordinate}", address))
        elif func == "setRowHeight":  # Range.row_height = h: args the height in points
            ws = wb.worksheets[action["sheet_position"]]
            height = action["args"][0] if isinstance(action["args"], list) else action["args"]
            for r in range(action["start_row"] + 1, action["start_row"] + 1 + action["row_count"]):
                ws.row_dimensions[r].height = height
            applied.row_heights.append((ws.title, action["start_row"] + 1, height))
        elif func == "setPrintArea":  # PageSetup.print_area = ref: args [ref]
            ws = wb.worksheets[action["sheet_position"]]
            ws.print_area = action["args"][0]
            applied.print_areas.append((ws.title, action["args"][0]))
        elif func == "activateSheet":
            index = action["args"][0]
            wb.active = index
            applied.activated.append(wb.worksheets[index].title)
        else:
            raise AssertionError(f"unexpected action from the ribbon: {func}")
    wb.save(out if out is not None else path)
    return applied


def sheet_values(path: str | Path) -> dict[str, list[list[Any]]]:
    """Every sheet's values (formulas as their text), for comparing two files cell by cell.  The read-only reader
    gives the same values as the full one (merged cells' hidden parts are empty in both) at about half the cost; the
    stored dimensions are ignored, so every row in the file is read."""
    wb = openpyxl.load_workbook(path, data_only=False, read_only=True)
    try:
        found = {}
        for ws in wb.worksheets:
            ws.reset_dimensions()
            found[ws.title] = [[None if v == "" else v for v in row] for row in ws.iter_rows(values_only=True)]
        return found
    finally:
        wb.close()


def json_engine_session(monkeypatch, log_dir):
    """A test's ribbon session on the json engine (a generator for an autouse fixture to ``yield from``-iterate):
    the license key and the ribbon's log folder set, xlwings with its json engine yielded, and the mock caller a
    test set removed afterwards."""
    from lkj_xl.runtime import LOG_DIR_ENV

    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.setenv(LOG_DIR_ENV, str(log_dir))
    xlwings = json_engine_xlwings()
    yield xlwings
    if hasattr(xlwings.Book, "_mock_caller"):
        del xlwings.Book._mock_caller


def json_engine_xlwings():
    """xlwings with its json ("remote") engine.  xlwings registers that engine at import time only when a license
    key is set (the public key "noncommercial": PolyForm Noncommercial, which covers government use); if another test
    imported xlwings before the key was set, register the engine the way xlwings' __init__ does.  The caller sets
    ``XLWINGS_LICENSE_KEY`` first."""
    import xlwings

    if "remote" not in [engine.name for engine in xlwings.engines]:
        from xlwings.main import Engine
        from xlwings.pro import _xlremote

        xlwings.engines.add(Engine(impl=_xlremote.engine))
    return xlwings
