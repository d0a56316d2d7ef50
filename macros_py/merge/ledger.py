"""The intake ledger: an SQLite file recording every file the bureau's merges have seen.

One row per distinct file content (sha256), with when it was received, from whom, and what became
of it; one row per run. Re-running on the same inbox finds every file already known, so the master
comes out the same. Every run's writes happen in one transaction: a run killed half way leaves the
ledger as it was before the run. The transaction also stores the run's token (meta `run_token`), so
that the outputs of a run killed after its COMMIT can be completed by the next one (write/staging.py).

A ledger another program holds (another merge, a database browser) is waited for up to
BUSY_SECONDS (environment variable SHENBAO_LEDGER_TIMEOUT), then refused with a Chinese message;
every SQLite error is such a message (LedgerError), never a raw exception.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from macros_py.model.errors import ShenbaoError

SCHEMA_VERSION = "1"
BUSY_SECONDS = 30.0


class LedgerError(ShenbaoError):
    """The ledger cannot be opened or written (locked by another program, not a database, ...)."""


def busy_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("SHENBAO_LEDGER_TIMEOUT", BUSY_SECONDS)))
    except ValueError:
        return BUSY_SECONDS


def ledger_error(path: Path, exc: Exception) -> LedgerError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return LedgerError(f"台账 {path} 正被其他程序占用（可能是另一次汇总，或打开着它的数据库工具），"
                           f"等了 {busy_seconds():g} 秒仍未释放。本次没有写出任何文件，台账保持原样；请稍后重试。")
    if "not a database" in text or "malformed" in text:
        return LedgerError(f"台账 {path} 不是 shenbao 的台账文件或已损坏（{text}）。请用 --ledger 指定另一个文件。")
    if isinstance(exc, OSError) or "unable to open" in text or "readonly" in text or "disk" in text:
        return LedgerError(f"无法写入台账 {path}：{text}。本次没有写出任何文件。")
    return LedgerError(f"台账 {path} 出错：{text}。本次没有写出任何文件，台账保持原样。")


def foreign_tables(db: sqlite3.Connection) -> list[str]:
    """The tables of a database that is not a shenbao ledger (empty: a new file, or one of ours)."""
    tables = sorted(r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    return [] if not tables or {"meta", "runs"} <= set(tables) else tables


def foreign_message(path: Path, tables: list[str]) -> LedgerError:
    shown = "、".join(tables[:5]) + ("等" if len(tables) > 5 else "")
    return LedgerError(f"台账 {path} 是另一个程序的 SQLite 数据库（其中有表 {shown}），不是 shenbao 的台账。"
                       "本程序不会改写它（加 --force 也不会）；请用 --ledger 指定另一个文件。")


def check_ledger_file(path: Path) -> None:
    """LedgerError, before any work, when `path` is a SQLite database of another program."""
    if not path.is_file():
        return
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=busy_seconds())
        try:
            tables = foreign_tables(db)
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise ledger_error(path, exc) from None
    if tables:
        raise foreign_message(path, tables)


def committed_token(path: Path) -> str | None | bool:
    """The token of the last run committed to the ledger at `path` (None if none); False if it
    cannot be read now."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=busy_seconds())
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'run_token'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return False
    return row[0] if row else None

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    relpath TEXT NOT NULL,
    size INTEGER NOT NULL,
    received TEXT NOT NULL,          -- ISO date-time the bureau received it (receipt register or file time)
    first_run INTEGER NOT NULL,
    last_run INTEGER NOT NULL,
    recommender TEXT,
    channel TEXT,
    layout TEXT,
    template_version TEXT,
    status TEXT NOT NULL,            -- 已汇总 / 已被替代 / 无法使用 / 重复文件 / 已跳过
    reason TEXT,
    bases INTEGER NOT NULL DEFAULT 0,
    studios INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS decisions (
    key TEXT PRIMARY KEY,            -- the question's stable key (merge.decisions)
    kind TEXT NOT NULL,
    what TEXT NOT NULL,
    verdict TEXT NOT NULL,
    reason TEXT,
    decided_by TEXT,
    decided_on TEXT,
    status TEXT NOT NULL,            -- 已裁定 (applied) / 未匹配 (matched nothing this run)
    effect TEXT,
    first_run INTEGER NOT NULL,
    last_run INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    inbox TEXT NOT NULL,
    master TEXT NOT NULL,
    files INTEGER NOT NULL,
    rows_read INTEGER NOT NULL,
    rows_merged INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS review (  -- one row per run of a review step (shenbao review …; macros_py/review)
    id INTEGER PRIMARY KEY,
    step TEXT NOT NULL,              -- prepare / collect / publicize / finalize
    input TEXT NOT NULL,             -- the master, the folder of returned sheets, or 评审结果.xlsx
    input_sha256 TEXT,
    outputs TEXT NOT NULL,           -- JSON {path: sha256} of what the step wrote
    details TEXT NOT NULL            -- JSON: the step's figures (fingerprint, counts, selected, 公示期 …)
);
"""


@dataclass
class FileEntry:
    sha256: str
    name: str
    relpath: str
    size: int
    received: str
    recommender: str | None = None
    channel: str | None = None
    layout: str | None = None
    template_version: str | None = None
    status: str = ""
    reason: str | None = None
    bases: int = 0
    studios: int = 0
    errors: int = 0
    warnings: int = 0
    first_run: int = 0
    last_run: int = 0


_FIELDS = [f for f in FileEntry.__dataclass_fields__]


class Ledger:
    def __init__(self, path: str | Path):
        from macros_py.model.errors import OutputError

        self.path = Path(path)
        if self.path.is_dir():
            raise LedgerError(f"台账 {self.path} 是一个文件夹，而台账应是一个文件；请用 --ledger 指定文件。")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"无法创建台账所在的文件夹 {self.path.parent}：{exc.strerror}。") from None
        try:
            # isolation_level=None: transactions are ours to open (BEGIN IMMEDIATE) and close.
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=busy_seconds())
            tables = foreign_tables(self.db)
            if tables:
                self.db.close()
                raise foreign_message(self.path, tables)
            self.db.execute("PRAGMA journal_mode=DELETE")
            if not self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'runs'").fetchone():
                self.db.executescript(_DDL)
                self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        except sqlite3.Error as exc:
            raise ledger_error(self.path, exc) from None

    @classmethod
    def for_reading(cls, path: str | Path) -> Ledger:
        """The ledger at `path` to read from; an empty one in memory when there is none yet, so that a
        run that ends before its commit leaves no ledger file behind."""
        path = Path(path)
        if path.exists():
            return cls(path)
        ledger = cls.__new__(cls)
        ledger.path = path
        ledger.db = sqlite3.connect(":memory:", isolation_level=None)
        ledger.db.executescript(_DDL)
        return ledger

    def close(self) -> None:
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def known(self, sha256: str) -> FileEntry | None:
        row = self.db.execute(f"SELECT {', '.join(_FIELDS)} FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        return FileEntry(*row) if row else None

    def history(self) -> list[FileEntry]:
        rows = self.db.execute(f"SELECT {', '.join(_FIELDS)} FROM files ORDER BY received, relpath").fetchall()
        return [FileEntry(*r) for r in rows]

    def next_run_id(self) -> int:
        return (self.db.execute("SELECT COALESCE(MAX(id), 0) FROM runs").fetchone()[0]) + 1

    @contextmanager
    def transaction(self):
        self.begin()
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        self.commit()

    def begin(self) -> None:
        """Take the write lock (waiting up to the busy timeout) and open the run's transaction. When
        another program holds it, the wait is said first: silence for half a minute looks like a hang."""
        wait = busy_seconds()
        try:
            self.db.execute("PRAGMA busy_timeout = 0")
            try:
                self.db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if wait <= 0 or not ("locked" in str(exc) or "busy" in str(exc)):
                    raise
            sys.stderr.write(f"台账 {self.path} 正被其他程序占用，最多等待 {wait:g} 秒……\n")
            sys.stderr.flush()
            self.db.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise ledger_error(self.path, exc) from None

    def commit(self) -> None:
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            self.rollback()
            raise ledger_error(self.path, exc) from None

    def rollback(self) -> None:
        if self.db.in_transaction:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def record_review(self, step: str, source: str, source_sha: str | None, outputs: dict[str, str],
                      details: dict) -> int:
        """Record one run of a review step in its own transaction; returns its id."""
        import json

        with self.transaction():
            cur = self.db.execute("INSERT INTO review (step, input, input_sha256, outputs, details) VALUES (?, ?, ?, ?, ?)",
                                  (step, source, source_sha, json.dumps(outputs, ensure_ascii=False, sort_keys=True),
                                   json.dumps(details, ensure_ascii=False, sort_keys=True)))
        return cur.lastrowid

    def last_review(self, step: str) -> dict | None:
        """The latest run of a review step: {id, step, input, input_sha256, outputs, details}."""
        import json

        row = self.db.execute("SELECT id, step, input, input_sha256, outputs, details FROM review WHERE step = ? "
                              "ORDER BY id DESC LIMIT 1", (step,)).fetchone()
        if row is None:
            return None
        return {"id": row[0], "step": row[1], "input": row[2], "input_sha256": row[3],
                "outputs": json.loads(row[4]), "details": json.loads(row[5])}

    def record_run(self, run_id: int, entries: Iterable[FileEntry], inbox: str, master: str,
                   rows: tuple[int, int, int], token: str | None = None) -> None:
        """Store this run's view of every file it saw, and the run itself; call inside transaction()."""
        try:
            self._record_run(run_id, list(entries), inbox, master, rows, token)
        except sqlite3.Error as exc:
            raise ledger_error(self.path, exc) from None

    def _record_run(self, run_id, entries, inbox, master, rows, token) -> None:
        if token:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('run_token', ?)", (token,))
        for e in entries:
            old = self.known(e.sha256)
            e.first_run = old.first_run if old else run_id
            e.last_run = run_id
            self.db.execute(
                f"INSERT OR REPLACE INTO files ({', '.join(_FIELDS)}) VALUES ({', '.join('?' * len(_FIELDS))})",
                [getattr(e, f) for f in _FIELDS])
        self.db.execute("INSERT INTO runs (id, inbox, master, files, rows_read, rows_merged, rows_rejected) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)", (run_id, inbox, master, len(entries), *rows))

    def record_decisions(self, run_id: int, questions) -> None:
        """Keep every decision this run met (applied or not matched); call inside transaction()."""
        for q in questions:
            if not q.verdict:
                continue
            old = self.db.execute("SELECT first_run FROM decisions WHERE key = ?", (q.key,)).fetchone()
            self.db.execute("INSERT OR REPLACE INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (q.key, q.kind, q.what, q.verdict, q.reason, q.by, q.date, q.status, q.effect,
                             old[0] if old else run_id, run_id))

    def decisions(self) -> list[tuple]:
        return self.db.execute("SELECT key, verdict, status, effect, first_run, last_run FROM decisions "
                               "ORDER BY key").fetchall()
