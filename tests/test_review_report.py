"""评审报告.html, the review's section of the report: the ranking per tier with the quota line, through the
report's jinja2 environment (autoescape, the same CSP), opened in real Chromium."""

from __future__ import annotations

import pytest
from browser import Browser, chromium_missing
from review_helpers import copy_returned

from macros_py.review.collect import run_collect
from macros_py.review.html import render_review_report


@pytest.fixture(scope="module")
def collected(tmp_path_factory, policy):
    tmp = tmp_path_factory.mktemp("html")
    result = run_collect(copy_returned(tmp), tmp / "out" / "评审结果.xlsx", policy)
    return tmp / "out" / "评审报告.html", result.data


def test_the_page_has_the_csp_no_script_and_escapes_what_people_typed(collected, policy):
    path, data = collected
    html = path.read_text(encoding="utf-8")
    assert "default-src 'none'" in html and "<script" not in html
    evil = dict(data, projects=[dict(p, unit="<b>恶意</b>") if i == 0 else p for i, p in enumerate(data["projects"])])
    rendered = render_review_report(evil, policy)
    assert "<b>恶意</b>" not in rendered


@pytest.mark.skipif(chromium_missing() is not None, reason=chromium_missing() or "")
def test_in_chromium_each_tier_shows_its_ranking_with_the_quota_line_after_the_last_place(collected, tmp_path):
    path, data = collected
    with Browser() as browser:
        browser.open(path)
        groups = browser.evaluate("""JSON.stringify([...document.querySelectorAll('table[data-group]')].map(t => ({
            group: t.dataset.group,
            rows: [...t.querySelectorAll('tr')].slice(1).map(r => r.classList.contains('quota-line') ? 'LINE'
                  : r.dataset.code)})))""")
        shot = browser.screenshot(tmp_path / "review.png")
        errors = browser.console_errors()
        outside = [u for u in browser.requests() if u != path.resolve().as_uri()]
    import json

    groups = json.loads(groups)
    assert not errors and not outside and shot.is_file()
    places = data["proposal"]["places"]
    assert [g["group"] for g in groups] == list(places)
    for g in groups:
        ranked = [r["code"] for r in data["proposal"]["ranking"][g["group"]]]
        line = g["rows"].index("LINE")
        assert [r for r in g["rows"] if r != "LINE"] == ranked
        selected = [s["code"] for s in data["proposal"]["selected"]
                    if (f"{s['tier']}档" if s["tier"] else "技能大师工作室") == g["group"]]
        assert g["rows"][:line] == selected and line == places[g["group"]]
