from __future__ import annotations

from datetime import datetime

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Field, Router, Schema

from jiujin.accounts.services import api_token_issue, api_token_revoke
from jiujin.core.access import PUBLIC, SIGNED_IN, access
from jiujin.core.api import Detail, caller_token

router = Router(tags=["auth 令牌"])


class TokenRequest(Schema):
    username: str
    password: str
    name: str = Field("", max_length=100, description="令牌用途，如“街道数据对接” What the token is for")
    expires_in_days: int | None = Field(
        None,
        ge=1,
        description="有效天数，默认 90 天，超过上限按上限计 Days until expiry (default 90, capped)",
    )


class IssuedToken(Schema):
    token: str
    name: str
    expires_at: datetime


MSG_BAD_LOGIN = "用户名或密码不正确"
MSG_LOCKED = "密码连续输错次数过多，该账号已锁定 30 分钟。请稍后再试，或联系系统管理员解锁。"


@router.post(
    "/token",
    auth=None,
    response={200: IssuedToken, 401: Detail, 429: Detail},
    summary="换取令牌 Issue a bearer token",
)
@access(PUBLIC)
def issue_token(request: HttpRequest, payload: TokenRequest) -> tuple[int, dict[str, object]]:
    # authenticate() runs the axes backend: failures count towards the lockout, locked users are refused.
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # Answer in JSON ourselves; left set, AxesMiddleware would replace the response with its HTML page.
        request.axes_locked_out = False  # type: ignore[attr-defined]
        return 429, {"detail": MSG_LOCKED}
    if user is None or not user.is_active:
        return 401, {"detail": MSG_BAD_LOGIN}
    token, key = api_token_issue(user=user, name=payload.name, expires_in_days=payload.expires_in_days)
    return 200, {"token": key, "name": token.name, "expires_at": token.expires_at}


@router.delete("/token", response={204: None}, summary="作废当前令牌 Revoke the calling token")
@access(SIGNED_IN)  # any token's owner may end it, a work unit's contact included
def revoke_token(request: HttpRequest) -> tuple[int, None]:
    api_token_revoke(token=caller_token(request))
    return 204, None
