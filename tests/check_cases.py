"""A test submission that breaks every county-side check once, plus the edge cases of every formula.

`check_cases(policy)` returns the data for fill_template.write_filled and the marks the workbook's
conditional formats must show: (rule ID, severity, sheet title, A1 cell). Every other data cell
must stay unmarked. Rows that break nothing sit between the broken ones, so a check that fires
too widely shows up as an unexpected mark.

Edge cases for the formula comparison (compute.derive against LibreOffice): blank and zero
divisors, lookups of units that are not on 附件7, a base with a blank 属性, 1/3 ㎡, lower-case x
in an ID number, a funding block with nothing typed.
"""

from __future__ import annotations

import datetime as dt

from macros_py.model.findings import ERROR, INFO, WARNING
from macros_py.policy.schema import build_schema
from macros_py.write.fill import cell_of
from macros_py.write.samples import id_check, uscc_check

RECOMMENDER = "平城区人力资源和社会保障局"


def _uscc(seed: int) -> str:
    body = f"9114020000{seed:07d}"
    return body + uscc_check(body)


def _id(sex: str, birth: str, seq: int = 12) -> str:
    """An 18-digit ID number of Datong's 平城区 with a valid check digit."""
    odd = (1, 3, 5, 7, 9) if sex == "男" else (0, 2, 4, 6, 8)
    body = f"140213{birth}{seq:02d}{odd[seq % 5]}"
    return body + id_check(body)


def _id_ending_x() -> str:
    for seq in range(100):
        number = _id("男", "19800101", seq)
        if number.endswith("X"):
            return number[:-1] + "x"
    raise AssertionError("no ID number ends in X")


class _Cases:
    def __init__(self, policy):
        self.policy = policy
        self.schema = build_schema(policy)
        self.data = {"recommender": RECOMMENDER, "bases": [], "conditions": [], "funding": [], "majors": [],
                     "studios": [], "masters": []}
        self.marks: list[tuple[str, str, str, str]] = []

    def mark(self, rule, severity, sheet, key, index, content=None):
        title = self.schema.sheet(sheet).title
        self.marks.append((rule, severity, title, cell_of(self.schema, sheet, key, index, content)))

    def add(self, sheet, row, *marks):
        """Append a row; each mark is (rule, severity, column key) on this row."""
        index = len(self.data[sheet])
        self.data[sheet].append(row)
        for rule, severity, key in marks:
            self.mark(rule, severity, sheet, key, index)
        return index

    def base(self, unit, tier="C", attribute="政府办", **changes):
        row = {"unit": unit, "attribute": attribute, "address": "大同市平城区御河路1号", "majors": "焊工、电工",
               "tier": tier, "uscc": _uscc(len(self.data["bases"]) + 1), "contact": "王伟",
               "mobile": "13912345678", "phone": "0352-7930134", "email": "a@dt.gov.cn", "postcode": "037006"}
        row.update(changes)
        return row


def _bases(c: _Cases) -> None:
    c.add("bases", c.base("基地甲"))
    c.add("bases", c.base("基地乙", attribute=None), ("B-REQ", ERROR, "attribute"))
    c.add("bases", c.base("基地丙", attribute="民办"), ("B-ATTR", ERROR, "attribute"))
    c.add("bases", c.base("基地丁", tier="D"), ("B-TIER", ERROR, "tier"))
    c.add("bases", c.base("基地戊", majors="焊工、电工、钳工、茶艺师"), ("B-MAJORS", WARNING, "majors"))
    c.add("bases", c.base("基地己", majors="焊工"), ("B-MAJORS", WARNING, "majors"))
    c.add("bases", c.base("基地庚", address=None, majors=None, tier=None),
          ("B-REQ", ERROR, "address"), ("B-REQ", ERROR, "majors"), ("B-REQ", ERROR, "tier"))
    # 推荐单位 is blank here too, but its B-REQ format tests the 填报说明 cell ([recommender] there
    # names that cell), which is filled: only the unit is marked.
    c.add("bases", c.base(None), ("B-REQ", ERROR, "unit"))
    c.add("bases", c.base("基地辛", email="abc@", postcode="12345", phone="12", mobile="2391234567",
                          uscc=_uscc(99)[:-1] + "I"),
          ("C-EMAIL", WARNING, "email"), ("C-POSTCODE", WARNING, "postcode"), ("C-PHONE", WARNING, "phone"),
          ("C-PHONE", WARNING, "mobile"), ("C-USCC", ERROR, "uscc"))
    first = c.add("bases", c.base("基地甲"), ("C-ROWDUP", ERROR, "unit"))
    c.mark("C-ROWDUP", ERROR, "bases", "unit", 0)
    assert first == 9
    # The units the condition, funding and major rows below refer to: clean bases.
    for unit, tier, attribute in (("条件甲", "C", "政府办"), ("条件乙", "B", "政府办"), ("条件企", "C", "行业、企业办"),
                                  ("经费甲", "C", "政府办"), ("经费乙", "B", "政府办"), ("经费丙", "A", "其它")):
        c.add("bases", c.base(unit, tier=tier, attribute=attribute))
    for i in range(1, 17):
        c.add("bases", c.base(f"条件{i:02d}", tier="B" if i == 3 else "C",
                              attribute="行业、企业办" if i in (9, 10) else "政府办"))


