"""`shenbao check FILE... [--json OUT] [--annotate OUT] [--html OUT]`: check county workbooks.

Exit code: 0 no 错误, 1 some 错误, 2 a file could not be used at all (or the command itself failed).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from macros_py.model.errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("check", help="校验县区或部门报送的申报工作簿",
                       description="校验报送的申报工作簿（标准化工作簿，或按通知附件7/附件8/表4-2 印制格式填写的表格），"
                                   "列出每个问题所在的单元格和修改建议。退出码：0 无错误，1 有错误，2 有文件无法使用。")
    p.add_argument("files", nargs="+", metavar="文件", help=".xlsx/.xlsm/.xls 文件，或包含它们的文件夹")
    p.add_argument("--json", metavar="输出", help="把问题清单写成 JSON（列表，每项含 rule、severity、file、sheet、cell…）")
    p.add_argument("--annotate", metavar="输出",
                   help="生成批注副本：出错的格子标红/黄并附说明，另加“校验结果”表（原文件不改动）。"
                        "多个文件时为输出文件夹")
    p.add_argument("--html", metavar="输出", help="生成 HTML 校验报告（可离线打开）")
    p.add_argument("--max-findings", type=int, metavar="N", help="问题数达到 N 时停止（结果标明不完整）")
    p.add_argument("--brief", action="store_true", help="只打印汇总，不逐条列出问题")
    p.add_argument("--policy", metavar="文件", help="政策文件（默认 workbooks/policy_2025.toml）")
    p.set_defaults(func=run_check)


def _annotate_targets(report, out: Path) -> list[tuple[Path, Path]]:
    """(source, target) for each usable file: OUT is the file for one input, a folder for several."""
    from macros_py.model.findings import FILE_OK
    from macros_py.write.annotated import annotated_name

    usable = [Path(f.path) for f in report.files if f.status == FILE_OK]
    if len(report.files) == 1 and out.suffix.lower() in (".xlsx", ".xlsm"):
        return [(usable[0], out)] if usable else []
    if out.exists() and not out.is_dir():
        raise UsageError(f"检查多个文件时 --annotate 应为文件夹，而 {out} 是文件。")
    out.mkdir(parents=True, exist_ok=True)
    return [(src, out / annotated_name(src)) for src in usable]


def run_check(args) -> int:
    from macros_py.check.engine import check_paths
    from macros_py.policy.load import load_policy
    from macros_py.report.text import render_text

    policy = load_policy(args.policy)
    if args.max_findings is not None and args.max_findings < 1:
        raise UsageError("--max-findings 应为正整数。")
    inputs = {Path(f).resolve() for f in args.files}
    for option in (args.json, args.annotate, args.html):
        if option and Path(option).resolve() in inputs:
            raise UsageError(f"输出文件 {option} 与输入文件相同：原文件不能被改写。")
    from macros_py.check.workers import default_jobs

    report = check_paths(args.files, policy, max_findings=args.max_findings, jobs=default_jobs())
    print(render_text(report, details=not args.brief))

    if args.json:
        from macros_py.model.privacy import mask_data
        from macros_py.write.xlsx_pack import write_atomic

        text = json.dumps(mask_data([f.to_dict() for f in report.findings]), ensure_ascii=False, indent=2) + "\n"
        write_atomic(args.json, text.encode("utf-8"))
        print(f"问题清单（JSON）：{args.json}")
    if args.annotate:
        from macros_py.write.annotated import write_annotated

        for source, target in _annotate_targets(report, Path(args.annotate)):
            findings = report.findings_for(source.name)
            try:
                write_annotated(source, findings, target)
                print(f"批注副本：{target}")
            except UsageError as exc:
                print(f"未生成 {source.name} 的批注副本：{exc}", file=sys.stderr)
    if args.html:
        from macros_py.report.check_html import write_html

        write_html(report, args.html, policy.time_zone)
        print(f"HTML 报告：{args.html}")
    return report.exit_code
