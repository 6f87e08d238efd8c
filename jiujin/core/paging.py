from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
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
    `key` names the field holding each row's key when the list is read from another table (a search table).

    `count_with_keys` is for lists the database can only order by gathering every match first (a search by the
    tail of an ID number or phone digits: a bitmap of matches, then a sort): the key query counts the matches
    it gathers (`COUNT(*) OVER ()`), so the page does not gather them a second time for the count."""

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        rows: Callable[[list[Any]], Iterable[Any]],
        key: str = "pk",
        count_with_keys: bool = False,
    ) -> None:
        super().__init__(object_list, per_page)
        self.rows = rows
        self.key = key
        self.count_with_keys = count_with_keys

    def page_ids(self, bottom: int, top: int) -> list[Any]:
        qs = cast("QuerySet[Any]", self.object_list)
        if not self.count_with_keys or "count" in self.__dict__:
            return list(qs.values_list(self.key, flat=True)[bottom:top])
        found = list(qs.annotate(matches=Window(Count("*"))).values_list(self.key, "matches")[bottom:top])
        if found:
            self.__dict__["count"] = min(found[0][1], self.cap + 1)  # the cached `count`, as capped
        return [key for key, _matches in found]

    def rows_between(self, bottom: int, top: int) -> list[Any]:
        ids = self.page_ids(bottom, top)
        loaded = {row.pk: row for row in self.rows(ids)} if ids else {}
        return [loaded[pk] for pk in ids if pk in loaded]

    def get_page(self, number: Any) -> Page:
        if self.count_with_keys and "count" not in self.__dict__:
            try:
                wanted = int(number)
            except (TypeError, ValueError):
                wanted = 1  # as Django's get_page reads a missing or mistyped number
            if (counted := self._page_counting(wanted)) is not None:
                return counted
        return super().get_page(number)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return Page(self.rows_between(bottom, bottom + self.per_page), number, self)

    def _page_counting(self, wanted: int) -> Page | None:
        """Page `wanted` with the count its key query gave; None when it is no page (past the end, out of
        range): Django's validation then counts and answers."""
        if wanted < 1 or wanted > MAX_PAGE:
            return None
        bottom = (wanted - 1) * self.per_page
        found = self.rows_between(bottom, bottom + self.per_page)
        if not found and wanted > 1:
            return None
        self.__dict__.setdefault("count", 0)  # page 1 and nothing matched
        return Page(found, wanted, self)
