"""A stand-in for the few xlwings objects the ribbon code uses, backed by a real workbook on disk.

Only xlwings itself is replaced: a StandInBook loads a real .xlsx with openpyxl, every call the ribbon
code makes changes that workbook in memory as Excel would change the open workbook, and `save()`
writes it back, so tests compare real files before and after. The surface is exactly what
macros_py.addin.excel_marks, workbook_files and xl_addin touch — anything else raises AttributeError, so
code that starts using more of xlwings fails here first.

Excel's behaviour that matters is imitated: Range.value writes a 2-D block from its top-left cell,
text starting with "=" becomes a formula and a leading apostrophe keeps text as text; a protected
sheet refuses fills (unless formatting is allowed), values in locked cells and notes (unless objects
are allowed); AddComment on a cell that has a note fails; SaveCopyAs writes the workbook as it is
now without changing its name. Every call is counted in `app.calls`, so tests can prove that values
are read and written in blocks.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries


class ComError(Exception):
    """What pywin32 raises when Excel refuses a call."""


class StandInApp:
    def __init__(self, *, save_as: str | None = None, folder: str | None = None, answers=()):
        self.calls: Counter = Counter()
        self.alerts: list[dict] = []
        self.answers = list(answers)          # what the user clicks in alerts with buttons, in order
        self.screen_updating = True
        self.books = StandInBooks(self)
        self.api = _AppApi(save_as, folder)

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        if buttons == "ok":
            return "ok"
        return self.answers.pop(0) if self.answers else "no"


class _AppApi:
    """Excel.Application: the two dialogs xl_addin asks for."""

    def __init__(self, save_as, folder):
        self.save_as, self.folder = save_as, folder

    def GetSaveAsFilename(self, InitialFileName=None, FileFilter=None, Title=None):
        return self.save_as if self.save_as else False

    def FileDialog(self, kind):
        assert kind == 4, kind  # msoFileDialogFolderPicker
        return _FolderDialog(self.folder)


class _FolderDialog:
    def __init__(self, folder):
        self.folder, self.Title = folder, ""

    def Show(self):
        return -1 if self.folder else 0

    def SelectedItems(self, index):
        assert index == 1
        return self.folder


class StandInBooks:
    def __init__(self, app):
        self.app, self.opened = app, []

    def open(self, fullname):
        book = StandInBook(fullname, self.app)
        self.opened.append(book)
        return book


class StandInBook:
    def __init__(self, path, app: StandInApp | None = None):
        self.path = Path(path)
        self.app = app or StandInApp()
        self.wb = load_workbook(self.path, keep_vba=self.path.suffix.lower() == ".xlsm")
        self.closed = False

    @property
    def name(self):
        return self.path.name

    @property
    def fullname(self):
        return str(self.path)

    @property
    def sheets(self):
        return StandInSheets(self)

    @property
    def api(self):
        return _BookApi(self)

    def save(self, path=None):
        self.app.calls["book.save"] += 1
        self.wb.save(path or self.path)

    def close(self):
        self.closed = True


class _BookApi:
    def __init__(self, book):
        self.book = book

    def SaveCopyAs(self, filename):
        self.book.app.calls["SaveCopyAs"] += 1
        self.book.wb.save(filename)

    @property
    def ProtectStructure(self):
        security = self.book.wb.security
        return bool(security and security.lockStructure)


class StandInSheets:
    def __init__(self, book):
        self.book = book

    def __iter__(self):
        return (StandInSheet(self.book, ws) for ws in self.book.wb.worksheets)

    def __len__(self):
        return len(self.book.wb.worksheets)

    def __getitem__(self, key):
        self.book.app.calls["sheets[]"] += 1
        if isinstance(key, int):
            return StandInSheet(self.book, self.book.wb.worksheets[key])
        if key not in self.book.wb.sheetnames:
            raise ComError(f"no sheet {key}")
        return StandInSheet(self.book, self.book.wb[key])

    def add(self, name=None, before=None, after=None):
        self.book.app.calls["sheets.add"] += 1
        wb = self.book.wb
        if name in wb.sheetnames:
            raise ComError(f"sheet {name} exists")
        index = wb.worksheets.index(before.ws) if before else (wb.worksheets.index(after.ws) + 1 if after else None)
        ws = wb.create_sheet(name, index)
        wb.active = wb.worksheets.index(ws)
        return StandInSheet(self.book, ws)


class StandInSheet:
    def __init__(self, book, ws):
        self.book, self.ws = book, ws

    @property
    def name(self):
        return self.ws.title

    @property
    def api(self):
        return _SheetApi(self)

    def range(self, address):
        return StandInRange(self, address)

    @property
    def used_range(self):
        return StandInRange(self, self.ws.calculate_dimension())

    def delete(self):
        self.book.app.calls["sheet.delete"] += 1
        wb = self.book.wb
        if self.ws.sheet_state == "veryHidden":
            # Whether Excel deletes a very hidden sheet is not known here: the code shows it first, and the
            # stand-in insists on that.
            raise ComError("a very hidden sheet cannot be deleted")
        wb.remove(self.ws)

    def activate(self):
        wb = self.book.wb
        for ws in wb.worksheets:
            ws.sheet_view.tabSelected = False
        self.ws.sheet_view.tabSelected = True
        wb.active = wb.worksheets.index(self.ws)


_VISIBILITY = {-1: "visible", 0: "hidden", 2: "veryHidden"}
# Excel's Allow* flags and the openpyxl SheetProtection attribute each one inverts (True = locked).
_ALLOW = {"AllowFormattingCells": "formatCells", "AllowFormattingColumns": "formatColumns",
          "AllowFormattingRows": "formatRows", "AllowInsertingColumns": "insertColumns",
          "AllowInsertingRows": "insertRows", "AllowInsertingHyperlinks": "insertHyperlinks",
          "AllowDeletingColumns": "deleteColumns", "AllowDeletingRows": "deleteRows", "AllowSorting": "sort",
          "AllowFiltering": "autoFilter", "AllowUsingPivotTables": "pivotTables"}


class _SheetApi:
    """Excel.Worksheet: visibility and protection."""

    def __init__(self, sheet):
        object.__setattr__(self, "sheet", sheet)

    @property
    def _p(self):
        return self.sheet.ws.protection

    @property
    def Visible(self):
        return {v: k for k, v in _VISIBILITY.items()}[self.sheet.ws.sheet_state]

    def __setattr__(self, key, value):
        if key == "Visible":
            self.sheet.ws.sheet_state = _VISIBILITY[value]
        elif key == "EnableSelection":
            self._p.selectLockedCells = value != 0    # 0 xlNoRestrictions, 1 xlUnlockedCells
            self._p.selectUnlockedCells = value == -4142
        else:
            raise AttributeError(key)

    @property
    def ProtectContents(self):
        return bool(self._p.sheet)

    @property
    def PageSetup(self):
        return _PageSetup(self.sheet.ws)

    @property
    def ProtectDrawingObjects(self):
        return bool(self._p.objects)

    @property
    def ProtectScenarios(self):
        return bool(self._p.scenarios)

    @property
    def EnableSelection(self):
        if self._p.selectUnlockedCells:
            return -4142
        return 1 if self._p.selectLockedCells else 0

    @property
    def Protection(self):
        p = self._p
        return type("Protection", (), {k: not bool(getattr(p, a)) for k, a in _ALLOW.items()})()

    def Unprotect(self, Password=None):
        self.sheet.book.app.calls["Unprotect"] += 1
        if self._p.password and Password is None:
            raise ComError("password")
        self._p.sheet = False

    def Protect(self, Password=None, DrawingObjects=True, Contents=True, Scenarios=True, UserInterfaceOnly=False,
                **allow):
        self.sheet.book.app.calls["Protect"] += 1
        p = self._p
        p.sheet, p.objects, p.scenarios = bool(Contents), bool(DrawingObjects), bool(Scenarios)
        for key, attr in _ALLOW.items():
            setattr(p, attr, not allow.get(key, False))


_CELL = re.compile(r"^[A-Z]+\d+$")


class StandInRange:
    def __init__(self, sheet, address, ndim=None):
        self.sheet, self.address, self.ndim = sheet, address.replace("$", ""), ndim

    @property
    def _calls(self):
        return self.sheet.book.app.calls

    def options(self, ndim=None, **_):
        return StandInRange(self.sheet, self.address, ndim)

    def _areas(self):
        out = []
        for part in self.address.split(","):
            if re.fullmatch(r"[A-Z]+:[A-Z]+", part):  # whole columns
                a, b = part.split(":")
                out.append((column_index_from_string(a), 1, column_index_from_string(b), self.sheet.ws.max_row))
            else:
                out.append(range_boundaries(part if ":" in part else f"{part}:{part}"))
        return out

    def _cells(self):
        ws = self.sheet.ws
        for c0, r0, c1, r1 in self._areas():
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    yield ws.cell(r, c)

    def _single(self):
        assert _CELL.match(self.address), f"a single cell expected, got {self.address}"
        return self.sheet.ws[self.address]

    def _refuse(self, what):
        p = self.sheet.ws.protection
        if p.sheet and getattr(p, what):
            raise ComError(f"{self.sheet.name} is protected ({what})")

    # ---------------------------------------------------------------- values
    @property
    def value(self):
        self._calls["range.value.get"] += 1
        (c0, r0, c1, r1), = self._areas()
        ws = self.sheet.ws
        rows = [[ws.cell(r, c).value for c in range(c0, c1 + 1)] for r in range(r0, r1 + 1)]
        if self.ndim == 2:
            return rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        return rows[0] if len(rows) == 1 else rows

    @value.setter
    def value(self, data):
        self._calls["range.value.set"] += 1
        (c0, r0, _, _), = self._areas()
        rows = data if isinstance(data, list) and data and isinstance(data[0], list) else [[data]]
        ws = self.sheet.ws
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                cell = ws.cell(r0 + i, c0 + j)
                if ws.protection.sheet and cell.protection.locked:
                    raise ComError("locked cell on a protected sheet")
                if isinstance(value, str) and value.startswith("'"):
                    cell.value = value[1:]
                    cell.data_type = "s"
                    cell.quotePrefix = True
                else:
                    cell.value = value

    # ---------------------------------------------------------------- formats
    @property
    def color(self):
        self._calls["range.color.get"] += 1
        fill = self._single().fill
        if fill is None or fill.fill_type is None:
            return None
        rgb = fill.fgColor.rgb
        return tuple(int(rgb[i:i + 2], 16) for i in (2, 4, 6))

    @color.setter
    def color(self, value):
        self._calls["range.color.set"] += 1
        self._refuse("formatCells")
        fill = PatternFill(fill_type=None) if value is None else PatternFill(
            "solid", fgColor="FF" + value.lstrip("#").upper())
        for cell in self._cells():
            cell.fill = fill

    @property
    def font(self):
        return _Font(self)

    @property
    def wrap_text(self):
        raise AttributeError("wrap_text is only set here")

    @wrap_text.setter
    def wrap_text(self, value):
        self._calls["range.wrap_text.set"] += 1
        self._refuse("formatCells")
        for cell in self._cells():
            a = cell.alignment
            cell.alignment = Alignment(horizontal=a.horizontal, vertical=a.vertical, wrap_text=bool(value))

    @property
    def api(self):
        return _RangeApi(self)

    @property
    def rows(self):
        return _Rows(self)

    @property
    def column_width(self):
        raise AttributeError("column_width is only set here")

    @column_width.setter
    def column_width(self, width):
        self._calls["range.column_width.set"] += 1
        for c0, _, c1, _ in self._areas():
            for c in range(c0, c1 + 1):
                self.sheet.ws.column_dimensions[get_column_letter(c)].width = width

    # ---------------------------------------------------------------- notes
    @property
    def note(self):
        self._calls["range.note.get"] += 1
        cell = self._single()
        return _Note(self, cell) if cell.comment is not None else None

    def add_note(self, text):
        self._calls["range.add_note"] += 1
        self._refuse("objects")
        cell = self._single()
        if cell.comment is not None:
            raise ComError("the cell has a note already")
        cell.comment = Comment(text, "Excel")
        return _Note(self, cell)


class _Font:
    def __init__(self, rng):
        object.__setattr__(self, "rng", rng)

    def __setattr__(self, key, value):
        self.rng._calls[f"range.font.{key}.set"] += 1
        self.rng._refuse("formatCells")
        for cell in self.rng._cells():
            f = cell.font
            if key == "bold":
                cell.font = Font(name=f.name, size=f.size, bold=value, italic=f.italic, color=f.color)
            elif key == "color":
                cell.font = Font(name=f.name, size=f.size, bold=f.bold, italic=f.italic, color="FF" + value.lstrip("#"))
            elif key == "name":
                cell.font = Font(name=value, size=f.size, bold=f.bold, italic=f.italic, color=f.color)
            elif key == "size":
                cell.font = Font(name=f.name, size=value, bold=f.bold, italic=f.italic, color=f.color)
            else:
                raise AttributeError(key)


class _RangeApi:
    """Excel.Range: Borders.LineStyle (every edge and inside line) and VerticalAlignment."""

    _VALIGN = {-4160: "top", -4108: "center", -4107: "bottom"}

    def __init__(self, rng):
        object.__setattr__(self, "rng", rng)

    @property
    def Borders(self):
        return _Borders(self.rng)

    def __setattr__(self, key, value):
        if key != "VerticalAlignment":
            raise AttributeError(key)
        self.rng._calls["range.api.VerticalAlignment.set"] += 1
        for cell in self.rng._cells():
            a = cell.alignment
            cell.alignment = Alignment(horizontal=a.horizontal, vertical=self._VALIGN[value], wrap_text=a.wrap_text)


class _Borders:
    def __init__(self, rng):
        object.__setattr__(self, "rng", rng)

    def __setattr__(self, key, value):
        if key != "LineStyle":
            raise AttributeError(key)
        self.rng._calls["range.api.Borders.LineStyle.set"] += 1
        side = Side(style="thin" if value == 1 else None)
        for cell in self.rng._cells():
            cell.border = Border(left=side, right=side, top=side, bottom=side)


class _Rows:
    """Range.rows: autofit() as Excel measures wrapped text, estimated from the column widths."""

    def __init__(self, rng):
        self.rng = rng

    def autofit(self):
        from macros_py.write.cell_text import row_height, wrapped_lines

        self.rng._calls["range.rows.autofit"] += 1
        ws = self.rng.sheet.ws
        for c0, r0, c1, r1 in self.rng._areas():
            for r in range(r0, r1 + 1):
                lines = 1
                for c in range(c0, c1 + 1):
                    cell = ws.cell(r, c)
                    width = ws.column_dimensions[get_column_letter(c)].width or 8.43
                    if isinstance(cell.value, str) and not cell.value.startswith("=") and cell.alignment.wrap_text:
                        lines = max(lines, wrapped_lines(cell.value, width))
                ws.row_dimensions[r].height = row_height(lines)


class _PageSetup:
    """Excel.PageSetup: the properties write_results sets, kept in the workbook's page setup."""

    _MARGINS = {"LeftMargin": "left", "RightMargin": "right", "TopMargin": "top", "BottomMargin": "bottom",
                "HeaderMargin": "header", "FooterMargin": "footer"}

    def __init__(self, ws):
        object.__setattr__(self, "ws", ws)

    def __setattr__(self, key, value):
        ws = self.ws
        if key == "PaperSize":
            ws.page_setup.paperSize = value
        elif key == "Orientation":
            ws.page_setup.orientation = {1: "portrait", 2: "landscape"}[value]
        elif key == "Zoom":
            ws.sheet_properties.pageSetUpPr.fitToPage = value is False
        elif key == "FitToPagesWide":
            ws.page_setup.fitToWidth = value
        elif key == "FitToPagesTall":
            ws.page_setup.fitToHeight = 0 if value is False else value
        elif key == "PrintTitleRows":
            ws.print_title_rows = value.replace("$", "")
        elif key == "CenterFooter":
            ws.oddFooter.center.text = value
        elif key in self._MARGINS:
            setattr(ws.page_margins, self._MARGINS[key], value / 72)
        else:
            raise AttributeError(key)


class _Note:
    def __init__(self, rng, cell):
        object.__setattr__(self, "rng", rng)
        object.__setattr__(self, "cell", cell)

    @property
    def text(self):
        self.rng._calls["note.text.get"] += 1
        return self.cell.comment.text

    def __setattr__(self, key, value):
        if key != "text":
            raise AttributeError(key)
        self.rng._calls["note.text.set"] += 1
        self.rng._refuse("objects")
        self.cell.comment = Comment(value, self.cell.comment.author or "Excel")

    def delete(self):
        self.rng._calls["note.delete"] += 1
        self.rng._refuse("objects")
        self.cell.comment = None
