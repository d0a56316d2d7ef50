"""LibreOffice's view of a workbook's pivot tables (DataPilot), through UNO; or a pivot LibreOffice makes.

Run with the system Python that has LibreOffice's `uno` module (/usr/bin/python3), stdlib only:
    python3 lo_pivots.py read FILE
        → JSON {sheet: [{name, source, output, rows, cols, data, cells}]} of every DataPilot table,
          `cells` being the output range's values as LibreOffice computed them.
    python3 lo_pivots.py make FILE OUT.xlsx SPEC.json
        → LibreOffice creates each pivot of SPEC ([{name, source_sheet, source_range, sheet, cell,
          rows, cols, data: [[header, "count"|"sum"]]}]) itself and saves the workbook as .xlsx: the
          reference file our own pivot parts are compared with.
The file is opened read-only (no lock file). LibreOffice gets a throw-away profile and its own pipe, and is killed whatever happens.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.sheet.DataPilotFieldOrientation import COLUMN, DATA, ROW
from com.sun.star.sheet.GeneralFunction import COUNT, SUM


def _prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _connect(pipe, proc, timeout=60.0):
    ctx = uno.getComponentContext()
    resolver = ctx.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", ctx)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("LibreOffice did not accept a connection") from None
            time.sleep(0.1)


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
    profile = tempfile.mkdtemp(prefix="shenbao_lo_profile_")
    pipe = "shenbao_" + uuid.uuid4().hex
    proc = subprocess.Popen(
        [os.environ.get("SHENBAO_SOFFICE") or "soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
         "--nolockcheck", f"-env:UserInstallation={uno.systemPathToFileUrl(profile)}",
         f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    result = {}
    try:
        rctx = _connect(pipe, proc)
        desktop = rctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", rctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0,
                                           (_prop("Hidden", True), _prop("ReadOnly", command == "read")))  # read: no lock file
        if doc is None:
            raise RuntimeError("LibreOffice could not open the file")
        if command == "read":
            result = {"sheets": _read(doc)}
        else:
            out, spec_path = argv[2], argv[3]
            with open(spec_path, encoding="utf-8") as fh:
                _make(doc, json.load(fh))
            doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(out)),
                           (_prop("FilterName", "Calc MS Excel 2007 XML"),))
            result = {"sheets": _read(doc), "saved": out}
        doc.close(True)
        doc = None
    except Exception as exc:  # reported to the test as data
        result["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False, default=str))
    return 0 if "error" not in result else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
