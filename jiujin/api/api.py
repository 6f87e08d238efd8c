from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from jiujin.api.auth import BearerToken
from jiujin.api.routers import auth, cadres, orgs
from jiujin.core.access import enforce_api_rules
from jiujin.core.views import record_denied
from jiujin.directory.api import router as directory_router
from jiujin.health.api import router as health_router
from jiujin.plans.api import router as plans_router
from jiujin.servicerequests.api import router as servicerequests_router
from jiujin.visits.api import router as visits_router
from jiujin.volunteers.api import router as volunteers_router

DESCRIPTION = """\
社区老干部“四就近”工作系统接口。先用 `POST /api/v1/auth/token` 以用户名和密码换取令牌，
之后每个请求带上 `Authorization: Bearer <令牌>`。可见范围与网页相同：只能看到本单位及下级的老干部。
校验规则与网页表单相同，错误信息为中文。

API of Jiujin, the community retired-cadre service. Exchange a user name and password for a token at
`POST /api/v1/auth/token`, then send `Authorization: Bearer <token>` with every request. Callers see
exactly what the web pages show them; writes are checked by the same form as the pages.
"""

api = NinjaAPI(
    title="就近 Jiujin API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=BearerToken(),
)
api.add_router("/auth", auth.router)
api.add_router("/org-units", orgs.router)
api.add_router("/cadres", cadres.router)
api.add_router("/", visits_router)
api.add_router("/", volunteers_router)
api.add_router("/", directory_router)
api.add_router("/", servicerequests_router)
api.add_router("/", health_router)
api.add_router("/", plans_router)
# Last: every operation registered above now runs only under its declared rule (fails closed without one).
enforce_api_rules(api)


NOT_FOUND = "没有找到"


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Out of scope and missing are the same answer, word for word; the attempt is kept for the auditor.
    record_denied(request, 404)
    return api.create_response(request, {"detail": NOT_FOUND}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    record_denied(request, 403)
    return api.create_response(request, {"detail": str(exc) or "没有权限进行此操作"}, status=403)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # Each operation has one body schema: drop its parameter name from pydantic's locations so they read
    # ["body", "<field>"] like the errors of the page form (see cadre_form.raise_form_errors).
    return api.create_response(request, {"detail": [_without_param_name(e) for e in exc.errors]}, status=422)


def _without_param_name(error: dict[str, Any]) -> dict[str, Any]:
    loc = list(error.get("loc", ()))
    if loc[:2] == ["body", "payload"]:
        loc = ["body", *loc[2:]]
    return {**error, "loc": loc}
