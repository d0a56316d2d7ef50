"""Intake (issue 10 §5, §7): the recommender and the skill level in the words clerks type, merged by the
real `shenbao merge` from forms typed by hand (tests/clerk_typed.py's typing helpers).

- the 推荐单位 label run into the name, with no colon nor space (推荐单位大同市能源局（公章）);
- an office of a recommender on the line (大同市教育局职成科): its bureau, no C-RECOMMENDER;
- a rows' 推荐单位 column naming another recommender than the line: the line decides, and the file
  gets C-RECOMMENDER (differs) at the first such row's cell;
- a 职业技能等级 typed with its national grade (高级技师（一级）, 二级（技师）): no S-LEVEL; a grade below
  技师 typed so (三级（高级工）) is still S-LEVEL.
"""

from __future__ import annotations

import pytest
from clerk_typed import Names, type_annex7, type_annex8
from conftest import merge_corpus

from macros_py.policy.load import default_policy
from macros_py.policy.recommenders import resolve
from macros_py.read.tables import _line_label
from macros_py.rules.studios import level_of

LEVELS = default_policy().lists["skill_levels"]


def _save(folder, name, fill) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "附件7"
    fill(wb)
    wb.save(folder / name)


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    root = tmp_path_factory.mktemp("words")
    inbox = root / "收件"
    inbox.mkdir()
    n = Names()
    units = {}

    def glued(wb):
        bases = n.bases(2)
        units["glued"] = [b["unit"] for b in bases]
        type_annex7(wb.active, bases, line="推荐单位大同市能源局（公章）    2025年12月20日")

    def office(wb):
        bases = n.bases(2)
        units["office"] = [b["unit"] for b in bases]
        type_annex7(wb.active, bases, line="推荐单位：大同市教育局职成科")

    def differs(wb):
        bases = n.bases(3)
        bases[1]["recommender"] = "市卫健委"     # typed by a clerk who copied the row from another file
        bases[2]["recommender"] = "大同市总工会"
        units["differs"] = [b["unit"] for b in bases]
        type_annex7(wb.active, bases, line="推荐单位：大同市总工会")

    def levels(wb):
        studios = n.studios(3)
        for s, level in zip(studios, ("高级技师（一级）", "二级（技师）", "三级（高级工）"), strict=True):
            s["level"] = level
        units["levels"] = [s["leader"] for s in studios]
        wb.active.title = "附件8"
        type_annex8(wb.active, studios, line="推荐单位：灵丘县人社局")

    for name, fill in (("能源局.xlsx", glued), ("教育局职成科.xlsx", office), ("总工会.xlsx", differs),
                       ("灵丘.xlsx", levels)):
        _save(inbox, name, fill)
    summary, wb = merge_corpus(inbox, root / "out")
    return summary, wb, units


def _rows(wb, sheet: str, file: str) -> list[dict]:
    rows = list(wb[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if r[rows[0].index("来源文件")] == file]


def _findings(summary, file: str, rule: str) -> list[dict]:
    return [f for f in summary["findings"] if f["file"] == file and f["rule"] == rule]


@pytest.mark.parametrize("file, key, recommender", [
    ("能源局.xlsx", "glued", "大同市能源局"),
    ("教育局职成科.xlsx", "office", "大同市教育局"),
    ("总工会.xlsx", "differs", "大同市总工会"),
])
def test_bases_land_under_the_recommender_whose_line_stamps_them(merged, file, key, recommender):
    summary, wb, units = merged
    rows = _rows(wb, "基地汇总", file)
    assert sorted(r["项目单位"] for r in rows) == sorted(units[key])
    assert {r["推荐单位"] for r in rows} == {recommender}
    assert not [f for f in _findings(summary, file, "C-RECOMMENDER") if f["severity"] == "错误"]
    status = {r["name"]: r["status"] for r in summary["recommenders"]}
    assert status[recommender] != "未报送"


def test_a_column_naming_another_recommender_is_c_recommender_at_its_row(merged):
    summary, _, _ = merged
    found = _findings(summary, "总工会.xlsx", "C-RECOMMENDER")
    assert [(f["severity"], f["sheet"], f["cell"], f["value"]) for f in found] == \
        [("警告", "附件7", "E6", "大同市卫生健康委员会")]
    assert "按推荐单位行（盖章单位）“大同市总工会”汇总" in found[0]["message"]


def test_a_level_typed_with_its_grade_is_that_level_s_level(merged):
    summary, wb, units = merged
    rows = _rows(wb, "工作室汇总", "灵丘.xlsx")
    assert sorted(r["领办人"] for r in rows) == sorted(units["levels"])
    low = _findings(summary, "灵丘.xlsx", "S-LEVEL")
    assert [f["value"] for f in low] == ["三级（高级工）"]


@pytest.mark.parametrize("text, name", [
    ("推荐单位大同市能源局", "大同市能源局"),
    ("推荐单位名称大同市总工会（公章）", "大同市总工会（公章）"),
    ("推荐单位意见", None),          # a header, not the line
    ("推荐单位名称", None),
    ("推荐单位（盖章）", None),
])
def test_the_label_run_into_the_name_is_read_only_before_a_body_s_name(text, name):
    assert _line_label(text) == name


@pytest.mark.parametrize("written, full", [
    ("大同市教育局职成科", "大同市教育局"),
    ("市卫健委办公室", "大同市卫生健康委员会"),
    ("平城区人社局职业能力建设科", "平城区人力资源和社会保障局"),
    ("大同市教育局某某职业学校实训室", None),    # a school under the bureau is no office of it
    ("大同市卫健委第一医院科教科", None),
])
def test_an_office_of_a_recommender_is_its_bureau(written, full):
    who = resolve(written, default_policy())
    assert (who.name if who.expected else None) == full


@pytest.mark.parametrize("typed, level", [
    ("高级技师", "高级技师"), ("高级技师（一级）", "高级技师"), ("一级/高级技师", "高级技师"),
    ("国家职业资格二级", "技师"), ("技师（二级）", "技师"), ("3级", "高级工"),
    ("高级技师（二级）", None), ("一级技师", None), ("高级技师、技师", None),   # two levels that disagree
])
def test_level_of_reads_the_level_or_its_grade(typed, level):
    assert level_of(typed, LEVELS) == level
