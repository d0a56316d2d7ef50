"""Our .xlam held against a file Excel users open: xlwings' quickstart_addin_ribbon.xlam.

`xlwings quickstart NAME --addin --ribbon` copies that file for its users, who open it in Excel; it is
the nearest thing to an Excel-made add-in available here (DESIGN.md). As XlsxWriter does with files
Excel made, the two are compared part by part: content types, relationships, workbook.xml; the
compound file; the PROJECT stream; the dir stream; the module streams; the ribbon. What must agree
is asserted. Every difference found gets a stable key, and the keys must be exactly those of
ALLOWED, each with its reason: a new difference fails the test until it is removed from our writer
or explained here, and an explanation whose difference has gone fails too, so the list never rots.
"""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xlwings
from vba_parts import FIXED_SIZES, REFERENCE_IDS, Package, VbaProject, copy_tokens, open_package

from macros_py.addin.build import build_addin
from macros_py.addin.vba_compression import compress
from macros_py.addin.vba_project import decrypt
from macros_py.model.paths import ADDIN_DIR

REFERENCE_FILE = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
OPC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

ALLOWED = {
    # package
    "package: docProps/app.xml only in the reference":
        "Extended properties (application name and version, company, ...): Excel writes them on save; "
        "OPC makes the part optional and nothing reads it when an add-in loads.",
    "package: xl/theme/theme1.xml only in the reference":
        "A theme is optional; the config sheet is plain text in the default font.",
    "package: xl/sharedStrings.xml only in the reference":
        "Our config sheet stores its text as inline strings (t=\"inlineStr\"), so it needs no shared-string "
        "table (test_addin_build reads the sheet back through openpyxl).",
    "package: ribbon customUI/customUI.xml (2006/01/customui) vs customUI/customUI14.xml (2009/07/customui)":
        "The reference keeps the Office 2007 ribbon schema under the Office 2010 relationship type; ours is the "
        "Office 2010 schema (customUI14, the file name Microsoft documents) under the same relationship type. "
        "Excel 2010 and later read both; the county PCs run Excel 2010-2016.",
    # relationships
    "relationships: Ids and order":
        "Relationship Ids only name a relationship inside its part and their order carries no meaning (OPC); "
        "Excel renumbers them on save. Types and targets are compared and agree.",
    # workbook.xml
    "workbook.xml: fileVersion only in the reference":
        "Names the Excel build that last saved the file (rupBuild, lastEdited); optional, not read on load.",
    "workbook.xml: AlternateContent only in the reference":
        "x15ac:absPath, the folder the author saved the file in (C:\\Users\\felix\\...): a machine path, which "
        "the project never writes into a file.",
    "workbook.xml: definedNames only in the reference": "Empty in the reference; the add-in defines no names.",
    "workbook.xml: calcPr only in the reference": "fullCalcOnLoad: the add-in has no formulas.",
    "workbook.xml: extLst only in the reference": "x14:workbookPr defaultImageDpi: the add-in has no images.",
    "workbook.xml: workbookPr attributes only in the reference: autoCompressPictures":
        "How Excel compresses pictures on save; the add-in has no pictures.",
    "workbook.xml: workbookView attributes only in the reference: activeTab tabRatio visibility windowHeight "
    "windowWidth xWindow yWindow":
        "Window position and size of the author's screen, and visibility=hidden: an add-in's workbook (the "
        "addin content type) never shows a window while it is loaded as an add-in, so the flag changes nothing "
        "a user sees; the rest is view state, which XlsxWriter's comparisons ignore too.",
    "workbook.xml: config sheet _myaddin.conf vs shenbao.conf":
        "xlwings' quickstart ships its config sheet switched off by a leading underscore (its users rename it "
        "to myaddin.conf); ours is the live one, PROJECT_NAME & \".conf\", which xlwings' module reads.",
    "workbook.xml: sheetId 2 vs 1":
        "Any unique number; the reference's first sheet was deleted at some point. Ours is the only sheet.",
    # compound file
    "compound file: minor version 0x0021 vs 0x003E":
        "MS-CFB 2.2: SHOULD be 0x003E for version 3, which we write; the reference's writer put 0x0021 "
        "(33, what the old reference implementation wrote). Readers ignore it.",
    "compound file: sibling tree is a right-leaning chain (reference) vs balanced red-black tree (ours)":
        "Both are in the order MS-CFB 2.6.4 prescribes (asserted); the reference's writer links siblings in a "
        "chain of black nodes, which readers accept; ours is a valid red-black tree (test_addin_cfb).",
    # PROJECT stream
    "PROJECT: module RibbonMyAddin only in the reference":
        "The quickstart's ribbon callback module; ours is shenbao_ribbon.",
    "PROJECT: module Sheet2 only in the reference":
        "The code module of the reference's config sheet (sheet codeName Sheet2); ours is Sheet1.",
    "PROJECT: module Sheet1 only in ours": "The code module of our config sheet (sheet codeName Sheet1).",
    "PROJECT: module shenbao_ribbon only in ours": "Our ribbon callback OnAction (addin/shenbao_ribbon.bas).",
    "PROJECT: module xlwings_udfs only in ours":
        "The VBA stubs of our worksheet functions (=SB_...); the quickstart has no worksheet functions.",
    "PROJECT: module order":
        "MS-OVBA allows the Document=/Module=/Class= lines in any order; the reference lists ThisWorkbook then "
        "the rest alphabetically, ours lists the document modules, xlwings' two modules, then ours.",
    "PROJECT: ID, Name and the CMG/DPB/GC bytes":
        "Each project's own GUID and name; CMG, DPB and GC are encrypted with a per-file seed. Decrypted, they "
        "are equal (nothing protected, no password, project visible): asserted.",
    "PROJECT: [Workspace] window positions":
        "Where the author's VBA editor had each code window (98, 98, 2227, 906, Z); ours says every window is "
        "closed (0, 0, 0, 0, C). Editor state only.",
    # dir stream
    "dir: code page 1252 vs 936":
        "The reference was saved on Western Windows; ours uses GBK, the ANSI code page of the Chinese Windows it "
        "runs on (vba_project.py explains).",
    "dir: PROJECTVERSION":
        "A version counter of each project (VersionMajor/VersionMinor); any value loads, since _VBA_PROJECT's "
        "version 0xFFFF makes Office recompile from source. Ours are LibreOffice exporter's numbers.",
    "dir: reference MSForms only in the reference":
        "Microsoft Forms 2.0, for UserForms: the quickstart project once had one; the add-in has no UserForm and "
        "no code uses MSForms.",
    "dir: reference stdole only in ours":
        "OLE Automation, which the VBA editor adds to every new project; the reference's author removed it. "
        "Nothing needs it, nothing breaks by it.",
    "dir: PROJECTCOOKIE and MODULECOOKIE":
        "MS-OVBA: MUST be ignored on read, MUST be 0xFFFF on write, which we write; the reference carries "
        "Excel's own values.",
    "dir: MODULEOFFSET > 0 in the reference: Dictionary, ThisWorkbook":
        "Those modules carry Excel's compiled performance cache before their source; a source-only project has "
        "none (MS-OVBA: MUST NOT be present on write), exactly as the reference's own xlwings module (offset 0).",
    "dir: MODULEDOCSTRING of Dictionary":
        "The module description the Object Browser shows; the VBA editor copies it from VB_Description when it "
        "imports the class. The attribute is in the source (asserted equal); nothing reads the copy at run time.",
    # module streams
    "module streams: bare LF line ends in the reference: xlwings":
        "The reference's xlwings module was put in by a script with LF line ends; the VBA editor writes CRLF, "
        "and so do we (normalize_source).",
    "module streams: compressed bytes":
        "MS-OVBA lets the compressor choose among matches. For the xlwings module (source-only in both) our "
        "compressor makes the same literals and copy lengths as the reference's writer, offsets differing only "
        "where two earlier copies tie (asserted); Excel's own compressor, in the cached modules, does not always "
        "take the longest match. Every stream decompresses to its source (asserted).",
}


