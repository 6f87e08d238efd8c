"""The words of the 汇报材料 around the figures: how each figure reads in a sentence, how values are written,
the period's name, and the problems and next steps the figures suggest.

Every number comes from `dashboards.selectors` (`Figures`, `figure_value`): the text only words it. A phrase
whose number is 0 or absent is left out, so a report never says "举办健康讲座0次". A figure registered without
a phrase here still appears, in a plain "label + number" phrase: a new figure is reported without touching
this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from jiujin.core.registry import SummaryFigure, summary_figure
from jiujin.dashboards.selectors import Figures, figure_value
from jiujin.lib.dates import format_cn_date
from jiujin.orgs.models import OrgLevel, OrgUnit

# How a figure reads in the report's sentences: {n} the count with its unit, {pct} its share, {ratio} its
# ratio, {b} its breakdown ("离休1人、退休875人"). None: not worded (counted only in the appendix).
PHRASES: dict[str, str | None] = {
    "cadres": "现有离退休干部{n}",
    "cadres_category": "按类别，{b}",
    "cadres_rank": "按职级，{b}",
    "cadres_age": "按年龄段，{b}",
    "cadres_living": "按居住情况，{b}",
    "cadres_health": "按健康状况，{b}",
    "cadres_party": "中共党员{n}",
    "cadres_complete": "“四个必须知道”信息齐全{n}，占{pct}",
    "cadres_new": "本期新增{n}",
    "cadres_deceased": "去世{n}",
    "cards_printed": "印制爱心服务卡{n}",
    "visits_due": "应走访{n}（{b}）",
    "visits_done": "已走访{n}，走访率{pct}",
    "visits_on_time": "其中按时走访{n}，按时率{pct}",
    "visits_overdue": "逾期未访{n}",
    "visit_records": "共登记走访记录{n}",
    "gifts": "送去慰问品{n}",
    "gifts_money": "发放慰问金{n}",
    "requests": "受理服务工单{n}（{b}）",
    "requests_counted": None,
    "requests_on_time": "按时办结{n}，按时办结率{pct}",
    "requests_rated": "老干部评价{n}",
    "requests_points": "满意度平均{ratio}分（5分制）",
    "requests_satisfied": "评价满意{n}，满意率{pct}",
    "pairings": "结成“一助一”服务对子{n}",
    "pairing_targets": "独居、空巢老干部{n}",
    "pairing_covered": "已结对{n}，结对率{pct}",
    "volunteer_contacts": "志愿者联系老干部{n}",
    "health_lectures": "举办健康讲座{n}",
    "checkups": "组织义诊和体检{n}",
    "health_records": "更新健康档案{n}",
    "events": "组织学习和文体活动{n}（{b}）",
    "attendances": "老干部参加{n}",
    "talents": "银发人才库入库{n}",
    "service_minutes": "老干部志愿服务{n}",
    "service_hours": "老干部志愿服务{n}",
    "donations_fen": "捐款{n}",
    "suggestions": "献计献策{n}",
    "stories": "涌现先进典型{n}",
    "opinions": "收到意见建议{n}（{b}）",
    "opinions_closed": "已办结{n}，办结率{pct}",
    "opinions_overdue": "逾期未办结{n}",
    "survey_responses": "回收问卷{n}",
    "at_risk": "高风险和重点关爱对象{n}",
    "at_risk_contacted_on_time": "按关爱等级规定周期联系{n}，按时联系率{pct}",
    "risk_level": "按关爱等级，{b}",
}
# The opening of a section's paragraph, by a word of its title (the register of the seed's reports).
LEADS = [
    ("走访", "坚持“五必访”，每逢重大节日、生日和住院，组织社区干部上门走访慰问，带去党和政府的关心。"),
    ("工单", "畅通服务渠道，老干部有困难一个电话，工作人员就上门服务。"),
    ("一助一", "为独居、空巢和身体较弱的老干部安排“一助一”服务对子，时时关心照顾。"),
    ("健康", "关注老干部身体健康，开展健康知识讲座和免费体检。"),
    ("学习", "组织老干部就近学习、就近活动，丰富老干部的精神文化生活。"),
    ("作用", "搭建社区平台，老干部就近发挥作用，为社区建设献计献策。"),
    ("意见", "认真听取老干部的意见建议，做到件件有落实、事事有回音。"),
    ("问卷", "开展问卷调查，掌握老干部的所思所想。"),
    ("双高", "关注进入“双高期”的老干部，按关爱等级定期联系，做到底数清、情况明。"),
]
ORDINALS = "一二三四五六七八九十"
UNIT_WORDS = {
    OrgLevel.COMMUNITY: "本社区",
    OrgLevel.STREET: "本街道",
    OrgLevel.DISTRICT: "全区",
    OrgLevel.CITY: "全市",
}


def ordinal(n: int) -> str:
    """1 → 一 … 10 → 十, 11 → 十一 (a report has a dozen headings at most)."""
    if n <= 10:
        return ORDINALS[n - 1]
    return "十" + ORDINALS[n - 11] if n < 20 else str(n)


def percent_text(value: float | None) -> str:
    """A share in % with one decimal, rounded half up like every share in Jiujin; "—" without a whole."""
    if value is None:
        return "—"
    return f"{Decimal(repr(value)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def ratio_text(value: float | None) -> str:
    if value is None:
        return "—"
    return str(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def count_text(figure: SummaryFigure | None, count: int) -> str:
    """A count with its unit; money kept in 分 reads in 元, minutes of service in hours."""
    code = figure.code if figure else ""
    unit = figure.unit_label if figure else ""
    if code.endswith("_fen"):
        return f"{Decimal(count) / 100:,.2f}元"
    if code.endswith("_minutes"):
        return f"{Decimal(count) / 60:.1f}小时"
    if unit and unit.startswith(("（", "(")):  # the unit is in the label already ("慰问金（元）")
        unit = ""
    return f"{count}{unit}"


def figure_label(figure: SummaryFigure) -> str:
    """The label as the value reads: money kept in 分 is written in 元, minutes of service in hours."""
    return figure.label.replace("（分钟）", "（小时）").replace("（分）", "（元）")


def value_text(figure: SummaryFigure, figures: Figures) -> str:
    """A figure's value as the dashboard shows it: a count, a count with its share, or a ratio."""
    if figure.ratio:
        return ratio_text(figure_value(figure.code, figures))
    text = count_text(figure, figures.get(figure.code))
    if figure.of:
        share = figure_value(figure.code, figures)
        if share is not None:
            text += f"（{percent_text(share)}）"
    return text


