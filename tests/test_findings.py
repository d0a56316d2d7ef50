"""Findings and the report as plain data: JSON round trip, exit codes, and findings grouped per cell."""

from __future__ import annotations

import json

from macros_py.check.marks import FILL, marks_by_cell
from macros_py.model.findings import (
    ERROR,
    FILE_OK,
    FILE_UNUSABLE,
    FINDING_KEYS,
    INFO,
    WARNING,
    FileEntry,
    Finding,
    Report,
    display_value,
    mask_id,
)


def finding(rule="B-RATIO", severity=ERROR, cell="N4", **kw):
    data = dict(rule=rule, severity=severity, file="a.xlsx", sheet="基地条件", cell=cell, row=4, column="师生比",
                value=25, message="师生比 1:25", hint="核实", sha256="0" * 64)
    data.update(kw)
    return Finding(**data)


def test_finding_round_trips_through_json():
    f = finding()
    data = json.loads(json.dumps(f.to_dict(), ensure_ascii=False))
    assert list(data) == list(FINDING_KEYS)
    assert Finding.from_dict(data) == f
    assert f.where == "基地条件!N4"


def test_report_round_trips_and_gives_exit_codes():
    ok = FileEntry("a.xlsx", "/x/a.xlsx", FILE_OK, layout="template", records={"附件7 基地汇总": 3})
    report = Report([ok], [finding(severity=WARNING)], partial=True, limit=1)
    again = Report.from_dict(json.loads(report.to_json()))
    assert again == report and again.exit_code == 0
    assert Report([ok], [finding()]).exit_code == 1
    assert Report([ok, FileEntry("b.xlsx", "/x/b.xlsx", FILE_UNUSABLE, "空文件")], []).exit_code == 2
    assert report.counts_by_severity() == {ERROR: 0, WARNING: 1, INFO: 0}
    assert Report([ok], [finding(), finding(), finding(rule="C-PHONE", severity=WARNING)]).counts_by_rule() == {
        "B-RATIO": {ERROR: 2}, "C-PHONE": {WARNING: 1}}


def test_values_are_json_safe_and_ids_masked():
    import datetime as dt

    assert display_value(dt.datetime(1975, 3, 1)) == "1975-03-01" and display_value(80.0) == 80
    assert mask_id("140221197503121230") == "140221********1230"


def test_marks_group_findings_per_cell_worst_first():
    marks = marks_by_cell([finding(severity=INFO, rule="B-TIER-FIT"), finding(), finding(cell="O4", severity=WARNING),
                           finding(sheet=None, cell=None)])
    assert set(marks) == {"基地条件"} and set(marks["基地条件"]) == {"N4", "O4"}
    n4 = marks["基地条件"]["N4"]
    assert n4.severity == ERROR and n4.fill == FILL[ERROR] and n4.findings[0].rule == "B-RATIO"
    assert "B-TIER-FIT" in n4.note and "修改：" in n4.note
    assert marks["基地条件"]["O4"].fill == FILL[WARNING]
