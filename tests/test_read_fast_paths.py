"""The reader's fast paths give what the slow ways they stand in for give.

The reader skips work where a cheap test proves it would find nothing: a sheet's rows are tokenised
for hidden rows only when a row tag may hide its row, its cells for struck styles only when a struck
style's s="N" is written in it (read.flags); a sheet's extent comes from one pass of the regex engine
unless a tag is not a standard one (read.extent); the template's spare 经费预算 blocks are dropped
before their records are built (read.template); what a header row reads as is kept by the rows'
keys (read.headers). Each test here holds the fast path to the slow one on inputs made to tell them
apart, or to a real workbook's outcome.
"""

from __future__ import annotations

import copy
import re
import zipfile

import pytest

from macros_py.read import flags as F
from macros_py.read.extent import Extent, _Cells, _standard_scan, cell_counter
from macros_py.read.flags import FlagReader, _scan
from macros_py.read.headers import _MATCHED, locate_all
from macros_py.read.workbook import read_grids, read_submission
from macros_py.write.fill import write_filled

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def sheet_xml(rows: str, tail: str = "") -> bytes:
    return f'<?xml version="1.0"?><worksheet {NS}><sheetData>{rows}</sheetData>{tail}</worksheet>'.encode()


def slow_hidden(xml: bytes) -> set[int]:
    """Every row tag tokenised, as read.flags did before its pre-test."""
    out = set()
    for match in F._ROW.finditer(xml):
        attrs = dict(F._ATTR.findall(match.group(1)))
        if ((b"hidden" in attrs and F._truthy(attrs[b"hidden"])) or F._zero_height(attrs.get(b"ht"))) \
                and attrs.get(b"r", b"").isdigit():
            out.add(int(attrs[b"r"]) - 1)
    return out


ROWS = {
    "hidden": '<row r="3" hidden="1"><c r="A3"/></row>',
    "hidden true": '<row r="4" hidden="true" ht="30"/>',
    "no height": '<row r="5" ht="0" customHeight="1"/>',
    "no height 0.0": '<row r="6" ht="0.0"/>',
    "underflow": '<row r="7" ht="1e-400"/>',
    "space": '<row r="8" ht=" 0 "/>',
    "prefixed": '<x:row r="9" hidden="1"/>',
    "height 30": '<row r="10" ht="30" customHeight="1"/>',
    "height 15.75": '<row r="11" ht="15.75"/>',
    "hidden 0": '<row r="12" hidden="0" ht="20"/>',
}


@pytest.mark.parametrize("name", list(ROWS))
def test_a_row_that_may_hide_is_tokenised_and_read_as_before(name):
    # a page set up with fitToHeight="0" and a hidden column: words the old test took for a hidden row
    xml = sheet_xml('<row r="1" ht="30"><c r="A1"/></row>' + ROWS[name],
                    '<cols><col min="2" max="2" hidden="1"/></cols><pageSetup fitToHeight="0"/>')
    want = slow_hidden(xml)
    assert set(_scan(xml, set()).hidden_rows) == want
    assert set(_reader(xml).get("附件7").hidden_rows) == want        # the reader's own pre-test too
    hides = name not in ("height 30", "height 15.75", "hidden 0")
    assert bool(want) == hides


