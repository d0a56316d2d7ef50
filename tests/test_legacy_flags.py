"""Hidden and struck-through rows of .xls and .ods files (issue 10 §4): a clerk who saves in Excel 97–2003
format, WPS or LibreOffice withdraws a project the same way, and it must not be merged either.

The files are made as the clerks' .xlsx are (tests/clerk_corpus.py: the notice's printed forms and
the project's template, with a row hidden and a row struck through; the template also with a
sub-heading, a 合计 row and a signature line), then saved by LibreOffice as .xls (BIFF8) and .ods,
which computes the template's formulas (its 推荐单位 column then shows the recommender on the
sub-heading's row too: still a sub-heading). Each is read (check_file) and merged by the real `shenbao merge`, and the
master read back: the withdrawn projects are absent, listed in 未汇总的行 with their reason, the file
has C-HIDDEN at their cells, and every visible project is merged. A hostile .ods hides a block of a
million repeated rows.
"""

from __future__ import annotations

import io
import json
import re
import tracemalloc
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from clerk_corpus import Data, Expect, _leaders, _units, printed_withdrawn, strike_row, template_clerk
from conftest import requires_libreoffice
from python_calamine import CalamineWorkbook
from test_hostile import CPU_S, MEMORY_MB, run_measured

from macros_py.check.engine import check_file
from macros_py.cli.main import main
from macros_py.model.submission import HIDDEN_ROW, HIDDEN_SHEET, NOT_PROJECT, STRUCK
from macros_py.read.flags import FlagReader
from macros_py.read.flags_ods import OdsFlagReader
from macros_py.read.flags_xls import XlsFlagReader
from macros_py.read.safety import DEFAULT_LIMITS
from macros_py.write.fill import write_filled
from macros_py.write.libreoffice import convert

pytestmark = requires_libreoffice
FORMATS = ("xls", "ods")
READERS = {"xls": XlsFlagReader, "ods": OdsFlagReader}
CASES = ("printed", "template", "clerk")


def template_withdrawn(folder: Path, d: Data) -> Expect:
    """The template with its second base's row hidden in 附件7 and its second studio struck in 附件8."""
    rec = "大同市交通运输局"
    data = d.take(rec, 3, 2)
    path = write_filled(folder / "市交通运输局.xlsx", data, d.policy)
    wb = openpyxl.load_workbook(path)
    ws = wb["附件7 基地汇总"]
    ucol = next(c for c in range(1, ws.max_column + 1) if ws.cell(3, c).value == "项目单位")
    ws.row_dimensions[5].hidden = True
    ss = wb["附件8 工作室汇总"]
    lcol = next(c for c in range(1, ss.max_column + 1) if ss.cell(3, c).value == "领办人")
    strike_row(ss, 5)
    wb.save(path)
    units, leaders = _units(data), _leaders(data)
    letter, lletter = openpyxl.utils.get_column_letter(ucol), openpyxl.utils.get_column_letter(lcol)
    return Expect(path.name, rec, [units[0], units[2]], [leaders[0]], data=data, absent=[units[1], leaders[1]],
                  skipped=[(HIDDEN_ROW, "附件7 基地汇总", 5, "隐藏"), (STRUCK, "附件8 工作室汇总", 5, "删除线"),
                           ("无所属项目", "基地条件", 5, HIDDEN_ROW), ("无所属项目", "大师信息", 5, STRUCK)],
                  findings=[("C-HIDDEN", "附件7 基地汇总", f"{letter}5"), ("C-HIDDEN", "附件8 工作室汇总", f"{lletter}5")])


def _as_saved_by_libreoffice(exp: Expect) -> Expect:
    """LibreOffice has no very hidden sheets: it saves them hidden."""
    exp.skipped = [(k, s, r, "隐藏" if k == HIDDEN_SHEET else p) for k, s, r, p in exp.skipped]
    return exp


