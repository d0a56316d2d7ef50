"""What python-calamine does not say about an .xlsx: hidden rows and struck-through cells.

A clerk withdraws a project by hiding its row or striking it through (Ctrl+5) rather than deleting it;
both are in the package's XML only: `<row r="7" hidden="1">` (or a row of no height, `ht="0"`) in
the sheet, and a cell style (`s`) whose font has `<strike/>` in styles.xml, or a text struck through
while the cell was edited (rich text runs with `<strike/>`, in sharedStrings.xml or inline). They are read here with the standard library, from the
same zip the safety check has already measured (its declared sizes are within the limits), so no
second workbook parser is loaded. An .xls has its flags read by read.flags_xls, an .ods by
read.flags_ods; every reader gives the same SheetFlags per sheet name (get) and has close().
"""

from __future__ import annotations

import bisect
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from macros_py.read.extent import EXCEL_COLS

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)/?>")
_ATTR = re.compile(rb'\b(r|s|t|hidden|ht)="([^"]*)"')
# A cell with its content: a shared string's index (<v>) or an inline rich string (<is>).
_CELL_BODY = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_V = re.compile(rb"<(?:\w+:)?v>\s*(\d+)\s*</(?:\w+:)?v>")
_REF = re.compile(r"^([A-Z]+)(\d+)$")


class RowSpans:
    """A set of 0-based rows kept as spans: a block of a million hidden rows (one repeated row of an
    .ods) is one entry, never a million."""

    def __init__(self, rows=()):
        self._spans: list[list[int]] = []      # [start, stop), merged and sorted on first look-up
        self._starts: list[int] | None = []
        for row in rows:
            self.add(row)

    def add(self, row: int, count: int = 1) -> None:
        if count <= 0:
            return
        spans = self._spans
        if spans and self._starts is not None and spans[-1][1] == row:
            spans[-1][1] = row + count
            return
        if spans and spans[-1][0] > row:
            self._starts = None                # out of order: sorted again when looked up
        elif self._starts is not None:
            self._starts.append(row)
        spans.append([row, row + count])

    def _sorted(self) -> list[int]:
        if self._starts is None:
            merged: list[list[int]] = []
            for start, stop in sorted(self._spans):
                if merged and start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], stop)
                else:
                    merged.append([start, stop])
            self._spans, self._starts = merged, [s for s, _ in merged]
        return self._starts

    def __contains__(self, row) -> bool:
        starts = self._sorted()
        i = bisect.bisect_right(starts, row) - 1
        return i >= 0 and row < self._spans[i][1]

    def __bool__(self) -> bool:
        return bool(self._spans)

    def __len__(self) -> int:
        self._sorted()
        return sum(stop - start for start, stop in self._spans)

    def __iter__(self):
        self._sorted()
        for start, stop in self._spans:
            yield from range(start, stop)

    @property
    def spans(self) -> list[tuple[int, int]]:
        """The (start, stop) spans, merged."""
        self._sorted()
        return [(start, stop) for start, stop in self._spans]


@dataclass
class SheetFlags:
    hidden_rows: RowSpans = field(default_factory=RowSpans)     # 0-based rows
    struck: set[tuple[int, int]] = field(default_factory=set)   # 0-based (row, col) with a struck font
    filtered: tuple[int, int] | None = None   # 0-based rows (first, last) under an active AutoFilter
    hidden_cols: RowSpans = field(default_factory=RowSpans)     # 0-based columns


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _truthy(value: bytes) -> bool:
    return value.strip().lower() in (b"1", b"true")


def _struck_styles(read) -> set[int]:
    """Indices of cellXfs whose font is struck through. read: part name -> its bytes (KeyError if none)."""
    try:
        root = ElementTree.fromstring(read("xl/styles.xml"))
    except (KeyError, ElementTree.ParseError):
        return set()
    fonts = root.find(f"{_NS_MAIN}fonts")
    struck_fonts = set()
    for i, font in enumerate(fonts if fonts is not None else ()):
        strike = font.find(f"{_NS_MAIN}strike")
        if strike is not None and strike.get("val", "1").lower() not in ("0", "false"):
            struck_fonts.add(i)
    xfs = root.find(f"{_NS_MAIN}cellXfs")
    out = set()
    for i, xf in enumerate(xfs if xfs is not None else ()):
        try:
            if int(xf.get("fontId", "0")) in struck_fonts:
                out.add(i)
        except ValueError:
            continue
    return out


