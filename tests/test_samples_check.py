"""The committed samples: every deliberate break of workbooks/samples/manifest.json is reported at exactly
its cell with its rule (bureau-side B-DUP aside), and nothing else in the samples is a 错误."""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLES

from macros_py.check.engine import check_paths
from macros_py.model.findings import ERROR
from macros_py.rules.catalog import BUREAU, CATALOG

MANIFEST = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
COUNTY_BREAKS = [b for b in MANIFEST["breaks"] if CATALOG[b["rule"]].where != BUREAU]


@pytest.fixture(scope="module")
def report(policy):
    return check_paths(sorted(SAMPLES.glob("*.xlsx")), policy)


@pytest.mark.parametrize("brk", COUNTY_BREAKS, ids=lambda b: f"{b['file'][:2]}-{b['rule']}")
def test_manifest_break_is_reported_at_its_cell(report, brk):
    got = [(f.rule, f.sheet, f.cell) for f in report.findings if f.file == brk["file"]]
    assert (brk["rule"], brk["sheet"], brk["cell"]) in got, got


def test_no_other_errors(report):
    expected = {(b["file"], b["rule"], b["sheet"], b["cell"]) for b in MANIFEST["breaks"]}
    expected |= {(b["file"], m["rule"], m["sheet"], m["cell"]) for b in MANIFEST["breaks"] for m in b.get("also", [])}
    errors = {(f.file, f.rule, f.sheet, f.cell) for f in report.findings if f.severity == ERROR}
    assert errors <= expected, errors - expected


def test_samples_without_breaks_have_no_findings_at_all(report):
    broken = {b["file"] for b in MANIFEST["breaks"] if CATALOG[b["rule"]].where != BUREAU}
    clean = [f.file for f in report.files if f.file not in broken]
    assert clean and not [f for f in report.findings if f.file in clean]


def test_every_sample_was_read_as_the_template(report):
    assert len(report.files) == len(MANIFEST["files"])
    assert {f.layout for f in report.files} == {"template"} and report.exit_code == 1
