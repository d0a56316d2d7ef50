"""The filled review example `shenbao samples` writes (评审示例/): the bureau's 专家名单.xlsx and a folder 回收/
of returned workbooks — the 复核表 with its conclusions and one signed 评分表 per expert — made by running
prepare on the master of the embedded samples and filling the sheets as experts would (seeded, so the
same seed gives the same bytes). Also the fillers tests use to make returned sheets of their own."""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from pathlib import Path

from macros_py.policy.load import Policy
from macros_py.review.books import META_SHEET
from macros_py.review.checksheet import FAIL, PASS
from macros_py.write.template import document_time
from macros_py.write.xlsx_pack import save_workbook

EXAMPLE_DIR = "评审示例"
RETURNED_DIR = "回收"
EXPERTS_FILE = "专家名单.xlsx"
# Seven experts (表5: at least five, an odd number); two belong to a recommender (大同市教育局), so its
# projects keep five scorers after 回避.
EXPERTS = [("张立新", "山西大同大学 教授", "13903520101"), ("李文华", "大同市教育局 高级讲师", "13903520102"),
           ("王建平", "晋能控股煤业集团 高级技师", "13903520103"), ("赵丽娟", "大同市职业技能鉴定指导中心 高级经济师", "13903520104"),
           ("刘国强", "大同市教育局 正高级讲师", "13903520105"), ("陈晓东", "大同市财政局 高级会计师", "13903520106"),
           ("孙美玲", "山西大同大学 副教授", "13903520107")]


def _data(wb) -> dict:
    rows = list(wb[META_SHEET].iter_rows(values_only=True))
    return json.loads("".join(str(r[1]) for r in rows if r[0] == "数据"))


def fill_checksheet(src: Path, dst: Path, verdicts: dict[str, tuple[str, str]], policy: Policy,
                    visit: dict[str, tuple] | None = None) -> None:
    """verdicts: code → (复核结论, 不合格原因); the materials ticked 有 (缺 for the first one of a 不合格)."""
    from openpyxl import load_workbook
    from openpyxl.utils import coordinate_to_tuple

    wb = load_workbook(src)
    data = _data(wb)
    for code, c in data["cells"].items():
        ws = wb[c["sheet"]]
        verdict, reason = verdicts.get(code, ("", ""))
        row, concl = coordinate_to_tuple(c["conclusion"])
        first = 7  # the materials start after the six fixed columns (1-based G)
        for col in range(first, concl):
            ws.cell(row, col).value = "缺" if verdict == FAIL and col == first else "有" if verdict else None
        ws[c["conclusion"]] = verdict or None
        ws[c["reason"]] = reason or None
        if visit and code in visit:
            ws[c["visit_date"]] = visit[code][0]
            ws[c["visit_date"]].number_format = "yyyy-mm-dd"
            ws[c["visit"]] = visit[code][1]
    save_workbook(wb, dst, document_time(policy))


def fill_scoresheet(src: Path, dst: Path, scores: dict[str, list], policy: Policy) -> None:
    """scores: code → one value per criterion (None leaves the cell empty); other rows stay empty."""
    from openpyxl import load_workbook

    wb = load_workbook(src)
    data = _data(wb)
    for code, values in scores.items():
        c = data["cells"][code]
        ws = wb[c["sheet"]]
        for col, v in zip(c["cols"], values, strict=True):
            ws.cell(c["row"] + 1, col + 1).value = v
    save_workbook(wb, dst, document_time(policy))


def write_expert_input(path: Path, policy: Policy, experts=EXPERTS) -> None:
    from macros_py.review.experts import HEADERS
    from macros_py.review.layout import new_book

    book = new_book(policy, "评审专家名单")
    ws = book.sheet("专家名单")
    for c, h in enumerate(HEADERS[:4]):
        book.write(ws, 0, c, h)
    for r, (name, unit, phone) in enumerate(experts, start=1):
        for c, v in enumerate((r, name, unit, phone)):
            book.write(ws, r, c, v)
    ws.set_column(2, 2, 40)
    book.save(path)


