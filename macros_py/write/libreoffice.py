"""Headless LibreOffice: the spreadsheet engine we prove our workbooks against, and the PDF printer.

One `soffice` start costs about 1.5 s, so `convert` takes many files in one call. Each call gets its
own throw-away user profile (-env:UserInstallation): two runs at once would otherwise fight over
the default profile's lock and one of them silently converts nothing. The profile is pre-seeded to
recalculate every formula on load, so values come from the engine, never from a stale cache.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from macros_py.model.errors import ShenbaoError
from macros_py.write.print_areas import (
    DYNAMIC_AREA,
    formula_print_areas,
    hidden_sheets,
    load_keeping_print_areas,
)

# Where soffice lives when it is not on PATH (Debian/Ubuntu, the upstream .deb, macOS, Windows).
_KNOWN_PLACES = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)

# The export filter for each target format: without one LibreOffice picks by extension, and for
# xlsx it may pick the Excel 2003 XML filter on some builds.
FILTERS = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "pdf": "pdf:calc_pdf_Export",
    "ods": "ods",
    "csv": "csv:Text - txt - csv (StarCalc):44,34,76,1",   # comma, double quotes, UTF-8, from row 1
}

# Recalculate on load for both OOXML and ODF files ("0" = always), instead of trusting cached values.
_RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""

NOT_FOUND = ("找不到 LibreOffice（soffice）。请安装 LibreOffice（Debian/Ubuntu：apt-get install "
             "libreoffice-calc-nogui），或用环境变量 SHENBAO_SOFFICE 指定 soffice 的完整路径。")


class LibreOfficeError(ShenbaoError):
    """LibreOffice is missing, timed out or did not write what it was asked to."""


def find_soffice() -> str | None:
    """The soffice executable: $SHENBAO_SOFFICE, then PATH, then the usual install places."""
    explicit = os.environ.get("SHENBAO_SOFFICE")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in _KNOWN_PLACES if Path(p).is_file()), None)


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess:
    # Own process group, so that a timeout ends soffice.bin too and not only the shell wrapper.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise LibreOfficeError(f"LibreOffice 在 {timeout:.0f} 秒内没有完成转换，已终止。") from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def convert(paths: Iterable[str | Path], outdir: str | Path, fmt: str = "xlsx",
            timeout: float | None = None) -> list[Path]:
    """Open every file in one headless LibreOffice, recalculate, and save it as `fmt` in `outdir`.

    Returns the written files in the order of `paths`. The output keeps each input's stem, so two
    inputs with the same stem, or an output that would overwrite its own input, are refused.
    """
    paths = [Path(p).resolve() for p in paths]
    if not paths:
        return []
    soffice = find_soffice()
    if not soffice:
        raise LibreOfficeError(NOT_FOUND)
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    targets = [outdir / f"{p.stem}.{fmt}" for p in paths]
    if len(set(targets)) != len(targets):
        raise LibreOfficeError("要转换的文件中有同名文件，转换结果会相互覆盖；请分批转换。")
    for src, dst in zip(paths, targets, strict=True):
        if not src.is_file():
            raise LibreOfficeError(f"找不到要转换的文件 {src}")
        if src == dst:
            raise LibreOfficeError(f"转换结果会覆盖原文件 {src}；请换一个输出目录。")
        dst.unlink(missing_ok=True)  # so that a stale file is never mistaken for a result
    timeout = timeout if timeout is not None else 60 + 10 * len(paths)
    with tempfile.TemporaryDirectory(prefix="shenbao-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_RECALC_XCU, encoding="utf-8")
        cmd = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--nodefault", "--convert-to", FILTERS.get(fmt, fmt),
               "--outdir", str(outdir), *map(str, paths)]
        result = _run(cmd, timeout)
    missing = [t.name for t in targets if not t.is_file()]
    if missing:
        detail = (result.stderr or result.stdout or "").strip().splitlines()[-3:]
        raise LibreOfficeError(f"LibreOffice 没有生成 {'、'.join(missing)}（退出码 {result.returncode}）"
                               + (f"：{' / '.join(detail)}" if detail else "。"))
    return targets


# ---------------------------------------------------------------------------------------- printing
def dynamic_print_areas(path: str | Path) -> dict[str, tuple[str, int]]:
    """Sheet name → (height expression, width in columns) of each print area given as
    OFFSET(sheet!$A$1,0,0,height,width), as the county workbook writes them, on a sheet that prints:
    a hidden sheet is left alone (LibreOffice prints a hidden sheet that has a plain print area,
    measured; Excel prints no hidden sheet)."""
    out = {}
    hidden = hidden_sheets(path)
    for sheet, text in formula_print_areas(path).items():
        if sheet in hidden:
            continue
        match = DYNAMIC_AREA.match(text)
        out[sheet] = (match["height"], int(match["width"]))
    return out


def pdf_as_excel_prints(paths: Iterable[str | Path], outdir: str | Path) -> list[Path]:
    """PDFs of workbooks whose print areas are formulas, printed the way Excel prints them.

    LibreOffice 7.4 keeps a print area given by a formula (OFFSET(…)) as an ordinary name and prints
    the sheet's whole used range instead (measured: 17 pages for a sample whose rows in use fill 8).
    Excel evaluates the name when it prints. The county workbook's data sheets have such print areas;
    its one-page forms have a plain one and their one-page continuations none, which LibreOffice
    follows by itself. So each print area's height is first computed by
    LibreOffice itself (a probe copy with the expression in a cell, recalculated), then written as
    the plain range it evaluates to into a copy, which LibreOffice prints."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter, quote_sheetname

    paths = [Path(p) for p in paths]
    outdir = Path(outdir)
    work = Path(tempfile.mkdtemp(prefix="shenbao-print-", dir=outdir if outdir.is_dir() else None))
    areas = {p: dynamic_print_areas(p) for p in paths}
    probes = []
    for i, p in enumerate(paths):
        wb = load_keeping_print_areas(p.read_bytes())
        ws = wb.create_sheet("打印区域")
        for row, (height, _) in enumerate(areas[p].values(), start=1):
            ws.cell(row, 1, f"={height}")
        probe = work / f"probe{i}.xlsx"
        wb.save(probe)
        probes.append(probe)
    computed = convert(probes, work / "computed")
    resolved = []
    for p, done in zip(paths, computed, strict=True):
        values = load_workbook(done, data_only=True)["打印区域"]
        static = {}
        for row, (sheet, (_, width)) in enumerate(areas[p].items(), start=1):
            height = values.cell(row, 1).value
            height = int(height) if isinstance(height, int | float) else 1
            static[sheet] = f"{quote_sheetname(sheet)}!$A$1:${get_column_letter(width)}${height}"
        target = work / "static" / p.name
        target.parent.mkdir(exist_ok=True)
        _replace_print_areas(p, target, static)
        resolved.append(target)
    out = convert(resolved, outdir, "pdf")
    shutil.rmtree(work, ignore_errors=True)
    return out


def _replace_print_areas(source: Path, target: Path, static: dict[str, str]) -> None:
    """A copy of `source` whose formula print areas are the given plain ranges; every other part of
    the package is copied byte for byte."""
    import xml.etree.ElementTree as ET

    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with zipfile.ZipFile(source) as z:
        text = z.read("xl/workbook.xml").decode("utf-8")
        root = ET.fromstring(text)
        sheets = [s.get("name") for s in root.iter(f"{{{ns}}}sheet")]

        def sub(match: re.Match) -> str:
            sheet = sheets[int(match["id"])]
            if sheet not in static:
                return match[0]
            return f'{match["open"]}{escape(static[sheet])}</definedName>'

        text = re.sub(r'(?P<open><definedName name="_xlnm.Print_Area" localSheetId="(?P<id>\d+)"[^>]*>)'
                      r"OFFSET\(.*?\)</definedName>", sub, text)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for item in z.infolist():
                data = text.encode("utf-8") if item.filename == "xl/workbook.xml" else z.read(item)
                out.writestr(item, data)
