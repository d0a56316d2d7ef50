"""Is a row under a table's header a project? What clerks put between and under the projects.

Totals (合计, 小计, 共N个), end marks (以下空白, 此处空白), category sub-headings (一、职业院校类),
signature and contact lines (填表人, 审核人, 联系电话, 填报日期, 盖章, 年 月 日), remarks (注：…) and
the notice's guidance copied with the form (可写简称, XX㎡ XX人) are not projects. They are recognised
by what they are made of, not by a list of exact strings: a total is a cell that begins with a total
word or counts items; a sub-heading is one text alone on its row that is numbered, names a category
or is merged across the columns; a signature line is a cell that begins with a role or contact label
(with or without a colon), a date line, or a seal mark; guidance holds placeholders (XX, ××) or the
notice's own examples; a row of column numbers under the header (1 2 3 …, 甲 乙 丙 …) numbers columns,
and a number alone in the name column is a count, not a name. The caller lists each such row as 非项目行 with the reason returned here.
"""

from __future__ import annotations

import re

from macros_py.model.normalize import norm_key
from macros_py.read.grid import Grid

_TOTAL = re.compile(r"^(以上)?(合计|小计|总计|共计|累计|总数|汇总|总和)|^共\d+(个|家|项|所|人|名|户|条|行)|"
                    r"^(合计|小计|总计|共计)|(合计|小计|总计)[:：]?$")
_COUNT = re.compile(r"^共(有|计)?\d+")
_BLANK = re.compile(r"空白|^以下(无|为空|没有)|^(此|本)(行|处)(以下)?(无|为空)|^无(内容|数据)?$|^以下略")
_ROLES = ("填表人", "填报人", "制表人", "经办人", "审核人", "审批人", "复核人", "核稿人", "负责人", "单位负责人",
          "主要负责人", "分管领导", "主管领导", "领导签字", "签字", "签名", "联系人", "联系电话", "联系方式",
          "电话", "手机", "座机", "传真", "邮箱", "电子邮箱", "填报日期", "填表日期", "报送日期", "制表日期", "日期",
          "填报时间", "报送时间", "单位盖章", "盖章", "公章", "签章", "推荐单位意见", "审核意见", "单位意见")
_ROLES += ("报送单位", "填报单位", "推荐单位", "单位名称及盖章", "E-MAIL", "EMAIL", "Email", "E-mail")
# A role or contact label at the start of a cell: 填表人：, 审核人 (alone), 负责人签字：, 联系电话（手机）：
_ROLE = re.compile(r"^[（(]?(" + "|".join(sorted(_ROLES, key=len, reverse=True)) + r")[)）]?"
                   r"(签字|签名|签章|盖章)?\s*([（(][^)）]{0,8}[)）])?\s*([:：]|\s|$)")
# What a text _ROLE matches can begin with: a bracket or a role's first character (most cells begin
# otherwise, and are not matched at all).
_ROLE_FIRST = frozenset("（(" + "".join(role[0] for role in _ROLES))


def _is_role(text: str) -> bool:
    """_ROLE.match(text.strip()), without the regex for a text that cannot begin a role line."""
    text = text.strip()
    return text[:1] in _ROLE_FIRST and _ROLE.match(text) is not None


_UNIT_END = re.compile(r"(学校|学院|大学|中心|公司|集团|厂|局|委员会|委|工会|协会|学会|研究院|研究所|基地|医院|站|社|馆|队|部|处|所|室|园|场|会|院|校|矿|店|行)$")
_SEALED = re.compile(r"[（(]\s*(盖章|公章|签章|签字|签名)\s*[)）]")
_DATE_LINE = re.compile(r"^(\d{4}|[〇零一二三四五六七八九○]{4})?\s*年\s*\d{0,2}\s*月\s*\d{0,2}\s*日?$")
_SEAL_ONLY = re.compile(r"^[（(]?\s*(盖章|公章|签章|章|签字|印章)\s*[)）]?$")
_REMARK = re.compile(r"^(备注|注|说明|填表说明|填报说明|附注|注意|特别说明)\s*\d*\s*[:：、]")
_REMARK_LABEL = re.compile(r"^(备注|注|说明|填表说明|填报说明|附注|注意|特别说明)\s*\d*\s*[:：、]?$")
NOTICE_FOOTER = "此表由推荐单位填写"
_ENUM = re.compile(r"^([一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|"
                   r"第[一二三四五六七八九十\d]+(类|部分|批|组)|\d{1,2}\s*[、．]|[A-Za-z]\s*[、.．]\D|[ⅠⅡⅢⅣⅤ]+\s*[、.．]?)")
