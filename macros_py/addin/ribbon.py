"""What the ribbon buttons do: `dispatch` maps a button id (customUI14.xml) to a function here.

The ribbon's one VBA macro runs `import macros_py.addin.ribbon as a; a.dispatch('<button id>')` through
xlwings' RunPython, in a fresh Python process, with the active workbook reachable as
`xlwings.Book.caller()`. The functions named in ACTIONS are the ribbon's Python bodies: each stays
thin (STYLE 11) — it takes the workbook (or Excel itself), asks Excel's dialogs, and hands over to
modules that need no Excel: excel_marks (校验本簿, 清除标记), workbook_files (新建申报簿, 生成报送文件),
merge_runs (合并文件夹…, 打开汇总报告), ribbon_text (every message). Each function takes the book or
app as an optional argument, so that the tests run it with a stand-in for xlwings' objects.

Every error ends in a Chinese message box, never in xlwings' traceback window: ShenbaoError with its
own text, anything else with a short note, its traceback written to a log file for the maintainer.
Adding a button: an id in addin/customUI14.xml, an entry here, the function; no VBA.
"""

from __future__ import annotations

import functools
import sys
import webbrowser
from pathlib import Path

import xlwings as xw

from macros_py.addin import ribbon_text as text
from macros_py.model.errors import ShenbaoError

# Button id -> name of the function in this module that the button runs.
ACTIONS: dict[str, str] = {
    "sb_new_workbook": "new_workbook",  # 新建申报簿
    "sb_check": "check_workbook",  # 校验本簿
    "sb_clear": "clear_marks",  # 清除标记
    "sb_export": "export_submission",  # 生成报送文件
    "sb_merge_folder": "merge_folder",  # 合并文件夹…
    "sb_open_report": "open_report",  # 打开汇总报告
    "sb_review_prepare": "review_prepare",  # 生成评审表
    "sb_review_collect": "review_collect",  # 汇总评分
    "sb_help": "show_help",  # 使用说明
    "sb_version": "show_version",  # 版本
}
MSO_FOLDER_PICKER = 4   # msoFileDialogFolderPicker
LOG_FILE = "addin_error.log"


class _Ui:
    """Where messages go: the Excel of the workbook or app the action works on."""

    def __init__(self) -> None:
        self.app = None

    def tell(self, message: str, buttons: str = "ok") -> str | None:
        return self.app.alert(message, title=text.TITLE, buttons=buttons, mode="info")


def _log(exc: BaseException) -> Path | None:
    from macros_py.addin.merge_runs import state_dir

    try:
        folder = state_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LOG_FILE
        path.write_text(text.traceback_text(exc), encoding="utf-8")
        return path
    except OSError:
        return None


def _alert_failure(app, message: str) -> None:
    try:
        (app or xw.apps.active).alert(message, title=text.TITLE, mode="critical")
    except Exception:  # no Excel to show it in: the console is all that is left
        print(message, file=sys.stderr)


def _action(func):
    """Run a ribbon function; whatever goes wrong becomes a Chinese message box."""

    @functools.wraps(func)
    def run(target=None):
        ui = _Ui()
        try:
            func(target, ui)
        except Exception as exc:
            _alert_failure(ui.app, text.failure(exc, None if isinstance(exc, ShenbaoError) else _log(exc)))

    return run


def _calling_book():
    """The workbook the user is in (the add-in's RunPython makes it Book.caller())."""
    try:
        return xw.Book.caller()
    except Exception:  # no workbook open, or Excel busy with a cell being edited
        raise ShenbaoError("没有可处理的工作簿：请先打开申报工作簿（并结束正在编辑的单元格），再点按钮。") from None


def _windows_api(app):
    """Excel's own object model, for the dialogs xlwings does not wrap (Windows only)."""
    api = app.api
    if not hasattr(api, "FileDialog"):
        raise ShenbaoError("此功能需要 Windows 版 Excel。")
    return api


