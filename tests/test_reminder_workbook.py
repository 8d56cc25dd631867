"""The reminders wired into the tracker itself, on real files: Pegawai's "No. WhatsApp"/"Email" columns (validated,
located), Pengaturan's SMTP rows, Beranda's "Pengingat" block with its wa.me cell hyperlinks, the day's sendings in
Riwayat, an older (layout 1) tracker read with one upgrade warning, and `lkj upgrade` carrying the new columns.

The demo cycle at Monday 23 February 2026 10.00 (see tests/test_pengingat.py): step 6 (Sekretaris) running, due
11.00; step 7 (Kepala Dinas) next.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest

from lkj_xl.authoring.builder import build_tracker
from lkj_xl.authoring.demo import DEMO_STAFF, fill_demo_entries
from lkj_xl.authoring.upgrade import upgrade_tracker
from lkj_xl.cli import main
from lkj_xl.core.reminders import EMAIL_TIDAK_SAH, WHATSAPP_TIDAK_SAH
from lkj_xl.delivery import mail
from lkj_xl.delivery.pengingat import smtp_rows
from lkj_xl.engines.openpyxl_book import FileBook
from lkj_xl.engines.package import PackageBook, package_differences
from lkj_xl.files.names import BACKUP_DIR_NAME
from lkj_xl.workbook import actions, layout, writers
from lkj_xl.workbook.owned import GuardedBook, OwnershipError
from lkj_xl.workbook.reader import load_tracker

AS_OF = datetime(2026, 2, 23, 10, 0)
SEKRETARIS, KEPALA = "Sri Wahyuni, S.E., M.M.", "Drs. Bambang Sutrisno, M.Si."
SOFFICE = shutil.which("soffice")


def staff_row(path: Path, name: str) -> int:
    values = FileBook.open(path).read(layout.SHEET_STAFF)
    return next(r0 + 1 for r0, row in enumerate(values) if row and row[0] == name)


def type_contacts(path: Path, contacts: dict[str, tuple[object, object]]) -> None:
    book = FileBook.open(path)
    column = layout.STAFF_HEADERS.index(layout.E_WHATSAPP) + 1
    for name, pair in contacts.items():
        book.write(layout.SHEET_STAFF, staff_row(path, name), column, [list(pair)])
    book.save()


@pytest.fixture(scope="module")
def with_contacts(tmp_path_factory) -> Path:
    """The demo cycle with two people's WhatsApp numbers and e-mails typed in, built once for the module."""
    path = tmp_path_factory.mktemp("contacts") / "LKj_2025.xlsx"
    build_tracker(path, year=2025, agency="Inspektorat Kota Madiun", staff=DEMO_STAFF)
    book = FileBook.open(path)
    fill_demo_entries(book)
    book.save()
    type_contacts(path, {SEKRETARIS: ("+62 813 3333 4444", "sri@madiunkota.go.id"),
                         KEPALA: ("0812-1111-2222", "bambang@madiunkota.go.id")})
    return path


@pytest.fixture
def tracker(with_contacts, tmp_path) -> Path:
    return Path(shutil.copyfile(with_contacts, tmp_path / with_contacts.name))


