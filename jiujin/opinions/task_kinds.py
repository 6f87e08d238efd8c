"""The kind of task the opinions app creates (registered in apps.py): an answer due to a cadre."""

from jiujin.core.registry import TaskKind

# Not `scheduled`: called for by the cadre's opinion, it stays for the worker to see through.
OPINION_REPLY = TaskKind("opinion_reply", "答复意见建议", order=90)
