"""Reads the tables as the notice prints them: 附件7, 附件8 and 表4-2, on sheets named anything.

附件7 / 附件8: the '附件7' label, the title, '推荐单位：…（公章）', headers over one or two lines (or
with line breaks), pre-numbered empty rows 1–4 and the '备注：此表由推荐单位填写…' footer, columns
in any order. The tables are found by header text (header_match); the footer, "以下空白" and the
notice's guidance in the first row ('可写简称', 'XX㎡ XX人') are not data.

表4-2: a '内容' column, the sources in a header row over '金额（万元）' / '比例（%）' pairs, the 合计 row
first, then the three contents (labels may be broken over lines); one table per base, the base named
in a '项目单位：…' line or the title above the table, in a 项目单位 column, or by the sheet's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from macros_py.model.normalize import clean_text, norm_key
from macros_py.model.submission import LAYOUT_PRINTED, Record, Submission, Table
from macros_py.policy.load import Policy
from macros_py.policy.schema import Schema, Sheet
from macros_py.policy.values import converter, is_blank, parse_size, read_as_meant, size_doubt
from macros_py.read.grid import Grid, a1, column_name
from macros_py.read.headers import header_names
from macros_py.read.tables import (
    find_recommender,
    is_footer,
    recommender_in_page,
    recommender_lines,
    recompute,
)
from macros_py.read.template import hidden_block_rows, preamble_top, read_tables
from macros_py.read.tiers import infer_tiers

_SEAL = re.compile(r"[（(]\s*(公章|盖章|章|签章)\s*[)）]")
_TITLE_NOISE = re.compile(r"[（(]?\s*单位\s*[:：]\s*万元\s*[)）]?")


@dataclass
class FundingTable:
    top: int                                  # 0-based row of the '内容' header cell
    sub_row: int                              # 0-based row of the 金额/比例 header line
    label_col: int
    columns: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    unit_col: int | None = None               # a 项目单位 column inside the table, if any
    in_yuan: dict[str, str] = field(default_factory=dict)   # amount columns headed in 元: key -> header
    # The columns the table owns (first, last): another 表4-2 may stand beside it; its title and
    # 项目单位 line are looked for there.
    first_col: int = 0
    last_col: int = 1 << 30


def _sub_headers(sheet: Sheet, policy: Policy) -> dict[str, tuple[bool, str, float]]:
    """'金额（万元）', '比例（%）' as the schema's source columns end: normalised -> (is amount, shown,
    the factor to 万元). An amount headed in 元 (金额（元）, as some counties' finance offices print
    the form) is the same column, its numbers divided by 10,000."""
    out = {}
    for i, source in enumerate(policy.funding["sources"]):
        for key in (f"amount{i}", f"share{i}"):
            tail = sheet.column(key).header[len(source):]
            out[norm_key(tail)] = (key.startswith("amount"), tail, 1.0)
            if "万元" in tail:
                out.setdefault(norm_key(tail.replace("万元", "元")), (True, tail, 1e-4))
    return out


def _group(text: str, groups: tuple[tuple[str, str], ...]) -> str | None:
    """A source header ('上级财政补助（ 万）', '所在地方财政\\n投入') or 合计 as the policy names it.
    groups: (normalised, as named) of 合计 first, then of each source (_FundingNames.groups)."""
    key = norm_key(text)
    total, shown = groups[0]
    if key == total:
        return shown
    for prefix, source in groups[1:]:
        if key.startswith(prefix):
            return source
    return None


@dataclass(frozen=True)
class _FundingNames:
    """What find_funding_tables looks for, from the schema's 表4-2 sheet and the policy's sources."""
    content: frozenset[str]                      # the '内容' header, normalised
    units: frozenset[str]                        # the 项目单位 header
    subs: dict[str, tuple[bool, str, float]]     # _sub_headers
    groups: tuple[tuple[str, str], ...]          # _group


_FUNDING_NAMES: dict[tuple[int, int], tuple[Sheet, Policy, _FundingNames]] = {}


def _funding_names(sheet: Sheet, policy: Policy) -> _FundingNames:
    """Cached by identity (as header_names): the same sheet and policy serve every file of a run."""
    cached = _FUNDING_NAMES.get((id(sheet), id(policy)))
    if cached is not None and cached[0] is sheet and cached[1] is policy:
        return cached[2]
    names = header_names(sheet)
    out = _FundingNames(frozenset(k for k, v in names.items() if v == sheet.block_label),
                        frozenset(k for k, v in names.items() if v == sheet.link), _sub_headers(sheet, policy),
                        ((norm_key(sheet.block[0]), sheet.block[0]),
                         *((norm_key(source), source) for source in policy.funding["sources"])))
    _FUNDING_NAMES[(id(sheet), id(policy))] = (sheet, policy, out)
    return out


def _in_wan(yuan: float) -> float:
    wan = round(yuan / 10000, 6)
    return int(wan) if float(wan).is_integer() else wan


def find_funding_tables(grid: Grid, sheet: Sheet, policy: Policy) -> list[FundingTable]:
    found = _funding_names(sheet, policy)
    content_names, subs = found.content, found.subs
    names = header_names(sheet)
    tables = []
    row = 0
    while row < grid.height:
        # every '内容' header on the row: 表4-2 of two bases may stand side by side, each to the next
        hits = [c for c, key in enumerate(grid.row_keys(row)) if key in content_names]
        sub_row = None
        for s in range(row, min(row + 4, grid.height)) if hits else ():
            if sum(1 for k in grid.row_keys(s) if k and k in subs) >= 2:    # a cell's key: norm_key of its text
                sub_row = s
                break
        if sub_row is None:
            row += 1
            continue
        for n, (hit, end) in enumerate(zip(hits, [*(h - 1 for h in hits[1:]), 1 << 30], strict=True)):
            table = _funding_table(grid, row, sub_row, (hit if n else 0, hit, end), found, names)
            if len(table.columns) >= 2:
                tables.append(table)
        row = sub_row + 1
    return tables


def _funding_table(grid: Grid, row: int, sub_row: int, where: tuple[int, int, int], found: _FundingNames,
                   names: dict[str, str]) -> FundingTable:
    """The 表4-2 whose '内容' header is at (row, hit), where = (first, hit, last) its columns."""
    subs, unit_names = found.subs, found.units
    first, hit, end = where
    table = FundingTable(row, sub_row, hit, first_col=first, last_col=end)
    last_amount = None
    for col, text in grid.row_texts(sub_row):
        tail = norm_key(text)
        if tail not in subs or not hit <= col <= end:
            continue
        is_amount, shown_tail, factor = subs[tail]
        # A source's header stands over its 金额 column (merged over the 比例 beside it).
        if is_amount:
            last_amount = col
        group_col = col if is_amount else (last_amount if last_amount is not None else col - 1)
        group = None
        for g in range(sub_row - 1, row - 1, -1):
            shown = grid.merged_text(g, group_col, vertical=True)
            if shown:
                group = _group(shown, found.groups)
                break
        key = names.get(norm_key(group + shown_tail)) if group else None
        if key and key not in table.columns:
            table.columns[key] = col
            table.headers[key] = f"{group}{shown_tail}"
            if factor != 1.0:
                table.in_yuan[key] = f"{group}{text}"
    for g in range(row, sub_row + 1):
        for col, key in enumerate(grid.row_keys(g)):
            if key and key in unit_names and hit <= col <= end:
                table.unit_col = col
    return table


def _unit_above(grid: Grid, t: FundingTable, floor: int, sheet: Sheet, unit_names: set[str]) -> tuple[str, str] | None:
    """The base's name in a '项目单位：…' line or in the title above a table, in its columns: (name, cell)."""
    top = t.top
    for row in range(top - 1, max(floor, top - 6) - 1, -1):
        for col, text in grid.row_texts(row):
            if not t.first_col <= col <= t.last_col:
                continue
            for sep in ("：", ":"):
                if sep in text:
                    label, rest = text.split(sep, 1)
                    name = _SEAL.sub("", rest).strip()
                    if norm_key(label) in unit_names and name:
                        return name, a1(row, col)
            if sheet.printed_title and sheet.printed_title in norm_key(text):
                # '大同市XX学校投入预算汇总表', '表4-2 XX学校投入预算汇总（单位：万元）'
                name = _TITLE_NOISE.sub("", text)
                for noise in (sheet.printed_label, sheet.printed_title):
                    name = name.replace(noise or "\0", "")
                name = name.strip(" 表：:-—")
                if name:
                    return name, a1(row, col)
    return None


