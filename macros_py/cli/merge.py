"""`shenbao merge`: the bureau's batch consolidation, and the reconciliation it prints."""

from __future__ import annotations


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
    p.add_argument("--jobs", type=positive_int, metavar="N", help="并行读取的进程数，1 为不并行（默认按处理器核数，最多 4）")
    p.add_argument("--force", action="store_true",
                   help="允许覆盖不是本程序生成的同名输出文件（收件文件夹内的路径和输入文件仍然拒绝）")
    p.add_argument("--policy", metavar="文件", help="政策文件（默认 workbooks/policy_2025.toml）")
    p.set_defaults(func=run)


def positive_int(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数，而不是 {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数（1 为不并行），而不是 {value}")
    return value


def run(args) -> int:
    from macros_py.jobs.merge import run_merge
    from macros_py.policy.load import load_policy

    result = run_merge(args.inbox, args.output, load_policy(args.policy), ledger=args.ledger,
                       feedback=args.feedback, summary_json=args.summary_json, html=args.html, jobs=args.jobs,
                       force=args.force)
    for line in result.lines:
        print(line)
    return result.exit_code
