"""The ribbon actions driven exactly as the VBA does, through xlwings' json engine (no Excel needed).

A real tracker is built with ``builder.build_tracker``, filled in with openpyxl the way a person types (text dates,
real dates, a late step, a Pelaksana in the wrong role, notes starting with "-" and "=", a note that looks like an
ISO timestamp), turned into the engine's payload (``tests/xlwings_payload.py``), and each button is "clicked" with
``ribbon.dispatch(action, as_of=...)`` on the mock caller.  The actions the engine returns are applied to a copy of
the file, and the result must equal, cell by cell on every sheet, what the CLI's path (the same core action through
``FileBook``) makes of the same file.
"""

from __future__ import annotations

import shutil
import sys
from datetime import datetime, time
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lkj_xl.workbook import actions  # noqa: E402
from lkj_xl.workbook import layout  # noqa: E402
from lkj_xl import ribbon  # noqa: E402
from lkj_xl.workbook import writers  # noqa: E402
from lkj_xl.engines.openpyxl_book import FileBook  # noqa: E402
from lkj_xl.engines.xlwings_book import LiveBook, literal_cell, normalise_cell  # noqa: E402
from lkj_xl.workbook.commands import ACTION_LABELS, RIBBON_ACTIONS  # noqa: E402
from xlwings_payload import apply_actions, json_engine_session, payload_from_file, sheet_values  # noqa: E402
from conftest import type_in  # noqa: E402

YEAR = 2025
AS_OF = datetime(2026, 1, 20, 10, 0)
AGENCY = "Inspektorat Kota Madiun"
STAFF = [
    ("Drs. Budi Santoso", "19800101 200501 1 001", "Kepala Dinas", None),
    ("Rina Wulandari", "198203152006042003", "Sekretaris", None),
    ("Siti Aminah", "198505052010012002", "Kasubag", None),
    ("Andi Prasetyo", "199001012015031004", "JFU", None),
]
FIRST_DATA_ROW = layout.STEP_TABLE_HEADER_ROW + 1
COL = {label: i for i, label in enumerate(layout.STEP_HEADERS, start=1)}


# --- fixtures --------------------------------------------------------------------------------------------------------


xw = None  # xlwings, imported by the fixture below once the license key is set


@pytest.fixture(autouse=True)
def _engine(monkeypatch, tmp_path):
    global xw
    for xw in json_engine_session(monkeypatch, tmp_path / "log"):
        yield


def _type_entries(path: Path, history_years: int = 0) -> Path:
    """Fill the 2025 cycle (and ``history_years`` complete earlier cycles) in as a person would."""
    wb = openpyxl.load_workbook(path)

    def put(step: int, row: int, **cells):
        type_in(wb[layout.step_sheet(step)], row, cells)  # typed text stays text, even when it starts with "=" or "-"

    row = FIRST_DATA_ROW
    # Step 1: dates typed as text (day first, "08.00"), note starting with "-"
    put(1, row, Tahun=YEAR, Diterima="06/01/2026 08.00", Selesai="06/01/2026 08.04", Pelaksana="Drs. Budi Santoso",
        Kelengkapan="Ya", **{"Nomor Output": "800/12/401.105/2026", "Catatan": "-revisi ke-2"})
    # Step 2: real dates, late (120 menit standard, done the next afternoon), note starting with "="
    put(2, row, Tahun=YEAR, Diterima=datetime(2026, 1, 6, 9, 0), Selesai=datetime(2026, 1, 7, 15, 0),
        Pelaksana="Rina Wulandari", Kelengkapan="Ya", Catatan="=terlambat karena rapat")
    # Step 3: running; Pelaksana is JFU, the step is the Kasubag's; a note that looks like an ISO timestamp
    put(3, row, Tahun=YEAR, Diterima=datetime(2026, 1, 8, 8, 0), Pelaksana="Andi Prasetyo", Kelengkapan="Tidak",
        Catatan="2026-01-10T09:00:00")
    # Step 4: a date nobody can read
    put(4, row, Tahun=YEAR, Diterima="32/01/2026 08.00", Pelaksana="Andi Prasetyo")

    for i in range(history_years):
        year = YEAR - 1 - i
        r = FIRST_DATA_ROW + 1 + i
        moment = datetime(year + 1, 1, 5, 8, 0)
        for step in range(1, 9):
            done = datetime(year + 1, 1, 5 + step, 15, 0)
            put(step, r, Tahun=year, Diterima=moment, Selesai=done, Pelaksana=STAFF[0][0] if step in (1, 7) else "",
                Kelengkapan="Ya")
            moment = done
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def tracker_file(templates, tmp_path_factory) -> Path:
    path = templates.copy(templates.blank(staff=STAFF), tmp_path_factory.mktemp("ribbon"), "LKj_Tracker.xlsx")
    return _type_entries(path)


