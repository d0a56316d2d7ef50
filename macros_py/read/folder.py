"""What is in a folder of submissions: workbooks to read, and everything else with the reason it is
not read. Nothing in the folder is passed over without a line saying why. `shenbao check FOLDER` and
`shenbao merge FOLDER` both walk a folder through here, subfolders included, so they see the same files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from macros_py.model.errors import UsageError
from macros_py.read.archive import archive_listing, is_archive, open_archive
from macros_py.read.own_output import WHAT as OWN_WHAT
from macros_py.read.own_output import own_output
from macros_py.read.safety import LOCK_FILE_REASON, SUBMISSION_SUFFIXES

REGISTER_NAME = "收文登记.csv"
# The filled review example `shenbao samples` writes beside the samples (macros_py/review/example.py):
# its workbooks are 评分表 and 复核表, not submissions. The folder is listed once, not read.
REVIEW_EXAMPLE_DIR = "评审示例"
REVIEW_EXAMPLE_REASON = "评审示例（shenbao review 用的专家名单、评分表和复核表），不是报送文件，未读取"
_SYSTEM_FILES = {"thumbs.db", "desktop.ini", ".ds_store"}


@dataclass(frozen=True)
class InboxItem:
    path: Path
    relpath: str          # relative to the inbox, with forward slashes: the name shown everywhere
    kind: str             # "workbook", "lock", "other", "register", "own" (this tool's output)
    reason: str = ""      # why a non-workbook is not read


def discover(inbox: str | Path, unpack: Path | None = None) -> list[InboxItem]:
    """Every file under `inbox` (subfolders included), sorted, each with its kind; our own temporary
    files (.~shenbao-…) are left out. Our own outputs (master, feedback, report, ledger, 人工裁定, JSON)
    are known by content, whatever their names. A .zip, .7z or .rar is opened into `unpack` (a folder outside the
    inbox; without it archives are only listed): each workbook inside is an item `压缩包 › 文件`."""
    inbox = Path(inbox)
    if not os.access(inbox, os.R_OK | os.X_OK):
        raise UsageError(f"没有读取文件夹 {inbox} 的权限，无法列出其中的文件。请让文件夹的所有者放开读取权限，"
                         "或把文件复制到有权限的文件夹后重试。")
    items = []
    example = inbox / REVIEW_EXAMPLE_DIR
    if example.is_dir():
        items.append(InboxItem(example, REVIEW_EXAMPLE_DIR + "/", "other", REVIEW_EXAMPLE_REASON))
    unreadable: list[tuple[Path, str]] = []
    for path in _files(inbox, unreadable):
        rel = path.relative_to(inbox).as_posix()
        if example.is_dir() and path.is_relative_to(example):
            continue
        name = path.name
        if any(part.startswith(".~shenbao-") for part in path.parts):
            continue  # our own temporary file from an interrupted write
        if name == REGISTER_NAME:
            items.append(InboxItem(path, rel, "register", "收文登记"))
        elif name.startswith("~$"):
            items.append(InboxItem(path, rel, "lock", LOCK_FILE_REASON))
        elif name.lower() in _SYSTEM_FILES or name.startswith("."):
            items.append(InboxItem(path, rel, "other", "系统文件，已跳过"))
        elif (ours := own_output(path)) is not None:
            items.append(InboxItem(path, rel, "own", OWN_WHAT[ours]))
        elif is_archive(path):
            items += _archive_items(path, rel, unpack, len(items))
        elif path.suffix.lower() in SUBMISSION_SUFFIXES:
            items.append(InboxItem(path, rel, "workbook"))
        else:
            items.append(InboxItem(path, rel, "other",
                                   f"不是 Excel 工作簿（扩展名 {path.suffix or '无'}），未读取；如为报送文件请另存为 .xlsx"))
    for folder, reason in unreadable:
        items.append(InboxItem(folder, folder.relative_to(inbox).as_posix() + "/", "other", reason))
    return items


def _unlisted(exc: OSError) -> str:
    what = "没有读取这个子文件夹的权限" if isinstance(exc, PermissionError) else \
        f"无法列出这个子文件夹（{exc.strerror or exc}）"
    return f"{what}，其中的文件一个也没有读取。请把其中的工作簿移到收件文件夹中能打开的位置后重新汇总。"


def _files(inbox: Path, unreadable: list[tuple[Path, str]]) -> list[Path]:
    """Every file under `inbox`, sorted; a subfolder that cannot be listed goes to `unreadable` with the
    reason (Path.rglob would pass over it without a word, and its submissions with it)."""
    found = []
    for root, dirs, files in os.walk(inbox, onerror=lambda exc: unreadable.append((Path(exc.filename),
                                                                                   _unlisted(exc)))):
        dirs.sort()
        found += [p for name in files if (p := Path(root) / name).is_file()]
    unreadable.sort()
    return sorted(found)


def _archive_items(path: Path, rel: str, unpack: Path | None, n: int) -> list[InboxItem]:
    if unpack is None:
        return [InboxItem(path, rel, "other", "压缩包，此处未打开（shenbao check 和 merge 会打开 .zip、.7z 和 .rar）"
                                              + archive_listing(path))]
    out = []
    for entry in open_archive(path, rel, unpack / f"{n:04d}"):
        if entry.path is None:
            out.append(InboxItem(path, entry.relpath, "other", entry.reason))
        elif (ours := own_output(entry.path)) is not None:
            out.append(InboxItem(entry.path, entry.relpath, "own", OWN_WHAT[ours]))
        else:
            out.append(InboxItem(entry.path, entry.relpath, "workbook"))
    return out
