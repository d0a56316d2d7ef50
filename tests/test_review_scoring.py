"""The proposal from scores, as plain data: the policy's method, the pass line, quotas never exceeded
(whatever the scores), ties at the line never broken (R-TIE), vacancies (R-VACANT), and a base moved to a
lower tier only when the policy allows it."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from macros_py.policy.review import METHOD_MEAN, METHOD_TRIMMED
from macros_py.review.projects import ReviewProject
from macros_py.review.scoring import budget, project_score, propose


def project(code, tier):
    kind = "studio" if tier is None else "base"
    return ReviewProject(code, kind, tier, f"单位{code}", "领办人" if tier is None else None, "推荐单位", None)


def with_review(policy, **changes):
    return dataclasses.replace(policy, review=dataclasses.replace(policy.review, **changes))


def test_the_two_methods_and_rounding():
    totals = [Decimal(v) for v in ("90", "80", "70", "60", "95")]
    assert project_score(totals, METHOD_MEAN, 2) == Decimal("79.00")
    assert project_score(totals, METHOD_TRIMMED, 2) == Decimal("80.00")  # 95 and 60 left out
    assert project_score([Decimal("80"), Decimal("80"), Decimal("80.005")], METHOD_MEAN, 2) == Decimal("80.00")
    assert project_score([Decimal(1), Decimal(2)], METHOD_TRIMMED, 2) is None


def test_the_budget_comes_from_the_policy(policy):
    assert budget(policy) == 3 * 80 + 4 * 50 + 6 * 20 + 6 * policy.review.studio_subsidy == 560


def test_the_pass_line_excludes_with_its_reason(policy):
    items = [project("J1", "C"), project("J2", "C")]
    p = propose(items, {"J1": Decimal(59), "J2": Decimal(70)}, {}, policy)
    assert [s["code"] for s in p.selected] == ["J2"]
    assert "及格线" in next(e["reason"] for e in p.excluded if e["code"] == "J1")
    assert next(v for v in p.vacancies if v["group"] == "C档")["vacant"] == 5


def test_a_tie_at_the_line_takes_no_one_and_a_decision_settles_it(policy):
    items = [project(f"J{i}", "A") for i in range(1, 6)]
    scores = {"J1": Decimal(90), "J2": Decimal(88), "J3": Decimal(85), "J4": Decimal(85), "J5": Decimal(70)}
    p = propose(items, scores, {}, policy)
    assert [s["code"] for s in p.selected] == ["J1", "J2"]
    assert len(p.ties) == 1 and p.ties[0]["left"] == 1 and {x["code"] for x in p.ties[0]["projects"]} == {"J3", "J4"}
    assert not [v for v in p.vacancies if v["group"] == "A档"]  # the place is held for the decision, not vacant
    decided = propose(items, scores, {}, policy, {"J3": "不入选", "J4": "入选"})
    assert [s["code"] for s in decided.selected] == ["J1", "J2", "J4"] and not decided.ties
    half = propose(items, scores, {}, policy, {"J4": "入选"})  # one of two decided: still a tie
    assert half.ties and [s["code"] for s in half.selected] == ["J1", "J2"]


def test_a_tie_inside_the_places_is_no_tie(policy):
    items = [project(f"J{i}", "A") for i in range(1, 5)]
    p = propose(items, {"J1": Decimal(90), "J2": Decimal(90), "J3": Decimal(80), "J4": Decimal(70)}, {}, policy)
    assert [s["code"] for s in p.selected] == ["J1", "J2", "J3"] and [s["rank"] for s in p.selected] == [1, 1, 3]
    assert not p.ties


def test_lower_tier_moves_only_when_the_policy_allows(policy):
    items = [project(f"A{i}", "A") for i in range(1, 6)] + [project("B1", "B")]
    scores = {"A1": Decimal(95), "A2": Decimal(94), "A3": Decimal(93), "A4": Decimal(92), "A5": Decimal(91),
              "B1": Decimal(60)}
    plain = propose(items, scores, {}, policy)
    assert [s["code"] for s in plain.selected if s["tier"] == "B"] == ["B1"]
    assert any(v["group"] == "B档" and v["vacant"] == 3 for v in plain.vacancies)
    moved = propose(items, scores, {}, with_review(policy, allow_lower_tier=True))
    b = [s for s in moved.selected if s["tier"] == "B"]
    assert [s["code"] for s in b] == ["B1", "A4", "A5"] and all(s["subsidy"] == 50 for s in b)
    assert any(r.moved_from == "A档" for r in moved.ranking["B档"])


def test_a_tie_among_moved_bases_holds_the_places_and_is_not_also_a_vacancy(policy):
    items = [project(f"A{i}", "A") for i in range(1, 9)]
    scores = {f"A{i}": Decimal(99 - i) for i in range(1, 4)} | {f"A{i}": Decimal(60) for i in range(4, 9)}
    p = propose(items, scores, {}, with_review(policy, allow_lower_tier=True))
    [tie] = [t for t in p.ties if t["group"] == "B档"]
    assert tie["left"] == 4 and len(tie["projects"]) == 5
    assert not [v for v in p.vacancies if v["group"] == "B档"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C", None]), st.integers(50, 60)), min_size=1, max_size=40),
       st.booleans())
def test_quotas_are_never_exceeded_and_every_project_is_accounted_for(policy, entries, lower):
    pol = with_review(policy, allow_lower_tier=lower, pass_line=None)
    items = [project(f"P{i:02d}", tier) for i, (tier, _) in enumerate(entries)]
    scores = {p.code: Decimal(s) for p, (_, s) in zip(items, entries, strict=True)}
    p = propose(items, scores, {}, pol)
    for group, places in p.places.items():
        chosen = [s for s in p.selected if (f"{s['tier']}档" if s["tier"] else "技能大师工作室") == group]
        assert len(chosen) <= places
        tie = [t for t in p.ties if t["group"] == group]
        vacant = [v for v in p.vacancies if v["group"] == group]
        assert len(chosen) + sum(t["left"] for t in tie) + sum(v["vacant"] for v in vacant) == places
    codes = [s["code"] for s in p.selected] + [e["code"] for e in p.excluded]
    assert sorted(codes) == sorted(x.code for x in items)  # each once: selected or excluded with a reason
    assert all(e["reason"] for e in p.excluded)
    assert p.budget_total <= p.budget_policy
