"""Demo history of opinions (意见建议): a year of them from visits, calls, meetings and families, routed all four
ways; most answered in time and rated, some answered late after escalating up the tree, a few open and
overdue now (escalated as the daily job would have), and a login for one work unit's contact."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password

from jiujin.accounts.models import Role, User
from jiujin.cadres.models import WorkUnit
from jiujin.lib.calendar import lunar_label
from jiujin.opinions.models import (
    DEFAULT_ANSWER_DAYS,
    AnswerDays,
    Escalation,
    Opinion,
    OpinionCategory,
    OpinionSource,
    OpinionState,
    Outcome,
    RouteTo,
)
from jiujin.opinions.task_kinds import OPINION_REPLY
from jiujin.orgs.models import OrgUnit
from jiujin.tasks.models import TaskStatus, VisitTask

from .context import Demo
from .tree import DEMO_PASSWORD

WORK_UNIT_LOGIN = "demo-workunit"
TEXTS = {
    OpinionCategory.LIVING: [
        "取暖费补贴什么时候发放",
        "希望春节慰问品改成米面油",
        "独居老人希望安装紧急呼叫器",
    ],
    OpinionCategory.POLITICAL: ["希望每月组织一次形势报告会", "想订阅《老年日报》", "行动不便，希望送学上门"],
    OpinionCategory.MEDICAL: [
        "希望社区卫生站增加慢病配药",
        "体检能否安排在社区就近进行",
        "住院报销手续太复杂",
    ],
    OpinionCategory.HOUSING: [
        "楼道灯坏了很久没人修",
        "单元门口台阶太高，希望加装扶手",
        "小区停车太乱，救护车进不来",
    ],
    OpinionCategory.SERVICE: ["活动室冬天希望开放暖气", "上门理发能否每月一次", "希望增加老年大学书法班名额"],
    OpinionCategory.ADVICE: ["建议组织老干部给中小学生讲传统", "愿意参加义务巡逻队", "建议设立老干部调解室"],
}
REPLIES = {
    Outcome.SOLVED: "已协调相关部门办理完毕，老人表示认可。",
    Outcome.EXPLAINED: "已按政策向老人当面解释说明。",
    Outcome.UNSOLVABLE: "经核实超出现行政策范围，暂无法解决。",
}
ROUTES = [RouteTo.COMMUNITY, RouteTo.PARTY_ORG, RouteTo.WORK_UNIT, RouteTo.BUREAU]


def opinions_create(demo: Demo, *, city: OrgUnit) -> str:
    """Write a year of opinions history for the demo city; return a one-line Chinese report."""
    rng = demo.rng("opinions")
    districts = list(city.children.order_by("code"))
    if len(districts) > 1:  # one district shortens the answer period: the setting shows inherited values
        AnswerDays.objects.create(org_unit=districts[1], days=10)
    units = {u.pk: u for u in OrgUnit.objects.filter(path__startswith=city.path)}
    own = dict(AnswerDays.objects.values_list("org_unit_id", "days"))
    period = {pk: _days(unit, units, own) for pk, unit in units.items()}
    contact = _contact(demo)
    opinions, steps, tasks = [], [], []
    for cadre in demo.cadres:
        for _ in range(rng.choice((0, 0, 0, 0, 1, 1, 2))):
            raised = demo.start + timedelta(days=rng.randrange(365))
            route = rng.choices(ROUTES, weights=(40, 20, 25, 15))[0]
            if route == RouteTo.WORK_UNIT and cadre.work_unit_id is None:
                route = RouteTo.BUREAU
            category = rng.choice(list(TEXTS))
            due = raised + timedelta(days=period[cadre.community_id])
            took = rng.choices(
                (rng.randint(1, 12), rng.randint(13, 15), rng.randint(16, 60)), weights=(70, 18, 12)
            )[0]
            answered_on = raised + timedelta(days=took)
            still_open = answered_on >= demo.today
            o = Opinion(
                cadre=cadre,
                community_id=cadre.community_id,
                source=rng.choices(list(OpinionSource), weights=(45, 30, 15, 10))[0],
                category=category,
                content=rng.choice(TEXTS[category]),
                route_to=route,
                work_unit_id=cadre.work_unit_id if route == RouteTo.WORK_UNIT else None,
                raised_on=raised,
                due_date=due,
                escalate_on=due,
                created_at=demo.at(raised, 9 * 60 + rng.randrange(480)),
                created_by=demo.worker(cadre),
            )
            if not still_open:
                outcome = rng.choices(list(Outcome), weights=(70, 24, 6))[0]
                o.state, o.outcome, o.reply = OpinionState.ANSWERED, outcome, REPLIES[outcome]
                o.reason = "不符合补贴发放条件" if outcome == Outcome.UNSOLVABLE else ""
                o.answered_at = demo.at(answered_on, 10 * 60 + rng.randrange(420))
                by_contact = contact and route == RouteTo.WORK_UNIT and o.work_unit_id == contact.work_unit_id
                o.answered_by = contact if by_contact else demo.worker(cadre)
                o.answer_days = took
                if rng.random() < 0.8:
                    o.satisfaction = rng.choices((5, 4, 3, 2, 1), weights=(50, 30, 12, 5, 3))[0]
                    o.rated_at = o.answered_at
            steps.append((o, _escalate(o, min(answered_on, demo.today), units, period)))
            opinions.append(o)
    Opinion.objects.bulk_create(opinions, batch_size=2000)
    rows = [Escalation(opinion=o, from_unit=f, to_unit=t, on=on) for o, path in steps for f, t, on in path]
    Escalation.objects.bulk_create(rows, batch_size=2000)
    for o in opinions:
        tasks.append(_task(o, demo.today))
    VisitTask.objects.bulk_create(tasks, batch_size=2000, ignore_conflicts=True)
    late = sum(1 for o in opinions if o.state == OpinionState.OPEN and o.due_date < demo.today)
    answered = sum(1 for o in opinions if o.state == OpinionState.ANSWERED)
    return f"意见建议 {len(opinions)} 件（已答复 {answered}，逾期未答复 {late}，升级 {len(rows)} 次）"


def _days(start: OrgUnit, units: dict[int, OrgUnit], own: dict[int, int]) -> int:
    """The answer days a unit gets, as `services.answer_days_for` reads them (without a query per unit)."""
    unit: OrgUnit | None = start
    while unit is not None:
        if unit.pk in own:
            return own[unit.pk]
        unit = units.get(unit.parent_id) if unit.parent_id else None
    return DEFAULT_ANSWER_DAYS


def _escalate(
    o: Opinion, until: date, units: dict[int, OrgUnit], period: dict[int, int]
) -> list[tuple[OrgUnit, OrgUnit, date]]:
    """The levels the daily job would have moved it through while it waited (one per period)."""
    path = []
    holder = units[o.community_id]
    while o.escalate_on < until and holder.parent_id:
        parent = units[holder.parent_id]
        on = o.escalate_on + timedelta(days=1)
        path.append((holder, parent, on))
        o.escalated_to, o.escalate_on = parent, on + timedelta(days=period[parent.pk])
        holder = parent
    return path


def _task(o: Opinion, today: date) -> VisitTask:
    pending = TaskStatus.OVERDUE if o.due_date < today else TaskStatus.OPEN
    return VisitTask(
        cadre_id=o.cadre_id,
        kind=OPINION_REPLY.code,
        rule_key=f"opinion:{o.pk}",
        occurrence="reply",
        title=OPINION_REPLY.label,
        due_date=o.due_date,
        window_start=o.raised_on,
        lunar_label=lunar_label(o.due_date),
        priority=3,
        status=TaskStatus.DONE if o.state == OpinionState.ANSWERED else pending,
        assignee_id=o.created_by_id,
        suggestion=f"#{o.pk} 转{o.get_route_to_display()}：{o.content}"[:100],
        done_at=o.answered_at,
    )


def _contact(demo: Demo) -> User | None:
    """The login of the work unit with the most demo retirees: 原单位老干部工作联系人."""
    counts = Counter(c.work_unit_id for c in demo.cadres if c.work_unit_id)
    if not counts:
        return None
    work_unit_id = counts.most_common(1)[0][0]
    unit = WorkUnit.objects.get(pk=work_unit_id)
    return User.objects.create(
        username=WORK_UNIT_LOGIN,
        password=make_password(DEMO_PASSWORD),
        role=Role.WORK_UNIT,
        work_unit=unit,
        last_name=(unit.contact_person or "刘")[0],
        first_name=(unit.contact_person or "刘明")[1:],
    )
