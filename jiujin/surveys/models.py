"""Questionnaires (问卷调查): a unit runs a survey over a period for an audience; workers fill it in.

A survey's questions may be edited while it is a draft; once started they are frozen (a change makes a new
version: a copy with `previous` pointing back). Starting fixes the audience as `SurveyTarget` rows (the
sample is drawn once), which are the denominator of the response rate. One `Response` per cadre per survey:
a second one replaces the answers and keeps the old ones in `ResponseRevision`.

Answers are rows (`Answer`), one per chosen option of a multiple choice, so results are grouped counts
over an index rather than a parse of every response. `Answer.survey` and `Answer.community` copy the
response's, and the respondent's category, living arrangement and age are copied onto the response when
it is recorded (a survey speaks for the day it was answered): the breakdowns read no cadre rows.

`AnswerTally` keeps, per survey, community and question, the counts the unfiltered results add up (a city's
100,000 responses are ~1.4M answer rows but a few tens of thousands of tally rows); every write of answers
recounts the tallies of the communities it touched (`tallies.tallies_refresh`), in the same transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from jiujin.core.access import is_volunteer, is_work_unit, staff_community_ids

if TYPE_CHECKING:
    from jiujin.accounts.models import User


class QuestionKind(models.TextChoices):
    SINGLE = "single", "单选"
    MULTIPLE = "multiple", "多选"
    SCALE = "scale", "1–5分"
    NUMBER = "number", "数字"
    TEXT = "text", "简答"


class SurveyTemplate(models.TextChoices):
    """The ready-made questionnaires of `catalog.py`; "" is a survey built by hand."""

    NEEDS = "needs", "老干部需求摸底调查"
    SATISFACTION = "satisfaction", "社区为老服务满意度测评"


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    RUNNING = "running", "进行中"
    CLOSED = "closed", "已结束"


class SurveyAudience(models.TextChoices):
    ALL = "all", "范围内全部在册老干部"
    CATEGORY = "category", "按类别"  # audience_value: a cadres.Category value (离休/退休)
    LIVING = "living", "按居住情况"  # audience_value: a cadres.LivingArrangement value
    GROUP = "group", "按分组"  # audience_value: "<CadreGroup code>:<value>" (registry.cadre_group)
    SAMPLE = "sample", "抽样"  # sample_size cadres drawn from the unit's cadres with sample_seed


class ResponseSource(models.TextChoices):
    VISIT = "visit", "走访时填写"
    WEB = "web", "网页录入"
    EXCEL = "excel", "Excel导入"
    API = "api", "接口"


class SurveyQuerySet(models.QuerySet["Survey"]):
    def for_user(self, user: User) -> SurveyQuerySet:
        """Surveys a staff user may see: those run by a unit of their subtree (they may run them) and those
        run above them (a district's survey is filled in by its communities' workers)."""
        if not user.is_authenticated or is_volunteer(user) or is_work_unit(user):
            return self.none()
        if user.sees_everything:
            return self.all()
        if user.org_unit_id is None:
            return self.none()
        path = user.org_unit.path  # type: ignore[union-attr]
        chain = user.org_unit.chain_paths()  # type: ignore[union-attr]
        return self.filter(Q(org_unit__path__startswith=path) | Q(org_unit__path__in=chain))

    def managed_by(self, user: User) -> SurveyQuerySet:
        """Surveys this user may build, start, close and import into: run by a unit of their own subtree."""
        if not user.can("manage_cadres"):
            return self.none()
        if user.sees_everything:
            return self.all()
        if user.org_unit_id is None or is_volunteer(user) or is_work_unit(user):
            return self.none()
        return self.filter(org_unit__path__startswith=user.org_unit.path)  # type: ignore[union-attr]


class Survey(models.Model):
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="组织单位", on_delete=models.PROTECT, related_name="surveys"
    )
    title = models.CharField("标题", max_length=100)
    template = models.CharField("模板", max_length=16, choices=SurveyTemplate.choices, blank=True)
    description = models.TextField("说明", blank=True)
    starts_on = models.DateField("开始日期", null=True, blank=True)
    ends_on = models.DateField("结束日期", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    audience = models.CharField(
        "调查对象", max_length=10, choices=SurveyAudience.choices, default=SurveyAudience.ALL
    )
    audience_value = models.CharField("对象条件", max_length=60, blank=True)
    sample_size = models.PositiveIntegerField("抽样人数", null=True, blank=True)
    sample_seed = models.PositiveIntegerField("抽样种子", default=0)
    version = models.PositiveSmallIntegerField("版本", default=1)
    previous = models.ForeignKey(
        "self", verbose_name="上一版本", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = "问卷调查"
        verbose_name_plural = "问卷调查"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def frozen(self) -> bool:
        """Questions of a started survey never change: answers already given refer to them."""
        return self.status != SurveyStatus.DRAFT

    @property
    def task_rule_key(self) -> str:
        """The `rule_key` of the survey's tasks on the agenda (one per target)."""
        return f"survey:{self.pk}"


