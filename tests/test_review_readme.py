"""The README's review command, run as written (shenbao → python -m macros_py) on the embedded samples:
merge → prepare → collect → publicize, ending with the 建议名单 it prints and the 公示期's end date."""

from __future__ import annotations

import os
import subprocess
import sys

from macros_py.model.paths import PROJECT_ROOT


def readme_review_command() -> str:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    [line] = [line for line in text.splitlines() if line.startswith("shenbao merge workbooks/samples") and "review" in line]
    return line


def test_the_readme_review_command_runs_on_the_samples(tmp_path):
    (tmp_path / "workbooks").symlink_to(PROJECT_ROOT / "workbooks")
    command = readme_review_command().replace("shenbao ", f"{sys.executable} -m macros_py ")
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), SHENBAO_HOME=str(PROJECT_ROOT))
    run = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600)
    print(run.stdout)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "问题：错误 0 条，警告 0 条，提示 0 条" in out
    assert "A档（名额 3 个，入选 3 个）" in out and "技能大师工作室（名额 6 个，入选 6 个）" in out
    assert "补助合计 560 万元（政策预算 560 万元）" in out
    assert out.rstrip().endswith("公示截止日期：2026-02-24")
    for name in ("out/评审/复核表.xlsx", "out/评审结果.xlsx", "out/评审报告.html", "out/评审.json",
                 "out/公示/公示名单.docx", "out/公示/公示名单.xlsx"):
        assert (tmp_path / name).is_file(), name
    assert not (PROJECT_ROOT / "workbooks" / "samples" / "评审示例" / "回收" / "评审台账.sqlite").exists()
