"""VBA stubs for worksheet functions, in the shape xlwings' own "Import Functions" writes.

xlwings writes these stubs from inside a running Excel (xlwings.udfs.generate_vba_wrapper). We
build on machines without Excel, where `@xw.func` is a no-op that records nothing, so this module
reads the decorators from the Python source with `ast` instead of importing it. It understands what
xlwings' decorators declare that matters for the stub: the function's positional arguments (with
defaults: Optional; *args: ParamArray; an argument named `caller`: passed by xlwings, not by the
user), `@xw.arg(name, doc=..., vba=...)`, `@xw.func(volatile=..., call_in_wizard=..., category=...)`
and `@xw.sub`. The stub text reproduces xlwings 0.37's for an add-in (workbook: ActiveWorkbook).

The module also gets a Sub `RegisterFunctionHelp` that gives Excel's function wizard the Chinese
descriptions (what xlwings does with Application.MacroOptions after an import). Chinese text is
written as hexadecimal code points decoded at run time, so the VBA stays ASCII in any code page.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path

UDF_MODULE_VB_NAME = "xlwings_udfs"  # the name xlwings' own import uses, so a re-import replaces ours
DEFAULT_CATEGORY = "xlwings"  # xlwings' default when @xw.func names none
_XLWINGS = "xlwings"
_HELP_MAX = 255  # Excel's limit for a description or an argument description
_CODES_PER_LINE = 100  # keeps each generated line far below VBA's 1023-character limit
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,254}\Z")
# VBA keywords, and names the stub itself uses: a Python name among these would not compile.
_RESERVED = {w.lower() for w in """
    And As Boolean ByRef Byte ByVal Call Case Const Currency Date Decimal Declare Dim Do Double Each
    Else ElseIf Empty End Enum Eqv Erase Error Event Exit False For Friend Function Get Global GoSub
    GoTo If Imp Implements In Integer Is Let Like Long LongLong LongPtr Loop LSet Me Mod New Next Not
    Nothing Null Object On Option Optional Or ParamArray Preserve Private Property Public RaiseEvent
    ReDim Rem Resume Return RSet Select Set Single Static Step Stop String Sub Then To True Type
    TypeOf Until Variant Wend While With WithEvents Xor k argsArray failed
    """.split()}


class UdfSourceError(ValueError):
    """The module's decorators say something the stub generator cannot express."""


@dataclass
class UdfArg:
    name: str
    doc: str
    optional: bool = False
    vararg: bool = False
    vba: str | None = None  # an expression passed instead of a user argument (xw.arg(vba=...))


@dataclass
class Udf:
    name: str
    doc: str
    args: list[UdfArg] = field(default_factory=list)
    sub: bool = False
    volatile: bool = False
    call_in_wizard: bool = True
    category: str = DEFAULT_CATEGORY


def _xlwings_names(tree: ast.Module) -> tuple[set[str], dict[str, str]]:
    """Names bound to the xlwings module, and bare names imported from it (local -> original)."""
    modules, members = set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name == _XLWINGS}
        elif isinstance(node, ast.ImportFrom) and node.module == _XLWINGS:
            members |= {a.asname or a.name: a.name for a in node.names}
    return modules, members


def _decorator_kind(node: ast.expr, modules: set[str], members: dict[str, str]) -> str | None:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id in modules:
        return target.attr
    if isinstance(target, ast.Name) and target.id in members:
        return members[target.id]
    return None


def _literal(node: ast.expr, where: str):
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise UdfSourceError(f"{where} 须为字面量，无法在生成 VBA 时求值：{ast.unparse(node)}") from None


def _keywords(call: ast.expr, wanted: tuple[str, ...], where: str) -> dict:
    if not isinstance(call, ast.Call):
        return {}
    return {k.arg: _literal(k.value, f"{where} 的 {k.arg}") for k in call.keywords if k.arg in wanted}