def _conditions(c: _Cases) -> None:
    def cond(unit, **changes):
        row = {"unit": unit, "training": 150, "certs": 30, "teachers": 10, "trainees": 180,
               "practical_teachers": 10, "senior_teachers": 5, "coop": 3, "no_penalty": "是", "already": "否"}
        row.update(changes)
        return row

    fit = ("tier", "supported_tier")
    c.add("conditions", cond("条件甲"))
    c.add("conditions", cond("条件01", training=50), ("B-SCALE", ERROR, "training"),
          *(("B-TIER-FIT", ERROR, k) for k in fit))
    c.add("conditions", cond("条件02", certs=10), ("B-CERT", ERROR, "certs"), *(("B-TIER-FIT", ERROR, k) for k in fit))
    c.add("conditions", cond("条件03", training=600, certs=120), *(("B-TIER-FIT", INFO, k) for k in fit))
    c.add("conditions", cond("条件04", trainees=250), ("B-RATIO", ERROR, "ratio"))
    c.add("conditions", cond("条件05", trainees=100), ("B-RATIO", INFO, "ratio"))
    c.add("conditions", cond("条件06", teachers=0), ("B-RATIO", ERROR, "ratio"))
    c.add("conditions", cond("条件07", senior_teachers=3), ("B-SENIOR", ERROR, "senior_share"))
    c.add("conditions", cond("条件08", coop=1), ("B-COOP", ERROR, "coop"))
    c.add("conditions", cond("条件09"), ("B-EDUFUND", ERROR, "edu_fund_share"))
    c.add("conditions", cond("条件10", edu_fund_share=62.5))
    c.add("conditions", cond("条件11", no_penalty="否"), ("B-PENALTY", ERROR, "no_penalty"))
    c.add("conditions", cond("条件12", already="是"), ("B-ALREADY", ERROR, "already"))
    c.add("conditions", cond("条件13", practical_teachers=0))  # 占比 blank: B-SENIOR marks it
    c.mark("B-SENIOR", ERROR, "conditions", "senior_share", 13)
    c.add("conditions", cond(None), ("B-REQ", ERROR, "unit"))
    c.add("conditions", cond("不在附件7的单位"))  # lookups give blank, so no tier checks apply
    c.add("conditions", {"unit": "条件14"},
          *((rule, ERROR, key) for rule, key in (("B-SCALE", "training"), ("B-CERT", "certs"), ("B-RATIO", "ratio"),
                                                 ("B-SENIOR", "senior_share"), ("B-COOP", "coop"),
                                                 ("B-PENALTY", "no_penalty"), ("B-ALREADY", "already"))))
    c.add("conditions", cond("条件甲"), ("C-ROWDUP", ERROR, "unit"))
    c.mark("C-ROWDUP", ERROR, "conditions", "unit", 0)
    c.add("conditions", cond("条件基地乙", training=None), ("B-SCALE", ERROR, "training"))  # not on 附件7
    c.add("conditions", cond("基地乙"))  # 属性 blank on 附件7: the lookup shows blank, not 0


