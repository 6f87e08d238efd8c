"""The access walk's objects of this app: a rubric, an assessment, a unit score and an evidence file in
community A's district. Community B (the same district) may read the run's ranking (its own row only) and
the rubric; everyone else reaches nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jiujin.assessments.models import (
    Assessment,
    AssessmentRevision,
    Rubric,
    RubricItem,
    RubricSection,
    Score,
    ScoreEvidence,
    UnitResult,
)
from jiujin.assessments.scoring import assessment_start, score_enter
from jiujin.core.attachments import check_upload

from .helpers import actor, png_bytes, small_rubric


def walk_world(tree: Any, cast: Any, cadre_a: Any) -> dict[str, Any]:
    rubric = small_rubric(tree.district, user=cast.district)
    run = assessment_start(actor=actor(cast.district), rubric=rubric)
    score = Score.objects.select_related("item", "assessment").get(
        assessment=run, unit=tree.community_a, item__code="B1"
    )
    score_enter(
        actor=actor(cast.district),
        score=score,
        points=Decimal(30),
        note="台账不全",
        evidence=[check_upload(png_bytes())],
    )
    evidence = ScoreEvidence.objects.get(score=score)
    item = RubricItem.objects.get(section__rubric=rubric, code="B1")
    section = RubricSection.objects.get(rubric=rubric, name="管理")
    return {
        "ids": {"assessment_id": run.pk},  # the rewards routes take the assessment this way
        "pks": {
            "assessments:rubric": rubric.pk,
            "assessments:section_save": rubric.pk,
            "assessments:rubric_copy": rubric.pk,
            "assessments:rubric_start": rubric.pk,
            "assessments:item_new": section.pk,
            "assessments:item_edit": item.pk,
            "assessments:item_delete": item.pk,
            "assessments:overview": run.pk,
            "assessments:publish": run.pk,
            "assessments:recompute": run.pk,
            "assessments:unit": run.pk,
            "assessments:remark": run.pk,
            "assessments:score": score.pk,
            "assessments:evidence": evidence.pk,
        },
        "may": {"sibling community": {"assessments:overview", "assessments:rubric"}},
        "written": [
            lambda: Rubric.objects.count(),
            lambda: RubricItem.objects.count() + RubricSection.objects.count(),
            lambda: Assessment.objects.filter(status="published").count(),
            lambda: AssessmentRevision.objects.count(),
            lambda: Score.objects.filter(points__isnull=False).count() + ScoreEvidence.objects.count(),
            lambda: UnitResult.objects.exclude(remark="").count(),
        ],
    }
