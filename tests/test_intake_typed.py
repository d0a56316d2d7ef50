"""Intake (issue 10 §2–5, 7, 8) on forms typed by hand (tests/clerk_typed.py), merged by the real
`shenbao merge`, the written master read back.

Each case asserts what lands in 基地汇总 / 工作室汇总 and under which 推荐单位 (never C-RECOMMENDER, never
尚未报送 for who sent), what is listed in 未汇总的行 with which reason, C-HIDDEN at the withdrawn row's
cell, the tier each base is counted in, and the values read.
"""

from __future__ import annotations

import json
from collections import Counter

import openpyxl
import pytest
from clerk_typed import CASES, build_typed
from conftest import merge_corpus, requires_libreoffice

from macros_py.cli.main import main
from macros_py.model.submission import HIDDEN_ROW, NOT_PROJECT, STRUCK, WITHDRAWN


@pytest.fixture(scope="module")
def typed(tmp_path_factory):
    root = tmp_path_factory.mktemp("typed")
    cases = build_typed(root / "收件")
    summary, wb = merge_corpus(root / "收件", root / "out")
    return {case.__name__: exp for case, exp in zip(CASES, cases, strict=True)}, summary, wb


def _table(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def _master(wb, sheet: str, file: str) -> list[dict]:
    return [r for r in _table(wb[sheet]) if r["来源文件"] == file]


@pytest.mark.parametrize("case", [c.__name__ for c in CASES])
def test_every_project_lands_once_under_the_recommender_who_stamped_it(typed, case):
    cases, summary, wb = typed
    exp = cases[case]
    bases, studios = _master(wb, "基地汇总", exp.name), _master(wb, "工作室汇总", exp.name)
    assert Counter(r["项目单位"] for r in bases) == Counter(exp.bases)
    assert Counter(r["领办人"] for r in studios) == Counter(exp.studios)
    assert {r["推荐单位"] for r in bases + studios} == {exp.recommender}
    assert not ({r["项目单位"] for r in bases} | {r["领办人"] for r in studios}) & set(exp.absent)
    f = next(f for f in summary["files"] if f["name"] == exp.name)
    assert f["recommender"] == exp.recommender
    mine = [x for x in summary["findings"] if x["file"] == exp.name]
    assert not [x for x in mine if x["rule"] == "C-RECOMMENDER"]
    assert exp.recommender not in {x["value"] for x in summary["findings"] if x["rule"] == "C-MISSING"}
    status = {r["name"]: r["status"] for r in summary["recommenders"]}
    assert status[exp.recommender] != "未报送"


@pytest.mark.parametrize("case", [c.__name__ for c in CASES])
def test_rows_not_merged_are_listed_and_withdrawn_ones_reported_at_their_cell(typed, case):
    cases, summary, wb = typed
    exp = cases[case]
    listed = [r for r in summary["rejected"] if r["file"] == exp.name]
    assert len(listed) == len(exp.skipped), [(r["row"], r["kind"], r["reason"]) for r in listed]
    for kind, sheet, row, part in exp.skipped:
        hit = [r for r in listed if r["sheet"] == sheet and r["row"] == row]
        assert hit and hit[0]["kind"] == kind and part in hit[0]["reason"], (kind, row, hit)
    assert len([r for r in _table(wb["未汇总的行"]) if r["文件"] == exp.name]) == len(listed)
    mine = [f for f in summary["findings"] if f["file"] == exp.name]
    for rule, sheet, cell in exp.findings:
        assert any(f["rule"] == rule and f["sheet"] == sheet and f["cell"] == cell for f in mine), \
            (rule, cell, [(f["rule"], f["cell"]) for f in mine if f["rule"] == rule])
    assert any(f["rule"] == "C-HIDDEN" for f in mine) == any(k in WITHDRAWN for k, *_ in exp.skipped)
    # no B-REQ on a row that is not a project (the line under the table, a second line of majors)
    skipped = {r["row"] for r in listed if r["kind"] in (NOT_PROJECT, *WITHDRAWN)}
    assert not [f for f in mine if f["rule"] in ("B-REQ", "S-REQ") and f["row"] in skipped]
    # the recommender is known for every row: no row says 推荐单位 is missing
    assert not [f for f in mine if f["rule"] == "B-REQ" and "推荐单位" in f["message"]]


@pytest.mark.parametrize("case", ["tier_with_its_word", "tier_in_a_note"])
def test_a_tier_is_read_where_the_file_gives_it_and_only_then(typed, case):
    cases, summary, wb = typed
    exp = cases[case]
    rows = {r["项目单位"]: r for r in _master(wb, "基地汇总", exp.name)}
    assert {u: rows[u]["申报档次"] for u in exp.tiers} == exp.tiers
    assert not [f for f in summary["findings"] if f["file"] == exp.name and f["rule"] == "B-TIER"
                and f["severity"] == "错误"]
    # a base without a tier is asked about (人工裁定 档次未填), never left out
    untiered = [u for u, t in exp.tiers.items() if t is None]
    asked = {q["key"] for q in summary["questions"] if q["kind"] == "档次未填"}
    assert all(any(u in k for k in asked) for u in untiered)


@pytest.mark.parametrize("case", ["second_line_of_majors", "template_units", "option_spellings",
                                  "headers_in_other_words"])
def test_values_read_as_the_clerk_meant(typed, case):
    cases, summary, wb = typed
    exp = cases[case]
    rows = {r["项目单位"]: r for r in _master(wb, "基地汇总", exp.name)}
    rows |= {r["领办人"]: r for r in _master(wb, "工作室汇总", exp.name)}
    assert exp.values
    for (name, header), value in exp.values.items():
        assert rows[name][header] == value, (name, header, rows[name][header])
    # read exactly: no C-VALUE doubt on them, no B-ATTR on an option spelled another way
    assert not [f for f in summary["findings"] if f["file"] == exp.name and f["rule"] in ("C-VALUE", "B-ATTR")]


def test_a_wrapped_or_sealed_name_is_the_name(typed):
    cases, _, wb = typed
    # a wrapped or sealed name is the name (no space inside, no （公章）)
    names = {r["项目单位"] for r in _master(wb, "基地汇总", cases["names_wrapped"].name)}
    assert names == set(cases["names_wrapped"].bases)


@requires_libreoffice
def test_an_ods_whose_text_is_struck_in_the_cell_is_withdrawn(tmp_path, policy):
    """LibreOffice saves a strike made while editing a cell as text spans (and, from an .xlsx, as
    text-line-through-type alone): the row is withdrawn, C-HIDDEN at its name."""
    from clerk_typed import Names, type_annex7
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    from macros_py.check.engine import check_submission
    from macros_py.read.workbook import read_submission
    from macros_py.write.libreoffice import convert

    bases = Names().bases(3)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件7"
    first, at, _ = type_annex7(ws, bases, line="推荐单位：灵丘县人社局")
    ws.cell(first + 1, at["unit"]).value = CellRichText([TextBlock(InlineFont(strike=True), bases[1]["unit"])])
    ws.row_dimensions[first + 2].hidden = True
    wb.save(tmp_path / "灵丘.xlsx")
    (ods,) = convert([tmp_path / "灵丘.xlsx"], tmp_path / "ods", fmt="ods")
    sub = read_submission(ods, policy)
    assert [r.values["unit"] for r in sub.rows("bases")] == [bases[0]["unit"]]
    assert [(s.kind, s.row) for s in sub.skipped] == [(STRUCK, first + 1), (HIDDEN_ROW, first + 2)]
    cells = {f.cell for f in check_submission(sub, policy) if f.rule == "C-HIDDEN"}
    assert f"B{first + 1}" in cells


def test_annex7_and_annex8_sent_as_two_files_both_count_and_a_later_file_replaces_only_what_it_holds(tmp_path):
    """One county sends 附件7 and 附件8 as two workbooks: both count. Another sends a full file, then
    a corrected 附件8 alone: the studios are the correction's, the bases stay the full file's, and the
    full file's old studios are listed as replaced (已被替代), with no finding left on them."""
    from clerk_typed import Names, type_annex7, type_annex8

    from macros_py.merge.inbox import REGISTER_NAME

    inbox, out = tmp_path / "收件", tmp_path / "out"
    inbox.mkdir()
    n = Names()

    def book(name, bases=(), studios=(), line="推荐单位：浑源县人社局"):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "附件7" if bases else "附件8"
        if bases:
            type_annex7(ws, list(bases), line=line)
        if studios:
            type_annex8(wb.create_sheet("附件8") if bases else ws, list(studios), line=line)
        wb.save(inbox / name)

    b1, s1 = n.bases(2), n.studios(2)
    book("浑源县附件7.xlsx", bases=b1)
    book("浑源县附件8.xlsx", studios=s1)
    b2, s2, s3 = n.bases(2), n.studios(1), n.studios(1)
    s2[0]["level"] = "技工"                                   # an S-LEVEL error on the old studio
    book("左云县.xlsx", bases=b2, studios=s2, line="推荐单位：左云县人社局")
    book("左云县附件8更正.xlsx", studios=s3, line="推荐单位：左云县人社局")
    (inbox / REGISTER_NAME).write_text("文件名,收文日期\n浑源县附件7.xlsx,2025-12-20 09:00\n浑源县附件8.xlsx,2025-12-20 09:05\n"
                                       "左云县.xlsx,2025-12-20 10:00\n左云县附件8更正.xlsx,2025-12-22 10:00\n",
                                       encoding="utf-8")
    assert main(["merge", str(inbox), "-o", str(out / "汇总.xlsx"), "--summary-json", str(out / "s.json"),
                 "--jobs", "1"]) == 0
    summary = json.loads((out / "s.json").read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(out / "汇总.xlsx")
    bases = {r["项目单位"]: r["推荐单位"] for r in _table(wb["基地汇总"])}
    studios = {r["领办人"]: r["推荐单位"] for r in _table(wb["工作室汇总"])}
    hun, zuo = "浑源县人力资源和社会保障局", "左云县人力资源和社会保障局"
    assert bases == {**{b["unit"]: hun for b in b1}, **{b["unit"]: zuo for b in b2}}
    assert studios == {**{s["leader"]: hun for s in s1}, s3[0]["leader"]: zuo}
    status = {f["name"]: f["status"] for f in summary["files"]}
    assert set(status.values()) == {"已汇总"}
    replaced = [r for r in summary["rejected"] if r["kind"] == "已被替代"]
    assert [(r["file"], r["text"]) for r in replaced] == [("左云县.xlsx", s2[0]["leader"])]
    assert "左云县附件8更正.xlsx" in replaced[0]["reason"] and "附件8" in replaced[0]["reason"]
    assert not [f for f in summary["findings"] if f["file"] == "左云县.xlsx" and f["rule"] == "S-LEVEL"]
    sent = {r["name"]: r for r in summary["recommenders"]}
    assert sent[hun]["file"] == "浑源县附件7.xlsx、浑源县附件8.xlsx" and (sent[hun]["bases"], sent[hun]["studios"]) == (2, 2)
    assert not [q for q in summary["questions"] if "左云县.xlsx" in q["file"] and q["kind"] == "已被替代"]
    for f in summary["files"]:
        assert f["rows_read"] == f["rows_merged"] + f["rows_rejected"]


def test_a_later_file_that_lacks_earlier_projects_is_asked_about_and_a_supplement_keeps_both(tmp_path):
    """A county forwards one file per unit: the second does not name the first's base. Until the bureau
    answers (人工裁定 补充报送), the later file replaces the earlier (listed, 已被替代); decided 补充, both
    bases are merged under the county. A correction that names every earlier project is not asked."""
    from clerk_typed import Names, type_annex7

    from macros_py.merge.decisions import AS_SUPPLEMENT, DECISION_COLUMNS, SUPPLEMENT
    from macros_py.merge.inbox import REGISTER_NAME

    inbox, out, out2 = tmp_path / "收件", tmp_path / "out", tmp_path / "out2"
    inbox.mkdir()
    n = Names()
    first, second = n.bases(1), n.bases(1)
    corrected = n.bases(2)
    for name, bases, line in (("平城区_甲校.xlsx", first, "推荐单位：平城区人社局"),
                              ("平城区_乙校.xlsx", second, "推荐单位：平城区人社局"),
                              ("云冈区.xlsx", corrected, "推荐单位：云冈区人社局"),
                              ("云冈区_更正.xlsx", [dict(corrected[0], attribute="其它"), corrected[1]],
                               "推荐单位：云冈区人力资源和社会保障局")):
        wb = openpyxl.Workbook()
        wb.active.title = "附件7"
        type_annex7(wb.active, bases, line=line)
        wb.save(inbox / name)
    (inbox / REGISTER_NAME).write_text("文件名,收文日期\n平城区_甲校.xlsx,2025-12-20 09:00\n平城区_乙校.xlsx,2025-12-21 09:00\n"
                                       "云冈区.xlsx,2025-12-20 09:00\n云冈区_更正.xlsx,2025-12-22 09:00\n", encoding="utf-8")

    def run(target):
        assert main(["merge", str(inbox), "-o", str(target / "汇总.xlsx"), "--summary-json", str(target / "s.json"),
                     "--jobs", "1"]) == 0
        summary = json.loads((target / "s.json").read_text(encoding="utf-8"))
        wb = openpyxl.load_workbook(target / "汇总.xlsx")
        return summary, {r["项目单位"]: r["推荐单位"] for r in _table(wb["基地汇总"])}

    summary, bases = run(out)
    asked = [q for q in summary["questions"] if q["kind"] == SUPPLEMENT]
    assert len(asked) == 1 and asked[0]["file"] == "平城区_甲校.xlsx" and first[0]["unit"] in asked[0]["what"]
    assert AS_SUPPLEMENT in asked[0]["options"]
    ping = "平城区人力资源和社会保障局"
    assert bases == {second[0]["unit"]: ping, **{b["unit"]: "云冈区人力资源和社会保障局" for b in corrected}}
    assert {f["name"]: f["status"] for f in summary["files"]}["平城区_甲校.xlsx"] == "已被替代"

    book = openpyxl.Workbook()
    book.active.append(list(DECISION_COLUMNS))
    book.active.append([asked[0]["key"], SUPPLEMENT, asked[0]["what"], AS_SUPPLEMENT, "各校分别报送", "王", "2026-01-02"])
    out2.mkdir()
    book.save(out2 / "人工裁定.xlsx")
    summary, bases = run(out2)
    assert bases[first[0]["unit"]] == ping and bases[second[0]["unit"]] == ping
    q = next(q for q in summary["questions"] if q["key"] == asked[0]["key"])
    assert q["status"] == "已裁定" and "一并汇总" in q["effect"]
    sent = {r["name"]: r for r in summary["recommenders"]}
    assert sent[ping]["bases"] == 2 and "平城区_甲校.xlsx" in sent[ping]["file"]


def test_rows_an_autofilter_hides_are_set_aside_and_said_to_be_filtered(tmp_path, policy):
    """Rows a filter hid when the file was saved (an AutoFilter on 属性) are hidden for a view, not by
    the clerk: still not merged until the bureau decides, but C-HIDDEN says they were filtered."""
    from clerk_typed import Names, type_annex7

    from macros_py.check.engine import check_submission
    from macros_py.model.submission import FILTERED
    from macros_py.read.workbook import read_submission

    bases = Names().bases(4)
    wb = openpyxl.Workbook()
    ws = wb.active
    first, at, end = type_annex7(ws, bases, line="推荐单位：左云县人社局")
    ws.auto_filter.ref = f"A{first - 1}:G{first + 3}"
    ws.auto_filter.add_filter_column(2, ["政府办"])
    hidden = [first + i for i, b in enumerate(bases) if b["attribute"] != "政府办"]
    for row in hidden:
        ws.row_dimensions[row].hidden = True
    wb.save(tmp_path / "筛选.xlsx")
    sub = read_submission(tmp_path / "筛选.xlsx", policy)
    assert [r.values["unit"] for r in sub.rows("bases")] == [b["unit"] for b in bases if b["attribute"] == "政府办"]
    assert [(s.kind, s.row, s.reason) for s in sub.skipped] == [(HIDDEN_ROW, r, FILTERED) for r in hidden]
    found = {f.cell: f.message for f in check_submission(sub, policy) if f.rule == "C-HIDDEN"}
    assert set(found) == {f"B{r}" for r in hidden} and all("筛选" in m for m in found.values())