_CATEGORY = re.compile(r"(类|类别|类型|部分)[:：]?$|^(院校|企业|行业|职业院校|技工院校|市直|县区|属地|其他|其它)[:：]?$|"
                       r"^(第?[一二三四五六七八九十\dA-Za-z]{1,3})类")
_COUNTED = re.compile(r"[（(]\s*(共|计)?\s*\d+\s*(个|家|所|项|人|名)\s*[)）]$")   # 职业院校（3个）
# A cell that only numbers a column: 1, (2), ③, 甲, 一, A
_COLUMN_MARK = re.compile(r"^[（(]?(\d{1,2}(\.0)?|[一二三四五六七八九十]{1,3}|[甲乙丙丁戊己庚辛壬癸]|[A-Z])[)）]?$|^[①-⑳]$")
_PERSON = re.compile(r"^[\u3400-\u9fff]{2,5}$|^[\u3400-\u9fff]{1,8}[·•・.．][\u3400-\u9fff]{1,10}$")
_NOT_NAMES = frozenset(("同上", "待定", "暂无", "不详", "未定", "另附", "见附件", "详见附件"))
_PLACEHOLDER = re.compile(r"XX|××|xx|X{3,}|x{3,}|\*\*|＊＊|○○|可写简称|公章全称|填写示例|^示例|^例[:：]|^如[:：]|按此格式")


_FRAME = "（）()【】[]〔〕<>《》—－-_~～·•.。*＊#＃ "   # what frames a mark: （以下无）, ——以下空白——


