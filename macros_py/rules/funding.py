"""Rules on the funding tables: 表4-2 投入预算汇总 and 表3-n-1 专业预算.

In the project's template the 合计 row, the 合计 column and the 比例 columns are formulas, recomputed
from the amounts, so B-SUMS and B-SHARES can only fail on a printed 表4-2, where people type them.
B-SUBSIDY points at the 合计 row's 上级财政补助 cell (the total that must equal the tier's subsidy);
B-MAJOR-BUDGET at the content row's 专业预算合计 cell (else its 合计 cell).
"""

from __future__ import annotations

from macros_py.model.normalize import norm_key
from macros_py.model.submission import TIER_FROM_NOTE, Record
from macros_py.policy.values import is_blank, parse_number
from macros_py.rules.registry import RuleContext, fmt, rule


def _blocks(records: list[Record]) -> list[list[Record]]:
    blocks: list[list[Record]] = []
    for rec in records:
        if rec.head or not blocks:
            blocks.append([])
        blocks[-1].append(rec)
    return blocks


def _subsidy_key(ctx: RuleContext) -> str:
    sources = ctx.policy.funding["sources"]
    return f"amount{sources.index(ctx.policy.funding['subsidy_source'])}"


@rule("B-SUBSIDY")
def subsidy(ctx: RuleContext) -> None:
    key = _subsidy_key(ctx)
    if not ctx.require("funding", key, entity="base"):
        return
    only = None
    if ctx.found("bases") and not ctx.sub.has_column("bases", "tier"):
        # A printed 附件7: a tier its 备注 gives can be checked against 表4-2 (one taken from 表4-2's
        # own 上级财政补助 agrees by construction); for the others there is nothing to compare with.
        only = {norm_key(r.values.get("unit")) for r in ctx.rows("bases") if r.derived.get("tier") == TIER_FROM_NOTE}
        if not only:
            ctx.not_applicable("funding", f"“{ctx.title('bases')}”没有申报档次，无法得知应有的补助")
            return
    if not ctx.found("bases") and not ctx.sub.has_column("funding", "tier"):
        # Without 附件7 the tier is known only where 表4-2 carries it itself: the template's 经费预算
        # shows the tier it looks up in 附件7, which is what =SB_CHECK over that table alone reads.
        ctx.not_applicable("funding", "文件中没有附件7，无法得知申报档次")
        return
    tol = ctx.policy.funding["tolerance"]
    for rec in ctx.rows("funding"):
        tier = ctx.tier(rec.values.get("tier"))
        if not rec.head or tier is None or (only is not None and norm_key(rec.values.get("unit")) not in only):
            continue
        amount = rec.values.get(key) or 0
        if abs(amount - tier.subsidy) > tol:
            ctx.emit("B-SUBSIDY", "mismatch", rec=rec, key=key, amount=fmt(float(amount)), tier=tier.name,
                     subsidy=fmt(float(tier.subsidy)))


@rule("B-SUMS")
def sums(ctx: RuleContext) -> None:
    if not ctx.require("funding", entity="base"):
        return
    tol = ctx.policy.funding["tolerance"]
    amounts = [f"amount{i}" for i in range(len(ctx.policy.funding["sources"]))]
    for block in _blocks(ctx.rows("funding")):
        if not any(rec.typed for rec in block):
            continue  # the template computes every sum: nothing typed to compare
        head = block[0] if block[0].head else None
        if head is not None:
            for key in [*amounts, "total"]:
                typed = parse_number(head.typed.get(key))
                computed = head.values.get(key)
                if typed is not None and computed is not None and abs(typed - computed) > tol:
                    ctx.emit("B-SUMS", "column", rec=head, key=key, value=typed, typed=fmt(float(typed)),
                             computed=fmt(float(computed)), diff=fmt(round(float(typed - computed), 2)))
        for rec in block:
            typed = parse_number(rec.typed.get("total"))
            if typed is None or rec.head:
                continue  # the 合计 row's 合计 is checked as a column above
            computed = rec.values.get("total") or 0.0
            if abs(typed - computed) > tol:
                ctx.emit("B-SUMS", "row", rec=rec, key="total", value=typed, typed=fmt(float(typed)),
                         computed=fmt(float(computed)), diff=fmt(round(float(typed - computed), 2)))


def _decimals(number: float) -> int:
    text = f"{round(number, 8):.8f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _share_ok(typed: float, computed: float | None) -> bool:
    """A typed share agrees when it is the computed one rounded to the decimals typed (a cell formatted
    as % holds 0.625 for 62.5 %, so that reading is accepted too)."""
    if computed is None:
        return typed == 0
    for value in (typed, typed * 100) if abs(typed) <= 1 else (typed,):
        if abs(value - computed) <= 0.5 * 10 ** -_decimals(value) + 1e-9:
            return True
    return False


@rule("B-SHARES")
def shares(ctx: RuleContext) -> None:
    if not ctx.require("funding", entity="base"):
        return
    for rec in ctx.rows("funding"):
        if not rec.typed:
            continue  # the template computes every share: nothing typed to compare
        for i in range(len(ctx.policy.funding["sources"])):
            key = f"share{i}"
            typed = parse_number(rec.typed.get(key))
            if typed is None:
                continue
            computed = rec.values.get(key)
            if not _share_ok(float(typed), computed):
                ctx.emit("B-SHARES", "share", rec=rec, key=key, value=typed, typed=fmt(float(typed)),
                         computed=fmt(round(float(computed or 0.0), 2)))


@rule("B-MAJOR-BUDGET")
def major_budget(ctx: RuleContext) -> None:
    if not ctx.rows("funding"):
        return
    if not ctx.require("majors", entity="base"):
        return
    tol = ctx.policy.funding["tolerance"]
    for rec in ctx.rows("funding"):
        if rec.head or is_blank(rec.values.get("unit")):
            continue
        major_sum, amount = rec.values.get("major_sum"), rec.values.get("total")
        if major_sum is None or amount is None:
            continue
        if abs(major_sum - amount) > tol:
            ctx.emit("B-MAJOR-BUDGET", "mismatch", rec=rec, key=("major_sum", "total"), value=round(major_sum, 2),
                     content=rec.content, major_sum=fmt(round(float(major_sum), 2)),
                     amount=fmt(round(float(amount), 2)), diff=fmt(round(float(major_sum - amount), 2)))

