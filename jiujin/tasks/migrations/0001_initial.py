"""The task, visit-record and reminder tables move here from the visits app, in the state only: the rows,
their ids and the tables stay as they are (0002 renames the tables). The kind column keeps its width; its
`choices` are gone from the state (the kinds' registry holds them, which needs no column change)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import jiujin.tasks.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cadres", "0001_initial"),
        ("visits", "0003_one_condolence_per_cadre"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name="VisitTask",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=16, validators=[jiujin.tasks.models.validate_task_kind], verbose_name="类型")),
                ("rule_key", models.CharField(max_length=40, verbose_name="规则")),
                ("occurrence", models.CharField(max_length=20, verbose_name="期次")),
                ("title", models.CharField(max_length=100, verbose_name="事项")),
                ("due_date", models.DateField(verbose_name="应访日期")),
                ("window_start", models.DateField(verbose_name="可访起始日")),
                ("lunar_label", models.CharField(blank=True, max_length=20, verbose_name="农历")),
                ("priority", models.PositiveSmallIntegerField(default=2, verbose_name="优先级")),
                ("status", models.CharField(choices=[("open", "待访"), ("done", "已访"), ("overdue", "逾期"), ("cancelled", "已取消")], default="open", max_length=10, verbose_name="状态")),
                ("suggestion", models.CharField(blank=True, max_length=100, verbose_name="建议")),
                ("cancel_reason", models.CharField(blank=True, max_length=200, verbose_name="取消原因")),
                ("done_at", models.DateTimeField(blank=True, null=True, verbose_name="完成时间")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("assignee", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="visit_tasks", to=settings.AUTH_USER_MODEL, verbose_name="责任人")),
                ("cadre", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="visit_tasks", to="cadres.cadre", verbose_name="老干部")),
                ("event", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="tasks", to="visits.cadreevent")),
            ],
            options={
                "verbose_name": "走访任务",
                "verbose_name_plural": "走访任务",
                "ordering": ["due_date", "-priority", "id"],
                "db_table": "visits_visittask",
                "indexes": [
                    models.Index(fields=["assignee", "status", "due_date"], name="visittask_agenda"),
                    models.Index(fields=["status", "due_date"], name="visittask_status_due"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("cadre", "rule_key", "occurrence"), name="visittask_unique_occurrence"),
                    models.UniqueConstraint(condition=models.Q(("kind", "condolence"), models.Q(("status", "cancelled"), _negated=True)), fields=("cadre",), name="visittask_one_condolence"),
                ],
            },
        ),
        migrations.CreateModel(
            name="VisitRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("visited_on", models.DateField(verbose_name="走访日期")),
                ("visitors", models.CharField(max_length=100, verbose_name="走访人")),
                ("form", models.CharField(choices=[("home", "上门"), ("phone", "电话"), ("hospital", "医院"), ("video", "视频")], default="home", max_length=10, verbose_name="形式")),
                ("outcome", models.CharField(choices=[("visited", "已见到本人"), ("family", "见到家属"), ("nobody_home", "空访（无人在家）")], default="visited", max_length=12, verbose_name="结果")),
                ("gifts", models.CharField(blank=True, max_length=200, verbose_name="慰问品")),
                ("money", models.DecimalField(blank=True, decimal_places=2, max_digits=9, null=True, verbose_name="慰问金（元）")),
                ("findings", models.TextField(blank=True, verbose_name="了解到的情况")),
                ("needs", models.TextField(blank=True, verbose_name="提出的需求")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="记录时间")),
                ("recorded_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="记录人")),
                ("task", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="records", to="tasks.visittask", verbose_name="任务")),
            ],
            options={
                "verbose_name": "走访记录",
                "verbose_name_plural": "走访记录",
                "ordering": ["-visited_on", "-id"],
                "db_table": "visits_visitrecord",
                "constraints": [
                    models.UniqueConstraint(condition=models.Q(("outcome", "nobody_home"), _negated=True), fields=("task",), name="visitrecord_one_completion"),
                ],
            },
        ),
        migrations.CreateModel(
            name="Notification",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("channel", models.CharField(choices=[("in_app", "站内"), ("email", "邮件"), ("webhook", "企业微信机器人"), ("sms", "短信")], max_length=10)),
                ("key", models.CharField(max_length=60, verbose_name="去重键")),
                ("subject", models.CharField(max_length=200, verbose_name="标题")),
                ("body", models.TextField(verbose_name="内容")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("read_at", models.DateTimeField(blank=True, null=True)),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                ("claimed_until", models.DateTimeField(blank=True, null=True)),
                ("last_error", models.TextField(blank=True)),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "提醒",
                "verbose_name_plural": "提醒",
                "ordering": ["-created_at"],
                "db_table": "visits_notification",
                "indexes": [models.Index(fields=["sent_at", "next_attempt_at"], name="notification_due")],
                "constraints": [models.UniqueConstraint(fields=("user", "channel", "key"), name="notification_once")],
            },
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
