"""Reading 附件7, 附件8 and 表4-2 built exactly as the notice prints them (tests/printed_fixtures)."""

from __future__ import annotations

import printed_fixtures as pf
import pytest
from conftest import at

from macros_py.check.engine import check_submission
from macros_py.model.findings import ERROR, INFO
from macros_py.read.workbook import read_submission

REC = "平城区人力资源和社会保障局"
BASES = [dict(unit="大同市甲职业技术学校", attribute="政府办", address="大同市平城区一路1号", recommender="平城区人社局",
              majors="焊工、电工"),
         dict(unit="大同乙实业有限公司", attribute="行业、企业办", address="大同市平城区二路2号", majors="焊工")]
STUDIOS = [dict(recommender="平城区人社局", leader="张三", unit="大同丙有限公司", nature="国有企业", address="大同市云冈区三路",
                category="绝技绝活", occupation="焊工", level="高级技师", honours="全国技术能手（2019年）",
                size="120㎡\n8人"),
           dict(leader="李四", unit="大同丁有限公司", nature="民营企业", address="大同市云州区四路", category="工艺传承",
                occupation="木雕工", level="技师", honours="大同市劳动模范", size="约一百平米")]


def read(path, policy):
    sub = read_submission(path, policy)
    return sub, check_submission(sub, policy)


@pytest.mark.parametrize("style", ["plain", "breaks", "two_rows"])
@pytest.mark.parametrize("order", [None, ["unit", "majors", "seq", "address", "note", "attribute", "recommender"]],
                         ids=["notice-order", "other-order"])
def test_annex7_as_printed(tmp_path, policy, style, order):
    where = {}

    def build(wb):
        where.update(pf.annex_sheet(wb.create_sheet("Sheet1"), pf.ANNEX7, pf.ANNEX7_TITLE, "附件7", BASES,
                                    recommender=REC, header_style=style, order=order))

    sub, findings = read(pf.write(tmp_path / "a7.xlsx", build), policy)
    assert sub.layout == "printed" and sub.recommender == REC and sub.recommender_cell == "A3"
    rows = sub.rows("bases")
    # Two filled rows of the four pre-numbered ones; the empty numbered rows and the footer are not data.
    assert [r.values["unit"] for r in rows] == [b["unit"] for b in BASES]
    first = where["_first"]
    assert [r.row for r in rows] == [first, first + 1]
    assert rows[0].cells["majors"] == f"{where['majors']}{first}"
    assert rows[1].values["recommender"] == REC       # from the 推荐单位 line where the row has none
    assert at(findings, "B-MAJORS", "Sheet1", f"{where['majors']}{first + 1}")
    assert not [f for f in findings if f.severity == ERROR]
    # What a printed 附件7 cannot show is said once per rule, as 提示.
    na = {f.rule for f in findings if f.severity == INFO}
    assert {"B-SCALE", "B-RATIO", "B-SUBSIDY", "B-TIER"} <= na


def test_annex8_guidance_row_and_numbered_rows_are_not_data(tmp_path, policy):
    def build(wb):
        pf.annex_sheet(wb.create_sheet("工作室"), pf.ANNEX8, pf.ANNEX8_TITLE, "附件8", [], recommender=REC,
                       guidance=pf.ANNEX8_GUIDANCE)

    sub, findings = read(pf.write(tmp_path / "a8.xlsx", build), policy)
    assert sub.tables["studios"] and sub.rows("studios") == []
    assert [f.rule for f in findings] == ["C-EMPTY"]      # an empty form: no project at all, nothing else


def test_annex8_as_printed(tmp_path, policy):
    where = {}

    def build(wb):
        where.update(pf.annex_sheet(wb.create_sheet("表2"), pf.ANNEX8, pf.ANNEX8_TITLE, "附件8", STUDIOS,
                                    recommender=REC))

    sub, findings = read(pf.write(tmp_path / "a8.xlsx", build), policy)
    first = where["_first"]
    s1, s2 = sub.rows("studios")
    assert (s1.values["area"], s1.values["members"], s1.values["size"]) == (120, 8, "120㎡ 8人")
    assert s1.values["nature"] == "国有企业" and s1.values["level"] == "高级技师"
    assert at(findings, "S-SIZE", "表2", f"{where['size']}{first + 1}")
    assert at(findings, "S-HONOR", "表2", f"{where['honours']}{first + 1}")
    assert not at(findings, "S-SIZE", "表2", f"{where['size']}{first}")
    assert {f.rule for f in findings if f.severity == INFO} >= {"S-ID", "S-EDUFUND", "S-APPRENTICE"}


