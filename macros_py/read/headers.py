"""Finds the schema's tables in any worksheet by their header text, not by sheet or file name.

A header cell matches a column when its normalised text (RULES.md "Normalisation": white space and
line breaks removed, full-width folded, bracket variants, trailing 公章 marks) equals the column's
header, one of its aliases or the header as the notice prints it. Headers written over two or three
rows (merged or not) are read by joining the cells above.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from macros_py.model.normalize import norm_key
from macros_py.policy.schema import Schema, Sheet
from macros_py.read.grid import Grid

SCAN_ROWS = 40          # how far down a header row is looked for
MIN_COLUMNS = 3         # a table needs at least this many recognised headers, its link column among them


@dataclass
class HeaderHit:
    grid: Grid
    sheet_key: str
    row: int                                   # 0-based row of the last header line
    columns: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    spans: dict[str, int] = field(default_factory=dict)    # key -> header rows joined (match_row)

    def fill_headers(self) -> HeaderHit:
        """The header text as the file shows it, for the hit that was chosen (not for every rival)."""
        for key, span in self.spans.items():
            if key not in self.headers:
                self.headers[key] = _shown(self.grid, self.row, self.columns[key], span)
        return self

    @property
    def score(self) -> int:
        return len(self.columns)


_NAMES: dict[int, tuple[Sheet, dict[str, str]]] = {}


def header_names(sheet: Sheet) -> dict[str, str]:
    """normalised header text -> column key, for one schema sheet. (Cached by identity: hashing a
    frozen Sheet walks all its columns, which cost more than the lookup it saved.)"""
    cached = _NAMES.get(id(sheet))
    if cached is not None and cached[0] is sheet:
        return cached[1]
    names: dict[str, str] = {}
    for col in sheet.columns:
        for text in (col.header, col.printed_header, *col.aliases):
            if text:
                names.setdefault(norm_key(text), col.key)
    _NAMES[id(sheet)] = (sheet, names)
    return names


_RAW: dict[tuple[int, ...], tuple[tuple[Sheet, ...], frozenset[str]]] = {}


def _raw_names(sheets: tuple[Sheet, ...]) -> frozenset[str]:
    """Header texts exactly as written (the cheap test for a second table lower on a sheet)."""
    ident = tuple(id(s) for s in sheets)
    cached = _RAW.get(ident)
    if cached is not None and all(a is b for a, b in zip(cached[0], sheets, strict=True)):
        return cached[1]
    out = set()
    for sheet in sheets:
        for col in sheet.columns:
            for text in (col.header, col.printed_header, *col.aliases):
                if text:
                    out.add(text)
    _RAW[ident] = (sheets, frozenset(out))
    return _RAW[ident][1]


_TAILS: dict[tuple[int, ...], tuple[tuple[Sheet, ...], frozenset[str]]] = {}


def _tails(sheets: tuple[Sheet, ...]) -> frozenset[str]:
    """Every ending of every header name of `sheets`: a cell's text can be part of a header only if it
    is one (a header joined over rows ends with the cell's own text)."""
    ident = tuple(id(s) for s in sheets)
    cached = _TAILS.get(ident)
    if cached is not None and all(a is b for a, b in zip(cached[0], sheets, strict=True)):
        return cached[1]
    tails = frozenset(name[i:] for s in sheets for name in header_names(s) for i in range(len(name)))
    _TAILS[ident] = (sheets, tails)
    return tails


def _could_head(grid: Grid, row: int, tails: frozenset[str]) -> bool:
    """A cheap necessary condition for match_row finding MIN_COLUMNS columns: that many cells whose
    text (or, where the cell is empty, the text above it) ends some header name."""
    found = 0
    above = grid.merged_row_keys(row - 1) if row >= 1 else []
    width = len(above)
    for col, here in enumerate(grid.merged_row_keys(row)):
        if here is None:
            continue  # a number or date is never a header
        if not here and col < width:
            # An empty cell under a header merged down (or written above it) reads as the text above.
            here = above[col]
        if here and here in tails:
            found += 1
            if found >= MIN_COLUMNS:
                return True
    return False


def _candidates(grid: Grid, row: int, col: int) -> list[tuple[str, int]]:
    """Normalised header texts for a cell: itself, then joined with one and two rows above (norm_key
    works character by character, so joining normalised parts equals normalising the joined text).
    The int is how many rows the text spans."""
    here = grid.merged_key(row, col)
    up1 = grid.merged_key(row - 1, col) if row >= 1 else ""
    out = [(here, 1)] if here else []
    if up1:
        out.append((up1 + here, 2))
        up2 = grid.merged_key(row - 2, col) if row >= 2 else ""
        if up2:
            out.append((up2 + up1 + here, 3))
    return out


def _shown(grid: Grid, row: int, col: int, span: int) -> str:
    return "".join(grid.merged_text(r, col) for r in range(row - span + 1, row + 1))


_COMBINED: dict[tuple[int, ...], tuple[tuple[Sheet, ...], dict[str, tuple[tuple[int, str], ...]]]] = {}


def _combined(sheets: tuple[Sheet, ...]) -> dict[str, tuple[tuple[int, str], ...]]:
    """normalised header text -> ((index of the sheet, column key), ...) over all `sheets` at once."""
    ident = tuple(id(s) for s in sheets)
    cached = _COMBINED.get(ident)
    if cached is not None and all(a is b for a, b in zip(cached[0], sheets, strict=True)):
        return cached[1]
    out: dict[str, list[tuple[int, str]]] = {}
    for i, sheet in enumerate(sheets):
        for text, key in header_names(sheet).items():
            out.setdefault(text, []).append((i, key))
    table = {text: tuple(v) for text, v in out.items()}
    _COMBINED[ident] = (sheets, table)
    return table


def match_row(grid: Grid, row: int, sheets: tuple[Sheet, ...]) -> list[HeaderHit]:
    """How row `row` reads as the header of each sheet (one pass over the row's cells). Per cell the
    candidate texts are tried in order (the cell, joined with one row above, with two); for each sheet
    the first candidate it knows decides (_candidates says the same one cell at a time)."""
    table = _combined(sheets)
    hits = [HeaderHit(grid, s.key, row) for s in sheets]
    here_row = grid.merged_row_keys(row)
    up1_row = grid.merged_row_keys(row - 1) if row >= 1 else []
    up2_row = grid.merged_row_keys(row - 2) if row >= 2 else []
    n1, n2 = len(up1_row), len(up2_row)
    for col, here in enumerate(here_row):
        here = here or ""
        up1 = (up1_row[col] or "") if col < n1 else ""
        if not here and not up1:
            continue
        cands = [(here, 1)] if here else []
        if up1:
            cands.append((up1 + here, 2))
            up2 = (up2_row[col] or "") if col < n2 else ""
            if up2:
                cands.append((up2 + up1 + here, 3))
        decided: set[int] = set()
        for key_text, span in cands:
            for index, key in table.get(key_text, ()):
                if index in decided:
                    continue
                decided.add(index)
                hit = hits[index]
                if key not in hit.columns:
                    hit.columns[key] = col
                    hit.spans[key] = span
    return hits


def _best(grid: Grid, row: int, sheets: tuple[Sheet, ...]) -> HeaderHit | None:
    best = None
    for sheet, hit in zip(sheets, match_row(grid, row, sheets), strict=True):
        if hit.score >= MIN_COLUMNS and (sheet.link is None or sheet.link in hit.columns):
            if best is None or hit.score > best.score:
                best = hit
    return best.fill_headers() if best is not None else None


def scan_grid(grid: Grid, sheets: tuple[Sheet, ...], start: int = 0, stop: int | None = None) -> list[HeaderHit]:
    """Every row that reads as the header of one schema sheet. Where a row could head several sheets
    (附件7 and 基地条件 share 项目单位、属性), the sheet with most recognised columns owns it.

    Rows are read closely down to a few rows below the first header found; below that (data rows,
    hundreds of them in a big file) a row is only looked at when some of its cells are header texts
    exactly as written, which is how a second table on the same sheet begins."""
    stop = min(grid.height, stop if stop is not None else start + SCAN_ROWS)
    raw = _raw_names(sheets)
    tails = _tails(sheets)
    hits = []
    close_until = stop
    for row in range(start, stop):
        if row > close_until:
            cells = grid.rows[row]
            if sum(1 for v in cells if isinstance(v, str) and v in raw) < MIN_COLUMNS:
                continue
        elif not _could_head(grid, row, tails):
            continue
        best = _best(grid, row, sheets)
        if best is not None:
            hits.append(best)
            close_until = min(close_until, row + 3)
    # A header written over two rows matches on both (the rows below it, joined upward, match too):
    # of hits two rows apart or less, keep the first unless a lower one recognises more columns.
    out: list[HeaderHit] = []
    for hit in hits:
        if out and out[-1].sheet_key == hit.sheet_key and hit.row - out[-1].row <= 2:
            if hit.score > out[-1].score:
                out[-1] = hit
            continue
        out.append(hit)
    return out


def _exact(grid: Grid, sheet: Sheet) -> HeaderHit | None:
    """The template's own sheet, untouched: every header at its place. Checked first, by content, so
    that an unchanged workbook is not scanned row by row (the check of a big file is timed)."""
    row = sheet.header_row - 1
    if grid.height <= row:
        return None
    line = grid.rows[row]
    if len(line) < len(sheet.columns) or any(line[i] != col.header for i, col in enumerate(sheet.columns)):
        return None
    hit = HeaderHit(grid, sheet.key, row)
    for i, col in enumerate(sheet.columns):
        hit.columns[col.key] = i
        hit.headers[col.key] = col.header
    return hit


def locate(grids: list[Grid], schema: Schema, keys: tuple[str, ...] | None = None) -> dict[str, HeaderHit]:
    """The best header of each wanted schema sheet over all worksheets (one worksheet per table)."""
    sheets = tuple(s for s in schema.sheets if keys is None or s.key in keys)
    best: dict[str, HeaderHit] = {}
    rest = []
    for grid in grids:
        exact = next((h for h in (_exact(grid, s) for s in sheets if s.key not in best) if h), None)
        if exact:
            best[exact.sheet_key] = exact
        else:
            rest.append(grid)
    # Only the tables not found at their place are looked for elsewhere: an untouched template
    # (every table exact) is not scanned at all, its 填报说明 included.
    wanted = tuple(s for s in sheets if s.key not in best)
    for grid in rest if wanted else ():
        for hit in scan_grid(grid, wanted):
            if hit.sheet_key not in best or hit.score > best[hit.sheet_key].score:
                best[hit.sheet_key] = hit
    return best
