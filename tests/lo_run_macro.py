"""Open a workbook in headless LibreOffice, run one of its VBA macros, print cell values as JSON.

Run with the system Python that has LibreOffice's `uno` module (/usr/bin/python3), not the project's
Python: `python3 lo_run_macro.py FILE FILTER MACRO_URL SHEET CELL [CELL ...]`. The test starts it in
a subprocess. LibreOffice is started and stopped by
uno_session.open_document.
"""

import json
import sys

from uno_session import open_document, prop

ALWAYS_EXECUTE_NO_WARN = 4  # com.sun.star.document.MacroExecMode


def main(argv):
    path, filter_name, macro_url, sheet_index = argv[0], argv[1], argv[2], int(argv[3])
    cells = argv[4:]
    result = {}
    try:
        with open_document(path, prop("FilterName", filter_name), prop("Hidden", True),
                           prop("MacroExecutionMode", ALWAYS_EXECUTE_NO_WARN)) as doc:
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
    except Exception as exc:  # reported to the test as data, so it can show what went wrong
        result["error"] = f"{type(exc).__name__}: {exc}"
    print(json.dumps(result, ensure_ascii=False))
    return 0 if "error" not in result else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
