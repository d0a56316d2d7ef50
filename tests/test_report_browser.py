"""The report in a real browser (Debian's headless Chromium): what a person at the bureau would see.

Proves: no console errors and no request leaving the page; the headline figures the page shows equal
the summary's JSON; a screenshot of the first screen and an A4 PDF of the print preview, saved under
tmp_path, with each recommender on its own page; submitted text stays text in the live page.
"""

import json

import pytest

from macros_py.policy.load import default_policy
from macros_py.report.html import write_report
from tests.browser import Browser, check_report, chromium_missing, pdf_pages
from tests.summary_factory import make_summary

pytestmark = pytest.mark.skipif(chromium_missing() is not None, reason=chromium_missing() or "")

INJECTED = ["<script>alert(1)</script>", "{{ 7*7 }}", '=HYPERLINK("x")']


def test_report_in_the_browser_shows_the_summary(tmp_path):
    policy = default_policy()
    summary = make_summary(policy, 8)
    page = tmp_path / "汇总报告.html"
    write_report(summary, page, policy)
    summary_json = json.loads(summary.to_json())   # what `merge --summary-json` writes

    sections = sum(1 for r in summary.recommenders if r.received)
    result = check_report(page, summary_json, tmp_path / "artifacts", min_pages=sections + 2)

    assert result["figures"]["recommenders_expected"] == 21
    assert result["screenshot"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert result["pdf"].read_bytes()[:5] == b"%PDF-"


def test_page_breaks_put_each_recommender_on_its_own_page(tmp_path):
    """Adding recommenders adds pages: at least one page per recommender section."""
    policy = default_policy()
    counts = {}
    for n in (2, 6):
        page = tmp_path / f"r{n}.html"
        write_report(make_summary(policy, n), page, policy)
        with Browser() as browser:
            browser.open(page)
            counts[n] = pdf_pages(browser.print_pdf(tmp_path / f"r{n}.pdf").read_bytes())
    assert counts[6] - counts[2] >= 4, counts


def test_injected_text_stays_text_in_the_browser(tmp_path):
    policy = default_policy()
    summary = make_summary(policy, 3)
    for card, text in zip(summary.bases, INJECTED, strict=False):
        card.unit = text
    summary.studios[0].leader = '<img src="x" onerror="console.error(1)">'
    summary.findings[0]["message"] = "<script>console.error('finding')</script>"
    summary.recommenders[0].name = "</title><script>alert(2)</script>"
    page = tmp_path / "注入.html"
    write_report(summary, page, policy)

    with Browser() as browser:
        browser.open(page)
        units = browser.evaluate("[0, 1, 2].map(i => document.querySelector('#b' + i + ' .card-head span').textContent)")
        leader = browser.evaluate("document.querySelector('#s0 .card-head span').textContent")
        counts = browser.evaluate("""({scripts: document.querySelectorAll('script').length,
            images: document.querySelectorAll('img').length,
            handlers: document.querySelectorAll('[onerror], [onload], [onclick]').length,
            title: document.title})""")
        literal = browser.evaluate("document.body.innerText.includes('{{ 7*7 }}')")
        browser.evaluate("document.getElementById('b0').scrollIntoView()")
        screenshot = browser.screenshot(tmp_path / "injection.png")
        errors = browser.console_errors()
    print(f"截图：{screenshot}")

    assert units == INJECTED
    assert leader.startswith('<img src="x" onerror="console.error(1)">')
    assert counts == {"scripts": 0, "images": 0, "handlers": 0,
                      "title": "2025年度市级高技能人才培训基地和技能大师工作室申报汇总报告"}
    assert literal
    assert errors == []
