"""How large a sheet really is, found the way a spreadsheet parser sees its cells, before one builds it.

python-calamine allocates a sheet densely (rows x columns between the first and the last cell), and
a failed allocation aborts the whole process. So each sheet is measured here first, streaming, in
bounded memory, with the same rules the parser follows:

- .xlsx/.xlsm: the sheet XML through expat (a real XML parser: any quoting, any whitespace, any
  prefix). A cell's position is its r= reference; a cell without one follows the previous cell, a row
  without r= follows the previous row. <dimension> is only what the file claims and is not trusted.
- .ods: content.xml through expat, multiplying table:number-rows-repeated and
  table:number-columns-repeated the way the reader expands them (trailing empty repeats, which
  LibreOffice writes to the sheet's end, are not expanded by the reader and are not counted).
- .xls/.et: the BIFF records of the Workbook stream (olefile opens the compound file); every cell
  record carries its row and column.

Each scan raises UnusableFileError (Chinese reason) as soon as a limit is passed; nothing is built.
Entity declarations in a sheet are refused (no legitimate workbook has one).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from operator import itemgetter
from xml.parsers import expat

from macros_py.model.errors import UnusableFileError

EXCEL_ROWS, EXCEL_COLS = 1_048_576, 16_384
_CHUNK = 1 << 16
_REF = re.compile(r"\s*([A-Za-z]*)(\d*)\s*$")


@dataclass
class Extent:
    """What one sheet holds: its last row and column (1-based, from A1) and how many cells it has."""

    rows: int = 0
    cols: int = 0
    cells: int = 0

    @property
    def area(self) -> int:
        return self.rows * self.cols


def _too_large(where: str, ext: Extent, limits) -> UnusableFileError:
    return UnusableFileError(
        f"工作表（{where}）的范围有 {ext.rows} 行、{ext.cols} 列（{ext.cells} 个单元格），超过上限"
        f"（{limits.max_rows} 行、{limits.max_cells} 个单元格的范围），不像正常的申报工作簿，已停止读取。"
        "请删除多余的行和列后重新报送。")


def _out_of_sheet(where: str, what: str) -> UnusableFileError:
    return UnusableFileError(f"工作表（{where}）中有单元格地址“{what[:40]}”超出 Excel 的范围"
                             f"（最多 {EXCEL_ROWS} 行、{EXCEL_COLS} 列），文件已损坏或被改动，已停止读取。")


def _check(where: str, ext: Extent, limits) -> None:
    if ext.rows > limits.max_rows or ext.area > limits.max_cells or ext.cells > limits.max_cell_count:
        raise _too_large(where, ext, limits)


def check_sheet_count(count: int, limits) -> None:
    if count > limits.max_sheets:
        raise UnusableFileError(f"工作簿有超过 {limits.max_sheets} 个工作表，不像正常的申报工作簿，已停止读取。"
                                "请删除多余的工作表后重新报送。")


def check_book(extents, limits) -> None:
    """The per-sheet limits applied to the workbook as a whole, sheet after sheet as they are measured
    (so that a scan stops at the sheet that passes them): no more sheets than max_sheets, and all of
    them together no larger than one sheet may be. Else a thousand sheets, each within the limits,
    would build a thousand times a sheet's worth."""
    cells = area = 0
    for n, ext in enumerate(extents, start=1):
        check_sheet_count(n, limits)
        cells, area = cells + ext.cells, area + ext.area
        if area > limits.max_cells or cells > limits.max_cell_count:
            raise UnusableFileError(
                f"工作簿前 {n} 个工作表合计已有 {cells} 个单元格（{area} 个单元格的范围），超过整个工作簿的上限"
                f"（{limits.max_cell_count} 个单元格、{limits.max_cells} 个单元格的范围），不像正常的申报工作簿，"
                "已停止读取。请删除多余的工作表、行和列后重新报送。")


def _entity(*_args) -> None:
    raise UnusableFileError("工作簿的 XML 中声明了实体（DTD），不是 Excel 或 WPS 保存的工作簿，已停止读取。")


def xml_parser() -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _entity
    parser.UnparsedEntityDeclHandler = _entity
    parser.ExternalEntityRefHandler = lambda *a: 0
    return parser


def stream_parse(zf: zipfile.ZipFile, part: str, parser, after_chunk=None) -> None:
    """Feed a part to an expat parser in chunks (bounded memory); after_chunk() runs after each."""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            parser.Parse(chunk, not chunk)
            if not chunk:
                break
            if after_chunk is not None:
                after_chunk()


