"""What both readers share: data rows under a found header, the 推荐单位 line, and recomputation.

Rows become Records of normalised values (cell_values.coerce) with the address of every field. Which
columns count as typed depends on the layout: the project's template computes its formula columns
(their cached values are never read), a printed form has only typed cells.
"""

from __future__ import annotations

import re

from macros_py.model.normalize import clean_text, name_text, norm_key
from macros_py.model.submission import (
    FILTERED,
    HIDDEN_ROW,
    HIDDEN_SHEET,
    LAYOUT_PRINTED,
    NOT_PROJECT,
    NOTED,
    STRUCK,
    Record,
    SkippedRow,
    Submission,
    Table,
)
from macros_py.policy.compute import derive
from macros_py.policy.load import Policy
from macros_py.policy.recommenders import LINE_LABELS, line_name
from macros_py.policy.schema import FORMULA, LABEL, MAJOR_SEPARATORS, TEXT, Schema, Sheet
from macros_py.policy.values import converter, is_blank, read_as_meant, settle_by_id
from macros_py.read.grid import Grid, a1, column_name
from macros_py.read.headers import HeaderHit, header_names
from macros_py.read.rowkinds import is_notice_footer, row_kind

# Lines that end a printed table: its footer (备注：此表由推荐单位填写…) and "以下空白" marks.
_FOOTER = re.compile(r"^(备注|注|说明|填表说明|填报说明)[:：]")
_END_MARK = re.compile(r"^(以下空白|以下无|此行以下空白|空白)")
_SEAL = re.compile(r"[（(]\s*(公章|盖章|章|签章)\s*[)）]")
_COLON = re.compile("[:：]")


def is_footer(grid: Grid, row: int) -> bool:
    first = grid.first_text(row)
    return bool(first and (_FOOTER.match(first[1]) or _END_MARK.match(first[1])))


def table_of(hit: HeaderHit) -> Table:
    sheet_col = hit.columns
    anchor_col = min(sheet_col.values()) if sheet_col else 0
    return Table(hit.sheet_key, hit.grid.name, hit.row + 1, dict(hit.headers), dict(sheet_col),
                 a1(max(hit.row, 0), anchor_col))   # a continuation at the top of its sheet: row -1


