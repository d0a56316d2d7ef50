"""生成评审表 and 汇总评分: the review's two ribbon buttons, without Excel (the ribbon only asks for the folder).

生成评审表 runs `shenbao review prepare` on the last merge's master (remembered by 合并文件夹…) and the
专家名单 found in the chosen folder, writing into <folder>/评审表. 汇总评分 runs `shenbao review collect` on
the chosen folder of returned 评分表 and 复核表, writing <folder>_评审结果/评审结果.xlsx and 评审报告.html
beside it (never inside the folder it reads)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from macros_py.addin.merge_runs import STATE_FILE, state_dir
from macros_py.model.errors import ShenbaoError

PREPARE_DIR = "评审表"
RESULTS_NAME = "评审结果.xlsx"


@dataclass
class ReviewRun:
    folder: Path
    output: Path
    report: Path | None
    lines: list[str]


def last_master(folder: Path | None = None) -> Path:
    path = (folder or state_dir()) / STATE_FILE
    try:
        master = Path(json.loads(path.read_text(encoding="utf-8"))["last_merge"]["master"])
    except (OSError, ValueError, KeyError, TypeError):
        raise ShenbaoError("还没有合并过报送文件：请先点“合并文件夹…”生成汇总工作簿，再生成评审表。") from None
    if not master.is_file():
        raise ShenbaoError(f"上次合并的汇总工作簿已不在原处：{master}。请重新“合并文件夹…”。")
    return master


def expert_list(folder: Path) -> Path:
    found = sorted(p for p in folder.glob("*.xlsx") if "专家名单" in p.stem and not p.name.startswith("~$"))
    if len(found) != 1:
        what = "没有" if not found else f"有 {len(found)} 个（{'、'.join(p.name for p in found)}）"
        raise ShenbaoError(f"文件夹 {folder} 中{what}文件名含“专家名单”的工作簿：请只放一份专家名单（表5：姓名、单位及职务/职称、手机）。")
    return found[0]


def prepare_folder(folder: str | Path) -> ReviewRun:
    from macros_py.policy.load import default_policy
    from macros_py.review.prepare import prepare

    folder = Path(folder)
    out = folder / PREPARE_DIR
    result = prepare(last_master(), expert_list(folder), out, default_policy())
    return ReviewRun(folder, out, None, result.lines)


def collect_folder(folder: str | Path) -> ReviewRun:
    from macros_py.policy.load import default_policy
    from macros_py.review.collect import run_collect

    folder = Path(folder)
    if not folder.is_dir():
        raise ShenbaoError(f"找不到文件夹 {folder}。")
    output = folder.parent / f"{folder.name}_评审结果" / RESULTS_NAME
    try:
        master = last_master()
    except ShenbaoError:
        master = None  # the ledger of prepare, if collected in its folder, still knows the master
    result = run_collect(folder, output, default_policy(), master=master, force=True)
    return ReviewRun(folder, output, result.outputs[1], result.lines)
