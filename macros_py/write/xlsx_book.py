"""Write-once workbooks (the master, feedback files, printed forms) with XlsxWriter.

openpyxl stays where a workbook is read back or changed (the template, samples, annotated copies);
new files that are only written go through here because XlsxWriter writes them 2–3 times faster,
which the bureau's 500-file merge needs. What this adds to XlsxWriter:
- text is always text: strings are written with write_string, never taken for formulas or links, and
  text that starts like a formula (= + - @) carries Excel's quote prefix, so that editing the cell in
  Excel keeps it text, and text that reads as rich-text markup (<r>…</r>), which XlsxWriter would
  write as XML, is written escaped;
- ID numbers in any text are masked (model.privacy), except on a sheet made with keep_ids=True (the
  master's 大师身份信息, and the hidden sheet whose data is masked before it is written);
- one cache of cell formats, all in 仿宋_GB2312 五号 unless said otherwise;
- tables with their data written by us (add_table's own data writer would interpret strings);
- the same bytes for the same content (fixed document time; XlsxWriter fixes the zip entry times),
  written to a temporary file and renamed;
- streamed sheets (`sheet(stream=True)`): rows go to a temporary file as they are written, tables
  and row heights kept, so that the master's big sheets are never held whole in memory (issue 11);
  a table's rows there are written as XML by us, the XML XlsxWriter writes for the same cells, without
  its calls per cell (issue 10);
- a package that is written again (the master's pivot tables) deflated once, not twice.
Rows and columns are 0-based, as XlsxWriter counts them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import _utf16_len, _utf16_truncate
from xlsxwriter.xmlwriter import XMLwriter

from macros_py.model.privacy import mask_value
from macros_py.read.grid import column_name
from macros_py.read.own_output import OUTPUT_PROPERTY
from macros_py.write.cell_text import FONT_NAME, FONT_SIZE
from macros_py.write.xlsx_pack import write_atomic

_OPTIONS = {"in_memory": False, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False}
_DATE = "yyyy-mm-dd"
_RISKY = ("=", "+", "-", "@")


_WIDE = re.compile("[\u2e80-\U0010ffff]")


def text_width(text) -> float:
    """Width of a text in column-width units (measured on LibreOffice's print of the 五号 font: a CJK
    character takes about 1.6–1.7 units, a digit or Latin letter about 0.85)."""
    text = str(text)
    wide = 0 if text.isascii() else _WIDE.subn("", text)[1]   # counted in C: it runs for every cell
    return 1.7 * wide + 0.85 * (len(text) - wide)


def wrapped_lines(value, width: float) -> int:
    """Lines a wrapped cell of `width` needs for `value` (explicit line breaks count)."""
    if value is None or value == "":
        return 1
    usable = max(width - 0.8, 1.0)
    text = str(value)
    if 1.7 * len(text) <= usable and "\n" not in text:
        return 1        # no character is wider than 1.7: most cells, without measuring them
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in text.split("\n"))


def line_height(n: int) -> float:
    """Row height in points for n lines of the 五号 font."""
    return max(15.0, 14.2 * n + 2.5)


def _empty(value) -> bool:
    """A table cell with nothing to show: not written at all, since a table cell's format holds no
    border or fill (the table style draws those), and a quarter of a master's cells are empty."""
    return value is None or value == ""


CELL_LIMIT = 32767   # characters an Excel cell holds (xlsxwriter would cut longer text without a word)


def fit_cell(text: str) -> str:
    """Text as a cell can hold it: whole, or its beginning followed by a note saying it was cut and
    where the whole text is (the summary JSON keeps every value whole)."""
    if len(text) <= CELL_LIMIT:
        return text
    note = f"……（原文共 {len(text)} 字，超过 Excel 单元格上限 {CELL_LIMIT} 字，此处只显示开头；全文见汇总数据 JSON）"
    return text[: CELL_LIMIT - len(note)] + note


# What XlsxWriter escapes in an inline string as _xHHHH_ (control characters, non-characters, and
# a literal escape), looked for first: almost no text holds any.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")


