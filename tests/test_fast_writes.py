"""The fast ways of writing a workbook (issue 10, §11). A streamed table's rows are written as XML by
write.xlsx_book (Book._stream_row), not cell by cell through XlsxWriter, which cost most of a big
master's time; and a package written again (the master's pivot tables) is deflated once. The rows must be
what XlsxWriter writes for the same cells, read back the same by openpyxl and by LibreOffice, and text
must stay text whatever it holds."""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from macros_py.write.template import document_time
from macros_py.write.xlsx_book import CELL_LIMIT, Book, text_width, wrapped_lines
from tests.conftest import requires_libreoffice

HEADERS = ["文本", "数字", "其他"]
# Texts XlsxWriter treats specially: whitespace to preserve, XML characters, control characters
# (written _xHHHH_), a literal escape, non-characters, characters outside the BMP, formula-like text,
# an ID number (masked), a text longer than a cell, and line breaks.
TEXTS = [" 前导空格", "末尾空格 ", "a & b < c > d \"引号\"", "控制\x01字符\x1f", "字面 _x0041_ 转义",
         "非字符\ufffe\uffff", "𠀀𠀁 astral", "=SUM(A1:A3)", "+86 电话", "-减号", "@提及",
         "身份证 110101199003074477 在此", "第一行\n第二行\r\n第三行", "\t制表", "x" * (CELL_LIMIT + 50), "普通"]
NUMBERS = [12, -3.25, 1e15, 0.1, 7, None, ""]
OTHERS = [12, -3.25, True, False, dt.date(2025, 3, 1), dt.datetime(2025, 3, 1, 8, 30), None, "", 0.5]


def _rows() -> list[list]:
    return [[text, NUMBERS[i % len(NUMBERS)], OTHERS[i % len(OTHERS)]] for i, text in enumerate(TEXTS)]


def _sheet_rows(path, part: str) -> list[str]:
    xml = zipfile.ZipFile(path).read(part).decode()
    return re.findall(r"<row [^>]*>.*?</row>|<row [^>]*/>", xml, re.S)


def test_a_streamed_row_is_the_xml_xlsxwriter_writes_for_the_same_cells(tmp_path, policy):
    """The same book writes the rows twice: as a streamed table (our XML) and cell by cell on another
    streamed sheet (XlsxWriter's own constant_memory writer), with the same formats and heights."""
    book = Book(document_time(policy), "测试")
    fast = book.sheet("表", stream=True)
    rows = _rows()
    book.table(fast, "数据表", HEADERS, rows, formats=[None, "0.00", None], widths=[12, 10, 12], wrap={0},
               heights={2: 40.0})
    slow = book.sheet("逐格", stream=True)
    cols = book._cell_formats(HEADERS, [None, "0.00", None], {0}, {})
    for c, h in enumerate(HEADERS):
        book.write(slow, 0, c, h)
    from macros_py.write.xlsx_book import line_height, wrapped_lines

    for r, values in enumerate(rows, start=1):
        n = wrapped_lines(values[0], 12)
        if r - 1 == 2:
            slow.set_row(r, 40.0)
        elif n > 1:
            slow.set_row(r, line_height(n))
        for c, value in enumerate(values):
            if value is not None and value != "":
                book.write(slow, r, c, value, cols[c])
    path = book.save(tmp_path / "两种写法.xlsx")
    ours, theirs = _sheet_rows(path, "xl/worksheets/sheet1.xml"), _sheet_rows(path, "xl/worksheets/sheet2.xml")
    assert len(ours) == len(rows) + 1
    assert ours[1:] == theirs[1:]          # the header row differs only by add_table's header formats
    assert 'ht="39.75"' in ours[3]   # 40 points, as XlsxWriter rounds it to whole pixels
    assert 'customHeight="1"' in ours[3]
    assert "_x0001_" in ours[4] and "_x005F_x0041_" in ours[5] and "_xFFFE__xFFFF_" in ours[6]
    assert 'xml:space="preserve"' in ours[1] and 'xml:space="preserve"' in ours[2]


