"""What a reader hands to the rules: one submitted file as plain records (DESIGN: data flows one way).

A Record is one data row of one table, keyed by the schema's column keys. `values` holds the inputs
(normalised) and every formula column recomputed by compute.derive; `cells` says where each field
sits in the file, so that every finding can name the cell a clerk must change.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field

LAYOUT_TEMPLATE = "template"   # the project's own workbook, found by its version sheet
LAYOUT_PRINTED = "printed"     # 附件7 / 附件8 / 表4-2 as the notice prints them


@dataclass(slots=True)   # thousands of files' rows are kept at once by a merge
class Record:
    sheet_key: str                       # the schema sheet this row belongs to
    sheet: str                           # the worksheet's actual name
    row: int                             # the Excel row (1-based)
    values: dict = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)   # key -> A1 on `sheet`
    # Columns the template computes but this file typed (printed forms: 表4-2's 合计 row and 合计
    # column, its 比例 cells, 附件8's 工作室规模). Rules compare them with the recomputed values.
    typed: dict = field(default_factory=dict)
    content: str | None = None           # funding: the row's 内容 label (合计 or a policy content)
    head: bool = False                   # funding: the block's 合计 row
    header_row: int | None = None        # the (last) header row of the table it was read from
    derived: dict[str, str] = field(default_factory=dict)   # key -> where a value not typed came from
    # A row the file does not have, made by the reader (a 表4-2 without its 合计 line gets one, computed):
    # never counted as a row read, nor shown as one of the project's rows.
    made: bool = False
    # Values the reader had to interpret (C-VALUE): key -> (message case, params with what was read).
    doubts: dict[str, tuple[str, dict]] = field(default_factory=dict)

    def get(self, key: str, default=None):
        return self.values.get(key, default)

    def cell(self, key: str) -> str | None:
        return self.cells.get(key)


class RowCells(Mapping):
    """A record's `cells` kept compactly once the file is checked, when every field stands on one row:
    the column letters (one dict shared by all rows alike) and that row. Reads like the dict it stands
    for (get, [], in, items); it cannot be changed."""

    __slots__ = ("letters", "row")

    def __init__(self, letters: dict[str, str], row: int):
        self.letters, self.row = letters, row

    def __getitem__(self, key: str) -> str:
        return f"{self.letters[key]}{self.row}"

    def __iter__(self):
        return iter(self.letters)

    def __len__(self) -> int:
        return len(self.letters)

    def __repr__(self) -> str:
        return repr(dict(self))


class RowValues(MutableMapping):
    """A record's `values` kept compactly once the file is checked: the keys (one index, key → position,
    shared by all rows with the same keys) and the values in a tuple — a third of a dict's size, for
    the rows of thousands of files a merge keeps at once. Reads and writes like the dict it stands for;
    a key it did not have gets the row an index of its own."""

    __slots__ = ("_index", "_items")

    def __init__(self, index: dict[str, int], items: tuple):
        self._index, self._items = index, items

    def __getitem__(self, key):
        i = self._index.get(key)
        if i is None:
            raise KeyError(key)
        return self._items[i]

    def get(self, key, default=None):
        i = self._index.get(key)
        return default if i is None else self._items[i]

    def __contains__(self, key) -> bool:
        return key in self._index

    def __setitem__(self, key, value) -> None:
        i = self._index.get(key)
        if i is None:
            self._index = {**self._index, key: len(self._items)}
            self._items = (*self._items, value)
        else:
            self._items = (*self._items[:i], value, *self._items[i + 1:])

    def __delitem__(self, key) -> None:
        if key not in self._index:
            raise KeyError(key)
        kept = [(k, v) for k, v in zip(self._index, self._items, strict=True) if k != key]
        self._index = {k: n for n, (k, _) in enumerate(kept)}
        self._items = tuple(v for _, v in kept)

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __repr__(self) -> str:
        return repr(dict(self))


class PackedRows(Sequence):
    """A sheet's records kept as one compressed blob (pickle, zlib) while a merge holds thousands of
    files, for the sheets only some steps read: it reads like the list it stands for, and each pass
    over it (iteration, index, slice) decodes the records afresh, so that no more than the file being
    read is held decoded. A change to a record a pass gave is not kept: put a changed list back with
    `sub.sheets[key] = rows`."""

    __slots__ = ("_blob", "_len")

    def __init__(self, records: list[Record]):
        self._blob = zlib.compress(pickle.dumps(list(records), protocol=pickle.HIGHEST_PROTOCOL), 1)
        self._len = len(records)

    def rows(self) -> list[Record]:
        """The records, decoded (a new list of new records on every call)."""
        return pickle.loads(zlib.decompress(self._blob))

    def __iter__(self):
        return iter(self.rows())

    def __getitem__(self, index):
        return self.rows()[index]

    def __len__(self) -> int:
        return self._len

    def __reduce__(self):
        return _packed, (self._blob, self._len)

    def __repr__(self) -> str:
        return f"PackedRows({self._len} rows, {len(self._blob)} bytes)"


def _packed(blob: bytes, length: int) -> PackedRows:
    packed = PackedRows.__new__(PackedRows)
    packed._blob, packed._len = blob, length
    return packed


# Why a row under a table's header is not a project (the reconciliation lists it with the reason).
NOT_PROJECT = "非项目行"      # totals, 以下空白, sub-headings, signature lines, the notice's guidance
HIDDEN_ROW = "隐藏行"
FILTERED = "该行被自动筛选隐藏（文件保存时筛选未清除）"   # the reason of a HIDDEN_ROW an AutoFilter hid
HIDDEN_SHEET = "隐藏工作表"
STRUCK = "删除线"
NOTED = "备注撤回"            # a 备注 that says the project is withdrawn (已撤回, 不再申报)
ROWDUP = "C-ROWDUP"          # the second copy of a project in one file
REPLACED = "已被替代"          # rows of a kind a later file of the same recommender replaced (merge/supersede)
WITHDRAWN = (HIDDEN_ROW, HIDDEN_SHEET, STRUCK, NOTED)   # C-HIDDEN: withdrawn or old data
# Where the tier of a base without a 申报档次 cell came from (Record.derived["tier"]).
TIER_FROM_NOTE, TIER_FROM_SUBSIDY = "备注", "表4-2 上级财政补助"


@dataclass
class SkippedRow:
    """A row read under a table's header that is not merged: what it is and why (never silent)."""

    sheet_key: str                       # the schema sheet whose table holds it
    sheet: str                           # the worksheet's actual name
    row: int                             # the Excel row (1-based)
    kind: str                            # NOT_PROJECT, HIDDEN_ROW, HIDDEN_SHEET, STRUCK, NOTED, ROWDUP
    reason: str                          # Chinese: what the row is ("合计行", "签名栏“填表人：张三”")
    cell: str | None = None              # where it is shown (the link column's cell, else the first filled)
    text: str = ""                       # the row's content, shortened, for people to recognise it
    record: Record | None = None         # the row as a project would have been read (hidden, struck, dup)


