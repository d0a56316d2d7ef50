"""shenbao review collect on the committed review example and on returned sheets broken on purpose: every
R- rule at its cell, quotas never exceeded, ties at the line flagged, 不合格 and 回避 never scored or selected."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from review_helpers import (
    EXPERT_INPUT,
    conclusion,
    copy_returned,
    edit,
    projects,
    score_cells,
    scoresheets,
    verdicts,
)

from macros_py.review.collect import run_collect
from macros_py.review.decisions import DECISIONS_NAME, TIE_SHEET
from macros_py.review.example import EXPERTS
from macros_py.review.example import write_expert_input as write_experts


def collect(folder, tmp_path, policy, **kw):
    return run_collect(folder, tmp_path / "out" / "评审结果.xlsx", policy, force=True, **kw)


def rules_at(result, rule):
    return [(f.file, f.sheet, f.cell) for f in result.findings if f.rule == rule]


@pytest.fixture(scope="module")
def sample(tmp_path_factory, policy):
    tmp = tmp_path_factory.mktemp("sample")
    folder = copy_returned(tmp)
    return folder, collect(folder, tmp, policy, summary_json=tmp / "S.json"), tmp


def test_the_sample_fills_every_place_with_qualified_projects_and_the_budget(sample, policy):
    folder, result, tmp = sample
    assert result.findings == []
    p = result.data["proposal"]
    by_group = {}
    for s in p["selected"]:
        by_group[s["tier"] or "studio"] = by_group.get(s["tier"] or "studio", 0) + 1
    assert by_group == {"A": 3, "B": 4, "C": 6, "studio": 6}
    assert p["budget_total"] == p["budget_policy"] == 3 * 80 + 4 * 50 + 6 * 20
    verdict = verdicts(folder)
    assert all(verdict[s["code"]] == "合格" for s in p["selected"])
    summary = json.loads((tmp / "S.json").read_text(encoding="utf-8"))
    assert set(summary) >= {"selected", "ties", "vacancies", "excluded", "budget_total"}
    assert set(summary["selected"][0]) >= {"kind", "tier", "unit", "leader", "recommender", "score", "rank", "subsidy"}
    assert all(e["reason"] for e in summary["excluded"])
    assert len(summary["selected"]) + len(summary["excluded"]) == len(projects(folder))


def test_a_failed_or_recused_project_is_never_scored_or_selected(sample):
    folder, result, _ = sample
    verdict = verdicts(folder)
    failed = {c for c, v in verdict.items() if v == "不合格"}
    assert failed  # the example has B-DUP and erroneous projects marked 不合格
    scored = {(code, expert) for code, expert, _, _ in result.data["details"]}
    assert not {c for c, _ in scored} & failed
    assert not {s["code"] for s in result.data["proposal"]["selected"]} & failed
    for code, experts in result.data["recused"].items():
        assert not any((code, e) in scored for e in experts)
    recused = result.data["recused"]
    assert recused and all(len(v) == 2 for v in recused.values())  # the two 教育局 experts stand aside
    assert all(result.data["panel_sizes"][c] == 5 for c in recused)


def test_r_score_unscored_out_of_range_and_not_a_number_at_their_cells(tmp_path, policy, sample):
    folder = copy_returned(tmp_path)
    chosen = sample[1].data["proposal"]["selected"][0]["code"]
    first, second, third = scoresheets(folder)[:3]
    sheet, cells, _ = score_cells(first, chosen)
    edit(first, sheet, {cells[0]: None})
    edit(second, sheet, {cells[1]: 99})
    edit(third, sheet, {cells[2]: "十八分"})
    result = collect(folder, tmp_path, policy)
    at = rules_at(result, "R-SCORE")
    assert (first.name, sheet, cells[0]) in at and (second.name, sheet, cells[1]) in at
    assert (third.name, sheet, cells[2]) in at and len(at) == 3
    excluded = {e["code"]: e["reason"] for e in result.data["proposal"]["excluded"]}
    assert excluded[chosen].startswith("评分不完整")


def test_r_recuse_a_recused_row_scored_anyway_is_reported_and_not_counted(tmp_path, policy, sample):
    folder = copy_returned(tmp_path)
    code = next(iter(sample[1].data["recused"]))
    expert = sample[1].data["recused"][code]
    path = next(p for p in scoresheets(folder) if any(e in p.name for e in expert))
    sheet, cells, why = score_cells(path, code)
    assert why
    edit(path, sheet, {cells[0]: 20})
    result = collect(folder, tmp_path, policy)
    assert rules_at(result, "R-RECUSE") == [(path.name, sheet, cells[0])]
    assert result.data["scores"].get(code) == sample[1].data["scores"].get(code)


def test_r_reviewed_scores_on_a_failed_project_an_open_conclusion_and_a_missing_reason(tmp_path, policy):
    folder = copy_returned(tmp_path)
    verdict = verdicts(folder)
    failed = next(c for c, v in verdict.items() if v == "不合格")
    path = scoresheets(folder)[0]
    sheet, cells, _ = score_cells(path, failed)
    edit(path, sheet, {cells[0]: 10})
    passed = [c for c, v in verdict.items() if v == "合格"]
    s1, concl1, _ = conclusion(folder, passed[0])
    s2, concl2, reason2 = conclusion(folder, passed[1])
    edit(folder / "复核表.xlsx", s1, {concl1: None})
    edit(folder / "复核表.xlsx", s2, {concl2: "不合格", reason2: None})
    result = collect(folder, tmp_path, policy)
    at = rules_at(result, "R-REVIEWED")
    assert (path.name, sheet, cells[0]) in at
    assert ("复核表.xlsx", s1, concl1) in at and ("复核表.xlsx", s2, reason2) in at
    selected = {s["code"] for s in result.data["proposal"]["selected"]}
    assert not {failed, passed[0], passed[1]} & selected
    assert failed not in {c for c, *_ in result.data["details"]}


def test_r_panel_a_missing_expert_leaves_every_panel_even_and_nothing_is_proposed(tmp_path, policy):
    folder = copy_returned(tmp_path)
    gone = scoresheets(folder)[-1]
    gone.unlink()
    result = collect(folder, tmp_path, policy)
    missing = [f for f in result.findings if f.rule == "R-PANEL" and "没有收回" in f.message]
    assert len(missing) == 1 and EXPERTS[-1][0] in missing[0].message
    per_project = [f for f in result.findings if f.rule == "R-PANEL" and f.sheet]
    assert per_project and all(f.file == "复核表.xlsx" and f.cell.startswith("A") for f in per_project)
    assert result.data["proposal"]["selected"] == []
    assert {v["group"] for v in result.data["proposal"]["vacancies"]} == {"A档", "B档", "C档", "技能大师工作室"}
    assert [f.rule for f in result.findings].count("R-VACANT") == 4


def test_r_panel_two_different_sheets_of_one_expert_count_for_neither(tmp_path, policy, sample):
    folder = copy_returned(tmp_path)
    original = scoresheets(folder)[0]
    copy = folder / "评分表_01_副本.xlsx"
    shutil.copyfile(original, copy)
    code = sample[1].data["proposal"]["selected"][0]["code"]
    sheet, cells, _ = score_cells(copy, code)
    edit(copy, sheet, {cells[0]: 1})
    result = collect(folder, tmp_path, policy)
    dup = [f.file for f in result.findings if f.rule == "R-PANEL" and "两份" in f.message]
    assert sorted(dup) == sorted([original.name, copy.name])


@pytest.mark.parametrize("count, case", [(6, "不是单数"), (4, "少于 5 名")])
def test_r_panel_the_expert_list_itself(tmp_path, policy, count, case):
    folder = copy_returned(tmp_path)
    experts = tmp_path / "专家名单.xlsx"
    write_experts(experts, policy, EXPERTS[:count])
    for extra in scoresheets(folder)[count:]:
        extra.unlink()
    result = collect(folder, tmp_path, policy, experts=experts)
    assert any(f.rule == "R-PANEL" and case in f.message and f.file == "专家名单.xlsx" for f in result.findings)


def _rank(result, group):
    return result.data["proposal"]["ranking"][group]


def test_r_tie_at_the_quota_line_is_listed_never_broken_then_decided(tmp_path, policy, sample):
    folder = copy_returned(tmp_path)
    recused = set(sample[1].data["recused"])
    rows = [r for r in _rank(sample[1], "C档") if r["code"] not in recused]
    sixth = next(r for r in rows if r["rank"] <= 6 and r["rank"] == max(x["rank"] for x in rows if x["rank"] <= 6))
    seventh = next(r for r in rows if r["rank"] > 6)
    for path in scoresheets(folder):  # the seventh gets the sixth's scores on every sheet
        sheet, src, _ = score_cells(path, sixth["code"])
        _, dst, _ = score_cells(path, seventh["code"])
        from openpyxl import load_workbook

        values = [load_workbook(path, read_only=True)[sheet][c].value for c in src]
        edit(path, sheet, dict(zip(dst, values, strict=True)))
    result = collect(folder, tmp_path, policy)
    ties = result.data["proposal"]["ties"]
    assert len(ties) == 1 and {x["code"] for x in ties[0]["projects"]} == {sixth["code"], seventh["code"]}
    selected_c = [s for s in result.data["proposal"]["selected"] if s["tier"] == "C"]
    assert len(selected_c) == 5 and not {sixth["code"], seventh["code"]} & {s["code"] for s in selected_c}
    tie = [f for f in result.findings if f.rule == "R-TIE"]
    assert len(tie) == 1 and tie[0].sheet == "各档排名" and tie[0].file == "评审结果.xlsx"
    from openpyxl import load_workbook

    ranking = load_workbook(tmp_path / "out" / "评审结果.xlsx")["各档排名"]
    row = ranking[tie[0].cell].row
    assert ranking.cell(row, 2).value in (sixth["code"], seventh["code"])
    assert ranking[tie[0].cell].value == ties[0]["score"]
    decisions = tmp_path / "out" / DECISIONS_NAME
    assert decisions.is_file()
    wb = load_workbook(decisions)
    ws = wb[TIE_SHEET]
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 2).value == seventh["code"]:
            ws.cell(r, 6).value = "入选"
        elif ws.cell(r, 2).value == sixth["code"]:
            ws.cell(r, 6).value = "不入选"
    wb.save(decisions)
    before = hashlib.sha256(decisions.read_bytes()).hexdigest()
    again = collect(folder, tmp_path, policy)
    assert hashlib.sha256(decisions.read_bytes()).hexdigest() == before  # the bureau's file is only read
    chosen = {s["code"] for s in again.data["proposal"]["selected"] if s["tier"] == "C"}
    assert len(chosen) == 6 and seventh["code"] in chosen and sixth["code"] not in chosen
    assert not again.data["proposal"]["ties"]


def test_r_vacant_when_too_few_a_tier_bases_qualify(tmp_path, policy, sample):
    folder = copy_returned(tmp_path)
    verdict = verdicts(folder)
    a_tier = [c for c, p in projects(folder).items() if p["tier"] == "A" and verdict[c] == "合格"]
    for code in a_tier[1:]:
        sheet, concl, reason = conclusion(folder, code)
        edit(folder / "复核表.xlsx", sheet, {concl: "不合格", reason: "实地查看：场地不符"})
    result = collect(folder, tmp_path, policy)
    vacant = [f for f in result.findings if f.rule == "R-VACANT"]
    assert len(vacant) == 1 and vacant[0].sheet == "各档排名" and "空缺 2 个" in vacant[0].message
    assert [s["code"] for s in result.data["proposal"]["selected"] if s["tier"] == "A"] == a_tier[:1]
    assert sum(1 for s in result.data["proposal"]["selected"] if s["tier"] == "B") == 4  # no move without the policy


def test_lock_files_and_bad_files_get_a_reason_and_inputs_are_never_modified(tmp_path, policy):
    folder = copy_returned(tmp_path)
    (folder / "~$评分表_01_张立新.xlsx").write_bytes(b"lock")
    (folder / "坏文件.xlsx").write_text("姓名,分数\n张,1\n", encoding="utf-8")
    shutil.copyfile(EXPERT_INPUT, folder / "专家名单原件.xlsx")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    result = collect(folder, tmp_path, policy)
    files = {f[0]: (f[1], f[3]) for f in result.data["files"]}
    assert files["~$评分表_01_张立新.xlsx"][0] == "已忽略" and "锁定文件" in files["~$评分表_01_张立新.xlsx"][1]
    assert files["坏文件.xlsx"][0] == "无法使用" and "文本文件" in files["坏文件.xlsx"][1]
    assert files["专家名单原件.xlsx"][0] == "已忽略"
    assert result.findings == []
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()} == before


def test_a_rerun_gives_the_same_bytes_and_is_recorded_in_the_ledger(tmp_path, policy):
    import sqlite3

    folder = copy_returned(tmp_path)
    out = tmp_path / "out" / "评审结果.xlsx"
    run_collect(folder, out, policy)
    first = out.read_bytes(), (out.parent / "评审报告.html").read_bytes()
    run_collect(folder, out, policy)
    assert (out.read_bytes(), (out.parent / "评审报告.html").read_bytes()) == first
    rows = sqlite3.connect(out.parent / "评审台账.sqlite").execute("SELECT step, details FROM review").fetchall()
    assert [r[0] for r in rows] == ["collect", "collect"] and json.loads(rows[0][1])["budget_total"] == 560


def test_a_filled_output_is_not_overwritten(tmp_path, policy):
    from macros_py.model.errors import UsageError

    folder = copy_returned(tmp_path)
    out = tmp_path / "out" / "评审结果.xlsx"
    out.parent.mkdir()
    out.write_bytes(b"someone else's file")
    with pytest.raises(UsageError, match="已存在"):
        run_collect(folder, out, policy)
