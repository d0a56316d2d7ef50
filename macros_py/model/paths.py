"""Where the project's data lives: the repository's workbooks/, templates/ and addin/ folders.

The package is installed editable (`pip install -e .`), so these sit beside it; SHENBAO_HOME points
elsewhere when the folders were copied to another place.
"""

import os
import re
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("SHENBAO_HOME") or Path(__file__).resolve().parents[2])
WORKBOOKS_DIR = PROJECT_ROOT / "workbooks"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
ADDIN_DIR = PROJECT_ROOT / "addin"
SAMPLES_DIR = WORKBOOKS_DIR / "samples"

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def safe_name(text: str, fallback: str) -> str:
    """A recommender's name as part of a file name: the characters Windows refuses are taken out."""
    return _UNSAFE.sub("", text) or fallback
