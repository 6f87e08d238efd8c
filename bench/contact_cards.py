"""The batch contact-card PDF for 1,000 cadres (issue 4): seconds from the database to the PDF bytes.

    DATABASE_URL=sqlite:////tmp/cards-bench.sqlite3 jiujin migrate && JIUJIN_DEMO=1 jiujin demo-data
    DATABASE_URL=sqlite:////tmp/cards-bench.sqlite3 python bench/contact_cards.py [--cadres 1000] [--runs 3]

Everything runs inside a transaction that is rolled back (a directory of nine numbers at the top unit,
a 一助一 partner for every third cadre, and the audit rows of each print), so the database is left as it was.
Prints the whole service call (queries + layout + audit) and the layout alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiujin.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from jiujin.accounts.models import User  # noqa: E402
from jiujin.audit.services import Actor  # noqa: E402
from jiujin.cadres.models import Cadre  # noqa: E402
from jiujin.directory.models import DirectoryEntry, EntryKind  # noqa: E402
from jiujin.directory.selectors import active_partners, card_cadres, directories_for  # noqa: E402
from jiujin.directory.services import _card, contact_cards_pdf  # noqa: E402
from jiujin.lib.cards import render_cards  # noqa: E402
from jiujin.orgs.models import OrgUnit  # noqa: E402
from jiujin.volunteers.models import Pairing, Volunteer  # noqa: E402


class Rollback(Exception):
    pass


def seed_directory(top: OrgUnit) -> None:
    DirectoryEntry.objects.bulk_create(
        DirectoryEntry(org_unit=top, key=kind, kind=kind, name=f"{label}服务点", phones=f"0713-81{n:05d}")
        for n, (kind, label) in enumerate(EntryKind.choices)
    )


def seed_partners(cadres: list[Cadre]) -> None:
    by_community: dict[int, Volunteer] = {}
    pairs = []
    for cadre in cadres[::3]:
        if cadre.community_id not in by_community:
            by_community[cadre.community_id] = Volunteer.objects.create(
                name="结对志愿者", phone="13900000000", community_id=cadre.community_id
            )
        pairs.append(
            Pairing(cadre=cadre, volunteer=by_community[cadre.community_id], started_on="2026-01-01")
        )
    Pairing.objects.bulk_create(pairs, ignore_conflicts=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cadres", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    admin = User.objects.filter(is_superuser=True).first() or User.objects.filter(role="admin").first()
    top = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    if admin is None or top is None:
        sys.exit("没有演示数据：先运行 jiujin migrate && JIUJIN_DEMO=1 jiujin demo-data")
    try:
        with transaction.atomic():
            run(admin, top, args.cadres, args.runs)
            raise Rollback
    except Rollback:
        pass


def run(admin: User, top: OrgUnit, n: int, runs: int) -> None:
    seed_directory(top)
    ids = list(card_cadres(admin, top).values_list("pk", flat=True)[:n])
    cadres = card_cadres(admin, top).filter(pk__in=ids)
    seed_partners(list(cadres))
    actor = Actor(user=admin, ip="127.0.0.1", via="bench")
    print(
        f"{connection.vendor}: {len(ids)} cadres in {cadres.values('community').distinct().count()} communities"
    )
    whole, layout, size, queries = [], [], 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            pdf, count = contact_cards_pdf(actor=actor, cadres=cadres, detail="基准测试")
            whole.append(time.perf_counter() - start)
        size, queries = len(pdf), len(ctx.captured_queries)
        rows = list(cadres)
        partners = active_partners(cadres)
        directories = directories_for({c.community_id: c.community for c in rows}.values())
        cards = [_card(c, directories[c.community_id], partners.get(c.pk)) for c in rows]
        start = time.perf_counter()
        render_cards(cards)
        layout.append(time.perf_counter() - start)
    print(
        f"batch card PDF, {count} cards ({-(-count // 8)} A4 pages, {size / 1024:.0f} KiB, {queries} queries)"
    )
    print(f"  whole service call   median {statistics.median(whole):.2f} s   max {max(whole):.2f} s")
    print(f"  layout only (fpdf2)  median {statistics.median(layout):.2f} s   max {max(layout):.2f} s")


if __name__ == "__main__":
    main()
