from datetime import date

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.events.models import Course, CourseClass, Enrolment, Event


def test_it_runs_a_course_with_a_class_and_a_waiting_list(tree, cast, client_for):
    client = client_for(cast.community_a)
    r = client.post("/events/college/", {
        "name": "书法", "unit": "421102001001", "term_name": "秋季学期", "starts_on": "2026-09-01",
        "ends_on": "2026-10-31",
    })  # fmt: skip
    course = Course.objects.get()
    assert r.status_code == 302 and course.terms.count() == 1
    r = client.post(f"/events/college/{course.pk}/", {
        "term": course.terms.get().pk, "name": "一班", "teacher": "李老师", "weekday": 2, "start_time": "09:00",
        "end_time": "11:00", "place": "活动室", "capacity": 1,
    })  # fmt: skip
    klass = CourseClass.objects.get()
    assert r.status_code == 302
    assert Event.objects.filter(series=klass.series, kind="college").count() == 9
    a, b = CadreFactory.create_batch(2, community=tree.community_a)
    client.post(f"/events/college/classes/{klass.pk}/enrol/", {"cadre": a.pk})
    client.post(f"/events/college/classes/{klass.pk}/enrol/", {"cadre": b.pk})
    assert dict(Enrolment.objects.values_list("cadre_id", "state")) == {a.pk: "confirmed", b.pk: "waiting"}
    page = client.get(f"/events/college/classes/{klass.pk}/", {"q": a.name})
    assert page.status_code == 200 and "候补" in page.content.decode()
    client.post(f"/events/college/classes/{klass.pk}/enrol/", {"cadre": a.pk, "leave": "1"})
    assert Enrolment.objects.get(cadre=b).state == "confirmed"
    assert client.get("/events/college/").status_code == 200
    assert client.get(f"/events/college/{course.pk}/").status_code == 200


def test_it_hides_courses_from_outsiders(tree, cast, client_for):
    course = Course.objects.create(name="书法", unit=tree.community_a)
    course.terms.create(name="秋季", starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 31))
    client = client_for(cast.community_b)
    assert client.get(f"/events/college/{course.pk}/").status_code == 404
    assert f"/events/college/{course.pk}/" not in client.get("/events/college/").content.decode()
    # A street worker sees the community's course but a community cannot add classes to a street's course.
    street_course = Course.objects.create(name="太极", unit=tree.street)
    term = street_course.terms.create(name="秋季", starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 31))
    r = client_for(cast.community_a).post(
        f"/events/college/{street_course.pk}/", {"term": term.pk, "name": "x"}
    )
    assert r.status_code == 404 and CourseClass.objects.count() == 0
