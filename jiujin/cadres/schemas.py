"""The cadres' request and response shapes over /api/v1/; they are also what /api/v1/docs shows."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from jiujin.core.api import CappedPage, page_field


class CadreFilters(Schema):
    """The list page's filters (CadreFilterForm), under the same names."""

    community: str | None = Field(None, description="社区代码 community code")
    q: str | None = Field(None, description="姓名、拼音首字母、身份证尾号或电话")
    unit: str | None = Field(None, description="单位代码（含下级）unit code, subtree")
    category: str | None = None
    rank: str | None = None
    age: str | None = Field(None, description="lt70 / 70-79 / 80-89 / 90-99 / 100+")
    living: str | None = None
    health: str | None = None
    tag: str | None = None
    status: str | None = Field(None, description="active（默认）/ all / moved_out / deceased")
    page: int = page_field()


class CadreItem(Schema):
    id: int
    name: str
    gender: str
    birth_date: date
    age: int
    category: str
    rank: str
    community: str
    community_name: str
    id_number: str
    phone_mobile: str
    phone_landline: str
    living_arrangement: str
    health_status: str
    status: str
    known_count: int = Field(description="四个必须知道已掌握几项 (0–4)")


class CadrePage(CappedPage):
    items: list[CadreItem]


class WorkUnitOut(Schema):
    name: str
    contact_person: str
    contact_phone: str


class FamilyContactOut(Schema):
    name: str
    relation: str
    phone: str
    lives_with: bool


class Completeness(Schema):
    address: bool
    family_health: bool
    hobbies: bool
    habits: bool


class CadreDetail(CadreItem):
    ethnicity: str
    is_party_member: bool
    party_branch: str
    work_unit: WorkUnitOut | None
    retirement_date: date | None
    responsible_worker: str | None = Field(description="联系人用户名 username")
    address: str
    preferred_hospital: str
    tags: list[str]
    specialties: str
    habits: str
    family_contacts: list[FamilyContactOut]
    birthday_calendar: str
    lunar_month: int | None
    lunar_day: int | None
    lunar_leap: bool
    status_date: date | None
    status_reason: str
    completeness: Completeness
    created_at: datetime
    updated_at: datetime


class CadreIn(Schema):
    """Fields to create or change. Dates are YYYY-MM-DD text; the web form's rules check everything."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    id_number: str | None = None
    gender: str | None = Field(None, description="M / F（可留空，由身份证号推出）")
    birth_date: str | None = Field(None, description="YYYY-MM-DD（可留空，由身份证号推出）")
    ethnicity: str | None = None
    is_party_member: bool | None = None
    party_branch: str | None = None
    category: str | None = Field(None, description="lixiu / tuixiu（或 离休 / 退休）")
    rank: str | None = Field(None, description="ting / chu / ke / other")
    work_unit: str | None = Field(None, description="原工作单位名称 work unit name")
    retirement_date: str | None = Field(None, description="YYYY-MM-DD")
    community: str | None = Field(None, description="社区代码 community code")
    responsible_worker: str | None = Field(None, description="联系人用户名 username")
    address: str | None = None
    phone_mobile: str | None = None
    phone_landline: str | None = None
    living_arrangement: str | None = Field(None, description="alone / empty_nest / with_children / care_home")
    health_status: str | None = Field(None, description="good / fair / poor / disabled")
    preferred_hospital: str | None = None
    tags: list[str] | None = Field(None, description="爱好特长 hobbies")
    specialties: str | None = None
    habits: str | None = None
    birthday_calendar: str | None = Field(None, description="solar / lunar")
    lunar_month: int | None = None
    lunar_day: int | None = None
    lunar_leap: bool | None = None
