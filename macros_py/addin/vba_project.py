"""A source-only VBA project (vbaProject.bin) written from module text, as EPPlus and LibreOffice do.

What Office needs to load a project from source alone (MS-OVBA):
- `VBA/_VBA_PROJECT` is the 7 bytes CC 61 FF FF 00 01 00: version 0xFFFF tells Office the compiled
  cache is absent, so it compiles from the source text (the last two bytes are "undefined"; 0x0001 is
  what MS-OVBA's own example and xlwings' quickstart_addin_ribbon.xlam carry).
- each module stream holds only the compressed source (MODULEOFFSET 0, no performance cache);
- `VBA/dir` (compressed) lists project information, references and modules;
- `PROJECT` (text) names the modules and carries the encoded protection fields CMG/DPB/GC;
- `PROJECTwm` maps module names to their UTF-16 form.

Text encoding. VBA keeps source and names in the project's ANSI code page, not in Unicode. This
project uses code page 936 (GBK), the ANSI code page of Chinese Windows where the add-in runs, so a
maintainer who edits the code in Excel there saves it in the same encoding. Our own VBA is ASCII
(identical in every ANSI code page) and shows no Chinese: what users read comes from Python or the
ribbon XML, which are Unicode. Source is stored with CRLF line ends, as the VBA editor writes it;
`normalize_source` makes any input so, and that is the form the tests compare byte for byte.

Everything is deterministic: the project GUID derives from the project name and the encryption seed
of CMG/DPB/GC is fixed (MS-OVBA allows any seed).
"""

from __future__ import annotations

import re
import struct
import uuid
from dataclasses import dataclass

from macros_py.addin.vba_cfb import Storage, write_cfb
from macros_py.addin.vba_compression import CompressionError, compress

CODE_PAGE = 936
ENCODING = "gbk"  # Python's name for Windows code page 936

MODULE = "module"  # a standard (procedural) module
DOCUMENT = "document"  # the module behind ThisWorkbook or a worksheet
CLASS = "class"  # a class module

WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"  # Excel's Workbook class
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"  # Excel's Worksheet class
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"  # what the VBA editor gives every class module

# References every Excel project carries; "Office" holds IRibbonControl, which OnAction needs.
# The paths are informational: VBA resolves a reference by its GUID and major version. Office's is
# the one xlwings' quickstart_addin_ribbon.xlam carries (32-bit Office, as PROJECTSYSKIND says).
REFERENCES = (
    ("stdole", r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation"),
    ("Office", r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files (x86)\Common Files"
               r"\Microsoft Shared\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library"),
)

_VBA_PROJECT_STREAM = bytes.fromhex("CC61FFFF000100")
# PROJECTVERSION: any value will do because the version 0xFFFF above forces a recompile; these are
# the numbers LibreOffice's exporter writes.
_VERSION_MAJOR, _VERSION_MINOR = 1467127224, 5
_ENCRYPTION_SEED = 0x42  # MS-OVBA 2.4.3.2: any seed; fixed so that builds are reproducible
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}\Z")
_GUID_NAMESPACE = uuid.UUID("6f1d3f3e-5a53-4b8e-9c1e-2c0d5e0b7a11")


class VbaProjectError(ValueError):
    """The modules cannot make a valid project (bad name, text not in the code page, ...)."""


@dataclass(frozen=True)
class VbaModule:
    """One module: its VB name (also its stream name), kind, and full text with Attribute lines."""

    name: str
    kind: str
    source: str


