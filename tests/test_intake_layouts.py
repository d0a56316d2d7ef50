"""Intake (issue 10 §2): tables laid out as clerks lay them out, merged by the real `shenbao merge` from
forms typed by hand (tests/clerk_typed.py's typing helpers). Every project lands in the master, in its
own columns, under the recommender who stamped it; what is not read is said.

- 附件7 and 附件8 side by side on one sheet (附件7 in A–G, 附件8 from J, a blank column or two between):
  both are read, each in its own columns. Before, 附件8 (more columns) took the whole row, its 编号,
  项目所在地址 and 推荐单位 from 附件7's columns, and 附件7 was lost;
- 附件8 beside 附件7 with its header one line lower (on 附件7's first data row): both whole;
- 附件7 continued on a second sheet without a header (附件7（续）, or any name): its rows are read in
  the first sheet's columns, and the file is told (C-TEMPLATE continued) where;
- a visible sheet with rows like a table's that no reader takes is named, never silence: a hint
  (C-TEMPLATE unread_other), or a warning right after a table (unread), where it is most likely a
  continuation typed in other columns than the header's (its name column holds 政府办), not misread;
- a table with blank columns inside it is still one table (two 附件7 side by side stay two:
  tests/clerk_typed.side_by_side);
- 表4-2 of two bases side by side on one sheet: both budgets read, and the second base's tier from its
  上级财政补助.
"""

from __future__ import annotations

import openpyxl
import pytest
from clerk_typed import FOOTER, Names, type_annex7, type_annex8
from conftest import merge_corpus


