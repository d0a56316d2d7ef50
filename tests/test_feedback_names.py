"""Feedback files never collide and a long name is never a crash (write/feedback.py, model/paths.py).

"测试单位甲", "测试单位 甲" and "测试/单位:甲" once wrote one file between them (two lost, while the console
said 4 个), two unusable 坏.xlsx in two subfolders shared one, and a 122-character recommender raised
`OSError: File name too long` after the master was written.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import sqlite3

import pytest

from macros_py.cli.main import main
from macros_py.model.paths import NAME_BYTES, safe_name, unique_names
from macros_py.write.outputs import FEEDBACK

NAMES = ["测试单位甲", "测试单位 甲", "测试/单位:甲", "长" * 122]


@pytest.fixture(scope="module")
def merged(tmp_path_factory, policy):
    from macros_py.write.fill import write_filled
    from macros_py.write.samples import generate

    base = tmp_path_factory.mktemp("names")
    inbox = base / "收件"
    inbox.mkdir()
    clean = [s for s in generate(policy) if not s.breaks]
    for i, name in enumerate(NAMES):
        data = copy.deepcopy(clean[i].data)
        data["recommender"] = name
        write_filled(inbox / f"{i}.xlsx", data, policy)
    for sub in ("甲县", "乙县"):
        (inbox / sub).mkdir()
        (inbox / sub / "坏.xlsx").write_bytes(b"not a workbook")
    out = base / "out"
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        code = main(["merge", str(inbox), "-o", str(out / "汇总.xlsx"), "--feedback", str(out / "反馈"),
                     "--html", str(out / "报告.html"), "--summary-json", str(out / "s.json"), "--jobs", "1"])
    return code, out, said.getvalue()


def test_every_recommender_gets_its_own_feedback_file(merged):
    from openpyxl import load_workbook

    code, out, _ = merged
    assert code == 0
    files = sorted((out / "反馈").iterdir())
    assert len(files) == len(NAMES) + 2
    whom = {}
    for path in files:
        assert FEEDBACK.ours(path)
        ws = load_workbook(path, read_only=True)["反馈说明"]
        rows = {r[0]: r[1] for r in ws.iter_rows(min_row=3, max_col=2, values_only=True) if r[0]}
        whom[path.name] = rows["推荐单位"]
    assert sorted(v for v in whom.values() if "坏" not in v) == sorted(NAMES)
    assert {v for v in whom.values() if "坏" in v} == {"甲县/坏", "乙县/坏"}   # one per unusable file


def test_a_long_name_is_shortened_and_everything_is_written(merged):
    code, out, _ = merged
    (long_file,) = [p for p in (out / "反馈").iterdir() if "长长" in p.name]
    assert len(long_file.name.encode("utf-8")) <= 255
    summary = json.loads((out / "s.json").read_text(encoding="utf-8"))
    assert "长" * 122 in {f["recommender"] for f in summary["files"]}
    assert (out / "报告.html").is_file()
    assert sqlite3.connect(out / "汇总台账.sqlite").execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1


def test_the_console_counts_the_files_it_wrote(merged):
    _, out, said = merged
    assert f"反馈工作簿 {len(list((out / '反馈').iterdir()))} 个" in said


def test_safe_name_keeps_names_apart_and_within_the_byte_limit():
    shown = [safe_name(n, "未命名") for n in NAMES]
    assert len(set(shown)) == len(NAMES)
    assert all(len(s.encode("utf-8")) <= NAME_BYTES for s in shown)
    a, b = safe_name("长" * 100 + "甲", "x"), safe_name("长" * 100 + "乙", "x")
    assert a != b and a[:40] == b[:40]                          # long names sharing a start stay apart
    assert safe_name("CON", "x") == "_CON" and safe_name("  ..", "未命名") == "未命名"
    assert safe_name("a\tb\x00c", "x") == "a_b_c"


def test_unique_names_ignores_case_as_windows_does():
    assert unique_names(["反馈_A.xlsx", "反馈_a.xlsx", "反馈_A.xlsx"]) == ["反馈_A.xlsx", "反馈_a_2.xlsx", "反馈_A_3.xlsx"]


def test_names_that_clean_to_the_same_file_name_get_two_files():
    from macros_py.model.summary import FileSummary, MergeSummary
    from macros_py.write.feedback import feedback_plan

    files = [FileSummary(name=f"{i}.xlsx", sha256="", size=0, received="", status="已汇总", recommender=who)
             for i, who in enumerate(["测试单位_甲", "测试单位 甲", "测试单位\u3000甲"])]
    summary = MergeSummary(policy_year=2025, document="", deadline="", inbox="", files=files, rows_read=0,
                           rows_merged=0, rows_rejected=0, findings=[])
    names = [name for name, _, _ in feedback_plan(summary)]
    assert len(set(n.casefold() for n in names)) == 3


def test_check_annotate_shortens_a_long_file_name(tmp_path, capsys):
    import shutil

    from macros_py.model.paths import SAMPLES_DIR

    (tmp_path / "in").mkdir()
    src = tmp_path / "in" / ("很长的文件名" * 13 + ".xlsx")         # 234 bytes: the copy's name would not fit
    shutil.copy(sorted(SAMPLES_DIR.glob("*.xlsx"))[0], src)
    out = tmp_path / "批注"
    assert main(["check", str(tmp_path / "in"), "--annotate", str(out), "--brief"]) in (0, 1)
    (copy_,) = out.iterdir()
    assert copy_.name.endswith("_校验.xlsx") and len(copy_.name.encode("utf-8")) <= 255
