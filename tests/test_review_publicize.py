"""shenbao review publicize and finalize on the review example: the 公示名单 workbook and Word document
(LibreOffice turns it into a PDF that shows the list), the period's end date, never an ID number, the same
bytes on a re-run; then the 认定名单 and the 资金拨付表 after one withdrawal, with totals LibreOffice computes."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from conftest import requires_libreoffice
from openpyxl import load_workbook
from review_helpers import copy_returned

from macros_py.model.errors import ShenbaoError
from macros_py.review.collect import run_collect
from macros_py.review.decisions import OUTCOME_NAME, OUTCOME_SHEET
from macros_py.review.finalize import FINAL_NAME, FUNDS_NAME, finalize
from macros_py.review.publicize import LIST_DOCX, LIST_XLSX, publicize


@pytest.fixture(scope="module")
def results(tmp_path_factory, policy):
    tmp = tmp_path_factory.mktemp("pub")
    run = run_collect(copy_returned(tmp), tmp / "out" / "评审结果.xlsx", policy)
    return tmp / "out" / "评审结果.xlsx", run.data


@pytest.fixture(scope="module")
def published(results, policy, tmp_path_factory):
    out = tmp_path_factory.mktemp("gs") / "公示"
    return out, publicize(results[0], dt.date(2026, 2, 11), out, policy)


def test_the_period_across_the_spring_festival_and_the_printed_end_date(published):
    _, result = published
    assert (result.start, result.end) == (dt.date(2026, 2, 11), dt.date(2026, 2, 24))
    assert result.lines[-1] == "公示截止日期：2026-02-24"
    assert any("异议受理：大同市人力资源和社会保障局" in line for line in result.lines)


def test_the_workbook_lists_bases_and_studios_with_the_columns_asked(published, results):
    out, _ = published
    selected = results[1]["proposal"]["selected"]
    wb = load_workbook(out / LIST_XLSX)
    bases, studios = wb["培训基地"], wb["技能大师工作室"]
    assert [c.value for c in bases[4]] == ["序号", "项目单位", "档次", "推荐单位", "申报专业"]
    assert [c.value for c in studios[4]] == ["序号", "领办人", "申报单位", "工作室职业（工种）"]
    assert [bases.cell(r, 2).value for r in range(5, bases.max_row + 1)] == [
        s["unit"] for s in selected if s["kind"] == "base"]
    assert [studios.cell(r, 2).value for r in range(5, studios.max_row + 1)] == [
        s["leader"] for s in selected if s["kind"] == "studio"]
    assert "2026年2月11日至2026年2月24日" in bases["A2"].value


@requires_libreoffice
def test_the_word_document_converted_by_libreoffice_shows_the_list(published, results, tmp_path):
    out, _ = published
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out / LIST_DOCX)],
                   check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", "-raw", str(tmp_path / "公示名单.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "拟认定名单的公示" in flat and "2026年2月11日至2026年2月24日（5个工作日）" in flat
    for s in results[1]["proposal"]["selected"]:
        assert re.sub(r"\s+", "", s["leader"] or s["unit"]) in flat, (s, flat[flat.find("大同华严集团") - 30:][:80])
    assert not re.search(r"\d{17}[\dX]", flat)  # never an ID number
    info = subprocess.run(["pdfinfo", str(tmp_path / "公示名单.pdf")], capture_output=True, text=True).stdout
    assert re.search(r"Page size:\s+595(\.\d+)? x 841(\.\d+)? pts \(A4\)", info)


def test_the_document_is_set_in_fangsong_on_a4(published):
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Mm

    out, _ = published
    doc = Document(out / LIST_DOCX)
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297) and Mm(210)
    runs = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    assert runs and all(r._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312" for r in runs)
    assert doc.paragraphs[0].runs[0].bold and "公示" in doc.paragraphs[0].text


def test_a_rerun_gives_the_same_bytes(published, results, policy):
    out, _ = published
    before = {n: (out / n).read_bytes() for n in (LIST_XLSX, LIST_DOCX, OUTCOME_NAME)}
    publicize(results[0], dt.date(2026, 2, 11), out, policy)
    assert {n: (out / n).read_bytes() for n in before} == before


def test_unresolved_ties_stop_the_publication(tmp_path, policy, results):
    from macros_py.review.results import write_results

    data = dict(results[1])
    data["proposal"] = dict(data["proposal"], ties=[{"group": "C档", "left": 1, "score": 80.0, "projects": [],
                                                     "reason": "2 个项目同为 80.00 分"}])
    write_results(tmp_path / "r.xlsx", data, policy)
    with pytest.raises(ShenbaoError, match="R-TIE"):
        publicize(tmp_path / "r.xlsx", dt.date(2026, 2, 11), tmp_path / "g", policy)


def _record_outcomes(path, withdraw: str | None):
    wb = load_workbook(path)
    ws = wb[OUTCOME_SHEET]
    for r in range(4, ws.max_row + 1):
        code = ws.cell(r, 1).value
        if code:
            ws.cell(r, 7).value = "撤回" if code == withdraw else "无异议"
            ws.cell(r, 8).value = "申报单位主动撤回" if code == withdraw else None
    wb.save(path)


@requires_libreoffice
def test_finalize_after_one_withdrawal(published, results, policy, tmp_path):
    from macros_py.write.libreoffice import convert

    out, _ = published
    outcome = tmp_path / OUTCOME_NAME
    shutil.copyfile(out / OUTCOME_NAME, outcome)
    with pytest.raises(ShenbaoError, match="公示结果还没有登记完整"):
        finalize(results[0], tmp_path / "认定", policy, decisions=outcome)
    selected = results[1]["proposal"]["selected"]
    gone = next(s for s in selected if s["tier"] == "A")
    _record_outcomes(outcome, gone["code"])
    result = finalize(results[0], tmp_path / "认定", policy, decisions=outcome)
    assert [s["code"] for s in result.withdrawn] == [gone["code"]]
    assert result.total == 560 - 80
    first = {n: (tmp_path / "认定" / n).read_bytes() for n in (FINAL_NAME, FUNDS_NAME)}
    finalize(results[0], tmp_path / "认定", policy, decisions=outcome)
    assert {n: (tmp_path / "认定" / n).read_bytes() for n in first} == first
    wb = load_workbook(tmp_path / "认定" / FINAL_NAME)
    units = [c.value for c in wb["培训基地"]["B"][2:] if c.value]
    assert gone["unit"] not in units and len(units) == 12
    funds = tmp_path / "认定" / FUNDS_NAME
    [converted] = convert([funds], tmp_path / "lo")
    computed = load_workbook(converted, data_only=True)
    for name, col in (("逐个项目", "F"), ("按推荐单位", "C"), ("按县区", "C")):
        ws = computed[name]
        last = max(r for r in range(1, ws.max_row + 1) if ws[f"A{r}"].value == "合计")
        assert ws[f"{col}{last}"].value == 480, name
    by_rec = {r[0]: r[2] for r in computed["按推荐单位"].iter_rows(min_row=3, values_only=True) if r[0] != "合计"}
    expected: dict[str, float] = {}
    for s in selected:
        if s["code"] != gone["code"] and s["subsidy"]:
            expected[s["recommender"]] = expected.get(s["recommender"], 0) + s["subsidy"]
    assert by_rec == expected
