"""The add-in's entry points into Python, read from the built .xlam, exist in the package.

Excel reaches Python in two ways, both written into the .xlam as text: the ribbon module's RunPython
statement (shenbao_ribbon) and the `UDF Modules` setting of the shenbao.conf sheet, which the
worksheet-function stubs (xlwings_udfs) name again in every CallUDF. Nothing in Python calls them, so
a moved or renamed module would only show in Excel. Here they are read back from the built file (the
VBA decompressed from vbaProject.bin, not taken from addin/*.bas) and imported as written.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import xml.etree.ElementTree as ET

import pytest
from vba_parts import Package, open_package

from macros_py.addin.build import CONFIG_SHEET, build_addin

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
OPC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
UI = "{http://schemas.microsoft.com/office/2009/07/customui}"


@pytest.fixture(scope="module")
def package() -> Package:
    return open_package(build_addin())


def _vba(package: Package, module: str) -> str:
    project = package.vba()
    return project.source(project.module(module))


def run_python_code(package: Package, button_id: str) -> str:
    """The Python statement the ribbon module hands to RunPython for a button."""
    source = _vba(package, "shenbao_ribbon")
    (expression,) = re.findall(r"^\s*RunPython\s+(.+?)\s*$", source, re.M)
    # A VBA string expression: literals joined with &, and control.Id for the button's id.
    parts = re.findall(r'"((?:[^"]|"")*)"|(\bcontrol\.Id\b)', expression)
    assert re.fullmatch(r'(?:\s*&?\s*(?:"(?:[^"]|"")*"|control\.Id))+', expression), expression
    return "".join(button_id if is_id else literal.replace('""', '"') for literal, is_id in parts)


def config_value(package: Package, key: str) -> str:
    """Column B of the row whose column A is `key`, in the config sheet as xlwings reads it."""
    workbook = package.xml("xl/workbook.xml")
    sheet = next(s for s in workbook.iter(f"{MAIN}sheet") if s.get("name") == CONFIG_SHEET)
    target = next(t for rid, _, t in package.rels("xl/_rels/workbook.xml.rels") if rid == sheet.get(f"{{{OPC_REL}}}id"))
    rows = {}
    for row in package.xml("xl/" + target).iter(f"{MAIN}row"):
        cells = {re.sub(r"\d", "", c.get("r")): "".join(t.text or "" for t in c.iter(f"{MAIN}t")) for c in row}
        if cells.get("A"):
            rows[cells["A"].upper()] = cells.get("B", "")
    return rows[key.upper()]


def _button_ids(package: Package) -> list[str]:
    root = ET.fromstring(package.parts[package.ribbon_part()])
    return [b.get("id") for b in root.iter(f"{UI}button")]


def test_the_ribbon_statement_imports_a_module_whose_function_takes_the_button_id(package):
    ids = _button_ids(package)
    assert ids
    for button_id in ids:
        tree = ast.parse(run_python_code(package, button_id))  # valid Python for every button
        imports = [n for n in tree.body if isinstance(n, ast.Import)]
        calls = [n.value for n in tree.body if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)]
        assert len(imports) == 1 and len(imports[0].names) == 1 and len(calls) == 1
        alias = imports[0].names[0]
        call = calls[0]
        assert isinstance(call.func, ast.Attribute) and call.func.value.id == (alias.asname or alias.name)
        assert [a.value for a in call.args] == [button_id]
    module = importlib.import_module(alias.name)  # exactly the path written into the .xlam
    function = getattr(module, call.func.attr)
    assert callable(function)
    inspect.signature(function).bind(button_id)  # it takes the id as its one argument
    assert (alias.name, call.func.attr) == ("macros_py.addin.ribbon", "dispatch")


def test_the_udf_module_of_the_config_sheet_holds_every_stubbed_function(package):
    udf_modules = [m.strip() for m in config_value(package, "UDF Modules").split(";") if m.strip()]
    assert udf_modules == ["macros_py.addin.functions"]
    stubs = _vba(package, "xlwings_udfs")
    calls = re.findall(r'XLPy\.CallUDF\("([\w.]+)", "(\w+)"', stubs)
    declared = dict(re.findall(r"^Function (\w+)\((.*)\)\s*$", stubs, re.M))
    assert declared and {name for _, name in calls} == set(declared)
    assert {module for module, _ in calls} == set(udf_modules)  # the stubs name the module the sheet names
    for path in udf_modules:
        module = importlib.import_module(path)
        for name, arglist in declared.items():
            function = getattr(module, name, None)
            assert callable(function), f"{path}.{name}"
            # The stub's arguments are the function's, in order; Optional where Python has a default.
            stub_args = [a.strip() for a in arglist.split(",") if a.strip()]
            params = list(inspect.signature(function).parameters.values())
            assert stub_args == [("Optional " if p.default is not p.empty else "") + p.name for p in params], name
        # and every public SB_ function of the module has its stub
        public = {n for n, f in vars(module).items() if n.startswith("SB_") and callable(f)}
        assert public == set(declared)


def test_an_entry_point_that_moved_is_caught(package):
    """The reading above is not vacuous: a statement naming a module that does not exist fails to import."""
    code = run_python_code(package, "sb_check").replace("macros_py.addin.ribbon", "macros_py.ribbon")
    module = ast.parse(code).body[0].names[0].name
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(module)
