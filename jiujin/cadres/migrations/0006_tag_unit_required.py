import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Tags become per-district (step 3 of 3): every tag has its unit; (unit, name) is unique."""

    dependencies = [("cadres", "0005_tags_per_district")]

    operations = [
        migrations.AlterField(
            model_name="tag",
            name="org_unit",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.orgunit",
                verbose_name="所属单位",
            ),
        ),
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.UniqueConstraint(fields=("org_unit", "name"), name="tag_unit_name"),
        ),
    ]
