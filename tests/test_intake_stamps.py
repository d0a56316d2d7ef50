"""Intake (issue 10 §3, §5, §7): files as clerks made them that a red-team round found misread, merged by
the real `shenbao merge`. Who stamped the form, rows that are not projects, and values read as meant:

- no 推荐单位 anywhere (line and column empty), only the file's name says who: C-RECOMMENDER `missing`
  names the recommender the name suggests, as a hint; the projects are not merged under it;
- one file holding two recommenders' forms (two sheets, or two blocks on one sheet, each with its own
  推荐单位 line): C-RECOMMENDER `two_lines` names both lines, at the second; no `differs` warning
  saying the second form's line is the first's (a 填报单位 line naming a unit, not a recommender, is none);
- a remark with its label in a cell of its own (注 | 以上单位均已公示无异议) is a 非项目行, not a base;
- 申报专业 typed one a line (Alt+Enter) is a list of majors, not one major;
- a unit's name with Excel's keep-as-text apostrophe left in it ('大同…学校) is the name without it;
- 出生年月 typed 1975.10 and stored as the number 1975.1: read as October where the row's ID number
  says October (C-VALUE dot_month_id, a hint), and no S-ID disagreement;
- a table saved as CSV is 无法使用 with the reason (save it as .xlsx), as `check` says, not passed over;
- 表4-2 amounts in 元 (the headers say 金额（元）, or each cell says 元) are read in 万元;
- a table pasted as a picture is said (C-TEMPLATE picture), and a workbook of pictures only is 无法使用
  with that reason;
- a master with a grade or title after the name (邵鑫（高级技师）) is the same master for S-DUP;
- a 表4-2 naming its base by a short form is asked about (B-REQ unknown_unit names the close base);
- an option written as the beginning of one option (类别 工艺) is that option, said (C-VALUE abbrev);
- a 推荐单位 line printed only in the page header or in a text box is read, and said (C-RECOMMENDER page);
- one unit on two rows with other values (two campuses) is told which columns differ (C-ROWDUP differs);
- a 表4-2 without its 合计 line is the sum of its contents (C-VALUE no_total), and counts no extra row;
- a base named with a full-width space inside is matched on every sheet (经费汇总 shows its tier);
- of two byte-identical files, the one named like a copy (… - 副本) is the one set aside.
"""

from __future__ import annotations

import openpyxl
import pytest
from clerk_typed import H8, Names, type_annex7, type_annex8
from conftest import merge_corpus
from stdnum.cn import ric

from macros_py.model.submission import NOT_PROJECT
from macros_py.write.fill import write_filled
from macros_py.write.samples import generate

TIANZHEN, GUANGLING = "天镇县人力资源和社会保障局", "广灵县人力资源和社会保障局"
ENERGY, UNION = "大同市能源局", "大同市总工会"


def _with_birth(number: str, year: int, month: int) -> str:
    body = number[:6] + f"{year}{month:02d}12" + number[14:17]
    return body + ric.calc_check_digit(body + "0")   # stdnum wants the number with a check digit


