"""`shenbao merge` over a realistic inbox (tests/merge_inbox.py): the reconciliation, every bureau-side
rule, supersession, the ledger, determinism, text that looks like a formula, masked ID numbers, and
LibreOffice opening the master."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter

import openpyxl
import pytest
from conftest import requires_libreoffice
from merge_inbox import INJECTED, build_inbox

from macros_py.cli.main import main
from macros_py.model.findings import ERROR, INFO, WARNING
from macros_py.policy.load import CHANNEL_CITY, CHANNEL_COUNTY
from macros_py.read.master import load_summary


def run_merge(inbox, out, *extra) -> dict:
    code = main(["merge", str(inbox), "-o", str(out / "汇总.xlsx"), "--summary-json", str(out / "summary.json"),
                 "--jobs", "1", *extra])
    assert code == 0
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def inbox(tmp_path_factory, policy):
    return build_inbox(tmp_path_factory.mktemp("inbox") / "收件", policy)


@pytest.fixture(scope="module")
def merged(inbox, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    summary = run_merge(inbox.path, out, "--feedback", str(out / "反馈"))
    return out, summary


def by_name(summary, role_path):
    return next(f for f in summary["files"] if f["name"] == role_path)


def findings(summary, rule, file=None):
    return [f for f in summary["findings"] if f["rule"] == rule and (file is None or f["file"] == file)]


def test_every_row_read_is_merged_or_listed_with_its_reason(merged, inbox):
    _, s = merged
    assert s["rows_read"] == s["rows_merged"] + s["rows_rejected"] > 0
    for f in s["files"]:
        assert f["rows_read"] == f["rows_merged"] + f["rows_rejected"], f
    rejected = Counter(r["file"] for r in s["rejected"])
    for f in s["files"]:
        assert rejected[f["name"]] == f["rows_rejected"], f["name"]
    # a superseded file and a byte-identical copy give all their rows, each with a reason
    for role in ("resub_old", "copy"):
        f = by_name(s, inbox.files[role])
        assert f["rows_read"] > 0 and f["rows_rejected"] == f["rows_read"] and f["rows_merged"] == 0
        assert all(r["reason"] for r in s["rejected"] if r["file"] == f["name"])


def test_files_that_are_not_read_are_listed_with_the_reason(merged, inbox):
    _, s = merged
    broken = by_name(s, inbox.files["broken"])
    assert broken["status"] == "无法使用" and "不是 Excel 工作簿" in broken["reason"]
    lock = by_name(s, inbox.files["lock"])
    assert lock["status"] == "已跳过" and "锁定文件" in lock["reason"]
    assert [f for f in findings(s, "C-TEMPLATE") if f["file"] == inbox.files["broken"] and f["severity"] == ERROR]
    names = {f["name"] for f in s["files"]}
    assert names == {p for p in inbox.files.values()}, "every file of the inbox is in the summary"


def test_the_same_bytes_twice_count_once(merged, inbox):
    _, s = merged
    copy = by_name(s, inbox.files["copy"])
    assert copy["status"] == "重复文件" and inbox.files["t3"] in copy["reason"]
    assert by_name(s, inbox.files["t3"])["status"] == "已汇总"


def test_a_later_file_from_the_same_recommender_supersedes_the_earlier(merged, inbox):
    out, s = merged
    old, new = by_name(s, inbox.files["resub_old"]), by_name(s, inbox.files["resub_new"])
    assert old["status"] == "已被替代" and inbox.files["resub_new"] in old["reason"]
    assert new["status"] == "已汇总"
    status = next(r for r in s["recommenders"] if r["name"] == new["recommender"])
    assert status["file"] == new["name"] and any(inbox.files["resub_old"] in h for h in status["history"])
    ws = openpyxl.load_workbook(out / "汇总.xlsx", read_only=True)["基地汇总"]
    sources = [row[-5] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert inbox.files["resub_old"] not in sources
    assert sources.count(inbox.files["resub_new"]) == len(inbox.data["resub_new"]["bases"])


def test_b_dup_across_channels_is_an_error_at_both_rows(merged, inbox):
    _, s = merged
    dup = findings(s, "B-DUP")
    errors = [f for f in dup if f["severity"] == ERROR]
    assert {f["file"] for f in errors} == {inbox.files["t8"], inbox.files["city"]}
    unit = inbox.data["t8"]["bases"][0]["unit"]
    assert all(f["value"] == unit and f["sheet"] == "附件7 基地汇总" for f in errors)
    assert {f["cell"] for f in errors if f["file"] == inbox.files["t8"]} == {"B4"}
    city_row = 4 + len(inbox.data["city"]["bases"]) - 1
    assert {f["cell"] for f in errors if f["file"] == inbox.files["city"]} == {f"B{city_row}"}
    group = next(g for g in s["duplicates"] if g["rule"] == "B-DUP" and g["severity"] == ERROR)
    assert {m["channel"] for m in group["members"]} == {CHANNEL_COUNTY, CHANNEL_CITY}


def test_s_dup_the_same_master_in_two_files(merged, inbox):
    _, s = merged
    dup = findings(s, "S-DUP")
    assert {f["file"] for f in dup} == {inbox.files["donor"], inbox.files["city"]}
    assert all(f["value"] == inbox.s_dup_leader and f["severity"] == ERROR for f in dup)
    group = next(g for g in s["duplicates"] if g["rule"] == "S-DUP")
    assert group["basis"] == "身份证号相同"
    assert all(m["code"] and inbox.s_dup_id not in m["code"] and m["code"][:6] == inbox.s_dup_id[:6]
               for m in group["members"])


def test_quota_lines_count_the_merged_rows(merged, inbox, policy):
    out, s = merged
    ws = openpyxl.load_workbook(out / "汇总.xlsx", read_only=True)["基地汇总"]
    rows = list(ws.iter_rows(min_row=1, values_only=True))
    tier = rows[0].index("申报档次")
    merged_tiers = Counter(r[tier] for r in rows[1:])
    quota = {q["kind"]: q for q in s["quotas"]}
    for t in policy.tiers.values():
        assert quota[f"{t.name}档基地"]["applications"] == merged_tiers[t.name]
        assert quota[f"{t.name}档基地"]["places"] == t.places
        line = next(f for f in findings(s, "B-QUOTA") if f"{t.name} 档" in f["message"])
        assert f"申报 {merged_tiers[t.name]} 个" in line["message"] and line["severity"] == INFO
    studios = openpyxl.load_workbook(out / "汇总.xlsx")["工作室汇总"].max_row - 1
    assert quota["技能大师工作室"]["applications"] == studios
    assert f"申报 {studios} 个" in findings(s, "S-QUOTA")[0]["message"]


def test_c_late_flags_the_file_received_after_the_deadline(merged, inbox):
    _, s = merged
    late = findings(s, "C-LATE")
    assert [f["file"] for f in late] == [inbox.files["donor"]]
    assert late[0]["severity"] == WARNING and "2026-01-03" in late[0]["message"]
    assert by_name(s, inbox.files["donor"])["late"] is True


def test_c_missing_names_every_expected_recommender_that_sent_nothing(merged, policy):
    _, s = merged
    sent = {r["name"] for r in s["recommenders"] if r["received"]}
    missing = {f["value"] for f in findings(s, "C-MISSING")}
    assert missing == {r.name for r in policy.recommenders} - sent
    assert missing and all(f["severity"] == INFO for f in findings(s, "C-MISSING"))


def test_printed_layout_files_are_merged(merged, inbox):
    _, s = merged
    for role in ("printed1", "printed2"):
        f = by_name(s, inbox.files[role])
        assert f["status"] == "已汇总" and f["layout"] == "printed"
        assert f["bases"] == len(inbox.data[role]["bases"])


def test_text_that_looks_like_a_formula_stays_text(merged):
    out, _ = merged
    wb = openpyxl.load_workbook(out / "汇总.xlsx")
    hits = [(ws.title, c.coordinate, c.data_type) for ws in wb for row in ws.iter_rows() for c in row
            if c.value == INJECTED]
    assert {t for t, _, _ in hits} >= {"基地汇总", "附件7", "经费汇总"}
    assert all(dtype == "s" for _, _, dtype in hits), hits
    assert not [c for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_id_numbers_are_masked_outside_the_one_sheet(merged, inbox):
    out, s = merged
    full = inbox.s_dup_id
    wb = openpyxl.load_workbook(out / "汇总.xlsx")
    where = {ws.title for ws in wb for row in ws.iter_rows(values_only=True) for v in row
             if isinstance(v, str) and full in v and ws.title != "汇总数据"}
    assert where == {"大师身份信息"}
    assert full not in json.dumps(s, ensure_ascii=False)
    masked = full[:6] + "*" * 8 + full[-4:]
    assert masked in [v for row in wb["工作室汇总"].iter_rows(values_only=True) for v in row]
    for path in (out / "反馈").glob("*.xlsx"):
        fb = openpyxl.load_workbook(path)
        assert not [v for ws in fb for row in ws.iter_rows(values_only=True) for v in row
                    if isinstance(v, str) and full in v], path.name


def test_feedback_one_workbook_per_recommender_with_its_findings(merged, inbox):
    out, s = merged
    names = sorted(p.name for p in (out / "反馈").glob("*.xlsx"))
    kept = {f["recommender"] for f in s["files"] if f["status"] == "已汇总"}
    assert len(names) == len(kept) + 1       # + the unusable file, named after itself
    city = next(f for f in s["files"] if f["name"] == inbox.files["city"])
    wb = openpyxl.load_workbook(out / "反馈" / f"反馈_{city['recommender']}.xlsx")
    head = [c.value for c in wb["问题清单"][1]]
    rules = {row[head.index("规则")] for row in wb["问题清单"].iter_rows(min_row=2, values_only=True)}
    assert {"B-DUP", "S-DUP"} <= rules
    assert "推荐单位" not in head and "文件" not in head      # said once, on 反馈说明


def test_master_carries_the_summary_for_the_report(merged):
    out, s = merged
    assert load_summary(out / "汇总.xlsx").to_dict() == s


def test_the_same_inbox_gives_the_same_master_bytes(merged, inbox, tmp_path):
    out, _ = merged
    first = (out / "汇总.xlsx").read_bytes()
    run_merge(inbox.path, out)                                # again, same ledger
    assert (out / "汇总.xlsx").read_bytes() == first
    fresh = tmp_path / "fresh"
    run_merge(inbox.path, fresh)                              # a new ledger elsewhere
    assert (fresh / "汇总.xlsx").read_bytes() == first


def test_the_ledger_records_each_file_once_and_each_run(merged, inbox, tmp_path):
    out, s = merged
    db = sqlite3.connect(out / "汇总台账.sqlite")
    shas = {f["sha256"] for f in s["files"] if f["sha256"]}
    assert {r[0] for r in db.execute("SELECT sha256 FROM files")} == shas
    statuses = dict(db.execute("SELECT relpath, status FROM files"))
    assert statuses[inbox.files["resub_old"]] == "已被替代"
    assert db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] >= 1


@pytest.mark.parametrize("where", ["while building", "while renaming"])
def test_a_run_that_fails_half_way_leaves_no_master_and_the_ledger_as_it_was(inbox, tmp_path, monkeypatch, capsys,
                                                                             where):
    out = tmp_path / "out"
    run_merge(inbox.path, out)
    before = (out / "汇总.xlsx").read_bytes()
    db_before = sqlite3.connect(out / "汇总台账.sqlite").execute("SELECT COUNT(*) FROM runs").fetchone()[0]

    def broken(*args, **kwargs):
        raise OSError("磁盘已满（测试）")

    if where == "while building":
        import macros_py.write.master as wm
        monkeypatch.setattr(wm, "stats_sheets", broken)
    else:
        import macros_py.write.xlsx_pack as xp
        monkeypatch.setattr(xp.os, "replace", broken)
    capsys.readouterr()
    assert main(["merge", str(inbox.path), "-o", str(out / "汇总.xlsx"), "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "磁盘已满（测试）" in err
    assert (out / "汇总.xlsx").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.startswith(".~shenbao-")]
    runs = sqlite3.connect(out / "汇总台账.sqlite").execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    assert runs == db_before


def test_a_ledger_write_that_fails_is_rolled_back(inbox, tmp_path, monkeypatch):
    from macros_py.merge.ledger import Ledger

    out = tmp_path / "out"
    run_merge(inbox.path, out)
    path = out / "汇总台账.sqlite"
    before = sqlite3.connect(path).execute("SELECT COUNT(*), MAX(last_run) FROM files").fetchone()
    real = Ledger.record_run

    def half(self, run_id, entries, *args):
        real(self, run_id, list(entries)[:1], *args)       # writes part of the run, then dies
        raise KeyboardInterrupt

    monkeypatch.setattr(Ledger, "record_run", half)
    with pytest.raises(KeyboardInterrupt):
        import argparse

        from macros_py.cli.merge import run
        run(argparse.Namespace(inbox=str(inbox.path), output=str(out / "汇总.xlsx"), ledger=None, feedback=None,
                               summary_json=None, html=None, jobs=1, policy=None, force=False))
    assert sqlite3.connect(path).execute("SELECT COUNT(*), MAX(last_run) FROM files").fetchone() == before


def test_inputs_are_never_modified(inbox, tmp_path):
    import hashlib

    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.path.rglob("*") if p.is_file()}
    run_merge(inbox.path, tmp_path / "out", "--feedback", str(tmp_path / "fb"))
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.path.rglob("*") if p.is_file()}
    assert before == after


def test_parallel_reading_gives_the_same_master(inbox, merged, tmp_path):
    out, _ = merged
    code = main(["merge", str(inbox.path), "-o", str(tmp_path / "汇总.xlsx"), "--jobs", "2"])
    assert code == 0
    assert (tmp_path / "汇总.xlsx").read_bytes() == (out / "汇总.xlsx").read_bytes()


def test_two_processes_write_every_feedback_workbook_once(inbox, merged, tmp_path):
    """With two processes the feedback workbooks are shared between them (jobs.merge._Shares): each
    is written once, all of them, the same bytes as one process writes, and no temporary is left."""
    out, _ = merged
    code = main(["merge", str(inbox.path), "-o", str(tmp_path / "汇总.xlsx"), "--jobs", "2",
                 "--feedback", str(tmp_path / "反馈"), "--summary-json", str(tmp_path / "summary.json"),
                 "--html", str(tmp_path / "report.html")])
    assert code == 0
    one = {p.name: p.read_bytes() for p in (out / "反馈").iterdir()}
    two = {p.name: p.read_bytes() for p in (tmp_path / "反馈").iterdir()}
    assert len(one) > 5 and two == one
    assert (tmp_path / "汇总.xlsx").read_bytes() == (out / "汇总.xlsx").read_bytes()
    assert json.loads((tmp_path / "summary.json").read_text(encoding="utf-8")) == merged[1]
    assert not [p for p in tmp_path.rglob(".~shenbao-*")]


def test_console_prints_the_reconciliation(inbox, tmp_path, capsys):
    main(["merge", str(inbox.path), "-o", str(tmp_path / "汇总.xlsx"), "--jobs", "1"])
    text = capsys.readouterr().out
    assert "对账：读取" in text and "汇总工作簿：" in text
    assert "坏文件.xlsx" in text and "无法使用" in text


@requires_libreoffice
def test_libreoffice_opens_and_recalculates_the_master(merged, tmp_path):
    from macros_py.write.libreoffice import convert

    out, _ = merged
    shutil.copy(out / "汇总.xlsx", tmp_path / "master.xlsx")
    [converted] = convert([tmp_path / "master.xlsx"], tmp_path / "lo")
    wb = openpyxl.load_workbook(converted, data_only=True)
    original = openpyxl.load_workbook(out / "汇总.xlsx", read_only=True)
    assert wb.sheetnames == original.sheetnames
    errors = [(ws.title, c.coordinate, c.value) for ws in wb for row in ws.iter_rows() for c in row
              if isinstance(c.value, str) and (c.value.startswith("#") or c.value.startswith("Err:"))]
    assert not errors
    assert [c.value for c in wb["基地汇总"][1]] == [c.value for c in next(original["基地汇总"].iter_rows(max_row=1))]
    assert INJECTED in [c.value for row in wb["基地汇总"].iter_rows() for c in row]


def test_merge_html_report_in_the_browser_equals_the_summary(inbox, tmp_path):
    """`merge --html`: the page's headline figures equal `--summary-json` in a real browser."""
    from tests.browser import check_report, chromium_missing

    if chromium_missing():
        pytest.skip(chromium_missing())
    summary = run_merge(inbox.path, tmp_path, "--html", str(tmp_path / "汇总报告.html"))
    sections = sum(1 for r in summary["recommenders"] if r["received"])
    result = check_report(tmp_path / "汇总报告.html", summary, tmp_path / "artifacts", min_pages=sections + 2)
    assert result["figures"]["files"] == len(summary["files"])


