"""A whole merge run: read and check the inbox, write the master and the outputs asked for, commit the
ledger. The command line and the ribbon's 合并文件夹… both run this, so they do the same thing.

Order, so that a run that fails or is killed at any point leaves the old outputs with the old ledger,
or the new outputs with the new ledger, never a mix (write/staging.py):
1. every output path is claimed (write/outputs.py) before anything is read: a refusal costs nothing;
2. what killed runs left beside the outputs is completed or undone, their temporaries removed;
3. the inbox is read and checked, the summary built;
4. master, feedback workbooks, JSON and HTML are written to temporaries beside their targets;
5. the journal; the ledger's write lock (busy timeout, then a message); the run recorded with its token;
   the renames (old outputs kept aside); COMMIT;
6. the old outputs' backups deleted.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from macros_py.model.summary import MergeSummary
from macros_py.policy.load import Policy


@dataclass
class MergeOutputs:
    summary: MergeSummary
    master: Path
    lines: list[str] = field(default_factory=list)   # what the run tells its user, in order
    exit_code: int = 0


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


LEDGER_SUFFIXES = (".sqlite", ".sqlite3", ".db")


def claim_outputs(inbox: Path, master: Path, *, ledger: Path, feedback: Path | None, summary_json: Path | None,
                  html: Path | None, force: bool) -> None:
    """Refuse (OutputError) before any work if an output may not or cannot be written."""
    from macros_py.merge.ledger import LedgerError, check_ledger_file
    from macros_py.model.errors import OutputError
    from macros_py.write import outputs as o

    o.claim(master, o.MASTER, force=force, inbox=inbox, option="-o")
    if summary_json:
        o.claim(summary_json, o.SUMMARY_JSON, force=force, inbox=inbox, option="--summary-json")
    if html:
        o.claim(html, o.MERGE_HTML, force=force, inbox=inbox, option="--html")
    if feedback:
        o.claim_folder(feedback, inbox=inbox, option="--feedback", what="反馈文件夹")
    files = [p.resolve() for p in (master, summary_json, html, ledger) if p]
    if len(set(files)) < len(files):
        raise OutputError("输出文件（汇总工作簿、台账、JSON、HTML）须各不相同。")
    if o._inside(ledger.resolve(), inbox.resolve()):
        raise OutputError(f"台账 {ledger} 在收件文件夹 {inbox} 里面；请把台账放在收件文件夹之外。")
    if ledger.is_dir():
        raise OutputError(f"无法写入台账 {ledger}：这是一个文件夹，而台账应是一个文件。")
    if ledger.suffix.lower() not in LEDGER_SUFFIXES:
        raise OutputError(f"--ledger {ledger}：台账的文件名应以 {' 或 '.join(LEDGER_SUFFIXES)} 结尾。")
    if ledger.is_file():
        with ledger.open("rb") as fh:
            head = fh.read(16)
        if head and head != b"SQLite format 3\x00":
            raise LedgerError(f"台账 {ledger} 不是 shenbao 的台账文件（不是 SQLite 数据库）。"
                              "请用 --ledger 指定另一个文件；本程序不会改写它。")
        check_ledger_file(ledger)
    else:
        o.claim_folder(ledger.parent, what="台账所在的文件夹")


@dataclass
class SideOutputs:
    """The outputs that render the summary alone, not the files' rows: the feedback workbooks, the
    summary JSON and the HTML report, each to the temporary the run staged for it."""
    summary: MergeSummary
    policy: Policy
    force: bool
    feedback: Path | None = None
    places: dict | None = None
    staged: dict = field(default_factory=dict)
    plan: list = field(default_factory=list)
    summary_json: Path | None = None
    html: Path | None = None
    shares: _Shares | None = None    # the feedback workbooks, when two processes write them


class _Shares:
    """The feedback workbooks not yet written, shared by the two processes through memory made before
    the fork: the second takes them from the front of the plan once its JSON and HTML are written,
    this one from the back once the master is, so that both finish about together (the feedback
    workbooks of 500 files take as long as the master)."""

    def __init__(self, context, count: int):
        self._ends = context.Array("i", [0, count])

    def front(self) -> int | None:
        with self._ends.get_lock():
            first, end = self._ends[0], self._ends[1]
            if first >= end:
                return None
            self._ends[0] = first + 1
            return first

    def back(self) -> int | None:
        with self._ends.get_lock():
            first, end = self._ends[0], self._ends[1]
            if first >= end:
                return None
            self._ends[1] = end - 1
            return end - 1


def _write_feedback(job: SideOutputs, take=None) -> list[Path]:
    from macros_py.write.feedback import write_feedback

    return write_feedback(job.feedback, job.summary, job.policy, job.places, force=job.force,
                          place=job.staged.__getitem__, plan=job.plan, take=take)


def _write_side(job: SideOutputs) -> list[Path]:
    """Write them (the JSON and the HTML first: the feedback workbooks may be shared); returns the
    feedback workbooks written."""
    s = job.summary
    if job.summary_json:
        from itertools import chain

        from macros_py.write.xlsx_pack import write_atomic

        write_atomic(job.summary_json, (text.encode("utf-8") for text in chain(s.json_chunks(indent=1), ["\n"])))
    if job.html:
        from macros_py.report.html import write_report

        write_report(s, job.html, job.policy)
    if job.feedback:
        return _write_feedback(job, job.shares.front if job.shares else None)
    return []


_FORKED: list[SideOutputs] = []   # the job a forked worker finds in the memory it was forked with


def _write_forked() -> list[Path]:
    return _write_side(_FORKED[0])


def _start_side(job: SideOutputs):
    """_write_side in a forked worker while this process writes the master, or None where fork is not
    available. The temporaries it writes were named (staged) here, so the run still swaps them in.
    The job is not passed as an argument, which the pool would pickle, and this process would hold
    the pickle of the whole summary (150 MB at 5,000 submissions) while it writes the master: the
    worker, forked while the job is set, has it already."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    context = multiprocessing.get_context("fork")
    if job.feedback:
        job.shares = _Shares(context, len(job.plan))
    _FORKED[:] = [job]
    pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
    future = pool.submit(_write_forked)
    pool.shutdown(wait=False)
    return future


