"""The HTML report as text: the numbers it shows, its safety, its links, and that it is self-contained."""

import html
import re

import pytest

from macros_py.model.summary import MergeSummary
from macros_py.policy.load import default_policy
from macros_py.report.html import render_report, when, write_report
from tests.browser import expected_figures
from tests.summary_factory import make_summary

FIGURE = re.compile(r'data-figure="([^"]+)">([\d,]+)<')


@pytest.fixture(scope="module")
def policy():
    return default_policy()


@pytest.fixture(scope="module")
def summary(policy):
    return make_summary(policy, 12)


@pytest.fixture(scope="module")
def page(summary, policy):
    return render_report(summary, policy)


def test_headline_figures_equal_the_summary(page, summary):
    shown = {key: int(value.replace(",", "")) for key, value in FIGURE.findall(page)}
    assert shown == expected_figures(summary.to_dict())
    assert shown["recommenders_expected"] == 21 and shown["places_A"] == 3 and shown["studio_places"] == 6


def test_self_contained_and_script_free(page):
    assert page.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "<script" not in page.lower()
    # Every link stays inside the page; nothing is loaded from a file or the network.
    assert not re.search(r"\b(src|srcset|poster|data|action)=", page)
    assert set(re.findall(r'href="([^"#]*)', page)) == {""}
    assert "@import" not in page and "url(" not in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in page


def test_chinese_font_stack_and_a4_print(page):
    assert 'font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimSun"' in page
    assert "@page { size: A4; margin: 15mm" in page
    assert "article.rec { break-before: page" in page


def test_same_summary_same_bytes(summary, policy, page):
    again = MergeSummary.from_dict(summary.to_dict())
    assert render_report(again, policy) == page


def test_every_section_is_there(page, summary):
    for heading in ("一、总体情况", "二、统计图", "三、重复申报", "四、报送情况", "五、各推荐单位问题清单", "六、项目卡片"):
        assert heading in page
    assert page.count("<svg ") == 5          # bases, studios, city departments, funding, rules
    assert page.count('<article class="rec"') == sum(1 for r in summary.recommenders if r.received) + 1
    assert page.count('<div class="card" id="b') == len(summary.bases)
    assert page.count('<div class="card" id="s') == len(summary.studios)
    for group in summary.duplicates:
        assert html.escape(group.key) in page
    for r in summary.recommenders:
        if r.expected and not r.received:
            assert f"<td>{r.name}</td>" in page


def test_findings_link_to_the_card_of_their_row(page, summary):
    base = summary.bases[0]
    on_card = [f for f in summary.findings if f["file"] == base.file and f["sheet"] == "附件7 基地汇总"
               and f["row"] == int(base.cell[1:])]
    assert on_card, "the factory gives the first base a finding on its row"
    assert f'<a href="#b0">附件7 基地汇总!{on_card[0]["cell"]}</a>' in page
    # A finding on another sheet of the same file names no card: plain text, not a wrong link.
    other = next(f for f in summary.findings if f["sheet"] == "基地条件")
    assert f"<td>基地条件!{other['cell']}</td>" in page
    # Every link in the page points at an element that exists.
    ids = set(re.findall(r' id="([^"]+)"', page))
    assert set(re.findall(r'href="#([^"]+)"', page)) <= ids


def test_card_cell_may_name_its_sheet(policy):
    summary = make_summary(policy, 3)
    card = summary.bases[1]
    row = int(card.cell[1:])
    card.cell = f"'基地 汇总'!A{row}"   # a printed-layout file with its own sheet name
    summary.findings.append({"rule": "B-REQ", "severity": "错误", "file": card.file, "sheet": "基地 汇总",
                             "cell": f"C{row}", "row": row, "column": "属性", "value": None,
                             "message": "属性未填写", "hint": "填写属性", "sha256": None})
    page = render_report(summary, policy)
    assert f'<a href="#b1">基地 汇总!C{row}</a>' in page


def test_submitted_text_is_escaped(policy):
    summary = make_summary(policy, 3)
    summary.bases[0].unit = "<script>alert(1)</script>"
    summary.bases[1].unit = "{{ 7*7 }}"
    summary.studios[0].leader = '<img src=x onerror="alert(1)">'
    summary.findings[0]["message"] = "</td></tr></table><b>粗体</b>"
    page = render_report(summary, policy)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "{{ 7*7 }}" in page and ">49<" not in page
    assert "<img" not in page and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page
    assert "<b>粗体</b>" not in page


def test_an_empty_merge_still_renders(policy):
    summary = MergeSummary(policy_year=2025, document="同人社发〔2025〕100号", deadline="2025-12-30",
                           inbox="收件箱", files=[], rows_read=0, rows_merged=0, rows_rejected=0, findings=[])
    page = render_report(summary, policy)
    shown = dict(FIGURE.findall(page))
    assert shown["files"] == "0" and shown["bases_A"] == "0" and shown["places_A"] == "3"
    assert shown["studio_places"] == "6" and "尚未收到任何文件" in page


def test_write_report_is_atomic(tmp_path, summary, policy, page):
    target = tmp_path / "out" / "报告.html"
    write_report(summary, target, policy)
    assert target.read_text(encoding="utf-8") == page
    assert [p.name for p in target.parent.iterdir()] == ["报告.html"]


def test_received_times_read_like_dates():
    assert when("2025-12-10T09:05:00") == "2025-12-10 09:05"
    assert when("2025-12-10 09:05:07.123+08:00") == "2025-12-10 09:05"
    assert when(None) == "—" and when("昨天") == "昨天"


def test_printed_layout_file_links_by_row(policy):
    """A file laid out as the notice prints 附件7 has its own sheet name; its rows still link."""
    summary = make_summary(policy, 3)
    card = summary.bases[2]
    row = int(card.cell[1:])
    for other in summary.studios:       # a printed 附件7 file carries bases only
        if other.file == card.file:
            other.file = "另一个文件.xlsx"
    summary.findings.append({"rule": "B-TIER", "severity": "错误", "file": card.file, "sheet": "Sheet1",
                             "cell": f"H{row}", "row": row, "column": "申报档次", "value": "D",
                             "message": "申报档次“D”无效", "hint": "填 A、B 或 C", "sha256": None})
    page = render_report(summary, policy)
    assert f'<a href="#b2">Sheet1!H{row}</a>' in page
    # The standard workbook's other sheets never borrow a 附件7 row number.
    assert '<a href="#b2">基地条件!' not in page


def test_500_submissions_render_whole_and_bounded(policy):
    """Every recommender's section is there and the page stays bounded; how long rendering takes is the
    benchmark's to say (benchmarks/bench_report.py), never a timed test on a shared machine."""
    summary = make_summary(policy, 500)
    page = render_report(summary, policy)
    assert len(page.encode()) < 8_000_000
    assert page.count('<article class="rec"') == 501
