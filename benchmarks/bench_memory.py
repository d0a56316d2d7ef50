"""Benchmark: the peak memory of `shenbao merge` as the number of submissions grows.

    python benchmarks/bench_memory.py [--counts 500 1000 2000 5000] [--cache DIR]

Writing thousands of workbooks with openpyxl would take most of an hour, so 20 distinct submissions are
generated once (samples.generate_load) and the rest are copies of them whose names (recommender,
units, studio leaders) and 统一社会信用代码 are changed inside the package: every copy is its own recommender with its
own projects, so every row of every file is merged, as in bench_merge. The inboxes are cached under
--cache and reused.

Each merge runs in its own process (the whole command: read, check, bureau rules, master, summary
JSON, HTML report; no feedback files, which are one workbook per recommender and written one at a
time). Printed per count: the merge process's own peak (ru_maxrss, RUSAGE_SELF), the largest worker's,
the wall time; then the growth per submission between the smallest and the largest count measured in
the same run, and the peak at 5,000 submissions: measured when 5000 is among the counts, else
projected from that growth.
Target: the merge process stays under 500 MB at 5,000 submissions.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASES = 20
TARGET_COUNT, TARGET_MB = 5000, 500   # issue 11: under 500 MB at 5,000 submissions

_MEASURE = """
import json, resource, sys
from macros_py.cli.main import main
code = main(sys.argv[1:])
print("@@" + json.dumps({"code": code,
      "self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
      "children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def _names(data: dict) -> set[str]:
    names = set()
    for sheet, keys in (("bases", ("unit",)), ("studios", ("unit", "leader", "name")),
                        ("conditions", ("unit",)), ("funding", ("unit",)), ("majors", ("unit",)),
                        ("masters", ("leader", "unit"))):
        for rec in data.get(sheet, []):
            for key in keys:
                value = rec.get(key)
                if isinstance(value, str) and len(value) >= 2:
                    names.add(value)
    return names


def _codes(data: dict) -> list[str]:
    return sorted({rec["uscc"] for sheet in ("bases", "studios") for rec in data.get(sheet, [])
                   if isinstance(rec.get("uscc"), str) and len(rec["uscc"]) == 18})


def _code(old: str, n: int, j: int) -> str:
    """Another valid 统一社会信用代码 (a copy must not be the same unit twice: B-DUP)."""
    from stdnum.cn.uscc import calc_check_digit

    first = old[:8] + f"{n:05d}{j:04d}"
    return first + calc_check_digit(first)


def _new_name(old: str, n: int, j: int) -> str:
    """A name of its own for copy n: four made-up characters before the old name's kind (培训中心, 有限公司…),
    so that no two copies are the same unit, nor alike enough to be shown as possibly the same."""
    import random

    rnd = random.Random(n * 1000 + j)
    made = "".join(chr(rnd.randrange(0x4E00, 0x9FA5)) for _ in range(4 if len(old) > 4 else 2))
    return made + (old[-4:] if len(old) > 4 else old[:1])


def _renamed(package: bytes, mapping: dict[bytes, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename.endswith(".xml"):
                for old in sorted(mapping, key=len, reverse=True):
                    part = part.replace(old, mapping[old])
            dst.writestr(info, part)
    return out.getvalue()


def make_inbox(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if len(list(folder.glob("*.xlsx"))) == count:
        return folder
    from macros_py.policy.load import default_policy
    from macros_py.write.fill import write_filled
    from macros_py.write.samples import generate_load

    policy = default_policy()
    seeds = folder.parent / "bench_memory_seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    samples = generate_load(policy, BASES)
    packages = []
    for s in samples:
        path = seeds / s.name
        if not path.exists():
            write_filled(path, s.data, policy)
        recommender = s.name.split("_", 1)[1].removesuffix(".xlsx")
        packages.append((path.read_bytes(), recommender, _names(s.data), _codes(s.data)))
    for old in folder.glob("*.xlsx"):
        old.unlink()
    for n in range(count):
        package, recommender, names, codes = packages[n % BASES]
        tag = f"{n:05d}"
        mapping = {name.encode(): _new_name(name, n, j).encode() for j, name in enumerate(sorted(names))}
        mapping.update({code.encode(): _code(code, n, j).encode() for j, code in enumerate(codes)})
        mapping[recommender.encode()] = f"测试推荐单位{tag}".encode()
        (folder / f"{tag}_测试推荐单位{tag}.xlsx").write_bytes(_renamed(package, mapping))
    return folder


def measure(inbox: Path, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _MEASURE, "merge", str(inbox), "-o", str(out / "汇总.xlsx"),
                           "--summary-json", str(out / "summary.json"), "--html", str(out / "汇总报告.html")],
                          cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    line = next((x for x in proc.stdout.splitlines() if x.startswith("@@")), None)
    if line is None:
        raise SystemExit(f"merge failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    data = json.loads(line[2:])
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    data.update(wall=wall, bases=len(summary["bases"]), studios=len(summary["studios"]))
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description="汇总内存基准")
    parser.add_argument("--counts", type=int, nargs="+", default=[500, 1000, 2000, 5000])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "shenbao_bench_memory")
    args = parser.parse_args()
    results = []
    for count in sorted(args.counts):
        t = time.perf_counter()
        inbox = make_inbox(args.cache / f"inbox_{count}", count)
        made = time.perf_counter() - t
        r = measure(inbox, Path(tempfile.mkdtemp(prefix="shenbao_mem_")))
        results.append((count, r))
        print(f"{count:5d} 个报送文件（基地 {r['bases']}、工作室 {r['studios']}；准备 {made:.0f} s）："
              f"汇总进程峰值 {r['self']:.0f} MB，工作进程最大 {r['children']:.0f} MB，用时 {r['wall']:.1f} s", flush=True)
    top_count, top = results[-1]
    if len(results) > 1:
        (c0, r0), (c1, r1) = results[0], results[-1]
        slope = (r1["self"] - r0["self"]) / (c1 - c0)
        print(f"每多一个报送文件，汇总进程峰值增加 {slope * 1024:.0f} KB（{c0} → {c1}）")
        if top_count < TARGET_COUNT:
            projected = r1["self"] + slope * (TARGET_COUNT - c1)
            print(f"按此增长推算 {TARGET_COUNT} 个报送文件：约 {projected:.0f} MB"
                  f"（目标 < {TARGET_MB} MB，{'达到' if projected < TARGET_MB else '未达到'}；"
                  f"实测请加 --counts … {TARGET_COUNT}）")
    elif top_count < TARGET_COUNT:
        print(f"只测了一个数量：推算 {TARGET_COUNT} 个报送文件的峰值需要至少两个 --counts")
    if top_count >= TARGET_COUNT:
        print(f"目标：{top_count} 个报送文件时汇总进程峰值 < {TARGET_MB} MB —— 实测 {top['self']:.0f} MB"
              f"（{'达到' if top['self'] < TARGET_MB else '未达到'}）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
