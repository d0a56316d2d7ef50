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
        from macros_py.model.privacy import mask_data

        return json.dumps(mask_data(self.to_dict()), ensure_ascii=False, indent=1, sort_keys=False)

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
CHUNK = 30000                 # under Excel's 32,767 characters per cell
