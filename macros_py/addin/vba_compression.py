"""MS-OVBA compression (section 2.4.1): the LZ77 variant that VBA uses for module source and `dir`.

The compressor follows the specification's own procedure (longest match, nearest candidate on a tie,
chunks of 4096 bytes), so that its output equals what the specification's examples show. A hash of
3-byte prefixes only skips candidates that cannot reach the minimum match of 3; the choice among the
others is the one the specification makes, so speed does not change a single output byte.

The decompressor exists for the tests and for reading what LibreOffice writes; oletools is the
independent reader used as evidence.
"""

from __future__ import annotations

import struct

CHUNK_SIZE = 4096
_SIGNATURE = 0x01
_MIN_MATCH = 3


class CompressionError(ValueError):
    """The data is not a valid compressed container, or cannot be compressed as asked."""


def _copy_token_layout(difference: int) -> tuple[int, int]:
    """Bit count of the offset part and the maximum match length (CopyToken Help, 2.4.1.3.19.1).

    `difference` is how far into the chunk the token starts: the farther, the more bits the offset
    needs and the fewer remain for the length.
    """
    bit_count = 4
    while (1 << bit_count) < difference:
        bit_count += 1
    return bit_count, (0xFFFF >> bit_count) + _MIN_MATCH


def _match_length(buf: bytes, cand: int, cur: int, end: int) -> int:
    """Length of the common run at `cand` and `cur` (overlap allowed), found by galloping slices."""
    length, limit, step = 0, end - cur, 8
    while length < limit:
        k = min(step, limit - length)
        if buf[cand + length:cand + length + k] == buf[cur + length:cur + length + k]:
            length += k
            step *= 2
        elif k == 1:
            break
        else:
            step = k // 2
    return length


def _compress_chunk(chunk: bytes) -> tuple[bytes, bool]:
    """One CompressedChunk (header included); the flag says it had to be stored raw."""
    end = len(chunk)
    body = bytearray()
    positions: dict[bytes, list[int]] = {}
    indexed = 0  # positions below this are in `positions`
    cur = 0
    while cur < end:
        flag_at = len(body)
        body.append(0)
        flags = 0
        for bit in range(8):
            if cur >= end:
                break
            while indexed < cur:  # every earlier position is a candidate (2.4.1.3.19.4)
                if indexed + _MIN_MATCH <= end:
                    positions.setdefault(chunk[indexed:indexed + _MIN_MATCH], []).append(indexed)
                indexed += 1
            best_len, best_cand = 0, -1
            if cur + _MIN_MATCH <= end:
                limit = end - cur
                for cand in reversed(positions.get(chunk[cur:cur + _MIN_MATCH], ())):
                    length = _match_length(chunk, cand, cur, end)
                    if length > best_len:  # strictly longer: the nearest candidate wins a tie
                        best_len, best_cand = length, cand
                        if length == limit:
                            break
            if best_len >= _MIN_MATCH:
                bit_count, max_len = _copy_token_layout(cur)
                length = min(best_len, max_len)
                token = ((cur - best_cand - 1) << (16 - bit_count)) | (length - _MIN_MATCH)
                body += struct.pack("<H", token)
                flags |= 1 << bit
                cur += length
            else:
                body.append(chunk[cur])
                cur += 1
        body[flag_at] = flags
    if len(body) <= CHUNK_SIZE:
        # Header: size of the whole chunk minus 3, signature 0b011, flag 1 = compressed.
        return struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + bytes(body), False
    # Incompressible: a raw chunk always holds 4096 bytes, padded with zeros (2.4.1.3.10).
    raw = chunk + bytes(CHUNK_SIZE - len(chunk))
    return struct.pack("<H", 0x3000 | (CHUNK_SIZE - 1)) + raw, True


def compress(data: bytes, *, allow_raw: bool = True) -> bytes:
    """Compress `data` into an MS-OVBA CompressedContainer.

    allow_raw=False refuses data that needs an uncompressed chunk: a raw final chunk decompresses
    with trailing zero padding, and Office is reported to drop modules stored that way. VBA source
    text always compresses, so the add-in build asks for this guarantee.
    """
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), CHUNK_SIZE):
        chunk, raw = _compress_chunk(data[start:start + CHUNK_SIZE])
        if raw and not allow_raw:
            raise CompressionError(f"第 {start // CHUNK_SIZE + 1} 个 4096 字节块无法压缩")
        out += chunk
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """Decompress an MS-OVBA CompressedContainer (2.4.1.3.1)."""
    if not container or container[0] != _SIGNATURE:
        raise CompressionError("压缩容器的签名字节不是 0x01")
    out = bytearray()
    pos = 1
    while pos < len(container):
        if pos + 2 > len(container):
            raise CompressionError(f"位置 {pos} 处的块头不完整")
        header = struct.unpack_from("<H", container, pos)[0]
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0b111 != 0b011:
            raise CompressionError(f"位置 {pos} 处的块头签名错误")
        chunk_end = min(pos + size, len(container))
        pos += 2
        if not header & 0x8000:  # raw chunk: 4096 bytes as they are
            out += container[pos:pos + CHUNK_SIZE]
            pos += CHUNK_SIZE
            continue
        chunk_start = len(out)
        while pos < chunk_end:
            flags = container[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not flags >> bit & 1:
                    out.append(container[pos])
                    pos += 1
                    continue
                token = struct.unpack_from("<H", container, pos)[0]
                pos += 2
                bit_count, _ = _copy_token_layout(len(out) - chunk_start)
                offset = (token >> (16 - bit_count)) + 1
                length = (token & (0xFFFF >> bit_count)) + _MIN_MATCH
                src = len(out) - offset
                if src < chunk_start:
                    raise CompressionError(f"位置 {pos - 2} 处的复制标记指向块外")
                for i in range(length):  # byte by byte: a copy may overlap what it writes
                    out.append(out[src + i])
    return bytes(out)
