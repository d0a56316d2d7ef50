"""The master's real PivotTables: openpyxl reads them back, LibreOffice opens them as DataPilot tables
(through UNO, tests/lo_pivots.py run by the system Python), computes them from the sheets, and their
totals equal the static cross tables printed on 基地统计/工作室统计. A pivot LibreOffice makes itself on
the same data, saved as .xlsx, is the reference our parts are compared with (as XlsxWriter compares
against files Excel made), with an allow-list of explained differences. Nobody here has Excel.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from macros_py.cli.main import main
from macros_py.write.libreoffice import find_soffice

ROOT = Path(__file__).resolve().parents[1]
DRIVER = Path(__file__).with_name("lo_pivots.py")
SYSTEM_PYTHON = "/usr/bin/python3"
requires_uno = pytest.mark.skipif(
    not find_soffice() or subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode != 0,
    reason="需要 LibreOffice 和系统 Python 的 uno 模块（python3-uno）")


@pytest.fixture(scope="module")
def master(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pivots")
    assert main(["merge", str(ROOT / "workbooks" / "samples"), "-o", str(out / "汇总.xlsx"), "--jobs", "1"]) == 0
    return out / "汇总.xlsx"


def _lo(*args, timeout=240) -> dict:
    done = subprocess.run([SYSTEM_PYTHON, str(DRIVER), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)
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
    assert pivot.cache.recordCount == wb["基地汇总"].max_row - 1     # one record per base
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


# What LibreOffice writes and we do not, or the other way round, and why it does not matter.
ALLOWED = {
    "pivotTableDefinition": {"r:id"},                      # openpyxl's writer puts the rels id on the root
    "location": {"rowPageCount", "colPageCount"},
    "pivotCacheDefinition": {"refreshedBy", "refreshedDate", "refreshedDateIso", "invalid", "upgradeOnRefresh",
                             "saveData", "refreshOnLoad", "createdVersion", "refreshedVersion", "r:id"},
}


def _shape(xml: bytes) -> dict:
    from lxml import etree

    root = etree.fromstring(xml)
    ns = {"m": root.nsmap.get(None)}
    return {"location": dict(root.find("m:location", ns).attrib) if root.find("m:location", ns) is not None else None,
            "rowFields": [f.get("x") for f in root.findall("m:rowFields/m:field", ns)],
            "colFields": [f.get("x") for f in root.findall("m:colFields/m:field", ns)],
            "dataFields": [(f.get("fld"), f.get("subtotal", "sum")) for f in root.findall("m:dataFields/m:dataField", ns)],
            "pivotFields": len(root.findall("m:pivotFields/m:pivotField", ns)),
            "axes": [f.get("axis") for f in root.findall("m:pivotFields/m:pivotField", ns)]}


@requires_uno
def test_our_pivot_parts_match_the_ones_libreoffice_writes(master, tmp_path):
    """LibreOffice builds 推荐单位×档次 itself over the same 基地汇总 table and saves as .xlsx."""
    shutil.copy(master, tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(master)
    last = wb["基地汇总"].max_row
    width = wb["基地汇总"].max_column
    spec = [{"name": "参照", "source_sheet": "基地汇总", "source_range": f"A1:{openpyxl.utils.get_column_letter(width)}{last}",
             "sheet": "汇总说明", "cell": "E2", "rows": ["推荐单位"], "cols": ["申报档次"], "data": [["项目单位", "count"]]}]
    (tmp_path / "spec.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    _lo("make", tmp_path / "m.xlsx", tmp_path / "ref.xlsx", tmp_path / "spec.json")
    ref = zipfile.ZipFile(tmp_path / "ref.xlsx")
    ours = zipfile.ZipFile(master)
    ref_tables = [n for n in ref.namelist() if n.startswith("xl/pivotTables/pivotTable") and n.endswith(".xml")]
    mine = _shape(ours.read("xl/pivotTables/pivotTable1.xml"))
    theirs = [_shape(ref.read(n)) for n in ref_tables]
    reference = next(t for t in theirs if t["dataFields"] and t["rowFields"] == mine["rowFields"]
                     and t["colFields"] == mine["colFields"])
    assert mine["pivotFields"] == reference["pivotFields"] == width
    assert mine["axes"] == reference["axes"]
    assert mine["dataFields"][0][0] == reference["dataFields"][0][0]
    assert mine["dataFields"][0][1] == reference["dataFields"][0][1] == "count"
    # the cache: same source and the same fields; attributes beyond the allow-list agree
    from lxml import etree

    def cache(z, name):
        root = etree.fromstring(z.read(name))
        ns = {"m": root.nsmap.get(None)}
        src = root.find("m:cacheSource/m:worksheetSource", ns)
        names = [f.get("name") for f in root.findall("m:cacheFields/m:cacheField", ns)]
        attrs = {k for k in root.attrib}
        return src.get("sheet"), names, attrs

    ref_caches = [cache(ref, n) for n in ref.namelist() if n.startswith("xl/pivotCache/pivotCacheDefinition")]
    sheet, names, attrs = cache(ours, "xl/pivotCache/pivotCacheDefinition1.xml")
    ref_sheet, ref_names, ref_attrs = next(c for c in ref_caches if c[0] == "基地汇总" and len(c[1]) == width)
    assert (sheet, names) == (ref_sheet, ref_names)
    strip = {a.split("}")[-1] for a in attrs ^ ref_attrs}
    assert strip <= {a.split(":")[-1] for a in ALLOWED["pivotCacheDefinition"]} | {"recordCount", "minRefreshableVersion"}