def test_rows_that_cannot_join_their_project_are_listed_not_lost(tmp_path, policy):
    """A 基地条件 row for a unit not in 附件7, and a second 基地条件 row for the same base: both are
    read, neither is in 基地汇总, and each is in 未汇总的行 with its reason."""
    import copy

    from macros_py.write.fill import write_filled
    from macros_py.write.samples import generate

    data = copy.deepcopy(next(s for s in generate(policy) if not s.breaks).data)
    data["conditions"].append(dict(data["conditions"][0]))                      # the same base twice
    data["conditions"].append(dict(data["conditions"][0], unit="不在附件7里的单位"))  # no such base
    (tmp_path / "in").mkdir()
    write_filled(tmp_path / "in" / "a.xlsx", data, policy)
    s = run_merge(tmp_path / "in", tmp_path / "out")
    assert s["rows_read"] == s["rows_merged"] + s["rows_rejected"]
    reasons = sorted(r["reason"] for r in s["rejected"])
    assert len(reasons) == 2 and "C-ROWDUP" in reasons[0] + reasons[1] and any("附件7" in r for r in reasons)
    rows = {r["row"] for r in s["rejected"]}
    n = len(data["conditions"])
    assert rows == {3 + n - 1, 3 + n}          # the last two 基地条件 rows (header on row 3)


