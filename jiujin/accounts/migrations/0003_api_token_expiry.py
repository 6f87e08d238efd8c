"""API tokens get a name, an expiry, a revocation time and the password stamp they were issued under.

Existing tokens keep working: they expire 90 days after they were created and are stamped with the
user's current password.
"""

from datetime import timedelta

from django.db import migrations, models
from django.utils.crypto import salted_hmac


def backfill(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.select_related("user").iterator():
        token.expires_at = token.created_at + timedelta(days=90)
        token.password_stamp = salted_hmac(
            "jiujin.api-token.password", token.user.password, algorithm="sha256"
        ).hexdigest()[:32]
        token.save(update_fields=["expires_at", "password_stamp"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_capabilities_health_dispatch"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="name",
            field=models.CharField(blank=True, default="", max_length=100, verbose_name="名称"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="password_stamp",
            field=models.CharField(default="", editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="到期时间"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="撤销时间"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="到期时间"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="创建时间"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="最近使用"),
        ),
        migrations.AddIndex(
            model_name="apitoken",
            index=models.Index(fields=["user", "revoked_at", "expires_at"], name="apitoken_user_live"),
        ),
    ]
