from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from .services import DEMO_PASSWORD


class DemoPasswordValidator:
    """Refuses the published demo password for a real account (outside demo mode)."""

    def validate(self, password: str, user: Any = None) -> None:
        if not settings.JIUJIN_DEMO and password.strip().lower() == DEMO_PASSWORD:
            raise ValidationError("不能使用公开的演示密码。", code="password_demo")

    def get_help_text(self) -> str:
        return "不能使用公开的演示密码。"
