from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 10_000
# No list is paged deeper; a larger number is a typo or an attack whose offset would overflow SQL.
MAX_PAGE = 100_000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows.

    An exact COUNT(*) over a city's million cadres costs ~100 ms on every page view; beyond ten thousand
    rows a worker narrows the list with filters anyway, so the page says "超过 10,000 人" instead.
    """

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        # Always given a queryset: count() runs the capped COUNT in the database. Unordered, so the planner
        # may read any index instead of walking the display order (180 ms → 10 ms for a 100,000-cadre community).
        return cast("QuerySet[Any]", self.object_list).order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


class KeyedPaginator(CappedPaginator):
    """Pages through primary keys first, then loads only the rows of the page.

    The key query reads just (sort key, id) — an index-only walk in display order, so a deep page skips its
    offset without touching the table — and `rows(ids)` loads the page's rows, joins included, by key.
    `key` names the field holding each row's key when the list is read from another table (a search table)."""

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        rows: Callable[[list[Any]], Iterable[Any]],
        key: str = "pk",
    ) -> None:
        super().__init__(object_list, per_page)
        self.rows = rows
        self.key = key

    def page_ids(self, bottom: int, top: int) -> list[Any]:
        return list(cast("QuerySet[Any]", self.object_list).values_list(self.key, flat=True)[bottom:top])

    def rows_between(self, bottom: int, top: int) -> list[Any]:
        ids = self.page_ids(bottom, top)
        loaded = {row.pk: row for row in self.rows(ids)} if ids else {}
        return [loaded[pk] for pk in ids if pk in loaded]

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return Page(self.rows_between(bottom, bottom + self.per_page), number, self)