def _book(path, policy) -> None:
    book = Book(document_time(policy), "测试")
    ws = book.sheet("表", stream=True)
    book.table(ws, "数据表", HEADERS, _rows(), formats=[None, "0.00", None], widths=[12, 10, 12], wrap={0})
    book.save(path)


def _expected(value):
    if isinstance(value, str) and "110101199003074477" in value:
        return value.replace("110101199003074477", "110101********4477")
    if isinstance(value, str) and len(value) > CELL_LIMIT:
        return "cut"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    return None if value == "" else value


def _as_excel_reads(text):
    """openpyxl leaves the _xHHHH_ escapes as they are; Excel and LibreOffice read them as characters."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text) if isinstance(text, str) else text


def test_openpyxl_reads_every_cell_back_as_written(tmp_path, policy):
    _book(tmp_path / "表.xlsx", policy)
    ws = openpyxl.load_workbook(tmp_path / "表.xlsx")["表"]
    got = [[_as_excel_reads(c.value) for c in row] for row in ws.iter_rows(min_row=2, max_col=3)]
    for want, have in zip(_rows(), got, strict=True):
        for w, h in zip(want, have, strict=True):
            expected = _expected(w)
            if expected == "cut":
                assert len(h) == CELL_LIMIT and "超过 Excel 单元格上限" in h
            elif isinstance(expected, str):
                assert h == expected
            else:
                assert h == expected, (w, h)
    quoted = {c.value: c.quotePrefix for c in ws["A"][1:]}
    assert quoted["=SUM(A1:A3)"] and quoted["+86 电话"] and quoted["-减号"] and quoted["@提及"]
    assert not quoted["普通"]


INJECTED = '<r><t>注入</t></r></is></c><c r="Z9" t="inlineStr"><is><t>外来</t></is></c><is><r><t>x</t></r>'


def test_rich_text_markup_in_a_value_stays_text(tmp_path, policy):
    """XlsxWriter writes a constant_memory string that reads <r>…</r> unescaped, as rich-text XML:
    a clerk's text like that broke the master (measured: openpyxl could not parse it) or became other
    cells. In a streamed table (our rows) and in a cell written one by one on a streamed sheet (the
    master's 附件7 form, 大师身份信息), and on a sheet held whole, it stays the text it is."""
    book = Book(document_time(policy), "测试")
    book.table(book.sheet("表", stream=True), "数据表", ["文本"], [[INJECTED], ["后一行"]])
    for name, stream in (("逐格", True), ("整表", False)):
        ws = book.sheet(name, stream=stream)
        book.write(ws, 0, 0, INJECTED, book.fmt(bold=True))
        book.write(ws, 1, 0, INJECTED)
        book.write(ws, 2, 0, "后一行")
    path = book.save(tmp_path / "标记.xlsx")
    wb = openpyxl.load_workbook(path, rich_text=False)
    assert wb["表"]["A2"].value == INJECTED and wb["表"]["A3"].value == "后一行" and wb["表"]["Z9"].value is None
    for name in ("逐格", "整表"):
        ws = wb[name]
        assert [ws["A1"].value, ws["A2"].value, ws["A3"].value] == [INJECTED, INJECTED, "后一行"]
        assert ws["Z9"].value is None and ws["A1"].font.b


@requires_libreoffice
def test_libreoffice_reads_the_streamed_rows_as_written(tmp_path, policy):
    """The texts as LibreOffice holds them (its CSV export: its own .xlsx export writes a literal
    _x0041_ unescaped, so a round trip through .xlsx cannot tell), the rest from its .xlsx."""
    import csv

    from macros_py.write.libreoffice import convert

    _book(tmp_path / "表.xlsx", policy)
    (text_csv,) = convert([tmp_path / "表.xlsx"], tmp_path / "csv", fmt="csv")
    texts = [row[0] for row in csv.reader(text_csv.read_text(encoding="utf-8").splitlines(keepends=True))][1:]
    assert len(texts) == len(TEXTS)
    for want, have in zip(TEXTS, texts, strict=True):
        expected = _expected(want)
        if expected == "cut":
            assert len(have) == CELL_LIMIT and "超过 Excel 单元格上限" in have
        else:
            assert have.replace("\r", "") == expected.replace("\r", ""), (want, have)
    (saved,) = convert([tmp_path / "表.xlsx"], tmp_path / "lo")
    ws = openpyxl.load_workbook(saved, data_only=True)["表"]   # LibreOffice saves a boolean as =TRUE()
    got = [[c.value for c in row] for row in ws.iter_rows(min_row=2, min_col=2, max_col=3)]
    for want, have in zip(_rows(), got, strict=True):
        for w, h in zip(want[1:], have, strict=True):
            e = _expected(w)
            if isinstance(e, bool | None | dt.datetime):
                assert h == e, (w, h)
            else:
                assert h == pytest.approx(e), (w, h)


def test_a_package_written_again_is_stored_first_and_deflated_once(tmp_path, policy):
    """Book.save with a transform (the master's pivot tables) has XlsxWriter store its parts, which the
    transform deflates as it copies them; without one the parts are deflated; either way XlsxWriter's
    own setting is back afterwards (the feedback books written after a master are deflated)."""
    import shutil

    import xlsxwriter.workbook

    seen = {}

    def copy(package, out):
        seen.update({i.filename: i.compress_type for i in zipfile.ZipFile(package).infolist()})
        package.seek(0)
        shutil.copyfileobj(package, out)

    for name, transform in (("再写.xlsx", copy), ("直接.xlsx", None)):
        book = Book(document_time(policy), "测试")
        book.table(book.sheet("表", stream=True), "数据表", HEADERS, _rows())
        book.save(tmp_path / name, transform)
        assert xlsxwriter.workbook.ZIP_DEFLATED == zipfile.ZIP_DEFLATED
    assert seen and set(seen.values()) == {zipfile.ZIP_STORED}
    direct = {i.compress_type for i in zipfile.ZipFile(tmp_path / "直接.xlsx").infolist()}
    assert direct == {zipfile.ZIP_DEFLATED}
    ws = openpyxl.load_workbook(tmp_path / "再写.xlsx")["表"]
    assert ws["A17"].value == "普通"


def test_a_clerks_rich_text_markup_reaches_the_master_and_the_feedback_as_text(tmp_path, policy):
    """End to end: a county types <r>…</r> markup into 其他荣誉 and into a base's 申报专业. The merge
    writes the master (its 工作室汇总 table, its 附件7/附件8 forms cell by cell) and the feedback books;
    every one opens, and holds the text as typed."""
    from macros_py.jobs.merge import run_merge
    from macros_py.write.fill import write_filled
    from macros_py.write.samples import generate

    sample = next(s for s in generate(policy) if not s.breaks and s.data["studios"] and s.data["bases"])
    data = sample.data
    data["studios"][0]["other_honours"] = INJECTED
    data["bases"][0]["majors"] = INJECTED
    inbox = tmp_path / "收件"
    inbox.mkdir()
    write_filled(inbox / sample.name, data, policy)
    run_merge(inbox, tmp_path / "出" / "汇总.xlsx", policy, feedback=tmp_path / "出" / "反馈")
    wb = openpyxl.load_workbook(tmp_path / "出" / "汇总.xlsx", rich_text=False)
    for sheet in ("工作室汇总", "附件8", "基地汇总", "附件7"):
        texts = [c.value for row in wb[sheet].iter_rows() for c in row]
        assert INJECTED in texts, sheet
        assert "外来" not in texts, sheet
    for book in (tmp_path / "出" / "反馈").glob("*.xlsx"):
        openpyxl.load_workbook(book)   # opens: no markup became XML


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.none(), st.text(max_size=80), st.integers(), st.floats(allow_nan=False)),
       st.floats(min_value=0, max_value=120))
def test_a_row_height_is_measured_the_same_without_measuring_short_cells(value, width):
    """wrapped_lines answers 1 for a text too short to wrap at any character width, without measuring
    it: the same answer as measuring every part."""
    usable = max(width - 0.8, 1.0)
    measured = 1 if value is None or value == "" else \
        sum(max(1, math.ceil(text_width(part) / usable)) for part in str(value).split("\n"))
    assert wrapped_lines(value, width) == measured
