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

from macros_py.policy.load import default_policy

BLANK = ""
NOT_REACHED = "未达标"
VALID = "有效"


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


@xw.func(category="申报")
@xw.arg("table", ndim=2, doc="一张申报表的区域，从表头行开始，如 A3:N53 或 基地汇总表[#全部]")
@xw.arg("first_row", doc="可省略：区域第一行的行号，如 ROW(A3)；省略时按标准化申报工作簿中该表表头所在的行")
def SB_CHECK(table, first_row=None):
    """按通知的规则校验一张表（附件7、基地条件、经费预算、专业预算、附件8、大师信息），每行返回该行的问题，如“错误 B-RATIO 师生比…”，没有问题为空。结果为一列，行数与区域相同；Excel 2010–2016 须先选中同样多的单元格再按 Ctrl+Shift+Enter 输入。"""
    from macros_py.addin.table_check import table_messages

    return [[text] for text in table_messages(table, first_row)]


@xw.func(category="申报")
@xw.arg("number", doc="18 位居民身份证号码")
def SB_IDCARD(number):
    """校验身份证号：长度、字符、校验位和出生日期都正确时返回“有效”，否则返回原因（与“校验本簿”的规则 S-ID 相同；号码显示时打码）。空白时返回空。"""
    from macros_py.model.findings import display_value, mask_id
    from macros_py.rules.catalog import render
    from macros_py.rules.ident import id_verdict

    value = _identifier(number, "masters", "id_number")
    if value is None:
        return BLANK
    verdict = id_verdict(value)
    if verdict.case in (None, "region"):  # an unknown region code is only a 提示: the number is valid
        return VALID
    shown = mask_id(display_value(value))
    return render("S-ID", verdict.case, {"column": "身份证号", "value": shown, "sheet": "", "cell": "",
                                         **verdict.params})[1]


@xw.func(category="申报")
@xw.arg("code", doc="18 位统一社会信用代码")
def SB_USCC(code):
    """校验统一社会信用代码：长度、字符和校验位都正确时返回“有效”，否则返回原因（与“校验本簿”的规则 C-USCC 相同）。空白时返回空。"""
    from macros_py.model.findings import display_value
    from macros_py.rules.catalog import render
    from macros_py.rules.ident import uscc_case

    value = _identifier(code, "bases", "uscc")
    if value is None:
        return BLANK
    case, params = uscc_case(value)
    if case is None:
        return VALID
    return render("C-USCC", case, {"column": "统一社会信用代码", "value": display_value(value), "sheet": "",
                                   "cell": "", **params})[1]


def _identifier(value, sheet_key: str, key: str):
    """The value as the reader would hand it to the rule for that column (text cleaned; a number kept
    as a number when Excel already lost digits), None when blank."""
    from macros_py.policy.schema import build_schema
    from macros_py.policy.values import coerce

    policy = default_policy()
    return coerce(value, build_schema(policy).sheet(sheet_key).column(key), policy)
