"""Every (rule, message case) the code can emit exists in the catalogue (the B-DUP `same_channel` crash).

Found by reading the source, not by running it: every call that builds a message (render, case_of,
ctx.emit, bureau._finding) in macros_py is found in the AST, and its rule and case arguments are
resolved to the finite set of strings they can take — a literal, a module constant, a local name
assigned only such values, a parameter (through every call of its function), the case field of a
verdict object a function returns, or the ID of the rule being run (the @rule functions that reach
the call). An argument that cannot be resolved fails the test: the code must stay checkable.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from conftest import ROOT

from macros_py.rules.catalog import CATALOG

PACKAGE = ROOT / "macros_py"
BUILDERS = {"render": (0, 1), "case_of": (0, 1), "emit": (0, 1), "_finding": (0, 1)}


class Source:
    def __init__(self):
        self.funcs: dict[str, list[tuple[ast.FunctionDef, Path]]] = defaultdict(list)
        self.calls: dict[str, list[tuple[ast.Call, ast.FunctionDef | None, Path]]] = defaultdict(list)
        self.constants: dict[str, set[str]] = defaultdict(set)
        self.classes: dict[str, ast.ClassDef] = {}
        self.parent: dict[ast.AST, ast.AST] = {}
        for path in sorted(PACKAGE.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                for child in ast.iter_child_nodes(node):
                    self.parent[child] = node
            for node in tree.body:
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        self._constant(target, node.value)
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef):
                    self.funcs[node.name].append((node, path))
                elif isinstance(node, ast.ClassDef):
                    self.classes[node.name] = node
                elif isinstance(node, ast.Call):
                    self.calls[_name(node.func)].append((node, self.enclosing(node), path))

    def _constant(self, target, value):
        if isinstance(target, ast.Name) and isinstance(value, ast.Constant) and isinstance(value.value, str):
            self.constants[target.id].add(value.value)
        elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
            for t, v in zip(target.elts, value.elts, strict=False):
                self._constant(t, v)

    def enclosing(self, node) -> ast.FunctionDef | None:
        while node in self.parent:
            node = self.parent[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None


def _name(func) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


class Unresolved(Exception):
    pass


class Resolver:
    def __init__(self, src: Source):
        self.src = src

    def values(self, expr, func, depth=0) -> set[str]:
        if depth > 8:
            raise Unresolved(ast.unparse(expr))
        if isinstance(expr, ast.Constant):
            return {expr.value} if isinstance(expr.value, str) else set()   # None: nothing emitted
        if isinstance(expr, ast.Name):
            return self._name(expr.id, func, depth)
        if isinstance(expr, ast.Attribute) and expr.attr == "id" and isinstance(expr.value, ast.Attribute) \
                and expr.value.attr == "rule":
            return self.running_rules(func, depth)
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and func is not None:
            # verdict.case, where verdict = some_function(...): the field of what it returns
            for node in ast.walk(func):
                if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == expr.value.id
                                                        for t in node.targets) and isinstance(node.value, ast.Call):
                    return self.returned_field(_name(node.value.func), expr.attr, depth)
        if isinstance(expr, ast.IfExp):
            return self.values(expr.body, func, depth + 1) | self.values(expr.orelse, func, depth + 1)
        raise Unresolved(ast.unparse(expr))

    def _name(self, name, func, depth) -> set[str]:
        if func is not None:
            args = func.args
            params = [a.arg for a in args.posonlyargs + args.args]
            kwonly = [a.arg for a in args.kwonlyargs]
            if name in params or name in kwonly:
                return self.parameter(func, name, depth)
            assigned = set()
            found = False
            for node in ast.walk(func):
                targets = []
                if isinstance(node, ast.Assign):
                    targets = [(t, node.value) for t in node.targets]
                elif isinstance(node, ast.For):
                    targets = list(_loop_pairs(node.target, _literal(node.iter, func)))
                    case = _flowing_case(node)
                    if case is not None and case.id == name:
                        # for key, (case, params) in rec.doubts.items(): what the reader stored
                        found = True
                        assigned |= self.returned_cases(FLOWS[node.iter.func.value.attr], depth)
                for target, value in targets:
                    for t, v in _pairs(target, value):
                        if isinstance(t, ast.Name) and t.id == name:
                            found = True
                            assigned |= self.assigned(v, func, depth)
            if found:
                return assigned
        if name in self.src.constants:
            return set(self.src.constants[name])
        raise Unresolved(name)

    def assigned(self, value, func, depth) -> set[str]:
        if isinstance(value, ast.Call):
            return self.returned(_name(value.func), 0, depth)
        if isinstance(value, tuple):        # (element index, call) from tuple unpacking
            index, call = value
            return self.returned(_name(call.func), index, depth)
        if isinstance(value, ast.Tuple | ast.List):   # for x in ("a", "b")
            out = set()
            for elt in value.elts:
                out |= self.values(elt, func, depth + 1)
            return out
        return self.values(value, func, depth + 1)

    def returned(self, fname: str, index: int | None, depth) -> set[str]:
        out = set()
        defs = self.src.funcs.get(fname)
        if not defs:
            raise Unresolved(fname + "()")
        for fdef, _ in defs:
            for node in ast.walk(fdef):
                if isinstance(node, ast.Return) and node.value is not None:
                    value = node.value
                    if isinstance(value, ast.Tuple) and index is not None:
                        value = value.elts[index]
                    out |= self.values(value, fdef, depth + 1)
        return out

    def returned_cases(self, fname: str, depth) -> set[str]:
        """The first element of every (case, params) tuple `fname` returns, following returned calls."""
        out = set()
        for fdef, _ in self.src.funcs.get(fname, []):
            for node in ast.walk(fdef):
                if not isinstance(node, ast.Return) or node.value is None:
                    continue
                if isinstance(node.value, ast.Tuple):
                    out |= self.values(node.value.elts[0], fdef, depth + 1)
                elif isinstance(node.value, ast.Call):
                    out |= self.returned_cases(_name(node.value.func), depth + 1)
                elif not (isinstance(node.value, ast.Constant) and node.value.value is None):
                    raise Unresolved(f"{fname}() returns {ast.unparse(node.value)}")
        if not out:
            raise Unresolved(f"{fname}()")
        return out

    def returned_field(self, fname: str, attr: str, depth) -> set[str]:
        out = set()
        for fdef, _ in self.src.funcs.get(fname, []):
            for node in ast.walk(fdef):
                if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
                    cls = self.src.classes.get(_name(node.value.func))
                    if cls is None:
                        raise Unresolved(f"{fname}() returns {ast.unparse(node.value)}")
                    fields = [n.target.id for n in cls.body if isinstance(n, ast.AnnAssign)]
                    index = fields.index(attr)
                    call = node.value
                    arg = call.args[index] if index < len(call.args) else next(
                        (k.value for k in call.keywords if k.arg == attr), None)
                    if arg is not None:
                        out |= self.values(arg, fdef, depth + 1)
        if not out and fname not in self.src.funcs:
            raise Unresolved(f"{fname}().{attr}")
        return out

    def parameter(self, func, name, depth) -> set[str]:
        args = func.args
        positional = [a.arg for a in args.posonlyargs + args.args]
        defaults = dict(zip(positional[len(positional) - len(args.defaults):], args.defaults, strict=True))
        defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None})
        is_method = positional[:1] == ["self"]
        out = set()
        calls = self.src.calls.get(func.name, [])
        if not calls:
            raise Unresolved(f"{func.name}({name}): never called")
        for call, caller, _ in calls:
            kw = {k.arg: k.value for k in call.keywords}
            if name in kw:
                out |= self.values(kw[name], caller, depth + 1)
                continue
            index = positional.index(name) - (1 if is_method else 0) if name in positional else None
            if index is not None and index < len(call.args):
                out |= self.values(call.args[index], caller, depth + 1)
            elif any(k.arg is None for k in call.keywords):
                raise Unresolved(f"{func.name}(**…) for {name}")
            elif name in defaults:
                out |= self.values(defaults[name], func, depth + 1)
            else:
                raise Unresolved(f"{func.name}: {name} not given")
        return out

    def pairs(self, rule_expr, case_expr, func, depth=0) -> set[tuple[str, str]]:
        """(rule, case) pairs, call site by call site where both pass through a function's parameters."""
        params = _params(func)
        if isinstance(rule_expr, ast.Name) and isinstance(case_expr, ast.Name) and rule_expr.id in params \
                and case_expr.id in params and depth < 8:
            out = set()
            for call, caller, _ in self.src.calls.get(func.name, []):
                r, c = _argument(func, call, rule_expr.id), _argument(func, call, case_expr.id)
                if r is None or c is None:
                    raise Unresolved(f"{func.name}: {rule_expr.id}/{case_expr.id} not given")
                out |= self.pairs(r, c, caller, depth + 1)
            return out
        return {(r, c) for r in self.values(rule_expr, func) for c in self.values(case_expr, func)}

    def all_rules(self) -> set[str]:
        out = set()
        for defs in self.src.funcs.values():
            for fdef, _ in defs:
                for deco in fdef.decorator_list:
                    if isinstance(deco, ast.Call) and _name(deco.func) == "rule":
                        out |= self.values(deco.args[0], None)
        return out

    def running_rules(self, func, depth, seen=None) -> set[str]:
        """The IDs of the @rule functions from which `func` can be reached."""
        seen = seen or set()
        if func is not None and func.name == "run" and not seen:
            return self.all_rules()     # RuleContext.run: whichever registered rule it runs
        if func is None or func.name in seen:
            return set()
        seen.add(func.name)
        out = set()
        for deco in func.decorator_list:
            if isinstance(deco, ast.Call) and _name(deco.func) == "rule":
                out |= self.values(deco.args[0], None, depth + 1)
        for _, caller, _ in self.src.calls.get(func.name, []):
            out |= self.running_rules(caller, depth, seen)
        # A method of the rule context is reached from every rule that calls it through ctx.
        return out


