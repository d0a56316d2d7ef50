"""Test helper: make LibreOffice compute the workbook's conditional-format conditions as cell values.

A conditional format cannot be read back as "is this cell marked?" from a saved file. So a copy of
the workbook gets, to the right of each table, one probe column per (format, range): at each row
the format's stored formula as Excel evaluates it for that cell (relative references moved from the
range's top-left cell to the target, the way Excel applies a format to every cell of its range),
entered as a one-cell array formula because Excel evaluates format conditions as arrays. After
LibreOffice has recalculated, a probe cell that is TRUE is a cell the format marks.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula
from workbook_rows import computed_values

from macros_py.write.template import check_formats, make_renderer


@dataclass(frozen=True)
class Probe:
    rule: str
    severity: str
    sheet: str      # worksheet title
    target: str     # the cell the format marks when the probe is TRUE
    probe: str      # the probe cell


def stored_formats(ws) -> dict[tuple[frozenset, str], str]:
    """(set of ranges, formula) -> sqref for every conditional format the sheet holds."""
    out = {}
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            out[(frozenset(str(cf.sqref).split()), rule.formula[0])] = str(cf.sqref)
    return out


def missing_formats(wb, policy) -> list[str]:
    """Checks of the schema that have no conditional format in the workbook."""
    renderer = make_renderer(policy)
    missing = []
    for sheet in renderer.schema.sheets:
        stored = stored_formats(wb[sheet.title])
        for check, ranges, formula in check_formats(sheet, renderer):
            if (frozenset(ranges.split()), formula) not in stored:
                missing.append(f"{sheet.title} {check.rule} {ranges}")
    return missing


def add_probes(src, dst, policy) -> list[Probe]:
    """Copy workbook `src` to `dst` with probe columns for every check's format; return the probes."""
    wb = load_workbook(src)
    renderer = make_renderer(policy)
    probes = []
    for sheet in renderer.schema.sheets:
        ws = wb[sheet.title]
        stored = stored_formats(ws)
        column = len(sheet.columns) + 2
        for check, ranges, formula in check_formats(sheet, renderer):
            sqref = stored[(frozenset(ranges.split()), formula)]
            origin = sqref.split()[0].split(":")[0]
            translator = Translator("=" + formula, origin=origin)
            for rng in sqref.split():
                c1, r1, _, r2 = range_boundaries(rng)
                letter = get_column_letter(column)
                for row in range(r1, r2 + 1):
                    target = f"{get_column_letter(c1)}{row}"
                    ws[f"{letter}{row}"] = ArrayFormula(f"{letter}{row}", translator.translate_formula(target))
                    probes.append(Probe(check.rule, check.severity, sheet.title, target, f"{letter}{row}"))
                column += 1
    wb.save(dst)
    return probes


def marked(converted, probes: list[Probe]) -> set[tuple[str, str, str, str]]:
    """(rule, severity, sheet, cell) of every probe LibreOffice computed TRUE; anything that is
    neither TRUE nor FALSE (an error value, text) raises, since a format would silently not mark."""
    wb = computed_values(converted)
    out = set()
    for p in probes:
        value = wb[p.sheet][p.probe].value
        if value not in (True, False, 0, 1):
            raise AssertionError(f"{p.sheet}!{p.target} {p.rule}: the condition gives {value!r}, not TRUE/FALSE")
        if value:
            out.add((p.rule, p.severity, p.sheet, p.target))
    return out
