"""Objects for the contributions tests, made through the services like a worker would."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from jiujin.audit.services import Actor
from jiujin.contributions.models import Role, Story, Team
from jiujin.contributions.services import contribution_log, story_save, team_save
from jiujin.core.attachments import check_upload

TODAY = date(2026, 9, 23)
NOW = datetime(2026, 9, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def actor(user: Any) -> Actor:
    return Actor(user=user, ip="127.0.0.1")


def make_team(
    user: Any, unit: Any, members: list[Any], *, name: str = "社区A义务巡逻队", role: str = Role.PATROL
) -> Team:
    return team_save(
        actor=actor(user),
        team=Team(name=name, role=role, org_unit=unit, leader=members[0] if members else None),
        members=members,
    )


def log_hours(user: Any, cadre: Any, hours: str, day: date = TODAY, kind: str = "patrol") -> Any:
    return contribution_log(actor=actor(user), cadre=cadre, kind=kind, date=day, hours=Decimal(hours))


def donate(user: Any, cadre: Any, amount: str, receipt: str, day: date = TODAY) -> Any:
    return contribution_log(
        actor=actor(user), cadre=cadre, kind="donation", date=day, amount=Decimal(amount), receipt_no=receipt
    )


def png(colour: str = "red") -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


def make_story(user: Any, unit: Any, cadre: Any, *, for_reports: bool = True, photos: int = 1) -> Story:
    story = Story(
        title="张德明义务调解邻里纠纷",
        text="十年如一日调解纠纷。",
        date=TODAY,
        org_unit=unit,
        cadre=cadre,
        for_reports=for_reports,
        created_by=user,
    )
    checked = [check_upload(png(), name=f"照片{n}.png") for n in range(photos)]
    return story_save(actor=actor(user), story=story, photos=checked)
