"""The 汇报材料 (work report) of a unit over a period: a .docx in the register of the communities' own reports,
filled from the summary tables — the same numbers the dashboard shows for the same unit and period.

`report_context` gathers everything a template may use (see `report_template.TAGS_HELP`): the figures of the
unit and its child units (`dashboards.selectors.unit_figures`, two queries), worded by `wording`; the needs
survey's paragraph; the assessment result; the stories marked for reports; the texts saved for the period
(else suggestions from the figures). `render_report` fills a docxtpl template with it in a sandboxed Jinja
environment: an uploaded template is an office's file, never code that may reach Python objects.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from typing import Any

from django.utils import timezone
from jinja2 import StrictUndefined, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from jiujin.accounts.models import User
from jiujin.assessments.models import Assessment, AssessmentStatus
from jiujin.assessments.selectors import Standing, assessment_standings
from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record_batch
from jiujin.contributions.selectors import stories_for_reports
from jiujin.core.registry import summary_figure, summary_figures
from jiujin.dashboards.selectors import Figures, figure_value, unit_figures
from jiujin.lib.dates import format_cn_date
from jiujin.orgs.models import OrgLevel, OrgUnit
from jiujin.surveys.models import Survey, SurveyStatus, SurveyTemplate
from jiujin.surveys.paragraph import needs_paragraph
from jiujin.visits.selectors import visit_stories

from .models import ReportTemplate, ReportText
from .report_template import default_template
from .wording import (
    breakdown_text,
    count_text,
    figure_label,
    ordinal,
    percent_text,
    period_label,
    phrase,
    scope_words,
    section_lead,
    suggestions,
    value_text,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BASICS = "基本情况"
# The child units' table: the figures issue 14 names for every level, shown as the dashboard shows them.
CHILD_COLUMNS = [
    ("cadres", "老干部"),
    ("visits_due", "应访"),
    ("visits_done", "走访率"),
    ("visits_overdue", "逾期未访"),
    ("requests", "服务工单"),
    ("requests_on_time", "按时办结率"),
    ("requests_points", "满意度"),
    ("at_risk", "高风险和重点"),
    ("at_risk_contacted_on_time", "按时联系率"),
]


class ReportTemplateError(ValueError):
    """A template that cannot make the report; the message is for the user, in Chinese."""


def report_title(unit: OrgUnit, start: date, end: date) -> str:
    return f"{unit.name}关于{period_label(start, end)}离退休干部工作情况的汇报"


def report_filename(unit: OrgUnit, start: date, end: date) -> str:
    return f"汇报材料_{unit.name}_{start:%Y%m%d}-{end:%Y%m%d}.docx"


def _sections(figures: Figures) -> dict[str, list[str]]:
    """The registered figures' phrases, by section in the registry's order (zeros left out)."""
    by_section: dict[str, list[str]] = defaultdict(list)
    for figure in summary_figures():
        by_section.setdefault(figure.section, [])
        words = phrase(figure, figures)
        if words:
            by_section[figure.section].append(words)
    return by_section


def _achievements(by_section: dict[str, list[str]]) -> list[dict[str, str]]:
    sections: list[dict[str, str]] = []
    for title, words in by_section.items():
        if title == BASICS or not words:
            continue
        text = section_lead(title) + "本期" + "，".join(words) + "。"
        sections.append({"heading": f"（{ordinal(len(sections) + 1)}）{title}", "text": text})
    return sections


def _appendix(figures: Figures) -> list[dict[str, str]]:
    """Every registered figure as the dashboard shows it; a breakdown's entries under it (nonzero only)."""
    rows = []
    for figure in summary_figures():
        rows.append(
            {"section": figure.section, "label": figure_label(figure), "value": value_text(figure, figures)}
        )
        for _key, label, n in figures.breakdown(figure):
            if n:
                rows.append({"section": figure.section, "label": f"　其中：{label}",
                             "value": count_text(figure, n)})  # fmt: skip
    return rows


