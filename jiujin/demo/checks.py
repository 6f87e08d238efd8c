"""`jiujin check --deploy` fails while anyone can log in with the published demo password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError
from django.db.models import Count, Q

from .services import DEMO_PASSWORD


def demo_password_users() -> list[str]:
    """Active users whose password is the demo password.

    Hashing is slow by design (~0.3 s per user), so only likely holders are tried: every hash shared by two
    or more users (demo-data gives all its logins one hash), `demo-*` names and administrators. Nobody else
    can hold it: the password validators refuse it outside demo mode (DemoPasswordValidator).
    """
    from jiujin.accounts.models import Role, User

    active = User.objects.filter(is_active=True).exclude(password="").exclude(password__startswith="!")
    shared = active.values("password").annotate(n=Count("pk")).filter(n__gt=1).values("password")
    likely = active.filter(
        Q(password__in=shared) | Q(username__startswith="demo-") | Q(is_superuser=True) | Q(role=Role.ADMIN)
    )
    verdict: dict[str, bool] = {}
    found = []
    for username, encoded in likely.order_by("username").values_list("username", "password"):
        if encoded not in verdict:
            verdict[encoded] = check_password(DEMO_PASSWORD, encoded)
        if verdict[encoded]:
            found.append(username)
    return found


@register(Tags.security, deploy=True)
def check_demo_password(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.JIUJIN_DEMO:
        return []
    try:
        users = demo_password_users()
    except DatabaseError:  # not migrated yet: nothing to log in with
        return []
    if not users:
        return []
    shown = "、".join(users[:10]) + (f" 等 {len(users)} 个账号" if len(users) > 10 else "")
    return [
        Error(
            f"以下账号仍可用公开的演示密码 {DEMO_PASSWORD} 登录：{shown}。",
            hint="用 jiujin changepassword 用户名 改设密码，或停用这些账号；生产库中不要运行 jiujin demo-data。",
            id="jiujin.E001",
        )
    ]
