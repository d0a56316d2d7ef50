"""Submissions in the layout the notice prints: 附件7, 附件8 and 表4-2, filled in by hand."""

from __future__ import annotations

import json

import pytest
from conftest import requires_libreoffice
from openpyxl import load_workbook

from macros_py.write.printed import PRINTED_FOOTER
from macros_py.write.samples import write_samples

# The header rows exactly as the notice prints them (notice/000_…txt, 附件7 and 附件8).
NOTICE_HEADERS = {
    "附件7": ["编号", "项目单位", "属性", "项目所在地址", "推荐单位", "申报专业", "备注"],
    "附件8": ["序号", "推荐单位", "领办人", "申报单位", "单位\n性质", "项目所在地址", "类别", "工作室职业\n（工种）",
             "职业\n技能等级", "主要荣誉", "其他荣誉\n以及业绩", "工作室\n规模"],
}
TITLES = {"附件7": "市级高技能人才培训基地项目申报汇总表", "附件8": "市级技能大师工作室项目申报汇总表"}


@pytest.fixture(scope="module")
def sample(printed_sample):
    return printed_sample[0]


@pytest.fixture(scope="module")
def printed(printed_sample):
    path = printed_sample[1]
    return path, load_workbook(path)


def rows_of(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.mark.parametrize("label", ["附件7", "附件8"])
def test_the_forms_are_laid_out_as_the_notice_prints_them(printed, sample, label):
    _, wb = printed
    rows = rows_of(wb[label])
    headers = NOTICE_HEADERS[label]
    assert rows[0][0] == label
    assert rows[1][0] == TITLES[label]
    assert rows[2][0] == f"推荐单位：{sample.data['recommender']}（公章）"
    assert rows[3][:len(headers)] == headers
    key = "bases" if label == "附件7" else "studios"
    count = max(len(sample.data[key]), 4)
    assert [r[0] for r in rows[4:4 + count]] == list(range(1, count + 1))  # numbered rows, at least 1–4
    assert rows[4 + count][0] == PRINTED_FOOTER
    assert len(rows) == 5 + count


def test_the_forms_hold_the_submissions_values(printed, sample):
    _, wb = printed
    bases = rows_of(wb["附件7"])[4:]
    for row, data in zip(bases, sample.data["bases"], strict=False):
        assert row[1:6] == [data["unit"], data["attribute"], data["address"], sample.data["recommender"],
                            data["majors"]]
    studios = rows_of(wb["附件8"])[4:]
    for row, data in zip(studios, sample.data["studios"], strict=False):
        assert row[2] == data["leader"] and row[3] == data["unit"]
        assert row[11] == f"{data['area']:g}㎡ {data['members']}人"
    assert studios[len(sample.data["studios"])][1:] == [None] * 11  # a numbered empty row


def test_one_table_4_2_per_base_with_totals_and_shares(printed, sample, policy):
    _, wb = printed
    names = [n for n in wb.sheetnames if n.startswith("表4-2")]
    assert len(names) == len(sample.data["funding"])
    for name, block in zip(names, sample.data["funding"], strict=True):
        rows = rows_of(wb[name])
        assert rows[0][0] == "表4-2投入预算汇总" and rows[1][0] == f"项目单位：{block['unit']}"
        assert rows[2][0] == "内容" and rows[2][1] == "资金总预算及来源" and rows[2][9] == "合  计"
        tier = next(b["tier"] for b in sample.data["bases"] if b["unit"] == block["unit"])
        assert rows[3][1] == f"上级财政补助\n（{policy.tiers[tier].subsidy:g}万）"
        assert rows[3][3] == "所在地方财政\n投入" and rows[3][7] == "其他\n投入"
        assert rows[4][1:] == ["金额\n（万元）", "比例\n（%）"] * 5
        head, *contents = rows[5:9]
        assert head[0] == "合  计" and [r[0] for r in contents] == policy.funding["contents"]
        for i, amounts in enumerate(block["amounts"]):
            assert contents[i][1:9:2] == pytest.approx([a or 0 for a in amounts])
            assert contents[i][9] == pytest.approx(sum(a or 0 for a in amounts))
            assert sum(contents[i][2:10:2]) == pytest.approx(100, abs=0.05)  # typed shares, rounded
        assert head[1:10:2] == pytest.approx([sum(r[j] for r in contents) for j in range(1, 10, 2)])


def test_printed_samples_on_request_and_the_rest_unchanged(tmp_path, policy):
    from macros_py.model.paths import SAMPLES_DIR

    write_samples(tmp_path, policy, printed=2)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    printed_files = [f["file"] for f in manifest["files"] if f["layout"] == "printed"]
    assert len(printed_files) == 2
    assert not {b["file"] for b in manifest["breaks"]} & set(printed_files)
    for entry in manifest["files"]:
        wb = load_workbook(tmp_path / entry["file"], read_only=True)
        if entry["file"] in printed_files:
            assert wb.sheetnames[:2] == ["附件7", "附件8"]
        else:
            assert (tmp_path / entry["file"]).read_bytes() == (SAMPLES_DIR / entry["file"]).read_bytes()


@requires_libreoffice
def test_libreoffice_opens_the_printed_layout(printed, libreoffice):
    path, wb = printed
    again = load_workbook(libreoffice.round_trip[path])
    assert again.sheetnames == wb.sheetnames
    assert rows_of(again["附件8"])[3] == NOTICE_HEADERS["附件8"]
