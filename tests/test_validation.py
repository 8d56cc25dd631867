from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from lkj_xl.core.entries import (
    AREA_STAFF,
    AREA_STEP,
    ERROR,
    F_COMPLETED,
    F_KELENGKAPAN,
    F_PELAKSANA,
    F_RECEIVED,
    F_YEAR,
    WARNING,
    Location,
    StaffEntry,
    StepEntry,
    StepRecord,
)
from lkj_xl.core.errors import ParseError
from lkj_xl.core.sop import DEFAULT_SOP, ROLES
from lkj_xl.core import validation as v
from lkj_xl.core.validation import cycle_years, parse_year, read_cycle, validate_staff

SOP = DEFAULT_SOP
YEAR = 2025
AS_OF = datetime(2026, 3, 31, 16, 0)

STAFF = (
    StaffEntry(0, "Drs. Andi Wijaya, M.Si.", "19700101 199503 1 001", "Kepala Dinas"),
    StaffEntry(1, "Siti Rahma", "19750202 200003 2 002", "Sekretaris"),
    StaffEntry(2, "Budi Santoso", "19800303 200501 1 003", "Kasubag"),
    StaffEntry(3, "Dewi Lestari", "19900404 201501 2 004", "JFU"),
    StaffEntry(4, "Eko Prasetyo", "19780505 200201 1 005", "Kabid", "Plt. Sekretaris"),
    StaffEntry(5, "Rina Marlina", "19820606 200601 2 006", "Kabid", "plh"),
)
ACTOR_NAME = {1: "Drs. Andi Wijaya, M.Si.", 2: "Siti Rahma", 3: "Budi Santoso", 4: "Dewi Lestari",
              5: "Budi Santoso", 6: "Siti Rahma", 7: "Drs. Andi Wijaya, M.Si.", 8: "Dewi Lestari"}


def full_cycle(year: int = YEAR) -> list[StepEntry]:
    """A clean cycle: step n received on 5+2n January of year+1 at 08.00, completed the next day at 10.00."""
    rows = []
    for n in range(1, 9):
        day = 5 + 2 * n
        rows.append(StepEntry(n, 0, year, f"{day:02d}/01/{year + 1} 08.00", f"{day + 1:02d}/01/{year + 1} 10.00",
                              ACTOR_NAME[n], "Ya"))
    return rows


def change(entries, step: int, **fields) -> list[StepEntry]:
    return [replace(e, **fields) if e.step == step and e.row == 0 else e for e in entries]


def check(entries, *, as_of=AS_OF, staff=STAFF, year=YEAR):
    return read_cycle(SOP, entries, year, as_of, staff)


def problems_of(entries, **kwargs):
    return check(entries, **kwargs)[1]


def only(problems, code):
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, problems
    return found[0]


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def loc(step, field, row=0):
    return Location(AREA_STEP, (step, row), field)


# --- a clean cycle -------------------------------------------------------------------------------------------------


def test_clean_cycle_has_no_problems():
    cycle, problems = check(full_cycle())
    assert problems == []
    assert cycle.year == YEAR
    assert [r.step for r in cycle.records] == list(range(1, 9))
    assert cycle.record(1) == StepRecord(1, datetime(2026, 1, 7, 8), datetime(2026, 1, 8, 10),
                                         "Drs. Andi Wijaya, M.Si.")


def test_partial_cycle_records_every_step():
    entries = [e for e in full_cycle() if e.step <= 3]
    cycle, problems = check(entries)
    assert problems == []
    assert cycle.record(4) == StepRecord(4)
    assert len(cycle.records) == 8


def test_date_without_time_received_midnight_completed_end_of_day():
    entries = change(full_cycle(), 1, received="7 Januari 2026", completed="7/1/2026")
    cycle, problems = check(entries)
    assert problems == []
    assert cycle.record(1).received == datetime(2026, 1, 7, 0, 0)
    assert cycle.record(1).completed == datetime(2026, 1, 7, 23, 59)


def test_excel_values_accepted():
    entries = change(full_cycle(), 1, year=2025.0, received=datetime(2026, 1, 7, 8), completed=46030.4166666667)
    cycle, problems = check(entries)
    assert problems == []
    assert cycle.record(1).completed == datetime(2026, 1, 8, 10, 0)


