from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from jiujin.core.access import STAFF, access
from jiujin.core.api import caller
from jiujin.orgs.models import OrgUnit

router = Router(tags=["org-units 组织单位"])


class OrgUnitOut(Schema):
    code: str
    name: str
    level: str = Field(description="city / district / street / community")
    parent: str | None = Field(description="上级单位代码 parent's code")


@router.get("", response=list[OrgUnitOut], summary="可见单位 Visible units")
@access(STAFF)
def list_org_units(request: HttpRequest) -> list[dict[str, Any]]:
    units = OrgUnit.objects.for_user(caller(request)).select_related("parent")
    return [
        {"code": u.code, "name": u.name, "level": u.level, "parent": u.parent.code if u.parent else None}
        for u in units
    ]
