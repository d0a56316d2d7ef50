"""Benchmark: `shenbao check` on a workbook of 200 bases and 200 studios, against a plain pandas read.

    python benchmarks/bench_check.py [--repeat 5] [--keep DIR]

Builds the workbook from the template with seeded sample rows (beyond the template's pre-sized tables,
which the reader does not need), then times, in this process (no interpreter start-up):
  - read + check of the file (macros_py.check.engine.check_paths), best of --repeat runs;
  - pandas.read_excel(path, sheet_name=None, engine="openpyxl") on the same file, best of --repeat.
Prints seconds per file and the ratio (the two are timed in turn, best of each). Target: under 0.3 s, and at least 5x faster than pandas.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from macros_py.policy.load import default_policy  # noqa: E402
from macros_py.policy.schema import build_schema  # noqa: E402
from macros_py.write.fill import cell_of  # noqa: E402
from macros_py.write.samples import NAME_PARTS, UNIT_KINDS, _Gen  # noqa: E402
from macros_py.write.template import build_template, document_time  # noqa: E402
from macros_py.write.xlsx_pack import save_workbook  # noqa: E402

BASES = STUDIOS = 200
TARGET_SECONDS, TARGET_RATIO = 0.3, 5.0


class _ManyUnits(_Gen):
    """The sample generator, with a serial number in unit names: its name parts give ~130 names."""

    serial = 0

    def unit(self, county: str) -> tuple[str, str]:
        pattern, attribute = self.rng.choice(UNIT_KINDS)
        self.serial += 1
        return pattern.format(c=f"大同市{county}第{self.serial}", x=f"{self.rng.choice(NAME_PARTS)}{self.serial}"), attribute


def build(path: Path, bases: int = BASES, studios: int = STUDIOS) -> Path:
    policy = default_policy()
    schema = build_schema(policy)
    gen = _ManyUnits(policy, seed=200)
    counties = policy.get("region.counties")
    recommender = policy.recommenders[0].name
    wb = build_template(policy, recommender)

    def put(sheet_key, index, row, content=None):
        ws = wb[schema.sheet(sheet_key).title]
        for key, value in row.items():
            ws[cell_of(schema, sheet_key, key, index, content)] = value

    major_index = 0
    for i in range(bases):
        base, cond, fund, majors = gen.base(counties[i % len(counties)], recommender)
        put("bases", i, base)
        put("conditions", i, cond)
        # Past the template's 20 pre-sized blocks the row labels are not there yet: write them too.
        put("funding", i, {"unit": fund["unit"], "content": "合计"})
        for c, amounts in enumerate(fund["amounts"]):
            row = {f"amount{s}": a for s, a in enumerate(amounts)}
            put("funding", i, {**row, "content": policy.funding["contents"][c]}, content=c)
        for m in majors:
            put("majors", major_index, m)
            major_index += 1
    for i in range(studios):
        studio, master = gen.studio(counties[i % len(counties)])
        put("studios", i, studio)
        put("masters", i, master)
    save_workbook(wb, path, document_time(policy))
    return path


def timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def interleaved(repeat: int, ours, theirs) -> tuple[list[float], list[float]]:
    """Both timed in turn, so that other load on the machine falls on both alike."""
    a, b = [], []
    for _ in range(repeat):
        a.append(timed(ours))
        b.append(timed(theirs))
    return a, b


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", metavar="DIR", help="keep the built workbook in DIR")
    args = parser.parse_args(argv)

    import pandas as pd

    from macros_py.check.engine import check_paths

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = build(folder / f"bench_{BASES}_bases_{STUDIOS}_studios.xlsx")
        size_kb = path.stat().st_size // 1024
        report = check_paths([path])  # warm-up (imports, caches)
        errors = report.counts_by_severity()
        mine, pandas_times = interleaved(args.repeat, lambda: check_paths([path]),
                                         lambda: pd.read_excel(path, sheet_name=None, engine="openpyxl"))
    ours, theirs = min(mine), min(pandas_times)
    ratio = theirs / ours
    median = statistics.median(p / m for m, p in zip(mine, pandas_times, strict=True))
    print(f"工作簿：{BASES} 个基地、{STUDIOS} 个工作室（{size_kb} KB）；"
          f"校验结果 {errors}")
    print(f"shenbao check（读取+校验）：{ours:.3f} 秒/文件")
    print(f"pandas.read_excel(sheet_name=None, engine='openpyxl')：{theirs:.3f} 秒/文件")
    print(f"倍数：{ratio:.1f}×（各取最快一次；逐轮比值的中位数 {median:.1f}×）"
          f"（目标：< {TARGET_SECONDS} 秒，且 ≥ {TARGET_RATIO}×）")
    ok = ours < TARGET_SECONDS and ratio >= TARGET_RATIO
    print("达标" if ok else "未达标")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