def normalize_source(text: str) -> str:
    """The text as VBA stores it: every line end CRLF, and a line end after the last line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    return text if text.endswith("\r\n") else text + "\r\n"


def standard_module(name: str, source: str) -> VbaModule:
    """A standard module from .bas text, whose first line must name it (`Attribute VB_Name`)."""
    text = normalize_source(source)
    first = text.split("\r\n", 1)[0]
    if first != f'Attribute VB_Name = "{name}"':
        raise VbaProjectError(f"模块 {name} 的第一行应为 Attribute VB_Name = \"{name}\"，实际为：{first}")
    return VbaModule(name, MODULE, text)


def document_module(name: str, base: str, body: str = "") -> VbaModule:
    """A document module with the attribute block Excel writes for ThisWorkbook and sheets."""
    header = (
        f'Attribute VB_Name = "{name}"\n'
        f'Attribute VB_Base = "{base}"\n'
        "Attribute VB_GlobalNameSpace = False\n"
        "Attribute VB_Creatable = False\n"
        "Attribute VB_PredeclaredId = True\n"
        "Attribute VB_Exposed = True\n"
        "Attribute VB_TemplateDerived = False\n"
        "Attribute VB_Customizable = True\n"
    )
    return VbaModule(name, DOCUMENT, normalize_source(header + body))


# The attribute lines of a class module, in the order the VBA editor stores them; the values are the
# editor's defaults for a class imported from a .cls file, unless the file sets them.
_CLASS_ATTRIBUTES = (
    ("VB_Base", f'"{CLASS_BASE}"'),
    ("VB_GlobalNameSpace", "False"),
    ("VB_Creatable", "False"),
    ("VB_PredeclaredId", "False"),
    ("VB_Exposed", "False"),
    ("VB_TemplateDerived", "False"),
    ("VB_Customizable", "False"),
)


def class_module(name: str, cls_text: str) -> VbaModule:
    """A class module from an exported .cls file, stored as the VBA editor stores an imported one.

    The export's `VERSION 1.0 CLASS` / `BEGIN … END` header is not part of the stored source; the
    editor adds VB_Base and the attributes the file leaves out, in its fixed order, and keeps the
    file's other attribute lines (VB_Description) after them.
    """
    lines = normalize_source(cls_text).split("\r\n")
    if lines and lines[0].startswith("VERSION "):
        try:
            lines = lines[lines.index("END") + 1:]
        except ValueError:
            raise VbaProjectError(f"类模块 {name} 的 VERSION/BEGIN 块没有 END") from None
    if not lines or lines[0] != f'Attribute VB_Name = "{name}"':
        raise VbaProjectError(f"类模块 {name} 的第一行应为 Attribute VB_Name = \"{name}\"")
    given: dict[str, str] = {}
    rest = 1
    while rest < len(lines) and lines[rest].startswith("Attribute VB_"):
        key, _, value = lines[rest][len("Attribute "):].partition(" = ")
        given[key] = value
        rest += 1
    known = {key for key, _ in _CLASS_ATTRIBUTES}
    header = [lines[0]] + [f"Attribute {key} = {given.get(key, default)}" for key, default in _CLASS_ATTRIBUTES]
    header += [f"Attribute {key} = {value}" for key, value in given.items() if key not in known]
    return VbaModule(name, CLASS, normalize_source("\r\n".join(header + lines[rest:])))


def _mbcs(text: str, what: str) -> bytes:
    try:
        return text.encode(ENCODING)
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        raise VbaProjectError(
            f"{what}第 {line} 行含有代码页 {CODE_PAGE}（GBK）无法表示的字符 {text[exc.start]!r}"
        ) from None


def _record(rec_id: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rec_id, len(payload)) + payload


def _text_record(rec_id: int, text: str, unicode_id: int | None = None) -> bytes:
    """A string record; most carry a second, UTF-16 copy under a "reserved" id (MS-OVBA 2.3.4.2)."""
    out = _record(rec_id, _mbcs(text, "工程信息"))
    if unicode_id is not None:
        out += _record(unicode_id, text.encode("utf-16-le"))
    return out


def _dir_stream(project_name: str, modules: list[VbaModule]) -> bytes:
    out = bytearray()
    out += _record(0x0001, struct.pack("<I", 1))  # PROJECTSYSKIND: 32-bit Windows
    out += _record(0x0002, struct.pack("<I", 0x409))  # PROJECTLCID (must be 0x409)
    out += _record(0x0014, struct.pack("<I", 0x409))  # PROJECTLCIDINVOKE (must be 0x409)
    out += _record(0x0003, struct.pack("<H", CODE_PAGE))  # PROJECTCODEPAGE
    out += _text_record(0x0004, project_name)  # PROJECTNAME
    out += _text_record(0x0005, "", 0x0040)  # PROJECTDOCSTRING
    out += _text_record(0x0006, "", 0x003D)  # PROJECTHELPFILEPATH (HelpFile1, HelpFile2)
    out += _record(0x0007, struct.pack("<I", 0))  # PROJECTHELPCONTEXT
    out += _record(0x0008, struct.pack("<I", 0))  # PROJECTLIBFLAGS
    # PROJECTVERSION: its Reserved field is the fixed 4, not a size of what follows.
    out += struct.pack("<HIIH", 0x0009, 4, _VERSION_MAJOR, _VERSION_MINOR)
    out += _text_record(0x000C, "", 0x003C)  # PROJECTCONSTANTS
    for name, libid in REFERENCES:
        out += _text_record(0x0016, name, 0x003E)  # REFERENCENAME
        libid_bytes = _mbcs(libid, "引用")
        # REFERENCEREGISTERED: size of Libid, Libid, Reserved1 (4 bytes), Reserved2 (2 bytes)
        out += _record(0x000D, struct.pack("<I", len(libid_bytes)) + libid_bytes + bytes(6))
    out += _record(0x000F, struct.pack("<H", len(modules)))  # PROJECTMODULES count
    out += _record(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    for module in modules:
        out += _text_record(0x0019, module.name)  # MODULENAME
        out += _record(0x0047, module.name.encode("utf-16-le"))  # MODULENAMEUNICODE
        out += _text_record(0x001A, module.name, 0x0032)  # MODULESTREAMNAME
        out += _text_record(0x001C, "", 0x0048)  # MODULEDOCSTRING
        out += _record(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source starts at byte 0
        out += _record(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
        out += _record(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
        # MODULETYPE: 0x21 a standard module, 0x22 a document or class module
        out += _record(0x0021 if module.kind == MODULE else 0x0022, b"")
        out += _record(0x002B, b"")  # module terminator
    out += _record(0x0010, b"")  # dir terminator
    return compress(bytes(out), allow_raw=False)


def project_id(project_name: str) -> str:
    """The project's GUID, derived from its name so that every build writes the same one."""
    return "{" + str(uuid.uuid5(_GUID_NAMESPACE, project_name)).upper() + "}"


