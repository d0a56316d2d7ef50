"""The policy file (workbooks/policy_<year>.toml): every number and closed list of the notice.

Loaded and checked once at start. A missing key, a wrong type or an inconsistent number stops the
run with a Chinese message that names the file, the line and the key, so that the bureau can fix
next year's file without reading code.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import cache
from pathlib import Path

from macros_py.model.errors import PolicyError
from macros_py.model.normalize import norm_key
from macros_py.model.paths import WORKBOOKS_DIR
from macros_py.policy.review import ReviewPolicy, check_review

DEFAULT_POLICY = WORKBOOKS_DIR / "policy_2025.toml"

_INT, _NUM, _STR, _DATE, _STRS = "整数", "数字", "文本", "日期", "文本列表"

# Every key the program reads, with its type. Tiers are checked separately (their names are data).
_SPEC: dict[str, str] = {
    "notice.year": _INT, "notice.document": _STR, "notice.title": _STR, "notice.issued": _DATE,
    "notice.deadline": _DATE, "notice.project_end": _DATE, "notice.publicity_working_days": _INT,
    "notice.time_zone": _STR, "notice.receiver": _STR, "notice.contacts": _STR, "notice.contact_phone": _STR,
    "notice.paper_copies": _INT, "notice.feedback_date": _DATE, "notice.correction_deadline": _DATE,
    "targets.bases": _INT, "targets.studios": _INT,
    "base_conditions.majors_min": _INT, "base_conditions.majors_max": _INT,
    "base_conditions.ratio_min_trainees_per_teacher": _NUM,
    "base_conditions.ratio_max_trainees_per_teacher": _NUM,
    "base_conditions.senior_teacher_share_min": _NUM, "base_conditions.coop_enterprises_min": _INT,
    "base_conditions.edu_fund_share_min": _NUM, "base_conditions.penalty_years": _INT,
    "base_conditions.enterprise_attributes": _STRS,
    "funding.unit": _STR, "funding.tolerance": _NUM, "funding.contents": _STRS,
    "funding.sources": _STRS, "funding.subsidy_source": _STR,
    "studio_conditions.edu_fund_share_min": _NUM, "studio_conditions.apprentices_per_year_min": _INT,
    "studio_conditions.enterprise_natures": _STRS,
    "lists.base_attributes": _STRS, "lists.tiers": _STRS, "lists.unit_natures": _STRS,
    "lists.studio_categories": _STRS, "lists.skill_levels": _STRS, "lists.high_skill_levels": _STRS,
    "lists.honours": _STRS, "lists.honour_keywords": _STRS, "lists.yes_no": _STRS,
    "lists.sexes": _STRS, "lists.political_statuses": _STRS, "lists.ethnic_groups": _STRS,
    "region.city": _STR, "region.area_code": _STR, "region.postcode_prefix": _STR,
    "region.id_prefix": _STR, "region.counties": _STRS,
    "recommenders.county_suffix": _STR, "recommenders.city_departments": _STRS,
    "recommenders.county_short_suffixes": _STRS,
    "materials.base": _STRS, "materials.studio": _STRS, "materials.base_evidence": _STR,
    "materials.studio_evidence": _STR, "materials.evidence_layout": _STR, "materials.binding": _STR,
    "materials.electronic": _STR, "materials.summary_tables": _STR,
}
_TIER_SPEC = {"places": _INT, "subsidy": _NUM, "min_training": _INT, "min_senior_certs": _INT}

CHANNEL_COUNTY = "属地人社"
CHANNEL_CITY = "市直主管部门"


@dataclass(frozen=True)
class Tier:
    name: str
    places: int
    subsidy: float
    min_training: int
    min_senior_certs: int


@dataclass(frozen=True)
class Recommender:
    name: str
    channel: str  # CHANNEL_COUNTY or CHANNEL_CITY
    county: str | None  # the county a 属地 recommender stands for


@dataclass(frozen=True, eq=False)
class Policy:
    """The checked policy. `raw` keeps the file's tables for the few keys read only once."""

    path: Path
    raw: dict
    tiers: dict[str, Tier]  # ordered from the highest tier down, as in the file
    review: ReviewPolicy     # the [review] section (policy/review.py)
    # Every name a recommender goes by (norm_key) → its full name: the full names, the county names
    # derived by rule, and the listed department aliases (see alias_table); checked at load.
    aliases: dict[str, str] = dc_field(default_factory=dict)

    def get(self, dotted: str):
        node = self.raw
        for part in dotted.split("."):
            node = node[part]
        return node

    # Named accessors for what many modules read; everything else goes through get().
    @property
    def year(self) -> int:
        return self.raw["notice"]["year"]

    @property
    def deadline(self) -> dt.date:
        return self.raw["notice"]["deadline"]

    @property
    def time_zone(self) -> dt.tzinfo:
        """The bureau's time zone: every received time is a wall-clock time there, whatever the
        machine running the tool is set to."""
        return _zone(self.raw["notice"]["time_zone"])

    @property
    def lists(self) -> dict[str, list[str]]:
        return self.raw["lists"]

    @property
    def base(self) -> dict:
        return self.raw["base_conditions"]

    @property
    def studio(self) -> dict:
        return self.raw["studio_conditions"]

    @property
    def funding(self) -> dict:
        return self.raw["funding"]

    @property
    def recommenders(self) -> list[Recommender]:
        suffix = self.raw["recommenders"]["county_suffix"]
        out = [Recommender(c + suffix, CHANNEL_COUNTY, c) for c in self.raw["region"]["counties"]]
        out += [Recommender(d, CHANNEL_CITY, None) for d in self.raw["recommenders"]["city_departments"]]
        return out

    def supported_tier(self, training: float | None, certs: float | None) -> str | None:
        """The highest tier whose two thresholds the numbers reach (附件1（一）2), else None."""
        if training is None or certs is None:
            return None
        for tier in self.tiers.values():
            if training >= tier.min_training and certs >= tier.min_senior_certs:
                return tier.name
        return None


