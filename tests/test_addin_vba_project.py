"""The source-only VBA project: oletools reads back each module byte for byte, in code page 936."""

import io
import re

import olefile
import pytest
from oletools import olevba

from macros_py.addin.vba_compression import decompress
from macros_py.addin.vba_project import (
    CODE_PAGE,
    DOCUMENT,
    MODULE,
    WORKBOOK_BASE,
    WORKSHEET_BASE,
    VbaProjectError,
    build_vba_project,
    decrypt,
    document_module,
    encrypt,
    normalize_source,
    project_id,
    standard_module,
)

CHINESE_MODULE = 'Attribute VB_Name = "Zh"\n\' 注释：大同市高技能人才\nPublic Const TITLE As String = "申报"\n'


def _modules():
    return [
        document_module("ThisWorkbook", WORKBOOK_BASE, "Private Sub Workbook_Open()\nEnd Sub\n"),
        document_module("Sheet1", WORKSHEET_BASE),
        standard_module("Module1", 'Attribute VB_Name = "Module1"\r\nSub Run()\r\n    x = 1\r\nEnd Sub'),
        standard_module("Zh", CHINESE_MODULE),
    ]


def _read_back(data: bytes):
    """Parse with oletools, strictly (relaxed=False raises on unexpected records)."""
    ole = olefile.OleFileIO(io.BytesIO(data))
    project = olevba.VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)
    project.parse_project_stream()
    list(project.parse_modules())
    return ole, project


def test_oletools_gives_every_module_back_byte_identical():
    modules = _modules()
    _, project = _read_back(build_vba_project(modules, "demo"))
    assert project.codepage == CODE_PAGE
    assert [m.name for m in project.modules] == [m.name for m in modules]
    for mine, theirs in zip(modules, project.modules, strict=True):
        assert theirs.textoffset == 0  # MODULEOFFSET 0: source only, no performance cache
        assert theirs.code_raw == mine.source.encode("gbk")
        assert theirs.code == mine.source  # decoded with the project's code page


def test_chinese_text_is_stored_in_gbk():
    _, project = _read_back(build_vba_project(_modules(), "demo"))
    zh = next(m for m in project.modules if m.name == "Zh")
    assert "大同市高技能人才".encode("gbk") in zh.code_raw


def test_project_streams_have_the_fixed_layout():
    data = build_vba_project(_modules(), "demo")
    ole = olefile.OleFileIO(io.BytesIO(data))
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")
    text = ole.openstream("PROJECT").read().decode("gbk")
    pid = project_id("demo")
    lines = text.split("\r\n")
    assert lines[:5] == [f'ID="{pid}"', "Document=ThisWorkbook/&H00000000", "Document=Sheet1/&H00000000",
                         "Module=Module1", "Module=Zh"]
    assert 'Name="demo"' in lines and "[Host Extender Info]" in lines
    fields = dict(re.findall(r'^(CMG|DPB|GC)="([0-9A-F]+)"\r$', text, re.M))
    assert decrypt(fields["CMG"], pid) == bytes(4)  # nothing protected
    assert decrypt(fields["DPB"], pid) == bytes(1)  # no password
    assert decrypt(fields["GC"], pid) == b"\xff"  # visible
    assert ole.openstream("PROJECTwm").read() == (
        b"ThisWorkbook\0" + "ThisWorkbook".encode("utf-16-le") + b"\0\0"
        + b"Sheet1\0" + "Sheet1".encode("utf-16-le") + b"\0\0"
        + b"Module1\0" + "Module1".encode("utf-16-le") + b"\0\0"
        + b"Zh\0" + "Zh".encode("utf-16-le") + b"\0\0" + b"\0\0"
    )


def test_dir_stream_declares_code_page_references_and_module_types():
    data = build_vba_project(_modules(), "demo")
    ole = olefile.OleFileIO(io.BytesIO(data))
    raw = decompress(ole.openstream("VBA/dir").read())
    assert raw.startswith(b"\x01\x00\x04\x00\x00\x00\x01\x00\x00\x00")  # PROJECTSYSKIND, 32-bit Windows
    assert b"\x03\x00\x02\x00\x00\x00" + CODE_PAGE.to_bytes(2, "little") in raw
    assert b"{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}" in raw  # Office library: IRibbonControl
    assert b"{00020430-0000-0000-C000-000000000046}" in raw  # stdole
    assert raw.count(b"\x21\x00\x00\x00\x00\x00") >= 2 and raw.count(b"\x22\x00\x00\x00\x00\x00") >= 2
    assert raw.endswith(b"\x10\x00\x00\x00\x00\x00")


def test_same_modules_same_bytes():
    assert build_vba_project(_modules(), "demo") == build_vba_project(_modules(), "demo")


def test_decrypts_fields_of_a_published_project_stream():
    # CMG/DPB/GC of an unprotected project, as quoted in EPPlus' VBA writer: an independent vector.
    pid = "{5DD90D76-4904-47A2-AF0D-D69B4673604E}"
    assert decrypt("A3A176D51DD91DD91DD91DD9", pid) == bytes(4)
    assert decrypt("6B69BE552856285628", pid) == bytes(1)
    assert decrypt("7C7EA92F59AA5AAA5A55", pid) == b"\xff"


@pytest.mark.parametrize("seed", [0, 1, 0x42, 0xFE])
def test_encryption_round_trips_for_any_seed(seed):
    pid = project_id("x")
    assert decrypt(encrypt(b"\x01\x02\x03\x04", pid, seed), pid) == b"\x01\x02\x03\x04"


def test_normalize_source_makes_crlf_and_keeps_blank_lines():
    assert normalize_source("a\nb\r\nc\rd") == "a\r\nb\r\nc\r\nd\r\n"
    assert normalize_source("a\r\n\r\n") == "a\r\n\r\n"


def test_document_module_has_the_attributes_excel_writes():
    m = document_module("Sheet1", WORKSHEET_BASE)
    assert m.kind == DOCUMENT
    assert m.source.split("\r\n")[:2] == ['Attribute VB_Name = "Sheet1"', f'Attribute VB_Base = "{WORKSHEET_BASE}"']
    assert "Attribute VB_PredeclaredId = True" in m.source


def test_standard_module_must_name_itself():
    assert standard_module("A", 'Attribute VB_Name = "A"\n').kind == MODULE
    with pytest.raises(VbaProjectError, match="VB_Name"):
        standard_module("A", 'Attribute VB_Name = "B"\n')


@pytest.mark.parametrize("modules,message", [
    ([standard_module("A", 'Attribute VB_Name = "A"\n'), standard_module("A", 'Attribute VB_Name = "A"\n')], "重复"),
    ([standard_module("dir", 'Attribute VB_Name = "dir"\n')], "不合法"),
    ([standard_module("A", 'Attribute VB_Name = "A"\n\' \U0001F600\n')], "GBK"),
])
def test_rejects_what_vba_cannot_hold(modules, message):
    with pytest.raises(VbaProjectError, match=message):
        build_vba_project(modules, "demo")
