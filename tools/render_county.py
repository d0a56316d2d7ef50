"""Render the county workbook's printouts to PNG pages in one folder, for review by eye.

    python3 tools/render_county.py [-o out/render_county] [--dpi 60]

Prints, the way Excel prints them (each formula print area, of the data sheets and the forms'
continuations, evaluated first: libreoffice.pdf_as_excel_prints), the empty template, a committed
sample (01_平城区…), a full workbook (20 bases, 20 studios, 20 funding blocks: more rows than a form's
page holds, so the continuations are shown, and the tables run over several pages) and the annotated
copy of a sample with findings (its 校验结果 sheet first); and the sample and the full workbook as
LibreOffice prints them on its own (`*_libreoffice`: plain --convert-to pdf; the one-page forms are
the same, the data sheets and continuations print their reserved rows). Every PDF page becomes
`<artifact>-<page>.png`; one line per artifact gives its page count. The report helper's
tools/render_all.py renders the other artifacts (master, feedback, HTML reports).
Run from the project root; needs LibreOffice and poppler-utils (pdftoppm).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from macros_py.check.engine import check_paths  # noqa: E402
from macros_py.model.paths import SAMPLES_DIR  # noqa: E402
from macros_py.policy.load import default_policy  # noqa: E402
from macros_py.write.annotated import write_annotated  # noqa: E402
from macros_py.write.fill import write_filled  # noqa: E402
from macros_py.write.libreoffice import convert, pdf_as_excel_prints  # noqa: E402
from macros_py.write.samples import break_free_data  # noqa: E402
from macros_py.write.template import committed_template_path  # noqa: E402


def make_workbooks(work: Path) -> dict[str, Path]:
    policy = default_policy()
    sample = sorted(SAMPLES_DIR.glob("01_*.xlsx"))[0]
    broken = sorted(SAMPLES_DIR.glob("02_*.xlsx"))[0]
    annotated = write_annotated(broken, check_paths([broken]).findings, work / "annotated.xlsx")
    full = write_filled(work / "full.xlsx", break_free_data(policy), policy)
    return {"county_template": committed_template_path(policy), "county_sample": sample,
            "county_full": full, "county_annotated": annotated}


def render(out: Path, dpi: int) -> list[tuple[str, int]]:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("county_*"):
        old.unlink()
    done = []
    with tempfile.TemporaryDirectory(prefix="shenbao-county-") as tmp:
        work = Path(tmp)
        books = make_workbooks(work)
        staged = work / "staged"
        staged.mkdir()
        for name, path in books.items():
            shutil.copy(path, staged / f"{name}.xlsx")
        pdfs = dict(zip(books, pdf_as_excel_prints([staged / f"{n}.xlsx" for n in books], work / "pdf"),
                        strict=True))
        alone = {f"{n}_libreoffice": staged / f"{n}_libreoffice.xlsx" for n in ("county_sample", "county_full")}
        for name, path in alone.items():
            shutil.copy(books[name.removesuffix("_libreoffice")], path)
        pdfs.update(zip(alone, convert(alone.values(), work / "alone", "pdf"), strict=True))
        for name, pdf in pdfs.items():
            shutil.copy(pdf, out / f"{name}.pdf")
            subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out / name)], check=True)
            done.append((name, len(list(out.glob(f"{name}-*.png")))))
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", default="out/render_county")
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args(argv)
    out = Path(args.out)
    for name, pages in render(out, args.dpi):
        print(f"{name}: {pages} 页 → {out}/{name}-*.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