def _all_struck(item) -> bool:
    """A string item (<si> or <is>) whose every run with text is struck through: the clerk struck
    the text while editing the cell (rich text), not the cell's font."""
    runs = item.findall(f"{_NS_MAIN}r")
    plain = item.find(f"{_NS_MAIN}t")
    if not runs or (plain is not None and (plain.text or "").strip()):
        return False
    seen = False
    for run in runs:
        text = "".join(t.text or "" for t in run.iter(f"{_NS_MAIN}t"))
        if not text.strip():
            continue
        seen = True
        props = run.find(f"{_NS_MAIN}rPr")
        strike = props.find(f"{_NS_MAIN}strike") if props is not None else None
        if strike is None or strike.get("val", "1").lower() in ("0", "false"):
            return False
    return seen


def _struck_strings(read) -> set[int]:
    """Indices of the shared strings that are struck through as a whole (rich text runs)."""
    try:
        data = read("xl/sharedStrings.xml")
    except KeyError:
        return set()
    if b"strike" not in data:
        return set()
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return set()
    return {i for i, item in enumerate(root.iter(f"{_NS_MAIN}si")) if _all_struck(item)}


_PICTURE = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?pic[\s>]")   # a picture of a drawing (xdr:pic)


_HEADER_FOOTER = re.compile(rb"<(?:\w+:)?headerFooter\b.*?</(?:\w+:)?headerFooter>", re.S)
# Excel's codes in a page header: &L &C &R (a section: a new line), &"font,style", &12 (a size), &P &N &D
# &T &F &A &Z &G (fields), &B &I &U &E &S &X &Y &K…, and && for an ampersand
_SECTION = re.compile(r"&[LCR]")
_CODE = re.compile(r'&"[^"]*"|&\d+|&K[0-9A-Fa-f]{6}|&[PNDTFAZGBIUESXYHO]')
_NS_DRAW = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def _page_codes(text: str) -> str:
    text = text.replace("&&", "\0")
    return _CODE.sub("", _SECTION.sub("\n", text)).replace("\0", "&").strip()


def _text_boxes(xml: bytes) -> list[list[str]]:
    """Each shape's text of a drawing, paragraph by paragraph."""
    root = ElementTree.fromstring(xml)
    boxes = []
    for body in root.iter():
        if not body.tag.endswith("}txBody"):
            continue
        paragraphs = ["".join(t.text or "" for t in p.iter(f"{_NS_DRAW}t")) for p in body.iter(f"{_NS_DRAW}p")]
        if any(p.strip() for p in paragraphs):
            boxes.append(paragraphs)
    return boxes


