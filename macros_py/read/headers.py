"""Finds the schema's tables in any worksheet by their header text, not by sheet or file name.

A header cell matches a column when its normalised text (RULES.md "Normalisation": white space and
line breaks removed, full-width folded, bracket variants, trailing 公章 marks) equals the column's
header, one of its aliases or the header as the notice prints it. Headers written over two or three
rows (merged or not) are read by joining the cells above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from macros_py.model.normalize import norm_key
from macros_py.policy.schema import Schema, Sheet
from macros_py.read.grid import Grid

MIN_COLUMNS = 3         # a table needs at least this many recognised headers, its link column among them


@dataclass
class HeaderHit:
    grid: Grid
    sheet_key: str
    row: int                                   # 0-based row of the last header line
    columns: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    spans: dict[str, int] = field(default_factory=dict)   # header lines of each column, until shown()

    def shown(self) -> HeaderHit:
        """The headers as the file shows them, for the hit that is kept (the match only notes how many
        lines each header takes: most rows it reads lose to another)."""
        for key, span in self.spans.items():
            self.headers.setdefault(key, _shown(self.grid, self.row, self.columns[key], span))
        return self

    @property
    def score(self) -> int:
        return len(self.columns)

    @property
    def span(self) -> tuple[int, int]:
        """The first and last column the table's headers occupy."""
        cols = self.columns.values()
        return (min(cols), max(cols)) if cols else (0, 0)

    def beside(self, other: HeaderHit) -> bool:
        """Whether `other` is a table on the same sheet in other columns (side by side, 院校 | 企业)."""
        (a0, a1), (b0, b1) = self.span, other.span
        return other.grid is self.grid and (a1 < b0 or b1 < a0)


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


_NOTE = re.compile(r"（[^（）]*）$")


def bare(text: str) -> str:
    """A normalised header without its last bracketed note: 项目单位（公章全称） -> 项目单位."""
    return _NOTE.sub("", text) if text.endswith("）") else text


_BARE: dict[int, tuple[Sheet, dict[str, str]]] = {}


def bare_names(sheet: Sheet) -> dict[str, str]:
    """header_names with the bracketed notes taken off both sides (年培训规模（人次） and 年培训规模
    （人次/年） meet at 年培训规模), where that names one column only."""
    cached = _BARE.get(id(sheet))
    if cached is not None and cached[0] is sheet:
        return cached[1]
    out: dict[str, str] = {}
    clash = set()
    for name, key in header_names(sheet).items():
        b = bare(name)
        if b and out.setdefault(b, key) != key:
            clash.add(b)
    for b in clash:
        del out[b]
    _BARE[id(sheet)] = (sheet, out)
    return out


def _prefixes(sheets: tuple[Sheet, ...]) -> frozenset[str]:
    """Normalised header texts and their beginnings (two characters or more): the cheap test for the
    header of another table lower on a sheet, written on one row or broken over two."""
    cached = _PREFIXES.get(tuple(id(s) for s in sheets))
    if cached is not None and cached[0] == sheets:
        return cached[1]
    out = set()
    for sheet in sheets:
        for name in (*header_names(sheet), *bare_names(sheet)):
            out.update(name[:n] for n in range(2, len(name) + 1))
    _PREFIXES[tuple(id(s) for s in sheets)] = (sheets, frozenset(out))
    return frozenset(out)


_PREFIXES: dict[tuple, tuple[tuple[Sheet, ...], frozenset[str]]] = {}


def _looks_like_header(cells: list, keys: list[str], names: frozenset[str]) -> bool:
    """cells: a row's values; keys: their norm_key (Grid.row_keys)."""
    hits = 0
    for v, key in zip(cells, keys, strict=True):
        if type(v) is str and 1 < len(v) <= 40 and (key in names or bare(key) in names):
            hits += 1
            if hits >= 2:
                return True
    return False


def _shown(grid: Grid, row: int, col: int, span: int) -> str:
    return "".join(grid.merged_text(r, col) for r in range(row - span + 1, row + 1))


_LOOKUP: dict[tuple, tuple[tuple[Sheet, ...], dict[str, tuple], dict[str, tuple]]] = {}


def _lookup(sheets: tuple[Sheet, ...]) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """Every sheet's header names in two tables, normalised text -> ((sheet index, column key), ...),
    the second with the bracketed notes taken off: one lookup per candidate text, whatever the number
    of sheets (most cells of a row name no column at all)."""
    ident = tuple(id(s) for s in sheets)
    cached = _LOOKUP.get(ident)
    if cached is not None and cached[0] == sheets:
        return cached[1], cached[2]
    exact: dict[str, list] = {}
    without: dict[str, list] = {}
    for i, sheet in enumerate(sheets):
        for text, key in header_names(sheet).items():
            exact.setdefault(text, []).append((i, key))
        for text, key in bare_names(sheet).items():
            without.setdefault(text, []).append((i, key))
    tables = ({t: tuple(v) for t, v in exact.items()}, {t: tuple(v) for t, v in without.items()})
    _LOOKUP[ident] = (sheets, *tables)
    return tables