def _udf_from(fn: ast.FunctionDef, modules: set[str], members: dict[str, str]) -> Udf | None:
    kinds = [(_decorator_kind(d, modules, members), d) for d in fn.decorator_list]
    main = [(k, d) for k, d in kinds if k in ("func", "sub")]
    if not main:
        return None
    where = f"函数 {fn.name}"
    a = fn.args
    names = [p.arg for p in a.args] + ([a.vararg.arg] if a.vararg else [])
    for name in [fn.name, *names]:
        clash = name != fn.name and name.lower() == fn.name.lower()
        if not _IDENTIFIER.match(name) or name.lower() in _RESERVED or clash:
            raise UdfSourceError(f"{where}：名称 {name!r} 不能用作 VBA 标识符（须为英文字母开头、且不是 VBA 关键字）")
    if a.posonlyargs or a.kwonlyargs or a.kwarg:
        raise UdfSourceError(f"{where}：xlwings 只支持普通位置参数和 *args")
    if a.vararg and a.defaults:
        raise UdfSourceError(f"{where}：xlwings 不支持同时有默认值和 *args")
    first_optional = len(a.args) - len(a.defaults)
    args = [UdfArg(p.arg, f"Positional argument {i + 1}", optional=i >= first_optional)
            for i, p in enumerate(a.args)]
    if a.vararg:
        args.append(UdfArg(a.vararg.arg, f"Positional argument {len(args) + 1}", vararg=True))
    by_name = {arg.name: arg for arg in args}
    for kind, deco in kinds:
        if kind != "arg":
            continue
        if not isinstance(deco, ast.Call) or not deco.args:
            raise UdfSourceError(f"{where}：@xw.arg 须写明参数名")
        name = str(_literal(deco.args[0], f"{where} 的 @xw.arg")).lstrip("*")
        if name not in by_name:
            raise UdfSourceError(f"{where}：@xw.arg 所指的参数 {name!r} 不存在")
        opts = _keywords(deco, ("doc", "vba"), f"{where} 的 @xw.arg({name!r})")
        by_name[name].doc = opts.get("doc", by_name[name].doc)
        by_name[name].vba = opts.get("vba", by_name[name].vba)
    if "caller" in by_name:
        by_name["caller"].vba = "Nothing"  # xlwings puts the calling range there
    opts = _keywords(main[0][1], ("volatile", "call_in_wizard", "category"), where)
    category = opts.get("category", DEFAULT_CATEGORY)
    if not isinstance(category, str):
        raise UdfSourceError(f"{where}：category 须为文本（不支持 Excel 内置类别编号）")
    doc = ast.get_docstring(fn, clean=True) or f"Python function '{fn.name}'"
    return Udf(fn.name, doc, args, sub=main[0][0] == "sub", volatile=bool(opts.get("volatile", False)),
               call_in_wizard=bool(opts.get("call_in_wizard", True)), category=category)


def read_udfs(source: str, filename: str = "<udf module>") -> list[Udf]:
    """The `@xw.func`/`@xw.sub` functions defined at the top level of a module's source, in order."""
    tree = ast.parse(source, filename)
    modules, members = _xlwings_names(tree)
    found = [_udf_from(n, modules, members) for n in tree.body if isinstance(n, ast.FunctionDef)]
    return [u for u in found if u is not None]


def module_source_path(module_name: str) -> Path:
    """Where a module's source is, found without executing the module itself."""
    spec = importlib.util.find_spec(module_name)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        raise UdfSourceError(f"找不到工作表函数模块 {module_name} 的源文件")
    return Path(spec.origin)


