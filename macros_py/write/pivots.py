"""Real PivotTables added to a workbook XlsxWriter has written (XlsxWriter itself refuses pivots).

The parts are openpyxl's pivot model (`openpyxl.pivot.cache`, `.record`, `.table`), serialised with
their own writers (`CacheDefinition._write`, `TableDefinition._write`) into the package, with the
content types (openpyxl's Manifest), the workbook's <pivotCaches> (openpyxl's WorkbookPackage) and
each sheet's relationships (openpyxl's RelationshipList). No XML is assembled from strings.

One cache per source table holds every column of that table (Excel wants one cache field per source
column) and no records (refreshed on open); fields a pivot puts on an axis list their items in the
order the bureau reads them (the policy's region order, tiers A, B, C). Every cache is refreshed when the workbook is
opened, so Excel, WPS and LibreOffice compute the pivot from the sheet, never from a stale copy.
The same input gives the same bytes: no time stamps, items and ids in a fixed order.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field

from openpyxl.packaging.manifest import Manifest
from openpyxl.packaging.relationship import Relationship, RelationshipList, get_rels_path
from openpyxl.packaging.workbook import PivotCache, WorkbookPackage
from openpyxl.pivot.cache import CacheDefinition, CacheField, CacheSource, SharedItems, WorksheetSource
from openpyxl.pivot.fields import DateTimeField as DateItem
from openpyxl.pivot.fields import Index as _Index
from openpyxl.pivot.fields import Missing, Number, Text
from openpyxl.pivot.record import RecordList
from openpyxl.pivot.table import (
    DataField,
    FieldItem,
    Location,
    PivotField,
    PivotTableStyle,
    RowColField,
    RowColItem,
    TableDefinition,
)
from openpyxl.utils.cell import get_column_letter
from openpyxl.xml.functions import fromstring, tostring

from macros_py.model.privacy import mask_value
from macros_py.write.xlsx_cells import legal_text

DATA_CAPTION = "数值"
GRAND_TOTAL = "合计"
STYLE = "PivotStyleLight16"
_DATA_FIELD = -2          # the "Σ values" pseudo field of colFields when a pivot has several data fields
_WORKBOOK = "xl/workbook.xml"
_TYPES = "[Content_Types].xml"


@dataclass
class Value:
    """A pivot's data field: `column` aggregated by `function` ("count" or "sum"), shown as `caption`."""
    column: str
    function: str
    caption: str


@dataclass
class Pivot:
    name: str                    # the pivot table's name, as Excel lists it
    sheet: str                   # the sheet it stands on
    top: int                     # 0-based row and column of its top-left cell
    left: int
    rows: str | None             # header of the field on the rows (None: one line of totals)
    cols: str | None             # header of the field on the columns
    values: list[Value]
    order: dict[str, list] = field(default_factory=dict)   # header → items in display order


@dataclass
class Source:
    """A table on a sheet (header row first, 0-based) that one cache holds, and its pivots.

    Its rows are added as the sheet is written (`add`) and kept only as the cache reads them: the
    values of each field a pivot puts on an axis (its items), and of every other field only what its
    shared items record (_Kinds), so that thousands of rows kept until the package is written cost
    a few bytes each, not their text."""
    sheet: str
    top: int
    headers: list[str]
    pivots: list[Pivot]
    count: int = 0                                   # rows added
    _values: dict = field(init=False, repr=False)    # axis field's column → its values, as written
    _kinds: dict = field(init=False, repr=False)     # every other column → _Kinds of its values

    def __post_init__(self):
        axes = {h for p in self.pivots for h in (p.rows, p.cols) if h}
        self._values = {i: [] for i, h in enumerate(self.headers) if h in axes}
        self._kinds = {i: _Kinds() for i in range(len(self.headers)) if i not in self._values}

    def add(self, row: list) -> list:
        """Keep a row of the table as the cache reads it; returns the row itself, unchanged."""
        for i, values in self._values.items():
            values.append(row[i])
        for i, kinds in self._kinds.items():
            kinds.add(row[i])
        self.count += 1
        return row

    def column(self, header: str) -> list:
        """The values of an axis field, as written on the sheet, in row order."""
        return self._values[self.headers.index(header)]


