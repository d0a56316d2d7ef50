"""Training-base rules (rules_bases): each broken at a known cell of the template, and passing on clean data."""

from __future__ import annotations

from conftest import Break, at, check_data, family_tests

from macros_py.model.findings import ERROR, INFO, WARNING
from macros_py.policy.load import default_policy

POLICY = default_policy()


def base(i, **kw):
    return lambda d: d["bases"][i].update(kw)


def cond(i, **kw):
    return lambda d: d["conditions"][i].update(kw)


def below_threshold(i, key, attr):
    def apply(d):
        d["conditions"][i][key] = getattr(POLICY.tiers[d["bases"][i]["tier"]], attr) - 1
    return apply


def times_teachers(i, factor):
    def apply(d):
        d["conditions"][i]["trainees"] = d["conditions"][i]["teachers"] * factor
    return apply


def senior_share(i, percent):
    def apply(d):
        c = d["conditions"][i]
        c["senior_teachers"] = c["practical_teachers"] * percent // 100
    return apply


def applies_lower(i):
    """Numbers that reach A's thresholds, applying for C."""
    def apply(d):
        d["bases"][i]["tier"] = "C"
        d["conditions"][i].update(training=POLICY.tiers["A"].min_training, certs=POLICY.tiers["A"].min_senior_certs)
    return apply


def enterprise(i, share):
    def apply(d):
        d["bases"][i]["attribute"] = "行业、企业办"
        d["conditions"][i]["edu_fund_share"] = share
    return apply


BREAKS = [
    Break("B-REQ", "missing", base(0, address=None), "bases", "address", 0, severity=ERROR),
    Break("B-REQ", "unknown_unit", cond(1, unit="不在附件7的学校"), "conditions", "unit", 1, severity=ERROR),
    Break("B-REQ", "no_conditions_row", lambda d: None, "bases", "unit", 1, severity=ERROR),
    Break("B-ATTR", "bad", base(2, attribute="私营企业"), "bases", "attribute", 2, severity=ERROR),
    Break("B-TIER", "bad", base(3, tier="D"), "bases", "tier", 3, severity=ERROR),
    Break("B-MAJORS", "few", base(4, majors="焊工"), "bases", "majors", 4, severity=WARNING),
    Break("B-MAJORS", "many", base(5, majors="焊工、电工、钳工、育婴员"), "bases", "majors", 5, severity=WARNING),
    Break("B-SCALE", "low", below_threshold(6, "training", "min_training"), "conditions", "training", 6,
          severity=ERROR),
    Break("B-CERT", "low", below_threshold(7, "certs", "min_senior_certs"), "conditions", "certs", 7,
          severity=ERROR),
    Break("B-TIER-FIT", "above", below_threshold(8, "training", "min_training"), "conditions", "supported_tier", 8,
          severity=ERROR),
    Break("B-TIER-FIT", "below", applies_lower(9), "conditions", "supported_tier", 9, severity=INFO),
    Break("B-RATIO", "high", times_teachers(10, 25), "conditions", "ratio", 10, severity=ERROR),
    Break("B-RATIO", "low", times_teachers(11, 10), "conditions", "ratio", 11, severity=INFO),
    Break("B-SENIOR", "low", senior_share(12, 30), "conditions", "senior_share", 12, severity=ERROR),
    Break("B-COOP", "low", cond(13, coop=1), "conditions", "coop", 13, severity=ERROR),
    Break("B-EDUFUND", "low", enterprise(14, 30.0), "conditions", "edu_fund_share", 14, severity=ERROR),
    Break("B-PENALTY", "bad", cond(15, no_penalty="否"), "conditions", "no_penalty", 15, severity=ERROR),
    Break("B-ALREADY", "bad", cond(16, already="是"), "conditions", "already", 16, severity=ERROR),
    Break("B-SCALE", "not_number", cond(17, training="很多"), "conditions", "training", 17, severity=ERROR),
    Break("B-RATIO", "missing", cond(18, teachers=None), "conditions", "teachers", 18, severity=ERROR),
    Break("B-EDUFUND", "missing", enterprise(19, None), "conditions", "edu_fund_share", 19, severity=ERROR),
]
RULES = {b.rule for b in BREAKS}


findings, test_break_is_reported_at_its_cell, test_clean_data_passes = family_tests("bases", BREAKS)



def test_threshold_messages_name_the_tier_and_numbers(findings, schema):
    (f,) = at(findings, "B-SCALE", "基地条件", "D10")
    tier = POLICY.tiers[f.message.split("低于 ")[1][0]]
    assert str(tier.min_training) in f.message and str(tier.min_training - 1) in f.message


def test_recommender_missing_is_reported_once_at_the_guide_cell(tmp_path, clean_data, policy):
    clean_data["recommender"] = None
    found = [f for f in check_data(tmp_path / "r.xlsx", clean_data, policy) if f.rule == "B-REQ"]
    assert [(f.sheet, f.cell) for f in found] == [("填报说明", "C3")]

