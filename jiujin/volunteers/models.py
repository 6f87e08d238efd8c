from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class VolunteerKind(models.TextChoices):
    YOUTH = "youth", "青年志愿者"
    PARTY = "party", "党员志愿者"
    NEIGHBOUR = "neighbour", "邻里志愿者"
    OTHER = "other", "其他"


class Volunteer(models.Model):
    """A volunteer of one community; `user` is their login (a volunteer role), when they have one."""

    name = models.CharField("姓名", max_length=50)
    kind = models.CharField(
        "类型", max_length=12, choices=VolunteerKind.choices, default=VolunteerKind.NEIGHBOUR
    )
    phone = models.CharField("电话", max_length=24)
    community = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="所在社区", on_delete=models.PROTECT, related_name="volunteers"
    )
    address = models.CharField("住址（楼栋）", max_length=200, blank=True)
    # The building number parsed from `address` ("3栋"/"3号楼" → "3") by the services, so "same building"
    # is an equality the suggestion query can rank by.
    building = models.CharField("楼栋号", max_length=20, blank=True, editable=False)
    skills = models.CharField("技能特长", max_length=200, blank=True)
    availability = models.CharField("可服务时间", max_length=100, blank=True)
    active = models.BooleanField("在岗", default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "志愿者"
        verbose_name_plural = "志愿者"
        ordering = ["community", "name"]

    def __str__(self) -> str:
        return self.name


class Pairing(models.Model):
    """一助一: one active pairing per cadre at a time; ended pairings stay as history."""

    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.PROTECT, related_name="pairings"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name="志愿者", on_delete=models.PROTECT, related_name="pairings"
    )
    started_on = models.DateField("结对日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    end_reason = models.CharField("结束原因", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "一助一结对"
        verbose_name_plural = "一助一结对"
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre"], condition=Q(ended_on__isnull=True), name="pairing_one_active_per_cadre"
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} — {self.cadre}"

    @property
    def active(self) -> bool:
        return self.ended_on is None


class ContactForm(models.TextChoices):
    VISIT = "visit", "上门"
    PHONE = "phone", "电话"
    ESCORT = "escort", "陪同外出"
    OTHER = "other", "其他"


class ContactLog(models.Model):
    """What a volunteer did for their paired cadre, filled from a phone."""

    pairing = models.ForeignKey(
        Pairing, verbose_name="结对", on_delete=models.PROTECT, related_name="contacts"
    )
    on = models.DateField("日期")
    form = models.CharField("方式", max_length=10, choices=ContactForm.choices, default=ContactForm.VISIT)
    note = models.TextField("情况", blank=True)
    needs_attention = models.BooleanField("需要社区跟进", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A flagged log stays on the community's follow-up list until a worker marks it handled.
    followed_up_at = models.DateTimeField("跟进时间", null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="跟进人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "联系记录"
        verbose_name_plural = "联系记录"
        ordering = ["-on", "-id"]
        indexes = [
            models.Index(
                fields=["pairing"],
                condition=Q(needs_attention=True, followed_up_at__isnull=True),
                name="contact_open_attention",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pairing} {self.on}"
