"""`shenbao addin build|install`, where install puts the add-in, and the ribbon's dispatch."""

import io
import zipfile
from pathlib import Path

import pytest

from macros_py.addin import ribbon as xl_addin
from macros_py.addin.build import build_addin
from macros_py.addin.install import ADDIN_FILE, InstallPlan, install, plan_install
from macros_py.cli.main import main
from macros_py.model.errors import UsageError


def test_build_command_writes_the_same_bytes_as_build_addin(tmp_path, capsys):
    out = tmp_path / "shenbao.xlam"
    assert main(["addin", "build", "-o", str(out)]) == 0
    assert out.read_bytes() == build_addin()
    assert f"已生成加载项：{out}" in capsys.readouterr().out


def test_build_command_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "shenbao.xlam"
    out.write_bytes(b"old")
    assert main(["addin", "build", "-o", str(out), "--selftest"]) == 2
    assert "已存在" in capsys.readouterr().err and out.read_bytes() == b"old"
    assert main(["addin", "build", "-o", str(out), "--selftest", "--force"]) == 0
    assert zipfile.is_zipfile(out)


def test_install_on_linux_writes_the_file_only_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("platform.system", lambda: "Linux")
    assert main(["addin", "install"]) == 0
    out = capsys.readouterr().out
    assert "没有 Microsoft Excel，未安装加载项" in out
    assert str(tmp_path / ADDIN_FILE) in out and (tmp_path / ADDIN_FILE).exists()


def test_windows_target_is_the_users_addins_folder():
    plan = plan_install("Windows", env={"APPDATA": r"C:\Users\u\AppData\Roaming"}, python=r"C:\Py\python.exe")
    assert plan.target == Path(r"C:\Users\u\AppData\Roaming") / "Microsoft" / "AddIns" / "shenbao.xlam"
    assert plan.interpreter_win == r"C:\Py\python.exe" and plan.interpreter_mac == ""
    with pytest.raises(UsageError, match="APPDATA"):
        plan_install("Windows", env={})


def test_macos_target_is_an_existing_office_addins_folder(tmp_path):
    office = tmp_path / "Library/Group Containers/UBF8T346G9.Office"
    assert plan_install("Darwin", home=tmp_path, python="/py").target == (
        office / "User Content.localized/Add-Ins.localized" / ADDIN_FILE)  # created when none exists
    (office / "User Content/Add-Ins").mkdir(parents=True)
    plan = plan_install("Darwin", home=tmp_path, python="/usr/local/bin/python3")
    assert plan.target == office / "User Content/Add-Ins" / ADDIN_FILE
    assert plan.interpreter_mac == "/usr/local/bin/python3"


def test_windows_install_names_the_interpreter_and_the_next_step(tmp_path):
    plan = InstallPlan("Windows", tmp_path / "AddIns" / ADDIN_FILE, interpreter_win=r"C:\Py\python.exe")
    lines = install(plan)
    assert lines[0].startswith(f"已写入加载项：{plan.target}")
    assert lines[1] == r"加载项使用的 Python：C:\Py\python.exe"
    assert "文件 → 选项 → 加载项" in lines[2] and "转到" in lines[2] and "勾选“高技能人才申报”" in lines[2]
    sheet = zipfile.ZipFile(io.BytesIO(plan.target.read_bytes())).read("xl/worksheets/sheet1.xml").decode()
    assert r"C:\Py\python.exe" in sheet
    with pytest.raises(UsageError, match="已存在"):
        install(plan)
    assert install(plan, force=True)


def test_dispatch_tells_the_user_about_an_unknown_button(monkeypatch):
    # A message box, not a traceback: the add-in and the package are of different versions.
    shown = []
    monkeypatch.setattr(xl_addin, "_alert_failure", lambda app, message: shown.append(message))
    xl_addin.dispatch("sb_no_such_button")
    assert len(shown) == 1 and "不认识按钮“sb_no_such_button”" in shown[0]


def test_dispatch_calls_the_function_named_for_the_button(monkeypatch):
    calls = []
    monkeypatch.setitem(xl_addin.ACTIONS, "sb_probe", "probe")
    monkeypatch.setattr(xl_addin, "probe", lambda: calls.append("probe"), raising=False)
    xl_addin.dispatch("sb_probe")
    assert calls == ["probe"]


def test_every_button_has_its_python_function():
    assert all(callable(getattr(xl_addin, name, None)) for name in xl_addin.ACTIONS.values())
