"""The master's real PivotTables: openpyxl reads them back, LibreOffice opens them as DataPilot tables
(through UNO, tests/lo_pivots.py run by the system Python), computes them from the sheets, and their
totals equal the static cross tables printed on 基地统计/工作室统计. A pivot LibreOffice makes itself on
the same data, saved as .xlsx, is the reference our parts are compared with (as XlsxWriter compares
against files Excel made), with an allow-list of explained differences. Nobody here has Excel.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import SOFFICE

from macros_py.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
DRIVER = Path(__file__).with_name("lo_pivots.py")
SYSTEM_PYTHON = "/usr/bin/python3"
requires_uno = pytest.mark.skipif(
    not SOFFICE or subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode != 0,
    reason="需要 LibreOffice 和系统 Python 的 uno 模块（python3-uno）")


@pytest.fixture(scope="module")
def master(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pivots")
    assert main(["merge", str(ROOT / "workbooks" / "samples"), "-o", str(out / "汇总.xlsx"), "--jobs", "1"]) == 0
    return out / "汇总.xlsx"


def _lo(*args, timeout=240) -> dict:
    env = {**os.environ, "SHENBAO_SOFFICE": SOFFICE}  # the one soffice conftest found
    done = subprocess.run([SYSTEM_PYTHON, str(DRIVER), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "error" not in result, result
    return result


def _static(wb, sheet: str) -> dict[str, list]:
    """Static table name → its 合计 row (the last row of each Excel table on the sheet)."""
    ws = wb[sheet]
    out = {}
    for name, ref in ws.tables.items():
        last = ws[ref.split(":")[1]].row
        out[name] = [c.value for c in ws[last]][: ws[ref.split(":")[1]].column]
    return out


def test_openpyxl_reads_the_pivots_back(master):
    wb = openpyxl.load_workbook(master)
    found = {ws.title: [(p.name, p.cache.cacheSource.worksheetSource.sheet, p.cache.refreshOnLoad) for p in ws._pivots]
             for ws in wb if ws._pivots}
    assert found == {
        "基地透视表": [("推荐单位×档次", "基地汇总", True), ("属性×档次", "基地汇总", True), ("资金来源", "基地汇总", True),
                  ("申报专业", "专业预算", True)],
        "工作室透视表": [("推荐单位×类别", "工作室汇总", True), ("职业（工种）", "工作室汇总", True),
                   ("技能等级", "工作室汇总", True)]}
    pivot = wb["基地透视表"]._pivots[0]
    # no copy of the rows: the cache is refreshed from the whole 基地汇总 table when the workbook opens
    assert pivot.cache.recordCount == 0 and not pivot.cache.records.r
    sheet = wb["基地汇总"]
    assert pivot.cache.cacheSource.worksheetSource.ref == \
        f"A1:{openpyxl.utils.get_column_letter(sheet.max_column)}{sheet.max_row}"
    assert [f.name for f in pivot.cache.cacheFields] == [c.value for c in wb["基地汇总"][1]]


def test_pivots_are_byte_identical_on_a_rerun(master, tmp_path):
    assert main(["merge", str(ROOT / "workbooks" / "samples"), "-o", str(tmp_path / "again.xlsx"), "--jobs", "1"]) == 0
    a, b = zipfile.ZipFile(master), zipfile.ZipFile(tmp_path / "again.xlsx")
    pivot_parts = [n for n in a.namelist() if "pivot" in n]
    assert len(pivot_parts) == 3 * 3 + 7 * 2          # caches: definition, rels, records; tables: xml, rels
    assert all(a.read(n) == b.read(n) for n in a.namelist())


@requires_uno
def test_libreoffice_computes_the_pivots_and_they_equal_the_static_tables(master, tmp_path):
    shutil.copy(master, tmp_path / "m.xlsx")
    sheets = _lo("read", tmp_path / "m.xlsx")["sheets"]
    pivots = {p["name"]: p for ps in sheets.values() for p in ps}
    assert set(pivots) == {"推荐单位×档次", "属性×档次", "资金来源", "申报专业", "推荐单位×类别", "职业（工种）", "技能等级"}
    assert pivots["推荐单位×档次"]["rows"] == ["推荐单位"] and pivots["推荐单位×档次"]["cols"] == ["申报档次"]
    assert pivots["资金来源"]["data"][0][1] == "sum"
    wb = openpyxl.load_workbook(master)
    static = _static(wb, "基地统计") | _static(wb, "工作室统计")
    pairs = {"推荐单位×档次": "按推荐单位和档次", "属性×档次": "按属性和档次", "申报专业": "按申报专业",
             "推荐单位×类别": "按推荐单位和类别", "职业（工种）": "按职业工种", "技能等级": "按技能等级"}
    for pivot, table in pairs.items():
        grand = pivots[pivot]["cells"][-1]                       # LibreOffice's total row
        assert [round(v) for v in grand[1:]] == static[table][1:], (pivot, grand, static[table])
    funding = pivots["资金来源"]["cells"][-1][1:]
    assert [round(v, 2) for v in funding] == [round(v, 2) for v in
                                             (r[1] for r in wb["基地统计"].iter_rows(values_only=True)
                                              if r[0] in ("上级财政补助", "所在地方财政投入", "行业企业投入", "其他投入"))]
    # the rows come in the policy's order: the ten counties first, as on the static table
    rows = [r[0] for r in pivots["推荐单位×档次"]["cells"][2:-1]]
    assert rows[0] == "平城区人力资源和社会保障局" and rows[-1].startswith("大同市")


# CT_pivotTableDefinition's defaults (ECMA-376 Part 1, 18.10.1.73): openpyxl writes many attributes
# at their default value, LibreOffice leaves them out; either way the meaning is the same.
DEFAULTS = {"dataOnRows": "0", "showError": "0", "showMissing": "1", "showItems": "1", "editData": "0",
            "disableFieldList": "0", "showCalcMbrs": "1", "visualTotals": "1", "showMultipleLabel": "1",
            "showDataDropDown": "1", "showDrill": "1", "printDrill": "0", "showMemberPropertyTips": "1",
            "showDataTips": "1", "enableWizard": "1", "enableDrill": "1", "enableFieldProperties": "1",
            "preserveFormatting": "1", "pageWrap": "0", "pageOverThenDown": "0", "subtotalHiddenItems": "0",
            "rowGrandTotals": "1", "colGrandTotals": "1", "fieldPrintTitles": "0", "mergeItem": "0",
            "showDropZones": "1", "showEmptyRow": "0", "showEmptyCol": "0", "showHeaders": "1", "published": "0",
            "gridDropZones": "0", "immersive": "1", "chartFormat": "0", "fieldListSortAscending": "0",
            "mdxSubqueries": "0", "asteriskTotals": "0"}
# Where we differ from LibreOffice on purpose, and why.
EXPLAINED = {
    "name": "the pivot's own name",
    "dataCaption": "数值 (Chinese; LibreOffice writes its UI language, here Values)",
    "compact": "compact layout, Excel's default for new pivots (LibreOffice writes the outline form)",
    "compactData": "the same",
    "useAutoFormatting": "Excel fits the columns to the pivot on refresh, as it does for pivots it makes",
    "applyWidthHeightFormats": "the same",
    "multipleFieldFilters": "written as Excel writes it (0); only matters for filters, which we set none",
    "rowHeaderCaption": "the row field's name instead of 行标签",
    "colHeaderCaption": "the column field's name instead of 列标签",
    "grandTotalCaption": "合计 instead of 总计 (Excel shows it; LibreOffice keeps its own Total Result)",
    "createdVersion": "3: readable from Excel 2007 on", "updatedVersion": "the same",
    "minRefreshableVersion": "the same",
    "r:id": "openpyxl's TableDefinition writer puts its rels id on the root element",
    "cacheId": "the workbook's number for the pivot's cache: LibreOffice numbers the caches of its save in an "
               "order of its own, which differed between runs of this test (1 in most, 2 once)",
}
# recordCount: ours keeps no records (0; refreshed from the sheet on open), LibreOffice saves a copy of the rows
CACHE_EXPLAINED = {"saveData", "refreshOnLoad", "refreshedBy", "refreshedVersion", "minRefreshableVersion",
                   "recordCount"}
CHILDREN_EXPLAINED = {"rowItems", "colItems"}   # the laid-out items, as Excel writes them; LibreOffice lays out on load


def _root(z: zipfile.ZipFile, name: str):
    from lxml import etree

    return etree.fromstring(z.read(name))


def _local(attr: str) -> str:
    return "r:id" if attr.endswith("}id") else attr


@requires_uno
def test_our_pivot_parts_match_the_ones_libreoffice_writes(master, tmp_path):
    """LibreOffice builds 推荐单位×档次 itself over the same 基地汇总 table and saves as .xlsx; our parts
    are compared with its parts, element by element, after the explained differences."""
    shutil.copy(master, tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(master)
    last, width = wb["基地汇总"].max_row, wb["基地汇总"].max_column
    spec = [{"name": "参照", "source_sheet": "基地汇总",
             "source_range": f"A1:{openpyxl.utils.get_column_letter(width)}{last}",
             "sheet": "汇总说明", "cell": "E2", "rows": ["推荐单位"], "cols": ["申报档次"], "data": [["项目单位", "count"]]}]
    (tmp_path / "spec.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    saved = _lo("make", tmp_path / "m.xlsx", tmp_path / "ref.xlsx", tmp_path / "spec.json")
    assert "推荐单位×档次" in {p["name"] for ps in saved["sheets"].values() for p in ps}   # ours survive the round trip
    ref, ours = zipfile.ZipFile(tmp_path / "ref.xlsx"), zipfile.ZipFile(master)
    tables = [_root(ref, n) for n in ref.namelist() if n.startswith("xl/pivotTables/pivotTable") and n.endswith(".xml")]
    theirs = next(t for t in tables if t.get("name") == "参照")
    mine = _root(ours, "xl/pivotTables/pivotTable1.xml")
    assert mine.get("name") == "推荐单位×档次"

    # attributes of the root: only defaults or explained differences
    for attr in set(mine.attrib) | set(theirs.attrib):
        a, b = mine.get(attr), theirs.get(attr)
        if a == b or _local(attr) in EXPLAINED:
            continue
        assert (b is None and DEFAULTS.get(attr) == a) or (a is None and DEFAULTS.get(attr) == b), (attr, a, b)
    # the same children, in the same order, apart from the laid-out items
    tag = lambda e: e.tag.split("}")[1]  # noqa: E731
    assert [tag(c) for c in mine if tag(c) not in CHILDREN_EXPLAINED] == [tag(c) for c in theirs]
    ns = {"m": mine.nsmap[None]}
    for path in ("m:rowFields/m:field", "m:colFields/m:field"):
        assert [f.get("x") for f in mine.findall(path, ns)] == [f.get("x") for f in theirs.findall(path, ns)], path
    assert [f.get("axis") for f in mine.findall("m:pivotFields/m:pivotField", ns)] == \
        [f.get("axis") for f in theirs.findall("m:pivotFields/m:pivotField", ns)]
    assert len(mine.findall("m:pivotFields/m:pivotField", ns)) == width
    (d1,), (d2,) = mine.findall("m:dataFields/m:dataField", ns), theirs.findall("m:dataFields/m:dataField", ns)
    assert (d1.get("fld"), d1.get("subtotal")) == (d2.get("fld"), d2.get("subtotal")) == ("1", "count")
    # the row field's items: the same names (LibreOffice sorts them, we keep the policy's order)
    def items(root_table, cache):
        names = [s.get("v") for s in cache.findall("m:cacheFields/m:cacheField", ns)[0].find("m:sharedItems", ns)]
        xs = [int(i.get("x")) for i in root_table.findall("m:pivotFields/m:pivotField", ns)[0].findall("m:items/m:item", ns)
              if i.get("x") is not None]
        return [names[x] for x in xs]

    cache_ours = _root(ours, "xl/pivotCache/pivotCacheDefinition1.xml")
    cache_ref = next(c for c in (_root(ref, n) for n in ref.namelist()
                                 if n.startswith("xl/pivotCache/pivotCacheDefinition") and n.endswith(".xml"))
                     if c.find("m:cacheSource/m:worksheetSource", ns).get("sheet") == "基地汇总")
    assert sorted(items(mine, cache_ours)) == sorted(items(theirs, cache_ref))
    # the caches: the same source and fields; root attributes differ only as explained
    src = lambda c: c.find("m:cacheSource/m:worksheetSource", ns).attrib  # noqa: E731
    assert dict(src(cache_ours)) == dict(src(cache_ref))
    names = lambda c: [f.get("name") for f in c.findall("m:cacheFields/m:cacheField", ns)]  # noqa: E731
    assert names(cache_ours) == names(cache_ref)
    differ = {_local(a) for a in set(cache_ours.attrib) ^ set(cache_ref.attrib)}
    differ |= {a for a in set(cache_ours.attrib) & set(cache_ref.attrib) if cache_ours.get(a) != cache_ref.get(a)}
    assert differ <= CACHE_EXPLAINED, differ


def test_each_cache_field_records_the_kinds_of_values_its_column_holds(master):
    """The cache keeps no records (refreshed on open), only each field's shared items: the type flags
    Excel checks against the column, the smallest and largest number, the items of an axis field. They
    are gathered as the rows are written (write.pivots.Source.add); here they are checked against the
    columns as the written sheets hold them."""
    package = zipfile.ZipFile(master)
    wb = openpyxl.load_workbook(master, read_only=True)
    checked = 0
    for name in (n for n in package.namelist() if n.startswith("xl/pivotCache/pivotCacheDefinition")):
        cache = _root(package, name)
        ns = {"m": cache.nsmap[None]}
        source = cache.find("m:cacheSource/m:worksheetSource", ns)
        last = int(source.get("ref").split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        rows = list(wb[source.get("sheet")].iter_rows(min_row=2, max_row=last, values_only=True))
        fields = cache.findall("m:cacheFields/m:cacheField", ns)
        assert len(rows) > 1 and len(fields) == len(rows[0])
        for i, f in enumerate(fields):
            shared = f.find("m:sharedItems", ns)
            values = [r[i] if i < len(r) else None for r in rows]
            present = [v for v in values if v is not None]
            numbers = [v for v in present if isinstance(v, int | float) and not isinstance(v, bool)]
            dates = [v for v in present if isinstance(v, dt.datetime)]
            flag = shared.get
            assert flag("containsBlank") == ("1" if len(present) < len(values) else None), (name, f.get("name"))
            if numbers and len(numbers) == len(present):
                assert flag("containsNumber") == "1" and flag("containsString") == "0", f.get("name")
                assert float(flag("minValue")) == min(numbers) and float(flag("maxValue")) == max(numbers)
                assert flag("containsInteger") == ("1" if all(float(v).is_integer() for v in numbers) else None)
            elif dates and len(dates) == len(present):
                assert flag("containsDate") == "1" and flag("containsString") == "0", f.get("name")
                assert dt.datetime.fromisoformat(flag("minDate")) == min(dates)
                assert dt.datetime.fromisoformat(flag("maxDate")) == max(dates)
            elif numbers or dates:
                assert flag("containsMixedTypes") == "1", f.get("name")
            elif present:
                assert flag("containsNumber") is None and flag("containsString") is None, f.get("name")
            else:
                assert flag("containsString") == "0", f.get("name")
            items = [s.get("v") for s in shared]
            if items:      # an axis field lists every value the column holds
                assert set(items) >= {str(v) for v in present}, f.get("name")
            checked += 1
    assert checked > 60
