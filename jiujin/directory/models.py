from __future__ import annotations

from django.db import models


class EntryKind(models.TextChoices):
    """In the order a contact card lists them: the numbers a cadre needs first come first."""

    HOTLINE = "hotline", "24小时热线"
    ON_DUTY = "on_duty", "值班人员"
    HEALTH_STATION = "health_station", "卫生服务站"
    PROPERTY = "property", "物业"
    YOUTH_VOLUNTEERS = "youth_volunteers", "青年志愿者"
    HOUSEKEEPING = "housekeeping", "家政"
    BARBER = "barber", "理发"
    REPAIR = "repair", "维修"
    OTHER = "other", "其他"


KIND_RANK = {kind: rank for rank, kind in enumerate(EntryKind.values)}


class DirectoryEntry(models.Model):
    """One number of a unit's service directory, inherited by the unit's subtree.

    A unit lower down overrides an ancestor's entry with the same `key` (its own row wins), or hides it with
    a row whose `hidden` is set; see selectors.directory_for.
    """

    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="所属单位", on_delete=models.CASCADE, related_name="directory_entries"
    )
    key = models.SlugField("标识", max_length=40)
    kind = models.CharField("类别", max_length=20, choices=EntryKind.choices)
    name = models.CharField("名称", max_length=100)
    phones = models.CharField("电话", max_length=100, blank=True)
    hours = models.CharField("服务时间", max_length=60, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=100)
    hidden = models.BooleanField("在本单位隐藏", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "服务名录条目"
        verbose_name_plural = "服务名录条目"
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "key"], name="directoryentry_unit_key")]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_list(self) -> list[str]:
        return [p for p in self.phones.split("、") if p]