def test_a_copy_of_the_same_bytes_gives_the_same_master_on_every_run(tmp_path):
    """An unregistered copy of a file (the same bytes, saved again later) takes the first copy's received
    time, as the ledger records it for those bytes: the first run's outputs equal the second's (found by
    a new-user trial: the second run read the first copy's time back from the ledger and differed)."""
    import os
    from pathlib import Path

    sample = sorted((Path(__file__).resolve().parent.parent / "workbooks" / "samples").glob("0*.xlsx"))[0]
    inbox = tmp_path / "收件"
    (inbox / "补发").mkdir(parents=True)
    shutil.copy(sample, inbox / sample.name)
    shutil.copy(sample, inbox / "补发" / "再次发送.xlsx")
    os.utime(inbox / sample.name, (1_764_000_000, 1_764_000_000))
    os.utime(inbox / "补发" / "再次发送.xlsx", (1_764_090_000, 1_764_090_000))
    out = tmp_path / "out"
    argv = ["merge", str(inbox), "-o", str(out / "汇总.xlsx"), "--summary-json", str(out / "s.json"), "--jobs", "1"]
    assert main(argv) == 0
    first = json.loads((out / "s.json").read_text(encoding="utf-8"))
    assert main(argv) == 0
    second = json.loads((out / "s.json").read_text(encoding="utf-8"))
    times = {f["name"]: f["received"] for f in first["files"]}
    assert times[sample.name] == times["补发/再次发送.xlsx"]
    assert first == second


