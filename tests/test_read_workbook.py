"""Reading any county file: the template's values, and every kind of bad input named in the issue —
each gets a finding or a clear Chinese reason, never a traceback."""

from __future__ import annotations

import io
import re
import shutil
import struct
import tracemalloc
import zipfile

import pytest
from conftest import SAMPLES, at, requires_libreoffice
from openpyxl import Workbook, load_workbook

from macros_py.check.engine import check_paths, check_submission
from macros_py.model.errors import UnusableFileError
from macros_py.model.findings import FILE_IGNORED, FILE_UNUSABLE, INFO
from macros_py.read.workbook import read_submission
from macros_py.write.fill import write_filled

SAMPLE = SAMPLES / "01_平城区人力资源和社会保障局.xlsx"


def unusable(path, policy, *words):
    with pytest.raises(UnusableFileError) as err:
        read_submission(path, policy)
    text = str(err.value)
    assert re.search(r"[\u4e00-\u9fff]", text) and all(w in text for w in words), text
    report = check_paths([path], policy)
    assert report.exit_code == 2 and report.files[0].status == FILE_UNUSABLE
    (f,) = report.findings
    assert f.rule == "C-TEMPLATE" and f.file == path.name and text in f.message
    return text


# ------------------------------------------------------------------ the template, read back

def test_template_values_are_typed_and_formulas_recomputed(policy):
    sub = read_submission(SAMPLE, policy)
    assert sub.layout == "template" and sub.template_version == "2025.1" and sub.template_year == 2025
    assert sub.recommender == "平城区人力资源和社会保障局" and (sub.recommender_sheet, sub.recommender_cell) == ("填报说明", "C3")
    cond = sub.rows("conditions")[0]
    # openpyxl wrote no cached values: every formula column comes from compute.derive
    assert cond.values["ratio"] == cond.values["trainees"] / cond.values["teachers"]
    assert cond.values["tier"] == sub.rows("bases")[0].values["tier"] and cond.values["supported_tier"]
    assert isinstance(cond.values["training"], int)
    head = sub.rows("funding")[0]
    assert head.head and head.values["amount0"] == sum(r.values["amount0"] for r in sub.rows("funding")[1:4])
    assert cond.cells["ratio"] == "N4" and cond.sheet == "基地条件" and cond.row == 4
    assert len(sub.sha256) == 64 and sub.size == SAMPLE.stat().st_size


def test_a_stale_cached_value_is_not_trusted(tmp_path, clean_data, policy):
    path = write_filled(tmp_path / "s.xlsx", clean_data, policy)
    wb = load_workbook(path)
    wb["基地条件"]["N4"] = 99          # a 师生比 typed over the formula
    wb["经费预算"]["D5"] = 1           # a 合计 typed over the SUM
    wb.save(path)
    findings = check_submission(read_submission(path, policy), policy)
    assert not at(findings, "B-RATIO", "基地条件", "N4") and not at(findings, "B-SUBSIDY", "经费预算", "D5")


def test_numbers_and_dates_typed_as_text_are_read(tmp_path, clean_data, policy):
    c = clean_data["conditions"][0]
    c.update(training=f" {c['training']} ", certs=str(c["certs"]).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
             teachers=f"{c['teachers']}人", coop=f"{c['coop']}家")
    amounts = clean_data["funding"][0]["amounts"]
    amounts[0][0] = f"{amounts[0][0]:g}万"
    m = clean_data["masters"][0]
    born = m["birth"]
    m["birth"] = f"{born.year}年{born.month}月"
    path = write_filled(tmp_path / "t.xlsx", clean_data, policy)
    sub = read_submission(path, policy)
    cond = sub.rows("conditions")[0]
    assert all(isinstance(cond.values[k], int | float) for k in ("training", "certs", "teachers", "coop"))
    birth = sub.rows("masters")[0].values["birth"]
    assert (birth.year, birth.month) == (born.year, born.month)
    # Read as numbers and a date, they break nothing (B-SUBSIDY, S-ID's 出生年月 agreement included).
    assert check_submission(sub, policy) == []