def _feed(zf: zipfile.ZipFile, part: str, parser, after_chunk) -> None:
    try:
        stream_parse(zf, part, parser, after_chunk)
    except expat.ExpatError:
        raise UnusableFileError(f"文件已损坏（{part} 不是完整的 XML），请重新保存后报送。") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
        raise UnusableFileError("文件已损坏（工作表数据不完整），请重新保存后报送。") from None


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
        if n > EXCEL_COLS:
            return EXCEL_COLS + 1
    return n


class _Cells:
    """Where the parser puts each cell: its r= reference, or the next column (and row) without one."""

    def __init__(self, where: str):
        self.where, self.ext, self.row, self.col = where, Extent(), 0, 0

    def cell(self, ref: str | None) -> None:
        if ref is None:
            self.col += 1
            self.row = self.row or 1
        else:
            m = _REF.match(ref)
            if m is None or (not m.group(1) and not m.group(2)):
                raise _out_of_sheet(self.where, ref)
            self.col = _col_number(m.group(1)) if m.group(1) else self.col + 1
            if m.group(2):
                self.row = int(m.group(2)[:8])
        if not (1 <= self.col <= EXCEL_COLS and 1 <= self.row <= EXCEL_ROWS):
            raise _out_of_sheet(self.where, ref or f"第 {self.row} 行第 {self.col} 列")
        ext = self.ext
        ext.cells += 1
        if self.row > ext.rows:
            ext.rows = self.row
        if self.col > ext.cols:
            ext.cols = self.col

    def new_row(self, ref: str | None) -> None:
        try:
            self.row = int(ref) if ref is not None else self.row + 1
        except ValueError:
            raise _out_of_sheet(self.where, ref) from None
        if not 1 <= self.row <= EXCEL_ROWS:
            raise _out_of_sheet(self.where, str(ref))
        self.col = 0


# The fast way, for a sheet as Excel, WPS and openpyxl write it (no comment, CDATA, DTD or processing
# instruction; attribute values in double quotes): every start tag of c and row, with any prefix and
# whitespace, and its attributes tokenised from the left. Anything else (a single quote or an odd
# quote in a tag, a reference written with a character entity) goes to expat for the whole sheet.
_FAST_LIMIT = 32 << 20
_START = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(c|row)(?=[\s/>])")
_ATTR = re.compile(rb'([^\s=/>]+)\s*=\s*"([^"]*)"')


# Every unprefixed start tag of c, and any prefixed one (<x:c>), which only the slow way reads.
_ANY_C = re.compile(rb"<c[\s/>]")
_PREFIXED_C = re.compile(rb":c[\s/>]")
# A cell tag as Excel, WPS, openpyxl and XlsxWriter write it: r="B5" first, then attributes in double
# quotes, one space apart, none named r or holding < or > (anything else is read the slower way).
_STD_C = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"(?: [a-qs-z][a-zA-Z]*+="[^"<>]*+")*+ ?/?>')
# In one pass: each unprefixed start tag of c, as (column, row) when it is a standard one, else
# (b"", b"") (as _ANY_C finds it: none of either is inside the other).
_EVERY_C = re.compile(rb'<c(?: r="([A-Z]{1,3})([1-9][0-9]{0,6})"(?: [a-qs-z][a-zA-Z]*+="[^"<>]*+")*+ ?/?>|[\s/>])')


def _no_dtd(data: bytes) -> bool:
    """Whether the prolog (what comes before the root element, the one place a DTD may stand) holds
    no markup declaration. Only a DTD's entities can make a parser see a cell tag the regex does not;
    a comment, CDATA or processing instruction in the body can only make the regex count more cells
    than a parser sees, which errs on the safe side."""
    at = 0
    while (at := data.find(b"<", at)) >= 0:
        kind = data[at + 1:at + 2]
        if kind == b"!":
            return False
        if kind != b"?":
            return True
        at += 2
    return True


def _standard_scan(data: bytes, cells: _Cells) -> bool:
    """The commonest case in a few passes of the regex engine and none of Python per cell: no DTD, and
    every cell's tag a standard one (so each cell's place is its reference and rows do not matter).
    False otherwise, and the sheet is read the slower way."""
    if not _no_dtd(data):
        return False
    found = _EVERY_C.findall(data)       # every start tag of c, a standard one with its reference
    letters = set(map(itemgetter(0), found))
    if b"" in letters or _PREFIXED_C.search(data):
        return False
    if found:
        cols = max(_col_number(c.decode()) for c in letters)
        rows = max(map(int, set(map(itemgetter(1), found))))
        if cols > EXCEL_COLS or rows > EXCEL_ROWS:
            raise _out_of_sheet(cells.where, f"第 {rows} 行第 {cols} 列")
        cells.ext = Extent(rows, cols, len(found))
    return True


