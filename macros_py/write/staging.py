"""One run's outputs appear together or not at all, and a killed run leaves nothing behind for long.

Every output of a run is first written to a temporary file beside its target (`.~shenbao-<tag>-…`),
the old outputs untouched. When all are written, a journal (temporary → target, old files to remove)
goes into every folder involved; then comes the run's commit point — the ledger's COMMIT for a merge,
the journal itself otherwise; then the renames. So:
- killed before the commit point: the old outputs stand; the temporaries and journal are removed by
  the next run that writes into that folder;
- killed after it: the next run finds the journal and finishes the renames, so the outputs and the
  ledger are the new ones together.
A temporary is stale when the process that made it (its tag names the host and the process id) is no
longer running; temporaries of another computer (a shared folder) are left for a day.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import socket
import time
from pathlib import Path

from macros_py.model.errors import OutputError
from macros_py.write.outputs import STAGED, describe_os_error, make_parents, remove_folders, write_failure

TEMP_PREFIX = ".~shenbao-"
JOURNAL_SUFFIX = ".journal"
_HOST = hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:4]
_TAG = re.compile(r"^\.~shenbao-([0-9a-f]{4})(\d+)x")
_FOREIGN_AGE = 24 * 3600     # a temporary another computer is writing into a shared folder
_UNTAGGED_AGE = 3600         # a temporary of an older version (no tag)
_cleaned: set[str] = set()


def step(name: str) -> None:
    """Called at each point of the protocol; the kill tests replace it to stop the process there."""


def tag() -> str:
    """This process's mark in its temporary file names."""
    return f"{_HOST}{os.getpid()}x"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        kernel = ctypes.windll.kernel32
        handle = kernel.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel.GetLastError() == 5  # access denied: it exists
        code = ctypes.c_ulong()
        kernel.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def is_stale(path: Path) -> bool:
    """A temporary file (or journal) left by a process that is gone."""
    m = _TAG.match(path.name)
    try:
        age = time.time() - path.lstat().st_mtime
    except OSError:
        return False
    if m is None:
        return age > _UNTAGGED_AGE
    if m.group(1) != _HOST:
        return age > _FOREIGN_AGE
    return not _alive(int(m.group(2)))


def remove_stale(folder: Path, *, again: bool = False) -> list[str]:
    """Finish or undo the runs a killed process left in `folder`, and remove its temporaries.
    Done once per folder per process unless `again`; returns what it did, in Chinese."""
    key = str(Path(folder).resolve())
    if key in _cleaned and not again:
        return []
    _cleaned.add(key)
    done: list[str] = []
    try:
        entries = sorted(p for p in Path(folder).iterdir() if p.name.startswith(TEMP_PREFIX))
    except OSError:
        return done
    for journal in (p for p in entries if p.name.endswith(JOURNAL_SUFFIX)):
        if is_stale(journal):
            outcome = recover(journal)
            if outcome:
                done.append(outcome)
    for path in entries:
        if not path.name.endswith(JOURNAL_SUFFIX) and path.is_file() and is_stale(path):
            try:
                path.unlink()
            except OSError:
                continue
            done.append(f"已删除上次中断时留下的临时文件 {path}")
    return done


def _committed(data: dict) -> bool | None:
    ledger = data.get("ledger")
    if ledger is None:
        return True
    from macros_py.merge.ledger import committed_token

    token = committed_token(Path(ledger))
    return None if token is False else token == data.get("token")


def recover(journal: Path) -> str | None:
    """Complete (committed) or undo (not committed) the run a journal describes."""
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        moves = [(Path(a), Path(b)) for a, b in data["moves"]]
    except (OSError, ValueError, KeyError, TypeError):
        journal.unlink(missing_ok=True)  # half-written: the run never reached its commit point
        return None
    committed = _committed(data)
    if committed is None:
        return None  # the ledger cannot be read now: decide another time
    try:
        if committed:
            for tmp, target in moves:
                if tmp.exists():
                    os.replace(tmp, target)
            for old in data.get("removes", []):
                Path(old).unlink(missing_ok=True)
        else:
            for tmp, _ in moves:
                tmp.unlink(missing_ok=True)
        for copy in data.get("journals", [str(journal)]):
            Path(copy).unlink(missing_ok=True)
    except OSError:
        return None
    targets = "、".join(str(t) for _, t in moves[:3]) + ("等" if len(moves) > 3 else "")
    return (f"上次中断的运行已完成：{targets}" if committed else f"上次中断的运行已撤销，原有输出保持不变：{targets}")