def _rows(wb, sheet: str, file: str) -> list[dict]:
    rows = list(wb[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if r[rows[0].index("来源文件")] == file]


def _landed(wb, file: str, bases: list[dict], studios: list[dict] = ()) -> tuple[list[dict], list[dict]]:
    """The master's rows of `file`, once asserted to be the units and leaders typed, no more, no less."""
    base_rows, studio_rows = _rows(wb, "基地汇总", file), _rows(wb, "工作室汇总", file)
    assert sorted(r["项目单位"] for r in base_rows) == sorted(b["unit"] for b in bases)
    assert sorted(r["领办人"] for r in studio_rows) == sorted(s["leader"] for s in studios)
    return base_rows, studio_rows


def _findings(summary, file: str, rule: str) -> list[dict]:
    return [f for f in summary["findings"] if f["file"] == file and f["rule"] == rule]


def _beside(ws, studios, left: int, line: str, top: int = 1) -> None:
    """附件8 typed on a scratch sheet, then moved to start at column `left` of `ws`."""
    scratch = ws.parent.create_sheet("scratch")
    type_annex8(scratch, studios, top=top, line=line)
    for row in scratch.iter_rows():
        for c in row:
            if c.value is not None:
                ws.cell(c.row, c.column + left - 1, c.value)
    ws.parent.remove(scratch)


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    root = tmp_path_factory.mktemp("layouts")
    inbox = root / "收件"
    inbox.mkdir()
    n = Names()
    for _ in range(20):      # units of their own, not the other corpora's
        n.bases(1)
    typed = {}

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总"
    typed["beside_bases"], typed["beside_studios"] = n.bases(2), n.studios(2)
    type_annex7(ws, typed["beside_bases"], line="推荐单位：广灵县人社局")
    _beside(ws, typed["beside_studios"], left=10, line="推荐单位：广灵县人社局")
    wb.save(inbox / "广灵_左7右8.xlsx")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总"
    typed["lower_bases"], typed["lower_studios"] = n.bases(3), n.studios(2)
    type_annex7(ws, typed["lower_bases"], line="推荐单位：灵丘县人社局")
    _beside(ws, typed["lower_studios"], left=10, line="推荐单位：灵丘县人社局", top=2)   # a line lower
    wb.save(inbox / "灵丘_错行并排.xlsx")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件7"
    typed["continued"] = n.bases(5)
    _, at, _ = type_annex7(ws, typed["continued"][:3], line="推荐单位：天镇县人社局", footer=False)
    rest = wb.create_sheet("Sheet2")
    rest.cell(1, 1, "附件7（续）")
    for i, base in enumerate(typed["continued"][3:]):
        for key, col in at.items():
            value = 4 + i if key == "seq" else base.get(key)
            if value:
                rest.cell(2 + i, col, value)
    rest.cell(4, 1, FOOTER)
    notes = wb.create_sheet("说明")     # a note of a few lines: no table, not named
    notes.cell(1, 1, "以上项目均经我局审核，材料真实。")
    notes.cell(2, 1, "联系人：张三")
    notes.cell(2, 3, "电话：0352-1234567")
    other = wb.create_sheet("拟推荐")   # a list in rows that no header names: named
    for r, (unit, who, when) in enumerate((("某某职业学校", "李四", "3月"), ("某某技工学校", "王五", "4月")), start=1):
        other.cell(r, 1, unit)
        other.cell(r, 2, who)
        other.cell(r, 3, when)
    wb.save(inbox / "天镇_续页.xlsx")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件7"
    typed["shifted"] = n.bases(4)
    type_annex7(ws, typed["shifted"][:2], line="推荐单位：浑源县人社局", footer=False)
    rest = wb.create_sheet("附件7（续）")
    for i, base in enumerate(typed["shifted"][2:]):     # typed without the 编号 column: all one left
        for col, key in enumerate(("unit", "attribute", "address", "recommender", "majors"), start=1):
            if base.get(key):
                rest.cell(1 + i, col, base[key])
    wb.save(inbox / "浑源_续页错列.xlsx")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件7"
    typed["gaps"] = n.bases(2)
    type_annex7(ws, typed["gaps"], line="推荐单位：阳高县人社局", gaps=(4, 8))
    wb.save(inbox / "阳高_空列.xlsx")

    summary, wb = merge_corpus(inbox, root / "out")
    return summary, wb, typed


def test_annex7_and_annex8_side_by_side_are_both_read_each_in_its_columns(merged):
    summary, wb, typed = merged
    bases, studios = _landed(wb, "广灵_左7右8.xlsx", typed["beside_bases"], typed["beside_studios"])
    assert {r["推荐单位"] for r in bases} == {"广灵县人力资源和社会保障局"}
    want = {s["leader"]: s for s in typed["beside_studios"]}
    for r in studios:     # the studio's own address, not the 附件7 row's beside it
        assert r["项目所在地址"] == want[r["领办人"]]["address"]
        assert r["推荐单位"] == "广灵县人力资源和社会保障局"
    files = {f["name"]: f for f in summary["files"]}
    assert files["广灵_左7右8.xlsx"]["rows_merged"] == 4


def test_annex8_beside_annex7_with_its_header_a_line_lower_leaves_annex7_whole(merged):
    """Its header row is 附件7's first data row: matched with 附件7's header above, 编号 and 推荐单位
    went to 附件8, whose table then began over 附件7 and ended it before its first row."""
    _, wb, typed = merged
    bases, studios = _landed(wb, "灵丘_错行并排.xlsx", typed["lower_bases"], typed["lower_studios"])
    assert {r["推荐单位"] for r in bases + studios} == {"灵丘县人力资源和社会保障局"}


def test_a_continuation_sheet_without_a_header_is_read_and_said(merged):
    summary, wb, typed = merged
    bases, _ = _landed(wb, "天镇_续页.xlsx", typed["continued"])
    assert {r["推荐单位"] for r in bases} == {"天镇县人力资源和社会保障局"}
    said = _findings(summary, "天镇_续页.xlsx", "C-TEMPLATE")
    continued = [f for f in said if "续页" in f["message"]]
    assert [(f["severity"], f["sheet"], f["cell"]) for f in continued] == [("提示", "Sheet2", "B2")]
    assert "“附件7”的表头" in continued[0]["message"]
    # the footer typed under the continued rows ends them, as it ends a table
    assert not [r for r in summary["rejected"] if r["file"] == "天镇_续页.xlsx" and r["sheet"] == "Sheet2"
                and r["kind"] != "非项目行"]


def test_a_sheet_with_rows_that_nothing_reads_is_said(merged):
    summary, _, _ = merged
    unread = [f for f in _findings(summary, "天镇_续页.xlsx", "C-TEMPLATE") if "没有读取" in f["message"]]
    assert [(f["severity"], f["sheet"]) for f in unread] == [("提示", "拟推荐")]   # no table right before it


def test_a_continuation_in_other_columns_is_not_misread_but_said(merged):
    """Rows typed one column to the left of the header's: the name column holds a 属性 choice, so
    the sheet is not read in the header's columns (that would put 属性 under 项目单位); it is named."""
    summary, wb, typed = merged
    _landed(wb, "浑源_续页错列.xlsx", typed["shifted"][:2])
    said = _findings(summary, "浑源_续页错列.xlsx", "C-TEMPLATE")
    assert [(f["severity"], f["sheet"]) for f in said] == [("警告", "附件7（续）")]
    assert "紧接在“附件7”之后" in said[0]["message"]


def test_blank_columns_inside_one_table_keep_it_one_table(merged):
    summary, wb, typed = merged
    bases, _ = _landed(wb, "阳高_空列.xlsx", typed["gaps"])
    assert sorted(r["申报专业"] for r in bases) == sorted(b["majors"] for b in typed["gaps"])
    assert not _findings(summary, "阳高_空列.xlsx", "C-TEMPLATE")


def test_two_funding_tables_side_by_side_are_both_read(tmp_path, policy):
    """表4-2 of two bases put side by side on one sheet (the second moved right of the first, its
    merges with it). Only the row's first '内容' header was looked at: the second base lost its budget
    and its tier (taken from 上级财政补助), and got a false B-REQ for a budget it had sent."""
    from macros_py.write.printed import write_printed_submission
    from macros_py.write.samples import generate

    sample = next(s for s in generate(policy) if not s.breaks and len(s.data["bases"]) >= 2)
    inbox = tmp_path / "收件"
    path = write_printed_submission(inbox / "表4-2并排.xlsx", sample.data, policy)
    wb = openpyxl.load_workbook(path)
    first, second = [wb[n] for n in wb.sheetnames if n.startswith("表4-2")][:2]
    shift = first.max_column + 2
    for row in second.iter_rows():
        for c in row:
            if c.value is not None:
                first.cell(c.row, c.column + shift, c.value)
    for rng in list(second.merged_cells.ranges):
        first.merge_cells(start_row=rng.min_row, start_column=rng.min_col + shift,
                          end_row=rng.max_row, end_column=rng.max_col + shift)
    wb.remove(second)
    wb.save(path)
    summary, master = merge_corpus(inbox, tmp_path / "out")
    units = [b["unit"] for b in sample.data["bases"][:2]]
    funded = {r["项目单位"] for r in _rows(master, "经费汇总", "表4-2并排.xlsx")}
    assert set(units) <= funded
    tiers = {b["unit"]: b["tier"] for b in summary["bases"]}
    assert [tiers[u] for u in units] == [b["tier"] for b in sample.data["bases"][:2]]
    assert not [f for f in _findings(summary, "表4-2并排.xlsx", "B-REQ") if f["severity"] == "错误"]
