"""From valid scores to the proposal: each project's score by the policy's method, the ranking within its
tier, and the places filled with 合格 projects only. Ties at a quota line are never broken here: they go
to the bureau (R-TIE) unless its 人工裁定 already decided them; too few candidates is 名额空缺 (R-VACANT);
a base moves to a lower tier only if the policy allows it, and then only into places left empty.

Pure functions of plain data: no file is read here."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from macros_py.policy.load import Policy
from macros_py.policy.review import KIND_STUDIO, METHOD_TRIMMED
from macros_py.review.projects import KIND_TEXT, ReviewProject

SELECT, REJECT = "入选", "不入选"


def project_score(totals: list[Decimal], method: str, decimals: int) -> Decimal | None:
    """The mean of the experts' totals, or the mean without one highest and one lowest."""
    if not totals:
        return None
    values = sorted(totals)
    if method == METHOD_TRIMMED:
        if len(values) < 3:
            return None
        values = values[1:-1]
    mean = sum(values, Decimal(0)) / len(values)
    return mean.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@dataclass
class Ranked:
    code: str
    group: str                # the group it is ranked in (A档 … / 技能大师工作室)
    score: float
    rank: int                 # competition rank within the group (1, 2, 2, 4)
    status: str               # 入选 / 并列待裁定 / 名额线外 / 裁定不入选
    moved_from: str | None = None


@dataclass
class Proposal:
    ranking: dict[str, list[Ranked]] = field(default_factory=dict)
    selected: list[dict] = field(default_factory=list)
    ties: list[dict] = field(default_factory=list)
    vacancies: list[dict] = field(default_factory=list)
    excluded: list[dict] = field(default_factory=list)
    budget_total: float = 0.0
    budget_policy: float = 0.0
    places: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"ranking": {g: [asdict(r) for r in rows] for g, rows in self.ranking.items()},
                "selected": self.selected, "ties": self.ties, "vacancies": self.vacancies,
                "excluded": self.excluded, "budget_total": self.budget_total,
                "budget_policy": self.budget_policy, "places": self.places}


def groups(policy: Policy) -> list[tuple[str, str | None, int, float]]:
    """(group, tier, places, subsidy) from the highest tier down, then studios."""
    out = [(f"{t.name}档", t.name, t.places, float(t.subsidy)) for t in policy.tiers.values()]
    out.append((KIND_TEXT[KIND_STUDIO], None, int(policy.get("targets.studios")), policy.review.studio_subsidy))
    return out


def budget(policy: Policy) -> float:
    return sum(places * subsidy for _, _, places, subsidy in groups(policy))


def _entry(p: ReviewProject, tier: str | None, score, rank, subsidy) -> dict:
    return {"code": p.code, "kind": p.kind, "tier": tier, "unit": p.unit, "leader": p.leader,
            "recommender": p.recommender, "county": p.county, "majors": "、".join(p.majors),
            "occupation": p.occupation, "score": score, "rank": rank, "subsidy": subsidy}


