"""Who sent a file: the recommender's canonical name and channel (属地人社 or 市直主管部门).

The recommender is whoever stamps the form: the '推荐单位：…' line, or, where that line is empty, the
rows' 推荐单位 column. Clerks write the name in many ways ("平城区人社局", "大同市平城区人力资源和社会
保障局", "城区人社局" from before the 2018 re-districting, "市卫健委"); every one of them lands on the
policy's full name through the alias table the policy file declares and load_policy checks
(Policy.aliases: county names derived by rule, department short names listed), never by guessing.
Text after the name on the line (填报日期…, 联系人…, 电话…, （公章）) is not part of the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from macros_py.model.normalize import clean_text, norm_key
from macros_py.model.submission import Submission
from macros_py.policy.load import CHANNEL_CITY, CHANNEL_COUNTY, Policy

# What may follow the name on the 推荐单位 line: a seal mark, or the next label of the line.
_SEAL = re.compile(r"[（(]\s*(公章|盖章|章|签章|印章|盖公章)\s*[)）]")
_NEXT_LABEL = re.compile(
    r"(填报日期|填表日期|报送日期|日期|填表人|填报人|经办人|审核人|负责人|联系人|联系电话|联系方式|电话|手机|"
    r"邮箱|电子邮箱|时间|盖章|签章|公章)\s*[:：]?")
_GAP = re.compile(r"\s{2,}|\t")
# A date typed after the name (2025年12月20日, 2025.12.20, 二〇二五年十二月, "    年  月  日").
_DATE = re.compile(r"[\d〇零一二三四五六七八九十○]{4}\s*(年|[.．\-/]\s*\d)|(^|\s)年\s*月(\s*日)?|\d{1,2}\s*月\s*\d{1,2}\s*日")
# The labels of the line: 推荐单位 as the notice prints it, and what clerks write instead.
LINE_LABELS = ("推荐单位", "推荐单位名称", "推荐部门", "报送单位", "填报单位", "申报推荐单位")
CHANNEL_UNKNOWN = "未知"   # a name the policy does not know: no channel is guessed for it


@dataclass(frozen=True)
class Resolved:
    name: str            # the policy's spelling, or the cleaned name as written
    channel: str
    expected: bool       # listed in the policy file
    county: str | None = None


@dataclass
class Stamp:
    """Who a submission says sent it: resolved (or not), what was written, and where."""

    who: Resolved | None
    found: str | None            # the name as written (line, or the rows' column)
    source: str                  # "line", "column" or "" (nothing written)
    several: list[str] = field(default_factory=list)   # different names in the rows' column

    @property
    def known(self) -> bool:
        return self.who is not None and self.who.expected


def line_name(text: str | None) -> str | None:
    """The recommender's name in what follows '推荐单位：' on its line: up to a seal mark, the next
    label (填报日期, 联系人, 电话 …), a date or a wide gap; None when nothing is written."""
    raw = str(text).strip() if text is not None else ""
    # A wide gap ends the name (the date or a contact typed further along the line): looked for in
    # the text as typed, before white space is folded.
    raw = clean_text(_GAP.split(raw, maxsplit=1)[0]) if raw else ""
    for pattern in (_SEAL, _NEXT_LABEL, _DATE):
        match = pattern.search(raw)
        if match:
            raw = raw[:match.start()]
    name = raw.strip(" ：:，,；;。、-—_")
    return name or None


def _county_of(full: str, policy: Policy) -> str | None:
    suffix = policy.get("recommenders.county_suffix")
    county = full.removesuffix(suffix)
    return county if county in policy.get("region.counties") else None


# An office inside a recommender (大同市教育局职成科, 市卫健委办公室): the seal it stamps is its bureau's.
# A unit under it that is a body of its own (a school, a hospital, a company, a centre) is not an office.
_SECTION = re.compile(r"(?:(?![校院司厂馆站所场店社]|中心|集团)[\u4e00-\u9fff]){0,10}(科|处|室|股|办|部)")


def _section_of(key: str, aliases: dict[str, str]) -> str | None:
    """The recommender whose name (or alias) `key` begins with, followed by the name of an office of
    it; None when no name is followed by an office alone."""
    for end in range(len(key) - 1, 1, -1):
        full = aliases.get(key[:end])
        if full is not None and _SECTION.fullmatch(key[end:]):
            return full
    return None


def resolve(name: str | None, policy: Policy) -> Resolved | None:
    """The recommender a name stands for: the policy's full name when the name is the full name or one
    of its aliases (Policy.aliases), alone or followed by one of its offices (…局职成科); otherwise the
    name as written, not expected. None when empty."""
    if not name:
        return None
    written = line_name(name) or clean_text(name)
    if not norm_key(written):
        return None
    full = policy.aliases.get(norm_key(written))
    if full is None:
        full = policy.aliases.get(norm_key(clean_text(name)))
    if full is None:
        full = _section_of(norm_key(written), policy.aliases)
    if full is not None:
        county = _county_of(full, policy)
        return Resolved(full, CHANNEL_COUNTY if county else CHANNEL_CITY, True, county)
    return Resolved(written, CHANNEL_UNKNOWN, False, None)


def named_in(text: str | None, policy: Policy) -> str | None:
    """The recommender a text (a file's name) names somewhere in it: the longest full name or alias
    it holds, else the county bureau of the one county it names; None. A hint for a person, never a
    decision: a file is the stamping unit's, and a file's name is only what someone typed."""
    key = norm_key(text or "")
    best = max((k for k in policy.aliases if len(k) >= 3 and k in key), key=len, default=None)
    if best is not None:
        return policy.aliases[best]
    counties = [c for c in policy.get("region.counties") if c in key]
    return counties[0] + policy.get("recommenders.county_suffix") if len(counties) == 1 else None


def file_name_hint(name: str, policy: Policy) -> str:
    """What a file's name suggests, said as a hint (named_in), or nothing."""
    who = named_in(PurePath(name).stem, policy)
    return f"（文件名“{PurePath(name).name}”看来是“{who}”的报送，未据此汇总）" if who else ""


def stamp_of(sub: Submission, policy: Policy) -> Stamp:
    """Who sent `sub`: the 推荐单位 line; if it is empty, the rows' 推荐单位 column (when all rows that
    fill it name the same recommender)."""
    if sub.recommender and norm_key(sub.recommender):
        return Stamp(resolve(sub.recommender, policy), line_name(sub.recommender) or sub.recommender, "line")
    written: dict[str, str] = {}
    for records in sub.sheets.values():
        for rec in records:
            value = rec.values.get("recommender")
            if isinstance(value, str) and norm_key(value):
                who = resolve(value, policy)
                written.setdefault(who.name if who else value, clean_text(value))
    if not written:
        return Stamp(None, None, "")
    if len(written) > 1:
        return Stamp(None, None, "column", sorted(written.values()))
    name, shown = next(iter(written.items()))
    return Stamp(resolve(shown, policy), shown, "column")
