"""A file's records made small to keep: the parent holds about 5,000 files' records at once until the
outputs are written, so what every file has alike (keys, A1 addresses, sheet names, short values,
empty dicts, a table's header and column maps) is shared, and each row's cells and values take the
compact forms of model.submission (RowCells, RowValues)."""

from __future__ import annotations

import re
import sys

from macros_py.model.submission import PackedRows, RowCells, RowValues, Submission


class _Empty(dict):
    """The one empty dict the records of every file share for what most rows lack (typed, derived,
    doubts): read-only, so that no rule can fill it for all of them at once."""

    __slots__ = ()

    def _refuse(self, *args, **kwargs):
        raise TypeError("shared empty dict of a kept record")

    __setitem__ = __delitem__ = __ior__ = setdefault = update = pop = popitem = clear = _refuse


_EMPTY = _Empty()
_SHORT = 16   # values up to this length (categories, tiers, 是/否, occupations) are shared between files


def _shared(kind: str, d: dict, cache: dict) -> dict:
    """One dict for all files whose dict of this kind has the same items (a table's headers, columns)."""
    return cache.setdefault((kind, *d.items()), d)


_A1 = re.compile(r"([A-Z]{1,3})([1-9][0-9]*)")


def _cells(cells: dict[str, str], cache: dict):
    """A record's cells as a RowCells when they all stand on one row (as a table's do), else a dict."""
    intern = sys.intern
    letters, row = {}, None
    for k, v in cells.items():
        m = _A1.fullmatch(v)
        if m is None or (row is not None and m.group(2) != row):
            return {intern(k): intern(v) for k, v in cells.items()}
        letters[intern(k)] = intern(m.group(1))
        row = m.group(2)
    return RowCells(_shared("letters", letters, cache), int(row)) if row is not None else _EMPTY


def compact(sub: Submission, cache: dict | None = None) -> None:
    """A file's records as the parent keeps them until the outputs are written (about 5,000 files' worth
    at once): the column keys, the A1 addresses, the sheet names and short values (the same few thousand
    strings in every file) shared through sys.intern instead of one copy per file as they arrive from
    the worker; the empty dicts most rows carry, and the tables' header and column maps and merged ranges
    that most files have alike, shared (`cache`, one per run); each row's cells and values in the compact
    forms of model.submission (RowCells, RowValues) — so that memory grows by less per submission."""
    cache = {} if cache is None else cache
    intern = sys.intern

    def value(v):
        return intern(v) if type(v) is str and len(v) <= _SHORT else v

    for records in sub.sheets.values():
        if isinstance(records, PackedRows):
            continue
        for rec in records:
            rec.sheet_key, rec.sheet = intern(rec.sheet_key), intern(rec.sheet)
            rec.cells = _cells(rec.cells, cache)
            index = _shared("keys", {intern(k): n for n, k in enumerate(rec.values)}, cache)
            rec.values = RowValues(index, tuple(value(v) for v in rec.values.values()))
            for name in ("typed", "derived", "doubts"):
                if not getattr(rec, name):
                    setattr(rec, name, _EMPTY)
    sub.merged = {intern(sheet): cache.setdefault(("merged", *ranges), ranges)
                      for sheet, ranges in sub.merged.items()}
    for tables in sub.tables.values():
        for t in tables:
            t.sheet_key, t.sheet = intern(t.sheet_key), intern(t.sheet)
            t.headers = _shared("headers", {intern(k): intern(v) for k, v in t.headers.items()}, cache)
            t.columns = _shared("columns", {intern(k): v for k, v in t.columns.items()}, cache)
