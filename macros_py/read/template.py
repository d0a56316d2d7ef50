"""Reads the project's own workbook: found by its version sheet, tables found by header text.

Formula columns are never read (a file written by a program has no cached values, and a stale cache
is worse): only their addresses are kept, and compute.derive recomputes them from the inputs.
"""

from __future__ import annotations

from macros_py.model.normalize import clean_text, norm_key
from macros_py.model.submission import LAYOUT_TEMPLATE, Record, Submission
from macros_py.policy.load import Policy
from macros_py.policy.schema import LABEL, Schema, Sheet
from macros_py.policy.values import converter, parse_number
from macros_py.read.grid import Grid, column_name
from macros_py.read.headers import HeaderHit, locate
from macros_py.read.tables import find_recommender, is_footer, read_rows, recompute, table_of

# The version sheet's first label, as write_template.META_ROWS writes it (a test keeps them equal;
# importing the writer here would load openpyxl on every check).
META_LABEL = "模板版本"


def find_meta(grids: list[Grid]) -> Grid | None:
    """The version sheet, by its content (A1 模板版本), whatever it is called and hidden or not."""
    for grid in grids:
        if norm_key(grid.get(0, 0)) == META_LABEL:
            return grid
    return None


def read_blocks(hit: HeaderHit, sheet: Sheet, policy: Policy, *, printed: bool) -> list[Record]:
    """表4-2 as the template lays it out: blocks of a 合计 row and one row per content, told apart by
    the label column. The unit is typed on the 合计 row; amounts on the content rows."""
    grid = hit.grid
    label_col = hit.columns.get(sheet.block_label)
    if label_col is None:
        return []
    labels = {norm_key(label): label for label in sheet.block}
    readers = []
    for key, c in hit.columns.items():
        col = sheet.column(key)
        if col.kind == LABEL:
            readers.append((key, c, column_name(c), None, None, None))
            continue
        on_head = col.head_input
        on_content = col.is_input and not col.head_input
        readers.append((key, c, column_name(c), on_head, on_content, converter(col, policy, nonblank=True)))
    blocks: list[list[Record]] = []
    for row in range(hit.row + 1, grid.height):
        label = labels.get(grid.key(row, label_col))
        if label is None:
            if printed and is_footer(grid, row):
                break
            continue
        head = label == sheet.block[0]
        line = grid.rows[row]
        width = len(line)
        number = str(row + 1)
        values, cells, typed = {}, {}, {}
        for key, c, letter, on_head, on_content, convert in readers:
            cells[key] = letter + number
            if convert is None:
                continue
            typed_here = on_head if head else on_content
            if not typed_here and not printed:
                continue
            raw = line[c] if c < width else ""
            value = None if raw == "" or raw is None else convert(raw)
            if typed_here:
                values[key] = value
            elif value is not None:
                typed[key] = value
        rec = Record(sheet.key, grid.name, row + 1, values, cells, typed, content=label, head=head)
        if head or not blocks:
            blocks.append([])
        blocks[-1].append(rec)
    out = []
    for block in blocks:
        if any(v is not None for rec in block for v in rec.values.values()):
            out.extend(block)
    return out


def read_template(grids: list[Grid], meta: Grid, schema: Schema, policy: Policy, sub: Submission) -> None:
    sub.layout = LAYOUT_TEMPLATE
    sub.template_version = clean_text(meta.get(0, 1)) or None
    year = parse_number(meta.get(1, 1))
    sub.template_year = int(year) if isinstance(year, int | float) else None

    # The printed forms (附件7 打印, 附件8 打印) only show the data sheets' rows again, by formula.
    forms = {s.form_title for s in schema.sheets if s.form_title}
    visible = [g for g in grids if g is not meta and not g.hidden and g.name not in forms]
    found = find_recommender(visible)
    if found:
        sub.recommender, sub.recommender_sheet, sub.recommender_cell = found
    else:  # the template's own place for it, where the clerk must choose the name
        sub.recommender_sheet, sub.recommender_cell = schema.guide_title, schema.recommender_cell

    for key, hit in locate(visible, schema).items():
        sheet = schema.sheet(key)
        sub.tables[key] = [table_of(hit)]
        if sheet.block:
            sub.sheets[key] = read_blocks(hit, sheet, policy, printed=False)
        else:
            sub.sheets[key] = read_rows(hit, sheet, policy, printed=False)
    recompute(sub, policy, schema)
