"""A seeded generator of realistic filled county workbooks (workbooks/samples/).

Each expected recommender (the ten counties' HR bureaus and several city departments) sends one
workbook with 1–6 bases and 0–4 studios whose numbers meet the notice; then a few deliberate breaks
of named rule IDs are applied and listed, with their cells, in manifest.json beside the files.
The same seed gives the same files, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from macros_py.merge.inbox import REGISTER_NAME
from macros_py.model.errors import UsageError
from macros_py.policy.load import CHANNEL_COUNTY, Policy
from macros_py.policy.schema import build_schema
from macros_py.write.fill import cell_of, write_filled
from macros_py.write.xlsx_pack import write_atomic

MAJORS = ["焊工", "电工", "数控车工", "汽车维修工", "钳工", "中式烹调师", "育婴员", "养老护理员", "电子商务师",
          "计算机程序设计员", "工业机器人系统运维员", "煤矿采掘机械维修工", "化工总控工", "美发师", "茶艺师",
          "农业经理人", "无人机装调检修工", "电梯安装维修工", "建筑信息模型技术员", "健康管理师"]
UNIT_KINDS = [("{c}职业技术学校", "政府办"), ("{c}就业培训中心", "政府办"), ("{c}职业教育中心", "政府办"),
              ("大同{x}技工学校", "政府办"), ("大同{x}职业培训学校", "其它"), ("大同{x}集团有限公司职工培训中心", "行业、企业办"),
              ("大同{x}实业有限公司", "行业、企业办"), ("大同{x}技能培训有限公司", "其它")]
NAME_PARTS = ["云冈", "御河", "华严", "恒安", "同煤", "平旺", "桑干", "北岳", "晋阳", "塞北", "魏都", "古城",
              "新能", "金鼎", "瑞丰", "宏达", "鑫源", "泰和", "长城", "永固"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰春梅海燕晓东文斌宇鑫惠美宏亮"
OCCUPATIONS = ["焊工", "电工", "数控车工", "钳工", "中式烹调师", "面点师", "汽车维修工", "砌筑工", "木雕工", "陶瓷工艺师",
               "铜器制作工", "煤矿机电维修工", "锅炉运行值班员", "化学检验员", "美发师", "中药炮制工"]
HONOURS = ["全国技术能手（{y}年）", "三晋技术能手（{y}年）", "享受山西省政府津贴（{y}年）", "中华技能大奖（第{n}届）",
           "享受国务院政府特殊津贴（{y}年）", "掌握传统技能、民间绝技（大同铜器锻制）"]
# Datong's current county codes, and (rarely) the retired ones people born before 2018 still carry.
REGION_CODES = {"平城区": "140213", "云冈区": "140214", "新荣区": "140212", "云州区": "140215", "阳高县": "140221",
                "天镇县": "140222", "广灵县": "140223", "灵丘县": "140224", "浑源县": "140225", "左云县": "140226"}
RETIRED_CODES = ["140202", "140203", "140211", "140227"]
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def uscc_check(body17: str) -> str:
    total = sum(USCC_CHARS.index(ch) * w for ch, w in zip(body17, _USCC_W, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def id_check(body17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(body17, _ID_W, strict=True)) % 11]


@dataclass
class Mark:
    """A cell the workbook's conditional formats (and the rule engine) must mark, and for which rule."""

    rule: str
    sheet: str
    cell: str


@dataclass
class Break:
    """A deliberate rule break: where it is and which rule must report it. `also` lists the marks
    the break cannot come without (the same rule shown on a second column, or a threshold that an
    over-claimed tier necessarily misses)."""

    rule: str
    sheet: str
    cell: str
    note: str
    also: list[Mark] = field(default_factory=list)


@dataclass
class Sample:
    name: str
    data: dict
    breaks: list[Break] = field(default_factory=list)


