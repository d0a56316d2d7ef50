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
_SQUARE_METRES = re.compile(r"(?<=\d)\s*[mM][2²]")
_TICKS = "□☑☒✔✓√■ "  # tick boxes copied from the printed forms around a chosen option
_LOOSE = re.compile(r"[、，,/／·.．;；\s]")


def _loose(text: str) -> str:
    return _LOOSE.sub("", norm_key(text)).replace("其他", "其它")


_TIER_WORDS = re.compile(r"^(拟申报|申报|拟报)|(档次|档|级|类)$")   # the words around a tier: 申报A档
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
        tiers = col.choices == "tiers"
        # the same option without its punctuation, 其他 for 其它 (行业企业办 is 行业、企业办): where one
        # option only reads so
        loose: dict[str, str | None] = {}
        for o in options:
            k = _loose(o)
            loose[k] = o if k not in loose else None

        def convert(value):
            if value in exact:  # a value picked from the dropdown: already one of the options
                return value
            text = _text(value, col)
            if isinstance(text, str) and text not in exact:
                # ' a ' -> 'A', full-width -> half-width; '☑政府办' as ticked on the printed 附件2
                key = norm_key(text.strip(_TICKS))
                found = folded.get(key)
                if found is None and tiers:
                    # a tier typed with its word: 'A档', 'B档次', '申报C档' (the option itself, exactly)
                    found = folded.get(_TIER_WORDS.sub("", key))
                if found is None:
                    found = loose.get(_loose(key))
                if found is None and len(key) >= 2:
                    # the option's beginning, where it begins one option only: 工艺 is 工艺传承 (said,
                    # C-VALUE abbrev); 高级 begins 高级技师 and 高级工, and is no option
                    starts = [o for k, o in folded.items() if k.startswith(key)]
                    found = starts[0] if len(starts) == 1 else None
                return text if found is None else found
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


# ---------------------------------------------------------------- values read with a doubt (C-VALUE)

CELL_LIMIT = 32767          # characters an Excel cell holds
_HEDGE = re.compile(r"约|大约|大概|近|余|多|左右|以上|以下|不少于|不低于|不足|超过|上下|至少|最多|～|~")
_NUMBERS = re.compile(r"\d+(?:\.\d+)?")
_UNIT_AFTER = re.compile(r"\d+(?:\.\d+)?\s*(万元|千元|元|万|人次|人|名|个|家|所|项|次|%|％|㎡|平方米|平米|平方|m²|m2)", re.I)
_UNIT_KIND = {"万元": "money", "万": "money", "千元": "money", "元": "money", "人次": "count", "人": "count",
              "名": "count", "个": "count", "家": "count", "所": "count", "项": "count", "次": "count",
              "%": "percent", "％": "percent", "㎡": "area", "平方米": "area", "平米": "area", "平方": "area",
              "m²": "area", "m2": "area"}
