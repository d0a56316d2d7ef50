"""`shenbao merge`: the bureau's batch consolidation, and the reconciliation it prints."""

from __future__ import annotations

import unicodedata
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("merge", help="汇总收件文件夹中的全部报送工作簿，生成汇总工作簿",
                       description="读取收件文件夹（含子文件夹）中的全部报送工作簿，逐一校验，"
                                   "再做全市范围的查重、名额对照、逾期和未报送核对，生成一个汇总工作簿。")
    p.add_argument("inbox", metavar="收件文件夹", help="存放各推荐单位报送文件的文件夹")
    p.add_argument("-o", "--output", required=True, metavar="汇总.xlsx", help="输出的汇总工作簿")
    p.add_argument("--ledger", metavar="文件", help="收件台账（SQLite，默认与汇总工作簿同目录的 汇总台账.sqlite）")
    p.add_argument("--feedback", metavar="目录", help="为每个推荐单位生成一份反馈工作簿，放在此目录")
    p.add_argument("--summary-json", metavar="文件", help="把汇总结果另存为 JSON")
    p.add_argument("--html", metavar="文件", help="生成 HTML 汇总报告")
    p.add_argument("--jobs", type=int, metavar="N", help="并行读取的进程数（默认按处理器核数，最多 4）")
    p.add_argument("--policy", metavar="文件", help="政策文件（默认 workbooks/policy_2025.toml）")
    p.set_defaults(func=run)


def _width(text: str) -> int:
    """Columns a terminal gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def print_reconciliation(summary, out=print) -> None:
    s = summary
    out(f"对账：读取 {s.rows_read} 行 = 汇总 {s.rows_merged} 行 + 未汇总 {s.rows_rejected} 行")
    width = max([_width(f.name) for f in s.files] + [4])
    out(f"  {_pad('文件', width)}  读取  汇总  未汇总  状态")
    for f in s.files:
        out(f"  {_pad(f.name, width)}  {f.rows_read:>4}  {f.rows_merged:>4}  {f.rows_rejected:>6}  {f.status}"
            + (f"：{f.reason}" if f.reason and f.status != "已汇总" else ""))
    if s.rows_read != s.rows_merged + s.rows_rejected:
        out("  对账不平！请把收件文件夹发给系统维护人员。")


def run(args) -> int:
    from macros_py.merge.run import commit_ledger, merge
    from macros_py.policy.load import load_policy
    from macros_py.write.master import write_master

    policy = load_policy(args.policy)
    inbox, master = Path(args.inbox), Path(args.output)
    run_ = merge(inbox, master, ledger_path=args.ledger, policy=policy, jobs=args.jobs)
    s = run_.summary
    write_master(master, s, run_.currents, run_.findings, policy)
    extra = []
    if args.feedback:
        from macros_py.write.feedback import write_feedback

        paths = write_feedback(args.feedback, s, policy)
        extra.append(f"反馈工作簿 {len(paths)} 个：{args.feedback}")
    if args.summary_json:
        from macros_py.write.xlsx_pack import write_atomic

        write_atomic(args.summary_json, (s.to_json() + "\n").encode("utf-8"))
        extra.append(f"汇总 JSON：{args.summary_json}")
    if args.html:
        from macros_py.report.html import write_report

        write_report(s, args.html, policy)
        extra.append(f"HTML 报告：{args.html}")
    commit_ledger(run_, inbox, master)

    by_status = {}
    for f in s.files:
        by_status[f.status] = by_status.get(f.status, 0) + 1
    print(f"收到文件 {len(s.files)} 个：" + "，".join(f"{k} {v}" for k, v in by_status.items()))
    print_reconciliation(s)
    sev = {}
    for f in s.findings:
        sev[f["severity"]] = sev.get(f["severity"], 0) + 1
    print("问题：" + "，".join(f"{k} {sev.get(k, 0)} 条" for k in ("错误", "警告", "提示")) + "（见汇总工作簿“问题清单”）")
    print(f"汇总工作簿：{master.resolve()}")
    for line in extra:
        print(line)
    return 0
