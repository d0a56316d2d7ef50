"""Each file read in a worker process, so that one file can take down only itself.

A reader may still fail the hard way on a file no check foresaw: python-calamine aborts the process
when an allocation fails, a library may segfault. Here every item runs in a child process that the
parent watches; the parent always knows which item each child holds, so a child that dies costs
that one item (given the reason `died(item, exitcode)` returns) and a fresh child takes the rest.

Children never outlive the parent and never hold its output: on Linux each asks the kernel for
SIGKILL when the parent goes (PR_SET_PDEATHSIG), every child also watches the parent from a thread
(a changed parent pid on POSIX, the parent's process handle on Windows), and a child's stdin, stdout
and stderr are /dev/null, so a wrapper script waiting for the command's output never waits on an
orphan. A limit on a child's address space makes a runaway allocation fail fast instead of swapping.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import wait

# A child's address space: far above what reading any accepted file needs (< 500 MB), far below
# what a hostile file would make the reader ask for.
ADDRESS_SPACE_LIMIT = 2 << 30
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.name == "posix":
        if os.getppid() != parent_pid:     # the parent went before prctl took hold
            os._exit(1)

        def watch() -> None:
            import time

            while os.getppid() == parent_pid:
                time.sleep(0.5)
            os._exit(1)
    else:
        parent = multiprocessing.parent_process()

        def watch() -> None:
            if parent is not None:
                wait([parent.sentinel])
            os._exit(1)

    threading.Thread(target=watch, name="shenbao-parent-watch", daemon=True).start()


def _detach_std_streams() -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        try:
            os.dup2(devnull, fd)
        except OSError:
            pass
    os.close(devnull)


def _limit_memory() -> None:
    try:
        import resource
    except ImportError:   # Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = ADDRESS_SPACE_LIMIT if hard == resource.RLIM_INFINITY else min(ADDRESS_SPACE_LIMIT, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        except (ValueError, OSError):
            pass


def _child(conn, func, context, parent_pid: int) -> None:
    import faulthandler

    faulthandler.disable()      # a crash dump would go to a copy of the caller's stderr
    _die_with_parent(parent_pid)
    _detach_std_streams()
    _limit_memory()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        index, item = job
        try:
            result = (True, func(context, item))
        except BaseException as exc:  # noqa: BLE001  the parent decides what a failure means
            result = (False, f"{type(exc).__name__}: {exc}")
        try:
            conn.send((index, result))
        except (OSError, ValueError):
            return


def default_jobs() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _context():
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")   # children start in milliseconds
    return multiprocessing.get_context("spawn")


# Items sent to a child at once: the one it reads and the next, waiting in its pipe, so that it never
# waits for the parent to take a result and send it more (on a busy machine each such wait is a time
# slice of another process). A queued item a child never began goes to another child if it dies.
_QUEUED = 2


class _Worker:
    def __init__(self, ctx, func, context):
        self.conn, child_end = ctx.Pipe()
        self.proc = ctx.Process(target=_child, args=(child_end, func, context, os.getpid()), daemon=True)
        self.proc.start()
        child_end.close()
        self.jobs: deque[int] = deque()    # the items sent, in order: the first is the one being read
        self.started = 0.0                 # when the first of them began

    def stop(self, kill: bool = False) -> None:
        try:
            if not kill:
                self.conn.send(None)
        except (OSError, ValueError):
            pass
        if kill and self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=None if kill else 5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def run_isolated(func: Callable, context, items: Iterable, *, jobs: int,
                 died: Callable[[object, int | None], object],
                 failed: Callable[[object, str], object] | None = None, timeout: float | None = None,
                 timed_out: Callable[[object], object] | None = None) -> Iterator[tuple[int, object]]:
    """(index, func(context, item)) for every item, in the items' order, each computed in a child.

    `func` must be a module-level function (it is pickled where processes are spawned); `context` is
    sent once per child. A child that dies gives `died(item, exitcode)` for the item it held; an
    exception inside func gives `failed(item, text)` (default: the same as a death); an item still not
    done after `timeout` seconds has its child killed and gives `timed_out(item)`. Breaking out of the
    loop stops every child."""
    import time

    items = list(items)
    if not items:
        return
    failed = failed or (lambda item, text: died(item, None))
    timed_out = timed_out or (lambda item: died(item, None))
    ctx = _context()
    pending = list(range(len(items)))[::-1]        # popped from the end: index order
    results: dict[int, object] = {}
    workers: list[_Worker] = []
    next_out = 0

    def dispatch() -> None:
        for depth in range(1, _QUEUED + 1):      # every idle child its first item before any its second
            for w in workers:
                if len(w.jobs) < depth and pending:
                    job = pending.pop()
                    if not w.jobs:
                        w.started = time.monotonic()
                    w.jobs.append(job)
                    try:
                        w.conn.send((job, items[job]))
                    except (OSError, ValueError):
                        pass       # the child is gone: its sentinel says so below

    try:
        for _ in range(max(1, min(jobs, len(items)))):
            workers.append(_Worker(ctx, func, context))
        while next_out < len(items):
            dispatch()
            busy = [w for w in workers if w.jobs]
            left = None
            if timeout is not None and busy:
                left = max(0.0, min(w.started for w in busy) + timeout - time.monotonic())
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], left) if busy else []
            for w in list(busy):
                if w.conn in ready:
                    try:
                        index, (ok, value) = w.conn.recv()
                    except (EOFError, OSError):
                        pass       # died while answering: handled as a death below
                    else:
                        results[index] = value if ok else failed(items[index], value)
                        w.jobs.remove(index)
                        w.started = time.monotonic()     # the next item sent began as this one ended
                        continue
                late = timeout is not None and time.monotonic() - w.started > timeout
                if late or w.proc.sentinel in ready or not w.proc.is_alive():
                    if late and w.proc.is_alive():
                        w.proc.kill()
                    w.proc.join()
                    job = w.jobs.popleft()
                    results[job] = timed_out(items[job]) if late else died(items[job], w.proc.exitcode)
                    pending.extend(reversed(w.jobs))     # sent but never begun: read by another child
                    w.conn.close()
                    workers.remove(w)
                    if pending:
                        workers.append(_Worker(ctx, func, context))
            dispatch()     # a freed child starts its next item while the caller handles this one
            while next_out in results:
                yield next_out, results.pop(next_out)
                next_out += 1
    finally:
        for w in workers:
            w.stop(kill=next_out < len(items))
