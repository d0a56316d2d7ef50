"""LibreOffice as the spreadsheet engine: it opens the template, the samples and the check-cases
workbook, recalculates, and every formula result equals what compute.derive gives from the same
inputs; every conditional format marks exactly the cells that break its rule. Tests that need
LibreOffice take the `libreoffice` fixture, which skips with the reason where it is missing."""

from __future__ import annotations

import json
import math

import pytest
from cf_probe import marked
from conftest import SAMPLE_FILES as SAMPLES
from conftest import TEMPLATE
from openpyxl import load_workbook
from workbook_rows import computed_values, is_formula, recommender_of, workbook_rows

from macros_py.model.paths import SAMPLES_DIR
from macros_py.policy.compute import derive
from macros_py.policy.formula_text import column_letter

ERROR_VALUES = ("#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "Err:", "#ERR")


def same(python, engine) -> bool:
    if python in ("", None) and engine in ("", None):
        return True
    if isinstance(python, int | float) and isinstance(engine, int | float):
        return math.isclose(python, engine, rel_tol=1e-9, abs_tol=1e-9)
    return python == engine


def formula_mismatches(original, converted, schema, policy) -> tuple[int, list[str]]:
    """Compare every formula cell of every data row; returns (cells compared, mismatches)."""
    src, engine = load_workbook(original), computed_values(converted)
    rows = workbook_rows(src, schema)
    derive(rows, recommender_of(src, schema), policy)
    compared, bad = 0, []
    for sheet in schema.sheets:
        ws, values = src[sheet.title], engine[sheet.title]
        for row in rows[sheet.key]:
            for i, col in enumerate(sheet.columns, start=1):
                if not is_formula(ws.cell(row["_row"], i).value):
                    continue
                compared += 1
                want, got = row.get(col.key), values.cell(row["_row"], i).value
                if not same(want, got):
                    bad.append(f"{sheet.title}!{ws.cell(row['_row'], i).coordinate} {col.header}: "
                               f"Python {want!r}, LibreOffice {got!r}")
    return compared, bad


def corpus(cases):
    return [TEMPLATE, *SAMPLES, *(c.path for c in cases)]


def test_formula_results_equal_python_on_template_samples_and_check_cases(libreoffice, cases, schema, policy):
    total = 0
    for original in corpus(cases):
        compared, bad = formula_mismatches(original, libreoffice.recalculated[original], schema, policy)
        assert not bad, f"{original.name}:\n" + "\n".join(bad[:20])
        total += compared
    # 比例, 合计, 师生比, 高级教师占比, 最高档次, 条件是否满足, lookups, 工作室规模 on every pre-sized row
    assert total > 10000


def test_the_samples_carry_real_numbers(libreoffice, schema):
    """Not only blanks compare equal: the first sample's computed cells hold the expected kinds."""
    wb = computed_values(libreoffice.recalculated[SAMPLES[0]])
    conditions = wb[schema.sheet("conditions").title]
    first = conditions[schema.sheet("conditions").first_row]
    values = {col.key: cell.value for col, cell in zip(schema.sheet("conditions").columns, first, strict=False)}
    assert 16 <= values["ratio"] <= 25 and values["senior_share"] > 0
    assert values["supported_tier"] in ("A", "B", "C") and values["verdict"]


def test_no_formula_anywhere_evaluates_to_an_error(libreoffice, cases):
    for original in corpus(cases):
        wb = computed_values(libreoffice.recalculated[original])
        for ws in wb:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(ERROR_VALUES), f"{original.name} {ws.title}!{cell.coordinate}"


def expected_marks(file_name: str, rules_with_checks: set[str]) -> set[tuple[str, str, str]]:
    manifest = json.loads((SAMPLES_DIR / "manifest.json").read_text(encoding="utf-8"))
    out = set()
    for brk in manifest["breaks"]:
        if brk["file"] == file_name:
            for mark in [brk, *brk.get("also", [])]:
                if mark["rule"] in rules_with_checks:
                    out.add((mark["rule"], mark["sheet"], mark["cell"]))
    return out


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_conditional_formats_mark_exactly_the_manifests_breaks(libreoffice, schema, sample):
    rules_with_checks = {c.rule for s in schema.sheets for c in s.checks}
    got = {(rule, sheet, cell) for rule, _sev, sheet, cell in
           marked(libreoffice.recalculated[sample], libreoffice.probes[sample])}
    assert got == expected_marks(sample.name, rules_with_checks)


def test_the_manifest_breaks_rules_the_workbook_shows(schema):
    """Every deliberate break is either shown by a check or is a bureau-side rule (B-DUP)."""
    manifest = json.loads((SAMPLES_DIR / "manifest.json").read_text(encoding="utf-8"))
    rules_with_checks = {c.rule for s in schema.sheets for c in s.checks}
    unshown = {b["rule"] for b in manifest["breaks"]} - rules_with_checks
    assert unshown == {"B-DUP"}


def test_conditional_formats_mark_exactly_the_check_cases(libreoffice, cases):
    for case in cases:
        got = marked(libreoffice.recalculated[case.path], libreoffice.probes[case.path])
        want = set(case.marks)
        assert not want - got, f"{case.path.name} not marked: {sorted(want - got)}"
        assert not got - want, f"{case.path.name} marked but clean: {sorted(got - want)}"


def test_every_check_marks_something_in_the_check_cases(cases, schema):
    """So that the exact comparison above proves each check both ways, not only that it stays quiet."""
    shown = {(rule, severity, sheet, cell.rstrip("0123456789"))
             for case in cases for rule, severity, sheet, cell in case.marks}
    for sheet in schema.sheets:
        for check in sheet.checks:
            letters = {column_letter(sheet, key) for key in check.columns}
            assert any((check.rule, check.severity, sheet.title, letter) in shown for letter in letters), \
                f"{sheet.title} {check.rule} {check.severity} {check.columns}"


def test_the_empty_template_marks_nothing(libreoffice):
    assert marked(libreoffice.recalculated[TEMPLATE], libreoffice.probes[TEMPLATE]) == set()


def test_the_printed_forms_show_the_data_rows_in_use_in_order(libreoffice, cases, schema, policy):
    """附件7 打印 / 附件8 打印 and their continuations (续: rows K+1…), as LibreOffice computes them:
    form row k holds the k-th data row whose 项目单位 (领办人) is filled, column by column the notice's
    columns as Python derives them; 编号 runs 1…max(n, 4) and every other cell of the rows past the
    last one is empty. The check-cases workbook has rows left blank between filled ones, so the gaps
    are skipped, not shown, on either sheet."""
    from macros_py.write.form_text import PRINTED_ROWS, printed_columns
    from macros_py.write.forms import form_place, form_sheets

    compared = 0
    for original in corpus(cases):
        src, engine = load_workbook(original), computed_values(libreoffice.recalculated[original])
        rows = workbook_rows(src, schema)
        derive(rows, recommender_of(src, schema), policy)
        for sheet in form_sheets(schema):
            in_use = [r for r in rows[sheet.key] if r.get(sheet.link) not in (None, "")]
            cols = printed_columns(sheet)
            for k in range(1, sheet.capacity + 1):
                title, row = form_place(sheet, k)
                got = [engine[title].cell(row, i).value for i in range(1, len(cols) + 1)]
                if k <= len(in_use):
                    want = [k if c.key == "seq" else in_use[k - 1].get(c.key) for c in cols]
                    compared += 1
                else:
                    want = [k if k <= PRINTED_ROWS else None] + [None] * (len(cols) - 1)
                assert all(same(w, g) for w, g in zip(want, got, strict=True)), \
                    f"{original.name} {title} row {k}: want {want}, LibreOffice {got}"
            for title in sheet.form_titles:
                line = engine[title]["A3"].value
                assert line == f"推荐单位：{recommender_of(src, schema) or ''}（公章）", line
    assert compared > 100
