"""Hostile workbooks, written from bytes: every kind of file that once took the tool down or ran it out
of memory (issue 11), so that tests (and `python3 tests/hostile_files.py DIR`) can make them afresh.

Each generator returns the path it wrote. Sizes are what an attacker (or a broken exporter) can send
in a few kilobytes; the readers must reject each with a Chinese reason, in bounded memory and time.
"""

from __future__ import annotations

import io
import random
import struct
import sys
import zipfile
from pathlib import Path

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
       '<Override PartName="/docProps/core.xml" '
       'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
       '</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" '
         'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
         'Target="xl/workbook.xml"/>'
         '<Relationship Id="rId2" '
         'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
         'Target="docProps/core.xml"/>'
         '</Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
       '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>')
_CORE = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
         'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>t</dc:title></cp:coreProperties>')
_SHEET = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          '<sheetData>{rows}</sheetData></worksheet>')


def write_xlsx(path: Path, rows_xml: str, *, sheet_name: str = "Sheet1", core: str = _CORE,
               workbook: str | None = None, prolog: str = "") -> Path:
    """A minimal workbook package whose one sheet has `rows_xml` as its sheetData (and `prolog` before
    its root element)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("docProps/core.xml", core)
        zf.writestr("xl/workbook.xml", workbook or _WB.format(name=sheet_name))
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", _SHEET.format(rows=rows_xml).replace("<worksheet", prolog + "<worksheet", 1))
    path.write_bytes(buf.getvalue())
    return path


# ---------------------------------------------------------------- .xlsx whose extent hides from a regex
def far_no_r(path: Path) -> Path:
    """A cell with no r= on the last row (it follows the row's start: A1048576) and one at XFD1 in
    single quotes: the extent is the whole sheet, 17 billion cells."""
    return write_xlsx(path, "<row r='1'><c r='XFD1'><v>1</v></c></row>"
                            '<row r="1048576"><c><v>2</v></c></row>')


def far_single_quote(path: Path) -> Path:
    return write_xlsx(path, "<row r=\"1\"><c r='A1'><v>1</v></c></row>"
                            "<row r=\"1048576\"><c r='XFD1048576'><v>2</v></c></row>")


def far_tab(path: Path) -> Path:
    return write_xlsx(path, '<row r="1"><c\tr="A1"><v>1</v></c></row>'
                            '<row r="1048576"><c\tr="XFD1048576"><v>2</v></c></row>')


def far_long_column(path: Path) -> Path:
    """A column of six letters (ZZZZZZ: column 321,272,406), past every sheet's last column."""
    return write_xlsx(path, '<row r="54"><c r="A54"><v>1</v></c><c r="ZZZZZZ54"><v>2</v></c></row>')


def far_entity_ref(path: Path) -> Path:
    """The reference written with a character entity (&#88; is X): a parser reads XFD1048576."""
    return write_xlsx(path, '<row r="1"><c r="A1"><v>1</v></c></row>'
                            '<row r="1048576"><c r="&#88;FD1048576"><v>2</v></c></row>')


def far_gt_in_value(path: Path) -> Path:
    """A ">" inside an attribute value (legal XML) before r=: a regex that stops at ">" sees no r."""
    return write_xlsx(path, '<row r="1"><c r="A1"><v>1</v></c></row>'
                            '<row r="1048576"><c t="n" x=">" r="XFD1048576"><v>2</v></c></row>')


def far_second_r(path: Path) -> Path:
    """A second r= in one cell tag: not well-formed XML, and a scan that reads only the first r sees A1."""
    return write_xlsx(path, '<row r="1"><c r="A1"><v>1</v></c></row>'
                            '<row r="1048576"><c r="A2" t="n" r="XFD1048576"><v>2</v></c></row>')


def far_prefixed(path: Path) -> Path:
    """Cells with a namespace prefix (x:c): a scan that looks only for <c sees one cell at A1."""
    return write_xlsx(path, '<row r="1"><c r="A1"><v>1</v></c></row>'
                            '<row r="1048576" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                            '<x:c r="XFD1048576"><x:v>2</x:v></x:c></row>')


def far_after_comment(path: Path) -> Path:
    """A row in a comment: a scan that counts it puts the next r-less cell on row 2, the parser on row
    1,048,576; and a cell at XFD in single quotes."""
    return write_xlsx(path, "<row r='1'><c r='XFD1'><v>1</v></c></row>"
                            '<row r="1048576"><!--<row r="1">--><c><v>2</v></c></row>')


def write_book(path: Path, sheets: list[str]) -> Path:
    """A workbook package of several sheets, each `sheets[i]` as its sheetData."""
    ws_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    ws_rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    n = range(1, len(sheets) + 1)
    types = _CT.replace("</Types>", "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ws_type}"/>'
                                            for i in n if i > 1) + "</Types>")
    book = _WB.replace('<sheet name="{name}" sheetId="1" r:id="rId1"/>',
                       "".join(f'<sheet name="表{i}" sheetId="{i}" r:id="rId{i}"/>' for i in n))
    rels = _WB_RELS.replace(_WB_RELS[_WB_RELS.index("<Relationship "):_WB_RELS.index("</Relationships>")],
                            "".join(f'<Relationship Id="rId{i}" Type="{ws_rel}" Target="worksheets/sheet{i}.xml"/>'
                                    for i in n))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("docProps/core.xml", _CORE)
        zf.writestr("xl/workbook.xml", book)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        for i, rows in zip(n, sheets, strict=True):
            zf.writestr(f"xl/worksheets/sheet{i}.xml", _SHEET.format(rows=rows))
    path.write_bytes(buf.getvalue())
    return path


def _rows(count: int, cols: int) -> str:
    letters = [chr(65 + c) for c in range(cols)]
    return "".join(f'<row r="{r}">' + "".join(f'<c r="{x}{r}"><v>{r}</v></c>' for x in letters) + "</row>"
                   for r in range(1, count + 1))


def many_sheets(path: Path) -> Path:
    """3,000 sheets of one cell each: each sheet far within the limits, the workbook not (a reader
    builds a grid, and searches it for headers, 3,000 times)."""
    return write_book(path, [_rows(1, 1)] * 3000)


def book_cells(path: Path) -> Path:
    """250 sheets of 400 x 6 cells: each sheet a fiftieth of the cell limit, all of them twice it."""
    return write_book(path, [_rows(400, 6)] * 250)


def big_strings(path: Path) -> Path:
    """A one-cell sheet and 17 MB of shared strings (1.2 million short ones), which a reader would
    build every one of; at 88 MB it took 5 s."""
    strings = "".join(f"<si><t>{i:x}</t></si>" for i in range(1_200_000))
    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{strings}</sst>')
    write_xlsx(path, '<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/sharedStrings.xml", sst)
    return path


def many_styles(path: Path) -> Path:
    """A style sheet of 140,000 cell formats (9 MB), more than Excel keeps: openpyxl, which makes the
    annotated copy, took 94 s and 1.2 GB over 700,000 of them."""
    xfs = "".join(f'<xf numFmtId="{i % 50}" fontId="0" fillId="0" borderId="0" xfId="0"><alignment indent="{i % 15}"/></xf>'
                  for i in range(140_000))
    styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              f'<cellXfs count="140000">{xfs}</cellXfs></styleSheet>')
    write_xlsx(path, '<row r="1"><c r="A1"><v>1</v></c></row>')
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/styles.xml", styles)
    return path


def with_validations(src: Path, path: Path, count: int = 200_000) -> Path:
    """A real workbook whose first sheet gains `count` data validations (20 MB of XML, a 1.2 MB file):
    nothing a reader of values builds, everything openpyxl (the annotated copy) builds."""
    import re

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        first = min(n for n in zin.namelist() if n.startswith("xl/worksheets/sheet"))
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == first:
                extra = "".join(f'<dataValidation type="whole" allowBlank="1" sqref="Z{r}"><formula1>{r}</formula1>'
                                "</dataValidation>" for r in range(1, count + 1)).encode()
                if b"<dataValidations" in data:
                    data = re.sub(rb'<dataValidations count="\d+">', b'<dataValidations>', data)
                    data = data.replace(b"</dataValidations>", extra + b"</dataValidations>", 1)
                else:
                    data = data.replace(b"</sheetData>", b"</sheetData><dataValidations>" + extra + b"</dataValidations>", 1)
            zout.writestr(info, data)
    return path


def far_in_entity(path: Path) -> Path:
    """Standard cell tags only, and a far cell inside an entity the DTD declares, its markup written as
    character references: a regex sees A1 alone, a parser that expanded the entity would see XFD1048576."""
    far = "&#60;c r=\"XFD1048576\"&#62;&#60;v&#62;2&#60;/v&#62;&#60;/c&#62;"
    return write_xlsx(path, '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576">&far;</row>',
                      prolog=f"<!DOCTYPE worksheet [<!ENTITY far '{far}'>]>")


def many_merges(path: Path, count: int = 100_000) -> Path:
    """100,000 merged ranges of 60 x 60 cells: 360 million cells for a reader that fills every merged
    cell, in a file of about 1.5 MB."""
    rnd = random.Random(7)

    def name(n: int) -> str:
        out = ""
        while n:
            n, rem = divmod(n - 1, 26)
            out = chr(65 + rem) + out
        return out

    def ref() -> str:
        r, c = rnd.randrange(1, 90_000), rnd.randrange(1, 16_000)
        return f"{name(c)}{r}:{name(c + 59)}{r + 59}"

    merges = "".join(f'<mergeCell ref="{ref()}"/>' for _ in range(count))
    data = write_xlsx(path, '<row r="1"><c r="A1"><v>1</v></c></row>').read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(b"</sheetData>", f'</sheetData><mergeCells count="{count}">{merges}'
                                    "</mergeCells>".encode())
            dst.writestr(info, part)
    path.write_bytes(buf.getvalue())
    return path


def many_r_less_cells(path: Path, rows: int = 200_000) -> Path:
    """Rows without r= (each follows the last): more rows than any submission (numbers that vary, so
    that the part does not look like a zip bomb and only the row limit can stop it)."""
    rnd = random.Random(11)
    return write_xlsx(path, "".join(f"<row><c><v>{rnd.randrange(10**9)}</v></c></row>" for _ in range(rows)))


def long_text(chars: int, seed: int = 11) -> str:
    """Chinese text that does not compress away (a zip-bomb ratio would stop it earlier)."""
    rnd = random.Random(seed)
    return "".join(chr(rnd.randrange(0x4E00, 0x9FA5)) for _ in range(chars))


def long_cell_xlsx(path: Path, chars: int = 10 * 1024 * 1024 // 3) -> Path:
    """A 10 MB inline string (3.5 million characters) in one cell, beside a title."""
    text = long_text(chars)
    return write_xlsx(path, f'<row r="1"><c r="A1" t="inlineStr"><is><t>附件7</t></is></c>'
                            f'<c r="B1" t="inlineStr"><is><t>{text}</t></is></c></row>')


def dtd_entity_xlsx(path: Path) -> Path:
    """A DTD with an internal entity in core.xml and workbook.xml (XXE-style, nothing external)."""
    dtd = '<!DOCTYPE x [<!ENTITY e "expanded">]>'
    core = _CORE.replace("<cp:coreProperties", dtd + "<cp:coreProperties", 1).replace(">t<", ">&e;<")
    wb = _WB.format(name="Sheet1").replace("<workbook", '<!DOCTYPE workbook [<!ENTITY w "x">]><workbook', 1)
    return write_xlsx(path, '<row r="1"><c r="A1" t="inlineStr"><is><t>附件7</t></is></c></row>',
                      core=core, workbook=wb)


def replace_text(path: Path, marker: str, text: str) -> Path:
    """Put `text` where a workbook written by openpyxl has `marker` (openpyxl itself cuts a cell's text
    to 32,767 characters, so a longer one can only be written into the package afterwards)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if marker.encode() in data:
                data = data.replace(marker.encode(), text.encode("utf-8"))
            dst.writestr(info.filename, data)
    path.write_bytes(buf.getvalue())
    return path


# ---------------------------------------------------------------- .ods of repeated rows and columns
_ODS_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>'
                 '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
                 'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
                 'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                 '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                 '</manifest:manifest>')
_ODS_CONTENT = ('<?xml version="1.0" encoding="UTF-8"?>'
                '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
                'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
                '<office:body><office:spreadsheet><table:table table:name="Sheet1">{rows}</table:table>'
                '</office:spreadsheet></office:body></office:document-content>')


def write_ods(path: Path, rows_xml: str) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        zf.writestr("content.xml", _ODS_CONTENT.format(rows=rows_xml))
    path.write_bytes(buf.getvalue())
    return path


def ods_repeated(path: Path) -> Path:
    """A few hundred bytes that spell out 99,000 rows of 1,000 filled cells each (under calamine's own 100-million-cell limit)."""
    return write_ods(path, '<table:table-row table:number-rows-repeated="99000">'
                           '<table:table-cell table:number-columns-repeated="1000" office:value-type="float" '
                           'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>')


def ods_plain(path: Path) -> Path:
    """A harmless .ods the way LibreOffice writes one: a title, then empty repeated rows to the end."""
    return write_ods(path, '<table:table-row><table:table-cell office:value-type="string">'
                           '<text:p>附件7</text:p></table:table-cell>'
                           '<table:table-cell table:number-columns-repeated="1023"/></table:table-row>'
                           '<table:table-row table:number-rows-repeated="1048575">'
                           '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')


# ---------------------------------------------------------------- .xls (BIFF8 in a compound file)
def _biff(rtype: int, data: bytes) -> bytes:
    return struct.pack("<HH", rtype, len(data)) + data


def _cfb(stream_name: str, stream: bytes) -> bytes:
    """A version-3 compound file holding one stream (always in regular sectors: padded past 4096)."""
    if len(stream) < 4096:
        stream = stream + b"\x00" * (4096 - len(stream))
    sector = 512
    n_stream = (len(stream) + sector - 1) // sector
    stream = stream.ljust(n_stream * sector, b"\x00")
    # sectors: 0 = FAT, 1 = directory, 2.. = stream
    fat = [0xFFFFFFFD, 0xFFFFFFFE] + [3 + i for i in range(n_stream - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (128 - len(fat))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0))
    header += struct.pack("<I", 0) + struct.pack("<I", 0xFFFFFFFF) * 108

    def entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF) -> bytes:
        raw = (name + "\x00").encode("utf-16-le")
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, child) + b"\x00" * 16 + b"\x00" * 4
                + b"\x00" * 16 + struct.pack("<IQ", start, size)[:8] + struct.pack("<I", 0)).ljust(128, b"\x00")

    root = entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)
    root = root[:116] + struct.pack("<I", 0xFFFFFFFE) + struct.pack("<I", 0) + root[124:]
    wb = entry(stream_name, 2, 2, len(stream))
    wb = wb[:116] + struct.pack("<I", 2) + struct.pack("<I", len(stream)) + wb[124:]
    directory = (root + wb).ljust(sector, b"\x00")
    return header + struct.pack("<" + "I" * 128, *fat) + directory + stream


