"""A whole merge run: read and check the inbox, write the master and the outputs asked for, commit the
ledger. The command line and the ribbon's 合并文件夹… both run this, so they do the same thing."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from macros_py.model.summary import MergeSummary
from macros_py.policy.load import Policy


@dataclass
class MergeOutputs:
    summary: MergeSummary
    master: Path
    lines: list[str] = field(default_factory=list)   # what the run tells its user, in order


def _width(text: str) -> int:
    """Columns a terminal gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def reconciliation_lines(summary: MergeSummary) -> list[str]:
    s = summary
    lines = [f"对账：读取 {s.rows_read} 行 = 汇总 {s.rows_merged} 行 + 未汇总 {s.rows_rejected} 行"]
    width = max([_width(f.name) for f in s.files] + [4])
    lines.append(f"  {_pad('文件', width)}  读取  汇总  未汇总  状态")
    for f in s.files:
        lines.append(f"  {_pad(f.name, width)}  {f.rows_read:>4}  {f.rows_merged:>4}  {f.rows_rejected:>6}  {f.status}"
                     + (f"：{f.reason}" if f.reason and f.status != "已汇总" else ""))
    if s.rows_read != s.rows_merged + s.rows_rejected:
        lines.append("  对账不平！请把收件文件夹发给系统维护人员。")
    return lines


def _start_feedback(feedback, summary: MergeSummary, policy: Policy):
    """write_feedback in a forked worker (the summary is already in its memory), or None where fork is
    not available."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from macros_py.write.feedback import write_feedback

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    future = pool.submit(write_feedback, feedback, summary, policy)
    pool.shutdown(wait=False)
    return future


def run_merge(inbox: str | Path, master: str | Path, policy: Policy, *, ledger: str | Path | None = None,
              feedback: str | Path | None = None, summary_json: str | Path | None = None,
              html: str | Path | None = None, jobs: int | None = None) -> MergeOutputs:
    from macros_py.merge.run import commit_ledger, default_jobs, merge
    from macros_py.write.master import write_master

    inbox, master = Path(inbox), Path(master)
    run_ = merge(inbox, master, ledger_path=ledger, policy=policy, jobs=jobs)
    s = run_.summary
    # The feedback files (one workbook per recommender) are written by a second process while this one
    # writes the master, where there is more than one core to use.
    pending = _start_feedback(feedback, s, policy) if feedback and (jobs or default_jobs()) > 1 else None
    write_master(master, s, run_.currents, run_.findings, policy)
    extra = []
    if feedback:
        from macros_py.write.feedback import write_feedback

        paths = pending.result() if pending is not None else write_feedback(feedback, s, policy)
        extra.append(f"反馈工作簿 {len(paths)} 个：{feedback}")
    if summary_json:
        from macros_py.write.xlsx_pack import write_atomic

        write_atomic(summary_json, (s.to_json() + "\n").encode("utf-8"))
        extra.append(f"汇总 JSON：{summary_json}")
    if html:
        from macros_py.report.html import write_report

        write_report(s, html, policy)
        extra.append(f"HTML 报告：{html}")
    from macros_py.merge.decisions import DECISIONS_NAME
    from macros_py.write.decisions import write_decisions_book

    book = write_decisions_book(run_.ledger_path.parent / DECISIONS_NAME, s.questions, policy)
    if book:
        extra.append(f"人工裁定工作簿（新建，在“裁定”列填写后重新汇总即生效）：{book}")
    commit_ledger(run_, inbox, master)

    by_status: dict[str, int] = {}
    for f in s.files:
        by_status[f.status] = by_status.get(f.status, 0) + 1
    lines = [f"收到文件 {len(s.files)} 个：" + "，".join(f"{k} {v}" for k, v in by_status.items())]
    lines += reconciliation_lines(s)
    sev: dict[str, int] = {}
    for f in s.findings:
        sev[f["severity"]] = sev.get(f["severity"], 0) + 1
    lines.append("问题：" + "，".join(f"{k} {sev.get(k, 0)} 条" for k in ("错误", "警告", "提示"))
                 + "（见汇总工作簿“问题清单”）")
    open_q = sum(1 for q in s.questions if q.status == "待裁定")
    done_q = sum(1 for q in s.questions if q.status == "已裁定")
    stale_q = sum(1 for q in s.questions if q.status == "未匹配")
    lines.append(f"人工裁定：待裁定 {open_q} 项，已裁定并应用 {done_q} 项"
                 + (f"，未匹配 {stale_q} 项（见汇总工作簿“人工裁定”）" if stale_q else "")
                 + ("（见汇总工作簿“待裁定”）" if open_q else ""))
    lines.append(f"汇总工作簿：{master.resolve()}")
    return MergeOutputs(s, master, lines + extra)