# --- Tahun ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [2025, 2025.0, "2025", " 2025 "])
def test_year_forms(value):
    cycle, problems = check(change(full_cycle(), 1, year=value))
    assert problems == []
    assert cycle.record(1).received == datetime(2026, 1, 7, 8)


@pytest.mark.parametrize("value", ["TA 2025", "2025/2026", 2025.5, "25", True, datetime(2025, 1, 1)])
def test_unreadable_year(value):
    cycle, problems = check(change(full_cycle(), 1, year=value))
    problem = only(problems, v.TAHUN_TIDAK_TERBACA)
    assert problem.severity == ERROR
    assert problem.location == loc(1, F_YEAR)
    assert problem.message.startswith("Tahun ")
    assert cycle.record(1) == StepRecord(1)


def test_unreadable_year_message_names_value():
    problem = only(problems_of(change(full_cycle(), 1, year="TA 2025")), v.TAHUN_TIDAK_TERBACA)
    assert problem.message == 'Tahun "TA 2025" tidak terbaca; tulis tahun laporan dengan 4 angka, mis. 2025.'


def test_unreadable_year_reported_whatever_year_is_read():
    entries = change(full_cycle(), 1, year="dua ribu")
    assert v.TAHUN_TIDAK_TERBACA in codes(problems_of(entries, year=2024))


def test_empty_year_with_data():
    problem = only(problems_of(change(full_cycle(), 1, year=None)), v.TAHUN_KOSONG)
    assert problem.location == loc(1, F_YEAR)
    assert problem.severity == ERROR


def test_blank_rows_are_ignored():
    entries = full_cycle() + [StepEntry(1, 1), StepEntry(2, 1, "", "  ", None, "", None, "", "")]
    assert problems_of(entries) == []


def test_other_years_are_not_checked():
    other = StepEntry(1, 1, 2024, "31/02/2025", "kemarin", "Orang Asing", "Mungkin")
    cycle, problems = check(full_cycle() + [other])
    assert problems == []
    assert cycle.record(1).received == datetime(2026, 1, 7, 8)


def test_two_rows_same_year():
    second = StepEntry(3, 1, "2025", "20/01/2026 08.00", "21/01/2026 08.00", "Budi Santoso", "Ya")
    cycle, problems = check(full_cycle() + [second])
    problem = only(problems, v.SIKLUS_GANDA)
    assert problem.severity == ERROR
    assert problem.location == loc(3, F_YEAR, row=1)
    assert problem.message.startswith("Dua siklus untuk tahun yang sama")
    assert "baris data ke-1" in problem.message
    assert cycle.record(3).received == datetime(2026, 1, 11, 8)  # the first row is used


def test_step_not_in_sop():
    problem = only(problems_of(full_cycle() + [StepEntry(9, 0, 2025, "01/02/2026 08.00")]), v.LANGKAH_TIDAK_DIKENAL)
    assert problem.location == loc(9, F_YEAR)


def test_cycle_years_and_parse_year():
    entries = full_cycle(2024) + [StepEntry(1, 1, "2025"), StepEntry(1, 2, "x"), StepEntry(1, 3, None)]
    assert cycle_years(entries) == [2024, 2025]
    assert parse_year(2025.0) == 2025
    assert parse_year("  ") is None
    with pytest.raises(ParseError):
        parse_year(999)


# --- dates ---------------------------------------------------------------------------------------------------------


def test_unreadable_date():
    cycle, problems = check(change(full_cycle(), 2, received="31/02/2026"))
    problem = only(problems, v.TANGGAL_TIDAK_TERBACA)
    assert problem == v.Problem(loc(2, F_RECEIVED), ERROR, v.TANGGAL_TIDAK_TERBACA,
                                'Tanggal "31/02/2026" tidak ada (tanggal 31 Februari tidak ada).')
    assert cycle.record(2).received is None
    assert cycle.record(2).completed == datetime(2026, 1, 10, 10)


@pytest.mark.parametrize("value", ["#REF!", "=A1", "besok", True])
def test_unreadable_date_values(value):
    problem = only(problems_of(change(full_cycle(), 8, completed=value)), v.TANGGAL_TIDAK_TERBACA)
    assert problem.location == loc(8, F_COMPLETED)


