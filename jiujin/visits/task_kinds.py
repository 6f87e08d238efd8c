"""The kinds of task the five must-visits create (registered in apps.py)."""

from jiujin.core.registry import TaskKind

BIRTHDAY = TaskKind("birthday", "生日祝寿", order=10, scheduled=True)
HOLIDAY = TaskKind("holiday", "节日慰问", order=20, scheduled=True)
HOSPITAL = TaskKind("hospital", "住院探视", order=30)
FAMILY_EVENT = TaskKind("family_event", "大事看望", order=40)
SPECIAL = TaskKind("special", "特殊情况", order=50)
CONDOLENCE = TaskKind("condolence", "吊唁慰问", order=60)

KINDS = (BIRTHDAY, HOLIDAY, HOSPITAL, FAMILY_EVENT, SPECIAL, CONDOLENCE)
