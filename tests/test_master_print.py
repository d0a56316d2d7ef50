"""The master and the feedback workbooks as their readers meet them: the sheet order, the headline
facts, and the pages LibreOffice prints (page counts within bounds, whole messages and rule codes
found by pdftotext, no page of column strips)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from macros_py.cli.main import main
from macros_py.write.libreoffice import convert, find_soffice

ROOT = Path(__file__).resolve().parents[1]
requires_libreoffice = pytest.mark.skipif(not find_soffice(), reason="需要 LibreOffice")


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    out = tmp_path_factory.mktemp("print")
    main(["merge", str(ROOT / "workbooks" / "samples"), "-o", str(out / "汇总.xlsx"), "--feedback", str(out / "fb"),
          "--summary-json", str(out / "s.json"), "--jobs", "1"])
    return out


@pytest.fixture(scope="module")
def pdfs(merged, tmp_path_factory):
    if not find_soffice():
        pytest.skip("需要 LibreOffice")
    stage = tmp_path_factory.mktemp("pdf")
    fb = sorted((merged / "fb").glob("*.xlsx"))
    clean = next(p for p in fb if "问题清单" not in openpyxl.load_workbook(p, read_only=True).sheetnames)
    dirty = merged / "fb" / "反馈_新荣区人力资源和社会保障局.xlsx"
    budget = merged / "fb" / "反馈_平城区人力资源和社会保障局.xlsx"     # B-MAJOR-BUDGET, B-SUBSIDY
    names = ("master", "clean", "dirty", "budget")
    for name, src in zip(names, (merged / "汇总.xlsx", clean, dirty, budget), strict=True):
        shutil.copy(src, stage / f"{name}.xlsx")
    done = convert([stage / f"{n}.xlsx" for n in names], stage / "out", "pdf")
    return dict(zip(names, done, strict=True))


def _text(pdf: Path) -> str:
    """The PDF's text with line breaks and spaces removed, so that a wrapped message reads whole
    (-layout: the default mode drops a hyphen that ends a line, as in 2025-|12-30)."""
    raw = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", raw)


def whole(message: str, text: str) -> bool:
    """Every character of `message` is printed, in order, close together: pdftotext reads the lines of
    two wrapped cells side by side alternately, so a wrapped message comes out interleaved with its
    neighbour's lines, but nothing of it is missing (a clipped cell would lose its tail)."""
    message = re.sub(r"\s+", "", message)
    start = text.find(message[:2])
    while start >= 0:
        i, pos = 0, start
        while i < len(message) and pos < min(len(text), start + 6 * len(message)):
            if text[pos] == message[i]:
                i += 1
            pos += 1
        if i == len(message):
            return True
        start = text.find(message[:2], start + 1)
    return False