_TO_WAN = {"元": 1 / 10000, "千元": 1 / 10}
_CN_DIGITS = str.maketrans("〇零○一二三四五六七八九", "00012345678" "9")
_SHORT_YEAR = re.compile(r"^(\d{2})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_SERIAL_MAX = 73050          # 2099-12-31 as an Excel date serial


def column_unit(col: Column) -> str | None:
    """What a numeric column counts, from its header: money (万元), percent, area (㎡) or count."""
    header = col.header
    if col.kind == PERCENT or "%" in header or "％" in header or "比例" in header:
        return "percent"
    if "万元" in header:
        return "money"
    if "㎡" in header or "面积" in header:
        return "area"
    return "count"


def _clean_number(number: float):
    return int(number) if float(number).is_integer() else number


def _shown(number) -> str:
    if isinstance(number, float):
        return f"{number:.6f}".rstrip("0").rstrip(".")
    return str(number)


def read_as_meant(raw, value, col: Column, doubts: dict, key: str):
    """`value` (raw as `col` converts it), or what value_doubt reads it as instead; a doubt goes to
    `doubts[key]` with the raw value, for C-VALUE. Returns (the value, whether it was interpreted)."""
    doubt = value_doubt(raw, value, col)
    if doubt is None:
        return value, False
    doubt[1].setdefault("raw", raw.strip() if isinstance(raw, str) else raw)
    doubts[key] = doubt
    return doubt[1].pop("_value", value), True


def value_doubt(raw, value, col: Column):
    """(C-VALUE case, params) when reading `raw` as `value` in column `col` needed interpretation that
    could be wrong, else None. params["read"] says what was read; params["_value"], when present, is
    the value to use instead (a date serial read as its date, 80 元 read as 0.008 万元). Cheap for the
    common cells (a number in a number column, text in a text column): the reader calls it on every
    filled cell."""
    kind = col.kind
    if type(raw) is str:
        if len(raw) > CELL_LIMIT:
            return "long", {"length": len(raw), "limit": CELL_LIMIT, "read": f"全文 {len(raw)} 字"}
        if kind in (INT, NUMBER, PERCENT):
            return _number_doubt(raw, value, col)
        if kind in (DATE, MONTH):
            return _date_text_doubt(raw, value)
        if kind == CHOICE and type(value) is str and value != raw:
            typed = norm_key(raw)
            if typed != norm_key(value) and norm_key(value).startswith(typed):
                return "abbrev", {"read": value}
        return None
    if kind in (DATE, MONTH):
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return _date_number_doubt(raw)
        if isinstance(raw, dt.date):
            return _date_cell_doubt(raw)
    return None


_EPOCH = dt.datetime(1899, 12, 30)


def _date_cell_doubt(raw):
    """A date cell showing a day of 1905: the clerk typed 1975.03 (a number) into a cell formatted as a
    date, and Excel shows day number 1975 of its calendar. Read back as the year and month typed."""
    moment = raw if isinstance(raw, dt.datetime) else dt.datetime.combine(raw, dt.time())
    serial = round((moment - _EPOCH).total_seconds() / 86400, 4)
    if not 1900 <= serial < 2101:
        return None
    year, _, frac = repr(serial).partition(".")
    month = int(frac[:2]) if frac and frac != "0" else 1
    if frac == "1":
        return "dot_month", {"read": f"{year}-01", "_value": dt.date(int(year), 1, 1), "raw": year + ".1"}
    if not 1 <= month <= 12:
        return None
    date = dt.date(int(year), month, 1)
    return "date_number", {"read": date.strftime("%Y-%m"), "shown": moment.date().isoformat(),
                           "_value": date, "raw": f"{year}.{frac}" if frac != "0" else year}


def _number_doubt(raw: str, value, col: Column):
    # 120m2 is 120 ㎡, not two numbers
    text = _SQUARE_METRES.sub("㎡", clean_text(raw).replace(",", "").replace("，", ""))
    unit = column_unit(col)
    numbers = _NUMBERS.findall(text)
    if not numbers:
        return None
    units = _UNIT_AFTER.findall(text)
    wrong = [u for u in units if _UNIT_KIND.get(u, _UNIT_KIND.get(u.lower())) != unit]
    if len(numbers) > 1:
        return "several", {"read": "未读取", "numbers": "、".join(numbers), "_value": clean_text(raw)}
    number = _clean_number(float(numbers[0]))
    if unit == "money" and units and units[0] in _TO_WAN:
        converted = _clean_number(round(number * _TO_WAN[units[0]], 6))
        return "converted", {"read": f"{_shown(converted)} 万元", "unit": units[0], "_value": converted}
    if unit == "count" and units and units[0] == "万":
        converted = _clean_number(round(number * 10000, 6))
        return "converted", {"read": _shown(converted), "unit": "万", "_value": converted}
    if wrong:
        return "unit", {"read": "未读取", "unit": wrong[0], "expected": _UNIT_NAME[unit], "_value": clean_text(raw)}
    if isinstance(value, int | float) and _HEDGE.search(text) is None:
        return None  # '80', '80人', '1,200人次': read exactly
    if _HEDGE.search(text):
        return "approx", {"read": _shown(number), "_value": number}
    return "prose", {"read": _shown(number), "_value": number}


_UNIT_NAME = {"money": "万元", "percent": "%", "area": "㎡", "count": "人数或个数"}


def _date_text_doubt(raw: str, value):
    text = clean_text(raw).replace(" ", "")
    if isinstance(value, dt.date):
        if re.fullmatch(r"\d{4}年?", text):
            return "year_only", {"read": f"{value.year} 年（月份不详，按 1 月）"}
        return None
    if re.fullmatch(r"\d{4}年?", text) and 1900 <= int(text[:4]) <= 2100:
        return "year_only", {"read": f"{text[:4]} 年（月份不详，按 1 月）", "_value": dt.date(int(text[:4]), 1, 1)}
    converted = text.replace("十二", "12").replace("十一", "11").replace("十", "10").translate(_CN_DIGITS)
    if converted != text:
        date = parse_date(converted)
        if date is not None:
            return "chinese", {"read": date.strftime("%Y-%m"), "_value": date}
    short = _SHORT_YEAR.match(text)
    if short:
        yy, month = int(short.group(1)), int(short.group(2))
        year = 1900 + yy if yy > dt.date.today().year % 100 else 2000 + yy
        if 1 <= month <= 12:
            date = dt.date(year, month, 1)
            return "short_year", {"read": date.strftime("%Y-%m"), "_value": date}
    late = _MONTH_FIRST.match(text)
    if late and 1 <= int(late.group(1)) <= 12 and 1900 <= int(late.group(2)) <= 2100:
        date = dt.date(int(late.group(2)), int(late.group(1)), 1)
        return "month_first", {"read": date.strftime("%Y-%m"), "_value": date}
    if any(ch.isdigit() for ch in text):
        return "unread", {"read": "没有读出日期，按原文保留"}
    return None


_MONTH_FIRST = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{4})$")   # 3/1975