def _side_result(job: SideOutputs, pending, notes: list[str]) -> list[Path]:
    """The second process's outputs once this one has written its share of the feedback workbooks.
    Should that process die (killed, out of memory), this one writes what it had left to write."""
    from concurrent.futures.process import BrokenProcessPool

    mine = _write_feedback(job, job.shares.back) if job.shares else []
    try:
        return pending.result() + mine[::-1]
    except BrokenProcessPool:
        notes.append("注意：第二个进程意外退出，它未写完的汇总 JSON、HTML 报告和反馈工作簿已由本进程重新写出。")
        rest = replace(job, plan=job.plan[:len(job.plan) - len(mine)], shares=None)
        return _write_side(rest) + mine[::-1]


def run_merge(inbox: str | Path, master: str | Path, policy: Policy, *, ledger: str | Path | None = None,
              feedback: str | Path | None = None, summary_json: str | Path | None = None,
              html: str | Path | None = None, jobs: int | None = None, force: bool = False) -> MergeOutputs:
    from macros_py.merge.run import LEDGER_NAME
    from macros_py.model.errors import UsageError
    from macros_py.write.outputs import remove_folders

    inbox, master = Path(inbox), Path(master)
    if inbox.is_file():
        raise UsageError(f"{inbox} 是一个文件，不是文件夹：汇总读取的是收件文件夹（其中每个工作簿是一份报送）。"
                         f"要校验这一个文件，请用 shenbao check {inbox}。")
    if not inbox.is_dir():
        raise UsageError(f"找不到收件文件夹 {inbox}。")
    paths = {"feedback": Path(feedback) if feedback else None,
             "summary_json": Path(summary_json) if summary_json else None, "html": Path(html) if html else None}
    ledger_path = Path(ledger) if ledger else master.parent / LEDGER_NAME
    claim_outputs(inbox, master, ledger=ledger_path, force=force, **paths)
    created: list[Path] = []
    try:
        return _run(inbox, master, policy, ledger_path, paths, jobs, force, created)
    except BaseException:
        remove_folders(created)  # the folders this run made for its outputs, if they stayed empty
        raise


