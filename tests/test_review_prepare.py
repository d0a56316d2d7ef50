"""shenbao review prepare: the 复核表, one 评分表 per expert (回避 rows locked with the reason, validation
0..max, a total LibreOffice computes, A4, 仿宋_GB2312, the master's sha256 hidden), the 表5 list, the
documents linked; the same bytes on a re-run; a master changed afterwards makes collect call the sheets stale."""

from __future__ import annotations

import hashlib

import pytest
from conftest import requires_libreoffice
from openpyxl import load_workbook
from review_helpers import EXPERT_INPUT, copy_returned, data_of, score_cells

from macros_py.model.errors import ShenbaoError, UsageError
from macros_py.read.grid import a1
from macros_py.review.books import META_SHEET
from macros_py.review.collect import run_collect
from macros_py.review.example import EXPERTS, merge_samples
from macros_py.review.experts import Expert, read_experts, recusal
from macros_py.review.prepare import CHECKSHEET_NAME, EXPERTS_NAME, SCORESHEET_DIR, prepare
from macros_py.review.projects import ReviewProject
from macros_py.write.cell_text import FONT_NAME


@pytest.fixture(scope="module")
def master(tmp_path_factory, policy):
    from macros_py.model.paths import SAMPLES_DIR

    return merge_samples(SAMPLES_DIR, tmp_path_factory.mktemp("m"), policy)[0]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory, policy, master):
    out = tmp_path_factory.mktemp("prep") / "评审"
    result = prepare(master, EXPERT_INPUT, out, policy)
    return out, result


def test_one_scoresheet_per_expert_and_the_table5_list(prepared):
    out, result = prepared
    sheets = sorted((out / SCORESHEET_DIR).glob("*.xlsx"))
    assert [s.name for s in sheets] == [f"评分表_{i:02d}_{n}.xlsx" for i, (n, *_) in enumerate(EXPERTS, start=1)]
    ws = load_workbook(out / EXPERTS_NAME)["专家信息（表5）"]
    assert [c.value for c in ws[3]] == ["序号", "姓名", "单位及职务/职称", "手机", "签名"]
    assert [ws.cell(r, 2).value for r in range(4, 11)] == [n for n, *_ in EXPERTS]
    assert "不得少于5人" in ws["A2"].value and "单数" in ws["A2"].value
    assert any("回避 14 处" in line for line in result.lines)


def test_recused_rows_are_locked_with_the_reason_and_score_cells_are_open_with_validation(prepared, policy):
    out, _ = prepared
    path = out / SCORESHEET_DIR / "评分表_02_李文华.xlsx"
    wb = load_workbook(path)
    data = data_of(path)
    recused = {c: v for c, v in data["cells"].items() if v["recused"]}
    assert recused and all("大同市教育局" in v["recused"] for v in recused.values())
    for code, c in data["cells"].items():
        ws = wb[c["sheet"]]
        assert ws.protection.sheet
        row = c["row"] + 1
        for col in c["cols"]:
            cell = ws.cell(row, col + 1)
            assert cell.protection.locked == bool(c["recused"]), (code, cell.coordinate)
        note = ws.cell(row, c["cols"][-1] + 3).value
        assert (note == f"回避：{c['recused']}") if c["recused"] else not note
    base = wb["培训基地评分"]
    rules = {str(dv.sqref): dv for dv in base.data_validations.dataValidation}
    code = next(c for c, v in data["cells"].items() if not v["recused"] and v["sheet"] == "培训基地评分")
    cells = data["cells"][code]
    for col, crit in zip(cells["cols"], policy.review.base_criteria, strict=True):

        dv = rules[a1(cells["row"], col)]
        # OOXML's default operator is "between", which XlsxWriter leaves out
        assert (dv.type, dv.operator or "between", float(dv.formula1), float(dv.formula2)) == (
            "decimal", "between", 0, crit.max)
    total = base[cells["total"]].value
    assert total.startswith("=IF(COUNT(") and "SUM(" in total
    assert base.page_setup.paperSize == 9 and base.cell(cells["row"] + 1, 2).font.name == FONT_NAME
    last = max(r for r in range(1, base.max_row + 1) if base.cell(r, 1).value)
    assert "签名" in base.cell(last, 1).value


def test_the_hidden_sheet_carries_the_masters_sha256(prepared, master):
    out, _ = prepared
    wb = load_workbook(out / SCORESHEET_DIR / "评分表_01_张立新.xlsx")
    meta = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(values_only=True)}
    assert wb[META_SHEET].sheet_state == "veryHidden"
    assert meta["汇总工作簿SHA256"] == hashlib.sha256(master.read_bytes()).hexdigest()


@requires_libreoffice
def test_libreoffice_computes_the_total_of_a_filled_row(prepared, tmp_path, policy):
    from macros_py.review.example import fill_scoresheet
    from macros_py.write.libreoffice import convert

    out, _ = prepared
    src = out / SCORESHEET_DIR / "评分表_01_张立新.xlsx"
    sheet, cells, _ = score_cells(src, "J001")
    filled = tmp_path / "filled.xlsx"
    fill_scoresheet(src, filled, {"J001": [18, 20.5, 17, 12, 15.5]}, policy)
    [converted] = convert([filled], tmp_path / "lo")
    c = data_of(src)["cells"]["J001"]
    assert load_workbook(converted, data_only=True)[sheet][c["total"]].value == 83


def test_a_rerun_gives_the_same_bytes_and_a_filled_sheet_is_not_overwritten(prepared, policy, master):
    out, _ = prepared
    before = {p: p.read_bytes() for p in out.rglob("*.xlsx")}
    prepare(master, EXPERT_INPUT, out, policy)
    assert {p: p.read_bytes() for p in out.rglob("*.xlsx")} == before
    from macros_py.review.example import fill_checksheet

    check = out / CHECKSHEET_NAME
    fill_checksheet(check, check, {"J001": ("合格", "")}, policy)
    with pytest.raises(UsageError, match="可能已填写"):
        prepare(master, EXPERT_INPUT, out, policy)