def _line_of(text: str, dotted: str) -> int | None:
    """1-based line where a dotted key is defined (or its table, if the key is absent)."""
    parts = dotted.split(".")
    lines = text.splitlines()
    table, key = ".".join(parts[:-1]), parts[-1]
    start = None
    for i, line in enumerate(lines):
        header = re.match(r"\s*\[([^\]]+)\]", line)
        if header:
            if start is not None:
                break
            if header.group(1).strip() == table:
                start = i
            continue
        if start is not None and re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", line):
            return i + 1
    return start + 1 if start is not None else None


def _type_ok(value, kind: str) -> bool:
    if kind == _INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == _NUM:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == _STR:
        return isinstance(value, str) and value.strip() != ""
    if kind == _DATE:
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if kind == _STRS:
        return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)
    raise AssertionError(kind)


@cache
def _zone(name: str) -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)   # ZoneInfoNotFoundError is a KeyError; a malformed name a ValueError


def _fail(path: Path, text: str, key: str, what: str) -> PolicyError:
    line = _line_of(text, key)
    where = f"第 {line} 行" if line else "（未找到该项）"
    return PolicyError(f"政策文件 {path} {where}，键 {key}：{what}")


def toml_place(exc: Exception) -> str:
    """Where tomllib found the error, in words: its messages are English ("... (at line 3, column 9)")."""
    found = re.search(r"at line (\d+), column (\d+)", str(exc))
    if found:
        return f"第 {found.group(1)} 行第 {found.group(2)} 个字符附近有错"
    return "文件末尾有错（可能少了右括号或右引号）" if "end of document" in str(exc) else "有一处写法不对"


