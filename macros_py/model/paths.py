"""Where the project's data lives: the folders workbooks/, templates/ and addin/.

They are committed once, at the top of the repository. Three cases, in this order:
- SHENBAO_HOME names a folder holding them (someone keeps edited copies elsewhere);
- an installed wheel carries them as package data, macros_py/data/<folder>/ (setup.py copies them
  in while the wheel is built), found with importlib.resources;
- an editable install or a plain checkout (`python3 -m macros_py` in the repository) reads them
  beside the package, in the checkout.
"""

import os
import re
from importlib.resources import files
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]
_PACKAGED = Path(str(files("macros_py"))) / "data"


def _data_root() -> tuple[Path, bool]:
    """The folder holding workbooks/, templates/ and addin/, and whether it is the installed package's."""
    home = os.environ.get("SHENBAO_HOME")
    if home:
        return Path(home), False
    if (_PACKAGED / "workbooks").is_dir():
        return _PACKAGED, True
    return _CHECKOUT, False


PROJECT_ROOT, PACKAGED = _data_root()
WORKBOOKS_DIR = PROJECT_ROOT / "workbooks"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
ADDIN_DIR = PROJECT_ROOT / "addin"
SAMPLES_DIR = WORKBOOKS_DIR / "samples"
# Where `shenbao samples` writes by default: the checkout's own folder (the tests regenerate it byte for
# byte); an installed package never writes into itself, so there it is workbooks/samples in the current folder.
SAMPLES_OUTPUT = Path("workbooks") / "samples" if PACKAGED else SAMPLES_DIR

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_SPACES = re.compile(r"\s+")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
NAME_BYTES = 150   # of a name part; the whole file name stays far below 255 bytes (Linux) and characters (Windows)


def safe_name(text: str, fallback: str, max_bytes: int = NAME_BYTES) -> str:
    """A name (a recommender's, a file's) as part of a file name, on every system.

    A character Windows refuses and each run of spaces becomes "_", so names that differ only there
    stay apart as far as possible (callers still make names unique: unique_names). Dots and spaces at
    the ends go, a device name (CON, NUL, …) gets a "_". A name longer than `max_bytes` in UTF-8 is cut
    on a character boundary and ends with 8 hex digits of the whole name's digest, so two long names
    that share their beginning still get two files."""
    import hashlib

    name = _SPACES.sub("_", _UNSAFE.sub("_", text or "").strip()).strip(" ._")
    if not name:
        return fallback
    if name.split(".")[0].upper() in _RESERVED:
        name = f"_{name}"
    if len(name.encode("utf-8")) > max_bytes:
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
        cut = name.encode("utf-8")[:max_bytes - 10].decode("utf-8", "ignore").rstrip(" ._")
        name = f"{cut}…{digest}" if len(f"{cut}…{digest}".encode()) <= max_bytes else f"{cut}_{digest}"
    return name


def unique_names(names: list[str]) -> list[str]:
    """The names in order, a later one equal to an earlier one (ignoring case, as Windows and macOS
    do) getting "_2", "_3"…; given the same list, the same result."""
    taken: set[str] = set()
    out = []
    for name in names:
        stem, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
        candidate, n = name, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{stem}_{n}{dot}{suffix}" if dot else f"{name}_{n}"
        taken.add(candidate.casefold())
        out.append(candidate)
    return out
