"""C-RECOMMENDER: the file names a recommender the policy knows (full name or a registered alias).

The recommender is the 推荐单位 line; where that line is empty, the rows' 推荐单位 column
(policy.recommenders.stamp_of). An unknown name is named in the finding, at the cell it was read
from; the bureau may still accept it once, in its 人工裁定 workbook (merge.decisions).
"""

from __future__ import annotations

from macros_py.policy.load import CHANNEL_CITY, CHANNEL_COUNTY
from macros_py.policy.recommenders import stamp_of
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


@rule("C-RECOMMENDER")
def known_recommender(ctx: RuleContext) -> None:
    stamp = stamp_of(ctx.sub, ctx.policy)
    if stamp.several:
        sheet, cell = _column_cell(ctx, None)
        ctx.emit("C-RECOMMENDER", "several", sheet=sheet, cell=cell, value="、".join(stamp.several))
    elif stamp.found and not stamp.known:
        if stamp.source == "line":
            sheet, cell, where = ctx.sub.recommender_sheet, ctx.sub.recommender_cell, "推荐单位行"
        else:
            (sheet, cell), where = _column_cell(ctx, stamp.found), "各行的“推荐单位”列"
        ctx.emit("C-RECOMMENDER", "unknown", sheet=sheet, cell=cell, value=stamp.found, where=where,
                 example=_example(ctx))
