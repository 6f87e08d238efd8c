import io
from datetime import timedelta

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from PIL import Image

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.cadres.cards import card_token_for
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.events.models import Attendance, Event, EventPhoto, SignUp

from .helpers import NOW, TZ, make_event


def test_it_lists_events_with_a_fixed_number_of_queries(
    tree, cast, client_for, django_assert_max_num_queries
):
    for i in range(12):
        e = make_event(cast.community_a, tree.community_a, title=f"学习{i}")
        SignUp.objects.create(event=e, cadre=CadreFactory(community=tree.community_a), state="confirmed")
    make_event(cast.street, tree.street, title="街道党课")
    client = client_for(cast.community_a)
    with django_assert_max_num_queries(12):
        r = client.get("/events/")
    assert r.status_code == 200
    text = r.content.decode()
    assert "学习11" in text and "街道党课" in text
    assert client.get("/events/", {"kind": "study", "unit": "421102001001"}).status_code == 200
    assert client.get("/events/month/", {"month": "2026-09"}).status_code == 200
    assert "学习1" not in client_for(cast.community_b).get("/events/").content.decode()


def test_it_creates_a_weekly_series_from_the_form(tree, cast, client_for):
    client = client_for(cast.community_a)
    assert client.get("/events/new/").status_code == 200
    r = client.post("/events/new/", {
        "title": "每周政治学习", "kind": "study", "unit": "421102001001", "place": "活动室",
        "starts_at": "2026-10-05T09:00", "ends_at": "2026-10-05T10:30", "audience": "all",
        "waiting_list": "on", "repeat_until": "2026-11-30",
    })  # fmt: skip
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Event.objects.filter(title="每周政治学习").count() == 9
    bad = client.post(
        "/events/new/",
        {
            "title": "x",
            "kind": "study",
            "unit": "421102001002",
            "starts_at": "2026-10-05T09:00",
            "ends_at": "2026-10-05T08:00",
            "audience": "all",
        },
    )
    assert bad.status_code == 200 and "没有找到该单位" in bad.content.decode()


def test_it_signs_up_and_checks_in_on_the_phone(
    tree, cast, client_for, cadre_a, django_assert_max_num_queries
):
    event = make_event(cast.community_a, tree.community_a, capacity=5)
    others = CadreFactory.create_batch(10, community=tree.community_a)
    client = client_for(cast.community_a)
    assert client.get(f"/events/{event.pk}/cadres/", {"q": "张德明"}).status_code == 200
    client.post(f"/events/{event.pk}/sign-up/", {"cadre": cadre_a.pk})
    for c in others[:4]:
        client.post(f"/events/{event.pk}/sign-up/", {"cadre": c.pk})
    assert SignUp.objects.filter(event=event, state="confirmed").count() == 5
    with django_assert_max_num_queries(20):
        page = client.get(f"/events/{event.pk}/check-in/")
    text = page.content.decode()
    assert 'name="card_token"' in text and 'id="attended-count"' in text
    r = client.post(f"/events/{event.pk}/check-in/", {"cadre": cadre_a.pk}, headers={"HX-Request": "true"})
    assert '<span class="ev-count" id="attended-count">1</span>' in r.content.decode()
    r = client.post(f"/events/{event.pk}/check-in/", {"cadre": cadre_a.pk}, headers={"HX-Request": "true"})
    assert "不重复计数" in r.content.decode() and 'id="attended-count">1<' in r.content.decode()
    assert Attendance.objects.count() == 1
    assert client.get(f"/events/{event.pk}/").status_code == 200
    client.post(f"/events/{event.pk}/sign-up/cancel/", {"cadre": others[0].pk})
    assert SignUp.objects.get(event=event, cadre=others[0]).state == "cancelled"


def test_it_hides_events_from_outsiders(tree, cast, client_for, cadre_a):
    event = make_event(cast.community_a, tree.community_a)
    for user in cast.outsiders():
        client = client_for(user)
        assert client.get(f"/events/{event.pk}/").status_code == 404
        assert client.post(f"/events/{event.pk}/check-in/", {"cadre": cadre_a.pk}).status_code == 404
    assert Attendance.objects.count() == 0
    # A street event is editable by the street only.
    street = make_event(cast.street, tree.street)
    assert client_for(cast.community_a).get(f"/events/{street.pk}/edit/").status_code == 404
    assert client_for(cast.street).get(f"/events/{street.pk}/edit/").status_code == 200


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, "PNG")
    return out.getvalue()


def test_it_saves_a_report_with_photos_and_serves_them(tree, cast, client_for):
    event = make_event(cast.community_a, tree.community_a)
    client = client_for(cast.community_a)
    r = client.post(f"/events/{event.pk}/report/", {
        "report": "到场 20 人，气氛热烈", "photos": [SimpleUploadedFile("合影.png", _png())],
    })  # fmt: skip
    assert r.status_code == 302
    photo = EventPhoto.objects.get()
    served = client.get(f"/events/{event.pk}/photos/{photo.pk}/")
    assert served["Content-Type"] == "image/png" and served["X-Content-Type-Options"] == "nosniff"
    bad = client.post(f"/events/{event.pk}/report/", {
        "report": "x", "photos": [SimpleUploadedFile("a.png", b"<script>")],
    })  # fmt: skip
    assert "不支持的文件类型" in bad.content.decode()
    assert client_for(cast.community_b).get(f"/events/{event.pk}/photos/{photo.pk}/").status_code == 404


