"""The 复核表 (notice 二（二）材料复核、（三）实地查看) and the 表5 expert list.

复核表: one row per project with the policy's 附件5/附件6 materials checklist (有/缺), 复核结论 (合格/不合格)
and its reason, 实地查看 date and conclusion, all with validation, and links to the project's documents
found in the inbox; a second sheet lists the documents no project claimed."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from macros_py.policy.load import Policy
from macros_py.policy.review import KIND_BASE, KIND_STUDIO
from macros_py.read.grid import a1
from macros_py.review.documents import DOC_KINDS, DocumentMatch
from macros_py.review.experts import HEADERS as EXPERT_HEADERS
from macros_py.review.experts import Expert, recusal
from macros_py.review.layout import KIND_CHECKSHEET, KIND_EXPERTS, meta_sheet, new_book, page, title_rows
from macros_py.review.projects import ReviewProject

SHEETS = {KIND_BASE: "基地复核", KIND_STUDIO: "工作室复核"}
UNMATCHED_SHEET = "未匹配的文档"
PASS, FAIL = "合格", "不合格"
MATERIAL_CHOICES = ["有", "缺"]
VISIT_CHOICES = ["符合", "基本符合", "不符合", "未实地查看"]
CONCLUSION, REASON, VISIT_DATE, VISIT = "复核结论", "不合格原因", "实地查看日期", "实地查看结论"
_FIXED = {KIND_BASE: ("编号", "档次", "项目单位", "推荐单位", "申报专业", "汇总时的问题"),
          KIND_STUDIO: ("编号", "领办人", "申报单位", "推荐单位", "工作室职业（工种）", "汇总时的问题")}
_WIDTHS = {KIND_BASE: (7, 6, 28, 22, 20, 10), KIND_STUDIO: (7, 9, 26, 22, 14, 10)}
HEADER_ROW = 2


def _fixed(p: ReviewProject) -> list:
    if p.kind == KIND_BASE:
        return [p.code, p.tier or "未定", p.unit, p.recommender, "、".join(p.majors), p.worst or "无"]
    return [p.code, p.leader, p.unit, p.recommender, p.occupation, p.worst or "无"]


def write_checksheet(path: Path, projects: list[ReviewProject], docs: DocumentMatch, policy: Policy, *,
                     master_sha: str, fingerprint: str) -> dict:
    book = new_book(policy, "材料复核和实地查看表")
    materials = policy.get("materials")
    cells: dict[str, dict] = {}
    for kind in (KIND_BASE, KIND_STUDIO):
        items = [p for p in projects if p.kind == kind]
        mats = list(materials["base" if kind == KIND_BASE else "studio"])
        doc_kinds = list(DOC_KINDS[kind])
        fixed = _FIXED[kind]
        headers = [*fixed, *mats, CONCLUSION, REASON, VISIT_DATE, VISIT, *doc_kinds]
        ws = book.sheet(SHEETS[kind])
        what = "附件5" if kind == KIND_BASE else "附件6"
        title_rows(book, ws, [
            f"{'市级高技能人才培训基地' if kind == KIND_BASE else '市级技能大师工作室'}项目材料复核和实地查看表",
            f"通知二（二）材料复核：合格的进入项目评审阶段；（三）实地查看。材料按{what}目录逐项核对（有/缺）；"
            f"复核结论只填“{PASS}”或“{FAIL}”，不合格须写明原因。"], len(headers))
        head = book.fmt(bold=True, text_wrap=True, align="center", valign="vcenter", border=1, bg_color="#EEF3F9")
        for c, h in enumerate(headers):
            book.write(ws, HEADER_ROW, c, h, head)
        ws.set_row(HEADER_ROW, 46)
        widths = [*_WIDTHS[kind], *([7] * len(mats)), 9, 24, 12, 11, *([18] * len(doc_kinds))]
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        body = book.fmt(text_wrap=True, valign="vcenter", border=1)
        entry = book.fmt(valign="vcenter", border=1, bg_color="#FFFFF0", text_wrap=True)
        date_fmt = book.fmt(valign="vcenter", border=1, bg_color="#FFFFF0", num_format="yyyy-mm-dd")
        link = book.fmt(valign="vcenter", border=1, font_color="#0563C1", underline=1)
        first = HEADER_ROW + 1
        m0 = len(fixed)
        concl = m0 + len(mats)
        for r, p in enumerate(items, start=first):
            for c, v in enumerate(_fixed(p)):
                book.write(ws, r, c, v, body)
            for c in range(m0, concl + 2):
                ws.write_blank(r, c, None, entry)
            ws.write_blank(r, concl + 2, None, date_fmt)
            ws.write_blank(r, concl + 3, None, entry)
            for i, dk in enumerate(doc_kinds):
                col = concl + 4 + i
                target = docs.links.get(p.code, {}).get(dk)
                if target is None:
                    book.write(ws, r, col, "未找到", body)
                else:
                    rel = os.path.relpath(target, path.parent).replace(os.sep, "/")
                    ws.write_url(r, col, f"external:{rel}", link, target.name, f"打开{dk}：{target.name}")
            ws.set_row(r, 30)
            cells[p.code] = {"sheet": SHEETS[kind], "row": r, "conclusion": a1(r, concl), "reason": a1(r, concl + 1),
                             "visit_date": a1(r, concl + 2), "visit": a1(r, concl + 3)}
        last = max(first, first + len(items) - 1)
        ws.data_validation(first, m0, last, concl - 1, {
            "validate": "list", "source": MATERIAL_CHOICES, "error_title": "只能选择", "error_message": "请选择“有”或“缺”。"})
        ws.data_validation(first, concl, last, concl, {
            "validate": "list", "source": [PASS, FAIL], "input_title": CONCLUSION,
            "input_message": "合格的进入项目评审；不合格须在右侧写明原因。",
            "error_title": "只能选择", "error_message": f"复核结论只能是“{PASS}”或“{FAIL}”。"})
        ws.data_validation(first, concl + 2, last, concl + 2, {
            "validate": "date", "criteria": "between", "minimum": dt.date(policy.year, 1, 1),
            "maximum": dt.date(policy.year + 2, 12, 31), "error_title": "日期", "error_message": "请填写实地查看的日期。"})
        ws.data_validation(first, concl + 3, last, concl + 3, {
            "validate": "list", "source": VISIT_CHOICES, "error_title": "只能选择",
            "error_message": "请选择：" + "、".join(VISIT_CHOICES)})
        page(ws, HEADER_ROW + 1, len(headers))
        ws.freeze_panes(HEADER_ROW + 1, 3)
    ws = book.sheet(UNMATCHED_SHEET)
    book.table(ws, "未匹配文档表", ["文档", "原因"],
               [[os.path.relpath(f, path.parent).replace(os.sep, "/"), why] for f, why in docs.unmatched],
               widths=[60, 60])
    meta_sheet(book, KIND_CHECKSHEET, [("汇总工作簿SHA256", master_sha), ("项目清单指纹", fingerprint),
                                       ("政策年度", str(policy.year))],
               {"projects": [p.to_dict() for p in projects], "cells": cells, "master_sha": master_sha,
                "fingerprint": fingerprint})
    book.save(path)
    return cells


def write_expert_list(path: Path, experts: list[Expert], projects: list[ReviewProject], policy: Policy, *,
                      fingerprint: str) -> None:
    """表5 / 附件4 专家信息 as the notice prints it (the 签名 column left for the signature), and who stands aside."""
    book = new_book(policy, "评审专家名单")
    ws = book.sheet("专家信息（表5）")
    rp = policy.review
    width = len(EXPERT_HEADERS)
    title_rows(book, ws, ["市级专家审核意见 · 专家信息",
                          f"说明：1.专家人数不得少于{rp.panel_min}人；2.专家人数应为单数。（表5、附件4）本次共 {len(experts)} 人。"],
               width)
    head = book.fmt(bold=True, align="center", valign="vcenter", border=1, bg_color="#EEF3F9")
    body = book.fmt(valign="vcenter", border=1, text_wrap=True)
    for c, h in enumerate(EXPERT_HEADERS):
        book.write(ws, 2, c, h, head)
    for r, e in enumerate(experts, start=3):
        for c, v in enumerate([e.number, e.name, e.unit_title, e.phone, ""]):
            book.write(ws, r, c, v, body)
        ws.set_row(r, 30)
    for c, w in enumerate((6, 12, 40, 16, 16)):
        ws.set_column(c, c, w)
    page(ws, 3, width, landscape=False)
    ws2 = book.sheet("回避情况")
    rows = [[e.name, p.code, p.label, why] for e in experts for p in projects if (why := recusal(e, p, policy))]
    book.table(ws2, "回避情况表", ["专家", "编号", "项目", "回避原因"], rows, widths=[12, 8, 44, 36])
    meta_sheet(book, KIND_EXPERTS, [("项目清单指纹", fingerprint)], {"experts": [e.to_dict() for e in experts]})
    book.save(path)
