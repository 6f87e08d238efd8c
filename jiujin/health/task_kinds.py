"""The kind of task the health records create (registered in apps.py)."""

from jiujin.core.registry import TaskKind

MEDICAL_ROUND = TaskKind("medical_round", "上门巡诊", order=70, scheduled=True)  # from a 巡诊 schedule