def test_formula_cells_without_cached_values(policy):
    # Every sample was written by openpyxl: no formula cell has a cached value, yet the checks run.
    report = check_paths([SAMPLE], policy)
    assert {f.rule for f in report.findings} == {"B-SUBSIDY", "B-MAJOR-BUDGET"}


# ------------------------------------------------------------------ bad input

def test_csv_renamed_xlsx(tmp_path, policy):
    path = tmp_path / "名单.xlsx"
    path.write_text("项目单位,属性\n大同市职业学校,政府办\n", encoding="utf-8")
    unusable(path, policy, "CSV")


def test_empty_file(tmp_path, policy):
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    unusable(path, policy, "空")


def test_truncated_zip(tmp_path, policy):
    path = tmp_path / "截断.xlsx"
    path.write_bytes(SAMPLE.read_bytes()[: SAMPLE.stat().st_size // 2])
    unusable(path, policy, "损坏")


def test_corrupt_zip_member(tmp_path, policy):
    data = bytearray(SAMPLE.read_bytes())
    info = zipfile.ZipFile(SAMPLE).getinfo("xl/worksheets/sheet3.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 50
    data[start:start + 200] = bytes(200)
    path = tmp_path / "坏.xlsx"
    path.write_bytes(bytes(data))
    unusable(path, policy, "损坏")


def test_password_encrypted_workbook(tmp_path, policy):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    path = tmp_path / "加密.xlsx"
    with SAMPLE.open("rb") as src, path.open("wb") as dst:
        OOXMLFile(src).encrypt("1234", dst)
    assert msoffcrypto.OfficeFile(path.open("rb")).is_encrypted()
    unusable(path, policy, "加密", "密码")


def test_excel_lock_file(tmp_path, policy):
    path = tmp_path / "~$01_平城区.xlsx"
    path.write_bytes(b"\x0bAdministrator" + bytes(150))
    unusable(path, policy, "~$")
    folder = tmp_path / "收件"
    folder.mkdir()
    shutil.copy(path, folder / path.name)
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    report = check_paths([folder], policy)
    assert {f.file: f.status for f in report.files} == {path.name: FILE_IGNORED, SAMPLE.name: "ok"}
    assert report.exit_code == 1  # the sample's own 错误; an ignored lock file does not make it 2


def test_workbook_with_no_recognisable_table(tmp_path, policy):
    wb = Workbook()
    wb.active.append(["姓名", "金额"])
    wb.active.append(["张三", 12])
    path = tmp_path / "无关.xlsx"
    wb.save(path)
    unusable(path, policy, "附件7", "附件8")


def _sheet_zip(path, sheet_xml: bytes, **compress):
    """A minimal workbook around one worksheet part."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook {ns} xmlns:r="{rel}"><sheets><sheet name="S" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        '</Relationships>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml, **compress)
    return path


def _wrap(rows: bytes) -> bytes:
    return (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>" + rows + b"</sheetData></worksheet>")


def test_a_million_rows_stops_early_with_bounded_memory(tmp_path, policy):
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 1_000_001))
    path = _sheet_zip(tmp_path / "百万行.xlsx", _wrap(rows))
    del rows
    tracemalloc.start()
    text = unusable(path, policy, "行")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "100000" in text and peak < 30 * 1024 * 1024, peak


def test_two_cells_far_apart_are_refused_before_parsing(tmp_path, policy):
    # calamine allocates a sheet densely: A1 and XFD1048576 would be 17 billion cells.
    rows = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    unusable(_sheet_zip(tmp_path / "远.xlsx", _wrap(rows)), policy, "单元格")


def test_zip_declaring_a_huge_part_is_refused_before_inflating(tmp_path, policy):
    path = _sheet_zip(tmp_path / "炸弹.xlsx", _wrap(b'<row r="1"><c r="A1"><v>1</v></c></row>'))
    data = bytearray(path.read_bytes())
    # Patch the central directory's uncompressed size of the sheet part to 300 MB.
    name = b"xl/worksheets/sheet1.xml"
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        n = struct.unpack("<H", data[pos + 28:pos + 30])[0]
        if data[pos + 46:pos + 46 + n] == name:
            data[pos + 24:pos + 28] = struct.pack("<I", 300 * 1024 * 1024)
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))
    unusable(path, policy, "MB")


def test_zip_bomb_ratio_is_refused(tmp_path, policy):
    filler = b"<!--" + b" " * (30 * 1024 * 1024) + b"-->"
    path = _sheet_zip(tmp_path / "压缩比.xlsx", _wrap(filler + b'<row r="1"><c r="A1"><v>1</v></c></row>'))
    unusable(path, policy, "压缩")


def _with_vba(src, dst):
    """An .xlsm: the workbook with a vbaProject.bin part (bytes only; nothing here is ever run)."""
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"spreadsheetml.sheet.main+xml", b"PLACEHOLDER")
                data = data.replace(b"application/vnd.openxmlformats-officedocument.PLACEHOLDER",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                data = data.replace(b"<Default Extension=\"xml\"", b"<Default Extension=\"bin\" ContentType="
                                    b"\"application/vnd.ms-office.vbaProject\"/><Default Extension=\"xml\"")
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVBA" Type="http://schemas.microsoft.com/'
                                    b'office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
            zout.writestr(item, data)
        zout.writestr("xl/vbaProject.bin", VBA_BYTES)
    dst.write_bytes(out.getvalue())
    return dst


VBA_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name = \"Module1\"\r\nSub AutoOpen()\r\nEnd Sub\r\n" * 8


def test_xlsm_with_vba_is_read_and_noted(tmp_path, policy):
    path = _with_vba(SAMPLE, tmp_path / "宏.xlsm")
    sub = read_submission(path, policy)
    assert sub.has_vba and sub.layout == "template" and sub.notes
    findings = check_submission(sub, policy)
    (vba,) = [f for f in findings if f.rule == "C-TEMPLATE"]
    assert vba.severity == INFO and "没有运行" in vba.message
    assert {f.rule for f in findings} == {"B-SUBSIDY", "B-MAJOR-BUDGET", "C-TEMPLATE"}


@requires_libreoffice
def test_xls_is_read_like_the_xlsx(tmp_path, policy):
    from macros_py.write.libreoffice import convert

    (xls,) = convert([SAMPLE], tmp_path, fmt="xls")
    sub = read_submission(xls, policy)
    assert sub.layout == "template" and sub.recommender == "平城区人力资源和社会保障局"
    got = {(f.rule, f.sheet, f.cell) for f in check_submission(sub, policy)}
    assert got == {("B-SUBSIDY", "经费预算", "D5"), ("B-MAJOR-BUDGET", "经费预算", "M6")}


@requires_libreoffice
def test_a_workbook_renamed_to_another_format_is_read_by_its_content(tmp_path, policy):
    """An .xls (or a WPS .et) renamed .xlsx, and an .xlsx renamed .xls: read by what the bytes are, as
    the same file with its own extension is, and told so; before, calamine went by the extension and
    the file was 损坏."""
    from macros_py.write.libreoffice import convert

    (xls,) = convert([SAMPLE], tmp_path, fmt="xls")
    as_xlsx = tmp_path / "改名.xlsx"
    shutil.copy(xls, as_xlsx)
    as_xls = tmp_path / "改名.xls"
    shutil.copy(SAMPLE, as_xls)
    for renamed, original in ((as_xlsx, xls), (as_xls, SAMPLE)):
        sub, same = read_submission(renamed, policy), read_submission(original, policy)
        assert sub.recommender == same.recommender == "平城区人力资源和社会保障局"
        assert {k: len(v) for k, v in sub.sheets.items()} == {k: len(v) for k, v in same.sheets.items()}
        assert any("已按内容读取" in note for note in sub.notes)
        assert {(f.rule, f.sheet, f.cell) for f in check_submission(sub, policy)} == \
            {(f.rule, f.sheet, f.cell) for f in check_submission(same, policy)}
