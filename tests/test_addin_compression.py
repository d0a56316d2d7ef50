"""MS-OVBA compression: the specification's examples (section 3.2), round trips, and oletools agrees."""

import random

import pytest
from oletools.olevba import decompress_stream

from macros_py.addin.vba_compression import CHUNK_SIZE, CompressionError, compress, decompress

# [MS-OVBA] 3.2.1-3.2.3: text and the compressed bytes the specification gives for it.
SPEC_EXAMPLES = [
    (b"abcdefghijklmnopqrstuv.",
     "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E"),
    (b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
     "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20 6D 6E 6F "
     "70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C"),
    (b"a" * 73, "01 03 B0 02 61 45 00"),
]


@pytest.mark.parametrize("text,compressed", SPEC_EXAMPLES)
def test_compresses_spec_examples_to_the_published_bytes(text, compressed):
    assert compress(text) == bytes.fromhex(compressed)


@pytest.mark.parametrize("text,compressed", SPEC_EXAMPLES)
def test_decompresses_spec_examples(text, compressed):
    assert decompress(bytes.fromhex(compressed)) == text


def _vba_like_text(size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    words = ["Dim", "As", "String", "If", "Then", "End", "Sub", "Function", "GetConfig", "(", ")", "=", '"x"']
    out = bytearray()
    while len(out) < size:
        out += (" " * rng.choice((0, 4, 8)) + " ".join(rng.choice(words) for _ in range(rng.randint(1, 9)))
                + "\r\n").encode()
    return bytes(out[:size])


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4095, 4096, 4097, 8192, 8193, 20000])
def test_text_round_trips_and_oletools_reads_it(size):
    data = _vba_like_text(size, size)
    container = compress(data, allow_raw=False)
    assert decompress(container) == data
    assert bytes(decompress_stream(bytearray(container))) == data


def test_incompressible_full_chunks_are_stored_raw_and_round_trip():
    data = random.Random(1).randbytes(2 * CHUNK_SIZE)
    container = compress(data)
    assert len(container) == 1 + 2 * (2 + CHUNK_SIZE)  # two raw chunks
    assert decompress(container) == data


def test_a_raw_final_chunk_is_padded_as_the_specification_says():
    # 2.4.1.3.10 pads a raw chunk to 4096 bytes, so decompression gives the zeros back: the reason
    # the add-in build refuses raw chunks (allow_raw=False).
    data = random.Random(2).randbytes(4000)
    assert decompress(compress(data)) == data + bytes(CHUNK_SIZE - len(data))
    with pytest.raises(CompressionError):
        compress(data, allow_raw=False)


def test_copy_tokens_may_overlap_what_they_write():
    data = b"ab" * 3000
    assert decompress(compress(data)) == data


@pytest.mark.parametrize("bad", [b"", b"\x02\x00\x30", b"\x01\x00", b"\x01\x00\x00"])
def test_rejects_invalid_containers(bad):
    with pytest.raises(CompressionError):
        decompress(bad)
