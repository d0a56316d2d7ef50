"""Submissions typed by hand, the way a clerk retypes the notice's printed 附件7/附件8 (issue 10).

tests/clerk_corpus.py starts from the forms our own writer prints and edits them; the files here are
typed from nothing with openpyxl, cell by cell, as a clerk does who has only the notice's PDF: the
title in a merged cell, the 推荐单位 line written in the clerk's own words (（盖章） before the colon,
the date after the name, no colon, 报送单位, the line in the title's cell or under the table), the
recommender's everyday name, the form placed at B5 with blank columns between the fields, withdrawn
rows struck through while editing the cell (rich text) or dragged to no height, a 备注 that withdraws
its row, a 申报档次 column typed with the word 档, names wrapped over two lines, and a base whose
name cell is merged down over a second line of 申报专业.

Every case returns a clerk_corpus.Expect (what lands in the master, under which recommender, what is
listed as not merged, which rule at which cell). Each case has its own recommender and its own
units, so no file supersedes another and no B-DUP joins two cases.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
from clerk_corpus import Expect
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from macros_py.model.submission import HIDDEN_ROW, NOT_PROJECT, NOTED, STRUCK

FOOTER = "备注：此表由推荐单位填写,不用编制在申报材料内，单独上报并将电子版（Excel版）放入光盘内。"
H7 = ("编号", "项目单位", "属性", "项目所在地址", "推荐单位", "申报专业", "备注")
KEYS7 = ("seq", "unit", "attribute", "address", "recommender", "majors", "note")
H8 = ("序号", "推荐单位", "领办人", "申报单位", "单位\n性质", "项目所在地址", "类别", "工作室职业\n（工种）",
      "职业\n技能等级", "主要荣誉", "其他荣誉\n以及业绩", "工作室\n规模")
PLACES = ("御河", "文瀛", "魏都", "兴云", "恒安", "开源", "云中", "桑干", "华严", "善化", "九龙", "鼓楼", "永泰", "北岳",
          "雁门", "白登", "鹿鸣", "凤临", "平旺", "新开", "古城", "和阳", "迎宾", "柳港", "同泉", "塔寺", "东信", "南环",
          "西韩", "北都", "红旗", "太和", "振华", "安康", "瑞丰", "金鼎", "银河", "天禾", "泰丰", "龙泉", "青磁", "玉河")
KINDS = ("手工职业技术学校", "手工技工学校", "手工实业有限公司", "手工职业培训学校")
LEADERS = ("柏永年", "水春燕", "窦金海", "章玉屏", "苏长庚", "潘秋菊", "葛振邦", "奚晓东", "范凤英", "彭守义")
ATTRS = ("政府办", "行业、企业办", "其它")
MAJORS = ("焊工、电工", "数控车工、钳工", "汽车维修工、电工", "养老护理员、育婴员")


class Names:
    """Units and leaders no other case (nor tests/clerk_corpus.py) uses."""

    def __init__(self):
        self.units = 0
        self.leaders = 0

    def bases(self, n: int) -> list[dict]:
        out = []
        for _ in range(n):
            i = self.units
            self.units += 1
            unit = f"大同市{PLACES[i % len(PLACES)]}{KINDS[i % len(KINDS)]}"
            out.append({"unit": unit, "attribute": ATTRS[i % 3], "address": f"大同市平城区{PLACES[i % len(PLACES)]}路{i + 1}号",
                        "majors": MAJORS[i % 4], "note": None})
        return out

    def studios(self, n: int) -> list[dict]:
        out = []
        for _ in range(n):
            i = self.leaders
            self.leaders += 1
            out.append({"leader": LEADERS[i], "unit": f"大同{PLACES[-1 - i]}手工煤业有限公司", "nature": "国有企业",
                        "address": f"大同市云冈区{i + 1}号", "category": "技术攻关", "occupation": "电工", "level": "高级技师",
                        "honours": "全国技术能手（2018年）", "other": "带徒20余人", "size": f"{100 + i}㎡ {8 + i}人"})
        return out


def type_annex7(ws, bases: list[dict], *, top: int = 1, left: int = 1, line: str | None = "推荐单位：（公章）",
                title: str = "市级高技能人才培训基地项目申报汇总表", gaps: tuple[int, ...] = (),
                headers: tuple[str, ...] = H7, footer: bool = True) -> tuple[int, dict[str, int], int]:
    """附件7 typed at (top, left): its label, the title merged over the table, the 推荐单位 line, the
    headers (blank columns `gaps` between them), the rows, the notice's footer. Returns (first data
    row, {key: column}, the row after the table)."""
    cols, c = [], left
    for _ in headers:
        while c in gaps:
            c += 1
        cols.append(c)
        c += 1
    r = top
    ws.cell(r, left, "附件7")
    r += 1
    ws.cell(r, left, title)
    ws.merge_cells(start_row=r, start_column=left, end_row=r, end_column=cols[-1])
    r += 1
    if line is not None:
        ws.cell(r, left, line)
        r += 1
    for col, text in zip(cols, headers, strict=True):
        ws.cell(r, col, text)
    first = r + 1
    at = dict(zip(KEYS7, cols, strict=False))
    for n, base in enumerate(bases):
        for key, col in at.items():
            value = n + 1 if key == "seq" else base.get(key)
            if value not in (None, ""):
                ws.cell(first + n, col, value)
    end = first + len(bases)
    if footer:
        ws.cell(end, left, FOOTER)
        end += 1
    return first, at, end


def type_annex8(ws, studios: list[dict], *, top: int = 1, line: str = "推荐单位：（公章）",
                headers: tuple[str, ...] = H8) -> int:
    ws.cell(top, 1, "附件8")
    ws.cell(top + 1, 1, "市级技能大师工作室项目申报汇总表")
    ws.merge_cells(start_row=top + 1, start_column=1, end_row=top + 1, end_column=len(H8))
    ws.cell(top + 2, 1, line)
    for c, text in enumerate(headers, start=1):
        ws.cell(top + 3, c, text)
    keys = ("seq", "recommender", "leader", "unit", "nature", "address", "category", "occupation", "level",
            "honours", "other", "size")
    first = top + 4
    for n, s in enumerate(studios):
        for c, key in enumerate(keys, start=1):
            value = n + 1 if key == "seq" else s.get(key)
            if value not in (None, ""):
                ws.cell(first + n, c, value)
    ws.cell(first + len(studios), 1, FOOTER)
    return first


def _units(bases):
    return [b["unit"] for b in bases]


def _book(title: str = "附件7"):
    wb = openpyxl.Workbook()
    wb.active.title = title
    return wb, wb.active


# ------------------------------------------------------------------ the 推荐单位 line in the clerk's words

def line_seal_and_date(folder: Path, n: Names) -> Expect:
    """推荐单位（盖章）：name, a wide gap, the date: the name is the name, not the date with it."""
    rec = "云州区人力资源和社会保障局"
    wb, ws = _book()
    bases = n.bases(2)
    type_annex7(ws, bases, line=f"推荐单位（盖章）：{rec}    2025年12月20日")
    wb.save(folder / "云州区_汇总表.xlsx")
    return Expect("云州区_汇总表.xlsx", rec, _units(bases))


def line_without_colon(folder: Path, n: Names) -> Expect:
    """推荐单位  大同市能源局: the label and the name apart by spaces, no colon."""
    rec = "大同市能源局"
    wb, ws = _book("Sheet1")
    bases = n.bases(2)
    type_annex7(ws, bases, line="推荐单位    大同市能源局")
    wb.save(folder / "能源局.xlsx")
    return Expect("能源局.xlsx", rec, _units(bases))


def line_submitted_by(folder: Path, n: Names) -> Expect:
    """报送单位：大同市交通运输局（盖章）, the clerk's word for 推荐单位."""
    rec = "大同市交通运输局"
    wb, ws = _book()
    bases = n.bases(2)
    type_annex7(ws, bases, line="报送单位：大同市交通运输局（盖章）")
    wb.save(folder / "交通局报送.xlsx")
    return Expect("交通局报送.xlsx", rec, _units(bases))


