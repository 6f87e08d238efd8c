"""Survey pages: the scoped list, a survey's page, and the builder (settings, questions, versions, start/close).

Building and running take `manage_cadres` (staff at any level, for surveys of their own unit or below:
`get_managed_survey`); seeing a survey is open to staff whose unit is under or above the survey's unit.
Filling in, responses and the Excel import are in `views_fill.py`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.audit.services import actor_from_request
from jiujin.core.access import STAFF, NoAccess, access, staff
from jiujin.core.http import AuthedRequest, error_text

from . import selectors, services
from .forms import QuestionForm, SurveyForm
from .models import Question, Survey, SurveyStatus, SurveyTemplate

MANAGE = "manage_cadres"
PAGE_SIZE = 30


@access(STAFF)
@login_required
@require_GET
def survey_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = selectors.surveys_listed(request.user, status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "surveys": list(page.object_list),
        "status": status,
        "statuses": SurveyStatus.choices,
        "can_build": request.user.can(MANAGE),
    }
    return render(request, "surveys/list.html", context)


@access(staff(MANAGE))
@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request: AuthedRequest) -> HttpResponse:
    initial = {"template": request.GET.get("template", "")}
    form = SurveyForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.survey_create(
                actor=actor_from_request(request),
                unit=data["unit"],
                title=data["title"],
                template=data["template"],
                description=data["description"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                audience=data["audience"],
                audience_value=data["audience_value"],
                sample_size=data["sample_size"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"已创建问卷：{survey.title}")
            return redirect("surveys:detail", survey.pk)
    return render(request, "surveys/form.html", {"form": form, "templates": SurveyTemplate.choices})


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@access(STAFF)
@login_required
@require_GET
def survey_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = selectors.get_survey_for_user(request.user, pk)
    manageable = Survey.objects.managed_by(request.user).filter(pk=survey.pk).exists()
    questions = list(survey.questions.select_related("show_if"))
    context = {
        "survey": survey,
        "questions": questions,
        "can_manage": manageable,
        "can_edit": manageable and not survey.frozen,
        "progress": selectors.progress(request.user, survey),
        "to_fill": selectors.unanswered(request.user, survey)
        if survey.status == SurveyStatus.RUNNING
        else [],
    }
    return render(request, "surveys/detail.html", context)


@access(staff(MANAGE))
@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = selectors.get_managed_survey(request.user, pk)
    initial = {n: getattr(survey, n) for n in services.SETTINGS}
    form = SurveyForm(request.POST or None, user=request.user, survey=survey, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {n: form.cleaned_data[n] for n in form.fields}
        try:
            services.survey_update(actor=actor_from_request(request), survey=survey, **values)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("surveys:detail", survey.pk)
    return render(request, "surveys/form.html", {"form": form, "survey": survey})


@access(staff(MANAGE))
@login_required
@require_http_methods(["GET", "POST"])
def question_add(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = selectors.get_managed_survey(request.user, pk)
    if survey.frozen:
        messages.warning(request, services.FROZEN)
        return redirect("surveys:detail", survey.pk)
    form = QuestionForm(
        request.POST or None, earlier=list(survey.questions.all()), initial={"required": True}
    )
    return _question_form(request, survey, form, None)


def _question_form(
    request: AuthedRequest, survey: Any, form: QuestionForm, question: Question | None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        actor = actor_from_request(request)
        try:
            if question is None:
                services.question_add(actor=actor, survey=survey, values=form.values())
            else:
                services.question_update(actor=actor, question=question, values=form.values())
        except ValidationError as exc:
            _add_errors(form, _condition_named(exc))
        else:
            messages.success(request, "题目已保存")
            return redirect("surveys:detail", survey.pk)
    return render(
        request, "surveys/question_form.html", {"form": form, "survey": survey, "question": question}
    )


def _condition_named(exc: ValidationError) -> ValidationError:
    """The service names skip logic `show_if`/`show_if_choices`; the form has one `condition` field."""
    if not hasattr(exc, "error_dict"):
        return exc
    names = {"show_if": "condition", "show_if_choices": "condition", "code": None}
    return ValidationError({names.get(k, k) or "__all__": v for k, v in exc.message_dict.items()})


def _managed_question(request: AuthedRequest, question_id: int) -> Question:
    try:
        question = Question.objects.select_related("survey").get(pk=question_id)
    except Question.DoesNotExist as exc:
        raise NoAccess("没有找到该题目") from exc
    selectors.get_managed_survey(request.user, question.survey_id)
    return question


@access(staff(MANAGE))
@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: AuthedRequest, question_id: int) -> HttpResponse:
    question = _managed_question(request, question_id)
    survey = question.survey
    if survey.frozen:
        messages.warning(request, services.FROZEN)
        return redirect("surveys:detail", survey.pk)
    earlier = list(survey.questions.filter(position__lt=question.position))
    form = QuestionForm(request.POST or None, earlier=earlier, initial=QuestionForm.initial_for(question))
    return _question_form(request, survey, form, question)


@access(staff(MANAGE))
@login_required
@require_POST
def question_delete(request: AuthedRequest, question_id: int) -> HttpResponse:
    question = _managed_question(request, question_id)
    try:
        services.question_delete(actor=actor_from_request(request), question=question)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已删除题目：{question.text}")
    return redirect("surveys:detail", question.survey_id)


@access(staff(MANAGE))
@login_required
@require_POST
def question_move(request: AuthedRequest, question_id: int) -> HttpResponse:
    question = _managed_question(request, question_id)
    try:
        services.question_move(
            actor=actor_from_request(request), question=question, up=request.POST.get("direction") == "up"
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("surveys:detail", question.survey_id)


@access(staff(MANAGE))
@login_required
@require_POST
def survey_start(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = selectors.get_managed_survey(request.user, pk)
    try:
        count = services.survey_start(actor=actor_from_request(request), survey=survey)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"调查已开始：{count}名调查对象，已向责任人派发问卷任务")
    return redirect("surveys:detail", survey.pk)


@access(staff(MANAGE))
@login_required
@require_POST
def survey_close(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = selectors.get_managed_survey(request.user, pk)
    try:
        cancelled = services.survey_close(actor=actor_from_request(request), survey=survey)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"调查已结束，取消了{cancelled}个未完成的问卷任务")
    return redirect("surveys:detail", survey.pk)


@access(staff(MANAGE))
@login_required
@require_POST
def survey_new_version(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = selectors.get_managed_survey(request.user, pk)
    copy = services.survey_new_version(actor=actor_from_request(request), survey=survey)
    messages.success(request, f"已创建第{copy.version}版草稿，可修改题目后开始调查")
    return redirect("surveys:detail", copy.pk)
