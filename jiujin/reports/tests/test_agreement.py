"""The dashboard, the work report and the 台账 bundle agree on every number for the same unit and period:
checked on a demo city (a year of history in every app), for a community, its street and district."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import docx
import pytest
import time_machine
from django.core.management import call_command

from jiujin.accounts.models import User
from jiujin.reports.ledgers import ledger_counts
from jiujin.reports.workreport import report_context
from jiujin.servicerequests.models import RequestState, ServiceRequest

NOW = datetime(2026, 12, 4, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
YEAR = (date(2026, 1, 1), date(2026, 12, 31))

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.JIUJIN_DEMO = True
    with time_machine.travel(NOW, tick=False):
        call_command("demo_data", cadres=300, seed=7, stdout=StringIO(), stderr=StringIO())
        yield User.objects.select_related("org_unit").get(username="demo-admin")


def _cancelled(unit, start: date, end: date) -> int:
    since = datetime.combine(start, datetime.min.time(), NOW.tzinfo)
    return ServiceRequest.objects.filter(
        cadre__community__path__startswith=unit.path,
        state=RequestState.CANCELLED,
        created_at__gte=since,
        created_at__lt=since + timedelta(days=(end - start).days + 1),
    ).count()


def test_it_gives_the_same_numbers_on_the_dashboard_in_the_report_and_in_the_bundle(demo, api_as, client):
    community = User.objects.get(username="demo-community-a").org_unit
    start, end = YEAR
    for unit in (community, community.parent, community.parent.parent):
        answer = api_as(demo).get("/dashboard", {"unit": unit.code, "from": start, "to": end}).json()
        figures = answer["figures"]
        assert figures["visits_due"] and figures["requests"] and answer["cadres"]  # a story to tell
        context = report_context(user=demo, unit=unit, start=start, end=end)
        assert {k: v for k, v in context["counts"].items() if v} == {k: v for k, v in figures.items() if v}

        client.force_login(demo)
        body = client.get(f"/reports/work-report/download/?unit={unit.code}&from={start}&to={end}").content
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
        assert f"离退休干部{answer['cadres']}人" in text
        assert f"应走访{answer['visits_due']}次" in text and f"已走访{answer['visits_done']}次" in text

        sheets = {c.code: c.count for c in ledger_counts(demo, unit, start, end)}
        assert sheets["roster"] == answer["cadres"]
        assert sheets["visits"] == figures["visit_records"]
        assert sheets["servicerequests"] == answer["requests"] + _cancelled(unit, start, end)
        assert sheets["opinions"] == figures.get("opinions", 0)
