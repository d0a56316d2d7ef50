"""County PCs run Excel 2010–2016 and WPS: only their functions, inside Excel's limits; and every
closed list, number and county-side rule is carried by the workbook itself."""

from __future__ import annotations

import re

import pytest
from cf_probe import missing_formats
from conftest import TEMPLATE
from openpyxl import load_workbook
from openpyxl.formula.tokenizer import Tokenizer
from openpyxl.utils import range_boundaries
from workbook_rows import is_formula

from macros_py.model.paths import PROJECT_ROOT
from macros_py.policy.schema import CHOICE, DATE, INT, MONTH, NUMBER, PERCENT

# Functions of Excel 2010 that a county workbook may reasonably use (all exist in WPS and in
# LibreOffice). Anything newer — LET, LAMBDA, XLOOKUP, FILTER, TEXTJOIN, IFS, CONCAT, MAXIFS… —
# is missing on Excel 2010–2016 and shows #NAME? there.
EXCEL_2010 = set("""
ABS AND AVERAGE AVERAGEIF AVERAGEIFS CEILING CHAR CHOOSE CLEAN CODE COLUMN COLUMNS CONCATENATE COUNT
COUNTA COUNTBLANK COUNTIF COUNTIFS DATE DATEDIF DATEVALUE DAY EDATE EOMONTH EXACT FALSE FIND FLOOR HLOOKUP
IF IFERROR INDEX INDIRECT INT ISBLANK ISERR ISERROR ISEVEN ISLOGICAL ISNA ISNONTEXT ISNUMBER ISODD ISTEXT
LARGE LEFT LEN LOOKUP LOWER MATCH MAX MID MIN MOD MONTH N NOT NOW OFFSET OR PROPER REPLACE REPT RIGHT
ROUND ROUNDDOWN ROUNDUP ROW ROWS SEARCH SMALL SUBSTITUTE SUM SUMIF SUMIFS SUMPRODUCT T TEXT TODAY TRIM
TRUE TRUNC UPPER VALUE VLOOKUP WEEKDAY YEAR
""".split())
NEWER = {"LET", "LAMBDA", "XLOOKUP", "XMATCH", "FILTER", "SORT", "SORTBY", "UNIQUE", "SEQUENCE", "RANDARRAY",
         "TEXTJOIN", "CONCAT", "IFS", "SWITCH", "MAXIFS", "MINIFS", "TEXTBEFORE", "TEXTAFTER", "TEXTSPLIT"}
assert not EXCEL_2010 & NEWER

# County-side rules the workbook carries by construction rather than by a conditional format:
# the value is computed, so it cannot be typed wrong.
BY_CONSTRUCTION = {
    "B-SUMS": "表4-2 的行合计和合计行都是公式",
    "B-SHARES": "比例（%）都是公式",
    "S-SIZE": "工作室规模由面积和人数两个数字列拼成",
    "C-RECOMMENDER": "推荐单位是政策文件名单的下拉框（填写名单外的名称时弹出警告）",
}
# County-side rules about the file as a whole, which a cell's colour cannot say: check and merge report them.
WHOLE_FILE = {
    "C-EMPTY": "空白的工作簿正是等人填写的样子，标红没有意义；校验和汇总时报告为错误",
    "C-VALUE": "读取时才知道的事（文字要怎样理解、超出一个格子能放的长度），公式无从判断；校验和汇总时在格子上报告",
}
# County-side rules about how a file was read, which no conditional format can show: a hidden or
# struck-through row, a hidden sheet (C-HIDDEN). (C-VALUE, decided while reading too, is above.)
READ_ONLY = {"C-HIDDEN"}


@pytest.fixture(scope="module")
def wb():
    return load_workbook(TEMPLATE)


def all_formulas(wb):
    """(where, formula) for every cell formula, conditional format and validation list."""
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if is_formula(cell.value):
                    yield f"{ws.title}!{cell.coordinate}", cell.value
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                yield f"{ws.title} 条件格式 {cf.sqref}", "=" + rule.formula[0]
        for dv in ws.data_validations.dataValidation:
            for formula in (dv.formula1, dv.formula2):
                if formula:
                    yield f"{ws.title} 数据验证 {dv.sqref}", formula if formula.startswith("=") else "=" + formula


def functions_and_depth(formula: str) -> tuple[set[str], int]:
    names, depth, deepest = set(), 0, 0
    for token in Tokenizer(formula).items:
        if token.type == "FUNC" and token.subtype == "OPEN":
            names.add(token.value[:-1].upper().removeprefix("_XLFN."))
            depth += 1
            deepest = max(deepest, depth)
        elif token.type == "FUNC" and token.subtype == "CLOSE":
            depth -= 1
    return names, deepest


def test_only_excel_2010_functions_within_length_and_nesting_limits(wb):
    for where, formula in all_formulas(wb):
        names, depth = functions_and_depth(formula)
        assert names <= EXCEL_2010, f"{where}: {sorted(names - EXCEL_2010)} not in Excel 2010"
        assert len(formula) <= 8192, where
        assert depth <= 64, where


def test_sheet_names_fit_excel(wb):
    for name in wb.sheetnames:
        assert 1 <= len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name), name
        assert not name.startswith("'") and not name.endswith("'")


