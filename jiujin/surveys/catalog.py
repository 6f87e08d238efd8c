"""The two ready-made questionnaires and the report paragraph the needs survey fills in.

The needs survey (老干部需求摸底调查) asks what lies behind the blank percentages of the district's analysis
("___的老干部希望参加各类知识的学习；近___的老干部表示最担心的问题是……"); `NEEDS_PARAGRAPH` says which answers
fill each blank, so the paragraph is written back with real numbers. Question codes are stable: Excel
columns, the paragraph and the satisfaction metric find questions by them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    kind: str  # a QuestionKind value
    text: str
    choices: tuple[str, ...] = ()
    required: bool = True
    show_if: str = ""  # the code of the question this one depends on (skip logic)
    show_if_choices: tuple[int, ...] = ()
    min_value: int | None = None
    max_value: int | None = None


@dataclass(frozen=True)
class Blank:
    """One blank of the paragraph: the share of respondents to `question` who chose any of `choices`."""

    question: str
    choices: tuple[int, ...]


@dataclass(frozen=True)
class TemplateSpec:
    code: str  # a SurveyTemplate value
    title: str
    description: str
    questions: tuple[QuestionSpec, ...]
    # Needs found: a chosen option of `needs_question` may become an item of the cadre's service plan.
    needs_question: str = ""
    blanks: dict[str, Blank] = field(default_factory=dict)


NEEDS = TemplateSpec(
    code="needs",
    title="老干部需求摸底调查",
    description="了解老干部生活、学习、医疗、心理等方面的需求，为制定个性化服务方案提供依据。",
    questions=(
        QuestionSpec("learning", "single", "您是否希望参加各类知识的学习？", ("希望", "不希望", "说不清")),
        QuestionSpec(
            "worries",
            "multiple",
            "您最担心的问题是什么？（可多选）",
            ("生活中无所事事", "生病住院", "生活孤独", "经济困难", "子女问题", "没有担心的"),
        ),
        QuestionSpec(
            "pastime",
            "multiple",
            "离退休后您的主要精力用于？（可多选）",
            ("家务", "打麻将、打牌", "读书学习", "文体活动", "照看孙辈", "志愿服务", "其他"),
        ),
        QuestionSpec(
            "culture",
            "single",
            "您对自己的精神文化生活是否满意？",
            ("非常满意", "满意", "一般", "不满意"),
        ),
        QuestionSpec(
            "role",
            "single",
            "您认为自己的作用是否得到了发挥？",
            ("得到充分发挥", "部分发挥", "尚未得到充分发挥"),
        ),
        QuestionSpec(
            "contribute",
            "single",
            "您是否愿意继续有所作为，发挥余热？",
            ("愿意", "视身体情况而定", "不愿意"),
        ),
        QuestionSpec(
            "care",
            "single",
            "日常生活中有人照料吗？",
            ("有人照料", "偶尔有人照料", "少有人照料"),
        ),
        QuestionSpec(
            "wellbeing",
            "single",
            "您的身体和心情怎么样？",
            ("身体健康，心情愉快", "身体一般，心情尚好", "身体较差", "心情不好"),
        ),
        QuestionSpec(
            "living",
            "single",
            "您的居住情况是？",
            ("与子女同住", "与配偶同住", "独居", "住养老机构"),
        ),
        QuestionSpec(
            "alone_help",
            "single",
            "独居时遇到困难，您首先找谁？",
            ("子女亲属", "邻居", "社区工作人员", "原单位", "没有人可找"),
            show_if="living",
            show_if_choices=(2,),
        ),
        QuestionSpec(
            "hospital",
            "single",
            "身体不适时，您认为最好的就诊方式是？",
            ("到离家较近的医院", "到原单位指定医院", "请医生上门巡诊", "其他"),
        ),
        QuestionSpec(
            "needs",
            "multiple",
            "您最需要社区提供哪些服务？（可多选）",
            ("上门巡诊", "家政保洁", "上门理发", "助餐送餐", "代购代办", "心理慰藉", "法律咨询", "学习活动"),
            required=False,
        ),
        QuestionSpec("remarks", "text", "您对社区老干部工作还有什么意见和建议？", required=False),
    ),
    needs_question="needs",
    blanks={
        "learning": Blank("learning", (0,)),
        "worries": Blank("worries", (0, 1, 2)),
        "pastime": Blank("pastime", (0, 1)),
        "culture": Blank("culture", (0, 1)),
        "role": Blank("role", (2,)),
        "contribute": Blank("contribute", (0,)),
        "care": Blank("care", (2,)),
        "wellbeing": Blank("wellbeing", (0,)),
        "with_children": Blank("living", (0,)),
        "alone": Blank("living", (2,)),
        "hospital": Blank("hospital", (0,)),
    },
)

# The district's sentence with its blanks named; `{unit}` is the unit's name (全区/全街道/本社区 …), each
# other name a share in % with one decimal. The results app fills it from `NEEDS.blanks`.
NEEDS_PARAGRAPH = (
    "{unit}离退休干部中，{learning}的老干部希望参加各类知识的学习；{worries}的老干部表示最担心的问题是"
    "生活中无所事事、生病住院、生活孤独；{pastime}的老干部离退休之后主要精力用于家务和打麻将；"
    "对精神文化生活表示满意的占{culture}。{role}的老干部认为其作用尚未得到充分发挥；{contribute}的老干部"
    "表示愿继续有所作为，实现自身的价值；处于日常生活少有人照料状态的占{care}；{wellbeing}的表示"
    "“身体健康，心情愉快”；在居住方面，与子女同住的占{with_children}，独居的占{alone}。{hospital}的老干部"
    "认为在身体不适时，最好的就诊方式是到离家较近的医院。（共{n}人作答，回收率{response_rate}）"
)

SATISFACTION = TemplateSpec(
    code="satisfaction",
    title="社区为老服务满意度测评",
    description="请老干部对社区为老服务作出评价，结果用于改进工作和年度考评。",
    questions=(
        QuestionSpec(
            "overall",
            "single",
            "总体上，您对社区为老服务是否满意？",
            ("非常满意", "满意", "基本满意", "不满意", "很不满意"),
        ),
        QuestionSpec("visits", "scale", "走访慰问（1分最差，5分最好）", min_value=1, max_value=5),
        QuestionSpec("home_services", "scale", "上门服务（保洁、理发、巡诊等）", min_value=1, max_value=5),
        QuestionSpec("activities", "scale", "学习和文体活动", min_value=1, max_value=5),
        QuestionSpec("medical", "scale", "就医帮助", min_value=1, max_value=5),
        QuestionSpec("staff", "scale", "社区工作人员的态度", min_value=1, max_value=5),
        QuestionSpec("knows_contact", "single", "您知道社区联系人的电话吗？", ("知道", "不知道")),
        QuestionSpec("suggestions", "text", "您对社区为老服务的意见和建议", required=False),
    ),
    blanks={"satisfied": Blank("overall", (0, 1))},
)

# The satisfaction metric of the assessment: the share of SATISFIED_CHOICES among answers to this question.
SATISFACTION_QUESTION = "overall"
SATISFIED_CHOICES = (0, 1)

TEMPLATES: dict[str, TemplateSpec] = {NEEDS.code: NEEDS, SATISFACTION.code: SATISFACTION}
