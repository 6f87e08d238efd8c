from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jiujin.assessments import scoring, services
from jiujin.assessments.models import AssessmentRevision, AssessmentStatus, Rubric, RubricItem, Score, Source
from jiujin.assessments.selectors import assessment_standings
from jiujin.audit.models import AuditEvent
from jiujin.core.attachments import check_upload

from .helpers import actor, png_bytes, small_rubric

D = Decimal


def score_of(run: Any, unit: Any, code: str) -> Score:
    return Score.objects.select_related("item", "assessment").get(assessment=run, unit=unit, item__code=code)


def result_of(run: Any, unit: Any) -> Any:
    return run.results.get(unit=unit)


def fill_manual(run: Any, user: Any, points: Decimal = Decimal(40)) -> None:
    for s in Score.objects.filter(assessment=run, points__isnull=True).select_related("item", "assessment"):
        full = points if not s.item.is_bonus else D(0)
        scoring.score_enter(actor=actor(user), score=s, points=min(full, s.item.max_points), note="核查")


def test_it_builds_a_default_rubric_of_1000_points_bound_to_the_metric_codes(tree: Any, cast: Any) -> None:
    rubric = services.rubric_create_default(actor=actor(cast.district), district=tree.district, year=2026)
    check = services.rubric_check(rubric)
    assert check.problems == []
    assert services.rubric_base_total(rubric) == 1000
    codes = set(
        RubricItem.objects.filter(section__rubric=rubric)
        .exclude(metric_code="")
        .values_list("metric_code", flat=True)
    )
    assert codes == {
        "must_knows", "visits_done", "visits_on_time", "requests_on_time", "requests_satisfaction", "opinions_closed",
        "opinions_days", "survey_satisfaction", "attendance_per_cadre", "health_lectures", "pairing_coverage",
    }  # fmt: skip
    methods = set(RubricItem.objects.filter(section__rubric=rubric).values_list("check_method", flat=True))
    assert {"docs", "site", "ask", "auto"} <= methods
    with pytest.raises(services.Refused):
        services.rubric_create_default(actor=actor(cast.district), district=tree.district, year=2026)


def test_it_refuses_to_start_a_rubric_that_does_not_add_up(tree: Any, cast: Any, fake_metrics: Any) -> None:
    rubric = small_rubric(tree.district)
    RubricItem.objects.filter(code="B1").update(max_points=D(35))
    check = services.rubric_check(rubric)
    assert check.problems == ["“管理”各项分值合计 35.0 分，与板块分值 40.0 分相差 5.0 分（少）"]
    with pytest.raises(services.Refused, match=r"相差 5\.0 分"):
        scoring.assessment_start(actor=actor(cast.district), rubric=rubric)


def test_it_computes_metric_items_with_one_call_per_metric_over_the_year(
    run: Any, tree: Any, fake_metrics: Any
) -> None:
    assert len(fake_metrics.calls) == 1
    _code, ids, start, end = fake_metrics.calls[0]
    assert set(ids) == {tree.community_a.pk, tree.community_b.pk}  # not the other district's Z
    assert (start, end) == (date(2026, 1, 1), date(2026, 9, 23))  # the current year: up to today
    a = score_of(run, tree.community_a, "A1")
    assert (a.points, a.value, a.source) == (D(48), 90.0, Source.METRIC)
    assert score_of(run, tree.community_b, "A1").points == D(12)
    assert score_of(run, tree.community_a, "B1").points is None  # manual: not scored yet
    assert result_of(run, tree.community_a).total == D(48)


def test_it_scores_an_unregistered_metric_zero_with_a_warning(
    tree: Any, cast: Any, fake_metrics: Any
) -> None:
    rubric = small_rubric(tree.district)  # "rate" is not registered
    assert services.rubric_check(rubric).warnings == ["“走访率”绑定的指标 rate 指标未注册，计0分"]
    run = scoring.assessment_start(actor=actor(cast.district), rubric=rubric)
    assert score_of(run, tree.community_a, "A1").points == 0
    report = scoring.assessment_compute(actor=actor(cast.district), assessment=run)
    assert report.warnings == ["指标 rate 指标未注册，相关项目计0分"]


def test_it_bounds_manual_points_and_wants_a_note_below_full_marks(
    run: Any, tree: Any, assessor: Any
) -> None:
    s = score_of(run, tree.community_a, "B1")
    with pytest.raises(services.Refused, match=r"0 到 40\.0"):
        scoring.score_enter(actor=actor(assessor), score=s, points=D(41))
    with pytest.raises(services.Refused, match=r"0 到 40\.0"):
        scoring.score_enter(actor=actor(assessor), score=s, points=D(-1))
    with pytest.raises(services.Refused, match="扣分理由"):
        scoring.score_enter(actor=actor(assessor), score=s, points=D(35))
    scoring.score_enter(actor=actor(assessor), score=s, points=D(40))  # full marks need no note
    scoring.score_enter(actor=actor(assessor), score=s, points=D(35), note="缺一类台账")
    assert result_of(run, tree.community_a).total == D(48) + D(35)


