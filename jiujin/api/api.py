"""The project's NinjaAPI: it only assembles the routers. Each app's `api.py` builds its router on the toolkit
in `jiujin.core.api` (error schema and answers, paging, choice types) and imports nothing from here."""

from ninja import NinjaAPI

from jiujin.api.auth import BearerToken
from jiujin.api.routers import auth, orgs
from jiujin.assessments.api import router as assessments_router
from jiujin.branches.api import router as branches_router
from jiujin.cadres.api import router as cadres_router
from jiujin.contributions.api import router as contributions_router
from jiujin.core.access import enforce_api_rules
from jiujin.core.api import handle_errors
from jiujin.dashboards.api import router as dashboards_router
from jiujin.directory.api import router as directory_router
from jiujin.events.api import router as events_router
from jiujin.health.api import router as health_router
from jiujin.opinions.api import router as opinions_router
from jiujin.pilots.api import router as pilots_router
from jiujin.plans.api import router as plans_router
from jiujin.reports.api import router as reports_router
from jiujin.rewards.api import router as rewards_router
from jiujin.risk.api import router as risk_router
from jiujin.servicerequests.api import router as servicerequests_router
from jiujin.surveys.api import router as surveys_router
from jiujin.surveys.api_results import router as surveys_results_router
from jiujin.tasks.api import router as tasks_router
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
handle_errors(api)  # NoAccess/Http404 → 404, PermissionDenied → 403 (both recorded), 422 located as forms do
api.add_router("/auth", auth.router)
api.add_router("/org-units", orgs.router)
api.add_router("/cadres", cadres_router)
api.add_router("/", tasks_router)
api.add_router("/", visits_router)
api.add_router("/", volunteers_router)
api.add_router("/", directory_router)
api.add_router("/", servicerequests_router)
api.add_router("/", health_router)
api.add_router("/", plans_router)
api.add_router("/", events_router)
api.add_router("/", opinions_router)
api.add_router("/", contributions_router)
api.add_router("/", branches_router)
api.add_router("/", surveys_router)
api.add_router("/", surveys_results_router)
api.add_router("/", pilots_router)
api.add_router("/", assessments_router)
api.add_router("/", rewards_router)
api.add_router("/", risk_router)
api.add_router("/", reports_router)
api.add_router("/", dashboards_router)
# Last: every operation registered above now runs only under its declared rule (fails closed without one).
enforce_api_rules(api)
