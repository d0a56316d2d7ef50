"""Text normalisation applied before any comparison (RULES.md "Normalisation").

Trim and fold white space (full-width space and line breaks too), full-width digits and letters to
half-width, bracket variants to one form, a leading apostrophe and trailing 公章 marks dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACE = re.compile(r"[\s\u3000\u00a0]+")
_SEAL = re.compile(r"[（(]\s*(公章|盖章|章)\s*[)）]\s*$")
_BRACKETS = str.maketrans({"(": "（", ")": "）", "〈": "《", "〉": "》", "<": "《", ">": "》",
                           "【": "（", "】": "）", "[": "（", "]": "）"})


# Full-width ASCII to half-width, as one translation table (applied only where needed: see clean_text).
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code) not in "（）：；，"}
_HALFWIDTH[0x3000] = ord(" ")
_WIDE = re.compile("[\uff01-\uff5e]")
_NEEDS_WORK = re.compile("[\\s\uff01-\uff5e]")  # white space to fold or trim, or a full-width character


def halfwidth(text: str) -> str:
    """Full-width ASCII (digits, letters, ％, ：…) to half-width; keeps CJK punctuation like 、。"""
    return text.translate(_HALFWIDTH)


_PLAIN_NUMBERS = (int, float)


def clean_text(value) -> str:
    """A cell's text as a user means it: half-width, single spaces, trimmed. None -> ''."""
    if value is None:
        return ""
    if type(value) in _PLAIN_NUMBERS:
        return str(value)       # digits, a sign, a point, an exponent: nothing to fold
    text = value if isinstance(value, str) else str(value)
    # The reader's hot path (every text cell of every file): most cells need nothing, and one
    # search says so. ASCII is already NFC and half-width; str.translate is slow on CJK text, so it
    # runs only where a full-width character is present. str.split() splits on exactly the
    # characters \s matches (full-width space and no-break space included).
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if not _NEEDS_WORK.search(text):
        return _unquoted(text)
    if _WIDE.search(text):
        text = text.translate(_HALFWIDTH)
    return _unquoted(" ".join(text.split()))


def _unquoted(text: str) -> str:
    """Without a leading apostrophe: Excel's mark for "keep this as text" ('0101, '110101…), which an
    export or a CSV import leaves in the cell as a character; no name or number begins with one."""
    return text[1:].lstrip() if text[:1] == "'" and len(text) > 1 else text


def norm_key(value) -> str:
    """The form used to compare names and headers: no white space at all, one bracket style,
    no trailing seal mark, upper-case Latin letters."""
    if isinstance(value, str):
        return _norm_str(value)
    return _norm(value)


@lru_cache(maxsize=65536)
def _norm_str(value: str) -> str:
    # Cached: a unit's name is compared on every sheet that names it, in every file of a run.
    return _norm(value)


def _norm(value) -> str:
    text = clean_text(value)
    text = _SEAL.sub("", text)
    text = text.translate(_BRACKETS)
    return "".join(text.split()).upper()


_CJK_BREAK = re.compile(r"(?<=[^\x00-\x7f])[ \t\u3000]*[\r\n]+[ \t\u3000]*(?=\S)|"
                        r"(?<=\S)[ \t\u3000]*[\r\n]+[ \t\u3000]*(?=[^\x00-\x7f])")


def name_text(value):
    """A name (a unit's, a person's) as its clerk means it: a line break the cell wrapped beside a Chinese
    character joins the two sides (大同市北都\\n技工学校 is one name, not two words), and the seal
    mark copied from the form's header (（公章）, （盖章）) is not part of it. Other values unchanged."""
    if not isinstance(value, str) or ("\n" not in value and "章" not in value):
        return value
    text = _CJK_BREAK.sub("", value)
    stripped = _SEAL.sub("", text.strip())
    return stripped if stripped.strip() else text
