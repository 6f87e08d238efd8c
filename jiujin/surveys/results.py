"""A survey's results: who may see which survey for which unit, and the grouped counts behind every figure.

Visibility (`Survey.objects.for_user`): a survey is visible to a staff user when its unit is in their subtree
(a district user sees the surveys of its streets and communities) or is an ancestor of theirs (a community
worker sees the district's survey). Figures are always for a unit inside both the survey's unit and
the user's scope: by default the deeper of the two, so the community worker of a district survey sees their
community's figures only. Anything else is 404.

Shares are percentages with one decimal, each rounded half up on its own: the shares of a single-choice
question add to 100 % within ±0.05 per option (never forced to 100.0). Multiple-choice shares are of the
question's respondents and may add to more than 100 %. `n` counts respondents who answered the question (a
skipped or unanswered optional question has no Answer row, so it is not in `n`).

Queries: the survey (1), its questions (1), the answer counts (1), n and mean per question (1), responses
(1), targets (1), and the latest texts (1 when the survey has text questions) — whatever the question count.
Unfiltered counts, n and means add up the communities' `AnswerTally` rows; with a filter (the respondents'
age band, category or living arrangement, which tallies do not split by) they are counted from the answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q, QuerySet, Subquery, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from jiujin.cadres.models import Category, LivingArrangement
from jiujin.core.access import NoAccess, access_unit
from jiujin.orgs.models import OrgLevel, OrgUnit

from .models import Answer, AnswerTally, Question, QuestionKind, Response, Survey, SurveyTarget

if TYPE_CHECKING:
    from jiujin.accounts.models import User

# Age bands of the breakdown: code → (label, lowest age, highest age or None).
AGE_BANDS: dict[str, tuple[str, int, int | None]] = {
    "60-69": ("60–69岁", 60, 69),
    "70-79": ("70–79岁", 70, 79),
    "80-89": ("80–89岁", 80, 89),
    "90+": ("90岁及以上", 90, None),
}
SCALE_POINTS = range(1, 6)
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
LATEST_TEXTS = 5
ONE_DECIMAL = Decimal("0.1")


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in %, one decimal, rounded half up; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    """The respondent breakdown: an age band, a category (离休/退休), a living arrangement ("" = all)."""

    age_band: str = ""
    category: str = ""
    living: str = ""

    @classmethod
    def parse(cls, data: Any) -> Filters:
        """From a query string; unknown values are ignored (a stale link shows everything, not an error)."""
        band = data.get("age_band") or ""
        category = data.get("category") or ""
        living = data.get("living") or ""
        return cls(
            age_band=band if band in AGE_BANDS else "",
            category=category if category in Category.values else "",
            living=living if living in LivingArrangement.values else "",
        )

    def __bool__(self) -> bool:
        return bool(self.age_band or self.category or self.living)

    def query(self) -> dict[str, str]:
        return {
            k: v
            for k, v in (("age_band", self.age_band), ("category", self.category), ("living", self.living))
            if v
        }

    def describe(self) -> str:
        parts = []
        if self.age_band:
            parts.append(AGE_BANDS[self.age_band][0])
        if self.category:
            parts.append(Category(self.category).label)
        if self.living:
            parts.append(LivingArrangement(self.living).label)
        return "、".join(parts)

    def responses(self, prefix: str = "") -> Q:
        """On Response (prefix "") or through an Answer's response (prefix "response__")."""
        q = Q()
        if self.age_band:
            _label, low, high = AGE_BANDS[self.age_band]
            q &= Q(**{f"{prefix}age__gte": low})
            if high is not None:
                q &= Q(**{f"{prefix}age__lte": high})
        if self.category:
            q &= Q(**{f"{prefix}category": self.category})
        if self.living:
            q &= Q(**{f"{prefix}living_arrangement": self.living})
        return q

    def targets(self, today: date) -> Q:
        """On SurveyTarget: its copy of the cadre as they were when the survey started, aged to today."""
        q = Q()
        if self.age_band:
            _label, low, high = AGE_BANDS[self.age_band]
            q &= Q(birth_date__lte=_years_before(today, low))
            if high is not None:
                q &= Q(birth_date__gt=_years_before(today, high + 1))
        if self.category:
            q &= Q(category=self.category)
        if self.living:
            q &= Q(living_arrangement=self.living)
        return q


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# ---------------------------------------------------------------- scope


def get_survey_for_user(user: User, pk: Any) -> Survey:
    try:
        return Survey.objects.for_user(user).select_related("org_unit").get(pk=pk)
    except (Survey.DoesNotExist, ValueError, TypeError) as exc:
        raise NoAccess("没有找到该问卷") from exc


