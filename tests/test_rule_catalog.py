"""The rule catalog against the project's own rule list (docs/RULES.md), and the registry against both:
every RULES.md ID has one catalog entry, and every county-side ID has a registered rule function."""

from __future__ import annotations

import re
import string

import pytest
from conftest import ROOT

from macros_py.check import engine  # noqa: F401  (registers the rules)
from macros_py.model.findings import SEVERITY_ORDER
from macros_py.rules.catalog import BUREAU, CATALOG, COUNTY, NA, REVIEW, county_ids, render
from macros_py.rules.registry import REGISTRY

_ID = re.compile(r"^[BSCR]-[A-Z]+(?:-[A-Z]+)*$")


def rules_md() -> dict[str, tuple[str, str]]:
    """ID -> (severity column, where column) from every table row of docs/RULES.md."""
    out = {}
    for line in (ROOT / "docs" / "RULES.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4:
            continue
        ids = [i.strip() for i in cells[0].split(",")]
        if not all(_ID.match(i) for i in ids):
            continue
        for rule_id in ids:
            out[rule_id] = (cells[2], cells[3])
    return out


def test_rules_md_parses_to_the_known_families():
    ids = rules_md()
    assert len(ids) >= 35 and {"B-REQ", "S-ID", "C-EMAIL", "C-POSTCODE", "C-MISSING"} <= set(ids)


def test_catalog_ids_equal_rules_md_ids():
    assert set(CATALOG) == set(rules_md())


@pytest.mark.parametrize("rule_id", sorted(rules_md()))
def test_catalog_agrees_with_rules_md(rule_id):
    severity, where = rules_md()[rule_id]
    spec = CATALOG[rule_id]
    assert spec.where == {"county": COUNTY, "bureau": BUREAU, "review": REVIEW}[where]
    assert spec.severity == severity.split("/")[0]
    # Every severity RULES.md names for the rule is one of its cases' severities.
    assert set(severity.split("/")) <= {c.severity for c in spec.cases.values()}
    assert spec.title and NA in spec.cases


def test_registry_covers_exactly_the_county_side_ids():
    county = {i for i, (_, where) in rules_md().items() if where == "county"}
    assert set(county_ids()) == county
    registered = set(REGISTRY)
    assert county <= registered, f"county-side IDs without a rule function: {county - registered}"
    # Besides them only C-TEMPLATE (what the reader learns about the file; see rules_common).
    assert registered - county == {"C-TEMPLATE"}


def test_rules_declare_only_catalog_ids():
    for rule in REGISTRY.values():
        assert set(rule.emits) <= set(CATALOG), rule.id


@pytest.mark.parametrize("rule_id", sorted(CATALOG))
def test_every_template_renders_with_its_placeholders(rule_id):
    for name, case in CATALOG[rule_id].cases.items():
        assert case.severity in SEVERITY_ORDER
        fields = {f for text in (case.message, case.hint) for _, f, _, _ in string.Formatter().parse(text) if f}
        severity, message, hint = render(rule_id, name, {f: "X" for f in fields})
        assert "{" not in message + hint and message.strip() and hint.strip(), (rule_id, name)


def test_meta_label_matches_the_template_writer():
    from macros_py.read.template import META_LABEL
    from macros_py.write.template import META_ROWS

    assert META_ROWS[0] == META_LABEL
