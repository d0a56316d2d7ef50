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

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def safe_name(text: str, fallback: str) -> str:
    """A recommender's name as part of a file name: the characters Windows refuses are taken out."""
    return _UNSAFE.sub("", text) or fallback
