"""compute.derive looks rows up through indexes built once (it was quadratic); they must answer as
the original scans (_first_match, _same) do, on every committed sample."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

from macros_py.policy import compute
from macros_py.read.workbook import read_submission


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.xlsx")), ids=lambda p: p.name[:2])
def test_indexed_lookups_agree_with_the_scans(path, policy):
    sub = read_submission(path, policy)
    bases = [r.values for r in sub.rows("bases")]
    majors = [r.values for r in sub.rows("majors")]
    index = compute._Index(bases, "unit")
    for rec in sub.rows("conditions") + sub.rows("funding"):
        unit = rec.values.get("unit")
        assert rec.values["tier"] == compute._lookup(bases, "unit", unit, "tier") == index.lookup(unit, "tier")
    contents = policy.funding["contents"]
    for rec in sub.rows("funding"):
        unit = rec.values.get("unit")
        if rec.head:
            want = sum(compute.num(m.get("total")) for m in majors if compute._same(m.get("unit"), unit))
        else:
            i = contents.index(rec.content)
            want = sum(compute.num(m.get(f"content{i}")) for m in majors if compute._same(m.get("unit"), unit))
        assert rec.values["major_sum"] == pytest.approx(want)