def test_completed_before_received():
    entries = change(full_cycle(), 1, received="07/01/2026 09.00", completed="06/01/2026 08.00")
    problem = only(problems_of(entries), v.SELESAI_SEBELUM_DITERIMA)
    assert problem.severity == ERROR
    assert problem.location == loc(1, F_COMPLETED)
    assert problem.message == "Selesai (6 Januari 2026 08.00) lebih awal dari Diterima (7 Januari 2026 09.00)."


def test_completed_before_received_same_day_with_times():
    entries = change(full_cycle(), 1, received="07/01/2026 09.00", completed="07/01/2026 08.59")
    assert v.SELESAI_SEBELUM_DITERIMA in codes(problems_of(entries))


@pytest.mark.parametrize("received, completed", [
    ("07/01/2026 09.00", "07/01/2026"),  # date-only Selesai: end of that day
    ("07/01/2026", "07/01/2026 08.00"),  # date-only Diterima: compared by day
    ("07/01/2026 09.00", "07/01/2026 09.00"),
])
def test_completed_not_before_received(received, completed):
    assert problems_of(change(full_cycle(), 1, received=received, completed=completed)) == []


def test_completed_without_received():
    # Step 1 has no hand-over to start from: its start is unknown.
    problem = only(problems_of(change(full_cycle(), 1, received=None)), v.DITERIMA_KOSONG)
    assert problem.severity == WARNING
    assert problem.location == loc(1, F_RECEIVED)
    assert "langkah pertama" in problem.message


def test_empty_received_is_the_hand_over():
    # README: leave Diterima blank when a step starts as the previous one is handed over; that is no problem.
    assert problems_of(change(full_cycle(), 4, received=None)) == []


def test_empty_received_without_a_hand_over_is_reported():
    entries = change(change(full_cycle(), 3, completed=None), 4, received=None)
    problems = problems_of(entries)
    assert codes(problems) == [v.DITERIMA_KOSONG, v.LANGKAH_SEBELUMNYA_BELUM_SELESAI]
    assert problems[0].location == loc(4, F_RECEIVED)
    assert "langkah 3 (sebelumnya) belum berisi tanggal Selesai" in problems[0].message


def test_received_before_previous_completed():
    # step 2 completed 10/01/2026 10.00; step 3 received before that.
    entries = change(full_cycle(), 3, received="10/01/2026 09.30")
    problem = only(problems_of(entries), v.MENDAHULUI_LANGKAH_SEBELUMNYA)
    assert problem.severity == ERROR
    assert problem.location == loc(3, F_RECEIVED)
    assert problem.message == ("Diterima (10 Januari 2026 09.30) lebih awal dari Selesai langkah 2 "
                               "(10 Januari 2026 10.00); langkah 3 baru dapat dimulai setelah langkah 2 selesai.")


def test_received_same_day_as_previous_date_only_completion_is_fine():
    entries = change(full_cycle(), 2, completed="10/01/2026")
    entries = change(entries, 3, received="10/01/2026 11.00")
    assert problems_of(entries) == []


def test_received_day_before_previous_date_only_completion():
    entries = change(full_cycle(), 2, completed="10/01/2026")
    entries = change(entries, 3, received="09/01/2026 15.00")
    assert v.MENDAHULUI_LANGKAH_SEBELUMNYA in codes(problems_of(entries))


def test_completed_before_previous_completed_when_received_empty():
    entries = change(full_cycle(), 3, received=None, completed="10/01/2026 09.00")
    problem = only(problems_of(entries), v.MENDAHULUI_LANGKAH_SEBELUMNYA)
    assert problem.location == loc(3, F_COMPLETED)


def test_completed_while_previous_not_completed():
    entries = change(full_cycle(), 4, completed=None)
    problem = only(problems_of(entries), v.LANGKAH_SEBELUMNYA_BELUM_SELESAI)
    assert problem.severity == WARNING
    assert problem.location == loc(5, F_COMPLETED)
    assert "langkah 4" in problem.message


def test_completed_while_previous_step_has_no_row():
    entries = [e for e in full_cycle() if e.step != 4]
    problem = only(problems_of(entries), v.LANGKAH_SEBELUMNYA_BELUM_SELESAI)
    assert problem.location == loc(5, F_COMPLETED)


