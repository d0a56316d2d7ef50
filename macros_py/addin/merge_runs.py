"""合并文件夹… and 打开汇总报告: the bureau's merge run from the ribbon, and the memory of its last report.

The merge is the command line's own (`shenbao merge INBOX -o MASTER --html REPORT`): both run
jobs.merge, so that the ribbon and the command do the same thing. Its outputs go to a folder beside the
inbox, `<收件文件夹>_汇总`: never inside the inbox, which the merge reads with its subfolders, and
always the same folder for the same inbox, so that the merge's ledger (kept beside the master) makes
a re-run after corrected files arrive safe and fast.

The last report is remembered in a small JSON file in the user's application-data folder
(%APPDATA%\\shenbao on Windows, ~/.shenbao elsewhere): the ribbon starts a fresh Python each time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from macros_py.model.errors import ShenbaoError

STATE_FILE = "addin_state.json"
MASTER_NAME = "汇总工作簿.xlsx"
REPORT_NAME = "汇总报告.html"


@dataclass
class MergeResult:
    inbox: Path
    master: Path
    report: Path
    output: str                 # what the command printed (file counts, reconciliation, findings)


def state_dir(env: dict | None = None) -> Path:
    env = os.environ if env is None else env
    appdata = env.get("APPDATA")
    return Path(appdata) / "shenbao" if appdata else Path.home() / ".shenbao"


def outputs_for(inbox: Path) -> tuple[Path, Path]:
    folder = inbox.parent / f"{inbox.name}_汇总"
    return folder / MASTER_NAME, folder / REPORT_NAME


def run_merge(inbox: str | Path) -> MergeResult:
    from macros_py.jobs.merge import run_merge as merge_job
    from macros_py.policy.load import default_policy

    inbox = Path(inbox)
    if not inbox.is_dir():
        raise ShenbaoError(f"找不到文件夹 {inbox}。")
    master, report = outputs_for(inbox)
    master.parent.mkdir(parents=True, exist_ok=True)
    # One process: the merge's worker processes would each start another Python from Excel's process.
    try:
        result = merge_job(inbox, master, default_policy(), html=report, jobs=1)
    except ShenbaoError as exc:
        raise ShenbaoError(f"汇总没有完成：{exc}") from None
    return MergeResult(inbox, master, report, "\n".join(result.lines).strip())


def remember(result: MergeResult, folder: Path | None = None) -> Path:
    folder = folder or state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / STATE_FILE
    state = {"last_merge": {"inbox": str(result.inbox), "master": str(result.master), "report": str(result.report),
                            "when": dt.datetime.now().replace(microsecond=0).isoformat()}}
    path.write_text(json.dumps(state, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def last_report(folder: Path | None = None) -> Path:
    """The report of the last merge; a Chinese reason when there is none to open."""
    path = (folder or state_dir()) / STATE_FILE
    try:
        report = Path(json.loads(path.read_text(encoding="utf-8"))["last_merge"]["report"])
    except (OSError, ValueError, KeyError, TypeError):
        raise ShenbaoError("还没有合并过报送文件：请先点“合并文件夹…”。") from None
    if not report.is_file():
        raise ShenbaoError(f"上次合并的汇总报告已不在原处：{report}。请重新“合并文件夹…”。")
    return report
