"""One worksheet as a grid of raw values with absolute positions, as python-calamine reads it.

Rows and columns are 0-based here; `a1()` turns a position into the address a clerk sees. Merged
ranges are kept so that a header merged over several columns can be read under each of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from macros_py.model.normalize import clean_text, norm_key


def column_name(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (without importing openpyxl, which costs a third of a second)."""
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def a1(row: int, col: int) -> str:
    return f"{column_name(col)}{row + 1}"


def cut_long_texts(rows: list[list], limit: int) -> list[tuple[str, int]]:
    """Cut, in place, every text longer than `limit` characters (what one Excel cell holds) to its first
    `limit`: whatever follows (rules, master, reports) then never carries megabytes of one cell. The
    cut cells are returned as (A1, length) so that the file is told (C-VALUE)."""
    cut = []
    for r, line in enumerate(rows):
        for c, value in enumerate(line):
            if isinstance(value, str) and len(value) > limit:
                cut.append((a1(r, c), len(value)))
                line[c] = value[:limit]
    return cut


_NONE: frozenset = frozenset()


@dataclass
class Grid:
    name: str
    rows: list[list]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    hidden: bool = False
    visibility: str = ""                 # "" shown, else 隐藏 / 深度隐藏 (very hidden)
    # Where hidden rows and struck cells come from (read.workbook.flag_source), read only for a sheet whose
    # rows are read: most sheets of a workbook hold no table.
    flag_source: object | None = None
    long_texts: list[tuple[str, int]] = field(default_factory=list)   # (A1, characters) of cut cells

    def __post_init__(self):
        # Horizontal fill for merged cells (a header "上级财政补助" over its 金额 and 比例 columns).
        self._fill: dict[tuple[int, int], tuple[int, int]] = {}
        self._across: dict[tuple[int, int], int] = {}   # a merge's first cell -> columns it spans
        self._text: dict[tuple[int, int], str] = {}
        self._key: dict[tuple[int, int], str] = {}
        self._row_keys: dict[int, list[str]] = {}
        self._merged_keys: dict[int, list[str | None]] = {}
        self._texts: dict[int, list[tuple[int, str]]] = {}
        self._covered: dict[int, list[int]] = {}        # row -> the columns a merged range covers there
        for (r0, c0), (r1, c1) in self.merged:
            if c1 > c0:
                self._across[(r0, c0)] = c1 - c0 + 1
            if c1 - c0 > 60 or r1 - r0 > 60:
                continue  # a title merged across the page: only its first cell matters
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        self._fill[(r, c)] = (r0, c0)
                        self._covered.setdefault(r, []).append(c)

    def _flags(self):
        cached = getattr(self, "_marks", None)
        if cached is None:
            cached = self._marks = self.flag_source.get(self.name) if self.flag_source is not None else None
        return cached

    @property
    def hidden_rows(self):
        """0-based rows hidden in the file."""
        marks = self._flags()
        return marks.hidden_rows if marks is not None else _NONE

    @property
    def hidden_cols(self):
        """0-based columns hidden in the file."""
        marks = self._flags()
        return getattr(marks, "hidden_cols", None) or _NONE

    @property
    def filtered(self) -> tuple[int, int] | None:
        """0-based rows (first, last) under an AutoFilter that filters: hidden there by the filter."""
        marks = self._flags()
        return getattr(marks, "filtered", None) if marks is not None else None

    @property
    def struck(self) -> set[tuple[int, int]]:
        """0-based (row, column) of cells whose font is struck through."""
        marks = self._flags()
        return marks.struck if marks is not None else _NONE

    @property
    def merged_cells(self):
        """The cells a merged range covers (not its first cell)."""
        return self._fill

    @property
    def height(self) -> int:
        return len(self.rows)

    def width(self, row: int) -> int:
        return len(self.rows[row]) if 0 <= row < len(self.rows) else 0

    def get(self, row: int, col: int):
        """The raw value, None for an empty cell."""
        if 0 <= row < len(self.rows):
            line = self.rows[row]
            if 0 <= col < len(line):
                value = line[col]
                return None if value == "" else value
        return None

    def text(self, row: int, col: int) -> str:
        cached = self._text.get((row, col))
        if cached is None:
            cached = self._text[(row, col)] = clean_text(self.get(row, col))
        return cached

    def merged_text(self, row: int, col: int, vertical: bool = False) -> str:
        """The text shown at (row, col), taking a merged range's value where the cell is covered.
        Vertical spans are only followed on request: a header merged down over two rows must not be
        read twice when the two rows are joined."""
        value = self.get(row, col)
        if value is None and (row, col) in self._fill:
            r0, c0 = self._fill[(row, col)]
            if vertical or r0 == row:
                return self.text(r0, c0)
        return self.text(row, col) if value is not None else ""

    def down(self, row: int, col: int):
        """The value a data cell shows: its own, or, where a merged range covers it from a row above in
        the same column (a 属性 merged down three rows), the range's value. None for an empty cell."""
        value = self.get(row, col)
        if value is None:
            origin = self._fill.get((row, col))
            if origin is not None and origin[1] == col and origin[0] < row:
                return self.get(*origin)
        return value

    def covered_from(self, row: int, col: int) -> tuple[int, int] | None:
        """The first cell of the merged range covering (row, col), if another cell."""
        return self._fill.get((row, col))

    def across(self, row: int, col: int) -> int:
        """How many columns a merged range starting at (row, col) spans (1 when none)."""
        return self._across.get((row, col), 1)

    def key(self, row: int, col: int) -> str:
        """The normalised text (normalize.norm_key) of a cell, cached: headers are compared this way."""
        cached = self._key.get((row, col))
        if cached is None:
            value = self.get(row, col)
            cached = self._key[(row, col)] = norm_key(value) if isinstance(value, str) else ""
        return cached

    def row_keys(self, row: int) -> list[str]:
        """key() of every cell of a row ('' for empty and non-text cells), cached per row: the header
        searches look at whole rows."""
        cached = self._row_keys.get(row)
        if cached is None:
            line = self.rows[row] if 0 <= row < len(self.rows) else []
            cached = self._row_keys[row] = [norm_key(v) if isinstance(v, str) and v else "" for v in line]
        return cached

    def merged_row_keys(self, row: int) -> list[str | None]:
        """merged_key() of every cell of a row, cached per row; None where the cell holds a number or a
        date (never a header)."""
        cached = self._merged_keys.get(row)
        if cached is None:
            line = self.rows[row] if 0 <= row < len(self.rows) else []
            keys: list[str | None] = [None if not isinstance(value, str) and value is not None and value != "" else key
                                      for value, key in zip(line, self.row_keys(row), strict=True)]
            for col in self._covered.get(row, ()):
                if col < len(line) and (line[col] == "" or line[col] is None):
                    keys[col] = self.merged_key(row, col)
            cached = self._merged_keys[row] = keys
        return cached

    def merged_key(self, row: int, col: int) -> str:
        """key() of the cell, or of the merged range covering it on the same row."""
        if self.get(row, col) is None and (row, col) in self._fill:
            r0, c0 = self._fill[(row, col)]
            if r0 == row:
                return self.key(r0, c0)
        return self.key(row, col)

    def first_text(self, row: int) -> tuple[int, str] | None:
        """The first non-empty cell of a row: (column, text)."""
        if 0 <= row < len(self.rows):
            for col, value in enumerate(self.rows[row]):
                if value != "" and value is not None:
                    text = clean_text(value)
                    if text:
                        return col, text
        return None

    def row_texts(self, row: int) -> list[tuple[int, str]]:
        """(column, text) of every filled cell of a row, cached per row (the readers look at the rows
        near a header several times). The list is shared: callers never change it."""
        if not 0 <= row < len(self.rows):
            return []
        cached = self._texts.get(row)
        if cached is None:
            cached = self._texts[row] = [(c, t) for c, v in enumerate(self.rows[row])
                                         if v != "" and v is not None and (t := clean_text(v))]
        return cached
