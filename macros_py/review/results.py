"""评审结果.xlsx: the 建议名单 with each subsidy and the total against the policy's budget, the ranking per
tier with its quota line, the score details (expert × criterion), the projects not proposed and why,
the findings at their cells, and the files read. The hidden 评审数据 sheet carries the whole result, which
publicize and finalize read back (they never re-score)."""

from __future__ import annotations

import json

from macros_py.model.findings import FINDING_KEYS
from macros_py.policy.load import Policy
from macros_py.read.grid import a1
from macros_py.review.books import json_of, meta_of, read_book
from macros_py.review.layout import KIND_RESULTS, meta_sheet, new_book, page, title_rows
from macros_py.review.projects import KIND_TEXT
from macros_py.review.scoring import TIED, groups

RANK_SHEET = "各档排名"
RANK_HEADERS = ("名次", "编号", "项目单位（申报单位）", "领办人", "推荐单位", "得分", "有效专家", "状态")
PROPOSAL_HEADERS = ("组别", "名次", "编号", "项目单位（申报单位）", "领办人", "推荐单位", "申报专业（工作室职业）", "得分", "补助（万元）")
_FINDING_HEADERS = ("规则", "严重程度", "文件", "工作表", "单元格", "行", "列", "值", "说明", "修改建议", "SHA256")


def _layout(proposal: dict, policy: Policy) -> list[tuple]:
    """The rows of 各档排名, in order: ("group", name), ("head",), ("row", Ranked), ("line", name, places)."""
    out = []
    for group, _tier, places, _subsidy in groups(policy):
        rows = proposal["ranking"].get(group, [])
        out.append(("group", group, places, len(rows)))
        out.append(("head",))
        line_drawn = False
        for r in rows:
            if not line_drawn and r["rank"] > places:
                out.append(("line", group, places))
                line_drawn = True
            out.append(("row", r))
        if not line_drawn:
            out.append(("line", group, places))
        out.append(("gap",))
    return out


def ranking_cells(proposal: dict, policy: Policy) -> dict[str, str]:
    """Where each ranked project's 得分 and each group's heading land on 各档排名 (for R-TIE, R-VACANT)."""
    cells = {}
    for r, item in enumerate(_layout(proposal, policy), start=2):
        if item[0] == "group":
            cells[item[1]] = a1(r, 0)
        elif item[0] == "row":
            cells[item[1]["code"]] = a1(r, 5)
    return cells