@pytest.fixture(scope="module")
def reference() -> Package:
    if not REFERENCE_FILE.exists():
        pytest.skip(f"已安装的 xlwings {xlwings.__version__} 中没有 {REFERENCE_FILE.name}，无从比较")
    return open_package(REFERENCE_FILE)


@pytest.fixture(scope="module")
def ours() -> Package:
    return open_package(build_addin())


@pytest.fixture(scope="module")
def projects(reference, ours) -> tuple[VbaProject, VbaProject]:
    return reference.vba(), ours.vba()


def _expect(part: str, found: set[str]) -> None:
    allowed = {key for key in ALLOWED if key.startswith(part + ":")}
    assert not found - allowed, f"{part}：未解释的差异（去掉它，或在 ALLOWED 中写明原因）：{sorted(found - allowed)}"
    assert not allowed - found, f"{part}：ALLOWED 中的差异已不存在，请删去：{sorted(allowed - found)}"


def test_allow_list_keys_are_all_checked():
    parts = {"package", "relationships", "workbook.xml", "compound file", "PROJECT", "dir", "module streams"}
    assert {key.split(":", 1)[0] for key in ALLOWED} == parts
    assert all(len(reason) > 20 for reason in ALLOWED.values())


# --- package, content types, relationships -------------------------------------------------------------

