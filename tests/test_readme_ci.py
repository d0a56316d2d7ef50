"""README starts with the two commands, and .ci/run runs exactly README's test command."""

from __future__ import annotations

import os
import re
import subprocess

from macros_py.model.paths import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
CI = PROJECT_ROOT / ".ci" / "run"


def first_block() -> list[str]:
    match = re.search(r"^```[a-z]*\n(.*?)^```", README, re.S | re.M)
    return match.group(1).strip().splitlines()


def test_readme_opens_with_the_main_job_and_the_test_command():
    assert README.index("```") < README.index("\n## ")  # before any section
    main_job, tests = first_block()
    assert "pip install -e ." in main_job and "shenbao" in main_job
    assert "pip install -e '.[test]'" in tests and "pytest" in tests


def test_ci_runs_exactly_the_readme_test_command():
    printed = subprocess.run([str(CI), "--print-test-command"], capture_output=True, text=True, check=True)
    assert printed.stdout.strip() == first_block()[1]


def test_ci_script_is_strict_and_installs_what_the_tests_need():
    text = CI.read_text(encoding="utf-8")
    assert os.access(CI, os.X_OK)
    assert "set -euo pipefail" in text and "apt-get update" in text
    for package in ("libreoffice-calc-nogui", "python3-uno", "chromium", "fonts-noto-cjk"):
        assert package in text
    assert "ruff check ." in text


def test_ci_installs_the_package_once():
    """README's test command installs the package with its test extra; .ci/run does not do it again."""
    text = CI.read_text(encoding="utf-8") + "\n" + first_block()[1]
    installs = re.findall(r"pip install[^\n&|;]*-e\s+['\"]?\.(?:\[test\])?['\"]?", text)
    assert len(installs) == 1, installs
    assert text.index("ruff check .") > CI.read_text(encoding="utf-8").index('bash -c "$test_command"')
