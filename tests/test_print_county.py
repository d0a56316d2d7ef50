"""What the county workbook puts on paper, read back from the PDF LibreOffice prints.

Two ways. `printed`: the way Excel prints: the data sheets' print areas are formulas (rows in use
only), which LibreOffice 7.4 does not follow on its own, so libreoffice.pdf_as_excel_prints evaluates
them with LibreOffice first (test_libreoffice_alone_prints_every_reserved_row keeps that fact
honest). `plain`: LibreOffice on its own (`soffice --convert-to pdf`, no name resolved), as a county
clerk with LibreOffice prints: the forms have a plain print area and their continuations (附件7/附件8
打印（续）, （续2）, …) none, and each must print one page, with everything on it.
Printed: the committed template, the committed sample 01 (5 bases, 3 studios, 5 of the 20 funding
blocks), a full workbook (20 bases, 20 studios, 20 blocks: more rows than a form's page holds, so
the forms' continuations are shown and the tables run over several pages), the annotated copy of
sample 02 and the same sample after the ribbon's 校验本簿 (through the xlwings stand-in).
Text is matched with whitespace removed (a wrapped cell still matches); sizes are measured per
character on the page, after fit-to-width.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import SAMPLE_FILES, TEMPLATE, requires_libreoffice
from pdf_pages import pdf_pages
from test_addin_ribbon import run
from test_printed import NOTICE_HEADERS, TITLES

from macros_py.addin import ribbon as xl_addin
from macros_py.check.engine import check_paths
from macros_py.write.annotated import write_annotated
from macros_py.write.fill import shown_rows, write_filled
from macros_py.write.form_text import PRINTED_FOOTER
from macros_py.write.forms import form_parts, form_sheets
from macros_py.write.libreoffice import convert, pdf_as_excel_prints
from macros_py.write.results_sheet import counts_text

pytestmark = requires_libreoffice

SAMPLE, BROKEN = SAMPLE_FILES[0], SAMPLE_FILES[1]     # 01_平城区…, 02_云冈区… (B-RATIO at 基地条件!N4)
GUIDE_TITLE = "2025年市级高技能人才培训基地和技能大师工作室申报工作簿"
FUNDING_TITLE = "表4-2投入预算汇总"
MIN_PT = 9


@pytest.fixture(scope="module")
def books(tmp_path_factory, clean_template, policy):
    """The workbooks to print, each under its own stem."""
    work = tmp_path_factory.mktemp("county_print")
    full = write_filled(work / "full.xlsx", clean_template, policy)
    annotated = write_annotated(BROKEN, check_paths([BROKEN]).findings, work / "annotated.xlsx")
    (work / "ribbon").mkdir()
    ribbon = work / "ribbon" / BROKEN.name       # the 校验结果 sheet names the open workbook
    shutil.copyfile(BROKEN, ribbon)
    run(xl_addin.check_workbook, ribbon)
    sample, template = work / "sample.xlsx", work / "template.xlsx"
    shutil.copyfile(SAMPLE, sample)
    shutil.copyfile(TEMPLATE, template)
    return {"template": template, "sample": sample, "full": full, "annotated": annotated, "ribbon": ribbon}


def _read(pdfs: dict) -> dict:
    out = {name: pdf_pages(pdf) for name, pdf in pdfs.items()}
    out["files"] = pdfs
    return out


@pytest.fixture(scope="module")
def printed(books, tmp_path_factory):
    """As Excel prints: every formula print area evaluated first."""
    names = ("sample", "full", "annotated", "ribbon")
    pdfs = pdf_as_excel_prints([books[n] for n in names], tmp_path_factory.mktemp("pdf"))
    return _read(dict(zip(names, pdfs, strict=True)))


@pytest.fixture(scope="module")
def plain(books, tmp_path_factory):
    """As LibreOffice prints on its own: macros_py.write.libreoffice.convert, nothing resolved."""
    names = ("template", "sample", "full")
    pdfs = convert([books[n] for n in names], tmp_path_factory.mktemp("plain"), "pdf")
    return _read(dict(zip(names, pdfs, strict=True)))


def form_pages(pages):
    """The printed forms' pages: only they carry the notice's 备注 line (their page footer)."""
    return [p for p in pages if p.has(PRINTED_FOOTER)]


def sheets_of(pages) -> dict[tuple[str, int], list]:
    """The form pages by worksheet, keyed (label, 0 for the form, n for its n-th continuation): a
    page with a form's title starts its sheet (a continuation's title ends in （续）), the pages after
    it until the next title are that sheet's."""
    out: dict[tuple[str, int], list] = {}
    key = None
    for page in form_pages(pages):
        for label, title in TITLES.items():
            if page.has(title):
                key = (label, sum(k[0] == label for k in out)) if page.has(title + "（续）") else (label, 0)
                assert key not in out, key
                out[key] = []
        out[key].append(page)
    return out


