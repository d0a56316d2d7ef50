"""The registry of rule functions, and the context every rule works through.

A rule is a small function registered under its RULES.md ID with `@rule("B-RATIO")`; it declares the
finding IDs it may emit (its own by default) and reports through `ctx.emit`, which builds the message
and hint from rule_catalog (never from the rule's own text) and fills in file, sheet, cell, row,
column and value from the record. A rule that cannot apply to a file says so once via `ctx.require`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from macros_py.model.findings import Finding, display_value, mask_id, shown_text
from macros_py.model.normalize import norm_key
from macros_py.model.submission import Record, Submission
from macros_py.policy.load import Policy, Tier
from macros_py.policy.schema import Schema
from macros_py.policy.values import is_blank, parse_number
from macros_py.rules.catalog import CATALOG, NA, render


@dataclass(frozen=True)
class Rule:
    id: str
    func: Callable[[RuleContext], None]
    emits: tuple[str, ...]


REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str, emits: Iterable[str] | None = None):
    """Register a rule function under its ID (the ID must be in the catalog, and only once)."""

    def register(func):
        if rule_id not in CATALOG:
            raise ValueError(f"{rule_id} is not in rule_catalog")
        if rule_id in REGISTRY:
            raise ValueError(f"{rule_id} is registered twice")
        REGISTRY[rule_id] = Rule(rule_id, func, tuple(emits or (rule_id,)))
        return func

    return register


_ROW_OF = re.compile(r"(\d+)$")
_UNSET = object()
ENTITY_SHEETS = {"base": ("bases", "conditions", "funding", "majors"), "studio": ("studios", "masters")}


def fmt(number) -> str:
    """A number as a message shows it: 80, 62.5, 18.3 (one decimal for ratios and shares)."""
    if isinstance(number, float):
        if number.is_integer():
            return str(int(number))
        return f"{number:.2f}".rstrip("0").rstrip(".")
    return str(number)


class RuleContext:
    def __init__(self, sub: Submission, policy: Policy, schema: Schema):
        self.sub, self.policy, self.schema = sub, policy, schema
        self.findings: list[Finding] = []
        self.rule: Rule | None = None
        self._said_na: set[tuple[str, str]] = set()
        self._index: dict[tuple, object] = {}

    # ------------------------------------------------------------------ data
    def rows(self, sheet_key: str) -> list[Record]:
        return self.sub.rows(sheet_key)

    def found(self, sheet_key: str) -> bool:
        return bool(self.sub.tables.get(sheet_key))

    def has_entity(self, entity: str) -> bool:
        return any(self.sub.rows(k) for k in ENTITY_SHEETS[entity])

    def index(self, sheet_key: str, key: str) -> dict[str, Record]:
        """norm_key(value of `key`) -> the first record with it, e.g. bases by 项目单位."""
        if (sheet_key, key) not in self._index:
            out: dict[str, Record] = {}
            for rec in self.rows(sheet_key):
                value = rec.values.get(key)
                if not is_blank(value):
                    out.setdefault(norm_key(value), rec)
            self._index[(sheet_key, key)] = out
        return self._index[(sheet_key, key)]

    def named(self, sheet_key: str, key: str) -> list[Record]:
        """The records whose `key` is filled (computed once per check, shared by the rules)."""
        if (sheet_key, key, "named") not in self._index:
            self._index[(sheet_key, key, "named")] = [r for r in self.rows(sheet_key)
                                                     if not is_blank(r.values.get(key))]
        return self._index[(sheet_key, key, "named")]

    def tier(self, name) -> Tier | None:
        return self.policy.tiers.get(name) if isinstance(name, str) else None

    def title(self, sheet_key: str) -> str:
        table = self.sub.table(sheet_key)
        return table.sheet if table else self.schema.sheet(sheet_key).title

    def header(self, sheet_key: str, key: str) -> str:
        """The column's header as the file shows it (else the schema's)."""
        shown = self.sub.header(sheet_key, key)
        if shown is not None:
            return shown
        try:
            return self.schema.sheet(sheet_key).column(key).header
        except KeyError:
            return key

    # ------------------------------------------------------------------ applicability
    def require(self, sheet_key: str, *keys: str, entity: str | None = None) -> bool:
        """True when `sheet_key` was found with all `keys`. Otherwise, if the file has data this rule
        would check, one NA finding per rule and sheet says what is missing."""
        entity = entity or self.schema.sheet(sheet_key).entity
        missing_table = not self.found(sheet_key)
        missing_cols = [] if missing_table else [k for k in keys if not self.sub.has_column(sheet_key, k)]
        if not missing_table and not missing_cols:
            return True
        if self.has_entity(entity):
            if missing_table:
                reason = f"文件中没有“{self.schema.sheet(sheet_key).title}”表"
            else:
                headers = "”“".join(self.header(sheet_key, k) for k in missing_cols)
                reason = f"“{self.title(sheet_key)}”没有“{headers}”列"
            self.not_applicable(sheet_key, reason)
        return False

    def not_applicable(self, sheet_key: str | None, reason: str) -> None:
        mark = (self.rule.id, sheet_key or "")
        if mark in self._said_na:
            return
        self._said_na.add(mark)
        table = self.sub.table(sheet_key) if sheet_key else None
        self.emit(self.rule.id, NA, sheet=table.sheet if table else None,
                  cell=table.anchor if table else None, reason=reason)

    # ------------------------------------------------------------------ numbers
    def number(self, rec: Record, key: str, *, missing: str | None = "missing"):
        """The number in `key`, or None after saying why (blank: case `missing`; text: not_number)."""
        value = rec.values.get(key)
        if is_blank(value):
            if missing:
                self.emit(self.rule.id, missing, rec=rec, key=key)
            return None
        number = parse_number(value)
        if number is None:
            self.emit(self.rule.id, "not_number", rec=rec, key=key)
        return number

    # ------------------------------------------------------------------ findings
    def emit(self, rule_id: str, case: str, *, rec: Record | None = None, key: str | tuple[str, ...] | None = None,
             sheet: str | None = None, cell: str | None = None, value=_UNSET, **params) -> Finding:
        if self.rule is not None and rule_id not in self.rule.emits:
            raise AssertionError(f"rule {self.rule.id} emitted {rule_id}, which it does not declare")
        column = None
        masked = False
        if rec is not None:
            keys = key if isinstance(key, tuple) else (key,) if key else ()
            chosen = next((k for k in keys if rec.cells.get(k)), keys[0] if keys else None)
            sheet = sheet or rec.sheet
            if chosen:
                cell = cell or rec.cells.get(chosen)
                column = self.header(rec.sheet_key, chosen)
                if value is _UNSET:
                    value = rec.values.get(chosen)
                try:
                    masked = self.schema.sheet(rec.sheet_key).column(chosen).masked
                except KeyError:
                    masked = False
        shown = None if value is _UNSET else shown_text(display_value(value))
        if masked and shown is not None:
            shown = mask_id(shown)
        row = None
        if cell:
            match = _ROW_OF.search(cell)
            row = int(match.group(1)) if match else None
        elif rec is not None:
            row = rec.row
        values = {"column": column or "", "value": "" if shown is None else shown, "sheet": sheet or "",
                  "cell": cell or ""}
        values.update({k: fmt(v) if isinstance(v, float) else v for k, v in params.items()})
        severity, message, hint = render(rule_id, case, values)
        finding = Finding(rule=rule_id, severity=severity, file=self.sub.name, sheet=sheet, cell=cell, row=row,
                          column=column, value=shown, message=message, hint=hint, sha256=self.sub.sha256)
        self.findings.append(finding)
        return finding

    def run(self, registered: Rule) -> None:
        self.rule = registered
        try:
            registered.func(self)
        finally:
            self.rule = None
