"""Picking a person by name: the workers and volunteers who look after cadres.

Fields that name a person (a request's 处理人, a cadre's 联系人, a 一助一 partner) take what a worker types —
a name (张丽), its pinyin (zhangli, zl), a login name or the last digits of a phone — and suggest matches
within the caller's scope as they type (htmx, `people_suggest`). A picked suggestion carries a token
("staff:12", "volunteer:5") in a hidden input; without one (no JavaScript, the API) the typed text must
name exactly one person in scope. The field stores the person; pages show the name and phone.

Kinds of people are registered (`person_source_register`): staff users are defined here, volunteers by their
app, so this module names no feature app.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django import forms
from django.db.models import F, Model, Q, QuerySet, Value
from django.db.models.functions import Concat

from jiujin.accounts.models import Role, User
from jiujin.lib.pinyin import name_pinyin
from jiujin.orgs.models import OrgUnit

from .masking import sees_full_numbers

SUGGEST_LIMIT = 8
PINYIN_SCAN_CAP = 3000  # pinyin is matched in Python over the scoped people: a street has hundreds
TOKEN = re.compile(r"^(?P<kind>[a-z]+):(?P<pk>\d{1,18})$")
_PINYIN = re.compile(r"^[a-z]{1,40}$")
_DIGITS = re.compile(r"^\d{4,11}$")


@dataclass(frozen=True)
class Person:
    """One suggestion, or the person a field resolved to."""

    kind: str
    kind_label: str
    obj: Any  # the User or Volunteer
    name: str
    phone: str  # as the caller may read it (masked or not)
    where: str  # the unit they belong to

    @property
    def token(self) -> str:
        return f"{self.kind}:{self.obj.pk}"

    @property
    def label(self) -> str:
        return f"{self.name}（{self.kind_label}）"


class PersonSource:
    """A kind of person a field may name. Subclasses say who is in scope and how their rows read."""

    kind = ""
    label = ""
    name_fields: tuple[str, ...] = ()  # concatenated: the person's name as written

    def scoped(self, user: User, cadre: Any | None) -> QuerySet[Any]:
        raise NotImplementedError

    def person(self, obj: Any, *, full_phone: bool) -> Person:
        raise NotImplementedError

    def login_q(self, text: str, *, prefix: bool = False) -> Q:
        """Rows whose login name is the typed text (or starts with it); none by default."""
        return Q(pk__in=[])

    def with_name(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        expr = Concat(*self.name_fields, Value("")) if len(self.name_fields) > 1 else F(self.name_fields[0])
        return qs.annotate(person_name=expr)


class StaffSource(PersonSource):
    """Community and street workers whose unit is in the caller's scope (and the caller); given a cadre, only
    those whose unit holds the cadre's community — anyone else would get a 404 for the cadre."""

    kind = "staff"
    label = "工作人员"
    name_fields = ("last_name", "first_name")

    def scoped(self, user: User, cadre: Any | None) -> QuerySet[Any]:
        units = OrgUnit.objects.for_user(user).values("pk")
        staff = Q(org_unit__in=units, role__in=[Role.COMMUNITY, Role.STREET])
        if cadre is not None:
            staff &= Q(org_unit__path__in=cadre.community.chain_paths())
        mine = Q(pk=user.pk) if user.role != Role.VOLUNTEER else Q(pk__in=[])
        return User.objects.filter(staff | mine, is_active=True).select_related("org_unit")

    def login_q(self, text: str, *, prefix: bool = False) -> Q:
        return Q(username__istartswith=text) if prefix else Q(username=text)

    def person(self, obj: Any, *, full_phone: bool) -> Person:
        # A worker's phone is a work number: it is printed on the cadres' contact cards.
        unit = obj.org_unit.name if obj.org_unit_id else ""
        return Person(self.kind, self.label, obj, obj.display_name, obj.phone, unit)


_sources: dict[str, PersonSource] = {}


def person_source_register(*sources: PersonSource) -> None:
    for source in sources:
        _sources[source.kind] = source


def person_sources(kinds: Iterable[str]) -> list[PersonSource]:
    return [_sources[k] for k in kinds if k in _sources]


person_source_register(StaffSource())


@lru_cache(maxsize=20_000)
def _pinyin_keys(name: str) -> tuple[str, str]:
    return name_pinyin(name)


def _search_one(source: PersonSource, user: User, q: str, cadre: Any | None, full: bool) -> list[Person]:
    qs = source.with_name(source.scoped(user, cadre))
    if _PINYIN.match(q.lower()):
        q = q.lower()
        rows = list(qs.order_by("pk")[:PINYIN_SCAN_CAP])
        hits = [r for r in rows if any(k.startswith(q) for k in _pinyin_keys(r.person_name))]
        hits += list(qs.filter(source.login_q(q, prefix=True)).order_by("pk")[:SUGGEST_LIMIT])
    else:
        match = Q(person_name__contains=q) | source.login_q(q, prefix=True)
        if _DIGITS.match(q):
            match |= Q(phone__endswith=q)
        hits = list(qs.filter(match).order_by("pk")[: SUGGEST_LIMIT * 4])
    unique = {row.pk: row for row in hits}
    return [source.person(row, full_phone=full) for row in unique.values()]


def people_search(user: User, q: str, *, kinds: Iterable[str], cadre: Any | None = None) -> list[Person]:
    """Up to SUGGEST_LIMIT people of these kinds in the caller's scope matching what was typed: the exact
    name first, then names that start with it. One or two queries per kind."""
    q = q.strip()
    if not q:
        return []
    full = sees_full_numbers(user)
    found = [p for source in person_sources(kinds) for p in _search_one(source, user, q, cadre, full)]
    found.sort(key=lambda p: (p.name != q, not p.name.startswith(q), p.name, p.kind, p.obj.pk))
    return found[:SUGGEST_LIMIT]


