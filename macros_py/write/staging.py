"""One run's outputs appear together or not at all, and a killed run leaves nothing behind for long.

Every output of a run is first written to a temporary file beside its target (`.~shenbao-<tag>-…`),
the old outputs untouched. When all are written, a journal (temporary → target, and where each old
file is kept meanwhile) goes into every folder involved. Then, for a merge inside the ledger's
transaction (so two merges never swap at once): each old output is renamed aside as a backup, the new
one renamed into its place; then the ledger's COMMIT, the run's commit point; then the backups and the
journal are deleted. So:
- killed or failed before COMMIT: the backups are put back (at once, or by the next run that finds the
  journal), and the ledger rolls back: the old outputs with the old ledger;
- killed after it: the next run finds the journal and deletes the backups: the new outputs with the
  new ledger.
A run without a ledger (check) commits when its journal is written, and is completed, never undone.
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
from collections.abc import Callable
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
    undecided = []
    for journal in (p for p in entries if p.name.endswith(JOURNAL_SUFFIX)):
        if is_stale(journal):
            outcome = recover(journal)
            if outcome:
                done.append(outcome)
            elif journal.exists():
                undecided.append(journal.name[:-len(JOURNAL_SUFFIX)])  # its backups must stay
    for path in entries:
        if path.name.endswith(JOURNAL_SUFFIX) or any(path.name.startswith(f"{u}-") for u in undecided):
            continue
        if path.is_file() and is_stale(path) and path.exists():
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


def _entries(data: dict) -> list[tuple[Path, Path, Path, bool]]:
    """(temporary, target, backup, whether the target existed before) of each output, old files to
    remove included (no temporary: they only go to their backup)."""
    return [(Path(t) if t else None, Path(g), Path(b), bool(e)) for t, g, b, e in data["entries"]]


def _each(entries, do) -> None:
    """`do` for every entry, going on past one that fails; the first failure is raised at the end (the
    journal then stays, and the next run does the rest)."""
    failed = None
    for entry in entries:
        try:
            do(*entry)
        except OSError as exc:
            failed = failed or exc
    if failed:
        raise failed


def _finish_one(tmp, target, backup, existed) -> None:
    if tmp is not None and tmp.exists():
        os.replace(tmp, target)
    elif tmp is None and target.exists() and existed:
        os.replace(target, backup)
    backup.unlink(missing_ok=True)


def _undo_one(tmp, target, backup, existed) -> None:
    if backup.exists():
        os.replace(backup, target)
    elif not existed and tmp is not None and not tmp.exists() and target.exists():
        target.unlink()
    if tmp is not None:
        tmp.unlink(missing_ok=True)


def _finish(entries) -> None:
    """After the commit point: whatever is not in place yet goes there; the backups are deleted."""
    _each(entries, _finish_one)


def _undo(entries) -> None:
    """Before the commit point: every old file back where it was, the new ones gone."""
    _each(list(reversed(entries)), _undo_one)


def recover(journal: Path) -> str | None:
    """Complete (committed) or undo (not committed) the run a journal describes."""
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        entries = _entries(data)
    except (OSError, ValueError, KeyError, TypeError):
        journal.unlink(missing_ok=True)  # half-written: the run had not begun its renames
        return None
    committed = _committed(data)
    if committed is None:
        return None  # the ledger cannot be read now: decide another time
    try:
        (_finish if committed else _undo)(entries)
        for copy in data.get("journals", [str(journal)]):
            Path(copy).unlink(missing_ok=True)
    except OSError:
        return None
    targets = [t for tmp, t, _, _ in entries if tmp is not None]
    shown = "、".join(str(t) for t in targets[:3]) + ("等" if len(targets) > 3 else "")
    return (f"上次中断的运行已完成：{shown}" if committed else f"上次中断的运行已撤销，原有输出保持不变：{shown}")


class OutputSet:
    """The outputs of one run, written to temporaries and swapped in together.

    with OutputSet(ledger) as out:
        write(out.path(target), ...)   # for each output
        out.prepare()                  # the journal
        out.swap()                     # inside the ledger's transaction, before its COMMIT
        out.finish()                   # after the COMMIT
    An exception before finish() puts everything back as it was — unless the ledger says the run was
    committed after all, then it finishes — and removes the temporaries and the folders it created."""

    def __init__(self, ledger: Path | None = None, created: list[Path] | None = None):
        self.token = f"{tag()}{secrets.token_hex(3)}"
        self.ledger = ledger
        self.entries: list[tuple[Path | None, Path, Path, bool]] = []
        self.created: list[Path] = created if created is not None else []
        self.journals: list[Path] = []
        self.sweeps: list[Callable[[], list[Path]]] = []
        self.swapped = False
        self.done = False

    def _backup(self, target: Path) -> Path:
        return target.parent / f"{TEMP_PREFIX}{self.token}-b{len(self.entries)}{target.suffix}"

    def path(self, target: str | Path) -> Path:
        """Where to write `target` for now."""
        target = Path(target)
        make_parents(target, self.created)
        remove_stale(target.parent)
        tmp = target.parent / f"{TEMP_PREFIX}{self.token}-{len(self.entries)}{target.suffix}"
        self.entries.append((tmp, target, self._backup(target), False))
        STAGED[str(tmp)] = target
        return tmp

    def forget(self, tmp: Path) -> None:
        """A temporary from path() that was not written after all (its output is skipped)."""
        tmp.unlink(missing_ok=True)
        self.entries = [e for e in self.entries if e[0] != tmp]

    def remove(self, old: str | Path) -> None:
        """An old output of ours that this run's outputs do not replace and that must go with them."""
        old = Path(old)
        self.entries.append((None, old, self._backup(old), True))

    def sweep(self, find_old: Callable[[], list[Path]]) -> None:
        """Old outputs to remove, found when the renames begin (under the ledger's lock, so that a run
        that finished meanwhile is seen): a feedback folder's workbooks this run has none for."""
        self.sweeps.append(find_old)

    def folders(self) -> list[Path]:
        seen: dict[str, Path] = {}
        for _, target, _, _ in self.entries:
            seen.setdefault(str(target.parent.resolve()), target.parent)
        return list(seen.values())

    def prepare(self) -> None:
        """Write the journal into every folder involved: from here a killed run can be finished or undone."""
        for tmp, _, _, _ in self.entries:
            if tmp is not None and not tmp.is_file():
                raise OutputError(f"内部错误：临时文件 {tmp} 没有写出。")
        self._journal()
        step("journal")

    def _journal(self) -> None:
        self.entries = [(t, g, b, t is None or g.exists()) for t, g, b, _ in self.entries]
        self.journals = [f / f"{TEMP_PREFIX}{self.token}{JOURNAL_SUFFIX}" for f in self.folders()]
        data = {"token": self.token, "ledger": str(self.ledger) if self.ledger else None,
                "entries": [[str(t) if t else None, str(g), str(b), e] for t, g, b, e in self.entries],
                "journals": [str(j) for j in self.journals]}
        text = json.dumps(data, ensure_ascii=False, indent=1)
        for journal in self.journals:
            try:
                journal.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise write_failure(journal.parent, exc) from None

    def swap(self) -> None:
        """Each old output aside as a backup, each new one into its place. A rename that fails (a file
        Windows holds open) puts everything back and raises OutputError: nothing has changed."""
        if self.sweeps:
            for find_old in self.sweeps:
                for old in find_old():
                    self.remove(old)
            self._journal()
        try:
            for n, (tmp, target, backup, existed) in enumerate(self.entries):
                step(f"swap:{n}")
                if existed and target.exists():
                    os.replace(target, backup)
                if tmp is not None:
                    os.replace(tmp, target)
            self.swapped = True
        except OSError as exc:
            shown = STAGED.get(getattr(exc, "filename", "") or "", None) or target
            self._undo_now()
            raise OutputError(f"无法替换 {shown}：{describe_os_error(exc)}。本次运行没有改动任何文件，"
                              "请关闭占用它的程序后重试。") from None

    def _undo_now(self) -> None:
        try:
            _undo(self.entries)
        except OSError:
            return  # the journal stays: the next run puts the rest back
        for journal in self.journals:
            journal.unlink(missing_ok=True)
        self.journals = []

    def finish(self) -> None:
        """After the commit point: the backups and the journal go."""
        self.done = True
        try:
            _finish(self.entries)
        except OSError:
            return  # the journal stays: the next run finishes
        for journal in self.journals:
            journal.unlink(missing_ok=True)
        step("done")

    def commit(self) -> None:
        """For a run without a ledger: the journal is its commit point."""
        self.swap()
        self.finish()

    def abort(self) -> None:
        if self.swapped and _committed({"ledger": str(self.ledger) if self.ledger else None, "token": self.token}):
            self.finish()  # the run was committed after all: keep it, so that outputs and ledger agree
            return
        if self.journals:  # the renames may have begun: put the old files back (never before the journal)
            self._undo_now()
        for tmp, _, _, _ in self.entries:
            if tmp is not None:
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
