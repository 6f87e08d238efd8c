"""Office-style roster files for tests and the import benchmark (never used on real data).

`write_roster_xlsx` streams with openpyxl's write-only mode, so a 100,000-row file is cheap to make.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from jiujin.demo.identities import chinese_name, id_number, mobile

TOP_HEADERS = [
    "序号",
    "姓 名",
    "性别",
    "身份证号码",
    "出生年月",
    "民族",
    "政治面貌",
    "类别",
    "职级",
    "原工作单位",
    "离退休时间",
    "家庭住址",
    "联系电话",
    "居住状况",
    "健康状况",
    "爱好特长",
    "紧急联系人",
    None,
    None,
]
FAMILY_SUB_HEADERS = ["姓名", "关系", "电话"]
_FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
_WORK_UNITS = ["黄州区财政局", "黄冈市第一中学", "黄州区人民医院", "东湖街道办事处", "黄冈市供电公司"]
_HOBBIES = ["书法", "象棋", "太极拳", "京剧", "钓鱼", "摄影", "园艺", "合唱"]
_FIRST_BIRTH = date(1925, 1, 1)
_BIRTH_SPAN_DAYS = 14000  # about 38 years of birth dates


def unique_identity(index: int) -> tuple[date, str, bool]:
    """Birth date, ID number and sex for the index-th person; distinct for index < 7,000,000."""
    birth = _FIRST_BIRTH + timedelta(days=index % _BIRTH_SPAN_DAYS)
    male = index % 3 != 0
    return birth, id_number(birth, seq=index // _BIRTH_SPAN_DAYS, male=male), male


def _birth_cell(birth: date, i: int) -> object:
    """The birth date as offices type it, rotating through the forms seen in real rosters."""
    form = i % 6
    if form == 0:
        return datetime(birth.year, birth.month, birth.day)
    if form == 1:
        return f"{birth.year}.{birth.month:02d}"
    if form == 2:
        return f"{birth.year}年{birth.month}月"
    if form == 3:
        return f"{birth.year}/{birth.month}/{birth.day}"
    if form == 4:
        return (birth - date(1899, 12, 30)).days  # an Excel serial typed into a General cell
    return f"{birth.year}.{birth.month}"


def _retirement_cell(birth: date, i: int) -> object:
    retired = date(birth.year + 60, birth.month, 1)
    return retired.strftime("%Y年%m月") if i % 2 else datetime(retired.year, retired.month, 1)


def roster_row(i: int, rng: random.Random) -> list[object]:
    birth, number, male = unique_identity(i)
    phone: object = mobile(rng)
    if i % 7 == 0:
        phone = str(phone).translate(_FULLWIDTH)  # typed with a full-width IME
    elif i % 11 == 0:
        phone = f"0713-8{rng.randrange(10**5, 10**6)}"
    if i % 13 == 0:
        number = number.lower().translate(_FULLWIDTH)  # full-width digits, lower-case x
    return [
        i + 1,
        f" {chinese_name(rng)} " if i % 17 == 0 else chinese_name(rng),  # stray spaces
        "男" if male else "女",
        number,
        _birth_cell(birth, i),
        "汉族" if i % 9 else "回族",
        "中共党员" if i % 5 else "群众",
        "离休" if birth.year < 1931 else "退休",
        rng.choice(["正处级", "副处级", "科级", "厅局级", "其他"]),
        rng.choice(_WORK_UNITS),
        _retirement_cell(birth, i),
        f"黄州区东湖路{i % 500 + 1}号{i % 7 + 1}单元",
        phone,
        rng.choice(["独居", "空巢", "与子女同住", ""]),
        rng.choice(["良好", "一般", "较差"]),
        "、".join(rng.sample(_HOBBIES, k=i % 3)),
        chinese_name(rng),
        rng.choice(["儿子", "女儿", "配偶"]),
        mobile(rng),
    ]


def write_roster_xlsx(
    path: str | Path, rows: int, *, seed: int = 1, community_code: str | None = None
) -> Path:
    """A roster as offices send it: merged title, merged two-row header, 说明 row, data, totals row.

    With `community_code`, a 社区代码 column is added (for importing at street level).
    """
    rng = random.Random(seed)
    headers = [*TOP_HEADERS, "社区代码"] if community_code else list(TOP_HEADERS)
    width = len(headers)
    family_col = TOP_HEADERS.index("紧急联系人") + 1
    last = get_column_letter(width)

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A4:{last}4")
    for col in range(1, width + 1):
        if family_col <= col < family_col + 3:
            continue
        ws.merged_cells.add(f"{get_column_letter(col)}2:{get_column_letter(col)}3")
    ws.merged_cells.add(f"{get_column_letter(family_col)}2:{get_column_letter(family_col + 2)}2")

    ws.append(["东湖街道离退休干部花名册", *[None] * (width - 1)])
    ws.append(headers)
    sub: list[object] = [None] * width
    sub[family_col - 1 : family_col + 2] = FAMILY_SUB_HEADERS
    ws.append(sub)
    ws.append(["说明：身份证号码请设置为文本格式；出生年月可填到月。", *[None] * (width - 1)])
    for i in range(rows):
        row = roster_row(i, rng)
        if community_code:
            row.append(community_code)
        ws.append(row)
    ws.append(["合计", f"{rows}人", *[None] * (width - 2)])
    ws.append(["填表人：王红", *[None] * (width - 1)])
    path = Path(path)
    wb.save(path)
    return path
