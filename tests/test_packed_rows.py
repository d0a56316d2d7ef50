"""A merge keeps the sheets only its later steps read (基地条件, 经费预算, 专业预算) packed (PackedRows):
the records survive the round trip whole, a pass never changes the packed rows, and the master
written from packed files is the master written from the same records unpacked, byte for byte. A row
the bureau takes back as a project (人工裁定: 作为项目汇总) on a packed sheet reaches the master."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import write_decisions

from macros_py.check.engine import check_file
from macros_py.jobs.merge import run_merge
from macros_py.merge.decisions import TAKE_ROW
from macros_py.merge.run import PACKED, merge
from macros_py.model.submission import PackedRows
from macros_py.write.fill import write_filled
from macros_py.write.master import write_master
from macros_py.write.samples import generate

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "workbooks" / "samples"


def test_records_survive_the_round_trip_and_a_pass_changes_nothing(policy):
    sub, _, reason = check_file(SAMPLES / "01_平城区人力资源和社会保障局.xlsx", policy)
    assert reason is None
    for key, records in sub.sheets.items():
        assert records, key
        packed = PackedRows(records)
        assert len(packed) == len(records) and list(packed) == records, key
        assert packed[0] == records[0] and packed[-1] == records[-1] and packed[1:3] == records[1:3]
        again = pickle.loads(pickle.dumps(packed))          # as a worker sends it to the merge
        assert isinstance(again, PackedRows) and list(again) == records
        first = next(iter(packed))
        first.values["unit"] = "改过的名称"                   # a change to what one pass gave ...
        assert next(iter(packed)) == records[0]             # ... is not kept


@pytest.fixture(scope="module")
def run(tmp_path_factory, policy):
    out = tmp_path_factory.mktemp("packed")
    return merge(SAMPLES, out / "汇总.xlsx", policy=policy, jobs=1), out


def test_the_merge_keeps_those_sheets_packed_and_writes_the_same_master_unpacked(run, policy):
    merged, out = run
    kinds = {key: type(c.sub.sheets[key]) for c in merged.currents for key in PACKED if c.sub.rows(key)}
    assert set(kinds) == set(PACKED) and set(kinds.values()) == {PackedRows}
    packed = write_master(out / "packed.xlsx", merged.summary, merged.currents, merged.findings, policy)
    for c in merged.currents:
        for key in PACKED:
            c.sub.sheets[key] = list(c.sub.rows(key))
    unpacked = write_master(out / "unpacked.xlsx", merged.summary, merged.currents, merged.findings, policy)
    assert packed.read_bytes() == unpacked.read_bytes()
    ws = openpyxl.load_workbook(packed, read_only=True)["经费汇总"]
    funding = sum(len(c.sub.rows("funding")) for c in merged.currents)
    assert funding and sum(1 for r in ws.iter_rows(min_row=2, values_only=True) if any(r)) == funding


def test_a_hidden_row_of_a_packed_sheet_taken_back_as_a_project_is_in_the_master(tmp_path, policy):
    """C-HIDDEN on 专业预算: the row is not merged until the bureau decides 作为项目汇总; then it is."""
    sample = next(s for s in generate(policy) if s.name.startswith("01_"))
    inbox, out = tmp_path / "收件", tmp_path / "out"
    inbox.mkdir()
    path = inbox / "平城区.xlsx"
    write_filled(path, sample.data, policy)
    wb = openpyxl.load_workbook(path)
    ws = wb["专业预算"]
    hidden = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value)   # the first base's first major
    major = ws.cell(hidden, 2).value
    ws.row_dimensions[hidden].hidden = True
    wb.save(path)

    first = run_merge(inbox, out / "汇总.xlsx", policy, jobs=1)
    [q] = [q for q in first.summary.questions if q.kind == "隐藏行" and "专业预算" in q.where]
    assert TAKE_ROW in q.options

    def majors_rows():
        ws = openpyxl.load_workbook(out / "汇总.xlsx", read_only=True)["专业预算"]
        return [r for r in ws.iter_rows(min_row=2, values_only=True) if any(r)]

    before = majors_rows()
    assert all(r[-1] != hidden for r in before)
    write_decisions(out / "人工裁定.xlsx", [[q.key, q.kind, q.what, TAKE_ROW, "核实为本次申报的专业", "张科长", "2026-01-05"]])
    second = run_merge(inbox, out / "汇总.xlsx", policy, jobs=1)
    assert {x.key: x.status for x in second.summary.questions}[q.key] == "已裁定"
    after = majors_rows()
    assert len(after) == len(before) + 1
    assert any(r[-1] == hidden and major in r for r in after)
    s = second.summary
    assert s.rows_read == s.rows_merged + s.rows_rejected and s.rows_merged == first.summary.rows_merged + 1
    shutil.rmtree(out)