@pytest.fixture(scope="module")
def merged(tmp_path_factory, policy):
    root = tmp_path_factory.mktemp("stamps")
    inbox = root / "收件"
    inbox.mkdir()
    n = Names()
    for _ in range(60):      # units and leaders of their own, not the other corpora's
        n.bases(1)
    typed = {}

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件7"
    typed["nameless"] = n.bases(2)
    type_annex7(ws, typed["nameless"])                      # 推荐单位：（公章）, the column empty too
    wb.save(inbox / "阳高县人社局_申报汇总.xlsx")

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    typed["tianzhen"], typed["guangling"] = n.bases(2), n.bases(2)
    for bases, who, short in ((typed["tianzhen"], TIANZHEN, "天镇"), (typed["guangling"], GUANGLING, "广灵")):
        for base in bases:
            base["recommender"] = who
        type_annex7(wb.create_sheet(f"附件7（{short}）"), bases, line=f"推荐单位：{who}（公章）")
    wb.save(inbox / "天镇广灵.xlsx")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件7"
    typed["energy"], typed["union"] = n.bases(2), n.bases(2)
    _, _, end = type_annex7(ws, typed["energy"], line=f"推荐单位：{ENERGY}（公章）", footer=False)
    type_annex7(ws, typed["union"], top=end + 1, line=f"推荐单位：{UNION}（公章）")
    wb.save(inbox / "能源局总工会.xlsx")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件7"
    typed["culture"], typed["own_part"] = n.bases(1), n.bases(2)
    _, _, end = type_annex7(ws, typed["culture"], line="推荐单位：大同市文旅局（公章）", footer=False)
    type_annex7(ws, typed["own_part"], top=end + 1, line=f"填报单位：{typed['own_part'][0]['unit']}")
    wb.save(inbox / "文旅局.xlsx")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件7"
    typed["remark"] = n.bases(3)
    typed["remark"][1]["majors"] = "中式烹调师\n工业机器人系统运维员\n健康管理师"
    first, at, end = type_annex7(ws, typed["remark"], line="推荐单位：大同市农业农村局", footer=False)
    ws.cell(first + 2, at["unit"], "'" + typed["remark"][2]["unit"])
    ws.cell(end, 1, "注")
    ws.cell(end, 2, "以上单位均已公示无异议")
    typed["remark_row"] = end
    wb.save(inbox / "农业局.xlsx")

    sample = next(s for s in generate(policy) if not s.breaks and len(s.data["masters"]) >= 2)
    masters = sample.data["masters"]
    masters[0]["id_number"] = _with_birth(masters[0]["id_number"], 1975, 10)
    path = write_filled(inbox / f"出生年月_{sample.name}", sample.data, policy)
    wb = openpyxl.load_workbook(path)
    ws = wb["大师信息"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == masters[0]["leader"])
    head = {ws.cell(row - 1 - k, c).value: c for k in range(3) for c in range(1, ws.max_column + 1)}
    ws.cell(row, head["身份证号"], masters[0]["id_number"])
    ws.cell(row, head["出生年月"], 1975.1)                 # 1975.10 typed in a General cell
    wb.save(path)
    typed["id_row"], typed["id_leader"], typed["id_file"] = row, masters[0]["leader"], path.name

    (inbox / "左云县_附件7.csv").write_bytes("编号,项目单位,属性\n1,大同市左云县职业学校,政府办\n".encode("gbk"))
    summary, wb = merge_corpus(inbox, root)
    return summary, wb, typed


def _units(summary, file: str) -> list[tuple[str, str]]:
    return sorted((b["unit"], b["recommender"]) for b in summary["bases"] if b["file"] == file)


def _findings(summary, file: str, rule: str) -> list[dict]:
    return [f for f in summary["findings"] if f["file"] == file and f["rule"] == rule]


def test_a_file_that_names_no_recommender_is_told_what_its_name_suggests(merged):
    summary, _, typed = merged
    file = "阳高县人社局_申报汇总.xlsx"
    assert [u for u, _ in _units(summary, file)] == sorted(b["unit"] for b in typed["nameless"])
    assert {r for _, r in _units(summary, file)} != {"阳高县人力资源和社会保障局"}   # a hint, not a decision
    [finding] = _findings(summary, file, "C-RECOMMENDER")
    assert finding["severity"] == "错误" and "都没有填写推荐单位" in finding["message"]      # case missing
    assert "阳高县人力资源和社会保障局" in finding["message"] and "未据此汇总" in finding["message"]
    question = next(q for q in summary["questions"] if q["file"] == file and q["kind"] == "推荐单位不明")
    assert "阳高县人力资源和社会保障局" in question["what"]


