"""The embedded samples: seeded, byte-identical on regeneration, and the manifest tells the truth."""

from __future__ import annotations

import json
import re

import pytest
from conftest import SAMPLE_FILES as SAMPLES
from openpyxl import load_workbook
from openpyxl.utils import coordinate_to_tuple

from macros_py.model.paths import PROJECT_ROOT, SAMPLES_DIR
from macros_py.write.samples import generate, write_samples

MANIFEST = json.loads((SAMPLES_DIR / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory, policy):
    from macros_py.review.example import write_review_example

    out = tmp_path_factory.mktemp("samples")
    write_samples(out, policy, seed=MANIFEST["seed"])
    write_review_example(out, policy, seed=MANIFEST["seed"])
    return out


def test_regenerating_with_the_same_seed_gives_the_same_bytes_and_manifest(regenerated):
    """The samples and the review example in 评审示例/ (its 评分表 and 复核表 included)."""
    def files(root):
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                      if p.is_file() and not p.name.startswith("."))

    names = files(regenerated)
    assert names == files(SAMPLES_DIR)
    assert "评审示例/回收/复核表.xlsx" in names
    for name in names:
        assert (regenerated / name).read_bytes() == (SAMPLES_DIR / name).read_bytes(), (
            f"{name} is stale: run python -m macros_py samples --force")


def test_another_seed_gives_other_submissions(policy):
    first, other = generate(policy, seed=MANIFEST["seed"]), generate(policy, seed=MANIFEST["seed"] + 1)
    assert [s.data["bases"] for s in first] != [s.data["bases"] for s in other]


def test_one_sample_per_recommender_with_the_counts_the_manifest_gives(schema):
    assert [f["file"] for f in MANIFEST["files"]] == [p.name for p in SAMPLES]
    bases, studios = schema.sheet("bases"), schema.sheet("studios")
    for entry, path in zip(MANIFEST["files"], SAMPLES, strict=True):
        wb = load_workbook(path)
        assert wb[schema.guide_title][schema.recommender_cell].value == entry["recommender"]
        filled = [r for r in range(bases.first_row, bases.last_row + 1) if wb[bases.title].cell(r, 2).value]
        assert len(filled) == entry["bases"] >= 1
        leaders = [r for r in range(studios.first_row, studios.last_row + 1)
                   if wb[studios.title].cell(r, studios.keys().index("leader") + 1).value]
        assert len(leaders) == entry["studios"]


def rule_ids() -> set[str]:
    text = (PROJECT_ROOT / "docs" / "RULES.md").read_text(encoding="utf-8")
    return set(re.findall(r"\|\s*([A-Z]-[A-Z-]+)", text)) | set(re.findall(r",\s*([A-Z]-[A-Z-]+)", text))


def test_every_break_names_a_rule_of_rules_md_and_a_data_cell_of_a_real_sheet(schema):
    known = rule_ids()
    by_title = {s.title: s for s in schema.sheets}
    assert len(MANIFEST["breaks"]) >= 8
    for brk in MANIFEST["breaks"]:
        for mark in [brk, *brk["also"]]:
            assert mark["rule"] in known, mark
            sheet = by_title[mark["sheet"]]
            row, col = coordinate_to_tuple(mark["cell"])
            assert sheet.first_row <= row <= sheet.last_row and col <= len(sheet.columns), mark
        assert brk["note"] and re.search(r"[\u4e00-\u9fff]", brk["note"])


def test_the_breaks_are_in_the_files(schema):
    """Spot checks of the typed values the manifest's notes describe."""
    by_file = {b["file"]: b for b in MANIFEST["breaks"] if b["rule"] == "C-PHONE"}
    for name, brk in by_file.items():
        value = load_workbook(SAMPLES_DIR / name)[brk["sheet"]][brk["cell"]].value
        assert not value.startswith("1")
    dup = next(b for b in MANIFEST["breaks"] if b["rule"] == "B-DUP")
    unit = load_workbook(SAMPLES_DIR / dup["file"])[dup["sheet"]][dup["cell"]].value
    other = re.search(r"与 (\S+\.xlsx)", dup["note"]).group(1)
    assert unit in [c.value for c in load_workbook(SAMPLES_DIR / other)[dup["sheet"]]["B"]]
