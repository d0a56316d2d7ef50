"""The one declarative description of every sheet and column of the county workbook.

The template writer, the readers, the rules, the master workbook and the reports all read this;
no other module lists columns. The schema only declares: it holds no reading, writing or checking
logic (STYLE 1).

Formulas and conditional-format conditions are Excel text with placeholders in square brackets
(Excel's own braces are array constants, so they cannot serve):
  [key]            the cell of column `key` in the same row of this sheet, e.g. D4
  [sheet.key]      the whole data range of a column on another sheet, e.g. '附件7 基地汇总'!$B$4:$B$53
  [lists.name]     the range of a closed list on the hidden 下拉列表 sheet
  [P:dotted.key]   a number from the policy file
  [in_use]         TRUE when any input cell of the row is filled
  [recommender]    the 推荐单位 cell on 填报说明
  [header_row]     the sheet's header row number
  [block_head:key] (funding blocks) the cell of `key` in the block's 合计 row
  [block_rows:key] (funding blocks) the cells of `key` in the block's content rows, e.g. D6:D8
  #                (funding blocks) inside a placeholder: the row's content index (0, 1, 2)
  [name]           a named expression of expressions(policy), itself made of placeholders
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from macros_py.model.findings import ERROR, INFO, WARNING
from macros_py.policy.load import Policy
from macros_py.policy.schema_formulas import (
    MAJOR_SEPARATORS,
    REQ,
    email_bad,
    expressions,
    idcard_bad,
    lookup,
    mobile_bad,
    phone_bad,
    postcode_bad,
    uscc_bad,
)

__all__ = ["MAJOR_SEPARATORS", "expressions"]  # formula_text and compute take them from here

TEMPLATE_VERSION = "2025.1"

# Column kinds. Input kinds carry data validation; FORMULA columns are computed and locked.
# LABEL columns hold fixed text the writer puts there (the funding blocks' row labels).
TEXT, INT, NUMBER, PERCENT, DATE, MONTH, CHOICE, FORMULA, LABEL = (
    "text", "int", "number", "percent", "date", "month", "choice", "formula", "label")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    aliases: tuple[str, ...] = ()       # other header texts seen in the notice's printed forms
    required: bool = False
    choices: str | None = None          # name of a list in policy [lists]
    strict: bool = True                 # False: a value outside `choices` is allowed after a warning
    minimum: float | None = None
    maximum: float | None = None
    length: int | None = None           # exact text length (ID numbers, credit codes, phones)
    width: float = 14
    number_format: str | None = None
    formula: str | None = None
    head_formula: str | None = None     # funding blocks: formula of the 合计 row, when it differs
    head_input: bool = False            # funding blocks: typed on the 合计 row, copied below
    prompt: str = ""                    # the input message Excel shows on the cell
    printed: bool = False               # the column is in the notice's printed 附件7/附件8
    printed_header: str | None = None   # the header as the notice prints it, where it breaks lines
    printed_example: str | None = None  # the guidance the notice prints in the first row (not data)
    printed_width: float | None = None  # the column's width on the printed form, where narrower than `width`
    rules: tuple[str, ...] = ()         # rule IDs that check this column
    masked: bool = False                # ID numbers: masked outside the one sheet that needs them

    @property
    def is_input(self) -> bool:
        return self.kind not in (FORMULA, LABEL)


@dataclass(frozen=True)
class Check:
    """One county-side rule as Excel can show it without the add-in: a conditional format.

    `condition` is TRUE where the rule is broken, written for the first data row.
    """

    rule: str
    severity: str
    columns: tuple[str, ...]
    condition: str


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str                          # the worksheet's name (≤ 31 characters)
    table: str                          # the Excel Table's name
    caption: str                        # the title row
    columns: tuple[Column, ...]
    capacity: int                       # data rows pre-sized in the table
    entity: str                         # "base" or "studio": what a row belongs to
    row_key: tuple[str, ...]            # the columns that identify a row (C-ROWDUP)
    link: str | None = None             # the column that names its base/studio (from 附件7/附件8)
    note: str = ""                      # the line under the title
    landscape: bool = True
    header_row: int = 3
    block: tuple[str, ...] = ()         # funding: the row labels of one base's block
    block_label: str | None = None      # funding: the column holding the block's row labels
    printed_label: str | None = None    # 附件7 / 附件8: the label printed above the form
    printed_title: str | None = None    # the title the notice prints
    form_title: str | None = None       # the worksheet that prints this table as the notice's form
    printed_lines: int = 2              # the blank form's rows: lines of text each has room for
    form_rows: int = 0                  # numbered rows per printed page (K; write.forms.page_rows checks they fit)
    checks: tuple[Check, ...] = ()

    @property
    def first_row(self) -> int:
        return self.header_row + 1

    @property
    def last_row(self) -> int:
        return self.header_row + self.capacity

    @property
    def form_titles(self) -> tuple[str, ...]:
        """The worksheets that print this table as the notice's form, one page each: the form with rows
        1…K, then its continuations (续, 续2, …) with K rows each, up to the capacity; none when there
        is no form."""
        if not self.form_title:
            return ()
        more = -(-(self.capacity - self.form_rows) // self.form_rows)
        return (self.form_title, *(f"{self.form_title}（续{'' if i == 1 else i}）" for i in range(1, more + 1)))

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(f"{self.key}.{key}")

    def keys(self) -> list[str]:
        return [c.key for c in self.columns]


@dataclass(frozen=True)
class Schema:
    sheets: tuple[Sheet, ...]
    guide_title: str = "填报说明"
    recommender_cell: str = "C3"         # on the guide sheet
    lists_title: str = "下拉列表"
    meta_title: str = "模板信息"
    version: str = TEMPLATE_VERSION
    extra: dict = field(default_factory=dict)

    def sheet(self, key: str) -> Sheet:
        for s in self.sheets:
            if s.key == key:
                return s
        raise KeyError(key)

    @property
    def form_titles(self) -> frozenset[str]:
        """Every print form's sheet title (附件7 打印, its 续 sheet, …): rows shown again by formula."""
        return frozenset(t for s in self.sheets for t in s.form_titles)


