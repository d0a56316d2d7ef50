"""Shared fixtures. LibreOffice work is done once per session: every workbook the tests need it for
(the committed template, the committed samples, the check-cases workbook and their probe copies) is
converted in a single soffice call, because each start costs about 1.5 s."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("OPENPYXL_LXML", "False")  # before openpyxl loads: see macros_py/__init__.py
sys.path.insert(0, str(Path(__file__).parent))  # the helpers beside the tests

from cf_probe import Probe, add_probes  # noqa: E402
from check_cases import check_cases, no_recommender_case  # noqa: E402

from macros_py.fill_template import write_filled  # noqa: E402
from macros_py.libreoffice import convert, find_soffice  # noqa: E402
from macros_py.paths import SAMPLES_DIR, WORKBOOKS_DIR  # noqa: E402
from macros_py.policy import default_policy  # noqa: E402
from macros_py.samples import generate  # noqa: E402
from macros_py.schema import build_schema  # noqa: E402
from macros_py.write_printed import write_printed_submission  # noqa: E402

SOFFICE = find_soffice()
NO_LO_REASON = ("LibreOffice (soffice) is not installed here; install libreoffice-calc-nogui "
                "or set SHENBAO_SOFFICE. CI installs it, so these tests run there.")
requires_libreoffice = pytest.mark.skipif(SOFFICE is None, reason=NO_LO_REASON)

TEMPLATE = WORKBOOKS_DIR / "申报工作簿_2025.xlsx"
SAMPLES = sorted(SAMPLES_DIR.glob("*.xlsx"))


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


ROUND_TRIP = [TEMPLATE, SAMPLES[0]]


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
    originals = [TEMPLATE, *SAMPLES, *(c.path for c in cases)]
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
