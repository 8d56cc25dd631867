"""The SOP as data: SOP 3.1.2.6 verbatim from the seed, and Waktu parsing."""

import pathlib
import re

import pytest

from lkj_xl.core.errors import ParseError
from lkj_xl.core.sop import DAYS, MINUTES, SOP_3_1_2_6, TimeStandard, format_minutes, parse_waktu

SEED = pathlib.Path(__file__).resolve().parents[2] / "shared" / "seeds" / "SOP-3.1.2.6-Penyusunan-LKj.txt"


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.skipif(not SEED.exists(), reason="the seed SOP text lives in ../shared (not in a bare clone)")
def test_every_field_is_verbatim_from_the_seed():
    seed = _squash(SEED.read_text(encoding="utf-8"))
    sop = SOP_3_1_2_6
    texts = [sop.nomor, sop.tanggal_pembuatan, sop.tanggal_pengesahan, sop.disahkan_oleh, sop.nama, sop.peringatan,
             sop.pencatatan_pendataan, *sop.dasar_hukum, *sop.kualifikasi_pelaksana, *sop.keterkaitan, *sop.peralatan]
    for step in sop.steps:
        texts += [step.uraian, step.kelengkapan, step.output, step.keterangan, step.waktu]
    for text in texts:
        assert _squash(text) in seed, text


def test_actors_and_standards_follow_domain_table():
    steps = SOP_3_1_2_6.steps
    assert [s.actor for s in steps] == ["Kepala Dinas", "Sekretaris", "Kasubag", "JFU", "Kasubag", "Sekretaris",
                                        "Kepala Dinas", "JFU"]
    assert steps[1].participants == ("Kabid",)
    assert [s.standard.minutes if s.standard and s.standard.kind == MINUTES else None for s in steps] == [
        5, 120, None, None, None, 180, 60, 15]
    assert steps[2].standard == TimeStandard(DAYS, 10, None, "2 minggu")
    assert steps[3].standard is None and steps[4].standard is None


@pytest.mark.parametrize("text, kind, amount, lower", [
    ("5 menit", MINUTES, 5, None),
    ("120 Menit", MINUTES, 120, None),
    ("3 jam", MINUTES, 180, None),
    ("1 hari", DAYS, 1, None),
    ("1 Hari Kerja", DAYS, 1, None),
    ("10 hari", DAYS, 10, None),
    ("2 minggu", DAYS, 10, None),
    ("1 – 20 Hari Kerja", DAYS, 20, 1),
    ("1-10 Hari", DAYS, 10, 1),
    ("2 s.d. 4 jam", MINUTES, 240, 120),
    ("  15   MENIT ", MINUTES, 15, None),
])
def test_parse_waktu(text, kind, amount, lower):
    std = parse_waktu(text)
    assert (std.kind, std.amount, std.lower, std.text) == (kind, amount, lower, text.strip())


@pytest.mark.parametrize("text", ["-", "", "   ", None, "–"])
def test_no_standard(text):
    assert parse_waktu(text) is None


@pytest.mark.parametrize("text", ["segera", "5", "5 detik", "1,5 jam", "20 - 10 hari", "kira-kira 2 hari"])
def test_unknown_text_is_an_error_naming_the_text(text):
    with pytest.raises(ParseError) as err:
        parse_waktu(text)
    assert text.split()[0] in err.value.message or "detik" in err.value.message


def test_bare_number_cell_is_an_error():
    with pytest.raises(ParseError, match="tidak bersatuan"):
        parse_waktu(30)


def test_format_minutes():
    assert [format_minutes(m) for m in (0, 45, 60, 150)] == ["0 menit", "45 menit", "1 jam", "2 jam 30 menit"]