@pytest.mark.parametrize(("file", "first", "second", "where"), [
    ("天镇广灵.xlsx", TIANZHEN, GUANGLING, ("附件7（广灵）", "A3")),
    ("能源局总工会.xlsx", ENERGY, UNION, ("附件7", None)),
])
def test_two_recommenders_forms_in_one_file_are_named_both(merged, file, first, second, where):
    summary, _, _ = merged
    # case two_lines, and no differs saying that the second form's line is the first's
    [finding] = _findings(summary, file, "C-RECOMMENDER")
    assert "不同推荐单位的推荐单位行" in finding["message"]
    assert finding["severity"] == "错误" and first in finding["message"] and second in finding["message"]
    assert finding["sheet"] == where[0] and (where[1] is None or finding["cell"] == where[1])
    assert {r for _, r in _units(summary, file)} == {first}        # merged under the first line, as said
    assert len(_units(summary, file)) == 4


def test_a_line_naming_a_unit_that_is_no_recommender_is_no_second_seal(merged):
    summary, _, typed = merged
    assert {r for _, r in _units(summary, "文旅局.xlsx")} == {"大同市文化和旅游局"}
    assert len(_units(summary, "文旅局.xlsx")) == 3
    assert not _findings(summary, "文旅局.xlsx", "C-RECOMMENDER")


def test_a_remark_with_its_label_in_a_cell_of_its_own_is_no_base(merged):
    summary, wb, typed = merged
    file = "农业局.xlsx"
    units = [u for u, _ in _units(summary, file)]
    assert units == sorted(b["unit"] for b in typed["remark"])       # three bases, the apostrophe gone
    assert "以上单位均已公示无异议" not in units
    [row] = [r for r in summary["rejected"] if r["file"] == file and r["row"] == typed["remark_row"]]
    assert row["kind"] == NOT_PROJECT and "备注或说明" in row["reason"]
    assert not [f for f in summary["findings"] if f["file"] == file and f["rule"] == "B-REQ"
                and f["row"] == typed["remark_row"]]


def test_majors_typed_one_a_line_are_several_majors(merged):
    summary, wb, typed = merged
    base = next(b for b in summary["bases"] if b["unit"] == typed["remark"][1]["unit"])
    assert base["majors"] == ["中式烹调师", "工业机器人系统运维员", "健康管理师"]
    row = int("".join(ch for ch in base["cell"] if ch.isdigit()))
    assert not [f for f in _findings(summary, "农业局.xlsx", "B-MAJORS") if f["row"] == row]


def test_a_birth_month_typed_as_a_number_is_read_as_the_id_number_says(merged):
    summary, wb, typed = merged
    file = typed["id_file"]
    values = [f for f in _findings(summary, file, "C-VALUE") if f["row"] == typed["id_row"]]
    assert [f["severity"] for f in values] == ["提示"]                              # case dot_month_id
    assert "同一行的身份证号为 10 月，按 1975-10 读取" in values[0]["message"]
    assert not [f for f in _findings(summary, file, "S-ID") if f["row"] == typed["id_row"]]
    rows = list(wb["大师身份信息"].iter_rows(values_only=True))
    [shown] = [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if r[0] == typed["id_leader"]]
    birth = shown["出生年月"]
    assert (birth.year, birth.month) == (1975, 10) if hasattr(birth, "year") else "1975-10" in str(birth)


def test_a_table_saved_as_csv_is_unusable_with_its_reason(merged):
    summary, _, _ = merged
    [file] = [f for f in summary["files"] if f["name"] == "左云县_附件7.csv"]
    assert file["status"] == "无法使用" and "另存为" in file["reason"] and ".xlsx" in file["reason"]
    assert [f["rule"] for f in summary["findings"] if f["file"] == "左云县_附件7.csv"] == ["C-TEMPLATE"]


# ---------------------------------------------------------------- 表4-2 amounts in 元

def _funding_sheets(wb):
    return [ws for ws in wb if ws.title.startswith("表4-2")]


def _amount_cells(ws):
    """The amount cells under each 金额（万元） header of a printed 表4-2, and the headers."""
    heads = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "金额" in c.value]
    cells = []
    for head in heads:
        r = head.row + 1
        while isinstance(ws.cell(r, head.column).value, int | float):
            cells.append(ws.cell(r, head.column))
            r += 1
    return heads, cells


