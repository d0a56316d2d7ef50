"""`shenbao report MASTER.xlsx -o REPORT.html`: the report of a master from the summary it carries."""

import datetime as dt

import openpyxl
import pytest

from macros_py.cli.main import main
from macros_py.policy.load import default_policy
from macros_py.report.html import render_report
from macros_py.write.master import store_summary
from macros_py.write.xlsx_book import Book
from tests.summary_factory import make_summary


@pytest.fixture(scope="module")
def summary():
    return make_summary(default_policy(), 8)


def write_master_of(summary, path):
    """A workbook that carries a summary the way the merge's master does."""
    book = Book(dt.datetime(2025, 11, 28))
    book.sheet("汇总")
    store_summary(book, summary)
    return book.save(path)


@pytest.fixture
def master(tmp_path, summary):
    return write_master_of(summary, tmp_path / "汇总_2025.xlsx")


def test_report_of_a_master_is_the_report_of_its_summary(master, summary, tmp_path, capsys):
    out = tmp_path / "报告.html"
    assert main(["report", str(master), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == render_report(summary, default_policy())
    assert "已生成汇总报告" in capsys.readouterr().out


def test_refuses_to_overwrite_without_force(master, tmp_path, capsys):
    out = tmp_path / "报告.html"
    out.write_text("旧报告", encoding="utf-8")
    assert main(["report", str(master), "-o", str(out)]) == 2
    assert "已存在" in capsys.readouterr().err and out.read_text(encoding="utf-8") == "旧报告"
    assert main(["report", str(master), "-o", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_workbook_that_is_not_a_master(tmp_path, capsys):
    plain = tmp_path / "县区报送.xlsx"
    openpyxl.Workbook().save(plain)
    out = tmp_path / "报告.html"
    assert main(["report", str(plain), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "不是 shenbao merge 生成的汇总工作簿" in err and "汇总数据" in err
    assert not out.exists()


def test_a_file_that_is_not_a_workbook(tmp_path, capsys):
    bogus = tmp_path / "说明.xlsx"
    bogus.write_text("这不是工作簿", encoding="utf-8")
    assert main(["report", str(bogus), "-o", str(tmp_path / "r.html")]) == 2
    assert "无法打开汇总工作簿" in capsys.readouterr().err


def test_missing_master_and_wrong_output_name(tmp_path, master, capsys):
    assert main(["report", str(tmp_path / "没有.xlsx"), "-o", str(tmp_path / "r.html")]) == 2
    assert "找不到汇总工作簿" in capsys.readouterr().err
    assert main(["report", str(master), "-o", str(tmp_path / "r.pdf")]) == 2
    assert ".html" in capsys.readouterr().err


def test_a_master_of_another_year_needs_its_policy(tmp_path, summary, capsys):
    other = make_summary(default_policy(), 2)
    other.policy_year = 2026
    path = write_master_of(other, tmp_path / "汇总_2026.xlsx")
    assert main(["report", str(path), "-o", str(tmp_path / "r.html")]) == 2
    assert "2026 年度" in capsys.readouterr().err
