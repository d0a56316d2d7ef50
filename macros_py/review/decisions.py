"""The bureau's 人工裁定 for the review, in two small workbooks it fills in and the tool only reads back:

- 评审人工裁定.xlsx (written by collect when ties are found and the file does not exist yet): sheet 并列裁定,
  one row per project tied at a quota line, 裁定 = 入选 / 不入选;
- 公示结果登记.xlsx (written by publicize): sheet 公示结果, one row per project on the 公示名单,
  公示结果 = 无异议 / 撤回, read by finalize.

Neither is ever overwritten once it exists: it holds the bureau's decisions."""

from __future__ import annotations

from pathlib import Path

from macros_py.model.errors import ShenbaoError, UnusableFileError
from macros_py.model.normalize import clean_text, norm_key
from macros_py.policy.load import Policy
from macros_py.review.books import read_book
from macros_py.review.layout import KIND_DECISIONS, meta_sheet, new_book, page, title_rows
from macros_py.review.scoring import REJECT, SELECT

DECISIONS_NAME = "评审人工裁定.xlsx"
OUTCOME_NAME = "公示结果登记.xlsx"
TIE_SHEET, OUTCOME_SHEET = "并列裁定", "公示结果"
NO_OBJECTION, WITHDRAWN = "无异议", "撤回"
TIE_HEADERS = ("组别", "编号", "项目", "得分", "剩余名额", "裁定", "说明")
OUTCOME_HEADERS = ("编号", "类别", "档次", "项目单位（申报单位）", "领办人", "推荐单位", "公示结果", "说明")


def _sheet(book, name, lines, headers, rows, choices_col, choices, widths):
    ws = book.sheet(name)
    title_rows(book, ws, lines, len(headers))
    top = len(lines)
    head = book.fmt(bold=True, align="center", valign="vcenter", border=1, bg_color="#EEF3F9", text_wrap=True)
    body = book.fmt(valign="vcenter", border=1, text_wrap=True)
    entry = book.fmt(valign="vcenter", border=1, bg_color="#FFFFF0", locked=False)
    for c, h in enumerate(headers):
        book.write(ws, top, c, h, head)
    for r, values in enumerate(rows, start=top + 1):
        for c, v in enumerate(values):
            book.write(ws, r, c, v, entry if c in (choices_col, len(headers) - 1) else body)
    last = top + max(len(rows), 1)
    ws.data_validation(top + 1, choices_col, last, choices_col, {
        "validate": "list", "source": list(choices), "error_title": "只能选择",
        "error_message": "请选择：" + "、".join(choices)})
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    page(ws, top + 1, len(headers))


def write_tie_decisions(path: Path, ties: list[dict], policy: Policy, fingerprint: str) -> None:
    book = new_book(policy, "评审人工裁定")
    rows = [[t["group"], x["code"], x["label"], x["score"], t["left"], "", ""] for t in ties for x in t["projects"]]
    _sheet(book, TIE_SHEET, ["评审人工裁定 · 名额线上的并列",
                             f"同分项目争剩余名额：每组按剩余名额数填“{SELECT}”，其余填“{REJECT}”，填好后重新运行 shenbao review collect。"],
           TIE_HEADERS, rows, 5, (SELECT, REJECT), (14, 8, 44, 8, 9, 9, 30))
    meta_sheet(book, KIND_DECISIONS, [("项目清单指纹", fingerprint)], {"sheet": TIE_SHEET})
    book.save(path)


def write_outcomes(path: Path, listed: list[dict], policy: Policy, fingerprint: str) -> None:
    book = new_book(policy, "公示结果登记")
    rows = [[s["code"], "培训基地" if s["kind"] == "base" else "技能大师工作室", s["tier"] or "", s["unit"],
             s["leader"] or "", s["recommender"], "", ""] for s in listed]
    _sheet(book, OUTCOME_SHEET, ["公示结果登记（人工裁定）",
                                 f"公示期满后逐行填写“{NO_OBJECTION}”或“{WITHDRAWN}”（撤回的写明原因），再运行 shenbao review finalize。"],
           OUTCOME_HEADERS, rows, 6, (NO_OBJECTION, WITHDRAWN), (8, 14, 6, 34, 10, 26, 10, 30))
    meta_sheet(book, KIND_DECISIONS, [("项目清单指纹", fingerprint)], {"sheet": OUTCOME_SHEET})
    book.save(path)


def _table(path: Path, sheet: str, headers: tuple[str, ...]) -> list[tuple[int, dict]]:
    try:
        _, grids = read_book(path)
    except UnusableFileError as exc:
        raise ShenbaoError(f"人工裁定工作簿 {path} 无法使用：{exc}") from None
    grid = grids.get(sheet)
    if grid is None:
        raise ShenbaoError(f"人工裁定工作簿 {path} 中没有“{sheet}”工作表。")
    wanted = [norm_key(h) for h in headers]
    for r, row in enumerate(grid.rows[:20]):
        keys = [norm_key(v) for v in row]
        if all(w in keys for w in wanted[:2]):
            cols = {h: keys.index(w) for h, w in zip(headers, wanted, strict=True) if w in keys}
            out = []
            for i in range(r + 1, len(grid.rows)):
                line = grid.rows[i]
                values = {h: clean_text(line[c]) if c < len(line) else "" for h, c in cols.items()}
                if any(values.values()):
                    out.append((i + 1, values))
            return out
    raise ShenbaoError(f"人工裁定工作簿 {path} 的“{sheet}”中找不到表头（{'、'.join(headers[:3])}…）。")


def read_tie_decisions(path: Path) -> tuple[dict[str, str], list[str]]:
    decided, problems = {}, []
    for row, v in _table(path, TIE_SHEET, TIE_HEADERS):
        choice = v.get("裁定", "")
        if not choice:
            continue
        if choice not in (SELECT, REJECT):
            problems.append(f"{path.name} {TIE_SHEET} 第 {row} 行：裁定“{choice}”应为“{SELECT}”或“{REJECT}”，未采用")
            continue
        decided[v["编号"]] = choice
    return decided, problems


def read_outcomes(path: Path) -> tuple[dict[str, tuple[str, str]], list[str]]:
    found, problems = {}, []
    for row, v in _table(path, OUTCOME_SHEET, OUTCOME_HEADERS):
        result = v.get("公示结果", "")
        if result not in (NO_OBJECTION, WITHDRAWN):
            problems.append(f"{path.name} {OUTCOME_SHEET} 第 {row} 行（{v.get('编号')}）：公示结果"
                            + (f"“{result}”应为" if result else "未填写，应填") + f"“{NO_OBJECTION}”或“{WITHDRAWN}”")
            continue
        found[v["编号"]] = (result, v.get("说明", ""))
    return found, problems
