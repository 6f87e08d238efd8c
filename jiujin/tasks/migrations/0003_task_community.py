"""Each task carries its cadre's community (filled and kept by the triggers scope.py makes after every
`migrate`), with the indexes of the agenda, the calendar and the stats that read it."""

import django.db.models.deletion
from django.db import migrations, models


def drop_triggers(apps, schema_editor):
    # Unapplied, the column goes: the triggers that write it go too.
    from jiujin.tasks.scope import task_community_triggers_drop

    task_community_triggers_drop(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
        ("tasks", "0002_tasks_tables"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="visittask", name="visittask_agenda"),
        migrations.AddField(
            model_name="visittask",
            name="community",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.orgunit",
            ),
        ),
        migrations.AddIndex(
            model_name="visittask",
            index=models.Index(
                condition=models.Q(("status__in", ["open", "overdue"])),
                fields=["assignee", "due_date", "-priority", "id"],
                include=("community", "status"),
                name="visittask_agenda_pending",
            ),
        ),
        migrations.AddIndex(
            model_name="visittask",
            index=models.Index(
                condition=models.Q(("status__in", ["open", "overdue"])),
                fields=["community", "due_date", "-priority", "id"],
                include=("assignee", "status"),
                name="visittask_community_pending",
            ),
        ),
        migrations.AddIndex(
            model_name="visittask",
            index=models.Index(
                condition=models.Q(("status", "cancelled"), _negated=True),
                fields=["community", "due_date"],
                include=("kind", "status"),
                name="visittask_community_due",
            ),
        ),
        # Last, so that unapplying drops the triggers first (SQLite refuses to rebuild a table they name).
        migrations.RunPython(migrations.RunPython.noop, drop_triggers),
    ]
