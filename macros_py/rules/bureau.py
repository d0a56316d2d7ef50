"""Bureau-side rules: what only shows when many recommenders' files are put together.

B-DUP and S-DUP (the same project or master twice citywide), B-QUOTA and S-QUOTA (applications
against places), C-LATE (received after the deadline) and C-MISSING (expected recommenders that sent
nothing). They work over the files the merge keeps (one current file per recommender) and report
through the same catalog as the county rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from macros_py.model.findings import ERROR, INFO, WARNING, Finding, mask_id
from macros_py.model.normalize import norm_key
from macros_py.model.submission import Record, Submission
from macros_py.model.summary import DuplicateGroup, DuplicateMember, QuotaLine
from macros_py.policy.load import CHANNEL_CITY, CHANNEL_COUNTY, Policy
from macros_py.policy.recommenders import Resolved
from macros_py.policy.values import is_blank
from macros_py.rules.catalog import FAILED, render

# Words that say what kind of body a unit is, not which one: dropped before comparing names.
_GENERIC = re.compile(r"^(山西省)?(大同市|大同)?")
_NEAR_THRESHOLD = 0.85
UNTIERED = "档次未填基地"    # the quota line of bases whose file gives no tier


@dataclass
class Current:
    """One file the merge keeps: its submission, who sent it, and when it came."""

    sub: Submission
    who: Resolved | None
    received: dt.datetime

    @property
    def recommender(self) -> str:
        return self.who.name if self.who else (self.sub.recommender or "（未填写推荐单位）")

    @property
    def channel(self) -> str:
        return self.who.channel if self.who else "未知"


def unit_key(name) -> str:
    """Two spellings of one unit compare equal: normalised, without the province/city prefix."""
    return _GENERIC.sub("", norm_key(name))


# A grade or title typed after a master's name (邵鑫（高级技师）, 段霞秀 首席技师): the same person.
_TITLE = re.compile(r"[（(][^（）()]*[)）]$|(首席技师|特级技师|高级技师|技师|高级工程师|工程师|副教授|教授|技能大师|大师|劳模|同志)$")


def person_key(name) -> str:
    """Two spellings of one person compare equal: normalised (张 三 is 张三), without a grade or title
    after the name; a name that would be left shorter than two characters is kept whole."""
    key = norm_key(name)
    bare = _TITLE.sub("", key)
    return bare if len(bare) >= 2 else key


def _finding(rule: str, case: str, cur: Current | None, rec: Record | None, key: str | None, **params) -> Finding:
    """A finding through the catalog, placed at `key` of `rec` when there is one (else file-wide)."""
    value = rec.values.get(key) if rec is not None and key else params.get("value")
    shown = None if is_blank(value) else str(value)
    column = (cur.sub.header(rec.sheet_key, key) or key) if cur and rec is not None and key else None
    values = {"value": shown or "", "column": column or "", "sheet": rec.sheet if rec else "", "cell": "", **params}
    severity, message, hint = render(rule, case, values)
    return Finding(rule=rule, severity=severity, file=cur.sub.name if cur else "", sheet=rec.sheet if rec else None,
                   cell=rec.cells.get(key) if rec is not None and key else None, row=rec.row if rec else None,
                   column=column, value=shown, message=message, hint=hint, sha256=cur.sub.sha256 if cur else None)


class _Groups:
    """Union-find over (file index, row) members joined by any shared key."""

    def __init__(self):
        self.parent: dict = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        self.parent[self.find(a)] = self.find(b)

    def groups(self) -> list[list]:
        out = defaultdict(list)
        for x in self.parent:
            out[self.find(x)].append(x)
        return [sorted(v) for v in out.values()]


def _member(cur: Current, rec: Record, name_key: str, code_key: str | None, masked: bool = False) -> DuplicateMember:
    code = rec.values.get(code_key) if code_key else None
    return DuplicateMember(recommender=cur.recommender, channel=cur.channel, name=str(rec.values.get(name_key) or ""),
                           file=cur.sub.name, sheet=rec.sheet, cell=rec.cells.get(name_key, ""),
                           code=(mask_id(code) if masked else str(code)) if not is_blank(code) else None)


def _code(value) -> str | None:
    text = norm_key(value) if not is_blank(value) else ""
    return text if len(text) == 18 else None


def duplicate_bases(currents: list[Current]) -> tuple[list[Finding], list[DuplicateGroup]]:
    """B-DUP: one unit recommended by two recommenders. Across the two channels it is the notice's
    disqualifying case (错误); by two recommenders of one channel it is a 警告; names that are only
    alike are shown for a person to judge, without a finding."""
    rows = [(i, rec) for i, cur in enumerate(currents) for rec in cur.sub.rows("bases")
            if not is_blank(rec.values.get("unit"))]
    uf, by_name, by_code = _Groups(), {}, {}
    for i, rec in rows:
        member = (i, rec.row)
        uf.find(member)
        for index, key in ((by_name, unit_key(rec.values["unit"])), (by_code, _code(rec.values.get("uscc")))):
            if key:
                if key in index:
                    uf.union(member, index[key])
                index.setdefault(key, member)
    lookup = {(i, rec.row): rec for i, rec in rows}
    findings, groups = [], []
    for group in uf.groups():
        recommenders = {currents[i].recommender for i, _ in group}
        if len(recommenders) < 2:
            continue  # twice in one file is C-ROWDUP, the county's own rule
        channels = {currents[i].channel for i, _ in group}
        cross = {CHANNEL_COUNTY, CHANNEL_CITY} <= channels
        recs = [(currents[i], lookup[(i, r)]) for i, r in group]
        codes = {_code(rec.values.get("uscc")) for _, rec in recs} - {None}
        names = {unit_key(rec.values["unit"]) for _, rec in recs}
        basis = "名称相同" if len(names) == 1 else "统一社会信用代码相同"
        if len(names) == 1 and len(codes) == 1:
            basis = "名称和统一社会信用代码均相同"
        severity = ERROR if cross else WARNING
        groups.append(DuplicateGroup("B-DUP", severity, basis, next(iter(names)),
                                     [_member(cur, rec, "unit", "uscc") for cur, rec in recs]))
        for cur, rec in recs:
            others = "”“".join(sorted(recommenders - {cur.recommender}))
            findings.append(_finding("B-DUP", "dup" if cross else "same_channel", cur, rec, "unit",
                                     first=cur.recommender, second=others))
    groups += _near_names(currents, rows, uf)
    return findings, groups


# What a unit's name says about its kind, not which unit it is: removed before names are compared
# for likeness, so that two different 集团有限公司职工培训中心 are not "alike" by their common tail.
_KIND_WORDS = re.compile("|".join(sorted((
    "有限责任公司", "股份有限公司", "有限公司", "分公司", "公司", "集团", "实业", "职工培训中心", "就业培训中心",
    "培训中心", "教育中心", "中心", "职业技术学校", "职业技术学院", "职业培训学校", "技工学校", "技师学院",
    "高级技工学校", "学校", "学院", "大学", "职业", "技术"), key=len, reverse=True)))


def _core(key: str) -> str:
    return _KIND_WORDS.sub("", key)


def _subsequence(short: str, long: str) -> bool:
    """Every character of `short` appears in `long` in the same order."""
    it = iter(long)
    return all(ch in it for ch in short)


def _alike(a: str, b: str) -> bool:
    """Names to show a person: nearly the same as a whole (or one spelled out inside the other, as
    大同煤矿集团职工培训中心 in 大同煤矿集团有限责任公司职工培训中心), and with the same distinctive part."""
    ca, cb = _core(a), _core(b)
    if not ca or not cb:
        return False
    if not (ca == cb or (min(len(ca), len(cb)) >= 2 and (ca in cb or cb in ca))
            or (min(len(ca), len(cb)) >= 4 and _near(ca, cb))):
        return False
    short, long = sorted((a, b), key=len)
    return _subsequence(short, long) or _near(a, b)


def _near(a: str, b: str) -> bool:
    """SequenceMatcher's ratio reaches the threshold; its cheap upper bounds are asked first (most
    candidate pairs fail them), which gives the same answer."""
    m = SequenceMatcher(None, a, b)
    return m.real_quick_ratio() >= _NEAR_THRESHOLD and m.quick_ratio() >= _NEAR_THRESHOLD \
        and m.ratio() >= _NEAR_THRESHOLD


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def _candidate_pairs(keys: list[str]) -> set[tuple[str, str]]:
    """Pairs of names worth comparing: the same distinctive part, or distinctive parts that share a
    character pair which few names have (an inverted index; pairs every name shares say nothing)."""
    cores = defaultdict(list)
    for k in keys:
        cores[_core(k)].append(k)
    pairs = {(a, b) for group in cores.values() for i, a in enumerate(group) for b in group[i + 1:]}
    names = sorted(c for c in cores if c)
    postings: dict[str, list[str]] = defaultdict(list)
    for core in names:
        for g in _bigrams(core):
            postings[g].append(core)
    common = max(20, len(names) // 20)
    for ids in postings.values():
        if len(ids) > common:
            continue
        for i, ca in enumerate(ids):
            for cb in ids[i + 1:]:
                pairs |= {tuple(sorted((a, b))) for a in cores[ca] for b in cores[cb]}
    return pairs


def _near_names(currents, rows, uf) -> list[DuplicateGroup]:
    """Pairs of different unit names that read almost the same, from different recommenders."""
    names: dict[str, list] = defaultdict(list)
    for i, rec in rows:
        names[unit_key(rec.values["unit"])].append((i, rec))
    out = []
    for ka, kb in sorted(_candidate_pairs(sorted(names))):
        members = names[ka] + names[kb]
        if len({currents[i].recommender for i, _ in members}) < 2 or not _alike(ka, kb):
            continue
        if uf.find((members[0][0], members[0][1].row)) == uf.find((members[-1][0], members[-1][1].row)):
            continue  # already one group by credit code
        out.append(DuplicateGroup("B-DUP", INFO, "名称相近（请人工判断）", f"{ka} / {kb}",
                                  [_member(currents[i], rec, "unit", "uscc") for i, rec in members]))
    return out


def duplicate_masters(currents: list[Current]) -> tuple[list[Finding], list[DuplicateGroup]]:
    """S-DUP: one master in two files, by ID number where the 大师信息 row gives it, else by name and unit."""
    uf, index = _Groups(), {}
    entries = {}
    for i, cur in enumerate(currents):
        ids = {person_key(m.values.get("leader")): m for m in cur.sub.rows("masters") if not is_blank(m.values.get("leader"))}
        for rec in cur.sub.rows("studios"):
            if is_blank(rec.values.get("leader")):
                continue
            member = (i, rec.row)
            entries[member] = (cur, rec, ids.get(person_key(rec.values["leader"])))
            uf.find(member)
            master = entries[member][2]
            keys = [person_key(rec.values["leader"]) + "|" + unit_key(rec.values.get("unit"))]
            if master is not None and not is_blank(master.values.get("id_number")):
                keys.append("ID|" + norm_key(master.values["id_number"]))
            for key in keys:
                if key in index:
                    uf.union(member, index[key])
                index.setdefault(key, member)
    findings, groups = [], []
    for group in uf.groups():
        if len({m[0] for m in group}) < 2:
            continue
        members = [entries[m] for m in group]
        by_id = len({norm_key(x.values.get("id_number")) for _, _, x in members if x is not None}) == 1 and all(
            x is not None for _, _, x in members)
        groups.append(DuplicateGroup("S-DUP", ERROR, "身份证号相同" if by_id else "姓名和申报单位相同",
                                     person_key(members[0][1].values["leader"]),
                                     [_studio_member(cur, rec, master) for cur, rec, master in members]))
        files = [cur.sub.name for cur, _, _ in members]
        for cur, rec, _ in members:
            findings.append(_finding("S-DUP", "dup", cur, rec, "leader", first=cur.sub.name,
                                     second="”“".join(sorted(set(files) - {cur.sub.name}))))
    return findings, groups


def _studio_member(cur: Current, rec: Record, master: Record | None) -> DuplicateMember:
    member = _member(cur, rec, "leader", None)
    if master is not None and not is_blank(master.values.get("id_number")):
        member.code = mask_id(str(master.values["id_number"]))
    return member


def quotas(currents: list[Current], policy: Policy) -> tuple[list[Finding], list[QuotaLine]]:
    """B-QUOTA / S-QUOTA: applications per tier and for studios against the places."""
    counts = defaultdict(int)
    untiered = 0
    for cur in currents:
        for rec in cur.sub.rows("bases"):
            if rec.values.get("tier") in policy.tiers:
                counts[rec.values["tier"]] += 1
            else:
                untiered += 1  # no tier the file gives (printed 附件7, blank or invalid): never left out
    lines, findings = [], []
    for tier in policy.tiers.values():
        n = counts[tier.name]
        lines.append(QuotaLine(f"{tier.name}档基地", tier.places, n))
        findings.append(_finding("B-QUOTA", "ratio", None, None, None, tier=tier.name, count=n, places=tier.places,
                                 ratio=f"{n / tier.places:.2f}".rstrip("0").rstrip(".")))
    if untiered:
        lines.append(QuotaLine(UNTIERED, 0, untiered))
        findings.append(_finding("B-QUOTA", "untiered", None, None, None, count=untiered))
    studios = sum(1 for cur in currents for rec in cur.sub.rows("studios") if not is_blank(rec.values.get("leader")))
    places = policy.get("targets.studios")
    lines.append(QuotaLine("技能大师工作室", places, studios))
    findings.append(_finding("S-QUOTA", "ratio", None, None, None, count=studios, places=places))
    return findings, lines


def is_late(received: dt.datetime, policy: Policy) -> bool:
    """Received after the end of the deadline day (报送时限 "于…前" read as "by that day")."""
    return received > dt.datetime.combine(policy.deadline, dt.time.max)


def late(currents: list[Current], policy: Policy) -> list[Finding]:
    """C-LATE: the kept files received late, each with its date."""
    return [_finding("C-LATE", "late", cur, None, None, received=cur.received.strftime("%Y-%m-%d"),
                     deadline=policy.deadline.isoformat())
            for cur in currents if is_late(cur.received, policy)]


def missing(currents: list[Current], policy: Policy) -> list[Finding]:
    """C-MISSING: expected recommenders (policy file) with no usable file."""
    sent = {cur.recommender for cur in currents}
    return [_finding("C-MISSING", "missing", None, None, None, value=r.name)
            for r in policy.recommenders if r.name not in sent]


def run_all(currents: list[Current], policy: Policy) -> tuple[list[Finding], list[DuplicateGroup], list[QuotaLine]]:
    """Every bureau-side rule over the kept files. A rule that raises on this input becomes one FAILED
    finding that names it (Chinese), and the others still run: a fault never stops the merge."""
    findings: list[Finding] = []
    groups: list[DuplicateGroup] = []
    lines: list[QuotaLine] = []
    steps = (("B-DUP", lambda: duplicate_bases(currents), "groups"),
             ("S-DUP", lambda: duplicate_masters(currents), "groups"),
             ("B-QUOTA", lambda: quotas(currents, policy), "lines"),
             ("C-LATE", lambda: (late(currents, policy), None), None),
             ("C-MISSING", lambda: (missing(currents, policy), None), None))
    for rule_id, step, kind in steps:
        try:
            found, extra = step()
        except Exception as exc:  # noqa: BLE001 — one rule's fault must not cost the run
            findings.append(_finding(rule_id, FAILED, None, None, None, error=f"{type(exc).__name__}: {exc}"[:200]))
            continue
        findings += found
        if kind == "groups":
            groups += extra
        elif kind == "lines":
            lines += extra
    return findings, groups, lines


def confirmed_duplicate(group: DuplicateGroup, currents: list[Current]) -> list[Finding]:
    """B-DUP findings at each member's cell, for names alike that the bureau decided are one unit."""
    by_file = {cur.sub.name: cur for cur in currents}
    cross = {CHANNEL_COUNTY, CHANNEL_CITY} <= {m.channel for m in group.members}
    recommenders = {m.recommender for m in group.members}
    out = []
    for m in group.members:
        cur = by_file.get(m.file)
        rec = next((r for r in cur.sub.rows("bases") if r.cells.get("unit") == m.cell), None) if cur else None
        if rec is None:
            continue
        others = "”“".join(sorted(recommenders - {m.recommender}))
        out.append(_finding("B-DUP", "dup" if cross else "same_channel", cur, rec, "unit",
                            first=m.recommender, second=others))
    return out