@pytest.fixture(scope="module")
def yuan(tmp_path_factory, policy):
    """The same bases sent three ways: as printed (万元), with the amount headers in 元 and the numbers
    in 元, and with 万元 headers but every amount typed '250000元'."""
    from macros_py.write.printed import write_printed_submission

    root = tmp_path_factory.mktemp("yuan")
    samples = [s for s in generate(policy) if not s.breaks and len(s.data["bases"]) >= 2][:3]
    out = {}
    for way, sample in zip(("as_printed", "header_yuan", "cells_yuan"), samples, strict=True):
        inbox = root / way
        inbox.mkdir()
        path = write_printed_submission(inbox / f"{way}.xlsx", sample.data, policy)
        wb = openpyxl.load_workbook(path)
        for ws in _funding_sheets(wb):
            heads, cells = _amount_cells(ws)
            for cell in cells:
                if way == "header_yuan":
                    cell.value = cell.value * 10000
                elif way == "cells_yuan":
                    cell.value = f"{round(cell.value * 10000)}元"
            if way == "header_yuan":
                for head in heads:
                    head.value = head.value.replace("万元", "元")
        wb.save(path)
        plain = root / f"{way}_plain"
        plain.mkdir()
        write_printed_submission(plain / f"{way}.xlsx", sample.data, policy)
        expected, _ = merge_corpus(plain, root / f"{way}_plain_out")
        got, _ = merge_corpus(inbox, root / f"{way}_out")
        out[way] = (expected, got)
    return out


@pytest.mark.parametrize("way", ["header_yuan", "cells_yuan"])
def test_amounts_in_yuan_are_read_as_wan(yuan, way):
    expected, got = yuan[way]
    money = lambda s: sorted((b["unit"], b["tier"], tuple(sorted(b["funding"].items())), b["total"])  # noqa: E731
                             for b in s["bases"])
    assert money(got) == money(expected)
    assert all(b["total"] > 0 and b["tier"] for b in got["bases"])
    errors = [f for f in got["findings"] if f["rule"] in ("B-SUMS", "B-SHARES", "B-SUBSIDY") and f["severity"] == "错误"]
    assert not errors
    said = [f for f in got["findings"] if f["rule"] == "C-VALUE"]
    if way == "header_yuan":      # once a table, at its first amount header
        assert len(said) == len(got["bases"]) and all("以元为单位" in f["message"] for f in said)
        assert all(f["severity"] == "提示" for f in said)
    else:                          # each cell that says 元, at the cell
        assert said and all("单位是“元”" in f["message"] for f in said)


# ---------------------------------------------------------------- a table pasted as a picture

def _png(width: int = 40, height: int = 20) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _pasted(path, studios=None) -> None:
    """附件7 pasted as a screenshot (its label, and a picture), and 附件8 typed in cells, or not at all."""
    import io

    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("附件7")
    ws.write(0, 0, "附件7")
    ws.insert_image(2, 0, "附件7.png", {"image_data": io.BytesIO(_png())})
    if studios:
        ws = wb.add_worksheet("附件8")
        ws.write(0, 0, "附件8")
        ws.write(1, 0, "市级技能大师工作室项目申报汇总表")
        ws.write(2, 0, "推荐单位：大同市交通运输局（公章）")
        _rows8(ws, studios)
    wb.close()


def _rows8(ws, studios, top: int = 3) -> None:
    """附件8's header at row `top` (0-based) of an XlsxWriter sheet, the studios under it."""
    keys = ("seq", "recommender", "leader", "unit", "nature", "address", "category", "occupation", "level",
            "honours", "other", "size")
    for c, text in enumerate(H8):
        ws.write(top, c, text)
    for n, studio in enumerate(studios, start=1):
        for c, key in enumerate(keys):
            value = n if key == "seq" else studio.get(key)
            if value:
                ws.write(top + n, c, value)


