"""Saving workbooks so that the same content gives the same bytes, and never a half-written file.

openpyxl stamps every zip entry with the current time and sets docProps/core.xml's modified time
at save, so two saves of one workbook differ. We save to memory, fix the stamps and the entry
order, and write the result to a temporary file beside the target before renaming it.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CORE = "docProps/core.xml"


def _fix_core(xml: bytes, when: dt.datetime) -> bytes:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    for tag in (b"dcterms:created", b"dcterms:modified"):
        xml = re.sub(rb"(<" + tag + rb"[^>]*>)[^<]*(</" + tag + rb">)", rb"\g<1>" + stamp + rb"\g<2>", xml)
    return xml


def repack(data: bytes, when: dt.datetime) -> bytes:
    """The same package with fixed entry times, a fixed entry order and fixed document times."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    # [Content_Types].xml first, as Excel writes it; the rest in the order openpyxl wrote them.
    names.sort(key=lambda n: n != "[Content_Types].xml")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            payload = src.read(name)
            if name == _CORE:
                payload = _fix_core(payload, when)
            info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, payload, compresslevel=6)
    return out.getvalue()


def write_atomic(path: str | Path, data) -> None:
    """Write `data` (bytes; an iterable of bytes written one after another, or a function that writes
    into the file it is given, so that a big output is never held whole) to `path` through a temporary file in the same folder, then rename. Missing
    folders are created; stale temporaries a killed run left in the folder are removed first; any
    OSError becomes an OutputError naming the path, and leaves nothing behind."""
    from macros_py.write.outputs import STAGED, make_parents, write_failure
    from macros_py.write.staging import TEMP_PREFIX, remove_stale, tag

    path = Path(path)
    if str(path) in STAGED:
        # A run's temporary (staging.OutputSet.path), renamed into place when the run commits and
        # removed if it fails: written where it is (a second temporary per file and its rename were
        # a tenth of the time of a merge's 500 feedback workbooks).
        _write_staged(path, data)
        return
    make_parents(path)
    remove_stale(path.parent)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{tag()}-", suffix=path.suffix, dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            _write_to(fh, data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a workbook is an ordinary file
        os.replace(tmp, path)
    except OSError as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise write_failure(path, exc) from None
    except BaseException:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise


def _write_to(fh, data) -> None:
    if isinstance(data, bytes | bytearray | memoryview):
        fh.write(data)
    elif callable(data):
        data(fh)
    else:
        fh.writelines(data)


def _write_staged(path: Path, data) -> None:
    from macros_py.write.outputs import write_failure

    try:
        with path.open("wb") as fh:
            _write_to(fh, data)
    except BaseException as exc:
        path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise write_failure(path, exc) from None
        raise


def save_workbook(wb, path: str | Path, when: dt.datetime) -> None:
    """Save an openpyxl workbook deterministically and atomically."""
    wb.properties.created = when
    wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    write_atomic(path, repack(buf.getvalue(), when))
