"""Building and running questionnaires: drafts and their questions, versions, starting and closing.

Who may do it is decided by the callers (`Survey.objects.managed_by`: staff with manage_cadres, for surveys
of their own unit or below); these functions keep the rules that hold whoever calls: a started survey's
questions are frozen, skip logic points back to an earlier choice question, the audience is fixed as
`SurveyTarget` rows when the survey starts (a sample drawn reproducibly from `sample_seed`), and each target
gets a due task of kind "survey" on the responsible worker's agenda.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record
from jiujin.cadres.models import Cadre, CadreStatus
from jiujin.core.registry import cadre_group
from jiujin.orgs.models import OrgUnit
from jiujin.tasks.models import PENDING, TaskStatus, VisitTask

from . import catalog
from .models import Question, QuestionKind, Survey, SurveyAudience, SurveyStatus, SurveyTarget
from .question_rules import QuestionValues, next_position, question_errors
from .task_kinds import SURVEY

CHUNK = 5000
# Days a survey task stays due when the survey names no end date.
DEFAULT_DAYS = 30
FROZEN = "问卷已开始，题目不能再修改；如需修改请创建新版本"


def _require_draft(survey: Survey) -> None:
    if survey.frozen:
        raise ValidationError(FROZEN, code="frozen")


def _fill(question: Question, values: QuestionValues) -> None:
    question.kind = values.kind
    question.text = values.text.strip()
    question.choices = [c.strip() for c in values.choices] if question.has_choices else []
    question.required = values.required
    question.show_if = values.show_if
    question.show_if_choices = sorted(set(values.show_if_choices)) if values.show_if else []
    scale = values.kind == QuestionKind.SCALE
    question.min_value = 1 if scale else values.min_value
    question.max_value = 5 if scale else values.max_value


@transaction.atomic
def question_add(*, actor: Actor, survey: Survey, values: QuestionValues) -> Question:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _require_draft(survey)
    if errors := question_errors(survey, values):
        raise ValidationError(errors)
    position = next_position(survey)
    question = Question(survey=survey, position=position, code=values.code or f"q{position}")
    while survey.questions.filter(code=question.code).exists():  # a code left by a deleted question
        question.code = f"{question.code}x"
    _fill(question, values)
    question.save()
    audit_record(actor=actor, action=AuditAction.CREATE, subject=question, detail=f"问卷题目：{survey}")
    return question


@transaction.atomic
def question_update(*, actor: Actor, question: Question, values: QuestionValues) -> Question:
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _require_draft(survey)
    if errors := question_errors(survey, values, question=question):
        raise ValidationError(errors)
    _fill(question, values)
    if values.code:
        question.code = values.code
    question.save()
    # Dependants whose condition no longer fits lose it (the builder shows what is left).
    if not question.has_choices:
        survey.questions.filter(show_if=question).update(show_if=None, show_if_choices=[])
    audit_record(actor=actor, action=AuditAction.UPDATE, subject=question, detail=f"问卷题目：{survey}")
    return question


@transaction.atomic
def question_delete(*, actor: Actor, question: Question) -> None:
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _require_draft(survey)
    if survey.questions.filter(show_if=question).exists():
        raise ValidationError("有题目以本题为前提，请先修改那些题目的跳转条件")
    audit_record(actor=actor, action=AuditAction.UPDATE, subject=question, detail=f"删除题目：{question}")
    question.delete()
    _renumber(survey, [q.pk for q in survey.questions.order_by("position")])


def _renumber(survey: Survey, order: Sequence[int]) -> None:
    # Two passes: the (survey, position) constraint holds after each row's update.
    offset = 1000
    for n, pk in enumerate(order, start=1):
        Question.objects.filter(pk=pk).update(position=n + offset)
    for n, pk in enumerate(order, start=1):
        Question.objects.filter(pk=pk).update(position=n)


@transaction.atomic
def question_move(*, actor: Actor, question: Question, up: bool) -> None:
    """Swap with the neighbour; refused where skip logic would point forward."""
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _require_draft(survey)
    order = list(survey.questions.order_by("position"))
    i = next(n for n, q in enumerate(order) if q.pk == question.pk)
    j = i - 1 if up else i + 1
    if not 0 <= j < len(order):
        return
    first, second = (order[j], order[i]) if up else (order[i], order[j])
    if second.show_if_id == first.pk:
        raise ValidationError(f"“{second.text}”以“{first.text}”为前提，不能排在它前面")
    order[i], order[j] = order[j], order[i]
    _renumber(survey, [q.pk for q in order])
    audit_record(actor=actor, action=AuditAction.UPDATE, subject=question, detail="调整题目顺序")


def questions_from_template(survey: Survey, spec: catalog.TemplateSpec) -> None:
    """A ready questionnaire's questions added to a new survey, skip logic resolved by code."""
    by_code: dict[str, Question] = {}
    for n, q in enumerate(spec.questions, start=1):
        question = Question.objects.create(
            survey=survey,
            position=n,
            code=q.code,
            kind=q.kind,
            text=q.text,
            choices=list(q.choices),
            required=q.required,
            show_if=by_code.get(q.show_if),
            show_if_choices=list(q.show_if_choices),
            min_value=q.min_value,
            max_value=q.max_value,
        )
        by_code[q.code] = question