def _contact_checks() -> tuple[Check, ...]:
    return (
        Check("C-USCC", ERROR, ("uscc",), uscc_bad("[uscc]")),
        Check("C-PHONE", WARNING, ("mobile",), mobile_bad("[mobile]")),
        Check("C-PHONE", WARNING, ("phone",), phone_bad("[phone]")),
        Check("C-EMAIL", WARNING, ("email",), email_bad("[email]")),
        Check("C-POSTCODE", WARNING, ("postcode",), postcode_bad("[postcode]")),
    )


def _contact_columns() -> tuple[Column, ...]:
    return (
        Column("contact", "联系人", width=10),
        Column("mobile", "手机", length=11, width=14, prompt="11 位手机号码", rules=("C-PHONE",)),
        Column("phone", "办公电话", width=14, prompt="固定电话，可带区号 0352", rules=("C-PHONE",)),
        Column("email", "电子邮箱", width=22, prompt="如 name@example.com", rules=("C-EMAIL",)),
        Column("postcode", "邮政编码", length=6, width=10, prompt="6 位数字，大同为 037xxx", rules=("C-POSTCODE",)),
    )


def _uscc_column() -> Column:
    return Column("uscc", "统一社会信用代码", length=18, width=22,
                  prompt="18 位统一社会信用代码（如有）", rules=("C-USCC",))


# ---------------------------------------------------------------- the sheets

