"""What is in the bureau's inbox folder: workbooks to read, and everything else with the reason it
is not read. Nothing in the folder is passed over without a line saying why.

The optional receipt register 收文登记.csv (文件名,收文日期) gives the date each file was received;
files it does not list fall back to the file's modification time, read in the bureau's time zone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from macros_py.read.folder import REGISTER_NAME, InboxItem, discover

__all__ = ["REGISTER_NAME", "InboxItem", "discover", "read_register", "received_time", "registered"]

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


# A register of ten thousand files is about half a megabyte; anything far larger is some other file.
MAX_REGISTER_BYTES = 4 * 1024 * 1024
_MAX_PROBLEMS = 20


def read_register(inbox: str | Path) -> tuple[dict[str, dt.datetime], list[str]]:
    """{file name: received} from 收文登记.csv, and Chinese messages for lines it could not use (the
    first twenty, then how many more)."""
    path = Path(inbox) / REGISTER_NAME
    if not path.is_file():
        return {}, []
    size = path.stat().st_size
    if size > MAX_REGISTER_BYTES:
        return {}, [f"{REGISTER_NAME} 有 {size / 1048576:.0f} MB，超过 {MAX_REGISTER_BYTES // 1048576} MB 的上限，未读取，"
                    "各文件按文件时间计收文时间；请检查是否放错了文件"]
    received, problems = _register_lines(path)
    if len(problems) > _MAX_PROBLEMS:
        problems = problems[:_MAX_PROBLEMS] + [f"{REGISTER_NAME} 另有 {len(problems) - _MAX_PROBLEMS} 行无法使用，未逐一列出"]
    return received, problems


def _register_lines(path: Path) -> tuple[dict[str, dt.datetime], list[str]]:
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
            shown = row[1] if len(row[1]) <= 40 else row[1][:40] + "…"
            problems.append(f"{REGISTER_NAME} 第 {lineno} 行：无法识别日期“{shown}”，该文件按文件时间计")
            continue
        received[row[0].strip()] = when
    return received, problems


def registered(item: InboxItem, register: dict[str, dt.datetime]) -> dt.datetime | None:
    """The receipt register's date for a file (by its path in the inbox, else by its name)."""
    for key in (item.relpath, item.path.name):
        if key in register:
            return register[key]
    return None


def received_time(item: InboxItem, register: dict[str, dt.datetime], zone: dt.tzinfo) -> dt.datetime:
    """When the bureau received a file: the register's date, else the file's modification time as a
    wall-clock time in the bureau's time zone (policy notice.time_zone), never the machine's."""
    found = registered(item, register)
    if found is not None:
        return found
    stamp = dt.datetime.fromtimestamp(item.path.stat().st_mtime, tz=zone)
    return stamp.replace(tzinfo=None, microsecond=0)
