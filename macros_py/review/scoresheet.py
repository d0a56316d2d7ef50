"""One 评分表 per expert: the projects grouped A/B/C bases and studios, one column per criterion (data
validation 0..max), a total formula, the 回避 rows locked with the reason, a 签名 line, A4 print.

The sheet is protected without a password: only the score cells of the rows the expert may score are
open. The hidden 评审数据 sheet records the expert, the master's sha256 and the projects' fingerprint
(to tell a stale 评分表) and every score cell's place, which collect reads back."""

from __future__ import annotations

from macros_py.policy.load import Policy
from macros_py.policy.review import KIND_BASE, KIND_STUDIO
from macros_py.read.grid import a1, column_name
from macros_py.review.experts import Expert, recusal
from macros_py.review.layout import KIND_SCORESHEET, meta_sheet, new_book, page, title_rows
from macros_py.review.projects import KIND_TEXT, ReviewProject

SHEETS = {KIND_BASE: "培训基地评分", KIND_STUDIO: "工作室评分"}
FIXED = {KIND_BASE: ("编号", "项目单位", "推荐单位", "申报专业"),
         KIND_STUDIO: ("编号", "领办人", "申报单位", "推荐单位", "工作室职业（工种）")}
_FIXED_WIDTHS = {KIND_BASE: (7, 30, 24, 22), KIND_STUDIO: (7, 10, 28, 22, 14)}
TOTAL, NOTE = "合计", "回避说明"
HEADER_ROW = 3            # 0-based row of the column headers (title, expert line, method line above)


def _fixed_values(p: ReviewProject) -> list:
    if p.kind == KIND_BASE:
        return [p.code, p.unit, p.recommender, "、".join(p.majors)]
    return [p.code, p.leader, p.unit, p.recommender, p.occupation]


def _group_line(group: str, policy: Policy, kind: str) -> str:
    if kind == KIND_STUDIO:
        return f"{group}（名额 {policy.get('targets.studios')} 个）"
    tier = policy.tiers.get(group[:-1])
    if tier is None:
        return f"{group}（档次未定：只供参考，不计入排名）"
    return f"{group}培训基地（名额 {tier.places} 个，补助 {tier.subsidy:g} 万元）"


def write_scoresheet(path, expert: Expert, projects: list[ReviewProject], policy: Policy, *, master_sha: str,
                     fingerprint: str, panel: int) -> dict:
    """Write one expert's 评分表; returns its cell map ({code: {sheet, row, cols, recused}})."""
    rp = policy.review
    book = new_book(policy, f"评分表 {expert.name}")
    cells: dict[str, dict] = {}
    for kind in (KIND_BASE, KIND_STUDIO):
        items = [p for p in projects if p.kind == kind]
        if not items:
            continue
        criteria = rp.criteria(kind)
        fixed = FIXED[kind]
        width = len(fixed) + len(criteria) + 2
        ws = book.sheet(SHEETS[kind])
        title = f"市级{'高技能人才培训基地' if kind == KIND_BASE else '技能大师工作室'}项目评审评分表"
        title_rows(book, ws, [
            title,
            f"评审专家：{expert.name}　　单位及职务/职称：{expert.unit_title}　　（共 {panel} 名专家，本表第 {expert.number} 份）",
            f"评分标准（{rp.criteria_note}）："
            + "；".join(f"{c.name} {c.max:g} 分（{c.basis}）" for c in criteria)
            + f"。得分按{rp.method_text}计。",
        ], width)
        ws.set_row(2, 48)
        head = book.fmt(bold=True, text_wrap=True, align="center", valign="vcenter", border=1, bg_color="#EEF3F9")
        for c, h in enumerate([*fixed, *(f"{cr.name}\n（0–{cr.max:g}）" for cr in criteria), TOTAL, NOTE]):
            book.write(ws, HEADER_ROW, c, h, head)
        ws.set_row(HEADER_ROW, 34)
        for c, w in enumerate([*_FIXED_WIDTHS[kind], *([10] * len(criteria)), 8, 26]):
            ws.set_column(c, c, w)
        body = book.fmt(text_wrap=True, valign="vcenter", border=1)
        score = book.fmt(valign="vcenter", border=1, locked=False, num_format="0.0#", bg_color="#FFFFF0")
        locked = book.fmt(text_wrap=True, valign="vcenter", border=1, bg_color="#D9D9D9", font_color="#595959")
        group_fmt = book.fmt(bold=True, valign="vcenter", border=1, bg_color="#F2F2F2")
        total_fmt = book.fmt(valign="vcenter", border=1, num_format="0.0#", bold=True)
        row = HEADER_ROW + 1
        groups = [g for g in [*(f"{t}档" for t in policy.tiers), "未定档次", KIND_TEXT[KIND_STUDIO]]
                  if any(p.group == g for p in items)]
        first_col = len(fixed)
        last_col = first_col + len(criteria) - 1
        for group in groups:
            book.merge(ws, row, 0, row, width - 1, _group_line(group, policy, kind), group_fmt)
            row += 1
            for p in (p for p in items if p.group == group):
                why = recusal(expert, p, policy)
                fmt = locked if why else body
                for c, v in enumerate(_fixed_values(p)):
                    book.write(ws, row, c, v, fmt)
                for i, cr in enumerate(criteria):
                    col = first_col + i
                    if why:
                        book.write(ws, row, col, "回避", locked)
                        continue
                    ws.write_blank(row, col, None, score)
                    ws.data_validation(row, col, row, col, {
                        "validate": "decimal", "criteria": "between", "minimum": 0, "maximum": cr.max,
                        "input_title": cr.name[:32], "input_message": f"填写 0–{cr.max:g} 分"[:255],
                        "error_title": "分数超出范围", "error_message": f"“{cr.name}”只能填 0–{cr.max:g} 之间的数字。"[:255]})
                rng = f"{column_name(first_col)}{row + 1}:{column_name(last_col)}{row + 1}"
                if why:
                    book.write(ws, row, last_col + 1, "—", locked)
                else:
                    ws.write_formula(row, last_col + 1, f'=IF(COUNT({rng})=0,"",SUM({rng}))', total_fmt, "")
                book.write(ws, row, last_col + 2, f"回避：{why}" if why else "", locked if why else body)
                ws.set_row(row, 30)
                cells[p.code] = {"sheet": SHEETS[kind], "row": row, "cols": list(range(first_col, last_col + 1)),
                                 "total": a1(row, last_col + 1), "recused": why}
                row += 1
        row += 1
        sign = book.fmt(valign="vcenter", font_size=12)
        book.merge(ws, row, 0, row, width - 1, "评审专家签名：＿＿＿＿＿＿＿＿　　　　　日期：　　　　年　　月　　日", sign)
        ws.set_row(row, 36)
        ws.protect("", {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                        "select_unlocked_cells": True})
        page(ws, HEADER_ROW + 1, width)
        ws.freeze_panes(HEADER_ROW + 1, len(fixed))
    meta_sheet(book, KIND_SCORESHEET, [("专家序号", str(expert.number)), ("专家姓名", expert.name),
                                       ("汇总工作簿SHA256", master_sha), ("项目清单指纹", fingerprint),
                                       ("政策年度", str(policy.year))],
               {"expert": expert.to_dict(), "cells": cells, "master_sha": master_sha, "fingerprint": fingerprint})
    book.save(path)
    return cells
