"""Test support: Debian's headless Chromium driven through Playwright (the system browser, nothing downloaded).

`Browser` is one page of a headless Chromium started with executable_path=/usr/bin/chromium; it collects
console errors, page errors and every request. `check_report(html, summary_dict, out_dir)` is what the
report tests call, and what a merge test can call with its --summary-json.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As root in a sandbox, with no network but the registries: the flags the machine notes prescribe.
FLAGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORT = (1280, 900)


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return "Debian chromium 未安装（.ci/run 用 apt 安装 chromium）"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "未安装 playwright（pip install -e '.[test]'）"
    return None


class Browser:
    """One headless Chromium with one page, closed on exit."""

    def __init__(self, timeout: float = 60):
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True,
                                                     timeout=timeout * 1000)
            self.page = self._browser.new_page(viewport={"width": VIEWPORT[0], "height": VIEWPORT[1]})
        except BaseException:
            self._pw.stop()
            raise
        self.page.set_default_timeout(timeout * 1000)
        self.errors: list[str] = []
        self.urls: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}")
                     if m.type in ("error", "assert") else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"exception: {e}"))
        self.page.on("request", lambda r: self.urls.append(r.url))

    def open(self, path: Path) -> None:
        self.page.goto(Path(path).resolve().as_uri(), wait_until="load")

    def evaluate(self, expression: str):
        return self.page.evaluate(expression)

    def screenshot(self, path: Path, full_page: bool = False) -> Path:
        self.page.screenshot(path=str(path), full_page=full_page)
        return Path(path)

    def print_pdf(self, path: Path) -> Path:
        """The print preview as an A4 PDF, with the page's own @page rules and backgrounds."""
        self.page.emulate_media(media="print")
        self.page.pdf(path=str(path), format="A4", print_background=True, prefer_css_page_size=True)
        self.page.emulate_media(media="screen")
        return Path(path)

    def console_errors(self) -> list[str]:
        return list(self.errors)

    def requests(self) -> list[str]:
        return list(self.urls)

    def close(self) -> None:
        try:
            self._browser.close()
        finally:
            self._pw.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---------------------------------------------------------------- what the report must show

FILE_STATUS_KEYS = {"已汇总": "merged", "已被替代": "superseded", "重复文件": "duplicate",
                    "无法使用": "unusable", "已跳过": "skipped"}


def expected_figures(summary: dict) -> dict[str, int]:
    """The headline figures, derived straight from the summary's JSON (not from the renderer's code)."""
    figures = {"files": len(summary["files"])}
    for f in summary["files"]:
        key = "files_" + FILE_STATUS_KEYS.get(f["status"], f["status"])
        figures[key] = figures.get(key, 0) + 1
    expected = [r for r in summary["recommenders"] if r["expected"]]
    figures["recommenders_expected"] = len(expected)
    figures["recommenders_received"] = sum(1 for r in expected if r["received"])
    figures["recommenders_unlisted"] = sum(1 for r in summary["recommenders"] if not r["expected"] and r["received"])
    for q in summary["quotas"]:
        tier = re.fullmatch(r"(\w+)档基地", q["kind"])
        if tier:
            figures[f"bases_{tier.group(1)}"] = q["applications"]
            figures[f"places_{tier.group(1)}"] = q["places"]
        elif "工作室" in q["kind"]:
            figures["studios"] = q["applications"]
            figures["studio_places"] = q["places"]
    for key, severity in (("errors", "错误"), ("warnings", "警告"), ("infos", "提示")):
        figures[key] = sum(1 for f in summary["findings"] if f["severity"] == severity)
    for key in ("rows_read", "rows_merged", "rows_rejected"):
        figures[key] = summary[key]
    return figures


_READ_FIGURES = """Object.fromEntries(Array.from(document.querySelectorAll('[data-figure]'),
    e => [e.dataset.figure, e.textContent.trim()]))"""


def pdf_pages(path_or_data) -> int:
    """Pages of a PDF, as pdfinfo counts them."""
    import subprocess
    import tempfile

    if isinstance(path_or_data, bytes):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
            fh.write(path_or_data)
            fh.flush()
            return pdf_pages(Path(fh.name))
    out = subprocess.run(["pdfinfo", str(path_or_data)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def check_report(html_path: Path, summary: dict, out_dir: Path, *, min_pages: int = 1) -> dict:
    """Open the report in Chromium and prove what the report issue asks for.

    No console errors and no request leaves the page; every headline figure equals the summary's
    number; a PNG of the first screen and an A4 PDF of the print preview are saved in out_dir.
    Returns what it measured, for further assertions.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with Browser() as browser:
        browser.open(html_path)
        shown = browser.evaluate(_READ_FIGURES)
        scripts = browser.evaluate("document.querySelectorAll('script').length")
        screenshot = browser.screenshot(out_dir / "report-first-screen.png")
        pdf = browser.print_pdf(out_dir / "report-print.pdf")
        errors = browser.console_errors()
        page_url = Path(html_path).resolve().as_uri()
        outside = [u for u in browser.requests() if u != page_url]
    print(f"截图：{screenshot}\n打印预览 PDF：{pdf}")

    assert not errors, f"控制台错误：{errors}"
    assert not outside, f"报告请求了外部资源：{outside}"
    assert scripts == 0, f"页面中有 {scripts} 个 <script> 元素"
    expected = expected_figures(summary)
    page = {k: int(v.replace(",", "")) for k, v in shown.items()}
    assert page == expected, f"页面数字与汇总不符：\n页面 {page}\n汇总 {expected}"
    pages = pdf_pages(pdf)
    assert pages >= min_pages, f"PDF 只有 {pages} 页（至少应有 {min_pages} 页）"
    return {"figures": page, "screenshot": screenshot, "pdf": pdf, "pdf_pages": pages}
