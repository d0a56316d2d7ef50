"""What is checked on a file's bytes before any spreadsheet parser sees it.

Lock files, empty files, text files renamed .xlsx, encrypted workbooks, broken or hostile zips and
sheets too large to hold are stopped here with a Chinese reason (UnusableFileError). Zip sizes are
the declared ones, read from the central directory without inflating anything (DESIGN: facts); each
sheet's true extent (.xlsx, .ods and .xls alike) is measured the way a parser sees its cells
(read.extent), before the reader builds anything, so memory stays bounded whatever the file claims.
No macro is ever run: a VBA project is only noticed.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from macros_py.model.errors import UnusableFileError
from macros_py.read.extent import (
    KEEP_LIMIT,
    check_book,
    check_sheet_count,
    ods_extents,
    xls_extents,
    xls_workbook_stream,
    xlsx_sheet_extent,
    xml_parser,
)

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
KIND_OOXML, KIND_XLS, KIND_OTHER_ZIP = "ooxml", "xls", "zip"


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50 * 1024 * 1024          # a county workbook is well under 1 MB
    max_unzipped_bytes: int = 200 * 1024 * 1024     # all parts together, as declared
    max_part_bytes: int = 100 * 1024 * 1024         # one part, as declared
    # The shared strings and the style sheet, as declared: a reader builds every entry (88 MB of short
    # strings took 5 s; a 76 MB style sheet made `check --annotate` take 94 s and 1.2 GB), and a workbook
    # within the cell limits needs a small part of this.
    max_strings_bytes: int = 16 * 1024 * 1024
    max_styles_bytes: int = 16 * 1024 * 1024
    max_styles: int = 2 * 65_490                    # xf entries: Excel keeps at most 65,490 of each kind
    max_ratio: int = 200                            # inflated / compressed, for parts over 1 MB
    max_rows: int = 100_000                         # rows in one worksheet
    max_cells: int = 2_000_000                      # rows x columns of one worksheet's extent (from A1)
    max_cell_count: int = 500_000                   # cells written in one worksheet
    # Characters of one cell's text read at most (cut beyond, C-VALUE too_long). Above what an Excel
    # cell holds (32,767), so that a longer text is read whole, kept whole in the summary JSON and only
    # cut, with a note, where a cell must hold it (C-VALUE long; write.xlsx_book.fit_cell).
    max_text: int = 100_000
    max_merged: int = 20_000                        # merged ranges in one worksheet
    max_sheets: int = 255                           # worksheets in one workbook (the template has 12)


DEFAULT_LIMITS = Limits()

# What the readers take by its name: the rest of a folder is listed with a reason, never read.
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".et"})
# What a folder's or an archive's file is taken as a submission by: a workbook, or a table saved as
# CSV, which is no workbook but was sent as one: it is 无法使用 with the reason, so that the county is
# told to save it as .xlsx, not passed over as a stray file.
SUBMISSION_SUFFIXES = WORKBOOK_SUFFIXES | {".csv"}


def is_workbook_name(name: str) -> bool:
    """A workbook by its name (a folder holding only CSV files holds no workbook: nothing to do)."""
    return Path(name).suffix.lower() in WORKBOOK_SUFFIXES
LOCK_FILE_REASON = "Excel/WPS 打开工作簿时生成的临时锁定文件（~$ 开头），不是报送文件，已跳过。"


def sniff(name: str, data_head: bytes, size: int, limits: Limits = DEFAULT_LIMITS) -> str:
    """The container kind from the first bytes; an UnusableFileError for what is not a workbook."""
    if name.startswith("~$"):
        raise UnusableFileError("这是 Excel 或 WPS 打开工作簿时生成的临时锁定文件（文件名以 ~$ 开头），不是报送文件；"
                                "请关闭工作簿后删除它，报送原文件。")
    if size == 0:
        raise UnusableFileError("文件是空的（0 字节），请重新导出后报送。")
    if size > limits.max_file_bytes:
        raise UnusableFileError(f"文件有 {size / 1048576:.1f} MB，超过 {limits.max_file_bytes // 1048576} MB 的上限；"
                                "申报工作簿通常不到 1 MB，请检查是否误插入了图片或大量空行。")
    if data_head.startswith(ZIP_MAGIC) or data_head.startswith(b"PK\x05\x06"):
        return "zip"
    if data_head.startswith(CFB_MAGIC):
        return "cfb"
    text_like = data_head[:512]
    if name.lower().endswith(".csv"):
        raise UnusableFileError("这是 CSV 文本文件，不是 Excel 工作簿：格式、合并单元格和推荐单位行都已丢失，无法可靠读取。"
                                "请用 Excel 或 WPS 打开原表格，“另存为”Excel 工作簿（.xlsx）后重新报送。")
    if b"," in text_like or b"\t" in text_like or _looks_like_text(text_like):
        raise UnusableFileError("这不是 Excel 工作簿，而是文本文件（可能是改了扩展名的 CSV）。"
                                "请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）再报送。")
    raise UnusableFileError("这不是 Excel 工作簿（文件内容无法识别）。请报送 .xlsx、.xlsm 或 .xls 文件。")


def _looks_like_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        try:
            data.decode("gb18030")
            return b"\x00" not in data
        except UnicodeDecodeError:
            return False


def check_cfb(data: bytes) -> str:
    """An OLE compound file is an .xls workbook, or an encrypted .xlsx (its package inside)."""
    # Directory entry names are UTF-16LE; an encrypted OOXML package carries EncryptionInfo and
    # EncryptedPackage streams instead of a Workbook stream.
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        raise UnusableFileError("文件已加密（设置了打开密码），请去掉密码后重新报送。"
                                "（Excel：文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码后保存。）")
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return KIND_XLS
    raise UnusableFileError("这是 Office 复合文档，但不是 Excel 工作簿（可能是 Word 文档改了扩展名）。")


@dataclass
class ZipFacts:
    kind: str
    has_vba: bool
    sheet_parts: list[str]
    # The parts' XML inflated here (the measured sheets, the workbook, its relationships, the style
    # sheet): read.flags reads them from here rather than inflate them again.
    xml: dict[str, bytes] = field(default_factory=dict)
    names: frozenset[str] = frozenset()     # every part of the package (a part not among them is none)
    # The largest part, inflated: no cell's text (from its sheet's part or the shared strings, at least
    # one byte a character) is longer than that many characters.
    largest_part: int | None = None


XLSB_REASON = ("这是 Excel 二进制工作簿（.xlsb），本程序不读取这种格式。请在 Excel 中“另存为”Excel 工作簿（.xlsx）"
               "后重新报送。")


def check_zip(path, limits: Limits = DEFAULT_LIMITS, unread: frozenset[str] = frozenset()) -> ZipFacts:
    """Declared sizes against the limits, then each worksheet's extent by streaming its XML.

    unread: names of worksheets the reader will not build (the template's print forms): their parts
    are not measured (the extent guards the building of a sheet, and they are never built)."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnusableFileError("文件已损坏（压缩包不完整，可能传输或保存时被截断），请重新保存后报送。") from None
    with zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        ods = "xl/workbook.xml" not in names and "content.xml" in names
        if "xl/workbook.xml" not in names and not ods:
            if "xl/workbook.bin" in names:
                raise UnusableFileError(XLSB_REASON)
            raise UnusableFileError("这是压缩文件，但不是 Excel 工作簿（缺少 xl/workbook.xml）。")
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > limits.max_part_bytes:
                raise UnusableFileError(
                    f"文件中的 {info.filename} 解压后有 {info.file_size / 1048576:.0f} MB，超过单个部件 "
                    f"{limits.max_part_bytes // 1048576} MB 的上限，不像正常的申报工作簿，已停止读取。")
            if total > limits.max_unzipped_bytes:
                raise UnusableFileError(
                    f"文件解压后超过 {limits.max_unzipped_bytes // 1048576} MB（{info.filename}），"
                    "不像正常的申报工作簿，已停止读取。")
            for suffix, cap, what in (("sharedstrings.xml", limits.max_strings_bytes, "共享文本"),
                                      ("styles.xml", limits.max_styles_bytes, "样式表")):
                if info.filename.lower().endswith(suffix) and info.file_size > cap:
                    raise UnusableFileError(
                        f"文件中的{what}（{info.filename}）解压后有 {info.file_size / 1048576:.0f} MB，超过 "
                        f"{cap // 1048576} MB 的上限，不像正常的申报工作簿，已停止读取。")
            if info.file_size > 1 << 20 and info.compress_size and \
                    info.file_size / info.compress_size > limits.max_ratio:
                raise UnusableFileError(f"文件中的 {info.filename} 压缩比异常（可能是“压缩炸弹”），已停止读取。")
        kept: dict[str, bytes] = {}
        _check_styles(zf, names, limits, kept)
        if ods:
            check_book(ods_extents(zf, limits), limits)
            return ZipFacts(KIND_OTHER_ZIP, False, [])
        sheets = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
        targets, rel_targets = _sheet_targets(zf, names, kept)
        sheets += sorted(t for t in targets if t not in sheets)
        skipped = _parts_only_of(zf, unread, kept, rel_targets) if unread else set()
        measured = [part for part in sheets if part not in skipped]
        check_sheet_count(len(measured), limits)                # before any sheet is measured
        if "xl/sharedStrings.xml" in names and zf.getinfo("xl/sharedStrings.xml").file_size <= KEEP_LIMIT:
            # for read.flags (struck text), while the package is open; a part that does not inflate is
            # left to the readers, which say so
            try:
                kept["xl/sharedStrings.xml"] = zf.read("xl/sharedStrings.xml")
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
                pass
        check_book((xlsx_sheet_extent(zf, part, limits, kept) for part in measured), limits)
        return ZipFacts(KIND_OOXML, "xl/vbaProject.bin" in names, sheets, kept, frozenset(names),
                        max((i.file_size for i in infos), default=0))


_XF = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?xf[\s/>]")


def _check_styles(zf: zipfile.ZipFile, names: set[str], limits: Limits, kept: dict[str, bytes]) -> None:
    """More cell formats than Excel can keep is a file no spreadsheet program made (a style sheet of
    64,000 formats, Excel's most, already makes an annotated copy take 7 s)."""
    if "xl/styles.xml" not in names:
        return
    try:
        data = _keep(kept, "xl/styles.xml", zf.read("xl/styles.xml"))
        count = len(_XF.findall(data))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
        raise UnusableFileError("文件已损坏（样式表不完整），请重新保存后报送。") from None
    if count > limits.max_styles:
        raise UnusableFileError(f"文件的样式表中有 {count} 种单元格格式，超过 Excel 的上限，不像 Excel 或 WPS "
                                "保存的工作簿，已停止读取。请把内容复制到新的申报工作簿后重新报送。")


def _keep(kept: dict[str, bytes], part: str, data: bytes) -> bytes:
    if len(data) <= KEEP_LIMIT:       # as the extent check keeps a sheet's
        kept[part] = data
    return data


def _sheet_targets(zf: zipfile.ZipFile, names: set[str], kept: dict[str, bytes]
                   ) -> tuple[list[str], dict[str, str] | None]:
    """The parts xl/workbook.xml's relationships name as worksheets, wherever they are stored (a
    package may keep a sheet outside xl/worksheets/, and the reader follows the relationship); and
    every relationship's Id -> the part it names (None when the relationships were not read)."""
    rels = "xl/_rels/workbook.xml.rels"
    if rels not in names or zf.getinfo(rels).file_size > 4 << 20:
        return [], None
    found: list[str] = []
    targets: dict[str, str] = {}

    def start(name: str, attrs: dict) -> None:
        if name.rpartition(":")[2] == "Relationship":
            target = attrs.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
            targets[attrs.get("Id", "")] = part
            if attrs.get("Type", "").endswith("/worksheet") and part in names:
                found.append(part)

    parser = xml_parser()
    parser.StartElementHandler = start
    try:
        parser.Parse(_keep(kept, rels, zf.read(rels)), True)
    except expat.ExpatError:
        raise UnusableFileError("文件已损坏（xl/_rels/workbook.xml.rels 不是完整的 XML），请重新保存后报送。") from None
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        raise UnusableFileError("文件已损坏（压缩包不完整），请重新保存后报送。") from None
    return found, targets


def _parts_only_of(zf: zipfile.ZipFile, unread: frozenset[str], kept: dict[str, bytes],
                   targets: dict[str, str] | None) -> set[str]:
    """The worksheet parts that xl/workbook.xml names only under names in `unread` (as the reader
    reads the sheet names: parsed XML, entities resolved). A part also named by another sheet, or by
    none, stays measured. targets: the relationships as _sheet_targets read them (None: not read)."""
    workbook = "xl/workbook.xml"
    if targets is None or zf.getinfo(workbook).file_size > 4 << 20:
        return set()
    sheets: list[tuple[str, str]] = []

    def sheet(name: str, attrs: dict) -> None:
        if name.rpartition(":")[2] == "sheet":
            rid = next((v for k, v in attrs.items() if k.rpartition(":")[2] == "id" and ":" in k), None)
            sheets.append((attrs.get("name", ""), rid or ""))

    parser = xml_parser()
    parser.StartElementHandler = sheet
    try:
        parser.Parse(kept.get(workbook) or _keep(kept, workbook, zf.read(workbook)), True)
    except (UnusableFileError, expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, RuntimeError,
            NotImplementedError):
        return set()   # anything odd: every part is measured, and the reader says what is wrong
    # Only a name written plainly in the XML counts as unread: white space or a reference in it may be
    # read differently by another parser (expat folds a tab to a space), which would then build the
    # sheet that was not measured.
    raw = kept.get(workbook) or zf.read(workbook)
    plain = {name for name, _ in sheets if name in unread and f'name="{name}"'.encode() in raw}
    kept = {targets.get(rid) for name, rid in sheets if name not in plain}
    return {targets[rid] for name, rid in sheets if name in plain and rid in targets} - kept


def check_xls(path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Each worksheet's extent from the BIFF cell records, before the reader builds any sheet."""
    check_book(xls_extents(xls_workbook_stream(path, limits), limits), limits)
