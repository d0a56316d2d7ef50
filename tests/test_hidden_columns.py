"""A hidden column (issue 10 §4, "hidden is not live"): a clerk who reuses last year's 附件7 hides the
old 申报专业 column and types the new one beside it. The shown column is merged, the hidden one is
not, and the file gets C-HIDDEN (case column) at the hidden header's cell. The same in .xlsx, and
in the .xls and .ods LibreOffice saves of it. A hidden column that no shown one repeats is still read
(hidden only to print the rest), with no finding.
"""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from clerk_typed import FOOTER, Names
from conftest import merge_corpus, requires_libreoffice

from macros_py.write.libreoffice import convert

HEADERS = ("编号", "项目单位", "属性", "项目所在地址", "推荐单位", "申报专业", "申报专业", "备注")


def _typed(path, recommender: str, bases: list[dict], *, hide: str = "F", old_first: bool = True) -> None:
    """附件7 with two 申报专业 columns (F, G): last year's majors in one, this year's in the other,
    and column `hide` hidden."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件7"
    ws["A1"], ws["A2"], ws["A3"] = "附件7", "市级高技能人才培训基地项目申报汇总表", f"推荐单位：{recommender}"
    ws.merge_cells("A2:H2")
    for c, text in enumerate(HEADERS, start=1):
        ws.cell(4, c, text)
    for i, b in enumerate(bases):
        old, new = "旧专业甲、旧专业乙", b["majors"]
        values = [i + 1, b["unit"], b["attribute"], b["address"], None, *((old, new) if old_first else (new, old)), None]
        for c, v in enumerate(values, start=1):
            ws.cell(5 + i, c, v)
    ws.cell(5 + len(bases), 1, FOOTER)
    ws.column_dimensions[hide].hidden = True
    wb.save(path)


def _merged(tmp_path, files: dict[str, list[dict]]):
    summary, wb = merge_corpus(tmp_path / "收件", tmp_path / "out")
    rows = list(wb["基地汇总"].iter_rows(values_only=True))
    table = [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]
    return summary, {name: {r["项目单位"]: r["申报专业"] for r in table if r["来源文件"] == name} for name in files}


def _hidden_findings(summary, name: str) -> list[tuple]:
    return [(f["severity"], f["sheet"], f["cell"], f["value"]) for f in summary["findings"]
            if f["file"] == name and f["rule"] == "C-HIDDEN"]


def test_the_shown_column_is_merged_and_the_hidden_one_is_c_hidden(tmp_path):
    n = Names()
    inbox = tmp_path / "收件"
    inbox.mkdir()
    old_hidden, new_hidden = n.bases(2), n.bases(2)
    _typed(inbox / "阳高.xlsx", "阳高县人社局", old_hidden, hide="F")
    # the other way round: this year's majors typed in F, last year's in G, hidden
    _typed(inbox / "灵丘.xlsx", "灵丘县人社局", new_hidden, hide="G", old_first=False)
    summary, majors = _merged(tmp_path, {"阳高.xlsx": old_hidden, "灵丘.xlsx": new_hidden})
    for name, bases in (("阳高.xlsx", old_hidden), ("灵丘.xlsx", new_hidden)):
        assert majors[name] == {b["unit"]: b["majors"] for b in bases}
        assert "旧专业甲" not in " ".join(majors[name].values())
    assert _hidden_findings(summary, "阳高.xlsx") == [("警告", "附件7", "F4", "申报专业")]
    assert _hidden_findings(summary, "灵丘.xlsx") == []       # the hidden twin was not the one matched


def test_a_hidden_column_no_shown_one_repeats_is_still_read(tmp_path):
    n = Names()
    inbox = tmp_path / "收件"
    inbox.mkdir()
    bases = n.bases(2)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件7"
    ws["A1"], ws["A2"], ws["A3"] = "附件7", "市级高技能人才培训基地项目申报汇总表", "推荐单位：天镇县人社局"
    for c, text in enumerate(HEADERS[:6] + ("备注",), start=1):
        ws.cell(4, c, text)
    for i, b in enumerate(bases):
        for c, v in enumerate([i + 1, b["unit"], b["attribute"], b["address"], None, b["majors"], None], start=1):
            ws.cell(5 + i, c, v)
    ws.column_dimensions["C"].hidden = True          # 属性 hidden to print the rest wider
    wb.save(inbox / "天镇.xlsx")
    summary, _ = merge_corpus(inbox, tmp_path / "out")
    assert {b["unit"]: b["attribute"] for b in summary["bases"] if b["file"] == "天镇.xlsx"} == \
        {b["unit"]: b["attribute"] for b in bases}
    assert _hidden_findings(summary, "天镇.xlsx") == []


@requires_libreoffice
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_libreoffice_saves_hide_the_column_the_same_way(tmp_path, fmt):
    n = Names()
    typed = tmp_path / "typed"
    typed.mkdir()
    bases = n.bases(2)
    _typed(typed / "浑源.xlsx", "浑源县人社局", bases, hide="F")
    inbox = tmp_path / "收件"
    inbox.mkdir()
    (saved,) = convert([typed / "浑源.xlsx"], tmp_path / "saved", fmt)
    shutil.copy(saved, inbox / saved.name)
    summary, majors = _merged(tmp_path, {saved.name: bases})
    assert majors[saved.name] == {b["unit"]: b["majors"] for b in bases}
    assert _hidden_findings(summary, saved.name) == [("警告", "附件7", "F4", "申报专业")]