def _bases() -> Sheet:
    cols = (
        Column("seq", "编号", FORMULA, aliases=("序号",), width=6, printed_width=5, printed=True,
               formula='=IF([unit]="","",ROW()-[header_row])'),
        Column("unit", "项目单位", required=True, width=28, printed_width=24, printed=True, rules=("B-REQ", "C-ROWDUP", "B-DUP"),
               aliases=("项目单位名称", "单位名称", "申报单位", "申报单位名称", "基地名称", "培训基地名称", "单位全称"), prompt="项目单位公章全称；每个基地一行，不要重复"),
        Column("attribute", "属性", CHOICE, choices="base_attributes", required=True, width=12, printed_width=10, printed=True,
               aliases=("单位属性", "基地属性"), rules=("B-REQ", "B-ATTR"), prompt="从下拉列表选择属性：{base_attributes}"),
        Column("address", "项目所在地址", required=True, width=30, printed_width=26, printed=True, rules=("B-REQ",),
               aliases=("项目单位地址", "地址", "项目地址", "项目所在地", "所在地址", "详细地址"), prompt="项目所在的详细地址"),
        Column("recommender", "推荐单位", FORMULA, required=True, width=22, printed_width=20, printed=True, rules=("B-REQ",),
               formula='=IF([unit]="","",[recommender]&"")'),
        Column("majors", "申报专业", required=True, width=30, printed_width=28, printed=True, rules=("B-REQ", "B-MAJORS"),
               aliases=("申报专业（职业）", "特色专业", "特色专业（职业）", "特色专业名称", "申报专业名称", "拟申报专业"),
               prompt="{majors_min}–{majors_max} 个特色专业（职业），用顿号“、”分隔"),
        Column("tier", "申报档次", CHOICE, choices="tiers", required=True, width=10,
               rules=("B-REQ", "B-TIER"), aliases=("档次",),
               prompt="从下拉列表选择档次。补助：{subsidy}；年培训规模 {min_training} 人次，高级工证书 {min_certs} 人次"),
        _uscc_column(),
        *_contact_columns(),
        Column("note", "备注", width=16, printed_width=12, printed=True),
    )
    checks = (
        *(Check("B-REQ", ERROR, (k,), REQ.format(c=f"[{k}]"))
          for k in ("unit", "attribute", "address", "recommender", "majors", "tier")),
        Check("B-ATTR", ERROR, ("attribute",),
              '=AND(LEN([attribute])>0,ISNA(MATCH([attribute],[lists.base_attributes],0)))'),
        Check("B-TIER", ERROR, ("tier",), '=AND(LEN([tier])>0,ISNA(MATCH([tier],[lists.tiers],0)))'),
        Check("B-MAJORS", WARNING, ("majors",),
              '=AND(LEN(TRIM([majors]))>0,OR([majors_count]<[P:base_conditions.majors_min],'
              '[majors_count]>[P:base_conditions.majors_max]))'),
        Check("C-ROWDUP", ERROR, ("unit",), '=AND(LEN([unit])>0,COUNTIF([bases.unit],[unit])>1)'),
        *_contact_checks(),
    )
    return Sheet("bases", "附件7 基地汇总", "基地汇总表", "市级高技能人才培训基地项目申报汇总表", cols,
                 capacity=50, entity="base", row_key=("unit",), link="unit",
                 note="每行一个基地。推荐单位取自“填报说明”；多个专业用顿号分隔。",
                 printed_label="附件7", printed_title="市级高技能人才培训基地项目申报汇总表", form_title="附件7 打印",
                 form_rows=12, checks=checks)


