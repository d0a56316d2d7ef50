"""What survives when LibreOffice opens our workbook and saves it as xlsx again (a county that
edits in LibreOffice, or WPS, sends us such a file), and how it prints.

What LibreOffice 7.4 itself drops is recorded in LIBREOFFICE_DROPS; the test proves each entry is
still true (so the list cannot go stale) and README's compatibility notes name each one. Tests
that need LibreOffice take the `libreoffice` fixture, which skips with the reason where it is missing.
"""

from __future__ import annotations

import re

import pytest
from conftest import ROUND_TRIP, TEMPLATE
from openpyxl import load_workbook

from macros_py.model.paths import PROJECT_ROOT
from macros_py.write.libreoffice import pdf_as_excel_prints

# feature -> how README says it (the test looks for this text in README.md)
LIBREOFFICE_DROPS = {
    "freeze panes": "冻结窗格",
    "table style": "表格样式",
    "hidden gridlines": "网格线",
    "font of Chinese text": "Noto Sans CJK",
}


@pytest.fixture(scope="module", params=ROUND_TRIP, ids=lambda p: p.stem)
def pair(request, libreoffice):
    return load_workbook(request.param), load_workbook(libreoffice.round_trip[request.param])


def test_sheets_order_and_hidden_state_survive(pair):
    before, after = pair
    assert before.sheetnames == after.sheetnames
    assert [ws.sheet_state for ws in before] == [ws.sheet_state for ws in after]


def test_tables_survive_with_names_ranges_and_columns(pair):
    before, after = pair
    for ws in before:
        for name in ws.tables:
            kept = after[ws.title].tables[name]
            assert kept.ref == ws.tables[name].ref
            assert [c.name for c in kept.tableColumns] == [c.name for c in ws.tables[name].tableColumns]


def cells_of(sqref) -> set[str]:
    from openpyxl.utils import get_column_letter, range_boundaries

    out = set()
    for part in str(sqref).split():
        c1, r1, c2, r2 = range_boundaries(part)
        out |= {f"{get_column_letter(c)}{r}" for c in range(c1, c2 + 1) for r in range(r1, r2 + 1)}
    return out


def unquote(formula):
    """LibreOffice writes sheet names unquoted where Excel allows it, and no leading '='."""
    return None if formula is None else formula.lstrip("=").replace("'", "")


def validations(ws):
    """LibreOffice adds a formula2 of 0 where none applies (lists, "equal", prompt-only)."""
    def second(dv):
        return unquote(dv.formula2) if dv.type not in (None, "list") and dv.operator == "between" else None

    return sorted(((dv.type, frozenset(cells_of(dv.sqref)), unquote(dv.formula1) if dv.type else None,
                    second(dv), dv.prompt, dv.error, dv.promptTitle,
                    dv.errorTitle, dv.errorStyle or "stop", bool(dv.showErrorMessage), bool(dv.showInputMessage))
                   for dv in ws.data_validations.dataValidation), key=repr)


def test_dropdowns_and_validations_survive_with_their_chinese_texts(pair):
    before, after = pair
    for ws in before:
        assert validations(ws) == validations(after[ws.title]), ws.title


def _look(dxf) -> tuple:
    """What a format changes: fill and font colour (the rule marks), or the borders (the printed
    forms rule the rows in use)."""
    if dxf.fill is not None:
        return dxf.fill.bgColor.rgb[-6:], dxf.font.color.rgb[-6:]
    return tuple(getattr(dxf.border, side).style for side in ("left", "right", "top", "bottom"))


def formats(ws):
    """(cells, formula, look) of every conditional format. LibreOffice writes
    IFERROR(…,FALSE) as IFERROR(…,0) and IFERROR(…,TRUE) as IFERROR(…,1), the same inside AND/OR."""
    return sorted(((frozenset(cells_of(cf.sqref)),
                    unquote(rule.formula[0]).replace(",FALSE)", ",0)").replace(",TRUE)", ",1)"),
                    _look(rule.dxf))
                   for cf in ws.conditional_formatting for rule in cf.rules), key=repr)


def test_conditional_formats_survive_with_their_conditions_and_colours(pair):
    before, after = pair
    for ws in before:
        assert formats(ws) == formats(after[ws.title]), ws.title


def test_protection_and_cell_locks_survive(pair):
    before, after = pair
    for ws in before:
        kept = after[ws.title]
        for flag in ("sheet", "formatRows", "formatColumns", "sort", "autoFilter", "insertRows", "deleteRows"):
            assert bool(getattr(ws.protection, flag)) == bool(getattr(kept.protection, flag)), (ws.title, flag)
        for row in ws.iter_rows():
            for cell in row:
                assert cell.protection.locked == kept[cell.coordinate].protection.locked, f"{ws.title}!{cell.coordinate}"


