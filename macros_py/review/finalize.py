"""`shenbao review finalize`: once the bureau has recorded the 公示 outcome (无异议 or 撤回, in 公示结果登记),
the 认定名单 (notice 二（五）项目确定) and the 资金拨付表: per project, per recommender and county, and the total.
A withdrawn project leaves its place empty; nothing moves up silently."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from macros_py.model.errors import ShenbaoError, UsageError
from macros_py.policy.load import Policy
from macros_py.review import state
from macros_py.review.decisions import NO_OBJECTION, OUTCOME_NAME, WITHDRAWN, read_outcomes
from macros_py.review.layout import meta_sheet, new_book, page, title_rows
from macros_py.review.results import load_results

FINAL_NAME, FUNDS_NAME = "认定名单.xlsx", "资金拨付表.xlsx"
CITY = "市直"


@dataclass
class FinalizeResult:
    final: list[dict] = field(default_factory=list)
    withdrawn: list[dict] = field(default_factory=list)
    total: float = 0.0
    outputs: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def _outcome_path(results: Path, decisions, ledger_path: Path) -> Path:
    if decisions:
        return Path(decisions)
    last = state.last(ledger_path, "publicize")
    if last and Path(last["details"].get("outcome", "")).is_file():
        return Path(last["details"]["outcome"])
    return results.parent / OUTCOME_NAME


def finalize(results, outdir, policy: Policy, *, decisions=None, ledger=None, force: bool = False) -> FinalizeResult:
    results, outdir = Path(results), Path(outdir)
    if not results.is_file():
        raise UsageError(f"找不到评审结果 {results}。")
    data = load_results(results)
    ledger_path = Path(ledger) if ledger else results.parent / state.LEDGER_NAME
    path = _outcome_path(results, decisions, ledger_path)
    if not path.is_file():
        raise ShenbaoError(f"找不到公示结果登记 {path}：请先运行 shenbao review publicize，公示期满后在其中登记结果（或用 --decisions 指定）。")
    outcomes, problems = read_outcomes(path)
    selected = data["proposal"]["selected"]
    missing = [s["code"] for s in selected if s["code"] not in outcomes]
    if missing or problems:
        listed = problems + [f"{c} 没有公示结果" for c in missing if not any(f"（{c}）" in p for p in problems)]
        more = f"等 {len(listed)} 处" if len(listed) > 5 else ""
        raise ShenbaoError("公示结果还没有登记完整：" + "；".join(listed[:5]) + more
                           + f"。请在 {path} 中逐行填写“{NO_OBJECTION}”或“{WITHDRAWN}”。")
    out = FinalizeResult()
    for s in selected:
        result, note = outcomes[s["code"]]
        (out.final if result == NO_OBJECTION else out.withdrawn).append({**s, "note": note})
    out.total = float(sum(s["subsidy"] for s in out.final))
    final, funds = outdir / FINAL_NAME, outdir / FUNDS_NAME
    if not force:
        before = state.last(ledger_path, "finalize")
        written = before["outputs"] if before else {}
        for t in (final, funds):
            if t.exists() and written.get(str(t.resolve())) != state.sha256_of(t):
                raise UsageError(f"文件 {t} 已存在，且不是上次 finalize 写出的原样；如需覆盖请加 --force。")
    _final_list(final, out, policy, data["fingerprint"])
    _funds(funds, out, policy, data["fingerprint"])
    out.outputs = [final, funds]
    bases = [s for s in out.final if s["kind"] == "base"]
    out.lines = [f"认定：培训基地 {len(bases)} 个，技能大师工作室 {len(out.final) - len(bases)} 个；撤回 {len(out.withdrawn)} 个",
                 *(f"  撤回：{s['code']} {s['unit']}（{s['note'] or '未写原因'}），名额空缺" for s in out.withdrawn),
                 f"资金补助合计 {out.total:g} 万元", f"认定名单：{final}", f"资金拨付表：{funds}"]
    state.record(ledger_path, "finalize", results, out.outputs,
                 {"final": [s["code"] for s in out.final], "withdrawn": [s["code"] for s in out.withdrawn],
                  "total": out.total, "outcomes": str(path.resolve())})
    return out


def _sheet(book, name, title, headers, rows, widths, total_col=None):
    ws = book.sheet(name)
    top = title_rows(book, ws, [title], len(headers))
    head = book.fmt(bold=True, align="center", valign="vcenter", border=1, text_wrap=True)
    body = book.fmt(valign="vcenter", border=1, text_wrap=True)
    money = book.fmt(valign="vcenter", border=1, num_format="0.##")
    for c, h in enumerate(headers):
        book.write(ws, top, c, h, head)
    for r, values in enumerate(rows, start=top + 1):
        for c, v in enumerate(values):
            book.write(ws, r, c, v, money if c == total_col else body)
    if total_col is not None:
        r = top + 1 + len(rows)
        book.merge(ws, r, 0, r, total_col - 1, "合计", book.fmt(bold=True, border=1, align="center"))
        col = chr(65 + total_col)
        total = sum(v[total_col] for v in rows)
        ws.write_formula(r, total_col, f"=SUM({col}{top + 2}:{col}{max(r, top + 2)})",
                         book.fmt(bold=True, border=1, num_format="0.##"), total)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    page(ws, top + 1, len(headers), landscape=False)


def _final_list(path: Path, out: FinalizeResult, policy: Policy, fingerprint: str) -> None:
    book = new_book(policy, "认定名单")
    year = policy.year
    bases = [s for s in out.final if s["kind"] == "base"]
    studios = [s for s in out.final if s["kind"] == "studio"]
    _sheet(book, "培训基地", f"{year}年度市级高技能人才培训基地认定名单", ("序号", "项目单位", "档次", "推荐单位", "申报专业"),
           [[i, s["unit"], f"{s['tier']}档", s["recommender"], s["majors"]] for i, s in enumerate(bases, 1)],
           (6, 36, 6, 28, 30))
    _sheet(book, "技能大师工作室", f"{year}年度市级技能大师工作室认定名单", ("序号", "领办人", "申报单位", "工作室职业（工种）"),
           [[i, s["leader"], s["unit"], s["occupation"] or ""] for i, s in enumerate(studios, 1)], (6, 12, 36, 20))
    _sheet(book, "公示后撤回", "公示后撤回的项目（名额空缺）", ("编号", "项目", "推荐单位", "原因"),
           [[s["code"], s["unit"] if not s["leader"] else f"{s['leader']}（{s['unit']}）", s["recommender"], s["note"]]
            for s in out.withdrawn], (8, 40, 28, 40))
    meta_sheet(book, "认定名单", [("项目清单指纹", fingerprint)], {})
    book.save(path)


def _funds(path: Path, out: FinalizeResult, policy: Policy, fingerprint: str) -> None:
    book = new_book(policy, "资金拨付表")
    paid = [s for s in out.final if s["subsidy"]]
    _sheet(book, "逐个项目", "市级高技能人才培训基地补助资金拨付表（万元）",
           ("编号", "项目单位", "档次", "推荐单位", "县（区）", "补助（万元）"),
           [[s["code"], s["unit"], f"{s['tier']}档" if s["tier"] else "", s["recommender"], s["county"] or CITY,
             s["subsidy"]] for s in paid], (8, 36, 6, 28, 10, 12), total_col=5)
    for name, key in (("按推荐单位", "recommender"), ("按县区", "county")):
        sums: dict[str, list] = defaultdict(lambda: [0, 0.0])
        for s in paid:
            k = s[key] or CITY
            sums[k][0] += 1
            sums[k][1] += s["subsidy"]
        label = "推荐单位" if key == "recommender" else "县（区）"
        _sheet(book, name, f"补助资金{name}汇总（万元）", (label, "项目数", "补助（万元）"),
               [[k, n, v] for k, (n, v) in sorted(sums.items(), key=lambda kv: -kv[1][1])], (30, 8, 12), total_col=2)
    meta_sheet(book, "资金拨付表", [("项目清单指纹", fingerprint), ("合计万元", f"{out.total:g}")], {})
    book.save(path)
