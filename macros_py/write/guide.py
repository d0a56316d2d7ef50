"""The 填报说明 sheet: how to fill, what the colours mean, how to check, where and when to send.

Every date, number and name on it comes from the policy file.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink

from macros_py.policy.formula_text import Layout
from macros_py.policy.load import Policy
from macros_py.policy.schema import Schema
from macros_py.write.cell_text import FONT_NAME as _FONT
from macros_py.write.cell_text import row_height, wrapped_lines

_BODY = Font(name=_FONT, size=10.5)
_BOLD = Font(name=_FONT, size=10.5, bold=True)
_HEAD = Font(name=_FONT, size=12, bold=True)
_TITLE = Font(name=_FONT, size=16, bold=True)
_LINK = Font(name=_FONT, size=10.5, color="0563C1", underline="single")
_INPUT = PatternFill("solid", fgColor="FFF2CC")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LINK_WIDTH = 24   # column B: labels and the links to the sheets
_TEXT_WIDTH = 96   # columns C–H together


def _date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _sections(schema: Schema, policy: Policy) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """(heading, [(text, sheet it links to)]) — the guide's content."""
    tiers = policy.tiers.values()
    subsidy = "、".join(f"{t.name}档{t.subsidy:g}万元" for t in tiers)
    base = policy.base
    sheet = {s.key: s.title for s in schema.sheets}
    return [
        ("一、填报步骤", [
            ("1. 在上方黄色格子选择“推荐单位”（县区人力资源和社会保障局或市直主管部门），各表的推荐单位会自动带出。", None),
            (f"2. 「{sheet['bases']}」：每个推荐的培训基地一行，填写项目单位、属性、项目所在地址、申报专业"
             f"（{base['majors_min']}–{base['majors_max']} 个，用顿号“、”分隔）、申报档次和统一社会信用代码。", "bases"),
            (f"3. 「{sheet['conditions']}」：每个基地一行，从下拉框选项目单位，填写年培训规模、高级工证书人次、"
             "教师和学员人数、合作企业数等；师生比、高级教师占比、数据支持的最高档次和条件是否满足自动计算。", "conditions"),
            (f"4. 「{sheet['funding']}」（表4-2）：每个基地一组 4 行，在“合计”行选项目单位，在下面三行按资金来源填写金额"
             f"（万元）；合计和比例自动计算。上级财政补助合计须等于所报档次的补助：{subsidy}。", "funding"),
            (f"5. 「{sheet['majors']}」（表3-n-1）：每个基地的每个特色专业一行，三项内容的预算之和应等于经费预算中对应内容的金额。",
             "majors"),
            (f"6. 「{sheet['studios']}」：每个技能大师工作室一行；工作室规模由面积和人数自动生成。", "studios"),
            (f"7. 「{sheet['masters']}」（附件4）：每位技能大师一行，从下拉框选择领办人，填写身份证号等信息。", "masters"),
        ]),
        ("二、颜色说明", [
            ("红色：错误，不符合通知要求，必须改正后再报送。", None),
            ("黄色：警告，请核实；确认无误的可以报送并在备注中说明。", None),
            ("浅蓝色：提示，例如所报档次低于数据可支持的档次、师生比低于 1:16。", None),
            ("灰色：自动计算或自动带出的格子，不需要填写。", None),
        ]),
        ("三、如何校验", [
            ("安装了加载项的电脑：点击功能区「高技能人才申报」选项卡 →「校验本簿」，出错的格子会标出并附说明，"
             "另生成“校验结果”工作表，点击即可跳到对应格子；「清除标记」可去掉这些标记。", None),
            ("没有加载项：上面的颜色已经标出大部分问题；市人社局汇总时会用同样的规则再次校验并反馈。", None),
        ]),
        ("四、报送", [
            ("「" + "」「".join(s.form_title for s in schema.sheets if s.form_title) + "」按通知的附件7、附件8 表样自动生成"
             "（只列已填的项目），各印一页，直接打印，加盖公章后与纸质材料一并报送。项目多于一页时，页底写明"
             "其余项目所在的「…（续）」表，一并打印、盖章。", None),
            ("各数据表的打印区域随已填的行变化，Excel 只打印已填的行；LibreOffice 不认这种打印区域，会连预留的空行"
             "一起打印：请先选中表头和已填的行，打印时选择“所选单元格”。", None),
            (f"纸质申报材料一式{policy.get('notice.paper_copies')}份与电子版（光盘1张），务必于"
             f"{_date(policy.deadline)}前报送{policy.get('notice.receiver')}。本工作簿（Excel 版）放入光盘。", None),
            (f"联系人：{policy.get('notice.contacts')}　联系电话：{policy.get('notice.contact_phone')}", None),
            ("同一项目不得同时通过属地人社部门和市直单位主管部门申报，一经发现将取消申报资格。", None),
            ("已经获评为国家级、省级高技能人才培训基地、技能大师工作室的，不再申报市级基地和大师工作室。", None),
        ]),
    ]