def propose(projects: list[ReviewProject], scores: dict[str, Decimal], blocked: dict[str, str], policy: Policy,
            decisions: dict[str, str] | None = None) -> Proposal:
    """`scores`: code → score of every project that may be ranked; `blocked`: code → why it may not
    (复核不合格, 评分不完整 …). `decisions`: code → 入选/不入选 from the bureau's 人工裁定 of a tie."""
    rp, decisions = policy.review, decisions or {}
    by_code = {p.code: p for p in projects}
    out = Proposal(budget_policy=budget(policy))
    for p in projects:
        if p.code in blocked:
            out.excluded.append({**_entry(p, p.tier, None, None, 0), "reason": blocked[p.code]})
        elif rp.pass_line is not None and scores[p.code] < Decimal(str(rp.pass_line)):
            out.excluded.append({**_entry(p, p.tier, float(scores[p.code]), None, 0),
                                 "reason": f"得分 {scores[p.code]} 低于及格线 {rp.pass_line:g}"})
    passed = {c: s for c, s in scores.items() if c not in blocked and
              (rp.pass_line is None or s >= Decimal(str(rp.pass_line)))}
    leftovers: list[str] = []  # candidates of the tier above not placed there (only used if allowed)
    for group, tier, places, subsidy in groups(policy):
        out.places[group] = places
        own = [c for c in passed if by_code[c].group == group]
        ranked = sorted(own, key=lambda c: (-passed[c], c))
        rows: list[Ranked] = []
        chosen: list[str] = []
        tie = _fill(ranked, passed, places, chosen, rows, group, decisions, out, by_code)
        if tier is not None and rp.allow_lower_tier and not tie and len(chosen) < places and leftovers:
            moved = sorted(leftovers, key=lambda c: (-passed[c], c))
            extra: list[Ranked] = []
            tie = _fill(moved, passed, places, chosen, extra, group, decisions, out, by_code, moved=True)
            rows += extra
        out.ranking[group] = rows
        for r in rows:
            p = by_code[r.code]
            if r.status == SELECT:
                out.selected.append(_entry(p, tier, r.score, r.rank, subsidy))
        vacant = places - len(chosen) - (tie["left"] if tie else 0)
        if vacant > 0:
            out.vacancies.append({"group": group, "tier": tier, "places": places, "count": len(chosen),
                                  "vacant": vacant, "reason": f"合格且达到及格线的项目只有 {len(chosen)} 个"})
        placed = set(chosen) | {x["code"] for x in (tie["projects"] if tie else [])}
        if tier is not None:
            leftovers = [c for c in [*own, *leftovers] if c not in placed] if rp.allow_lower_tier else []
    selected = {s["code"] for s in out.selected}
    tied = {x["code"] for t in out.ties for x in t["projects"]}
    listed = {e["code"] for e in out.excluded}
    for group, rows in reversed(list(out.ranking.items())):  # the lowest group a base reached speaks for it
        for r in rows:
            if r.code in selected or r.code in tied or r.code in listed:
                continue
            listed.add(r.code)  # a base moved down is ranked in two groups: listed once
            p = by_code[r.code]
            why = "裁定不入选（人工裁定）" if r.status == REJECT_STATUS else f"{group}第 {r.rank} 名，在名额线（{out.places[group]} 个）以外"
            out.excluded.append({**_entry(p, p.tier, r.score, r.rank, 0), "reason": why})
    for c in passed:  # never ranked: a lower-tier candidate the policy did not move
        if c not in selected and c not in tied and c not in {e["code"] for e in out.excluded}:
            p = by_code[c]
            out.excluded.append({**_entry(p, p.tier, float(passed[c]), None, 0), "reason": "未排名"})
    for t in out.ties:
        for x in t["projects"]:
            p = by_code[x["code"]]
            out.excluded.append({**_entry(p, p.tier, x["score"], x["rank"], 0),
                                 "reason": f"{t['group']}名额线上并列，待人工裁定（R-TIE）"})
    out.budget_total = float(sum(s["subsidy"] for s in out.selected))
    order = {p.code: i for i, p in enumerate(projects)}
    out.excluded.sort(key=lambda e: order[e["code"]])
    return out


REJECT_STATUS = "裁定不入选"
OUTSIDE = "名额线外"
TIED = "并列待裁定"


def _fill(ranked, scores, places, chosen, rows, group, decisions, out, by_code, moved=False):
    """Walk the ranking by score: whole score levels while they fit; at the line, the bureau decides."""
    i, tie = 0, None
    base_rank = len(rows)
    while i < len(ranked):
        level = [c for c in ranked[i:] if scores[c] == scores[ranked[i]]]
        rank = base_rank + i + 1
        left = places - len(chosen)
        if left <= 0 or tie is not None:
            status = OUTSIDE
        elif len(level) <= left:
            status = SELECT
        else:
            picks = [c for c in level if decisions.get(c) == SELECT]
            decided = all(c in decisions for c in level) and len(picks) == left
            if decided:
                for c in level:
                    ok = c in picks
                    if ok:
                        chosen.append(c)
                    rows.append(Ranked(c, group, float(scores[c]), rank, SELECT if ok else REJECT_STATUS,
                                       by_code[c].group if moved else None))
                i += len(level)
                continue
            tie = {"group": group, "left": left, "score": float(scores[level[0]]),
                   "projects": [{"code": c, "label": by_code[c].label, "score": float(scores[c]), "rank": rank}
                                for c in level],
                   "reason": f"{len(level)} 个项目同为 {scores[level[0]]} 分，争剩余的 {left} 个名额"}
            out.ties.append(tie)
            for c in level:
                rows.append(Ranked(c, group, float(scores[c]), rank, TIED, by_code[c].group if moved else None))
            i += len(level)
            continue
        for c in level:
            if status == SELECT:
                chosen.append(c)
            rows.append(Ranked(c, group, float(scores[c]), rank, status, by_code[c].group if moved else None))
        i += len(level)
    return tie