def _inline_string(text: str) -> str:
    """A cell's text as XlsxWriter writes an inline string, from the end of the cell's start tag."""
    if len(text) > CELL_LIMIT // 2 and _utf16_len(text) > CELL_LIMIT:
        text = _utf16_truncate(text, CELL_LIMIT)   # what XlsxWriter does: Excel counts UTF-16 units
    if _CONTROL.search(text):
        text = XMLwriter._escape_control_characters(text)
    preserve = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f' t="inlineStr"><is><t{preserve}>{text}</t></is></c>'


@contextlib.contextmanager
def _parts_stored(stored: bool):
    """XlsxWriter's package with its parts stored, not deflated, where `transform` writes the package
    again (pivot tables: write_pivots deflates every part as it copies it): the master's XML was
    deflated twice, a sixth of its time. XlsxWriter takes the method from its module's name for it;
    one process writes one book at a time (the second process, forked, has its own)."""
    if not stored:
        yield
        return
    import xlsxwriter.workbook as module

    saved, module.ZIP_DEFLATED = module.ZIP_DEFLATED, zipfile.ZIP_STORED
    try:
        yield
    finally:
        module.ZIP_DEFLATED = saved


class _InlineStrings:
    """Stands in for the shared-string table while add_table writes a streamed sheet's headers."""

    @staticmethod
    def _get_shared_string_index(string: str) -> str:
        return string


class _Forgotten(dict):
    """A dict that keeps nothing (add_table's note of every cell of a streamed sheet's table)."""

    def __setitem__(self, key, value) -> None:
        pass


def _stream_rows(ws) -> None:
    """XlsxWriter's constant_memory for one worksheet (its option is the whole workbook's, and would
    take the tables and the charts' cached values from every sheet): what Worksheet._initialize does
    when the option is on."""
    fd, name = tempfile.mkstemp(dir=ws.tmpdir)
    os.close(fd)
    ws.row_data_filename = name
    ws.row_data_fh = open(name, mode="w+", encoding="utf-8")  # noqa: SIM115  (XlsxWriter closes and removes it)
    ws.fh = ws.row_data_fh
    ws.constant_memory = True


