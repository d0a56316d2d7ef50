"""The input messages of the county workbook: what to enter and the rule that applies, from the policy;
never an error text; and on locked formula cells, the input cells to change when they turn red."""

from __future__ import annotations

import pytest
from conftest import TEMPLATE
from openpyxl import load_workbook

from macros_py.policy.formula_text import column_letter

ERROR_LIKE = ("该值不在常用选项中", "请从下拉列表中选择。", "之间的整数", "之间的数字", "不要带单位")


@pytest.fixture(scope="module")
def wb():
    return load_workbook(TEMPLATE)


def prompt_at(ws, cell: str) -> str:
    """The input message Excel shows on `cell` (one validation holds each cell)."""
    found = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, (ws.title, cell, [str(d.sqref)[:30] for d in found])
    assert found[0].showInputMessage
    return found[0].prompt


def test_every_cell_of_every_data_sheet_has_a_message_and_none_reads_like_an_error(wb, schema):
    for sheet in schema.sheets:
        ws = wb[sheet.title]
        for col in sheet.columns:
            if col.kind == "label":
                continue
            for row in (sheet.first_row, sheet.first_row + 1, sheet.last_row):
                text = prompt_at(ws, f"{column_letter(sheet, col.key)}{row}")
                assert text and not any(e in text for e in ERROR_LIKE), (sheet.title, col.header, text)
        for dv in ws.data_validations.dataValidation:
            assert dv.prompt != dv.error, (sheet.title, dv.prompt)


def test_a_date_prompt_speaks_of_its_own_column(wb, schema):
    masters = schema.sheet("masters")
    ws = wb[masters.title]
    work = prompt_at(ws, f"{column_letter(masters, 'work_start')}{masters.first_row}")
    assert "参加工作" in work and "出生" not in work
    birth = prompt_at(ws, f"{column_letter(masters, 'birth')}{masters.first_row}")
    assert "出生" in birth and "身份证" in birth


def test_thresholds_and_subsidies_come_from_the_policy(wb, schema, policy):
    conditions, funding = schema.sheet("conditions"), schema.sheet("funding")
    ws = wb[conditions.title]
    training = prompt_at(ws, f"{column_letter(conditions, 'training')}{conditions.first_row}")
    certs = prompt_at(ws, f"{column_letter(conditions, 'certs')}{conditions.first_row}")
    for tier in policy.tiers.values():
        assert f"{tier.name}档≥{tier.min_training}" in training
        assert f"{tier.name}档≥{tier.min_senior_certs}" in certs
    ratio = prompt_at(ws, f"{column_letter(conditions, 'ratio')}{conditions.first_row}")
    base = policy.base
    assert f"1:{base['ratio_min_trainees_per_teacher']:g}–1:{base['ratio_max_trainees_per_teacher']:g}" in ratio
    subsidy = prompt_at(wb[funding.title], f"{column_letter(funding, 'amount0')}{funding.first_row + 1}")
    for tier in policy.tiers.values():
        assert f"{tier.name}档{tier.subsidy:g}万元" in subsidy


@pytest.mark.parametrize("sheet_key, key, head, inputs", [
    ("conditions", "ratio", False, ("teachers", "trainees")),                  # B-RATIO
    ("conditions", "senior_share", False, ("practical_teachers", "senior_teachers")),  # B-SENIOR
    ("conditions", "supported_tier", False, ("training", "certs")),            # B-TIER-FIT
    ("funding", "amount0", True, ("amount0",)),                                # B-SUBSIDY on the 合计 row
    ("studios", "recommender", False, ("leader",)),                            # S-REQ
])
def test_a_locked_formula_cell_that_turns_red_names_the_inputs_to_change(wb, schema, sheet_key, key, head, inputs):
    sheet = schema.sheet(sheet_key)
    ws = wb[sheet.title]
    cell = ws[f"{column_letter(sheet, key)}{sheet.first_row}"]
    assert cell.protection.locked and str(cell.value).startswith("=")
    assert any(key in check.columns for check in sheet.checks)
    text = prompt_at(ws, cell.coordinate)
    assert "自动计算" in text and "变色时请改" in text
    for other in inputs:
        col = sheet.column(other)
        assert f"“{col.header}”（{column_letter(sheet, other)} 列）" in text, text
    if key == "amount0" and head:
        assert "「附件7 基地汇总」的“申报档次”" in text      # the other input of B-SUBSIDY
    if key == "recommender":
        assert f"「填报说明」的推荐单位（{schema.recommender_cell}）" in text


def test_a_lookup_names_the_sheet_it_comes_from(wb, schema):
    funding = schema.sheet("funding")
    text = prompt_at(wb[funding.title], f"{column_letter(funding, 'tier')}{funding.first_row}")
    assert "「附件7 基地汇总」的“申报档次”" in text
