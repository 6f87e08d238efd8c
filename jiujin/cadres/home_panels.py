"""What the registry puts on the homes: this week's birthdays (solar and lunar) on a worker's, the number of
cadres and the four-must-knows (四知) completeness per unit on a supervisor's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.template.loader import render_to_string
from django.utils import timezone
from lunar_python import LunarMonth, Solar

from jiujin.lib.calendar import age_at, lunar_birthday_occurrences, lunar_label, solar_birthday_occurrences

from .models import MUST_KNOWS, BirthdayCalendar, Cadre, CadreQuerySet

BIRTHDAY_LIMIT = 50


@dataclass(frozen=True)
class Birthday:
    cadre: Cadre
    on: date  # this year's solar date of the birthday kept
    lunar: str  # that day in the lunar calendar
    age: int
    by_lunar: bool


def week_of(today: date) -> tuple[date, date]:
    """Monday to Sunday, as on the agenda."""
    start = today - timedelta(days=today.weekday())
    return start, start + timedelta(days=6)


def _candidates(start: date, end: date) -> Q:
    """A superset of the cadres whose birthday falls in [start, end], in SQL; the calendar decides after."""
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    solar = Q()
    for d in days:
        solar |= Q(birth_date__month=d.month, birth_date__day=d.day)
        if (d.month, d.day) == (2, 28):  # a 29 February birthday is kept on the 28th in common years
            solar |= Q(birth_date__month=2, birth_date__day=29)
    lunar = Q()
    for d in days:
        lunar_day = Solar.fromYmd(d.year, d.month, d.day).getLunar()
        month, day = abs(lunar_day.getMonth()), lunar_day.getDay()
        lunar |= Q(lunar_month=month, lunar_day=day)
        if day == LunarMonth.fromYm(lunar_day.getYear(), lunar_day.getMonth()).getDayCount() == 29:
            lunar |= Q(lunar_month=month, lunar_day=30)  # day 30 of a short month is kept on its last day
    return (Q(birthday_calendar=BirthdayCalendar.LUNAR) & lunar) | (
        ~Q(birthday_calendar=BirthdayCalendar.LUNAR) & solar
    )


def birthdays_between(user: Any, start: date, end: date) -> list[Birthday]:
    """Active cadres in scope whose birthday (as they keep it) falls in [start, end], by date. One query."""
    found = []
    qs = Cadre.objects.for_user(user).active().filter(_candidates(start, end)).select_related("community")
    for cadre in qs.order_by("birth_date")[:BIRTHDAY_LIMIT]:
        by_lunar = cadre.birthday_calendar == BirthdayCalendar.LUNAR and bool(cadre.lunar_month)
        if by_lunar:
            occ = lunar_birthday_occurrences(
                cadre.lunar_month or 1, cadre.lunar_day or 1, cadre.lunar_leap, start, end
            )
        else:
            occ = solar_birthday_occurrences(cadre.birth_date.month, cadre.birth_date.day, start, end)
        if occ and occ[0].due >= cadre.birth_date:
            on = occ[0].due
            found.append(Birthday(cadre, on, lunar_label(on), age_at(cadre.birth_date, on), by_lunar))
    return sorted(found, key=lambda b: (b.on, b.cadre.name))


def birthdays_panel(request: Any) -> str:
    today = timezone.localdate()
    start, end = week_of(today)
    rows = birthdays_between(request.user, start, end)
    context = {"rows": rows, "today": today, "start": start, "end": end}
    return render_to_string("cadres/_home_birthdays.html", context, request=request)


# ---------------------------------------------------------------- a supervisor's figures


def _active_in(user: Any, communities: QuerySet[Any]) -> CadreQuerySet:
    return Cadre.objects.for_user(user).active().filter(community__in=communities).order_by()


def cadres_by_community(user: Any, communities: QuerySet[Any], today: date) -> dict[int, tuple[int, int]]:
    rows = _active_in(user, communities).values("community_id").annotate(n=Count("pk"))
    return {r["community_id"]: (r["n"], 0) for r in rows}


def must_knows_by_community(user: Any, communities: QuerySet[Any], today: date) -> dict[int, tuple[int, int]]:
    """Must-knows known of those owed (four per active cadre), from the same annotation as the 四知 summary."""
    rows = (
        _active_in(user, communities)
        .with_completeness()
        .values("community_id")
        .annotate(total=Count("pk"), known=Sum("known_count"))
    )
    return {r["community_id"]: (r["known"] or 0, r["total"] * len(MUST_KNOWS)) for r in rows}


def register() -> None:
    from jiujin.core.registry import HomePanel, UnitFigure, home_panel_register, unit_figure_register

    home_panel_register(HomePanel("birthdays", birthdays_panel, order=30))
    unit_figure_register(
        UnitFigure("cadres", "老干部", order=10, by_community=cadres_by_community),
        UnitFigure("must-knows", "四知掌握", order=20, by_community=must_knows_by_community, percent=True),
    )
