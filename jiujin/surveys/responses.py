"""Recording a cadre's answers: one response per cadre per survey, replaced with its history kept.

Every way in (the phone form, a visit, the API, an Excel import) ends in `response_record` or, for a whole
file, `responses_import`; both check the answers with `answers.check_answers` (skip logic, requireds), copy
the respondent's community, category, living arrangement and age onto the response, write the Answer rows in
bulk and close the cadre's survey task.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record, audit_record_batch
from jiujin.cadres.models import Cadre
from jiujin.tasks.models import PENDING, TaskStatus, VisitRecord, VisitTask

from .answers import as_api_value, check_answers
from .models import Answer, Question, Response, ResponseRevision, ResponseSource, Survey, SurveyStatus
from .tallies import tallies_refresh
from .task_kinds import SURVEY


@dataclass(frozen=True)
class Recorded:
    response: Response
    created: bool


def answer_rows(
    response: Response, questions: Mapping[int, Question], values: Mapping[int, Any]
) -> list[Answer]:
    rows = []
    for qid, value in values.items():
        base = {"response": response, "survey_id": response.survey_id, "question_id": qid}
        base["community_id"] = response.community_id
        kind = questions[qid].kind
        if kind == "multiple":
            rows += [Answer(**base, choice=i) for i in value]
        elif kind == "single":
            rows.append(Answer(**base, choice=value))
        elif kind in ("scale", "number"):
            rows.append(Answer(**base, number=value))
        else:
            rows.append(Answer(**base, text=value))
    return rows


def stored_answers(response: Response, questions: Sequence[Question]) -> dict[int, Any]:
    """{question id: normalised answer} read back from the Answer rows."""
    kinds = {q.pk: q.kind for q in questions}
    values: dict[int, Any] = {}
    for a in response.answers.all():
        kind = kinds.get(a.question_id)
        if kind == "multiple":
            values.setdefault(a.question_id, []).append(a.choice)
        elif kind == "single":
            values[a.question_id] = a.choice
        elif kind in ("scale", "number"):
            values[a.question_id] = a.number
        else:
            values[a.question_id] = a.text
    return values


def _require_target(survey: Survey, cadre: Cadre) -> None:
    if survey.status != SurveyStatus.RUNNING:
        raise ValidationError("该问卷不在进行中，不能填写")
    if not survey.targets.filter(cadre=cadre).exists():
        raise ValidationError({"cadre": [f"{cadre.name}不在本次调查对象中"]})


def _close_tasks(survey: Survey, cadre_ids: Sequence[int]) -> int:
    return VisitTask.objects.filter(
        kind=SURVEY.code, rule_key=survey.task_rule_key, cadre_id__in=cadre_ids, status__in=PENDING
    ).update(status=TaskStatus.DONE, done_at=timezone.now())


@transaction.atomic
def response_record(
    *,
    actor: Actor,
    survey: Survey,
    cadre: Cadre,
    answers: Mapping[int, Any],
    source: str = ResponseSource.WEB,
    visit_record: VisitRecord | None = None,
    answered_on: date | None = None,
    one_based: bool = False,
) -> Recorded:
    """Record (or replace) `cadre`'s answers to `survey`. `answers`: {question id: value as people give it}.

    Raises ValidationError with {question id as text: [message]} for bad answers, nothing written."""
    answered_on = answered_on or timezone.localdate()
    _require_target(survey, cadre)
    questions = list(survey.questions.all())
    values, errors = check_answers(questions, answers, one_based=one_based)
    if errors:
        raise ValidationError({str(qid): [msg] for qid, msg in errors.items()})
    by_id = {q.pk: q for q in questions}
    existing = Response.objects.select_for_update().filter(survey=survey, cadre=cadre).first()
    copied = {
        "community_id": cadre.community_id,
        "category": cadre.category,
        "living_arrangement": cadre.living_arrangement,
        "age": cadre.age(answered_on),
        "source": source,
        "visit_record": visit_record,
        "answered_on": answered_on,
        "recorded_by": actor.user,
    }
    touched = {cadre.community_id}
    if existing is None:
        response = Response.objects.create(survey=survey, cadre=cadre, **copied)
    else:
        response = existing
        touched.add(existing.community_id)  # the cadre may have moved since: recount where they were too
        old = stored_answers(response, questions)
        ResponseRevision.objects.create(
            response=response,
            answers={by_id[q].code: as_api_value(by_id[q], v) for q, v in old.items() if q in by_id},
            answered_on=response.answered_on,
            source=response.source,
            replaced_by=actor.user,
        )
        response.answers.all().delete()
        for name, value in copied.items():
            setattr(response, name, value)
        response.save(update_fields=[*(f.removesuffix("_id") for f in copied), "updated_at"])
    Answer.objects.bulk_create(answer_rows(response, by_id, values))
    tallies_refresh(survey_id=survey.pk, community_ids=touched)
    _close_tasks(survey, [cadre.pk])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if existing is None else AuditAction.UPDATE,
        cadre=cadre,
        subject=response,
        detail=f"问卷答卷：{survey}",
        changes={by_id[q].code: as_api_value(by_id[q], v) for q, v in values.items()},
    )
    return Recorded(response, existing is None)


@dataclass(frozen=True)
class ImportRow:
    """One checked row of an import: the cadre and the normalised answers."""

    line: int
    cadre: Cadre
    values: dict[int, Any]


@transaction.atomic
def responses_import(
    *, actor: Actor, survey: Survey, rows: Sequence[ImportRow], today: date
) -> tuple[int, int]:
    """Write a whole checked file: new responses in bulk, replaced ones with their revision. (new, replaced)."""
    questions = list(survey.questions.all())
    by_id = {q.pk: q for q in questions}
    cadre_ids = [r.cadre.pk for r in rows]
    existing = {
        r.cadre_id: r
        for r in Response.objects.select_for_update()
        .filter(survey=survey, cadre_id__in=cadre_ids)
        .prefetch_related("answers")
    }
    revisions = []
    for response in existing.values():
        old = stored_answers(response, questions)
        revisions.append(
            ResponseRevision(
                response=response,
                answers={by_id[q].code: as_api_value(by_id[q], v) for q, v in old.items() if q in by_id},
                answered_on=response.answered_on,
                source=response.source,
                replaced_by=actor.user,
            )
        )
    ResponseRevision.objects.bulk_create(revisions)
    Answer.objects.filter(response__in=list(existing.values())).delete()
    Response.objects.filter(pk__in=[r.pk for r in existing.values()]).update(
        source=ResponseSource.EXCEL, answered_on=today, recorded_by=actor.user, updated_at=timezone.now()
    )
    new = [
        Response(
            survey=survey,
            cadre=row.cadre,
            community_id=row.cadre.community_id,
            category=row.cadre.category,
            living_arrangement=row.cadre.living_arrangement,
            age=row.cadre.age(today),
            source=ResponseSource.EXCEL,
            answered_on=today,
            recorded_by=actor.user,
        )
        for row in rows
        if row.cadre.pk not in existing
    ]
    Response.objects.bulk_create(new, batch_size=1000)
    responses = {r.cadre_id: r for r in new} | existing
    answers: list[Answer] = []
    for row in rows:
        answers += answer_rows(responses[row.cadre.pk], by_id, row.values)
    Answer.objects.bulk_create(answers, batch_size=2000)
    touched = {r.cadre.community_id for r in rows} | {r.community_id for r in existing.values()}
    tallies_refresh(survey_id=survey.pk, community_ids=touched)
    _close_tasks(survey, cadre_ids)
    audit_record_batch(
        actor=actor, action=AuditAction.IMPORT, cadre_ids=cadre_ids, detail=f"Excel导入问卷答卷：{survey}"
    )
    return len(new), len(existing)


def response_record_view(*, actor: Actor, response: Response) -> None:
    """A response is the cadre's own account of their life: who read it is kept, like a cadre's file."""
    audit_record(
        actor=actor, action=AuditAction.VIEW, cadre=response.cadre, subject=response, detail="查看问卷答卷"
    )
