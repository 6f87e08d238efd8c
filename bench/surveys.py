"""Results of a 100,000-response needs survey on PostgreSQL (issue 13: results ≤ 200 ms p95).

    createdb -h 127.0.0.1 -p 5434 -U postgres jj_bench_surveys
    export DATABASE_URL=postgres://postgres@127.0.0.1:5434/jj_bench_surveys
    jiujin migrate && JIUJIN_DEMO=1 jiujin demo-data --cadres 100000
    python bench/surveys.py [--responses 100000] [--runs 20]

Creates (once) a city-wide needs survey targeting every cadre, with `--responses` responses bulk-inserted
(random answers to every question, the skip logic kept), VACUUM ANALYZEs, then times in-process the results
page's query set (`survey_results` + `drill_rows`) for the city, a district, a street, a community and with a
filter, and the paragraph. Prints median / p95 / query count, then EXPLAIN (ANALYZE, BUFFERS) of the slowest
query of the slowest case. The machine is shared: figures are rough.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

import bench._django  # noqa: F401  (sets Django up for the imports below)
from bench._timing import measure
from bench.search import _explain
from jiujin.cadres.models import Cadre
from jiujin.orgs.models import OrgLevel, OrgUnit
from jiujin.surveys.catalog import NEEDS
from jiujin.surveys.models import Answer, AnswerTally, Question, Response, Survey, SurveyStatus, SurveyTarget
from jiujin.surveys.paragraph import needs_paragraph
from jiujin.surveys.results import Filters, drill_rows, survey_results
from jiujin.surveys.tallies import tallies_refresh

TITLE = "基准测试：老干部需求摸底调查"
GOAL_MS = 200.0
BATCH = 5000


def build(responses: int) -> Survey:
    survey = Survey.objects.filter(title=TITLE).first()
    if survey is not None:
        if not AnswerTally.objects.filter(survey=survey).exists():
            _tally(survey)
        return survey
    city = OrgUnit.objects.get(level=OrgLevel.CITY)
    survey = Survey.objects.create(
        org_unit=city, title=TITLE, template="needs", status=SurveyStatus.RUNNING, starts_on=date(2026, 11, 1)
    )
    questions = Question.objects.bulk_create(
        Question(survey=survey, position=n, code=q.code, kind=q.kind, text=q.text, choices=list(q.choices))
        for n, q in enumerate(NEEDS.questions, start=1)
    )
    cadres = list(
        Cadre.objects.values_list("pk", "community_id", "category", "living_arrangement", "birth_date")
    )
    print(f"targets: {len(cadres)} cadres", flush=True)
    for i in range(0, len(cadres), BATCH):
        SurveyTarget.objects.bulk_create(SurveyTarget.of(survey, c) for c in cadres[i : i + BATCH])
    rng = random.Random(13)
    chosen = rng.sample(cadres, min(responses, len(cadres)))
    start = time.perf_counter()
    for i in range(0, len(chosen), BATCH):
        rows = Response.objects.bulk_create(
            Response(
                survey=survey,
                cadre_id=pk,
                community_id=community,
                category=category,
                living_arrangement=living,
                age=2026 - born.year,
                answered_on=date(2026, 11, 1 + rng.randrange(28)),
            )
            for pk, community, category, living, born in chosen[i : i + BATCH]
        )
        answers = []
        for response in rows:
            picked: dict[str, int] = {}
            for q in questions:
                common = {
                    "response": response,
                    "survey": survey,
                    "question": q,
                    "community_id": response.community_id,
                }
                if q.code == "alone_help" and picked.get("living") != 2:
                    continue
                if q.kind == "single":
                    picked[q.code] = rng.randrange(len(q.choices))
                    answers.append(Answer(**common, choice=picked[q.code]))
                elif q.kind == "multiple":
                    answers += [
                        Answer(**common, choice=c)
                        for c in rng.sample(range(len(q.choices)), rng.randint(1, 3))
                    ]
                elif q.kind == "text" and rng.random() < 0.1:
                    answers.append(
                        Answer(
                            **common, text=rng.choice(["希望多组织讲座", "上门理发很好", "建议增加助餐点"])
                        )
                    )
                elif q.kind in ("scale", "number"):
                    answers.append(Answer(**common, number=Decimal(rng.randint(1, 5))))
        Answer.objects.bulk_create(answers, batch_size=BATCH)
        print(f"  {i + len(rows)} responses ({time.perf_counter() - start:.0f} s)", flush=True)
    _tally(survey)
    return survey


def _tally(survey: Survey) -> None:
    """Recount every community's tallies at once (what an import of the whole survey does), timed."""
    start = time.perf_counter()
    communities = Response.objects.filter(survey=survey).values_list("community_id", flat=True).distinct()
    with transaction.atomic():
        rows = tallies_refresh(survey_id=survey.pk, community_ids=list(communities))
    print(f"tallies: {rows} rows recounted in {time.perf_counter() - start:.1f} s", flush=True)
    with connection.cursor() as cursor:
        for table in ("surveys_answer", "surveys_response", "surveys_surveytarget", "surveys_answertally"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def _first(units: Any) -> OrgUnit:
    unit = units.order_by("path").first()
    assert unit is not None, "run demo-data first"
    return unit


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    survey = build(args.responses)
    print(
        f"survey {survey.pk}: {Response.objects.filter(survey=survey).count()} responses, "
        f"{Answer.objects.filter(survey=survey).count()} answers",
        flush=True,
    )
    city = survey.org_unit
    district = _first(OrgUnit.objects.filter(level=OrgLevel.DISTRICT))
    street = _first(OrgUnit.objects.filter(level=OrgLevel.STREET, path__startswith=district.path))
    community = _first(OrgUnit.objects.filter(level=OrgLevel.COMMUNITY, path__startswith=street.path))
    cases: list[tuple[str, Any, Filters]] = [
        ("city", city, Filters()),
        ("district", district, Filters()),
        ("street", street, Filters()),
        ("community", community, Filters()),
        ("city, 80–89 离休", city, Filters(age_band="80-89", category="lixiu")),
        ("district, 独居", district, Filters(living="alone")),
    ]
    worst: tuple[float, str, Any] = (0.0, "", [])
    for label, unit, filters in cases:

        def page(unit: Any = unit, filters: Filters = filters) -> None:
            survey_results(survey, unit, filters)
            drill_rows(survey, unit, filters)

        result = measure(f"results page: {label}", page, runs=args.runs)
        if result["p95_ms"] > worst[0]:
            with CaptureQueriesContext(connection) as ctx:
                page()
            worst = (result["p95_ms"], f"results page: {label}", ctx.captured_queries)
    measure("paragraph: city", lambda: needs_paragraph(survey, city), runs=args.runs)
    measure("paragraph: street", lambda: needs_paragraph(survey, street), runs=args.runs)
    print(f"\nworst results p95 {worst[0]:.1f} ms (goal ≤ {GOAL_MS:.0f} ms)")
    _explain(worst)


if __name__ == "__main__":
    main()
