"""A realistic MergeSummary without running a merge: test data for the report and its benchmark.

Deterministic for a given seed. Recommenders come from the policy file (counties and city
departments interleaved, the last three expected ones missing); submissions beyond the policy's
list come from units not on it, as happens when an association sends its own file. Each merged file
carries bases and studios with findings on the sheets the real rules use, some files are late, one
earlier version is superseded, one file is unusable, and a few projects are recommended twice.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter

from macros_py.model.findings import ERROR, INFO, SEVERITY_ORDER, WARNING
from macros_py.model.summary import (
    BaseCard,
    DuplicateGroup,
    DuplicateMember,
    FileSummary,
    MergeSummary,
    QuotaLine,
    RecommenderStatus,
    StudioCard,
)
from macros_py.policy.load import CHANNEL_CITY, CHANNEL_COUNTY, Policy
from macros_py.policy.schema import build_schema

MISSING = 3
MAJORS = ["焊工", "电工", "数控车工", "汽车维修工", "中式烹调师", "养老护理员", "育婴员", "钳工",
          "电子商务师", "美容师", "农业技术员", "化学检验员", "架子工", "砌筑工", "茶艺师"]
TRADES = ["机械", "能源", "建筑", "交通", "农业", "文旅", "健康", "化工", "信息"]
HONOURS = ["全国技术能手", "三晋技术能手", "享受山西省政府津贴的高级技师", "市级劳动模范", "中华技能大奖"]
LEVELS = ["高级技师", "技师", "特级技师", "高级工"]

# (rule, severity, sheet key, column header, value, message, hint): findings a county file may carry.
BASE_FINDINGS = [
    ("B-MAJORS", WARNING, "bases", "申报专业", "焊工", "申报专业只有 1 个，通知要求 2–3 个特色专业（职业）", "补充至 2–3 个特色专业"),
    ("C-PHONE", WARNING, "bases", "联系电话", "0352-12345", "联系电话“{v}”不是有效的手机或固定电话号码", "手机 11 位；固话可带 0352 区号"),
    ("B-ATTR", ERROR, "bases", "属性", "民办", "属性“{v}”不在下拉选项中", "从 政府办 / 行业、企业办 / 其它 中选择"),
    ("C-USCC", ERROR, "bases", "统一社会信用代码", "91140200MA0K000000", "统一社会信用代码“{v}”校验位不正确",
     "核对营业执照上的 18 位代码"),
    ("B-RATIO", ERROR, "conditions", "师生比", 23.5, "师生比 1:{v} 超出 1:20", "增加专兼职教师或核实在训学员数"),
    ("B-RATIO", INFO, "conditions", "师生比", 12.4, "师生比 1:{v} 低于 1:16", "请核实教师与学员人数"),
    ("B-SENIOR", ERROR, "conditions", "高级教师占比（%）", 38.5, "高级实习指导教师和技师占比 {v}% 低于 45%", "核实高级教师人数"),
    ("B-COOP", ERROR, "conditions", "大中型合作企业数", 1, "大中型合作企业 {v} 家，少于 2 家", "补充校企合作协议"),
    ("B-TIER-FIT", ERROR, "conditions", "数据支持的最高档次", "B", "申报 A 档，但数据只支持 {v} 档", "改报数据支持的档次"),
    ("B-TIER-FIT", INFO, "conditions", "数据支持的最高档次", "A", "数据支持 {v} 档，高于所报档次", "可考虑申报更高档次"),
    ("B-SUMS", ERROR, "funding", "合计", 151.2, "三项内容之和 {v} 与合计行不符", "检查表4-2 各行金额"),
    ("B-SUBSIDY", ERROR, "funding", "上级财政补助", 60, "上级财政补助合计 {v} 万元与档次补助不符", "按所报档次填写补助"),
    ("B-MAJOR-BUDGET", WARNING, "majors", "金额", 42.5, "专业预算合计 {v} 与表4-2 对应内容不符", "核对表3-n-1 与表4-2"),
]
STUDIO_FINDINGS = [
    ("S-HONOR", WARNING, "studios", "主要荣誉", "市级劳动模范", "主要荣誉“{v}”不在通知所列荣誉中，请评审人核实", "写明荣誉全称"),
    ("S-LEVEL", WARNING, "studios", "职业技能等级", "高级工", "职业技能等级“{v}”不是高技能人才等级", "技师及以上"),
    ("S-SIZE", ERROR, "studios", "工作室规模", "一百平米", "工作室规模“{v}”无法识别面积和人数", "写成“120㎡ 8人”"),
    ("S-ID", ERROR, "masters", "身份证号", "140202********1235", "身份证号 {v} 校验位不正确", "核对身份证"),
]


def _worst(severities):
    return min(severities, key=SEVERITY_ORDER.get) if severities else None


def _recommenders(policy: Policy, n: int):
    """Received recommenders in order: counties and departments interleaved, then unlisted ones."""
    counties = [r for r in policy.recommenders if r.channel == CHANNEL_COUNTY]
    depts = [r for r in policy.recommenders if r.channel == CHANNEL_CITY]
    mixed = [r for pair in zip(counties, depts, strict=False) for r in pair]
    mixed += counties[len(depts):] + depts[len(counties):]
    listed = mixed[:-MISSING]
    chosen = [(r.name, r.channel, r.county, True) for r in listed[:n]]
    missing = listed[n:] + mixed[-MISSING:]
    for i in range(n - len(chosen)):
        chosen.append((f"大同市{TRADES[i % len(TRADES)]}行业协会{i + 1:03d}", CHANNEL_CITY, None, False))
    return chosen, missing


def make_summary(policy: Policy, n_submissions: int = 12, seed: int = 6) -> MergeSummary:
    rnd = random.Random(seed)
    schema = build_schema(policy)
    title = {key: schema.sheet(key).title for key in ("bases", "conditions", "funding", "majors", "studios",
                                                       "masters")}
    first = {key: schema.sheet(key).first_row for key in title}
    sources = list(policy.funding["sources"])
    counties = list(policy.get("region.counties"))
    tiers = list(policy.tiers)
    deadline = policy.deadline.isoformat()

    chosen, missing = _recommenders(policy, n_submissions)
    files, recs, bases, studios, findings, rejected = [], [], [], [], [], []

    def finding(rule, severity, file, sha, sheet, row, column, value, message, hint, col="F"):
        findings.append({"rule": rule, "severity": severity, "file": file, "sheet": sheet,
                         "cell": f"{col}{row}" if row else None, "row": row, "column": column, "value": value,
                         "message": message.format(v=value), "hint": hint, "sha256": sha})

    for i, (name, channel, county, expected) in enumerate(chosen):
        fname = f"{i + 1:03d}_{name}.xlsx"
        sha = hashlib.sha256(fname.encode()).hexdigest()
        late = i % 7 == 5
        day = f"2026-01-0{1 + i % 5}" if late else f"2025-12-{10 + i % 19:02d}"
        received = f"{day}T{9 + i % 8:02d}:{(i * 7) % 60:02d}:00"
        history = []
        if i % 9 == 2:   # an earlier version, replaced by this file
            old = f"{i + 1:03d}_{name}_初稿.xlsx"
            history.append(f"{old}（2025-12-05T10:00:00）")
            files.append(FileSummary(old, hashlib.sha256(old.encode()).hexdigest(), 20480, "2025-12-05T10:00:00",
                                     "已被替代", "同一推荐单位后来报送了新文件", name, channel, "标准模板", "2025.1"))
        n_bases = rnd.choice((3, 3, 3, 4, 4))
        n_studios = 2
        errors = warnings = 0
        for k in range(n_bases):
            row = first["bases"] + k
            tier = rnd.choice(tiers + tiers[1:] + [None] * (1 if i % 11 == 4 else 0))
            majors = rnd.sample(MAJORS, rnd.choice((1, 2, 2, 3, 3, 4)))
            funding = {sources[0]: float(policy.tiers[tier].subsidy if tier else 20),
                       sources[1]: round(rnd.uniform(5, 60), 2), sources[2]: round(rnd.uniform(0, 120), 2),
                       sources[3]: round(rnd.choice((0, rnd.uniform(0, 15))), 2)}
            total = round(sum(funding.values()), 2)
            sevs = []
            for rule, sev, sheet, column, value, message, hint in rnd.sample(BASE_FINDINGS,
                                                                             rnd.choice((0, 1, 2, 2, 3))):
                on_card = sheet == "bases"
                frow = row if on_card else first[sheet] + k * (4 if sheet == "funding" else 1)
                finding(rule, sev, fname, sha, title[sheet], frow, column, value, message, hint)
                if on_card:
                    sevs.append(sev)
                errors += sev == ERROR
                warnings += sev == WARNING
            supported = rnd.choice(tiers + ["不达标"])
            bases.append(BaseCard(
                unit=f"{(county or '大同市')}{rnd.choice(TRADES)}技工学校{i + 1}-{k + 1}", recommender=name,
                channel=channel, county=county or rnd.choice(counties + [None]),
                attribute=rnd.choice(policy.lists["base_attributes"]), majors=majors, tier=tier,
                supported_tier=supported, ratio=round(rnd.uniform(12, 24), 1),
                senior_share=round(rnd.uniform(30, 70), 1), coop=float(rnd.choice((1, 2, 3, 5))),
                funding=funding, shares={s: round(v / total * 100, 1) for s, v in funding.items()},
                total=total, worst=_worst(sevs), file=fname, cell=f"A{row}"))
        for k in range(n_studios):
            row = first["studios"] + k
            sevs = []
            for rule, sev, sheet, column, value, message, hint in rnd.sample(STUDIO_FINDINGS, rnd.choice((0, 1, 1, 2))):
                frow = first[sheet] + k
                finding(rule, sev, fname, sha, title[sheet], frow, column, value, message, hint, col="G")
                if sheet == "studios":
                    sevs.append(sev)
                errors += sev == ERROR
                warnings += sev == WARNING
            studios.append(StudioCard(
                leader=f"大师{i + 1:03d}{'甲乙丙丁'[k]}", unit=f"大同{rnd.choice(TRADES)}有限公司{i + 1}",
                recommender=name, channel=channel, occupation=rnd.choice(MAJORS), level=rnd.choice(LEVELS),
                honours=rnd.choice(HONOURS), size=f"{rnd.randint(80, 300)}㎡ {rnd.randint(5, 20)}人",
                worst=_worst(sevs), file=fname, cell=f"A{row}"))
        if late:
            finding("C-LATE", WARNING, fname, sha, None, None, None, received[:10],
                    "文件于 {v} 收到，晚于报送截止日 " + deadline, "请说明逾期原因")
            warnings += 1
        if i % 10 == 3:   # a row that could not be merged
            rejected.append({"file": fname, "sheet": title["bases"], "row": first["bases"] + n_bases,
                             "reason": "项目单位为空，其余列有内容"})
        files.append(FileSummary(fname, sha, 30000 + 997 * i, received, "已汇总", "", name, channel, "标准模板",
                                 "2025.1", late, n_bases, n_studios, n_bases + n_studios, n_bases + n_studios,
                                 1 if i % 10 == 3 else 0, errors, warnings))
        recs.append(RecommenderStatus(name, channel, expected, True, received, fname, late, n_bases, n_studios,
                                      errors, warnings, "已汇总", history))

    for r in missing:
        recs.append(RecommenderStatus(r.name, r.channel, True, False, status="未报送"))
        findings.append({"rule": "C-MISSING", "severity": INFO, "file": "", "sheet": None, "cell": None,
                         "row": None, "column": None, "value": r.name, "message": f"{r.name} 尚未报送",
                         "hint": "联系该单位", "sha256": None})
    files.append(FileSummary("扫描件.xlsx", "0" * 64, 1024, "2025-12-20T15:00:00", "无法使用",
                             "文件已加密，无法读取；请发送未加密的工作簿"))
    files.append(FileSummary("副本-001.xlsx", files[0].sha256, files[0].size, "2025-12-21T08:00:00", "重复文件",
                             f"与 {files[0].name} 内容相同", files[0].recommender, files[0].channel))

    duplicates = _duplicates(bases, findings, title["bases"])
    quotas = [QuotaLine(f"{t}档基地", policy.tiers[t].places, sum(1 for b in bases if b.tier == t)) for t in tiers]
    quotas.append(QuotaLine("技能大师工作室", policy.get("targets.studios"), len(studios)))
    funding_by_source = Counter()
    for b in bases:
        funding_by_source.update(b.funding)
    merged = len(bases) + len(studios)
    return MergeSummary(
        policy_year=policy.year, document=policy.get("notice.document"), deadline=deadline, inbox="/srv/申报/收件箱",
        files=files, rows_read=merged + len(rejected), rows_merged=merged, rows_rejected=len(rejected),
        findings=findings, recommenders=recs, quotas=quotas, duplicates=duplicates, bases=bases, studios=studios,
        funding_by_source={s: round(funding_by_source.get(s, 0.0), 2) for s in sources}, rejected=rejected)


def _duplicates(bases: list[BaseCard], findings: list[dict], sheet: str) -> list[DuplicateGroup]:
    """Give a few city-channel bases the unit name of a county-channel base, and report the pairs."""
    county = [b for b in bases if b.channel == CHANNEL_COUNTY]
    city = [b for b in bases if b.channel == CHANNEL_CITY]
    groups = []
    for a, b in list(zip(county[1::5], city[2::5], strict=False))[:4]:
        b.unit = a.unit
        members = [DuplicateMember(x.recommender, x.channel, x.unit, x.file, sheet, x.cell) for x in (a, b)]
        groups.append(DuplicateGroup("B-DUP", ERROR, "名称相同", a.unit, members))
        for x in (a, b):
            row = int(x.cell[1:])
            findings.append({"rule": "B-DUP", "severity": ERROR, "file": x.file, "sheet": sheet,
                             "cell": x.cell, "row": row, "column": "项目单位", "value": x.unit,
                             "message": f"“{x.unit}”同时由属地和市直渠道推荐", "hint": "只保留一个推荐渠道",
                             "sha256": None})
            x.worst = ERROR
    return groups
