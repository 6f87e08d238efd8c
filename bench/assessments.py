"""A district's 千分 assessment computed on the 1M-cadre database (issue 13: ≤ 30 s).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5434/jiujin_bench
    jiujin migrate
    python bench/assessments.py [--district CODE] [--year YYYY]

Builds the default rubric for the district with the most cadres (or `--district`) and a year nobody uses,
starts its assessment (rows for every community and item, every bound metric computed with one provider call
for all the district's communities over the year), then recomputes once more to print the time per metric
provider. Everything runs in one transaction that is rolled back: the database is left as it was. Figures
are wall-clock on a shared machine: rough.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection, transaction
from django.db.models import Count

import bench._django  # noqa: F401  (sets Django up for the imports below)
from jiujin.accounts.models import Role, User
from jiujin.assessments.models import Score
from jiujin.assessments.scoring import assessment_compute, assessment_start
from jiujin.assessments.services import rubric_create_default
from jiujin.audit.services import Actor
from jiujin.cadres.models import Cadre
from jiujin.core.registry import metrics
from jiujin.orgs.models import OrgUnit

GOAL_S = 30.0


class Rollback(Exception):
    pass


def biggest_district() -> OrgUnit:
    counts = Cadre.objects.values("community__parent__parent").annotate(n=Count("pk")).order_by("-n").first()
    assert counts, "no cadres: load the bench database first"
    return OrgUnit.objects.get(pk=counts["community__parent__parent"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--district", default="")
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    district = OrgUnit.objects.get(code=args.district) if args.district else biggest_district()
    cadres = Cadre.objects.filter(community__path__startswith=district.path).count()
    communities = OrgUnit.objects.subtree_of(district).communities().count()
    print(f"{connection.vendor}: {district.name} ({district.code}): {communities} 个社区, {cadres} 名老干部")
    print(f"registered metrics: {', '.join(m.code for m in metrics()) or '(none)'}")
    user = User.objects.filter(role=Role.ADMIN).first() or User.objects.filter(is_superuser=True).first()
    actor = Actor(user=user, via="bench")
    try:
        with transaction.atomic():
            year = args.year
            rubric = rubric_create_default(actor=actor, district=district, year=year)
            began = time.perf_counter()
            run = assessment_start(actor=actor, rubric=rubric)
            start_s = time.perf_counter() - began
            rows = Score.objects.filter(assessment=run).count()
            print(f"assessment_start (rows + metrics + totals): {start_s:6.2f} s   ({rows} score rows)")
            began = time.perf_counter()
            report = assessment_compute(actor=actor, assessment=run)
            compute_s = time.perf_counter() - began
            print(f"assessment_compute (recompute):            {compute_s:6.2f} s")
            for code, seconds in sorted(report.seconds.items(), key=lambda kv: -kv[1]):
                print(f"  {code:<24} {seconds:6.2f} s")
            for warning in report.warnings:
                print(f"  warning: {warning}")
            worst = max(start_s, compute_s)
            print(f"goal ≤ {GOAL_S:.0f} s: {'met' if worst <= GOAL_S else 'NOT met'} (worst {worst:.2f} s)")
            raise Rollback
    except Rollback:
        print("rolled back: the bench database is unchanged")


if __name__ == "__main__":
    main()
