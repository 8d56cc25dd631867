"""The live book's writes on xlwings' json engine emit exactly the ``setValues`` actions xlwings' own value pipeline
(``sheet.range((row, column)).value = cells``, the previous code path) emits for the same cells, while costing no
copy of the sheet's values.

On that engine the pipeline reads ``Range.api``, which rebuilds the whole sheet's values, several times per write
(its ``resize`` and its write stage), so ``LiveBook.write`` gives a range of the block's exact size the cells as
xlwings' own cleaning leaves them.  Proved on real trackers (built with the project's builder, the payload as
``tests/xlwings_payload.py`` makes it): every ribbon action that writes is clicked, each block the engine got is
written again the previous way on a second json Book of the same payload, and the two lists of actions must be
equal (function, values, sheet, start row/column, row/column counts, order); and on one block holding every kind of
value the live book writes, at several shapes and places, also where xlwings splits a write into several actions.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lkj_xl import ribbon, runtime  # noqa: E402
from lkj_xl.engines import xlwings_book  # noqa: E402
from lkj_xl.engines.xlwings_book import LiveBook, literal_cell  # noqa: E402
from lkj_xl.workbook import layout  # noqa: E402
from conftest import type_in  # noqa: E402
from xlwings_payload import json_engine_session, payload_from_file  # noqa: E402

YEAR = 2025
AS_OF = datetime(2026, 1, 20, 10, 0)
CLOSED_AT = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=7)))
STAFF = [
    ("Drs. Budi Santoso", "19800101 200501 1 001", "Kepala Dinas", None),
    ("Rina Wulandari", "198203152006042003", "Sekretaris", None),
    ("Siti Aminah", "198505052010012002", "Kasubag", None),
    ("Andi Prasetyo", "199001012015031004", "JFU", None),
]
FIRST = layout.STEP_TABLE_HEADER_ROW + 1
#: the ribbon actions that write cells (lkj_xl/ribbon/__init__.py, _HANDLERS); the others only read and activate
WRITING_ACTIONS = ("validate", "refresh", "report", "reminders", "close_cycle")

xw = None  # xlwings, imported by the fixture below once the license key is set


@pytest.fixture(autouse=True)
def _engine(monkeypatch, tmp_path):
    global xw
    for xw in json_engine_session(monkeypatch, tmp_path / "log"):
        yield


def _fill(path: Path, *, done: bool) -> Path:
    """Two earlier complete cycles and the 2025 one, running (``done``: finished), typed as a person would: real
    dates, a date typed as text, notes starting with "=", "-", "+", "@", a number, a boolean word and an ISO
    timestamp as text; every person with a WhatsApp number (the reminders' links)."""
    wb = openpyxl.load_workbook(path)
    staff = wb[layout.SHEET_STAFF]
    whatsapp = layout.STAFF_HEADERS.index(layout.E_WHATSAPP) + 1
    for offset in range(len(STAFF)):
        cell = staff.cell(row=layout.LIST_HEADER_ROW + 1 + offset, column=whatsapp, value=f"0812-3456-78{offset:02d}")
        cell.data_type = "s"
    notes = ["=terlambat karena rapat", "-revisi ke-2", "+62 lewat telepon", "@sekretariat", "0123", "BENAR",
             "2026-01-10T09:00:00", ""]
    for i, year in enumerate((YEAR, YEAR - 1, YEAR - 2)):
        moment = datetime(year + 1, 1, 5, 8, 0)
        for step in range(1, 9):
            finished = done or i > 0 or step < 3
            if i == 0 and not done and step > 4:
                break
            end = datetime(year + 1, 1, 5 + step, 15, 0)
            cells = {"Tahun": year, "Diterima": moment, "Selesai": end if finished else None,
                     "Pelaksana": STAFF[0][0] if step in (1, 7) else STAFF[step % 4][0], "Kelengkapan": "Ya",
                     "Catatan": notes[step - 1] if i == 0 else None}
            if i == 0 and step == 1:
                cells["Diterima"] = "05/01/2026 08.00"  # a date typed as text
            type_in(wb[layout.step_sheet(step)], FIRST + i, cells)
            moment = end
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def running(templates, tmp_path_factory) -> Path:
    return _fill(templates.copy(templates.blank(staff=STAFF), tmp_path_factory.mktemp("running"),
                                "LKj_Tracker.xlsx"), done=False)


@pytest.fixture(scope="module")
def finished(templates, tmp_path_factory) -> Path:
    return _fill(templates.copy(templates.blank(staff=STAFF), tmp_path_factory.mktemp("finished"),
                                "LKj_Tracker.xlsx"), done=True)


class _Recording(LiveBook):
    """A LiveBook that keeps every block it handed to the engine, as ``write`` pads it."""

    blocks: list[tuple[str, int, int, list[list]]] = []
    books: list["_Recording"] = []

    def __init__(self, xl_book):
        super().__init__(xl_book)
        _Recording.books.append(self)

    def write(self, sheet, row, column, values):
        before = self.writes
        super().write(sheet, row, column, values)
        if self.writes > before:
            block = [list(r) for r in values]
            width = max(len(r) for r in block)
            _Recording.blocks.append((sheet, row, column, [r + [None] * (width - len(r)) for r in block]))


def _written_the_previous_way(payload: dict, blocks) -> list[dict]:
    """The actions of ``blocks`` written through xlwings' value pipeline on a second json Book."""
    book = xw.Book(json=payload)
    for sheet, row, column, block in blocks:
        book.sheets[sheet].range((row, column)).value = [[literal_cell(v) for v in r] for r in block]
    return book.json()["actions"]


def _click(path: Path, action: str, monkeypatch):
    monkeypatch.setattr(xlwings_book, "LiveBook", _Recording)
    monkeypatch.setattr(runtime, "now_instant", lambda: CLOSED_AT)  # close_cycle's record of when
    _Recording.blocks, _Recording.books = [], []
    payload = payload_from_file(path)
    book = xw.Book(json=payload_from_file(path))
    book.set_mock_caller()
    result = ribbon.dispatch(action, as_of=AS_OF)
    return result, book.json()["actions"], list(_Recording.blocks), payload


@pytest.mark.parametrize("which, action", [("running", a) for a in WRITING_ACTIONS if a != "close_cycle"]
                         + [("finished", a) for a in WRITING_ACTIONS])  # only a finished cycle can be closed
def test_a_click_emits_the_actions_xlwings_value_pipeline_emits(which, action, request, monkeypatch):
    path = request.getfixturevalue(which)
    result, engine_actions, blocks, payload = _click(path, action, monkeypatch)
    assert result is not None, [a["args"] for a in engine_actions if a["func"] == "alert"]
    set_values = [a for a in engine_actions if a["func"] == "setValues"]
    assert blocks and len(set_values) == len(blocks)
    assert set_values == _written_the_previous_way(payload, blocks)


def test_the_clicks_write_every_kind_of_value_the_tracker_holds(running, finished, monkeypatch):
    """The clicks above cover dates, numbers, empty cells and text starting with "=" (kept literal)."""
    kinds, texts = set(), []
    for path, action in [(running, "report"), (running, "refresh"), (finished, "close_cycle")]:
        _, engine_actions, blocks, _ = _click(path, action, monkeypatch)
        for *_, block in blocks:
            for value in (v for r in block for v in r):
                kinds.add(type(value).__name__)
                if isinstance(value, str):
                    texts.append(value)
        sent = [v for a in engine_actions if a["func"] == "setValues" for r in a["values"] for v in r]
        assert all(not isinstance(v, str) or v == "" or v.startswith("'") or _is_iso(v) for v in sent)
    assert {"datetime", "int", "str", "NoneType"} <= kinds, kinds
    assert any(t.startswith("=terlambat") for t in texts)


def _is_iso(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


#: one of every kind of value a writer may give the live book (see literal_cell)
EVERY_KIND = [
    datetime(2026, 1, 6, 8, 0), datetime(2026, 1, 6), datetime(2026, 1, 6, 8, 0, 30, 250_000),
    datetime(2026, 1, 6, 8, 0, tzinfo=timezone(timedelta(hours=8))), date(2026, 1, 6), time(7, 30), time(0, 0),
    None, "", "text", "=SUM(A1:A2)", "-2", "+62", "@x", "'quoted", "0123", "BENAR", "2026-01-06", " ",
    "line\nbreak", 0, 1, -7, 2 ** 60, 0.5, -1e-9, 1e300, float("nan"), True, False, Decimal("1.50"),
]


def _pairs(templates, tmp_path):
    """A LiveBook over a real tracker's payload, and a second json Book of the same payload."""
    path = templates.copy(templates.blank(staff=STAFF), tmp_path)
    return LiveBook(xw.Book(json=payload_from_file(path))), xw.Book(json=payload_from_file(path))


def _write_both(live: LiveBook, plain, sheet: str, row: int, column: int, block) -> None:
    live.write(sheet, row, column, block)
    width = max(len(r) for r in block)
    padded = [list(r) + [None] * (width - len(r)) for r in block]
    plain.sheets[sheet].range((row, column)).value = [[literal_cell(v) for v in r] for r in padded]


def test_every_kind_of_value_at_every_shape_emits_what_the_pipeline_emits(monkeypatch, templates, tmp_path):
    live, plain = _pairs(templates, tmp_path)
    width = 7
    grid = [EVERY_KIND[i:i + width] for i in range(0, len(EVERY_KIND), width)]  # the last row is shorter
    writes = [
        (layout.SHEET_PROBLEMS, 2, 1, grid),  # inside the used range
        (layout.SHEET_HOME, 40, 4, grid),  # partly beyond the used range (rows and columns)
        (layout.SHEET_HISTORY, 5000, 30, grid),  # far beyond it
        (layout.step_sheet(1), 1, 1, [["=x"]]),  # one cell
        (layout.step_sheet(2), 9, 3, [EVERY_KIND]),  # one row
        (layout.step_sheet(3), 9, 2, [[v] for v in EVERY_KIND]),  # one column
        (layout.SHEET_SETTINGS, 1, 1, [[None]]),  # one empty cell
        (layout.SHEET_CLOSED, 3, 2, [[None, None], [None]]),  # nothing but empty cells
    ]
    for sheet, row, column, block in writes:
        _write_both(live, plain, sheet, row, column, block)
    assert live.writes == len(writes) and [c[1:4] for c in live.calls] == [w[:3] for w in writes]
    assert live.xl_book.json()["actions"] == plain.json()["actions"]
    assert len(plain.json()["actions"]) == len(writes)


def test_a_block_above_xlwings_cell_budget_is_split_as_xlwings_splits_it(monkeypatch, templates, tmp_path):
    """xlwings splits a write of more cells than the engine's budget per write (100 000) into several actions of
    whole rows; the live book leaves such a block to xlwings' pipeline (the budget made small here)."""
    from xlwings.pro import _xlremote

    monkeypatch.setattr(_xlremote.Range, "max_cells_per_write", property(lambda self: 10), raising=False)
    live, plain = _pairs(templates, tmp_path)
    block = [[f"r{r}c{c}" if c % 2 else r * c for c in range(4)] for r in range(6)]  # 24 cells: 3 actions of 2 rows
    _write_both(live, plain, layout.SHEET_PROBLEMS, 3, 2, block)
    _write_both(live, plain, layout.SHEET_PROBLEMS, 20, 2, block[:2])  # 8 cells: one action
    actions = live.xl_book.json()["actions"]
    assert actions == plain.json()["actions"]
    assert [(a["start_row"], a["row_count"]) for a in actions] == [(2, 2), (4, 2), (6, 2), (19, 2)]
    assert live.writes == 2


def test_a_write_copies_no_sheet_values(running, monkeypatch):
    """A refresh click copies each sheet's values once, when it reads the sheet: none of its writes does (through
    xlwings' value pipeline each write copied the whole sheet's values three times)."""
    from xlwings.pro import _xlremote

    copies = []
    real = _xlremote.get_range_api
    monkeypatch.setattr(_xlremote, "get_range_api", lambda *args: copies.append(args[1:]) or real(*args))
    _, engine_actions, blocks, _ = _click(running, "refresh", monkeypatch)
    (book,) = _Recording.books
    assert blocks and book.writes == len(blocks) and book.reads > 0
    assert len(copies) == book.reads
    assert all(arg1 == (1, 1) for arg1, _ in copies)  # the reads, from A1


def test_reads_after_writes_beyond_the_used_range_see_them(templates, tmp_path):
    """The live book's copy of a sheet grows with writes right of and below what was read, and stays rectangular."""
    live, _ = _pairs(templates, tmp_path)
    sheet = layout.SHEET_HOME
    before = live.read(sheet)
    rows, columns = len(before), len(before[0])
    assert all(len(r) == columns for r in before)
    live.write(sheet, 2, columns + 2, [["x", 1.0]])  # two columns right of the used range
    live.write(sheet, rows + 3, 1, [[datetime(2026, 1, 6, 8, 0), None, "=y"], [time(7, 30)]])  # below it
    live.write(sheet, 1, 1, [[before[0][0]]])  # what the cell holds: not written
    expected = [r + [None] * 3 for r in before] + [[None] * (columns + 3) for _ in range(4)]
    expected[1][columns + 1:columns + 3] = ["x", 1]
    expected[rows + 2][:3] = [datetime(2026, 1, 6, 8, 0), None, "=y"]
    expected[rows + 3][0] = time(7, 30)
    assert live.read(sheet) == expected
    assert (live.reads, live.writes, live.unchanged) == (1, 2, 1)
