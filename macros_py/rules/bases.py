"""Rules on the training bases: 附件7 rows and the conditions of 附件1（一）.

Where a finding points (the cell a clerk must change):
- a number out of range: the computed cell that shows it when the sheet has one (师生比, 高级教师占比,
  数据支持的最高档次), as the workbook's own red marks do; otherwise the typed number;
- a number that is missing or is not a number: the input cell that must be filled.
"""

from __future__ import annotations

from difflib import get_close_matches

from macros_py.model.normalize import norm_key
from macros_py.model.submission import LAYOUT_TEMPLATE, WITHDRAWN
from macros_py.policy.compute import NOT_REACHED, split_majors
from macros_py.policy.values import is_blank
from macros_py.rules.registry import RuleContext, fmt, rule


def _units(ctx: RuleContext):
    """Condition rows that name a base; rows without a unit are B-REQ's."""
    return ctx.named("conditions", "unit")


@rule("B-REQ")
def required(ctx: RuleContext) -> None:
    bases = ctx.schema.sheet("bases")
    if ctx.found("bases"):
        wanted = [c.key for c in bases.columns if c.required and "B-REQ" in c.rules]
        absent = [k for k in wanted if k != "recommender" and not ctx.sub.has_column("bases", k)]
        if absent and ctx.rows("bases"):
            headers = "”“".join(bases.column(k).header for k in absent)
            ctx.not_applicable("bases", f"“{ctx.title('bases')}”没有“{headers}”列")
        said_recommender = False
        for rec in ctx.rows("bases"):
            for key in wanted:
                if key in absent or not is_blank(rec.values.get(key)):
                    continue
                if key == "recommender":
                    # The template takes it from 填报说明; a printed form from its 推荐单位 line or column.
                    if ctx.sub.layout == LAYOUT_TEMPLATE or not rec.cells.get("recommender"):
                        if not said_recommender:
                            said_recommender = True
                            ctx.emit("B-REQ", "recommender", sheet=ctx.sub.recommender_sheet or rec.sheet,
                                     cell=ctx.sub.recommender_cell or rec.cells.get("unit"), value=None)
                        continue
                ctx.emit("B-REQ", "missing", rec=rec, key=key)

    # 基地条件, 经费预算 and 专业预算 name a base of 附件7 (a base withdrawn there, hidden or struck
    # through, is C-HIDDEN's: its rows here follow it and are not errors of their own).
    known = ctx.index("bases", "unit") if ctx.found("bases") else None
    withdrawn = {norm_key(s.record.values.get("unit")) for s in ctx.sub.skipped
                 if s.sheet_key == "bases" and s.kind in WITHDRAWN and s.record is not None}
    for sheet_key in ("conditions", "funding", "majors"):
        for rec in ctx.rows(sheet_key):
            if sheet_key == "funding" and not rec.head:
                continue
            unit = rec.values.get("unit")
            if is_blank(unit):
                ctx.emit("B-REQ", "missing", rec=rec, key="unit")
            elif known is not None and norm_key(unit) not in known and norm_key(unit) not in withdrawn:
                ctx.emit("B-REQ", "unknown_unit", rec=rec, key="unit", bases=ctx.title("bases"),
                         near=_near_base(ctx, sheet_key, unit))
        if sheet_key == "majors":
            for rec in ctx.rows("majors"):
                if is_blank(rec.values.get("major")):
                    ctx.emit("B-REQ", "missing", rec=rec, key="major")

    # Every base of 附件7 has its conditions row and its 表4-2 block, where the file has those tables.
    for sheet_key, what in (("conditions", "一行"), ("funding", "一组预算（合计行和三项内容）")):
        if not ctx.found(sheet_key) or not ctx.found("bases"):
            continue
        present = ctx.index(sheet_key, "unit")
        for rec in ctx.rows("bases"):
            unit = rec.values.get("unit")
            if not is_blank(unit) and norm_key(unit) not in present:
                ctx.emit("B-REQ", "no_row", rec=rec, key="unit", other=ctx.title(sheet_key), what=what)


