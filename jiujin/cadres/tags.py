"""爱好特长 tags: scoped to the district (the unit below the city) of the cadre's community, capped per cadre.

Shared by the page form, the API (which validates through the page form), the roster import and the cadre
list's filter, so all of them accept the same tags and say the same Chinese messages.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Q

from jiujin.accounts.models import User
from jiujin.orgs.models import PATH_SEP, OrgUnit

MAX_TAGS = 20
MAX_TAG_LENGTH = 30
TOO_MANY = f"爱好特长最多{MAX_TAGS}项"
TOO_LONG = f"每项爱好特长最多{MAX_TAG_LENGTH}个字"


def tag_names_check(names: Iterable[str]) -> None:
    """Raise a ValidationError (plain message, no field) when the tag list is over the cap.

    The cap also keeps the tag queries small: a cadre's tags are looked up with one `name__in` list."""
    names = list(names)
    if len(names) > MAX_TAGS:
        raise ValidationError(TOO_MANY, code="too_many_tags")
    if any(len(n) > MAX_TAG_LENGTH for n in names):
        raise ValidationError(TOO_LONG, code="tag_too_long")


def tag_scope_path(unit_path: str) -> str:
    """The path of the unit whose tags a cadre of `unit_path` uses: the district (second level), or the unit
    itself when it is the top of the tree."""
    codes = [c for c in unit_path.split(PATH_SEP) if c]
    return PATH_SEP + PATH_SEP.join(codes[:2]) + PATH_SEP


def tag_scope_unit(community: OrgUnit) -> OrgUnit:
    path = tag_scope_path(community.path)
    if path == community.path:
        return community
    return OrgUnit.objects.get(path=path)


def tags_visible_q(user: User) -> Q:
    """Tags the user may see in the filter list: those of the districts in or above their unit's subtree."""
    if user.sees_everything:
        return Q()
    if not user.is_authenticated or not user.is_active or user.org_unit is None:
        return Q(pk__in=[])
    path = user.org_unit.path
    return Q(org_unit__path__startswith=path) | Q(org_unit__path=tag_scope_path(path))
