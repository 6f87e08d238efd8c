"""Filling a survey in on a phone (from the agenda's task, the cadre's page or a just-recorded visit), a
response with its history, and the running surveys of one cadre.

Any staff user who reaches the cadre (`get_cadre_for_user`) may fill in a survey they can see that targets
the cadre; the phone's script hides skipped questions, and the server re-checks everything.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from jiujin.audit.services import actor_from_request
from jiujin.cadres.selectors import get_cadre_for_user
from jiujin.core.access import STAFF, NoAccess, access
from jiujin.core.http import AuthedRequest
from jiujin.tasks.models import VisitRecord, VisitTask

from . import selectors
from .answers import display
from .forms import FillForm, field_name
from .models import ResponseSource, SurveyStatus
from .responses import response_record, response_record_view, stored_answers
from .task_kinds import SURVEY


def _visit_record(request: AuthedRequest, cadre_id: int) -> VisitRecord | None:
    """The visit the survey is filled in after (`?visit=`), only if it is a visit to this cadre."""
    raw = request.GET.get("visit") or request.POST.get("visit")
    if not raw:
        return None
    try:
        return VisitRecord.objects.get(pk=int(raw), task__cadre_id=cadre_id)
    except (VisitRecord.DoesNotExist, ValueError) as exc:
        raise NoAccess("没有找到该走访记录") from exc


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def fill(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = selectors.get_survey_for_user(request.user, pk)
    cadre = get_cadre_for_user(request.user, request.GET.get("cadre") or request.POST.get("cadre"))
    visit = _visit_record(request, cadre.pk)
    questions = list(survey.questions.all())
    response = survey.responses.filter(cadre=cadre).first()
    form = FillForm(request.POST or None, questions=questions, initial=_initial(response, questions))
    targeted = survey.targets.filter(cadre=cadre).exists()
    if request.method == "POST" and form.is_valid():
        try:
            recorded = response_record(
                actor=actor_from_request(request),
                survey=survey,
                cadre=cadre,
                answers=form.raw(),
                source=ResponseSource.VISIT if visit else ResponseSource.WEB,
                visit_record=visit,
            )
        except ValidationError as exc:
            by_id = {str(q.pk): field_name(q) for q in questions}
            for key, errors in (
                exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
            ):
                form.add_error(by_id.get(key), errors)
        else:
            verb = "已保存问卷" if recorded.created else "已更新问卷（原答案已留存）"
            messages.success(request, f"{verb}：{cadre.name} · {survey.title}")
            return redirect("surveys:response", recorded.response.pk)
    context = {
        "survey": survey,
        "cadre": cadre,
        "visit": visit,
        "form": form,
        "rows": form.rows(),
        "response": response,
        "open": survey.status == SurveyStatus.RUNNING and targeted,
        "targeted": targeted,
    }
    return render(request, "surveys/fill.html", context)


def _initial(response: Any, questions: list[Any]) -> dict[str, Any]:
    if response is None:
        return {}
    values = stored_answers(response, questions)
    by_id = {q.pk: q for q in questions}
    return {field_name(by_id[qid]): v for qid, v in values.items() if qid in by_id}


@access(STAFF)
@login_required
@require_GET
def from_task(request: AuthedRequest, task_id: int) -> HttpResponse:
    """The agenda's 填写问卷 on a survey task: the task's survey for the task's cadre."""
    try:
        task = VisitTask.objects.for_user(request.user).get(pk=task_id, kind=SURVEY.code)
    except VisitTask.DoesNotExist as exc:
        raise NoAccess("没有找到该任务") from exc
    survey_pk = task.rule_key.removeprefix("survey:")
    survey = selectors.get_survey_for_user(request.user, survey_pk)
    return redirect(f"{reverse('surveys:fill', args=[survey.pk])}?cadre={task.cadre_id}")


@access(STAFF)
@login_required
@require_GET
def for_cadre(request: AuthedRequest) -> HttpResponse:
    """The cadre page's 填写问卷: the running surveys that target the cadre (and a visit's, with ?visit=)."""
    cadre = get_cadre_for_user(request.user, request.GET.get("cadre"))
    visit = _visit_record(request, cadre.pk)
    surveys = selectors.running_for_cadre(request.user, cadre.pk)
    return render(request, "surveys/for_cadre.html", {"cadre": cadre, "surveys": surveys, "visit": visit})


@access(STAFF)
@login_required
@require_GET
def response_detail(request: AuthedRequest, response_id: int) -> HttpResponse:
    response = selectors.get_response_for_user(request.user, response_id)
    response_record_view(actor=actor_from_request(request), response=response)
    survey = response.survey
    questions = list(survey.questions.all())
    values = stored_answers(response, questions)
    rows = [(q, display(q, values[q.pk]) if q.pk in values else "") for q in questions]
    by_code = {q.code: q for q in questions}
    revisions = [
        (rev, [(by_code[c].text if c in by_code else c, _shown(v)) for c, v in rev.answers.items()])
        for rev in response.revisions.select_related("replaced_by")
    ]
    context = {
        "response": response,
        "survey": survey,
        "rows": rows,
        "revisions": revisions,
        "can_refill": survey.status == SurveyStatus.RUNNING,
    }
    return render(request, "surveys/response.html", context)


def _shown(value: Any) -> str:
    return "、".join(str(v) for v in value) if isinstance(value, list) else str(value)
