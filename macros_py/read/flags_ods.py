"""Hidden rows and struck-through cells of an .ods (LibreOffice, WPS), which python-calamine does not give.

content.xml is inflated once and cut into its tables; a table whose bytes hide no row and use no
struck style is not parsed, the others are, each on its own, through expat (read.extent.xml_parser;
a content.xml of more than 16 MB is streamed whole instead), counting repeats the way
read.extent.ods_extents does: a row with table:visibility "collapse" or "filter" is hidden, for all
the rows it repeats (kept as one span, read.flags.RowSpans: a hidden block of a million rows is one
entry). A cell is struck when its style has style:text-line-through-style (or -type) other than "none"; its style
is its table:style-name, else its row's table:default-cell-style-name, else its column's. Styles are
the automatic ones of content.xml and the named ones of styles.xml they inherit from (a named style of
styles.xml used directly by a cell counts too). Only cells with content are recorded (the readers
look at no other), at most the sheet's cell limit. A cell whose whole text is struck through in
text:span elements (struck while the cell was edited) is struck; text struck only in part is not. Any part it cannot read gives no flags: the sheet is then taken as shown.
"""

from __future__ import annotations

import bisect
import re
import zipfile
import zlib
from xml.parsers import expat

from macros_py.model.errors import UnusableFileError
from macros_py.read.extent import EXCEL_COLS, EXCEL_ROWS, stream_parse, xml_parser
from macros_py.read.flags import CellsOnly, SheetFlags

_CHUNK = 1 << 16
_HIDDEN = ("collapse", "filter")
_VALUE_ATTRS = ("office:value-type", "table:formula", "calcext:value-type")
# Whether a part may hold anything this reader looks for, found on its bytes before it is parsed: most
# files hide no row and strike nothing, and parsing content.xml costs as much as reading the sheets.
_HIDDEN_MARK = re.compile(rb"visibility\s*=\s*[\"'](?:collapse|filter)")
# (LibreOffice writes a strike it imported from an .xlsx as text-line-through-type alone, no -style)
_STRUCK_MARK = re.compile(rb"line-through-(?:style|type)\s*=\s*[\"'](?!none[\"'])")
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
        self._name: str | None = None
        self._parent = ""
        self._own: bool | None = None

    def start(self, name: str, attrs: dict) -> None:
        if name == "style:style":
            self._name = attrs.get("style:name")
            self._parent, self._own = attrs.get("style:parent-style-name", ""), None
        elif name == "style:text-properties" and self._name is not None:
            style = attrs.get("style:text-line-through-style")
            kind = attrs.get("style:text-line-through-type")
            if style is not None or kind is not None:
                self._own = (style is None or style not in ("none", "")) and kind != "none"

    def end(self, name: str) -> None:
        if name == "style:style" and self._name is not None:
            struck = self._own if self._own is not None else self._parent in self.struck
            if struck:
                self.struck.add(self._name)
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
        self.spans: list[bool] = []                   # the open text:span elements of a cell: struck?
        self.text_struck = self.text_plain = False    # the cell's text inside struck spans / outside
        self.recorded = 0
        self.depth = 0                                # table:table nesting (subtables are not read)

    def _column_struck(self, col: int) -> bool:
        i = bisect.bisect_right(self.col_starts, col) - 1
        return i >= 0 and self.col_struck[i]

    def start(self, name: str, attrs: dict) -> None:
        if self.cell_depth:
            self.cell_depth += 1
            self.cell_full = True
            if name == "text:span":
                self.spans.append(attrs.get("text:style-name") in self.styles.struck
                                  or bool(self.spans and self.spans[-1]))
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
                if attrs.get("table:visibility") in _HIDDEN:
                    self.flags.hidden_cols.add(self.column, min(repeat, EXCEL_COLS - self.column))
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
            self.spans, self.text_struck, self.text_plain = [], False, False

    def text(self, data: str) -> None:
        """A cell's text: struck through as a whole when every piece of it is inside struck spans
        (the clerk struck the text while editing the cell)."""
        if self.cell_depth and data.strip():
            if self.spans and self.spans[-1]:
                self.text_struck = True
            else:
                self.text_plain = True

    def end(self, name: str) -> None:
        if self.cell_depth:
            self.cell_depth -= 1
            if name == "text:span" and self.spans:
                self.spans.pop()
            if not self.cell_depth:
                if self.text_struck and not self.text_plain and not self.cell_struck:
                    self.cell_struck = True
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
        if not self.cell_full or self.flags is None or self.row >= EXCEL_ROWS or self.cell_struck is False:
            return
        struck = self.flags.struck
        for c in range(col, min(col + repeat, EXCEL_COLS)):
            if self.cell_struck if self.cell_struck is not None else self._column_struck(c):
                for r in range(self.row, min(self.row + self.row_repeat, EXCEL_ROWS)):
                    if self.recorded >= self.max_cells:
                        return
                    struck.add((r, c))
                    self.recorded += 1