def cjk_points(pdf: Path, first: int, last: int) -> float:
    """The median size, in points, of the Chinese text printed on pages first..last: a CJK glyph is
    one em wide, so a word of n CJK characters measures n × the font size (pdftotext -bbox)."""
    import statistics

    xml = subprocess.run(["pdftotext", "-bbox", "-f", str(first), "-l", str(last), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    sizes = [(float(x2) - float(x1)) / len(w) for x1, x2, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>', xml)
             if len(w) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in w)]
    return statistics.median(sizes)


def _page_of(pdf: Path, text: str) -> int:
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    return next(i for i, p in enumerate(pages, start=1) if text in p)


def _pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


def test_sheets_come_in_the_order_an_analyst_works(merged):
    wb = openpyxl.load_workbook(merged / "汇总.xlsx")
    assert wb.sheetnames[:5] == ["汇总说明", "问题清单", "重复申报", "名额对照", "报送情况"]
    names = wb.sheetnames
    assert names.index("基地汇总") < names.index("基地统计") < names.index("基地透视表") < names.index("附件7")
    identity = wb["大师身份信息"]
    assert identity.sheet_state == "hidden" and identity.protection.sheet
    for ws in wb:
        if ws.sheet_state != "visible":
            continue
        assert ws.page_setup.paperSize == 9, ws.title                        # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (1, None), ws.title
        assert "&P" in ws.oddFooter.center.text, ws.title                     # page numbers
        assert not ws.print_title_rows or not ws.print_title_rows.endswith(":0"), ws.title


def test_the_cover_gives_the_headline_facts(merged):
    import json

    s = json.loads((merged / "s.json").read_text(encoding="utf-8"))
    cover = {r[0]: r[1] for r in openpyxl.load_workbook(merged / "汇总.xlsx")["汇总说明"].iter_rows(
        min_row=3, values_only=True) if r[0]}
    missing = [r["name"] for r in s["recommenders"] if r["expected"] and not r["received"]]
    assert all(name in cover["尚未报送"] for name in missing)
    assert cover["数据截至"].startswith(max(f["received"] for f in s["files"])[:10])
    assert "大同市住房和城乡建设局" in cover["逾期报送"]
    assert cover["重复申报"].startswith(f"{len(s['duplicates'])} 组")
    assert f"读取 {s['rows_read']} 行" in cover["对账"] and "取消隐藏" in cover["身份证号"]


def test_the_problem_list_names_the_project_and_the_rule(merged):
    ws = openpyxl.load_workbook(merged / "汇总.xlsx")["问题清单"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    senior = next(r for r in rows if r["规则"] == "B-SENIOR")
    assert senior["规则名称"] == "高级教师占比" and senior["项目"]
    assert ws.print_area and ws.row_dimensions[2].height > 15        # wrapped text gets its height


@requires_libreoffice
def test_the_master_prints_whole_messages_on_a_bounded_number_of_pages(merged, pdfs):
    import json

    s = json.loads((merged / "s.json").read_text(encoding="utf-8"))
    pages = _pages(pdfs["master"])
    assert 20 <= pages <= 60, pages                  # was 47, with 18 pages of column strips
    text = _text(pdfs["master"])
    for f in s["findings"]:
        assert whole(f["message"], text), f["message"]
        assert whole(f["rule"], text)
    for header in ("规则名称", "项目", "各推荐单位申报基地数（按档次）", "数据透视表", "附件7"):
        assert whole(header, text), header
    assert "140202" not in text or "********" in text     # no whole ID number printed (大师身份信息 is hidden)


@requires_libreoffice
def test_feedback_speaks_to_the_clerk(pdfs):
    clean, dirty = _text(pdfs["clean"]), _text(pdfs["dirty"])
    assert "经审核未发现问题" in clean and "错误0条" not in clean and "须改正后重新报送" not in clean
    assert "2026年1月5日" in clean                                    # the feedback date from the policy
    assert "2026年1月9日前" in dirty and "B-MAJORS" in dirty and "特色专业数量" in dirty
    assert "由审核人员" not in dirty + clean
    budget = _text(pdfs["budget"])                       # was cut: "…表4-2 中为" and "B-MAJOR-BUDGE"
    assert whole("各专业预算合计 15 万元，表4-2 中为 25 万元（相差 -10）。", budget)
    assert "B-MAJOR-BUDGET" in budget
    assert whole("专业预算与表4-2", budget) and whole("大同市平城区就业培训中心", budget)
    assert _pages(pdfs["clean"]) == 1 and _pages(pdfs["dirty"]) <= 3


@requires_libreoffice
def test_what_people_read_prints_at_nine_points_or_more(pdfs):
    """问题清单, 基地汇总 and 工作室汇总 of the master and the feedback's pages: fitted to the A4 width, their
    text still prints at 9 pt or more (before: 7.3 pt, and 基地汇总 as column strips)."""
    master = pdfs["master"]
    assert cjk_points(master, 1, 1) >= 10                      # 汇总说明 at 五号
    for marker in ("修改建议", "条件是否满足", "工作室规模"):
        page = _page_of(master, marker)
        assert cjk_points(master, page, page) >= 9, (marker, cjk_points(master, page, page))
    for name in ("dirty", "clean"):
        assert cjk_points(pdfs[name], 1, _pages(pdfs[name])) >= 9, name