def _ribbon(pkg: Package) -> tuple[str, str]:
    name = pkg.ribbon_part()
    return name, ET.fromstring(pkg.parts[name]).tag.split("}")[0].split("/office/")[1]


def test_package_parts(reference, ours):
    found = set()
    (ref_ui, ref_ns), (our_ui, our_ns) = _ribbon(reference), _ribbon(ours)
    if (ref_ui, ref_ns) != (our_ui, our_ns):
        found.add(f"package: ribbon {ref_ui} ({ref_ns}) vs {our_ui} ({our_ns})")
    for name in sorted(set(reference.parts) - set(ours.parts) - {ref_ui}):
        found.add(f"package: {name} only in the reference")
    for name in sorted(set(ours.parts) - set(reference.parts) - {our_ui}):
        found.add(f"package: {name} only in ours")
    _expect("package", found)


def test_content_types_agree_part_for_part(reference, ours):
    ref_types, our_types = reference.content_types(), ours.content_types()
    ref_types[ours.ribbon_part()] = ref_types.pop(reference.ribbon_part())  # the same part, named differently
    common = set(ref_types) & set(our_types)
    assert {"xl/workbook.xml", "xl/vbaProject.bin", "xl/worksheets/sheet1.xml", "xl/styles.xml",
            "docProps/core.xml", "_rels/.rels", "customUI/customUI14.xml"} <= common
    # Same content type, declared the same way (Override or Default), for every part both have.
    assert {p: ref_types[p] for p in common} == {p: our_types[p] for p in common}
    assert our_types["xl/workbook.xml"] == ("Override", "application/vnd.ms-excel.addin.macroEnabled.main+xml")
    assert our_types["xl/vbaProject.bin"] == ("Override", "application/vnd.ms-office.vbaProject")


def test_relationships_agree_in_type_and_target(reference, ours):
    found = set()
    ref_ui, our_ui = reference.ribbon_part(), ours.ribbon_part()
    for rels, base in (("_rels/.rels", ""), ("xl/_rels/workbook.xml.rels", "xl/")):
        def targets(pkg: Package, ui: str, rels=rels, base=base) -> dict[str, str]:
            out = {}
            for _, typ, target in pkg.rels(rels):
                part = base + target
                if part in (reference.parts.keys() & ours.parts.keys()) or part == ui:
                    out[typ] = "<ribbon>" if part == ui else part
            return out  # relationships to a part only one package has are that part's difference

        assert targets(reference, ref_ui) == targets(ours, our_ui), rels
        ref_ids = {typ: rid for rid, typ, _ in reference.rels(rels) if typ in targets(ours, our_ui)}
        our_ids = {typ: rid for rid, typ, _ in ours.rels(rels)}
        order = [typ for _, typ, _ in reference.rels(rels) if typ in our_ids]
        if ref_ids != {t: our_ids[t] for t in ref_ids} or order != [t for _, t, _ in ours.rels(rels) if t in ref_ids]:
            found.add("relationships: Ids and order")
    _expect("relationships", found)


def _local(tag: str) -> str:
    return tag.split("}")[-1]


