"""`lkj rekap`: a folder of real trackers (several agencies and years, one filled like the demo, one with a data
error, one open in Excel, one with two cycles, one .xlsm) among files that are not trackers or cannot be read.

Every recap row is checked against `lkj status --json` run on that file (in-process), no tracker's bytes change,
the unreadable files carry their Indonesian reasons, and a tracker rewritten by `lkj refresh` while the recap reads
it ends readable or listed.  One tracker template is built per module and copied."""

from __future__ import annotations

from conftest import excel_owner_bytes  # noqa: E402

import hashlib
import json
import shutil
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from lkj_xl.authoring import rekap
from lkj_xl.authoring.demo import DEMO_STAFF, fill_demo_entries
from lkj_xl.authoring.rekap import read as rekap_read
from lkj_xl.authoring.rekap.scan import SKIP_BACKUP, SKIP_NOT_TRACKER, SKIP_OWNER, SKIP_TEMP
from lkj_xl.authoring.rekap.write import RECAP_HEADERS, STATUS_ORDER, TITLE_ROWS
from lkj_xl.cli import main
from lkj_xl.core.schedule import CYCLE_LABELS, DONE_STATUSES
from lkj_xl.engines.package import PackageBook
from lkj_xl.workbook import layout

AS_OF = datetime(2026, 2, 23, 10, 0)
AS_OF_TEXT = "2026-02-23T10:00"
REPO = Path(__file__).resolve().parents[1]


def _set_setting(book: PackageBook, label: str, value) -> None:
    rows = book.read(layout.SHEET_SETTINGS)
    for r, row in enumerate(rows, start=1):
        if row and row[0] == label:
            book.write(layout.SHEET_SETTINGS, r, 2, [[value]])
            return
    raise AssertionError(f"setting {label} not found")


def _retarget(path: Path, *, agency: str, year: int | None = None) -> None:
    """A copy of the template for another agency (and reporting year: the setting and the step tables' Tahun)."""
    book = PackageBook.open(path)
    _set_setting(book, layout.P_AGENCY, agency)
    if year is not None:
        _set_setting(book, layout.P_YEAR, year)
        for number in range(1, 9):
            sheet = layout.step_sheet(number)
            rows = book.read(sheet)
            for r, row in enumerate(rows[layout.STEP_TABLE_HEADER_ROW:], start=layout.STEP_TABLE_HEADER_ROW + 1):
                if row and row[0] in (2025, "2025"):
                    book.write(sheet, r, 1, [[year]])
    book.save()


def _fill(path: Path, entries=None, year: int = 2025) -> None:
    book = PackageBook.open(path)
    if entries is None:
        fill_demo_entries(book, year=year)
    else:
        fill_demo_entries(book, entries, year=year)
    book.save()