def load_policy(path: str | Path | None = None) -> Policy:
    path = Path(path) if path else DEFAULT_POLICY
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(f"找不到政策文件 {path}") from None
    except UnicodeDecodeError:
        raise PolicyError(f"政策文件 {path} 不是 UTF-8 编码的文本") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"政策文件 {path} 格式错误（TOML）：{toml_place(exc)}。请对照原来的政策文件改正"
                          f"（常见原因：文字没有加英文双引号、少了右括号或右引号、用了中文标点）。原始信息：{exc}") from None

    for key, kind in _SPEC.items():
        node = raw
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise _fail(path, text, key, "缺少此项")
            node = node[part]
        if not _type_ok(node, kind):
            raise _fail(path, text, key, f"应为{kind}，实际为 {node!r}")

    tiers_raw = raw.get("tiers")
    if not isinstance(tiers_raw, dict) or not tiers_raw:
        raise _fail(path, text, "tiers", "缺少档次定义（[tiers.A] 等）")
    tiers: dict[str, Tier] = {}
    for name, spec in tiers_raw.items():
        for key, kind in _TIER_SPEC.items():
            if key not in spec:
                raise _fail(path, text, f"tiers.{name}.{key}", f"档次 {name} 缺少此项")
            if not _type_ok(spec[key], kind) or spec[key] <= 0:
                raise _fail(path, text, f"tiers.{name}.{key}", f"应为正的{kind}，实际为 {spec[key]!r}")
        tiers[name] = Tier(name, spec["places"], spec["subsidy"], spec["min_training"], spec["min_senior_certs"])

    _check_consistency(path, text, raw, tiers)
    review = check_review(raw, lambda key, what: _fail(path, text, key, what))
    return Policy(path=path, raw=raw, tiers=tiers, aliases=_aliases(path, text, raw), review=review)


def alias_table(raw: dict) -> tuple[dict[str, str], list[str]]:
    """Every name a recommender goes by → its full name, and the conflicts found (Chinese).

    County bureaus (derived, never listed): the county's name, or a former name that region.former_names
    maps to it, followed by county_suffix or any of county_short_suffixes, with or without the city's
    name in front; and the current name without 区/县 before a short suffix (阳高人社局). City departments: the full name, the full name with the city's name replaced by 市
    or dropped (大同市教育局 → 市教育局, 教育局), and the aliases listed under [recommenders.aliases]."""
    city = raw["region"]["city"]
    rec = raw["recommenders"]
    table: dict[str, str] = {}
    conflicts: list[str] = []

    def add(alias: str, full: str) -> None:
        key = norm_key(alias)
        if not key:
            return
        if table.get(key, full) != full:
            conflicts.append(f"“{alias}”同时是“{table[key]}”和“{full}”的名称")
            return
        table[key] = full

    suffixes = [rec["county_suffix"], *rec["county_short_suffixes"]]
    counties = raw["region"]["counties"]
    names = {c: [c] for c in counties}
    for old, new in raw["region"].get("former_names", {}).items():
        if new in names:
            names[new].append(old)
    for county in counties:
        full = county + rec["county_suffix"]
        for name in names[county]:
            for suffix in suffixes:
                add(name + suffix, full)
                add(city + name + suffix, full)
        # The everyday name drops 区/县 before a short suffix (阳高人社局, 云冈人力社保局): derived for
        # the current names only, where the stem is two characters or more and is not the city's own
        # name (大同人社局 is the city's bureau, not 大同县's).
        stem = county[:-1] if county.endswith(("区", "县")) else ""
        if len(stem) >= 2 and stem != city.removesuffix("市") and not any(
                c != county and c.startswith(stem) for c in counties):
            for suffix in rec["county_short_suffixes"]:
                add(stem + suffix, full)
                add(city + stem + suffix, full)
    listed = rec.get("aliases", {})
    for full in rec["city_departments"]:
        add(full, full)
        if full.startswith(city):
            rest = full[len(city):]
            add("市" + rest, full)
            add(rest, full)
        else:
            add(city + full, full)
        for alias in listed.get(full, []):
            add(alias, full)
            add(city + alias.removeprefix("市"), full)
    return table, conflicts


def _aliases(path: Path, text: str, raw: dict) -> dict[str, str]:
    listed = raw["recommenders"].get("aliases", {})
    if not isinstance(listed, dict):
        raise _fail(path, text, "recommenders.aliases", "应为一个表：每个市直部门的全称 = [简称, …]")
    for full, names in listed.items():
        if full not in raw["recommenders"]["city_departments"]:
            raise _fail(path, text, "recommenders.aliases",
                        f"“{full}”不在 recommenders.city_departments 中（简称只能登记给名单中的单位）")
        if not _type_ok(names, _STRS):
            raise _fail(path, text, "recommenders.aliases", f"“{full}”的简称应为文本列表，实际为 {names!r}")
    table, conflicts = alias_table(raw)
    if conflicts:
        raise _fail(path, text, "recommenders.aliases", "简称有歧义：" + "；".join(conflicts))
    return table