def test_a_table_pasted_as_a_picture_is_said_not_passed_over(tmp_path):
    inbox = tmp_path / "收件"
    inbox.mkdir()
    studios = Names().studios(2)
    _pasted(inbox / "交通局.xlsx", studios)
    _pasted(inbox / "只有图片.xlsx")
    summary, _ = merge_corpus(inbox, tmp_path)
    [picture] = [f for f in summary["findings"] if f["file"] == "交通局.xlsx" and f["rule"] == "C-TEMPLATE"]
    assert picture["severity"] == "警告" and picture["sheet"] == "附件7" and "只有图片" in picture["message"]
    assert sorted(s["leader"] for s in summary["studios"] if s["file"] == "交通局.xlsx") == \
        sorted(s["leader"] for s in studios)                        # 附件8 read as ever
    [only] = [f for f in summary["files"] if f["name"] == "只有图片.xlsx"]
    assert only["status"] == "无法使用" and "只有图片" in only["reason"]


def test_a_master_with_a_title_after_the_name_is_the_same_master(tmp_path):
    """邵鑫（高级技师）, 段霞秀 首席技师 and 梁 桂勇 in one county's 附件8, the same three masters plainly
    in another's: S-DUP for all three, the names shown as typed."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    plain = Names().studios(3)
    titled = [dict(s) for s in plain]
    for studio, leader in zip(titled, (f"{plain[0]['leader']}（高级技师）", f"{plain[1]['leader']} 首席技师",
                                       f"{plain[2]['leader'][0]} {plain[2]['leader'][1:]}"), strict=True):
        studio["leader"] = leader
    for name, studios, who in (("浑源.xlsx", titled, "浑源县人社局"), ("灵丘.xlsx", plain, "灵丘县人社局")):
        wb = openpyxl.Workbook()
        wb.active.title = "附件8"
        type_annex8(wb.active, studios, line=f"推荐单位：{who}")
        wb.save(inbox / name)
    summary, _ = merge_corpus(inbox, tmp_path)
    dup = {(f["file"], f["value"]) for f in summary["findings"] if f["rule"] == "S-DUP"}
    assert dup == {("浑源.xlsx", s["leader"]) for s in titled} | {("灵丘.xlsx", s["leader"]) for s in plain}
    assert sorted(s["leader"] for s in summary["studios"] if s["file"] == "浑源.xlsx") == \
        sorted(s["leader"] for s in titled)


def test_a_budget_naming_its_base_by_a_short_form_is_told_which_base_it_may_be(tmp_path, policy):
    """表4-2 says 大同二技校 for 附件7's 大同市第二技工学校: B-REQ unknown_unit asks whether it is that
    base (the base of 附件7 with no budget whose name is closest); the budget is not attached by guess."""
    from macros_py.write.printed import write_printed_submission

    inbox = tmp_path / "收件"
    inbox.mkdir()
    sample = next(s for s in generate(policy) if not s.breaks and len(s.data["bases"]) >= 2)
    data = sample.data
    data["bases"][0]["unit"] = "大同市第二技工学校"
    data["funding"][0]["unit"] = "大同市第二技工学校"
    path = write_printed_submission(inbox / "简称.xlsx", data, policy)
    wb = openpyxl.load_workbook(path)
    for ws in _funding_sheets(wb):
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "大同市第二技工学校" in cell.value:
                    cell.value = cell.value.replace("大同市第二技工学校", "大同二技校")
    wb.save(path)
    summary, _ = merge_corpus(inbox, tmp_path)
    asked = [f["message"] for f in summary["findings"] if f["rule"] == "B-REQ" and "大同二技校" in f["message"]]
    assert asked and all("名称相近的是“大同市第二技工学校”" in m for m in asked)
    base = next(b for b in summary["bases"] if b["unit"] == "大同市第二技工学校")
    assert base["funding"] in ({}, None) or not any(base["funding"].values())


def test_an_option_written_short_is_read_as_the_one_option_it_begins(tmp_path):
    """类别 工艺 / 创新 is 工艺传承 / 创新创优 (C-VALUE abbrev, at the cell); 高级 begins two 职业技能等级
    (高级技师, 高级工) and stays as typed."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    studios = Names().studios(3)
    studios[0]["category"], studios[1]["category"], studios[2]["level"] = "工艺", "创新", "高级"
    wb = openpyxl.Workbook()
    wb.active.title = "附件8"
    first = type_annex8(wb.active, studios, line="推荐单位：左云县人社局")
    wb.save(inbox / "左云.xlsx")
    summary, _ = merge_corpus(inbox, tmp_path)
    got = {s["leader"]: s for s in summary["studios"]}
    assert got[studios[0]["leader"]]["category"] == "工艺传承" and got[studios[1]["leader"]]["category"] == "创新创优"
    said = {f["cell"]: f for f in summary["findings"] if f["rule"] == "C-VALUE"}
    assert {c for c, f in said.items() if "选项的开头" in f["message"]} == {f"G{first}", f"G{first + 1}"}
    assert all(said[c]["severity"] == "提示" for c in (f"G{first}", f"G{first + 1}"))
    assert got[studios[2]["leader"]]["level"] == "高级"


