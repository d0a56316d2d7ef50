"""Workbook-wide rules (rules_common): the same row twice (C-ROWDUP) and the file's form (C-TEMPLATE)."""

from __future__ import annotations

from conftest import Break, family_tests
from openpyxl import load_workbook

from macros_py.check.engine import check_submission
from macros_py.model.findings import ERROR, WARNING
from macros_py.read.workbook import read_submission
from macros_py.write.fill import cell_of, write_filled


def copy_row(sheet, to, frm=0):
    return lambda d: d[sheet].__setitem__(to, dict(d[sheet][frm]))


def same_block_unit(d):
    d["funding"][19]["unit"] = d["funding"][0]["unit"]


BREAKS = [
    Break("C-ROWDUP", "bases", copy_row("bases", 3), "bases", "unit", 3, severity=ERROR),
    Break("C-ROWDUP", "conditions", copy_row("conditions", 2), "conditions", "unit", 2, severity=ERROR),
    Break("C-ROWDUP", "funding", same_block_unit, "funding", "unit", 19, None, severity=ERROR),
    Break("C-ROWDUP", "majors", copy_row("majors", 1), "majors", "major", 1, severity=ERROR),
    Break("C-ROWDUP", "studios", copy_row("studios", 4), "studios", "leader", 4, severity=ERROR),
    Break("C-ROWDUP", "masters", copy_row("masters", 5), "masters", "leader", 5, severity=ERROR),
]
RULES = {b.rule for b in BREAKS} | {"C-VALUE"}   # C-VALUE: test_long_text_is_read_whole_and_said_at_its_cell


findings, test_break_is_reported_at_its_cell, test_clean_data_passes = family_tests("common", BREAKS, clean_rules=["C-ROWDUP", "C-TEMPLATE", "C-VALUE"])


def test_long_text_is_read_whole_and_said_at_its_cell(tmp_path, clean_template, schema, policy):
    # C-VALUE (long): 42,000 characters in 项目所在地址 (openpyxl cuts at 32,767 when it writes, so the
    # text goes into the package afterwards): more than an Excel cell holds, under the reader's hard
    # limit (Limits.max_text, where it is cut: test_hostile), so it is read whole and said at the cell.
    import copy

    from hostile_files import replace_text

    data = copy.deepcopy(clean_template)
    data["bases"][2]["address"] = "LONGTEXTMARKER"
    path = replace_text(write_filled(tmp_path / "long.xlsx", data, policy), "LONGTEXTMARKER", "大同市平城区" * 7000)
    sub = read_submission(path, policy)
    (f,) = [f for f in check_submission(sub, policy) if f.rule == "C-VALUE"]
    assert (f.sheet, f.cell) == (schema.sheet("bases").title, cell_of(schema, "bases", "address", 2))
    assert f.severity == WARNING and "42000 字" in f.message and "32767" in f.message
    assert len(sub.rows("bases")[2].values["address"]) == 42000


def test_duplicate_names_the_first_row(findings, schema):
    (f,) = [f for f in findings if f.rule == "C-ROWDUP" and f.sheet == "附件7 基地汇总"]
    assert f"第 {schema.sheet('bases').first_row} 行" in f.message



def test_duplicates_compare_normalised_names(tmp_path, clean_data, policy):
    clean_data["bases"][1]["unit"] = " " + clean_data["bases"][0]["unit"].replace("大同", "大同 ") + "（公章）"
    path = write_filled(tmp_path / "n.xlsx", clean_data, policy)
    found = [f for f in check_submission(read_submission(path, policy), policy) if f.rule == "C-ROWDUP"]
    assert [(f.sheet, f.cell) for f in found] == [("附件7 基地汇总", "B5")]


def test_other_template_version_is_a_warning(tmp_path, clean_data, policy):
    path = write_filled(tmp_path / "v.xlsx", clean_data, policy)
    wb = load_workbook(path)
    wb["模板信息"]["B1"] = "2024.3"
    wb["模板信息"]["B2"] = 2024
    wb.save(path)
    found = [f for f in check_submission(read_submission(path, policy), policy) if f.rule == "C-TEMPLATE"]
    assert [(f.severity, f.value) for f in found] == [(WARNING, "2024.3")]
    assert "2024.3" in found[0].message and "2025" in found[0].message


# C-EMPTY is about the file as a whole (no cell), so it has no break at a cell: these tests break it.
RULES = RULES | {"C-EMPTY"}


def _empty(policy):
    return {"recommender": policy.recommenders[0].name, "bases": [], "conditions": [], "funding": [], "majors": [],
            "studios": [], "masters": []}


def test_c_empty_a_blank_template_is_an_error_for_the_file(policy):
    from macros_py.check.engine import check_paths
    from macros_py.model.paths import WORKBOOKS_DIR

    report = check_paths([WORKBOOKS_DIR / "申报工作簿_2025.xlsx"], policy)
    (f,) = [f for f in report.findings if f.rule == "C-EMPTY"]
    assert (f.severity, f.sheet, f.cell) == (ERROR, None, None)
    assert "附件7 基地汇总" in f.message and "附件8 工作室汇总" in f.message
    assert report.exit_code == 1


def test_c_empty_an_empty_printed_form_is_an_error(tmp_path, policy):
    from macros_py.write.printed import write_printed_submission

    path = write_printed_submission(tmp_path / "printed_empty.xlsx", _empty(policy), policy)
    found = [f.rule for f in check_submission(read_submission(path, policy), policy)]
    assert "C-EMPTY" in found


def test_c_empty_not_for_a_file_with_only_studios(tmp_path, clean_data, policy):
    clean_data.update(bases=[], conditions=[], funding=[], majors=[])
    path = write_filled(tmp_path / "studios_only.xlsx", clean_data, policy)
    assert "C-EMPTY" not in [f.rule for f in check_submission(read_submission(path, policy), policy)]
