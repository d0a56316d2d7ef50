"""Render every artifact people read to PNG pages in one folder, for review by eye.

    python3 tools/render_all.py [-o out/render] [--dpi 60]

Makes, in a temporary folder, from the committed template and samples: the county workbook, a filled
sample, its annotated copy and check report (`check --annotate --html`), and a merge of the samples
(master, feedback workbooks, HTML report). Workbooks are printed to PDF by headless LibreOffice (as
File → Print would), HTML pages by headless Chromium through Playwright (print preview, A4), then
every PDF page becomes `<artifact>-<page>.png` in the output folder, and the HTML first screens are
saved too. It prints one line per artifact: its page count and where the PNGs are.
Run from the project root; needs LibreOffice, Chromium and poppler-utils.
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

from macros_py.cli.main import main as shenbao  # noqa: E402
from macros_py.policy.load import default_policy  # noqa: E402
from macros_py.write.libreoffice import convert  # noqa: E402
from macros_py.write.template import committed_template_path  # noqa: E402
from tests.browser import Browser, pdf_pages  # noqa: E402

SAMPLES = ROOT / "workbooks" / "samples"


def _quiet(args: list[str]) -> None:
    code = shenbao(args)
    if code not in (0, 1):   # check exits 1 when the file has errors, which the samples do on purpose
        raise SystemExit(f"shenbao {' '.join(args)} 退出码 {code}")


def make_artifacts(work: Path) -> tuple[dict[str, Path], dict[str, Path]]:
    """(workbooks, html pages) by artifact name."""
    sample = sorted(SAMPLES.glob("01_*.xlsx"))[0]
    _quiet(["check", str(sample), "--annotate", str(work / "annotated.xlsx"), "--html", str(work / "check.html")])
    _quiet(["merge", str(SAMPLES), "-o", str(work / "merge" / "汇总.xlsx"), "--feedback", str(work / "fb"),
            "--html", str(work / "merge.html"), "--jobs", "1"])
    feedback = sorted((work / "fb").glob("*.xlsx"))
    clean = next((p for p in feedback if _clean(p)), None)
    books = {"1_county_workbook": committed_template_path(default_policy()), "2_filled_sample": sample, "3_annotated": work / "annotated.xlsx",
             "4_master": work / "merge" / "汇总.xlsx", "5_feedback_with_findings": feedback[0]}
    if clean:
        books["6_feedback_clean"] = clean
    return books, {"7_merge_report": work / "merge.html", "8_check_report": work / "check.html"}


def _clean(path: Path) -> bool:
    import openpyxl

    return "问题清单" not in openpyxl.load_workbook(path, read_only=True).sheetnames


def render(out: Path, dpi: int) -> list[tuple[str, int, Path]]:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    done = []
    with tempfile.TemporaryDirectory(prefix="shenbao-render-") as tmp:
        work = Path(tmp)
        books, pages = make_artifacts(work)
        staged = work / "staged"
        staged.mkdir()
        for name, path in books.items():
            shutil.copy(path, staged / f"{name}{path.suffix}")
        pdfs = dict(zip(books, convert([staged / f"{n}{p.suffix}" for n, p in books.items()], work / "pdf", "pdf"),
                        strict=True))
        with Browser() as browser:
            for name, html in pages.items():
                browser.open(html)
                browser.screenshot(out / f"{name}-screen.png")
                pdfs[name] = browser.print_pdf(work / "pdf" / f"{name}.pdf")
        for name, pdf in pdfs.items():
            subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(out / name)], check=True)
            done.append((name, pdf_pages(pdf), out))
    return done


def run(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="把每个给人看的文件渲染成 PNG，放在一个文件夹里供检查。")
    ap.add_argument("-o", "--out", default=str(ROOT / "out" / "render"), help="输出文件夹（默认 out/render）")
    ap.add_argument("--dpi", type=int, default=60, help="PNG 分辨率（默认 60）")
    args = ap.parse_args(argv)
    for name, pages, where in render(Path(args.out), args.dpi):
        print(f"{name}: {pages} 页 → {where}/{name}-*.png")
    return 0


if __name__ == "__main__":
    sys.exit(run())
