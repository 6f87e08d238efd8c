"""The installation's default party-dues rule (全市默认): 0.5 % of the basic pension up to ¥5,000 a month
inclusive, 1 % above. Districts set their own on the 党费标准 page; this row is data, edited like theirs."""

from datetime import date
from decimal import Decimal

from django.db import migrations


def create_default(apps, schema_editor):  # type: ignore[no-untyped-def]
    DuesRule = apps.get_model("branches", "DuesRule")
    DuesBracket = apps.get_model("branches", "DuesBracket")
    if DuesRule.objects.filter(org_unit__isnull=True).exists():
        return
    rule = DuesRule.objects.create(
        org_unit=None, name="全市默认标准（按月基本离退休费）", effective_from=date(2008, 4, 1), rounding="half_up"
    )
    DuesBracket.objects.bulk_create(
        [
            DuesBracket(rule=rule, above=Decimal("0"), rate_percent=Decimal("0.5")),
            DuesBracket(rule=rule, above=Decimal("5000"), rate_percent=Decimal("1.0")),
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("branches", "0001_initial")]
    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
