"""Benchmark: `shenbao merge` on 500 submissions against the script a bureau analyst would write.

    python benchmarks/bench_merge.py [--count 500] [--inbox DIR] [--jobs N] [--repeat N]

Generates --count submissions with the sample generator (samples.generate_load: about 3.5 bases and 2
studios each) into --inbox in the template's layout, and as many in the notice's printed layout into
--inbox + "_printed" (both kept and reused when they already hold them, since writing 500 workbooks
takes minutes), then, for each inbox, in this one process:
  (a) the whole merge as the command runs it (read, check, bureau rules, master, feedback files,
      summary JSON, HTML report), through macros_py.cli.main.main;
  (b) the naive script: pandas.read_excel(engine="openpyxl") on each file's two summary sheets, concat,
      to_excel;
  (c) the reading phase alone (read + check of every file, as the merge does it) against python-calamine
      reading every sheet of the same files bare (the floor), and against the floor plus the byte
      checks every file gets before a sheet is built (read.workbook.checked_file);
  (d) rendering the HTML report from the merge's summary.
Prints each time and the ratios, and the peak memory of this process and of its worker processes.
Targets: merge <= 0.5 x naive; peak memory < 500 MB; reading <= 2 x the calamine floor; report < 2 s.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The naive script reads the template with openpyxl, which warns once per sheet that it cannot keep
# a formula print area: noise, not a figure.
warnings.filterwarnings("ignore", message="Print area cannot be set")

from macros_py.cli.main import main  # noqa: E402
from macros_py.merge.inbox import REGISTER_NAME, discover  # noqa: E402
from macros_py.merge.run import default_jobs, read_all  # noqa: E402
from macros_py.model.summary import MergeSummary  # noqa: E402
from macros_py.policy.load import default_policy  # noqa: E402
from macros_py.report.html import render_report  # noqa: E402
from macros_py.write.fill import write_filled  # noqa: E402
from macros_py.write.printed import write_printed_submission  # noqa: E402
from macros_py.write.samples import generate_load  # noqa: E402


def make_inbox(folder: Path, count: int, policy, printed: bool = False) -> list[Path]:
    """`count` submissions: the project's template (write_filled), or every one in the notice's printed
    layout (附件7, 附件8, one 表4-2 per base: write_printed_submission), as `shenbao samples --printed`."""
    folder.mkdir(parents=True, exist_ok=True)
    existing = sorted(folder.glob("*.xlsx"))
    if len(existing) == count and (folder / REGISTER_NAME).is_file():
        print(f"沿用已有的 {count} 个报送文件：{folder}")
        return existing
    for old in existing:
        old.unlink()
    start = time.perf_counter()
    paths = []
    writer = write_printed_submission if printed else write_filled
    for n, sample in enumerate(generate_load(policy, count), 1):
        paths.append(writer(folder / sample.name, sample.data, policy))
        if n % 50 == 0:
            print(f"  已生成 {n}/{count} 个报送文件（{time.perf_counter() - start:.0f} s）", flush=True)
    # As a bureau keeps it: every file received before the deadline (else all would be late questions).
    (folder / REGISTER_NAME).write_text("文件名,收文日期\n" + "".join(f"{p.name},{policy.deadline} 09:00\n" for p in paths),
                                        encoding="utf-8")
    return paths


# What the analyst's script reads: the two summary sheets, by name, under their title rows.
NAIVE_SHEETS = {False: (("附件7 基地汇总", "附件8 工作室汇总"), 2), True: (("附件7", "附件8"), 3)}


def naive(paths: list[Path], out: Path, printed: bool = False) -> tuple[int, int]:
    import pandas as pd

    (base_sheet, studio_sheet), header = NAIVE_SHEETS[printed]
    bases, studios = [], []
    for path in paths:
        sheets = pd.read_excel(path, sheet_name=[base_sheet, studio_sheet], header=header, engine="openpyxl")
        bases.append(sheets[base_sheet].dropna(how="all"))
        studios.append(sheets[studio_sheet].dropna(how="all"))
    a, b = pd.concat(bases), pd.concat(studios)
    with pd.ExcelWriter(out) as writer:
        a.to_excel(writer, sheet_name="基地", index=False)
        b.to_excel(writer, sheet_name="工作室", index=False)
    return len(a), len(b)


def calamine_floor(paths: list[Path]) -> int:
    from python_calamine import CalamineWorkbook

    cells = 0
    for path in paths:
        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            cells += sum(len(r) for r in wb.get_sheet_by_name(name).to_python())
    return cells


def checked_floor(paths: list[Path], policy) -> int:
    """The floor with the byte checks every file gets before any sheet is built (read.workbook
    .checked_file: size, hash, zip directory, each read sheet inflated and its cells' extent
    measured), which a reader that cannot be crashed by a file needs: what is left above it is the
    reading and checking itself."""
    from macros_py.read.workbook import checked_file, print_forms

    unread = print_forms(policy)
    for path in paths:
        checked_file(path, unread=unread)
    return calamine_floor(paths)


def cpu() -> float:
    """CPU seconds of this process and of its finished worker processes: on a shared, busy machine
    wall time measures the neighbours as much as the code, CPU time much less so."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def peak_mb(who) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def bench(label: str, inbox: Path, paths: list[Path], policy, jobs: int, printed: bool) -> dict:
    out = Path(tempfile.mkdtemp(prefix="shenbao_bench_"))
    t, c = time.perf_counter(), cpu()
    rows = naive(paths, out / "naive.xlsx", printed)
    t_naive, c_naive = time.perf_counter() - t, cpu() - c

    t, c = time.perf_counter(), cpu()
    code = main(["merge", str(inbox), "-o", str(out / "汇总.xlsx"), "--jobs", str(jobs),
                 "--feedback", str(out / "反馈"), "--summary-json", str(out / "summary.json"),
                 "--html", str(out / "汇总报告.html")])
    t_merge, c_merge = time.perf_counter() - t, cpu() - c
    assert code == 0
    summary = MergeSummary.from_dict(json.loads((out / "summary.json").read_text(encoding="utf-8")))

    with tempfile.TemporaryDirectory() as unpack:
        items = [i for i in discover(inbox, Path(unpack)) if i.kind == "workbook"]
        t = time.perf_counter()
        read_all(items, policy, jobs, lambda *a: None)
        t_read = time.perf_counter() - t
        # One worker: its CPU time and the parent's (which takes each file's records while the worker
        # reads the next) are all counted, since the worker is reaped before cpu() is read again.
        t, c = time.perf_counter(), cpu()
        read_all(items, policy, 1, lambda *a: None)
        t_read_1, c_read_1 = time.perf_counter() - t, cpu() - c
    t, c = time.perf_counter(), time.process_time()
    calamine_floor(paths)
    t_floor, c_floor = time.perf_counter() - t, time.process_time() - c

    t = time.perf_counter()
    checked_floor(paths, policy)
    t_checked = time.perf_counter() - t

    t = time.perf_counter()
    html = render_report(summary, policy)
    t_report = time.perf_counter() - t

    print()
    print(f"【{label}】报送文件 {len(paths)} 个：基地 {len(summary.bases)} 个，工作室 {len(summary.studios)} 个；"
          f"朴素脚本读到 基地 {rows[0]} 行、工作室 {rows[1]} 行")
    print(f"(a) shenbao merge（全部功能，{jobs} 个进程）：{t_merge:.2f} s")
    print(f"(b) 朴素脚本（pandas + openpyxl）：        {t_naive:.2f} s")
    print(f"    比值 merge / 朴素 = {t_merge / t_naive:.2f}（目标 ≤ 0.5）")
    print(f"(c) 读取+校验阶段：{t_read:.2f} s（{jobs} 个进程），{t_read_1:.2f} s（1 个工作进程）；"
          f"calamine 直接读全部工作表（下限，1 个进程）：{t_floor:.2f} s")
    print(f"    比值 读取 / 下限 = {t_read_1 / t_floor:.2f}（1 个工作进程，主进程同时接收结果；目标 ≤ 2），"
          f"{t_read / t_floor:.2f}（{jobs} 进程）")
    print(f"    安全检查 + calamine（每个文件在建表前都要做的字节检查加下限，1 个进程）：{t_checked:.2f} s；"
          f"读取 / 它 = {t_read_1 / t_checked:.2f}（其中安全检查占 {(t_checked - t_floor) / t_checked:.0%}）")
    print(f"    CPU 时间（机器忙时更可靠）：merge {c_merge:.2f} s / 朴素 {c_naive:.2f} s = {c_merge / c_naive:.2f}；"
          f"读取 {c_read_1:.2f} s（工作进程与主进程合计）/ 下限 {c_floor:.2f} s = {c_read_1 / c_floor:.2f}")
    print(f"(d) HTML 报告渲染：{t_report:.2f} s（目标 < 2 s），{len(html.encode()) / 1e6:.1f} MB")
    print(f"输出：{out}")
    return {"merge": t_merge, "naive": t_naive, "read": t_read_1, "floor": t_floor, "checked": t_checked,
            "cpu": (c_merge / c_naive, c_read_1 / c_floor)}


