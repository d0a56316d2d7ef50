"""What the ribbon buttons do: `dispatch` maps a button id (customUI14.xml) to a function here.

The ribbon's one VBA macro runs `import macros_py.xl_addin as a; a.dispatch('<button id>')` through
xlwings' RunPython, in a fresh Python process, with the active workbook reachable as
`xlwings.Book.caller()`. The functions named in ACTIONS are the ribbon's Python bodies: each stays
thin (STYLE 11) and calls the engine and the renderers, which need no Excel. Adding a button: an id
in addin/customUI14.xml, an entry here, the function; no VBA.
"""

from __future__ import annotations

from .errors import ShenbaoError

# Button id -> name of the function in this module that the button runs.
ACTIONS: dict[str, str] = {
    "sb_new_workbook": "new_workbook",  # 新建申报簿
    "sb_check": "check_workbook",  # 校验本簿
    "sb_clear": "clear_marks",  # 清除标记
    "sb_export": "export_submission",  # 生成报送文件
    "sb_merge_folder": "merge_folder",  # 合并文件夹…
    "sb_open_report": "open_report",  # 打开汇总报告
    "sb_help": "show_help",  # 使用说明
    "sb_version": "show_version",  # 版本
}


def dispatch(control_id: str) -> None:
    """Run the function behind a ribbon button; a Chinese error if the id or its function is unknown."""
    name = ACTIONS.get(control_id)
    if name is None:
        raise ShenbaoError(f"加载项不认识按钮“{control_id}”：请重新安装与本程序同一版本的加载项")
    target = globals().get(name)
    if not callable(target):
        raise ShenbaoError(f"按钮“{control_id}”对应的功能 {name} 在本版本中不可用")
    target()
