"""Every rule ID in the engine's registry has a test that breaks it at a known cell and asserts that
rule at that cell (the BREAKS tables of the family test files), and every county-side ID of
docs/RULES.md is in the registry (test_rule_catalog)."""

from __future__ import annotations

import test_intake_reading
import test_rules_bases
import test_rules_common
import test_rules_funding
import test_rules_ident
import test_rules_recommender
import test_rules_studios

from macros_py.check import engine  # noqa: F401  (registers the rules)
from macros_py.rules.catalog import county_ids
from macros_py.rules.registry import REGISTRY

FAMILIES = (test_rules_bases, test_rules_funding, test_rules_studios, test_rules_ident, test_rules_common,
            test_rules_recommender, test_intake_reading)


def covered() -> set[str]:
    return set().union(*(module.RULES for module in FAMILIES))


def test_every_registered_county_rule_has_a_break_test():
    # C-TEMPLATE and C-EMPTY are about the file as a whole: test_rules_common breaks them without a cell.
    missing = (set(REGISTRY) - {"C-TEMPLATE"}) - covered()
    assert not missing, f"rules without a break-at-a-known-cell test: {sorted(missing)}"


def test_every_county_side_id_of_rules_md_is_covered():
    assert set(county_ids()) <= covered()


def test_c_template_is_tested_too():
    # Bureau-side in RULES.md, but the county check reports it (version, VBA, unusable files).
    import test_read_workbook

    assert hasattr(test_rules_common, "test_other_template_version_is_a_warning")
    assert hasattr(test_read_workbook, "test_xlsm_with_vba_is_read_and_noted")


def test_c_empty_is_tested_too():
    assert hasattr(test_rules_common, "test_c_empty_a_blank_template_is_an_error_for_the_file")
