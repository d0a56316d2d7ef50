"""The worksheet functions that run the engine — =SB_CHECK, =SB_IDCARD, =SB_USCC — called as Excel calls
them (numbers as float, blanks as None, formula cells as their results) and compared with what the
engine finds on the same data."""

from __future__ import annotations

import datetime as dt
import functools
import re

import pytest
from conftest import SAMPLE_FILES, requires_libreoffice
from openpyxl import load_workbook

from macros_py.addin import functions as xl_functions
from macros_py.addin.functions import SB_CHECK, SB_IDCARD, SB_USCC
from macros_py.addin.table_check import HEADER_LABEL, check_table, row_message, table_messages
from macros_py.check.engine import check_submission
from macros_py.model.submission import LAYOUT_TEMPLATE, Record, Submission, Table
from macros_py.policy.values import coerce
from macros_py.read.grid import column_name
from macros_py.read.workbook import read_submission
from macros_py.write.libreoffice import convert
from macros_py.write.samples import id_check

# 专业预算 against 经费预算: a rule over two tables, which SB_CHECK over one table cannot see.
CROSS_TABLE = {"B-MAJOR-BUDGET"}


def _as_excel(value):
    """A cell value as xlwings hands it to a function: numbers as float, dates as datetime."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


@functools.cache
def _workbook(path):
    return load_workbook(path)


def excel_values(path, sheet, sub) -> list[list]:
    """The table's range from its header row down, as Excel shows it: a formula cell holds its result,
    here the value the engine computed for that cell ("" in rows left empty)."""
    ws = _workbook(path)[sheet.title]
    computed = {cell: rec.values.get(key) for rec in sub.rows(sheet.key) for key, cell in rec.cells.items()}
    rows = []
    for row in ws.iter_rows(min_row=sheet.header_row, max_row=sheet.last_row, max_col=len(sheet.columns)):
        line = []
        for c in row:
            value = c.value
            if isinstance(value, str) and value.startswith("="):
                value = computed.get(c.coordinate)
                value = "" if value is None else value
            line.append(_as_excel(value))
        rows.append(line)
    return rows


def assert_rows_agree(per_row, header, sheet, engine, where):
    for row, found in enumerate(per_row[header + 1:], start=sheet.header_row + 1):
        mine = sorted((f.rule, f.cell, f.message) for f in found)
        theirs = sorted((f.rule, f.cell, f.message) for f in engine
                        if f.sheet == sheet.title and f.row == row and f.rule not in CROSS_TABLE)
        assert mine == theirs, f"{where} {sheet.title} 第 {row} 行"


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name[:2])
def test_sb_check_gives_each_row_the_engines_findings(path, policy, schema):
    sub = read_submission(path, policy)
    engine = check_submission(sub, policy)
    for sheet in schema.sheets:
        values = excel_values(path, sheet, sub)
        per_row, header = check_table(values)
        assert header == 0 and per_row[0] == []
        assert_rows_agree(per_row, header, sheet, engine, path.name)
        texts = [text for [text] in SB_CHECK(values)]
        assert len(texts) == len(values) and texts[0] == HEADER_LABEL
        assert texts[1:] == [row_message(found) for found in per_row[1:]]


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """Three samples with their formulas computed by a real spreadsheet engine (one soffice call)."""
    chosen = [p for p in SAMPLE_FILES if p.name[:2] in ("01", "02", "05")]
    return dict(zip(chosen, convert(chosen, tmp_path_factory.mktemp("recalc")), strict=True))


@requires_libreoffice
def test_sb_check_on_values_a_spreadsheet_computed(recalculated, policy, schema):
    for original, computed in recalculated.items():
        engine = check_submission(read_submission(original, policy), policy)
        wb = load_workbook(computed, data_only=True)
        for sheet in schema.sheets:
            ws = wb[sheet.title]
            values = [[_as_excel(v) for v in row] for row in ws.iter_rows(
                min_row=sheet.header_row, max_row=sheet.last_row, max_col=len(sheet.columns), values_only=True)]
            per_row, header = check_table(values)
            assert_rows_agree(per_row, header, sheet, engine, original.name)


def test_sb_check_message_style_and_the_funding_tier_the_table_carries(policy, schema):
    path = next(p for p in SAMPLE_FILES if p.name.startswith("02"))
    sub = read_submission(path, policy)
    texts = table_messages(excel_values(path, schema.sheet("conditions"), sub))
    assert texts[1] == "错误 B-RATIO 师生比 1:25，每名教师对应的学员超过 20 名（要求 1:16–1:20）。"
    assert set(texts[2:]) == {""}
    # 经费预算 alone: the tier it shows (looked up from 附件7 by the workbook) is what B-SUBSIDY needs.
    path = next(p for p in SAMPLE_FILES if p.name.startswith("01"))
    texts = table_messages(excel_values(path, schema.sheet("funding"), read_submission(path, policy)))
    assert texts[1].startswith("错误 B-SUBSIDY 上级财政补助合计 30 万元")


def test_sb_check_numbers_rows_as_the_worksheet_does(policy, schema):
    sheet = schema.sheet("bases")
    path = SAMPLE_FILES[0]
    values = excel_values(path, sheet, read_submission(path, policy))
    values[2] = list(values[1])  # sheet row 5 repeats row 4
    assert "与第 4 行重复" in table_messages(values)[2]
    # With the title rows included (A1:N53) the header is found two rows down: rows keep their numbers.
    ws = load_workbook(path)[sheet.title]
    titled = [[_as_excel(v) for v in r] for r in ws.iter_rows(min_row=1, max_row=2, max_col=len(sheet.columns),
                                                             values_only=True)] + values
    texts = table_messages(titled)
    assert texts[:3] == ["", "", HEADER_LABEL] and "与第 4 行重复" in texts[4]
    # Elsewhere on a sheet: the first row's number says where.
    assert "与第 11 行重复" in table_messages(values, first_row=10.0)[2]


def test_sb_check_without_a_table_header_says_so_in_chinese():
    with pytest.raises(ValueError, match="找不到申报表的表头"):
        SB_CHECK([[1.0, 2.0], [3.0, 4.0]])


def engine_finding(sheet_key: str, key: str, value, rule: str, policy, schema):
    """What the engine says about `value` typed in column `key` of one row of a table."""
    sheet = schema.sheet(sheet_key)
    col = sheet.column(key)
    index = sheet.keys().index(key)
    table = Table(sheet_key, sheet.title, sheet.header_row, {key: col.header}, {key: index}, "A3")
    cell = f"{column_name(index)}{sheet.first_row}"
    rec = Record(sheet_key, sheet.title, sheet.first_row, {key: coerce(value, col, policy)}, {key: cell})
    sub = Submission(path="", name="t.xlsx", sha256="", size=0, layout=LAYOUT_TEMPLATE,
                     tables={sheet_key: [table]}, sheets={sheet_key: [rec]})
    return [f for f in check_submission(sub, policy, [rule]) if f.cell == cell]


def _id(body17: str) -> str:
    return body17 + id_check(body17)


def _wrong(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


ID_NUMBERS = [
    _id("14021319900207184"),                 # valid
    _id("14022119750312123").lower(),         # valid, typed with a small x if any
    " " + _id("14021320000312123") + " ",     # valid, spaces around
    _wrong(_id("14021319900207184")),         # check digit wrong
    _id("14021319900207184")[:-1],            # 17 digits
    "14021A199002071844",                     # a letter inside
    _id("14022119751332123"),                 # month 13
    _id("14022120990312123"),                 # born in 2099
    _id("99999919750312123"),                 # region code in no table: a 提示, the number is valid
    140213199002071844.0,                     # stored as a number
]


@pytest.mark.parametrize("value", ID_NUMBERS, ids=range(len(ID_NUMBERS)))
def test_sb_idcard_says_what_the_engine_says(value, policy, schema):
    found = [f for f in engine_finding("masters", "id_number", value, "S-ID", policy, schema) if f.severity != "提示"]
    assert SB_IDCARD(value) == (found[0].message if found else "有效")


USCC = ["911402006C3D1K0HGA", "911402006c3d1k0hga", "911402006C3D1K0HGB", "91140200", "ABCDEFGH6C3D1K0HGA",
        "91140200OC3D1K0HGA", 9.11402006e17]


@pytest.mark.parametrize("value", USCC, ids=range(len(USCC)))
def test_sb_uscc_says_what_the_engine_says(value, policy, schema):
    found = engine_finding("bases", "uscc", value, "C-USCC", policy, schema)
    assert SB_USCC(value) == (found[0].message if found else "有效")


def test_identifier_functions_are_blank_for_blank_cells():
    assert SB_IDCARD(None) == SB_IDCARD("  ") == SB_USCC(None) == SB_USCC("") == ""
    assert SB_IDCARD(_id("14021319900207184")) == SB_USCC("911402006C3D1K0HGA") == "有效"


def test_every_function_explains_itself_in_chinese_within_excels_limit():
    import inspect

    source = inspect.getsource(xl_functions)
    for name in (n for n in vars(xl_functions) if n.startswith("SB_")):
        doc = getattr(xl_functions, name).__doc__
        assert re.search("[\u4e00-\u9fff]", doc) and len(doc) <= 255, name
    # Every argument's help (what the function wizard shows beside the box) is Chinese too.
    docs = re.findall(r'@xw\.arg\("\w+"(?:, ndim=2)?, doc="([^"]+)"\)', source)
    assert len(docs) >= 10 and all(re.search("[\u4e00-\u9fff]", d) for d in docs)
