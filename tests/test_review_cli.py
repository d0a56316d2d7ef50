"""`shenbao review …` on the command line: Chinese help, Chinese errors (never a traceback), exit codes."""

from __future__ import annotations

import pytest
from review_helpers import copy_returned

from macros_py.cli.main import main


def test_help_is_chinese_and_lists_the_four_steps(capsys):
    with pytest.raises(SystemExit):
        main(["review", "--help"])
    out = capsys.readouterr().out
    assert "用法：" in out and all(step in out for step in ("prepare", "collect", "publicize", "finalize"))
    assert "评审" in out


def test_a_bad_date_and_a_missing_file_are_chinese_errors(tmp_path, capsys):
    assert main(["review", "publicize", str(tmp_path / "无.xlsx"), "--start", "2026-02-30", "-o", str(tmp_path)]) == 2
    assert "应写成 YYYY-MM-DD" in capsys.readouterr().err
    assert main(["review", "publicize", str(tmp_path / "无.xlsx"), "--start", "2026-02-11", "-o", str(tmp_path)]) == 2
    assert "找不到评审结果" in capsys.readouterr().err
    assert main(["review", "collect", str(tmp_path), "-o", str(tmp_path / "r.xlsx")]) == 2
    assert "没有复核表" in capsys.readouterr().err


def test_collect_then_publicize_print_the_proposal_and_the_end_date(tmp_path, capsys):
    folder = copy_returned(tmp_path)
    out = tmp_path / "out" / "评审结果.xlsx"
    assert main(["review", "collect", str(folder), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "建议名单" in printed and "补助合计 560 万元" in printed
    assert main(["review", "publicize", str(out), "--start", "2026-02-15", "-o", str(tmp_path / "公示")]) == 0
    printed = capsys.readouterr().out
    assert "2026-02-15 不是工作日" in printed and printed.rstrip().endswith("公示截止日期：2026-02-28")
