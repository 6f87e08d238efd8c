"""The answer tallies behind unfiltered results: recounted per community from the answer rows.

A write of answers (one response, an import, the demo) calls `tallies_refresh` with the communities it
touched, inside its transaction. The survey row is locked first, so two writers of one survey recount one
after the other and the second sees the first's answers (a recount, unlike an increment, cannot drift).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum

from .models import Answer, AnswerTally, QuestionKind, Survey


@transaction.atomic
def tallies_refresh(*, survey_id: int, community_ids: Iterable[int]) -> int:
    """Recount the tallies of these communities of the survey; returns the number of tally rows written.

    Callers call it inside the transaction that wrote the answers, so the two commit together."""
    communities = sorted(set(community_ids))
    if not communities:
        return 0
    list(Survey.objects.select_for_update().filter(pk=survey_id).values_list("pk"))
    AnswerTally.objects.filter(survey_id=survey_id, community_id__in=communities).delete()
    answers = Answer.objects.filter(survey_id=survey_id, community_id__in=communities).order_by()
    scale = set(
        Survey.objects.get(pk=survey_id)
        .questions.filter(kind=QuestionKind.SCALE)
        .values_list("pk", flat=True)
    )
    rows: dict[tuple[int, int, int], AnswerTally] = {}

    def tally(community: int, question: int, option: int) -> AnswerTally:
        key = (community, question, option)
        if key not in rows:
            rows[key] = AnswerTally(
                survey_id=survey_id, community_id=community, question_id=question, option=option
            )
        return rows[key]

    options = answers.values_list("community_id", "question_id", "choice", "number").annotate(c=Count("id"))
    for community, question, choice, number, count in options:
        if choice is not None:
            tally(community, question, choice).answers += count
        elif question in scale and number is not None:
            tally(community, question, int(number)).answers += count
    totals = answers.values_list("community_id", "question_id").annotate(
        respondents=Count("response_id", distinct=True), total=Sum("number"), numbers=Count("number")
    )
    for community, question, respondents, total, numbers in totals:
        row = tally(community, question, AnswerTally.TOTAL)
        row.answers = respondents
        row.number_sum = Decimal(total) if total is not None else None
        row.number_count = numbers
    AnswerTally.objects.bulk_create(rows.values(), batch_size=2000)
    return len(rows)
