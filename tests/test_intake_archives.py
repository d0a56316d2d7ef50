"""收件 (issue 10 §6): .7z and .rar archives in the inbox, real archives on disk, through the real
`python3 -m macros_py merge` and `check`, the master read back.

.7z archives are written with py7zr (a Chinese name, the printed layout, a nested .zip, a password on
the data, a password on the names, a 300 MB "bomb" of zeros). RAR archives are written by tests/rar5.py
(no free tool makes them): stored members, which rarfile reads itself, compressed ones, which need
unrar/unar/bsdtar, and encrypted headers.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import py7zr
import pytest
import rarfile
from rar5 import write_rar5

from macros_py.model.paths import SAMPLES_DIR
from macros_py.read.archive import open_archive
from macros_py.read.archive_readers import ENCRYPTED_HEADER, ENCRYPTED_MEMBER, rar_tool
from macros_py.write.printed import write_printed_submission
from macros_py.write.samples import generate

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_01 = SAMPLES_DIR / "01_平城区人力资源和社会保障局.xlsx"
SAMPLE_06 = SAMPLES_DIR / "06_天镇县人力资源和社会保障局.xlsx"
SAMPLE_11 = SAMPLES_DIR / "11_大同市教育局.xlsx"
NO_TOOL = "本机没有解压 RAR 的程序（unrar、unar、bsdtar、7-Zip）：压缩存放的 RAR 文件无法在此解压"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "macros_py", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def printed_12(policy, path: Path) -> Path:
    sample = next(s for s in generate(policy) if s.name.startswith("12_"))
    write_printed_submission(path, copy.deepcopy(sample.data), policy)
    return path


def write_bomb(path: Path, work: Path) -> Path:
    """300 MB of zeros as one .7z entry, written from a sparse file (no disk, no memory), zstd-packed."""
    zeros = work / "zeros.bin"
    with zeros.open("wb") as fh:
        fh.truncate(300 * 1024 * 1024)
    with py7zr.SevenZipFile(path, "w", filters=[{"id": py7zr.FILTER_ZSTD}]) as z:
        z.write(zeros, "0.xlsx")
    zeros.unlink()
    return path


def write_solid_bomb(path: Path, work: Path) -> Path:
    """A workbook packed in one solid block after 40 MB of zeros: the block declares one packed size for
    both, and reaching the workbook would inflate the zeros first."""
    zeros = work / "zeros40.bin"
    with zeros.open("wb") as fh:
        fh.truncate(40 * 1024 * 1024)
    with py7zr.SevenZipFile(path, "w") as z:
        z.write(zeros, "说明.txt")
        z.write(SAMPLE_11, "广灵县.xlsx")
    zeros.unlink()
    return path


@pytest.fixture(scope="module")
def inbox(tmp_path_factory, policy):
    root = tmp_path_factory.mktemp("archives")
    inbox, work = root / "收件", root / "work"
    inbox.mkdir()
    work.mkdir()
    with zipfile.ZipFile(work / "inner.zip", "w") as inner:
        inner.writestr("灵丘县.xlsx", b"x")
    with py7zr.SevenZipFile(inbox / "报送材料.7z", "w") as z:
        z.write(SAMPLE_01, "平城区/平城区申报.xlsx")
        z.write(printed_12(policy, work / "p.xlsx"), "附件7附件8.xlsx")
        z.write(work / "inner.zip", "inner.zip")
        z.writestr("见附件".encode(), "说明.txt")
    with py7zr.SevenZipFile(inbox / "加密.7z", "w", password="123456") as z:
        z.write(SAMPLE_11, "广灵县.xlsx")
    with py7zr.SevenZipFile(inbox / "加密文件名.7z", "w", password="123456", header_encryption=True) as z:
        z.write(SAMPLE_11, "左云县.xlsx")
    write_bomb(inbox / "炸弹.7z", work)
    write_solid_bomb(inbox / "同块.7z", work)
    write_rar5(inbox / "天镇县.rar", [("天镇县/天镇县申报.xlsx", SAMPLE_06.read_bytes()),
                                      ("../../出界.xlsx", SAMPLE_11.read_bytes())])
    write_rar5(inbox / "阳高县.rar", [("A.xlsx", b"\x01" * 300), ("B.xls", b"\x02" * 200)], stored=False)
    write_rar5(inbox / "浑源县.rar", [], encrypt_headers=True)
    return inbox


@pytest.fixture(scope="module")
def merged(inbox, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    before = {p.name: p.read_bytes() for p in inbox.iterdir()}
    result = run("merge", str(inbox), "-o", str(out / "汇总.xlsx"), "--summary-json", str(out / "summary.json"),
                 "--jobs", "1")
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert {p.name: p.read_bytes() for p in inbox.iterdir()} == before      # the inbox is never touched
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    ws = openpyxl.load_workbook(out / "汇总.xlsx", read_only=True)["基地汇总"]
    rows = list(ws.iter_rows(values_only=True))
    master = [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]
    return {f["name"]: f for f in summary["files"]}, master, out


def test_each_workbook_in_a_7z_is_a_submission_named_archive_then_file(merged):
    files, master, _ = merged
    assert files["报送材料.7z › 平城区/平城区申报.xlsx"]["recommender"] == "平城区人力资源和社会保障局"
    assert files["报送材料.7z › 附件7附件8.xlsx"]["recommender"] == "大同市工业和信息化局"   # the printed layout
    by_source = {}
    for row in master:
        by_source.setdefault(row["来源文件"], set()).add(row["推荐单位"])
    assert by_source["报送材料.7z › 平城区/平城区申报.xlsx"] == {"平城区人力资源和社会保障局"}
    assert by_source["报送材料.7z › 附件7附件8.xlsx"] == {"大同市工业和信息化局"}
    assert "灵丘县.xlsx" in files["报送材料.7z › inner.zip"]["reason"]          # the nested zip is listed
    assert "压缩包中的压缩包" in files["报送材料.7z › inner.zip"]["reason"]
    assert files["报送材料.7z › 说明.txt"]["status"] == "已跳过"


def test_an_encrypted_7z_is_refused_with_its_reason_and_names_what_it_can(merged):
    files, master, _ = merged
    assert files["加密.7z › 广灵县.xlsx"]["reason"] == ENCRYPTED_MEMBER
    assert files["加密文件名.7z"]["reason"] == ENCRYPTED_HEADER
    assert not any(str(r["来源文件"]).startswith("加密") for r in master)


def test_a_7z_bomb_is_refused_from_its_declared_size_before_anything_is_extracted(merged, inbox, tmp_path):
    files, master, _ = merged
    reason = files["炸弹.7z"]["reason"]
    assert files["炸弹.7z"]["status"] == "已跳过"
    assert "压缩炸弹" in reason and "300 MB" in reason and "0.xlsx" in reason
    entries = open_archive(inbox / "炸弹.7z", "炸弹.7z", tmp_path / "unpack")
    assert [e.path for e in entries] == [None] and not (tmp_path / "unpack").exists()   # nothing written


def test_a_workbook_in_a_solid_7z_block_of_zeros_is_not_extracted(merged, inbox, tmp_path):
    # The block's ratio, not the member's (which a solid 7z does not declare), stops the bomb.
    files, master, _ = merged
    reason = files["同块.7z › 广灵县.xlsx"]["reason"]
    assert "压缩炸弹" in reason and "同一块" in reason and "40 MB" in reason
    assert not any(r.get("推荐单位") == "广灵县人力资源和社会保障局" for r in master)
    entries = open_archive(inbox / "同块.7z", "同块.7z", tmp_path / "unpack")
    assert all(e.path is None for e in entries)
    # The sound archive of several real workbooks is one solid block too, and is read.
    assert files["报送材料.7z › 平城区/平城区申报.xlsx"]["status"] != "已跳过"


def test_a_rar_with_stored_members_is_read_and_no_name_leaves_the_temporary_folder(merged, inbox):
    files, master, _ = merged
    assert files["天镇县.rar › 天镇县/天镇县申报.xlsx"]["recommender"] == "天镇县人力资源和社会保障局"
    assert files["天镇县.rar › ../../出界.xlsx"]["recommender"] == "大同市教育局"
    assert {r["推荐单位"] for r in master if str(r["来源文件"]).startswith("天镇县.rar")} \
        == {"天镇县人力资源和社会保障局", "大同市教育局"}
    # ../../ from the archive's unpack folder (under the system's temporary folder) or from the inbox:
    # none of the places it could reach holds the file (not walked recursively: other tests' folders)
    tmp = Path(tempfile.gettempdir())
    places = {tmp, tmp.parent, inbox, inbox.parent, inbox.parent.parent, Path("/")}
    assert not [p for place in places for p in place.glob("出界.xlsx")]


def test_a_compressed_rar_without_a_tool_names_its_workbooks(merged):
    if rar_tool():
        pytest.skip("本机有解压 RAR 的程序，压缩存放的 RAR 会被解压，不会给出此原因")
    files, _, _ = merged
    reason = files["阳高县.rar"]["reason"]
    assert reason.startswith("压缩包内有：A.xlsx、B.xls，本机无法解压 RAR")
    assert "请解压后把工作簿直接放入收件文件夹，或改用 .zip" in reason


def test_a_rar_with_encrypted_names_has_its_own_reason(merged):
    files, _, _ = merged
    assert files["浑源县.rar"]["reason"] == ENCRYPTED_HEADER


def test_rarfile_lists_the_archives_the_helper_writes(inbox):
    with rarfile.RarFile(inbox / "阳高县.rar", errors="strict") as rf:
        assert [(i.filename, i.file_size, i.compress_type) for i in rf.infolist()] \
            == [("A.xlsx", 300, rarfile.RAR_M3), ("B.xls", 200, rarfile.RAR_M3)]
    with rarfile.RarFile(inbox / "天镇县.rar", errors="strict") as rf:
        assert rf.read("天镇县/天镇县申报.xlsx") == SAMPLE_06.read_bytes()


@pytest.mark.skipif(not rar_tool(), reason=NO_TOOL + "，跳过解压压缩 RAR 的测试")
def test_a_compressed_rar_is_extracted_where_a_tool_is_present(tmp_path):
    # A real compressed RAR needs WinRAR to make; with a tool present, the machine may have `rar` too.
    if shutil.which("rar") is None:
        pytest.skip("本机没有 rar 程序，无法生成压缩存放的 RAR 文件")
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SAMPLE_01, src / "平城区.xlsx")
    subprocess.run(["rar", "a", "-ep", str(tmp_path / "a.rar"), str(src / "平城区.xlsx")], check=True,
                   capture_output=True)
    [entry] = open_archive(tmp_path / "a.rar", "a.rar", tmp_path / "unpack")
    assert entry.path is not None and entry.path.read_bytes() == SAMPLE_01.read_bytes()


def test_check_on_the_folder_reads_the_archives_as_the_merge_does(inbox, tmp_path):
    result = run("check", str(inbox), "--brief", "--json", str(tmp_path / "问题.json"))
    text = result.stdout + result.stderr
    assert result.returncode in (0, 1, 2), text
    assert "Traceback" not in text
    findings = json.loads((tmp_path / "问题.json").read_text(encoding="utf-8"))
    files = {f["file"] for f in findings}
    # the workbooks inside are read and checked under their names 压缩包 › 文件 (the samples have findings)
    assert {"报送材料.7z › 平城区/平城区申报.xlsx", "天镇县.rar › 天镇县/天镇县申报.xlsx"} <= files
    assert not any(f.startswith(("加密", "炸弹", "阳高县", "浑源县")) for f in files)


def test_check_says_which_workbooks_in_archives_get_no_annotated_copy(inbox, tmp_path):
    result = run("check", str(inbox), "--brief", "--annotate", str(tmp_path / "批注"))
    assert "Traceback" not in result.stdout + result.stderr
    assert "未生成 报送材料.7z › 平城区/平城区申报.xlsx 的批注副本：它在压缩包里" in result.stderr
    assert "未生成 天镇县.rar › 天镇县/天镇县申报.xlsx 的批注副本" in result.stderr


def test_check_names_what_an_archive_holds_where_it_cannot_open_it(inbox, policy):
    from macros_py.check.engine import check_paths

    report = check_paths([inbox], policy)
    status = {e.file: (e.status, e.reason) for e in report.files}
    assert status["报送材料.7z › 附件7附件8.xlsx"][0] == "ok"
    assert status["加密文件名.7z"] == ("ignored", ENCRYPTED_HEADER)
    assert status["浑源县.rar"] == ("ignored", ENCRYPTED_HEADER)
    assert status["加密.7z › 广灵县.xlsx"] == ("ignored", ENCRYPTED_MEMBER)
    assert "0.xlsx" in status["炸弹.7z"][1] and "压缩炸弹" in status["炸弹.7z"][1]
    assert "灵丘县.xlsx" in status["报送材料.7z › inner.zip"][1]


def test_the_same_limits_stop_a_7z_or_rar_member_before_it_is_extracted(tmp_path):
    zeros = tmp_path / "zeros.bin"
    with zeros.open("wb") as fh:
        fh.truncate(60 * 1024 * 1024)
    with py7zr.SevenZipFile(tmp_path / "大.7z", "w", filters=[{"id": py7zr.FILTER_ZSTD}]) as z:
        z.write(zeros, "大.xlsx")
        z.write(SAMPLE_01, "平城区.xlsx")
    big, small = open_archive(tmp_path / "大.7z", "大.7z", tmp_path / "u1")
    assert big.path is None and "超过 50 MB 的上限" in big.reason
    # the workbook after it shares its solid block: reaching it would inflate the 60 MB first
    assert small.path is None and "同一块" in small.reason and "60 MB" in small.reason
    # a RAR that declares 300 MB unpacked: refused from its header, nothing read
    write_rar5(tmp_path / "炸弹.rar", [("0.xlsx", b"\0" * 100)], stored=False, unpacked={"0.xlsx": 300 << 20})
    [entry] = open_archive(tmp_path / "炸弹.rar", "炸弹.rar", tmp_path / "u2")
    assert "压缩炸弹" in entry.reason and "0.xlsx" in entry.reason and not (tmp_path / "u2").exists()
    # a stored RAR member larger than it declares stops at its declared size
    write_rar5(tmp_path / "谎报.rar", [("谎报.xlsx", SAMPLE_01.read_bytes())], unpacked={"谎报.xlsx": 100})
    [entry] = open_archive(tmp_path / "谎报.rar", "谎报.rar", tmp_path / "u3")
    assert entry.path is None and entry.reason
    assert not [p for p in (tmp_path / "u3").rglob("*") if p.is_file()]


def test_a_nested_7z_is_listed_and_a_rar_reads_what_it_can(tmp_path):
    with py7zr.SevenZipFile(tmp_path / "inner.7z", "w") as z:
        z.write(SAMPLE_01, "云冈区.xlsx")
    write_rar5(tmp_path / "混合.rar", [("inner.7z", (tmp_path / "inner.7z").read_bytes()),
                                      ("天镇县.xlsx", SAMPLE_06.read_bytes()),
                                      ("阳高县.xlsx", b"\1" * 300, False)])
    nested, book, packed = open_archive(tmp_path / "混合.rar", "混合.rar", tmp_path / "u")
    if not rar_tool():
        assert packed.path is None and packed.reason.startswith("本机无法解压 RAR 中压缩存放的文件")
    assert nested.relpath == "混合.rar › inner.7z" and "云冈区.xlsx" in nested.reason and nested.path is None
    assert book.path is not None and book.path.read_bytes() == SAMPLE_06.read_bytes()
    assert [p.name for p in (tmp_path / "u").rglob("*") if p.is_file()] == ["天镇县.xlsx"]   # the nested one removed
