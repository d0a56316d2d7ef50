"""The build step that makes the project's data folders package data (everything else is in pyproject.toml).

workbooks/ (policy file, committed template, samples), templates/ (jinja2) and addin/ (the add-in's
sources) are committed once, at the top of the repository. A wheel carries a copy of each under
macros_py/data/<folder>/, made here while the wheel is built; macros_py/model/paths.py finds them
there. An editable install (`pip install -e .`) copies nothing: the package then reads the checkout.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_FOLDERS = ("workbooks", "templates", "addin")  # the same names under macros_py/data/
DATA_PACKAGE_DIR = Path("macros_py") / "data"


def data_files() -> list[Path]:
    """The files of the data folders, relative to the repository root (no caches, lock or hidden files)."""
    files = []
    for folder in DATA_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            rel = path.relative_to(ROOT)
            if path.is_file() and not any(p.startswith((".", "~$", "__pycache__")) for p in rel.parts):
                files.append(rel)
    if not any(rel.suffix == ".toml" for rel in files):  # e.g. a source archive made without MANIFEST.in
        raise SystemExit(f"setup.py: {ROOT / 'workbooks'} holds no policy file; the wheel would lack its data")
    return files


class BuildPyWithData(build_py):
    """build_py, then the data folders copied into the built package."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for rel in data_files():
            target = Path(self.build_lib) / DATA_PACKAGE_DIR / rel
            self.mkpath(str(target.parent))
            self.copy_file(str(ROOT / rel), str(target), preserve_mode=False)

    def get_outputs(self, include_bytecode=1):
        outputs = super().get_outputs(include_bytecode)
        if getattr(self, "editable_mode", False):
            return outputs
        return outputs + [str(Path(self.build_lib) / DATA_PACKAGE_DIR / rel) for rel in data_files()]


setup(cmdclass={"build_py": BuildPyWithData})
