"""A minimal RAR5 archive writer for the tests (no free tool here makes RAR archives), from the RAR 5.0
technote: the signature, a main archive header, one file header per member with its data, and the
end of archive header. Every header is CRC32 (4 bytes) + header size (vint) + the header from its
type on; a vint is 7 bits a byte, low bits first, the high bit saying another byte follows.

`stored=True` members hold their bytes as they are (method 0: rarfile reads them itself); otherwise the
header says method 3 ("normal") and the data are the bytes given, never meant to be decompressed:
enough for a listing, which is all a machine without unrar does with them. `encrypt_headers` writes
the archive encryption header before the main header, as `rar -hp` does: nothing after it can be read
without the password (the bytes after it are random, standing in for AES data).
"""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

SIGNATURE = b"Rar!\x1a\x07\x01\x00"
HEAD_MAIN, HEAD_FILE, HEAD_CRYPT, HEAD_END = 1, 2, 4, 5
FLAG_DATA = 0x0002                    # common header flag: a data area follows the header
FILE_MTIME, FILE_CRC = 0x0002, 0x0004


def vint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def block(body: bytes) -> bytes:
    """A header: CRC32 of (size + body), the size of body as a vint, body (from the header type on)."""
    size = vint(len(body))
    return struct.pack("<I", zlib.crc32(size + body)) + size + body


def file_header(name: str, data: bytes, stored: bool, unpacked: int | None = None) -> bytes:
    raw = name.encode("utf-8")
    method = 0 if stored else 3
    body = (vint(HEAD_FILE) + vint(FLAG_DATA) + vint(len(data))
            + vint(FILE_MTIME | FILE_CRC) + vint(len(data) if unpacked is None else unpacked)
            + vint(0x20)                                        # attributes: archive
            + struct.pack("<I", 1_766_196_000)                  # mtime, Unix seconds
            + struct.pack("<I", zlib.crc32(data))
            + vint(method << 7)                                 # compression info: version 0, method
            + vint(0)                                           # host OS: Windows
            + vint(len(raw)) + raw)
    return block(body) + data


def write_rar5(path: Path, members: list[tuple], stored: bool = True,
               encrypt_headers: bool = False, unpacked: dict[str, int] | None = None) -> Path:
    """Write `members` (name, bytes) or (name, bytes, stored) as a RAR5 archive at `path`; `unpacked`
    overrides a member's declared unpacked size (a "bomb" that says it is larger than it is)."""
    out = bytearray(SIGNATURE)
    if encrypt_headers:
        out += block(vint(HEAD_CRYPT) + vint(0) + vint(0) + vint(0) + bytes([15]) + os.urandom(16))
        out += os.urandom(64)
        path.write_bytes(bytes(out))
        return path
    out += block(vint(HEAD_MAIN) + vint(0) + vint(0))
    for name, data, *own in members:
        out += file_header(name, data, own[0] if own else stored, (unpacked or {}).get(name))
    out += block(vint(HEAD_END) + vint(0) + vint(0))
    path.write_bytes(bytes(out))
    return path
