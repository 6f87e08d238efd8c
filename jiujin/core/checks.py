"""Deploy checks of the installation as a whole (`jiujin check --deploy`)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_shared_secret_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    # Sessions, CSRF tokens and the API tokens' password stamp are signed with SECRET_KEY: a key generated
    # per host into var/ logs users out whenever the proxy sends them to another app server.
    if os.environ.get("SECRET_KEY"):
        return []
    return [
        Warning(
            f"SECRET_KEY 取自本机文件 {settings.VAR_DIR / 'secret_key'}：多台应用服务器时必须在每台的环境变量中设置同一个 SECRET_KEY。",
            id="jiujin.W001",
        )
    ]
