from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    CITY = "city", "市委老干部局"
    DISTRICT = "district", "区/县老干部局"
    STREET = "street", "街道"
    COMMUNITY = "community", "社区工作人员"
    VOLUNTEER = "volunteer", "志愿者"
    # A former work unit's retiree office (原单位老干部工作联系人): outside the tree, bound to a WorkUnit.
    WORK_UNIT = "work_unit", "原单位老干部工作联系人"
    # A district's assessor (考评员) for the yearly 千分量化考评: enters manual scores; staff scope of the district.
    ASSESSOR = "assessor", "考评员"


class Capability(models.TextChoices):
    """What a role may do, beyond seeing its subtree. Django permissions of the same codename add to it."""

    MANAGE_CADRES = "manage_cadres", "新增和修改老干部信息"
    VIEW_SENSITIVE = "view_sensitive", "查看完整身份证号和电话"
    EXPORT_ROSTER = "export_roster", "导出台账"
    IMPORT_ROSTER = "import_roster", "导入花名册"
    VIEW_AUDIT = "view_audit", "查看审计日志"
    VIEW_HEALTH = "view_health", "查看和登记健康档案"
    DISPATCH_SERVICES = "dispatch_services", "受理和派发服务工单"
    ASSESS = "assess", "千分考评人工评分"
    MANAGE_ASSESSMENT = "manage_assessment", "管理千分考评（细则、计算、发布）"


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Capability.values),
    Role.CITY: frozenset({Capability.EXPORT_ROSTER}),
    Role.DISTRICT: frozenset(
        {
            Capability.EXPORT_ROSTER,
            Capability.IMPORT_ROSTER,
            Capability.MANAGE_CADRES,
            Capability.MANAGE_ASSESSMENT,
            Capability.ASSESS,
        }
    ),
    Role.STREET: frozenset(
        {
            Capability.EXPORT_ROSTER,
            Capability.IMPORT_ROSTER,
            Capability.MANAGE_CADRES,
            Capability.DISPATCH_SERVICES,
        }
    ),
    Role.COMMUNITY: frozenset(
        {
            Capability.EXPORT_ROSTER,
            Capability.IMPORT_ROSTER,
            Capability.MANAGE_CADRES,
            Capability.VIEW_SENSITIVE,
            Capability.VIEW_HEALTH,
            Capability.DISPATCH_SERVICES,
        }
    ),
    Role.VOLUNTEER: frozenset(),
    Role.WORK_UNIT: frozenset(),
    # Least privilege: scores the district's communities, reads as staff of the district, changes nothing else.
    Role.ASSESSOR: frozenset({Capability.ASSESS}),
}

# The unit level each role is attached to.
ROLE_LEVEL = {
    Role.CITY: "city",
    Role.DISTRICT: "district",
    Role.STREET: "street",
    Role.COMMUNITY: "community",
    Role.VOLUNTEER: "community",
    Role.ASSESSOR: "district",
}


class JiujinUserManager(UserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        # `jiujin createsuperuser` makes the first real administrator: the admin role, no unit.
        extra.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    objects: ClassVar[JiujinUserManager] = JiujinUserManager()

    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.COMMUNITY)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField("电话", max_length=32, blank=True)
    # On the user (a lazy reference, no import of cadres): the access policy reads it from the request's user
    # with no query and no feature app, and the constraint below keeps role and link together.
    work_unit = models.ForeignKey(
        "cadres.WorkUnit",
        verbose_name="原工作单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
        help_text="仅“原单位老干部工作联系人”填写",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        permissions = [(c.value, c.label) for c in Capability]
        constraints = [
            # A work unit's contact has a work unit and no place in the tree; nobody else has a work unit.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        role="work_unit", work_unit__isnull=False, org_unit__isnull=True, is_superuser=False
                    )
                    | (~models.Q(role="work_unit") & models.Q(work_unit__isnull=True))
                ),
                name="user_work_unit_role",
            ),
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.first_name or self.username

    def get_full_name(self) -> str:
        # Chinese names are written family name first, without a space.
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    def community_ids(self) -> list[int]:
        """The communities under the user's unit; looked up once per user object (that is, per request)."""
        if not hasattr(self, "_community_ids"):
            from jiujin.orgs.models import OrgLevel, OrgUnit

            units = OrgUnit.objects.filter(level=OrgLevel.COMMUNITY)
            if not self.sees_everything:
                assert self.org_unit is not None, "a unit-bound role has a unit"
                units = units.filter(path__startswith=self.org_unit.path)
            self._community_ids = list(units.values_list("pk", flat=True))
        return self._community_ids

    def can(self, capability: str) -> bool:
        if not self.is_active:
            return False
        return capability in ROLE_CAPABILITIES.get(self.role, frozenset()) or self.has_perm(
            f"accounts.{capability}"
        )


def api_token_days() -> int:
    return int(getattr(settings, "JIUJIN_API_TOKEN_DAYS", 90))


def api_token_max_days() -> int:
    return max(int(getattr(settings, "JIUJIN_API_TOKEN_MAX_DAYS", 365)), api_token_days())


def password_stamp(user: User) -> str:
    """A short keyed digest of the user's password hash: it changes however the password is changed."""
    return salted_hmac("jiujin.api-token.password", user.password, algorithm="sha256").hexdigest()[:32]


class TokenState(models.TextChoices):
    ACTIVE = "active", "有效"
    EXPIRED = "expired", "已过期"
    REVOKED = "revoked", "已撤销"
    STALE = "stale", "密码已更改，已失效"
    INACTIVE = "inactive", "账号已停用"


class ApiToken(models.Model):
    """A bearer token for /api/v1/. Only its SHA-256 is stored.

    It authenticates only while unrevoked, unexpired, its user active and the user's password unchanged
    since it was issued (`password_stamp`): that last check covers every way a password changes, including
    `jiujin changepassword` and direct `set_password()` calls that never reach a service.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=100, blank=True, default="")
    key_hash = models.CharField(max_length=64, unique=True)
    password_stamp = models.CharField(max_length=32, default="", editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("到期时间")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "API令牌"
        verbose_name_plural = "API令牌"
        indexes = [models.Index(fields=["user", "revoked_at", "expires_at"], name="apitoken_user_live")]

    def __str__(self) -> str:
        return f"{self.user} 的令牌（{self.created_at:%Y-%m-%d}）"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, *, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
        """Create one token row; `accounts.services.api_token_issue` adds the per-user cap and purge."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=cls.hash_key(key),
            password_stamp=password_stamp(user),
            expires_at=timezone.now() + timedelta(days=days or api_token_days()),
        )
        return token, key

    def state(self, now: datetime | None = None) -> TokenState:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return TokenState.REVOKED
        if self.expires_at <= now:
            return TokenState.EXPIRED
        if not self.user.is_active:
            return TokenState.INACTIVE
        if not constant_time_compare(self.password_stamp, password_stamp(self.user)):
            return TokenState.STALE
        return TokenState.ACTIVE

    @property
    def state_label(self) -> str:
        return self.state().label
