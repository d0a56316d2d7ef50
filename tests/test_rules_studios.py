"""Master-studio rules (rules_studios): each broken at a known cell of the template, and passing on
clean data; 工作室规模 as 附件8 prints it is tested in test_read_printed."""

from __future__ import annotations

from conftest import Break, at, check_data, family_tests

from macros_py.model.findings import ERROR, WARNING


def studio(i, **kw):
    return lambda d: d["studios"][i].update(kw)


def master(i, **kw):
    return lambda d: d["masters"][i].update(kw)


def enterprise(i, share):
    def apply(d):
        d["studios"][i]["nature"] = "国有企业"
        d["masters"][i]["edu_fund_share"] = share
    return apply


def drop_last_master(d):
    d["masters"].pop()


BREAKS = [
    Break("S-REQ", "missing_unit", studio(0, unit=None), "studios", "unit", 0, severity=ERROR),
    Break("S-REQ", "missing_area", studio(1, area=None), "studios", "area", 1, severity=ERROR),
    Break("S-HONOR", "none", studio(2, honours="大同市劳动模范"), "studios", "honours", 2, severity=WARNING),
    Break("S-LEVEL", "low", studio(3, level="高级工"), "studios", "level", 3, severity=WARNING),
    Break("S-SIZE", "not_number", studio(4, area="一百二十平方米"), "studios", "area", 4, severity=ERROR),
    Break("S-SIZE", "not_positive", studio(5, members=0), "studios", "members", 5, severity=ERROR),
    Break("S-EDUFUND", "low", enterprise(6, 30.0), "masters", "edu_fund_share", 6, severity=ERROR),
    Break("S-EDUFUND", "missing", enterprise(7, None), "masters", "edu_fund_share", 7, severity=ERROR),
    Break("S-ALREADY", "bad", master(8, already="是"), "masters", "already", 8, severity=ERROR),
    Break("S-ALREADY", "missing", master(9, already=None), "masters", "already", 9, severity=ERROR),
    Break("S-APPRENTICE", "low", master(10, apprentices=2), "masters", "apprentices", 10, severity=WARNING),
    Break("S-LEVEL", "low_master", master(11, level="中级工"), "masters", "level", 11, severity=WARNING),
    Break("S-REQ", "unknown_leader", master(18, leader="查无此人"), "masters", "leader", 18, severity=ERROR),
    Break("S-REQ", "no_master_row", lambda d: None, "studios", "leader", 18, severity=ERROR),
    Break("S-REQ", "no_master_row_dropped", drop_last_master, "studios", "leader", 19, severity=ERROR),
]
RULES = {b.rule for b in BREAKS}


findings, test_break_is_reported_at_its_cell, test_clean_data_passes = family_tests("studios", BREAKS)



def test_honour_keywords_are_matched_inside_longer_text(tmp_path, clean_data, policy):
    clean_data["studios"][0]["honours"] = "2019 年获“全国技术能手”称号；市劳模"
    clean_data["studios"][1]["honours"] = "享受国务院政府特殊津贴（2015年）"
    found = [f for f in check_data(tmp_path / "h.xlsx", clean_data, policy) if f.rule == "S-HONOR"]
    assert found == []


def test_recommender_missing_is_reported_once_at_the_guide_cell(findings, tmp_path, clean_data, policy):
    clean_data["recommender"] = None
    clean_data["bases"] = clean_data["conditions"] = clean_data["funding"] = clean_data["majors"] = []
    found = [f for f in check_data(tmp_path / "r.xlsx", clean_data, policy) if f.rule == "S-REQ"]
    assert [(f.sheet, f.cell) for f in found] == [("填报说明", "C3")]
    assert not at(findings, "S-REQ", "填报说明", "C3")