@pytest.fixture(scope="module")
def files(tmp_path_factory, policy):
    """The .xlsx files and their .xls and .ods copies, one inbox per format."""
    root = tmp_path_factory.mktemp("legacy")
    d = Data(policy)
    src = root / "xlsx"
    src.mkdir()
    cases = {"printed": _as_saved_by_libreoffice(printed_withdrawn(src, d)), "template": template_withdrawn(src, d),
             "clerk": template_clerk(src, d)}
    xlsx = [src / exp.name for exp in cases.values()]
    inboxes = {fmt: convert(xlsx, root / fmt, fmt=fmt) for fmt in FORMATS}
    return root, cases, xlsx, inboxes


@pytest.fixture(scope="module")
def merged(files):
    """`shenbao merge` of each format's inbox: (summary JSON, master workbook)."""
    root, _, _, inboxes = files
    out = {}
    for fmt in FORMATS:
        dest = root / f"out_{fmt}"
        assert main(["merge", str(root / fmt), "-o", str(dest / "汇总.xlsx"), "--summary-json",
                     str(dest / "summary.json"), "--jobs", "1"]) == 0
        out[fmt] = (json.loads((dest / "summary.json").read_text(encoding="utf-8")),
                    openpyxl.load_workbook(dest / "汇总.xlsx", read_only=True))
    return out