@dataclass
class Table:
    """Where a schema sheet was found in the file: which worksheet, which header row, which columns."""

    sheet_key: str
    sheet: str                           # the worksheet's actual name
    header_row: int                      # the (last) header row, 1-based
    headers: dict[str, str] = field(default_factory=dict)    # key -> header text as the file shows it
    columns: dict[str, int] = field(default_factory=dict)    # key -> 0-based column index
    anchor: str | None = None            # the A1 cell a table-level finding points at


@dataclass
class Submission:
    path: str
    name: str
    sha256: str
    size: int
    layout: str                          # LAYOUT_TEMPLATE or LAYOUT_PRINTED
    template_version: str | None = None
    template_year: int | None = None
    recommender: str | None = None
    recommender_sheet: str | None = None  # where the recommender is (or should be) written
    recommender_cell: str | None = None
    recommender_place: str | None = None   # 页眉, 页脚 or 文本框: the line printed outside the cells
    # every 推荐单位 line that names someone, above the file's tables and at the top of its sheets:
    # (name, sheet, cell), the one above first; two names that differ are C-RECOMMENDER two_lines
    recommender_lines: list[tuple[str, str, str]] = field(default_factory=list)
    sheets: dict[str, list[Record] | PackedRows] = field(default_factory=dict)
    tables: dict[str, list[Table]] = field(default_factory=dict)  # printed 表4-2: one Table per base
    has_vba: bool = False
    notes: list[str] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)   # rows read and not taken as projects
    hidden_sheets: list[tuple[str, str]] = field(default_factory=list)  # (sheet, 隐藏/深度隐藏) holding tables
    # Hidden columns set aside for a shown one of the same header: (sheet, hidden header's cell, header,
    # the shown header's cell) (read.shown_columns)
    hidden_columns: list[tuple[str, str, str, str]] = field(default_factory=list)
    # Merged ranges of the sheets tables were read from: sheet -> (first row, first col, last row,
    # last col), 1-based. A finding on a covered cell is marked on its range (check.marks).
    merged: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict)
    # Printed layout (read.continued): sheets read as the continuation of the table on the sheet before
    # them, without a header of their own: (sheet, first data cell, the sheet whose header was used);
    # and visible sheets with rows like a table's that no reader took: (sheet, the sheet with a table
    # right before it, or None).
    continued: list[tuple[str, str, str]] = field(default_factory=list)
    unread_sheets: list[tuple[str, str | None]] = field(default_factory=list)
    picture_sheets: list[str] = field(default_factory=list)   # a table pasted as a picture (C-TEMPLATE picture)
    # Cells whose text was longer than the reader reads, cut to `text_limit` characters: (sheet, A1, length).
    long_texts: list[tuple[str, str, int]] = field(default_factory=list)
    text_limit: int = 100_000

    def rows(self, sheet_key: str) -> list[Record] | PackedRows:
        return self.sheets.get(sheet_key, [])

    def pack(self, sheet_keys) -> None:
        """Keep these sheets' records as PackedRows (read a pass at a time, see there)."""
        for key in sheet_keys:
            records = self.sheets.get(key)
            if records and not isinstance(records, PackedRows):
                self.sheets[key] = PackedRows(records)

    def table(self, sheet_key: str) -> Table | None:
        found = self.tables.get(sheet_key)
        return found[0] if found else None

    def header(self, sheet_key: str, key: str) -> str | None:
        """The column's header as this file shows it, if the file has the column."""
        for table in self.tables.get(sheet_key, []):
            if key in table.headers:
                return table.headers[key]
        return None

    def has_column(self, sheet_key: str, key: str) -> bool:
        return any(key in t.columns for t in self.tables.get(sheet_key, []))
