from django.urls import include, path

from jiujin.api.api import api
from jiujin.core import views as core_views

urlpatterns = [
    path("", include("jiujin.home.urls")),  # "home": today's work, or the units side by side
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("jiujin.accounts.urls")),
    path("cadres/", include("jiujin.cadres.urls")),
    path("roster/", include("jiujin.roster.urls")),
    path("audit/", include("jiujin.audit.urls")),
    path("visits/", include("jiujin.tasks.urls")),  # the agenda, calendar and reminders
    path("visits/", include("jiujin.visits.urls")),
    path("volunteers/", include("jiujin.volunteers.urls")),
    path("directory/", include("jiujin.directory.urls")),
    path("requests/", include("jiujin.servicerequests.urls")),
    path("health/", include("jiujin.health.urls")),
    path("plans/", include("jiujin.plans.urls")),
    path("events/", include("jiujin.events.urls")),
    path("opinions/", include("jiujin.opinions.urls")),
    path("contributions/", include("jiujin.contributions.urls")),
    path("branches/", include("jiujin.branches.urls")),
    path("surveys/", include("jiujin.surveys.urls")),
    path("pilots/", include("jiujin.pilots.urls")),
    path("assessments/", include("jiujin.assessments.urls")),
    path("rewards/", include("jiujin.rewards.urls")),
    path("risk/", include("jiujin.risk.urls")),
    path("reports/", include("jiujin.reports.urls")),
    path("dashboards/", include("jiujin.dashboards.urls")),
    path("api/v1/", api.urls),
]

handler400 = "jiujin.core.views.bad_request"
handler403 = "jiujin.core.views.permission_denied"
handler404 = "jiujin.core.views.page_not_found"
handler500 = "jiujin.core.views.server_error"