def test_received_while_previous_not_completed_is_not_a_problem():
    entries = change(full_cycle(), 4, completed=None)
    entries = change(entries, 5, completed=None, pelaksana=None)
    entries = [e for e in entries if e.step <= 5]
    assert problems_of(entries) == []


def test_previous_completed_unreadable_reports_only_the_unreadable_date():
    entries = change(full_cycle(), 4, completed="12/13/2026")
    assert codes(problems_of(entries)) == [v.TANGGAL_TIDAK_TERBACA]


def test_future_date():
    as_of = datetime(2026, 1, 12, 9, 0)
    entries = [e for e in full_cycle() if e.step <= 3]  # step 3: received 11/01 08.00, completed 12/01 10.00
    problem = only(problems_of(entries, as_of=as_of), v.TANGGAL_DI_MASA_DEPAN)
    assert problem.severity == ERROR
    assert problem.location == loc(3, F_COMPLETED)
    assert problem.message == ("Selesai (12 Januari 2026 10.00) di masa depan: saat pemeriksaan adalah "
                               "12 Januari 2026 09.00.")


def test_date_only_today_is_not_future():
    as_of = datetime(2026, 1, 12, 9, 0)
    entries = change([e for e in full_cycle() if e.step <= 3], 3, completed="12/01/2026")
    assert problems_of(entries, as_of=as_of) == []
    entries = change(entries, 3, completed="13/01/2026")
    assert codes(problems_of(entries, as_of=as_of)) == [v.TANGGAL_DI_MASA_DEPAN]


def test_aware_as_of():
    as_of = datetime(2026, 1, 12, 2, 0, tzinfo=timezone.utc)  # 09.00 WIB
    entries = [e for e in full_cycle() if e.step <= 3]
    assert codes(problems_of(entries, as_of=as_of)) == [v.TANGGAL_DI_MASA_DEPAN]


def test_date_before_the_preparation_year():
    entries = change(full_cycle(), 1, received="31/12/2025 08.00")
    problem = only(problems_of(entries), v.TANGGAL_TERLALU_AWAL)
    assert problem.severity == ERROR
    assert problem.location == loc(1, F_RECEIVED)
    assert problem.message == ("Diterima (31 Desember 2025 08.00) terlalu awal: LKj tahun 2025 disusun pada tahun "
                               "2026, jadi tanggalnya paling awal 1 Januari 2026.")


def test_first_moment_of_the_preparation_year_is_fine():
    entries = change(full_cycle(), 1, received="01/01/2026 00.00")
    assert problems_of(entries) == []


def test_year_typed_as_number_in_a_date_cell():
    problem = only(problems_of(change(full_cycle(), 1, received=2026)), v.TANGGAL_TERLALU_AWAL)
    assert "Sel berisi angka 2026" in problem.message


def test_date_implausibly_late():
    as_of = datetime(2030, 1, 1)
    entries = change(full_cycle(), 8, completed="01/01/2028 08.00")
    problem = only(problems_of(entries, as_of=as_of), v.TANGGAL_TERLALU_AKHIR)
    assert problem.severity == ERROR
    assert problem.location == loc(8, F_COMPLETED)
    assert "31 Desember 2027" in problem.message
    assert problems_of(change(full_cycle(), 8, completed="31/12/2027 23.00"), as_of=as_of) == []


def test_one_date_problem_per_cell():
    # 2028 is both too late for the 2025 cycle and in the future: one problem.
    entries = change(full_cycle(), 8, completed="01/01/2028 08.00")
    assert codes(problems_of(entries)) == [v.TANGGAL_TERLALU_AKHIR]


# --- Pelaksana -----------------------------------------------------------------------------------------------------


def test_pelaksana_not_on_staff_list():
    problem = only(problems_of(change(full_cycle(), 4, pelaksana="Joko")), v.PELAKSANA_TIDAK_TERDAFTAR)
    assert problem.severity == WARNING
    assert problem.location == loc(4, F_PELAKSANA)
    assert '"Joko"' in problem.message


@pytest.mark.parametrize("typed", ["dewi lestari", "  DEWI   Lestari ", "Dewi\u00a0Lestari"])
def test_pelaksana_matches_ignoring_case_and_spaces(typed):
    assert problems_of(change(full_cycle(), 4, pelaksana=typed)) == []


