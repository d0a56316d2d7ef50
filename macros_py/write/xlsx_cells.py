"""Putting values into openpyxl cells without letting data become a formula.

openpyxl stores any string that starts with "=" as a formula. Submitted text such as
=HYPERLINK("http://…") must stay text in everything we write, so every writer of data goes through
`put`. Text starting with + - @ is stored as a string too (only "=" makes openpyxl write a formula),
and is given Excel's quote prefix so that editing the cell in Excel keeps it text.
"""

from __future__ import annotations

import datetime as dt
import re

_RISKY = ("=", "+", "-", "@")
# What XML 1.0 cannot hold (openpyxl refuses it): shown as an escape such as \x1b instead.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def legal_text(text: str) -> str:
    """Text a cell or a note can hold: control characters (ESC from a hostile cell) as visible escapes."""
    return _ILLEGAL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def put(ws, row: int, col: int, value, number_format: str | None = None):
    return set_value(ws.cell(row, col), value, number_format)


def set_value(cell, value, number_format: str | None = None):
    if isinstance(value, str):
        value = legal_text(value)
        cell.value = value
        if value.startswith(_RISKY):
            cell.data_type = "s"
            cell.quotePrefix = True
    elif isinstance(value, bool) or value is None or isinstance(value, int | float | dt.date | dt.datetime):
        cell.value = value
    else:
        cell.value = str(value)
    if number_format:
        cell.number_format = number_format
    return cell
