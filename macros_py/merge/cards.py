"""Projects as reviewers see them: each base or studio with the rows that belong to it and its worst
finding, and the cards of the summary built from them.

A base is its 附件7 row plus the 基地条件 row, the 表4-2 block and the 专业预算 rows that name the same
unit in the same file; a studio is its 附件8 row plus the 大师信息 row of its leader.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from macros_py.model.findings import SEVERITY_ORDER, Finding
from macros_py.model.normalize import norm_key
from macros_py.model.submission import Record
from macros_py.model.summary import BaseCard, MergeSummary, StudioCard
from macros_py.policy.compute import split_majors
from macros_py.policy.load import Policy
from macros_py.policy.values import is_blank
from macros_py.rules.bureau import Current


@dataclass
class Project:
    kind: str                    # "base" or "studio"
    cur: Current
    main: Record                 # the 附件7 / 附件8 row
    parts: dict[str, list[Record]] = field(default_factory=dict)   # other sheets' rows
    findings: list[Finding] = field(default_factory=list)

    def part(self, sheet_key: str) -> Record | None:
        rows = self.parts.get(sheet_key) or []
        return rows[0] if rows else None

    @property
    def funding_head(self) -> Record | None:
        return next((r for r in self.parts.get("funding", []) if r.head), None)

    @property
    def worst(self) -> Finding | None:
        return min(self.findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9), default=None)


_KINDS = (("base", "bases", "unit", ("conditions", "funding", "majors")),
          ("studio", "studios", "leader", ("masters",)))


def projects(currents: list[Current], findings: list[Finding], kind: str | None = None,
             parts: tuple[str, ...] | None = None) -> Iterator[Project]:
    """Every base and studio of the kept files (or only those of `kind`), with their rows and
    findings, in file and row order; made one file at a time, so that a file's packed sheets are
    decoded while its projects are used, not all at once. `parts`: the other sheets to attach (all of
    the kind's when None); a project's findings are those on its own row and on the rows attached."""
    by_place: dict[tuple[str, str, int], list[Finding]] = defaultdict(list)
    for f in findings:
        if f.sheet and f.row:
            by_place[(f.file, f.sheet, f.row)].append(f)
    for cur in currents:
        sub = cur.sub
        for name_kind, main_key, key, others in _KINDS:
            if kind is not None and name_kind != kind:
                continue
            index = defaultdict(lambda: defaultdict(list))
            for other in others if parts is None else [o for o in others if o in parts]:
                for rec in sub.rows(other):
                    if not is_blank(rec.values.get(key)):
                        index[norm_key(rec.values[key])][other].append(rec)
            for rec in sub.rows(main_key):
                # A row without its name is still a project row (B-REQ says what is missing): it is
                # merged like the others, only nothing on other sheets can be attached to it.
                name = rec.values.get(key)
                p = Project(name_kind, cur, rec, dict(index.get(norm_key(name), {})) if not is_blank(name) else {})
                for r in [rec, *(x for rows in p.parts.values() for x in rows)]:
                    p.findings += by_place.get((sub.name, r.sheet, r.row), [])
                yield p


def _num(value):
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def fill_cards(summary: MergeSummary, currents: list[Current], findings: list[Finding], policy: Policy) -> None:
    sources = policy.funding["sources"]
    totals = {s: 0.0 for s in sources}
    for p in projects(currents, findings):
        worst = p.worst.severity if p.worst else None
        v = p.main.values
        rows = [[r.sheet, r.row] for r in [p.main, *(x for part in p.parts.values() for x in part)] if not r.made]
        if p.kind == "studio":
            summary.studios.append(StudioCard(
                leader=str(v.get("leader") or ""), unit=str(v.get("unit") or ""), recommender=p.cur.recommender,
                channel=p.cur.channel, occupation=v.get("occupation"), level=v.get("level"), honours=v.get("honours"),
                size=v.get("size"), worst=worst, file=p.cur.sub.name, cell=p.main.cells.get("leader", ""),
                category=v.get("category"), rows=rows))
            continue
        cond = p.part("conditions")
        c = cond.values if cond else {}
        head = p.funding_head
        funding = {s: _num(head.values.get(f"amount{i}")) or 0.0 for i, s in enumerate(sources)} if head else {}
        shares = {s: _num(head.values.get(f"share{i}")) or 0.0 for i, s in enumerate(sources)} if head else {}
        for s, amount in funding.items():
            totals[s] += amount
        summary.bases.append(BaseCard(
            unit=str(v.get("unit") or ""), recommender=p.cur.recommender, channel=p.cur.channel,
            county=p.cur.who.county if p.cur.who else None, attribute=v.get("attribute"),
            majors=split_majors(v.get("majors")), tier=v.get("tier"), supported_tier=c.get("supported_tier"),
            ratio=_num(c.get("ratio")), senior_share=_num(c.get("senior_share")), coop=_num(c.get("coop")),
            funding=funding, shares=shares, total=_num(head.values.get("total")) or 0.0 if head else 0.0,
            worst=worst, file=p.cur.sub.name, cell=p.main.cells.get("unit", ""), rows=rows))
    summary.funding_by_source = {s: round(t, 2) for s, t in totals.items()}
