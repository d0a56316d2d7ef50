"""Test helper: what a PDF shows, page by page — its size, its text (whitespace removed, so a line
wrapped by the layout still matches) and the size in points of every character as printed.

pdfminer.six reads the PDF as a viewer does; a character's size is its font size times the text
and page scaling, so "at least 9 pt" is measured on the paper, after fit-to-width.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_SPACE = re.compile(r"\s+")


@dataclass
class Page:
    number: int
    width: float
    height: float
    text: str = ""
    sizes: list[float] = field(default_factory=list)

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    def has(self, needle: str) -> bool:
        return _SPACE.sub("", needle) in self.text


def pdf_pages(path: str | Path) -> list[Page]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer

    out = []
    for n, layout in enumerate(extract_pages(str(path), laparams=LAParams()), start=1):
        page = Page(n, layout.width, layout.height)
        parts = []
        for element in layout:
            if not isinstance(element, LTTextContainer):
                continue
            parts.append(element.get_text())
            for line in element:
                for ch in getattr(line, "_objs", []):
                    if isinstance(ch, LTChar) and ch.get_text().strip():
                        page.sizes.append(round(ch.size, 2))
        page.text = _SPACE.sub("", "".join(parts))
        out.append(page)
    return out