def breakdown_text(figure: SummaryFigure, figures: Figures) -> str:
    entries = [(label, n) for _key, label, n in figures.breakdown(figure) if n]
    return "、".join(f"{label}{count_text(figure, n)}" for label, n in entries)


def phrase(figure: SummaryFigure, figures: Figures) -> str:
    """The figure in a sentence, or "" when there is nothing to say (zero, no share, no breakdown)."""
    template = PHRASES.get(
        figure.code, "{label}{n}，占{pct}" if figure.of and not figure.ratio else "{label}{n}"
    )
    if template is None:
        return ""
    count = figures.get(figure.code)
    b = breakdown_text(figure, figures) if figure.breakdown else ""
    if "{b}" in template and not b:
        if "{n}" not in template:
            return ""
        template = template.replace("（{b}）", "").replace("{b}", "")
    if "{n}" in template and not count:
        return ""
    share = figure_value(figure.code, figures) if figure.of else None
    if ("{pct}" in template or "{ratio}" in template) and share is None:
        if figure.ratio:
            return ""
        template = template.split("，", 1)[0]  # the count without its share
    return template.format(
        label=figure.label,
        n=count_text(figure, count),
        pct=percent_text(share),
        ratio=ratio_text(share),
        b=b,
    )


def section_lead(section: str) -> str:
    return next((lead for word, lead in LEADS if word in section), "")


def period_label(start: date, end: date) -> str:
    """ "2026年", "2026年上半年", "2026年第三季度", "2026年9月", else the dates."""
    y = start.year
    next_day = end + timedelta(days=1)
    if start.day == 1 and next_day.day == 1 and y == end.year:
        months = (end.month - start.month) + 1
        if months == 12:
            return f"{y}年"
        if months == 6 and start.month in (1, 7):
            return f"{y}年{'上' if start.month == 1 else '下'}半年"
        if months == 3 and start.month in (1, 4, 7, 10):
            return f"{y}年第{ordinal((start.month - 1) // 3 + 1)}季度"
        if months == 1:
            return f"{y}年{start.month}月"
    return f"{format_cn_date(start)}至{format_cn_date(end)}"