def _conditions() -> Sheet:
    count = dict(kind=INT, minimum=0, maximum=100000, width=12)
    cols = (
        Column("unit", "项目单位", CHOICE, choices="@bases.unit", required=True, width=28,
               rules=("B-REQ", "C-ROWDUP"), prompt="从附件7 已填的项目单位中选择"),
        Column("attribute", "属性", FORMULA, width=12, formula=lookup("bases", "attribute")),
        Column("tier", "申报档次", FORMULA, width=8, formula=lookup("bases", "tier")),
        Column("training", "年培训规模（人次）", rules=("B-SCALE", "B-TIER-FIT"),
               prompt="每年培训人次（整数）。所报档次须达到：{min_training}", **count),
        Column("certs", "年取得高级工证书人次", rules=("B-CERT", "B-TIER-FIT"),
               prompt="经培训后年度内取得高级工证书的人次（整数）。所报档次须达到：{min_certs}", **count),
        Column("teachers", "专兼职教师数", rules=("B-RATIO",),
               prompt="专兼职教师人数（整数）。师生比（在训学员数÷教师数）须在 1:{ratio_min}–1:{ratio_max}", **count),
        Column("trainees", "在训学员数", rules=("B-RATIO",),
               prompt="在训学员人数（整数）。师生比（在训学员数÷教师数）须在 1:{ratio_min}–1:{ratio_max}", **count),
        Column("practical_teachers", "实训教师总数", rules=("B-SENIOR",),
               prompt="实训教师总人数（整数）。其中高级实习指导教师和技师须占 {senior_min}% 以上", **count),
        Column("senior_teachers", "高级实习指导教师及技师人数", rules=("B-SENIOR",),
               prompt="高级实习指导教师和技师人数（整数），须占实训教师总数的 {senior_min}% 以上", **count),
        Column("coop", "大中型合作企业数", rules=("B-COOP",),
               prompt="建立稳定校企合作的大、中型企业家数（整数），须 {coop_min} 家以上", **count),
        Column("edu_fund_share", "职工教育经费用于高技能人才培养比例（%）", PERCENT, minimum=0, maximum=100,
               width=14, number_format="0.0", rules=("B-EDUFUND",),
               prompt="属性为{enterprise_attributes}的须填写（%，只填数字），不低于 {edu_min}"),
        Column("no_penalty", "近3年无刑事行政处罚和失信惩戒", CHOICE, choices="yes_no", width=12,
               rules=("B-PENALTY",), prompt="近 {penalty_years} 年未受刑事行政处罚和失信联合惩戒的选“是”；选“否”的不能申报"),
        Column("already", "已获国家级或省级基地", CHOICE, choices="yes_no", width=12, rules=("B-ALREADY",),
               prompt="已获评国家级或省级高技能人才培训基地的选“是”（不再申报市级）；否则选“否”"),
        Column("ratio", "师生比", FORMULA, width=10, number_format='"1:"0.0', rules=("B-RATIO",),
               prompt="师生比 = 在训学员数 ÷ 专兼职教师数，须在 1:{ratio_min}–1:{ratio_max}",
               formula='=IF(OR([teachers]="",[trainees]=""),"",IF(N([teachers])=0,"",[trainees]/[teachers]))'),
        Column("senior_share", "高级教师占比（%）", FORMULA, width=10, number_format="0.0", rules=("B-SENIOR",),
               prompt="高级实习指导教师和技师占实训教师总数的比例，须在 {senior_min}% 以上",
               formula='=IF(OR([practical_teachers]="",[senior_teachers]=""),"",'
                       'IF(N([practical_teachers])=0,"",[senior_teachers]/[practical_teachers]*100))'),
        Column("supported_tier", "数据支持的最高档次", FORMULA, width=10, rules=("B-TIER-FIT",),
               prompt="年培训规模和高级工证书人次都达到的最高档次（{min_training} 人次；证书 {min_certs}），不得低于申报档次",
               formula='=IF(OR([training]="",[certs]=""),"",[tier_ladder])'),
        Column("verdict", "条件是否满足", FORMULA, width=30, formula="=[verdict]",
               prompt="“满足”，或列出未满足的条件（档次、师生比、高级教师占比、合作企业数等）"),
    )
    checks = (
        Check("B-REQ", ERROR, ("unit",), '=AND([in_use],LEN([unit])=0)'),
        Check("B-SCALE", ERROR, ("training",),
              '=AND(LEN([unit])>0,OR(LEN([training])=0,[tier_min_training]>N([training])))'),
        Check("B-CERT", ERROR, ("certs",),
              '=AND(LEN([unit])>0,OR(LEN([certs])=0,[tier_min_certs]>N([certs])))'),
        Check("B-TIER-FIT", ERROR, ("tier", "supported_tier"),
              '=AND(LEN([tier])>0,LEN([supported_tier])>0,OR([supported_tier]="不达标",'
              'IFERROR(FIND([tier],[tier_order])<FIND([supported_tier],[tier_order]),FALSE)))'),
        Check("B-TIER-FIT", INFO, ("tier", "supported_tier"),
              '=AND(LEN([tier])>0,LEN([supported_tier])=1,'
              'IFERROR(FIND([tier],[tier_order])>FIND([supported_tier],[tier_order]),FALSE))'),
        Check("B-RATIO", ERROR, ("ratio",),
              '=AND(LEN([unit])>0,OR(LEN([ratio])=0,N([ratio])>[P:base_conditions.ratio_max_trainees_per_teacher]))'),
        Check("B-RATIO", INFO, ("ratio",),
              '=AND(LEN([ratio])>0,N([ratio])<[P:base_conditions.ratio_min_trainees_per_teacher])'),
        Check("B-SENIOR", ERROR, ("senior_share",),
              '=AND(LEN([unit])>0,OR(LEN([senior_share])=0,N([senior_share])<[P:base_conditions.senior_teacher_share_min]))'),
        Check("B-COOP", ERROR, ("coop",),
              '=AND(LEN([unit])>0,OR(LEN([coop])=0,N([coop])<[P:base_conditions.coop_enterprises_min]))'),
        Check("B-EDUFUND", ERROR, ("edu_fund_share",),
              '=AND([enterprise_base],OR(LEN([edu_fund_share])=0,N([edu_fund_share])<[P:base_conditions.edu_fund_share_min]))'),
        Check("B-PENALTY", ERROR, ("no_penalty",), '=AND(LEN([unit])>0,[no_penalty]<>"是")'),
        Check("B-ALREADY", ERROR, ("already",), '=AND(LEN([unit])>0,[already]<>"否")'),
        Check("C-ROWDUP", ERROR, ("unit",), '=AND(LEN([unit])>0,COUNTIF([conditions.unit],[unit])>1)'),
    )
    return Sheet("conditions", "基地条件", "基地条件表", "培训基地申报条件（附件1（一））", cols,
                 capacity=50, entity="base", row_key=("unit",), link="unit",
                 note="每个基地一行：从下拉框选择项目单位，填写各项人数；灰色列为自动计算。",
                 checks=checks)


