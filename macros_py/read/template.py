"""Reads the project's own workbook: found by its version sheet, tables found by header text.

Formula columns are never read (a file written by a program has no cached values, and a stale cache
is worse): only their addresses are kept, and compute.derive recomputes them from the inputs.
"""

from __future__ import annotations

from macros_py.model.normalize import clean_text, norm_key
from macros_py.model.submission import HIDDEN_SHEET, LAYOUT_TEMPLATE, Record, SkippedRow, Submission
from macros_py.policy.load import Policy
from macros_py.policy.schema import LABEL, Schema, Sheet
from macros_py.policy.values import converter, parse_number
from macros_py.read.continued import continuations
from macros_py.read.grid import Grid, column_name
from macros_py.read.headers import HeaderHit, locate_all
from macros_py.read.shown_columns import prefer_shown
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
    # The blocks by their labels first: (row, label, is 合计) of each row, a 合计 row beginning a block.
    blocks: list[list[tuple[int, str, bool]]] = []
    for row in range(hit.row + 1, grid.height):
        label = labels.get(grid.key(row, label_col))
        if label is None:
            if printed and is_footer(grid, row):
                break
            continue
        head = label == sheet.block[0]
        if head or not blocks:
            blocks.append([])
        blocks[-1].append((row, label, head))
    head_cols = [c for _key, c, _letter, on_head, _on_content, convert in readers if convert is not None and on_head]
    content_cols = [c for _key, c, _letter, _on_head, on_content, convert in readers if convert is not None and on_content]
    out = []
    for block in blocks:
        # A block is kept when a cell it is typed in holds a value: one with all of them empty (the
        # template's spare blocks) is dropped unread.
        if not any(_filled(grid.rows[row], head_cols if head else content_cols) for row, _label, head in block):
            continue
        records = [_block_record(grid, sheet, readers, row, label, head, printed) for row, label, head in block]
        if any(v is not None for rec in records for v in rec.values.values()):
            out.extend(records)
    return out


def _filled(line: list, cols: list[int]) -> bool:
    width = len(line)
    return any(c < width and line[c] != "" and line[c] is not None for c in cols)


def _block_record(grid: Grid, sheet: Sheet, readers: list, row: int, label: str, head: bool, printed: bool) -> Record:
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
    return Record(sheet.key, grid.name, row + 1, values, cells, typed, content=label, head=head)


def read_template(grids: list[Grid], meta: Grid, schema: Schema, policy: Policy, sub: Submission) -> None:
    sub.layout = LAYOUT_TEMPLATE
    sub.template_version = clean_text(meta.get(0, 1)) or None
    year = parse_number(meta.get(1, 1))
    sub.template_year = int(year) if isinstance(year, int | float) else None

    # The printed forms (附件7 打印, 附件8 打印, their 续 sheets) only show the data sheets' rows again, by formula.
    forms = schema.form_titles
    visible = [g for g in grids if g is not meta and not g.hidden and g.name not in forms]
    found = find_recommender(visible)
    if found:
        sub.recommender, sub.recommender_sheet, sub.recommender_cell = found
    else:  # the template's own place for it, where the clerk must choose the name
        sub.recommender_sheet, sub.recommender_cell = schema.guide_title, schema.recommender_cell

    # The template's own hidden sheets (下拉列表, 模板信息) are not data; any other hidden sheet is read,
    # and its rows are listed as withdrawn (tables.read_rows).
    data = [g for g in grids if g is not meta and not (g.hidden and g.name == schema.lists_title)]
    read_tables(data, schema, policy, sub, printed=False)
    recompute(sub, policy, schema)