def xls_far_cells(path: Path) -> Path:
    """An .xls whose two NUMBER cells lie at (0, 0) and at row 65535, column 16383."""
    bof = _biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0x0600))
    records = (bof + _biff(0x0200, struct.pack("<IIHHH", 0, 65536, 0, 16384, 0))
               + _biff(0x0203, struct.pack("<HHHd", 0, 0, 15, 1.0))
               + _biff(0x0203, struct.pack("<HHHd", 65535, 16383, 15, 2.0)) + _biff(0x000A, b""))
    globals_ = (_biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0x0600))
                + _biff(0x0085, struct.pack("<IBB", 0, 0, 0) + b"\x01\x00S")
                + _biff(0x000A, b""))
    # BOUNDSHEET's offset: where the sheet's BOF starts (just after the globals)
    off = len(globals_)
    globals_ = globals_.replace(_biff(0x0085, struct.pack("<IBB", 0, 0, 0) + b"\x01\x00S"),
                                _biff(0x0085, struct.pack("<IBB", off, 0, 0) + b"\x01\x00S"))
    path.write_bytes(_cfb("Workbook", globals_ + records))
    return path


def xls_stream_with_strings(count: int) -> bytes:
    """The Workbook stream of an .xls whose shared strings (an SST record and its CONTINUE records)
    hold `count` short strings (7 bytes each), and one sheet with one cell."""
    body = struct.pack("<II", count, count) + b"\x04\x00\x00abcd" * count
    sst = b"".join(_biff(0x00FC if at == 0 else 0x003C, body[at:at + 8224]) for at in range(0, len(body), 8224))
    sheet = (_biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0x0600))
             + _biff(0x0203, struct.pack("<HHHd", 0, 0, 15, 1.0)) + _biff(0x000A, b""))
    head = _biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0x0600))
    return head + sst + _biff(0x000A, b"") + sheet