class _Gen:
    def __init__(self, policy: Policy, seed: int):
        self.policy, self.rng = policy, random.Random(seed)
        self.used_units: set[str] = set()
        self.used_people: set[str] = set()

    def uscc(self) -> str:
        body = "91" + "1402" + "0" + "0" + "".join(self.rng.choice(USCC_CHARS[:10] + "ABCDEFGHJKLMN") for _ in range(9))
        return body + uscc_check(body)

    def person(self) -> str:
        while True:
            name = self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))
            if name not in self.used_people:
                self.used_people.add(name)
                return name

    def id_number(self, county: str | None, sex: str, year: int, month: int) -> str:
        region = REGION_CODES.get(county) or self.rng.choice(list(REGION_CODES.values()))
        if year < 1990 and self.rng.random() < 0.2:
            region = self.rng.choice(RETIRED_CODES)
        seq = self.rng.randrange(10, 99) * 10 + self.rng.choice((1, 3, 5, 7, 9) if sex == "男" else (0, 2, 4, 6, 8))
        body = f"{region}{year:04d}{month:02d}{self.rng.randrange(1, 28):02d}{seq:03d}"
        return body + id_check(body)

    def mobile(self) -> str:
        return "1" + self.rng.choice("3589") + "".join(str(self.rng.randrange(10)) for _ in range(9))

    def unit(self, county: str) -> tuple[str, str]:
        tries = 0
        while True:
            pattern, attribute = self.rng.choice(UNIT_KINDS)
            name = pattern.format(c=f"大同市{county}", x=self.rng.choice(NAME_PARTS))
            tries += 1
            if tries > 30:  # the name pool is spent (load tests): names of two parts, then with the county
                x = "".join(self.rng.sample(NAME_PARTS, 2))
                name = pattern.format(c=f"大同市{county}{x}", x=(county if tries > 60 else "") + x)
            if name not in self.used_units:
                self.used_units.add(name)
                return name, attribute

    def base(self, county: str, recommender: str):
        policy, rng = self.policy, self.rng
        unit, attribute = self.unit(county)
        tier_name = rng.choices(list(policy.tiers), weights=(2, 3, 5))[0]
        tier = policy.tiers[tier_name]
        majors = rng.sample(MAJORS, rng.choice((2, 3)))
        training = tier.min_training + rng.randrange(0, 150)
        certs = tier.min_senior_certs + rng.randrange(0, 40)
        supported = policy.supported_tier(training, certs)
        if supported != tier_name:  # keep the sample clean: numbers that support exactly this tier
            training, certs = tier.min_training, tier.min_senior_certs
        teachers = rng.randrange(12, 40)
        trainees = teachers * rng.randrange(16, 21)
        practical = rng.randrange(10, 30)
        senior = -(-practical * rng.randrange(46, 80) // 100)
        row = {"unit": unit, "attribute": attribute, "address": f"大同市{county}{rng.choice(NAME_PARTS)}路{rng.randrange(1, 300)}号",
               "majors": "、".join(majors), "tier": tier_name, "uscc": self.uscc(), "contact": self.person(),
               "mobile": self.mobile(), "phone": f"0352-{rng.randrange(2000000, 7999999)}",
               "email": f"sb{rng.randrange(1000, 9999)}@dt{rng.randrange(10, 99)}.gov.cn",
               "postcode": f"037{rng.randrange(0, 1000):03d}"}
        cond = {"unit": unit, "training": training, "certs": certs, "teachers": teachers, "trainees": trainees,
                "practical_teachers": practical, "senior_teachers": senior, "coop": rng.randrange(2, 8),
                "no_penalty": "是", "already": "否"}
        if attribute in policy.base["enterprise_attributes"]:
            cond["edu_fund_share"] = float(rng.randrange(50, 90))
        # 表4-2: the subsidy split over the three contents; other sources in whole 万元.
        subsidy = tier.subsidy
        split = [round(subsidy * 0.5), round(subsidy * 0.3)]
        split.append(subsidy - sum(split))
        amounts = [[float(split[c]), float(rng.randrange(0, 20)), float(rng.randrange(0, 30)), float(rng.randrange(0, 5))]
                   for c in range(3)]
        major_rows = [{"unit": unit, "major": major, "leader": self.person()} for major in majors]
        for c in range(3):  # each content's total split over the majors, to the cent
            total = round(sum(amounts[c]) * 100)
            parts = [total // len(majors)] * len(majors)
            parts[0] += total - sum(parts)
            for row_, part in zip(major_rows, parts, strict=True):
                row_[f"content{c}"] = part / 100
        return row, cond, {"unit": unit, "amounts": amounts}, major_rows

    def studio(self, county: str):
        rng, policy = self.rng, self.policy
        leader = self.person()
        unit, _ = self.unit(county)
        nature = rng.choice(policy.lists["unit_natures"][:6])
        sex = rng.choice(("男", "男", "女"))
        year, month = rng.randrange(1962, 1992), rng.randrange(1, 13)
        y = rng.randrange(2005, 2024)
        honours = rng.choice(HONOURS).format(y=y, n=rng.randrange(10, 17))
        level = rng.choice(policy.lists["high_skill_levels"][1:])
        occupation = rng.choice(OCCUPATIONS)
        studio = {"leader": leader, "unit": unit, "nature": nature, "address": f"大同市{county}{rng.choice(NAME_PARTS)}街{rng.randrange(1, 200)}号",
                  "category": rng.choice(policy.lists["studio_categories"]), "occupation": occupation, "level": level,
                  "honours": honours, "other_honours": f"带徒{rng.randrange(5, 40)}名，获国家专利{rng.randrange(0, 5)}项",
                  "area": float(rng.randrange(60, 300)), "members": rng.randrange(5, 20), "uscc": self.uscc(),
                  "contact": self.person(), "mobile": self.mobile(), "email": f"ds{rng.randrange(1000, 9999)}@163.com",
                  "postcode": f"037{rng.randrange(0, 1000):03d}"}
        master = {"leader": leader, "sex": sex, "ethnicity": rng.choice(("汉族", "汉族", "汉族", "回族", "蒙古族")),
                  "birth": dt.datetime(year, month, 1), "id_number": self.id_number(county, sex, year, month),
                  "work_start": dt.datetime(year + 19, rng.randrange(1, 13), 1), "political": rng.choice(("中共党员", "群众")),
                  "job": f"{unit} 首席技师", "occupation": occupation, "level": level, "honours_detail": honours,
                  "staff": "、".join(self.person() for _ in range(3)), "location": studio["address"],
                  "already": "否", "apprentices": rng.randrange(3, 12)}
        if nature in policy.studio["enterprise_natures"]:
            master["edu_fund_share"] = float(rng.randrange(50, 85))
        return studio, master


def _submission(gen: _Gen, recommender: str, county: str) -> dict:
    data = {"recommender": recommender, "bases": [], "conditions": [], "funding": [], "majors": [],
            "studios": [], "masters": []}
    for _ in range(gen.rng.randrange(1, 7)):
        base, cond, fund, majors = gen.base(county, recommender)
        data["bases"].append(base)
        data["conditions"].append(cond)
        data["funding"].append(fund)
        data["majors"].extend(majors)
    for _ in range(gen.rng.randrange(0, 5)):
        studio, master = gen.studio(county)
        data["studios"].append(studio)
        data["masters"].append(master)
    return data


def generate(policy: Policy, seed: int = 2025, departments: int = 4) -> list[Sample]:
    """One Sample per recommender: the ten counties and the first `departments` city departments."""
    gen = _Gen(policy, seed)
    recommenders = [r for r in policy.recommenders if r.channel == CHANNEL_COUNTY]
    recommenders += [r for r in policy.recommenders if r.channel != CHANNEL_COUNTY][:departments]
    samples = []
    for i, rec in enumerate(recommenders, start=1):
        county = rec.county or gen.rng.choice(policy.get("region.counties"))
        samples.append(Sample(f"{i:02d}_{rec.name}.xlsx", _submission(gen, rec.name, county)))
    _apply_breaks(samples, policy)
    return samples


def break_free_data(policy, bases: int = 20, studios: int = 20) -> dict:
    """One submission's worth of rows that break no rule: the break-free samples of a few seeds,
    merged (units and leaders unique), up to the template's 20 funding blocks."""
    out = {"recommender": None, "bases": [], "conditions": [], "funding": [], "majors": [], "studios": [],
           "masters": []}
    units, leaders = set(), set()
    for seed in (2025, 7, 11, 13, 17, 19, 23):
        for sample in generate(policy, seed):
            if sample.breaks:
                continue
            data = sample.data
            out["recommender"] = out["recommender"] or data["recommender"]
            for i, base in enumerate(data["bases"]):
                if len(out["bases"]) >= bases or base["unit"] in units:
                    continue
                units.add(base["unit"])
                out["bases"].append(base)
                out["conditions"].append(data["conditions"][i])
                out["funding"].append(data["funding"][i])
                out["majors"] += [m for m in data["majors"] if m["unit"] == base["unit"]]
            for i, studio in enumerate(data["studios"]):
                if len(out["studios"]) >= studios or studio["leader"] in leaders or studio["unit"] in units:
                    continue
                leaders.add(studio["leader"])
                units.add(studio["unit"])
                out["studios"].append(studio)
                out["masters"].append(data["masters"][i])
        if len(out["bases"]) >= bases and len(out["studios"]) >= studios:
            break
    if len(out["bases"]) != bases or len(out["studios"]) != studios or len(out["majors"]) > 60:
        raise ValueError(f"the break-free samples hold {len(out['bases'])} bases and {len(out['studios'])} studios, "
                         f"not {bases} and {studios} within the template's 60 major rows")
    return out


def generate_load(policy: Policy, count: int, seed: int = 2025) -> list[Sample]:
    """`count` clean submissions for load tests, each from its own (made-up) recommender, so that
    every row is merged: about 3.5 bases and 2 studios each, as the real ones."""
    gen = _Gen(policy, seed)
    counties = policy.get("region.counties")
    return [Sample(f"{i:04d}_测试推荐单位{i:04d}.xlsx",
                   _submission(gen, f"测试推荐单位{i:04d}", counties[i % len(counties)]))
            for i in range(1, count + 1)]


def _apply_breaks(samples: list[Sample], policy: Policy) -> None:
    """Deliberate breaks of named rules, each recorded with its cell."""
    schema = build_schema(policy)
    title = {s.key: s.title for s in schema.sheets}

    def mark(rule, sheet, key, index, content=None) -> Mark:
        return Mark(rule, title[sheet], cell_of(schema, sheet, key, index, content))

    def note(sample, rule, sheet, key, index, text, content=None, also=()):
        sample.breaks.append(Break(rule, title[sheet], cell_of(schema, sheet, key, index, content), text,
                                   [mark(*m) for m in also]))

    s = samples[0]
    s.data["funding"][0]["amounts"][0][0] += 10
    note(s, "B-SUBSIDY", "funding", "amount0", 0, "上级财政补助合计比所报档次的补助多 10 万元")
    note(s, "B-MAJOR-BUDGET", "funding", "major_sum", 0, "专业预算合计与表4-2 第一项内容不符", content=0)

    s = samples[1]
    cond = s.data["conditions"][0]
    cond["trainees"] = cond["teachers"] * 25
    note(s, "B-RATIO", "conditions", "ratio", 0, "师生比 1:25，超过 1:20")

    s = samples[2]
    s.data["bases"][0]["majors"] = s.data["bases"][0]["majors"].split("、")[0]
    note(s, "B-MAJORS", "bases", "majors", 0, "只申报 1 个专业")
    s.data["bases"][0]["uscc"] = s.data["bases"][0]["uscc"][:-1] + ("0" if s.data["bases"][0]["uscc"][-1] != "0" else "1")
    note(s, "C-USCC", "bases", "uscc", 0, "统一社会信用代码校验位错误")

    s = samples[3]
    cond = s.data["conditions"][0]
    cond["senior_teachers"] = cond["practical_teachers"] * 30 // 100
    note(s, "B-SENIOR", "conditions", "senior_share", 0, "高级教师占比约 30%，低于 45%")

    s = next(x for x in samples[4:] if x.data["masters"])
    master = s.data["masters"][0]
    bad = "1" if master["id_number"][-1] != "1" else "2"
    master["id_number"] = master["id_number"][:-1] + bad
    note(s, "S-ID", "masters", "id_number", 0, "身份证号校验位错误")

    s = next(x for x in samples[5:] if x.data["studios"])
    s.data["studios"][0]["honours"] = "大同市劳动模范"
    note(s, "S-HONOR", "studios", "honours", 0, "主要荣誉不含通知所列荣誉")

    s = samples[6]
    base, cond = s.data["bases"][0], s.data["conditions"][0]
    tier = policy.tiers[base["tier"]]
    # One trainee short of the applied tier's threshold: the numbers now support a lower tier (or
    # none), which B-TIER-FIT reports; B-SCALE reports the same fact at the number itself. Raising
    # the applied tier instead would also break that tier's B-CERT and B-SUBSIDY.
    cond["training"] = tier.min_training - 1
    note(s, "B-TIER-FIT", "conditions", "supported_tier", 0, "申报档次高于数据支持的档次",
         also=[("B-TIER-FIT", "conditions", "tier", 0)])
    note(s, "B-SCALE", "conditions", "training", 0, "年培训规模比所报档次的门槛少 1 人次")

    s = samples[7]
    s.data["bases"][0]["mobile"] = "2" + s.data["bases"][0]["mobile"][1:]
    note(s, "C-PHONE", "bases", "mobile", 0, "手机号不以 1 开头")

    # The same unit recommended by a county (属地) and by a city department (市直): B-DUP at the bureau.
    county_sample, city_sample = samples[8], samples[-1]
    src, dst = county_sample.data, city_sample.data
    unit = src["bases"][0]["unit"]
    dst["bases"].append(dict(src["bases"][0]))
    dst["conditions"].append(dict(src["conditions"][0]))
    dst["funding"].append({"unit": unit, "amounts": [list(a) for a in src["funding"][0]["amounts"]]})
    dst["majors"].extend(dict(m) for m in src["majors"] if m["unit"] == unit)
    note(city_sample, "B-DUP", "bases", "unit", len(city_sample.data["bases"]) - 1,
         f"与 {county_sample.name} 重复推荐同一项目单位")


def receipt_dates(samples: list[Sample], policy: Policy) -> dict[str, str]:
    """When the bureau logged each sample in 收文登记.csv: one a day up to the deadline, and the
    second-to-last file a few days late (so that C-LATE has a case)."""
    start = policy.deadline - dt.timedelta(days=len(samples) + 1)
    out = {}
    for i, sample in enumerate(samples):
        day = start + dt.timedelta(days=i)
        if i == len(samples) - 2:
            day = policy.deadline + dt.timedelta(days=5)
        out[sample.name] = f"{day.isoformat()} {9 + i % 8:02d}:30"
    return out


def write_samples(outdir: str | Path, policy: Policy, seed: int = 2025, printed: int = 0) -> list[Path]:
    """Write the samples and manifest.json. `printed` clean samples (from the end) are written as the
    notice prints 附件7/附件8/表4-2 (write_printed) instead of in the project's workbook."""
    from macros_py.write.printed import write_printed_submission

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    samples = generate(policy, seed)
    notes = " ".join(b.note for s in samples for b in s.breaks)  # B-DUP names the other file
    clean = [s.name for s in samples if not s.breaks and s.name not in notes]
    if not 0 <= printed <= len(clean):
        raise UsageError(f"只有 {len(clean)} 个示例没有故意的错误，可按通知格式写出 0–{len(clean)} 个，不能写出 {printed} 个。")
    as_printed = set(clean[len(clean) - printed:]) if printed else set()
    paths = [(write_printed_submission if s.name in as_printed else write_filled)(outdir / s.name, s.data, policy)
             for s in samples]
    received = receipt_dates(samples, policy)
    register = "文件名,收文日期\r\n" + "".join(f"{name},{when}\r\n" for name, when in received.items())
    write_atomic(outdir / REGISTER_NAME, ("\ufeff" + register).encode("utf-8"))  # BOM: Excel reads it as UTF-8
    manifest = {
        "seed": seed,
        "policy_year": policy.year,
        "files": [{"file": s.name, "recommender": s.data["recommender"], "bases": len(s.data["bases"]),
                   "studios": len(s.data["studios"]), "layout": "printed" if s.name in as_printed else "template"}
                  for s in samples],
        "breaks": [{"file": s.name, "rule": b.rule, "sheet": b.sheet, "cell": b.cell, "note": b.note,
                    "also": [vars(m) for m in b.also]}
                   for s in samples for b in s.breaks],
        "received": received,
        "late": [name for name, when in received.items() if when[:10] > policy.deadline.isoformat()],
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    write_atomic(outdir / "manifest.json", text.encode("utf-8"))
    return paths
