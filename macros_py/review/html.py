"""评审报告.html: the review's section of the HTML report — the ranking per tier with the quota line, the
建议名单, ties, vacancies and findings — as its own page, through the report's jinja2 environment
(templates/, autoescape, the same CSP)."""

from __future__ import annotations

from macros_py.policy.load import Policy
from macros_py.report.html import _environment
from macros_py.review.projects import KIND_TEXT
from macros_py.review.scoring import SELECT, TIED, groups

TEMPLATE = "review_report.html.j2"


def _label(pr: dict, code: bool = True) -> str:
    name = f"{pr['leader']}（{pr['unit']}）" if pr.get("leader") else pr["unit"]
    return f"{pr['code']} {name}" if code else name


def build_view(data: dict, policy: Policy) -> dict:
    p, d = data["proposal"], policy.review.decimals
    projects = {x["code"]: x for x in data["projects"]}
    view_groups = []
    for group, _tier, places, _sub in groups(policy):
        rows, drawn = [], False
        for r in p["ranking"].get(group, []):
            line = not drawn and r["rank"] > places
            drawn = drawn or line
            rows.append({"rank": r["rank"], "code": r["code"], "label": _label(projects[r["code"]], code=False),
                         "recommender": projects[r["code"]]["recommender"], "score": f"{r['score']:.{d}f}",
                         "status": r["status"], "line": line,
                         "css": "tied" if r["status"] == TIED else "selected" if r["status"] == SELECT else ""})
        view_groups.append({"name": group, "places": places, "rows": rows, "line_at_end": not drawn})
    selected = [{"group": f"{s['tier']}档" if s["tier"] else KIND_TEXT["studio"], "rank": s["rank"],
                 "label": _label(s), "recommender": s["recommender"], "score": f"{s['score']:.{d}f}",
                 "subsidy": f"{s['subsidy']:g}" if s["subsidy"] else "—"} for s in p["selected"]]
    findings = [{**f, "where": f"{f['file']} {f['sheet']}!{f['cell']}" if f["cell"] else f["file"]}
                for f in data["findings"]]
    return {"title": f"{policy.year} 年度市级高技能人才培训基地和技能大师工作室评审报告", "method": data["method_text"],
            "note": data["criteria_note"], "groups": view_groups, "selected": selected,
            "ties": [{**t, "names": "、".join(x["label"] for x in t["projects"])} for t in p["ties"]],
            "vacancies": p["vacancies"], "findings": findings, "budget_total": f"{p['budget_total']:g}",
            "budget_policy": f"{p['budget_policy']:g}"}


def render_review_report(data: dict, policy: Policy) -> str:
    return _environment().get_template(TEMPLATE).render(build_view(data, policy))


def write_review_report(path, data: dict, policy: Policy) -> None:
    from macros_py.write.xlsx_pack import write_atomic

    write_atomic(path, render_review_report(data, policy).encode("utf-8"))
