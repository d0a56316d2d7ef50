"""Rules on what the reader had to decide: withdrawn rows and sheets (C-HIDDEN) and values it had to
interpret (C-VALUE), text cut at the reader's hard limit among them.

The reader sets aside hidden rows, rows struck through and the tables of hidden sheets (they are
listed in the reconciliation, never merged) and records, per cell, each value it read with a doubt.
These rules only say so, at the row or cell, through the catalog.
"""

from __future__ import annotations

from macros_py.model.submission import FILTERED, HIDDEN_ROW, HIDDEN_SHEET, NOTED, STRUCK
from macros_py.rules.registry import RuleContext, rule


def column_of(cell: str) -> str:
    """The column letters of an A1 reference."""
    return cell.rstrip("0123456789")


@rule("C-HIDDEN")
def withdrawn(ctx: RuleContext) -> None:
    sheets: dict[str, int] = {}
    for skip in ctx.sub.skipped:
        if skip.kind == HIDDEN_SHEET:
            sheets[skip.sheet] = sheets.get(skip.sheet, 0) + 1
        elif skip.kind in (HIDDEN_ROW, STRUCK):
            case = "struck" if skip.kind == STRUCK else "filtered" if skip.reason == FILTERED else "row"
            ctx.emit("C-HIDDEN", case, sheet=skip.sheet, cell=skip.cell, value=skip.text, row=skip.row, text=skip.text)
        elif skip.kind == NOTED:
            note = skip.record.values.get("note") if skip.record is not None else None
            ctx.emit("C-HIDDEN", "noted", sheet=skip.sheet, cell=skip.record.cells.get("note", skip.cell)
                     if skip.record is not None else skip.cell, value=note, row=skip.row, text=skip.text, note=note)
    for sheet, cell, header, shown in ctx.sub.hidden_columns:
        ctx.emit("C-HIDDEN", "column", sheet=sheet, cell=cell, value=header, header=header,
                 hidden=column_of(cell), shown=column_of(shown))
    how = dict(ctx.sub.hidden_sheets)
    for sheet, count in sheets.items():
        first = next(s for s in ctx.sub.skipped if s.sheet == sheet and s.kind == HIDDEN_SHEET)
        ctx.emit("C-HIDDEN", "sheet", sheet=sheet, cell=first.cell, value=None, how=how.get(sheet, "隐藏"),
                 count=count)


@rule("C-VALUE")
def interpreted(ctx: RuleContext) -> None:
    # Text beyond the reader's hard limit was cut there (read.grid.cut_long_texts): said at its cell.
    for sheet, cell, length in ctx.sub.long_texts:
        ctx.emit("C-VALUE", "too_long", sheet=sheet, cell=cell, value=None, length=length,
                 limit=ctx.sub.text_limit)
    cut = {(sheet, cell) for sheet, cell, _ in ctx.sub.long_texts}
    for records in ctx.sub.sheets.values():
        for rec in records:
            for key, (case, params) in rec.doubts.items():
                if case == "long" and (rec.sheet, rec.cells.get(key)) in cut:
                    continue  # said once, as too_long
                raw = params.get("raw", rec.values.get(key) if key not in rec.typed else rec.typed.get(key))
                # a doubt about a whole column (its unit) names the column, at its header's cell
                ctx.emit("C-VALUE", case, rec=rec, key=params.get("_column", key), value=raw,
                         **{k: v for k, v in params.items() if not k.startswith("_") and k != "raw"})
