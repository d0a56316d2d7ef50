"""What this tool wrote, recognised by content wherever it lands (a master copied into the inbox, a
feedback file sent back unchanged, the HTML report, the SQLite ledger, the 人工裁定 workbook, the
summary JSON, the review's workbooks), so that a merge never reads its own output as a submission.

Workbooks carry a custom document property (OUTPUT_PROPERTY, set by write.xlsx_book.Book); a master
written before that is known by its hidden 汇总数据 sheet. Reports and ledgers by their signatures.
Nothing is parsed beyond a few small parts of the zip; the name of the file is never consulted.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

OUTPUT_PROPERTY = "shenbao"
MASTER, FEEDBACK, DECISIONS, REPORT, LEDGER, SUMMARY_JSON = "master", "feedback", "decisions", "report", "ledger", "json"
CHECK_JSON = "check_json"  # shenbao check --json: the findings as a list
REVIEW = "review"          # the review's workbooks (shenbao review: 评分表, 复核表, 评审结果, 公示 and 认定名单 …)
REVIEW_SHEET = "评审数据"    # the very hidden sheet every review workbook carries (review/layout.meta_sheet)
# A county workbook with the check's marks: ours to replace (write/outputs.py), but still the clerk's
# submission if it is sent in, so not in WHAT (a merge reads it).
ANNOTATED = "annotated"
WHAT = {
    MASTER: "本工具生成的汇总工作簿（含隐藏的“汇总数据”表），不是报送文件，未读取。",
    FEEDBACK: "本工具生成的审核反馈工作簿，不是报送文件，未读取。",
    DECISIONS: "市人社局的人工裁定工作簿，不是报送文件，未作为报送读取（请放在汇总台账旁）。",
    REPORT: "本工具生成的 HTML 汇总报告，不是报送文件，未读取。",
    LEDGER: "SQLite 数据库（本工具的汇总台账），不是报送文件，未读取。",
    SUMMARY_JSON: "本工具生成的汇总 JSON，不是报送文件，未读取。",
    CHECK_JSON: "本工具校验（check --json）生成的问题清单 JSON，不是报送文件，未读取。",
    REVIEW: "本工具生成的评审阶段工作簿（评分表、复核表、评审结果、公示或认定名单等），不是报送文件，未读取。",
}
_SQLITE = b"SQLite format 3\x00"
_PROPERTY = re.compile(rb'name="' + OUTPUT_PROPERTY.encode() + rb'".*?<vt:lpwstr>([a-z]+)</vt:lpwstr>', re.S)
# A master written before the property: its hidden 汇总数据 sheet beside the 汇总说明 cover (a clerk's
# own sheet that happens to be called 汇总数据 is neither hidden beside such a cover nor one of ours).
_SUMMARY_SHEET = re.compile('<sheet (?=[^>]*name="汇总数据")(?=[^>]*state="hidden")'.encode())
_COVER_SHEET = re.compile('<sheet [^>]*name="汇总说明"'.encode())
# A review workbook written before the property, or whose properties a program dropped: its very hidden
# 评审数据 sheet (a clerk cannot make a very hidden sheet without VBA).
_REVIEW_SHEET = re.compile(f'<sheet (?=[^>]*name="{REVIEW_SHEET}")(?=[^>]*state="veryHidden")'.encode())


def _read_part(zf: zipfile.ZipFile, name: str, limit: int = 1 << 20) -> bytes:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return b""
    if info.file_size > limit:
        return b""
    return zf.read(info)


def own_output(path: str | Path) -> str | None:
    """MASTER, FEEDBACK, DECISIONS, REPORT, LEDGER, SUMMARY_JSON or REVIEW when the file is one of ours,
    else None."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    if head.startswith(_SQLITE):
        return LEDGER
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html")):
        return REPORT if "申报汇总报告".encode() in head or b"shenbao" in head else None
    if text.startswith(b"{") and b'"rows_read"' in path.read_bytes()[:1 << 20] and b'"policy_year"' in head:
        return SUMMARY_JSON
    if text.startswith(b"[") and all(k in head for k in (b'"rule"', b'"severity"', b'"cell"', b'"hint"')):
        return CHECK_JSON
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(path) as zf:
            found = _PROPERTY.search(_read_part(zf, "docProps/custom.xml"))
            if found and found.group(1).decode() in WHAT:
                return found.group(1).decode()
            book = _read_part(zf, "xl/workbook.xml")
            if _SUMMARY_SHEET.search(book) and _COVER_SHEET.search(book):
                return MASTER
            if _REVIEW_SHEET.search(book):
                return REVIEW
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
        return None
    return None