def _funding(policy: Policy) -> Sheet:
    sources = policy.funding["sources"]
    cols: list[Column] = [
        # &"": a reference to the empty 合计-row cell would show 0 in every unused block.
        Column("unit", "项目单位", CHOICE, choices="@bases.unit", required=True, width=26, head_input=True,
               formula='=[block_head:unit]&""', rules=("B-REQ", "C-ROWDUP"),
               prompt="在每个基地的“合计”行选择项目单位，下面三行自动带出"),
        Column("tier", "申报档次", FORMULA, width=8, formula=lookup("bases", "tier")),
        Column("content", "内容", LABEL, width=26, aliases=("项目内容",)),
    ]
    for i, source in enumerate(sources):
        cols.append(Column(f"amount{i}", f"{source}金额（万元）", NUMBER, minimum=0, maximum=100000, width=12,
                           number_format="0.00", rules=("B-SUMS", "B-SUBSIDY") if i == 0 else ("B-SUMS",),
                           head_formula=f"=SUM([block_rows:amount{i}])",
                           prompt=(f"本行{source}金额（万元，只填数字）。" + (
                               "三行之和（合计行）须等于所报档次的补助：{subsidy}" if i == 0 else "合计和比例自动计算"))))
        cols.append(Column(f"share{i}", f"{source}比例（%）", FORMULA, width=9, number_format="0.00",
                           rules=("B-SHARES",),
                           formula=f'=IF(N([total])=0,"",N([amount{i}])/[total]*100)'))
    amounts = ",".join(f"[amount{i}]" for i in range(len(sources)))
    cols.append(Column("total", "合计（万元）", FORMULA, width=12, number_format="0.00", rules=("B-SUMS",),
                       aliases=("合计金额（万元）",), formula=f"=SUM({amounts})"))
    cols.append(Column("major_sum", "专业预算合计（万元）", FORMULA, width=12, number_format="0.00",
                       rules=("B-MAJOR-BUDGET",),
                       formula='=IF([unit]="","",SUMIFS([majors.content#],[majors.unit],[unit]))',
                       head_formula='=IF([unit]="","",SUMIF([majors.unit],[unit],[majors.total]))'))
    tol = "[P:funding.tolerance]"
    checks = (
        Check("B-REQ", ERROR, ("unit",), '=AND([in_use],LEN([block_head:unit])=0)'),
        Check("B-SUBSIDY", ERROR, ("amount0",),
              f'=AND([is_head],LEN([tier])>0,ABS(N([amount0])-[tier_subsidy])>{tol})'),
        Check("B-MAJOR-BUDGET", WARNING, ("major_sum",),
              f'=AND(LEN([unit])>0,NOT([is_head]),ABS(N([major_sum])-N([total]))>{tol})'),
        Check("C-ROWDUP", ERROR, ("unit",),
              '=AND([is_head],LEN([unit])>0,COUNTIFS([funding.unit],[unit],[funding.content],"合计")>1)'),
    )
    return Sheet("funding", "经费预算", "经费预算表", "表4-2 投入预算汇总（单位：万元）", tuple(cols),
                 capacity=20 * (1 + len(policy.funding["contents"])), entity="base", row_key=("unit",),
                 link="unit", header_row=4,
                 note="每个基地一组 4 行：在“合计”行选择项目单位，在下面三行填写各来源金额；合计和比例自动计算。",
                 block=("合计", *policy.funding["contents"]), block_label="content",
                 printed_label="表4-2", printed_title="投入预算汇总", checks=checks)


