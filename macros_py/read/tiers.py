"""The tier of a base whose 附件7 does not say it: the printed 附件7 has no 申报档次 column.

Taken from wherever the file gives it, in this order: the row's 申报档次 (when the file has the
column and it is filled, nothing here changes it); a 备注 that names a tier (申报A档, A 档, 档次：B,
拟报C档); the base's 表4-2, whose 上级财政补助 total equals one tier's subsidy in the policy file.
Otherwise the base stays without a tier (档次未填): counted as such in the quota view, never left out.
Where the tier was found is kept on the record (Record.derived) so that the master can say it.
"""

from __future__ import annotations

import re

from macros_py.model.normalize import halfwidth, norm_key
from macros_py.model.submission import TIER_FROM_NOTE, TIER_FROM_SUBSIDY, Submission
from macros_py.policy.load import Policy
from macros_py.policy.values import is_blank

FROM_NOTE, FROM_SUBSIDY = TIER_FROM_NOTE, TIER_FROM_SUBSIDY


def _note_pattern(policy: Policy) -> re.Pattern:
    names = "|".join(re.escape(n) for n in policy.tiers)
    return re.compile(rf"(?<![A-Z])({names})\s*档|档次?\s*[:：为是]?\s*({names})(?![A-Z])")


def tier_from_note(text, policy: Policy) -> str | None:
    if is_blank(text) or not isinstance(text, str):
        return None
    upper = halfwidth(text).upper()
    found = {a or b for a, b in _note_pattern(policy).findall(upper)}
    if len(found) != 1:
        return None
    # 'A、B档均可', 'A或B档': the 档 belongs to every tier named alone before it, so no tier is read
    names = "|".join(re.escape(n) for n in policy.tiers)
    alone = set(re.findall(rf"(?<![A-Z])({names})(?![A-Z])", upper))
    return found.pop() if len(alone) <= 1 else None


def tier_from_subsidy(amount, policy: Policy) -> str | None:
    if not isinstance(amount, int | float) or isinstance(amount, bool):
        return None
    tolerance = policy.funding.get("tolerance", 0.01)
    matches = [t.name for t in policy.tiers.values() if abs(t.subsidy - amount) <= tolerance]
    return matches[0] if len(matches) == 1 else None


def _subsidies(sub: Submission, policy: Policy) -> dict[str, float]:
    """norm(unit) -> its 表4-2's 上级财政补助 total: the contents' amounts added, else the typed 合计."""
    index = policy.funding["sources"].index(policy.funding["subsidy_source"])
    key = f"amount{index}"
    sums: dict[str, float] = {}
    typed: dict[str, float] = {}
    for rec in sub.rows("funding"):
        unit = norm_key(rec.values.get("unit"))
        if not unit:
            continue
        if rec.head:
            value = rec.typed.get(key, rec.values.get(key))
            if isinstance(value, int | float) and not isinstance(value, bool):
                typed[unit] = float(value)
        else:
            value = rec.values.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                sums[unit] = sums.get(unit, 0.0) + float(value)
    return {**typed, **sums}


def infer_tiers(sub: Submission, policy: Policy) -> None:
    """Fill a blank 申报档次 of each 附件7 row from its 备注 or its 表4-2 (before recomputation, so that
    基地条件 and 表4-2 see the tier too)."""
    subsidies = None
    for rec in sub.rows("bases"):
        if not is_blank(rec.values.get("tier")):
            continue
        tier = tier_from_note(rec.values.get("note"), policy)
        source = FROM_NOTE
        if tier is None:
            if subsidies is None:
                subsidies = _subsidies(sub, policy)
            tier = tier_from_subsidy(subsidies.get(norm_key(rec.values.get("unit"))), policy)
            source = FROM_SUBSIDY
        if tier is not None:
            rec.values["tier"] = tier
            rec.derived["tier"] = source
            if "tier" not in rec.cells:
                rec.cells["tier"] = rec.cells.get("note" if source == FROM_NOTE else "unit", "")