def _children(unit: OrgUnit, children: list[OrgUnit], figures: dict[int, Figures]) -> tuple[list, list]:
    columns = [(code, label) for code, label in CHILD_COLUMNS if summary_figure(code) is not None]
    rows = []
    for child in children:
        values = []
        for code, label in columns:
            figure = summary_figure(code)
            assert figure is not None
            shown = figure_value(code, figures[child.pk])
            if figure.ratio:
                values.append(value_text(figure, figures[child.pk]))
            elif label.endswith("率"):  # a rate column; the others count
                values.append(percent_text(shown))
            else:
                values.append(count_text(figure, figures[child.pk].get(code)))
        headers = [label for _code, label in columns]
        rows.append(
            {"name": child.name, "cells": values, "labelled": list(zip(headers, values, strict=True))}
        )
    return [label for _code, label in columns], rows


def latest_needs_survey(unit: OrgUnit, start: date, end: date) -> Survey | None:
    """The latest needs survey closed in the period, run by the unit or a unit above it (it covered the unit)."""
    return (
        Survey.objects.filter(
            status=SurveyStatus.CLOSED,
            template=SurveyTemplate.NEEDS,
            org_unit__path__in=unit.chain_paths(),
            closed_at__date__range=(start, end),
        )
        .order_by("-closed_at", "-pk")
        .first()
    )


def _num(value: Decimal) -> str:
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


def assessment_text(unit: OrgUnit, year: int) -> str:
    """The published 千分量化考评 result of the year for the unit: its own score and rank for a community, the
    scores of its communities for a street, district or city; "" when none is published."""
    assessments = Assessment.objects.filter(year=year, status=AssessmentStatus.PUBLISHED)
    if unit.level != OrgLevel.CITY:
        assessments = assessments.filter(district__path__in=unit.chain_paths())
    standings: list[Standing] = []
    assessed = 0
    for assessment in assessments:
        every = assessment_standings(assessment)
        mine = [s for s in every if unit.contains(s.unit)]
        if mine:
            standings += mine
            assessed = len(every)
    if not standings:
        return ""
    name = f"{year}年度社区老干部工作千分量化考评"
    if unit.level == OrgLevel.COMMUNITY:
        own = standings[0]
        return f"在{name}中，本社区得分{_num(own.total)}分，在全区{assessed}个社区中排名第{own.rank}。"
    average = sum((s.total for s in standings), Decimal(0)) / len(standings)
    best = max(standings, key=lambda s: s.total)
    return (
        f"在{name}中，{scope_words(unit, len(standings))}参加考评，平均得分"
        f"{_num(average.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP))}分，最高为{best.unit.name}（{_num(best.total)}分）。"
    )


def _stories(user: User, unit: OrgUnit, start: date, end: date) -> list[dict[str, Any]]:
    """The 典型事例: stories marked for reports (contributions) and visits marked so (their findings), by date."""
    told = [
        {
            "title": s.title,
            "day": s.date,
            "text": s.text,
            "who": s.cadre.name if s.cadre else (s.team.name if s.team else ""),
            "cadre_id": s.cadre_id,
        }
        for s in stories_for_reports(user, start, end)
        if unit.contains(s.org_unit)
    ]
    seen = [
        {
            "title": f"走访{r.task.cadre.name}：{r.task.title}",
            "day": r.visited_on,
            "text": r.findings,
            "who": r.task.cadre.name,
            "cadre_id": r.task.cadre_id,
        }
        for r in visit_stories(user, unit, start, end)
    ]
    return sorted(told + seen, key=lambda s: s["day"])


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def saved_text(unit: OrgUnit, start: date, end: date) -> ReportText | None:
    return ReportText.objects.filter(unit=unit, start=start, end=end).select_related("updated_by").first()


