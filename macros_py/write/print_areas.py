"""Print areas given by a formula (the county workbook's OFFSET(…) names), read from a package.

openpyxl keeps only a print area that is a plain range: on loading it warns and drops a formula
one, so a workbook it loads and saves again (the annotated copy) would print every pre-sized row.
These helpers read such names from xl/workbook.xml and put them back on the loaded workbook.
"""

from __future__ import annotations

import io
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
DYNAMIC_AREA = re.compile(r"^OFFSET\((?P<anchor>.+?!\$A\$1),0,0,(?P<height>.+),(?P<width>\d+)\)$")


def _workbook_xml(source: str | Path | bytes):
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return ET.fromstring(z.read("xl/workbook.xml"))


def hidden_sheets(source: str | Path | bytes) -> set[str]:
    """The names of the hidden (and very hidden) sheets, which no program prints."""
    root = _workbook_xml(source)
    return {s.get("name") for s in root.findall("m:sheets/m:sheet", _NS) if s.get("state") in ("hidden", "veryHidden")}


def formula_print_areas(source: str | Path | bytes) -> dict[str, str]:
    """Sheet name → the formula text of each sheet's print area that is not a plain range."""
    root = _workbook_xml(source)
    sheets = [s.get("name") for s in root.findall("m:sheets/m:sheet", _NS)]
    out = {}
    for name in root.findall("m:definedNames/m:definedName", _NS):
        text = (name.text or "").strip()
        local = name.get("localSheetId")
        if name.get("name") == "_xlnm.Print_Area" and local is not None and DYNAMIC_AREA.match(text):
            out[sheets[int(local)]] = text
    return out


def load_keeping_print_areas(data: bytes, **options):
    """openpyxl's load_workbook, with the formula print areas put back (and its warning silenced)."""
    from openpyxl import load_workbook
    from openpyxl.workbook.defined_name import DefinedName

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Print area cannot be set")
        wb = load_workbook(io.BytesIO(data), **options)
    for sheet, text in formula_print_areas(data).items():
        if sheet in wb.sheetnames:
            wb[sheet].defined_names.add(DefinedName("_xlnm.Print_Area", attr_text=text))
    return wb