def _date_number_doubt(raw):
    number = float(raw)
    if number.is_integer():
        n = int(number)
        if 1900 <= n <= 2100:
            return "year_only", {"read": f"{n} 年（月份不详，按 1 月）", "_value": dt.date(n, 1, 1)}
        if 100000 <= n <= 99999999:
            return None  # 197503, 19750312: read exactly
        if 0 < n <= _SERIAL_MAX:
            date = dt.date(1899, 12, 30) + dt.timedelta(days=n)
            return "serial", {"read": date.isoformat(), "_value": date}
        return None
    text = repr(number)
    whole, _, frac = text.partition(".")
    if 1900 <= int(whole) <= 2100 and frac == "1":
        return "dot_month", {"read": f"{whole}-01", "_value": dt.date(int(whole), 1, 1)}
    return None


def settle_by_id(values: dict, doubts: dict) -> None:
    """A 出生年月 typed as the number 1975.1 (dot_month: 1975.10 whose 0 was lost, or January) on a
    row whose ID number says October: read as October, and the doubt becomes the note that says so."""
    doubt = doubts.get("birth")
    number = values.get("id_number")
    if doubt is None or doubt[0] != "dot_month" or not isinstance(number, str | int):
        return
    digits = str(number).strip()
    birth = values.get("birth")
    if len(digits) == 18 and digits[:17].isdigit() and isinstance(birth, dt.date) \
            and digits[6:12] == f"{birth.year}10":
        values["birth"] = dt.date(birth.year, 10, 1)
        doubts["birth"] = ("dot_month_id", {**doubt[1], "read": f"{birth.year}-10"})


def size_doubt(text):
    """工作室规模 typed in prose: (case, params) when the area or head count read from it is uncertain."""
    text = clean_text(text)
    if not text:
        return None
    areas, heads = _AREA.findall(text), _HEADS.findall(_AREA.sub(" ", text))
    if len(areas) > 1 or len(heads) > 1:
        return "several", {"read": "按第一个面积和人数", "numbers": "、".join(areas + heads)}
    if areas and heads and _HEDGE.search(text):
        return "approx", {"read": f"{areas[0]}㎡、{heads[0]}人"}
    return None
