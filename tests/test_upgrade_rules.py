"""``lkj upgrade`` keeps the rules a person added to the layout's sheets: a column of their own beside a step table
with its header note, its dropdown (data validation) and its colour rule (conditional format); a dropdown and a
colour rule in cells outside the tables; a dropdown on a layout column the layout leaves free; a name scoped to one
sheet.  Before, the new file lacked all of them and the upgrade said nothing.  Reopened and checked rule by rule."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from lkj_xl.authoring.upgrade import upgrade_tracker
from lkj_xl.workbook import layout

from conftest import edit

HEADER = layout.STEP_TABLE_HEADER_ROW
OWN = len(layout.STEP_HEADERS) + 2  # one empty column between the table and the person's column
OWN_NEW = len(layout.STEP_HEADERS) + 1  # where the upgrade puts a column of the person's: right of the table
L = openpyxl.utils.get_column_letter
CATATAN = layout.STEP_HEADERS.index(layout.F_CATATAN) + 1
STAFF_OWN = len(layout.STAFF_HEADERS) + 2  # Pegawai: a column of the person's, one empty column from the table


def _list(formula: str, sqref: str, **kw) -> DataValidation:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True, **kw)
    dv.add(sqref)
    return dv


def _add_rules(wb) -> None:
    ws = wb[layout.step_sheet(3)]
    ws.cell(HEADER, OWN).value = "Cara Penyampaian"
    ws.cell(HEADER, OWN).comment = Comment("Diisi staf: rapat atau telepon", "Budi")
    own = f"{L(OWN)}{HEADER + 1}:{L(OWN)}{HEADER + 40}"
    ws.add_data_validation(_list('"Rapat,Telepon,Surat"', own, error="Pilih cara dari daftar."))
    ws.conditional_formatting.add(own, CellIsRule(operator="equal", formula=['"Rapat"'],
                                                  fill=PatternFill("solid", bgColor="FFFFFF00")))
    catatan = f"{L(CATATAN)}{HEADER + 1}:{L(CATATAN)}{HEADER + 40}"
    dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="200", allow_blank=True)
    dv.add(catatan)
    ws.add_data_validation(dv)
    ws.defined_names["CaraLangkah3"] = DefinedName("CaraLangkah3", attr_text=f"'{ws.title}'!${L(OWN)}${HEADER}")
    wb.defined_names["DaftarCara"] = DefinedName("DaftarCara", attr_text=f"'{ws.title}'!${L(OWN)}${HEADER + 1}:"
                                                                          f"${L(OWN)}${HEADER + 40}")
    staff = wb[layout.SHEET_STAFF]
    staff.cell(layout.LIST_HEADER_ROW, STAFF_OWN).value = "Status"
    status = f"{L(STAFF_OWN)}{layout.LIST_HEADER_ROW + 1}:{L(STAFF_OWN)}30"
    staff.add_data_validation(_list('"Aktif,Cuti,Mutasi"', status))
    staff.conditional_formatting.add(status, FormulaRule(formula=[f'{L(STAFF_OWN)}{layout.LIST_HEADER_ROW + 1}="Mutasi"'],
                                                         fill=PatternFill("solid", bgColor="FFFFC7CE")))
    staff["K1"] = "Unit"
    staff.add_data_validation(_list('"Irban I,Irban II"', "L1"))  # outside every table: stays where it is


@pytest.fixture
def ruled(templates, tmp_path) -> Path:
    return edit(templates.copy(templates.demo(), tmp_path, "LKj_aturan.xlsx"), _add_rules)


def _rules(ws) -> set[tuple]:
    return {(dv.type, dv.operator, dv.formula1, str(dv.sqref)) for dv in ws.data_validations.dataValidation}


def _colours(ws) -> set[tuple]:
    return {(str(cf.sqref), tuple(tuple(r.formula) for r in cf.rules)) for cf in ws.conditional_formatting}


def test_rules_a_person_added_are_carried(ruled, tmp_path):
    new = tmp_path / "LKj_baru.xlsx"
    report = upgrade_tracker(ruled, new)
    assert report.not_carried == (), report
    wb = openpyxl.load_workbook(new)
    ws = wb[layout.step_sheet(3)]
    assert ws.cell(HEADER, OWN_NEW).value == "Cara Penyampaian"
    assert ws.cell(HEADER, OWN_NEW).comment is not None
    assert ws.cell(HEADER, OWN_NEW).comment.text == "Diisi staf: rapat atau telepon"
    own = f"{L(OWN_NEW)}{HEADER + 1}:{L(OWN_NEW)}{HEADER + 40}"
    assert ("list", None, '"Rapat,Telepon,Surat"', own) in _rules(ws), _rules(ws)
    assert (own, (('"Rapat"',),)) in _colours(ws), _colours(ws)
    catatan = f"{L(CATATAN)}{HEADER + 1}:{L(CATATAN)}{HEADER + 40}"
    assert ("textLength", "lessThanOrEqual", "200", catatan) in _rules(ws)
    assert ws.defined_names["CaraLangkah3"].attr_text == f"'{ws.title}'!${L(OWN_NEW)}${HEADER}"
    assert wb.defined_names["DaftarCara"].attr_text == f"'{ws.title}'!${L(OWN_NEW)}${HEADER + 1}:${L(OWN_NEW)}${HEADER + 40}"
    staff = wb[layout.SHEET_STAFF]
    moved = len(layout.STAFF_HEADERS) + 1
    assert staff.cell(layout.LIST_HEADER_ROW, moved).value == "Status"
    status = f"{L(moved)}{layout.LIST_HEADER_ROW + 1}:{L(moved)}30"
    assert ("list", None, '"Aktif,Cuti,Mutasi"', status) in _rules(staff)
    # the colour rule's formula moved with its column, as Excel moves a cut column's rules
    assert (status, ((f'{L(moved)}{layout.LIST_HEADER_ROW + 1}="Mutasi"',),)) in _colours(staff)
    assert ("list", None, '"Irban I,Irban II"', "L1") in _rules(staff) and staff["K1"].value == "Unit"


def test_the_layouts_own_rules_are_not_doubled(ruled, tmp_path):
    """The build makes the layout's dropdowns and colour rules; the old file's copies of them are not carried on
    top (a step table keeps exactly the rules a fresh build gives it, plus the person's)."""
    new = tmp_path / "LKj_baru.xlsx"
    upgrade_tracker(ruled, new)
    old, now = openpyxl.load_workbook(ruled), openpyxl.load_workbook(new)
    for ws in old.worksheets:
        if ws.title in (layout.step_sheet(3), layout.SHEET_STAFF):
            continue  # the person's rules are there (the test above)
        assert _rules(now[ws.title]) == _rules(ws), ws.title
        assert _colours(now[ws.title]) == _colours(ws), ws.title


def test_a_rule_on_cells_the_new_layout_rules_is_listed(templates, tmp_path):
    """A dropdown a person put on a layout column that has its own rule (Kelengkapan): Excel keeps one rule per
    cell, so the person's cannot sit beside the layout's: it is named and the upgrade exits 1."""
    kelengkapan = layout.STEP_HEADERS.index(layout.F_KELENGKAPAN) + 1
    sqref = f"{L(kelengkapan)}{HEADER + 1}:{L(kelengkapan)}{HEADER + 5}"

    def ruled_kelengkapan(wb):
        ws = wb[layout.step_sheet(2)]
        ws.add_data_validation(_list('"Ya,Tidak,Sebagian"', sqref))
    path = edit(templates.copy(templates.demo(), tmp_path, "LKj_k.xlsx"), ruled_kelengkapan)
    report = upgrade_tracker(path, tmp_path / "LKj_baru.xlsx")
    assert any(layout.step_sheet(2) in item and sqref in item and "validasi" in item for item in report.not_carried), \
        report.not_carried
