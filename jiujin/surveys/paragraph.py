"""The district's paragraph written back with real numbers (`catalog.NEEDS_PARAGRAPH`), ready to paste.

Each blank of `NEEDS.blanks` is the share of the blank's question's respondents who chose any of the blank's
options ("xx.x%", rounded half up like every share); a respondent who ticked two of them counts once. A blank
whose question has no answers reads "—", and a note after the paragraph says which. `{unit}` is 全市 / 全区 /
全街道 / 本社区 by the unit's level; `{n}` the responses, `{response_rate}` responses ÷ targets.
"""

from __future__ import annotations

from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Count, Q

from jiujin.orgs.models import OrgLevel, OrgUnit

from .catalog import NEEDS, NEEDS_PARAGRAPH
from .models import QuestionKind, Survey, SurveyTemplate
from .results import Filters, Results, answers_for, percent, survey_results

UNIT_WORDS = {
    OrgLevel.CITY: "全市",
    OrgLevel.DISTRICT: "全区",
    OrgLevel.STREET: "全街道",
    OrgLevel.COMMUNITY: "本社区",
}
MISSING = "—"


def shown(value: Decimal | None) -> str:
    return MISSING if value is None else f"{value}%"


def blank_shares(survey: Survey, results: Results) -> dict[str, Decimal | None]:
    """{blank name: share in %} over the respondents of each blank's question.

    A blank of a single choice, or of one option, is a sum of the results' counts (one row per respondent
    and option); only a blank of several options of a multiple choice counts distinct respondents, in one
    aggregate over those questions' and options' answers."""
    by_code = results.by_code()
    present = {name: blank for name, blank in NEEDS.blanks.items() if blank.question in by_code}
    counts: dict[str, int] = {}
    distinct = {}
    for name, blank in present.items():
        result = by_code[blank.question]
        if result.question.kind == QuestionKind.MULTIPLE and len(blank.choices) > 1:
            distinct[name] = Q(question_id=result.question.pk, choice__in=blank.choices)
        else:
            counts[name] = sum(row.count for row in result.choices if row.index in blank.choices)
    if distinct:
        answers = answers_for(survey, results.unit, results.filters).filter(reduce(or_, distinct.values()))
        counts |= answers.aggregate(
            **{name: Count("response_id", distinct=True, filter=q) for name, q in distinct.items()}
        )
    return {
        name: percent(counts[name], by_code[blank.question].n) if name in present else None
        for name, blank in NEEDS.blanks.items()
    }


def paragraph_text(survey: Survey, results: Results) -> str:
    shares = blank_shares(survey, results)
    text = NEEDS_PARAGRAPH.format(
        unit=UNIT_WORDS.get(OrgLevel(results.unit.level), results.unit.name),
        n=results.responses,
        response_rate=shown(results.response_rate),
        **{name: shown(share) for name, share in shares.items()},
    )
    unanswered = {NEEDS.blanks[name].question for name, share in shares.items() if share is None}
    if unanswered:
        positions = {r.question.code: r.question.position for r in results.questions}
        ordered = sorted(unanswered, key=lambda code: (positions.get(code, 0), code))
        names = "、".join(f"第{positions[c]}题" if c in positions else f"“{c}”题" for c in ordered)
        text += f"（注：{names}无人作答，相应比例以“{MISSING}”表示。）"
    return text


def is_needs(survey: Survey) -> bool:
    return survey.template == SurveyTemplate.NEEDS


def needs_paragraph(survey: Survey, unit: OrgUnit, filters: Filters | None = None) -> str:
    """The paragraph for the unit (issue 14's report calls this; the caller has checked the unit's scope).
    Empty for a survey not built from the needs template."""
    if not is_needs(survey):
        return ""
    results = survey_results(survey, unit, filters or Filters(), texts=0)
    return paragraph_text(survey, results)
