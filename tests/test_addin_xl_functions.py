"""The worksheet functions =SB_TIER, =SB_SUBSIDY, =SB_SHARE, =SB_RATIO, called as Excel would call them."""

import pytest

from macros_py.addin.functions import NOT_REACHED, SB_RATIO, SB_SHARE, SB_SUBSIDY, SB_TIER
from macros_py.policy.load import default_policy

TIERS = list(default_policy().tiers.values())  # highest first


@pytest.mark.parametrize("tier", TIERS, ids=lambda t: t.name)
def test_tier_thresholds_come_from_the_policy(tier):
    # Excel passes numbers as float.
    assert SB_TIER(float(tier.min_training), float(tier.min_senior_certs)) == tier.name


def test_both_thresholds_must_be_reached():
    a, b = TIERS[0], TIERS[1]
    assert SB_TIER(a.min_training - 1.0, a.min_senior_certs) == b.name
    assert SB_TIER(a.min_training, a.min_senior_certs - 1.0) == b.name
    assert SB_TIER(1e6, 1e6) == a.name


def test_below_the_lowest_tier_says_so():
    lowest = TIERS[-1]
    assert SB_TIER(lowest.min_training - 1.0, lowest.min_senior_certs) == NOT_REACHED == "未达标"


def test_tier_reads_numbers_typed_as_text():
    a = TIERS[0]
    assert SB_TIER(f" {a.min_training:,} ", str(a.min_senior_certs)) == a.name


@pytest.mark.parametrize("training,certs", [(None, 100.0), (500.0, None), ("", 100.0), ("  ", None)])
def test_tier_is_blank_while_an_input_is_blank(training, certs):
    assert SB_TIER(training, certs) == ""


@pytest.mark.parametrize("training,certs,message", [
    ("五百", 100.0, "年培训规模应为数字"),
    (-1.0, 100.0, "不能为负数"),
    (500.0, True, "逻辑值"),
])
def test_tier_rejects_unreadable_input_with_a_chinese_message(training, certs, message):
    with pytest.raises(ValueError, match=message):
        SB_TIER(training, certs)


@pytest.mark.parametrize("tier", TIERS, ids=lambda t: t.name)
def test_subsidy_of_each_tier(tier):
    assert SB_SUBSIDY(tier.name) == tier.subsidy
    assert SB_SUBSIDY(f" {tier.name.lower()} ") == tier.subsidy


def test_subsidy_values_of_the_2025_notice():
    assert [SB_SUBSIDY(n) for n in ("A", "B", "C")] == [80, 50, 20]


def test_subsidy_blank_and_unknown():
    assert SB_SUBSIDY(None) == "" and SB_SUBSIDY("") == ""
    with pytest.raises(ValueError, match="档次应为 A、B、C 之一"):
        SB_SUBSIDY("D")


@pytest.mark.parametrize("part,total,expected", [
    (30.0, 120.0, 25.0),
    (0.0, 7.0, 0.0),
    (7.0, 7.0, 100.0),
    ("3", "4", 75.0),
    (1.0, 0.0, ""),
    (1.0, None, ""),
    (None, 10.0, ""),
])
def test_share(part, total, expected):
    assert SB_SHARE(part, total) == expected


@pytest.mark.parametrize("teachers,trainees,expected", [
    (20.0, 360.0, "1:18"),
    (20.0, 350.0, "1:17.5"),
    (8.0, 138.0, "1:17.3"),  # 17.25: half-up, as Excel's ROUND
    (3.0, 100.0, "1:33.3"),
    (7.0, 0.0, "1:0"),
    (0.0, 100.0, ""),
    (None, 100.0, ""),
    (20.0, None, ""),
])
def test_ratio(teachers, trainees, expected):
    assert SB_RATIO(teachers, trainees) == expected
