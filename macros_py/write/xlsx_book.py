"""Write-once workbooks (the master, feedback files, printed forms) with XlsxWriter.

openpyxl stays where a workbook is read back or changed (the template, samples, annotated copies);
new files that are only written go through here because XlsxWriter writes them 2–3 times faster,
which the bureau's 500-file merge needs. What this adds to XlsxWriter:
- text is always text: strings are written with write_string, never taken for formulas or links, and
  text that starts like a formula (= + - @) carries Excel's quote prefix, so that editing the cell in
  Excel keeps it text;
- ID numbers in any text are masked (model.privacy), except on a sheet made with keep_ids=True (the
  master's 大师身份信息, and the hidden sheet whose data is masked before it is written);
- one cache of cell formats, all in 仿宋_GB2312 五号 unless said otherwise;
- tables with their data written by us (add_table's own data writer would interpret strings);
- the same bytes for the same content (fixed document time; XlsxWriter fixes the zip entry times),
  written to a temporary file and renamed.
Rows and columns are 0-based, as XlsxWriter counts them.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from pathlib import Path

import xlsxwriter

from macros_py.model.privacy import mask_value
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
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in str(value).split("\n"))


def line_height(n: int) -> float:
    """Row height in points for n lines of the 五号 font."""
    return max(15.0, 14.2 * n + 2.5)


CELL_LIMIT = 32767   # characters an Excel cell holds (xlsxwriter would cut longer text without a word)


def fit_cell(text: str) -> str:
    """Text as a cell can hold it: whole, or its beginning followed by a note saying it was cut and
    where the whole text is (the summary JSON keeps every value whole)."""
    if len(text) <= CELL_LIMIT:
        return text
    note = f"……（原文共 {len(text)} 字，超过 Excel 单元格上限 {CELL_LIMIT} 字，此处只显示开头；全文见汇总数据 JSON）"
    return text[: CELL_LIMIT - len(note)] + note


class Book:
    def __init__(self, when: dt.datetime, title: str | None = None, output: str | None = None,
                 in_memory: bool = False):
        """`output`: which of the tool's outputs this is (read.own_output), stamped as a custom document
        property so that a merge recognises the file by content if it lands in an inbox.
        `in_memory`: XlsxWriter assembles the parts in memory rather than in temporary files. For the
        many small books of one run (a feedback file per recommender): creating and removing a dozen
        temporary files per book cost more than writing it. A big book (the master) keeps the files,
        which hold its XML out of memory."""
        self._buffer = io.BytesIO()
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

    def sheet(self, name: str, hidden: bool = False, keep_ids: bool = False):
        ws = self.wb.add_worksheet(name)
        if hidden:
            ws.hide()
        if keep_ids:
            self._keep_ids.add(ws.name)
        return ws

    def write(self, ws, row: int, col: int, value, fmt=None) -> None:
        if ws.name not in self._keep_ids:
            value = mask_value(value)
        if isinstance(value, str) and value.startswith(_RISKY) and (fmt is None or id(fmt) in self._props):
            fmt = self._quoted(fmt)
        if value is None or value == "":
            if fmt is not None:
                ws.write_blank(row, col, None, fmt)
        elif isinstance(value, str):
            ws.write_string(row, col, fit_cell(value), fmt)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt)
        elif isinstance(value, int | float):
            ws.write_number(row, col, value, fmt)
        elif isinstance(value, dt.date):
            if not getattr(fmt, "num_format", None):  # a date needs a date format to show as one
                fmt = self.fmt(num_format=_DATE, valign="top")
            ws.write_datetime(row, col, value if isinstance(value, dt.datetime) else
                              dt.datetime.combine(value, dt.time()), fmt)
        else:
            ws.write_string(row, col, str(value), fmt)

    def merge(self, ws, first_row: int, first_col: int, last_row: int, last_col: int, value, fmt) -> None:
        ws.merge_range(first_row, first_col, last_row, last_col, "", fmt)
        self.write(ws, first_row, first_col, value, fmt)

    def table(self, ws, name: str, headers: list[str], rows: list[list], *, formats: list[str | None] | None = None,
              widths: list[float] | None = None, first_row: int = 0, style: str = "Table Style Light 9",
              freeze: bool = True, wrap=(), align: dict[int, str] | None = None) -> int:
        """An Excel Table with filters over `rows`; returns the row after it. Columns whose index is in
        `wrap` (or the first `wrap` columns, given a number) wrap their text; `align` gives a column's
        horizontal alignment, the same for its header, so that numbers stand under their headers."""
        wrap = set(range(wrap)) if isinstance(wrap, int) else set(wrap)
        align = align or {}
        cols = [self.fmt(valign="top", **({"num_format": f} if f else {}), **({"text_wrap": True} if c in wrap else {}),
                         **({"align": align[c]} if c in align else {}))
                for c, f in enumerate(formats or [None] * len(headers))]
        for r, values in enumerate(rows, start=first_row + 1):
            for c, value in enumerate(values):
                self.write(ws, r, c, value, cols[c])
        last = first_row + max(len(rows), 1)
        ws.add_table(first_row, 0, last, len(headers) - 1, {
            "name": name, "style": style, "autofilter": True,
            "columns": [{"header": h, "header_format": self.fmt(bold=True, text_wrap=True, valign="vcenter",
                                                                **({"align": align[c]} if c in align else {}))}
                        for c, h in enumerate(headers)]})
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
        if freeze:
            ws.freeze_panes(first_row + 1, 0)
        return last + 1

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
        """Close and write atomically; `transform` may change the package bytes first (pivot tables)."""
        from xlsxwriter.exceptions import FileCreateError

        try:
            self.wb.close()
        except (FileCreateError, OSError) as exc:  # XlsxWriter's temporary files: a full disk, a file-size limit
            from macros_py.write.outputs import write_failure

            inner = exc.args[0] if isinstance(exc, FileCreateError) and exc.args else exc
            if not isinstance(inner, OSError):
                raise
            self.wb.fileclosed = True   # XlsxWriter would try to close it again when collected
            raise write_failure(path, inner) from None
        data = self._buffer.getvalue()
        write_atomic(path, transform(data) if transform else data)
        return Path(path)