def write_guide(wb, schema: Schema, policy: Policy, layout: Layout, recommender: str | None) -> None:
    ws = wb.create_sheet(schema.guide_title)
    ws.column_dimensions["A"].width = 3
    ws.column_dimensions["B"].width = _LINK_WIDTH
    for col in "CDEFGH":
        ws.column_dimensions[col].width = _TEXT_WIDTH / 6
    ws["B1"] = f"{policy.year}年市级高技能人才培训基地和技能大师工作室申报工作簿"
    ws["B1"].font = _TITLE
    ws.merge_cells("B1:H1")
    ws.row_dimensions[1].height = 30

    cell = schema.recommender_cell
    row = int(cell[1:])
    ws.cell(row, 2, "推荐单位：").font = _BOLD
    ws[cell] = recommender
    ws[cell].font, ws[cell].fill = _BOLD, _INPUT
    ws[cell].protection = Protection(locked=False)
    ws.merge_cells(f"{cell}:F{row}")
    col = layout.list_columns["recommenders"]
    dv = DataValidation(type="list", allow_blank=True, errorStyle="warning",
                        formula1=f"={quote_sheetname(schema.lists_title)}!${col}$2:${col}$"
                                 f"{layout.list_lengths['recommenders'] + 1}")
    dv.promptTitle, dv.prompt = "推荐单位", "选择本单位；名单以外的单位可直接输入。"
    dv.errorTitle, dv.error = "推荐单位", "该单位不在市人社局的推荐单位名单中，确认无误可继续。"
    dv.showInputMessage = dv.showErrorMessage = True
    dv.sqref = cell
    ws.add_data_validation(dv)
    ws.cell(row + 1, 2, "报送截止：").font = _BOLD
    ws.cell(row + 1, 3, _date(policy.deadline)).font = _BODY
    ws.cell(row + 2, 2, "模板版本：").font = _BOLD
    ws.cell(row + 2, 3, f"{schema.version}（{policy.get('notice.document')}）").font = _BODY

    r = row + 4
    ws.cell(r, 2, "申报条件摘要").font = _HEAD
    r += 1
    for i, head in enumerate(("档次", "名额", "补助（万元）", "年培训规模（人次）≥", "取得高级工证书（人次）≥")):
        ws.cell(r, 2 + i, head).font, ws.cell(r, 2 + i).alignment = _BOLD, _CENTER
    ws.row_dimensions[r].height = row_height(3)  # the ≥ headers wrap to three lines in a narrow font
    for tier in policy.tiers.values():
        r += 1
        for i, value in enumerate((tier.name, tier.places, tier.subsidy, tier.min_training, tier.min_senior_certs)):
            ws.cell(r, 2 + i, value).font, ws.cell(r, 2 + i).alignment = _BODY, _CENTER
    base = policy.base
    r += 1
    ws.cell(r, 2, f"各档共同条件：师生比 1:{base['ratio_min_trainees_per_teacher']:g}–1:"
                  f"{base['ratio_max_trainees_per_teacher']:g}；高级实习指导教师和技师占实训教师 "
                  f"{base['senior_teacher_share_min']:g}% 以上；与 {base['coop_enterprises_min']} 家以上大中型企业"
                  f"稳定合作；企业办的职工教育经费用于高技能人才培养不低于 {base['edu_fund_share_min']:g}%；"
                  f"近 {base['penalty_years']} 年无刑事行政处罚和失信联合惩戒。").font = _BODY
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=8)
    ws.cell(r, 2).alignment = _WRAP
    ws.row_dimensions[r].height = row_height(wrapped_lines(ws.cell(r, 2).value, _LINK_WIDTH + _TEXT_WIDTH))

    titles = {s.key: s.title for s in schema.sheets}
    for heading, lines in _sections(schema, policy):
        r += 2
        ws.cell(r, 2, heading).font = _HEAD
        for text, link in lines:
            r += 1
            width = _LINK_WIDTH + _TEXT_WIDTH
            if link:
                # LibreOffice never wraps a cell that holds a link, so the link is only the short
                # "n. 「sheet」" part in column B and the explanation wraps beside it.
                head, text = text.split("：", 1)
                c = ws.cell(r, 2, head)
                # An in-workbook link is a `location`; a "#Sheet!A1" target would be an external
                # relationship, which LibreOffice turns into a link to the file's own path.
                c.font, c.alignment = _LINK, _WRAP
                c.hyperlink = Hyperlink(ref=c.coordinate, location=f"{quote_sheetname(titles[link])}!A1")
                first, width = 3, _TEXT_WIDTH
            else:
                first = 2
            c = ws.cell(r, first, text)
            c.font, c.alignment = _BODY, _WRAP
            ws.merge_cells(start_row=r, start_column=first, end_row=r, end_column=8)
            ws.row_dimensions[r].height = row_height(wrapped_lines(text, width))

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.protection.sheet = True
    ws.sheet_view.showGridLines = False