def _near_base(ctx: RuleContext, sheet_key: str, unit: str) -> str:
    """The 附件7 base a row of `sheet_key` naming an unknown unit most likely means, said as a question:
    the base with no row of its own there whose name is closest (大同二技校 → 大同市第二技工学校, a
    short form; 大同北岳集团职工培训中心 without 有限公司); nothing where none is close. Never applied."""
    present = ctx.index(sheet_key, "unit")
    alone = [r.values["unit"] for r in ctx.rows("bases")
             if isinstance(r.values.get("unit"), str) and norm_key(r.values["unit"]) not in present]
    names = {norm_key(name): name for name in alone}
    close = get_close_matches(norm_key(unit), list(names), n=1, cutoff=0.6)
    return f"（“{ctx.title('bases')}”中名称相近的是“{names[close[0]]}”，是否为同一单位？）" if close else ""


def _closed_list(ctx: RuleContext, rule_id: str, key: str, list_name: str) -> None:
    """A 附件7 column that takes one of the policy's options (属性, 申报档次)."""
    if not ctx.require("bases", key):
        return
    choices = ctx.policy.lists[list_name]
    for rec in ctx.rows("bases"):
        value = rec.values.get(key)
        if not is_blank(value) and value not in choices:
            ctx.emit(rule_id, "bad", rec=rec, key=key, choices="、".join(choices))


@rule("B-ATTR")
def attribute(ctx: RuleContext) -> None:
    _closed_list(ctx, "B-ATTR", "attribute", "base_attributes")


@rule("B-TIER")
def tier(ctx: RuleContext) -> None:
    # A printed 附件7 has no 申报档次 column: say where each base's tier was read from instead.
    for rec in ctx.rows("bases"):
        source = rec.derived.get("tier")
        if source:
            ctx.emit("B-TIER", "derived", rec=rec, key="tier", source=source)
    _closed_list(ctx, "B-TIER", "tier", "tiers")


@rule("B-MAJORS")
def majors(ctx: RuleContext) -> None:
    if not ctx.require("bases", "majors"):
        return
    low, high = ctx.policy.base["majors_min"], ctx.policy.base["majors_max"]
    for rec in ctx.rows("bases"):
        value = rec.values.get("majors")
        if is_blank(value):
            continue
        count = len(split_majors(value))
        if count < low or count > high:
            ctx.emit("B-MAJORS", "few" if count < low else "many", rec=rec, key="majors", count=count,
                     min=low, max=high)


def _threshold(ctx: RuleContext, rule_id: str, key: str, attr: str) -> None:
    if not ctx.require("conditions", key):
        return
    for rec in _units(ctx):
        number = ctx.number(rec, key)
        tier = ctx.tier(rec.values.get("tier"))
        if number is None or tier is None:
            continue
        minimum = getattr(tier, attr)
        if number < minimum:
            ctx.emit(rule_id, "low", rec=rec, key=key, tier=tier.name, min=minimum)


@rule("B-SCALE")
def scale(ctx: RuleContext) -> None:
    _threshold(ctx, "B-SCALE", "training", "min_training")


@rule("B-CERT")
def certs(ctx: RuleContext) -> None:
    _threshold(ctx, "B-CERT", "certs", "min_senior_certs")


@rule("B-TIER-FIT")
def tier_fit(ctx: RuleContext) -> None:
    if not ctx.require("conditions", "training", "certs"):
        return
    order = list(ctx.policy.tiers)
    for rec in _units(ctx):
        tier, supported = rec.values.get("tier"), rec.values.get("supported_tier")
        if tier not in order or supported is None:
            continue  # no tier (B-TIER / B-REQ) or numbers missing (B-SCALE / B-CERT)
        params = dict(tier=tier, training=fmt(rec.values.get("training")), certs=fmt(rec.values.get("certs")))
        where = ("supported_tier", "training")
        if supported == NOT_REACHED:
            ctx.emit("B-TIER-FIT", "none", rec=rec, key=where, lowest=order[-1], **params)
        elif order.index(tier) < order.index(supported):
            ctx.emit("B-TIER-FIT", "above", rec=rec, key=where, supported=supported, **params)
        elif order.index(tier) > order.index(supported):
            ctx.emit("B-TIER-FIT", "below", rec=rec, key=where, supported=supported, **params)