def _funding(c: _Cases) -> None:
    policy = c.policy

    def block(unit, tier, extra=0.0, blank=False):
        subsidy = policy.tiers[tier].subsidy + extra
        amounts = [[subsidy * 0.5, 3.0, 4.0, 0.5], [subsidy * 0.3, 2.0, 1.0, None], [subsidy * 0.2, None, 1.5, 0.25]]
        if blank:
            amounts = [[None] * 4 for _ in range(3)]
        return {"unit": unit, "amounts": amounts}

    def majors(fund, split=(0.5, 0.5), delta=0.0):
        for m, part in enumerate(split):
            row = {"unit": fund["unit"], "major": f"专业{m + 1}", "leader": "李强"}
            for i, amounts in enumerate(fund["amounts"]):
                row[f"content{i}"] = round(sum(a or 0 for a in amounts) * part, 4) + (delta if m == 0 and i == 1 else 0)
            c.data["majors"].append(row)

    f = c.data["funding"]
    f.append(block("经费甲", "C"))
    majors(f[-1])
    f.append(block("经费乙", "B", extra=5))
    majors(f[-1])
    c.mark("B-SUBSIDY", ERROR, "funding", "amount0", 1)
    f.append(block(None, "C"))
    for content in (None, 0, 1, 2):
        c.mark("B-REQ", ERROR, "funding", "unit", 2, content)
    f.append(block("经费丙", "A"))
    majors(f[-1], split=(0.25, 0.75), delta=1.5)  # content 1: majors total 1.5 万元 more than 表4-2
    c.mark("B-MAJOR-BUDGET", WARNING, "funding", "major_sum", 3, 1)
    f.append(block("经费甲", "C"))
    c.mark("C-ROWDUP", ERROR, "funding", "unit", 0)
    c.mark("C-ROWDUP", ERROR, "funding", "unit", 4)
    f.append(block("条件乙", "B", blank=True))  # nothing typed: total 0, shares blank, subsidy missing
    c.mark("B-SUBSIDY", ERROR, "funding", "amount0", 5)
    f.append(block("不在附件7的单位", "C"))
    c.mark("B-MAJOR-BUDGET", WARNING, "funding", "major_sum", 6, 0)
    c.mark("B-MAJOR-BUDGET", WARNING, "funding", "major_sum", 6, 1)
    c.mark("B-MAJOR-BUDGET", WARNING, "funding", "major_sum", 6, 2)

    m = c.data["majors"]
    c.add("majors", {"unit": "条件甲", "major": None, "content0": 1.0}, ("B-REQ", ERROR, "unit"), ("B-REQ", ERROR, "major"))
    c.add("majors", {"unit": None, "major": "焊工", "content0": 1.0}, ("B-REQ", ERROR, "unit"), ("B-REQ", ERROR, "major"))
    c.add("majors", {"unit": "条件甲", "major": "电工", "content1": 2.0}, ("C-ROWDUP", ERROR, "major"))
    c.add("majors", {"unit": "条件甲", "major": "电工", "content2": 3.0}, ("C-ROWDUP", ERROR, "major"))
    c.add("majors", {"unit": "条件甲", "major": "钳工"})
    assert len(m) <= c.schema.sheet("majors").capacity