def _params(func) -> list[str]:
    if func is None:
        return []
    args = func.args
    return [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]


def _argument(func, call, name):
    """The expression a call passes for parameter `name` (None if it relies on a default)."""
    for k in call.keywords:
        if k.arg == name:
            return k.value
    positional = [a.arg for a in func.args.posonlyargs + func.args.args]
    if name in positional:
        index = positional.index(name) - (1 if positional[:1] == ["self"] else 0)
        if index < len(call.args):
            return call.args[index]
    return None


# Data the reader stores on records for a rule to report later, and the function that makes it: a rule
# looping over `rec.doubts.items()` emits the cases value_doubt returns.
FLOWS = {"doubts": "value_doubt"}


def _flowing_case(loop: ast.For):
    """`case` in `for key, (case, params) in X.<flow>.items()`, else None."""
    it, target = loop.iter, loop.target
    if not (isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr == "items"
            and isinstance(it.func.value, ast.Attribute) and it.func.value.attr in FLOWS):
        return None
    if isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[1], ast.Tuple):
        first = target.elts[1].elts[0]
        return first if isinstance(first, ast.Name) else None
    return None


def _literal(expr, func):
    """A loop's iterable: a local name bound once to a literal tuple is that tuple."""
    if isinstance(expr, ast.Name):
        for node in ast.walk(func):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and node.targets[0].id == expr.id and isinstance(node.value, ast.Tuple | ast.List):
                return node.value
    return expr


