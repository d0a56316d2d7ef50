"""The committed county workbook: current, and built the way a workbook people live in must be."""

from __future__ import annotations

import pytest
from conftest import TEMPLATE
from openpyxl import load_workbook
from workbook_rows import is_formula

from macros_py.policy.formula_text import column_letter, data_range
from macros_py.policy.schema import CHOICE, FORMULA, LABEL, TEMPLATE_VERSION
from macros_py.write.template import FONT_NAME, FONT_SIZE, write_template

SHEETS = ["填报说明", "附件7 基地汇总", "基地条件", "经费预算", "专业预算", "附件8 工作室汇总", "大师信息",
          "附件7 打印", "附件7 打印（续）", "附件7 打印（续2）", "附件7 打印（续3）", "附件7 打印（续4）",
          "附件8 打印", "附件8 打印（续）", "附件8 打印（续2）", "附件8 打印（续3）", "附件8 打印（续4）", "下拉列表", "模板信息"]
A4 = 9  # the paper size code of OOXML (and Excel) for A4


@pytest.fixture(scope="module")
def wb():
    return load_workbook(TEMPLATE)


def test_openpyxl_writes_with_its_own_writer():
    """With lxml openpyxl writes other bytes; macros_py turns lxml off before openpyxl loads."""
    import openpyxl

    assert openpyxl.LXML is False


def test_regenerating_the_committed_workbook_gives_the_same_bytes(tmp_path, policy):
    out = write_template(tmp_path / TEMPLATE.name, policy)
    assert out.read_bytes() == TEMPLATE.read_bytes(), (
        "workbooks/申报工作簿_2025.xlsx is stale: run python -m macros_py.cli.main template "
        "-o workbooks/申报工作簿_2025.xlsx --force")


def test_sheets_in_order_with_the_list_and_version_sheets_hidden(wb, policy):
    """Hidden too: the forms' continuations, which an empty workbook has no rows for (a program
    would print them for nothing)."""
    assert wb.sheetnames == SHEETS
    assert [ws.title for ws in wb if ws.sheet_state == "hidden"] == [
        t for t in SHEETS if "（续" in t] + ["下拉列表", "模板信息"]
    meta = {row[0]: row[1] for row in wb["模板信息"].iter_rows(values_only=True)}
    assert meta["模板版本"] == TEMPLATE_VERSION and meta["政策年度"] == policy.year


def each_data_cell(wb, schema):
    """(sheet, column, row, is the block's 合计 row, cell) for every pre-sized data cell."""
    for sheet in schema.sheets:
        ws = wb[sheet.title]
        size = len(sheet.block) or 1
        for offset in range(sheet.capacity):
            row = sheet.first_row + offset
            for i, col in enumerate(sheet.columns, start=1):
                yield sheet, col, row, bool(sheet.block) and offset % size == 0, ws.cell(row, i)


def test_every_computed_value_is_a_native_formula_and_every_input_is_empty(wb, schema):
    for sheet, col, _row, is_head, cell in each_data_cell(wb, schema):
        if col.kind == FORMULA or (is_head and col.head_formula) or (sheet.block and col.head_input and not is_head):
            assert is_formula(cell.value), f"{sheet.title}!{cell.coordinate} ({col.header}) should be a formula"
        elif col.kind == LABEL:
            assert cell.value in sheet.block
        else:
            assert cell.value is None, f"{sheet.title}!{cell.coordinate}"


def test_the_funding_sheet_computes_row_totals_the_total_row_and_every_share(wb, schema):
    funding = schema.sheet("funding")
    ws = wb[funding.title]
    head = funding.first_row
    assert ws[f"{column_letter(funding, 'amount0')}{head}"].value == f"=SUM(D{head + 1}:D{head + 3})"
    assert ws[f"{column_letter(funding, 'total')}{head + 1}"].value.startswith("=SUM(")
    for key in (c.key for c in funding.columns if c.key.startswith("share")):
        for row in range(head, head + len(funding.block)):
            assert "/" in ws[f"{column_letter(funding, key)}{row}"].value


