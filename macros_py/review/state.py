"""Where each review step records itself: the review table of the SQLite ledger (merge/ledger.py).

Default place: 评审台账.sqlite in the folder prepare writes (DIR), beside 评审结果.xlsx for the later
steps (collect uses DIR's ledger when the returned sheets are collected in DIR itself)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from macros_py.merge.ledger import Ledger

LEDGER_NAME = "评审台账.sqlite"


def sha256_of(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def record(ledger_path: str | Path, step: str, source: str | Path, outputs: list[Path], details: dict) -> int:
    src = Path(source)
    sha = sha256_of(src) if src.is_file() else None
    with Ledger(ledger_path) as ledger:
        return ledger.record_review(step, str(src.resolve()), sha,
                                    {str(p.resolve()): sha256_of(p) for p in outputs if p.is_file()}, details)


def last(ledger_path: str | Path, step: str) -> dict | None:
    if not Path(ledger_path).is_file():
        return None
    with Ledger(ledger_path) as ledger:
        return ledger.last_review(step)