def test_annex7_and_annex8_on_one_sheet(tmp_path, policy):
    def build(wb):
        ws = wb.create_sheet("汇总")
        end = pf.annex_sheet(ws, pf.ANNEX7, pf.ANNEX7_TITLE, "附件7", BASES, recommender=REC)["_end"]
        pf.annex_sheet(ws, pf.ANNEX8, pf.ANNEX8_TITLE, "附件8", STUDIOS[:1], recommender=REC, start_row=end + 3)

    sub, _ = read(pf.write(tmp_path / "both.xlsx", build), policy)
    assert len(sub.rows("bases")) == 2 and len(sub.rows("studios")) == 1
    assert sub.rows("studios")[0].values["leader"] == "张三"


def test_recommender_line_left_empty(tmp_path, policy):
    rows = [dict(b, recommender=None) for b in BASES]

    def build(wb):
        pf.annex_sheet(wb.create_sheet("Sheet1"), pf.ANNEX7, pf.ANNEX7_TITLE, "附件7", rows)

    sub, findings = read(pf.write(tmp_path / "r.xlsx", build), policy)
    assert sub.recommender is None
    found = [f for f in findings if f.rule == "B-REQ" and f.severity == ERROR]
    # the rows' own 推荐单位 cells are the ones to fill
    assert [f.cell for f in found] == ["E5", "E6"]


@pytest.mark.parametrize("unit_style", ["line", "title", "sheet"])
def test_table_42_as_printed(tmp_path, policy, unit_style):
    unit = BASES[0]["unit"]
    amounts = [["４０", "10万", " 5 ", 0], [25, 5, 5, 0], [15, 0, 5, 1]]   # typed as text, full-width, with 万

    def build(wb):
        pf.annex_sheet(wb.create_sheet("附件7"), pf.ANNEX7, pf.ANNEX7_TITLE, "附件7", BASES, recommender=REC)
        ws = wb.create_sheet(unit if unit_style == "sheet" else "预算")
        pf.table_42(ws, 1, [[40, 10, 5, 0], amounts[1], amounts[2]], unit=unit,
                    unit_style=None if unit_style == "sheet" else unit_style,
                    tamper={(0, "amount0"): "４０", (0, "amount1"): "10万", (0, "amount2"): " 5 "})

    sub, findings = read(pf.write(tmp_path / "t.xlsx", build), policy)
    head, *contents = sub.rows("funding")
    assert head.head and [r.content for r in contents] == policy.funding["contents"]
    assert {r.values["unit"] for r in sub.rows("funding")} == {unit}
    assert contents[0].values["amount0"] == 40 and contents[0].values["amount1"] == 10
    assert head.values["amount0"] == 80 and head.values["total"] == 111
    assert not [f for f in findings if f.rule in ("B-SUMS", "B-SHARES")]
    # Only the second base of 附件7 has no 表4-2 here: that one is said, at its 项目单位.
    assert [f.cell for f in findings if f.rule == "B-REQ" and f.severity == ERROR] == ["B6"]


def test_table_42_without_a_unit_name(tmp_path, policy):
    def build(wb):
        pf.annex_sheet(wb.create_sheet("附件7"), pf.ANNEX7, pf.ANNEX7_TITLE, "附件7", BASES, recommender=REC)
        pf.table_42(wb.create_sheet("预算"), 1, [[40, 10, 5, 0], [25, 5, 5, 0], [15, 0, 5, 1]], unit_style=None)

    sub, findings = read(pf.write(tmp_path / "u.xlsx", build), policy)
    (f,) = [f for f in findings if f.rule == "B-REQ" and f.sheet == "预算"]
    assert f.severity == ERROR and f.cell == "A2" and "项目单位" in f.message   # at the table's 内容 cell


def test_a_recommender_column_header_is_not_the_recommender_line(tmp_path, policy):
    def build(wb):
        ws = wb.create_sheet("Sheet1")
        pf.annex_sheet(ws, pf.ANNEX7, pf.ANNEX7_TITLE, "附件7", BASES)
        ws.delete_rows(3)  # no '推荐单位：' line at all

    sub, _ = read(pf.write(tmp_path / "l.xlsx", build), policy)
    assert sub.recommender is None
    assert [r.values["recommender"] for r in sub.rows("bases")] == ["平城区人社局", None]


def test_ticked_options_and_spacing_are_read_as_the_option(tmp_path, policy):
    rows = [dict(BASES[0], attribute="☑行业、企业办"), dict(BASES[1], attribute=" 其 它 ")]

    def build(wb):
        pf.annex_sheet(wb.create_sheet("Sheet1"), pf.ANNEX7, pf.ANNEX7_TITLE, "附件7", rows, recommender=REC)

    sub, findings = read(pf.write(tmp_path / "t.xlsx", build), policy)
    assert [r.values["attribute"] for r in sub.rows("bases")] == ["行业、企业办", "其它"]
    assert not [f for f in findings if f.rule == "B-ATTR"]
