"""The 以奖代补 pages: set and allocate, the table, downloads, issuing, and who sees the money."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from jiujin.audit.models import AuditEvent
from jiujin.rewards.models import Allocation, FundPool

from .helpers import make_assessment

TOTALS = ["962.5", "931", "905", "780"]


def _form(amount: str = "100000.00", **extra: str) -> dict[str, str]:
    data = {
        "amount": amount,
        "threshold": "800",
        "method": "tiers",
        "issuer": "",
        "note": "",
        "tier-TOTAL_FORMS": "5",
        "tier-INITIAL_FORMS": "0",
        "tier-MIN_NUM_FORMS": "0",
        "tier-MAX_NUM_FORMS": "5",
    }
    tiers = [("一等", "950", "3"), ("二等", "900", "2"), ("三等", "0", "1")]
    for i in range(5):
        name, low, weight = tiers[i] if i < len(tiers) else ("", "", "")
        data |= {
            f"tier-{i}-name": name,
            f"tier-{i}-min": low,
            f"tier-{i}-weight": weight,
            f"tier-{i}-amount": "",
        }
    return data | extra


def test_it_sets_the_pool_allocates_and_shows_the_table(
    tree: Any, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    assessment = make_assessment(tree, TOTALS)
    client = client_for(cast.district)
    url = reverse("rewards:pool", args=[assessment.pk])
    page = client.get(url)
    assert page.status_code == 200 and "设置资金池并分配" in page.content.decode()
    r = client.post(url, _form("100000.01"))
    assert r.status_code == 302
    assert sum(a.amount for a in Allocation.objects.all()) == Decimal("100000.01")
    with django_assert_max_num_queries(12):
        page = client.get(url)
    html = page.content.decode()
    assert "42,857.15" in html and "100,000.01" in html and "未达门槛" in html and "确认下达" in html
    index = client.get(reverse("rewards:index")).content.decode()
    assert "黄州区" in index and "100,000.01" in index


def test_it_shows_a_settings_error_on_the_form(tree: Any, cast: Any, client_for: Any) -> None:
    assessment = make_assessment(tree, TOTALS)
    r = client_for(cast.district).post(reverse("rewards:pool", args=[assessment.pk]), _form(threshold="999"))
    assert r.status_code == 200 and "没有得分达到门槛的单位" in r.content.decode()
    assert not Allocation.objects.exists()


def test_it_downloads_the_table_and_the_notice(tree: Any, cast: Any, client_for: Any) -> None:
    assessment = make_assessment(tree, TOTALS)
    client = client_for(cast.district)
    assert client.get(reverse("rewards:table", args=[assessment.pk])).status_code == 404  # nothing yet
    client.post(reverse("rewards:pool", args=[assessment.pk]), _form())
    xlsx = client.get(reverse("rewards:table", args=[assessment.pk]))
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    rows = list(load_workbook(BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[-1][1] == "合计" and rows[-1][4] == 100000
    docx = client.get(reverse("rewards:notice", args=[assessment.pk]))
    assert docx.status_code == 200
    assert Document(BytesIO(docx.content)).paragraphs[0].text.startswith("关于2025年度社区老干部")
    assert AuditEvent.objects.filter(action="export", subject_type="rewards.fundpool").count() == 2


def test_it_issues_and_freezes(tree: Any, cast: Any, client_for: Any) -> None:
    assessment = make_assessment(tree, TOTALS)
    client = client_for(cast.district)
    url = reverse("rewards:pool", args=[assessment.pk])
    client.post(url, _form())
    assert client.post(reverse("rewards:issue", args=[assessment.pk])).status_code == 302
    pool = FundPool.objects.get()
    assert pool.is_issued and pool.issued_by == cast.district
    html = client.get(url).content.decode()
    assert "已下达" in html and "保存并分配" not in html and "确认下达" not in html
    assert client.post(url, _form("1.00")).status_code == 404
    assert FundPool.objects.get().amount == Decimal("100000.00")


def test_it_offers_no_form_before_publication(tree: Any, cast: Any, client_for: Any) -> None:
    assessment = make_assessment(tree, TOTALS, published=False)
    client = client_for(cast.district)
    html = client.get(reverse("rewards:pool", args=[assessment.pk])).content.decode()
    assert "尚未发布" in html and "保存并分配" not in html
    assert client.post(reverse("rewards:pool", args=[assessment.pk]), _form()).status_code == 404


def test_it_shows_the_money_to_the_district_and_above_only(tree: Any, cast: Any, client_for: Any) -> None:
    assessment = make_assessment(tree, TOTALS)
    client_for(cast.district).post(reverse("rewards:pool", args=[assessment.pk]), _form())
    url = reverse("rewards:pool", args=[assessment.pk])
    city = client_for(cast.city).get(url)
    assert city.status_code == 200 and "100,000.00" in city.content.decode()
    assert "保存并分配" not in city.content.decode()  # reads, does not manage
    assert "保存并分配" in client_for(cast.admin).get(url).content.decode()
    for user in (cast.street, cast.community_a, cast.community_b, cast.community_z, cast.volunteer):
        assert client_for(user).get(url).status_code == 404, user
        assert client_for(user).get(reverse("rewards:table", args=[assessment.pk])).status_code == 404
    assert client_for(cast.city).post(reverse("rewards:issue", args=[assessment.pk])).status_code == 403


def test_it_lists_the_pools_in_constant_queries(
    tree: Any, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    units = [tree.community_a, tree.community_b]
    for year in (2022, 2023, 2024):
        make_assessment(tree, ["900", "850"], year=year, units=units)
    client = client_for(cast.district)
    client.post(
        reverse("rewards:pool", args=[make_assessment(tree, ["900", "850"], units=units).pk]), _form()
    )
    with django_assert_max_num_queries(10):
        html = client.get(reverse("rewards:index")).content.decode()
    assert html.count("设置资金池") == 3 and "查看分配" in html


def test_it_links_a_published_assessment_to_its_fund_pool(tree: Any, cast: Any, client_for: Any) -> None:
    assessment = make_assessment(tree, TOTALS)
    pool = reverse("rewards:pool", args=[assessment.pk])
    overview = reverse("assessments:overview", args=[assessment.pk])
    assert pool in client_for(cast.district).get(overview).content.decode()
    # A community sees its own ranking, not the district's money.
    page = client_for(cast.community_a).get(overview)
    assert page.status_code == 200 and pool not in page.content.decode()
