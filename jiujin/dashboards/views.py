"""数据看板 pages: a unit's figures over a period with drill-down to its child units, and the list of the
cadres behind any number. Both read the summary tables through display.py; nothing here counts raw rows."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from jiujin.audit.models import AuditAction
from jiujin.audit.services import actor_from_request, audit_record_batch
from jiujin.cadres.masking import sees_full_numbers
from jiujin.cadres.selectors import cadre_rows
from jiujin.core.access import access, resolve_unit, staff
from jiujin.core.http import AuthedRequest
from jiujin.core.paging import KeyedPaginator
from jiujin.core.periods import PeriodForm
from jiujin.core.registry import summary_figure
from jiujin.orgs.models import OrgUnit

from .display import Period, crumbs, dashboard, dashboard_url, shown_label
from .selectors import freshness


def _period_form(request: AuthedRequest) -> tuple[PeriodForm, Period | None]:
    """The period asked for, and the form showing it in its boxes (however it was chosen)."""
    today = timezone.localdate()
    form = PeriodForm(request.GET, today=today)
    if not form.is_valid():
        return form, None
    start, end = form.period()
    period = Period(start, end, form.cleaned_data["preset"])
    return PeriodForm({"from": start.isoformat(), "to": end.isoformat()}, today=today), period


@access(staff())
@login_required
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    unit = resolve_unit(request.user, request.GET.get("unit", "").strip())
    form, period = _period_form(request)
    board = dashboard(unit, period, request.GET.get("chart", "")) if period else None
    context = {
        "unit": unit,
        "form": form,
        "period": period,
        "preset": period.preset if period else "custom",
        "board": board,
        "chart_data": board.chart.data() if board and board.chart else None,
        "crumbs": [(u, dashboard_url(u, period) if period else "") for u in crumbs(request.user, unit)],
        "fresh": freshness(),
    }
    return render(request, "dashboards/index.html", context)


@access(staff())
@login_required
@require_GET
def cadre_list(request: AuthedRequest) -> HttpResponse:
    """The cadres behind one number of a dashboard (the figure's own rule, for the unit and period)."""
    user = request.user
    unit = resolve_unit(user, request.GET.get("unit", "").strip())
    figure = summary_figure(request.GET.get("figure", ""))
    if figure is None or figure.cadres is None:
        raise Http404("没有找到该指标的名单")
    key = request.GET.get("key", "")
    labels = figure.breakdown() if figure.breakdown else {}
    if key and key not in labels:
        raise Http404("没有找到该指标的名单")
    form, period = _period_form(request)
    page = None
    if period is not None:
        communities = list(
            OrgUnit.objects.for_user(user).subtree_of(unit).communities().values_list("pk", flat=True)
        )
        # The figure's rule, and never a cadre outside the reader's scope whatever the figure does.
        qs = figure.cadres(communities, period.start, period.end, key).filter(community_id__in=communities)
        paginator = KeyedPaginator(
            qs.order_by("name_pinyin", "pk"), settings.JIUJIN_PAGE_SIZE, rows=cadre_rows
        )
        page = paginator.get_page(request.GET.get("page"))
        if page.object_list:
            # Names, ages and (masked) numbers of these cadres: who saw them is logged.
            audit_record_batch(
                actor=actor_from_request(request),
                action=AuditAction.VIEW,
                cadre_ids=[c.pk for c in page.object_list],
                detail=f"查看数据看板名单：{unit.name} {figure.label}"[:200],
            )
    context = {
        "unit": unit,
        "figure": figure,
        "label": shown_label(figure),
        "key_label": labels.get(key, ""),
        "form": form,
        "period": period,
        "page": page,
        "show_sensitive": sees_full_numbers(user),
        "back": dashboard_url(unit, period) if period else "",
    }
    return render(request, "dashboards/list.html", context)
