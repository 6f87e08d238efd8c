"""The needs paragraph with hand-computed numbers, and the satisfaction metric against a hand-built fixture."""

from __future__ import annotations

from datetime import date
from typing import Any

from jiujin.core.registry import metric
from jiujin.surveys.paragraph import needs_paragraph

from .results_fixtures import make_cadres, make_survey, respond, respond_many, target

ANSWERS = [
    {"learning": 0, "worries": [0, 3], "pastime": [0], "culture": 1, "role": 2, "contribute": 0, "care": 2,
     "wellbeing": 0, "living": 0, "hospital": 0},
    {"learning": 0, "worries": [1, 2], "pastime": [1, 4], "culture": 3, "role": 0, "contribute": 1, "care": 0,
     "wellbeing": 1, "living": 2, "alone_help": 0, "hospital": 2},
    {"learning": 1, "worries": [5], "pastime": [4], "culture": 0, "role": 2, "contribute": 0, "care": 1,
     "wellbeing": 0, "living": 1, "hospital": 0},
    # Ticks three worries of the blank: counted once. Skips the hospital question.
    {"learning": 0, "worries": [0, 1, 2], "pastime": [2], "culture": 2, "role": 1, "contribute": 0, "care": 2,
     "wellbeing": 2, "living": 0},
]  # fmt: skip


def test_it_writes_the_paragraph_with_real_numbers(tree: Any) -> None:
    survey = make_survey(tree.district)
    respond_many(survey, tree.community_a, ANSWERS)
    target(survey, make_cadres(tree.community_a, 4))
    assert needs_paragraph(survey, tree.district) == (
        "全区离退休干部中，75.0%的老干部希望参加各类知识的学习；75.0%的老干部表示最担心的问题是"
        "生活中无所事事、生病住院、生活孤独；50.0%的老干部离退休之后主要精力用于家务和打麻将；"
        "对精神文化生活表示满意的占50.0%。50.0%的老干部认为其作用尚未得到充分发挥；75.0%的老干部"
        "表示愿继续有所作为，实现自身的价值；处于日常生活少有人照料状态的占50.0%；50.0%的表示"
        "“身体健康，心情愉快”；在居住方面，与子女同住的占50.0%，独居的占25.0%。66.7%的老干部"
        "认为在身体不适时，最好的就诊方式是到离家较近的医院。（共4人作答，回收率50.0%）"
    )


def test_it_names_the_community_and_marks_unanswered_blanks(tree: Any) -> None:
    survey = make_survey(tree.district)
    respond_many(survey, tree.community_a, [{"learning": 0}, {"learning": 1}])
    text = needs_paragraph(survey, tree.community_a)
    assert text.startswith("本社区离退休干部中，50.0%的老干部希望参加各类知识的学习；—的老干部表示")
    assert "（共2人作答，回收率100.0%）" in text
    assert text.endswith(
        "（注：第2题、第3题、第4题、第5题、第6题、第7题、第8题、第9题、第11题无人作答，相应比例以“—”表示。）"
    )


def test_it_writes_no_paragraph_for_other_surveys(tree: Any) -> None:
    assert needs_paragraph(make_survey(tree.district, "satisfaction"), tree.district) == ""


def test_it_computes_the_satisfaction_rate_per_community(tree: Any, django_assert_num_queries: Any) -> None:
    survey = make_survey(tree.district, "satisfaction")
    a = make_cadres(tree.community_a, 5)
    for cadre, choice in zip(a, [0, 1, 2, 3, 1], strict=True):  # 3 of 5 satisfied
        respond(survey, cadre, {"overall": choice, "visits": 5}, answered_on=date(2026, 6, 1))
    b = make_cadres(tree.community_b, 3)
    respond(survey, b[0], {"overall": 4}, answered_on=date(2026, 6, 1))
    respond(survey, b[1], {"overall": 0}, answered_on=date(2025, 12, 31))  # before the period
    respond(survey, b[2], {"visits": 3}, answered_on=date(2026, 6, 1))  # did not answer the question
    needs = make_survey(tree.district, "needs")  # another template's "culture" satisfaction is not counted
    respond(needs, make_cadres(tree.community_b, 1)[0], {"culture": 0}, answered_on=date(2026, 6, 1))
    satisfaction = metric("survey_satisfaction")
    assert satisfaction is not None and satisfaction.kind == "rate"
    ids = [tree.community_a.pk, tree.community_b.pk, tree.community_z.pk]
    with django_assert_num_queries(1):
        figures = satisfaction.by_community(ids, date(2026, 1, 1), date(2026, 12, 31))
    assert figures == {tree.community_a.pk: (3.0, 5.0), tree.community_b.pk: (0.0, 1.0)}
    assert satisfaction.value(*figures[tree.community_a.pk]) == 60.0