def test_workbook_xml(reference, ours, projects):
    found = set()
    ref_wb, our_wb = reference.xml("xl/workbook.xml"), ours.xml("xl/workbook.xml")
    ref_children, our_children = [_local(e.tag) for e in ref_wb], [_local(e.tag) for e in our_wb]
    assert not set(our_children) - set(ref_children)
    assert [c for c in ref_children if c in our_children] == our_children  # same order
    for name in ref_children:
        if name not in our_children:
            found.add(f"workbook.xml: {name} only in the reference")
    for element in ("workbookPr", "bookViews/{main}workbookView"):
        path = f"{MAIN}" + element.replace("{main}", MAIN)
        ref_attrs, our_attrs = dict(ref_wb.find(path).attrib), dict(our_wb.find(path).attrib)
        assert not set(our_attrs) - set(ref_attrs)
        assert {k: ref_attrs[k] for k in our_attrs} == our_attrs
        extra = sorted(set(ref_attrs) - set(our_attrs))
        if extra:
            found.add(f"workbook.xml: {element.split('}')[-1]} attributes only in the reference: {' '.join(extra)}")
    (ref_sheet,), (our_sheet,) = list(ref_wb.iter(f"{MAIN}sheet")), list(our_wb.iter(f"{MAIN}sheet"))
    if ref_sheet.get("name") != our_sheet.get("name"):
        found.add(f"workbook.xml: config sheet {ref_sheet.get('name')} vs {our_sheet.get('name')}")
    if ref_sheet.get("sheetId") != our_sheet.get("sheetId"):
        found.add(f"workbook.xml: sheetId {ref_sheet.get('sheetId')} vs {our_sheet.get('sheetId')}")
    # In both, the workbook's and the sheet's codeName are document modules of the VBA project.
    for pkg, project, sheet in ((reference, projects[0], ref_sheet), (ours, projects[1], our_sheet)):
        documents = {m.name for m in project.modules if m.kind == 0x22}
        rel_target = next(t for rid, _, t in pkg.rels("xl/_rels/workbook.xml.rels") if rid == sheet.get(f"{{{OPC_REL}}}id"))
        sheet_code = pkg.xml("xl/" + rel_target).find(f"{MAIN}sheetPr").get("codeName")
        workbook_code = pkg.xml("xl/workbook.xml").find(f"{MAIN}workbookPr").get("codeName")
        assert {workbook_code, sheet_code} <= documents
    _expect("workbook.xml", found)


# --- the compound file ------------------------------------------------------------------------------

def _header(data: bytes) -> dict[str, int]:
    minor, major, order, shift, mini_shift = struct.unpack_from("<HHHHH", data, 24)
    cutoff = struct.unpack_from("<I", data, 56)[0]
    return {"minor": minor, "major": major, "order": order, "shift": shift, "mini": mini_shift, "cutoff": cutoff}


def _is_chain(project: VbaProject, storage: str) -> bool:
    entries = {e.sid: e for e in project.ole.direntries if e is not None}
    node = next(e for e in entries.values() if e.name == storage).sid_child
    while node != 0xFFFFFFFF:
        if entries[node].sid_left != 0xFFFFFFFF:
            return False
        node = entries[node].sid_right
    return True


def _in_order(project: VbaProject, storage: str) -> list[str]:
    entries = {e.sid: e for e in project.ole.direntries if e is not None}

    def walk(sid: int) -> list[str]:
        if sid == 0xFFFFFFFF:
            return []
        e = entries[sid]
        return walk(e.sid_left) + [e.name] + walk(e.sid_right)

    return walk(next(e for e in entries.values() if e.name == storage).sid_child)


def test_compound_file(projects):
    found = set()
    ref, ours = projects
    ref_h, our_h = _header(ref.data), _header(ours.data)
    if ref_h.pop("minor") != our_h["minor"]:
        found.add(f"compound file: minor version 0x{_header(ref.data)['minor']:04X} vs 0x{our_h['minor']:04X}")
    our_h.pop("minor")
    assert ref_h == our_h == {"major": 3, "order": 0xFFFE, "shift": 9, "mini": 6, "cutoff": 4096}
    for project in projects:
        for storage in ("Root Entry", "VBA"):
            names = _in_order(project, storage)
            assert names == sorted(names, key=lambda n: (len(n), n.upper())), storage  # MS-CFB 2.6.4
        vba = next(e for e in project.ole.direntries if e is not None and e.name == "VBA")
        assert (vba.isectStart, vba.size) == (0, 0)  # MS-CFB 2.6.3
        assert all(e.clsid == "" and e.createTime == e.modifyTime == 0 for e in project.ole.direntries if e)
        assert project.stream("VBA/_VBA_PROJECT") == bytes.fromhex("CC61FFFF000100")  # the same 7 bytes
    if _is_chain(ref, "VBA") != _is_chain(ours, "VBA"):
        found.add("compound file: sibling tree is a right-leaning chain (reference) vs balanced red-black tree (ours)")
    _expect("compound file", found)


