"""LibreOffice's view of a workbook's pivot tables (DataPilot), through UNO; or a pivot LibreOffice makes.

Run with the system Python that has LibreOffice's `uno` module (/usr/bin/python3), stdlib only:
    python3 lo_pivots.py read FILE
        → JSON {sheet: [{name, source, output, rows, cols, data, cells}]} of every DataPilot table,
          `cells` being the output range's values as LibreOffice computed them.
    python3 lo_pivots.py make FILE OUT.xlsx SPEC.json
        → LibreOffice creates each pivot of SPEC ([{name, source_sheet, source_range, sheet, cell,
          rows, cols, data: [[header, "count"|"sum"]]}]) itself and saves the workbook as .xlsx: the
          reference file our own pivot parts are compared with.
The file is opened read-only (no lock file). LibreOffice is started and stopped by uno_session.open_document.
"""

import json
import os
import sys

import uno
from com.sun.star.sheet.DataPilotFieldOrientation import COLUMN, DATA, ROW
from com.sun.star.sheet.GeneralFunction import COUNT, SUM
from uno_session import open_document, prop


def _range_text(doc, addr):
    sheet = doc.Sheets.getByIndex(addr.Sheet).Name
    return f"{sheet}!R{addr.StartRow + 1}C{addr.StartColumn + 1}:R{addr.EndRow + 1}C{addr.EndColumn + 1}"


def _fields(dp, orientation):
    out = []
    for i in range(dp.DataPilotFields.Count):
        f = dp.DataPilotFields.getByIndex(i)
        if f.Orientation == orientation and f.Name != "Data":
            out.append(f.Name)
    return out


def _read(doc):
    result = {}
    for s in range(doc.Sheets.Count):
        sheet = doc.Sheets.getByIndex(s)
        tables = sheet.getDataPilotTables()
        found = []
        for name in tables.getElementNames():
            dp = tables.getByName(name)
            out = dp.OutputRange
            cells = sheet.getCellRangeByPosition(out.StartColumn, out.StartRow, out.EndColumn, out.EndRow)
            data = []
            for i in range(dp.DataFields.Count):
                f = dp.DataFields.getByIndex(i)
                function = f.Function.value if hasattr(f.Function, "value") else str(f.Function)
                data.append([f.Name, {"COUNT": "count", "SUM": "sum"}.get(function, function)])
            found.append({"name": name, "source": _range_text(doc, dp.SourceRange), "output": _range_text(doc, out),
                          "rows": _fields(dp, ROW), "cols": _fields(dp, COLUMN), "data": data,
                          "cells": [list(r) for r in cells.getDataArray()]})
        if found:
            result[sheet.Name] = found
    return result


def _make(doc, specs):
    from com.sun.star.table import CellAddress, CellRangeAddress

    for spec in specs:
        src_sheet = doc.Sheets.getByName(spec["source_sheet"])
        src_index = next(i for i in range(doc.Sheets.Count) if doc.Sheets.getByIndex(i).Name == spec["source_sheet"])
        r = src_sheet.getCellRangeByName(spec["source_range"]).RangeAddress
        source = CellRangeAddress(src_index, r.StartColumn, r.StartRow, r.EndColumn, r.EndRow)
        target = doc.Sheets.getByName(spec["sheet"])
        t = target.getCellRangeByName(spec["cell"]).CellAddress
        tables = target.getDataPilotTables()
        desc = tables.createDataPilotDescriptor()
        desc.SourceRange = source
        fields = desc.DataPilotFields
        names = [fields.getByIndex(i).Name for i in range(fields.Count)]
        for header in spec.get("rows", []):
            fields.getByIndex(names.index(header)).Orientation = ROW
        for header in spec.get("cols", []):
            fields.getByIndex(names.index(header)).Orientation = COLUMN
        for header, function in spec["data"]:
            f = fields.getByIndex(names.index(header))
            f.Orientation = DATA
            f.Function = {"count": COUNT, "sum": SUM}[function]
        tables.insertNewByName(spec["name"], CellAddress(t.Sheet, t.Column, t.Row), desc)


def main(argv):
    command, path = argv[0], argv[1]
    result = {}
    try:
        # read: opened read-only, so no lock file is left beside the master
        with open_document(path, prop("Hidden", True), prop("ReadOnly", command == "read")) as doc:
            if command == "read":
                result = {"sheets": _read(doc)}
            else:
                out, spec_path = argv[2], argv[3]
                with open(spec_path, encoding="utf-8") as fh:
                    _make(doc, json.load(fh))
                doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(out)),
                               (prop("FilterName", "Calc MS Excel 2007 XML"),))
                result = {"sheets": _read(doc), "saved": out}
    except Exception as exc:  # reported to the test as data
        result["error"] = f"{type(exc).__name__}: {exc}"
    print(json.dumps(result, ensure_ascii=False, default=str))
    return 0 if "error" not in result else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