def _fast_scan(data: bytes, cells: _Cells, limits) -> bool:
    """False when the sheet holds anything the fast way does not read exactly as a parser does."""
    if _standard_scan(data, cells):
        return True
    # The tokeniser below finds a tag's end by its first ">": a comment, CDATA or processing
    # instruction may hold quotes or ">" that only a parser places.
    if b"<!" in data or data.count(b"<?") > (1 if data.lstrip().startswith(b"<?xml") else 0):
        return False
    find, attrs_of, cell, new_row = data.find, _ATTR.findall, cells.cell, cells.new_row
    for n, m in enumerate(_START.finditer(data)):
        end = find(b">", m.end())
        if end < 0:
            return False
        seg = data[m.end():end]
        ref = None
        if b"'" in seg or seg.count(b'"') % 2 or b"&" in seg:
            return False       # a ">" may be inside a value: only a parser knows where the tag ends
        if b"r" in seg:
            refs = [value for key, value in attrs_of(seg) if key == b"r"]
            if len(refs) > 1:
                return False   # not well-formed: the parser says so
            if refs:
                ref = refs[0].decode("ascii", "replace")
        if m.group(1) == b"c":
            cell(ref)
        else:
            new_row(ref)
        if n & 4095 == 4095:
            _check(cells.where, cells.ext, limits)
    return True


KEEP_LIMIT = 8 << 20


def cell_counter(cells: _Cells):
    """An expat parser that counts a sheet's <row> and <c> elements into `cells`, whatever their
    prefix and quoting: the slow path, and the measure the fast one is held to."""
    def start(name: str, attrs: dict) -> None:
        local = name.rpartition(":")[2]
        if local == "c":
            cells.cell(attrs.get("r"))
        elif local == "row":
            cells.new_row(attrs.get("r"))

    parser = xml_parser()
    parser.StartElementHandler = start
    return parser


def xlsx_sheet_extent(zf: zipfile.ZipFile, part: str, limits, keep: dict[str, bytes] | None = None) -> Extent:
    """One worksheet part's true extent, stopping as soon as a limit is passed. `keep`: where a part's
    XML (of up to 8 MB) is left for the flags reader once measured, so that it is inflated once."""
    where = part.rsplit("/", 1)[-1]
    cells = _Cells(where)
    if zf.getinfo(part).file_size <= _FAST_LIMIT:
        try:
            data = zf.read(part)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
            raise UnusableFileError("文件已损坏（工作表数据不完整），请重新保存后报送。") from None
        if _fast_scan(data, cells, limits):
            _check(where, cells.ext, limits)
            if keep is not None and len(data) <= KEEP_LIMIT:
                keep[part] = data
            return cells.ext
        cells = _Cells(where)
    parser = cell_counter(cells)
    _feed(zf, part, parser, lambda: _check(where, cells.ext, limits))
    _check(where, cells.ext, limits)
    return cells.ext


_ODS_VALUE_ATTRS = ("office:value-type", "table:formula", "calcext:value-type")


def ods_extents(zf: zipfile.ZipFile, limits, part: str = "content.xml") -> list[Extent]:
    """Stream content.xml: each table's extent with repeated rows and columns multiplied out."""
    extents: list[Extent] = []
    st = {"table": None, "row_repeat": 1, "col": 0, "row_last": 0, "cell_repeat": 1, "cell_full": False,
          "in_cell": 0, "row": 0, "name": ""}

    def repeat(attrs, key) -> int:
        try:
            return max(1, int(attrs.get(key, "1")))
        except ValueError:
            return 1

    def start(name: str, attrs: dict) -> None:
        if st["in_cell"]:
            st["in_cell"] += 1
            st["cell_full"] = True          # a paragraph (text:p) or anything else inside the cell
            return
        if name == "table:table":
            st["table"] = Extent()
            st["row"], st["name"] = 0, attrs.get("table:name", "")
            extents.append(st["table"])
        elif name == "table:table-row" and st["table"] is not None:
            st["row_repeat"], st["col"], st["row_last"] = repeat(attrs, "table:number-rows-repeated"), 0, 0
        elif name in ("table:table-cell", "table:covered-table-cell") and st["table"] is not None:
            st["cell_repeat"] = repeat(attrs, "table:number-columns-repeated")
            st["cell_full"] = any(a in attrs for a in _ODS_VALUE_ATTRS)
            st["in_cell"] = 1

    def end(name: str) -> None:
        if st["in_cell"]:
            st["in_cell"] -= 1
            if st["in_cell"]:
                return
            st["col"] += st["cell_repeat"]
            if st["cell_full"]:
                st["row_last"] = st["col"]
                st["table"].cells += st["cell_repeat"] * st["row_repeat"]
            return
        if name == "table:table-row" and st["table"] is not None:
            ext = st["table"]
            st["row"] += st["row_repeat"]
            if st["row_last"]:
                ext.rows = st["row"]
                ext.cols = max(ext.cols, st["row_last"])
                _check(f"“{st['name'][:40]}”", ext, limits)
        elif name == "table:table":
            st["table"] = None

    parser = xml_parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end

    def after_chunk() -> None:
        if st["table"] is not None:
            _check(f"“{st['name'][:40]}”", st["table"], limits)

    _feed(zf, part, parser, after_chunk)
    return extents


