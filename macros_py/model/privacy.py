"""ID numbers and control characters, wherever text leaves the tool (DESIGN: bad input, safety).

ID numbers are recognised by their form, in any text, not by the column they were typed in: an ID
typed into 手机 or into a remark is masked as well as the 身份证号 column. Recognised are
- 18 characters (17 digits and a digit or X) whose GB 11643 check character is right, or whose
  characters 7–14 are a real birth date (an ID that Excel stored as a number has lost its last
  digits and its check, but not its date);
- 15 digits (the first-generation ID: region, YYMMDD, sequence).
A match stands alone: the characters next to it are not digits or letters (so a hash, a longer
account number or an 统一社会信用代码 with letters is left alone).

Masking: an 18-character ID keeps its first 6 and last 4 (the region and the 尾号 reviewers quote);
a 15-digit ID keeps its first 6 and its last 1 only, so that its birth date and 2 of its 3 sequence
digits are hidden: 8 characters hidden either way (showing 10 of 15, as before, left only the birth
date covered and let the number be guessed from a date of birth).
The one place whole ID numbers are kept is the master's 大师身份信息 sheet.

Control characters (ESC and the other C0 and C1 codes, and the bidirectional overrides) never reach
a terminal raw: `console_text` shows them as visible escapes such as \\x1b.
"""

from __future__ import annotations

import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[0-9Xx]|\d{15})(?![0-9A-Za-z])")
_RUN15 = re.compile(r"\d{15}")


def check_character(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def _real_date(text: str) -> bool:
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    if not (1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    import calendar

    return day <= calendar.monthrange(year, month)[1]


def is_id_number(text: str) -> bool:
    if len(text) == 15:
        return text.isdigit()
    if len(text) != 18 or not text[:17].isdigit():
        return False
    return check_character(text[:17]) == text[17].upper() or _real_date(text[6:14])


def mask_id(value) -> str | None:
    """One ID number masked (the 身份证号 column everywhere but the ID sheet): 18 characters keep
    6 + 4, 15 keep 6 + 1; any other text longer than 10 keeps 6 + 4."""
    if value is None:
        return None
    text = str(value)
    if len(text) == 15 and text.isdigit():
        return text[:6] + "*" * 8 + text[-1:]
    if len(text) <= 10:
        return text
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def _mask_match(m: re.Match) -> str:
    return mask_id(m.group(1)) if is_id_number(m.group(1)) else m.group(1)


def mask_ids(text: str) -> str:
    """Every ID number in `text` masked; the rest unchanged."""
    if len(text) < 15 or _RUN15.search(text) is None:
        return text
    return _CANDIDATE.sub(_mask_match, text)


_TAIL = re.compile(r"[^0-9A-Za-z][0-9A-Za-z]*\Z")


def mask_stream(pieces, size: int = 1 << 16):
    """mask_ids over text that comes in pieces (a page rendered piece by piece): the same text as
    mask_ids of the whole, made a block at a time. A block ends after a character that no ID number
    contains nor touches, so that no number is cut in two."""
    pending: list[str] = []
    length = 0
    for piece in pieces:
        pending.append(piece)
        length += len(piece)
        if length < size:
            continue
        text = "".join(pending)
        tail = _TAIL.search(text)
        cut = tail.start() + 1 if tail else 0
        if cut:
            yield mask_ids(text[:cut])
        pending, length = [text[cut:]], len(text) - cut
    yield mask_ids("".join(pending))


def mask_value(value):
    """A cell value on its way out: text with ID numbers masked; a whole number that is an ID becomes
    its masked text; anything else unchanged."""
    if isinstance(value, str):
        return mask_ids(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 10**14:
        text = str(value)
        return mask_id(text) if is_id_number(text) else value
    if isinstance(value, float) and value.is_integer() and 1e14 <= value < 1e18:
        text = str(int(value))
        return mask_id(text) if is_id_number(text) else value
    return value


def mask_data(obj):
    """mask_value over plain data (dicts, lists, tuples), as it goes to JSON."""
    if isinstance(obj, dict):
        return {k: mask_data(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [mask_data(v) for v in obj]
    return mask_value(obj)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match) -> str:
    code = ord(m.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def console_text(text: str) -> str:
    """Text for a terminal: ID numbers masked, control characters (all but tab, line feed and carriage
    return, which the tool itself writes) shown as escapes, never sent raw."""
    return _CONTROL.sub(_escape, mask_ids(text))
