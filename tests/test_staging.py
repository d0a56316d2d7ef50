"""Faults lose nothing and leave nothing (write/staging.py, jobs/merge.py, merge/ledger.py, cli/main.py).

- One run's outputs appear together or not at all: `shenbao merge` is killed with SIGKILL at each point
  of its commit protocol, and what is on disk — after the next run's recovery step — is the old outputs
  with the old ledger, or the new outputs with the new ledger, file for file, never a mix.
- Stale temporaries of a killed run are removed by the next run; a live process's are left alone.
- A locked ledger is waited for, then refused with a message; outputs and ledger stay as they were.
- An unforeseen error and a full disk are a Chinese message, exit 2, and (unforeseen) a log file.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from macros_py.cli.main import main
from macros_py.model.paths import PROJECT_ROOT, SAMPLES_DIR
from macros_py.write import staging

SAMPLES = sorted(SAMPLES_DIR.glob("*.xlsx"))
ROOT = Path(__file__).resolve().parent.parent

# Runs `shenbao ARGS`, stopping for good at the protocol step named first, where the test kills it.
KILLABLE = r"""
import sys, time
import macros_py.write.staging as staging
stop = sys.argv[1]
def step(name):
    print("STEP", name, flush=True)
    if name == stop:
        time.sleep(600)
staging.step = step
from macros_py.cli.main import main
sys.exit(main(sys.argv[2:]))
"""


def outputs_argv(inbox: Path, out: Path) -> list[str]:
    return ["merge", str(inbox), "-o", str(out / "汇总.xlsx"), "--feedback", str(out / "反馈"),
            "--html", str(out / "报告.html"), "--summary-json", str(out / "s.json"), "--jobs", "1"]


def state(out: Path) -> dict[str, str]:
    """What a user sees: every output file by its path in the folder (the ledger and the hot journal SQLite
    itself rolls back on the next open apart: ledger_runs reads the ledger)."""
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and not p.name.startswith(".~shenbao-")
            and not p.name.startswith("汇总台账.sqlite")}


def ledger_runs(out: Path) -> int:
    db = sqlite3.connect(out / "汇总台账.sqlite")
    try:
        return db.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    finally:
        db.close()


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.rglob(".~shenbao-*"))


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Inbox v1 (three files) merged into `old`; inbox v2 (one file gone, two new) merged, from a copy of
    `old`, into `new`: the two states a killed run may leave."""
    base = tmp_path_factory.mktemp("kill")
    inbox = base / "收件"
    inbox.mkdir()
    for p in SAMPLES[:3]:
        shutil.copy2(p, inbox / p.name)
    old = base / "old"
    assert main(outputs_argv(inbox, old)) == 0
    (inbox / SAMPLES[2].name).unlink()
    for p in SAMPLES[3:5]:
        shutil.copy2(p, inbox / p.name)
    new = base / "new"
    shutil.copytree(old, new)
    assert main(outputs_argv(inbox, new)) == 0
    assert state(old) != state(new) and set(state(old)) != set(state(new))   # feedback files differ too
    return inbox, old, new


