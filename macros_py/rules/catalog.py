"""One entry per rule ID of docs/RULES.md: severity, where it is checked, Chinese title, and the message
and fix-hint templates every finding is built from (STYLE 2). Nothing else writes a message.

A rule may say different things (B-RATIO above 1:20 is 错误, below 1:16 提示), so an entry holds named
cases; each case has its severity and its two templates with named placeholders. Every entry also
has the case NA: the rule could not be applied to this file (a sheet or column is missing), which is
said once, as a 提示.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from macros_py.model.findings import ERROR, INFO, WARNING

COUNTY, BUREAU, REVIEW = "county", "bureau", "review"
NA = "na"
FAILED = "failed"


@dataclass(frozen=True)
class Case:
    severity: str
    message: str
    hint: str
    submitter: str = ""      # the hint as the recommender's clerk reads it (feedback), where `hint` speaks
                             # to the bureau's reviewer; placeholder-free, like the hint it replaces


@dataclass(frozen=True)
class RuleSpec:
    id: str
    severity: str            # the severity RULES.md gives (its main case)
    where: str               # COUNTY or BUREAU
    title: str
    cases: dict[str, Case] = field(default_factory=dict)


_NA = Case(INFO, "无法核对“{title}”：{reason}。", "该项需由审核人员按纸质材料核对；使用标准化申报工作簿可自动核对。",
           "本项无法从您的文件自动核对：请使用市人社局下发的标准化申报工作簿填报，或确认纸质材料中该项完整。")
_FAILED = Case(WARNING, "程序在核对“{title}”（{rule}）时出错（{error}），该项未核对；其余各项照常核对和汇总。",
               "请把收件文件夹（或该文件）发给系统维护人员；该项由审核人员人工核对。")
_MISSING = "“{column}”未填写。"
_NOT_NUMBER = "“{column}”应为数字，现为“{value}”。"
_NUMBER_HINT = "只填阿拉伯数字，不带单位或文字。"


def _spec(rule_id, severity, where, title, **cases) -> RuleSpec:
    built = {name: (c if isinstance(c, Case) else Case(severity, *c)) for name, c in cases.items()}
    built[NA] = _NA
    built[FAILED] = _FAILED
    return RuleSpec(rule_id, severity, where, title, built)


_SPECS = (
    # ------------------------------------------------------------------ training bases
    _spec("B-REQ", ERROR, COUNTY, "基地必填项",
          missing=(_MISSING, "请填写“{column}”。"),
          recommender=("推荐单位未填写。", "在{sheet}的 {cell} 填写或选择推荐单位（县区人社局或市直主管部门）。"),
          unknown_unit=("项目单位“{value}”不在“{bases}”中{near}。", "从下拉框选择附件7 已填的项目单位，或先在“{bases}”补填该基地。"),
          no_row=("基地“{value}”在“{other}”中没有对应的{what}。", "在“{other}”为该基地补填{what}。"),
          columns=("“{sheet}”缺少必填的列：{columns}。", "按通知的表头补上这些列并填写。")),
    _spec("B-ATTR", ERROR, COUNTY, "属性",
          bad=("属性“{value}”不是规定的选项。", "属性只能填：{choices}。")),
    _spec("B-TIER", ERROR, COUNTY, "申报档次",
          bad=("申报档次“{value}”不是 {choices} 之一。", "申报档次只能填 {choices} 中的一个字母。"),
          derived=Case(INFO, "附件7 没有填申报档次，按{source}读作 {value} 档。",
                       "核实档次；使用标准化申报工作簿时在“申报档次”列选择。")),
    _spec("B-MAJORS", WARNING, COUNTY, "特色专业数量",
          few=("只申报了 {count} 个专业，通知要求 {min}–{max} 个特色专业（职业）。",
               "核实专业数量；多个专业用顿号“、”分隔。"),
          many=("申报了 {count} 个专业，超过通知要求的 {min}–{max} 个特色专业（职业）。",
                "保留 {max} 个以内的特色专业；多个专业用顿号“、”分隔。")),
    _spec("B-SCALE", ERROR, COUNTY, "年培训规模",
          low=("年培训规模 {value} 人次，低于 {tier} 档要求的 {min} 人次。", "核实人数；达不到门槛的应改报较低档次。"),
          missing=(_MISSING, "填写年培训规模（人次）。"),
          not_number=(_NOT_NUMBER, _NUMBER_HINT)),
    _spec("B-CERT", ERROR, COUNTY, "年取得高级工证书人次",
          low=("年取得高级工证书 {value} 人次，低于 {tier} 档要求的 {min} 人次。", "核实人数；达不到门槛的应改报较低档次。"),
          missing=(_MISSING, "填写经培训后年度内取得高级工证书的人次。"),
          not_number=(_NOT_NUMBER, _NUMBER_HINT)),
    _spec("B-TIER-FIT", ERROR, COUNTY, "申报档次与数据相符",
          above=("申报 {tier} 档，但年培训规模 {training} 人次、高级工证书 {certs} 人次只够 {supported} 档。",
                 "改报 {supported} 档，或核实两项人数。"),
          none=("申报 {tier} 档，但年培训规模 {training} 人次、高级工证书 {certs} 人次达不到任何档次的门槛。",
                "核实两项人数；达不到 {lowest} 档门槛的不能申报。"),
          below=Case(INFO, "申报 {tier} 档，数据可支持更高的 {supported} 档。", "如确有依据可改报 {supported} 档；否则无需修改。")),
    _spec("B-RATIO", ERROR, COUNTY, "师生比",
          high=("师生比 1:{ratio}，每名教师对应的学员超过 {max} 名（要求 1:{min}–1:{max}）。",
                "核实专兼职教师数和在训学员数；师资不足的须补充教师。"),
          low=Case(INFO, "师生比 1:{ratio}，每名教师对应的学员少于 {min} 名（通知为 1:{min}–1:{max}）。",
                   "师资充足，无需修改；如人数填错请更正。"),
          missing=("“{column}”未填写，无法计算师生比。", "填写专兼职教师数和在训学员数。"),
          zero=("专兼职教师数为 0，无法计算师生比。", "填写专兼职教师人数。"),
          not_number=(_NOT_NUMBER, _NUMBER_HINT)),
    _spec("B-SENIOR", ERROR, COUNTY, "高级教师占比",
          low=("高级实习指导教师和技师占实训教师总数的 {share}%，低于 {min}%。", "核实人数；占比须达到 {min}% 以上。"),
          over=("高级实习指导教师及技师 {senior} 人，多于实训教师总数 {total} 人。", "核实两项人数。"),
          missing=("“{column}”未填写，无法计算高级教师占比。", "填写实训教师总数和高级实习指导教师及技师人数。"),
          zero=("实训教师总数为 0，无法计算高级教师占比。", "填写实训教师总数。"),
          not_number=(_NOT_NUMBER, _NUMBER_HINT)),
    _spec("B-COOP", ERROR, COUNTY, "校企合作企业数",
          low=("与 {value} 家大中型企业建立校企合作，少于 {min} 家。", "须与 {min} 家以上大、中型企业建立稳定的校企合作关系。"),
          missing=(_MISSING, "填写建立稳定校企合作关系的大中型企业数。"),
          not_number=(_NOT_NUMBER, _NUMBER_HINT)),
    _spec("B-EDUFUND", ERROR, COUNTY, "职工教育经费（企业办基地）",
          low=("职工教育经费用于高技能人才培养的比例为 {value}%，低于 {min}%。", "企业办基地此比例须不低于 {min}%，并附证明材料。"),
          missing=("属性为“{attribute}”的基地须填写职工教育经费用于高技能人才培养的比例。", "填写百分数（不低于 {min}）。"),
          not_number=(_NOT_NUMBER, _NUMBER_HINT)),
    _spec("B-PENALTY", ERROR, COUNTY, "近3年无处罚和失信惩戒",
          bad=("“{column}”为“{value}”：近 {years} 年受过刑事行政处罚或失信联合惩戒的单位不能申报。",
               "如确无处罚和惩戒，请改填“是”并附证明材料；否则不能申报。"),
          missing=(_MISSING, "填“是”或“否”。")),
    _spec("B-ALREADY", ERROR, COUNTY, "未获国家级或省级基地",
          bad=("已是国家级或省级高技能人才培训基地（“{column}”为“{value}”），不再申报市级基地。", "撤回该基地的申报；如填错请改为“否”。"),
          missing=(_MISSING, "填“是”或“否”。")),
    _spec("B-SUBSIDY", ERROR, COUNTY, "上级财政补助与档次",
          mismatch=("上级财政补助合计 {amount} 万元，与 {tier} 档的补助 {subsidy} 万元不符。",
                    "调整三项内容的上级财政补助金额，使合计为 {subsidy} 万元。")),
    _spec("B-SUMS", ERROR, COUNTY, "表4-2 合计",
          column=("“{column}”合计行为 {typed}，三项内容相加为 {computed}（相差 {diff}）。", "使合计行等于三项内容之和。"),
          row=("本行各资金来源相加为 {computed} 万元，合计栏为 {typed} 万元（相差 {diff}）。", "使合计栏等于本行各来源金额之和。")),
    _spec("B-SHARES", ERROR, COUNTY, "表4-2 比例",
          share=("“{column}”为 {typed}%，按金额 ÷ 本行合计 × 100 应为 {computed}%。", "比例由金额除以本行合计乘 100 得出，请按此更正。"),
          sum=("本行各来源的比例相加为 {typed}%，不是 100%。", "核对本行各来源的比例。")),
    _spec("B-MAJOR-BUDGET", WARNING, COUNTY, "专业预算与表4-2",
          mismatch=("“{content}”：各专业预算合计 {major_sum} 万元，表4-2 中为 {amount} 万元（相差 {diff}）。",
                    "使各专业在该项内容上的预算之和等于表4-2 中的金额。")),
    _spec("B-DUP", ERROR, BUREAU, "属地与市直重复推荐",
          dup=("项目单位“{value}”同时由“{first}”和“{second}”推荐。", "同一项目不得同时通过属地人社部门和市直主管部门申报，请协调撤回其一。"),
          same_channel=Case(WARNING, "项目单位“{value}”同时由同一渠道的“{first}”和“{second}”推荐。",
                            "同一项目只应由一个推荐单位推荐，请核实后协调撤回其一。")),
    _spec("B-QUOTA", INFO, BUREAU, "各档申报数与名额",
          ratio=("{tier} 档：申报 {count} 个，名额 {places} 个（{ratio}:1）。", "供评审参考。"),
          untiered=("档次未填：{count} 个基地的报送文件没有给出申报档次（附件7 无“申报档次”列、备注和表4-2 也看不出），未计入各档。",
                    "请推荐单位补报档次，或由审核人员按申报材料确定。")),
    # ------------------------------------------------------------------ master studios
    _spec("S-REQ", ERROR, COUNTY, "工作室必填项",
          missing=(_MISSING, "请填写“{column}”。"),
          recommender=("推荐单位未填写。", "在{sheet}的 {cell} 填写或选择推荐单位（县区人社局或市直主管部门）。"),
          unknown_leader=("领办人“{value}”不在“{studios}”中。", "从下拉框选择附件8 已填的领办人，或先在“{studios}”补填该工作室。"),
          no_row=("领办人“{value}”在“{other}”中没有对应的一行。", "在“{other}”为该技能大师补填一行（附件4 信息）。"),
          columns=("“{sheet}”缺少必填的列：{columns}。", "按通知的表头补上这些列并填写。")),
    _spec("S-HONOR", WARNING, COUNTY, "主要荣誉",
          none=("主要荣誉“{value}”中没有通知所列的荣誉。", "通知要求：{honours}。如有请写明；否则由评审人员核实。")),
    _spec("S-LEVEL", WARNING, COUNTY, "职业技能等级",
          low=("职业技能等级“{value}”不是高技能人才等级。", "技能大师应为：{levels}。")),
    _spec("S-SIZE", ERROR, COUNTY, "工作室规模",
          unparsed=("工作室规模“{value}”无法识别出面积（㎡）和人数。", "按“120㎡ 8人”的格式填写面积和人数。"),
          not_number=(_NOT_NUMBER, _NUMBER_HINT),
          not_positive=("“{column}”为 {value}，应大于 0。", "填写工作室的实际面积和人数。")),
    _spec("S-EDUFUND", ERROR, COUNTY, "职工教育经费（依托企业的工作室）",
          low=("职工教育经费用于高技能人才培养的比例为 {value}%，低于 {min}%。", "依托企业的工作室此比例须不低于 {min}%，并附证明材料。"),
          missing=("单位性质为“{nature}”的工作室须填写职工教育经费用于高技能人才培养的比例。", "填写百分数（不低于 {min}）。"),
          not_number=(_NOT_NUMBER, _NUMBER_HINT)),
    _spec("S-ALREADY", ERROR, COUNTY, "未获国家级或省级工作室",
          bad=("已是国家级或省级技能大师工作室（“{column}”为“{value}”），不再申报市级工作室。", "撤回该工作室的申报；如填错请改为“否”。"),
          missing=(_MISSING, "填“是”或“否”。")),
    _spec("S-ID", ERROR, COUNTY, "身份证号",
          length=("身份证号“{value}”有 {length} 位，应为 18 位。", "按居民身份证填写 18 位号码（末位可为 X）。"),
          format=("身份证号“{value}”含有不该有的字符。", "前 17 位为数字，末位为数字或 X。"),
          checksum=("身份证号“{value}”的校验位不对（按前 17 位应为 {expected}）。", "对照身份证逐位核对，通常是某一位抄错。"),
          date=("身份证号“{value}”中的出生日期 {digits} 不是有效日期。", "对照身份证核对第 7–14 位。"),
          future=("身份证号“{value}”中的出生日期 {birth} 晚于今天。", "对照身份证核对第 7–14 位。"),
          number=("身份证号被存成了数字（{value}），末几位已丢失。", "把单元格设为“文本”格式后重新输入 18 位号码。"),
          sex=("性别填“{value}”，身份证号第 17 位表示“{expected}”。", "核对性别或身份证号。"),
          birth=("出生年月为 {value}，身份证号中为 {expected}。", "核对出生年月或身份证号。"),
          region=Case(INFO, "身份证号“{value}”的前 6 位 {code} 不在现行或历史行政区划代码中。",
                      "校验位正确，号码可以使用；请对照身份证确认前 6 位。")),
    _spec("S-APPRENTICE", WARNING, COUNTY, "年培养青年骨干和学徒",
          low=("年培养青年技术技能骨干和学徒 {value} 人，少于 {min} 人。", "工作室每年应培养 {min} 人以上。"),
          missing=(_MISSING, "填写每年计划培养的青年技术技能骨干和学徒人数。"),
          not_number=(_NOT_NUMBER, _NUMBER_HINT)),
    _spec("S-QUOTA", INFO, BUREAU, "工作室申报数与名额",
          ratio=("技能大师工作室：申报 {count} 个，名额 {places} 个。", "供评审参考。")),
    _spec("S-DUP", ERROR, BUREAU, "技能大师重复申报",
          dup=("技能大师“{value}”在“{first}”和“{second}”中重复出现。", "同一技能大师全市只能申报一个工作室。")),
    # ------------------------------------------------------------------ review (notice 二（二）–（五）, 表5; macros_py/review)
    _spec("R-PANEL", ERROR, REVIEW, "评审专家组",
          list_few=("专家名单有 {count} 名专家，少于 {min} 名。", "表5 说明：专家人数不得少于 {min} 人；请增补专家。"),
          list_even=("专家名单有 {count} 名专家，不是单数。", "表5 说明：专家人数应为单数；请增减一名专家。"),
          project=("“{project}”的有效评分专家 {count} 名（{why}），不符合“不少于 {min} 人、单数”。",
                   "增补或调整专家，使该项目的评审专家不少于 {min} 人且为单数；在此之前该项目不进入建议名单。"),
          missing=("专家“{expert}”的评分表没有收回。", "收回该专家签名的评分表，放入评分表文件夹后重新汇总。"),
          duplicate=("专家“{expert}”有两份内容不同的评分表：{files}。", "只保留该专家最终签名的一份，删除另一份后重新汇总；在此之前两份都不计分。"),
          unknown=("评分表的专家“{expert}”不在专家名单中。", "核对专家名单，或用 shenbao review prepare 重新生成评分表。"),
          stale=("{what}依据的项目清单与当前的汇总工作簿不同（{diff}）：汇总工作簿在它发出后又重新汇总过。",
                 "用当前的汇总工作簿重新运行 shenbao review prepare 并重新评分；过期评分表的分数不计入。")),
    _spec("R-SCORE", ERROR, REVIEW, "评分",
          unscored=("“{project}”的“{criterion}”没有评分。", "请专家在此格填写 0–{max} 分。"),
          range=("“{project}”的“{criterion}”评分 {value} 不在 0–{max} 之间。", "请专家改为 0–{max} 之间的分数。"),
          not_number=("“{project}”的“{criterion}”评分“{value}”不是数字。", "只填阿拉伯数字（可有小数），不带“分”等文字。")),
    _spec("R-RECUSE", ERROR, REVIEW, "回避",
          scored=("专家“{expert}”应回避“{project}”（{reason}），却填写了评分。", "删去该行评分；这些分数不计入该项目得分。")),
    _spec("R-REVIEWED", ERROR, REVIEW, "材料复核合格方可评审",
          scored=("“{project}”材料复核结论为“{status}”，却被评分。", "只有复核合格的项目进入评审；这些分数不计入，该项目不进入建议名单。"),
          open=("“{project}”的复核结论未填写。", "在复核表填写“合格”或“不合格”；未填的项目不进入建议名单。"),
          bad=("“{project}”的复核结论“{value}”不是“合格”或“不合格”。", "从下拉框选择“合格”或“不合格”。"),
          no_reason=("“{project}”复核不合格，但没有写明原因。", "在“不合格原因”栏写明原因（公示和答复异议时需要）。")),
    _spec("R-TIE", WARNING, REVIEW, "名额线上并列",
          tie=("{tier}名额线上并列：{projects} 同为 {score} 分，剩余名额 {left} 个。",
               "由市人社局在人工裁定工作簿“并列裁定”中逐个填写“入选”或“不入选”后重新汇总；程序不自行排序。")),
    _spec("R-VACANT", INFO, REVIEW, "名额空缺",
          vacant=("{tier}名额 {places} 个，只有 {count} 个合格项目可入选，空缺 {vacant} 个。", "名额空缺如实上报；是否补充评审由市人社局决定。")),
    # ------------------------------------------------------------------ common
    _spec("C-USCC", ERROR, COUNTY, "统一社会信用代码",
          length=("统一社会信用代码“{value}”有 {length} 位，应为 18 位。", "对照营业执照或事业单位法人证书填写 18 位代码。"),
          format=("统一社会信用代码“{value}”含有不允许的字符（不用 I、O、Z、S、V）。", "对照证照逐位核对。"),
          checksum=("统一社会信用代码“{value}”的校验位不对。", "对照证照逐位核对，通常是某一位抄错。"),
          number=("统一社会信用代码被存成了数字（{value}），已丢失位数。", "把单元格设为“文本”格式后重新输入。")),
    _spec("C-PHONE", WARNING, COUNTY, "电话号码",
          mobile=("手机号“{value}”不是 11 位、以 13–19 开头的号码。", "填写 11 位手机号码，不加区号和空格。"),
          landline=("电话“{value}”不像有效的号码。", "固定电话填 7–8 位号码，可加区号，如 {area}-7930134；也可填手机号。")),
    _spec("C-EMAIL", WARNING, COUNTY, "电子邮箱",
          bad=("电子邮箱“{value}”格式不对。", "形如 name@example.com，不含空格和中文标点。")),
    _spec("C-POSTCODE", WARNING, COUNTY, "邮政编码",
          bad=("邮政编码“{value}”不是 6 位数字。", "填写 6 位邮政编码，大同市为 {prefix}xxx。"),
          other=("邮政编码“{value}”不是大同市的邮编（{prefix}xxx）。", "核实邮编；项目在大同市的应为 {prefix}xxx。")),
    _spec("C-ROWDUP", ERROR, COUNTY, "重复的行",
          dup=("与第 {first_row} 行重复（{what}）。", "删除重复的一行，或核实是否填错。"),
          differs=("与第 {first_row} 行是同一项目（{what}），但{differs}不同；汇总表只收第 {first_row} 行，本行的这些内容没有汇总。",
                   "同一单位只申报一个项目：如是两个校区或两次填写，合并为一行（如申报专业合并填写）；如填重了，删除一行。")),
    _spec("C-HIDDEN", WARNING, COUNTY, "隐藏或划掉的内容",
          row=("第 {row} 行被隐藏，视为已撤回的项目，未汇总（{text}）。",
               "如该项目仍要申报，取消隐藏后重新报送；否则删除该行。"),
          struck=("第 {row} 行的文字有删除线，视为已撤回的项目，未汇总（{text}）。",
                  "如该项目仍要申报，去掉删除线后重新报送；否则删除该行。"),
          filtered=("第 {row} 行被自动筛选隐藏（文件保存时筛选未清除），暂未汇总（{text}）。",
                    "如该项目要申报，清除筛选后重新报送；市人社局也可在人工裁定中将其作为项目汇总。"),
          noted=("第 {row} 行的备注写着“{note}”，视为已撤回的项目，未汇总（{text}）。",
                 "如该项目仍要申报，改正备注后重新报送；否则删除该行。"),
          sheet=("工作表“{sheet}”是{how}的，其中的 {count} 行视为旧数据，未汇总。",
                 "如其中的项目仍要申报，取消隐藏该工作表后重新报送；否则删除该工作表。"),
          column=("{hidden} 列“{header}”被隐藏，而 {shown} 列是同名的未隐藏列：按 {shown} 列汇总，"
                  "隐藏的 {hidden} 列视为旧数据，未汇总。",
                  "如隐藏的列是旧数据，删除该列；如应以它为准，取消隐藏并删除 {shown} 列后重新报送。")),
    _spec("C-VALUE", WARNING, COUNTY, "需要解读的值",
          # the reader's hard limit on one cell's text (read.safety.Limits.max_text): cut there
          too_long=("单元格的文字有 {length} 个字符，超过读取上限 {limit} 个字符；只读取了前 {limit} 个字符。",
                    "单元格里只填简要内容，详细说明放到附件材料中。"),
          approx=("“{column}”填的是“{value}”，是约数；按 {read} 读取。", "填写确切的数字（只填阿拉伯数字）。"),
          prose=("“{column}”填的是一段文字“{value}”，从中读出 {read}。", "只填阿拉伯数字，不带文字。"),
          several=("“{column}”的“{value}”中有几个数（{numbers}），无法确定是哪一个，{read}。",
                   "只填一个数字；需要说明的写在备注中。"),
          unit=("“{column}”的“{value}”单位是“{unit}”，本列应为{expected}，{read}。", "按本列的单位填写数字。"),
          converted=("“{column}”的“{value}”单位是“{unit}”，按 {read} 读取。", "按本列的单位填写数字。"),
          year_only=("“{column}”只填了年份“{value}”，读作 {read}。", "填写年和月，如 1975-03。"),
          dot_month=("“{column}”为数字 {value}，读作 {read}；也可能是 10 月（1975.10 存成数字后末尾的 0 会丢失）。",
                     "按“1975-10”或“1975年10月”填写，或把单元格设为日期格式。"),
          no_total=Case(INFO, "“{sheet}”没有“合计”行：合计按各项内容相加计算。", "按通知表式在各项内容之上填写“合计”行。"),
          abbrev=Case(INFO, "“{column}”填的是“{value}”，是选项的开头，按“{read}”读取。", "从下拉框选择完整的选项，或照通知写全称。"),
          yuan_table=Case(INFO, "表头“{value}”的金额以元为单位：各金额已除以 10000，按万元读取。",
                          "表4-2 的金额按万元填写（通知表式为“金额（万元）”）。"),
          dot_month_id=Case(INFO, "“{column}”为数字 {value}，可能是 1 月也可能是 10 月（1975.10 存成数字后末尾的 0 会丢失）；"
                                  "同一行的身份证号为 10 月，按 {read} 读取。",
                            "按“1975-10”或“1975年10月”填写（文本），数字会丢掉末尾的 0。"),
          date_number=("“{column}”填的是数字 {value}，在日期格式的格子里显示为 {shown}；按 {read} 读取。",
                       "按“1975-03”或“1975年3月”填写。"),
          serial=("“{column}”为数字 {value}，按 Excel 的日期序号读作 {read}。", "把单元格设为日期格式，或按“1975-03”填写。"),
          short_year=("“{column}”的“{value}”只有两位年份，读作 {read}。", "填写四位年份，如 1975-03。"),
          chinese=("“{column}”的“{value}”用汉字写日期，读作 {read}。", "按“1975-03”填写。"),
          month_first=("“{column}”的“{value}”月份在前，读作 {read}。", "按“1975-03”填写。"),
          unread=("“{column}”的“{value}”不是可以识别的日期，{read}。", "按“1975-03”或“1975年3月”填写。"),
          long=("“{column}”有 {length} 字，超过 Excel 单元格能容纳的 {limit} 字；汇总表中该格只显示开头，全文保存在汇总数据（JSON）中。",
                "精简文字，或把详细内容放在申报材料中。")),
    _spec("C-EMPTY", ERROR, COUNTY, "空白的报送文件",
          empty=("文件中没有任何基地或工作室：{sheets}都没有填写项目。",
                 "在附件7 填写培训基地、在附件8 填写技能大师工作室后重新报送；如确实没有项目可推荐，请以公文说明，不必报送空表。")),
    _spec("C-TEMPLATE", ERROR, BUREAU, "工作簿格式",
          unusable=("文件无法使用：{reason}", "按提示处理后重新报送。"),
          version=Case(WARNING, "模板版本为 {version}（{year} 年度），与当前的 {current}（{current_year} 年度）不同。",
                       "请使用市人社局下发的最新标准化申报工作簿重新填报。"),
          vba=Case(INFO, "工作簿含有 VBA 宏工程；只读取了数据，没有运行任何宏。", "报送文件不需要宏，可另存为 .xlsx 后报送。"),
          unread=Case(WARNING, "工作表“{sheet}”紧接在“{previous}”之后，像是它的续页，但各列与它的表头对不上"
                      "（项目单位或领办人一列不是名称），没有读取。",
                      "把这些行接到“{previous}”的表中，或在该表上方加上与“{previous}”相同的表头后重新报送。"),
          picture=Case(WARNING, "工作表“{sheet}”里只有图片（粘贴或截图的表格），没有可以读取的单元格：图片里的项目没有汇总。",
                       "请在单元格中按通知附件7/附件8 的表头填写（不要粘贴截图）后重新报送。"),
          unread_other=Case(INFO, "工作表“{sheet}”有内容，但找不到附件7、附件8 或表4-2 的表头，没有读取。",
                            "其中如有项目，请在该表上方加上与附件7/附件8 相同的表头后重新报送。"),
          continued=Case(INFO, "工作表“{sheet}”没有表头，按前一工作表“{previous}”的表头作为续页读取（从 {cell} 起）。",
                         "请核对该表各列与“{previous}”的表头一一对应；最好把续页的行接在原表下面。")),
    _spec("C-LATE", WARNING, BUREAU, "逾期报送",
          late=("{received} 收到，晚于报送截止日 {deadline}。", "由审核人员决定是否受理。",
                "文件晚于截止日收到，是否受理由市人社局决定；如需补报或改正，请尽快联系。")),
    _spec("C-MISSING", INFO, BUREAU, "未报送的推荐单位",
          missing=("“{value}”尚未报送。", "联系该推荐单位报送，或确认其无项目推荐。")),
    _spec("C-RECOMMENDER", ERROR, COUNTY, "推荐单位",
          unknown=("{where}写的推荐单位“{value}”不是政策文件所列的推荐单位，也不是其登记的简称。",
                   "按全称填写推荐单位（县区人社局或市直主管部门，如“{example}”）；如确为推荐单位，由市人社局在人工裁定中确认。"),
          missing=("推荐单位行和各行的“推荐单位”列都没有填写推荐单位{hint}。",
                   "在“推荐单位：”行填写本文件的推荐单位（盖章单位的全称，如“{example}”）后重新报送；"
                   "在此之前由市人社局在人工裁定中确认是哪个推荐单位。"),
          page=Case(INFO, "推荐单位写在工作表“{sheet}”的{place}里（“{value}”），不在表格的单元格中；已按它汇总。",
                    "把“推荐单位：”行写在表格上方的单元格里（盖章处）。"),
          two_lines=("本文件有不同推荐单位的推荐单位行：{value}。一个文件只应是一个推荐单位的报送："
                     "本文件的项目都按第一个推荐单位行“{line}”汇总，也包括“{other}”表中的项目，“{other}”仍算未报送。",
                     "请“{other}”单独报送自己的项目；本文件删去“{other}”的表格后重新报送。"),
          several=("推荐单位行为空，各行的“推荐单位”列写了不同的单位：{value}。",
                   "在“推荐单位：”行填写本文件的推荐单位（一个文件只报一个推荐单位）。"),
          differs=Case(WARNING, "推荐单位行写的是“{line}”，而“推荐单位”列有 {count} 行写的是“{value}”；"
                                "本文件按推荐单位行（盖章单位）“{line}”汇总。",
                       "一个文件只报一个推荐单位：把这些行的推荐单位改为“{line}”；如确为“{value}”推荐的项目，"
                       "请由“{value}”单独报送。")),
)

CATALOG: dict[str, RuleSpec] = {spec.id: spec for spec in _SPECS}


def county_ids() -> list[str]:
    return [s.id for s in _SPECS if s.where == COUNTY]


def submitter_hint(rule_id: str, hint: str) -> str:
    """The hint for the submitting clerk: the case's `submitter` text where its hint is the reviewer's."""
    spec = CATALOG.get(rule_id)
    for c in spec.cases.values() if spec else ():
        if c.submitter and c.hint == hint:
            return c.submitter
    return hint


def case_of(rule_id: str, case: str) -> Case:
    return CATALOG[rule_id].cases[case]


def render(rule_id: str, case: str, params: dict) -> tuple[str, str, str]:
    """(severity, message, hint) of one case with its placeholders filled. A missing placeholder is a
    bug in the rule that raised it, so it fails loudly (KeyError) in tests rather than print braces."""
    spec = CATALOG[rule_id]
    c = spec.cases[case]
    values = {"title": spec.title, "rule": rule_id, **params}
    return c.severity, c.message.format_map(values), c.hint.format_map(values)
