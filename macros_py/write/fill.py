"""Fills the standardized workbook with data: what a clerk would type, cell by cell.

Used by the sample generator and by tests that need a submission with a known break at a known
cell. The input is plain data keyed by schema column keys:
  {"recommender": str, "bases": [row...], "conditions": [...], "majors": [...], "studios": [...],
   "masters": [...], "funding": [{"unit": str, "amounts": [[source amounts] per content]}]}
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from macros_py.policy.compute import derive
from macros_py.policy.formula_text import column_letter
from macros_py.policy.load import Policy
from macros_py.policy.schema import Schema, build_schema
from macros_py.write.cell_text import row_height, wrapped_lines
from macros_py.write.forms import fit_rows, form_sheets
from macros_py.write.template import build_template, document_time
from macros_py.write.xlsx_cells import set_value
from macros_py.write.xlsx_pack import save_workbook


def cell_of(schema: Schema, sheet_key: str, key: str, index: int, content: int | None = None) -> str:
    """The A1 address where row `index` (0-based) of a sheet puts column `key`; for funding,
    `index` is the block and `content` the content row (None for the 合计 row)."""
    sheet = schema.sheet(sheet_key)
    if sheet.block:
        row = sheet.first_row + index * len(sheet.block) + (0 if content is None else content + 1)
    else:
        row = sheet.first_row + index
    return f"{column_letter(sheet, key)}{row}"


def fill_workbook(data: dict, policy: Policy):
    """An openpyxl workbook: the template with `data` typed into its input cells."""
    schema = build_schema(policy)
    wb = build_template(policy, data.get("recommender"))
    shown = shown_rows(schema, data, policy)
    for sheet in schema.sheets:
        if sheet.block:
            continue
        ws = wb[sheet.title]
        rows = data.get(sheet.key, [])
        if len(rows) > sheet.capacity:
            raise ValueError(f"{sheet.title}: {len(rows)} rows exceed the template's {sheet.capacity}")
        for i, row in enumerate(rows):
            for key, value in row.items():
                if not sheet.column(key).is_input:
                    raise ValueError(f"{sheet.key}.{key} is computed, not typed")
                set_value(ws[cell_of(schema, sheet.key, key, i)], value)
            lines = max((wrapped_lines(v, c.width) for c in sheet.columns
                         if isinstance(v := shown[sheet.key][i].get(c.key), str)), default=1)
            if lines > 1:  # Excel measures a row when a clerk types; a program-written row needs a height
                ws.row_dimensions[sheet.first_row + i].height = row_height(lines)
    funding = schema.sheet("funding")
    ws = wb[funding.title]
    for b, block in enumerate(data.get("funding", [])):
        set_value(ws[cell_of(schema, "funding", "unit", b)], block["unit"])
        for c, amounts in enumerate(block["amounts"]):
            for s, amount in enumerate(amounts):
                if amount is not None:
                    set_value(ws[cell_of(schema, "funding", f"amount{s}", b, c)], amount)
    for sheet in form_sheets(schema):  # the printed form shows the rows in use, in order
        fit_rows(wb, sheet, [r for r in shown[sheet.key] if r.get(sheet.link)])
    return wb


def shown_rows(schema: Schema, data: dict, policy: Policy) -> dict[str, list[dict]]:
    """Every row of `data` as the workbook will show it: typed and computed values (compute.derive),
    by sheet key; funding blocks as a 合计 row followed by one row per content."""
    rows = {s.key: [dict(r, _row=s.first_row + i, _header_row=s.header_row) for i, r in enumerate(data.get(s.key, []))]
            for s in schema.sheets if not s.block}
    funding, blocks = schema.sheet("funding"), []
    for b, block in enumerate(data.get("funding", [])):
        head = funding.first_row + b * len(funding.block)
        blocks.append({"unit": block["unit"], "content": funding.block[0], "_head": True, "_row": head})
        for c, amounts in enumerate(block["amounts"]):
            row = {f"amount{s}": a for s, a in enumerate(amounts) if a is not None}
            blocks.append(dict(row, content=funding.block[c + 1], _head=False, _row=head + c + 1))
    rows[funding.key] = blocks
    derive(rows, data.get("recommender"), policy)
    return rows


def write_filled(path: str | Path, data: dict, policy: Policy, when: dt.datetime | None = None) -> Path:
    path = Path(path)
    save_workbook(fill_workbook(data, policy), path, when or document_time(policy))
    return path
