"""The kind of task a running survey puts on the agenda (registered in apps.py): one per target cadre."""

from jiujin.core.registry import TaskKind

# Not `scheduled`: the survey's own closing cancels what is left (survey_close).
SURVEY = TaskKind("survey", "问卷调查", order=95)