def killed_at(step: str, inbox: Path, out: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", KILLABLE, step, *outputs_argv(inbox, out)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            if line.strip() == f"STEP {step}":
                break
        else:
            pytest.fail(f"the run ended without reaching {step}: {proc.stderr.read()}")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


UNTOUCHED = ["master", "feedback", "journal", "ledger"]       # killed before any rename
SWAPPING = ["swap:1", "swap:3", "swap:5"]                    # killed among the renames, before COMMIT
BEFORE_COMMIT = UNTOUCHED + SWAPPING
AFTER_COMMIT = ["commit"]                                    # COMMIT done, the old outputs' backups not deleted


@pytest.mark.parametrize("step", BEFORE_COMMIT + AFTER_COMMIT)
def test_a_run_killed_at_any_point_leaves_old_or_new_never_a_mix(world, tmp_path, step):
    inbox, old, new = world
    out = tmp_path / "out"
    shutil.copytree(old, out)
    killed_at(step, inbox, out)
    if step in UNTOUCHED:
        assert state(out) == state(old) and ledger_runs(out) == 1     # untouched, even before any recovery
    if step in AFTER_COMMIT:
        assert state(out) == state(new) and ledger_runs(out) == 2     # in place already; backups left
    for folder in (out, out / "反馈"):
        staging.remove_stale(folder, again=True)                      # what the next run does first
    assert leftovers(out) == []
    if step in BEFORE_COMMIT:
        assert state(out) == state(old) and ledger_runs(out) == 1
    else:
        assert state(out) == state(new) and ledger_runs(out) == 2


def test_the_next_run_undoes_a_run_killed_among_its_renames(world, tmp_path, capsys):
    inbox, old, new = world
    out = tmp_path / "out"
    shutil.copytree(old, out)
    killed_at("swap:3", inbox, out)
    assert state(out) not in (state(old), state(new))                 # the one moment of a mix...
    capsys.readouterr()
    from macros_py.write.staging import remove_stale

    said = remove_stale(out, again=True)                               # ...which the next run ends first
    assert said and "上次中断的运行已撤销，原有输出保持不变" in said[0]
    assert state(out) == state(old) and ledger_runs(out) == 1 and leftovers(out) == []
    assert main(outputs_argv(inbox, out)) == 0
    assert state(out) == state(new) and ledger_runs(out) == 2 and leftovers(out) == []


def test_the_next_run_completes_a_run_killed_after_its_commit(world, tmp_path, capsys):
    inbox, old, new = world
    out = tmp_path / "out"
    shutil.copytree(old, out)
    killed_at("commit", inbox, out)
    assert leftovers(out)                                              # the backups and the journal
    capsys.readouterr()
    assert main(outputs_argv(inbox, out)) == 0
    assert "上次中断的运行已完成" in capsys.readouterr().out
    assert state(out) == state(new) and leftovers(out) == [] and ledger_runs(out) == 3


def test_a_rename_that_fails_puts_everything_back(world, tmp_path, capsys, monkeypatch):
    """What Windows does to a file Excel holds open: it cannot be renamed or replaced (here s.json, whose
    turn comes after the master and the feedback files are already in place)."""
    inbox, old, _ = world
    out = tmp_path / "out"
    shutil.copytree(old, out)
    real = os.replace

    def replace(a, b):
        if "s.json" in (Path(a).name, Path(b).name):
            raise PermissionError(13, "Permission denied", str(a))
        return real(a, b)

    monkeypatch.setattr(staging.os, "replace", replace)
    capsys.readouterr()
    assert main(outputs_argv(inbox, out)) == 2
    err = capsys.readouterr().err
    assert "无法替换" in err and "没有改动任何文件" in err and "Traceback" not in err
    assert state(out) == state(old) and ledger_runs(out) == 1 and leftovers(out) == []


def test_stale_temporaries_are_removed_by_the_next_run(world, tmp_path, capsys):
    inbox, old, new = world
    out = tmp_path / "out"
    shutil.copytree(old, out)
    killed_at("feedback", inbox, out)                                  # the master's temporary is written
    assert any(n.endswith(".xlsx") for n in leftovers(out))
    ancient = out / ".~shenbao-k3j2h1g0.xlsx"                          # an older version's, untagged
    ancient.write_bytes(b"partial")
    os.utime(ancient, (time.time() - 7200, time.time() - 7200))
    alive = out / f".~shenbao-{staging.tag().replace(str(os.getpid()), str(os.getppid()))}-live.xlsx"
    alive.write_bytes(b"a live process is writing this")
    capsys.readouterr()
    assert main(outputs_argv(inbox, out)) == 0
    assert leftovers(out) == [alive.name]                              # only the live process's
    said = capsys.readouterr().out
    assert "已删除上次中断时留下的临时文件" in said and ancient.name in said
    assert state(out) == state(new)


def test_write_atomic_removes_stale_temporaries_in_its_folder(tmp_path):
    from macros_py.write.xlsx_pack import write_atomic

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    stale = tmp_path / f".~shenbao-{staging.tag().replace(str(os.getpid()), str(pid))}-abc.xlsx"
    stale.write_bytes(b"half a master")
    write_atomic(tmp_path / "a.json", b"{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


# ---------------------------------------------------------------- a locked ledger

@pytest.fixture
def merged_once(world, tmp_path):
    inbox, old, _ = world
    out = tmp_path / "out"
    shutil.copytree(old, out)
    return inbox, out


@pytest.mark.parametrize("lock", ["IMMEDIATE", "EXCLUSIVE"])
def test_a_locked_ledger_is_a_message_and_nothing_changes(merged_once, monkeypatch, capsys, lock):
    inbox, out = merged_once
    monkeypatch.setenv("SHENBAO_LEDGER_TIMEOUT", "0.5")
    before = state(out)
    ledger_bytes = (out / "汇总台账.sqlite").read_bytes()
    holder = sqlite3.connect(out / "汇总台账.sqlite", isolation_level=None)
    holder.execute(f"BEGIN {lock}")
    try:
        capsys.readouterr()
        assert main(outputs_argv(inbox, out)) == 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert "Traceback" not in err and "OperationalError" not in err
    assert f"台账 {out / '汇总台账.sqlite'} 正被其他程序占用" in err and "0.5 秒" in err
    assert state(out) == before and leftovers(out) == []
    assert (out / "汇总台账.sqlite").read_bytes() == ledger_bytes and ledger_runs(out) == 1


def test_a_ledger_released_within_the_timeout_is_waited_for(merged_once, monkeypatch, capsys):
    """…and the wait is said before it starts (half a minute of silence looks like a hang)."""
    inbox, out = merged_once
    monkeypatch.setenv("SHENBAO_LEDGER_TIMEOUT", "20")
    holder = sqlite3.connect(out / "汇总台账.sqlite", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    # held long enough that the run reaches the ledger first even on a busy machine (1 s was not,
    # with the run's outputs written before the ledger)
    release = threading.Timer(5.0, lambda: (holder.execute("ROLLBACK"), holder.close()))
    release.start()
    try:
        assert main(outputs_argv(inbox, out)) == 0
    finally:
        release.join()
    assert ledger_runs(out) == 2
    assert f"台账 {out / '汇总台账.sqlite'} 正被其他程序占用，最多等待 20 秒" in capsys.readouterr().err


# ---------------------------------------------------------------- unforeseen errors, a full disk

def test_an_unforeseen_error_is_a_message_with_a_log(merged_once, monkeypatch, capsys, tmp_path):
    inbox, out = merged_once
    import macros_py.merge.run as run

    def boom(*args, **kwargs):
        raise RuntimeError("没人想到的故障")

    monkeypatch.setattr(run, "reconcile", boom)
    monkeypatch.setenv("SHENBAO_LOG_DIR", str(tmp_path / "logs"))
    before = state(out)
    capsys.readouterr()
    assert main(outputs_argv(inbox, out)) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("错误：程序遇到了意外的故障") and "没人想到的故障" in err
    (log,) = (tmp_path / "logs").iterdir()
    assert str(log) in err
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError: 没人想到的故障" in text and "reconcile" in text
    assert state(out) == before and ledger_runs(out) == 1 and leftovers(out) == []


def test_a_full_disk_is_a_message_and_nothing_changes(merged_once):
    """The disk "fills up" at 40 KB: RLIMIT_FSIZE makes every larger write fail (EFBIG), as a full disk
    fails a write (ENOSPC) — the closest a test can come without a small file system of its own."""
    inbox, out = merged_once
    before, ledger_bytes = state(out), (out / "汇总台账.sqlite").read_bytes()

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run([sys.executable, "-m", "macros_py", *outputs_argv(inbox, out)], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, preexec_fn=small_disk, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "磁盘空间不足" in proc.stderr and str(out) in proc.stderr
    assert state(out) == before and leftovers(out) == []
    assert (out / "汇总台账.sqlite").read_bytes() == ledger_bytes


def test_a_run_that_fails_before_its_journal_never_touches_the_old_outputs(tmp_path):
    target = tmp_path / "s.json"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), staging.OutputSet() as out:
        out.path(target)                                                # its temporary never written
        raise RuntimeError("写到一半")
    assert target.read_bytes() == b"old" and leftovers(tmp_path) == []


def test_two_merges_at_once_into_the_same_outputs_end_as_one_of_them(world, tmp_path):
    """Each run swaps its outputs in under the ledger's write lock (and only then looks for the feedback
    files it must remove), so what is left is one run's outputs, whole: the master, the JSON and the
    feedback folder all of the same inbox."""
    from macros_py.read.master import load_summary
    from macros_py.write.feedback import feedback_plan

    _, old, _ = world
    inboxes = []
    for n, files in enumerate((SAMPLES[:3], SAMPLES[3:6])):
        folder = tmp_path / f"收件{n}"
        folder.mkdir()
        for p in files:
            shutil.copy2(p, folder / p.name)
        inboxes.append(folder)
    out = tmp_path / "together"
    shutil.copytree(old, out)
    procs = [subprocess.Popen([sys.executable, "-m", "macros_py", *outputs_argv(folder, out)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for folder in inboxes]
    for proc in procs:
        assert proc.wait(timeout=300) == 0, proc.stderr.read()
    summary = load_summary(out / "汇总.xlsx")
    assert summary.to_dict() == json.loads((out / "s.json").read_text(encoding="utf-8"))
    names = sorted(f.name for f in summary.files)
    assert names in [sorted(p.name for p in folder.iterdir()) for folder in inboxes]
    assert sorted(p.name for p in (out / "反馈").iterdir()) == sorted(n for n, _, _ in feedback_plan(summary))
    assert ledger_runs(out) == 3 and leftovers(out) == []
