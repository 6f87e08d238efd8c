from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Length
from django.utils import timezone

from jiujin.core.access import staff_community_ids
from jiujin.lib.dates import age_on
from jiujin.lib.pinyin import name_pinyin

from .search import cadre_search

if TYPE_CHECKING:
    from jiujin.accounts.models import User


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Category(models.TextChoices):
    LIXIU = "lixiu", "离休"
    TUIXIU = "tuixiu", "退休"


class Rank(models.TextChoices):
    TING = "ting", "厅局级"
    CHU = "chu", "县处级"
    KE = "ke", "乡科级"
    OTHER = "other", "其他"


class LivingArrangement(models.TextChoices):
    ALONE = "alone", "独居"
    EMPTY_NEST = "empty_nest", "空巢"
    WITH_CHILDREN = "with_children", "与子女同住"
    CARE_HOME = "care_home", "养老机构"


class HealthStatus(models.TextChoices):
    GOOD = "good", "良好"
    FAIR = "fair", "一般"
    POOR = "poor", "较差"
    DISABLED = "disabled", "失能"


class BirthdayCalendar(models.TextChoices):
    SOLAR = "solar", "公历"
    LUNAR = "lunar", "农历"


class CadreStatus(models.TextChoices):
    ACTIVE = "active", "在册"
    MOVED_OUT = "moved_out", "迁出"
    DECEASED = "deceased", "去世"


