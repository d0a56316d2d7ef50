"""C-RECOMMENDER (rules/recommender.py): the file's recommender is one the policy knows, by full name or
a registered alias; an unknown name is reported at the cell it was read from, naming what was found."""

from __future__ import annotations

import copy

import pytest

from macros_py.check.engine import check_submission
from macros_py.model.findings import ERROR
from macros_py.read.workbook import read_submission
from macros_py.write.fill import write_filled
from macros_py.write.printed import write_printed_submission

RULES = {"C-RECOMMENDER"}


def _found(path, policy):
    return [f for f in check_submission(read_submission(path, policy), policy) if f.rule == "C-RECOMMENDER"]


def test_an_unknown_recommender_in_the_template_is_c_recommender_at_its_cell(tmp_path, clean_data, policy, schema):
    data = copy.deepcopy(clean_data)
    data["recommender"] = "大同市某某协会"
    [f] = _found(write_filled(tmp_path / "t.xlsx", data, policy), policy)
    assert (f.severity, f.sheet, f.cell, f.value) == (ERROR, schema.guide_title, schema.recommender_cell, "大同市某某协会")
    assert "大同市某某协会" in f.message


@pytest.mark.parametrize("name", ["市卫健委", "大同市教育局", "平城区人社局", "城区人社局", "市就业中心", "大同市云州区人力资源社会保障局"])
def test_full_names_and_aliases_pass(tmp_path, clean_data, policy, name):
    data = copy.deepcopy(clean_data)
    data["recommender"] = name
    assert _found(write_printed_submission(tmp_path / "p.xlsx", data, policy), policy) == []


def test_an_unknown_name_on_the_printed_line_is_reported_at_the_line(tmp_path, clean_data, policy):
    data = copy.deepcopy(clean_data)
    data["recommender"] = "平城区教育局"          # a county's education bureau is not a recommender
    [f] = _found(write_printed_submission(tmp_path / "p.xlsx", data, policy), policy)
    assert (f.sheet, f.cell, f.value) == ("附件7", "A3", "平城区教育局")
