"""The API toolkit every router builds on: who calls, the error answers, paging and choice types.

Each app's `api.py` imports this module; `jiujin/api` only assembles the routers into the NinjaAPI and
installs `handle_errors` on it. This module imports no feature app (nor cadres): it is the ground floor.

- `caller(request)`: the user whose bearer token authenticated the request.
- `Detail`: the one error schema, `{"detail": "<说明>"}`, of every answer but 422.
- `handle_errors(api)`: the domain errors mapped once — `NoAccess`/`Http404` (out of scope and missing alike)
  is 404 `{"detail": "没有找到"}`, `PermissionDenied` is 403 with its message; both are recorded for the
  auditor. Validation errors are 422 in ninja's shape, located as the page forms locate them
  (`raise_form_errors`, `raise_field_errors`).
- `page_field`, `Page`, `CappedPage`, `paged`: the `page` parameter and one page of a list, with the
  capped count of `core.paging`.
- `one_of(Choices)`: a model's TextChoices as a `Literal` type, `Annotated[str, one_of(Choices)]`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TypeVar, cast, overload

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import ValidationError
from pydantic import GetCoreSchemaHandler
from pydantic_core import CoreSchema

from jiujin.core.paging import COUNT_CAP, MAX_PAGE, CappedPaginator, KeyedPaginator
from jiujin.core.views import record_denied

if TYPE_CHECKING:
    from jiujin.accounts.models import ApiToken, User

M = TypeVar("M", bound=models.Model)

NOT_FOUND = "没有找到"
FORBIDDEN = "没有权限进行此操作"
# Rows per page of every list but the cadres' (which follows the pages' JIUJIN_PAGE_SIZE).
PAGE_SIZE = 100


# ---------------------------------------------------------------- the caller


def caller(request: HttpRequest) -> User:
    """The user whose token authenticated this request (ninja stores it as request.auth)."""
    return request.auth  # type: ignore[attr-defined]


def caller_token(request: HttpRequest) -> ApiToken:
    """The token that authenticated this request."""
    return request.api_token  # type: ignore[attr-defined]


# ---------------------------------------------------------------- errors


class Detail(Schema):
    """Every error answer but 422 (validation): what went wrong, in Chinese."""

    detail: str


def handle_errors(api: NinjaAPI) -> None:
    """Map the domain errors to their answers, once for every router of `api`."""

    @api.exception_handler(Http404)  # NoAccess is an Http404
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # Out of scope and missing are the same answer, word for word; the attempt is kept for the auditor.
        record_denied(request, 404)
        return api.create_response(request, {"detail": NOT_FOUND}, status=404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        record_denied(request, 403)
        return api.create_response(request, {"detail": str(exc) or FORBIDDEN}, status=403)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        # Each operation has one body schema: drop its parameter name from pydantic's locations so they read
        # ["body", "<field>"] like the errors of the page forms (see raise_form_errors).
        return api.create_response(
            request, {"detail": [_without_param_name(e) for e in exc.errors]}, status=422
        )


def _without_param_name(error: dict[str, Any]) -> dict[str, Any]:
    loc = list(error.get("loc", ()))
    if loc[:2] == ["body", "payload"]:
        loc = ["body", *loc[2:]]
    return {**error, "loc": loc}


def forbid(message: str) -> NoReturn:
    """Refuse with 403 and this message (recorded like every refusal)."""
    raise PermissionDenied(message)


def raise_form_errors(
    form: forms.BaseForm, *, source: str = "body", names: Mapping[str, str] | None = None
) -> None:
    """Turn a page form's errors into ninja's own 422 shape, one item per message. `names` maps a form
    field to the API's name for it where they differ."""
    if form.is_valid():
        return
    names = names or {}
    raise ValidationError(
        [
            {
                "loc": [source] if field == NON_FIELD_ERRORS else [source, names.get(field, field)],
                "msg": message,
                "type": "value_error",
            }
            for field, messages in form.errors.items()
            for message in messages
        ]
    )