def _sheet_paths(read) -> dict[str, str]:
    """Worksheet name -> its part in the package."""
    try:
        book = ElementTree.fromstring(read("xl/workbook.xml"))
        rels = ElementTree.fromstring(read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    out = {}
    sheets = book.find(f"{_NS_MAIN}sheets")
    for sheet in sheets if sheets is not None else ():
        target = targets.get(sheet.get(f"{_NS_REL}id"))
        if target:
            out[sheet.get("name", "")] = _target("xl", target)
    return out


def _target(folder: str, target: str) -> str:
    """A relationship's target as a part name: absolute, or relative to the part's folder."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))


# What a part that cannot be read raises: the sheet is then taken as it shows in its cells
_UNREADABLE = (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError)


def _strike(flags: SheetFlags, attrs: dict[bytes, bytes]) -> None:
    """The cell of these tag attributes (its r=) is struck through."""
    ref = _REF.match(attrs.get(b"r", b"").decode("ascii", "replace"))
    if ref:
        flags.struck.add((int(ref.group(2)) - 1, _col_index(ref.group(1))))


def _zero_height(value: bytes | None) -> bool:
    try:
        return value is not None and float(value) == 0
    except ValueError:
        return False


# A row tag that may hide its row: one with a hidden= attribute, or with an ht= that is not plainly a
# height of 1 point or more (ht="0", "0.0", "1e-400" all read as no height). A sheet with none (most
# sheets: their rows have custom heights such as ht="30", and "hidden" or ht="0" is written only for
# a column or the page setup) has no hidden row, and its rows are not tokenised one by one. The test
# matches wherever a tag _ROW reads would (from its "row"), and more.
_MAY_HIDE = re.compile(rb'row\b[^>]*?\b(?:hidden="|ht="(?![1-9][0-9]*(?:\.[0-9]+)?"))')


def _scan(xml: bytes, struck_styles: set[int], struck_strings: frozenset[int] = frozenset(),
          strike: bool | None = None) -> SheetFlags:
    """strike: whether the XML holds the word (as the caller found), else looked for here."""
    flags = SheetFlags()
    for match in _ROW.finditer(xml) if _MAY_HIDE.search(xml) else ():
        attrs = dict(_ATTR.findall(match.group(1)))
        # hidden="1", or a row dragged to no height at all (ht="0"): either way the clerk cannot see it
        if ((b"hidden" in attrs and _truthy(attrs[b"hidden"])) or _zero_height(attrs.get(b"ht"))) \
                and attrs.get(b"r", b"").isdigit():
            flags.hidden_rows.add(int(attrs[b"r"]) - 1)
    if struck_strings or (b"strike" in xml if strike is None else strike):
        _scan_rich(xml, struck_strings, flags)
    if flags.hidden_rows and b"autoFilter" in xml:
        flags.filtered = _filter_rows(xml)
    wanted = {str(i).encode() for i in struck_styles}
    # A cell of a struck style has s="N" written in its tag: a sheet with no such text has none.
    if wanted and any(b's="' + n + b'"' in xml for n in wanted):
        for match in _CELL.finditer(xml):
            attrs = dict(_ATTR.findall(match.group(1)))
            if attrs.get(b"s") in wanted:
                _strike(flags, attrs)
    return flags


_FILTER = re.compile(rb'<(?:\w+:)?autoFilter\b[^>]*\bref="[A-Z]+(\d+):[A-Z]+(\d+)"[^>]*>(.*?)</(?:\w+:)?autoFilter>',
                     re.S)


def _filter_rows(xml: bytes) -> tuple[int, int] | None:
    """The data rows of an AutoFilter that filters something (a filterColumn): rows hidden there were
    hidden by the filter, not by the clerk."""
    match = _FILTER.search(xml)
    if match is None or b"filterColumn" not in match.group(3):
        return None
    return int(match.group(1)), int(match.group(2)) - 1     # below the filter's header row, 0-based


def _scan_rich(xml: bytes, struck_strings: frozenset[int], flags: SheetFlags) -> None:
    """Cells whose text is struck through as rich text: a shared string of `struck_strings`, or an
    inline string (<is>) whose runs are all struck."""
    for match in _CELL_BODY.finditer(xml):
        body = match.group(2)
        if not body:
            continue
        attrs = dict(_ATTR.findall(match.group(1)))
        kind = attrs.get(b"t")
        struck = False
        if kind == b"s" and struck_strings:
            v = _V.search(body)
            struck = v is not None and int(v.group(1)) in struck_strings
        elif kind == b"inlineStr" and b"strike" in body:
            start = body.find(b"<")
            try:
                item = ElementTree.fromstring(body[start:].replace(b"<is>", f"<is xmlns=\"{_NS_MAIN[1:-1]}\">".encode(), 1)
                                              if b"xmlns" not in body else body[start:])
            except ElementTree.ParseError:
                continue
            struck = _all_struck(item)
        if struck:
            _strike(flags, attrs)


_COL = re.compile(rb"<(?:\w+:)?col\b([^>]*?)/?>")
_COL_ATTR = re.compile(rb'\b(min|max|hidden)="([^"]*)"')
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData\b")


def hidden_columns(xml: bytes) -> RowSpans:
    """The columns a sheet hides (<cols><col min max hidden="1"/>, written before its cells)."""
    spans = RowSpans()
    data = _SHEET_DATA.search(xml)
    head = xml[:data.start()] if data else xml
    if b"hidden" not in head:
        return spans
    for match in _COL.finditer(head):
        attrs = dict(_COL_ATTR.findall(match.group(1)))
        if _truthy(attrs.get(b"hidden", b"")):
            try:
                first, last = int(attrs[b"min"]), int(attrs.get(b"max", attrs[b"min"]))
            except (KeyError, ValueError):
                continue
            first, last = max(first, 1), min(last, EXCEL_COLS)
            spans.add(first - 1, last - first + 1)
    return spans



class CellsOnly:
    """A format whose drawings and page setup are not read (.xls: an Escher stream; .ods: frames in
    content.xml): no picture, no text printed outside the cells."""

    @staticmethod
    def page_texts(name: str) -> list[tuple[str, str]]:
        return []

    @staticmethod
    def pictures(name: str) -> int:
        return 0


class FlagReader:
    """Hidden rows and struck cells of one .xlsx, read sheet by sheet on demand (Grid.hidden_rows):
    the package stays open until close(). Any part it cannot read gives no flags: the sheet is then
    taken as shown."""

    def __init__(self, path, xml: dict[str, bytes] | None = None, names: frozenset[str] | None = None):
        """xml: parts already inflated by the safety check (the sheets it measured, the workbook, its
        relationships, the style sheet, the shared strings), read from here, not again: the package is
        opened only for a part not among them. names: every part of the package, when known (a part
        not among them is looked for nowhere)."""
        self.path = path
        self._xml = xml or {}
        self._names = names
        self._zf: zipfile.ZipFile | None = None
        self._paths: dict[str, str] | None = None
        self._struck: set[int] = set()
        self._strings: frozenset[int] = frozenset()

    def _part(self, part: str) -> bytes:
        """A part's bytes, from those given or from the package (KeyError when it has none)."""
        data = self._xml.get(part)
        if data is not None:
            return data
        if self._names is not None and part not in self._names:
            raise KeyError(part)
        if self._zf is None:
            self._zf = zipfile.ZipFile(self.path)
        return self._zf.read(part)

    def _open(self) -> bool:
        if self._paths is None:
            try:
                self._paths = _sheet_paths(self._part)
                try:
                    styles = self._part("xl/styles.xml")
                except KeyError:
                    styles = b""
                self._struck = _struck_styles(self._part) if b"strike" in styles else set()
                self._strings = frozenset(_struck_strings(self._part))
            except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, KeyError):
                self._paths = {}
        return bool(self._paths)

    def get(self, name: str) -> SheetFlags:
        if not self._open() or name not in self._paths:
            return SheetFlags()
        try:
            xml = self._part(self._paths[name])
        except (KeyError, zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError):
            return SheetFlags()
        strike = b"strike" in xml
        cols = hidden_columns(xml)
        if not (self._struck or self._strings or strike or _MAY_HIDE.search(xml)):
            return SheetFlags(hidden_cols=cols)
        flags = _scan(xml, self._struck, self._strings, strike)
        flags.hidden_cols = cols
        return flags

    def _drawings(self, part: str) -> list[bytes]:
        """The XML of each drawing of a sheet's part (none without a relationships part)."""
        folder, _, base = part.rpartition("/")
        try:
            rels = ElementTree.fromstring(self._part(f"{folder}/_rels/{base}.rels"))
        except KeyError:
            return []
        return [self._part(_target(folder, rel.get("Target", ""))) for rel in rels.iter(f"{_NS_PKG}Relationship")
                if rel.get("Type", "").endswith("/drawing") and rel.get("TargetMode") != "External"]

    def pictures(self, name: str) -> int:
        """How many pictures the sheet's drawing holds (a table pasted as a screenshot); 0 when it has
        none, or when they cannot be read."""
        if not self._open() or name not in self._paths:
            return 0
        try:
            return sum(len(_PICTURE.findall(xml)) for xml in self._drawings(self._paths[name]))
        except _UNREADABLE:
            return 0

    def page_texts(self, name: str) -> list[tuple[str, str]]:
        """What the sheet prints outside its cells, as (where, text): its page header and footer
        (页眉, 页脚: Excel's &-codes taken out, each section a line) and its text boxes (文本框, each
        paragraph a line). Where a clerk sometimes puts the 推荐单位 line."""
        if not self._open() or name not in self._paths:
            return []
        out = []
        try:
            part = self._paths[name]
            block = _HEADER_FOOTER.search(self._part(part))
            if block is not None:
                for item in ElementTree.fromstring(block.group(0)):
                    text = _page_codes(item.text or "")
                    if text.strip():
                        out.append(("页眉" if item.tag.endswith("Header") else "页脚", text))
            out += [("文本框", "\n".join(paragraphs)) for xml in self._drawings(part) for paragraphs in _text_boxes(xml)]
        except _UNREADABLE:
            return out
        return out

    def close(self) -> None:
        if self._zf is not None:
            self._zf.close()
            self._zf = None


def read_flags(path) -> dict[str, SheetFlags]:
    """Worksheet name -> its hidden rows and struck cells, for every sheet that has any."""
    reader = FlagReader(path)
    try:
        if not reader._open():
            return {}
        out = {}
        for name in reader._paths:
            flags = reader.get(name)
            if flags.hidden_rows or flags.struck:
                out[name] = flags
        return out
    finally:
        reader.close()
