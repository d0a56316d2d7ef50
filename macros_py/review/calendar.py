"""Working days for the 公示期 (notice 二（四）: 公示 5 个工作日): China's official holidays and 调休 make-up
workdays from the chinese-calendar package, plus the policy's own extra holidays and workdays.

Monday-to-Friday counting is wrong around every holiday (春节 2026: 2-15…2-23 off, 2-14 and 2-28 on).
A year the package does not cover is an error in Chinese, never a guess.
"""

from __future__ import annotations

import datetime as dt

from macros_py.model.errors import ShenbaoError


def is_workday(day: dt.date, extra_holidays=(), extra_workdays=()) -> bool:
    if day in extra_holidays:
        return False
    if day in extra_workdays:
        return True
    import chinese_calendar

    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        version = getattr(chinese_calendar, "__version__", "")
        raise ShenbaoError(
            f"chinese-calendar {version} 没有 {day.year} 年的法定节假日和调休安排，无法计算公示期的工作日。"
            f"请升级 chinese-calendar（pip install -U chinese-calendar），或在国务院公布 {day.year} 年放假安排后再运行。"
        ) from None


def publicity_period(start: dt.date, days: int, extra_holidays=(), extra_workdays=()) -> tuple[dt.date, dt.date,
                                                                                                  list[dt.date]]:
    """(first day, last day, the working days) of a 公示期 of `days` working days from `start`: counted from
    `start` if it is a working day, else from the next working day."""
    if days < 1:
        raise ShenbaoError("公示期的工作日数应至少为 1。")
    counted: list[dt.date] = []
    day = start
    for _ in range(days * 7 + 60):  # a 公示期 never spans more than a long holiday
        if is_workday(day, extra_holidays, extra_workdays):
            counted.append(day)
            if len(counted) == days:
                return counted[0], counted[-1], counted
        day += dt.timedelta(days=1)
    raise ShenbaoError(f"从 {start} 起找不到 {days} 个工作日，请检查政策文件 review.extra_holidays。")