def test_an_inbox_of_unusable_files_says_nothing_was_merged(tmp_path, capsys):
    # The master is still written (it lists who sent what, and why it was not read), and the console
    # says, before the reconciliation, that no project was merged.
    inbox = tmp_path / "收件"
    inbox.mkdir()
    (inbox / "平城区.xlsx").write_text("不是工作簿", encoding="utf-8")
    (inbox / "说明.txt").write_text("见附件", encoding="utf-8")
    code = main(["merge", str(inbox), "-o", str(tmp_path / "汇总.xlsx")])
    out = capsys.readouterr().out
    assert code == 0 and (tmp_path / "汇总.xlsx").is_file()
    assert "注意：没有汇总到任何基地或工作室项目" in out
    summary = load_summary(tmp_path / "汇总.xlsx")
    assert not summary.bases and {f.status for f in summary.files} == {"无法使用", "已跳过"}


def test_the_receipt_register_is_bounded_and_its_problems_are_listed_twenty_at_most(tmp_path):
    from macros_py.merge.inbox import MAX_REGISTER_BYTES, REGISTER_NAME, read_register

    register = tmp_path / REGISTER_NAME
    lines = ["文件名,收文日期", "a.xlsx,2025-12-20"] + [f"f{i}.xlsx,{'x' * 300}" for i in range(100)]
    register.write_text("\n".join(lines) + "\n", encoding="utf-8")
    received, problems = read_register(tmp_path)
    assert set(received) == {"a.xlsx"}
    assert len(problems) == 21 and "另有 80 行无法使用" in problems[-1]
    assert all(len(p) < 120 for p in problems)                         # a long cell is shown cut
    with register.open("ab") as fh:                                    # some other file, renamed
        fh.truncate(MAX_REGISTER_BYTES + 1)
    received, problems = read_register(tmp_path)
    assert received == {} and len(problems) == 1 and "超过 4 MB 的上限" in problems[0]