def write_results(path, data: dict, policy: Policy) -> None:
    p = data["proposal"]
    projects = {x["code"]: x for x in data["projects"]}
    book = new_book(policy, "评审结果")
    body = book.fmt(valign="vcenter", border=1, text_wrap=True)
    num = book.fmt(valign="vcenter", border=1, num_format="0.00")
    money = book.fmt(valign="vcenter", border=1, num_format="0.##")
    head = book.fmt(bold=True, align="center", valign="vcenter", border=1, bg_color="#EEF3F9", text_wrap=True)
    bold = book.fmt(bold=True, valign="vcenter", border=1)

    ws = book.sheet("建议名单")
    top = title_rows(book, ws, ["市级高技能人才培训基地和技能大师工作室评审建议名单",
                                f"计分：{data['method_text']}；评分标准：{data['criteria_note']}。只含材料复核合格的项目。"],
                     len(PROPOSAL_HEADERS))
    for c, h in enumerate(PROPOSAL_HEADERS):
        book.write(ws, top, c, h, head)
    r = top + 1
    for s in p["selected"]:
        group = f"{s['tier']}档" if s["tier"] else KIND_TEXT["studio"]
        values = [group, s["rank"], s["code"], s["unit"], s["leader"] or "", s["recommender"],
                  s["majors"] or s["occupation"] or "", s["score"], s["subsidy"]]
        for c, v in enumerate(values):
            book.write(ws, r, c, v, num if c == 7 else money if c == 8 else body)
        r += 1
    book.merge(ws, r, 0, r, 7, f"补助合计（政策预算 {p['budget_policy']:g} 万元，"
                               f"{'未超出' if p['budget_total'] <= p['budget_policy'] else '超出'}）", bold)
    ws.write_formula(r, 8, f"=SUM(I{top + 2}:I{max(r, top + 2)})", money, p["budget_total"])
    for c, w in enumerate((14, 6, 7, 34, 10, 26, 24, 8, 10)):
        ws.set_column(c, c, w)
    page(ws, top + 1, len(PROPOSAL_HEADERS))

    ws = book.sheet(RANK_SHEET)
    title_rows(book, ws, ["各档排名和名额线", "名额线以上为入选；名额线上的并列由市人社局人工裁定，程序不自行排序。"], len(RANK_HEADERS))
    line_fmt = book.fmt(bold=True, font_color="#C00000", top=2, bottom=2, top_color="#C00000", bottom_color="#C00000")
    tie_fmt = book.fmt(valign="vcenter", border=1, bg_color="#FFEB9C")
    for r, item in enumerate(_layout(p, policy), start=2):
        if item[0] == "group":
            book.merge(ws, r, 0, r, len(RANK_HEADERS) - 1, f"{item[1]}：名额 {item[2]} 个，参加排名 {item[3]} 个",
                       book.fmt(bold=True, bg_color="#F2F2F2", border=1))
        elif item[0] == "head":
            for c, h in enumerate(RANK_HEADERS):
                book.write(ws, r, c, h, head)
        elif item[0] == "line":
            book.merge(ws, r, 0, r, len(RANK_HEADERS) - 1, f"———— 名额线：{item[1]} {item[2]} 个 ————", line_fmt)
        elif item[0] == "row":
            x = item[1]
            pr = projects[x["code"]]
            status = x["status"] + (f"（由{x['moved_from']}调整）" if x.get("moved_from") else "")
            values = [x["rank"], x["code"], pr["unit"], pr["leader"] or "", pr["recommender"], x["score"],
                      data["panel_sizes"].get(x["code"]), status]
            fmt = tie_fmt if x["status"] == TIED else body
            for c, v in enumerate(values):
                book.write(ws, r, c, v, num if c == 5 and fmt is body else fmt)
    for c, w in enumerate((6, 7, 34, 10, 26, 8, 8, 16)):
        ws.set_column(c, c, w)
    page(ws, 2, len(RANK_HEADERS), landscape=False)

    for kind, title in (("base", "评分明细（基地）"), ("studio", "评分明细（工作室）")):
        crit = data["criteria"][kind]
        rows = [[code, projects[code]["unit"] if kind == "base" else f"{projects[code]['leader']}（{projects[code]['unit']}）",
                 expert, *values, total]
                for code, expert, values, total in data["details"] if projects[code]["kind"] == kind]
        ws = book.sheet(title)
        book.table(ws, "评分明细基地表" if kind == "base" else "评分明细工作室表",
                   ["编号", "项目", "专家", *(f"{n}（{m:g}）" for n, m in crit), "合计"], rows,
                   widths=[7, 34, 10, *([10] * len(crit)), 8])

    ws = book.sheet("未入选项目")
    book.table(ws, "未入选项目表", ["编号", "组别", "项目单位（申报单位）", "领办人", "推荐单位", "得分", "原因"],
               [[e["code"], f"{e['tier']}档" if e["tier"] else KIND_TEXT[e["kind"]], e["unit"], e["leader"] or "",
                 e["recommender"], e["score"], e["reason"]] for e in p["excluded"]],
               widths=[7, 12, 34, 10, 26, 8, 60])
    ws = book.sheet("问题清单")
    book.table(ws, "评审问题表", list(_FINDING_HEADERS), [[f[k] for k in FINDING_KEYS] for f in data["findings"]],
               widths=[10, 8, 30, 14, 8, 5, 12, 10, 60, 50, 18])
    ws = book.sheet("读取的文件")
    book.table(ws, "评审文件表", ["文件", "状态", "类型", "原因"], [list(f) for f in data["files"]], widths=[44, 8, 10, 70])
    meta_sheet(book, KIND_RESULTS, [("项目清单指纹", data["fingerprint"]), ("政策年度", str(data["policy_year"]))], data)
    book.save(path)


def load_results(path) -> dict:
    """The result a 评审结果.xlsx carries; a Chinese error when it is not one."""
    from macros_py.model.errors import ShenbaoError, UnusableFileError

    try:
        _, grids = read_book(path)
    except UnusableFileError as exc:
        raise ShenbaoError(f"评审结果 {path} 无法使用：{exc}") from None
    meta = meta_of(grids)
    if not meta or meta.get("类型") != KIND_RESULTS:
        raise ShenbaoError(f"{path} 不是 shenbao review collect 生成的评审结果工作簿。")
    try:
        return json.loads(json_of(grids))
    except ValueError as exc:
        raise ShenbaoError(f"{path} 中的评审数据已损坏：{exc}") from None
