"""The kind of task the service plans create (registered in apps.py)."""

from jiujin.core.registry import TaskKind

PLAN_SERVICE = TaskKind("plan_service", "方案服务", order=80, scheduled=True)  # from an individual plan