def lkj(capsys, *args) -> tuple[int, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    return code, capsys.readouterr().out


def reminder_block(path: Path) -> list[tuple[list[object], str | None]]:
    """Beranda's reminder rows as openpyxl reads them: (values A:F, the WhatsApp cell's hyperlink target)."""
    ws = openpyxl.load_workbook(path)[layout.SHEET_HOME]
    rows = []
    for r in range(layout.REMINDERS_HEADER_ROW + 1, layout.REMINDERS_HEADER_ROW + 12):
        values = [ws.cell(r, c).value for c in range(1, len(layout.REMINDER_HEADERS) + 1)]
        link = ws.cell(r, layout.REMINDER_LINK_COLUMN).hyperlink
        if any(v is not None for v in values) or link is not None:
            rows.append((values, link.target if link is not None else None))
    return rows


# --- Pegawai ---------------------------------------------------------------------------------------------------------


def test_new_tracker_has_contact_columns_with_input_messages(tmp_path):
    path = build_tracker(tmp_path / "baru.xlsx", year=2025, agency="Inspektorat Kota Madiun", staff=DEMO_STAFF)
    ws = openpyxl.load_workbook(path)[layout.SHEET_STAFF]
    header = [ws.cell(layout.LIST_HEADER_ROW, c).value for c in range(1, 7)]
    assert header == ["Nama", "NIP", "Jabatan", "Keterangan", "No. WhatsApp", "Email"]
    assert ws.cell(layout.LIST_HEADER_ROW + 1, 5).number_format == "@"
    assert ws.cell(layout.LIST_HEADER_ROW + 1, 6).number_format == "@"
    prompts = {str(dv.sqref).split(":")[0][0]: dv.prompt for dv in ws.data_validations.dataValidation if dv.prompt}
    assert "0812-3456-7890" in prompts["E"] and "nama@madiunkota.go.id" in prompts["F"]
    assert dict(ws.tables.items())[layout.STAFF_TABLE_NAME].startswith("A3:G")  # ... Email, then Pangkat/Golongan (layout 3)
    tracker = load_tracker(FileBook.open(path))
    assert tracker.problems == []


def test_contacts_read_and_bad_ones_located_on_their_cells(tracker):
    type_contacts(tracker, {KEPALA: ("0351-462123", "bambang(at)madiunkota")})
    analysis = actions.validate(PackageBook.open(tracker), as_of=AS_OF)
    staff = {s.nama: s for s in analysis.tracker.staff}
    assert (staff[SEKRETARIS].whatsapp, staff[SEKRETARIS].email) == ("+62 813 3333 4444", "sri@madiunkota.go.id")
    row = staff_row(tracker, KEPALA)
    found = {p.code: (p.sheet, p.cell, p.severity) for p in analysis.problems}
    assert found[WHATSAPP_TIDAK_SAH] == (layout.SHEET_STAFF, f"E{row}", "warning")
    assert found[EMAIL_TIDAK_SAH] == (layout.SHEET_STAFF, f"F{row}", "warning")


def test_bad_contacts_on_masalah_after_refresh(tracker, capsys):
    type_contacts(tracker, {KEPALA: ("12345", None)})
    code, out = lkj(capsys, "refresh", tracker, "--as-of", "2026-02-23T10:00")
    row = staff_row(tracker, KEPALA)
    assert f"Pegawai!E{row}" in out
    ws = openpyxl.load_workbook(tracker)[layout.SHEET_PROBLEMS]
    rows = [[c.value for c in r[:5]] for r in ws.iter_rows(min_row=2) if r[0].value]
    code = layout.PROBLEM_HEADERS.index(layout.M_CODE)
    assert [layout.SHEET_STAFF, f"E{row}", layout.LEVEL_WARNING, WHATSAPP_TIDAK_SAH] in [r[:3] + [r[code]] for r in rows]


# --- Pengaturan ------------------------------------------------------------------------------------------------------


def test_smtp_rows_built_read_and_used(tracker):
    wb = openpyxl.load_workbook(tracker)
    ws = wb[layout.SHEET_SETTINGS]
    rows = {ws.cell(r, 1).value: r for r in range(1, 30) if ws.cell(r, 1).value}
    assert [label for label in rows if label in layout.SMTP_LABELS] == list(mail.SETTING_LABELS)
    assert "LKJ_SMTP_PASSWORD" in ws.cell(rows["Pengguna SMTP"], 3).value
    assert "TIDAK PERNAH disimpan" in ws.cell(rows["Pengguna SMTP"], 3).value
    security = [dv for dv in ws.data_validations.dataValidation
                if str(dv.sqref) == f"B{rows['Keamanan SMTP']}"]
    assert security and security[0].formula1 == '"Tanpa,STARTTLS,SSL"'
    assert ws.cell(rows["Keamanan SMTP"], 2).value == "STARTTLS"
    # the week table moved down below the five rows and still reads
    assert ws.cell(layout.WEEK_HEADER_ROW, 1).value == layout.W_DAY

    book = FileBook.open(tracker)
    book.write(layout.SHEET_SETTINGS, rows["Server SMTP"], 2, [["mail.madiunkota.go.id"], [465], ["SSL"],
                                                              ["lkj@madiunkota.go.id"],
                                                              ["Pelacak LKj <lkj@madiunkota.go.id>"]])
    book.save()
    loaded = load_tracker(FileBook.open(tracker))
    assert loaded.problems == []
    assert loaded.settings.smtp["Server SMTP"] == "mail.madiunkota.go.id"
    settings = mail.smtp_settings(smtp_rows(loaded), env={})
    assert (settings.host, settings.port, settings.security, settings.user) == (
        "mail.madiunkota.go.id", 465, mail.SECURITY_SSL, "lkj@madiunkota.go.id")
    assert settings.sender == "Pelacak LKj <lkj@madiunkota.go.id>"


# --- an older layout ---------------------------------------------------------------------------------------------------


def make_layout_1(path: Path) -> None:
    """``path`` as layout 1 had it: Pegawai without the two contact columns, Pengaturan without the SMTP rows."""
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.SHEET_STAFF]
    ws.delete_cols(5, 2)
    table = ws.tables[layout.STAFF_TABLE_NAME]
    last = table.ref.split(":")[1].lstrip("F")
    table.ref = f"A3:D{last}"
    table.autoFilter.ref = table.ref
    table.tableColumns = table.tableColumns[:4]
    settings = wb[layout.SHEET_SETTINGS]
    for label in layout.SMTP_LABELS:
        row = layout.settings_row(label)
        for column in (1, 2, 3):
            settings.cell(row, column).value = None
    settings.cell(layout.settings_row(layout.P_VERSION), 2).value = 1
    wb.save(path)


