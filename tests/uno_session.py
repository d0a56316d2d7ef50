"""One headless LibreOffice for one script run through UNO (tests/lo_run_macro.py, tests/lo_pivots.py).

Imported by scripts that the system Python (/usr/bin/python3, which has LibreOffice's `uno`) runs
from this folder. LibreOffice gets its own throw-away profile and its own pipe name, so parallel runs
do not meet, and its whole process group is killed whatever happens. SHENBAO_SOFFICE names the
soffice the tests found (conftest.SOFFICE).
"""

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
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


@contextlib.contextmanager
def open_document(path, *props):
    """The document at `path`, opened with `props` (PropertyValues) in a LibreOffice of its own."""
    profile = tempfile.mkdtemp(prefix="shenbao_lo_profile_")
    pipe = "shenbao_" + uuid.uuid4().hex
    proc = subprocess.Popen(
        [os.environ.get("SHENBAO_SOFFICE") or "soffice", "--headless", "--invisible", "--norestore", "--nologo",
         "--nodefault", "--nolockcheck", f"-env:UserInstallation={uno.systemPathToFileUrl(profile)}",
         f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so soffice.bin goes down with the wrapper
    )
    try:
        rctx = _connect(pipe, proc)
        desktop = rctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", rctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0, props)
        if doc is None:
            raise RuntimeError("LibreOffice could not open the file")
        try:
            yield doc
        finally:
            doc.close(True)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