def raise_field_errors(messages: Mapping[str, Iterable[str]], *, source: str = "body") -> NoReturn:
    """A service's rule errors (Django's message_dict) as the same 422 items as raise_form_errors."""
    raise ValidationError(
        [
            {"loc": [source, field], "msg": message, "type": "value_error"}
            for field, field_messages in messages.items()
            for message in field_messages
        ]
    )


# ---------------------------------------------------------------- paging


def page_field(size: int | None = None) -> Any:
    """The `page` query parameter of a list: 1 to MAX_PAGE (deeper is a typo or an attack)."""
    return Field(1, ge=1, le=MAX_PAGE, description=f"每页 {size} 项" if size else None)


class Page(Schema):
    """One page of a list; subclasses add `items: list[ItemOut]`."""

    count: int = Field(description=f"符合条件的条数；超过 {COUNT_CAP:,} 时为 {COUNT_CAP + 1}")


class CappedPage(Page):
    """A page that also says whether its count stopped at the cap."""

    count: int = Field(
        description=f"符合条件的人数；超过 {COUNT_CAP:,} 时为 {COUNT_CAP + 1}，并且 count_capped 为 true"
    )
    count_capped: bool = Field(False, description=f"人数超过 {COUNT_CAP:,}，未精确统计")


@overload
def paged(
    qs: QuerySet[M],
    number: int,
    *,
    items: Callable[[list[M]], list[Any]],
    size: int = ...,
    rows: None = None,
    key: str = ...,
) -> dict[str, Any]: ...


@overload
def paged(  # keyed: qs may be of another table whose `key` names the rows
    qs: QuerySet[Any],
    number: int,
    *,
    items: Callable[[list[M]], list[Any]],
    size: int = ...,
    rows: Callable[[list[Any]], Iterable[M]],
    key: str = ...,
    count_with_keys: bool = ...,
) -> dict[str, Any]: ...


def paged(
    qs: QuerySet[Any],
    number: int,
    *,
    items: Callable[[list[M]], list[Any]],
    size: int = PAGE_SIZE,
    rows: Callable[[list[Any]], Iterable[M]] | None = None,
    key: str = "pk",
    count_with_keys: bool = False,
) -> dict[str, Any]:
    """Page `number` of `qs` as every list answers it: `items` turns the page's rows into its items; the count
    stops at COUNT_CAP + 1 (a Page schema drops `count_capped`, a CappedPage shows it). With `rows` (keys →
    rows) the page's keys (`key` of each row) are read first and only its rows loaded, as the pages'
    KeyedPaginator does (`count_with_keys` as there)."""
    start = (number - 1) * size
    if rows is None:
        paginator = CappedPaginator(qs, size)
        found = list(qs[start : start + size])
    else:
        paginator = KeyedPaginator(qs, size, rows=rows, key=key, count_with_keys=count_with_keys)
        found = paginator.rows_between(start, start + size)
    return {"count": paginator.count, "count_capped": paginator.capped, "items": items(found)}


# ---------------------------------------------------------------- choice types


@dataclass(frozen=True)
class OneOf:
    """Validates and documents a str field as a Literal of these values (see one_of)."""

    values: tuple[str, ...]

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return handler.generate_schema(cast(Any, Literal)[self.values])


def one_of(choices: type[models.TextChoices], *, exclude: Iterable[str] = ()) -> OneOf:
    """`Annotated[str, one_of(TaskStatus)]`: the choice values of a model field, in their order, as a Literal —
    an inline enum in the OpenAPI document and ninja's 422 for any other value."""
    left_out = set(exclude)
    return OneOf(tuple(str(value) for value in choices.values if value not in left_out))


def choices_text(choices: type[models.TextChoices]) -> str:
    """ "value 标签 / value 标签 …" for a field's description."""
    return " / ".join(f"{value} {label}" for value, label in choices.choices)