def test_pelaksana_wrong_role():
    problem = only(problems_of(change(full_cycle(), 1, pelaksana="Budi Santoso")), v.JABATAN_TIDAK_SESUAI)
    assert problem.severity == WARNING
    assert problem.location == loc(1, F_PELAKSANA)
    assert problem.message.startswith('Pelaksana "Budi Santoso" berjabatan Kasubag, sedangkan langkah 1 '
                                      'dilaksanakan oleh Kepala Dinas.')


@pytest.mark.parametrize("typed", ["Plt. Budi Santoso", "plt Budi Santoso", "PLH. budi santoso", "Plh.Budi Santoso"])
def test_typed_acting_prefix(typed):
    # The name matches despite the prefix, and an acting official may hold another role.
    assert problems_of(change(full_cycle(), 1, pelaksana=typed)) == []


def test_typed_acting_prefix_unknown_name():
    entries = change(full_cycle(), 1, pelaksana="Plt. Joko")
    assert codes(problems_of(entries)) == [v.PELAKSANA_TIDAK_TERDAFTAR]


def test_acting_role_from_keterangan():
    # Eko is Kabid, Plt. Sekretaris: fine for a Sekretaris step, not for a Kepala Dinas step.
    assert problems_of(change(full_cycle(), 2, pelaksana="Eko Prasetyo")) == []
    problem = only(problems_of(change(full_cycle(), 1, pelaksana="Eko Prasetyo")), v.JABATAN_TIDAK_SESUAI)
    assert "berjabatan Kabid" in problem.message


def test_acting_without_named_role_may_hold_any_role():
    # Rina's Keterangan is just "plh": accepted for any step.
    assert problems_of(change(full_cycle(), 1, pelaksana="Rina Marlina")) == []
    assert problems_of(change(full_cycle(), 3, pelaksana="rina marlina")) == []


def test_role_compared_ignoring_case():
    staff = STAFF + (StaffEntry(6, "Joko", None, "kepala  dinas"),)
    assert problems_of(change(full_cycle(), 1, pelaksana="Joko"), staff=staff) == []


def test_no_staff_list_each_pelaksana_cannot_be_checked():
    # Without a staff list no name or role can be checked: one warning per typed Pelaksana says so, nothing else.
    for staff in ((), (StaffEntry(0),)):
        problems = problems_of(change(full_cycle(), 1, pelaksana="Siapa Saja"), staff=staff)
        assert codes(problems) == [v.PELAKSANA_TANPA_DAFTAR] * 8
        assert all(p.severity == WARNING for p in problems)
        assert problems[0].location == loc(1, F_PELAKSANA)
        assert problems[0].message == ('Pelaksana "Siapa Saja" tidak dapat diperiksa: daftar pegawai (lembar '
                                       'Pegawai) masih kosong. Isi Nama, NIP dan Jabatan setiap pegawai di sana.')


def test_empty_staff_list_is_a_warning():
    for staff in ((), (StaffEntry(0), StaffEntry(1, None, "", None, ""))):
        problem = only(validate_staff(staff, ROLES), v.PEGAWAI_KOSONG)
        assert problem.severity == WARNING
        assert "lembar Pegawai" in problem.message and "penanda tangan" in problem.message


def test_completed_without_pelaksana():
    problem = only(problems_of(change(full_cycle(), 6, pelaksana="  ")), v.PELAKSANA_KOSONG)
    assert problem.severity == WARNING
    assert problem.location == loc(6, F_PELAKSANA)


def test_open_step_without_pelaksana_is_fine():
    entries = [e for e in full_cycle() if e.step <= 5] + [StepEntry(6, 0, 2025, "17/01/2026 08.00")]
    assert problems_of(entries) == []


def test_record_keeps_typed_pelaksana():
    cycle, _ = check(change(full_cycle(), 1, pelaksana="  Plt.  Budi Santoso "))
    assert cycle.record(1).pelaksana == "Plt. Budi Santoso"


# --- Kelengkapan ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["Tidak", "tidak", "T", "N", "No", "TIDAK ", "Tidak lengkap", False])
def test_incomplete_on_completed_step(value):
    problem = only(problems_of(change(full_cycle(), 5, kelengkapan=value)), v.KELENGKAPAN_TIDAK_LENGKAP)
    assert problem.severity == WARNING
    assert problem.location == loc(5, F_KELENGKAPAN)
    assert "bahan penyusunan LKj" in problem.message  # names what the SOP requires


