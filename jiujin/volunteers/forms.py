"""Forms of the volunteer pages; the API binds the same forms so both accept and reject the same input."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone

from jiujin.accounts.models import User
from jiujin.cadres.forms import kept, mask_stored
from jiujin.cadres.masking import sees_full_numbers
from jiujin.cadres.people import PersonField
from jiujin.lib.phones import PhoneError, mask_phone, normalize_phone

from .models import ContactLog, Volunteer
from .selectors import staff_communities


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VolunteerForm(forms.ModelForm):
    """Validates only: the services write (bound without an instance, so validating changes nothing)."""

    class Meta:
        model = Volunteer
        fields = ["name", "kind", "phone", "community", "address", "skills", "availability", "active"]
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "address": forms.TextInput(attrs={"placeholder": "如：东湖小区3栋2单元"}),
            "skills": forms.TextInput(attrs={"placeholder": "如：医护、理发、家务、书法，用顿号分隔"}),
            "availability": forms.TextInput(attrs={"placeholder": "如：周末全天、工作日晚上"}),
        }
        help_texts = {"address": "写明楼栋（如“3栋”“3号楼”），推荐结对时同楼栋优先"}

    def __init__(self, *args: Any, user: User, volunteer: Volunteer | None = None, **kwargs: Any) -> None:
        """`volunteer`: the one edited; an editor without `view_sensitive` sees its phone masked (blank keeps it)."""
        super().__init__(*args, **kwargs)
        self.masked: dict[str, str] = {}
        if volunteer is not None and not sees_full_numbers(user):
            mask_stored(self, volunteer, {"phone": mask_phone})
        community = self.fields["community"]
        community.queryset = staff_communities(user)  # type: ignore[attr-defined]
        unit = user.org_unit
        if unit is not None and unit.is_community and not self.is_bound and not self.initial.get("community"):
            community.initial = unit.pk

    def clean_phone(self) -> str:
        stored = kept(self, "phone")
        if stored is not None:
            return stored
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except PhoneError as exc:
            raise forms.ValidationError(str(exc)) from None

    @staticmethod
    def initial_for(volunteer: Volunteer) -> dict[str, Any]:
        return forms.model_to_dict(volunteer, fields=VolunteerForm.Meta.fields)


class LoginForm(forms.Form):
    username = forms.CharField(label="登录用户名", max_length=150, help_text="字母、数字或手机号")
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput(render_value=False),
        help_text="至少10位，请告知志愿者登录后修改",
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("该用户名已被使用")
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("password"):
            try:
                validate_password(data["password"], User(username=data.get("username", "")))
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class _NotInFuture:
    """Dates a volunteer or worker records happened already."""

    today: date

    def _not_after_today(self, name: str, message: str) -> date:
        value = self.cleaned_data[name]  # type: ignore[attr-defined]
        if value > self.today:
            raise forms.ValidationError(message)
        return value


class PairingForm(_NotInFuture, forms.Form):
    started_on = forms.DateField(label="结对日期", widget=_date_input())
    # Besides the ranked suggestions (each a button sending `volunteer`), any volunteer in scope by name.
    other_volunteer = PersonField(label="志愿者", required=False, kinds=("volunteer",))

    def __init__(
        self, *args: Any, user: User | None = None, today: date | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["started_on"].initial = self.today
        if user is not None:
            cast(PersonField, self.fields["other_volunteer"]).scope(user=user)
        else:  # the API names the volunteer by id
            del self.fields["other_volunteer"]

    def clean_started_on(self) -> date:
        return self._not_after_today("started_on", "结对日期不能晚于今天")


class PairingEndForm(_NotInFuture, forms.Form):
    ended_on = forms.DateField(label="结束日期", widget=_date_input())
    reason = forms.CharField(
        label="结束原因",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "如：志愿者搬离、老人入住养老机构"}),
    )

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["ended_on"].initial = self.today

    def clean_ended_on(self) -> date:
        return self._not_after_today("ended_on", "结束日期不能晚于今天")


class ContactLogForm(_NotInFuture, forms.ModelForm):
    class Meta:
        model = ContactLog
        fields = ["on", "form", "note", "needs_attention"]
        widgets = {
            "on": _date_input(),
            "form": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3, "placeholder": "老人近况、做了什么、有什么需要"}),
        }
        help_texts = {"needs_attention": "老人有困难需要社区出面时勾选，社区工作人员会看到"}

    # An <input name="form"> shadows HTMLFormElement.form in the browser; the field goes by another name in
    # requests (the API keeps "form", mapped through `data_for`).
    PARAMS = {"form": "contact_form"}

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["on"].initial = self.today
        self.fields["form"].choices = [c for c in self.fields["form"].choices if c[0]]  # type: ignore[attr-defined]

    def add_prefix(self, field_name: str) -> str:
        return super().add_prefix(self.PARAMS.get(field_name, field_name))

    @classmethod
    def data_for(cls, values: dict[str, Any]) -> dict[str, Any]:
        return {cls.PARAMS.get(name, name): value for name, value in values.items()}

    def clean_on(self) -> date:
        return self._not_after_today("on", "联系日期不能晚于今天")
