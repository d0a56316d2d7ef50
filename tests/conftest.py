"""Shared fixtures.

LibreOffice work is done once per session: every workbook the tests need it for (the committed
template, the committed samples, the check-cases workbook and their probe copies) is converted in a
single soffice call, because each start costs about 1.5 s. Rule tests get clean submission data built
from the seeded samples, and a helper that writes data with write_filled, reads it back and checks it."""

from __future__ import annotations

import copy
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("OPENPYXL_LXML", "False")  # before openpyxl loads: see macros_py/__init__.py
# Logs of unexpected errors (cli/main.py) go to a folder of the test run, not the machine's temp folder.
os.environ.setdefault("SHENBAO_LOG_DIR", __import__("tempfile").mkdtemp(prefix="shenbao-test-logs-"))
sys.path.insert(0, str(Path(__file__).parent))  # the helpers beside the tests

from cf_probe import Probe, add_probes  # noqa: E402
from check_cases import check_cases, no_recommender_case  # noqa: E402

from macros_py.check.engine import check_submission  # noqa: E402
from macros_py.model.findings import Finding  # noqa: E402
from macros_py.model.paths import SAMPLES_DIR, WORKBOOKS_DIR  # noqa: E402
from macros_py.policy.load import default_policy  # noqa: E402
from macros_py.policy.schema import build_schema  # noqa: E402
from macros_py.read.workbook import read_submission  # noqa: E402
from macros_py.write.fill import cell_of, write_filled  # noqa: E402
from macros_py.write.libreoffice import convert, find_soffice  # noqa: E402
from macros_py.write.printed import write_printed_submission  # noqa: E402
from macros_py.write.samples import break_free_data, generate  # noqa: E402

SOFFICE = find_soffice()
# Every test that needs LibreOffice finds it here, one way (find_soffice: $SHENBAO_SOFFICE, PATH, the
# usual places), and says the same when it is missing.
NO_LO_REASON = ("本机没有 LibreOffice（soffice）：跳过需要它的测试。请安装 libreoffice-calc-nogui，"
                "或用环境变量 SHENBAO_SOFFICE 指定 soffice 的完整路径；CI 会安装它，这些测试在那里运行。")
requires_libreoffice = pytest.mark.skipif(SOFFICE is None, reason=NO_LO_REASON)

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = WORKBOOKS_DIR / "申报工作簿_2025.xlsx"
SAMPLES = SAMPLES_DIR
SAMPLE_FILES = sorted(SAMPLES_DIR.glob("*.xlsx"))


@pytest.fixture(scope="session")
def policy():
    return default_policy()


@pytest.fixture(scope="session")
def schema(policy):
    return build_schema(policy)


@dataclass
class CheckCases:
    path: Path
    data: dict
    marks: list[tuple[str, str, str, str]]


@pytest.fixture(scope="session")
def cases(tmp_path_factory, policy) -> list[CheckCases]:
    """The test-only workbooks of check_cases.py: every check broken once, and no 推荐单位."""
    folder = tmp_path_factory.mktemp("cases")
    out = []
    for name, build in (("check_cases", check_cases), ("no_recommender", no_recommender_case)):
        data, marks = build(policy)
        out.append(CheckCases(write_filled(folder / f"{name}.xlsx", data, policy), data, marks))
    return out


@dataclass
class Converted:
    """What LibreOffice made of the workbooks.

    recalculated: each original's probe copy after recalculation. The copy holds the original's
      cells unchanged (openpyxl load and save) plus probe columns to the right of the tables, so
      one conversion serves both the formula comparison and the conditional-format check.
    round_trip: the untouched template, first sample and printed sample, opened and saved as xlsx.
    """

    recalculated: dict[Path, Path]
    probes: dict[Path, list[Probe]]
    round_trip: dict[Path, Path]


ROUND_TRIP = [TEMPLATE, SAMPLE_FILES[0]]


@pytest.fixture(scope="session")
def printed_sample(tmp_path_factory, policy):
    """The first clean generated submission with studios, in the notice's printed layout."""
    sample = next(s for s in generate(policy) if s.data["studios"] and not s.breaks and len(s.data["studios"]) < 4)
    path = write_printed_submission(tmp_path_factory.mktemp("printed") / "printed.xlsx", sample.data, policy)
    return sample, path


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory, policy, cases, printed_sample) -> Converted:
    if SOFFICE is None:
        pytest.skip(NO_LO_REASON)
    originals = [TEMPLATE, *SAMPLE_FILES, *(c.path for c in cases)]
    probe_dir = tmp_path_factory.mktemp("probes")
    probes, probe_files = {}, {}
    for src in originals:
        probe_files[src] = probe_dir / f"probe_{src.stem}.xlsx"
        probes[src] = add_probes(src, probe_files[src], policy)
    as_is = [*ROUND_TRIP, printed_sample[1]]
    results = convert([*probe_files.values(), *as_is], tmp_path_factory.mktemp("lo"))
    recalculated = dict(zip(originals, results[:len(originals)], strict=True))
    round_trip = dict(zip(as_is, results[len(originals):], strict=True))
    return Converted(recalculated, probes, round_trip)


@pytest.fixture(scope="session")
def clean_template(policy):
    return break_free_data(policy)


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


def family_tests(name: str, breaks: list[Break], *, also: list[Break] = (), clean_rules=None):
    """The standard tests of one rule family, for its module to bind at top level:

        findings, test_break_is_reported_at_its_cell, test_clean_data_passes = family_tests("bases", BREAKS)

    `findings`: one workbook with every break applied (and `also`, changes that must stay silent);
    each break is reported at its cell; the clean data gives no finding of the family's rules."""

    @pytest.fixture(scope="module")
    def findings(tmp_path_factory, clean_template, policy):
        return family_findings(tmp_path_factory, clean_template, policy, [*breaks, *also], name)

    @pytest.mark.parametrize("brk", breaks, ids=lambda b: b.id)
    def test_break_is_reported_at_its_cell(findings, schema, brk):
        assert_break(findings, schema, brk)

    @pytest.mark.parametrize("rule", sorted(clean_rules or {b.rule for b in breaks}))
    def test_clean_data_passes(clean_findings, rule):
        assert [f for f in clean_findings if f.rule == rule] == []

    return findings, test_break_is_reported_at_its_cell, test_clean_data_passes


def write_decisions(path: Path, rows: list[list]) -> None:
    """A 人工裁定 workbook as the bureau fills it: the master's question columns, then `rows`."""
    import openpyxl

    from macros_py.merge.decisions import DECISION_COLUMNS

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "人工裁定"
    ws.append(list(DECISION_COLUMNS))
    for r in rows:
        ws.append(r)
    wb.save(path)


def merge_corpus(inbox: Path, out: Path):
    """`shenbao merge` of a test corpus (one worker): its summary JSON and its master, loaded."""
    import json

    import openpyxl

    from macros_py.cli.main import main

    code = main(["merge", str(inbox), "-o", str(out / "汇总.xlsx"), "--summary-json",
                 str(out / "summary.json"), "--jobs", "1"])
    assert code == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return summary, openpyxl.load_workbook(out / "汇总.xlsx")