def _majors(policy: Policy) -> Sheet:
    contents = policy.funding["contents"]
    cols = [
        Column("unit", "项目单位", CHOICE, choices="@bases.unit", required=True, width=26,
               rules=("B-REQ", "C-ROWDUP"), prompt="从附件7 已填的项目单位中选择"),
        Column("major", "专业（职业）", required=True, width=20, rules=("B-REQ", "C-ROWDUP", "B-MAJOR-BUDGET"),
               aliases=("专业", "专业名称", "申报专业"), prompt="本基地在附件7“申报专业”中填写的一个专业（职业）"),
        Column("leader", "项目负责人", width=10),
    ]
    cols += [Column(f"content{i}", f"{c}（万元）", NUMBER, minimum=0, maximum=100000, width=16,
                    number_format="0.00", rules=("B-MAJOR-BUDGET",),
                    prompt=f"本专业用于“{c}”的预算（万元，只填数字）。各专业之和应等于经费预算中该内容的合计")
             for i, c in enumerate(contents)]
    cols.append(Column("total", "合计（万元）", FORMULA, width=12, number_format="0.00",
                       formula="=SUM(" + ",".join(f"[content{i}]" for i in range(len(contents))) + ")"))
    checks = (
        Check("B-REQ", ERROR, ("unit", "major"), '=AND([in_use],OR(LEN([unit])=0,LEN([major])=0))'),
        Check("C-ROWDUP", ERROR, ("major",),
              '=AND(LEN([major])>0,COUNTIFS([majors.unit],[unit],[majors.major],[major])>1)'),
    )
    return Sheet("majors", "专业预算", "专业预算表", "表3-n-1 专业（职业）预算安排（单位：万元）", tuple(cols),
                 capacity=60, entity="base", row_key=("unit", "major"), link="unit",
                 note="每个基地的每个特色专业一行；三项内容的合计应等于经费预算表中对应内容的金额。",
                 checks=checks)


