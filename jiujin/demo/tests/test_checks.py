from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from jiujin.accounts.models import User
from jiujin.demo.checks import check_demo_password, demo_password_users
from jiujin.demo.services import DEMO_PASSWORD


def deploy_check() -> str:
    out = StringIO()
    call_command("check", deploy=True, fail_level="ERROR", stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def demo(db, settings) -> None:
    settings.JIUJIN_DEMO = True
    call_command("demo_data", cadres=20, stdout=StringIO(), stderr=StringIO())
    settings.JIUJIN_DEMO = False


def test_it_fails_the_deploy_check_while_a_demo_login_is_active(demo) -> None:
    errors = check_demo_password()
    assert [e.id for e in errors] == ["jiujin.E001"] and "demo-admin" in errors[0].msg
    with pytest.raises(SystemCheckError, match=r"jiujin\.E001"):
        deploy_check()


def test_it_finds_the_demo_password_under_any_name(demo) -> None:
    User.objects.filter(username="demo-admin").update(username="zhangli")
    assert "zhangli" in demo_password_users()


def test_it_passes_once_the_demo_logins_are_gone(demo) -> None:
    User.objects.filter(username__startswith="demo-").update(is_active=False)
    assert check_demo_password() == []
    assert "jiujin.E001" not in deploy_check()


def test_it_tries_each_administrator_and_stays_quiet_in_demo_mode(cast, settings) -> None:
    assert check_demo_password() == []
    cast.admin.set_password(DEMO_PASSWORD)
    cast.admin.save(update_fields=["password"])
    assert demo_password_users() == [cast.admin.username]
    settings.JIUJIN_DEMO = True
    assert check_demo_password() == []


def test_it_refuses_the_demo_password_for_a_real_account(settings) -> None:
    with pytest.raises(ValidationError, match="演示密码"):
        validate_password(DEMO_PASSWORD)
    settings.JIUJIN_DEMO = True
    validate_password(DEMO_PASSWORD)