def test_it_exports_formula_safe_ledgers_with_an_audit_row(tree, cast, client_for, cadre_a):
    from jiujin.audit.services import Actor
    from jiujin.events.services import event_check_in

    with time_machine.travel(NOW, tick=False):
        study = make_event(
            cast.community_a, tree.community_a, title='=HYPERLINK("x")', starts_at=NOW - timedelta(days=3)
        )
        make_event(
            cast.community_a,
            tree.community_a,
            title="象棋比赛",
            kind="contest",
            starts_at=NOW - timedelta(days=3),
        )
        event_check_in(actor=Actor(user=cast.community_a), event=study, cadre=cadre_a, via="list")
        r = client_for(cast.community_a).get("/events/export/", {"ledger": "study"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "序号" and len(rows) == 2
    assert ws["D2"].data_type == "s" and ws["D2"].quotePrefix  # text, never a formula
    assert "张德明" in rows[1][11]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, cadre_id=cadre_a.pk).exists()
    with time_machine.travel(NOW, tick=False):
        r = client_for(cast.community_a).get("/events/export/", {"ledger": "activity"})
    assert [
        row[3] for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(min_row=2, values_only=True)
    ] == ["象棋比赛"]


def test_it_lists_six_months_of_nothing_on_the_page_and_the_home(tree, cast, client_for, cadre_a):
    with time_machine.travel(NOW, tick=False):
        client = client_for(cast.community_a)
        r = client.get("/events/inactive/")
        assert "张德明" in r.content.decode()
        assert "半年未参加活动" in client.get("/").content.decode()
        assert client.get("/events/stats/").status_code == 200
        assert client_for(cast.district).get("/events/stats/", {"unit": "421102001"}).status_code == 200
        assert "张德明" not in client_for(cast.community_b).get("/events/inactive/").content.decode()


def test_it_shows_recent_events_on_the_cadre_page(tree, cast, client_for, cadre_a):
    from jiujin.audit.services import Actor
    from jiujin.events.services import event_sign_up

    event = make_event(cast.community_a, tree.community_a, title="重阳节联欢")
    event_sign_up(actor=Actor(user=cast.community_a), event=event, cadre=cadre_a)
    from django.test import RequestFactory

    from jiujin.core import registry

    request = RequestFactory().get("/")
    request.user = cast.community_a
    # The panel the cadre page renders (the page itself also shows other apps' panels).
    html = registry._panels["events"].render(request, cadre_a)
    assert "重阳节联欢" in html and "近一年：报名 1 次" in html


def test_it_edits_the_following_sessions_of_a_series(tree, cast, client_for):
    first = make_event(cast.community_a, tree.community_a, repeat_until=(NOW + timedelta(days=30)).date())
    sessions = list(Event.objects.filter(series=first.series).order_by("starts_at"))
    second = sessions[1]
    client = client_for(cast.community_a)
    page = client.get(f"/events/{second.pk}/edit/")
    assert "同时修改本系列以后的各次" in page.content.decode()
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(title="改在图书室学习", place="图书室", unit="421102001001", following="on")
    data["starts_at"] = second.starts_at.astimezone(TZ).strftime("%Y-%m-%dT%H:%M")
    data["ends_at"] = second.ends_at.astimezone(TZ).strftime("%Y-%m-%dT%H:%M")
    r = client.post(f"/events/{second.pk}/edit/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    titles = list(
        Event.objects.filter(series=first.series).order_by("starts_at").values_list("place", flat=True)
    )
    assert titles == ["社区活动室"] + ["图书室"] * (len(sessions) - 1)
    change = AuditEvent.objects.get(action=AuditAction.UPDATE, subject_id=str(second.pk)).changes
    assert change["place"] == ["社区活动室", "图书室"]


def test_it_says_on_the_page_when_a_card_is_void(tree, cast, client_for, cadre_a):
    event = make_event(cast.community_a, tree.community_a)
    old = card_token_for(cadre_a)
    cadre_a.card_version += 1  # the card was reissued: the old one is void
    cadre_a.save(update_fields=["card_version"])
    client = client_for(cast.community_a)
    hx = {"HX-Request": "true"}
    refused = client.post(f"/events/{event.pk}/check-in/", {"card_token": old}, headers=hx)
    assert refused.status_code == 200 and "该服务卡已作废" in refused.content.decode()
    assert 'id="attended-count">0<' in refused.content.decode()
    r = client.post(f"/events/{event.pk}/check-in/", {"card_token": card_token_for(cadre_a)}, headers=hx)
    assert 'id="attended-count">1<' in r.content.decode()
    assert Attendance.objects.get().via == "card"