class _Kinds:
    """What a cache field's shared items record of its values (blank, numbers with their smallest,
    largest and whether all are whole, dates with their first and last, text), gathered a value at a time."""

    __slots__ = ("count", "present", "numbers", "integers", "low", "high", "dates", "first", "last")

    def __init__(self, values=()):
        self.count = self.present = self.numbers = self.dates = 0
        self.integers, self.low, self.high, self.first, self.last = True, None, None, None, None
        for v in values:
            self.add(v)

    def add(self, v) -> None:
        self.count += 1
        if v is None:
            return
        self.present += 1
        if isinstance(v, int | float) and not isinstance(v, bool):
            self.numbers += 1
            self.integers = self.integers and float(v).is_integer()
            # as min() and max() over the list: the first of equal values, NaN where it comes first
            self.low = v if self.low is None or v < self.low else self.low
            self.high = v if self.high is None or v > self.high else self.high
        elif isinstance(v, dt.date):
            self.dates += 1
            d = v if isinstance(v, dt.datetime) else dt.datetime.combine(v, dt.time())
            self.first = d if self.first is None or d < self.first else self.first
            self.last = d if self.last is None or d > self.last else self.last

    @property
    def texts(self) -> int:
        return self.present - self.numbers - self.dates


# ---------------------------------------------------------------- the cache


def _items(values: list, order: list | None) -> list:
    """An axis field's distinct values: the given order first, then the rest as they come."""
    seen = list(dict.fromkeys(v for v in (order or []) if v in values))
    return seen + [v for v in dict.fromkeys(values) if v not in seen]


def _item(value):
    if value is None:
        return Missing()
    if isinstance(value, bool):
        return Text(v=str(value))
    if isinstance(value, int | float):
        return Number(v=value)
    if isinstance(value, dt.date):
        return DateItem(v=value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time()))
    return Text(v=str(value))


def _shared(kinds: _Kinds, enumerated: list | None) -> SharedItems:
    """SharedItems with the type flags Excel checks against the records."""
    numbers, dates, texts = kinds.numbers, kinds.dates, kinds.texts
    flags: dict = {"containsBlank": True} if kinds.present < kinds.count else {}
    if numbers and not texts and not dates:
        flags.update(containsSemiMixedTypes=False, containsString=False, containsNumber=True,
                     minValue=kinds.low, maxValue=kinds.high)
        if kinds.integers:
            flags["containsInteger"] = True
    elif dates and not texts and not numbers:
        flags.update(containsSemiMixedTypes=False, containsNonDate=False, containsDate=True,
                     containsString=False, minDate=kinds.first, maxDate=kinds.last)
    elif (numbers or dates) and texts:
        flags.update(containsMixedTypes=True, containsNumber=bool(numbers), containsDate=bool(dates))
    elif not kinds.present:
        flags.update(containsString=False)
    shared = SharedItems(**flags)
    if enumerated is not None:
        shared._fields = [_item(v) for v in enumerated]
    return shared


def _clean(value):
    """A value as the cache holds it: ID numbers masked as on the sheet, and text XML can carry (openpyxl
    writes control characters raw, which no reader accepts)."""
    value = mask_value(value)
    return legal_text(value) if isinstance(value, str) else value


def _column(source: Source, i: int) -> list:
    """Axis field i of the source as the cache holds it (one column at a time: never a copy of the
    table). The other fields are kept as _Kinds of their values as written: of those the cache keeps
    only the types, which masking and cleaning (text to text) do not change."""
    return [_clean(v) for v in source._values[i]]


def _axes(source: Source) -> dict[str, list]:
    """The items of each field a pivot puts on an axis, in display order."""
    order: dict[str, list] = {}
    for p in source.pivots:
        for axis in (p.rows, p.cols):
            if axis:
                order.setdefault(axis, p.order.get(axis, []))
    return {h: _items(_column(source, i), order[h]) for i, h in enumerate(source.headers) if h in order}


