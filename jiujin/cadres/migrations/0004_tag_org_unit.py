import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Tags become per-district (step 1 of 3): the column, nullable while 0005 fills it."""

    dependencies = [
        ("cadres", "0003_community_listing_index"),
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="tag",
            name="org_unit",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.orgunit",
                verbose_name="所属单位",
            ),
        ),
        migrations.AlterField(
            model_name="tag",
            name="name",
            field=models.CharField(max_length=30, verbose_name="名称"),
        ),
    ]