class WorkUnit(models.Model):
    """The cadre's former employer (原单位/主管部门): one of the three parties that share the work."""

    name = models.CharField("单位名称", max_length=200, unique=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)

    class Meta:
        verbose_name = "原工作单位"
        verbose_name_plural = "原工作单位"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A hobby or specialty (爱好特长), shared by the cadres of one district so lists can filter by it.

    Scoped to the district (see cadres.tags.tag_scope_unit): one district's tag text is not another's
    filter choice. A tag no cadre uses any more is deleted by the service that sets tags."""

    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("名称", max_length=30)

    class Meta:
        verbose_name = "爱好特长"
        verbose_name_plural = "爱好特长"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "name"], name="tag_unit_name")]

    def __str__(self) -> str:
        return self.name


# The four must-knows (四个必须知道), each a condition over a cadre's columns.
MUST_KNOWS: list[tuple[str, str]] = [
    ("address", "家庭住址和联系方式"),
    ("family_health", "家庭情况和健康状况"),
    ("hobbies", "爱好和特长"),
    ("habits", "生活习惯和规律"),
]


def _known(field: str) -> Q:
    return ~Q(**{field: ""})


class CadreQuerySet(models.QuerySet["Cadre"]):
    def for_user(self, user: User) -> CadreQuerySet:
        """The cadres a staff user reaches, as the access policy decides; a volunteer reaches none here
        (their pairing's contact page has its own accessor in the volunteers app)."""
        community_ids = staff_community_ids(user)
        if community_ids is None:
            return self.all()
        # By community id, not a join on the unit path: a single community then walks the
        # (community, status, name_pinyin) index in order (170 ms → a few ms for 100,000 cadres).
        return self.filter(community_id__in=community_ids) if community_ids else self.none()

    def active(self) -> CadreQuerySet:
        return self.filter(status=CadreStatus.ACTIVE)

    def search(self, text: str) -> CadreQuerySet:
        """Name or part of it, pinyin or initials (`zdm` finds 张德明), ID-number tail, or phone digits."""
        return cadre_search(self, text)

    def born_between(self, oldest: date, youngest: date) -> CadreQuerySet:
        return self.filter(birth_date__gte=oldest, birth_date__lte=youngest)

    def with_completeness(self) -> CadreQuerySet:
        """Annotate one 0/1 column per must-know and `known_count` (0–4)."""
        family = FamilyContact.objects.filter(cadre=OuterRef("pk"))
        conditions = {
            "address": _known("address") & (_known("phone_mobile") | _known("phone_landline")),
            "family_health": (Exists(family) | Q(living_arrangement=LivingArrangement.ALONE))
            & _known("living_arrangement")
            & _known("health_status"),
            "hobbies": Exists(Cadre.tags.through.objects.filter(cadre=OuterRef("pk")))
            | _known("specialties"),
            "habits": Q(habits_len__gt=0),
        }
        qs = self.annotate(habits_len=Length("habits"))
        annotations = {
            f"knows_{key}": Case(When(cond, then=Value(1)), default=Value(0), output_field=IntegerField())
            for key, cond in conditions.items()
        }
        qs = qs.annotate(**annotations)
        total = sum((models.F(name) for name in annotations), start=Value(0))
        return qs.annotate(known_count=total)


# The columns the list filters on, each led by its own index (Cadre.Meta); the name search table copies them too.
FILTER_FIELDS = ("category", "rank", "living_arrangement", "health_status", "birth_date")


class Cadre(models.Model):
    # Identity
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    id_number = models.CharField("身份证号", max_length=18, unique=True)
    birth_date = models.DateField("出生日期")
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    is_party_member = models.BooleanField("中共党员", default=False)
    party_branch = models.CharField("所在党支部", max_length=100, blank=True)
    category = models.CharField("类别", max_length=10, choices=Category.choices)
    rank = models.CharField("职级", max_length=10, choices=Rank.choices, default=Rank.OTHER)
    work_unit = models.ForeignKey(
        WorkUnit,
        verbose_name="原工作单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cadres",
    )
    retirement_date = models.DateField("离退休时间", null=True, blank=True)
    community = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name="所在社区",
        on_delete=models.PROTECT,
        related_name="cadres",
        db_index=False,  # cadre_comm_status_py_id leads with it; a second index would only slow imports
    )
    responsible_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="联系人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_for",
    )

    # ① Address and contacts
    address = models.CharField("家庭住址", max_length=200, blank=True)
    phone_mobile = models.CharField("手机", max_length=20, blank=True)
    phone_landline = models.CharField("座机", max_length=24, blank=True)
    # ② Family and health
    living_arrangement = models.CharField(
        "居住状况", max_length=16, choices=LivingArrangement.choices, blank=True
    )
    health_status = models.CharField("健康状况", max_length=10, choices=HealthStatus.choices, blank=True)
    preferred_hospital = models.CharField("就诊医院", max_length=100, blank=True)
    # ③ Hobbies and specialties
    tags = models.ManyToManyField(Tag, verbose_name="爱好特长", blank=True, related_name="cadres")
    specialties = models.CharField("特长说明", max_length=200, blank=True)
    # ④ Living habits and routines
    habits = models.TextField("生活习惯和规律", blank=True)

    # Birthday as the cadre keeps it; the visits issue computes due dates from it.
    birthday_calendar = models.CharField(
        "生日历法", max_length=5, choices=BirthdayCalendar.choices, default=BirthdayCalendar.SOLAR
    )
    lunar_month = models.PositiveSmallIntegerField("农历生日月", null=True, blank=True)
    lunar_day = models.PositiveSmallIntegerField("农历生日日", null=True, blank=True)
    lunar_leap = models.BooleanField("闰月", default=False)

    # The 爱心服务卡's QR code carries a signed token of (pk, card_version) (cadres/cards.py); reissuing the card
    # bumps the version, so a lost card's code stops checking anyone in.
    card_version = models.PositiveIntegerField("服务卡版本", default=1, editable=False)

    status = models.CharField("状态", max_length=10, choices=CadreStatus.choices, default=CadreStatus.ACTIVE)
    status_date = models.DateField("状态变更日期", null=True, blank=True)
    status_reason = models.CharField("状态变更原因", max_length=200, blank=True)

    # Search keys derived from the name, kept in columns so pinyin search is an indexed prefix match.
    name_pinyin = models.CharField(max_length=120, editable=False)
    name_initials = models.CharField(max_length=20, editable=False)

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = CadreQuerySet.as_manager()

    class Meta:
        verbose_name = "老干部"
        verbose_name_plural = "老干部"
        ordering = ["name_pinyin", "id"]
        indexes = [
            # The list's display order within a community, so paging never sorts the whole community. The filter
            # columns ride along (PostgreSQL INCLUDE): a page of rare matches (离休 + 健康较差) walks the order
            # checking them in the index, not in 19,000 table rows.
            models.Index(
                fields=["community", "status", "name_pinyin", "id"],
                name="cadre_comm_status_py_id",
                include=[*FILTER_FIELDS, "name_initials"],
            ),
            models.Index(
                fields=["birthday_calendar", "lunar_month", "lunar_day"], name="cadre_lunar_birthday"
            ),
            # The community rides along: a district's list walks this index alone, deep pages and filters too,
            # and so does a pinyin search that may also be initials (search.py), checking both in the index.
            models.Index(
                fields=["status", "name_pinyin", "id"],
                name="cadre_status_py_comm",
                include=["community", *FILTER_FIELDS, "name_initials"],
            ),
            # Initials alone (`wh`, `zdm`; search.py) are gathered from here and sorted: the scope and the sort key
            # ride along, so a street's 1,900 matches among the city's 6,700 need no table row (60 ms → 3 ms).
            models.Index(
                fields=["name_initials"],
                name="cadre_initials_like",
                opclasses=["varchar_pattern_ops"],
                include=["status", "community", "name_pinyin", "id"],
            ),
            # The list's filters, alone or two together, at any scope: the capped count reads these indexes
            # only (no table rows). Each carries the other filters (PostgreSQL INCLUDE), so a second filter is
            # checked in the index too: the count of 独居 + 县处级 in a district read 26,000 table pages (60 ms).
            *[
                models.Index(
                    fields=[field, "status", "community"],
                    name=f"cadre_filter_{key}",
                    include=[other for other in FILTER_FIELDS if other != field],
                )
                for field, key in zip(
                    FILTER_FIELDS, ("category", "rank", "living", "health", "birth"), strict=True
                )
            ],
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birthday_calendar="solar")
                | (
                    Q(lunar_month__gte=1)
                    & Q(lunar_month__lte=12)
                    & Q(lunar_day__gte=1)
                    & Q(lunar_day__lte=30)
                ),
                name="cadre_lunar_birthday_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def refresh_search_keys(self) -> None:
        self.name_pinyin, self.name_initials = name_pinyin(self.name)

    def age(self, on: date | None = None) -> int:
        return age_on(self.birth_date, on or timezone.localdate())

    @property
    def lunar_birthday_display(self) -> str:
        if self.birthday_calendar != BirthdayCalendar.LUNAR or not self.lunar_month or not self.lunar_day:
            return ""
        from lunar_python.util import LunarUtil

        month = LunarUtil.MONTH[self.lunar_month]
        return f"农历{'闰' if self.lunar_leap else ''}{month}月{LunarUtil.DAY[self.lunar_day]}"

    def must_knows(self) -> dict[str, bool]:
        """Which of the four must-knows are filled for this one cadre (the list uses with_completeness)."""
        family = self.family_contacts.exists() or self.living_arrangement == LivingArrangement.ALONE
        return {
            "address": bool(self.address and (self.phone_mobile or self.phone_landline)),
            "family_health": bool(family and self.living_arrangement and self.health_status),
            "hobbies": bool(self.specialties) or self.tags.exists(),
            "habits": bool(self.habits),
        }


class FamilyContact(models.Model):
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="family_contacts")
    name = models.CharField("姓名", max_length=50)
    relation = models.CharField("关系", max_length=20)
    phone = models.CharField("电话", max_length=24, blank=True)
    lives_with = models.BooleanField("同住", default=False)

    class Meta:
        verbose_name = "家属联系人"
        verbose_name_plural = "家属联系人"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.relation}）"


# A model of this app kept in its own module; imported here so Django registers it with the app.
from .search_rows import CadreSearchRow as CadreSearchRow  # noqa: E402
