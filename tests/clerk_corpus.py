"""A corpus of submissions made the way county and department clerks make them (issue 10).

Each case starts from a real form: the notice's printed 附件7/附件8/表4-2 as `write/printed.py` writes
them, or the project's own template filled by `write/fill.py`. Then it does, with openpyxl, what
clerks do: insert 合计 / 以下空白 / sub-heading / signature rows, copy the notice's guidance row, merge
cells down, hide rows and sheets, strike rows through, split a table over two sheets or stack two on
one, rename the sheets, type numbers and dates as text. Every case records what must land in the
master (its projects, under its recommender) and what must be listed as not merged, with which
reason, and which rule must be reported at which cell.

Each case has its own recommender (so no file supersedes another) and its own units (so no B-DUP
joins two cases).
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

from macros_py.model.submission import HIDDEN_ROW, HIDDEN_SHEET, NOT_PROJECT, ROWDUP, STRUCK
from macros_py.write.fill import write_filled
from macros_py.write.printed import write_printed_submission
from macros_py.write.samples import generate_load

LONG_HONOURS = "全国技术能手（2019年）；" + "带徒传艺、技术攻关、工艺革新成果：" * 2100   # > 32,767 characters


@dataclass
class Expect:
    """What one file must give."""

    name: str                                     # file name in the inbox
    recommender: str
    bases: list[str] = field(default_factory=list)        # 项目单位 that must be in 基地汇总 (once each)
    studios: list[str] = field(default_factory=list)      # 领办人 that must be in 工作室汇总
    absent: list[str] = field(default_factory=list)       # names that must NOT be merged
    skipped: list[tuple[str, str, int, str]] = field(default_factory=list)  # (kind, sheet, row, reason part)
    findings: list[tuple[str, str, str]] = field(default_factory=list)      # (rule, sheet, cell)
    values: dict[tuple[str, str], object] = field(default_factory=dict)     # (name, master header) -> value
    tiers: dict[str, str | None] = field(default_factory=dict)              # unit -> tier in the master
    marks: list[tuple[str, str, str]] = field(default_factory=list)  # (rule, sheet, cell) of the side file
    data: dict = field(default_factory=dict)


# ------------------------------------------------------------------ openpyxl edits a clerk makes

def insert_line(ws, at: int, values: dict[int, object] | None = None) -> None:
    """Insert an empty row at `at` (1-based), moving what is below down, merged ranges too (openpyxl's
    insert_rows leaves them behind), and type `values` ({column: value}) into it."""
    moved = [r for r in ws.merged_cells.ranges if r.min_row >= at]
    for r in moved:
        ws.merged_cells.remove(r)
    ws.insert_rows(at)
    for r in moved:
        r.shift(0, 1)
        ws.merged_cells.add(r)
    for col, value in (values or {}).items():
        ws.cell(at, col, value)


def find_row(ws, text: str, col: int | None = None) -> int:
    """The first row (1-based) with a cell whose text is `text`."""
    for row in ws.iter_rows():
        for cell in row:
            if (col is None or cell.column == col) and isinstance(cell.value, str) and cell.value == text:
                return cell.row
    raise LookupError(text)


def header_col(ws, header: str, row: int) -> int:
    for cell in ws[row]:
        if isinstance(cell.value, str) and cell.value.replace("\n", "") == header:
            return cell.column
    raise LookupError(header)


def strike_row(ws, row: int) -> None:
    for cell in ws[row]:
        if cell.value is not None:
            cell.font = Font(strike=True)


def copy_sheet(src, dst) -> None:
    """Values and merged ranges of worksheet `src` into worksheet `dst` (another workbook)."""
    offset = dst.max_row + 2 if dst.max_row > 1 else 0
    for row in src.iter_rows():
        for cell in row:
            if cell.value is not None and not isinstance(cell, openpyxl.cell.cell.MergedCell):
                dst.cell(cell.row + offset, cell.column, cell.value)
    for r in src.merged_cells.ranges:
        dst.merge_cells(start_row=r.min_row + offset, start_column=r.min_col, end_row=r.max_row + offset,
                        end_column=r.max_col)


def restore_long_text(path: Path, text: str) -> None:
    """Put a text longer than a cell back whole into the saved package (Excel and openpyxl cut it at
    32,767 characters; other programs that write xlsx do not)."""
    import zipfile

    def refs(t: str) -> bytes:  # how openpyxl writes non-ASCII text in an inline string
        return "".join(ch if ord(ch) < 128 else f"&#{ord(ch)};" for ch in t).encode()

    parts = {}
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            data = zf.read(info.filename)
            for cut, whole in ((text[:32767].encode(), text.encode()), (refs(text[:32767]), refs(text))):
                data = data.replace(cut, whole)
            parts[info.filename] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def first_data_row(ws, header_text: str) -> int:
    return find_row(ws, header_text) + 1


# ------------------------------------------------------------------ data

class Data:
    """Clean submissions with units and leaders that no other case uses."""

    def __init__(self, policy):
        self.policy = policy
        self.pool = generate_load(policy, 60, seed=710)
        self.used: set[str] = set()
        self.next = 0

    def take(self, recommender: str, bases: int, studios: int) -> dict:
        while True:
            data = copy.deepcopy(self.pool[self.next].data)
            self.next += 1
            data = self._unique(data)
            if len(data["bases"]) >= bases and len(data["studios"]) >= studios:
                break
        keep = {b["unit"] for b in data["bases"][:bases]}
        leaders = {s["leader"] for s in data["studios"][:studios]}
        data["bases"] = data["bases"][:bases]
        for key in ("conditions", "funding", "majors"):
            data[key] = [r for r in data[key] if r["unit"] in keep]
        data["studios"] = data["studios"][:studios]
        data["masters"] = [m for m in data["masters"] if m["leader"] in leaders]
        self.used |= keep | leaders
        data["recommender"] = recommender
        return data

    def _unique(self, data: dict) -> dict:
        units = {b["unit"] for b in data["bases"]} - self.used
        # a unit is kept once across the corpus, and so is a leader
        data["bases"] = [b for b in data["bases"] if b["unit"] in units]
        units = {b["unit"] for b in data["bases"]}
        for key in ("conditions", "funding", "majors"):
            data[key] = [r for r in data[key] if r["unit"] in units]
        seen = set()
        studios = []
        for s in data["studios"]:
            if s["leader"] not in self.used and s["leader"] not in seen and s["unit"] not in self.used:
                studios.append(s)
                seen.add(s["leader"])
        data["studios"] = studios
        data["masters"] = [m for m in data["masters"] if m["leader"] in seen]
        return data


def _units(data) -> list[str]:
    return [b["unit"] for b in data["bases"]]


def _leaders(data) -> list[str]:
    return [s["leader"] for s in data["studios"]]


# ------------------------------------------------------------------ the cases

def printed_totals(folder: Path, d: Data) -> Expect:
    """合计, 共N个 and 以下空白 rows under the printed 附件7 and 附件8."""
    rec = "浑源县人力资源和社会保障局"
    data = d.take(rec, 3, 2)
    path = write_printed_submission(folder / "浑源县_附件7附件8.xlsx", data, d.policy)
    wb = openpyxl.load_workbook(path)
    ws = wb["附件7"]
    first = first_data_row(ws, "编号")
    last = first + 2
    insert_line(ws, last + 1, {1: "合计", 2: "共3个"})
    insert_line(ws, last + 2, {2: "以下空白"})
    ws8 = wb["附件8"]
    f8 = first_data_row(ws8, "序号")
    # the pre-numbered rows 3 and 4 stay empty; a 小计 row after them
    insert_line(ws8, f8 + 4, {1: "小  计", 3: "2个"})
    insert_line(ws8, f8 + 5, {1: "（此处空白）"})
    size = header_col(ws8, "工作室规模", f8 - 1)
    ws8.cell(f8, size, "面积约150平方米，成员12人")       # 工作室规模 in prose
    wb.save(path)
    letter = openpyxl.utils.get_column_letter(size)
    leader = _leaders(data)[0]
    return Expect(path.name, rec, _units(data), _leaders(data), data=data,
                  findings=[("C-VALUE", "附件8", f"{letter}{f8}")],
                  values={(leader, "工作室面积（㎡）"): 150, (leader, "工作室人数"): 12}, skipped=[
        (NOT_PROJECT, "附件7", last + 1, "合计"), (NOT_PROJECT, "附件7", last + 2, "空白"),
        (NOT_PROJECT, "附件8", f8 + 4, "合计"), (NOT_PROJECT, "附件8", f8 + 5, "空白")])


def printed_headings(folder: Path, d: Data) -> Expect:
    """Category sub-headings between the projects: merged across the table, or typed in one column."""
    rec = "阳高县人力资源和社会保障局"
    data = d.take(rec, 4, 1)
    path = write_printed_submission(folder / "阳高县申报汇总.xlsx", data, d.policy)
    wb = openpyxl.load_workbook(path)
    ws = wb["附件7"]
    first = first_data_row(ws, "编号")
    insert_line(ws, first, {1: "一、职业院校类"})
    ws.merge_cells(start_row=first, start_column=1, end_row=first, end_column=7)
    insert_line(ws, first + 3, {2: "（二）企业"})
    insert_line(ws, first + 6, {1: "三、其他"})
    wb.save(path)
    return Expect(path.name, rec, _units(data), _leaders(data), data=data, skipped=[
        (NOT_PROJECT, "附件7", first, "小标题"), (NOT_PROJECT, "附件7", first + 3, "小标题"),
        (NOT_PROJECT, "附件7", first + 6, "小标题")])


def printed_signatures(folder: Path, d: Data) -> Expect:
    """Signature and contact lines under the tables: after the footer on 附件7, instead of it on 附件8."""
    rec = "天镇县人力资源和社会保障局"
    data = d.take(rec, 2, 2)
    path = write_printed_submission(folder / "天镇县.xlsx", data, d.policy)
    wb = openpyxl.load_workbook(path)
    ws = wb["附件7"]
    footer = next(c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("备注"))
    lines = [{1: "填表人：张晓燕", 4: "联系电话：0352-6021234"}, {1: "审核人", 2: "王建国"},
             {1: "填报日期：2025年12月20日"}, {5: "（盖章）"}, {4: "2025年  月  日"}]
    for i, line in enumerate(lines, start=1):
        insert_line(ws, footer + i, line)
    ws8 = wb["附件8"]
    foot8 = next(c.row for c in ws8["A"] if isinstance(c.value, str) and c.value.startswith("备注"))
    ws8.unmerge_cells(start_row=foot8, start_column=1, end_row=foot8, end_column=12)
    ws8.cell(foot8, 1, "填报人：李丽  手机 13903521234")
    ws8.cell(foot8 + 1, 2, "单位负责人：")
    ws8.cell(foot8 + 1, 4, "赵强")
    wb.save(path)
    skipped = [(NOT_PROJECT, "附件7", footer + i, "签名") for i in range(1, len(lines) + 1)]
    skipped += [(NOT_PROJECT, "附件8", foot8, "签名"), (NOT_PROJECT, "附件8", foot8 + 1, "签名")]
    return Expect(path.name, rec, _units(data), _leaders(data), data=data, skipped=skipped)


def printed_guidance(folder: Path, d: Data) -> Expect:
    """The notice's guidance row kept above the data (附件8: 可写简称, 申报单位公章全称, XX㎡ XX人), and an
    example row a clerk wrote for 附件7 (大同市XX职业学校)."""
    rec = "广灵县人力资源和社会保障局"
    data = d.take(rec, 2, 2)
    path = write_printed_submission(folder / "广灵县附件.xlsx", data, d.policy)
    wb = openpyxl.load_workbook(path)
    ws8 = wb["附件8"]
    f8 = first_data_row(ws8, "序号")
    cols = {h: header_col(ws8, h, f8 - 1) for h in ("推荐单位", "申报单位", "工作室规模")}
    insert_line(ws8, f8, {cols["推荐单位"]: "可写简称", cols["申报单位"]: "申报单位公章全称",
                          cols["工作室规模"]: "XX㎡\nXX人"})
    ws = wb["附件7"]
    first = first_data_row(ws, "编号")
    insert_line(ws, first, {2: "例：大同市XX职业技术学校", 3: "政府办", 4: "大同市XX区XX路XX号"})
    wb.save(path)
    return Expect(path.name, rec, _units(data), _leaders(data), data=data, skipped=[
        (NOT_PROJECT, "附件8", f8, "示例"), (NOT_PROJECT, "附件7", first, "示例")])


def printed_merged(folder: Path, d: Data) -> Expect:
    """属性 merged down three rows, 推荐单位 merged down every row; the merged 属性 is not an option
    (B-ATTR at each of the three rows, marked on the merged range)."""
    rec = "灵丘县人力资源和社会保障局"
    data = d.take(rec, 4, 1)
    for b in data["bases"][:3]:
        b["attribute"] = "政府办"
    path = write_printed_submission(folder / "灵丘县.xlsx", data, d.policy)
    wb = openpyxl.load_workbook(path)
    ws = wb["附件7"]
    first = first_data_row(ws, "编号")
    attr, who = header_col(ws, "属性", first - 1), header_col(ws, "推荐单位", first - 1)
    for r in range(first + 1, first + 3):
        ws.cell(r, attr).value = None
    ws.merge_cells(start_row=first, start_column=attr, end_row=first + 2, end_column=attr)
    for r in range(first + 1, first + 4):
        ws.cell(r, who).value = None
    ws.merge_cells(start_row=first, start_column=who, end_row=first + 3, end_column=who)
    wb.save(path)
    # a second file of the same case for the annotate test: the merged 属性 is not one of the options
    wb.save(folder.parent / "灵丘县_属性不对.xlsx")
    bad = openpyxl.load_workbook(folder.parent / "灵丘县_属性不对.xlsx")
    bad["附件7"].cell(first, attr).value = "公办"
    bad.save(folder.parent / "灵丘县_属性不对.xlsx")
    letter = openpyxl.utils.get_column_letter(attr)
    return Expect(path.name, rec, _units(data), _leaders(data), data=data,
                  values={(u, "属性"): "政府办" for u in _units(data)[:3]}
                  | {(u, "推荐单位"): rec for u in _units(data)},
                  marks=[("B-ATTR", "附件7", f"{letter}{first + i}") for i in range(3)])


def printed_withdrawn(folder: Path, d: Data) -> Expect:
    """A hidden row, a struck-through row, an old copy of 附件7 on a hidden sheet, a very hidden sheet."""
    rec = "左云县人力资源和社会保障局"
    data = d.take(rec, 4, 2)
    units, leaders = _units(data), _leaders(data)
    path = write_printed_submission(folder / "左云县.xlsx", data, d.policy)
    wb = openpyxl.load_workbook(path)
    ws = wb["附件7"]
    first = first_data_row(ws, "编号")
    ws.row_dimensions[first + 1].hidden = True
    strike_row(ws, first + 2)
    ws8 = wb["附件8"]
    f8 = first_data_row(ws8, "序号")
    ws8.row_dimensions[f8 + 1].hidden = True
    old = wb.copy_worksheet(ws)
    old.title = "附件7（原）"
    old.sheet_state = "hidden"
    for r in range(first, first + 4):
        old.row_dimensions[r].hidden = False
        for c in old[r]:
            c.font = Font()
    old.cell(first, 2, "大同市旧名称职业培训学校")
    secret = wb.copy_worksheet(ws8)
    secret.title = "备份"
    secret.sheet_state = "veryHidden"
    budget = wb.copy_worksheet(wb["表4-2（1）"])
    budget.title = "表4-2（作废）"
    budget.sheet_state = "hidden"
    wb.save(path)
    return Expect(path.name, rec, [units[0], units[3]], [leaders[0]], data=data,
                  absent=[units[1], units[2], leaders[1], "大同市旧名称职业培训学校"],
                  skipped=[(HIDDEN_ROW, "附件7", first + 1, "隐藏"), (STRUCK, "附件7", first + 2, "删除线"),
                           (HIDDEN_ROW, "附件8", f8 + 1, "隐藏"),
                           *((HIDDEN_SHEET, "附件7（原）", first + i, "隐藏") for i in range(4)),
                           *((HIDDEN_SHEET, "备份", f8 + i, "深度隐藏") for i in range(2)),
                           *((HIDDEN_SHEET, "表4-2（作废）", 6 + i, "隐藏") for i in range(4))],
                  findings=[("C-HIDDEN", "附件7", f"B{first + 1}"), ("C-HIDDEN", "附件7", f"B{first + 2}"),
                            ("C-HIDDEN", "附件8", f"C{f8 + 1}"), ("C-HIDDEN", "附件7（原）", f"B{first}"),
                            ("C-HIDDEN", "备份", f"C{f8}"), ("C-HIDDEN", "表4-2（作废）", "A6")])


def _renamed(wb) -> None:
    for i, ws in enumerate(wb.worksheets, start=1):
        ws.title = f"Sheet{i}"


def printed_split(folder: Path, d: Data) -> Expect:
    """附件7 split by category over two sheets (院校 / 企业), every sheet renamed Sheet1, Sheet2, …"""
    rec = "云州区人力资源和社会保障局"
    data = d.take(rec, 5, 1)
    one = dict(data, bases=data["bases"][:2], studios=[], masters=[])
    two = dict(data, bases=data["bases"][2:], studios=[], masters=[], funding=[])
    a = write_printed_submission(folder.parent / "split_a.xlsx", one, d.policy)
    b = write_printed_submission(folder.parent / "split_b.xlsx", two, d.policy)
    full = write_printed_submission(folder.parent / "split_full.xlsx", data, d.policy)
    wb = openpyxl.load_workbook(full)
    src_a, src_b = openpyxl.load_workbook(a)["附件7"], openpyxl.load_workbook(b)["附件7"]
    del wb["附件7"]
    copy_sheet(src_a, wb.create_sheet("院校", 0))
    copy_sheet(src_b, wb.create_sheet("企业", 1))
    _renamed(wb)
    path = folder / "云州区_分类.xlsx"
    wb.save(path)
    return Expect(path.name, rec, _units(data), _leaders(data), data=data)


def printed_two_on_one(folder: Path, d: Data) -> Expect:
    """Two 附件7 forms (院校, 企业) one under the other on one sheet, then 附件8 under them."""
    rec = "平城区人力资源和社会保障局"
    data = d.take(rec, 4, 1)
    one = dict(data, bases=data["bases"][:2], studios=[], masters=[])
    two = dict(data, bases=data["bases"][2:], funding=[])
    a = openpyxl.load_workbook(write_printed_submission(folder.parent / "two_a.xlsx", one, d.policy))
    b = openpyxl.load_workbook(write_printed_submission(folder.parent / "two_b.xlsx", two, d.policy))
    ws = a["附件7"]
    copy_sheet(b["附件7"], ws)
    copy_sheet(b["附件8"], ws)
    del a["附件8"]
    ws.title = "汇总表"
    path = folder / "平城区_两张表.xlsx"
    a.save(path)
    return Expect(path.name, rec, _units(data), _leaders(data), data=data)


def printed_stacked(folder: Path, d: Data) -> Expect:
    """附件7 and 附件8 stacked on one sheet, 表4-2 on the others, all named Sheet1, Sheet2, …"""
    rec = "大同市教育局"
    data = d.take(rec, 3, 2)
    src = write_printed_submission(folder.parent / "stack_src.xlsx", data, d.policy)
    wb = openpyxl.load_workbook(src)
    copy_sheet(wb["附件8"], wb["附件7"])
    del wb["附件8"]
    _renamed(wb)
    path = folder / "市教育局_申报表.xlsx"
    wb.save(path)
    return Expect(path.name, rec, _units(data), _leaders(data), data=data)


def printed_twice(folder: Path, d: Data) -> Expect:
    """The same 附件7 twice (a copy on Sheet2): every base once in the master, the copies C-ROWDUP."""
    rec = "大同市工业和信息化局"
    data = d.take(rec, 3, 1)
    path = write_printed_submission(folder / "市工信局.xlsx", data, d.policy)
    wb = openpyxl.load_workbook(path)
    dup = wb.copy_worksheet(wb["附件7"])
    dup.title = "Sheet2"
    wb.save(path)
    first = first_data_row(wb["附件7"], "编号")
    return Expect(path.name, rec, _units(data), _leaders(data), data=data,
                  skipped=[(ROWDUP, "Sheet2", first + i, "附件7") for i in range(3)],
                  findings=[("C-ROWDUP", "Sheet2", f"B{first + i}") for i in range(3)])


def printed_tiers(folder: Path, d: Data) -> Expect:
    """A printed 附件7 (no 申报档次 column): tiers from 备注 (申报A档, 拟报 B 档), from 表4-2's 上级财政补助,
    and none for a base whose 表4-2 is missing (档次未填)."""
    rec = "大同市住房和城乡建设局"
    data = d.take(rec, 4, 0)
    tiers = [b["tier"] for b in data["bases"]]
    path = write_printed_submission(folder / "市住建局.xlsx", data, d.policy)
    wb = openpyxl.load_workbook(path)
    ws = wb["附件7"]
    first = first_data_row(ws, "编号")
    note = header_col(ws, "备注", first - 1)
    ws.cell(first, note, "申报A档")
    ws.cell(first + 1, note, "拟报 B 档")
    del wb["表4-2（4）"]
    wb.save(path)
    units = _units(data)
    return Expect(path.name, rec, units, [], data=data,
                  tiers={units[0]: "A", units[1]: "B", units[2]: tiers[2], units[3]: None})


def template_values(folder: Path, d: Data) -> Expect:
    """The template with numbers and dates typed as text or as odd numbers, and a text longer than a cell."""
    rec = "大同市交通运输局"
    data = d.take(rec, 2, 2)
    path = write_filled(folder / "市交通局.xlsx", data, d.policy)
    wb = openpyxl.load_workbook(path)
    ws = wb["基地条件"]
    cols = {ws.cell(3, c).value: c for c in range(1, ws.max_column + 1)}
    letter = openpyxl.utils.get_column_letter
    ws.cell(4, cols["年培训规模（人次）"], f"{data['conditions'][0]['training']}人次")   # exact
    ws.cell(4, cols["年取得高级工证书人次"], "约120人")
    ws.cell(4, cols["专兼职教师数"], "教师25人，其中高级8人")
    ws.cell(5, cols["年培训规模（人次）"], "0.05万人次")
    ms = wb["大师信息"]
    mcols = {ms.cell(3, c).value: c for c in range(1, ms.max_column + 1)}
    ms.cell(4, mcols["出生年月"], 1975.1)
    ms.cell(5, mcols["出生年月"], "75.03")
    ms.cell(4, mcols["参加工作时间"], 27456).number_format = "General"   # a date serial shown as a number
    ss = wb["附件8 工作室汇总"]
    scols = {ss.cell(3, c).value: c for c in range(1, ss.max_column + 1)}
    ss.cell(4, scols["主要荣誉"], LONG_HONOURS)   # openpyxl cuts it at 32,767; put back whole below
    wb.save(path)
    restore_long_text(path, LONG_HONOURS)
    c = {k: letter(v) for k, v in cols.items()}
    m = {k: letter(v) for k, v in mcols.items()}
    leaders = _leaders(data)
    return Expect(path.name, rec, _units(data), leaders, data=data,
                  findings=[("C-VALUE", "基地条件", f"{c['年取得高级工证书人次']}4"),
                            ("C-VALUE", "基地条件", f"{c['专兼职教师数']}4"),
                            ("C-VALUE", "基地条件", f"{c['年培训规模（人次）']}5"),
                            ("C-VALUE", "大师信息", f"{m['出生年月']}4"), ("C-VALUE", "大师信息", f"{m['出生年月']}5"),
                            ("C-VALUE", "大师信息", f"{m['参加工作时间']}4"),
                            ("C-VALUE", "附件8 工作室汇总", f"{letter(scols['主要荣誉'])}4")],
                  values={(_units(data)[0], "年培训规模（人次）"): data["conditions"][0]["training"],
                          (_units(data)[0], "年取得高级工证书人次"): 120,
                          (_units(data)[1], "年培训规模（人次）"): 500,
                          (leaders[0], "出生年月"): dt.datetime(1975, 1, 1),
                          (leaders[1], "出生年月"): dt.datetime(1975, 3, 1),
                          (leaders[0], "参加工作时间"): dt.datetime(1975, 3, 3)})


def template_clerk(folder: Path, d: Data) -> Expect:
    """The template with a sub-heading and a 合计 row in 附件7, a hidden 附件7 row, a struck 附件8 row,
    a signature line under 附件8, and a hidden copy of 附件7 left in the workbook."""
    rec = "大同市农业农村局"
    data = d.take(rec, 3, 2)
    # the template's table keeps its rows: the sub-heading goes in the first data row, bases below
    path = write_filled(folder / "市农业农村局.xlsx", data, d.policy)
    wb = openpyxl.load_workbook(path)
    ws = wb["附件7 基地汇总"]
    ucol = next(c for c in range(1, ws.max_column + 1) if ws.cell(3, c).value == "项目单位")
    n = len(data["bases"])
    # move the bases one row down to make room for the sub-heading (cell by cell, as a clerk's cut/paste)
    for r in range(3 + n, 3, -1):
        for c in range(1, ws.max_column + 1):
            src = ws.cell(r, c)
            if not (isinstance(src.value, str) and src.value.startswith("=")):
                ws.cell(r + 1, c).value = src.value
    for c in range(1, ws.max_column + 1):
        if not (isinstance(ws.cell(4, c).value, str) and str(ws.cell(4, c).value).startswith("=")):
            ws.cell(4, c).value = None
    ws.cell(4, ucol, "一、院校类")
    ws.cell(5 + n, ucol, "合计：3个基地")
    ws.row_dimensions[6].hidden = True                      # the second base
    ss = wb["附件8 工作室汇总"]
    strike_row(ss, 5)                                        # the second studio
    lcol = next(c for c in range(1, ss.max_column + 1) if ss.cell(3, c).value == "领办人")
    ss.cell(4 + len(data["studios"]) + 1, lcol, "填表人：孙娟")
    old = wb.copy_worksheet(ws)
    old.title = "附件7（旧）"
    old.sheet_state = "hidden"
    old.row_dimensions[6].hidden = False
    wb.save(path)
    units, leaders = _units(data), _leaders(data)
    letter = openpyxl.utils.get_column_letter(ucol)
    return Expect(path.name, rec, [units[0], units[2]], [leaders[0]], data=data, absent=[units[1], leaders[1]],
                  skipped=[(NOT_PROJECT, "附件7 基地汇总", 4, "小标题"),
                           (NOT_PROJECT, "附件7 基地汇总", 5 + n, "合计"),
                           (HIDDEN_ROW, "附件7 基地汇总", 6, "隐藏"), (STRUCK, "附件8 工作室汇总", 5, "删除线"),
                           (NOT_PROJECT, "附件8 工作室汇总", 5 + len(data["studios"]), "签名"),
                           (HIDDEN_SHEET, "附件7（旧）", 5, "隐藏"),
                           # the withdrawn base's and studio's rows on the other sheets follow them
                           ("无所属项目", "基地条件", 5, HIDDEN_ROW), ("无所属项目", "大师信息", 5, STRUCK)],
                  findings=[("C-HIDDEN", "附件7 基地汇总", f"{letter}6"), ("C-HIDDEN", "附件7（旧）", f"{letter}5")])


CASES = (printed_totals, printed_headings, printed_signatures, printed_guidance, printed_merged,
         printed_withdrawn, printed_split, printed_two_on_one, printed_stacked, printed_twice, printed_tiers, template_values,
         template_clerk)


def build_corpus(folder: Path, policy) -> list[Expect]:
    """Every case as a file in `folder` (the inbox); working files go beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    d = Data(policy)
    return [case(folder, d) for case in CASES]
