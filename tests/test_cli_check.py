"""`shenbao check`: console summary, exit codes, --json, --annotate (the input never written), --html."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile

import pytest
from conftest import SAMPLES, requires_libreoffice
from openpyxl import load_workbook

from macros_py.cli.main import main
from macros_py.model.findings import FINDING_KEYS
from macros_py.write.print_areas import formula_print_areas
from macros_py.write.results_sheet import HEADER_ROW

BROKEN = SAMPLES / "01_平城区人力资源和社会保障局.xlsx"
CLEAN = SAMPLES / "10_左云县人力资源和社会保障局.xlsx"


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_clean_file_exits_0(capsys):
    assert main(["check", str(CLEAN)]) == 0
    out = capsys.readouterr().out
    assert "合计：错误 0，警告 0，提示 0" in out


def test_errors_exit_1_and_are_listed_as_sheet_and_cell(capsys):
    assert main(["check", str(BROKEN)]) == 1
    out = capsys.readouterr().out
    assert "错误 1，警告 1" in out and "B-SUBSIDY" in out and "经费预算!D5" in out and "修改：" in out
    assert "按规则" in out


def test_unusable_file_exits_2_and_the_others_are_still_checked(tmp_path, capsys):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook, just text\n")
    assert main(["check", str(bad), str(BROKEN)]) == 2
    out = capsys.readouterr().out
    assert "无法使用" in out and "B-SUBSIDY" in out and "Traceback" not in out


def test_json_is_a_list_of_findings_with_the_agreed_keys(tmp_path):
    out = tmp_path / "问题.json"
    main(["check", str(BROKEN), "--json", str(out)])
    data = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(data, list) and len(data) == 2
    assert all(list(item) == list(FINDING_KEYS) for item in data)
    assert {(d["rule"], d["sheet"], d["cell"], d["severity"]) for d in data} == {
        ("B-SUBSIDY", "经费预算", "D5", "错误"), ("B-MAJOR-BUDGET", "经费预算", "M6", "警告")}


def test_annotate_writes_a_marked_copy_and_never_the_input(tmp_path):
    src = shutil.copy(BROKEN, tmp_path / BROKEN.name)
    before = sha(src)
    out = tmp_path / "批注.xlsx"
    assert main(["check", str(src), "--annotate", str(out)]) == 1
    assert sha(src) == before
    wb = load_workbook(out)
    d5, m6 = wb["经费预算"]["D5"], wb["经费预算"]["M6"]
    assert d5.fill.fgColor.rgb.endswith("FFC7CE") and m6.fill.fgColor.rgb.endswith("FFEB9C")
    assert "B-SUBSIDY" in d5.comment.text and "修改：" in d5.comment.text
    ws = wb["校验结果"]
    assert wb.sheetnames[0] == "校验结果" and ws.max_row == HEADER_ROW + 2
    links = {ws.cell(r, 5).value: ws.cell(r, 5).hyperlink.location for r in (HEADER_ROW + 1, HEADER_ROW + 2)}
    assert links == {"D5": "'经费预算'!D5", "M6": "'经费预算'!M6"}
    # The data sheets' print areas are formulas, which openpyxl drops on loading: the copy keeps them all.
    areas = formula_print_areas(out)
    assert areas == formula_print_areas(src) and len(areas) == 6 and all(a.startswith("OFFSET(") for a in areas.values())


def test_annotate_refuses_to_overwrite_the_input(tmp_path, capsys):
    src = shutil.copy(BROKEN, tmp_path / BROKEN.name)
    before = sha(src)
    assert main(["check", str(src), "--annotate", str(src)]) == 2
    assert sha(src) == before and "原文件" in capsys.readouterr().err


def test_annotate_several_files_into_a_folder_and_keep_vba(tmp_path):
    from test_read_workbook import VBA_BYTES, _with_vba

    xlsm = _with_vba(BROKEN, tmp_path / "宏.xlsm")
    before = sha(xlsm)
    folder = tmp_path / "批注"
    main(["check", str(xlsm), str(CLEAN), "--annotate", str(folder)])
    assert sha(xlsm) == before
    marked = folder / "宏_校验.xlsm"
    assert marked.exists() and (folder / (CLEAN.stem + "_校验.xlsx")).exists()
    with zipfile.ZipFile(marked) as z:
        assert z.read("xl/vbaProject.bin") == VBA_BYTES


def test_html_report_is_self_contained_and_escaped(tmp_path):
    bad = tmp_path / "<script>.xlsx"
    bad.write_bytes(b"")
    out = tmp_path / "报告.html"
    main(["check", str(BROKEN), str(bad), "--html", str(out)])
    html = out.read_text(encoding="utf-8")
    assert "B-SUBSIDY" in html and "经费预算!D5" in html and "无法使用" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "http://" not in html and "https://" not in html


def test_max_findings_gives_a_partial_report(capsys):
    assert main(["check", str(BROKEN), str(CLEAN), "--max-findings", "1", "--brief"]) == 1
    assert "不完整" in capsys.readouterr().out


def test_missing_files_is_a_chinese_usage_error(capsys):
    with pytest.raises(SystemExit):
        main(["check"])
    assert "缺少" in capsys.readouterr().err


def test_bad_limit_is_a_chinese_usage_error(capsys):
    assert main(["check", "--max-findings", "0", str(CLEAN)]) == 2
    assert "正整数" in capsys.readouterr().err


@requires_libreoffice
def test_libreoffice_opens_the_annotated_copy(tmp_path):
    from macros_py.write.libreoffice import convert

    out = tmp_path / "批注.xlsx"
    main(["check", str(BROKEN), "--annotate", str(out)])
    (converted,) = convert([out], tmp_path / "lo")
    wb = load_workbook(converted)
    assert wb["校验结果"][f"C{HEADER_ROW + 1}"].value == "B-SUBSIDY" and wb["经费预算"]["D5"].comment is not None
