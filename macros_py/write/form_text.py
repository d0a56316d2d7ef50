"""What the notice prints on its 附件7 and 附件8 forms besides the data: the footer line, the numbered
rows of the blank form, and which schema columns (with which header and width) the form shows.

Shared by the hand-filled layout (printed.py), the master's printed forms and the county workbook's
own formula-driven form sheets (forms.py), so the notice's form is described once.
"""

from __future__ import annotations

from macros_py.policy.schema import Column, Sheet

PRINTED_FOOTER = "备注：此表由推荐单位填写,不用编制在申报材料内，单独上报并将电子版（Excel版）放入光盘内。"
PRINTED_ROWS = 4  # the blank form has rows numbered 1–4
SEAL = "（公章）"


def printed_columns(sheet: Sheet) -> list[Column]:
    return [c for c in sheet.columns if c.printed]


def printed_header(col: Column) -> str:
    return col.printed_header or col.header


def printed_width(col: Column) -> float:
    return col.printed_width or col.width


def recommender_line(name: str | None) -> str:
    return f"推荐单位：{name or ''}{SEAL}"
