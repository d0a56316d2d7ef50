"""What the county workbook puts on paper, read back from the PDF LibreOffice prints.

Each workbook is printed the way Excel prints it: its print areas are formulas (rows in use only),
which LibreOffice 7.4 does not follow on its own, so libreoffice.pdf_as_excel_prints evaluates them
with LibreOffice first (test_libreoffice_alone_prints_every_reserved_row keeps that fact honest).
Printed: the committed sample 01 (5 bases, 3 studios, 5 of the 20 funding blocks), a full workbook
(20 bases, 20 studios, 20 blocks: forms and tables over several pages), the annotated copy of
sample 02 and the same sample after the ribbon's 校验本簿 (through the xlwings stand-in).
Text is matched with whitespace removed (a wrapped cell still matches); sizes are measured per
character on the page, after fit-to-width.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import SAMPLE_FILES, requires_libreoffice
from pdf_pages import pdf_pages
from test_addin_ribbon import run
from test_printed import NOTICE_HEADERS, TITLES

from macros_py.addin import ribbon as xl_addin
from macros_py.check.engine import check_paths
from macros_py.write.annotated import write_annotated
from macros_py.write.fill import shown_rows, write_filled
from macros_py.write.form_text import PRINTED_FOOTER
from macros_py.write.libreoffice import convert, pdf_as_excel_prints
from macros_py.write.results_sheet import counts_text

pytestmark = requires_libreoffice

SAMPLE, BROKEN = SAMPLE_FILES[0], SAMPLE_FILES[1]     # 01_平城区…, 02_云冈区… (B-RATIO at 基地条件!N4)
GUIDE_TITLE = "2025年市级高技能人才培训基地和技能大师工作室申报工作簿"
FUNDING_TITLE = "表4-2投入预算汇总"
MIN_PT = 9


@pytest.fixture(scope="module")
def printed(tmp_path_factory, clean_template, policy):
    work = tmp_path_factory.mktemp("county_print")
    full = write_filled(work / "full.xlsx", clean_template, policy)
    annotated = write_annotated(BROKEN, check_paths([BROKEN]).findings, work / "annotated.xlsx")
    (work / "ribbon").mkdir()
    ribbon = work / "ribbon" / BROKEN.name       # the 校验结果 sheet names the open workbook
    shutil.copyfile(BROKEN, ribbon)
    run(xl_addin.check_workbook, ribbon)
    sample = work / "sample.xlsx"
    shutil.copyfile(SAMPLE, sample)
    pdfs = pdf_as_excel_prints([sample, full, annotated, ribbon], work / "pdf")
    names = ("sample", "full", "annotated", "ribbon")
    out = dict(zip(names, map(pdf_pages, pdfs), strict=True))
    out["files"] = dict(zip(names, pdfs, strict=True))
    return out


def form_pages(pages):
    """The printed forms' pages: only they carry the notice's 备注 line (their page footer)."""
    return [p for p in pages if p.has(PRINTED_FOOTER)]


def test_the_sample_prints_one_page_per_sheet_and_the_two_forms(printed):
    pages = printed["sample"]
    # 填报说明; 附件7 基地汇总, 基地条件, 经费预算, 专业预算, 附件8 工作室汇总, 大师信息; 附件7 打印, 附件8 打印.
    # The 45 empty base rows, 15 empty funding blocks, 50 empty major rows… do not print.
    assert len(pages) == 9
    assert not pages[0].landscape and all(p.landscape for p in pages[1:])
    assert len(form_pages(pages)) == 2


@pytest.mark.parametrize("which", ["sample", "full"])
def test_the_forms_print_the_notices_lines_headers_and_the_data(printed, policy, clean_template, which):
    data = clean_template if which == "full" else None
    pages = form_pages(printed[which])
    text = "".join(p.text for p in pages)
    first = {label: next(p for p in pages if p.has(TITLES[label])) for label in TITLES}
    for label, page in first.items():
        assert page.text.startswith(label), page.text[:40]            # the 附件7 / 附件8 label on top
        assert page.has(TITLES[label])
        for header in NOTICE_HEADERS[label]:                          # every header of the notice
            assert page.has(header), (label, header)
        assert page.has(PRINTED_FOOTER)                               # the 备注 line, whole
    if data is None:
        from openpyxl import load_workbook

        from macros_py.read.workbook import read_submission

        sub = read_submission(SAMPLE, policy)
        recommender = load_workbook(SAMPLE)["填报说明"]["C3"].value
        units = [r.values["unit"] for r in sub.sheets["bases"]]
        leaders = [r.values["leader"] for r in sub.sheets["studios"]]
    else:
        recommender = data["recommender"]
        units = [b["unit"] for b in data["bases"]]
        leaders = [s["leader"] for s in data["studios"]]
    for page in first.values():
        assert page.has(f"推荐单位：{recommender}（公章）")
    assert all(unit in text for unit in units) and all(leader in text for leader in leaders)


def test_a_full_form_runs_over_pages_that_each_hold_rows(printed, clean_template, schema, policy):
    """20 bases and 20 studios: each form over two pages, none of them blank, the header row repeated."""
    pages = form_pages(printed["full"])
    assert len(pages) == 4
    rows = shown_rows(schema, clean_template, policy)
    names = [r["unit"] for r in rows["bases"]] + [r["leader"] for r in rows["studios"]]
    for page in pages:
        assert sum(name in page.text for name in names) >= 5, page.text[:80]
        assert page.has("编号项目单位属性") or page.has("序号推荐单位领办人")


@pytest.mark.parametrize("which", ["sample", "full"])
def test_forms_print_at_least_9_points(printed, which):
    for page in form_pages(printed[which]):
        assert min(page.sizes) >= MIN_PT, (page.number, min(page.sizes))
        if any(page.has(title) for title in TITLES.values()):
            assert max(page.sizes) >= 13   # the title, 16 pt before fit-to-width


@pytest.mark.parametrize("which, blocks", [("sample", 5), ("full", 20)])
def test_budget_blocks_are_never_split_and_empty_ones_do_not_print(printed, policy, which, blocks):
    """表4-2: every page holds whole blocks (合计 row and its three content rows), and only the blocks
    in use print: the three content labels are written in all 20 reserved blocks, so a printed empty
    block would add to their count."""
    labels = policy.funding["contents"]
    pages = [p for p in printed[which] if p.has(FUNDING_TITLE)]
    assert len(pages) >= (blocks + 5) // 6
    for page in pages:
        counts = [page.text.count(label) for label in labels]
        assert counts[0] >= 1 and len(set(counts)) == 1, (page.number, counts)
    assert sum(p.text.count(labels[0]) for p in pages) == blocks


def test_page_numbers_print_whole_in_the_footer_band(printed):
    for page in printed["full"]:
        assert page.has(f"第{page.number}页，共{len(printed['full'])}页") or page.number == 1


@pytest.mark.parametrize("which", ["annotated", "ribbon"])
def test_the_check_results_sheet_prints_on_one_landscape_page(printed, which):
    """校验结果 (the annotated copy's and the ribbon's): title, file, counts, whole messages and hints,
    landscape, at least 9 pt; the next page is already the workbook's 填报说明."""
    findings = check_paths([BROKEN]).findings
    page, after = printed[which][0], printed[which][1]
    assert page.landscape and page.text.startswith("校验结果")
    assert page.has(f"文件：{BROKEN.name}") and page.has(counts_text(findings))
    for f in findings:
        assert page.has(f.message) and page.has(f.hint), f.message
    assert min(page.sizes) >= MIN_PT, min(page.sizes)
    assert after.has(GUIDE_TITLE)


def test_libreoffice_alone_prints_every_reserved_row(tmp_path):
    """Why the tests evaluate the print areas first: LibreOffice keeps a print area given by a formula
    as a plain name and prints the used range, so the sample's forms and tables print their reserved
    rows (the README says so, and that Excel evaluates the name)."""
    (pdf,) = convert([SAMPLE], tmp_path, "pdf")
    assert len(pdf_pages(pdf)) > 9


def test_pdftotext_reads_the_forms_lines_too(printed):
    """The same lines through poppler's pdftotext, as a second reader of the sample's PDF."""
    import re
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(printed["files"]["sample"]), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    for label, title in TITLES.items():
        assert label in flat and title in flat
        for header in NOTICE_HEADERS[label]:   # a two-line header is two lines of the layout
            assert all(part in flat for part in header.split("\n")), header
    assert "推荐单位：平城区人力资源和社会保障局（公章）" in flat
    assert flat.count(re.sub(r"\s+", "", PRINTED_FOOTER)) == 2          # once on each form's page
