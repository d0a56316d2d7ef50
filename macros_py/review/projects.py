"""The projects under review, taken from the master's summary: one per merged base and studio, with a
stable code, and the fingerprint that tells whether a 评分表 still matches the master.

The fingerprint is the sha256 of the projects' identifying fields (not of the master file, whose bytes
also change with the inbox's name or a finding's wording): a 评分表 is stale when the projects it lists
are no longer the master's.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from macros_py.model.normalize import norm_key
from macros_py.model.summary import MergeSummary
from macros_py.policy.load import Policy
from macros_py.policy.review import KIND_BASE, KIND_STUDIO

KIND_TEXT = {KIND_BASE: "培训基地", KIND_STUDIO: "技能大师工作室"}
NO_TIER = "未定档次"


@dataclass
class ReviewProject:
    code: str                    # J001…, G001…: the project's name in every review file
    kind: str                    # KIND_BASE / KIND_STUDIO
    tier: str | None             # A/B/C for bases, None for studios
    unit: str                    # 项目单位 / 申报单位
    leader: str | None           # 领办人 (studios)
    recommender: str
    county: str | None
    majors: list[str] = field(default_factory=list)   # 申报专业 (bases)
    occupation: str | None = None                     # 工作室职业（工种）
    worst: str | None = None     # the worst severity the merge found on the project's row

    @property
    def label(self) -> str:
        return f"{self.code} {self.leader}（{self.unit}）" if self.kind == KIND_STUDIO else f"{self.code} {self.unit}"

    @property
    def group(self) -> str:
        """The group it is scored and ranked in: A档 / B档 / C档 / 技能大师工作室."""
        if self.kind == KIND_STUDIO:
            return KIND_TEXT[KIND_STUDIO]
        return f"{self.tier}档" if self.tier else NO_TIER

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ReviewProject:
        return cls(**data)


def review_projects(summary: MergeSummary, policy: Policy) -> list[ReviewProject]:
    """Bases by tier (policy order) then recommender order then unit; studios by recommender then leader."""
    order = {r.name: i for i, r in enumerate(policy.recommenders)}
    tiers = {t: i for i, t in enumerate(policy.tiers)}
    bases = sorted(summary.bases, key=lambda b: (tiers.get(b.tier or "", 99), order.get(b.recommender, 999),
                                                 b.recommender, b.unit))
    studios = sorted(summary.studios, key=lambda s: (order.get(s.recommender, 999), s.recommender, s.leader, s.unit))
    out = [ReviewProject(f"J{i:03d}", KIND_BASE, b.tier if b.tier in policy.tiers else None, b.unit, None,
                         b.recommender, b.county, list(b.majors), None, b.worst)
           for i, b in enumerate(bases, start=1)]
    out += [ReviewProject(f"G{i:03d}", KIND_STUDIO, None, s.unit, s.leader, s.recommender, None, [],
                          s.occupation, s.worst)
            for i, s in enumerate(studios, start=1)]
    return out


def fingerprint(projects: list[ReviewProject]) -> str:
    ident = [[p.code, p.kind, p.tier, norm_key(p.unit), norm_key(p.leader or ""), norm_key(p.recommender)]
             for p in projects]
    return hashlib.sha256(json.dumps(ident, ensure_ascii=False).encode("utf-8")).hexdigest()


def differences(old: list[ReviewProject], new: list[ReviewProject], limit: int = 3) -> str:
    """What changed between two project lists, in a few words."""
    a = {p.code: (p.label, p.tier, p.recommender) for p in old}
    b = {p.code: (p.label, p.tier, p.recommender) for p in new}
    notes = []
    for code in sorted(set(a) | set(b)):
        if a.get(code) != b.get(code):
            if code not in b:
                notes.append(f"{a[code][0]} 已不在汇总中")
            elif code not in a:
                notes.append(f"新增 {b[code][0]}")
            else:
                notes.append(f"{code} 由“{a[code][0]}（{a[code][1] or ''}）”变为“{b[code][0]}（{b[code][1] or ''}）”")
    more = f"等 {len(notes)} 处" if len(notes) > limit else ""
    return "；".join(notes[:limit]) + more if notes else "项目相同"