class _Writer:
    """xlwings' VBAWriter in miniature: four spaces per block level, labels one level out."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.indent = 0

    def line(self, text: str = "") -> None:
        self.lines.append("    " * self.indent + text if text else "")

    def label(self, text: str) -> None:
        self.indent -= 1
        self.line(text + ":")
        self.indent += 1


def _stub(w: _Writer, module_name: str, u: Udf) -> None:
    ftype = "Sub" if u.sub else "Function"
    params = []
    vararg = ""
    for a in u.args:
        if a.vba:
            continue
        params.append(("Optional " if a.optional else "ParamArray " if a.vararg else "") + a.name
                      + ("()" if a.vararg else ""))
        if a.vararg:
            vararg = a.name
    w.line(f"{ftype} {u.name}({', '.join(params)})")
    w.indent += 1
    if not u.sub:
        if not u.call_in_wizard:
            w.line('If (Not Application.CommandBars("Standard").Controls(1).Enabled) Then Exit Function')
        if u.volatile:
            w.line("Application.Volatile")
    if vararg:
        fixed = [a.vba or a.name for a in u.args if not a.vararg]
        w.line("Dim argsArray() As Variant")
        w.line(f"argsArray = Array({', '.join(fixed)})")
        w.line(f"ReDim Preserve argsArray(0 to UBound({vararg}) - LBound({vararg}) + {len(fixed)})")
        w.line(f"For k = LBound({vararg}) To UBound({vararg})")
        w.line(f"argsArray({len(fixed)} + k - LBound({vararg})) = {vararg}(k)")
        w.line("Next k")
        args_vba = "argsArray"
    else:
        args_vba = f"Array({', '.join(a.vba or a.name for a in u.args)})"
    call = f'XLPy.CallUDF("{module_name}", "{u.name}", {args_vba}'
    w.line('#If App = "Microsoft Excel" Then')
    w.indent += 1
    if u.sub:
        w.line(f'XLPy.CallUDF "{module_name}", "{u.name}", {args_vba}, ActiveWorkbook, Application.Caller')
    else:
        w.line("If TypeOf Application.Caller Is Range Then On Error GoTo failed")
        w.line(f"{u.name} = {call}, ActiveWorkbook, Application.Caller)")
        w.line(f"Exit {ftype}")
    w.indent -= 1
    w.line("#Else")
    w.indent += 1
    if u.sub:
        w.line(f'XLPy.CallUDF "{module_name}", "{u.name}", {args_vba}')
    else:
        w.line(f"{u.name} = {call})")
        w.line(f"Exit {ftype}")
    w.indent -= 1
    w.line("#End If")
    if not u.sub:
        w.label("failed")
        w.line(f"{u.name} = Err.Description")
    w.indent -= 1
    w.line(f"End {ftype}")
    w.line()


def _text_expr(w: _Writer, var: str, text: str) -> None:
    """Assign `text` to a VBA variable as code points (ASCII-only VBA for any Unicode text)."""
    codes = []
    for ch in text[:_HELP_MAX]:
        if ord(ch) > 0xFFFF:
            raise UdfSourceError(f"说明文字含有 Excel 不支持的字符 {ch!r}")
        codes.append(f"{ord(ch):X}")
    w.line(f'{var} = ""')
    for i in range(0, len(codes), _CODES_PER_LINE):
        w.line(f'{var} = {var} & U("{" ".join(codes[i:i + _CODES_PER_LINE])}")')


def _help(w: _Writer, udfs: list[Udf]) -> None:
    w.line("Public Sub RegisterFunctionHelp()")
    w.indent += 1
    w.line("' Called from ThisWorkbook's Workbook_Open. Help text is optional, so errors are ignored")
    w.line("' (Excel before 2010 has no ArgumentDescriptions).")
    w.line("Dim d As String, c As String, a() As String")
    w.line("On Error Resume Next")
    for u in (u for u in udfs if not u.sub):
        _text_expr(w, "d", u.doc)
        _text_expr(w, "c", u.category)
        docs = [a.doc for a in u.args if not a.vba]
        if docs:
            w.line(f"ReDim a(0 To {len(docs) - 1})")
            for i, doc in enumerate(docs):
                _text_expr(w, f"a({i})", doc)
            arg_part = ", ArgumentDescriptions:=a"
        else:
            arg_part = ""
        w.line(f"Application.MacroOptions Macro:=\"'\" & ThisWorkbook.Name & \"'!{u.name}\", "
               f"Description:=d, Category:=c{arg_part}")
    w.indent -= 1
    w.line("End Sub")
    w.line()
    w.line("Private Function U(ByVal codes As String) As String")
    w.indent += 1
    w.line("Dim parts() As String, i As Long")
    w.line('parts = Split(codes, " ")')
    w.line("For i = LBound(parts) To UBound(parts)")
    w.line('    U = U & ChrW(CLng("&H" & parts(i)))')
    w.line("Next i")
    w.indent -= 1
    w.line("End Function")


def udf_stub_module(module_name: str, udfs: list[Udf]) -> str:
    """The text of the VBA module `xlwings_udfs` (LF line ends; the project writer makes CRLF)."""
    w = _Writer()
    w.line(f'Attribute VB_Name = "{UDF_MODULE_VB_NAME}"')
    w.line(f"'Generated by `shenbao addin build` from the Python module {module_name}: do not edit.")
    w.line("'Same shape as the stubs xlwings' Import Functions writes; the add-in calls them with ActiveWorkbook.")
    w.line("#Const App = \"Microsoft Excel\" 'Adjust when using outside of Excel")
    for u in udfs:
        _stub(w, module_name, u)
    _help(w, udfs)
    return "\n".join(w.lines) + "\n"


def stubs_for_module(module_name: str) -> str:
    """Read a Python module's worksheet functions and return their VBA stub module."""
    path = module_source_path(module_name)
    return udf_stub_module(module_name, read_udfs(path.read_text(encoding="utf-8"), str(path)))
