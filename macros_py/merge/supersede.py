"""Which of a recommender's files count, kind by kind: bases (附件7 with 基地条件, 表4-2, 专业预算) and
studios (附件8 with 大师信息).

Clerks send the notice's 附件7 and 附件8 as they are printed: often as two workbooks. A later file
replaces an earlier one only in what it holds: a 附件8 sent after a 附件7 adds the studios and keeps
the bases; a full file sent again replaces both; a 附件8 sent alone after a full file replaces its
studios, and the full file's bases stay. For each kind, the recommender's latest file that holds
projects of that kind is the one that counts (a file with no project at all never replaces one with
projects). A file that counts for no kind is superseded; the rows of a kind a kept file no longer
counts for are listed among the rows not merged, with the file that replaced them, and its findings
on those rows go with them.
"""

from __future__ import annotations

from collections.abc import Callable

from macros_py.model.submission import REPLACED, SkippedRow, Submission

KINDS = {"bases": ("bases", "conditions", "funding", "majors"), "studios": ("studios", "masters")}
KIND_NAMES = {"bases": "培训基地（附件7）", "studios": "技能大师工作室（附件8）"}


def kinds_of(sub: Submission) -> set[str]:
    return {kind for kind in KINDS if sub.rows(kind)}


def settle_kinds(files: list, rank: Callable, sub_of: Callable) -> tuple[dict[int, dict[str, object]], list]:
    """files: one recommender's usable files (outcomes); rank(file): later is larger. Returns (for each
    kept file's index in `files`, the kinds it lost to which file) and the files that count for nothing."""
    winners = {}
    for kind in KINDS:
        holding = [f for f in files if kind in kinds_of(sub_of(f))]
        if holding:
            winners[kind] = max(holding, key=rank)
    if not winners:                       # no file holds a project: the latest counts (C-EMPTY)
        best = max(files, key=rank)
        return {files.index(best): {}}, [f for f in files if f is not best]
    kept, dropped = {}, []
    for i, f in enumerate(files):
        won = {kind for kind, w in winners.items() if w is f}
        if not won:
            dropped.append(f)
            continue
        kept[i] = {kind: winners[kind] for kind in kinds_of(sub_of(f)) - won}
    return kept, dropped


def set_aside(sub: Submission, kind: str, reason: str) -> set[tuple[str, int]]:
    """Move the rows of `kind` out of `sub` into its rows not merged, with `reason`; returns their
    (worksheet, row) so that the file's findings on them can go too."""
    moved = set()
    for key in KINDS[kind]:
        for rec in sub.sheets.pop(key, []):
            name = rec.values.get("leader") or rec.values.get("unit") or ""
            cell = rec.cells.get("leader") or rec.cells.get("unit")
            sub.skipped.append(SkippedRow(key, rec.sheet, rec.row, REPLACED, reason, cell,
                                          f"{name} {rec.content or ''}".strip(), rec))
            moved.add((rec.sheet, rec.row))
    return moved