def lkj(capsys, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    from lkj_xl.authoring.builder import build_tracker

    path = tmp_path_factory.mktemp("template") / "template.xlsx"
    build_tracker(path, year=2025, agency="Inspektorat Kota Madiun", staff=DEMO_STAFF)
    return path


def make_folder(root: Path, template: Path) -> dict[str, Path]:
    """The shared folder.  Returns the trackers by their relative name."""
    from lkj_xl.authoring.demo import DEMO_ENTRIES

    trackers: dict[str, Path] = {}

    def tracker(rel: str, agency: str, year: int | None = None) -> Path:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, path)
        _retarget(path, agency=agency, year=year)
        trackers[rel] = path
        return path

    # filled like the demo, then refreshed (Beranda's "Diperbarui pada" set)
    dinkes = tracker("Dinas Kesehatan/LKj_2025.xlsx", "Dinas Kesehatan Kota Madiun")
    _fill(dinkes)
    assert main(["refresh", str(dinkes), "--as-of", AS_OF_TEXT]) == 0
    shutil.rmtree(dinkes.parent / "Cadangan LKj")  # the backups the refresh made: added again below, on purpose
    # empty, another year
    tracker("Bappeda/LKj_2026.xlsx", "Bappeda Kota Madiun", year=2026)
    # late: step 3 received long ago, never finished
    late = tracker("Dinas Pendidikan/LKj_2025.xlsx", "Dinas Pendidikan Kota Madiun")
    _fill(late, {1: ("05/01/2026 08:00", "05/01/2026 09:00", "", "Ya", "", ""),
                 2: ("05/01/2026 09:00", "05/01/2026 10:00", "", "Ya", "", ""),
                 3: ("06/01/2026 08:00", None, "", "", "", "")})
    # a data error: a date that does not exist
    wrong = dict(DEMO_ENTRIES)
    wrong[4] = ("27/01/2026 14:00", "31/02/2026 15:00", "Rina Marlina, A.Md.", "Ya", "", "")
    _fill(tracker("Dinas Sosial/LKj_2025.xlsx", "Dinas Sosial Kota Madiun"), wrong)
    # two cycles in one workbook (2024 rows beside 2025)
    two = tracker("Inspektorat/LKj.xlsx", "Inspektorat Kota Madiun")
    _fill(two, {1: ("04/01/2025 08:00", "04/01/2025 09:00", "", "Ya", "", "")}, year=2024)
    # open in Excel: its owner file beside it
    tracker("Sekretariat/LKj_2025.xlsx", "Sekretariat Daerah Kota Madiun")
    (root / "Sekretariat" / "~$LKj_2025.xlsx").write_bytes(excel_owner_bytes("Siti Rahma"))
    # the committed macro workbook
    xlsm = root / "Kecamatan/LKj_Tracker.xlsm"
    xlsm.parent.mkdir(parents=True)
    shutil.copyfile(REPO / "workbook" / "LKj_Tracker.xlsm", xlsm)
    trackers["Kecamatan/LKj_Tracker.xlsm"] = xlsm

    # not trackers, or not readable
    data = template.read_bytes()
    (root / "Rusak.xlsx").write_bytes(data[: len(data) // 2])  # truncated: copy interrupted
    cfb = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00\x00"
    (root / "Terkunci.xlsx").write_bytes(cfb + b"\x00" * 1024)
    other = openpyxl.Workbook()
    other.active["A1"] = "Daftar hadir"
    other.save(root / "Daftar_Hadir.xlsx")
    backups = root / "Dinas Kesehatan" / "Cadangan LKj"
    backups.mkdir()
    shutil.copyfile(dinkes, backups / "LKj_2025_20260220-101500-000000.xlsx")
    shutil.copyfile(template, root / "Bappeda" / ".~lkj-tmp-0123456789ab-LKj_2026.xlsx")
    (root / "catatan.txt").write_text("bukan buku kerja", encoding="utf-8")
    return trackers


def digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def folder(tmp_path_factory, template) -> tuple[Path, dict[str, Path]]:
    root = tmp_path_factory.mktemp("bersama")
    return root, make_folder(root, template)


@pytest.fixture(scope="module")
def run(folder, tmp_path_factory):
    """`lkj rekap --json --out` once over the folder (2 worker processes), with the digests before and after."""
    root, trackers = folder
    before = digests(root)
    out = root / "Rekap_LKj.xlsx"
    import io
    from contextlib import redirect_stdout

    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(["rekap", str(root), "--json", "--out", str(out), "--as-of", AS_OF_TEXT])
    after = digests(root)
    return code, json.loads(buffer.getvalue()), out, before, after


def status_of(capsys, path: Path, year: int | None = None) -> dict:
    args = ["status", path, "--json", "--as-of", AS_OF_TEXT] + (["--year", year] if year else [])
    _code, out, _err = lkj(capsys, *args)
    return json.loads(out)


# --- the rows ------------------------------------------------------------------------------------------------------

def test_every_row_matches_lkj_status(run, folder, capsys):
    code, state, _out, _before, _after = run
    root, trackers = folder
    assert code == 0
    assert state["as_of"] == AS_OF_TEXT
    files = {row["file"] for row in state["trackers"]}
    assert files == set(trackers)
    cycles = {(row["file"], row["period"]) for row in state["trackers"]}
    assert ("Inspektorat/LKj.xlsx", 2024) in cycles and ("Inspektorat/LKj.xlsx", 2025) in cycles
    assert ("Bappeda/LKj_2026.xlsx", 2026) in cycles
    for row in state["trackers"]:
        status = status_of(capsys, trackers[row["file"]], row["period"])
        assert status["year"] == row["period"]
        assert row["overall"] == status["overall"], row["file"]
        assert row["at_risk"] == status["at_risk"]
        assert row["deadline"] == status["deadline"]
        assert row["projected_finish"] == status["projected_finish"]
        errors = sum(1 for p in status["problems"] if p["severity"] == "error")
        assert row["problem_counts"] == {"errors": errors, "warnings": len(status["problems"]) - errors}
        current = next((s["step"] for s in status["steps"] if s["status"] not in DONE_STATUSES), None)
        assert row["current_step"] == current
        assert row["late_steps"] == [s["step"] for s in status["steps"]
                                     if s["status"] in ("terlambat", "selesai_terlambat")]
    by_file = {(r["file"], r["period"]): r for r in state["trackers"]}
    assert by_file["Dinas Sosial/LKj_2025.xlsx", 2025]["problem_counts"]["errors"] >= 1
    # step 3 overdue for weeks, the final deadline still ahead: the cycle is judged against the deadline (issue 12)
    late = by_file["Dinas Pendidikan/LKj_2025.xlsx", 2025]
    assert late["overall"] == "sesuai_jadwal" and 3 in late["late_steps"]
    assert by_file["Dinas Kesehatan/LKj_2025.xlsx", 2025]["holder"] == "Sri Wahyuni, S.E., M.M."
    assert by_file["Dinas Kesehatan/LKj_2025.xlsx", 2025]["updated"] == AS_OF_TEXT
    assert by_file["Sekretariat/LKj_2025.xlsx", 2025]["open_in_excel"] is True
    assert by_file["Dinas Kesehatan/LKj_2025.xlsx", 2025]["instansi"] == "Dinas Kesehatan Kota Madiun"
    assert by_file["Bappeda/LKj_2026.xlsx", 2026]["sop"]["nomor"]


def test_no_tracker_changed_and_nothing_left_beside_them(run):
    _code, _state, out, before, after = run
    new = set(after) - set(before)
    # the recap, its lkj lock file (kept, as beside every workbook lkj saves) and its backups: nothing else
    assert all(name in (out.name, f".~lkj-{out.name}.lock") or name.startswith("Cadangan LKj/") for name in new), new
    assert {k: v for k, v in after.items() if k in before} == before


def test_unreadable_and_skipped(run):
    _code, state, _out, _before, _after = run
    reasons = {item["file"]: item["reason"] for item in state["unreadable"]}
    assert set(reasons) == {"Rusak.xlsx", "Terkunci.xlsx"}
    assert "Rusak.xlsx" in reasons["Rusak.xlsx"] and "rusak" in reasons["Rusak.xlsx"]
    assert "dilindungi kata sandi" in reasons["Terkunci.xlsx"]
    skipped = state["skipped"]
    assert skipped[SKIP_NOT_TRACKER] == ["Daftar_Hadir.xlsx"]
    assert skipped[SKIP_BACKUP] == ["Dinas Kesehatan/Cadangan LKj/LKj_2025_20260220-101500-000000.xlsx"]
    assert skipped[SKIP_OWNER] == ["Sekretariat/~$LKj_2025.xlsx"]
    assert skipped[SKIP_TEMP] == ["Bappeda/.~lkj-tmp-0123456789ab-LKj_2026.xlsx"]


def test_the_recap_workbook(run, folder):
    _code, state, out, _before, _after = run
    root, trackers = folder
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Rekap", "Matriks", "Ringkasan", "Tidak terbaca"]
    ws = wb["Rekap"]
    header = TITLE_ROWS + 1
    assert tuple(c.value for c in ws[header]) == RECAP_HEADERS
    rows = [[c for c in row] for row in ws.iter_rows(min_row=header + 1) if row[0].value is not None]
    assert len(rows) == len(state["trackers"])
    by_key = {(r["file"], r["period"]): r for r in state["trackers"]}
    ranks = []
    labels = {label: key for key, label in CYCLE_LABELS.items()}
    for cells in rows:
        values = {h: c.value for h, c in zip(RECAP_HEADERS, cells)}
        item = by_key[values["Berkas"], values["Periode"]]
        assert values["Instansi"] == item["instansi"]
        assert labels[values["Status"]] == item["overall"]
        assert values["Batas akhir"] == datetime.fromisoformat(item["deadline"])
        assert values["Perkiraan selesai"] == datetime.fromisoformat(item["projected_finish"])
        assert values["Kesalahan data"] == item["problem_counts"]["errors"]
        assert values["Sisa / terlambat (hari kerja)"] == item["working_days"]
        link = cells[RECAP_HEADERS.index("Berkas")].hyperlink
        assert link is not None and (root / link.target.replace("%20", " ")).is_file()
        assert cells[RECAP_HEADERS.index("Status")].fill.start_color.rgb.endswith(
            {"terlambat": "FFC7CE", "berisiko": "FFEB9C", "sesuai_jadwal": "C6EFCE", "terkirim": "DDEBF7"}
            [item["overall"]])
        ranks.append(STATUS_ORDER.index(item["overall"]))
    assert ranks == sorted(ranks), "worst first"
    assert ws.auto_filter.ref.startswith(f"A{header}:")
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${header}:${header}"
    sekretariat = next(c for c in rows if c[RECAP_HEADERS.index("Berkas")].value == "Sekretariat/LKj_2025.xlsx")
    assert "Siti Rahma" in sekretariat[RECAP_HEADERS.index("Catatan")].value

    unreadable = wb["Tidak terbaca"]
    listed = {row[0]: row[1] for row in unreadable.iter_rows(min_row=header + 1, values_only=True) if row[0]}
    assert "dilindungi kata sandi" in listed["Terkunci.xlsx"] and "rusak" in listed["Rusak.xlsx"]
    assert "Daftar_Hadir.xlsx" in listed

    summary = wb["Ringkasan"]
    counts = {row[0]: row[1] for row in summary.iter_rows(min_row=header + 1, max_row=header + 4, values_only=True)}
    for key in STATUS_ORDER:
        assert counts[CYCLE_LABELS[key]] == sum(1 for r in state["trackers"] if r["overall"] == key)
    assert len(summary._charts) == 1

    matrix = wb["Matriks"]
    texts = [c.value for row in matrix.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("SOP 3.1.2.6") for t in texts)
    assert "Tepat waktu" in texts and any(t.startswith("Terlambat") for t in texts)


def test_second_run_skips_its_own_recap_and_backs_it_up(run, folder, capsys):
    root, _trackers = folder
    code, out, _err = lkj(capsys, "rekap", root, "--as-of", AS_OF_TEXT)
    assert code == 0
    assert "Rekap ditulis" in out and "berkas rekap ini sendiri" in out
    assert "2 berkas tidak terbaca" in out
    assert list((root / "Cadangan LKj").glob("Rekap_LKj_*.xlsx"))


# --- bad folders, changing files -----------------------------------------------------------------------------------

def test_missing_and_empty_folders_exit_2(tmp_path, capsys):
    code, _out, err = lkj(capsys, "rekap", tmp_path / "tidak-ada")
    assert code == 2 and "tidak ditemukan" in err
    (tmp_path / "kosong").mkdir()
    code, _out, err = lkj(capsys, "rekap", tmp_path / "kosong")
    assert code == 2 and "tidak berisi buku kerja pelacak" in err
    other = openpyxl.Workbook()
    other.save(tmp_path / "kosong" / "lain.xlsx")
    code, _out, err = lkj(capsys, "rekap", tmp_path / "kosong")
    assert code == 2 and "bukan pelacak" in err
    assert not (tmp_path / "kosong" / "Rekap_LKj.xlsx").exists()


def test_a_file_changing_while_read_is_read_again_then_listed(tmp_path, template, monkeypatch):
    path = tmp_path / "LKj.xlsx"
    shutil.copyfile(template, path)
    real = rekap_read._stamp
    calls = {"n": 0}

    def once_changed(p):
        calls["n"] += 1
        stamp = real(p)
        return stamp if calls["n"] > 2 else stamp[:-1] + (calls["n"],)

    monkeypatch.setattr(rekap_read, "_stamp", once_changed)
    result = rekap_read.read_tracker(str(path), "LKj.xlsx", AS_OF)
    assert result.kind == rekap_read.KIND_TRACKER and calls["n"] == 4

    monkeypatch.setattr(rekap_read, "_stamp", lambda p: (calls.__setitem__("n", calls["n"] + 1), calls["n"]))
    result = rekap_read.read_tracker(str(path), "LKj.xlsx", AS_OF)
    assert result.kind == rekap_read.KIND_UNREADABLE and "berubah" in result.reason


def test_a_tracker_refreshed_during_the_recap_ends_readable_or_listed(tmp_path, template):
    """`lkj refresh` (another process) rewrites one tracker over and over while the recap reads the folder."""
    for index in range(4):
        shutil.copyfile(template, tmp_path / f"LKj_{index}.xlsx")
    busy = tmp_path / "LKj_0.xlsx"
    _fill(busy)
    stop = threading.Event()
    refreshes = {"n": 0}

    def refresher():
        while not stop.is_set():
            subprocess.run([sys.executable, "-m", "lkj_xl.cli", "refresh", str(busy), "--as-of", AS_OF_TEXT],
                           cwd=REPO, capture_output=True, check=False)
            refreshes["n"] += 1

    thread = threading.Thread(target=refresher)
    thread.start()
    try:
        recaps = [rekap.collect(tmp_path, as_of=AS_OF, workers=2) for _ in range(3)]
    finally:
        stop.set()
        thread.join()
    assert refreshes["n"] >= 1
    for recap in recaps:
        readable = {row.file for row in recap.rows}
        listed = {file for file, _reason in recap.unreadable}
        assert readable | listed == {f"LKj_{i}.xlsx" for i in range(4)}
        assert not readable & listed
        for file, reason in recap.unreadable:
            assert file == "LKj_0.xlsx" and "berubah" in reason
    final = rekap.collect(tmp_path, as_of=AS_OF, workers=1)
    assert {row.file for row in final.rows} == {f"LKj_{i}.xlsx" for i in range(4)}


def test_json_without_out_writes_nothing_and_is_utf8(tmp_path, template, capsysbinary):
    shutil.copyfile(template, tmp_path / "LKj.xlsx")
    _retarget(tmp_path / "LKj.xlsx", agency="Dinas Pekerjaan Umum — Bidang Jalan")
    capsysbinary.readouterr()
    assert main(["rekap", str(tmp_path), "--json", "--as-of", AS_OF_TEXT]) == 0
    out = capsysbinary.readouterr().out
    state = json.loads(out.decode("utf-8"))
    assert state["trackers"][0]["instansi"] == "Dinas Pekerjaan Umum — Bidang Jalan"
    assert "—".encode() in out
    assert not (tmp_path / "Rekap_LKj.xlsx").exists()


def test_help_is_indonesian(capsys):
    with pytest.raises(SystemExit):
        main(["rekap", "--help"])
    out = capsys.readouterr().out
    assert "Kode keluar: 0 bila rekap dibuat" in out and "contoh:" in out


def test_calamine_values_equal_the_package_engine(folder, template):
    """The recap reads values with calamine; they must be the package engine's (what `lkj status` reads), type and
    all, on every sheet of every tracker in the folder."""
    from lkj_xl.engines.calamine_book import CalamineBook, available

    assert available()
    _root, trackers = folder
    for path in list(trackers.values()) + [template]:
        data = path.read_bytes()
        package, fast = PackageBook(data, path), CalamineBook(data, path)
        for sheet in package.sheet_names():
            expected, got = package.read_tree(sheet), fast.read(sheet)
            assert got == expected, (path.name, sheet)
            assert [[type(v) for v in row] for row in got] == [[type(v) for v in row] for row in expected]


def test_year_option_keeps_one_cycle_per_tracker(folder):
    root, trackers = folder
    recap = rekap.collect(root, as_of=AS_OF, year=2024, workers=1, recap_path=root / "Rekap_LKj.xlsx")
    assert {row.year for row in recap.rows} == {2024}
    assert sorted(row.file for row in recap.rows) == sorted(trackers)
