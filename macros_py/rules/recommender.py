"""C-RECOMMENDER: the file names a recommender the policy knows (full name or a registered alias).

The recommender is the 推荐单位 line; where that line is empty, the rows' 推荐单位 column
(policy.recommenders.stamp_of). An unknown name is named in the finding, at the cell it was read
from; the bureau may still accept it once, in its 人工裁定 workbook (merge.decisions).
"""

from __future__ import annotations

from macros_py.policy.load import CHANNEL_CITY, CHANNEL_COUNTY
from macros_py.policy.recommenders import file_name_hint, resolve, stamp_of
from macros_py.rules.registry import RuleContext, rule


def _example(ctx: RuleContext) -> str:
    names = {r.channel: r.name for r in reversed(ctx.policy.recommenders)}
    return "”“".join(names[c] for c in (CHANNEL_COUNTY, CHANNEL_CITY) if c in names)


def _column_cell(ctx: RuleContext, written: str | None) -> tuple[str | None, str | None]:
    for records in ctx.sub.sheets.values():
        for rec in records:
            value = rec.values.get("recommender")
            if rec.cells.get("recommender") and isinstance(value, str) and value.strip() \
                    and (written is None or value.strip() == written):
                return rec.sheet, rec.cells["recommender"]
    return None, None


def _column_differs(ctx: RuleContext, line: str, stamped: set[str]) -> None:
    """Rows whose 推荐单位 column names another recommender of the policy than the line: the line
    (the seal) decides, and the file is told, once for each other name, at its first row (but for
    a name another 推荐单位 line of the file stamps: those rows are that form's, told by two_lines)."""
    other: dict[str, list] = {}
    for records in ctx.sub.sheets.values():
        for rec in records:
            # As typed: the column is a formula of the line (compute.derive), which fills it in values.
            value = rec.typed.get("recommender", rec.values.get("recommender"))
            who = resolve(value, ctx.policy) if isinstance(value, str) else None
            if who is not None and who.expected and who.name != line and who.name not in stamped:
                other.setdefault(who.name, []).append(rec)
    for name, recs in other.items():
        ctx.emit("C-RECOMMENDER", "differs", rec=recs[0], key="recommender", line=line, value=name,
                 count=len(recs))


def _other_lines(ctx: RuleContext, line: str) -> set[str]:
    """The recommenders other 推荐单位 lines of the file name (a second form stamped by another
    unit, on its own sheet or under the first table): said once, at the first such line; returns them."""
    others: dict[str, tuple[str, str, str]] = {}
    for name, sheet, cell in ctx.sub.recommender_lines:
        who = resolve(name, ctx.policy)
        # only a recommender of the policy: a 填报单位：XX学校 over a base's own part is no second seal
        if who is not None and who.expected and who.name != line:
            others.setdefault(who.name, (name, sheet, cell))
    if others:
        shown = [f"{ctx.sub.recommender_sheet}!{ctx.sub.recommender_cell} 写“{line}”"] + \
            [f"{sheet}!{cell} 写“{name}”" for name, sheet, cell in others.values()]
        _, sheet, cell = next(iter(others.values()))
        ctx.emit("C-RECOMMENDER", "two_lines", sheet=sheet, cell=cell, value="，".join(shown), line=line,
                 other="”“".join(others))
    return set(others)


@rule("C-RECOMMENDER")
def known_recommender(ctx: RuleContext) -> None:
    stamp = stamp_of(ctx.sub, ctx.policy)
    if stamp.several:
        sheet, cell = _column_cell(ctx, None)
        ctx.emit("C-RECOMMENDER", "several", sheet=sheet, cell=cell, value="、".join(stamp.several))
    elif stamp.known and stamp.source == "line":
        _column_differs(ctx, stamp.who.name, _other_lines(ctx, stamp.who.name))
    if stamp.found and stamp.source == "line" and ctx.sub.recommender_place:
        ctx.emit("C-RECOMMENDER", "page", sheet=ctx.sub.recommender_sheet, value=stamp.found,
                 place=ctx.sub.recommender_place)
    elif stamp.found and not stamp.known:
        if stamp.source == "line":
            sheet, cell, where = ctx.sub.recommender_sheet, ctx.sub.recommender_cell, "推荐单位行"
        else:
            (sheet, cell), where = _column_cell(ctx, stamp.found), "各行的“推荐单位”列"
        ctx.emit("C-RECOMMENDER", "unknown", sheet=sheet, cell=cell, value=stamp.found, where=where,
                 example=_example(ctx))
    elif not stamp.found and ctx.sub.sheets:
        ctx.emit("C-RECOMMENDER", "missing", sheet=ctx.sub.recommender_sheet, cell=ctx.sub.recommender_cell,
                 hint=file_name_hint(ctx.sub.name, ctx.policy), example=_example(ctx))