def _studios(c: _Cases) -> None:
    def studio(leader, **changes):
        row = {"leader": leader, "unit": f"{leader or '某'}所在单位", "nature": "职业院校（技工院校）",
               "address": "大同市平城区御河路2号", "category": "绝技绝活", "occupation": "焊工", "level": "高级技师",
               "honours": "全国技术能手（2019年）", "area": 120.0, "members": 8, "uscc": _uscc(500),
               "mobile": "13812345678", "email": "b@163.com", "postcode": "037000"}
        row.update(changes)
        return row

    c.add("studios", studio("张伟"))
    c.add("studios", studio("李娜", level="高级工"), ("S-LEVEL", WARNING, "level"))
    c.add("studios", studio("王芳", honours="大同市劳动模范"), ("S-HONOR", WARNING, "honours"))
    c.add("studios", {"leader": "刘洋"},
          *(("S-REQ", ERROR, k) for k in ("unit", "nature", "address", "occupation", "level", "honours", "area",
                                          "members")))
    c.add("studios", studio(None), ("S-REQ", ERROR, "leader"))  # 推荐单位: see the bases case
    c.add("studios", studio("张伟"), ("C-ROWDUP", ERROR, "leader"))
    c.mark("C-ROWDUP", ERROR, "studios", "leader", 0)
    c.add("studios", studio("陈杰", area=120.5, nature="国有企业", honours="享受国务院政府特殊津贴（2015年）"))
    c.add("studios", studio("周敏", area=1 / 3, members=3, honours="三晋技术能手"))
    c.add("studios", studio("吴静", mobile="1381234567", uscc=_uscc(501)[:-1] + "Z", members=None, phone="七九三〇一三四",
                            email="b@163", postcode="0370"),
          ("C-PHONE", WARNING, "mobile"), ("C-USCC", ERROR, "uscc"), ("S-REQ", ERROR, "members"),
          ("C-PHONE", WARNING, "phone"), ("C-EMAIL", WARNING, "email"), ("C-POSTCODE", WARNING, "postcode"))
    c.add("studios", studio("赵磊", nature="国有企业"))


def _masters(c: _Cases) -> None:
    def master(leader, sex="男", born="19750312", **changes):
        year, month = int(born[:4]), int(born[4:6])
        row = {"leader": leader, "sex": sex, "ethnicity": "汉族", "birth": dt.datetime(year, month, 1),
               "id_number": _id(sex, born), "work_start": dt.datetime(year + 20, 7, 1), "political": "群众",
               "level": "高级技师", "already": "否", "apprentices": 5}
        row.update(changes)
        return row

    c.add("masters", master("张伟"))
    good = _id("女", "19800101")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    c.add("masters", master("李娜", sex="女", born="19800101", id_number=bad), ("S-ID", ERROR, "id_number"))
    c.add("masters", master("王芳", sex="女", id_number=_id("男", "19750312")), ("S-ID", ERROR, "sex"))
    c.add("masters", master("刘洋", birth=dt.datetime(1976, 3, 1)), ("S-ID", ERROR, "birth"))
    c.add("masters", master("陈杰"), ("S-EDUFUND", ERROR, "edu_fund_share"))  # 国有企业 without the share
    c.add("masters", master("赵磊", edu_fund_share=55.0))
    c.add("masters", master("周敏", already="是"), ("S-ALREADY", ERROR, "already"))
    c.add("masters", master("吴静", apprentices=2, level="高级工"), ("S-APPRENTICE", WARNING, "apprentices"),
          ("S-LEVEL", WARNING, "level"))
    c.add("masters", master("不在附件8的人", apprentices=None), ("S-APPRENTICE", WARNING, "apprentices"))
    c.add("masters", master(None), ("S-REQ", ERROR, "leader"))
    c.add("masters", master("张伟"), ("C-ROWDUP", ERROR, "leader"))
    c.mark("C-ROWDUP", ERROR, "masters", "leader", 0)
    c.add("masters", master("李四", id_number="140213" + "19991332" + "0012", birth=None), ("S-ID", ERROR, "id_number"))
    c.add("masters", master("王五", born="19800101", id_number=_id_ending_x()))


def check_cases(policy):
    c = _Cases(policy)
    _bases(c)
    _conditions(c)
    _funding(c)
    _studios(c)
    _masters(c)
    return c.data, c.marks


def no_recommender_case(policy):
    """A clean base and studio in a workbook whose 填报说明 has no 推荐单位: both rows' 推荐单位
    cells are marked (the checks on that column test the 填报说明 cell)."""
    c = _Cases(policy)
    c.data["recommender"] = None
    c.add("bases", c.base("基地甲"), ("B-REQ", ERROR, "recommender"))
    c.add("studios", {"leader": "张伟", "unit": "某单位", "nature": "职业院校（技工院校）", "address": "大同市御河路2号",
                      "occupation": "焊工", "level": "高级技师", "honours": "全国技术能手", "area": 100, "members": 6},
          ("S-REQ", ERROR, "recommender"))
    return c.data, c.marks
