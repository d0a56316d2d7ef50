"""`shenbao addin build`: the .xlam from the text sources in addin/ and the installed xlwings.

What goes in:
- addin/customUI14.xml, the ribbon;
- addin/*.bas, our standard modules (selftest.bas only in the self-test variant);
- addin/ThisWorkbook.cls, the body of the ThisWorkbook document module;
- `xlwings_udfs`, stubs generated from the worksheet functions in macros_py.addin.functions;
- xlwings' own `xlwings_custom_addin.bas`, read from the installed xlwings package at build time
  (never copied into the repository), with PROJECT_NAME set and two hardening edits (below);
- xlwings' class module `Dictionary` (addin/Dictionary.cls of the installed xlwings, Tim Hall's
  VBA-Dictionary, MIT): on a Mac the xlwings module declares `As Dictionary`, and without the class
  it does not compile; xlwings' own quickstart_addin_ribbon.xlam carries it for the same reason;
- the config sheet `shenbao.conf` that the xlwings module reads.

The config sheet. xlwings' custom-add-in module looks for settings in this order: a sheet named
PROJECT_NAME & ".conf" in the *active* workbook, the same sheet in the add-in, a file of that name in
the active workbook's folder, the user's file, then its defaults. The active workbook is often a
file received from a county and its folder the folder of received files, so the build turns those
two sources off, and the add-in's sheet sets every setting that could point Python elsewhere. In
particular ADD_WORKBOOK_TO_PYTHONPATH is False: a folder of received files must never be able to
shadow our modules. The user's own file (%USERPROFILE%\\.shenbao\\shenbao.conf) still works for
settings the sheet leaves out.

The self-test variant leaves out the xlwings module, which LibreOffice Basic cannot compile, and
adds addin/selftest.bas; the LibreOffice test runs it. Same sources give the same bytes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from macros_py.addin import package as pkg
from macros_py.addin.vba_project import (
    WORKBOOK_BASE,
    WORKSHEET_BASE,
    VbaModule,
    build_vba_project,
    class_module,
    document_module,
    standard_module,
)
from macros_py.addin.vba_udf_stubs import UDF_MODULE_VB_NAME, stubs_for_module
from macros_py.model.errors import UsageError
from macros_py.model.paths import ADDIN_DIR
from macros_py.write.xlsx_pack import write_atomic

PROJECT_NAME = "shenbao"  # the VBA project's name and xlwings' PROJECT_NAME
CONFIG_SHEET = f"{PROJECT_NAME}.conf"  # the sheet name xlwings' GetConfig reads (PROJECT_NAME & ".conf")
UDF_MODULE = "macros_py.addin.functions"
XLWINGS_BAS = "xlwings_custom_addin.bas"
XLWINGS_VB_NAME = "xlwings"
DICTIONARY_CLS = "addin/Dictionary.cls"  # inside the installed xlwings package
DICTIONARY_VB_NAME = "Dictionary"
SELFTEST_BAS = "selftest.bas"
SELFTEST_VB_NAME = "SelfTest"
ADDIN_TITLE = "高技能人才申报"
ADDIN_DESCRIPTION = "大同市高技能人才培训基地和技能大师工作室申报：校验、生成报送文件、汇总。"
_CUSTOM_UI_NS = "{http://schemas.microsoft.com/office/2009/07/customui}"

# Edits to xlwings' module, each (what, original text, replacement); the original must occur once,
# so that a changed xlwings fails the build instead of being patched wrongly.
_XLWINGS_EDITS = (
    ("PROJECT_NAME", 'Public Const PROJECT_NAME As String = "myaddin"',
     f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"'),
    ("活动工作簿中的配置表", 'If SheetExists(ActiveWorkbook, PROJECT_NAME & ".conf") = True Then',
     "If False Then ' shenbao: a received workbook must not configure the add-in"),
    ("活动工作簿所在文件夹中的配置文件", 'If source = "" Or source = "directory" Then',
     "If False Then ' shenbao: a folder of received files must not configure the add-in"),
)


def config_rows(interpreter_win: str = "", interpreter_mac: str = "") -> list[tuple[str, str, str]]:
    """The config sheet: key (column A), value (B), explanation for a maintainer (C).

    xlwings reads A and B from A1 down to the first empty A cell; keys are not case-sensitive.
    A key present with an empty value counts as set, which is how the sheet shuts out other sources.
    """
    return [
        ("Interpreter_Win", interpreter_win,
         "Windows 上 Python 解释器（python.exe）的完整路径。填完整路径时，xlwings 先进入解释器所在文件夹再运行，"
         "当前文件夹里的同名模块无法冒充本程序。留空则用 PATH 中的 python（见 Interpreter）。"
         "shenbao addin install 会填入运行它的 Python。"),
        ("Interpreter_Mac", interpreter_mac,
         "macOS 上 Python 解释器的完整路径；留空则用 Interpreter。shenbao addin install 会填入运行它的 Python。"),
        ("Interpreter", "python", "上两项留空时使用的解释器（xlwings 旧设置名）。"),
        ("UDF Modules", UDF_MODULE, "提供工作表函数（=SB_...）的 Python 模块。"),
        ("ADD_WORKBOOK_TO_PYTHONPATH", "False",
         "必须为 False：不把活动工作簿所在的文件夹加入 Python 路径，收到的文件夹里的同名 .py 文件无法冒充本程序的模块。"),
        ("PYTHONPATH", "", "额外加入 Python 路径的文件夹。留空：本程序用 pip 安装，不需要额外路径。"),
        ("Conda Path", "", "使用 Anaconda 时填其安装文件夹，否则留空。"),
        ("Conda Env", "", "使用 Anaconda 时填环境名，否则留空。"),
        ("Show Console", "False", "True：运行 Python 时显示命令行窗口（排查问题用）。"),
        ("Use UDF Server", "False", "True：按钮也经常驻的函数服务器运行（xlwings 的优化连接）。默认关闭。"),
        ("Debug UDFs", "False", "True：工作表函数连到手动启动的调试服务器（仅开发用）。"),
        ("LICENSE_KEY", "", "留空：本加载项只用 xlwings 的开源（BSD）部分，不用需要许可证的 PRO 功能。"),
    ]


def xlwings_module_text() -> str:
    """xlwings' custom-add-in module from the installed package, with the edits above applied."""
    import xlwings  # imported here: building is the only thing that needs it

    path = Path(xlwings.__file__).parent / XLWINGS_BAS
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise UsageError(f"已安装的 xlwings（{xlwings.__version__}）中没有 {XLWINGS_BAS}，无法生成加载项") from None
    for what, old, new in _XLWINGS_EDITS:
        if text.count(old) != 1:
            raise UsageError(f"xlwings {xlwings.__version__} 的 {XLWINGS_BAS} 与预期不符（{what}），请核对构建脚本")
        text = text.replace(old, new)
    return text


