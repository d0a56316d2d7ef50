"""Shared fixtures: the policy, clean submission data built from the seeded samples, and a helper that
writes data with write_filled, reads it back and checks it."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import pytest

from macros_py.engine import check_submission
from macros_py.fill_template import cell_of, write_filled
from macros_py.findings import Finding
from macros_py.policy import default_policy
from macros_py.read_workbook import read_submission
from macros_py.samples import generate
from macros_py.schema import build_schema

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "workbooks" / "samples"


@pytest.fixture(scope="session")
def policy():
    return default_policy()


@pytest.fixture(scope="session")
def schema(policy):
    return build_schema(policy)


def _clean_data(policy, bases: int = 20, studios: int = 20) -> dict:
    """One submission's worth of rows that break no rule: the break-free samples of a few seeds,
    merged (units and leaders unique), up to the template's 20 funding blocks."""
    out = {"recommender": None, "bases": [], "conditions": [], "funding": [], "majors": [], "studios": [],
           "masters": []}
    units, leaders = set(), set()
    for seed in (2025, 7, 11, 13, 17, 19, 23):
        for sample in generate(policy, seed):
            if sample.breaks:
                continue
            data = sample.data
            out["recommender"] = out["recommender"] or data["recommender"]
            for i, base in enumerate(data["bases"]):
                if len(out["bases"]) >= bases or base["unit"] in units:
                    continue
                units.add(base["unit"])
                out["bases"].append(base)
                out["conditions"].append(data["conditions"][i])
                out["funding"].append(data["funding"][i])
                out["majors"] += [m for m in data["majors"] if m["unit"] == base["unit"]]
            for i, studio in enumerate(data["studios"]):
                if len(out["studios"]) >= studios or studio["leader"] in leaders or studio["unit"] in units:
                    continue
                leaders.add(studio["leader"])
                units.add(studio["unit"])
                out["studios"].append(studio)
                out["masters"].append(data["masters"][i])
        if len(out["bases"]) >= bases and len(out["studios"]) >= studios:
            break
    assert len(out["bases"]) == bases and len(out["studios"]) == studios
    assert len(out["majors"]) <= 60
    return out


@pytest.fixture(scope="session")
def clean_template(policy):
    return _clean_data(policy)


@pytest.fixture
def clean_data(clean_template):
    """A fresh deep copy, free to break."""
    return copy.deepcopy(clean_template)


def check_data(path: Path, data: dict, policy) -> list[Finding]:
    write_filled(path, data, policy)
    return check_submission(read_submission(path, policy), policy)


@dataclass
class Break:
    """One deliberate break: what to change, and the cell where `rule` must then be reported."""

    rule: str
    name: str
    apply: object               # callable(data) that breaks it
    sheet: str                  # schema sheet key
    key: str                    # column key
    index: int                  # row (for funding: block) index
    content: int | None = None  # funding: the content row, None for the 合计 row
    severity: str | None = None

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.name}"

    def where(self, schema) -> tuple[str, str]:
        return schema.sheet(self.sheet).title, cell_of(schema, self.sheet, self.key, self.index, self.content)


def apply_all(data: dict, breaks: list[Break]) -> dict:
    for b in breaks:
        b.apply(data)
    return data


def at(findings: list[Finding], rule: str, sheet: str, cell: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule and f.sheet == sheet and f.cell == cell]


def assert_break(findings, schema, b: Break) -> None:
    sheet, cell = b.where(schema)
    hits = at(findings, b.rule, sheet, cell)
    assert hits, (f"{b.id}: expected {b.rule} at {sheet}!{cell}; got "
                  f"{[(f.rule, f.where) for f in findings if f.rule == b.rule]}")
    if b.severity:
        assert any(f.severity == b.severity for f in hits), [(f.severity, f.message) for f in hits]
    for f in hits:
        assert f.message and f.hint and "{" not in f.message + f.hint


@pytest.fixture(scope="session")
def clean_findings(clean_template, policy, tmp_path_factory) -> list[Finding]:
    """The findings on the clean data: the passing case of every rule."""
    return check_data(tmp_path_factory.mktemp("clean") / "clean.xlsx", copy.deepcopy(clean_template), policy)


def family_findings(tmp_path_factory, clean_template, policy, breaks: list[Break], name: str) -> list[Finding]:
    """One workbook with every break of a family applied (each at its own row), read and checked."""
    data = apply_all(copy.deepcopy(clean_template), breaks)
    return check_data(tmp_path_factory.mktemp(name) / f"{name}.xlsx", data, policy)
