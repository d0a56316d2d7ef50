"""A column hidden in the file beside a shown one under the same header: the shown one is read.

A clerk who reuses last year's form hides the old 申报专业 column and types the new one beside it,
rather than deleting it. Hidden rows are withdrawn projects (tables.read_rows); a hidden column
whose header a shown column repeats is old data in the same way, so the shown column is the table's
and the file is told (C-HIDDEN). A hidden column that no shown one repeats is still read: clerks
also hide a column only to print the rest.
"""

from __future__ import annotations

from macros_py.read.grid import Grid, a1
from macros_py.read.headers import HeaderHit


def _key(grid: Grid, row: int, col: int, span: int) -> str:
    """The header of `col` as its `span` header lines read, joined (merged cells filled in)."""
    parts = []
    for r in range(max(row - span + 1, 0), row + 1):
        keys = grid.merged_row_keys(r)
        parts.append((keys[col] or "") if col < len(keys) else "")
    return "".join(parts)


def prefer_shown(hit: HeaderHit) -> list[tuple[str, str, str]]:
    """Move each of the hit's columns that is hidden to a shown column of the same header on the
    header row, where there is one not taken; returns (header, hidden column's cell, shown column's
    cell) for each column moved."""
    hidden = hit.grid.hidden_cols
    if not hidden or not any(col in hidden for col in hit.columns.values()):
        return []
    grid, row = hit.grid, hit.row
    taken = set(hit.columns.values())
    width = len(grid.rows[row]) if row < len(grid.rows) else 0
    moved = []
    for key, col in list(hit.columns.items()):
        if col not in hidden:
            continue
        span = hit.spans.get(key, 1)
        wanted = _key(grid, row, col, span)
        twin = next((c for c in range(width) if c not in taken and c not in hidden and wanted
                     and _key(grid, row, c, span) == wanted), None)
        if twin is None:
            continue
        hit.columns[key] = twin
        taken.add(twin)
        moved.append((hit.headers.get(key, wanted), a1(row, col), a1(row, twin)))
    return moved
