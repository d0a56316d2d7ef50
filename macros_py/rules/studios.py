"""Rules on the master studios: 附件8 rows, the master's 附件4 fields and the conditions of 附件1（二）."""

from __future__ import annotations

import re

from macros_py.model.normalize import norm_key
from macros_py.model.submission import LAYOUT_TEMPLATE, WITHDRAWN
from macros_py.policy.schema import FORMULA
from macros_py.policy.values import is_blank, parse_number, parse_size
from macros_py.rules.bases import enterprise_share
from macros_py.rules.registry import RuleContext, rule


def _leaders(ctx: RuleContext, sheet_key: str):
    return ctx.named(sheet_key, "leader")


@rule("S-REQ")
def required(ctx: RuleContext) -> None:
    studios = ctx.schema.sheet("studios")
    if ctx.found("studios"):
        # Inputs the rule names; 工作室规模 is typed on a printed 附件8 and computed in the template
        # (from 面积 and 人数, which are then the cells to fill).
        wanted = []
        for col in studios.columns:
            if "S-REQ" not in col.rules or col.key == "recommender":
                continue
            if col.kind == FORMULA and (ctx.sub.layout == LAYOUT_TEMPLATE or
                                        ctx.sub.has_column("studios", "area")):
                continue
            wanted.append(col.key)
        present = [k for k in wanted if ctx.sub.has_column("studios", k)]
        absent = [k for k in wanted if k not in present and k not in ("area", "members")]
        if absent and ctx.rows("studios"):
            headers = "”“".join(studios.column(k).header for k in absent)
            ctx.not_applicable("studios", f"“{ctx.title('studios')}”没有“{headers}”列")
        said_recommender = False
        for rec in ctx.rows("studios"):
            if is_blank(rec.values.get("recommender")):
                if ctx.sub.layout != LAYOUT_TEMPLATE and rec.cells.get("recommender"):
                    ctx.emit("S-REQ", "missing", rec=rec, key="recommender")
                elif not said_recommender:
                    said_recommender = True
                    ctx.emit("S-REQ", "recommender", sheet=ctx.sub.recommender_sheet or rec.sheet,
                             cell=ctx.sub.recommender_cell or rec.cells.get("leader"), value=None)
            for key in present:
                if is_blank(rec.values.get(key)):
                    ctx.emit("S-REQ", "missing", rec=rec, key=key)

    known = ctx.index("studios", "leader") if ctx.found("studios") else None
    withdrawn = {norm_key(s.record.values.get("leader")) for s in ctx.sub.skipped  # C-HIDDEN's
                 if s.sheet_key == "studios" and s.kind in WITHDRAWN and s.record is not None}
    for rec in ctx.rows("masters"):
        leader = rec.values.get("leader")
        if is_blank(leader):
            ctx.emit("S-REQ", "missing", rec=rec, key="leader")
        elif known is not None and norm_key(leader) not in known and norm_key(leader) not in withdrawn:
            ctx.emit("S-REQ", "unknown_leader", rec=rec, key="leader", studios=ctx.title("studios"))
    if ctx.found("masters") and ctx.found("studios"):
        present = ctx.index("masters", "leader")
        for rec in _leaders(ctx, "studios"):
            if norm_key(rec.values["leader"]) not in present:
                ctx.emit("S-REQ", "no_row", rec=rec, key="leader", other=ctx.title("masters"))


@rule("S-HONOR")
def honours(ctx: RuleContext) -> None:
    if not ctx.require("studios", "honours"):
        return
    keywords = [norm_key(k) for k in ctx.policy.lists["honour_keywords"]]
    listed = "、".join(ctx.policy.lists["honours"])
    for rec in ctx.rows("studios"):
        value = rec.values.get("honours")
        if is_blank(value):
            continue
        text = norm_key(value)
        if not any(k in text for k in keywords):
            ctx.emit("S-HONOR", "none", rec=rec, key="honours", honours=listed)


