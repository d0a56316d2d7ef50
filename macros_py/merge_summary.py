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

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1, sort_keys=False)

    @classmethod
    def from_dict(cls, data: dict) -> MergeSummary:
        kinds = {"files": FileSummary, "recommenders": RecommenderStatus, "quotas": QuotaLine,
                 "bases": BaseCard, "studios": StudioCard}
        values = dict(data)
        for key, kind in kinds.items():
            values[key] = [kind(**item) for item in data.get(key, [])]
        values["duplicates"] = [DuplicateGroup(**{**g, "members": [DuplicateMember(**m) for m in g["members"]]})
                                for g in data.get("duplicates", [])]
        return cls(**values)


SUMMARY_SHEET = "汇总数据"   # hidden sheet of the master that carries the summary as JSON text
_CHUNK = 30000                # under Excel's 32,767 characters per cell


def store_summary(book, summary: MergeSummary) -> None:
    """Put the summary into a hidden sheet of a write-once workbook (xlsx_book.Book), as JSON text."""
    ws = book.sheet(SUMMARY_SHEET, hidden=True)
    text = json.dumps(summary.to_dict(), ensure_ascii=False, separators=(",", ":"))
    for i in range(0, len(text), _CHUNK):
        book.write(ws, i // _CHUNK, 0, text[i:i + _CHUNK])


def load_summary(path) -> MergeSummary:
    """The summary a master workbook carries (raises ShenbaoError with a Chinese reason if none)."""
    from python_calamine import CalamineWorkbook

    from .errors import ShenbaoError

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for every kind of unreadable file
        raise ShenbaoError(f"无法打开汇总工作簿 {path}：{exc}") from None
    if SUMMARY_SHEET not in wb.sheet_names:
        raise ShenbaoError(f"{path} 不是 shenbao merge 生成的汇总工作簿（缺少隐藏的“{SUMMARY_SHEET}”工作表）。")
    rows = wb.get_sheet_by_name(SUMMARY_SHEET).to_python()
    text = "".join(str(r[0]) for r in rows if r and r[0] not in (None, ""))
    try:
        return MergeSummary.from_dict(json.loads(text))
    except (ValueError, TypeError) as exc:
        raise ShenbaoError(f"{path} 中的汇总数据已损坏：{exc}") from None