def test_named_tables_cover_header_and_every_pre_sized_row(wb, schema):
    for sheet in schema.sheets:
        ws = wb[sheet.title]
        assert list(ws.tables) == [sheet.table]
        table = ws.tables[sheet.table]
        assert table.ref == f"A{sheet.header_row}:{column_letter(sheet, sheet.columns[-1].key)}{sheet.last_row}"
        assert [c.name for c in table.tableColumns] == [c.header for c in sheet.columns]


def test_frozen_headers_a4_fit_to_width_landscape_and_repeated_header_rows(wb, schema):
    for sheet in schema.sheets:
        ws = wb[sheet.title]
        assert ws.freeze_panes.endswith(str(sheet.first_row))
        assert ws.page_setup.paperSize == A4
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0  # as many pages down as needed
        assert ws.print_title_rows == f"$1:${sheet.header_row}"
    guide = wb["填报说明"]
    assert guide.page_setup.paperSize == A4 and guide.page_setup.fitToWidth == 1


def test_the_notices_font_fangsong_wuhao_on_headers_and_data(wb, schema):
    for sheet, _col, _row, _is_head, cell in each_data_cell(wb, schema):
        assert (cell.font.name, cell.font.sz) == (FONT_NAME, FONT_SIZE), f"{sheet.title}!{cell.coordinate}"
    for sheet in schema.sheets:
        for cell in wb[sheet.title][sheet.header_row]:
            assert (cell.font.name, cell.font.sz, cell.font.b) == (FONT_NAME, FONT_SIZE, True)


def test_widths_are_set_and_sensible(wb, schema):
    for sheet in schema.sheets:
        ws = wb[sheet.title]
        for col in sheet.columns:
            width = ws.column_dimensions[column_letter(sheet, col.key)].width
            assert 5 <= width <= 40, f"{sheet.title} {col.header}: {width}"


def test_headers_and_formulas_locked_inputs_open_on_protected_sheets(wb, schema):
    for sheet, col, _row, _is_head, cell in each_data_cell(wb, schema):
        typed = not is_formula(cell.value) and col.kind != LABEL
        assert cell.protection.locked is not typed, f"{sheet.title}!{cell.coordinate}"
    for ws in wb:
        assert ws.protection.sheet, ws.title
        assert all(c.protection.locked for c in ws[1])  # titles locked
    for sheet in schema.sheets:
        ws = wb[sheet.title]
        assert all(c.protection.locked for c in ws[sheet.header_row])
        # Rows and columns can still be resized, sorted and filtered on a protected sheet.
        assert not ws.protection.formatRows and not ws.protection.formatColumns
        assert not ws.protection.sort and not ws.protection.autoFilter
    guide = wb["填报说明"]
    assert guide[schema.recommender_cell].protection.locked is False


def test_rows_on_other_sheets_pick_their_base_or_studio_from_a_dropdown(wb, schema):
    for sheet in schema.sheets:
        for col in sheet.columns:
            if col.kind == CHOICE and col.choices.startswith("@"):
                other, key = col.choices[1:].split(".")
                dvs = [dv for dv in wb[sheet.title].data_validations.dataValidation
                       if dv.formula1 == "=" + data_range(schema.sheet(other), key)]
                assert dvs, f"{sheet.title} {col.header}"
    linked = {(s.key, c.key) for s in schema.sheets for c in s.columns if c.choices and c.choices.startswith("@")}
    assert linked >= {("conditions", "unit"), ("funding", "unit"), ("majors", "unit"), ("masters", "leader")}


def test_the_recommender_is_picked_once_on_the_guide(tmp_path, policy, schema):
    out = write_template(tmp_path / "t.xlsx", policy, "大同市教育局")
    wb = load_workbook(out)
    assert wb["填报说明"][schema.recommender_cell].value == "大同市教育局"
    bases = schema.sheet("bases")
    assert "'填报说明'!$C$3" in wb[bases.title][f"{column_letter(bases, 'recommender')}{bases.first_row}"].value