def results_unit(user: User, survey: Survey, code: str | None = None) -> OrgUnit:
    """The unit whose figures are shown: `code` if it is in the user's scope and under the survey's unit,
    else (no code) the deeper of the survey's unit and the user's."""
    if code:
        unit = access_unit(user, code)
        if not survey.org_unit.contains(unit):
            raise NoAccess("没有找到该单位")
        return unit
    own = user.org_unit
    if own is not None and not user.sees_everything and not survey.org_unit.contains(own):
        return survey.org_unit  # the survey is under the user's unit
    if own is not None and not user.sees_everything:
        return own
    return survey.org_unit


def _community_q(survey: Survey, unit: OrgUnit) -> Q:
    """On Answer/Response/SurveyTarget `community`: the unit's communities (nothing for the survey's own unit:
    every row of a survey is from its subtree)."""
    if unit.pk == survey.org_unit_id:
        return Q()
    if unit.level == OrgLevel.COMMUNITY:
        return Q(community_id=unit.pk)
    communities = OrgUnit.objects.filter(path__startswith=unit.path, level=OrgLevel.COMMUNITY).values("pk")
    return Q(community_id__in=Subquery(communities))


def answers_for(survey: Survey, unit: OrgUnit, filters: Filters) -> QuerySet[Answer]:
    if filters:  # from the (fewer) matching responses to their answers, rather than all answers to a join
        matching = responses_for(survey, unit, filters).values("pk")
        return Answer.objects.filter(survey=survey, response_id__in=Subquery(matching))
    return Answer.objects.filter(_community_q(survey, unit), survey=survey)


def responses_for(survey: Survey, unit: OrgUnit, filters: Filters) -> QuerySet[Response]:
    return Response.objects.filter(_community_q(survey, unit), filters.responses(), survey=survey)


def targets_for(survey: Survey, unit: OrgUnit, filters: Filters) -> QuerySet[SurveyTarget]:
    today = timezone.localdate()
    return SurveyTarget.objects.filter(_community_q(survey, unit), filters.targets(today), survey=survey)


# ---------------------------------------------------------------- figures


@dataclass
class ChoiceRow:
    index: int
    text: str
    count: int
    share: Decimal | None


@dataclass
class TextRow:
    text: str
    answered_on: date


@dataclass
class QuestionResult:
    question: Question
    n: int
    choices: list[ChoiceRow] = field(default_factory=list)  # options, or the points 1–5 of a scale
    mean: Decimal | None = None
    texts: list[TextRow] = field(default_factory=list)

    @property
    def has_choices(self) -> bool:
        return self.question.kind in (*CHOICE_KINDS, QuestionKind.SCALE)


@dataclass
class Results:
    survey: Survey
    unit: OrgUnit
    filters: Filters
    responses: int
    targets: int
    questions: list[QuestionResult]

    @property
    def response_rate(self) -> Decimal | None:
        return percent(self.responses, self.targets)

    def by_code(self) -> dict[str, QuestionResult]:
        return {r.question.code: r for r in self.questions}


def survey_results(survey: Survey, unit: OrgUnit, filters: Filters, *, texts: int = LATEST_TEXTS) -> Results:
    """Every question's figures for the unit and filters (see the module docstring for the query count)."""
    questions = list(survey.questions.order_by("position"))
    answers = answers_for(survey, unit, filters)
    counts, stats = _from_answers(answers, questions) if filters else _from_tallies(survey, unit)
    latest = _latest_texts(answers, [q.pk for q in questions if q.kind == QuestionKind.TEXT], texts)
    results = []
    for question in questions:
        n, mean = stats.get(question.pk, (0, None))
        result = QuestionResult(question=question, n=n, texts=latest.get(question.pk, []))
        if question.kind in CHOICE_KINDS:
            options = list(enumerate(question.choices))
        elif question.kind == QuestionKind.SCALE:
            options = [(point, f"{point}分") for point in SCALE_POINTS]
        else:
            options = []
        for index, text in options:
            count = counts.get((question.pk, index), 0)
            result.choices.append(ChoiceRow(index=index, text=text, count=count, share=percent(count, n)))
        if question.kind in (QuestionKind.SCALE, QuestionKind.NUMBER) and mean is not None:
            result.mean = Decimal(mean).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        results.append(result)
    return Results(
        survey=survey,
        unit=unit,
        filters=filters,
        responses=responses_for(survey, unit, filters).count(),
        targets=targets_for(survey, unit, filters).count(),
        questions=results,
    )


Counts = dict[tuple[int, Any], int]  # (question id, option index or scale point) → answers
Stats = dict[int, tuple[int, Any]]  # question id → (respondents, mean of numbers or None)