class Book:
    def __init__(self, when: dt.datetime, title: str | None = None, output: str | None = None,
                 in_memory: bool = False):
        """`output`: which of the tool's outputs this is (read.own_output), stamped as a custom document
        property so that a merge recognises the file by content if it lands in an inbox.
        `in_memory`: XlsxWriter assembles the parts in memory rather than in temporary files. For the
        many small books of one run (a feedback file per recommender): creating and removing a dozen
        temporary files per book cost more than writing it. A big book (the master) keeps the files,
        which hold its XML out of memory."""
        # the package as XlsxWriter writes it: a small book's in memory (a file made and removed per
        # book was a tenth of a feedback book's time)
        self._buffer = io.BytesIO() if in_memory else tempfile.TemporaryFile()
        self.wb = xlsxwriter.Workbook(self._buffer, {**_OPTIONS, "in_memory": in_memory})
        self.wb.set_properties({"created": when, "author": "shenbao", "title": title or ""})
        if output:
            self.wb.set_custom_property(OUTPUT_PROPERTY, output)
        self.wb.set_calc_mode("auto")
        self._formats: dict[tuple, object] = {}
        self._props: dict[int, dict] = {}
        self._keep_ids: set[str] = set()

    def fmt(self, **props):
        """A cached cell format: the project's font and size plus `props` (XlsxWriter's names)."""
        props = {"font_name": FONT_NAME, "font_size": FONT_SIZE, **props}
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.wb.add_format(props)
            self._props[id(self._formats[key])] = props
        return self._formats[key]

    def _quoted(self, fmt):
        """The same format with Excel's quote prefix (text that starts like a formula)."""
        props = dict(self._props.get(id(fmt), {})) if fmt is not None else {}
        return self.fmt(**{**props, "quote_prefix": True})

    def sheet(self, name: str, hidden: bool = False, keep_ids: bool = False, stream: bool = False):
        """A new sheet; with `stream`, its rows go to a temporary file as they are written (XlsxWriter's
        constant_memory, for this sheet only), so a sheet of thousands of rows is never held whole:
        its cells must then be written row after row, each row's height set before the next row."""
        ws = self.wb.add_worksheet(name)
        if hidden:
            ws.hide()
        if keep_ids:
            self._keep_ids.add(ws.name)
        if stream:
            _stream_rows(ws)
        return ws

    def _prepared(self, ws, value, fmt):
        """The value and format a cell is written with: ID numbers masked (but on a keep_ids sheet),
        text whole or cut with a note (fit_cell) and quoted where it starts like a formula, a date
        given a date format, a number Excel cannot hold (NaN, infinity) and any other value as text."""
        if ws.name not in self._keep_ids:
            value = mask_value(value)
        if isinstance(value, float) and not math.isfinite(value) or \
                value is not None and not isinstance(value, str | int | float | dt.date):
            value = str(value)
        if isinstance(value, str):
            if value.startswith(_RISKY) and (fmt is None or id(fmt) in self._props):
                fmt = self._quoted(fmt)
            return fit_cell(value), fmt
        if isinstance(value, dt.date) and getattr(fmt, "num_format", "General") in ("General", 0):
            # a date needs a date format to show as one (an XlsxWriter format without one says General)
            props = self._props.get(id(fmt), {"valign": "top"})
            fmt = self.fmt(**{**props, "num_format": _DATE})
        return value, fmt

    def write(self, ws, row: int, col: int, value, fmt=None) -> None:
        value, fmt = self._prepared(ws, value, fmt)
        if value is None or value == "":
            if fmt is not None:
                ws.write_blank(row, col, None, fmt)
        elif isinstance(value, str):
            if value.startswith("<r>") and value.endswith("</r>"):
                # XlsxWriter writes such a text unescaped, as rich-text XML (inline on a streamed
                # sheet, in the shared strings otherwise): a clerk's <r>…</r> would break the
                # workbook or become other cells. As two runs of the cell's own font it is written
                # escaped, and reads as the same text.
                run = fmt if fmt is not None else self.fmt()
                ws.write_rich_string(row, col, run, value[:1], run, value[1:], *((fmt,) if fmt is not None else ()))
            else:
                ws.write_string(row, col, value, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt)
        elif isinstance(value, int | float):
            ws.write_number(row, col, value, fmt)
        else:
            ws.write_datetime(row, col, value if isinstance(value, dt.datetime) else
                              dt.datetime.combine(value, dt.time()), fmt)

    def merge(self, ws, first_row: int, first_col: int, last_row: int, last_col: int, value, fmt) -> None:
        ws.merge_range(first_row, first_col, last_row, last_col, "", fmt)
        self.write(ws, first_row, first_col, value, fmt)

    def table(self, ws, name: str, headers: list[str], rows: list[list], *, formats: list[str | None] | None = None,
              widths: list[float] | None = None, first_row: int = 0, style: str = "Table Style Light 9",
              freeze: bool = True, wrap=(), align: dict[int, str] | None = None,
              heights: dict[int, float] | None = None, count: int | None = None) -> int:
        """An Excel Table with filters over `rows`; returns the row after it. Columns whose index is in
        `wrap` (or the first `wrap` columns, given a number) wrap their text; `align` gives a column's
        horizontal alignment, the same for its header, so that numbers stand under their headers;
        `heights` gives a row (0-based within `rows`) a height of its own (on a streamed sheet no row
        can be changed once the next is written). On a streamed sheet `rows` may be any iterable of
        `count` rows, made as they are written."""
        wrap = set(range(wrap)) if isinstance(wrap, int) else set(wrap)
        align = align or {}
        if ws.constant_memory:
            return self._streamed_table(ws, name, headers, rows, formats=formats, widths=widths, first_row=first_row,
                                        style=style, freeze=freeze, wrap=wrap, align=align, heights=heights,
                                        count=len(rows) if count is None else count)
        cols = self._cell_formats(headers, formats, wrap, align)
        for r, values in enumerate(rows, start=first_row + 1):
            for c, value in enumerate(values):
                if not _empty(value):
                    self.write(ws, r, c, value, cols[c])
        last = first_row + max(len(rows), 1)
        ws.add_table(first_row, 0, last, len(headers) - 1, {
            "name": name, "style": style, "autofilter": True, "columns": self._header_formats(headers, align)})
        widths = widths or [14] * len(headers)
        for c, width in enumerate(widths):
            ws.set_column(c, c, width)
        # Neither LibreOffice nor a printer grows a row for wrapped text that XlsxWriter wrote without a
        # height, so each row gets the height its longest wrapped cell needs (the header row always wraps).
        ws.set_row(first_row, line_height(max(wrapped_lines(h, w) for h, w in zip(headers, widths, strict=False))))
        for r, values in enumerate(rows, start=first_row + 1):
            n = max([wrapped_lines(values[c], widths[c]) for c in wrap if c < len(values)] + [1])
            if n > 1:
                ws.set_row(r, line_height(n))
        for i, height in (heights or {}).items():
            ws.set_row(first_row + 1 + i, height)
        if freeze:
            ws.freeze_panes(first_row + 1, 0)
        return last + 1

    def _cell_formats(self, headers, formats, wrap, align) -> list:
        return [self.fmt(valign="top", **({"num_format": f} if f else {}), **({"text_wrap": True} if c in wrap else {}),
                         **({"align": align[c]} if c in align else {}))
                for c, f in enumerate(formats or [None] * len(headers))]

    def _header_formats(self, headers, align) -> list[dict]:
        return [{"header": h, "header_format": self.fmt(bold=True, text_wrap=True, valign="vcenter",
                                                        **({"align": align[c]} if c in align else {}))}
                for c, h in enumerate(headers)]

    def _streamed_table(self, ws, name, headers, rows, *, formats, widths, first_row, style, freeze, wrap, align,
                        heights, count: int) -> int:
        """Book.table on a streamed sheet: the same table, cells and heights, written row by row."""
        cols, heads = self._cell_formats(headers, formats, wrap, align), self._header_formats(headers, align)
        widths = widths or [14] * len(headers)
        for c, width in enumerate(widths):
            ws.set_column(c, c, width)
        ws.set_row(first_row, line_height(max(wrapped_lines(h, w) for h, w in zip(headers, widths, strict=False))))
        last = first_row + max(count, 1)
        # add_table refuses a constant_memory sheet only because it writes the header cells, which
        # would be shared strings there: it writes them here as the inline strings the sheet holds.
        # It would also note every cell of the table ((row, col) → range, to refuse an overlapping
        # table): a streamed sheet holds one table, so those notes are not kept.
        shared, cells = ws.str_table, ws.table_cells
        ws.constant_memory, ws.str_table, ws.table_cells = False, _InlineStrings(), _Forgotten()
        try:
            ws.add_table(first_row, 0, last, len(headers) - 1, {"name": name, "style": style, "autofilter": True,
                                                                 "columns": heads})
        finally:
            ws.constant_memory, ws.str_table, ws.table_cells = True, shared, cells
        heights = heights or {}
        # The header row (add_table's cells) goes to the file first, as XlsxWriter's next write would.
        if first_row + 1 > ws.previous_row:
            ws._write_single_row(first_row + 1)
        letters = [column_name(c) for c in range(len(headers))]
        r = first_row
        for i, values in enumerate(rows):
            r = first_row + 1 + i
            n = max([wrapped_lines(values[c], widths[c]) for c in wrap if c < len(values)] + [1])
            if i in heights:
                ws.set_row(r, heights[i])
            elif n > 1:
                ws.set_row(r, line_height(n))
            self._stream_row(ws, r, values, cols, letters)
        # Rows up to the table's last are in the file: XlsxWriter now refuses a write there, as it
        # does for any row before the one it holds.
        ws.previous_row = r + 1
        if freeze:
            ws.freeze_panes(first_row + 1, 0)
        return last + 1

    def _stream_row(self, ws, r: int, values, cols, letters: list[str]) -> None:
        """One row of a streamed table, its XML written straight to the sheet's file: the XML
        XlsxWriter writes for the same cells in constant_memory (inline strings), without its
        per-cell calls, which cost most of a big master's time. A text is always written as text
        (XlsxWriter would take one that reads <r>…</r> as rich-text XML)."""
        cells = []
        num = str(r + 1)
        first = last = None
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            value, fmt = self._prepared(ws, value, cols[c])
            if c >= len(letters):
                letters.extend(column_name(k) for k in range(len(letters), c + 1))
            head = f'<c r="{letters[c]}{num}"' + (f' s="{fmt._get_xf_index()}"' if fmt is not None else "")
            if isinstance(value, str):
                cells.append(head + _inline_string(value))
            elif isinstance(value, bool):
                cells.append(f'{head} t="b"><v>{int(value)}</v></c>')
            else:
                if isinstance(value, dt.date):
                    value = ws._convert_date_time(value if isinstance(value, dt.datetime)
                                                  else dt.datetime.combine(value, dt.time()))
                cells.append(f"{head}><v>{value:.16G}</v></c>")
            if first is None:
                first = c
            last = c
        info = ws.row_info.pop(r, None)
        ws.row_sizes.pop(r, None)
        if first is not None:
            ws._check_dimensions(r, first)
            ws._check_dimensions(r, last)
            ws._write_row(r, None, info)
            ws.fh.write("".join(cells) + "</row>")
        elif info is not None:
            ws._write_empty_row(r, None, info)

    @staticmethod
    def print_setup(ws, header_rows: int, landscape: bool = True, columns: int = 0, keep_left: int = 0) -> None:
        """A4, the header rows repeated on every page, page numbers. A sheet of up to 16 columns is
        fitted to the page width; a wider one (基地汇总 has 40) would print too small to read, so it
        prints at 75 % over several pages with its first `keep_left` columns repeated on each."""
        ws.set_paper(9)
        if landscape:
            ws.set_landscape()
        if columns > 16:
            ws.set_print_scale(75)
            if keep_left:
                ws.repeat_columns(0, keep_left - 1)
        else:
            ws.fit_to_pages(1, 0)
        if header_rows:
            ws.repeat_rows(0, header_rows - 1)
        ws.center_horizontally()
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.set_footer("&C第 &P 页，共 &N 页")

    def key_values(self, ws, lines: list[tuple[str, str]], first_row: int, value_width: float) -> None:
        """A cover of `label  text` lines, the label bold, the text wrapped in a column `value_width`
        wide, each row as tall as its text (XlsxWriter cannot measure text)."""
        bold, wrap = self.fmt(bold=True, valign="top"), self.fmt(text_wrap=True, valign="top")
        for r, (k, v) in enumerate(lines, start=first_row):
            self.write(ws, r, 0, k, bold)
            self.write(ws, r, 1, v, wrap)
            ws.set_row(r, line_height(wrapped_lines(v, value_width)))

    def save(self, path: str | Path, transform=None) -> Path:
        """Close and write atomically; `transform(package, out)` may write a changed package instead
        (pivot tables): both are file objects, so that a big workbook is never held in memory."""
        from xlsxwriter.exceptions import FileCreateError

        try:
            with _parts_stored(transform is not None):
                self.wb.close()
        except (FileCreateError, OSError) as exc:  # XlsxWriter's temporary files: a full disk, a file-size limit
            from macros_py.write.outputs import write_failure

            inner = exc.args[0] if isinstance(exc, FileCreateError) and exc.args else exc
            if not isinstance(inner, OSError):
                raise
            self.wb.fileclosed = True   # XlsxWriter would try to close it again when collected
            raise write_failure(path, inner) from None
        self._buffer.seek(0)
        if transform is None:
            write_atomic(path, lambda fh: shutil.copyfileobj(self._buffer, fh, 1 << 20))
        else:
            write_atomic(path, lambda fh: transform(self._buffer, fh))
        self._buffer.close()
        return Path(path)
