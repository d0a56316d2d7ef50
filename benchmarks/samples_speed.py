"""How fast the sample generator writes filled county workbooks (a later benchmark writes 500).

    python benchmarks/samples_speed.py [COUNT]

Writes the 14 embedded samples and COUNT (default 50) more filled workbooks into a temporary
folder and prints seconds per workbook. Run from a checkout; nothing is timed inside the tests.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from macros_py.policy.load import default_policy  # noqa: E402
from macros_py.write.fill import write_filled  # noqa: E402
from macros_py.write.samples import generate, write_samples  # noqa: E402
from macros_py.write.template import build_template  # noqa: E402


def best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main(count: int) -> None:
    policy = default_policy()
    build_template(policy)  # warm up imports and caches
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        build = best_of(5, lambda: build_template(policy))
        print(f"build the template in memory: {build:.3f} s")
        samples = best_of(3, lambda: write_samples(out / "samples", policy))
        print(f"write_samples (14 workbooks + manifest): {samples:.2f} s, {samples / 14:.3f} s per workbook")
        pool = [s.data for s in generate(policy, seed=1)]
        start = time.perf_counter()
        for i in range(count):
            write_filled(out / "many" / f"{i:04d}.xlsx", pool[i % len(pool)], policy)
        many = time.perf_counter() - start
        print(f"{count} filled workbooks: {many:.2f} s, {many / count:.3f} s per workbook")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