def test_a_recommender_printed_in_the_page_header_or_a_text_box_is_read(tmp_path):
    """推荐单位 typed only in the page header (页眉) of 附件7, or only in a text box over the table: the
    projects land under it, and the file is told where it was found (C-RECOMMENDER page, a hint)."""
    import xlsxwriter

    inbox = tmp_path / "收件"
    inbox.mkdir()
    n = Names()
    header_bases, box_studios = n.bases(2), n.studios(2)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件7"
    type_annex7(ws, header_bases, line=None)
    ws.oddHeader.center.text = "推荐单位：灵丘县人社局（公章）"
    wb.save(inbox / "页眉.xlsx")

    book = xlsxwriter.Workbook(str(inbox / "文本框.xlsx"))
    ws = book.add_worksheet("附件8")
    ws.write(0, 0, "附件8")
    ws.insert_textbox(1, 0, "市级技能大师工作室项目申报汇总表\n推荐单位：广灵县人力资源和社会保障局（公章）",
                      {"width": 600, "height": 40})
    _rows8(ws, box_studios)
    book.close()

    summary, _ = merge_corpus(inbox, tmp_path)
    assert {b["recommender"] for b in summary["bases"] if b["file"] == "页眉.xlsx"} == {"灵丘县人力资源和社会保障局"}
    assert {s["recommender"] for s in summary["studios"] if s["file"] == "文本框.xlsx"} == {"广灵县人力资源和社会保障局"}
    for file, place in (("页眉.xlsx", "页眉"), ("文本框.xlsx", "文本框")):
        [said] = [f for f in summary["findings"] if f["file"] == file and f["rule"] == "C-RECOMMENDER"]
        assert said["severity"] == "提示" and f"的{place}里" in said["message"]


