"""The cadre list's search and filters, shared by the list page, the 台账 export and the API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache, partial
from typing import Any, TypeVar, cast

from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone

from jiujin.accounts.models import User
from jiujin.orgs.models import OrgUnit

from .models import (
    Cadre,
    CadreQuerySet,
    CadreSearchRow,
    CadreStatus,
    Category,
    HealthStatus,
    LivingArrangement,
    Rank,
    Tag,
)
from .search import gathers_matches, search_rows_matching, uses_search_rows
from .search_rows import CadreSearchRowQuerySet
from .tags import tags_visible_q

Narrowed = TypeVar("Narrowed", CadreQuerySet, CadreSearchRowQuerySet)


@dataclass(frozen=True)
class Found:
    """A narrowed registry and the field holding each row's cadre id (`pk`, or `cadre_id` on the search table)."""

    qs: CadreQuerySet | CadreSearchRowQuerySet
    key: str
    count_with_keys: bool = False  # see core.paging.KeyedPaginator


AGE_BANDS = {
    "lt70": ("70岁以下", 0, 69),
    "70-79": ("70–79岁", 70, 79),
    "80-89": ("80–89岁", 80, 89),
    "90-99": ("90–99岁", 90, 99),
    "100+": ("100岁及以上", 100, 200),
}


def _blank(choices: Any) -> list[tuple[str, str]]:
    return [("", "全部"), *choices]


def birth_range(min_age: int, max_age: int, today: date) -> tuple[date, date]:
    """Born on or before `youngest` is at least min_age; after `oldest` is at most max_age (周岁)."""
    youngest = _years_before(today, min_age)
    oldest = _years_before(today, max_age + 1)
    return date.fromordinal(oldest.toordinal() + 1), youngest


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 Feb in a common year
        return day.replace(year=day.year - years, day=28)


def _tag_choices(user: User) -> list[tuple[str, str]]:
    names = (
        Tag.objects.filter(tags_visible_q(user)).order_by("name").values_list("name", flat=True).distinct()
    )
    return _blank((n, n) for n in names)


def _units_by_code(user: User) -> dict[str, OrgUnit]:
    return {unit.code: unit for unit in OrgUnit.objects.for_user(user)}


def _unit_choices(units: Callable[[], dict[str, OrgUnit]]) -> list[tuple[str, str]]:
    return _blank((code, str(unit)) for code, unit in units().items())


class CadreFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "姓名、拼音首字母、身份证尾号或电话", "type": "search"}),
    )
    # By code. The user's units are read once per form into a list (a ModelChoiceField reads them again for
    # every pass over its choices, on PostgreSQL through a server-side cursor: 5 round trips a page).
    unit = forms.ChoiceField(label="单位", required=False)
    category = forms.ChoiceField(label="类别", choices=_blank(Category.choices), required=False)
    rank = forms.ChoiceField(label="职级", choices=_blank(Rank.choices), required=False)
    age = forms.ChoiceField(
        label="年龄段", required=False, choices=_blank([(k, v[0]) for k, v in AGE_BANDS.items()])
    )
    living = forms.ChoiceField(label="居住状况", choices=_blank(LivingArrangement.choices), required=False)
    health = forms.ChoiceField(label="健康状况", choices=_blank(HealthStatus.choices), required=False)
    # By name: tags are per district, so a city user's "书法" is each district's 书法. Only the tags of the
    # user's own tree are offered (cadres.tags.tags_visible_q); the choices are read when first needed.
    tag = forms.ChoiceField(label="爱好特长", required=False)
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[
            ("active", "在册"),
            ("all", "全部"),
            *[(v, lbl) for v, lbl in CadreStatus.choices if v != "active"],
        ],
    )

    def __init__(self, data: Any = None, *, user: User, today: date | None = None) -> None:
        super().__init__(data)
        self.user = user
        self.today = today or timezone.localdate()  # the office's date, not the server's UTC date
        self._units = cache(partial(_units_by_code, user))
        cast(forms.ChoiceField, self.fields["unit"]).choices = cache(partial(_unit_choices, self._units))
        cast(forms.ChoiceField, self.fields["tag"]).choices = cache(partial(_tag_choices, user))  # read once

    def clean_unit(self) -> OrgUnit | None:
        code = self.cleaned_data["unit"]
        return self._units()[code] if code else None

    def apply(self, qs: CadreQuerySet) -> CadreQuerySet:
        """Narrow an already-scoped queryset. Invalid values are ignored (the form shows the error)."""
        data = self.cleaned_data if self.is_valid() else {}
        qs = self._narrow(qs, data)
        return qs.search(data["q"]) if data.get("q") else qs

    def found(self) -> Found:
        """The user's registry narrowed by the form, for a keyed pager: the list page and the API.

        A part of a name on PostgreSQL is answered by the name search table alone (search_rows.py), rows and
        capped count alike; the page's cadres are then loaded by the keys it gives."""
        data = self.cleaned_data if self.is_valid() else {}
        text = data.get("q") or ""
        if uses_search_rows(text, CadreSearchRow.objects.db):
            rows = self._narrow(CadreSearchRow.objects.for_user(self.user), data, key="cadre_id")
            return Found(search_rows_matching(rows, text), key="cadre_id")
        found = self.apply(Cadre.objects.for_user(self.user))
        return Found(found, key="pk", count_with_keys=bool(text) and gathers_matches(found))

    def _narrow(self, qs: Narrowed, data: dict[str, Any], *, key: str = "pk") -> Narrowed:
        status = data.get("status") or "active"
        if status != "all":
            qs = qs.filter(status=status)
        if data.get("unit"):
            qs = qs.filter(community__path__startswith=data["unit"].path)
        for field, name in (
            ("category", "category"),
            ("rank", "rank"),
            ("living_arrangement", "living"),
            ("health_status", "health"),
        ):
            if data.get(name):
                qs = qs.filter(**{field: data[name]})
        if data.get("tag"):
            qs = qs.filter(
                Exists(Cadre.tags.through.objects.filter(cadre=OuterRef(key), tag__name=data["tag"]))
            )
        if data.get("age"):
            _label, low, high = AGE_BANDS[data["age"]]
            oldest, youngest = birth_range(low, high, self.today)
            qs = qs.born_between(oldest, youngest)
        return qs
