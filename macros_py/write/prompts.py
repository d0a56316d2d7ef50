"""The input message on every cell of the county workbook: what to enter, and the rule that applies.

A column's `prompt` in the schema is a template with named placeholders ({min_training}, {subsidy},
…) filled from the policy here, so the thresholds a clerk reads are the policy file's. A column
without one gets a plain "what to enter" from its header and kind. Error texts (shown only when a
value is refused) are kept apart: an input message never reads like an error.

Locked formula cells get an input message too: what the cell computes from, naming each input
cell's column (or the other sheet it comes from), so a cell that turns red says where to change it.
The inputs are found from the column's formula placeholders (formula_text's syntax), followed
through named expressions and through other formula columns.
"""

from __future__ import annotations

import re

from macros_py.policy.formula_text import FormulaRenderer, column_letter
from macros_py.policy.load import Policy
from macros_py.policy.schema import CHOICE, DATE, INT, MONTH, NUMBER, PERCENT, Column, Sheet
from macros_py.rules.catalog import CATALOG

_PLACEHOLDER = re.compile(r"\[([A-Za-z_@][\w.:#@]*)\]")
MAX_PROMPT = 255  # Excel's limit for an input message


def _g(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def facts(policy: Policy) -> dict[str, str]:
    """The policy's numbers and lists as the prompt templates name them."""
    tiers = list(policy.tiers.values())
    base, studio, lists = policy.base, policy.studio, policy.lists
    return {
        "min_training": "、".join(f"{t.name}档≥{_g(t.min_training)}" for t in tiers),
        "min_certs": "、".join(f"{t.name}档≥{_g(t.min_senior_certs)}" for t in tiers),
        "subsidy": "、".join(f"{t.name}档{_g(t.subsidy)}万元" for t in tiers),
        "ratio_min": _g(base["ratio_min_trainees_per_teacher"]),
        "ratio_max": _g(base["ratio_max_trainees_per_teacher"]),
        "senior_min": _g(base["senior_teacher_share_min"]),
        "coop_min": _g(base["coop_enterprises_min"]),
        "edu_min": _g(base["edu_fund_share_min"]),
        "enterprise_attributes": "、".join(base["enterprise_attributes"]),
        "majors_min": _g(base["majors_min"]),
        "majors_max": _g(base["majors_max"]),
        "penalty_years": _g(base["penalty_years"]),
        "studio_edu_min": _g(studio["edu_fund_share_min"]),
        "apprentices_min": _g(studio["apprentices_per_year_min"]),
        "enterprise_natures": "、".join(studio["enterprise_natures"]),
        "high_skill_levels": "、".join(lists["high_skill_levels"]),
        "base_attributes": " / ".join(lists["base_attributes"]),
        "studio_categories": " / ".join(lists["studio_categories"]),
        "honours": "、".join(lists["honours"]),
        "subsidy_source": policy.funding["subsidy_source"],
        "tolerance": _g(policy.funding["tolerance"]),
    }


def _num(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def input_prompt(col: Column, policy: Policy) -> str:
    """What a clerk reads on an input cell of `col`."""
    if col.prompt:
        text = col.prompt.format(**facts(policy))
    elif col.kind == CHOICE:
        text = f"从下拉列表选择“{col.header}”" + ("" if col.strict else "；名单以外的可直接输入")
    elif col.kind in (INT, NUMBER, PERCENT):
        text = f"填写“{col.header}”，只填数字"
    elif col.kind in (DATE, MONTH):
        text = f"填写“{col.header}”，如 2001-07-01"
    else:
        text = f"填写“{col.header}”"
    if col.required and "必填" not in text:
        text += "（必填）"
    return text[:MAX_PROMPT]


def error_text(col: Column) -> str:
    """The message when Excel refuses (or, for an open list, questions) a typed value."""
    if col.kind == CHOICE:
        return "请从下拉列表中选择。" if col.strict else "该值不在常用选项中，确认无误可继续。"
    if col.kind in (INT, NUMBER, PERCENT):
        what = "整数" if col.kind == INT else "数字"
        return f"请填写 {_num(col.minimum)} 到 {_num(col.maximum)} 之间的{what}（不要带单位或文字）。"
    if col.kind in (DATE, MONTH):
        return "请填写日期，如 2001-07-01（只需年月的，填当月任一天即可）。"
    if col.length:
        return f"应为 {col.length} 位。"
    return ""


def _where(renderer: FormulaRenderer, sheet: Sheet, name: str) -> list[str] | None:
    """The input a placeholder names, as a clerk finds it; None for a formula column to follow."""
    schema = renderer.schema
    if name.startswith(("P:", "lists.")) or name in ("header_row", "in_use"):
        return []
    if name == "recommender":
        return [f"「{schema.guide_title}」的推荐单位（{schema.recommender_cell}）"]
    if name.startswith("block_rows:"):
        col = sheet.column(name.split(":", 1)[1])
        return [f"下面各行的“{col.header}”（{column_letter(sheet, col.key)} 列）"]
    if name.startswith("block_head:"):
        col = sheet.column(name.split(":", 1)[1])
        return [f"合计行的“{col.header}”（{column_letter(sheet, col.key)} 列）"]
    if "." in name:
        other_key, key = name.split(".", 1)
        other = schema.sheet(other_key)
        if "#" in key:  # a funding content row's own content column
            return [f"「{other.title}」中本行内容的预算"]
        if key == other.link or key not in other.keys():  # the key a lookup matches on, not an input
            return []
        return [f"「{other.title}」的“{other.column(key).header}”"]
    if name in sheet.keys():
        col = sheet.column(name)
        if col.is_input:
            return [f"“{col.header}”（{column_letter(sheet, col.key)} 列）"]
        return None
    return []


def formula_inputs(col: Column, sheet: Sheet, renderer: FormulaRenderer, head: bool = False) -> list[str]:
    """The input cells `col`'s formula is computed from, in the order the formula names them."""
    out: list[str] = []
    seen: set[str] = set()

    def walk(text: str) -> None:
        for name in _PLACEHOLDER.findall(text):
            if name in seen:
                continue
            seen.add(name)
            if name in renderer.named:
                walk(renderer.named[name])
                continue
            found = _where(renderer, sheet, name)
            if found is None:  # another formula column: what it is computed from
                other = sheet.column(name)
                walk(other.formula or "")
            else:
                out.extend(w for w in found if w not in out)

    walk((col.head_formula if head and col.head_formula else col.formula) or "")
    return out


# What a rule asks of a computed cell, where its name alone does not say it.
_RULE_NOTES = {"B-SUBSIDY": "合计须等于所报档次的补助：{subsidy}；档次取自「附件7 基地汇总」的“申报档次”"}
_MAX_INPUTS = 4  # more than this (条件是否满足) and the message names the conditions instead


def formula_prompt(col: Column, sheet: Sheet, renderer: FormulaRenderer, policy: Policy,
                   head: bool = False) -> str:
    """The input message of a locked formula cell: the rule it shows, and the input cells to change."""
    known = facts(policy)
    inputs = formula_inputs(col, sheet, renderer, head)
    rules = [r for r in col.rules if r in CATALOG]
    marked = any(col.key in check.columns for check in sheet.checks)
    parts = ["合计行：本列下面各行之和，自动计算。" if head and col.is_input else "自动计算，不用填写。"]
    if col.prompt and not col.is_input:
        parts.append(col.prompt.format(**known) + "。")
    elif rules:
        parts.append("核对：" + "、".join(f"{CATALOG[r].title}（{r}）" for r in rules) + "。")
    parts += [_RULE_NOTES[r].format(**known) + "。" for r in rules if r in _RULE_NOTES]
    if len(inputs) > _MAX_INPUTS:
        parts.append("请按列出的条件改对应的列。")
    elif inputs:
        parts.append(("变色时请改：" if marked else "如需改动，请改：") + "、".join(inputs) + "。")
    return "".join(parts)[:MAX_PROMPT]