def _row_keys(grid: Grid, row: int) -> tuple[tuple, tuple, tuple]:
    """The merged keys of a row and of the two rows above it, each list computed once per grid (the
    same rows are matched as the last header line and as the lines above it); None (a number) reads as
    no text."""
    return (tuple(grid.merged_row_keys(row)), tuple(grid.merged_row_keys(row - 1)) if row >= 1 else (),
            tuple(grid.merged_row_keys(row - 2)) if row >= 2 else ())


# What a row reads as, by the three rows' keys: it depends on its text and the text above only, and
# the same header rows (and the label column of each 表4-2, its numbers read as no text) come back in
# file after file of one form. Bounded: emptied when full.
_MATCHED: dict[tuple, tuple] = {}
_MATCHED_MAX = 4096


def _best_keys(here: tuple, up1: tuple, up2: tuple, sheets: tuple[Sheet, ...]) -> tuple:
    """The tables the row heads: (sheet index, columns, spans) for each, () for none. Where several
    sheets qualify for the whole row, the first with most recognised columns, with the tables of that
    sheet beside it; tables of different kinds side by side (附件7 in A–G, 附件8 from J) each head
    their own columns (_kinds_side_by_side)."""
    ident = (tuple(id(s) for s in sheets), here, up1, up2)
    cached = _MATCHED.get(ident)
    if cached is not None and cached[0] == sheets:
        return cached[1]
    blocks = _own_blocks(here, up1, sheets)
    if blocks:
        rows = _within((here, up1, up2), blocks)
        found = _kinds_side_by_side(rows, blocks, sheets) or _whole_row(*rows, sheets)
    else:
        found = _whole_row(here, up1, up2, sheets)
    if len(_MATCHED) >= _MATCHED_MAX:
        _MATCHED.clear()
    _MATCHED[ident] = (sheets, found)
    return found


def _whole_row(here: tuple, up1: tuple, up2: tuple, sheets: tuple[Sheet, ...]) -> tuple:
    best = None
    for i, (sheet, (columns, spans, beside)) in enumerate(zip(sheets, _match_keys(here, up1, up2, sheets), strict=True)):
        if _qualifies(sheet, columns) and (best is None or len(columns) > len(best[1])):
            best = (i, columns, spans, tuple((c, n) for c, n in beside if _qualifies(sheet, c)))
    if best is None:
        return ()
    i, columns, spans, beside = best
    return ((i, columns, spans), *((i, c, n) for c, n in beside))


def _within(rows: tuple[tuple, ...], runs: list[tuple[int, int]]) -> tuple[tuple, ...]:
    """The rows' keys in the columns of `runs` (first, last) only, None elsewhere."""
    return tuple(tuple(k if any(a <= c <= b for a, b in runs) else None for c, k in enumerate(keys)) for keys in rows)


def _own_blocks(here: tuple, up1: tuple, sheets: tuple[Sheet, ...]) -> list[tuple[int, int]]:
    """Where the row holds two tables or more: the runs of columns (first, last) with header text on
    the row or the row above it (a column blank in both separates two tables side by side), without
    the runs where the row itself holds no header text, only the row above it. There this row is a
    table's first data row under its header, beside a table whose header is one row lower (附件8
    beside 附件7, one line further down): matched with the header above, those columns (编号,
    推荐单位) went to the other table, which then ran over both. [] for a row of one run."""
    width = max(len(here), len(up1))
    filled = [bool((c < len(here) and here[c]) or (c < len(up1) and up1[c])) for c in range(width)]
    runs, start = [], None
    for c, full in enumerate([*filled, False]):
        if full and start is None:
            start = c
        elif not full and start is not None:
            runs.append((start, c - 1))
            start = None
    if len(runs) < 2:
        return []
    exact, without = _lookup(sheets)
    own = [(a, b) for a, b in runs if any(here[c] and (here[c] in exact or bare(here[c]) in without)
                                          for c in range(a, min(b + 1, len(here))))]
    return own or runs


def _kinds_side_by_side(rows: tuple[tuple, tuple, tuple], blocks: list[tuple[int, int]],
                        sheets: tuple[Sheet, ...]) -> tuple:
    """Tables of different kinds side by side on the row, each matched within its own columns; ()
    when the row does not hold two of them. Matched as one row, the widest table would take the
    headers the other shares with it (编号, 项目所在地址, 推荐单位) and the other would be lost. A
    run of header columns that heads no table by itself (a table with a blank column inside it)
    belongs to the table on its left, or to the first one."""
    heads = [_whole_row(*_within(rows, [run]), sheets) for run in blocks]
    if len({sheets[found[0][0]].key for found in heads if found}) < 2:
        return ()
    regions = [[a, b] for (a, b), found in zip(blocks, heads, strict=True) if found]
    for (a, b), found in zip(blocks, heads, strict=True):
        if not found:
            region = next((r for r in reversed(regions) if r[0] < a), regions[0])
            region[0], region[1] = min(region[0], a), max(region[1], b)
    return tuple(entry for a, b in regions for entry in _whole_row(*_within(rows, [(a, b)]), sheets))


