"""How much room a text needs in a cell: lines when wrapped, and the row height that shows them.

Excel stores no row height for a row it has not measured, and neither LibreOffice nor Excel
re-measures wrapped text when a program-written file is opened: long 专业 lists or 荣誉 then
print over each other. Writers set the height from this estimate instead.
"""

from __future__ import annotations

import math
import unicodedata

FONT_NAME = "仿宋_GB2312"  # the notice: 仿宋_GB2312, 五号
FONT_SIZE = 10.5
LINE_HEIGHT = 14.0     # points per line of 五号 (10.5 pt) text
DEFAULT_HEIGHT = 15.0  # Excel's row height for one line


def display_width(text: str) -> int:
    """Width in Excel column units: a Chinese character is about two digits wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrapped_lines(value, width: float) -> int:
    """Lines `value` takes in a column `width` units wide (explicit line breaks count)."""
    if value is None or value == "":
        return 1
    usable = max(width - 1.5, 1.0)  # cell padding
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in str(value).split("\n"))


def row_height(lines: int) -> float:
    return max(DEFAULT_HEIGHT, lines * LINE_HEIGHT + 2)
