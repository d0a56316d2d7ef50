"""Reading an .xlam part by part, for the tests that hold our add-in against another one.

olefile (installed with oletools) opens the compound file; macros_py.addin.vba_compression
decompresses. The records of the `dir` stream are read generically (id, size, payload), as MS-OVBA
2.3.4.2 lays them out, so that two files can be compared record by record.
"""

from __future__ import annotations

import io
import struct
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import olefile

from macros_py.addin.vba_compression import decompress

CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
UI_REL_TYPES = (
    "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
    "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
)
VBA_REL_TYPE = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"

# dir records whose payload has one fixed size (MS-OVBA 2.3.4.2); PROJECTVERSION (0x0009) is special.
FIXED_SIZES = {0x0001: 4, 0x0002: 4, 0x0014: 4, 0x0003: 2, 0x0007: 4, 0x0008: 4, 0x0009: 6, 0x000F: 2,
               0x0013: 2, 0x0031: 4, 0x001E: 4, 0x002C: 2, 0x0021: 0, 0x0022: 0, 0x0025: 0, 0x0028: 0,
               0x002B: 0, 0x0010: 0}
REFERENCE_IDS = {0x000D: "registered", 0x000E: "project", 0x002F: "control", 0x0033: "original"}


@dataclass
class Package:
    parts: dict[str, bytes]

    def xml(self, name: str) -> ET.Element:
        return ET.fromstring(self.parts[name])

    def content_types(self) -> dict[str, tuple[str, str]]:
        """Each part's content type, and whether an Override or the Default for its extension gives it."""
        types = self.xml("[Content_Types].xml")
        overrides = {o.get("PartName").lstrip("/"): o.get("ContentType") for o in types.iter(f"{CT}Override")}
        defaults = {d.get("Extension").lower(): d.get("ContentType") for d in types.iter(f"{CT}Default")}
        out = {}
        for name in self.parts:
            if name == "[Content_Types].xml":
                continue
            if name in overrides:
                out[name] = ("Override", overrides[name])
            else:
                out[name] = ("Default", defaults.get(name.rsplit(".", 1)[-1].lower(), ""))
        return out

    def rels(self, name: str) -> list[tuple[str, str, str]]:
        """(Id, Type, Target) of a relationships part, in file order."""
        return [(r.get("Id"), r.get("Type"), r.get("Target")) for r in self.xml(name).iter(f"{REL}Relationship")]

    def ribbon_part(self) -> str:
        return next(t for _, typ, t in self.rels("_rels/.rels") if typ in UI_REL_TYPES)

    def vba(self) -> VbaProject:
        target = next(t for _, typ, t in self.rels("xl/_rels/workbook.xml.rels") if typ == VBA_REL_TYPE)
        return VbaProject(self.parts["xl/" + target])


def open_package(source: bytes | Path) -> Package:
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return Package({info.filename: zf.read(info) for info in zf.infolist()})


@dataclass
class Module:
    name: str
    stream: str
    records: list[tuple[int, bytes]] = field(default_factory=list)

    def value(self, rec_id: int) -> bytes:
        return next(p for i, p in self.records if i == rec_id)

    @property
    def offset(self) -> int:
        return struct.unpack("<I", self.value(0x0031))[0]

    @property
    def kind(self) -> int:  # 0x21 standard module, 0x22 document or class module
        return next(i for i, _ in self.records if i in (0x0021, 0x0022))


def dir_records(data: bytes) -> list[tuple[int, bytes]]:
    """The decompressed dir stream as (id, payload) records."""
    out, pos = [], 0
    while pos < len(data):
        rec_id, size = struct.unpack_from("<HI", data, pos)
        if rec_id == 0x0009:  # PROJECTVERSION: Reserved is 4, then 6 bytes of version
            size = 6
        out.append((rec_id, data[pos + 6:pos + 6 + size]))
        pos += 6 + size
    return out


class VbaProject:
    """A vbaProject.bin: its compound file, PROJECT text, dir records, modules and their sources."""

    def __init__(self, data: bytes):
        self.data = data
        self.ole = olefile.OleFileIO(io.BytesIO(data))
        self.records = dir_records(decompress(self.stream("VBA/dir")))
        first_module = next(i for i, (rid, _) in enumerate(self.records) if rid == 0x0019)
        self.info = self.records[:first_module]
        self.modules: list[Module] = []
        for rec_id, payload in self.records[first_module:]:
            if rec_id == 0x0019:
                self.modules.append(Module(payload.decode("latin-1"), ""))
            if rec_id == 0x001A:
                self.modules[-1].stream = payload.decode("latin-1")
            if self.modules and rec_id != 0x0010:
                self.modules[-1].records.append((rec_id, payload))

    def stream(self, path: str) -> bytes:
        return self.ole.openstream(path).read()

    def info_value(self, rec_id: int) -> bytes:
        return next(p for i, p in self.info if i == rec_id)

    @property
    def code_page(self) -> int:
        return struct.unpack("<H", self.info_value(0x0003))[0]

    def project_text(self) -> str:
        return self.stream("PROJECT").decode(f"cp{self.code_page}")

    def module_stream(self, module: Module) -> bytes:
        return self.stream(f"VBA/{module.stream}")

    def source(self, module: Module) -> str:
        """The module's source text (after its performance cache, if any), decoded in the project's code page."""
        return decompress(self.module_stream(module)[module.offset:]).decode(f"cp{self.code_page}")

    def module(self, name: str) -> Module:
        return next(m for m in self.modules if m.name == name)

    def references(self) -> list[tuple[str, list[tuple[int, bytes]]]]:
        """(name, records) per reference: its REFERENCENAME, then the records up to the next name."""
        refs: list[tuple[str, list[tuple[int, bytes]]]] = []
        started = False
        for rec_id, payload in self.info:
            if rec_id == 0x0016:
                if not (refs and refs[-1][1] and refs[-1][1][-1][0] == 0x002F):  # a control's second name
                    refs.append((payload.decode("latin-1"), []))
                    started = True
                    continue
            if started and rec_id in (0x000F,):
                break
            if started:
                refs[-1][1].append((rec_id, payload))
        return refs


def copy_tokens(container: bytes) -> list[tuple]:
    """The tokens of a compressed container: ("L", byte) literals and ("C", offset, length) copies,
    plus one ("chunk", compressed?) per chunk header."""
    out, tokens, pos = bytearray(), [], 1
    while pos < len(container):
        header = struct.unpack_from("<H", container, pos)[0]
        end = min(pos + (header & 0x0FFF) + 3, len(container))
        pos += 2
        start = len(out)
        tokens.append(("chunk", bool(header & 0x8000)))
        if not header & 0x8000:
            out += container[pos:pos + 4096]
            pos += 4096
            continue
        while pos < end:
            flags = container[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    tokens.append(("L", container[pos]))
                    out.append(container[pos])
                    pos += 1
                    continue
                token = struct.unpack_from("<H", container, pos)[0]
                pos += 2
                bit_count = max(4, (len(out) - start - 1).bit_length())
                offset = (token >> (16 - bit_count)) + 1
                length = (token & (0xFFFF >> bit_count)) + 3
                tokens.append(("C", offset, length))
                for _ in range(length):
                    out.append(out[-offset])
    return tokens