# --- the PROJECT and PROJECTwm streams -----------------------------------------------------------------

_MODULE_LINE = re.compile(r"(Document|Module|Class|BaseClass|Package)=([^/\r\n]+)")


def _project(project: VbaProject) -> dict:
    text = project.project_text()
    assert text.endswith("\r\n\r\n")  # the editor's empty last line, in both
    body, host, workspace = re.split(r"\r\n\r\n(?=\[)", text.rstrip("\r\n"))
    modules, keys, values = [], [], {}
    for line in body.split("\r\n"):
        key, _, value = line.partition("=")
        if _MODULE_LINE.match(line):
            modules.append((key, _MODULE_LINE.match(line).group(2)))
        else:
            keys.append(key)
            values[key] = value.strip('"')
    return {"modules": modules, "keys": keys, "values": values, "host": host.split("\r\n"),
            "workspace": [line.split("=", 1) for line in workspace.split("\r\n")[1:]]}


def test_project_stream(projects):
    found = set()
    ref, ours = (_project(p) for p in projects)
    assert ref["keys"] == ours["keys"] == ["ID", "Name", "HelpContextID", "VersionCompatible32", "CMG", "DPB", "GC"]
    ref_kinds, our_kinds = dict((n, k) for k, n in ref["modules"]), dict((n, k) for k, n in ours["modules"])
    common = ref_kinds.keys() & our_kinds.keys()
    assert common == {"ThisWorkbook", "xlwings", "Dictionary"}
    assert {n: ref_kinds[n] for n in common} == {n: our_kinds[n] for n in common}
    found |= {f"PROJECT: module {n} only in the reference" for n in ref_kinds.keys() - common}
    found |= {f"PROJECT: module {n} only in ours" for n in our_kinds.keys() - common}
    if [n for _, n in ref["modules"] if n in common] != [n for _, n in ours["modules"] if n in common]:
        found.add("PROJECT: module order")
    # Identity differs; what it encodes does not.
    for key in ("HelpContextID", "VersionCompatible32"):
        assert ref["values"][key] == ours["values"][key]
    for key in ("CMG", "DPB", "GC"):
        assert decrypt(ref["values"][key], ref["values"]["ID"]) == decrypt(ours["values"][key], ours["values"]["ID"])
    assert all(re.fullmatch(r"\{[0-9A-F-]{36}\}", p["values"]["ID"]) for p in (ref, ours))
    if any(ref["values"][k] != ours["values"][k] for k in ("ID", "Name", "CMG", "DPB", "GC")):
        found.add("PROJECT: ID, Name and the CMG/DPB/GC bytes")
    assert ref["host"] == ours["host"] == [
        "[Host Extender Info]", "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"]
    for p in (ref, ours):
        assert [name for name, _ in p["workspace"]] == [name for _, name in p["modules"]]
    if {v for _, v in ref["workspace"]} != {v for _, v in ours["workspace"]}:
        found.add("PROJECT: [Workspace] window positions")
    _expect("PROJECT", found)


def test_projectwm_maps_every_module_in_project_order(projects):
    for project in projects:
        data = project.stream("PROJECTwm")
        names, pos = [], 0
        while data[pos:pos + 2] != b"\0\0":
            end = data.index(b"\0", pos)
            name = data[pos:end].decode("ascii")
            wide_end = end + 1 + 2 * len(name)
            assert data[end + 1:wide_end + 2] == name.encode("utf-16-le") + b"\0\0"
            names.append(name)
            pos = wide_end + 2
        assert pos + 2 == len(data)
        assert names == [name for _, name in _project(project)["modules"]]


# --- the dir stream ---------------------------------------------------------------------------------

def _u(payload: bytes) -> int:
    return int.from_bytes(payload, "little")


