"""The wheel carries the data folders as package data, and the installed package finds them.

workbooks/, templates/ and addin/ are committed once, at the top of the repository; setup.py copies
them into macros_py/data/ while the wheel is built. Here the wheel is built from a copy of the
checkout's files (so the worktree is not touched), its entries are compared with the committed
files byte for byte, and the unpacked wheel is run from an empty folder outside the checkout.
`.ci/wheel` does the same with a fresh virtual environment and README's main command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from macros_py.model import paths

ROOT = Path(__file__).resolve().parents[1]
DATA_FOLDERS = ("workbooks", "templates", "addin")
BUILD_INPUTS = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "macros_py", *DATA_FOLDERS)
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".*", "~$*", "*.xlam", "data")


def committed_data_files() -> list[str]:
    """The files of the data folders as git knows them (the checkout's own files when git is absent)."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--", *DATA_FOLDERS], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode("utf-8")
        names = sorted(n for n in out.split("\0") if n)
    except (OSError, subprocess.CalledProcessError):
        names = []
    if not names:
        names = sorted(p.relative_to(ROOT).as_posix() for f in DATA_FOLDERS for p in (ROOT / f).rglob("*")
                       if p.is_file() and "__pycache__" not in p.parts)
    return names


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in BUILD_INPUTS:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=_IGNORE)
        else:
            shutil.copyfile(path, src / name)
    dist = tmp_path_factory.mktemp("dist")
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(src)],
                         capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        output = run.stdout + run.stderr
        if "build dependencies" in output:  # pip could not fetch setuptools: no index reachable here
            pytest.skip(f"无法构建 wheel：pip 取不到构建所需的 setuptools（{output.strip().splitlines()[-1]}）")
        pytest.fail(f"构建 wheel 失败：\n{output}")
    (built,) = dist.glob("shenbao-*.whl")
    return built


def test_the_wheel_carries_every_data_file_once_and_unchanged(wheel):
    with zipfile.ZipFile(wheel) as zf:
        packaged = {n.removeprefix("macros_py/data/"): zf.read(n) for n in zf.namelist()
                    if n.startswith("macros_py/data/")}
    expected = committed_data_files()
    assert "workbooks/policy_2025.toml" in expected and "workbooks/申报工作簿_2025.xlsx" in expected
    assert {"workbooks/samples/manifest.json", "workbooks/samples/收文登记.csv", "templates/merge_report.html.j2",
            "addin/customUI14.xml", "addin/shenbao_ribbon.bas"} <= set(expected)
    assert sorted(packaged) == expected
    for name in expected:
        assert packaged[name] == (ROOT / name).read_bytes(), name


def test_nothing_is_committed_twice():
    """The package data exists only in the wheel: no copy or link of a data folder inside macros_py/."""
    assert not (ROOT / "macros_py" / "data").exists()
    assert not [p for p in (ROOT / "macros_py").rglob("*") if p.is_symlink()]


def test_the_checkout_reads_its_own_folders():
    assert not paths.PACKAGED
    assert paths.WORKBOOKS_DIR == ROOT / "workbooks" and paths.ADDIN_DIR == ROOT / "addin"
    assert paths.SAMPLES_OUTPUT == ROOT / "workbooks" / "samples"


def _run_installed(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SHENBAO_HOME", "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_installed_wheel_finds_its_data_from_any_folder(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    work = tmp_path / "elsewhere"
    work.mkdir()
    probe = _run_installed(site, work, "-c", (
        "import json, macros_py\n"
        "from macros_py.model import paths\n"
        "from macros_py.policy.load import DEFAULT_POLICY, load_policy\n"
        "print(json.dumps({'package': macros_py.__file__, 'packaged': paths.PACKAGED, 'policy': str(DEFAULT_POLICY),"
        " 'addin': str(paths.ADDIN_DIR), 'templates': str(paths.TEMPLATES_DIR),"
        " 'samples_output': str(paths.SAMPLES_OUTPUT), 'year': load_policy().year}))"))
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    data = site / "macros_py" / "data"
    assert Path(found["package"]).is_relative_to(site)
    assert found["packaged"] is True
    assert found["policy"] == str(data / "workbooks" / "policy_2025.toml")
    assert found["addin"] == str(data / "addin") and found["templates"] == str(data / "templates")
    assert found["samples_output"] == str(Path("workbooks") / "samples")  # never into the package itself

    # The installed command writes the same template and add-in as the checkout does.
    made = _run_installed(site, work, "-m", "macros_py", "template", "-o", "模板.xlsx")
    assert made.returncode == 0, made.stderr
    assert (work / "模板.xlsx").read_bytes() == (ROOT / "workbooks" / "申报工作簿_2025.xlsx").read_bytes()
    built = _run_installed(site, work, "-m", "macros_py", "addin", "build", "-o", "shenbao.xlam")
    assert built.returncode == 0, built.stderr
    from macros_py.addin.build import build_addin

    assert (work / "shenbao.xlam").read_bytes() == build_addin()
    checked = _run_installed(site, work, "-m", "macros_py", "check", str(data / "workbooks" / "samples" / "13_大同市住房和城乡建设局.xlsx"))
    assert checked.returncode in (0, 1), checked.stderr
    assert "Traceback" not in checked.stdout + checked.stderr
    assert sorted(p.name for p in work.iterdir()) == ["shenbao.xlam", "模板.xlsx"]


def test_readme_windows_steps_install_the_wheel_without_a_checkout():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Excel 加载项（Windows）", 1)[1].split("\n## ", 1)[0]
    commands = [line.strip() for line in section.splitlines() if line.strip().startswith(("py -m pip", "shenbao "))]
    assert commands[:2] == [r"py -m pip install C:\下载\shenbao-0.1.0-py3-none-any.whl", "shenbao addin install"]
    assert " -e " not in section
    # The wheel's name there is the one the build makes, and the build command there is the one this file runs.
    assert "python3 -m pip wheel --no-deps -w dist ." in section
    from macros_py import __version__

    assert f"shenbao-{__version__}-py3-none-any.whl" in section
