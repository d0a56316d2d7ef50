"""Time the HTML report for a merge of 500 submissions (issue 6 asks for under 2 s).

    python benchmarks/bench_report.py [--submissions 500] [--repeat 5] [--out report.html]

The summary comes from tests/summary_factory.py (about 1,700 bases, 1,000 studios and 3,800 findings
for 500 submissions), so this measures rendering alone; the merge benchmark folds the same call in
after a real merge. Prints the first render (template compiled), the best of the rest, and the size.
Exit status 1 when the first render takes 2 s or more.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from macros_py.policy.load import default_policy  # noqa: E402
from macros_py.report.html import render_report, write_report  # noqa: E402
from tests.summary_factory import make_summary  # noqa: E402

LIMIT_SECONDS = 2.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="HTML 汇总报告的生成耗时")
    parser.add_argument("--submissions", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, help="also write the report here")
    args = parser.parse_args(argv)

    policy = default_policy()
    summary = make_summary(policy, args.submissions)
    times = []
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        page = render_report(summary, policy)
        times.append(time.perf_counter() - start)
    size = len(page.encode("utf-8"))
    print(f"report: {args.submissions} submissions, {len(summary.bases)} bases, {len(summary.studios)} studios, "
          f"{len(summary.findings)} findings")
    print(f"report: first render {times[0]:.3f} s (template compiled), best {min(times):.3f} s, "
          f"HTML {size / 1e6:.2f} MB")
    if args.out:
        write_report(summary, args.out, policy)
        print(f"report: written to {args.out}")
    return 0 if times[0] < LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