@pytest.fixture(scope="module")
def history_file(templates, tmp_path_factory) -> Path:
    path = templates.copy(templates.blank(staff=STAFF), tmp_path_factory.mktemp("ribbon20"), "LKj_Tracker.xlsx")
    return _type_entries(path, history_years=19)


class _CountingLiveBook(LiveBook):
    made: list["_CountingLiveBook"] = []

    def __init__(self, xl_book):
        super().__init__(xl_book)
        _CountingLiveBook.made.append(self)


def click(path: Path, action: str, monkeypatch, payload: dict | None = None, **kwargs):
    """Click ``action`` on the workbook at ``path``: (engine actions, the LiveBooks the click made)."""
    import lkj_xl.engines.xlwings_book

    _CountingLiveBook.made = []
    monkeypatch.setattr(lkj_xl.engines.xlwings_book, "LiveBook", _CountingLiveBook)
    book = xw.Book(json=payload if payload is not None else payload_from_file(path))
    book.set_mock_caller()
    ribbon.dispatch(action, as_of=kwargs.pop("as_of", AS_OF), **kwargs)  # as the VBA does: no book given
    return book.json()["actions"], list(_CountingLiveBook.made)


def live_result(path: Path, action: str, monkeypatch, tmp_path: Path):
    engine_actions, books = click(path, action, monkeypatch)
    out = tmp_path / f"live_{action}.xlsx"
    shutil.copy(path, out)
    applied = apply_actions(out, engine_actions)
    return out, applied, books


def file_result(path: Path, action: str, tmp_path: Path) -> Path:
    """What the CLI path makes of the same file: the same core function through FileBook."""
    out = tmp_path / f"file_{action}.xlsx"
    shutil.copy(path, out)
    book = FileBook.open(out)
    if action == "validate":
        analysis = actions.validate(book, as_of=AS_OF)
        writers.write_problems(book, analysis.tracker, analysis.problems, checked_at=AS_OF, as_of=AS_OF)
    else:
        getattr(actions, action)(book, as_of=AS_OF)
    book.save(out)
    return out


def _trimmed(rows):
    rows = [list(r) for r in rows]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = max((max((i + 1 for i, v in enumerate(r) if v is not None), default=0) for r in rows), default=0)
    return [r[:width] + [None] * (width - len(r[:width])) for r in rows]


def assert_same_cells(left: Path, right: Path, sheets=None) -> None:
    a, b = sheet_values(left), sheet_values(right)
    assert list(a) == list(b)
    for name in sheets or a:
        rows_a, rows_b = _trimmed(a[name]), _trimmed(b[name])
        diffs = [(name, r + 1, c + 1, x, y)
                 for r, (row_a, row_b) in enumerate(zip(rows_a, rows_b))
                 for c, (x, y) in enumerate(zip(row_a, row_b)) if x != y]
        assert not diffs, diffs[:10]
        assert len(rows_a) == len(rows_b), name


def alert_of(engine_actions) -> dict:
    alerts = [a for a in engine_actions if a["func"] == "alert"]
    assert len(alerts) == 1, engine_actions
    prompt, title, buttons, mode, _ = alerts[0]["args"]
    return {"prompt": prompt, "title": title, "mode": mode}