def test_a_project_typed_twice_with_other_values_is_told_what_differs(tmp_path):
    """The same unit on two rows of 附件7, once per campus (another address, other majors): C-ROWDUP names
    the columns that differ and says the second row's were not merged; a row typed twice alike says
    it is the same row."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    bases = Names().bases(2)
    campus = dict(bases[0], address="大同市平城区南郊校区1号", majors="电工、钳工")
    wb = openpyxl.Workbook()
    wb.active.title = "附件7"
    first, at, _ = type_annex7(wb.active, [bases[0], campus, bases[1], dict(bases[1])],
                               line="推荐单位：浑源县人社局")
    wb.save(inbox / "浑源.xlsx")
    summary, _ = merge_corpus(inbox, tmp_path)
    said = {f["row"]: f["message"] for f in summary["findings"] if f["rule"] == "C-ROWDUP"}
    assert set(said) == {first + 1, first + 3}
    assert "“项目所在地址”、“申报专业”不同" in said[first + 1] and "没有汇总" in said[first + 1]
    assert said[first + 3].startswith(f"与第 {first + 2} 行重复")
    assert sorted(b["unit"] for b in summary["bases"]) == sorted(b["unit"] for b in bases)


def test_a_budget_without_its_total_line_is_the_sum_of_its_contents(tmp_path, policy):
    """表4-2 typed without its 合计 line: the base's budget is its contents added up (C-VALUE no_total, a
    hint at the table), the same as the printed form's; no row is counted that the file does not have."""
    from macros_py.write.printed import write_printed_submission

    sample = next(s for s in generate(policy) if not s.breaks and len(s.data["bases"]) >= 2)
    plain, cut = tmp_path / "原表", tmp_path / "收件"
    plain.mkdir()
    cut.mkdir()
    write_printed_submission(plain / "表.xlsx", sample.data, policy)
    path = write_printed_submission(cut / "表.xlsx", sample.data, policy)
    wb = openpyxl.load_workbook(path)
    ws = _funding_sheets(wb)[0]
    [total] = [c.row for row in ws.iter_rows() for c in row if c.column == 1 and "".join(str(c.value).split()) == "合计"]
    ws.delete_rows(total)
    wb.save(path)
    expected, _ = merge_corpus(plain, tmp_path / "o1")
    got, master = merge_corpus(cut, tmp_path / "o2")
    money = {b["unit"]: (b["funding"], b["total"], b["tier"]) for b in expected["bases"]}
    assert {b["unit"]: (b["funding"], b["total"], b["tier"]) for b in got["bases"]} == money
    said = [f for f in got["findings"] if f["rule"] == "C-VALUE" and "没有“合计”行" in f["message"]]
    assert len(said) == 1 and said[0]["sheet"] == ws.title and said[0]["severity"] == "提示"
    assert got["rows_read"] == expected["rows_read"] - 1 == got["rows_merged"] + got["rows_rejected"]
    made = [r for r in master["经费汇总"].iter_rows(values_only=True) if r[3] == "合计" and r[-1] is None]
    assert len(made) == 1                       # the computed 合计 shows, without a row of the file


def test_a_name_with_a_full_width_space_is_one_base_on_every_sheet(tmp_path, policy):
    """附件7 names a base 大同市　XX学校 (a full-width space typed inside) and its 表4-2 without it: one
    base, its budget attached and 经费汇总 showing its tier, as for any base."""
    from macros_py.write.printed import write_printed_submission

    sample = next(s for s in generate(policy) if not s.breaks and len(s.data["bases"]) >= 2)
    inbox = tmp_path / "收件"
    inbox.mkdir()
    path = write_printed_submission(inbox / "空格.xlsx", sample.data, policy)
    wb = openpyxl.load_workbook(path)
    unit = sample.data["bases"][0]["unit"]
    [cell] = [c for row in wb["附件7"].iter_rows() for c in row if c.value == unit]
    cell.value = unit[:3] + "\u3000" + unit[3:]
    wb.save(path)
    summary, master = merge_corpus(inbox, tmp_path)
    [base] = [b for b in summary["bases"] if b["unit"].replace(" ", "") == unit]
    assert base["tier"] and base["total"] > 0
    rows = list(master["经费汇总"].iter_rows(values_only=True))
    tiers = {r[rows[0].index("申报档次")] for r in rows[1:] if str(r[1]).replace(" ", "") == unit}
    assert tiers == {base["tier"]}


def test_of_two_identical_files_the_copy_is_the_one_set_aside(tmp_path):
    """农业局.xlsx and its Windows copy 农业局 - 副本.xlsx (the same bytes): the original is merged, the
    copy is 重复文件; the copy's name sorts first, and used to be the one kept."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    wb = openpyxl.Workbook()
    wb.active.title = "附件7"
    type_annex7(wb.active, Names().bases(2), line="推荐单位：大同市农业农村局")
    wb.save(inbox / "农业局.xlsx")
    (inbox / "农业局 - 副本.xlsx").write_bytes((inbox / "农业局.xlsx").read_bytes())
    summary, _ = merge_corpus(inbox, tmp_path)
    status = {f["name"]: f["status"] for f in summary["files"]}
    assert status == {"农业局.xlsx": "已汇总", "农业局 - 副本.xlsx": "重复文件"}
    assert {b["file"] for b in summary["bases"]} == {"农业局.xlsx"}