def _table(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def _file(exp: Expect, fmt: str) -> str:
    return f"{Path(exp.name).stem}.{fmt}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_flags_are_those_of_the_xlsx_under_the_names_calamine_reads(files, fmt):
    """Every sheet of the copy has the hidden rows and struck rows of the .xlsx it was saved from, found
    under the sheet name python-calamine gives (the BIFF8 names are UTF-16, the ods ones table:name)."""
    _, _, xlsx, inboxes = files
    for original, copy in zip(xlsx, inboxes[fmt], strict=True):
        names = [m.name for m in CalamineWorkbook.from_path(str(copy)).sheets_metadata]
        want, got = FlagReader(original), READERS[fmt](copy, DEFAULT_LIMITS)
        try:
            seen = 0
            for name in names:
                a, b = want.get(name), got.get(name)
                assert list(a.hidden_rows) == list(b.hidden_rows), (copy.name, name)
                assert {r for r, _ in a.struck} == {r for r, _ in b.struck}, (copy.name, name)
                seen += bool(b.hidden_rows) + bool(b.struck)
            assert seen >= 2       # the file's withdrawn rows were all there to compare
        finally:
            want.close()
            got.close()


def test_an_ods_streamed_whole_gives_what_its_tables_give_one_by_one(files):
    """A content.xml over 16 MB is streamed in one pass rather than cut into tables: the same flags."""
    for path in files[3]["ods"]:
        sliced, streamed = OdsFlagReader(path, DEFAULT_LIMITS), OdsFlagReader(path, DEFAULT_LIMITS, in_memory=0)
        names = [m.name for m in CalamineWorkbook.from_path(str(path)).sheets_metadata]
        flagged = 0
        for name in names:
            a, b = sliced.get(name), streamed.get(name)
            assert (a.hidden_rows.spans, a.struck) == (b.hidden_rows.spans, b.struck), (path.name, name)
            flagged += bool(a.hidden_rows or a.struck)
        assert flagged >= 2


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", CASES)
def test_check_file_lists_the_withdrawn_rows_with_c_hidden(files, policy, fmt, case):
    root, cases, _, _ = files
    exp = cases[case]
    sub, findings, reason = check_file(root / fmt / _file(exp, fmt), policy)
    assert reason is None
    assert Counter(r.values["unit"] for r in sub.rows("bases")) == Counter(exp.bases)
    assert Counter(r.values["leader"] for r in sub.rows("studios")) == Counter(exp.studios)
    for kind, sheet, row, part in exp.skipped:
        if kind in (HIDDEN_ROW, STRUCK, HIDDEN_SHEET, NOT_PROJECT):
            hit = [s for s in sub.skipped if (s.sheet, s.row) == (sheet, row)]
            assert hit and hit[0].kind == kind and part in hit[0].reason, (kind, sheet, row, hit)
    # C-HIDDEN at the withdrawn rows' cells
    for rule, sheet, cell in exp.findings:
        assert any((f.rule, f.sheet, f.cell) == (rule, sheet, cell) for f in findings), (rule, sheet, cell)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", CASES)
def test_merge_leaves_the_withdrawn_projects_out_and_says_why(files, merged, fmt, case):
    _, cases, _, _ = files
    exp = cases[case]
    summary, wb = merged[fmt]
    name = _file(exp, fmt)
    bases = [r for r in _table(wb["基地汇总"]) if r["来源文件"] == name]
    studios = [r for r in _table(wb["工作室汇总"]) if r["来源文件"] == name]
    # every visible project merged, once, under its recommender; no withdrawn one
    assert Counter(r["项目单位"] for r in bases) == Counter(exp.bases)
    assert Counter(r["领办人"] for r in studios) == Counter(exp.studios)
    assert {r["推荐单位"] for r in bases + studios} == {exp.recommender}
    assert not ({r["项目单位"] for r in bases} | {r["领办人"] for r in studios}) & set(exp.absent)
    # listed as not merged, with the reason, in the summary and in 未汇总的行
    listed = [r for r in summary["rejected"] if r["file"] == name]
    sheet_rows = [r for r in _table(wb["未汇总的行"]) if r["文件"] == name]
    assert len(sheet_rows) == len(listed)
    for kind, sheet, row, part in exp.skipped:
        hit = [r for r in listed if r["sheet"] == sheet and r["row"] == row]
        assert hit and hit[0]["kind"] == kind and part in hit[0]["reason"], (kind, sheet, row, hit)
        assert any(r["工作表"] == sheet and r["行"] == row and r["类别"] == kind for r in sheet_rows)
    f = next(f for f in summary["files"] if f["name"] == name)
    assert f["rows_read"] == f["rows_merged"] + f["rows_rejected"]
    # the file is told: C-HIDDEN at the withdrawn rows
    mine = [(f["rule"], f["sheet"], f["cell"]) for f in summary["findings"] if f["file"] == name]
    for finding in exp.findings:
        assert finding in mine, (finding, [m for m in mine if m[0] == "C-HIDDEN"])


def test_xls_sheet_names_decode_as_calamine_reads_them(tmp_path):
    """BIFF8 writes a Latin-1 name one byte a character and any other in UTF-16LE: both come back exact,
    and a hidden row is found under each."""
    names = ["Café", "附件7（原）", "数据 😀", "a'b & c"]
    wb = openpyxl.Workbook()
    for i, name in enumerate(names):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = name
        for r in range(1, 6):
            ws.cell(r, 1, f"{name}{r}")
        ws.row_dimensions[i + 2].hidden = True
    wb.save(tmp_path / "names.xlsx")
    (xls,) = convert([tmp_path / "names.xlsx"], tmp_path / "out", fmt="xls")
    reader = XlsFlagReader(xls, DEFAULT_LIMITS)
    assert [m.name for m in CalamineWorkbook.from_path(str(xls)).sheets_metadata] == names
    for i, name in enumerate(names):
        assert list(reader.get(name).hidden_rows) == [i + 1], name
    reader.close()


def test_a_part_that_cannot_be_read_gives_no_flags(files, tmp_path):
    """A cut .xls stream, a broken content.xml: the sheets are taken as shown, no exception."""
    _, cases, _, inboxes = files
    xls = next(p for p in inboxes["xls"] if p.stem == Path(cases["printed"].name).stem)
    data = xls.read_bytes()
    for n, cut in enumerate((data[:len(data) // 2], data[:600], b"\xd0\xcf\x11\xe0" + b"\0" * 600)):
        bad = tmp_path / f"cut{n}.xls"
        bad.write_bytes(cut)
        flags = XlsFlagReader(bad, DEFAULT_LIMITS).get("附件7")
        assert not flags.hidden_rows and not flags.struck
    ods = tmp_path / "bad.ods"
    with zipfile.ZipFile(ods, "w") as zf:
        zf.writestr("content.xml", '<office:document-content xmlns:office="o" xmlns:table="t"><table:table '
                                   'table:name="附件7"><table:table-row table:visibility="collapse"><')
    flags = OdsFlagReader(ods, DEFAULT_LIMITS).get("附件7")
    assert not flags.hidden_rows and not flags.struck


_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def _ods(path: Path, body: str) -> Path:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS} office:version="1.2">'
               '<office:automatic-styles><style:style style:name="ce1" style:family="table-cell">'
               '<style:text-properties style:text-line-through-style="solid"/></style:style>'
               '</office:automatic-styles><office:body><office:spreadsheet>'
               f'<table:table table:name="附件7">{body}</table:table></office:spreadsheet></office:body>'
               '</office:document-content>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
    path.write_bytes(buf.getvalue())
    return path


def test_a_million_hidden_repeated_rows_are_one_span(tmp_path):
    """A hidden row repeated 1,000,000 times, then a struck one repeated by row and column, a struck
    column default, a struck row default: the hidden block is one span, the reader stays small."""
    cell = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
    path = _ods(tmp_path / "h.ods", '<table:table-column/><table:table-column table:default-cell-style-name="ce1"/>'
                f'<table:table-row>{cell}</table:table-row>'
                '<table:table-row table:number-rows-repeated="1000000" table:visibility="collapse">'
                '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
                '<table:table-row table:number-rows-repeated="2"><table:table-cell table:style-name="ce1" '
                f'table:number-columns-repeated="3" office:value-type="float"><text:p>1</text:p></table:table-cell>'
                f'</table:table-row><table:table-row table:visibility="filter">{cell}{cell}</table:table-row>'
                f'<table:table-row table:default-cell-style-name="ce1">{cell}</table:table-row>')
    for in_memory in (1 << 24, 0):      # cut into tables, and streamed
        tracemalloc.start()
        flags = OdsFlagReader(path, DEFAULT_LIMITS, in_memory=in_memory).get("附件7")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        _one_span(flags, peak)


def _one_span(flags, peak: int) -> None:
    assert flags.hidden_rows.spans == [(1, 1_000_001), (1_000_003, 1_000_004)]
    assert 0 not in flags.hidden_rows and 1_000_000 in flags.hidden_rows and 1_000_001 not in flags.hidden_rows
    assert flags.struck == {(1_000_001, 0), (1_000_001, 1), (1_000_001, 2), (1_000_002, 0), (1_000_002, 1),
                            (1_000_002, 2), (1_000_003, 1), (1_000_004, 0)}
    assert peak < 1 << 20, peak


def test_an_ods_with_every_unused_row_hidden_merges_its_projects(files, tmp_path, policy):
    """The clerk's trick of hiding every unused row: LibreOffice writes one hidden row repeated a million
    times under the table. The check stays within the hostile files' memory and CPU, and only the
    withdrawn rows are withdrawn."""
    _, cases, _, inboxes = files
    exp = cases["printed"]
    src = next(p for p in inboxes["ods"] if p.stem == Path(exp.name).stem)
    path = tmp_path / src.name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "content.xml":
                data, n = re.subn(rb'(<table:table-row [^>]*table:number-rows-repeated="\d{6,}")', rb'\1 '
                                  rb'table:visibility="collapse"', data)
                assert n >= 3
            zout.writestr(info, data)
    flags = OdsFlagReader(path, DEFAULT_LIMITS).get("附件7")
    assert len(flags.hidden_rows.spans) == 2 and len(flags.hidden_rows) > 1_000_000
    sub, findings, reason = check_file(path, policy)
    assert reason is None
    assert Counter(r.values["unit"] for r in sub.rows("bases")) == Counter(exp.bases)
    assert sorted((s.sheet, s.row) for s in sub.skipped if s.kind in (HIDDEN_ROW, STRUCK)) == \
        sorted((s, r) for k, s, r, _ in exp.skipped if k in (HIDDEN_ROW, STRUCK))
    r = run_measured(["check", str(path)], tmp_path)
    print(f"check of an .ods with 3 million hidden rows: {r['rss_mb']:.0f} MB peak, {r['cpu_s']:.2f} s CPU")
    assert r["code"] in (0, 1) and "C-HIDDEN" in r["stdout"], r["stdout"][-2000:]
    assert r["rss_mb"] < MEMORY_MB and r["cpu_s"] < CPU_S, (r["rss_mb"], r["cpu_s"])
