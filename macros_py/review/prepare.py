"""`shenbao review prepare`: from the master and the expert list to the 复核表, one 评分表 per expert and
the 表5 expert list, recorded in the ledger. A re-run gives the same bytes, and never overwrites a file
someone has since filled in (its sha256 is no longer the one the ledger recorded)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from macros_py.model.errors import UsageError
from macros_py.model.paths import safe_name
from macros_py.policy.load import Policy
from macros_py.read.master import load_summary
from macros_py.review import state
from macros_py.review.checksheet import write_checksheet, write_expert_list
from macros_py.review.documents import match_documents
from macros_py.review.experts import read_experts, recusal
from macros_py.review.projects import fingerprint, review_projects
from macros_py.review.scoresheet import write_scoresheet

CHECKSHEET_NAME = "复核表.xlsx"
EXPERTS_NAME = "专家名单（表5）.xlsx"
SCORESHEET_DIR = "评分表"


def scoresheet_name(number: int, name: str) -> str:
    return f"评分表_{number:02d}_{safe_name(name, '专家')}.xlsx"


@dataclass
class PrepareResult:
    outputs: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def _guard(targets: list[Path], ledger_path: Path, force: bool) -> None:
    """Refuse to replace a file this step did not write as it is now (filled in, or someone else's)."""
    if force:
        return
    before = state.last(ledger_path, "prepare")
    written = before["outputs"] if before else {}
    changed = [t for t in targets if t.exists() and written.get(str(t.resolve())) != state.sha256_of(t)]
    if changed:
        raise UsageError("以下文件已存在，且不是上次 prepare 写出的原样（可能已填写）：" + "、".join(str(c) for c in changed)
                         + "。为免覆盖已填写的内容，请换一个输出目录；确需重新生成请加 --force。")


def prepare(master: str | Path, experts_path: str | Path, outdir: str | Path, policy: Policy, *,
            docs: str | Path | None = None, ledger: str | Path | None = None, force: bool = False) -> PrepareResult:
    master, outdir = Path(master), Path(outdir)
    if not master.is_file():
        raise UsageError(f"找不到汇总工作簿 {master}。")
    summary = load_summary(master)
    if summary.policy_year != policy.year:
        raise UsageError(f"汇总工作簿是 {summary.policy_year} 年度的，政策文件是 {policy.year} 年度的。")
    projects = review_projects(summary, policy)
    if not projects:
        raise UsageError(f"汇总工作簿 {master} 中没有已汇总的基地或工作室，无从评审。")
    experts = read_experts(experts_path)
    ledger_path = Path(ledger) if ledger else outdir / state.LEDGER_NAME
    check_path, experts_out = outdir / CHECKSHEET_NAME, outdir / EXPERTS_NAME
    sheets = [outdir / SCORESHEET_DIR / scoresheet_name(e.number, e.name) for e in experts]
    _guard([check_path, experts_out, *sheets], ledger_path, force)

    master_sha, print_ = state.sha256_of(master), fingerprint(projects)
    docs_match = match_documents(docs, projects)
    write_checksheet(check_path, projects, docs_match, policy, master_sha=master_sha, fingerprint=print_)
    write_expert_list(experts_out, experts, projects, policy, fingerprint=print_)
    for e, path in zip(experts, sheets, strict=True):
        write_scoresheet(path, e, projects, policy, master_sha=master_sha, fingerprint=print_, panel=len(experts))
    outputs = [check_path, experts_out, *sheets]
    recused = sum(1 for e in experts for p in projects if recusal(e, p, policy))
    rp = policy.review
    bases = sum(1 for p in projects if p.kind == "base")
    lines = [f"评审项目 {len(projects)} 个：培训基地 {bases} 个，技能大师工作室 {len(projects) - bases} 个（{master.name}）",
             f"专家 {len(experts)} 名；回避 {recused} 处（评分表中该行已锁定并注明原因）"]
    if len(experts) < rp.panel_min or (rp.panel_odd and len(experts) % 2 == 0):
        lines.append(f"注意（R-PANEL）：专家 {len(experts)} 名，表5 要求不少于 {rp.panel_min} 人且为单数。")
    if docs:
        linked = sum(len(v) for v in docs_match.links.values())
        lines.append(f"申报文档：链接 {linked} 个，未匹配 {len(docs_match.unmatched)} 个（见复核表“未匹配的文档”）")
    lines += [f"复核表：{check_path}", f"专家名单（表5）：{experts_out}", f"评分表 {len(sheets)} 份：{outdir / SCORESHEET_DIR}"]
    state.record(ledger_path, "prepare", master, outputs,
                 {"master": str(master.resolve()), "master_sha256": master_sha, "fingerprint": print_,
                  "projects": len(projects), "experts": [e.name for e in experts], "recused": recused})
    lines.append(f"评审台账：{ledger_path}")
    return PrepareResult(outputs, lines)
