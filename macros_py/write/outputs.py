"""Where a command may write: the one place that decides whether an output path is safe to write,
and the one wording of every refusal and failure.

The rule, the same for every command (template, check, merge, report, addin build):
- an output never replaces a file shenbao did not write, unless --force is given; a file it wrote is
  recognised by a marker (the master's hidden 汇总数据 sheet, a `shenbao` document property in a
  feedback workbook or annotated copy, a generator meta tag in an HTML report, the shape of our JSON);
- an output never replaces an input, or lands inside the inbox being read, even with --force;
- a read-only file, a file Excel or WPS holds open (its `~$` lock file beside it), a folder where a
  file is wanted and a file where a folder is wanted are refused before anything is written;
- a missing parent folder is created; one that cannot be is a message naming the path.
Every OSError met while writing becomes an OutputError with a Chinese reason (describe_os_error).
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from macros_py.model.errors import OutputError
from macros_py.read import own_output as own
from macros_py.read.own_output import OUTPUT_PROPERTY as MARKER_PROPERTY

HTML_GENERATOR = "shenbao"    # <meta name="generator" content="shenbao …"> in our HTML reports


def describe_os_error(exc: OSError) -> str:
    """An OSError as a Chinese reason (the path is named by the caller)."""
    code = exc.errno
    if code in (errno.EACCES, errno.EPERM):
        return "没有写入权限（文件是只读的、正被 Excel 或 WPS 打开，或文件夹不允许写入）"
    if code == errno.EROFS:
        return "所在的磁盘是只读的"
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG):
        return "磁盘空间不足（或超过了允许的文件大小）"
    if code == errno.EISDIR:
        return "该路径是一个文件夹"
    if code == errno.ENOTDIR:
        return "路径中的某一级是文件，不是文件夹"
    if code == errno.ENAMETOOLONG:
        return "文件名太长"
    if code == errno.ENOENT:
        return "文件夹不存在，也无法创建"
    if code == errno.EBUSY or getattr(exc, "winerror", None) in (32, 33):
        return "文件正被其他程序（如 Excel、WPS）使用"
    return exc.strerror or str(exc) or type(exc).__name__


# A temporary a run writes for now -> the output it becomes (staging.OutputSet), so that a message names
# the file the user asked for.
STAGED: dict[str, Path] = {}


def write_failure(path: Path | str, exc: OSError) -> OutputError:
    shown = STAGED.get(str(path), path)
    return OutputError(f"无法写入 {shown}：{describe_os_error(exc)}。本次运行没有写出任何文件，请处理后重试。")


# ---------------------------------------------------------------- recognising our own files

def _zip_member(path: Path, name: str, limit: int = 1 << 20) -> bytes | None:
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo(name)
            if info.file_size > limit:
                return None
            return z.read(info)
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, NotImplementedError):
        return None


def workbook_marker(path: Path) -> str | None:
    """The value of our `shenbao` custom document property, if the workbook carries one."""
    xml = _zip_member(path, "docProps/custom.xml")
    if not xml:
        return None
    m = re.search(rb'name="' + MARKER_PROPERTY.encode() + rb'"[^>]*>\s*<vt:lpwstr>([^<]*)</vt:lpwstr>', xml)
    return m.group(1).decode("utf-8", "replace") if m else None


def is_master(path: Path) -> bool:
    """A master `shenbao merge` wrote (read/own_output.py knows it by content)."""
    return own.own_output(path) == own.MASTER


def _written_by_us(path: Path, title_end: str) -> bool:
    """A workbook of an earlier version, before the marker: author shenbao and the title it gave."""
    xml = _zip_member(path, "docProps/core.xml") or b""
    title = re.search(rb"<dc:title>([^<]*)</dc:title>", xml)
    return b"<dc:creator>shenbao</dc:creator>" in xml and bool(title) and title.group(1).decode(
        "utf-8", "replace").endswith(title_end)


def _marked(kind: str, legacy_title: str | None = None) -> Callable[[Path], bool]:
    return lambda path: workbook_marker(path) == kind or bool(legacy_title and _written_by_us(path, legacy_title))


def _html_ours(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return f'<meta name="generator" content="{HTML_GENERATOR}'.encode() in head


def _json(path: Path):
    try:
        if path.stat().st_size > 512 << 20:
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _summary_json_ours(path: Path) -> bool:
    data = _json(path)
    return isinstance(data, dict) and {"files", "rows_read", "rows_merged", "rows_rejected", "findings"} <= set(data)


def _check_json_ours(path: Path) -> bool:
    data = _json(path)
    return isinstance(data, list) and all(isinstance(d, dict) and {"rule", "severity", "file", "message"} <= set(d)
                                          for d in data)


@dataclass(frozen=True)
class Kind:
    what: str                                   # how the message names it
    suffixes: tuple[str, ...]
    ours: Callable[[Path], bool] | None = None  # None: any existing file needs --force


FEEDBACK_MARK, ANNOTATED_MARK = own.FEEDBACK, own.ANNOTATED
MASTER = Kind("汇总工作簿", (".xlsx",), is_master)
FEEDBACK = Kind("反馈工作簿", (".xlsx",), _marked(FEEDBACK_MARK, " 审核反馈"))
ANNOTATED = Kind("批注副本", (".xlsx", ".xlsm"), _marked(ANNOTATED_MARK))
MERGE_HTML = Kind("HTML 汇总报告", (".html", ".htm"), _html_ours)
CHECK_HTML = Kind("HTML 校验报告", (".html", ".htm"), _html_ours)
SUMMARY_JSON = Kind("汇总 JSON", (".json",), _summary_json_ours)
CHECK_JSON = Kind("问题清单 JSON", (".json",), _check_json_ours)
TEMPLATE = Kind("申报工作簿", (".xlsx",))       # a template may have been filled in: never replaced silently
ADDIN = Kind("加载项", (".xlam",))


def exists_message(path: Path, kind: Kind) -> str:
    """The one wording of "exists; add --force", used by every command."""
    whose = f"，且不是 shenbao 生成的{kind.what}" if kind.ours else ""
    return f"文件 {path} 已存在{whose}；本程序不会覆盖它。请换一个文件名，或确认可以覆盖后加 --force。"


# ---------------------------------------------------------------- the checks

def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _parent_ok(path: Path) -> None:
    """The nearest existing ancestor must be a folder we may write in (missing ones are created)."""
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(f"无法写入 {path}：{ancestor} 是文件，不是文件夹，无法在其中创建文件夹。")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(f"无法写入 {path}：没有在文件夹 {ancestor} 中写入的权限。")


def lock_file(path: Path) -> Path | None:
    """The lock file Excel or WPS (~$name) or LibreOffice (.~lock.name#) keeps beside a workbook it has
    open, if there is one."""
    for name in (f"~${path.name}", f"~${path.name[2:]}", f".~lock.{path.name}#"):
        candidate = path.parent / name
        if len(name) > 2 and candidate.is_file():
            return candidate
    return None


def _folders(inbox) -> list[Path]:
    if inbox is None:
        return []
    return [Path(inbox)] if isinstance(inbox, str | Path) else [Path(f) for f in inbox]


def claim(path: str | Path, kind: Kind, *, force: bool = False, inputs: Iterable[str | Path] = (),
          inbox: str | Path | Iterable[str | Path] | None = None, option: str = "") -> Path:
    """Raise OutputError unless `path` may be written as a `kind`; return it as a Path.

    Nothing is created here: the caller writes only after every output of its run has been claimed."""
    path = Path(path)
    label = f"{option} " if option else ""
    if path.suffix.lower() not in kind.suffixes:
        raise OutputError(f"{label}{path}：{kind.what}的文件名应以 {' 或 '.join(kind.suffixes)} 结尾。")
    full = path.resolve()
    for raw in inputs:
        if full == Path(raw).resolve():
            raise OutputError(f"{label}{path} 是输入文件本身：原文件从不改写，请另选输出文件名。")
    for folder in _folders(inbox):
        if _inside(full, folder.resolve()):
            raise OutputError(f"{label}{path} 在收件文件夹 {folder} 里面：下一次汇总会把它当成报送文件读取。"
                              "请把输出放在收件文件夹之外。")
    if path.is_dir():
        raise OutputError(f"无法写入 {path}：这是一个文件夹，而{kind.what}应是一个文件。")
    _parent_ok(path)
    if path.exists() or path.is_symlink():
        held(path)
        if not force and not (kind.ours and kind.ours(path)):
            raise OutputError(exists_message(path, kind))
    return path


def held(path: Path) -> None:
    """OutputError when `path` is open in Excel or WPS (its lock file beside it) or read-only."""
    lock = lock_file(path)
    if lock:
        raise OutputError(f"无法写入 {path}：它正在 Excel、WPS 或 LibreOffice 中打开（旁边有锁文件 {lock.name}）。"
                          "请先关闭它再重试。")
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise write_failure(path, exc) from None
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise OutputError(f"无法写入 {path}：文件是只读的（或正被其他程序占用），本程序不会改写它。"
                          "请去掉只读属性或换一个文件名。")


def claim_folder(path: str | Path, *, inputs: Iterable[str | Path] = (),
                 inbox: str | Path | Iterable[str | Path] | None = None, option: str = "",
                 what: str = "输出文件夹") -> Path:
    """Raise OutputError unless `path` can be (or already is) a folder for our outputs."""
    path = Path(path)
    label = f"{option} " if option else ""
    full = path.resolve()
    for raw in inputs:
        if Path(raw).resolve() == full:
            raise OutputError(f"{label}{path} 是输入本身，不能作为{what}。")
    for folder in _folders(inbox):
        if _inside(full, folder.resolve()):
            raise OutputError(f"{label}{path} 在收件文件夹 {folder} 里面：下一次汇总会把其中的文件当成报送文件读取。"
                              f"请把{what}放在收件文件夹之外。")
    if path.exists() and not path.is_dir():
        raise OutputError(f"无法写入 {path}：这是一个文件，而{what}应是一个文件夹。")
    if path.is_dir():
        if not os.access(path, os.W_OK | os.X_OK):
            raise OutputError(f"无法写入 {path}：没有在这个文件夹中写入的权限。")
    else:
        _parent_ok(path / "x")
    return path


def prepare_folders(paths: Iterable[Path], created: list[Path], folders: Iterable[Path] = ()) -> None:
    """Before a run does its work: create the folders its outputs go in (noting them in `created`, for
    the caller to remove if the run fails) and prove each writable with a probe file, so that a folder
    that cannot be created or written in is refused before anything is read (OutputError)."""
    seen = set()
    for path, folder in [(Path(p), Path(p).parent) for p in paths] + [(Path(f), Path(f)) for f in folders]:
        if str(folder) in seen:
            continue
        seen.add(str(folder))
        make_parents(folder / "x", created)
        probe = folder / f".~shenbao-probe-{os.getpid()}"
        try:
            probe.open("xb").close()
            probe.unlink()
        except FileExistsError:
            probe.unlink(missing_ok=True)
        except OSError as exc:
            raise OutputError(f"无法写入 {path}（在文件夹 {folder} 中）：{describe_os_error(exc)}。"
                              "没有读取或写出任何文件。") from None


def remove_folders(created: list[Path]) -> None:
    """Remove the folders prepare_folders created, if they are still empty."""
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            pass


def make_parents(path: Path, created: list[Path] | None = None) -> None:
    """Create the missing folders above `path` (noting them in `created`), or raise OutputError."""
    missing = []
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            if not folder.is_dir():
                raise OutputError(f"无法创建文件夹 {folder}：已有同名的文件。") from None
        except OSError as exc:
            raise OutputError(f"无法创建文件夹 {folder}：{describe_os_error(exc)}。没有写出任何文件。") from None
        if created is not None:
            created.append(folder)
