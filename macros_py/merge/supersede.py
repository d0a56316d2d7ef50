"""Which of a recommender's files count, kind by kind: bases (附件7 with 基地条件, 表4-2, 专业预算) and
studios (附件8 with 大师信息).

Clerks send the notice's 附件7 and 附件8 as they are printed: often as two workbooks. A later file
replaces an earlier one only in what it holds: a 附件8 sent after a 附件7 adds the studios and keeps
the bases; a full file sent again replaces both; a 附件8 sent alone after a full file replaces its
studios, and the full file's bases stay. For each kind, the recommender's latest file that holds
projects of that kind is the one that counts (a file with no project at all never replaces one with
projects). Where the later file does not name some of the earlier file's projects at all, the bureau
is asked once whether it is a correction or a supplement (人工裁定 补充报送; until it answers, the later
file replaces). A file that counts for no kind is superseded; the rows of a kind a kept file no longer
counts for are listed among the rows not merged, with the file that replaced them, and its findings
on those rows go with them.
"""

from __future__ import annotations

from collections.abc import Callable

from macros_py.merge.decisions import AS_CORRECTION, AS_SUPPLEMENT, SUPPLEMENT, Desk, key_supplement
from macros_py.model.normalize import norm_key
from macros_py.model.submission import REPLACED, SkippedRow, Submission

KINDS = {"bases": ("bases", "conditions", "funding", "majors"), "studios": ("studios", "masters")}
KIND_NAMES = {"bases": "培训基地（附件7）", "studios": "技能大师工作室（附件8）"}


def kinds_of(sub: Submission) -> set[str]:
    return {kind for kind in KINDS if sub.rows(kind)}


def _names(sub: Submission, kind: str) -> dict[str, str]:
    """normalised name -> name as written, of the projects of `kind` in `sub`."""
    link = "unit" if kind == "bases" else "leader"
    out = {}
    for rec in sub.rows(kind):
        name = rec.values.get(link)
        if isinstance(name, str) and norm_key(name):
            out.setdefault(norm_key(name), name)
    return out


def settle_kinds(files: list, rank: Callable, desk: Desk, who: str) -> tuple[dict[int, dict[str, object]], list]:
    """files: one recommender's usable files (merge.run's outcomes: .sub, .sha256, .item.relpath);
    rank(file): later is larger. Returns, for each kept file's index in `files`, the kinds it lost (to
    which file), and the files that count for nothing.

    Where an earlier file holds projects of a kind the later one does not name at all, the later file
    may be a supplement rather than a correction (one file per unit, a forgotten base sent after): the
    bureau is asked once (补充报送); until it says 补充, the later file replaces the earlier."""
    winners, keepers = {}, {}
    for kind in KINDS:
        holding = [f for f in files if kind in kinds_of(f.sub)]
        if not holding:
            continue
        best = winners[kind] = max(holding, key=rank)
        keepers[kind] = [best]
        for f in holding:
            if f is best:
                continue
            later = _names(best.sub, kind)
            missing = [name for key, name in _names(f.sub, kind).items() if key not in later]
            if not missing:
                continue
            key = key_supplement(f.sha256, best.sha256, kind)
            shown = "、".join(missing[:5]) + (f"等 {len(missing)} 个" if len(missing) > 5 else "")
            verdict = desk.ask(key, SUPPLEMENT, f"“{who}”后报送的 {best.item.relpath} 没有 {f.item.relpath} 中的"
                               f"{KIND_NAMES[kind]}：{shown}。后报送的文件是更正（只收后报送的）还是补充（两份都汇总）？",
                               [AS_CORRECTION, AS_SUPPLEMENT], file=f.item.relpath)
            if verdict == AS_SUPPLEMENT:
                keepers[kind].append(f)
                desk.did(key, f"{f.item.relpath} 的{KIND_NAMES[kind]}与 {best.item.relpath} 一并汇总")
            elif verdict == AS_CORRECTION:
                desk.did(key, f"只收 {best.item.relpath} 的{KIND_NAMES[kind]}")
    if not winners:                       # no file holds a project: the latest counts (C-EMPTY)
        best = max(files, key=rank)
        return {files.index(best): {}}, [f for f in files if f is not best]
    kept, dropped = {}, []
    for i, f in enumerate(files):
        won = {kind for kind, keep in keepers.items() if any(k is f for k in keep)}
        if not won:
            dropped.append(f)
            continue
        kept[i] = {kind: winners[kind] for kind in kinds_of(f.sub) - won}
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
