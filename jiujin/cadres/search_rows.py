"""The name search table: one row per piece of a cadre's name, in the list's display order (PostgreSQL).

A search for part of a name (张, 德明, 张德明) reads this table's btree in (piece, status, pinyin, id) order:
page 1 of 张 is the first 30 entries of one index range, and its capped count walks that range alone — the
row carries the status, the community and every column the list filters on, so a search with filters never
visits the cadre table either. A GIN index over the pieces answered "which cadres" but not "in which order":
a surname matching 2 % of a city meant fetching and sorting ~20,000 cadres per page (~100 ms).

Rows are kept in step with `cadres_cadre` by triggers (migration 0013; set-based for INSERT/COPY, UPDATE and
DELETE statements), so imports, bulk updates and the ORM need no code for it. SQLite has the table but leaves
it empty: its search scans the cadre table (it serves one office).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import models

from jiujin.core.access import staff_community_ids

if TYPE_CHECKING:
    from jiujin.accounts.models import User

# The columns a row copies from its cadre (besides the piece): the triggers and the fill read this list.
COPIED = (
    "status",
    "community_id",
    "name_pinyin",
    "category",
    "rank",
    "living_arrangement",
    "health_status",
    "birth_date",
)
_FILTERS = ["community", "category", "rank", "living_arrangement", "health_status", "birth_date"]


class CadreSearchRowQuerySet(models.QuerySet["CadreSearchRow"]):
    def for_user(self, user: User) -> CadreSearchRowQuerySet:
        """The same scope as `Cadre.objects.for_user` (the access policy decides)."""
        community_ids = staff_community_ids(user)
        if community_ids is None:
            return self.all()
        return self.filter(community_id__in=community_ids) if community_ids else self.none()

    def born_between(self, oldest: date, youngest: date) -> CadreSearchRowQuerySet:
        return self.filter(birth_date__gte=oldest, birth_date__lte=youngest)


class CadreSearchRow(models.Model):
    piece = models.CharField(max_length=2)  # a 1- or 2-character piece of the lower-cased name
    # No database constraints: the triggers own these rows, and Django's flush truncates both tables.
    cadre = models.ForeignKey(
        "cadres.Cadre",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # cadre_search_cadre below
        related_name="search_rows",
    )
    community = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    status = models.CharField(max_length=10)
    name_pinyin = models.CharField(max_length=120)
    category = models.CharField(max_length=10)
    rank = models.CharField(max_length=10)
    living_arrangement = models.CharField(max_length=16, blank=True)
    health_status = models.CharField(max_length=10, blank=True)
    birth_date = models.DateField()

    objects = CadreSearchRowQuerySet.as_manager()

    class Meta:
        verbose_name = "姓名检索"
        indexes = [
            # Every scope walks this one in display order: a community's rows are picked out by the INCLUDEd
            # community (index only), and the filters read the other INCLUDEd columns. A second index led by
            # the community would spare a small community's walk (at most a piece's range, ~10 ms at 1M) but
            # cost every import a third of the table's write time.
            models.Index(
                fields=["piece", "status", "name_pinyin", "cadre"], name="cadre_search_py", include=_FILTERS
            ),
            models.Index(fields=["cadre"], name="cadre_search_cadre"),  # the triggers' deletes
        ]

    def __str__(self) -> str:
        return self.piece