def with_dtd_and_slash(src: Path, dst: Path, sheet: str, renamed: str) -> Path:
    """A real workbook with a DTD and an entity in docProps/core.xml, xl/workbook.xml and every table
    part, and one sheet renamed to a name Excel would not allow (with a /)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename in ("docProps/core.xml", "xl/workbook.xml") or info.filename.startswith("xl/tables/"):
                at = data.index(b"?>") + 2 if data.startswith(b"<?xml") else 0
                data = data[:at] + b'<!DOCTYPE x [<!ENTITY e "E">]>' + data[at:]
            if info.filename == "xl/workbook.xml":
                data = data.replace(f'name="{sheet}"'.encode(), f'name="{renamed}"'.encode())
            zout.writestr(info, data)
    dst.write_bytes(buf.getvalue())
    return dst


def abort_on_three(_context, item: int) -> int:
    """For run_isolated: the item 3 kills its process the way a failed allocation in the reader does."""
    import os

    if item == 3:
        os.abort()
    return item * item


def sleep_on_two(_context, item: int) -> int:
    """For run_isolated: the item 2 never finishes (a reader stuck in a loop)."""
    import time

    if item == 2:
        time.sleep(600)
    return item


KINDS = {
    "far_no_r.xlsx": far_no_r, "far_single_quote.xlsx": far_single_quote, "far_tab.xlsx": far_tab,
    "far_long_column.xlsx": far_long_column, "many_rows.xlsx": many_r_less_cells,
    "far_entity_ref.xlsx": far_entity_ref, "far_gt_in_value.xlsx": far_gt_in_value,
    "far_second_r.xlsx": far_second_r, "far_prefixed.xlsx": far_prefixed,
    "far_after_comment.xlsx": far_after_comment, "far_in_entity.xlsx": far_in_entity,
    "many_merges.xlsx": many_merges, "many_sheets.xlsx": many_sheets, "book_cells.xlsx": book_cells,
    "big_strings.xlsx": big_strings, "many_styles.xlsx": many_styles,
    "ods_repeated.ods": ods_repeated, "xls_far_cells.xls": xls_far_cells,
}


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")
    out.mkdir(parents=True, exist_ok=True)
    for name, make in {**KINDS, "long_cell.xlsx": long_cell_xlsx, "dtd_entity.xlsx": dtd_entity_xlsx,
                       "ods_plain.ods": ods_plain}.items():
        print(make(out / name), (out / name).stat().st_size)
