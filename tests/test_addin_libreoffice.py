"""Headless LibreOffice opens the self-test build of the add-in and runs its VBA.

This is the evidence that the VBA project we write is a real one: LibreOffice imports it through
its own MS-OVBA reader, compiles the modules in VBA mode and runs SelfTest.Run, which writes into the
config sheet. (The full add-in cannot run here: LibreOffice Basic cannot compile xlwings' module,
DESIGN.md.) LibreOffice is driven through UNO by the system Python in a subprocess
(tests/lo_run_macro.py), with its own profile, and killed at the end.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NO_LO_REASON, SOFFICE

from macros_py.addin.build import CONFIG_SHEET, PROJECT_NAME, SELFTEST_VB_NAME, build_addin, write_addin

SYSTEM_PYTHON = "/usr/bin/python3"  # LibreOffice's uno module is built for the system Python
DRIVER = Path(__file__).with_name("lo_run_macro.py")
FILTER = "Calc MS Excel 2007 XML"

pytestmark = pytest.mark.skipif(SOFFICE is None, reason=NO_LO_REASON)


def test_libreoffice_runs_the_selftest_macro(tmp_path):
    addin = write_addin(tmp_path / "shenbao-selftest.xlam", build_addin(selftest=True))
    python = SYSTEM_PYTHON if Path(SYSTEM_PYTHON).exists() else sys.executable
    url = f"vnd.sun.star.script:{PROJECT_NAME}.{SELFTEST_VB_NAME}.Run?language=Basic&location=document"
    proc = subprocess.run(
        [python, str(DRIVER), str(addin), FILTER, url, "0", "E1", "E2", "E3", "A1"],
        capture_output=True, text=True, timeout=180, env={**os.environ, "SHENBAO_SOFFICE": SOFFICE},
    )
    assert proc.stdout, f"驱动脚本没有输出：{proc.stderr[-2000:]}"
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "error" not in result, result
    assert result["vba_mode"] is True
    assert set(result["modules"][PROJECT_NAME]) == {
        "ThisWorkbook", "Sheet1", "xlwings_udfs", "shenbao_ribbon", SELFTEST_VB_NAME}
    assert result["sheet"] == CONFIG_SHEET
    assert result["cells"] == {
        "E1": "selftest:55",  # computed by the macro: the VBA really ran
        "E2": "ADD_WORKBOOK_TO_PYTHONPATH=False",  # the config sheet as the xlwings module reads it
        "E3": "UDF MODULES=macros_py.addin.functions",
        "A1": "Interpreter_Win",
    }
