"""A typed cell value as the clerk meant it, by the schema column's kind.

'８０', ' 80 ', '80万', '1,200人次' become numbers in numeric columns; '1975年3月' and '1975-03'
become dates in date columns; phones and postcodes typed as numbers become their digits again.
What cannot be read keeps its cleaned text, so that the rule for that column can say what is wrong
(problems in data are findings, never exceptions).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from macros_py.model.normalize import clean_text, norm_key
from macros_py.policy.load import Policy
from macros_py.policy.schema import CHOICE, DATE, FORMULA, INT, MONTH, NUMBER, PERCENT, Column

# Units people type after a number; the number is what the column holds (amounts are in 万元).
_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?|[+-]?\.\d+)(万元|万|人次|人|个|家|名|%|㎡|平方米|平米|m²|m2)?$", re.I)
_DATE = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(?:(\d{1,2})\s*日?)?)?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
_AREA = re.compile(r"(\d+(?:\.\d+)?)\s*(?:㎡|平方米|平米|平方|m²|m2)", re.I)
_HEADS = re.compile(r"(\d+)\s*(?:人|名)")
_TICKS = "□☑☒✔✓√■ "  # tick boxes copied from the printed forms around a chosen option
# A float this large cannot hold an 18-digit ID or credit code exactly: Excel already lost digits.
EXACT_LIMIT = 1e15


def parse_number(value):
    """A number, or None when the value is not one (blank or text that does not read as a number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    text = clean_text(value).replace(",", "").replace("，", "").replace(" ", "")
    match = _NUMBER.match(text)
    if not match:
        return None
    number = float(match.group(1))
    return int(number) if number.is_integer() else number


def parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = clean_text(value).replace(" ", "")
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        return None
    year, month, day = int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_size(text) -> tuple[float | int, int] | None:
    """工作室规模 such as '120㎡ 8人', '120平方米8人', '１２０㎡\\n８人' -> (120, 8); None if either is missing."""
    text = clean_text(text)
    area, heads = _AREA.search(text), _HEADS.search(_AREA.sub(" ", text))
    if not area or not heads:
        return None
    number = float(area.group(1))
    return (int(number) if number.is_integer() else number), int(heads.group(1))


def _text(value, col: Column):
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if not value.is_integer() or abs(value) >= EXACT_LIMIT:
            return value  # kept as a number: the rule for the column says it was stored as one
        value = int(value)
    if isinstance(value, int):
        digits = str(value)
        # A postcode typed as a number lost its leading zero (037001 -> 37001).
        return digits.zfill(col.length) if col.length and len(digits) < col.length else digits
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean_text(value) or None


def converter(col: Column, policy: Policy, *, nonblank: bool = False) -> Callable[[object], object]:
    """The function turning a raw cell of `col` into the value a rule sees (built once per column:
    the reader calls it for every cell of every file). nonblank=True: the caller has already set
    blank cells (None, "") aside, and gets the function without that test."""
    cached = _CONVERTERS.get(id(col))
    if cached is not None and cached[0] is col and cached[1] is policy:
        return cached[3] if nonblank else cached[2]
    kind = col.kind
    if kind == FORMULA:  # a printed form typed what the template computes
        kind = NUMBER if col.number_format and "0" in col.number_format else "text"

    if kind in (INT, NUMBER, PERCENT):
        def convert(value):
            if type(value) is float:
                number = value
            else:
                number = parse_number(value)
                if number is None:
                    if isinstance(value, dt.date | dt.datetime):
                        return value
                    return clean_text(value) or None
            if kind == PERCENT and 0 < number < 1 and isinstance(number, float):
                return number * 100  # a cell formatted as % holds 0.6 for 60 %
            if kind == INT and isinstance(number, float) and number.is_integer():
                return int(number)
            return number
    elif kind in (DATE, MONTH):
        def convert(value):
            return parse_date(value) or _text(value, col)
    elif kind == CHOICE and col.choices and not col.choices.startswith("@"):
        options = list(policy.lists.get(col.choices, ()))
        exact = set(options)
        folded = {norm_key(o): o for o in options}

        def convert(value):
            if value in exact:  # a value picked from the dropdown: already one of the options
                return value
            text = _text(value, col)
            if isinstance(text, str) and text not in exact:
                # ' a ' -> 'A', full-width -> half-width; '☑政府办' as ticked on the printed 附件2
                return folded.get(norm_key(text.strip(_TICKS)), text)
            return text
    else:
        def convert(value):
            if type(value) is str:
                return clean_text(value) or None
            return _text(value, col)

    def guarded(value):
        return None if value is None or value == "" else convert(value)

    _CONVERTERS[id(col)] = (col, policy, guarded, convert)
    return convert if nonblank else guarded


_CONVERTERS: dict[int, tuple[Column, Policy, Callable, Callable]] = {}


def coerce(value, col: Column, policy: Policy):
    """The value a rule sees for a raw cell of column `col`."""
    return converter(col, policy)(value)


def is_blank(value) -> bool:
    if value is None:
        return True
    return type(value) is str and not value.strip()
