"""The Python side of every formula column: recomputes what the workbook's formulas show.

Cached values in a workbook are never trusted (files written by programs have none, and a stale
cache is worse): the reader keeps only input cells and this module derives the rest, exactly as
the formulas in schema.py do. A LibreOffice test proves the two agree on the samples.

Rows are plain dicts keyed by schema column keys; blank inputs are None.
"""

from __future__ import annotations

from collections.abc import Iterable

from macros_py.model.normalize import clean_text
from macros_py.policy.load import Policy
from macros_py.policy.schema import MAJOR_SEPARATORS

NOT_REACHED = "不达标"


def num(value) -> float:
    """Excel's N(): a number stays, anything else counts as 0."""
    kind = type(value)
    if kind is float:  # the common case first: derive calls this for every amount of every row
        return value
    if kind is int or kind is bool:
        return float(value)
    return float(value) if isinstance(value, int | float) else 0.0


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and value == "")


def excel_text(value) -> str:
    """How Excel's & operator shows a number: 120 → "120", 120.5 → "120.5", 1/3 → 15 significant
    digits "0.333333333333333" (Python's str would give 16)."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    return "" if value is None else str(value)


def count_majors(text) -> int:
    text = clean_text(text)
    if not text:
        return 0
    return 1 + sum(text.count(sep) for sep in MAJOR_SEPARATORS)


def split_majors(text) -> list[str]:
    text = clean_text(text)
    for sep in MAJOR_SEPARATORS[1:]:
        text = text.replace(sep, MAJOR_SEPARATORS[0])
    return [m.strip() for m in text.split(MAJOR_SEPARATORS[0]) if m.strip()]


def ratio(teachers, trainees):
    """师生比 as trainees per teacher, or None where it cannot be computed."""
    if blank(teachers) or blank(trainees) or num(teachers) == 0:
        return None
    return num(trainees) / num(teachers)


def share(part, whole):
    """part / whole × 100, None where whole is 0 or blank."""
    if num(whole) == 0:
        return None
    return num(part) / num(whole) * 100


def supported_tier(policy: Policy, training, certs) -> str | None:
    if blank(training) or blank(certs):
        return None
    return policy.supported_tier(num(training), num(certs)) or NOT_REACHED


def base_verdict(policy: Policy, row: dict) -> str | None:
    """条件是否满足, as the formula builds it (the same items, the same order, the same words)."""
    if blank(row.get("unit")):
        return None
    if any(blank(row.get(k)) for k in ("training", "certs", "teachers", "trainees")):
        return "数据未填全"
    base, order = policy.base, "".join(policy.tiers)
    failed = []
    sup, tier = row.get("supported_tier"), row.get("tier") or ""
    above = (tier in order and sup in order and tier and order.index(tier) < order.index(sup))
    if sup == NOT_REACHED or above:
        failed.append("档次")
    if row.get("ratio") is not None and row["ratio"] > base["ratio_max_trainees_per_teacher"]:
        failed.append("师生比")
    if row.get("senior_share") is not None and row["senior_share"] < base["senior_teacher_share_min"]:
        failed.append("高级教师占比")
    if num(row.get("coop")) < base["coop_enterprises_min"]:
        failed.append("合作企业数")
    if row.get("attribute") in base["enterprise_attributes"] and num(row.get("edu_fund_share")) < base["edu_fund_share_min"]:
        failed.append("职工教育经费")
    if row.get("no_penalty") != "是":
        failed.append("近3年处罚或惩戒")
    if row.get("already") == "是":
        failed.append("已是国家级或省级基地")
    return "满足" if not failed else "不满足：" + " ".join(failed)


def _first_match(rows: Iterable[dict], key: str, value) -> dict | None:
    """Excel's MATCH(…,0): the first row whose `key` equals `value` (case-insensitive)."""
    if blank(value):
        return None
    want = str(value).casefold()
    for row in rows:
        if not blank(row.get(key)) and str(row[key]).casefold() == want:
            return row
    return None


def _lookup(rows, key, value, field):
    hit = _first_match(rows, key, value)
    return None if hit is None or blank(hit.get(field)) else hit[field]


def _excel_key(value) -> str:
    return str(value).casefold()