def encrypt(data: bytes, proj_id: str, seed: int = _ENCRYPTION_SEED) -> str:
    """MS-OVBA 2.4.3.2 "data encryption" (an obfuscation) of CMG, DPB and GC, as hex text."""
    proj_key = sum(proj_id.encode("ascii")) & 0xFF
    version_enc = seed ^ 2
    out = [seed, version_enc, seed ^ proj_key]
    unencrypted1, encrypted1, encrypted2 = proj_key, out[2], version_enc

    def put(byte: int) -> None:
        nonlocal unencrypted1, encrypted1, encrypted2
        enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte

    for _ in range((seed & 6) // 2):  # "ignored" bytes: any value, here 0
        put(0)
    for byte in struct.pack("<I", len(data)) + data:
        put(byte)
    return bytes(out).hex().upper()


def decrypt(hex_text: str, proj_id: str) -> bytes:
    """Inverse of `encrypt` (MS-OVBA 2.4.3.3), for the tests."""
    data = bytes.fromhex(hex_text)
    seed, version_enc, proj_key_enc = data[0], data[1], data[2]
    if version_enc ^ seed != 2 or (proj_key_enc ^ seed) != sum(proj_id.encode("ascii")) & 0xFF:
        raise VbaProjectError("CMG/DPB/GC 字段的版本或工程密钥不符")
    unencrypted1, encrypted1, encrypted2 = proj_key_enc ^ seed, proj_key_enc, version_enc
    plain = []
    for enc in data[3:]:
        byte = enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        plain.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    ignored = (seed & 6) // 2
    length = struct.unpack("<I", bytes(plain[ignored:ignored + 4]))[0]
    return bytes(plain[ignored + 4:ignored + 4 + length])


def _project_stream(project_name: str, modules: list[VbaModule]) -> bytes:
    pid = project_id(project_name)
    lines = [f'ID="{pid}"']
    for m in modules:
        if m.kind == DOCUMENT:
            lines.append(f"Document={m.name}/&H00000000")
        else:
            lines.append(f"{'Class' if m.kind == CLASS else 'Module'}={m.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{encrypt(bytes(4), pid)}"',  # protection state: nothing protected
        f'DPB="{encrypt(bytes(1), pid)}"',  # password: none
        f'GC="{encrypt(bytes([0xFF]), pid)}"',  # visibility: the project is visible
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
    ]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    # The stream ends with an empty line, as the VBA editor writes it (quickstart_addin_ribbon.xlam).
    return _mbcs("\r\n".join(lines) + "\r\n\r\n", "PROJECT 流")


def _projectwm_stream(modules: list[VbaModule]) -> bytes:
    out = bytearray()
    for m in modules:  # NAMEMAP: MBCS name + NUL, UTF-16 name + NUL
        out += _mbcs(m.name, "模块名") + b"\0" + m.name.encode("utf-16-le") + b"\0\0"
    return bytes(out + b"\0\0")


def build_vba_project(modules: list[VbaModule], project_name: str = "VBAProject") -> bytes:
    """The vbaProject.bin for these modules, in the given order (document modules first is usual)."""
    if not _NAME.match(project_name):
        raise VbaProjectError(f"VBA 工程名不合法：{project_name!r}")
    seen: set[str] = set()
    streams: dict[str, Storage | bytes] = {"_VBA_PROJECT": _VBA_PROJECT_STREAM}
    for m in modules:
        if not _NAME.match(m.name) or m.name.lower() in ("dir", "_vba_project"):
            raise VbaProjectError(f"VBA 模块名不合法：{m.name!r}（须为以字母开头的英文标识符）")
        if m.name.lower() in seen or m.name.lower() == project_name.lower():
            raise VbaProjectError(f"VBA 模块名重复：{m.name!r}")
        seen.add(m.name.lower())
        if m.kind not in (MODULE, DOCUMENT, CLASS):
            raise VbaProjectError(f"模块 {m.name} 的类型未知：{m.kind!r}")
        if m.source != normalize_source(m.source):
            raise VbaProjectError(f"模块 {m.name} 的源码未规范为 CRLF 行尾")
        encoded = _mbcs(m.source, f"模块 {m.name} ")
        try:
            streams[m.name] = compress(encoded, allow_raw=False)
        except CompressionError as exc:
            raise VbaProjectError(f"模块 {m.name} 无法压缩：{exc}") from None
    streams["dir"] = _dir_stream(project_name, modules)
    root = Storage({
        "PROJECT": _project_stream(project_name, modules),
        "PROJECTwm": _projectwm_stream(modules),
        "VBA": Storage(streams),
    })
    return write_cfb(root)
