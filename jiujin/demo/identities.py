"""Plausible, checksum-valid identities for demo data and tests. Never used on real data."""

from __future__ import annotations

import random
from datetime import date, timedelta

from stdnum.cn.ric import calc_check_digit

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "德明华建国志伟文秀英兰玉芳桂珍淑凤荣春海金福山树清宝忠成林振祥永和平兴仁义礼信光辉胜利红梅丽云霞"
# Given-name characters by the sex they usually suggest, for names that match the ID number's sex digit.
GIVEN_MALE = "德明华建国志伟文忠成林振祥永和平兴仁义信光辉胜利海金福山树清宝"
GIVEN_FEMALE = "秀英兰玉芳桂珍淑凤荣春红梅丽云霞华文敏静"
AREA_CODES = ["421102", "421181", "421121", "420106", "420111"]


def id_number(birth: date, *, seq: int, male: bool, area: str = "421102") -> str:
    """An 18-digit number: area + yyyymmdd + 3-digit sequence (odd = male) + GB 11643 check digit."""
    order = (seq * 2 + (1 if male else 0)) % 1000
    body = f"{area}{birth:%Y%m%d}{order:03d}"
    return body + calc_check_digit(body + "0")  # stdnum ignores the last character


def chinese_name(rng: random.Random, *, male: bool | None = None) -> str:
    """Surname plus one or two given characters; `male` picks characters typical of that sex."""
    pool = GIVEN if male is None else GIVEN_MALE if male else GIVEN_FEMALE
    given = "".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2, 2))))
    return rng.choice(SURNAMES) + given


def birth_date(rng: random.Random, *, oldest: int = 1925, youngest: int = 1964) -> date:
    start = date(oldest, 1, 1)
    return start + timedelta(days=rng.randrange((date(youngest, 12, 31) - start).days))


def mobile(rng: random.Random) -> str:
    return rng.choice(["138", "139", "135", "150", "186", "177", "133"]) + f"{rng.randrange(10**8):08d}"


def landline(rng: random.Random, area: str = "027") -> str:
    """A Wuhan-style fixed line: "027-8xxxxxxx"."""
    return f"{area}-8{rng.randrange(10**7):07d}"