def example_scores(projects, experts, policy: Policy, seed: int) -> dict[str, dict[str, list]]:
    """expert → code → criterion scores: a project's quality plus each expert's own leaning, in half points."""
    rng = random.Random(seed)
    quality = {p.code: rng.uniform(0.62, 0.95) for p in projects}
    out = {}
    for name, *_ in experts:
        lean = rng.uniform(-0.04, 0.04)
        out[name] = {}
        for p in projects:
            values = []
            for cr in policy.review.criteria(p.kind):
                q = min(1.0, max(0.0, quality[p.code] + lean + rng.uniform(-0.05, 0.05)))
                values.append(round(cr.max * q * 2) / 2)
            out[name][p.code] = values
    return out


def merge_samples(samples_dir: Path, tmp: Path, policy: Policy, keep=None):
    """The master of the samples (a scratch copy named "samples": the master records its inbox by name, so
    the same name gives the same bytes as `shenbao merge workbooks/samples`). `keep` filters file names."""
    import io

    from macros_py.merge.run import Progress, merge
    from macros_py.write.master import write_master

    inbox = tmp / "samples"
    inbox.mkdir(parents=True)
    for f in Path(samples_dir).iterdir():
        if f.is_file() and (keep is None or keep(f.name)):
            shutil.copyfile(f, inbox / f.name)
    master = tmp / "out" / "汇总.xlsx"
    result = merge(inbox, master, policy=policy, jobs=1, progress=Progress(io.StringIO()))
    write_master(master, result.summary, result.currents, result.findings, policy)
    return master, result.summary


def write_review_example(samples_dir: str | Path, policy: Policy, seed: int = 2025) -> Path:
    """Merge the samples (in a scratch copy named like them), prepare, fill; write DIR/评审示例/."""

    from macros_py.review.experts import recusal
    from macros_py.review.prepare import (
        CHECKSHEET_NAME,
        EXPERTS_NAME,
        SCORESHEET_DIR,
        prepare,
        scoresheet_name,
    )
    from macros_py.review.projects import review_projects

    samples_dir = Path(samples_dir)
    target = samples_dir / EXAMPLE_DIR
    with tempfile.TemporaryDirectory(prefix="shenbao-review-") as tmp:
        tmp = Path(tmp)
        master, summary = merge_samples(samples_dir, tmp, policy)
        experts_in = tmp / EXPERTS_FILE
        write_expert_input(experts_in, policy)
        prepared = tmp / "评审"
        prepare(master, experts_in, prepared, policy)
        projects = review_projects(summary, policy)
        verdicts, visit = {}, {}
        dup_units = {m.name for g in summary.duplicates for m in g.members}
        for p in projects:
            if p.unit in dup_units and p.kind == "base":
                verdicts[p.code] = (FAIL, "同一项目同时通过属地人社部门和市直主管部门申报（B-DUP），取消申报资格")
            elif p.worst == "错误":
                verdicts[p.code] = (FAIL, "申报材料不符合通知要求（见汇总工作簿问题清单中的错误）")
            else:
                verdicts[p.code] = (PASS, "")
            if p.tier == "A" or p.kind == "studio":
                import datetime as dt

                visit[p.code] = (dt.datetime(2026, 1, 12 + int(p.code[1:]) % 10), "符合")
        out = tmp / EXAMPLE_DIR
        returned = out / RETURNED_DIR
        returned.mkdir(parents=True)
        fill_checksheet(prepared / CHECKSHEET_NAME, returned / CHECKSHEET_NAME, verdicts, policy, visit)
        shutil.copyfile(prepared / EXPERTS_NAME, returned / EXPERTS_NAME)
        shutil.copyfile(experts_in, out / EXPERTS_FILE)
        from macros_py.review.experts import Expert

        panel = [Expert(i, n, u, ph) for i, (n, u, ph) in enumerate(EXPERTS, start=1)]
        for attempt in range(20):  # a seed whose scores put no tie on a quota line: the example runs through
            scores = example_scores(projects, EXPERTS, policy, seed + attempt)
            for e in panel:
                mine = {p.code: v for p, v in ((p, scores[e.name][p.code]) for p in projects)
                        if verdicts[p.code][0] == PASS and not recusal(e, p, policy)}
                name = scoresheet_name(e.number, e.name)
                fill_scoresheet(prepared / SCORESHEET_DIR / name, returned / name, mine, policy)
            from macros_py.review.collect import run_collect

            check = run_collect(returned, tmp / "try" / "评审结果.xlsx", policy, master=master, force=True)
            if not check.data["proposal"]["ties"]:
                break
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(out, target)
    return target