class Question(models.Model):
    survey = models.ForeignKey(
        Survey, verbose_name="问卷", on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField("序号")
    # A short key, unique in the survey: the paragraph and the Excel columns find template questions by it.
    code = models.SlugField("代码", max_length=30)
    kind = models.CharField("题型", max_length=10, choices=QuestionKind.choices)
    text = models.CharField("题目", max_length=200)
    choices = models.JSONField("选项", default=list, blank=True)  # list[str]; answers store the index
    required = models.BooleanField("必答", default=True)
    # Skip logic: ask this question only when `show_if` was answered with one of `show_if_choices` (indexes).
    show_if = models.ForeignKey(
        "self", verbose_name="前提题目", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    show_if_choices = models.JSONField("前提选项", default=list, blank=True)
    min_value = models.IntegerField("最小值", null=True, blank=True)
    max_value = models.IntegerField("最大值", null=True, blank=True)

    class Meta:
        verbose_name = "题目"
        verbose_name_plural = "题目"
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_position_unique"),
            models.UniqueConstraint(fields=["survey", "code"], name="question_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    @property
    def has_choices(self) -> bool:
        return self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)

    def shown(self, chosen: dict[int, set[int]]) -> bool:
        """Whether skip logic asks this question, given the chosen options so far ({question id: indexes})."""
        if self.show_if_id is None:
            return True
        return bool(chosen.get(self.show_if_id, set()) & set(self.show_if_choices))


class SurveyTarget(models.Model):
    """A cadre the survey asks, fixed when it starts (the response rate's denominator). The cadre's category,
    living arrangement and birth date are copied as they were then, so a filtered response rate reads no
    cadre rows."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="targets")
    cadre = models.ForeignKey("cadres.Cadre", on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    category = models.CharField("类别", max_length=10, blank=True)
    living_arrangement = models.CharField("居住情况", max_length=16, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)

    # The cadre fields a target copies, for `values_list(*SurveyTarget.COPIED)` over cadres.
    COPIED = ("pk", "community_id", "category", "living_arrangement", "birth_date")

    class Meta:
        verbose_name = "调查对象"
        verbose_name_plural = "调查对象"
        constraints = [models.UniqueConstraint(fields=["survey", "cadre"], name="survey_target_unique")]
        indexes = [models.Index(fields=["survey", "community"], name="survey_target_community")]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.cadre_id}"

    @classmethod
    def of(cls, survey: Survey, row: tuple) -> SurveyTarget:
        """A target from a cadre's `COPIED` values."""
        cadre_id, community_id, category, living, birth_date = row[:5]
        return cls(
            survey=survey,
            cadre_id=cadre_id,
            community_id=community_id,
            category=category,
            living_arrangement=living,
            birth_date=birth_date,
        )


class ResponseQuerySet(models.QuerySet["Response"]):
    def for_user(self, user: User) -> ResponseQuerySet:
        """The responses of the cadres this user reaches (by the community copied onto the response)."""
        ids = staff_community_ids(user)
        if ids is None:
            return self.all()
        return self.filter(community_id__in=ids) if ids else self.none()


class Response(models.Model):
    survey = models.ForeignKey(
        Survey, verbose_name="问卷", on_delete=models.PROTECT, related_name="responses"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="社区", on_delete=models.PROTECT, related_name="+"
    )
    # The respondent as they were when answering (see the module docstring).
    category = models.CharField("类别", max_length=10)
    living_arrangement = models.CharField("居住情况", max_length=16, blank=True)
    age = models.PositiveSmallIntegerField("年龄")
    source = models.CharField(
        "来源", max_length=8, choices=ResponseSource.choices, default=ResponseSource.WEB
    )
    visit_record = models.ForeignKey(
        "tasks.VisitRecord",
        verbose_name="走访记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    answered_on = models.DateField("填写日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = "问卷答卷"
        verbose_name_plural = "问卷答卷"
        constraints = [models.UniqueConstraint(fields=["survey", "cadre"], name="survey_response_unique")]
        indexes = [models.Index(fields=["survey", "community"], name="survey_response_community")]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.cadre_id}"


class Answer(models.Model):
    """One answer: `choice` for single/multiple (one row per chosen option), `number` for scale/number,
    `text` for short text. Unanswered optional or skipped questions have no row."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    community = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    choice = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    text = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "答案"
        verbose_name_plural = "答案"
        # With the response: a paragraph's "any of these options" counts respondents from the index alone.
        indexes = [
            models.Index(
                fields=["survey", "question", "choice", "community"],
                include=["response"],
                name="answer_count",
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}:{self.choice if self.choice is not None else self.number or self.text}"


class ResponseRevision(models.Model):
    """The answers a replaced response had, kept when a second response for the same cadre updates it."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="revisions")
    answers = models.JSONField("原答案")  # {question code: value as the API takes it}
    answered_on = models.DateField("原填写日期")
    source = models.CharField("原来源", max_length=8, choices=ResponseSource.choices)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replaced_at = models.DateTimeField("修改时间", auto_now_add=True)

    class Meta:
        verbose_name = "答卷修改记录"
        verbose_name_plural = "答卷修改记录"
        ordering = ["-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.response_id}@{self.replaced_at:%Y-%m-%d}"


class AnswerTally(models.Model):
    """Counts of one community's answers to one question, recounted whenever they change.

    `option` is a chosen option's index (single/multiple) or a scale's points, counted in `answers`; the row
    with option TOTAL holds the question's respondents in `answers` and the sum/count of numbers (scale and
    number questions) for the mean."""

    TOTAL = -1

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    option = models.SmallIntegerField()
    answers = models.PositiveIntegerField(default=0)
    number_sum = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    number_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "答案计数"
        verbose_name_plural = "答案计数"
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "community", "question", "option"], name="answer_tally_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.community_id}:{self.question_id}:{self.option}={self.answers}"
