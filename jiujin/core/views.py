from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

from jiujin.audit.services import audit_record_denied

from .access import PUBLIC, access

# At most this many denied attempts per user and minute reach the audit log: a scripted walk over ids
# must not flood it, and ten rows already tell the auditor what happened.
DENIED_AUDIT_PER_MINUTE = 10


@access(PUBLIC)
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


def record_denied(request: HttpRequest, status: int) -> None:
    """Write a refused attempt to reach something to the audit log, rate-limited per user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    key = f"denied-audit:{user.pk}"
    if (cache.get_or_set(key, 0, 60) or 0) >= DENIED_AUDIT_PER_MINUTE:
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, 60)
    audit_record_denied(request=request, detail=f"{status} {request.method} {request.get_full_path()[:150]}")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    record_denied(request, 404)
    message = str(exception.args[0]) if exception.args and isinstance(exception.args[0], str) else ""
    return render(request, "404.html", {"message": message or "没有找到该页面"}, status=404)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    record_denied(request, 403)
    message = str(exception) or "没有权限进行此操作"
    return render(request, "403.html", {"message": message}, status=403)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "400.html", {"message": "请求有误，请返回重试"}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: whatever failed must not fail again while the error page renders.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
