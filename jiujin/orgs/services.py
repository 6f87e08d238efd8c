from django.core.exceptions import ValidationError
from django.db import transaction

from .models import PARENT_LEVEL, OrgUnit


@transaction.atomic
def org_unit_create(*, code: str, name: str, level: str, parent: OrgUnit | None = None) -> OrgUnit:
    expected = PARENT_LEVEL[level]  # type: ignore[index]
    actual = parent.level if parent else None
    if expected != actual:
        raise ValidationError({"parent": f"{OrgUnit(level=level).get_level_display()}的上级层级不正确"})
    unit = OrgUnit(code=code, name=name, level=level, parent=parent)
    unit.path = unit.build_path()
    unit.full_clean()
    unit.save()
    return unit
