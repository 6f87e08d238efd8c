"""The plan form and its services formset: used by the page and, through `bind_plan`, by the API."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms

from jiujin.accounts.models import Role, User
from jiujin.cadres.models import Cadre
from jiujin.volunteers.models import Volunteer

from .models import FrequencyUnit, PlanService, ServicePlan
from .services import ItemValues

NEED_TAGS = [
    "生活照料",
    "助餐",
    "助洁",
    "助浴",
    "助医陪诊",
    "上门理发",
    "家电维修",
    "代购代办",
    "精神慰藉",
    "康复护理",
]
_SPLIT = re.compile(r"[、,，;；\s]+")


def responsible_people(cadre: Cadre) -> tuple[list[User], list[Volunteer]]:
    """Who may take a service: the community's workers (and the cadre's own worker), its active volunteers."""
    workers = list(
        User.objects.filter(is_active=True, role=Role.COMMUNITY, org_unit_id=cadre.community_id).order_by(
            "username"
        )
    )
    if cadre.responsible_worker and cadre.responsible_worker not in workers:
        workers.append(cadre.responsible_worker)
    volunteers = list(Volunteer.objects.filter(community_id=cadre.community_id, active=True).order_by("name"))
    return workers, volunteers


class PlanForm(forms.Form):
    needs = forms.CharField(label="需求情况", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    need_tags = forms.MultipleChoiceField(
        label="需求标签",
        required=False,
        choices=[(t, t) for t in NEED_TAGS],
        widget=forms.CheckboxSelectMultiple,
    )
    other_tags = forms.CharField(label="其他需求标签", required=False, help_text="多个用顿号分开")
    review_date = forms.DateField(
        label="下次复核日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    @classmethod
    def initial_for(cls, plan: ServicePlan | None) -> dict[str, Any]:
        if plan is None:
            return {}
        tags = list(plan.need_tags)
        return {
            "needs": plan.needs,
            "need_tags": [t for t in tags if t in NEED_TAGS],
            "other_tags": "、".join(t for t in tags if t not in NEED_TAGS),
            "review_date": plan.review_date,
        }

    def tags(self) -> list[str]:
        others = [t for t in _SPLIT.split(self.cleaned_data["other_tags"]) if t]
        return list(dict.fromkeys([*self.cleaned_data["need_tags"], *others]))[:20]

    def clean_other_tags(self) -> str:
        value = self.cleaned_data["other_tags"]
        if any(len(t) > 20 for t in _SPLIT.split(value)):
            raise forms.ValidationError("每个标签不超过20个字")
        return value


class PlanItemForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    what = forms.CharField(label="服务内容", max_length=100)
    every = forms.IntegerField(label="每", min_value=1, max_value=365, initial=1)
    unit = forms.ChoiceField(label="周期", choices=FrequencyUnit.choices, initial=FrequencyUnit.WEEK)
    responsible = forms.ChoiceField(label="责任人", required=False)
    start_date = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    active = forms.BooleanField(label="执行中", required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        cadre: Cadre,
        people: tuple[list[User], list[Volunteer]],
        items: dict[int, PlanService],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        workers, volunteers = people
        self.people = {f"u:{u.pk}": u for u in workers} | {f"v:{v.pk}": v for v in volunteers}
        cast(forms.ChoiceField, self.fields["responsible"]).choices = [
            ("", "（老干部的联系人）"),
            ("工作人员", [(f"u:{u.pk}", u.display_name) for u in workers]),
            ("志愿者", [(f"v:{v.pk}", v.name) for v in volunteers]),
        ]

    def clean_id(self) -> PlanService | None:
        pk = self.cleaned_data.get("id")
        if pk is None:
            return None
        if pk not in self.items:
            raise forms.ValidationError("该服务项不属于这个方案")
        return self.items[pk]

    def values(self) -> ItemValues:
        data = self.cleaned_data
        person = self.people.get(data["responsible"])
        return ItemValues(
            what=data["what"],
            every=data["every"],
            unit=data["unit"],
            start_date=data["start_date"],
            active=data["active"],
            worker=person if isinstance(person, User) else None,
            volunteer=person if isinstance(person, Volunteer) else None,
            item=data["id"],
        )


class BasePlanItemFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, cadre: Cadre, plan: ServicePlan | None, **kwargs: Any) -> None:
        self.cadre = cadre
        self.people = responsible_people(cadre)
        self.items = {i.pk: i for i in plan.items.all()} if plan else {}
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"cadre": self.cadre, "people": self.people, "items": self.items}

    def values(self) -> list[ItemValues]:
        return [f.values() for f in self.forms if f.has_changed() or f.cleaned_data.get("id")]


PlanItemFormSet = cast(
    type[BasePlanItemFormSet],
    forms.formset_factory(PlanItemForm, formset=BasePlanItemFormSet, extra=1, max_num=30, validate_max=True),
)


def item_initial(item: PlanService) -> dict[str, Any]:
    responsible = (
        f"u:{item.worker_id}" if item.worker_id else f"v:{item.volunteer_id}" if item.volunteer_id else ""
    )
    return {
        "id": item.pk,
        "what": item.what,
        "every": item.every,
        "unit": item.unit,
        "responsible": responsible,
        "start_date": item.start_date,
        "active": item.active,
    }


def formset_initial(plan: ServicePlan | None) -> list[dict[str, Any]]:
    return [item_initial(i) for i in plan.items.order_by("id")] if plan else []


class PlanReviewForm(forms.Form):
    reviewed_on = forms.DateField(label="复核日期", widget=forms.DateInput(attrs={"type": "date"}))
    next_review_date = forms.DateField(
        label="下次复核日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label="复核意见", max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        done, nxt = data.get("reviewed_on"), data.get("next_review_date")
        if done and nxt and nxt <= done:
            self.add_error("next_review_date", "下次复核日期应晚于本次复核日期")
        return data


def plan_data(*, cadre: Cadre, sent: dict[str, Any]) -> dict[str, Any]:
    """API payload → the page's POST data, so the API and the page validate the same way."""
    workers, _ = responsible_people(cadre)
    by_username = {u.username: f"u:{u.pk}" for u in workers}
    data: dict[str, Any] = {
        "needs": sent.get("needs") or "",
        "need_tags": [t for t in sent.get("need_tags") or [] if t in NEED_TAGS],
        "other_tags": "、".join(t for t in sent.get("need_tags") or [] if t not in NEED_TAGS),
        "review_date": sent.get("review_date") or "",
    }
    services = sent.get("services") or []
    data |= {"form-TOTAL_FORMS": str(len(services)), "form-INITIAL_FORMS": "0"}
    for n, item in enumerate(services):
        responsible = ""
        if item.get("worker"):
            responsible = by_username.get(item["worker"], f"u:?{item['worker']}")
        elif item.get("volunteer") is not None:
            responsible = f"v:{item['volunteer']}"
        values = {**item, "responsible": responsible, "id": item.get("id") or ""}
        values["active"] = "on" if item.get("active", True) else ""
        for name in ("id", "what", "every", "unit", "responsible", "start_date", "active"):
            value = values.get(name)
            data[f"form-{n}-{name}"] = "" if value is None else value
    return data
