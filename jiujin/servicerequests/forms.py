"""Forms of the service-request pages; the API binds the same forms, so both accept and reject the same input."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre
from jiujin.cadres.people import Person, PersonField
from jiujin.lib.phones import PhoneError, normalize_phone
from jiujin.orgs.models import OrgUnit

from .models import RequestState, ResponseTarget, Satisfaction, ServiceRequest
from .services import Assignee

PROVIDER_PREFIX = "provider:"  # the API's way to name a service provider in `assignee`
TRANSITION_STATES = [
    (s.value, s.label)
    for s in (RequestState.DISPATCHED, RequestState.ARRIVED, RequestState.COMPLETED, RequestState.CANCELLED)
]


class IntakeForm(forms.ModelForm):
    class Meta:
        model = ServiceRequest
        fields = [
            "cadre",
            "category",
            "urgency",
            "description",
            "caller_name",
            "caller_relation",
            "caller_phone",
        ]
        widgets = {
            "cadre": forms.HiddenInput,
            "category": forms.RadioSelect,
            "urgency": forms.RadioSelect,
            "description": forms.Textarea(
                attrs={"rows": 3, "placeholder": "如：老人在家摔倒，意识清醒，腿疼不能起身"}
            ),
            "caller_name": forms.TextInput(attrs={"placeholder": "如：王芳"}),
            "caller_relation": forms.TextInput(attrs={"placeholder": "本人 / 女儿 / 邻居"}),
            "caller_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }
        error_messages = {
            "cadre": {"required": "请先查找并选择老干部", "invalid_choice": "没有找到该老干部"},
            "category": {"required": "请选择服务类别"},
            "description": {"required": "请简要记录需求"},
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cadre"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Cadre.objects.for_user(user).select_related("community")
        for name in ("category", "urgency"):
            choice_field = cast(forms.ChoiceField, self.fields[name])
            # A model field's choices: the form field holds them as a plain list.
            options = cast(list[tuple[str, str]], choice_field.choices)
            choice_field.choices = [c for c in options if c[0]]

    def clean_caller_phone(self) -> str:
        raw = self.cleaned_data["caller_phone"].strip()
        if not raw:
            return ""
        try:
            return normalize_phone(raw)
        except PhoneError as exc:
            raise forms.ValidationError(str(exc)) from None

    @property
    def picked_cadre(self) -> Cadre | None:
        """The cadre chosen so far (to show it again when the form comes back with errors)."""
        if self.is_bound:
            return self.cleaned_data.get("cadre") if hasattr(self, "cleaned_data") else None
        return self.initial.get("cadre")


class TransitionForm(forms.Form):
    state = forms.ChoiceField(label="操作", choices=TRANSITION_STATES)
    assignee = PersonField(
        label="处理人",
        required=False,
        kinds=("staff", "volunteer"),
        help_text="输入工作人员或志愿者的姓名、拼音后选择；派给服务商时填下面两栏",
    )
    provider_name = forms.CharField(label="或服务商名称", required=False, max_length=100)
    provider_phone = forms.CharField(label="服务商电话", required=False, max_length=24)
    note = forms.CharField(label="备注", required=False, max_length=300)

    def __init__(self, *args: Any, user: User, cadre: Cadre | None = None, **kwargs: Any) -> None:
        """`cadre`: the request's; the picker then offers only workers who can see that cadre."""
        super().__init__(*args, **kwargs)
        self.user = user
        cast(PersonField, self.fields["assignee"]).scope(user=user, cadre=cadre)

    @staticmethod
    def data_for(values: dict[str, Any]) -> dict[str, Any]:
        """The API's `assignee` may be "provider:<name>": that is the provider field, not a person."""
        text = str(values.get("assignee") or "").strip()
        if text.startswith(PROVIDER_PREFIX):
            return values | {"assignee": "", "provider_name": text.removeprefix(PROVIDER_PREFIX).strip()}
        return values | {"assignee": text}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        data["assignee_obj"] = None
        if data.get("state") == RequestState.DISPATCHED and "assignee" not in self.errors:
            assignee = self._assignee(data.get("assignee"), data)
            if not assignee:
                self.add_error("assignee", "派单须指定处理人（工作人员、志愿者或服务商）")
            data["assignee_obj"] = assignee
        return data

    @staticmethod
    def _assignee(person: Person | None, data: dict[str, Any]) -> Assignee:
        if person is None:
            return Assignee(
                provider_name=data.get("provider_name", ""), provider_phone=data.get("provider_phone", "")
            )
        if person.kind == "volunteer":
            return Assignee(volunteer=person.obj)
        return Assignee(user=person.obj)


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label="老干部满意度",
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择满意度"},
    )
    comment = forms.CharField(
        label="评价", required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class TargetForm(forms.ModelForm):
    class Meta:
        model = ResponseTarget
        fields = ["org_unit", "category", "urgency", "minutes"]
        widgets = {"minutes": forms.NumberInput(attrs={"min": "1", "max": "10080", "inputmode": "numeric"})}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = OrgUnit.objects.for_user(user).order_by("path")
        category = cast(forms.ChoiceField, self.fields["category"])
        options = cast(list[tuple[str, str]], category.choices)  # a model field's choices: a plain list
        category.choices = [("", "全部类别"), *options[1:]]

    def validate_unique(self) -> None:
        # Setting a target again replaces the unit's row (response_target_set updates it).
        pass

    def clean_minutes(self) -> int:
        minutes = self.cleaned_data["minutes"]
        if not 1 <= minutes <= 7 * 24 * 60:
            raise forms.ValidationError("时限应在 1 分钟到 7 天（10080 分钟）之间")
        return minutes
