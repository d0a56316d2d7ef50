"""The applicants' documents in the inbox (申报书, 实施方案, 申报表 as .docx or .pdf), matched to projects by
unit name (and, for a studio, the 领办人's name), so that the 复核表 links them. Whatever matches no
project, or no kind, is listed, never dropped."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from macros_py.model.normalize import norm_key
from macros_py.policy.review import KIND_BASE
from macros_py.review.projects import ReviewProject

DOC_SUFFIXES = (".docx", ".pdf", ".doc")
# 附件2 申报书 and 附件3 实施方案 for bases, 附件4 申报表 for studios: the words a file name carries.
DOC_KINDS = {KIND_BASE: ("申报书", "实施方案"), "studio": ("申报表",)}


@dataclass
class DocumentMatch:
    links: dict[str, dict[str, Path]] = field(default_factory=dict)   # project code → kind → file
    unmatched: list[tuple[Path, str]] = field(default_factory=list)    # file, why


def match_documents(folder: str | Path | None, projects: list[ReviewProject]) -> DocumentMatch:
    out = DocumentMatch()
    if not folder:
        return out
    folder = Path(folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in DOC_SUFFIXES
                   and not p.name.startswith(("~$", ".")))
    # Longest unit names first: "大同X技工学校分校" is not "大同X技工学校".
    ordered = sorted(projects, key=lambda p: -len(norm_key(p.unit)))
    for path in files:
        key = norm_key(path.stem)
        hits = [p for p in ordered if norm_key(p.unit) in key and (p.leader is None or norm_key(p.leader) in key
                                                                     or p.kind == KIND_BASE)]
        if not hits:
            out.unmatched.append((path, "文件名中没有任何项目单位（工作室还须有领办人姓名）"))
            continue
        best = [p for p in hits if len(norm_key(p.unit)) == len(norm_key(hits[0].unit))]
        studios = [p for p in best if p.leader and norm_key(p.leader) in key]
        best = studios or [p for p in best if p.kind == KIND_BASE] or best
        if len(best) > 1:
            out.unmatched.append((path, "文件名对应多个项目：" + "、".join(p.label for p in best)))
            continue
        project = best[0]
        kind = next((k for k in DOC_KINDS[project.kind] if k in key), None)
        if kind is None:
            out.unmatched.append((path, f"属于 {project.label}，但文件名中没有“{'”或“'.join(DOC_KINDS[project.kind])}”"))
            continue
        slot = out.links.setdefault(project.code, {})
        if kind in slot:
            out.unmatched.append((path, f"{project.label} 的{kind}已有 {slot[kind].name}"))
            continue
        slot[kind] = path
    return out
