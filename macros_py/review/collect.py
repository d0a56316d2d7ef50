"""`shenbao review collect`: the returned 评分表 and 复核表 read back, checked at the cell, scored, ranked and
turned into the proposal; 评审结果.xlsx, 评审报告.html and the JSON written; the step recorded.

Findings (R-PANEL, R-SCORE, R-RECUSE, R-REVIEWED here; R-TIE and R-VACANT on the ranking) carry the
returned file, sheet and cell. A score that breaks a rule is never counted, and a project with any doubt
(复核 not 合格, a score missing, a panel too small or even, a tie) is never proposed silently."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from macros_py.model.errors import ShenbaoError, UsageError
from macros_py.model.findings import ERROR, Finding, display_value
from macros_py.model.normalize import clean_text
from macros_py.policy.load import Policy
from macros_py.read.grid import a1
from macros_py.review import state
from macros_py.review.checksheet import FAIL, PASS
from macros_py.review.decisions import DECISIONS_NAME, read_tie_decisions, write_tie_decisions
from macros_py.review.experts import Expert, read_experts, recusal
from macros_py.review.layout import KIND_CHECKSHEET, KIND_EXPERTS, KIND_SCORESHEET
from macros_py.review.projects import ReviewProject, differences, fingerprint, review_projects
from macros_py.review.returned import READ, ReturnedFile, scan
from macros_py.review.scoring import project_score, propose
from macros_py.rules.catalog import render

RECUSED_MARK = "回避"
HTML_NAME = "评审报告.html"


@dataclass
class CollectResult:
    data: dict
    findings: list[Finding]
    outputs: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)


class _Found:
    def __init__(self):
        self.items: list[Finding] = []

    def add(self, rule, case, params, file="", sheet=None, cell=None, column=None, value=None, sha=None):
        severity, message, hint = render(rule, case, params)
        row = int("".join(ch for ch in cell if ch.isdigit())) if cell else None
        self.items.append(Finding(rule, severity, file, sheet, cell, row, column, display_value(value), message,
                                  hint, sha))


def _number(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    try:
        return Decimal(clean_text(value))
    except (InvalidOperation, ValueError):
        return None


def _master_fingerprint(master, policy) -> tuple[str | None, list[ReviewProject] | None]:
    if not master or not Path(master).is_file():
        return None, None
    from macros_py.read.master import load_summary

    projects = review_projects(load_summary(master), policy)
    return fingerprint(projects), projects


def run_collect(folder, output, policy: Policy, *, summary_json=None, html=None, master=None, experts=None,
                decisions=None, ledger=None, force: bool = False) -> CollectResult:
    folder, output = Path(folder), Path(output)
    if not folder.is_dir():
        raise UsageError(f"找不到文件夹 {folder}。")
    if output.suffix.lower() != ".xlsx":
        raise UsageError("评审结果应以 .xlsx 结尾。")
    html = Path(html) if html else output.parent / HTML_NAME
    decisions = Path(decisions) if decisions else output.parent / DECISIONS_NAME
    ledger_path = Path(ledger) if ledger else (folder / state.LEDGER_NAME if (folder / state.LEDGER_NAME).is_file()
                                               else output.parent / state.LEDGER_NAME)
    for out in (output, html):
        if out.exists() and not force and not _ours(out, ledger_path):
            raise UsageError(f"文件 {out} 已存在，且不是上次 collect 写出的原样；如需覆盖请加 --force。")
    files = scan(folder, skip={output.resolve(), decisions.resolve()})
    found = _Found()
    data = _collect(files, folder, policy, found, master, experts, ledger_path, decisions)

    from macros_py.review.results import ranking_cells, write_results

    cells = ranking_cells(data["proposal"], policy)
    for t in data["proposal"]["ties"]:
        found.add("R-TIE", "tie", {"tier": t["group"], "projects": "、".join(x["label"] for x in t["projects"]),
                                   "score": f"{t['score']:g}", "left": t["left"]},
                  output.name, "各档排名", cells[t["projects"][0]["code"]], "得分", t["score"])
    for v in data["proposal"]["vacancies"]:
        found.add("R-VACANT", "vacant", {"tier": v["group"], "places": v["places"], "count": v["count"],
                                         "vacant": v["vacant"]}, output.name, "各档排名", cells[v["group"]], "组别",
                  v["group"])
    data["findings"] = [f.to_dict() for f in found.items]
    write_results(output, data, policy)
    from macros_py.review.html import write_review_report

    write_review_report(html, data, policy)
    outputs = [output, html]
    if summary_json:
        from macros_py.write.xlsx_pack import write_atomic

        write_atomic(summary_json, (json.dumps(summary_view(data), ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        outputs.append(Path(summary_json))
    lines = _lines(data, found.items, files, policy)
    if data["proposal"]["ties"] and not decisions.exists():
        write_tie_decisions(decisions, data["proposal"]["ties"], policy, data["fingerprint"])
        lines.append(f"名额线上有并列：已生成人工裁定工作簿 {decisions}，填写“并列裁定”后重新运行本命令。")
    lines += [f"评审结果：{output}", f"评审报告：{html}"] + ([f"JSON：{summary_json}"] if summary_json else [])
    state.record(ledger_path, "collect", folder, outputs,
                 {"fingerprint": data["fingerprint"], "selected": [s["code"] for s in data["proposal"]["selected"]],
                  "ties": len(data["proposal"]["ties"]), "findings": len(found.items),
                  "budget_total": data["proposal"]["budget_total"]})
    lines.append(f"评审台账：{ledger_path}")
    return CollectResult(data, found.items, outputs, lines)


def _ours(path: Path, ledger_path: Path) -> bool:
    before = state.last(ledger_path, "collect")
    return bool(before) and before["outputs"].get(str(path.resolve())) == state.sha256_of(path)


def _collect(files: list[ReturnedFile], folder: Path, policy: Policy, found: _Found, master, experts_path,
             ledger_path: Path, decisions_path: Path) -> dict:
    rp = policy.review
    read = [f for f in files if f.status == READ]
    checks = [f for f in read if f.kind == KIND_CHECKSHEET]
    if not checks:
        raise ShenbaoError(f"文件夹 {folder} 中没有复核表（shenbao review prepare 生成的“复核表.xlsx”）：没有材料复核的结论，无法评审。")
    if len({c.sha256 for c in checks}) > 1:
        raise ShenbaoError("文件夹中有多份内容不同的复核表：" + "、".join(c.rel for c in checks) + "。请只保留最终的一份。")
    check = checks[0]
    projects = [ReviewProject.from_dict(d) for d in check.data["projects"]]
    by_code = {p.code: p for p in projects}
    made = check.data["fingerprint"]
    prepared = state.last(ledger_path, "prepare")
    master = master or (prepared["details"]["master"] if prepared else None)
    now, now_projects = _master_fingerprint(master, policy)
    reference = now or made
    if now and now != made:
        found.add("R-PANEL", "stale", {"what": "复核表", "diff": differences(projects, now_projects)}, check.rel,
                  sha=check.sha256)
    same_list_note = None
    if now and now == made and state.sha256_of(master) != check.data.get("master_sha"):
        same_list_note = (f"汇总工作簿 {Path(master).name} 在评分表发出后重新生成过（SHA256 与评分表中记录的不同），"
                          "但项目清单没有变化，评分表仍然有效。")

    expert_files = [f for f in read if f.kind == KIND_EXPERTS]
    if experts_path:
        panel = read_experts(experts_path)
        panel_file = Path(experts_path).name
    elif expert_files:
        panel = [Expert.from_dict(e) for e in expert_files[0].data["experts"]]
        panel_file = expert_files[0].rel
    else:
        panel, panel_file = None, ""
    sheets = [f for f in read if f.kind == KIND_SCORESHEET]
    by_expert: dict[str, list[ReturnedFile]] = defaultdict(list)
    names = {e.name for e in panel} if panel else None
    for s in sheets:
        e = Expert.from_dict(s.data["expert"])
        if s.data.get("fingerprint") != reference:
            found.add("R-PANEL", "stale", {"what": f"评分表（{e.name}）", "diff": "项目清单指纹不同"}, s.rel,
                      sha=s.sha256)
            continue
        if names is not None and e.name not in names:
            found.add("R-PANEL", "unknown", {"expert": e.name}, s.rel, sha=s.sha256)
            continue
        by_expert[e.name].append(s)
    usable: dict[str, ReturnedFile] = {}
    for name, lst in by_expert.items():
        if len({s.sha256 for s in lst}) > 1:
            for s in lst:
                found.add("R-PANEL", "duplicate", {"expert": name, "files": "、".join(x.rel for x in lst)}, s.rel,
                          sha=s.sha256)
        else:
            usable[name] = lst[0]
    if panel is None:
        panel = [Expert.from_dict(usable[n].data["expert"]) for n in sorted(usable)]
    for e in panel:
        if e.name not in by_expert:
            found.add("R-PANEL", "missing", {"expert": e.name}, panel_file)
    if len(panel) < rp.panel_min:
        found.add("R-PANEL", "list_few", {"count": len(panel), "min": rp.panel_min}, panel_file)
    elif rp.panel_odd and len(panel) % 2 == 0:
        found.add("R-PANEL", "list_even", {"count": len(panel)}, panel_file)

    status = _conclusions(check, projects, found)
    totals: dict[str, dict[str, Decimal]] = defaultdict(dict)
    incomplete: dict[str, set[str]] = defaultdict(set)
    recused: dict[str, dict[str, str]] = defaultdict(dict)
    details = []
    experts = {e.name: e for e in panel}
    for name in sorted(usable, key=lambda n: experts[n].number if n in experts else 999):
        sf = usable[name]
        e = experts.get(name) or Expert.from_dict(sf.data["expert"])
        for p in projects:
            c = sf.data["cells"].get(p.code)
            if c is None:
                incomplete[p.code].add(name)
                continue
            crit = rp.criteria(p.kind)
            values = [sf.value(c["sheet"], c["row"], col) for col in c["cols"]]
            filled = [(col, v) for col, v in zip(c["cols"], values, strict=True) if v not in (None, "", RECUSED_MARK)]
            why = c.get("recused") or recusal(e, p, policy)
            label = p.label
            if why:
                recused[p.code][name] = why
                if filled:
                    col, v = filled[0]
                    found.add("R-RECUSE", "scored", {"expert": name, "project": label, "reason": why}, sf.rel,
                              c["sheet"], a1(c["row"], col), crit[c["cols"].index(col)].name, v, sf.sha256)
                continue
            st = status[p.code][0]
            if st != PASS:
                if st == FAIL and filled:
                    col, v = filled[0]
                    found.add("R-REVIEWED", "scored", {"project": label, "status": st}, sf.rel, c["sheet"],
                              a1(c["row"], col), crit[c["cols"].index(col)].name, v, sf.sha256)
                continue
            row_values, ok = [], True
            for cr, col, v in zip(crit, c["cols"], values, strict=True):
                cell = a1(c["row"], col)
                params = {"project": label, "criterion": cr.name, "max": f"{cr.max:g}", "value": v}
                if v in (None, ""):
                    found.add("R-SCORE", "unscored", params, sf.rel, c["sheet"], cell, cr.name, None, sf.sha256)
                    ok = False
                    continue
                n = _number(v)
                if n is None:
                    found.add("R-SCORE", "not_number", params, sf.rel, c["sheet"], cell, cr.name, v, sf.sha256)
                    ok = False
                elif not Decimal(0) <= n <= Decimal(str(cr.max)):
                    found.add("R-SCORE", "range", params, sf.rel, c["sheet"], cell, cr.name, v, sf.sha256)
                    ok = False
                row_values.append(float(n) if n is not None else None)
            if ok:
                totals[p.code][name] = sum((Decimal(str(v)) for v in row_values), Decimal(0))
                details.append([p.code, name, row_values, float(totals[p.code][name])])
            else:
                incomplete[p.code].add(name)

    blocked, scores, panel_sizes = {}, {}, {}
    for p in projects:
        st, reason = status[p.code]
        scorers = [n for n in usable if n not in recused[p.code]]
        panel_sizes[p.code] = len(scorers)
        if p.kind == "base" and not p.tier:
            blocked[p.code] = "申报档次未定（须先由市人社局人工裁定档次）"
        elif st == FAIL:
            blocked[p.code] = f"材料复核不合格：{reason or '未写原因'}"
        elif st != PASS:
            blocked[p.code] = "材料复核结论未填写" if not st else f"复核结论“{st}”无效"
        elif incomplete[p.code]:
            blocked[p.code] = "评分不完整（R-SCORE）：" + "、".join(sorted(incomplete[p.code]))
        elif len(scorers) < rp.panel_min or (rp.panel_odd and len(scorers) % 2 == 0):
            why = f"专家 {len(panel)} 名" + (f"，回避 {len(recused[p.code])} 名" if recused[p.code] else "") + \
                  (f"，评分表可用 {len(usable)} 份" if len(usable) != len(panel) else "")
            cell = check.data["cells"][p.code]
            found.add("R-PANEL", "project", {"project": p.label, "count": len(scorers), "why": why,
                                             "min": rp.panel_min}, check.rel, cell["sheet"], a1(cell["row"], 0),
                      "编号", p.code, check.sha256)
            blocked[p.code] = f"有效评分专家 {len(scorers)} 名，不符合不少于 {rp.panel_min} 人且为单数（R-PANEL）"
        else:
            score = project_score([totals[p.code][n] for n in scorers], rp.method, rp.decimals)
            if score is None:
                blocked[p.code] = "评分专家不足以计分"
            else:
                scores[p.code] = score
    tie_decisions: dict[str, str] = {}
    notes: list[str] = []
    if decisions_path.exists():
        tie_decisions, notes = read_tie_decisions(decisions_path)
    if same_list_note:
        notes.insert(0, same_list_note)
    proposal = propose(projects, scores, blocked, policy, tie_decisions)
    return {
        "policy_year": policy.year, "fingerprint": made, "method": rp.method, "method_text": rp.method_text,
        "criteria_note": rp.criteria_note,
        "criteria": {k: [[c.name, c.max] for c in rp.criteria(k)] for k in ("base", "studio")},
        "projects": [p.to_dict() for p in projects], "experts": [e.to_dict() for e in panel],
        "details": details, "scores": {c: float(s) for c, s in scores.items()}, "panel_sizes": panel_sizes,
        "recused": {c: v for c, v in recused.items() if v},
        "review": {c: list(v) for c, v in status.items()},
        "proposal": proposal.to_dict(), "notes": notes,
        "files": [[f.rel, f.status, f.kind, f.reason] for f in files],
        "master_changed": bool(now and now != made), "by_code": sorted(by_code),
    }


def _conclusions(check: ReturnedFile, projects, found: _Found) -> dict[str, tuple[str, str]]:
    out = {}
    for p in projects:
        c = check.data["cells"][p.code]
        sheet, row = c["sheet"], c["row"]
        col_c = _col(c["conclusion"])
        value = clean_text(check.value(sheet, row, col_c))
        reason = clean_text(check.value(sheet, row, _col(c["reason"])))
        if value == FAIL and not reason:
            found.add("R-REVIEWED", "no_reason", {"project": p.label}, check.rel, sheet, c["reason"], "不合格原因",
                      None, check.sha256)
        elif not value:
            found.add("R-REVIEWED", "open", {"project": p.label}, check.rel, sheet, c["conclusion"], "复核结论",
                      None, check.sha256)
        elif value not in (PASS, FAIL):
            found.add("R-REVIEWED", "bad", {"project": p.label, "value": value}, check.rel, sheet, c["conclusion"],
                      "复核结论", value, check.sha256)
        out[p.code] = (value, reason)
    return out


def _col(cell: str) -> int:
    letters = "".join(ch for ch in cell if ch.isalpha())
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def summary_view(data: dict) -> dict:
    """S.json: the proposal as the issue asks for it."""
    p = data["proposal"]
    keep = ("kind", "tier", "unit", "leader", "recommender", "score", "rank", "subsidy")
    return {"selected": [{k: s[k] for k in keep} | {"code": s["code"], "county": s["county"]} for s in p["selected"]],
            "ties": p["ties"], "vacancies": p["vacancies"],
            "excluded": [{k: e[k] for k in ("code", "kind", "tier", "unit", "leader", "recommender", "score", "reason")}
                         for e in p["excluded"]],
            "budget_total": p["budget_total"], "budget_policy": p["budget_policy"],
            "findings": len(data["findings"])}


def _lines(data: dict, findings: list[Finding], files: list[ReturnedFile], policy: Policy) -> list[str]:
    from collections import Counter

    by_status = Counter(f.status for f in files)
    kinds = Counter(f.kind for f in files if f.status == READ)
    lines = [f"读取文件 {len(files)} 个：" + "，".join(f"{k} {v}" for k, v in by_status.items())
             + "（" + "，".join(f"{k} {v}" for k, v in kinds.items()) + "）"]
    for f in files:
        if f.status != READ:
            lines.append(f"  {f.rel}：{f.status}：{f.reason}")
    lines += [f"注意：{n}" for n in data["notes"]]
    sev = Counter(f.severity for f in findings)
    lines.append("问题：" + "，".join(f"{k} {sev.get(k, 0)} 条" for k in ("错误", "警告", "提示")) + "（见评审结果“问题清单”）")
    for f in findings[:12]:
        lines.append(f"  {f.rule} {f.severity} {f.file} {f.where}：{f.message}")
    if len(findings) > 12:
        lines.append(f"  ……共 {len(findings)} 条")
    p = data["proposal"]
    lines.append(f"建议名单（计分：{data['method_text']}）：")
    for group, places in p["places"].items():
        sel = [s for s in p["selected"] if (f"{s['tier']}档" if s["tier"] else "技能大师工作室") == group]
        lines.append(f"  {group}（名额 {places} 个，入选 {len(sel)} 个）")
        for s in sel:
            who = f"{s['leader']}（{s['unit']}）" if s["leader"] else s["unit"]
            money = f"，补助 {s['subsidy']:g} 万元" if s["subsidy"] else ""
            lines.append(f"    {s['rank']}. {s['code']} {who}，{s['recommender']}，{s['score']:.{policy.review.decimals}f} 分{money}")
    lines.append(f"补助合计 {p['budget_total']:g} 万元（政策预算 {p['budget_policy']:g} 万元）")
    for t in p["ties"]:
        lines.append(f"  并列待裁定（R-TIE）：{t['group']} {t['reason']}")
    for v in p["vacancies"]:
        lines.append(f"  名额空缺（R-VACANT）：{v['group']} 空缺 {v['vacant']} 个")
    return lines