@transaction.atomic
def survey_create(
    *,
    actor: Actor,
    unit: OrgUnit,
    title: str = "",
    template: str = "",
    description: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    audience: str = SurveyAudience.ALL,
    audience_value: str = "",
    sample_size: int | None = None,
    sample_seed: int | None = None,
) -> Survey:
    """A draft survey of `unit`, blank or with a ready questionnaire's questions (`catalog.TEMPLATES`)."""
    spec = catalog.TEMPLATES.get(template) if template else None
    if template and spec is None:
        raise ValidationError({"template": ["模板应为 needs（需求摸底）或 satisfaction（满意度测评）"]})
    survey = Survey(
        org_unit=unit,
        title=(title or (spec.title if spec else "")).strip(),
        template=template,
        description=description or (spec.description if spec else ""),
        starts_on=starts_on,
        ends_on=ends_on,
        audience=audience,
        audience_value=audience_value,
        sample_size=sample_size,
        sample_seed=random.randrange(1, 1_000_000) if sample_seed is None else sample_seed,
        created_by=actor.user,
    )
    _check_survey(survey)
    survey.save()
    if spec:
        questions_from_template(survey, spec)
    audit_record(actor=actor, action=AuditAction.CREATE, subject=survey, detail=f"{unit.name}：{survey}")
    return survey


def _check_survey(survey: Survey) -> None:
    errors: dict[str, list[str]] = {}
    if not survey.title:
        errors["title"] = ["请填写标题"]
    if survey.starts_on and survey.ends_on and survey.ends_on < survey.starts_on:
        errors["ends_on"] = ["结束日期不能早于开始日期"]
    if survey.audience == SurveyAudience.SAMPLE and not survey.sample_size:
        errors["sample_size"] = ["抽样调查请填写抽样人数"]
    if survey.audience in (SurveyAudience.CATEGORY, SurveyAudience.LIVING, SurveyAudience.GROUP) and not (
        survey.audience_value
    ):
        errors["audience_value"] = ["请选择调查对象的条件"]
    if survey.audience == SurveyAudience.GROUP and survey.audience_value:
        code = survey.audience_value.partition(":")[0]
        if cadre_group(code) is None:
            errors["audience_value"] = ["没有这个分组"]
    if errors:
        raise ValidationError(errors)


SETTINGS = ("title", "description", "starts_on", "ends_on", "audience", "audience_value", "sample_size")


@transaction.atomic
def survey_update(*, actor: Actor, survey: Survey, **values: Any) -> Survey:
    """Title, period and audience of a draft; a started survey may only change its title, note and end."""
    allowed = SETTINGS if not survey.frozen else ("title", "description", "ends_on")
    refused = set(values) - set(allowed)
    if refused:
        raise ValidationError(FROZEN if survey.frozen else f"不能修改：{', '.join(sorted(refused))}")
    for name, value in values.items():
        setattr(survey, name, value)
    _check_survey(survey)
    survey.save(update_fields=list(values))
    audit_record(actor=actor, action=AuditAction.UPDATE, subject=survey, detail=str(survey))
    return survey


@transaction.atomic
def survey_new_version(*, actor: Actor, survey: Survey) -> Survey:
    """A draft copy of a started survey's questions, with `previous` and the next version number."""
    copy = Survey.objects.create(
        org_unit=survey.org_unit,
        title=survey.title,
        template=survey.template,
        description=survey.description,
        audience=survey.audience,
        audience_value=survey.audience_value,
        sample_size=survey.sample_size,
        sample_seed=survey.sample_seed,
        version=survey.version + 1,
        previous=survey,
        created_by=actor.user,
    )
    mapping: dict[int, Question] = {}
    for q in survey.questions.order_by("position"):
        old_pk = q.pk
        q.pk = None
        q.survey = copy
        q.show_if = mapping.get(q.show_if_id) if q.show_if_id else None
        q.save()
        mapping[old_pk] = q
    audit_record(
        actor=actor, action=AuditAction.CREATE, subject=copy, detail=f"新版本：{copy}（第{copy.version}版）"
    )
    return copy


