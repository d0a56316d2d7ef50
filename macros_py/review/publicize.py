"""`shenbao review publicize`: the 公示名单 (notice 二（四）: 通过政府门户网站向社会公示5个工作日) as a workbook and
a Word document (title, 仿宋_GB2312, A4), the 公示期 in working days by the official calendar, the objection
contact, and the 公示结果登记 workbook the bureau fills in when the period ends. Never an ID number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from macros_py.model.errors import ShenbaoError, UsageError
from macros_py.policy.load import Policy
from macros_py.review import state
from macros_py.review.calendar import publicity_period
from macros_py.review.decisions import OUTCOME_NAME, write_outcomes
from macros_py.review.layout import meta_sheet, new_book, page, title_rows
from macros_py.review.results import load_results
from macros_py.write.cell_text import FONT_NAME

LIST_XLSX, LIST_DOCX = "公示名单.xlsx", "公示名单.docx"
BASE_HEADERS = ("序号", "项目单位", "档次", "推荐单位", "申报专业")
STUDIO_HEADERS = ("序号", "领办人", "申报单位", "工作室职业（工种）")


@dataclass
class PublicizeResult:
    start: dt.date
    end: dt.date
    outputs: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def _date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def rows_of(selected: list[dict]) -> tuple[list[list], list[list]]:
    bases = [s for s in selected if s["kind"] == "base"]
    studios = [s for s in selected if s["kind"] == "studio"]
    return ([[i, s["unit"], f"{s['tier']}档", s["recommender"], s["majors"]] for i, s in enumerate(bases, start=1)],
            [[i, s["leader"], s["unit"], s["occupation"] or ""] for i, s in enumerate(studios, start=1)])


def texts(policy: Policy, start: dt.date, end: dt.date, first: dt.date) -> dict:
    rp = policy.review
    doc = policy.get("notice.document")
    return {
        "title": f"关于{policy.year}年度市级高技能人才培训基地和技能大师工作室拟认定名单的公示",
        "intro": f"根据《{policy.get('notice.title')}》（{doc}），经材料复核、实地查看和专家评审，"
                 f"拟认定以下市级高技能人才培训基地和技能大师工作室，现予以公示。",
        "period": f"公示期：{_date(first)}至{_date(end)}（{rp.publicity_days}个工作日）。",
        "contact": f"公示期间，对公示项目有异议的，请以书面形式实名反映。受理单位及电话：{rp.objection_contact}。",
        "signers": [policy.get("notice.receiver"), "大同市财政局"],
        "date": _date(start),
    }


def publicize(results: str | Path, start: dt.date, outdir: str | Path, policy: Policy, *, ledger=None,
              force: bool = False) -> PublicizeResult:
    results, outdir = Path(results), Path(outdir)
    if not results.is_file():
        raise UsageError(f"找不到评审结果 {results}。")
    data = load_results(results)
    p = data["proposal"]
    if p["ties"]:
        raise ShenbaoError(f"建议名单还有 {len(p['ties'])} 处名额线上的并列没有裁定（R-TIE）："
                           + "；".join(f"{t['group']} {t['reason']}" for t in p["ties"])
                           + "。请在评审人工裁定工作簿“并列裁定”中填写后重新运行 shenbao review collect。")
    if not p["selected"]:
        raise ShenbaoError("建议名单是空的，没有可公示的项目。")
    rp = policy.review
    first, end, _days = publicity_period(start, rp.publicity_days, rp.extra_holidays, rp.extra_workdays)
    ledger_path = Path(ledger) if ledger else results.parent / state.LEDGER_NAME
    xlsx, docx, outcome = outdir / LIST_XLSX, outdir / LIST_DOCX, outdir / OUTCOME_NAME
    if not force:
        before = state.last(ledger_path, "publicize")
        written = before["outputs"] if before else {}
        for t in (xlsx, docx):
            if t.exists() and written.get(str(t.resolve())) != state.sha256_of(t):
                raise UsageError(f"文件 {t} 已存在，且不是上次 publicize 写出的原样；如需覆盖请加 --force。")
    t = texts(policy, start, end, first)
    bases, studios = rows_of(p["selected"])
    _workbook(xlsx, t, bases, studios, policy, data["fingerprint"])
    _document(docx, t, bases, studios, policy)
    outputs = [xlsx, docx]
    lines = [f"公示名单：培训基地 {len(bases)} 个，技能大师工作室 {len(studios)} 个",
             f"公示期：{first.isoformat()} 至 {end.isoformat()}（{rp.publicity_days} 个工作日，按法定节假日和调休计算）"]
    if first != start:
        lines.insert(1, f"注意：{start.isoformat()} 不是工作日，公示期从下一个工作日 {first.isoformat()} 起算。")
    if not outcome.exists():
        write_outcomes(outcome, p["selected"], policy, data["fingerprint"])
        outputs.append(outcome)
        lines.append(f"公示结果登记：{outcome}（公示期满后逐行填写“无异议”或“撤回”，再运行 shenbao review finalize）")
    else:
        lines.append(f"公示结果登记 {outcome} 已存在，未改动。")
    lines += [f"异议受理：{rp.objection_contact}", f"公示名单：{xlsx}", f"Word 文档：{docx}", f"公示截止日期：{end.isoformat()}"]
    state.record(ledger_path, "publicize", results, outputs,
                 {"start": first.isoformat(), "end": end.isoformat(), "days": rp.publicity_days,
                  "selected": [s["code"] for s in p["selected"]], "outcome": str(outcome.resolve())})
    return PublicizeResult(first, end, outputs, lines)


def _workbook(path: Path, t: dict, bases, studios, policy: Policy, fingerprint: str) -> None:
    book = new_book(policy, t["title"])
    for name, headers, rows, widths in (("培训基地", BASE_HEADERS, bases, (6, 36, 6, 28, 30)),
                                        ("技能大师工作室", STUDIO_HEADERS, studios, (6, 12, 36, 20))):
        ws = book.sheet(name)
        top = title_rows(book, ws, [t["title"], t["period"], t["contact"]], len(headers))
        ws.set_row(2, 34)
        head = book.fmt(bold=True, align="center", valign="vcenter", border=1)
        body = book.fmt(valign="vcenter", border=1, text_wrap=True)
        for c, h in enumerate(headers):
            book.write(ws, top, c, h, head)
        for r, values in enumerate(rows, start=top + 1):
            for c, v in enumerate(values):
                book.write(ws, r, c, v, body)
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        page(ws, top + 1, len(headers), landscape=False)
    meta_sheet(book, "公示名单", [("项目清单指纹", fingerprint)], {})
    book.save(path)


def _document(path: Path, t: dict, bases, studios, policy: Policy) -> None:
    """The Word 公示: A4, 仿宋_GB2312 (East Asian font set on every run), title, period, the two lists."""
    import io

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    from macros_py.write.template import document_time
    from macros_py.write.xlsx_pack import repack, write_atomic

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT_NAME, Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT_NAME)

    def para(text, size=16, bold=False, align=None, indent=True):
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent and align is None:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        run = p.add_run(text)
        run.font.name, run.font.size, run.font.bold = FONT_NAME, Pt(size), bold
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT_NAME)
        return p

    def table(headers, rows, widths):
        tb = doc.add_table(rows=1 + len(rows), cols=len(headers))
        tb.style = "Table Grid"
        tb.autofit = False
        for c, w in enumerate(widths):
            tb.columns[c].width = Mm(w)
        for r, row in enumerate(tb.rows):  # a row never splits over two pages; the header repeats on each
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:cantSplit"))
            if r == 0:
                tr_pr.append(OxmlElement("w:tblHeader"))
        for r, values in enumerate([list(headers), *rows]):
            for c, v in enumerate(values):
                cell = tb.cell(r, c)
                cell.width = Mm(widths[c])
                cell.text = ""
                run = cell.paragraphs[0].add_run(str(v))
                run.font.name, run.font.size, run.font.bold = FONT_NAME, Pt(12), r == 0
                run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT_NAME)

    para(t["title"], 20, True, WD_ALIGN_PARAGRAPH.CENTER)
    para(t["intro"])
    para(t["period"])
    para(t["contact"])
    para(f"一、市级高技能人才培训基地（{len(bases)}个）", bold=True, indent=False)
    table(BASE_HEADERS, bases, (14, 50, 14, 40, 38))
    para(f"二、市级技能大师工作室（{len(studios)}个）", bold=True, indent=False)
    table(STUDIO_HEADERS, studios, (14, 24, 74, 44))
    para("")
    for line in [*t["signers"], t["date"]]:
        para(line, align=WD_ALIGN_PARAGRAPH.RIGHT)
    when = document_time(policy)
    core = doc.core_properties
    core.author = core.last_modified_by = "shenbao"
    core.title = t["title"]
    core.created = core.modified = when
    core.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    write_atomic(path, repack(buf.getvalue(), when))
