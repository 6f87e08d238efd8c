"""VisitTask, VisitRecord and Notification now belong to the tasks app (tasks 0001): gone from this app's
state only; their tables and rows are untouched here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0003_one_condolence_per_cadre"),
        ("tasks", "0001_initial"),
        ("servicerequests", "0002_visit_record_in_tasks"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="VisitRecord"),
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="VisitTask"),
            ]
        )
    ]