def _check_consistency(path: Path, text: str, raw: dict, tiers: dict[str, Tier]) -> None:
    lists, base, funding = raw["lists"], raw["base_conditions"], raw["funding"]
    if list(tiers) != lists["tiers"]:
        raise _fail(path, text, "lists.tiers", f"下拉档次 {lists['tiers']} 与 [tiers] 中定义的 {list(tiers)} 不一致")
    ordered = list(tiers.values())
    for higher, lower in zip(ordered, ordered[1:], strict=False):
        for field, label in (("subsidy", "补助"), ("min_training", "年培训规模门槛"),
                             ("min_senior_certs", "高级工证书门槛")):
            if getattr(higher, field) <= getattr(lower, field):
                raise _fail(path, text, f"tiers.{lower.name}.{field}",
                            f"{lower.name} 档的{label}应低于 {higher.name} 档")
    places = sum(t.places for t in ordered)
    if places != raw["targets"]["bases"]:
        raise _fail(path, text, "targets.bases", f"各档名额合计 {places} 与基地总数 {raw['targets']['bases']} 不符")
    if base["majors_min"] > base["majors_max"]:
        raise _fail(path, text, "base_conditions.majors_min", "特色专业下限大于上限")
    if base["ratio_min_trainees_per_teacher"] > base["ratio_max_trainees_per_teacher"]:
        raise _fail(path, text, "base_conditions.ratio_min_trainees_per_teacher", "师生比下限大于上限")
    for key in ("senior_teacher_share_min", "edu_fund_share_min"):
        if not 0 < base[key] <= 100:
            raise _fail(path, text, f"base_conditions.{key}", "百分比应在 0–100 之间")
    if funding["subsidy_source"] not in funding["sources"]:
        raise _fail(path, text, "funding.subsidy_source", "不在 funding.sources 中")
    if len(funding["contents"]) != 3 or len(funding["sources"]) != 4:
        raise _fail(path, text, "funding.contents", "表4-2 应有 3 项内容、4 个资金来源")
    for attr in base["enterprise_attributes"]:
        if attr not in lists["base_attributes"]:
            raise _fail(path, text, "base_conditions.enterprise_attributes", f"“{attr}”不在 lists.base_attributes 中")
    for nature in raw["studio_conditions"]["enterprise_natures"]:
        if nature not in lists["unit_natures"]:
            raise _fail(path, text, "studio_conditions.enterprise_natures", f"“{nature}”不在 lists.unit_natures 中")
    for level in lists["high_skill_levels"]:
        if level not in lists["skill_levels"]:
            raise _fail(path, text, "lists.high_skill_levels", f"“{level}”不在 lists.skill_levels 中")
    try:
        _zone(raw["notice"]["time_zone"])
    except (ValueError, KeyError, OSError):
        raise _fail(path, text, "notice.time_zone",
                    f"“{raw['notice']['time_zone']}”不是已知的时区名（应如 Asia/Shanghai）") from None
    if raw["notice"]["deadline"] < raw["notice"]["issued"]:
        raise _fail(path, text, "notice.deadline", "报送截止日早于发文日")
    if raw["notice"]["feedback_date"] < raw["notice"]["issued"]:
        raise _fail(path, text, "notice.feedback_date", "审核反馈日期早于发文日")
    if raw["notice"]["correction_deadline"] < raw["notice"]["feedback_date"]:
        raise _fail(path, text, "notice.correction_deadline", "改正后重新报送的截止日早于审核反馈日期")
    names = [r for r in raw["recommenders"]["city_departments"]]
    if len(set(names)) != len(names):
        raise _fail(path, text, "recommenders.city_departments", "名单中有重复的单位")


@cache
def default_policy() -> Policy:
    return load_policy(DEFAULT_POLICY)