def test_print_setup_survives(pair):
    before, after = pair
    for ws in before:
        if ws.sheet_state == "hidden":
            continue
        kept = after[ws.title]
        assert int(kept.page_setup.paperSize) == int(ws.page_setup.paperSize) == 9  # A4
        assert (kept.page_setup.orientation or "portrait") == (ws.page_setup.orientation or "portrait")
        assert (kept.page_setup.fitToWidth, kept.page_setup.fitToHeight) == (ws.page_setup.fitToWidth,
                                                                           ws.page_setup.fitToHeight)
        assert kept.sheet_properties.pageSetUpPr.fitToPage
        assert kept.print_title_rows == ws.print_title_rows
        assert kept.oddFooter.center.text == ws.oddFooter.center.text
        assert sorted(map(str, kept.merged_cells.ranges)) == sorted(map(str, ws.merged_cells.ranges))


def widths(ws) -> dict[int, float]:
    """Width by column number; LibreOffice writes equal neighbours as one <col min max> group."""
    return {i: dim.width for dim in ws.column_dimensions.values() if dim.customWidth
            for i in range(dim.min, dim.max + 1)}


def plain(number_format: str) -> str:
    """A number format without quoting: LibreOffice writes yyyy-mm as yyyy\\-mm and -"1:"0.0 as "-1:"0.0."""
    return number_format.replace("\\", "").replace('"', "")


def test_widths_number_formats_and_links_survive(pair):
    before, after = pair
    for ws in before:
        kept = after[ws.title]
        assert widths(kept) == pytest.approx(widths(ws), abs=0.01), ws.title
        for row in ws.iter_rows():
            for cell in row:
                other = kept[cell.coordinate]
                assert plain(other.number_format) == plain(cell.number_format), f"{ws.title}!{cell.coordinate}"
                if cell.hyperlink:
                    assert other.hyperlink.location == cell.hyperlink.location


def test_fonts_survive_where_the_text_is_not_chinese(pair):
    before, after = pair
    ws = before["附件7 基地汇总"]
    kept = after[ws.title]
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            other = kept[cell.coordinate]
            assert (other.font.sz, bool(other.font.b)) == (cell.font.sz, bool(cell.font.b))
            if isinstance(cell.value, str) and not re.search(r"[\u4e00-\u9fff]", cell.value):
                assert other.font.name == cell.font.name, cell.coordinate


def test_what_libreoffice_drops_is_recorded_and_still_dropped(pair):
    before, after = pair
    dropped = set()
    if any(ws.freeze_panes for ws in before) and not any(ws.freeze_panes for ws in after):
        dropped.add("freeze panes")
    styles = [t.tableStyleInfo for ws in after for t in ws.tables.values()]
    if styles and not any(s and s.name for s in styles):
        dropped.add("table style")
    if before["填报说明"].sheet_view.showGridLines is False and after["填报说明"].sheet_view.showGridLines is not False:
        dropped.add("hidden gridlines")
    if after["附件7 基地汇总"]["A1"].font.name != before["附件7 基地汇总"]["A1"].font.name:
        dropped.add("font of Chinese text")
    assert dropped == set(LIBREOFFICE_DROPS)


def test_readme_names_what_libreoffice_drops():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for feature, words in LIBREOFFICE_DROPS.items():
        assert words in readme, f"README's compatibility notes should say LibreOffice drops the {feature}"


@pytest.fixture(scope="module")
def printed(tmp_path_factory, libreoffice):  # libreoffice: skips where it is missing
    """The empty template as Excel prints it: each sheet's print area (a formula) evaluated."""
    (pdf,) = pdf_as_excel_prints([TEMPLATE], tmp_path_factory.mktemp("pdf"))
    return pdf.read_bytes()


def page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """Width and height in points of every page object (LibreOffice writes its PDF uncompressed
    at the object level, each page with its own /MediaBox)."""
    sizes = []
    for obj in pdf.split(b"endobj"):
        if re.search(rb"/Type\s*/Page(?![a-zA-Z])", obj):
            box = re.search(rb"/MediaBox\s*\[([\d.\s]+)\]", obj).group(1).split()
            sizes.append((round(float(box[2])), round(float(box[3]))))
    return sizes


def test_the_template_prints_on_a4_guide_upright_tables_landscape_fitted_to_width(printed):
    pages = page_sizes(printed)
    assert pages[0] == (595, 842)  # 填报说明
    assert all(p == (842, 595) for p in pages[1:])
    # 1 guide page; each of the six data sheets prints its title rows and one empty row (the print
    # area ends at the last row in use), and the two forms their four numbered rows: one page each.
    # More would mean a table no longer fits the width, or a print area counts empty rows.
    assert len(pages) == 9