def _cache(source: Source, cache_id: int) -> tuple[CacheDefinition, dict[str, list]]:
    """The cache definition (with an empty records part) and the items of each axis field."""
    items = _axes(source)
    kinds = {i: _Kinds(_column(source, i)) if i in source._values else source._kinds[i]
             for i in range(len(source.headers))}
    fields = [CacheField(name=h, numFmtId=0, sharedItems=_shared(kinds[i], items.get(h)))
              for i, h in enumerate(source.headers)]
    last = source.top + max(source.count, 1)
    ref = f"A{source.top + 1}:{get_column_letter(len(source.headers))}{last + 1}"
    cache = CacheDefinition(
        refreshOnLoad=True, saveData=True, createdVersion=3, refreshedVersion=3, minRefreshableVersion=3,
        recordCount=0, refreshedBy="shenbao",
        cacheSource=CacheSource(type="worksheet", worksheetSource=WorksheetSource(ref=ref, sheet=source.sheet)),
        cacheFields=fields)
    # No copy of the rows: the cache is refreshed from the sheet when the workbook opens (as EPPlus, under
    # ImportExcel, writes its caches), so its records part is empty. A copy would double the master's
    # size, its memory and its writing time, and could only ever be stale.
    cache.records = RecordList(r=[])
    cache._id = cache_id
    return cache, items


# ---------------------------------------------------------------- the pivot table


def _axis_items(n: int) -> list[RowColItem]:
    """rowItems/colItems of one field with n items: each item, then the grand total."""
    return [RowColItem(t="data", x=[_Index(v=i)]) for i in range(n)] + [RowColItem(t="grand", x=[_Index(v=0)])]


def shape(p: Pivot, items: dict[str, list]) -> tuple[int, int]:
    """(rows, columns) of the pivot's output, header lines included, as Excel lays it out (compact)."""
    n_rows = len(items[p.rows]) + 1 if p.rows else 1
    if p.cols:
        n_cols = len(items[p.cols]) + 1
        head = 2
    else:
        n_cols = len(p.values)
        head = 1
    return head + n_rows, 1 + n_cols if p.rows else n_cols


def _table(p: Pivot, source: Source, items: dict[str, list], cache_id: int, table_id: int,
           cache: CacheDefinition) -> TableDefinition:
    headers = source.headers
    axis = {p.rows: "axisRow", p.cols: "axisCol"}
    data_cols = {v.column for v in p.values}
    fields = []
    for h in headers:
        if h in axis and h is not None:
            fields.append(PivotField(axis=axis[h], showAll=False, compact=True, outline=True,
                                     items=[FieldItem(x=i) for i in range(len(items[h]))] + [FieldItem(t="default")]))
        else:
            fields.append(PivotField(dataField=h in data_cols or None, showAll=False))
    n_rows, n_cols = shape(p, items)
    top, left = p.top, p.left
    ref = f"{get_column_letter(left + 1)}{top + 1}:{get_column_letter(left + n_cols)}{top + n_rows}"
    several = len(p.values) > 1
    table = TableDefinition(
        name=p.name, cacheId=cache_id, dataCaption=DATA_CAPTION, updatedVersion=3, minRefreshableVersion=3,
        createdVersion=3, useAutoFormatting=True, itemPrintTitles=True, indent=0, outline=True, outlineData=True,
        applyNumberFormats=False, applyBorderFormats=False, applyFontFormats=False, applyPatternFormats=False,
        applyAlignmentFormats=False, applyWidthHeightFormats=True, dataOnRows=False,
        rowHeaderCaption=p.rows, colHeaderCaption=p.cols, grandTotalCaption=GRAND_TOTAL,
        location=Location(ref=ref, firstHeaderRow=1, firstDataRow=2 if p.cols else 1, firstDataCol=1 if p.rows else 0),
        pivotFields=fields,
        rowFields=[RowColField(x=headers.index(p.rows))] if p.rows else [],
        rowItems=_axis_items(len(items[p.rows])) if p.rows else [RowColItem(t="data")],
        colFields=[RowColField(x=headers.index(p.cols))] if p.cols else
        ([RowColField(x=_DATA_FIELD)] if several else []),
        colItems=_axis_items(len(items[p.cols])) if p.cols else
        [RowColItem(t="data", i=i, x=[_Index(v=i)]) for i in range(len(p.values))],
        dataFields=[DataField(name=v.caption, fld=headers.index(v.column), subtotal=v.function, baseField=0,
                              baseItem=0) for v in p.values],
        pivotTableStyleInfo=PivotTableStyle(name=STYLE, showRowHeaders=True, showColHeaders=True,
                                            showRowStripes=False, showColStripes=False, showLastColumn=True),
    )
    table.cache = cache
    table._id = table_id
    return table


