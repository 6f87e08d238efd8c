"""Pages run only under the rule they declare; personal data is never cached by a browser or proxy."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from jiujin.lib.text import CONTROL_CHARS_MESSAGE, has_control_chars

from .access import NoAccess, rule_of

log = logging.getLogger(__name__)


class AccessRuleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Pages, API answers and exports hold personal data (PIPL): no browser or proxy keeps a copy.
        # Static files never get here (WhiteNoise answers them earlier) and stay cacheable.
        patch_cache_control(response, no_store=True, private=True)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if any(isinstance(v, int) and not _fits_bigint(v) for v in kwargs.values()):
            raise NoAccess("没有找到")  # an id no row can have
        if _is_api(request):
            # Every API operation is checked by its own rule (core.access.enforce_api_rules).
            return _refuse_bad_input(request, api=True)
        rule = rule_of(view)
        if rule is None:
            log.error("view %s declares no access rule: refused", getattr(view, "__qualname__", view))
            raise NoAccess("没有找到该页面")
        if rule.login and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        rule.check(request.user)
        return _refuse_bad_input(request, api=False)


WRITE_METHODS = {"POST", "PUT", "PATCH"}


BIGINT = 2**63 - 1
TOO_LARGE = "数字过大"


def _fits_bigint(value: int) -> bool:
    return -BIGINT <= value <= BIGINT


def _refuse_bad_input(request: HttpRequest, *, api: bool) -> HttpResponse | None:
    """Refuse, at the door, what no field can hold: numbers past 64 bits (ids, pages) and, in submitted
    text, invisible control characters and lone surrogates.

    Control characters cannot be seen on screen and break the .xlsx exports; lone surrogates and huge numbers
    cannot even be stored. One check here covers every form, query and API body, present and future
    (uploaded files are the import's job).
    """
    for name, value in request.GET.items():
        if has_control_chars(name) or has_control_chars(value):  # PostgreSQL cannot even compare a NUL
            return _refusal(request, api=api, loc=["query", name], message=CONTROL_CHARS_MESSAGE)
        digits = str(value).strip().removeprefix("-")
        if digits.isdigit() and len(digits) > 18 and not _fits_bigint(int(digits)):
            return _refusal(request, api=api, loc=["query", name], message=TOO_LARGE)
    if request.method not in WRITE_METHODS:
        return None
    found = _offending_field(request)
    if found is None:
        return None
    field, message = found
    if api:
        return _refusal(request, api=True, loc=["body", *field.split(".")], message=message)
    return _refusal(request, api=False, loc=[field], message=message)


def _refusal(request: HttpRequest, *, api: bool, loc: list[str], message: str) -> HttpResponse:
    if api:
        return JsonResponse({"detail": [{"loc": loc, "msg": message, "type": "bad_input"}]}, status=422)
    text = f"提交的内容有误：{loc[-1]}：{message}。请修改后重新提交。"
    return render(request, "400.html", {"message": text}, status=400)


def _offending_field(request: HttpRequest) -> tuple[str, str] | None:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return None  # the API answers malformed JSON itself
        return _find(data, "")
    for name, values in request.POST.lists():
        if has_control_chars(name) or any(has_control_chars(v) for v in values):
            return name, CONTROL_CHARS_MESSAGE
    return None


def _find(value: Any, path: str) -> tuple[str, str] | None:
    if isinstance(value, str):
        return (path, CONTROL_CHARS_MESSAGE) if has_control_chars(value) else None
    if isinstance(value, int) and not isinstance(value, bool):
        return None if _fits_bigint(value) else (path, TOO_LARGE)
    if isinstance(value, dict):
        for key, item in value.items():
            found = _find(item, f"{path}.{key}" if path else str(key))
            if found is None and has_control_chars(key):
                found = str(key), CONTROL_CHARS_MESSAGE
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _find(item, f"{path}.{index}" if path else str(index))
            if found is not None:
                return found
    return None


def _is_api(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and "api" in match.namespaces