# --- live == file ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["tracker_file", "history_file"])
@pytest.mark.parametrize("action", ["validate", "refresh", "report"])
def test_live_click_equals_cli_on_every_cell(which, action, request, monkeypatch, tmp_path):
    path = request.getfixturevalue(which)
    live, applied, books = live_result(path, action, monkeypatch, tmp_path)
    expected = file_result(path, action, tmp_path)
    assert applied.interpreted == []  # every text reached Excel as literal text
    assert_same_cells(live, expected)
    assert len(applied.alerts) == 1 and applied.alerts[0]["title"] == ribbon.TITLE


def test_a_click_runs_with_what_is_alive_frozen_for_the_collector_and_unfreezes_after(tracker_file, monkeypatch):
    """The payload and the modules a click imported are kept out of the garbage collector's full walks while the
    action runs (each walk would go over all of them again), and handed back afterwards; the collector does not run
    during the click and is on again after it, also when the action fails."""
    import gc

    import lkj_xl.engines.xlwings_book

    seen = []

    class _Recording(LiveBook):
        def read(self, sheet):
            seen.append((gc.get_freeze_count(), gc.isenabled()))
            return super().read(sheet)

    assert gc.get_freeze_count() == 0 and gc.isenabled()
    monkeypatch.setattr(lkj_xl.engines.xlwings_book, "LiveBook", _Recording)
    book = xw.Book(json=payload_from_file(tracker_file))
    book.set_mock_caller()
    assert isinstance(ribbon.dispatch("refresh", as_of=AS_OF), actions.Analysis)
    assert seen and min(count for count, _ in seen) > 0 and not any(enabled for _, enabled in seen)
    assert gc.get_freeze_count() == 0 and gc.isenabled()

    def boom(xl_book, as_of):
        assert not gc.isenabled()
        raise RuntimeError("boom")

    monkeypatch.setitem(ribbon._HANDLERS, "refresh", boom)
    assert ribbon.dispatch("refresh", as_of=AS_OF) is None  # told in a message box
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    # a host that turned the collector off keeps it off
    gc.disable()
    try:
        monkeypatch.setitem(ribbon._HANDLERS, "refresh", lambda xl_book, as_of: gc.isenabled())
        assert ribbon.dispatch("refresh", as_of=AS_OF) is False
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_refresh_fills_computed_columns_beranda_masalah(tracker_file, monkeypatch, tmp_path):
    live, applied, _ = live_result(tracker_file, "refresh", monkeypatch, tmp_path)
    wb = openpyxl.load_workbook(live)
    step2 = wb[layout.step_sheet(2)]
    status = step2.cell(row=FIRST_DATA_ROW, column=COL[layout.C_STATUS]).value
    assert status == "Selesai terlambat"
    assert isinstance(step2.cell(row=FIRST_DATA_ROW, column=COL[layout.C_DUE]).value, datetime)
    home = wb[layout.SHEET_HOME]
    assert home.cell(row=layout.beranda_row(layout.B_YEAR), column=layout.BERANDA_VALUE_COLUMN).value == YEAR
    assert home.cell(row=layout.beranda_row(layout.B_UPDATED), column=layout.BERANDA_VALUE_COLUMN).value == AS_OF
    problems = wb[layout.SHEET_PROBLEMS]
    codes = [problems.cell(row=r, column=4).value for r in range(2, 40)]
    assert any(codes), "the wrong role on step 3 is reported"
    # Beranda's layout-3 rows through the live engine: the count of problems beside the builder's link to Masalah
    errors = sum(1 for r in range(2, 40) if problems.cell(row=r, column=3).value == layout.LEVEL_ERROR)
    warnings = sum(1 for r in range(2, 40) if problems.cell(row=r, column=3).value == layout.LEVEL_WARNING)
    row = layout.beranda_row(layout.B_PROBLEMS)
    assert home.cell(row=row, column=2).value == f"{errors} kesalahan, {warnings} peringatan (lihat lembar Masalah)"
    assert home.cell(row=row, column=layout.BERANDA_LINK_COLUMN).hyperlink.location == "'Masalah'!A1"
    assert home.cell(row=layout.beranda_row(layout.B_OVERDUE), column=2).value
    # the note typed as text stays text through a live click (report copies notes; here: entry cells untouched)
    assert wb[layout.step_sheet(2)].cell(row=FIRST_DATA_ROW, column=COL["Catatan"]).value == "=terlambat karena rapat"


