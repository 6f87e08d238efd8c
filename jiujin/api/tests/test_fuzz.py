"""Hypothesis over the OpenAPI schema: every operation, as two roles, with hostile values — never a 5xx.

Values come from the schema (strings, numbers, arrays, objects and their $refs) and from what attackers send:
ids past 64 bits, lone surrogates, control characters, very long text. Bounded so CI stays fast.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiujin.accounts.models import ApiToken
from jiujin.api.api import api

pytestmark = pytest.mark.django_db
EXAMPLES = 12

hostile_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["\ud800", "a\x00b", "\x01", "=1+1", "' OR 1=1 --", "<script>", "\u202e", "9" * 30]),
    st.just("张" * 5000),
)
hostile_int = st.one_of(st.integers(-(2**70), 2**70), st.sampled_from([0, -1, 2**63, 10**20]))


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _values(schema: dict[str, Any], spec: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    schema = _resolve(schema, spec)
    if depth > 3:
        return st.none()
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return st.one_of(*[_values(s, spec, depth + 1) for s in schema[key]])
    if "enum" in schema:
        return st.one_of(st.sampled_from(schema["enum"]), hostile_text)
    kind = schema.get("type")
    if kind == "integer":
        return hostile_int
    if kind == "number":
        return st.one_of(hostile_int, st.floats(allow_nan=False, allow_infinity=False))
    if kind == "boolean":
        return st.one_of(st.booleans(), hostile_text)
    if kind == "array":
        return st.lists(_values(schema.get("items", {}), spec, depth + 1), max_size=3)
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return st.fixed_dictionaries(
            {}, optional={name: _values(sub, spec, depth + 1) for name, sub in props.items()}
        )
    if schema.get("format") in {"date", "date-time"}:
        return st.one_of(st.dates().map(str), hostile_text)
    return st.one_of(hostile_text, st.none())


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    spec = api.get_openapi_schema()
    return [
        (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if not path.startswith("/api/v1/auth/")
    ]


def _request(path: str, method: str, op: dict[str, Any]) -> st.SearchStrategy[Any]:
    spec = api.get_openapi_schema()
    params = {p["name"]: p for p in op.get("parameters", [])}
    path_params = {n: _values(p.get("schema", {}), spec) for n, p in params.items() if p["in"] == "path"}
    query = {n: _values(p.get("schema", {}), spec) for n, p in params.items() if p["in"] == "query"}
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    return st.tuples(
        st.fixed_dictionaries(path_params),
        st.fixed_dictionaries({}, optional=query),
        _values(body, spec) if body else st.none(),
    )


@pytest.mark.parametrize(
    ("path", "method", "op"), _operations(), ids=lambda v: v if isinstance(v, str) else ""
)
@pytest.mark.parametrize("who", ["community_a", "street"])
def test_it_never_answers_5xx(
    cast: Any, cadre_a: Any, path: str, method: str, op: dict[str, Any], who: str
) -> None:
    client = Client()
    headers = {"Authorization": f"Bearer {ApiToken.issue(getattr(cast, who))[1]}"}

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(_request(path, method, op))
    def run(request: tuple[dict[str, Any], dict[str, Any], Any]) -> None:
        path_values, query, body = request
        url = re.sub(r"\{(\w+)\}", lambda m: _path_value(path_values[m.group(1)]), path)
        # Raw bytes as an attacker sends them: a lone surrogate becomes invalid UTF-8 in the query string.
        raw = {k: str(v).encode("utf-8", "surrogatepass") for k, v in query.items() if v is not None}
        url = f"{url}?{urlencode(raw)}"
        if method == "get":
            response = client.get(url, headers=headers)
        else:
            data = json.dumps(body, ensure_ascii=True) if body is not None else ""
            response = getattr(client, method)(url, data, content_type="application/json", headers=headers)
        assert response.status_code < 500, (method, url, query, body, response.content[:300])

    run()


def _path_value(value: Any) -> str:
    return quote(str(value).encode("utf-8", "surrogatepass"), safe="") or "0"