def _loop_pairs(target, iterable):
    """for a, b in (("x", 1), ("y", 2)): each name with every value it takes."""
    if isinstance(iterable, ast.Tuple | ast.List):
        for elt in iterable.elts:
            yield from _pairs(target, elt)
    elif isinstance(target, ast.Name):
        yield target, iterable


def _pairs(target, value):
    if isinstance(target, ast.Tuple):
        if isinstance(value, ast.Tuple):
            for t, v in zip(target.elts, value.elts, strict=False):
                yield from _pairs(t, v)
        elif isinstance(value, ast.Call):
            for i, t in enumerate(target.elts):
                yield t, (i, value)
        elif isinstance(value, ast.Tuple | ast.List):
            return
    elif isinstance(value, ast.Tuple | ast.List) and all(isinstance(e, ast.Tuple) for e in value.elts):
        return
    else:
        yield target, value


def emitted_pairs() -> tuple[set[tuple[str, str, str]], list[str]]:
    src = Source()
    resolver = Resolver(src)
    pairs, unresolved = set(), []
    for builder, (rule_at, case_at) in BUILDERS.items():
        for call, func, path in src.calls.get(builder, []):
            if func is not None and func.name in BUILDERS:
                continue  # a builder passing its own arguments on: its callers are checked instead
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            if builder == "render" and not isinstance(call.func, ast.Name):
                continue  # jinja's template.render, formula renderers
            kw = {k.arg: k.value for k in call.keywords}
            try:
                rule_expr = call.args[rule_at] if len(call.args) > rule_at else kw["rule_id"]
                case_expr = call.args[case_at] if len(call.args) > case_at else kw["case"]
                found = resolver.pairs(rule_expr, case_expr, func)
            except (Unresolved, KeyError, IndexError) as exc:
                unresolved.append(f"{where}: {exc}")
                continue
            pairs |= {(r, c, where) for r, c in found}
    # ctx.number(rec, key, missing=…) emits the running rule's `missing` and "not_number" cases.
    for call, func, path in src.calls.get("number", []):
        if not isinstance(call.func, ast.Attribute):
            continue
        where = f"{path.relative_to(ROOT)}:{call.lineno}"
        kw = {k.arg: k.value for k in call.keywords}
        rules = resolver.running_rules(func, 0)
        if not rules:
            unresolved.append(f"{where}: no @rule reaches this ctx.number call")
        cases = {"not_number"} | (resolver.values(kw["missing"], func) if "missing" in kw else {"missing"})
        pairs |= {(r, c, where) for r in rules for c in cases}
    return pairs, unresolved


def test_every_emitted_rule_and_case_is_in_the_catalogue():
    pairs, unresolved = emitted_pairs()
    assert not unresolved, "message arguments the test cannot resolve:\n" + "\n".join(unresolved)
    assert len(pairs) > 150     # the scan really sees the rules (B-*, S-*, C-* and the bureau's)
    missing = sorted(f"{where}: {rule} / {case}" for rule, case, where in pairs
                     if rule not in CATALOG or case not in CATALOG[rule].cases)
    assert not missing, "cases the code emits that the catalogue lacks:\n" + "\n".join(missing)


def test_the_scan_finds_the_b_dup_same_channel_case_that_once_crashed_the_merge():
    pairs, _ = emitted_pairs()
    assert ("B-DUP", "same_channel") in {(r, c) for r, c, _ in pairs}
    assert ("B-DUP", "failed") in {(r, c) for r, c, _ in pairs}