def line_in_title(folder: Path, n: Names) -> Expect:
    """The line typed as the title's second line, in the title's merged cell."""
    rec = "大同市农业农村局"
    wb, ws = _book("汇总表")
    bases = n.bases(2)
    type_annex7(ws, bases, line=None, title="市级高技能人才培训基地项目申报汇总表\n推荐单位：市农业局")
    wb.save(folder / "农业农村局.xlsx")
    return Expect("农业农村局.xlsx", rec, _units(bases))


def line_under_table(folder: Path, n: Names) -> Expect:
    """Twelve bases and no line above them: 推荐单位（盖章）：X with the date, typed under the table
    (listed as a signature line, and naming the recommender)."""
    rec = "大同市文化和旅游局"
    wb, ws = _book()
    bases = n.bases(12)
    _, _, end = type_annex7(ws, bases, line=None, footer=False)
    ws.cell(end + 1, 1, "推荐单位（盖章）：大同市文化和旅游局")
    ws.cell(end + 1, 5, "2025年12月22日")
    wb.save(folder / "文旅局.xlsx")
    return Expect("文旅局.xlsx", rec, _units(bases), skipped=[(NOT_PROJECT, "附件7", end + 1, "签名")])


# ------------------------------------------------------------------ everyday names

def county_without_suffix(folder: Path, n: Names) -> Expect:
    """云冈人社局: the county's name without 区."""
    rec = "云冈区人力资源和社会保障局"
    wb, ws = _book()
    bases = n.bases(2)
    type_annex7(ws, bases, line="推荐单位：云冈人社局")
    wb.save(folder / "云冈.xlsx")
    return Expect("云冈.xlsx", rec, _units(bases))


