"""`AuditEvent.cadre` becomes a plain id, `cadre_id`: the audit app no longer points into cadres.

The column keeps its name (`cadre_id`), its values and the index `audit_cadre_at` (cadre_id, -at); only the
foreign-key constraint goes, and the one-column index Django made for the foreign key, which
`audit_cadre_at` already serves (its first column). In the database this is one AlterField of the column
(on PostgreSQL: DROP CONSTRAINT …_fk_cadres_cadre_id and DROP INDEX of the one-column index; on SQLite the
table is rebuilt with every row copied); in the migration state the field is renamed from `cadre` to
`cadre_id`, which the database does not see since the column name stays.

No dependency on cadres: the earlier migrations keep theirs (their state still has the foreign key).
"""

from django.db import migrations, models

FIELD = {"verbose_name": "老干部", "null": True, "blank": True}


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_fill_subject")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="cadre",
                    field=models.BigIntegerField(db_column="cadre_id", **FIELD),
                ),
            ],
            state_operations=[
                migrations.RemoveIndex(model_name="auditevent", name="audit_cadre_at"),
                migrations.RemoveField(model_name="auditevent", name="cadre"),
                migrations.AddField(
                    model_name="auditevent", name="cadre_id", field=models.BigIntegerField(**FIELD)
                ),
                migrations.AddIndex(
                    model_name="auditevent",
                    index=models.Index(fields=["cadre_id", "-at"], name="audit_cadre_at"),
                ),
            ],
        ),
    ]
