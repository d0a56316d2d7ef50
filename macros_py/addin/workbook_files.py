"""Files the ribbon writes: a fresh standardized workbook (新建申报簿) and the files a county sends
(生成报送文件) — a clean copy of the workbook, its check report and the materials checklist.

The files to send go beside the workbook, named `<推荐单位>_<YYYYMMDD>_…`; the same day's files are
replaced. The clean copy is the workbook as it is now, without the marks of 校验本簿: when the
workbook carries marks, the copy is opened in Excel and 清除标记's own code takes them off there,
so the copy is exact (a copy rewritten by openpyxl could lose Excel features it does not know).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from macros_py.addin.excel_marks import clear_book, read_book, saved_copy, sheet_names
from macros_py.addin.mark_plan import LEDGER_SHEET
from macros_py.model.errors import ShenbaoError
from macros_py.model.paths import safe_name
from macros_py.policy.load import Policy, default_policy


@dataclass
class ExportResult:
    recommender: str
    workbook: Path
    report: Path
    checklist: Path
    counts: dict[str, int]      # severity -> findings in the clean copy


def file_stem(recommender: str, day: dt.date) -> str:
    """`<推荐单位>_<YYYYMMDD>`, with the characters Windows does not allow in a name taken out."""
    return f"{safe_name(recommender, '推荐单位')}_{day:%Y%m%d}"


def _replace(tmp: Path, target: Path) -> None:
    try:
        os.replace(tmp, target)
    except PermissionError:
        raise ShenbaoError(f"无法写入 {target}：该文件可能正在 Excel 或其他程序中打开，请关闭后重试。") from None


def _temp_beside(target: Path) -> Path:
    # Beside the target so that the final rename stays on one drive; the name is unique, so Excel
    # never refuses to open it for having the name of a workbook it already has open.
    return target.with_name(f".~shenbao-{uuid.uuid4().hex[:8]}{target.suffix}")


def clean_copy(book, copy: Path, target: Path) -> Path:
    """`copy` (SaveCopyAs of `book`) written to `target` without the marks of 校验本簿."""
    tmp = _temp_beside(target)
    shutil.copyfile(copy, tmp)
    try:
        if LEDGER_SHEET in sheet_names(book):
            other = book.app.books.open(str(tmp))
            try:
                clear_book(other)
                other.save()
            finally:
                other.close()
        _replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def export_book(book, policy: Policy | None = None, today: dt.date | None = None) -> ExportResult:
    """生成报送文件: the clean copy, the HTML check report of that copy, and the materials checklist."""
    from macros_py.check.engine import check_paths
    from macros_py.report.check_html import write_html
    from macros_py.write.materials import write_checklist

    policy = policy or default_policy()
    today = today or dt.date.today()
    here = Path(str(book.fullname))
    if not here.is_absolute() or not here.parent.is_dir():
        raise ShenbaoError("请先保存本工作簿：报送文件生成在工作簿所在的文件夹中。")
    folder = here.parent
    with saved_copy(book) as copy:
        sub = read_book(book, copy, policy)
        if not sub.recommender:
            where = f"“{sub.recommender_sheet}”的 {sub.recommender_cell} " if sub.recommender_sheet else "填报说明中"
            raise ShenbaoError(f"推荐单位未填写：请在{where}填写后再生成报送文件（文件以推荐单位命名）。")
        stem = file_stem(sub.recommender, today)
        target = folder / f"{stem}_申报工作簿{copy.suffix.lower()}"
        if target.resolve() == here.resolve():
            raise ShenbaoError(f"当前打开的就是报送文件 {target.name}，不能用它覆盖自己。请把工作簿另存为其他名称后再生成。")
        clean_copy(book, copy, target)
    report = check_paths([target], policy)
    paths = {}
    for key, name, write in (
            ("report", f"{stem}_校验报告.html", lambda p: write_html(report, p)),
            ("checklist", f"{stem}_报送材料清单.xlsx", lambda p: write_checklist(p, sub, sub.recommender, policy))):
        try:
            paths[key] = write(folder / name)
        except PermissionError:
            raise ShenbaoError(f"无法写入 {folder / name}：该文件可能正在打开，请关闭后重试。") from None
    return ExportResult(sub.recommender, target, paths["report"], paths["checklist"], report.counts_by_severity())


def new_workbook_file(path: str | Path, policy: Policy | None = None) -> Path:
    """A fresh standardized workbook at `path`: the committed one for the policy year (the very file the
    bureau distributes), or one written from the schema where the committed file is not installed."""
    from macros_py.write.template import committed_template_path, write_template

    policy = policy or default_policy()
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ShenbaoError(f"申报工作簿应保存为 .xlsx 文件：{path.name}")
    source = committed_template_path(policy)
    if not source.is_file():
        return write_template(path, policy)
    tmp = _temp_beside(path)
    try:
        shutil.copyfile(source, tmp)
        _replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
