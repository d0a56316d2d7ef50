"""The policy file's [review] section: how the expert panel scores, ranks and publishes (notice 二（二）–（五）).

Checked when the policy is loaded (load_policy calls check_review), so a wrong method, a criterion
without a maximum or a date that is not a date stops the run with a Chinese message naming the key.
The criteria the file ships are an example (评审实施方案 decides them); the code never names one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

METHOD_MEAN = "mean"
METHOD_TRIMMED = "trimmed_mean"
METHODS = {METHOD_MEAN: "全部专家评分的平均分", METHOD_TRIMMED: "去掉一个最高分和一个最低分后的平均分"}
KIND_BASE, KIND_STUDIO = "base", "studio"


@dataclass(frozen=True)
class Criterion:
    name: str
    max: float
    basis: str


@dataclass(frozen=True)
class ReviewPolicy:
    method: str
    pass_line: float | None
    decimals: int
    panel_min: int
    panel_odd: bool
    allow_lower_tier: bool
    studio_subsidy: float
    objection_contact: str
    extra_holidays: tuple[dt.date, ...]
    extra_workdays: tuple[dt.date, ...]
    criteria_note: str
    base_criteria: tuple[Criterion, ...]
    studio_criteria: tuple[Criterion, ...]
    publicity_days: int

    def criteria(self, kind: str) -> tuple[Criterion, ...]:
        return self.base_criteria if kind == KIND_BASE else self.studio_criteria

    @property
    def method_text(self) -> str:
        return METHODS[self.method]


def _number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def check_review(raw: dict, fail) -> ReviewPolicy:
    """The checked [review] section; `fail(key, what)` builds the PolicyError that names the key."""
    sec = raw.get("review")
    if not isinstance(sec, dict):
        raise fail("review", "缺少评审参数（[review] 一节）")

    def need(key, ok, what):
        if key not in sec:
            raise fail(f"review.{key}", "缺少此项")
        if not ok(sec[key]):
            raise fail(f"review.{key}", f"应为{what}，实际为 {sec[key]!r}")
        return sec[key]

    method = need("method", lambda v: v in METHODS, "“mean”或“trimmed_mean”")
    pass_line = sec.get("pass_line")
    if pass_line is not None and (not _number(pass_line) or pass_line < 0):
        raise fail("review.pass_line", f"应为不小于 0 的数字，实际为 {pass_line!r}")
    decimals = need("score_decimals", lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 4,
                    "0–4 的整数")
    panel_min = need("panel_min", lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1, "正整数")
    panel_odd = need("panel_odd", lambda v: isinstance(v, bool), "true 或 false")
    lower = need("allow_lower_tier", lambda v: isinstance(v, bool), "true 或 false")
    studio_subsidy = need("studio_subsidy", lambda v: _number(v) and v >= 0, "不小于 0 的数字")
    contact = need("objection_contact", lambda v: isinstance(v, str) and v.strip(), "文本")
    note = need("criteria_note", lambda v: isinstance(v, str) and v.strip(), "文本")

    def dates(key):
        return tuple(need(key, lambda v: isinstance(v, list) and all(
            isinstance(d, dt.date) and not isinstance(d, dt.datetime) for d in v), "日期列表（如 [2026-05-06]）"))

    holidays, workdays = dates("extra_holidays"), dates("extra_workdays")
    both = set(holidays) & set(workdays)
    if both:
        raise fail("review.extra_workdays", f"{sorted(both)[0]} 同时列为放假日和调休上班日")
    if method == METHOD_TRIMMED and panel_min < 3:
        raise fail("review.panel_min", "去掉最高分和最低分至少需要 3 名专家")

    def criteria(key):
        items = sec.get(key)
        if not isinstance(items, list) or not items:
            raise fail(f"review.{key}", "缺少评分项目（[[review." + key + "]]，每项有 name、max、basis）")
        out = []
        for i, item in enumerate(items, start=1):
            name, top, basis = item.get("name"), item.get("max"), item.get("basis", "")
            if not isinstance(name, str) or not name.strip():
                raise fail(f"review.{key}", f"第 {i} 个评分项目缺少名称（name）")
            if not _number(top) or top <= 0:
                raise fail(f"review.{key}", f"评分项目“{name}”的满分（max）应为正数，实际为 {top!r}")
            if not isinstance(basis, str):
                raise fail(f"review.{key}", f"评分项目“{name}”的依据（basis）应为文本")
            out.append(Criterion(name.strip(), float(top), basis))
        names = [c.name for c in out]
        if len(set(names)) != len(names):
            raise fail(f"review.{key}", "评分项目名称重复")
        if pass_line is not None and pass_line > sum(c.max for c in out):
            raise fail("review.pass_line", f"及格线 {pass_line} 高于 {key} 的满分合计 {sum(c.max for c in out):g}")
        return tuple(out)

    return ReviewPolicy(method, float(pass_line) if pass_line is not None else None, decimals, panel_min, panel_odd,
                        lower, float(studio_subsidy), contact.strip(), holidays, workdays, note.strip(),
                        criteria("base_criteria"), criteria("studio_criteria"),
                        raw["notice"]["publicity_working_days"])
