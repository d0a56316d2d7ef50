"""The three archive formats the inbox opens, behind one small interface: .zip (zipfile), .7z (py7zr)
and .rar (rarfile). Each reader lists its members with their declared sizes before anything is
extracted (read.archive checks those against read.safety's limits, once for all formats), then
writes only the members it is asked for, each to a target path chosen by read.archive, each capped
at its declared size, so a member lying about its size stops too.

RAR: rarfile lists names in pure Python, and reads stored (uncompressed) members itself; compressed
members need an external tool (unrar, unar, bsdtar or 7-Zip). Where the machine has none, members
are listed but marked not readable, and read.archive names them in the reason.
"""

from __future__ import annotations

import functools
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

_CHUNK = 1 << 20
BROKEN = "压缩包已损坏，无法打开；请重新压缩后报送。"


def broken(kind: str) -> str:
    return f"{kind} {BROKEN}"
BROKEN_MEMBER = "压缩包中的这个文件已损坏，无法解压。"
LARGER = "解压后比声明的大小更大，已停止（可能是“压缩炸弹”）。"
ENCRYPTED_MEMBER = "压缩包中的文件已加密（设置了密码），无法读取；请去掉密码后重新压缩。"
ENCRYPTED_HEADER = ("压缩包设置了密码，连文件名也已加密，无法打开，也无法列出其中的文件；"
                    "请去掉密码后重新压缩（最好用 .zip）再报送。")


class Unopenable(Exception):
    """The whole archive cannot be opened or listed; the message is the Chinese reason."""


@dataclass
class Member:
    name: str                    # as the sender saw it, "/" between folders
    size: int                    # declared, uncompressed
    packed: int | None           # declared, compressed (None where the format does not say: solid 7z)
    encrypted: bool = False
    readable: bool = True        # False: this machine has no tool to extract it (a compressed RAR member)
    block: tuple[int, int] | None = None   # a solid 7z block's (inflated, packed) bytes, where it holds several
    key: object = field(default=None, repr=False)


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


def _copy_capped(src: BinaryIO, target: Path, cap: int) -> None:
    """Copy `src` to `target`, stopping with ValueError past `cap` bytes."""
    written = 0
    with target.open("wb") as out:
        while chunk := src.read(_CHUNK):
            written += len(chunk)
            if written > cap:
                raise ValueError("member larger than declared")
            out.write(chunk)


class Reader:
    """An open archive: `members`, and `extract` of some of them."""

    kind = ""
    members: list[Member]

    def extract(self, jobs: list[tuple[Member, Path]], cap: int) -> dict[int, str]:
        """Write each member to its path, each capped at min(its declared size, cap); the reasons of
        the members that could not be written, by their index in `jobs`."""
        failed = {}
        for n, (member, target) in enumerate(jobs):
            try:
                self._extract_one(member, target, min(cap, member.size))
            except ValueError:
                failed[n] = LARGER
            except Exception:                   # each format raises its own kinds; all mean "broken"
                failed[n] = BROKEN_MEMBER
            if n in failed:
                target.unlink(missing_ok=True)
        return failed

    def _extract_one(self, member: Member, target: Path, cap: int) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class ZipReader(Reader):
    kind = "zip"

    def __init__(self, path: Path):
        try:
            self.zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise Unopenable(BROKEN) from exc
        self.members = [Member(member_name(i), i.file_size, i.compress_size, bool(i.flag_bits & 0x1), key=i)
                        for i in self.zf.infolist() if not i.is_dir()]

    def _extract_one(self, member: Member, target: Path, cap: int) -> None:
        with self.zf.open(member.key) as src:
            _copy_capped(src, target, cap)

    def close(self) -> None:
        self.zf.close()


class _CappedFile:
    """Where py7zr writes one member (its Py7zIO interface): straight to its target file, counting; past
    the cap it stops writing and remembers (an exception inside py7zr's workers would not come back as
    ours)."""

    def __init__(self, target: Path, cap: int):
        self.fh = target.open("wb")
        self.cap, self.written, self.over = cap, 0, False

    def write(self, s: bytes | bytearray) -> int:
        self.written += len(s)
        if self.written > self.cap:
            self.over = True
            return len(s)
        return self.fh.write(s)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.fh.seek(offset, whence)

    def flush(self) -> None:
        self.fh.flush()

    def size(self) -> int:
        return min(self.written, self.cap)

    def close(self) -> None:
        self.fh.close()


class _Discard(_CappedFile):
    """A member py7zr decodes on the way (a solid block) but was not asked for."""

    def __init__(self):
        self.cap, self.written, self.over = 0, 0, False

    def write(self, s: bytes | bytearray) -> int:
        return len(s)

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


class _Targets:
    """py7zr's WriterFactory interface: each member asked for to its file, the others discarded."""

    def __init__(self, by_name: dict[str, tuple[Path, int]]):
        self.by_name = by_name
        self.made: dict[str, _CappedFile] = {}

    def create(self, filename: str) -> _CappedFile:
        if filename not in self.by_name:
            return _Discard()
        target, cap = self.by_name[filename]
        self.made[filename] = _CappedFile(target, cap)
        return self.made[filename]