def county_other_words(folder: Path, n: Names) -> Expect:
    """阳高县人力社保局 on 附件7, 阳高人力资源与社会保障局 in the rows' 推荐单位 column of 附件8."""
    rec = "阳高县人力资源和社会保障局"
    wb, ws = _book()
    bases = n.bases(2)
    type_annex7(ws, bases, line="推荐单位：阳高县人力社保局")
    studios = n.studios(1)
    studios[0]["recommender"] = "阳高人力资源与社会保障局"
    type_annex8(wb.create_sheet("附件8"), studios, line="推荐单位：阳高县人力社保局")
    wb.save(folder / "阳高.xlsx")
    return Expect("阳高.xlsx", rec, _units(bases), [s["leader"] for s in studios])


def employment_centre(folder: Path, n: Names) -> Expect:
    """市人社局就业中心: the employment centre under the city bureau's name."""
    rec = "大同市就业服务中心"
    wb, ws = _book()
    bases = n.bases(2)
    type_annex7(ws, bases, line="推荐单位：市人社局就业中心")
    wb.save(folder / "就业中心.xlsx")
    return Expect("就业中心.xlsx", rec, _units(bases))


# ------------------------------------------------------------------ withdrawn rows

def zero_height(path: Path, sheet_part: str, row: int) -> None:
    """Give `row` no height (ht="0"), as a clerk does who drags a row shut: openpyxl does not write it."""
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    xml = parts[sheet_part]
    at = xml.index(f'<row r="{row}"'.encode())
    parts[sheet_part] = xml[:at + 5] + b'ht="0" customHeight="1" ' + xml[at + 5:]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def struck_in_the_cell(folder: Path, n: Names) -> Expect:
    """The name struck through as rich text (edited in the cell), a row of no height, a row whose
    cells' font is struck: three withdrawn, two live."""
    rec = "新荣区人力资源和社会保障局"
    wb, ws = _book()
    bases = n.bases(5)
    first, at, _ = type_annex7(ws, bases, line="推荐单位：新荣区人社局")
    ws.cell(first + 1, at["unit"]).value = CellRichText([TextBlock(InlineFont(strike=True), bases[1]["unit"])])
    for cell in ws[first + 3]:
        if cell.value is not None:
            cell.font = Font(strike=True)
    path = folder / "新荣区.xlsx"
    wb.save(path)
    zero_height(path, "xl/worksheets/sheet1.xml", first + 2)
    units = _units(bases)
    u = get_column_letter(at["unit"])
    return Expect(path.name, rec, [units[0], units[4]], absent=units[1:4],
                  skipped=[(STRUCK, "附件7", first + 1, "删除线"), (HIDDEN_ROW, "附件7", first + 2, "隐藏"),
                           (STRUCK, "附件7", first + 3, "删除线")],
                  findings=[("C-HIDDEN", "附件7", f"{u}{first + i}") for i in (1, 2, 3)])


