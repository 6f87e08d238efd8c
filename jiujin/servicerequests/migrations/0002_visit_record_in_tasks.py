"""The visit record moved to the tasks app (same table, same ids): the foreign key follows in the state."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("servicerequests", "0001_initial"),
        ("tasks", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="servicerequest",
                    name="visit_record",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="service_requests", to="tasks.visitrecord", verbose_name="走访记录"),
                ),
            ]
        )
    ]