class _Index:
    """_first_match over one column, built once: the reader derives hundreds of rows per file, and a
    scan per lookup made derive quadratic. Same answers: the first row, case-insensitively (or under
    `fold`, derive's)."""

    def __init__(self, rows: Iterable[dict], key: str, fold=_excel_key):
        self.fold = fold
        self.first: dict[str, dict] = {}
        for row in rows:
            if not blank(row.get(key)):
                self.first.setdefault(fold(row[key]), row)

    def lookup(self, value, field):
        if blank(value):
            return None
        hit = self.first.get(self.fold(value))
        return None if hit is None or blank(hit.get(field)) else hit[field]


def derive(sheets: dict[str, list[dict]], recommender: str | None, policy: Policy, *, fold=_excel_key) -> None:
    """Fill every formula column of every row in place. `sheets` maps sheet keys to rows; each row
    carries its inputs and `_row` (its Excel row); funding rows carry `content` and `_head`
    (True on a block's 合计 row). `fold`: how a row names its base or master: as the template's
    formulas match (Excel's MATCH: case aside, exactly), or, for a printed form, which has no formulas,
    as every other comparison does (norm_key: 大同市　天镇县… is 大同市天镇县…)."""
    bases, studios = sheets.get("bases", []), sheets.get("studios", [])
    majors = sheets.get("majors", [])
    contents = policy.funding["contents"]
    sources = policy.funding["sources"]

    for row in bases:
        has = not blank(row.get("unit"))
        row["seq"] = row["_row"] - row.get("_header_row", 3) if has else None
        row["recommender"] = recommender if has else None

    base_index = _Index(bases, "unit", fold)
    for row in sheets.get("conditions", []):
        row["attribute"] = base_index.lookup(row.get("unit"), "attribute")
        row["tier"] = base_index.lookup(row.get("unit"), "tier")
        row["ratio"] = ratio(row.get("teachers"), row.get("trainees"))
        row["senior_share"] = share(row.get("senior_teachers"), row.get("practical_teachers")) \
            if not (blank(row.get("practical_teachers")) or blank(row.get("senior_teachers"))) else None
        row["supported_tier"] = supported_tier(policy, row.get("training"), row.get("certs"))
        row["verdict"] = base_verdict(policy, row)

    for row in majors:
        row["total"] = sum([num(row.get(f"content{i}")) for i in range(len(contents))])

    funding = sheets.get("funding", [])
    by_unit: dict[str, list[dict]] = {}  # majors per unit, as `fold` names it
    for m in majors:
        if not blank(m.get("unit")):
            by_unit.setdefault(fold(m["unit"]), []).append(m)

    def majors_of(unit) -> list[dict]:
        return [] if blank(unit) else by_unit.get(fold(unit), [])

    amount_keys = [f"amount{i}" for i in range(len(sources))]
    share_keys = [f"share{i}" for i in range(len(sources))]
    content_keys = [f"content{i}" for i in range(len(contents))]
    for head_index, head in enumerate(funding):
        if not head.get("_head"):
            continue
        block = [r for r in funding[head_index + 1: head_index + len(contents) + 1] if not r.get("_head")]
        for r in block:
            r["unit"] = head.get("unit")
        for key in amount_keys:
            head[key] = sum([num(r.get(key)) for r in block])
        for r in [head, *block]:
            has = not blank(r.get("unit"))
            r["tier"] = base_index.lookup(r.get("unit"), "tier") if has else None
            total = r["total"] = sum([num(r.get(key)) for key in amount_keys])
            for key, share_key in zip(amount_keys, share_keys, strict=True):
                r[share_key] = share(r.get(key), total)
        for idx, r in enumerate(block):
            key = content_keys[idx] if idx < len(content_keys) else f"content{idx}"
            r["major_sum"] = (sum([num(m.get(key)) for m in majors_of(r.get("unit"))])
                              if not blank(r.get("unit")) else None)
        head["major_sum"] = (sum([num(m.get("total")) for m in majors_of(head.get("unit"))])
                             if not blank(head.get("unit")) else None)

    for row in studios:
        has = not blank(row.get("leader"))
        row["seq"] = row["_row"] - row.get("_header_row", 3) if has else None
        row["recommender"] = recommender if has else None
        row["size"] = (f"{excel_text(row['area'])}㎡ {excel_text(row['members'])}人"
                       if not (blank(row.get("area")) or blank(row.get("members"))) else None)

    studio_index = _Index(studios, "leader", fold)
    for row in sheets.get("masters", []):
        for field in ("unit", "nature", "area"):
            row[field] = studio_index.lookup(row.get("leader"), field)


def _same(a, b) -> bool:
    return not blank(a) and not blank(b) and str(a).casefold() == str(b).casefold()
