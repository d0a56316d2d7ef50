"""Rules on the workbook as a whole: the same row twice (C-ROWDUP), a file with no project at all
(C-EMPTY: a blank template, an empty printed form) and the file's form (C-TEMPLATE). (Text cut at the
reader's hard limit is C-VALUE's case too_long, in rules/reading.py with the other values read with
a doubt.)

C-TEMPLATE is a bureau-side ID in RULES.md (a file whose layout is not recognised is rejected at
intake). The county check uses the same ID for what it learns while reading: an unusable file
(engine.check_paths reports it with the reason), a template of another version or year, a VBA project.
"""

from __future__ import annotations

from macros_py.model.normalize import norm_key
from macros_py.model.submission import LAYOUT_TEMPLATE
from macros_py.policy.values import is_blank
from macros_py.rules.registry import RuleContext, rule


@rule("C-ROWDUP")
def duplicate_rows(ctx: RuleContext) -> None:
    for sheet in ctx.schema.sheets:
        if len(sheet.row_key) == 1:
            # Fast path: the name index (shared with other rules) holds one record per name, so
            # without duplicates it has as many entries as there are named rows.
            named = [r for r in ctx.rows(sheet.key) if not (sheet.block and not r.head)
                     and not is_blank(r.values.get(sheet.row_key[0]))]
            if len(ctx.index(sheet.key, sheet.row_key[0])) == len(named):
                continue
        seen: dict[tuple, object] = {}
        for rec in ctx.rows(sheet.key):
            if sheet.block and not rec.head:
                continue
            values = [rec.values.get(k) for k in sheet.row_key]
            if any(is_blank(v) for v in values):
                continue
            key = tuple(norm_key(v) for v in values)
            if key in seen:
                first = seen[key]
                what = "，".join(f"{ctx.header(sheet.key, k)}“{v}”" for k, v in zip(sheet.row_key, values, strict=True))
                at = sheet.row_key[-1] if sheet.key == "majors" else sheet.row_key[0]
                differs = _differing(ctx, sheet, first, rec)
                if differs:
                    # two campuses, or a row typed twice and corrected in one: the second row's own
                    # values are not merged, so the clerk is told which they are
                    ctx.emit("C-ROWDUP", "differs", rec=rec, key=at, first_row=first.row, what=what, differs=differs)
                else:
                    ctx.emit("C-ROWDUP", "dup", rec=rec, key=at, first_row=first.row, what=what)
            else:
                seen[key] = rec


def _differing(ctx: RuleContext, sheet, first, second) -> str:
    """The columns two rows of the same project both fill with different values (the typed ones)."""
    out = []
    for col in sheet.columns:
        a, b = first.values.get(col.key), second.values.get(col.key)
        if col.key in sheet.row_key or col.key == "seq" or is_blank(a) or is_blank(b):
            continue
        if norm_key(str(a)) != norm_key(str(b)):
            out.append(f"“{ctx.header(sheet.key, col.key)}”")
    return "、".join(out)


@rule("C-TEMPLATE")
def template_form(ctx: RuleContext) -> None:
    sub = ctx.sub
    if sub.layout == LAYOUT_TEMPLATE and (sub.template_version != ctx.schema.version
                                          or sub.template_year != ctx.policy.year):
        ctx.emit("C-TEMPLATE", "version", value=sub.template_version, version=sub.template_version or "未知",
                 year=sub.template_year or "未知", current=ctx.schema.version, current_year=ctx.policy.year)
    if sub.has_vba:
        ctx.emit("C-TEMPLATE", "vba")
    for sheet, cell, previous in sub.continued:
        ctx.emit("C-TEMPLATE", "continued", sheet=sheet, cell=cell, previous=previous)
    for sheet, previous in sub.unread_sheets:
        if previous:
            ctx.emit("C-TEMPLATE", "unread", sheet=sheet, previous=previous)
        else:
            ctx.emit("C-TEMPLATE", "unread_other", sheet=sheet)
    for sheet in sub.picture_sheets:
        ctx.emit("C-TEMPLATE", "picture", sheet=sheet)


@rule("C-EMPTY")
def empty_submission(ctx: RuleContext) -> None:
    if ctx.rows("bases") or ctx.rows("studios"):
        return
    titles = [ctx.schema.sheet(k).title for k in ("bases", "studios")]
    found = [t.sheet for k in ("bases", "studios") for t in ctx.sub.tables.get(k, [])]
    ctx.emit("C-EMPTY", "empty", sheets="、".join(f"“{t}”" for t in (found or titles)))