def _studios() -> Sheet:
    cols = (
        Column("seq", "序号", FORMULA, aliases=("编号",), width=6, printed_width=5, printed=True,
               formula='=IF([leader]="","",ROW()-[header_row])'),
        Column("recommender", "推荐单位", FORMULA, required=True, width=18, printed_width=11, printed=True, rules=("S-REQ",),
               aliases=("推荐单位（可写简称）",), printed_example="可写简称", formula='=IF([leader]="","",[recommender]&"")'),
        Column("leader", "领办人", required=True, width=10, printed_width=7, printed=True, rules=("S-REQ", "S-DUP", "C-ROWDUP"),
               aliases=("技能大师姓名", "领办人姓名", "大师姓名", "技能大师", "工作室领办人", "领办人（技能大师）姓名"),
               prompt="领办工作室的技能大师姓名；每个工作室一行"),
        Column("unit", "申报单位", required=True, width=26, printed_width=15, printed=True, rules=("S-REQ",),
               aliases=("申报单位名称", "申报单位公章全称", "依托单位", "依托单位名称", "工作室依托单位"), prompt="申报单位公章全称",
               printed_example="申报单位公章全称"),
        Column("nature", "单位性质", CHOICE, printed_header="单位\n性质", choices="unit_natures", strict=False, required=True, width=14, printed_width=8,
               printed=True, rules=("S-REQ", "S-EDUFUND"),
               prompt="从下拉列表选择单位性质，名单以外的可直接输入。{enterprise_natures}按依托企业核对职工教育经费"),
        Column("address", "项目所在地址", required=True, width=26, printed_width=14, printed=True, rules=("S-REQ",),
               aliases=("通信地址", "地址")),
        Column("category", "类别", CHOICE, choices="studio_categories", strict=False, width=10, printed_width=7, printed=True,
               prompt="技能大师所具备的条件：{studio_categories}"),
        Column("occupation", "工作室职业（工种）", required=True, printed_header="工作室职业\n（工种）", width=16, printed_width=11, printed=True, rules=("S-REQ",),
               aliases=("职业（工种）", "工作室职业")),
        Column("level", "职业技能等级", CHOICE, choices="skill_levels", required=True, printed_header="职业\n技能等级", width=12, printed_width=8, printed=True,
               rules=("S-REQ", "S-LEVEL"), aliases=("领办人职业技能等级", "技能等级", "职业资格等级"),
               prompt="从下拉列表选择领办人的职业技能等级；应为高技能人才：{high_skill_levels}"),
        Column("honours", "主要荣誉", required=True, width=28, printed_width=16, printed=True, aliases=("主要荣誉称号", "获得荣誉", "荣誉称号", "主要荣誉情况"), rules=("S-REQ", "S-HONOR"),
               prompt="写明荣誉和年份，如：全国技术能手（2019年）。须有通知所列荣誉之一：{honours}"),
        Column("other_honours", "其他荣誉以及业绩", width=28, printed_width=14, printed_header="其他荣誉\n以及业绩", printed=True, aliases=("其他荣誉及业绩",)),
        Column("area", "工作室面积（㎡）", NUMBER, minimum=1, maximum=100000, width=10, number_format="0",
               rules=("S-REQ", "S-SIZE"), aliases=("工作室面积", "面积"), prompt="工作室面积，平方米（只填数字）"),
        Column("members", "工作室人数", INT, minimum=1, maximum=1000, width=10, rules=("S-REQ", "S-SIZE"),
               aliases=("人数",), prompt="工作室人员数（整数）"),
        Column("size", "工作室规模", FORMULA, printed_header="工作室\n规模", width=14, printed_width=9, printed=True, rules=("S-REQ", "S-SIZE"),
               printed_example="XX㎡\nXX人",
               formula='=IF(OR([area]="",[members]=""),"",[area]&"㎡ "&[members]&"人")'),
        _uscc_column(),
        *_contact_columns(),
    )
    checks = (
        *(Check("S-REQ", ERROR, (k,), REQ.format(c=f"[{k}]"))
          for k in ("recommender", "leader", "unit", "nature", "address", "occupation", "level", "honours",
                    "area", "members")),
        Check("S-LEVEL", WARNING, ("level",),
              '=AND(LEN([level])>0,ISNA(MATCH([level],[lists.high_skill_levels],0)))'),
        Check("S-HONOR", WARNING, ("honours",),
              '=AND(LEN([honours])>0,SUMPRODUCT(--ISNUMBER(SEARCH([lists.honour_keywords],[honours])))=0)'),
        Check("C-ROWDUP", ERROR, ("leader",),
              '=AND(LEN([leader])>0,COUNTIFS([studios.leader],[leader],[studios.unit],[unit])>1)'),
        *_contact_checks(),
    )
    return Sheet("studios", "附件8 工作室汇总", "工作室汇总表", "市级技能大师工作室项目申报汇总表", cols,
                 capacity=30, entity="studio", row_key=("leader", "unit"), link="leader",
                 note="每行一个工作室。推荐单位取自“填报说明”；工作室规模由面积和人数自动生成。",
                 printed_label="附件8", printed_title="市级技能大师工作室项目申报汇总表", form_title="附件8 打印",
                 printed_lines=3,   # 主要荣誉, 其他荣誉以及业绩: three lines in their narrow columns
                 form_rows=7, checks=checks)


