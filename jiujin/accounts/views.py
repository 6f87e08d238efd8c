"""Account pages: one's API tokens, and for administrators everyone's tokens and the login lockouts."""

from __future__ import annotations

from datetime import datetime

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiujin.core.access import ADMIN, SIGNED_IN, access
from jiujin.core.http import AuthedRequest

from .models import ApiToken
from .services import api_token_revoke

ADMIN_TOKEN_LIMIT = 200


def _tokens_for(request: AuthedRequest) -> QuerySet[ApiToken]:
    """The tokens the user may see and revoke: their own, or anyone's for an administrator."""
    tokens = ApiToken.objects.select_related("user")
    if not request.user.sees_everything:
        tokens = tokens.filter(user=request.user)
    return tokens


@access(SIGNED_IN)  # a work unit's contact manages their own tokens too
@login_required
def token_list(request: AuthedRequest) -> HttpResponse:
    tokens = _tokens_for(request).order_by("-created_at", "-pk")
    username = ""
    if request.user.sees_everything and (username := request.GET.get("username", "").strip()):
        tokens = tokens.filter(user__username=username)
    return render(
        request,
        "accounts/tokens.html",
        {
            "tokens": tokens[:ADMIN_TOKEN_LIMIT],
            "everyone": request.user.sees_everything,
            "username": username,
        },
    )


@access(SIGNED_IN)
@login_required
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(_tokens_for(request), pk=pk)  # someone else's token: 404, as if missing
    api_token_revoke(token=token)
    messages.success(request, f"已撤销令牌“{token.name or '未命名'}”（{token.user.username}）。")
    back = redirect("account_tokens")
    if request.user.sees_everything and (username := request.POST.get("username", "").strip()):
        back["Location"] += f"?username={username}"
    return back


def _require_admin(request: AuthedRequest) -> None:
    if not request.user.sees_everything:
        raise Http404("没有找到该页面")


def current_lockouts(now: datetime | None = None) -> list[dict[str, object]]:
    """User names locked out from at least one address: the axes attempts over the limit, still cooling off."""
    now = now or timezone.now()
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gt=now - settings.AXES_COOLOFF_TIME)
    rows = attempts.values("username").annotate(last=Max("attempt_time"))
    result = []
    for row in rows.order_by("-last"):
        ips = sorted(
            {
                ip
                for ip in attempts.filter(username=row["username"]).values_list("ip_address", flat=True)
                if ip
            }
        )
        until = row["last"] + settings.AXES_COOLOFF_TIME if settings.AXES_COOLOFF_TIME else None
        result.append({"username": row["username"], "ips": ips, "last": row["last"], "until": until})
    return result


@access(ADMIN)
@login_required
def lockout_list(request: AuthedRequest) -> HttpResponse:
    _require_admin(request)
    return render(request, "accounts/lockouts.html", {"lockouts": current_lockouts()})


@access(ADMIN)
@login_required
@require_POST
def lockout_unlock(request: AuthedRequest) -> HttpResponse:
    _require_admin(request)
    username = request.POST.get("username", "").strip()
    if username:
        reset(username=username)  # every address's failures for this name
        messages.success(request, f"已解锁账号 {username}。")
    return redirect("account_lockouts")
