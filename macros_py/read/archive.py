"""Archives in the inbox: a .zip, .7z or .rar is opened and each workbook inside is a submission of
its own, named `压缩包 › 文件`; what cannot be opened (a nested archive, .gz/.tar/.cab…, an encrypted
entry, a compressed RAR entry on a machine with no tool to extract it) is listed with a Chinese reason
that names what is inside wherever the archive can be listed. The formats themselves are read by
read.archive_readers; the limits and the names are decided here, once for all of them.

Windows' 发送到 → 压缩(zipped)文件夹 writes file names in the system code page (GBK, cp936) without
setting the UTF-8 flag (bit 11): such names are decoded as cp936, not as zipfile's cp437 default
(.7z and RAR5 store names in Unicode).

Limits: the declared sizes of the whole archive are checked against read.safety's limits before
anything is extracted (a zip bomb stops at once), and each entry is copied with a cap of its
declared size, so an entry lying about its size stops too. Entries are extracted into a temporary
folder outside the inbox (inputs are never modified), which the merge removes at its end, each into
a folder of its own under its file name alone (no folder of the archive, no way out of the folder).
"""

from __future__ import annotations

import contextlib
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from macros_py.read.archive_readers import ENCRYPTED_MEMBER, Member, Reader, Unopenable, names_in, open_reader
from macros_py.read.safety import DEFAULT_LIMITS, SUBMISSION_SUFFIXES, WORKBOOK_SUFFIXES, Limits