def pdftotext(pdf, page: int) -> str:
    """One page through poppler's pdftotext (its reading order: a cell wrapped over two lines reads
    whole, where -layout interleaves it with the next column), whitespace removed."""
    text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)


def names_of(which, data, policy):
    """(recommender, units of 附件7, leaders of 附件8) that a workbook's forms show."""
    if which in ("sample", "template"):
        from openpyxl import load_workbook

        from macros_py.read.workbook import read_submission

        if which == "template":
            return "", [], []
        sub = read_submission(SAMPLE, policy)
        recommender = load_workbook(SAMPLE)["填报说明"]["C3"].value
        return (recommender, [r.values["unit"] for r in sub.sheets["bases"]],
                [r.values["leader"] for r in sub.sheets["studios"]])
    return data["recommender"], [b["unit"] for b in data["bases"]], [s["leader"] for s in data["studios"]]


def test_the_sample_prints_one_page_per_sheet_and_the_two_forms(printed):
    pages = printed["sample"]
    # 填报说明; 附件7 基地汇总, 基地条件, 经费预算, 专业预算, 附件8 工作室汇总, 大师信息; 附件7 打印, 附件8 打印.
    # The 45 empty base rows, 15 empty funding blocks, 50 empty major rows… do not print.
    assert len(pages) == 9
    assert not pages[0].landscape and all(p.landscape for p in pages[1:])
    assert len(form_pages(pages)) == 2


@pytest.mark.parametrize("which", ["sample", "full"])
def test_the_forms_print_the_notices_lines_headers_and_the_data(printed, policy, clean_template, which):
    pages = form_pages(printed[which])
    text = "".join(p.text for p in pages)
    first = {label: next(p for p in pages if p.has(TITLES[label])) for label in TITLES}
    for label, page in first.items():
        assert page.text.startswith(label), page.text[:40]            # the 附件7 / 附件8 label on top
        assert page.has(TITLES[label])
        for header in NOTICE_HEADERS[label]:                          # every header of the notice
            assert page.has(header), (label, header)
        assert page.has(PRINTED_FOOTER)                               # the 备注 line, whole
    recommender, units, leaders = names_of(which, clean_template, policy)
    for page in first.values():
        assert page.has(f"推荐单位：{recommender}（公章）")
    assert all(unit in text for unit in units) and all(leader in text for leader in leaders)


@pytest.mark.parametrize("how", ["printed", "plain"])
def test_a_full_form_runs_over_its_page_and_its_continuations(request, how, clean_template, schema, policy):
    """20 bases and 20 studios, as Excel prints them and as LibreOffice on its own does: each form's
    page full (12 bases, 7 studios), then one page per continuation with rows in use (8 bases; 7 and
    6 studios), and no other; every page holds rows, the header row repeated."""
    pages = request.getfixturevalue(how)["full"]
    sheets = sheets_of(pages)
    assert list(sheets) == [("附件7", 0), ("附件7", 1), ("附件8", 0), ("附件8", 1), ("附件8", 2)]
    assert [len(p) for p in sheets.values()] == [1, 1, 1, 1, 1]
    rows = shown_rows(schema, clean_template, policy)
    names = [r["unit"] for r in rows["bases"]] + [r["leader"] for r in rows["studios"]]
    for page in form_pages(pages):
        assert sum(name in page.text for name in names) >= 1, page.text[:80]
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


def test_libreoffice_alone_prints_every_reserved_row(plain):
    """Why the tests evaluate the print areas first: LibreOffice keeps a print area given by a formula
    as a plain name and prints the used range, so the sample's data sheets print their reserved rows
    (the README says so, and that Excel evaluates the name); its forms, with a plain print area, do not."""
    assert len(plain["sample"]) > 9
    assert len(form_pages(plain["sample"])) == 2


@pytest.mark.parametrize("which", ["template", "sample"])
def test_libreoffice_alone_prints_each_form_on_one_page(plain, which):
    """The committed template and a sample with few rows, printed by LibreOffice on its own: one page
    per form (the continuations are hidden: no row needs them), no page of blanks."""
    sheets = sheets_of(plain[which])
    assert list(sheets) == [("附件7", 0), ("附件8", 0)]
    assert all(len(pages) == 1 for pages in sheets.values()), {k: len(v) for k, v in sheets.items()}


