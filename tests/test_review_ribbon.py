"""The ribbon's 评审 group (生成评审表, 汇总评分) through the functions the buttons call, with only xlwings'
objects stood in (xl_standin), as tests/test_addin_ribbon.py does for 校验本簿."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET

from review_helpers import EXPERT_INPUT, copy_returned
from xl_standin import StandInApp

from macros_py.addin import ribbon as xl_addin
from macros_py.addin.merge_runs import STATE_FILE
from macros_py.model.paths import ADDIN_DIR, SAMPLES_DIR
from macros_py.review.example import merge_samples


def remember_master(tmp_path, monkeypatch, policy):
    monkeypatch.setenv("APPDATA", str(tmp_path / "appdata"))
    master, _ = merge_samples(SAMPLES_DIR, tmp_path / "m", policy)
    state = tmp_path / "appdata" / "shenbao"
    state.mkdir(parents=True)
    (state / STATE_FILE).write_text(json.dumps({"last_merge": {"master": str(master), "report": "", "inbox": ""}}),
                                    encoding="utf-8")
    return master


def test_the_review_group_and_its_buttons_are_on_the_ribbon():
    ns = {"ui": "http://schemas.microsoft.com/office/2009/07/customui"}
    root = ET.parse(ADDIN_DIR / "customUI14.xml").getroot()
    group = root.find(".//ui:group[@id='sb_group_review']", ns)
    assert group.get("label") == "评审"
    assert [(b.get("id"), b.get("label")) for b in group.findall("ui:button", ns)] == [
        ("sb_review_prepare", "生成评审表"), ("sb_review_collect", "汇总评分")]
    assert xl_addin.ACTIONS["sb_review_prepare"] == "review_prepare"
    assert xl_addin.ACTIONS["sb_review_collect"] == "review_collect"


def test_generate_review_sheets_from_the_last_merge(tmp_path, monkeypatch, policy):
    remember_master(tmp_path, monkeypatch, policy)
    folder = tmp_path / "评审"
    folder.mkdir()
    shutil.copyfile(EXPERT_INPUT, folder / "专家名单.xlsx")
    app = StandInApp(folder=str(folder))
    xl_addin.review_prepare(app)
    assert app.alerts[-1]["mode"] == "info", app.alerts
    assert app.alerts[-1]["prompt"].startswith(f"评审表已生成：{folder}")
    assert len(list((folder / "评审表" / "评分表").glob("*.xlsx"))) == 7 and (folder / "评审表" / "复核表.xlsx").is_file()


def test_collect_scores_beside_the_folder_and_offers_the_report(tmp_path, monkeypatch, policy):
    remember_master(tmp_path, monkeypatch, policy)
    opened = []
    monkeypatch.setattr(xl_addin, "_open_file", opened.append)
    folder = copy_returned(tmp_path)
    app = StandInApp(folder=str(folder), answers=["yes"])
    xl_addin.review_collect(app)
    out = folder.parent / f"{folder.name}_评审结果"
    prompt = app.alerts[-1]["prompt"]
    assert prompt.startswith(f"评分已汇总：{folder}") and "补助合计 560 万元" in prompt
    assert (out / "评审结果.xlsx").is_file() and opened == [out / "评审报告.html"]


def test_without_a_merge_or_an_expert_list_the_buttons_say_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("APPDATA", str(tmp_path / "appdata"))
    folder = tmp_path / "空"
    folder.mkdir()
    app = StandInApp(folder=str(folder))
    xl_addin.review_prepare(app)
    assert app.alerts[-1]["mode"] == "critical" and "请先点“合并文件夹…”" in app.alerts[-1]["prompt"]
    xl_addin.review_collect(app)
    assert app.alerts[-1]["mode"] == "critical" and "没有复核表" in app.alerts[-1]["prompt"]
    cancelled = StandInApp()
    xl_addin.review_prepare(cancelled)
    assert cancelled.alerts == []