def test_it_takes_a_deduction_with_a_note_and_evidence(run: Any, tree: Any, assessor: Any) -> None:
    s = score_of(run, tree.community_a, "A1")  # a metric item: points stay computed
    with pytest.raises(services.Refused, match="扣分理由"):
        scoring.score_enter(actor=actor(assessor), score=s, points=None, deduction=D(5))
    with pytest.raises(services.Refused, match="扣分要在"):
        scoring.score_enter(actor=actor(assessor), score=s, points=None, deduction=D(49), note="x")
    scoring.score_enter(
        actor=actor(assessor),
        score=s,
        points=D(1),
        deduction=D(5),
        note="走访记录不实",
        evidence=[check_upload(png_bytes(), name="a.png")],
    )
    s.refresh_from_db()
    assert (s.points, s.net, s.evidence.count()) == (D(48), D(43), 1)
    assert result_of(run, tree.community_a).total == D(43)


def test_it_caps_the_bonus(run: Any, tree: Any, assessor: Any) -> None:
    for code in ("J1", "J2"):
        scoring.score_enter(actor=actor(assessor), score=score_of(run, tree.community_a, code), points=D(10))
    r = result_of(run, tree.community_a)
    assert (r.base_total, r.bonus_total, r.total) == (D(48), D(15), D(63))


def test_it_takes_the_unit_remark_only_from_the_unit_and_before_publication(
    run: Any, tree: Any, cast: Any
) -> None:
    a = result_of(run, tree.community_a)
    with pytest.raises(services.Refused):
        scoring.remark_save(actor=actor(cast.community_b), result=a, remark="不是本社区")
    scoring.remark_save(actor=actor(cast.community_a), result=a, remark="走访数据漏录，已补录")
    fill_manual(run, cast.district)
    scoring.assessment_publish(actor=actor(cast.district), assessment=run)
    a.refresh_from_db()
    a.assessment.refresh_from_db()
    with pytest.raises(services.Refused, match="已发布"):
        scoring.remark_save(actor=actor(cast.community_a), result=a, remark="再改")


def test_it_publishes_only_when_every_item_is_scored_and_then_freezes(
    run: Any, tree: Any, cast: Any, assessor: Any
) -> None:
    with pytest.raises(services.Refused, match="没有评分"):
        scoring.assessment_publish(actor=actor(cast.district), assessment=run)
    fill_manual(run, assessor)
    scoring.assessment_publish(actor=actor(cast.district), assessment=run)
    run.refresh_from_db()
    assert run.status == AssessmentStatus.PUBLISHED and run.published_at is not None
    s = score_of(run, tree.community_a, "B1")
    with pytest.raises(services.Refused, match="已发布"):
        scoring.score_enter(actor=actor(assessor), score=s, points=D(1), note="改")
    with pytest.raises(services.Refused, match="已发布"):
        scoring.assessment_publish(actor=actor(cast.district), assessment=run)
    item = RubricItem.objects.select_related("section__rubric").get(code="B1", section__rubric=run.rubric)
    with pytest.raises(services.Refused, match=r"不能再修改"):
        services.rubric_item_save(
            actor=actor(cast.district), section=item.section, item=item, fields={"max_points": D(40)}
        )
    with pytest.raises(services.Refused):
        services.rubric_item_delete(actor=actor(cast.district), item=item)


def test_it_recomputes_after_publication_only_with_a_reason_and_keeps_the_old_result(
    run: Any, tree: Any, cast: Any, fake_metrics: Any
) -> None:
    fill_manual(run, cast.district)
    scoring.assessment_publish(actor=actor(cast.district), assessment=run)
    with pytest.raises(services.Refused, match="原因"):
        scoring.assessment_compute(actor=actor(cast.district), assessment=run, reason=" ")
    fake_metrics.data["rate"][tree.community_b.pk] = (100, 100)
    scoring.assessment_compute(actor=actor(cast.district), assessment=run, reason="B社区走访数据补录")
    run.refresh_from_db()
    assert run.revision == 2 and run.is_published
    old = AssessmentRevision.objects.get(assessment=run)
    assert (old.number, old.reason) == (1, "B社区走访数据补录")
    assert old.snapshot["units"][tree.community_b.code]["total"] == "52.0"
    assert old.snapshot["units"][tree.community_a.code]["rank"] == 1
    assert result_of(run, tree.community_b).total == D(100)
    assert [s.unit for s in assessment_standings(run)] == [tree.community_b, tree.community_a]
    assert AuditEvent.objects.filter(detail__contains="发布后重新计算").count() == 1


def test_it_ranks_ties_alike(run: Any, tree: Any, cast: Any, fake_metrics: Any) -> None:
    fake_metrics.data["rate"][tree.community_b.pk] = (90, 100)
    scoring.assessment_compute(actor=actor(cast.district), assessment=run)
    standings = assessment_standings(run)
    assert [(s.total, s.rank) for s in standings] == [(D(48), 1), (D(48), 1)]


def test_it_copies_a_rubric_for_next_year_without_scores(run: Any, tree: Any, cast: Any) -> None:
    copy = services.rubric_copy(actor=actor(cast.district), rubric=run.rubric, year=2027)
    assert copy.copied_from == run.rubric and copy.bonus_cap == D(15)
    items = list(
        RubricItem.objects.filter(section__rubric=copy)
        .order_by("code")
        .values_list("code", "metric_code", "low")
    )
    assert items == [("A1", "rate", D(50)), ("B1", "", None), ("J1", "", None), ("J2", "", None)]
    assert not Score.objects.filter(item__section__rubric=copy).exists()
    assert Rubric.objects.filter(district=tree.district).count() == 2
    with pytest.raises(services.Refused, match="已经存在"):
        services.rubric_copy(actor=actor(cast.district), rubric=run.rubric, year=2027)
