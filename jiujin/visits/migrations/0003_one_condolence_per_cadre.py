"""One open 吊唁慰问 task per cadre: cancel the duplicates parallel 去世 events made, then the constraint."""

from django.db import migrations, models


def cancel_duplicates(apps, schema_editor):
    VisitTask = apps.get_model("visits", "VisitTask")
    live = VisitTask.objects.filter(kind="condolence").exclude(status="cancelled").order_by("cadre_id", "id")
    seen: set[int] = set()
    extra: list[int] = []
    rows = sorted(live.values_list("cadre_id", "status", "pk"), key=lambda r: (r[0], r[1] != "done", r[2]))
    for cadre_id, _status, pk in rows:  # a visited one is kept before an open one
        if cadre_id in seen:
            extra.append(pk)
        seen.add(cadre_id)
    # Keep the first; the others are cancelled (their records, if any, stay on them).
    VisitTask.objects.filter(pk__in=extra).update(status="cancelled", cancel_reason="重复的吊唁任务")


class Migration(migrations.Migration):
    dependencies = [("visits", "0002_task_kinds_medical_plan")]

    operations = [
        migrations.RunPython(cancel_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="visittask",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "condolence"), models.Q(("status", "cancelled"), _negated=True)),
                fields=("cadre",),
                name="visittask_one_condolence",
            ),
        ),
    ]
