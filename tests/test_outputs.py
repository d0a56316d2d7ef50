"""Outputs never destroy anything, and a failure explains itself (write/outputs.py, every command).

Each refusal and each failure path: the exit code, the Chinese message naming the path, no traceback,
and every file (inputs, old outputs, ledger) byte for byte as before. These tests run as root here, and
root may write where a user may not: "no permission" is a folder under /sys, which the kernel refuses
even to root; a file "held open by Excel" is its ~$ lock file beside it, or a read-only file (which
root could write, so the tool checks the file's mode itself rather than trusting the system call).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from macros_py.cli.main import main
from macros_py.model.paths import SAMPLES_DIR, WORKBOOKS_DIR

SAMPLES = sorted(SAMPLES_DIR.glob("*.xlsx"))[:3]
TEMPLATE = WORKBOOKS_DIR / "申报工作簿_2025.xlsx"


def snapshot(*roots: Path) -> dict[str, str]:
    """sha256 of every file under the roots (or of the root file itself)."""
    out = {}
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
        for p in files:
            out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "收件"
    folder.mkdir()
    for p in SAMPLES:
        shutil.copy(p, folder / p.name)
    return folder


@pytest.fixture
def merged(inbox, tmp_path, capsys):
    """A first run with every output; returns the output folder."""
    out = tmp_path / "out"
    assert main(["merge", str(inbox), "-o", str(out / "汇总.xlsx"), "--feedback", str(out / "反馈"),
                 "--html", str(out / "报告.html"), "--summary-json", str(out / "s.json"), "--jobs", "1"]) == 0
    capsys.readouterr()
    return out


def refused(capsys, argv: list[str], *names: str, code: int = 2) -> str:
    """Run argv; it must fail with `code`, a message naming each of `names`, and no traceback."""
    capsys.readouterr()
    assert main(argv) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith(("错误：", "警告："))
    for name in names:
        assert str(name) in err, err
    return err


def runs(ledger: Path) -> int:
    return sqlite3.connect(ledger).execute("SELECT COUNT(*) FROM runs").fetchone()[0]


# ---------------------------------------------------------------- §1: merge never destroys

def test_merge_refuses_to_overwrite_a_workbook_it_did_not_write(inbox, tmp_path, capsys):
    target = tmp_path / "out" / "申报工作簿.xlsx"
    target.parent.mkdir()
    shutil.copy(TEMPLATE, target)
    before = snapshot(tmp_path)
    err = refused(capsys, ["merge", str(inbox), "-o", str(target), "--jobs", "1"], target)
    assert "已存在" in err and "--force" in err and "不是 shenbao 生成的汇总工作簿" in err
    assert snapshot(tmp_path) == before                 # no ledger either: nothing was started


def test_merge_with_force_overwrites_a_foreign_file(inbox, tmp_path, capsys):
    target = tmp_path / "别的.xlsx"
    shutil.copy(TEMPLATE, target)
    assert main(["merge", str(inbox), "-o", str(target), "--force", "--jobs", "1"]) == 0
    from macros_py.write.outputs import is_master

    assert is_master(target)


def test_merge_replaces_its_own_outputs_without_force(merged, inbox, capsys):
    assert main(["merge", str(inbox), "-o", str(merged / "汇总.xlsx"), "--feedback", str(merged / "反馈"),
                 "--html", str(merged / "报告.html"), "--summary-json", str(merged / "s.json"), "--jobs", "1"]) == 0
    assert runs(merged / "汇总台账.sqlite") == 2


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "force"])
@pytest.mark.parametrize("option", ["-o", "--html", "--summary-json", "--feedback", "--ledger"])
def test_merge_refuses_an_output_inside_the_inbox_even_with_force(inbox, tmp_path, capsys, option, force):
    name = {"-o": "x.xlsx", "--html": "r.html", "--summary-json": "s.json", "--feedback": "反馈",
            "--ledger": "台账.sqlite"}[option]
    argv = ["merge", str(inbox), "-o", str(tmp_path / "out" / "汇总.xlsx"), "--jobs", "1", *force]
    if option == "-o":
        argv[3] = str(inbox / name)
    else:
        argv += [option, str(inbox / "子文件夹" / name)]
    before = snapshot(tmp_path)
    err = refused(capsys, argv, inbox)
    assert "收件文件夹" in err
    assert snapshot(tmp_path) == before and not (tmp_path / "out").exists()


def test_merge_refuses_an_input_as_output(inbox, tmp_path, capsys):
    before = snapshot(tmp_path)
    refused(capsys, ["merge", str(inbox), "-o", str(inbox / SAMPLES[0].name), "--force"], inbox)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("option,name", [("-o", "汇总.csv"), ("--html", "报告.txt"), ("--summary-json", "s.txt"),
                                         ("--ledger", "台账.xlsx")])
def test_merge_checks_each_outputs_suffix(inbox, tmp_path, capsys, option, name):
    argv = ["merge", str(inbox), "-o", str(tmp_path / "汇总.xlsx")]
    argv = argv[:3] + [str(tmp_path / name)] if option == "-o" else argv + [option, str(tmp_path / name)]
    err = refused(capsys, argv, name)
    assert "结尾" in err
    assert list(tmp_path.iterdir()) == [inbox]


@pytest.mark.parametrize("option,name,text", [
    ("--html", "报告.html", "<html><body>我自己的报告</body></html>"),
    ("--summary-json", "s.json", '{"mine": true}'),
])
def test_merge_refuses_a_foreign_html_or_json(merged, inbox, capsys, option, name, text):
    (merged / name).write_text(text, encoding="utf-8")
    before = snapshot(merged)
    err = refused(capsys, ["merge", str(inbox), "-o", str(merged / "汇总.xlsx"), option, str(merged / name)],
                  merged / name)
    assert "--force" in err
    assert snapshot(merged) == before


def test_feedback_replaces_only_the_feedback_files_it_wrote(merged, inbox, capsys):
    folder = merged / "反馈"
    mine = folder / "我的笔记.txt"
    mine.write_text("审核意见草稿", encoding="utf-8")
    ours = sorted(p.name for p in folder.glob("反馈_*.xlsx"))
    gone = folder / "反馈_平城区人力资源和社会保障局.xlsx"
    assert gone.name in ours and SAMPLES[0].name.startswith("01_平城区")
    (inbox / SAMPLES[0].name).unlink()                  # that recommender has no feedback this time
    assert main(["merge", str(inbox), "-o", str(merged / "汇总.xlsx"), "--feedback", str(folder), "--jobs", "1"]) == 0
    assert mine.read_text(encoding="utf-8") == "审核意见草稿"
    assert sorted(p.name for p in folder.glob("反馈_*.xlsx")) == [n for n in ours if n != gone.name]
    assert not gone.exists()


def test_feedback_refuses_a_foreign_file_of_the_same_name(merged, inbox, capsys):
    folder = merged / "反馈"
    victim = sorted(folder.glob("反馈_*.xlsx"))[0]
    shutil.copy(TEMPLATE, victim)                       # someone saved their own workbook under that name
    before = snapshot(merged)
    err = refused(capsys, ["merge", str(inbox), "-o", str(merged / "汇总.xlsx"), "--feedback", str(folder),
                           "--jobs", "1"], victim)
    assert "反馈工作簿" in err and "--force" in err
    assert snapshot(merged) == before and runs(merged / "汇总台账.sqlite") == 1


@pytest.mark.parametrize("how", ["open in Excel", "open in LibreOffice", "read-only"])
def test_feedback_refuses_a_file_that_is_open_or_read_only(merged, inbox, capsys, how):
    """A feedback workbook the clerk or analyst has open (Excel's ~$ lock file beside it) or that is
    read-only is refused as the master would be, even with --force; nothing is written."""
    folder = merged / "反馈"
    victim = sorted(folder.glob("反馈_*.xlsx"))[0]
    if how == "open in Excel":
        (folder / f"~${victim.name}").write_bytes(b"\x00" * 165)
    elif how == "open in LibreOffice":
        (folder / f".~lock.{victim.name}#").write_text("张三,zhangsan,PC01,01.12.2026 09:00,file:///home;", encoding="utf-8")
    else:
        victim.chmod(0o444)
    before = snapshot(merged)
    try:
        for force in ([], ["--force"]):
            err = refused(capsys, ["merge", str(inbox), "-o", str(merged / "汇总.xlsx"), "--feedback", str(folder),
                                   "--jobs", "1", *force], victim)
            assert ("只读" if how == "read-only" else "正在 Excel、WPS 或 LibreOffice 中打开") in err
            assert snapshot(merged) == before and runs(merged / "汇总台账.sqlite") == 1
    finally:
        victim.chmod(0o644)


def test_an_inbox_that_is_a_file_points_to_check(inbox, tmp_path, capsys):
    one = next(inbox.glob("*.xlsx"))
    err = refused(capsys, ["merge", str(one), "-o", str(tmp_path / "o" / "汇总.xlsx")], one)
    assert "不是文件夹" in err and f"shenbao check {one}" in err


def test_an_unreadable_decisions_workbook_is_said_on_the_console(merged, inbox, capsys):
    """A broken 人工裁定.xlsx beside the ledger: the run goes on, applies no decision, says so on the
    console (not only inside the master) with advice for the analyst, and leaves the file as it is."""
    book = merged / "人工裁定.xlsx"
    book.write_bytes(b"x\n")
    capsys.readouterr()
    assert main(["merge", str(inbox), "-o", str(merged / "汇总.xlsx"), "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("注意：人工裁定工作簿"))
    assert "本次未应用任何裁定" in line and "新建" in line and "再报送" not in line
    assert book.read_bytes() == b"x\n"


def test_a_ledger_of_another_program_is_never_written(inbox, tmp_path, capsys):
    """--ledger naming another program's SQLite database: refused before any work, with or without
    --force; the database is byte for byte what it was."""
    other = tmp_path / "通讯录.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    db.execute("INSERT INTO contacts VALUES ('张三', '0352-1234567')")
    db.commit()
    db.close()
    before = snapshot(tmp_path)
    for force in ([], ["--force"]):
        err = refused(capsys, ["merge", str(inbox), "-o", str(tmp_path / "o" / "汇总.xlsx"), "--ledger", str(other),
                               *force], other)
        assert "另一个程序" in err and "contacts" in err
        assert snapshot(tmp_path) == before and not (tmp_path / "o").exists()


# ---------------------------------------------------------------- §1: every other command

def test_check_outputs_refuse_foreign_files_and_replace_their_own(tmp_path, capsys):
    src = tmp_path / SAMPLES[0].name
    shutil.copy(SAMPLES[0], src)
    js, html, ann = tmp_path / "问题.json", tmp_path / "报告.html", tmp_path / "批注.xlsx"
    argv = ["check", str(src), "--json", str(js), "--html", str(html), "--annotate", str(ann)]
    assert main(argv) in (0, 1)
    assert main(argv) in (0, 1)                         # its own outputs: replaced without --force
    for target, foreign in ((js, b'{"x": 1}'), (html, b"<p>mine</p>"), (ann, TEMPLATE.read_bytes())):
        saved = target.read_bytes()
        target.write_bytes(foreign)
        before = snapshot(tmp_path)
        err = refused(capsys, argv, target)
        assert "已存在" in err and "--force" in err
        assert snapshot(tmp_path) == before
        target.write_bytes(saved)
    assert main([*argv, "--force"]) in (0, 1)


def test_template_never_overwrites_without_force(tmp_path, capsys):
    out = tmp_path / "平城区.xlsx"
    assert main(["template", "-o", str(out)]) == 0
    before = snapshot(tmp_path)
    err = refused(capsys, ["template", "-o", str(out)], out)      # even our own: it may have been filled in
    assert "已存在" in err and "--force" in err
    assert snapshot(tmp_path) == before
    refused(capsys, ["template", "-o", str(tmp_path / "x.xls")], "x.xls")


def test_report_refuses_a_foreign_html_and_replaces_its_own(merged, capsys):
    master, out = merged / "汇总.xlsx", merged / "报告.html"
    assert main(["report", str(master), "-o", str(out)]) == 0     # the merge's own report: replaced
    other = merged / "别的.html"
    other.write_text("<p>mine</p>", encoding="utf-8")
    before = snapshot(merged)
    refused(capsys, ["report", str(master), "-o", str(other)], other)
    assert snapshot(merged) == before


def test_addin_build_refuses_before_it_builds(tmp_path, capsys, monkeypatch):
    import macros_py.addin.build as build

    target = tmp_path / "shenbao.xlam"
    target.write_bytes(b"not ours")
    monkeypatch.setattr(build, "build_addin", lambda **kw: pytest.fail("built although the output is refused"))
    err = refused(capsys, ["addin", "build", "-o", str(target)], target)
    assert "--force" in err and target.read_bytes() == b"not ours"
    refused(capsys, ["addin", "build", "-o", str(tmp_path / "shenbao.xlsm")], "shenbao.xlsm")


def test_one_wording_for_exists_add_force(tmp_path, inbox, capsys):
    """Every command says "文件 … 已存在…加 --force" the same way (write/outputs.exists_message)."""
    foreign = tmp_path / "f"
    foreign.mkdir()
    for name in ("a.xlsx", "a.html", "a.json", "a.xlam"):
        (foreign / name).write_bytes(b"x")
    master = tmp_path / "m" / "汇总.xlsx"
    assert main(["merge", str(inbox), "-o", str(master), "--jobs", "1"]) == 0
    commands = [["merge", str(inbox), "-o", str(foreign / "a.xlsx")],
                ["check", str(inbox / SAMPLES[0].name), "--json", str(foreign / "a.json")],
                ["template", "-o", str(foreign / "a.xlsx")],
                ["report", str(master), "-o", str(foreign / "a.html")],
                ["addin", "build", "-o", str(foreign / "a.xlam")]]
    for argv in commands:
        err = refused(capsys, argv, foreign)
        assert "已存在" in err and "本程序不会覆盖它。请换一个文件名，或确认可以覆盖后加 --force。" in err, err


# ---------------------------------------------------------------- §2: failures explain themselves

def _blocked(kind: str, tmp_path: Path, name: str) -> tuple[Path, str]:
    """An output path that cannot be written, and the words the message must contain."""
    if kind == "parent is a file":
        (tmp_path / "文件").write_text("x")
        return tmp_path / "文件" / "子" / name, "是文件，不是文件夹"
    if kind == "parent cannot be created":
        return Path("/proc/shenbao-测试") / name, "无法创建文件夹"      # /proc takes no new folders
    if kind == "no permission":
        return Path("/sys/shenbao-测试") / name, "没有写入权限"         # refused even to root
    if kind == "no permission in the folder":
        return Path("/sys") / name, "没有写入权限"
    if kind == "a folder where a file is wanted":
        (tmp_path / name).mkdir()
        return tmp_path / name, "这是一个文件夹"
    if kind == "read-only file":
        target = tmp_path / name
        target.write_bytes(b"old")
        target.chmod(stat.S_IRUSR | stat.S_IRGRP)
        return target, "只读"
    if kind == "open in Excel":
        target = tmp_path / name
        target.write_bytes(b"old")
        (tmp_path / f"~${name}").write_bytes(b"lock")
        return target, "中打开（旁边有锁文件 ~$"
    if kind == "open in LibreOffice":
        target = tmp_path / name
        target.write_bytes(b"old")
        (tmp_path / f".~lock.{name}#").write_text("张三,zhangsan,PC01,01.12.2026 09:00,file:///home;", encoding="utf-8")
        return target, "中打开（旁边有锁文件 .~lock."
    raise AssertionError(kind)


KINDS = ["parent is a file", "parent cannot be created", "no permission", "no permission in the folder",
         "a folder where a file is wanted", "read-only file", "open in Excel", "open in LibreOffice"]


def _commands(inbox: Path, master: Path, target: Path) -> dict[str, list[str]]:
    return {
        "merge": ["merge", str(inbox), "-o", str(target), "--jobs", "1", "--force"],
        "merge --html": ["merge", str(inbox), "-o", str(master), "--html", str(target), "--jobs", "1", "--force"],
        "check --json": ["check", str(inbox), "--json", str(target), "--force"],
        "template": ["template", "-o", str(target), "--force"],
        "report": ["report", str(master), "-o", str(target), "--force"],
        "addin build": ["addin", "build", "-o", str(target), "--force"],
    }


SUFFIX = {"merge": ".xlsx", "merge --html": ".html", "check --json": ".json", "template": ".xlsx",
          "report": ".html", "addin build": ".xlam"}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", list(SUFFIX))
def test_a_failure_explains_itself_and_changes_nothing(merged, inbox, tmp_path, capsys, command, kind):
    work = tmp_path / "w"
    work.mkdir()
    target, words = _blocked(kind, work, f"输出{SUFFIX[command]}")
    argv = _commands(inbox, merged / "汇总.xlsx", target)[command]
    before = snapshot(tmp_path)
    err = refused(capsys, argv, target if kind not in ("parent cannot be created", "no permission") else target.parent)
    assert words in err, err
    assert snapshot(tmp_path) == before                 # inputs, old outputs, the ledger
    assert not target.parent.is_dir() or not [p for p in target.parent.iterdir() if p.name.startswith(".~shenbao")]


def test_a_missing_parent_folder_is_simply_created(inbox, tmp_path):
    out = tmp_path / "新" / "深" / "汇总.xlsx"
    assert main(["merge", str(inbox), "-o", str(out), "--feedback", str(tmp_path / "新" / "反馈" / "县区"),
                 "--jobs", "1"]) == 0
    assert out.is_file() and (tmp_path / "新" / "反馈" / "县区").is_dir()


def test_a_ledger_that_is_not_a_database_is_a_message(inbox, tmp_path, capsys):
    ledger = tmp_path / "台账.sqlite"
    ledger.write_text("我的笔记", encoding="utf-8")
    before = snapshot(tmp_path)
    err = refused(capsys, ["merge", str(inbox), "-o", str(tmp_path / "o" / "汇总.xlsx"), "--ledger", str(ledger)],
                  ledger)
    assert "不是" in err
    assert snapshot(tmp_path) == before and not (tmp_path / "o").exists()


# ---------------------------------------------------------------- §3: nothing to do is not success

@pytest.mark.parametrize("content", ["empty", "only other files"])
def test_an_inbox_without_a_workbook_is_a_warning_and_exit_3(tmp_path, capsys, content):
    inbox = tmp_path / "收件"
    (inbox / "子").mkdir(parents=True)
    if content != "empty":
        (inbox / "说明.txt").write_text("x", encoding="utf-8")
        (inbox / "子" / "数据.csv").write_text("a,b", encoding="utf-8")
    err = refused(capsys, ["merge", str(inbox), "-o", str(tmp_path / "o" / "汇总.xlsx")], inbox, code=3)
    assert err.startswith("警告：") and "没有任何工作簿" in err
    if content != "empty":
        assert "说明.txt" in err and "子/数据.csv" in err
    assert not (tmp_path / "o").exists()
    err = refused(capsys, ["check", str(inbox)], inbox, code=3)
    assert "没有任何工作簿" in err


def test_check_and_merge_see_the_same_files_in_a_folder(inbox, tmp_path, capsys):
    (inbox / "邮件附件").mkdir()
    shutil.copy(SAMPLES[0], inbox / "邮件附件" / "再次报送.xlsx")
    (inbox / "说明.docx").write_bytes(b"PK")
    (inbox / "~$01.xlsx").write_bytes(b"lock")
    from macros_py.check.engine import check_paths
    from macros_py.merge.run import merge

    report = check_paths([inbox])
    run = merge(inbox, tmp_path / "o" / "汇总.xlsx", jobs=1, progress=lambda *a: None)
    assert [f.file for f in report.files] == [f.name for f in run.summary.files]
    ignored = {f.file: f.reason for f in report.files if f.status == "ignored"}
    assert set(ignored) == {"说明.docx", "~$01.xlsx"} and all(ignored.values())
    assert "邮件附件/再次报送.xlsx" in [f.file for f in report.files if f.status == "ok"]


# ---------------------------------------------------------------- §6: --jobs

@pytest.mark.parametrize("jobs", ["0", "-1", "两"])
def test_jobs_must_be_a_positive_integer(inbox, tmp_path, capsys, jobs):
    with pytest.raises(SystemExit) as exit_:
        main(["merge", str(inbox), "-o", str(tmp_path / "汇总.xlsx"), "--jobs", jobs])
    assert exit_.value.code == 2 and "正整数" in capsys.readouterr().err
    assert not (tmp_path / "汇总.xlsx").exists()


def test_help_has_no_doubled_headings(capsys):
    for argv in (["--help"], ["addin", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        lines = [line.strip().rstrip(":：") for line in capsys.readouterr().out.splitlines() if line.strip()]
        assert all(a != b for a, b in zip(lines, lines[1:], strict=False)), lines


def test_root_can_be_denied_only_where_the_kernel_says_so():
    """What these tests rely on: /sys and /proc refuse new entries even to root (if this fails, the
    no-permission tests above prove nothing on this machine)."""
    for folder in ("/sys/shenbao-probe", "/proc/shenbao-probe"):
        with pytest.raises(OSError):
            os.mkdir(folder)


@pytest.mark.parametrize("kind", ["a file where the folder is wanted", "parent is a file", "no permission"])
def test_a_feedback_folder_that_cannot_be_used_is_a_message(merged, inbox, tmp_path, capsys, kind):
    work = tmp_path / "w"
    work.mkdir()
    if kind == "a file where the folder is wanted":
        folder, words = work / "反馈", "这是一个文件"
        folder.write_text("x")
    elif kind == "parent is a file":
        (work / "f").write_text("x")
        folder, words = work / "f" / "反馈", "是文件，不是文件夹"
    else:
        folder, words = Path("/sys/shenbao-反馈"), "没有写入权限"
    before = snapshot(tmp_path)
    err = refused(capsys, ["merge", str(inbox), "-o", str(merged / "汇总.xlsx"), "--feedback", str(folder)], folder)
    assert words in err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("option", ["--json", "--html", "--annotate"])
def test_check_refuses_outputs_inside_a_folder_it_reads(inbox, tmp_path, capsys, option):
    name = {"--json": "问题.json", "--html": "报告.html", "--annotate": "批注"}[option]
    before = snapshot(tmp_path)
    err = refused(capsys, ["check", str(inbox), option, str(inbox / name), "--force"], inbox)
    assert "收件文件夹" in err and snapshot(tmp_path) == before