def _match_keys(here: tuple, up1: tuple, up2: tuple, sheets: tuple[Sheet, ...]) -> tuple:
    """How a row (its keys `here`, under `up1` and `up2`) reads as the header of each sheet, in one pass
    over its cells: for each sheet (columns, spans, ((columns, spans) of each table beside the first, ...)).
    A cell names the first column its candidate texts name: itself, then joined with one and two rows
    above (norm_key works character by character, so joining normalised parts equals normalising the
    joined text); the text as written before the text without its note."""
    exact, without = _lookup(sheets)
    hits: list[tuple[dict, dict]] = [({}, {}) for _ in sheets]       # (columns, spans) per sheet
    more: dict[int, list[tuple[dict, dict]]] = {}     # a second header set on the row: tables side by side
    again: dict[int, list[tuple[int, str, int]]] = {}   # columns named a second time, not yet placed
    for col, text in enumerate(here):
        text = text or ""
        a = (up1[col] or "") if col < len(up1) else ""
        cands = [(text, 1)] if text else []
        if a:
            cands.append((a + text, 2))
            b = (up2[col] or "") if col < len(up2) else ""
            if b:
                cands.append((b + a + text, 3))
        if not cands:
            continue
        named: set[int] = set()
        for key_text, span in cands:
            found = exact.get(key_text, ()) + without.get(bare(key_text), ())
            for i, key in found:
                if i in named:
                    continue
                named.add(i)
                columns, spans = more[i][-1] if i in more else hits[i]
                if key in columns and key == sheets[i].link and len(columns) >= MIN_COLUMNS:
                    # the name column again, right of a whole table's: a second table begins here, with
                    # the columns named again since the first table's last one (its 编号)
                    last = max(columns.values())
                    columns, spans = {}, {}
                    more.setdefault(i, []).append((columns, spans))
                    for c, k, n in again.pop(i, []):
                        if c > last and k not in columns:
                            columns[k], spans[k] = c, n
                if key not in columns:
                    columns[key] = col
                    spans[key] = span
                elif columns[key] != col:
                    again.setdefault(i, []).append((col, key, span))
    return tuple((columns, spans, tuple(more.get(i, ()))) for i, (columns, spans) in enumerate(hits))


def _qualifies(sheet: Sheet, columns: dict[str, int]) -> bool:
    return len(columns) >= MIN_COLUMNS and (sheet.link is None or sheet.link in columns)


def _best(grid: Grid, row: int, sheets: tuple[Sheet, ...]) -> list[HeaderHit]:
    """The row as the header of the sheet it heads best, with the tables beside the first one."""
    return [HeaderHit(grid, sheets[i].key, row, dict(c), spans=dict(n)).shown()
            for i, c, n in _best_keys(*_row_keys(grid, row), sheets)]


def scan_grid(grid: Grid, sheets: tuple[Sheet, ...], start: int = 0, stop: int | None = None) -> list[HeaderHit]:
    """Every row that reads as the header of one schema sheet. Where a row could head several sheets
    (附件7 and 基地条件 share 项目单位、属性), the sheet with most recognised columns owns it.

    Every row of the sheet is looked at, cheaply: only a row with two cells that are header texts or
    their beginnings (or one or two rows under such a row) is matched closely. That is how a table
    begins wherever it is: the first on the sheet, 附件8 under 附件7, a second 附件7 for another
    category."""
    stop = min(grid.height, stop if stop is not None else grid.height)
    names = _prefixes(sheets)
    hits = []
    # A header row that _best can match has, on itself or on one of the two rows above it (a header
    # written over two or three rows), two cells that are header texts or their beginnings: that
    # cheap test picks the rows worth matching, on the whole sheet (data rows rarely pass it).
    near = -1
    for row in range(start, stop):
        if _looks_like_header(grid.rows[row], grid.row_keys(row), names):
            near = row
        if near < 0 or row - near > 2:
            continue
        hits.extend(_best(grid, row, sheets))
    # A header written over two rows matches on both (the rows below it, joined upward, match too):
    # of hits two rows apart or less, keep the first unless a lower one recognises more columns.
    out: list[HeaderHit] = []
    # Tables side by side (院校 in A–G, 企业 in I–O) are two tables, whatever their rows.
    for hit in hits:
        near = next((i for i in range(len(out) - 1, -1, -1) if out[i].sheet_key == hit.sheet_key
                     and hit.row - out[i].row <= 2 and not out[i].beside(hit)), None)
        if near is not None:
            if hit.score > out[near].score:
                out[near] = hit
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


def locate_all(grids: list[Grid], schema: Schema) -> list[HeaderHit]:
    """Every table of the schema on every worksheet, in sheet and row order: a workbook may hold
    several tables of one kind (附件7 split by category over two sheets, or stacked with 附件8)."""
    sheets = schema.sheets
    out: list[HeaderHit] = []
    for grid in grids:
        exact = [h for h in (_exact(grid, s) for s in sheets) if h]
        if exact:
            # The template's own sheet at its place: its table fills the sheet (not scanned further).
            out.append(max(exact, key=lambda h: h.score))
            continue
        out.extend(scan_grid(grid, sheets))
    return out


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