def _marked(zf: zipfile.ZipFile, part: str, *marks) -> bool:
    """Whether the part's bytes hold any of the marks (streamed, in bounded memory)."""
    tail = b""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(_CHUNK * 16)
            if not chunk:
                return False
            data = tail + chunk
            if any(mark.search(data) for mark in marks):
                return True
            tail = data[-64:]


_IN_MEMORY = 16 << 20           # content.xml up to this size is sliced by table; a larger one is streamed
_TABLE = re.compile(rb"<table:table[\s>/]")
_TABLE_END = b"</table:table>"
_STYLE = re.compile(rb"<style:style\b[^>]*?(?:/>|>.*?</style:style>)", re.DOTALL)


def _styles_of(zf: zipfile.ZipFile, head: bytes | None) -> _Styles:
    """The struck cell styles: styles.xml's named ones, then content.xml's automatic ones (`head`: its
    bytes before office:body; None when content.xml is streamed, and its styles read on the way)."""
    styles = _Styles()
    if "styles.xml" in zf.namelist() and _marked(zf, "styles.xml", _STRUCK_MARK):
        parser = xml_parser()
        parser.StartElementHandler, parser.EndElementHandler = styles.start, styles.end
        try:
            stream_parse(zf, "styles.xml", parser)
        except _FAILURES:
            styles = _Styles()       # named styles unread: the automatic ones still count
    if head is not None and (styles.struck or _STRUCK_MARK.search(head)):
        # Only the styles that can be struck are parsed, each on its own: those that say so, and (when
        # styles.xml has struck styles) those that inherit. A style that cannot be parsed is not struck.
        for m in _STYLE.finditer(head):
            block = m.group(0)
            if _STRUCK_MARK.search(block) or (styles.struck and b"parent-style-name" in block):
                parser = xml_parser()
                parser.StartElementHandler, parser.EndElementHandler = styles.start, styles.end
                try:
                    parser.Parse(block, True)
                except _FAILURES:
                    continue
    return styles


def _table_name(tag: bytes) -> str | None:
    """table:name of a table's start tag, as a parser reads it (entities and character references)."""
    found: list[str] = []
    parser = xml_parser()
    parser.StartElementHandler = lambda name, attrs: found.append(attrs.get("table:name", ""))
    try:
        parser.Parse(tag if tag.endswith(b"/>") else tag + _TABLE_END, True)
    except _FAILURES:
        return None
    return found[0] if found else None


