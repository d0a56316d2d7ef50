"""The `shenbao` command: Chinese help everywhere, and bad input refused with a Chinese reason."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from macros_py.cli.main import build_parser, main

# What argparse prints when a text was not translated or a help was left out.
ENGLISH = re.compile(r"usage:|options:|positional arguments|show this help|error:|\bdefault\b|[A-Z][a-z]+ [a-z]+ "
                     r"|\b(?!(?:HTML|JSON|SQLITE|VBA|PDF|CSV|TOML|XLSX|SHA256)\b)[A-Z]{3,}\b")  # an untranslated metavar such as SEED
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(action.choices)


def help_text(capsys, argv: list[str]) -> str:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0
    return capsys.readouterr().out


def test_main_help_is_chinese(capsys):
    text = help_text(capsys, ["--help"])
    assert text.startswith("用法：shenbao")
    assert not ENGLISH.search(text), text
    for name in subcommands():
        assert name in text


@pytest.mark.parametrize("name", subcommands())
def test_every_subcommand_help_is_chinese(capsys, name):
    text = help_text(capsys, [name, "--help"])
    assert text.startswith("用法：")
    assert not ENGLISH.search(text), text
    # every option line explains itself in Chinese
    for line in text.splitlines():
        if line.strip().startswith("-"):
            assert CHINESE.search(line) or line.rstrip().endswith(("文件", "目录", "推荐单位")), line


def test_the_module_runs_as_a_program():
    result = subprocess.run([sys.executable, "-m", "macros_py.cli.main", "--help"], capture_output=True, text=True,
                            check=True)
    assert "用法：" in result.stdout


def test_argument_errors_are_chinese(capsys):
    with pytest.raises(SystemExit) as info:
        main(["template"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "缺少必填参数" in err and "错误" in err


def test_template_refuses_an_unknown_recommender_without_allow_new(tmp_path, capsys):
    out = tmp_path / "t.xlsx"
    assert main(["template", "-o", str(out), "--recommender", "某某县人社局"]) == 2
    err = capsys.readouterr().err
    assert "不在政策文件" in err and "--allow-new" in err
    assert not out.exists()


def test_template_takes_a_new_recommender_with_allow_new(tmp_path, capsys):
    out = tmp_path / "t.xlsx"
    assert main(["template", "-o", str(out), "--recommender", "  某某县人社局 ", "--allow-new"]) == 0
    assert load_workbook(out)["填报说明"]["C3"].value == "某某县人社局"


def test_template_spells_a_known_recommender_as_the_policy_does(tmp_path):
    out = tmp_path / "t.xlsx"
    assert main(["template", "-o", str(out), "--recommender", "平城区 人力资源和社会保障局（公章）"]) == 0
    assert load_workbook(out)["填报说明"]["C3"].value == "平城区人力资源和社会保障局"


def test_template_does_not_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "t.xlsx"
    out.write_bytes(b"keep me")
    assert main(["template", "-o", str(out)]) == 2
    assert "已存在" in capsys.readouterr().err and out.read_bytes() == b"keep me"
    assert main(["template", "-o", str(out), "--force"]) == 0
    assert load_workbook(out).sheetnames[0] == "填报说明"


def test_template_wants_an_xlsx_name(tmp_path, capsys):
    assert main(["template", "-o", str(tmp_path / "t.xls")]) == 2
    assert ".xlsx" in capsys.readouterr().err


def test_a_broken_policy_file_stops_the_command_with_file_line_and_key(tmp_path, capsys):
    from macros_py.policy.load import DEFAULT_POLICY

    policy = tmp_path / "policy.toml"
    policy.write_text(DEFAULT_POLICY.read_text(encoding="utf-8").replace("subsidy = 50\n", ""), encoding="utf-8")
    assert main(["template", "-o", str(tmp_path / "t.xlsx"), "--policy", str(policy)]) == 2
    err = capsys.readouterr().err
    assert str(policy) in err and "tiers.B.subsidy" in err and re.search(r"第 \d+ 行", err)


def test_samples_does_not_overwrite_without_force(tmp_path, capsys):
    (tmp_path / "old.xlsx").write_bytes(b"x")
    assert main(["samples", "-o", str(tmp_path)]) == 2
    assert "--force" in capsys.readouterr().err
