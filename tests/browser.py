"""Test support: Debian's headless Chromium driven over the DevTools protocol, stdlib only.

The protocol runs over a pipe (--remote-debugging-pipe: the browser reads commands on fd 3 and
writes replies and events on fd 4, each a JSON text ended by a NUL byte), so there is no port to
find, no websocket and no extra package. `check_report(html, summary_dict, out_dir)` is what the
report tests call, and what a merge test can call with its --summary-json.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As root in a sandbox, with no network but the registries: the flags the machine notes prescribe.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars"]
VIEWPORT = (1280, 900)
A4_INCHES = (8.27, 11.69)


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return "Debian chromium 未安装（.ci/run 用 apt 安装 chromium）"
    return None


class CDPError(RuntimeError):
    pass


def _above_nine(fd: int) -> int:
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


class Browser:
    """One headless Chromium with one page, closed on exit."""

    def __init__(self, timeout: float = 60):
        self.timeout = timeout
        self.events: list[dict] = []
        self._buffer = b""
        self._next_id = 0
        self._profile = tempfile.mkdtemp(prefix="shenbao-chromium-")
        to_read, self._to_write = os.pipe()      # we write commands; the browser reads them on fd 3
        self._from_read, from_write = os.pipe()  # the browser writes on fd 4; we read
        # Move the child's ends above 9 so that the shell's "3<&N" never meets N == 3 or 4.
        to_read, from_write = (_above_nine(fd) for fd in (to_read, from_write))
        self._log = open(Path(self._profile) / "chromium-stderr.log", "wb")  # noqa: SIM115 - closed in close()
        # bash (dash takes only one-digit fds) puts our pipe ends on fds 3 and 4, which the protocol fixes, then execs Chromium.
        script = f'exec "$0" "$@" 3<&{to_read} 4>&{from_write} {to_read}<&- {from_write}>&-'
        args = [CHROMIUM, *FLAGS, f"--user-data-dir={self._profile}", "--remote-debugging-pipe", "about:blank"]
        self.proc = subprocess.Popen(["bash", "-c", script, *args], pass_fds=(to_read, from_write),
                                     stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log)
        os.close(to_read)
        os.close(from_write)
        try:
            target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                self.call(f"{domain}.enable", session=self.session)
        except BaseException:
            self.close()   # a browser that did not start leaves no process and no profile behind
            raise

    # -- transport

    def _send(self, method: str, params: dict | None, session: str | None) -> int:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_write, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_read], [], [], left)[0]:
                raise CDPError(f"Chromium 无响应（超时）。日志末尾：\n{self._log_tail()}")
            chunk = os.read(self._from_read, 1 << 20)
            if not chunk:
                raise CDPError(f"Chromium 已退出。日志末尾：\n{self._log_tail()}")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(raw)

    def _log_tail(self) -> str:
        self._log.flush()
        return Path(self._log.name).read_bytes()[-3000:].decode("utf-8", "replace")

    def call(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float | None = None) -> dict:
        wanted = self._send(method, params, session)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            message = self._receive(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise CDPError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def wait_event(self, method: str, timeout: float | None = None) -> dict:
        deadline = time.monotonic() + (timeout or self.timeout)
        seen = len(self.events)
        while True:
            for event in self.events[seen:]:
                if event["method"] == method:
                    return event
            seen = len(self.events)
            message = self._receive(deadline)
            if "method" in message:
                self.events.append(message)

    # -- page

    def open(self, path: Path, viewport=VIEWPORT) -> None:
        width, height = viewport
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, self.session)
        self.call("Page.navigate", {"url": Path(path).resolve().as_uri()}, self.session)
        self.wait_event("Page.loadEventFired")

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, self.session)
        if "exceptionDetails" in result:
            raise CDPError(f"脚本出错：{result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        data = self.call("Page.captureScreenshot", {"format": "png"}, self.session)["data"]
        Path(path).write_bytes(base64.b64decode(data))
        return Path(path)

    def print_pdf(self, path: Path) -> Path:
        width, height = A4_INCHES
        params = {"paperWidth": width, "paperHeight": height, "printBackground": True,
                  "preferCSSPageSize": True}
        data = self.call("Page.printToPDF", params, self.session, timeout=240)["data"]
        Path(path).write_bytes(base64.b64decode(data))
        return Path(path)

    def console_errors(self) -> list[str]:
        """Uncaught exceptions, console.error/assert calls and browser log entries at level error."""
        out = []
        for e in self.events:
            method, params = e["method"], e.get("params", {})
            if method == "Runtime.exceptionThrown":
                out.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                out.append(f"console.{params['type']}: {[a.get('value') for a in params.get('args', [])]}")
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                out.append(f"log: {params['entry'].get('text')} ({params['entry'].get('url')})")
        return out

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    # -- lifetime

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                self._send("Browser.close", None, None)
                self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        finally:
            os.close(self._to_write)
            os.close(self._from_read)
            self._log.close()
            shutil.rmtree(self._profile, ignore_errors=True)

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


def pdf_pages(data: bytes) -> int:
    """Pages in a PDF Chromium wrote (uncompressed object headers: /Type /Page, not /Pages)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


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
    pages = pdf_pages(pdf.read_bytes())
    assert pages >= min_pages, f"PDF 只有 {pages} 页（至少应有 {min_pages} 页）"
    return {"figures": page, "screenshot": screenshot, "pdf": pdf, "pdf_pages": pages}
