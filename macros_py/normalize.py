"""Text normalisation applied before any comparison (RULES.md "Normalisation").

Trim and fold white space (full-width space and line breaks too), full-width digits and letters to
half-width, bracket variants to one form, trailing 公章 marks dropped.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"[\s\u3000\u00a0]+")
_SEAL = re.compile(r"[（(]\s*(公章|盖章|章)\s*[)）]\s*$")
_BRACKETS = str.maketrans({"(": "（", ")": "）", "〈": "《", "〉": "》", "<": "《", ">": "》",
                           "【": "（", "】": "）", "[": "（", "]": "）"})


def halfwidth(text: str) -> str:
    """Full-width ASCII (digits, letters, ％, ：…) to half-width; keeps CJK punctuation like 、。"""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E and ch not in "（）：；，":
            out.append(chr(code - 0xFEE0))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def clean_text(value) -> str:
    """A cell's text as a user means it: half-width, single spaces, trimmed. None -> ''."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return _SPACE.sub(" ", halfwidth(text)).strip()


def norm_key(value) -> str:
    """The form used to compare names and headers: no white space at all, one bracket style,
    no trailing seal mark, upper-case Latin letters."""
    text = clean_text(value)
    text = _SEAL.sub("", text)
    text = text.translate(_BRACKETS)
    return _SPACE.sub("", text).upper()