def test_dir_stream(projects):
    found = set()
    ref, ours = projects
    reference_start = next(i for i, (rid, _) in enumerate(ours.info) if rid == 0x0016)
    head = [rid for rid, _ in ours.info[:reference_start]]
    assert [rid for rid, _ in ref.info[:len(head)]] == head == [
        0x01, 0x02, 0x14, 0x03, 0x04, 0x05, 0x40, 0x06, 0x3D, 0x07, 0x08, 0x09, 0x0C, 0x3C]
    for project in projects:
        for rec_id, payload in project.records:
            if rec_id in FIXED_SIZES:
                assert len(payload) == FIXED_SIZES[rec_id], hex(rec_id)
        assert project.records[-1] == (0x0010, b"")  # the terminator
        assert _u(project.info_value(0x000F)) == len(project.modules)
    for rec_id in (0x01, 0x02, 0x14, 0x05, 0x40, 0x06, 0x3D, 0x07, 0x08, 0x0C, 0x3C):
        assert ref.info_value(rec_id) == ours.info_value(rec_id), hex(rec_id)
    assert _u(ours.info_value(0x0001)) == 1  # 32-bit Windows, as the reference
    if ref.code_page != ours.code_page:
        found.add(f"dir: code page {ref.code_page} vs {ours.code_page}")
    if ref.info_value(0x0009) != ours.info_value(0x0009):
        found.add("dir: PROJECTVERSION")

    ref_refs, our_refs = dict(ref.references()), dict(ours.references())
    for name in ref_refs.keys() - our_refs.keys():
        found.add(f"dir: reference {name} only in the reference")
    for name in our_refs.keys() - ref_refs.keys():
        found.add(f"dir: reference {name} only in ours")
    assert "Office" in ref_refs.keys() & our_refs.keys()  # IRibbonControl, which OnAction needs
    for name in ref_refs.keys() & our_refs.keys():
        assert ref_refs[name] == our_refs[name], name  # same kind, libid, path and reserved bytes
    for refs in (ref_refs, our_refs):
        assert all(any(rid in REFERENCE_IDS for rid, _ in records) for records in refs.values())

    cookies = {_u(ref.info_value(0x0013)), *(_u(m.value(0x002C)) for m in ref.modules)}
    assert {_u(ours.info_value(0x0013)), *(_u(m.value(0x002C)) for m in ours.modules)} == {0xFFFF}
    if cookies != {0xFFFF}:
        found.add("dir: PROJECTCOOKIE and MODULECOOKIE")

    sequence = [0x19, 0x47, 0x1A, 0x32, 0x1C, 0x48, 0x31, 0x1E, 0x2C, None, 0x2B]
    for project in projects:
        for m in project.modules:
            ids = [rid for rid, _ in m.records]
            assert ids == [m.kind if rid is None else rid for rid in sequence], m.name
            assert m.value(0x0047) == m.name.encode("utf-16-le") and m.value(0x0032) == m.stream.encode("utf-16-le")
    assert all(m.offset == 0 for m in ours.modules)
    cached = sorted(m.name for m in ref.modules if m.offset > 0 and m.name in {o.name for o in ours.modules})
    if cached:
        found.add(f"dir: MODULEOFFSET > 0 in the reference: {', '.join(cached)}")
    for m in ours.modules:
        if m.name in {r.name for r in ref.modules}:
            theirs = ref.module(m.name)
            assert m.kind == theirs.kind and m.value(0x001E) == theirs.value(0x001E), m.name
            if m.value(0x001C) != theirs.value(0x001C):
                found.add(f"dir: MODULEDOCSTRING of {m.name}")
    _expect("dir", found)


# --- the module streams -----------------------------------------------------------------------------

def _attributes(source: str) -> list[str]:
    lines = source.replace("\r\n", "\n").split("\n")
    return [line for line in lines if line.startswith("Attribute VB_")][:9]