SEP = " › "
ARCHIVE_SUFFIXES = frozenset({".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".cab", ".arj"})
MAX_ENTRIES = 2000
_MAGIC = ((b"Rar!\x1a\x07", "RAR"), (b"7z\xbc\xaf\x27\x1c", "7z"), (b"\x1f\x8b", "gzip"),
          (b"BZh", "bzip2"), (b"\xfd7zXZ\x00", "xz"), (b"MSCF", "CAB"))


@dataclass(frozen=True)
class Entry:
    """One member of an archive: extracted to `path` (a workbook), or listed with `reason`."""

    relpath: str                  # 压缩包 › 文件, as shown everywhere
    path: Path | None
    reason: str = ""


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


def archive_listing(path: Path) -> str:
    """"，其中有：…" for an archive that can be listed without extracting anything, "；" and the reason
    for one that cannot be opened at all (a password on its names, broken), else ""."""
    try:
        names = names_in(archive_kind(path) or "", path)
    except Unopenable as exc:
        return "；" + str(exc)
    return "，其中有：" + _listing(names) if names is not None else ""


def _safe_base(name: str) -> str:
    """The member's file name alone: no folder, no way out of the folder it is written to."""
    base = re.split(r"[/\\]", name)[-1].strip()
    return "" if base in {".", ".."} else base


def _refusal(members: list[Member], limits: Limits) -> str:
    """Why the archive as a whole is not opened, from its declared sizes alone; "" if it may be."""
    names = [m.name for m in members]
    if len(members) > MAX_ENTRIES:
        return f"压缩包中有 {len(members)} 个文件，超过 {MAX_ENTRIES} 个的上限，未打开。"
    total = sum(m.size for m in members)
    if total > limits.max_unzipped_bytes:
        return (f"压缩包解压后共 {total / 1048576:.0f} MB，超过 {limits.max_unzipped_bytes // 1048576} MB 的上限"
                f"（可能是“压缩炸弹”），未打开。其中有：{_listing(names)}")
    return ""


_NO_TOOL = "（没有 unrar、unar、bsdtar 或 7-Zip），请解压后把工作簿直接放入收件文件夹，或改用 .zip"
_NESTED = "压缩包中的压缩包，未打开"
_NESTED_HINT = "；请解压后把其中的工作簿直接放入收件文件夹。"


def _member_reason(member: Member, base: str, limits: Limits, nested: bool) -> str:
    """Why a member is not extracted, from what the archive declares; "" if it is to be."""
    suffix = os.path.splitext(base)[1].lower()
    if not base or base.startswith(("~$", "._")) or base.lower() in {"thumbs.db", "desktop.ini", ".ds_store"} \
            or member.name.startswith("__MACOSX/"):
        return "系统或临时文件，已跳过"
    if suffix not in SUBMISSION_SUFFIXES and not nested:
        return f"不是 Excel 工作簿（扩展名 {suffix or '无'}），未读取"
    if member.encrypted:
        return ENCRYPTED_MEMBER
    if member.size > limits.max_file_bytes:
        return (f"文件有 {member.size / 1048576:.1f} MB，超过 {limits.max_file_bytes // 1048576} MB 的上限，未读取。")
    if member.packed and member.size > 1 << 20 and member.size / member.packed > limits.max_ratio:
        return "压缩比异常（可能是“压缩炸弹”），未解压。"
    # In a solid 7z block, reaching a member inflates every member before it: the block's ratio counts.
    if member.block and member.block[0] > 1 << 20 and member.block[0] / max(member.block[1], 1) > limits.max_ratio:
        return (f"与它压缩在同一块中的内容解压后有 {member.block[0] / 1048576:.0f} MB，压缩比异常（可能是“压缩炸弹”），"
                "未解压；请把工作簿直接放入收件文件夹，或单独压缩为 .zip。")
    if not member.readable:
        return "本机无法解压 RAR 中压缩存放的文件" + _NO_TOOL
    return ""


def open_archive(path: Path, shown: str, into: Path, limits: Limits = DEFAULT_LIMITS) -> list[Entry]:
    """The entries of the archive at `path` (shown in the inbox as `shown`): workbooks extracted under
    `into`, everything else listed with its reason. A whole archive that cannot be used is one entry
    with relpath == shown."""
    kind = archive_kind(path)
    try:
        reader = open_reader(kind or "", path)
    except Unopenable as exc:
        return [Entry(shown, None, str(exc))]
    if reader is None:
        what = kind or path.suffix.lstrip(".").upper() or "未知格式"
        return [Entry(shown, None, f"{what} 压缩包，本工具无法打开（能打开 .zip、.7z 和 .rar），也无法列出其中的文件；"
                                   "请解压后把其中的工作簿直接放入收件文件夹，或重新压缩为 .zip。")]
    with contextlib.closing(reader):
        return _entries(reader, path, shown, into, limits)


def _entries(reader: Reader, path: Path, shown: str, into: Path, limits: Limits) -> list[Entry]:
    members = reader.members
    if refusal := _refusal(members, limits):
        return [Entry(shown, None, refusal)]
    plan: list[tuple[str, Member, str, bool]] = []      # (relpath, member, reason, nested)
    for member in members:
        base = _safe_base(member.name)
        nested = os.path.splitext(base)[1].lower() in ARCHIVE_SUFFIXES
        plan.append((shown + SEP + member.name, member, _member_reason(member, base, limits, nested), nested))
    books = [m for _, m, _, nested in plan if not nested and os.path.splitext(_safe_base(m.name))[1].lower()
             in SUBMISSION_SUFFIXES]
    if books and not any(m.readable for m in books):
        return [Entry(shown, None, f"压缩包内有：{_listing([m.name for m in books])}，本机无法解压 {reader.kind}"
                                   + _NO_TOOL)]
    jobs: list[tuple[Member, Path]] = []
    for n, (_, member, reason, _) in enumerate(plan):
        if not reason:
            folder = into / f"{n:04d}"
            folder.mkdir(parents=True, exist_ok=True)
            jobs.append((member, folder / _safe_base(member.name)))
    failed = reader.extract(jobs, limits.max_file_bytes)
    written = {id(m): (target, failed.get(k, "")) for k, (m, target) in enumerate(jobs)}
    stamp = path.stat().st_mtime
    out: list[Entry] = []
    for rel, member, reason, nested in plan:
        target, failure = written.get(id(member), (None, reason))
        if nested:
            inner = "" if target is None or failure else archive_listing(target)
            out.append(Entry(rel, None, _NESTED + inner + _NESTED_HINT))
            if target is not None:
                target.unlink(missing_ok=True)
        elif target is None or failure:
            out.append(Entry(rel, None, failure))
        else:
            os.utime(target, (stamp, stamp))
            out.append(Entry(rel, target))
    if not out:
        out.append(Entry(shown, None, "压缩包是空的。"))
    return out
