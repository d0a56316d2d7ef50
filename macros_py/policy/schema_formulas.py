"""The Excel text the schema's columns and checks are made of: expressions built from the policy (the
tier ladder, the per-tier numbers, 条件是否满足) and the conditions that check identifiers (GB 11643,
GB 32100), phones, e-mail and postcodes. Placeholders as in schema.py; no logic runs here.
"""

from __future__ import annotations

from macros_py.policy.load import Policy

# ---------------------------------------------------------------- formulas built from the policy

MAJOR_SEPARATORS = "、，,;；/／"      # what separates the majors typed in 申报专业 (B-MAJORS)


def _tier_ladder(policy: Policy) -> str:
    """Nested IF giving the highest tier whose two thresholds [training] and [certs] reach."""
    expr = '"不达标"'
    for tier in reversed(list(policy.tiers.values())):
        expr = (f'IF(AND([training]>={tier.min_training},[certs]>={tier.min_senior_certs}),'
                f'"{tier.name}",{expr})')
    return expr


def _per_tier(policy: Policy, attr: str) -> str:
    """The applied tier's number (its subsidy, a threshold), 0 when the tier is blank or unknown."""
    expr = "0"
    for tier in reversed(list(policy.tiers.values())):
        expr = f'IF([tier]="{tier.name}",{getattr(tier, attr)},{expr})'
    return expr


def _majors_count() -> str:
    text = "TRIM([majors])"
    seps = "+".join(f'LEN({text})-LEN(SUBSTITUTE({text},"{c}",""))' for c in MAJOR_SEPARATORS)
    return f"IF(LEN({text})=0,0,1+{seps})"


def expressions(policy: Policy) -> dict[str, str]:
    """Named Excel expressions that formulas and checks share, built from the policy."""
    ent_attr = ",".join(f'[attribute]="{a}"' for a in policy.base["enterprise_attributes"])
    ent_nature = ",".join(f'[nature]="{n}"' for n in policy.studio["enterprise_natures"])
    return {
        "tier_ladder": _tier_ladder(policy),
        "tier_subsidy": _per_tier(policy, "subsidy"),
        "tier_min_training": _per_tier(policy, "min_training"),
        "tier_min_certs": _per_tier(policy, "min_senior_certs"),
        "majors_count": _majors_count(),
        "enterprise_base": f"AND(LEN([unit])>0,OR({ent_attr}))",
        "enterprise_studio": f"AND(LEN([leader])>0,OR({ent_nature}))",
        "is_head": '[content]="合计"',
        "tier_order": '"' + "".join(policy.tiers) + '"',
        "verdict": _base_verdict(policy),
    }


def _base_verdict(policy: Policy) -> str:
    """条件是否满足: 满足, or 不满足： followed by the failed conditions (no TEXTJOIN before 2019)."""
    order = "".join(policy.tiers)
    ent = ",".join(f'[attribute]="{a}"' for a in policy.base["enterprise_attributes"])
    parts = [
        f'IF(OR([supported_tier]="不达标",IFERROR(FIND([tier],"{order}")<FIND([supported_tier],"{order}"),FALSE)),"档次 ","")',
        'IF(AND([ratio]<>"",N([ratio])>[P:base_conditions.ratio_max_trainees_per_teacher]),"师生比 ","")',
        'IF(AND([senior_share]<>"",N([senior_share])<[P:base_conditions.senior_teacher_share_min]),"高级教师占比 ","")',
        'IF(N([coop])<[P:base_conditions.coop_enterprises_min],"合作企业数 ","")',
        f'IF(AND(OR({ent}),N([edu_fund_share])<[P:base_conditions.edu_fund_share_min]),"职工教育经费 ","")',
        'IF([no_penalty]<>"是","近3年处罚或惩戒 ","")',
        'IF([already]="是","已是国家级或省级基地 ","")',
    ]
    failed = "&".join(parts)
    return (f'IF([unit]="","",IF(OR([training]="",[certs]="",[teachers]="",[trainees]=""),"数据未填全",'
            f'IF({failed}="","满足","不满足："&TRIM({failed}))))')


def lookup(sheet: str, column: str, key: str = "unit") -> str:
    """The `column` of the row of `sheet` whose `key` matches this row's; blank when there is none,
    and blank (not 0, as INDEX of an empty cell shows) when that cell is empty."""
    found = f"INDEX([{sheet}.{column}],MATCH([{key}],[{sheet}.{key}],0))"
    return f'=IF([{key}]="","",IFERROR(IF({found}="","",{found}),""))'


# ---------------------------------------------------------------- reusable check conditions

REQ = '=AND([in_use],LEN(TRIM({c}))=0)'
_IDCARD_W = "{7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2}"
_POS17 = "{1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17}"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_W = "{1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28}"


def idcard_bad(c: str) -> str:
    """TRUE when an 18-digit ID number has a wrong length, check digit or birth date (GB 11643)."""
    date = f"DATE(MID({c},7,4),MID({c},11,2),MID({c},13,2))"
    return (f'=AND(LEN({c})>0,IFERROR(OR(LEN({c})<>18,'
            f'MID("10X98765432",MOD(SUMPRODUCT(--MID({c},{_POS17},1),{_IDCARD_W}),11)+1,1)<>UPPER(RIGHT({c},1)),'
            f'TEXT({date},"yyyymmdd")<>MID({c},7,8),{date}>TODAY()),TRUE))')


def uscc_bad(c: str) -> str:
    """TRUE when a 统一社会信用代码 has a wrong length or check character (GB 32100)."""
    u = f"UPPER({c})"
    total = f'SUMPRODUCT((FIND(MID({u},{_POS17},1),"{_USCC_CHARS}")-1)*{_USCC_W})'
    return (f'=AND(LEN({c})>0,IFERROR(OR(LEN({c})<>18,'
            f'MID("{_USCC_CHARS}",MOD(31-MOD({total},31),31)+1,1)<>RIGHT({u},1)),TRUE))')


def mobile_bad(c: str) -> str:
    return (f'=AND(LEN({c})>0,IFERROR(OR(LEN({c})<>11,LEFT({c},1)<>"1",'
            f'ISERROR(FIND(MID({c},2,1),"3456789")),NOT(ISNUMBER(--{c}))),TRUE))')


def phone_bad(c: str) -> str:
    digits = f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({c},"-",""),"－","")," ","")'
    return (f'=AND(LEN({c})>0,IFERROR(NOT(AND(ISNUMBER(--{digits}),OR(LEN({digits})=7,LEN({digits})=8,'
            f'LEN({digits})=11,LEN({digits})=12))),TRUE))')


def email_bad(c: str) -> str:
    return (f'=AND(LEN({c})>0,IFERROR(OR(LEN({c})-LEN(SUBSTITUTE({c},"@",""))<>1,'
            f'ISERROR(FIND(".",{c},FIND("@",{c})+2)),ISNUMBER(FIND(" ",{c})),RIGHT({c},1)="."),TRUE))')


def postcode_bad(c: str) -> str:
    return f'=AND(LEN({c})>0,IFERROR(OR(LEN({c})<>6,NOT(ISNUMBER(--{c}))),TRUE))'