def withdrawn_by_note(folder: Path, n: Names) -> Expect:
    """备注 已撤回，不再申报: the row is withdrawn (C-HIDDEN at the 备注 cell); a 备注 that only mentions
    another word (原名…撤销合并) keeps its row."""
    rec = "大同市工业和信息化局"
    wb, ws = _book()
    bases = n.bases(3)
    bases[1]["note"] = "已撤回，不再申报"
    bases[2]["note"] = "原名称因合并撤销，现用新名称"
    first, at, _ = type_annex7(ws, bases, line="推荐单位：市工信局")
    wb.save(folder / "工信局.xlsx")
    units = _units(bases)
    note = get_column_letter(at["note"])
    return Expect("工信局.xlsx", rec, [units[0], units[2]], absent=[units[1]],
                  skipped=[(NOTED, "附件7", first + 1, "已撤回")],
                  findings=[("C-HIDDEN", "附件7", f"{note}{first + 1}")])


# ------------------------------------------------------------------ values

def tier_with_its_word(folder: Path, n: Names) -> Expect:
    """A 申报档次 column added to the printed 附件7, typed A档 / B / 申报C档: each is its tier."""
    rec = "大同市住房和城乡建设局"
    wb, ws = _book()
    bases = n.bases(3)
    headers = (*H7[:6], "申报档次", "备注")
    first, _, _ = type_annex7(ws, bases, line="推荐单位：市住建局", headers=headers)
    for i, tier in enumerate(("A档", "B", "申报C档")):
        ws.cell(first + i, 7, tier)
    wb.save(folder / "住建局.xlsx")
    units = _units(bases)
    return Expect("住建局.xlsx", rec, units, tiers=dict(zip(units, "ABC", strict=True)))


def tier_in_a_note(folder: Path, n: Names) -> Expect:
    """The printed 附件7 has no 申报档次 column: 拟申报C档 in 备注 is C; 'A、B档均可' names two tiers, so
    the base stays 档次未填 (asked, counted as such), never taken as B."""
    rec = "大同市总工会"
    wb, ws = _book()
    bases = n.bases(2)
    bases[0]["note"] = "拟申报C档"
    bases[1]["note"] = "A、B档均可"
    type_annex7(ws, bases, line="推荐单位：市总工会")
    wb.save(folder / "总工会.xlsx")
    units = _units(bases)
    return Expect("总工会.xlsx", rec, units, tiers={units[0]: "C", units[1]: None})


def option_spellings(folder: Path, n: Names) -> Expect:
    """属性 typed without its punctuation (行业企业办) or with 他 for 它 (其他): the option itself."""
    rec = "大同市教育局"
    wb, ws = _book()
    bases = n.bases(2)
    bases[0]["attribute"], bases[1]["attribute"] = "行业企业办", "其他"
    type_annex7(ws, bases, line="推荐单位：市教育局")
    wb.save(folder / "教育局.xlsx")
    units = _units(bases)
    return Expect("教育局.xlsx", rec, units, values={(units[0], "属性"): "行业、企业办", (units[1], "属性"): "其它"})


def headers_in_other_words(folder: Path, n: Names) -> Expect:
    """Header texts a clerk retyping the forms uses: 申报单位名称 / 拟申报专业 on 附件7; 技能大师 / 依托单位名称
    / 技能等级 / 荣誉称号 on 附件8."""
    rec = "浑源县人力资源和社会保障局"
    wb, ws = _book()
    bases = n.bases(2)
    type_annex7(ws, bases, line="推荐单位：浑源县人社局",
                headers=("序号", "申报单位名称", "属性", "项目所在地址", "推荐单位", "拟申报专业", "备注"))
    studios = n.studios(2)
    h8 = ("序号", "推荐单位", "技能大师", "依托单位名称", "单位性质", "项目所在地址", "类别", "工作室职业（工种）",
          "技能等级", "荣誉称号", "其他荣誉及业绩", "工作室规模")
    type_annex8(wb.create_sheet("附件8"), studios, line="推荐单位：浑源县人社局", headers=h8)
    wb.save(folder / "浑源县.xlsx")
    units = _units(bases)
    return Expect("浑源县.xlsx", rec, units, [s["leader"] for s in studios],
                  values={(units[0], "申报专业"): bases[0]["majors"],
                          (studios[0]["leader"], "职业技能等级"): studios[0]["level"],
                          (studios[0]["leader"], "申报单位"): studios[0]["unit"]})