def test_table_names_are_valid_and_unique(wb):
    names = [name for ws in wb for name in ws.tables]
    assert len({n.casefold() for n in names}) == len(names)
    for name in names:
        assert re.fullmatch(r"[A-Za-z_\\\u4e00-\u9fff][\w.\u4e00-\u9fff]{0,254}", name), name
        # not a cell reference (A1 or R1C1) and not the reserved names C and R
        assert not re.fullmatch(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*|[CcRr]", name), name
    defined = {n.casefold() for n in wb.defined_names}
    assert not defined & {n.casefold() for n in names}


def test_validation_titles_and_texts_fit_excel(wb):
    for ws in wb:
        for dv in ws.data_validations.dataValidation:
            for title in (dv.promptTitle, dv.errorTitle):
                assert title is None or len(title) <= 32, (ws.title, title)
            for text in (dv.prompt, dv.error):
                assert text is None or len(text) <= 255, (ws.title, text)
            if dv.type == "list" and dv.formula1.startswith('"'):
                assert len(dv.formula1) - 2 <= 255, (ws.title, dv.formula1)  # a literal list


def validations_of(ws, sheet, col):
    """The validations on the input cells of `col`, and those cells (not the input messages alone
    that its formula cells carry)."""
    letter = re.escape(sheet_letter(sheet, col))
    found = [dv for dv in ws.data_validations.dataValidation if dv.type is not None
             and all(re.fullmatch(rf"{letter}\d+(:{letter}\d+)?", r) for r in str(dv.sqref).split())]
    cells = set()
    for dv in found:
        for r in str(dv.sqref).split():
            _, r1, _, r2 = range_boundaries(r)
            cells |= set(range(r1, r2 + 1))
    return found, cells


def sheet_letter(sheet, col):
    from macros_py.policy.formula_text import column_letter

    return column_letter(sheet, col.key)


def input_rows(ws, sheet, col) -> set[int]:
    letter = sheet_letter(sheet, col)
    return {r for r in range(sheet.first_row, sheet.last_row + 1) if not is_formula(ws[f"{letter}{r}"].value)
            and ws[f"{letter}{r}"].protection.locked is False}


@pytest.mark.parametrize("kinds, dv_type", [((CHOICE,), "list"), ((INT,), "whole"), ((NUMBER, PERCENT), "decimal"),
                                            ((DATE, MONTH), "date")])
def test_every_closed_list_and_number_column_is_validated_on_all_its_input_cells(wb, schema, kinds, dv_type):
    checked = 0
    for sheet in schema.sheets:
        ws = wb[sheet.title]
        for col in sheet.columns:
            if col.kind not in kinds:
                continue
            dvs, cells = validations_of(ws, sheet, col)
            assert [dv.type for dv in dvs] == [dv_type], f"{sheet.title} {col.header}"
            assert cells == input_rows(ws, sheet, col), f"{sheet.title} {col.header}"
            dv = dvs[0]
            assert dv.showErrorMessage and re.search(r"[\u4e00-\u9fff]", dv.error or ""), f"{sheet.title} {col.header}"
            assert dv.showInputMessage and re.search(r"[\u4e00-\u9fff]", dv.prompt or ""), f"{sheet.title} {col.header}"
            assert dv.errorTitle and dv.promptTitle
            if dv_type == "list":
                assert re.match(r"='?(下拉列表|附件[78] )", dv.formula1), dv.formula1  # a range, never a literal
            checked += 1
    assert checked


def test_fixed_length_texts_are_validated(wb, schema):
    for sheet in schema.sheets:
        for col in sheet.columns:
            if col.length:
                dvs, _ = validations_of(wb[sheet.title], sheet, col)
                assert [(dv.type, dv.formula1) for dv in dvs] == [("textLength", str(col.length))], col.header


def test_every_check_of_the_schema_has_its_conditional_format(wb, policy):
    assert missing_formats(wb, policy) == []


def county_rules() -> set[str]:
    """County-side rule IDs of RULES.md."""
    ids = set()
    for line in (PROJECT_ROOT / "docs" / "RULES.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 3 and "county" in cells:
            ids |= {part.strip() for part in cells[0].split(",") if re.fullmatch(r"[A-Z]-[A-Z-]+", part.strip())}
    return ids


def test_every_county_side_rule_shows_without_the_add_in(schema):
    rules = county_rules()
    assert {"B-REQ", "B-RATIO", "S-ID", "C-EMAIL", "C-POSTCODE"} <= rules
    checked = {check.rule for sheet in schema.sheets for check in sheet.checks}
    assert rules - checked - READ_ONLY == set(BY_CONSTRUCTION) | set(WHOLE_FILE), \
        "county rules with neither a check nor a formula"
    assert checked <= rules, "checks for rules that RULES.md does not list as county-side"


def test_conditional_formats_use_absolute_columns(wb):
    """A format over several columns is applied from its first cell; with every column absolute the
    order in which a file lists the ranges cannot change what a cell shows."""
    for ws in wb:
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                for token in Tokenizer("=" + rule.formula[0]).items:
                    if token.type == "OPERAND" and token.subtype == "RANGE":
                        ref = token.value.split("!")[-1]
                        for part in ref.split(":"):
                            assert part.startswith("$"), f"{ws.title} {cf.sqref}: {token.value}"
