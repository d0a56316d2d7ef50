"""人工裁定: what the tool cannot decide is asked once, the bureau decides once, every run applies it.

The questions: an unknown recommender, a base with no tier (档次未填), names that are alike but not
equal (B-DUP candidates), a late file, a row taken as 非项目行 or hidden, a later file of a recommender
that lacks projects of an earlier one (补充报送: a correction or a supplement?). Each has a key that is
stable across runs (built from names and file contents, never from a run's order):

    推荐单位:<name as written>          档次:<unit>                        相近:<name>|<name>
    逾期:<sha256[:12]> (the file)       行:<sha256[:12]>:<sheet>!<row>
    补充:<earlier sha256[:12]>><later sha256[:12]>:<bases|studios>

(Never the resolved recommender: deciding who sent a file must not change the keys of its other
questions.)

The bureau keeps its decisions in ONE workbook beside the ledger, 人工裁定.xlsx, with the columns
DECISION_COLUMNS (问题编号 is the key). The master lists every question of the run on its 人工裁定
sheet with the same columns, the 裁定 column empty and validated, so rows can be copied across. Every
run reads the workbook, applies each decision whose key it meets (and whose verdict is one of the
question's options), shows what was decided and why, and reports a decision that no longer matches
anything (status 未匹配) instead of dropping it. The ledger keeps every decision applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from macros_py.model.errors import UnusableFileError
from macros_py.model.normalize import norm_key
from macros_py.model.submission import REPLACED, ROWDUP
from macros_py.model.summary import Question

DECISIONS_NAME = "人工裁定.xlsx"
DECISION_COLUMNS = ("问题编号", "类别", "内容", "裁定", "理由", "裁定人", "日期")
OPEN, DECIDED, UNMATCHED = "待裁定", "已裁定", "未匹配"

# Kinds of question and their verdicts.
RECOMMENDER, TIER, NEAR, LATE = "推荐单位不明", "档次未填", "名称相近", "逾期报送"
AS_OUTSIDER, REFUSE = "名单外单位，照常汇总", "不予受理"
ACCEPT = "受理"
KEEP_UNTIERED = "维持档次未填"
SAME, DIFFERENT = "同一单位", "不同单位"
CONFIRM_SKIP, TAKE_ROW = "确认不汇总", "作为项目汇总"
SUPPLEMENT = "补充报送"                        # a later file of a recommender that lacks projects of an earlier one
AS_CORRECTION, AS_SUPPLEMENT = "更正：只收后报送的文件", "补充：两份都汇总"


@dataclass(frozen=True)
class Decision:
    key: str
    verdict: str
    reason: str
    by: str
    date: str
    what: str = ""
    place: str = ""             # where in the 人工裁定 workbook (工作表 第 n 行)


def key_recommender(written: str | None, sha256: str) -> str:
    return f"推荐单位:{norm_key(written)}" if written and norm_key(written) else f"推荐单位:（未填写）:{sha256[:12]}"


def key_tier(unit: str) -> str:
    return f"档次:{norm_key(unit)}"


def key_near(a: str, b: str) -> str:
    first, second = sorted((norm_key(a), norm_key(b)))
    return f"相近:{first}|{second}"


def key_late(sha256: str) -> str:
    return f"逾期:{sha256[:12]}"


def key_supplement(earlier: str, later: str, kind: str) -> str:
    return f"补充:{earlier[:12]}>{later[:12]}:{kind}"


def key_row(sha256: str, sheet: str, row: int) -> str:
    return f"行:{sha256[:12]}:{sheet}!{row}"


_MEND = ("请用 Excel 或 WPS 打开它检查并另存为 .xlsx；若它已无用，把它移走后重新汇总，程序会在台账旁新建一个空白的"
         "人工裁定工作簿。")


def read_decisions(path: Path) -> tuple[dict[str, Decision], list[str]]:
    """The decisions recorded in the 人工裁定 workbook (none when it does not exist), and Chinese notes
    on rows that cannot be used (no key, no verdict, a key twice)."""
    if not path.is_file():
        return {}, []
    from macros_py.read.decisions import read_decision_rows

    try:
        rows = read_decision_rows(path, DECISION_COLUMNS)
    except UnusableFileError as exc:
        # The reader's reasons end with advice to a submitter (…再报送): only the first sentence says what.
        what = str(exc).split("。", 1)[0]
        return {}, [f"人工裁定工作簿 {path} 无法读取（{what}），本次未应用任何裁定。{_MEND}"]
    except Exception as exc:  # noqa: BLE001 — a broken decisions file must not stop the merge
        return {}, [f"人工裁定工作簿 {path} 无法读取（{type(exc).__name__}），本次未应用任何裁定。{_MEND}"]
    out: dict[str, Decision] = {}
    notes = []
    key_col, verdict_col = DECISION_COLUMNS[0], DECISION_COLUMNS[3]
    for row in rows:
        place = f"{row['_sheet']} 第 {row['_row']} 行"
        key, verdict = row[key_col], row[verdict_col]
        if not verdict:
            continue  # a question copied across and not yet decided
        if not key:
            notes.append(f"人工裁定 {place}：没有问题编号，未应用。")
            continue
        if key in out:
            notes.append(f"人工裁定 {place}：问题编号“{key}”已在 {out[key].place} 裁定过，以先出现的为准。")
            continue
        out[key] = Decision(key, verdict, row["理由"], row["裁定人"], row["日期"], row["内容"], place)
    return out, notes


class Desk:
    """Where the merge asks its questions: each key is asked once per run; the answer is the recorded
    decision when its verdict is one of the options, else None (the question stays open)."""

    def __init__(self, decisions: dict[str, Decision]):
        self.decisions = decisions
        self.questions: dict[str, Question] = {}
        self.links: dict[tuple[str, str | None, str], str] = {}   # (file, cell, rule) -> key

    def ask(self, key: str, kind: str, what: str, options: list[str], *, file: str = "",
            where: str = "", rules: tuple[str, ...] = (), cell: str | None = None) -> str | None:
        """The bureau's verdict on question `key`, or None. `rules` at (file, cell) are the findings the
        decision is shown on."""
        for rule_id in rules:
            self.links.setdefault((file, cell, rule_id), key)
        q = self.questions.get(key)
        if q is None:
            q = self.questions[key] = Question(key, kind, what, list(options), file, where)
            d = self.decisions.get(key)
            if d is not None:
                q.verdict, q.reason, q.by, q.date = d.verdict, d.reason, d.by, d.date
                if d.verdict in q.options:
                    q.status = DECIDED
                else:
                    q.effect = f"裁定“{d.verdict}”不是可选项（{'、'.join(q.options)}），未应用。"
        return q.verdict if q.status == DECIDED else None

    def did(self, key: str, effect: str) -> None:
        q = self.questions.get(key)
        if q is not None and q.status == DECIDED and effect not in q.effect:
            q.effect = (q.effect + "；" if q.effect else "") + effect

    def all(self) -> list[Question]:
        """Every question of the run (open first, then decided), then every decision no question met."""
        asked = sorted(self.questions.values(), key=lambda q: (q.status != OPEN, q.kind, q.key))
        stale = [Question(d.key, "（未匹配）", d.what or d.key, [], status=UNMATCHED, verdict=d.verdict,
                          reason=d.reason, by=d.by, date=d.date,
                          effect=f"本次汇总中没有与之对应的问题（{d.place}）；该裁定未应用，请核实后删除或更正问题编号。")
                 for key, d in sorted(self.decisions.items()) if key not in self.questions]
        return asked + stale


def verdict_note(q: Question) -> str:
    """How a finding shows the decision made on it."""
    why = f"，理由：{q.reason}" if q.reason else ""
    by = f"（{q.by}{' ' + q.date if q.date else ''}）" if q.by or q.date else ""
    return f"【人工裁定：{q.verdict}{why}{by}】"


def annotate(findings, desk: Desk) -> None:
    """Each finding a decision settles says so in its message (the master, the report and the feedback
    files all show it)."""
    for f in findings:
        key = desk.links.get((f.file, f.cell, f.rule))
        q = desk.questions.get(key) if key else None
        if q is not None and q.status == DECIDED:
            f.message = f.message + verdict_note(q)


def decide_rows(currents, desk: Desk) -> None:
    """Rows the reader did not take as projects (非项目行, hidden, struck; read.printed's sub.skipped):
    one question each; 作为项目汇总 puts the row back among the projects."""
    for cur in currents:
        sub = cur.sub
        keep = []
        for sk in getattr(sub, "skipped", []):
            if getattr(sk, "kind", "") in (ROWDUP, REPLACED):   # a copy; a part a later file replaced
                keep.append(sk)
                continue
            record = getattr(sk, "record", None)
            options = [CONFIRM_SKIP, TAKE_ROW] if record is not None else [CONFIRM_SKIP]
            text = f"：{sk.text}" if getattr(sk, "text", "") else ""
            key = key_row(sub.sha256, sk.sheet, sk.row)
            verdict = desk.ask(key, sk.kind, f"{sk.sheet} 第 {sk.row} 行未作为项目汇总（{sk.reason}）{text}",
                               options, file=sub.name, where=f"{sk.sheet}!{sk.cell or sk.row}",
                               rules=("C-HIDDEN",), cell=sk.cell)
            if verdict == TAKE_ROW:
                rows = [*sub.sheets.get(sk.sheet_key, []), record]   # a new list: the sheet may be packed
                rows.sort(key=lambda r: (r.sheet, r.row))
                sub.sheets[sk.sheet_key] = rows
                desk.did(key, "已作为项目汇总")
                continue
            if verdict == CONFIRM_SKIP:
                desk.did(key, "确认不汇总")
            keep.append(sk)
        if hasattr(sub, "skipped"):
            sub.skipped = keep


def decide_tiers(currents, policy, desk: Desk) -> None:
    """A base whose tier is not given (档次未填): the bureau may give it; the quota view counts it then."""
    for cur in currents:
        for rec in cur.sub.rows("bases"):
            unit = rec.values.get("unit")
            if not isinstance(unit, str) or not unit.strip() or rec.values.get("tier") in policy.tiers:
                continue
            key = key_tier(unit)
            cell = rec.cells.get("tier") or rec.cells.get("unit")
            verdict = desk.ask(key, TIER, f"“{cur.recommender}”推荐的基地“{unit}”没有申报档次：按哪一档？",
                               [*policy.tiers, KEEP_UNTIERED], file=cur.sub.name, where=f"{rec.sheet}!{cell}",
                               rules=("B-REQ", "B-TIER"), cell=rec.cells.get("tier"))
            if verdict in policy.tiers:
                rec.values["tier"] = verdict
                desk.did(key, f"按 {verdict} 档汇总")
            elif verdict == KEEP_UNTIERED:
                desk.did(key, "维持档次未填")


def decide_near(groups, desk: Desk, cross_channel: set[str]) -> tuple[list, list]:
    """B-DUP candidates (名称相近): 同一单位 makes the group a duplicate (错误 across the two channels,
    else 警告); 不同单位 takes it off the list of duplicates. Returns (groups, the groups confirmed)."""
    out, confirmed = [], []
    for g in groups:
        if g.rule != "B-DUP" or "相近" not in g.basis:
            out.append(g)
            continue
        names = sorted({norm_key(m.name) for m in g.members})
        key = key_near(names[0], names[-1])
        who = "、".join(sorted({m.recommender for m in g.members}))
        verdict = desk.ask(key, NEAR, f"“{'”与“'.join(sorted({m.name for m in g.members}))}”（{who}推荐）名称相近：是否同一单位？",
                           [SAME, DIFFERENT], file=g.members[0].file,
                           where=f"{g.members[0].sheet}!{g.members[0].cell}")
        if verdict == DIFFERENT:
            desk.did(key, "不作为重复申报")
            continue
        if verdict == SAME:
            channels = {m.channel for m in g.members}
            g.severity = "错误" if cross_channel <= channels else "警告"
            g.basis = "名称相近，人工裁定为同一单位"
            desk.did(key, "作为重复申报（" + g.severity + "）")
            confirmed.append(g)
        out.append(g)
    return out, confirmed
