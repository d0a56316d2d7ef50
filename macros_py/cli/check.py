"""`shenbao check FILE... [--json OUT] [--annotate OUT] [--html OUT]`: check county workbooks.

Exit code: 0 no 错误, 1 some 错误, 2 a file could not be used at all (or the command itself failed),
3 no workbook to check (a folder without any).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from macros_py.model.errors import UsageError
from macros_py.model.findings import FILE_IGNORED, FILE_OK


def register(sub) -> None:
    p = sub.add_parser("check", help="校验县区或部门报送的申报工作簿",
                       description="校验报送的申报工作簿（标准化工作簿，或按通知附件7/附件8/表4-2 印制格式填写的表格），"
                                   "列出每个问题所在的单元格和修改建议。退出码：0 无错误，1 有错误，2 有文件无法使用或命令失败，3 没有找到任何工作簿。")
    p.add_argument("files", nargs="+", metavar="文件", help=".xlsx/.xlsm/.xls 文件，或包含它们的文件夹")
    p.add_argument("--json", metavar="输出", help="把问题清单写成 JSON（列表，每项含 rule、severity、file、sheet、cell…）")
    p.add_argument("--annotate", metavar="输出",
                   help="生成批注副本：出错的格子标红/黄并附说明，另加“校验结果”表（原文件不改动）。"
                        "多个文件时为输出文件夹")
    p.add_argument("--html", metavar="输出", help="生成 HTML 校验报告（可离线打开）")
    p.add_argument("--max-findings", type=int, metavar="N", help="问题数达到 N 时停止（结果标明不完整）")
    p.add_argument("--brief", action="store_true", help="只打印汇总，不逐条列出问题")
    p.add_argument("--force", action="store_true", help="允许覆盖不是本程序生成的同名输出文件（输入文件仍然拒绝）")
    p.add_argument("--policy", metavar="文件", help="政策文件（默认 workbooks/policy_2025.toml）")
    p.set_defaults(func=run_check)


def _annotate_targets(files: list[str], out: Path, *, force: bool) -> list[tuple[Path, str, Path]]:
    """(source, its name in the report, target) for each input workbook, every target claimed: OUT is
    the file for one input file, a folder (of `<name>_校验.xlsx`, made unique) for several or a folder."""
    from macros_py.check.engine import expand_paths
    from macros_py.model.paths import unique_names
    from macros_py.write import outputs as o
    from macros_py.write.annotated import annotated_name

    inputs = [(p, shown) for p, shown, ignored in expand_paths(files) if not ignored]
    folders = [f for f in files if Path(f).is_dir()]
    if len(files) == 1 and not folders and out.suffix.lower() in (".xlsx", ".xlsm"):
        return [(p, shown, o.claim(out, o.ANNOTATED, force=force, inputs=[p], option="--annotate"))
                for p, shown in inputs]
    if out.suffix.lower() in (".xlsx", ".xlsm") and not out.is_dir():
        raise UsageError(f"检查多个文件或一个文件夹时 --annotate 应为文件夹，而 {out} 是工作簿文件名。")
    o.claim_folder(out, inputs=files, inbox=folders, option="--annotate", what="批注副本文件夹")
    names = unique_names([annotated_name(p) for p, _ in inputs])
    return [(p, shown, o.claim(out / name, o.ANNOTATED, force=force, inputs=[p], option="--annotate"))
            for (p, shown), name in zip(inputs, names, strict=True)]


def run_check(args) -> int:
    from macros_py.policy.load import load_policy
    from macros_py.write import outputs as o

    policy = load_policy(args.policy)
    if args.max_findings is not None and args.max_findings < 1:
        raise UsageError("--max-findings 应为正整数。")
    # Every output is claimed before anything is read (write/outputs.py): a refusal costs nothing.
    inputs = [f for f in args.files if not Path(f).is_dir()]
    folders = [f for f in args.files if Path(f).is_dir()]
    if args.json:
        o.claim(args.json, o.CHECK_JSON, force=args.force, inputs=inputs, inbox=folders, option="--json")
    if args.html:
        o.claim(args.html, o.CHECK_HTML, force=args.force, inputs=inputs, inbox=folders, option="--html")
    targets = _annotate_targets(args.files, Path(args.annotate), force=args.force) if args.annotate else []
    created: list[Path] = []
    try:
        return _run(args, policy, targets, created)
    except BaseException:
        o.remove_folders(created)
        raise


def _run(args, policy, targets, created) -> int:
    from macros_py.check.engine import check_paths
    from macros_py.model.errors import NothingToDo
    from macros_py.read.safety import is_workbook_name
    from macros_py.report.text import render_text
    from macros_py.write import outputs as o
    from macros_py.write.staging import OutputSet

    o.prepare_folders([Path(p) for p in (args.json, args.html) if p] + [t for _, _, t in targets], created)
    from macros_py.check.workers import default_jobs

    report = check_paths(args.files, policy, max_findings=args.max_findings, jobs=default_jobs())
    print(render_text(report, details=not args.brief))
    if not any(f.status != FILE_IGNORED and is_workbook_name(f.path) for f in report.files):
        raise NothingToDo(f"{'、'.join(args.files)} 中没有任何工作簿（.xlsx/.xlsm/.xls），没有校验任何文件。")

    lines = []
    with OutputSet(created=created) as out:
        if args.json:
            from macros_py.model.privacy import mask_data
            from macros_py.write.xlsx_pack import write_atomic

            text = json.dumps(mask_data([f.to_dict() for f in report.findings]), ensure_ascii=False, indent=2) + "\n"
            write_atomic(out.path(args.json), text.encode("utf-8"))
            lines.append(f"问题清单（JSON）：{args.json}")
        if targets:
            from macros_py.write.annotated import write_annotated

            usable = {f.path for f in report.files if f.status == FILE_OK}
            for source, shown, target in targets:
                if str(source) not in usable:
                    continue
                tmp = out.path(target)
                try:
                    write_annotated(source, report.findings_for(shown), tmp)
                    lines.append(f"批注副本：{target}")
                except UsageError as exc:
                    out.forget(tmp)
                    print(f"未生成 {shown} 的批注副本：{exc}", file=sys.stderr)
        if args.annotate:
            # The workbooks inside an archive were read from a temporary folder that is gone now.
            annotated = {shown for _, shown, _ in targets}
            for f in report.files:
                if f.status == FILE_OK and f.file not in annotated:
                    print(f"未生成 {f.file} 的批注副本：它在压缩包里，请解压后对工作簿本身生成批注副本。", file=sys.stderr)
        if args.html:
            from macros_py.report.check_html import write_html

            write_html(report, out.path(args.html), policy.time_zone)
            lines.append(f"HTML 报告：{args.html}")
        out.prepare()
        out.commit()
    for line in lines:
        print(line)
    return report.exit_code