def _masters() -> Sheet:
    cols = (
        Column("leader", "姓名", CHOICE, choices="@studios.leader", required=True, width=10,
               rules=("S-REQ", "C-ROWDUP"), aliases=("技能大师姓名", "领办人"),
               prompt="从附件8 已填的领办人中选择"),
        Column("unit", "申报单位", FORMULA, width=24, formula=lookup("studios", "unit", "leader")),
        Column("nature", "单位性质", FORMULA, width=12, formula=lookup("studios", "nature", "leader")),
        Column("sex", "性别", CHOICE, choices="sexes", width=6, rules=("S-ID",),
               prompt="从下拉列表选择；须与身份证号第 17 位相符"),
        Column("ethnicity", "民族", CHOICE, choices="ethnic_groups", strict=False, width=8),
        Column("birth", "出生年月", MONTH, width=10, number_format="yyyy-mm", rules=("S-ID",),
               prompt="出生年月，如 1975-03-01（填当月任一天即可）；须与身份证号中的出生日期相符"),
        Column("id_number", "身份证号", length=18, width=21, rules=("S-ID", "S-DUP"), masked=True,
               aliases=("身份证号码", "公民身份号码"),
               prompt="18 位居民身份证号码（末位可为 X）；出生年月、性别须与本行一致"),
        Column("work_start", "参加工作时间", MONTH, width=10, number_format="yyyy-mm",
               prompt="参加工作的年月，如 1995-07-01（填当月任一天即可）"),
        Column("political", "政治面貌", CHOICE, choices="political_statuses", strict=False, width=10),
        Column("job", "工作单位及职务", width=24),
        Column("occupation", "从事职业（工种）", width=14),
        Column("level", "职业技能等级", CHOICE, choices="skill_levels", width=10, rules=("S-LEVEL",)),
        Column("honours_detail", "荣誉及届次/年度", width=30,
               prompt="获得中华技能大奖、全国技术能手、三晋技术能手的届次，享受政府津贴的年度"),
        Column("staff", "工作室人员", width=24),
        Column("location", "工作室地点", width=20),
        Column("area", "工作室面积（㎡）", FORMULA, width=10, number_format="0",
               formula=lookup("studios", "area", "leader")),
        Column("edu_fund_share", "职工教育经费用于高技能人才培养比例（%）", PERCENT, minimum=0, maximum=100,
               width=14, number_format="0.0", rules=("S-EDUFUND",),
               prompt="依托企业（{enterprise_natures}）的须填写（%，只填数字），不低于 {studio_edu_min}"),
        Column("already", "已获国家级或省级工作室", CHOICE, choices="yes_no", width=12, rules=("S-ALREADY",),
               prompt="已获评国家级或省级技能大师工作室的选“是”（不再申报市级）；否则选“否”"),
        Column("apprentices", "年培养青年骨干和学徒人数", INT, minimum=0, maximum=1000, width=12,
               rules=("S-APPRENTICE",), prompt="每年培养青年技术技能骨干和学徒人数（整数），须 {apprentices_min} 人以上"),
    )
    checks = (
        Check("S-REQ", ERROR, ("leader",), '=AND([in_use],LEN([leader])=0)'),
        Check("S-ID", ERROR, ("id_number",), idcard_bad("[id_number]")),
        Check("S-ID", ERROR, ("sex",),
              '=AND(LEN([sex])>0,LEN([id_number])=18,IFERROR(IF(MOD(MID([id_number],17,1),2)=1,"男","女")<>[sex],FALSE))'),
        Check("S-ID", ERROR, ("birth",),
              '=AND(ISNUMBER([birth]),LEN([id_number])=18,IFERROR(TEXT([birth],"yyyymm")<>MID([id_number],7,6),FALSE))'),
        Check("S-LEVEL", WARNING, ("level",),
              '=AND(LEN([level])>0,ISNA(MATCH([level],[lists.high_skill_levels],0)))'),
        Check("S-EDUFUND", ERROR, ("edu_fund_share",),
              '=AND([enterprise_studio],OR(LEN([edu_fund_share])=0,N([edu_fund_share])<[P:studio_conditions.edu_fund_share_min]))'),
        Check("S-ALREADY", ERROR, ("already",), '=AND(LEN([leader])>0,[already]<>"否")'),
        Check("S-APPRENTICE", WARNING, ("apprentices",),
              '=AND(LEN([leader])>0,N([apprentices])<[P:studio_conditions.apprentices_per_year_min])'),
        Check("C-ROWDUP", ERROR, ("leader",), '=AND(LEN([leader])>0,COUNTIF([masters.leader],[leader])>1)'),
    )
    return Sheet("masters", "大师信息", "大师信息表", "技能大师基本信息（附件4）", cols,
                 capacity=30, entity="studio", row_key=("leader",), link="leader",
                 note="每位技能大师一行：从下拉框选择领办人；身份证号只在本表出现，汇总时打码。",
                 checks=checks)


@cache
def build_schema(policy: Policy) -> Schema:
    return Schema(sheets=(_bases(), _conditions(), _funding(policy), _majors(policy), _studios(), _masters()))