def read_tables(grids: list[Grid], schema: Schema, policy: Policy, sub: Submission, *, printed: bool,
                stops: dict[str, list[int]] | None = None) -> list[HeaderHit]:
    """Every table of every kind on `grids` into `sub`: records (from all tables of one kind, in sheet
    and row order), the Tables, and the rows not taken as projects. Returns the headers found."""
    hits = locate_all(grids, schema)
    for hit in hits:   # before any table's columns are used (the bounds of a table beside another)
        for header, cell, shown in prefer_shown(hit):
            sub.hidden_columns.append((hit.grid.name, cell, header, shown))
    if printed:
        more = continuations(grids, hits, schema, policy, set(stops or ()), sub)
        order = {id(g): i for i, g in enumerate(grids)}
        hits = sorted([*hits, *more], key=lambda h: (order[id(h.grid)], h.row))
    for hit in hits:
        sheet = schema.sheet(hit.sheet_key)
        table = table_of(hit)
        rows_before = len(sub.skipped)
        if sheet.block:
            records = read_blocks(hit, sheet, policy, printed=printed)
            if hit.grid.hidden:   # a hidden copy of 经费预算: old data, listed, not read as live
                sub.skipped.extend(hidden_block_rows(records, hit.grid))
                records = []
        else:
            records = read_rows(hit, sheet, policy, printed=printed, stop=_stop(hit, hits, stops),
                                skipped=sub.skipped, bounds=_bounds(hit, hits))
        sub.tables.setdefault(hit.sheet_key, []).append(table)
        if hit.grid.merged and hit.grid.name not in sub.merged:
            sub.merged[hit.grid.name] = [(r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in hit.grid.merged]
        for rec in records:
            rec.header_row = table.header_row
        sub.sheets.setdefault(hit.sheet_key, []).extend(records)
        if hit.grid.hidden and (records or len(sub.skipped) > rows_before):
            if (hit.grid.name, hit.grid.visibility) not in sub.hidden_sheets:
                sub.hidden_sheets.append((hit.grid.name, hit.grid.visibility or "隐藏"))
    return hits


def hidden_block_rows(records: list[Record], grid: Grid) -> list[SkippedRow]:
    """表4-2 rows found on a hidden sheet, as rows not merged."""
    return [SkippedRow(r.sheet_key, r.sheet, r.row, HIDDEN_SHEET, f"在{grid.visibility or '隐藏'}的工作表“{grid.name}”中",
                       r.cells.get("content") or r.cells.get("unit"), f"{r.values.get('unit') or ''} {r.content or ''}".strip(),
                       r) for r in records]


def _bounds(hit: HeaderHit, hits: list[HeaderHit]) -> tuple[int, int] | None:
    """The columns a table beside another owns: from after the table on its left to before the one
    on its right (None when no table is beside it: the whole row is the table's)."""
    beside = [h for h in hits if hit.beside(h)]
    if not beside:
        return None
    lo, hi = hit.span
    left = [h.span[1] for h in beside if h.span[1] < lo]
    right = [h.span[0] for h in beside if h.span[0] > hi]
    return (max(left) + 1 if left else 0, min(right) - 1 if right else 1 << 30)


def _stop(hit: HeaderHit, hits: list[HeaderHit], stops: dict[str, list[int]] | None) -> int | None:
    """Where the next table on the same worksheet begins (附件7 and 附件8 on one sheet): above its
    header, at the first line of its preamble (label, title, 推荐单位 line). A table beside this one
    (in other columns) does not end it."""
    rows = [h.row for h in hits if h.grid is hit.grid and h.row > hit.row and not hit.beside(h)]
    rows += [r for r in (stops or {}).get(hit.grid.name, []) if r > hit.row]
    if not rows:
        return None
    return preamble_top(hit.grid, min(rows), hit.row)


_PREAMBLE = ("附件", "推荐单位", "项目单位", "表4-2", "表3", "单位：万元", "单位:万元")


def preamble_top(grid: Grid, header: int, floor: int) -> int:
    """The first row of the lines above a table's header (0-based header row) that belong to it."""
    top = header
    for row in range(header - 1, max(floor, header - 6), -1):
        cells = grid.row_texts(row)
        if not cells:
            continue
        text = norm_key(cells[0][1])
        if len(cells) == 1 and (text.startswith(_PREAMBLE) or "汇总表" in text or "申报" in text and "表" in text
                                or grid.across(row, cells[0][0]) > 3 or "预算" in text):
            top = row
            continue
        break
    return top
