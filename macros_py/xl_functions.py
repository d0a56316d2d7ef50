"""Worksheet functions (=SB_...) that the add-in offers through xlwings.

Each function is plain Python over plain values, so it is tested without Excel. The add-in build
reads this module's `@xw.func` functions (without importing it) and writes one VBA stub per
function; Excel then calls them through xlwings' UDF server, which imports this module. Docstrings
and `@xw.arg` docs are what Excel's function wizard shows, so they are Chinese.

Excel hands over numbers as float, empty cells as None and text as str. Blank input gives a blank
result (""), so a half-filled row shows nothing rather than a misleading number; input that cannot
be read raises ValueError, whose message the cell then shows.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import xlwings as xw

from .policy import default_policy

BLANK = ""
NOT_REACHED = "未达标"


def _number(value, label: str) -> float | None:
    """The value as a non-negative number, or None when the cell is blank."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{label}应为数字，实际为逻辑值 {value}")
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", ""))
        except ValueError:
            raise ValueError(f"{label}应为数字，实际为“{value}”") from None
    if not isinstance(value, int | float):
        raise ValueError(f"{label}应为数字，实际为 {value!r}")
    if value < 0:
        raise ValueError(f"{label}不能为负数：{value}")
    return float(value)


@xw.func(category="申报")
@xw.arg("training", doc="年培训规模（人次）")
@xw.arg("senior_certs", doc="经培训后年度内取得高级工及以上证书的人次")
def SB_TIER(training, senior_certs):
    """按年培训规模和高级工证书人次，返回两项门槛都达到的最高档次（A/B/C）；都不达到时返回“未达标”，有空白时返回空。"""
    t = _number(training, "年培训规模")
    c = _number(senior_certs, "高级工证书人次")
    if t is None or c is None:
        return BLANK
    return default_policy().supported_tier(t, c) or NOT_REACHED


@xw.func(category="申报")
@xw.arg("tier", doc="申报档次，如 A、B、C")
def SB_SUBSIDY(tier):
    """返回该档次的财政补助额（万元，取自政策文件）；档次为空时返回空。"""
    if tier is None or str(tier).strip() == "":
        return BLANK
    tiers = default_policy().tiers
    name = str(tier).strip().upper()
    if name not in tiers:
        raise ValueError(f"档次应为 {'、'.join(tiers)} 之一，实际为“{tier}”")
    return tiers[name].subsidy


@xw.func(category="申报")
@xw.arg("part", doc="部分数，如高级职称教师人数")
@xw.arg("total", doc="总数，如教师总人数")
def SB_SHARE(part, total):
    """返回部分数占总数的百分比（part/total×100）；总数为 0 或为空、或部分数为空时返回空。"""
    p = _number(part, "部分数")
    t = _number(total, "总数")
    if p is None or not t:
        return BLANK
    return p / t * 100


@xw.func(category="申报")
@xw.arg("teachers", doc="教师人数")
@xw.arg("trainees", doc="学员（年培训）人数")
def SB_RATIO(teachers, trainees):
    """返回师生比，写作“1:N”，N 为学员数除以教师数、四舍五入保留一位小数（如 1:18、1:17.5）；教师数为 0 或为空时返回空。"""
    teachers_n = _number(teachers, "教师人数")
    trainees_n = _number(trainees, "学员人数")
    if not teachers_n or trainees_n is None:
        return BLANK
    # Decimal with half-up, as Excel's ROUND does; float round() would round 17.25 down to 17.2.
    ratio = (Decimal(repr(trainees_n)) / Decimal(repr(teachers_n))).quantize(Decimal("0.1"), ROUND_HALF_UP)
    text = format(ratio, "f")
    return "1:" + (text[:-2] if text.endswith(".0") else text)
