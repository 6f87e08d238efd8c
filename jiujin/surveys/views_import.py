"""Importing a survey's responses from Excel: upload → preview (every bad row named) → confirm; and the blank
import sheet. The checked rows wait in the session between preview and confirm; the confirm writes them in
one transaction after checking again that they are still the user's and the survey still runs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.audit.services import actor_from_request
from jiujin.cadres.models import Cadre
from jiujin.core.access import access, staff
from jiujin.core.http import AuthedRequest
from jiujin.lib.roster_source import RosterFormatError

from . import selectors
from .answers import check_answers
from .forms import ImportForm
from .importing import MAX_ERRORS_SHOWN, import_check, rows_to_session, template_bytes
from .models import SurveyStatus
from .responses import ImportRow, responses_import

MANAGE = "manage_cadres"


def _session_key(survey_pk: int) -> str:
    return f"survey-import-{survey_pk}"


@access(staff(MANAGE))
@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = selectors.get_managed_survey(request.user, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"survey": survey, "form": form}
    if survey.status != SurveyStatus.RUNNING:
        context["closed"] = True
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check = import_check(user=request.user, survey=survey, source=upload, filename=upload.name)
        except RosterFormatError as exc:
            form.add_error("file", str(exc))
        else:
            context |= {"check": check, "errors": check.errors[:MAX_ERRORS_SHOWN], "filename": upload.name}
            if check.ok:
                request.session[_session_key(survey.pk)] = rows_to_session(check.rows)
    return render(request, "surveys/import.html", context)


@access(staff(MANAGE))
@login_required
@require_POST
def import_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = selectors.get_managed_survey(request.user, pk)
    stored = request.session.pop(_session_key(survey.pk), None)
    if not stored or survey.status != SurveyStatus.RUNNING:
        messages.error(request, "没有待导入的文件，或问卷已结束，请重新上传")
        return redirect("surveys:import", survey.pk)
    questions = list(survey.questions.all())
    cadres = Cadre.objects.for_user(request.user).in_bulk([cadre_id for _line, cadre_id, _v in stored])
    targeted = set(survey.targets.filter(cadre_id__in=cadres).values_list("cadre_id", flat=True))
    rows = []
    for line, cadre_id, raw in stored:
        values, errors = check_answers(questions, {int(k): v for k, v in raw.items()})
        if cadre_id not in targeted or errors:
            messages.error(request, f"第{line}行的数据已失效，请重新上传")
            return redirect("surveys:import", survey.pk)
        rows.append(ImportRow(line=line, cadre=cadres[cadre_id], values=values))
    try:
        new, replaced = responses_import(
            actor=actor_from_request(request), survey=survey, rows=rows, today=timezone.localdate()
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("surveys:import", survey.pk)
    messages.success(request, f"已导入{new}份答卷，更新{replaced}份（原答案已留存）")
    return redirect("surveys:detail", survey.pk)


@access(staff(MANAGE))
@login_required
@require_GET
def import_template(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = selectors.get_survey_for_user(request.user, pk)
    response = HttpResponse(
        template_bytes(survey),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''survey-{survey.pk}-template.xlsx"
    return response