def read_funding_tables(grids: list[Grid], schema: Schema, policy: Policy, sub: Submission,
                        base_units: dict[str, str], found: dict[str, list[FundingTable]] | None = None) -> list[Record]:
    sheet = schema.sheet("funding")
    # The base is named as 附件7 heads its 项目单位 column (or any of that column's aliases).
    unit_names = {k for k, v in header_names(schema.sheet("bases")).items() if v == "unit"}
    unit_names |= {k for k, v in header_names(sheet).items() if v == sheet.link}
    labels = {norm_key(label): label for label in sheet.block}
    records: list[Record] = []
    for grid in grids:
        tables = found[grid.name] if found and grid.name in found else find_funding_tables(grid, sheet, policy)
        ends: list[tuple[FundingTable, int]] = []    # each table read and the row after it
        for t in tables:
            # the row after the last table above this one in its columns (a table beside it is none)
            floor = max((end for u, end in ends if u.top < t.top and u.first_col <= t.last_col
                         and t.first_col <= u.last_col), default=0)
            named = _unit_above(grid, t, floor, sheet, unit_names)
            if named is None and len(tables) == 1 and norm_key(grid.name) in base_units:
                named = base_units[norm_key(grid.name)], a1(t.top, t.label_col)
            unit, unit_cell = named if named else (None, a1(t.top, t.label_col))
            table = Table(sheet.key, grid.name, t.sub_row + 1, dict(t.headers), dict(t.columns),
                          a1(t.top, t.label_col))
            table.columns[sheet.block_label] = t.label_col
            sub.tables.setdefault(sheet.key, []).append(table)
            block: list[Record] = []
            # Each column once: its key, place, letter, whether a content row types it, its converter.
            readers = [(key, col, column_name(col), sheet.column(key).is_input, converter(sheet.column(key), policy),
                        sheet.column(key)) for key, col in t.columns.items()]
            label_letter = column_name(t.label_col)
            row = t.sub_row + 1
            while row < grid.height:
                label = labels.get(grid.key(row, t.label_col))
                if label is None:
                    if not any(not is_blank(grid.get(row, c)) for c in t.columns.values()) or is_footer(grid, row):
                        break
                    row += 1
                    continue
                head = label == sheet.block[0]
                number = str(row + 1)
                rec = Record(sheet.key, grid.name, row + 1, content=label, head=head)
                rec.values["content"] = label
                rec.cells["content"] = label_letter + number
                own_unit = clean_text(grid.get(row, t.unit_col)) if t.unit_col is not None else ""
                rec.values["unit"] = own_unit or unit
                rec.cells["unit"] = a1(row, t.unit_col) if own_unit else unit_cell
                values, cells, typed = rec.values, rec.cells, rec.typed
                for key, col, letter, is_input, convert, column in readers:
                    cells[key] = letter + number
                    raw = grid.get(row, col)
                    value = convert(raw)
                    # 100000元 under 金额（万元）: 10 万元, said at its cell; a plain number under 金额（元）
                    interpreted = False
                    if value is not None:
                        value, interpreted = read_as_meant(raw, value, column, rec.doubts, key)
                    if not interpreted and key in t.in_yuan and isinstance(value, int | float) \
                            and not isinstance(value, bool):
                        value = _in_wan(value)
                    if not head and is_input:
                        values[key] = value
                    elif value is not None:
                        typed[key] = value
                block.append(rec)
                row += 1
            ends.append((t, row))
            if t.in_yuan and block:
                # said once for the table, at its first amount header
                key, header = next(iter(t.in_yuan.items()))
                block[0].doubts.setdefault(f"{key}_unit", ("yuan_table", {
                    "raw": header, "_column": key, "cell": a1(t.sub_row, t.columns[key])}))
            if block and not any(r.head for r in block):
                # no 合计 line: the contents are the budget all the same; the 合计 is computed from
                # them (compute.derive), as for any 表4-2, and the file is told
                head = Record(sheet.key, grid.name, block[0].row, content=sheet.block[0], head=True, made=True)
                head.values.update(content=sheet.block[0], unit=block[0].values.get("unit"))
                head.cells.update(content=a1(t.top, t.label_col), unit=block[0].cells.get("unit"))
                head.doubts["content"] = ("no_total", {"raw": sheet.block[0], "read": "各项内容之和"})
                block.append(head)
            # Heads first, then the contents in the policy's order, as compute.derive reads a block.
            order = {label: i for i, label in enumerate(sheet.block)}
            block.sort(key=lambda r: (order[r.content], r.row))
            if any(not is_blank(v) for r in block for k, v in r.values.items() if k.startswith("amount")) \
                    or any(r.typed for r in block):
                records.extend(block)
    return records


