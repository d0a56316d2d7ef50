"""Benchmark: what making one run's outputs appear together costs (write/staging.py).

    python benchmarks/bench_staging.py [--files 500] [--kb 12] [--repeat 3]

Writes --files outputs of --kb each (a merge's feedback folder: 500 recommenders) into a folder that
already holds the previous run's, two ways, in the same run:
  baseline: each file written with write_atomic (temporary beside it, rename), as before staging;
  staged:   each to a temporary through OutputSet, then the journal, the old files renamed aside,
            the new ones into place, the backups and the journal deleted.
Prints the best of --repeat for each and the ratio. The merge it serves takes 10–45 s on 500 files
on this machine, so the difference is what matters, not the ratio.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from macros_py.write.staging import OutputSet  # noqa: E402
from macros_py.write.xlsx_pack import write_atomic  # noqa: E402


def baseline(folder: Path, names: list[str], data: bytes) -> None:
    for name in names:
        write_atomic(folder / name, data)


def staged(folder: Path, names: list[str], data: bytes) -> None:
    with OutputSet() as out:
        for name in names:
            write_atomic(out.path(folder / name), data)
        out.prepare()
        out.commit()


def best(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--kb", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    names = [f"反馈_推荐单位{i:04d}.xlsx" for i in range(args.files)]
    data = os.urandom(args.kb * 1024)
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "a", Path(tmp) / "b"
        a.mkdir()
        b.mkdir()
        baseline(a, names, data)   # the previous run's files, replaced each time below
        staged(b, names, data)
        t_base = best(args.repeat, lambda: baseline(a, names, data))
        t_staged = best(args.repeat, lambda: staged(b, names, data))
    print(f"{args.files} 个 {args.kb} KB 的输出替换旧文件：")
    print(f"  逐个原子写入（基线）：{t_base:.3f} s")
    print(f"  一起出现（staging）： {t_staged:.3f} s")
    print(f"  比值 staging / 基线 = {t_staged / t_base:.2f}；多用 {t_staged - t_base:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