def _run(inbox: Path, master: Path, policy: Policy, ledger_path: Path, paths: dict, jobs, force: bool,
         created: list[Path]) -> MergeOutputs:
    from macros_py.check.workers import default_jobs
    from macros_py.merge.run import commit_ledger, merge
    from macros_py.write import staging
    from macros_py.write.master import write_master
    from macros_py.write.outputs import prepare_folders

    feedback, summary_json, html = paths["feedback"], paths["summary_json"], paths["html"]
    prepare_folders([master, ledger_path, *(p for p in (summary_json, html) if p)], created,
                    folders=[feedback] if feedback else [])
    notes = []
    for folder in {str(p.parent if k != "feedback" else p): None
                   for k, p in (("master", master), *paths.items()) if p}:
        if Path(folder).is_dir():
            notes += staging.remove_stale(Path(folder), again=True)

    run_ = merge(inbox, master, ledger_path=ledger_path, policy=policy, jobs=jobs)
    s = run_.summary
    extra = []
    with staging.OutputSet(ledger=run_.ledger_path, created=created) as out:
        side = SideOutputs(s, policy, force, summary_json=summary_json and out.path(summary_json),
                           html=html and out.path(html))
        places = None
        if feedback:
            from macros_py.write.feedback import feedback_targets, stale_feedback
            from macros_py.write.master import finding_places

            side.plan, _ = feedback_targets(feedback, s, force=force)
            places = finding_places(run_.currents, run_.findings)   # the master's 问题清单 reads the same map
            side.feedback, side.places = feedback, places
            side.staged = {target: out.path(target) for target, _, _ in side.plan}
        # The outputs that render the summary alone are written by a second process while this one
        # writes the master (where there is a second core to use, and something to write).
        wanted = feedback or summary_json or html
        pending = _start_side(side) if wanted and (jobs or default_jobs()) > 1 else None
        write_master(out.path(master), s, run_.currents, run_.findings, policy, places)
        # The files' rows are in the master now, and the outputs still to write render the summary:
        # they are let go, so that the JSON and the HTML report reuse their memory.
        run_.currents, run_.findings = [], []
        staging.step("master")
        try:
            written = _write_side(side) if pending is None else _side_result(side, pending, notes)
        finally:
            _FORKED.clear()
        if feedback:
            out.sweep(lambda: stale_feedback(feedback, side.plan))
            extra.append(f"反馈工作簿 {len(written)} 个：{feedback}")
            staging.step("feedback")
        if summary_json:
            extra.append(f"汇总 JSON：{summary_json}")
        if html:
            extra.append(f"HTML 报告：{html}")
        from macros_py.merge.decisions import DECISIONS_NAME
        from macros_py.write.decisions import write_decisions_book

        decisions_book = run_.ledger_path.parent / DECISIONS_NAME
        if not decisions_book.exists():  # the bureau's own once written: never replaced
            write_decisions_book(out.path(decisions_book), s.questions, policy)
            extra.append(f"人工裁定工作簿（新建，在“裁定”列填写后重新汇总即生效）：{decisions_book}")
        out.prepare()
        # Under the ledger's write lock: the renames, then COMMIT (two merges never swap at once).
        commit_ledger(run_, inbox, master, token=out.token,
                      before_commit=lambda: (staging.step("ledger"), out.swap()))
        staging.step("commit")
        out.finish()

    by_status: dict[str, int] = {}
    for f in s.files:
        by_status[f.status] = by_status.get(f.status, 0) + 1
    lines = notes + [f"收到文件 {len(s.files)} 个：" + "，".join(f"{k} {v}" for k, v in by_status.items())]
    lines += [f"注意：{note}" for note in s.notes]   # the receipt register's and the 人工裁定 workbook's problems
    if not s.bases and not s.studios:
        lines.append("注意：没有汇总到任何基地或工作室项目：收到的文件都无法使用、已跳过或没有项目行（原因见下表）；"
                     "汇总工作簿只列出报送情况和问题。")
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
