"""The built .xlam: package parts, ribbon, config sheet, VBA modules read back by oletools, determinism."""

import io
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import olefile
import openpyxl
import pytest
import xlwings
from oletools import olevba

from macros_py.addin import build as addin_build
from macros_py.addin import ribbon as xl_addin
from macros_py.addin.build import (
    CONFIG_SHEET,
    PROJECT_NAME,
    addin_modules,
    build_addin,
    custom_ui,
    ribbon_button_ids,
    write_addin,
    xlwings_module_text,
)
from macros_py.addin.package import ADDIN_CONTENT_TYPE, UI_EXTENSIBILITY_REL, VBA_PROJECT_REL
from macros_py.model.errors import UsageError
from macros_py.model.paths import ADDIN_DIR

CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
UI = "{http://schemas.microsoft.com/office/2009/07/customui}"


@pytest.fixture(scope="module")
def built() -> bytes:
    return build_addin()


@pytest.fixture(scope="module")
def selftest_build() -> bytes:
    return build_addin(selftest=True)


def _xml(data: bytes, part: str) -> ET.Element:
    return ET.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(part))


def _rels(data: bytes, part: str) -> dict[str, str]:
    return {r.get("Type"): r.get("Target") for r in _xml(data, part).iter(f"{REL}Relationship")}


def test_package_declares_an_addin_with_ribbon_and_vba(built):
    z = zipfile.ZipFile(io.BytesIO(built))
    types = _xml(built, "[Content_Types].xml")
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{CT}Override")}
    defaults = {d.get("Extension"): d.get("ContentType") for d in types.iter(f"{CT}Default")}
    assert overrides["/xl/workbook.xml"] == ADDIN_CONTENT_TYPE == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
    assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
    assert "bin" not in defaults
    package_rels = _rels(built, "_rels/.rels")
    assert package_rels[UI_EXTENSIBILITY_REL] == "customUI/customUI14.xml"
    assert UI_EXTENSIBILITY_REL == "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
    assert _rels(built, "xl/_rels/workbook.xml.rels")[VBA_PROJECT_REL] == "vbaProject.bin"
    assert {"customUI/customUI14.xml", "xl/vbaProject.bin"} <= set(z.namelist())
    assert z.testzip() is None


def test_workbook_and_sheet_carry_the_vba_code_names(built):
    wb = _xml(built, "xl/workbook.xml")
    assert wb.find(f"{MAIN}workbookPr").get("codeName") == "ThisWorkbook"
    assert [s.get("name") for s in wb.iter(f"{MAIN}sheet")] == [CONFIG_SHEET]
    assert _xml(built, "xl/worksheets/sheet1.xml").find(f"{MAIN}sheetPr").get("codeName") == "Sheet1"


def _config(data: bytes) -> dict[str, str]:
    # openpyxl refuses an add-in's content type; swap in the workbook's in memory (DESIGN.md).
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "[Content_Types].xml":
                body = body.replace(ADDIN_CONTENT_TYPE.encode(), b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            dst.writestr(item, body)
    ws = openpyxl.load_workbook(io.BytesIO(out.getvalue()))[CONFIG_SHEET]
    config = {}
    for key, value, *_ in ws.iter_rows(values_only=True):  # as xlwings reads: A1 down to a blank
        if key is None:
            break
        config[key.upper()] = "" if value is None else str(value)
    return config


def test_config_sheet_keeps_the_workbook_folder_off_the_python_path(built):
    config = _config(built)
    assert config["ADD_WORKBOOK_TO_PYTHONPATH"] == "False"
    assert config["UDF MODULES"] == "macros_py.addin.functions"
    assert config["PYTHONPATH"] == ""
    # Every setting that could point Python elsewhere is set here, so no other source can set it.
    assert {"INTERPRETER_WIN", "INTERPRETER_MAC", "INTERPRETER", "CONDA PATH", "CONDA ENV", "LICENSE_KEY"} <= set(config)


def test_config_sheet_is_the_one_the_xlwings_module_reads(built):
    text = xlwings_module_text()
    assert f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"' in text
    assert CONFIG_SHEET == PROJECT_NAME + ".conf"  # GetConfigFromSheet: wb.Sheets(PROJECT_NAME & ".conf")


def test_interpreter_given_at_build_time_lands_in_the_sheet():
    config = _config(build_addin(interpreter_win=r"C:\Python311\python.exe"))
    assert config["INTERPRETER_WIN"] == r"C:\Python311\python.exe"


def test_xlwings_module_is_the_installed_one_with_only_the_documented_edits():
    installed = (Path(xlwings.__file__).parent / "xlwings_custom_addin.bas").read_bytes().decode("utf-8")
    expected = installed
    for _, old, new in addin_build._XLWINGS_EDITS:
        expected = expected.replace(old, new)
    assert xlwings_module_text() == expected != installed
    assert "If SheetExists(ActiveWorkbook, PROJECT_NAME" not in expected
    assert 'If source = "" Or source = "directory" Then' not in expected


def test_changed_xlwings_module_fails_the_build(monkeypatch):
    monkeypatch.setattr(addin_build, "_XLWINGS_EDITS", (("测试", "no such text", "x"),))
    with pytest.raises(UsageError, match="与预期不符"):
        xlwings_module_text()


def test_oletools_gives_every_module_back_byte_identical(built):
    expected = {m.name: m.source for m in addin_modules()}
    assert list(expected) == ["ThisWorkbook", "Sheet1", "xlwings", "Dictionary", "xlwings_udfs", "shenbao_ribbon"]
    parser = olevba.VBA_Parser("shenbao.xlam", data=built, relaxed=False)
    decoded = {path.split("/")[-1]: code for _, path, _, code in parser.extract_macros()}
    assert decoded == expected
    # and as bytes, in the project's code page
    vba_bin = zipfile.ZipFile(io.BytesIO(built)).read("xl/vbaProject.bin")
    ole = olefile.OleFileIO(io.BytesIO(vba_bin), raise_defects=olefile.DEFECT_INCORRECT)
    project = olevba.VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)
    project.parse_project_stream()
    list(project.parse_modules())
    assert {m.name: m.code_raw for m in project.modules} == {k: v.encode("gbk") for k, v in expected.items()}


