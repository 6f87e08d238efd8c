from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jiujin.accounts.models import Role, User
from jiujin.audit.models import AuditEvent
from jiujin.cadres.models import BirthdayCalendar, Cadre, Category
from jiujin.demo.services import COMMUNITY_A_CODE, DEMO_PASSWORD
from jiujin.lib.idcard import parse_id_number
from jiujin.orgs.models import OrgLevel, OrgUnit

LOGINS = ["demo-admin", "demo-district", "demo-street", "demo-community-a", "demo-community-b"]


@pytest.fixture(autouse=True)
def _demo_mode(settings) -> None:
    settings.JIUJIN_DEMO = True


def run(**options) -> str:
    out = StringIO()
    call_command("demo_data", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


@pytest.fixture
def demo(db) -> str:
    return run(cadres=200, seed=7)


def test_it_creates_the_logins_and_prints_them(demo) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=LOGINS).select_related("org_unit")}
    assert set(users) == set(LOGINS)
    for name in LOGINS:
        assert name in demo
        assert users[name].check_password(DEMO_PASSWORD)
    assert users["demo-admin"].role == Role.ADMIN and users["demo-admin"].is_superuser
    street, a, b = (
        users["demo-street"].org_unit,
        users["demo-community-a"].org_unit,
        users["demo-community-b"].org_unit,
    )
    assert a.parent == b.parent == street and a != b
    assert street.parent == users["demo-district"].org_unit
    # Every other community has its own worker.
    communities = OrgUnit.objects.filter(level=OrgLevel.COMMUNITY)
    assert communities.count() >= 4
    assert all(c.users.filter(role=Role.COMMUNITY).exists() for c in communities)
    assert all(c.code.isdigit() for c in OrgUnit.objects.all())


def test_it_creates_cadres_with_valid_consistent_identities(demo) -> None:
    cadres = list(Cadre.objects.select_related("community", "responsible_worker"))
    assert len(cadres) == 200
    for cadre in cadres:
        info = parse_id_number(cadre.id_number)
        assert (info.birth_date, info.gender) == (cadre.birth_date, cadre.gender), cadre.id_number
        assert cadre.id_number[:6] == cadre.community.code[:6]
        assert 1925 <= cadre.birth_date.year <= 1964
        assert cadre.name_pinyin and cadre.name_initials
        assert cadre.responsible_worker.org_unit == cadre.community
        if cadre.category == Category.LIXIU:
            assert cadre.birth_date.year < 1932
        if cadre.birthday_calendar == BirthdayCalendar.LUNAR:
            assert 1 <= cadre.lunar_month <= 12 and 1 <= cadre.lunar_day <= 30


def test_it_varies_what_is_known_about_each_cadre(demo) -> None:
    known = set(Cadre.objects.with_completeness().values_list("known_count", flat=True))
    assert len(known) >= 3
    assert Cadre.objects.filter(tags__isnull=False).exists()
    assert Cadre.objects.filter(family_contacts__isnull=False).exists()
    assert Cadre.objects.filter(birthday_calendar=BirthdayCalendar.LUNAR).exists()
    assert not AuditEvent.objects.exists()  # demo rows are nobody's personal data


def test_it_shows_a_community_worker_only_their_community(demo) -> None:
    worker = User.objects.get(username="demo-community-a")
    seen = Cadre.objects.for_user(worker)
    assert seen.exists()
    assert set(seen.values_list("community__code", flat=True)) == {COMMUNITY_A_CODE}
    assert seen.count() < Cadre.objects.count()


def test_it_does_nothing_the_second_time(demo) -> None:
    again = run(cadres=200, seed=8)
    assert "已存在" in again and "demo-community-a" in again
    assert Cadre.objects.count() == 200
    assert User.objects.filter(username="demo-admin").count() == 1


def test_it_refuses_outside_demo_mode(db, settings) -> None:
    settings.JIUJIN_DEMO = False
    with pytest.raises(CommandError, match="JIUJIN_DEMO=1"):
        run(cadres=5)
    assert not OrgUnit.objects.exists()


def test_it_refuses_next_to_real_cadres_unless_forced(cadre_a) -> None:
    with pytest.raises(CommandError, match="真实"):
        run(cadres=5)
    run(cadres=5, force=True)
    assert Cadre.objects.count() == 6
