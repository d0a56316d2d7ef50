"""Chart geometry of the HTML report: round axes, bars proportional to their values."""

import pytest

from macros_py.report.charts import fmt_money, fmt_number, nice_axis, stacked_bars

SERIES = [("A", "ser-a", "A档"), ("B", "ser-b", "B档")]


@pytest.mark.parametrize(("value", "integer", "top", "step"), [
    (9, True, 10, 5), (14, True, 15, 5), (1, True, 1, 1), (3, True, 3, 1), (0, True, 1, 1),
    (2448.7, False, 3000, 1000), (0.3, False, 0.3, 0.1), (0.31, False, 0.4, 0.1), (100, True, 100, 50),
])
def test_axis_is_round(value, integer, top, step):
    assert nice_axis(value, integer) == pytest.approx((top, step))


def test_bars_are_proportional_and_stacked_in_series_order():
    chart = stacked_bars([("平城区", {"A": 2, "B": 3}), ("云冈区", {"B": 5}), ("新荣区", {})], SERIES)
    first, second, third = chart.bars
    assert [s.css for s in first.segments] == ["ser-a", "ser-b"]
    assert first.segments[0].x == chart.label_width
    assert first.segments[1].x == pytest.approx(first.segments[0].x + first.segments[0].width, abs=0.01)
    total_first = sum(s.width for s in first.segments)
    assert total_first == pytest.approx(second.segments[0].width, abs=0.02)   # 2+3 == 5
    assert third.segments == [] and third.total_text == "0"
    assert [t.text for t in chart.ticks] == ["0", "2", "4", "6"]
    end = first.segments[1].x + first.segments[1].width          # 5 of an axis that ends at 6
    assert end - chart.label_width == pytest.approx((chart.ticks[-1].x - chart.label_width) * 5 / 6, abs=0.02)
    assert [item.text for item in chart.legend] == ["A档", "B档"]
    assert chart.bars[1].y > chart.bars[0].y and chart.height > chart.axis_y


def test_total_text_gets_room_inside_the_picture():
    long = "2,448.70 万元（43.1%）"
    chart = stacked_bars([("行业企业投入", {"A": 2448.7})], SERIES[:1], total_text=lambda label, v: long, legend=False)
    bar = chart.bars[0]
    assert bar.total_text == long
    assert bar.total_x + 13 * 0.55 * len("2,448.70 ") + 13 * 8 <= chart.width   # digits half, CJK whole width
    assert chart.legend == []


def test_empty_chart():
    assert stacked_bars([], SERIES).empty


def test_number_formats():
    assert fmt_number(3.0) == "3" and fmt_number(1234.5) == "1,234.50"
    assert fmt_money(50) == "50.00"
