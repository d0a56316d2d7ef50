"""A minimal MS-CFB (compound file, "OLE2") writer: version 3, 512-byte sectors, storages and streams.

Enough for a vbaProject.bin and nothing more: no DIFAT sectors (so at most 109 FAT sectors, about
6.8 MiB), no timestamps, no CLSIDs, no state bits. Output depends only on the tree it is given:
entries are laid out in a fixed order and every unused byte is zero, so the same tree gives the same
bytes. Streams under 4096 bytes go to the mini stream, as readers expect (MS-CFB 2.6.3).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
_FAT_PER_SECTOR = SECTOR // 4
_HEADER_FAT_SLOTS = 109

FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF

_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass
class Storage:
    """A storage: named children, each a Storage or bytes (a stream)."""

    children: dict[str, Storage | bytes] = field(default_factory=dict)


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[int] = field(default_factory=list)  # indexes into the entry list
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = _BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def _sort_key(name: str) -> tuple[int, str]:
    # MS-CFB 2.6.4: shorter names sort first, then by upper-cased UTF-16 code units.
    return (len(name.encode("utf-16-le")), name.upper())


def _check_name(name: str) -> None:
    if not name or len(name) > 31 or any(c in name for c in "/\\:!"):
        raise ValueError(f"复合文件中的名称不合法：{name!r}")


def _flatten(root: Storage) -> list[_Entry]:
    """Entries in a fixed order: root first, then each storage's children by name, depth first."""
    entries = [_Entry("Root Entry", _ROOT)]

    def add(storage: Storage, parent: int) -> None:
        for name in sorted(storage.children, key=_sort_key):
            _check_name(name)
            node = storage.children[name]
            index = len(entries)
            entries[parent].children.append(index)
            if isinstance(node, Storage):
                entries.append(_Entry(name, _STORAGE, start=0))  # MS-CFB 2.6.3: zero for a storage
                add(node, index)
            else:
                entries.append(_Entry(name, _STREAM, data=bytes(node)))

    add(root, 0)
    return entries


def _balanced(entries: list[_Entry], kids: list[int], lo: int, hi: int, level: int,
              depth: dict[int, int]) -> int:
    """Root of a balanced tree over kids[lo..hi]: the middle, with each half below it."""
    if lo > hi:
        return NOSTREAM
    mid = (lo + hi) // 2
    node = kids[mid]
    depth[node] = level
    entries[node].left = _balanced(entries, kids, lo, mid - 1, level + 1, depth)
    entries[node].right = _balanced(entries, kids, mid + 1, hi, level + 1, depth)
    return node


def _link_tree(entries: list[_Entry]) -> None:
    """Make each storage's children a balanced red-black tree (MS-CFB 2.6.4).

    Built from the sorted list by taking middles, every path to a leaf has the same number of black
    nodes once the nodes on the deepest level are red (if the tree is not perfect); this satisfies
    the red-black rules without rotations.
    """
    for parent in entries:
        if not parent.children:  # children are already sorted by _flatten
            continue
        depth: dict[int, int] = {}
        parent.child = _balanced(entries, parent.children, 0, len(parent.children) - 1, 0, depth)
        deepest = max(depth.values())
        perfect = len(parent.children) == (1 << (deepest + 1)) - 1
        for node, level in depth.items():
            entries[node].color = _RED if (level == deepest and not perfect) else _BLACK


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else ENDOFCHAIN


def _pad(data: bytes, unit: int) -> bytes:
    return data + bytes(-len(data) % unit)


def _dir_entry(e: _Entry) -> bytes:
    name = e.name.encode("utf-16-le") + b"\0\0"
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name, len(name), e.kind, e.color, e.left, e.right, e.child,
        bytes(16), 0, 0, 0, e.start, e.size,
    )


def write_cfb(root: Storage) -> bytes:
    """Serialize the tree as a compound file."""
    entries = _flatten(root)
    _link_tree(entries)

    # Mini stream: the small streams, each padded to 64-byte mini sectors, chained in the mini FAT.
    mini_fat: list[int] = []
    mini = bytearray()
    for e in entries:
        if e.kind == _STREAM:
            e.size = len(e.data)
            if 0 < e.size < MINI_CUTOFF:
                e.start = len(mini_fat)
                count = -(-e.size // MINI_SECTOR)
                mini_fat.extend([0] * count)
                _chain(mini_fat, e.start, count)
                mini += _pad(e.data, MINI_SECTOR)

    # Regular sectors, in this order: big streams, mini stream, mini FAT, directory, FAT.
    body = bytearray()
    fat: list[int] = []

    def place(data: bytes) -> int:
        if not data:
            return ENDOFCHAIN
        first = len(fat)
        count = -(-len(data) // SECTOR)
        fat.extend([0] * count)
        _chain(fat, first, count)
        body.extend(_pad(data, SECTOR))
        return first

    for e in entries:
        if e.kind == _STREAM and e.size >= MINI_CUTOFF:
            e.start = place(e.data)
    entries[0].start = place(bytes(mini))
    entries[0].size = len(mini)
    # Unused mini FAT slots are free; no mini FAT sectors at all when nothing is small.
    mini_fat_padded = mini_fat + [FREESECT] * (-len(mini_fat) % _FAT_PER_SECTOR)
    mini_fat_start = place(struct.pack(f"<{len(mini_fat_padded)}I", *mini_fat_padded))
    mini_fat_sectors = len(mini_fat_padded) // _FAT_PER_SECTOR

    directory = b"".join(_dir_entry(e) for e in entries)
    unused = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM,
                         bytes(16), 0, 0, 0, 0, 0)
    directory += unused * (-len(entries) % (SECTOR // 128))
    dir_start = place(directory)

    # The FAT must also map its own sectors: find the smallest count that covers everything.
    n_fat = 1
    while n_fat * _FAT_PER_SECTOR < len(fat) + n_fat:
        n_fat += 1
    if n_fat > _HEADER_FAT_SLOTS:
        raise ValueError("复合文件过大：本写入器不支持 DIFAT 扇区")
    fat_start = len(fat)
    fat.extend([FATSECT] * n_fat)
    fat.extend([FREESECT] * (n_fat * _FAT_PER_SECTOR - len(fat)))
    body += struct.pack(f"<{len(fat)}I", *fat)

    difat = [fat_start + i for i in range(n_fat)] + [FREESECT] * (_HEADER_FAT_SLOTS - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        _SIGNATURE, bytes(16), 0x003E, 0x0003, 0xFFFE, 9, 6, bytes(6),
        0,  # directory sectors: must be 0 in version 3
        n_fat, dir_start, 0, MINI_CUTOFF,
        mini_fat_start, mini_fat_sectors,
        ENDOFCHAIN, 0,  # no DIFAT sectors
    ) + struct.pack(f"<{_HEADER_FAT_SLOTS}I", *difat)
    return _pad(header, SECTOR) + bytes(body)