def read_rows(hit: HeaderHit, sheet: Sheet, policy: Policy, *, printed: bool,
              stop: int | None = None, skipped: list[SkippedRow] | None = None,
              bounds: tuple[int, int] | None = None) -> list[Record]:
    """The project rows under `hit` until `stop` (exclusive) or the end of the sheet.

    printed=False (the template): formula columns are not read at all, only their addresses kept.
    printed=True: every recognised column is read; what the template computes goes to `typed`.
    Rows that are not projects (rowkinds) and projects that are withdrawn (a hidden row, a hidden
    sheet, struck through) go to `skipped` with the reason, never to the records. A merged cell's
    value belongs to every row it spans. bounds: the columns (first, last) of a table beside another
    on its sheet; only they say what kind of row it is. (Written for speed: this loop meets every cell of a file.)
    """
    grid = hit.grid
    stop = grid.height if stop is None else min(stop, grid.height)
    skipped = [] if skipped is None else skipped
    readers = []
    examples = set()
    for key, c in hit.columns.items():
        col = sheet.column(key)
        computed = col.kind == FORMULA
        example = norm_key(col.printed_example) if col.printed_example else None
        if example:
            examples.add(example)
        readers.append((key, c, column_name(c), computed, col.kind == LABEL, example,
                        converter(col, policy, nonblank=True), col))
    examples = frozenset(examples)
    link_col = hit.columns.get(sheet.link) if sheet.link else None
    names = {k for k in (sheet.link, "unit") if k in hit.columns}   # columns that hold a name (name_text)
    seq_col = hit.columns.get("seq")
    width = len(hit.columns)
    link_headers = {name for name, key in header_names(sheet).items() if key == sheet.link}
    # The template's formula columns (推荐单位, 编号) show what the formula made of the row once Excel,
    # WPS or LibreOffice has computed it: never what the clerk typed, so never what kind of row it is.
    formula_cols = set() if printed else {c for _, c, _, computed, *_ in readers if computed}
    records = []
    for row in range(hit.row + 1, stop):
        cells = grid.row_texts(row)
        if bounds is not None:
            cells = [(c, t) for c, t in cells if bounds[0] <= c <= bounds[1]]
        if not cells:
            continue
        if printed and len(cells) == 1 and is_notice_footer(cells[0][1]):
            continue  # the printed form's own footer, like its header
        typed_cells = [(c, t) for c, t in cells if c not in formula_cols] if formula_cols else cells
        why = row_kind(grid, row, typed_cells or cells, link_col=link_col, seq_col=seq_col, examples=examples, width=width,
                       names_unit=sheet.link == "unit")
        if why is None and link_col is not None and grid.key(row, link_col) in link_headers:
            why = f"重复的表头（“{grid.text(row, link_col)}”）"   # the header row typed or pasted again
        if records and link_col is not None and (row, link_col) in grid.merged_cells:
            why = _continue(grid, row, cells, link_col, records[-1], readers) or why
        if why:
            skipped.append(_skip(sheet, grid, row, NOT_PROJECT, why, cells, link_col))
            continue
        line = grid.rows[row]
        width_line = len(line)
        number = str(row + 1)
        values, cells_at, typed, doubts = {}, {}, {}, {}
        in_use = False
        for key, c, letter, computed, label, example, convert, col in readers:
            cells_at[key] = letter + number
            if computed and not printed:
                continue
            raw = line[c] if c < width_line else ""
            if raw == "" or raw is None:
                raw = grid.down(row, c) if (row, c) in grid.merged_cells else None
                if raw is None:
                    if not computed:
                        values[key] = None
                    continue
            if key == "majors" and isinstance(raw, str) and "\n" in raw:
                # one major a line (Alt+Enter) is a list as much as 中式烹调师、电工; cleaning the
                # text would fold the breaks into spaces and make them one major
                raw = MAJOR_SEPARATORS[0].join(part for part in raw.splitlines() if part.strip())
            value = convert(name_text(raw) if key in names else raw)
            if value is not None and example is not None and norm_key(value) == example:
                value = None  # the notice's guidance text ("可写简称", "XX㎡ XX人"), not data
            elif value is not None:
                value, _ = read_as_meant(raw, value, col, doubts, key)
            if computed:
                # Typed where the template computes: kept for comparison, but (as the template's
                # [in_use]) only input columns make a row count: a 推荐单位 written down every
                # pre-numbered row is not four applications.
                if value is not None and key != "seq":
                    typed[key] = value
                continue
            values[key] = value
            if value is not None and not label:
                in_use = True
        if not in_use:
            continue
        if doubts:
            settle_by_id(values, doubts)
        rec = Record(sheet.key, grid.name, row + 1, values, cells_at, typed, doubts=doubts)
        withdrawn = _withdrawn(grid, row, cells, link_col) or _noted(values.get("note"))
        if withdrawn:
            skipped.append(_skip(sheet, grid, row, withdrawn[0], withdrawn[1], cells, link_col, rec))
            continue
        records.append(rec)
    return records


def _withdrawn(grid: Grid, row: int, cells: list[tuple[int, str]], link_col: int | None) -> tuple[str, str] | None:
    if grid.hidden:
        return HIDDEN_SHEET, f"在{grid.visibility or '隐藏'}的工作表“{grid.name}”中"
    if row in grid.hidden_rows:
        window = grid.filtered
        if window is not None and window[0] <= row <= window[1]:
            # a filter hides rows for a view, a clerk hides them to withdraw: said, the bureau decides
            return HIDDEN_ROW, FILTERED
        return HIDDEN_ROW, "该行被隐藏"
    if grid.struck and ((row, link_col) in grid.struck or all((row, c) in grid.struck for c, _ in cells)):
        return STRUCK, "该行文字有删除线"
    return None


