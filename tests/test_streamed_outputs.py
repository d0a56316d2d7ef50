"""The low-memory forms of a merge's data and outputs (issue 11, memory) give what the whole forms gave:
a streamed sheet the same table, cells and row heights; the summary's JSON pieces the same text as
json.dumps; the HTML masker the same page as masking it whole; compact rows the same values."""

from __future__ import annotations

import json
import pickle
import random

import openpyxl
import pytest

from macros_py.model.privacy import check_character, mask_data, mask_ids, mask_stream
from macros_py.model.submission import RowCells, RowValues
from macros_py.model.summary import MergeSummary
from macros_py.write.template import document_time
from macros_py.write.xlsx_book import Book
from tests.summary_factory import make_summary

HEADERS = ["推荐单位", "说明", "金额", "日期"]


def _rows(n: int) -> list[list]:
    import datetime as dt

    rnd = random.Random(n)
    return [[f"单位{i}", "很长的说明文字" * rnd.randrange(1, 9) if i % 3 else "=1+1", i * 1.5 if i % 4 else None,
             dt.date(2025, 1 + i % 12, 1)] for i in range(n)]


def _book(path, policy, stream: bool) -> None:
    book = Book(document_time(policy), "测试")
    ws = book.sheet("数据", stream=stream)
    rows = _rows(300)
    book.table(ws, "数据表", HEADERS, rows, formats=[None, None, "0.00", "yyyy-mm-dd"], widths=[10, 12, 8, 11],
               wrap={0, 1}, heights={5: 42.0})
    book.save(path)


def _seen(path) -> list:
    ws = openpyxl.load_workbook(path)["数据"]
    cells = [(c.coordinate, c.value, c.number_format, c.alignment.wrap_text, c.font.b, c.quotePrefix)
             for row in ws.iter_rows() for c in row]
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
    tables = [(t.name, t.ref, [c.name for c in t.tableColumns]) for t in ws.tables.values()]
    return [cells, heights, tables, str(ws.freeze_panes), {k: d.width for k, d in ws.column_dimensions.items()}]


def test_a_streamed_sheet_holds_the_same_table_cells_and_heights(tmp_path, policy):
    _book(tmp_path / "whole.xlsx", policy, stream=False)
    _book(tmp_path / "streamed.xlsx", policy, stream=True)
    whole, streamed = _seen(tmp_path / "whole.xlsx"), _seen(tmp_path / "streamed.xlsx")
    assert streamed == whole
    cells, heights, tables = streamed[:3]
    assert tables == [("数据表", "A1:D301", HEADERS)]
    assert heights[7] == 42.0 and heights[3] > 15                  # the row given a height; a wrapped one
    assert ("B2", "=1+1", "General", True, False, True) in cells    # formula-like text stays text, quoted


def test_the_summary_json_pieces_are_json_dumps_of_the_whole(policy):
    s = make_summary(policy, 40)
    whole = mask_data(s.to_dict())
    assert "".join(s.json_chunks(indent=1)) == json.dumps(whole, ensure_ascii=False, indent=1) == s.to_json()
    assert "".join(s.json_chunks()) == json.dumps(whole, ensure_ascii=False, separators=(",", ":"))
    empty = MergeSummary(2025, "通知", "2025-12-31", "收件", [], 0, 0, 0, [])
    assert "".join(empty.json_chunks(indent=1)) == json.dumps(empty.to_dict(), ensure_ascii=False, indent=1)


def _id_number(rnd: random.Random) -> str:
    first = f"140214{rnd.randrange(1950, 2005)}0{rnd.randrange(1, 10)}1{rnd.randrange(0, 10)}{rnd.randrange(100, 999)}"
    return first + check_character(first)


@pytest.mark.parametrize("size", [1, 7, 40, 1 << 16])
def test_masking_a_page_piece_by_piece_masks_every_id_number_as_masking_it_whole(size):
    rnd = random.Random(size)
    for _ in range(200):
        parts = [rnd.choice([_id_number(rnd), "<td>", "号码", "X", " ", "12", "9" * rnd.randrange(20)])
                 for _ in range(rnd.randrange(1, 40))]
        text = "".join(parts)
        cuts = sorted(rnd.sample(range(len(text) + 1), min(len(text) + 1, rnd.randrange(1, 30))))
        pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        assert "".join(mask_stream(pieces, size)) == mask_ids(text)


def test_compact_rows_read_and_change_like_the_dicts_they_stand_for():
    values = RowValues({"unit": 0, "tier": 1}, ("甲培训中心", None))
    assert values == {"unit": "甲培训中心", "tier": None} and values.get("tier", "x") is None and "tier" in values
    values["tier"] = "A"
    values["note"] = "补"
    assert dict(values) == {"unit": "甲培训中心", "tier": "A", "note": "补"}
    other = RowValues({"unit": 0, "tier": 1}, ("乙", None))
    assert dict(other) == {"unit": "乙", "tier": None}              # its shared index is unchanged
    assert pickle.loads(pickle.dumps(values)) == values
    cells = RowCells({"unit": "B", "tier": "AA"}, 12)
    assert dict(cells) == {"unit": "B12", "tier": "AA12"} and cells.get("x") is None
    with pytest.raises(TypeError):
        cells["unit"] = "C12"