def lines_in_the_leader_column(folder: Path, n: Names) -> Expect:
    """Under 附件8's studios, lines typed in the 领办人 column alone (以上排名不分先后, ——, 同上) are not
    studios; a studio of which only the leader's name is typed stays one (and gets its S-REQ)."""
    rec = "平城区人力资源和社会保障局"
    wb, ws = _book("附件8")
    studios = n.studios(2)
    first = type_annex8(ws, studios, line="推荐单位：平城区人社局")
    ws.delete_rows(first + 2)                                  # the footer
    lone = {first + 2: "以上排名不分先后", first + 3: "——", first + 4: "同上", first + 5: "窦小川"}
    for row, text in lone.items():
        ws.cell(row, 3, text)
    wb.save(folder / "平城区附件8.xlsx")
    return Expect("平城区附件8.xlsx", rec, [], [s["leader"] for s in studios] + ["窦小川"],
                  skipped=[(NOT_PROJECT, "附件8", row, "姓名") for row in list(lone)[:3]],
                  findings=[("S-REQ", "附件8", f"D{first + 5}")])


def side_by_side(folder: Path, n: Names) -> Expect:
    """Two 附件7 tables side by side (院校 in A–G, 企业 in I–O): on 院校企业 their headers share a row, on
    Sheet2 the right one has no 推荐单位 line and begins a row higher. Every base of both is read."""
    rec = "左云县人力资源和社会保障局"
    wb, ws = _book("院校企业")
    a, b = n.bases(2), n.bases(3)
    type_annex7(ws, a, line="推荐单位：左云县人社局")
    type_annex7(ws, b, left=9, line="", title="企业类", footer=False)
    ws2 = wb.create_sheet("Sheet2")
    c, d = n.bases(2), n.bases(2)
    type_annex7(ws2, c, line="推荐单位：左云县人社局")
    type_annex7(ws2, d, left=9, line=None, title="企业类", footer=False)
    wb.save(folder / "左云县.xlsx")
    return Expect("左云县.xlsx", rec, _units(a + b + c + d))


def names_wrapped(folder: Path, n: Names) -> Expect:
    """A unit's name wrapped over two lines in its cell, another with the form's （公章） after it."""
    rec = "灵丘县人力资源和社会保障局"
    wb, ws = _book()
    bases = n.bases(2)
    units = _units(bases)
    typed = [dict(bases[0], unit=units[0][:5] + "\n" + units[0][5:]), dict(bases[1], unit=units[1] + "（公章）")]
    type_annex7(ws, typed, line="推荐单位：灵丘县人社局")
    wb.save(folder / "灵丘.xlsx")
    return Expect("灵丘.xlsx", rec, units)


def second_line_of_majors(folder: Path, n: Names) -> Expect:
    """A base's name merged down over a second line that holds one more 申报专业: one base, its majors
    joined, the line listed; a line with only a 申报专业 and no merged name is listed, not merged."""
    rec = "大同市国有资产监督管理委员会"
    wb, ws = _book()
    bases = n.bases(3)
    first, at, _ = type_annex7(ws, bases, line="推荐单位：大同市国资委")
    ws.insert_rows(first + 1)
    ws.cell(first + 1, at["majors"], "砌筑工")
    for key in ("seq", "unit", "attribute", "address"):
        ws.merge_cells(start_row=first, start_column=at[key], end_row=first + 1, end_column=at[key])
    ws.insert_rows(first + 3)
    ws.cell(first + 3, at["majors"], "电工")
    wb.save(folder / "国资委.xlsx")
    units = _units(bases)
    return Expect("国资委.xlsx", rec, units, values={(units[0], "申报专业"): f"{bases[0]['majors']}、砌筑工",
                                                   (units[1], "申报专业"): bases[1]["majors"]},
                  skipped=[(NOT_PROJECT, "附件7", first + 1, "续行"), (NOT_PROJECT, "附件7", first + 3, "只有一格")])


