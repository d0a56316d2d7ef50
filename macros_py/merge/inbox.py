"""What is in the bureau's inbox folder: workbooks to read, and everything else with the reason it
is not read. Nothing in the folder is passed over without a line saying why.

The optional receipt register 收文登记.csv (文件名,收文日期) gives the date each file was received;
files it does not list fall back to the file's modification time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from macros_py.merge.archive import is_archive, open_archive
from macros_py.read.own_output import WHAT as OWN_WHAT
from macros_py.read.own_output import own_output
from macros_py.read.safety import LOCK_FILE_REASON, WORKBOOK_SUFFIXES

REGISTER_NAME = "收文登记.csv"
_SYSTEM_FILES = {"thumbs.db", "desktop.ini", ".ds_store"}


@dataclass(frozen=True)
class InboxItem:
    path: Path
    relpath: str          # relative to the inbox, with forward slashes: the name shown everywhere
    kind: str             # "workbook", "lock", "other", "register", "own" (this tool's output)
    reason: str = ""      # why a non-workbook is not read


def discover(inbox: str | Path, unpack: Path | None = None) -> list[InboxItem]:
    """Every file of the inbox, each with what it is. Our own outputs (master, feedback, report,
    ledger, 人工裁定, JSON) are known by content, whatever their names. A .zip is opened into `unpack`
    (a folder outside the inbox; without it archives are only listed): each workbook inside is an
    item `压缩包 › 文件`."""
    inbox = Path(inbox)
    items = []
    for path in sorted(p for p in inbox.rglob("*") if p.is_file()):
        rel = path.relative_to(inbox).as_posix()
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
        elif path.suffix.lower() in WORKBOOK_SUFFIXES:
            items.append(InboxItem(path, rel, "workbook"))
        else:
            items.append(InboxItem(path, rel, "other",
                                   f"不是 Excel 工作簿（扩展名 {path.suffix or '无'}），未读取；如为报送文件请另存为 .xlsx"))
    return items


def _archive_items(path: Path, rel: str, unpack: Path | None, n: int) -> list[InboxItem]:
    if unpack is None:
        return [InboxItem(path, rel, "other", "压缩包，未打开")]
    out = []
    for entry in open_archive(path, rel, unpack / f"{n:04d}"):
        if entry.path is None:
            out.append(InboxItem(path, entry.relpath, "other", entry.reason))
        elif (ours := own_output(entry.path)) is not None:
            out.append(InboxItem(entry.path, entry.relpath, "own", OWN_WHAT[ours]))
        else:
            out.append(InboxItem(entry.path, entry.relpath, "workbook"))
    return out


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _parse_date(text: str) -> dt.datetime | None:
    text = text.strip().replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def read_register(inbox: str | Path) -> tuple[dict[str, dt.datetime], list[str]]:
    """{file name: received} from 收文登记.csv, and Chinese messages for lines it could not use."""
    path = Path(inbox) / REGISTER_NAME
    if not path.is_file():
        return {}, []
    received, problems = {}, []
    rows = list(csv.reader(io.StringIO(_decode(path.read_bytes()))))
    for lineno, row in enumerate(rows, start=1):
        if not row or not any(cell.strip() for cell in row):
            continue
        if lineno == 1 and not _parse_date(row[-1] if row else ""):
            continue  # the header line
        if len(row) < 2:
            problems.append(f"{REGISTER_NAME} 第 {lineno} 行：应为“文件名,收文日期”两列")
            continue
        when = _parse_date(row[1])
        if when is None:
            problems.append(f"{REGISTER_NAME} 第 {lineno} 行：无法识别日期“{row[1]}”，该文件按文件时间计")
            continue
        received[row[0].strip()] = when
    return received, problems


def registered(item: InboxItem, register: dict[str, dt.datetime]) -> dt.datetime | None:
    """The receipt register's date for a file (by its path in the inbox, else by its name)."""
    for key in (item.relpath, item.path.name):
        if key in register:
            return register[key]
    return None


def received_time(item: InboxItem, register: dict[str, dt.datetime]) -> dt.datetime:
    """When the bureau received a file: the register's date, else the file's modification time."""
    return registered(item, register) or dt.datetime.fromtimestamp(item.path.stat().st_mtime).replace(microsecond=0)