class SevenZipReader(Reader):
    kind = "7z"

    def __init__(self, path: Path):
        import py7zr  # here, not at the top: 0.1 s to import, and only an inbox with a .7z needs it
        import py7zr.exceptions

        self.password_required = py7zr.exceptions.PasswordRequired
        self.unsupported = py7zr.exceptions.UnsupportedCompressionMethodError
        try:
            self.sz = py7zr.SevenZipFile(path)
        except py7zr.exceptions.PasswordRequired as exc:
            raise Unopenable(ENCRYPTED_HEADER) from exc
        except Exception as exc:               # py7zr raises many kinds on a broken file
            raise Unopenable(broken("7z")) from exc
        encrypted = self.sz.needs_password()
        self.members = [Member(i.filename, i.uncompressed, i.compressed, encrypted, key=i.filename)
                        for i in self.sz.list() if not i.is_directory]
        # py7zr gives a solid block's packed size to its first member only (None to the others).
        blocks: dict[int, list] = {}
        for f in self.sz.files:
            if not f.is_directory and f.folder is not None:
                blocks.setdefault(id(f.folder), []).append(f)
        block_of = {}
        for files in blocks.values():
            if len(files) > 1:
                packed = sum(f.compressed or 0 for f in files)
                for f in files:
                    block_of[f.filename] = (sum(g.uncompressed for g in files), packed)
        for m in self.members:
            m.block = block_of.get(m.key)

    def extract(self, jobs: list[tuple[Member, Path]], cap: int) -> dict[int, str]:
        if not jobs:
            return {}
        factory = _Targets({m.key: (target, min(cap, m.size)) for m, target in jobs})
        error = ""
        try:
            self.sz.extract(targets=[m.key for m, _ in jobs], factory=factory)
        except self.password_required:
            error = ENCRYPTED_MEMBER
        except self.unsupported:
            error = "压缩包使用了本工具不支持的压缩方法，无法解压；请改用 .zip 重新压缩。"
        except Exception:                       # CRC, truncated data, a bad name…
            error = BROKEN_MEMBER
        finally:
            for f in factory.made.values():
                f.fh.close()
        failed = {}
        for n, (member, target) in enumerate(jobs):
            made = factory.made.get(member.key)
            if made is None and member.size == 0 and not error:
                target.touch()                  # py7zr writes nothing for an empty member
            elif made is not None and made.over:
                failed[n] = LARGER
            elif error or made is None or made.written != member.size:
                failed[n] = error or BROKEN_MEMBER
            if n in failed:
                target.unlink(missing_ok=True)
        return failed

    def close(self) -> None:
        self.sz.close()


@functools.cache
def rar_tool() -> bool:
    """Whether this machine has a program rarfile can extract compressed RAR members with."""
    import rarfile

    try:
        rarfile.tool_setup()
    except rarfile.RarCannotExec:
        return False
    return True


class RarReader(Reader):
    kind = "RAR"

    def __init__(self, path: Path):
        import rarfile

        try:
            self.rf = rarfile.RarFile(path, errors="strict")
        except rarfile.NeedFirstVolume as exc:
            raise Unopenable("这是分卷压缩包的后续分卷，无法单独打开；请把工作簿解压后直接报送。") from exc
        except (rarfile.Error, OSError, EOFError, ValueError) as exc:
            raise Unopenable(broken("RAR")) from exc
        infos = [i for i in self.rf.infolist() if not i.is_dir()]
        if self.rf.needs_password() and not infos:
            raise Unopenable(ENCRYPTED_HEADER)
        tool = None
        self.members = []
        for i in infos:
            stored = i.compress_type == rarfile.RAR_M0 and not i.file_redir
            if not stored and tool is None:
                tool = rar_tool()
            self.members.append(Member(i.filename, i.file_size, i.compress_size, i.needs_password(),
                                       readable=stored or bool(tool), key=i))

    def _extract_one(self, member: Member, target: Path, cap: int) -> None:
        with self.rf.open(member.key) as src:
            _copy_capped(src, target, cap)

    def close(self) -> None:
        self.rf.close()


READERS = {"zip": ZipReader, "7z": SevenZipReader, "RAR": RarReader}


def open_reader(kind: str, path: Path) -> Reader | None:
    """The reader of an archive of `kind` (read.archive.archive_kind); None for a format not opened."""
    cls = READERS.get(kind)
    return cls(path) if cls is not None else None


def names_in(kind: str, path: Path) -> list[str] | None:
    """The member names of an archive, or None for a format not opened; Unopenable if it cannot be listed."""
    reader = open_reader(kind, path)
    if reader is None:
        return None
    try:
        return [m.name for m in reader.members]
    finally:
        reader.close()