def _shorten(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def row_kind(grid: Grid, row: int, cells: list[tuple[int, str]], *, link_col: int | None,
             seq_col: int | None, examples: frozenset[str], width: int, names_unit: bool = False) -> str | None:
    """Why the row (its filled cells `cells`: (column, text)) is not a project, or None if it may be one.

    link_col: the column that names the project (项目单位, 领办人); seq_col: the 编号/序号 column;
    examples: the notice's guidance texts, normalised; width: how many columns the table has;
    names_unit: the name column holds a unit's name (附件7), not a person's (附件8's 领办人)."""
    # A number in the 编号 column is the form's own pre-numbering; any other text there is content.
    rest = [(c, t) for c, t in cells if not (c == seq_col and _number(t))]
    if not rest:
        return None
    if len(cells) >= 3 and all(_COLUMN_MARK.match(norm_key(t)) for _, t in cells):
        # 1 2 3 … 7, 甲 乙 丙 …, （1）（2）…: the row many government forms print under the header,
        # numbering its columns
        marks = " ".join(t[:-2] if t.endswith(".0") else t for _, t in cells)
        return f"表头下的列序号行（“{_shorten(marks)}”）"
    link = next((t for c, t in rest if c == link_col), None)
    texts = {t for _, t in rest}
    if len(texts) == 1:
        col, text = rest[0]
        if _number(text):
            # a number alone where the project's name goes (a count under the table) is no name
            shown = text[:-2] if text.endswith(".0") else text
            return f"项目名称处只有一个数字（“{shown}”），不像一个项目" if col == link_col else None
        why = _marker(text)
        if why:
            return why
        if _guidance(text, examples):
            return f"通知的填写示例（“{_shorten(text)}”）"
        key = norm_key(text)
        bare = _COUNTED.sub("", key)
        if (_ENUM.match(key) and len(key) <= 20) or _CATEGORY.search(bare) or (bare != key and len(bare) <= 12) \
                or grid.across(row, col) >= min(3, max(width, 1)):
            return f"分类小标题（“{_shorten(text)}”）"
        if link is None and len(key) >= 2 and link_col is not None:
            return f"只有一格文字，没有项目名称，不像一个项目（“{_shorten(text)}”）"
        if names_unit and link is not None and len(key) <= 12 and not _UNIT_END.search(re.sub(r"（[^（）]*）$", "", key)):
            # a unit's name ends like one (学校, 中心, 公司…); a short word alone is a heading (民办机构)
            return f"分类小标题（“{_shorten(text)}”）"
        if not names_unit and link is not None and (not _PERSON.match(key) or key in _NOT_NAMES):
            # alone in the 领办人 column: a person's name (张三, 阿依古丽·买买提) stays a project, however
            # incomplete; 同上, ——, 以上排名不分先后 are no one's name
            return f"只有一格文字，不像领办人的姓名（“{_shorten(text)}”）"
        return None
    if link is not None and _guidance(link, examples):
        return f"通知的填写示例（“{_shorten(link)}”）"
    # 合计 in the 编号 column makes a total row whatever the name column holds ("共3个", "3个"); a
    # line that begins with a label (填表人：| 张三 | 联系电话：| …) is a signature line however long.
    lead = next((t for c, t in rest if c == seq_col), None) if seq_col is not None else None
    for first in (lead, rest[0][1]):
        if first is not None and _marker(first):
            return _marker(first)
        if first is not None and _REMARK_LABEL.match(norm_key(first).strip(_FRAME)):
            # 注 | 以上单位均已公示无异议: the label in a cell of its own, its text in the next
            return f"表下的备注或说明（“{_shorten(' '.join(t for _, t in rest))}”）"
    if sum(1 for _, t in rest if _is_role(t)) >= 2:
        return f"签名或联系栏（“{_shorten(' '.join(t for _, t in rest))}”）"
    real_name = link is not None and _marker(link) is None
    if real_name and len(rest) > 3:
        return None  # a named project with its cells filled (the common row: decided at once)
    for _, text in rest:
        why = _marker(text)
        # A project names itself: beside a real name, a marker only counts on a short row (审核人 |
        # 王建国), not on a filled project row (a 备注 of "以下空白" typed beside the last project).
        if why and (not real_name or len(rest) <= 3):
            return why
    if all(_guidance(t, examples) for _, t in rest):
        return f"通知的填写示例（“{_shorten(rest[0][1])}”）"
    return None


def _marker(text: str) -> str | None:
    if _SEAL_ONLY.match("".join(text.split())):
        return f"签名或联系栏（“{_shorten(text)}”）"
    key = norm_key(text).strip(_FRAME)
    if not key:
        return None
    if _TOTAL.search(key) or _COUNT.match(key):
        return f"合计行（“{_shorten(text)}”）"
    if _BLANK.search(key) and len(key) <= 12:
        return f"“以下空白”一类的标记（“{_shorten(text)}”）"
    if _is_role(text) or _DATE_LINE.match(key) or _SEAL_ONLY.match(key) or _sealed_label(text):
        return f"签名或联系栏（“{_shorten(text)}”）"
    if _REMARK.match(key):
        return f"表下的备注或说明（“{_shorten(text)}”）"
    return None


def _sealed_label(text: str) -> bool:
    """A place for a seal: 单位（盖章）, 报送单位：（盖章）. (A unit's name with （公章） after it is a name.)"""
    if not _SEALED.search(text):
        return False
    rest = norm_key(_SEALED.sub("", text)).strip(_FRAME + ":：")
    return len(rest) <= 6 and (not rest or rest.endswith(("单位", "部门", "意见", "处", "科")))


def _guidance(text: str, examples: frozenset[str]) -> bool:
    key = norm_key(text)
    return key in examples or bool(_PLACEHOLDER.search(text))


def _number(text: str) -> bool:
    return bool(re.fullmatch(r"[+-]?\d+(\.\d+)?", text.strip()))


def is_notice_footer(text: str) -> bool:
    """The printed form's own footer (备注：此表由推荐单位填写…): part of the form, not a row."""
    return NOTICE_FOOTER in norm_key(text)
