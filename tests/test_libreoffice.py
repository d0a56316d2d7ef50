"""macros_py.write.libreoffice without LibreOffice: how it finds soffice and how it fails, in Chinese.

Stand-in `soffice` scripts play the parts of a missing, hanging or silent LibreOffice; the real
one is exercised by the session fixture in conftest (one batch of every workbook the tests need).
"""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from macros_py.write.libreoffice import LibreOfficeError, convert, find_soffice


def fake_soffice(tmp_path, body: str):
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "in" / "a.xlsx"
    path.parent.mkdir()
    path.write_bytes(b"PK")
    return path


def test_an_explicit_soffice_that_does_not_exist_counts_as_missing(monkeypatch, tmp_path, workbook):
    monkeypatch.setenv("SHENBAO_SOFFICE", str(tmp_path / "nowhere" / "soffice"))
    assert find_soffice() is None
    with pytest.raises(LibreOfficeError, match="找不到 LibreOffice"):
        convert([workbook], tmp_path / "out")


def test_same_names_and_overwriting_the_input_are_refused(monkeypatch, tmp_path, workbook):
    monkeypatch.setenv("SHENBAO_SOFFICE", str(fake_soffice(tmp_path, "exit 0")))
    other = tmp_path / "b" / "a.xlsx"
    other.parent.mkdir()
    other.write_bytes(b"PK")
    with pytest.raises(LibreOfficeError, match="同名"):
        convert([workbook, other], tmp_path / "out")
    with pytest.raises(LibreOfficeError, match="覆盖原文件"):
        convert([workbook], workbook.parent)
    with pytest.raises(LibreOfficeError, match="找不到要转换的文件"):
        convert([tmp_path / "missing.xlsx"], tmp_path / "out")


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc (Linux)")
def test_a_hanging_soffice_is_killed_at_the_timeout(monkeypatch, tmp_path, workbook):
    monkeypatch.setenv("SHENBAO_SOFFICE", str(fake_soffice(tmp_path, "sleep 30 & echo $! > \"$0.child\"; wait")))
    start = time.monotonic()
    with pytest.raises(LibreOfficeError, match="秒内没有完成"):
        convert([workbook], tmp_path / "out", timeout=1)
    assert time.monotonic() - start < 10
    child = int((tmp_path / "soffice.child").read_text())
    assert not running(child), "the whole process group must end, not only the script"


def running(pid: int) -> bool:
    """Alive and not a zombie (a killed orphan stays a zombie until someone reaps it)."""
    for _ in range(20):
        try:
            state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return False
        if state == "Z":
            return False
        time.sleep(0.1)
    return True


def test_a_soffice_that_writes_nothing_is_an_error_naming_the_file(monkeypatch, tmp_path, workbook):
    monkeypatch.setenv("SHENBAO_SOFFICE", str(fake_soffice(tmp_path, "echo 'source file could not be loaded' >&2")))
    with pytest.raises(LibreOfficeError, match="没有生成 a.xlsx.*could not be loaded"):
        convert([workbook], tmp_path / "out")


def test_the_fake_gets_a_private_profile_and_the_recalculation_setting(monkeypatch, tmp_path, workbook):
    log = tmp_path / "args"
    body = (f'echo "$@" > {log}; profile=$(echo "$1" | sed "s|-env:UserInstallation=file://||"); '
            f'cat "$profile/user/registrymodifications.xcu" >> {log}; '
            'for a in "$@"; do last=$a; done; out=$(echo "$@" | sed "s/.*--outdir \\([^ ]*\\).*/\\1/"); '
            'cp "$last" "$out/"')
    monkeypatch.setenv("SHENBAO_SOFFICE", str(fake_soffice(tmp_path, body)))
    (result,) = convert([workbook], tmp_path / "out")
    assert result == (tmp_path / "out" / "a.xlsx").resolve() and result.read_bytes() == b"PK"
    text = log.read_text()
    assert "-env:UserInstallation=file:///" in text and "--headless" in text
    assert "OOXMLRecalcMode" in text and "<value>0</value>" in text


def test_the_tests_find_libreoffice_one_way_and_skip_in_chinese():
    """find_soffice (honouring SHENBAO_SOFFICE) through conftest.SOFFICE; no test looks for it itself."""
    import re

    from conftest import NO_LO_REASON

    here = Path(__file__).parent
    for path in here.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"which\([\"'](soffice|libreoffice)[\"']\)", text), path.name
        assert not re.search(r"\[\s*[\"']soffice[\"']", text), path.name
        for reason in re.findall(r"pytest\.skip\(\s*\"([^\"]+)\"", text):
            assert re.search(r"[\u4e00-\u9fff]", reason), (path.name, reason)
    assert re.search(r"[\u4e00-\u9fff]", NO_LO_REASON) and "SHENBAO_SOFFICE" in NO_LO_REASON
