"""The VBA stubs for worksheet functions match what xlwings' own generator writes for the same functions."""

import ast
import io
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import xlwings
from xlwings.utils import VBAWriter

from macros_py.addin.vba_udf_stubs import (
    DEFAULT_CATEGORY,
    UdfSourceError,
    read_udfs,
    stubs_for_module,
    udf_stub_module,
)

SAMPLE = '''
import xlwings as xw
from xlwings import func as xlfunc, arg

@xw.func
def plain(a, b):
    """Plain."""

@xw.func(volatile=True, call_in_wizard=False, category="申报")
@xw.arg("x", doc="某数")
def options(x, y=1, z=None):
    """选项。"""

@xlfunc
@arg("rest", doc="其余")
def spread(first, *rest):
    pass

@xw.func
@xw.arg("book", vba="ActiveWorkbook")
def with_vba(book, caller, n):
    """带 vba 参数。"""

@xw.sub
def a_sub(v):
    """A macro."""

def not_a_udf(q):
    pass
'''


def _xlwings_generate_vba_wrapper():
    """xlwings' own generate_vba_wrapper, taken from the installed udfs.py.

    udfs.py imports pywin32 and so cannot be imported off Windows; its stub generator only needs
    VBAWriter, so the function's source is compiled on its own.
    """
    source = (Path(xlwings.__file__).parent / "udfs.py").read_text(encoding="utf-8")
    node = next(n for n in ast.parse(source).body
                if isinstance(n, ast.FunctionDef) and n.name == "generate_vba_wrapper")
    namespace = {"VBAWriter": VBAWriter}
    exec(compile(ast.Module([node], []), "udfs.py", "exec"), namespace)
    return namespace["generate_vba_wrapper"]


def _as_xlfunc(udf):
    """The __xlfunc__ record xlwings' decorators would attach for the same declarations."""
    args = []
    for a in udf.args:
        record = {"name": a.name, "vba": None if a.name == "caller" else a.vba, "doc": a.doc, "vararg": a.vararg}
        if a.optional:
            record["optional"] = None
        args.append(record)
    return {"name": udf.name, "sub": udf.sub, "args": args, "call_in_wizard": udf.call_in_wizard,
            "volatile": udf.volatile}


def _blocks(text):
    """Function/Sub blocks keyed by name (xlwings writes them in dir() order, we in source order)."""
    return {m.group(2): m.group(0) for m in re.finditer(r"^(Function|Sub) (\w+)\(.*?^End \1\n\n", text, re.M | re.S)}


def test_stub_text_equals_xlwings_own_generator():
    udfs = read_udfs(SAMPLE)
    module = SimpleNamespace(**{u.name: SimpleNamespace(__xlfunc__=_as_xlfunc(u)) for u in udfs})
    out = io.StringIO()
    _xlwings_generate_vba_wrapper()("macros_py.sample", module, out, SimpleNamespace(Name="shenbao.xlam"))
    theirs = _blocks(out.getvalue())
    ours = _blocks(udf_stub_module("macros_py.sample", udfs))
    assert set(ours) == {"plain", "options", "spread", "with_vba", "a_sub"}
    assert ours == theirs


def test_reads_what_the_decorators_declare():
    udfs = {u.name: u for u in read_udfs(SAMPLE)}
    assert "not_a_udf" not in udfs
    opts = udfs["options"]
    assert (opts.volatile, opts.call_in_wizard, opts.category, opts.doc) == (True, False, "申报", "选项。")
    assert [(a.name, a.optional, a.doc) for a in opts.args] == [
        ("x", False, "某数"), ("y", True, "Positional argument 2"), ("z", True, "Positional argument 3")]
    assert udfs["plain"].category == DEFAULT_CATEGORY
    assert udfs["spread"].args[-1].vararg and udfs["spread"].args[-1].doc == "其余"
    assert [a.vba for a in udfs["with_vba"].args] == ["ActiveWorkbook", "Nothing", None]
    assert udfs["a_sub"].sub


def test_picks_up_every_function_of_the_real_module():
    from macros_py.addin import functions as xl_functions

    text = stubs_for_module("macros_py.addin.functions")
    assert text.startswith('Attribute VB_Name = "xlwings_udfs"\n')
    # Every public =SB_... function gets a stub, whoever adds it later.
    public = {name for name, value in vars(xl_functions).items() if name.startswith("SB_") and callable(value)}
    assert set(_blocks(text)) == public >= {"SB_TIER", "SB_SUBSIDY", "SB_SHARE", "SB_RATIO"}
    assert ('SB_TIER = XLPy.CallUDF("macros_py.addin.functions", "SB_TIER", Array(training, senior_certs), '
            "ActiveWorkbook, Application.Caller)") in text
    assert text.isascii()  # Chinese help is written as code points


def _decoded_help(text):
    """What RegisterFunctionHelp assigns, decoded from its U("hex hex ...") calls, per statement target."""
    values, current = [], {}
    for line in text.splitlines():
        m = re.match(r'\s*(\w+(?:\(\d+\))?) = (?:\1 & )?U\("([0-9A-F ]+)"\)$', line.strip())
        if m:
            current[m.group(1)] = current.get(m.group(1), "") + "".join(chr(int(c, 16)) for c in m.group(2).split())
        elif re.match(r'\s*(\w+(?:\(\d+\))?) = ""$', line.strip()):
            current[line.strip().split(" ")[0]] = ""
        elif "Application.MacroOptions" in line:
            values.append((re.search(r"'!(\w+)\"", line).group(1), dict(current)))
    return dict(values)


def test_function_wizard_help_carries_the_chinese_docstrings():
    from macros_py.addin import functions as xl_functions

    helps = _decoded_help(stubs_for_module("macros_py.addin.functions"))
    assert helps["SB_TIER"]["d"] == xl_functions.SB_TIER.__doc__
    assert helps["SB_TIER"]["c"] == "申报"
    assert helps["SB_TIER"]["a(0)"] == "年培训规模（人次）"
    assert helps["SB_RATIO"]["a(1)"] == "学员（年培训）人数"


def test_long_help_is_cut_to_excels_limit_and_split_into_short_lines():
    long_doc = "长" * 400
    text = udf_stub_module("m", read_udfs(f'import xlwings as xw\n@xw.func\ndef f(a):\n    """{long_doc}"""\n'))
    assert max(len(line) for line in text.splitlines()) < 1023
    assert _decoded_help(text)["f"]["d"] == "长" * 255


@pytest.mark.parametrize("source,message", [
    ("@xw.func\ndef f(a, *, b):\n    pass\n", "位置参数"),
    ("@xw.func\ndef f(a=1, *b):\n    pass\n", "\\*args"),
    ("@xw.func\n@xw.arg('nope', doc='x')\ndef f(a):\n    pass\n", "不存在"),
    ("@xw.func\ndef f(string):\n    pass\n", "VBA"),
    ("@xw.func(category=3)\ndef f(a):\n    pass\n", "category"),
    ("@xw.func\n@xw.arg('a', doc=DOC)\ndef f(a):\n    pass\n", "字面量"),
])
def test_rejects_what_a_stub_cannot_express(source, message):
    with pytest.raises(UdfSourceError, match=message):
        read_udfs("import xlwings as xw\n" + source)