def test_incomplete_on_open_step_is_fine():
    entries = [e for e in full_cycle() if e.step <= 4] + [StepEntry(5, 0, 2025, "15/01/2026 08.00", None,
                                                                    "Budi Santoso", "Tidak")]
    assert problems_of(entries) == []


@pytest.mark.parametrize("value", ["Ya", "ya", "Y", "YA.", "Yes", True, None, ""])
def test_complete_or_empty(value):
    assert problems_of(change(full_cycle(), 5, kelengkapan=value)) == []


@pytest.mark.parametrize("value", ["Sebagian", "?", 1, "Ya/Tidak"])
def test_unknown_kelengkapan(value):
    problem = only(problems_of(change(full_cycle(), 5, kelengkapan=value)), v.KELENGKAPAN_TIDAK_DIKENAL)
    assert problem.severity == WARNING
    assert problem.location == loc(5, F_KELENGKAPAN)
    assert problem.message == f'Kelengkapan "{value}" tidak dikenali; isi "Ya" atau "Tidak".'


# --- everything together -------------------------------------------------------------------------------------------


def test_several_problems_at_once_are_all_reported():
    entries = change(full_cycle(), 1, received="07/01/2026 09.00", completed="06/01/2026 08.00")
    entries = change(entries, 2, received="31/02/2026")
    entries = change(entries, 4, pelaksana="Joko", kelengkapan="Tidak")
    found = codes(problems_of(entries))
    assert sorted(found) == sorted([v.SELESAI_SEBELUM_DITERIMA, v.TANGGAL_TIDAK_TERBACA,
                                    v.PELAKSANA_TIDAK_TERDAFTAR, v.KELENGKAPAN_TIDAK_LENGKAP])


def test_codes_are_stable_snake_case_with_severities():
    for code, severity in v.SEVERITIES.items():
        assert code == code.lower() and " " not in code
        assert severity in (ERROR, WARNING)


def test_read_cycle_does_not_mutate_or_need_a_list():
    entries = tuple(full_cycle())
    cycle, problems = read_cycle(SOP, iter(entries), YEAR, AS_OF, list(STAFF))
    assert problems == [] and cycle.record(8).completed == datetime(2026, 1, 22, 10)


def test_read_cycles_reads_every_year_in_one_pass_with_the_problems_of_one_year_each():
    """Rows of three years interleaved and shuffled, with rows that belong to no year (unreadable, empty Tahun), a
    second row for a year and a step outside the SOP: each year gets its own cycle, its own problems and the
    no-year rows' problems, ordered by step and row, exactly as reading that year alone gives them."""
    import random

    from lkj_xl.core.validation import read_cycles

    entries = []
    for offset, year in enumerate((2023, 2024, 2025)):
        entries += [replace(e, row=e.row + offset * 3) for e in full_cycle(year)]
    entries += [
        StepEntry(2, 9, "dua ribu", "09/01/2026 08.00"),  # unreadable Tahun: reported for every year
        StepEntry(5, 10, None, "15/01/2026 08.00"),  # empty Tahun on a row with data
        StepEntry(3, 11, 2024, "11/01/2025 08.00"),  # a second 2024 row on step 3
        StepEntry(9, 0, 2025, "20/01/2026 08.00"),  # a step the SOP does not have
    ]
    random.Random(7).shuffle(entries)
    cycles = read_cycles(SOP, iter(entries), [2025, 2023, 2024, 2030], AS_OF, STAFF)
    assert list(cycles) == [2025, 2023, 2024, 2030]
    for year, (cycle, problems) in cycles.items():
        assert (cycle, problems) == read_cycle(SOP, entries, year, AS_OF, STAFF)
        assert [p.location.key for p in problems] == sorted(p.location.key for p in problems)
        assert codes(problems).count(v.TAHUN_TIDAK_TERBACA) == 1 and codes(problems).count(v.TAHUN_KOSONG) == 1
        assert (v.SIKLUS_GANDA in codes(problems)) == (year == 2024)
        assert (v.LANGKAH_TIDAK_DIKENAL in codes(problems)) == (year == 2025)
    assert cycles[2024][0].record(1).received == datetime(2025, 1, 7, 8)
    assert cycles[2025][0].record(8).completed == datetime(2026, 1, 22, 10)
    assert all(record.received is None for record in cycles[2030][0].records)
    assert only(cycles[2024][1], v.SIKLUS_GANDA).location == loc(3, F_YEAR, row=11)


