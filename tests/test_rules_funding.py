"""Funding rules (rules_funding): B-SUBSIDY and B-MAJOR-BUDGET on the template; B-SUMS and B-SHARES on
表4-2 as the notice prints it (in the template the 合计 and 比例 cells are formulas, recomputed)."""

from __future__ import annotations

import printed_fixtures as pf
import pytest
from conftest import Break, at, family_tests

from macros_py.check.engine import check_submission
from macros_py.model.findings import ERROR, INFO, WARNING
from macros_py.read.workbook import read_submission


def more_subsidy(block, extra):
    def apply(d):
        d["funding"][block]["amounts"][0][0] += extra
    return apply


def major_budget(block, extra):
    def apply(d):
        unit = d["funding"][block]["unit"]
        first = next(m for m in d["majors"] if m["unit"] == unit)
        first["content0"] = round(first["content0"] + extra, 2)
    return apply


def drop_last_block(d):
    d["funding"].pop()


BREAKS = [
    Break("B-SUBSIDY", "mismatch", more_subsidy(0, 5), "funding", "amount0", 0, None, severity=ERROR),
    Break("B-MAJOR-BUDGET", "mismatch", major_budget(1, 3), "funding", "major_sum", 1, 0, severity=WARNING),
    Break("B-REQ", "no_funding_block", drop_last_block, "bases", "unit", 19, severity=ERROR),
]




def test_subsidy_message_names_both_numbers(findings, schema):
    sheet, cell = BREAKS[0].where(schema)
    (f,) = at(findings, "B-SUBSIDY", sheet, cell)
    assert "万元" in f.message and f.row == int(cell[1:])


def test_template_sums_and_shares_are_recomputed_not_checked(findings, clean_findings):
    # Formula cells in the template carry no typed numbers: nothing to compare, nothing reported.
    assert not [f for f in findings + clean_findings if f.rule in ("B-SUMS", "B-SHARES")]


# ------------------------------------------------------------------ 表4-2 as printed

AMOUNTS_A = [[40, 10, 5, 0], [25, 5, 5, 0], [15, 0, 5, 1]]   # 上级财政补助 80 (A)
AMOUNTS_C = [[10, 1, 1, 0], [5, 1, 1, 0], [5, 0, 1, 1]]      # 20 (C)


def printed_workbook(path, *, tamper=None, tiers=("A", "C"), shares=True):
    """附件7 with a 申报档次 column added after 申报专业 (so that B-SUBSIDY can apply), and one 表4-2
    per base on another sheet, the first named in a '项目单位：' line, the second in its title."""
    columns = [*pf.ANNEX7[:6], ("tier", "申报档次"), pf.ANNEX7[6]]
    rows = [dict(unit="大同市甲职业技术学校", attribute="政府办", address="平城区一路1号", majors="焊工、电工",
                 tier=tiers[0]),
            dict(unit="大同乙实业有限公司", attribute="行业、企业办", address="平城区二路2号", majors="焊工、钳工",
                 tier=tiers[1])]
    out = {}

    def build(wb):
        pf.annex_sheet(wb.create_sheet("汇总"), columns, pf.ANNEX7_TITLE, "附件7", rows,
                       recommender="平城区人力资源和社会保障局")
        ws = wb.create_sheet("投入预算")
        out["t1"] = pf.table_42(ws, 1, AMOUNTS_A, unit=rows[0]["unit"], tamper=tamper, shares=shares)
        out["t2"] = pf.table_42(ws, out["t1"]["end"] + 2, AMOUNTS_C, unit=rows[1]["unit"], unit_style="title")

    pf.write(path, build)
    return out


def printed_findings(path, policy, **kw):
    where = printed_workbook(path, **kw)
    return check_submission(read_submission(path, policy), policy), where


def test_printed_clean_tables_pass(tmp_path, policy):
    findings, _ = printed_findings(tmp_path / "ok.xlsx", policy)
    assert not [f for f in findings if f.rule in ("B-SUBSIDY", "B-SUMS", "B-SHARES")]
    assert not [f for f in findings if f.severity == ERROR]


# (typed wrong numbers, rule, the row and column of 表4-2 where it must be reported)
PRINTED_BREAKS = [
    ({("head", "amount0"): 81}, "B-SUMS", "head", "amount0"),          # 合计 row ≠ sum of the contents
    ({(1, "total"): 40}, "B-SUMS", 1, "total"),                          # 合计 column ≠ sum of the row
    ({(1, "share1"): 50}, "B-SHARES", 1, "share1"),                      # 比例 ≠ amount / total × 100
    ({(0, "amount0"): 45}, "B-SUBSIDY", "head", "amount0"),              # 85 万 for an A base (80)
]
RULES = {b.rule for b in BREAKS} | {rule for _, rule, _, _ in PRINTED_BREAKS}
findings, test_break_is_reported_at_its_cell, test_clean_data_passes = family_tests("funding", BREAKS, clean_rules=RULES)


@pytest.mark.parametrize("tamper, rule, row, column", PRINTED_BREAKS,
                         ids=["sums-column", "sums-row", "shares", "subsidy"])
def test_printed_break_is_reported_at_its_cell(tmp_path, policy, tamper, rule, row, column):
    findings, where = printed_findings(tmp_path / "t.xlsx", policy, tamper=tamper)
    t1 = where["t1"]
    letter = t1["total"] if column == "total" else t1[column[:-1]][int(column[-1])]
    cell = f"{letter}{t1['rows'][row]}"
    assert at(findings, rule, "投入预算", cell), [(f.rule, f.where, f.message) for f in findings]


def test_printed_shares_typed_as_percent_cells_pass(tmp_path, policy):
    # Excel's % format holds 0.7273 for 72.73 %: a typed fraction reads as that share.
    findings, where = printed_findings(tmp_path / "p.xlsx", policy,
                                       tamper={(0, "share0"): 40 / 55, (0, "share1"): 0.18})
    assert not [f for f in findings if f.rule == "B-SHARES"]


def test_printed_sheet_without_tier_says_subsidy_cannot_be_checked(tmp_path, policy):
    def build(wb):
        pf.annex_sheet(wb.create_sheet("Sheet1"), pf.ANNEX7, pf.ANNEX7_TITLE, "附件7",
                       [dict(unit="大同市甲职业技术学校", attribute="政府办", address="一路", majors="焊工、电工")])
        pf.table_42(wb.create_sheet("Sheet2"), 1, AMOUNTS_A, unit="大同市甲职业技术学校")

    path = pf.write(tmp_path / "n.xlsx", build)
    findings = check_submission(read_submission(path, policy), policy)
    (na,) = [f for f in findings if f.rule == "B-SUBSIDY"]
    assert na.severity == INFO and "无法核对" in na.message

