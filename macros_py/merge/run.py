"""`shenbao merge`: a folder of returned workbooks in, one master workbook out, nothing lost.

Flow (one way): discover the inbox → read and check every workbook (in parallel where that pays) →
settle which file counts for each recommender (ledger, duplicates, supersession) → bureau rules →
MergeSummary → renderers (master, feedback files, JSON, HTML) → ledger commit.

Every data row read ends up in the master or in the list of rows not merged, with the reason; the
run prints that reconciliation. Inputs are only read. The outputs and the ledger's transaction are
jobs/merge.py's: they appear together or not at all (write/staging.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sqlite3
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from macros_py.check.engine import (
    FILE_TIMEOUT,
    check_file,
    crash_reason,
    file_sha256,
    timeout_reason,
    unusable_finding,
)
from macros_py.check.workers import default_jobs, run_isolated
from macros_py.merge import decisions, supersede
from macros_py.merge.compact import compact
from macros_py.merge.decisions import Desk
from macros_py.merge.inbox import InboxItem, discover, read_register, received_time, registered
from macros_py.merge.ledger import FileEntry as LedgerEntry
from macros_py.merge.ledger import Ledger, ledger_error
from macros_py.merge.reconcile import JOINED, reconcile
from macros_py.merge.status import (
    DUPLICATE,
    MERGED,
    REFUSED,
    SUPERSEDED,
    UNUSABLE,
    file_summaries,
    recommender_status,
)
from macros_py.model.errors import NothingToDo, UsageError
from macros_py.model.findings import FILE_UNUSABLE, FileEntry, Finding
from macros_py.model.normalize import norm_key
from macros_py.model.submission import (
    ROWDUP,
    Record,
    SkippedRow,
    Submission,
)
from macros_py.model.summary import MergeSummary
from macros_py.policy.load import CHANNEL_CITY, CHANNEL_COUNTY, Policy, load_policy
from macros_py.policy.recommenders import Resolved, file_name_hint, stamp_of
from macros_py.read.archive import is_archive
from macros_py.read.safety import is_workbook_name
from macros_py.rules import bureau as rules_bureau
from macros_py.rules.bureau import Current

LEDGER_NAME = "汇总台账.sqlite"
# The sheets only the reconciliation, the cards and the master read, a file at a time: kept packed
# (PackedRows) from the worker on, so that a merge of thousands of files does not hold their rows
# decoded. The project sheets and 大师信息 stay decoded: the bureau rules and decisions read them all at once.
PACKED = ("conditions", "funding", "majors")


@dataclass
class Outcome:
    """What reading and checking one file gave (built in a worker process, so plain data)."""

    item: InboxItem
    sha256: str | None = None
    size: int = 0
    sub: Submission | None = None
    findings: list[Finding] = field(default_factory=list)
    reason: str | None = None


@dataclass
class MergeRun:
    summary: MergeSummary
    currents: list[Current]              # the files kept, one per recommender
    findings: list[Finding]
    ledger_path: Path
    ledger_entries: list[LedgerEntry]    # what the ledger will record once the outputs are written


@functools.cache
def _worker_policy(path: str) -> Policy:
    """Each worker process reads the policy file once, not once per submission."""
    return load_policy(path)


def _read_one(policy_path: str, item: InboxItem) -> Outcome:
    policy = _worker_policy(policy_path)
    sub, findings, reason = check_file(item.path, policy)
    if sub is None:
        return Outcome(item, file_sha256(item.path), _size(item.path), reason=reason)
    sub.name = item.relpath  # files are named by their place in the inbox everywhere
    for f in findings:
        f.file = item.relpath
    set_aside_copies(sub, policy)
    sub.pack(PACKED)
    return Outcome(item, sub.sha256, sub.size, sub, findings)


def set_aside_copies(sub: Submission, policy: Policy) -> None:
    """The second copy of a project in one file (the same 附件7 table twice, a row repeated) is
    C-ROWDUP: the county check has reported it; the master takes the first and lists the others as not
    merged. Done after the check, so that the check still sees every copy."""
    from macros_py.policy.schema import build_schema

    schema = build_schema(policy)
    for key in ("bases", "studios", *JOINED):
        records = sub.sheets.get(key)
        if not records:
            continue
        row_key = schema.sheet(key).row_key
        seen: dict[tuple, Record] = {}
        kept = []
        for rec in records:
            values = tuple(norm_key(rec.values.get(k)) for k in row_key)
            first = seen.get(values) if all(values) else None
            if first is None:
                if all(values):
                    seen[values] = rec
                kept.append(rec)
                continue
            where = f"“{first.sheet}”第 {first.row} 行" if first.sheet != rec.sheet else f"第 {first.row} 行"
            sub.skipped.append(SkippedRow(key, rec.sheet, rec.row, ROWDUP, f"与{where}是同一项目（C-ROWDUP），汇总表只收第一行",
                                          rec.cells.get(row_key[0]), str(rec.values.get(row_key[0]) or ""), rec))
        sub.sheets[key] = kept


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _dead(item: InboxItem, exitcode: int | None) -> Outcome:
    return Outcome(item, file_sha256(item.path), _size(item.path), reason=crash_reason(exitcode))


def _late(item: InboxItem) -> Outcome:
    return Outcome(item, file_sha256(item.path), _size(item.path), reason=timeout_reason())


def _failed(item: InboxItem, text: str) -> Outcome:
    return Outcome(item, file_sha256(item.path), _size(item.path),
                   reason=f"程序读取该文件时出错（{text}）。请把文件发给系统维护人员。")


def read_all(items: list[InboxItem], policy: Policy, jobs: int, progress: Callable[[int, int, Outcome], None]):
    """Read and check every workbook, each in a worker process (check.workers): a file whose reading
    kills its worker is that file's failure, with the reason, and the other files are read all the same."""
    outcomes: list[Outcome] = []
    cache: dict = {}
    for n, (_, out) in enumerate(run_isolated(_read_one, str(policy.path), items, jobs=jobs, died=_dead,
                                              failed=_failed, timeout=FILE_TIMEOUT, timed_out=_late), 1):
        if out.sub is not None:
            compact(out.sub, cache)
        outcomes.append(out)
        progress(n, len(items), out)
    return outcomes