def test_module_streams(projects):
    found = set()
    ref, ours = projects
    for project in projects:
        for m in project.modules:
            source = project.source(m)  # the container after the cache decompresses whole
            assert source.startswith(f'Attribute VB_Name = "{m.name}"'), m.name
            tokens = copy_tokens(project.module_stream(m)[m.offset:])
            assert all(compressed for kind, compressed, *_ in tokens if kind == "chunk"), m.name
    for m in ours.modules:
        assert "\n" not in ours.source(m).replace("\r\n", ""), m.name  # CRLF, as the VBA editor writes
    bare_lf = sorted(m.name for m in ref.modules if "\n" in ref.source(m).replace("\r\n", "")
                     and m.name in {o.name for o in ours.modules})
    if bare_lf:
        found.add(f"module streams: bare LF line ends in the reference: {', '.join(bare_lf)}")

    # Document modules: the attribute block Excel writes, line for line (only the names differ).
    ref_sheet = next(m for m in ref.modules if m.kind == 0x22 and m.name.startswith("Sheet"))
    for mine, theirs in ((ours.module("ThisWorkbook"), ref.module("ThisWorkbook")), (ours.module("Sheet1"), ref_sheet)):
        ours_attrs = [a.replace(mine.name, "<name>") for a in _attributes(ours.source(mine))[:8]]
        assert ours_attrs == [a.replace(theirs.name, "<name>") for a in _attributes(ref.source(theirs))[:8]]
    # The class module: as the VBA editor stored xlwings' Dictionary.cls, up to the editor's own re-casing
    # of keywords (err -> Err) and line ends.
    ours_dict = ours.source(ours.module("Dictionary")).split("\r\n")
    ref_dict = ref.source(ref.module("Dictionary")).replace("\r\n", "\n").split("\n")
    assert [line.lower() for line in ours_dict] == [line.lower() for line in ref_dict]

    # Compression: the same parse as the reference's writer where both are source-only (xlwings).
    ref_x = ref.module("xlwings")
    ref_tokens = copy_tokens(ref.module_stream(ref_x))
    our_tokens = copy_tokens(compress(ref.source(ref_x).encode(f"cp{ref.code_page}"), allow_raw=False))
    def shape(tokens):
        return [t if t[0] != "C" else ("C", t[2]) for t in tokens]
    assert shape(our_tokens) == shape(ref_tokens)
    common = [m.name for m in ours.modules if m.name in {r.name for r in ref.modules}]
    for name in common:
        theirs = ref.module(name)
        mine = compress(ref.source(theirs).encode(f"cp{ref.code_page}"), allow_raw=False)
        if mine != ref.module_stream(theirs)[theirs.offset:]:
            found.add("module streams: compressed bytes")
    _expect("module streams", found)


# --- the ribbon -------------------------------------------------------------------------------------

_CALLBACK = re.compile(r"^(on[A-Z]\w*|get[A-Z]\w*|loadImage)$")


def _callbacks(ribbon_xml: bytes) -> tuple[list[str], list[str]]:
    root = ET.fromstring(ribbon_xml)
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    callbacks = [v for e in root.iter() for k, v in e.attrib.items() if _CALLBACK.match(k)]
    return ids, callbacks


def _subs(source: str) -> set[str]:
    return set(re.findall(r"^(?:Public\s+)?Sub\s+(\w+)\s*\(\s*\w+\s+As\s+IRibbonControl", source, re.M | re.I))


@pytest.mark.parametrize("which", ["reference", "ours"])
def test_ribbon_ids_are_unique_and_every_callback_is_a_vba_sub(which, reference, ours):
    pkg = reference if which == "reference" else ours
    ids, callbacks = _callbacks(pkg.parts[pkg.ribbon_part()])
    assert ids and len(ids) == len(set(ids))
    assert callbacks
    project = pkg.vba()
    subs = {m.name: _subs(project.source(m)) for m in project.modules}
    for callback in callbacks:
        module, _, name = callback.rpartition(".")
        holders = [module] if module else list(subs)
        assert any(name in subs.get(h, ()) for h in holders), f"{which}: 回调 {callback} 在 VBA 中没有对应的 Sub"


def test_our_callbacks_are_in_the_bas_sources():
    ids, callbacks = _callbacks((ADDIN_DIR / "customUI14.xml").read_bytes())
    assert len(ids) == len(set(ids))
    defined = set().union(*(_subs(p.read_text(encoding="utf-8")) for p in ADDIN_DIR.glob("*.bas")))
    assert set(callbacks) == {"OnAction"} and set(callbacks) <= defined