def test_ribbon_module_hands_the_button_id_to_python(built):
    source = {m.name: m.source for m in addin_modules()}["shenbao_ribbon"]
    assert "Public Sub OnAction(control As IRibbonControl)" in source
    assert """RunPython "import macros_py.addin.ribbon as a; a.dispatch('" & control.Id & "')\"""" in source


def test_two_builds_are_byte_identical(built):
    assert build_addin() == built


def test_zip_entries_have_fixed_times_and_order(built):
    infos = zipfile.ZipFile(io.BytesIO(built)).infolist()
    assert [i.filename for i in infos][:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.create_system for i in infos} == {0}


def test_selftest_variant_drops_xlwings_and_adds_the_selftest_module(selftest_build):
    parser = olevba.VBA_Parser("selftest.xlam", data=selftest_build, relaxed=False)
    names = [path.split("/")[-1] for _, path, _, _ in parser.extract_macros()]
    assert names == ["ThisWorkbook", "Sheet1", "xlwings_udfs", "SelfTest", "shenbao_ribbon"]


def test_ribbon_has_the_tab_groups_and_buttons_of_issue_5():
    root = ET.fromstring(custom_ui())
    tab = next(root.iter(f"{UI}tab"))
    assert tab.get("label") == "高技能人才申报"
    layout = {g.get("label"): [b.get("label") for b in g.iter(f"{UI}button")] for g in tab.iter(f"{UI}group")}
    assert layout == {
        "填报": ["新建申报簿", "校验本簿", "清除标记", "生成报送文件"],
        "汇总": ["合并文件夹…", "打开汇总报告"],
        "评审": ["生成评审表", "汇总评分"],  # issue 14
        "帮助": ["使用说明", "版本"],
    }
    for button in root.iter(f"{UI}button"):
        assert button.get("onAction") == "OnAction"
        assert button.get("imageMso") and button.get("screentip") and button.get("supertip")


def test_every_ribbon_button_has_a_dispatch_entry():
    assert ribbon_button_ids() == list(xl_addin.ACTIONS)


def test_a_button_without_onaction_is_refused(tmp_path):
    addin = tmp_path / "addin"
    shutil.copytree(ADDIN_DIR, addin)
    ui = addin / "customUI14.xml"
    ui.write_text(ui.read_text(encoding="utf-8").replace('onAction="OnAction"', 'onAction="Other"', 1), encoding="utf-8")
    with pytest.raises(UsageError, match="onAction"):
        build_addin(addin_dir=addin)


def test_write_addin_is_careful(tmp_path, built):
    target = tmp_path / "out" / "shenbao.xlam"
    assert write_addin(target, built) == target and target.read_bytes() == built
    with pytest.raises(UsageError, match="已存在"):
        write_addin(target, b"new")
    write_addin(target, b"new", force=True)
    assert target.read_bytes() == b"new"
    with pytest.raises(UsageError, match=".xlam"):
        write_addin(tmp_path / "shenbao.xlsx", built)
    assert sorted(p.name for p in target.parent.iterdir()) == ["shenbao.xlam"]  # no temporary file left


def test_a_bas_file_must_name_its_module(tmp_path):
    addin = tmp_path / "addin"
    shutil.copytree(ADDIN_DIR, addin)
    (addin / "extra.bas").write_text("Option Explicit\n", encoding="utf-8")
    with pytest.raises(UsageError, match="VB_Name"):
        addin_modules(addin_dir=addin)
