"""The pilot pages: the board's figures and drill-down, the pilot page, uploads, who may do what by role,
outsiders' 404, the home panel of overdue steps, and constant query counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiujin.audit.services import Actor
from jiujin.pilots.models import GroupMember, Pilot, PilotEvidence
from jiujin.pilots.services import pilot_evidence_add, pilot_member_add, pilot_step_mark_done

from .helpers import make_pilot, pdf_bytes, png_bytes, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot(cast: Any, tree: Any) -> Pilot:
    pilot = make_pilot(cast.district, tree.community_a, year=2026, name="翠柳试点")
    actor = Actor(user=cast.community_a)
    for step in pilot.steps.filter(number__lte=2):
        pilot_evidence_add(actor=actor, step=step, kind="photo", files=[png_upload(f"第{step.number}步.png")])
        pilot_step_mark_done(actor=actor, step=step, done_date=date(2026, 3, 1))
    return pilot


def test_it_shows_the_board_with_strip_percent_next_step_and_last_evidence(
    client_for: Any, cast: Any, pilot: Pilot
) -> None:
    body = client_for(cast.district).get("/pilots/?year=2026").content.decode()
    assert "翠柳试点" in body and "社区A" in body
    assert body.count('class="done"') == 2 + 1  # two done cells and the legend
    assert body.count('class="overdue"') == 2 + 1  # steps 3 and 4 (May 31, Jun 30) are late on Jul 15
    assert "25%" in body
    assert "下一步：<strong>成立组织</strong>（计划 2026年5月31日）" in body
    assert "第2步.png" in body
    assert "社区A" not in client_for(cast.district).get("/pilots/?year=2025").content.decode()


def test_it_lets_a_city_user_drill_from_districts_to_a_district(
    client_for: Any, cast: Any, tree: Any, pilot: Pilot
) -> None:
    make_pilot(cast.city, tree.community_z, year=2026, name="麻城试点")
    client = client_for(cast.city)
    body = client.get("/pilots/").content.decode()
    assert "各区县试点进度" in body
    assert f"?unit={tree.district.code}" in body and f"?unit={tree.district_z.code}" in body
    assert "<td>25%</td>" in body and "<td>0%</td>" in body  # 2 of 8 steps done in 黄州区, none in 麻城市
    drilled = client.get(f"/pilots/?unit={tree.district.code}").content.decode()
    assert "翠柳试点" in drilled and "麻城试点" not in drilled
    assert "各区县试点进度" not in drilled
    assert client_for(cast.district).get(f"/pilots/?unit={tree.district_z.code}").status_code == 404


def test_it_shows_street_and_community_users_only_their_pilots(
    client_for: Any, cast: Any, tree: Any, pilot: Pilot
) -> None:
    make_pilot(cast.city, tree.community_z, year=2026, name="麻城试点")
    make_pilot(cast.district, tree.community_b, year=2026, name="社区B试点")
    street = client_for(cast.street).get("/pilots/").content.decode()
    assert "翠柳试点" in street and "社区B试点" in street and "麻城试点" not in street
    worker = client_for(cast.community_a).get("/pilots/").content.decode()
    assert "翠柳试点" in worker and "社区B试点" not in worker
    assert "确定试点社区" not in worker


@pytest.mark.parametrize("who", ["community_b", "community_z", "volunteer"])
def test_it_answers_404_to_outsiders(client_for: Any, cast: Any, pilot: Pilot, who: str) -> None:
    client = client_for(getattr(cast, who))
    evidence = PilotEvidence.objects.first()
    assert evidence is not None
    for url in [
        f"/pilots/{pilot.pk}/",
        f"/pilots/{pilot.pk}/steps/3/",
        f"/pilots/{pilot.pk}/evidence/{evidence.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    for url in [f"/pilots/{pilot.pk}/steps/3/done/", f"/pilots/{pilot.pk}/evidence/{evidence.pk}/delete/"]:
        assert client.post(url, {"note": "x"}).status_code == 404, url
    assert PilotEvidence.objects.count() == 2
    assert pilot.steps.filter(done_date__isnull=False).count() == 2


def test_it_renders_the_pilot_page_with_group_phones_by_role(
    client_for: Any, cast: Any, pilot: Pilot
) -> None:
    actor = Actor(user=cast.district)
    pilot_member_add(
        actor=actor, pilot=pilot,
        data={"position": "leader", "name": "李书记", "role": "社区书记", "phone": "13907130001"},
    )  # fmt: skip
    pilot_member_add(
        actor=actor, pilot=pilot, data={"position": "deputy", "name": "王主任", "role": "街道分管领导"}
    )
    worker = client_for(cast.community_a).get(f"/pilots/{pilot.pk}/").content.decode()
    assert 'href="tel:13907130001"' in worker  # the community worker reads phones in full
    assert "标记完成" in worker and "上传佐证材料" in worker
    assert "重新打开" not in worker and "添加成员" not in worker and "调整计划" not in worker
    district = client_for(cast.district).get(f"/pilots/{pilot.pk}/").content.decode()
    assert "13907130001" not in district and "139****0001" in district  # the project masks it for this role
    assert "重新打开" in district and "添加成员" in district
    assert worker.index("李书记") < worker.index("王主任")


def test_it_uploads_checked_files_and_serves_them_to_staff_in_scope(
    client_for: Any, cast: Any, pilot: Pilot
) -> None:
    client = client_for(cast.community_a)
    files = [
        SimpleUploadedFile("会议记录.pdf", pdf_bytes(), content_type="application/pdf"),
        SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png"),
    ]
    response = client.post(f"/pilots/{pilot.pk}/steps/3/evidence/", {"kind": "minutes", "documents": files})
    assert response.status_code == 302
    step = pilot.steps.get(number=3)
    stored = {e.file_name: e for e in PilotEvidence.objects.filter(step=step)}
    assert set(stored) == {"会议记录.pdf", "现场.png"}
    download = client_for(cast.street).get(f"/pilots/{pilot.pk}/evidence/{stored['会议记录.pdf'].pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    fake = SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    client.post(f"/pilots/{pilot.pk}/steps/3/evidence/", {"kind": "document", "documents": [fake]})
    assert PilotEvidence.objects.filter(step=step).count() == 2


def test_it_marks_done_from_the_page_and_says_what_is_missing(
    client_for: Any, cast: Any, pilot: Pilot
) -> None:
    client = client_for(cast.community_a)
    response = client.post(f"/pilots/{pilot.pk}/steps/3/done/", {"note": ""}, follow=True)
    assert "请先上传佐证材料，或填写完成情况说明" in response.content.decode()
    client.post(f"/pilots/{pilot.pk}/steps/3/done/", {"note": "成立了老干部工作领导小组"})
    assert pilot.steps.get(number=3).done_date == date(2026, 7, 15)


def test_it_lets_only_managers_edit_steps_reopen_and_keep_the_group(
    client_for: Any, cast: Any, pilot: Pilot
) -> None:
    for who in ("street", "community_a"):
        client = client_for(getattr(cast, who))
        assert client.get(f"/pilots/{pilot.pk}/steps/3/").status_code == 403
        assert client.post(f"/pilots/{pilot.pk}/steps/1/reopen/", {"reason": "x"}).status_code == 403
        assert (
            client.post(f"/pilots/{pilot.pk}/group/", {"position": "member", "name": "周"}).status_code == 403
        )
        assert client.get("/pilots/new/").status_code == 403
    assert pilot.steps.get(number=1).done_date is not None
    assert not GroupMember.objects.exists()
    district = client_for(cast.district)
    response = district.post(
        f"/pilots/{pilot.pk}/steps/3/", {"target_date": "2026-08-15", "responsible": "王书记", "note": ""}
    )
    assert response.status_code == 302 and pilot.steps.get(number=3).responsible == "王书记"
    district.post(f"/pilots/{pilot.pk}/steps/1/reopen/", {"reason": "照片不清楚"})
    assert pilot.steps.get(number=1).done_date is None
    district.post(f"/pilots/{pilot.pk}/group/", {"position": "leader", "name": "李书记"})
    again = district.post(f"/pilots/{pilot.pk}/group/", {"position": "leader", "name": "王书记"})
    assert "只能有一名组长" in again.content.decode()
    assert GroupMember.objects.count() == 1


def test_it_creates_a_pilot_from_the_page(client_for: Any, cast: Any, tree: Any) -> None:
    client = client_for(cast.district)
    assert client.get("/pilots/new/").status_code == 200
    response = client.post(
        "/pilots/new/", {"community": tree.community_b.pk, "year": 2026, "name": "社区B试点", "theme": ""}
    )
    pilot = Pilot.objects.get()
    assert response["Location"] == f"/pilots/{pilot.pk}/" and pilot.steps.count() == 8
    outside = client.post("/pilots/new/", {"community": tree.community_z.pk, "year": 2026, "name": "越界"})
    assert outside.status_code == 200 and Pilot.objects.count() == 1


def test_it_shows_overdue_steps_on_the_homes_in_scope_only(
    client_for: Any, cast: Any, tree: Any, pilot: Pilot
) -> None:
    make_pilot(cast.city, tree.community_z, year=2026, name="麻城试点")
    for who in ("street", "district", "community_a"):
        body = client_for(getattr(cast, who)).get("/").content.decode()
        assert "逾期的试点步骤" in body, who
        assert "第3步 成立组织" in body and "第4步 构建网络" in body
        assert "第2步 培训骨干" not in body and "第5步" not in body  # done, and not yet due
        assert "社区Z" not in body
    assert "逾期的试点步骤" not in client_for(cast.community_b).get("/").content.decode()
    assert "逾期的试点步骤" not in client_for(cast.city).get("/").content.decode()  # not a city panel


def test_it_shows_the_menu_entry_to_staff(client_for: Any, cast: Any) -> None:
    assert 'href="/pilots/"' in client_for(cast.community_a).get("/pilots/").content.decode()


def test_it_keeps_the_board_and_the_panel_to_a_fixed_number_of_queries(
    client_for: Any, cast: Any, tree: Any, django_assert_max_num_queries: Any
) -> None:
    from jiujin.orgs.models import OrgLevel
    from jiujin.orgs.services import org_unit_create

    for n in range(6):
        unit = org_unit_create(
            code=f"42110200100{n + 3}", name=f"社区{n}", level=OrgLevel.COMMUNITY, parent=tree.street
        )
        pilot = make_pilot(cast.district, unit, year=2026)
        pilot_evidence_add(
            actor=Actor(user=cast.district),
            step=pilot.steps.get(number=1),
            kind="photo",
            files=[png_upload()],
        )
    client = client_for(cast.district)
    client.get("/pilots/")  # the session and the menu's first reads
    with django_assert_max_num_queries(9):
        assert client.get("/pilots/?year=2026").status_code == 200
    city = client_for(cast.city)
    city.get("/pilots/")
    with django_assert_max_num_queries(11):
        assert city.get("/pilots/").status_code == 200
    from django.test import RequestFactory

    from jiujin.pilots.home_panels import overdue_steps_panel

    request = RequestFactory().get("/")
    request.user = cast.street
    with django_assert_max_num_queries(3):
        assert "逾期的试点步骤" in overdue_steps_panel(request)