def wps_layout(folder: Path, n: Names) -> Expect:
    """The form at B5 on a sheet named Sheet3, blank columns between the fields, headers with
    full-width spaces and half-width brackets."""
    rec = "广灵县人力资源和社会保障局"
    wb, ws = _book("Sheet3")
    bases = n.bases(3)
    headers = ("编　号", "项 目 单 位", "属　性", "项目所在地址", "推荐单位(盖章)", "申报专业（职业)", "备  注")
    type_annex7(ws, bases, top=5, left=2, line="推荐单位：广灵县人社局", gaps=(4, 7), headers=headers)
    wb.save(folder / "广灵县.xlsx")
    return Expect("广灵县.xlsx", rec, _units(bases))


def column_numbers(folder: Path, n: Names) -> Expect:
    """A row numbering the columns under the header (1 2 3 … 7), and a count typed alone in the
    name column under the table: neither is a project."""
    rec = "天镇县人力资源和社会保障局"
    wb, ws = _book()
    bases = n.bases(2)
    first, at, end = type_annex7(ws, bases, line="推荐单位：天镇县人社局", footer=False)
    ws.insert_rows(first)
    for i, col in enumerate(at.values(), start=1):
        ws.cell(first, col, i)
    ws.cell(end + 1, at["unit"], 2)
    wb.save(folder / "天镇县.xlsx")
    return Expect("天镇县.xlsx", rec, _units(bases), absent=["1", "2"],
                  skipped=[(NOT_PROJECT, "附件7", first, "列序号"), (NOT_PROJECT, "附件7", end + 1, "数字")])


def template_units(folder: Path, n: Names) -> Expect:
    """The project's template with 工作室面积 typed 120m2 and a training scale typed 1,200人次: read as
    120 and 1200, exactly."""
    import copy

    from macros_py.policy.load import default_policy
    from macros_py.write.fill import write_filled
    from macros_py.write.samples import generate_load

    policy = default_policy()
    data = copy.deepcopy(next(s.data for s in generate_load(policy, 4, seed=4321)
                              if s.data["bases"] and s.data["studios"]))
    data["recommender"] = rec = "大同市卫生健康委员会"
    path = write_filled(folder / "卫健委.xlsx", data, policy)
    wb = openpyxl.load_workbook(path)
    ws = wb["附件8 工作室汇总"]
    cols = {ws.cell(3, c).value: c for c in range(1, ws.max_column + 1)}
    ws.cell(4, cols["工作室面积（㎡）"], "120m2")
    bc = wb["基地条件"]
    bcols = {bc.cell(3, c).value: c for c in range(1, bc.max_column + 1)}
    bc.cell(4, bcols["年培训规模（人次）"], "1,200人次")
    wb.save(path)
    leader, unit = data["studios"][0]["leader"], data["conditions"][0]["unit"]
    return Expect(path.name, rec, [b["unit"] for b in data["bases"]], [s["leader"] for s in data["studios"]],
                  values={(leader, "工作室面积（㎡）"): 120, (unit, "年培训规模（人次）"): 1200})


CASES = (line_seal_and_date, line_without_colon, line_submitted_by, line_in_title, line_under_table,
         county_without_suffix, county_other_words, employment_centre, struck_in_the_cell, withdrawn_by_note,
         tier_with_its_word, tier_in_a_note, option_spellings, headers_in_other_words, lines_in_the_leader_column,
         side_by_side, names_wrapped, second_line_of_majors, wps_layout, column_numbers, template_units)


def build_typed(folder: Path) -> list[Expect]:
    folder.mkdir(parents=True, exist_ok=True)
    names = Names()
    return [case(folder, names) for case in CASES]
