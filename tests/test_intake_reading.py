"""Intake, the reading half (issue 10 §2–4, 7, 8): files made the way clerks make them
(tests/clerk_corpus.py) merged by the real `shenbao merge`, and the written master read back.

Each case asserts what lands in 基地汇总 / 工作室汇总 and under which 推荐单位, what is listed in
未汇总的行 with which reason, and which rule is reported at which cell: C-HIDDEN (hidden rows, hidden
and very hidden sheets, struck rows), C-VALUE (values read with a doubt), C-ROWDUP (a table twice),
and no B-REQ / S-REQ on rows that are not projects.
"""

from __future__ import annotations

from collections import Counter

import openpyxl
import pytest
from clerk_corpus import CASES, build_corpus, insert_line
from conftest import merge_corpus
from openpyxl.styles import Font

from macros_py.cli.main import main
from macros_py.model.submission import NOT_PROJECT, WITHDRAWN
from macros_py.read.workbook import read_submission
from macros_py.rules.bureau import UNTIERED
from macros_py.write.printed import write_printed_submission
from macros_py.write.samples import generate_load

RULES = {"C-HIDDEN", "C-VALUE"}   # for test_rule_coverage: this module breaks them at known cells


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, policy):
    root = tmp_path_factory.mktemp("clerks")
    cases = build_corpus(root / "收件", policy)
    summary, wb = merge_corpus(root / "收件", root / "out")
    return root, {case.__name__: exp for case, exp in zip(CASES, cases, strict=True)}, summary, wb


