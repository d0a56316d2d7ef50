"""`shenbao addin install`: put the add-in where Excel finds it, and say exactly what was done.

Windows: %APPDATA%\\Microsoft\\AddIns, the folder Excel's add-in dialog lists by itself.
macOS: the Office group container's Add-Ins folder, where Excel's add-in dialog browses to.
Linux: there is no Excel; the file is written to the current folder and the command says so.

The installed add-in names the Python that ran the command as its interpreter (Interpreter_Win or
Interpreter_Mac): that Python has this package, and with a full path xlwings starts Python from the
interpreter's own folder, not from a folder of received files.
"""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from pathlib import Path

from macros_py.addin.build import ADDIN_TITLE, build_addin, claim_addin, write_addin
from macros_py.model.errors import UsageError

ADDIN_FILE = "shenbao.xlam"
_MAC_OFFICE = Path("Library/Group Containers/UBF8T346G9.Office")
# Finder shows "User Content/Add-Ins"; on disk the folders may carry the .localized suffix.
_MAC_ADDIN_DIRS = ("User Content.localized/Add-Ins.localized", "User Content/Add-Ins", "User Content/Add-ins")


@dataclass(frozen=True)
class InstallPlan:
    system: str  # "Windows", "Darwin" or anything else (no Excel)
    target: Path
    interpreter_win: str = ""
    interpreter_mac: str = ""


def plan_install(system: str | None = None, env: dict | None = None, home: Path | None = None,
                 cwd: Path | None = None, python: str | None = None) -> InstallPlan:
    """Where the add-in goes on this system and which interpreter it names (arguments are for tests)."""
    system = system or platform.system()
    env = os.environ if env is None else env
    home = home or Path.home()
    python = python or sys.executable
    if system == "Windows":
        appdata = env.get("APPDATA")
        if not appdata:
            raise UsageError("找不到环境变量 APPDATA，无法确定 Excel 加载项文件夹")
        return InstallPlan(system, Path(appdata) / "Microsoft" / "AddIns" / ADDIN_FILE, interpreter_win=python)
    if system == "Darwin":
        base = home / _MAC_OFFICE
        folder = next((base / d for d in _MAC_ADDIN_DIRS if (base / d).is_dir()), base / _MAC_ADDIN_DIRS[0])
        return InstallPlan(system, folder / ADDIN_FILE, interpreter_mac=python)
    return InstallPlan(system, (cwd or Path.cwd()) / ADDIN_FILE)


def install(plan: InstallPlan, *, force: bool = False) -> list[str]:
    """Build and write the add-in per the plan; return the lines that tell the user what happened."""
    claim_addin(plan.target, force=force)
    data = build_addin(interpreter_win=plan.interpreter_win, interpreter_mac=plan.interpreter_mac)
    try:
        path = write_addin(plan.target, data, force=force)
    except PermissionError:
        raise UsageError(f"无法写入 {plan.target}：请先关闭 Excel（加载项正在使用时不能替换）后重试") from None
    size = f"{len(data) / 1024:.0f} KB"
    if plan.system == "Windows":
        return [
            f"已写入加载项：{path}（{size}）",
            f"加载项使用的 Python：{plan.interpreter_win}",
            f"下一步（只需一次）：打开 Excel → 文件 → 选项 → 加载项 → 管理“Excel 加载项” → 转到 → 勾选“{ADDIN_TITLE}” → 确定。",
        ]
    if plan.system == "Darwin":
        return [
            f"已写入加载项：{path}（{size}）",
            f"加载项使用的 Python：{plan.interpreter_mac}",
            "下一步（只需一次）：在终端运行 xlwings runpython install；"
            f"然后打开 Excel → 工具 → Excel 加载项 → 浏览 → 选中上面的文件 → 勾选“{ADDIN_TITLE}” → 确定。",
        ]
    return [
        f"本机（{plan.system}）没有 Microsoft Excel，未安装加载项。",
        f"只写入了加载项文件：{path}（{size}）",
        "在装有 Excel 的 Windows 电脑上安装本程序后运行 shenbao addin install（会同时填好 Python 路径）；"
        "也可把该文件复制过去，在 Excel 的“加载项”对话框中浏览选中。",
    ]
