"""The compound-file writer: olefile reads what it writes, strictly, and the layout follows MS-CFB."""

import io
import struct

import olefile
import pytest

from macros_py.addin.vba_cfb import ENDOFCHAIN, MINI_CUTOFF, NOSTREAM, SECTOR, Storage, write_cfb


def _open(data: bytes) -> olefile.OleFileIO:
    # DEFECT_INCORRECT: olefile raises on anything the specification forbids, not only on fatal errors.
    return olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)


def _tree():
    return Storage({
        "PROJECT": b"ID=\"{00000000-0000-0000-0000-000000000000}\"\r\n",
        "PROJECTwm": b"M\0M\0\0\0\0\0",
        "VBA": Storage({
            "_VBA_PROJECT": bytes.fromhex("CC61FFFF000000"),
            "dir": bytes(range(256)) * 3,
            "Big": bytes(range(251)) * 40,  # over the mini-stream cutoff
            "Edge": b"e" * MINI_CUTOFF,  # exactly at the cutoff: a regular stream
            "Small": b"s" * (MINI_CUTOFF - 1),
        }),
    })


def test_olefile_reads_every_storage_and_stream():
    ole = _open(write_cfb(_tree()))
    assert sorted(ole.listdir(streams=True, storages=True)) == [
        ["PROJECT"], ["PROJECTwm"], ["VBA"], ["VBA", "Big"], ["VBA", "Edge"], ["VBA", "Small"],
        ["VBA", "_VBA_PROJECT"], ["VBA", "dir"],
    ]
    tree = _tree()
    for path in (["PROJECT"], ["PROJECTwm"]):
        assert ole.openstream(path).read() == tree.children[path[0]]
    for name, data in tree.children["VBA"].children.items():
        assert ole.openstream(["VBA", name]).read() == data
    assert ole.get_type("VBA") == olefile.STGTY_STORAGE
    storage = next(e for e in ole.direntries if e is not None and e.name == "VBA")
    assert (storage.isectStart, storage.size) == (0, 0)  # MS-CFB 2.6.3: both zero for a storage


def test_small_streams_live_in_the_mini_stream():
    ole = _open(write_cfb(_tree()))
    # The root entry's stream is the mini stream: it holds exactly the streams under the cutoff,
    # each in whole 64-byte mini sectors; "Edge" (4096 bytes) and "Big" are regular streams.
    small = [e.size for e in ole.direntries if e is not None and e.entry_type == olefile.STGTY_STREAM
             and e.size < MINI_CUTOFF]
    assert ole.root.size == sum(-(-s // 64) * 64 for s in small)
    assert len(small) == 5


def test_header_is_version_3_with_512_byte_sectors():
    data = write_cfb(_tree())
    assert data[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    minor, major, order, shift, mini_shift = struct.unpack_from("<HHHHH", data, 24)
    assert (minor, major, order, shift, mini_shift) == (0x3E, 3, 0xFFFE, 9, 6)
    assert len(data) % SECTOR == 0


def test_same_tree_same_bytes():
    assert write_cfb(_tree()) == write_cfb(_tree())


def test_many_streams_and_a_multi_sector_fat():
    streams = {f"Module{i:02d}": bytes([i]) * (300 * i + 5) for i in range(40)}
    streams["Huge"] = bytes(range(256)) * 600  # 150 KiB: about 300 sectors, so 3 FAT sectors
    ole = _open(write_cfb(Storage({"VBA": Storage(streams)})))
    for name, data in streams.items():
        assert ole.openstream(["VBA", name]).read() == data
    assert ole.num_fat_sectors >= 3


def _children(entries, first):
    """In-order walk of a sibling tree, checking the red-black rules on the way."""
    out, black_heights = [], set()

    def walk(i, blacks, parent_red):
        if i == NOSTREAM:
            black_heights.add(blacks)
            return
        e = entries[i]
        red = e.color == 0
        assert not (red and parent_red), "two red nodes in a row"
        walk(e.sid_left, blacks + (not red), red)
        out.append(e.name)
        walk(e.sid_right, blacks + (not red), red)

    assert entries[first].color == 1, "the root of a sibling tree is black"
    walk(first, 0, False)
    assert len(black_heights) == 1, "every path has the same number of black nodes"
    return out


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7, 8, 12, 31, 32])
def test_siblings_form_a_sorted_red_black_tree(count):
    names = [f"S{i}" * (1 + i % 3) for i in range(count)]
    ole = _open(write_cfb(Storage({n: b"x" for n in names})))
    order = _children(ole.direntries, ole.root.sid_child)
    # MS-CFB 2.6.4: shorter names first, then by upper-case comparison.
    assert order == sorted(names, key=lambda n: (len(n), n.upper()))


def test_empty_stream_has_no_sectors():
    ole = _open(write_cfb(Storage({"Empty": b"", "One": b"1"})))
    assert ole.openstream("Empty").read() == b""
    empty = next(e for e in ole.direntries if e is not None and e.name == "Empty")
    assert empty.isectStart == ENDOFCHAIN


@pytest.mark.parametrize("name", ["", "a/b", "x" * 32])
def test_rejects_names_the_format_forbids(name):
    with pytest.raises(ValueError):
        write_cfb(Storage({name: b"x"}))