def test_report_keeps_leading_symbols_as_text(tracker_file, monkeypatch, tmp_path):
    live, applied, _ = live_result(tracker_file, "report", monkeypatch, tmp_path)
    texts = [v for row in sheet_values(live)[layout.SHEET_REPORT] for v in row if isinstance(v, str)]
    # the notes start their cell as typed (the report's suggestion may follow them), as text
    assert any(t.startswith("-revisi ke-2") for t in texts)
    assert any(t.startswith("=terlambat karena rapat") for t in texts)
    assert applied.activated == [layout.SHEET_REPORT]


def test_validate_changes_no_entry_cell(tracker_file, monkeypatch, tmp_path):
    live, applied, books = live_result(tracker_file, "validate", monkeypatch, tmp_path)
    others = [name for name in sheet_values(tracker_file) if name != layout.SHEET_PROBLEMS]
    assert_same_cells(live, tracker_file, sheets=others)
    written = {call[1] for book in books for call in book.calls if call[0] == "write"}
    assert written == {layout.SHEET_PROBLEMS}
    alert = alert_of(click(tracker_file, "validate", monkeypatch)[0])
    assert "kesalahan" in alert["prompt"] and "lihat lembar Masalah" in alert["prompt"]
    assert alert["mode"] == "critical"
    assert "\u2022 [Kesalahan]" in alert["prompt"]


def test_validate_clean_tracker_says_no_errors(templates, tmp_path, monkeypatch):
    path = templates.copy(templates.blank(staff=STAFF), tmp_path, "clean.xlsx")
    alert = alert_of(click(path, "validate", monkeypatch)[0])
    assert "tidak ada kesalahan" in alert["prompt"]
    assert alert["mode"] == "info"


# --- engine calls per click ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["validate", "refresh", "report"])
def test_calls_per_click_do_not_grow_with_history(tracker_file, history_file, action, monkeypatch):
    one, books_one = click(tracker_file, action, monkeypatch)
    twenty, books_twenty = click(history_file, action, monkeypatch)
    writes = lambda acts: sum(1 for a in acts if a["func"] == "setValues")  # noqa: E731
    assert writes(one) == writes(twenty) > 0
    assert [b.writes for b in books_one] == [b.writes for b in books_twenty]
    assert [b.reads for b in books_one] == [b.reads for b in books_twenty]
    # one engine read per sheet at most, whatever the history
    for book in books_one + books_twenty:
        sheets_read = [call[1] for call in book.calls if call[0] == "read"]
        assert len(sheets_read) == len(set(sheets_read))
    assert writes(twenty) == sum(b.writes for b in books_twenty)


# --- dispatch --------------------------------------------------------------------------------------------------------


