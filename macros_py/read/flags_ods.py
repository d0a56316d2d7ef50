"""Hidden rows and struck-through cells of an .ods (LibreOffice, WPS), which python-calamine does not give.

content.xml is streamed once through expat (read.extent.xml_parser), counting repeats the way
read.extent.ods_extents does: a row with table:visibility "collapse" or "filter" is hidden, for all
the rows it repeats (kept as one span, read.flags.RowSpans: a hidden block of a million rows is one
entry). A cell is struck when its style has style:text-line-through-style other than "none"; its style
is its table:style-name, else its row's table:default-cell-style-name, else its column's. Styles are
the automatic ones of content.xml and the named ones of styles.xml they inherit from (a named style of
styles.xml used directly by a cell counts too). Only cells with content are recorded (the readers
look at no other), at most the sheet's cell limit. Text struck through only in part of a cell (a
text:span) is not read. Any part it cannot read gives no flags: the sheet is then taken as shown.
"""

from __future__ import annotations

import bisect
import zipfile
import zlib
from xml.parsers import expat

from macros_py.model.errors import UnusableFileError
from macros_py.read.extent import EXCEL_COLS, EXCEL_ROWS, xml_parser
from macros_py.read.flags import SheetFlags

_CHUNK = 1 << 16
_HIDDEN = ("collapse", "filter")
_VALUE_ATTRS = ("office:value-type", "table:formula", "calcext:value-type")
_FAILURES = (expat.ExpatError, zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, KeyError,
             RuntimeError, NotImplementedError, UnusableFileError)


def _repeat(attrs: dict, key: str) -> int:
    try:
        return max(1, int(attrs.get(key, "1")))
    except ValueError:
        return 1


class _Styles:
    """Which cell styles strike their text through, from style:style elements as they stream by."""

    def __init__(self):
        self.struck: set[str] = set()
        self.known: set[str] = set()
        self._name: str | None = None
        self._parent = ""
        self._own: bool | None = None

    def start(self, name: str, attrs: dict) -> None:
        if name == "style:style":
            self._name = attrs.get("style:name")
            self._parent, self._own = attrs.get("style:parent-style-name", ""), None
        elif name == "style:text-properties" and self._name is not None:
            style = attrs.get("style:text-line-through-style")
            if style is not None:
                kind = attrs.get("style:text-line-through-type", "single")
                self._own = style not in ("none", "") and kind != "none"

    def end(self, name: str) -> None:
        if name == "style:style" and self._name is not None:
            struck = self._own if self._own is not None else self._parent in self.struck
            if struck:
                self.struck.add(self._name)
            self.known.add(self._name)
            self._name = None


class _Sheets:
    """Each table's flags from content.xml's rows and cells."""

    def __init__(self, styles: _Styles, max_cells: int):
        self.styles, self.max_cells = styles, max_cells
        self.tables: dict[str, SheetFlags] = {}
        self.flags: SheetFlags | None = None
        self.row = self.col = self.column = 0
        self.row_repeat, self.row_hidden, self.row_struck = 1, False, None
        self.col_starts: list[int] = []              # columns' spans (start) and whether struck
        self.col_struck: list[bool] = []
        self.cell_depth, self.cell_full, self.cell_repeat, self.cell_struck = 0, False, 1, False
        self.recorded = 0
        self.depth = 0                                # table:table nesting (subtables are not read)

    def _column_struck(self, col: int) -> bool:
        i = bisect.bisect_right(self.col_starts, col) - 1
        return i >= 0 and self.col_struck[i]

    def start(self, name: str, attrs: dict) -> None:
        if self.cell_depth:
            self.cell_depth += 1
            self.cell_full = True
            return
        if name == "table:table":
            self.depth += 1
            if self.depth == 1:
                self.flags = SheetFlags()
                self.tables.setdefault(attrs.get("table:name", ""), self.flags)
                self.row = self.column = 0
                self.col_starts, self.col_struck, self.recorded = [], [], 0
            return
        if self.depth != 1:
            return
        if name == "table:table-column":
            repeat = _repeat(attrs, "table:number-columns-repeated")
            if self.column < EXCEL_COLS:
                self.col_starts.append(self.column)
                self.col_struck.append(attrs.get("table:default-cell-style-name") in self.styles.struck)
            self.column += repeat
        elif name == "table:table-row":
            self.row_repeat = _repeat(attrs, "table:number-rows-repeated")
            self.row_hidden = attrs.get("table:visibility") in _HIDDEN
            default = attrs.get("table:default-cell-style-name")
            self.row_struck = None if default is None else default in self.styles.struck
            self.col = 0
        elif name in ("table:table-cell", "table:covered-table-cell"):
            self.cell_repeat = _repeat(attrs, "table:number-columns-repeated")
            self.cell_full = any(a in attrs for a in _VALUE_ATTRS)
            style = attrs.get("table:style-name")
            if style is not None:
                self.cell_struck = style in self.styles.struck
            elif self.row_struck is not None:
                self.cell_struck = self.row_struck
            else:
                self.cell_struck = None          # the column's: looked up at the cell's end
            self.cell_depth = 1

    def end(self, name: str) -> None:
        if self.cell_depth:
            self.cell_depth -= 1
            if not self.cell_depth:
                self._cell_end()
            return
        if name == "table:table":
            self.depth -= 1
            if self.depth == 0:
                self.flags = None
        elif name == "table:table-row" and self.depth == 1:
            if self.row_hidden and self.row < EXCEL_ROWS:
                self.flags.hidden_rows.add(self.row, min(self.row_repeat, EXCEL_ROWS - self.row))
            self.row += self.row_repeat

    def _cell_end(self) -> None:
        col, repeat = self.col, self.cell_repeat
        self.col += repeat
        if not self.cell_full or self.flags is None or self.row >= EXCEL_ROWS:
            return
        struck = self.flags.struck
        for c in range(col, min(col + repeat, EXCEL_COLS)):
            if self.cell_struck if self.cell_struck is not None else self._column_struck(c):
                for r in range(self.row, min(self.row + self.row_repeat, EXCEL_ROWS)):
                    if self.recorded >= self.max_cells:
                        return
                    struck.add((r, c))
                    self.recorded += 1


def _stream(zf: zipfile.ZipFile, part: str, start, end) -> None:
    parser = xml_parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            parser.Parse(chunk, not chunk)
            if not chunk:
                break


class OdsFlagReader:
    """Hidden rows and struck cells of one .ods, every sheet's read in one pass of content.xml when the
    first is asked for (Grid.hidden_rows)."""

    def __init__(self, path, limits):
        self.path, self.limits = path, limits
        self._tables: dict[str, SheetFlags] | None = None

    def _read(self) -> dict[str, SheetFlags]:
        if self._tables is None:
            self._tables = {}
            try:
                with zipfile.ZipFile(self.path) as zf:
                    styles = _Styles()
                    if "styles.xml" in zf.namelist():
                        try:
                            _stream(zf, "styles.xml", styles.start, styles.end)
                        except _FAILURES:
                            styles = _Styles()       # named styles unread: automatic ones still count
                    sheets = _Sheets(styles, self.limits.max_cell_count)

                    def start(name: str, attrs: dict) -> None:
                        styles.start(name, attrs)
                        sheets.start(name, attrs)

                    def end(name: str) -> None:
                        styles.end(name)
                        sheets.end(name)

                    _stream(zf, "content.xml", start, end)
                    self._tables = sheets.tables
            except _FAILURES:
                self._tables = {}
        return self._tables

    def get(self, name: str) -> SheetFlags:
        return self._read().get(name) or SheetFlags()

    def close(self) -> None:
        self._tables = {}
