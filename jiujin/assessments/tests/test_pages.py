from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiujin.assessments import scoring
from jiujin.assessments.models import Rubric, Score

from .helpers import actor, png_bytes, small_rubric

D = Decimal


def manual_score(run: Any, unit: Any) -> Score:
    return Score.objects.get(assessment=run, unit=unit, item__code="B1")


def publish(run: Any, user: Any) -> None:
    for s in Score.objects.filter(assessment=run, points__isnull=True).select_related("item", "assessment"):
        scoring.score_enter(
            actor=actor(user), score=s, points=s.item.max_points if not s.item.is_bonus else D(0)
        )
    scoring.assessment_publish(actor=actor(user), assessment=run)


def test_it_shows_the_ranking_with_a_pinned_number_of_queries(
    run: Any, tree: Any, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.district)
    with django_assert_max_num_queries(12):
        page = client.get(f"/assessments/{run.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "社区A" in body and "社区B" in body and "发布结果" in body
    assert body.index("社区A") < body.index("社区B")  # A (48) ranks above B (12)


def test_it_shows_a_community_worker_only_their_own_row_and_breakdown(
    run: Any, tree: Any, cast: Any, client_for: Any
) -> None:
    client = client_for(cast.community_a)
    body = client.get(f"/assessments/{run.pk}/").content.decode()
    assert "社区A" in body and "社区B" not in body and "发布结果" not in body
    page = client.get(f"/assessments/{run.pk}/units/{tree.community_a.code}/")
    assert (
        page.status_code == 200 and "走访率" in page.content.decode() and "提交说明" in page.content.decode()
    )
    assert client.get(f"/assessments/{run.pk}/units/{tree.community_b.code}/").status_code == 404


@pytest.mark.parametrize("who", ["community_z", "volunteer"])
def test_it_hides_the_assessment_from_outsiders(
    run: Any, tree: Any, cast: Any, client_for: Any, who: str
) -> None:
    client = client_for(getattr(cast, who))
    assert client.get(f"/assessments/{run.pk}/").status_code == 404
    assert client.get(f"/assessments/rubrics/{run.rubric_id}/").status_code == 404
    assert client.get(f"/assessments/{run.pk}/units/{tree.community_a.code}/").status_code == 404


def test_it_lets_the_unit_remark_before_publication_only(
    run: Any, tree: Any, cast: Any, client_for: Any
) -> None:
    url = f"/assessments/{run.pk}/units/{tree.community_a.code}/remark/"
    assert client_for(cast.district).post(url, {"remark": "区里不能代写"}).status_code == 404
    client = client_for(cast.community_a)
    client.post(url, {"remark": "走访数据漏录，已补录"})
    assert run.results.get(unit=tree.community_a).remark == "走访数据漏录，已补录"
    publish(run, cast.district)
    client.post(url, {"remark": "再改"})
    assert run.results.get(unit=tree.community_a).remark == "走访数据漏录，已补录"
    page = client.get(f"/assessments/{run.pk}/units/{tree.community_a.code}/").content.decode()
    assert "提交说明</button>" not in page and "已冻结" in page


def test_it_takes_an_assessors_score_with_evidence_on_a_phone_form(
    run: Any, tree: Any, cast: Any, assessor: Any, client_for: Any
) -> None:
    score = manual_score(run, tree.community_a)
    client = client_for(assessor)
    assert client.get("/", follow=False)["Location"] == "/assessments/"
    form = client.get(f"/assessments/scores/{score.pk}/")
    assert form.status_code == 200 and 'inputmode="decimal"' in form.content.decode()
    refused = client.post(f"/assessments/scores/{score.pk}/", {"points": "30", "deduction": "0", "note": ""})
    assert "扣分理由" in refused.content.decode()
    over = client.post(f"/assessments/scores/{score.pk}/", {"points": "45", "deduction": "0", "note": "x"})
    assert over.status_code == 200 and "40" in over.content.decode()
    photo = SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")
    done = client.post(
        f"/assessments/scores/{score.pk}/",
        {"points": "30", "deduction": "0", "note": "台账不全", "evidence": photo},
    )
    assert done.status_code == 302
    score.refresh_from_db()
    assert (score.points, score.note, score.evidence.count()) == (D(30), "台账不全", 1)
    file = score.evidence.get()
    assert client.get(f"/assessments/evidence/{file.pk}/").status_code == 200
    assert client_for(cast.community_z).get(f"/assessments/evidence/{file.pk}/").status_code == 404
    # The assessor neither publishes nor edits the rubric.
    assert client.post(f"/assessments/{run.pk}/publish/").status_code == 403
    assert client.get(f"/assessments/items/{score.item_id}/").status_code == 403


def test_it_freezes_the_pages_after_publication(
    run: Any, tree: Any, cast: Any, assessor: Any, client_for: Any
) -> None:
    publish(run, cast.district)
    score = manual_score(run, tree.community_a)
    client = client_for(assessor)
    page = client.get(f"/assessments/scores/{score.pk}/").content.decode()
    assert "已冻结" in page and "保存评分" not in page
    client.post(f"/assessments/scores/{score.pk}/", {"points": "1", "note": "改"})
    score.refresh_from_db()
    assert score.points == D(40)
    district = client_for(cast.district)
    district.post(f"/assessments/{run.pk}/recompute/", {"reason": ""})
    run.refresh_from_db()
    assert run.revision == 1
    district.post(f"/assessments/{run.pk}/recompute/", {"reason": "数据补录"})
    run.refresh_from_db()
    assert run.revision == 2
    assert "数据补录" in district.get(f"/assessments/{run.pk}/").content.decode()


def test_it_edits_the_rubric_and_shows_what_does_not_add_up(
    tree: Any, cast: Any, client_for: Any, fake_metrics: Any
) -> None:
    client = client_for(cast.district)
    client.post("/assessments/rubrics/new/", {"district": tree.district.code, "year": "2026"})
    rubric = Rubric.objects.get(district=tree.district, year=2026)
    page = client.get(f"/assessments/rubrics/{rubric.pk}/").content.decode()
    assert "分值合计正确" in page and "指标未注册" in page  # no real metric is registered in this test
    item = rubric.sections.get(name="组织领导").items.get(code="A1")
    form = client.get(f"/assessments/items/{item.pk}/").content.decode()
    assert "领导小组" in form
    data = {
        "code": "A1", "name": "领导小组", "max_points": "30", "check_method": "docs", "standard": "s",
        "deduction_rules": "", "metric_code": "", "rule_kind": "", "low": "", "high": "", "steps": "", "order": "1",
    }  # fmt: skip
    assert client.post(f"/assessments/items/{item.pk}/", data).status_code == 302
    page = client.get(f"/assessments/rubrics/{rubric.pk}/").content.decode()
    assert "与板块分值 150.0 分相差 10.0 分（少）" in page and "开始考评" not in page
    fake_metrics.add("m")
    bad = client.post(
        f"/assessments/items/{item.pk}/",
        data | {"metric_code": "m", "rule_kind": "linear", "low": "5", "high": "1"},
    )
    assert "下阈值要小于上阈值" in bad.content.decode()
    client.post(f"/assessments/rubrics/{rubric.pk}/copy/", {"year": "2027"})
    assert Rubric.objects.filter(district=tree.district, year=2027).exists()


def test_it_lists_the_rubrics_of_the_users_district_only(tree: Any, cast: Any, client_for: Any) -> None:
    small_rubric(tree.district)
    assert "测试细则" in client_for(cast.street).get("/assessments/").content.decode()
    assert "测试细则" not in client_for(cast.community_z).get("/assessments/").content.decode()