# BIFF cell records, each starting with its row and column (u16, u16): BIFF8's FORMULA, RSTRING,
# LABELSST, BLANK, NUMBER, LABEL, BOOLERR, RK, and BIFF2's BLANK, INTEGER, NUMBER, LABEL, BOOLERR.
_BIFF_CELLS = {0x0006, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x0001, 0x0002, 0x0003,
               0x0004, 0x0005}
_BIFF_MULTI = {0x00BD, 0x00BE}   # MULRK, MULBLANK: row, first column, ..., last column
_BIFF_BOF = {0x0809, 0x0409, 0x0209, 0x0009}
_EOF = 0x000A
_SST, _CONTINUE = 0x00FC, 0x003C


def biff_records(data: bytes, start: int = 0):
    """Every BIFF record of a Workbook stream from `start`: (offset, type, body offset, body size). A
    record cut short by the stream's end is still given (its body then runs past len(data))."""
    pos, end, unpack = start, len(data), struct.unpack_from
    while pos + 4 <= end:
        rtype, size = unpack("<HH", data, pos)
        yield pos, rtype, pos + 4, size
        pos += 4 + size


def xls_extents(data: bytes, limits) -> list[Extent]:
    """Walk the BIFF records of a Workbook stream: each substream's extent from its cell records."""
    extents: list[Extent] = []
    stack: list[Extent] = []
    end = len(data)
    strings, in_sst = 0, False
    for _, rtype, body, size in biff_records(data):
        # The shared strings: an SST record and the CONTINUE records right after it, capped as in .xlsx.
        in_sst = rtype == _SST or (in_sst and rtype == _CONTINUE)
        if in_sst:
            strings += size
            if strings > limits.max_strings_bytes:
                raise UnusableFileError(f"文件中的共享文本超过 {limits.max_strings_bytes // 1048576} MB 的上限，"
                                        "不像正常的申报工作簿，已停止读取。")
        if rtype in _BIFF_BOF:
            stack.append(Extent())
            extents.append(stack[-1])
            continue
        if rtype == _EOF:
            if stack:
                stack.pop()
            continue
        if not stack or size < 4 or body + size > end:
            continue
        ext = stack[-1]
        if rtype in _BIFF_CELLS:
            row, col = struct.unpack_from("<HH", data, body)
            last = col
            ext.cells += 1
        elif rtype in _BIFF_MULTI and size >= 6:
            row, col = struct.unpack_from("<HH", data, body)
            (last,) = struct.unpack_from("<H", data, body + size - 2)
            ext.cells += max(1, last - col + 1)
        else:
            continue
        ext.rows = max(ext.rows, row + 1)
        ext.cols = max(ext.cols, last + 1, col + 1)
        _check(f"第 {len(extents) - 1} 个", ext, limits)
    return extents


def xls_workbook_stream(path, limits) -> bytes:
    """The Workbook (BIFF8) or Book (BIFF5) stream of an .xls compound file, read within the limit."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            for name in ("Workbook", "Book"):
                if ole.exists(name):
                    if ole.get_size(name) > limits.max_part_bytes:
                        raise UnusableFileError(f"工作簿数据超过 {limits.max_part_bytes // 1048576} MB，"
                                                "不像正常的申报工作簿，已停止读取。")
                    return ole.openstream(name).read()
    except UnusableFileError:
        raise
    except Exception:  # olefile's own errors for a broken compound file
        raise UnusableFileError("文件已损坏（.xls 的复合文档结构不完整），请用 Excel 或 WPS 打开后重新保存再报送。") from None
    raise UnusableFileError("这是 Office 复合文档，但其中没有 Excel 工作簿数据。")