def main_() -> int:
    parser = argparse.ArgumentParser(description="汇总基准测试")
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--inbox", type=Path, default=Path(tempfile.gettempdir()) / "shenbao_bench_inbox",
                        help="模板格式收件夹（印制格式的在其旁加 _printed）")
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--only", choices=("template", "printed"), help="只测一种收件夹")
    parser.add_argument("--repeat", type=int, default=1,
                        help="每种收件夹测几轮（两种交替；共享的 2 核机器上单次的比值可差 30%%，多测几轮看中位数）")
    args = parser.parse_args()
    policy = default_policy()
    figures: dict[str, list[dict]] = {}
    for _ in range(max(args.repeat, 1)):
        for label, printed in (("模板格式", False), ("印制格式（附件7/附件8/表4-2）", True)):
            if args.only and args.only != ("printed" if printed else "template"):
                continue
            inbox = args.inbox.with_name(args.inbox.name + "_printed") if printed else args.inbox
            paths = make_inbox(inbox, args.count, policy, printed)
            figures.setdefault(label, []).append(bench(label, inbox, paths, policy, args.jobs, printed))
    print()
    for label, runs in figures.items():
        for f in runs:
            print(f"{label}：merge/朴素 = {f['merge'] / f['naive']:.2f}（≤ 0.5），读取/下限 = {f['read'] / f['floor']:.2f}（≤ 2）；"
                  f"按 CPU 时间 {f['cpu'][0]:.2f} 和 {f['cpu'][1]:.2f}；读取/（安全检查 + 下限）= {f['read'] / f['checked']:.2f}")
        if len(runs) > 1:
            merge, read = (statistics.median(f[a] / f[b] for f in runs) for a, b in (("merge", "naive"), ("read", "floor")))
            print(f"{label}（{len(runs)} 轮的中位数）：merge/朴素 = {merge:.2f}，读取/下限 = {read:.2f}")
    print(f"峰值内存：本进程 {peak_mb(resource.RUSAGE_SELF):.0f} MB，工作进程中最大 "
          f"{peak_mb(resource.RUSAGE_CHILDREN):.0f} MB（目标 < 500 MB）")
    return 0


if __name__ == "__main__":
    sys.exit(main_())