def _from_tallies(survey: Survey, unit: OrgUnit) -> tuple[Counts, Stats]:
    """Unfiltered figures: sums of the communities' tallies (two grouped queries over a small table)."""
    tallies = AnswerTally.objects.filter(_community_q(survey, unit), survey=survey).order_by()
    counts: Counts = {
        (qid, option): total
        for qid, option, total in tallies.exclude(option=AnswerTally.TOTAL)
        .values_list("question_id", "option")
        .annotate(total=Sum("answers"))
    }
    stats: Stats = {}
    per_question = tallies.filter(option=AnswerTally.TOTAL).values_list("question_id")
    for qid, respondents, number_sum, numbers in per_question.annotate(
        Sum("answers"), Sum("number_sum"), Sum("number_count")
    ):
        stats[qid] = (respondents, Decimal(number_sum) / numbers if numbers else None)
    return counts, stats


def _from_answers(answers: QuerySet[Answer], questions: list[Question]) -> tuple[Counts, Stats]:
    """Filtered figures (an age band, a category, a living arrangement) from the answer rows themselves.

    One grouped count by (question, option, number) gives every option's count, the means and `n` of the
    questions answered in one row per respondent; a multiple choice's `n` (respondents, not rows) takes a
    second, distinct count over its answers alone."""
    kinds = {q.pk: q.kind for q in questions}
    counts: Counts = {}
    rows: dict[int, int] = {}
    sums: dict[int, Decimal] = {}
    numbers: dict[int, int] = {}
    grouped = answers.values_list("question_id", "choice", "number").annotate(c=Count("id")).order_by()
    for qid, choice, number, count in grouped:
        rows[qid] = rows.get(qid, 0) + count
        if number is not None:
            sums[qid] = sums.get(qid, Decimal(0)) + Decimal(number) * count
            numbers[qid] = numbers.get(qid, 0) + count
        key = choice if choice is not None else int(number) if number is not None else None
        if kinds.get(qid) in (*CHOICE_KINDS, QuestionKind.SCALE) and key is not None:
            counts[(qid, key)] = counts.get((qid, key), 0) + count
    multiple = [qid for qid, kind in kinds.items() if kind == QuestionKind.MULTIPLE and qid in rows]
    if multiple:
        respondents = answers.filter(question_id__in=multiple).values_list("question_id")
        rows |= dict(respondents.annotate(Count("response_id", distinct=True)).order_by())
    stats: Stats = {
        qid: (n, sums[qid] / numbers[qid] if numbers.get(qid) else None) for qid, n in rows.items()
    }
    return counts, stats


def _latest_texts(answers: QuerySet[Answer], question_ids: list[int], limit: int) -> dict[int, list[TextRow]]:
    """The `limit` latest non-empty answers of each text question, in one windowed query."""
    if not question_ids or limit <= 0:
        return {}
    rows = (
        answers.filter(question_id__in=question_ids)
        .exclude(text="")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("question_id")],
                order_by=[F("response__answered_on").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=limit)
        .values_list("question_id", "text", "response__answered_on")
        .order_by("question_id", "rank")
    )
    latest: dict[int, list[TextRow]] = {}
    for qid, text, answered_on in rows:
        latest.setdefault(qid, []).append(TextRow(text=text, answered_on=answered_on))
    return latest


def text_answers(survey: Survey, unit: OrgUnit, filters: Filters, question: Question) -> QuerySet[Answer]:
    """All non-empty answers of a text question, latest first (the paged list); no respondent's name."""
    return (
        answers_for(survey, unit, filters)
        .filter(question=question)
        .exclude(text="")
        .select_related("community")
        .order_by("-response__answered_on", "-id")
    )


# ---------------------------------------------------------------- drill-down


@dataclass
class UnitRow:
    unit: OrgUnit
    responses: int = 0
    targets: int = 0

    @property
    def response_rate(self) -> Decimal | None:
        return percent(self.responses, self.targets)


def drill_rows(survey: Survey, unit: OrgUnit, filters: Filters) -> list[UnitRow]:
    """The unit's children (down to communities), each with its responses and targets: 4 queries."""
    if unit.level == OrgLevel.COMMUNITY:
        return []
    rows = {child.code: UnitRow(child) for child in OrgUnit.objects.filter(parent=unit).order_by("path")}
    if not rows:
        return []
    depth = len(unit.chain_codes())
    communities = OrgUnit.objects.filter(path__startswith=unit.path, level=OrgLevel.COMMUNITY)
    child_of = {pk: path.strip("/").split("/")[depth] for pk, path in communities.values_list("pk", "path")}
    responses = responses_for(survey, unit, filters).values_list("community_id").annotate(c=Count("id"))
    for community_id, count in responses.order_by():
        if community_id in child_of:
            rows[child_of[community_id]].responses += count
    targets = targets_for(survey, unit, filters).values_list("community_id").annotate(c=Count("id"))
    for community_id, count in targets.order_by():
        if community_id in child_of:
            rows[child_of[community_id]].targets += count
    return list(rows.values())