# ---------------------------------------------------------------- into the package


def _sheet_parts(src: zipfile.ZipFile, wb: WorkbookPackage) -> dict[str, str]:
    """Sheet title → its part name in the package."""
    rels = RelationshipList.from_tree(fromstring(src.read(get_rels_path(_WORKBOOK))))
    targets = {r.id: r.Target for r in rels}
    out = {}
    for sheet in wb.sheets:
        target = targets[sheet.id]
        out[sheet.name] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return out


def layout(sources: list[Source]) -> dict[str, tuple[int, int, list]]:
    """Pivot name → (rows, columns, row items) of its output, for the sheet that holds it."""
    out = {}
    for s in sources:
        items = _axes(s)
        for p in s.pivots:
            out[p.name] = (*shape(p, items), items.get(p.rows, []), items.get(p.cols, []))
    return out


def add_pivots(data: bytes, sources: list[Source]) -> bytes:
    """The package `data` with a cache per source and its pivot tables on their sheets."""
    out = io.BytesIO()
    write_pivots(io.BytesIO(data), out, sources)
    return out.getvalue()


def write_pivots(package, out, sources: list[Source]) -> None:
    """add_pivots from one file object to another, part by part: neither package is held whole (the
    master of 5,000 files is tens of MB, its caches' records more)."""
    src = zipfile.ZipFile(package)
    wb_tree = fromstring(src.read(_WORKBOOK))
    wb = WorkbookPackage.from_tree(wb_tree)
    parts = _sheet_parts(src, wb)
    manifest = Manifest.from_tree(fromstring(src.read(_TYPES)))
    with tempfile.TemporaryFile() as spool, zipfile.ZipFile(spool, "w") as new:  # openpyxl's writers write into an archive
        wb_rels = RelationshipList.from_tree(fromstring(src.read(get_rels_path(_WORKBOOK))))
        sheet_rels: dict[str, RelationshipList] = {}
        table_id = 0
        for cache_id, source in enumerate(sources, start=1):
            cache, items = _cache(source, cache_id)
            for p in source.pivots:
                table_id += 1
                table = _table(p, source, items, cache_id, table_id, cache)
                table._write(new, manifest)          # the table, its rels, and the cache with its records once
                part = parts[p.sheet]
                rels_path = get_rels_path(f"/{part}")[1:]
                if part not in sheet_rels:
                    sheet_rels[part] = (RelationshipList.from_tree(fromstring(src.read(rels_path)))
                                        if rels_path in src.namelist() else RelationshipList())
                rel = Relationship(Type=TableDefinition.rel_type, Target=f"../pivotTables/pivotTable{table_id}.xml")
                _append(sheet_rels[part], rel)
            rel = Relationship(Type=CacheDefinition.rel_type, Target=f"pivotCache/pivotCacheDefinition{cache_id}.xml")
            _append(wb_rels, rel)
            wb.pivotCaches.append(PivotCache(cacheId=cache_id, id=rel.id))
        changed = {_WORKBOOK: tostring(wb.to_tree()), get_rels_path(_WORKBOOK): tostring(wb_rels.to_tree())}
        for part, rels in sheet_rels.items():
            changed[get_rels_path(f"/{part}")[1:]] = tostring(rels.to_tree())
        changed[_TYPES] = tostring(manifest.to_tree())
        old = src.namelist()
        added = set(new.namelist())
        names = old + sorted(n for n in {*added, *changed} if n not in old)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for name in names:      # fresh entries: XlsxWriter's own headers do not survive being copied
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16
                if name in changed:
                    dst.writestr(info, changed[name])
                    continue
                with (new if name in added else src).open(name) as part_in, dst.open(info, "w") as part_out:
                    shutil.copyfileobj(part_in, part_out, 1 << 20)


def _append(rels: RelationshipList, rel: Relationship) -> None:
    """Add `rel` with the next free rId (openpyxl's append numbers by position, which may collide)."""
    used = {r.id for r in rels}
    n = len(used) + 1
    while f"rId{n}" in used:
        n += 1
    rel.id = f"rId{n}"
    rels.append(rel)
