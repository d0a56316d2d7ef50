"""`shenbao review {prepare,collect,publicize,finalize}`: the expert review after intake (notice 二（二）–（五）)."""

from __future__ import annotations

import datetime as dt

from macros_py.model.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("review", help="评审：材料复核、专家评分、排名、公示名单和认定名单（通知二（二）–（五））",
                       description="把汇总后的申报项目带到评审的结束：生成复核表和专家评分表，汇总评分并按档排名、"
                                   "提出建议名单，生成公示名单，公示后生成认定名单和资金拨付表。")
    steps = p.add_subparsers(title="步骤", dest="step", metavar="步骤")
    p.set_defaults(func=lambda args: p.print_help() or 2)

    s = steps.add_parser("prepare", help="生成复核表、每位专家的评分表和表5 专家名单",
                         description="读取汇总工作簿和专家名单（表5：姓名、单位及职务/职称、手机），写出复核表、"
                                     "每位专家一份评分表（回避的项目锁定并注明原因）和表5 专家名单。")
    s.add_argument("master", metavar="汇总工作簿", help="shenbao merge 生成的汇总工作簿")
    s.add_argument("--experts", required=True, metavar="专家名单.xlsx", help="专家名单（表5 的列：姓名、单位及职务/职称、手机）")
    s.add_argument("-o", "--output", required=True, metavar="目录", help="输出目录")
    s.add_argument("--docs", metavar="文件夹", help="申报书、实施方案、申报表（.docx/.pdf）所在的文件夹，复核表中链接")
    _common(s)
    s.set_defaults(func=run_prepare)

    s = steps.add_parser("collect", help="汇总收回的评分表和复核表：校验、计分、排名、建议名单",
                         description="读取文件夹（含子文件夹）中收回的评分表和复核表，在单元格上报告问题"
                                     "（R-SCORE、R-PANEL、R-RECUSE、R-REVIEWED、R-TIE、R-VACANT），按政策文件计分、"
                                     "按档排名、只用复核合格的项目填满名额，写出评审结果工作簿和评审报告。")
    s.add_argument("folder", metavar="目录", help="放收回的评分表和复核表的文件夹（可就是 prepare 的输出目录）")
    s.add_argument("-o", "--output", required=True, metavar="评审结果.xlsx", help="输出的评审结果工作簿")
    s.add_argument("--summary-json", metavar="文件", help="把建议名单、并列、空缺和未入选项目另存为 JSON")
    s.add_argument("--html", metavar="文件", help="评审报告（HTML，默认与评审结果同目录的 评审报告.html）")
    s.add_argument("--master", metavar="汇总工作簿", help="当前的汇总工作簿（用于发现过期的评分表；默认取台账中 prepare 的记录）")
    s.add_argument("--experts", metavar="专家名单.xlsx", help="专家名单（默认用文件夹中的“专家名单（表5）”）")
    s.add_argument("--decisions", metavar="文件", help="评审人工裁定工作簿（默认与评审结果同目录的 评审人工裁定.xlsx）")
    _common(s)
    s.set_defaults(func=run_collect)

    s = steps.add_parser("publicize", help="生成公示名单（工作簿和 Word 文档）并计算公示期",
                         description="由评审结果生成公示名单：培训基地列项目单位、档次、推荐单位、申报专业，"
                                     "工作室列领办人、申报单位、工作室职业（工种），不含身份证号；公示期按法定节假日和调休计算工作日。")
    s.add_argument("results", metavar="评审结果.xlsx", help="shenbao review collect 生成的评审结果工作簿")
    s.add_argument("--start", required=True, metavar="YYYY-MM-DD", help="公示开始日期（非工作日则从下一个工作日起算）")
    s.add_argument("-o", "--output", required=True, metavar="目录", help="输出目录")
    _common(s)
    s.set_defaults(func=run_publicize)

    s = steps.add_parser("finalize", help="公示后生成认定名单和资金拨付表",
                         description="按评审人工裁定工作簿“公示结果”中登记的结果（无异议或撤回），写出认定名单和资金拨付表"
                                     "（逐个项目、按推荐单位和县区汇总、合计）。")
    s.add_argument("results", metavar="评审结果.xlsx", help="shenbao review collect 生成的评审结果工作簿")
    s.add_argument("-o", "--output", required=True, metavar="目录", help="输出目录")
    s.add_argument("--decisions", metavar="文件", help="评审人工裁定工作簿（默认与评审结果同目录的 评审人工裁定.xlsx）")
    _common(s)
    s.set_defaults(func=run_finalize)


def _common(s) -> None:
    s.add_argument("--ledger", metavar="文件", help="评审台账（SQLite，默认 评审台账.sqlite）")
    s.add_argument("--force", action="store_true", help="允许覆盖已被改动过的输出文件")
    s.add_argument("--policy", metavar="文件", help="政策文件（默认 workbooks/policy_2025.toml）")


def _policy(args):
    from macros_py.policy.load import load_policy

    return load_policy(args.policy)


def _print(lines) -> None:
    for line in lines:
        print(line)


def run_prepare(args) -> int:
    from macros_py.review.prepare import prepare

    result = prepare(args.master, args.experts, args.output, _policy(args), docs=args.docs, ledger=args.ledger,
                     force=args.force)
    _print(result.lines)
    return 0


def run_collect(args) -> int:
    from macros_py.review.collect import run_collect as collect

    result = collect(args.folder, args.output, _policy(args), summary_json=args.summary_json, html=args.html,
                     master=args.master, experts=args.experts, decisions=args.decisions, ledger=args.ledger,
                     force=args.force)
    _print(result.lines)
    return 1 if result.errors else 0


def run_publicize(args) -> int:
    from macros_py.review.publicize import publicize

    try:
        start = dt.date.fromisoformat(args.start)
    except ValueError:
        raise UsageError(f"公示开始日期“{args.start}”应写成 YYYY-MM-DD，如 2026-02-09。") from None
    _print(publicize(args.results, start, args.output, _policy(args), ledger=args.ledger, force=args.force).lines)
    return 0


def run_finalize(args) -> int:
    from macros_py.review.finalize import finalize

    _print(finalize(args.results, args.output, _policy(args), decisions=args.decisions, ledger=args.ledger,
                    force=args.force).lines)
    return 0
