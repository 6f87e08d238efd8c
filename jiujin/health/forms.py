"""Forms of the health pages; the API binds the same forms, so both accept and reject the same input."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from jiujin.cadres.models import Cadre
from jiujin.orgs.models import OrgLevel, OrgUnit

from .models import (
    CampaignKind,
    CheckUp,
    Condition,
    HealthCampaign,
    HealthProfile,
    HospitalStay,
    MedicalRoundSchedule,
    Medication,
)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _number(step: str = "1") -> forms.NumberInput:
    return forms.NumberInput(attrs={"inputmode": "decimal", "step": step, "min": "0"})


class HealthForm(forms.ModelForm):
    """Shared by every health form: knows today, refuses dates in the future where they must be past."""

    PAST_DATES: tuple[str, ...] = ()
    TODAY_INITIAL: tuple[str, ...] = ()  # dates a new row starts at today
    CREATE_OPTIONS: tuple[str, ...] = ()  # form-only fields passed to the create service

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        if not self.instance.pk:
            for name in self.TODAY_INITIAL:
                self.fields[name].initial = self.today

    def create_options(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.CREATE_OPTIONS}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        for name in self.PAST_DATES:
            value = data.get(name)
            if value and value > self.today:
                self.add_error(name, f"{self.fields[name].label}不能晚于今天")
        return data


class HealthProfileForm(HealthForm):
    class Meta:
        model = HealthProfile
        fields = [
            "blood_type",
            "allergies",
            "care_level",
            "nursing_grade",
            "disability",
            "family_doctor",
            "health_station",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class CheckUpForm(HealthForm):
    PAST_DATES = TODAY_INITIAL = ("date",)

    class Meta:
        model = CheckUp
        fields = ["date", "place", "systolic", "diastolic", "blood_sugar", "heart_rate", "weight", "results"]
        widgets = {
            "date": _date_input(),
            "systolic": _number(),
            "diastolic": _number(),
            "blood_sugar": _number("0.1"),
            "heart_rate": _number(),
            "weight": _number("0.1"),
            "results": forms.Textarea(attrs={"rows": 3}),
        }

    RANGES = {
        "systolic": (50, 300),
        "diastolic": (30, 200),
        "blood_sugar": (1, 40),
        "heart_rate": (20, 250),
        "weight": (20, 200),
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        for name, (low, high) in self.RANGES.items():
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(name, f"{self.fields[name].label}应在 {low}～{high} 之间")
        systolic, diastolic = data.get("systolic"), data.get("diastolic")
        if (systolic is None) != (diastolic is None):
            self.add_error("diastolic" if systolic else "systolic", "血压请同时填写收缩压和舒张压")
        elif systolic and diastolic and diastolic >= systolic:
            self.add_error("diastolic", "舒张压应低于收缩压")
        return data


class ConditionForm(HealthForm):
    PAST_DATES = ("diagnosed_on",)

    class Meta:
        model = Condition
        fields = ["name", "diagnosed_on", "active", "notes"]
        widgets = {"diagnosed_on": _date_input()}


class MedicationForm(HealthForm):
    class Meta:
        model = Medication
        fields = ["name", "dose", "frequency", "active", "notes"]


class HospitalStayForm(HealthForm):
    PAST_DATES = ("admitted_on", "discharged_on")
    TODAY_INITIAL = ("admitted_on",)
    CREATE_OPTIONS = ("history",)

    history = forms.BooleanField(
        label="补录以往住院（不生成住院探视任务）",
        required=False,
        help_text="正在住院或刚出院时请勿勾选：系统会登记“住院”事件并生成限期探视任务",
    )

    class Meta:
        model = HospitalStay
        fields = ["hospital", "ward", "admitted_on", "discharged_on", "diagnosis", "notes"]
        widgets = {"admitted_on": _date_input(), "discharged_on": _date_input()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["history"]  # the event is decided once, when the stay is recorded

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        admitted, discharged = data.get("admitted_on"), data.get("discharged_on")
        if admitted and discharged and discharged < admitted:
            self.add_error("discharged_on", "出院日期不能早于入院日期")
        return data


class MedicalRoundForm(HealthForm):
    TODAY_INITIAL = ("next_date",)

    class Meta:
        model = MedicalRoundSchedule
        fields = ["every", "unit", "provider", "next_date", "active", "notes"]
        widgets = {
            "every": forms.NumberInput(attrs={"inputmode": "numeric", "min": "1", "max": "52"}),
            "unit": forms.RadioSelect,
            "next_date": _date_input(),
        }
        help_texts = {"provider": "如：东湖社区卫生服务站 李医生"}

    def clean_every(self) -> int:
        every = self.cleaned_data["every"]
        if not 1 <= every <= 365:
            raise forms.ValidationError("间隔应在 1～365 之间")
        return every


class HealthCampaignForm(forms.ModelForm):
    """Attendees are cadres in the user's scope; the held-by unit is a community or street the user sees."""

    attendees = forms.ModelMultipleChoiceField(
        label="参加的老干部", queryset=Cadre.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )

    class Meta:
        model = HealthCampaign
        fields = ["kind", "title", "date", "org_unit", "place", "headcount", "notes"]
        widgets = {
            "kind": forms.RadioSelect,
            "date": _date_input(),
            "headcount": forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
        }

    def __init__(self, *args: Any, user: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        units = OrgUnit.objects.for_user(user).filter(level__in=[OrgLevel.COMMUNITY, OrgLevel.STREET])
        org_unit = self.fields["org_unit"]
        org_unit.queryset = units  # type: ignore[attr-defined]
        org_unit.empty_label = None  # type: ignore[attr-defined]
        self.fields["attendees"].queryset = Cadre.objects.for_user(user)  # type: ignore[attr-defined]
        self.fields["kind"].choices = CampaignKind.choices  # type: ignore[attr-defined]  # no "---------" radio
        self.fields["headcount"].required = False
        self.fields["headcount"].help_text = "含居民等非老干部；不填则按参加的老干部人数计"
        if not self.instance.pk:
            self.fields["date"].initial = self.today
            self.fields["kind"].initial = CampaignKind.LECTURE
            self.initial["headcount"] = None  # empty, not the model's 0: empty counts the cadres picked
            if user.org_unit_id and units.filter(pk=user.org_unit_id).exists():
                org_unit.initial = user.org_unit_id

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        picked = len(data.get("attendees") or [])
        headcount = data.get("headcount")
        if headcount is None:
            # Set on the instance too: a ModelForm leaves a field with a default alone when it was not sent.
            data["headcount"] = self.instance.headcount = picked
        elif headcount < picked:
            self.add_error("headcount", f"参加总人数不能少于参加的老干部人数（{picked}人）")
        return data