# --- staff list ----------------------------------------------------------------------------------------------------


def staff_problems(*rows):
    return validate_staff(rows, ROLES)


def test_clean_staff():
    assert validate_staff(STAFF, ROLES) == []


def test_blank_staff_row_ignored_and_nip_optional():
    assert staff_problems(StaffEntry(0), StaffEntry(1, " ", "", None, ""), StaffEntry(2, "Honorer", None, "JFU")) == []


def test_malformed_nip():
    problems = staff_problems(StaffEntry(0, "Andi", "19800101 200501 1 01", "JFU"))
    problem = only(problems, v.NIP_TIDAK_SAH)
    assert problem.severity == ERROR
    assert problem.location == Location(AREA_STAFF, 0, v.F_NIP)
    assert problem.message == 'NIP "19800101 200501 1 01" berisi 17 angka; NIP harus 18 angka.'


def test_nip_typed_as_number():
    problem = only(staff_problems(StaffEntry(0, "Andi", 1.98001012005011e17, "JFU")), v.NIP_TIDAK_SAH)
    assert "tanda petik" in problem.message


def test_empty_name():
    problem = only(staff_problems(StaffEntry(3, None, "19800101 200501 1 001", "JFU")), v.NAMA_KOSONG)
    assert problem.severity == ERROR
    assert problem.location == Location(AREA_STAFF, 3, v.F_NAMA)


def test_jabatan_not_a_role():
    problem = only(staff_problems(StaffEntry(0, "Andi", None, "Inspektur")), v.JABATAN_TIDAK_DIKENAL)
    assert problem.severity == ERROR
    assert problem.location == Location(AREA_STAFF, 0, v.F_JABATAN)
    assert problem.message.startswith('Jabatan "Inspektur" tidak dikenal; pilih salah satu: Kepala Dinas, '
                                      'Sekretaris, Kabid, Kasubag, JFU.')


def test_acting_jabatan_goes_to_keterangan():
    problem = only(staff_problems(StaffEntry(0, "Andi", None, "Plt. Kepala Dinas")), v.JABATAN_TIDAK_DIKENAL)
    assert "Keterangan" in problem.message


def test_jabatan_case_insensitive_and_empty():
    assert staff_problems(StaffEntry(0, "Andi", None, " kepala dinas ")) == []
    problem = only(staff_problems(StaffEntry(0, "Andi", None, None, "Plt. Sekretaris")), v.JABATAN_KOSONG)
    assert problem.severity == ERROR


def test_duplicate_nip():
    problems = staff_problems(StaffEntry(0, "Andi", "198001012005011001", "JFU"),
                              StaffEntry(1, "Budi", "Budi", "JFU"),
                              StaffEntry(2, "Citra", "19800101 200501 1 001", "Kasubag"))
    assert codes(problems) == [v.NIP_TIDAK_SAH, v.NIP_GANDA]
    problem = only(problems, v.NIP_GANDA)
    assert problem.location == Location(AREA_STAFF, 2, v.F_NIP)
    assert "19800101 200501 1 001" in problem.message and "Andi" in problem.message


def test_every_problem_uses_declared_severity():
    entries = change(full_cycle(), 1, year="x")
    entries = change(entries, 2, completed="#REF!", kelengkapan="?")
    entries = change(entries, 3, pelaksana=None, kelengkapan="T")
    for problem in problems_of(entries) + staff_problems(StaffEntry(0, None, "1", "Bos")):
        assert problem.severity == v.SEVERITIES[problem.code]
        assert problem.message


def test_entry_dates_span_real_cycle_end_to_end():
    # The March deadline scenario: all eight steps done between 5 January and 27 February 2026.
    start = datetime(2026, 1, 5, 7, 30)
    entries = []
    for n in range(1, 9):
        received = start + timedelta(days=7 * (n - 1))
        completed = received + timedelta(days=2, hours=1)
        entries.append(StepEntry(n, 0, 2025, received, completed, ACTOR_NAME[n], "Ya"))
    cycle, problems = check(entries)
    assert problems == []
    assert cycle.record(8).completed == datetime(2026, 2, 25, 8, 30)