def _continue(grid: Grid, row: int, cells: list[tuple[int, str]], link_col: int, above: Record,
              readers: list) -> str | None:
    """A second line of the project above: its name cell merged down over this row, and this row's
    text in text columns only (a second 申报专业 under the first). The texts join the project's, and
    the reason says so; None when the row is not that."""
    origin = grid.merged_cells.get((row, link_col))
    if origin is None or origin[1] != link_col or origin[0] != above.row - 1:
        return None
    text_cols = {c: key for key, c, _letter, computed, label, _ex, _conv, col in readers
                 if not computed and not label and col.kind == TEXT and c != link_col}
    if not cells or any(c not in text_cols for c, _ in cells):
        return None
    for c, text in cells:
        key = text_cols[c]
        before = above.values.get(key)
        above.values[key] = f"{before}、{text}" if isinstance(before, str) and before else text
    shown = "、".join(t for _, t in cells)
    return f"第 {above.row} 行项目的续行（项目名称的单元格合并到本行），“{shown}”已并入第 {above.row} 行"


# A 备注 that withdraws its row: 已撤回, 不再申报, 此项作废, 放弃申报 (at its start; 撤销 is left out, it
# also names a unit's dissolution).
_WITHDRAWN_NOTE = re.compile(r"^(此项|该项|该项目|本项目|该单位)?\s*(已|已经|申请|予以|现)?\s*"
                             r"(撤回|作废|放弃申报|放弃|取消申报|不再申报|退出申报|暂不申报|不申报)")


def _noted(note) -> tuple[str, str] | None:
    if isinstance(note, str) and _WITHDRAWN_NOTE.match(norm_key(note)):
        return NOTED, f"备注写明“{note if len(note) <= 20 else note[:19] + '…'}”"
    return None


def _skip(sheet: Sheet, grid: Grid, row: int, kind: str, reason: str, cells: list[tuple[int, str]],
          link_col: int | None, rec: Record | None = None) -> SkippedRow:
    at = next((c for c, _ in cells if c == link_col), cells[0][0] if cells else 0)
    text = " ".join(t[:-2] if t.endswith(".0") and t[:-2].isdigit() else t for _, t in cells)
    return SkippedRow(sheet.key, grid.name, row + 1, kind, reason, a1(row, at),
                      text if len(text) <= 60 else text[:59] + "…", rec)


_LABEL_KEYS = frozenset(norm_key(label) for label in LINE_LABELS)
_LABEL_NOTE = re.compile(r"[（(][^（）()]{0,8}[)）]$")          # 推荐单位（盖章）, 报送单位(公章)
_LABELS = "|".join(sorted(LINE_LABELS, key=len, reverse=True))   # the longest first: 推荐单位名称 before 推荐单位
_NO_COLON = re.compile(r"^(" + _LABELS + r")[\s\u3000]+(?=[^\s（(])")
# The label run into the name (推荐单位大同市能源局): taken only where what follows ends as the name of a
# body does, so that a header such as 推荐单位意见 is not read as the line.
_GLUED = re.compile(r"^(" + _LABELS + r")(?=[^\s（(：:])")
_BODY_END = re.compile(r"(局|委|委员会|会|中心|办|院|厅|政府|集团|公司|学校|科|处|室)$")


def _line_label(text: str) -> str | None:
    """What follows the label when `text` (one line of a cell, as typed) is the 推荐单位 line:
    '推荐单位：X', '推荐单位（盖章）：X', '报送单位：X', or the label and the name apart by spaces
    ('推荐单位  X'); None when it is not the line (a 推荐单位 column's header has neither)."""
    parts = _COLON.split(text, maxsplit=1)
    if len(parts) == 2:
        label = norm_key(parts[0])
        if label in _LABEL_KEYS or _LABEL_NOTE.sub("", label) in _LABEL_KEYS:
            return parts[1]
        return None
    text = text.strip()
    match = _NO_COLON.match(text)
    if match:
        return text[match.end():]
    match = _GLUED.match(text)
    if match and _BODY_END.search(line_name(text[match.end():]) or ""):
        return text[match.end():]
    return None


