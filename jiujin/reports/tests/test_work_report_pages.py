"""The 汇报材料 page, its texts and Word templates, GET /api/v1/reports/work-report.docx and `jiujin report`."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from jiujin.accounts.models import Role
from jiujin.audit.models import AuditEvent
from jiujin.conftest import make_user, menu_labels
from jiujin.reports.models import ReportTemplate, ReportText
from jiujin.reports.report_template import default_template

from .helpers import YEAR
from .work_helpers import docx_text, fill_figures, make_docx, register_figures

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGE = "/reports/work-report/"
API = "/reports/work-report.docx"
A = {"unit": "421102001001", **YEAR}
QUERIES = 20


@pytest.fixture(autouse=True)
def raw(monkeypatch: Any, tree: Any) -> Any:
    raw = register_figures(monkeypatch)
    fill_figures(raw, tree)
    return raw


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def upload(client: Any, data: bytes, name: str = "模板.docx", query: dict | None = None) -> Any:
    query = query or A
    url = "/reports/work-report/template/upload/?" + "&".join(f"{k}={v}" for k, v in query.items())
    return client.post(url, {"template": SimpleUploadedFile(name, data)}, follow=True)


def test_it_previews_the_report_of_this_year_for_the_users_unit(
    client_for: Any, cast: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.community_a)
    with django_assert_max_num_queries(QUERIES):
        page = client.get(PAGE)
    html = page.content.decode()
    assert page.status_code == 200
    assert "汇报材料 · 社区A" in html and "社区A关于2026年离退休干部工作情况的汇报" in html
    assert "本社区现有离退休干部12人" in html and "走访率80.0%" in html
    assert "本期仍有2人次走访逾期未完成" in html  # the suggestion, in the text area
    assert "正在使用默认模板" in html


def test_it_lists_the_child_units_for_a_street_in_a_fixed_number_of_queries(
    client_for: Any, cast: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.street)
    with django_assert_max_num_queries(QUERIES):
        html = client.get(PAGE, {"preset": "half"}).content.decode()
    assert "东湖街道关于2026年下半年离退休干部工作情况的汇报" in html
    assert 'data-label="走访率">80.0%' not in html and "社区B" in html


def test_it_saves_the_texts_for_the_unit_and_period(client_for: Any, cast: Any, tree: Any) -> None:
    client = client_for(cast.community_a)
    response = client.post(f"{PAGE}?unit=421102001001&from=2026-01-01&to=2026-12-31",
                           {"texts": "1", "problems": "人手不足", "plans": "增加志愿者"}, follow=True)  # fmt: skip
    assert "已保存存在的问题和下一步打算" in response.content.decode()
    text = ReportText.objects.get()
    assert (text.unit, text.problems, text.updated_by) == (tree.community_a, "人手不足", cast.community_a)
    paragraphs, _ = docx_text(body(client.get("/reports/work-report/download/", A)))
    assert "人手不足" in paragraphs and "增加志愿者" in paragraphs
    assert AuditEvent.objects.filter(action="update", subject_type="reports.reporttext").exists()
    # A stray POST (no marker field) saves nothing.
    client.post(f"{PAGE}?unit=421102001001&from=2026-01-01&to=2026-06-30", {"problems": "x"})
    assert ReportText.objects.count() == 1


def test_it_downloads_the_report_from_the_page(client_for: Any, cast: Any) -> None:
    response = client_for(cast.community_a).get("/reports/work-report/download/", A)
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert "汇报材料_社区A_20260101-20261231.docx" in unquote(response["Content-Disposition"])
    assert docx_text(body(response))[0][0] == "社区A关于2026年离退休干部工作情况的汇报"
    bad = client_for(cast.community_a).get(
        "/reports/work-report/download/", {"from": "2026-13-01", "to": "x"}
    )
    assert bad.status_code == 400 and "日期格式应为 YYYY-MM-DD" in bad.content.decode()


def test_it_uses_an_uploaded_template_here_and_below_until_removed(
    client_for: Any, cast: Any, tree: Any
) -> None:
    street = client_for(cast.street)
    custom = make_docx("自定义模板：{{ unit_name }}共有老干部{{ counts.cadres }}人，{{ values.visits_done }}")
    response = upload(street, custom, query={"unit": "421102001", **YEAR})
    assert "已上传东湖街道的汇报材料模板" in response.content.decode()
    assert ReportTemplate.objects.get().unit == tree.street
    community = client_for(cast.community_a)
    paragraphs, _ = docx_text(body(community.get("/reports/work-report/download/", A)))
    assert paragraphs == ["自定义模板：社区A共有老干部12人，8人次（80.0%）"]
    assert "正在使用东湖街道上传的模板" in community.get(PAGE).content.decode()
    template = community.get("/reports/work-report/template/", {"unit": "421102001001"})
    assert docx_text(body(template))[0] == [
        "自定义模板：{{ unit_name }}共有老干部{{ counts.cadres }}人，{{ values.visits_done }}"
    ]
    # The community's own template wins over the street's.
    upload(community, make_docx("社区自己的：{{ title }}"))
    assert docx_text(body(community.get("/reports/work-report/download/", A)))[0] == [
        "社区自己的：社区A关于2026年离退休干部工作情况的汇报"
    ]
    community.post("/reports/work-report/template/remove/?unit=421102001001&from=2026-01-01&to=2026-12-31")
    assert ReportTemplate.objects.get().unit == tree.street
    street = client_for(cast.street)  # one test client: log in again
    street.post("/reports/work-report/template/remove/?unit=421102001&from=2026-01-01&to=2026-12-31")
    assert not ReportTemplate.objects.exists()
    assert (
        body(community.get("/reports/work-report/template/", {"unit": "421102001001"})) == default_template()
    )


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (make_docx("{{ title "), "坏.docx", "模板的标记写错了"),
        (make_docx("{% for x in sections %}没有结束"), "坏.docx", "模板的标记写错了"),
        (make_docx("{{ titel }}"), "坏.docx", "模板中有未定义的名称"),
        (make_docx("{{ title.__class__.__mro__ }}"), "坏.docx", "模板"),
        (b"%PDF-1.4 not a template", "模板.docx", "不支持的文件类型"),
        (b"just text", "模板.docx", "不支持的文件类型"),
    ],
)
def test_it_refuses_a_template_that_cannot_make_the_report_in_chinese(
    client_for: Any, cast: Any, data: bytes, name: str, message: str
) -> None:
    html = upload(client_for(cast.community_a), data, name).content.decode()
    assert "模板未上传：" in html and message in html
    assert not ReportTemplate.objects.exists()


def test_it_lists_the_page_in_the_menu_for_those_who_export(cast: Any) -> None:
    assert "汇报材料" in menu_labels(cast.community_a)
    assessor = make_user("assessor-x", Role.ASSESSOR, cast.district.org_unit)
    assert "汇报材料" not in menu_labels(assessor)


def test_it_refuses_the_pages_to_outsiders_of_a_unit(client_for: Any, cast: Any) -> None:
    for user in (cast.community_b, cast.community_z):
        client = client_for(user)
        assert client.get(PAGE, {"unit": "421102001001"}).status_code == 404
        assert client.get("/reports/work-report/download/", A).status_code == 404
        assert client.get("/reports/work-report/template/", {"unit": "421102001001"}).status_code == 404
        assert upload(client, make_docx("{{ title }}")).status_code == 404
    assert not ReportTemplate.objects.exists()
    assert client_for(cast.volunteer).get(PAGE).status_code == 404


# ---------------------------------------------------------------- API


def test_it_serves_the_report_over_the_api(api_as: Any, cast: Any) -> None:
    response = api_as(cast.street).get(API, A)
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert "汇报材料_社区A_20260101-20261231.docx" in unquote(response["Content-Disposition"])
    paragraphs, _tables = docx_text(response.content)
    assert "本社区现有离退休干部12人；按类别，离休1人、退休11人。" in paragraphs


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-02-30", "to": "2026-03-01"}, "日期格式应为 YYYY-MM-DD"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "开始日期不能晚于结束日期"),
        ({"from": "2026-03-01"}, "请同时填写开始和结束日期"),
    ],
)
def test_it_answers_422_in_chinese_for_bad_dates(api_as: Any, cast: Any, query: dict, message: str) -> None:
    response = api_as(cast.street).get(API, query)
    assert response.status_code == 422 and message in repr(response.json()["detail"])


def test_it_answers_404_outside_the_scope_and_403_without_the_right(
    api_as: Any, cast: Any, tree: Any
) -> None:
    for user in (cast.community_b, cast.community_z, cast.volunteer):
        assert api_as(user).get(API, A).status_code == 404
    assert api_as(cast.street).get(API, {"unit": "999"}).status_code == 404
    assessor = make_user("assessor-x", Role.ASSESSOR, tree.district)
    response = api_as(assessor).get(API, A)
    assert response.status_code == 403 and response.json()["detail"] == "没有导出汇报材料的权限"
    assert api_as(None).get(API).status_code == 401


# ---------------------------------------------------------------- command


def test_it_writes_the_report_from_the_command(tmp_path: Path, cast: Any) -> None:
    out = tmp_path / "report.docx"
    call_command(
        "report", "--unit", "421102001", "--from", "2026-01-01", "--to", "2026-06-30", "--out", str(out)
    )
    paragraphs, tables = docx_text(out.read_bytes())
    assert paragraphs[0] == "东湖街道关于2026年上半年离退休干部工作情况的汇报"
    assert [row[0] for row in tables[1][1:]] == ["社区A", "社区B"]
    with pytest.raises(CommandError, match="没有代码为「999」的单位"):
        call_command("report", "--unit", "999", "--out", str(out))
    with pytest.raises(CommandError, match="开始日期不能晚于结束日期"):
        call_command(
            "report", "--unit", "421102001", "--from", "2026-03-01", "--to", "2026-01-01", "--out", str(out)
        )
    with pytest.raises(CommandError, match="无权导出"):
        call_command("report", "--unit", "421102001", "--user", cast.community_b.username, "--out", str(out))
    assert BytesIO(out.read_bytes()).read(2) == b"PK"
