"""The merge's result as plain data: what every renderer of a merge reads.

The master workbook, the console reconciliation, --summary-json, the feedback files and the HTML
report all render one MergeSummary; none of them goes back to the submitted files. The summary is
also stored inside the master (a hidden sheet), so `shenbao report MASTER.xlsx` renders the same
report later without reading the inbox again.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

_FIELDS: dict[type, tuple[str, ...]] = {}
_LEAF = (str, int, float, bool, type(None))


def _plain(value):
    """Dataclasses, lists and dicts to plain JSON-ready data (new containers; leaves shared)."""
    kind = type(value)
    if kind in _LEAF:
        return value
    if kind is list or kind is tuple:
        return [v if type(v) in _LEAF else _plain(v) for v in value]
    if kind is dict:
        return {k: v if type(v) in _LEAF else _plain(v) for k, v in value.items()}
    names = _FIELDS.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(value):
            return value
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
    return {n: _plain(getattr(value, n)) for n in names}


@dataclass
class FileSummary:
    name: str                    # path relative to the inbox
    sha256: str
    size: int
    received: str                # ISO date-time
    status: str                  # 已汇总 / 已被替代 / 重复文件 / 无法使用 / 已跳过
    reason: str = ""
    recommender: str | None = None
    channel: str | None = None
    layout: str | None = None
    template_version: str | None = None
    late: bool = False
    bases: int = 0
    studios: int = 0
    rows_read: int = 0
    rows_merged: int = 0
    rows_rejected: int = 0
    errors: int = 0
    warnings: int = 0


@dataclass
class RecommenderStatus:
    name: str
    channel: str
    expected: bool
    received: bool
    when: str | None = None
    file: str | None = None
    late: bool = False
    bases: int = 0
    studios: int = 0
    errors: int = 0
    warnings: int = 0
    status: str = ""
    history: list[str] = field(default_factory=list)   # earlier files, newest first: "name（received）"


@dataclass
class QuotaLine:
    kind: str                    # "A档基地" ... or "技能大师工作室"
    places: int
    applications: int

    @property
    def ratio(self) -> float | None:
        return self.applications / self.places if self.places else None


@dataclass
class DuplicateMember:
    recommender: str
    channel: str
    name: str                    # the unit (or master) as written
    file: str
    sheet: str
    cell: str
    code: str | None = None      # credit code or masked ID number


@dataclass
class DuplicateGroup:
    rule: str                    # B-DUP / S-DUP
    severity: str
    basis: str                   # 名称相同 / 信用代码相同 / 身份证号相同 / 名称相近（请人工判断）
    key: str
    members: list[DuplicateMember]


@dataclass
class BaseCard:
    unit: str
    recommender: str
    channel: str
    county: str | None
    attribute: str | None
    majors: list[str]
    tier: str | None
    supported_tier: str | None
    ratio: float | None
    senior_share: float | None
    coop: float | None
    funding: dict[str, float]    # source → amount (万元)
    shares: dict[str, float]     # source → % of the total
    total: float
    worst: str | None            # worst severity among the row's findings
    file: str
    cell: str
    rows: list[list] = field(default_factory=list)   # [sheet, row] of every row of the project (its
                                                     # 附件7 row, 基地条件, 表4-2, 专业预算 rows)


@dataclass
class StudioCard:
    leader: str
    unit: str
    recommender: str
    channel: str
    occupation: str | None
    level: str | None
    honours: str | None
    size: str | None
    worst: str | None
    file: str
    cell: str
    category: str | None = None      # 类别 (绝技绝活, 创新创优, …)
    rows: list[list] = field(default_factory=list)   # [sheet, row] of its 附件8 and 大师信息 rows


@dataclass
class Question:
    """One thing the tool cannot decide, for the bureau to decide once (人工裁定), and what became of it.

    `key` is stable across runs (built from names and file contents, never from the order of a run),
    so a decision recorded against it applies to every later run."""

    key: str                     # 推荐单位:… / 档次:… / 相近:… / 逾期:… / 行:…
    kind: str                    # 推荐单位不明 / 档次未填 / 名称相近 / 逾期报送 / 非项目行 / 隐藏行 …
    what: str                    # Chinese: the question, with what was found
    options: list[str]           # the verdicts the 裁定 column accepts
    file: str = ""               # the file (relative to the inbox) it is about, if one
    where: str = ""              # 工作表!单元格, if one
    status: str = "待裁定"        # 待裁定 / 已裁定 / 未匹配（裁定不再对应任何问题）
    verdict: str = ""
    reason: str = ""
    by: str = ""
    date: str = ""
    effect: str = ""             # Chinese: what the decision did in this run


@dataclass
class MergeSummary:
    policy_year: int
    document: str
    deadline: str
    inbox: str
    files: list[FileSummary]
    rows_read: int
    rows_merged: int
    rows_rejected: int
    findings: list[dict]         # Finding.to_dict() of every finding, files' and bureau's
    recommenders: list[RecommenderStatus] = field(default_factory=list)
    quotas: list[QuotaLine] = field(default_factory=list)
    duplicates: list[DuplicateGroup] = field(default_factory=list)
    bases: list[BaseCard] = field(default_factory=list)
    studios: list[StudioCard] = field(default_factory=list)
    funding_by_source: dict[str, float] = field(default_factory=dict)
    rejected: list[dict] = field(default_factory=list)   # {file, sheet, row, reason} per rejected row
    notes: list[str] = field(default_factory=list)       # problems with the inbox itself (receipt register)
    questions: list[Question] = field(default_factory=list)   # 人工裁定: open, decided and unmatched

    def to_dict(self) -> dict:
        """As dataclasses.asdict, without its deep copies (a quarter of a big merge's run went there)."""
        return _plain(self)

    def to_json(self) -> str:
        return "".join(self.json_chunks(indent=1))

    def json_chunks(self, indent: int | None = None):
        """json.dumps(mask_data(self.to_dict()), ensure_ascii=False, indent=indent) — compact
        (separators "," and ":") when indent is None — as pieces of text, made one list element at a
        time: a merge of thousands of files never holds the whole summary as plain data, nor its text."""
        from macros_py.model.privacy import mask_data

        def dumps(value, level: int) -> str:
            if indent is None:
                return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            return json.dumps(value, ensure_ascii=False, indent=indent).replace("\n", "\n" + " " * (indent * level))

        def newline(level: int) -> str:
            return "" if indent is None else "\n" + " " * (indent * level)

        names = _FIELDS.get(MergeSummary) or tuple(f.name for f in dataclasses.fields(self))
        yield "{"
        for n, name in enumerate(names):
            yield ("," if n else "") + newline(1) + json.dumps(name, ensure_ascii=False) + (":" if indent is None else ": ")
            value = getattr(self, name)
            if not isinstance(value, list) or not value:
                yield dumps(mask_data(_plain(value)), 1)
                continue
            yield "["
            for i, item in enumerate(value):
                yield ("," if i else "") + newline(2) + dumps(mask_data(_plain(item)), 2)
            yield newline(1) + "]"
        yield newline(0) + "}"

    @classmethod
    def from_dict(cls, data: dict) -> MergeSummary:
        kinds = {"files": FileSummary, "recommenders": RecommenderStatus, "quotas": QuotaLine,
                 "bases": BaseCard, "studios": StudioCard, "questions": Question}
        values = dict(data)
        for key, kind in kinds.items():
            values[key] = [kind(**item) for item in data.get(key, [])]
        values["duplicates"] = [DuplicateGroup(**{**g, "members": [DuplicateMember(**m) for m in g["members"]]})
                                for g in data.get("duplicates", [])]
        return cls(**values)


SUMMARY_SHEET = "汇总数据"   # hidden sheet of the master that carries the summary as JSON text
CHUNK = 30000                 # under Excel's 32,767 characters per cell