def person_by_token(
    user: User, token: str, *, kinds: Iterable[str], cadre: Any | None = None
) -> Person | None:
    m = TOKEN.match(token.strip())
    if m is None or m["kind"] not in kinds:
        return None
    for source in person_sources([m["kind"]]):
        obj = source.with_name(source.scoped(user, cadre)).filter(pk=int(m["pk"])).first()
        if obj is not None:
            return source.person(obj, full_phone=sees_full_numbers(user))
    return None


def _exact(user: User, text: str, kinds: Iterable[str], cadre: Any | None) -> list[Person]:
    """People in scope whose full name or login name is exactly the text."""
    full = sees_full_numbers(user)
    found: list[Person] = []
    for source in person_sources(kinds):
        qs = source.with_name(source.scoped(user, cadre)).filter(Q(person_name=text) | source.login_q(text))
        found += [source.person(obj, full_phone=full) for obj in qs[:20]]
    return found


class PersonNotFound(forms.ValidationError):
    pass


def person_resolve(
    user: User, text: str, *, kinds: Iterable[str], cadre: Any | None = None, label: str = "此人"
) -> Person:
    """The one person in scope a typed text names: a token, a login name or a full name. Raises a Chinese
    ValidationError when nobody or several people match (naming the candidates, so the worker can pick)."""
    kinds = list(kinds)
    text = text.strip()
    by_token = person_by_token(user, text, kinds=kinds, cadre=cadre)
    if by_token is not None:
        return by_token
    if TOKEN.match(text):
        raise PersonNotFound(f"没有找到{label}「{text}」")
    found = _exact(user, text, kinds, cadre)
    if len(found) == 1:
        return found[0]
    if not found and cadre is not None:
        anyone = [p for p in _exact(user, text, kinds, None) if p.kind == StaffSource.kind]
        if anyone:
            raise PersonNotFound(f"{anyone[0].name}看不到这位老干部（不在其社区或上级单位），请选其他人")
    if not found:
        raise PersonNotFound(f"没有找到{label}「{text}」：请输入姓名或拼音，从建议中选择")
    names = "、".join(f"{p.label}{' ' + p.where if p.where else ''}" for p in found[:4])
    raise PersonNotFound(f"有{len(found)}位「{text}」：{names}，请从建议中选择一位")


# ---------------------------------------------------------------- the form field


class PersonPicker(forms.Widget):
    """A text box that suggests people as one types, and a hidden input for the picked person's token."""

    template_name = "cadres/_person_picker.html"

    def __init__(self, kinds: tuple[str, ...] = ("staff",), attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.kinds = kinds
        self.cadre_pk: int | None = None

    def value_from_datadict(self, data: Any, files: Any, name: str) -> tuple[str, str]:
        return (data.get(name) or "", data.get(f"{name}_pick") or "")

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}_pick" not in data

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, None, attrs)
        text, token = value if isinstance(value, tuple) else ("", "")
        element_id = (attrs or {}).get("id") or f"id_{name}"
        context["picker"] = picker_context(name, element_id, self.kinds, self.cadre_pk, text, token)
        return context


def picker_context(
    name: str, element_id: str, kinds: Iterable[str], cadre_pk: int | None, text: str = "", token: str = ""
) -> dict[str, Any]:
    """What cadres/_person_picker.html needs: the field widget and the `person_picker` tag both build it here."""
    return {
        "name": name,
        "id": element_id,
        "text": text,
        "token": token,
        "kinds": ",".join(kinds),
        "cadre": cadre_pk or "",
        "placeholder": "输入姓名或拼音，如 张丽 / zl",
    }


class PersonField(forms.Field):
    """Cleans to a Person (or None when optional and blank). `scope(user=…, cadre=…)` before use."""

    widget = PersonPicker

    def __init__(self, *, kinds: tuple[str, ...] = ("staff",), **kwargs: Any) -> None:
        kwargs.setdefault("widget", PersonPicker(kinds))
        super().__init__(**kwargs)
        self.kinds = kinds
        self.user: User | None = None
        self.cadre: Any | None = None

    def scope(self, *, user: User, cadre: Any | None = None) -> None:
        self.user, self.cadre = user, cadre
        assert isinstance(self.widget, PersonPicker)
        self.widget.cadre_pk = cadre.pk if cadre is not None else None

    def prepare_value(self, value: Any) -> tuple[str, str]:
        """Show a person (a stored user, a pk, a Person) as its label and token; typed text as typed."""
        if isinstance(value, tuple):
            return value
        if isinstance(value, Person):
            return value.label, value.token
        if isinstance(value, Model):
            value = value.pk
        if value in (None, "") or self.user is None:
            return "", ""
        kind = self.kinds[0]
        person = person_by_token(self.user, f"{kind}:{value}", kinds=self.kinds, cadre=self.cadre)
        return (person.label, person.token) if person else ("", "")

    def to_python(self, value: Any) -> Person | None:
        text, token = value if isinstance(value, tuple) else (str(value or ""), "")
        if not text.strip() and not token:
            return None
        assert self.user is not None, "PersonField.scope(user=…) was not called"
        if token:
            person = person_by_token(self.user, token, kinds=self.kinds, cadre=self.cadre)
            if person is not None and text.strip() in ("", person.label, person.name):
                return person
        return person_resolve(
            self.user, text, kinds=self.kinds, cadre=self.cadre, label=str(self.label or "")
        )


def person_label(obj: Any) -> tuple[str, str]:
    """(label, token) of a stored staff user, for a picker's initial value without a query."""
    if obj is None:
        return "", ""
    person = Person(StaffSource.kind, StaffSource.label, obj, obj.display_name, "", "")
    return person.label, person.token