def test_layout_1_tracker_reads_with_exactly_one_upgrade_warning(tracker, capsys):
    make_layout_1(tracker)
    loaded = load_tracker(FileBook.open(tracker))
    assert [p.code for p in loaded.problems] == ["tata_letak_lama"]
    [problem] = loaded.problems
    assert "lkj upgrade" in problem.message and "versi 1" in problem.message
    assert "No. WhatsApp" in problem.message and "Server SMTP" in problem.message
    assert loaded.cell_of(problem.location) == (layout.SHEET_SETTINGS, f"B{layout.settings_row(layout.P_VERSION)}")
    assert all(s.whatsapp is None and s.email is None for s in loaded.staff)
    assert loaded.settings.smtp == {}
    # a refresh still works (Beranda gets its block, without links: no numbers)
    code, out = lkj(capsys, "refresh", tracker, "--as-of", "2026-02-23T10:00")
    assert out.count("lkj upgrade") == 1
    assert [values[0][:9] for values, _ in reminder_block(tracker)] == ["Langkah 6", "Langkah 7"]


def test_upgrade_carries_the_contact_columns(tracker, tmp_path):
    # a layout-2 tracker: the typed numbers move with the rest
    new = tmp_path / "baru.xlsx"
    upgrade_tracker(tracker, new)
    loaded = load_tracker(FileBook.open(new))
    assert loaded.problems == []
    staff = {s.nama: s for s in loaded.staff}
    assert (staff[KEPALA].whatsapp, staff[KEPALA].email) == ("0812-1111-2222", "bambang@madiunkota.go.id")

    # a layout-1 tracker: the new file has the columns and rows, every person carried, no warning left
    make_layout_1(tracker)
    newer = tmp_path / "dari_versi_1.xlsx"
    summary = upgrade_tracker(tracker, newer)
    assert "versi 1" in summary
    loaded = load_tracker(FileBook.open(newer))
    assert loaded.problems == []
    assert [s.nama for s in loaded.staff] == [p[0] for p in DEMO_STAFF]
    ws = openpyxl.load_workbook(newer)[layout.SHEET_STAFF]
    assert [ws.cell(layout.LIST_HEADER_ROW, c).value for c in (5, 6)] == ["No. WhatsApp", "Email"]
    assert openpyxl.load_workbook(newer)[layout.SHEET_SETTINGS].cell(
        layout.settings_row(layout.P_SMTP_HOST), 1).value == "Server SMTP"