class OutputSet:
    """The outputs of one run, written to temporaries and swapped in together.

    with OutputSet(ledger) as out:
        write(out.path(target), ...)   # for each output
        out.prepare()                  # the journal
        ...                            # the commit point (the ledger's COMMIT), if any
        out.commit()                   # the renames
    An exception before commit() removes the temporaries, the journal and the folders it created."""

    def __init__(self, ledger: Path | None = None, created: list[Path] | None = None):
        self.token = f"{tag()}{secrets.token_hex(3)}"
        self.ledger = ledger
        self.moves: list[tuple[Path, Path]] = []
        self.removes: list[Path] = []
        self.created: list[Path] = created if created is not None else []
        self.journals: list[Path] = []
        self.done = False

    def path(self, target: str | Path) -> Path:
        """Where to write `target` for now."""
        target = Path(target)
        make_parents(target, self.created)
        remove_stale(target.parent)
        tmp = target.parent / f"{TEMP_PREFIX}{self.token}-{len(self.moves)}{target.suffix}"
        self.moves.append((tmp, target))
        STAGED[str(tmp)] = target
        return tmp

    def forget(self, tmp: Path) -> None:
        """A temporary from path() that was not written after all (its output is skipped)."""
        tmp.unlink(missing_ok=True)
        self.moves = [(a, b) for a, b in self.moves if a != tmp]

    def remove(self, old: str | Path) -> None:
        """An old output of ours that this run's outputs do not replace and that must go with them."""
        self.removes.append(Path(old))

    def folders(self) -> list[Path]:
        seen: dict[str, Path] = {}
        for p in [t for _, t in self.moves] + self.removes:
            seen.setdefault(str(p.parent.resolve()), p.parent)
        return list(seen.values())

    def prepare(self) -> None:
        """Write the journal into every folder involved: from here the run can be completed."""
        for tmp, _ in self.moves:
            if not tmp.is_file():
                raise OutputError(f"内部错误：临时文件 {tmp} 没有写出。")
        self.journals = [f / f"{TEMP_PREFIX}{self.token}{JOURNAL_SUFFIX}" for f in self.folders()]
        data = {"token": self.token, "ledger": str(self.ledger) if self.ledger else None,
                "moves": [[str(a), str(b)] for a, b in self.moves], "removes": [str(p) for p in self.removes],
                "journals": [str(j) for j in self.journals]}
        text = json.dumps(data, ensure_ascii=False, indent=1)
        for journal in self.journals:
            try:
                journal.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise write_failure(journal.parent, exc) from None
        step("journal")

    def commit(self) -> None:
        """The renames, after the commit point. A rename that fails leaves the journal for the next run."""
        failed = []
        for n, (tmp, target) in enumerate(self.moves):
            step(f"swap:{n}")
            try:
                os.replace(tmp, target)
            except OSError as exc:
                failed.append((target, exc))
        for old in self.removes:
            try:
                old.unlink(missing_ok=True)
            except OSError as exc:
                failed.append((old, exc))
        self.done = True
        if failed:
            target, exc = failed[0]
            raise OutputError(f"本次运行已提交，但 {target} 无法替换：{describe_os_error(exc)}。"
                              "请关闭占用它的程序后再运行一次，本次的结果会被补齐。")
        for journal in self.journals:
            journal.unlink(missing_ok=True)
        step("done")

    def abort(self) -> None:
        for tmp, _ in self.moves:
            tmp.unlink(missing_ok=True)
        for journal in self.journals:
            journal.unlink(missing_ok=True)
        remove_folders(self.created)

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if kind is not None and not self.done:
            self.abort()
        return False
