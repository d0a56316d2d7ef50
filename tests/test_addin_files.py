"""生成报送文件, 新建申报簿, 合并文件夹…, 打开汇总报告, 使用说明 and 版本 through the ribbon's functions,
with xlwings' objects stood in (xl_standin) and real files on disk."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from openpyxl import load_workbook
from test_addin_ribbon import run, snapshot
from xl_standin import StandInApp, StandInBook

import macros_py
from macros_py.addin import ribbon as xl_addin
from macros_py.addin.mark_plan import LEDGER_SHEET, RESULT_SHEET
from macros_py.addin.merge_runs import STATE_FILE, outputs_for
from macros_py.check.engine import check_paths
from macros_py.model.errors import ShenbaoError
from macros_py.model.paths import SAMPLES_DIR, WORKBOOKS_DIR
from macros_py.policy.load import default_policy
from macros_py.read.workbook import read_submission
from macros_py.write.materials import SHEET_TITLE

SAMPLE = "01_平城区人力资源和社会保障局.xlsx"
TEMPLATE = WORKBOOKS_DIR / "申报工作簿_2025.xlsx"


@pytest.fixture
def marked_sample(tmp_path):
    """A county workbook in its own folder, checked by 校验本簿 (so it carries marks), and saved."""
    folder = tmp_path / "平城区"
    folder.mkdir()
    path = folder / "申报.xlsx"
    shutil.copyfile(SAMPLES_DIR / SAMPLE, path)
    run(xl_addin.check_workbook, path)
    return path


def test_export_writes_the_clean_copy_the_report_and_the_checklist(marked_sample):
    day = dt.date.today()
    marked = snapshot(marked_sample)
    book = run(xl_addin.export_submission, marked_sample)
    stem = f"平城区人力资源和社会保障局_{day:%Y%m%d}"
    folder = marked_sample.parent
    clean, report, checklist = (folder / f"{stem}_申报工作簿.xlsx", folder / f"{stem}_校验报告.html",
                                folder / f"{stem}_报送材料清单.xlsx")
    assert clean.is_file() and report.is_file() and checklist.is_file()
    assert sorted(p.name for p in folder.iterdir()) == sorted(["申报.xlsx", clean.name, report.name, checklist.name])

    # The clean copy is the county's workbook without any mark; the open workbook keeps its marks.
    assert snapshot(clean) == snapshot(SAMPLES_DIR / SAMPLE)
    assert snapshot(marked_sample) == marked
    opened = book.app.books.opened
    assert len(opened) == 1 and opened[0].closed  # the marks were taken off in a copy Excel opened

    findings = check_paths([SAMPLES_DIR / SAMPLE]).findings
    html = report.read_text(encoding="utf-8")
    assert clean.name in html and all(f.message in html for f in findings)
    prompt = book.app.alerts[-1]["prompt"]
    assert all(p.name in prompt for p in (clean, report, checklist)) and "还有错误" in prompt


def test_the_checklist_lists_the_notices_materials_for_every_base_and_studio(marked_sample):
    run(xl_addin.export_submission, marked_sample)
    policy = default_policy()
    sub = read_submission(SAMPLES_DIR / SAMPLE)
    path = next(marked_sample.parent.glob("*_报送材料清单.xlsx"))
    ws = load_workbook(path)[SHEET_TITLE]
    lines = [[v for v in row if v is not None] for row in ws.iter_rows(values_only=True)]
    text = "\n".join(str(v) for row in lines for v in row)
    assert "推荐单位：平城区人力资源和社会保障局" in text
    assert "一式3份" in text and "光盘1张" in text and "2025年12月30日前" in text
    titles = [row[0] for row in lines if row and str(row[0]).startswith(("培训基地", "技能大师工作室"))]
    units = [r.values["unit"] for r in sub.rows("bases")]
    leaders = [r.values["leader"] for r in sub.rows("studios")]
    assert len(titles) == len(units) + len(leaders) == 8
    assert all(u in t and "附件5" in t for u, t in zip(units, titles, strict=False))
    assert all(name in t and "附件6" in t for name, t in zip(leaders, titles[len(units):], strict=True))
    tables = [row for row in lines if len(row) == 2 and isinstance(row[0], int)]
    expected = [(n, m) for _ in units for n, m in enumerate(policy.get("materials.base"), 1)]
    expected += [(n, m) for _ in leaders for n, m in enumerate(policy.get("materials.studio"), 1)]
    assert [tuple(r) for r in tables] == expected


def test_export_of_an_unmarked_workbook_copies_it_as_it_is(tmp_path):
    path = tmp_path / "13.xlsx"
    shutil.copyfile(SAMPLES_DIR / "13_大同市住房和城乡建设局.xlsx", path)
    book = run(xl_addin.export_submission, path)
    clean = next(tmp_path.glob("大同市住房和城乡建设局_*_申报工作簿.xlsx"))
    assert snapshot(clean) == snapshot(path)
    assert book.app.books.opened == [] and "还有错误" not in book.app.alerts[-1]["prompt"]
    assert RESULT_SHEET not in load_workbook(clean).sheetnames and LEDGER_SHEET not in load_workbook(clean).sheetnames


def test_export_needs_a_recommender_and_a_saved_workbook(tmp_path):
    path = tmp_path / "blank.xlsx"
    shutil.copyfile(TEMPLATE, path)
    book = run(xl_addin.export_submission, path)
    assert book.app.alerts[-1]["prompt"].startswith("推荐单位未填写：请在“填报说明”的 C3 填写")

    class Unsaved(StandInBook):
        fullname = "工作簿1"

    book = Unsaved(path)
    xl_addin.export_submission(book)
    assert book.app.alerts[-1]["prompt"].startswith("请先保存本工作簿")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blank.xlsx"]


def test_export_never_overwrites_the_open_workbook(tmp_path):
    path = tmp_path / f"平城区人力资源和社会保障局_{dt.date.today():%Y%m%d}_申报工作簿.xlsx"
    shutil.copyfile(SAMPLES_DIR / SAMPLE, path)
    before = path.read_bytes()
    book = StandInBook(path)
    xl_addin.export_submission(book)
    assert "不能用它覆盖自己" in book.app.alerts[-1]["prompt"] and path.read_bytes() == before


def test_new_workbook_saves_the_standard_workbook_where_the_user_chose_and_opens_it(tmp_path):
    target = tmp_path / "我的申报.xlsx"
    app = StandInApp(save_as=str(target))
    xl_addin.new_workbook(app)
    assert target.read_bytes() == TEMPLATE.read_bytes()
    assert [b.path for b in app.books.opened] == [target]
    assert app.alerts[-1]["prompt"].startswith(f"已新建申报工作簿：{target}")


def test_new_workbook_asks_before_replacing_and_does_nothing_when_cancelled(tmp_path):
    target = tmp_path / "old.xlsx"
    target.write_bytes(b"mine")
    app = StandInApp(save_as=str(target), answers=["no"])
    xl_addin.new_workbook(app)
    assert target.read_bytes() == b"mine" and "已存在" in app.alerts[-1]["prompt"] and not app.books.opened
    app = StandInApp(save_as=str(target), answers=["yes"])
    xl_addin.new_workbook(app)
    assert target.read_bytes() == TEMPLATE.read_bytes()
    cancelled = StandInApp()
    xl_addin.new_workbook(cancelled)
    assert cancelled.alerts == [] and cancelled.books.opened == []


def test_new_workbook_refuses_another_file_type_in_chinese(tmp_path):
    app = StandInApp(save_as=str(tmp_path / "x.xls"))
    xl_addin.new_workbook(app)
    assert app.alerts[-1]["mode"] == "critical" and "应保存为 .xlsx" in app.alerts[-1]["prompt"]


def test_merge_folder_writes_master_and_report_beside_the_inbox_and_remembers_them(tmp_path, monkeypatch):
    monkeypatch.setenv("APPDATA", str(tmp_path / "appdata"))
    opened = []
    monkeypatch.setattr(xl_addin, "_open_file", opened.append)
    inbox = tmp_path / "收件"
    inbox.mkdir()
    for name in sorted(p.name for p in SAMPLES_DIR.glob("*.xlsx"))[:3]:
        shutil.copyfile(SAMPLES_DIR / name, inbox / name)
    app = StandInApp(folder=str(inbox), answers=["yes"])
    xl_addin.merge_folder(app)
    master, report = outputs_for(inbox)
    assert master.is_file() and report.is_file(), app.alerts
    prompt = app.alerts[-1]["prompt"]
    assert prompt.startswith(f"合并完成：{inbox}") and str(report) in prompt and str(master) in prompt
    assert "对账：读取" in prompt and "[1/3]" not in prompt  # totals, not one line per file
    assert opened == [report]
    state = json.loads((tmp_path / "appdata" / "shenbao" / STATE_FILE).read_text(encoding="utf-8"))
    assert state["last_merge"]["report"] == str(report)

    later = StandInApp()
    xl_addin.open_report(later)
    assert opened == [report, report] and later.alerts == []
    xl_addin.merge_folder(StandInApp(folder=str(inbox), answers=["no"]))  # a re-run over the same inbox
    assert master.is_file() and opened == [report, report]


def test_merge_folder_cancelled_does_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("APPDATA", str(tmp_path / "appdata"))
    app = StandInApp()
    xl_addin.merge_folder(app)
    assert app.alerts == [] and not (tmp_path / "appdata").exists()


def test_open_report_before_any_merge_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("APPDATA", str(tmp_path / "appdata"))
    app = StandInApp()
    xl_addin.open_report(app)
    assert app.alerts[-1]["mode"] == "critical" and "请先点“合并文件夹…”" in app.alerts[-1]["prompt"]


def test_help_and_version(tmp_path):
    app = StandInApp()
    xl_addin.show_help(app)
    xl_addin.show_version(app)
    help_text, version = (a["prompt"] for a in app.alerts)
    assert all(word in help_text for word in ("校验本簿", "清除标记", "生成报送文件", "SB_CHECK", "SB_IDCARD"))
    assert version.startswith(f"shenbao {macros_py.__version__}") and "同人社发〔2025〕100号" in version


def test_a_merge_that_fails_says_why_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setenv("APPDATA", str(tmp_path / "appdata"))

    def refuse(*args, **kwargs):
        raise ShenbaoError("汇总工作簿正在 Excel 中打开")

    monkeypatch.setattr("macros_py.jobs.merge.run_merge", refuse)
    inbox = tmp_path / "收件"
    inbox.mkdir()
    app = StandInApp(folder=str(inbox))
    xl_addin.merge_folder(app)
    assert app.alerts[-1] == {"prompt": "汇总没有完成：汇总工作簿正在 Excel 中打开", "title": "高技能人才申报",
                              "buttons": "ok", "mode": "critical"}
    assert not (tmp_path / "appdata" / "shenbao" / STATE_FILE).exists()