def test_documents_in_the_inbox_are_linked_by_unit_name_and_the_rest_listed(tmp_path, policy, master):
    docs = tmp_path / "文档"
    docs.mkdir()
    unit = "大同市云冈区就业培训中心"
    (docs / f"{unit}申报书.docx").write_bytes(b"x")
    (docs / f"{unit}实施方案.pdf").write_bytes(b"x")
    (docs / "熊桂 大同桑干技工学校 申报表.pdf").write_bytes(b"x")
    (docs / "说明.docx").write_bytes(b"x")
    out = tmp_path / "评审"
    result = prepare(master, EXPERT_INPUT, out, policy, docs=docs)
    assert any("链接 3 个，未匹配 1 个" in line for line in result.lines)
    wb = load_workbook(out / CHECKSHEET_NAME)
    ws = wb["基地复核"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == unit)
    links = [ws.cell(row, c).hyperlink.target for c in range(1, ws.max_column + 1) if ws.cell(row, c).hyperlink]
    # relative links, written the Windows way (XlsxWriter's external: links) for the bureau's Excel
    assert links == [f"..\\文档\\{unit}申报书.docx", f"..\\文档\\{unit}实施方案.pdf"]
    studio = wb["工作室复核"]
    srow = next(r for r in range(1, studio.max_row + 1) if studio.cell(r, 2).value == "熊桂")
    assert studio.cell(srow, studio.max_column).hyperlink.target == "..\\文档\\熊桂%20大同桑干技工学校%20申报表.pdf"  # spaces URL-escaped
    unmatched = wb["未匹配的文档"]
    assert unmatched["A2"].value == "../文档/说明.docx" and "没有任何项目单位" in unmatched["B2"].value


def test_a_master_changed_after_the_sheets_went_out_makes_them_stale(tmp_path, policy):
    from macros_py.model.paths import SAMPLES_DIR

    changed, _ = merge_samples(SAMPLES_DIR, tmp_path / "m", policy, keep=lambda n: not n.startswith("14_"))
    folder = copy_returned(tmp_path)
    result = run_collect(folder, tmp_path / "out" / "评审结果.xlsx", policy, master=changed)
    stale = sorted(f.file for f in result.findings if f.rule == "R-PANEL" and "项目清单" in f.message)
    assert stale == sorted(["复核表.xlsx", *(p.name for p in folder.glob("评分表_*.xlsx"))])
    assert result.data["proposal"]["selected"] == [] and result.data["master_changed"]


def test_experts_and_recusal_by_unit_recommender_or_an_extra_column(tmp_path, policy):
    from macros_py.review.example import write_expert_input

    path = tmp_path / "list.xlsx"
    write_expert_input(path, policy, [("甲", "平城区人社局 科长", "1"), ("乙", "大同鑫源技工学校/高级讲师", "2")])
    experts = read_experts(path)
    assert [e.unit for e in experts] == ["平城区人社局", "大同鑫源技工学校"]
    base = ReviewProject("J001", "base", "A", "大同鑫源技工学校", None, "平城区人力资源和社会保障局", "平城区")
    other = ReviewProject("J002", "base", "A", "大同云冈技工学校", None, "大同市教育局", None)
    assert "推荐单位" in recusal(experts[0], base, policy) and "申报单位" in recusal(experts[1], base, policy)
    assert recusal(experts[0], other, policy) is None
    assert recusal(Expert(3, "丙", "山西大同大学 教授", "", ["大同市教育局"]), other, policy)
    bad = tmp_path / "bad.xlsx"
    bad.write_text("x", encoding="utf-8")
    with pytest.raises(ShenbaoError, match="专家名单"):
        read_experts(bad)


def test_text_that_looks_like_a_formula_stays_text_and_the_checksheet_has_its_choices(tmp_path, policy, prepared):
    from macros_py.review.scoresheet import write_scoresheet

    evil = ReviewProject("J001", "base", "A", '=HYPERLINK("http://x","点我")', None, "+推荐单位", None, ["-焊工"])
    path = tmp_path / "s.xlsx"
    write_scoresheet(path, Expert(1, "甲", "山西大同大学 教授", ""), [evil], policy, master_sha="0", fingerprint="0",
                     panel=5)
    ws = load_workbook(path)["培训基地评分"]
    row = data_of(path)["cells"]["J001"]["row"] + 1
    assert [ws.cell(row, c).data_type for c in (2, 3, 4)] == ["s", "s", "s"]
    assert ws.cell(row, 2).value == '=HYPERLINK("http://x","点我")'
    out, _ = prepared
    check = load_workbook(out / CHECKSHEET_NAME)["基地复核"]
    lists = {dv.formula1 for dv in check.data_validations.dataValidation if dv.type == "list"}
    assert '"合格,不合格"' in lists and '"有,缺"' in lists


def test_a_master_written_again_with_the_same_projects_is_only_a_note(tmp_path, policy, master):
    changed = tmp_path / "汇总.xlsx"
    changed.write_bytes(master.read_bytes())
    from openpyxl import load_workbook as load

    wb = load(changed)
    wb.properties.title = "重新生成"
    wb.save(changed)  # other bytes, the same summary
    folder = copy_returned(tmp_path)
    result = run_collect(folder, tmp_path / "out" / "评审结果.xlsx", policy, master=changed)
    assert result.findings == [] and len(result.data["proposal"]["selected"]) == 19
    assert any("项目清单没有变化" in line for line in result.lines)
