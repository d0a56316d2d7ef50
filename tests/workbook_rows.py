"""Test helper: the rows of a written workbook as compute.derive takes them, read through the schema.

The real reader (layout detection, normalisation, limits) is the engine's; tests need only the
cells of workbooks we wrote ourselves, so this stays a few lines.
"""

from __future__ import annotations

from functools import cache

from openpyxl import load_workbook

from macros_py.policy.schema import Schema, Sheet


@cache
def computed_values(path):
    """A recalculated workbook's values, loaded once per session (several tests read each)."""
    return load_workbook(path, data_only=True)


def is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith("=")


def sheet_rows(ws, sheet: Sheet) -> list[dict]:
    """Every data row (the whole pre-sized table): typed values by column key, formulas left out."""
    rows = []
    size = len(sheet.block) or 1
    for offset in range(sheet.capacity):
        r = sheet.first_row + offset
        row = {"_row": r, "_header_row": sheet.header_row}
        if sheet.block:
            row["_head"] = offset % size == 0
        for i, col in enumerate(sheet.columns, start=1):
            value = ws.cell(r, i).value
            row[col.key] = None if is_formula(value) or value == "" else value
        rows.append(row)
    return rows


def workbook_rows(wb, schema: Schema) -> dict[str, list[dict]]:
    return {s.key: sheet_rows(wb[s.title], s) for s in schema.sheets}


def recommender_of(wb, schema: Schema):
    return wb[schema.guide_title][schema.recommender_cell].value
