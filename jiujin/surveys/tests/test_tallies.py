"""The answer tallies always equal a recount from the answer rows, whatever was written: responses, replaced
responses, a cadre who moved between answers, an import."""

from __future__ import annotations

import random
from typing import Any

import pytest

from jiujin.audit.services import Actor
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.surveys.answers import check_answers
from jiujin.surveys.models import AnswerTally, SurveyTarget
from jiujin.surveys.responses import ImportRow, response_record, responses_import
from jiujin.surveys.results import Filters, _from_answers, _from_tallies, answers_for

from .conftest import TODAY
from .factories import make_survey, needs_answers

pytestmark = pytest.mark.usefixtures("frozen")

CHOICES = {
    "learning": ["希望", "不希望", "说不清"],
    "worries": ["生活中无所事事", "生病住院", "生活孤独", "经济困难"],
    "living": ["与子女同住", "与配偶同住", "独居"],
    "culture": ["非常满意", "满意", "一般", "不满意"],
}


def random_answers(survey: Any, rng: random.Random) -> dict[int, Any]:
    picked: dict[str, Any] = {code: rng.choice(options) for code, options in CHOICES.items()}
    picked["worries"] = rng.sample(CHOICES["worries"], rng.randint(1, 3))
    if picked["living"] == "独居":
        picked["alone_help"] = "邻居"
    return needs_answers(survey, **picked)


def assert_tallies_match(survey: Any, units: list[Any]) -> None:
    questions = list(survey.questions.all())
    for unit in units:
        from_answers = _from_answers(answers_for(survey, unit, Filters()), questions)
        assert _from_tallies(survey, unit) == from_answers, unit.name


def test_it_keeps_the_tallies_equal_to_a_recount_after_any_writes(tree: Any, cast: Any) -> None:
    survey = make_survey(cast.district, tree.district)
    cadres = [CadreFactory(community=c) for c in (tree.community_a, tree.community_b) for _ in range(4)]
    SurveyTarget.objects.bulk_create(
        SurveyTarget.of(survey, tuple(getattr(c, f) for f in SurveyTarget.COPIED)) for c in cadres
    )
    rng = random.Random(7)
    actor = Actor(user=cast.district)
    for _step in range(25):  # answers, replaced answers, and a cadre who moves between two of them
        cadre = rng.choice(cadres)
        if rng.random() < 0.2:
            cadre.community = tree.community_b if cadre.community == tree.community_a else tree.community_a
            cadre.save(update_fields=["community"])
        response_record(actor=actor, survey=survey, cadre=cadre, answers=random_answers(survey, rng))
        assert_tallies_match(survey, [tree.district, tree.street, tree.community_a, tree.community_b])
    questions = list(survey.questions.all())
    checked = []
    for n, cadre in enumerate(cadres[:3], start=2):
        values, errors = check_answers(questions, random_answers(survey, rng))
        assert errors == {}
        checked.append(ImportRow(line=n, cadre=cadre, values=values))
    responses_import(actor=actor, survey=survey, rows=checked, today=TODAY)
    assert_tallies_match(survey, [tree.district, tree.community_a, tree.community_b])
    assert AnswerTally.objects.filter(survey=survey, option=AnswerTally.TOTAL).exists()