def report_context(*, user: User, unit: OrgUnit, start: date, end: date) -> dict[str, Any]:
    """Everything the report's template may use (the unit is already checked against the user's scope)."""
    children = list(OrgUnit.objects.filter(parent=unit).order_by("code"))
    all_figures = unit_figures([unit.pk, *(c.pk for c in children)], start, end)
    figures = all_figures[unit.pk]
    communities = (
        1 if unit.level == OrgLevel.COMMUNITY else OrgUnit.objects.subtree_of(unit).communities().count()
    )
    by_section = _sections(figures)
    basics = by_section.get(BASICS, [])
    basics_text = scope_words(unit, communities) + ("；".join(basics) if basics else "暂无在册老干部") + "。"
    survey = latest_needs_survey(unit, start, end)
    survey_text = needs_paragraph(survey, unit) if survey else ""
    stories = _stories(user, unit, start, end)
    saved = saved_text(unit, start, end)
    suggested = suggestions(figures)
    child_headers, child_rows = _children(unit, children, all_figures)
    today = timezone.localdate()
    return {
        "title": report_title(unit, start, end),
        "unit_name": unit.name,
        "period_label": period_label(start, end),
        "period_text": f"{format_cn_date(start)}至{format_cn_date(end)}",
        "as_of": format_cn_date(figures.snapshot) if figures.snapshot else "—",
        "basics": [basics_text],
        "sections": _achievements(by_section),
        "survey_heading": f"（{ordinal(len(_achievements(by_section)) + 1)}）需求摸底调查",
        "survey": f"{survey.title}：{survey_text}" if survey_text and survey else "",
        "assessment_heading": f"（{ordinal(len(_achievements(by_section)) + 1 + bool(survey_text))}）考评结果",
        "assessment": assessment_text(unit, end.year),
        "stories": [
            {**{k: v for k, v in s.items() if k != "day"}, "date": format_cn_date(s["day"])} for s in stories
        ],
        "problems": _paragraphs(saved.problems) if saved else suggested.problems,
        "plans": _paragraphs(saved.plans) if saved else suggested.plans,
        # Who wrote the texts (for the page): a line of text, not the row (the context goes to the template).
        "saved_note": (
            f"{saved.updated_by.display_name if saved.updated_by else '系统'} 于 "
            f"{timezone.localtime(saved.updated_at):%Y-%m-%d %H:%M} 保存"
            if saved
            else ""
        ),
        "appendix": _appendix(figures),
        "child_headers": child_headers,
        "children": child_rows,
        "counts": dict(figures.values),
        "values": {f.code: value_text(f, figures) for f in summary_figures()},
        "breakdowns": {f.code: breakdown_text(f, figures) for f in summary_figures() if f.breakdown},
        "issuer": unit.name,
        "made_on": format_cn_date(today),
    }


def template_in_use(unit: OrgUnit, *, with_data: bool = True) -> ReportTemplate | None:
    """The nearest uploaded template up the tree from the unit (its own first), None for the default."""
    rows = ReportTemplate.objects.all() if with_data else ReportTemplate.objects.listing()
    found = list(rows.filter(unit__path__in=unit.chain_paths()).select_related("unit"))
    return max(found, key=lambda t: len(t.unit.path)) if found else None


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def render_report(template: bytes, context: dict[str, Any]) -> bytes:
    """The template filled with the context, as .docx bytes; ReportTemplateError in Chinese when it cannot be."""
    from docxtpl import DocxTemplate

    try:
        doc = DocxTemplate(BytesIO(template))
        doc.render(context, jinja_env=_environment(), autoescape=True)
        out = BytesIO()
        doc.save(out)
    except UndefinedError as exc:
        raise ReportTemplateError(f"模板中有未定义的名称：{exc.message}") from exc
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f"（第{line}行附近）" if line else ""
        raise ReportTemplateError(f"模板的标记写错了{where}：{exc.message or exc}") from exc
    except Exception as exc:  # any failure of a foreign file is the template's fault
        raise ReportTemplateError(f"无法用这个模板生成汇报材料：{exc}") from exc
    return out.getvalue()


def work_report_export(
    *, actor: Actor, unit: OrgUnit, start: date, end: date, reader: User | None = None
) -> bytes:
    """The report of `unit` (already checked against the actor's scope) as .docx bytes. Its figures are counts
    and name nobody; the stories it tells may name cadres, audited as an export of their data. `reader`: whose
    scope the stories are read in, when not the actor's (a scheduled job's actor is nobody)."""
    context = report_context(user=reader or actor.user, unit=unit, start=start, end=end)
    uploaded = template_in_use(unit)
    data = render_report(bytes(uploaded.data) if uploaded else default_template(), context)
    named = sorted({s["cadre_id"] for s in context["stories"] if s["cadre_id"]})
    if named:
        audit_record_batch(
            actor=actor,
            action=AuditAction.EXPORT,
            cadre_ids=named,
            detail=f"导出汇报材料 {unit.name} {start:%Y-%m-%d}至{end:%Y-%m-%d}，典型事例涉及 {len(named)} 人",
        )
    return data
