"""`shenbao report`: the HTML report of an existing master workbook, from the summary it carries."""

from __future__ import annotations

from pathlib import Path

from macros_py.model.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("report", help="由汇总工作簿生成 HTML 汇总报告（可在浏览器中阅读、按 A4 打印）",
                       description="读取 shenbao merge 生成的汇总工作簿中保存的汇总数据，生成一个独立的 HTML 报告文件："
                                   "不联网、不依赖任何外部文件，可拷到 U 盘或光盘上直接打开。")
    p.add_argument("master", metavar="汇总工作簿", help="shenbao merge 生成的 .xlsx 汇总工作簿")
    p.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 .html 文件")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    p.add_argument("--policy", metavar="文件", help="政策文件（默认 workbooks/policy_2025.toml）")
    p.set_defaults(func=run_report)


def run_report(args) -> int:
    from macros_py.policy.load import load_policy
    from macros_py.read.master import load_summary
    from macros_py.report.html import write_report
    from macros_py.write.outputs import MERGE_HTML, claim

    master = Path(args.master)
    if not master.is_file():
        raise UsageError(f"找不到汇总工作簿 {master}。")
    out = claim(args.output, MERGE_HTML, force=args.force, inputs=[master], option="-o")
    policy = load_policy(args.policy)
    summary = load_summary(master)
    if summary.policy_year != policy.year:
        raise UsageError(f"汇总工作簿是 {summary.policy_year} 年度的，而政策文件是 {policy.year} 年度的；"
                         "请用 --policy 指定对应年度的政策文件。")
    write_report(summary, out, policy)
    print(f"已生成汇总报告：{out}（{len(summary.files)} 个文件，{len(summary.bases)} 个基地，"
          f"{len(summary.studios)} 个工作室，{len(summary.findings)} 条问题）")
    return 0