def dictionary_class_text() -> str:
    """The Dictionary class module's .cls text from the installed xlwings package."""
    import xlwings

    path = Path(xlwings.__file__).parent / DICTIONARY_CLS
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise UsageError(f"已安装的 xlwings（{xlwings.__version__}）中没有 {DICTIONARY_CLS}，无法生成加载项") from None


def _read(addin_dir: Path, name: str) -> str:
    try:
        return (addin_dir / name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"找不到加载项源文件 {addin_dir / name}") from None


def custom_ui(addin_dir: Path = ADDIN_DIR) -> bytes:
    """The ribbon XML, checked: well-formed, unique ids, every button calls OnAction."""
    text = _read(addin_dir, "customUI14.xml")
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        raise UsageError(f"customUI14.xml 不是合法的 XML：{exc}") from None
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    if len(ids) != len(set(ids)):
        raise UsageError("customUI14.xml 中有重复的 id")
    for button in root.iter(f"{_CUSTOM_UI_NS}button"):
        if button.get("onAction") != "OnAction":
            raise UsageError(f"customUI14.xml 中按钮 {button.get('id')} 的 onAction 应为 OnAction")
    return text.encode("utf-8")


def ribbon_button_ids(addin_dir: Path = ADDIN_DIR) -> list[str]:
    """The ids the ribbon hands to macros_py.addin.ribbon.dispatch, in ribbon order."""
    root = ET.fromstring(custom_ui(addin_dir))
    return [b.get("id") for b in root.iter(f"{_CUSTOM_UI_NS}button")]


def addin_modules(*, selftest: bool = False, addin_dir: Path = ADDIN_DIR) -> list[VbaModule]:
    """The VBA modules in project order: document modules, xlwings' two, then ours by name."""
    modules = [
        document_module("ThisWorkbook", WORKBOOK_BASE, _read(addin_dir, "ThisWorkbook.cls")),
        document_module("Sheet1", WORKSHEET_BASE),
    ]
    if not selftest:
        modules.append(standard_module(XLWINGS_VB_NAME, xlwings_module_text()))
        modules.append(class_module(DICTIONARY_VB_NAME, dictionary_class_text()))
    modules.append(standard_module(UDF_MODULE_VB_NAME, stubs_for_module(UDF_MODULE)))
    for path in sorted(addin_dir.glob("*.bas")):
        if path.name == SELFTEST_BAS and not selftest:
            continue
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[0] if text else ""
        prefix = 'Attribute VB_Name = "'
        if not (first.startswith(prefix) and first.endswith('"')):
            raise UsageError(f"{path} 的第一行应为 {prefix}模块名\"")
        modules.append(standard_module(first[len(prefix):-1], text))
    return modules


def build_addin(*, selftest: bool = False, interpreter_win: str = "", interpreter_mac: str = "",
                addin_dir: Path = ADDIN_DIR) -> bytes:
    """The .xlam as bytes. `selftest` gives the LibreOffice variant (see the module docstring)."""
    ribbon = custom_ui(addin_dir)
    vba = build_vba_project(addin_modules(selftest=selftest, addin_dir=addin_dir), PROJECT_NAME)
    parts = [
        ("[Content_Types].xml", pkg.content_types()),
        ("_rels/.rels", pkg.package_rels()),
        ("docProps/core.xml", pkg.core_properties(ADDIN_TITLE, ADDIN_DESCRIPTION)),
        (pkg.CUSTOM_UI_PART, ribbon),
        ("xl/workbook.xml", pkg.workbook(CONFIG_SHEET)),
        ("xl/_rels/workbook.xml.rels", pkg.workbook_rels()),
        ("xl/worksheets/sheet1.xml", pkg.worksheet(config_rows(interpreter_win, interpreter_mac), (28, 40, 110))),
        ("xl/styles.xml", pkg.styles()),
        (pkg.VBA_PART, vba),
    ]
    return pkg.write_package([(n, d.encode("utf-8") if isinstance(d, str) else d) for n, d in parts])


def claim_addin(path: str | Path, *, force: bool = False) -> Path:
    """Refuse (OutputError) before building if the add-in may not be written at `path`."""
    from macros_py.write.outputs import ADDIN, claim

    return claim(path, ADDIN, force=force)


def write_addin(path: str | Path, data: bytes, *, force: bool = False) -> Path:
    """Write the add-in through a temporary file and a rename, so no half-written file is left."""
    path = claim_addin(path, force=force)
    write_atomic(path, data)
    return path
