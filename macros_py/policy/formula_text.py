"""Turns the schema's placeholder formulas into Excel formulas for one row of one sheet.

Kept apart from the workbook writer so that tests (and the master writer) can render any formula
or check condition without building a workbook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.utils import get_column_letter, quote_sheetname

from macros_py.policy.load import Policy
from macros_py.policy.schema import LABEL, Schema, Sheet, expressions

_PLACEHOLDER = re.compile(r"\[([A-Za-z_@][\w.:#@]*)\]")


@dataclass(frozen=True)
class Layout:
    """Where each list sits on the hidden list sheet (column letters), built by the writer."""

    list_columns: dict[str, str]
    list_lengths: dict[str, int]


def column_letter(sheet: Sheet, key: str) -> str:
    return get_column_letter(sheet.keys().index(key) + 1)


def data_range(sheet: Sheet, key: str, absolute: bool = True) -> str:
    col = column_letter(sheet, key)
    if absolute:
        return f"{quote_sheetname(sheet.title)}!${col}${sheet.first_row}:${col}${sheet.last_row}"
    return f"{col}{sheet.first_row}:{col}{sheet.last_row}"


class FormulaRenderer:
    def __init__(self, schema: Schema, policy: Policy, layout: Layout):
        self.schema, self.policy, self.layout = schema, policy, layout
        self.named = expressions(policy)

    def render(self, text: str, sheet: Sheet, row: int, block_head: int | None = None,
               block_index: int = 0) -> str:
        """Resolve every placeholder of `text` for `row` of `sheet` (recursively for named ones)."""

        def sub(match: re.Match) -> str:
            name = match.group(1).replace("#", str(max(block_index - 1, 0)))
            if name in self.named:
                return self.render(self.named[name], sheet, row, block_head, block_index)
            if name.startswith("P:"):
                value = self.policy.get(name[2:])
                return str(value)
            if name == "in_use" and sheet.block and block_head is not None:
                # A funding block is in use when anything is typed in its content rows; its 合计 row
                # holds sums (0, never blank), so the row-by-row test below would always be TRUE there.
                last = block_head + len(sheet.block) - 1
                cells = ",".join(f"${column_letter(sheet, c.key)}${block_head + 1}:${column_letter(sheet, c.key)}${last}"
                                 for c in sheet.columns if c.is_input and not c.head_input and c.kind != LABEL)
                return f"COUNTA({cells})>0"
            if name == "in_use":
                cells = "&".join(f"${column_letter(sheet, c.key)}{row}" for c in sheet.columns
                                 if c.is_input and not c.head_input)
                return f"LEN({cells})>0"
            if name == "recommender":
                return f"{quote_sheetname(self.schema.guide_title)}!${self.schema.recommender_cell[0]}" \
                       f"${self.schema.recommender_cell[1:]}"
            if name == "header_row":
                return str(sheet.header_row)
            if name.startswith("block_head:"):
                return f"${column_letter(sheet, name.split(':', 1)[1])}${block_head}"
            if name.startswith("block_rows:"):
                col = column_letter(sheet, name.split(":", 1)[1])
                return f"{col}{block_head + 1}:{col}{block_head + len(sheet.block) - 1}"
            if name.startswith("lists."):
                list_name = name.split(".", 1)[1]
                col = self.layout.list_columns[list_name]
                n = self.layout.list_lengths[list_name]
                return f"{quote_sheetname(self.schema.lists_title)}!${col}$2:${col}${n + 1}"
            if "." in name:
                other_key, col_key = name.split(".", 1)
                return data_range(self.schema.sheet(other_key), col_key)
            return f"${column_letter(sheet, name)}{row}"

        out = _PLACEHOLDER.sub(sub, text)
        if "[" in out and _PLACEHOLDER.search(out):
            raise ValueError(f"unresolved placeholder in {out!r}")
        return out