def _line_at(grid: Grid, row: int) -> tuple[str | None, str, str] | None:
    for col, value in enumerate(grid.rows[row]):
        if type(value) is not str or "单位" not in value and "部门" not in value:
            continue
        lines = value.split("\n")
        for text in lines:
            rest = _line_label(text)
            if rest is None:
                continue
            name = line_name(rest)
            if name:
                return name, grid.name, a1(row, col)
            if len(lines) > 1:
                continue
            for c2 in range(col + 1, min(col + 6, grid.width(row))):
                value = line_name(clean_text(grid.get(row, c2)))
                if value:
                    return value, grid.name, a1(row, c2)
            # Nothing written: a label alone in its cell (the template) takes the name beside it;
            # the printed '推荐单位：（公章）' takes it after the colon, in the same cell.
            return None, grid.name, a1(row, col + 1 if not rest.strip() else col)
    return None


def find_recommender(grids: list[Grid], rows: int = 12, *, anywhere: bool = False) -> tuple[str | None, str, str] | None:
    """The '推荐单位：X（公章）' line: (name or None, sheet, the cell holding or awaiting the name).

    The name may follow the colon in the same cell (the printed forms), sit on a line of its own
    in the title's cell, or in the next filled cell to the right (the template's 填报说明!C3). A cell
    without a colon is a 推荐单位 column's header, not the line. The first line that names someone
    wins over an empty one. anywhere: where the first `rows` rows name no one, the rest of each
    sheet is read too (the line typed under the table, with the date and the seal)."""
    empty = None
    for top in (True, False) if anywhere else (True,):
        for grid in (g for g in grids if not g.hidden):
            for row in range(min(rows, grid.height)) if top else range(rows, grid.height):
                found = _line_at(grid, row)
                if found and found[0]:
                    return found
                if top:
                    empty = empty or found    # an empty line under the table awaits no name
    return empty


def recommender_in_page(grids: list[Grid]) -> tuple[tuple[str, str, None], str] | None:
    """A 推荐单位 line printed outside the cells (the page header or footer, a text box: Grid.flag_source
    page_texts), where a file has none in its cells: ((name, sheet, no cell), where it is)."""
    for grid in grids:
        source = grid.flag_source
        for where, text in source.page_texts(grid.name) if source is not None else ():
            for line in text.split("\n"):
                rest = _line_label(line.strip())
                name = line_name(rest) if rest else None
                if name:
                    return (name, grid.name, None), where
    return None


def recommender_lines(grids: list[Grid], hits, rows: int = 12, above: int = 6) -> list[tuple[str, str, str]]:
    """Every 推荐单位 line that names someone (find_recommender's lines): at the top of each visible
    sheet, and over each table (a second form stamped by another unit, on its own sheet or under the
    first table), in the order of the sheets and rows, each cell once."""
    wanted: dict[str, set[int]] = {g.name: set(range(min(rows, g.height))) for g in grids if not g.hidden}
    for hit in hits:
        if hit.grid.name in wanted:
            wanted[hit.grid.name].update(range(max(0, hit.row - above), hit.row))
    found: dict[tuple[str, str], tuple[str, str, str]] = {}
    for grid in (g for g in grids if g.name in wanted):
        for row in sorted(wanted[grid.name]):
            line = _line_at(grid, row)
            if line and line[0]:
                found.setdefault((line[1], line[2]), line)
    return list(found.values())


def recompute(sub: Submission, policy: Policy, schema: Schema) -> None:
    """Fill every formula column from the inputs (compute.derive), then, for printed forms, fall back to
    what the file typed where the inputs give nothing (a 推荐单位 per row, an unparsed 工作室规模).
    The records' own value dicts are handed to derive (with its _row/_head keys added for the call
    and removed after), so nothing is copied."""
    rows: dict[str, list[dict]] = {}
    for key, records in sub.sheets.items():
        table = sub.table(key)
        header = table.header_row if table else schema.sheet(key).header_row
        out = rows.setdefault(key, [])
        for rec in records:
            data = rec.values
            data["_row"], data["_header_row"] = rec.row, rec.header_row or header
            if rec.head:
                data["_head"] = True
            if rec.content is not None:
                data["content"] = rec.content
            out.append(data)
    derive(rows, sub.recommender, policy, **({"fold": norm_key} if sub.layout == LAYOUT_PRINTED else {}))
    for records in sub.sheets.values():
        for rec in records:
            data = rec.values
            del data["_row"], data["_header_row"]
            data.pop("_head", None)
            for key, value in rec.typed.items():
                if is_blank(data.get(key)):
                    data[key] = value
