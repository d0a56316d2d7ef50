"""Hidden rows and struck-through cells of an .xls (BIFF8, as Excel 97–2003, WPS and LibreOffice save
it; BIFF5 too), which python-calamine does not give.

Read from the BIFF records of the Workbook stream, walked by read.extent.biff_records (the walk the
extent check makes): the globals substream's FONT records (grbit 0x0008: struck out), XF records
(each one's font; BIFF font index 4 does not exist, so index n >= 4 is FONT record n - 1) and
BOUNDSHEET records (each sheet's name and the offset of its substream); then, in a sheet's substream,
ROW records (option bit 0x0020, fDyZero: the row is hidden) and every cell record's (row, column,
XF). Any part it cannot read gives no flags: the sheet is then taken as shown.
"""

from __future__ import annotations

import struct

from macros_py.read.extent import EXCEL_COLS, biff_records, xls_workbook_stream
from macros_py.read.flags import CellsOnly, SheetFlags

_BOF = {0x0809, 0x0409, 0x0209, 0x0009}
_EOF, _FONT, _XF, _BOUNDSHEET, _CODEPAGE, _ROW = 0x000A, 0x0031, 0x00E0, 0x0085, 0x0042, 0x0208
_MULRK, _MULBLANK = 0x00BD, 0x00BE
# Cell records that begin with row, column, XF (u16 each): FORMULA, RSTRING, LABELSST, BLANK, NUMBER,
# LABEL, BOOLERR, RK.
_CELLS = {0x0006, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E}
_ROW_HIDDEN, _FONT_STRUCK = 0x0020, 0x0008
_COLINFO, _COL_HIDDEN = 0x007D, 0x0001   # COLINFO: colFirst, colLast, coldx, ixfe, grbit (fHidden)
_BIFF8 = 0x0600


def _codec(codepage: int | None) -> str:
    """Python's codec for a CODEPAGE record's value (BIFF5 sheet names are in it)."""
    special = {1200: "utf-16-le", 367: "ascii", 10000: "mac_roman", 32768: "mac_roman", 32769: "cp1252"}
    name = special.get(codepage or 1252, f"cp{codepage or 1252}")
    try:
        "".encode(name)
    except LookupError:
        return "latin-1"
    return name


def _sheet_name(data: bytes, at: int, end: int, biff8: bool, codec: str) -> str | None:
    """A BOUNDSHEET's name: in BIFF8 a short unicode string (a length, a flag byte whose bit 0 says
    UTF-16LE, else one byte a character: Latin-1); in BIFF5 a length and bytes in the code page."""
    if at >= end:
        return None
    count = data[at]
    if not biff8:
        raw = data[at + 1:at + 1 + count]
        return raw.decode(codec, "replace") if len(raw) == count else None
    if at + 1 >= end:
        return None
    wide = data[at + 1] & 0x01
    raw = data[at + 2:at + 2 + count * (2 if wide else 1)]
    if len(raw) != count * (2 if wide else 1):
        return None
    return raw.decode("utf-16-le", "replace") if wide else raw.decode("latin-1")


class XlsFlagReader(CellsOnly):
    """Hidden rows and struck cells of one .xls, a sheet's substream walked when its flags are asked
    for (Grid.hidden_rows). The Workbook stream is read once, within the limits the safety check used."""

    def __init__(self, path, limits):
        self.path, self.limits = path, limits
        self._data: bytes | None = None
        self._sheets: dict[str, int] = {}        # sheet name -> offset of its BOF record
        self._struck_xfs: set[int] = set()

    def _open(self) -> bool:
        if self._data is None:
            try:
                self._data = xls_workbook_stream(self.path, self.limits)
                self._globals()
            except Exception:  # a stream it cannot read: no flags, the sheets are taken as shown
                self._data, self._sheets = b"", {}
        return bool(self._sheets)

    def _globals(self) -> None:
        data, end = self._data, len(self._data)
        fonts: list[int] = []          # grbit of each FONT record, in order
        xf_fonts: list[int] = []       # font index of each XF record, in order
        biff8, codec, depth = True, _codec(None), 0
        sheets: dict[str, int] = {}
        for _, rtype, body, size in biff_records(data):
            if body + size > end:
                break
            if rtype in _BOF:
                depth += 1
                if depth == 1 and size >= 2:
                    biff8 = struct.unpack_from("<H", data, body)[0] >= _BIFF8
                continue
            if rtype == _EOF:
                break                  # the end of the globals substream
            if depth != 1:
                continue
            if rtype == _FONT and size >= 4:
                fonts.append(struct.unpack_from("<H", data, body + 2)[0])
            elif rtype == _XF and size >= 2:
                xf_fonts.append(struct.unpack_from("<H", data, body)[0])
            elif rtype == _CODEPAGE and size >= 2:
                codec = _codec(struct.unpack_from("<H", data, body)[0])
            elif rtype == _BOUNDSHEET and size >= 7:
                offset = struct.unpack_from("<I", data, body)[0]
                name = _sheet_name(data, body + 6, body + size, biff8, codec)
                if name is not None and name not in sheets and offset < end:
                    sheets[name] = offset
        struck_fonts = {i for i, grbit in enumerate(fonts) if grbit & _FONT_STRUCK}
        self._struck_xfs = {i for i, font in enumerate(xf_fonts)
                            if (font if font < 4 else font - 1) in struck_fonts}
        self._sheets = sheets

    def get(self, name: str) -> SheetFlags:
        if not self._open() or name not in self._sheets:
            return SheetFlags()
        try:
            return self._scan(self._sheets[name])
        except (struct.error, IndexError, ValueError):
            return SheetFlags()

    def _scan(self, start: int) -> SheetFlags:
        data, end, unpack = self._data, len(self._data), struct.unpack_from
        flags, struck_xfs, depth = SheetFlags(), self._struck_xfs, 0
        hidden, struck = flags.hidden_rows, flags.struck
        for _, rtype, body, size in biff_records(data, start):
            if body + size > end:
                break
            if rtype in _BOF:
                depth += 1         # an embedded chart's substream nests inside the sheet's
                continue
            if rtype == _EOF:
                depth -= 1
                if depth <= 0:
                    break
                continue
            if depth != 1:
                if depth == 0:
                    break          # the offset did not point at a BOF: nothing is read
                continue
            if rtype == _ROW:
                if size >= 14 and unpack("<H", data, body + 12)[0] & _ROW_HIDDEN:
                    hidden.add(unpack("<H", data, body)[0])
            elif rtype == _COLINFO:
                if size >= 10 and unpack("<H", data, body + 8)[0] & _COL_HIDDEN:
                    first, last = unpack("<HH", data, body)
                    if first <= last:
                        flags.hidden_cols.add(first, min(last, EXCEL_COLS - 1) - first + 1)
            elif not struck_xfs:
                continue
            elif rtype in _CELLS and size >= 6:
                row, col, xf = unpack("<HHH", data, body)
                if xf in struck_xfs:
                    struck.add((row, col))
            elif rtype == _MULRK and size >= 6:
                row, col = unpack("<HH", data, body)
                for i in range((size - 6) // 6):
                    if unpack("<H", data, body + 4 + 6 * i)[0] in struck_xfs:
                        struck.add((row, col + i))
            elif rtype == _MULBLANK and size >= 6:
                row, col = unpack("<HH", data, body)
                for i in range((size - 6) // 2):
                    if unpack("<H", data, body + 4 + 2 * i)[0] in struck_xfs:
                        struck.add((row, col + i))
        return flags

    def close(self) -> None:
        self._data, self._sheets = b"", {}