class OdsFlagReader(CellsOnly):
    """Hidden rows and struck cells of one .ods, read when the first sheet's are asked for
    (Grid.hidden_rows). content.xml is inflated once and cut into its tables; a table whose bytes hide
    no row and use no struck style is not parsed, the others one by one. A content.xml of more than
    16 MB is streamed instead, every table in one pass, in bounded memory."""

    def __init__(self, path, limits, in_memory: int = _IN_MEMORY):
        """in_memory: the largest content.xml sliced in memory (bytes); a larger one is streamed."""
        self.path, self.limits, self.in_memory = path, limits, in_memory
        self._tables: dict[str, SheetFlags] | None = None       # streamed: every table's flags
        self._data = b""
        self._slices: dict[str, tuple[int, int]] = {}           # table name -> its bytes in _data
        self._styles: _Styles | None = None
        self._uses_struck: re.Pattern | None = None

    def _open(self) -> None:
        if self._tables is not None:
            return
        self._tables = {}
        try:
            with zipfile.ZipFile(self.path) as zf:
                if zf.getinfo("content.xml").file_size > self.in_memory:
                    self._tables = self._stream_all(zf)
                    return
                data = zf.read("content.xml")
                body = data.find(b"<office:body")
                if body < 0:
                    return
                styles = _styles_of(zf, data[:body])
                if not styles.struck and not _HIDDEN_MARK.search(data, body):
                    return
                self._data, self._styles = data, styles
                if styles.struck:
                    names = b"|".join(re.escape(n.encode()) for n in sorted(styles.struck))
                    self._uses_struck = re.compile(rb"style-name\s*=\s*[\"'](?:" + names + rb")[\"']")
                self._slices = self._cut(data, body)
        except _FAILURES:
            self._tables, self._data, self._slices = {}, b"", {}

    @staticmethod
    def _cut(data: bytes, body: int) -> dict[str, tuple[int, int]]:
        """Each top-level table's bytes, from its start tag to its last end tag before the next table. A
        table inside a table (not in a spreadsheet LibreOffice or WPS writes) leaves its sheet unparsable:
        no flags."""
        starts = [m.start() for m in _TABLE.finditer(data, body)]
        out: dict[str, tuple[int, int]] = {}
        for i, start in enumerate(starts):
            stop = starts[i + 1] if i + 1 < len(starts) else len(data)
            end = data.rfind(_TABLE_END, start, stop)
            tag_end = data.find(b">", start)
            if end < 0 or tag_end < 0:
                continue
            name = _table_name(data[start:tag_end + 1])
            if name is not None and name not in out:
                out[name] = (start, end + len(_TABLE_END))
        return out

    def _stream_all(self, zf: zipfile.ZipFile) -> dict[str, SheetFlags]:
        if not _marked(zf, "content.xml", _HIDDEN_MARK, _STRUCK_MARK) and not _marked(zf, "styles.xml", _STRUCK_MARK):
            return {}
        styles = _styles_of(zf, None)
        sheets = _Sheets(styles, self.limits.max_cell_count)
        parser = xml_parser()

        def start(name: str, attrs: dict) -> None:
            if name == "office:body":    # the styles are all read: from here on only rows and cells
                parser.StartElementHandler, parser.EndElementHandler = sheets.start, sheets.end
            else:
                styles.start(name, attrs)

        parser.StartElementHandler, parser.EndElementHandler = start, styles.end
        parser.CharacterDataHandler = sheets.text
        stream_parse(zf, "content.xml", parser)
        return sheets.tables

    def get(self, name: str) -> SheetFlags:
        self._open()
        if name in self._tables:
            return self._tables[name]
        span = self._slices.get(name)
        if span is None:
            return SheetFlags()
        part = self._data[span[0]:span[1]]
        if not _HIDDEN_MARK.search(part) and (self._uses_struck is None or not self._uses_struck.search(part)):
            return SheetFlags()
        sheets = _Sheets(self._styles, self.limits.max_cell_count)
        parser = xml_parser()
        parser.StartElementHandler, parser.EndElementHandler = sheets.start, sheets.end
        parser.CharacterDataHandler = sheets.text
        try:
            parser.Parse(part, True)
        except _FAILURES:
            return SheetFlags()
        return sheets.tables.get(name) or SheetFlags()

    def close(self) -> None:
        self._tables, self._data, self._slices = {}, b"", {}
