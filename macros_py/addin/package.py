"""The .xlam package: the Open XML parts around the VBA project and the ribbon.

One small function per part, each returning the exact XML. The zip is written deterministically:
fixed entry order, fixed time stamp (1980-01-01), fixed "made by" system and no compression (a
stored entry is the same bytes whatever zlib the machine has; deflate output can differ between
zlib builds). The package holds exactly one worksheet, the config sheet the xlwings module reads.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
UI_EXTENSIBILITY_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
VBA_PROJECT_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

CUSTOM_UI_PART = "customUI/customUI14.xml"
VBA_PART = "xl/vbaProject.bin"


def content_types() -> str:
    ws = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return _XML_DECL + (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ADDIN_CONTENT_TYPE}"/>'
        # The VBA project by name, as Excel writes it (quickstart_addin_ribbon.xlam), not by a .bin default.
        f'<Override PartName="/{VBA_PART}" ContentType="{VBA_CONTENT_TYPE}"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ws}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{ws}.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        "</Types>"
    )


def _relationships(rels: list[tuple[str, str, str]]) -> str:
    body = "".join(f'<Relationship Id="{rid}" Type="{rtype}" Target="{target}"/>' for rid, rtype, target in rels)
    return _XML_DECL + f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>'


def package_rels() -> str:
    return _relationships([
        ("rId1", f"{_OFFICE_REL}/officeDocument", "xl/workbook.xml"),
        ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
         "docProps/core.xml"),
        ("rId3", UI_EXTENSIBILITY_REL, CUSTOM_UI_PART),
    ])


def workbook_rels() -> str:
    return _relationships([
        ("rId1", f"{_OFFICE_REL}/worksheet", "worksheets/sheet1.xml"),
        ("rId2", f"{_OFFICE_REL}/styles", "styles.xml"),
        ("rId3", VBA_PROJECT_REL, "vbaProject.bin"),
    ])


def core_properties(title: str, description: str) -> str:
    """Excel's add-in dialog lists an add-in by its title and shows its description below."""
    return _XML_DECL + (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(title)}</dc:title><dc:description>{escape(description)}</dc:description>"
        "<dc:creator>shenbao</dc:creator></cp:coreProperties>"
    )


def workbook(sheet_name: str) -> str:
    # codeName ties the workbook to the VBA document module ThisWorkbook.
    return _XML_DECL + (
        f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_OFFICE_REL}">'
        '<workbookPr codeName="ThisWorkbook"/>'
        '<bookViews><workbookView/></bookViews>'
        f'<sheets><sheet name={quoteattr(sheet_name)} sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )


def styles() -> str:
    # The smallest stylesheet Excel accepts without repair: one font, the two required fills,
    # one border, one cell format.
    return _XML_DECL + (
        f'<styleSheet xmlns="{_MAIN_NS}">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def _column_letter(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


def worksheet(rows: list[tuple[str, ...]], widths: tuple[float, ...]) -> str:
    """A sheet of text cells (inline strings, so no shared-string part) with the sheet's codeName."""
    cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths))
    out = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(
            f'<c r="{_column_letter(c)}{r}" t="inlineStr"><is><t xml:space="preserve">{escape(v)}</t></is></c>'
            for c, v in enumerate(row) if v != ""
        )
        out.append(f'<row r="{r}">{cells}</row>')
    return _XML_DECL + (
        f'<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_OFFICE_REL}">'
        '<sheetPr codeName="Sheet1"/>'
        f"<cols>{cols}</cols><sheetData>{''.join(out)}</sheetData></worksheet>"
    )


def write_package(parts: list[tuple[str, bytes]]) -> bytes:
    """Zip the parts in the given order, byte-for-byte reproducibly."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 0  # otherwise the host OS is recorded and builds differ by OS
            info.external_attr = 0
            zf.writestr(info, data)
    return buf.getvalue()