# --- Beranda ---------------------------------------------------------------------------------------------------------


def test_refresh_writes_the_reminder_block_with_cell_hyperlinks(tracker, capsys):
    code, _ = lkj(capsys, "refresh", tracker, "--as-of", "2026-02-23T10:00")
    assert code == 0
    ws = openpyxl.load_workbook(tracker)[layout.SHEET_HOME]
    assert ws.cell(layout.REMINDERS_TITLE_ROW, 1).value == "Pengingat"
    assert [ws.cell(layout.REMINDERS_HEADER_ROW, c).value for c in range(1, 7)] == list(layout.REMINDER_HEADERS)
    block = reminder_block(tracker)
    assert len(block) == 2
    (six, six_link), (seven, seven_link) = block
    assert six[0].startswith("Langkah 6: Menerima, meneliti, memaraf")
    assert six[1] == f"{SEKRETARIS} (Sekretaris)" and six[2] == "23 Februari 2026 11.00"
    assert six[4] == "+62 813-3333-4444" and six[5] == "sri@madiunkota.go.id"
    assert seven[1] == f"{KEPALA} (Kepala Dinas)" and seven[3] == "belum dimulai"
    # the whole message is in the link (longer than a HYPERLINK formula could hold)
    assert six_link.startswith("https://wa.me/6281333334444?text=") and len(six_link) > 255
    text = parse_qs(urlsplit(six_link).query)["text"][0]
    assert text.startswith(f"Yth. {SEKRETARIS} (Sekretaris),") and "Langkah 6" in text
    assert seven_link.startswith("https://wa.me/6281211112222?text=")
    assert ws.cell(layout.REMINDERS_HEADER_ROW + 1, layout.REMINDER_LINK_COLUMN).value == "+62 813-3333-4444"


def test_fewer_reminders_clear_old_rows_and_links(tracker, capsys):
    lkj(capsys, "refresh", tracker, "--as-of", "2026-02-23T10:00")
    assert len(reminder_block(tracker)) == 2
    # no number for the Kepala any more, and step 6 done: one row left, without a link
    type_contacts(tracker, {KEPALA: (None, None)})
    book = FileBook.open(tracker)
    book.write(layout.step_sheet(6), layout.STEP_TABLE_HEADER_ROW + 1, 3, [[datetime(2026, 2, 23, 10, 0)]])
    book.save()
    lkj(capsys, "refresh", tracker, "--as-of", "2026-02-23T10:30")
    (seven, link7), (eight, link8) = reminder_block(tracker)  # step 7 started, step 8 next: no number for either
    assert seven[0].startswith("Langkah 7") and seven[4] == "-" and link7 is None and link8 is None
    # an empty list: the two rows go, one line says so
    book = PackageBook.open(tracker)
    analysis = actions.analyse(book, as_of=AS_OF)
    writers.write_reminders(GuardedBook(book, analysis.owned), analysis.tracker, [], 2025, AS_OF)
    book.save()
    [(only, link)] = reminder_block(tracker)
    assert only == ["Tidak ada langkah yang perlu diingatkan.", None, None, None, None, None] and link is None


