"""Read-side queries of volunteers and 一助一.

Scoping goes only through `OrgUnit.objects.for_user` (volunteers: the communities a staff user sees) and
`Cadre.objects.for_user` (pairings and contact logs: the cadres a user sees — for a volunteer login, only
the cadres currently paired with them). Out of scope is `None`/404, exactly like missing.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre, CadreQuerySet, CadreStatus, HealthStatus, LivingArrangement
from jiujin.core.access import access_unit, is_volunteer
from jiujin.health.selectors import active_condition_names
from jiujin.orgs.models import OrgUnit

from .matching import building_of, needs_of
from .models import ContactLog, Pairing, Volunteer

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

SUGGESTION_LIMIT = 8
ATTENTION_LIMIT = 200

# Who 一助一 is for: cadres living alone or in an empty nest, and frail ones.
ELIGIBLE = Q(living_arrangement__in=[LivingArrangement.ALONE, LivingArrangement.EMPTY_NEST]) | Q(
    health_status__in=[HealthStatus.POOR, HealthStatus.DISABLED]
)


# Whom the 一助一 coverage counts (the assessment's figure and the summary tables): active cadres living alone
# or in an empty nest.
COVERED = (LivingArrangement.ALONE, LivingArrangement.EMPTY_NEST)


def pairing_current_q(on: date) -> Q:
    """A pairing current on the day: started by then, not ended by then."""
    return Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def pairing_targets() -> CadreQuerySet:
    return Cadre.objects.active().filter(living_arrangement__in=COVERED)


def paired_on(on: date) -> Exists:
    """Over cadres: has a pairing current on the day (probed per cadre through the pairing's cadre index)."""
    return Exists(Pairing.objects.filter(pairing_current_q(on), cadre=OuterRef("pk")))


# ---------------------------------------------------------------- volunteers (staff)


def staff_communities(user: User) -> QuerySet[OrgUnit]:
    """Communities whose volunteer registry the user may see. A volunteer login sees no registry at all:
    its org unit is its community, but other volunteers' data is not theirs to see."""
    if is_volunteer(user):
        return OrgUnit.objects.none()
    return OrgUnit.objects.for_user(user).communities()


def volunteers_for(user: User) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(community__in=staff_communities(user).values("pk"))


class _Load(TypedDict):
    load: int


def with_load(qs: QuerySet[Volunteer]) -> QuerySet[WithAnnotations[Volunteer, _Load]]:
    """Annotate `load`: how many cadres each volunteer is currently paired with (one correlated count)."""
    active = (
        Pairing.objects.filter(volunteer=OuterRef("pk"), ended_on__isnull=True)
        .order_by()
        .values("volunteer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(load=Coalesce(Subquery(active, output_field=IntegerField()), Value(0)))


def volunteer_list(
    user: User, *, q: str = "", community: OrgUnit | None = None, active: bool | None = None
) -> Any:
    qs = with_load(volunteers_for(user)).select_related("community", "user")
    if community is not None:
        qs = qs.filter(community=community)
    if active is not None:
        qs = qs.filter(active=active)
    if q := "".join(q.split()):
        qs = qs.filter(
            Q(name__contains=q) | Q(phone__contains=q) | Q(skills__contains=q) | Q(address__contains=q)
        )
    return qs.order_by("community__path", "-active", "name", "pk")


def volunteer_for_user(user: User, pk: Any) -> Volunteer:
    try:
        return volunteers_for(user).select_related("community", "user").get(pk=pk)
    except (Volunteer.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("没有找到该志愿者") from exc


def community_for_user(user: User, code: str | None) -> OrgUnit | None:
    """A community named by code in a filter: None when not given, 404 when out of scope or unknown."""
    if not code:
        return None
    return access_unit(user, code, community=True, message="没有找到该社区")


# ---------------------------------------------------------------- pairings


def pairings_for(user: User) -> QuerySet[Pairing]:
    """Staff: the pairings of cadres in scope, past and present. A volunteer: only their current pairings of
    cadres still on file, so an ended pairing or a closed file disappears from every page and endpoint."""
    if is_volunteer(user):
        return Pairing.objects.filter(
            volunteer__user=user, ended_on__isnull=True, cadre__status=CadreStatus.ACTIVE
        )
    return Pairing.objects.filter(cadre__in=Cadre.objects.for_user(user).values("pk"))


def pairing_for_user(user: User, pk: Any) -> Pairing:
    try:
        return pairings_for(user).select_related("cadre", "volunteer__user").get(pk=pk)
    except (Pairing.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("没有找到该结对") from exc


def cadre_pairings(cadre: Cadre) -> QuerySet[Pairing]:
    """One cadre's pairings, current first, each with its contact count (for the history table)."""
    return (
        cadre.pairings.select_related("volunteer", "created_by")
        .annotate(contact_count=Count("contacts"))
        .order_by(F("ended_on").desc(nulls_first=True), "-started_on", "-id")  # the active one first
    )


def eligible_cadres(user: User, *, unpaired_only: bool = False) -> QuerySet[Cadre]:
    """Active cadres 一助一 is meant for, with their current partner's name (or None) in `partner`."""
    current = Pairing.objects.filter(cadre=OuterRef("pk"), ended_on__isnull=True)
    qs = (
        Cadre.objects.for_user(user)
        .active()
        .filter(ELIGIBLE)
        .select_related("community")
        .annotate(partner=Subquery(current.values("volunteer__name")[:1]))
    )
    if unpaired_only:
        qs = qs.filter(partner__isnull=True)
    return qs


# ---------------------------------------------------------------- suggestions


def cadre_needs(cadre: Cadre) -> list[str]:
    return needs_of(
        living_arrangement=cadre.living_arrangement,
        health_status=cadre.health_status,
        chronic_conditions=active_condition_names(cadre),  # the health record is their only home
        tag_names=cadre.tags.values_list("name", flat=True),
    )


def suggest_volunteers(
    user: User, cadre: Cadre, *, needs: list[str], limit: int = SUGGESTION_LIMIT
) -> list[Volunteer]:
    """Active volunteers in the user's scope, best first: same community, same building (within it), more of
    the cadre's needs covered by their skills, fewest current pairings. One query, ranked by the database."""
    building = building_of(cadre.address)
    same_community = Q(community_id=cadre.community_id)
    skill_hits = [Case(When(skills__contains=word, then=Value(1)), default=Value(0)) for word in needs]
    current = Pairing.objects.filter(cadre=cadre, ended_on__isnull=True).values("volunteer_id")
    qs = (
        with_load(volunteers_for(user).filter(active=True).exclude(pk__in=current))
        .select_related("community")
        .annotate(
            same_community=_flag(same_community),
            same_building=_flag(same_community & Q(building=building)) if building else Value(0),
            skill_score=sum(skill_hits, start=Value(0)) if skill_hits else Value(0),
        )
        .order_by("-same_community", "-same_building", "-skill_score", "load", "name", "pk")
    )
    return list(qs[:limit])


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


# ---------------------------------------------------------------- contact logs


def contacts_of(pairing: Pairing) -> QuerySet[ContactLog]:
    return pairing.contacts.select_related("created_by", "followed_up_by")


def attention_logs(user: User) -> QuerySet[ContactLog]:
    """Flagged contact logs not yet followed up, of cadres in the (staff) user's scope, oldest first."""
    if is_volunteer(user):
        return ContactLog.objects.none()
    return (
        ContactLog.objects.filter(
            needs_attention=True,
            followed_up_at__isnull=True,
            pairing__cadre__in=Cadre.objects.for_user(user).values("pk"),
        )
        .select_related("pairing__cadre__community", "pairing__volunteer", "created_by")
        .order_by("on", "id")
    )


def contact_log_for_user(user: User, pk: Any) -> ContactLog:
    try:
        return attention_scope(user).select_related("pairing__cadre").get(pk=pk)
    except (ContactLog.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("没有找到该联系记录") from exc


def attention_scope(user: User) -> QuerySet[ContactLog]:
    if is_volunteer(user):
        return ContactLog.objects.none()
    return ContactLog.objects.filter(pairing__cadre__in=Cadre.objects.for_user(user).values("pk"))


# ---------------------------------------------------------------- a volunteer's own


def my_volunteer(user: User) -> Volunteer | None:
    if not is_volunteer(user):
        return None
    return Volunteer.objects.filter(user=user).select_related("community").first()


def my_pairings(user: User) -> QuerySet[Pairing]:
    """A volunteer's current pairings with what they may see of each cadre (family contacts prefetched)."""
    return (
        pairings_for(user)
        .select_related("cadre")
        .prefetch_related("cadre__family_contacts")
        .annotate(last_contact=_last_contact())
        .order_by("cadre__name_pinyin", "pk")
    )


def _last_contact() -> Subquery:
    latest = ContactLog.objects.filter(pairing=OuterRef("pk")).order_by("-on", "-id").values("on")[:1]
    return Subquery(latest)
