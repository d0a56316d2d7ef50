"""Property-based: the committed sample workbooks, mutated as clerks mutate them (rows and columns
deleted or inserted, cells blanked, sheets swapped and renamed, rows hidden, cells merged, numbers
typed as text, the 推荐单位 line rewritten). Whatever the mutation, no exception escapes the check
(check.engine) or the merge (jobs.merge.run_merge), and every file's rows reconcile:
rows_read == rows_merged + rows_rejected."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import MergedCell

from macros_py.check.engine import check_file
from macros_py.jobs.merge import run_merge
from macros_py.merge.inbox import REGISTER_NAME

SAMPLES = sorted((ROOT / "workbooks" / "samples").glob("*.xlsx"))
PRINTED = 4     # of the samples, also written in the notice's printed layout (附件7/附件8/表4-2)


@pytest.fixture(scope="module")
def books(policy, tmp_path_factory):
    """The committed samples, and the first few of them as the notice prints the forms."""
    from macros_py.write.printed import write_printed_submission
    from macros_py.write.samples import generate

    folder = tmp_path_factory.mktemp("printed")
    printed = [write_printed_submission(folder / f"印制_{s.name}", s.data, policy) for s in generate(policy)[:PRINTED]]
    return SAMPLES + printed
RECOMMENDER_LINES = ["推荐单位：市教育局（公章）  填报日期：2025年12月20日", "推荐单位：", "推荐单位：某某协会",
                     "推荐单位：平城区人社局 联系人：张三 电话：13912345678", "推荐单位：（公章）", "推荐单位：=1+1"]

mutation = st.one_of(
    st.tuples(st.just("delete_rows"), st.integers(1, 40), st.integers(1, 5)),
    st.tuples(st.just("insert_rows"), st.integers(1, 40), st.integers(1, 5)),
    st.tuples(st.just("delete_cols"), st.integers(1, 20), st.integers(1, 3)),
    st.tuples(st.just("insert_cols"), st.integers(1, 20), st.integers(1, 3)),
    st.tuples(st.just("blank"), st.integers(1, 40), st.integers(1, 20)),
    st.tuples(st.just("swap_sheets"), st.integers(0, 8), st.integers(0, 8)),
    st.tuples(st.just("rename_sheet"), st.integers(0, 8), st.sampled_from(["Sheet1", "附件7", "汇总数据", "Sheet2"])),
    st.tuples(st.just("hide_rows"), st.integers(1, 40), st.integers(1, 4)),
    st.tuples(st.just("merge"), st.integers(1, 40), st.integers(1, 12)),
    st.tuples(st.just("number_as_text"), st.integers(0, 8), st.just(0)),
    st.tuples(st.just("recommender_line"), st.integers(0, len(RECOMMENDER_LINES) - 1), st.just(0)),
)


def mutate(path: Path, sheet_index: int, steps) -> None:
    wb = openpyxl.load_workbook(path)
    sheets = wb.worksheets
    ws = sheets[sheet_index % len(sheets)]
    for kind, a, b in steps:
        if kind == "delete_rows":
            ws.delete_rows(a, b)
        elif kind == "insert_rows":
            ws.insert_rows(a, b)
        elif kind == "delete_cols":
            ws.delete_cols(a, b)
        elif kind == "insert_cols":
            ws.insert_cols(a, b)
        elif kind == "blank":
            if not isinstance(ws.cell(a, b), MergedCell):
                ws.cell(a, b).value = None
        elif kind == "swap_sheets":
            order = wb._sheets
            i, j = a % len(order), b % len(order)
            order[i], order[j] = order[j], order[i]
        elif kind == "rename_sheet":
            target = sheets[a % len(sheets)]
            if b not in wb.sheetnames:
                target.title = b
        elif kind == "hide_rows":
            for r in range(a, a + b):
                ws.row_dimensions[r].hidden = True
        elif kind == "merge":
            ws.merge_cells(start_row=a, start_column=b, end_row=a + 2, end_column=b)
        elif kind == "number_as_text":
            for row in ws.iter_rows(min_row=1, max_row=60):
                for cell in row:
                    if isinstance(cell.value, int | float) and not isinstance(cell.value, bool) \
                            and not isinstance(cell, MergedCell):
                        cell.value = f"{cell.value} "
        elif kind == "recommender_line":
            for row in ws.iter_rows(max_row=8):
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith("推荐单位") and "：" in cell.value \
                            and not isinstance(cell, MergedCell):
                        cell.value = RECOMMENDER_LINES[a]
    wb.save(path)


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(pick=st.integers(0, len(SAMPLES) + PRINTED - 1), sheet=st.integers(0, 8),
       steps=st.lists(mutation, min_size=1, max_size=4))
def test_check_never_raises_on_a_mutated_sample(policy, books, pick, sheet, steps):
    sample = books[pick]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / sample.name
        shutil.copy(sample, path)
        mutate(path, sheet, steps)
        sub, findings, reason = check_file(path, policy)
        assert (sub is None) == (reason is not None)
        assert "程序读取该文件时出错" not in (reason or ""), reason      # a fault of the tool, not of the file
        assert not [f for f in findings if "程序在核对" in f.message], [f.message for f in findings]


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(picks=st.lists(st.tuples(st.integers(0, len(SAMPLES) + PRINTED - 1), st.integers(0, 8),
                                st.lists(mutation, min_size=1, max_size=3)), min_size=2, max_size=4))
def test_merge_never_raises_and_reconciles_on_mutated_samples(policy, books, picks):
    with tempfile.TemporaryDirectory() as tmp:
        inbox, out = Path(tmp) / "收件", Path(tmp) / "out"
        inbox.mkdir()
        names = []
        for n, (pick, sheet, steps) in enumerate(picks):
            sample = books[pick]
            path = inbox / f"{n}_{sample.name}"
            shutil.copy(sample, path)
            mutate(path, sheet, steps)
            names.append(path.name)
        (inbox / REGISTER_NAME).write_text("文件名,收文日期\n" + "".join(f"{n},2025-12-20\n" for n in names),
                                           encoding="utf-8")
        result = run_merge(inbox, out / "汇总.xlsx", policy, jobs=1)
        s = result.summary
        assert (out / "汇总.xlsx").is_file()
        assert s.rows_read == s.rows_merged + s.rows_rejected
        for f in s.files:
            assert f.rows_read == f.rows_merged + f.rows_rejected, f.name
        assert not [f for f in s.findings if "程序在核对" in f["message"]], [f["message"] for f in s.findings]
