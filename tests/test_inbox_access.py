"""An inbox part that cannot be read is said, never passed over (found by a new-user trial): a subfolder
that cannot be listed is a line with its reason, a file without read permission gets a Chinese reason,
and a folder that cannot be read at all is a message, not a fault."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from macros_py.check.engine import check_paths
from macros_py.cli.main import main
from macros_py.read.folder import discover

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = sorted((ROOT / "workbooks" / "samples").glob("0*.xlsx"))[0]
ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


def _too_deep(folder: Path) -> Path:
    """A chain of subfolders whose full path is longer than the system allows (PATH_MAX): the kind of
    tree a deep archive leaves. It cannot be listed by its path, by any user, root included."""
    fd = os.open(folder, os.O_RDONLY)
    name = "很长的文件夹名称" * 8
    depth = 0
    try:
        while len(str(folder)) + depth * (len(name.encode()) + 1) < 4200:
            os.mkdir(name, dir_fd=fd)
            nxt = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = nxt
            depth += 1
    finally:
        os.close(fd)
    return folder / name


def test_a_subfolder_that_cannot_be_listed_is_listed_with_its_reason(tmp_path, capsys):
    inbox = tmp_path / "收件"
    inbox.mkdir()
    shutil.copy(SAMPLE, inbox / SAMPLE.name)
    (inbox / "县区").mkdir()
    _too_deep(inbox / "县区")
    try:
        _listed_with_reason(inbox, tmp_path, capsys)
    finally:
        shutil.rmtree(inbox / "县区")   # by folder handles (no path is too long); other tests walk tmp folders


def _listed_with_reason(inbox: Path, tmp_path: Path, capsys) -> None:
    items = discover(inbox)
    unlisted = [i for i in items if i.kind == "other" and "子文件夹" in i.reason]
    assert len(unlisted) == 1 and unlisted[0].relpath.startswith("县区/") and "一个也没有读取" in unlisted[0].reason
    assert [i.relpath for i in items if i.kind == "workbook"] == [SAMPLE.name]
    report = check_paths([inbox])
    assert any("子文件夹" in (e.reason or "") for e in report.files)
    out = tmp_path / "out"
    assert main(["merge", str(inbox), "-o", str(out / "汇总.xlsx"), "--jobs", "1"]) == 0
    printed = capsys.readouterr().out
    assert "子文件夹" in printed and "已汇总" in printed


@pytest.mark.skipif(ROOT_USER, reason="root reads every file and folder: permissions cannot be denied to it")
def test_an_unreadable_file_and_folder_are_chinese_messages(tmp_path, capsys):
    inbox = tmp_path / "收件"
    inbox.mkdir()
    secret = inbox / "保密.xlsx"
    shutil.copy(SAMPLE, secret)
    locked = inbox / "锁住的"
    locked.mkdir()
    secret.chmod(0)
    locked.chmod(0)
    try:
        report = check_paths([inbox])
        by_name = {e.file: e for e in report.files}
        assert by_name["保密.xlsx"].status == "unusable" and "没有读取这个文件的权限" in by_name["保密.xlsx"].reason
        assert any("没有读取这个子文件夹的权限" in (e.reason or "") for e in report.files)
        capsys.readouterr()
        assert main(["check", str(locked)]) == 2
        err = capsys.readouterr().err
        assert "没有读取文件夹" in err and "Traceback" not in err and "PermissionError" not in err
    finally:
        secret.chmod(0o644)
        locked.chmod(0o755)
