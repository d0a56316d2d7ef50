"""The reader's entry: any county file in, one Submission out (or a Chinese reason it cannot be used).

.xlsx, .xlsm and .xls (and .ods) are read with python-calamine, which never runs macros. The layout
is found by content: the project's template by its version sheet, else the printed forms of the
notice. The file's bytes are checked first (file_safety), and the input is only ever read.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from macros_py.model.errors import UnusableFileError
from macros_py.model.submission import LAYOUT_PRINTED, NOT_PROJECT, Submission
from macros_py.policy.load import Policy, default_policy
from macros_py.policy.schema import build_schema
from macros_py.read.flags import FlagReader
from macros_py.read.flags_ods import OdsFlagReader
from macros_py.read.flags_xls import XlsFlagReader
from macros_py.read.grid import Grid, cut_long_texts
from macros_py.read.printed import read_printed
from macros_py.read.safety import (
    DEFAULT_LIMITS,
    KIND_OOXML,
    KIND_OTHER_ZIP,
    KIND_XLS,
    Limits,
    ZipFacts,
    check_cfb,
    check_xls,
    check_zip,
    sniff,
)
from macros_py.read.template import find_meta, read_template

NOTE_VBA = "工作簿含有 VBA 宏工程；只读取了数据，没有运行任何宏。"


def _check_merged(name: str, merged: list, limits: Limits) -> None:
    """Merged ranges before a Grid spreads them over their cells: not more of them, nor more covered
    cells, than a sheet of the extent limit could have (the reader fills only ranges of up to 61 x 61)."""
    covered = sum((r1 - r0 + 1) * (c1 - c0 + 1) for (r0, c0), (r1, c1) in merged
                  if r1 - r0 <= 60 and c1 - c0 <= 60)
    if len(merged) > limits.max_merged or covered > limits.max_cells:
        raise UnusableFileError(f"工作表“{name}”有 {len(merged)} 个合并区域（共覆盖 {covered} 个单元格），超过上限"
                                f"（{limits.max_merged} 个），不像正常的申报工作簿，已停止读取。请取消多余的合并后重新报送。")


FlagSource = FlagReader | XlsFlagReader | OdsFlagReader   # .get(sheet name) -> SheetFlags, .close()


def flag_source(path: Path, container: str, kind: str, facts: ZipFacts | None, limits: Limits) -> FlagSource:
    """Where hidden rows and struck cells are read from, by the file's container: the BIFF records of
    an .xls, content.xml of an .ods, the sheet parts and styles.xml of an .xlsx/.xlsm (those the safety
    check inflated taken from `facts`)."""
    if container == "cfb":
        return XlsFlagReader(path, limits)
    if kind == KIND_OTHER_ZIP:
        return OdsFlagReader(path, limits)
    return FlagReader(path, facts.xml, facts.names) if facts is not None else FlagReader(path)


def read_grids(path: Path, limits: Limits = DEFAULT_LIMITS, skip: frozenset[str] = frozenset(),
               flags: FlagSource | None = None, longest_text: int | None = None, *,
               by_content: bool = False) -> list[Grid]:
    """Every worksheet as a Grid; chart sheets, unreadable sheets and the sheets named in `skip` are left out.
    longest_text: how long a cell's text can be at most, when known (ZipFacts.largest_part): texts are
    only looked at for cutting (cut_long_texts) when that passes the limit."""
    cut = longest_text is None or longest_text > limits.max_text
    from python_calamine import CalamineWorkbook, PasswordError

    try:
        if by_content:   # its extension names another format: calamine would go by the extension
            with path.open("rb") as fh:
                wb = CalamineWorkbook.from_filelike(io.BytesIO(fh.read()))
        else:
            wb = CalamineWorkbook.from_path(str(path))
    except PasswordError:
        raise UnusableFileError("文件已加密（设置了打开密码），请去掉密码后重新报送。") from None
    except Exception as exc:  # calamine's own errors: zip, XML, BIFF records
        raise UnusableFileError(f"文件已损坏或格式无法识别，无法读取（{type(exc).__name__}）。"
                                "请用 Excel 或 WPS 打开后重新保存再报送。") from None
    grids = []
    try:
        for meta in wb.sheets_metadata:
            if "WorkSheet" not in str(meta.typ) or meta.name in skip:
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            if sheet.height * max(sheet.width, 1) > limits.max_cells or sheet.height > limits.max_rows:
                raise UnusableFileError(f"工作表“{meta.name}”有 {sheet.height} 行、{sheet.width} 列，"
                                        "不像正常的申报工作簿，已停止读取。请删除多余的行后重新报送。")
            rows = sheet.to_python(skip_empty_area=False)
            merged = list(sheet.merged_cell_ranges or [])
            _check_merged(meta.name, merged, limits)
            state = str(meta.visible).rsplit(".", 1)[-1]   # SheetVisibleEnum.Visible / Hidden / VeryHidden
            hidden = state != "Visible"
            shown = "" if not hidden else ("深度隐藏" if state.startswith("Very") else "隐藏")
            grids.append(Grid(meta.name, rows, merged, hidden, visibility=shown, flag_source=flags,
                              long_texts=cut_long_texts(rows, limits.max_text) if cut else []))
    except UnusableFileError:
        raise
    except PasswordError:
        raise UnusableFileError("文件已加密（设置了打开密码），请去掉密码后重新报送。") from None
    except Exception as exc:
        raise UnusableFileError(f"文件中的工作表无法读取（{type(exc).__name__}），可能已损坏。"
                                "请用 Excel 或 WPS 打开后重新保存再报送。") from None
    finally:
        wb.close()
    return grids


def checked_file(path: Path, limits: Limits = DEFAULT_LIMITS, unread: frozenset[str] = frozenset()
                 ) -> tuple[str, int, str, str, bool, ZipFacts | None]:
    """(sha256, size, container, kind, has_vba, facts) of a workbook that passed every byte check and
    limit (read/safety, read/extent) before any reader builds a sheet; UnusableFileError with the
    reason. unread: the worksheets no reader will build (check_zip); facts: what check_zip found of a
    zip package (its parts, the XML it inflated, for the flags reader), None for an .xls."""
    if not path.exists():
        raise UnusableFileError(f"找不到文件 {path}。")
    if path.is_dir():
        raise UnusableFileError(f"{path} 是文件夹，不是工作簿。")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(4096)
        container = sniff(path.name, head, size, limits)   # the size limit before the bytes are read
        data = path.read_bytes()
    except PermissionError:
        raise UnusableFileError("没有读取这个文件的权限。请让文件的所有者放开读取权限，"
                                "或把文件复制到有权限的文件夹后重新报送或汇总。") from None
    except OSError as exc:
        raise UnusableFileError(f"无法读取这个文件（{exc.strerror or exc}）：可能在网络盘上已断开，"
                                "或正被其他程序独占。请把文件复制到本机后重试。") from None
    sha256 = hashlib.sha256(data).hexdigest()
    if container == "cfb":
        check_cfb(data)
        check_xls(path, limits)
        return sha256, size, container, KIND_XLS, "_VBA_PROJECT".encode("utf-16-le") in data, None
    facts = check_zip(io.BytesIO(data), limits, unread)     # the bytes just read, not the file again
    return sha256, size, container, facts.kind, facts.has_vba, facts


def print_forms(policy: Policy) -> frozenset[str]:
    """The template's print forms (附件7 打印, 附件8 打印 and their 续 sheets) show the data sheets' rows again, by formula:
    never a second copy of the projects, whichever way the file is read (an .xls copy loses the
    template's hidden version sheet and is read as printed forms), so never even built."""
    return build_schema(policy).form_titles


def read_submission(path: str | Path, policy: Policy | None = None, limits: Limits = DEFAULT_LIMITS, *,
                    skip_sheets: frozenset[str] = frozenset()) -> Submission:
    """Read one submitted file. Raises UnusableFileError (Chinese reason) when it cannot be used.

    skip_sheets: worksheets that are not the submission's (the add-in's own 校验结果 and bookkeeping
    sheets in a workbook it has marked), never read."""
    policy = policy or default_policy()
    path = Path(path)
    unread = frozenset(skip_sheets) | print_forms(policy)
    sha256, size, container, kind, has_vba, facts = checked_file(path, limits, unread)

    flags = flag_source(path, container, kind, facts, limits)   # hidden rows, struck cells
    # An .xls saved (or a WPS .et renamed) as .xlsx, or the other way round: read by what it is
    renamed = (kind == KIND_XLS) != (path.suffix.lower() in _BIFF_SUFFIXES) and kind in (KIND_XLS, KIND_OOXML)
    try:
        sub = _read(path, limits, unread, flags, sha256, size, has_vba, kind, policy,
                    facts.largest_part if facts is not None else None, by_content=renamed)
    finally:
        flags.close()
    if renamed:
        sub.notes.append(f"文件的内容是{'Excel 97–2003（.xls）或 WPS（.et）' if kind == KIND_XLS else 'Excel 2007 以后（.xlsx）'}"
                         f"格式，扩展名却是 {path.suffix}：已按内容读取。")
    return sub


_BIFF_SUFFIXES = (".xls", ".et")


def _read(path, limits, unread, flags, sha256, size, has_vba, kind, policy, longest_text, *,
          by_content: bool = False) -> Submission:
    grids = read_grids(path, limits, unread, flags, longest_text, by_content=by_content)
    sub = Submission(path=str(path), name=path.name, sha256=sha256, size=size, layout=LAYOUT_PRINTED,
                     has_vba=has_vba)
    if has_vba:
        sub.notes.append(NOTE_VBA)
    sub.long_texts = [(g.name, cell, length) for g in grids for cell, length in g.long_texts]
    sub.text_limit = limits.max_text
    schema = build_schema(policy)
    meta = find_meta(grids)
    if meta is not None:
        read_template(grids, meta, schema, policy, sub)
        if not sub.tables:
            raise UnusableFileError("文件有本项目模板的版本信息，但找不到任何数据表（表头被改动或工作表被删除）。"
                                    "请使用市人社局下发的标准化申报工作簿重新填报。")
    elif not read_printed(grids, schema, policy, sub):
        what = "（.xls）" if kind == KIND_XLS else ""
        pictured = pictured_sheets(grids, sub, flags)
        if pictured:
            raise UnusableFileError(f"工作簿{what}中没有可识别的表格，工作表“{'”“'.join(pictured)}”里只有图片"
                                    "（粘贴或截图的表格）：图片里的内容无法读取。请在单元格中按通知附件7/附件8 的表头"
                                    "填写（或使用标准化申报工作簿）后重新报送。")
        raise UnusableFileError(f"工作簿{what}中没有可识别的表格：既不是本项目的标准化申报工作簿，"
                                "也找不到附件7、附件8 或表4-2 格式的表头。请使用标准化申报工作簿，"
                                "或按通知附件7/附件8 的表头填写。")
    sub.picture_sheets = pictured_sheets(grids, sub, flags)
    note = not_projects_note(sub)
    if note:
        sub.notes.append(note)
    return sub


_FEW_CELLS = 6   # a label, a title, a 推荐单位 line over a pasted picture: no table of cells


def pictured_sheets(grids: list[Grid], sub: Submission, flags) -> list[str]:
    """The visible sheets no table was read from that hold a picture and hardly a cell: a table pasted
    as a screenshot, whose projects cannot be read (said, C-TEMPLATE picture)."""
    used = {t.sheet for tables in sub.tables.values() for t in tables} | {name for name, _ in sub.unread_sheets}
    out = []
    for grid in grids:
        if grid.hidden or grid.name in used:
            continue
        filled = sum(1 for line in grid.rows for v in line if v is not None and v != "")
        if filled <= _FEW_CELLS and flags is not None and flags.pictures(grid.name):
            out.append(grid.name)
    return out


def not_projects_note(sub: Submission, shown: int = 8) -> str | None:
    """One line for the clerk: which rows under the tables were not taken as projects, and why
    (withdrawn rows are C-HIDDEN findings; these are no finding at all)."""
    rows = [s for s in sub.skipped if s.kind == NOT_PROJECT]
    if not rows:
        return None
    parts = [f"{s.sheet}!{s.cell or s.row} {s.reason}" for s in rows[:shown]]
    more = f"等 {len(rows)} 行" if len(rows) > shown else f"共 {len(rows)} 行"
    return "不是项目、没有作为项目读取的行（" + more + "）：" + "；".join(parts) + "。"