@rule("B-RATIO")
def ratio(ctx: RuleContext) -> None:
    if not ctx.require("conditions", "teachers", "trainees"):
        return
    low, high = ctx.policy.base["ratio_min_trainees_per_teacher"], ctx.policy.base["ratio_max_trainees_per_teacher"]
    for rec in _units(ctx):
        teachers, trainees = ctx.number(rec, "teachers"), ctx.number(rec, "trainees")
        if teachers is None or trainees is None:
            continue
        if teachers == 0:
            ctx.emit("B-RATIO", "zero", rec=rec, key="teachers")
            continue
        value = rec.values.get("ratio")
        where = ("ratio", "trainees")
        if value > high:
            ctx.emit("B-RATIO", "high", rec=rec, key=where, ratio=fmt(round(value, 1)), min=low, max=high)
        elif value < low:
            ctx.emit("B-RATIO", "low", rec=rec, key=where, ratio=fmt(round(value, 1)), min=low, max=high)


@rule("B-SENIOR")
def senior(ctx: RuleContext) -> None:
    if not ctx.require("conditions", "practical_teachers", "senior_teachers"):
        return
    minimum = ctx.policy.base["senior_teacher_share_min"]
    for rec in _units(ctx):
        total, senior_ = ctx.number(rec, "practical_teachers"), ctx.number(rec, "senior_teachers")
        if total is None or senior_ is None:
            continue
        if total == 0:
            ctx.emit("B-SENIOR", "zero", rec=rec, key="practical_teachers")
        elif senior_ > total:
            ctx.emit("B-SENIOR", "over", rec=rec, key="senior_teachers", senior=fmt(senior_), total=fmt(total))
        elif rec.values["senior_share"] < minimum:
            ctx.emit("B-SENIOR", "low", rec=rec, key=("senior_share", "senior_teachers"),
                     share=fmt(round(rec.values["senior_share"], 1)), min=minimum)


@rule("B-COOP")
def cooperation(ctx: RuleContext) -> None:
    if not ctx.require("conditions", "coop"):
        return
    minimum = ctx.policy.base["coop_enterprises_min"]
    for rec in _units(ctx):
        number = ctx.number(rec, "coop")
        if number is not None and number < minimum:
            ctx.emit("B-COOP", "low", rec=rec, key="coop", min=minimum)


def enterprise_share(ctx: RuleContext, rule_id: str, rows, host: str, enterprise, minimum) -> None:
    """Enterprise hosts spend at least `minimum` % of 职工教育经费 on high-skill training: the share
    must be given, and reach it (B-EDUFUND by 属性, S-EDUFUND by 单位性质)."""
    for rec in rows:
        kind = rec.values.get(host)
        if kind not in enterprise:
            continue
        if is_blank(rec.values.get("edu_fund_share")):
            ctx.emit(rule_id, "missing", rec=rec, key="edu_fund_share", min=minimum, **{host: kind})
            continue
        number = ctx.number(rec, "edu_fund_share")
        if number is not None and number < minimum:
            ctx.emit(rule_id, "low", rec=rec, key="edu_fund_share", min=minimum)


@rule("B-EDUFUND")
def education_fund(ctx: RuleContext) -> None:
    if ctx.require("conditions", "edu_fund_share"):
        enterprise_share(ctx, "B-EDUFUND", _units(ctx), "attribute", ctx.policy.base["enterprise_attributes"],
                         ctx.policy.base["edu_fund_share_min"])


def _yes_no(ctx: RuleContext, rule_id: str, key: str, wanted: str, **params) -> None:
    if not ctx.require("conditions", key):
        return
    for rec in _units(ctx):
        value = rec.values.get(key)
        if is_blank(value):
            ctx.emit(rule_id, "missing", rec=rec, key=key)
        elif value != wanted:
            ctx.emit(rule_id, "bad", rec=rec, key=key, **params)


@rule("B-PENALTY")
def penalty(ctx: RuleContext) -> None:
    _yes_no(ctx, "B-PENALTY", "no_penalty", "是", years=ctx.policy.base["penalty_years"])


@rule("B-ALREADY")
def already(ctx: RuleContext) -> None:
    _yes_no(ctx, "B-ALREADY", "already", "否")