def scope_words(unit: OrgUnit, communities: int) -> str:
    """ "本社区", "本街道所辖3个社区", "全区25个社区"."""
    word = UNIT_WORDS.get(OrgLevel(unit.level), unit.name)
    if unit.level == OrgLevel.COMMUNITY:
        return word
    return f"{word}所辖{communities}个社区" if unit.level == OrgLevel.STREET else f"{word}{communities}个社区"


@dataclass(frozen=True)
class Suggestions:
    problems: list[str]
    plans: list[str]


def _get(code: str, figures: Figures) -> tuple[int, float | None]:
    """A figure's count and share, (0, None) when it is not registered."""
    if summary_figure(code) is None:
        return 0, None
    return figures.get(code), figure_value(code, figures)


def _n(code: str, count: int) -> str:
    """A count with its figure's unit ("16次")."""
    return count_text(summary_figure(code), count)


def suggestions(figures: Figures) -> Suggestions:
    """存在的问题 and 下一步打算 as the figures suggest them: overdue visits, late requests, low satisfaction,
    at-risk cadres not contacted in time, lonely cadres without a pair, incomplete must-knows, open opinions."""
    problems: list[str] = []
    plans: list[str] = []
    overdue, _ = _get("visits_overdue", figures)
    if overdue:
        problems.append(f"走访计划执行还不够及时，本期仍有{_n('visits_overdue', overdue)}走访逾期未完成。")
        plans.append(
            f"对逾期未访的{_n('visits_overdue', overdue)}走访逐一补访，按“五必访”要求把走访计划落到实处。"
        )
    _, on_time = _get("requests_on_time", figures)
    if on_time is not None and on_time < 90:
        problems.append(f"服务工单按时办结率为{percent_text(on_time)}，部分工单办理还不够及时。")
        plans.append("加强服务工单的跟踪督办，提高按时办结率。")
    _, rating = _get("requests_points", figures)
    if rating is not None and rating < 4:
        problems.append(f"老干部对服务的满意度平均为{ratio_text(rating)}分（5分制），服务质量有待提高。")
        plans.append("对评价不满意的工单逐件回访，找准问题，改进服务。")
    at_risk, _ = _get("at_risk", figures)
    contacted, _ = _get("at_risk_contacted_on_time", figures)
    if at_risk > contacted:
        missing = at_risk - contacted
        problems.append(f"高风险和重点关爱的老干部中，有{missing}人未在规定周期内得到联系。")
        plans.append(f"对未按时联系的{missing}名高风险和重点老干部立即上门或电话联系，做到应联尽联。")
    targets, _ = _get("pairing_targets", figures)
    covered, _ = _get("pairing_covered", figures)
    if targets > covered:
        problems.append(f"独居、空巢老干部中还有{targets - covered}人尚未结成“一助一”对子。")
        plans.append(f"为尚未结对的{targets - covered}名独居、空巢老干部落实“一助一”服务对子。")
    cadres, _ = _get("cadres", figures)
    complete, _ = _get("cadres_complete", figures)
    if summary_figure("cadres_complete") is not None and cadres > complete:
        problems.append(f"有{cadres - complete}名老干部的“四个必须知道”信息尚不齐全。")
        plans.append("结合走访补齐老干部的住址、家庭、健康、爱好和生活习惯等信息。")
    open_opinions, _ = _get("opinions_overdue", figures)
    if open_opinions:
        problems.append(f"老干部提出的意见建议中有{_n('opinions_overdue', open_opinions)}逾期未办结。")
        plans.append("对逾期未办结的意见建议逐件督办，及时向老干部反馈办理结果。")
    if not problems:
        problems.append("对照上级要求，老干部服务的精细化水平还有一定差距。")
    plans.append(
        "在今后的工作中，我们将进一步做好老干部工作，让老干部就近学习、就近活动、就近得到关心照顾、就近发挥作用。"
    )
    return Suggestions(problems, plans)
