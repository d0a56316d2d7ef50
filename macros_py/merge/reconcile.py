"""The reconciliation: every row read is merged or listed as not merged, with its reason; and the
rows of the attached sheets (基地条件, 经费预算, 专业预算, 大师信息) the master shows, those whose project is
in the same file."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from macros_py.merge.status import MERGED
from macros_py.model.normalize import norm_key
from macros_py.model.submission import WITHDRAWN, Record, Submission

if TYPE_CHECKING:
    from macros_py.merge.run import Outcome

# Which sheet's rows hang on which project sheet, and by which key (rows without their project are
# not merged: they are listed with the reason, and the county rules already report them).
ATTACHED = {"conditions": ("bases", "unit"), "funding": ("bases", "unit"), "majors": ("bases", "unit"),
            "masters": ("studios", "leader")}
JOINED = {"conditions", "masters"}   # shown as columns of the project's own row in the master


def attached_ok(sub: Submission, sheets: dict[str, list[Record]] | None = None) -> dict[str, set[int]]:
    """For each attached sheet, the rows the master shows: those whose project is in the same file,
    and of the sheets joined one-to-one onto the project's row (基地条件, 大师信息) only the first per
    project (a second one is C-ROWDUP, and is listed among the rows not merged). `sheets`: the file's
    records already decoded, if the caller has them."""
    sheets = sheets if sheets is not None else sub.sheets
    keep: dict[str, set[int]] = {}
    for sheet_key, (parent, key) in ATTACHED.items():
        names = {norm_key(r.values.get(key)) for r in sheets.get(parent, []) if r.values.get(key)}
        rows, seen = set(), set()
        for r in sheets.get(sheet_key, []):
            name = norm_key(r.values.get(key))
            if name in names and not (sheet_key in JOINED and name in seen):
                rows.add(r.row)
                seen.add(name)
        keep[sheet_key] = rows
    return keep


def reconcile(outcomes: list[Outcome], status: dict) -> tuple[dict[str, Counter], list[dict]]:
    """Rows read, merged and not merged, per file; and every row not merged with its reason."""
    counts: dict[str, Counter] = {}
    rejected = []
    for out in outcomes:
        rel = out.item.relpath
        c = counts[rel] = Counter()
        if out.sub is None:
            continue
        state, reason = status[rel]
        sheets = {key: list(records) for key, records in out.sub.sheets.items()}   # packed ones decoded once
        keep = attached_ok(out.sub, sheets) if state == MERGED else {}
        for sheet_key, records in sheets.items():
            for rec in records:
                if rec.made:
                    continue
                c["read"] += 1
                if state == MERGED and (sheet_key not in keep or rec.row in keep[sheet_key]):
                    c["merged"] += 1
                    continue
                c["rejected"] += 1
                why = reason if state != MERGED else _orphan_reason(out.sub, sheet_key, rec)
                kind = "文件未汇总" if state != MERGED else ("C-ROWDUP" if "C-ROWDUP" in why else "无所属项目")
                rejected.append({"file": rel, "sheet": rec.sheet, "row": rec.row, "kind": kind, "reason": why,
                                 "text": ""})
        for skip in out.sub.skipped:
            # Rows read under a table's header and not taken as projects: 非项目行, withdrawn, copies.
            c["read"] += 1
            c["rejected"] += 1
            rejected.append({"file": rel, "sheet": skip.sheet, "row": skip.row, "kind": skip.kind,
                             "reason": skip.reason if state == MERGED else f"{skip.reason}；{reason}",
                             "text": skip.text, "cell": skip.cell or ""})
    return counts, rejected


def _orphan_reason(sub: Submission, sheet_key: str, rec) -> str:
    parent, key = ATTACHED[sheet_key]
    names = {norm_key(r.values.get(key)) for r in sub.rows(parent) if r.values.get(key)}
    if norm_key(rec.values.get(key)) in names:
        return "同一项目在本表的第二行（C-ROWDUP），汇总表只收第一行"
    withdrawn = next((s for s in sub.skipped if s.sheet_key == parent and s.kind in WITHDRAWN and s.record
                      and norm_key(s.record.values.get(key)) == norm_key(rec.values.get(key))), None)
    if withdrawn is not None:
        return f"所属项目在“{withdrawn.sheet}”第 {withdrawn.row} 行未汇总（{withdrawn.kind}），本行随之不汇总"
    return ("该行的项目单位不在本文件的附件7 基地汇总中，无法归到任何基地" if parent == "bases"
            else "该行的领办人不在本文件的附件8 工作室汇总中，无法归到任何工作室")
