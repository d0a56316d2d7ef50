"""Geometry of the report's bar charts, as plain numbers the template turns into inline SVG.

The template owns the SVG markup (one macro); this module owns every coordinate, so a chart can be
tested without parsing SVG and the template stays free of arithmetic. All charts are horizontal
bars: Chinese labels read left to right without rotation and the chart grows downwards with the
number of rows, which suits both a screen and an A4 page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH = 680          # SVG user units; the SVG scales to the column width (about 180 mm on A4)
BAR = 18             # bar thickness
GAP = 8              # space between bars
TOP = 28             # room for the legend
AXIS = 22            # room under the bars for the tick labels
RIGHT = 40           # least room right of the longest bar for its total text
CHAR = 13            # width of one Chinese character at the label font size


@dataclass
class Segment:
    x: float
    width: float
    css: str             # class name of the series: the stylesheet gives it its colour
    title: str           # hover text: series and value


@dataclass
class Bar:
    label: str
    y: float
    text_y: float        # baseline of the label and the total, centred on the bar
    segments: list[Segment]
    total_text: str
    total_x: float


@dataclass
class Tick:
    x: float
    text: str


@dataclass
class LegendItem:
    x: float
    text_x: float
    css: str
    text: str


@dataclass
class Chart:
    width: int
    height: int
    label_width: float   # bars start here
    label_x: float       # labels are right-aligned here, just left of the bars
    bar_height: int
    grid_top: float
    axis_y: float
    tick_y: float
    bars: list[Bar]
    ticks: list[Tick]
    legend: list[LegendItem] = field(default_factory=list)
    empty: bool = False


def nice_axis(value: float, integer: bool) -> tuple[float, float]:
    """(top, step) of an axis over 0..value with 2–5 round ticks: steps of 1, 2 or 5 × 10^k.

    Counts get whole-number steps: half an application is not a tick anyone wants to read.
    """
    if value <= 0:
        return 1.0, 1.0
    raw = value / 4
    exp = math.floor(math.log10(raw))
    step = next(m * 10.0 ** exp for m in (1, 2, 5, 10) if m * 10.0 ** exp >= raw - 1e-9)
    if integer:
        step = max(step, 1.0)
    return math.ceil(value / step - 1e-9) * step, step


def fmt_number(value: float) -> str:
    """Whole numbers without decimals, others with two."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.2f}"


def fmt_money(value: float) -> str:
    """Amounts in 万元 always with two decimals, so that a column of them lines up."""
    return f"{value:,.2f}"


def _text_width(text: str) -> float:
    """Rough rendered width: CJK characters are square, Latin ones about half as wide."""
    return sum(CHAR if ord(ch) > 0x2E7F else CHAR * 0.55 for ch in text)


def stacked_bars(rows: list[tuple[str, dict[str, float]]], series: list[tuple[str, str, str]],
                 *, total_text=None, legend: bool = True) -> Chart:
    """Horizontal stacked bars.

    rows: (label, {series key: value}) from top to bottom.
    series: (key, css class, legend text) in stacking order, left to right.
    total_text: label → text shown after the bar; default is the total as a number.
    """
    totals = [sum(values.get(key, 0) for key, _, _ in series) for _, values in rows]
    shown = [total_text(label, total) if total_text else fmt_number(total)
             for (label, _), total in zip(rows, totals, strict=True)]
    label_width = min(220.0, max([_text_width(label) for label, _ in rows] + [4 * CHAR]) + 10)
    right = max([_text_width(text) for text in shown] + [RIGHT]) + 12
    plot = WIDTH - label_width - right
    integer = all(float(v).is_integer() for _, values in rows for v in values.values())
    top, step = nice_axis(max(totals, default=0), integer)
    scale = plot / top

    legend_items: list[LegendItem] = []
    if legend:
        x = label_width
        for key, css, text in series:
            if any(values.get(key) for _, values in rows):
                legend_items.append(LegendItem(x, x + 16, css, text))
                x += _text_width(text) + 28

    bars = []
    for i, ((label, values), text) in enumerate(zip(rows, shown, strict=True)):
        y = TOP + i * (BAR + GAP)
        x = label_width
        segments = []
        for key, css, name in series:
            value = values.get(key, 0)
            if value > 0:
                width = value * scale
                segments.append(Segment(round(x, 2), round(width, 2), css, f"{label} · {name}：{fmt_number(value)}"))
                x += width
        bars.append(Bar(label, y, y + BAR - 5, segments, text, round(x + 6, 2)))

    axis_y = TOP + len(rows) * (BAR + GAP)
    ticks = [Tick(round(label_width + k * step * scale, 2), fmt_number(k * step))
             for k in range(round(top / step) + 1)]
    return Chart(width=WIDTH, height=int(axis_y + AXIS), label_width=round(label_width, 2),
                 label_x=round(label_width - 6, 2), bar_height=BAR, grid_top=TOP - 4, axis_y=axis_y,
                 tick_y=axis_y + 15, bars=bars, ticks=ticks, legend=legend_items, empty=not rows)
