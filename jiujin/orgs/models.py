from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.validators import RegexValidator
from django.db import models

if TYPE_CHECKING:
    from jiujin.accounts.models import User

PATH_SEP = "/"


class OrgLevel(models.TextChoices):
    CITY = "city", "市"
    DISTRICT = "district", "区/县"
    STREET = "street", "街道/乡镇"
    COMMUNITY = "community", "社区"


# Which level a unit's parent must have: the tree is 市 → 区/县 → 街道/乡镇 → 社区.
PARENT_LEVEL = {
    OrgLevel.CITY: None,
    OrgLevel.DISTRICT: OrgLevel.CITY,
    OrgLevel.STREET: OrgLevel.DISTRICT,
    OrgLevel.COMMUNITY: OrgLevel.STREET,
}


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def subtree_of(self, unit: OrgUnit) -> OrgUnitQuerySet:
        return self.filter(path__startswith=unit.path)

    def for_user(self, user: User) -> OrgUnitQuerySet:
        """Units the user may see: their unit's subtree (everything for a system admin)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_everything:
            return self.all()
        if user.org_unit_id is None:
            return self.none()
        assert user.org_unit is not None  # org_unit_id is set
        return self.filter(path__startswith=user.org_unit.path)

    def communities(self) -> OrgUnitQuerySet:
        return self.filter(level=OrgLevel.COMMUNITY)


class OrgUnit(models.Model):
    code = models.CharField(
        "代码",
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[0-9A-Za-z_-]+$", "代码只能包含字母、数字、下划线和连字符")],
    )
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=16, choices=OrgLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialized path of codes ("/4211/421102/…/"), so "my subtree" is one indexed prefix query.
    path = models.CharField("路径", max_length=255, unique=True, editable=False)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = "组织单位"
        verbose_name_plural = "组织单位"
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="orgunit_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "path"], name="orgunit_level_path"),
        ]

    def __str__(self) -> str:
        return self.name

    def build_path(self) -> str:
        prefix = self.parent.path if self.parent else PATH_SEP
        return f"{prefix}{self.code}{PATH_SEP}"

    def chain_codes(self) -> list[str]:
        """Codes from the root down to this unit, read off the materialized path."""
        return [code for code in self.path.split(PATH_SEP) if code]

    def chain_paths(self) -> list[str]:
        """Paths of the root, every ancestor and this unit, top first. `org_unit__path__in=` finds what the
        units up the tree have set: rules, targets and directory entries are inherited down the tree."""
        codes = self.chain_codes()
        return [PATH_SEP + PATH_SEP.join(codes[: n + 1]) + PATH_SEP for n in range(len(codes))]

    def contains(self, other: OrgUnit) -> bool:
        return other.path.startswith(self.path)

    @property
    def is_community(self) -> bool:
        return self.level == OrgLevel.COMMUNITY
