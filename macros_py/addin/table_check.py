"""The check behind =SB_CHECK: one table's cells, as Excel hands them over, checked by the engine.

The range must start at (or just above) the table's header row: the header is found by its text with
the reader's own matching (header_match), so the function knows which of the six tables it has and
where each column is, whatever their order. The rows are read as the reader reads the notice's
printed forms: what the workbook computes (推荐单位, 属性 and 申报档次 looked up from 附件7, 合计, 比例)
is taken as Excel shows it where the table itself cannot recompute it. Then every rule of the engine
runs over that one table (engine.check_submission; no rule is re-implemented here).

What it cannot see: rules that compare two tables (a base of 附件7 without its 基地条件 row, 专业预算
against 经费预算, a unit not in 附件7) need the whole workbook — that is what 校验本簿 is for.
"""

from __future__ import annotations

from macros_py.check.engine import check_submission
from macros_py.model.findings import Finding
from macros_py.model.submission import LAYOUT_PRINTED, Submission
from macros_py.policy.load import Policy, default_policy
from macros_py.policy.schema import build_schema
from macros_py.read.grid import Grid
from macros_py.read.headers import scan_grid
from macros_py.read.tables import read_rows, recompute, table_of
from macros_py.read.template import read_blocks

HEADER_LABEL = "校验结果"


def row_message(findings: list[Finding]) -> str:
    """"错误 B-RATIO 师生比 1:25，…；警告 C-PHONE …。" — severity, rule ID and message of each finding."""
    if not findings:
        return ""
    return "；".join(f"{f.severity} {f.rule} {f.message.rstrip('。')}" for f in findings) + "。"


def _rows(values) -> list[list]:
    if values is None:
        return []
    if not isinstance(values, list | tuple):
        return [[values]]
    return [list(r) if isinstance(r, list | tuple) else [r] for r in values]


def check_table(values, first_row: int | None = None, policy: Policy | None = None) -> tuple[list[list[Finding]], int]:
    """(findings per input row, index of the header row within the input). Raises ValueError (its
    Chinese message is what the cell shows) when the range holds no table the schema knows."""
    policy = policy or default_policy()
    schema = build_schema(policy)
    rows = _rows(values)
    hits = scan_grid(Grid("SB_CHECK", rows), schema.sheets)
    if not hits:
        raise ValueError("区域中找不到申报表的表头：SB_CHECK 的区域应从表头行开始，如 =SB_CHECK(A3:N53)。")
    header = hits[0].row
    sheet = schema.sheet(hits[0].sheet_key)
    # Rows are numbered as on the worksheet (a duplicate row's message names the first one's row), so
    # the grid is shifted down to where the range starts: given, or where the template has the header.
    top = int(first_row) if first_row else max(1, sheet.header_row - header)
    grid = Grid(sheet.title, [[] for _ in range(top - 1)] + rows)
    hit = next(h for h in scan_grid(grid, (sheet,), start=top - 1 + header) if h.sheet_key == sheet.key)
    sub = Submission(path="", name=sheet.title, sha256="", size=0, layout=LAYOUT_PRINTED)
    sub.tables[sheet.key] = [table_of(hit)]
    reader = read_blocks if sheet.block else read_rows
    sub.sheets[sheet.key] = reader(hit, sheet, policy, printed=True)
    recompute(sub, policy, schema)
    out: list[list[Finding]] = [[] for _ in rows]
    for finding in check_submission(sub, policy):
        if finding.sheet != sheet.title or finding.row is None:
            continue  # about another table, which the range does not hold
        index = finding.row - top
        if 0 <= index < len(rows):
            out[index].append(finding)
    return out, hit.row - (top - 1)


def table_messages(values, first_row: int | None = None, policy: Policy | None = None) -> list[str]:
    """One text per input row: the header row says 校验结果 (and what applies to the whole table), each
    data row lists its findings, "" where there are none."""
    per_row, header = check_table(values, first_row, policy)
    out = [row_message(found) for found in per_row]
    table_level = [f for found in per_row[:header + 1] for f in found]
    for i in range(header):
        out[i] = ""
    out[header] = HEADER_LABEL + ("：" + row_message(table_level) if table_level else "")
    return out
