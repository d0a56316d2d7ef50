"""What the merge and check reports show a reader (issue 13 §6), on the samples' real merge: cards mark
their findings, Chinese rule names, bases and studios apart, the budget line, no 红头, every link lands;
and both pages printed by Chromium (Playwright): A4, the check report's columns do not collapse."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from macros_py.cli.main import main
from tests.browser import Browser, chromium_missing, pdf_pages

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("pages")
    main(["merge", str(ROOT / "workbooks" / "samples"), "-o", str(out / "m.xlsx"), "--html", str(out / "r.html"),
          "--summary-json", str(out / "s.json"), "--jobs", "1"])
    sample = sorted((ROOT / "workbooks" / "samples").glob("05_*.xlsx"))[0]      # has an S-ID finding
    main(["check", str(sample), "--html", str(out / "check.html")])
    return out, (out / "r.html").read_text(encoding="utf-8"), json.loads((out / "s.json").read_text(encoding="utf-8"))


def test_an_error_card_shows_its_findings_in_red(run):
    _, page, s = run
    # B-SENIOR (30 %) is on 基地条件, B-SUBSIDY on 经费预算: neither is the card's own 附件7 row
    for rule in ("B-SENIOR", "B-SUBSIDY", "B-RATIO"):
        assert re.search(rf'<li class="sev-error"><span class="badge sev-error">错误</span> {rule} ', page), rule
    assert 'class="mark sev-error">30.0%</span>' in page
    assert re.search(r'class="mark sev-error">30\.00</span>', page)          # the wrong subsidy


def test_rule_chart_uses_chinese_names_and_bases_and_studios_stay_apart(run):
    _, page, _ = run
    assert ">B-SENIOR 高级教师占比<" in page
    assert "各区县申报培训基地数（按档次）" in page and "各区县申报技能大师工作室数" in page
    county = page.split("各区县申报培训基地数")[1].split("</figure>")[0]
    assert "ser-studio" not in county and "市直部门" not in county.split("</figcaption>")[1].split("<p")[0]


def test_header_is_a_working_report_with_its_time_and_the_budget_line(run):
    _, page, s = run
    assert 'class="masthead"' not in page and "工作报告" in page and "border-bottom: 3px solid var(--red)" not in page
    latest = max(f["received"] for f in s["files"])
    assert f"数据截至 <span data-made>{latest[:10]} {latest[11:16]}</span>" in page
    applied = sum(b["funding"].get("上级财政补助", 0) for b in s["bases"])
    assert 'data-figure-text="budget">560</span>' in page and "A 档 3×80 + B 档 4×50 + C 档 6×20" in page
    assert f'data-figure-text="applied">{applied:,.2f}</span>' in page


def test_every_link_lands_on_its_target(run):
    _, page, _ = run
    ids = set(re.findall(r'id="([^"]+)"', page))
    hrefs = re.findall(r'href="#([^"]+)"', page)
    assert hrefs and not [h for h in hrefs if h not in ids]
    # a finding on 基地条件 points at its base's card, as the page says positions do
    assert re.search(r'<a href="#b\d+">附件1（一）基地条件!|<a href="#b\d+">基地条件!', page)


@pytest.mark.skipif(chromium_missing() is not None, reason=chromium_missing() or "")
def test_both_reports_print_on_a4_and_the_check_report_keeps_its_columns(run):
    out, _, _ = run
    with Browser() as browser:
        for name in ("r", "check"):
            browser.open(out / f"{name}.html")
            browser.print_pdf(out / f"{name}.pdf")
        browser.page.emulate_media(media="print")
        browser.page.set_viewport_size({"width": 1050, "height": 740})      # A4 landscape less margins
        widths = browser.evaluate("""Array.from(document.querySelectorAll('table.findings tbody tr:first-child td'),
            td => td.getBoundingClientRect().width)""")
    assert pdf_pages(out / "r.pdf") >= 10 and 1 <= pdf_pages(out / "check.pdf") <= 4
    info = subprocess.run(["pdfinfo", str(out / "check.pdf")], capture_output=True, text=True).stdout
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(w), round(h)) in ((842, 595), (595, 842))                # A4
    assert min(widths) > 30, widths                                        # no column one character wide
    text = subprocess.run(["pdftotext", "-layout", str(out / "check.pdf"), "-"], capture_output=True, text=True).stdout
    ids = re.findall(r"\d{6}\*{8}\d{3}[\dX]", text)
    assert ids, "the masked ID number should print whole on one line"
    assert "项目" in text and "sha256" in text
