"""校验本簿 and 清除标记 on real workbooks, through the functions the ribbon calls, with only xlwings'
objects stood in (xl_standin: a Book backed by the file on disk, saved back after the action)."""

from __future__ import annotations

import copy
import json
import shutil

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from xl_standin import StandInApp, StandInBook

from macros_py.addin import ribbon as xl_addin
from macros_py.addin.mark_plan import (
    LEDGER_SHEET,
    RESULT_HEADERS,
    RESULT_SHEET,
    link_formula,
    union_addresses,
)
from macros_py.check.engine import check_paths
from macros_py.check.marks import FILL
from macros_py.model.paths import SAMPLES_DIR
from macros_py.rules.catalog import BUREAU, CATALOG
from macros_py.write.fill import write_filled
from macros_py.write.results_sheet import HEADER_ROW

MANIFEST = json.loads((SAMPLES_DIR / "manifest.json").read_text(encoding="utf-8"))
BROKEN = sorted({b["file"] for b in MANIFEST["breaks"] if CATALOG[b["rule"]].where != BUREAU})


def snapshot(path) -> dict:
    """Everything 校验本簿 may touch, per sheet: visibility, protection, and each cell's value, fill
    (as Excel's Interior shows it: pattern and colour) and note text."""
    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        p = ws.protection
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and c.fill.fill_type is None and c.comment is None:
                    continue
                # Excel keeps no alpha for a fill colour: "00FFFF00" and "FFFFFF00" are the same yellow.
                colour = c.fill.fgColor.rgb[-6:] if c.fill.fill_type else None
                cells[c.coordinate] = (c.value, c.fill.fill_type, colour,
                                       c.comment.text if c.comment else None)
        out[ws.title] = (ws.sheet_state, (p.sheet, p.formatCells, p.objects, p.formatColumns, p.sort), cells)
    return out


def run(action, path, app=None):
    """One ribbon action on the workbook at `path`, as Excel would run it; the book is then saved."""
    book = StandInBook(path, app or StandInApp())
    action(book)
    book.save()
    return book


def copy_sample(tmp_path, name):
    target = tmp_path / name
    shutil.copyfile(SAMPLES_DIR / name, target)
    return target


@pytest.mark.parametrize("name", BROKEN)
def test_check_marks_each_deliberate_break_and_lists_every_finding(tmp_path, name):
    path = copy_sample(tmp_path, name)
    findings = check_paths([SAMPLES_DIR / name]).findings
    book = run(xl_addin.check_workbook, path)
    assert book.app.alerts[-1]["mode"] == "info" and book.app.alerts[-1]["prompt"].startswith("校验完成")
    wb = load_workbook(path)
    for brk in (b for b in MANIFEST["breaks"] if b["file"] == name and CATALOG[b["rule"]].where != BUREAU):
        cell = wb[brk["sheet"]][brk["cell"]]
        worst = min((f for f in findings if f.sheet == brk["sheet"] and f.cell == brk["cell"]),
                    key=lambda f: ["错误", "警告", "提示"].index(f.severity))
        assert cell.fill.fgColor.rgb == "FF" + FILL[worst.severity], brk
        assert cell.fill.fgColor.rgb in ("FFFFC7CE", "FFFFEB9C")  # red 错误 or yellow 警告
        assert all(f.message in cell.comment.text for f in findings
                   if f.sheet == brk["sheet"] and f.cell == brk["cell"]), brk
    results = wb[RESULT_SHEET]
    assert wb.sheetnames[0] == RESULT_SHEET and wb[LEDGER_SHEET].sheet_state == "veryHidden"
    assert [results.cell(r, 1).value for r in (1, 2)] == [RESULT_SHEET, f"文件：{name}"]
    assert results["A3"].value.startswith(f"共 {len(findings)} 条：错误 ")
    rows = list(results.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW + len(findings), values_only=True))
    assert rows[0] == RESULT_HEADERS
    assert [(r[1], r[2], r[3], r[7]) for r in rows[1:]] == [(f.severity, f.rule, f.sheet or "（整个文件）", f.message)
                                                            for f in findings]
    for row, f in zip(rows[1:], findings, strict=True):
        assert row[4] == (link_formula(f.sheet, f.cell) if f.cell else None)
    assert link_formula("附件7 基地汇总", "H4") == '=HYPERLINK("#\'附件7 基地汇总\'!H4","附件7 基地汇总!H4")'


