"""What the ribbon says to the user: the Chinese text of every message box, built from plain results.

Kept apart from xl_addin so that the wording is tested without Excel, and so that xl_addin only wires.
"""

from __future__ import annotations

import re
import sys
import traceback
from pathlib import Path

from macros_py import __version__
from macros_py.addin.mark_plan import RESULT_SHEET
from macros_py.model.findings import ERROR, INFO, WARNING

TITLE = "高技能人才申报"


def _counts(findings) -> dict[str, int]:
    out = {ERROR: 0, WARNING: 0, INFO: 0}
    for f in findings:
        out[f.severity] = out.get(f.severity, 0) + 1
    return out


def counts_line(counts: dict[str, int]) -> str:
    return f"错误 {counts.get(ERROR, 0)} 条，警告 {counts.get(WARNING, 0)} 条，提示 {counts.get(INFO, 0)} 条"


def check_done(findings, marked: int) -> str:
    if not findings:
        return f"校验完成：未发现问题。（结果见“{RESULT_SHEET}”工作表）"
    counts = _counts(findings)
    lines = [f"校验完成：{counts_line(counts)}；标记了 {marked} 个单元格。",
             f"问题列在“{RESULT_SHEET}”工作表，点击单元格地址可跳到该格。",
             "红色为错误（必须改正），黄色为警告（请核实），浅蓝为提示；把鼠标移到格子上可看批注中的说明和修改建议。",
             "改正后再点“校验本簿”会重新标记；“清除标记”可去掉全部标记并复原格子原有的颜色和批注。"]
    if counts[ERROR] == 0:
        lines[0] += "没有错误。"
    return "\n".join(lines)


def clear_done(cleared: int | None) -> str:
    if cleared is None:
        return "本工作簿没有“校验本簿”留下的标记，无需清除。"
    return (f"已清除 {cleared} 个单元格的标记并删除“{RESULT_SHEET}”工作表；"
            "这些格子原有的颜色和批注已复原，填写的内容没有改动。")


def export_done(result) -> str:
    lines = [f"已为“{result.recommender}”生成报送文件（在工作簿所在的文件夹）：",
             f"1. {result.workbook.name}（不含校验标记，放入光盘报送）",
             f"2. {result.report.name}（校验报告，可用浏览器打开）",
             f"3. {result.checklist.name}（附件5/附件6 纸质材料清单，逐项备齐）",
             f"报送文件的校验结果：{counts_line(result.counts)}。"]
    if result.counts.get(ERROR):
        lines.append("还有错误：请先改正，再重新生成报送文件。")
    return "\n".join(lines)


def new_done(path: Path) -> str:
    return f"已新建申报工作簿：{path}\n请先在“填报说明”中选择推荐单位，再逐表填写。"


_PROGRESS = re.compile(r"^\[\d+/\d+\] ")


def merge_done(result) -> str:
    """The command's own summary, without what is one line per file (its progress and its table of
    files, which the master workbook holds): totals, reconciliation, findings and where the outputs are."""
    keep = [line for line in result.output.splitlines()
            if line.strip() and not line.startswith("  ") and not _PROGRESS.match(line)]
    if not any(str(result.report) in line for line in keep):
        keep.append(f"汇总报告：{result.report}")
    return "\n".join([f"合并完成：{result.inbox}", *keep, "点“打开汇总报告”可随时再打开。"])


def review_done(what: str, run) -> str:
    """A review step's own lines, without the per-file ones (those start with spaces)."""
    keep = [line for line in run.lines if line.strip() and not line.startswith("    ")]
    return "\n".join([f"{what}：{run.folder}", *keep])


def help_text() -> str:
    return "\n".join([
        "“高技能人才申报”选项卡：",
        "新建申报簿 — 另存一份标准化申报工作簿并打开。",
        f"校验本簿 — 按通知的全部规则检查当前工作簿，标出有问题的格子（批注中有说明），并生成“{RESULT_SHEET}”工作表。",
        "清除标记 — 去掉“校验本簿”的标记，复原格子原有的颜色和批注。",
        "生成报送文件 — 在工作簿所在文件夹生成：不含标记的报送工作簿、校验报告和附件5/附件6 材料清单（以推荐单位和日期命名）。",
        "合并文件夹… — 选择收件文件夹，校验并合并全部报送文件，生成汇总工作簿和汇总报告。",
        "打开汇总报告 — 打开最近一次合并的汇总报告。",
        "生成评审表 — 选择放专家名单的文件夹，按最近一次合并的汇总工作簿生成复核表、每位专家的评分表和表5 专家名单。",
        "汇总评分 — 选择放收回的评分表和复核表的文件夹，校验、计分、按档排名，生成评审结果和评审报告。",
        "工作表函数：SB_CHECK（整表校验）、SB_TIER、SB_SUBSIDY、SB_SHARE、SB_RATIO、SB_IDCARD、SB_USCC，"
        "在“插入函数”的“申报”类别中可看说明。",
    ])


def version_text(policy) -> str:
    from macros_py.policy.schema import TEMPLATE_VERSION

    try:
        import xlwings

        xlwings_version = xlwings.__version__
    except ImportError:  # pragma: no cover - xlwings is a dependency
        xlwings_version = "未安装"
    return "\n".join([
        f"shenbao {__version__}",
        f"标准化申报工作簿模板 {TEMPLATE_VERSION}",
        f"政策文件 {Path(policy.path).name}（{policy.get('notice.document')}，{policy.year} 年度，"
        f"报送截止 {policy.deadline:%Y-%m-%d}）",
        f"xlwings {xlwings_version}，Python {sys.version.split()[0]}",
    ])


def failure(exc: BaseException, log: Path | None) -> str:
    """An error the tool did not foresee, for the message box; the traceback goes to the log file."""
    from macros_py.model.errors import ShenbaoError

    if isinstance(exc, ShenbaoError):
        return str(exc)
    where = f"详细记录已写入 {log}。" if log else ""
    return (f"程序出错（{type(exc).__name__}: {exc}），操作没有完成。{where}"
            "请把当前工作簿和这段说明发给系统维护人员。")


def traceback_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