def test_dispatch_rejects_unknown_action(tracker_file, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("nothing may run for an unknown action")

    for name in list(ribbon._HANDLERS):
        monkeypatch.setitem(ribbon._HANDLERS, name, boom)
    for bad in ("format_c", "Validate", "validate'); import os; os.system('x", "", None):
        engine_actions, books = click(tracker_file, bad, monkeypatch)
        alert = alert_of(engine_actions)
        assert "tidak dikenal" in alert["prompt"]
        assert alert["mode"] == "critical"
        assert [a["func"] for a in engine_actions] == ["alert"]
        assert books == []


def test_ribbon_has_an_entry_point_for_every_action():
    assert set(ribbon._HANDLERS) == set(RIBBON_ACTIONS)
    for name in RIBBON_ACTIONS:
        assert callable(getattr(ribbon, name))


def test_exception_becomes_alert_naming_the_log(tracker_file, monkeypatch, tmp_path):
    def broken(*args, **kwargs):
        book = args[0]
        book.write(layout.SHEET_HOME, 4, 2, [["half-written"]])
        raise ZeroDivisionError("kaboom")

    monkeypatch.setattr(actions, "refresh", broken)
    engine_actions, _ = click(tracker_file, "refresh", monkeypatch)
    alert = alert_of(engine_actions)
    log = Path(ribbon.log_path())
    assert log.parent == tmp_path / "log"
    assert "Terjadi kesalahan" in alert["prompt"] and str(log) in alert["prompt"]
    assert "Traceback" not in alert["prompt"] and "kaboom" not in alert["prompt"]
    assert alert["mode"] == "critical"
    assert [a["func"] for a in engine_actions] == ["alert"]  # the partial write was dropped
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "ZeroDivisionError: kaboom" in text and "action='refresh'" in text


@pytest.mark.parametrize("action, module, name", [
    ("close_cycle", "lkj_xl.workbook.close_cycle", "close_cycle"),
    ("reminders", "lkj_xl.workbook.actions", "update_reminders"),
    ("check_system", "lkj_xl.engines.excel_host", "xlwings_version"),
])
def test_a_failure_in_an_occasional_button_becomes_the_same_alert_and_log(tracker_file, monkeypatch, tmp_path,
                                                                          action, module, name):
    """The buttons of lkj_xl.ribbon.occasional (imported when clicked) fail as the everyday ones do: the Indonesian
    message box naming the log, no traceback, partial writes dropped, the traceback in the log."""
    import importlib

    def broken(*args, **kwargs):
        raise ZeroDivisionError("kaboom")

    monkeypatch.setattr(importlib.import_module(module), name, broken)
    engine_actions, _ = click(tracker_file, action, monkeypatch)
    alert = alert_of(engine_actions)
    log = Path(ribbon.log_path())
    assert alert["prompt"].startswith(f"Terjadi kesalahan saat menjalankan {ACTION_LABELS[action]}")
    assert str(log) in alert["prompt"] and "kaboom" not in alert["prompt"] and alert["mode"] == "critical"
    assert [a["func"] for a in engine_actions] == ["alert"]
    text = log.read_text(encoding="utf-8")
    assert "ZeroDivisionError: kaboom" in text and f"action='{action}'" in text


def test_lkj_error_shows_its_indonesian_message(tracker_file, monkeypatch):
    from lkj_xl.core.errors import DataError

    def refuse(*args, **kwargs):
        raise DataError("Tahun pelaporan pada lembar Pengaturan kosong.")

    monkeypatch.setattr(actions, "report", refuse)
    alert = alert_of(click(tracker_file, "report", monkeypatch)[0])
    assert "Tahun pelaporan pada lembar Pengaturan kosong." in alert["prompt"]
    assert alert["prompt"].startswith("Buat Laporan tidak dapat dijalankan")


def test_check_system_reports_versions_and_a_missing_sheet(tracker_file, monkeypatch):
    from lkj_xl import __version__

    payload = payload_from_file(tracker_file)
    payload["sheets"] = [s for s in payload["sheets"] if s["name"] != layout.SHEET_STAFF]
    engine_actions, _ = click(tracker_file, "check_system", monkeypatch, payload=payload)
    alert = alert_of(engine_actions)
    prompt = alert["prompt"]
    assert f"xlwings {xw.__version__}" in prompt and f"lkj-xl {__version__}" in prompt and "Python 3." in prompt
    assert f"Lembar \"{layout.SHEET_STAFF}\" tidak ditemukan" in prompt
    assert "perlu diperbaiki" in prompt
    assert alert["mode"] == "critical"
    assert [a["func"] for a in engine_actions] == ["alert"]


def test_check_system_on_a_sound_workbook(tracker_file, monkeypatch):
    alert = alert_of(click(tracker_file, "check_system", monkeypatch)[0])
    assert "Susunan buku kerja: baik" in alert["prompt"] or "0 kesalahan" in alert["prompt"]
    assert "sama dengan modul VBA" in alert["prompt"]


def test_guide_and_problems_show_their_sheet(tracker_file, monkeypatch, tmp_path):
    engine_actions, _ = click(tracker_file, "guide", monkeypatch)
    out = tmp_path / "guide.xlsx"
    shutil.copy(tracker_file, out)
    applied = apply_actions(out, engine_actions)
    assert applied.activated == [layout.SHEET_HOME] and applied.set_values == 0
    assert "Validasi" in applied.alerts[0]["prompt"]

    engine_actions, _ = click(tracker_file, "problems", monkeypatch)
    applied = apply_actions(out, engine_actions)
    assert applied.activated == [layout.SHEET_PROBLEMS] and applied.alerts == []


def test_entry_points_run_the_same_as_dispatch(tracker_file, monkeypatch):
    book = xw.Book(json=payload_from_file(tracker_file))
    analysis = ribbon.validate(book, as_of=AS_OF)
    assert analysis is not None and analysis.as_of == AS_OF
    assert any(a["func"] == "alert" for a in book.json()["actions"])


# --- LiveBook --------------------------------------------------------------------------------------------------------


def test_json_values_are_normalised():
    assert normalise_cell("2026-01-06T08:00:00.000Z", json_engine=True) == datetime(2026, 1, 6, 8, 0)
    assert normalise_cell("1899-12-30T07:30:00.000Z", json_engine=True) == time(7, 30)
    for text in ("2026-01-06T08:00:00", "2026-01-06", "06/01/2026 08.00", "#N/A"):
        assert normalise_cell(text, json_engine=True) == text
    assert normalise_cell("", json_engine=True) is None
    assert normalise_cell(2025.0, json_engine=True) == 2025 and isinstance(normalise_cell(2025.0, json_engine=True),
                                                                          int)
    assert normalise_cell(True, json_engine=True) is True


def test_strings_are_written_as_literal_text():
    for text in ("=SUM(A1)", "+62", "-revisi", "@x", "0123", "198203152006042003", "06 Januari 2026", "TRUE"):
        assert literal_cell(text) == "'" + text
    assert literal_cell("") is None and literal_cell(None) is None
    assert literal_cell(time(12, 0)) == 0.5
    # Excel's cell limit, as in file mode: cut, the cut marked with an ellipsis
    long_text = literal_cell("x" * 40_000)
    assert len(long_text) == 1 + 32_767 and long_text.endswith("x\u2026")


def test_live_book_reads_a_sheet_once_and_sees_its_writes(tracker_file):
    book = LiveBook(xw.Book(json=payload_from_file(tracker_file)))
    first = book.read(layout.SHEET_PROBLEMS)
    book.write(layout.SHEET_PROBLEMS, 2, 1, [["Langkah 1", "B13", "Kesalahan", "kode", "=pesan"]])
    again = book.read(layout.SHEET_PROBLEMS)
    assert book.reads == 1 and book.writes == 1
    assert again[1][:5] == ["Langkah 1", "B13", "Kesalahan", "kode", "=pesan"]
    assert len(again) == len(first)
    step = book.read(layout.step_sheet(3))
    assert step[FIRST_DATA_ROW - 1][COL["Catatan"] - 1] == "2026-01-10T09:00:00"  # text, not a date, no crash
    assert step[FIRST_DATA_ROW - 1][COL["Diterima"] - 1] == datetime(2026, 1, 8, 8, 0)
    with pytest.raises(KeyError):
        book.read("Tidak Ada")


def test_a_block_the_cells_already_hold_is_not_written_again(tracker_file, monkeypatch, tmp_path):
    """A block of a sheet already read is not written when every cell holds the same value of the same type (no call
    into Excel, no action in the json engine's answer); any difference, even "2025" typed as text where the number
    is, writes the block.  A second refresh writes less than the first and ends in the same cells (Riwayat aside)."""
    book = LiveBook(xw.Book(json=payload_from_file(tracker_file)))
    sheet = layout.step_sheet(1)
    values = book.read(sheet)
    header = layout.STEP_TABLE_HEADER_ROW
    row = values[header][:4]  # the first entry row (Tahun, Diterima, ...), as read
    assert row[0] == YEAR and isinstance(row[1], str)  # a date typed as text stays text
    book.write(sheet, header + 1, 1, [row])
    assert book.writes == 0 and book.unchanged == 1
    assert not [a for a in book.xl_book.json()["actions"] if a["func"] == "setValues"]
    book.write(sheet, header + 1, 1, [[str(YEAR)] + row[1:]])  # the same digits as text: another value
    assert book.writes == 1 and book.calls[-1] == ("write", sheet, header + 1, 1, 1, 4)
    assert book.read(sheet)[header][0] == str(YEAR)
    book.write(sheet, len(values) + 5, 1, [[None, None]])  # below the used range: empty already
    assert book.writes == 1 and book.unchanged == 2

    first_actions, first_books = click(tracker_file, "refresh", monkeypatch)
    once = tmp_path / "once.xlsx"
    shutil.copy(tracker_file, once)
    apply_actions(once, first_actions)
    second_actions, second_books = click(once, "refresh", monkeypatch)
    twice = tmp_path / "twice.xlsx"
    shutil.copy(once, twice)
    apply_actions(twice, second_actions)
    others = [name for name in sheet_values(once) if name != layout.SHEET_HISTORY]
    assert_same_cells(twice, once, sheets=others)  # Riwayat: one more line, the second click's
    assert 0 < second_books[0].writes < first_books[0].writes
    assert second_books[0].unchanged > first_books[0].unchanged > 0  # the step sheets' top blocks, built as computed


class _FakeRange:
    def __init__(self, sheet, first, last=None):
        self.sheet, self.first, self.last = sheet, first, last or first

    @property
    def row(self):
        return self.first[0]

    @property
    def column(self):
        return self.first[1]

    @property
    def last_cell(self):
        return _FakeRange(self.sheet, self.last)

    def options(self, **options):
        self.sheet.options.append(options)
        return self

    @property
    def value(self):
        self.sheet.calls.append(("read", self.first, self.last))
        return [row[self.first[1] - 1: self.last[1]] for row in self.sheet.data[self.first[0] - 1: self.last[0]]]

    @value.setter
    def value(self, values):
        self.sheet.calls.append(("write", self.first, values))


class _FakeSheet:
    def __init__(self, name, data):
        self.name, self.data, self.calls, self.options = name, data, [], []

    @property
    def used_range(self):
        return _FakeRange(self, (1, 1), (len(self.data), len(self.data[0])))

    def range(self, first, last=None):
        return _FakeRange(self, first, last)


class _FakeDesktopBook:
    """What LiveBook uses of a desktop-Excel xlwings Book."""

    name = "LKj_Tracker.xlsm"

    def __init__(self, sheets):
        self.sheets = _FakeSheets(sheets)
        self.app = type("App", (), {"engine": type("Engine", (), {"name": "excel"})(),
                                    "api": type("Api", (), {"UserName": "Budi (Excel)"})()})()


class _FakeSheets(dict):
    def __iter__(self):
        return iter(self.values())


def test_desktop_engine_read_write_in_one_call_each():
    sheet = _FakeSheet("S", [["a", 2025.0, None], [datetime(2026, 1, 6, 8, 0), 2.5, "#N/A"]])
    book = LiveBook(_FakeDesktopBook({"S": sheet}))
    assert book.read("S") == [["a", 2025, None], [datetime(2026, 1, 6, 8, 0), 2.5, "#N/A"]]
    assert sheet.options == [{"ndim": 2, "empty": None, "err_to_str": True}]
    book.write("S", 3, 1, [["=x", 1, None, datetime(2026, 1, 7)]])
    assert [c[0] for c in sheet.calls] == ["read", "write"]
    assert sheet.calls[1] == ("write", (3, 1), [["'=x", 1, None, datetime(2026, 1, 7)]])
    assert book.read("S")[2] == ["=x", 1, None, datetime(2026, 1, 7)]
    assert book.reads == 1 and book.writes == 1
    assert book.user_name() == "Budi (Excel)"


# --- the packaged workbook and the command line the VBA runs -------------------------------------------------------


def test_check_system_on_the_macro_workbook_reads_the_vba_version(tracker_file, monkeypatch, tmp_path):
    import re

    from lkj_xl.authoring.xlsm import build_xlsm

    xlsm = build_xlsm(tracker_file, tmp_path / "LKj_Tracker.xlsm")
    alert = alert_of(click(xlsm, "check_system", monkeypatch)[0])
    assert "Susunan buku kerja: baik" in alert["prompt"] and alert["mode"] == "info"
    # desktop Excel without access to the VBA project: the version comes from the saved file
    pattern = re.compile(r"^'Version:\s*(\S+)", re.MULTILINE)
    from lkj_xl.engines import excel_host

    assert excel_host._vba_version_from_file(str(xlsm), pattern) == xw.__version__


def test_vba_command_line_without_excel_gives_a_short_message(tmp_path):
    import subprocess

    env = {**__import__("os").environ, ribbon.LOG_DIR_ENV: str(tmp_path / "log")}
    done = subprocess.run(
        [sys.executable, "-c", "import lkj_xl.ribbon as r; r.dispatch('validate')", "--wb=LKj_Tracker.xlsm",
         "--from_xl=1"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1  # xlwings' VBA shows stderr when the exit code is not 0
    assert "Traceback" not in done.stderr
    assert "tidak dapat terhubung ke buku kerja Excel" in done.stderr
    assert str(tmp_path / "log") in done.stderr
    assert "Traceback" in (tmp_path / "log" / ribbon.LOG_NAME).read_text(encoding="utf-8")


def test_importing_the_ribbon_loads_nothing_heavy():
    import subprocess

    probe = ("import sys, lkj_xl.ribbon; "
             "print(sorted(m for m in ('openpyxl', 'pandas', 'numpy', 'xlwings') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    # the modules a live click loads besides xlwings never load openpyxl
    probe = ("import sys, lkj_xl.ribbon, lkj_xl.workbook.actions, lkj_xl.engines.xlwings_book, lkj_xl.core.report, lkj_xl.workbook.report_sheet, "
             "lkj_xl.authoring.xlsm, lkj_xl.runtime; print('openpyxl' in sys.modules, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"
    # a refresh click reads the reminder send log but sends nothing: neither the mail module nor SMTP/TLS modules
    probe = ("import sys, lkj_xl.ribbon, lkj_xl.workbook.actions, lkj_xl.delivery.sendlog; "
             "print(sorted(m for m in ('lkj_xl.delivery.mail', 'smtplib', 'ssl', 'email.message') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_reminders_button_writes_beranda_links_and_lists_them(tracker_file, monkeypatch, tmp_path):
    path = tmp_path / "LKj_Tracker.xlsx"
    shutil.copy(tracker_file, path)
    book = FileBook.open(path)
    staff = book.read(layout.SHEET_STAFF)
    rows = [r0 + 1 for r0, row in enumerate(staff) if r0 >= layout.LIST_HEADER_ROW and row and row[0]]
    for row in rows:
        book.write(layout.SHEET_STAFF, row, layout.STAFF_HEADERS.index(layout.E_WHATSAPP) + 1, [["0812-3456-7890"]])
    book.save()
    engine_actions, _ = click(path, "reminders", monkeypatch)
    alert = alert_of(engine_actions)
    assert alert["prompt"].startswith(f"Pengingat tahun {YEAR}")
    assert "https://wa.me/6281234567890" in alert["prompt"] and len(alert["prompt"]) < 1024
    out = tmp_path / "live_reminders.xlsx"
    shutil.copy(path, out)
    applied = apply_actions(out, engine_actions)
    first = f"{layout.SHEET_HOME}!E{layout.REMINDERS_HEADER_ROW + 1}"
    assert applied.hyperlinks and applied.hyperlinks[0][0] == first
    assert applied.hyperlinks[0][1].startswith("https://wa.me/6281234567890?text=")
    assert applied.activated == [layout.SHEET_HOME]
    home = openpyxl.load_workbook(out)[layout.SHEET_HOME]
    assert home.cell(layout.REMINDERS_HEADER_ROW + 1, layout.REMINDER_LINK_COLUMN).value == "+62 812-3456-7890"
    # only the reminder block was written: the rest of Beranda is as the builder left it
    assert home.cell(layout.beranda_row(layout.B_UPDATED), layout.BERANDA_VALUE_COLUMN).value == "Belum pernah diperbarui"