# The national grades of the 职业技能等级 (一级 is 高级技师 … 五级 is 初级工), which clerks write beside
# or for the level's name: 高级技师（一级）, 一级/高级技师, 二级.
_GRADES = {"一": "高级技师", "二": "技师", "三": "高级工", "四": "中级工", "五": "初级工"}
_GRADE = re.compile(r"([一二三四五1-5])级")
_FILLER = re.compile(r"[\s()（）/／、,，;；:：\-—]|国家职业资格|职业资格|职业技能等级|技能等级|等级|证书")


def level_of(value, levels: list[str]) -> str | None:
    """The level a typed 职业技能等级 names: one of `levels`, alone or with its grade (高级技师（一级）,
    二级（技师）), or a grade alone; None when the text names none, or two that disagree."""
    text = norm_key(value)
    if text in levels:
        return text
    named = set()
    for name in sorted(levels, key=len, reverse=True):
        if name in text:
            named.add(name)
            text = text.replace(name, "")
    for digit in _GRADE.findall(text):
        named.add(_GRADES["一二三四五"[int(digit) - 1]] if digit.isdigit() else _GRADES[digit])
    text = _FILLER.sub("", _GRADE.sub("", text))
    return named.pop() if len(named) == 1 and not text else None


@rule("S-LEVEL")
def level(ctx: RuleContext) -> None:
    if not ctx.require("studios", "level"):
        return
    high = ctx.policy.lists["high_skill_levels"]
    levels = ctx.policy.lists["skill_levels"]
    for sheet_key in ("studios", "masters"):
        for rec in ctx.rows(sheet_key):
            value = rec.values.get("level")
            if not is_blank(value) and level_of(value, levels) not in high:
                ctx.emit("S-LEVEL", "low", rec=rec, key="level", levels="、".join(high))


@rule("S-SIZE")
def size(ctx: RuleContext) -> None:
    if not ctx.found("studios"):
        return
    typed_areas = ctx.sub.has_column("studios", "area") or ctx.sub.has_column("studios", "members")
    if not typed_areas and not ctx.require("studios", "size"):
        return
    for rec in _leaders(ctx, "studios"):
        if typed_areas:
            for key in ("area", "members"):
                value = rec.values.get(key)
                if is_blank(value):
                    continue  # S-REQ
                number = parse_number(value)
                if number is None:
                    ctx.emit("S-SIZE", "not_number", rec=rec, key=key)
                elif number <= 0:
                    ctx.emit("S-SIZE", "not_positive", rec=rec, key=key)
        else:
            value = rec.values.get("size")
            if not is_blank(value) and parse_size(value) is None:
                ctx.emit("S-SIZE", "unparsed", rec=rec, key="size")


@rule("S-EDUFUND")
def education_fund(ctx: RuleContext) -> None:
    if ctx.require("masters", "edu_fund_share"):
        enterprise_share(ctx, "S-EDUFUND", _leaders(ctx, "masters"), "nature", ctx.policy.studio["enterprise_natures"],
                         ctx.policy.studio["edu_fund_share_min"])


@rule("S-ALREADY")
def already(ctx: RuleContext) -> None:
    if not ctx.require("masters", "already"):
        return
    for rec in _leaders(ctx, "masters"):
        value = rec.values.get("already")
        if is_blank(value):
            ctx.emit("S-ALREADY", "missing", rec=rec, key="already")
        elif value != "否":
            ctx.emit("S-ALREADY", "bad", rec=rec, key="already")


@rule("S-APPRENTICE")
def apprentices(ctx: RuleContext) -> None:
    if not ctx.require("masters", "apprentices"):
        return
    minimum = ctx.policy.studio["apprentices_per_year_min"]
    for rec in _leaders(ctx, "masters"):
        number = ctx.number(rec, "apprentices")
        if number is not None and number < minimum:
            ctx.emit("S-APPRENTICE", "low", rec=rec, key="apprentices", min=minimum)
