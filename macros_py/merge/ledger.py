"""The intake ledger: an SQLite file recording every file the bureau's merges have seen.

One row per distinct file content (sha256), with when it was received, from whom, and what became
of it; one row per run. Re-running on the same inbox finds every file already known, so the master
comes out the same. Every run's writes happen in one transaction: a run killed half way leaves the
ledger as it was before the run.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA_VERSION = "1"

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
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are ours to open (BEGIN IMMEDIATE) and close.
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=DELETE")
        self.db.executescript(_DDL)
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))

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
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def record_run(self, run_id: int, entries: Iterable[FileEntry], inbox: str, master: str,
                   rows: tuple[int, int, int]) -> None:
        """Store this run's view of every file it saw, and the run itself; call inside transaction()."""
        entries = list(entries)
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
