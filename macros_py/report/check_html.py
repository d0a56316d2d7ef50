"""The HTML rendering of a Report, from templates/check_report.html.j2 (jinja2, autoescape on).

One self-contained file: styles inline, no scripts or fonts fetched, so it reads the same offline.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from macros_py.check.marks import FILL, FONT
from macros_py.model.findings import SEVERITY_ORDER, Report
from macros_py.model.paths import TEMPLATES_DIR
from macros_py.report.text import LAYOUT_NAMES
from macros_py.rules.catalog import CATALOG
from macros_py.write.xlsx_pack import write_atomic

TEMPLATE_NAME = "check_report.html.j2"


def render_html(report: Report, *, generated: dt.datetime | None = None, zone: dt.tzinfo | None = None) -> str:
    """zone: the bureau's time zone (policy notice.time_zone), in which the report's time is shown."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from macros_py.report.html import masked_output

    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["html", "j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, finalize=masked_output)
    template = env.get_template(TEMPLATE_NAME)
    by_file = {entry.file: [f for f in report.findings if f.file == entry.file] for entry in report.files}
    rules = [(rule, CATALOG[rule].title if rule in CATALOG else "", counts)
             for rule, counts in report.counts_by_rule().items()]
    return template.render(
        report=report, files=report.files, by_file=by_file, rules=rules,
        totals=report.counts_by_severity(), severities=list(SEVERITY_ORDER), fill=FILL, font=FONT,
        layouts=LAYOUT_NAMES, generated=(generated or dt.datetime.now(zone)).strftime("%Y-%m-%d %H:%M"))


def write_html(report: Report, path: str | Path, zone: dt.tzinfo | None = None) -> Path:
    path = Path(path)
    write_atomic(path, render_html(report, zone=zone).encode("utf-8"))
    return path