def audience_cadres(survey: Survey) -> Any:
    """The active cadres of the survey's unit its audience names (before sampling), as a queryset."""
    cadres = Cadre.objects.filter(status=CadreStatus.ACTIVE, community__path__startswith=survey.org_unit.path)
    value = survey.audience_value
    if survey.audience == SurveyAudience.CATEGORY:
        cadres = cadres.filter(category=value)
    elif survey.audience == SurveyAudience.LIVING:
        cadres = cadres.filter(living_arrangement=value)
    elif survey.audience == SurveyAudience.GROUP:
        code, _, group_value = value.partition(":")
        group = cadre_group(code)
        cadres = cadres.filter(group.q(group_value)) if group else cadres.none()
    return cadres


def sample_ids(ids: list[int], *, size: int, seed: int) -> list[int]:
    """A reproducible sample: the same cadres (in key order) and seed draw the same people."""
    ids = sorted(ids)
    if size >= len(ids):
        return ids
    return sorted(random.Random(seed).sample(ids, size))


def _target_rows(survey: Survey) -> Iterator[tuple[Any, ...]]:
    """The audience as (*SurveyTarget.COPIED, responsible worker id) rows."""
    cadres = audience_cadres(survey).values_list(*SurveyTarget.COPIED, "responsible_worker_id")
    if survey.audience != SurveyAudience.SAMPLE:
        yield from cadres.order_by("pk").iterator(chunk_size=CHUNK)
        return
    chosen = sample_ids(
        list(cadres.values_list("pk", flat=True)), size=survey.sample_size or 0, seed=survey.sample_seed
    )
    for start in range(0, len(chosen), CHUNK):
        yield from cadres.filter(pk__in=chosen[start : start + CHUNK]).order_by("pk")


@transaction.atomic
def survey_start(*, actor: Actor, survey: Survey, today: date | None = None) -> int:
    """Freeze the questions, fix the targets and put a due task on each target's worker's agenda."""
    today = today or timezone.localdate()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError("只有草稿状态的问卷可以开始")
    if not survey.questions.exists():
        raise ValidationError("问卷还没有题目")
    survey.starts_on = survey.starts_on or today
    if survey.ends_on and survey.ends_on < survey.starts_on:
        raise ValidationError({"ends_on": ["结束日期不能早于开始日期"]})
    survey.status = SurveyStatus.RUNNING
    survey.started_at = timezone.now()
    survey.save(update_fields=["status", "starts_on", "started_at"])
    count = survey_targets_fix(survey)
    audit_record(
        actor=actor,
        action=AuditAction.STATUS,
        subject=survey,
        detail=f"开始调查：{survey}，{count}名调查对象",
    )
    return count


def survey_targets_fix(survey: Survey) -> int:
    """Insert the started survey's targets and their tasks, set-based in chunks; returns how many."""
    assert survey.starts_on is not None
    due = survey.ends_on or survey.starts_on + timedelta(days=DEFAULT_DAYS)
    count = 0
    targets: list[SurveyTarget] = []
    tasks: list[VisitTask] = []
    title = f"问卷：{survey.title}"[:100]
    for row in _target_rows(survey):
        cadre_id, community_id, worker_id = row[0], row[1], row[-1]
        targets.append(SurveyTarget.of(survey, row))
        tasks.append(
            VisitTask(
                cadre_id=cadre_id,
                community_id=community_id,
                kind=SURVEY.code,
                rule_key=survey.task_rule_key,
                occurrence=str(survey.version),
                title=title,
                due_date=due,
                window_start=survey.starts_on,
                assignee_id=worker_id,
                suggestion="可在走访时填写",
            )
        )
        if len(targets) >= CHUNK:
            count += _flush(targets, tasks)
    return count + _flush(targets, tasks)


def _flush(targets: list[SurveyTarget], tasks: list[VisitTask]) -> int:
    n = len(targets)
    SurveyTarget.objects.bulk_create(targets, batch_size=CHUNK)
    VisitTask.objects.bulk_create(tasks, batch_size=1000, ignore_conflicts=True)
    targets.clear()
    tasks.clear()
    return n


@transaction.atomic
def survey_close(*, actor: Actor, survey: Survey) -> int:
    """End the survey: no more responses; the open survey tasks are cancelled. Returns how many."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.RUNNING:
        raise ValidationError("只有进行中的问卷可以结束")
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = timezone.now()
    survey.save(update_fields=["status", "closed_at"])
    cancelled = (
        survey_tasks(survey)
        .filter(status__in=PENDING)
        .update(status=TaskStatus.CANCELLED, cancel_reason="问卷调查已结束")
    )
    audit_record(actor=actor, action=AuditAction.STATUS, subject=survey, detail=f"结束调查：{survey}")
    return cancelled


def survey_tasks(survey: Survey) -> Any:
    return VisitTask.objects.filter(kind=SURVEY.code, rule_key=survey.task_rule_key)


def survey_task_for(survey: Survey, cadre_id: int) -> Q:
    return Q(kind=SURVEY.code, rule_key=survey.task_rule_key, cadre_id=cadre_id)
