"""The fields a roster (花名册) may hold and the names offices give their columns.

Header text is normalised before lookup (`header_key`), so each alias stands for a whole class of spellings:
full-width or half-width, spaces and line breaks inside ("姓  名", "身份证\\n号码"), a required mark ("*姓名",
"姓名(必填)"), a hint in any bracket ("出生日期(yyyy-mm-dd)", "联系电话【手机】"), slashes and middle dots
("离/退休", "离·退休") and a trailing colon. The aliases below are written as people write them and go
through the same normalisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jiujin.lib.text import clean_cell


@dataclass(frozen=True)
class RosterField:
    name: str  # canonical field
    label: str  # the preferred header: the template's column and the field's name on screen
    aliases: tuple[str, ...] = ()
    imported: bool = True  # False: recognised, so never "unknown", but not stored by the import


def _field(name: str, label: str, aliases: str = "", *, imported: bool = True) -> RosterField:
    return RosterField(name, label, tuple(aliases.split()), imported)


FIELDS: tuple[RosterField, ...] = (
    _field("name", "姓名", "名字 干部姓名 老干部姓名 离退休干部姓名 人员姓名"),
    _field("gender", "性别"),
    _field(
        "id_number",
        "身份证号",
        "身份证号码 身份证 公民身份号码 公民身份证号 公民身份证号码 身份号码 身份证件号码 证件号码 证件号",
    ),
    _field("birth_date", "出生日期", "出生年月 出生年月日 出生时间"),
    _field("ethnicity", "民族"),
    _field("party", "政治面貌", "是否党员 党员 是否中共党员 党派"),
    _field("party_branch", "所在党支部", "党支部 所属党支部 党组织 所在党组织"),
    _field(
        "category",
        "类别",
        "离退休类别 离退休 离休退休 人员类别 干部类别 离退休干部类别 离退休情况 身份类别 类型",
    ),
    _field(
        "rank",
        "职级",
        "级别 待遇级别 退休时职级 离退休时职级 原职级 职务级别 职级待遇 享受待遇 现享受待遇 职务职级",
    ),
    _field(
        "work_unit",
        "原工作单位",
        "原单位 工作单位 原单位名称 退休时单位及职务 离退休时单位及职务 原单位及职务 原工作单位及职务"
        " 退休前单位 退休前工作单位 离退休前单位 退休时单位 离退休时单位",
    ),
    _field("work_unit_contact", "原单位联系人"),
    _field("work_unit_phone", "原单位电话", "原单位联系电话"),
    _field(
        "retirement_date",
        "离退休时间",
        "退休时间 离休时间 离退休日期 退休日期 离休日期 离退休年月 退休年月 离休年月",
    ),
    _field(
        "address",
        "家庭住址",
        "住址 现住址 居住地址 现居住地 现居住地址 现居住所在地 居住地 家庭地址 常住地址 联系地址 详细地址"
        " 现居地址",
    ),
    _field(
        "phone",
        "联系电话",
        "电话 手机 手机号 手机号码 联系方式 移动电话 本人电话 本人手机 电话号码 联系电话/手机 手机/电话"
        " 电话/手机",
    ),
    _field("landline", "座机", "固定电话 家庭电话 住宅电话 宅电 座机号码 座机电话"),
    _field("living_arrangement", "居住状况", "居住情况 居住方式 居住类型"),
    _field("health_status", "健康状况", "身体状况 身体情况 健康情况"),
    # Conditions live in the health record (健康档案): the import writes no health rows.
    _field("chronic_conditions", "慢性病", "慢性病史 主要疾病 患病情况 疾病情况 慢性病情况", imported=False),
    _field("preferred_hospital", "就诊医院", "定点医院 常去医院 定点就医医院 医保定点医院"),
    _field("hobbies", "爱好特长", "爱好 兴趣爱好 特长 兴趣特长"),
    _field("habits", "生活习惯", "生活习惯和规律 作息规律 生活规律"),
    _field("family_name", "紧急联系人", "紧急联系人姓名 家属姓名 子女姓名 监护人 监护人姓名 亲属姓名"),
    _field("family_relation", "与本人关系", "关系 紧急联系人关系 与老干部关系"),
    _field(
        "family_phone",
        "紧急联系电话",
        "紧急联系人电话 家属电话 家属联系电话 子女电话 子女联系电话 监护人电话 亲属电话",
    ),
    _field("family_lives_with", "是否同住", "紧急联系人是否同住"),
    _field("community", "所在社区", "社区 社区代码 社区名称 所属社区"),
    _field("note", "备注", imported=False),
    _field("seq", "序号", "编号", imported=False),
)
FIELD_BY_NAME: dict[str, RosterField] = {f.name: f for f in FIELDS}
REQUIRED_FIELDS: dict[str, str] = {"name": "姓名", "id_number": "身份证号"}
HEADER_KEY_MAX = 100  # a mapping remembers at most this much of a header

# Brackets of every width and style, mapped to ASCII ones (full-width ASCII forms are handled by clean_cell).
_BRACKETS = str.maketrans("【〔［〈《「『｛】〕］〉》」』｝", "[([<<[[{])]>>]]}")
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|<[^<>]*>|\{[^{}]*\}")
_JOINERS = re.compile(r"[/\\·・•‧、|]")
_MARKS = re.compile(r"^[*※★☆#]+|[*※★☆#:;,.。]+$")


def header_parts(value: object) -> tuple[str, str]:
    """(key, hint): the header's normalised text, and the text of its brackets ("联系电话【手机】" gives
    ("联系电话", "手机")). A header that is nothing but brackets keeps their text as its key."""
    text = clean_cell(value).translate(_BRACKETS)
    hints: list[str] = []
    bare, previous = text, None
    while previous != bare:
        previous = bare
        hints += [m.group()[1:-1] for m in _BRACKETED.finditer(bare)]
        bare = _BRACKETED.sub("", bare)
    key = _tidy(bare) or _tidy(text.strip("()[]<>{}"))
    return key[:HEADER_KEY_MAX], _tidy("".join(hints))


def header_key(value: object) -> str:
    return header_parts(value)[0]


def _tidy(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, _MARKS.sub("", _JOINERS.sub("", text))
    return text


# Normalised header text -> canonical field.
HEADER_ALIASES: dict[str, str] = {
    header_key(alias): f.name for f in FIELDS for alias in (f.label, *f.aliases)
}
_PHONES = ("phone", "landline")


def builtin_field(value: object) -> str | None:
    """The canonical field a header names by itself (no group label above it), if any."""
    key, hint = header_parts(value)
    if not key:
        return None
    found = HEADER_ALIASES.get(key)
    if found in _PHONES and HEADER_ALIASES.get(hint) in _PHONES:
        return HEADER_ALIASES[hint]  # "电话（座机）": the hint says which phone
    return found


# Under a merged group label, generic sub-headers such as 姓名/电话 belong to the group ("紧急联系人" over
# "姓名 | 电话"), not to the cadre. Keywords are matched inside the normalised group label.
def _under(**fields: str) -> dict[str, str]:
    return {header_key(h): name for name, headers in fields.items() for h in headers.split()}


GROUP_CONTEXTS: tuple[tuple[tuple[str, ...], dict[str, str]], ...] = (
    (
        ("原单位", "原工作单位", "工作单位", "退休时单位", "退休前单位"),
        _under(
            work_unit="名称 单位名称 单位 单位及职务",
            work_unit_contact="联系人",
            work_unit_phone="电话 联系电话",
        ),
    ),
    (
        ("紧急联系人", "家属", "子女", "监护人", "联系人", "亲属", "家庭成员"),
        _under(
            family_name="姓名",
            family_relation="关系 与本人关系",
            family_phone="电话 联系电话 手机 手机号 手机号码",
            family_lives_with="是否同住",
        ),
    ),
    (
        ("联系方式", "联系电话", "电话"),
        _under(phone="手机 手机号 手机号码 移动电话 本人", landline="座机 固定电话 家庭电话 住宅电话 宅电"),
    ),
    (
        ("离退休", "离休", "退休"),
        _under(category="类别", retirement_date="时间 日期 年月", rank="职级", work_unit="单位 单位及职务"),
    ),
    (
        ("健康", "身体"),
        _under(
            health_status="状况 情况",
            chronic_conditions="慢性病",
            preferred_hospital="就诊医院 定点医院",
        ),
    ),
    (("出生",), _under(birth_date="日期 年月 时间")),
)


def sub_header_field(text: str, group: str) -> str | None:
    """The field of a sub-header under a group label ("" when there is none)."""
    key, group_key = header_key(text), header_key(group)
    if group_key and group_key != key:
        for keywords, mapping in GROUP_CONTEXTS:
            if key in mapping and any(k in group_key for k in keywords):
                return mapping[key]
    return builtin_field(text)