def _write_two_then_die():
    """The second process killed after it has taken three feedback workbooks and written two."""
    import os

    from macros_py.jobs import merge as jobs

    job = jobs._FORKED[0]
    taken = [job.shares.front() for _ in range(3)]
    jobs._write_feedback(job, iter([*taken[:2], None]).__next__)
    os._exit(3)


def test_a_second_process_that_dies_loses_no_output(inbox, merged, tmp_path, monkeypatch, capsys):
    from macros_py.jobs import merge as jobs

    out, _ = merged
    monkeypatch.setattr(jobs, "_write_forked", _write_two_then_die)
    code = main(["merge", str(inbox.path), "-o", str(tmp_path / "汇总.xlsx"), "--jobs", "2",
                 "--feedback", str(tmp_path / "反馈"), "--summary-json", str(tmp_path / "summary.json")])
    assert code == 0
    assert "第二个进程意外退出" in capsys.readouterr().out
    one = {p.name: p.read_bytes() for p in (out / "反馈").iterdir()}
    assert {p.name: p.read_bytes() for p in (tmp_path / "反馈").iterdir()} == one
    assert json.loads((tmp_path / "summary.json").read_text(encoding="utf-8")) == merged[1]
    assert not [p for p in tmp_path.rglob(".~shenbao-*")]


def _take_all(shares, queue):
    taken = []
    while (i := shares.front()) is not None:
        taken.append(i)
    queue.put(taken)


def test_the_feedback_plan_is_shared_between_two_processes_without_a_gap_or_a_repeat():
    import multiprocessing

    from macros_py.jobs.merge import _Shares

    context = multiprocessing.get_context("fork")
    shares, queue = _Shares(context, 2000), context.Queue()
    worker = context.Process(target=_take_all, args=(shares, queue))
    worker.start()
    mine = []
    while (i := shares.back()) is not None:
        mine.append(i)
    theirs = queue.get(timeout=60)
    worker.join(timeout=60)
    assert sorted(mine + theirs) == list(range(2000))
    assert theirs == sorted(theirs) and mine == sorted(mine, reverse=True)   # front from 0, back from the end
