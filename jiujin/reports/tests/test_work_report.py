"""The 汇报材料 built from the summary tables: read back with python-docx, its numbers are the dashboard's."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from jiujin.assessments.models import Assessment, AssessmentStatus, UnitResult
from jiujin.assessments.tests.helpers import small_rubric
from jiujin.audit.models import AuditEvent
from jiujin.audit.services import Actor
from jiujin.contributions.tests.helpers import make_story
from jiujin.core.registry import summary_figures
from jiujin.dashboards.selectors import unit_figures
from jiujin.reports.models import ReportText
from jiujin.reports.wording import figure_label, period_label, phrase, value_text
from jiujin.reports.workreport import report_context, work_report_export
from jiujin.surveys.models import SurveyStatus
from jiujin.surveys.tests.results_fixtures import make_survey, respond_many
from jiujin.tasks.records import visit_task_complete
from jiujin.visits.tests.helpers import make_task

from .helpers import TZ
from .work_helpers import docx_text, fill_figures, register_figures

START, END = date(2026, 1, 1), date(2026, 12, 31)


@pytest.fixture
def raw(monkeypatch: Any, tree: Any) -> Any:
    raw = register_figures(monkeypatch)
    fill_figures(raw, tree)
    return raw


def build(user: Any, unit: Any, start: date = START, end: date = END) -> tuple[list[str], list]:
    return docx_text(work_report_export(actor=Actor(user=user), unit=unit, start=start, end=end))


def test_it_writes_the_cadre_count_and_visit_figures_of_the_unit(tree: Any, cast: Any, raw: Any) -> None:
    paragraphs, _tables = build(cast.community_a, tree.community_a)
    text = "\n".join(paragraphs)
    assert paragraphs[0] == "社区A关于2026年离退休干部工作情况的汇报"
    assert "本社区现有离退休干部12人；按类别，离休1人、退休11人。" in text
    assert "本期应走访10人次（节日慰问6人次、生日4人次），已走访8人次，走访率80.0%，逾期未访2人次。" in text
    assert "受理服务工单4件，按时办结3件，按时办结率100.0%，老干部评价2件，满意度平均4.50分（5分制）" in text
    assert "健康讲座" not in text.split("附表")[0]  # zero: left out of the sentences
    assert "（一）走访慰问" in text and "（二）服务工单" in text and "（三）双高期关爱" in text


def test_it_tables_the_same_numbers_as_unit_figures(tree: Any, cast: Any, raw: Any) -> None:
    _paragraphs, tables = build(cast.community_a, tree.community_a)
    appendix = {(row[0], row[1]): row[2] for row in tables[0][1:]}
    figures = unit_figures([tree.community_a.pk], START, END)[tree.community_a.pk]
    for figure in summary_figures():
        assert appendix[(figure.section, figure_label(figure))] == value_text(figure, figures), figure.code
    assert appendix[("基本情况", "老干部")] == "12人"
    assert appendix[("走访慰问", "已访")] == "8人次（80.0%）"
    assert appendix[("走访慰问", "　其中：节日慰问")] == "6人次"
    assert appendix[("服务工单", "评价分")] == "4.50"
    assert appendix[("健康讲座和义诊", "健康讲座")] == "0次"
    assert appendix[("双高期关爱", "按时联系")] == "2人（66.7%）"


def test_it_reads_the_period_asked_for(tree: Any, cast: Any, raw: Any) -> None:
    paragraphs, _tables = build(cast.community_a, tree.community_a, date(2026, 7, 1), date(2026, 9, 30))
    assert paragraphs[0] == "社区A关于2026年第三季度离退休干部工作情况的汇报"
    assert "本期应走访4人次（生日4人次），已走访2人次，走访率50.0%" in "".join(paragraphs)
    last_year, _ = build(cast.community_a, tree.community_a, date(2025, 1, 1), date(2025, 12, 31))
    assert "应走访50人次" in "".join(last_year)


def test_it_adds_a_table_of_the_child_units_for_a_street(tree: Any, cast: Any, raw: Any) -> None:
    paragraphs, tables = build(cast.street, tree.street)
    assert paragraphs[0] == "东湖街道关于2026年离退休干部工作情况的汇报"
    assert "本街道所辖2个社区现有离退休干部17人" in "".join(paragraphs)
    children = tables[1]
    assert children[0][:4] == ["单位", "老干部", "应访", "走访率"]
    assert children[1][:4] == ["社区A", "12人", "10人次", "80.0%"]
    assert children[1][4] == "2人次"  # a count column, not a share
    assert children[2][:4] == ["社区B", "5人", "3人次", "100.0%"]
    assert children[2][-1] == "—"  # no one at risk: no share, which is not 0 %
    assert len(build(cast.community_a, tree.community_a)[1]) == 1  # a community has no child table


def test_it_suggests_problems_and_plans_from_the_figures_until_texts_are_saved(
    tree: Any, cast: Any, raw: Any
) -> None:
    text = "\n".join(build(cast.community_a, tree.community_a)[0])
    assert "本期仍有2人次走访逾期未完成" in text
    assert "有1人未在规定周期内得到联系" in text
    ReportText.objects.create(
        unit=tree.community_a, start=START, end=END, problems="问题一\n\n问题二", plans="打算"
    )
    paragraphs = build(cast.community_a, tree.community_a)[0]
    at = paragraphs.index("四、存在的问题")
    assert paragraphs[at + 1 : at + 5] == ["问题一", "问题二", "五、下一步打算", "打算"]


def test_it_tells_the_stories_of_the_unit_and_audits_the_cadres_they_name(
    tree: Any, cast: Any, cadre_a: Any, raw: Any
) -> None:
    make_story(cast.community_a, tree.community_a, cadre_a)
    make_story(cast.community_b, tree.community_b, None, photos=0)
    make_story(cast.community_a, tree.community_a, None, for_reports=False, photos=0)
    text = "\n".join(build(cast.street, tree.community_a)[0])
    assert text.count("张德明义务调解邻里纠纷") == 1 and "十年如一日调解纠纷。" in text
    export = AuditEvent.objects.get(action="export")
    assert export.cadre_id == cadre_a.pk and "导出汇报材料 社区A" in export.detail
    assert cadre_a.phone_mobile not in text and cadre_a.id_number not in text


def test_it_leaves_the_audit_alone_when_no_cadre_is_named(tree: Any, cast: Any, raw: Any) -> None:
    build(cast.community_a, tree.community_a)
    assert not AuditEvent.objects.filter(action="export").exists()


def test_it_includes_the_needs_survey_closed_in_the_period(tree: Any, cast: Any, raw: Any) -> None:
    survey = make_survey(tree.district)
    respond_many(survey, tree.community_a, [{"learning": 0}, {"learning": 1}])
    assert report_context(user=cast.community_a, unit=tree.community_a, start=START, end=END)["survey"] == ""
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = datetime(2026, 11, 20, 9, tzinfo=TZ)
    survey.save(update_fields=["status", "closed_at"])
    text = "\n".join(build(cast.community_a, tree.community_a)[0])
    assert "（四）需求摸底调查" in text
    assert "本社区离退休干部中，50.0%的老干部希望参加各类知识的学习" in text
    spring = report_context(user=cast.community_a, unit=tree.community_a, start=START, end=date(2026, 6, 30))
    assert spring["survey"] == ""


def test_it_includes_the_published_assessment_of_the_year(tree: Any, cast: Any, raw: Any) -> None:
    assessment = Assessment.objects.create(
        rubric=small_rubric(tree.district), district=tree.district, year=2026
    )
    UnitResult.objects.create(assessment=assessment, unit=tree.community_a, total=Decimal("912.5"), rank=2)
    UnitResult.objects.create(assessment=assessment, unit=tree.community_b, total=Decimal("950"), rank=1)
    assert report_context(user=cast.street, unit=tree.community_a, start=START, end=END)["assessment"] == ""
    assessment.status = AssessmentStatus.PUBLISHED
    assessment.save(update_fields=["status"])
    text = "\n".join(build(cast.community_a, tree.community_a)[0])
    assert "在2026年度社区老干部工作千分量化考评中，本社区得分912.5分，在全区2个社区中排名第2。" in text
    street = report_context(user=cast.street, unit=tree.street, start=START, end=END)["assessment"]
    assert "本街道所辖2个社区参加考评，平均得分931.3分，最高为社区B（950分）" in street
    assert (
        report_context(user=cast.street, unit=tree.street, start=date(2025, 1, 1), end=date(2025, 12, 31))[
            "assessment"
        ]
        == ""
    )


def test_it_words_nothing_for_zero_and_keeps_a_count_without_its_share(tree: Any, monkeypatch: Any) -> None:
    register_figures(monkeypatch)
    figures = unit_figures([tree.community_a.pk], START, END)[tree.community_a.pk]
    done = next(f for f in summary_figures() if f.code == "visits_done")
    assert phrase(done, figures) == ""
    figures.values["visits_done"] = 3
    assert phrase(done, figures) == "已走访3人次"  # no whole: no rate
    figures.values["visits_due"] = 4
    assert phrase(done, figures) == "已走访3人次，走访率75.0%"


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (date(2026, 1, 1), date(2026, 12, 31), "2026年"),
        (date(2026, 1, 1), date(2026, 6, 30), "2026年上半年"),
        (date(2026, 7, 1), date(2026, 12, 31), "2026年下半年"),
        (date(2026, 10, 1), date(2026, 12, 31), "2026年第四季度"),
        (date(2026, 2, 1), date(2026, 2, 28), "2026年2月"),
        (date(2026, 2, 3), date(2026, 5, 9), "2026年2月3日至2026年5月9日"),
        (date(2025, 7, 1), date(2026, 6, 30), "2025年7月1日至2026年6月30日"),
    ],
)
def test_it_names_the_period(start: date, end: date, label: str) -> None:
    assert period_label(start, end) == label


def test_it_tells_the_visits_marked_for_reports_among_the_stories(
    tree: Any, cast: Any, cadre_a: Any, raw: Any
) -> None:
    told = make_task(cadre_a, date(2026, 9, 1))
    visit_task_complete(
        actor=Actor(user=cast.community_a), task=told, visited_on=date(2026, 9, 1), visitors="张丽",
        form="home", outcome="visited", findings="老人主动为楼栋加装扶手出谋划策。", for_reports=True,
    )  # fmt: skip
    untold = make_task(cadre_a, date(2026, 9, 2))
    visit_task_complete(
        actor=Actor(user=cast.community_a), task=untold, visited_on=date(2026, 9, 2), visitors="张丽",
        form="home", outcome="visited", findings="血压偏高，已提醒复查。",
    )  # fmt: skip
    text = "\n".join(build(cast.street, tree.community_a)[0])
    assert "老人主动为楼栋加装扶手出谋划策。" in text and "走访张德明" in text
    assert "血压偏高" not in text
    # Another community's report tells nothing of community A's visits.
    assert "出谋划策" not in "\n".join(build(cast.street, tree.community_b)[0])
