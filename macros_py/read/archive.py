"""Archives in the inbox: a .zip is opened and each workbook inside is a submission of its own, named
`压缩包 › 文件`; what cannot be opened (a nested archive, .rar, .7z, an encrypted entry) is listed
with a Chinese reason that names what is inside wherever the archive can be listed.

Windows' 发送到 → 压缩(zipped)文件夹 writes file names in the system code page (GBK, cp936) without
setting the UTF-8 flag (bit 11): such names are decoded as cp936, not as zipfile's cp437 default.

Limits: the declared sizes of the whole archive are checked against read.safety's limits before
anything is extracted (a zip bomb stops at once), and each entry is copied with a cap of its
declared size, so an entry lying about its size stops too. Entries are extracted into a temporary
folder outside the inbox (inputs are never modified), which the merge removes at its end.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from macros_py.read.safety import DEFAULT_LIMITS, WORKBOOK_SUFFIXES, Limits

SEP = " › "
ARCHIVE_SUFFIXES = frozenset({".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".cab", ".arj"})
MAX_ENTRIES = 2000
_MAGIC = ((b"Rar!\x1a\x07", "RAR"), (b"7z\xbc\xaf\x27\x1c", "7z"), (b"\x1f\x8b", "gzip"),
          (b"BZh", "bzip2"), (b"\xfd7zXZ\x00", "xz"), (b"MSCF", "CAB"))
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Entry:
    """One member of an archive: extracted to `path` (a workbook), or listed with `reason`."""

    relpath: str                  # 压缩包 › 文件, as shown everywhere
    path: Path | None
    reason: str = ""


def member_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as the sender saw it: cp936 when the UTF-8 flag is unset (Windows' own zip)."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for encoding in ("utf-8", "cp936", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def archive_kind(path: Path) -> str | None:
    """'zip', or the name of another archive format, by the file's first bytes; None if not an archive."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        return None
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


def _is_workbook_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names or "xl/workbook.xml" in names or "mimetype" in names


def is_archive(path: Path) -> bool:
    """An archive to open or to list: a zip that is not itself a workbook (.xlsx is a zip), or another
    archive format."""
    kind = archive_kind(path)
    if kind is None:
        return False
    if kind == "zip":
        return path.suffix.lower() not in WORKBOOK_SUFFIXES and not _is_workbook_zip(path)
    return path.suffix.lower() not in WORKBOOK_SUFFIXES


def _listing(names: list[str], limit: int = 8) -> str:
    shown = "、".join(names[:limit])
    return shown + (f" 等 {len(names)} 个文件" if len(names) > limit else "") if names else "（空）"


def _nested(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> str:
    """What a zip inside the zip holds, when it is small enough to look at without extracting it."""
    if info.file_size > limits.max_file_bytes or info.flag_bits & 0x1:
        return ""
    try:
        with zipfile.ZipFile(io.BytesIO(_capped(zf, info, limits.max_file_bytes))) as inner:
            return "，其中有：" + _listing([member_name(i) for i in inner.infolist() if not i.is_dir()])
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
        return ""


def _capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    out = io.BytesIO()
    with zf.open(info) as src:
        while True:
            chunk = src.read(_CHUNK)
            if not chunk:
                break
            out.write(chunk)
            if out.tell() > min(cap, info.file_size):
                raise ValueError("entry larger than declared")
    return out.getvalue()


def open_archive(path: Path, shown: str, into: Path, limits: Limits = DEFAULT_LIMITS) -> list[Entry]:
    """The entries of the archive at `path` (shown in the inbox as `shown`): workbooks extracted under
    `into`, everything else listed with its reason. A whole archive that cannot be used is one entry
    with relpath == shown."""
    kind = archive_kind(path)
    if kind != "zip":
        what = kind or path.suffix.lstrip(".").upper() or "未知格式"
        return [Entry(shown, None, f"{what} 压缩包，本工具无法打开（只能打开 .zip），也无法列出其中的文件；"
                                   "请解压后把其中的工作簿直接放入收件文件夹，或重新压缩为 .zip。")]
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return [Entry(shown, None, "压缩包已损坏，无法打开；请重新压缩后报送。")]
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        names = [member_name(i) for i in infos]
        if len(infos) > MAX_ENTRIES:
            return [Entry(shown, None, f"压缩包中有 {len(infos)} 个文件，超过 {MAX_ENTRIES} 个的上限，未打开。")]
        total = sum(i.file_size for i in infos)
        if total > limits.max_unzipped_bytes:
            return [Entry(shown, None, f"压缩包解压后共 {total / 1048576:.0f} MB，超过 "
                                       f"{limits.max_unzipped_bytes // 1048576} MB 的上限（可能是“压缩炸弹”），未打开。"
                                       f"其中有：{_listing(names)}")]
        out: list[Entry] = []
        used: set[str] = set()
        for n, (info, name) in enumerate(zip(infos, names, strict=True)):
            rel = shown + SEP + name
            base = name.rsplit("/", 1)[-1]
            suffix = os.path.splitext(base)[1].lower()
            if base.startswith("~$") or base.lower() in {"thumbs.db", "desktop.ini", ".ds_store"} \
                    or name.startswith("__MACOSX/") or base.startswith("._"):
                out.append(Entry(rel, None, "系统或临时文件，已跳过"))
            elif suffix in ARCHIVE_SUFFIXES:
                out.append(Entry(rel, None, "压缩包中的压缩包，未打开" + _nested(zf, info, limits)
                                 + "；请解压后把其中的工作簿直接放入收件文件夹。"))
            elif suffix not in WORKBOOK_SUFFIXES:
                out.append(Entry(rel, None, f"不是 Excel 工作簿（扩展名 {suffix or '无'}），未读取"))
            elif info.flag_bits & 0x1:
                out.append(Entry(rel, None, "压缩包中的文件已加密（设置了密码），无法读取；请去掉密码后重新压缩。"))
            elif info.file_size > limits.max_file_bytes:
                out.append(Entry(rel, None, f"文件有 {info.file_size / 1048576:.1f} MB，超过 "
                                            f"{limits.max_file_bytes // 1048576} MB 的上限，未读取。"))
            elif info.compress_size and info.file_size > 1 << 20 and info.file_size / info.compress_size > limits.max_ratio:
                out.append(Entry(rel, None, "压缩比异常（可能是“压缩炸弹”），未解压。"))
            else:
                folder = into / f"{n:04d}"
                folder.mkdir(parents=True, exist_ok=True)
                target = folder / (base if base not in used else f"{n}_{base}")
                used.add(base)
                try:
                    target.write_bytes(_capped(zf, info, limits.max_file_bytes))
                except (ValueError, zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
                    reason = ("解压后比声明的大小更大，已停止（可能是“压缩炸弹”）。" if isinstance(exc, ValueError)
                              else "压缩包中的这个文件已损坏，无法解压。")
                    out.append(Entry(rel, None, reason))
                    continue
                stamp = path.stat().st_mtime
                os.utime(target, (stamp, stamp))
                out.append(Entry(rel, target))
        if not out:
            out.append(Entry(shown, None, "压缩包是空的。"))
        return out
