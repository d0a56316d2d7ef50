"""The 公示期 in working days (notice 二（四）: 5 个工作日) against chinese-calendar, including 春节 2026 and its
make-up workdays, the policy's own extra days, and a year the calendar does not cover."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from macros_py.model.errors import PolicyError, ShenbaoError
from macros_py.policy.load import load_policy
from macros_py.review.calendar import is_workday, publicity_period

D = dt.date


def test_the_spring_festival_2026_as_the_calendar_knows_it():
    # 2026 春节: 2-15 (Sun) … 2-23 (Mon) off; Saturdays 2-14 and 2-28 are make-up workdays (调休上班).
    assert all(chinese_calendar.is_holiday(D(2026, 2, d)) for d in range(15, 24))
    assert chinese_calendar.is_workday(D(2026, 2, 14)) and chinese_calendar.is_workday(D(2026, 2, 28))
    assert D(2026, 2, 14).weekday() == 5 and D(2026, 2, 28).weekday() == 5


@pytest.mark.parametrize("start, first, end", [
    (D(2026, 2, 11), D(2026, 2, 11), D(2026, 2, 24)),   # 11, 12, 13, 14 (Sat, make-up), 24
    (D(2026, 2, 14), D(2026, 2, 14), D(2026, 2, 27)),   # a make-up Saturday counts from itself
    (D(2026, 2, 15), D(2026, 2, 24), D(2026, 2, 28)),   # a holiday: from the next working day; 28 is a make-up day
    (D(2026, 2, 7), D(2026, 2, 9), D(2026, 2, 13)),     # an ordinary Saturday
    (D(2025, 12, 29), D(2025, 12, 29), D(2026, 1, 5)),  # across 元旦 2026 (1-1…1-3 off, Sunday 1-4 on)
])
def test_publicity_end_dates(start, first, end):
    got_first, got_end, days = publicity_period(start, 5)
    assert (got_first, got_end) == (first, end)
    assert len(days) == 5 and all(chinese_calendar.is_workday(d) for d in days)
    naive = [start + dt.timedelta(i) for i in range(40) if (start + dt.timedelta(i)).weekday() < 5][:5]
    if start == D(2026, 2, 11):
        assert naive[-1] == D(2026, 2, 17) != end  # Monday-to-Friday counting would end inside the holiday


def test_the_policys_extra_holidays_and_workdays():
    assert not is_workday(D(2026, 3, 2), extra_holidays=(D(2026, 3, 2),))
    assert is_workday(D(2026, 3, 1), extra_workdays=(D(2026, 3, 1),))
    first, end, _ = publicity_period(D(2026, 3, 2), 5, extra_holidays=(D(2026, 3, 2),))
    assert (first, end) == (D(2026, 3, 3), D(2026, 3, 9))


def test_a_year_the_calendar_does_not_cover_is_a_chinese_error():
    with pytest.raises(ShenbaoError, match=r"没有 2031 年的法定节假日"):
        publicity_period(D(2031, 3, 3), 5)


def _policy_with(tmp_path, old, new):
    from macros_py.policy.load import DEFAULT_POLICY

    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "policy.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_extra_days_come_from_the_policy_file(tmp_path):
    path = _policy_with(tmp_path, "extra_holidays = []", "extra_holidays = [2026-03-02]")
    assert load_policy(path).review.extra_holidays == (D(2026, 3, 2),)


@pytest.mark.parametrize("old, new, key", [
    ('method = "trimmed_mean"', 'method = "median"', "review.method"),
    ("extra_holidays = []", 'extra_holidays = ["明天"]', "review.extra_holidays"),
    ("panel_min = 5", "panel_min = 0", "review.panel_min"),
    ("pass_line = 60", "pass_line = 160", "review.pass_line"),
    ("name = \"规范管理\"\nmax = 20", "name = \"规范管理\"\nmax = 0", "review.base_criteria"),
])
def test_a_bad_review_section_names_its_key(tmp_path, old, new, key):
    with pytest.raises(PolicyError, match=key.replace(".", r"\.")):
        load_policy(_policy_with(tmp_path, old, new))