def _table(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def _master(wb, sheet: str, file: str) -> list[dict]:
    return [r for r in _table(wb[sheet]) if r["来源文件"] == file]


@pytest.mark.parametrize("case", [c.__name__ for c in CASES])
def test_every_project_lands_once_under_its_recommender(corpus, case):
    _, cases, summary, wb = corpus
    exp = cases[case]
    bases = _master(wb, "基地汇总", exp.name)
    studios = _master(wb, "工作室汇总", exp.name)
    assert Counter(r["项目单位"] for r in bases) == Counter(exp.bases)
    assert Counter(r["领办人"] for r in studios) == Counter(exp.studios)
    assert {r["推荐单位"] for r in bases + studios} <= {exp.recommender}
    merged = {r["项目单位"] for r in bases} | {r["领办人"] for r in studios}
    assert not merged & set(exp.absent)


@pytest.mark.parametrize("case", [c.__name__ for c in CASES])
def test_rows_not_merged_are_listed_with_their_reason(corpus, case):
    _, cases, summary, wb = corpus
    exp = cases[case]
    listed = [r for r in summary["rejected"] if r["file"] == exp.name]
    sheet_rows = [r for r in _table(wb["未汇总的行"]) if r["文件"] == exp.name]
    assert len(sheet_rows) == len(listed)
    for kind, sheet, row, part in exp.skipped:
        hit = [r for r in listed if r["sheet"] == sheet and r["row"] == row]
        assert hit, (kind, sheet, row, [(r["sheet"], r["row"], r["kind"]) for r in listed])
        assert hit[0]["kind"] == kind and part in hit[0]["reason"], hit[0]
        assert any(r["工作表"] == sheet and r["行"] == row and r["类别"] == kind and r["原因"] for r in sheet_rows)
    f = next(f for f in summary["files"] if f["name"] == exp.name)
    assert f["rows_read"] == f["rows_merged"] + f["rows_rejected"]
    assert f["rows_rejected"] == len(listed)


@pytest.mark.parametrize("case", [c.__name__ for c in CASES])
def test_rules_at_their_cells_and_none_on_rows_that_are_not_projects(corpus, case):
    _, cases, summary, _ = corpus
    exp = cases[case]
    mine = [f for f in summary["findings"] if f["file"] == exp.name]
    for rule, sheet, cell in exp.findings:
        assert any(f["rule"] == rule and f["sheet"] == sheet and f["cell"] == cell for f in mine), \
            (rule, sheet, cell, [(f["rule"], f["sheet"], f["cell"]) for f in mine if f["rule"] == rule])
    # rows that are not projects, withdrawn ones, and the rows that follow a withdrawn project
    skipped = {(r["sheet"], r["row"]) for r in summary["rejected"] if r["file"] == exp.name
               and (r["kind"] in (NOT_PROJECT, *WITHDRAWN) or any(w in r["reason"] for w in WITHDRAWN))}
    for f in mine:
        if f["rule"] in ("B-REQ", "S-REQ", "B-ATTR", "S-SIZE", "C-ROWDUP"):
            assert (f["sheet"], f["row"]) not in skipped, f
    # a file with withdrawn rows is told so (C-HIDDEN); a file without is not
    withdrawn = any(k in WITHDRAWN for k, *_ in exp.skipped)
    assert any(f["rule"] == "C-HIDDEN" for f in mine) == withdrawn


@pytest.mark.parametrize("case", ["printed_merged", "printed_totals"])
def test_merged_cells_and_prose_give_their_values(corpus, case):
    """A merged cell's value belongs to every row it spans; 工作室规模 in prose gives 面积 and 人数."""
    _, cases, _, wb = corpus
    exp = cases[case]
    rows = {r["项目单位"]: r for r in _master(wb, "基地汇总", exp.name)}
    rows |= {r["领办人"]: r for r in _master(wb, "工作室汇总", exp.name)}
    assert exp.values
    for (name, header), value in exp.values.items():
        assert rows[name][header] == value, (name, header)


def test_values_read_as_meant_and_long_text_kept_whole(corpus):
    _, cases, summary, wb = corpus
    exp = cases["template_values"]
    bases = {r["项目单位"]: r for r in _master(wb, "基地汇总", exp.name)}
    studios = {r["领办人"]: r for r in _master(wb, "工作室汇总", exp.name)}
    for (name, header), value in exp.values.items():
        row = bases.get(name) or studios[name]
        assert row[header] == value, (name, header, row[header])
    # "教师25人，其中高级8人": several numbers, not read as one of them
    assert bases[exp.bases[0]]["专兼职教师数"] == "教师25人，其中高级8人"
    # the long 主要荣誉: the master's cell says it was cut; the summary JSON keeps it whole
    from clerk_corpus import LONG_HONOURS

    cell = studios[exp.studios[0]]["主要荣誉"]
    assert len(cell) <= 32767 and "全文见汇总数据" in cell and LONG_HONOURS.startswith(cell[:1000])
    card = next(c for c in summary["studios"] if c["leader"] == exp.studios[0])
    assert card["honours"] == LONG_HONOURS
    long = next(f for f in summary["findings"] if f["rule"] == "C-VALUE" and f["cell"].startswith("J")
                and f["sheet"] == "附件8 工作室汇总")
    assert LONG_HONOURS.startswith(long["value"][:150]) and "35714" in long["message"]


def test_tiers_of_a_printed_annex7_and_the_bases_without_one(corpus):
    _, cases, summary, wb = corpus
    exp = cases["printed_tiers"]
    rows = {r["项目单位"]: r for r in _master(wb, "基地汇总", exp.name)}
    for unit, tier in exp.tiers.items():
        assert rows[unit]["申报档次"] == tier, unit
    # where each tier was read from is said at the base's row (B-TIER, 提示)
    derived = [f for f in summary["findings"] if f["file"] == exp.name and f["rule"] == "B-TIER" and f["value"]]
    assert sorted(f["value"] for f in derived) == sorted(t for t in exp.tiers.values() if t)
    assert sum("备注" in f["message"] for f in derived) == 2
    # a tier from 备注 is checked against the base's 表4-2 (B-SUBSIDY); one read from 表4-2 agrees
    subsidy = [f for f in summary["findings"] if f["file"] == exp.name and f["rule"] == "B-SUBSIDY"]
    given = {b["unit"]: b["tier"] for b in exp.data["bases"]}
    wrong = [u for u, t in list(exp.tiers.items())[:2] if t != given[u]]
    assert len(subsidy) == len(wrong)
    # 名额对照: every base of the inbox is counted, in its tier or as 档次未填
    quota = {r["类别"]: r for r in _table(wb["名额对照"])}
    total = len(_table(wb["基地汇总"]))
    untiered = sum(1 for r in _table(wb["基地汇总"]) if r["申报档次"] is None)
    assert untiered >= 1 and quota[UNTIERED]["申报数"] == untiered
    assert sum(r["申报数"] for k, r in quota.items() if k.endswith("基地")) == total
    assert any(f["rule"] == "B-QUOTA" and "档次未填" in f["message"] for f in summary["findings"])


def test_annotating_a_merged_cell_marks_its_range(corpus, tmp_path):
    """B-ATTR on each of the three rows a merged 属性 spans: one mark on the range, no crash."""
    root, cases, _, _ = corpus
    source = root / "灵丘县_属性不对.xlsx"
    target = tmp_path / "批注.xlsx"
    assert main(["check", str(source), "--annotate", str(target)]) == 1
    ws = openpyxl.load_workbook(target)["附件7"]
    exp = cases["printed_merged"]
    cells = [c for r, _, c in exp.marks if r == "B-ATTR"]
    top = ws[cells[0]]
    # one note on the range's first cell (the only cell of a merged range that holds one) with the
    # three rows' findings, its fill the range's (Excel shows a merged range by its first cell)
    assert "B-ATTR" in top.comment.text and top.comment.text.count("B-ATTR") == 3
    assert top.fill.fgColor.rgb.endswith("FFC7CE")
    assert any(f"{cells[0]}:{cells[-1]}" == str(r) for r in ws.merged_cells.ranges)


def test_the_add_in_marks_a_merged_cell_on_its_range(corpus, policy):
    """The ribbon's 校验本簿 marks through check_and_mark: findings on the cells a merged 属性 covers
    become one mark on the range's first cell, the only one Excel lets hold a note."""
    from macros_py.check.marks import check_and_mark

    root, cases, _, _ = corpus
    sub = read_submission(root / "灵丘县_属性不对.xlsx", policy)
    _, marks = check_and_mark(sub, policy)
    cells = [c for r, _, c in cases["printed_merged"].marks if r == "B-ATTR"]
    mark = marks["附件7"][cells[0]]
    assert mark.span == f"{cells[0]}:{cells[-1]}" and [f.rule for f in mark.findings].count("B-ATTR") == 3
    assert not set(cells[1:]) & set(marks["附件7"])


# ------------------------------------------------------------------ variants the corpus did not use

NOT_PROJECTS = [
    {1: "总计", 2: "共计5家"}, {2: "合计：4个"}, {1: "以上合计"}, {2: "（以下无）"}, {1: "本页以下空白"},
    {2: "二、企业类"}, {1: "第二类 行业企业"}, {2: "技工院校类："}, {1: "1、院校"},
    {1: "制表人：", 3: "刘一"}, {2: "电话", 3: "0352-2011111"}, {4: "填表日期：2025.12.20"},
    {5: "推荐单位（盖章）"}, {2: "经办人  周敏"}, {1: "注：以上单位均为新申报。"},
    {2: "××职业技术学校", 3: "政府办", 4: "××路××号"},
    {1: "——以下空白——"}, {2: "职业院校（3个）"}, {2: "A类：职业院校"}, {1: "填表人（签字）：", 3: "赵六"},
    {2: "负责人签字：", 4: "2025年12月20日"}, {3: "联系电话（手机）：13800000000"}, {1: "报送单位：（盖章）"},
    {6: "单位（盖章）"}, {1: "审核："}, {2: "（可写简称）"}, {1: "小计", 2: "2", 3: "1"},
    {2: "民办培训机构"}, {1: "填表人：", 2: "张三", 4: "联系电话：", 5: "13900000001"},
]
# Rows that stay projects although words in them look like the marks above
PROJECTS = [
    {1: 3, 2: "大同市总工会职工技能培训中心", 3: "政府办", 4: "大同市平城区电话局路5号", 6: "焊工、电工",
     7: "联系人：张三 13900000000"},
    {1: 4, 2: "大同市第一职业学校（以下简称一职）", 3: "政府办", 4: "大同市平城区合计路1号", 6: "车工、钳工"},
    {2: "大同市新荣区只填了名称的学校"},
]


@pytest.fixture(scope="module")
def variants(tmp_path_factory, policy):
    data = generate_load(policy, 1, seed=99)[0].data
    data["bases"] = data["bases"][:2]
    data["recommender"] = "新荣区人力资源和社会保障局"
    path = write_printed_submission(tmp_path_factory.mktemp("v") / "variants.xlsx", data, policy)
    wb = openpyxl.load_workbook(path)
    ws = wb["附件7"]
    first = next(c.row for c in ws["A"] if c.value == "编号") + 1
    at = first + 2
    for line in NOT_PROJECTS:
        insert_line(ws, at, line)
        at += 1
    # and projects after them all: one whose 备注 says 以下空白, and the tricky ones
    insert_line(ws, at, {1: 3, 2: "大同市新荣区后加职业培训学校", 3: "其它", 4: "大同市新荣区某路1号",
                         6: "焊工、电工", 7: "以下空白"})
    for line in PROJECTS:
        at += 1
        insert_line(ws, at, line)
    wb.save(path)
    return read_submission(path, policy), first, at, data


def test_rows_that_are_not_projects_in_other_words(variants):
    sub, first, last, data = variants
    units = [r.values["unit"] for r in sub.rows("bases")]
    assert units == [b["unit"] for b in data["bases"]] + ["大同市新荣区后加职业培训学校"] + [p[2] for p in PROJECTS]
    skipped = {s.row: s for s in sub.skipped}
    assert sorted(skipped) == list(range(first + 2, first + 2 + len(NOT_PROJECTS)))
    assert all(s.kind == NOT_PROJECT and s.reason for s in skipped.values())


def test_a_header_typed_twice_is_not_a_project(policy, tmp_path):
    data = generate_load(policy, 4, seed=8)[3].data
    data["recommender"] = "平城区人力资源和社会保障局"
    path = write_printed_submission(tmp_path / "h.xlsx", data, policy)
    wb = openpyxl.load_workbook(path)
    ws = wb["附件7"]
    header = next(c.row for c in ws["A"] if c.value == "编号")
    insert_line(ws, header + 1, {c.column: c.value for c in ws[header] if c.value})
    wb.save(path)
    sub = read_submission(path, policy)
    assert [r.values["unit"] for r in sub.rows("bases")] == [b["unit"] for b in data["bases"]]
    assert [(s.row, s.kind) for s in sub.skipped] == [(header + 1, NOT_PROJECT)]
    assert "表头" in sub.skipped[0].reason


def test_a_hidden_template_sheet_is_not_data(policy, tmp_path):
    """The template's own hidden sheets (下拉列表, 模板信息) are neither read nor reported."""
    from macros_py.write.fill import write_filled

    data = generate_load(policy, 2, seed=5)[1].data
    data["recommender"] = "平城区人力资源和社会保障局"
    sub = read_submission(write_filled(tmp_path / "t.xlsx", data, policy), policy)
    assert sub.skipped == [] and sub.hidden_sheets == []
    assert len(sub.rows("bases")) == len(data["bases"])


def test_struck_name_alone_withdraws_the_row(policy, tmp_path):
    data = generate_load(policy, 3, seed=6)[2].data
    data["recommender"] = "平城区人力资源和社会保障局"
    path = write_printed_submission(tmp_path / "s.xlsx", data, policy)
    wb = openpyxl.load_workbook(path)
    ws = wb["附件7"]
    first = next(c.row for c in ws["A"] if c.value == "编号") + 1
    ws.cell(first, 2).font = Font(strike=True)
    wb.save(path)
    sub = read_submission(path, policy)
    assert [s.row for s in sub.skipped if s.kind == "删除线"] == [first]
    assert data["bases"][0]["unit"] not in {r.values["unit"] for r in sub.rows("bases")}


def test_headers_in_other_words(policy, tmp_path):
    """A clerk's own header texts: notes in brackets, spaces, everyday names for the columns."""
    data = generate_load(policy, 5, seed=9)[4].data
    data["recommender"] = "平城区人力资源和社会保障局"
    assert data["bases"] and data["studios"]
    path = write_printed_submission(tmp_path / "v.xlsx", data, policy)
    wb = openpyxl.load_workbook(path)
    ws = wb["附件7"]
    header = next(c.row for c in ws["A"] if c.value == "编号")
    words = {"编号": "序  号", "项目单位": "项目单位（公章全称）", "属性": "单位属性", "项目所在地址": "项目地址",
             "申报专业": "申报专业（职业、工种）", "备注": "备 注"}
    for c in ws[header]:
        if c.value in words:
            c.value = words[c.value]
    ws8 = wb["附件8"]
    h8 = next(c.row for c in ws8["A"] if c.value == "序号")
    for c in ws8[h8]:
        if c.value == "主要荣誉":
            c.value = "主要荣誉（获奖情况）"
        if c.value == "领办人":
            c.value = "领办人（技能大师）"
    wb.save(path)
    sub = read_submission(path, policy)
    assert [(r.values["unit"], r.values["attribute"], r.values["address"]) for r in sub.rows("bases")] == \
        [(b["unit"], b["attribute"], b["address"]) for b in data["bases"]]
    assert [(r.values["leader"], r.values["honours"]) for r in sub.rows("studios")] == \
        [(s["leader"], s["honours"]) for s in data["studios"]]
