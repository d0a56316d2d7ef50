"""收件 (issue 10), the merge's half: real workbooks on disk, merged, and the written master read back.

§1 a fault never stops the merge (B-DUP same channel; a bureau rule that raises), §5 the recommender
is whoever stamps the form (aliases, text after the name, an empty line, C-RECOMMENDER, C-MISSING,
supersession across names), §6 archives (GBK names, nested, .rar, a zip bomb), §9 人工裁定 (asked,
decided, applied, kept in the ledger, an unmatched decision reported), §10 the tool's own outputs in
the inbox recognised by content.
"""

from __future__ import annotations

import copy
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import write_decisions

from macros_py.jobs.merge import run_merge
from macros_py.merge.inbox import REGISTER_NAME
from macros_py.write.fill import write_filled
from macros_py.write.printed import write_printed_submission
from macros_py.write.samples import generate

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def samples(policy):
    return {s.name: s for s in generate(policy)}


def data_of(samples, n: int, recommender: str | None = None) -> dict:
    d = copy.deepcopy(next(s for name, s in samples.items() if name.startswith(f"{n:02d}_")).data)
    if recommender is not None:
        d["recommender"] = recommender
    return d


def register(folder, names, date="2025-12-20 10:00"):
    lines = ["文件名,收文日期", *(f"{n},{date}" for n in names)]
    (folder / REGISTER_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")


def set_recommender_line(path, text):
    """Rewrite the printed form's 推荐单位 line as a clerk types it."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows(max_row=6):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("推荐单位：", "推荐单位:")):
                    cell.value = text
    wb.save(path)


def merge(inbox, out, policy):
    result = run_merge(inbox, out / "汇总.xlsx", policy, summary_json=out / "summary.json", jobs=1)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    s = result.summary
    assert s.rows_read == s.rows_merged + s.rows_rejected
    for f in s.files:
        assert f.rows_read == f.rows_merged + f.rows_rejected, f.name
    return summary


def master_rows(out, sheet="基地汇总"):
    ws = openpyxl.load_workbook(out / "汇总.xlsx", read_only=True)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def unit_col(row) -> str:
    return next(k for k in row if k and k.startswith("项目单位"))


def findings(summary, rule, file=None):
    return [f for f in summary["findings"] if f["rule"] == rule and (file is None or f["file"] == file)]


# ---------------------------------------------------------------- §1
def test_b_dup_by_two_recommenders_of_one_channel_is_a_warning_and_the_master_is_written(tmp_path, policy, samples):
    inbox, out = tmp_path / "收件", tmp_path / "out"
    inbox.mkdir()
    a, b = data_of(samples, 1), data_of(samples, 2)
    b["bases"].append(copy.deepcopy(a["bases"][0]))          # 云冈区 lists 平城区's unit too
    write_filled(inbox / "平城区.xlsx", a, policy)
    write_filled(inbox / "云冈区.xlsx", b, policy)
    register(inbox, ["平城区.xlsx", "云冈区.xlsx"])
    summary = merge(inbox, out, policy)
    dup = findings(summary, "B-DUP")
    assert {f["file"] for f in dup} == {"平城区.xlsx", "云冈区.xlsx"}
    assert {f["severity"] for f in dup} == {"警告"} and all("同一渠道" in f["message"] for f in dup)
    assert all(f["cell"] for f in dup)
    problems = master_rows(out, "问题清单")
    assert {(r["文件"], r["规则"]) for r in problems if r["规则"] == "B-DUP"} == {("平城区.xlsx", "B-DUP"), ("云冈区.xlsx", "B-DUP")}


def test_a_bureau_rule_that_raises_is_one_finding_and_the_run_goes_on(tmp_path, policy, samples, monkeypatch):
    from macros_py.rules import bureau

    def broken(currents):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(bureau, "duplicate_masters", broken)
    inbox, out = tmp_path / "收件", tmp_path / "out"
    inbox.mkdir()
    write_filled(inbox / "平城区.xlsx", data_of(samples, 1), policy)
    register(inbox, ["平城区.xlsx"])
    summary = merge(inbox, out, policy)
    failed = findings(summary, "S-DUP")
    assert len(failed) == 1 and "程序在核对" in failed[0]["message"] and "S-DUP" in failed[0]["message"]
    assert findings(summary, "C-MISSING") and master_rows(out)  # the other rules ran, the master exists


# ---------------------------------------------------------------- §5
def test_short_names_and_text_after_the_name_resolve_to_the_policy_names(tmp_path, policy, samples):
    inbox, out = tmp_path / "收件", tmp_path / "out"
    inbox.mkdir()
    cases = {"卫健委.xlsx": ("市卫健委", "推荐单位：市卫健委（公章）        填报日期：2025年12月18日"),
             "区.xlsx": ("平城区人社局", "推荐单位：平城区人社局  联系人：王芳  电话：0352-7930134"),
             "国资.xlsx": ("市国资委", "推荐单位：大同市国资委（公章）"),
             "就业.xlsx": ("市就业中心", None)}
    for n, (name, (short, line)) in enumerate(cases.items(), start=3):
        write_printed_submission(inbox / name, data_of(samples, n, short), policy)
        if line:
            set_recommender_line(inbox / name, line)
    register(inbox, cases)
    summary = merge(inbox, out, policy)
    expected = {"卫健委.xlsx": "大同市卫生健康委员会", "区.xlsx": "平城区人力资源和社会保障局",
                "国资.xlsx": "大同市国有资产监督管理委员会", "就业.xlsx": "大同市就业服务中心"}
    files = {f["name"]: f for f in summary["files"]}
    assert {n: files[n]["recommender"] for n in expected} == expected
    rows = master_rows(out)
    assert {r["推荐单位"] for r in rows} == set(expected.values())
    missing = {f["value"] for f in findings(summary, "C-MISSING")}
    assert not missing & set(expected.values())           # who sent is never 尚未报送
    assert not findings(summary, "C-RECOMMENDER")


def test_an_empty_line_falls_back_to_the_rows_column_and_an_unknown_name_is_c_recommender(tmp_path, policy, samples):
    inbox, out = tmp_path / "收件", tmp_path / "out"
    inbox.mkdir()
    write_printed_submission(inbox / "空行.xlsx", data_of(samples, 5, "市住建局"), policy)
    set_recommender_line(inbox / "空行.xlsx", "推荐单位：（公章）")   # the rows' 推荐单位 column says 市住建局
    write_printed_submission(inbox / "不明.xlsx", data_of(samples, 6, "大同市某某协会"), policy)
    register(inbox, ["空行.xlsx", "不明.xlsx"])
    summary = merge(inbox, out, policy)
    files = {f["name"]: f for f in summary["files"]}
    assert files["空行.xlsx"]["recommender"] == "大同市住房和城乡建设局"
    unknown = findings(summary, "C-RECOMMENDER")
    assert [f["file"] for f in unknown] == ["不明.xlsx"]
    assert "大同市某某协会" in unknown[0]["message"] and unknown[0]["cell"] == "A3"
    assert "大同市住房和城乡建设局" not in {f["value"] for f in findings(summary, "C-MISSING")}


def test_a_correction_under_the_short_name_supersedes_the_full_name_file(tmp_path, policy, samples):
    inbox, out = tmp_path / "收件", tmp_path / "out"
    inbox.mkdir()
    first = data_of(samples, 11, "大同市教育局")
    second = copy.deepcopy(first)
    second["bases"] = second["bases"][:1]
    write_printed_submission(inbox / "教育局_第一次.xlsx", first, policy)
    write_printed_submission(inbox / "教育局_更正.xlsx", second, policy)
    set_recommender_line(inbox / "教育局_更正.xlsx", "推荐单位：市教育局（盖章） 日期：2025.12.25")
    (inbox / REGISTER_NAME).write_text("文件名,收文日期\n教育局_第一次.xlsx,2025-12-20\n教育局_更正.xlsx,2025-12-26\n",
                                       encoding="utf-8")
    summary = merge(inbox, out, policy)
    files = {f["name"]: f for f in summary["files"]}
    assert files["教育局_第一次.xlsx"]["status"] == "已被替代" and files["教育局_更正.xlsx"]["status"] == "已汇总"
    rows = master_rows(out)
    assert [r["推荐单位"] for r in rows] == ["大同市教育局"]
    assert rows[0][unit_col(rows[0])] == second["bases"][0]["unit"]


# ---------------------------------------------------------------- §6
class GbkInfo(zipfile.ZipInfo):
    """An entry named as Windows' 发送到 → 压缩(zipped)文件夹 names it: GBK bytes, UTF-8 flag unset."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("cp936"), self.flag_bits & ~0x800


def test_a_windows_zip_with_gbk_names_is_read_and_what_cannot_be_opened_is_named(tmp_path, policy, samples):
    inbox, out, work = tmp_path / "收件", tmp_path / "out", tmp_path / "work"
    inbox.mkdir()
    work.mkdir()
    write_filled(work / "平城区申报.xlsx", data_of(samples, 1), policy)
    write_printed_submission(work / "附件7附件8.xlsx", data_of(samples, 12), policy)
    with zipfile.ZipFile(work / "inner.zip", "w") as inner:
        inner.writestr("灵丘县.xlsx", b"x")
    archive = inbox / "报送材料.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in ("平城区申报.xlsx", "附件7附件8.xlsx", "inner.zip"):
            info = GbkInfo(name, date_time=(2025, 12, 20, 10, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, (work / name).read_bytes())
        zf.writestr("说明.txt", "见附件".encode())
    (inbox / "天镇县.rar").write_bytes(b"Rar!\x1a\x07\x01\x00" + b"\x00" * 64)
    register(inbox, ["报送材料.zip", "平城区申报.xlsx", "附件7附件8.xlsx"])
    before = {p.name: p.read_bytes() for p in inbox.iterdir()}
    summary = merge(inbox, out, policy)
    files = {f["name"]: f for f in summary["files"]}
    assert files["报送材料.zip › 平城区申报.xlsx"]["status"] == "已汇总"
    assert files["报送材料.zip › 附件7附件8.xlsx"]["recommender"] == "大同市工业和信息化局"
    assert "灵丘县.xlsx" in files["报送材料.zip › inner.zip"]["reason"]
    assert "RAR" in files["天镇县.rar"]["reason"]
    assert files["报送材料.zip › 说明.txt"]["status"] == "已跳过"
    rows = master_rows(out)
    assert {r["来源文件"] for r in rows} == {"报送材料.zip › 平城区申报.xlsx", "报送材料.zip › 附件7附件8.xlsx"}
    assert {r["推荐单位"] for r in rows} == {"平城区人力资源和社会保障局", "大同市工业和信息化局"}
    assert {p.name: p.read_bytes() for p in inbox.iterdir()} == before      # nothing extracted into the inbox


def test_a_zip_bomb_stops_at_its_declared_size(tmp_path, policy):
    inbox, out = tmp_path / "收件", tmp_path / "out"
    inbox.mkdir()
    with zipfile.ZipFile(inbox / "炸弹.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(3):
            zf.writestr(f"{i}.xlsx", b"\0" * (90 * 1024 * 1024))
    summary = merge(inbox, out, policy)
    [f] = summary["files"]
    assert f["status"] == "已跳过" and "压缩炸弹" in f["reason"] and "0.xlsx" in f["reason"]


# ---------------------------------------------------------------- §9
def test_the_bureau_decides_once_and_every_later_run_applies_it(tmp_path, policy, samples):
    inbox, out = tmp_path / "收件", tmp_path / "out"
    inbox.mkdir()
    write_printed_submission(inbox / "协会.xlsx", data_of(samples, 7, "大同市技工教育协会"), policy)
    register(inbox, ["协会.xlsx"])
    summary = merge(inbox, out, policy)
    [q] = [q for q in summary["questions"] if q["kind"] == "推荐单位不明"]
    assert q["status"] == "待裁定" and "大同市技工教育协会" in q["what"]
    untiered = [q for q in summary["questions"] if q["kind"] == "档次未填"]
    # The master's 待裁定 sheet lists it with an empty, validated 裁定 column; so does the new 人工裁定.xlsx.
    wb = openpyxl.load_workbook(out / "汇总.xlsx")
    ws = wb["待裁定"]
    keys = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert q["key"] in keys and ws.cell(keys.index(q["key"]) + 2, 4).value is None
    assert any("D" in str(dv.sqref) for dv in ws.data_validations.dataValidation)
    book = out / "人工裁定.xlsx"
    assert book.is_file()

    decided = [q["key"], q["kind"], q["what"], "大同市总工会", "来函说明由市总工会推荐", "张科长", "2026-01-05"]
    rows = [decided, ["推荐单位:不存在的单位", "推荐单位不明", "", "大同市教育局", "旧的裁定", "张科长", "2026-01-05"]]
    if untiered:
        rows.append([untiered[0]["key"], "档次未填", "", "B", "按表4-2 补助", "张科长", "2026-01-05"])
    write_decisions(book, rows)
    out2 = tmp_path / "out2"
    out2.mkdir()
    shutil.copy(book, out2 / "人工裁定.xlsx")
    summary = merge(inbox, out2, policy)
    by_key = {x["key"]: x for x in summary["questions"]}
    assert by_key[q["key"]]["status"] == "已裁定" and "按“大同市总工会”汇总" in by_key[q["key"]]["effect"]
    assert by_key["推荐单位:不存在的单位"]["status"] == "未匹配"
    assert [r["推荐单位"] for r in master_rows(out2)] == ["大同市总工会"] * len(master_rows(out2))
    assert "大同市总工会" not in {f["value"] for f in findings(summary, "C-MISSING")}
    [c] = findings(summary, "C-RECOMMENDER")
    assert "人工裁定：大同市总工会" in c["message"] and "市总工会推荐" in c["message"]
    record = master_rows(out2, "人工裁定")
    assert {r["问题编号"]: r["状态"] for r in record}[q["key"]] == "已裁定"
    with sqlite3.connect(out2 / "汇总台账.sqlite") as db:
        kept = dict(db.execute("SELECT key, status FROM decisions").fetchall())
    assert kept[q["key"]] == "已裁定" and kept["推荐单位:不存在的单位"] == "未匹配"
    html_out = tmp_path / "报告.html"
    run_merge(inbox, out2 / "汇总.xlsx", policy, html=html_out, jobs=1)
    text = html_out.read_text(encoding="utf-8")
    assert q["key"] in text and "来函说明由市总工会推荐" in text


def test_a_late_file_the_bureau_refuses_is_not_merged(tmp_path, policy, samples):
    inbox, out = tmp_path / "收件", tmp_path / "out"
    inbox.mkdir()
    write_filled(inbox / "左云县.xlsx", data_of(samples, 10), policy)
    register(inbox, ["左云县.xlsx"], date="2026-01-08")
    summary = merge(inbox, out, policy)
    [q] = [q for q in summary["questions"] if q["kind"] == "逾期报送"]
    write_decisions(out / "人工裁定.xlsx", [[q["key"], q["kind"], q["what"], "不予受理", "逾期九天", "李", "2026-01-09"]])
    summary = merge(inbox, out, policy)
    [f] = summary["files"]
    assert f["status"] == "不予受理" and f["rows_merged"] == 0 and f["rows_rejected"] == f["rows_read"] > 0
    assert master_rows(out) == []


# ---------------------------------------------------------------- §10
def test_the_tools_own_outputs_in_the_inbox_are_recognised_by_content(tmp_path, policy, samples):
    inbox, out = tmp_path / "收件", tmp_path / "out"
    inbox.mkdir()
    write_filled(inbox / "平城区.xlsx", data_of(samples, 1), policy)
    register(inbox, ["平城区.xlsx"])
    run_merge(inbox, out / "汇总.xlsx", policy, feedback=out / "反馈", html=out / "报告.html",
              summary_json=out / "s.json", jobs=1)
    # Renamed as people do: nothing in the names says what they are.
    shutil.copy(out / "汇总.xlsx", inbox / "新建 Microsoft Excel 工作表.xlsx")
    shutil.copy(next((out / "反馈").glob("*.xlsx")), inbox / "平城区_修改版.xlsx")
    shutil.copy(out / "报告.html", inbox / "附件.htm")
    shutil.copy(out / "汇总台账.sqlite", inbox / "数据.xlsx")
    shutil.copy(out / "人工裁定.xlsx", inbox / "裁定.xlsx")
    shutil.copy(out / "s.json", inbox / "汇总结果.txt")
    from macros_py.cli.main import main as cli

    assert cli(["check", str(inbox / "平城区.xlsx"), "--json", str(tmp_path / "c.json")]) in (0, 1)
    shutil.copy(tmp_path / "c.json", inbox / "问题.txt")
    out2 = tmp_path / "out2"
    summary = merge(inbox, out2, policy)
    files = {f["name"]: f for f in summary["files"]}
    assert files["平城区.xlsx"]["status"] == "已汇总"
    assert "汇总工作簿" in files["新建 Microsoft Excel 工作表.xlsx"]["reason"]
    assert "反馈" in files["平城区_修改版.xlsx"]["reason"]
    assert "HTML" in files["附件.htm"]["reason"]
    assert "台账" in files["数据.xlsx"]["reason"]
    assert "人工裁定" in files["裁定.xlsx"]["reason"]
    assert "JSON" in files["汇总结果.txt"]["reason"]
    assert "check --json" in files["问题.txt"]["reason"]
    assert all(files[n]["status"] == "已跳过" and files[n]["rows_read"] == 0 for n in files if n != "平城区.xlsx")
    assert len(master_rows(out2)) == len(data_of(samples, 1)["bases"])
    # shenbao check on the folder knows them too.
    from macros_py.check.engine import check_paths

    report = check_paths([inbox], policy)
    status = {e.file: (e.status, e.reason) for e in report.files}
    assert status["新建 Microsoft Excel 工作表.xlsx"][0] == "ignored" and "汇总工作簿" in status["新建 Microsoft Excel 工作表.xlsx"][1]
    assert status["平城区.xlsx"][0] == "ok"


def test_the_reviews_workbooks_in_the_inbox_are_not_submissions(tmp_path, policy, samples):
    """The review's own workbooks (评分表, 复核表, 评审结果 …) copied into an inbox, renamed, are known by
    content (their property, or their very hidden 评审数据 sheet) and merge no row."""
    from macros_py.read.own_output import REVIEW, own_output

    inbox, out = tmp_path / "收件", tmp_path / "out"
    inbox.mkdir()
    write_filled(inbox / "平城区.xlsx", data_of(samples, 1), policy)
    register(inbox, ["平城区.xlsx"])
    returned = ROOT / "workbooks" / "samples" / "评审示例" / "回收"
    books = sorted(returned.glob("*.xlsx"))
    assert len(books) >= 2 and all(own_output(b) == REVIEW for b in books)
    for n, book in enumerate(books):
        shutil.copy(book, inbox / f"材料{n}.xlsx")
    summary = merge(inbox, out, policy)
    files = {f["name"]: f for f in summary["files"]}
    assert files["平城区.xlsx"]["status"] == "已汇总"
    for n in range(len(books)):
        f = files[f"材料{n}.xlsx"]
        assert (f["status"], f["rows_read"]) == ("已跳过", 0) and "评审" in f["reason"], f
    assert len(master_rows(out)) == len(data_of(samples, 1)["bases"])
    assert summary["rows_read"] == summary["rows_merged"] + summary["rows_rejected"]


def test_a_base_with_no_tier_is_asked_and_the_decided_tier_counts_in_the_quota_view(tmp_path, policy, samples):
    inbox, out = tmp_path / "收件", tmp_path / "out"
    inbox.mkdir()
    d = data_of(samples, 3)
    unit = d["bases"][0]["unit"]
    d["bases"] = d["bases"][:1]
    d["conditions"] = [r for r in d["conditions"] if r["unit"] == unit]
    d["majors"] = [r for r in d["majors"] if r["unit"] == unit]
    d["funding"] = [r for r in d["funding"] if r["unit"] == unit]
    for row, amount in zip(d["funding"][0]["amounts"], (11.0, 11.0, 11.0), strict=True):
        row[0] = amount                        # 上级财政补助 33 万元: no tier's subsidy, so no tier to infer
    write_printed_submission(inbox / "新荣区.xlsx", d, policy)   # the printed 附件7 has no 申报档次 column
    register(inbox, ["新荣区.xlsx"])
    summary = merge(inbox, out, policy)
    [q] = [q for q in summary["questions"] if q["kind"] == "档次未填"]
    assert unit in q["what"] and q["options"][:3] == ["A", "B", "C"]
    write_decisions(out / "人工裁定.xlsx", [[q["key"], q["kind"], q["what"], "B", "按申报书", "王", "2026-01-02"]])
    summary = merge(inbox, out, policy)
    assert {x["key"]: x["status"] for x in summary["questions"]}[q["key"]] == "已裁定"
    quota = {r["类别"]: r["申报数"] for r in master_rows(out, "名额对照")}
    assert quota["B档基地"] == 1
    [row] = master_rows(out)
    assert row["申报档次"] == "B" and row["推荐单位"] == "新荣区人力资源和社会保障局"


def test_names_alike_are_asked_and_same_unit_makes_them_a_cross_channel_b_dup(tmp_path, policy, samples):
    inbox, out = tmp_path / "收件", tmp_path / "out"
    inbox.mkdir()
    county, city = data_of(samples, 1), data_of(samples, 13)
    county["bases"][0]["unit"] = "大同煤矿集团职工培训中心"
    city["bases"][0]["unit"] = "大同煤矿集团有限责任公司职工培训中心"
    for d in (county, city):
        old = next(r["unit"] for r in d["conditions"])
        for key in ("conditions", "funding", "majors"):
            for r in d[key]:
                if r["unit"] == old:
                    r["unit"] = d["bases"][0]["unit"]
    write_filled(inbox / "平城区.xlsx", county, policy)
    write_filled(inbox / "住建局.xlsx", city, policy)
    register(inbox, ["平城区.xlsx", "住建局.xlsx"])
    summary = merge(inbox, out, policy)
    [q] = [q for q in summary["questions"] if q["kind"] == "名称相近"]
    write_decisions(out / "人工裁定.xlsx", [[q["key"], q["kind"], q["what"], "同一单位", "同一法人", "王", "2026-01-02"]])
    summary = merge(inbox, out, policy)
    found = findings(summary, "B-DUP")
    assert {(f["file"], f["severity"]) for f in found} == {("平城区.xlsx", "错误"), ("住建局.xlsx", "错误")}
    assert all(f["cell"] == "B4" and "人工裁定：同一单位" in f["message"] for f in found)
    dup = [r for r in master_rows(out, "重复申报") if "相近" in (r["依据"] or "")]
    assert {r["推荐单位"] for r in dup} == {"平城区人力资源和社会保障局", "大同市住房和城乡建设局"}
    assert {r["严重程度"] for r in dup} == {"错误"} and all("人工裁定为同一单位" in r["依据"] for r in dup)


def test_question_keys_are_stable_across_runs_and_decisions(tmp_path, policy, samples):
    inbox = tmp_path / "收件"
    inbox.mkdir()
    write_printed_submission(inbox / "协会.xlsx", data_of(samples, 8, "某某协会"), policy)
    (inbox / REGISTER_NAME).write_text("文件名,收文日期\n协会.xlsx,2026-01-03\n", encoding="utf-8")   # late too
    first = merge(inbox, tmp_path / "a", policy)
    second = merge(inbox, tmp_path / "b", policy)
    keys = [q["key"] for q in first["questions"]]
    assert keys == [q["key"] for q in second["questions"]] and len(keys) >= 2
    [who] = [q for q in first["questions"] if q["kind"] == "推荐单位不明"]
    (tmp_path / "c").mkdir()
    write_decisions(tmp_path / "c" / "人工裁定.xlsx", [[who["key"], "", "", "大同市能源局", "", "", ""]])
    third = merge(inbox, tmp_path / "c", policy)
    assert {q["key"] for q in third["questions"]} == set(keys)
    assert {q["key"]: q["status"] for q in third["questions"]}[who["key"]] == "已裁定"


def test_a_clerks_sheet_called_like_ours_does_not_make_a_submission_our_output(tmp_path, policy, samples):
    inbox, out = tmp_path / "收件", tmp_path / "out"
    inbox.mkdir()
    path = write_printed_submission(inbox / "阳高县.xlsx", data_of(samples, 5), policy)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("汇总数据")["A1"] = "本县汇总"
    wb.save(path)
    register(inbox, ["阳高县.xlsx"])
    summary = merge(inbox, out, policy)
    [f] = summary["files"]
    assert f["status"] == "已汇总" and f["recommender"] == "阳高县人力资源和社会保障局"