def _reader(xml: bytes) -> FlagReader:
    """A FlagReader over parts given as the safety check gives them (no file behind it)."""
    parts = {
        "xl/workbook.xml": (f'<workbook {NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                            'relationships"><sheets><sheet name="附件7" sheetId="1" r:id="rId1"/></sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": xml,
    }
    return FlagReader("/nonexistent.xlsx", parts, frozenset(parts))


def test_sheets_whose_rows_hide_nothing_are_not_tokenised(monkeypatch):
    xml = sheet_xml("".join(f'<row r="{r}" ht="{h}"><c r="A{r}" s="3"/></row>' for r, h in ((1, 30), (2, 58), (3, 15.75))),
                    '<cols><col min="9" max="9" hidden="1"/></cols><pageSetup fitToHeight="0"/>')
    calls = []
    monkeypatch.setattr(F, "_ATTR", _Counting(F._ATTR, calls))
    flags = _scan(xml, {7})                    # style 7 is struck: no cell has s="7"
    assert not flags.hidden_rows and not flags.struck and flags.filtered is None
    assert calls == []
    assert _scan(xml, {3}).struck == {(0, 0), (1, 0), (2, 0)}   # style 3 is: every cell read
    assert calls


class _Counting:
    def __init__(self, pattern, calls):
        self.pattern, self.calls = pattern, calls

    def findall(self, text):
        self.calls.append(text)
        return self.pattern.findall(text)


def _expat_extent(xml: bytes) -> Extent:
    cells = _Cells("x")
    cell_counter(cells).Parse(xml, True)
    return cells.ext


@pytest.mark.parametrize("rows, standard", [
    ('<row r="1"><c r="A1" s="1" t="s"><v>0</v></c><c r="Q53"/></row>', True),
    ('<row r="2"><c r="B2"><f>SUM(A1:A2)</f></c><c r="AB7" t="inlineStr"><is><t>x</t></is></c></row>', True),
    ('<row r="1"><c r="A1"/><c/></row>', False),                    # a cell without r= follows the one before
    ('<row r="1"><c r="A1"/><c s="2"/></row>', False),
    ('<row r="1"><c  r="C1"/></row>', False),                      # two spaces: not the standard tag
    ('<row r="1"><c r="A1" s=\'1\'/></row>', False),               # single quotes
    ('<row r="1"><x:c r="XFD1048576" xmlns:x="urn:x"/></row>', False),   # a prefixed cell
    ('<row r="1"><c r="A1"/></row><row r="2"><c\nr="Z9"/></row>', False),
])
def test_the_one_pass_extent_is_the_parsers_or_declines(rows, standard):
    xml = sheet_xml(rows)
    cells = _Cells("x")
    assert _standard_scan(xml, cells) is standard
    if standard:
        assert cells.ext == _expat_extent(xml)


def _template_with_gap(policy, clean_template):
    data = copy.deepcopy(clean_template)
    funding = data["funding"][:4]
    funding[1] = {"unit": None, "amounts": [[None] * 4 for _ in range(3)]}          # a block left empty
    funding[2] = {"unit": funding[2]["unit"], "amounts": [[None] * 4 for _ in range(3)]}   # only its 合计 row
    data["funding"] = funding
    return data


def test_spare_and_empty_funding_blocks_are_dropped_and_a_block_with_a_value_kept(tmp_path, policy, schema,
                                                                                  clean_template):
    path = write_filled(tmp_path / "gap.xlsx", _template_with_gap(policy, clean_template), policy)
    sub = read_submission(path, policy)
    sheet = schema.sheet("funding")
    size = len(sheet.block)
    first = sheet.first_row
    rows = [r.row for r in sub.rows("funding")]
    blocks = [first + size * i for i in (0, 2, 3)]        # the 1st, 3rd and 4th blocks; not the 2nd nor the spares
    assert rows == [b + k for b in blocks for k in range(size)]
    units = {r.values.get("unit") for r in sub.rows("funding") if r.head}
    assert units == {clean_template["funding"][i]["unit"] for i in (0, 2, 3)}


def test_a_header_row_reads_the_same_from_the_cache(schema, printed_sample):
    _, path = printed_sample
    _MATCHED.clear()
    first = [(h.grid.name, h.sheet_key, h.row, h.columns, h.headers) for h in locate_all(read_grids(path), schema)]
    assert _MATCHED                          # the rows it matched are kept
    again = [(h.grid.name, h.sheet_key, h.row, h.columns, h.headers) for h in locate_all(read_grids(path), schema)]
    assert first == again
    assert {key for _, key, *_ in first} >= {"bases", "studios"}    # 附件7 and 附件8 found


def test_struck_text_and_hidden_rows_come_through_without_a_second_opening(tmp_path, policy, clean_template,
                                                                          monkeypatch):
    """The flags reader takes its parts from the safety check: a workbook with a hidden row and a
    struck cell is read (C-HIDDEN rows listed) with zipfile.ZipFile never opened on the path again."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    path = write_filled(tmp_path / "flags.xlsx", clean_template, policy)
    wb = load_workbook(path)
    ws = wb["附件7 基地汇总"]
    ws.row_dimensions[4].hidden = True
    ws.cell(5, 2).font = Font(strike=True)         # B5: the 项目单位 of the second base
    wb.save(path)
    opened = []
    real = zipfile.ZipFile

    def spy(file, *a, **k):
        opened.append(file)
        return real(file, *a, **k)

    monkeypatch.setattr(F.zipfile, "ZipFile", spy)
    sub = read_submission(path, policy)
    reasons = {(s.sheet, s.row): s.reason for s in sub.skipped}
    assert reasons[("附件7 基地汇总", 4)] == "该行被隐藏"
    assert re.search("删除线", reasons[("附件7 基地汇总", 5)])
    assert opened and all(hasattr(f, "read") for f in opened)    # the bytes in memory, never the path again
