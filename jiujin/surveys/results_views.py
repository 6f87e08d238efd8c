"""Pages of a survey's results: shares with bars, the drill-down by unit, the filters, the paragraph, exports,
the text answers and the needs → service plan action. Scope: `results.get_survey_for_user` and
`results.results_unit` (out of scope is 404)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_GET, require_http_methods

from jiujin.audit.models import AuditAction
from jiujin.audit.services import actor_from_request, audit_record_batch
from jiujin.cadres.masking import sees_full_numbers
from jiujin.cadres.models import Cadre, Category, LivingArrangement
from jiujin.core.access import STAFF, access, staff
from jiujin.core.http import AuthedRequest
from jiujin.core.paging import CappedPaginator

from .models import Answer, QuestionKind, Survey
from .needs import need_respondents, needs_question, survey_needs_to_plans
from .paragraph import is_needs, paragraph_text
from .results import (
    AGE_BANDS,
    Filters,
    Results,
    drill_rows,
    get_survey_for_user,
    responses_for,
    results_unit,
    survey_results,
    text_answers,
)
from .results_exports import respondents_xlsx, table_csv, table_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 30


def _scope(request: AuthedRequest, pk: int) -> tuple[Survey, Any, Filters]:
    survey = get_survey_for_user(request.user, pk)
    unit = results_unit(request.user, survey, request.GET.get("unit"))
    return survey, unit, Filters.parse(request.GET)


def _query(unit: Any, filters: Filters, **more: Any) -> str:
    return urlencode({"unit": unit.code, **filters.query(), **more})


def _filter_options() -> dict[str, list[tuple[str, str]]]:
    return {
        "age_band": [(code, label) for code, (label, _lo, _hi) in AGE_BANDS.items()],
        "category": list(Category.choices),
        "living": list(LivingArrangement.choices),
    }


@access(STAFF)
@login_required
@require_GET
def results(request: AuthedRequest, pk: int) -> HttpResponse:
    survey, unit, filters = _scope(request, pk)
    figures = survey_results(survey, unit, filters)
    question = needs_question(survey)
    context = {
        "survey": survey,
        "unit": unit,
        "filters": filters,
        "figures": figures,
        "rows": drill_rows(survey, unit, filters),
        "paragraph": paragraph_text(survey, figures) if is_needs(survey) else "",
        "needs": figures.by_code().get(question.code) if question else None,
        "options": _filter_options(),
        "query": _query(unit, filters),
        "filter_query": urlencode(filters.query()),
        "parent": unit.parent
        if unit.pk != survey.org_unit_id and _may_go_up(request, survey, unit)
        else None,
        "can_export_people": request.user.can("export_roster"),
        "can_plan": request.user.can("manage_cadres"),
    }
    return render(request, "surveys/results.html", context)


def _may_go_up(request: AuthedRequest, survey: Survey, unit: Any) -> bool:
    parent = unit.parent
    user = request.user
    if parent is None:
        return False
    return bool(user.sees_everything or (user.org_unit is not None and user.org_unit.contains(parent)))


@access(STAFF)
@login_required
@require_GET
def results_text(request: AuthedRequest, pk: int) -> HttpResponse:
    survey, unit, filters = _scope(request, pk)
    question = survey.questions.filter(
        pk=_int(request.GET.get("question")) or 0, kind=QuestionKind.TEXT
    ).first()
    if question is None:
        raise Http404("没有找到该题目")
    page = CappedPaginator(text_answers(survey, unit, filters, question), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "survey": survey,
        "unit": unit,
        "question": question,
        "page": page,
        "query": _query(unit, filters),
    }
    return render(request, "surveys/results_text.html", context)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _figures(request: AuthedRequest, pk: int) -> Results:
    survey, unit, filters = _scope(request, pk)
    return survey_results(survey, unit, filters, texts=0)


@access(STAFF)
@login_required
@require_GET
def results_csv(request: AuthedRequest, pk: int) -> HttpResponse:
    figures = _figures(request, pk)
    return _download(table_csv(figures), f"调查结果_{figures.unit.name}.csv", "text/csv; charset=utf-8")


@access(STAFF)
@login_required
@require_GET
def results_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    figures = _figures(request, pk)
    return _download(table_xlsx(figures), f"调查结果_{figures.unit.name}.xlsx", XLSX)


@access(staff("export_roster"))
@login_required
@require_GET
def results_respondents(request: AuthedRequest, pk: int) -> HttpResponse:
    figures = _figures(request, pk)  # 404 before 403
    if not request.user.can("export_roster"):
        raise PermissionDenied("没有导出答卷明细的权限")
    responses = (
        responses_for(figures.survey, figures.unit, figures.filters)
        .select_related("cadre", "community")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by("question_id", "choice")))
        .order_by("community__path", "cadre__name_pinyin", "pk")
    )
    content, cadre_ids = respondents_xlsx(figures, responses, numbers=sees_full_numbers(request.user))
    audit_record_batch(
        actor=actor_from_request(request),
        action=AuditAction.EXPORT,
        cadre_ids=sorted(cadre_ids),
        detail=f"导出问卷答卷明细「{figures.survey.title}」{figures.unit.name}，涉及 {len(cadre_ids)} 人"[
            :200
        ],
        subject=figures.survey,
    )
    return _download(content, f"答卷明细_{figures.unit.name}.xlsx", XLSX)


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def results_needs(request: AuthedRequest, pk: int) -> HttpResponse:
    survey, unit, filters = _scope(request, pk)
    question = needs_question(survey)
    need = _int(request.GET.get("need"))
    if question is None or need is None or not 0 <= need < len(question.choices):
        raise Http404("没有找到该需求")
    respondents = need_respondents(survey, unit, filters, question, need)
    if request.method == "POST":
        if not request.user.can("manage_cadres"):
            raise PermissionDenied("没有制定服务方案的权限")
        chosen = {i for i in (_int(v) for v in request.POST.getlist("cadre")) if i is not None}
        cadre_ids = set(respondents.filter(cadre_id__in=chosen).values_list("cadre_id", flat=True))
        cadres = list(
            Cadre.objects.for_user(request.user).filter(pk__in=cadre_ids).select_related("community")
        )
        if not cadres:
            messages.error(request, "请先勾选老干部")
        else:
            outcome = survey_needs_to_plans(
                actor=actor_from_request(request),
                survey=survey,
                question=question,
                need=need,
                cadres=cadres,
                start_date=timezone.localdate(),
            )
            messages.success(
                request,
                f"已将「{question.choices[need]}」加入 {outcome.added} 位老干部的服务方案"
                f"（新建方案 {outcome.created_plans} 份），{outcome.skipped} 位已有该服务，未重复添加。",
            )
        return redirect(
            f"{reverse('surveys:results_needs', args=[survey.pk])}?{_query(unit, filters, need=need)}"
        )
    page = CappedPaginator(respondents, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "survey": survey,
        "unit": unit,
        "question": question,
        "need": need,
        "need_text": question.choices[need],
        "page": page,
        "query": _query(unit, filters),
        "can_plan": request.user.can("manage_cadres"),
    }
    return render(request, "surveys/results_needs.html", context)
