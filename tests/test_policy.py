"""The policy file is checked at start: every broken file stops with a Chinese message naming the
file, the line and the key."""

from __future__ import annotations

import re

import pytest

from macros_py.model.errors import PolicyError
from macros_py.policy.load import DEFAULT_POLICY, load_policy

ORIGINAL = DEFAULT_POLICY.read_text(encoding="utf-8")


def line_of(text: str, pattern: str) -> int:
    """1-based line of the first line matching `pattern` in the original policy file."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(pattern, line):
            return number
    raise AssertionError(pattern)


def at_line(pattern: str) -> str:
    return f"第 {line_of(ORIGINAL, pattern)} 行"


def broken(tmp_path, old: str, new: str):
    """A copy of the 2025 policy with one line changed; returns (path, error message)."""
    assert old in ORIGINAL, old
    path = tmp_path / "policy_broken.toml"
    path.write_text(ORIGINAL.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    return path, str(info.value)


def test_the_2025_policy_loads_with_the_notices_numbers():
    policy = load_policy()
    assert [(t.name, t.places, t.subsidy, t.min_training, t.min_senior_certs) for t in policy.tiers.values()] == [
        ("A", 3, 80, 500, 100), ("B", 4, 50, 300, 50), ("C", 6, 20, 100, 20)]
    assert str(policy.deadline) == "2025-12-30"
    assert len([r for r in policy.recommenders if r.county]) == 10


def test_missing_key_names_file_line_and_key(tmp_path):
    path, message = broken(tmp_path, "deadline = 2025-12-30", "# deadline removed")
    # The key is gone, so the message points at its table.
    assert str(path) in message
    assert at_line(r'\[notice\]') in message
    assert "notice.deadline" in message and "缺少此项" in message


def test_wrong_type_names_file_line_and_key(tmp_path):
    path, message = broken(tmp_path, "year = 2025 ", 'year = "2025" ')
    assert str(path) in message
    assert at_line(r'year = 2025') in message
    assert "notice.year" in message and "应为整数" in message


def test_tier_without_subsidy_names_the_tier(tmp_path):
    path, message = broken(tmp_path, "[tiers.B]\nplaces = 4\nsubsidy = 50\n", "[tiers.B]\nplaces = 4\n")
    assert str(path) in message
    assert at_line(r'\[tiers\.B\]') in message
    assert "tiers.B.subsidy" in message and "档次 B 缺少此项" in message


def test_places_that_do_not_add_up_to_the_target_are_refused(tmp_path):
    path, message = broken(tmp_path, "[tiers.A]\nplaces = 3", "[tiers.A]\nplaces = 4")
    assert str(path) in message
    assert at_line(r'bases = 13') in message
    assert "targets.bases" in message and "各档名额合计 14 与基地总数 13 不符" in message


def test_a_lower_tier_with_a_higher_subsidy_is_refused(tmp_path):
    path, message = broken(tmp_path, "[tiers.B]\nplaces = 4\nsubsidy = 50", "[tiers.B]\nplaces = 4\nsubsidy = 90")
    assert "tiers.B.subsidy" in message and "B 档的补助应低于 A 档" in message
    assert at_line(r'subsidy = 50') in message


def test_a_subsidy_source_outside_the_sources_is_refused(tmp_path):
    _, message = broken(tmp_path, 'subsidy_source = "上级财政补助"', 'subsidy_source = "中央补助"')
    assert "funding.subsidy_source" in message and "不在 funding.sources 中" in message


def test_toml_syntax_error_names_the_file_and_line(tmp_path):
    path, message = broken(tmp_path, "bases = 13", "bases = = 13")
    assert str(path) in message and "格式错误" in message
    assert f"line {line_of(ORIGINAL, 'bases = 13')}" in message


def test_missing_file_is_a_chinese_message(tmp_path):
    with pytest.raises(PolicyError, match="找不到政策文件"):
        load_policy(tmp_path / "nope.toml")


def test_materials_are_the_notices_attachment_5_and_6_lists():
    policy = load_policy()
    assert policy.get("materials.base") == ["推荐函", "项目单位申报报告", "项目申报书", "项目实施方案",
                                            "项目实施管理办法", "项目经费管理实施细则", "项目佐证材料"]
    assert policy.get("materials.studio") == ["推荐函", "项目单位申报报告", "项目申报表", "项目实施管理办法",
                                              "项目经费管理实施细则", "项目佐证材料"]
    assert policy.get("notice.paper_copies") == 3 and "光盘1张" in policy.get("materials.electronic")


def test_an_empty_materials_list_is_refused(tmp_path):
    path, message = broken(tmp_path, 'studio = ["推荐函"', 'studio = [] # ["推荐函"')
    assert "materials.studio" in message and "应为文本列表" in message


def test_a_policy_file_with_a_syntax_error_says_where_in_chinese(tmp_path, capsys):
    """tomllib's messages are English: the message says the line and character in Chinese first."""
    from macros_py.cli.main import main

    bad = tmp_path / "政策.toml"
    bad.write_text("year = 2025\n[notice\nx = 1\n", encoding="utf-8")
    assert main(["merge", str(tmp_path), "-o", str(tmp_path / "o" / "汇总.xlsx"), "--policy", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "第 2 行第 8 个字符附近有错" in err and "Traceback" not in err
