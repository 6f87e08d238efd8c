"""The moved tables take the tasks app's names (visits_visittask → tasks_visittask …); rows and ids stay.
Content types and audit subjects that named the old app follow, so permissions and the audit log still
find their rows."""

from django.db import migrations

MODELS = ("visittask", "visitrecord", "notification")


def _relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)
    AuditEvent = apps.get_model("audit", "AuditEvent")
    for model in MODELS:
        AuditEvent.objects.filter(subject_type=f"{old}.{model}").update(subject_type=f"{new}.{model}")


def forwards(apps, schema_editor):
    _relabel(apps, "visits", "tasks")


def backwards(apps, schema_editor):
    _relabel(apps, "tasks", "visits")


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0001_initial"),
        ("audit", "0003_fill_subject"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="visittask", table=None),
        migrations.AlterModelTable(name="visitrecord", table=None),
        migrations.AlterModelTable(name="notification", table=None),
        migrations.RunPython(forwards, backwards),
    ]