def _rows_name_recommender(sub: Submission) -> bool:
    return any(isinstance(rec.values.get("recommender"), str) and rec.values["recommender"].strip()
               for records in sub.sheets.values() for rec in records)


def read_printed(grids: list[Grid], schema: Schema, policy: Policy, sub: Submission) -> bool:
    """Fill `sub` from the printed layouts; False when no table of the schema was found at all."""
    sub.layout = LAYOUT_PRINTED
    visible = [g for g in grids if not g.hidden]
    funding_sheet = schema.sheet("funding")
    funding = {g.name: find_funding_tables(g, funding_sheet, policy) for g in visible}
    stops = {name: [preamble_top(next(g for g in visible if g.name == name), t.top, 0) for t in tables]
             for name, tables in funding.items() if tables}
    hits = read_tables(grids, schema, policy, sub, printed=True, stops=stops)

    for rec in [*sub.rows("studios"), *(s.record for s in sub.skipped if s.record and s.sheet_key == "studios")]:
        # 附件8 prints 工作室规模 as one text ("120㎡ 8人"); the template keeps 面积 and 人数 apart.
        parsed = parse_size(rec.typed.get("size")) if "area" not in rec.values else None
        if parsed:
            rec.values["area"], rec.values["members"] = parsed
            rec.cells["area"] = rec.cells["members"] = rec.cells["size"]
            doubt = size_doubt(rec.typed.get("size"))
            if doubt:
                doubt[1]["raw"] = rec.typed.get("size")
                rec.doubts["size"] = doubt

    if not any(h.sheet_key == "funding" for h in hits):
        bases = {norm_key(r.values.get("unit")): r.values.get("unit") for r in sub.rows("bases")
                 if not is_blank(r.values.get("unit"))}
        records = read_funding_tables(visible, schema, policy, sub, bases, funding)
        if records or sub.tables.get("funding"):
            sub.sheets["funding"] = records
        # 表4-2 on hidden sheets: old data, listed as not merged (and the file told, C-HIDDEN)
        for grid in (g for g in grids if g.hidden):
            tables = find_funding_tables(grid, funding_sheet, policy)
            if not tables:
                continue
            aside = Submission(sub.path, sub.name, sub.sha256, sub.size, sub.layout)
            rows = read_funding_tables([grid], schema, policy, aside, bases, {grid.name: tables})
            if rows:
                sub.skipped.extend(hidden_block_rows(rows, grid))
                if (grid.name, grid.visibility) not in sub.hidden_sheets:
                    sub.hidden_sheets.append((grid.name, grid.visibility or "隐藏"))

    found = find_recommender(visible)
    if not (found and found[0]) and not _rows_name_recommender(sub):
        # no line above the tables and no 推荐单位 column filled: the line typed under the table
        # (推荐单位（盖章）：X, with the date) names the recommender
        below = find_recommender(visible, anywhere=True)
        found = below if below and below[0] else found
        printed = recommender_in_page(visible) if not (found and found[0]) else None
        if printed is not None:
            found, sub.recommender_place = printed
    if found:
        sub.recommender, sub.recommender_sheet, sub.recommender_cell = found
    sub.recommender_lines = recommender_lines(visible, hits)
    if not sub.tables:
        return False
    infer_tiers(sub, policy)
    recompute(sub, policy, schema)
    return True