def test_a_second_run_leaves_the_same_workbook(tmp_path):
    path = copy_sample(tmp_path, "01_平城区人力资源和社会保障局.xlsx")
    run(xl_addin.check_workbook, path)
    first = snapshot(path)
    book = run(xl_addin.check_workbook, path)
    assert snapshot(path) == first
    assert load_workbook(path).sheetnames.count(RESULT_SHEET) == 1
    assert book.app.calls["range.add_note"] == 0  # notes replaced in place, never added twice


def test_clear_returns_every_cell_to_its_original_state_including_the_users_own_marks(tmp_path):
    path = tmp_path / "mine.xlsx"
    wb = load_workbook(SAMPLES_DIR / "02_云冈区人力资源和社会保障局.xlsx")
    ws = wb["基地条件"]
    # The user's own colour and note on a cell the check marks (N4: 师生比 1:25) and on one it does not.
    ws["N4"].fill = PatternFill("solid", fgColor="92D050")
    ws["N4"].comment = Comment("王：请核对学员数", "王")
    ws["B5"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["B5"].comment = Comment("自己的备注", "王")
    wb.save(path)
    untouched = snapshot(path)

    run(xl_addin.check_workbook, path)
    marked = load_workbook(path)["基地条件"]
    assert marked["N4"].fill.fgColor.rgb == "FF" + FILL["错误"]
    assert marked["N4"].comment.text.startswith("王：请核对学员数\n\n【错误】B-RATIO 师生比 1:25")
    assert marked["B5"].fill.fgColor.rgb[-6:] == "FFFF00" and marked["B5"].comment.text == "自己的备注"
    run(xl_addin.check_workbook, path)  # restoring must use the originals recorded by the first run

    book = run(xl_addin.clear_marks, path)
    assert book.app.alerts[-1]["prompt"].startswith("已清除 1 个单元格的标记")
    assert snapshot(path) == untouched


def test_clear_without_marks_says_so_and_touches_nothing(tmp_path):
    path = copy_sample(tmp_path, "13_大同市住房和城乡建设局.xlsx")
    before = snapshot(path)
    book = run(xl_addin.clear_marks, path)
    assert "没有“校验本簿”留下的标记" in book.app.alerts[-1]["prompt"]
    assert snapshot(path) == before and sum(book.app.calls.values()) <= 2 * len(before)


def test_a_clean_workbook_gets_an_empty_result_list_that_clear_removes(tmp_path):
    path = copy_sample(tmp_path, "13_大同市住房和城乡建设局.xlsx")
    before = snapshot(path)
    book = run(xl_addin.check_workbook, path)
    assert book.app.alerts[-1]["prompt"].startswith("校验完成：未发现问题")
    assert load_workbook(path)[RESULT_SHEET][f"H{HEADER_ROW + 1}"].value == "未发现问题。"
    run(xl_addin.clear_marks, path)
    assert snapshot(path) == before


def test_values_are_read_and_written_in_blocks(tmp_path, clean_data, policy):
    """Marks grow with the findings; calls that read or write values do not, and fills are painted per
    sheet and colour (runs down a column in one address), not per cell."""
    data = copy.deepcopy(clean_data)
    for base in data["bases"]:
        base["attribute"] = None              # 20 × B-REQ in one column
        base["mobile"] = "1234"               # 20 × C-PHONE in another
    path = write_filled(tmp_path / "many.xlsx", data, policy)
    book = run(xl_addin.check_workbook, path)
    calls = book.app.calls
    marked = calls["range.add_note"]
    assert marked >= 40
    assert calls["range.value.get"] == 0      # the data is read from SaveCopyAs's copy, in one call
    assert calls["SaveCopyAs"] == 1
    assert calls["range.value.set"] == 2      # the bookkeeping sheet and 校验结果, one block each
    assert calls["range.color.get"] == 0 and calls["range.note.get"] == 0   # originals from the copy
    assert calls["range.color.set"] <= 6      # 附件7: red and yellow; 校验结果: severity column
    second = run(xl_addin.check_workbook, path).app.calls
    assert second["range.value.get"] == 1     # the bookkeeping, read back in one block
    assert second["range.color.set"] <= 6 and second["note.text.set"] == marked


def test_union_addresses_respect_excels_limit():
    cells = [f"C{r}" for r in range(4, 24)] + [f"J{r}" for r in range(4, 400, 2)]
    parts = union_addresses(cells)
    assert parts[0].startswith("C4:C23,J4,J6")
    assert all(len(p) <= 255 for p in parts)
    # As few parts as the limit allows: no part could have taken the next part's first address.
    assert all(len(a) + 1 + len(b.split(",")[0]) > 255 for a, b in zip(parts, parts[1:], strict=False))
    assert sorted(a for p in parts for a in p.split(",")) == sorted(["C4:C23"] + [f"J{r}" for r in range(4, 400, 2)])


def test_protection_is_lifted_for_the_marks_and_set_again(tmp_path):
    path = copy_sample(tmp_path, "02_云冈区人力资源和社会保障局.xlsx")
    book = run(xl_addin.check_workbook, path)
    assert book.app.calls["Unprotect"] == book.app.calls["Protect"] == 1
    ws = load_workbook(path)["基地条件"]
    assert ws.protection.sheet and ws.protection.formatCells and not ws.protection.sort


def test_a_password_protected_sheet_stops_with_a_chinese_message(tmp_path):
    path = tmp_path / "locked.xlsx"
    wb = load_workbook(SAMPLES_DIR / "02_云冈区人力资源和社会保障局.xlsx")
    wb["基地条件"].protection.password = "secret"
    wb.save(path)
    book = run(xl_addin.check_workbook, path)
    alert = book.app.alerts[-1]
    assert alert["mode"] == "critical" and "工作表“基地条件”设有保护密码" in alert["prompt"]
    assert "Traceback" not in alert["prompt"]


def test_a_results_sheet_the_add_in_did_not_write_is_never_replaced(tmp_path):
    path = tmp_path / "own.xlsx"
    wb = load_workbook(SAMPLES_DIR / "02_云冈区人力资源和社会保障局.xlsx")
    wb.create_sheet(RESULT_SHEET)["A1"] = "我自己的表"
    wb.save(path)
    book = run(xl_addin.check_workbook, path)
    assert "不是本加载项上次写入的" in book.app.alerts[-1]["prompt"]
    assert load_workbook(path)[RESULT_SHEET]["A1"].value == "我自己的表"


def test_an_unforeseen_error_becomes_a_message_box_and_a_log(tmp_path, monkeypatch):
    monkeypatch.setenv("APPDATA", str(tmp_path / "appdata"))

    def broken(book, policy=None):
        raise KeyError("boom")

    monkeypatch.setattr("macros_py.addin.excel_marks.check_book", broken)
    book = StandInBook(copy_sample(tmp_path, "02_云冈区人力资源和社会保障局.xlsx"))
    xl_addin.check_workbook(book)  # must not raise
    alert = book.app.alerts[-1]
    assert alert["mode"] == "critical" and alert["prompt"].startswith("程序出错（KeyError")
    log = tmp_path / "appdata" / "shenbao" / xl_addin.LOG_FILE
    assert str(log) in alert["prompt"] and "Traceback" in log.read_text(encoding="utf-8")


def test_a_workbook_excel_cannot_copy_gives_a_chinese_reason(tmp_path):
    class NoCopy(StandInBook):
        @property
        def api(self):
            class Api:
                ProtectStructure = False

                def SaveCopyAs(self, filename):
                    raise OSError("disk full")
            return Api()

    book = NoCopy(copy_sample(tmp_path, "02_云冈区人力资源和社会保障局.xlsx"))
    xl_addin.check_workbook(book)
    assert "无法为校验保存工作簿的临时副本" in book.app.alerts[-1]["prompt"]


def test_no_workbook_to_check_is_a_message_not_a_traceback(monkeypatch):
    import xlwings

    def no_caller():
        raise RuntimeError("No active workbook")

    shown = []
    monkeypatch.setattr(xlwings.Book, "caller", staticmethod(no_caller))
    monkeypatch.setattr(xl_addin, "_alert_failure", lambda app, message: shown.append((app, message)))
    for action in (xl_addin.check_workbook, xl_addin.clear_marks, xl_addin.export_submission):
        action()
    assert shown == [(None, "没有可处理的工作簿：请先打开申报工作簿（并结束正在编辑的单元格），再点按钮。")] * 3