def test_no_reminders_says_so(tmp_path, capsys):
    path = build_tracker(tmp_path / "kosong.xlsx", year=2025, agency="Inspektorat Kota Madiun", staff=DEMO_STAFF)
    lkj(capsys, "refresh", path, "--as-of", "2026-02-23T10:00")
    rows = reminder_block(path)
    assert rows and all(link is None for _, link in rows)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_links(tracker, tmp_path, capsys):
    lkj(capsys, "refresh", tracker, "--as-of", "2026-02-23T10:00")
    out = tmp_path / "lo"
    subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(tracker)], check=False, capture_output=True,
                   timeout=600)
    converted = out / tracker.name
    assert converted.exists(), "LibreOffice did not convert the tracker"
    targets = [link for _, link in reminder_block(converted)]
    originals = [link for _, link in reminder_block(tracker)]
    assert targets[0].startswith("https://wa.me/6281333334444?text=")
    assert targets[1].startswith("https://wa.me/6281211112222?text=")
    # LibreOffice reads the links; its own .xlsx export keeps only their first 255 characters (a file saved from
    # LibreOffice loses the end of the prefilled message, Excel 2016+ keeps up to 2079).
    assert all(original.startswith(target) and len(target) >= 255 for target, original in zip(targets, originals))


def test_hyperlinks_only_on_the_engines_own_sheets(tracker):
    book = PackageBook.open(tracker)
    analysis = actions.analyse(book, as_of=AS_OF)
    with pytest.raises(OwnershipError):
        GuardedBook(book, analysis.owned).set_hyperlink(layout.SHEET_STAFF, 4, 1, "https://example.org")
    old = tracker.read_bytes()
    book.set_hyperlink(layout.SHEET_STAFF, 4, 1, "https://example.org")
    problems = package_differences(old, book.to_bytes(), analysis.owned.owns, structural=analysis.owned.structural())
    assert problems and any("Pegawai" in p or "hyperlinks" in p or "_rels" in p for p in problems)
    # the same on Beranda is allowed, and replacing a link keeps one relationship per link
    home = PackageBook.open(tracker)
    home.set_hyperlink(layout.SHEET_HOME, 30, 5, "https://wa.me/62811")
    home.set_hyperlink(layout.SHEET_HOME, 30, 5, "https://wa.me/62812")
    data = home.to_bytes()
    assert package_differences(old, data, analysis.owned.owns, structural=analysis.owned.structural()) == []
    path = tracker.with_name("link.xlsx")
    path.write_bytes(data)
    ws = openpyxl.load_workbook(path)[layout.SHEET_HOME]
    assert ws.cell(30, 5).hyperlink.target == "https://wa.me/62812"
    assert len(ws._hyperlinks) <= 1


# --- Riwayat -----------------------------------------------------------------------------------------------------------


def test_refresh_adds_todays_sendings_to_riwayat_once(tracker, capsys):
    log = mail.send_log_path(tracker, BACKUP_DIR_NAME)
    log.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        mail.Sending(AS_OF.date(), datetime(2026, 2, 23, 7, 30), 2025, 6, "sri@madiunkota.go.id", SEKRETARIS, "email"),
        mail.Sending(datetime(2026, 2, 20).date(), datetime(2026, 2, 20, 7, 30), 2025, 5, "x@madiunkota.go.id", None,
                     "email"),
    ]
    log.write_text("".join(json.dumps(s.as_dict()) + "\n" for s in lines), encoding="utf-8")
    lkj(capsys, "refresh", tracker, "--as-of", "2026-02-23T10:00")
    lkj(capsys, "refresh", tracker, "--as-of", "2026-02-23T11:00")
    ws = openpyxl.load_workbook(tracker)[layout.SHEET_HISTORY]
    history = [[c.value for c in r[:4]] for r in ws.iter_rows(min_row=2) if r[0].value]
    sent = [row for row in history if row[2] == "Pengingat"]
    assert len(sent) == 1
    assert sent[0][3] == (f'Pengingat email Langkah 6 (tahun 2025) dikirim ke "{SEKRETARIS}" <sri@madiunkota.go.id> '
                          f"pada 23 Februari 2026 07.30")
    assert [row[2] for row in history] == ["Pengingat", "Hitung Batas Waktu", "Hitung Batas Waktu"]
