"""报送材料清单: the paper materials each base and studio must bind, as the notice's 附件5/附件6 list them.

One small workbook per export: a header (推荐单位, deadline, copies, where to send), then for every
training base the 附件5 目录样表 and for every studio the 附件6 one (序号, 材料名称, 材料页数, 起始页码,
and a column to tick), followed by what the 佐证材料 must contain. Every list and sentence comes from
the policy file's [materials] and [notice] tables; the projects come from the submission.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from macros_py.model.submission import Submission
from macros_py.policy.load import Policy
from macros_py.policy.values import is_blank
from macros_py.write.xlsx_book import Book

SHEET_TITLE = "报送材料清单"
TABLE_HEADERS = ("序号", "材料名称", "材料页数", "起始页码", "已备齐（√）")
_WIDTHS = (8, 34, 12, 12, 14)


@dataclass(frozen=True)
class Project:
    kind: str          # "base" or "studio"
    title: str         # the heading line of its section
    materials: tuple[str, ...]
    evidence: str


def _date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def projects(sub: Submission, policy: Policy) -> list[Project]:
    """One entry per base of 附件7 and per studio of 附件8, in the order the workbook lists them."""
    m = policy.get("materials")
    out = []
    bases = [r for r in sub.rows("bases") if not is_blank(r.values.get("unit"))]
    for n, rec in enumerate(bases, start=1):
        tier = rec.values.get("tier")
        extra = f"（申报 {tier} 档）" if not is_blank(tier) else ""
        out.append(Project("base", f"培训基地 {n}：{rec.values['unit']}{extra} —— 附件5 申报材料目录",
                           tuple(m["base"]), m["base_evidence"]))
    studios = [r for r in sub.rows("studios") if not is_blank(r.values.get("leader"))]
    for n, rec in enumerate(studios, start=1):
        unit = rec.values.get("unit")
        where = f"（{unit}）" if not is_blank(unit) else ""
        out.append(Project("studio", f"技能大师工作室 {n}：{rec.values['leader']}{where} —— 附件6 申报材料目录",
                           tuple(m["studio"]), m["studio_evidence"]))
    return out


def header_lines(recommender: str, policy: Policy) -> list[str]:
    m = policy.get("materials")
    copies = policy.get("notice.paper_copies")
    return [
        f"推荐单位：{recommender}",
        f"报送时限：纸质申报材料一式{copies}份与{m['electronic']}，务必于{_date(policy.deadline)}前报送"
        f"{policy.get('notice.receiver')}（{policy.get('notice.document')}）。",
        f"装订：{m['binding']}；每个项目一套，按下表顺序编目，写明材料页数和起始页码。",
        f"{m['summary_tables']}。",
    ]


def write_checklist(path: str | Path, sub: Submission, recommender: str, policy: Policy,
                    when: dt.datetime | None = None) -> Path:
    book = Book((when or dt.datetime.now()).replace(microsecond=0), SHEET_TITLE)
    ws = book.sheet(SHEET_TITLE)
    last = len(_WIDTHS) - 1
    for i, width in enumerate(_WIDTHS):
        ws.set_column(i, i, width)
    grid = {"border": 1, "border_color": "#808080", "text_wrap": True, "valign": "vcenter"}
    body, cell_body = book.fmt(text_wrap=True, valign="vcenter"), book.fmt(**grid)
    bold, head = book.fmt(bold=True), book.fmt(bold=True, bg_color="#DDEBF7", **grid)
    book.merge(ws, 0, 0, 0, last, f"{policy.year}年市级高技能人才培训基地和技能大师工作室申报材料清单",
               book.fmt(font_size=16, bold=True))
    row = 1
    for line in header_lines(recommender, policy):
        book.merge(ws, row, 0, row, last, line, body)
        ws.set_row(row, 30)
        row += 1
    items = projects(sub, policy)
    if not items:
        book.write(ws, row + 1, 0, "工作簿中没有填写任何培训基地或技能大师工作室。", bold)
    for project in items:
        row += 1
        book.merge(ws, row, 0, row, last, project.title, bold)
        row += 1
        for i, header in enumerate(TABLE_HEADERS):
            book.write(ws, row, i, header, head)
        for n, name in enumerate(project.materials, start=1):
            row += 1
            for i, value in enumerate((n, name, None, None, None)):
                book.write(ws, row, i, value, cell_body)
        row += 1
        book.merge(ws, row, 0, row, last, f"注：{project.evidence}。{policy.get('materials.evidence_layout')}。", body)
        ws.set_row(row, 45)
        row += 1
    book.print_setup(ws, 1, landscape=False)
    return book.save(path)