@pytest.mark.parametrize("which", ["template", "sample"])
def test_pdftotext_reads_each_forms_page_printed_by_libreoffice_alone(plain, policy, which):
    """Everything on the one page, read by poppler's pdftotext: the label on top, the title, the
    推荐单位 line with （公章）, every header of the notice, the 备注 line and every unit (领办人)."""
    recommender, units, leaders = names_of(which, None, policy)
    pdf = plain["files"][which]
    for (label, _), (page,) in sheets_of(plain[which]).items():
        text = pdftotext(pdf, page.number)
        assert text.startswith(label) and TITLES[label] in text, text[:40]
        assert f"推荐单位：{recommender}（公章）" in text
        for header in NOTICE_HEADERS[label]:       # a two-line header is two lines of the layout
            assert all(part in text for part in header.split("\n")), header
        assert re.sub(r"\s+", "", PRINTED_FOOTER) in text
        for name in units if label == "附件7" else leaders:
            assert name in text, (label, name)
        if not units:
            assert "1234" in text      # the blank form: the notice's rows numbered 1–4


@pytest.mark.parametrize("which", ["template", "sample", "full"])
def test_forms_printed_by_libreoffice_alone_are_at_least_9_points(plain, which):
    for page in form_pages(plain[which]):
        assert min(page.sizes) >= MIN_PT, (page.number, min(page.sizes))


def test_an_overflowing_form_names_its_continuations_which_carry_the_rest(plain, books, clean_template, schema):
    """More rows than one page holds (20 bases, 20 studios; K = 12 and 7), printed by LibreOffice on
    its own: each page shows its K rows and the line under them says how many more there are and on
    which sheet; the continuations the filling program shows print the rest, one page each, numbering
    continued, and no blank page (a continuation has no print area: its used range is its page). The
    ones no row needs stay hidden and do not print. Nothing is lost."""
    from openpyxl import load_workbook

    wb = load_workbook(books["full"])
    sheets = sheets_of(plain["full"])
    for sheet, key in zip(form_sheets(schema), ("unit", "leader"), strict=True):
        names = [r[key] for r in clean_template[sheet.key]]
        label = sheet.printed_label
        parts = form_parts(sheet)
        shown = [p for p in parts if p.first <= len(names)]
        for i, part in enumerate(parts):
            ws = wb[part.title]
            assert ws.sheet_state == ("visible" if part in shown else "hidden"), part.title
            assert (not ws.print_area) == part.continued
            if part not in shown:
                assert (label, i) not in sheets
                continue
            (page,) = sheets[(label, i)]
            assert page.text.startswith(label) and page.has(sheet.printed_title + ("（续）" if i else ""))
            assert all(n in page.text for n in names[part.offset:part.last])
            if key == "unit":   # 项目单位 are long enough not to occur inside other text
                assert not any(n in page.text for n in names[:part.offset] + names[part.last:])
            if len(names) > part.last:
                following = parts[i + 1]
                assert page.has(f"另有{len(names) - part.last}个项目（编号{following.first}–{len(names)}）"
                                f"在工作表「{following.title}」"), page.text[-200:]
            else:
                assert not page.has("另有")
            if part.continued:
                note = ws.data_validations.dataValidation[0]
                assert note.sqref == "A1" and parts[i - 1].title in note.prompt
                assert not any(p.has(note.prompt[:20]) for p in plain["full"])   # an input message: never printed


def test_a_form_page_holds_k_rows_at_100_percent_and_not_one_more(books, schema, tmp_path):
    """K measured: at 100 % (the scale Excel prints these forms at: their columns fit the page width),
    the label, title, 推荐单位 and header rows, K rows of the blank form's height and the line under
    them print on one page in LibreOffice; one more row needs a second page. Only column A is printed,
    so that LibreOffice's wider columns do not add pages across."""
    import warnings

    from openpyxl import load_workbook

    from macros_py.write.cell_text import row_height

    probes = []
    for sheet in form_sheets(schema):
        main = form_parts(sheet)[0]
        for extra in (0, 1):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                wb = load_workbook(TEMPLATE)
            for ws in wb.worksheets:
                ws.sheet_state = "visible" if ws.title == main.title else "hidden"
            wb.active = wb.sheetnames.index(main.title)
            ws = wb[main.title]
            ws.sheet_properties.pageSetUpPr.fitToPage = False
            ws.page_setup.scale = 100
            line = main.row(main.last) + 1
            if extra:
                ws.row_dimensions[line + 1].height = ws.row_dimensions[line].height
                ws.row_dimensions[line].height = row_height(sheet.printed_lines)
            for r in range(main.row(1), line + extra + 1):
                ws.cell(r, 1).value = "测"    # no row left empty: LibreOffice skips an empty page
            ws.print_area = f"A1:A{line + extra}"
            probes.append(tmp_path / f"{sheet.key}_{extra}.xlsx")
            wb.save(probes[-1])
    # LibreOffice prints a hidden sheet with a plain print area: the other form's page is left out here.
    pages = [sum(p.has("测") for p in pdf_pages(pdf)) for pdf in convert(probes, tmp_path / "pdf", "pdf")]
    assert pages == [1, 2, 1, 2], pages


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