class Progress:
    """A one-line bar on a terminal; plain lines (one per file) when the output is a file or pipe."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def __call__(self, n: int, total: int, out: Outcome) -> None:
        status = "无法使用" if out.reason else "已读取"
        if self.tty:
            width = 30
            done = width * n // total
            self.stream.write(f"\r读取 [{'#' * done}{'.' * (width - done)}] {n}/{total}")
            if n == total:
                self.stream.write("\n")
        else:
            self.stream.write(f"[{n}/{total}] {out.item.relpath}：{status}\n")
        self.stream.flush()


def _who(out: Outcome, policy: Policy, desk: Desk) -> tuple[Resolved | None, bool]:
    """Who sent a file (stamp_of), as the bureau decided where the tool could not tell; and whether
    the bureau refused the file."""
    stamp = stamp_of(out.sub, policy)
    if stamp.known:
        return stamp.who, False
    written = stamp.found or ("、".join(stamp.several) if stamp.several else None)
    key = decisions.key_recommender(written, out.sub.sha256)
    what = (f"推荐单位“{written}”不在政策文件的名单中，也不是登记的简称：是哪个推荐单位？" if written
            else "文件没有写推荐单位（推荐单位行和各行的推荐单位列都是空的）"
            + file_name_hint(out.item.relpath, policy) + "：是哪个推荐单位？")
    options = [r.name for r in policy.recommenders] + [decisions.AS_OUTSIDER, decisions.REFUSE]
    where = f"{out.sub.recommender_sheet}!{out.sub.recommender_cell}" if out.sub.recommender_cell else ""
    verdict = desk.ask(key, decisions.RECOMMENDER, what, options, file=out.item.relpath, where=where,
                       rules=("C-RECOMMENDER",), cell=out.sub.recommender_cell)
    if verdict == decisions.REFUSE:
        desk.did(key, f"{out.item.relpath} 不予受理")
        return stamp.who, True
    rec = next((r for r in policy.recommenders if r.name == verdict), None)
    if rec is not None:
        desk.did(key, f"{out.item.relpath} 按“{rec.name}”汇总")
        return Resolved(rec.name, rec.channel, True, rec.county), False
    if verdict == decisions.AS_OUTSIDER:
        desk.did(key, f"{out.item.relpath} 作为名单外单位汇总")
    return stamp.who, False


_COPY = re.compile(r"(副本|复制|[-_ ]copy|\s*[(（]\d{1,2}[)）])(\.[^.]*)?$", re.I)


def _copy_name(relpath: str) -> bool:
    """A name the system gave a copy: 平城区 - 副本.xlsx, 平城区(1).xlsx, 平城区 - Copy.xlsx."""
    return _COPY.search(Path(relpath).name) is not None


def _settle(outcomes: list[Outcome], ledger: Ledger, register, policy: Policy, desk: Desk):
    """Decide each file's status: the same bytes twice count once; a recommender's latest file wins,
    kind by kind (附件7 and 附件8 sent as two files both count: merge/supersede.py), whatever name it was
    sent under (names resolve to the policy's full names); a file the bureau refused (人工裁定) does not
    count."""
    entries: dict[str, LedgerEntry] = {}
    by_sha: dict[str, Outcome] = {}
    status: dict[str, tuple[str, str]] = {}
    received: dict[str, dt.datetime] = {}
    whos: dict[str, Resolved | None] = {}
    # Of byte-identical files the one kept is the first by name, a copy's name (… - 副本, (1)) last
    for out in sorted(outcomes, key=lambda o: (_copy_name(o.item.relpath), o.item.relpath)):
        rel = out.item.relpath
        # The receipt register is the bureau's own record and wins; else the time the ledger first
        # saw these bytes (a file copied again keeps its date); else the file's modification time.
        known = ledger.known(out.sha256) if out.sha256 else None
        if known and not registered(out.item, register):
            received[rel] = dt.datetime.fromisoformat(known.received)
        else:
            received[rel] = received_time(out.item, register, policy.time_zone)
        if out.reason:
            status[rel] = (UNUSABLE, out.reason)
        elif out.sha256 in by_sha:
            status[rel] = (DUPLICATE, f"与 {by_sha[out.sha256].item.relpath} 内容完全相同，只计一次")
        else:
            by_sha[out.sha256] = out
            status[rel] = (MERGED, "")
    # A copy of the same bytes that nobody registered takes the first copy's time, as the ledger will
    # record it for those bytes: else the next run, reading that time back, would give a different master.
    first: dict[str, str] = {}
    for out in outcomes:
        if out.sha256:
            head = first.setdefault(out.sha256, out.item.relpath)
            if head != out.item.relpath and not registered(out.item, register) and not ledger.known(out.sha256):
                received[out.item.relpath] = received[head]
    latest: dict[str, Outcome] = {}
    pool: dict[str, list[Outcome]] = defaultdict(list)

    def rank(o: Outcome) -> tuple:
        # A blank file (C-EMPTY) never replaces one with projects, however late it came.
        return (bool(o.sub.rows("bases") or o.sub.rows("studios")), received[o.item.relpath], o.item.relpath)

    def replaced_by(winner: Outcome, loser: Outcome, part: str = "") -> str:
        later = received[winner.item.relpath] >= received[loser.item.relpath]
        return f"已被同一推荐单位{'后' if later else ''}报送的 {winner.item.relpath} 替代{part}" + (
            "" if later else "（本文件没有填写任何项目，C-EMPTY）")

    for out in by_sha.values():
        rel = out.item.relpath
        who, refused = _who(out, policy, desk)
        whos[rel] = who
        key = who.name if who else f"（未填写推荐单位：{rel}）"
        if rules_bureau.is_late(received[rel], policy):
            late_key = decisions.key_late(out.sha256)
            verdict = desk.ask(late_key, decisions.LATE,
                               f"“{key}”的 {rel} 于 {received[rel]:%Y-%m-%d} 收到，晚于截止日 "
                               f"{policy.deadline.isoformat()}：是否受理？", [decisions.ACCEPT, decisions.REFUSE],
                               file=rel, rules=("C-LATE",))
            if verdict == decisions.REFUSE:
                refused = True
                desk.did(late_key, f"{rel} 不予受理")
            elif verdict == decisions.ACCEPT:
                desk.did(late_key, f"{rel} 受理")
        if refused:
            status[rel] = (REFUSED, "人工裁定不予受理")
            continue
        pool[key].append(out)
    # A later file replaces an earlier one in the kinds of project it holds (merge/supersede.py).
    for key, files in pool.items():
        kept_files, dropped = supersede.settle_kinds(files, rank, desk, key)
        for out in dropped:
            winner = max((files[i] for i in kept_files), key=rank)
            status[out.item.relpath] = (SUPERSEDED, replaced_by(winner, out))
        for i, lost in kept_files.items():
            out = files[i]
            latest[out.item.relpath] = out
            for kind, winner in lost.items():
                moved = supersede.set_aside(out.sub, kind,
                                            replaced_by(winner, out, f"（{supersede.KIND_NAMES[kind]}部分）"))
                out.findings = [f for f in out.findings if (f.sheet, f.row) not in moved]
    currents = [Current(o.sub, whos[o.item.relpath], received[o.item.relpath])
                for o in sorted(latest.values(), key=lambda o: o.item.relpath)]
    for out in outcomes:
        if out.sha256:
            entries[out.sha256] = entries.get(out.sha256) or LedgerEntry(
                sha256=out.sha256, name=out.item.path.name, relpath=out.item.relpath, size=out.size,
                received=received[out.item.relpath].isoformat(sep=" "))
    return status, received, currents, entries, whos


def merge(inbox: str | Path, master: str | Path, *, ledger_path: str | Path | None = None,
          policy: Policy | None = None, jobs: int | None = None, progress=None) -> MergeRun:
    """Everything up to the summary; writing the outputs is the caller's (cli_merge) job."""
    from macros_py.policy.load import default_policy

    inbox, master = Path(inbox), Path(master)
    if not inbox.is_dir():
        raise UsageError(f"找不到收件文件夹 {inbox}。")
    policy = policy or default_policy()
    register, register_problems = read_register(inbox)
    # Archives are opened outside the inbox (inputs are never modified); the copies go at the end.
    with tempfile.TemporaryDirectory(prefix="shenbao-zip-") as unpack:
        items = discover(inbox, Path(unpack))
        workbooks = [i for i in items if i.kind == "workbook"]
        # An archive that could not be opened was still sent in: the master lists it with its reason.
        if not any(is_workbook_name(i.path.name) for i in workbooks) and not any(is_archive(i.path) for i in items):
            others = [f"{i.relpath}（{i.reason or 'CSV 文本文件，不是 Excel 工作簿'}）" for i in items if i.kind != "register"]
            raise NothingToDo(f"收件文件夹 {inbox} 中没有任何工作簿（.xlsx/.xlsm/.xls），没有生成汇总工作簿。"
                              + ("其中只有：" + "；".join(others[:10]) + ("……" if len(others) > 10 else "")
                                 if others else "文件夹是空的。") + "请检查文件夹是否选对。")
        outcomes = read_all(workbooks, policy, jobs or default_jobs(), progress or Progress())
        sizes = {i.relpath: _size(i.path) for i in items}
        ledger_file = Path(ledger_path or master.parent / LEDGER_NAME)
        recorded, decision_notes = decisions.read_decisions(ledger_file.parent / decisions.DECISIONS_NAME)
        desk = Desk(recorded)
        ledger = Ledger.for_reading(ledger_file)
        try:
            status, received, currents, entries, whos = _settle(outcomes, ledger, register, policy, desk)
            history = ledger.history()
        except sqlite3.Error as exc:
            raise ledger_error(ledger.path, exc) from None
        finally:
            ledger.close()
    decisions.decide_rows(currents, desk)
    decisions.decide_tiers(currents, policy, desk)

    findings: list[Finding] = []
    for out in outcomes:
        if out.reason:
            entry = FileEntry(file=out.item.relpath, path=str(out.item.path), status=FILE_UNUSABLE,
                              reason=out.reason, sha256=out.sha256)
            findings.append(unusable_finding(entry))
        elif status[out.item.relpath][0] == MERGED:
            findings.extend(out.findings)
    bureau, groups, quota_lines = rules_bureau.run_all(currents, policy)
    findings += bureau
    groups, confirmed = decisions.decide_near(groups, desk, {CHANNEL_COUNTY, CHANNEL_CITY})
    for group in confirmed:
        found = rules_bureau.confirmed_duplicate(group, currents)
        findings += found
        for f in found:
            desk.links.setdefault((f.file, f.cell, f.rule), decisions.key_near(group.members[0].name,
                                                                               group.members[-1].name))
    decisions.annotate(findings, desk)

    counts, rejected = reconcile(outcomes, status)
    files = file_summaries(items, outcomes, status, received, counts, findings, policy, whos, sizes)
    summary = MergeSummary(
        policy_year=policy.year, document=policy.get("notice.document"), deadline=policy.deadline.isoformat(),
        inbox=inbox.name, files=files, rows_read=sum(c["read"] for c in counts.values()),
        rows_merged=sum(c["merged"] for c in counts.values()),
        rows_rejected=sum(c["rejected"] for c in counts.values()),
        findings=[f.to_dict() for f in findings], quotas=quota_lines, duplicates=groups, rejected=rejected,
        recommenders=recommender_status(policy, currents, files, history, findings),
    )
    from macros_py.merge.cards import fill_cards

    fill_cards(summary, currents, findings, policy)
    summary.notes = register_problems + decision_notes
    summary.questions = desk.all()
    by_rel = {o.item.relpath: o for o in outcomes}
    for rel, (state, reason) in status.items():
        out = by_rel[rel]
        if out.sha256 and entries[out.sha256].relpath == rel:
            e = entries[out.sha256]
            fs = next(f for f in files if f.name == rel)
            e.status, e.reason, e.recommender, e.channel = state, reason or None, fs.recommender, fs.channel
            e.layout, e.template_version = fs.layout, fs.template_version
            e.bases, e.studios, e.errors, e.warnings = fs.bases, fs.studios, fs.errors, fs.warnings
    return MergeRun(summary, currents, findings, ledger_file, list(entries.values()))


def commit_ledger(run: MergeRun, inbox: Path, master: Path, token: str | None = None,
                  before_commit: Callable[[], None] | None = None) -> None:
    """Record the run in one transaction, under the ledger's write lock (LedgerError if another
    program holds it past the busy timeout); `before_commit` runs inside, just before COMMIT."""
    s = run.summary
    new = not run.ledger_path.exists()
    try:
        with Ledger(run.ledger_path) as ledger, ledger.transaction():
            run_id = ledger.next_run_id()
            ledger.record_run(run_id, run.ledger_entries, str(inbox), str(master),
                              (s.rows_read, s.rows_merged, s.rows_rejected), token)
            ledger.record_decisions(run_id, s.questions)
            if before_commit:
                before_commit()
    except BaseException:
        if new:  # a ledger this run created and did not commit to: no ledger, as before the run
            run.ledger_path.unlink(missing_ok=True)
        raise
