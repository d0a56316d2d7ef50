"""Identifiers and contact fields: 身份证号 (S-ID), 统一社会信用代码, phones, e-mail, postcodes.

S-ID uses python-stdnum for the check digit and the birth date only. stdnum's own validate() also
demands that the region code existed in the birth year, which rejects valid Datong numbers (codes
are given at issue, often decades after birth; 南郊区, 城区, 矿区, 大同县 were retired in 2018) —
see DESIGN.md. So only length, format, check digit and a real past date decide; a region code that
is in no current or historical table is a 提示.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidComponent

from macros_py.policy.values import is_blank, parse_date
from macros_py.rules.registry import RuleContext, rule

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_SEPARATORS = re.compile(r"[\s\-－—()（）]")


@lru_cache(maxsize=4096)
def region_known(code: str) -> bool:
    """The 6-digit code is in stdnum's table of current or former counties (whatever the years)."""
    info = {k: v for _, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    return "county" in info


@dataclass(frozen=True)
class IdVerdict:
    """What S-ID says about one 身份证号 value: the case it breaks (None when valid) and the case's
    message parameters; for a number that passes, its compact form and birth date (for _agreement).
    The case "region" is only a 提示: the number is valid."""

    case: str | None
    params: dict
    number: str | None = None
    birth: dt.date | None = None


def id_verdict(value) -> IdVerdict:
    """The one S-ID check of a non-blank value, shared by the rule and the worksheet function SB_IDCARD."""
    if not isinstance(value, str):
        return IdVerdict("number", {})
    number = value.replace(" ", "").replace("-", "").upper()  # as ric.compact, without its cost
    if len(number) != 18:
        return IdVerdict("length", {"length": len(number)})
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return IdVerdict("format", {})
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        return IdVerdict("checksum", {"expected": expected})
    try:
        birth = ric.get_birth_date(number)
    except InvalidComponent:
        return IdVerdict("date", {"digits": number[6:14]})
    if birth > dt.date.today():
        return IdVerdict("future", {"birth": birth.isoformat()})
    if not region_known(number[:6]):
        return IdVerdict("region", {"code": number[:6]}, number, birth)
    return IdVerdict(None, {}, number, birth)


@rule("S-ID")
def id_number(ctx: RuleContext) -> None:
    if not ctx.require("masters", "id_number"):
        return
    for rec in ctx.rows("masters"):
        value = rec.values.get("id_number")
        if is_blank(value):
            continue
        verdict = id_verdict(value)
        if verdict.case is not None:
            ctx.emit("S-ID", verdict.case, rec=rec, key="id_number", **verdict.params)
        if verdict.birth is not None:
            _agreement(ctx, rec, verdict.number, verdict.birth)


def _agreement(ctx: RuleContext, rec, number: str, birth: dt.date) -> None:
    """性别 and 出生年月 on the same 大师信息 row agree with the number (GB 11643: 17th digit odd = 男)."""
    sex = rec.values.get("sex")
    expected = "男" if int(number[16]) % 2 else "女"
    if sex in ("男", "女") and sex != expected and rec.cells.get("sex"):
        ctx.emit("S-ID", "sex", rec=rec, key="sex", expected=expected)
    month = parse_date(rec.values.get("birth"))
    if month is not None and rec.cells.get("birth") and (month.year, month.month) != (birth.year, birth.month):
        ctx.emit("S-ID", "birth", rec=rec, key="birth", value=f"{month.year}年{month.month}月",
                 expected=f"{birth.year}年{birth.month}月")


def uscc_case(value) -> tuple[str | None, dict]:
    """The C-USCC case a non-blank 统一社会信用代码 breaks and its message parameters; (None, {}) when valid.
    Shared by the rule and the worksheet function SB_USCC."""
    if not isinstance(value, str):
        return "number", {}
    code = uscc.compact(value) if not value.isalnum() else value.upper()
    case = _uscc_problem(code)
    return case, ({"length": len(code)} if case else {})


@rule("C-USCC")
def credit_code(ctx: RuleContext) -> None:
    for sheet_key in ("bases", "studios"):
        if not ctx.sub.has_column(sheet_key, "uscc"):
            continue  # optional ("where given"): nothing to say when a form has no such column
        for rec in ctx.rows(sheet_key):
            value = rec.values.get("uscc")
            if is_blank(value):
                continue
            case, params = uscc_case(value)
            if case:
                ctx.emit("C-USCC", case, rec=rec, key="uscc", **params)


def _uscc_problem(code: str) -> str | None:
    """The checks of stdnum.cn.uscc.validate (length, 8 leading digits, alphabet, check character),
    with the check character from stdnum; validate() itself costs 2.5x as much per code."""
    if len(code) != 18:
        return "length"
    if not code[:8].isdigit():
        return "format"
    if not code[17].isalnum() or code[17] in "IOZSV":  # outside GB 32100's alphabet
        return "format"
    try:
        expected = uscc.calc_check_digit(code)
    except ValueError:  # the same, among the first 17 characters
        return "format"
    return None if expected == code[17] else "checksum"


def _digits(value) -> str:
    return _SEPARATORS.sub("", str(value))


def _contact_rows(ctx: RuleContext):
    """The rows that carry contact fields: 附件7's bases and 附件8's studios."""
    for sheet_key in ("bases", "studios"):
        yield from ctx.rows(sheet_key)


@rule("C-PHONE")
def phones(ctx: RuleContext) -> None:
    area = ctx.policy.get("region.area_code")
    for rec in _contact_rows(ctx):
        mobile = rec.values.get("mobile")
        if not is_blank(mobile) and not _MOBILE.match(_digits(mobile)):
            ctx.emit("C-PHONE", "mobile", rec=rec, key="mobile")
        phone = rec.values.get("phone")
        if not is_blank(phone) and not _landline_ok(_digits(phone)):
            ctx.emit("C-PHONE", "landline", rec=rec, key="phone", area=area)


def _landline_ok(digits: str) -> bool:
    """7–8 digits; or an area code (0 + 2–3 digits) in front; or a mobile number."""
    if not digits.isdigit():
        return False
    if len(digits) in (7, 8) and digits[0] != "0":
        return True
    if digits[0] == "0" and 10 <= len(digits) <= 12:
        return True
    return bool(_MOBILE.match(digits))


@rule("C-EMAIL")
def emails(ctx: RuleContext) -> None:
    for rec in _contact_rows(ctx):
        value = rec.values.get("email")
        if not is_blank(value) and not _EMAIL.match(str(value)):
            ctx.emit("C-EMAIL", "bad", rec=rec, key="email")


@rule("C-POSTCODE")
def postcodes(ctx: RuleContext) -> None:
    prefix = ctx.policy.get("region.postcode_prefix")
    for rec in _contact_rows(ctx):
        value = rec.values.get("postcode")
        if is_blank(value):
            continue
        text = str(value).replace(" ", "")
        if not (len(text) == 6 and text.isdigit()):
            ctx.emit("C-POSTCODE", "bad", rec=rec, key="postcode", prefix=prefix)
        elif not text.startswith(prefix):
            ctx.emit("C-POSTCODE", "other", rec=rec, key="postcode", prefix=prefix)
