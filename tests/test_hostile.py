"""Hostile files (issue 11 §1): every kind in tests/hostile_files.py is rejected with a Chinese reason, by
the real command in a child process whose peak memory and CPU time are taken from the kernel (wait4's
rusage: the command and every worker it waited for), never timed in this process. A reader that dies
anyway costs only its own file, in check and in merge; workers die with the parent."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import hostile_files as hf
import pytest
from conftest import ROOT, SAMPLE_FILES

MEMORY_MB, CPU_S = 500, 2.0


# The command runs under this wrapper, which writes its own peak at exit. wait4's ru_maxrss cannot be
# used: Linux carries the parent's high-water mark through fork and exec, so a command started from a
# pytest process that has grown to 500 MB would report 500 MB however little it used itself. VmHWM
# belongs to the process's own memory after exec; its readers (children it forked while small) report
# through RUSAGE_CHILDREN.
_MEASURE = """
import atexit, resource, runpy, sys

PEAK = sys.argv.pop(1)

def _peak():
    own = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(PEAK, "w") as fh:
        fh.write(str(max(own, children)))

atexit.register(_peak)
runpy.run_module("macros_py", run_name="__main__", alter_sys=True)
"""


def run_measured(args: list[str], tmp: Path, env: dict | None = None) -> dict:
    """`python -m macros_py ARGS` in a child: exit code, output, peak RSS (MB) and CPU seconds."""
    out, err, peak = tmp / "stdout.txt", tmp / "stderr.txt", tmp / "peak_kb.txt"
    with out.open("wb") as o, err.open("wb") as e:
        proc = subprocess.Popen([sys.executable, "-c", _MEASURE, str(peak), *args], cwd=ROOT, stdout=o, stderr=e,
                                env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"code": proc.returncode, "stdout": out.read_text("utf-8"), "stderr": err.read_text("utf-8"),
            # a command killed by a signal writes nothing: then the kernel's (over-)count is all there is
            "rss_mb": (int(peak.read_text()) if peak.is_file() else usage.ru_maxrss) / 1024,
            "cpu_s": usage.ru_utime + usage.ru_stime}


# kind -> what the reason must say
REASONS = {
    "far_no_r.xlsx": "超过上限", "far_single_quote.xlsx": "超过上限", "far_tab.xlsx": "超过上限",
    "far_long_column.xlsx": "超出 Excel 的范围", "many_rows.xlsx": "超过上限",
    "ods_repeated.ods": "超过上限", "xls_far_cells.xls": "超过上限",
    "far_entity_ref.xlsx": "超过上限", "far_gt_in_value.xlsx": "超过上限",
    "far_second_r.xlsx": "损坏", "far_prefixed.xlsx": "超过上限", "far_after_comment.xlsx": "超过上限",
    "far_in_entity.xlsx": "实体", "many_sheets.xlsx": "超过 255 个工作表", "book_cells.xlsx": "整个工作簿的上限",
    "big_strings.xlsx": "共享文本", "many_styles.xlsx": "单元格格式",
    "many_merges.xlsx": "合并区域",
}


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, make in hf.KINDS.items():
        make(folder / name)
    return folder


@pytest.mark.parametrize("name", sorted(REASONS))
def test_hostile_file_is_rejected_with_its_reason_in_bounded_memory_and_time(hostile_dir, tmp_path, name):
    r = run_measured(["check", str(hostile_dir / name), "--json", str(tmp_path / "out.json")], tmp_path)
    assert r["code"] == 2, r["stderr"]
    assert "无法使用" in r["stdout"] and REASONS[name] in r["stdout"], r["stdout"]
    assert "Traceback" not in r["stdout"] + r["stderr"]
    (finding,) = json.loads((tmp_path / "out.json").read_text("utf-8"))
    assert finding["rule"] == "C-TEMPLATE" and REASONS[name] in finding["message"]
    assert r["rss_mb"] < MEMORY_MB, f"{name}: peak {r['rss_mb']:.0f} MB"
    assert r["cpu_s"] < CPU_S, f"{name}: {r['cpu_s']:.2f} s of CPU"


def test_the_fast_scans_agree_with_the_parser_on_every_sample_sheet():
    # The regex fast paths of read.extent must give what expat gives, on the files counties send.
    import zipfile

    from macros_py.read import extent
    from macros_py.read.safety import DEFAULT_LIMITS

    for path in SAMPLE_FILES:
        with zipfile.ZipFile(path) as zf:
            for part in (n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")):
                data = zf.read(part)
                fast = extent._Cells(part)
                assert extent._fast_scan(data, fast, DEFAULT_LIMITS)
                slow = extent._Cells(part)
                parser = extent.xml_parser()
                parser.StartElementHandler = lambda name, attrs, c=slow: (
                    c.cell(attrs.get("r")) if name == "c" else c.new_row(attrs.get("r")) if name == "row" else None)
                parser.Parse(data, True)
                assert (fast.ext.rows, fast.ext.cols, fast.ext.cells) == (slow.ext.rows, slow.ext.cols, slow.ext.cells)


def test_an_ods_as_libreoffice_writes_it_is_not_mistaken_for_a_hostile_one(tmp_path):
    # LibreOffice repeats empty rows to the sheet's end; the reader does not expand them, nor does the scan.
    r = run_measured(["check", str(hf.ods_plain(tmp_path / "plain.ods"))], tmp_path)
    assert r["code"] == 2 and "没有可识别的表格" in r["stdout"] and "超过上限" not in r["stdout"]


def test_xlsb_is_refused_with_a_reason(tmp_path):
    import zipfile

    path = tmp_path / "b.xlsb"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
    r = run_measured(["check", str(path)], tmp_path)
    assert r["code"] == 2 and "另存为" in r["stdout"] and ".xlsb" in r["stdout"]


def test_a_10_mb_cell_is_cut_reported_c_value_and_outputs_stay_small(tmp_path, clean_template, policy):
    # C-VALUE: 3.5 million characters (10 MB of UTF-8) in 项目所在地址; the outputs repeat none of it.
    import copy

    from macros_py.policy.schema import build_schema
    from macros_py.write.fill import cell_of, write_filled

    data = copy.deepcopy(clean_template)
    data["bases"][1]["address"] = "LONGCELLMARKER"
    path = hf.replace_text(write_filled(tmp_path / "long.xlsx", data, policy), "LONGCELLMARKER",
                           hf.long_text(10 * 1024 * 1024 // 3))
    out = tmp_path / "out"
    out.mkdir()
    r = run_measured(["check", str(path), "--json", str(out / "c.json"), "--html", str(out / "c.html")], tmp_path)
    assert r["code"] in (0, 1), r["stdout"][-2000:]
    schema = build_schema(policy)
    hits = [f for f in json.loads((out / "c.json").read_text("utf-8")) if f["rule"] == "C-VALUE"]
    assert [(f["sheet"], f["cell"]) for f in hits] == [(schema.sheet("bases").title,
                                                        cell_of(schema, "bases", "address", 1))]
    assert "3495253 个字符" in hits[0]["message"]
    assert (out / "c.json").stat().st_size < 200_000 and (out / "c.html").stat().st_size < 400_000
    assert r["rss_mb"] < MEMORY_MB, f"peak {r['rss_mb']:.0f} MB"

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path.rename(inbox / path.name)
    m = run_measured(["merge", str(inbox), "-o", str(out / "汇总.xlsx"), "--html", str(out / "r.html"),
                      "--summary-json", str(out / "s.json")], tmp_path)
    assert m["code"] == 0, m["stdout"][-2000:] + m["stderr"][-2000:]
    assert m["rss_mb"] < MEMORY_MB, f"merge peak {m['rss_mb']:.0f} MB"
    for name, limit in (("s.json", 1_000_000), ("r.html", 1_000_000), ("汇总.xlsx", 1_000_000)):
        assert (out / name).stat().st_size < limit, name


# ------------------------------------------------------------------ a reader that dies anyway
def test_check_survives_a_reader_that_aborts(hostile_dir, tmp_path):
    # With the extent limits lifted, python-calamine asks for 512 GiB and aborts its process: that file
    # is unusable with a reason, and the 14 others are checked all the same.
    from macros_py.check.engine import check_paths
    from macros_py.read.safety import Limits

    loose = Limits(max_rows=10**9, max_cells=10**13, max_cell_count=10**9)
    report = check_paths([*SAMPLE_FILES, hostile_dir / "far_tab.xlsx"], limits=loose, jobs=2)
    by_name = {e.file: e for e in report.files}
    assert by_name["far_tab.xlsx"].status == "unusable" and "异常终止" in by_name["far_tab.xlsx"].reason
    assert [e.status for e in report.files if e.file != "far_tab.xlsx"] == ["ok"] * len(SAMPLE_FILES)
    assert any(f.file == "far_tab.xlsx" and f.rule == "C-TEMPLATE" for f in report.findings)


def test_a_worker_that_dies_costs_only_its_item():
    from macros_py.check.workers import run_isolated

    results = list(run_isolated(hf.abort_on_three, None, list(range(8)), jobs=2,
                                died=lambda item, code: ("died", item, code)))
    assert [i for i, _ in results] == list(range(8))
    assert results[3][1] == ("died", 3, -signal.SIGABRT)
    assert [v for i, v in results if i != 3] == [n * n for n in range(8) if n != 3]


def test_the_item_queued_behind_one_that_kills_its_only_worker_is_read_all_the_same():
    """A child is sent its next item while it reads one (check.workers._QUEUED): with one worker, the
    item waiting in the pipe of the child that dies was never begun, and a fresh child reads it."""
    from macros_py.check.workers import run_isolated

    results = list(run_isolated(hf.abort_on_three, None, list(range(6)), jobs=1,
                                died=lambda item, code: ("died", item, code)))
    assert results == [(0, 0), (1, 1), (2, 4), (3, ("died", 3, -signal.SIGABRT)), (4, 16), (5, 25)]
    stuck = dict(run_isolated(hf.sleep_on_two, None, list(range(4)), jobs=1, died=lambda item, code: "died",
                              timeout=2, timed_out=lambda item: ("timed out", item)))
    assert stuck == {0: 0, 1: 1, 2: ("timed out", 2), 3: 3}


def test_an_item_that_never_finishes_is_stopped_at_the_timeout():
    from macros_py.check.workers import run_isolated

    results = dict(run_isolated(hf.sleep_on_two, None, list(range(4)), jobs=2, died=lambda item, code: "died",
                                timeout=3, timed_out=lambda item: ("timed out", item)))
    assert results == {0: 0, 1: 1, 2: ("timed out", 2), 3: 3}


def test_check_and_merge_of_an_inbox_with_every_hostile_file_write_all_their_outputs(hostile_dir, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for src in [*SAMPLE_FILES, *sorted(hostile_dir.iterdir())]:
        (inbox / src.name).write_bytes(src.read_bytes())
    out = tmp_path / "out"
    c = run_measured(["check", str(inbox), "--json", str(out / "c.json"), "--html", str(out / "c.html")], tmp_path)
    assert c["code"] == 2 and (out / "c.json").exists() and (out / "c.html").exists()
    assert c["rss_mb"] < MEMORY_MB
    m = run_measured(["merge", str(inbox), "-o", str(out / "汇总.xlsx"), "--summary-json", str(out / "s.json")],
                     tmp_path)
    assert m["code"] == 0, m["stdout"][-3000:] + m["stderr"][-3000:]
    summary = json.loads((out / "s.json").read_text("utf-8"))
    status = {f["name"]: (f["status"], f["reason"]) for f in summary["files"]}
    for name in hf.KINDS:
        assert status[name][0] == "无法使用" and status[name][1], name
    assert sum(1 for s, _ in status.values() if s == "已汇总") == len(SAMPLE_FILES)
    assert m["rss_mb"] < MEMORY_MB


# ------------------------------------------------------------------ workers die with their parent
def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                     if line.startswith("State:"))
    except (OSError, StopIteration):
        return False
    return "Z" not in state.split()[1]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill -9", "kill"])
def test_workers_exit_and_release_stdout_when_merge_is_killed_while_reading(tmp_path, sig):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in range(6):
        for src in SAMPLE_FILES:
            (inbox / f"{n}_{src.name}").write_bytes(src.read_bytes())
    proc = subprocess.Popen([sys.executable, "-m", "macros_py", "merge", str(inbox), "-o",
                             str(tmp_path / "out" / "汇总.xlsx"), "--jobs", "2"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    first = proc.stdout.readline()              # the first file is read: the workers are busy
    assert b"[1/" in first, first
    workers = _children(proc.pid)
    assert workers, "no worker processes seen"
    proc.send_signal(sig)
    proc.wait(timeout=10)

    rest: list[bytes] = []
    reader = threading.Thread(target=lambda: rest.append(proc.stdout.read()), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "stdout is still held open after the merge was killed"
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)], "worker processes outlived the merge"


# ------------------------------------------------------------------ check --annotate takes what check reads
def test_annotate_survives_a_dtd_in_every_part_and_a_sheet_name_with_a_slash(tmp_path):
    src = next(p for p in SAMPLE_FILES if p.name.startswith("01_"))
    path = hf.with_dtd_and_slash(src, tmp_path / "dtd.xlsx", "经费预算", "经费/预算")
    target = tmp_path / "dtd_校验.xlsx"
    r = run_measured(["check", str(path), "--annotate", str(target)], tmp_path)
    assert r["code"] in (0, 1), r["stdout"][-2000:] + r["stderr"][-2000:]
    assert "Traceback" not in r["stderr"] and target.exists()
    assert "经费/预算!" in r["stdout"]                  # check reads the sheet under its own name
    from openpyxl import load_workbook

    wb = load_workbook(target)
    assert "经费_预算" in wb.sheetnames
    results = wb["校验结果"]
    rows = [[c.value for c in row] for row in results.iter_rows(min_row=2)]
    marked = [row for row in rows if row[3] == "经费_预算"]
    assert marked, rows
    assert wb["经费_预算"][marked[0][4]].comment is not None


def test_annotate_refuses_a_workbook_whose_xml_openpyxl_would_take_minutes_over(tmp_path):
    # check reads the values in half a second; openpyxl, which writes the annotated copy, took 30 s and
    # 420 MB over these 200,000 validations. The copy is refused with its reason, the check goes on.
    src = next(p for p in SAMPLE_FILES if p.name.startswith("01_"))
    path = hf.with_validations(src, tmp_path / "校验过多.xlsx")
    target = tmp_path / "校验过多_校验.xlsx"
    r = run_measured(["check", str(path), "--annotate", str(target)], tmp_path)
    assert r["code"] in (0, 1) and "Traceback" not in r["stderr"], r["stderr"][-2000:]
    assert "推荐单位：平城区人力资源和社会保障局" in r["stdout"]              # read and checked
    assert "超过批注副本的上限" in r["stdout"] + r["stderr"] and not target.exists()
    assert r["rss_mb"] < MEMORY_MB and r["cpu_s"] < CPU_S, r


def test_the_shared_strings_of_an_xls_are_capped_as_an_xlsx_s_are():
    # SST and its CONTINUE records, walked before any sheet is built: over the cap it stops there.
    from macros_py.model.errors import UnusableFileError
    from macros_py.read.extent import xls_extents
    from macros_py.read.safety import DEFAULT_LIMITS

    stream = hf.xls_stream_with_strings(2_500_000)                    # 17 MB of strings
    with pytest.raises(UnusableFileError, match="共享文本超过 16 MB"):
        xls_extents(stream, DEFAULT_LIMITS)
    small = xls_extents(hf.xls_stream_with_strings(1_000), DEFAULT_LIMITS)
    assert [e.cells for e in small] == [0, 1]
