"""Open a workbook in headless LibreOffice, run one of its VBA macros, print cell values as JSON.

Run with the system Python that has LibreOffice's `uno` module (/usr/bin/python3), not the project's
Python: `python3 lo_run_macro.py FILE FILTER MACRO_URL SHEET CELL [CELL ...]`. The test starts it in
a subprocess. LibreOffice gets its own throw-away profile and its own pipe name, so parallel runs do
not meet, and the process is killed whatever happens.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue

ALWAYS_EXECUTE_NO_WARN = 4  # com.sun.star.document.MacroExecMode


def _prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _connect(pipe, proc, timeout=60.0):
    ctx = uno.getComponentContext()
    resolver = ctx.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", ctx)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("LibreOffice did not accept a connection") from None
            time.sleep(0.1)


def main(argv):
    path, filter_name, macro_url, sheet_index = argv[0], argv[1], argv[2], int(argv[3])
    cells = argv[4:]
    profile = tempfile.mkdtemp(prefix="shenbao_lo_profile_")
    pipe = "shenbao_" + uuid.uuid4().hex
    proc = subprocess.Popen(
        [os.environ.get("SHENBAO_SOFFICE") or "soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
         "--nolockcheck", f"-env:UserInstallation={uno.systemPathToFileUrl(profile)}",
         f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so soffice.bin goes down with the wrapper
    )
    result = {}
    try:
        rctx = _connect(pipe, proc)
        desktop = rctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", rctx)
        doc = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0,
            (_prop("FilterName", filter_name), _prop("Hidden", True),
             _prop("MacroExecutionMode", ALWAYS_EXECUTE_NO_WARN)),
        )
        if doc is None:
            raise RuntimeError("LibreOffice could not open the file")
        libraries = doc.BasicLibraries
        result["libraries"] = list(libraries.getElementNames())
        result["vba_mode"] = bool(libraries.VBACompatibilityMode)
        result["modules"] = {
            name: sorted(libraries.getByName(name).getElementNames()) for name in result["libraries"]
        }
        script = doc.getScriptProvider().getScript(macro_url)
        script.invoke((), (), ())
        sheet = doc.Sheets.getByIndex(sheet_index)
        result["sheet"] = sheet.Name
        result["cells"] = {c: sheet.getCellRangeByName(c).String for c in cells}
        doc.close(True)
    except Exception as exc:  # reported to the test as data, so it can show what went wrong
        result["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if "error" not in result else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
