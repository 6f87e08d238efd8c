from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router

from jiujin.accounts.models import ApiToken
from jiujin.api.schemas import Detail, TokenIn, TokenOut

router = Router(tags=["auth 令牌"])

MSG_BAD_LOGIN = "用户名或密码不正确"
MSG_LOCKED = "密码连续输错次数过多，该账号已锁定 30 分钟。请稍后再试，或联系系统管理员解锁。"


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 401: Detail, 429: Detail},
    summary="换取令牌 Issue a bearer token",
)
def issue_token(request: HttpRequest, payload: TokenIn) -> tuple[int, dict[str, str]]:
    # authenticate() runs the axes backend: failures count towards the lockout, locked users are refused.
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # Answer in JSON ourselves; left set, AxesMiddleware would replace the response with its HTML page.
        request.axes_locked_out = False  # type: ignore[attr-defined]
        return 429, {"detail": MSG_LOCKED}
    if user is None or not user.is_active:
        return 401, {"detail": MSG_BAD_LOGIN}
    _token, key = ApiToken.issue(user)
    return 200, {"token": key}