# ---------------------------------------------------------------------------------------- buttons
@_action
def new_workbook(app, ui) -> None:
    from macros_py.addin.workbook_files import new_workbook_file
    from macros_py.policy.load import default_policy

    ui.app = app = app or xw.apps.active
    policy = default_policy()
    chosen = _windows_api(app).GetSaveAsFilename(
        InitialFileName=f"申报工作簿_{policy.year}.xlsx", FileFilter="Excel 工作簿 (*.xlsx),*.xlsx",
        Title="新建申报簿：保存到")
    if not chosen:  # the dialog returns False when cancelled
        return
    path = Path(str(chosen))
    if path.exists() and ui.tell(f"{path} 已存在，是否用新的空白申报工作簿覆盖？", "yes_no") != "yes":
        return
    new_workbook_file(path, policy)
    app.books.open(str(path))
    ui.tell(text.new_done(path))


@_action
def check_workbook(book, ui) -> None:
    from macros_py.addin.excel_marks import check_book

    book = book or _calling_book()
    ui.app = book.app
    outcome = check_book(book)
    ui.tell(text.check_done(outcome.findings, outcome.marked))


@_action
def clear_marks(book, ui) -> None:
    from macros_py.addin.excel_marks import clear_book

    book = book or _calling_book()
    ui.app = book.app
    ui.tell(text.clear_done(clear_book(book)))


@_action
def export_submission(book, ui) -> None:
    from macros_py.addin.workbook_files import export_book

    book = book or _calling_book()
    ui.app = book.app
    ui.tell(text.export_done(export_book(book)))


@_action
def merge_folder(app, ui) -> None:
    from macros_py.addin.merge_runs import remember, run_merge

    ui.app = app = app or xw.apps.active
    dialog = _windows_api(app).FileDialog(MSO_FOLDER_PICKER)
    dialog.Title = "选择收件文件夹（存放各推荐单位报送的工作簿）"
    if dialog.Show() != -1:  # -1: a folder was chosen
        return
    result = run_merge(dialog.SelectedItems(1))
    remember(result)
    if ui.tell(text.merge_done(result) + "\n\n现在打开汇总报告吗？", "yes_no") == "yes":
        _open_file(result.report)


@_action
def open_report(app, ui) -> None:
    from macros_py.addin.merge_runs import last_report

    ui.app = app or xw.apps.active
    _open_file(last_report())


def _pick_folder(app, title: str) -> str | None:
    dialog = _windows_api(app).FileDialog(MSO_FOLDER_PICKER)
    dialog.Title = title
    return dialog.SelectedItems(1) if dialog.Show() == -1 else None


@_action
def review_prepare(app, ui) -> None:
    from macros_py.addin.review_runs import prepare_folder

    ui.app = app = app or xw.apps.active
    folder = _pick_folder(app, "选择评审文件夹（其中放一份专家名单.xlsx）")
    if folder:
        ui.tell(text.review_done("评审表已生成", prepare_folder(folder)))


@_action
def review_collect(app, ui) -> None:
    from macros_py.addin.review_runs import collect_folder

    ui.app = app = app or xw.apps.active
    folder = _pick_folder(app, "选择放收回的评分表和复核表的文件夹")
    if not folder:
        return
    result = collect_folder(folder)
    if ui.tell(text.review_done("评分已汇总", result) + "\n\n现在打开评审报告吗？", "yes_no") == "yes":
        _open_file(result.report)


@_action
def show_help(app, ui) -> None:
    ui.app = app or xw.apps.active
    ui.tell(text.help_text())


@_action
def show_version(app, ui) -> None:
    from macros_py.policy.load import default_policy

    ui.app = app or xw.apps.active
    ui.tell(text.version_text(default_policy()))


def _open_file(path: Path) -> None:
    """Open a report in the default browser (the tests replace this)."""
    webbrowser.open(Path(path).resolve().as_uri())


def dispatch(control_id: str) -> None:
    """Run the function behind a ribbon button; a Chinese message if the id or its function is unknown."""
    name = ACTIONS.get(control_id)
    target = globals().get(name) if name else None
    if name is None:
        _alert_failure(None, f"加载项不认识按钮“{control_id}”：请重新安装与本程序同一版本的加载项")
    elif not callable(target):
        _alert_failure(None, f"按钮“{control_id}”对应的功能 {name} 在本版本中不可用")
    else:
        target()
